"""PDF reader: ruled tables as tab rows, merged cells, no text layer, broken files, real PDFs."""

from __future__ import annotations

import pytest

from audit.ingest.pdf_reader import cell_text, extract
from tests.shared_paths import REAL


def build_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A minimal PDF from object bodies (object 1 must be the catalog), with a correct xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer_extra, xref)
    return bytes(out)


def _stream(content: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d %s>>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def page_pdf(content: bytes, resources: bytes, extra_objects: list[bytes] = (), trailer_extra: bytes = b"") -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources " + resources + b" /Contents 4 0 R >>",
        _stream(content),
        *extra_objects,
    ]
    return build_pdf(objects, trailer_extra)


def ruled_table_pdf() -> bytes:
    """One ruled table: a header merged over 3 columns, a label merged over 2 rows, a blank cell."""
    lines = [
        (50, 700, 400, 700), (50, 680, 400, 680), (200, 660, 400, 660), (50, 640, 400, 640),  # rows
        (50, 700, 50, 640), (400, 700, 400, 640), (200, 680, 200, 640), (300, 680, 300, 640),  # cols
    ]
    ops = [b"0.8 w"]
    for x0, y0, x1, y1 in lines:
        ops.append(b"%d %d m %d %d l S" % (x0, y0, x1, y1))
    for x, y, text in [(55, 686, b"Header"), (55, 666, b"Label"), (205, 666, b"1"), (305, 666, b"2"),
                       (205, 646, b"3"), (50, 760, b"Intro text")]:
        ops.append(b"BT /F1 10 Tf %d %d Td (%s) Tj ET" % (x, y, text))
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    return page_pdf(b"\n".join(ops), b"<< /Font << /F1 5 0 R >> >>", [font])


def image_only_pdf() -> bytes:
    """A scanned page: one image, no text."""
    image = _stream(b"\x00\xff\xff\x00", b"/Type /XObject /Subtype /Image /Width 2 /Height 2 "
                    b"/ColorSpace /DeviceGray /BitsPerComponent 8 ")
    return page_pdf(b"q 200 0 0 200 100 500 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])


def test_ruled_table_rows_with_merges_and_blank_cell():
    ex = extract(ruled_table_pdf())
    assert ex.format == "pdf" and ex.layout == "pdf" and ex.problems == []
    assert ex.text.splitlines() == ["Intro text", "Header", "Label\t1\t2", "\t3\t"]


def test_cell_lines_are_joined():
    assert cell_text("三\n、\n本\n年\n度\n办\n理\n结\n果") == "三、本年度办理结果"
    assert cell_text("结果\n维持") == "结果维持"
    assert cell_text("Total\n2024") == "Total 2024"


def test_image_only_pdf_is_no_text_layer_problem():
    ex = extract(image_only_pdf())
    assert ex.text == ""
    assert [p["kind"] for p in ex.problems] == ["no_text_layer"]


def test_encrypted_pdf_is_unreadable():
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -4 >>"
    data = page_pdf(b"BT /F1 10 Tf 50 700 Td (secret) Tj ET", b"<< >>", [encrypt],
                    trailer_extra=b"/Encrypt 5 0 R /ID [<" + b"01" * 16 + b"> <" + b"01" * 16 + b">] ")
    ex = extract(data)
    assert ex.text == ""
    assert [p["kind"] for p in ex.problems] == ["unreadable"]
    assert "encrypt" in ex.problems[0]["detail"]


@pytest.mark.parametrize("data, kind", [
    (b"", "empty"),
    (b"\x89PNG\r\n\x1a\n garbage", "unreadable"),
    (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pa", "truncated"),
])
def test_broken_input_never_raises(data, kind):
    ex = extract(data)
    assert ex.text == ""
    assert kind in [p["kind"] for p in ex.problems]


def test_truncated_tail_is_reported_but_text_kept():
    data = ruled_table_pdf()
    ex = extract(data[: data.rindex(b"startxref")])
    assert "truncated" in [p["kind"] for p in ex.problems]


def _rows(text: str) -> list[list[str]]:
    return [line.split("\t") for line in text.splitlines() if "\t" in line]


@pytest.mark.skipif(not REAL.is_dir(), reason="real corpus ../shared/corpus/real not beside the repository")
@pytest.mark.parametrize("name, new, handled", [
    ("kirogovcompare__huaian-hongze-2024.pdf", "95", "95"),
    ("kirogovcompare__huaian-hongze-2023.pdf", "21", "21"),
    ("govnianbao__huaian-city-2024.pdf", "3119", "3050"),
])
def test_real_pdfs_tables(name, new, handled):
    ex = extract((REAL / name).read_bytes())
    assert ex.problems == []
    rows = _rows(ex.text)
    by_label = {next(c for c in r if c): r for r in rows}
    assert by_label["一、本年新收政府信息公开申请数量"][-1] == new
    total = next(r for r in rows if "（七）总计" in r)
    assert total[-1] == handled and len([c for c in total if c]) == 8
    assert by_label["规章"] == ["规章", *by_label["规章"][1:]] and len(by_label["规章"]) == 4
    # vertical header joined, the page frame is not a table, sections stay their own lines
    assert any("三、本年度办理结果" in r for r in rows)
    lines = ex.text.splitlines()
    assert "一、总体情况" in lines and "六、其他需要报告的事项" in lines
    assert any(r[-5:] and len(r) == 15 for r in rows)  # the appeals table's 15 values
