"""A table of contents is not the report's headings.

Reports copied from Word or PDF often begin with 目录, and CMS pages with a list of links to their
sections: the six headings once, each followed by nothing (or a page number), then the report.
The first, empty copy of each heading used to take its section, so the tables were looked for in
nothing: the seed below became 无法评定 and its 第五部分 "said nothing".
"""

from __future__ import annotations

import pytest

from audit.ingest.normalise import normalise_text
from tests.shared_paths import read_seed

SEED = "001_2e0bbb7745e2b5ab.txt"


@pytest.fixture(scope="module")
def seed() -> tuple[str, dict]:
    return read_seed(SEED)


def _with_contents(text: str, rep: dict, entry: str) -> str:
    """``text`` with a table of contents after its first line: each heading as ``entry`` prints it."""
    titles = [s["title"] for s in rep["sections"] if s["number"]]
    first, rest = text.split("\n", 1)
    return "\n".join([first, "目录", *(entry.format(t=t, page=i + 1) for i, t in enumerate(titles))]) + "\n" + rest


@pytest.mark.parametrize("entry", ["{t}", "{t}……………………{page}", "{t} {page}", "  {t}\n"],
                         ids=["bare", "dot-leaders", "page-number", "link-list"])
def test_a_table_of_contents_leaves_the_sections_and_cells_as_printed(seed, entry):
    text, rep = seed
    got = normalise_text(_with_contents(text, rep, entry), "seed")
    assert [(s["number"], s["canonical"], s["title"]) for s in got["sections"][1:]] == \
        [(s["number"], s["canonical"], s["title"]) for s in rep["sections"][1:]]
    assert got["cells"] == rep["cells"] and got["edition"] == rep["edition"] == "2021"
    assert "目录" in got["sections"][0]["text"]  # the contents are front matter (the preamble)
    assert not [p for p in got["problems"] if p["kind"] == "duplicate_section"]


def test_numbered_lines_printed_once_are_still_headings():
    text = ("示例区2024年政府信息公开工作年度报告\n一、总体情况\n二、主动公开政府信息情况\n"
            "本年度主动公开政府信息120条。\n")
    heads = [s["title"] for s in normalise_text(text, "x")["sections"] if s["number"]]
    assert heads == ["一、总体情况", "二、主动公开政府信息情况"]
