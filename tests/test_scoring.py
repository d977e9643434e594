"""Scoring policy: loading/validation, weights and overrides, caps, floor, grades, ranks."""

from __future__ import annotations

import pandas as pd
import pytest

from audit.scoring import policy as scoring
from audit.scoring.policy import PolicyError, apply_policy, load_policy, score

FINDING_COLUMNS = ["report_id", "rule_id", "pack", "category", "severity", "points", "table", "row", "col",
                   "expected", "actual", "message", "waived", "waiver_reason"]

# Unit names from the seed reports in reports/.
UNITS = {"zhulan": "舞钢市朱兰街道办事处", "shangdu": "郑州市郑东新区商都路办事处",
         "huayuan": "项城市人民政府花园街道办事处"}


def finding(report_id: str, rule_id: str, points: float, *, category: str = "arithmetic",
            severity: str = "error", waived: bool = False) -> dict:
    return {"report_id": report_id, "rule_id": rule_id, "pack": "test", "category": category,
            "severity": severity, "points": float(points), "table": None, "row": None, "col": None,
            "expected": None, "actual": None, "message": "测试问题", "waived": waived,
            "waiver_reason": "已说明" if waived else None}


def findings(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=FINDING_COLUMNS)


def reports(*ids: str) -> pd.DataFrame:
    ids = ids or tuple(UNITS)
    return pd.DataFrame({
        "report_id": list(ids),
        "unit": [UNITS.get(i) for i in ids],
        "year": pd.array([2021] * len(ids), dtype="Int64"),
        "edition": pd.Categorical(["2021"] * len(ids), categories=["2019", "2021"]),
    })


def card_for(rows: list[dict], policy=None, ids: tuple[str, ...] = ()) -> pd.DataFrame:
    policy = policy or load_policy()
    f = apply_policy(findings(*rows), policy)
    return score(f, reports(*ids), policy).set_index("report_id")


# -- the default policy --------------------------------------------------------------------------

def test_default_policy_ships_with_the_package():
    p = load_policy()
    assert (p.start, p.floor, p.default_cap) == (100, 0, 20)
    assert [(g.grade, g.min) for g in p.grades] == [("优秀", 90), ("良好", 80), ("合格", 60), ("不合格", 0)]
    assert p.categories == ("parse", "structure", "arithmetic", "sections", "template", "zeros", "narrative",
                            "metadata", "cross_report")


def test_report_without_findings_scores_full_and_appears():
    card = card_for([finding("zhulan", "A", 5)])
    assert list(card.index) == ["zhulan", "shangdu", "huayuan"]
    assert card.loc["shangdu", "score"] == 100
    assert card.loc["shangdu", "grade"] == "优秀"
    assert card.loc["shangdu", "unit"] == "郑州市郑东新区商都路办事处"
    assert card.loc["zhulan", "score"] == 95


def test_empty_findings_frame_scores_every_report():
    card = card_for([])
    assert (card["score"] == 100).all() and (card["rank"] == 1).all()
    assert (card[["errors", "warnings", "infos", "waived"]] == 0).all().all()


def test_scorecard_columns():
    card = score(apply_policy(findings(), load_policy()), reports(), load_policy())
    assert list(card.columns) == ["report_id", "unit", "year", "edition", "score", "grade", "rank", "errors",
                                  "warnings", "infos", "parse", "structure", "arithmetic", "sections",
                                  "template", "zeros", "narrative", "metadata", "cross_report", "waived",
                                  "status", "status_reason", "unchecked_tables"]


# -- arithmetic of the score ---------------------------------------------------------------------

def test_deduction_per_rule_is_capped():
    rows = [finding("zhulan", "ARITH-REQ-BALANCE", 8) for _ in range(5)]  # 40 points, cap 20
    rows.append(finding("zhulan", "SECT-MISSING", 3))
    card = card_for(rows)
    assert card.loc["zhulan", "score"] == 100 - 20 - 3
    assert card.loc["zhulan", "errors"] == 6


def test_per_rule_cap_overrides_default():
    rows = [finding("zhulan", "ARITH-REQ-BALANCE", 8) for _ in range(5)]
    policy = load_policy(overrides={"caps": {"ARITH-REQ-BALANCE": 30}})
    assert card_for(rows, policy).loc["zhulan", "score"] == 70
    policy = load_policy(overrides={"default_cap": 10})
    assert card_for(rows, policy).loc["zhulan", "score"] == 90


def test_score_floors_at_zero():
    rows = [finding("zhulan", f"R-{i}", 20) for i in range(8)]  # 160 points over 8 rules
    card = card_for(rows)
    assert card.loc["zhulan", "score"] == 0
    assert card.loc["zhulan", "grade"] == "不合格"
    policy = load_policy(overrides={"floor": 10})
    assert card_for(rows, policy).loc["zhulan", "score"] == 10


def test_category_weight_multiplies_points():
    policy = load_policy(overrides={"weights": {"category": {"zeros": 2.0}}})
    f = apply_policy(findings(finding("zhulan", "ZERO-ALL", 3, category="zeros"),
                              finding("zhulan", "A", 3, category="arithmetic")), policy)
    assert f["points"].tolist() == [6.0, 3.0]
    assert score(f, reports(), policy).set_index("report_id").loc["zhulan", "score"] == 91


def test_rule_weight_beats_category_weight():
    policy = load_policy(overrides={"weights": {"category": {"zeros": 2.0}, "rule": {"ZERO-ALL": 0.5}}})
    f = apply_policy(findings(finding("zhulan", "ZERO-ALL", 4, category="zeros"),
                              finding("zhulan", "ZERO-TOTAL", 4, category="zeros")), policy)
    assert f["points"].tolist() == [2.0, 8.0]


def test_points_override_replaces_default_then_weight_applies():
    policy = load_policy(overrides={"points": {"META-UNIT": 10}, "weights": {"rule": {"META-UNIT": 1.5}}})
    f = apply_policy(findings(finding("zhulan", "META-UNIT", 2, category="metadata"),
                              finding("shangdu", "OTHER", 2)), policy)
    assert f["points"].tolist() == [15.0, 2.0]


def test_cap_applies_after_weights():
    policy = load_policy(overrides={"weights": {"rule": {"A": 3}}})
    card = card_for([finding("zhulan", "A", 5), finding("zhulan", "A", 5)], policy)  # 30 → cap 20
    assert card.loc["zhulan", "score"] == 80


def test_waived_findings_cost_nothing_but_are_counted():
    rows = [finding("zhulan", "A", 15, waived=True), finding("zhulan", "B", 4, severity="warning")]
    policy = load_policy()
    f = apply_policy(findings(*rows), policy)
    assert f["points"].tolist() == [15.0, 4.0]  # the waived finding keeps its points value
    card = score(f, reports(), policy).set_index("report_id")
    assert card.loc["zhulan", "score"] == 96
    assert card.loc["zhulan", "waived"] == 1
    assert (card.loc["zhulan", "errors"], card.loc["zhulan", "warnings"]) == (0, 1)
    assert card.loc["zhulan", "arithmetic"] == 1  # only the live finding


def test_counts_per_severity_and_category():
    rows = [finding("huayuan", "A", 1), finding("huayuan", "A", 1),
            finding("huayuan", "S", 1, category="sections", severity="warning"),
            finding("huayuan", "T", 0, category="template", severity="info"),
            finding("huayuan", "LOCAL", 1, category="local_extra", severity="info")]
    card = card_for(rows)
    row = card.loc["huayuan"]
    assert (row["errors"], row["warnings"], row["infos"]) == (2, 1, 2)
    assert (row["arithmetic"], row["sections"], row["template"], row["zeros"]) == (2, 1, 1, 0)
    assert "local_extra" not in card.columns  # not in the policy's category list
    assert row["score"] == 96  # but it still deducts


def test_findings_for_unknown_reports_are_ignored():
    card = card_for([finding("nobody", "A", 50), finding("zhulan", "A", 1)])
    assert "nobody" not in card.index
    assert card.loc["zhulan", "score"] == 99


def test_scores_are_rounded():
    rows = [finding("zhulan", "A", 0.1) for _ in range(3)]
    assert card_for(rows).loc["zhulan", "score"] == 99.7


# -- grades and ranks ----------------------------------------------------------------------------

@pytest.mark.parametrize(("deduction", "grade"), [(0, "优秀"), (10, "优秀"), (10.5, "良好"), (20, "良好"),
                                                   (20.01, "合格"), (40, "合格"), (41, "不合格")])
def test_grade_bands(deduction, grade):
    policy = load_policy(overrides={"default_cap": 100})
    card = card_for([finding("zhulan", "A", deduction)] if deduction else [], policy)
    assert card.loc["zhulan", "grade"] == grade
    assert policy.grade_for(100 - deduction) == grade


def test_custom_grade_bands_and_score_below_every_band():
    policy = load_policy(overrides={"grades": [{"grade": "通过", "min": 70}, {"grade": "未通过", "min": 50}]})
    card = card_for([finding("zhulan", "A", 20), finding("zhulan", "B", 20), finding("shangdu", "A", 20)], policy)
    assert card.loc["shangdu", "grade"] == "通过"
    assert card.loc["zhulan", "grade"] == "未通过"  # 60
    card = card_for([finding("zhulan", f"R{i}", 20) for i in range(3)], policy)  # 40: below 50
    assert card.loc["zhulan", "grade"] == "未通过"


def test_ranks_ties_share_the_min_rank():
    ids = ("r1", "r2", "r3", "r4")
    card = card_for([finding("r1", "A", 5), finding("r2", "A", 5), finding("r3", "A", 10)], ids=ids)
    assert card["rank"].to_dict() == {"r1": 2, "r2": 2, "r3": 4, "r4": 1}
    assert card["rank"].dtype == "Int64"  # nullable: an unrated report has no rank


# -- validation ----------------------------------------------------------------------------------

def write(tmp_path, text: str):
    p = tmp_path / "province.toml"
    p.write_text(text, encoding="utf-8")
    return str(p)


BASE = 'start = 100\nfloor = 0\ndefault_cap = 20\n[[grades]]\ngrade = "合格"\nmin = 60\n'


def test_policy_file_loads(tmp_path):
    p = load_policy(write(tmp_path, BASE + '[caps]\n"ARITH-X" = 5\n[weights.rule]\n"ARITH-X" = 2\n'))
    assert p.cap_for("ARITH-X") == 5 and p.cap_for("OTHER") == 20
    assert p.rule_weights == {"ARITH-X": 2.0}
    assert p.source.endswith("province.toml")


@pytest.mark.parametrize(("text", "field"), [
    ('start = "一百"\nfloor = 0\ndefault_cap = 20\n[[grades]]\ngrade = "合格"\nmin = 60\n', "start"),
    (BASE + "[weights.category]\narithmetic = -1\n", "weights.category.arithmetic"),
    (BASE + "[[grades]]\ngrade = \"优秀\"\n", "grades[1]"),
    (BASE + "bonus = 5\n", "bonus"),
    ("floor = 0\ndefault_cap = 20\n[[grades]]\ngrade = \"合格\"\nmin = 60\n", "start"),
    (BASE.replace("floor = 0", "floor = 100"), "floor"),
    (BASE + "[[grades]]\ngrade = \"合格\"\nmin = 0\n", "grades"),
])
def test_bad_policy_names_file_and_field(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as exc:
        load_policy(path)
    msg = str(exc.value)
    assert path in msg
    assert field in msg


def test_bad_toml_and_missing_file(tmp_path):
    path = write(tmp_path, "start = = 100\n")
    with pytest.raises(PolicyError, match="不是有效的 TOML") as exc:
        load_policy(path)
    assert path in str(exc.value)
    with pytest.raises(PolicyError, match="文件无法读取"):
        load_policy(str(tmp_path / "missing.toml"))


def test_bad_override_is_reported():
    with pytest.raises(PolicyError, match=r"with overrides.*default_cap"):
        load_policy(overrides={"default_cap": "lots"})


def test_policy_error_is_a_value_error():
    assert issubclass(scoring.PolicyError, ValueError)
