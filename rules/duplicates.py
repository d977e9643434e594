"""The same report submitted twice: one unit and year in two reports, or one text in two files.

A batch collected from many units often holds the same report twice (sent again after a fix,
copied into two folders, a whole folder given twice). Every copy would otherwise be scored and
ranked as a report of its own, and each copy would be "copied" from the other. ``duplicate_groups``
numbers the groups once per corpus; ``XR-DUPLICATE-SUBMISSION`` (registered by the cross_report
pack) reports them, and the copied-text rule never compares two reports of one group.

Two reports are one submission when they name the same unit (trimmed) and year, or, when either
lacks unit or year, when their whole text and cells are identical.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.api import found, parse_failed, rule

#: Other reports named in one message (the rest are counted).
SHOWN = 3


def duplicate_groups(corpus) -> pd.DataFrame:
    """(report_id, group, identical) for the reports that belong to a group of two or more;
    ``group`` numbers the groups, ``identical`` says whether every report of the group has the
    same text and cells (computed once per corpus)."""
    return corpus.derived("duplicates:groups", _duplicate_groups)


def _content_hash(corpus, ids: np.ndarray) -> np.ndarray:
    """One 64-bit hash per report of its section texts and its cells (value and raw), in ``ids`` order.

    Only equality matters (within one run): texts are hashed with Python's own string hash
    (computed once per string object and cached), cells with numpy from their codes and value
    bits; per report the hashes are summed (order-free; uint64 wraps around)."""
    sec = corpus.sections
    index = pd.Index(ids)
    # Each section of these reports hashed on its own (no joined copy of the corpus text), mixed
    # with its position.
    at = index.get_indexer(sec["report_id"].astype(str).to_numpy(dtype=object))
    mine = np.flatnonzero(at >= 0)
    texts = sec["text"].astype(str).to_numpy(dtype=object)[mine]
    sec_h = np.fromiter(map(hash, texts), dtype=np.int64, count=len(texts)).view(np.uint64)
    sec_h = _mix(sec_h ^ _mix(sec["position"].to_numpy()[mine].astype(np.uint64)))
    h = np.zeros(len(ids), dtype=np.uint64)
    np.add.at(h, at[mine], sec_h)
    cells = corpus.cells
    if len(cells):
        def codes(col: str) -> tuple[np.ndarray, pd.Index]:
            cat = pd.Categorical(cells[col]) if not isinstance(cells[col].dtype, pd.CategoricalDtype) else cells[col].array
            return cat.codes, cat.categories

        codes_of = {col: codes(col) for col in ("table", "row", "col", "raw", "report_id")}
        raw_names = codes_of["raw"][1]
        raw_h = np.r_[np.fromiter(map(hash, raw_names.astype(str).to_numpy(dtype=object)), dtype=np.int64,
                                  count=len(raw_names)).view(np.uint64), np.uint64(0)]
        rep, rep_names = codes_of["report_id"]
        at_of = np.r_[index.get_indexer(rep_names.astype(str)), -1]  # code -1 reads the last entry
        value = cells["value"].to_numpy(dtype="float64").view(np.uint64)
        summed = np.zeros(len(ids), dtype=np.uint64)
        for lo in range(0, len(cells), _BLOCK):  # blocks: the temporaries stay in the CPU cache
            b = slice(lo, lo + _BLOCK)
            at = at_of[rep[b]]
            ok = at >= 0
            if not ok.any():  # no cell of these reports
                continue
            take = slice(None) if ok.all() else np.flatnonzero(ok)  # only the cells of these reports
            at = at[take]
            slot = np.zeros(len(at), dtype=np.int64)
            for col in ("table", "row", "col"):  # (table, row, col) as one number, in place
                c, names = codes_of[col]
                slot *= len(names) + 1
                slot += c[b][take]
                slot += 1
            cell_h = slot.view(np.uint64)
            cell_h *= _M1
            cell_h ^= _mix(value[b][take]) * _M2
            cell_h ^= raw_h[codes_of["raw"][0][b][take]] * _M3  # code -1 (no raw text) reads the last entry
            cell_h = _mix(cell_h)
            if len(at) and not (np.diff(at) < 0).any():  # cells in report order (the usual case)
                first = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
                summed[at[first]] += np.add.reduceat(cell_h, first)  # each report once per block
            else:
                np.add.at(summed, at, cell_h)
        h = h ^ summed
    return h


_BLOCK = 1 << 20
_M1, _M2, _M3 = np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0xD6E8FEB86659FD93)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads a 64-bit value over all bits."""
    x = x ^ (x >> np.uint64(30))
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return x


def _duplicate_groups(corpus) -> pd.DataFrame:
    r = corpus.reports
    r = r.assign(report_id=r["report_id"].astype(str))
    r = r.loc[~r["report_id"].isin(parse_failed(corpus))]
    cols = ["report_id", "group", "identical"]
    if len(r) < 2:
        return pd.DataFrame(columns=cols)
    ids = r["report_id"].to_numpy(dtype=object)
    unit = r["unit"].astype(object).where(r["unit"].notna(), None)
    unit = unit.map(lambda u: u.strip() if isinstance(u, str) else None).replace("", None)
    year = r["year"].astype("Int64")
    named = (unit.notna() & year.notna()).to_numpy()
    unit_year = "u\x00" + unit.fillna("").astype(str) + "\x00" + year.astype(str)
    # The content is compared only for a report without unit or year and within a group of one
    # unit and year: only those reports are hashed.
    named_twice = named & unit_year.map(unit_year[named].value_counts()).fillna(0).ge(2).to_numpy()
    need = np.flatnonzero(~named | named_twice)
    content = np.zeros(len(ids), dtype=np.uint64)
    content[need] = _content_hash(corpus, ids[need])
    key = np.where(named, unit_year, "c\x00" + pd.Series(content.astype(str), index=r.index))
    key = pd.Series(key, index=r.index)
    size = key.map(key.value_counts())
    dup = (size >= 2).to_numpy()
    if not dup.any():
        return pd.DataFrame(columns=cols)
    group = pd.factorize(key[dup])[0]
    h = pd.Series(content[dup])
    identical = (h.groupby(group).transform("nunique") == 1).to_numpy()
    return pd.DataFrame({"report_id": ids[dup], "group": group, "identical": identical})


@rule(
    id="XR-DUPLICATE-SUBMISSION",
    title="同一单位同一年度的报告重复提交",
    category="cross_report",
    severity="warning",
    points=0,
    description=(
        "同一批报告中有两份或多份是同一次提交：它们写明的单位和年度相同（内容相同或不同），或者在缺少单位、年度时"
        "正文和表格完全相同。否则每一份都会被当作单独的报告评分、排名，并被判为相互抄袭。同组的每份报告都得到本条提示，"
        "写明其余几份及内容是否相同，由上级确定保留哪一份。不扣分：重复提交是报送环节的问题，不一定是单位的问题。"
    ),
    fail_example={"reports": [{"report_id": "a", "unit": "甲县人民政府办公室", "year": 2023},
                              {"report_id": "a2", "unit": "甲县人民政府办公室 ", "year": 2023,
                               "cells": {"requests/new/natural": 1}}]},
    pass_example={"reports": [{"report_id": "a", "unit": "甲县人民政府办公室", "year": 2023},
                              {"report_id": "a2", "unit": "甲县人民政府办公室", "year": 2022}]},
)
def duplicate_submission(corpus) -> pd.DataFrame:
    g = duplicate_groups(corpus)
    if not len(g):
        return found()
    reps = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str)).set_index("report_id")
    path = g["report_id"].map(reps["path"].astype(str)) if "path" in reps else g["report_id"]
    shown = g["report_id"] + "（" + path + "）"
    members = shown.groupby(g["group"]).agg(list)
    others = [[m for m in members[grp] if m != me] for grp, me in zip(g["group"], shown, strict=True)]
    listed = ["、".join(o[:SHOWN]) + (f" 等 {len(o)} 份" if len(o) > SHOWN else "") for o in others]
    unit = g["report_id"].map(reps["unit"]).fillna("")
    year = g["report_id"].map(reps["year"]).map(lambda v: "" if pd.isna(v) else f"{int(v)}年度")
    who = np.where(unit.astype(str).str.strip() != "", "同一单位（" + unit.astype(str).str.strip() + "）" + year + "的报告",
                   "内容完全相同的报告")
    same = np.where(g["identical"].to_numpy(), "内容完全相同", "内容不同")
    msg = ("本报告与报告 " + pd.Series(listed, index=g.index) + "是" + who + "（" + same
           + "），属于重复提交；请确认以哪一份为准，其余不应重复评分。")
    return found(g["report_id"], msg, expected="每个单位每年一份报告",
                 actual=("共 " + g["group"].map(g["group"].value_counts()).astype(str) + " 份").to_numpy())
