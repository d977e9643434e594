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


def _row_keys(index: pd.MultiIndex, rids, rows) -> np.ndarray:
    """Positions in a (report_id, row) index of the given pairs (-1 where absent), via level codes."""
    n_rows = len(index.levels[1]) + 1
    w_keys = index.codes[0].astype(np.int64) * n_rows + index.codes[1]
    r0 = index.levels[0].get_indexer(pd.Index(np.asarray(rids, dtype=object)).astype(str))
    r1 = index.levels[1].get_indexer(pd.Index(np.asarray(rows, dtype=object)).astype(str))
    keys = np.where((r0 >= 0) & (r1 >= 0), r0.astype(np.int64) * n_rows + r1, -1)
    pos = pd.Index(w_keys).get_indexer(keys)
    return np.where(keys >= 0, pos, -1)


def values(corpus: Corpus, table: str) -> pd.DataFrame:
    """``corpus.wide(table)`` with every column the table has in the corpus.

    ``Corpus.wide`` drops columns that are NaN everywhere; a column printed blank in every report
    (e.g. all 总计 left empty) must still be seen, so it is put back (all NaN).
    """
    key = f"_common:values:{table}"
    cache = _cache(corpus)
    if key not in cache:
        w = corpus.wide(table)
        cells = corpus.cells
        codes = cells["col"].cat.codes.to_numpy()[(cells["table"] == table).to_numpy()]
        used = cells["col"].cat.categories[np.unique(codes[codes >= 0])].astype(str)
        missing = [col for col in used if col not in w.columns]
        cache[key] = w.reindex(columns=[*w.columns, *missing]) if missing else w
    return cache[key]


def _pivot_flag(corpus: Corpus, table: str, flag: np.ndarray) -> pd.DataFrame:
    """A per-cell boolean, placed in the shape of ``values(corpus, table)`` (False where no cell).

    Flags are rare, so only flagged cells are located (no pivot over the whole table).
    """
    w = values(corpus, table)
    out = np.zeros(w.shape, dtype=bool)
    cells = corpus.cells
    sel = flag & (cells["table"] == table).to_numpy()
    if sel.any() and len(w):
        sub = cells[sel]
        pos = _row_keys(w.index, sub["report_id"].to_numpy(), sub["row"].to_numpy())
        col = w.columns.get_indexer(sub["col"].astype(str))
        ok = (pos >= 0) & (col >= 0)
        out[pos[ok], col[ok]] = True
    return pd.DataFrame(out, index=w.index, columns=w.columns)


def _cell_flags(corpus: Corpus) -> tuple[np.ndarray, np.ndarray]:
    """Per cell of ``corpus.cells``: printed blank, and unplaced-or-non-numeric (computed once)."""
    key = "_common:cell_flags"
    cache = _cache(corpus)
    if key not in cache:
        cells = corpus.cells
        na = cells["value"].isna().to_numpy()
        raw_blank = _raw_is_blank(cells["raw"])
        cache[key] = (na & raw_blank, na & ~raw_blank)
    return cache[key]


def blank(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``values(corpus, table)``: True where the cell is printed blank."""
    key = f"_common:blank:{table}"
    cache = _cache(corpus)
    if key not in cache:
        cache[key] = _pivot_flag(corpus, table, _cell_flags(corpus)[0])
    return cache[key]


def unplaced(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``values(corpus, table)``: True where the cell exists but has no value and is not
    a printed blank (the reader could not place it, or its text is not a number)."""
    key = f"_common:unplaced:{table}"
    cache = _cache(corpus)
    if key not in cache:
        cache[key] = _pivot_flag(corpus, table, _cell_flags(corpus)[1])
    return cache[key]


def present(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``values(corpus, table)``: True where the report has the cell at all.

    Same meaning as ``Corpus.present`` but derived from the value, blank and unplaced masks, which
    avoids a second pivot over the whole table.
    """
    key = f"_common:present:{table}"
    cache = _cache(corpus)
    if key not in cache:
        w = values(corpus, table)
        cache[key] = w.notna() | blank(corpus, table) | unplaced(corpus, table)
    return cache[key]


def unsure(corpus: Corpus, table: str) -> pd.DataFrame:
    """Boolean frame shaped like ``values(corpus, table)``: True where the value cannot be trusted (see module doc)."""
    key = f"_common:unsure:{table}"
    cache = _cache(corpus)
    if key not in cache:
        out = unplaced(corpus, table)
        probs = corpus.problems
        probs = probs[probs["kind"].isin(INCOMPLETE_KINDS) & (probs["table"] == table)]
        if len(probs) and len(out):
            idx = out.index
            whole = probs["row"].isna().to_numpy()
            rid_codes = idx.levels[0].get_indexer(pd.Index(probs.loc[whole, "report_id"].astype(str)))
            bad = np.isin(idx.codes[0], rid_codes[rid_codes >= 0])
            pos = _row_keys(idx, probs.loc[~whole, "report_id"].to_numpy(), probs.loc[~whole, "row"].to_numpy())
            bad[pos[pos >= 0]] = True
            arr = out.to_numpy().copy()
            arr[bad, :] = True
            out = pd.DataFrame(arr, index=idx, columns=out.columns)
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
    return pd.Index(frame.index.get_level_values("report_id").unique().astype(str))


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
    """``values(corpus, "requests")`` with each 总计-column cell printed blank replaced by its row's applicant sum.

    A blank total is not 0 (tables that leave totals blank still fill their parts), so identities
    that use the 总计 column as a part (（七）总计 over the leaves, the column balance) read the
    total the row implies. Unsure cells stay NaN and keep their own masks.
    """
    key = "_common:requests_effective"
    cache = _cache(corpus)
    if key not in cache:
        w = values(corpus, "requests")
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
