"""Chinese headers and values for everything a supervisor reads (CSV, XLSX, HTML, terminal).

One place for the words: category, severity, status and baseline values; the scorecard and
findings headers; the canonical table/row/column keys turned into their printed labels. The
JSON export keeps the English keys and values (the machine contract); every other export goes
through ``scorecard_labelled`` / ``findings_labelled``.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pandas as pd

from audit.contracts import catalogue

CATEGORY_ZH = {
    "parse": "文件读取", "structure": "表格结构", "arithmetic": "勾稽关系", "sections": "章节完整性",
    "template": "模板版本", "zeros": "零值异常", "narrative": "正文与表格一致性", "metadata": "基本信息",
    "cross_report": "跨报告比对", "risk": "风险提示",
}
SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}
STATUS_ZH = {"scored": "已评分", "unrated": "无法评定"}
BASELINE_ZH = {"new": "新增", "known": "以前已有"}
YES_NO = {True: "是", False: "否"}
MISSING_STATUS = "未提交（应报尽报）"

SCORECARD_HEADERS = {
    "report_id": "报告编号", "unit": "单位", "year": "年度", "edition": "表格版本", "status": "评定状态",
    "score": "得分", "grade": "等级", "rank": "排名", "errors": "错误数", "warnings": "警告数",
    "infos": "提示数", "waived": "已豁免数", "status_reason": "无法评定原因", "unchecked_tables": "未能核查的表格",
    "region": "地区", "level": "层级", "kind": "类型", "parent": "上级单位", "region_rank": "地区内排名",
    "prev_score": "上年得分", "score_change": "得分变化", "source": "源文件",
    "requests_new": "本年新收申请数", "requests_handled": "办理结果总计", "review_total": "行政复议总计",
    "litigation_total": "行政诉讼总计", "active_in_force": "规章和规范性文件现行有效件数",
    **{f"{k}": f"{v}问题数" for k, v in CATEGORY_ZH.items()},
    "correction_rate": "纠错率", "disclosure_rate": "实质公开率", "denial_rate": "不予公开率", "carry_rate": "结转率",
}
FINDINGS_HEADERS = {
    "report_id": "报告编号", "unit": "单位", "rule_id": "规则编号", "pack": "规则包", "category": "类别",
    "severity": "级别", "points": "扣分", "place": "位置", "table": "表格", "row": "行（栏）", "col": "列",
    "expected": "应为", "actual": "实际", "message": "问题说明", "waived": "已豁免", "waiver_reason": "豁免理由",
    "fingerprint": "问题指纹", "baseline": "与上次比较", "source": "源文件",
}
REGION_HEADERS = {"region": "地区", "level": "层级", "reports": "报告数", "mean_score": "平均得分",
                  "min_score": "最低得分", "failed": "不合格数"}
MISSING_HEADERS = {"unit": "单位名称", "region": "地区", "level": "层级", "parent": "上级单位", "kind": "类型",
                   "status": "状态"}


@cache
def _key_labels() -> tuple[dict[str, str], dict[tuple[str, str], str], dict[tuple[str, str], str]]:
    cat = catalogue.load()
    tables = {t: cat.table_title(t) for t in catalogue.TABLES}
    rows = {(t, r): cat.row_label(t, r) for t in catalogue.TABLES for r in cat.raw["tables"][t]["rows"]}
    rows.update({("appeals", "review"): "行政复议", ("appeals", "litigation_direct"): "行政诉讼·未经复议直接起诉",
                 ("appeals", "litigation_after_review"): "行政诉讼·复议后起诉"})
    cols = {(t, c): cat.col_label(t, c) for t in catalogue.TABLES for c in cat.raw["tables"][t]["columns"]}
    return tables, rows, cols


def _mapped(s: pd.Series, mapping: dict) -> pd.Series:
    """``s`` with each value found in ``mapping`` replaced (missing and other values as they are);
    each distinct value looked up once."""
    obj = s.astype(object)
    values = obj.to_numpy()
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
    except TypeError:  # unhashable values: one lookup per value
        return obj.map(lambda v: mapping.get(v, v) if v is not None and v == v else v)
    known = np.fromiter((u in mapping for u in uniques), bool, len(uniques))
    if not known.any():
        return obj
    new = np.empty(len(uniques), dtype=object)
    new[known] = [mapping[u] for u, k in zip(uniques, known, strict=True) if k]
    at = np.flatnonzero((codes >= 0) & known[codes]) if len(uniques) else np.empty(0, np.intp)
    out = values.copy()
    out[at] = new[codes[at]]
    return pd.Series(out, index=s.index, dtype=object)


def _pair_labels(first: np.ndarray, second: np.ndarray, labels: dict) -> np.ndarray:
    """``labels.get((a, b), b)`` for each pair of ``first`` and ``second``, each distinct pair looked up once."""
    out = second.copy()
    ca, ua = pd.factorize(first, use_na_sentinel=True)
    cb, ub = pd.factorize(second, use_na_sentinel=True)
    ok = np.flatnonzero((ca >= 0) & (cb >= 0))
    if not len(ok):
        return out
    pairs, inverse = np.unique(ca[ok].astype(np.int64) * len(ub) + cb[ok], return_inverse=True)
    keys = [(ua[p // len(ub)], ub[p % len(ub)]) for p in pairs.tolist()]
    found = np.fromiter((k in labels for k in keys), bool, len(keys))
    new = np.empty(len(keys), dtype=object)
    new[found] = [labels[k] for k, f in zip(keys, found, strict=True) if f]
    hit = found[inverse]
    out[ok[hit]] = new[inverse[hit]]
    return out


def key_labels(findings: pd.DataFrame) -> pd.DataFrame:
    """``table``, ``row``, ``col`` of ``findings`` as the printed labels (unknown keys kept as they are)."""
    tables, rows, cols = _key_labels()
    t = findings["table"].astype(object)
    out = pd.DataFrame(index=findings.index)
    out["table"] = _mapped(t, tables)
    out["row"] = _pair_labels(t.to_numpy(), findings["row"].astype(object).to_numpy(), rows)
    out["col"] = _pair_labels(t.to_numpy(), findings["col"].astype(object).to_numpy(), cols)
    return out


def findings_labelled(findings: pd.DataFrame) -> pd.DataFrame:
    """findings.csv as a supervisor reads it: Chinese headers, categories, severities and printed places."""
    f = findings.copy()
    if len(f):
        f["category"] = _mapped(f["category"], CATEGORY_ZH)
        f["severity"] = _mapped(f["severity"], SEVERITY_ZH)
        if {"table", "row", "col"} <= set(f.columns):
            f[["table", "row", "col"]] = key_labels(f)
        if "waived" in f:
            f["waived"] = _mapped(f["waived"].astype(object).fillna(False).astype(bool), YES_NO)
        if "baseline" in f:
            f["baseline"] = _mapped(f["baseline"], BASELINE_ZH)
    return f.rename(columns=FINDINGS_HEADERS)


def scorecard_labelled(scorecard: pd.DataFrame, missing: list[dict] | None = None) -> pd.DataFrame:
    """scorecard.csv as a supervisor reads it: Chinese headers and status; expected units with no
    report follow as rows whose 评定状态 is 未提交（应报尽报）."""
    card = scorecard.copy()
    if "status" in card:
        card["status"] = _mapped(card["status"], STATUS_ZH)
    if missing:
        extra = pd.DataFrame([{"unit": m.get("unit"), "region": m.get("region"), "level": m.get("level"),
                               "kind": m.get("kind"), "parent": m.get("parent"), "status": MISSING_STATUS}
                              for m in missing])
        if "status" not in card:
            card.insert(min(4, len(card.columns)), "status", STATUS_ZH["scored"])
        extra = extra[[c for c in extra.columns if c in card.columns or c == "status"]]
        card = pd.concat([card, extra], ignore_index=True)
    return card.rename(columns=SCORECARD_HEADERS)

# Why a 99 can rank below a 90 (``audit.scoring.policy``): said wherever ranks of partly checked
# reports are shown (report.html's units table, the 排名 header of scorecard.xlsx).
RANK_NOTE = ("名次：三张统计表都已核查的报告排在前面，有表格未能核查的报告（见“未能核查的表格”列）排在其后，"
             "各自按得分排列。未能核查的表格没有核对，也就没有扣分，所以这些报告不排在全部核查的报告之前。")
