"""The public API for rule authors: ``@rule`` metadata, ``Pack``, and the ``found`` frame builder.

A rule is a function ``check(corpus) -> DataFrame`` plus metadata. It receives the *whole*
corpus (``audit.corpus.loader.Corpus``) and returns every finding for every report in one vectorised
pass. The engine adds the rule's id, pack, category, severity and points; the check only says
where (report_id, table, row, col), what was compared (expected, actual) and the Chinese message.

Examples are *report patches* (see ``audit.testing.build_report``): a dict applied on top of a
clean edition-2021 report, e.g. ``{"cells": {"requests/new/natural": 5}}``. The docs print them
and the rule's own tests run them: the failing example must fire, the passing one must not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from audit.contracts.rule_fields import SEVERITIES

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

API_VERSION = 1

# Columns a check returns. ``severity`` and ``points`` are optional per-finding overrides (NaN/None
# means "the rule's default").
CHECK_COLUMNS = ["report_id", "table", "row", "col", "expected", "actual", "message", "severity", "points"]


@dataclass(frozen=True)
class Rule:
    """A rule's metadata and its vectorised check."""

    id: str
    title: str
    category: str
    severity: str
    points: float
    description: str
    fail_example: dict[str, Any]
    pass_example: dict[str, Any]
    check: Callable[[Corpus], pd.DataFrame] = field(compare=False)
    pack: str = ""
    pack_version: str = ""
    #: Rule ids whose findings on the same report and table this rule's findings replace (one fact,
    #: one finding: ZERO-TABLE-VS-TEXT over the narrative rules); the engine drops them.
    supersedes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"rule {self.id}: severity must be one of {SEVERITIES}, not {self.severity!r}")
        if not self.id or not self.title:
            raise ValueError("a rule needs an id and a title")

    def run(self, corpus: Corpus) -> pd.DataFrame:
        """The check's findings, normalised to ``CHECK_COLUMNS``."""
        out = self.check(corpus)
        return normalise_check_frame(out)


@dataclass(frozen=True)
class Pack:
    """What a plugin's ``audit_pack`` hook returns."""

    name: str
    version: str
    rules: Sequence[Rule]
    api_version: int = API_VERSION
    description: str = ""


def rule(*, id: str, title: str, category: str, severity: str, points: float, description: str,
         fail_example: dict[str, Any], pass_example: dict[str, Any],
         supersedes: tuple[str, ...] = ()) -> Callable[[Callable[..., pd.DataFrame]], Rule]:
    """Decorator turning ``check(corpus) -> DataFrame`` into a ``Rule``.

    >>> @rule(id="X-1", title="示例", category="arithmetic", severity="error", points=1,
    ...       description="why", fail_example={}, pass_example={})
    ... def check(corpus): return found()
    """

    def wrap(fn: Callable[..., pd.DataFrame]) -> Rule:
        return Rule(id=id, title=title, category=category, severity=severity, points=float(points),
                    description=description, fail_example=fail_example, pass_example=pass_example, check=fn,
                    supersedes=tuple(supersedes))

    return wrap


def found(report_id: Any = (), message: Any = (), *, table: Any = None, row: Any = None, col: Any = None,
          expected: Any = None, actual: Any = None, severity: Any = None, points: Any = None) -> pd.DataFrame:
    """Build a check's findings frame from columns (Series/arrays) or scalars broadcast to them.

    ``found()`` with no arguments is the empty result. Series are aligned by position, not index.
    """
    ids = _as_array(report_id)
    n = len(ids)
    cols = {
        "report_id": ids.astype(object),
        "table": _broadcast(table, n),
        "row": _broadcast(row, n),
        "col": _broadcast(col, n),
        "expected": _broadcast(expected, n),
        "actual": _broadcast(actual, n),
        "message": _broadcast(message, n),
        "severity": _broadcast(severity, n),
        "points": _broadcast(points, n),
    }
    return pd.DataFrame(cols, columns=CHECK_COLUMNS)


def _as_array(v: Any) -> np.ndarray:
    if isinstance(v, (pd.Series, pd.Index)):
        return v.to_numpy(dtype=object)
    if isinstance(v, str):
        return np.array([v], dtype=object)
    return np.asarray(list(v) if not isinstance(v, np.ndarray) else v, dtype=object)


def _broadcast(v: Any, n: int) -> np.ndarray:
    if v is None or isinstance(v, (str, int, float, np.integer, np.floating)):
        out = np.empty(n, dtype=object)
        out.fill(v)  # the same object in every row, as given
        return out
    arr = _as_array(v)
    if len(arr) != n:
        raise ValueError(f"column of length {len(arr)} does not match {n} findings")
    return arr


def normalise_check_frame(df: pd.DataFrame | None) -> pd.DataFrame:
    """Accept what a check returned and give it exactly ``CHECK_COLUMNS``."""
    cols = check_columns(df)
    return found() if cols is None else pd.DataFrame(cols, columns=CHECK_COLUMNS, dtype=object)


def check_columns(df: pd.DataFrame | None) -> dict[str, np.ndarray] | None:
    """What a check returned as ``CHECK_COLUMNS`` object arrays, missing values None; None when it
    found nothing (the frame of ``normalise_check_frame`` without building it)."""
    if df is None or len(df) == 0:
        return None
    missing = [c for c in ("report_id", "message") if c not in df.columns]
    if missing:
        raise ValueError(f"a check's findings need columns {missing}")
    cols = {}
    for c in CHECK_COLUMNS:
        if c not in df.columns:
            cols[c] = np.full(len(df), None, dtype=object)
            continue
        arr = df[c].to_numpy(dtype=object)
        if pd.api.types.infer_dtype(arr, skipna=False) != "string":  # str only (the usual case): no nulls
            null = pd.isna(arr)
            if null.any():
                arr = arr.copy()
                arr[null] = None
        cols[c] = arr
    return cols


def fmt_num(v: Any) -> str:
    """A number as a supervisor reads it: 5, not 5.0; 12.5 stays 12.5; NaN is 空."""
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return "空"
    f = float(v)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else f"{f:g}"


def fmt_series(s: pd.Series) -> pd.Series:
    """Vectorised ``fmt_num`` for message building (same text, without a Python call per number)."""
    if not len(s):
        return s.map(fmt_num)
    try:
        f = np.asarray(s.to_numpy(), dtype=np.float64)
    except (TypeError, ValueError):  # not all numbers: let fmt_num decide (and raise) one by one
        return s.map(fmt_num)
    out = np.full(len(f), "空", dtype=object)
    with np.errstate(invalid="ignore"):
        whole = np.isfinite(f) & (np.floor(f) == f) & (np.abs(f) < 1e15)
    out[whole] = f[whole].astype(np.int64).astype(str)
    other = np.flatnonzero(~whole & ~np.isnan(f))
    out[other] = [f"{v:g}" for v in f[other].tolist()]
    return pd.Series(out, index=s.index).infer_objects()  # the dtype ``Series.map`` would give
