"""Word (.docx) reader: body paragraphs and tables, in document order, to ``Extracted`` text.

Paragraphs are one line each. A table row is one line of tab-separated cells, read from the
row's own ``<w:tc>`` elements rather than python-docx's grid view (which repeats a merged cell's
object over every grid position it covers):

* a horizontally merged cell (``gridSpan``) is one printed cell and yields one cell;
* a vertically merged continuation (``vMerge`` without ``restart``) yields an empty cell, so the
  row keeps its place on the grid and the table parser strips it as a leading label position;
* an empty cell stays an empty cell.

The same conventions as the HTML reader, so the one table parser reads both the same way.
"""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.oxml.ns import qn

from audit.contracts.report import problem
from audit.ingest.extracted import Extracted
from audit.ingest.safeio import no_addresses
from audit.ingest.values import raised

_SPACE = re.compile(r"[\s\xa0\u200b\ufeff]+")
_P, _TBL, _SDT, _TR, _TC = qn("w:p"), qn("w:tbl"), qn("w:sdt"), qn("w:tr"), qn("w:tc")
_SDT_CONTENT, _CUSTOM_XML = qn("w:sdtContent"), qn("w:customXml")
_T, _TAB, _BR, _CR = qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")
_DEL = qn("w:del")
_R, _RUN_PROPS, _VERT_ALIGN = qn("w:r"), qn("w:rPr"), qn("w:vertAlign")
# Not printed: a run formatted as hidden text, and the old place of text moved with track changes.
_VANISH, _MOVE_FROM = qn("w:vanish"), qn("w:moveFrom")
# Bounds checked on the central directory before anything is inflated (real reports: a few MB,
# a few dozen parts).
MAX_UNCOMPRESSED = 256 * 1024 * 1024
MAX_ENTRIES = 10_000
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc and encrypted .docx containers


def extract(data: bytes) -> Extracted:
    """Read a .docx; never raises (an unreadable file is an ``Extracted`` with a problem)."""
    if not data:
        return _failed("empty", "the Word file is empty")
    if data.startswith(_OLE_MAGIC):
        return _failed("unreadable", "an encrypted .docx or a legacy binary .doc (OLE container), not a readable .docx")
    if not data.startswith(b"PK"):
        return _failed("unreadable", "not a .docx file (no ZIP container)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            refused = archive_refusal(zf)
            if refused:
                return _failed("too_large", refused)
            bad = zf.testzip()
            if bad is not None:
                return _failed("truncated", f"the .docx is damaged: member {bad} fails its checksum")
        document = docx.Document(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        kind = "truncated" if b"PK\x05\x06" not in data[-65_600:] else "unreadable"
        return _failed(kind, f"the .docx container cannot be opened ({exc})")
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors… on broken parts
        if "macroEnabled" in str(exc):
            return _failed("unreadable", "启用宏的 Word 文件（.docm），为安全起见不读取；请另存为普通 .docx")
        return _failed("unreadable", f"the .docx cannot be read: {type(exc).__name__}: {no_addresses(str(exc))}")
    lines: list[str] = []
    _blocks(document.element.body, lines)
    text = "\n".join(lines)
    problems = [] if text.strip() else [problem("empty", "the Word document has no text")]
    return Extracted(text, "docx", encoding=None, layout="docx", published=None, problems=problems)


def archive_refusal(zf: zipfile.ZipFile) -> str | None:
    """Why an archive is refused before anything is inflated, or None.

    The central directory declares every member's uncompressed size, and ``zipfile`` never
    inflates a member beyond it, so checking the declared sizes and the entry count bounds the
    memory and time reading can take (a 1.5 MB zip bomb that inflates to 3 GB is refused here).
    """
    infos = zf.infolist()
    if len(infos) > MAX_ENTRIES:
        return f"压缩包内文件过多（{len(infos)} 个，上限 {MAX_ENTRIES}），疑为压缩炸弹，未读取"
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED:
        return (f"解压后过大（{total / 1048576:.0f} MB，上限 {MAX_UNCOMPRESSED // 1048576} MB），"
                "疑为压缩炸弹，未读取")
    return None


def _failed(kind: str, detail: str) -> Extracted:
    return Extracted("", "docx", layout="docx", problems=[problem(kind, detail)])


def _blocks(parent, lines: list[str]) -> None:
    """Paragraphs and tables of a body-like element, in order (content controls opened)."""
    for child in parent.iterchildren():
        if child.tag == _P:
            line = _clean(paragraph_text(child))
            if line:
                lines.append(line)
        elif child.tag == _TBL:
            for cells in table_rows(child):
                if any(cells):
                    lines.append("\t".join(cells))
        elif child.tag in (_SDT, _SDT_CONTENT, _CUSTOM_XML):
            _blocks(child, lines)


def paragraph_text(p) -> str:
    """Visible text of a ``<w:p>``: runs, tabs and breaks as spaces; deleted revisions, text moved
    away (``w:moveFrom``) and hidden runs (``w:vanish``) skipped, as Word prints them (a hidden 7
    after a count 1 is no 17); digits of a raised or lowered run as superscript or subscript
    digits (``values.raised``: a footnote mark after a count is no digit of it)."""
    parts: list[str] = []
    for el in p.iter(_T, _TAB, _BR, _CR):
        if any(anc.tag in (_DEL, _MOVE_FROM) for anc in el.iterancestors()) or _hidden(el.getparent()):
            continue
        if el.tag != _T:
            parts.append(" ")
            continue
        text = el.text or ""
        position = _vertical_position(el.getparent())
        parts.append(raised(text, position) if position and text else text)
    return "".join(parts)


def _run_property(run, tag: str):
    """The run's formatting element ``tag`` (in ``w:rPr``), or None (also for no run)."""
    if run is None or run.tag != _R:
        return None
    props = run.find(_RUN_PROPS)
    return props.find(tag) if props is not None else None


def _hidden(run) -> bool:
    """The run is formatted as hidden text (``w:vanish`` not switched off)."""
    vanish = _run_property(run, _VANISH)
    return vanish is not None and vanish.get(qn("w:val"), "true") not in ("false", "0", "off")


def _vertical_position(run) -> str | None:
    """"super" or "sub" for a run printed raised or lowered (``w:vertAlign``), else None."""
    align = _run_property(run, _VERT_ALIGN)
    val = align.get(qn("w:val")) if align is not None else None
    return {"superscript": "super", "subscript": "sub"}.get(val or "")


def table_rows(tbl) -> list[list[str]]:
    """Rows of a ``<w:tbl>`` as cell texts (see the module docstring for merges)."""
    rows: list[list[str]] = []
    for tr in tbl.iterchildren(_TR):
        cells: list[str] = []
        for tc in _row_cells(tr):
            if _is_vmerge_continuation(tc):
                cells.append("")
            else:
                cells.append(cell_text(tc))
        rows.append(cells)
    return rows


def _row_cells(tr):
    for child in tr.iterchildren():
        if child.tag == _TC:
            yield child
        elif child.tag in (_SDT, _CUSTOM_XML):  # cells wrapped in content controls
            yield from child.iter(_TC)


def _is_vmerge_continuation(tc) -> bool:
    tc_pr = tc.tcPr if hasattr(tc, "tcPr") else None
    if tc_pr is None:
        return False
    v_merge = tc_pr.find(qn("w:vMerge"))
    return v_merge is not None and v_merge.get(qn("w:val"), "continue") != "restart"


def cell_text(tc) -> str:
    """A cell's paragraphs (and nested tables) joined by spaces on one line."""
    texts = [paragraph_text(p) for p in tc.iter(_P)]
    return _clean(" ".join(texts))


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()
