"""Fault suite, lower-severity items: deep HTML, stray NULs, formulas after white space."""

from __future__ import annotations

import pytest

from audit.exporters import safe
from audit.ingest import decode, html_reader
from tests.faults.helpers import seed

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("depth", [300, 3000])
def test_deep_html_keeps_its_text(depth: int) -> None:
    page = ("<html><body><p>前文</p>" + "<div>" * depth + "深处的文字" + "</div>" * depth
            + "<p>后文内容</p></body></html>")
    ex = html_reader.extract(page.encode("utf-8"))
    assert "深处的文字" in ex.text and "后文内容" in ex.text and "前文" in ex.text
    assert not ex.problems


def test_deeply_nested_tables_say_what_was_lost() -> None:
    page = ("<html><body><p>前文</p>" + "<table><tr><td>" * 600 + "深处" + "</td></tr></table>" * 600
            + "<p>后文内容</p></body></html>")
    ex = html_reader.extract(page.encode("utf-8"))
    assert "后文内容" in ex.text
    assert [p["kind"] for p in ex.problems] == ["deep_nesting"]


def test_a_few_nuls_do_not_make_a_report_binary() -> None:
    text = seed()
    data = (text[:100] + "\x00" + text[100:900] + "\x00\x00" + text[900:]).encode("utf-8")
    dec = decode.decode(data)
    assert dec.problem is None and dec.text is not None and "\x00" in dec.text
    assert decode.decode(b"\x00" * 5000).problem[0] == "binary"


@pytest.mark.parametrize("cell", [" =3+3", "\u3000=HYPERLINK(\"http://x\",\"y\")", "\n@SUM(A1)", "  +1+1"])
def test_formula_after_leading_white_space_is_neutralised(cell: str) -> None:
    assert safe.neutralise(cell) == "'" + cell
    import pandas as pd

    assert safe.neutralise_frame(pd.DataFrame({"x": [cell, "正常文本"]}))["x"].tolist() == ["'" + cell, "正常文本"]
