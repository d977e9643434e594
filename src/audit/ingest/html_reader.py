"""HTML reader: a published web page (or a page fragment) to ``Extracted`` text.

Tables become one line per ``<tr>`` with tab-separated cells laid out on the table's grid:

* a cell covered by a ``rowspan`` from a row above is an empty cell (usually a leading label
  position, which the table parser strips);
* a ``colspan`` is one printed cell, so it yields ONE cell and nothing for the columns it
  covers. Emitting empties there would put phantom blank values between real ones (the Shanghai
  2019 page prints ``规章 | 13 | 13 (colspan=2) | 524``: three values, not four);
* a cell printed blank (``&nbsp;``, empty) stays an empty cell in its place: some reports leave
  zeros blank and the rules, not the reader, decide what that means.

Everything that is not a table is one line per block element. Scripts, styles, ``<head>`` and
page chrome (``nav``/``header``/``footer``/``aside``) are dropped.
"""

from __future__ import annotations

import codecs
import re

import charset_normalizer
import lxml.etree
import lxml.html

from audit.contracts.report import problem
from audit.ingest.extracted import Extracted
from audit.ingest.values import raised

_DROP_TAGS = ("script", "style", "noscript", "head", "template", "nav", "header", "footer", "aside",
              "iframe", "object", "embed", "svg", "select", "button")
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "body", "html", "h1", "h2", "h3", "h4", "h5", "h6", "li",
    "ul", "ol", "dl", "dt", "dd", "blockquote", "pre", "form", "fieldset", "figure", "figcaption",
    "address", "center", "hr", "caption", "tr", "td", "th", "thead", "tbody", "tfoot",
})
_SPACE = re.compile(r"[\s\xa0\u200b\ufeff]+")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.\-]+)""", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_DATE = r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})"
_PUBLISHED_TEXT = re.compile(r"(?:发布|发文|公开|成文)(?:日期|时间)\s*[:：]?\s*" + _DATE)
_PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time", "dc.date",
                   "dcterms.issued")
_GB_ALIASES = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936", "euc-cn", "hz-gb-2312", "gb18030"}


def extract(data: bytes) -> Extracted:
    """Read an HTML page; never raises (an unreadable page is an ``Extracted`` with a problem)."""
    if not data or not data.strip():
        return Extracted("", "html", layout="html", problems=[problem("empty", "the HTML file is empty")])
    text, encoding, problems = _decode(data)
    if _looks_binary(text):
        problems.append(problem("unreadable", "the file is not HTML text (binary content)"))
        return Extracted("", "html", encoding=encoding, layout="html", problems=problems)
    source = _XML_DECL.sub("", text)
    try:
        doc, too_deep = _parse(source)
        if too_deep:
            # Nesting deeper than libxml2 allows (2048 with huge_tree) drops everything after it:
            # read the page again without its layout wrappers (div, span, font…), tables kept.
            doc, too_deep = _parse(_flatten(source))
            if too_deep:
                problems.append(problem("deep_nesting", f"网页标签嵌套超过 {_MAX_DEPTH} 层，超出部分的文字未能读取"))
        published = _published_from_meta(doc)
        body = _body(doc)
    except RecursionError:  # nested deeper than Python's recursion limit: read it without wrappers
        doc, _ = _parse(_flatten(source))
        published = _published_from_meta(doc)
        try:
            body = _body(doc)
        except RecursionError:  # tables inside tables, a thousand deep: the text, without the grid
            body = "\n".join(line.strip() for line in doc.text_content().splitlines() if line.strip())
            problems.append(problem("deep_nesting", "网页表格嵌套过深，已按纯文本读取，表格的行列结构未能保留"))
    except (lxml.etree.ParserError, ValueError) as exc:
        problems.append(problem("unreadable", f"the HTML could not be parsed: {exc}"))
        return Extracted("", "html", encoding=encoding, layout="html", problems=problems)
    if published is None:
        published = published_from_text(body)
    if not body.strip():
        problems.append(problem("empty", "the HTML page has no text"))
    if data.rstrip()[-1:] != b">" and b"</html" not in data[-2048:].lower() and "<html" in text[:2048].lower():
        problems.append(problem("truncated", "the HTML page ends before its closing </html> tag"))
    return Extracted(body, "html", encoding=encoding, layout="html", published=published, problems=problems)


_MAX_DEPTH = 2048  # libxml2's limit with XML_PARSE_HUGE (256 without: pages ~255 levels deep came out empty)
# Layout wrappers whose nesting carries no table structure: dropped (blocks become line breaks)
# when a page is nested too deeply to parse as it is.
_WRAPPER = re.compile(r"<(/?)(?:div|span|font|section|article|center|blockquote|b|i|u|em|strong|a|ul|ol|li|"
                      r"small|big|sup|sub|label|form|main|header|footer|nav|aside)\b[^>]*>", re.I)


def _parse(source: str) -> tuple[lxml.html.HtmlElement, bool]:
    """The document, and whether the parser stopped at its nesting limit (text after it is lost)."""
    parser = lxml.html.HTMLParser(huge_tree=True)
    doc = lxml.html.document_fromstring(source, parser=parser)
    return doc, any("Excessive depth" in e.message for e in parser.error_log)


def _flatten(source: str) -> str:
    return _WRAPPER.sub(lambda m: "" if m.group(1) else "<br>", source)


def _body(doc: lxml.html.HtmlElement) -> str:
    for bad in doc.xpath("|".join(f"//{t}" for t in _DROP_TAGS)):
        if bad.getparent() is not None:
            bad.drop_tree()
    _drop_hidden(doc)
    _mark_raised(doc)
    lines = _Lines()
    _walk(doc, lines)
    return "\n".join(lines.done())


_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_MAX_CHARS = 20


def _drop_hidden(doc: lxml.html.HtmlElement) -> None:
    """Short text the page hides (``display: none``, ``visibility: hidden``, ``hidden``): pages
    slip such spans between characters against copying, and a hidden 7 after a count 1 would
    read as 17. Longer hidden blocks stay: a page may hide its whole article until a script
    shows it, and losing that would lose the report."""
    hidden = [el for el in doc.iter() if isinstance(el.tag, str)
              and (el.get("hidden") is not None or _HIDDEN.search(el.get("style") or ""))
              and len(el.text_content()) <= _HIDDEN_MAX_CHARS]
    for el in hidden:
        if el.getparent() is not None:
            el.drop_tree()  # its tail (the text after it) stays


_VERTICAL = re.compile(r"vertical-align\s*:\s*(super|sub)", re.I)


def _mark_raised(doc: lxml.html.HtmlElement) -> None:
    """Digits printed raised or lowered (``<sup>``, ``<sub>``, ``vertical-align: super``) become
    superscript or subscript digits (``values.raised``), so a footnote mark after a count stays
    a mark, in the tables and in the prose."""
    for el in doc.iter():
        if el.tag in ("sup", "sub"):
            position = "super" if el.tag == "sup" else "sub"
        else:
            m = _VERTICAL.search(el.get("style") or "") if isinstance(el.tag, str) else None
            if m is None:
                continue
            position = m.group(1).lower()
        for node in el.iter():
            if isinstance(node.tag, str):
                node.text = raised(node.text, position) if node.text else node.text
                if node is not el and node.tail:
                    node.tail = raised(node.tail, position)


def published_from_text(text: str) -> str | None:
    """The first page-stated 发布日期/发布时间 as YYYY-MM-DD."""
    m = _PUBLISHED_TEXT.search(text)
    return _iso(m) if m else None


def _iso(m: re.Match[str]) -> str | None:
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if 1 <= mo <= 12 and 1 <= d <= 31:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    return None


def _published_from_meta(doc: lxml.html.HtmlElement) -> str | None:
    for meta in doc.iter("meta"):
        name = (meta.get("name") or meta.get("property") or "").strip().lower()
        if name in _PUBLISHED_META:
            m = re.search(_DATE, meta.get("content") or "")
            if m:
                return _iso(m)
    return None


# -- encoding ---------------------------------------------------------------------------------

def _decode(data: bytes) -> tuple[str, str, list[dict]]:
    """Decode honouring a BOM, then a meta charset, then UTF-8, then detection."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                     (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return _decode_as(data[len(bom):], enc)
    m = _META_CHARSET.search(data[:4096])
    if m:
        declared = _canonical(m.group(1).decode("ascii", "replace"))
        if declared:
            try:
                return data.decode(declared), declared, []
            except UnicodeDecodeError:
                pass  # the declaration lies: fall through to detection
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    enc = _canonical(best.encoding) if best is not None else None
    return _decode_as(data, enc or "gb18030")


def _decode_as(data: bytes, enc: str) -> tuple[str, str, list[dict]]:
    try:
        return data.decode(enc), enc, []
    except UnicodeDecodeError:
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        return text, enc, [problem("encoding", f"{bad} bytes could not be decoded as {enc}")]


def _canonical(name: str) -> str | None:
    name = name.strip().lower().replace("_", "-")
    if name in _GB_ALIASES or name.replace("-", "") in _GB_ALIASES:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\n\r\f")
    return controls > max(8, len(sample) // 20)


# -- text walk --------------------------------------------------------------------------------

class _Lines:
    """Accumulates inline text into the current line; block boundaries end it."""

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._buf: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self._buf.append(text)

    def flush(self) -> None:
        line = _SPACE.sub(" ", "".join(self._buf)).strip()
        self._buf = []
        if line:
            self._lines.append(line)

    def row(self, cells: list[str]) -> None:
        self.flush()
        if any(cells) or len(cells) >= 2:  # a row printed with every cell blank is still a row
            self._lines.append("\t".join(cells))

    def done(self) -> list[str]:
        self.flush()
        return self._lines


def _walk(el: lxml.html.HtmlElement, out: _Lines) -> None:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "table":
        out.flush()
        for cells in table_rows(el):
            out.row(cells)
        return
    if tag == "br":
        out.flush()
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.flush()
    if isinstance(el.tag, str):
        out.add(el.text)
        for child in el:
            _walk(child, out)
            out.add(child.tail)
    if block:
        out.flush()


def _rows_of(table: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")


def table_rows(table: lxml.html.HtmlElement) -> list[list[str]]:
    """The table's rows on its grid (see the module docstring for spans and blanks)."""
    pending: dict[int, list[int]] = {}  # start column -> [width, rows still covered]
    rows: list[list[str]] = []
    for tr in _rows_of(table):
        cells: list[str] = []
        col = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            col = _fill_spans(pending, cells, col)
            cells.append(cell_text(td))
            width = _span(td.get("colspan"))
            height = _span(td.get("rowspan"))
            if height > 1:
                pending[col] = [width, height - 1]
            col += width
        for start in sorted(c for c in pending if c >= col):
            _fill_spans(pending, cells, start)
        # Printed-blank trailing cells are kept: the table parser sees the row's full width.
        rows.append(cells)
    return rows


def _fill_spans(pending: dict[int, list[int]], cells: list[str], col: int) -> int:
    """One empty cell per rowspan from above that covers ``col`` (and those right after it)."""
    while col in pending:
        width, left = pending[col]
        cells.append("")
        if left <= 1:
            del pending[col]
        else:
            pending[col][1] = left - 1
        col += width
    return col


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(str(value).strip()), 1000))
    except (TypeError, ValueError):
        return 1


def cell_text(td: lxml.html.HtmlElement) -> str:
    """A cell's text on one line: ``<br>`` and inner blocks become spaces."""
    parts: list[str] = []

    def walk(el: lxml.html.HtmlElement) -> None:
        if isinstance(el.tag, str):
            if el.tag == "br" or el.tag in _BLOCK_TAGS or el.tag == "table":
                parts.append(" ")
            parts.append(el.text or "")
            for child in el:
                walk(child)
                parts.append(child.tail or "")
            if el.tag in _BLOCK_TAGS:
                parts.append(" ")

    parts.append(td.text or "")
    for child in td:
        walk(child)
        parts.append(child.tail or "")
    return _SPACE.sub(" ", "".join(parts)).strip()
