"""Tests of the sections pack: every rule fires on its failing example and is silent on its passing one."""

from __future__ import annotations

import pandas as pd
import pytest
from audit.rules import sections

from audit.packs.rule import fmt_num
from audit.testing.build import build_corpus


def corpus_for(example):
    """A corpus from a rule example: one report patch, or ``{"reports": [patch, ...]}``."""
    return build_corpus(*example["reports"]) if "reports" in example else build_corpus(example)


@pytest.mark.parametrize("r", sections.RULES, ids=lambda r: r.id)
def test_examples(r):
    fired = r.run(corpus_for(r.fail_example))
    assert len(fired) >= 1
    assert fired["message"].str.len().gt(0).all()
    assert fired["expected"].notna().all() and fired["actual"].notna().all()
    assert r.run(corpus_for(r.pass_example)).empty


def test_pack_hook():
    pack = sections.audit_pack()
    assert pack.name == "sections"
    assert {r.id for r in pack.rules} == {"SECT-MISSING", "SECT-HEADING-LOST", "SECT-RENAMED", "SECT-ORDER", "SECT-FEE-MISSING"}
    assert all(r.category == "sections" for r in pack.rules)


def test_missing_names_the_unrecognised_heading():
    # Seed 002: its 六 is 六、下步工作计划, which the reader does not recognise as section 六.
    c = build_corpus({"sections": {"other": None}})
    c.sections.loc[len(c.sections)] = {"report_id": "r1", "position": 6, "number": 6, "title": "六、下步工作计划",
                                       "canonical": None, "text": "继续做好公开工作。"}
    out = sections.section_missing.run(c)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["report_id"] == "r1"
    assert row["expected"] == "六、其他需要报告的事项" and row["actual"] == "六、下步工作计划"
    assert "六、其他需要报告的事项" in row["message"] and "六、下步工作计划" in row["message"]


def test_missing_reports_each_missing_section_per_report():
    c = build_corpus({}, {"sections": {"overview": None, "problems": None}})
    out = sections.section_missing.run(c)
    assert sorted(out["expected"]) == ["一、总体情况", "五、存在的主要问题及改进情况"]
    assert set(out["report_id"]) == {"r2"}


def test_no_sections_is_one_finding_and_parse_failures_are_silent():
    empty = {k: None for k in ("overview", "active", "requests", "appeals", "problems", "other")}
    c = build_corpus({"sections": empty},
                     {"sections": empty, "problems": [{"kind": "unreadable", "detail": "not a report"}]})
    out = sections.section_missing.run(c)
    assert list(out["report_id"]) == ["r1"]
    for r in sections.RULES:
        assert (r.run(c)["report_id"] != "r2").all()


def test_renamed_seed_002_headings():
    c = build_corpus({"section_titles": {"overview": "一、 2020年度 政务公开活动工作情况",
                                         "problems": "五、存在的主要问题",
                                         "appeals": "四、政府信息公开行政复议、行政诉讼情况 表",
                                         "requests": "三．收到和处理政府信息公开申请情况"}})
    out = sections.section_renamed.run(c).sort_values("expected")
    assert list(out["actual"]) == ["一、 2020年度 政务公开活动工作情况", "五、存在的主要问题"]
    assert list(out["expected"]) == ["一、总体情况", "五、存在的主要问题及改进情况"]
    assert "五、存在的主要问题及改进情况" in out.iloc[1]["message"]


def test_order_shows_printed_and_standard_order():
    c = build_corpus({}, {"section_order": ["active", "overview", "requests", "appeals", "problems", "other"]})
    out = sections.section_order.run(c)
    assert list(out["report_id"]) == ["r2"]
    assert out.iloc[0]["actual"] == "二、一、三、四、五、六"
    assert out.iloc[0]["expected"] == "一、二、三、四、五、六"


def test_order_ignores_missing_sections():
    assert sections.section_order.run(build_corpus({"sections": {"active": None}})).empty


def test_fee_only_for_edition_2021():
    fail = {"sections": {"other": "无"}}
    c = build_corpus(fail, {**fail, "edition": "2019"}, {"sections": {"other": "本年度未收费。"}})
    out = sections.section_fee_missing.run(c)
    assert list(out["report_id"]) == ["r1"]
    assert fmt_num(out["points"].iloc[0]) == "空"  # default points (no override)


def test_renamed_says_when_only_the_number_differs():
    c = build_corpus({"section_titles": {"active": "一、主动公开政府信息情况"}})
    out = sections.section_renamed.run(c)
    assert list(out["actual"]) == ["一、主动公开政府信息情况"] and "序号不同" in out.iloc[0]["message"]


def test_lost_heading_replaces_missing_section_only_where_its_content_follows():
    from tests.shared_paths import REAL

    lost_text = ("（表略）\n（一）2024 年工作中存在问题的改进情况\n针对 2024 年工作中存在的主要问题，重点采取如下改进措施。\n"
                 "（二）2025 年工作中存在的主要问题\n一是公开质量有待提高。")
    c = build_corpus({"report_id": "lost", "sections": {"problems": None, "appeals": lost_text}},
                     {"report_id": "gone", "sections": {"problems": None}},
                     {"report_id": "early", "sections": {"problems": None,
                                                         "overview": "（三）存在的问题\n宣传不够。"}})
    missing = sections.section_missing.run(c)
    assert sorted(missing["report_id"]) == ["early", "gone"]  # a sub-item of the overview is no section 五
    lost = sections.heading_lost.run(c)
    assert list(lost["report_id"]) == ["lost"]
    assert "（一）2024 年工作中存在问题的改进情况" in lost.iloc[0]["message"]
    md = REAL / "kirogovcompare__shanghai-govoffice-2025.md"
    if md.exists():
        from audit.corpus.loader import load
        from audit.ingest.normalise import read_report

        real = load([read_report(md, "sh2025")])
        assert sections.section_missing.run(real).empty
        assert list(sections.heading_lost.run(real)["report_id"]) == ["sh2025"]


def test_renumbered_sections_are_one_finding_and_reworded_ones_their_own():
    c = build_corpus({"section_titles": {"active": "第二部分 主动公开政府信息情况", "requests": "（三）收到和处理政府信息公开申请情况",
                                         "problems": "五、存在的主要问题"}})
    out = sections.section_renamed.run(c).sort_values("message")
    assert len(out) == 2
    numbered = out.loc[out["message"].str.startswith("章节序号")].iloc[0]
    assert "「第二部分 主动公开政府信息情况」「（三）收到和处理政府信息公开申请情况」" in numbered["message"]
    assert numbered["expected"] == "二、主动公开政府信息情况、三、收到和处理政府信息公开申请情况"
    reworded = out.loc[out["message"].str.startswith("章节标题")].iloc[0]
    assert reworded["actual"] == "五、存在的主要问题" and reworded["expected"] == "五、存在的主要问题及改进情况"


def test_a_table_section_whose_heading_is_lost_but_whose_table_was_read_is_a_lost_heading():
    lost = build_corpus({"sections": {"appeals": None}})  # heading and text gone, 表四 still read
    out = sections.heading_lost.run(lost)
    assert list(out["expected"]) == ["四、政府信息公开行政复议、行政诉讼情况"]
    assert "统计表印在报告中" in out.iloc[0]["message"]
    assert sections.section_missing.run(lost).empty
    gone = build_corpus({"sections": {"appeals": None}, "drop_cells": ["appeals"]})  # no table either
    assert sections.heading_lost.run(gone).empty
    assert list(sections.section_missing.run(gone)["expected"]) == ["四、政府信息公开行政复议、行政诉讼情况"]


def test_a_section_left_out_with_its_table_is_one_finding_the_missing_table():
    from audit.packs import engine, plugins

    rules = {r.id: r for r in engine.with_core_rules(plugins.load_registry().rules)}
    gone = build_corpus({"sections": {"appeals": None}, "drop_cells": ["appeals"]})
    alone = sections.section_missing.run(gone)
    assert list(alone["table"]) == ["appeals"]  # sections 二–四 are located at their table
    both, _ = engine.run_rules(gone, [rules["SECT-MISSING"], rules["STRUCT-TABLE-MISSING"]], core=False)
    assert list(both["rule_id"]) == ["STRUCT-TABLE-MISSING"]
    assert "报告中没有这一部分（章节标题和统计表均未找到）" in both.iloc[0]["message"]
    only_sections, _ = engine.run_rules(gone, [rules["SECT-MISSING"]], core=False)
    assert list(only_sections["rule_id"]) == ["SECT-MISSING"]  # --ignore STRUCT-TABLE-MISSING keeps it
    # Only the section's text missing (its table printed elsewhere): no STRUCT-TABLE-MISSING to stand for it.
    kept, _ = engine.run_rules(build_corpus({"sections": {"other": None}}),
                               [rules["SECT-MISSING"], rules["STRUCT-TABLE-MISSING"]], core=False)
    assert list(kept["rule_id"]) == ["SECT-MISSING"] and pd.isna(kept.iloc[0]["table"])
