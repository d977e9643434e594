"""Cells of an edition's tables from what the reader found: one cell per cell, never shifted.

A row whose values do not fit the edition's columns is never shifted: its cells stay null (raw
null) and a ``missing_cells`` / ``extra_cells`` / ``ambiguous_split`` problem says why. Glued
rows (flat layout) are placed by ``audit.ingest.glued_rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import itemgetter

from audit.contracts import catalogue
from audit.contracts.report import problem
from audit.ingest import glued_rows, splitter, stated_numbers, values
from audit.ingest.cell_block import CellBlock
from audit.ingest.row_layouts import trim_grid
from audit.ingest.table_read import TableRead, Typed


def expected_rows(edition: str | None, reads: dict[str, TableRead]) -> dict[str, dict[str, list[str]]]:
    """Rows and columns each table should have for this edition (mixed reports keep their rows)."""
    cat = catalogue.load()
    out: dict[str, dict[str, list[str]]] = {}
    ed = edition or "2021"
    if edition:
        out["active"] = cat.active_rows(edition)
    req_rows = cat.request_rows(ed)
    req = reads.get("requests")
    if req is not None:
        has_single_other = "other" in req.rows and not req.other_is_group
        has_sub_rows = any(k in req.rows for k in ("other_overdue_correction", "other_overdue_fee", "other_misc"))
        if ed == "2021" and has_single_other and not has_sub_rows:
            i = req_rows.index("other_overdue_correction")
            req_rows = [*req_rows[:i], "other", *req_rows[i + 3:]]
        elif ed == "2019" and has_sub_rows and not has_single_other:
            i = req_rows.index("other")
            req_rows = [*req_rows[:i], "other_overdue_correction", "other_overdue_fee", "other_misc", *req_rows[i + 1:]]
    columns = cat.request_columns
    out["requests"] = {r: columns for r in req_rows}
    out["appeals"] = {r: cat.appeals_columns for r in cat.appeals_rows}
    return out


def assemble(reads: dict[str, TableRead], edition: str | None,
             narrative: str = "") -> tuple[list[dict], list[dict]]:
    """Cells (one per cell of the edition's tables) and problems, never shifting a value.

    ``narrative`` is the report's text: numbers it states for a cell help decide glued rows.
    """
    block, problems = assemble_block(reads, edition, narrative)
    return block.dicts(), problems


def assemble_block(reads: dict[str, TableRead], edition: str | None,
                   narrative: str = "") -> tuple[CellBlock, list[dict]]:
    """``assemble``'s cells as a ``CellBlock`` (dicts or columns made when needed), and problems."""
    cat = catalogue.load()
    stated = stated_numbers.find(narrative, edition) if narrative and any(
        r.layout == "flat" for r in reads.values()) else {}
    cells = CellBlock()
    problems: list[dict] = []
    for table, rows in expected_rows(edition, reads).items():
        read = reads.get(table)
        title = cat.table_title(table)
        if read is None or not read.found:
            problems.append(problem("table_missing", f"未找到「{title}」表或表中没有可读数据", table))
            continue
        if table == "appeals":
            placed = _place_appeals(read, problems)
            appeals = []
            for r, cols in rows.items():
                for c in cols:
                    kind, v, raw = placed.get((r, c), (None, None, None))
                    appeals.append(_cell(table, r, c, kind, v, raw, problems))
            cells.cells(appeals)
            continue
        placed_rows = _place_rows(table, rows, read, problems, stated)
        for r, cols in rows.items():
            vals = placed_rows.get(r)
            if vals is None:
                cells.unplaced(table, r, cols)
            elif not _NEEDS_PROBLEM.isdisjoint(map(_KIND, vals)):
                cells.cells([_cell(table, r, c, kind, v, raw, problems)
                             for c, (kind, v, raw) in zip(cols, vals, strict=True)])
            else:  # the common case: no dict per cell until one is asked for
                cells.row(table, r, cols, vals)
        for key in read.duplicates:
            problems.append(problem("extra_cells", f"{cat.place(table, key)}重复出现，只采用第一次出现的数值", table, key))
        for label in read.unmapped:
            problems.append(problem("unmapped_label", f"「{title}」表中的行“{label}”无法对应到标准表格的任何一行", table))
    return cells, problems


_NEEDS_PROBLEM = frozenset({values.TEXT, values.OVERFLOW})  # kinds whose cells come with a problem
_KIND = itemgetter(0)


def _cell(table: str, row: str, col: str, kind: str | None, v: float | None, raw: str | None,
          problems: list[dict]) -> dict:
    """One cell of the normalised report; its ``state`` follows from how ``values.parse`` read it
    (no kind: the reader could not place a value there)."""
    if kind == values.TEXT:
        problems.append(problem("non_numeric", f"{catalogue.load().place(table, row, col)}的内容“{raw}”不是数字",
                                table, row, col))
        return {"table": table, "row": row, "col": col, "value": None, "raw": raw, "state": values.TEXT}
    if kind == values.OVERFLOW:
        problems.append(problem("overflow", f"{catalogue.load().place(table, row, col)}的数值“{raw}”超过 2^53，"
                                "无法精确表示，未作为数值参与核对", table, row, col))
        return {"table": table, "row": row, "col": col, "value": None, "raw": raw, "state": values.UNPLACED}
    return {"table": table, "row": row, "col": col, "value": v, "raw": raw,
            "state": values.STATE_OF_KIND.get(kind, values.UNPLACED)}


def _place_rows(table: str, rows: dict[str, list[str]], read: TableRead, problems: list[dict],
                stated: dict[tuple[str, str, str], float]) -> dict[str, list[Typed]]:
    """Values per row when they fit the row's columns exactly; glued rows go through the splitter."""
    placed: dict[str, list[Typed]] = {}
    glued: dict[str, list[str]] = {}
    order = list(rows)
    for i, (r, cols) in enumerate(rows.items()):
        n = len(cols)
        rr = read.rows.get(r)
        if rr is None:
            problems.append(problem("missing_cells", f"{_LazyPlace(table, r)}未找到（应有 {n} 个数值）", table, r))
            continue
        if rr.chunks is not None:
            glued[r] = rr.chunks
            continue
        got = rr.cells
        if read.layout == "grid" and len(got) > n:
            got = trim_grid(got, n)
        if (read.layout == "lines" and len(got) == n + 1 and i + 1 < len(order)
                and _is_row_number(got[-1], table, order[i + 1]) and _row_holds(table, cols, got[:n])):
            got = got[:n]  # the next row's number (2 of 2.其他法律…), its label cut off with the page
        if rr.total_only and len(got) == 1 < n and _last_is_total(table, cols):
            placed[r] = [*((values.BLANK, None, "") for _ in cols[:-1]), got[0]]
            continue
        if len(got) == n:
            placed[r] = got
            continue
        where = _LazyPlace(table, r)
        if len(got) > n and _surplus_is_debris(got[n:]) and _surplus_placed_surely(got, n, splitter.row_check(table, cols)):
            placed[r] = got[:n]
            problems.append(problem("stray_cells", f"{where}末尾多印了 {len(got) - n} 个空白或为 0 的单元格，"
                                    "前 {n} 个数值已按列读取，多余单元格已忽略".replace("{n}", str(n)), table, r))
        elif len(got) > n:
            problems.append(problem("extra_cells", f"{where}印有 {len(got)} 个值，应为 {n} 个，无法确定各值所在列",
                                    table, r))
        else:
            shown = "、".join(raw for _, _, raw in got) or "无"
            problems.append(problem("missing_cells", f"{where}只印有 {len(got)} 个值（{shown}），应为 {n} 个；"
                                    "无法确定缺少哪一列，该行各列按未填处理", table, r))
    if glued:
        glued_rows.place(table, rows, glued, placed, problems, stated)
    return placed


class _LazyPlace:
    """``catalogue.place(table, row)``, worked out only if a problem message prints it."""

    __slots__ = ("table", "row")

    def __init__(self, table: str, row: str) -> None:
        self.table, self.row = table, row

    def __str__(self) -> str:
        return catalogue.load().place(self.table, self.row)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)



def _surplus_is_debris(cells: list[Typed]) -> bool:
    return all(k == values.BLANK or (k == values.NUMBER and v == 0) for k, v, _ in cells)


def _surplus_placed_surely(got: list[Typed], n: int, check: Callable[[tuple[float, ...]], bool] | None) -> bool:
    """Whether the first ``n`` of ``got`` are the printed cells when the rest is blank/0 debris.

    A surplus cell may sit anywhere: a page number or stray value printed between two cells
    (0 0 5 0 for three) also leaves a trailing 0. Taking the first ``n`` is sure only when it
    cannot matter which cells are surplus (every cell alike: 0 0 0 0) or when the identities across
    the cells (a total column) hold on them, which a value shifted into the wrong column breaks."""
    if len({(k, v) for k, v, _ in got}) == 1:
        return True
    return check is not None and check(tuple(v or 0.0 for _, v, _ in got[:n]))


def _is_row_number(cell: Typed, table: str, next_row: str) -> bool:
    """``cell`` is the printed number of ``next_row`` (its prefix 2. without the dot)."""
    prefix = catalogue.load().raw["tables"][table]["rows"].get(next_row, {}).get("prefix") or ""
    digits = prefix.rstrip(".．、")
    return cell[0] == values.NUMBER and digits.isdigit() and values.clean(cell[2]) == digits


def _last_is_total(table: str, cols: list[str]) -> bool:
    """The row's last column is the total of the others (an identity of the catalogue says so)."""
    return any(i.total == cols[-1] and set(i.lhs) <= set(cols)
               for i in catalogue.load().identities_of(table, "columns"))


def _row_holds(table: str, cols: list[str], cells: list[Typed]) -> bool:
    """The row's identities hold (blank = 0), or it has none."""
    check = splitter.row_check(table, cols)
    return check is None or check(tuple(v or 0.0 for _, v, _ in cells))


def _place_appeals(read: TableRead, problems: list[dict]) -> dict[tuple[str, str], tuple[str, float | None, str]]:
    cat = catalogue.load()
    keys = [(r, c) for r in cat.appeals_rows for c in cat.appeals_columns]
    block = read.flat_values
    title = cat.table_title("appeals")
    if block is None:
        return {}
    if block.chunks is not None:
        chunks = block.chunks
        if len(chunks) == 15:
            return {k: (values.NUMBER, float(x), x) for k, x in zip(keys, chunks, strict=True)}
        verdict, options, total = (glued_rows.readings("appeals", None, keys, chunks, {})
                                   if 0 < len(chunks) < 15 else ("unsearched", None, 0))
        if verdict == "one" and options:
            return dict(zip(keys, glued_rows.as_cells(options[0]), strict=True))
        if verdict == "broken":
            problems.append(problem("identity_broken", f"「{title}」表的数字“{''.join(chunks)}”粘连在一起，共有 {total} "
                                    f"种拆分方式，没有一种满足每组{glued_rows.identity_names('appeals', 'columns')}："
                                    "无论怎样拆分，表中数字都有误", "appeals"))
            return {}
        problems.append(problem("ambiguous_split", f"「{title}」表的数字“{''.join(chunks)}”粘连在一起，"
                                "无法唯一拆分为 15 个数值", "appeals"))
        return {}
    got = block.cells
    if len(got) == 15:
        return dict(zip(keys, got, strict=True))
    if len(got) > 15 and _surplus_is_debris(got[15:]) and _surplus_placed_surely(
            got, 15, splitter.cells_check("appeals", keys)):
        problems.append(problem("stray_cells", f"「{title}」表末尾多印了 {len(got) - 15} 个空白或为 0 的单元格，已忽略",
                                "appeals"))
        return dict(zip(keys, got[:15], strict=True))
    problems.append(problem("missing_cells" if len(got) < 15 else "extra_cells",
                            f"「{title}」表印有 {len(got)} 个值，应为 15 个；无法确定各值所在列，全表按未填处理", "appeals"))
    return {}
