"""Layouts seen on real government CMS pages and text copied from them, read cell by cell.

Each fixture in tests/fixtures/layouts prints the same report (edition 2021) in one shape, so
every test checks every cell against one table of what was printed. The shapes imitate real
pages: seed 001's pipe rows copied one cell per line, plain-text copies whose blank cells print
nothing, a page cut off mid-table, the PDF reader's text of a flip-book page, the PDF→Markdown
output of ../shared/corpus/real/kirogovcompare__shanghai-govoffice-2025.md, and an overview that
repeats the row labels of a table the report never printed.
"""

from __future__ import annotations

from pathlib import Path

from audit.contracts import catalogue
from audit.contracts import report as R
from audit.ingest import tables
from audit.ingest.normalise import normalise_text, read_report

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "layouts"
REQ_COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]
APP_COLS = ["upheld", "corrected", "other", "pending", "total"]

#: What every fixture prints (cells not listed print 0).
PRINTED = {
    ("active", "normative_documents", "issued"): 3.0, ("active", "normative_documents", "in_force"): 12.0,
    ("active", "licensing", "decisions"): 1990.0, ("active", "penalty", "decisions"): 186.0,
    **{("requests", r, c): float(v) for r, vals in {
        "new": [2, 1, 0, 0, 0, 0, 3], "carried_over": [1, 0, 0, 0, 0, 0, 1], "granted": [2, 0, 0, 0, 0, 0, 2],
        "partial": [0, 1, 0, 0, 0, 0, 1], "unable_not_held": [1, 0, 0, 0, 0, 0, 1],
        "handled_total": [3, 1, 0, 0, 0, 0, 4]}.items() for c, v in zip(REQ_COLS, vals, strict=True) if v},
    ("appeals", "review", "upheld"): 1.0, ("appeals", "review", "total"): 1.0,
}
BLANK = "blank"


def _cells(rep: dict) -> dict[tuple[str, str, str], object]:
    """Every cell: its value, ``BLANK`` for a printed blank, None for an unplaced cell."""
    got = {(c["table"], c["row"], c["col"]): (c["value"] if c["value"] is not None
                                              else (BLANK if c["raw"] is not None else None)) for c in rep["cells"]}
    assert len(got) == len(rep["cells"])
    state = {None: "unplaced", BLANK: "blank"}
    assert all(c["state"] == state.get(got[(c["table"], c["row"], c["col"])], "value") for c in rep["cells"])
    return got


def _expected(*, blanks: set = frozenset(), unplaced_rows: set = frozenset(), tables=catalogue.TABLES) -> dict:
    out: dict[tuple[str, str, str], object] = {}
    for t, r, c in catalogue.load().edition_cells("2021"):
        if t not in tables:
            continue
        key = (t, r, c)
        out[key] = None if (t, r) in unplaced_rows else (BLANK if key in blanks else PRINTED.get(key, 0.0))
    return out


def _kinds(rep: dict) -> list[tuple[str, str | None, str | None]]:
    return [(p["kind"], p["table"], p["row"]) for p in rep["problems"]]


def test_one_cell_per_line_ending_in_a_pipe() -> None:
    rep = read_report(FIXTURES / "pipe_cell_per_line.txt", "pipes")
    R.validate(rep)
    assert rep["source"]["layout"] == "lines"
    # 行政规范性文件 | 3 | (lone pipe) | 12 |: the lone pipe is the blank 本年废止件数 in its place.
    # 3.补正后申请内容仍不明确 prints 1 | 1 | and then its dropped blanks' pipes (|||||||): where the
    # two values stood cannot be known, so none is placed.
    assert _cells(rep) == _expected(blanks={("active", "normative_documents", "repealed")},
                                    unplaced_rows={("requests", "unable_unclear")})
    assert _kinds(rep) == [("missing_cells", "requests", "unable_unclear")]


def test_blank_parts_print_nothing_and_the_total_is_printed_last() -> None:
    rep = read_report(FIXTURES / "spaced_blank_parts.txt", "spaced")
    R.validate(rep)
    total_only = {"denied_law", "denied_safety", "denied_third_party", "not_processed_mass", "other_overdue_fee"}
    blanks = {("requests", r, c) for r in total_only for c in REQ_COLS[:-1]}
    assert _cells(rep) == _expected(blanks=blanks)
    assert rep["problems"] == []


def test_page_cut_off_after_the_next_rows_number() -> None:
    rep = read_report(FIXTURES / "cut_off_after_row_number.txt", "cut")
    R.validate(rep)
    got = _cells(rep)
    rows = catalogue.load().request_rows("2021")
    read = rows[:rows.index("denied_state_secret") + 1]
    # 1.属于国家秘密 keeps its seven values: the 2 after them is the number of 2.其他法律…, not an 8th value.
    assert {k: v for k, v in got.items() if k[0] != "appeals"} == _expected(
        unplaced_rows={("requests", r) for r in rows if r not in read}, tables=("active", "requests"))
    kinds = _kinds(rep)
    assert ("extra_cells", "requests", "denied_state_secret") not in kinds
    assert ("missing_cells", "requests", "denied_law") in kinds
    assert all(v is None for k, v in got.items() if k[0] == "appeals")  # the page ends before table 四


def test_flipbook_pdf_text_vertical_headers_and_space_separated_rows() -> None:
    text = (FIXTURES / "flipbook_pdf_text.txt").read_text(encoding="utf-8")
    rep = normalise_text(text, "flipbook", fmt="pdf", layout="pdf")  # the text the PDF reader yields
    R.validate(rep)
    assert _cells(rep) == _expected()
    assert rep["problems"] == []


def test_markdown_values_on_the_line_after_the_label() -> None:
    rep = read_report(FIXTURES / "md_values_below_label.md", "md")
    R.validate(rep)
    assert _cells(rep) == _expected(blanks={("active", "normative_documents", "repealed")})
    assert rep["problems"] == []


def test_values_below_a_label_are_not_taken_when_the_row_before_printed_none() -> None:
    # Real PDF→Markdown output (kirogovcompare__shanghai-kewei-2024.md): labels of several rows, then
    # their value lines; the first value line below the last label is not that row's.
    text = ("三、收到和处理政府信息公开申请情况\n申请人情况\n| 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |\n"
            "|---|---|---|---|---|---|---|\n| 一、本年新收政府信息公开申请数量 | 9 | 0 | 0 | 0 | 0 | 0 | 9 |\n"
            "5.属于三类内部事务信\n息\n1.本机关不掌握相关政\n府信息\n| 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n|---|---|---|---|---|---|---|\n"
            "| 6.属于四类过程性信息 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n")
    rows = tables.read_table(text, "requests").rows
    assert not rows["unable_not_held"].cells and not rows["denied_internal"].cells
    assert [v for _, v, _ in rows["new"].cells] == [9, 0, 0, 0, 0, 0, 9]
    assert [v for _, v, _ in rows["denied_process"].cells] == [1, 0, 0, 0, 0, 0, 1]


def test_an_overview_sentence_repeating_row_labels_starts_no_table() -> None:
    rep = read_report(FIXTURES / "overview_repeats_row_labels.txt", "overview")
    R.validate(rep)
    assert _cells(rep) == _expected(tables=("active", "appeals"))
    # Table 三 was never printed: one "table missing", no phantom rows, no unmapped labels.
    assert _kinds(rep) == [("table_missing", "requests", None)]
