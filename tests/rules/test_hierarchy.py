"""Tests of the hierarchy pack: a government's summary report against its units' reports."""

from __future__ import annotations

import pandas as pd
import pytest
from audit.rules import hierarchy

from audit.testing.build import build_corpus
from audit.testing.cases import as_corpus, check_examples
from tests.rules.test_year_over_year import CITY, city

UNITS = pd.DataFrame({"unit": ["清河市人民政府", "清河市教育局", "清河市自然资源和规划局", "清河市城南街道办事处", "清河市柳林镇人民政府"],
                      "region": "清河市", "level": ["市", "市", "市", "乡镇", "乡镇"],
                      "parent": [None, "清河市人民政府", "清河市人民政府", "清河市人民政府", "清河市人民政府"],
                      "kind": ["人民政府", "部门", "部门", "街道", "乡镇"]})
ALL = sorted(p.stem for p in CITY.glob("*.txt"))


def city_with_units(*names: str):
    c = city(*names)
    c.options = {"units": UNITS}
    return c


def test_examples():
    check_examples(hierarchy.below_children)
    fired = hierarchy.below_children.run(as_corpus(hierarchy.below_children.fail_example))
    assert set(fired["report_id"]) == {"gov"}
    assert fired["message"].str.contains("示例区城关街道办事处").all()  # the unit with no report is named


def test_summary_below_its_units_on_the_city_corpus():
    out = hierarchy.below_children.run(city_with_units(*ALL))
    assert set(out["report_id"]) == {"gov-2022", "gov-2023"}  # gov-2024 sums its units up correctly
    new = out.loc[(out["report_id"] == "gov-2023") & (out["row"] == "new") & (out["col"] == "total")].iloc[0]
    assert (new["table"], new["actual"], new["expected"]) == ("requests", 45.0, 73.0)
    assert "清河市教育局 24" in new["message"] and "清河市城南街道办事处 5" in new["message"]
    assert "未见报告" not in new["message"]
    y2022 = out.loc[out["report_id"] == "gov-2022"]
    assert y2022["message"].str.contains("当年未见报告的所属单位：清河市城南街道办事处").all()


def test_silent_without_units_or_children():
    assert hierarchy.below_children.run(city(*ALL)).empty
    c = city("gov-2023", "edu-2022")  # a unit's report of another year is not summed
    c.options = {"units": UNITS}
    assert hierarchy.below_children.run(c).empty


@pytest.mark.parametrize(("raw", "fires"), [("raw:见附件", False), (None, True)])
def test_unread_child_cell_is_not_summed_as_zero(raw, fires):
    units = pd.DataFrame({"unit": ["区政府", "区教育局", "区民政局"], "region": "区", "level": "区县",
                          "parent": [None, "区政府", "区政府"], "kind": ["人民政府", "部门", "部门"]})
    gov = {"report_id": "gov", "unit": "区政府", "cells": {"requests/new/natural": 2, "requests/new/total": 9}}
    edu = {"report_id": "edu", "unit": "区教育局"}  # 3 new applications
    civ = {"report_id": "civ", "unit": "区民政局", "cells": {"requests/new/natural": raw}}
    c = build_corpus(gov, edu, civ)
    c.options = {"units": units}
    out = hierarchy.below_children.run(c)
    got = out.loc[(out["row"] == "new") & (out["col"] == "natural")]
    assert len(got) == (1 if fires else 0)  # unread: the sum is unknown; printed blank: 0
