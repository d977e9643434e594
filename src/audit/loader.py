"""Many normalised reports → one Corpus of corpus-wide frames (reports, sections, cells, problems).

Rules receive a ``Corpus`` and work on whole columns, never on one report at a time. The wide
views (``Corpus.wide``) are computed once and shared by every rule that needs them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import warnings

import pandas as pd
from pandera.errors import SchemaWarning

from audit import catalogue, frames

_REPORT_COLS = ["report_id", "path", "format", "encoding", "layout", "unit", "year", "published", "edition",
                "edition_evidence", "n_cells", "n_problems"]
_SECTION_COLS = ["report_id", "position", "number", "title", "canonical", "text"]
_PROBLEM_COLS = ["report_id", "kind", "table", "row", "col", "detail"]


@dataclass
class Corpus:
    """The whole corpus as four frames; see ``audit.frames`` for their columns."""

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

    def wide(self, table: str) -> pd.DataFrame:
        """Values of one table as a frame indexed by (report_id, row) with one column per col.

        Cells a report does not have are NaN, exactly like blank cells; use ``present(table)``
        to tell "printed blank" from "not in this edition".
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
            s = self.sections.groupby("report_id", observed=True, sort=False)["text"].agg("\n".join)
            self._wide["text"] = s.reindex(self.reports["report_id"]).fillna("").to_frame("text")
        return self._wide["text"]["text"]


def _nullable_str(v: Any) -> Any:
    return None if v is None else str(v)


def _validate_cells(cells_df: pd.DataFrame) -> pd.DataFrame:
    """Validate cells; pandera's warning for negative counts lists every cell, so say it once, briefly."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SchemaWarning)
        out = frames.CellsFrame.validate(cells_df)
    if any(issubclass(w.category, SchemaWarning) for w in caught):
        n = int(((out["value"] < 0) & ~out["col"].isin(sorted(catalogue.load().signed_columns))).sum())
        warnings.warn(f"{n} cell(s) hold negative counts; the arithmetic pack reports them (ARITH-NEGATIVE)",
                      SchemaWarning, stacklevel=3)
    return out


def load(reports: Iterable[dict[str, Any]], *, validate: bool = True) -> Corpus:
    """Build the corpus frames from normalised reports (dicts as in the JSON Schema)."""
    rep_rows: list[tuple] = []
    sec_cols: dict[str, list] = {c: [] for c in _SECTION_COLS}
    cell_ids: list[str] = []
    cell_table: list[str] = []
    cell_row: list[str] = []
    cell_col: list[str] = []
    cell_value: list[Any] = []
    cell_raw: list[Any] = []
    prob_cols: dict[str, list] = {c: [] for c in _PROBLEM_COLS}

    for r in reports:
        rid = r["report_id"]
        src = r.get("source") or {}
        cells = r.get("cells") or []
        problems = r.get("problems") or []
        rep_rows.append((rid, src.get("path") or "", src.get("format"), src.get("encoding"), src.get("layout"),
                         r.get("unit"), r.get("year"), r.get("published"), r.get("edition"),
                         "; ".join(r.get("edition_evidence") or []), len(cells), len(problems)))
        for i, s in enumerate(r.get("sections") or []):
            sec_cols["report_id"].append(rid)
            sec_cols["position"].append(i)
            sec_cols["number"].append(s.get("number"))
            sec_cols["title"].append(s.get("title") or "")
            sec_cols["canonical"].append(s.get("canonical"))
            sec_cols["text"].append(s.get("text") or "")
        n = len(cells)
        if n:
            cell_ids.extend([rid] * n)
            cell_table.extend([c["table"] for c in cells])
            cell_row.extend([c["row"] for c in cells])
            cell_col.extend([c["col"] for c in cells])
            cell_value.extend([c["value"] for c in cells])
            cell_raw.extend([c["raw"] for c in cells])
        for p in problems:
            prob_cols["report_id"].append(rid)
            for k in ("kind", "table", "row", "col", "detail"):
                prob_cols[k].append(p.get(k))

    reports_df = pd.DataFrame.from_records(rep_rows, columns=_REPORT_COLS)
    reports_df["year"] = pd.array(reports_df["year"].tolist(), dtype="Int64")
    reports_df["edition"] = pd.Categorical(reports_df["edition"], dtype=frames.EDITION_DTYPE)
    for c in ("format", "encoding", "layout", "unit", "published"):
        reports_df[c] = reports_df[c].astype(object).where(reports_df[c].notna(), None)

    sections_df = pd.DataFrame(sec_cols)
    sections_df["number"] = pd.array(sections_df["number"].tolist(), dtype="Int64")
    sections_df["canonical"] = pd.Categorical(sections_df["canonical"], dtype=frames.SECTION_DTYPE)
    sections_df["position"] = sections_df["position"].astype("int64")

    ids_dtype = pd.CategoricalDtype(reports_df["report_id"].tolist())
    cells_df = pd.DataFrame({
        "report_id": pd.Categorical(cell_ids, dtype=ids_dtype),
        "table": pd.Categorical(cell_table, dtype=frames.TABLE_DTYPE),
        "row": pd.Categorical(cell_row, dtype=frames.ROW_DTYPE),
        "col": pd.Categorical(cell_col, dtype=frames.COL_DTYPE),
        "value": pd.array(cell_value, dtype="float64") if cell_value else pd.array([], dtype="float64"),
        "raw": pd.Categorical(cell_raw),
    })
    cells_df["value"] = cells_df["value"].astype("float64")
    problems_df = pd.DataFrame(prob_cols)
    for c in ("table", "row", "col"):
        problems_df[c] = problems_df[c].astype(object).where(problems_df[c].notna(), None)

    if validate:
        reports_df = frames.ReportsFrame.validate(reports_df)
        sections_df = frames.SectionsFrame.validate(sections_df)
        cells_df = _validate_cells(cells_df)
        problems_df = frames.ProblemsFrame.validate(problems_df)
    return Corpus(reports=reports_df, sections=sections_df, cells=cells_df, problems=problems_df)
