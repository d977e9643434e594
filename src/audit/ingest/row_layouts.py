"""Which text layout a table region is printed in, and the printed cells of one row in each.

- ``tab`` / ``pipe`` (also HTML, Word and PDF, which reach us as tab rows): the rest of the
  label's line, split into cells; leading and trailing empty cells are merge debris, interior
  empty cells are printed blanks;
- ``grid`` (HTML/Word): every cell after the label counts, empty ones as blanks;
- ``lines`` (one cell per line): the following non-empty lines while they are values. CMS pages
  copied as text end every cell with a pipe (``规章 |`` / ``0 |``): a lone ``|`` is a blank cell
  in its place, a run of pipes (``|||||||``) is where the row's dropped blank cells were gathered
  and ends the row;
- ``flat`` (a whole table on one line, digits glued): the digit chunks, for the splitter.

In every text layout a cell of numbers separated by spaces (``0 0 0 0 0 0 0``, PDF text lines
and plain-text copies) is that many cells. A row printing one number set far apart from its
label (``4.保护第三方合法权益            0``: the blank parts print nothing) is marked
``total_only``: the number is the row's last column (its total).
"""

from __future__ import annotations

import re
from functools import lru_cache

from audit.ingest import splitter, values
from audit.ingest.table_read import RowRead, Typed

SEP = re.compile(r"[\t|]")
MD_RULE = re.compile(r":?-{3,}:?")  # a markdown separator cell (|---|) is not data
_DIGIT = re.compile(r"\d")
NUMERIC_PREFIX = re.compile(r"^[\s\u3000\d.．,，+\-元件万]*")
_PIPES_ONLY = re.compile(r"\|+")
_SPACES = re.compile(r"[ \u3000\xa0]+")
_WIDE = 6  # this many spaces stand for cells that print nothing
_INNER_SPACE = re.compile(r"\d[ \u3000\xa0]+[\d/—-]")  # numbers separated by spaces
_LEADING = re.compile(r"^[ \u3000\xa0]*")
_LABEL_REST = re.compile(r"[(（].*[)）]")  # the rest of a label: （区分处理的，只计这一情形…）


def detect_layout(region: str, forced: str | None = None) -> str:
    """Which of the text layouts a table region is printed in."""
    if forced in ("html", "docx"):
        return "grid"
    if forced in ("pdf", "tab"):
        return "tab"
    lines = [ln for ln in region.split("\n") if ln.strip()]
    # Counting only what the region can hold (no tab: no tab rows; no pipe: no pipe rows).
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t ") and len(SEP.split(ln)) >= 3) if "\t" in region else 0
    piped = sum(1 for ln in lines if ln.count("|") >= 2) if "|" in region else 0
    if piped and _pipe_per_cell(lines) > piped:
        return "lines"  # one cell per line, each ending in a pipe
    if piped >= 3 and piped >= tabbed:
        return "pipe"
    if tabbed >= 3:
        return "tab"
    if len(lines) <= 3:
        return "flat"
    if len(lines) >= 15:
        return "lines"
    digits_lines = [ln for ln in lines if _DIGIT.search(ln)]
    if digits_lines and max(len(ln) for ln in digits_lines) > 200:
        return "flat"
    return "lines"


def _pipe_per_cell(lines: list[str]) -> int:
    """Lines that are one cell ending in a pipe (``0 |``), not counting runs of bare pipes."""
    return sum(1 for ln in lines if ln.count("|") == 1 and ln.rstrip().endswith("|") and ln.strip() != "|")


def line_cells(gap: str) -> list[str]:
    """Cells of the rest of a tab/pipe row (up to the end of its line)."""
    line = gap.split("\n", 1)[0]
    cells = [c.strip(" \xa0\r") for c in SEP.split(line)]
    # A markdown separator row (|---|) is not data.
    cells = [c for c in cells if not MD_RULE.fullmatch(c)]
    if _INNER_SPACE.search(line):
        cells = [part for c in cells for part in split_spaced(c)]
    return cells


def split_spaced(cell: str) -> list[str]:
    """``0 0 0 1`` → four cells when every space-separated part is a number (else the cell as is)."""
    parts = _SPACES.split(cell.strip(" \u3000\xa0"))
    if len(parts) < 2:
        return [cell]
    for part in parts:
        kind, _ = values.parse(part)
        if kind == values.TEXT or (kind == values.BLANK and part not in ("-", "/", "—", "无")):
            return [cell]
    return parts


def _typed(cells: list[str], *, keep_interior_blanks: bool) -> list[Typed]:
    """Leading value cells, typed; stops at the first text cell. Interior empties are blanks."""
    out: list[Typed] = []
    pending_blanks: list[str] = []
    for raw in cells:
        if not raw.strip(" \u3000\xa0"):
            if out and keep_interior_blanks:
                pending_blanks.append(raw)
            continue
        kind, v = values.parse(raw)
        if kind == values.TEXT:
            if not out and _LABEL_REST.fullmatch(values.clean(raw)):
                continue  # the rest of a label: （区分处理的，只计这一情形…）
            if not out:
                out.append((kind, None, raw))  # a non-numeric value where a value belongs
                continue
            break
        if pending_blanks:
            out.extend((values.BLANK, None, b) for b in pending_blanks)
            pending_blanks.clear()
        out.append((kind, v, raw))
    # A row that is only text is not a row of values.
    if out and all(k == values.TEXT for k, _, _ in out):
        return [] if len(out) > 1 else out
    return out


def grid_cells(gap: str) -> list[Typed]:
    """An exact grid row (HTML/Word): every cell after the label counts, empty ones as blanks."""
    cells = line_cells(gap)
    if cells and cells[0] == "":
        cells = cells[1:]  # the text between the label and its cell's end
    out: list[Typed] = []
    for raw in cells:
        kind, v = values.parse(raw)
        out.append((values.BLANK, None, raw) if raw == "" else (kind, v, raw))
    return out


def gap_cells(text: str, start: int, end: int, layout: str) -> RowRead:
    """What is printed between a row's label (ending at ``start``) and the next label (at ``end``)."""
    cells, chunks, total_only, next_line, _ = gap_read(text, start, end, layout)
    return RowRead("", cells=list(cells), chunks=None if chunks is None else list(chunks),
                   total_only=total_only, next_line=next_line)


def gap_read(text: str, start: int, end: int, layout: str) -> tuple[tuple[Typed, ...], tuple[str, ...] | None,
                                                                    bool, bool, bool]:
    """``gap_cells`` as (cells, glued chunks, total_only, next_line, sentence): ``sentence`` when
    the label is followed by one number and the punctuation of a sentence (…申请数量0件，), prose.

    Tables repeat the same rows (``\t0\t0\t0…``) across a corpus, so the reading of a short gap
    is cached; only a lone value of the ``lines`` layout whose label line holds nothing else looks
    outside the gap (how far right of the label it is printed).
    """
    gap = text[start:end]
    if len(gap) > _CACHED_GAP:
        cells, chunks, total_only, next_line, alone = _gap_read(gap, layout)
        sentence = _SENTENCE_VALUE.match(gap, 0, 40) is not None
    else:
        cells, chunks, total_only, next_line, alone, sentence = _gap_read_cached(gap, layout)
    if alone:
        total_only = _label_indent_gain(text, start, gap.split("\n")) >= _WIDE
    return cells, chunks, total_only, next_line, sentence


_CACHED_GAP = 240  # longer gaps (narrative after a table's last label) are rarely repeated
# A label followed by one number and the punctuation of a sentence (…申请数量0件，) is prose.
_SENTENCE_VALUE = re.compile(r"[\s\u3000]*\d+(?:\.\d+)?[\s\u3000]*[件个条项次]?[\s\u3000]*[，,。；;、]")


def _gap_read(gap: str, layout: str) -> tuple[tuple[Typed, ...], tuple[str, ...] | None, bool, bool, bool]:
    """(cells, glued chunks, total_only, next_line, alone) for one gap; ``alone``: a lone value of
    the ``lines`` layout whose ``total_only`` the caller decides from the label's indent."""
    if layout == "grid":
        return tuple(grid_cells(gap)), None, False, False, False
    if layout in ("tab", "pipe"):
        cells = _typed(line_cells(gap), keep_interior_blanks=True)
        if not cells and "\n" in gap:
            below = _values_below(gap)
            if below:
                return tuple(below), None, False, True, False
        return tuple(cells), None, _set_apart(gap, cells), False, False
    if layout == "lines":
        if "|" in gap:
            return tuple(_pipe_lines(gap)), None, False, False, False
        lines = gap.split("\n")
        cells = [c for c in (ln.strip(" \t\xa0\r") for ln in lines) if c.strip(" \u3000")]
        if _INNER_SPACE.search(gap):
            cells = [part for c in cells for part in split_spaced(c)]
        typed = _typed(cells, keep_interior_blanks=False)
        # In this layout a text cell ends the row (it is the next label or narrative).
        typed = [c for c in typed if c[0] != values.TEXT] if len(typed) > 1 else typed
        if len(typed) == 1 and typed[0][0] == values.NUMBER:
            first = lines[0]
            if first.strip(" \t\xa0\r\u3000"):
                return tuple(typed), None, len(_LEADING.match(first).group(0)) >= _WIDE, False, False
            return tuple(typed), None, False, False, True
        return tuple(typed), None, False, False, False
    m = NUMERIC_PREFIX.match(gap)
    return (), tuple(splitter.chunks_of(m.group(0) if m else "")), False, False, False


@lru_cache(maxsize=1 << 15)
def _gap_read_cached(gap: str, layout: str) -> tuple[tuple[Typed, ...], tuple[str, ...] | None, bool, bool, bool, bool]:
    return (*_gap_read(gap, layout), _SENTENCE_VALUE.match(gap, 0, 40) is not None)


def _pipe_lines(gap: str) -> list[Typed]:
    """One cell per line, each ending in a pipe; a lone pipe is a blank cell, a run of pipes ends
    the row (the row's dropped blank cells were gathered there: the printed ones cannot be placed)."""
    cells: list[str] = []
    for i, ln in enumerate(gap.split("\n")):
        c = ln.strip(" \t\xa0\r\u3000")
        if _PIPES_ONLY.fullmatch(c):
            if len(c) > 1:
                break
            if i > 0:
                cells.append("")  # a blank cell in its place (the label's own pipe is not a cell)
            continue
        if c.endswith("|"):
            c = c[:-1].rstrip(" \t\xa0\u3000")
        if c:
            cells.extend(split_spaced(c))
    typed = _typed(cells, keep_interior_blanks=True)
    return [c for c in typed if c[0] != values.TEXT] if len(typed) > 1 else typed


def _values_below(gap: str) -> list[Typed]:
    """A label alone on its line with its values on the one line below (PDF→Markdown converters:
    ``（二）部分公开…`` / ``| 0 | 0 | … |``). Only when that is the gap's one line of values and
    everything else in it is blank or a ``|---|`` rule: otherwise whose values they are is unsure."""
    found: list[Typed] = []
    for ln in gap.split("\n")[1:]:
        cells = line_cells(ln)
        if all(c == "" for c in cells):
            continue
        typed = _typed(cells, keep_interior_blanks=True)
        if found or not typed or any(k == values.TEXT for k, _, _ in typed):
            return []
        found = typed
    return found


def _set_apart(gap: str, cells: list[Typed]) -> bool:
    """One number, printed after a wide run of spaces on the label's line."""
    if len(cells) != 1 or cells[0][0] != values.NUMBER:
        return False
    line = gap.split("\n", 1)[0]
    return len(_LEADING.match(line).group(0)) >= _WIDE


def _label_indent_gain(text: str, start: int, lines: list[str]) -> int:
    """How much further right the first line with a value starts than the label's line, when the
    label's own line holds nothing after the label."""
    line_start = text.rfind("\n", 0, start) + 1
    label_indent = len(_LEADING.match(text[line_start:start]).group(0))
    for ln in lines[1:]:
        if ln.strip(" \t\xa0\r\u3000"):
            return len(_LEADING.match(ln).group(0)) - label_indent
    return 0


def trim_grid(got: list[Typed], n: int) -> list[Typed]:
    """Drop colspan padding (empty cells) from the front, then the back, down to ``n`` cells."""
    got = list(got)
    while len(got) > n and got[0][0] == values.BLANK and got[0][2] == "":
        got.pop(0)
    while len(got) > n and got[-1][0] == values.BLANK and got[-1][2] == "":
        got.pop()
    return got

