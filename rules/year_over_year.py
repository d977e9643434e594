"""The ``year_over_year`` pack: a report that repeats the same unit's report of the year before.

Local evaluation tables deduct for it (宿迁市 department table: 年报内容50%以上与上年重复 −0.5;
other cities: 雷同). The unit's previous report is the report of the same unit (name after trimming
white space) for the year before, when the corpus holds it (``audit.api.previous_reports``).

Examples hold several reports: ``{"reports": [patch, patch]}``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.api import (
    BLANK,
    VALUE,
    Pack,
    __version__,
    cell_codes,
    cell_report_positions,
    found,
    hookimpl,
    option,
    previous_reports,
    report_positions,
    rule,
    sentence_keys,
)

DEFAULT_REPEAT_SHARE = 0.5
#: Fewer prose sentences than this: a share says nothing.
MIN_SENTENCES = 5
#: Tables with fewer non-zero numbers than this are alike every year for an inactive unit.
MIN_NONZERO = 3

_PROSE = ("本年度，本单位围绕法治政府建设要求，持续深化政务公开工作。", "严格落实政府信息公开审查机制，确保公开内容准确规范。",
          "通过门户网站、政务新媒体等渠道及时发布政策文件。", "依申请公开办理做到登记、审核、答复全流程规范。",
          "加强政务公开业务培训，提升工作人员能力水平。", "主动接受社会监督，认真回应群众关切。")
_TEXT_2023 = {"overview": "".join(_PROSE), "problems": "存在的问题：政策解读形式较为单一。改进情况：丰富图解、视频等解读形式。"}
_TEXT_2024_NEW = {"overview": "2024年，本单位聚焦营商环境优化，推出政策直达专栏。新建基层政务公开标准目录，覆盖12个领域。"
                              "上线依申请公开网上办理系统，实现全程留痕。开展政府开放日活动4次，邀请群众代表参与。"
                              "组织政策解读直播2场，在线答复提问56条。",
                  "problems": "存在的问题：公开专栏更新不够及时。改进情况：建立专栏更新台账，每月通报。"}


def _distinct(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by sorting (numpy 2's hash-based unique of integers is ~100 times slower
    at a million values)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _share(corpus) -> pd.DataFrame:
    """Per report with a previous report: sentences, sentences found in the previous one, share.
    Compared on integer keys (``sentence_keys``: report position, text code), not strings."""
    pairs = previous_reports(corpus)
    keys = sentence_keys(corpus)
    if pairs.empty or keys.empty:
        return pd.DataFrame(columns=["report_id", "prev_id", "year", "n", "repeated", "share"])
    ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
    pos = pairs.assign(r=report_positions(corpus, pairs["report_id"]), p=report_positions(corpus, pairs["prev_id"]))
    if pos["r"].is_unique and (pos[["r", "p"]].to_numpy() >= 0).all():
        n, rep = _repeated_by_code(keys["report"].to_numpy(), keys["text"].to_numpy(), pos["r"].to_numpy(),
                                   pos["p"].to_numpy(), len(ids))
    else:  # a report in two pairs: the general joins
        n, rep = _repeated_by_join(keys, pos)
    n = pd.Series(n.to_numpy(), index=pd.Index(ids[n.index.to_numpy()], name="report_id")).sort_index()
    rep = pd.Series(rep.to_numpy(), index=pd.Index(ids[rep.index.to_numpy()], name="report_id")).reindex(n.index)
    out = pairs.set_index("report_id").loc[n.index, ["prev_id", "year"]]
    return out.assign(n=n, repeated=rep, share=rep / n).reset_index()


@rule(
    id="YOY-TEXT-REPEATED",
    title="年报正文大量沿用上年报告",
    category="cross_report",
    severity="warning",
    points=0.5,
    description=(
        "年报正文（表格以外的文字）中，与本单位上一年度报告相同的句子所占比例超过阈值（默认 50%，可在配置 "
        "[check_thresholds] repeat_share 中修改）。比较前去掉空白和列表符号，数字一律视为相同（只改了年份和数字的句子仍算重复）；"
        "正文少于 5 句的报告不判断。依据：宿迁市部门政务公开考核表“年报内容50%以上与上年重复”扣 0.5 分，其他地方称“雷同”。"
    ),
    fail_example={"reports": [{"report_id": "u2023", "year": 2023, "sections": _TEXT_2023},
                              {"report_id": "u2024", "year": 2024, "sections": _TEXT_2023}]},
    pass_example={"reports": [{"report_id": "u2023", "year": 2023, "sections": _TEXT_2023},
                              {"report_id": "u2024", "year": 2024, "sections": _TEXT_2024_NEW}]},
)
def text_repeated(corpus) -> pd.DataFrame:
    limit = option(corpus, "repeat_share", DEFAULT_REPEAT_SHARE)
    s = _share(corpus)
    bad = s.loc[(s["n"] >= MIN_SENTENCES) & (s["share"] > limit)]
    if bad.empty:
        return found()
    pct = (bad["share"] * 100).round(1).map(lambda v: f"{v:g}%")
    msg = ("本报告正文 " + bad["n"].astype(str) + " 句中有 " + bad["repeated"].astype(str) + " 句（" + pct
           + "）与本单位上一年度报告（" + bad["prev_id"].astype(str) + "，" + (bad["year"] - 1).astype(str)
           + f"年）相同，超过 {limit * 100:g}%，请核对是否照搬上年报告。")
    return found(bad["report_id"], msg, expected=f"≤{limit * 100:g}%", actual=pct)


def _repeated_by_join(keys: pd.DataFrame, pos: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """``_repeated_by_code`` as joins of the sentence keys with the pairs (``pos``: r, p)."""
    s = keys.rename(columns={"report": "r", "text": "t"}).drop_duplicates()
    s = s.loc[s["r"] >= 0]  # a report the reports frame lacks is in no pair
    cur = s.merge(pos[["r", "p"]], on="r")
    hit = cur.merge(s.rename(columns={"r": "p"}), on=["p", "t"])
    n = cur.groupby("r").size()
    return n, hit.groupby("r").size().reindex(n.index, fill_value=0)


def _repeated_by_code(report: np.ndarray, text: np.ndarray, r: np.ndarray, p: np.ndarray, n_reports: int
                      ) -> tuple[pd.Series, pd.Series]:
    """Per report of a pair (``r`` with previous report ``p``, each report in one pair at most)
    with sentences: its distinct sentences and how many of them the previous report has, as the
    joins of ``_share`` count them (Series indexed by report position, ascending)."""
    ok = report >= 0  # a report the reports frame lacks is in no pair
    span = max(int(text.max()) + 1, 1) if len(text) else 1
    key = _distinct(report[ok] * span + text[ok])  # distinct (report, text), sorted
    prev_of = np.full(n_reports, -1, dtype=np.int64)
    prev_of[r] = p
    kr = key // span
    prev = prev_of[kr]
    mine = prev >= 0
    want = prev[mine] * span + key[mine] % span
    at = np.minimum(np.searchsorted(key, want), max(len(key) - 1, 0))
    seen = key[at] == want if len(key) else np.zeros(len(want), dtype=bool)
    n, rep = np.bincount(kr[mine], minlength=n_reports), np.bincount(kr[mine][seen], minlength=n_reports)
    has = np.flatnonzero(n > 0)
    return pd.Series(n[has], index=has), pd.Series(rep[has], index=has)


_BLANKS = ("", "/", "-", "—", "－", "无", "--", "–", "／", "——", "空")


def _table_signatures(corpus) -> pd.DataFrame:
    """Per report: an order-free hash of every (table, row, col, value) of its tables, the number
    of cells, of non-zero values, and whether every cell is known (a number or printed blank).

    Speed (20 million cells): cell keys in int32 and in place, report positions and state codes
    from the shared views, no object arrays."""
    cells = corpus.cells
    ids = pd.Index(corpus.reports["report_id"].astype(str))
    value = cells["value"].to_numpy(dtype="float64")
    if "state" in cells:
        state = cell_codes(corpus).state
        unknown = (state != VALUE) & (state != BLANK)
        at = cell_report_positions(corpus)
    else:  # printed blank decided once per distinct raw text
        raw, raw_cats = _codes(cells["raw"])
        blank_cat = pd.Series(raw_cats.astype(str)).str.strip().isin(_BLANKS).to_numpy()
        blank = (raw >= 0) & (blank_cat[np.clip(raw, 0, None)] if len(blank_cat) else False)
        unknown = np.isnan(value) & ~blank
        rep, rep_cats = _codes(cells["report_id"])
        at_cat = ids.get_indexer(rep_cats.astype(str))
        at = np.where(rep >= 0, at_cat[np.clip(rep, 0, None)] if len(at_cat) else -1, -1)
    keys = [_codes(cells[name]) for name in ("table", "row", "col")]
    wide = bool(len(cells)) and _key_span(cells) >= 2**31
    ok = at >= 0
    in_order = bool(ok.all()) and not (len(at) and (at[1:] < at[:-1]).any())  # cells in report order (usual)
    sig, nonzero = np.zeros(len(ids), dtype=np.uint64), np.zeros(len(ids), dtype=np.int64)
    n, bad = np.zeros(len(ids), dtype=np.int64), np.zeros(len(ids), dtype=np.int64)
    parts = []
    for lo in range(0, len(cells), _BLOCK):  # blocks: the temporaries stay in the CPU cache
        b = slice(lo, lo + _BLOCK)
        h, nz = _cell_hashes(value[b], [(c[b], cats) for c, cats in keys], wide)
        if in_order:
            a = at[b]
            first = np.flatnonzero(np.r_[True, a[1:] != a[:-1]])
            sig[a[first]] += np.add.reduceat(h, first)  # wraps: the same cells in any order, the same sum
            nonzero += np.bincount(a[nz], minlength=len(ids))
            n += np.bincount(a, minlength=len(ids))  # per block: bincount copies what it counts
            bad += np.bincount(a[unknown[b]], minlength=len(ids))
        else:
            parts.append((h, nz))
    if not in_order:
        h = np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, dtype=np.uint64)
        nonzero_cell = np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, dtype=bool)
        if not ok.all():
            at, h, nonzero_cell, unknown = at[ok], h[ok], nonzero_cell[ok], unknown[ok]
        if len(at) and (np.diff(at) < 0).any():
            order = np.argsort(at, kind="stable")
            at, h, nonzero_cell, unknown = at[order], h[order], nonzero_cell[order], unknown[order]
        if len(at):
            first = np.flatnonzero(np.r_[True, at[1:] != at[:-1]])
            sig[at[first]] = np.add.reduceat(h, first)
        nonzero = np.bincount(at[nonzero_cell], minlength=len(ids))
        n, bad = np.bincount(at, minlength=len(ids)), np.bincount(at[unknown], minlength=len(ids))
    return pd.DataFrame({"sig": sig, "n": n, "nonzero": nonzero, "known": bad == 0,
                         "edition": corpus.reports["edition"].astype(object).to_numpy()},
                        index=pd.Index(ids.to_numpy(dtype=object), name="report_id"))


_BLOCK = 1 << 20


def _cell_hashes(value: np.ndarray, keys: list[tuple[np.ndarray, pd.Index]], wide: bool) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: the hash of its (table, row, col) key and rounded value, and whether the value is
    non-zero. The key is ((t + 1) * (n_r + 1) + r + 1) * (n_c + 1) + c + 1, built in place."""
    v = _rounded(value)
    key = np.zeros(len(value), dtype=np.int64 if wide else np.int32)
    for c, cats in keys:
        key *= len(cats) + 1
        key += c
        key += 1
    h = key.astype(np.uint64)
    h *= np.uint64(0x9E3779B97F4A7C15)
    h ^= v.view(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    h ^= h >> np.uint64(29)
    return h, np.abs(v) > 1e-9


def _codes(col: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Category codes (the frame's own when categorical) and categories of a column."""
    cat = col.array if isinstance(col.dtype, pd.CategoricalDtype) else pd.Categorical(col)
    return cat.codes, pd.Index(cat.categories)


def _key_span(cells: pd.DataFrame) -> int:
    """How many distinct (table, row, col) keys ``_table_signatures`` can form."""
    span = 1
    for name in ("table", "row", "col"):
        span *= len(_codes(cells[name])[1]) + 1
    return span


def _rounded(value: np.ndarray) -> np.ndarray:
    """``np.where(np.isnan(value), 0.0, np.round(value, 6))``, rounding only the values that can
    change: a whole number below 2**31 is its own rounding (x * 1e6 and back are exact)."""
    v = value.copy()
    v[np.isnan(v)] = 0.0
    inexact = np.abs(v) >= 2.0**31
    inexact |= np.floor(v) != v
    v[inexact] = np.round(v[inexact], 6)
    return v


@rule(
    id="YOY-TABLES-SAME",
    title="统计表数据与上年报告完全相同",
    category="cross_report",
    severity="warning",
    points=2,
    description=(
        "本报告三张统计表（主动公开、依申请公开、行政复议和行政诉讼）的每一个数据都与本单位上一年度报告相同。"
        "一年中主动公开、申请和复议诉讼的数字全部不变几乎不可能，通常是照抄了上年的表格。"
        "只在两年表格版本相同、所有单元格都读出、且至少有 3 个非零数据时判断（全为 0 的小单位逐年相同属正常）。"
    ),
    fail_example={"reports": [{"report_id": "u2023", "year": 2023}, {"report_id": "u2024", "year": 2024}]},
    pass_example={"reports": [{"report_id": "u2023", "year": 2023},
                              {"report_id": "u2024", "year": 2024, "cells": {"active/licensing/decisions": 131}}]},
)
def tables_same(corpus) -> pd.DataFrame:
    pairs = previous_reports(corpus)
    if pairs.empty:
        return found()
    sig = _table_signatures(corpus)
    a, b = sig.loc[pairs["report_id"]].reset_index(drop=True), sig.loc[pairs["prev_id"]].reset_index(drop=True)
    same = ((a["sig"] == b["sig"]) & (a["n"] == b["n"]) & a["known"] & b["known"] & (a["edition"] == b["edition"])
            & a["edition"].notna() & (a["nonzero"] >= MIN_NONZERO)).to_numpy()
    bad, n = pairs.loc[same], a.loc[same, "n"]
    msg = ("本报告三张统计表的全部 " + n.astype(str).to_numpy() + " 个数据与本单位上一年度报告（" + bad["prev_id"].to_numpy()
           + "，" + (bad["year"] - 1).astype(str).to_numpy() + "年）完全相同，请核对是否照抄了上年数据。")
    return found(bad["report_id"], msg, expected="与上年不同的本年数据",
                 actual="与" + bad["prev_id"].astype(str) + "完全相同")


RULES = [text_repeated, tables_same]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="year_over_year", version=__version__, rules=RULES,
                description="年报与本单位上一年度报告相比：正文大量沿用、表格数据完全相同。")
