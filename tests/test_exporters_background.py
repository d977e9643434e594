"""scorecard.xlsx written by a forked process in big runs: same file, errors surface, no leftovers."""

from __future__ import annotations

import time

import pytest
from openpyxl import load_workbook

from audit import exporters
from audit.exporters import atomic, background, xlsx
from tests.test_exporters import RULES, sample


def _cells(path):
    book = load_workbook(path)
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_background_workbook_is_the_same_as_the_inline_one(tmp_path, monkeypatch):
    f, card = sample()
    inline = exporters.write_outputs(tmp_path / "a", f, card, RULES, {"tool": "audit"})
    monkeypatch.setattr(exporters, "BACKGROUND_XLSX_FROM", 0)
    forked = exporters.write_outputs(tmp_path / "b", f, card, RULES, {"tool": "audit"})
    assert [p.name for p in inline] == [p.name for p in forked]
    assert _cells(tmp_path / "a" / "scorecard.xlsx") == _cells(tmp_path / "b" / "scorecard.xlsx")


def test_a_failing_background_writer_fails_the_run_and_leaves_no_file(tmp_path, monkeypatch):
    def broken(self, target):
        raise OSError("disk full")

    monkeypatch.setattr(xlsx.Workbook, "save", broken)
    monkeypatch.setattr(exporters, "BACKGROUND_XLSX_FROM", 0)
    f, card = sample()
    with pytest.raises(background.BackgroundError, match="disk full"):
        exporters.write_outputs(tmp_path, f, card, RULES, None)
    assert not (tmp_path / "scorecard.xlsx").exists()
    assert not list(tmp_path.glob(".*.tmp"))


def _slow_write(path):
    def writer(fh):
        fh.write(b"partial")
        time.sleep(30)

    return atomic.write_with(path, writer, binary=True)


def test_cancel_stops_the_child_and_removes_its_temporary_file(tmp_path):
    job = background.Job(_slow_write, tmp_path / "big.xlsx")
    deadline = time.monotonic() + 10
    while not list(tmp_path.glob(".*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(tmp_path.glob(".*.tmp"))  # the child is writing
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 10
    assert not list(tmp_path.iterdir())  # neither the file nor its temporary name


def test_job_returns_the_value_and_reraises_errors():
    assert background.Job(sum, [1, 2, 3]).result() == 6
    with pytest.raises(background.BackgroundError, match="ZeroDivisionError"):
        background.Job(divmod, 1, 0).result()


def test_a_big_run_hands_back_each_writers_freed_memory_before_the_next(tmp_path, monkeypatch):
    """Big runs: malloc_trim after every writer of this process (the next builds its file in the
    freed pages' place, not beside them); small runs skip it."""
    from audit import heap

    calls: list[bool] = []
    monkeypatch.setattr(heap, "give_back", lambda *, collect=True: calls.append(collect))
    f, card = sample()
    exporters.write_outputs(tmp_path / "small", f, card, RULES, None)
    assert calls == []
    monkeypatch.setattr(exporters, "BACKGROUND_XLSX_FROM", 0)
    written = exporters.write_outputs(tmp_path / "big", f, card, RULES, None)
    in_process = [p for p in written if p.name != "scorecard.xlsx"]
    assert calls == [False] * len(in_process)
