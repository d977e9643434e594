"""Which text layout a table region is printed in, and the printed cells of one row in each.

- ``tab`` / ``pipe`` (also HTML, Word and PDF, which reach us as tab rows): the rest of the
  label's line, split into cells; leading and trailing empty cells are merge debris, interior
  empty cells are printed blanks;
- ``grid`` (HTML/Word): every cell after the label counts, empty ones as blanks;
- ``lines`` (one cell per line): the following non-empty lines while they are values;
- ``flat`` (a whole table on one line, digits glued): the digit chunks, for the splitter.
"""

from __future__ import annotations

import re

from audit.ingest import splitter, values
from audit.ingest.table_read import RowRead, Typed

SEP = re.compile(r"[\t|]")
MD_RULE = re.compile(r":?-{3,}:?")  # a markdown separator cell (|---|) is not data
_DIGIT = re.compile(r"\d")
NUMERIC_PREFIX = re.compile(r"^[\s\u3000\d.．,，+\-元件万]*")


def detect_layout(region: str, forced: str | None = None) -> str:
    """Which of the text layouts a table region is printed in."""
    if forced in ("html", "docx"):
        return "grid"
    if forced in ("pdf", "tab"):
        return "tab"
    lines = [ln for ln in region.split("\n") if ln.strip()]
    tabbed = sum(1 for ln in lines if "\t" in ln.strip("\t ") and len(SEP.split(ln)) >= 3)
    piped = sum(1 for ln in lines if ln.count("|") >= 2)
    if piped >= 3 and piped >= tabbed:
        return "pipe"
    if tabbed >= 3:
        return "tab"
    digits_lines = [ln for ln in lines if _DIGIT.search(ln)]
    if len(lines) <= 3 or (digits_lines and max(len(ln) for ln in digits_lines) > 200 and len(lines) < 15):
        return "flat"
    return "lines"


def line_cells(gap: str) -> list[str]:
    """Cells of the rest of a tab/pipe row (up to the end of its line)."""
    line = gap.split("\n", 1)[0]
    cells = [c.strip(" \xa0\r") for c in SEP.split(line)]
    # A markdown separator row (|---|) is not data.
    return [c for c in cells if not MD_RULE.fullmatch(c)]


def _typed(cells: list[str], *, keep_interior_blanks: bool) -> list[Typed]:
    """Leading value cells, typed; stops at the first text cell. Interior empties are blanks."""
    out: list[Typed] = []
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
    gap = text[start:end]
    if layout == "grid":
        return RowRead("", cells=grid_cells(gap))
    if layout in ("tab", "pipe"):
        return RowRead("", cells=_typed(line_cells(gap), keep_interior_blanks=True))
    if layout == "lines":
        cells = [ln.strip(" \t\xa0\r") for ln in gap.split("\n")]
        cells = [c for c in cells if c.strip(" \u3000")]
        typed = _typed(cells, keep_interior_blanks=False)
        # In this layout a text cell ends the row (it is the next label or narrative).
        return RowRead("", cells=[c for c in typed if c[0] != values.TEXT] if len(typed) > 1 else typed)
    m = NUMERIC_PREFIX.match(gap)
    return RowRead("", chunks=splitter.chunks_of(m.group(0) if m else ""))



def trim_grid(got: list[Typed], n: int) -> list[Typed]:
    """Drop colspan padding (empty cells) from the front, then the back, down to ``n`` cells."""
    got = list(got)
    while len(got) > n and got[0][0] == values.BLANK and got[0][2] == "":
        got.pop(0)
    while len(got) > n and got[-1][0] == values.BLANK and got[-1][2] == "":
        got.pop()
    return got

