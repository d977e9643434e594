"""report.html: one self-contained page a supervisor opens offline to read a run.

It holds the run summary, plotly charts (score distribution, findings per rule and per
category), a sortable table of units, and each report's findings grouped by the section of the
report they are about. The plotly.js bundle from the installed ``plotly`` package is inlined, so
the page needs no network.

Everything that comes from a report (unit names, messages, labels) is outside text: it is
HTML-escaped, and chart data is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a unit
called ``<script>…`` shows as text and never runs.

Size cap (a product decision): a page for 100,000 reports with every finding inline would be over
100 MB, which no browser opens. So the units table lists at most ``UNITS_LIMIT`` reports and the
per-report details at most ``DETAILS_LIMIT``: the lowest scores first, ties by report id, since
those are the reports a supervisor reads first. A capped section says in Chinese how many reports
it leaves out and that scorecard.xlsx / scorecard.csv / findings.csv hold every one; the summary
cards and the charts always count everything. Below the caps the page is unchanged: every report,
in scorecard order. The findings are turned into plain records once and grouped in a dict, so
rendering stays linear in the number of findings.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from audit.contracts import catalogue
from audit.exporters import atomic
from audit.packs.rule import Rule

SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_COLOUR = {"error": "#c62828", "warning": "#ef6c00", "info": "#1565c0"}
CATEGORY_ZH = {
    "parse": "文件读取", "structure": "表格结构", "arithmetic": "勾稽关系", "sections": "章节完整性",
    "template": "模板版本", "zeros": "零值异常", "narrative": "正文与表格一致性", "metadata": "基本信息",
    "cross_report": "跨报告比对",
}
TABLE_ORDER = ("active", "requests", "appeals")
UNITS_LIMIT = 10_000  # rows of the units table (about 5 MB of HTML; sorting stays quick in a browser)
DETAILS_LIMIT = 2_000  # reports whose findings are shown in full
UNITS_NOTE = ("共 {total:,} 份报告，本表只列出得分最低的 {shown:,} 份（同分按报告编号排列），其余 {left:,} 份未列出；"
              "全部报告的得分见 scorecard.xlsx 的“评分表”和 scorecard.csv。")
REPORTS_NOTE = ("共 {total:,} 份报告，下面只列出得分最低的 {shown:,} 份报告的发现（同分按报告编号排列），"
                "其余 {left:,} 份报告的发现未列出；每一条发现都在 scorecard.xlsx 的“问题清单”和 findings.csv 中。")
UNIT_COLUMNS = [("report_id", "报告编号", "text"), ("unit", "单位", "text"), ("year", "年度", "num"),
                ("edition", "模板版本", "text"), ("score", "得分", "num"), ("grade", "等级", "text"),
                ("rank", "名次", "num"), ("errors", "错误", "num"), ("warnings", "警告", "num"),
                ("infos", "提示", "num")]

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0;color:#222;background:#f6f7f9}
header,main{max-width:1200px;margin:0 auto;padding:12px 24px}
h1{font-size:22px;margin:16px 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:120px}
.card b{display:block;font-size:22px}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.chart{background:#fff;border:1px solid #ddd;border-radius:6px;min-height:360px}
.chart.wide{grid-column:1 / span 2}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}
th.sortable{cursor:pointer;background:#eef1f5;user-select:none}
th.sortable[aria-sort=ascending]::after{content:" ▲"} th.sortable[aria-sort=descending]::after{content:" ▼"}
td.num{text-align:right}
details{background:#fff;border:1px solid #ddd;border-radius:6px;margin:8px 0;padding:6px 12px}
summary{cursor:pointer;font-weight:bold}
h4{margin:10px 0 4px;font-size:15px}
.sev{display:inline-block;color:#fff;border-radius:3px;padding:0 6px;font-size:12px;margin-right:6px}
.waived{color:#888;text-decoration:line-through}
.muted{color:#777;font-size:13px}
#js-errors:empty{display:none} #js-errors{color:#fff;background:#c62828;padding:8px}
"""

# Sorting: numbers by value, text by zh collation; empty cells sort last either way.
_SORT_JS = """
document.querySelectorAll("table.sortable").forEach(function (table) {
  table.querySelectorAll("th.sortable").forEach(function (th, col) {
    th.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th.sortable").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var num = th.dataset.type === "num", body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].dataset.v, y = b.cells[col].dataset.v;
        if (x === "" || y === "") { return (x === "") - (y === ""); }
        var d = num ? parseFloat(x) - parseFloat(y) : x.localeCompare(y, "zh");
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
"""

_ERROR_TRAP_JS = """
window.onerror = function (msg, src, line) {
  var box = document.getElementById("js-errors");
  if (box) { box.textContent += msg + " (" + line + ")\\n"; }
};
"""


def write_html(path: str | os.PathLike[str], findings: pd.DataFrame, scorecard: pd.DataFrame,
               rules: Iterable[Rule], meta: Mapping[str, Any] | None) -> Path:
    """Write report.html atomically and return its path."""
    return atomic.write_text(path, render(findings, scorecard, list(rules), dict(meta or {})))


def render(findings: pd.DataFrame, scorecard: pd.DataFrame, rules: list[Rule], meta: dict[str, Any]) -> str:
    """The whole page as one string."""
    findings = findings.reset_index(drop=True)
    scorecard = scorecard.reset_index(drop=True)
    titles = {r.id: r.title for r in rules}
    live = findings[~_waived(findings)] if len(findings) else findings
    details = _shown(scorecard, DETAILS_LIMIT)
    units = _shown(scorecard, UNITS_LIMIT)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>政府信息公开工作年度报告审核结果</title>",
        f"<style>{_CSS}</style>",
        f"<script>{_ERROR_TRAP_JS}</script>",
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>',
        "</head><body>",
        '<div id="js-errors"></div>',
        "<header><h1>政府信息公开工作年度报告审核结果</h1>",
        f'<div class="muted">{_e(_run_line(meta))}</div></header>',
        "<main>",
        _summary(findings, live, scorecard, meta),
        _charts(live, scorecard, titles),
        _units(scorecard, units, set(details)),
        _missing(meta.get("missing_units") or []),
        _per_report(findings, scorecard, details, titles),
        "</main>",
        f"<script>{_SORT_JS}</script>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _e(value: Any) -> str:
    """Escaped text for an HTML text node or attribute; missing values are empty."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return html.escape(str(value), quote=True)


def _num(value: Any) -> str:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    if math.isnan(f):
        return ""
    return str(int(f)) if f.is_integer() else f"{f:.2f}".rstrip("0").rstrip(".")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values, ``None`` for missing: one conversion for the whole frame."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")


def _shown(scorecard: pd.DataFrame, limit: int) -> list[int]:
    """Positions of the scorecard rows a capped section lists: all, else the ``limit`` lowest scores (then by id)."""
    if len(scorecard) <= limit:
        return list(range(len(scorecard)))
    scores = pd.to_numeric(scorecard["score"], errors="coerce") if "score" in scorecard else math.nan
    key = pd.DataFrame({"score": scores, "id": scorecard["report_id"].astype(str)}, index=scorecard.index)
    return key.sort_values(["score", "id"], kind="stable", na_position="last").index[:limit].tolist()


def _left_out_note(total: int, shown: int, template: str) -> str:
    """The plain statement of what a capped section leaves out; nothing when it lists everything."""
    if shown >= total:
        return ""
    return f'<p class="muted cap-note">{_e(template.format(total=total, shown=shown, left=total - shown))}</p>'


def _waived(findings: pd.DataFrame) -> pd.Series:
    if "waived" not in findings:
        return pd.Series(False, index=findings.index)
    return findings["waived"].astype(object).fillna(False).astype(bool)


def _run_line(meta: Mapping[str, Any]) -> str:
    version = meta.get("tool_version") or meta.get("version") or ""
    when = meta.get("finished") or meta.get("started") or datetime.now().astimezone().isoformat(timespec="seconds")
    return f"audit {version} · 生成时间 {when}"


# -- sections of the page ---------------------------------------------------------------------

def _summary(findings: pd.DataFrame, live: pd.DataFrame, scorecard: pd.DataFrame, meta: Mapping[str, Any]) -> str:
    counts = live["severity"].value_counts() if len(live) else pd.Series(dtype="int64")
    scores = pd.to_numeric(scorecard["score"], errors="coerce") if "score" in scorecard else pd.Series(dtype=float)
    average = _num(round(float(scores.mean()), 2)) if scores.notna().any() else "—"
    cards = [("报告数", len(scorecard)), ("发现总数", len(live))]
    cards += [(f"{SEVERITY_ZH[s]}", int(counts.get(s, 0))) for s in ("error", "warning", "info")]
    cards += [("已豁免", int(_waived(findings).sum()) if len(findings) else 0), ("平均得分", average)]
    items = "".join(f'<div class="card" id="card-{i}">{_e(label)}<b>{_e(value)}</b></div>'
                    for i, (label, value) in enumerate(cards))
    facts = [("版本", meta.get("tool_version") or meta.get("version")), ("开始", meta.get("started")),
             ("结束", meta.get("finished")), ("规则数", len(meta.get("rules_run") or []) or None)]
    line = " · ".join(f"{k}：{_e(v)}" for k, v in facts if v not in (None, ""))
    return f'<section id="summary"><h2>运行概况</h2><div class="cards">{items}</div><p class="muted">{line}</p></section>'


def _charts(live: pd.DataFrame, scorecard: pd.DataFrame, titles: Mapping[str, str]) -> str:
    scores = pd.to_numeric(scorecard.get("score", pd.Series(dtype=float)), errors="coerce").dropna()
    hist = go.Figure(go.Histogram(x=scores.tolist(), xbins={"start": 0, "end": 105, "size": 5},
                                  marker_color="#1565c0", hovertemplate="得分 %{x}：%{y} 份<extra></extra>"))
    hist.update_layout(title="得分分布", xaxis_title="得分", yaxis_title="报告数", xaxis_range=[0, 105])  # bins are [a, a+5): a perfect 100 gets the last one

    per_rule = live["rule_id"].astype(str).value_counts().head(40) if len(live) else pd.Series(dtype="int64")
    rule_bar = go.Figure(go.Bar(x=per_rule.index.tolist(), y=per_rule.tolist(), marker_color="#ef6c00",
                                customdata=[titles.get(r, "") for r in per_rule.index],
                                hovertemplate="%{x} %{customdata}：%{y} 条<extra></extra>"))
    rule_bar.update_layout(title="各规则发现数（前 40 条规则）", yaxis_title="发现数")

    per_cat = live["category"].astype(str).value_counts() if len(live) else pd.Series(dtype="int64")
    cat_bar = go.Figure(go.Bar(x=[CATEGORY_ZH.get(c, c) for c in per_cat.index], y=per_cat.tolist(),
                               marker_color="#2e7d32", hovertemplate="%{x}：%{y} 条<extra></extra>"))
    cat_bar.update_layout(title="各类别发现数", yaxis_title="发现数")

    blocks = [_plot("chart-scores", hist, ""), _plot("chart-categories", cat_bar, ""),
              _plot("chart-rules", rule_bar, " wide")]
    return f'<section id="charts"><h2>图表</h2><div class="charts">{"".join(blocks)}</div></section>'


def _plot(div_id: str, fig: go.Figure, extra_class: str) -> str:
    fig.update_layout(margin={"l": 50, "r": 20, "t": 50, "b": 80}, template="plotly_white",
                      font={"family": "Noto Sans CJK SC, Microsoft YaHei, sans-serif"})
    data = _script_json(fig.to_json())
    return (f'<div class="chart{extra_class}" id="{div_id}"></div>'
            f'<script>(function(){{var f={data};Plotly.newPlot("{div_id}",f.data,f.layout,'
            '{"displaylogo":false,"responsive":true});})();</script>')


def _script_json(text: str) -> str:
    """JSON safe inside <script>: no tag or entity can close or escape the script element."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _units(scorecard: pd.DataFrame, shown: list[int], linked: set[int]) -> str:
    """The sortable table of the ``shown`` scorecard rows; ids link to the ``linked`` reports' details."""
    head = "".join(f'<th class="sortable" data-type="{kind}">{_e(label)}</th>' for _, label, kind in UNIT_COLUMNS)
    rows = []
    for i, rec in zip(shown, _records(scorecard.iloc[shown]), strict=True):
        cells = []
        for key, _, kind in UNIT_COLUMNS:
            value = rec.get(key)
            sort_value = _num(value) if kind == "num" else _e(value)
            text = f'<a href="#report-{i}">{sort_value}</a>' if key == "report_id" and i in linked else sort_value
            cls = ' class="num"' if kind == "num" else ""
            cells.append(f'<td{cls} data-v="{sort_value}">{text}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    note = _left_out_note(len(scorecard), len(shown), UNITS_NOTE)
    return (f'<section id="units"><h2>各单位得分（点击表头排序）</h2>{note}<table class="sortable" id="units-table">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></section>")


def _missing(missing: list[Mapping[str, Any]]) -> str:
    """The expected units (units file) that sent no report: 未提交（应报尽报）."""
    if not missing:
        return ""
    rows = "".join(f"<tr><td>{_e(m.get('unit'))}</td><td>{_e(m.get('region'))}</td><td>{_e(m.get('level'))}</td>"
                   f"<td>{_e(m.get('parent'))}</td><td>{_e(m.get('kind'))}</td><td>未提交</td></tr>" for m in missing)
    return (f'<section id="missing"><h2>未提交（应报尽报）：{len(missing)} 个单位没有报告</h2>'
            "<table><thead><tr><th>单位名称</th><th>地区</th><th>层级</th><th>上级单位</th><th>类型</th><th>状态</th>"
            f"</tr></thead><tbody>{rows}</tbody></table></section>")


def _group_key(table: Any, category: Any) -> tuple[int, str]:
    """Order and heading of the group a finding belongs to: its table's section, else its category."""
    if isinstance(table, str) and table in TABLE_ORDER:
        return TABLE_ORDER.index(table), _table_title(table)
    cat = str(category) if category is not None else ""
    return len(TABLE_ORDER) + 1, CATEGORY_ZH.get(cat, cat or "其他")


def _table_title(table: str) -> str:
    try:
        return catalogue.load().table_title(table)
    except Exception:  # an unknown table key still gets a heading
        return table


def _per_report(findings: pd.DataFrame, scorecard: pd.DataFrame, shown: list[int],
                titles: Mapping[str, str]) -> str:
    """One collapsible block per ``shown`` report with its findings grouped by section."""
    records = _records(scorecard.iloc[shown])
    by_report = _findings_by_report(findings, {str(rec.get("report_id")) for rec in records})
    out = ['<section id="reports"><h2>各报告发现</h2>', _left_out_note(len(scorecard), len(shown), REPORTS_NOTE)]
    for i, rec in zip(shown, records, strict=True):
        rid = str(rec.get("report_id"))
        recs = by_report.get(rid, [])
        n = sum(not f.get("waived") for f in recs)
        title = f"{rid} · {rec.get('unit') or '（未署单位）'} · {_num(rec.get('year')) or '年度不详'} · 得分 {_num(rec.get('score'))}"
        body = _report_findings(recs, titles) if recs else '<p class="muted">未发现问题。</p>'
        out.append(f'<details id="report-{i}"><summary>{_e(title)}（{n} 条发现）</summary>{body}</details>')
    out.append("</section>")
    return "".join(out)


def _findings_by_report(findings: pd.DataFrame, wanted: set[str]) -> dict[str, list[dict[str, Any]]]:
    """The findings of the ``wanted`` reports as plain records, in their order, keyed by report id."""
    if not len(findings):
        return {}
    rid = findings["report_id"].astype(str)
    keep = rid.isin(wanted).to_numpy()
    by_report: dict[str, list[dict[str, Any]]] = {}
    for key, rec in zip(rid[keep], _records(findings[keep]), strict=True):
        by_report.setdefault(key, []).append(rec)
    return by_report


def _report_findings(recs: list[dict[str, Any]], titles: Mapping[str, str]) -> str:
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for rec in recs:
        groups.setdefault(_group_key(rec.get("table"), rec.get("category")), []).append(rec)
    html_parts = []
    for (_, heading), group in sorted(groups.items()):
        items = "".join(_finding_item(rec, titles) for rec in group)
        html_parts.append(f"<h4>{_e(heading)}</h4><ul>{items}</ul>")
    return "".join(html_parts)


def _finding_item(rec: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    sev = str(rec.get("severity") or "info")
    badge = (f'<span class="sev" style="background:{SEVERITY_COLOUR.get(sev, "#555")}">'
             f"{_e(SEVERITY_ZH.get(sev, sev))}</span>")
    detail = []
    if rec.get("expected") is not None or rec.get("actual") is not None:
        detail.append(f"应为 {_e(rec.get('expected'))}，实为 {_e(rec.get('actual'))}")
    points = _num(rec.get("points"))
    if points:
        detail.append(f"扣 {points} 分")
    rule = f"{rec.get('rule_id')} {titles.get(str(rec.get('rule_id')), '')}".strip()
    waived = bool(rec.get("waived"))
    note = f'<div class="muted">已豁免：{_e(rec.get("waiver_reason"))}</div>' if waived else ""
    cls = ' class="waived"' if waived else ""
    extra = f' <span class="muted">（{"；".join(detail)}）</span>' if detail else ""
    return (f"<li{cls}>{badge}{_e(rec.get('message'))}{extra}"
            f' <span class="muted">[{_e(rule)}]</span>{note}</li>')
