"""An interrupted run leaves only complete output files, or none; never a half-written one.

Exporters write through ``audit.exporters.atomic`` (temporary file in the same folder, then ``os.replace``).
These tests check that contract directly, then interrupt real runs: a Ctrl-C (SIGINT to the
process group, as a terminal sends it) during a long ``audit run`` subprocess, and a
KeyboardInterrupt raised inside an exporter while it writes, over the complete outputs of a
previous run.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from audit.exporters import atomic

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))


def _temps(folder: Path) -> list[Path]:
    """Temporary files (the output set's manifest is a complete file, not one of them)."""
    from audit.exporters.outset import MANIFEST

    return [p for p in folder.rglob("*") if p.name.endswith(".tmp")
            or p.name.startswith(".") and p.is_file() and p.name != MANIFEST]


# -- audit.exporters.atomic ------------------------------------------------------------------------------

class Boom(Exception):
    pass


@pytest.mark.parametrize("exc", [Boom, KeyboardInterrupt])
def test_writer_failing_midway_keeps_old_file(tmp_path: Path, exc: type[BaseException]) -> None:
    target = tmp_path / "findings.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def half(fh) -> None:
        fh.write('{"new": ')
        fh.flush()
        raise exc()

    with pytest.raises(exc):
        atomic.write_with(target, half)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert _temps(tmp_path) == []


def test_writer_failing_midway_leaves_no_file_when_none_existed(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "scorecard.xlsx"

    def half(fh) -> None:
        fh.write(b"PK\x03\x04 partial")
        raise Boom()

    with pytest.raises(Boom):
        atomic.write_with(target, half, binary=True)
    assert not target.exists()
    assert _temps(tmp_path) == []


def test_successful_write_replaces_whole_file(tmp_path: Path) -> None:
    target = tmp_path / "scorecard.csv"
    atomic.write_text(target, "a,b\n1,2\n")
    atomic.write_text(target, "a\n3\n")
    assert target.read_text(encoding="utf-8") == "a\n3\n"
    atomic.write_bytes(target, b"x")
    assert target.read_bytes() == b"x"
    assert _temps(tmp_path) == []


# -- interrupting real runs ------------------------------------------------------------------

def _assert_complete(out: Path) -> list[str]:
    """Every output present parses completely; no temporary file is left. Returns the names present."""
    assert _temps(out) == [], f"temporary files left behind: {_temps(out)}"
    present = sorted(p.name for p in out.iterdir()) if out.exists() else []
    for name in present:
        p = out / name
        if name.endswith(".json"):
            json.loads(p.read_text(encoding="utf-8"))
        elif name.endswith(".csv"):
            with open(p, encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.reader(fh))
            assert rows and all(len(r) == len(rows[0]) for r in rows), f"{name} is ragged"
        elif name.endswith(".xlsx"):
            openpyxl = pytest.importorskip("openpyxl")
            openpyxl.load_workbook(p).close()
        elif name.endswith(".html"):
            assert p.read_text(encoding="utf-8").rstrip().endswith("</html>"), f"{name} is cut"
    return present


@pytest.fixture(scope="module")
def raw_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import generate

    folder = tmp_path_factory.mktemp("raw")
    generate.write_corpus(600, folder, seed=3)
    return folder


@pytest.mark.parametrize("delay", [1.5, 4.0])
def test_sigint_mid_run_leaves_no_partial_output(raw_corpus: Path, tmp_path: Path, delay: float) -> None:
    pytest.importorskip("audit.cli")
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "audit", "run", str(raw_corpus), "--out", str(out), "--quiet"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    time.sleep(delay)
    finished_early = proc.poll() is not None
    if not finished_early:
        os.killpg(proc.pid, signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("audit run did not stop within 120 s of Ctrl-C")
    if not finished_early:
        assert proc.returncode in (130, -signal.SIGINT), err[-2000:]
    _assert_complete(out)
    time.sleep(0.2)  # reader workers of the interrupted run are gone, none writes later
    _assert_complete(out)


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # openpyxl's cut-off writers
def test_interrupt_inside_exporter_keeps_previous_outputs(raw_corpus: Path, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    cli = pytest.importorskip("audit.cli")
    from audit.exporters import xlsx

    src = tmp_path / "in"
    src.mkdir()
    for p in sorted(raw_corpus.glob("*.txt"))[:8]:
        (src / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "out"
    assert cli.main(["run", str(src), "--out", str(out), "--quiet"]) == 0
    before = {name: (out / name).read_bytes() for name in _assert_complete(out)}
    assert "findings.json" in before and "scorecard.xlsx" in before

    (src / sorted(raw_corpus.glob("*.txt"))[9].name).write_bytes(sorted(raw_corpus.glob("*.txt"))[9].read_bytes())

    def interrupted_save(self, fh) -> None:  # openpyxl Workbook.save, cut off halfway
        fh.write(b"PK\x03\x04 half a workbook")
        raise KeyboardInterrupt

    monkeypatch.setattr(xlsx.Workbook if hasattr(xlsx, "Workbook") else __import__("openpyxl").Workbook,
                        "save", interrupted_save)
    rc = cli.main(["run", str(src), "--out", str(out), "--quiet"])
    assert rc == 130
    after = _assert_complete(out)
    assert (out / "scorecard.xlsx").read_bytes() == before["scorecard.xlsx"]  # old workbook intact
    assert set(before) <= set(after)
    gc.collect()  # finalise openpyxl's abandoned writers here, not in a later test
