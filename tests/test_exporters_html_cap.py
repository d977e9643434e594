"""report.html over its size caps: the lowest scores are listed, the page says what it leaves out."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from audit.exporters import html
from audit.exporters.html import render
from tests.test_html_report import EVIL, META, RULES

SCORES = [93.0, 40.0, 100.0, 40.0, 70.5]  # r0 … r4: lowest first is r1, r3 (tie: by id), r4, r0, r2


def scorecard() -> pd.DataFrame:
    n = len(SCORES)
    return pd.DataFrame({
        "report_id": [f"r{i}" for i in range(n)], "unit": [f"单位{i}" + EVIL for i in range(n)],
        "year": pd.array([2024] * n, dtype="Int64"), "edition": ["2021"] * n, "score": SCORES,
        "grade": ["优秀"] * n, "rank": [1] * n, "errors": [1] * n, "warnings": [0] * n, "infos": [0] * n,
    })


def findings() -> pd.DataFrame:
    rows = [dict(report_id=f"r{i}", rule_id="ARITH-REQ-BALANCE", pack="arithmetic", category="arithmetic",
                 severity="error", points=5.0, table="requests", row="new", col="natural", expected=5, actual=4,
                 message=f"问题{i}" + EVIL, waived=False, waiver_reason=None) for i in range(len(SCORES))]
    return pd.DataFrame(rows)


@pytest.fixture
def capped(monkeypatch) -> str:
    monkeypatch.setattr(html, "DETAILS_LIMIT", 2)
    monkeypatch.setattr(html, "UNITS_LIMIT", 3)
    return render(findings(), scorecard(), RULES, META)


def _section(page: str, start: str, end: str) -> str:
    return page[page.index(start):page.index(end)]


def test_details_list_the_lowest_scores_and_say_how_many_are_left_out(capped):
    reports = _section(capped, 'id="reports"', "</main>")
    assert re.findall(r'<section class="unit" id="report-(\d+)"', reports) == ["1", "3"]
    assert "共 5 份报告" in reports and "其余 3 份报告的发现未列出" in reports
    assert "findings.csv" in reports and "问题清单" in reports
    assert "问题1" in reports and "问题3" in reports and "问题0" not in reports


def test_units_table_lists_the_lowest_scores_and_links_only_listed_details(capped):
    units = _section(capped, 'id="units"', 'id="reports"')
    assert re.findall(r'<tr class="[^"]*" data-report="(r\d)"', units) == ["r1", "r3", "r4"]
    assert '<a href="#report-1">r1</a>' in units and '<a href="#report-3">r3</a>' in units
    assert 'data-v="r4">r4</td>' in units  # listed, but its details are not on the page: no dead link
    assert "共 5 份报告" in units and "其余 2 份未列出" in units and "scorecard.xlsx" in units


def test_summary_and_charts_still_count_every_report(capped):
    summary = _section(capped, 'id="summary"', 'id="charts"')
    assert "报告数<b>5</b>" in summary and "发现总数<b>5</b>" in summary


def test_capped_page_escapes_all_report_text(capped):
    assert EVIL not in capped
    assert capped.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3 + 2 * 2


def test_no_note_below_the_caps(monkeypatch):
    monkeypatch.setattr(html, "DETAILS_LIMIT", 5)
    monkeypatch.setattr(html, "UNITS_LIMIT", 5)
    page = render(findings(), scorecard(), RULES, META)
    assert 'class="muted cap-note"' not in page and "未列出" not in page
    assert re.findall(r'<section class="unit" id="report-(\d+)"', page) == ["1", "3", "4", "0", "2"]  # by score


def test_real_caps_bound_the_page_for_many_reports():
    n = html.UNITS_LIMIT + 500
    card = pd.DataFrame({"report_id": [f"r{i:06d}" for i in range(n)], "unit": "单位", "score": 100.0 - (pd.RangeIndex(n) % 50)})
    f = pd.DataFrame({"report_id": card["report_id"].repeat(3).to_numpy(), "rule_id": "ARITH-REQ-BALANCE",
                      "category": "arithmetic", "severity": "error", "points": 1.0, "message": "问题", "waived": False})
    page = render(f, card, RULES, META)
    assert page.count('<section class="unit" ') == html.DETAILS_LIMIT
    assert _section(page, 'id="units"', 'id="reports"').count("<tr") == html.UNITS_LIMIT + 1  # + the header
    assert f"共 {n:,} 份报告" in page
