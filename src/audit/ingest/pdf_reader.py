"""PDF reader: the text layer, in reading order, with ruled tables as tab-separated rows.

Per page, ``pdfplumber`` finds ruled (lattice) tables; when a page has none but its text looks
tabular, the text strategy is tried. A table's multi-cell rows replace the text lines they cover,
placed where the table sits on the page; everything else is text lines. Conventions:

* a cell's text broken over lines is joined (``"结果\\n维持"`` → ``"结果维持"``, vertical headers
  ``"三\\n、\\n本\\n年…"`` → ``"三、本年…"``);
* a cell covered by a merge from the left (colspan) yields nothing; one covered from above
  (rowspan) yields an empty cell; an empty ruled cell stays an empty cell (same as HTML/Word);
* WPS/Word often draw a frame around the whole page, which the table finder reports as a
  one-column "table": such tables, and the single-cell rows above or below a table's grid, are
  read as text;
* body lines that run to the right margin are joined with the next line (a paragraph wrapped by
  the layout), so a sentence such as ``…受理申请 17 件`` stays on one line;
* pages without a text layer (scanned images) are recorded as a ``no_text_layer`` problem.
"""

from __future__ import annotations

import io
import re
from statistics import median
from typing import Any

import pdfplumber

from audit.contracts.report import problem
from audit.ingest.extracted import Extracted
from audit.ingest.values import raised

_SPACE = re.compile(r"[ \t\xa0\u3000\u200b]+")
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.、．])")
_PAGE_NUMBER = re.compile(r"^[-—–\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*/\s*(?:共\s*)?\d{1,4}\s*页?)?[-—–\s]*$")
_NUMBER_TOKEN = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?![\d.])")
_LATTICE = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}
_TEXT = {"vertical_strategy": "text", "horizontal_strategy": "text", "min_words_vertical": 3}


def extract(data: bytes) -> Extracted:
    """Read a PDF; never raises (an unreadable file is an ``Extracted`` with a problem)."""
    if not data:
        return _failed("empty", "the PDF file is empty")
    if b"%PDF-" not in data[:1024]:
        return _failed("unreadable", "not a PDF file (no %PDF- header)")
    problems: list[dict[str, Any]] = []
    if b"%%EOF" not in data[-2048:]:
        problems.append(problem("truncated", "the PDF ends without its %%EOF trailer (cut off?)"))
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            items, no_text_pages, n_pages = _read_pages(pdf)
    except Exception as exc:  # pdfminer raises many types: PDFPasswordIncorrect, PSEOF, PDFSyntaxError…
        cause = exc.args[0] if exc.args and isinstance(exc.args[0], Exception) else exc  # PdfminerException wraps
        name = type(cause).__name__
        if "Password" in name or "Encrypt" in name or "encrypt" in str(exc).lower():
            detail = f"the PDF is encrypted and cannot be opened ({name})"
            kind = "unreadable"
        else:
            detail = f"the PDF cannot be read: {name}: {cause}"
            kind = "truncated" if problems else "unreadable"
        return Extracted("", "pdf", layout="pdf", problems=[*[p for p in problems if p["kind"] != kind],
                                                            problem(kind, detail)])
    text = "\n".join(items)
    if n_pages == 0:
        problems.append(problem("empty", "the PDF has no pages"))
    elif not text.strip():
        problems.append(problem("no_text_layer", f"none of the {n_pages} pages has a text layer (scanned images?)"))
    elif no_text_pages:
        pages = ", ".join(map(str, no_text_pages))
        problems.append(problem("no_text_layer", f"pages {pages} of {n_pages} have no text layer (scanned images?)"))
    return Extracted(text, "pdf", encoding=None, layout="pdf", published=None, problems=problems)


def _failed(kind: str, detail: str) -> Extracted:
    return Extracted("", "pdf", layout="pdf", problems=[problem(kind, detail)])


def _read_pages(pdf: pdfplumber.PDF) -> tuple[list[str], list[int], int]:
    out = _Paragraphs()
    no_text: list[int] = []
    for page in pdf.pages:
        if not page.chars:
            if page.images:
                no_text.append(page.page_number)
            continue
        for kind, payload in _page_items(page):
            if kind == "row":
                out.row(payload)
            else:
                out.line(*payload)
        page.flush_cache()
    return out.done(), no_text, len(pdf.pages)


class _Paragraphs:
    """Joins wrapped body lines into paragraphs; table rows pass through as they are."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._open = False  # the last line ran to the right margin: the next one continues it

    def line(self, text: str, full: bool) -> None:
        if self._open and self._lines and not _HEADING.match(text):
            self._lines[-1] = _join(self._lines[-1], text)
        else:
            self._lines.append(text)
        self._open = full

    def row(self, cells: list[str]) -> None:
        self._open = False
        if any(cells):
            self._lines.append("\t".join(cells))

    def done(self) -> list[str]:
        return self._lines


def _page_items(page) -> list[tuple[str, Any]]:
    """The page's text lines and table rows, ordered top to bottom."""
    _mark_raised_digits(page)
    grids = _grids(page)
    lines = page.extract_text_lines(return_chars=True)
    items: list[tuple[float, int, str, Any]] = []
    if lines:
        right = max(ln["x1"] for ln in lines)
        sizes = [c["size"] for ln in lines for c in ln["chars"][:3]] or [10.0]
        em = median(sizes)
        for ln in lines:
            mid = (ln["top"] + ln["bottom"]) / 2
            if any(top <= mid <= bottom for top, bottom, _ in grids):
                continue
            text = _clean(ln["text"])
            if not text or _is_page_furniture(text, ln, page):
                continue
            items.append((ln["top"], 0, "line", (text, ln["x1"] >= right - 1.5 * em)))
    for top, _, rows in grids:
        for i, cells in enumerate(rows):
            items.append((top + i * 1e-3, 1, "row", cells))
    items.sort(key=lambda it: (it[0], it[1]))
    return [(kind, payload) for _, _, kind, payload in items]


def _mark_raised_digits(page) -> None:
    """Digits set smaller and raised (a footnote mark: 12¹) or lowered right after the text before
    them become superscript or subscript digits (``values.raised``), as the HTML and Word readers
    make them: the text layer alone would give 12 and a raised 1 as 121. The page's character
    records are changed in place, before its lines and tables are read from them."""
    ref = last = None  # the last character in the line's own size, and the last one
    for c in page.chars:
        text = c["text"]
        if ref is not None and last is not None and len(text) == 1 and text.isdecimal() and c.get("upright", True):
            size = ref["size"]
            beside = -0.5 * size < c["x0"] - last["x1"] < 0.5 * size
            if beside and c["size"] < 0.8 * size:
                if c["bottom"] < ref["bottom"] - 0.2 * size:
                    c["text"] = raised(text, "super")
                elif c["top"] > ref["top"] + 0.2 * size:
                    c["text"] = raised(text, "sub")
        if c["text"] == text:
            ref = c
        last = c


def _is_page_furniture(text: str, ln: dict[str, Any], page) -> bool:
    near_edge = ln["top"] > page.height * 0.9 or ln["bottom"] < page.height * 0.08
    return near_edge and bool(_PAGE_NUMBER.match(text))


def _grids(page) -> list[tuple[float, float, list[list[str]]]]:
    """(top, bottom, rows) for each real table: the part of it where rows have several cells."""
    tables = [t for t in page.find_tables(_LATTICE) if _is_grid(t)]
    if not tables and _looks_tabular(page):
        tables = [t for t in page.find_tables(_TEXT) if _is_grid(t, min_cells=3)]
    grids = []
    for table in tables:
        rows = table.extract()
        multi = [i for i, r in enumerate(table.rows) if sum(1 for c in r.cells if c is not None) >= 2]
        if not multi:
            continue
        first, last = multi[0], multi[-1]
        colx = _column_starts(table)
        kept = [_row_cells(table.rows[i], rows[i], colx) for i in range(first, last + 1)]
        grids.append((table.rows[first].bbox[1], table.rows[last].bbox[3], kept))
    return grids


def _filled(row: list[str | None]) -> int:
    return sum(1 for c in row if c is not None and c.strip())


def _is_grid(table, min_cells: int = 2) -> bool:
    rows = table.extract()
    return bool(rows) and max(len(r) for r in rows) >= 2 and any(_filled(r) >= min_cells for r in rows)


def _looks_tabular(page) -> bool:
    text = page.extract_text() or ""
    return sum(1 for ln in text.splitlines() if len(_NUMBER_TOKEN.findall(ln)) >= 4) >= 3


def _column_starts(table) -> list[float]:
    ncols = max(len(r.cells) for r in table.rows)
    starts = [float("inf")] * ncols
    for r in table.rows:
        for c, bbox in enumerate(r.cells):
            if bbox is not None:
                starts[c] = min(starts[c], bbox[0])
    return starts


def _row_cells(row, texts: list[str | None], colx: list[float]) -> list[str]:
    """Cell texts of one row: colspan continuations dropped, rowspan continuations empty."""
    cells: list[str] = []
    owner_x1 = None  # right edge of the last real cell in this row
    for c, text in enumerate(texts):
        bbox = row.cells[c] if c < len(row.cells) else None
        if bbox is not None:
            cells.append(cell_text(text or ""))
            owner_x1 = bbox[2]
        elif owner_x1 is not None and c < len(colx) and owner_x1 > colx[c] + 1:
            continue  # covered by the merged cell to its left
        else:
            cells.append("")
    return cells


def cell_text(text: str) -> str:
    """A cell's lines joined: Chinese is joined directly, Latin words and numbers with a space."""
    out = ""
    for part in text.split("\n"):
        part = _clean(part)
        if part:
            out = _join(out, part) if out else part
    return out


def _join(left: str, right: str) -> str:
    if _ASCII_WORD.match(left[-1:]) and _ASCII_WORD.match(right[:1]):
        return f"{left} {right}"
    return left + right


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
