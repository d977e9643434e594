"""Tests of the narrative pack: text numbers vs table numbers, tuned on seed and real report text."""

from __future__ import annotations

import pandas as pd
import pytest
from audit.rules import narrative

from audit.testing.build import build_corpus

# Seed 001 (冶金街道 2024): its text agrees with its tables (new 3, carried_next 1, licensing 1990,
# penalty 186).
SEED_001_TEXT = ("2024年我街道共受理政府公开信息3件,其中有2件已依法对申请人进行答复,剩余1件结转下年度继续办理。"
                 "2024年,我街道未制定规章、行政规范性文件;办理行政许可1990件,发生行政处罚案件186件、行政强制案件0件;"
                 "无行政事业性收费。")
SEED_001_CELLS = {"requests/new/natural": 3, "requests/new/total": 3,
                  "requests/carried_next/natural": 1, "requests/carried_next/total": 1,
                  "active/licensing/decisions": 1990, "active/penalty/decisions": 186}


def corpus_for(example):
    """A corpus from a rule example: one report patch, or ``{"reports": [patch, ...]}``."""
    return build_corpus(*example["reports"]) if "reports" in example else build_corpus(example)


@pytest.mark.parametrize("r", narrative.RULES, ids=lambda r: r.id)
def test_examples(r):
    fired = r.run(corpus_for(r.fail_example))
    assert len(fired) == 1
    f = fired.iloc[0]
    assert f["table"] and f["col"]
    assert f["expected"] is not None and f["actual"] is not None and f["expected"] != f["actual"]
    assert f"为 {int(f['expected'])}" in f["message"] and f"为 {int(f['actual'])} 件" in f["message"]
    assert r.run(corpus_for(r.pass_example)).empty


def test_pack_hook():
    pack = narrative.audit_pack()
    assert pack.name == "narrative" and len(pack.rules) == 7
    assert all(r.category == "narrative" for r in pack.rules)


def test_seed_001_text_agrees_with_its_tables():
    c = build_corpus({"extra_text": SEED_001_TEXT, "cells": SEED_001_CELLS})
    for r in narrative.RULES:
        assert r.run(c).empty, r.id


def test_seed_001_text_against_wrong_tables_fires_everywhere_it_should():
    cells = {**SEED_001_CELLS, "requests/new/total": 4, "requests/carried_next/total": 2,
             "active/licensing/decisions": 1900, "active/penalty/decisions": 18}
    c = build_corpus({"extra_text": SEED_001_TEXT, "cells": cells})
    got = {r.id: r.run(c) for r in narrative.RULES}
    assert {k for k, v in got.items() if len(v)} == {"NARR-REQ-NEW", "NARR-CARRIED-NEXT", "NARR-LICENSING",
                                                     "NARR-PENALTY"}
    lic = got["NARR-LICENSING"].iloc[0]
    assert (lic["table"], lic["row"], lic["col"]) == ("active", "licensing", "decisions")
    assert (lic["expected"], lic["actual"]) == (1900.0, 1990.0)
    assert "办理行政许可1990件," in lic["message"] and "1900" in lic["message"]  # the whole sentence is quoted


def test_real_report_sentences_are_read():
    # Sentences from the 平潭 reports (2023, 2025) and the 上海 2025 report.
    text = pd.Series({
        "a": "2023年全区接收通过邮寄、网络提交的各类政府信息公开申请共计81件，涉及自然人80件、商业企业1件。"
             "因政府信息公开引起的行政复议案件2件、行政诉讼案件7件。",
        "b": "2025年，全区共收到政府信息公开申请154件，共办结148件，结转至2026年6件。"
             "全年办理因政府信息公开申请引发的行政复议36起，行政诉讼9起。",
        "c": "市政府共受理政府信息公开申请 1295 件，办结 1191 件（含\n上年结转 189 件），均在法定期限内答复。",
    })
    assert narrative.stated_numbers(text, narrative.NEW_REQUESTS)["n"].to_dict() == {"a": 81, "b": 154, "c": 1295}
    assert narrative.stated_numbers(text, narrative.CARRIED_NEXT, "结转")["n"].to_dict() == {"b": 6}
    assert narrative.stated_numbers(text, narrative.REVIEW)["n"].to_dict() == {"a": 2, "b": 36}
    assert narrative.stated_numbers(text, narrative.LITIGATION)["n"].to_dict() == {"a": 7, "b": 9}


def test_ambiguous_and_partial_counts_are_skipped():
    text = pd.Series({
        "two_numbers": "2024年收到政府信息公开申请90件，2023年收到政府信息公开申请81件。",
        "subcount": "其中收到自然人申请72件。",
        "chinese": "全年受理政府信息公开申请三件。",
        "published": "在栏目共计发布行政处罚23件，公开行政许可信息35条。",
    })
    assert narrative.stated_numbers(text, narrative.NEW_REQUESTS).empty
    assert narrative.stated_numbers(text, narrative.PENALTY).empty
    assert narrative.stated_numbers(text, narrative.LICENSING).empty


def test_litigation_compares_the_sum_of_both_rows():
    cells = {"appeals/litigation_direct/upheld": 4, "appeals/litigation_direct/total": 4,
             "appeals/litigation_after_review/upheld": 3, "appeals/litigation_after_review/total": 3}
    ok = build_corpus({"extra_text": "行政诉讼案件7件。", "cells": cells})
    rule_ = next(r for r in narrative.RULES if r.id == "NARR-LITIGATION")
    assert rule_.run(ok).empty
    bad = rule_.run(build_corpus({"extra_text": "行政诉讼案件4件。", "cells": cells}))
    assert (bad.iloc[0]["expected"], bad.iloc[0]["actual"]) == (7.0, 4.0)
    assert "之和" in bad.iloc[0]["message"]


def test_blank_cell_counts_as_zero_and_parse_failures_are_silent():
    rule_ = next(r for r in narrative.RULES if r.id == "NARR-REQ-NEW")
    c = build_corpus({"extra_text": "受理政府信息公开申请2件。", "cells": {"requests/new/total": None}},
                     {"extra_text": "受理政府信息公开申请2件。", "problems": [{"kind": "truncated", "detail": "x"}]})
    out = rule_.run(c)
    assert list(out["report_id"]) == ["r1"] and out.iloc[0]["expected"] == 0.0


# -- totals that include the carry-over; whole sentences; numbers inside tables -------------------

CARRIED = {"requests/carried_over/natural": 1, "requests/carried_over/total": 1}
PINGTAN_2022 = ("二是规范依申请受理答复流程。2022年，全区收到政府信息公开申请4件，涉及自然人3件、商业企业1件，"
                "均在法定期限内予以答复，办结率100%。三是加强行政复议、行政诉讼案件的处理工作。")


def test_total_with_carried_over_is_info_not_a_contradiction_and_quotes_the_sentence():
    c = build_corpus({"extra_text": PINGTAN_2022, "cells": CARRIED})
    assert narrative.RULES[0].run(c).empty  # NARR-REQ-NEW: 4 = 新收 3 + 上年结转 1 is no error
    info = narrative.new_with_carried.run(c)
    assert len(info) == 1 and narrative.new_with_carried.severity == "info"
    assert "“2022年，全区收到政府信息公开申请4件，涉及自然人3件、商业企业1件，均在法定期限内予以答复，办结率100%。”" \
        in info.iloc[0]["message"]


def test_contradiction_quotes_the_whole_sentence_with_its_subject():
    c = build_corpus({"extra_text": PINGTAN_2022.replace("申请4件", "申请9件")})
    out = narrative.RULES[0].run(c)
    assert len(out) == 1
    assert "“2022年，全区收到政府信息公开申请9件，涉及自然人3件" in out.iloc[0]["message"]
    assert narrative.new_with_carried.run(c).empty


def test_numbers_inside_a_flattened_table_are_not_statements_of_the_text():
    # A crawler-flattened 表三 (pingtan 2024 shape): the last row's digits run into a 件 of the next text.
    table = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计"
             "（七）总计30000003四、结转下年度继续办理1100002件")
    c = build_corpus({"sections": {"requests": table}})
    rule = next(r for r in narrative.RULES if r.id == "NARR-CARRIED-NEXT")
    assert rule.run(c).empty
    told = build_corpus({"sections": {"requests": "本年度剩余5件结转下年度继续办理。" + table}})
    assert len(rule.run(told)) == 1  # the sentence before the table is still read


def test_a_table_all_zero_against_the_text_is_one_finding_from_the_zeros_pack():
    """Generated 2023 report: 表三 all zero, text 「2023年共受理政府信息公开申请29件」. Run together,
    ZERO-TABLE-VS-TEXT (error) reports it and NARR-REQ-NEW's finding on that report goes (one
    contradiction, one deduction); NARR-REQ-NEW still fires where the table has numbers, and alone
    (the zeros rule ignored) it reports the all-zero report too."""
    from audit.rules import zeros

    from audit.api import load_catalogue
    from audit.packs import engine

    zero = {f"{t}/{r}/{c}": 0 for t, r, c in load_catalogue().edition_cells("2021")}
    said = "2023年共受理政府信息公开申请29件，均在法定期限内答复。"
    c = build_corpus({"extra_text": said, "cells": zero}, {"extra_text": said})
    rules = [*zeros.RULES, *narrative.RULES]
    out, errors = engine.run_rules(c, rules, core=False)
    assert not errors
    got = sorted(zip(out["rule_id"], out["report_id"], strict=True))
    assert ("ZERO-TABLE-VS-TEXT", "r1") in got and ("NARR-REQ-NEW", "r2") in got
    assert ("NARR-REQ-NEW", "r1") not in got
    alone, _ = engine.run_rules(c, rules, ignore=["ZERO-TABLE-VS-TEXT"], core=False)
    assert {("NARR-REQ-NEW", "r1"), ("NARR-REQ-NEW", "r2")} <= set(zip(alone["rule_id"], alone["report_id"], strict=True))


def test_a_row_the_reader_could_not_split_is_no_zero_in_the_table():
    """Generated crawler page: 「一、本年新收政府信息公开申请数量」 glued and not split (cells
    unplaced), text 「2022年共受理政府信息公开申请1899件」: the table's total is unknown, not 0, so
    there is no contradiction to report (it was 446 false warnings on 10,000 generated reports)."""
    from audit.corpus.loader import load
    from audit.testing.build import build_report

    said = "2022年共受理政府信息公开申请1899件，均在法定期限内答复。"
    rep = build_report({"extra_text": said})
    for cell in rep["cells"]:
        if cell["table"] == "requests" and cell["row"] == "new":
            cell.update(value=None, raw=None, state="unplaced")
    text_cell = build_report({"extra_text": said, "cells": {"requests/new/total": "raw:见附件"}}, report_id="r2")
    rule_ = next(r for r in narrative.RULES if r.id == "NARR-REQ-NEW")
    assert rule_.run(load([rep, text_cell])).empty
    read = build_report({"extra_text": said}, report_id="r3")
    assert list(rule_.run(load([rep, read]))["report_id"]) == ["r3"]


# -- a count said roughly is no figure to hold the table to ------------------------------------------

@pytest.mark.parametrize("said", ["100件以上", "100件左右", "100 件以下", "100件上下", "100件次"])
def test_a_count_said_roughly_or_in_another_unit_is_not_compared(said):
    cells = {"requests/new/natural": 103, "requests/new/total": 103, "active/licensing/decisions": 150,
             "appeals/review/upheld": 7, "appeals/review/total": 7}
    text = f"本年度共受理政府信息公开申请{said}，办理行政许可{said}，行政复议{said.replace('件', '起')}。"
    c = build_corpus({"extra_text": text, "cells": cells})
    for r in narrative.RULES:
        assert r.run(c).empty, (r.id, said)
    exact = build_corpus({"extra_text": "本年度共受理政府信息公开申请100件，办理行政许可100件，行政复议100起。",
                          "cells": cells})
    fired = {r.id for r in narrative.RULES if len(r.run(exact))}
    assert fired == {"NARR-REQ-NEW", "NARR-LICENSING", "NARR-REVIEW"}
