"""scorecard.xlsx written by XlsxWriter: every feature a supervisor relies on, read back with openpyxl."""

from __future__ import annotations

import pandas as pd
import pytest
from openpyxl import load_workbook

from audit.exporters import xlsx
from tests.test_exporters import FINDING_COLUMNS, HYPERLINK, RULES, finding, sample


@pytest.fixture
def book(tmp_path):
    f, card = sample()
    path = xlsx.write_xlsx(tmp_path / "scorecard.xlsx", card, f, RULES)
    return load_workbook(path)


def test_header_rows_are_bold_grey_frozen_and_filtered(book):
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        for cell in ws[1]:
            assert cell.font.bold and cell.fill.fgColor.rgb.endswith("D9D9D9"), cell.coordinate


def test_rule_descriptions_wrap_at_the_top(book):
    rules = book["规则说明"]
    col = [c.value for c in rules[1]].index("说明") + 1
    cell = rules.cell(2, col)
    assert cell.value == "申请情况表收支平衡：说明为什么要检查。"
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"


def test_every_column_has_a_width_within_bounds(book):
    for ws in book.worksheets:
        for i in range(1, ws.max_column + 1):
            width = ws.column_dimensions[ws.cell(1, i).column_letter].width
            assert 6 <= width <= 60, (ws.title, i, width)


def test_text_stays_text_links_and_formulas_included(tmp_path):
    f, card = sample()
    f.loc[0, "message"] = "http://example.com/?q=1"
    f.loc[1, "message"] = HYPERLINK
    path = xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES)
    fi = load_workbook(path)["问题清单"]
    col = [c.value for c in fi[1]].index("问题说明") + 1
    assert fi.cell(2, col).value == "http://example.com/?q=1" and fi.cell(2, col).hyperlink is None
    assert fi.cell(3, col).value == "'" + HYPERLINK and fi.cell(3, col).data_type == "s"


def test_missing_and_infinite_numbers_do_not_break_the_workbook(tmp_path):
    f, card = sample()
    f["expected"] = [float("inf"), None, float("nan"), 3]
    path = xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES)
    fi = load_workbook(path)["问题清单"]
    col = [c.value for c in fi[1]].index("应为") + 1
    assert [fi.cell(r, col).value for r in range(3, 6)] == [None, None, 3]


def test_a_string_too_long_for_excel_is_cut_and_the_row_goes_on(tmp_path):
    f, card = sample()
    f.loc[0, "message"] = "长" * 40_000
    path = xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES)
    fi = load_workbook(path)["问题清单"]
    head = [c.value for c in fi[1]]
    row = dict(zip(head, [c.value for c in fi[2]], strict=True))
    assert 30_000 < len(row["问题说明"]) <= 32_767
    assert row["已豁免"] == "否"  # the cells after the cut one are still written


def test_grade_fills_and_waived_translation_survive_many_rows(tmp_path):
    n = 1000
    rows = [finding(f"r{i:05d}", "ARITH-REQ-BALANCE", f"问题{i}", waived=i % 2 == 0) for i in range(n)]
    f = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    card = pd.DataFrame({"report_id": [f"r{i:05d}" for i in range(n)], "unit": "单位", "score": 90.0,
                         "grade": ["优秀", "良好", "合格", "不合格"] * (n // 4) + ["优秀"] * (n % 4)})
    path = xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES)
    wb = load_workbook(path, read_only=False)
    sc = wb["评分表"]
    assert sc.max_row == n + 1
    assert sc.cell(n + 1, 4).fill.fgColor.rgb.endswith(xlsx.GRADE_FILLS[sc.cell(n + 1, 4).value].lstrip("#"))
    fi = wb["问题清单"]
    col = [c.value for c in fi[1]].index("已豁免") + 1
    assert [fi.cell(r, col).value for r in (2, 3, n + 1)] == ["是", "否", "否"]


def test_a_sheet_longer_than_excel_allows_continues_on_numbered_sheets(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 4)  # 3 data rows per sheet
    f, card = sample()
    f = pd.concat([f] * 4, ignore_index=True)
    book = load_workbook(xlsx.write_xlsx(tmp_path / "s.xlsx", card, f, RULES))
    parts = [ws for ws in book.worksheets if ws.title.startswith("问题清单")]
    assert [ws.title for ws in parts][:2] == ["问题清单", "问题清单(2)"]
    assert sum(ws.max_row - 1 for ws in parts) == len(f)  # nothing dropped
    assert all(ws.max_row <= 4 and ws.cell(1, 1).value == "报告编号" for ws in parts)


def test_column_widths_measure_each_text_as_display_width_does() -> None:
    """The per-column width count (distinct characters classified once) equals ``display_width``
    of every text: CJK, full-width forms, emoji, Hangul, tabs, ASCII, empty."""
    import random

    rng = random.Random(7)
    pool = "ab1 -\t，。中文报告ＡＢ①☆한국어😀" + "".join(chr(rng.randint(0x20, 0x2FFFF)) for _ in range(2000))
    pool = "".join(ch for ch in pool if not 0xD800 <= ord(ch) <= 0xDFFF)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(0, 30))) for _ in range(3000)]
    assert xlsx._display_widths(pd.Series(texts)).tolist() == [xlsx.display_width(t) for t in texts]
    assert xlsx._display_widths(pd.Series(["abc", ""])).tolist() == [3, 0]  # no wide character at all


def test_a_report_naming_no_unit_links_to_its_findings_under_a_text_saying_so(tmp_path):
    """评分表's 单位 links to the report's rows of 问题清单; with no unit the link says 未写明单位
    (a bare 查看 read as a unit called 查看)."""
    f, card = sample()
    card.loc[0, "unit"] = None
    sc = load_workbook(xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES))["评分表"]
    col = [c.value for c in sc[1]].index("单位") + 1
    row = next(r for r in range(2, sc.max_row + 1) if sc.cell(r, 1).value == card.loc[0, "report_id"])
    cell = sc.cell(row, col)
    assert cell.value == "（未写明单位）" and cell.hyperlink is not None
