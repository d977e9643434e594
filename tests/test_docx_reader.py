"""Word reader: a .docx built from seed 001 reads back as seed 001's rows; merges; broken files."""

from __future__ import annotations

import io
from pathlib import Path

import docx
import pytest

from audit.ingest.docx_reader import extract

SEED = Path(__file__).resolve().parents[1] / "reports" / "001_2e0bbb7745e2b5ab.txt"


def _pipe_cells(line: str) -> list[str]:
    parts = line.split("|")
    if line.rstrip().endswith("|"):
        parts = parts[:-1]
    return [p.strip() for p in parts]


def _blocks(text: str) -> list[tuple[str, object]]:
    """Seed text as ('p', line) and ('table', rows) blocks: consecutive pipe rows form a table."""
    blocks: list[tuple[str, object]] = []
    for line in text.splitlines():
        if "|" in line:
            if not blocks or blocks[-1][0] != "table":
                blocks.append(("table", []))
            blocks[-1][1].append(_pipe_cells(line))
        elif line.strip():
            blocks.append(("p", line.strip()))
    return blocks


def docx_from_seed(text: str) -> bytes:
    document = docx.Document()
    for kind, payload in _blocks(text):
        if kind == "p":
            document.add_paragraph(payload)
            continue
        width = max(len(r) for r in payload)
        table = document.add_table(rows=len(payload), cols=width)
        for r, cells in enumerate(payload):
            for c, value in enumerate(cells):
                table.cell(r, c).text = value
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _strip(cells: list[str]) -> list[str]:
    """What the table parser reads: leading and trailing empty cells removed."""
    while cells and not cells[-1]:
        cells = cells[:-1]
    while cells and not cells[0]:
        cells = cells[1:]
    return cells


def test_docx_from_seed_001_reads_back_the_same_lines_and_cells():
    seed = SEED.read_text(encoding="utf-8")
    ex = extract(docx_from_seed(seed))
    assert ex.format == "docx" and ex.layout == "docx" and ex.problems == []
    want = [("\t".join(_strip(_pipe_cells(ln))) if "|" in ln else ln.strip()) for ln in seed.splitlines()
            if ln.strip() and (("|" not in ln) or any(_pipe_cells(ln)))]
    got = ["\t".join(_strip(line.split("\t"))) for line in ex.text.splitlines()]
    assert got == want
    assert "一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3" in got
    assert "行政许可\t1990件" in got


def test_merged_cells_emit_once_and_vertical_continuations_are_empty():
    document = docx.Document()
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 0).merge(table.cell(2, 0)).text = "三、本年度办理结果"
    for r, values in ((1, ["（一）予以公开", "2", ""]), (2, ["（二）部分公开", "1", "1"])):
        for c, v in enumerate(values, start=1):
            table.cell(r, c).text = v
    document.add_paragraph("四、行政复议")
    buf = io.BytesIO()
    document.save(buf)
    ex = extract(buf.getvalue())
    assert ex.text.splitlines() == [
        "三、收到和处理政府信息公开申请情况",
        "申请人情况",
        "三、本年度办理结果\t（一）予以公开\t2\t",  # the blank cell stays
        "\t（二）部分公开\t1\t1",  # the vertical merge continues: one empty cell
        "四、行政复议",
    ]


def test_multi_paragraph_cell_is_one_line():
    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "商业"
    table.cell(0, 0).add_paragraph("企业")
    table.cell(0, 1).text = "5"
    buf = io.BytesIO()
    document.save(buf)
    assert extract(buf.getvalue()).text == "商业 企业\t5"


def _truncated() -> bytes:
    data = docx_from_seed("一、总体情况\n正文")
    return data[: len(data) // 2]


@pytest.mark.parametrize("data, kind", [
    (b"", "empty"),
    (b"just some text, not a zip", "unreadable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "unreadable"),  # encrypted / legacy .doc
    (_truncated(), "truncated"),
    (b"PK\x03\x04" + b"\x00" * 100, "truncated"),
])
def test_broken_input_never_raises(data, kind):
    ex = extract(data)
    assert ex.text == ""
    assert [p["kind"] for p in ex.problems] == [kind]


def test_zip_that_is_not_a_docx_is_unreadable():
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    ex = extract(buf.getvalue())
    assert [p["kind"] for p in ex.problems] == ["unreadable"]


def test_docx_from_seed_001_normalises_to_the_same_cells(tmp_path):
    from audit.ingest.normalise import read_report

    path = tmp_path / "seed001.docx"
    path.write_bytes(docx_from_seed(SEED.read_text(encoding="utf-8")))
    from_docx, from_text = read_report(path, "x"), read_report(SEED, "x")

    def cells(rep):
        return sorted((c["table"], c["row"], c["col"], c["value"], c["raw"]) for c in rep["cells"])

    assert from_docx["source"]["format"] == "docx"
    assert len(from_docx["cells"]) == 200 and cells(from_docx) == cells(from_text)
    assert from_docx["problems"] == from_text["problems"] == []


def test_hidden_runs_and_text_moved_away_are_not_read():
    """Word does not print a run formatted as hidden, nor the old place of moved text (track
    changes): a hidden 7 after a count 1 read as 17, a moved-away 9 before 3件 as 93件."""
    from docx.oxml import OxmlElement

    document = docx.Document()
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "（一）行政许可"
    cell = table.cell(0, 1).paragraphs[0]
    cell.add_run("1")
    cell.add_run("7").font.hidden = True
    cell.add_run("0").font.hidden = False  # hidden switched off: printed
    para = document.add_paragraph("受理申请")
    moved, run, text = OxmlElement("w:moveFrom"), OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "9"
    run.append(text)
    moved.append(run)
    para._p.append(moved)
    para.add_run("3件")
    buf = io.BytesIO()
    document.save(buf)
    got = extract(buf.getvalue()).text
    assert "（一）行政许可\t10" in got and "受理申请3件" in got
