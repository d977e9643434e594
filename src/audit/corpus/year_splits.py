"""Glued rows decided by the same unit's reports of the year before and the year after.

A crawler-flattened row (``行政规范性文件693665``) can have several readings that the report itself
allows; ``audit.ingest.glued_rows`` keeps them in the ``ambiguous_split`` problem (``readings``).
These rows continue from one year's report into the next (the cross_report pack checks them on rows
that were read):

- 现行有效件数 = last year's 现行有效件数 + 本年制发件数 − 本年废止件数 (规章 and 行政规范性文件, edition 2021);
- 上一年项目数量 = last year's 上一年项目数量 + its 本年增/减 (行政许可 … 行政事业性收费, edition 2019);
- 上年结转 = last year's 结转下年度继续办理, column by column.

Once the corpus frames are built and before any rule runs, each ambiguous row is held against the
same unit's reports of the year before and the year after (``audit.corpus.lookups.previous_reports``
pairs them): a reading is kept when the other year's row continues it (a row read there, or any
reading of that row when it is glued too); a reading that implies a negative stock the year before
(or negative items at the end of its year) is none. Requests rows then go through the table's column identities again. Exactly one reading
left, and every report it rests on says something (not a row printed all zero, which any reading
ending in 0 "continues"; a report that printed every table all zero is not held against the row at
all, neither to place nor to contradict) and itself continues into its own other neighbour where the corpus has it
(the generated corpus places wrong values without these two): the cells are placed (state ``value``) and the problem
becomes a ``split_by_other_year`` note saying which report decided it. None left: whatever the
digits mean, the reports disagree (an ``other_year_conflict`` problem at the row). Several left:
the row stays ambiguous, as the reader left it. Never guess.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.contracts.identities import TOLERANCE
from audit.corpus import year_split_text as text
from audit.ingest import glued_rows, splitter

Values = Mapping[str, float]
SPLIT_NOTE = "split_by_other_year"
CONFLICT = "other_year_conflict"
_UNSURE_KINDS = ("missing_cells", "ambiguous_split")


@dataclass(frozen=True)
class Link:
    """A row of one year's report that the next year's report continues (``holds(earlier, later)``)."""

    table: str
    earlier: str
    later: str
    earlier_cols: tuple[str, ...]
    later_cols: tuple[str, ...]
    holds: Callable[[Values, Values], bool]
    rule: str  # the continuation as a supervisor reads it
    edition: str | None = None  # both reports must be of this edition (None: any)
    # What a reading implies must not be negative: the stock the year before (现行有效 − 制发 + 废止),
    # or the items at the end of the year (上一年项目数量 + 本年增/减).
    floor: Callable[[Values], float] | None = None


def _in_force(e: Values, lt: Values) -> bool:
    return abs(e["in_force"] + lt["issued"] - lt["repealed"] - lt["in_force"]) <= TOLERANCE


def _prev_items(e: Values, lt: Values) -> bool:
    return abs(e["prev_items"] + e["change"] - lt["prev_items"]) <= TOLERANCE


def _links() -> tuple[Link, ...]:
    cols = tuple(catalogue.load().request_columns)
    three = ("issued", "repealed", "in_force")
    docs = tuple(Link("active", r, r, ("in_force",), three, _in_force,
                      "后一年度的现行有效件数应等于前一年度的现行有效件数加后一年度本年制发件数、减本年废止件数，"
                      "由此推得的上年现行有效件数不能为负", "2021", lambda v: v["in_force"] - v["issued"] + v["repealed"])
                 for r in ("regulations", "normative_documents"))
    items = tuple(Link("active", r, r, ("prev_items", "change"), ("prev_items",), _prev_items,
                       "后一年度的上一年项目数量应等于前一年度的上一年项目数量加本年增/减，项目数不能为负", "2019",
                       lambda v: v["prev_items"] + v["change"])
                  for r in ("licensing", "other_services", "penalty", "enforcement", "fees"))
    carry = Link("requests", "carried_next", "carried_over", cols, cols,
                 lambda e, lt: all(abs(e[c] - lt[c]) <= TOLERANCE for c in cols),
                 "后一年度“上年结转”各列应等于前一年度“结转下年度继续办理”同列")
    return (*docs, *items, carry)


LINKS = _links()


@dataclass
class Glued:
    """One ambiguous row with its readings (each a col → value mapping)."""

    at: int  # position in the problems frame
    report: str
    table: str
    row: str
    digits: str
    readings: list[dict[str, float]]
    kept: list[int] = field(default_factory=list)  # indices that every other year allows
    checks: list[text.Check] = field(default_factory=list)


def resolve(reports: pd.DataFrame, cells: pd.DataFrame, problems: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The cells and problems frames with the ambiguous rows the other years decide placed or
    flagged; the problems' ``readings`` column is consumed (the frames keep their public columns)."""
    if "readings" not in problems.columns:
        return cells, problems
    readings = problems["readings"].to_numpy(dtype=object)
    problems = problems.drop(columns="readings")
    keys = [problems[k].to_numpy(dtype=object) for k in ("report_id", "table", "row")]
    glued = [g for g in (_glued(keys, readings, i) for i in _linked(problems, readings).tolist()) if g is not None]
    if not glued:
        return cells, problems
    prev_of, next_of = _neighbours(reports, problems, {g.report for g in glued})
    # A neighbour that printed every table all zero (a template filled with 0, which ZERO-ALL-TABLES
    # flags) says nothing about this year's digits: as if the corpus did not hold it.
    zero = _all_zero_reports(cells, set(prev_of.values()) | set(next_of.values()))
    prev_of = {k: v for k, v in prev_of.items() if v not in zero}
    next_of = {k: v for k, v in next_of.items() if v not in zero}
    if not prev_of and not next_of:
        return cells, problems
    edition = dict(zip(reports["report_id"].astype(str), reports["edition"].astype(object), strict=True))
    year = dict(zip(reports["report_id"].astype(str), reports["year"].astype(object), strict=True))
    involved = {g.report for g in glued} | set(prev_of.values()) | set(next_of.values())
    rows = _known_rows(cells, problems, involved, {g.report for g in glued if g.table == "requests"})
    by_row = {(g.report, g.table, g.row): g for g in glued}
    for g in glued:
        _check(g, prev_of, next_of, edition, year, rows, by_row)
    placed: dict[tuple[str, str, str], dict[str, float]] = {}
    notes: dict[int, tuple[str, str]] = {}
    for g in glued:
        if g.table != "requests" and g.checks:
            if len(g.kept) == 1 and all(c.trusted for c in g.checks):
                placed[(g.report, g.table, g.row)] = g.readings[g.kept[0]]
                notes[g.at] = (SPLIT_NOTE, text.placed(g.table, g.row, g.digits, len(g.readings), g.checks,
                                                       g.readings[g.kept[0]]))
            elif not g.kept:
                notes[g.at] = (CONFLICT, text.conflict(g.table, g.row, g.digits, len(g.readings), g.checks))
    by_report: dict[str, list[Glued]] = {}
    for g in glued:
        if g.table == "requests":
            by_report.setdefault(g.report, []).append(g)
    for rid, mine in by_report.items():
        _requests(rid, mine, edition.get(rid), rows, placed, notes)
    if not notes:
        return cells, problems
    problems = problems.copy()
    at = list(notes)
    problems.loc[problems.index[at], "kind"] = [notes[i][0] for i in at]
    problems.loc[problems.index[at], "detail"] = [notes[i][1] for i in at]
    return (_place(cells, placed) if placed else cells), problems


def _linked(problems: pd.DataFrame, readings: np.ndarray) -> np.ndarray:
    """Positions of the ambiguous rows another year could decide: rows of a link, and every glued
    requests row of a report whose 上年结转 or 结转下年度 is glued (the columns may then decide it)."""
    table, row = (problems[k].to_numpy(dtype=object) for k in ("table", "row"))
    rid = problems["report_id"].to_numpy(dtype=object)
    glued = pd.notna(readings) & (problems["kind"] == "ambiguous_split").to_numpy()
    linked = np.zeros(len(problems), dtype=bool)
    for lk in LINKS:
        linked |= (table == lk.table) & pd.Index(row).isin([lk.earlier, lk.later])
    linked &= glued
    requests = glued & (table == "requests") & pd.Index(rid).isin(list(set(rid[linked & (table == "requests")])))
    return np.flatnonzero(linked | requests)


def _glued(keys: list[np.ndarray], readings: np.ndarray, i: int) -> Glued | None:
    """The ambiguous row at position ``i`` (``keys``: report_id, table, row of every problem)."""
    r = readings[i]
    if not isinstance(r, Mapping) or r.get("capped") or not r.get("values"):
        return None
    cols = list(r["cols"])
    table, row = str(keys[1][i]), str(keys[2][i])
    links = [lk for lk in LINKS if lk.table == table and row in (lk.earlier, lk.later)]
    if links and not any({*lk.earlier_cols, *lk.later_cols} <= set(cols) for lk in links):
        return None  # e.g. 规章 of the 2019 edition: nothing in it continues from one year to the next
    return Glued(at=i, report=str(keys[0][i]), table=table, row=row, digits=str(r.get("digits") or ""),
                 readings=[dict(zip(cols, map(float, v), strict=True)) for v in r["values"]])


def _neighbours(reports: pd.DataFrame, problems: pd.DataFrame, wanted: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Report → the same unit's report of the year before / after (the first one when several), for
    the reports ``wanted`` and their neighbours."""
    from audit.corpus.loader import Corpus
    from audit.corpus.lookups import previous_reports

    corpus = Corpus(reports=reports, sections=pd.DataFrame(), cells=pd.DataFrame(), problems=problems)
    pairs = previous_reports(corpus)
    near = pairs["report_id"].isin(wanted) | pairs["prev_id"].isin(wanted)
    wanted = wanted | set(pairs.loc[near, "report_id"]) | set(pairs.loc[near, "prev_id"])  # and their neighbours
    prev = pairs.loc[pairs["report_id"].isin(wanted)]
    nxt = pairs.loc[pairs["prev_id"].isin(wanted)].drop_duplicates("prev_id")
    return (dict(zip(prev["report_id"], prev["prev_id"], strict=True)),
            dict(zip(nxt["prev_id"], nxt["report_id"], strict=True)))


def _all_zero_reports(cells: pd.DataFrame, ids: set[str]) -> set[str]:
    """The reports of ``ids`` whose three tables each hold numbers, all of them 0.

    Masks over all cells, one byte each, instead of the cells of ``ids`` gathered first: at
    100,000 reports those are most of the 20 million cells, and their gathered codes and values
    took 400 MB more at the loader's peak of memory."""
    rep = cells["report_id"].cat.codes.to_numpy()
    n = len(cells["report_id"].cat.categories)
    table = cells["table"].cat.codes.to_numpy()
    value = cells["value"].to_numpy(dtype=float)
    out = _members(cells["report_id"], ids)[:n].copy()
    for t in catalogue.TABLES:
        mine = _looked_up(_members(cells["table"], {t}), table)
        valued = _any_per_report(rep, mine & ~np.isnan(value), n)
        nonzero = _any_per_report(rep, mine & ((value > TOLERANCE) | (value < -TOLERANCE)), n)
        out &= valued & ~nonzero
    return set(cells["report_id"].cat.categories.astype(str)[out])


def _any_per_report(rep: np.ndarray, mask: np.ndarray, n: int) -> np.ndarray:
    """Per report code: whether any of its cells is in ``mask``."""
    has = np.zeros(n + 1, dtype=bool)  # a code -1 (no report) lands in the extra last slot
    has[rep[mask]] = True
    return has[:n]


def _known_rows(cells: pd.DataFrame, problems: pd.DataFrame, ids: set[str], whole: set[str]
                ) -> dict[tuple[str, str, str], dict[str, float]]:
    """(report, table, row) → its cells that are known (a number, or a printed blank as 0): the
    linked rows of the reports ``ids`` and every requests row of the reports ``whole``, leaving out
    rows (and tables) the reader flagged as glued or short."""
    rep, table, row = (cells[k].cat.codes.to_numpy() for k in ("report_id", "table", "row"))
    linked = {lk.table: set() for lk in LINKS}
    for lk in LINKS:
        linked[lk.table] |= {lk.earlier, lk.later}
    keep = np.zeros(len(rep), dtype=bool)  # masks over all cells, one byte each (no gathered codes)
    for t, rs in linked.items():
        keep |= _looked_up(_members(cells["table"], {t}), table) & _looked_up(_members(cells["row"], rs), row)
    keep &= _looked_up(_members(cells["report_id"], ids), rep)
    keep |= (_looked_up(_members(cells["table"], {"requests"}), table)
             & _looked_up(_members(cells["report_id"], whole & ids), rep))
    sub = cells.iloc[np.flatnonzero(keep)]
    codes = {k: sub[k].cat.codes.to_numpy().astype(np.int64) for k in ("report_id", "table", "row", "col")}
    state = sub["state"]
    known = _members(state, {"value", "blank"})[state.cat.codes.to_numpy()]
    value = np.where(_members(state, {"blank"})[state.cat.codes.to_numpy()], 0.0, sub["value"].to_numpy(dtype=float))
    # Rows (and tables) the reader flagged as unsure, as codes of the cells' categories.
    p = problems.loc[problems["kind"].isin(_UNSURE_KINDS).to_numpy() & problems["report_id"].isin(list(ids)).to_numpy()]
    flagged = {k: _codes_of(cells[k], p[k]) for k in ("report_id", "table", "row")}
    whole_table = p["row"].isna().to_numpy()
    row_key, table_key = _row_keys(codes, cells), _row_keys(codes, cells, with_row=False)
    out_rows = np.isin(row_key, _row_keys(flagged, cells)[~whole_table])
    out_tables = np.isin(table_key, _row_keys(flagged, cells, with_row=False)[whole_table])
    at = np.flatnonzero(known & ~out_rows & ~out_tables)
    at = at[np.argsort(row_key[at], kind="stable")]  # each row's cells together, in their order
    names = {k: sub[k].cat.categories.astype(str).to_numpy(dtype=object) for k in ("report_id", "table", "row", "col")}
    starts = np.flatnonzero(np.r_[True, row_key[at][1:] != row_key[at][:-1]]) if len(at) else at
    col_names = names["col"][codes["col"][at]].tolist()
    values = value[at].tolist()
    out: dict[tuple[str, str, str], dict[str, float]] = {}
    for a, b, i in zip(starts.tolist(), [*starts[1:].tolist(), len(at)], at[starts].tolist(), strict=True):
        out[(names["report_id"][codes["report_id"][i]], names["table"][codes["table"][i]],
             names["row"][codes["row"][i]])] = dict(zip(col_names[a:b], values[a:b], strict=True))
    return out


def _codes_of(column: pd.Series, values: pd.Series) -> np.ndarray:
    """The category codes of a categorical ``column`` for ``values`` (-1: not a category, or missing)."""
    cats = pd.Index(column.cat.categories.astype(str))
    v = values.to_numpy(dtype=object)
    present = pd.notna(v)
    out = np.full(len(v), -1, dtype=np.int64)
    out[present] = cats.get_indexer(pd.Index(v[present].astype(str)))
    return out


def _row_keys(codes: dict[str, np.ndarray], cells: pd.DataFrame, *, with_row: bool = True) -> np.ndarray:
    """One int64 per (report, table[, row]) from category codes (+1: a code -1 is its own value)."""
    key = np.zeros(len(codes["report_id"]), dtype=np.int64)
    for k in ("report_id", "table", "row") if with_row else ("report_id", "table"):
        key = key * (len(cells[k].cat.categories) + 1) + codes[k] + 1
    return key


def _members(column: pd.Series, names: set[str]) -> np.ndarray:
    """A lookup by category code of a categorical ``column``: True for the categories in ``names``.
    One slot more than there are categories, False, so that a missing value's code -1 looks up
    False; ``lookup[codes]`` is ``isin`` on 20 million cells without a sort or a string."""
    cats = pd.Index(column.cat.categories.astype(str))
    out = np.zeros(len(cats) + 1, dtype=bool)
    at = cats.get_indexer(list(names))
    out[at[at >= 0]] = True
    return out


def _looked_up(lookup: np.ndarray, codes: np.ndarray, chunk: int = 1 << 21) -> np.ndarray:
    """``lookup[codes]`` (a ``_members`` lookup over 20 million cells' codes) a slice at a time:
    numpy turns the codes it gathers by into int64 first, 160 MB for all cells at once."""
    out = np.empty(len(codes), dtype=lookup.dtype)
    for a in range(0, len(codes), chunk):
        np.take(lookup, codes[a:a + chunk], out=out[a:a + chunk])
    return out


def _options(rid: str, table: str, row: str, cols: tuple[str, ...], rows: dict, by_row: dict
             ) -> tuple[list[dict[str, float]], str | None] | None:
    """The other year's row as a list of possible values (one when read; its readings when glued
    too) and its digits when glued; None when unknown."""
    g = by_row.get((rid, table, row))
    if g is not None:
        return g.readings, g.digits
    known = rows.get((rid, table, row))
    if known is None or not all(c in known for c in cols):
        return None
    return [known], None


def _check(g: Glued, prev_of: dict, next_of: dict, edition: dict, year: dict, rows: dict, by_row: dict) -> None:
    """Keep the readings of ``g`` that the year before and the year after allow."""
    keep = set(range(len(g.readings)))
    for lk in LINKS:
        if lk.table != g.table:
            continue
        for side in ("prev", "next"):
            other = (prev_of if side == "prev" else next_of).get(g.report)
            if (lk.later if side == "prev" else lk.earlier) != g.row or other is None or not _editions_fit(lk, edition, g.report, other):
                continue
            got = _side(lk, side, other, rows, by_row)
            if got is None:
                continue
            opts, digits = got
            fits = {i for i, mine in enumerate(g.readings) if _admissible(lk, mine) and any(
                lk.holds(o, mine) if side == "prev" else lk.holds(mine, o) for o in opts)}
            theirs = lk.earlier if side == "prev" else lk.later
            g.checks.append(text.Check(side=side, other=other, year=year.get(other), row=theirs,
                                       link_rule=lk.rule, cols=lk.earlier_cols if side == "prev" else lk.later_cols,
                                       values=opts[0] if digits is None else None, digits=digits,
                                       n_other=len(by_row[(other, g.table, theirs)].readings) if digits is not None else 1,
                                       fits=len(fits), trusted=_informative(opts, lk.earlier_cols if side == "prev" else lk.later_cols)
                                       and _continues(lk, side, other, prev_of, next_of, edition, rows, by_row)))
            keep &= fits
    g.kept = sorted(keep)


def _editions_fit(lk: Link, edition: dict, a: str, b: str) -> bool:
    return lk.edition is None or edition.get(a) == edition.get(b) == lk.edition


def _admissible(lk: Link, later: Values) -> bool:
    """A reading is possible only if what it implies could exist: the stock it implies for the
    year before (现行有效 − 制发 + 废止) or its items at the end of the year (上一年项目数量 + 本年增/减)
    is not negative."""
    return lk.floor is None or lk.floor(later) >= -TOLERANCE


def _side(lk: Link, side: str, other: str, rows: dict, by_row: dict) -> tuple[list[dict[str, float]], str | None] | None:
    """The other report's row of ``lk`` as seen from a row on ``side`` of it: its possible values
    (a glued row's admissible readings) and its digits when glued; None when unknown."""
    row, cols = (lk.earlier, lk.earlier_cols) if side == "prev" else (lk.later, lk.later_cols)
    got = _options(other, lk.table, row, cols, rows, by_row)
    if got is None or got[1] is None:
        return got
    opts = [o for o in got[0] if _admissible(lk, o)]
    return (opts, got[1]) if opts else None


def _informative(opts: list[dict[str, float]], cols: tuple[str, ...]) -> bool:
    """Whether the other report's row says anything: a row printed all zero is what a table left
    unfilled looks like, and a reading ending in 0 always "continues" it, so it places nothing."""
    return any(abs(o[c]) > TOLERANCE for o in opts for c in cols)


def _continues(lk: Link, side: str, other: str, prev_of: dict, next_of: dict, edition: dict, rows: dict,
               by_row: dict) -> bool:
    """Whether ``other`` (the report a row is checked against) itself continues into its own other
    neighbour, where the corpus has it: a report that breaks the continuation on its far side is
    no ground to place a value (its figures may be the wrong ones). Only for rows that continue
    themselves (现行有效件数); 表三's rows are matched cell by cell in all seven columns."""
    if lk.earlier != lk.later:
        return True
    far = (prev_of if side == "prev" else next_of).get(other)
    if far is None or not _editions_fit(lk, edition, other, far):
        return True
    near_side = _side(lk, "next" if side == "prev" else "prev", other, rows, by_row)  # ``other`` seen from ``far``
    far_side = _side(lk, side, far, rows, by_row)  # ``far`` seen from ``other``
    if near_side is None or far_side is None:
        return True
    if side == "prev":  # far, other, (the glued row)
        return any(lk.holds(f, o) for f in far_side[0] for o in near_side[0])
    return any(lk.holds(o, f) for o in near_side[0] for f in far_side[0])


def _requests(rid: str, glued: list[Glued], edition: str | None, rows: dict,
              placed: dict, notes: dict) -> None:
    """The requests table of one report again: readings the other years allow, then the columns."""
    if not any(g.checks for g in glued) or edition not in catalogue.EDITIONS:
        return
    cat = catalogue.load()
    order = cat.request_rows(edition)
    crossed = [g for g in glued if g.checks]
    for g in crossed:
        if not g.kept:
            notes[g.at] = (CONFLICT, text.conflict(g.table, g.row, g.digits, len(g.readings), g.checks))
    pending = {g.row: [tuple(g.readings[i][c] for c in cat.request_columns) for i in (g.kept if g.checks else
               range(len(g.readings)))] for g in glued if not g.checks or g.kept}
    if not pending or all(len(g.kept) == len(g.readings) for g in crossed if g.kept):
        return  # nothing learnt from the other years
    fixed = {r: tuple(rows[(rid, "requests", r)][c] for c in cat.request_columns) for r in order
             if r not in pending and all(c in rows.get((rid, "requests", r), {}) for c in cat.request_columns)}
    seen = splitter.consistent(pending, glued_rows.columns_check("requests", order, fixed, len(cat.request_columns)))
    if seen is None:
        return
    decided = [g.row for g in crossed if g.kept]
    for g in glued:
        if g.row not in pending:
            continue
        if not any(seen.values()):
            if g.checks:
                notes[g.at] = (CONFLICT, text.columns_conflict(g.row, g.digits, len(g.readings), g.checks, len(g.kept)))
            continue
        if len(seen[g.row]) != 1:
            continue
        values = dict(zip(cat.request_columns, pending[g.row][next(iter(seen[g.row]))], strict=True))
        placed[(rid, "requests", g.row)] = values
        notes[g.at] = (SPLIT_NOTE, text.placed(g.table, g.row, g.digits, len(g.readings), g.checks, values)
                       if g.checks else text.placed_by_columns(g.row, g.digits, len(g.readings), decided, values))


def _place(cells: pd.DataFrame, placed: dict[tuple[str, str, str], dict[str, float]]) -> pd.DataFrame:
    """``cells`` (the loader's own frame, changed in place) with the decided rows' cells set: value,
    raw as the reader prints a number, state ``value``."""
    names = ("report_id", "table", "row", "col")
    key = [(rid, t, r, c, v) for (rid, t, r), vals in placed.items() for c, v in vals.items()]
    cats = {n: pd.Index(cells[n].cat.categories.astype(str)) for n in names}
    want = np.stack([cats[n].get_indexer([k[j] for k in key]) for j, n in enumerate(names)], axis=1).astype(np.int64)
    near = np.flatnonzero(_looked_up(_members(cells["report_id"], {k[0] for k in key}), cells["report_id"].cat.codes.to_numpy()))
    have = np.stack([cells[n].cat.codes.to_numpy()[near].astype(np.int64) for n in names], axis=1)
    sizes = [len(cats[n]) + 1 for n in names]

    def flat(a: np.ndarray) -> np.ndarray:  # one int64 per (report, table, row, col)
        out = np.zeros(len(a), dtype=np.int64)
        for j, size in enumerate(sizes):
            out = out * size + a[:, j] + 1
        return out

    pos = near[pd.Index(flat(have)).get_indexer(flat(want))]
    raws = [glued_rows.number_raw(v) for *_, v in key]
    old = cells["raw"].cat.categories.astype(str)
    new = pd.Index(sorted(set(old) | set(raws)))  # sorted, as the loader builds them
    # Old code -> new code in one int32 gather; the code -1 (no raw text) looks up the last slot, -1.
    lookup = np.append(new.get_indexer(old), -1).astype(np.int32)
    codes = lookup[cells["raw"].cat.codes.to_numpy()]
    codes[pos] = new.get_indexer(raws)
    cells["raw"] = pd.Categorical.from_codes(codes, categories=new)
    cells.iloc[pos, cells.columns.get_loc("value")] = [float(v) for *_, v in key]
    cells.iloc[pos, cells.columns.get_loc("state")] = "value"
    return cells
