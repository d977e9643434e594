"""The ``zeros`` pack: suspicious zero patterns.

Zero requests is normal for a small unit and never an error here. What is suspicious:

- every table all zero (a template filled with zeros without looking): a low-point warning;
- a table all zero while the report's own text reports activity for it (收到申请 3 件, 行政许可 1990 件,
  因政府信息公开…行政复议 1 件): an error, one of the two is wrong;
- a total non-zero while all its parts are zero or blank (only the 总计 column was filled in), and
  the reverse, a total printed 0 over non-zero parts.

Division of labour with the arithmetic pack: the sum rules there skip exactly the cases where one
side is entirely zero and the other is not, so each such cell gets one finding, from here. With
the narrative pack: where a table is all zero against the text, ZERO-TABLE-VS-TEXT ``supersedes``
the narrative rules' findings on that table (the engine drops them), so one contradiction is one
deduction. A total
printed blank is the arithmetic pack's info finding, not a zero. Cells the reader could not place are
never read as zero (see ``_common``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, found, hookimpl, rule, text_pattern, text_view

_REQ = "requests"
_APP = "appeals"


def _all_zero_tables(corpus) -> np.ndarray:
    """Boolean array report (``corpus.reports`` order) × table (``api.catalogue.TABLES``): True where the
    table has numbers and all of them are 0."""
    _, valued, nonzero = api.table_presence(corpus)
    return valued & ~nonzero


@rule(
    id="ZERO-ALL-TABLES", title="三张统计表数据全部为0",
    category="zeros", severity="warning", points=1,
    description=(
        "三张统计表全部为 0（空白单元格除外）。一整年没有制发文件、没有许可和处罚决定、没有收到申请、也"
        "没有复议诉讼的单位确实存在，但不看内容就用 0 填满模板的情况更常见：请核实。只作低分值的警告，"
        "不作为错误。"
    ),
    fail_example={"cells": {"active/normative_documents/issued": 0, "active/normative_documents/in_force": 0,
                            "active/licensing/decisions": 0, "active/penalty/decisions": 0,
                            "requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0,
                            "appeals/review/upheld": 0, "appeals/review/total": 0}},
    pass_example={"cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0,
                            "appeals/review/upheld": 0, "appeals/review/total": 0}},
)
def all_tables_zero(corpus):
    z = _all_zero_tables(corpus)
    hit = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)[z.all(axis=1)]
    if not len(hit):
        return found()
    return found(hit, "三张统计表（主动公开、依申请公开、行政复议行政诉讼）数据全部为0，请核实是否如实填报",
                 expected="至少一项非0（请核实）", actual="全部为0")


# Activity stated in the text, per table. Each pattern captures the statement (``text``) and its
# number (``n``); clauses are not crossed (no 。；， between the subject and the number), so
# "收到申请后，3个工作日内" is not read as 3 requests.
_GAP = r"[^。；;，,！!？?\n\d]"
_ACTIVITY = {
    _REQ: text_pattern(rf"(?P<text>(?:收到|受理|接收|接到|新收){_GAP}{{0,30}}?(?:申请|公开信息|政府信息){_GAP}{{0,15}}?"
                       rf"(?P<n>\d+)\s*(?:件|份))"),
    "active": text_pattern(rf"(?P<text>行政(?:许可|处罚|强制){_GAP}{{0,12}}?(?P<n>\d+)\s*件)"),
    _APP: text_pattern(rf"(?P<text>政府信息公开{_GAP}{{0,20}}?行政(?:复议|诉讼){_GAP}{{0,12}}?(?P<n>\d+)\s*(?:件|起|宗))"),
}


def _stated_activity(corpus, table: str, ids: np.ndarray) -> pd.DataFrame:
    """First statement per report of ``ids`` with a non-zero number for ``table``: columns text, n.

    Every statement ends in a number and its count word, so only the report's lines holding one
    (``text_view``: the number lines) are scanned.
    """
    lines = text_view(corpus, _ACTIVITY[table])
    text = lines.series(lines.positions(ids))
    m = text.str.extractall(_ACTIVITY[table]) if len(text) else pd.DataFrame()
    if not len(m):
        return pd.DataFrame(columns=["text", "n"])
    m["n"] = pd.to_numeric(m["n"], errors="coerce")
    m = m[m["n"] > 0]
    m = m.reset_index()
    m = m.groupby(m.columns[0], sort=False).first()
    m.index = m.index.astype(str)
    return m[["text", "n"]]


@rule(
    id="ZERO-TABLE-VS-TEXT", title="统计表全部为0，但正文称有相关工作",
    category="zeros", severity="error", points=3,
    # The narrative pack's sentences about the same table restate this one contradiction.
    supersedes=("NARR-REQ-NEW", "NARR-CARRIED-NEXT", "NARR-LICENSING", "NARR-PENALTY", "NARR-REVIEW",
                "NARR-LITIGATION"),
    description=(
        "某张表全部为 0，而报告正文却写有该表应统计的工作：收到申请（收到/受理……申请 N 件）、行政"
        "许可、处罚或强制决定（行政许可 N 件），或因政府信息公开引起的复议诉讼（因政府信息公开……行政"
        "复议 N 件），且 N > 0。表格和正文必有一处有误。这里只判断全为 0 的情况；表格非 0 "
        "但与正文不符由正文一致性规则处理；全为 0 时，正文一致性规则对同一张表的提示不再重复报告（不重复扣分）。"
    ),
    fail_example={"extra_text": "本年度共收到政府信息公开申请5件，均已按期答复。",
                  "cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0}},
    pass_example={"extra_text": "本年度未收到政府信息公开申请，收到申请后，3个工作日内登记。",
                  "cells": {"requests/new/natural": 0, "requests/new/total": 0,
                            "requests/granted/natural": 0, "requests/granted/total": 0,
                            "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
                            "requests/handled_total/natural": 0, "requests/handled_total/total": 0}},
)
def table_vs_text(corpus):
    z = _all_zero_tables(corpus)
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    out = []
    cat = api.load_catalogue()
    for k, table in enumerate(api.catalogue.TABLES):
        zero_ids = ids[z[:, k]]
        if not len(zero_ids):
            continue
        said = _stated_activity(corpus, table, zero_ids)
        if not len(said):
            continue
        msg = (f"「{cat.table_title(table)}」表数据全部为0，但报告正文称“" + said["text"].astype(str)
               + "”，请核对表格与正文")
        out.append(found(said.index, msg, table=table, expected=said["n"].to_numpy(dtype=float), actual=0.0))
    return pd.concat(out, ignore_index=True) if out else found()


@dataclass(frozen=True)
class _Relations:
    """Total-vs-parts relations of one grid whose cells are all trustworthy and whose total is printed:
    where (``hit``: report and row, or report and column for the （七）总计 row), the total, the
    parts' sum (blank = 0) and whether the parts are all zero."""

    grid: api.Grid
    hit: tuple[np.ndarray, np.ndarray]
    by_row: bool
    key: str  # the total's column (``by_row``) or row
    total: np.ndarray
    parts: np.ndarray
    parts_zero: np.ndarray
    parts_name: str  # how the message names the parts' sum (六类申请人之和)


def _relations(corpus) -> list[_Relations]:
    """Every relation of the requests and appeals tables, computed once per corpus (both rules use it)."""
    return corpus.derived("zeros:relations", _compute_relations)


def _compute_relations(corpus) -> list[_Relations]:
    """Every total identity of the catalogue where the total and its parts disagree about being
    zero: those across columns first (a total column per row), then those across rows (a total row
    per column)."""
    out = []
    idents = [i for i in api.load_catalogue().identities if i.total is not None]
    for across in ("columns", "rows"):
        by_col = across == "columns"
        for ident in [i for i in idents if i.across == across]:
            g = api.grid(corpus, ident.table)
            at = g.c(ident.total) if by_col else g.r(ident.total)
            if g.empty or at < 0:
                continue
            sums, zero, uns = (api.sum_parts if by_col else api.row_sums)(corpus, ident.table, ident.parts)

            def total(a: np.ndarray, by_col=by_col, at=at) -> np.ndarray:
                """The total column (across columns) or total row (across rows) of a report × row × col array."""
                return a[:, :, at] if by_col else a[:, at, :]

            ok = total(g.present) & ~total(g.blank) & ~total(g.unsure) & ~uns
            # Only where a total and its parts disagree about being zero (what both rules look
            # for): the view then holds a few thousand relations, not one per row of every report.
            ok &= (np.abs(np.nan_to_num(total(g.value))) > api.TOL) == zero
            hit = np.nonzero(ok) if by_col else g.col_hits(ok)
            out.append(_Relations(g, hit, by_col, ident.total, total(g.value)[hit], sums[hit], zero[hit], ident.lhs_name))
    return out


def _relation_findings(corpus, keep, text: str) -> pd.DataFrame:
    """Findings for the relations where ``keep(total, parts_zero)`` holds."""
    out = []
    for rel in _relations(corpus):
        sel = np.flatnonzero(keep(rel.total, rel.parts_zero))
        if not len(sel):
            continue
        g, hit = rel.grid, (rel.hit[0][sel], rel.hit[1][sel])
        if rel.by_row:
            row, col = g.rows[hit[1]], rel.key
        else:
            row, col = rel.key, g.cols[hit[1]]
        total, parts = rel.total[sel], rel.parts[sel]
        msg = (api.places(g.table, row, col, n=len(sel)) + "：总计 = " + api.num(total) + "，" + rel.parts_name
               + " = " + api.num(parts) + "，" + text)
        out.append(api.grid_findings(g, hit, msg, row=row, col=col, expected=parts, actual=total))
    return pd.concat(out, ignore_index=True) if out else found()


@rule(
    id="ZERO-TOTAL-WITHOUT-PARTS", title="总计不为0但各分项全部为0",
    category="zeros", severity="error", points=3,
    description=(
        "合计（申请情况表或复议诉讼表的“总计”列，或“（七）总计”行）不为 0，而各分项全为 0 或空白"
        "：通常只填了总计，缺少按申请人、办理结果或审理结果的分项。由本规则而不是勾稽关系规则提示，同一单"
        "元格只提示一次。"
    ),
    fail_example={"cells": {"appeals/litigation_direct/total": 2}},
    pass_example={"cells": {"appeals/litigation_direct/pending": 2, "appeals/litigation_direct/total": 2}},
)
def total_without_parts(corpus):
    return _relation_findings(corpus, lambda total, zero: (np.abs(total) > api.TOL) & zero, "分项数据缺失")


@rule(
    id="ZERO-PARTS-WITHOUT-TOTAL", title="各分项不为0但总计为0",
    category="zeros", severity="error", points=3,
    description=(
        "总计印为 0 而部分分项不为 0：总计停留在模板的 0。（总计印为空白时由勾稽关系规则的提示 A"
        "RITH-TOTAL-BLANK 处理。）"
    ),
    fail_example={"cells": {"requests/granted/total": 0}},
    pass_example={"cells": {"requests/granted/total": None}},
)
def parts_without_total(corpus):
    return _relation_findings(corpus, lambda total, zero: (np.abs(total) <= api.TOL) & ~zero, "总计漏填")


RULES = [all_tables_zero, table_vs_text, total_without_parts, parts_without_total]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="zeros", version=api.VERSION, rules=RULES,
                description="可疑的零值：整表为 0、分项非 0 而总计为 0，或相反。")
