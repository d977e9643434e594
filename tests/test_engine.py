"""The engine: rule selection, stamping and overrides, crash isolation, parse findings, the frame."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from audit.contracts import findings as F
from audit.corpus.loader import load
from audit.packs import engine
from audit.packs.rule import found, rule
from audit.testing.build import build_corpus


def _pack(r, pack):
    return dataclasses.replace(r, pack=pack, pack_version="1")


@rule(id="ARITH-REQ-NEW-NATURAL", title="自然人新收申请过多", category="arithmetic", severity="error", points=5,
      description="test rule", fail_example={"cells": {"requests/new/natural": 9}}, pass_example={})
def _new_natural(corpus):
    w = corpus.wide("requests").xs("new", level="row")
    bad = w[w["natural"] > 5]
    # per-finding override only for r2: severity info, points 0.5
    sev = ["info" if rid == "r2" else None for rid in bad.index]
    pts = [0.5 if rid == "r2" else None for rid in bad.index]
    return found(bad.index.to_series(), "「三、收到和处理政府信息公开申请情况」表“自然人”列：数值过大",
                 table="requests", row="new", col="natural", expected=5, actual=bad["natural"],
                 severity=sev, points=pts)


@rule(id="ARITH-REQUIRED", title="边界测试", category="arithmetic", severity="warning", points=1,
      description="prefix boundary", fail_example={}, pass_example={})
def _required(corpus):
    return found()


@rule(id="ZERO-ALL", title="全部为零", category="zeros", severity="warning", points=2,
      description="test", fail_example={}, pass_example={})
def _zero_all(corpus):
    ids = corpus.reports["report_id"]
    return found(ids, "全部为零")


@rule(id="BOOM-1", title="崩溃", category="metadata", severity="error", points=9,
      description="raises", fail_example={}, pass_example={})
def _boom(corpus):
    raise KeyError("no such column")


@rule(id="BAD-ID", title="错误输出", category="metadata", severity="error", points=9,
      description="unknown report", fail_example={}, pass_example={})
def _bad_id(corpus):
    return found(["nope"], "x")


@rule(id="BAD-SEV", title="错误级别", category="metadata", severity="error", points=9,
      description="bad override", fail_example={}, pass_example={})
def _bad_sev(corpus):
    return found(corpus.reports["report_id"], "x", severity="fatal")


NEW_NATURAL = _pack(_new_natural, "arith")
REQUIRED = _pack(_required, "arith")
ZERO_ALL = _pack(_zero_all, "zeropack")
BOOM = _pack(_boom, "meta")
RULES = [NEW_NATURAL, REQUIRED, ZERO_ALL]


@pytest.fixture(scope="module")
def corpus():
    return build_corpus(
        {"cells": {"requests/new/natural": 9}},
        {"cells": {"requests/new/natural": 7}},
        {},
    )


def ids(rules):
    return [r.id for r in rules if r.pack != engine.CORE_PACK]


@pytest.mark.parametrize("selector, expected", [
    ("ARITH-REQ-NEW-NATURAL", ["ARITH-REQ-NEW-NATURAL"]),
    ("arith-req", ["ARITH-REQ-NEW-NATURAL"]),  # prefix at a '-' boundary, not ARITH-REQUIRED
    ("ARITH", ["ARITH-REQ-NEW-NATURAL", "ARITH-REQUIRED"]),
    ("zeropack", ["ZERO-ALL"]),  # pack name
    ("zeros", ["ZERO-ALL"]),  # category
    ("ARITH-REQUIRED,zeros", ["ARITH-REQUIRED", "ZERO-ALL"]),
])
def test_select_by_id_prefix_pack_and_category(selector, expected):
    assert ids(engine.select_rules(RULES, select=selector)) == expected


def test_ignore_removes_and_select_keeps_core_rules():
    rules = engine.with_core_rules(RULES)
    chosen = engine.select_rules(rules, select=["zeros"], ignore=None)
    assert [r.id for r in chosen] == [r.id for r in engine.CORE_RULES] + ["ZERO-ALL"]
    chosen = engine.select_rules(rules, ignore=["core", "ARITH"])
    assert [r.id for r in chosen] == ["ZERO-ALL"]
    chosen = engine.select_rules(rules, ignore=["parse"])  # a category names PARSE-UNREADABLE only
    assert [r.id for r in chosen] == ["CORE-WAIVER-EXPIRED", "CORE-WAIVER-UNUSED", *ids(RULES)]


def test_unknown_selector_is_an_error_naming_it():
    with pytest.raises(engine.UnknownSelector, match="'NOPE'"):
        engine.select_rules(RULES, select=["ARITH", "NOPE"])
    with pytest.raises(engine.UnknownSelector, match="'ARITH-RE'"):  # not a '-' boundary
        engine.select_rules(RULES, ignore="ARITH-RE")


def test_findings_are_stamped_located_and_overridden(corpus):
    df, errors = engine.run_rules(corpus, RULES, select="ARITH")
    assert errors == []
    assert list(df.columns) == F.FINDINGS_COLUMNS
    rows = df.set_index("report_id")
    assert list(rows.index) == ["r1", "r2"]  # r3 is clean
    r1, r2 = rows.loc["r1"], rows.loc["r2"]
    assert (r1.rule_id, r1.pack, r1.category, r1.severity, r1.points) == (
        "ARITH-REQ-NEW-NATURAL", "arith", "arithmetic", "error", 5.0)
    assert (r1.table, r1.row, r1.col, r1.expected, r1.actual) == ("requests", "new", "natural", 5, 9.0)
    assert "自然人" in r1.message
    assert (r2.severity, r2.points, r2.actual) == ("info", 0.5, 7.0)  # per-finding overrides win
    assert not df["waived"].any() and df["waiver_reason"].isna().all()


def test_clean_corpus_gives_an_empty_valid_frame():
    df, errors = engine.run_rules(build_corpus({}, {}), RULES, select="ARITH")
    assert errors == [] and len(df) == 0
    assert list(df.columns) == F.FINDINGS_COLUMNS
    F.validate(df)


def test_crashing_or_misbehaving_rule_is_recorded_and_others_still_run(corpus):
    bad = [BOOM, _pack(_bad_id, "meta"), _pack(_bad_sev, "meta")]
    df, errors = engine.run_rules(corpus, [*bad, ZERO_ALL])
    assert sorted(df["rule_id"].unique()) == ["ZERO-ALL"]  # no finding for our own bugs
    assert len(df) == 3
    errs = {e.rule_id: e for e in errors}
    assert set(errs) == {"BOOM-1", "BAD-ID", "BAD-SEV"}
    assert errs["BOOM-1"].pack == "meta" and "KeyError" in errs["BOOM-1"].error
    assert "nope" in errs["BAD-ID"].error
    assert "fatal" in errs["BAD-SEV"].error
    assert errs["BOOM-1"].as_dict()["rule_id"] == "BOOM-1"


def test_parse_problems_become_one_parse_unreadable_finding_per_report():
    corpus = build_corpus(
        {"problems": [{"kind": "empty", "detail": "文件没有文字"}, {"kind": "truncated", "detail": "ends mid-table"}]},
        {"problems": [{"kind": "missing_cells", "table": "requests", "row": "new", "detail": "5 of 7 values"}]},
        {},
    )
    df, errors = engine.run_rules(corpus, [])
    assert errors == []
    (f,) = df.itertuples()
    assert (f.report_id, f.rule_id, f.pack, f.category, f.severity) == ("r1", "PARSE-UNREADABLE", "core", "parse",
                                                                        "error")
    assert f.points >= 100
    assert "文件为空" in f.message and "文件没有文字" in f.message and "截断" in f.message


def test_parse_finding_can_be_ignored_explicitly():
    corpus = build_corpus({"problems": [{"kind": "binary", "detail": "zip"}]})
    df, _ = engine.run_rules(corpus, [], ignore="PARSE-UNREADABLE")
    assert len(df) == 0


def test_findings_are_sorted_by_report_severity_rule(corpus):
    df, _ = engine.run_rules(corpus, RULES)
    keys = list(zip(df["report_id"], df["severity"].map(F.SEVERITY_RANK), df["rule_id"], strict=True))
    assert keys == sorted(keys)
    assert df["report_id"].tolist() == ["r1", "r1", "r2", "r2", "r3"]


def test_empty_corpus_runs():
    df, errors = engine.run_rules(load([]), RULES)
    assert len(df) == 0 and errors == []


def test_findings_model_rejects_bad_rows():
    df = F.empty_findings()
    bad = pd.concat([df, pd.DataFrame([{
        "report_id": "r1", "rule_id": "X", "pack": "p", "category": "c", "severity": "fatal", "points": -1.0,
        "table": None, "row": None, "col": None, "expected": None, "actual": None, "message": "m",
        "waived": False, "waiver_reason": None}])], ignore_index=True)
    with pytest.raises(Exception, match="severity|points"):
        F.validate(bad)


def test_is_blocking_respects_waivers_and_severity(corpus):
    df, _ = engine.run_rules(corpus, RULES)
    assert F.is_blocking(df, "error").sum() == 1  # r1's error; r2 overridden to info
    assert F.is_blocking(df, "warning").sum() == 4
    waived = df.assign(waived=True)
    assert not F.is_blocking(waived, "warning").any()


def test_run_without_core_runs_the_rules_as_given():
    corpus = build_corpus({"problems": [{"kind": "empty", "detail": ""}]})
    df, _ = engine.run_rules(corpus, [ZERO_ALL], core=False)
    assert df["rule_id"].tolist() == ["ZERO-ALL"]
    df, _ = engine.run_rules(corpus, [ZERO_ALL])
    assert df["rule_id"].tolist() == [engine.PARSE_RULE_ID, "ZERO-ALL"]




def test_a_superseding_rule_replaces_the_other_rules_findings_on_the_same_report_and_table():
    def make(rule_id, hits, supersedes=()):
        @rule(id=rule_id, title="示例", category="zeros", severity="warning", points=1, description="d",
              fail_example={}, pass_example={}, supersedes=supersedes)
        def check(corpus):
            return found([r for r, _ in hits], "问题", table=[t for _, t in hits])
        return check

    corpus = build_corpus({}, {})
    strong = make("A-1", [("r1", "requests")], supersedes=("B-1",))
    weak = make("B-1", [("r1", "requests"), ("r1", "active"), ("r2", "requests"), ("r1", None)])
    out, errors = engine.run_rules(corpus, [strong, weak], core=False)
    assert not errors
    assert sorted(zip(out["rule_id"], out["report_id"], out["table"].fillna("-"), strict=True)) == [
        ("A-1", "r1", "requests"), ("B-1", "r1", "-"), ("B-1", "r1", "active"), ("B-1", "r2", "requests")]
    assert len(engine.run_rules(corpus, [strong, weak], ignore=["A-1"], core=False)[0]) == 4
    only = make("B-1", [("r1", "requests")])
    assert engine.run_rules(corpus, [strong, only], core=False)[0]["rule_id"].tolist() == ["A-1"]


def test_keep_views_drops_the_rules_views_before_the_frame_and_changes_no_finding():
    c = build_corpus({"cells": {"requests/new/natural": 9}}, {"cells": {"requests/new/natural": 7}}, {})
    plain, _ = engine.run_rules(c, RULES)
    assert "requests" in c._wide  # without keep_views the view a rule built (corpus.wide) stays
    c = build_corpus({"cells": {"requests/new/natural": 9}}, {"cells": {"requests/new/natural": 7}}, {})
    c.derived("ratios:risk:keep-me", lambda _: "kept")
    dropped, _ = engine.run_rules(c, RULES, keep_views=("ratios:",))
    assert list(c._wide) == ["ratios:risk:keep-me"]
    pd.testing.assert_frame_equal(dropped, plain)
