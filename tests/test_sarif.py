"""SARIF 2.1.0 output, validated against the official OASIS schema.

``fixtures/sarif-schema-2.1.0.json`` is the OASIS SARIF 2.1.0 (errata 01, OASIS Standard) JSON
schema, copied unchanged from github.com/oasis-tcs/sarif-spec ``sarif-2.1/schema/sarif-schema-2.1.0.json``
(sha256 c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e; its ``id`` is
https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pandas as pd
import pytest

from audit import cli
from audit.exporters import sarif
from audit.packs.extensions import Outputs
from audit.packs.rule import Rule, found

REPO = Path(__file__).resolve().parents[1]
SCHEMA_FILE = Path(__file__).parent / "fixtures" / "sarif-schema-2.1.0.json"
SEEDS = sorted((REPO / "reports").glob("*.txt"))


def sarif_validator() -> jsonschema.Draft4Validator:
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == (
        "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e")
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-04/schema#"
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(doc: dict) -> None:
    errors = sorted(sarif_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5])


def test_the_schema_rejects_what_sarif_forbids():
    """The validator is not a no-op: a wrong version, an unknown level and a stray key all fail."""
    good = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "audit"}},
                                          "results": [{"message": {"text": "x"}, "level": "note"}]}]}
    assert_valid_sarif(good)
    v = sarif_validator()
    assert not v.is_valid({**good, "version": "2.0.0"})
    bad_level = json.loads(json.dumps(good))
    bad_level["runs"][0]["results"][0]["level"] = "info"
    assert not v.is_valid(bad_level)
    assert not v.is_valid({**good, "findings": []})


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    """``audit run`` over the bundled seeds (relative paths, as a supervisor types them) with
    ``--format sarif``: stdout, and the output folder."""
    base = tmp_path_factory.mktemp("sarif")
    shutil.copytree(REPO / "reports", base / "报告")
    out = base / "out"
    buf = io.StringIO()
    cwd = os.getcwd()
    os.chdir(base)
    try:
        with contextlib.redirect_stdout(buf):
            assert cli.main(["run", "报告", "--out", str(out), "--jobs", "1", "--format", "sarif"]) == 0
    finally:
        os.chdir(cwd)
    return buf.getvalue(), out


def test_run_format_sarif_prints_the_sarif_file_of_the_output_set(seeds_run):
    printed, out = seeds_run
    on_disk = (out / "findings.sarif").read_text(encoding="utf-8")
    assert printed == on_disk
    assert_valid_sarif(json.loads(on_disk))


def test_one_result_per_finding_with_rule_metadata_level_and_source_location(seeds_run):
    _, out = seeds_run
    doc = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    (run,) = doc["runs"]
    results, rules = run["results"], run["tool"]["driver"]["rules"]
    assert len(findings["findings"]) > 0
    assert len(results) == len(findings["findings"])
    catalogue = {r["id"]: r for r in findings["rules"]}
    by_id = {r["id"]: r for r in rules}
    assert set(catalogue) <= set(by_id)
    for rid, r in catalogue.items():
        assert by_id[rid]["shortDescription"]["text"] == r["title"]
        assert by_id[rid]["properties"]["pack"] == r["pack"]
    paths = {p.stem: f"报告/{p.name}" for p in SEEDS}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for res, f in zip(results, findings["findings"], strict=True):
        assert res["ruleId"] == f["rule_id"] and rules[res["ruleIndex"]]["id"] == f["rule_id"]
        assert res["level"] == levels[f["severity"]]
        assert res["message"]["text"] == f["message"]
        uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert uri.isascii() and unquote(uri) == paths[f["report_id"]]
        if f["table"]:
            place = res["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
            assert place.startswith(f["table"])


def test_chinese_titles_and_descriptions_in_the_tool_component(seeds_run):
    _, out = seeds_run
    rules = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))["runs"][0]["tool"]["driver"]["rules"]
    parse = next(r for r in rules if r["id"] == "PARSE-UNREADABLE")
    assert parse["shortDescription"]["text"] == "报告文件无法读取"
    assert "读取器" in parse["fullDescription"]["text"]
    assert parse["defaultConfiguration"]["level"] == "error"


def _rule(rid: str, severity: str) -> Rule:
    return Rule(id=rid, title="测试规则", category="zeros", severity=severity, points=1, description="说明",
                fail_example={}, pass_example={}, check=lambda c: found(), pack="zeros", pack_version="1")


def test_waived_findings_are_suppressed_and_fingerprints_kept(tmp_path):
    findings = pd.DataFrame([
        {"report_id": "r1", "rule_id": "T-ONE", "pack": "zeros", "category": "zeros", "severity": "info",
         "points": 0.0, "table": None, "row": None, "col": None, "expected": None, "actual": float("nan"),
         "message": "提示", "waived": True, "waiver_reason": "上级同意", "fingerprint": "abc"},
        {"report_id": "r2", "rule_id": "T-OTHER", "pack": "x", "category": "zeros", "severity": "warning",
         "points": 2.0, "table": "requests", "row": "new", "col": "total", "expected": 3, "actual": 4,
         "message": "警告", "waived": False, "waiver_reason": None, "fingerprint": None},
    ])
    reports = pd.DataFrame({"report_id": ["r1", "r2"], "path": ["/data/甲.txt", "in/乙 2.txt"]})
    path = sarif.write_sarif(tmp_path / "f.sarif", Outputs(findings, pd.DataFrame(), [_rule("T-ONE", "info")],
                                                            {}, reports))
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert_valid_sarif(doc)
    one, other = doc["runs"][0]["results"]
    assert one["suppressions"] == [{"kind": "external", "status": "accepted", "justification": "上级同意"}]
    assert one["partialFingerprints"] == {sarif.FINGERPRINT_KEY: "abc"} and one["level"] == "note"
    assert one["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("file:///data/")
    assert other["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "in/%E4%B9%99%202.txt"
    assert "suppressions" not in other and other["properties"]["expected"] == 3
    # A rule id only the findings name still gets a descriptor, so every ruleIndex is valid.
    assert [r["id"] for r in doc["runs"][0]["tool"]["driver"]["rules"]] == ["T-ONE", "T-OTHER"]
    assert other["ruleIndex"] == 1


def test_written_a_few_results_at_a_time_the_log_is_the_same(seeds_run, tmp_path, monkeypatch):
    """The file is written chunk by chunk (half a million results at 100,000 reports); chunk
    boundaries change nothing: the same bytes, one result per line, a valid log."""
    _, out = seeds_run
    doc = json.loads((out / "findings.sarif").read_text(encoding="utf-8"))
    findings = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    frame = pd.DataFrame(findings["findings"])
    rules = [Rule(id=r["id"], title=r["title"], category=r["category"], severity=r["severity"],
                  points=r["points"], description=r["title"], fail_example={}, pass_example={},
                  check=lambda c: found(), pack=r["pack"],
                  pack_version=r["version"]) for r in findings["rules"]]
    outputs = Outputs(frame, pd.DataFrame(), rules, {"tool_version": "x"}, None)
    whole = sarif.write_sarif(tmp_path / "whole.sarif", outputs).read_bytes()
    monkeypatch.setattr(sarif, "_CHUNK", 3)
    chunked = sarif.write_sarif(tmp_path / "chunked.sarif", outputs).read_bytes()
    assert len(frame) > 3 and chunked == whole
    log = json.loads(chunked)
    assert_valid_sarif(log)
    assert [r["message"]["text"] for r in log["runs"][0]["results"]] == [
        r["message"]["text"] for r in doc["runs"][0]["results"]]
    assert chunked.count(b'\n{"ruleId"') == len(frame)
