"""The data rows of one scorecard.xlsx sheet: every cell written once, by its typed method.

Why a module of its own: at 10,000 reports the workbook holds about a million cells, and the
writer's per-cell calls are nearly all of its time. So everything that can be decided per column
is decided before the row loop: the Python values, which typed ``write_*`` method a column needs,
and each cell's format (row fill, value fill, wrapping, link style). The loop then makes one call
per non-empty cell, where writing a row and then overwriting its filled, wrapped and linked cells
made up to two.

The cells are those the generic ``write`` would give: missing values and empty strings are blank
cells (written only when they carry a format), numbers are numbers, text is text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pandas as pd

# The text of a link whose cell has no value: 评分表's 单位 of a report that names no unit (a bare
# 查看 read as a unit's name).
NO_VALUE_LINK = "（未写明单位）"
# A linked cell's value is never None in the row loop (the link writer needs to see every row).
_NO_VALUE = object()


def column_values(frame: pd.DataFrame, raw: Sequence[str] = ()) -> list[list[Any]]:
    """Each column's plain Python values: ``None`` for missing, and for empty text except in the
    ``raw`` columns (linked columns, whose empty text is the link's text)."""
    obj = frame.astype(object)
    obj = obj.where(obj.notna(), None)
    cols = []
    for name in obj.columns:
        values = obj[name].to_numpy().tolist()
        if name not in raw and "" in (v for v in values if type(v) is str):
            values = [None if v == "" and type(v) is str else v for v in values]
        cols.append(values)
    return cols


def _kind(values: Sequence[Any]) -> str:
    """"str" or "num" when every present value is of that plain type, else "any"."""
    types = {type(v) for v in values if v is not None}
    if types <= {str}:
        return "str"
    if types <= {int, float}:
        return "num"
    return "any"


def _hashable(v: Any) -> bool:
    try:
        hash(v)
    except TypeError:
        return False
    return True


def cell_formats(n: int, values: Sequence[Any], row_formats: Sequence[Any], *, fill: Mapping[Any, Any] | None,
                 wrap: Any, wrap_fill: Mapping[Any, Any] | None, row_keys: Sequence[Any] | None) -> Sequence[Any]:
    """The format of each cell of one column: wrapped beats a value fill, which beats the row's fill.

    An empty cell is not wrapped: wrapping shows nothing there, and writing it would be a cell
    for every finding without a place or a waiver (a seventh of the findings sheet)."""
    if wrap is not None:
        if row_keys is None or not wrap_fill:
            return [wrap if v is not None else None for v in values]
        return [wrap_fill[k] if f is not None else wrap if v is not None else None
                for k, f, v in zip(row_keys, row_formats, values, strict=True)]
    if fill:
        return [fill[v] if v is not None and _hashable(v) and v in fill else f
                for v, f in zip(values, row_formats, strict=True)]
    return row_formats


def write_rows(ws: Any, columns: list[list[Any]], formats: list[Sequence[Any]],
               links: Mapping[int, tuple[Sequence[str | None], Sequence[Any]]], links_left: list[int],
               *, first_row: int = 1) -> None:
    """Rows ``first_row``… of ``ws`` from ``columns`` (values) and ``formats`` (one per cell), in row
    order as constant-memory mode needs. ``links``: column → (target per row, link style per row);
    ``links_left`` (one number, shared by a sheet's chunks): links Excel still takes; the cells past
    it are written as plain values."""
    n = len(columns[0]) if columns else 0
    writers: list[Callable[..., Any]] = []
    cols = []
    for i, values in enumerate(columns):
        kind = _kind(values)
        plain = ws.write_string if kind == "str" else ws.write_number if kind == "num" else ws.write
        if i in links:
            targets, styles = links[i]
            writers.append(_link_writer(ws, values, formats[i], targets, styles, links_left, first_row))
            values = [_NO_VALUE] * n
        else:
            writers.append(plain)
        cols.append(values)
    blank = ws.write_blank
    width = range(len(cols))
    for r in range(n):
        excel_row = r + first_row
        for i in width:
            v = cols[i][r]
            if v is None:
                f = formats[i][r]
                if f is not None:
                    blank(excel_row, i, None, f)
            else:
                writers[i](excel_row, i, v, formats[i][r])


def _link_writer(ws: Any, values: Sequence[Any], formats: Sequence[Any], targets: Sequence[str | None],
                 styles: Sequence[Any], links_left: list[int], first_row: int) -> Callable[..., Any]:
    """A writer for a linked column: the link where the row has a target (its value, or
    ``NO_VALUE_LINK``, as the text), else the plain value (generic ``write``); a link Excel refuses
    leaves the plain value."""

    def write(excel_row: int, col: int, _: Any, __: Any) -> None:
        r = excel_row - first_row
        value, fmt = values[r], formats[r]
        target = targets[r]
        if target and links_left[0] > 0:
            links_left[0] -= 1
            text = str(value if value is not None else NO_VALUE_LINK)
            if ws.write_url(excel_row, col, target, styles[r], string=text) == 0:
                return
        ws.write(excel_row, col, value, fmt)

    return write
