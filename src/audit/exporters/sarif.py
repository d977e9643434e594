"""findings.sarif: the findings as SARIF 2.1.0, for code-scanning dashboards and CI tools.

One ``run`` whose tool component (``audit``) carries the catalogue of the rules that ran (id,
Chinese title as ``shortDescription``, description as ``fullDescription``, default level, pack,
category and points), and one ``result`` per finding: ``ruleId``/``ruleIndex``, ``level`` from
the severity (error → error, warning → warning, info → note), the Chinese message, the report's
source file as the physical location and the table cell (``table/row/col``) as a logical
location. A waived finding carries an external ``suppression`` with the waiver's reason; a
finding's baseline fingerprint goes into ``partialFingerprints``. Written by an output-format
plugin like any other (``audit_exporters`` hook): this module is the whole of SARIF support.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

import numpy as np
import pandas as pd

import audit
from audit.exporters import atomic
from audit.packs.extensions import Exporter, Outputs
from audit.packs.hookspecs import hookimpl

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "auditFinding/v1"


def artifact_uri(path: str) -> str:
    """A source path as a SARIF URI: absolute paths as ``file:`` URIs, relative ones as relative
    references, non-ASCII characters (Chinese file names) percent-encoded as RFC 3986 requires."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(PurePosixPath(*p.parts).as_posix() if p.parts else path, safe="/")


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def _plain(v: Any) -> Any:
    """A JSON-ready scalar (numpy unboxed, NaN null); containers as text."""
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    return _text(v)


def rule_descriptors(out: Outputs) -> list[dict[str, Any]]:
    """The tool component's rules: every rule that ran, then any rule id only the findings name."""
    seen: dict[str, dict[str, Any]] = {}
    for r in out.rules:
        seen.setdefault(r.id, {
            "id": r.id,
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": " ".join(r.description.split()) or r.title},
            "defaultConfiguration": {"level": LEVELS.get(r.severity, "warning")},
            "properties": {"pack": r.pack, "packVersion": r.pack_version, "category": r.category,
                           "points": float(r.points), "tags": list(dict.fromkeys((r.category, r.pack)))},
        })
    for rule_id in pd.unique(out.findings["rule_id"].astype(str)) if len(out.findings) else []:
        seen.setdefault(rule_id, {"id": rule_id, "shortDescription": {"text": rule_id}})
    return list(seen.values())


def _source_paths(out: Outputs) -> dict[str, str]:
    reports = out.reports
    if reports is not None and "path" in reports:
        return dict(zip(reports["report_id"].astype(str), reports["path"].astype(str), strict=True))
    return {}


def results(out: Outputs, rule_index: dict[str, int]) -> list[dict[str, Any]]:
    """One SARIF result per finding, in the findings' order."""
    f = out.findings
    if not len(f):
        return []
    paths = _source_paths(out)
    uris = {rid: artifact_uri(paths.get(rid, rid)) for rid in pd.unique(f["report_id"].astype(str))}
    fingerprint = f["fingerprint"] if "fingerprint" in f else pd.Series([None] * len(f), index=f.index)
    cols = [f[c].tolist() for c in ("report_id", "rule_id", "pack", "category", "severity", "points", "table",
                                    "row", "col", "expected", "actual", "message", "waived", "waiver_reason")]
    out_rows = []
    for (rid, rule_id, pack, category, sev, pts, table, row, col, expected, actual, message, waived, reason), fp \
            in zip(zip(*cols, strict=True), fingerprint.tolist(), strict=True):
        rid = str(rid)
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": uris[rid]}}}
        place = "/".join(str(x) for x in (table, row, col) if _text(x) is not None)
        if place:
            location["logicalLocations"] = [{"fullyQualifiedName": place, "kind": "element"}]
        result: dict[str, Any] = {
            "ruleId": str(rule_id),
            "ruleIndex": rule_index[str(rule_id)],
            "level": LEVELS.get(str(sev), "warning"),
            "message": {"text": str(message)},
            "locations": [location],
            "properties": {"reportId": rid, "pack": pack, "category": category, "points": _plain(pts),
                           "expected": _plain(expected), "actual": _plain(actual)},
        }
        if bool(waived):
            result["suppressions"] = [{"kind": "external", "status": "accepted",
                                       "justification": _text(reason) or "豁免"}]
        if _text(fp) is not None:
            result["partialFingerprints"] = {FINGERPRINT_KEY: str(fp)}
        out_rows.append(result)
    return out_rows


def sarif_log(out: Outputs) -> dict[str, Any]:
    """The whole SARIF log as a JSON-ready dict."""
    rules = rule_descriptors(out)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    meta = out.meta
    invocation: dict[str, Any] = {"executionSuccessful": not meta.get("rule_errors")}
    if meta.get("started"):
        invocation["startTimeUtc"] = str(meta["started"])
    if meta.get("finished"):
        invocation["endTimeUtc"] = str(meta["finished"])
    return {
        "$schema": SARIF_SCHEMA,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {"driver": {
                "name": "audit",
                "version": str(meta.get("tool_version") or audit.__version__),
                "fullName": "audit 政府信息公开工作年度报告审核工具",
                "language": "zh-CN",
                "rules": rules,
            }},
            "language": "zh-CN",
            "invocations": [invocation],
            "results": results(out, rule_index),
        }],
    }


def write_sarif(path: str | os.PathLike[str], out: Outputs) -> Path:
    text = json.dumps(sarif_log(out), ensure_ascii=False, indent=1, allow_nan=False)
    return atomic.write_text(path, text + "\n")


EXPORTER = Exporter("sarif", "findings.sarif", write_sarif, text=True, slow=True,
                    title="全部问题（SARIF 2.1.0，供代码扫描和持续集成工具读取）")


@hookimpl
def audit_exporters() -> tuple[Exporter, ...]:
    return (EXPORTER,)
