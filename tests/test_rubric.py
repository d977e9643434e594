"""Local rubrics: the file, the deduction sheet, and the city corpus end to end through the CLI."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from audit import cli
from audit.review.rubric import RubricError, deductions, load_rubric
from audit.testing.build import build_corpus
from audit.testing.cases import run_rule
from tests.guards import forbid_reading

CITY = Path(__file__).parent / "fixtures" / "city"
SHIPPED = resources.files("audit").joinpath("data/rubrics")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "rubric.toml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """
[rubric]
name = "测试细则"
source = "测试"
groups = { "年报" = 4 }

[[items]]
item = "逾期发布扣2分"
group = "年报"
facts = ["late"]
deduction = 2

[[items]]
item = "复议纠错每件扣1分"
group = "年报"
facts = ["review_corrected"]
per = "case"
deduction = 1
"""


@pytest.mark.parametrize("name", ["quanzhou-licheng-2020.toml", "yuhuan-departments-2018.toml"])
def test_shipped_rubrics_validate_and_name_their_source(name):
    r = load_rubric(SHIPPED.joinpath(name))
    assert r.meta["url"].startswith("http") and r.meta["source"]
    assert r.meta["url"] in SHIPPED.joinpath(name).read_text(encoding="utf-8").split("\n", 5)[2]  # named up top


@pytest.mark.parametrize(("text", "field"), [
    (GOOD.replace('deduction = 2', 'deduction = -2'), "items.0.deduction"),
    (GOOD.replace('facts = ["late"]', 'facts = ["tardy"]'), "items.0.facts.0"),
    (GOOD.replace('source = "测试"\n', ''), "rubric"),
    (GOOD.replace('facts = ["late"]\n', ''), "items.0"),
    ("[rubric\nname=", "TOML"),
])
def test_bad_rubric_names_file_and_field(tmp_path, text, field):
    p = write(tmp_path, text)
    with pytest.raises(RubricError) as exc:
        load_rubric(p)
    assert str(p) in str(exc.value) and field in str(exc.value)


def test_bad_rubric_is_exit_2_before_any_report_is_read(tmp_path, capsys, monkeypatch):
    forbid_reading(monkeypatch)
    p = write(tmp_path, GOOD.replace("deduction = 2", "deduction = 0"))
    assert cli.main(["run", str(CITY), "--out", str(tmp_path / "out"), "--rubric", str(p)]) == 2
    err = capsys.readouterr().err
    assert "考核细则文件" in err and "items.0.deduction" in err
    assert cli.main(["run", str(CITY), "--out", str(tmp_path / "out"), "--rubric", str(tmp_path / "none.toml")]) == 2


def test_deductions_per_case_capped_by_group_and_waived_findings_left_out(tmp_path):
    from audit.rules import metadata

    r = load_rubric(write(tmp_path, GOOD))
    c = build_corpus({"report_id": "late", "year": 2024, "published": "2025-03-01",
                      "cells": {"appeals/review/corrected": 3, "appeals/review/upheld": 1, "appeals/review/total": 4}},
                     {"report_id": "ok", "unit": "另一单位"})
    f = run_rule(metadata.late, c)
    sheet = deductions(r, f, c)
    assert list(sheet["item"]) == ["逾期发布扣2分", "复议纠错每件扣1分"]
    assert list(sheet["deduction"]) == [2.0, 2.0]  # 3 cases x 1, but the group holds 4 points and 2 are gone
    assert sheet["evidence"].iloc[1] == "表四行政复议结果纠正 3 件" and sheet["reason"].iloc[0] == "逾期发布年度报告"
    waived = f.assign(waived=True)
    assert list(deductions(r, waived, c)["item"]) == ["复议纠错每件扣1分"]


def test_unrated_fact_uses_the_scorecard_status_when_there_is_one(tmp_path):
    r = load_rubric(write(tmp_path, '[rubric]\nname="x"\nsource="y"\n[[items]]\nitem="无法评定扣10分"\n'
                                     'facts=["unrated"]\ndeduction=10\n'))
    c = build_corpus({})
    card = pd.DataFrame({"report_id": ["r1"], "status": ["unrated"], "status_reason": ["表格无法读取"]})
    sheet = deductions(r, pd.DataFrame(columns=["report_id", "rule_id", "category", "message", "waived"]), c, card)
    assert list(sheet["evidence"]) == ["无法评定：表格无法读取"]


def test_city_corpus_end_to_end(tmp_path):
    """Three years of 清河市 and four of its units: 1–3 and the rubric through ``audit run``, with
    the units file (``--units``, contract 4) giving who is under 清河市人民政府."""
    out = tmp_path / "out"
    rubric = SHIPPED.joinpath("quanzhou-licheng-2020.toml")
    assert cli.main(["run", str(CITY), "--out", str(out), "--quiet", "--rubric", str(rubric),
                     "--units", str(CITY / "units.csv")]) == 0
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    got = {(f["report_id"], f["rule_id"]) for f in doc["findings"]}
    assert ("liulin-2024", "YOY-TEXT-REPEATED") in got and ("edu-2024", "YOY-TABLES-SAME") in got
    assert {r for r, rule in got if rule == "HIER-BELOW-CHILDREN"} == {"gov-2022", "gov-2023"}
    assert {r for r, rule in got if rule.startswith("RATIO-")} == {"land-2024"}
    with (out / "scorecard.csv").open(encoding="utf-8-sig") as fh:
        card = {row["报告编号"]: row for row in csv.DictReader(fh)}
    assert card["land-2024"]["纠错率"] == "0.3611" and card["liulin-2024"]["实质公开率"] == "样本不足"
    sheet = [d for d in doc["run"]["deductions"] if d["report_id"] == "liulin-2024"]
    assert sum(d["deduction"] for d in sheet) == 10  # late 5 + 雷同 5, the 10-point item exhausted
    ws = openpyxl.load_workbook(out / "scorecard.xlsx")["扣分明细"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    assert ["清河市柳林镇人民政府", "liulin-2024", 2024] in [r[:3] for r in rows]
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "清河市柳林镇人民政府 2024年度：共扣 10 分" in page and "风险指标" in page and "36.1%" in page


def test_audit_rules_lists_the_new_rules(capsys):
    assert cli.main(["rules"]) == 0
    listing = capsys.readouterr().out
    for rid in ("YOY-TEXT-REPEATED", "YOY-TABLES-SAME", "HIER-BELOW-CHILDREN", "RATIO-CORRECTION-HIGH",
                "RATIO-DISCLOSURE-LOW", "RATIO-DENIAL-HIGH", "RATIO-CARRY-HIGH", "PROB-NO-PROBLEM", "PROB-NO-MEASURE",
                "PROB-TEMPLATE", "PROB-SAME-AS-LAST", "CORR-UNEXPLAINED", "KIND-ART50-MISSING",
                "KIND-REGULATIONS-ISSUED", "KIND-TOWNSHIP-LARGE", "FEE-CONFUSED", "FEE-OVERDUE-UNMENTIONED"):
        assert rid in listing
    assert "年报正文大量沿用上年报告" in listing
