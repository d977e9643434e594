"""findings.json: every finding, the run's metadata and the catalogue of the rules that ran.

``{"findings": [...], "run": meta, "rules": [{id, pack, version, category, severity, points,
title}]}``. Missing values (NaN, NA, ±inf) become ``null``; numbers stay JSON numbers; keys are
the findings contract's column names (DESIGN.md "Findings").
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audit.exporters import atomic
from audit.packs.rule import Rule

_BOUNDARY = b'},{"report_id":'
_BOUNDARY_LINE = b'},\n{"report_id":'
FINDINGS_COLUMNS = ["report_id", "rule_id", "pack", "category", "severity", "points", "table", "row", "col",
                    "expected", "actual", "message", "waived", "waiver_reason"]


def conform(findings: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns first, in order (missing ones empty), any extra columns after."""
    extra = [c for c in findings.columns if c not in FINDINGS_COLUMNS]
    return findings.reindex(columns=FINDINGS_COLUMNS + extra)


def rule_records(rules: Iterable[Rule]) -> list[dict[str, Any]]:
    return [{"id": r.id, "pack": r.pack, "version": r.pack_version, "category": r.category,
             "severity": r.severity, "points": float(r.points), "title": r.title} for r in rules]


def _plain(v: Any) -> Any:
    """JSON-ready value: numpy scalars unboxed, non-finite floats null, containers walked."""
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, int):
        return v
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple, set, frozenset, np.ndarray)):
        return [_plain(x) for x in v]
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, os.PathLike):
        return os.fspath(v)
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return str(v)


def findings_json(findings: pd.DataFrame) -> bytes:
    """The findings as a UTF-8 JSON array, one finding per line (pandas' C encoder: fast at 100,000 rows)."""
    return b"".join(findings_json_parts(findings))


def findings_json_parts(findings: pd.DataFrame, rows: int = 20_000) -> Iterator[bytes]:
    """``findings_json`` in pieces of ``rows`` findings, so writing 300,000 findings never holds
    the whole text (and its copies) in memory at once."""
    frame = conform(findings)
    if frame.empty:
        yield b"[]"
        return
    yield b"[\n"
    for start in range(0, len(frame), rows):
        if start:
            yield b",\n"
        yield _records_json(frame.iloc[start:start + rows])
    yield b"\n]"


def _records_json(frame: pd.DataFrame) -> bytes:
    """Records of ``frame`` as JSON objects, one per line, without the enclosing brackets."""
    data = frame.to_json(orient="records", force_ascii=False, double_precision=15).encode("utf-8")
    # Inside a JSON string every quote is escaped, so this text only occurs between two records; a
    # nested value that repeats it (count mismatch) falls back to pandas' slower line splitter.
    if data.count(_BOUNDARY) == len(frame) - 1:
        return data[1:-1].replace(_BOUNDARY, _BOUNDARY_LINE)
    lines = frame.to_json(orient="records", lines=True, force_ascii=False, double_precision=15)
    return ",\n".join(lines.strip().split("\n")).encode("utf-8")


def write_json(path: str | os.PathLike[str], findings: pd.DataFrame, rules: Iterable[Rule],
               meta: Mapping[str, Any] | None) -> Path:
    run = json.dumps(_plain(dict(meta or {})), ensure_ascii=False, indent=1, allow_nan=False)
    catalogue = json.dumps(rule_records(rules), ensure_ascii=False, indent=1, allow_nan=False)
    tail = f',\n"run": {run},\n"rules": {catalogue}}}\n'.encode()

    def write(fh: Any) -> None:
        fh.write(b'{"findings": ')
        for part in findings_json_parts(findings):
            fh.write(part)
        fh.write(tail)

    return atomic.write_with(path, write, binary=True)
