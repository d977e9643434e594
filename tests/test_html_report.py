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


def test_self_contained_offline_and_light(page):
    assert "echarts" in page and len(page) < 1_500_000  # the ECharts common build is inline, plotly is gone
    assert "Plotly" not in page
    assert not re.search(r"<script[^>]+src=", page)
    assert not re.search(r"<link[^>]+href=", page)


def test_summary_counts_and_run_facts_in_beijing_time(page):
    summary = page[page.index('id="summary"'):page.index('id="charts"')]
    assert "报告数<b>3</b>" in summary and "发现总数<b>2</b>" in summary  # the waived one is not counted
    assert "错误<b>1</b>" in summary and "警告<b>1</b>" in summary and "已豁免<b>1</b>" in summary
    assert "平均得分<b>87.83</b>" in summary
    head = page[:page.index('id="summary"')]
    assert "0.1.0" in head and "2025-02-01 10:00（北京时间）" in head
    utc = render(findings_frame(), scorecard_frame(), RULES, dict(META, finished="2025-02-01T02:00:05+00:00"))
    assert "2025-02-01 10:00（北京时间）" in utc  # UTC turned into Beijing time


def test_three_charts_with_chinese_labels(page):
    for div in ("chart-scores", "chart-categories", "chart-rules"):
        assert f'id="{div}"' in page
    data = json.loads(re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page, re.S).group(1))
    assert data["chart-categories"]["labels"] == ["勾稽关系", "章节完整性"]
    assert data["chart-rules"]["labels"] == ["申请数量收支平衡", "缺少必备章节"]  # titles, not ids
    assert sum(data["chart-scores"]["values"]) == 3 and data["chart-scores"]["values"][-1] == 1  # 100 in 95–100


def test_filters_and_search_box_are_there(page):
    filters = page[page.index('id="filters"'):page.index('id="units"')]
    for control in ("search", "f-unit", "f-grade", "f-category", "f-rule", "f-severity", "f-status"):
        assert f'id="{control}"' in filters
    assert '<option value="arithmetic">勾稽关系</option>' in filters
    assert 'value="ARITH-REQ-BALANCE">ARITH-REQ-BALANCE 申请数量收支平衡<' in filters


def test_units_table_sorted_by_score_with_links(page):
    units = page[page.index('id="units"'):page.index('id="reports"')]
    assert units.count('<th class="sortable"') == 9  # 9 columns (no region, level or history here)
    assert 'data-type="num" aria-sort=ascending>得分' in units
    order = re.findall(r'<tr class="[^"]*" data-report="(r\d)"', units)
    assert order == ["r3", "r1", "r2"]  # 70.5, 93, 100: worst first
    assert '<a href="#report-0">r1</a>' in units and 'data-v="70.5"' in units
    assert 'data-search="r1 冶金街道&lt;script&gt;' in units and "arith-req-balance" in units


def _unit_section(page: str, i: int) -> str:
    return re.search(rf'<section class="unit" id="report-{i}".*?</section>', page, re.S).group(0)


def test_findings_grouped_by_section_each_said_once(page):
    reports = page[page.index('id="reports"'):]
    assert re.findall(r'<section class="unit" id="report-(\d)"', reports) == ["2", "0", "1"]  # by score
    r1 = _unit_section(page, 0)
    assert r1.index("<h4>三、收到和处理政府信息公开申请情况</h4>") < r1.index("<h4>章节完整性</h4>")
    assert "“自然人”列：第一项加第二项 = 5" in r1 and "扣 5 分" in r1
    assert "应为" not in r1  # the message already says 5 and 4: not repeated
    item = re.search(r'<li class="finding" data-category="arithmetic".*?</li>', r1).group(0)
    assert "申请数量收支平衡" in item and item.count("第一项加第二项") == 1 and item.count("5") == 2  # = 5, 扣 5 分
    r2 = _unit_section(page, 1)
    assert "<h4>二、主动公开政府信息情况</h4>" in r2 and 'class="finding waived"' in r2 and "小单位，已核实" in r2
    r3 = _unit_section(page, 2)
    assert "未发现问题" in r3 and "（未署单位）" in r3
    assert "整改通知" in r1 and "2025年2月1日（北京时间）" in r1


def test_values_the_message_does_not_say_are_shown_once_as_integers():
    f = findings_frame().astype({"expected": object, "actual": object})
    f.loc[0, "message"] = "「三、收到和处理政府信息公开申请情况」表“自然人”列不平衡"
    f.loc[0, "expected"], f.loc[0, "actual"] = 95.0, 94.0
    text = render(f, scorecard_frame(), RULES, META)
    assert "应为 95，实为 94" in text and "95.0" not in text


def test_unrated_reports_are_listed_apart_and_not_averaged():
    card = scorecard_frame().assign(status=["scored", "scored", "unrated"],
                                    status_reason=[None, None, "统计表无法读取"])
    card.loc[2, ["score", "grade", "rank"]] = [None, None, None]
    text = render(findings_frame(), card, RULES, META)
    unrated = text[text.index('id="unrated"'):text.index('id="reports"')]
    assert "统计表无法读取" in unrated and "r3" in unrated
    assert "平均得分<b>96.5</b>" in text and "无法评定<b>1</b>" in text
    units = text[text.index('id="units"'):text.index('id="unrated"')]
    assert re.findall(r'data-report="(r\d)"', units)[-1] == "r3" and 'data-status="unrated"' in units


def test_a_unit_with_two_years_shows_its_figures_side_by_side():
    card = pd.DataFrame({
        "report_id": ["a23", "a24"], "unit": ["舞钢市朱兰街道办事处", "舞钢市朱兰街道办事处 "],
        "year": pd.array([2023, 2024], dtype="Int64"), "score": [80.0, 95.5], "grade": ["良好", "优秀"],
        "rank": [2, 1], "errors": [1, 0], "warnings": [0, 0], "infos": [0, 0], "prev_score": [None, 80.0],
        "score_change": [None, 15.5], "requests_new": [12.0, 30.0], "requests_handled": [11.0, 29.0],
        "review_total": [1.0, 0.0], "litigation_total": [0.0, 2.0], "active_in_force": [40.0, 41.0],
    })
    text = render(findings_frame().iloc[0:0], card, RULES, META)
    section = text[text.index('id="report-1"'):]
    table = section[section.index("历年对比"):]
    assert "<th>2023年</th><th>2024年</th>" in table
    assert '<th>申请数（本年新收）</th><td class="num">12</td><td class="num">30</td>' in table
    assert '<th>行政诉讼</th><td class="num">0</td><td class="num">2</td>' in table
    assert "上年得分 80（变化 +15.5）" in section


def test_appeals_name_the_column_group_as_printed():
    from audit.contracts import catalogue

    place = catalogue.load().place("appeals", "review", "total")
    assert place == "「四、政府信息公开行政复议、行政诉讼情况」表“行政复议”栏“总计”列"
    assert "“行政复议”行" not in place


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


def test_the_file_streamed_part_by_part_is_the_rendered_page(tmp_path, page):
    path = write_html(tmp_path / "report.html", findings_frame(), scorecard_frame(), RULES, META)
    assert path.read_bytes() == page.encode("utf-8")


def test_a_failing_part_leaves_no_file(tmp_path, monkeypatch):
    """The page is written as it is made: a part that fails midway still leaves no half file."""
    from audit.exporters import html

    def broken(*_args):
        raise RuntimeError("part failed")

    monkeypatch.setattr(html, "per_report", broken)
    with pytest.raises(RuntimeError):
        write_html(tmp_path / "report.html", findings_frame(), scorecard_frame(), RULES, META)
    assert not list(tmp_path.iterdir())


def test_partly_checked_reports_show_their_unchecked_tables_and_why_they_rank_after(page, tmp_path):
    """A 99 with 表三 partly read ranks after a fully checked 93: the units table says which tables
    and why, and scorecard.xlsx says it on the 排名 header; with every table checked, neither appears."""
    from openpyxl import load_workbook

    from audit.exporters.labels import RANK_NOTE
    from audit.exporters.xlsx import write_xlsx

    assert RANK_NOTE not in page and "未能核查的表格</th>" not in page
    card = scorecard_frame().assign(score=[93.0, 99.0, 70.5], rank=[1, 2, 3],
                                    unchecked_tables=[None, "表三（部分）", None])
    partial = render(findings_frame(), card, RULES, META)
    assert RANK_NOTE in partial and "未能核查的表格</th>" in partial and "表三（部分）" in partial
    ws = load_workbook(write_xlsx(tmp_path / "s.xlsx", card, findings_frame(), RULES))["评分表"]
    header = {c.value: c for c in ws[1]}
    assert header["排名"].comment is not None and header["排名"].comment.text == RANK_NOTE
    plain = load_workbook(write_xlsx(tmp_path / "p.xlsx", scorecard_frame(), findings_frame(), RULES))["评分表"]
    assert all(c.comment is None for c in plain[1])
