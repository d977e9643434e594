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

from audit.contracts.rule_fields import SEVERITIES

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


def reading_order(report_codes: np.ndarray, severity: np.ndarray, rule_codes: np.ndarray) -> np.ndarray:
    """The one definition of finding order: positions sorted by report, worst severity first, then
    rule id; ties keep their given order (a rule's own order). ``report_codes`` and ``rule_codes``
    are integers that sort like the ids (``sort_findings`` and the engine compute them each their
    own cheap way); a severity that is not one of ``SEVERITIES`` sorts last."""
    sev, names = pd.factorize(np.asarray(severity, dtype=object))  # a missing severity has code -1
    rank = np.array([*(SEVERITY_RANK.get(s, len(SEVERITY_RANK)) for s in names), len(SEVERITY_RANK)])[sev]
    return np.lexsort((np.asarray(rule_codes), rank, np.asarray(report_codes)))


def sort_findings(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` in reading order (``reading_order``), index reset."""
    if len(df) == 0:
        return df.reset_index(drop=True)
    # factorize(sort=True) numbers strings in their sorted order: sorting by the codes is sorting by
    # the strings, without comparing strings row by row.
    order = reading_order(_sorted_codes(df["report_id"]), df["severity"].to_numpy(), _sorted_codes(df["rule_id"]))
    return df.take(order).reset_index(drop=True)


def _sorted_codes(s: pd.Series) -> np.ndarray:
    """Integer codes in the values' sorted order, missing values last."""
    codes, uniques = pd.factorize(s, sort=True)
    return np.where(codes < 0, len(uniques), codes)


def is_blocking(df: pd.DataFrame, fail_on: str) -> pd.Series:
    """Mask of non-waived findings at ``fail_on`` severity or worse (what trips ``--fail-on``)."""
    limit = SEVERITY_RANK[fail_on]
    return ~df["waived"].astype(bool) & (df["severity"].map(SEVERITY_RANK) <= limit)
