"""Crawler-flattened pages: a row's cells glued into one digit string, read cell by cell.

The fixtures in tests/fixtures/flattened imitate the Pingtan crawler dumps (../shared/corpus/real/
pingtan-archive__*.txt): a crawler header, then the whole report on one line with every table
flattened and the numbers of a row glued together. Every cell of every table is asserted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from audit.contracts import catalogue
from audit.contracts import report as R
from audit.corpus.loader import load
from audit.ingest import splitter
from audit.ingest.normalise import normalise_text, read_report
from audit.testing.cases import run_rule
from rules import arithmetic, structure, zeros

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "flattened"


def _every_cell(rep: dict) -> dict[tuple[str, str, str], float | None]:
    got = {(c["table"], c["row"], c["col"]): c["value"] for c in rep["cells"]}
    assert set(got) == set(catalogue.load().edition_cells(rep["edition"])), "one cell per cell of the edition"
    return got


def _expect(edition: str, values: dict[tuple[str, str, str], float], unplaced: set[tuple[str, str]]) -> dict:
    """Every cell of the edition: the given values, None in unplaced rows, 0 elsewhere."""
    out: dict[tuple[str, str, str], float | None] = {}
    for t, r, c in catalogue.load().edition_cells(edition):
        out[(t, r, c)] = None if (t, r) in unplaced else values.get((t, r, c), 0.0)
    return out


def _row(table: str, row: str, cols: list[str], vals: list[float]) -> dict:
    return {(table, row, c): float(v) for c, v in zip(cols, vals, strict=True) if v}


REQ = ["natural", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]
APP = ["upheld", "corrected", "other", "pending", "total"]


def _kinds(rep: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for p in rep["problems"]:
        out.setdefault(p["kind"], []).append(p)
    return out


def test_rows_decided_by_row_identity_column_identities_and_the_text() -> None:
    rep = read_report(FIXTURES / "glued_2021_consistent.txt", "a")
    R.validate(rep)
    assert (rep["edition"], rep["year"]) == ("2021", 2022)
    want = {
        # 8855698 has 15 readings; the text states 制发 88 and 现行有效 698: one is left.
        **_row("active", "normative_documents", ["issued", "repealed", "in_force"], [88, 55, 698]),
        ("active", "licensing", "decisions"): 10690.0, ("active", "penalty", "decisions"): 2113.0,
        ("active", "fees", "amount"): 9116.36,
        # 911000020 reads 9,11,… or 9,1,10,… (both add up); only the first balances the columns.
        **_row("requests", "new", REQ, [9, 11, 0, 0, 0, 0, 20]),
        **_row("requests", "carried_over", REQ, [1, 0, 0, 0, 0, 0, 1]),
        **_row("requests", "granted", REQ, [6, 10, 0, 0, 0, 0, 16]),
        **_row("requests", "partial", REQ, [1, 1, 0, 0, 0, 0, 2]),
        **_row("requests", "unable_not_held", REQ, [3, 0, 0, 0, 0, 0, 3]),
        # 1011000021: 10,11,… or 10,1,10,…: the results' sum decides.
        **_row("requests", "handled_total", REQ, [10, 11, 0, 0, 0, 0, 21]),
        **_row("appeals", "review", APP, [0, 1, 1, 0, 2]),
        **_row("appeals", "litigation_direct", APP, [1, 0, 0, 0, 1]),
    }
    assert _every_cell(rep) == _expect("2021", want, set())
    assert rep["problems"] == []


def test_text_numbers_only_break_ties() -> None:
    text = (FIXTURES / "glued_2021_consistent.txt").read_text(encoding="utf-8")
    without = normalise_text(text.replace("本年度制发的规范性文件88件", "").replace("现行有效行政规范性文件698件", ""))
    cells = _every_cell(without)
    assert cells[("active", "normative_documents", "issued")] is None
    assert [p["row"] for p in _kinds(without)["ambiguous_split"]] == ["normative_documents"]
    # A stated number no reading agrees with is ignored, never forced into a cell.
    wrong = normalise_text(text.replace("规范性文件88件", "规范性文件87件").replace("文件698件", "文件699件"))
    assert _every_cell(wrong)[("active", "normative_documents", "issued")] is None


def test_one_reading_is_accepted_and_no_reading_is_a_certain_error() -> None:
    rep = read_report(FIXTURES / "glued_2021_broken.txt", "b")
    R.validate(rep)
    want = {
        ("active", "licensing", "decisions"): 10690.0, ("active", "penalty", "decisions"): 2113.0,
        ("active", "fees", "amount"): 9116.36,
        # 0000002: seven digits for seven cells, one reading, placed although 0+…+0 ≠ 2.
        ("requests", "new", "total"): 2.0,
        # 1000000000000002: sixteen digits, fifteen cells, one reading (10 can't be 1,0 and 02 is no number).
        ("appeals", "review", "upheld"): 10.0, ("appeals", "litigation_after_review", "total"): 2.0,
    }
    assert _every_cell(rep) == _expect("2021", want, {("requests", "granted")})
    broken = _kinds(rep)["identity_broken"]
    assert [(p["table"], p["row"]) for p in broken] == [("requests", "granted")]
    assert "“12000005”" in broken[0]["detail"] and "没有一种满足" in broken[0]["detail"]
    assert "ambiguous_split" not in _kinds(rep)
    findings = run_rule([*structure.RULES, *arithmetic.RULES, *zeros.RULES], load([rep]))
    got = findings[findings["rule_id"] == "STRUCT-GLUED-NO-READING"]
    assert got[["table", "row"]].values.tolist() == [["requests", "granted"]]
    assert got["severity"].tolist() == ["error"]
    assert "无论怎样拆分" in got["message"].iloc[0]
    # The placed 0000002 row is checked like any other (a total over blank parts).
    rows = findings[findings["rule_id"] == "ZERO-TOTAL-WITHOUT-PARTS"]
    assert ("requests", "new") in set(zip(rows["table"], rows["row"], strict=True))


def test_negative_change_values_keep_their_sign() -> None:
    rep = read_report(FIXTURES / "glued_2019_negative_change.txt", "c")
    R.validate(rep)
    assert rep["edition"] == "2019"
    three = ["prev_items", "change", "decisions"]
    want = {
        **_row("active", "normative_documents", ["new_made", "new_published", "total_published"], [5, 5, 5]),
        **_row("active", "licensing", three, [3, -3, 8]),  # 3-38, never 3, 3, 8
        **_row("active", "other_services", three, [12, -5, 0]),  # 12-50
        **_row("active", "enforcement", three, [7, -1, 6]),  # 7-16
        **_row("active", "fees", ["prev_items", "change"], [35, -15]),  # 35-15
        **_row("requests", "new", REQ, [23, 0, 0, 0, 0, 0, 23]),
        **_row("requests", "granted", REQ, [7, 0, 0, 0, 0, 0, 7]),
        **_row("requests", "partial", REQ, [1, 0, 0, 0, 0, 0, 1]),
        **_row("requests", "unable_not_held", REQ, [7, 0, 0, 0, 0, 0, 7]),
        **_row("requests", "unable_unclear", REQ, [5, 0, 0, 0, 0, 0, 5]),
        **_row("requests", "not_processed_repeat", REQ, [3, 0, 0, 0, 0, 0, 3]),
        **_row("requests", "handled_total", REQ, [23, 0, 0, 0, 0, 0, 23]),
    }
    # 2648-18538 (real, Pingtan 2020): 2648 and then -1,8538 / -18,538 / -185,38 / -1853,8: not placed.
    assert _every_cell(rep) == _expect("2019", want, {("active", "penalty")})
    assert [p["row"] for p in _kinds(rep)["ambiguous_split"]] == ["penalty"]
    raw = {(c["table"], c["row"], c["col"]): c["raw"] for c in rep["cells"]}
    assert raw[("active", "licensing", "change")] == "-3"


@pytest.mark.parametrize(("printed", "n", "signed", "expected"), [
    ("3-38", 3, [False, True, False], [(3, -3, 8)]),
    ("35-15", 2, [False, True], [(35, -15)]),
    ("3-38", 3, [False, False, False], []),  # a minus sign where no cell may be negative: no reading
    ("0000002", 7, None, [(0, 0, 0, 0, 0, 0, 2)]),
])
def test_splitter_signs_and_single_readings(printed: str, n: int, signed: list[bool] | None,
                                            expected: list[tuple]) -> None:
    assert splitter.candidates(splitter.chunks_of(printed), n, None, signed) == expected


def test_consistent_tells_decided_rows_from_undecided_ones() -> None:
    options = {"a": [(1.0,), (2.0,)], "b": [(1.0,), (2.0,)], "c": [(5.0,), (6.0,)]}
    seen = splitter.consistent(options, lambda ch: ch["a"][0] + ch["b"][0] == 3 and ch["c"][0] == 5)
    assert seen == {"a": {0, 1}, "b": {0, 1}, "c": {0}}
    assert splitter.consistent(options, lambda ch: False) == {"a": set(), "b": set(), "c": set()}


def test_appeals_glued_with_no_consistent_reading_is_a_certain_error() -> None:
    text = (FIXTURES / "glued_2021_broken.txt").read_text(encoding="utf-8")
    # 1100000000000000: sixteen digits for fifteen cells, 11,0,… or 1,10,…: both break 结果 + … = 总计.
    rep = normalise_text(text.replace("1000000000000002", "1100000000000000"))
    broken = [p for p in rep["problems"] if p["kind"] == "identity_broken" and p["table"] == "appeals"]
    assert len(broken) == 1 and "共有 2 种拆分方式" in broken[0]["detail"]
    assert all(c["state"] == "unplaced" for c in rep["cells"] if c["table"] == "appeals")
