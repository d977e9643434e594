"""docs/authoring.md, followed to the letter in a fresh virtual environment: an author writes the
files the guide shows, installs ``audit[authoring]``, tests the pack with pytest, installs it and
sees its rule in ``audit rules``. Nothing outside the package and the guide is used.

``pip install 'audit[authoring]'`` installs this checkout (the package the guide documents);
pip uses its usual cache and indexes, so a warm machine does this in about a minute.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GUIDE = REPO / "docs" / "authoring.md"
FILE_BLOCK = re.compile(r"<!-- file: (\S+) -->\n```\w*\n(.*?)```", re.S)
RUN_BLOCK = re.compile(r"<!-- run -->\n```console\n(.*?)```", re.S)


def guide_files() -> dict[str, str]:
    return {m.group(1): m.group(2) for m in FILE_BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))}


def guide_commands() -> list[list[str]]:
    blocks = RUN_BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    return [shlex.split(line[2:]) for block in blocks for line in block.splitlines() if line.startswith("$ ")]


def test_the_guide_shows_a_complete_pack():
    files = guide_files()
    assert {"audit-pack-myoffice/pyproject.toml", "audit-pack-myoffice/src/audit_pack_myoffice/rules.yaml",
            "audit-pack-myoffice/src/audit_pack_myoffice/__init__.py"} <= set(files)
    commands = [c[:2] for c in guide_commands()]
    assert ["pip", "install"] in commands and ["pytest", "-q"] in commands and ["audit", "rules"] in commands


@pytest.mark.slow
@pytest.mark.timeout(900)
def test_an_author_writes_tests_and_installs_a_pack_from_the_guide(tmp_path):
    for rel, text in guide_files().items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    pack = tmp_path / "audit-pack-myoffice"
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    bindir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{bindir}{os.pathsep}{env.get('PATH', '')}", PIP_DISABLE_PIP_VERSION_CHECK="1")
    outputs = []
    for argv in guide_commands():
        if argv[:2] == ["pip", "install"]:
            argv = [str(bindir / "python"), "-m", "pip", "install", "-q",
                    *[str(REPO) + "[authoring]" if a == "audit[authoring]" else a for a in argv[2:]]]
        else:
            argv = [str(bindir / argv[0]), *argv[1:]]
        done = subprocess.run(argv, cwd=pack, env=env, capture_output=True, text=True, timeout=600, check=False)
        assert done.returncode == 0, f"{' '.join(argv)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        outputs.append(done.stdout)
    assert "passed" in outputs[2] and "failed" not in outputs[2]  # pytest -q tests
    shown = outputs[-1]
    assert "MYOFFICE-CONTACT-PHONE" in shown and "myoffice" in shown and "报告须写明咨询电话" in shown
    # the fresh environment is really separate from the one running this test
    assert Path(sys.prefix).resolve() != env_dir.resolve()
