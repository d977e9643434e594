"""Tests of the ``structure`` pack: one located finding per reader problem, tables missing by edition."""

from __future__ import annotations

import pytest
from audit.rules import structure

from audit.corpus.loader import load
from audit.testing.build import build_corpus, build_report

PACK = structure.audit_pack()
RULES = {r.id: r for r in PACK.rules}


def test_pack_metadata():
    assert PACK.name == "structure"
    for r in PACK.rules:
        assert r.id.startswith("STRUCT-") and r.category == "structure" and r.description


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_fail_example_fires_located(rule_id):
    out = RULES[rule_id].run(build_corpus(RULES[rule_id].fail_example))
    assert len(out) == 1
    row = out.iloc[0]
    assert row["report_id"] == "r1" and row["table"] is not None
    assert row["message"].startswith(("「", "未能读取「"))


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_pass_example_silent(rule_id):
    assert RULES[rule_id].run(build_corpus(RULES[rule_id].pass_example)).empty


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_clean_reports_silent(rule_id):
    assert RULES[rule_id].run(build_corpus({}, {"edition": "2019"})).empty


def test_severities_follow_the_brief():
    sev = {r.id: r.severity for r in PACK.rules}
    assert sev == {"STRUCT-TABLE-MISSING": "error", "STRUCT-TABLE-UNREAD": "warning", "STRUCT-TABLE-BLANK": "info", "STRUCT-MISSING-CELLS": "error",
                   "STRUCT-EXTRA-CELLS": "warning", "STRUCT-STRAY-CELLS": "info", "STRUCT-AMBIGUOUS-SPLIT": "warning",
                   "STRUCT-GLUED-NO-READING": "error", "STRUCT-SPLIT-BY-OTHER-YEAR": "info",
                   "STRUCT-SPLIT-OTHER-YEAR-CONFLICT": "warning", "STRUCT-UNMAPPED-LABEL": "warning", "STRUCT-NON-NUMERIC": "error",
                   "STRUCT-NUMBER-OVERFLOW": "warning"}


def test_missing_cells_located_with_detail():
    out = RULES["STRUCT-MISSING-CELLS"].run(build_corpus(
        {}, {"problems": [{"kind": "missing_cells", "table": "requests", "row": "carried_next",
                           "detail": "5 of 7 values"},
                          {"kind": "missing_cells", "table": "appeals", "row": None, "detail": "12 of 15 values"}]}))
    assert list(out["report_id"]) == ["r2", "r2"]
    assert list(out["row"]) == ["carried_next", None]
    assert "“四、结转下年度继续办理”行" in out.iloc[0]["message"] and "5 of 7 values" in out.iloc[0]["message"]
    assert out.iloc[1]["message"].startswith("「四、政府信息公开行政复议、行政诉讼情况」表：")


def test_table_missing_from_cells_and_problem_is_one_finding():
    out = RULES["STRUCT-TABLE-MISSING"].run(build_corpus(
        {"drop_cells": ["requests"],
         "problems": [{"kind": "table_missing", "table": "requests", "detail": "未找到表格标题"}]}))
    assert len(out) == 1
    assert out.iloc[0]["table"] == "requests" and "未找到表格标题" in out.iloc[0]["message"]


def test_table_missing_not_reported_for_unknown_edition():
    corpus = build_corpus({"edition": None, "drop_cells": ["requests", "active", "appeals"]})
    assert RULES["STRUCT-TABLE-MISSING"].run(corpus).empty


def test_table_missing_problem_without_edition_still_reported():
    out = RULES["STRUCT-TABLE-MISSING"].run(build_corpus(
        {"edition": None, "problems": [{"kind": "table_missing", "table": "appeals", "detail": "表格为图片"}]}))
    assert list(out["table"]) == ["appeals"]


def test_non_numeric_from_problem_and_cell_deduplicated():
    rep = build_report({"cells": {"active/licensing/decisions": "raw:若干"}})
    rep["problems"].append({"kind": "non_numeric", "table": "active", "row": "licensing", "col": "decisions",
                            "detail": "若干"})
    rep["problems"].append({"kind": "non_numeric", "table": "appeals", "row": "review", "col": "upheld",
                            "detail": "value 'x' is not a number"})
    out = RULES["STRUCT-NON-NUMERIC"].run(load([rep]))
    assert sorted(out["table"]) == ["active", "appeals"]
    lic = out[out["table"] == "active"].iloc[0]
    assert lic["actual"] == "若干" and "“若干”" in lic["message"]


def test_printed_blanks_are_not_non_numeric():
    patch = {"cells": {f"requests/denied_law/{c}": None for c in ("natural", "commercial")}}
    patch["cells"].update({f"requests/denied_query/{c}": "raw:—" for c in ("natural", "total")})
    patch["cells"].update({f"requests/denied_process/{c}": "raw:／" for c in ("natural", "total")})
    assert RULES["STRUCT-NON-NUMERIC"].run(load([build_report(patch)])).empty


def test_unplaced_cells_are_not_non_numeric():
    rep = build_report()
    rep["cells"][0].update(value=None, raw=None, state="unplaced")
    assert RULES["STRUCT-NON-NUMERIC"].run(load([rep])).empty


# -- real reports, read by the real reader ---------------------------------------------------------

def test_seed_001_is_clean_and_002_short_rows_reported_once(seed_corpus):
    def seed_id(corpus, prefix):
        (rid,) = [r for r in corpus.reports["report_id"] if r.startswith(prefix)]
        return rid

    by_report = {r.id: r.run(seed_corpus) for r in PACK.rules}
    s001 = seed_id(seed_corpus, "001")
    assert all(s001 not in set(out["report_id"]) for out in by_report.values())
    missing = by_report["STRUCT-MISSING-CELLS"]
    s002 = missing[missing["report_id"] == seed_id(seed_corpus, "002")]
    assert len(s002) >= 1 and not s002.duplicated(["table", "row"]).any()
    assert s002["message"].str.startswith("「").all()
    assert by_report["STRUCT-TABLE-MISSING"].empty


def test_reader_chinese_detail_kept_verbatim():
    detail = "「三、收到和处理政府信息公开申请情况」表“一、本年新收政府信息公开申请数量”行只印有 5 个值（0、0、0、0、0），应为 7 个"
    out = RULES["STRUCT-MISSING-CELLS"].run(build_corpus(
        {"problems": [{"kind": "missing_cells", "table": "requests", "row": "new", "detail": detail}]}))
    assert out.iloc[0]["message"].startswith(detail + "；")


def test_count_beyond_2_53_is_not_a_value_and_is_reported():
    """A printed 9007199254740993 is not silently rounded to …992: no value, a problem, a finding."""
    from audit.ingest.normalise import normalise_text
    from tests.robustness.badinputs import seed_texts

    text = seed_texts()[0]
    import re

    m = re.search(r"(?m)^(一、本年新收政府信息公开申请数量\t)(\d+)", text)
    assert m, "seed layout changed"
    rep = normalise_text(text[:m.start(2)] + "9007199254740993" + text[m.end(2):], "r1")
    over = [p for p in rep["problems"] if p["kind"] == "overflow"]
    assert len(over) == 1 and "9007199254740993" in over[0]["detail"]
    cell = next(c for c in rep["cells"] if c["raw"] == "9007199254740993")
    assert cell["value"] is None and cell["state"] != "value"
    out = RULES["STRUCT-NUMBER-OVERFLOW"].run(load([rep]))
    assert len(out) == 1 and out.iloc[0]["row"] == over[0]["row"]
    assert RULES["STRUCT-NON-NUMERIC"].run(load([rep])).empty  # it is a number, only too large
