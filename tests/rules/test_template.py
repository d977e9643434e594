"""Tests of the ``template`` pack: superseded edition, mixed fingerprints, legacy and unknown formats."""

from __future__ import annotations

import re

import pytest
from audit.rules import template

from audit.testing.build import build_corpus

PACK = template.audit_pack()
RULES = {r.id: r for r in PACK.rules}


def test_pack_metadata():
    assert PACK.name == "template"
    for r in PACK.rules:
        assert r.id.startswith("TMPL-") and r.category == "template" and r.description


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_fail_example_fires(rule_id):
    out = RULES[rule_id].run(build_corpus(RULES[rule_id].fail_example))
    assert list(out["report_id"]) == ["r1"]
    assert out["message"].str.len().gt(0).all()


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_pass_example_silent(rule_id):
    assert RULES[rule_id].run(build_corpus(RULES[rule_id].pass_example)).empty


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_clean_reports_silent(rule_id):
    assert RULES[rule_id].run(build_corpus({}, {"edition": "2019", "year": 2020})).empty


def test_old_edition_names_the_evidence_and_both_notices():
    out = RULES["TMPL-OLD-EDITION"].run(build_corpus(
        {"year": 2021, "edition": "2019", "edition_evidence": ["上一年项目数量", "采购项目数量"]},
        {"year": 2020, "edition": "2019"}, {"year": None, "edition": "2019"}, {"year": 2024}))
    assert list(out["report_id"]) == ["r1"]
    msg = out.iloc[0]["message"]
    assert msg.startswith("2021年度报告使用了2019版表格格式")
    assert "国办公开办函〔2019〕60号" in msg and "国办公开办函〔2021〕30号" in msg
    assert "上一年项目数量、采购项目数量" in msg
    assert (out.iloc[0]["expected"], out.iloc[0]["actual"]) == ("2021", "2019")
    assert RULES["TMPL-OLD-EDITION"].severity == "error"


def test_old_edition_says_the_readers_structural_evidence_in_chinese():
    """The evidence list is data ("（六）其他处理 is one row"); the supervisor reads it in Chinese."""
    from audit.contracts.edition_evidence import ONE_ROW, SUB_ROWS

    out = RULES["TMPL-OLD-EDITION"].run(build_corpus(
        {"year": 2023, "edition": "2019", "edition_evidence": ["上一年项目数量", ONE_ROW, "2021: " + SUB_ROWS]}))
    msg = out.iloc[0]["message"]
    assert "识别依据：上一年项目数量、（六）其他处理只有一行、2021 版特征（六）其他处理分为 3 个子行" in msg
    assert not re.search(r"[A-Za-z]{2,}", msg.replace("（六）", "")), msg


def test_mixed_edition_is_a_warning_with_detail():
    out = RULES["TMPL-MIXED-EDITION"].run(build_corpus(
        {"year": 2023, "problems": [{"kind": "mixed_edition", "detail": "（六）其他处理 has no sub-rows"}]}))
    assert len(out) == 1 and "（六）其他处理" in out.iloc[0]["message"]
    assert RULES["TMPL-MIXED-EDITION"].severity == "warning"


def test_legacy_report_is_not_also_unknown():
    corpus = build_corpus({"edition": None, "year": 2018,
                           "problems": [{"kind": "legacy_format", "detail": "指标名称"}]})
    assert len(RULES["TMPL-LEGACY-FORMAT"].run(corpus)) == 1
    assert RULES["TMPL-UNKNOWN-FORMAT"].run(corpus).empty


def test_unknown_format_once_per_report():
    corpus = build_corpus({"edition": None, "problems": [{"kind": "unknown_format", "detail": "no fingerprints"}]},
                          {"edition": None}, {"edition": None, "problems": [{"kind": "unreadable", "detail": "x"}]})
    out = RULES["TMPL-UNKNOWN-FORMAT"].run(corpus)
    assert sorted(out["report_id"]) == ["r1", "r2"]
    assert all(s == "warning" for s in [RULES["TMPL-UNKNOWN-FORMAT"].severity, RULES["TMPL-LEGACY-FORMAT"].severity])


# -- real reports, read by the real reader ---------------------------------------------------------

def test_seeds_carry_no_template_finding(seed_corpus):
    # 002 and 004 are 2020 reports in edition 2019: correct for their year.
    for r in PACK.rules:
        assert r.run(seed_corpus).empty, r.id


def test_real_legacy_and_mixed_reports(real_corpus):
    legacy = RULES["TMPL-LEGACY-FORMAT"].run(real_corpus)
    assert list(legacy["report_id"]) == ["pingtan-archive__pingtan-2018-legacy"]
    assert "旧版统计表" in legacy.iloc[0]["message"]
    mixed = RULES["TMPL-MIXED-EDITION"].run(real_corpus)
    assert list(mixed["report_id"]) == ["kirogovcompare__huaian-hongze-2023"]
    assert RULES["TMPL-UNKNOWN-FORMAT"].run(real_corpus).empty
    assert RULES["TMPL-OLD-EDITION"].run(real_corpus).empty
