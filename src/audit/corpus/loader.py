"""Many normalised reports → one Corpus of corpus-wide frames (reports, sections, cells, problems).

Rules receive a ``Corpus`` and work on whole columns, never on one report at a time. The wide
views (``Corpus.wide``) are computed once and shared by every rule that needs them.
"""

from __future__ import annotations

import contextlib
import gc
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from pandera.errors import SchemaWarning

from audit.contracts import catalogue
from audit.corpus import frames, year_splits
from audit.ingest import columnar

if TYPE_CHECKING:
    from audit.corpus.grids import Grid
    from audit.corpus.text import NumberLines


@dataclass
class Corpus:
    """The whole corpus as four frames; see ``audit.corpus.frames`` for their columns."""

    reports: pd.DataFrame
    sections: pd.DataFrame
    cells: pd.DataFrame
    problems: pd.DataFrame
    _wide: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    # Run options rules may read (e.g. publication deadlines from the configuration).
    options: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.reports)

    def derived(self, key: str, compute: Callable[[Corpus], Any]) -> Any:
        """A view derived from the frames, computed once per corpus and shared by every rule of
        the run (rules must treat it as read-only). ``key`` should start with the pack's name."""
        if key not in self._wide:
            self._wide[key] = compute(self)
        return self._wide[key]

    def drop_views(self, keep: tuple[str, ...] = ()) -> None:
        """Forget every derived view but those whose key starts with one of ``keep`` (they are
        recomputed on demand): once the rules have run, scoring needs few of them, and at 100,000
        reports they hold a large part of the memory."""
        for key in [k for k in self._wide if not k.startswith(keep)]:
            del self._wide[key]

    # -- the public views (computed once per corpus, shared by every rule, read-only) ------------
    def grid(self, table: str) -> Grid:
        """``table`` as dense [report, row, col] arrays of values and cell states (``audit.corpus.grids``)."""
        from audit.corpus.grids import grid

        return grid(self, table)

    def number_lines(self) -> NumberLines:
        """Each report's lines that hold a number followed by a count word (``audit.corpus.text``)."""
        from audit.corpus.text import number_lines

        return number_lines(self)

    def parse_failed(self) -> pd.Index:
        """Ids of the reports whose file could not be read or parsed (a parse-kind reader problem)."""
        from audit.corpus.keys import parse_failed

        return parse_failed(self)

    def wide(self, table: str) -> pd.DataFrame:
        """Values of one table as a frame indexed by (report_id, row) with one column per col.

        Cells a report does not have are NaN, exactly like blank, text and unplaced cells; use
        ``present(table)`` to tell "printed" from "not in this edition", and ``grid(table)`` (or the
        cells frame's ``state``) to tell a printed blank from a cell the reader could not place.
        """
        if table not in self._wide:
            sub = self.cells[self.cells["table"] == table]
            w = sub.pivot_table(index=["report_id", "row"], columns="col", values="value",
                                aggfunc="first", observed=True, dropna=False)
            w = w.dropna(how="all", axis=1) if len(w) else w
            w.columns = w.columns.astype(str)
            self._wide[table] = w
        return self._wide[table]

    def present(self, table: str) -> pd.DataFrame:
        """Boolean frame shaped like ``wide(table)``: True where the report has that cell at all."""
        key = f"present:{table}"
        if key not in self._wide:
            sub = self.cells[self.cells["table"] == table].assign(_one=True)
            w = sub.pivot_table(index=["report_id", "row"], columns="col", values="_one",
                                aggfunc="first", observed=True, fill_value=False)
            w.columns = w.columns.astype(str)
            self._wide[key] = w.astype(bool)
        return self._wide[key]

    def report_text(self) -> pd.Series:
        """Full text of each report (sections joined), indexed by report_id."""
        if "text" not in self._wide:
            from audit.corpus.text import joined_report_text

            self._wide["text"] = joined_report_text(self).to_frame("text")
        return self._wide["text"]["text"]


def _validate_cells(cells_df: pd.DataFrame) -> pd.DataFrame:
    """Validate cells; pandera's warning for negative counts lists every cell, so say it once, briefly."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SchemaWarning)
        out = frames.CellsFrame.validate(cells_df, inplace=True)
    if any(issubclass(w.category, SchemaWarning) for w in caught):
        n = int(((out["value"] < 0) & ~out["col"].isin(sorted(catalogue.load().signed_columns))).sum())
        warnings.warn(f"{n} cell(s) hold negative counts; the arithmetic pack reports them (ARITH-NEGATIVE)",
                      SchemaWarning, stacklevel=3)
    return out


def load(reports: Iterable[dict[str, Any]], *, validate: bool = True) -> Corpus:
    """Build the corpus frames from normalised reports (dicts as in the JSON Schema)."""
    return load_batches(columnar.packed(reports), validate=validate)


def load_batches(batches: Iterable[columnar.Batch], *, validate: bool = True) -> Corpus:
    """Build the corpus frames from packed reports (``audit.ingest.columnar``), batch after batch."""
    with _collector_skips_older_objects():
        return _load_batches(batches, validate)


@contextlib.contextmanager
def _collector_skips_older_objects() -> Iterator[None]:
    """While the frames are built, the cycle collector leaves alone every object older than them
    (modules, the registry, the run's options: a sixth of the loading CPU went to scanning them);
    afterwards they are collected as before. A caller that froze objects itself keeps its state."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _load_batches(batches: Iterable[columnar.Batch], validate: bool) -> Corpus:
    rep_rows: list[tuple] = []
    sec_cols: dict[str, list] = {c: [] for c in columnar.SECTION_COLS}
    prob_cols: dict[str, list] = {c: [] for c in columnar.PROBLEM_COLS}
    arrays: dict[str, list[np.ndarray]] = {k: [] for k in ("report", "table", "row", "col", "value", "state", "raw")}
    raw_index: dict[str, int] = {}
    for b in batches:
        arrays["report"].append(b.cell_report.astype(np.int32) + len(rep_rows))
        rep_rows.extend(b.reports)
        for cols, part in ((sec_cols, b.sections), (prob_cols, b.problems)):
            for k, v in part.items():
                cols[k].extend(v)
        for k, a in (("table", b.cell_table), ("row", b.cell_row), ("col", b.cell_col), ("value", b.cell_value),
                     ("state", b.cell_state)):
            arrays[k].append(a)
        # This batch's raw texts -> codes of the corpus-wide list (-1, no text, stays -1).
        remap = np.fromiter((raw_index.setdefault(v, len(raw_index)) for v in b.raw_values), np.int32,
                            len(b.raw_values))
        arrays["raw"].append(np.where(b.raw_codes >= 0, remap[b.raw_codes] if len(remap) else -1, -1)
                             .astype(np.int32))

    reports_df = pd.DataFrame.from_records(rep_rows, columns=columnar.REPORT_COLS)
    reports_df["year"] = pd.array(reports_df["year"].tolist(), dtype="Int64")
    reports_df["edition"] = pd.Categorical(reports_df["edition"], dtype=frames.EDITION_DTYPE)
    for c in ("format", "encoding", "layout", "unit", "published"):
        reports_df[c] = reports_df[c].astype(object).where(reports_df[c].notna(), None)

    sections_df = pd.DataFrame(sec_cols)
    sections_df["number"] = pd.array(sections_df["number"].tolist(), dtype="Int64")
    sections_df["canonical"] = pd.Categorical(sections_df["canonical"], dtype=frames.SECTION_DTYPE)
    sections_df["position"] = sections_df["position"].astype("int64")

    cells_df = _cells_frame(arrays, reports_df["report_id"].tolist(), list(raw_index))
    problems_df = pd.DataFrame(prob_cols)
    for c in ("table", "row", "col"):
        problems_df[c] = problems_df[c].astype(object).where(problems_df[c].notna(), None)
    # Glued rows the same unit's other years decide (consumes the problems' ``readings``).
    cells_df, problems_df = year_splits.resolve(reports_df, cells_df, problems_df)

    if validate:
        # In place: the frames are ours, and a copy of 20 million cells would double peak memory.
        reports_df = frames.ReportsFrame.validate(reports_df, inplace=True)
        sections_df = frames.SectionsFrame.validate(sections_df, inplace=True)
        cells_df = _validate_cells(cells_df)
        problems_df = frames.ProblemsFrame.validate(problems_df, inplace=True)
    return Corpus(reports=reports_df, sections=sections_df, cells=cells_df, problems=problems_df)


def _cells_frame(arrays: dict[str, list[np.ndarray]], report_ids: list[str], raw_values: list[str]) -> pd.DataFrame:
    def joined(key: str, dtype: Any) -> np.ndarray:
        parts = arrays.pop(key)  # the batches' pieces are freed as soon as they are joined
        return np.concatenate(parts).astype(dtype, copy=False) if parts else np.empty(0, dtype)

    # Raw texts as a categorical with sorted categories (as ``pd.Categorical(list)`` would give).
    order = np.argsort(np.asarray(raw_values, dtype=object), kind="stable") if raw_values else np.empty(0, np.intp)
    rank = np.empty(len(order), np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    raw = joined("raw", np.int32)
    raw = np.where(raw >= 0, rank[raw] if len(rank) else -1, -1)
    return pd.DataFrame(copy=False, data={
        "report_id": pd.Categorical.from_codes(joined("report", np.int32), dtype=pd.CategoricalDtype(report_ids)),
        "table": pd.Categorical.from_codes(joined("table", np.int16), dtype=frames.TABLE_DTYPE),
        "row": pd.Categorical.from_codes(joined("row", np.int16), dtype=frames.ROW_DTYPE),
        "col": pd.Categorical.from_codes(joined("col", np.int16), dtype=frames.COL_DTYPE),
        "value": joined("value", np.float64),
        "raw": pd.Categorical.from_codes(raw, categories=pd.Index([raw_values[i] for i in order])),
        "state": pd.Categorical.from_codes(joined("state", np.int8), dtype=frames.STATE_DTYPE),
    })
