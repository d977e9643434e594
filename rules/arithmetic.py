"""The ``arithmetic`` pack: the 勾稽关系 printed in (or implied by) the three statistics tables.

Conventions shared by every rule here (see ``_common`` for cell states):

- a part printed blank counts as 0; a *total* printed blank is not an arithmetic error but the
  info finding ``ARITH-TOTAL-BLANK`` (when its parts are not all zero);
- an identity involving an unsure cell (short row, glued digits, non-numeric text) is not asserted:
  the structure pack reports the reader's problem once;
- a total that is non-zero while all its parts are zero (or zero while some part is not) is left to
  the ``zeros`` pack (``ZERO-TOTAL-WITHOUT-PARTS`` / ``ZERO-PARTS-WITHOUT-TOTAL``), which names the
  pattern more precisely; the sum rules here fire only when both sides carry numbers;
- sums are compared with an absolute tolerance of ``_common.TOL``;
- the identities themselves (which cells add up to which) are the catalogue's (``identities`` in
  ``data/api.catalogue.yaml``); each rule here checks one of them by its id.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, found, hookimpl, rule


def _identity(identity_id: str):
    """One of the catalogue's identities (the rules here check them as declared there)."""
    return api.load_catalogue().identity(identity_id)


def _row_total_findings(corpus, ident) -> pd.DataFrame:
    """An identity across columns: its ``total`` column == the sum of its part columns, per row."""
    table = ident.table
    g = api.grid(corpus, table)
    t = g.c(ident.total)
    if g.empty or t < 0:
        return found()
    s, parts_zero, parts_unsure = api.sum_parts(corpus, table, ident.parts)
    total = g.value[:, :, t]
    with np.errstate(invalid="ignore"):
        fire = (g.present[:, :, t] & ~g.blank[:, :, t] & ~g.unsure[:, :, t] & ~parts_unsure
                & (np.abs(total - s) > api.TOL) & ~(parts_zero | (np.abs(total) < api.TOL)))
    hit = np.nonzero(fire)
    if not len(hit[0]):
        return found()
    rows = g.rows[hit[1]]
    exp, act = s[hit], total[hit]
    msg = (api.places(table, rows, ident.total) + "：" + ident.lhs_name + " = " + api.num(exp)
           + f"，“{api.load_catalogue().col_label(table, ident.total)}”列 = " + api.num(act))
    return api.grid_findings(g, hit, msg, row=rows, col=ident.total, expected=exp, actual=act)


def _row_totals(table: str) -> list[str]:
    """Rows of ``table`` that are the total of an identity across rows (a blank one is ARITH-TOTAL-BLANK)."""
    return [i.total for i in api.load_catalogue().identities_of(table, "rows") if i.total]


@rule(
    id="ARITH-REQ-BALANCE", title="申请情况表各列“第一项加第二项之和等于第三项加第四项之和”不成立",
    category="arithmetic", severity="error", points=5,
    description=(
        "申请情况表每一列都应满足“一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续"
        "办理”：这是表头自己印明的勾稽关系（本列数据的勾稽关系为……）。分项空白按 0 计；（七）总计空"
        "白时由 ARITH-TOTAL-BLANK 提示；有单元格未能定位的列不作判断。"
    ),
    fail_example={"cells": {"requests/new/natural": 5, "requests/new/total": 5}},
    pass_example={"cells": {"requests/new/natural": 5, "requests/new/total": 5,
                            "requests/carried_next/natural": 2, "requests/carried_next/total": 2}},
)
def req_balance(corpus):
    ident = _identity("requests_balance")
    g = api.grid(corpus, ident.table)
    lhs_rows, rhs_rows = [g.r(k) for k in ident.lhs], [g.r(k) for k in ident.rhs]
    rows = [*lhs_rows, *rhs_rows]
    if g.empty or min(rows) < 0:
        return found()
    w = api.effective_values(corpus, ident.table)
    lhs, rhs = _side(w, lhs_rows), _side(w, rhs_rows)
    trusted = (g.present[:, rows, :] & ~g.unsure[:, rows, :]).all(axis=1)
    fire = (np.abs(lhs - rhs) > api.TOL) & trusted
    for k in _row_totals(ident.table):
        if k in ident.terms:
            fire &= ~g.blank[:, g.r(k), :]
    hit = g.col_hits(fire)
    if not len(hit[0]):
        return found()
    cols = g.cols[hit[1]]
    msg = (api.places(ident.table, None, cols) + "：" + ident.lhs_name + " = " + api.num(lhs[hit])
           + "，" + ident.rhs_name + " = " + api.num(rhs[hit]))
    return api.grid_findings(g, hit, msg, row=None, col=cols, expected=lhs[hit], actual=rhs[hit])


def _side(w: np.ndarray, rows: list[int]) -> np.ndarray:
    """Per [report, col]: the sum of ``rows`` of the values ``w`` (blank = 0), left to right."""
    out = api.zeroed(w[:, rows[0], :])
    for i in rows[1:]:
        out = out + api.zeroed(w[:, i, :])
    return out


@rule(
    id="ARITH-REQ-HANDLED-SUM", title="“（七）总计”行不等于各办理结果之和",
    category="arithmetic", severity="error", points=5,
    description=(
        "申请情况表的“（七）总计”每一列应等于各项办理结果之和（2021 版 21 个末级行，2019 "
        "版 19 个；按报告实际印出的行求和，混用两版格式的报告按所印内容求和）。空白结果按 0 计。末"
        "级行或总计未能定位、总计空白（见 ARITH-TOTAL-BLANK）或一侧全为 0（由零值规则"
        "处理）时不作判断。"
    ),
    fail_example={"cells": {"requests/handled_total/natural": 4, "requests/handled_total/total": 4,
                            "requests/new/natural": 4, "requests/new/total": 4}},
    pass_example={"cells": {"requests/granted/natural": 3, "requests/granted/total": 3,
                            "requests/handled_total/natural": 4, "requests/handled_total/total": 4,
                            "requests/new/natural": 4, "requests/new/total": 4}},
)
def req_handled_sum(corpus):
    ident = _identity("requests_handled_total")
    g = api.grid(corpus, ident.table)
    h = g.r(ident.total)
    if g.empty or h < 0:
        return found()
    sums, leaves_zero, leaves_unsure = api.row_sums(corpus, ident.table, ident.parts)
    tot = g.value[:, h, :]
    with np.errstate(invalid="ignore"):
        fire = (g.present[:, h, :] & ~g.blank[:, h, :] & ~g.unsure[:, h, :] & ~leaves_unsure
                & (np.abs(tot - sums) > api.TOL) & ~(leaves_zero | (np.abs(tot) < api.TOL)))
    hit = g.col_hits(fire)
    if not len(hit[0]):
        return found()
    cols = g.cols[hit[1]]
    msg = (api.places(ident.table, ident.total, cols) + "：" + ident.lhs_name + " = " + api.num(sums[hit])
           + "，填报的总计 = " + api.num(tot[hit]))
    return api.grid_findings(g, hit, msg, row=ident.total, col=cols, expected=sums[hit], actual=tot[hit])


@rule(
    id="ARITH-REQ-ROW-TOTAL", title="申请情况表“总计”列不等于六类申请人之和",
    category="arithmetic", severity="error", points=3,
    description=(
        "申请情况表每一行的“总计”应等于六类申请人（自然人、商业企业、科研机构、社会公益组织、法律服务机"
        "构、其他）之和。分项空白按 0 计；总计空白见 ARITH-TOTAL-BLANK；总计非 0 "
        "而分项全为 0（或相反）由零值规则处理。"
    ),
    fail_example={"cells": {"requests/granted/natural": 2, "requests/granted/commercial": 1,
                            "requests/granted/total": 2}},
    pass_example={"cells": {"requests/granted/natural": 1, "requests/granted/commercial": 1,
                            "requests/granted/total": 2}},
)
def req_row_total(corpus):
    return _row_total_findings(corpus, _identity("requests_row_total"))


@rule(
    id="ARITH-APPEALS-TOTAL", title="行政复议、行政诉讼“总计”不等于各结果之和",
    category="arithmetic", severity="error", points=3,
    description=(
        "行政复议栏和行政诉讼两栏（未经复议直接起诉、复议后起诉）中，总计 = 结果维持 + 结果纠正 +"
        " 其他结果 + 尚未审结。分项空白按 0 计；总计空白见 ARITH-TOTAL-BLANK；总"
        "计非 0 而分项全为 0（或相反）由零值规则处理。"
    ),
    fail_example={"cells": {"appeals/review/upheld": 1, "appeals/review/corrected": 1, "appeals/review/total": 3}},
    pass_example={"cells": {"appeals/review/upheld": 1, "appeals/review/corrected": 2, "appeals/review/total": 3}},
)
def appeals_total(corpus):
    return _row_total_findings(corpus, _identity("appeals_group_total"))


def _blank_totals(g: api.Grid, blank: np.ndarray, expected: np.ndarray, *, by_row: bool, total: str) -> pd.DataFrame:
    """Findings for blank total cells (``blank``) whose parts sum (``expected``) is non-zero.

    ``blank`` is [report, row] in the ``total`` column (``by_row``), or [report, col] in the ``total`` row.
    """
    with np.errstate(invalid="ignore"):
        mask = blank & (np.abs(expected) > api.TOL)
    hit = np.nonzero(mask) if by_row else g.col_hits(mask)
    if not len(hit[0]):
        return found()
    if by_row:
        row, col = g.rows[hit[1]], total
    else:
        row, col = total, g.cols[hit[1]]
    msg = api.places(g.table, row, col, n=len(hit[0])) + "：总计未填写，各分项之和为 " + api.num(expected[hit])
    return api.grid_findings(g, hit, msg, row=row, col=col, expected=expected[hit], actual="空")


@rule(
    id="ARITH-TOTAL-BLANK", title="总计未填写",
    category="arithmetic", severity="info", points=0,
    description=(
        "合计单元格（申请情况表或复议诉讼表的“总计”列，或“（七）总计”行）印为空白，而其分项并非全为 "
        "0。有的报告把 0 甚至总计都留空；空白不算计算错误，但上级可能要求补填总计。分项全为 0 时总"
        "计空白是一致的，不提示。"
    ),
    fail_example={"cells": {"requests/granted/total": None}},
    pass_example={"cells": {"requests/denied_law/total": None}},
)
def total_blank(corpus):
    out = []
    idents = api.load_catalogue().identities
    for ident in [i for i in idents if i.across == "columns"] + [i for i in idents if i.across == "rows"]:
        if ident.total is None:
            continue
        g = api.grid(corpus, ident.table)
        if ident.across == "columns":
            t = g.c(ident.total)
            if g.empty or t < 0:
                continue
            s, _, _ = api.sum_parts(corpus, ident.table, ident.parts)
            bl = g.blank[:, :, t].copy()
            for k in _row_totals(ident.table):  # （七）总计/总计 is checked against the leaves
                if g.r(k) >= 0:
                    bl[:, g.r(k)] = False
            out.append(_blank_totals(g, bl, s, by_row=True, total=ident.total))
        elif not g.empty and g.r(ident.total) >= 0:
            sums, _, _ = api.row_sums(corpus, ident.table, ident.parts)
            out.append(_blank_totals(g, g.blank[:, g.r(ident.total), :], sums, by_row=False, total=ident.total))
    out = [o for o in out if len(o)]
    return pd.concat(out, ignore_index=True) if out else found()


def _cells_at(corpus, idx: np.ndarray) -> pd.DataFrame:
    """The cells at positions ``idx`` (a rare subset), keys as plain strings."""
    cc = api.cell_codes(corpus)
    return pd.DataFrame({"report_id": cc.report_ids[cc.report[idx]],
                         "table": cc.tables.to_numpy(dtype=object)[cc.table[idx]],
                         "row": cc.rows.to_numpy(dtype=object)[cc.row[idx]],
                         "col": cc.cols.to_numpy(dtype=object)[cc.col[idx]], "value": cc.value[idx]})


def _cells_outside(corpus, idx: np.ndarray, cols) -> np.ndarray:
    """The positions of ``idx`` whose column is not one of ``cols``."""
    cc = api.cell_codes(corpus)
    return idx[~np.isin(cc.col[idx], cc.cols.get_indexer(list(cols)))]


def _cell_places(df: pd.DataFrame) -> pd.Series:
    parts = [api.places(t, g["row"], g["col"]).set_axis(g.index) for t, g in df.groupby("table", sort=False)]
    return pd.concat(parts).reindex(df.index) if parts else pd.Series([], dtype=object)


@rule(
    id="ARITH-NEGATIVE", title="数量为负数",
    category="arithmetic", severity="error", points=3,
    description=(
        "件数和金额不能为负数；只有 2019 版的“本年增/减”列可以为负。负数通常是录入错误，或把差额"
        "填进了别的列。"
    ),
    fail_example={"cells": {"active/penalty/decisions": -15}},
    pass_example={"edition": "2019", "cells": {"active/penalty/change": -3}},
)
def negative(corpus):
    v = api.cell_codes(corpus).value
    return _bad_cells(corpus, np.flatnonzero(v < -api.TOL), api.load_catalogue().signed_columns, "：数量不应为负数，填报为 ", "≥0")


def _bad_cells(corpus, idx: np.ndarray, exempt_cols, text: str, expected: str) -> pd.DataFrame:
    """One finding per cell at ``idx`` (cell-code positions) outside the ``exempt_cols``: its place,
    ``text`` and the printed value."""
    df = _cells_at(corpus, _cells_outside(corpus, idx, exempt_cols))
    if not len(df):
        return found()
    msg = _cell_places(df).reset_index(drop=True) + text + api.num(df["value"])
    return found(df["report_id"], msg, table=df["table"], row=df["row"], col=df["col"],
                 expected=expected, actual=df["value"].to_numpy())


@rule(
    id="ARITH-NON-INTEGER", title="件数不是整数",
    category="arithmetic", severity="error", points=2,
    description=(
        "除金额列（本年收费金额、采购总金额）外，各列统计的是文件、决定、申请或案件的件数，都应为整数。出"
        "现小数通常是小数点错位，或把金额填进了件数列。"
    ),
    fail_example={"cells": {"requests/granted/natural": 1.5, "requests/granted/total": 1.5}},
    pass_example={"cells": {"active/fees/amount": 12.35}},
)
def non_integer(corpus):
    v = api.cell_codes(corpus).value
    idx = []
    for lo in range(0, len(v), 1 << 20):  # in blocks: no temporary as long as the cells frame
        b = v[lo:lo + (1 << 20)]
        frac = np.round(b)
        np.subtract(b, frac, out=frac)
        np.abs(frac, out=frac)
        idx.append(np.flatnonzero(frac > api.TOL) + lo)  # False for NaN
    idx = np.concatenate(idx) if idx else np.zeros(0, dtype=np.int64)
    return _bad_cells(corpus, idx, api.load_catalogue().fractional_columns, "：件数应为整数，填报为 ", "整数")


@rule(
    id="ARITH-ACTIVE-IN-FORCE", title="现行有效件数少于本年制发且未废止的件数",
    category="arithmetic", severity="warning", points=1,
    description=(
        "2021 版表格中规章和行政规范性文件的“现行有效件数”（年末存量）= 上年存量 + 本年制发件"
        "数 − 本年废止件数 − 有效期届满失效的件数。上年存量不印在表中，所以“现行有效 ≥ 本年制发"
        "”并非恒等式（本年制发的文件也可能本年废止）；但上年存量不会为负，因此除非有文件到期失效而未计入"
        "废止，“现行有效 ≥ 本年制发 − 本年废止”必须成立。这种例外确实存在但很少，所以这是请核实的"
        "警告，不是错误。空白按 0 计。"
    ),
    fail_example={"cells": {"active/normative_documents/issued": 5, "active/normative_documents/repealed": 1,
                            "active/normative_documents/in_force": 2}},
    pass_example={"cells": {"active/normative_documents/issued": 5, "active/normative_documents/repealed": 3,
                            "active/normative_documents/in_force": 2}},
)
def active_in_force(corpus):
    g = api.grid(corpus, "active")
    j = {k: g.c(k) for k in ("issued", "repealed", "in_force")}
    if g.empty or min(j.values()) < 0:
        return found()
    ok = g.present[:, :, j["in_force"]] & g.present[:, :, j["issued"]] & ~g.unsure[:, :, list(j.values())].any(axis=2)
    v = {k: api.zeroed(g.value[:, :, i]) for k, i in j.items()}
    floor = v["issued"] - v["repealed"]
    hit = np.nonzero(ok & (v["in_force"] < floor - api.TOL))
    if not len(hit[0]):
        return found()
    rows = g.rows[hit[1]]
    f, cur = floor[hit], v["in_force"][hit]
    msg = (api.places("active", rows, "in_force") + " = " + api.num(cur) + "，少于本年制发件数减本年废止件数 ("
           + api.num(v["issued"][hit]) + " − " + api.num(v["repealed"][hit]) + " = " + api.num(f) + ")，请核实")
    return api.grid_findings(g, hit, msg, row=rows, col="in_force", expected=f, actual=cur)


RULES = [req_balance, req_handled_sum, req_row_total, appeals_total, total_blank, negative, non_integer,
         active_in_force]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="arithmetic", version=api.VERSION, rules=RULES,
                description="勾稽关系：三张统计表印明或隐含的等式。")
