"""Shared helpers of the built-in packs: cell states, tables as dense arrays, places and numbers.

Kept small and stable on purpose: other packs import it. Everything here works on the whole
corpus at once, never on one report at a time, and every derived view is computed once per
corpus through ``Corpus.derived`` (keys start with ``_common:``).

Cell states, as the normalised report records them:

- a *value*: ``value`` is a number;
- a *printed blank*: ``value`` null and ``raw`` one of the blank marks ("", "/", "-", "—", "无");
  the packs read it as 0 (a total printed blank is reported separately as info);
- *unsure*: ``value`` null and ``raw`` null (the reader could not place the cell: short row) or
  ``raw`` some non-numeric text, or any cell of a row (or table) the reader flagged as incomplete
  (``missing_cells`` / ``ambiguous_split``). Identities involving an unsure cell are not asserted:
  the structure pack reports the underlying problem once instead.

A table is read as a ``Grid``: numpy arrays indexed [report, row, col] built straight from the
cells' category codes (a pivot of 20 million cells would cost seconds per table).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

import audit
from audit import catalogue
from audit.rule import fmt_series, found

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


def _raw_is_blank(raw: pd.Series) -> np.ndarray:
    """True where a raw text is a blank mark (categorical-aware: decides once per category)."""
    if isinstance(raw.dtype, pd.CategoricalDtype):
        cats = pd.Series(raw.cat.categories.astype(str))
        blank_cat = cats.str.strip().str.strip("\u3000").isin(BLANK_MARKS).to_numpy()
        codes = raw.cat.codes.to_numpy()
        return np.where(codes >= 0, blank_cat[np.clip(codes, 0, None)] if len(blank_cat) else False, False)
    s = raw.astype(object)
    return s.notna().to_numpy() & s.fillna("").astype(str).str.strip().str.strip("\u3000").isin(BLANK_MARKS).to_numpy()


# -- the cells as numpy arrays ---------------------------------------------------------------------

@dataclass(frozen=True)
class CellCodes:
    """The cells frame as plain arrays (category codes, values), built once per corpus."""

    report: np.ndarray  # codes into ``report_ids``
    table: np.ndarray  # codes into ``tables``; -1 for a cell without keys (unvalidated frames only)
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray
    blank: np.ndarray  # positions of the cells printed blank
    unplaced: np.ndarray  # positions of the cells with no value that are not blank (short row, not a number)
    report_ids: pd.Index  # the report_id categories, as str
    tables: pd.Index
    rows: pd.Index
    cols: pd.Index


def cell_codes(corpus: Corpus) -> CellCodes:
    return corpus.derived("_common:cell_codes", _cell_codes)


def _cell_codes(corpus: Corpus) -> CellCodes:
    cells = corpus.cells
    keys = {k: cells[k].astype("category") for k in ("report_id", "table", "row", "col")}
    codes = {k: s.cat.codes.to_numpy() for k, s in keys.items()}
    keyless = (codes["report_id"] < 0) | (codes["row"] < 0) | (codes["col"] < 0)
    if keyless.any():  # such cells belong to no table
        codes["table"] = np.where(keyless, -1, codes["table"])
    value = cells["value"].to_numpy(dtype="float64")
    na = np.flatnonzero(np.isnan(value))
    raw_blank = _raw_is_blank(cells["raw"].iloc[na]) if len(na) else np.zeros(0, dtype=bool)
    return CellCodes(
        report=codes["report_id"], table=codes["table"], row=codes["row"], col=codes["col"], value=value,
        blank=na[raw_blank], unplaced=na[~raw_blank],
        report_ids=pd.Index(keys["report_id"].cat.categories.astype(str), dtype=object),
        tables=pd.Index(keys["table"].cat.categories.astype(str)), rows=pd.Index(keys["row"].cat.categories.astype(str)),
        cols=pd.Index(keys["col"].cat.categories.astype(str)))


def _dense_codes(codes: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The codes that occur (ascending) and each code's position among them (-1 if absent)."""
    used = np.flatnonzero(np.bincount(codes, minlength=n)) if len(codes) else np.array([], dtype=np.int64)
    pos = np.full(n, -1, dtype=np.int64)
    pos[used] = np.arange(len(used))
    return used, pos


@dataclass(frozen=True)
class Grid:
    """One table as arrays indexed [report, row, col]; read-only, shared by every rule of a run.

    The report axis holds the reports that have at least one cell of the table, in corpus order;
    rows and columns are those the table has anywhere in the corpus, in category order, columns
    with no value anywhere last (the layout of ``Corpus.wide``). ``value`` is NaN where a cell is
    blank, unplaced or absent; ``present`` says whether the report has the cell at all.
    """

    table: str
    ids: np.ndarray  # report ids (str, object array) of the report axis
    rows: pd.Index
    cols: pd.Index
    value: np.ndarray
    present: np.ndarray
    blank: np.ndarray
    unsure: np.ndarray
    has_row: np.ndarray  # [report, row]: the report has some cell of the row

    def __len__(self) -> int:
        return len(self.ids)

    def r(self, row: str) -> int:
        """Position of ``row`` on the row axis, -1 when no report has it."""
        return int(self.rows.get_indexer([row])[0])

    def c(self, col: str) -> int:
        """Position of ``col`` on the column axis, -1 when no report has it."""
        return int(self.cols.get_indexer([col])[0])

    def cs(self, cols: Iterable[str]) -> list[int]:
        """Positions of the given columns that the table has, in the given order."""
        return [j for j in self.cols.get_indexer(list(cols)) if j >= 0]


def grid(corpus: Corpus, table: str) -> Grid:
    """The ``Grid`` of ``table`` (computed once per corpus)."""
    return corpus.derived(f"_common:grid:{table}", lambda c: _build_grid(c, table))


def _build_grid(corpus: Corpus, table: str) -> Grid:
    cc = cell_codes(corpus)
    t = cc.tables.get_indexer([table])[0]
    sel = np.flatnonzero(cc.table == t) if t >= 0 else np.array([], dtype=np.int64)
    rep, row, col = cc.report[sel], cc.row[sel], cc.col[sel]
    reps, rpos = _dense_codes(rep, len(cc.report_ids))
    rows, ipos = _dense_codes(row, len(cc.rows))
    cols, jpos = _dense_codes(col, len(cc.cols))
    shape = (len(reps), len(rows), len(cols))

    def flat_of(r: np.ndarray, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        f = rpos[r]
        f *= shape[1]
        f += ipos[i]
        f *= shape[2]
        f += jpos[j]
        return f

    flat = flat_of(rep, row, col)
    value = np.full(shape, np.nan)
    value.ravel()[flat] = cc.value[sel]
    present = np.zeros(shape, dtype=bool)
    present.ravel()[flat] = True
    if np.count_nonzero(present) != len(flat):  # a duplicated cell (unvalidated frames) keeps its first value
        val = cc.value[sel]
        keep = ~np.isnan(val)
        value.ravel()[flat[keep][::-1]] = val[keep][::-1]
    flags = []
    for idx in (cc.blank, cc.unplaced):
        idx = idx[cc.table[idx] == t]
        a = np.zeros(shape, dtype=bool)
        a.ravel()[flat_of(cc.report[idx], cc.row[idx], cc.col[idx])] = True
        flags.append(a)
    valued = ~np.isnan(value).all(axis=(0, 1))
    arrays = [value, present, *flags]
    if not valued.all():  # columns with no value anywhere go last, as in ``Corpus.wide``
        order = np.r_[np.flatnonzero(valued), np.flatnonzero(~valued)]
        cols = cols[order]
        arrays = [np.ascontiguousarray(a[:, :, order]) for a in arrays]
    value, present, blank, unplaced = arrays
    g = Grid(table=table, ids=cc.report_ids.to_numpy(dtype=object)[reps], rows=cc.rows[rows], cols=cc.cols[cols],
             value=value, present=present, blank=blank, unsure=unplaced, has_row=present.any(axis=2))
    _mark_incomplete_rows(corpus, g)
    return g


def _mark_incomplete_rows(corpus: Corpus, g: Grid) -> None:
    """Every cell of a row (or of the whole table, when the problem names no row) the reader
    flagged as incomplete becomes unsure; only rows the report has are touched."""
    p = corpus.problems
    p = p[p["kind"].isin(INCOMPLETE_KINDS).to_numpy() & (p["table"] == g.table).to_numpy()]
    if not len(p) or not len(g):
        return
    r = pd.Index(g.ids).get_indexer(p["report_id"].astype(str))
    whole = p["row"].isna().to_numpy()
    i = g.rows.get_indexer(p["row"].astype(object).where(~whole, None))
    bad = np.zeros(g.has_row.shape, dtype=bool)
    bad[r[whole & (r >= 0)]] = True
    ok = ~whole & (r >= 0) & (i >= 0)
    bad[r[ok], i[ok]] = True
    g.unsure[bad & g.has_row] = True


def report_positions(corpus: Corpus, ids: Sequence[str] | np.ndarray) -> np.ndarray:
    """Positions of report ids in ``corpus.reports`` (-1 if absent)."""
    return corpus.derived("_common:report_index", lambda c: pd.Index(c.reports["report_id"].astype(str)))\
        .get_indexer(pd.Index(np.asarray(ids, dtype=object)))


# -- identities over a grid ------------------------------------------------------------------------

def sum_parts(g: Grid, parts: Sequence[str], value: np.ndarray | None = None
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per [report, row]: sum of the part columns (blank = 0), whether all are zero, whether any is unsure."""
    j = g.cs(parts)
    v = np.nan_to_num((g.value if value is None else value)[:, :, j], nan=0.0)
    total = np.zeros(g.has_row.shape)
    for k in range(len(j)):  # left to right, as a person adds them
        total += v[:, :, k]
    return total, (np.abs(v) < TOL).all(axis=2), g.unsure[:, :, j].any(axis=2)


def requests_effective(corpus: Corpus) -> np.ndarray:
    """Values of the requests grid with each 总计-column cell printed blank replaced by its row's applicant sum.

    A blank total is not 0 (tables that leave totals blank still fill their parts), so identities
    that use the 总计 column as a part (（七）总计 over the leaves, the column balance) read the
    total the row implies. Unsure cells stay NaN and keep their own masks.
    """
    return corpus.derived("_common:requests_effective", _requests_effective)


def _requests_effective(corpus: Corpus) -> np.ndarray:
    g = grid(corpus, "requests")
    t = g.c("total")
    if not len(g) or t < 0:
        return g.value
    implied, _, _ = sum_parts(g, cat().applicant_columns)
    w = g.value.copy()
    w[:, :, t] = np.where(g.blank[:, :, t], implied, w[:, :, t])
    return w


def leaf_rows() -> list[str]:
    """Rows summed by （七）总计 in either edition (a report is summed over the rows it has)."""
    seen: dict[str, None] = {}
    for ed in catalogue.EDITIONS:
        for r in cat().request_leaf_rows(ed):
            seen[r] = None
    return list(seen)


def leaf_sums(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per [report, col] of the requests grid: sum of the leaf rows the report has (blank = 0; NaN
    when it has none), whether they are all zero, whether any is unsure."""
    return corpus.derived("_common:leaf_sums", _leaf_sums)


def _leaf_sums(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = grid(corpus, "requests")
    w = requests_effective(corpus)
    i = [k for k in g.rows.get_indexer(leaf_rows()) if k >= 0]
    i.sort()  # the rows' order in the table
    leaves = np.nan_to_num(w[:, i, :], nan=0.0)
    sums = np.zeros((len(g), len(g.cols)))
    for k in range(len(i)):
        sums += leaves[:, k, :]
    any_leaf = g.has_row[:, i].any(axis=1)
    sums[~any_leaf] = np.nan
    all_zero = (np.abs(leaves) < TOL).all(axis=1)
    return sums, all_zero, g.unsure[:, i, :].any(axis=1)


def at(g: Grid, a: np.ndarray, row: str) -> np.ndarray:
    """``a`` ([report, row, col]) at one row, [report, col]; NaN/False when no report has the row."""
    i = g.r(row)
    if i >= 0:
        return a[:, i, :]
    return np.full((len(g), len(g.cols)), np.nan if a.dtype.kind == "f" else False, dtype=a.dtype)


def grid_findings(g: Grid, hits: tuple[np.ndarray, ...], message: pd.Series, *, row: object, col: object,
                  expected: np.ndarray, actual: np.ndarray) -> pd.DataFrame:
    """Findings at ``hits`` (the first array indexes reports), located in the grid's table."""
    return found(pd.Series(g.ids[hits[0]], dtype=object), message, table=g.table, row=row, col=col,
                 expected=expected, actual=actual)


# -- places and numbers ----------------------------------------------------------------------------

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
    return fmt_series(pd.Series(np.asarray(s, dtype=object) if not isinstance(s, pd.Series) else s.to_numpy(),
                                dtype=object)).reset_index(drop=True)


def editions(corpus: Corpus) -> pd.Series:
    """Edition of each report ("2019", "2021" or NaN), indexed by report_id."""
    r = corpus.reports
    return pd.Series(r["edition"].astype(object).to_numpy(), index=r["report_id"].astype(str).to_numpy())


def problems_of(corpus: Corpus, kinds: Iterable[str]) -> pd.DataFrame:
    """Reader problems of the given kinds."""
    p = corpus.problems
    return p[p["kind"].isin(list(kinds))].reset_index(drop=True)


def table_counts(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per report (``corpus.reports`` order) and table (``catalogue.TABLES`` order): how many cells,
    how many with a value, how many with a non-zero value."""
    return corpus.derived("_common:table_counts", _table_counts)


def _table_counts(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    cc = cell_codes(corpus)
    n_cat, n_tab = len(cc.report_ids), len(cc.tables) + 1
    key = cc.report.astype(np.int64) * n_tab + (cc.table + 1)  # table -1 (no keys) counts nowhere below
    if len(key) and key.min() < 0:
        key = np.maximum(key, 0)
    with np.errstate(invalid="ignore"):
        counts = [np.bincount(k, minlength=n_cat * n_tab).reshape(n_cat, n_tab)
                  for k in (key, key[~np.isnan(cc.value)], key[np.abs(cc.value) > TOL])]
    rpos = report_positions(corpus, cc.report_ids)
    tpos = cc.tables.get_indexer(list(catalogue.TABLES)) + 1
    out = []
    for n in counts:
        o = np.zeros((len(corpus.reports), len(catalogue.TABLES)), dtype=np.int64)
        o[rpos[rpos >= 0]] = np.where(tpos > 0, n[:, tpos], 0)[rpos >= 0]
        out.append(o)
    return out[0], out[1], out[2]
