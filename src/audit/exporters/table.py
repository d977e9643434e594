"""The terminal summary printed after ``audit run``: scores, reports to check by hand, missing units,
the worst findings, and which files to open next.

Written with ``rich``: messages are whole, wrapped to the terminal's width by display width (a CJK
character is 2 columns) and never cut; report and rule ids are never broken. Severities are
coloured on a terminal; piped output and ``NO_COLOR`` get plain text (rich decides both).
"""

from __future__ import annotations

import io
import os
import shutil
import sys
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from audit.contracts import catalogue
from audit.exporters.jsonout import conform
from audit.exporters.labels import SEVERITY_ZH
from audit.exporters.xlsx import display_width

WIDTH = 100  # when the output is not a terminal
_SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GRADE_STYLE = {"不合格": "bold red", "合格": "yellow"}
# What each output file is for, in the order a supervisor opens them.
OPEN_NEXT = {"report.html": "网页：筛选、查看、打印整改通知", "scorecard.xlsx": "评分表、问题清单、地区汇总",
             "findings.csv": "全部问题", "scorecard.csv": "全部得分", "findings.json": "供程序读取"}


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


def _cell(v: object) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _unrated(card: pd.DataFrame) -> pd.Series:
    if "status" not in card:
        return pd.Series(False, index=card.index)
    return card["status"].astype(object).eq("unrated")


def _table(*headers: str) -> Table:
    t = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False, header_style="bold")
    for h in headers:
        t.add_column(h)
    return t


def _scores(scorecard: pd.DataFrame, limit: int, width: int = WIDTH) -> Table:
    """Scored reports, lowest first. Report ids are never cut; the unit name wraps; optional
    columns (地区, 上年/变化, 版本) are left out, last first, when the terminal is too narrow."""
    card = scorecard[~_unrated(scorecard)]
    card = card.assign(_s=pd.to_numeric(card["score"], errors="coerce"))
    card = card.sort_values(["_s", "report_id"], kind="stable").head(limit)
    id_w = max([display_width("报告"), *(display_width(str(r)) for r in card["report_id"])])
    optional = {"地区": "region" in card and card["region"].notna().any(),
                "上年": "prev_score" in card and card["prev_score"].notna().any(), "版本": True}
    fixed = {"年度": 4, "得分": 5, "等级": 6, "错误": 4, "警告": 4, "地区": 12, "上年": 11, "版本": 4}
    shown = [k for k, on in optional.items() if on]
    while shown and id_w + 12 + sum(fixed[k] + 2 for k in ["年度", "得分", "等级", "错误", "警告", *shown]) > width:
        shown.pop()
    heads = ["报告", "单位", *(["地区"] if "地区" in shown else []), "年度", *(["版本"] if "版本" in shown else []),
             "得分", "等级", *(["上年", "变化"] if "上年" in shown else []), "错误", "警告"]
    t = _table(*heads)
    for col in t.columns:
        if col.header == "报告":
            col.no_wrap, col.min_width = True, id_w
        elif col.header in ("单位", "地区"):
            col.overflow, col.min_width = "fold", 8 if col.header == "单位" else 6
        else:
            col.no_wrap, col.min_width = True, display_width(col.header)
            col.justify = "right" if col.header in ("得分", "上年", "变化", "错误", "警告") else "left"
    for r in card.to_dict(orient="records"):
        change = r.get("score_change")
        change_text = "" if change is None or change != change else f"{change:+g}"
        values = {"报告": str(r["report_id"]), "单位": _cell(r.get("unit")), "地区": _cell(r.get("region")),
                  "年度": _cell(r.get("year")), "版本": _cell(r.get("edition")),
                  "得分": f"{float(r['score']):g}" if r["_s"] == r["_s"] else "",
                  "等级": Text(_cell(r.get("grade")), style=GRADE_STYLE.get(str(r.get("grade")), "")),
                  "上年": _cell(r.get("prev_score")), "变化": change_text,
                  "错误": _cell(r.get("errors")), "警告": _cell(r.get("warnings"))}
        t.add_row(*[values[h] for h in heads])
    return t


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


@cache
def _phrases() -> Any:
    import budoux

    return budoux.load_default_simplified_chinese_parser()


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` display columns, broken only between phrases (BudouX's
    Chinese phrase boundaries, so 「应为 7 个」 and numbers stay whole) or at spaces; a phrase wider
    than a line is folded by characters."""
    width = max(10, width)
    lines: list[str] = []
    for para in str(text).splitlines() or [""]:
        line, used = "", 0
        for phrase in _phrases().parse(para) or [para]:
            w = display_width(phrase)
            if used + w > width and line:
                lines.append(line.rstrip())
                phrase = phrase.lstrip()
                line, used = "", 0
                w = display_width(phrase)
            while w > width:  # one phrase longer than a line: fold it
                cut, cw = "", 0
                for ch in phrase:
                    if cw + display_width(ch) > width:
                        break
                    cut, cw = cut + ch, cw + display_width(ch)
                lines.append(cut)
                phrase = phrase[len(cut):]
                w = display_width(phrase)
            line, used = line + phrase, used + w
        lines.append(line.rstrip())
    return lines


def _findings(findings: pd.DataFrame, limit: int, width: int) -> list[Any]:
    """Each finding as a head line (severity, rule id, report id: never cut) and its whole message
    wrapped below it."""
    top = worst(findings, limit)
    if top.empty:
        return ["未发现问题。"]
    out: list[Any] = []
    indent = "      "
    for sev, rule, rep, msg in zip(top["severity"], top["rule_id"], top["report_id"], top["message"], strict=True):
        sev = str(sev)
        head = Text(SEVERITY_ZH.get(sev, sev), style=SEVERITY_STYLE.get(sev, ""))
        head.append(f"  {rule}  {rep}")
        out.append(head)
        out.append("\n".join(indent + line for line in wrap(shorten(msg), width - len(indent))))
    return out


def _unrated_part(scorecard: pd.DataFrame) -> list[Any]:
    card = scorecard[_unrated(scorecard)]
    if card.empty:
        return []
    t = _table("报告", "单位", "无法评定的原因")
    t.columns[0].no_wrap = True
    t.columns[2].overflow = "fold"
    for r in card.to_dict(orient="records"):
        t.add_row(str(r["report_id"]), _cell(r.get("unit")), _cell(r.get("status_reason")))
    return ["", Text(f"无法评定（{len(card)} 份，请人工核查；不计入排名和平均分）", style="bold"), t]


def _missing_part(missing: list[Mapping[str, Any]]) -> list[Any]:
    if not missing:
        return []
    names = "、".join(str(m.get("unit")) + (f"（{m['region']}）" if m.get("region") else "") for m in missing)
    return ["", Text(f"未提交（应报尽报）：{len(missing)} 个单位没有报告", style="bold red"), names]


def _open_next(written: Iterable[str | os.PathLike[str]], width: int) -> str:
    """The last line(s): the files to open next, broken only between files (a path is never cut)."""
    paths = {Path(p).name: Path(p) for p in written}
    parts = [f"{paths[name]}（{what}）" for name, what in OPEN_NEXT.items() if name in paths]
    if not parts:
        return ""
    lines, line = [], "接下来请打开："
    for i, part in enumerate(parts):
        piece = part + ("、" if i < len(parts) - 1 else "")
        if display_width(line) + display_width(piece) > width and line.strip():
            lines.append(line)
            line = "  "
        line += piece
    return "\n".join([*lines, line])


def renderables(scorecard: pd.DataFrame, findings: pd.DataFrame, *, limit: int = 20, score_limit: int = 50,
                written: Iterable[str | os.PathLike[str]] = (), missing: list[Mapping[str, Any]] | None = None,
                width: int = WIDTH) -> list[Any]:
    """The summary's parts, in order (strings, rich tables and texts)."""
    f = conform(findings)
    live = int((~f["waived"].fillna(False).astype(bool)).sum()) if len(f) else 0
    unrated = int(_unrated(scorecard).sum())
    extra = "".join([f"，无法评定 {unrated} 份" if unrated else "",
                     f"，未提交 {len(missing)} 个单位" if missing else ""])
    parts: list[Any] = [f"{len(scorecard)} 份报告，{live} 条问题{extra}", "", _scores(scorecard, score_limit, width)]
    scored = len(scorecard) - unrated
    if scored > score_limit:
        parts.append(f"（仅列出得分最低的 {score_limit} 份，共 {scored} 份；全部得分见 scorecard.xlsx / scorecard.csv）")
    parts += _unrated_part(scorecard)
    parts += _missing_part(list(missing or []))
    parts.append("")
    shown = min(limit, live)
    parts.append(Text(f"主要问题（前 {shown} 条，共 {live} 条）" if live > shown else "主要问题", style="bold"))
    parts += _findings(findings, limit, width)
    line = _open_next(written, width)
    if line:
        parts += ["", line]
    return parts


def terminal_width() -> int:
    """The terminal's width; ``WIDTH`` when the output is not a terminal (or ``COLUMNS`` when set)."""
    return shutil.get_terminal_size((WIDTH, 24)).columns


def summary(scorecard: pd.DataFrame, findings: pd.DataFrame, *, limit: int = 20, score_limit: int = 50,
            width: int = WIDTH, written: Iterable[str | os.PathLike[str]] = (),
            missing: list[Mapping[str, Any]] | None = None) -> str:
    """Scores (worst first, at most ``score_limit`` reports: a terminal is no place for 100,000
    lines), unrated reports, missing units, up to ``limit`` worst findings and the files to open
    next, as plain text ``width`` columns wide."""
    buf = io.StringIO()
    console = Console(file=buf, width=width, color_system=None, force_terminal=False, no_color=True,
                      highlight=False, emoji=False, markup=False, soft_wrap=False)
    for part in renderables(scorecard, findings, limit=limit, score_limit=score_limit, written=written,
                            missing=missing, width=width):
        console.print(part)
    return "\n".join(line.rstrip() for line in buf.getvalue().rstrip("\n").splitlines())


def print_summary(scorecard: pd.DataFrame, findings: pd.DataFrame, *, file: Any = None,
                  written: Iterable[str | os.PathLike[str]] = (),
                  missing: list[Mapping[str, Any]] | None = None) -> None:
    """``summary`` on stdout, coloured by severity when stdout is a terminal and NO_COLOR is unset."""
    out = file or sys.stdout
    width = terminal_width()
    console = Console(file=out, width=width, highlight=False, emoji=False, markup=False)
    for part in renderables(scorecard, findings, written=written, missing=missing, width=width):
        console.print(part)
