"""Corpus look-ups for rules that compare reports: known cell values, last year's report, prose
sentences and the kind of each unit. Public through ``audit.api``; every view is computed once
per corpus (``Corpus.derived``, keys start with ``lookups:``) and is read-only.

"Known" means what a rule may compare: a number the reader read, or a cell printed blank (read
as 0, as the arithmetic pack does). A cell the reader could not place, a non-numeric cell and
every cell of a row (or table) the reader flagged as glued or short is unknown (NaN), never 0.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from audit.contracts.report import PARSE_KINDS

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
    cells = corpus.cells
    sub = cells.loc[(cells["table"] == table).to_numpy()]
    if len(sub):
        rc = pd.MultiIndex.from_arrays([sub["row"].astype(object), sub["col"].astype(object)])
        codes, uniq = pd.factorize(rc)  # decide per distinct (row, col), not per cell
        j = pd.Index(keys).get_indexer([f"{r}/{c}" for r, c in uniq])[codes]
        sub, j = sub.loc[j >= 0], j[j >= 0]
        value = sub["value"].to_numpy(dtype="float64").copy()
        if "state" in sub.columns:  # contract 1: the reader decided the state once
            state = sub["state"].astype(object).to_numpy()
            value = np.where(state == "value", value, np.where(state == "blank", 0.0, np.nan))
        else:
            raw = sub["raw"].astype(object)
            blank = raw.notna().to_numpy() & raw.fillna("").astype(str).str.strip().str.strip("\u3000") \
                .isin(_BLANK_MARKS).to_numpy()
            value = np.where(np.isnan(value) & blank, 0.0, value)
        i = pd.Index(ids).get_indexer(sub["report_id"].astype(str))
        ok = i >= 0
        out[i[ok], j[ok]] = value[ok]
        _unknown_flagged(corpus, table, keys, pd.Index(ids), out)
    return pd.DataFrame(out, index=pd.Index(ids.to_numpy(dtype=object), name="report_id"), columns=keys)


def _unknown_flagged(corpus: Corpus, table: str, keys: list[str], ids: pd.Index, out: np.ndarray) -> None:
    """Rows (or whole tables) the reader flagged as glued or short become unknown."""
    p = corpus.problems
    p = p.loc[p["kind"].isin(_INCOMPLETE).to_numpy() & (p["table"] == table).to_numpy()]
    rows = np.array([k.split("/")[0] for k in keys], dtype=object)
    for rid, row in zip(p["report_id"].astype(str), p["row"], strict=True):
        i = ids.get_indexer([rid])[0]
        if i >= 0:
            out[i, rows == row if isinstance(row, str) else slice(None)] = np.nan


def option(corpus: Corpus, name: str, default: float) -> float:
    """A numeric run option (``corpus.options[name]``, set from the configuration's ``[checks]``)."""
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

# A sentence of prose: a run of text ended by a full stop, never crossing a line break, a tab or a
# pipe (table rows are printed with those, and their labels carry no full stop). Found by one
# split (linear in the text, also on a 100,000-digit run), keeping the pieces that end a sentence.
_CUTS = re.compile(r"(?<=[。！？!?])|[\n\t|]")
_ENDS = ("。", "！", "？", "!", "?")
_NOISE = re.compile(r"[\s\u3000*#>\-•·]+")
_DIGITS = re.compile(r"[0-9０-９.．]+")
MIN_SENTENCE_CHARS = 8


def sentences(corpus: Corpus) -> pd.DataFrame:
    """Prose sentences outside the tables, one row each: report_id, canonical (section), text
    (normalised: no white space or list marks, every number as ``#``, so a copy that only updates
    the figures and years still matches). Sentences shorter than ``MIN_SENTENCE_CHARS`` are left out."""
    return corpus.derived("lookups:sentences", _sentences)


def _sentences(corpus: Corpus) -> pd.DataFrame:
    sec = corpus.sections
    sec = sec.loc[~sec["report_id"].astype(str).isin(unreadable(corpus))]
    found = sec["text"].astype(str).str.split(_CUTS, regex=True)
    frame = pd.DataFrame({"report_id": sec["report_id"].astype(str).to_numpy(dtype=object),
                          "canonical": sec["canonical"].astype(object).to_numpy(), "text": found.to_numpy()})
    frame = frame.explode("text", ignore_index=True).dropna(subset=["text"])
    frame = frame.loc[frame["text"].str.endswith(_ENDS)]
    codes, uniq = pd.factorize(frame["text"])  # boilerplate repeats across reports: normalise once
    norm = pd.Series(uniq, dtype=object).str.replace(_NOISE, "", regex=True).str.replace(_DIGITS, "#", regex=True)
    frame["text"] = norm.to_numpy(dtype=object)[codes] if len(codes) else frame["text"]
    return frame.loc[frame["text"].str.len() >= MIN_SENTENCE_CHARS].reset_index(drop=True)


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
