"""The one-pass label scanner finds exactly what the label regex finds (``tables.regex_tokens``),
on every real text and on texts built to be hard: labels broken by white space and line breaks,
printed with their twins (full-width brackets, 、 for .), with twins the regex refuses, glued
to each other and overlapping."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from audit.contracts import catalogue
from audit.ingest import decode, label_scan, tables
from tests.shared_paths import REAL, SEEDS

FIXTURES = Path(__file__).parent / "fixtures"


def _forms(table: str) -> list[str]:
    return ["".join(chars) for lb in catalogue.load().labels_for(table) for chars in catalogue.label_variants(lb)]


def _assert_same(text: str, table: str) -> None:
    found = label_scan.scan(text, table)
    assert found is not None
    assert found.tokens == tables.regex_tokens(text, table)
    pattern, _ = tables._token_regex(table)
    pos = 0
    for line in text.split("\n"):
        assert found.any_within(pos, pos + len(line)) == bool(pattern.search(line)), line
        pos += len(line) + 1


def _texts() -> list[Path]:
    paths = [*SEEDS.glob("*"), *REAL.glob("*.txt"), *REAL.glob("*.md"), *FIXTURES.rglob("*.txt"), *FIXTURES.rglob("*.md")]
    return sorted(p for p in paths if p.is_file() and "reader_golden" not in p.parts)


@pytest.mark.parametrize("path", _texts(), ids=lambda p: p.name)
def test_real_texts(path: Path) -> None:
    text = decode.decode(path.read_bytes()).text or ""
    for table in catalogue.TABLES:
        _assert_same(text, table)


# Each printed character with its twins and with characters only a twin of its twins (「 for ”,
# . for ，): the scanner must refuse those as the regex does.
_TWINS = {**catalogue._EQUIVALENT, "，": ",，、.．", ",": ",，、.．", "“": "“\"”「」", "”": "”\"“」「",
          "\"": "\"“”「」", "「": "「“", "」": "」”", "【": "【[", "－": "－-"}
_NOISE = [" ", "\u3000", "\n", "\t", "|", "0", "12", "，", ",", ".", "、", "“", "」", "件", "其他", "（", ")", "x"]


@st.composite
def _label_soup(draw: st.DrawFn, table: str) -> str:
    forms = _forms(table)
    parts = []
    for _ in range(draw(st.integers(1, 8))):
        if draw(st.booleans()):
            form = draw(st.sampled_from(forms))
            cut = draw(st.integers(0, len(form)))  # sometimes only a piece of a label
            form = form[:cut] if draw(st.integers(0, 4)) == 0 else form
            out = []
            for ch in form:
                if ch in _TWINS and draw(st.integers(0, 2)) == 0:
                    ch = draw(st.sampled_from(_TWINS[ch]))
                out.append(ch)
                if draw(st.integers(0, 5)) == 0:
                    out.append(draw(st.sampled_from([" ", "\n", "\u3000", "\t", " \n "])))
            parts.append("".join(out))
        else:
            parts.append(draw(st.sampled_from(_NOISE)))
    return "".join(parts)


@pytest.mark.parametrize("table", catalogue.TABLES)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_built_texts(table: str, data: st.DataObject) -> None:
    _assert_same(data.draw(_label_soup(table)), table)


def test_text_the_scanner_cannot_read_goes_to_the_regex() -> None:
    text = "一、本年新收政府信息公开申请数量\ud800 1 2"
    assert label_scan.scan(text, "requests") is None
    assert tables.tokenize(text, "requests") == tables.regex_tokens(text, "requests")
    assert tables.read_table(text, "requests").rows.keys() == {"new"}


def _assert_same_unmapped(text: str, table: str) -> None:
    found = label_scan.scan(text, table)
    assert found is not None
    for start in (0, len(text) // 3):
        assert tables._unmapped_rows(text, start, table, found) == tables._unmapped_rows(text, start, table, None)


@pytest.mark.parametrize("path", _texts(), ids=lambda p: p.name)
def test_unmapped_rows_of_real_texts(path: Path) -> None:
    text = decode.decode(path.read_bytes()).text or ""
    for table in ("active", "requests"):
        _assert_same_unmapped(text, table)


@pytest.mark.parametrize("table", ["active", "requests"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_unmapped_rows_of_built_tables(table: str, data: st.DataObject) -> None:
    """Tab rows under known labels, pieces of labels, unknown labels (行政征收决定) and labels
    inside other text: the scan decides which lines hold a known label as the regex does."""
    lines = []
    for _ in range(data.draw(st.integers(1, 8))):
        label = data.draw(st.one_of(_label_soup(table), st.sampled_from(["行政征收决定", "其他事项", "合计", "x"])))
        lines.append(label + "\t" + "\t".join(data.draw(st.lists(st.sampled_from(["0", "12", "", "—"]), max_size=4))))
    _assert_same_unmapped("\n".join(lines), table)
