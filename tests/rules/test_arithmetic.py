"""Tests of the ``arithmetic`` pack: every rule fires on its failing example and not on its passing one,
plus the blank/unplaced conventions and fixtures mirroring the seed reports."""

from __future__ import annotations

import warnings

import pytest
from audit.rules import arithmetic

from audit.corpus.loader import load
from audit.packs.rule import Pack
from audit.testing.build import build_corpus, build_report

PACK: Pack = arithmetic.audit_pack()
RULES = {r.id: r for r in PACK.rules}

# Seed 001 (edition 2021): 3 new requests, 1 partly granted, 1 other handling, 1 carried to next year.
SEED_001_CELLS = {
    "requests/new/natural": 3, "requests/new/total": 3,
    "requests/granted/natural": 0, "requests/granted/total": 0,
    "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
    "requests/partial/natural": 1, "requests/partial/total": 1,
    "requests/other_misc/natural": 1, "requests/other_misc/total": 1,
    "requests/handled_total/natural": 2, "requests/handled_total/total": 2,
    "requests/carried_next/natural": 1, "requests/carried_next/total": 1,
    "active/licensing/decisions": 1990, "active/penalty/decisions": 186,
    "active/normative_documents/issued": 0, "active/normative_documents/in_force": 0,
    "appeals/review/upheld": 0, "appeals/review/total": 0,
}


def run(rule_id: str, *patches):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandera warns about negative counts; that is the point here
        return RULES[rule_id].run(build_corpus(*patches))


def test_pack_metadata():
    assert PACK.name == "arithmetic"
    assert len(RULES) == len(PACK.rules)
    for r in PACK.rules:
        assert r.id.startswith("ARITH-") and r.category == "arithmetic"
        assert r.description and r.title


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_fail_example_fires_located(rule_id):
    out = run(rule_id, RULES[rule_id].fail_example)
    assert len(out) >= 1
    assert set(out["report_id"]) == {"r1"}
    assert out["table"].notna().all() and out["col"].notna().all()
    assert out["expected"].notna().all() and out["actual"].notna().all()
    assert out["message"].str.contains("「").all()


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_pass_example_silent(rule_id):
    assert run(rule_id, RULES[rule_id].pass_example).empty


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_clean_reports_silent(rule_id):
    assert run(rule_id, {}, {"edition": "2019"}).empty


def test_balance_message_shows_both_sides():
    out = run("ARITH-REQ-BALANCE", {"cells": {"requests/new/natural": 5, "requests/new/total": 5,
                                              "requests/carried_next/natural": 1, "requests/carried_next/total": 1}})
    nat = out[out["col"] == "natural"].iloc[0]
    assert nat["expected"] == 5 and nat["actual"] == 4
    assert nat["message"] == ("「三、收到和处理政府信息公开申请情况」表“自然人”列："
                              "第一项加第二项之和 = 5，第三项加第四项之和 = 4")


def test_seed_001_and_all_zero_reports_are_consistent():
    zero = {f"requests/{r}/{c}": 0 for r in ("new", "granted", "unable_not_held", "handled_total")
            for c in ("natural", "total")}
    zero.update({"appeals/review/upheld": 0, "appeals/review/total": 0})
    corpus = build_corpus({"cells": SEED_001_CELLS}, {"cells": zero}, {"edition": "2019", "cells": zero})
    for r in PACK.rules:
        assert r.run(corpus).empty, r.id


def test_vectorised_over_many_reports_locates_the_right_one():
    other_error = {"cells": {"requests/granted/natural": 5}}  # a requests error, not an appeals one
    patches = [{} for _ in range(30)]
    patches[17] = {"report_id": "bad", "cells": {"appeals/litigation_direct/upheld": 2,
                                                 "appeals/litigation_direct/total": 1}}
    patches[3] = other_error
    out = run("ARITH-APPEALS-TOTAL", *patches)
    assert list(out["report_id"]) == ["bad"]
    assert out.iloc[0]["row"] == "litigation_direct"
    assert "行政诉讼·未经复议直接起诉" in out.iloc[0]["message"]
    assert (out.iloc[0]["expected"], out.iloc[0]["actual"]) == (2, 1)


def test_handled_sum_uses_edition_2019_rows():
    out = run("ARITH-REQ-HANDLED-SUM", {"edition": "2019", "cells": {
        "requests/other/natural": 2, "requests/other/total": 2}})
    assert set(out["col"]) == {"natural", "total"}
    assert set(out["expected"]) == {5} and set(out["actual"]) == {3}


def test_handled_sum_mixed_report_sums_rows_it_has():
    # A 2021 report that printed the single 2019-style （六）其他处理 row instead of three sub-rows.
    patch = {"drop_cells": ["requests/other_overdue_correction", "requests/other_overdue_fee",
                            "requests/other_misc"],
             "cells": {"requests/other/natural": 1, "requests/other/total": 1,
                       "requests/granted/natural": 1, "requests/granted/total": 1}}
    assert run("ARITH-REQ-HANDLED-SUM", patch).empty


def test_blank_part_counts_as_zero():
    patch = {"cells": {"requests/granted/commercial": None, "requests/denied_law/natural": None}}
    for rid in ("ARITH-REQ-ROW-TOTAL", "ARITH-REQ-HANDLED-SUM", "ARITH-REQ-BALANCE", "ARITH-TOTAL-BLANK"):
        assert run(rid, patch).empty, rid


def test_blank_total_is_info_not_error():
    patch = {"cells": {"requests/handled_total/natural": None}}
    for rid in ("ARITH-REQ-HANDLED-SUM", "ARITH-REQ-BALANCE"):
        assert run(rid, patch).empty, rid
    out = run("ARITH-TOTAL-BLANK", patch)
    assert len(out) == 1
    row = out.iloc[0]
    assert (row["row"], row["col"], row["expected"], row["actual"]) == ("handled_total", "natural", 3, "空")
    assert "总计未填写" in row["message"]
    assert RULES["ARITH-TOTAL-BLANK"].severity == "info"


def _with_unplaced(report, key):
    table, row, col = key.split("/")
    for cell in report["cells"]:
        if (cell["table"], cell["row"], cell["col"]) == (table, row, col):
            cell["value"], cell["raw"], cell["state"] = None, None, "unplaced"
    return report


def test_unplaced_cells_suspend_the_identities():
    rep = build_report({"cells": {"requests/new/natural": 7, "requests/new/total": 7}})
    rep["problems"].append({"kind": "missing_cells", "table": "requests", "row": "new", "col": None,
                            "detail": "5 of 7 values"})
    corpus = load([rep])
    assert RULES["ARITH-REQ-BALANCE"].run(corpus).empty
    assert RULES["ARITH-REQ-ROW-TOTAL"].run(corpus).empty
    # Same row without the reader's problem: the imbalance is real and reported.
    assert len(RULES["ARITH-REQ-BALANCE"].run(load([build_report({"cells": {"requests/new/natural": 7,
                                                                              "requests/new/total": 7}})]))) == 2


def test_unplaced_cell_without_problem_is_not_read_as_zero():
    rep = _with_unplaced(build_report(), "requests/granted/natural")
    corpus = load([rep])
    for rid in ("ARITH-REQ-ROW-TOTAL", "ARITH-REQ-HANDLED-SUM", "ARITH-TOTAL-BLANK"):
        assert RULES[rid].run(corpus).empty, rid


def test_non_numeric_cell_is_not_read_as_blank():
    out = run("ARITH-REQ-ROW-TOTAL", {"cells": {"requests/granted/natural": "raw:二"}})
    assert out.empty


def test_total_without_parts_left_to_zeros_pack():
    patch = {"cells": {"appeals/litigation_direct/total": 2}}
    assert run("ARITH-APPEALS-TOTAL", patch).empty


def test_float_tolerance():
    patch = {"cells": {"requests/granted/natural": 2.0000000001}}
    assert run("ARITH-REQ-ROW-TOTAL", patch).empty
    assert run("ARITH-NON-INTEGER", patch).empty


def test_negative_ignores_signed_change_but_flags_counts():
    out = run("ARITH-NEGATIVE", {"edition": "2019", "cells": {"active/licensing/change": -5,
                                                              "active/licensing/prev_items": -1}})
    assert list(out["col"]) == ["prev_items"]
    assert out.iloc[0]["actual"] == -1


def test_non_integer_allows_money():
    out = run("ARITH-NON-INTEGER", {"edition": "2019", "cells": {"active/procurement/amount": 3.75,
                                                                 "active/procurement/projects": 2.5}})
    assert list(out["col"]) == ["projects"]


def test_in_force_rule_only_for_edition_2021_rows():
    patch = {"cells": {"active/regulations/issued": 3, "active/regulations/in_force": 1}}
    out = run("ARITH-ACTIVE-IN-FORCE", patch)
    assert list(out["row"]) == ["regulations"]
    assert (out.iloc[0]["expected"], out.iloc[0]["actual"]) == (3, 1)
    assert RULES["ARITH-ACTIVE-IN-FORCE"].severity == "warning"
    # Edition 2019 has no such columns: silent.
    assert run("ARITH-ACTIVE-IN-FORCE", {"edition": "2019"}).empty


# -- real reports, read by the real reader ---------------------------------------------------------

def test_no_seed_has_an_arithmetic_error(seed_corpus):
    for r in PACK.rules:
        out = r.run(seed_corpus)
        assert out.empty, (r.id, out["message"].tolist())


def test_pingtan_2020_handled_total_disagrees_with_its_results(real_corpus):
    # 予以公开 6 + 部分公开 6 + 不掌握 4 + 不明确 3 + 重复申请 3 + 其他处理 4 = 26, printed （七）总计 20.
    out = RULES["ARITH-REQ-HANDLED-SUM"].run(real_corpus)
    assert set(out["report_id"]) == {"pingtan-archive__pingtan-2020"}
    nat = out[out["col"] == "natural"].iloc[0]
    assert (nat["row"], nat["expected"], nat["actual"]) == ("handled_total", 26, 20)
    assert nat["message"] == ("「三、收到和处理政府信息公开申请情况」表“（七）总计”行“自然人”列："
                              "各项办理结果之和 = 26，填报的总计 = 20")


def test_shanghai_2019_blank_totals_are_info_only(real_corpus):
    rid = "unidentified-github__shanghai-govoffice-2019"
    errors = [r.id for r in PACK.rules if r.severity == "error" and rid in set(r.run(real_corpus)["report_id"])]
    assert errors == []
    info = RULES["ARITH-TOTAL-BLANK"].run(real_corpus)
    assert rid in set(info["report_id"]) and (info["col"] == "total").all()


def test_total_column_blank_in_every_report_is_still_seen():
    # Corpus.wide drops a column that is NaN everywhere; the packs must still see it as printed blank.
    from audit.contracts.catalogue import load as load_catalogue

    rows = ["new", "granted", "unable_not_held", "handled_total"]
    patch = {"cells": {f"requests/{r}/total": None for r in load_catalogue().request_rows("2021")}}
    corpus = build_corpus(patch)
    out = RULES["ARITH-TOTAL-BLANK"].run(corpus)
    assert "total" not in corpus.wide("requests").columns
    assert sorted(out["row"]) == sorted(rows)
    assert dict(zip(out["row"], out["expected"], strict=True)) == {"new": 3, "granted": 2, "unable_not_held": 1,
                                                                  "handled_total": 3}
    assert RULES["ARITH-REQ-BALANCE"].run(corpus).empty
