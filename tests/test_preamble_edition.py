"""Nothing printed is dropped: the preamble is section 0, editions come from labels alone, and a
table printed all blank is read (blank cells), not reported missing."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from audit.rules import structure

from audit.corpus.loader import load
from audit.ingest.normalise import normalise_text, read_report
from audit.scoring.coverage import coverage

from .shared_paths import REAL, REPO

SEED_2019 = REPO / "reports" / "004_6cf4d68bd5cd6316.txt"
SHANGHAI = REAL / "unidentified-github__shanghai-govoffice-2019.html"
RULES = {r.id: r for r in structure.RULES}


def _without_values(text: str) -> str:
    """The seed with every value line of its tables removed: labels printed, cells unread."""
    a, b = text.index("二、主动公开"), text.index("五、存在的主要问题")
    kept = [ln for ln in text[a:b].split("\n") if not re.fullmatch(r"[\s\xa0]*[\d.]+[\s\xa0]*", ln)]
    return text[:a] + "\n".join(kept) + text[b:]


def test_preamble_is_section_zero_with_everything_before_the_first_heading():
    rep = normalise_text(SEED_2019.read_text(encoding="utf-8"), "seed")
    first = rep["sections"][0]
    assert (first["number"], first["canonical"]) == (0, "preamble")
    assert "国务院令第711号" in first["text"] and "国办公开办函〔2019〕60号" in first["text"]
    assert rep["sections"][1]["canonical"] == "overview"
    corpus = load([rep])
    assert corpus.sections["canonical"].astype(str).tolist()[0] == "preamble"


def test_text_without_headings_is_all_preamble():
    rep = normalise_text("某街道办事处政府信息公开工作年度报告\n本年度未收到政府信息公开申请。", "p")
    assert [s["canonical"] for s in rep["sections"]] == ["preamble"]
    assert "本年度未收到" in rep["sections"][0]["text"]


def test_edition_from_labels_alone_when_cells_are_unread():
    rep = normalise_text(_without_values(SEED_2019.read_text(encoding="utf-8")), "labels")
    assert rep["edition"] == "2019"
    assert "本年新制作数量" in rep["edition_evidence"] and "上一年项目数量" in rep["edition_evidence"]
    assert all(c["raw"] is None and c["value"] is None for c in rep["cells"])
    corpus = load([rep])
    cov = coverage(corpus.reports, corpus.cells, corpus.problems)
    assert cov["status"].tolist() == ["unrated"]
    assert "均未能读取" in cov["status_reason"][0]


def test_labels_quoted_in_prose_are_no_table():
    text = ("关于年度报告格式的说明\n一、总体情况\n新格式将“本年新制作数量”改为本年制发件数，将“对外公开总数量”改为"
            "现行有效件数，并新增本年废止件数、本年处理决定数量和本年收费金额等栏目。\n")
    rep = normalise_text(text, "prose")
    assert rep["edition"] is None
    assert any(p["kind"] == "unknown_format" for p in rep["problems"])


@pytest.fixture
def blank_appeals(tmp_path):
    if not SHANGHAI.exists():
        pytest.skip("shared corpus absent")
    src = SHANGHAI.read_text(encoding="utf-8")
    i = src.index("四、政府信息公开行政复议")
    j = src.index("五、政府信息公开工作存在", i)
    page = tmp_path / "blank4.html"
    page.write_text(src[:i] + re.sub(r"<p>\d+</p>", "&nbsp;", src[i:j]) + src[j:], encoding="utf-8")
    return page


def test_table_printed_all_blank_is_read_and_said_so(blank_appeals):
    rep = read_report(blank_appeals, "blank4")
    appeals = [c for c in rep["cells"] if c["table"] == "appeals"]
    assert len(appeals) == 15 and all(c["value"] is None and c["raw"] == "" for c in appeals)
    assert not [p for p in rep["problems"] if p["kind"] == "table_missing"]
    full = read_report(SHANGHAI, "full")
    corpus = load([rep, full])
    assert RULES["STRUCT-TABLE-MISSING"].run(corpus).empty
    blank = RULES["STRUCT-TABLE-BLANK"].run(corpus)
    assert list(blank["report_id"]) == ["blank4"] and list(blank["table"]) == ["appeals"]
    assert "空白" in blank.iloc[0]["message"]
    cov = coverage(corpus.reports, corpus.cells, corpus.problems).set_index("report_id")
    assert cov.loc["blank4", "status"] == "scored"
    assert "表四" not in str(cov.loc["blank4", "unchecked_tables"])
    assert Counter(c["raw"] for c in full["cells"] if c["table"] == "appeals")[""] > 0  # the real page has blanks too
