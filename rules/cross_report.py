"""The ``cross_report`` pack: checks that need more than one report of the corpus.

- A unit's report of year Y and its report of Y-1 (same ``unit`` string, compared after trimming
  white space) must agree where one continues the other: applications carried over, regulations
  / normative documents in force (edition 2021), and the items counted at the end of last year
  (上一年项目数量, edition 2019).
- Narrative sections that are (nearly) the same text in two reports were copied, between units or
  from last year.

How copied sentences are found is the helper module ``copying``; duplicate submissions are
``duplicates`` (both serve this pack only).

Examples of these rules hold several reports: ``{"reports": [patch, patch]}`` (each patch as for
``audit.testing.build_report``; report ids default to r1, r2, …).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, fmt_series, found, hookimpl, parse_failed, rule, section_keys

from .copying import copied_pairs
from .duplicates import duplicate_groups, duplicate_submission


def _readable_reports(corpus) -> pd.DataFrame:
    r = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    return r.loc[~r["report_id"].isin(parse_failed(corpus))]


def consecutive_pairs(corpus) -> pd.DataFrame:
    """(report_id, prev_id, unit, year) for every report whose unit also reported the year before."""
    return corpus.derived("cross_report:pairs", _consecutive_pairs)


def _consecutive_pairs(corpus) -> pd.DataFrame:
    r = _readable_reports(corpus)
    r = r.loc[r["unit"].notna() & r["year"].notna(), ["report_id", "unit", "year", "edition"]]
    codes, units = pd.factorize(r["unit"].astype(str))  # units repeat (one report a year): strip each once
    r = r.assign(unit=pd.Series(units, dtype=object).str.strip().to_numpy(dtype=object)[codes],
                 year=r["year"].astype("int64"))
    r = r.loc[r["unit"] != ""]
    unit_no = pd.factorize(r["unit"])[0]  # join on (unit number, year), not on strings
    year = r["year"].to_numpy()
    span = int(year.max() - year.min()) + 2 if len(year) else 1
    r = r.assign(_key=unit_no.astype(np.int64) * span + (year - (year.min() if len(year) else 0)))
    prev = r.rename(columns={"report_id": "prev_id", "edition": "prev_edition"})
    prev = prev.assign(_key=prev["_key"] + 1)[["prev_id", "prev_edition", "_key"]]
    return r.merge(prev, on="_key", how="inner").drop(columns="_key")


def continuing_pairs(corpus) -> pd.DataFrame:
    """``consecutive_pairs`` whose earlier report is evidence for the later one: not a report that
    printed every table all zero. Such a report is flagged on its own (ZERO-ALL-TABLES, a template
    filled with 0); its zeros say nothing against the next year's figures, which would otherwise
    lose points for them. The other way round (this year all zero, last year not) is still checked,
    on this year's report."""
    pairs = consecutive_pairs(corpus)
    _, valued, nonzero = api.table_presence(corpus)
    all_zero = (valued & ~nonzero).all(axis=1)
    at = api.report_positions(corpus, pairs["prev_id"])
    return pairs.loc[~np.where(at >= 0, all_zero[np.maximum(at, 0)], False)]


def _row_cells(corpus, table: str, row: str) -> pd.DataFrame:
    """Cells of one row in cells order: report code, col code, value (printed blanks are 0).

    Unsure cells (the reader could not place them, or flagged the row as glued or short) are left
    out: an unread number is not a 0 to compare with the other year."""
    cc = api.cell_codes(corpus)
    t, r = cc.tables.get_indexer([table])[0], cc.rows.get_indexer([row])[0]
    idx = np.flatnonzero(cc.row == r) if t >= 0 and r >= 0 else np.zeros(0, dtype=np.int64)
    idx = idx[cc.table[idx] == t]  # row names are (almost) table-specific: one full comparison, not two
    idx = idx[~_unsure(corpus, table, row, cc.report[idx], cc.col[idx])]
    return pd.DataFrame({"rc": cc.report[idx].astype(np.int64), "cc": cc.col[idx].astype(np.int64),
                         "value": api.zeroed(cc.value[idx])})


def _unsure(corpus, table: str, row: str, report_codes: np.ndarray, col_codes: np.ndarray) -> np.ndarray:
    """For cells given by cell-code report and column, whether the table's grid marks them unsure."""
    g = api.grid(corpus, table)
    i = g.r(row)
    if i < 0 or not len(report_codes):
        return np.zeros(len(report_codes), dtype=bool)
    cc = api.cell_codes(corpus)
    # Looked up once per report and per column code, then gathered per cell (no string per cell).
    at = pd.Index(g.ids).get_indexer(pd.Index(cc.report_ids))[report_codes]
    j = g.cols.get_indexer(cc.cols)[col_codes]
    ok = (at >= 0) & (j >= 0)
    out = np.zeros(len(report_codes), dtype=bool)
    out[ok] = g.unsure[at[ok], i, j[ok]]
    return out


@rule(
    id="XR-CARRY-OVER",
    title="上年结转数与上一年度报告的结转下年度数不一致",
    category="cross_report",
    severity="warning",
    points=3,
    description=(
        "一个单位上一年度报告的“四、结转下年度继续办理”申请，就是本年度报告的“二、上年结转政府信息公开"
        "申请数量”。当该单位相邻两年的报告都在本次审核中时，每一类申请人列都应一致。不一致说明两份报告中"
        "有一份有误（或两年的数据不是出自同一台账）。问题记在后一年的报告上，并写明两份报告。"
        "上一年度报告三张表全部为 0 的（已由 ZERO-ALL-TABLES 提示核实），其 0 不作为核对依据，不据此扣本年报告的分。"
    ),
    fail_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {
            "requests/new/natural": 4, "requests/new/total": 4,
            "requests/carried_next/natural": 1, "requests/carried_next/total": 1}},
        {"report_id": "u2024", "year": 2024},
    ]},
    pass_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {
            "requests/new/natural": 4, "requests/new/total": 4,
            "requests/carried_next/natural": 1, "requests/carried_next/total": 1}},
        {"report_id": "u2024", "year": 2024, "cells": {
            "requests/carried_over/natural": 1, "requests/carried_over/total": 1,
            "requests/granted/natural": 3, "requests/granted/total": 3,
            "requests/handled_total/natural": 4, "requests/handled_total/total": 4}},
    ]},
)
def carry_over(corpus) -> pd.DataFrame:
    pairs = continuing_pairs(corpus)
    if pairs.empty:
        return found()
    codes = pd.Index(api.cell_codes(corpus).report_ids)  # join on integer codes, not on strings
    pairs = pairs.assign(rc=codes.get_indexer(pairs["report_id"]), pc=codes.get_indexer(pairs["prev_id"]))
    cur = _row_cells(corpus, "requests", "carried_over").rename(columns={"value": "this"})
    prev = _row_cells(corpus, "requests", "carried_next").rename(columns={"rc": "pc", "value": "last"})
    if api.has_duplicate_cells(corpus):  # a cell twice: the general many-to-many join
        j = pairs.merge(cur, on="rc").merge(prev, on=["pc", "cc"])
        bad = j.loc[j["this"] != j["last"]]
    else:
        pair, col, this, last = _join_rows(pairs, cur, prev, len(codes), len(api.cell_codes(corpus).cols))
        differs = this != last
        bad = pairs.iloc[pair[differs]].reset_index(drop=True).assign(
            cc=col[differs], this=this[differs], last=last[differs])
    bad = bad.assign(col=api.cell_codes(corpus).cols.to_numpy(dtype=object)[bad["cc"].to_numpy()])
    if bad.empty:
        return found()
    cat = api.catalogue.load()
    col_label = bad["col"].map({c: cat.col_label("requests", c) for c in cat.request_columns})
    msg = api.join_text(f"「{cat.table_title('requests')}」表“{cat.row_label('requests', 'carried_over')}”行“", col_label,
                      "”列为 ", fmt_series(bad["this"]), "，而该单位上一年度报告（", bad["prev_id"], "，",
                      (bad["year"] - 1).astype(str), f"年）“{cat.row_label('requests', 'carried_next')}”行同列为 ",
                      fmt_series(bad["last"]), "（本报告 ", bad["report_id"], "），两者应相等。")
    return found(bad["report_id"], msg, table="requests", row="carried_over", col=bad["col"],
                 expected=bad["last"], actual=bad["this"])


def _join_rows(pairs: pd.DataFrame, cur: pd.DataFrame, prev: pd.DataFrame, n_reports: int, n_cols: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The rows of ``pairs.merge(cur, on="rc").merge(prev, on=["pc", "cc"])`` for cells that occur
    once, with numpy: each pair's current cells in cells order, each matched with the previous
    report's cell of the same column. Returns the pair (row of ``pairs``), cc, this and last."""
    order = np.argsort(cur["rc"].to_numpy(), kind="stable")  # cells order within each report
    rc, col, this = (cur[k].to_numpy()[order] for k in ("rc", "cc", "this"))
    count = np.bincount(rc, minlength=n_reports)
    first = np.cumsum(count) - count
    p_rc, p_pc = pairs["rc"].to_numpy(), pairs["pc"].to_numpy()
    per_pair = np.where(p_rc >= 0, count[p_rc], 0)
    pair = np.repeat(np.arange(len(pairs)), per_pair)
    cell = first[p_rc[pair]] + np.arange(len(pair)) - np.repeat(np.cumsum(per_pair) - per_pair, per_pair)
    last = np.full((n_reports + 1, n_cols), np.nan)  # row -1: a previous report without cells
    has = np.zeros((n_reports + 1, n_cols), dtype=bool)
    last[prev["pc"].to_numpy(), prev["cc"].to_numpy()] = prev["last"].to_numpy()
    has[prev["pc"].to_numpy(), prev["cc"].to_numpy()] = True
    pc, cols = p_pc[pair], col[cell]
    keep = has[pc, cols]
    pair, cell, pc, cols = pair[keep], cell[keep], pc[keep], cols[keep]
    return pair, cols, this[cell], last[pc, cols]


_IN_FORCE_ROWS = ("regulations", "normative_documents")


def _active_rows_of_pairs(corpus, edition: str, rows: tuple[str, ...], this: dict[str, str],
                          last: dict[str, str]) -> pd.DataFrame:
    """One line per consecutive pair of ``edition`` reports and row of ``rows`` of table 二: the
    pair (``continuing_pairs``), ``row``, then for each name of ``this`` / ``last`` the cell of that
    column in this / last year's report; lines with any cell unknown or unsure are left out."""
    pairs = continuing_pairs(corpus)
    pairs = pairs.loc[(pairs["edition"] == edition) & (pairs["prev_edition"] == edition)]
    g = api.grid(corpus, "active")
    at = pd.Index(g.ids)
    cur, prev = at.get_indexer(pairs["report_id"]), at.get_indexer(pairs["prev_id"])
    frames = [pairs.assign(row=row, **{name: _cell_values(g, row, col)[cur] for name, col in this.items()},
                           **{name: _cell_values(g, row, col)[prev] for name, col in last.items()})
              for row in rows]
    return pd.concat(frames, ignore_index=True).dropna(subset=[*this, *last])


def _cell_values(g: api.Grid, row: str, col: str) -> np.ndarray:
    """One cell per report of the grid (printed blank = 0), NaN where absent or unsure; a trailing
    NaN for position -1 (a report not in the grid)."""
    i, j = g.r(row), g.c(col)
    if i < 0 or j < 0:
        return np.full(len(g.ids) + 1, np.nan)
    trusted = g.present[:, i, j] & ~g.unsure[:, i, j]  # an unread number is not a 0
    return np.r_[np.where(trusted, api.zeroed(g.value[:, i, j]), np.nan), np.nan]


@rule(
    id="XR-IN-FORCE",
    title="现行有效件数与上一年度报告不衔接",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "2021 版表格中规章和行政规范性文件的“现行有效件数”是逐年滚动的存量：本年数应等于上年数加本"
        "年制发件数减本年废止件数。该单位相邻两年的报告都是 2021 版时核对。不一致通常是沿用了旧数字"
        "，或废止的文件没有计入。上一年度报告三张表全部为 0 的（已由 ZERO-ALL-TABLES 提示核实），其 0 不作为核对依据，不据此扣本年报告的分。"
    ),
    fail_example={"reports": [
        {"report_id": "u2023", "year": 2023},
        {"report_id": "u2024", "year": 2024},
    ]},
    pass_example={"reports": [
        {"report_id": "u2023", "year": 2023, "cells": {"active/normative_documents/in_force": 8}},
        {"report_id": "u2024", "year": 2024},
    ]},
)
def in_force(corpus) -> pd.DataFrame:
    j = _active_rows_of_pairs(corpus, "2021", _IN_FORCE_ROWS, this={"issued": "issued", "repealed": "repealed",
                                                                    "this": "in_force"}, last={"last": "in_force"})
    j = j.assign(expected=j["last"] + j["issued"] - j["repealed"])
    bad = j.loc[~np.isclose(j["this"], j["expected"])]
    if bad.empty:
        return found()
    cat = api.catalogue.load()
    place = bad["row"].map({r: cat.place("active", r, "in_force") for r in _IN_FORCE_ROWS})
    msg = api.join_text(place, "为 ", fmt_series(bad["this"]), "，但上一年度报告（", bad["prev_id"], "，",
                      (bad["year"] - 1).astype(str), "年）现行有效 ", fmt_series(bad["last"]), " 件 + 本年制发 ",
                      fmt_series(bad["issued"]), " 件 − 本年废止 ", fmt_series(bad["repealed"]), " 件 = ",
                      fmt_series(bad["expected"]), "（本报告 ", bad["report_id"], "），两者应相等。")
    return found(bad["report_id"], msg, table="active", row=bad["row"], col="in_force",
                 expected=bad["expected"], actual=bad["this"])


_ITEM_ROWS = ("licensing", "other_services", "penalty", "enforcement", "fees")


@rule(
    id="XR-PREV-ITEMS",
    title="上一年项目数量与上一年度报告不衔接",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "2019 版表格中行政许可、其他对外管理服务事项、行政处罚、行政强制和行政事业性收费的“上一年项目数量”"
        "是上一年末的项目数：应等于上一年度报告的“上一年项目数量”加该报告的“本年增/减”。该单位相邻两年的报告"
        "都是 2019 版时核对。不一致通常是沿用了旧数字，或上一年的增减没有计入。上一年度报告三张表全部为 0 的（已由 ZERO-ALL-TABLES 提示核实），其 0 不作为核对依据，不据此扣本年报告的分。"
    ),
    fail_example={"reports": [
        {"report_id": "u2019", "year": 2019, "edition": "2019"},
        {"report_id": "u2020", "year": 2020, "edition": "2019", "cells": {"active/licensing/prev_items": 35}},
    ]},
    pass_example={"reports": [
        {"report_id": "u2019", "year": 2019, "edition": "2019", "cells": {"active/licensing/change": 5}},
        {"report_id": "u2020", "year": 2020, "edition": "2019", "cells": {"active/licensing/prev_items": 35}},
    ]},
)
def prev_items(corpus) -> pd.DataFrame:
    j = _active_rows_of_pairs(corpus, "2019", _ITEM_ROWS, this={"this": "prev_items"},
                              last={"last": "prev_items", "change": "change"})
    j = j.assign(expected=j["last"] + j["change"])
    bad = j.loc[~np.isclose(j["this"], j["expected"])]
    if bad.empty:
        return found()
    cat = api.catalogue.load()
    place = bad["row"].map({r: cat.place("active", r, "prev_items") for r in _ITEM_ROWS})
    msg = api.join_text(place, "为 ", fmt_series(bad["this"]), "，但上一年度报告（", bad["prev_id"], "，",
                        (bad["year"] - 1).astype(str), "年）上一年项目数量 ", fmt_series(bad["last"]), " + 本年增/减 ",
                        fmt_series(bad["change"]), " = ", fmt_series(bad["expected"]), "（本报告 ", bad["report_id"],
                        "），两者应相等。")
    return found(bad["report_id"], msg, table="active", row=bad["row"], col="prev_items",
                 expected=bad["expected"], actual=bad["this"])


# -- copied narrative ------------------------------------------------------------------------------

COPY_SECTIONS = ("overview", "problems")


@rule(
    id="XR-COPIED-TEXT",
    title="叙述内容与其他报告几乎相同",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "本报告的“总体情况”或“存在的主要问题及改进情况”一节，与本次审核中另一份报告（其他单位的，或同"
        "一单位其他年度的）同一节逐句相同。比较时去掉空白、标点和数字（换了日期和数字也掩盖不了照抄）；至"
        "少 3 句且较长一节的 80% 相同才算。超过 50 份报告共有的句子视为模板用语。每份报告只提"
        "示与它最相近的一份。"
    ),
    fail_example={"reports": [
        {"report_id": "a", "unit": "甲县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
        {"report_id": "b", "unit": "乙县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
    ]},
    pass_example={"reports": [
        {"report_id": "a", "unit": "甲县人民政府办公室", "sections": {"problems": (
            "一是部分单位信息发布属性界定还不够精确，部分栏目存在信息噪音。二是政策解读形式不够丰富，未能充分运用图表图解。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将加强业务培训，完善考核制度，提升公开质量。")}},
        {"report_id": "b", "unit": "乙县人民政府办公室", "sections": {"problems": (
            "一是政务新媒体更新频率不高，互动回应不够及时。二是基层公开专区内容更新滞后，标准目录落实不到位。"
            "三是依申请公开答复的规范化水平有待进一步提升。下一步将建立月度通报机制，推动问题整改到位。")}},
    ]},
)
def copied_text(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    codes = corpus.sections["canonical"].cat.categories.get_indexer(list(COPY_SECTIONS))
    at = np.flatnonzero(k.checkable & np.isin(k.canonical, codes[codes >= 0]))
    sec = pd.DataFrame({"report_id": k.ids[k.report[at]],
                        "canonical": corpus.sections["canonical"].cat.categories.to_numpy(dtype=object)[k.canonical[at]],
                        "text": corpus.sections["text"].to_numpy(dtype=object)[at]})
    groups = duplicate_groups(corpus)
    best = copied_pairs(sec, groups.set_index("report_id")["group"] if len(groups) else None)
    if best.empty:
        return found()
    reps = _readable_reports(corpus).set_index("report_id")
    unit = best["other_id"].map(reps["unit"]).fillna("单位不明").astype(str)
    # Per finding, not per report: pandas 3 keeps <NA> missing through astype(str), so spell it out.
    year = best["other_id"].map(reps["year"]).map(lambda v: "年度不明" if pd.isna(v) else f"{int(v)}年")
    cat = api.catalogue.load()
    title = best["canonical"].map({c: cat.section_title(c) for c in COPY_SECTIONS})
    msg = ("「" + title + "」与报告 " + best["other_id"] + "（" + unit + "，" + year + "）的同一部分几乎相同："
           + best["shared"].astype(str) + "/" + best["n"].astype(str) + " 句一致，请核对是否照搬。")
    return found(best["report_id"], msg, expected="本单位本年度的情况", actual=best["other_id"])


RULES = [carry_over, in_force, prev_items, copied_text, duplicate_submission]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="cross_report", version=api.VERSION, rules=RULES,
                description="跨报告比对：同一单位相邻两年的衔接，以及照抄的文字。")
