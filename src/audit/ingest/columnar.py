"""Normalised reports packed column by column: what reader processes send the parent.

A report dict holds ~200 small cell dicts; pickling those to the parent and turning them into
frame columns there cost more than reading the file. A ``Batch`` holds the same content as
numpy arrays (cells keyed by the frames' category codes) and short lists (reports, sections,
problems), so a worker packs its reports once and the parent only concatenates arrays.
``audit.corpus.loader`` builds every corpus, from files or from dicts, out of batches.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from itertools import repeat
from typing import Any

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.contracts.report import CELL_STATES
from audit.ingest.cell_block import CellBlock
from audit.ingest.values import state_of

_STATE_CODE = {s: i for i, s in enumerate(CELL_STATES)}

REPORT_COLS = ["report_id", "path", "format", "encoding", "layout", "unit", "year", "published", "edition",
               "edition_evidence", "n_cells", "n_problems"]
SECTION_COLS = ["report_id", "position", "number", "title", "canonical", "text"]
# ``readings`` (an ambiguous row's possible splits) is used by the loader's pass over the years and not kept.
PROBLEM_COLS = ["report_id", "kind", "table", "row", "col", "detail", "readings"]


@dataclass
class Batch:
    """Some consecutive reports of a run, as columns.

    ``cell_report`` indexes ``reports`` (0 = this batch's first report); ``cell_table`` /
    ``cell_row`` / ``cell_col`` are codes of ``Catalogue.key_order`` (the corpus frames' key
    dtypes; -1: a key the catalogue does not know); ``raw_codes`` index ``raw_values`` (-1: no raw text); ``cell_state``
    holds codes of ``CELL_STATES`` (a cell written without a state, schema_version "1", gets the one
    ``audit.ingest.values.state_of`` derives, here, once).
    """

    reports: list[tuple] = field(default_factory=list)
    sections: dict[str, list] = field(default_factory=lambda: {c: [] for c in SECTION_COLS})
    problems: dict[str, list] = field(default_factory=lambda: {c: [] for c in PROBLEM_COLS})
    cell_report: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    cell_table: np.ndarray = field(default_factory=lambda: np.empty(0, np.int16))
    cell_row: np.ndarray = field(default_factory=lambda: np.empty(0, np.int16))
    cell_col: np.ndarray = field(default_factory=lambda: np.empty(0, np.int16))
    cell_value: np.ndarray = field(default_factory=lambda: np.empty(0, np.float64))
    cell_state: np.ndarray = field(default_factory=lambda: np.empty(0, np.int8))  # codes of CELL_STATES
    raw_codes: np.ndarray = field(default_factory=lambda: np.empty(0, np.int32))
    raw_values: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.reports)


@cache
def _key_codes() -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    order = catalogue.load().key_order()
    return tuple({k: i for i, k in enumerate(order[kind])}  # type: ignore[return-value]
                 for kind in ("table", "row", "col"))


def pack(reports: Iterable[dict[str, Any]]) -> Batch:
    """Pack normalised report dicts (as in the JSON Schema) into one batch."""
    return pack_read((r, None) for r in reports)


def pack_read(reads: Iterable[tuple[dict[str, Any], CellBlock | None]]) -> Batch:
    """``pack`` of reports as the reader leaves them (``normalise.read_report_block``): a report
    with a ``CellBlock`` has its cells there, written straight into the columns (no dict per
    cell); the batch is the one ``pack`` makes of the same reports with their cell dicts."""
    tables, rows, cols = _key_codes()
    b = Batch()
    rids: list[int] = []
    t_codes: list[int] = []
    r_codes: list[int] = []
    c_codes: list[int] = []
    values: list[Any] = []
    raws: list[Any] = []
    states: list[int] = []
    sec, prob = b.sections, b.problems
    from_blocks: dict[str, list[Any]] = {"table": t_codes, "row": r_codes, "col": c_codes, "value": values,
                                         "raw": raws, "state": states}
    for i, (r, block) in enumerate(reads):
        rid = r["report_id"]
        src = r.get("source") or {}
        cells = r.get("cells") or []
        if block is not None:
            if cells:
                raise ValueError("a report with a cell block holds cell dicts too")
            n_block = len(block)
            rids.extend(repeat(i, n_block))
            block.columns(tables, rows, cols, from_blocks)
        problems = r.get("problems") or []
        b.reports.append((rid, src.get("path") or "", src.get("format"), src.get("encoding"), src.get("layout"),
                          r.get("unit"), r.get("year"), r.get("published"), r.get("edition"),
                          "; ".join(r.get("edition_evidence") or []), n_block if block is not None else len(cells),
                          len(problems)))
        for pos, s in enumerate(r.get("sections") or []):
            sec["report_id"].append(rid)
            sec["position"].append(pos)
            sec["number"].append(s.get("number"))
            sec["title"].append(s.get("title") or "")
            sec["canonical"].append(s.get("canonical"))
            sec["text"].append(s.get("text") or "")
        if cells:  # column by column: list comprehensions are several times faster than one loop
            rids.extend(repeat(i, len(cells)))
            t_codes.extend([tables.get(c["table"], -1) for c in cells])
            r_codes.extend([rows.get(c["row"], -1) for c in cells])
            c_codes.extend([cols.get(c["col"], -1) for c in cells])
            values.extend([c["value"] for c in cells])
            raws.extend([c["raw"] for c in cells])
            states.extend([_STATE_CODE[c.get("state") or state_of(c["value"], c["raw"])] for c in cells])
        for p in problems:
            prob["report_id"].append(rid)
            for k in PROBLEM_COLS[1:]:
                prob[k].append(p.get(k))
    b.cell_report = np.asarray(rids, dtype=np.int32)
    b.cell_table = np.asarray(t_codes, dtype=np.int16)
    b.cell_row = np.asarray(r_codes, dtype=np.int16)
    b.cell_col = np.asarray(c_codes, dtype=np.int16)
    b.cell_value = np.asarray(values, dtype=np.float64)  # None -> NaN
    b.cell_state = np.asarray(states, dtype=np.int8)
    codes, uniques = pd.factorize(pd.Series(raws, dtype=object), use_na_sentinel=True)
    b.raw_codes = codes.astype(np.int32)
    b.raw_values = [str(u) for u in uniques]
    return b


def packed(reports: Iterable[dict[str, Any]], size: int = 1000) -> Iterable[Batch]:
    """Batches of at most ``size`` reports (so a long stream of dicts is never held at once)."""
    chunk: list[dict[str, Any]] = []
    for r in reports:
        chunk.append(r)
        if len(chunk) >= size:
            yield pack(chunk)
            chunk = []
    if chunk:
        yield pack(chunk)
