"""Tests of the risk ratios: the computation, the ratios pack, the scorecard columns and the page."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from audit.rules import ratios

from audit.api import risk_ratios
from audit.exporters.checks_views import ratio_text, ratios_section
from audit.scoring.ratios import add_ratios
from audit.testing.build import build_corpus
from audit.testing.cases import as_corpus, check_examples
from tests.rules.test_year_over_year import CITY, city

ALL = sorted(p.stem for p in CITY.glob("*.txt"))


@pytest.mark.parametrize("r", ratios.RULES, ids=lambda r: r.id)
def test_examples(r):
    check_examples(r)
    f = r.run(as_corpus(r.fail_example)).iloc[0]
    assert f["actual"].endswith("%") and f["expected"].endswith("%") and "件" in f["message"]


def test_ratios_on_the_city_corpus():
    r = risk_ratios(city(*ALL))
    land = r.loc["land-2024"]
    assert land["correction_base"] == 36 and math.isclose(land["correction_rate"], 13 / 36)
    assert math.isnan(r.loc["land-2023", "correction_rate"]) and r.loc["land-2023", "correction_base"] == 15
    gov = r.loc["gov-2024"]  # 163 applications: 120 given in full or in part, 10 refused, 2 carried on
    assert gov["request_base"] == 161 and math.isclose(gov["disclosure_rate"], 120 / 161)
    assert math.isclose(gov["denial_rate"], 10 / 161) and math.isclose(gov["carry_rate"], 2 / 163)


def test_correction_rule_fires_only_past_the_threshold_with_enough_cases():
    c = city(*ALL)
    out = ratios.correction_high.run(c)
    assert list(out["report_id"]) == ["land-2024"]
    assert out["message"].iloc[0] == "纠错率 36.1%（结果纠正 13 件 / 审结 36 件）高于阈值 20%，请核查。"
    c.options = {"max_correction_rate": 0.4}
    assert ratios.correction_high.run(c).empty
    c = city(*ALL)
    c.options = {"min_cases": 40}  # 36 decided cases are now too few
    assert ratios.correction_high.run(c).empty


def test_blank_total_is_read_as_the_applicants_sum_and_unread_cells_give_no_ratio():
    busy = dict(ratios._BUSY)
    blank_total = {**busy, "requests/handled_total/total": None, "requests/granted/total": None,
                   "requests/unable_not_held/total": None}
    r = risk_ratios(build_corpus({"cells": blank_total}))
    assert r["request_base"].iloc[0] == 40 and math.isclose(r["disclosure_rate"].iloc[0], 0.75)
    unread = {**busy, "requests/granted/total": "raw:见附件"}
    assert math.isnan(risk_ratios(build_corpus({"cells": unread}))["disclosure_rate"].iloc[0])


def test_scorecard_columns_and_page():
    c = city("land-2024", "liulin-2024")
    card = add_ratios(pd.DataFrame({"report_id": ["land-2024", "liulin-2024"], "unit": ["自然资源", "柳林镇"],
                                    "year": [2024, 2024]}), c)
    assert card.loc[0, "correction_rate"] == round(13 / 36, 4)
    assert card.loc[1, "disclosure_rate"] == "样本不足" and card.loc[1, "correction_rate"] is None
    page = ratios_section(card)
    assert "36.1%" in page and "样本不足" in page and "风险指标" in page
    assert ratio_text(None) == "—"
