"""scorecard.xlsx ready to file, read back with openpyxl: numbers as numbers, wrapped text, print
set-up, links from 评分表 to 问题清单, source files, 不合格 filled, 无法评定 and 地区汇总 sheets; and
across years: last year's score and the change, from two years of one unit run by the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from audit import cli
from audit.exporters import xlsx
from audit.scoring.rollup import enrich
from tests.test_exporters import FINDING_COLUMNS, RULES, finding

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "reports" / "000_7293952701c65ca5.txt"


def _card() -> tuple[pd.DataFrame, pd.DataFrame]:
    card = pd.DataFrame({
        "report_id": ["a", "b", "c", "d"],
        "unit": ["舞钢市甲局", "舞钢市乙局", "项城市丙局", "项城市丁局"],
        "year": pd.array([2024, 2024, 2024, 2024], dtype="Int64"), "edition": ["2021"] * 4,
        "status": ["scored", "scored", "scored", "unrated"],
        "score": [90.0, 55.0, 70.0, None], "grade": ["优秀", "不合格", "合格", None], "rank": [1, 3, 2, None],
        "errors": [0, 3, 1, 0], "warnings": [1, 0, 0, 0], "infos": [0, 0, 0, 0],
        "status_reason": [None, None, None, "文件无法读取：扫描件没有文字层，请人工核对"],
        "unchecked_tables": [None, "表三（部分）", None, None],
    })
    reports = pd.DataFrame({"report_id": list("abcd"), "path": [f"reports/{x}.pdf" for x in "abcd"]})
    card = enrich(card, reports)
    f = pd.DataFrame([
        finding("b", "ARITH-REQ-BALANCE", "「三、收到和处理政府信息公开申请情况」表“自然人”列不平衡", table="requests",
                row="handled_total", col="natural", expected="95", actual=94.0),
        finding("a", "META-UNIT", "单位名称" + "很长的说明" * 30, category="metadata", severity="warning", points=2.0),
        finding("b", "ZERO-ALL", "三张表全部为零", category="zeros", severity="info", points=1.0),
    ], columns=FINDING_COLUMNS)
    return card, f


@pytest.fixture
def book(tmp_path):
    card, f = _card()
    return load_workbook(xlsx.write_xlsx(tmp_path / "scorecard.xlsx", card, f, RULES))


def _col(ws, header: str) -> int:
    return [c.value for c in ws[1]].index(header) + 1


def test_numbers_are_numbers_and_long_text_wraps(book):
    fi = book["问题清单"]
    row = next(r for r in range(2, fi.max_row + 1) if fi.cell(r, _col(fi, "规则编号")).value == "ARITH-REQ-BALANCE")
    for header, value in (("应为", 95), ("实际", 94)):
        cell = fi.cell(row, _col(fi, header))
        assert cell.value == value and cell.data_type == "n", header
    message = fi.cell(row, _col(fi, "问题说明"))
    assert message.alignment.wrap_text and message.alignment.vertical == "top"
    assert fi.cell(row, _col(fi, "源文件")).value == "reports/b.pdf"


def test_print_setup_landscape_fit_to_width_header_repeated(book):
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1, ws.title  # 1 is the default
        assert ws.page_setup.fitToHeight == 0, ws.title
        assert ws.print_title_rows.replace("$", "") == "1:1", ws.title


def test_each_unit_links_to_its_rows_and_fails_are_filled(book):
    sc, fi = book["评分表"], book["问题清单"]
    unit_col, grade_col = _col(sc, "单位"), _col(sc, "等级")
    links = {sc.cell(r, unit_col).value: sc.cell(r, unit_col).hyperlink for r in range(2, sc.max_row + 1)}
    target = links["舞钢市乙局"].location  # 问题清单 rows of report b
    sheet, cells = target.split("!")
    assert sheet.strip("'") == "问题清单"
    first, last = (int(c.lstrip("A")) for c in cells.split(":"))
    ids = {fi.cell(r, 1).value for r in range(first, last + 1)}
    assert ids == {"b"} and last - first + 1 == 2
    assert links["项城市丙局"] is None  # no findings: no dead link
    fail_row = next(r for r in range(2, sc.max_row + 1) if sc.cell(r, grade_col).value == "不合格")
    for c in (1, unit_col, grade_col):
        assert sc.cell(fail_row, c).fill.fgColor.rgb.endswith("FFC7CE")
    assert sc.cell(2, _col(sc, "源文件")).value.startswith("reports/")
    assert sc.cell(fail_row, _col(sc, "未能核查的表格")).value == "表三（部分）"


def test_unrated_and_region_sheets(book):
    sc = book["评分表"]
    assert "d" not in {sc.cell(r, 1).value for r in range(2, sc.max_row + 1)}  # listed apart
    un = book["无法评定"]
    assert [c.value for c in un[1]][:3] == ["报告编号", "单位", "年度"]
    assert un.cell(2, 1).value == "d" and "扫描件" in un.cell(2, _col(un, "无法评定原因")).value
    rg = book["地区汇总"]
    assert [c.value for c in rg[1]] == ["地区", "层级", "报告数", "平均得分", "最低得分", "不合格数"]
    rows = {rg.cell(r, 1).value: [rg.cell(r, c).value for c in range(3, 7)] for r in range(2, rg.max_row + 1)}
    assert rows == {"舞钢市": [2, 72.5, 55, 1], "项城市": [1, 70, 70, 0]}  # the unrated 丁局 is not averaged
    assert sc.cell(2, _col(sc, "地区内排名")).data_type == "n"


def test_no_region_sheet_when_no_region_is_known(tmp_path):
    card, f = _card()
    card["region"] = None
    wb = load_workbook(xlsx.write_xlsx(tmp_path / "x.xlsx", card, f, RULES))
    assert "地区汇总" not in wb.sheetnames and "无法评定" in wb.sheetnames


def test_two_years_of_one_unit_show_last_years_score_and_the_change(tmp_path):
    text = SEED.read_text(encoding="utf-8")
    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "zhulan-2021.txt").write_text(text, encoding="utf-8")
    later = text.replace("2021", "2022")
    # the later year also leaves out section 六 (a finding: its score differs)
    later = later.replace("六、其他需要报告的事项", "六、下步工作计划")
    (corpus / "zhulan-2022.txt").write_text(later, encoding="utf-8")
    out = tmp_path / "out"
    assert cli.main(["run", str(corpus), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    sc = load_workbook(out / "scorecard.xlsx")["评分表"]
    rows = {sc.cell(r, 1).value: {sc.cell(1, c).value: sc.cell(r, c).value for c in range(1, sc.max_column + 1)}
            for r in range(2, sc.max_row + 1)}
    old, new = rows["zhulan-2021"], rows["zhulan-2022"]
    assert old["年度"] == 2021 and new["年度"] == 2022
    assert old["上年得分"] is None and new["上年得分"] == old["得分"]
    assert new["得分变化"] == pytest.approx(new["得分"] - old["得分"]) and new["得分变化"] != 0
    card = pd.read_csv(out / "scorecard.csv", encoding="utf-8-sig").set_index("报告编号")
    assert card.loc["zhulan-2022", "上年得分"] == old["得分"]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "历年对比" in page and "<th>2021年</th><th>2022年</th>" in page

