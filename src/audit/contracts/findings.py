"""The findings frame (public contract): one row per finding, pandera-validated.

Every producer of findings (the engine, waivers, baselines) hands this exact shape on, and every
consumer (scoring, exporters) can rely on it. ``expected``/``actual`` hold whatever the rule
compared (numbers or text), so they stay Python objects; everything else has a fixed type.
"""

from __future__ import annotations

from typing import Optional

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from audit.packs.rule import SEVERITIES

FINDINGS_COLUMNS = ["report_id", "rule_id", "pack", "category", "severity", "points", "table", "row", "col",
                    "expected", "actual", "message", "waived", "waiver_reason"]

# Worst first: the order a supervisor reads findings in.
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}


class FindingsFrame(pa.DataFrameModel):
    """The findings of a run, exactly the keys of DESIGN.md's findings contract."""

    report_id: Series[str]
    rule_id: Series[str] = pa.Field(str_length={"min_value": 1})
    pack: Series[str]
    category: Series[str]
    severity: Series[str] = pa.Field(isin=list(SEVERITIES))
    points: Series[float] = pa.Field(ge=0)
    table: Series[str] = pa.Field(nullable=True)
    row: Series[str] = pa.Field(nullable=True)
    col: Series[str] = pa.Field(nullable=True)
    expected: Series[object] = pa.Field(nullable=True)
    actual: Series[object] = pa.Field(nullable=True)
    message: Series[str]
    waived: Series[bool]
    waiver_reason: Series[str] = pa.Field(nullable=True)
    # Optional, added by ``audit.review.baseline.mark_baseline`` (``audit run --baseline``): the finding's
    # stable fingerprint and whether the baseline already knew it.
    fingerprint: Optional[Series[str]] = pa.Field(nullable=True)  # noqa: UP045 - pandera needs Optional
    baseline: Optional[Series[str]] = pa.Field(nullable=True, isin=["new", "known"])  # noqa: UP045

    class Config:
        strict = True
        ordered = True
        coerce = True


def empty_findings() -> pd.DataFrame:
    """A valid findings frame with no rows (what a clean corpus produces)."""
    df = pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDINGS_COLUMNS})
    return validate(df)


def validate(df: pd.DataFrame) -> pd.DataFrame:
    """Coerce and check ``df`` against the findings model; return the validated frame."""
    return FindingsFrame.validate(df)


def sort_findings(df: pd.DataFrame) -> pd.DataFrame:
    """Stable reading order: by report, worst severity first, then rule id and location."""
    if len(df) == 0:
        return df.reset_index(drop=True)
    sev, names = pd.factorize(df["severity"])  # a missing severity (code -1) ranks last
    rank = np.array([*(SEVERITY_RANK.get(s, len(SEVERITY_RANK)) for s in names), len(SEVERITY_RANK)])[sev]
    # np.lexsort is stable, and factorize(sort=True) numbers strings in their sorted order: the
    # order of sort_values(["report_id", rank, "rule_id"], kind="stable") without comparing strings.
    order = np.lexsort((_sorted_codes(df["rule_id"]), rank, _sorted_codes(df["report_id"])))
    return df.take(order).reset_index(drop=True)


def _sorted_codes(s: pd.Series) -> np.ndarray:
    """Integer codes in the values' sorted order, missing values last."""
    codes, uniques = pd.factorize(s, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def is_blocking(df: pd.DataFrame, fail_on: str) -> pd.Series:
    """Mask of non-waived findings at ``fail_on`` severity or worse (what trips ``--fail-on``)."""
    limit = SEVERITY_RANK[fail_on]
    return ~df["waived"].astype(bool) & (df["severity"].map(SEVERITY_RANK) <= limit)
