"""A report's cells as the reader places them, row by row, before they become dicts or columns.

The normalised report holds one dict per cell (~200 per report); the worker processes of a run
only pack those dicts into columns (``audit.ingest.columnar``) and throw them away. A
``CellBlock`` keeps each placed row as its columns and typed cells, so the packed path writes the
columns directly and only ``dicts()`` (``audit normalise``, the report dict) builds the dicts,
the same ones, in the same order.
"""

from __future__ import annotations

from itertools import repeat
from operator import itemgetter
from typing import Any

from audit.contracts.report import CELL_STATES
from audit.ingest import values
from audit.ingest.table_read import Typed

_ROW, _UNPLACED, _DICTS = 0, 1, 2
#: A parse kind or a cell state -> the code of its state in ``CELL_STATES``.
_STATE_CODE: dict[str, int] = {s: i for i, s in enumerate(CELL_STATES)}
_STATE_CODE.update({k: _STATE_CODE[s] for k, s in values.STATE_OF_KIND.items()})
_KINDS = frozenset(values.STATE_OF_KIND)
_KIND = itemgetter(0)
_NO_CELL = (values.UNPLACED, None, None)


class CellBlock:
    """Placed rows in report order: ``row`` (values read), ``unplaced`` (none), ``cells`` (dicts
    already made, with their problems: text and overflowing values, the appeals table)."""

    __slots__ = ("parts", "size")

    def __init__(self) -> None:
        self.parts: list[tuple[Any, ...]] = []
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def row(self, table: str, row: str, cols: list[str], vals: list[Typed]) -> None:
        """A row of numbers and blanks, ``vals`` in ``cols`` order."""
        if len(cols) != len(vals) or not _KINDS.issuperset(map(_KIND, vals)):
            # Raise here, inside the reader, what making the dicts would raise.
            for _c, (k, _, _) in zip(cols, vals, strict=True):
                values.STATE_OF_KIND[k]  # noqa: B018
        self.parts.append((_ROW, table, row, cols, vals))
        self.size += len(cols)

    def unplaced(self, table: str, row: str, cols: list[str]) -> None:
        self.parts.append((_UNPLACED, table, row, cols, None))
        self.size += len(cols)

    def cells(self, cells: list[dict[str, Any]]) -> None:
        self.parts.append((_DICTS, None, None, None, cells))
        self.size += len(cells)

    def dicts(self) -> list[dict[str, Any]]:
        """The cells of the normalised report."""
        out: list[dict[str, Any]] = []
        state_of_kind = values.STATE_OF_KIND
        for kind, table, r, cols, vals in self.parts:
            if kind == _ROW:
                out += [{"table": table, "row": r, "col": c, "value": v, "raw": raw, "state": state_of_kind[k]}
                        for c, (k, v, raw) in zip(cols, vals, strict=True)]
            elif kind == _UNPLACED:
                out += [{"table": table, "row": r, "col": c, "value": None, "raw": None,
                         "state": values.UNPLACED} for c in cols]
            else:
                out += vals
        return out

    def columns(self, tables: dict[str, int], rows: dict[str, int], cols_codes: dict[str, int],
                out: dict[str, list[Any]]) -> None:
        """Append the cells to ``out``'s ``table``/``row``/``col`` codes (-1: a key the codes do
        not hold), ``value``, ``raw`` and ``state`` codes: what ``columnar.pack`` makes of
        ``dicts()``."""
        typed: list[tuple[Any, Any, Any]] = []
        t_out, r_out, c_out = out["table"], out["row"], out["col"]
        col_codes: dict[int, list[int]] = {}  # by id of a cols list: a table's rows share one list
        for kind, table, r, cols, vals in self.parts:
            if kind == _DICTS:
                t_out += [tables.get(c["table"], -1) for c in vals]
                r_out += [rows.get(c["row"], -1) for c in vals]
                c_out += [cols_codes.get(c["col"], -1) for c in vals]
                typed += [(c["state"], c["value"], c["raw"]) for c in vals]
                continue
            n = len(cols)
            t_out += repeat(tables.get(table, -1), n)
            r_out += repeat(rows.get(r, -1), n)
            codes = col_codes.get(id(cols))
            if codes is None:
                codes = col_codes[id(cols)] = [cols_codes.get(c, -1) for c in cols]
            c_out += codes
            typed += vals if kind == _ROW else repeat(_NO_CELL, n)
        if typed:
            kinds, vals, raws = zip(*typed, strict=True)  # one transposition instead of three passes
            out["value"] += vals
            out["raw"] += raws
            out["state"] += map(_STATE_CODE.__getitem__, kinds)
