"""The units file (contract 4): loading, bad files, 未提交 in every output, regions rolled up."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from audit import cli
from audit.contracts.units import UnitsError, load_units
from audit.scoring.rollup import by_region, enrich, region_from_name
from tests.guards import forbid_reading

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "reports").glob("*.txt"))
# The seeds' units as they print them (003 names none), and two units that sent nothing.
HEADER = "单位名称,地区,层级,上级单位,类型\n"
LISTED = ("舞钢市朱兰街道办事处,舞钢市,乡级,舞钢市人民政府,街道\n"
          "冶金街道,舞钢市,乡级,舞钢市人民政府,街道\n"
          "郑州市郑东新区商都路办事处,郑东新区,乡级,郑东新区管委会,街道\n"
          "项城市人民政府花园街道办事处,项城市,乡级,项城市人民政府,街道\n")
ABSENT = ("舞钢市八台镇人民政府,舞钢市,乡级,舞钢市人民政府,乡镇\n"
          "项城市卫生健康委员会,项城市,县级部门,项城市人民政府,部门\n")


@pytest.fixture
def units_csv(tmp_path: Path) -> Path:
    path = tmp_path / "单位名单.csv"
    path.write_text(HEADER + LISTED + ABSENT, encoding="utf-8-sig")
    return path


def test_load_units_csv_and_xlsx_give_the_contract_columns(units_csv, tmp_path):
    units = load_units(units_csv)
    assert list(units.columns) == ["unit", "region", "level", "parent", "kind"]
    assert len(units) == 6 and units.loc[0, "unit"] == "舞钢市朱兰街道办事处" and units.loc[5, "kind"] == "部门"
    xlsx = tmp_path / "units.xlsx"
    pd.read_csv(units_csv, encoding="utf-8-sig").to_excel(xlsx, index=False)
    assert load_units(xlsx).equals(units)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes((HEADER + LISTED).encode("gb18030"))
    assert load_units(gbk)["unit"].tolist()[:2] == ["舞钢市朱兰街道办事处", "冶金街道"]


@pytest.mark.parametrize(("text", "field"), [
    ("机构,地区\n", "单位名称"),  # no unit column
    ("单位名称,地区\n甲单位,甲\n,乙\n", "第 3 行“单位名称”为空"),
    ("单位名称,类型\n甲单位,部门\n甲单位,部门\n", "第 3 行“单位名称”重复"),
    ("单位名称,类型\n甲单位,公司\n", "“类型”为“公司”"),
])
def test_a_bad_units_file_names_the_file_and_the_field(tmp_path, text, field):
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UnitsError) as exc:
        load_units(path)
    assert str(path) in str(exc.value) and field in str(exc.value)


def test_a_bad_units_file_stops_the_run_before_any_report_is_read(tmp_path, monkeypatch, capsys):
    forbid_reading(monkeypatch)
    bad = tmp_path / "units.csv"
    bad.write_text("机构\n甲\n", encoding="utf-8")
    assert cli.main(["run", str(SEEDS[0]), "--units", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "单位名称" in err and not (tmp_path / "o").exists()
    assert cli.main(["run", str(SEEDS[0]), "--units", str(tmp_path / "nope.xlsx"), "--out", str(tmp_path / "o")]) == 2


def test_a_run_with_units_lists_exactly_the_two_missing_units_everywhere(tmp_path, units_csv, capsys):
    corpus = tmp_path / "in"
    corpus.mkdir()
    for s in SEEDS:
        shutil.copy(s, corpus / s.name)
    out = tmp_path / "out"
    assert cli.main(["run", str(corpus), "--units", str(units_csv), "--out", str(out), "--jobs", "1"]) == 0
    absent = {"舞钢市八台镇人民政府", "项城市卫生健康委员会"}
    terminal = capsys.readouterr().out
    assert "未提交" in terminal and all(u in terminal for u in absent)

    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert {m["unit"] for m in doc["run"]["missing_units"]} == absent

    card = pd.read_csv(out / "scorecard.csv", encoding="utf-8-sig")
    gone = card[card["评定状态"] == "未提交（应报尽报）"]
    assert set(gone["单位"]) == absent and gone["得分"].isna().all()
    assert len(card) == len(SEEDS) + 2

    book = load_workbook(out / "scorecard.xlsx")
    sheet = book["未提交"]
    assert {sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)} == absent
    regions = book["地区汇总"]
    rows = {(regions.cell(r, 1).value, regions.cell(r, 2).value): regions.cell(r, 3).value
            for r in range(2, regions.max_row + 1)}
    assert rows[("舞钢市", "乡级")] == 2  # 朱兰 and 冶金: the file's region, not the name's

    page = (out / "report.html").read_text(encoding="utf-8")
    missing = page[page.index('id="missing"'):]
    assert all(u in missing for u in absent) and "应报尽报" in missing


def test_regions_from_names_only_where_certain():
    assert region_from_name("淮安市洪泽区人民政府") == "洪泽区"
    assert region_from_name("项城市人民政府花园街道办事处") == "项城市"
    assert region_from_name("郑州市郑东新区商都路办事处") == "郑东新区"
    assert region_from_name("杭州市西湖区人民政府") == "西湖区"  # 杭州 is not a 州
    assert region_from_name("上海市城市管理行政执法局") == "上海市"  # 城市 is no division
    for unsure in ("冶金街道", "城市管理局", "社区居委会", None, ""):
        assert region_from_name(unsure) is None


def test_rollup_by_region_ranks_within_the_region_and_skips_unrated():
    card = pd.DataFrame({
        "report_id": ["a", "b", "c", "d"], "unit": ["舞钢市甲局", "舞钢市乙局", "项城市丙局", "舞钢市丁局"],
        "year": pd.array([2024] * 4, dtype="Int64"), "score": [90.0, 55.0, 70.0, None],
        "grade": ["优秀", "不合格", "合格", None], "status": ["scored", "scored", "scored", "unrated"],
    })
    reports = pd.DataFrame({"report_id": list("abcd"), "path": [f"{x}.txt" for x in "abcd"]})
    out = enrich(card, reports)
    assert out["region"].tolist() == ["舞钢市", "舞钢市", "项城市", "舞钢市"]
    assert out["region_rank"].tolist()[:3] == [1, 2, 1] and pd.isna(out["region_rank"][3])
    assert out["source"].tolist() == ["a.txt", "b.txt", "c.txt", "d.txt"]
    regions = by_region(out).set_index("region")
    assert regions.loc["舞钢市", "reports"] == 2 and regions.loc["舞钢市", "mean_score"] == 72.5
    assert regions.loc["舞钢市", "failed"] == 1 and regions.loc["项城市", "failed"] == 0



def test_region_rank_keeps_the_overall_rule_fully_checked_reports_first():
    """A report scored 99 with a table unchecked must not rank above a fully checked 95 in its
    region either (the overall rank already puts it after)."""
    card = pd.DataFrame({
        "report_id": ["part", "full", "low"], "unit": ["舞钢市甲局", "舞钢市乙局", "舞钢市丙局"],
        "year": pd.array([2024] * 3, dtype="Int64"), "score": [99.0, 95.0, 80.0],
        "grade": ["优秀", "优秀", "良好"], "status": ["scored"] * 3, "unchecked_tables": ["表三（部分）", None, None],
        "rank": pd.array([3, 1, 2], dtype="Int64"),
    })
    reports = pd.DataFrame({"report_id": ["part", "full", "low"], "path": ["p.txt", "f.txt", "l.txt"]})
    assert enrich(card, reports)["region_rank"].tolist() == [3, 1, 2]

# -- usage problems known before reading (issue 13, CLI) -----------------------------------------

def test_a_folder_without_reports_is_a_usage_error_before_reading(tmp_path, monkeypatch, capsys):
    forbid_reading(monkeypatch)
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    (empty / "README.md").write_text("说明", encoding="utf-8")
    assert cli.main(["run", str(empty), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "没有找到任何报告文件" in err and str(empty) in err and not (tmp_path / "o").exists()


def test_out_naming_a_file_is_a_usage_error_before_reading(tmp_path, monkeypatch, capsys):
    forbid_reading(monkeypatch)
    target = tmp_path / "report.txt"
    target.write_text("x", encoding="utf-8")
    assert cli.main(["run", str(SEEDS[0]), "--out", str(target)]) == 2
    err = capsys.readouterr().err
    assert "错误" in err and str(target) in err and "Traceback" not in err


def test_no_path_says_what_it_audits(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # no ./reports here
    assert cli.main(["run", "--jobs", "1", "--out", str(tmp_path / "o")]) == 0
    assert "自带的示例报告" in capsys.readouterr().err


def test_dash_v_prints_the_version(capsys):
    import audit

    assert cli.main(["-V"]) == 0
    assert capsys.readouterr().out.strip() == f"audit {audit.__version__}"
