"""Tests of the cross_report pack: consecutive years of one unit, and copied narrative text."""

from __future__ import annotations

import copy

import pytest
from audit.rules import cross_report

from audit.corpus.loader import load
from audit.testing.build import build_corpus
from tests.shared_paths import REAL


def corpus_for(example):
    """A corpus from a rule example: one report patch, or ``{"reports": [patch, ...]}``."""
    return build_corpus(*example["reports"]) if "reports" in example else build_corpus(example)


@pytest.mark.parametrize("r", cross_report.RULES, ids=lambda r: r.id)
def test_examples(r):
    assert "reports" in r.fail_example and "reports" in r.pass_example
    fired = r.run(corpus_for(r.fail_example))
    assert len(fired) >= 1
    assert fired["expected"].notna().all() and fired["actual"].notna().all()
    ids = {p["report_id"] for p in r.fail_example["reports"]}
    for msg, rid in zip(fired["message"], fired["report_id"], strict=True):
        assert rid in ids
        assert all(i in msg for i in ids - {rid}), msg  # names the other report
    assert r.run(corpus_for(r.pass_example)).empty


def test_pack_hook():
    pack = cross_report.audit_pack()
    assert pack.name == "cross_report" and len(pack.rules) == 5
    assert all(r.category == "cross_report" for r in pack.rules)


LAST = {"report_id": "u2023", "year": 2023,
        "cells": {"requests/new/natural": 4, "requests/new/total": 4,
                  "requests/carried_next/natural": 1, "requests/carried_next/total": 1}}


def test_carry_over_located_with_both_sides_and_both_ids():
    c = build_corpus(LAST, {"report_id": "u2024", "year": 2024})
    out = cross_report.carry_over.run(c).sort_values("col")
    assert list(out["col"]) == ["natural", "total"]
    f = out.iloc[0]
    assert (f["report_id"], f["table"], f["row"]) == ("u2024", "requests", "carried_over")
    assert (f["expected"], f["actual"]) == (1.0, 0.0)
    assert "u2023" in f["message"] and "u2024" in f["message"] and "自然人" in f["message"]


def test_carry_over_needs_same_unit_and_consecutive_years():
    other_unit = build_corpus(LAST, {"report_id": "x2024", "year": 2024, "unit": "另一个单位"})
    gap = build_corpus(LAST, {"report_id": "u2025", "year": 2025})
    spaced = build_corpus({**LAST, "unit": " 示例市示例区人民政府办公室 "}, {"report_id": "u2024", "year": 2024})
    assert cross_report.carry_over.run(other_unit).empty
    assert cross_report.carry_over.run(gap).empty
    assert len(cross_report.carry_over.run(spaced)) == 2


def test_in_force_shows_the_sum():
    c = build_corpus({"report_id": "u2023", "year": 2023},
                     {"report_id": "u2024", "year": 2024, "cells": {"active/normative_documents/repealed": 1}})
    f = cross_report.in_force.run(c).iloc[0]
    assert (f["table"], f["row"], f["col"]) == ("active", "normative_documents", "in_force")
    assert (f["expected"], f["actual"]) == (11.0, 10.0)
    assert "10 件 + 本年制发 2 件 − 本年废止 1 件 = 11" in f["message"]


GLUED = {"kind": "ambiguous_split", "detail": "数字粘连", "table": None, "row": None, "col": None}


def test_cells_the_reader_could_not_place_are_not_compared_across_years():
    # Last year's row was printed glued together (ambiguous split: cells null): not a 0.
    glued_next = {**LAST, "cells": {**LAST["cells"], "requests/carried_next/natural": None,
                                    "requests/carried_next/total": None},
                  "problems": [GLUED | {"table": "requests", "row": "carried_next"}]}
    assert cross_report.carry_over.run(build_corpus(glued_next, {"report_id": "u2024", "year": 2024})).empty
    glued_stock = {"report_id": "u2023", "year": 2023,
                   "cells": {"active/normative_documents/in_force": None},
                   "problems": [GLUED | {"table": "active", "row": "normative_documents"}]}
    c = build_corpus(glued_stock, {"report_id": "u2024", "year": 2024})
    assert cross_report.in_force.run(c).empty
    # The same reports with the number printed: both rules fire.
    assert len(cross_report.carry_over.run(build_corpus(LAST, {"report_id": "u2024", "year": 2024}))) == 2
    printed = {"report_id": "u2023", "year": 2023, "cells": {"active/normative_documents/in_force": 3}}
    assert len(cross_report.in_force.run(build_corpus(printed, {"report_id": "u2024", "year": 2024}))) == 1


def test_in_force_skips_edition_2019_years():
    c = build_corpus({"report_id": "u2020", "year": 2020, "edition": "2019"}, {"report_id": "u2021", "year": 2021})
    assert cross_report.in_force.run(c).empty


def test_copied_text_tolerates_new_figures_and_ignores_template_sentences():
    fail = cross_report.copied_text.fail_example["reports"]
    text = fail[0]["sections"]["problems"]
    same_but_numbers = text.replace("一是", "2024年一是").replace("提升公开质量", "提升公开质量15%")
    c = build_corpus({"report_id": "a", "unit": "甲县", "sections": {"problems": text}},
                     {"report_id": "b", "unit": "乙县", "sections": {"problems": same_but_numbers}},
                     {"report_id": "c", "unit": "丙县"}, {"report_id": "d", "unit": "丁县"})
    out = cross_report.copied_text.run(c)
    assert sorted(out["report_id"]) == ["a", "b"]  # c and d share only the template wording
    assert set(out["actual"]) == {"a", "b"}


@pytest.fixture(scope="module")
def pingtan():
    """The real 平潭综合实验区 reports of 2023 and 2024, read by the text reader."""
    read_report = pytest.importorskip("audit.ingest.normalise").read_report
    paths = [REAL / f"pingtan-archive__pingtan-{y}.txt" for y in (2023, 2024)]
    if not all(p.exists() for p in paths):
        pytest.skip("the real corpus (../shared/corpus/real) is not beside the repository")
    return [read_report(p, f"pingtan-{y}") for p, y in zip(paths, (2023, 2024), strict=True)]


def test_real_pingtan_2023_2024(pingtan):
    c = load(pingtan)
    pairs = cross_report.consecutive_pairs(c)
    assert list(zip(pairs["report_id"], pairs["prev_id"], strict=True)) == [("pingtan-2024", "pingtan-2023")]
    # Both years carry 0 applications between them, the 规范性文件 row is glued beyond a unique split
    # (so 现行有效件数 cannot be chained), and the narrative was rewritten: nothing to report.
    for r in cross_report.RULES:
        assert r.run(c).empty, r.id


def test_real_pingtan_copied_problems_and_broken_carry_over(pingtan):
    last, this = copy.deepcopy(pingtan)
    problems = next(s["text"] for s in last["sections"] if s["canonical"] == "problems")
    for s in this["sections"]:
        if s["canonical"] == "problems":
            s["text"] = problems
    for cell in this["cells"]:
        if cell["table"] == "requests" and cell["row"] == "carried_over" and cell["col"] in ("natural", "total"):
            cell["value"], cell["raw"] = 2.0, "2"
    c = load([last, this])
    copied = cross_report.copied_text.run(c)
    assert sorted(copied["report_id"]) == ["pingtan-2023", "pingtan-2024"]
    assert "五、存在的主要问题及改进情况" in copied["message"].iloc[0]
    carry = cross_report.carry_over.run(c)
    assert sorted(carry["col"]) == ["natural", "total"]
    assert set(carry["expected"]) == {0.0} and set(carry["actual"]) == {2.0}


# -- the same report twice -------------------------------------------------------------------------

def _seed_copies(tmp_path, n: int):
    from tests.shared_paths import REPO

    src = REPO / "reports" / "000_7293952701c65ca5.txt"
    d = tmp_path / "copies"
    d.mkdir()
    for i in range(n):
        (d / f"copy{i:03d}.txt").write_bytes(src.read_bytes())
    (d / "other.txt").write_bytes((REPO / "reports" / "004_6cf4d68bd5cd6316.txt").read_bytes())
    return d


def test_many_identical_copies_are_one_duplicate_group_and_not_copied_from_each_other(tmp_path):
    import json

    from audit import cli

    d = _seed_copies(tmp_path, 150)
    out = tmp_path / "out"
    cli.main(["run", str(d), "--out", str(out), "--jobs", "1"])
    f = json.loads((out / "findings.json").read_text(encoding="utf-8"))["findings"]
    dup = [x for x in f if x["rule_id"] == "XR-DUPLICATE-SUBMISSION"]
    assert sorted(x["report_id"] for x in dup) == [f"copy{i:03d}" for i in range(150)]
    assert all("内容完全相同" in x["message"] and "舞钢市朱兰街道办事处" in x["message"] for x in dup)
    assert "等 149 份" in dup[0]["message"]
    assert not [x for x in f if x["rule_id"] == "XR-COPIED-TEXT"]


def test_same_unit_and_year_with_different_content_is_a_duplicate_but_other_units_are_not():
    c = build_corpus({"report_id": "a", "unit": "甲县人民政府办公室", "year": 2023},
                     {"report_id": "b", "unit": "乙县人民政府办公室", "year": 2023},
                     {"report_id": "a2", "unit": "甲县人民政府办公室", "year": 2023, "cells": {"requests/new/natural": 7}},
                     {"report_id": "c", "unit": None, "year": None},
                     {"report_id": "c2", "unit": None, "year": None})
    out = cross_report.duplicate_submission.run(c).set_index("report_id")
    assert sorted(out.index) == ["a", "a2", "c", "c2"]
    assert "内容不同" in out.loc["a", "message"] and "a2" in out.loc["a", "message"]
    assert "内容完全相同的报告" in out.loc["c", "message"]


def test_copied_text_still_found_between_units_when_one_is_submitted_twice():
    rule = cross_report.copied_text
    a, b = rule.fail_example["reports"]
    again = {**a, "report_id": "a_again"}
    out = rule.run(build_corpus(a, again, b))
    assert set(out["report_id"]) == {"a", "a_again", "b"}
    assert not ((out["report_id"] == "a") & (out["actual"] == "a_again")).any()
    assert not ((out["report_id"] == "a_again") & (out["actual"] == "a")).any()


def test_prev_items_shows_the_sum_with_a_negative_change_and_names_both_reports():
    c = build_corpus({"report_id": "u2019", "year": 2019, "edition": "2019", "cells": {"active/fees/prev_items": 12,
                                                                                        "active/fees/change": -3}},
                     {"report_id": "u2020", "year": 2020, "edition": "2019", "cells": {"active/fees/prev_items": 12}})
    f = cross_report.prev_items.run(c)
    assert len(f) == 1
    f = f.iloc[0]
    assert (f["report_id"], f["table"], f["row"], f["col"]) == ("u2020", "active", "fees", "prev_items")
    assert (f["expected"], f["actual"]) == (9.0, 12.0)
    assert "“行政事业性收费”行“上一年项目数量”列为 12" in f["message"]
    assert "上一年度报告（u2019，2019年）上一年项目数量 12 + 本年增/减 -3 = 9（本报告 u2020）" in f["message"]


def test_prev_items_only_between_two_edition_2019_reports_and_never_on_unread_cells():
    # 2020 (edition 2019) then 2021 (edition 2021, no such column): nothing to compare.
    c = build_corpus({"report_id": "u2020", "year": 2020, "edition": "2019", "cells": {"active/licensing/change": 9}},
                     {"report_id": "u2021", "year": 2021})
    assert cross_report.prev_items.run(c).empty
    # Last year's 本年增/减 glued and unread: not a 0.
    glued = {"report_id": "u2019", "year": 2019, "edition": "2019", "cells": {"active/licensing/change": None,
                                                                               "active/licensing/prev_items": None},
             "problems": [GLUED | {"table": "active", "row": "licensing"}]}
    c = build_corpus(glued, {"report_id": "u2020", "year": 2020, "edition": "2019",
                             "cells": {"active/licensing/prev_items": 99}})
    assert cross_report.prev_items.run(c).empty


# -- a year printed all zero -------------------------------------------------------------------------

ALL_ZERO_2021 = {k: 0 for k in (
    "active/normative_documents/issued", "active/normative_documents/in_force", "active/licensing/decisions",
    "active/penalty/decisions", "requests/new/natural", "requests/new/total", "requests/granted/natural",
    "requests/granted/total", "requests/unable_not_held/natural", "requests/unable_not_held/total",
    "requests/handled_total/natural", "requests/handled_total/total", "appeals/review/upheld", "appeals/review/total")}
ALL_ZERO_2019 = {k: 0 for k in (
    "active/normative_documents/new_made", "active/normative_documents/new_published",
    "active/normative_documents/total_published", "active/licensing/prev_items", "active/licensing/decisions",
    "active/penalty/prev_items", "active/penalty/decisions", "requests/new/natural", "requests/new/total",
    "requests/granted/natural", "requests/granted/total", "requests/unable_not_held/natural",
    "requests/unable_not_held/total", "requests/handled_total/natural", "requests/handled_total/total",
    "appeals/review/upheld", "appeals/review/total")}
CONTINUITY = (cross_report.carry_over, cross_report.in_force, cross_report.prev_items)


def _fired(*reports) -> dict[str, list[str]]:
    c = build_corpus(*reports)
    return {r.id: sorted(set(r.run(c)["report_id"])) for r in CONTINUITY if len(r.run(c))}


def test_a_year_printed_all_zero_is_no_evidence_against_the_next_year():
    # 2023 printed every table all zero (ZERO-ALL-TABLES flags it); 2024 carries 1 application over
    # and holds 10 normative documents: 2024 is not marked down for 2023's zeros.
    zero_2023 = {"report_id": "u2023", "year": 2023, "cells": ALL_ZERO_2021}
    this = {"report_id": "u2024", "year": 2024, "cells": {
        "requests/carried_over/natural": 1, "requests/carried_over/total": 1, "requests/new/natural": 2,
        "requests/new/total": 2}}
    assert _fired(zero_2023, this) == {}
    zero_2019 = {"report_id": "u2019", "year": 2019, "edition": "2019", "cells": ALL_ZERO_2019}
    assert _fired(zero_2019, {"report_id": "u2020", "year": 2020, "edition": "2019"}) == {}


def test_this_year_all_zero_against_a_printed_last_year_still_fires_on_this_year():
    zero_2024 = {"report_id": "u2024", "year": 2024, "cells": ALL_ZERO_2021}
    assert _fired(LAST, zero_2024) == {"XR-CARRY-OVER": ["u2024"], "XR-IN-FORCE": ["u2024"]}
    # Last year with only 表三 all zero is evidence: the other tables are printed.
    zero_requests = {"report_id": "u2023", "year": 2023, "cells": {
        k: 0 for k in ALL_ZERO_2021 if k.startswith("requests/")}}
    carried = {"report_id": "u2024", "year": 2024, "cells": {
        "requests/carried_over/natural": 1, "requests/carried_over/total": 1, "requests/new/natural": 2,
        "requests/new/total": 2}}
    assert _fired(zero_requests, carried)["XR-CARRY-OVER"] == ["u2024"]
