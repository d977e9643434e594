"""The ``hierarchy`` pack: a government's summary report against its units' reports.

A people's government's annual report sums up its own work and its departments', townships' and
sub-districts' (本级政府汇总), so no cell of 表三 (依申请公开) or 表四 (复议、诉讼) can be smaller than
the same cell summed over the units under it. Which units are under which comes from the units
file (``audit run --units``; contract 4: ``corpus.options["units"]``, columns unit, parent, …);
without it the pack is silent. Reports are matched to units by name (white space trimmed).

Only cells known on both sides are compared (a number read or a printed blank; never an unread
cell as 0), and only the smaller side is a finding: a larger summary is normal (本级 has its own
applications). Units under the parent that have no report for that year are named in the finding,
since their figures are missing from the sum.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.api import (
    Pack,
    __version__,
    catalogue,
    fmt_series,
    found,
    hookimpl,
    known_cells,
    rule,
    units_frame,
    unreadable,
)

TABLES = ("requests", "appeals")
TOL = 1e-6

_UNITS = [{"unit": "示例区人民政府", "region": "示例区", "level": "区县", "parent": None, "kind": "人民政府"},
          {"unit": "示例区教育局", "region": "示例区", "level": "区县", "parent": "示例区人民政府", "kind": "部门"},
          {"unit": "示例区城关街道办事处", "region": "示例区", "level": "乡镇", "parent": "示例区人民政府", "kind": "街道"},
          {"unit": "示例区河口镇人民政府", "region": "示例区", "level": "乡镇", "parent": "示例区人民政府", "kind": "乡镇"}]
_SUMMARY_OK = {"requests/new/natural": 9, "requests/new/total": 9, "requests/granted/natural": 7,
               "requests/granted/total": 7, "requests/unable_not_held/natural": 2,
               "requests/unable_not_held/total": 2, "requests/handled_total/natural": 9, "requests/handled_total/total": 9,
               "appeals/review/upheld": 3, "appeals/review/total": 3}


def _keys(corpus, table: str) -> list[str]:
    cells = corpus.cells
    sub = cells.loc[(cells["table"] == table).to_numpy(), ["row", "col"]].astype(object).drop_duplicates()
    return [f"{r}/{c}" for r, c in sub.itertuples(index=False)]


def _families(corpus) -> pd.DataFrame:
    """(parent_id, child unit, child_id or None, year) for every parent report and each unit under it."""
    units = units_frame(corpus)
    if units is None or units.empty:
        return pd.DataFrame(columns=["parent_id", "child", "child_id", "year"])
    r = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    r = r.loc[~r["report_id"].isin(unreadable(corpus)) & r["unit"].notna() & r["year"].notna()]
    r = pd.DataFrame({"report_id": r["report_id"].to_numpy(dtype=object),
                      "unit": r["unit"].astype(str).str.strip().to_numpy(dtype=object),
                      "year": r["year"].astype("int64").to_numpy()}).drop_duplicates(["unit", "year"])
    links = units.loc[units["parent"].notna() & units["unit"].notna(), ["unit", "parent"]].drop_duplicates()
    parents = r.rename(columns={"report_id": "parent_id", "unit": "parent"}).merge(links, on="parent")
    fam = parents.merge(r.rename(columns={"report_id": "child_id"}), on=["unit", "year"], how="left")
    return fam.rename(columns={"unit": "child"})[["parent_id", "child", "child_id", "year"]]


@rule(
    id="HIER-BELOW-CHILDREN",
    title="本级政府汇总报告的数据小于所属单位报告之和",
    category="cross_report",
    severity="warning",
    points=1,
    description=(
        "人民政府的年度报告是本级政府的汇总报告，表三（收到和处理政府信息公开申请情况）和表四（行政复议、行政诉讼情况）"
        "的每个数据都应不小于所属部门、乡镇、街道同一年度报告同一单元格之和（单位隶属关系来自 --units 单位名单的“上级单位”列）。"
        "汇总数小于下级之和，说明汇总漏报了下级的申请或案件。只比较两边都读出的单元格；所属单位当年没有报告的，"
        "在问题说明中列出（它们的数据不在下级之和中）。没有单位名单时不检查。"
    ),
    fail_example={"options": {"units": _UNITS}, "reports": [
        {"report_id": "gov", "unit": "示例区人民政府"}, {"report_id": "edu", "unit": "示例区教育局"},
        {"report_id": "town", "unit": "示例区河口镇人民政府"}]},
    pass_example={"options": {"units": _UNITS}, "reports": [
        {"report_id": "gov", "unit": "示例区人民政府", "cells": _SUMMARY_OK}, {"report_id": "edu", "unit": "示例区教育局"},
        {"report_id": "town", "unit": "示例区河口镇人民政府"}]},
)
def below_children(corpus) -> pd.DataFrame:
    fam = _families(corpus)
    if fam.empty or fam["child_id"].isna().all():
        return found()
    missing = (fam.loc[fam["child_id"].isna()].groupby("parent_id")["child"].agg("、".join))
    kids = fam.loc[fam["child_id"].notna()]
    out = [_table_findings(corpus, t, kids, missing) for t in TABLES]
    return pd.concat(out, ignore_index=True)


def _table_findings(corpus, table: str, kids: pd.DataFrame, missing: pd.Series) -> pd.DataFrame:
    keys = _keys(corpus, table)
    if not keys:
        return found()
    k = known_cells(corpus, table, keys)
    child = k.loc[kids["child_id"].to_numpy()].to_numpy()
    group = pd.factorize(kids["parent_id"].to_numpy(dtype=object))
    parent_ids = np.asarray(group[1], dtype=object)
    n_group = len(parent_ids)
    sums = np.zeros((n_group, len(keys)))
    unknown = np.zeros((n_group, len(keys)), dtype=bool)
    np.add.at(sums, group[0], np.nan_to_num(child, nan=0.0))
    np.logical_or.at(unknown, group[0], np.isnan(child))
    parent = k.loc[parent_ids].to_numpy()
    bad = ~unknown & ~np.isnan(parent) & (parent < sums - TOL)
    gi, kj = np.nonzero(bad)
    if not len(gi):
        return found()
    cat = catalogue.load()
    key_rows = np.array([key.split("/")[0] for key in keys], dtype=object)
    key_cols = np.array([key.split("/")[1] for key in keys], dtype=object)
    key_place = np.array([cat.place(table, r, c) for r, c in zip(key_rows, key_cols, strict=True)], dtype=object)
    rows, cols, place = key_rows[kj], key_cols[kj], pd.Series(key_place[kj], dtype=object)
    n_kids = kids.groupby("parent_id").size()
    pid = pd.Series(parent_ids[gi], dtype=object)
    detail = _child_values(kids, child, group[0], gi, kj)
    gone = pid.map(missing).astype(object)
    gone_text = ("；当年未见报告的所属单位：" + gone.fillna("") + "（其数据不在下级之和中）").where(gone.notna(), "")
    msg = (place + "：本级政府汇总报告为 " + fmt_series(pd.Series(parent[gi, kj])) + "，小于所属 "
           + pid.map(n_kids).astype(str) + " 个单位报告之和 " + fmt_series(pd.Series(sums[gi, kj])) + "（" + detail
           + "）" + gone_text + "。")
    return found(pid, msg, table=table, row=rows, col=cols, expected=sums[gi, kj], actual=parent[gi, kj])


#: Units named in a finding, largest first; the others are counted.
SHOWN_CHILDREN = 5


def _child_values(kids: pd.DataFrame, child: np.ndarray, group: np.ndarray, gi: np.ndarray, kj: np.ndarray) -> pd.Series:
    """For each flagged (parent group, cell): "unit value、…" of the units with a non-zero value,
    largest first (at most ``SHOWN_CHILDREN``, then 等 N 个单位)."""
    names = kids["child"].to_numpy(dtype=object)
    f = pd.DataFrame({"fid": np.arange(len(gi)), "g": gi, "j": kj})
    m = f.merge(pd.DataFrame({"g": group, "i": np.arange(len(group))}), on="g")
    m = m.assign(v=child[m["i"].to_numpy(), m["j"].to_numpy()])
    m = m.loc[m["v"] > 0].sort_values(["fid", "v"], ascending=[True, False], kind="stable")
    m = m.assign(rank=m.groupby("fid").cumcount())
    top = m.loc[m["rank"] < SHOWN_CHILDREN]
    text = pd.Series(names[top["i"].to_numpy()], index=top.index) + " " + fmt_series(top["v"])
    joined = text.groupby(top["fid"].to_numpy()).agg("、".join).reindex(range(len(gi)), fill_value="")
    n = m.groupby("fid").size().reindex(range(len(gi)), fill_value=0)
    more = pd.Series(np.where(n > SHOWN_CHILDREN, "等 " + n.astype(str) + " 个单位", ""), index=n.index)
    return (joined + more).reset_index(drop=True)


RULES = [below_children]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="hierarchy", version=__version__, rules=RULES,
                description="本级政府汇总报告与所属单位报告之和的比较（需要 --units 单位名单）。")
