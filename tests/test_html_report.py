"""report.html: self-contained, summary, charts, sortable units table, findings by section, escaping."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from audit.exporters.html import render, write_html
from audit.packs.rule import rule

EVIL = "<script>alert(1)</script>"


def _rule(rule_id: str, title: str):
    @rule(id=rule_id, title=title, category="arithmetic", severity="error", points=5, description="d",
          fail_example={}, pass_example={})
    def check(corpus):  # pragma: no cover - never run here
        return pd.DataFrame()
    return check


def findings_frame() -> pd.DataFrame:
    rows = [
        dict(report_id="r1", rule_id="ARITH-REQ-BALANCE", pack="arithmetic", category="arithmetic", severity="error",
             points=5.0, table="requests", row="new", col="natural", expected="5", actual="4",
             message="「三、收到和处理政府信息公开申请情况」表“自然人”列：第一项加第二项 = 5，第三项加第四项 = 4",
             waived=False, waiver_reason=None),
        dict(report_id="r1", rule_id="SECT-MISSING", pack="sections", category="sections", severity="warning",
             points=2.0, table=None, row=None, col=None, expected=None, actual=None,
             message="缺少“五、存在的主要问题及改进情况”" + EVIL, waived=False, waiver_reason=None),
        dict(report_id="r2", rule_id="ZERO-ALL", pack="zeros", category="zeros", severity="info",
             points=0.0, table="active", row="regulations", col="issued", expected=None, actual=None,
             message="「二、主动公开政府信息情况」表全部为零", waived=True, waiver_reason="小单位，已核实"),
    ]
    return pd.DataFrame(rows)


def scorecard_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "report_id": ["r1", "r2", "r3"], "unit": ["冶金街道" + EVIL, "朱兰街道", None],
        "year": pd.array([2024, 2023, None], dtype="Int64"), "edition": ["2021", "2021", None],
        "score": [93.0, 100.0, 70.5], "grade": ["优秀", "优秀", "合格"], "rank": [2, 1, 3],
        "errors": [1, 0, 0], "warnings": [1, 0, 0], "infos": [0, 0, 0],
    })


RULES = [_rule("ARITH-REQ-BALANCE", "申请数量收支平衡"), _rule("SECT-MISSING", "缺少必备章节")]
META = {"tool_version": "0.1.0", "started": "2025-02-01T10:00:00+08:00", "finished": "2025-02-01T10:00:05+08:00",
        "rules_run": ["ARITH-REQ-BALANCE", "SECT-MISSING"]}


@pytest.fixture(scope="module")
def page() -> str:
    return render(findings_frame(), scorecard_frame(), RULES, META)


def test_self_contained_offline(page):
    assert "Plotly.newPlot" in page and len(page) > 1_000_000  # the plotly bundle is inline
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)


def test_summary_counts_and_run_facts(page):
    summary = page[page.index('id="summary"'):page.index('id="charts"')]
    assert "报告数<b>3</b>" in summary and "发现总数<b>2</b>" in summary  # the waived one is not counted
    assert "错误<b>1</b>" in summary and "警告<b>1</b>" in summary and "已豁免<b>1</b>" in summary
    assert "平均得分<b>87.83</b>" in summary
    assert "0.1.0" in summary and "2025-02-01T10:00:05+08:00" in summary


def test_three_charts(page):
    for div in ("chart-scores", "chart-categories", "chart-rules"):
        assert f'id="{div}"' in page and f'Plotly.newPlot("{div}"' in page
    assert json.dumps("勾稽关系") in page  # category named in Chinese on the bar chart (JSON-escaped)


def test_units_table_sortable_with_links(page):
    units = page[page.index('id="units"'):page.index('id="reports"')]
    assert units.count('class="sortable"') == 11  # the table and its 10 headers
    assert '<a href="#report-0">r1</a>' in units and 'data-v="70.5"' in units


def test_findings_grouped_by_section_with_place(page):
    reports = page[page.index('id="reports"'):]
    r1 = reports[reports.index('id="report-0"'):reports.index('id="report-1"')]
    assert r1.index("<h4>三、收到和处理政府信息公开申请情况</h4>") < r1.index("<h4>章节完整性</h4>")
    assert "“自然人”列：第一项加第二项 = 5" in r1 and "应为 5，实为 4" in r1 and "扣 5 分" in r1
    assert "申请数量收支平衡" in r1
    r2 = reports[reports.index('id="report-1"'):reports.index('id="report-2"')]
    assert "<h4>二、主动公开政府信息情况</h4>" in r2 and 'class="waived"' in r2 and "小单位，已核实" in r2
    r3 = reports[reports.index('id="report-2"'):]
    assert "未发现问题" in r3 and "（未署单位）" in r3


def test_report_text_is_escaped_everywhere(page):
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_script_text_in_chart_data_cannot_close_the_script():
    findings = findings_frame()
    findings.loc[0, "rule_id"] = "</script>" + EVIL
    findings.loc[0, "category"] = EVIL
    html_text = render(findings, scorecard_frame(), RULES, META)
    assert EVIL not in html_text and "</script><script>" not in html_text.replace(
        '</script>\n<script', "")


def test_empty_run_renders(tmp_path):
    empty = findings_frame().iloc[0:0]
    path = write_html(tmp_path / "out" / "report.html", empty, scorecard_frame().iloc[0:0], [], {})
    text = path.read_text(encoding="utf-8")
    assert path.name == "report.html" and "报告数<b>0</b>" in text and "平均得分<b>—</b>" in text


def test_write_html_is_atomic_file(tmp_path):
    path = write_html(tmp_path / "report.html", findings_frame(), scorecard_frame(), RULES, META)
    assert path.exists() and not list(tmp_path.glob(".report.html.*"))
