"""report.html, one section per report: the 整改通知 a supervisor prints and sends to the unit.

Each section states the unit, the report, its source file, the score, grade and rank, and every
finding once (the message as the rule wrote it; 应为/实为 only when the message does not already
say them), grouped by the table or section of the report it is about. When the run holds the same
unit's reports of other years, a small table sets its key figures side by side by year. Printed
alone (its 打印 button) it is one notice with a title and the date in Beijing time.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.contracts.units import unit_key
from audit.exporters.labels import CATEGORY_ZH, SEVERITY_ZH

BEIJING = timezone(timedelta(hours=8), "北京时间")
UNRATED = "无法评定"
TABLE_ORDER = ("active", "requests", "appeals")
REPORTS_NOTE = ("共 {total:,} 份报告，下面只列出得分最低的 {shown:,} 份报告的发现（同分按报告编号排列），"
                "其余 {left:,} 份报告的发现未列出；每一条发现都在 scorecard.xlsx 的“问题清单”和 findings.csv 中。")
YEAR_ROWS = [("score", "得分"), ("grade", "等级"), ("requests_new", "申请数（本年新收）"),
             ("requests_handled", "办理结果（总计）"), ("review_total", "行政复议"), ("litigation_total", "行政诉讼"),
             ("active_in_force", "主动公开（规章和规范性文件现行有效件数）")]


def is_missing(value: Any) -> bool:
    if type(value) is str:  # the usual case, and never missing
        return False
    if value is None or value is pd.NA:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain Python values, ``None`` for missing: built from one list per column
    (what ``astype(object).where(notna, None).to_dict("records")`` gives, at a fraction of its cost)."""
    cols = list(frame.columns)
    if not cols:
        return [{} for _ in range(len(frame))]
    lists = [plain_values(frame[c]) for c in cols]
    return [dict(zip(cols, row, strict=True)) for row in zip(*lists, strict=True)]


def plain_values(s: pd.Series) -> list[Any]:
    """A column's values as plain Python objects, ``None`` for missing."""
    values = s.tolist()
    missing = s.isna().to_numpy()
    if missing.any():
        values = [None if m else v for v, m in zip(values, missing, strict=True)]
    if s.dtype == object and any(isinstance(v, np.generic) for v in values):
        values = [v.item() if isinstance(v, np.generic) else v for v in values]
    return values


def esc(value: Any) -> str:
    """Escaped text for an HTML text node or attribute; missing values are empty; integers as integers."""
    if type(value) is str:
        return html.escape(value, quote=True)
    if is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return html.escape(str(value), quote=True)


def num(value: Any) -> str:
    """A number as printed: 95 not 95.0, 98.5, at most two decimals; empty when not a number."""
    try:
        f = float(value)
    except (TypeError, ValueError):
        return ""
    if math.isnan(f):
        return ""
    return str(int(f)) if f.is_integer() else f"{f:.2f}".rstrip("0").rstrip(".")


def _plain(value: Any) -> str:
    """A compared value as the message would print it (numbers without .0, lists joined)."""
    if isinstance(value, (list, tuple)):
        return "、".join(_plain(v) for v in value)
    n = num(value) if not isinstance(value, str) else ""
    return n or ("" if is_missing(value) else str(value))


def _table_title(table: str) -> str:
    try:
        return catalogue.load().table_title(table)
    except Exception:  # an unknown table key still gets a heading
        return table


def _group_key(table: Any, category: Any) -> tuple[int, str]:
    """Order and heading of the group a finding belongs to: its table's section, else its category."""
    if isinstance(table, str) and table in TABLE_ORDER:
        return TABLE_ORDER.index(table), _table_title(table)
    cat = str(category) if category is not None else ""
    return len(TABLE_ORDER) + 1, CATEGORY_ZH.get(cat, cat or "其他")


def _comparison(rec: Mapping[str, Any]) -> str:
    """应为/实为 when they are numbers the message does not already say; nothing otherwise."""
    expected, actual = _plain(rec.get("expected")), _plain(rec.get("actual"))
    if not expected and not actual:
        return ""
    message = str(rec.get("message") or "")
    if (not expected or expected in message) and (not actual or actual in message):
        return ""
    if not (num(expected) or not expected) or not (num(actual) or not actual):
        return ""  # words, not values (“至少一项非0”): they restate what the message says
    return f"应为 {esc(expected)}，实为 {esc(actual)}"


def _finding_item(rec: Mapping[str, Any], titles: Mapping[str, str]) -> str:
    sev = str(rec.get("severity") or "info")
    badge = f'<span class="sev {esc(sev)}">{esc(SEVERITY_ZH.get(sev, sev))}</span>'
    detail = [c for c in [_comparison(rec)] if c]
    points = num(rec.get("points"))
    if points and points != "0":
        detail.append(f"扣 {points} 分")
    rule_id = str(rec.get("rule_id"))
    rule = f"{rule_id} {titles.get(rule_id, '')}".strip()
    waived = bool(rec.get("waived"))
    note = f'<div class="muted">已豁免：{esc(rec.get("waiver_reason"))}</div>' if waived else ""
    cls = "finding waived" if waived else "finding"
    extra = f' <span class="muted">（{"；".join(detail)}）</span>' if detail else ""
    return (f'<li class="{cls}" data-category="{esc(rec.get("category"))}" data-rule="{esc(rule_id)}" '
            f'data-severity="{esc(sev)}">{badge}{esc(rec.get("message"))}{extra}'
            f' <span class="muted">[{esc(rule)}]</span>{note}</li>')


def _report_findings(recs: list[dict[str, Any]], titles: Mapping[str, str]) -> str:
    groups: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for rec in recs:
        groups.setdefault(_group_key(rec.get("table"), rec.get("category")), []).append(rec)
    return "".join(f"<h4>{esc(heading)}</h4><ul>{''.join(_finding_item(r, titles) for r in group)}</ul>"
                   for (_, heading), group in sorted(groups.items()))


def _years(card: pd.DataFrame, records: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Row positions of each unit (by ``unit_key``) that reported more than one year, by year."""
    if "unit" not in card or "year" not in card:
        return {}
    years = pd.to_numeric(card["year"], errors="coerce").astype(float).to_numpy()
    dated = ~np.isnan(years)
    rows = pd.DataFrame({"key": card["unit"].map(unit_key).to_numpy()[dated],
                         "year": years[dated].astype(np.int64), "at": np.flatnonzero(dated)})
    rows = rows[rows["key"] != ""]
    several = rows.groupby("key")["year"].nunique()
    rows = rows[rows["key"].isin(several.index[several > 1])]
    # By year, ties in row order: what sorting each unit's rows by year gives.
    rows = rows.assign(exact=years[rows["at"].to_numpy()]).sort_values(["key", "exact", "at"], kind="stable")
    return {key: part.tolist() for key, part in rows.groupby("key", sort=False)["at"]}


def _year_table(rows: list[int], records: list[dict[str, Any]]) -> str:
    """Key figures side by side by year for one unit (申请数, 办理结果, 复议/诉讼, 主动公开)."""
    head = "".join(f"<th>{esc(records[i].get('year'))}年</th>" for i in rows)
    body = []
    for key, label in YEAR_ROWS:
        if not any(key in records[i] for i in rows):
            continue
        cells = []
        for i in rows:
            value = records[i].get(key)
            if key == "grade" and records[i].get("status") == "unrated":
                value = UNRATED
            cells.append(f'<td class="num">{num(value) if key != "grade" else esc(value)}</td>')
        body.append(f"<tr><th>{esc(label)}</th>{''.join(cells)}</tr>")
    return (f'<h4>历年对比</h4><table class="years"><thead><tr><th>项目</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def _facts(rec: Mapping[str, Any]) -> str:
    unrated = rec.get("status") == "unrated"
    parts = [f"报告编号 {esc(rec.get('report_id'))}"]
    if rec.get("source"):
        parts.append(f"源文件 {esc(rec.get('source'))}")
    if unrated:
        parts.append(f"{UNRATED}：{esc(rec.get('status_reason'))}")
    else:
        parts.append(f"得分 {num(rec.get('score'))}（{esc(rec.get('grade'))}）")
        if not is_missing(rec.get("rank")):
            parts.append(f"名次 {num(rec.get('rank'))}")
        if not is_missing(rec.get("prev_score")):
            change = num(rec.get("score_change"))
            sign = "+" if change and float(change) > 0 else ""
            parts.append(f"上年得分 {num(rec.get('prev_score'))}（变化 {sign}{change}）")
    if rec.get("unchecked_tables"):
        parts.append(f"未能核查：{esc(rec.get('unchecked_tables'))}")
    if rec.get("region"):
        parts.append(f"地区 {esc(rec.get('region'))}")
    return " · ".join(parts)


def per_report(card: pd.DataFrame, records: list[dict[str, Any]], shown: list[int],
               by_report: Mapping[str, list[dict[str, Any]]], attrs: Mapping[int, str],
               titles: Mapping[str, str], when: datetime) -> str:
    """One section per ``shown`` report: its findings, its other years, and the notice heading."""
    history = _years(card, records)
    keys = card["unit"].map(unit_key).tolist() if "unit" in card else [""] * len(card)
    total = len(card)
    note = "" if len(shown) >= total else (
        f'<p class="muted cap-note">{esc(REPORTS_NOTE.format(total=total, shown=len(shown), left=total - len(shown)))}</p>')
    out = ['<section id="reports"><h2>各单位问题与整改通知</h2>', note]
    date = f"{when.year}年{when.month}月{when.day}日"
    for i in shown:
        rec = records[i]
        rid = str(rec.get("report_id"))
        recs = by_report.get(rid, [])
        n = sum(not f.get("waived") for f in recs)
        unit = rec.get("unit") or "（未署单位）"
        year = num(rec.get("year")) or "年度不详"
        body = _report_findings(recs, titles) if recs else '<p class="muted">未发现问题。</p>'
        years = _year_table(history[keys[i]], records) if keys[i] in history else ""
        notice = (f'<div class="notice-head"><h2>政府信息公开工作年度报告整改通知</h2>'
                  f"<div>{esc(unit)}：经审核，贵单位 {esc(year)} 年度政府信息公开工作年度报告存在以下 {n} 项问题，"
                  f"请逐项核实整改。</div><div class=\"muted\">{date}（北京时间）</div></div>")
        out.append(
            f'<section class="unit" id="report-{i}" {attrs.get(i, "")}>{notice}'
            '<div class="tools screen-only"><button type="button" class="toggle-unit">收起/展开</button>'
            '<button type="button" class="print-unit">打印本单位整改通知</button></div>'
            f"<h3>{esc(unit)} · {esc(year)}年 · {n} 条问题</h3><div class=\"facts\">{_facts(rec)}</div>"
            f'<div class="body">{body}{years}</div></section>')
    out.append("</section>")
    return "".join(out)
