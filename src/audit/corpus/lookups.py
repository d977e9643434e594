"""Corpus look-ups for rules that compare reports: known cell values, last year's report, prose
sentences and the kind of each unit. Public through ``audit.api``; every view is computed once
per corpus (``Corpus.derived``, keys start with ``lookups:``) and is read-only.

"Known" means what a rule may compare: a number the reader read, or a cell printed blank (read
as 0, as the arithmetic pack does). A cell the reader could not place, a non-numeric cell and
every cell of a row (or table) the reader flagged as glued or short is unknown (NaN), never 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.contracts.report import PARSE_KINDS
from audit.corpus.grids import grid, has_duplicate_cells, report_positions
from audit.corpus.sentences import MIN_SENTENCE_CHARS, sentence_keys, sentences  # noqa: F401 - public here too

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

_BLANK_MARKS = frozenset({"", "/", "／", "\\", "-", "－", "—", "——", "–", "--", "无", "空"})
_INCOMPLETE = ("missing_cells", "ambiguous_split")
#: Kinds of unit (the units file's 类型, DESIGN.md "Units").
UNIT_KINDS = ("人民政府", "部门", "乡镇", "街道")


def unreadable(corpus: Corpus) -> pd.Index:
    """Ids of the reports whose file could not be read (a parse-kind reader problem)."""
    def compute(c: Corpus) -> pd.Index:
        p = c.problems
        return pd.Index(p.loc[p["kind"].isin(PARSE_KINDS), "report_id"].astype(str).unique())
    return corpus.derived("lookups:unreadable", compute)


def known_cells(corpus: Corpus, table: str, keys: Sequence[str]) -> pd.DataFrame:
    """Known values of the cells ``keys`` ("row/col") of ``table``: one row per report of
    ``corpus.reports`` (index report_id, in order), one float column per key; NaN = unknown/absent."""
    keys = list(keys)
    return corpus.derived(f"lookups:known:{table}:{','.join(keys)}", lambda c: _known_cells(c, table, keys))


def _known_cells(corpus: Corpus, table: str, keys: list[str]) -> pd.DataFrame:
    ids = corpus.reports["report_id"].astype(str)
    out = np.full((len(ids), len(keys)), np.nan)
    if _loaded(corpus.cells) and not has_duplicate_cells(corpus):
        _known_from_grid(corpus, table, keys, out)
        return pd.DataFrame(out, index=pd.Index(ids.to_numpy(dtype=object), name="report_id"), columns=keys)
    t = _table_cells(corpus, table)
    if len(t.pair):
        j_of_pair = pd.Index(keys).get_indexer(t.names)  # per distinct (row, col), not per cell
        j = j_of_pair[t.pair]
        take = np.flatnonzero((j >= 0) & (t.report >= 0))
        out[t.report[take], j[take]] = t.value[take]
        _unknown_flagged(corpus, table, keys, pd.Index(ids), out)
    return pd.DataFrame(out, index=pd.Index(ids.to_numpy(dtype=object), name="report_id"), columns=keys)


@dataclass(frozen=True)
class _TableCells:
    """One table's cells as arrays: report position, (row, col) code, known value."""

    report: np.ndarray
    pair: np.ndarray
    names: list[str]  # "row/col" of each pair code
    value: np.ndarray


def _table_cells(corpus: Corpus, table: str) -> _TableCells:
    return corpus.derived(f"lookups:table:{table}", lambda c: _build_table_cells(c, table))


def _loaded(cells: pd.DataFrame) -> bool:
    """Whether the cells frame is as the loader builds it (categorical keys, a state column)."""
    return "state" in cells.columns and all(isinstance(cells[k].dtype, pd.CategoricalDtype)
                                            for k in ("report_id", "table", "row", "col"))


def _known_from_grid(corpus: Corpus, table: str, keys: list[str], out: np.ndarray) -> None:
    """``known_cells`` read from the table's grid (shared by every pack): a number read, 0 for a
    printed blank, NaN for an unsure cell (text, unplaced, a row or table flagged as incomplete:
    the grid marks exactly those) or an absent one. Frames with a cell twice take the cells path."""
    g = grid(corpus, table)
    at = [(k, g.r(row), g.c(col)) for k, (row, _, col) in enumerate(key.partition("/") for key in keys)]
    k, i, j = (np.array([x[n] for x in at if x[1] >= 0 and x[2] >= 0], dtype=np.int64) for n in range(3))
    if not len(k):
        return
    # [report, key], all keys in one gather along the flattened (row, col) axis (a tenth of the
    # time of ``g.value[:, i, j]``, which numpy's advanced indexing walks cell by cell).
    flat, shape = i * len(g.cols) + j, (g.value.shape[0], len(g.rows) * len(g.cols))
    v = np.where(g.blank.reshape(shape)[:, flat], 0.0, g.value.reshape(shape)[:, flat])
    v[g.unsure.reshape(shape)[:, flat]] = np.nan
    pos = report_positions(corpus, g.ids)
    if len(pos) == len(out) and (pos == np.arange(len(pos))).all():  # the grid's reports are the corpus'
        out[:, k] = v
    else:
        ok = np.flatnonzero(pos >= 0)
        out[pos[ok][:, None], k[None, :]] = v[ok]


def _build_table_cells(corpus: Corpus, table: str) -> _TableCells:
    cells = corpus.cells
    sub = cells.loc[(cells["table"] == table).to_numpy()]
    row, col = (pd.Categorical(sub[k]) if not isinstance(sub[k].dtype, pd.CategoricalDtype) else sub[k].array
                for k in ("row", "col"))
    n_col = len(col.categories)
    pair = row.codes.astype(np.int64) * n_col + col.codes
    names = [f"{r}/{c}" for r in row.categories.astype(str) for c in col.categories.astype(str)]
    value = sub["value"].to_numpy(dtype="float64").copy()
    if "state" in sub.columns:  # contract 1: the reader decided the state once
        state = sub["state"].astype(object).to_numpy()
        value = np.where(state == "value", value, np.where(state == "blank", 0.0, np.nan))
    else:
        raw = sub["raw"]
        if isinstance(raw.dtype, pd.CategoricalDtype):  # decide once per distinct raw text
            marks = pd.Series(raw.cat.categories.astype(str)).str.strip().str.strip("\u3000").isin(_BLANK_MARKS)
            codes = raw.cat.codes.to_numpy()
            blank = (codes >= 0) & marks.to_numpy()[np.clip(codes, 0, None)] if len(marks) else codes < -1
        else:
            r = raw.astype(object)
            blank = r.notna().to_numpy() & r.fillna("").astype(str).str.strip().str.strip("\u3000") \
                .isin(_BLANK_MARKS).to_numpy()
        value = np.where(np.isnan(value) & blank, 0.0, value)
    rid = sub["report_id"]
    reports = pd.Index(corpus.reports["report_id"].astype(str))
    if isinstance(rid.dtype, pd.CategoricalDtype):  # one look-up per report, not per cell
        at = reports.get_indexer(rid.cat.categories.astype(str))
        codes = rid.cat.codes.to_numpy()
        report = np.where(codes >= 0, at[np.clip(codes, 0, None)] if len(at) else -1, -1)
    else:
        report = reports.get_indexer(rid.astype(str))
    return _TableCells(report=report, pair=pair, names=names, value=value)


def _unknown_flagged(corpus: Corpus, table: str, keys: list[str], ids: pd.Index, out: np.ndarray) -> None:
    """Rows (or whole tables) the reader flagged as glued or short become unknown."""
    p = corpus.problems
    p = p.loc[p["kind"].isin(_INCOMPLETE).to_numpy() & (p["table"] == table).to_numpy()]
    if p.empty:
        return
    at = ids.get_indexer(p["report_id"].astype(str))
    row = p["row"].astype(object).to_numpy()
    key_rows = np.array([k.split("/")[0] for k in keys], dtype=object)
    whole = pd.isna(row)
    out[at[whole & (at >= 0)]] = np.nan
    hit = ~whole & (at >= 0)
    r, j = np.nonzero(row[hit][:, None] == key_rows[None, :])
    out[at[hit][r], j] = np.nan


def option(corpus: Corpus, name: str, default: float) -> float:
    """A numeric run option (``corpus.options[name]``, set from the configuration's ``[check_thresholds]``)."""
    v = (getattr(corpus, "options", None) or {}).get(name)
    return float(default if v is None else v)


def previous_reports(corpus: Corpus) -> pd.DataFrame:
    """(report_id, prev_id, unit, year) for every readable report whose unit (same name after
    trimming white space) has a readable report of the year before; the first one when several."""
    return corpus.derived("lookups:previous", _previous)


def _previous(corpus: Corpus) -> pd.DataFrame:
    r = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    r = r.loc[~r["report_id"].isin(unreadable(corpus)) & r["unit"].notna() & r["year"].notna()]
    r = pd.DataFrame({"report_id": r["report_id"].to_numpy(dtype=object),
                      "unit": r["unit"].astype(str).str.strip().to_numpy(dtype=object),
                      "year": r["year"].astype("int64").to_numpy()})
    r = r.loc[r["unit"] != ""]
    prev = r.drop_duplicates(["unit", "year"]).rename(columns={"report_id": "prev_id"})
    prev = prev.assign(year=prev["year"] + 1)
    out = r.merge(prev, on=["unit", "year"], how="inner")
    return out[["report_id", "prev_id", "unit", "year"]].reset_index(drop=True)


# -- prose -----------------------------------------------------------------------------------------

def joined_by_report(ids: pd.Series, texts: pd.Series) -> pd.Series:
    """``texts`` joined with line breaks per report id (index), in their order; a report with one
    text (the usual case) costs no Python call."""
    rid = ids.astype(str).to_numpy(dtype=object)
    t = texts.astype(str).to_numpy(dtype=object)
    dup = pd.Series(rid).duplicated(keep=False).to_numpy()
    single = pd.Series(t[~dup], index=pd.Index(rid[~dup], name="report_id"), dtype=object)
    if not dup.any():
        return single
    many = pd.Series(t[dup], dtype=object).groupby(rid[dup], sort=False).agg("\n".join)
    return pd.concat([single, many]).rename_axis("report_id")


# -- kinds of unit -----------------------------------------------------------------------------------

_NAME_KINDS = (  # first match wins; only names whose kind is certain
    ("街道", r"街道(?:办事处|工作委员会|党工委)?$"),
    ("乡镇", r"(?:[乡镇]|[乡镇]人民政府)$"),
    ("部门", r"人民政府办公(?:室|厅)$|(?:局|委员会|办公室|办公厅|厅|署|中心)$"),
    ("人民政府", r"人民政府$"),
)


def unit_kinds(corpus: Corpus) -> pd.Series:
    """Kind of unit per report (index report_id, ``corpus.reports`` order): 人民政府, 部门, 乡镇, 街道
    or None. From ``corpus.options["units"]`` (column ``kind``) when it names the unit, else
    from the unit name where it is certain (…街道办事处, …镇人民政府, …局, …县人民政府)."""
    return corpus.derived("lookups:unit_kinds", _unit_kinds)


def _unit_kinds(corpus: Corpus) -> pd.Series:
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    names = corpus.reports["unit"].astype(object).where(corpus.reports["unit"].notna(), "").astype(str).str.strip()
    codes, uniq = pd.factorize(names)
    kinds = pd.Series([None] * len(uniq), dtype=object)
    u = pd.Series(uniq, dtype=object)
    for kind, pattern in reversed(_NAME_KINDS):  # the first pattern is applied last and wins
        kinds[u.str.contains(pattern, regex=True).to_numpy()] = kind
    units = units_frame(corpus)
    if units is not None:
        given = units.drop_duplicates("unit").set_index("unit")["kind"]
        from_file = u.map(given)
        kinds = from_file.where(from_file.isin(UNIT_KINDS), kinds).astype(object)
    return pd.Series(kinds.to_numpy(dtype=object)[codes] if len(codes) else [], index=pd.Index(ids, name="report_id"),
                     dtype=object)


def units_frame(corpus: Corpus) -> pd.DataFrame | None:
    """The units frame of the run (``corpus.options["units"]``, contract 4) with names trimmed, or None."""
    units = (getattr(corpus, "options", None) or {}).get("units")
    if units is None:
        return None
    u = pd.DataFrame(units).copy()
    for col in ("unit", "region", "level", "parent", "kind"):
        if col not in u.columns:
            u[col] = None
        u[col] = u[col].astype(object).where(u[col].notna(), None)
        u[col] = u[col].map(lambda v: str(v).strip() if v is not None else None)
    return u
