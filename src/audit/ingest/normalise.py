"""One source file → one normalised report (a schema-valid dict). Never raises.

Pipeline: read bytes → the first registered reader that takes them (``audit_readers`` hook; the
built-in ones sniff the format from content, not the extension) → extract text with tab rows
(``audit.ingest.extracted``) → split sections → read the three tables → detect the edition
from fingerprints → place cells for that edition → metadata. Anything that goes wrong becomes a
``problems`` entry of the report, so every input file appears in the output.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from audit.contracts import catalogue
from audit.contracts.report import add_problem, new_report
from audit.ingest import edition as editions
from audit.ingest import metadata, placement, safeio, sections, tables
from audit.ingest.cell_block import CellBlock
from audit.ingest.extracted import Extracted
from audit.packs.extensions import Reader, ordered_readers

MAX_BYTES = 64 * 1024 * 1024
_readers: list[Reader] | None = None


def use_readers(readers: Sequence[Reader]) -> None:
    """The readers this process reads with (the run's registry sets them before the workers fork)."""
    global _readers
    _readers = ordered_readers(readers)


def readers() -> list[Reader]:
    """The registered readers in the order they are asked (loaded once per process if not set)."""
    if _readers is None:
        from audit.packs.plugins import load_registry

        use_readers(load_registry().readers)
    assert _readers is not None  # set just above
    return _readers


def pick_reader(data: bytes, suffix: str = "") -> Reader:
    """The first reader (highest priority) that takes these bytes."""
    for reader in readers():
        if reader.sniff(data, suffix):
            return reader
    raise LookupError("no registered reader takes this file (the plain-text reader is missing)")


def sniff(data: bytes, suffix: str = "") -> str:
    """The format from the bytes themselves; the extension only breaks ties (txt vs md)."""
    return pick_reader(data, suffix).name


def extract(data: bytes, fmt: str) -> Extracted:
    """Bytes of a known format → Extracted text, by the reader registered under ``fmt``."""
    reader = next((r for r in readers() if r.name == fmt and r.extract is not None), None)
    if reader is None or reader.extract is None:
        raise LookupError(f"no registered reader extracts format {fmt!r}")
    return reader.extract(data)


def read_report(path: str | Path, report_id: str) -> dict[str, Any]:
    """Normalise one file. Every failure is recorded in the report's problems."""
    rep, block = read_report_block(path, report_id)
    if block is not None:
        rep["cells"] = block.dicts()
    return rep


def read_report_block(path: str | Path, report_id: str) -> tuple[dict[str, Any], CellBlock | None]:
    """``read_report`` with the cells left in their ``CellBlock`` (``cells`` then stays empty):
    what the worker processes pack into columns without making a dict per cell."""
    p = Path(path)
    rep = new_report(report_id, safeio.shown(path))
    try:
        data, size = safeio.read_regular(p, MAX_BYTES)
        if data is None:
            rep["source"]["format"] = "unknown"
            add_problem(rep, "too_large", f"文件过大（{size / 1048576:.0f} MB，上限 {MAX_BYTES // 1048576} MB），未读取")
            return rep, None
    except OSError as exc:
        add_problem(rep, "unreadable", f"无法读取文件：{exc if isinstance(exc, safeio.NotRegular) else exc.strerror or exc}")
        return rep, None
    rep["source"]["sha256"] = hashlib.sha256(data).hexdigest()
    try:
        reader = pick_reader(data, p.suffix)
        if reader.load is not None:  # already normalised: the reader checks and returns it
            return reader.load(data, rep), None
        rep["source"]["format"] = reader.name
        assert reader.extract is not None
        return _normalise_extracted(reader.extract(data), rep)
    except Exception as exc:  # noqa: BLE001 - one bad file must never stop a run
        rep.update(new_report(report_id, safeio.shown(path), fmt=rep["source"]["format"], sha256=rep["source"]["sha256"]))
        add_problem(rep, "unreadable", f"读取时出错（{type(exc).__name__}: {safeio.no_addresses(str(exc))[:200]}），报告内容未能解析")
        return rep, None


def normalise_text(text: str, report_id: str = "text", *, fmt: str = "txt", layout: str | None = None) -> dict[str, Any]:
    """Normalise report text directly (tests, the author harness)."""
    rep = new_report(report_id, f"{report_id}.{fmt}", fmt=fmt, encoding="utf-8")
    return normalise_extracted(Extracted(text=text, format=fmt, encoding="utf-8", layout=layout), rep)


def normalise_extracted(ex: Extracted, rep: dict[str, Any]) -> dict[str, Any]:
    rep, block = _normalise_extracted(ex, rep)
    if block is not None:
        rep["cells"] = block.dicts()
    return rep


def _normalise_extracted(ex: Extracted, rep: dict[str, Any]) -> tuple[dict[str, Any], CellBlock | None]:
    rep["source"]["format"] = ex.format
    rep["source"]["encoding"] = ex.encoding
    rep["problems"].extend(ex.problems)
    if ex.format == "unknown" or any(p["kind"] in ("binary", "unreadable") for p in ex.problems):
        return rep, None
    text = metadata.strip_page_numbers(ex.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""))
    if not text.strip():
        if not rep["problems"]:
            add_problem(rep, "empty", "文件没有任何文字内容")
        return rep, None
    header, body = metadata.split_crawler_header(text)
    heads = sections.find_headings(body)
    preamble = body[:heads[0].start] if heads else body[:1500]
    rep["sections"] = _section_entries(body, heads)
    reads = _read_tables(body, heads, ex.layout)
    table_text = "\n".join(_region(body, heads, t) for t in catalogue.TABLES)
    ed, evidence, ed_problems = editions.detect(table_text, reads, body)
    if ed is not None and not _printed_as_table(reads):
        # Labels quoted in prose (a document *about* reports) are not a table; labels printed as
        # a table's rows are, even when its cells are blank or could not be read.
        ed, evidence = None, []
        ed_problems = [{"kind": "unknown_format", "table": None, "row": None, "col": None,
                        "detail": "文中提到表格栏目名称，但没有读到任何表格数值，无法按官方年报格式读取"}]
    rep["edition"], rep["edition_evidence"] = ed, evidence
    rep["problems"].extend(ed_problems)
    block = None
    if ed is not None:
        block, problems = placement.assemble_block(reads, ed, narrative=body)
        rep["problems"].extend(problems)
    meta, meta_problems = metadata.extract(header, body, preamble)
    rep["sections"].insert(0, _preamble_entry(body, heads, meta.get("title")))
    rep["unit"], rep["year"] = meta["unit"], meta["year"]
    rep["published"] = meta["published"] or ex.published
    rep["problems"].extend(meta_problems)
    layouts = {r.layout for r in reads.values() if r.layout}
    rep["source"]["layout"] = (ex.layout if ex.layout in ("html", "docx", "pdf")
                               else (layouts.pop() if len(layouts) == 1 else ("mixed" if layouts else None)))
    _flag_duplicate_sections(rep, heads)
    return rep, block


def _section_entries(body: str, heads: list[sections.Heading]) -> list[dict[str, Any]]:
    out = []
    for i, h in enumerate(heads):
        end = heads[i + 1].start if i + 1 < len(heads) else len(body)
        out.append({"number": h.number, "title": h.title.strip(), "canonical": h.canonical,
                    "text": metadata.strip_debris(body[h.end:end])})
    return out


def _preamble_entry(body: str, heads: list[sections.Heading], title: str | None) -> dict[str, Any]:
    """Section 0: the title and everything printed before the first heading (the whole text when
    no heading was found), so that nothing printed is dropped."""
    text = metadata.strip_debris(body[:heads[0].start] if heads else body)
    return {"number": 0, "title": title or "", "canonical": "preamble", "text": text}


def _section_text(body: str, heads: list[sections.Heading], table: str) -> str | None:
    """A table's section (up to the next recognised section); None when its heading was not found."""
    named = [h for h in heads if h.canonical]
    for i, h in enumerate(named):
        if h.canonical == table:
            end = named[i + 1].start if i + 1 < len(named) else len(body)
            return body[h.end:end]
    return None


def _region(body: str, heads: list[sections.Heading], table: str) -> str:
    """A table's section, or the whole text if its heading was not found."""
    own = _section_text(body, heads, table)
    return body if own is None else own


def _read_tables(body: str, heads: list[sections.Heading], layout: str | None) -> dict[str, tables.TableRead]:
    """Each table from its own section; a table whose heading was not found from the whole text,
    in the layout of the tables read in their own sections (when they agree on one)."""
    own = {t: _section_text(body, heads, t) for t in catalogue.TABLES}
    out = {t: tables.read_table(own[t], t, layout) for t in catalogue.TABLES if own[t] is not None}
    seen = {r.layout for r in out.values() if r.layout}
    like = seen.pop() if len(seen) == 1 else None
    for t in catalogue.TABLES:
        if own[t] is None:
            out[t] = tables.read_table(body, t, layout, own_section=False, layout_like=like)
    return {t: out[t] for t in catalogue.TABLES}


#: Row labels found at the start of a line or cell (not inside a sentence) that make a table.
MIN_TABLE_ROWS = 5


def _printed_as_table(reads: dict[str, tables.TableRead]) -> bool:
    """Numbers read, cells printed blank, or enough row labels standing as rows (not in prose)."""
    if any(_has_numbers(r) for r in reads.values()):
        return True
    rows = [row for r in reads.values() if r.layout != "flat" for row in r.rows.values()]
    blanks = any(sum(k == "blank" for k, _, _ in row.cells) >= 2 for row in rows)
    appeals = reads.get("appeals")
    blank_block = bool(appeals and appeals.flat_values and appeals.flat_values.cells)
    return blanks or blank_block or len(rows) >= MIN_TABLE_ROWS


def _has_numbers(read: tables.TableRead) -> bool:
    rows = list(read.rows.values()) + ([read.flat_values] if read.flat_values else [])
    return any(r.chunks or any(k == "number" for k, _, _ in r.cells) for r in rows)


def _flag_duplicate_sections(rep: dict[str, Any], heads: list[sections.Heading]) -> None:
    titles = [h.title for h in heads]
    for t in sorted({t for t in titles if titles.count(t) > 1}):
        add_problem(rep, "duplicate_section", f"章节“{t}”在报告中出现了 {titles.count(t)} 次")
