"""Tests of the year_over_year pack: text and tables repeated from the unit's previous report."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from audit.rules import year_over_year as yoy

from audit.corpus.loader import load
from audit.ingest.normalise import read_report
from audit.testing.build import _BASE_VALUES_2021, build_corpus
from audit.testing.cases import as_corpus, check_examples

CITY = Path(__file__).parents[1] / "fixtures" / "city"


def city(*names: str):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load([read_report(CITY / f"{n}.txt", n) for n in names])


@pytest.mark.parametrize("r", yoy.RULES, ids=lambda r: r.id)
def test_examples(r):
    check_examples(r)
    fired = r.run(as_corpus(r.fail_example))
    assert list(fired["report_id"]) == ["u2024"] and "u2023" in fired["message"].iloc[0]
    assert fired["expected"].notna().all() and fired["actual"].notna().all()


def test_pack_lists_its_rules():
    assert [r.id for r in yoy.audit_pack().rules] == ["YOY-TEXT-REPEATED", "YOY-TABLES-SAME"]


def test_text_repeated_on_real_layout_copy_with_new_figures():
    """柳林镇 2024 is its 2023 text with new figures and years: every sentence repeats."""
    out = yoy.text_repeated.run(city("liulin-2023", "liulin-2024"))
    assert list(out["report_id"]) == ["liulin-2024"]
    assert out["actual"].iloc[0] == "100%" and out["expected"].iloc[0] == "≤50%"
    assert "liulin-2023" in out["message"].iloc[0] and "2023年" in out["message"].iloc[0]


def test_text_rewritten_each_year_is_silent_and_needs_the_previous_year():
    assert yoy.text_repeated.run(city("land-2023", "land-2024", "gov-2022", "gov-2023", "gov-2024")).empty
    assert yoy.text_repeated.run(city("liulin-2022", "liulin-2024")).empty  # no 2023 report: nothing to compare


def test_repeat_share_is_configurable():
    c = city("land-2023", "land-2024")
    share = yoy._share(c)["share"].iloc[0]
    assert 0 < share < 0.5
    c.options = {"repeat_share": share - 0.01}
    assert list(yoy.text_repeated.run(c)["report_id"]) == ["land-2024"]


def test_tables_same_on_real_layout():
    out = yoy.tables_same.run(city("edu-2023", "edu-2024", "land-2023", "land-2024"))
    assert list(out["report_id"]) == ["edu-2024"] and "edu-2023" in out["message"].iloc[0]


def test_tables_same_needs_known_cells_and_some_activity():
    last, this = {"report_id": "u2023", "year": 2023}, {"report_id": "u2024", "year": 2024}
    unread = {**this, "cells": {"requests/new/commercial": "raw:见附件"}}
    assert yoy.tables_same.run(build_corpus(last, unread)).empty  # a cell not read: cannot say "identical"
    idle = {"cells": {k: 0 for k in _BASE_VALUES_2021}}
    idle["cells"]["active/licensing/decisions"] = 7  # one non-zero number: an idle unit, alike every year
    assert yoy.tables_same.run(build_corpus({**last, **idle}, {**this, **idle})).empty
    other_unit = {**this, "unit": "另一单位"}
    assert yoy.tables_same.run(build_corpus(last, other_unit)).empty
