"""Fault suite, inputs: any bytes in a name, any kind of file, unreadable folders, colliding stems.

Every input path either becomes a report or a listed, explained skip; nothing blocks on a
non-regular file. The tests run as root here, which reads mode-000 folders anyway: the
permission error is simulated by making ``os.scandir`` refuse that one folder, which is exactly
what a non-root user meets.
"""

from __future__ import annotations

import errno
import os
import threading
from pathlib import Path

import pytest

from audit import cli
from audit.ingest import batch
from tests.faults.helpers import findings, parse_findings, run_cli, scorecard_ids, seed

pytestmark = pytest.mark.timeout(120)

REPORT_SEED = Path(__file__).resolve().parents[2] / "reports" / "000_7293952701c65ca5.txt"
GBK_NAME = "舞钢市报告".encode("gbk") + b".txt"  # what unzipping a GBK-named archive gives on Linux


def _folder(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    return src


def test_non_utf8_file_name_is_run_and_shown_escaped(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    (src / os.fsdecode(GBK_NAME)).write_text(seed(), encoding="utf-8")
    (src / "ok.txt").write_text(seed(), encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("run", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr
    ids = scorecard_ids(out)
    assert len(ids) == 2 and "ok" in ids
    odd = next(i for i in ids if i != "ok")
    assert "\\x" in odd  # readable escaped form of the undecodable bytes
    assert findings(out)["run"]["report_count"] == 2


def test_non_utf8_file_name_is_normalised(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    (src / os.fsdecode(GBK_NAME)).write_text(seed(), encoding="utf-8")
    out = tmp_path / "norm"
    proc = run_cli("normalise", str(src), "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    written = list(out.glob("*.json"))
    assert len(written) == 1
    assert "\\x" in written[0].read_text(encoding="utf-8")


@pytest.mark.timeout(60)
def test_fifo_in_a_folder_is_an_explained_skip_not_a_hang(tmp_path: Path) -> None:
    src = _folder(tmp_path)
    (src / "good.txt").write_text(seed(), encoding="utf-8")
    os.mkfifo(src / "pipe.txt")
    out = tmp_path / "out"
    proc = run_cli("run", str(src), "--out", str(out), timeout=50)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "命名管道" in proc.stderr
    run = findings(out)["run"]
    assert run["report_count"] == 1
    assert [s["path"] for s in run["skipped"]] == [str(src / "pipe.txt")]
    assert "命名管道" in run["skipped"][0]["reason"]


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["fifo", "devnull", "procsub"])
def test_non_regular_file_named_explicitly_is_a_report_with_a_parse_finding(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "fifo":
        target = tmp_path / "named.txt"
        os.mkfifo(target)
        proc = run_cli("run", str(target), "--out", str(out), timeout=50)
    elif kind == "devnull":
        target = Path("/dev/null")
        proc = run_cli("run", str(target), "--out", str(out), timeout=50)
    else:  # bash process substitution: a pipe named /dev/fd/N
        import shlex
        import subprocess
        import sys

        cmd = (f"{shlex.quote(sys.executable)} -m audit run <(cat {shlex.quote(str(REPORT_SEED))}) "
               f"--out {shlex.quote(str(out))}")
        proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, timeout=50)
    assert proc.returncode == 0, proc.stderr[-2000:]
    doc = findings(out)
    assert doc["run"]["report_count"] == 1
    rid = scorecard_ids(out)[0]
    parse = parse_findings(out, rid)
    assert parse and "不是普通文件" in parse[0]["message"], parse


def test_unreadable_subfolder_is_a_finding_not_a_silence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """mode 000 is simulated (root reads it anyway): os.scandir refuses that folder."""
    src = _folder(tmp_path)
    (src / "good.txt").write_text(seed(), encoding="utf-8")
    locked = src / "locked"
    locked.mkdir()
    (locked / "hidden_away.txt").write_text(seed(), encoding="utf-8")
    locked.chmod(0)
    real = os.scandir

    def scandir(path=".", *a):
        if Path(os.fsdecode(path)) == locked:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *a)

    monkeypatch.setattr(os, "scandir", scandir)
    try:
        out = tmp_path / "out"
        assert cli.main(["run", str(src), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    finally:
        locked.chmod(0o755)
    assert sorted(scorecard_ids(out)) == ["good", "locked"]
    parse = parse_findings(out, "locked")
    assert parse and "Permission denied" in parse[0]["message"] and "文件夹" in parse[0]["message"]


def test_same_stem_twice_ids_say_which_path(tmp_path: Path) -> None:
    for year in ("2023", "2024"):
        (tmp_path / "in" / year).mkdir(parents=True)
        (tmp_path / "in" / year / "朱兰街道.txt").write_text(seed(), encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(tmp_path / "in"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert sorted(scorecard_ids(out)) == ["2023__朱兰街道", "2024__朱兰街道"]
    ids_in_findings = {f["report_id"] for f in findings(out)["findings"]}
    assert ids_in_findings <= {"2023__朱兰街道", "2024__朱兰街道"}


def test_one_file_under_two_spellings_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _folder(tmp_path)
    (src / "r.txt").write_text(seed(), encoding="utf-8")
    os.link(src / "r.txt", src / "hardlink.txt")
    monkeypatch.chdir(tmp_path)
    files = batch.scan(["in", "./in/r.txt", str(src / "r.txt"), "in/../in/r.txt"]).files
    assert len(files) == 1


def test_scan_never_opens_a_fifo(tmp_path: Path) -> None:
    """If discovery opened the FIFO for reading it would block; a thread guards the test."""
    src = _folder(tmp_path)
    os.mkfifo(src / "p.txt")
    done = threading.Event()
    result: list = []

    def go() -> None:
        result.append(batch.scan([src]))
        done.set()

    threading.Thread(target=go, daemon=True).start()
    assert done.wait(10), "scan blocked on a FIFO"
    assert result[0].files == [] and [s.path.name for s in result[0].skipped] == ["p.txt"]
