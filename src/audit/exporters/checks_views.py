"""What the checks add to report.html and scorecard.xlsx: the risk ratios and the deduction sheet.

Kept apart from the exporters so that they only call in here: ``ratios_section(scorecard)`` and
``deductions_section(meta)`` return HTML (empty when there is nothing to show); ``deduction_sheet``
is the frame of the 扣分明细 sheet. The deduction sheet comes from ``audit run --rubric``
(``audit.review.rubric``) through the run's meta (``meta["deductions"]``, ``meta["rubric"]``).
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from audit.exporters.html_units import records

RATIO_HEADERS = {"correction_rate": "纠错率", "disclosure_rate": "实质公开率", "denial_rate": "不予公开率",
                 "carry_rate": "结转率"}
DEDUCTION_HEADERS = {"unit": "单位", "report_id": "报告编号", "year": "年度", "item": "考核项目", "reason": "扣分原因",
                     "deduction": "扣分", "evidence": "依据"}
SHEET_DEDUCTIONS = "扣分明细"


def _e(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    return html.escape(str(v), quote=True)


def ratio_text(v: Any) -> str:
    """0.3611 → 36.1%; 样本不足 as is; nothing → —."""
    if isinstance(v, (int, float)) and not (isinstance(v, float) and math.isnan(v)):
        return f"{round(float(v) * 100, 1):g}%"
    return str(v) if isinstance(v, str) and v else "—"


def ratios_section(scorecard: pd.DataFrame) -> str:
    """A table of the reports with at least one ratio shown or 样本不足 (empty string when none)."""
    cols = [c for c in RATIO_HEADERS if c in scorecard.columns]
    if not cols or not len(scorecard):
        return ""
    some = scorecard[cols].notna().any(axis=1)
    rows = scorecard.loc[some]
    if rows.empty:
        return ""
    head = "".join(f"<th>{h}</th>" for h in ("单位", "年度", *[RATIO_HEADERS[c] for c in cols]))
    body = []
    for rec in records(rows):
        year = rec.get("year")
        cells = [_e(rec.get("unit") or rec.get("report_id")), _e(int(year) if isinstance(year, (int, float)) else year)]
        cells += [_e(ratio_text(rec.get(c))) for c in cols]
        body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ('<section id="ratios"><h2>风险指标</h2><p class="muted">纠错率 = 复议和诉讼结果纠正 ÷ 审结；'
            "实质公开率 =（予以公开 + 部分公开）÷ 办理总计；不予公开率 = 不予公开 ÷ 办理总计；"
            "结转率 = 结转下年度 ÷（本年新收 + 上年结转）。案件数不足最少案件数时显示“样本不足”。</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></section>")


def deduction_sheet(meta: Mapping[str, Any] | None) -> pd.DataFrame | None:
    """The 扣分明细 rows of the run (None without ``--rubric``)."""
    rows = (meta or {}).get("deductions")
    if rows is None:
        return None
    return pd.DataFrame(list(rows), columns=list(DEDUCTION_HEADERS))


def deductions_section(meta: Mapping[str, Any] | None) -> str:
    """Per unit: the rubric's items that deduct, with reason, deduction and evidence."""
    sheet = deduction_sheet(meta)
    if sheet is None:
        return ""
    rubric = (meta or {}).get("rubric") or {}
    title = _e(rubric.get("name") or "考核细则")
    source = _e(rubric.get("source") or "")
    if sheet.empty:
        return (f'<section id="deductions"><h2>扣分明细（{title}）</h2><p class="muted">来源：{source}</p>'
                "<p>按该考核细则，没有单位被扣分。</p></section>")
    out = [f'<section id="deductions"><h2>扣分明细（{title}）</h2><p class="muted">来源：{source}</p>']
    for (unit, year), part in sheet.groupby(["unit", "year"], sort=True, dropna=False):
        total = float(part["deduction"].sum())
        out.append(f"<h3>{_e(unit)} {_e(year)}年度：共扣 {total:g} 分</h3><table><thead><tr>"
                   "<th>考核项目</th><th>扣分原因</th><th>扣分</th><th>依据</th></tr></thead><tbody>")
        for rec in part.to_dict("records"):
            out.append(f"<tr><td>{_e(rec['item'])}</td><td>{_e(rec['reason'])}</td>"
                       f"<td>{float(rec['deduction']):g}</td><td>{_e(rec['evidence'])}</td></tr>")
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)
