"""findings.json: every finding, the run's metadata and the catalogue of the rules that ran.

``{"findings": [...], "run": meta, "rules": [{id, pack, version, category, severity, points,
title}]}``. Missing values (NaN, NA, ±inf) become ``null``; numbers stay JSON numbers; keys are
the findings contract's column names (DESIGN.md "Findings").
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audit import atomic
from audit.rule import Rule

FINDINGS_COLUMNS = ["report_id", "rule_id", "pack", "category", "severity", "points", "table", "row", "col",
                    "expected", "actual", "message", "waived", "waiver_reason"]


def conform(findings: pd.DataFrame) -> pd.DataFrame:
    """The contract's columns first, in order (missing ones empty), any extra columns after."""
    extra = [c for c in findings.columns if c not in FINDINGS_COLUMNS]
    return findings.reindex(columns=FINDINGS_COLUMNS + extra)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as plain-Python dicts with ``None`` for every missing value."""
    if frame.empty:
        return []
    obj = frame.astype(object)
    obj = obj.where(obj.notna(), None)
    return [{k: _plain(v) for k, v in row.items()} for row in obj.to_dict(orient="records")]


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


def write_json(path: str | os.PathLike[str], findings: pd.DataFrame, rules: Iterable[Rule],
               meta: Mapping[str, Any] | None) -> Path:
    doc = {"findings": records(conform(findings)), "run": _plain(dict(meta or {})), "rules": rule_records(rules)}
    return atomic.write_with(path, lambda fh: json.dump(doc, fh, ensure_ascii=False, indent=1, allow_nan=False))
