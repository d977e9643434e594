"""Shared helpers of the built-in packs: cell states, row access, stacking masks into findings.

Kept small and stable on purpose: other packs import it. Everything here works on whole-corpus
frames (``Corpus.wide`` shapes), never on one report at a time.

Cell states, as the normalised report records them:

- a *value*: ``value`` is a number;
- a *printed blank*: ``value`` null and ``raw`` one of the blank marks ("", "/", "-", "—", "无");
  the packs read it as 0 (a total printed blank is reported separately as info);
- *unsure*: ``value`` null and ``raw`` null (the reader could not place the cell: short row) or
  ``raw`` some non-numeric text, or any cell of a row (or table) the reader flagged as incomplete
  (``missing_cells`` / ``ambiguous_split``). Identities involving an unsure cell are not asserted:
  the structure pack reports the underlying problem once instead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import audit
from audit import catalogue
from audit.rule import fmt_series

if TYPE_CHECKING:
    from audit.loader import Corpus

VERSION = audit.__version__

#: Absolute tolerance when comparing sums (values are floats; money columns carry decimals).
TOL = 1e-6

#: Raw texts that mean "printed blank" (value null, but the cell is there).
BLANK_MARKS = frozenset({"", "/", "／", "\\", "-", "－", "—", "——", "–", "无", "空"})

#: Reader problem kinds that make a whole row (or table, when ``row`` is null) untrustworthy.
INCOMPLETE_KINDS = ("missing_cells", "ambiguous_split")


def cat() -> catalogue.Catalogue:
    return catalogue.load()


def _cache(corpus: Corpus) -> dict:
    # Corpus keeps derived views in ``_wide`` so every rule of a run shares them.
    return corpus._wide


def _raw_is_blank(raw: pd.Series) -> np.ndarray:
    """True where a raw text is a blank mark (categorical-aware: decides once per category)."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        cats = pd.Series(raw.cat.categories.astype(str))
        blank_cat = cats.str.strip().str.strip("\u3000").isin(BLANK_MARKS).to_numpy()
        codes = raw.cat.codes.to_numpy()
        return np.where(codes >= 0, blank_cat[np.clip(codes, 0, None)] if len(blank_cat) else False, False)
    s = raw.astype(object)
    return s.notna().to_numpy() & s.fillna("").astype(str).str.strip().str.strip("\u3000").isin(BLANK_MARKS).to_numpy()


def _pivot_flag(corpus: Corpus, table: str, flag: np.ndarray) -> pd.DataFrame:
    """A per-cell boolean, pivoted to the shape of ``corpus.wide(table)`` (False where no cell)."""
    w = corpus.wide(table)
    cells = corpus.cells
    sel = (cells["table"] == table).to_numpy()
    sub = pd.DataFrame({"report_id": cells["report_id"].to_numpy()[sel], "row": cells["row"].to_numpy()[sel],
                        "col": cells["col"].astype(str).to_numpy()[sel], "flag": flag[sel]})
    sub = sub[sub["flag"]]
    out = pd.DataFrame(False, index=w.index, columns=w.columns)
    if len(sub) and len(w):
        p = sub.pivot_table(index=["report_id", "row"], columns="col", values="flag", aggfunc="any",
                            observed=True, fill_value=False)
        p.columns = p.columns.astype(str)
        p = p.reindex(index=w.index, columns=w.columns, fill_value=False)
        out = p.astype(bool)
    return out


def blank(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``wide(table)``: True where the cell is printed blank."""
    key = f"_common:blank:{table}"
    cache = _cache(corpus)
    if key not in cache:
        cells = corpus.cells
        flag = cells["value"].isna().to_numpy() & _raw_is_blank(cells["raw"])
        cache[key] = _pivot_flag(corpus, table, flag)
    return cache[key]


def unsure(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``wide(table)``: True where the value cannot be trusted (see module doc)."""
    key = f"_common:unsure:{table}"
    cache = _cache(corpus)
    if key not in cache:
        cells = corpus.cells
        raw_blank = _raw_is_blank(cells["raw"])
        flag = cells["value"].isna().to_numpy() & ~raw_blank
        out = _pivot_flag(corpus, table, flag)
        probs = corpus.problems
        probs = probs[probs["kind"].isin(INCOMPLETE_KINDS) & (probs["table"] == table)]
        if len(probs) and len(out):
            rids = out.index.get_level_values("report_id").astype(str)
            rows = out.index.get_level_values("row").astype(str)
            whole = probs["row"].isna()
            bad_table = rids.isin(probs.loc[whole, "report_id"].astype(str))
            keyed = pd.MultiIndex.from_arrays([probs.loc[~whole, "report_id"].astype(str),
                                               probs.loc[~whole, "row"].astype(str)])
            bad_row = pd.MultiIndex.from_arrays([rids, rows]).isin(keyed)
            out = out.copy()
            out.loc[np.asarray(bad_table | bad_row), :] = True
        cache[key] = out
    return cache[key]


def take_row(frame: pd.DataFrame, row: str, ids: pd.Index | None = None) -> pd.DataFrame:
    """One row of a wide-shaped frame, indexed by report_id (reports lacking the row get NaN)."""
    rows = frame.index.get_level_values("row")
    sub = frame[np.asarray(rows == row)]
    sub = sub.droplevel("row")
    sub.index = sub.index.astype(str)
    if ids is not None:
        sub = sub.reindex(ids)
    return sub


def report_ids(frame: pd.DataFrame) -> pd.Index:
    """The report ids of a wide-shaped frame, as strings, in first-seen order."""
    return pd.Index(frame.index.get_level_values("report_id").astype(str).unique())


def stack_mask(mask: pd.DataFrame, *values: pd.DataFrame) -> pd.DataFrame:
    """Turn a boolean frame into one row per True cell, with the index levels, ``col`` and values.

    ``values`` are frames of the same shape; their entries at the True cells come back as
    columns ``v0``, ``v1``, …
    """
    m = mask.fillna(False).astype(bool)
    s = m.stack()
    s = s[s.to_numpy()]
    out = s.index.to_frame(index=False)
    out.columns = [*(n or f"level{i}" for i, n in enumerate(mask.index.names)), "col"]
    for i, v in enumerate(values):
        vv = v.reindex(index=m.index, columns=m.columns).stack()
        out[f"v{i}"] = vv.reindex(s.index).to_numpy()
    for c in out.columns:
        if out[c].dtype != object and not pd.api.types.is_numeric_dtype(out[c]):
            out[c] = out[c].astype(str)
    return out


def places(table: str, rows: Iterable[str | None] | str | None, cols: Iterable[str | None] | str | None,
           n: int | None = None) -> pd.Series:
    """Printed place of each (row, col), e.g. 「三、…」表“（七）总计”行“自然人”列 (computed once per pair)."""
    c = cat()
    if n is None:
        for v in (rows, cols):
            if v is not None and not isinstance(v, str):
                n = len(list(v)) if not hasattr(v, "__len__") else len(v)  # type: ignore[arg-type]
                break
    n = n or 0
    r = [rows] * n if rows is None or isinstance(rows, str) else list(rows)
    k = [cols] * n if cols is None or isinstance(cols, str) else list(cols)
    memo: dict[tuple, str] = {}
    out = []
    for pair in zip(r, k, strict=True):
        if pair not in memo:
            memo[pair] = c.place(table, pair[0], pair[1])
        out.append(memo[pair])
    return pd.Series(out, dtype=object)


def num(s: pd.Series | Sequence) -> pd.Series:
    """Numbers formatted as a supervisor reads them (5, 12.5, 空)."""
    return fmt_series(pd.Series(list(s), dtype=object)).reset_index(drop=True)


def editions(corpus: Corpus) -> pd.Series:
    """Edition of each report ("2019", "2021" or NaN), indexed by report_id."""
    r = corpus.reports
    return pd.Series(r["edition"].astype(object).to_numpy(), index=r["report_id"].astype(str).to_numpy())


def problems_of(corpus: Corpus, kinds: Iterable[str]) -> pd.DataFrame:
    """Reader problems of the given kinds."""
    p = corpus.problems
    return p[p["kind"].isin(list(kinds))].reset_index(drop=True)


def leaf_rows() -> list[str]:
    """Rows summed by （七）总计 in either edition (a report is summed over the rows it has)."""
    seen: dict[str, None] = {}
    for ed in catalogue.EDITIONS:
        for r in cat().request_leaf_rows(ed):
            seen[r] = None
    return list(seen)


def sum_parts(values: pd.DataFrame, unsure_cells: pd.DataFrame,
              parts: list[str]) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Row-wise sum of the part columns (blank = 0), whether all parts are zero, whether any is unsure."""
    cols = [p for p in parts if p in values.columns]
    v = values.reindex(columns=cols).fillna(0.0)
    total = v.sum(axis=1)
    all_zero = (v.abs() < TOL).all(axis=1)
    any_unsure = unsure_cells.reindex(columns=cols, fill_value=False).any(axis=1)
    return total, all_zero, any_unsure


def requests_effective(corpus: Corpus) -> pd.DataFrame:
    """``wide("requests")`` with each 总计-column cell printed blank replaced by its row's applicant sum.

    A blank total is not 0 (tables that leave totals blank still fill their parts), so identities
    that use the 总计 column as a part (（七）总计 over the leaves, the column balance) read the
    total the row implies. Unsure cells stay NaN and keep their own masks.
    """
    key = "_common:requests_effective"
    cache = _cache(corpus)
    if key not in cache:
        w = corpus.wide("requests")
        if len(w) and "total" in w.columns:
            parts = [col for col in cat().applicant_columns if col in w.columns]
            implied = w[parts].fillna(0.0).sum(axis=1)
            fill = blank(corpus, "requests")["total"].to_numpy()
            w = w.copy()
            w["total"] = w["total"].where(~fill, implied)
        cache[key] = w
    return cache[key]


def leaf_sums(corpus: Corpus) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.Index]:
    """Per report (rows) and column: sum of the requests leaf rows the report has (blank = 0),
    whether they are all zero, whether any is unsure; plus the report ids."""
    w = requests_effective(corpus)
    ids = report_ids(w)
    is_leaf = np.asarray(w.index.get_level_values("row").isin(leaf_rows()))
    leaves = w[is_leaf].fillna(0.0)
    un = unsure(corpus, "requests")[is_leaf]
    lvl = np.asarray(leaves.index.get_level_values("report_id").astype(str))
    sums = leaves.groupby(lvl).sum().reindex(ids)
    all_zero = (leaves.abs() < TOL).groupby(lvl).all().reindex(ids)
    any_unsure = un.groupby(lvl).any().reindex(ids)
    return sums, all_zero.fillna(True).astype(bool), any_unsure.fillna(False).astype(bool), ids
