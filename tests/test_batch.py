"""Batch reading: discovery, unique ids, and normalisation that never loses an input."""

from __future__ import annotations

import sys
import types

import pytest

from audit.contracts import report
from audit.ingest import batch


def test_discover_walks_folders_sorted_skipping_hidden_and_non_reports(tmp_path):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("x")
    (tmp_path / "a.html").write_text("x")
    (tmp_path / "c.PDF").write_bytes(b"%PDF")
    (tmp_path / ".hidden.txt").write_text("x")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("x")
    (tmp_path / "notes.xlsx").write_bytes(b"PK")
    (tmp_path / "README.md").write_text("x")
    explicit = tmp_path / "b" / "data.bin"
    explicit.write_bytes(b"\0")
    files, skipped = batch.discover_with_skipped([tmp_path, explicit, tmp_path / "a.html"])
    rel = [str(f.relative_to(tmp_path)) for f in files]
    assert rel == ["a.html", "b/data.bin", "b/z.txt", "c.PDF"]  # explicit file kept, duplicates merged
    assert [f.name for f in skipped] == ["README.md", "notes.xlsx"]
    assert batch.discover([tmp_path]) == [tmp_path / "a.html", tmp_path / "b" / "z.txt", tmp_path / "c.PDF"]


def test_discover_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(batch.MissingPath, match="nope"):
        batch.discover([tmp_path, tmp_path / "nope"])


def test_assign_ids_say_which_path_a_colliding_stem_came_from():
    paths = ["x/a.txt", "y/a.txt", "z/a.html", "w/a-2.txt", "b.pdf"]
    assert batch.assign_ids(paths) == ["x__a", "y__a", "z__a", "a-2", "b"]
    assert batch.assign_ids(["in/2023/r.txt", "in/2024/r.txt"]) == ["2023__r", "2024__r"]
    assert batch.assign_ids(["d/r.txt", "d/r.html"]) == ["r.txt", "r.html"]
    # a remaining clash (a file literally named like a disambiguated id) still gets a number
    assert batch.assign_ids(["x/a.txt", "y/a.txt", "x__a.txt"]) == ["x__a", "y__a", "x__a-2"]


@pytest.fixture
def fake_reader(monkeypatch):
    """A reader module that fails on files whose name contains 'bad'."""
    mod = types.ModuleType("audit.ingest.normalise")

    def read_report(path, report_id):
        if "bad" in str(path):
            raise RuntimeError("cannot parse")
        rep = report.new_report(report_id, str(path), fmt="txt")
        rep["unit"] = "测试单位"
        return rep

    mod.read_report = read_report
    monkeypatch.setitem(sys.modules, "audit.ingest.normalise", mod)


def test_normalise_many_in_process_turns_reader_exceptions_into_unreadable_reports(tmp_path, fake_reader):
    paths = [tmp_path / "ok.txt", tmp_path / "bad.txt", tmp_path / "ok2.txt"]
    out = list(batch.normalise_many(paths, ["ok", "bad", "ok2"], jobs=1, progress=False))
    assert [r["report_id"] for r in out] == ["ok", "bad", "ok2"]
    assert out[0]["unit"] == "测试单位"
    (prob,) = out[1]["problems"]
    assert prob["kind"] == "unreadable" and "cannot parse" in prob["detail"]
    for r in out:
        report.validate(r)


def test_normalise_many_in_worker_processes_keeps_every_input_in_order(tmp_path):
    paths = []
    for i in range(7):
        p = tmp_path / f"r{i}.txt"
        p.write_text("" if i == 3 else "一、总体情况\n本年度未收到申请。\n", encoding="utf-8")
        paths.append(p)
    ids = batch.assign_ids(paths)
    out = list(batch.normalise_many(paths, ids, jobs=2, progress=False))
    assert [r["report_id"] for r in out] == ids
    for r in out:
        report.validate(r)


def test_normalise_many_checks_lengths():
    with pytest.raises(ValueError):
        list(batch.normalise_many(["a.txt"], [], jobs=1))


def test_normalise_writes_an_invalid_reader_result_as_unreadable_with_a_note():
    import json

    from audit.contracts.report import new_report
    from audit.ingest.batch import _dump_reports

    bad = new_report("r1", "x/r1.txt") | {"year": "2020"}  # the schema wants an integer
    [(rid, text, note)] = _dump_reports([bad])
    rep = json.loads(text)
    assert rid == "r1" and "invalid report" in note and "year" in note
    assert [p["kind"] for p in rep["problems"]] == ["unreadable"] and rep["source"]["path"] == "x/r1.txt"


def test_normalise_command_writes_one_valid_json_per_input(tmp_path):
    import json

    from audit.cli import main
    from audit.contracts import report

    src = tmp_path / "in"
    src.mkdir()
    for i, text in enumerate(["", "\x00\x01binary", "一、总体情况\n没有表格"]):
        (src / f"f{i}.txt").write_bytes(text.encode("utf-8"))
    assert main(["normalise", str(src), "--out", str(tmp_path / "out"), "--quiet", "--jobs", "2"]) == 0
    written = sorted((tmp_path / "out").glob("*.json"))
    assert [p.stem for p in written] == ["f0", "f1", "f2"]
    for p in written:
        assert report.errors(json.loads(p.read_text(encoding="utf-8"))) == []
