"""Risk ratios as scorecard columns (``audit.corpus.ratios``): 纠错率, 实质公开率, 不予公开率, 结转率.

Each column holds the ratio as a fraction (4 decimals), 样本不足 when its base has fewer cases than
the configured minimum (``[check_thresholds] min_cases``, default 30), or nothing when there is no case or
the cells could not be read. They are shown beside the score, never part of it.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from audit.corpus.ratios import DEFAULT_MIN_CASES, RATIOS, risk_ratios, shown

COLUMNS = {col: name for col, (name, _) in RATIOS.items()}


def add_ratios(scorecard: pd.DataFrame, corpus: Any, min_cases: float | None = None) -> pd.DataFrame:
    """The scorecard with one column per ratio, matched on report_id."""
    m = DEFAULT_MIN_CASES if min_cases is None else min_cases
    view = shown(risk_ratios(corpus, m), m)
    out = scorecard.copy()
    ids = out["report_id"].astype(str)
    for col in RATIOS:
        values = ids.map(view[col]).astype(object).to_numpy().copy()
        values[pd.isna(values)] = None  # missing is None (not NaN) in an object column
        out[col] = values
    return out
