"""Glued rows decided by the same unit's reports of the year before and after (``audit.corpus.year_splits``).

Fixtures in tests/fixtures/flattened/years imitate the Pingtan crawler dumps (one line per report,
each table row's numbers glued together):

- 澜屿新区 2021–2023. 行政规范性文件: 2021 ``72150`` (6 readings) is decided only by 2022 (20, 5, 165,
  stated in 2022's text); 2023 ``3010185`` only by 2022. 规章: 2022 ``11215`` keeps two readings
  whatever 2021 (``15426``, glued too) and 2023 (``4415``) allow; 2023 ``4415`` has one reading that
  some reading of 2022 continues. 表三: 2022's 上年结转 and 结转下年度 (``110000011``: 11,0,… or 1,10,…;
  its （七）总计 carries a stray number, so the columns cannot decide them) are decided by 2021's
  结转下年度 and 2023's 上年结转.
- 石港镇 2022–2023: 2023 ``77132470`` continues 2022's 698 in force under no reading.
- 青屿区 2019–2020 (edition 2019): rows decided by 上一年项目数量 = last year's 上一年项目数量 + 本年增/减
  (see the section of that name below).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from audit import cli
from audit.contracts import report as R
from audit.corpus import year_splits
from audit.corpus.loader import load
from audit.ingest import glued_rows
from audit.ingest.normalise import normalise_text, read_report
from audit.testing.build import build_report
from audit.testing.cases import run_rule
from rules import cross_report, structure
from tests.shared_paths import REAL

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flattened" / "years"
REQ = ["natural", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]
DOCS = ["issued", "repealed", "in_force"]


def _reports(*names: str) -> list[dict]:
    return [read_report(FIXTURES / f"{n}.txt", n) for n in names]


ALL = ("lanyu_2021", "lanyu_2022", "lanyu_2023", "shigang_2022", "shigang_2023")


@pytest.fixture(scope="module")
def corpus():
    return load(_reports(*ALL))


def _row(corpus, rid: str, table: str, row: str, cols: list[str]) -> tuple[list, list]:
    c = corpus.cells
    sub = c[(c["report_id"] == rid) & (c["table"] == table) & (c["row"] == row)].set_index("col")
    sub = sub.loc[cols]
    return [None if v != v else v for v in sub["value"].tolist()], sub["state"].astype(str).tolist()


def _problem(corpus, rid: str, table: str, row: str) -> tuple[str, str]:
    p = corpus.problems
    hit = p[(p["report_id"] == rid) & (p["table"] == table) & (p["row"] == row)]
    assert len(hit) == 1
    return hit["kind"].iloc[0], hit["detail"].iloc[0]


def test_each_report_carries_its_readings_and_every_reading_prints_its_digits() -> None:
    for rep in _reports(*ALL):
        R.validate(rep)
        for p in rep["problems"]:
            if p["kind"] != "ambiguous_split":
                continue
            r = p["readings"]
            assert r["cols"] and r["count"] == len(r["values"]) >= 2 and not r["capped"]
            for v in r["values"]:
                assert "".join(glued_rows.number_raw(x) for x in v) == r["digits"]


def test_a_row_decided_only_by_the_next_year(corpus) -> None:
    assert _row(corpus, "lanyu_2021", "active", "normative_documents", DOCS) == ([7, 2, 150], ["value"] * 3)
    kind, detail = _problem(corpus, "lanyu_2021", "active", "normative_documents")
    assert kind == "split_by_other_year"
    assert "“72150”" in detail and "下一年度报告（lanyu_2022，2022年）" in detail and "上一年度" not in detail
    assert detail.endswith("本年制发件数 7、本年废止件数 2、现行有效件数 150，已按此读取")


def test_a_row_decided_only_by_the_previous_year(corpus) -> None:
    assert _row(corpus, "lanyu_2023", "active", "normative_documents", DOCS) == ([30, 10, 185], ["value"] * 3)
    kind, detail = _problem(corpus, "lanyu_2023", "active", "normative_documents")
    assert kind == "split_by_other_year" and "上一年度报告（lanyu_2022，2022年）" in detail and "现行有效件数 165" in detail
    # A glued row of the other year counts with every reading it has.
    assert _row(corpus, "lanyu_2023", "active", "regulations", DOCS) == ([4, 4, 15], ["value"] * 3)
    assert "的数字“11215”（同样粘连，有 6 种可能的拆分）" in _problem(corpus, "lanyu_2023", "active", "regulations")[1]


def test_requests_rows_decided_by_the_years_before_and_after(corpus) -> None:
    assert _row(corpus, "lanyu_2022", "requests", "carried_over", REQ)[0] == [11, 0, 0, 0, 0, 0, 11]
    assert _row(corpus, "lanyu_2022", "requests", "carried_next", REQ)[0] == [1, 10, 0, 0, 0, 0, 11]
    kind, detail = _problem(corpus, "lanyu_2022", "requests", "carried_next")
    assert kind == "split_by_other_year" and "下一年度报告（lanyu_2023，2023年）“二、上年结转政府信息公开申请数量”行" in detail
    assert _problem(corpus, "lanyu_2022", "requests", "handled_total")[0] == "extra_cells"  # untouched


def test_rows_both_years_leave_open_stay_ambiguous(corpus) -> None:
    for rid in ("lanyu_2021", "lanyu_2022"):
        assert _row(corpus, rid, "active", "regulations", DOCS) == ([None] * 3, ["unplaced"] * 3)
        kind, detail = _problem(corpus, rid, "active", "regulations")
        assert kind == "ambiguous_split" and detail.endswith("无法唯一拆分为 3 个数值")  # as the reader wrote it


def test_no_reading_continues_the_other_year_is_a_conflict_at_the_row(corpus) -> None:
    assert _row(corpus, "shigang_2023", "active", "normative_documents", DOCS)[1] == ["unplaced"] * 3
    kind, detail = _problem(corpus, "shigang_2023", "active", "normative_documents")
    assert kind == "other_year_conflict"
    assert "21 种可能的拆分，没有一种与上一年度报告（shigang_2022，2022年）“行政规范性文件”行（现行有效件数 698）衔接" in detail


def test_findings_say_why_and_the_cross_year_rules_agree(corpus) -> None:
    out = run_rule([*structure.RULES, *cross_report.RULES], corpus)
    got = sorted(zip(out["rule_id"], out["report_id"], out["row"], out["severity"], strict=True))
    assert [g for g in got if g[0].startswith("STRUCT-")] == [
        ("STRUCT-AMBIGUOUS-SPLIT", "lanyu_2021", "regulations", "warning"),
        ("STRUCT-AMBIGUOUS-SPLIT", "lanyu_2022", "regulations", "warning"),
        ("STRUCT-EXTRA-CELLS", "lanyu_2022", "handled_total", "warning"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "lanyu_2021", "normative_documents", "info"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "lanyu_2022", "carried_next", "info"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "lanyu_2022", "carried_over", "info"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "lanyu_2023", "normative_documents", "info"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "lanyu_2023", "regulations", "info"),
        ("STRUCT-SPLIT-OTHER-YEAR-CONFLICT", "shigang_2023", "normative_documents", "warning"),
    ]
    # The placed rows continue the other years, so XR-IN-FORCE / XR-CARRY-OVER have nothing to say.
    assert not [g for g in got if g[0] in ("XR-IN-FORCE", "XR-CARRY-OVER")]


def test_a_report_alone_keeps_what_the_reader_decided() -> None:
    rep = _reports("lanyu_2023")[0]
    alone = load([rep])
    assert set(alone.problems["kind"]) == {"ambiguous_split"}
    assert _row(alone, "lanyu_2023", "active", "normative_documents", DOCS)[1] == ["unplaced"] * 3
    assert "readings" not in alone.problems.columns


def test_normalised_json_is_decided_the_same_way(tmp_path) -> None:
    for rep in _reports(*ALL, "qingyu_2019", "qingyu_2020"):
        (tmp_path / f"{rep['report_id']}.json").write_text(R.dumps(rep), encoding="utf-8")
    from_json, from_text = tmp_path / "json-out", tmp_path / "text-out"
    assert cli.main(["run", str(tmp_path), "--out", str(from_json), "--jobs", "1", "--quiet"]) == 0
    assert cli.main(["run", str(FIXTURES), "--out", str(from_text), "--jobs", "1", "--quiet"]) == 0

    def keyed(out: Path) -> list:
        found = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
        return sorted((f["report_id"], f["rule_id"], f["row"] or "", f["message"]) for f in found)

    a, b = keyed(from_json), keyed(from_text)
    assert a == b
    assert sum(1 for f in a if f[1] == "STRUCT-SPLIT-BY-OTHER-YEAR") == 5 + 3


def test_too_many_readings_travel_capped_and_decide_nothing() -> None:
    text = (FIXTURES / "lanyu_2023.txt").read_text(encoding="utf-8").replace("行政规范性文件3010185", "行政规范性文件123456789123456")
    rep = normalise_text(text, report_id="lanyu_2023")
    R.validate(rep)
    p = next(p for p in rep["problems"] if p["row"] == "normative_documents")
    assert p["readings"]["capped"] and p["readings"]["values"] == [] and p["readings"]["count"] > glued_rows.MAX_CARRIED
    c = load([*_reports("lanyu_2022"), rep])
    assert _problem(c, "lanyu_2023", "active", "normative_documents")[0] == "ambiguous_split"


# -- synthetic reports: readings as the reader would carry them ------------------------------------

def _glued(table: str, row: str, cols: list[str], values: list[list[float]], digits: str = "…") -> dict:
    return {"kind": "ambiguous_split", "table": table, "row": row, "detail": f"{row} 粘连",
            "readings": {"digits": digits, "cols": cols, "count": len(values), "capped": False, "values": values}}


def _unplaced(table: str, row: str, cols: list[str]) -> list[str]:
    return [f"{table}/{row}/{c}" for c in cols]


def _with_unplaced(patch: dict, rows: list[tuple[str, str, list[str]]]) -> dict:
    rep = build_report(patch)
    gone = {k for t, r, cols in rows for k in _unplaced(t, r, cols)}
    for c in rep["cells"]:
        if f"{c['table']}/{c['row']}/{c['col']}" in gone:
            c["value"], c["raw"], c["state"] = None, None, "unplaced"
    return rep


def _req(*v: float) -> dict[str, float]:
    return dict(zip(REQ, v, strict=True))


def test_the_columns_then_decide_the_other_glued_rows() -> None:
    """上年结转 (1,10,…) or (11,0,…) and 新收 (9,1,…) or (9,11,…)… hold the columns either way; last
    year's 结转下年度 decides 上年结转, and then the columns decide 新收."""
    prev = build_report({"report_id": "p", "year": 2023, "cells": {f"requests/carried_next/{k}": v for k, v in
                                                                  _req(11, 0, 0, 0, 0, 0, 11).items()}})
    new_a, new_b = [9, 11, 0, 0, 0, 0, 20], [19, 1, 0, 0, 0, 0, 20]
    co_a, co_b = [11, 0, 0, 0, 0, 0, 11], [1, 10, 0, 0, 0, 0, 11]
    handled = dict(zip(REQ, [20, 11, 0, 0, 0, 0, 31], strict=True))
    cur = _with_unplaced({"report_id": "c", "year": 2024, "cells": {
        **{f"requests/handled_total/{k}": v for k, v in handled.items()},
        **{f"requests/granted/{k}": v for k, v in handled.items()},
        **{f"requests/unable_not_held/{k}": 0 for k in REQ}},
        "problems": [_glued("requests", "new", REQ, [new_a, new_b], "…"),
                     _glued("requests", "carried_over", REQ, [co_a, co_b], "…")]},
        [("requests", "new", REQ), ("requests", "carried_over", REQ)])
    c = load([prev, cur])
    assert _row(c, "c", "requests", "carried_over", REQ)[0] == co_a
    assert _row(c, "c", "requests", "new", REQ)[0] == new_a
    kind, detail = _problem(c, "c", "requests", "new")
    assert kind == "split_by_other_year" and "按相邻年度报告确定“二、上年结转政府信息公开申请数量”行的拆分后" in detail
    # Without last year's report nothing is decided.
    alone = load([cur])
    assert set(alone.problems["kind"]) == {"ambiguous_split"}


def test_a_reading_the_other_year_allows_but_the_columns_refuse_is_a_conflict() -> None:
    prev = build_report({"report_id": "p", "year": 2023, "cells": {f"requests/carried_next/{k}": v for k, v in
                                                                  _req(2, 9, 0, 0, 0, 0, 11).items()}})
    handled = dict(zip(REQ, [20, 11, 0, 0, 0, 0, 31], strict=True))
    cur = _with_unplaced({"report_id": "c", "year": 2024, "cells": {
        **{f"requests/handled_total/{k}": v for k, v in handled.items()},
        **{f"requests/granted/{k}": v for k, v in handled.items()},
        **{f"requests/unable_not_held/{k}": 0 for k in REQ}},
        "problems": [_glued("requests", "new", REQ, [[9, 11, 0, 0, 0, 0, 20], [19, 1, 0, 0, 0, 0, 20]]),
                     _glued("requests", "carried_over", REQ, [[11, 0, 0, 0, 0, 0, 11], [1, 10, 0, 0, 0, 0, 11],
                                                               [2, 9, 0, 0, 0, 0, 11]])]},
        [("requests", "new", REQ), ("requests", "carried_over", REQ)])
    c = load([prev, cur])
    kind, detail = _problem(c, "c", "requests", "carried_over")
    assert kind == "other_year_conflict" and "但都不能使本表各列勾稽关系成立" in detail
    assert _problem(c, "c", "requests", "new")[0] == "ambiguous_split"
    assert _row(c, "c", "requests", "carried_over", REQ)[1] == ["unplaced"] * 7


def test_each_year_allows_a_reading_but_none_both() -> None:
    """Last year allows (5, 3, 12) only, next year (5, 31, 2) only ((53, 1, 2) would leave −50 in force
    the year before): no reading continues both."""
    def docs(rid: str, year: int, values: list[float]) -> dict:
        return build_report({"report_id": rid, "year": year, "cells": {
            f"active/normative_documents/{k}": v for k, v in zip(DOCS, values, strict=True)}})
    readings = [[5, 3, 12], [5, 31, 2], [53, 1, 2]]
    mid = _with_unplaced({"report_id": "m", "year": 2023, "problems": [
        _glued("active", "normative_documents", DOCS, readings, "5312")]}, [("active", "normative_documents", DOCS)])
    c = load([docs("a", 2022, [1, 0, 10]), mid, docs("z", 2024, [0, 0, 2])])
    kind, detail = _problem(c, "m", "active", "normative_documents")
    assert kind == "other_year_conflict"
    assert "（现行有效件数 10）衔接的有 1 种" in detail and "现行有效件数 2）衔接的有 1 种" in detail
    assert "但没有一种同时与上一年度报告（a，2022年）和下一年度报告（z，2024年）衔接" in detail


def test_other_editions_and_other_units_are_not_compared() -> None:
    mid = _with_unplaced({"report_id": "m", "year": 2023, "problems": [
        _glued("active", "normative_documents", DOCS, [[5, 3, 12], [53, 1, 2]], "5312")]},
        [("active", "normative_documents", DOCS)])
    other_unit = build_report({"report_id": "o", "year": 2022, "unit": "别的单位",
                               "cells": {"active/normative_documents/in_force": 10}})
    old = build_report({"report_id": "e", "year": 2022, "edition": "2019"})
    c = load([other_unit, old, mid])
    assert _problem(c, "m", "active", "normative_documents")[0] == "ambiguous_split"


def test_links_are_the_cross_report_packs_continuations() -> None:
    assert {(lk.table, lk.earlier, lk.later) for lk in year_splits.LINKS} == {
        ("active", "regulations", "regulations"), ("active", "normative_documents", "normative_documents"),
        *(("active", r, r) for r in cross_report._ITEM_ROWS), ("requests", "carried_next", "carried_over")}
    assert {lk.edition for lk in year_splits.LINKS if lk.table == "active" and lk.earlier in cross_report._ITEM_ROWS} == {"2019"}


def test_schema_takes_reports_with_and_without_readings() -> None:
    rep = _reports("shigang_2023")[0]
    assert R.is_valid(rep) and any("readings" in p for p in rep["problems"])
    bare = json.loads(json.dumps(rep))
    for p in bare["problems"]:
        p.pop("readings", None)
    assert R.is_valid(bare)
    broken = json.loads(json.dumps(rep))
    next(p for p in broken["problems"] if "readings" in p)["readings"].pop("capped")
    assert not R.is_valid(broken) and R.errors(broken)


REAL_PINGTAN = sorted(REAL.glob("pingtan-archive__pingtan-20*.txt")) if REAL.exists() else []


@pytest.mark.skipif(not REAL_PINGTAN, reason="the shared real corpus is not here")
def test_the_real_pingtan_series() -> None:
    c = load([read_report(p, p.stem) for p in REAL_PINGTAN])
    p = c.problems[c.problems["table"] == "active"]
    norm = p[p["row"] == "normative_documents"].set_index("report_id")["kind"].to_dict()
    # 2021 (693665): 2022's 88/55/698 leaves (6, 93, 665) and (69, 3, 665); 2020 is of the 2019 edition.
    assert norm["pingtan-archive__pingtan-2021"] == "ambiguous_split"
    # 2023–2025: no reading continues 2022's 698 in force, nor any reading of the next or previous year.
    for y in (2023, 2024, 2025):
        assert norm[f"pingtan-archive__pingtan-{y}"] == "other_year_conflict"
    assert "pingtan-archive__pingtan-2022" not in norm  # read in the report (its text states 88 and 698)
    # The only rows placed: 2019's 行政许可, 其他对外管理服务事项, 行政处罚 and 行政事业性收费, by 2020's 上一年项目数量.
    placed = c.problems[c.problems["kind"] == "split_by_other_year"]
    assert sorted(zip(placed["report_id"], placed["row"], strict=True)) == [
        ("pingtan-archive__pingtan-2019", r) for r in ("fees", "licensing", "other_services", "penalty")]


def _docs(rid: str, year: int, values: list[float]) -> dict:
    return build_report({"report_id": rid, "year": year, "cells": {
        f"active/normative_documents/{k}": v for k, v in zip(DOCS, values, strict=True)}})


def _glued_docs(rid: str, year: int, readings: list[list[float]], digits: str) -> dict:
    return _with_unplaced({"report_id": rid, "year": year, "problems": [
        _glued("active", "normative_documents", DOCS, readings, digits)]}, [("active", "normative_documents", DOCS)])


def test_a_reading_that_leaves_a_negative_stock_the_year_before_is_no_reading() -> None:
    """3060 is (3, 0, 60) or (30, 6, 0); a next year printed all zero fits (30, 6, 0) only, which would
    leave 0 − 30 + 6 = −24 in force the year before: no reading fits, never 30, 6, 0."""
    c = load([_glued_docs("m", 2022, [[3, 0, 60], [30, 6, 0]], "3060"), _docs("z", 2023, [0, 0, 0])])
    kind, detail = _problem(c, "m", "active", "normative_documents")
    assert kind == "other_year_conflict" and "由此推得的上年现行有效件数不能为负" in detail
    assert _row(c, "m", "active", "normative_documents", DOCS)[1] == ["unplaced"] * 3


def test_a_report_that_breaks_on_its_other_side_places_nothing() -> None:
    """1230: (1, 2, 30), (1, 23, 0) or (12, 3, 0) (−9 the year before). Next year's 2 issued, 2 in
    force fits (1, 23, 0) only; but when that report is itself not continued by the year after it
    (2 → 40 with nothing issued), its figures are no ground for a value: the row stays ambiguous."""
    readings = [[1, 2, 30], [1, 23, 0], [12, 3, 0]]
    two = load([_glued_docs("m", 2022, readings, "1230"), _docs("z", 2023, [2, 0, 2])])
    assert _row(two, "m", "active", "normative_documents", DOCS)[0] == [1, 23, 0]
    three = load([_glued_docs("m", 2022, readings, "1230"), _docs("z", 2023, [2, 0, 2]), _docs("y", 2024, [0, 0, 40])])
    assert _problem(three, "m", "active", "normative_documents")[0] == "ambiguous_split"
    assert _row(three, "m", "active", "normative_documents", DOCS)[1] == ["unplaced"] * 3


def test_a_row_printed_all_zero_places_nothing() -> None:
    """1330: (1, 3, 30), (1, 33, 0) or (13, 3, 0) (−10 the year before). A next year printed 0, 0, 0
    (a table left unfilled looks like that) fits (1, 33, 0) only, as it fits any reading ending in 0:
    no ground for a value (the generated corpus has 1, 3, 30 there)."""
    c = load([_glued_docs("m", 2021, [[1, 3, 30], [1, 33, 0], [13, 3, 0]], "1330"), _docs("z", 2022, [0, 0, 0])])
    assert _problem(c, "m", "active", "normative_documents")[0] == "ambiguous_split"
    # It still contradicts a reading-less row: every reading against 0 in force the year before.
    c = load([_docs("a", 2020, [0, 0, 0]), _glued_docs("m", 2021, [[1, 3, 30], [1, 33, 0], [13, 3, 0]], "1330")])
    assert _problem(c, "m", "active", "normative_documents")[0] == "other_year_conflict"


_ALL_ZERO = {k: 0 for k in (
    "active/normative_documents/issued", "active/normative_documents/in_force", "active/licensing/decisions",
    "active/penalty/decisions", "requests/new/natural", "requests/new/total", "requests/granted/natural",
    "requests/granted/total", "requests/unable_not_held/natural", "requests/unable_not_held/total",
    "requests/handled_total/natural", "requests/handled_total/total", "appeals/review/upheld", "appeals/review/total")}


def test_a_report_printed_all_zero_neither_decides_nor_contradicts() -> None:
    """6349 is (6, 3, 49), (6, 34, 9) or (63, 4, 9) (−50 the year before). A next year whose three
    tables are all 0 (a template filled with 0, flagged by ZERO-ALL-TABLES) breaks every reading
    (0 in force after 49 or 9, nothing repealed), yet that year is no evidence: no conflict, nothing
    placed from it. With a printed year before (46 in force: only 6, 3, 49 continues it) the row is
    decided by that year alone (the generated corpus prints 6, 3, 49 there)."""
    readings = [[6, 3, 49], [6, 34, 9], [63, 4, 9]]
    zero = build_report({"report_id": "z", "year": 2022, "cells": _ALL_ZERO})
    alone = load([_glued_docs("m", 2021, readings, "6349"), zero])
    assert _problem(alone, "m", "active", "normative_documents")[0] == "ambiguous_split"
    assert _row(alone, "m", "active", "normative_documents", DOCS)[1] == ["unplaced"] * 3
    printed_zero_row = load([_glued_docs("m", 2021, readings, "6349"), _docs("r", 2022, [0, 0, 0])])
    assert _problem(printed_zero_row, "m", "active", "normative_documents")[0] == "other_year_conflict"
    before = load([_docs("a", 2020, [2, 0, 46]), _glued_docs("m", 2021, readings, "6349"), zero])
    kind, detail = _problem(before, "m", "active", "normative_documents")
    assert kind == "split_by_other_year" and "（a，2020年）" in detail and "（z，" not in detail, detail
    assert _row(before, "m", "active", "normative_documents", DOCS)[0] == [6, 3, 49]


# -- edition 2019: 上一年项目数量 = last year's 上一年项目数量 + 本年增/减 ---------------------------------
# 青屿区 2019–2020 (both edition 2019, glued like the Pingtan dumps): 行政许可 2019 ``3050112`` (8
# readings) continues only into 2020's ``305-2140`` (glued too, every reading 305 items); 行政事业性收费
# 2019 ``120`` into 2020's read 12, -3; 行政强制 2020 ``11010`` is decided by 2019's glued ``11011``
# (two readings, both ending the year at 11), which itself stays open; 行政处罚 2019 ``2040`` and 2020
# ``18-118`` continue under no reading.
ITEMS = ["prev_items", "change", "decisions"]


@pytest.fixture(scope="module")
def qingyu():
    return load(_reports("qingyu_2019", "qingyu_2020"))


def test_edition_2019_rows_decided_by_the_next_years_items(qingyu) -> None:
    assert _row(qingyu, "qingyu_2019", "active", "licensing", ITEMS) == ([305, 0, 112], ["value"] * 3)
    kind, detail = _problem(qingyu, "qingyu_2019", "active", "licensing")
    assert kind == "split_by_other_year"
    assert "“3050112”粘连在一起，本报告内有 8 种可能的拆分" in detail
    assert "下一年度报告（qingyu_2020，2020年）“行政许可”行的数字“305-2140”（同样粘连，有 3 种可能的拆分）" in detail
    assert detail.endswith("上一年项目数量 305、本年增/减 0、处理决定数量 112，已按此读取")
    assert _row(qingyu, "qingyu_2019", "active", "fees", ["prev_items", "change"]) == ([12, 0], ["value"] * 2)
    assert "“行政事业性收费”行（上一年项目数量 12）" in _problem(qingyu, "qingyu_2019", "active", "fees")[1]


def test_edition_2019_row_decided_by_a_glued_previous_year_that_stays_open(qingyu) -> None:
    assert _row(qingyu, "qingyu_2020", "active", "enforcement", ITEMS) == ([11, 0, 10], ["value"] * 3)
    assert _problem(qingyu, "qingyu_2020", "active", "enforcement")[0] == "split_by_other_year"
    # 2019's two readings (1, 10, 11) and (11, 0, 11) both end the year at 11 items: still open.
    assert _row(qingyu, "qingyu_2019", "active", "enforcement", ITEMS)[1] == ["unplaced"] * 3
    assert _problem(qingyu, "qingyu_2019", "active", "enforcement")[0] == "ambiguous_split"
    # 2020's 行政许可 readings all start from 305: the year before cannot choose among them.
    assert _problem(qingyu, "qingyu_2020", "active", "licensing")[0] == "ambiguous_split"


def test_edition_2019_rows_that_continue_under_no_reading_are_conflicts_in_both_years(qingyu) -> None:
    for rid, digits in (("qingyu_2019", "2040"), ("qingyu_2020", "18-118")):
        assert _row(qingyu, rid, "active", "penalty", ITEMS)[1] == ["unplaced"] * 3
        kind, detail = _problem(qingyu, rid, "active", "penalty")
        assert kind == "other_year_conflict" and f"“{digits}”" in detail and "上一年项目数量加本年增/减" in detail


def test_edition_2019_rows_without_a_continuation_stay_as_the_reader_left_them(qingyu) -> None:
    # 行政规范性文件 and 政府集中采购 of the 2019 edition carry nothing from one year to the next.
    for rid in ("qingyu_2019", "qingyu_2020"):
        for row in ("normative_documents", "procurement"):
            assert _problem(qingyu, rid, "active", row)[0] == "ambiguous_split"


def test_edition_2019_findings_and_the_items_rule_agree(qingyu) -> None:
    out = run_rule([*structure.RULES, *cross_report.RULES], qingyu)
    got = sorted(zip(out["rule_id"], out["report_id"], out["row"], strict=True))
    assert [g for g in got if g[0] in ("STRUCT-SPLIT-BY-OTHER-YEAR", "STRUCT-SPLIT-OTHER-YEAR-CONFLICT")] == [
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "qingyu_2019", "fees"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "qingyu_2019", "licensing"),
        ("STRUCT-SPLIT-BY-OTHER-YEAR", "qingyu_2020", "enforcement"),
        ("STRUCT-SPLIT-OTHER-YEAR-CONFLICT", "qingyu_2019", "penalty"),
        ("STRUCT-SPLIT-OTHER-YEAR-CONFLICT", "qingyu_2020", "penalty"),
    ]
    # 2020's 行政事业性收费 (12) continues 2019's placed 12 + 0: nothing for XR-PREV-ITEMS to say.
    assert not [g for g in got if g[0] == "XR-PREV-ITEMS"]


def test_real_pingtan_2019_rows_decided_by_2020() -> None:
    got = load([read_report(REAL / f"pingtan-archive__pingtan-{y}.txt", f"pingtan-{y}") for y in (2019, 2020)])
    for row, want in (("licensing", [396, 0, 181]), ("other_services", [10, 0, 153]), ("penalty", [2648, 0, 430])):
        assert _row(got, "pingtan-2019", "active", row, ITEMS) == (want, ["value"] * 3)
        assert _problem(got, "pingtan-2019", "active", row)[0] == "split_by_other_year"
    assert _row(got, "pingtan-2019", "active", "fees", ["prev_items", "change"]) == ([35, 0], ["value"] * 2)
    # 行政强制 ``126025``: 126 + 0 and 1260 + 2 both start one of 2020's readings of ``1262629``.
    assert _problem(got, "pingtan-2019", "active", "enforcement")[0] == "ambiguous_split"


def test_lookups_over_cells_in_slices_equal_plain_indexing() -> None:
    import numpy as np

    from audit.corpus import year_splits

    lookup = np.array([False, True, False, True, False])  # the last slot: the code -1 (missing)
    codes = np.random.default_rng(0).integers(-1, 4, size=10_001).astype(np.int16)
    np.testing.assert_array_equal(year_splits._looked_up(lookup, codes, chunk=997), lookup[codes])
    mask = np.random.default_rng(1).random(len(codes)) < 0.3
    has = year_splits._any_per_report(codes, mask, 4)
    np.testing.assert_array_equal(has, [bool((mask & (codes == r)).any()) for r in range(4)])
