"""Glued rows of flattened page text: choose among their splits with everything that is known.

A row printed as one digit string (``一、本年新收政府信息公开申请数量801000081``) has a set of
possible readings (``audit.ingest.splitter``). What decides among them, in this order:

1. the printed digits alone: a row with exactly one reading (``0000002`` for seven cells) is that
   reading, whatever its identities say (the arithmetic pack then checks it like any other row);
2. the row's own identity (the six applicant columns add up to 总计; each appeals group of five
   adds up to its total). When *no* reading satisfies it the row is certainly wrong: an
   ``identity_broken`` problem says so at the row and the cells stay unplaced;
3. numbers the report's text states for the same cell (本年度制发的规范性文件77件,
   ``audit.ingest.stated_numbers``), as a tie-break among readings the identities allow: they
   pick a reading only when exactly one agrees, and are ignored when none does (the narrative
   pack reports the disagreement);
4. the column identities of the requests table across rows (第一项加第二项之和等于第三项加第四项之和;
   （七）总计 is the sum of the results): a row is placed when every combination of readings that
   satisfies them gives it the same reading. When no combination does, the table is certainly
   wrong: one ``identity_broken`` problem for the table.

A row is placed only when exactly one reading survives; otherwise it stays unplaced with an
``ambiguous_split`` problem. Never guess. The problem carries the readings still possible
(``readings``: at most ``MAX_CARRIED`` of them, none beyond) so that the corpus can try the same
unit's reports of the years before and after (``audit.corpus.year_splits``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from audit.contracts import catalogue
from audit.contracts.identities import TOLERANCE
from audit.contracts.report import problem
from audit.ingest import splitter, values
from audit.ingest.table_read import Typed

#: At most this many readings travel with an ambiguous row; beyond, none do (``capped``).
MAX_CARRIED = 64


def identity_names(table: str, across: str) -> str:
    """The catalogue's identities of ``table`` as a supervisor reads them (六类申请人之和等于“总计”)."""
    return "，".join(f"{i.lhs_name}等于“{i.rhs_name}”" if i.total else f"{i.lhs_name}等于{i.rhs_name}"
                    for i in catalogue.load().identities_of(table, across))


def as_cells(split: splitter.Split) -> list[Typed]:
    return [(values.NUMBER, v, _number_raw(v)) for v in split]


def number_raw(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


_number_raw = lru_cache(maxsize=1 << 12)(number_raw)  # glued rows repeat small numbers (0 above all)


def carried(digits: str, cols: list[str], options: list[splitter.Split]) -> dict:
    """The ``readings`` of an ``ambiguous_split`` problem: every reading the report itself allows,
    in ``cols`` order, or none when there are more than ``MAX_CARRIED``."""
    capped = len(options) > MAX_CARRIED
    return {"digits": digits, "cols": list(cols), "count": len(options), "capped": capped,
            "values": [] if capped else [[int(v) if float(v).is_integer() else v for v in s] for s in options]}


_signed: tuple[catalogue.Catalogue, frozenset[str]] | None = None


def _signed_columns(cat: catalogue.Catalogue) -> frozenset[str]:
    """``cat.signed_columns``, made once per catalogue (a glued row asks for it each time)."""
    global _signed
    if _signed is None or _signed[0] is not cat:
        _signed = (cat, cat.signed_columns)
    return _signed[1]


def readings(table: str, row: str | None, cols: list[str] | list[tuple[str, str]], chunks: list[str],
             stated: dict[tuple[str, str, str], float]) -> tuple[str, list[splitter.Split] | None, int]:
    """(verdict, readings, count of all readings) for one glued row: ``cols`` are its columns, or
    (row, col) pairs when ``row`` is None (appeals prints its 3 × 5 cells as one run).

    verdict: ``"one"`` (a single reading survives), ``"many"`` (several satisfy the identities),
    ``"broken"`` (readings exist, none satisfies the row identity), ``"none"`` (the digits cannot
    be read as the row's cells at all), ``"unsearched"`` (too many to enumerate).
    """
    signed = _signed_columns(catalogue.load())
    n = len(cols)
    names = [c if isinstance(c, str) else c[1] for c in cols]
    sign_ok = [c in signed for c in names]
    check = (splitter.row_check(table, cols) if row is not None
             else splitter.cells_check(table, [c for c in cols if not isinstance(c, str)]))
    if check is None:
        every = splitter.candidates(chunks, n, None, sign_ok)
        found = None if every is None else (len(every), every)
    else:
        found = splitter.passing(chunks, n, check, sign_ok)  # (how many readings, those passing the check)
    if found is None:
        return "unsearched", None, 0
    total, ok = found
    if total <= 1:  # the one reading there is, whether or not the check passes it
        every = ok if check is None or len(ok) == total else splitter.candidates(chunks, n, None, sign_ok)
        return ("one" if every else "none"), every, total
    if not ok:
        return "broken", [], total
    if len(ok) > 1 and row is not None:
        known = [(i, stated[(table, row, c)]) for i, c in enumerate(names) if (table, row, c) in stated]
        agreeing = [s for s in ok if all(abs(s[i] - v) < 1e-6 for i, v in known)] if known else ok
        if agreeing:
            ok = agreeing
    return ("one" if len(ok) == 1 else "many"), ok, total


def place(table: str, rows: dict[str, list[str]], glued: dict[str, list[str]], placed: dict[str, list[Typed]],
          problems: list[dict], stated: dict[tuple[str, str, str], float]) -> None:
    """Place the glued rows of one table into ``placed`` (rows already placed are fixed)."""
    cat = catalogue.load()
    pending: dict[str, list[splitter.Split]] = {}
    printed_of: dict[str, str] = {}
    for r, chunks in glued.items():
        cols = rows[r]
        n = len(cols)
        where = _LazyPlace(cat, table, r)
        printed = "".join(chunks)
        if len(chunks) == n:
            placed[r] = [(values.NUMBER, float(x), x) for x in chunks]
            continue
        if len(chunks) > n or not chunks:
            kind = "extra_cells" if chunks else "missing_cells"
            problems.append(problem(kind, f"{where}印有 {len(chunks)} 组数字，应为 {n} 个数值，无法对应到各列", table, r))
            continue
        verdict, options, total = readings(table, r, cols, chunks, stated)
        if verdict == "one":
            placed[r] = as_cells(options[0])
        elif verdict == "broken":
            problems.append(problem("identity_broken", f"{where}的数字“{printed}”粘连在一起，共有 {total} 种拆分方式，"
                                    f"没有一种满足{identity_names(table, 'columns')}：无论怎样拆分，该行数字都有误", table, r))
        elif verdict == "many" and table == "requests":
            pending[r], printed_of[r] = options, printed
        elif verdict == "none":
            problems.append(problem("missing_cells", f"{where}的数字“{printed}”无法拆分为 {n} 个数值"
                                    "（位数不足，或负号落在不能为负的列）", table, r))
        else:
            problems.append(problem("ambiguous_split",
                                    f"{where}的数字“{printed}”粘连在一起，无法唯一拆分为 {n} 个数值", table, r,
                                    readings=carried(printed, cols, options) if options else None))
    if pending:
        _resolve_columns(table, rows, placed, pending, problems, printed_of)


class _LazyPlace:
    """``catalogue.place(table, row)``, worked out only if a problem message prints it."""

    __slots__ = ("cat", "table", "row")

    def __init__(self, cat: catalogue.Catalogue, table: str, row: str) -> None:
        self.cat, self.table, self.row = cat, table, row

    def __format__(self, spec: str) -> str:
        return format(self.cat.place(self.table, self.row), spec)


def columns_check(table: str, rows: list[str], fixed: dict[str, splitter.Split], n_cols: int
                  ) -> Callable[[dict[str, splitter.Split]], bool]:
    """The table's identities across rows (the catalogue's: 一 + 二 = （七） + 四, （七）总计 = the handling
    results) for rows chosen on top of ``fixed``, each checked in every column once all the rows it
    has (of ``rows``, the edition's) are fixed or chosen."""
    sides = [([r for r in rows if r in ident.lhs], [r for r in rows if r in ident.rhs])
             for ident in catalogue.load().identities_of(table, "rows")]
    fixed_only: dict[int, bool] = {}  # a side none of whose rows is chosen: decided by ``fixed`` once

    def holds(allv: dict[str, splitter.Split], lhs: list[str], rhs: list[str]) -> bool:
        if not all(r in allv for r in (*lhs, *rhs)):
            return True
        for c in range(n_cols):
            if abs(sum(allv[r][c] for r in lhs) - sum(allv[r][c] for r in rhs)) > TOLERANCE:
                return False
        return True

    def ok(chosen: dict[str, splitter.Split]) -> bool:
        allv = None
        for i, (lhs, rhs) in enumerate(sides):
            if chosen.keys().isdisjoint(lhs) and chosen.keys().isdisjoint(rhs):
                if i not in fixed_only:
                    fixed_only[i] = holds(fixed, lhs, rhs)
                if not fixed_only[i]:
                    return False
                continue
            if allv is None:
                allv = {**fixed, **chosen}
            if not holds(allv, lhs, rhs):
                return False
        return True

    return ok


def _resolve_columns(table: str, rows: dict[str, list[str]], placed: dict[str, list[Typed]],
                     pending: dict[str, list[splitter.Split]], problems: list[dict], printed_of: dict[str, str]) -> None:
    """Choose among glued-row splits with the table's identities across rows (``columns_check``)."""
    cat = catalogue.load()
    fixed = {r: tuple(v or 0.0 for _, v, _ in cells) for r, cells in placed.items()}
    n_cols = len(next(iter(rows.values()))) if rows else 0
    seen = splitter.consistent(pending, columns_check(table, list(rows), fixed, n_cols))
    if seen is not None and not any(seen.values()):
        names = "、".join(f"“{cat.row_label(table, r)}”" for r in pending)
        problems.append(problem("identity_broken", f"「{cat.table_title(table)}」表{names}等行的数字粘连在一起，"
                                "每行都有多种符合本行合计的拆分方式，但没有一种组合能使各列勾稽关系成立"
                                f"（{identity_names(table, 'rows')}）：无论怎样拆分，表中数字都有误", table))
        return
    for r, options in pending.items():
        idx = seen.get(r, set()) if seen is not None else set()
        if len(idx) == 1:
            placed[r] = as_cells(options[next(iter(idx))])
        else:
            # Every reading of the row travels (``seen`` may stop early): the corpus checks the columns again.
            problems.append(problem("ambiguous_split", f"{cat.place(table, r)}的数字粘连在一起，有 {len(options)} 种拆分方式"
                                    "均符合本行合计，且无法由各列勾稽关系唯一确定", table, r,
                                    readings=carried(printed_of[r], rows[r], options)))
