"""The built-in readers, registered through the ``audit_readers`` hook like an outside reader's.

Formats are recognised from the bytes, never from the extension alone: a PDF saved as ``.txt`` is
still read as a PDF. The extension only breaks the tie between plain text and Markdown. Each
reader's library (pdfplumber, python-docx, lxml) is imported only when a file of that format is
read, so a run over text files never pays for the others.
"""

from __future__ import annotations

import re
import zipfile
from io import BytesIO

from audit.ingest import decode as decoding
from audit.ingest.extracted import Extracted
from audit.packs.extensions import Reader
from audit.packs.hookspecs import hookimpl

_HTML_HINT = re.compile(rb"<(?:!doctype\s+html|html|head|body|table|div|p|meta|tr|td)[\s>/]", re.I)
_MARKDOWN = (".md", ".markdown")


def _is_pdf(data: bytes, suffix: str) -> bool:
    return data[:4096].startswith(b"%PDF-")


def _is_zip(data: bytes, suffix: str) -> bool:
    return data.startswith(b"PK\x03\x04")


def _is_docx(data: bytes, suffix: str) -> bool:
    if not _is_zip(data, suffix):
        return False
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            return "word/document.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _is_html(data: bytes, suffix: str) -> bool:
    probe = data[:4096].replace(b"\x00", b"")
    return len(_HTML_HINT.findall(probe)) >= 2 or probe.lstrip().lower().startswith((b"<!doctype html", b"<html"))


def _is_markdown(data: bytes, suffix: str) -> bool:
    return suffix.lower() in _MARKDOWN


def _any(data: bytes, suffix: str) -> bool:
    return True


def _text(fmt: str):  # noqa: ANN202 - a small factory of extract functions
    def extract(data: bytes) -> Extracted:
        dec = decoding.decode(data)
        ex = Extracted(text=dec.text or "", format=fmt, encoding=dec.encoding)
        if dec.problem:
            kind, detail = dec.problem
            ex.problems.append({"kind": kind, "detail": detail, "table": None, "row": None, "col": None})
            if dec.text is None:
                ex.format = "unknown"
        return ex

    return extract


def _archive(data: bytes) -> Extracted:
    return Extracted(text="", format="unknown", problems=[{
        "kind": "binary", "detail": "文件是压缩包或其他二进制格式，不是文本、HTML、Word 或 PDF 报告",
        "table": None, "row": None, "col": None}])


def _pdf(data: bytes) -> Extracted:
    from audit.ingest.pdf_reader import extract

    return extract(data)


def _docx(data: bytes) -> Extracted:
    from audit.ingest.docx_reader import extract

    return extract(data)


def _html(data: bytes) -> Extracted:
    from audit.ingest.html_reader import extract

    return extract(data)


READERS = (
    Reader("pdf", (".pdf",), _is_pdf, extract=_pdf, priority=100),
    Reader("docx", (".docx",), _is_docx, extract=_docx, priority=90),
    Reader("unknown", (), _is_zip, extract=_archive, priority=80),  # a zip that is no Word file
    Reader("html", (".html", ".htm", ".xhtml"), _is_html, extract=_html, priority=50),
    Reader("md", _MARKDOWN, _is_markdown, extract=_text("md"), priority=10),
    Reader("txt", (".txt", ".text"), _any, extract=_text("txt"), priority=0),
)


@hookimpl
def audit_readers() -> tuple[Reader, ...]:
    return READERS
