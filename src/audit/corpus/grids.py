"""The tables as dense numpy grids, [report, row, col], with each cell's state: the view every pack
reads tables through (``audit.api.grid``; also ``Corpus.grid``).

Everything here works on the whole corpus at once, never on one report at a time, and every view
is computed once per corpus through ``Corpus.derived`` (keys start with ``corpus:``).

Cell states, as the reader decided them (the cells frame's ``state`` column; never re-derived from ``raw``):

- ``value``: a number was read;
- ``blank``: printed blank ("", "/", "-", "—", "无"…); the built-in packs read a blank part as 0
  (a total printed blank is reported separately as info);
- *unsure*: ``text`` (printed something that is not a number) or ``unplaced`` (the reader could not
  place the cell: short row), or any cell of a row (or table) the reader flagged as incomplete
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

from audit.contracts import catalogue
from audit.contracts.identities import TOLERANCE
from audit.contracts.report import CELL_STATES

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

#: Absolute tolerance when comparing sums (values are floats; money columns carry decimals).
TOL = TOLERANCE

#: Reader problem kinds that make a whole row (or table, when ``row`` is null) untrustworthy.
INCOMPLETE_KINDS = ("missing_cells", "ambiguous_split")


# -- the cells as numpy arrays ---------------------------------------------------------------------

@dataclass(frozen=True)
class CellCodes:
    """The cells frame as plain arrays (category codes, values), built once per corpus."""

    report: np.ndarray  # codes into ``report_ids``
    table: np.ndarray  # codes into ``tables``; -1 for a cell without keys (unvalidated frames only)
    row: np.ndarray
    col: np.ndarray
    value: np.ndarray
    state: np.ndarray  # codes into ``CELL_STATES`` (value, blank, text, unplaced), as the reader decided
    blank: np.ndarray  # positions of the cells printed blank
    unplaced: np.ndarray  # positions of the cells with no value that are not blank (text, or not placed)
    report_ids: np.ndarray  # the report_id categories, as str (object array)
    tables: pd.Index
    rows: pd.Index
    cols: pd.Index


def cell_codes(corpus: Corpus) -> CellCodes:
    return corpus.derived("corpus:cell_codes", _cell_codes)


def _cell_codes(corpus: Corpus) -> CellCodes:
    cells = corpus.cells
    keys = {k: cells[k].array if isinstance(cells[k].dtype, pd.CategoricalDtype) else pd.Categorical(cells[k])
            for k in ("report_id", "table", "row", "col")}  # the frames' categoricals, not copies
    codes = {k: cat.codes for k, cat in keys.items()}
    keyless = (codes["report_id"] < 0) | (codes["row"] < 0) | (codes["col"] < 0)
    if keyless.any():  # such cells belong to no table
        codes["table"] = np.where(keyless, -1, codes["table"])
    value = cells["value"].to_numpy(dtype="float64")
    state = cell_states(cells)
    return CellCodes(
        report=codes["report_id"], table=codes["table"], row=codes["row"], col=codes["col"], value=value,
        state=state, blank=np.flatnonzero(state == BLANK), unplaced=np.flatnonzero(state >= TEXT),
        report_ids=keys["report_id"].categories.astype(str).to_numpy(dtype=object),
        tables=pd.Index(keys["table"].categories.astype(str)), rows=pd.Index(keys["row"].categories.astype(str)),
        cols=pd.Index(keys["col"].categories.astype(str)))


VALUE, BLANK, TEXT, UNPLACED = range(4)  # codes of CELL_STATES


def cell_states(cells: pd.DataFrame) -> np.ndarray:
    """The ``state`` column as codes of ``CELL_STATES`` (value 0, blank 1, text 2, unplaced 3)."""
    state = cells["state"]
    if isinstance(state.dtype, pd.CategoricalDtype) and list(state.cat.categories) == list(CELL_STATES):
        return state.cat.codes.to_numpy()
    return pd.Categorical(state, categories=list(CELL_STATES)).codes


@dataclass(frozen=True)
class Grid:
    """One table as arrays indexed [report, row, col]; read-only, shared by every rule of a run.

    The report axis holds every report of the cells frame, in corpus order; rows and columns are
    those the table has anywhere in the corpus, in category order. ``value`` is NaN where a cell is
    blank, unplaced or absent; ``present`` says whether the report has the cell at all. Findings
    that run along a row list its columns in ``col_order`` (columns with no value anywhere last,
    as ``Corpus.wide`` lays them out).
    """

    table: str
    ids: np.ndarray  # report ids (str, object array) of the report axis
    rows: pd.Index
    cols: pd.Index
    col_order: np.ndarray
    value: np.ndarray
    present: np.ndarray
    blank: np.ndarray
    unsure: np.ndarray
    has_row: np.ndarray  # [report, row]: the report has some cell of the row

    @property
    def empty(self) -> bool:
        """No report has a cell of this table."""
        return not self.present.size

    def r(self, row: str) -> int:
        """Position of ``row`` on the row axis, -1 when no report has it."""
        return int(self.rows.get_indexer([row])[0])

    def c(self, col: str) -> int:
        """Position of ``col`` on the column axis, -1 when no report has it."""
        return int(self.cols.get_indexer([col])[0])

    def cs(self, cols: Iterable[str]) -> list[int]:
        """Positions of the given columns that the table has, in the given order."""
        return [j for j in self.cols.get_indexer(list(cols)) if j >= 0]

    def col_hits(self, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``np.nonzero`` of a [report, col] mask, columns of a report in ``col_order``."""
        r, k = np.nonzero(mask[:, self.col_order])
        return r, self.col_order[k]


def grid(corpus: Corpus, table: str) -> Grid:
    """The ``Grid`` of ``table`` (all tables are built together, once per corpus)."""
    return corpus.derived("corpus:grids", _build_grids)[table]


_BLOCK = 1 << 20  # cells per block: temporaries this size stay in the allocator's reused memory


def _slots(cc: CellCodes, block: slice, n_row: int, n_col: int) -> np.ndarray:
    """(table, row, col) of the cells in ``block`` as one number; -1 for a cell without keys."""
    table = cc.table[block]
    slot = table.astype(np.intp)
    slot *= n_row
    slot += cc.row[block]
    slot *= n_col
    slot += cc.col[block]
    slot[table < 0] = -1
    return slot


def _build_grids(corpus: Corpus) -> dict[str, Grid]:
    """Every table's grid, the three [report, row, col] blocks one after the other in one buffer.

    Cells are placed block by block (two passes: which (row, col) each table uses, then where each
    cell goes), so no temporary array is as long as the cells frame.
    """
    cc = cell_codes(corpus)
    n_rep, n_tab, n_row, n_col = len(cc.report_ids), len(cc.tables), len(cc.rows), len(cc.cols)
    n_slot = n_tab * n_row * n_col
    blocks = [slice(lo, lo + _BLOCK) for lo in range(0, len(cc.table), _BLOCK)]
    used = np.zeros(n_slot + 1, dtype=bool)
    for b in blocks:
        used[_slots(cc, b, n_row, n_col)] = True  # index -1 is the extra last entry
    used = used[:-1].reshape(n_tab, n_row, n_col)
    start, per_report, layout = 0, np.zeros(n_slot + 1, dtype=np.int64), {}
    local = np.full(n_slot + 1, -1, dtype=np.int64)
    for t in range(n_tab):
        rows, cols = np.flatnonzero(used[t].any(axis=1)), np.flatnonzero(used[t].any(axis=0))
        i, j = np.meshgrid(rows, cols, indexing="ij")
        size = len(rows) * len(cols)
        s = ((t * n_row + i) * n_col + j).ravel()
        local[s] = start + np.arange(size)
        per_report[s] = size
        layout[t] = (start, rows, cols)
        start += n_rep * size
    # A cell at report r and slot s sits at start_t + r * size_t + (i * n_cols_t + j); a cell
    # without keys reads the extra last entries (-1, 0) and lands on the dropped last element.
    def positions(b: slice) -> np.ndarray:
        slot = _slots(cc, b, n_row, n_col)
        p = cc.report[b].astype(np.int64)
        p *= per_report[slot]
        p += local[slot]
        return p

    buf_value = np.full(start + 1, np.nan)
    buf_present = np.zeros(start + 1, dtype=bool)
    flags = [np.zeros(start + 1, dtype=bool), np.zeros(start + 1, dtype=bool)]
    for b in blocks:
        p = positions(b)
        buf_value[p] = cc.value[b]
        buf_present[p] = True
        for flag, idx in zip(flags, (cc.blank, cc.unplaced), strict=True):  # positions, ascending
            at = idx[np.searchsorted(idx, b.start):np.searchsorted(idx, b.stop)]
            flag[p[at - b.start]] = True
    duplicates = np.count_nonzero(buf_present[:-1]) != np.count_nonzero(cc.table >= 0)
    if duplicates:  # the same cell twice (frames that skipped validation)
        for b in reversed(blocks):  # a duplicated cell keeps its first value
            p, v = positions(b), cc.value[b]
            keep = ~np.isnan(v)
            buf_value[p[keep][::-1]] = v[keep][::-1]
    grids = {}
    for t, (first, rows, cols) in layout.items():
        shape = (n_rep, len(rows), len(cols))
        seg = slice(first, first + n_rep * len(rows) * len(cols))
        value, present, blank, unplaced = (b[seg].reshape(shape) for b in (buf_value, buf_present, *flags))
        valued = _has_value(value)
        g = Grid(table=cc.tables[t], ids=cc.report_ids, rows=cc.rows[rows], cols=cc.cols[cols],
                 col_order=np.r_[np.flatnonzero(valued), np.flatnonzero(~valued)], value=value, present=present,
                 blank=blank, unsure=unplaced, has_row=_any_col(present))
        _mark_incomplete_rows(corpus, g)
        grids[g.table] = g
    return _GridMap(grids, cc.report_ids, duplicates)


def has_duplicate_cells(corpus: Corpus) -> bool:
    """Whether some cell occurs twice (only in frames that skipped validation)."""
    return corpus.derived("corpus:grids", _build_grids).duplicates


def _any_col(a: np.ndarray) -> np.ndarray:
    """``a.any(axis=2)`` for a handful of columns, as column-wise ORs (faster on a short last axis)."""
    out = np.zeros(a.shape[:2], dtype=bool)
    for j in range(a.shape[2]):
        out |= a[:, :, j]
    return out


def _has_value(value: np.ndarray) -> np.ndarray:
    """Per column: some report has a value there (most columns show one in the first reports)."""
    seen = ~np.isnan(value[:1000]).all(axis=(0, 1))
    for j in np.flatnonzero(~seen):
        seen[j] = not np.isnan(value[:, :, j]).all()
    return seen


class _GridMap(dict):
    """Grids by table name; a table without any cell gets an empty grid."""

    def __init__(self, grids: dict[str, Grid], ids: np.ndarray, duplicates: bool = False) -> None:
        super().__init__(grids)
        self.ids = ids
        self.duplicates = duplicates

    def __missing__(self, table: str) -> Grid:
        shape = (len(self.ids), 0, 0)
        return Grid(table=table, ids=self.ids, rows=pd.Index([], dtype=object), cols=pd.Index([], dtype=object),
                    col_order=np.zeros(0, dtype=np.int64), value=np.full(shape, np.nan),
                    present=np.zeros(shape, dtype=bool), blank=np.zeros(shape, dtype=bool),
                    unsure=np.zeros(shape, dtype=bool), has_row=np.zeros(shape[:2], dtype=bool))


def _mark_incomplete_rows(corpus: Corpus, g: Grid) -> None:
    """Every cell of a row (or of the whole table, when the problem names no row) the reader
    flagged as incomplete becomes unsure, in the reports that have the table; as in
    ``Corpus.wide``, such a report has every row some report has, printed or not."""
    p = corpus.problems
    p = p[p["kind"].isin(INCOMPLETE_KINDS).to_numpy() & (p["table"] == g.table).to_numpy()]
    if not len(p) or g.empty:
        return
    r = pd.Index(g.ids).get_indexer(p["report_id"].astype(str))
    whole = p["row"].isna().to_numpy()
    i = g.rows.get_indexer(p["row"].astype(object).where(~whole, None))
    bad = np.zeros(g.has_row.shape, dtype=bool)
    bad[r[whole & (r >= 0)]] = True
    ok = ~whole & (r >= 0) & (i >= 0)
    bad[r[ok], i[ok]] = True
    g.unsure[bad & g.has_row.any(axis=1)[:, None]] = True


def report_positions(corpus: Corpus, ids: Sequence[str] | np.ndarray) -> np.ndarray:
    """Positions of report ids in ``corpus.reports`` (-1 if absent)."""
    return corpus.derived("corpus:report_index", lambda c: pd.Index(c.reports["report_id"].astype(str)))\
        .get_indexer(pd.Index(np.asarray(ids, dtype=object)))


def table_presence(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per report (``corpus.reports`` order) and table (``catalogue.TABLES`` order): whether it has
    any cell, any value, any non-zero value."""
    return corpus.derived("corpus:table_presence", _table_presence)


def _table_presence(corpus: Corpus) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    shape = (len(corpus.reports), len(catalogue.TABLES))
    out = [np.zeros(shape, dtype=bool) for _ in range(3)]
    for k, table in enumerate(catalogue.TABLES):
        g = grid(corpus, table)
        if g.empty:
            continue
        pos = report_positions(corpus, g.ids)
        ok = pos >= 0
        v = g.value.reshape(len(g.ids), -1)
        got = (g.has_row.any(axis=1), ~np.isnan(v).all(axis=1), ((v > TOL) | (v < -TOL)).any(axis=1))
        for o, x in zip(out, got, strict=True):
            o[pos[ok], k] = x[ok]
    return out[0], out[1], out[2]




def cell_report_positions(corpus: Corpus) -> np.ndarray:
    """Per cell (cells frame order), the position of its report in ``corpus.reports`` (-1 when
    absent): one look-up per report id, then one gather, computed once per corpus."""
    return corpus.derived("corpus:cell_report_positions", _cell_report_positions)


def _cell_report_positions(corpus: Corpus) -> np.ndarray:
    cc = cell_codes(corpus)
    at = report_positions(corpus, cc.report_ids)
    if len(at) == len(corpus.reports) and (at == np.arange(len(at))).all() and (cc.report >= 0).all():
        return cc.report  # the usual case: categories in corpus order (read-only, as every view)
    at = np.r_[at, -1]  # code -1 (a cell without report id) reads the last entry
    return at[cc.report]
