"""Read the three statistics tables out of report text, whatever the layout.

Every layout is read the same way: inside a table's region (its section, from the table's first
header or marker on), the catalogue's labels are found with one regex per table, and the values
of a row are read from the gap between its label and the next label. The layouts and how a row's cells are read in each: ``audit.ingest.row_layouts``. What was
found is a ``TableRead`` (``audit.ingest.table_read``); ``assemble`` (``audit.ingest.placement``)
turns it into the edition's cells, never shifting a value.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from audit.contracts import catalogue
from audit.ingest import label_scan, row_layouts, splitter, values
from audit.ingest.placement import assemble, expected_rows
from audit.ingest.row_layouts import MD_RULE, NUMERIC_PREFIX, SEP, detect_layout, grid_cells, trim_grid
from audit.ingest.table_read import RowRead, TableRead, Token, Typed

__all__ = ["RowRead", "TableRead", "Token", "assemble", "detect_layout", "expected_rows", "read_table", "tokenize"]

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
    """The table's label tokens in ``text``: found in one pass by ``label_scan``, which gives what
    this regex gives (the regex stays the reference, and reads text the scanner cannot)."""
    found = label_scan.tokens(text, table)
    if found is not None:
        return found
    return regex_tokens(text, table)


def _scan(text: str, table: str) -> label_scan.Scan | None:
    """``tokenize``'s tokens with every label occurrence (None: only the regex reads this text)."""
    return label_scan.scan(text, table)


def regex_tokens(text: str, table: str) -> list[Token]:
    pattern, owners = _token_regex(table)
    return [Token((lb := owners[m.lastindex or 0]).kind, lb.key, m.start(), m.end())
            for m in pattern.finditer(text)]



def _region_start(text: str, tokens: list[Token]) -> int:
    """Where the table begins: its first header (column or marker) label."""
    for t in tokens:
        if t.kind in ("column", "marker"):
            return t.start
    return 0


@cache
def shared_labels(table: str) -> frozenset[tuple[str, str]]:
    """(kind, key) of the table's labels that another table prints too (表四's 总计 is also 表三's
    总计 column and row): such a label alone does not show that this table is printed."""
    cat = catalogue.load()
    others = {t for lb in cat.labels if lb.table != table for t in lb.texts}
    return frozenset((lb.kind, lb.key) for lb in cat.labels_for(table) if set(lb.texts) <= others)


_BETWEEN_HEADERS = re.compile(r"[\s\u3000\xa0|]*")


def _header_start(text: str, tokens: list[Token], shared: frozenset[tuple[str, str]]) -> int:
    """Where a table looked for in the whole report starts: at a label of its own (not ``shared``)
    printed next to another of its labels, with only white space or pipes between, as a header
    prints them. A sentence naming the label (未发生…行政复议案、行政诉讼案) starts nothing."""
    for i, (tok, nxt) in enumerate(zip(tokens, tokens[1:], strict=False)):
        if (tok.kind, tok.key) not in shared and _BETWEEN_HEADERS.fullmatch(text, tok.end, nxt.start):
            return i
    return len(tokens)


def read_table(text: str, table: str, layout_hint: str | None = None, *, own_section: bool = True,
               layout_like: str | None = None) -> TableRead:
    """Scan one table's region (``text`` is that region only).

    ``own_section=False``: the table's section heading was not found and ``text`` is the whole
    report, other tables included. The table then starts at its header (``_header_start``), never
    at a label another table prints too: without the heading of 四, 表三's 总计 row is not 表四
    (its values were read as 「表四印有 7 个值」 of a table the report does not print). Its layout is ``layout_like``, that
    of the tables read in their own sections, when given: from the table to the end of the report
    the prose that follows would make a crawler-flattened table look like one cell per line."""
    found = _scan(text, table)
    tokens = found.tokens if found is not None else regex_tokens(text, table)
    if not own_section:
        tokens = tokens[_header_start(text, tokens, shared_labels(table)):]
    start = _region_start(text, tokens)
    tokens = [t for t in tokens if t.start >= start]
    out = TableRead(table)
    if not tokens:
        return out
    layout = layout_like if not own_section and layout_like else detect_layout(text[start:], layout_hint)
    out.layout = layout
    out.columns = {t.key for t in tokens if t.kind == "column"}
    if table != "appeals":  # appeals values are read as one block below
        _read_rows(text, tokens, layout, out)
    if table == "appeals":
        out.flat_values = _appeals_block(text, tokens, layout)
    if table != "appeals" and layout in ("tab", "pipe") and own_section:
        # Without its section the table's end is unknown: the rows after it are other tables'.
        out.unmapped = _unmapped_rows(text, start, table, found)
    out.found = bool(out.rows) or bool(out.flat_values and (out.flat_values.cells or out.flat_values.chunks))
    return out


def _read_rows(text: str, tokens: list[Token], layout: str, out: TableRead) -> None:
    """Each row label's cells, from the gap up to the next label."""
    ends = [t.start for t in tokens[1:]] + [len(text)]
    token_ends = {t.end for t in tokens}
    rows = out.rows
    prev_had_values = True
    flat = layout == "flat"  # no label of a flat table is inside a sentence (``_is_inline_mention``)
    for tok, end in zip(tokens, ends, strict=True):
        if tok.kind != "row":
            continue
        if tok.key == "other" and _has_sub_rows(tokens, tok):
            out.other_is_group = True
            continue
        cells, chunks, total_only, next_line, sentence = row_layouts.gap_read(text, tok.end, end, layout)
        if next_line and not prev_had_values:
            # Values below a label whose predecessor printed none: they may be that row's.
            cells, next_line = (), False
        has_values = bool(cells) or bool(chunks)
        if sentence or (not flat and _is_inline_mention(text, tok, layout)
                        and (not has_values or tok.start not in token_ends)):
            continue  # a sentence that repeats a row label (全年新收…申请数量0件) is not a table row
        prev_had_values = has_values
        if tok.key in rows:
            if has_values:
                out.duplicates.append(tok.key)
            continue
        rows[tok.key] = RowRead(tok.key, list(cells), None if chunks is None else list(chunks),
                                text.rfind("\n", 0, tok.start) + 1, total_only, next_line)


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
            m = NUMERIC_PREFIX.match(g)
            chunks += splitter.chunks_of(m.group(0) if m else "")
        return RowRead("appeals", chunks=chunks)
    body = text[first:]
    if layout == "grid":
        for line in body.split("\n"):
            grid = grid_cells("\t" + line)
            if any(k == values.NUMBER for k, _, _ in grid) and not any(
                    k == values.TEXT and not _is_appeals_label(raw) for k, _, raw in grid):
                grid = [c for c in grid if not (c[0] == values.TEXT)]
                return RowRead("appeals", cells=trim_grid(grid, 15))
        # A value row printed with every cell blank (pages that leave zeros empty): its 15 blanks.
        for line in body.split("\n"):
            grid = trim_grid(grid_cells("\t" + line), 15)
            if len(grid) == 15 and all(k == values.BLANK for k, _, _ in grid):
                return RowRead("appeals", cells=grid)
        return RowRead("appeals", cells=[])
    cells: list[tuple[str, float | None, str]] = []
    started = False
    split_cells = layout in ("tab", "pipe")
    for line in body.split("\n"):
        # Empty cells and text cells before the first value are header padding or labels.
        for kind, v, c in _appeals_line(line, split_cells):
            if kind == values.TEXT:
                if started and not _is_appeals_label(c):
                    return RowRead("appeals", cells=cells)
                continue
            started = True
            cells.append((kind, v, c))
    return RowRead("appeals", cells=cells)


@lru_cache(maxsize=1 << 14)
def _appeals_line(line: str, split_cells: bool) -> tuple[Typed, ...]:
    """The non-empty cells of one line of the appeals block, typed (cached: the header lines and
    most value lines repeat across a corpus). ``split_cells``: tab/pipe rows; else one cell per
    line, maybe ending in a pipe (a run of bare pipes is no cell)."""
    if split_cells:
        raw_cells = SEP.split(line)
    else:
        raw_cells = [line.strip(" \t\u3000\xa0\r").rstrip("|")] if "|" in line else [line]
    out = []
    for c in (part for raw in raw_cells for part in row_layouts.split_spaced(raw.strip(" \t\u3000\xa0\r"))):
        if c == "" or MD_RULE.fullmatch(c):
            continue
        kind, v = values.parse(c)
        out.append((kind, v, c))
    return tuple(out)


@lru_cache(maxsize=1 << 12)
def _is_appeals_label(cell: str) -> bool:
    pattern, _ = _token_regex("appeals")
    return bool(pattern.fullmatch(cell.strip())) or values.clean(cell) in ("结果", "维持", "纠正", "其他", "尚未", "审结")


@cache
def _printed_labels(table: str) -> tuple[str, ...]:
    """The table's catalogue labels and aliases as ``_label_text`` gives them (for fragment tests)."""
    labels = [lab for lab in catalogue.load().labels if lab.table == table]
    return tuple(_label_text(x) for lab in labels for x in (lab.label, *lab.aliases))


def _label_text(label: str) -> str:
    return values.clean(label).strip("、，,.:：;；")


def _is_label_fragment(label: str, table: str) -> bool:
    """A piece of a standard label that the page wrapped over lines (「行政机关不再处理其政府信息公」 of
    1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请): not an unknown label. The
    row it belongs to is left unplaced and reported as unread, so nothing is lost."""
    text = _label_text(label)
    return len(text) >= 4 and any(text in full for full in _printed_labels(table))


def _token_within(tokens: list[Token], j: int, end: int) -> bool:
    """A token from ``tokens[j]`` on (all starting on the line) ends on the line (before ``end``)."""
    while j < len(tokens) and tokens[j].start < end:
        if tokens[j].end <= end:
            return True
        j += 1
    return False


def _unmapped_rows(text: str, start: int, table: str, found: label_scan.Scan | None) -> list[str]:
    """Tab/pipe lines from ``start`` on that carry values under a label the catalogue does not
    know (a wrapped piece of a known label is not one: see ``_is_label_fragment``). A line holding
    a known label is not one either (``found`` says where labels occur; else the regex)."""
    out = []
    pos = start
    tokens = found.tokens if found is not None else []
    j = 0  # the first token that may lie on this line or later
    for line in text[start:].split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        line_end = line_start + len(line)
        if found is not None:
            while j < len(tokens) and tokens[j].start < line_start:
                j += 1
            if _token_within(tokens, j, line_end):
                continue  # the line holds a known label (a token of the scan is one)
        cells = [c.strip(" \xa0\r") for c in SEP.split(line)]
        cells = [c for c in cells if c and not MD_RULE.fullmatch(c)]
        if len(cells) < 2:
            continue
        if _token_regex(table)[0].search(line) if found is None else found.any_within(line_start, line_end):
            continue  # a known label elsewhere on the line
        label = cells[0]
        if _is_label_fragment(label, table):
            continue
        if values.parse(label)[0] == values.TEXT and any(values.parse(c)[0] == values.NUMBER for c in cells[1:]):
            out.append(label[:40])
    return out
