"""Tests of the problems_section, corrections, unit_kind and fees packs on reports in real layouts."""

from __future__ import annotations

import pytest
from audit.rules import corrections, fees, problems_section, unit_kind

from audit.testing.cases import check_examples
from tests.rules.checks_text import FIVE, FOUR, SIX, corpus_of, section, text_of

PACKS = (problems_section, corrections, unit_kind, fees)


@pytest.mark.parametrize("r", [r for p in PACKS for r in p.RULES], ids=lambda r: r.id)
def test_examples(r):
    check_examples(r)


# -- 第五部分 ----------------------------------------------------------------------------------------

def test_problems_stated_and_measures_are_silent():
    c = corpus_of(text_of("edu-2023"), text_of("gov-2024"))
    for r in problems_section.RULES:
        assert r.run(c).empty, r.id


@pytest.mark.parametrize(("body", "fires"), [
    ("本年度我局政府信息公开工作运行良好，未发现明显问题。", ("PROB-NO-PROBLEM",)),
    ("无。", ("PROB-NO-PROBLEM",)),
    ("（一）存在的主要问题\n无\n（二）改进情况\n下一步，将继续加强政务公开工作。", ("PROB-NO-PROBLEM",)),
    ("（一）存在的主要问题\n一是栏目更新不够及时。二是解读形式单一。", ("PROB-NO-MEASURE",)),
])
def test_problems_section_that_says_nothing(body, fires):
    c = corpus_of(section(text_of("edu-2023"), FIVE, body, SIX))
    got = {r.id for r in problems_section.RULES if len(r.run(c))}
    assert got == set(fires)
    if "PROB-NO-PROBLEM" in fires:
        msg = problems_section.no_problem.run(c)["message"].iloc[0]
        assert ("也未写明改进措施" in msg) == ("下一步" not in body)


def test_template_only_fires_on_the_reports_whose_every_sentence_is_shared():
    boiler = ("（一）存在的主要问题\n一是政务公开工作的主动性有待进一步增强。二是信息发布的及时性还需进一步提高。\n"
              "（二）改进情况\n下一步，我们将进一步加强学习培训，不断提升政务公开工作水平。")
    units = ["清河市教育局", "清河市民政局", "清河市财政局", "清河市商务局", "清河市文化和旅游局", "清河市卫生健康委员会"]
    texts = [section(text_of("edu-2023").replace("清河市教育局", u), FIVE, boiler, SIX) for u in units]
    own = section(text_of("edu-2023").replace("清河市教育局", "清河市审计局"), FIVE,
                  boiler + "本局门户网站改版后有12个栏目链接失效，已于年底全部恢复。", SIX)
    c = corpus_of(*texts, own)
    out = problems_section.template_only.run(c)
    assert sorted(out["report_id"]) == [f"t{i}" for i in range(1, 7)]  # not t7: it adds its own problem
    assert "至少 6 个其他单位" in out["message"].iloc[0]
    c.options = {"template_reports": 7}
    assert problems_section.template_only.run(c).empty


def test_same_problems_as_last_year_word_for_word():
    last = text_of("land-2023")
    this = section(text_of("land-2024"), FIVE, last[last.index(FIVE) + len(FIVE):last.index(SIX)].strip(), SIX)
    c = corpus_of(last, this, ids=("land-2023", "land-2024"))
    out = problems_section.same_as_last.run(c)
    assert list(out["report_id"]) == ["land-2024"] and "land-2023" in out["message"].iloc[0]
    assert problems_section.same_as_last.run(corpus_of(last, text_of("land-2024"))).empty


# -- 纠正 ------------------------------------------------------------------------------------------

def test_correction_explained_in_the_text_is_silent_and_unexplained_fires():
    explained = text_of("land-2024")  # 表四 结果纠正 12 + 1; the text says what was corrected
    assert corrections.unexplained.run(corpus_of(explained)).empty
    silent = section(explained, FOUR, "本年度因政府信息公开被申请行政复议33件。\n"
                     + explained[explained.index("行政复议\t\t\t\t\t行政诉讼"):explained.index(FIVE)], FIVE)
    out = corrections.unexplained.run(corpus_of(silent))
    assert len(out) == 1 and out["actual"].iloc[0] == "结果纠正 13 件，正文未提及"
    assert "行政复议结果纠正 12 件、未经复议直接起诉结果纠正 1 件" in out["message"].iloc[0]
    # 淮安市 2024: the text states the count (其中结果维持 72 件，结果纠正 64 件): it is mentioned
    counted = section(explained, FOUR, "本年度行政复议33件，其中结果维持 20 件，结果纠正 12 件。\n"
                      + explained[explained.index("行政复议\t\t\t\t\t行政诉讼"):explained.index(FIVE)], FIVE)
    assert corrections.unexplained.run(corpus_of(counted)).empty


# -- kind of unit --------------------------------------------------------------------------------

def test_art50_for_governments_only():
    gov = text_of("gov-2024")
    assert unit_kind.art50_missing.run(corpus_of(gov, text_of("edu-2024"), text_of("chengnan-2024"))).empty
    cut = gov.replace("全年完成政务公开专项考核并通报排名，委托第三方开展社会评议，对评议发现的问题约谈相关单位，未启动责任追究。", "")
    out = unit_kind.art50_missing.run(corpus_of(cut))
    assert out["actual"].iloc[0] == "未提及工作考核、社会评议、责任追究"
    town = unit_kind.art50_missing.run(corpus_of(text_of("liulin-2023")))  # a township government too
    assert len(town) == 1


def test_regulations_by_a_unit_without_rule_making_power():
    town = text_of("chengnan-2024").replace("规章\t0\t0\t0", "规章\t3\t0\t3")
    out = unit_kind.regulations_issued.run(corpus_of(town))
    assert (out["row"].iloc[0], out["col"].iloc[0], out["actual"].iloc[0]) == ("regulations", "issued", 3)
    city_gov = text_of("gov-2024").replace("规章\t0\t0\t0", "规章\t3\t0\t3")
    office = town.replace("清河市城南街道办事处", "清河市人民政府办公室")
    assert unit_kind.regulations_issued.run(corpus_of(city_gov, office)).empty


def test_kind_from_the_units_file_beats_the_name():
    import pandas as pd

    town = text_of("chengnan-2024").replace("规章\t0\t0\t0", "规章\t3\t0\t3")
    c = corpus_of(town)
    c.options = {"units": pd.DataFrame({"unit": ["清河市城南街道办事处"], "region": "清河市", "level": "乡镇",
                                        "parent": "清河市人民政府", "kind": ["人民政府"]})}
    assert unit_kind.regulations_issued.run(c).empty


def test_township_with_decisions_in_the_thousands():
    big = text_of("chengnan-2024").replace("行政处罚\t15", "行政处罚\t2400")
    out = unit_kind.township_large.run(corpus_of(big, text_of("land-2024").replace("行政许可\t102", "行政许可\t5000")))
    assert list(out["report_id"]) == ["t1"] and out["actual"].iloc[0] == 2400  # a department may


# -- fees ----------------------------------------------------------------------------------------

def test_fee_confused_with_administrative_charges():
    t = text_of("edu-2024")
    c = corpus_of(t.replace("本年度未收取政府信息公开信息处理费。", "本年度行政事业性收费为0万元。"))
    out = fees.confused.run(c)
    assert len(out) == 1 and out["actual"].iloc[0] == "行政事业性收费"
    assert fees.confused.run(corpus_of(t)).empty
    amount = t.replace("行政事业性收费\t0", "行政事业性收费\t12.5").replace(
        "本年度未收取政府信息公开信息处理费。", "本年度收取信息处理费12.5万元。")
    got = fees.confused.run(corpus_of(amount))
    assert (got["row"].iloc[0], got["actual"].iloc[0]) == ("fees", 12.5)


def test_overdue_fee_notices_need_the_fee_mentioned():
    t = text_of("edu-2024")
    label = "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请\t\t"
    row = t[t.index(label):].split("\n")[0]
    notices = t.replace(row, label + "1\t0\t0\t0\t0\t0\t1").replace(
        "\t(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)\t\t3\t0\t0\t0\t0\t0\t3",
        "\t(二) 部分公开 (区分处理的, 只计这一情形, 不计其他情形)\t\t2\t0\t0\t0\t0\t0\t2")
    assert fees.overdue_unmentioned.run(corpus_of(notices)).empty  # says 未收取…信息处理费
    no_fee = notices.replace("本年度未收取政府信息公开信息处理费。", "本局不涉及收费事项。")
    out = fees.overdue_unmentioned.run(corpus_of(no_fee))
    assert (out["row"].iloc[0], out["actual"].iloc[0]) == ("other_overdue_fee", 1)
    silent = notices.replace("本年度未收取政府信息公开信息处理费。", "")  # SECT-FEE-MISSING's case, not this rule's
    assert fees.overdue_unmentioned.run(corpus_of(silent)).empty
