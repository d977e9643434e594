"""Fault suite, the output set: one run's files or the previous run's, never a mix; a second run on
the same ``--out`` is refused (exit 2) while the first holds the lock; leftovers are cleaned up and
nothing a user put into ``--out`` is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit import cli
from audit.exporters import outset
from tests.faults.helpers import REPO, findings, generated_corpus, run_cli
from tests.test_interrupt import _assert_complete

pytestmark = pytest.mark.timeout(180)
REPORTS = REPO / "reports"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("outputs_raw"), 400, seed=11)


def test_second_run_on_the_same_out_is_refused_while_the_first_runs(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    first = subprocess.Popen([sys.executable, "-m", "audit", "run", str(corpus), "--out", str(out), "--quiet"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        lock = tmp_path / ".out.audit-lock"
        end = time.time() + 60
        while not any(p.name.startswith(".out.new-") for p in tmp_path.iterdir()) and time.time() < end:
            time.sleep(0.05)  # the first run has taken the lock and staged its folder
        assert lock.exists()
        second = run_cli("run", str(REPORTS), "--out", str(out), "--quiet", timeout=60)
        assert second.returncode == 2 and "另一次" in second.stderr, second.stderr
        _, err = first.communicate(timeout=150)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == 0, err[-2000:]
    assert findings(out)["run"]["report_count"] == 400  # the first run's set, whole
    _assert_complete(out)


def test_two_runs_in_a_row_each_leave_one_whole_set(tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", str(REPORTS), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    one = sorted(REPORTS.glob("*.txt"))[0]
    assert cli.main(["run", str(one), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    assert findings(out)["run"]["report_count"] == 1
    manifest = json.loads((out / outset.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["state"] == "complete" and "findings.json" in manifest["outputs"]


def test_leftovers_are_cleaned_and_user_files_survive(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "normalised").mkdir(parents=True)
    (out / "normalised" / "r.json").write_text("{}", encoding="utf-8")
    (out / "notes.txt").write_text("我的笔记", encoding="utf-8")
    (out / ".scorecard.xlsx.abc123.tmp").write_bytes(b"PK half")  # what SIGKILL left in older versions
    staging = tmp_path / ".out.new-dead1"  # a run killed while writing
    staging.mkdir()
    (staging / outset.MANIFEST).write_text('{"state": "staging", "outputs": []}', encoding="utf-8")
    (staging / "findings.json").write_text('{"half', encoding="utf-8")
    old = tmp_path / ".out.new-dead2"  # a run killed right after the swap: the old set, not yet given back
    old.mkdir()
    (old / outset.MANIFEST).write_text('{"state": "complete", "outputs": ["findings.json"]}', encoding="utf-8")
    (old / "findings.json").write_text("{}", encoding="utf-8")
    (old / "docs").mkdir()
    assert cli.main(["run", str(REPORTS), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.audit-lock", "out"]
    assert (out / "normalised" / "r.json").read_text(encoding="utf-8") == "{}"
    assert (out / "notes.txt").read_text(encoding="utf-8") == "我的笔记"
    assert (out / "docs").is_dir()
    assert not list(out.glob(".*.tmp"))
    _assert_complete(out)


def test_failed_write_keeps_the_old_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    assert cli.main(["run", str(REPORTS), "--out", str(out), "--quiet", "--jobs", "1"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def full(fd):  # every exporter writes through audit.exporters.atomic, which syncs each file
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    assert cli.main(["run", str(REPORTS), "--out", str(out), "--quiet", "--jobs", "1"]) == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.audit-lock", "out"]
