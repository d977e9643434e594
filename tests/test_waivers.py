"""Waivers: vectorised matching, expiry, unused waivers, and the CLI end to end."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from audit import cli
from audit.packs import engine
from audit.packs.rule import found, rule
from audit.review import waivers
from audit.testing.build import build_corpus

REPORTS = Path(__file__).resolve().parents[1] / "reports"


@rule(id="T-W-NEW", title="t", category="arithmetic", severity="error", points=3, description="d",
      fail_example={}, pass_example={})
def _new_total(corpus):
    r = corpus.reports
    return found(r["report_id"], "每份报告一个问题", table="requests", row="new", col="total")


def _findings():
    corpus = build_corpus({"unit": "甲单位", "year": 2023}, {"unit": "甲单位", "year": 2024}, {"unit": "乙单位"},
                          {"report_id": "solo", "unit": None})
    f, _ = engine.run_rules(corpus, [_new_total])
    return corpus, f[f["rule_id"] == "T-W-NEW"].reset_index(drop=True)


def test_targets_prefixes_expiry_and_unused():
    corpus, f = _findings()
    w = waivers.parse_waivers({"waivers": [
        {"rule": "T-W", "unit": "甲单位", "year": 2024, "reason": "已更正", "approved_by": "张三"},
        {"rule": "T-W-NEW", "report_id": "solo", "reason": "扫描件", "approved_by": "李四", "expires": "2099-01-01"},
        {"rule": "T-W-NEW", "unit": "乙单位", "reason": "旧豁免", "approved_by": "王五", "expires": dt.date(2024, 1, 1)},
        {"rule": "T-X", "unit": "甲单位", "reason": "无用", "approved_by": "赵六"},
        {"rule": "T-W-NEW", "unit": "丙单位", "reason": "不在本批", "approved_by": "赵六"},
        {"rule": "T", "report_id": "r1", "reason": "不是前缀边界以外", "approved_by": "赵六"},
    ]})
    res = waivers.apply_waivers(f, w, corpus.reports, today=dt.date(2025, 6, 1))
    waived = dict(zip(res.findings["report_id"], res.findings["waived"], strict=False))
    assert waived == {"r1": True, "r2": True, "r3": False, "solo": True}
    reason = dict(zip(res.findings["report_id"], res.findings["waiver_reason"], strict=False))
    assert reason["r2"] == "已更正（批准：张三）" and reason["r1"] == "不是前缀边界以外（批准：赵六）"
    assert reason["r3"] is None
    notes = res.notice_findings
    assert sorted(zip(notes["rule_id"], notes["report_id"], strict=False)) == [
        ("CORE-WAIVER-EXPIRED", "r3"), ("CORE-WAIVER-UNUSED", "r1"), ("CORE-WAIVER-UNUSED", "r2")]
    assert (notes["points"] == 0).all() and (notes["severity"] == "info").all()
    assert "2024-01-01" in notes.loc[notes["rule_id"] == "CORE-WAIVER-EXPIRED", "message"].iloc[0]
    off_corpus = [n for n in res.notices if not n["in_corpus"]]
    assert [n["target"] for n in off_corpus] == ["丙单位"]


def test_schema_errors_name_entry_and_field(tmp_path):
    with pytest.raises(waivers.WaiverError, match=r"第 1 条豁免的字段“reason”：缺少必填项 reason"):
        waivers.parse_waivers({"waivers": [{"rule": "X", "unit": "u", "approved_by": "a"}]})
    with pytest.raises(waivers.WaiverError, match="须写明 report_id，或写明 unit"):
        waivers.parse_waivers({"waivers": [{"rule": "X", "reason": "r", "approved_by": "a"}]})
    f = tmp_path / "w.yaml"
    f.write_text("waivers:\n  - {rule: X, report_id: a, reason: r, approved_by: b, expires: 2024-13-01}\n")
    with pytest.raises(waivers.WaiverError, match="w.yaml"):
        waivers.load_waivers(f)


def _run(tmp: Path, *extra: str) -> dict:
    out = tmp / ("o" + str(len(list(tmp.iterdir()))))
    assert cli.main(["run", str(REPORTS), "--out", str(out), "--quiet", "--jobs", "1", *extra]) == 0
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def test_waivers_end_to_end_through_the_cli(tmp_path):
    base = _run(tmp_path)
    target = next(f for f in base["findings"] if f["rule_id"] == "ZERO-ALL-TABLES")
    rid = target["report_id"]
    wfile = tmp_path / "waivers.yaml"
    wfile.write_text(f"""waivers:
  - rule: ZERO-ALL-TABLES
    report_id: {rid}
    reason: 该单位本年度确无业务
    approved_by: 市政务公开办
  - rule: ARITH
    report_id: {rid}
    reason: 早已过期
    approved_by: 市政务公开办
    expires: 2020-12-31
  - rule: NO-SUCH-RULE
    unit: 没有这个单位
    reason: 写错了
    approved_by: 市政务公开办
""", encoding="utf-8")
    doc = _run(tmp_path, "--waivers", str(wfile))
    mine = [f for f in doc["findings"] if f["report_id"] == rid and f["rule_id"] == "ZERO-ALL-TABLES"]
    assert mine and all(f["waived"] and "该单位本年度确无业务" in f["waiver_reason"] for f in mine)
    assert [f["report_id"] for f in doc["findings"] if f["rule_id"] == "CORE-WAIVER-EXPIRED"] == [rid]
    meta = doc["run"]["waivers"]
    assert meta["applied"] and [n["rule_id"] for n in meta["notices"]] == ["CORE-WAIVER-EXPIRED", "CORE-WAIVER-UNUSED"]
    assert meta["notices"][1]["in_corpus"] is False
    unwaived = _run(tmp_path, "--waivers", str(wfile), "--no-waivers")
    assert not any(f["waived"] for f in unwaived["findings"])
    assert not any(f["rule_id"].startswith("CORE-WAIVER") for f in unwaived["findings"])
    assert unwaived["run"]["waivers"]["applied"] is False


def test_waiver_notices_are_selected_and_overridden_like_any_rule(tmp_path):
    wfile = tmp_path / "waivers.yaml"
    wfile.write_text("""waivers:
  - rule: ARITH
    report_id: 000_7293952701c65ca5
    reason: 早已过期
    approved_by: 市政务公开办
    expires: 2020-12-31
""", encoding="utf-8")
    (tmp_path / "audit.toml").write_text('[severity]\n"CORE-WAIVER-EXPIRED" = "warning"\n', encoding="utf-8")
    doc = _run(tmp_path, "--waivers", str(wfile), "--config", str(tmp_path / "audit.toml"))
    (notice,) = [f for f in doc["findings"] if f["rule_id"] == "CORE-WAIVER-EXPIRED"]
    assert notice["severity"] == "warning" and notice["pack"] == "core"
    ignored = _run(tmp_path, "--waivers", str(wfile), "--ignore", "CORE-WAIVER-EXPIRED")
    assert not any(f["rule_id"] == "CORE-WAIVER-EXPIRED" for f in ignored["findings"])
    assert ignored["run"]["waivers"]["notices"]  # still listed in the run metadata
