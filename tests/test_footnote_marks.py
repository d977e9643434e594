"""A footnote mark printed after a count (12①, 4¹, 3⑴) is no digit, though NFKC turns it into
one: read as a number, 12① became 121 and 0① became 1, a wrong value that the arithmetic rules
then accuse the unit over. Such a cell is text (unsure, reported as printed), never a value."""

from __future__ import annotations

import re

import pytest

from audit.ingest import values
from audit.ingest.normalise import normalise_text
from tests.shared_paths import REAL, cell_readings
from tests.shared_paths import SEEDS as SEED_DIR
from tests.shared_paths import read_seed as _read_seed

SEEDS = ["000", "001", "002", "003", "004"]  # tab, pipe and one-cell-per-line layouts
MARKS = ["①", "¹", "⑴", "❶", "⒈", "½"]


@pytest.mark.parametrize("printed", ["0①", "12①", "4¹", "3⑴", "❶", "7⒈", "12½", "Ⅱ", "201⑩"])
def test_a_count_with_a_footnote_mark_is_text(printed):
    assert values.parse(printed) == (values.TEXT, None)


@pytest.mark.parametrize(("printed", "value"), [("１２", 12.0), ("12", 12.0), ("5（其中修订16件）", 5.0),
                                                ("1,234", 1234.0), ("0", 0.0)])
def test_digits_full_width_or_plain_are_still_numbers(printed, value):
    assert values.parse(printed) == (values.NUMBER, value)


def _numeric_cells(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, character offset, number) of the printed counts inside the tables."""
    spots = []
    for i, line in enumerate(lines):
        if "\t" in line or "|" in line:
            spots += [(i, m.end(), m.group(1)) for m in re.finditer(r"(?:^|[\t|])\s*(\d{1,3})\s*(?=[\t|]|$)", line)]
        elif re.fullmatch(r"\s*\d{1,3}\s*", line):
            m = re.search(r"\d+", line)
            spots.append((i, m.end(), m.group()))
    return spots


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mark", MARKS)
def test_a_marked_cell_is_unsure_and_no_other_cell_changes(seed, mark):
    name = next((p.name for p in sorted(SEED_DIR.glob(f"{seed}_*"))), f"{seed}_missing")
    text = _read_seed(name)[0]
    base = cell_readings(normalise_text(text, seed))
    lines = text.split("\n")
    spots = _numeric_cells(lines)
    assert spots, "the seed prints its tables"
    checked = 0
    for i, end, _number in spots[:: max(1, len(spots) // 5)][:5]:
        marked = lines[i][:end] + mark + lines[i][end:]
        got = cell_readings(normalise_text("\n".join([*lines[:i], marked, *lines[i + 1:]]), seed))
        changed = {k: (base.get(k), got.get(k)) for k in set(base) | set(got) if base.get(k) != got.get(k)}
        # the marked cell turns unsure (so may its row); no cell gets another value
        assert all(after is None or after[1] != "value" for _, after in changed.values()), (lines[i], changed)
        checked += bool(changed)
    assert checked, "some marked cell was inside a table"


# -- pages and Word files print the mark raised: <sup>1</sup>, a superscript run -----------------

SHANGHAI_2019 = "unidentified-github__shanghai-govoffice-2019.html"


def _read_bytes(tmp_path, name: str, data: bytes) -> dict:
    from audit.ingest.normalise import read_report

    path = tmp_path / name
    path.write_bytes(data)
    return read_report(str(path), path.stem)


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus ../shared/corpus/real not beside the repository")
@pytest.mark.parametrize("mark", ["<sup>1</sup>", "<sub>2</sub>", "<span style='vertical-align: super'>1</span>"])
def test_a_raised_digit_on_a_page_is_no_digit_of_the_count(tmp_path, mark):
    page = (REAL / SHANGHAI_2019).read_text(encoding="utf-8")
    base = cell_readings(_read_bytes(tmp_path, "base.html", page.encode()))
    # 258 (申请人情况 自然人, 予以公开) printed with a footnote mark: read as 2581 before
    marked = re.sub(r"(<td[^>]*>(?:\s*<[^>]+>)*\s*)258\b", lambda m: m.group(1) + "258" + mark, page, count=1)
    assert marked != page
    got = cell_readings(_read_bytes(tmp_path, "marked.html", marked.encode()))
    changed = {k: (base[k], got.get(k)) for k in base if base[k] != got.get(k)}
    assert changed == {("requests", "granted", "natural"): ((258.0, "value"), (None, "text"))}


def test_a_raised_digit_in_the_prose_is_no_digit_of_the_number():
    from audit.ingest.html_reader import extract

    ex = extract("<html><body><p>本年度新收政府信息公开申请12<sup>1</sup>件。</p></body></html>".encode())
    assert "新收政府信息公开申请12¹件" in ex.text


def test_a_superscript_run_in_a_word_table_is_no_digit_of_the_count():
    import io

    import docx

    from audit.ingest.docx_reader import extract

    document = docx.Document()
    document.add_paragraph("本年度新收申请")
    run = document.paragraphs[0].add_run("3")
    run.font.superscript = True
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "（一）行政许可"
    cell = table.cell(0, 1).paragraphs[0]
    cell.add_run("12")
    cell.add_run("1").font.superscript = True
    cell.add_run("2").font.subscript = True
    buf = io.BytesIO()
    document.save(buf)
    ex = extract(buf.getvalue())
    assert "（一）行政许可\t12¹₂" in ex.text
    assert "本年度新收申请³" in ex.text
    assert values.parse("12¹₂") == (values.TEXT, None)


def test_a_small_raised_digit_in_a_pdf_is_no_digit_of_the_count():
    from audit.ingest.pdf_reader import extract
    from tests.test_pdf_reader import page_pdf

    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    # 12 with a raised 1 set apart; 5 with a raised 34 (text rise); 10 in a smaller size, not raised
    content = (b"BT /F1 12 Tf 100 700 Td (Total 12) Tj ET BT /F1 7 Tf 146.7 705 Td (1) Tj ET "
               b"BT /F1 12 Tf 100 640 Td (Next 5) Tj /F1 7 Tf 4 Ts (34) Tj /F1 12 Tf 0 Ts ( 7) Tj ET "
               b"BT /F1 12 Tf 100 600 Td (Small) Tj /F1 8 Tf ( 10) Tj ET")
    text = extract(page_pdf(content, font)).text
    assert "12 ¹" in text and "5³⁴ 7" in text and "10" in text.split()  # smaller but not raised: a count
    assert values.parse("12 ¹") == values.parse("5³⁴") == (values.TEXT, None)
