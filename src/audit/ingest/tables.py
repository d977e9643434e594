"""Read the three statistics tables out of report text, whatever the layout.

Every layout is read the same way: inside a table's region (its section, from the table's first
header or marker on), the catalogue's labels are found with one regex per table, and the values
of a row are read from the gap between its label and the next label:

- ``tab`` / ``pipe`` (also HTML, Word and PDF, which reach us as tab rows): the rest of the
  label's line, split into cells; leading and trailing empty cells are merge debris, interior
  empty cells are printed blanks;
- ``lines`` (one cell per line): the following non-empty lines while they are values;
- ``flat`` (a whole table on one line, digits glued): the digit chunks, split by
  ``audit.ingest.splitter`` under the table's identities.

A row whose values do not fit the edition's columns is never shifted: its cells stay null (raw
null) and a ``missing_cells`` / ``extra_cells`` / ``ambiguous_split`` problem says why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from audit.contracts import catalogue
from audit.contracts.identities import TOLERANCE
from audit.contracts.report import problem
from audit.ingest import splitter, values

_SEP = re.compile(r"[\t|]")
_MD_RULE = re.compile(r":?-{3,}:?")  # a markdown separator cell (|---|) is not data
_DIGIT = re.compile(r"\d")
_NUMERIC_PREFIX = re.compile(r"^[\s\u3000\d.．,，+\-元件万]*")


@dataclass
class Token:
    kind: str  # row, column, group, marker
    key: str
    start: int
    end: int


@dataclass
class RowRead:
    """What was printed after one row label: typed cells, or glued digit chunks (flat layout)."""

    key: str
    cells: list[tuple[str, float | None, str]] = field(default_factory=list)  # (kind, value, raw)
    chunks: list[str] | None = None
    line_start: int = 0


@dataclass
class TableRead:
    table: str
    found: bool = False
    layout: str | None = None
    rows: dict[str, RowRead] = field(default_factory=dict)
    columns: set[str] = field(default_factory=set)
    other_is_group: bool = False  # （六）其他处理 followed by its sub-rows 1.–3.
    duplicates: list[str] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)
    flat_values: RowRead | None = None  # appeals: all numbers after the header


_GAP = r"[\s\u3000]*"


@cache
def _token_regex(table: str) -> tuple[re.Pattern[str], list[catalogue.Label]]:
    """One alternation of every printed form of a table's labels, longest wording first (the most
    specific wins), mapped back to its label by group number.

    The pattern starts with a character class of every possible first character, and each form
    re-checks its own first character with a one-character lookbehind. A leading class is what
    lets the regex engine skip, in C, every position no label can start at: without it every
    position of the text is tried against every form, which made this the reader's hottest line.
    """
    labels = catalogue.load().labels_for(table)
    labels = sorted(labels, key=lambda lb: -max(len(t) for t in lb.texts))
    firsts: list[str] = []
    forms: list[str] = []
    owner: list[int] = [0]  # group number -> label index (group 0 is the whole match)
    for i, lb in enumerate(labels):
        for chars in catalogue.label_variants(lb):
            first = catalogue.char_class(chars[0])
            rest = "".join(_GAP + catalogue.char_class(c) for c in chars[1:])
            firsts.append(first[1:-1] if first.startswith("[") else first)
            forms.append(f"(?<={first})({rest})")
            owner.append(i)
    lead = "[" + "".join(dict.fromkeys(firsts)) + "]"
    return re.compile(lead + "(?:" + "|".join(forms) + ")"), [labels[i] for i in owner]


def tokenize(text: str, table: str) -> list[Token]:
    pattern, owners = _token_regex(table)
    return [Token((lb := owners[m.lastindex or 0]).kind, lb.key, m.start(), m.end())
            for m in pattern.finditer(text)]


def detect_layout(region: str, forced: str | None = None) -> str:
    """Which of the text layouts a table region is printed in."""
    if forced in ("html", "docx"):
        return "grid"
    if forced in ("pdf", "tab"):
        return "tab"
    lines = [ln for ln in region.split("\n") if ln.strip()]
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t ") and len(_SEP.split(ln)) >= 3)
    piped = sum(1 for ln in lines if ln.count("|") >= 2)
    if piped >= 3 and piped >= tabbed:
        return "pipe"
    if tabbed >= 3:
        return "tab"
    digits_lines = [ln for ln in lines if _DIGIT.search(ln)]
    if len(lines) <= 3 or (digits_lines and max(len(ln) for ln in digits_lines) > 200 and len(lines) < 15):
        return "flat"
    return "lines"


def _line_cells(gap: str) -> list[str]:
    """Cells of the rest of a tab/pipe row (up to the end of its line)."""
    line = gap.split("\n", 1)[0]
    cells = [c.strip(" \xa0\r") for c in _SEP.split(line)]
    # A markdown separator row (|---|) is not data.
    return [c for c in cells if not _MD_RULE.fullmatch(c)]


def _typed(cells: list[str], *, keep_interior_blanks: bool) -> list[tuple[str, float | None, str]]:
    """Leading value cells, typed; stops at the first text cell. Interior empties are blanks."""
    out: list[tuple[str, float | None, str]] = []
    pending_blanks: list[str] = []
    for raw in cells:
        kind, v = values.parse(raw)
        if raw == "" or raw.strip(" \u3000\xa0") == "":
            if out and keep_interior_blanks:
                pending_blanks.append(raw)
            continue
        if kind == values.TEXT:
            if not out and re.fullmatch(r"[(（].*[)）]", values.clean(raw)):
                continue  # the rest of a label: （区分处理的，只计这一情形…）
            if not out:
                out.append((kind, None, raw))  # a non-numeric value where a value belongs
                continue
            break
        out.extend((values.BLANK, None, b) for b in pending_blanks)
        pending_blanks.clear()
        out.append((kind, v, raw))
    # A row that is only text is not a row of values.
    if out and all(k == values.TEXT for k, _, _ in out):
        return [] if len(out) > 1 else out
    return out


def _grid_cells(gap: str) -> list[tuple[str, float | None, str]]:
    """An exact grid row (HTML/Word): every cell after the label counts, empty ones as blanks."""
    cells = _line_cells(gap)
    if cells and cells[0] == "":
        cells = cells[1:]  # the text between the label and its cell's end
    out: list[tuple[str, float | None, str]] = []
    for raw in cells:
        kind, v = values.parse(raw)
        out.append((values.BLANK, None, raw) if raw == "" else (kind, v, raw))
    return out


def _gap_cells(text: str, start: int, end: int, layout: str) -> RowRead:
    gap = text[start:end]
    if layout == "grid":
        return RowRead("", cells=_grid_cells(gap))
    if layout in ("tab", "pipe"):
        return RowRead("", cells=_typed(_line_cells(gap), keep_interior_blanks=True))
    if layout == "lines":
        cells = [ln.strip(" \t\xa0\r") for ln in gap.split("\n")]
        cells = [c for c in cells if c.strip(" \u3000")]
        typed = _typed(cells, keep_interior_blanks=False)
        # In this layout a text cell ends the row (it is the next label or narrative).
        return RowRead("", cells=[c for c in typed if c[0] != values.TEXT] if len(typed) > 1 else typed)
    m = _NUMERIC_PREFIX.match(gap)
    return RowRead("", chunks=splitter.chunks_of(m.group(0) if m else ""))


def _region_start(text: str, tokens: list[Token]) -> int:
    """Where the table begins: its first header (column or marker) label."""
    for t in tokens:
        if t.kind in ("column", "marker"):
            return t.start
    return 0


def read_table(text: str, table: str, layout_hint: str | None = None) -> TableRead:
    """Scan one table's region (``text`` is that region only)."""
    tokens = tokenize(text, table)
    start = _region_start(text, tokens)
    tokens = [t for t in tokens if t.start >= start]
    out = TableRead(table)
    if not tokens:
        return out
    layout = detect_layout(text[start:], layout_hint)
    out.layout = layout
    out.columns = {t.key for t in tokens if t.kind == "column"}
    ends = [t.start for t in tokens[1:]] + [len(text)]
    for tok, end in zip(tokens, ends, strict=True):
        if tok.kind != "row":
            continue
        if table == "appeals":
            continue  # appeals values are read as one block below
        if tok.key == "other" and _has_sub_rows(tokens, tok):
            out.other_is_group = True
            continue
        read = _gap_cells(text, tok.end, end, layout)
        read.key = tok.key
        read.line_start = text.rfind("\n", 0, tok.start) + 1
        has_values = bool(read.cells) or bool(read.chunks)
        if tok.key in out.rows:
            if has_values:
                out.duplicates.append(tok.key)
            continue
        if not has_values and _is_inline_mention(text, tok, layout):
            continue
        out.rows[tok.key] = read
    if table == "appeals":
        out.flat_values = _appeals_block(text, tokens, layout)
    if table != "appeals" and layout in ("tab", "pipe"):
        out.unmapped = _unmapped_rows(text[start:], table)
    out.found = bool(out.rows) or bool(out.flat_values and (out.flat_values.cells or out.flat_values.chunks))
    return out


def _has_sub_rows(tokens: list[Token], tok: Token) -> bool:
    """（六）其他处理 is the edition-2021 group when its sub-rows 1.–3. follow it."""
    subs = {"other_overdue_correction", "other_overdue_fee"}
    return any(t.key in subs for t in tokens if t.start >= tok.end and t.kind == "row")


def _is_inline_mention(text: str, tok: Token, layout: str) -> bool:
    """A label inside a sentence (…办理行政许可…) rather than at the start of a cell."""
    if layout == "flat":
        return False
    before = text[max(0, tok.start - 1):tok.start]
    return before not in ("", "\n", "\t", "|", " ", "\u3000") and not before.isspace()


def _appeals_block(text: str, tokens: list[Token], layout: str) -> RowRead:
    """All values printed after the appeals header, in printed order (15 expected)."""
    header_end = max((t.end for t in tokens), default=0)
    first = min((t.start for t in tokens), default=0)
    if layout == "flat":
        gaps = [text[a.end:b.start] for a, b in zip(tokens, tokens[1:], strict=False)] + [text[header_end:]]
        chunks: list[str] = []
        for g in gaps:
            m = _NUMERIC_PREFIX.match(g)
            chunks += splitter.chunks_of(m.group(0) if m else "")
        return RowRead("appeals", chunks=chunks)
    body = text[first:]
    if layout == "grid":
        for line in body.split("\n"):
            grid = _grid_cells("\t" + line)
            if any(k == values.NUMBER for k, _, _ in grid) and not any(
                    k == values.TEXT and not _is_appeals_label(raw) for k, _, raw in grid):
                grid = [c for c in grid if not (c[0] == values.TEXT)]
                return RowRead("appeals", cells=_trim_grid(grid, 15))
        # A value row printed with every cell blank (pages that leave zeros empty): its 15 blanks.
        for line in body.split("\n"):
            grid = _trim_grid(_grid_cells("\t" + line), 15)
            if len(grid) == 15 and all(k == values.BLANK for k, _, _ in grid):
                return RowRead("appeals", cells=grid)
        return RowRead("appeals", cells=[])
    cells: list[tuple[str, float | None, str]] = []
    started = False
    for line in body.split("\n"):
        raw_cells = _SEP.split(line) if layout in ("tab", "pipe") else [line]
        for raw in raw_cells:
            c = raw.strip(" \t\u3000\xa0\r")
            if _MD_RULE.fullmatch(c):
                continue
            kind, v = values.parse(c)
            if c == "":
                if started and layout in ("tab", "pipe") and 0 < len(cells) < 15:
                    pass  # empties inside a tab row of the appeals block: header padding or blanks
                continue
            if kind == values.TEXT:
                if started and not _is_appeals_label(c):
                    return RowRead("appeals", cells=cells)
                continue
            started = True
            cells.append((kind, v, c))
    return RowRead("appeals", cells=cells)


def _is_appeals_label(cell: str) -> bool:
    pattern, _ = _token_regex("appeals")
    return bool(pattern.fullmatch(cell.strip())) or values.clean(cell) in ("结果", "维持", "纠正", "其他", "尚未", "审结")


def _unmapped_rows(region: str, table: str) -> list[str]:
    """Tab/pipe lines that carry values under a label the catalogue does not know."""
    pattern, _ = _token_regex(table)
    out = []
    for line in region.split("\n"):
        cells = [c.strip(" \xa0\r") for c in _SEP.split(line)]
        cells = [c for c in cells if c and not _MD_RULE.fullmatch(c)]
        if len(cells) < 2 or pattern.search(line):
            continue
        label = cells[0]
        if values.parse(label)[0] == values.TEXT and any(values.parse(c)[0] == values.NUMBER for c in cells[1:]):
            out.append(label[:40])
    return out


# -- assembling cells for an edition ---------------------------------------------------------------

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
    out["requests"] = {r: cat.request_columns for r in req_rows}
    out["appeals"] = {r: cat.appeals_columns for r in cat.appeals_rows}
    return out


def assemble(reads: dict[str, TableRead], edition: str | None) -> tuple[list[dict], list[dict]]:
    """Cells (one per cell of the edition's tables) and problems, never shifting a value."""
    cat = catalogue.load()
    cells: list[dict] = []
    problems: list[dict] = []
    for table, rows in expected_rows(edition, reads).items():
        read = reads.get(table)
        title = cat.table_title(table)
        if read is None or not read.found:
            problems.append(problem("table_missing", f"未找到「{title}」表或表中没有可读数据", table))
            continue
        if table == "appeals":
            placed = _place_appeals(read, problems)
            for r, cols in rows.items():
                for c in cols:
                    kind, v, raw = placed.get((r, c), (None, None, None))
                    cells.append(_cell(table, r, c, kind, v, raw, problems))
            continue
        placed_rows = _place_rows(table, rows, read, problems)
        state = values.STATE_OF_KIND
        for r, cols in rows.items():
            vals = placed_rows.get(r)
            if vals is None:
                cells.extend({"table": table, "row": r, "col": c, "value": None, "raw": None,
                              "state": values.UNPLACED} for c in cols)
            elif any(kind == values.TEXT for kind, _, _ in vals):
                cells.extend(_cell(table, r, c, kind, v, raw, problems) for c, (kind, v, raw) in zip(cols, vals, strict=True))
            else:  # the common case, without a call per cell
                cells.extend({"table": table, "row": r, "col": c, "value": v, "raw": raw, "state": state[kind]}
                             for c, (kind, v, raw) in zip(cols, vals, strict=True))
        for key in read.duplicates:
            problems.append(problem("extra_cells", f"{cat.place(table, key)}重复出现，只采用第一次出现的数值", table, key))
        for label in read.unmapped:
            problems.append(problem("unmapped_label", f"「{title}」表中的行“{label}”无法对应到标准表格的任何一行", table))
    return cells, problems


def _cell(table: str, row: str, col: str, kind: str | None, v: float | None, raw: str | None,
          problems: list[dict]) -> dict:
    """One cell of the normalised report; its ``state`` follows from how ``values.parse`` read it
    (no kind: the reader could not place a value there)."""
    if kind == values.TEXT:
        problems.append(problem("non_numeric", f"{catalogue.load().place(table, row, col)}的内容“{raw}”不是数字",
                                table, row, col))
        return {"table": table, "row": row, "col": col, "value": None, "raw": raw, "state": values.TEXT}
    return {"table": table, "row": row, "col": col, "value": v, "raw": raw,
            "state": values.STATE_OF_KIND.get(kind, values.UNPLACED)}


def _place_rows(table: str, rows: dict[str, list[str]], read: TableRead,
                problems: list[dict]) -> dict[str, list[tuple[str, float | None, str]]]:
    """Values per row when they fit the row's columns exactly; glued rows go through the splitter."""
    placed: dict[str, list[tuple[str, float | None, str]]] = {}
    pending: dict[str, list[splitter.Split]] = {}
    for r, cols in rows.items():
        n = len(cols)
        rr = read.rows.get(r)
        where = _LazyPlace(table, r)
        if rr is None:
            problems.append(problem("missing_cells", f"{where}未找到（应有 {n} 个数值）", table, r))
            continue
        if rr.chunks is not None:
            check = splitter.row_check(table, cols)
            if len(rr.chunks) == n:
                placed[r] = [(values.NUMBER, float(x), x) for x in rr.chunks]
                continue
            if len(rr.chunks) > n or not rr.chunks:
                kind = "extra_cells" if rr.chunks else "missing_cells"
                problems.append(problem(kind, f"{where}印有 {len(rr.chunks)} 组数字，应为 {n} 个数值，无法对应到各列",
                                        table, r))
                continue
            options = splitter.candidates(rr.chunks, n, check)
            if options and len(options) == 1:
                placed[r] = [(values.NUMBER, v, splitter_raw(v)) for v in options[0]]
            elif options and table == "requests":
                pending[r] = options
            else:
                problems.append(problem("ambiguous_split",
                                        f"{where}的数字“{''.join(rr.chunks)}”粘连在一起，无法唯一拆分为 {n} 个数值",
                                        table, r))
            continue
        got = rr.cells
        if read.layout == "grid" and len(got) > n:
            got = _trim_grid(got, n)
        if len(got) == n:
            placed[r] = got
        elif len(got) > n and _surplus_is_debris(got[n:]) and _row_holds(table, cols, got[:n]):
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
    if pending:
        _resolve_columns(table, rows, placed, pending, problems)
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


def _trim_grid(got: list[tuple[str, float | None, str]], n: int) -> list[tuple[str, float | None, str]]:
    """Drop colspan padding (empty cells) from the front, then the back, down to ``n`` cells."""
    got = list(got)
    while len(got) > n and got[0][0] == values.BLANK and got[0][2] == "":
        got.pop(0)
    while len(got) > n and got[-1][0] == values.BLANK and got[-1][2] == "":
        got.pop()
    return got


def splitter_raw(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def _surplus_is_debris(cells: list[tuple[str, float | None, str]]) -> bool:
    return all(k == values.BLANK or (k == values.NUMBER and v == 0) for k, v, _ in cells)


def _row_holds(table: str, cols: list[str], cells: list[tuple[str, float | None, str]]) -> bool:
    """The row's identities hold (blank = 0), or it has none."""
    check = splitter.row_check(table, cols)
    return check is None or check(tuple(v or 0.0 for _, v, _ in cells))


def _resolve_columns(table: str, rows: dict[str, list[str]], placed: dict, pending: dict[str, list[splitter.Split]],
                     problems: list[dict]) -> None:
    """Choose among glued-row splits with the table's identities across rows (the catalogue's: 一 + 二 =
    （七） + 四, （七）总计 = the handling results), each checked in every column once all the rows it
    has in this report are placed or pending."""
    cat = catalogue.load()
    fixed = {r: tuple(v or 0.0 for _, v, _ in cells) for r, cells in placed.items()}
    sides = [([r for r in rows if r in ident.lhs], [r for r in rows if r in ident.rhs])
             for ident in cat.identities_of(table, "rows")]
    n_cols = len(next(iter(rows.values()))) if rows else 0

    def ok(chosen: dict[str, splitter.Split]) -> bool:
        allv = {**fixed, **chosen}
        for lhs, rhs in sides:
            if not all(r in allv for r in (*lhs, *rhs)):
                continue
            for c in range(n_cols):
                if abs(sum(allv[r][c] for r in lhs) - sum(allv[r][c] for r in rhs)) > TOLERANCE:
                    return False
        return True

    chosen = splitter.resolve(pending, ok)
    for r, options in pending.items():
        if chosen is not None:
            placed[r] = [(values.NUMBER, v, splitter_raw(v)) for v in chosen[r]]
        else:
            problems.append(problem("ambiguous_split", f"{cat.place(table, r)}的数字粘连在一起，有 {len(options)} 种拆分方式"
                                    "均符合本行合计，且无法由各列勾稽关系唯一确定", table, r))


def _place_appeals(read: TableRead, problems: list[dict]) -> dict[tuple[str, str], tuple[str, float | None, str]]:
    cat = catalogue.load()
    keys = [(r, c) for r in cat.appeals_rows for c in cat.appeals_columns]
    block = read.flat_values
    title = cat.table_title("appeals")
    if block is None:
        return {}
    if block.chunks is not None:
        if len(block.chunks) == 15:
            return {k: (values.NUMBER, float(x), x) for k, x in zip(keys, block.chunks, strict=True)}
        check = splitter.cells_check("appeals", keys)
        options = splitter.candidates(block.chunks, 15, check) if 0 < len(block.chunks) < 15 else None
        if options and len(options) == 1:
            return {k: (values.NUMBER, v, splitter_raw(v)) for k, v in zip(keys, options[0], strict=True)}
        problems.append(problem("ambiguous_split", f"「{title}」表的数字“{''.join(block.chunks)}”粘连在一起，"
                                "无法唯一拆分为 15 个数值", "appeals"))
        return {}
    got = block.cells
    if len(got) == 15:
        return dict(zip(keys, got, strict=True))
    if len(got) > 15 and _surplus_is_debris(got[15:]):
        problems.append(problem("stray_cells", f"「{title}」表末尾多印了 {len(got) - 15} 个空白或为 0 的单元格，已忽略",
                                "appeals"))
        return dict(zip(keys, got[:15], strict=True))
    problems.append(problem("missing_cells" if len(got) < 15 else "extra_cells",
                            f"「{title}」表印有 {len(got)} 个值，应为 15 个；无法确定各值所在列，全表按未填处理", "appeals"))
    return {}
