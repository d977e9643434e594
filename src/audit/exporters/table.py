"""The terminal summary printed after ``audit run``: scores per report, then the worst findings.

Fits a 100-column terminal: long unit names and messages are cut with an ellipsis by display
width (a CJK character is 2 columns; tabulate aligns them through wcwidth).
"""

from __future__ import annotations

import pandas as pd
from tabulate import tabulate

from audit.contracts import catalogue
from audit.exporters.jsonout import conform
from audit.exporters.xlsx import display_width

WIDTH = 100
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def truncate(text: object, width: int) -> str:
    """``text`` cut to at most ``width`` display columns, ending in … when cut."""
    s = "" if text is None or (isinstance(text, float) and text != text) else str(text)
    s = " ".join(s.split())  # no line breaks inside a table cell
    if display_width(s) <= width:
        return s
    out, used = [], 0
    for ch in s:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def truncate_middle(text: object, width: int) -> str:
    """Identifiers keep both ends (``pingtan-ar…2018-legacy``): their tails tell reports apart."""
    s = truncate(text, 10**6)
    if display_width(s) <= width:
        return s
    tail_w = (width - 1) // 2
    tail, used = "", 0
    for ch in reversed(s):
        if used + display_width(ch) > tail_w:
            break
        tail, used = ch + tail, used + display_width(ch)
    head = truncate(s, width - used)  # ends with …
    return head + tail


def _short_titles() -> dict[str, str]:
    """「三、收到和处理政府信息公开申请情况」表 → 「三」表: the terminal has no room for full titles."""
    cat = catalogue.load()
    out = {}
    for table in catalogue.TABLES:
        title = cat.table_title(table)
        numeral = title.split("、", 1)[0]
        if numeral != title:
            out[f"「{title}」表"] = f"「{numeral}」表"
    return out


def shorten(message: object) -> str:
    """A finding message with the printed table titles abbreviated to their numerals."""
    s = "" if message is None or (isinstance(message, float) and message != message) else str(message)
    for full, short in _short_titles().items():
        s = s.replace(full, short)
    return s


def _cell(v: object) -> object:
    return "" if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v


def _score(v: object) -> str:
    return "—" if _cell(v) == "" else f"{float(v):g}"  # an unrated report has no score


def _scores(scorecard: pd.DataFrame, limit: int) -> str:
    card = scorecard.sort_values(["score", "report_id"], kind="stable").head(limit)
    rows = [[truncate_middle(r.report_id, 24), truncate(_cell(r.unit), 24), _cell(r.year), _cell(r.edition),
             _score(r.score), _cell(r.grade) or "无法评定", int(r.errors), int(r.warnings)]
            for r in card.itertuples(index=False)]
    return tabulate(rows, headers=["报告", "单位", "年度", "版本", "得分", "等级", "错误", "警告"],
                    tablefmt="simple", disable_numparse=True,
                    colalign=("left", "left", "left", "left", "right", "left", "right", "right"))


def worst(findings: pd.DataFrame, limit: int) -> pd.DataFrame:
    """Non-waived findings, errors first, then the biggest deductions; at most ``limit`` rows."""
    f = conform(findings)
    if f.empty:
        return f
    f = f[~f["waived"].fillna(False).astype(bool)]
    order = f.assign(_sev=f["severity"].astype(object).map(_SEVERITY_ORDER).fillna(9),
                     _pts=-pd.to_numeric(f["points"], errors="coerce").fillna(0.0))
    order = order.sort_values(["_sev", "_pts", "report_id", "rule_id"], kind="stable")
    return order.drop(columns=["_sev", "_pts"]).head(limit)


def _findings(findings: pd.DataFrame, limit: int) -> str:
    top = worst(findings, limit)
    if top.empty:
        return "未发现问题。"
    sev = [_SEVERITY_ZH.get(s, str(s)) for s in top["severity"]]
    rule_w = max(4, min(24, max(display_width(r) for r in top["rule_id"].astype(str))))
    rep_w = max(4, min(20, max(display_width(r) for r in top["report_id"].astype(str))))
    # tabulate pads each column to at least its header + 2 and separates columns by two spaces.
    msg_w = max(20, WIDTH - 6 - max(rule_w, 6) - max(rep_w, 6) - 3 * 2)
    rows = [[s, truncate_middle(rule, rule_w), truncate_middle(rep, rep_w), truncate(shorten(msg), msg_w)]
            for s, rule, rep, msg in zip(sev, top["rule_id"], top["report_id"], top["message"], strict=True)]
    return tabulate(rows, headers=["级别", "规则", "报告", "问题"], tablefmt="simple", disable_numparse=True)


def summary(scorecard: pd.DataFrame, findings: pd.DataFrame, *, limit: int = 20, score_limit: int = 50) -> str:
    """Scores (worst first, at most ``score_limit`` reports: a terminal is no place for 100,000
    lines), then up to ``limit`` worst findings, as plain text."""
    f = conform(findings)
    live = int((~f["waived"].fillna(False).astype(bool)).sum()) if len(f) else 0
    head = f"{len(scorecard)} 份报告，{live} 条问题"
    parts = [head, "", _scores(scorecard, score_limit)]
    if len(scorecard) > score_limit:
        parts.append(f"（仅列出得分最低的 {score_limit} 份，共 {len(scorecard)} 份；全部得分见 scorecard.xlsx / scorecard.csv）")
    parts.append("")
    shown = min(limit, live)
    title = f"主要问题（前 {shown} 条，共 {live} 条）" if live > shown else "主要问题"
    parts += [title, _findings(findings, limit)]
    return "\n".join(parts)
