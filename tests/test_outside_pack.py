"""The outside pack in plugins/audit-pack-henan installs with pip, is discovered through the
``audit`` entry-point group, fires, can be ignored by config; a broken pack stops a run (exit 2)
unless ``--allow-broken-packs``.

Both packs are pip-installed (``--no-deps --no-build-isolation``) into a temporary ``--target``
folder that only the subprocesses see (``PYTHONPATH``), so the shared environment is untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "plugins" / "audit-pack-henan"
REPORTS = ROOT / "reports"


def _pip_install(src: Path, target: Path) -> None:
    base = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target", str(target)]
    proc = subprocess.run([*base, "--no-build-isolation", str(src)], capture_output=True, text=True)
    if proc.returncode != 0:  # no setuptools/wheel in this environment: let pip fetch them
        proc = subprocess.run([*base, str(src)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _pip_install(PACK, target)
    broken = tmp_path_factory.mktemp("broken_src")
    (broken / "pyproject.toml").write_text(textwrap.dedent('''
        [build-system]
        requires = ["setuptools>=61", "wheel"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "audit-pack-broken"
        version = "0.0.1"
        [project.entry-points.audit]
        broken = "audit_pack_broken"
        [tool.setuptools]
        py-modules = ["audit_pack_broken"]
    '''), encoding="utf-8")
    (broken / "audit_pack_broken.py").write_text("raise ImportError('this pack is broken on purpose')\n")
    _pip_install(broken, target)
    return target


def _audit(site: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True, env=env,
                          cwd=cwd)


def test_installed_pack_is_listed_by_audit_rules(site):
    assert (site / "audit_pack_henan" / "henan.yaml").is_file()  # YAML rule shipped as package data
    proc = _audit(site, "rules")
    assert proc.returncode == 0, proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("HENAN-")]
    assert [ln.split()[0] for ln in lines] == ["HENAN-FEE-STATED", "HENAN-TXT-STATS-PERIOD"]
    assert all(" henan " in ln for ln in lines)
    assert "broken" in proc.stdout and "this pack is broken on purpose" in proc.stdout


def test_pack_fires_can_be_ignored_by_config_and_a_broken_pack_stops_the_run_unless_allowed(site, tmp_path):
    out = tmp_path / "out"
    proc = _audit(site, "run", str(REPORTS), "--out", str(out), "--jobs", "1", "--format", "json")
    assert proc.returncode == 2 and "broken" in proc.stderr and "--allow-broken-packs" in proc.stderr
    assert not out.exists()  # refused before any report was read or any output written
    proc = _audit(site, "run", str(REPORTS), "--out", str(out), "--jobs", "1", "--format", "json",
                  "--allow-broken-packs")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    fee = sorted(f["report_id"][:3] for f in doc["findings"] if f["rule_id"] == "HENAN-FEE-STATED")
    assert fee == ["000"]  # 朱兰街道 2021 never states 信息处理费 (花园街道 004 is a 2020 report: not checked)
    assert any(e["source"] == "broken" for e in doc["run"]["pack_load_errors"])
    (tmp_path / "audit.toml").write_text('ignore = ["henan"]\n', encoding="utf-8")
    out2 = tmp_path / "out2"
    proc = _audit(site, "run", str(REPORTS), "--out", str(out2), "--jobs", "1", "--quiet", "--allow-broken-packs",
                  cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "this pack is broken on purpose" in proc.stderr  # --quiet still says which rules did not run
    doc2 = json.loads((out2 / "findings.json").read_text(encoding="utf-8"))
    assert not any(f["pack"] == "henan" for f in doc2["findings"])
    assert doc2["run"]["ignore"] == ["henan"]
