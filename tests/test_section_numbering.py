"""The six parts numbered otherwise than 一、 are still the six parts.

Some units number them 第一部分 …, （一）…, 1. …, or print the titles alone. Only 一、 was read, so
such a report was said to lack all six sections (SECT-MISSING, an error), its tables were looked
for in the whole text and 表三's rows were reported as 25 unmapped rows of 表二. The titles are
taken only when they name their section outright under that section's number, and only when the
report has no 一、 headings of its own, so 总体情况's sub-headings (（一）主动公开 …) stay text.
"""

from __future__ import annotations

import pytest

from audit.ingest.normalise import normalise_text
from tests.shared_paths import read_seed

SEED = "001_2e0bbb7745e2b5ab.txt"
NUMERALS = "一二三四五六"
STYLES = {
    "part": lambda n, title: f"第{n}部分 {title}",
    "paren": lambda n, title: f"（{n}）{title}",
    "arabic": lambda n, title: f"{NUMERALS.index(n) + 1}.{title}",
    "none": lambda n, title: title,
}


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict]:
    return read_seed(SEED)


@pytest.mark.parametrize("style", STYLES)
def test_parts_numbered_otherwise_are_the_six_sections(seed, style):
    text, rep = seed
    for s in rep["sections"][1:]:
        number, title = s["title"].split("、", 1)
        text = text.replace(s["title"], STYLES[style](number, title), 1)
    got = normalise_text(text, "seed")
    assert [s["canonical"] for s in got["sections"]] == [s["canonical"] for s in rep["sections"]]
    assert [s["number"] for s in got["sections"]] == [s["number"] for s in rep["sections"]]
    assert [s["text"] for s in got["sections"][2:]] == [s["text"] for s in rep["sections"][2:]]
    assert got["cells"] == rep["cells"]
    assert not [p for p in got["problems"] if p["kind"] == "unmapped_label"]


def test_without_any_heading_no_row_of_another_table_is_an_unmapped_row(seed):
    text, rep = seed
    for s in rep["sections"][1:]:
        text = text.replace(s["title"], "", 1)
    got = normalise_text(text, "seed")
    assert [s["canonical"] for s in got["sections"]] == ["preamble"]
    assert got["cells"] == rep["cells"]
    assert not [p for p in got["problems"] if p["kind"] == "unmapped_label"]


def test_sub_headings_of_the_overview_stay_text_in_a_report_numbered_with_yi():
    text = ("示例区2024年政府信息公开工作年度报告\n一、总体情况\n（一）主动公开政府信息情况\n本年度主动公开120条。\n"
            "（二）依申请公开\n受理申请3件。\n二、主动公开政府信息情况\n表格略。\n三、收到和处理政府信息公开申请情况\n表格略。\n")
    got = normalise_text(text, "x")
    assert [(s["number"], s["canonical"]) for s in got["sections"]] == [
        (0, "preamble"), (1, "overview"), (2, "active"), (3, "requests")]
    assert "（一）主动公开政府信息情况" in got["sections"][1]["text"]
