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
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

import audit
from audit.exporters import atomic
from audit.packs.extensions import Exporter, Outputs
from audit.packs.hookspecs import hookimpl

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "auditFinding/v1"
_CHUNK = 20_000


def artifact_uri(path: str) -> str:
    """A source path as a SARIF URI: absolute paths as ``file:`` URIs, relative ones as relative
    references, non-ASCII characters (Chinese file names) percent-encoded as RFC 3986 requires."""
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(path.replace("\\", "/"), safe="/")


def _json_values(s: pd.Series) -> list[Any]:
    """A column as JSON-ready Python values: missing and non-finite numbers None, numpy unboxed."""
    values = s.astype(object).where(s.notna(), None).tolist()
    return [None if type(v) is float and not math.isfinite(v) else v for v in values]


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


_enc = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=str).encode


def _encoded(s: pd.Series) -> list[str]:
    """Each value of a column as JSON text; repeated values encoded once."""
    values = _json_values(s)
    cache: dict[Any, str] = {}
    out = []
    for v in values:
        try:
            text = cache.get(v)
        except TypeError:  # unhashable (a list): encode it as it is
            out.append(_enc(v))
            continue
        if text is None:
            text = cache[v] = _enc(v)
        out.append(text)
    return out


def result_lines(out: Outputs, rule_index: dict[str, int]) -> list[str]:
    """One SARIF result per finding as a line of JSON, in the findings' order."""
    return [line for chunk in result_chunks(out, rule_index) for line in chunk]


def result_chunks(out: Outputs, rule_index: dict[str, int], rows: int | None = None) -> Iterator[list[str]]:
    """``result_lines`` ``rows`` findings at a time: the file is written as the lines are made, so
    the half a million lines of a 100,000-report run never sit in memory together.

    Built as text from columns encoded once (no dict per finding: 300,000 findings would be 2.4
    million dicts, and the cyclic garbage collector's passes over them cost more than the rest).
    """
    f = out.findings
    if not len(f):
        return
    paths = _source_paths(out)
    uris: dict[str, str] = {}
    rules = {rid: f'"ruleId": {_enc(rid)}, "ruleIndex": {rule_index[rid]}' for rid in pd.unique(f["rule_id"].astype(str))}
    rows = rows or _CHUNK
    for start in range(0, len(f), rows):
        yield _lines(f.iloc[start:start + rows], paths, uris, rules)


def _lines(f: pd.DataFrame, paths: dict[str, str], uris: dict[str, str], rules: dict[str, str]) -> list[str]:
    """The result lines of some findings (``uris``: each report's encoded URI, filled as met)."""
    report_ids = f["report_id"].astype(str)
    for rid in pd.unique(report_ids):
        if rid not in uris:
            uris[rid] = _enc(artifact_uri(paths.get(rid, rid)))
    places = pd.Series("", index=f.index, dtype=object)
    for c in ("table", "row", "col"):
        part = f[c].astype(object)
        has = part.notna() & (part.astype(str) != "")
        places = places.where(~has, places.where(places == "", places + "/") + part.astype(str))
    logical = [f', "logicalLocations": [{{"fullyQualifiedName": {_enc(p)}, "kind": "element"}}]' if p else ""
               for p in places.tolist()]
    levels = f["severity"].astype(str).map(LEVELS).fillna("warning").tolist()
    waived = f["waived"].fillna(False).astype(bool).tolist()
    reasons = _json_values(f["waiver_reason"])
    fps = _json_values(f["fingerprint"]) if "fingerprint" in f else [None] * len(f)
    columns = zip(report_ids.tolist(), f["rule_id"].astype(str).tolist(), levels,
                  (_enc(m) for m in f["message"].astype(str).tolist()), logical, _encoded(f["pack"]),
                  _encoded(f["category"]), _encoded(f["points"]), _encoded(f["expected"]), _encoded(f["actual"]),
                  waived, reasons, fps, strict=True)
    lines = []
    for rid, rule_id, level, message, where, pack, category, points, expected, actual, sup, reason, fp in columns:
        extra = ""
        if sup:
            extra += (', "suppressions": [{"kind": "external", "status": "accepted", "justification": '
                      f"{_enc(reason or '豁免')}}}]")
        if fp is not None:
            extra += f', "partialFingerprints": {{"{FINGERPRINT_KEY}": {_enc(str(fp))}}}'
        lines.append(
            f'{{{rules[rule_id]}, "level": "{level}", "message": {{"text": {message}}}, '
            f'"locations": [{{"physicalLocation": {{"artifactLocation": {{"uri": {uris[rid]}}}}}{where}}}], '
            f'"properties": {{"reportId": {_enc(rid)}, "pack": {pack}, "category": {category}, "points": {points}, '
            f'"expected": {expected}, "actual": {actual}}}{extra}}}')
    return lines


def sarif_log(out: Outputs) -> dict[str, Any]:
    """The whole SARIF log as a JSON-ready dict (``results`` parsed from ``result_lines``)."""
    log, rule_index = _log(out)
    log["runs"][0]["results"] = [json.loads(line) for line in result_lines(out, rule_index)]
    return log


def _log(out: Outputs) -> tuple[dict[str, Any], dict[str, int]]:
    """The log without its results, and each rule's index in the tool component."""
    rules = rule_descriptors(out)
    rule_index = {r["id"]: i for i, r in enumerate(rules)}
    meta = out.meta
    invocation: dict[str, Any] = {"executionSuccessful": not meta.get("rule_errors")}
    if meta.get("started"):
        invocation["startTimeUtc"] = str(meta["started"])
    if meta.get("finished"):
        invocation["endTimeUtc"] = str(meta["finished"])
    log = {
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
        }],
    }
    return log, rule_index


def write_sarif(path: str | os.PathLike[str], out: Outputs) -> Path:
    """Write the log, one result per line, a chunk of results at a time."""
    log, rule_index = _log(out)
    head = json.dumps(log, ensure_ascii=False, indent=1, allow_nan=False, default=str)
    assert head.endswith("}\n ]\n}")  # the run, then the runs array and the log close

    def write(fh: Any) -> None:
        fh.write(head[:-len("}\n ]\n}")].rstrip().encode("utf-8") + b',\n  "results": [\n')
        for i, lines in enumerate(result_chunks(out, rule_index)):
            fh.write((",\n" if i else "").encode("utf-8") + ",\n".join(lines).encode("utf-8"))
        fh.write(b"\n" if len(out.findings) else b"")
        fh.write(b"  ]\n }\n ]\n}\n")

    return atomic.write_with(path, write, binary=True)


# Not ``slow``: its lines are built from columns in about a tenth of the workbook's time, and a forked
# writer would copy the findings' pages it touches (30,000 generated reports: the writing phase's
# peak, process tree PSS, 1.21 GB forked, 1.09 GB written here).
EXPORTER = Exporter("sarif", "findings.sarif", write_sarif, text=True,
                    title="全部问题（SARIF 2.1.0，供代码扫描和持续集成工具读取）")


@hookimpl
def audit_exporters() -> tuple[Exporter, ...]:
    return (EXPORTER,)
