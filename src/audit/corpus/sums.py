"""Sums over the grids for the tables' identities: parts added up per row or per column, whether
they are all zero, whether any is unsure, and the values a blank total stands for.

Built once per corpus (``Corpus.derived``); the identities themselves are the catalogue's
(``audit.contracts.identities``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from audit.contracts import catalogue
from audit.corpus.grids import TOL, Grid, grid

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus


def zeroed(a: np.ndarray) -> np.ndarray:
    """``a`` with NaN read as 0 (a blank part counts as 0)."""
    return np.where(np.isnan(a), 0.0, a)


def sum_parts(corpus: Corpus, table: str, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per [report, row] of ``table``: sum of the part columns (blank = 0), whether all are zero,
    whether any is unsure (computed once per table and parts)."""
    return corpus.derived(f"corpus:sum_parts:{table}:{','.join(parts)}",
                          lambda c: _sum_parts(grid(c, table), parts))


def _sum_parts(g: Grid, parts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    total = np.zeros(g.has_row.shape)
    all_zero = np.ones(g.has_row.shape, dtype=bool)
    any_unsure = np.zeros(g.has_row.shape, dtype=bool)
    for j in g.cs(parts):  # left to right, one column at a time (no copy of the grid)
        v = zeroed(g.value[:, :, j])
        total += v
        all_zero &= (v < TOL) & (v > -TOL)
        any_unsure |= g.unsure[:, :, j]
    return total, all_zero, any_unsure


def effective_values(corpus: Corpus, table: str) -> np.ndarray:
    """Values of ``table``'s grid with each total cell printed blank (the total of an identity across
    columns, e.g. the 总计 column) replaced by its row's parts sum.

    A blank total is not 0 (tables that leave totals blank still fill their parts), so identities
    that use such a total as a term (（七）总计 over the leaves, the column balance) read the total
    the row implies. Unsure cells stay NaN and keep their own masks.
    """
    return corpus.derived(f"corpus:effective:{table}", lambda c: _effective_values(c, table))


def _effective_values(corpus: Corpus, table: str) -> np.ndarray:
    g = grid(corpus, table)
    w = g.value
    for ident in catalogue.load().identities_of(table, "columns"):
        t = g.c(ident.total) if ident.total else -1
        if g.empty or t < 0 or not g.blank[:, :, t].any():
            continue
        implied, _, _ = sum_parts(corpus, table, ident.parts)
        w = w.copy() if w is g.value else w
        w[:, :, t] = np.where(g.blank[:, :, t], implied, w[:, :, t])
    return w


def row_sums(corpus: Corpus, table: str, rows: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per [report, col] of ``table``'s grid: sum of ``rows`` (effective values; blank or absent = 0;
    NaN when no report has any of them), whether they are all zero, whether any is unsure."""
    return corpus.derived(f"corpus:row_sums:{table}:{','.join(rows)}", lambda c: _row_sums(c, table, rows))


def _row_sums(corpus: Corpus, table: str, rows: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    g = grid(corpus, table)
    w = effective_values(corpus, table)
    shape = (len(g.ids), len(g.cols))
    sums, all_zero, any_unsure = np.zeros(shape), np.ones(shape, dtype=bool), np.zeros(shape, dtype=bool)
    present = sorted(k for k in g.rows.get_indexer(list(rows)) if k >= 0)  # the rows' order in the table
    for i in present:
        v = zeroed(w[:, i, :])
        sums += v
        all_zero &= (v < TOL) & (v > -TOL)
        any_unsure |= g.unsure[:, i, :]
    if not present:
        sums[:] = np.nan
    return sums, all_zero, any_unsure


