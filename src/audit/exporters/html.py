"""report.html: one self-contained page a supervisor works from offline, and prints per unit.

The page holds the run summary, three ECharts bar charts (score distribution, findings per category
and per rule, all labelled in Chinese), a search box and filters (unit, region, level, grade,
category, rule, severity, 无法评定), the units table sorted by score (worst first, click a header to
sort), the reports that could not be rated and the expected units that sent none, then one section
per report. Each section prints on its own as a 整改通知 (title, unit, score, the date in Beijing
time, every finding expanded, one page per unit): its 打印 button prints that unit alone; printing
the page prints every unit, each on its own pages. ECharts' common build (Apache-2.0, see
data/echarts.LICENSE.txt) is inlined: the page needs no network and weighs well under 1.5 MB for a
small run.

Everything that comes from a report (unit names, messages, labels) is outside text: it is
HTML-escaped, and chart data is embedded as JSON with ``<``, ``>`` and ``&`` escaped, so a unit
called ``<script>…`` shows as text and never runs.

Size cap (a product decision): a page for 100,000 reports with every finding inline would be over
100 MB, which no browser opens. So the units table lists at most ``UNITS_LIMIT`` reports and the
per-report sections at most ``DETAILS_LIMIT``: the lowest scores first, ties by report id, since
those are the reports a supervisor reads first. A capped part says in Chinese how many reports it
leaves out and that scorecard.xlsx / scorecard.csv / findings.csv hold every one; the summary
cards and the charts always count everything.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audit.exporters import atomic, checks_views
from audit.exporters.html_units import BEIJING, UNRATED, per_report, plain_values, records
from audit.exporters.html_units import esc as _e
from audit.exporters.html_units import is_missing as _missing_value
from audit.exporters.html_units import num as _num
from audit.exporters.labels import CATEGORY_ZH, RANK_NOTE, SEVERITY_ZH
from audit.packs.rule import Rule

UNITS_LIMIT = 10_000  # rows of the units table (about 5 MB of HTML; sorting stays quick in a browser)
DETAILS_LIMIT = 2_000  # reports whose findings are shown in full
UNITS_NOTE = ("共 {total:,} 份报告，本表只列出得分最低的 {shown:,} 份（同分按报告编号排列），其余 {left:,} 份未列出；"
              "全部报告的得分见 scorecard.xlsx 的“评分表”和 scorecard.csv。")
UNIT_COLUMNS = [("report_id", "报告编号", "text"), ("unit", "单位", "text"), ("region", "地区", "text"),
                ("level", "层级", "text"), ("year", "年度", "num"), ("score", "得分", "num"), ("grade", "等级", "text"),
                ("rank", "名次", "num"), ("unchecked_tables", "未能核查的表格", "text"),
                ("prev_score", "上年得分", "num"), ("score_change", "变化", "num"),
                ("errors", "错误", "num"), ("warnings", "警告", "num"), ("infos", "提示", "num")]
_OPTIONAL = ("region", "level", "unchecked_tables", "prev_score", "score_change")  # shown only when some report has them



def write_html(path: str | os.PathLike[str], findings: pd.DataFrame, scorecard: pd.DataFrame,
               rules: Iterable[Rule], meta: Mapping[str, Any] | None) -> Path:
    """Write report.html atomically and return its path: the page's parts go to the file one by
    one, so the page never exists whole as text and again as its encoded bytes."""
    def write(fh: Any) -> None:
        for i, part in enumerate(page_parts(findings, scorecard, list(rules), dict(meta or {}))):
            if i:
                fh.write("\n")
            fh.write(part)

    return atomic.write_with(path, write)


@cache
def _asset(name: str) -> str:
    return resources.files("audit").joinpath(f"data/{name}").read_text(encoding="utf-8")


def render(findings: pd.DataFrame, scorecard: pd.DataFrame, rules: list[Rule], meta: dict[str, Any]) -> str:
    """The whole page as one string."""
    return "\n".join(page_parts(findings, scorecard, rules, meta))


def page_parts(findings: pd.DataFrame, scorecard: pd.DataFrame, rules: list[Rule],
               meta: dict[str, Any]) -> Iterator[str]:
    """The page's parts in order (joined by newlines they are the page), each made when it is asked for."""
    findings = findings.reset_index(drop=True)
    card = scorecard.reset_index(drop=True)
    titles = {r.id: r.title for r in rules}
    live = findings[~_waived(findings)] if len(findings) else findings
    order = _order(card)
    details = order[:DETAILS_LIMIT]
    units = order[:UNITS_LIMIT]
    records = _records(card)
    by_report = _findings_by_report(findings, {str(records[i].get("report_id")) for i in details})
    attrs = _unit_attrs(records, units, findings, titles)
    when = _beijing(meta)
    yield from [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>政府信息公开工作年度报告审核结果</title>",
        f"<style>{_asset('report.css')}</style>",
        "<script>window.onerror=function(m,s,l){var b=document.getElementById('js-errors');"
        "if(b){b.textContent+=m+' ('+l+')\\n';}};</script>",
        f"<script>{_asset('echarts.common.min.js')}</script>",
        "</head><body>",
        '<div id="js-errors"></div>',
        "<header><h1>政府信息公开工作年度报告审核结果</h1>",
        f'<div class="muted">{_e(_run_line(meta, when))}</div></header>',
        "<main>",
    ]
    yield _summary(findings, live, card, meta)
    yield _charts(live, card, titles)
    yield _filters(card, live, titles)
    yield _units(card, records, units, set(details), attrs)
    yield _unrated(card, records)
    yield _missing(meta.get("missing_units") or [])
    yield checks_views.ratios_section(card)
    yield checks_views.deductions_section(meta)
    yield per_report(card, records, details, by_report, attrs, titles, when)
    yield from ["</main>", f"<script>{_asset('report.js')}</script>", "</body></html>"]


# -- values ------------------------------------------------------------------------------------

_records = records


def _is_unrated(card: pd.DataFrame) -> pd.Series:
    if "status" not in card:
        return pd.Series(False, index=card.index)
    return card["status"].astype(object).eq("unrated")


def _order(card: pd.DataFrame) -> list[int]:
    """Row positions by score, lowest first (ties by report id); unrated reports last."""
    if not len(card):
        return []
    scores = pd.to_numeric(card["score"], errors="coerce") if "score" in card else pd.Series(math.nan, card.index)
    key = pd.DataFrame({"unrated": _is_unrated(card).astype(int), "score": scores,
                        "id": card["report_id"].astype(str)}, index=card.index)
    return key.sort_values(["unrated", "score", "id"], kind="stable", na_position="last").index.tolist()


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


def _waived(findings: pd.DataFrame) -> pd.Series:
    if "waived" not in findings:
        return pd.Series(False, index=findings.index)
    return findings["waived"].astype(object).fillna(False).astype(bool)


def _beijing(meta: Mapping[str, Any]) -> datetime:
    """When the run finished, in Beijing time (the page's date and the notices' date)."""
    text = meta.get("finished") or meta.get("started")
    try:
        when = datetime.fromisoformat(str(text)) if text else datetime.now(UTC)
    except ValueError:
        when = datetime.now(UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(BEIJING)


def _run_line(meta: Mapping[str, Any], when: datetime) -> str:
    version = meta.get("tool_version") or meta.get("version") or ""
    return f"audit {version} · 生成时间 {when:%Y-%m-%d %H:%M}（北京时间）".replace("  ", " ")


def _left_out_note(total: int, shown: int, template: str) -> str:
    if shown >= total:
        return ""
    return f'<p class="muted cap-note">{_e(template.format(total=total, shown=shown, left=total - shown))}</p>'


def _script_json(value: Any) -> str:
    """JSON safe inside <script>: no tag or entity can close or escape the script element."""
    text = json.dumps(value, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


# -- parts of the page -------------------------------------------------------------------------

def _summary(findings: pd.DataFrame, live: pd.DataFrame, card: pd.DataFrame, meta: Mapping[str, Any]) -> str:
    counts = live["severity"].value_counts() if len(live) else pd.Series(dtype="int64")
    rated = card[~_is_unrated(card)]
    scores = pd.to_numeric(rated["score"], errors="coerce") if "score" in rated else pd.Series(dtype=float)
    average = _num(round(float(scores.mean()), 2)) if scores.notna().any() else "—"
    cards = [("报告数", len(card)), ("发现总数", len(live))]
    cards += [(f"{SEVERITY_ZH[s]}", int(counts.get(s, 0))) for s in ("error", "warning", "info")]
    cards += [("已豁免", int(_waived(findings).sum()) if len(findings) else 0), ("平均得分", average)]
    unrated = int(_is_unrated(card).sum())
    if unrated:
        cards.append((UNRATED, unrated))
    if meta.get("missing_units"):
        cards.append(("未提交", len(meta["missing_units"])))
    items = "".join(f'<div class="card" id="card-{i}">{_e(label)}<b>{_e(value)}</b></div>'
                    for i, (label, value) in enumerate(cards))
    rules = len(meta.get("rules_run") or [])
    line = f"规则数：{rules}" if rules else ""
    return f'<section id="summary"><h2>运行概况</h2><div class="cards">{items}</div><p class="muted">{line}</p></section>'


def _short(text: str, n: int = 14) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


def _charts(live: pd.DataFrame, card: pd.DataFrame, titles: Mapping[str, str]) -> str:
    rated = card[~_is_unrated(card)]
    scores = pd.to_numeric(rated.get("score", pd.Series(dtype=float)), errors="coerce").dropna()
    bins = [min(int(s // 5), 19) for s in scores.clip(0, 100)]  # a perfect 100 falls in 95–100
    hist = [bins.count(i) for i in range(20)]
    per_cat = live["category"].astype(str).value_counts() if len(live) else pd.Series(dtype="int64")
    per_rule = live["rule_id"].astype(str).value_counts().head(40) if len(live) else pd.Series(dtype="int64")
    data = {
        "chart-scores": {"title": "得分分布", "labels": [f"{5 * i}–{5 * i + 5}" for i in range(20)], "values": hist,
                         "xname": "得分", "yname": "报告数", "unit": "份", "colour": "#1565c0"},
        "chart-categories": {"title": "各类别发现数", "labels": [CATEGORY_ZH.get(c, c) for c in per_cat.index],
                             "values": per_cat.tolist(), "xname": "", "yname": "发现数", "unit": "条",
                             "colour": "#2e7d32", "rotate": 30},
        "chart-rules": {"title": "各规则发现数（前 40 条规则）",
                        "labels": [_short(titles.get(r, r)) for r in per_rule.index], "values": per_rule.tolist(),
                        "tips": [f"{titles.get(r, '')}（{r}）" for r in per_rule.index], "xname": "", "yname": "发现数",
                        "unit": "条", "colour": "#ef6c00", "rotate": 40},
    }
    blocks = ('<div class="chart" id="chart-scores"></div><div class="chart" id="chart-categories"></div>'
              '<div class="chart wide" id="chart-rules"></div>')
    return (f'<section id="charts"><h2>图表</h2><div class="charts">{blocks}</div>'
            f'<script type="application/json" id="chart-data">{_script_json(data)}</script></section>')


def _options(values: Iterable[tuple[str, str]], label: str) -> str:
    opts = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in values)
    return f'<option value="">{_e(label)}</option>{opts}'


def _distinct(card: pd.DataFrame, col: str) -> list[str]:
    if col not in card:
        return []
    return sorted({str(v) for v in card[col].dropna().astype(str) if v})


def _filters(card: pd.DataFrame, live: pd.DataFrame, titles: Mapping[str, str]) -> str:
    units = _distinct(card, "unit")
    grades = _distinct(card[~_is_unrated(card)], "grade") + ([UNRATED] if _is_unrated(card).any() else [])
    cats = sorted(set(live["category"].astype(str))) if len(live) else []
    rule_ids = sorted(set(live["rule_id"].astype(str))) if len(live) else []
    parts = ['<section id="filters" class="screen-only">',
             '<input id="search" type="search" placeholder="搜索单位、报告编号、地区、规则或问题内容">',
             f'<input id="f-unit" list="unit-list" placeholder="单位"><datalist id="unit-list">'
             f'{"".join(f"<option value={chr(34)}{_e(u)}{chr(34)}>" for u in units)}</datalist>']
    for col, label in (("region", "全部地区"), ("level", "全部层级")):
        values = _distinct(card, col)
        if values:
            parts.append(f'<select id="f-{col}">{_options(((v, v) for v in values), label)}</select>')
    parts.append(f'<select id="f-grade">{_options(((g, g) for g in grades), "全部等级")}</select>')
    parts.append(f'<select id="f-category">{_options(((c, CATEGORY_ZH.get(c, c)) for c in cats), "全部类别")}</select>')
    parts.append(f'<select id="f-rule">{_options(((r, f"{r} {titles.get(r, chr(32))}".strip()) for r in rule_ids), "全部规则")}</select>')
    parts.append(f'<select id="f-severity">{_options(((s, SEVERITY_ZH[s]) for s in SEVERITY_ZH), "全部级别")}</select>')
    parts.append(f'<select id="f-status">{_options((("scored", "已评分"), ("unrated", UNRATED)), "全部状态")}</select>')
    parts.append('<button id="f-reset" type="button">清除筛选</button><span id="shown-count"></span></section>')
    return "".join(parts)


def _unit_attrs(records: list[dict[str, Any]], shown: list[int], findings: pd.DataFrame,
                titles: Mapping[str, str]) -> dict[int, str]:
    """The data-* attributes of each ``shown`` report (its table row and its section), from the
    findings column by column: one sort of the live findings by report, one join per report."""
    joined = _live_by_report(findings, titles)
    return {i: _report_attrs(records[i], joined.get(str(records[i].get("report_id")))) for i in shown}


def _live_by_report(findings: pd.DataFrame, titles: Mapping[str, str]) -> dict[str, tuple[str, str, str, list[str]]]:
    """Per report id: its live findings' categories, rules and severities (distinct, sorted, joined
    by spaces) and the words the search box matches (rule ids, rule titles, messages, in order)."""
    if not len(findings):
        return {}
    live = findings[~_waived(findings).to_numpy()]
    keys = live["report_id"].astype(str).to_numpy()
    codes, uniques = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    ends = np.cumsum(np.bincount(codes, minlength=len(uniques)))
    starts = ends - np.bincount(codes, minlength=len(uniques))

    def column(name: str) -> list[Any]:
        if name not in live:
            return [None] * len(order)
        values = plain_values(live[name])
        return [values[j] for j in order]

    cats, rules, sevs, messages = column("category"), column("rule_id"), column("severity"), column("message")
    out = {}
    for key, a, b in zip(uniques, starts.tolist(), ends.tolist(), strict=True):
        rule_part = rules[a:b]
        words = [str(w) for w in chain(rule_part, (titles.get(str(r), "") for r in rule_part), messages[a:b])
                 if type(w) is str or not _missing_value(w)]
        out[key] = (" ".join(sorted({str(c) for c in cats[a:b]})), " ".join(sorted({str(r) for r in rule_part})),
                    " ".join(sorted({str(v) for v in sevs[a:b]})), words)
    return out


def _report_attrs(rec: Mapping[str, Any], live: tuple[str, str, str, list[str]] | None) -> str:
    """The data-* attributes the filters read, for a report's table row and its section."""
    cats, rules, sevs, found = live or ("", "", "", [])
    status = "unrated" if rec.get("status") == "unrated" else "scored"
    grade = UNRATED if status == "unrated" else rec.get("grade")
    words = [str(w) for w in (rec.get("report_id"), rec.get("unit"), rec.get("region"), rec.get("level"),
                              rec.get("source")) if not _missing_value(w)]
    search = " ".join(words + found).lower()
    return (f'data-report="{_e(rec.get("report_id"))}" data-unit="{_e(rec.get("unit"))}" '
            f'data-region="{_e(rec.get("region"))}" data-level="{_e(rec.get("level"))}" data-grade="{_e(grade)}" '
            f'data-status="{status}" data-categories="{_e(cats)}" data-rules="{_e(rules)}" '
            f'data-severities="{_e(sevs)}" data-search="{_e(search)}"')


def _units(card: pd.DataFrame, records: list[dict[str, Any]], shown: list[int], linked: set[int],
           attrs: Mapping[int, str]) -> str:
    """The sortable table of the ``shown`` rows (score order); ids link to the ``linked`` sections."""
    columns = [c for c in UNIT_COLUMNS if c[0] not in _OPTIONAL or (c[0] in card and card[c[0]].notna().any())]
    head = "".join(f'<th class="sortable" data-type="{kind}"{" aria-sort=ascending" if key == "score" else ""}>'
                   f"{_e(label)}</th>" for key, label, kind in columns)
    rows = []
    for i in shown:
        rec = records[i]
        unrated = rec.get("status") == "unrated"
        cells = []
        for key, _, kind in columns:
            value = rec.get(key)
            if key == "grade" and unrated:
                value = UNRATED
            sort_value = _num(value) if kind == "num" else _e(value)
            text = sort_value
            if key == "score_change" and sort_value and float(sort_value) > 0:
                text = "+" + sort_value
            if key == "report_id" and i in linked:
                text = f'<a href="#report-{i}">{sort_value}</a>'
            cls = ' class="num"' if kind == "num" else ""
            cells.append(f'<td{cls} data-v="{sort_value}">{text}</td>')
        row_cls = "unrated" if unrated else ("grade-fail" if rec.get("grade") == "不合格" else "")
        rows.append(f'<tr class="{row_cls}" {attrs[i]}>{"".join(cells)}</tr>')
    note = _left_out_note(len(card), len(shown), UNITS_NOTE)
    if any(key == "unchecked_tables" for key, _, _ in columns):
        note += f'<p class="muted">{_e(RANK_NOTE)}</p>'
    return (f'<section id="units"><h2>各单位得分（按得分从低到高排列，点击表头排序）</h2>{note}'
            f'<table class="sortable" id="units-table"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></section>")


def _unrated(card: pd.DataFrame, records: list[dict[str, Any]]) -> str:
    """Reports that could not be rated (contract 3), listed apart for a check by hand."""
    rows = [records[i] for i in range(len(card)) if records[i].get("status") == "unrated"]
    if not rows:
        return ""
    return _listing("unrated", f"无法评定：{len(rows)} 份报告（不计入排名、平均分和图表，请人工核查）",
                    ["报告编号", "单位", "年度", "原因", "源文件"],
                    [[_e(r.get(k)) for k in ("report_id", "unit", "year", "status_reason", "source")] for r in rows])


def _missing(missing: list[Mapping[str, Any]]) -> str:
    """The expected units (units file) that sent no report: 未提交（应报尽报）."""
    if not missing:
        return ""
    return _listing("missing", f"未提交（应报尽报）：{len(missing)} 个单位没有报告",
                    ["单位名称", "地区", "层级", "上级单位", "类型", "状态"],
                    [[_e(m.get(k)) for k in ("unit", "region", "level", "parent", "kind")] + ["未提交"] for m in missing])


def _listing(section_id: str, heading: str, headers: list[str], rows: list[list[str]]) -> str:
    """A section holding one plain table: ``heading``, a header row, and cells already escaped."""
    head = "".join(f"<th>{h}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return (f'<section id="{section_id}"><h2>{heading}</h2>'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></section>")
