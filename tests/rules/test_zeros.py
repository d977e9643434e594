"""Tests of the ``zeros`` pack: all-zero tables, tables contradicted by the text, totals vs parts."""

from __future__ import annotations

import pytest
from audit.rules import arithmetic, zeros

from audit.contracts.catalogue import load as load_catalogue
from audit.corpus.loader import load
from audit.testing.build import build_corpus, build_report

PACK = zeros.audit_pack()
RULES = {r.id: r for r in PACK.rules}


def all_zero(**extra):
    """A patch zeroing every table, like seeds 000, 002, 003 and 004."""
    cat = load_catalogue()
    cells = {f"{t}/{r}/{c}": 0 for ed in ("2019", "2021") for t, r, c in cat.edition_cells(ed)}
    return {"cells": {**cells, **extra.pop("cells", {})}, **extra}


def test_pack_metadata():
    assert PACK.name == "zeros"
    for r in PACK.rules:
        assert r.id.startswith("ZERO-") and r.category == "zeros" and r.description
    assert RULES["ZERO-ALL-TABLES"].severity == "warning" and RULES["ZERO-ALL-TABLES"].points <= 1


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_fail_example_fires(rule_id):
    out = RULES[rule_id].run(build_corpus(RULES[rule_id].fail_example))
    assert list(out["report_id"]) == ["r1"]
    assert out["expected"].notna().all() and out["actual"].notna().all()
    if rule_id != "ZERO-ALL-TABLES":
        assert out["table"].notna().all()


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_pass_example_silent(rule_id):
    assert RULES[rule_id].run(build_corpus(RULES[rule_id].pass_example)).empty


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_clean_reports_silent(rule_id):
    assert RULES[rule_id].run(build_corpus({}, {"edition": "2019"})).empty


def test_all_zero_seeds_warn_but_zero_requests_alone_is_normal():
    corpus = build_corpus(all_zero(), all_zero(edition="2019"),
                          {"cells": {k: 0 for k in all_zero()["cells"] if k.startswith(("requests", "appeals"))}})
    out = RULES["ZERO-ALL-TABLES"].run(corpus)
    assert list(out["report_id"]) == ["r1", "r2"]
    for r in PACK.rules:
        if r.severity == "error":
            assert r.run(corpus).empty, r.id


def test_all_zero_with_short_rows_still_warns():
    # Seed 002: edition 2019, all zero, some rows short (cells not placed).
    rep = build_report(all_zero(edition="2019"))
    for cell in rep["cells"]:
        if cell["table"] == "requests" and cell["row"] == "carried_over" and cell["col"] in ("research", "total"):
            cell.update(value=None, raw=None, state="unplaced")
    rep["problems"].append({"kind": "missing_cells", "table": "requests", "row": "carried_over", "col": None,
                            "detail": "5 of 7 values"})
    assert list(RULES["ZERO-ALL-TABLES"].run(load([rep]))["report_id"]) == ["r1"]


def test_text_activity_against_zero_tables():
    text = ("2024年我街道共受理政府公开信息3件，其中有2件已依法对申请人进行答复。"
            "办理行政许可1990件，发生行政处罚案件186件、行政强制案件0件。"
            "因政府信息公开申请引发行政复议1件。")
    out = RULES["ZERO-TABLE-VS-TEXT"].run(build_corpus(all_zero(extra_text=text)))
    got = {r["table"]: (r["expected"], r["actual"]) for _, r in out.iterrows()}
    assert got == {"requests": (3, 0), "active": (1990, 0), "appeals": (1, 0)}
    msg = out.set_index("table").loc["requests", "message"]
    assert msg == ("「三、收到和处理政府信息公开申请情况」表数据全部为0，但报告正文称“受理政府公开信息3件”，"
                   "请核对表格与正文")


def test_text_activity_ignored_when_table_has_numbers_or_text_says_none():
    said = "本年度共收到政府信息公开申请3件。"
    assert RULES["ZERO-TABLE-VS-TEXT"].run(build_corpus({"extra_text": said})).empty
    quiet = ("全年未受理公民提出的政府信息公开申请。收到申请后，3个工作日内登记。"
             "本单位无因政府信息公开申请产生行政复议、行政诉讼情况。办理行政复议案件12件。行政强制案件0件。")
    assert RULES["ZERO-TABLE-VS-TEXT"].run(build_corpus(all_zero(extra_text=quiet))).empty


def test_total_without_parts_per_relation_and_not_double_reported():
    patch = {"cells": {"requests/new/total": 4, "requests/new/natural": 0,
                       "requests/handled_total/commercial": 2, "requests/handled_total/total": 5,
                       "requests/carried_over/commercial": 2, "requests/new/commercial": 0}}
    corpus = build_corpus(patch)
    out = RULES["ZERO-TOTAL-WITHOUT-PARTS"].run(corpus)
    got = sorted(zip(out["row"], out["col"], out["expected"], out["actual"], strict=True))
    assert got == [("handled_total", "commercial", 0, 2), ("new", "total", 0, 4)]
    assert "“（七）总计”行“商业企业”列" in out[out["row"] == "handled_total"].iloc[0]["message"]
    arith = {r.id: r for r in arithmetic.audit_pack().rules}
    assert arith["ARITH-REQ-ROW-TOTAL"].run(corpus).query("row == 'new'").empty
    assert arith["ARITH-REQ-HANDLED-SUM"].run(corpus).query("col == 'commercial'").empty


def test_parts_without_total_ignores_blank_totals():
    out = RULES["ZERO-PARTS-WITHOUT-TOTAL"].run(build_corpus(
        {"cells": {"appeals/review/total": 0}}, {"cells": {"appeals/review/total": None}}))
    assert list(out["report_id"]) == ["r1"]
    assert (out.iloc[0]["expected"], out.iloc[0]["actual"]) == (1, 0)


# -- real reports, read by the real reader ---------------------------------------------------------

def test_seed_all_zero_warnings(seed_corpus):
    out = RULES["ZERO-ALL-TABLES"].run(seed_corpus)
    assert sorted(r[:3] for r in out["report_id"]) == ["000", "002", "003"]
    for r in PACK.rules:
        if r.id != "ZERO-ALL-TABLES":
            assert r.run(seed_corpus).empty, r.id


def test_huaian_hongze_2023_appeals_totals_printed_zero(real_corpus):
    out = RULES["ZERO-PARTS-WITHOUT-TOTAL"].run(real_corpus)
    assert set(out["report_id"]) == {"kirogovcompare__huaian-hongze-2023"}
    got = sorted(zip(out["row"], out["expected"], out["actual"], strict=True))
    assert got == [("litigation_after_review", 5, 0), ("review", 11, 0)]


def test_shanghai_2019_blank_leaf_totals_are_not_zero_parts(real_corpus):
    # The table leaves the 总计 column of most leaf rows blank but fills （七）总计: not a zero pattern.
    assert RULES["ZERO-TOTAL-WITHOUT-PARTS"].run(real_corpus).empty
