"""Reading normalised report JSON (``audit normalise`` output, or another tool's) as input.

A corpus read once is audited again without re-reading the published files, and other tools'
output can be audited. Every file is checked against the report schema the package ships
(``audit.contracts.report.is_valid``, compiled once); a file that is not JSON, not a normalised
report, of a ``schema_version`` this version of the tool cannot read, or that breaks the schema becomes a
report with an ``unreadable`` problem saying so in Chinese (a ``PARSE-UNREADABLE`` finding), never
a silently skipped file. A valid report is taken as it is, its ``source`` (the published file it
was read from) kept, so findings and scorecard trace back to that file; only ``report_id`` is the
run's (the file stem, made unique within the run).

A reader like any other: one module, registered through the ``audit_readers`` hook.
"""

from __future__ import annotations

import json
from typing import Any

from audit.contracts import report as contract
from audit.packs.extensions import Reader
from audit.packs.hookspecs import hookimpl

FORMAT = "normalised"
_HEAD = 4096


def readable_versions() -> tuple[str, ...]:
    """The ``schema_version`` values the shipped schema accepts."""
    spec = contract.schema()["properties"]["schema_version"]
    if "const" in spec:
        return (str(spec["const"]),)
    return tuple(str(v) for v in spec.get("enum", (contract.SCHEMA_VERSION,)))


def looks_normalised(data: bytes, suffix: str) -> bool:
    """A ``.json`` file, or any file whose text is a JSON object naming a ``schema_version``."""
    if suffix.lower() == ".json":
        return True
    head = data[:_HEAD].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"{") and b'"schema_version"' in head


def _failed(rep: dict[str, Any], why: str) -> dict[str, Any]:
    contract.add_problem(rep, "unreadable", why)
    return rep


def load(data: bytes, rep: dict[str, Any]) -> dict[str, Any]:
    """The report in ``data``, checked; else ``rep`` (the skeleton for this file) with the reason."""
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        return _failed(rep, f"JSON 文件无法解析（{type(exc).__name__}: {str(exc)[:120]}），不是规范化报告")
    if not isinstance(doc, dict) or "schema_version" not in doc:
        return _failed(rep, "JSON 文件不是规范化报告（没有 schema_version 字段）")
    versions = readable_versions()
    if str(doc["schema_version"]) not in versions or not isinstance(doc["schema_version"], str):
        return _failed(rep, f"规范化报告的格式版本 schema_version={json.dumps(doc['schema_version'], ensure_ascii=False)}"
                            f" 本工具无法读取（可读取的版本：{'、'.join(versions)}）；"
                            "请用本工具的 audit normalise 重新生成，或换用能读取该版本的 audit")
    doc["report_id"] = rep["report_id"]
    if contract.is_valid(doc):
        return doc
    problems = contract.errors(doc)
    return _failed(rep, "规范化报告不符合格式要求（" + "；".join(problems[:3])
                   + (f"；另有 {len(problems) - 3} 处" if len(problems) > 3 else "") + "）")


READER = Reader(FORMAT, (".json",), looks_normalised, load=load, priority=60)


@hookimpl
def audit_readers() -> tuple[Reader, ...]:
    return (READER,)
