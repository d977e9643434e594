"""Findings text for pack authors: a cell's place as printed (「三、…」表“（七）总计”行“自然人”列),
numbers as a supervisor reads them, and findings located in a grid.

Every function is vectorised: a place is worked out once per distinct (row, col), text columns are
joined in one pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.packs.rule import fmt_series, found

if TYPE_CHECKING:
    from audit.corpus.grids import Grid


def grid_findings(g: Grid, hits: tuple[np.ndarray, ...], message: pd.Series, *, row: object, col: object,
                  expected: np.ndarray, actual: np.ndarray) -> pd.DataFrame:
    """Findings at ``hits`` (the first array indexes reports), located in the grid's table."""
    return found(pd.Series(g.ids[hits[0]], dtype=object), message, table=g.table, row=row, col=col,
                 expected=expected, actual=actual)


def places(table: str, rows: Iterable[str | None] | str | None, cols: Iterable[str | None] | str | None,
           n: int | None = None) -> pd.Series:
    """Printed place of each (row, col), e.g. 「三、…」表“（七）总计”行“自然人”列 (computed once per pair)."""
    c = catalogue.load()
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


def join_text(*parts: object) -> np.ndarray:
    """Element-wise concatenation of str columns (Series, arrays; by position) and str scalars.

    All rows go through one ``str.join`` and one ``str.split`` (a column-by-column ``+`` copies
    every row's growing prefix again at each step).
    """
    cols = [p for p in parts if not isinstance(p, str)]
    n = len(cols[0]) if cols else 1
    grid = np.empty((n, len(parts) + 1), dtype=object)
    for k, p in enumerate(parts):
        grid[:, k] = p if isinstance(p, str) else np.asarray(p.to_numpy() if hasattr(p, "to_numpy") else p,
                                                             dtype=object)
    for sep in ("\x00", "\x1e", "\ufdd0"):
        grid[:, -1] = sep
        rows = "".join(grid.ravel().tolist()).split(sep)[:-1]
        if len(rows) == n:
            return np.asarray(rows, dtype=object)
    return np.asarray(["".join(r) for r in grid[:, :-1].tolist()], dtype=object)


def num(s: pd.Series | Sequence) -> pd.Series:
    """Numbers formatted as a supervisor reads them (5, 12.5, 空)."""
    return fmt_series(pd.Series(np.asarray(s, dtype=object) if not isinstance(s, pd.Series) else s.to_numpy(),
                                dtype=object)).reset_index(drop=True)
