"""Pandera models of the corpus-wide frames (reports, sections, cells, problems).

One frame of each kind holds the whole corpus, so a rule is one pandas pass over every report.
Keys are categoricals (cheap at 20 million cells); ``value`` is float64 with NaN for a blank or
unplaced cell; ``state`` (categorical: value, blank, text, unplaced) is the reader's decision about
each cell.

Counts must be non-negative except 本年增/减 (``change``), but a published report *can* print a
negative count, and reading it as printed is the reader's job: that check raises a pandera
warning instead of an error, and the arithmetic pack turns such cells into findings.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from audit.contracts import catalogue
from audit.contracts.report import CELL_STATES

_SIGNED = sorted(catalogue.load().signed_columns)

_ORDER = catalogue.load().key_order()
TABLE_DTYPE = pd.CategoricalDtype(_ORDER["table"])
ROW_DTYPE = pd.CategoricalDtype(_ORDER["row"])
COL_DTYPE = pd.CategoricalDtype(_ORDER["col"])
SECTION_DTYPE = pd.CategoricalDtype(list(catalogue.SECTION_KEYS))
EDITION_DTYPE = pd.CategoricalDtype(list(catalogue.EDITIONS))
#: Cell states (the reader decides them; rules read them, never ``raw``).
STATE_DTYPE = pd.CategoricalDtype(list(CELL_STATES))


class ReportsFrame(pa.DataFrameModel):
    """One row per report."""

    report_id: Series[str] = pa.Field(unique=True)
    path: Series[str]
    format: Series[str] = pa.Field(nullable=True)
    encoding: Series[str] = pa.Field(nullable=True)
    layout: Series[str] = pa.Field(nullable=True)
    unit: Series[str] = pa.Field(nullable=True)
    year: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=1990, le=2100)
    published: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{4}-\d{2}-\d{2}$")
    edition: Series[pd.CategoricalDtype] = pa.Field(nullable=True, dtype_kwargs={"categories": list(catalogue.EDITIONS)})
    edition_evidence: Series[str]
    n_cells: Series[int] = pa.Field(ge=0)
    n_problems: Series[int] = pa.Field(ge=0)

    class Config:
        strict = True
        coerce = True


class SectionsFrame(pa.DataFrameModel):
    """One row per section heading found in a report, in printed order."""

    report_id: Series[str]
    position: Series[int] = pa.Field(ge=0)
    number: Series[pd.Int64Dtype] = pa.Field(nullable=True, ge=0, le=20)  # 0: the preamble
    title: Series[str]
    canonical: Series[pd.CategoricalDtype] = pa.Field(nullable=True, dtype_kwargs={"categories": list(catalogue.SECTION_KEYS)})
    text: Series[str]

    class Config:
        strict = True
        coerce = True


class CellsFrame(pa.DataFrameModel):
    """One row per (report, table, row, col): canonical keys only."""

    report_id: Series[pd.CategoricalDtype] = pa.Field()
    table: Series[pd.CategoricalDtype] = pa.Field(isin=_ORDER["table"])
    row: Series[pd.CategoricalDtype] = pa.Field(isin=_ORDER["row"])
    col: Series[pd.CategoricalDtype] = pa.Field(isin=_ORDER["col"])
    value: Series[float] = pa.Field(nullable=True)
    raw: Series[pd.CategoricalDtype] = pa.Field(nullable=True)
    # value | blank | text | unplaced, exactly these categories (see audit.contracts.report.CELL_STATES)
    state: Series[pd.CategoricalDtype] = pa.Field(dtype_kwargs={"categories": list(CELL_STATES)})

    @pa.dataframe_check(raise_warning=True, error="counts are non-negative except 本年增/减")
    @classmethod
    def counts_non_negative(cls, df: pd.DataFrame) -> pd.Series:
        return ~(df["value"] < 0) | df["col"].isin(_SIGNED)

    @pa.dataframe_check(error="a cell has a value exactly when its state is 'value'")
    @classmethod
    def value_iff_state_value(cls, df: pd.DataFrame) -> pd.Series | bool:
        state = df["state"]
        if isinstance(state.dtype, pd.CategoricalDtype):  # compare codes, not 20 million strings
            cats = list(state.cat.categories)
            is_value = state.cat.codes.to_numpy() == (cats.index("value") if "value" in cats else -2)
        else:
            is_value = (state == "value").to_numpy()
        ok = is_value == df["value"].notna().to_numpy()
        return True if ok.all() else pd.Series(ok, index=df.index)

    @pa.dataframe_check(error="one cell per (report_id, table, row, col)")
    @classmethod
    def one_cell_per_key(cls, df: pd.DataFrame) -> pd.Series | bool:
        """Uniqueness of the key, from the category codes: one sort of int64 instead of pandas'
        multi-column ``duplicated`` (which took seconds at millions of cells)."""
        key = _cell_keys(df)
        ordered = np.sort(key)
        if not len(key) or bool((ordered[1:] != ordered[:-1]).all()):
            return True
        return ~pd.Series(key, index=df.index).duplicated(keep=False)

    class Config:
        strict = True


def _cell_keys(df: pd.DataFrame) -> np.ndarray:
    """One int64 per cell naming its (report_id, table, row, col) from the categorical codes."""
    key = np.zeros(len(df), dtype=np.int64)
    for name in ("report_id", "table", "row", "col"):
        col = df[name]
        codes = col.cat.codes.to_numpy() if isinstance(col.dtype, pd.CategoricalDtype) else pd.factorize(col)[0]
        size = len(col.cat.categories) if isinstance(col.dtype, pd.CategoricalDtype) else int(codes.max(initial=0))
        # key * (size + 1) + (code + 1), in place: +1 makes a missing key (-1) its own value, and
        # no temporary of 20 million int64 is made per step.
        key *= size + 1
        key += codes
        key += 1
    return key


class ProblemsFrame(pa.DataFrameModel):
    """One row per problem a reader recorded."""

    report_id: Series[str]
    kind: Series[str]
    table: Series[str] = pa.Field(nullable=True)
    row: Series[str] = pa.Field(nullable=True)
    col: Series[str] = pa.Field(nullable=True)
    detail: Series[str]

    class Config:
        strict = True
        coerce = True
