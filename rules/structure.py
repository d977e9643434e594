"""The ``structure`` pack: what the reader could not read, placed where it could not read it.

Readers never guess; they record ``problems``. This pack turns each of them into exactly one
finding (a short row is one ``STRUCT-MISSING-CELLS`` finding, not one per identity the other packs
could not check: those packs skip rows with unsure cells). Reports whose edition is unknown
(legacy or unrecognised formats) get no "table missing" finding: the template pack reports the
format instead. The whole-table rules (missing, unread, printed blank) live in the helper module
``unread_tables``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, found, hookimpl, rule

from .unread_tables import ROW_KINDS, _null, table_blank, table_missing, table_unread, unread_tables


def _where(df: pd.DataFrame) -> pd.Series:
    """Printed place of each problem row; problems with no known table are named generically."""
    cat = api.load_catalogue()
    known = set(api.catalogue.TABLES)
    keys = [df[k].to_numpy(dtype=object, copy=True) for k in ("table", "row", "col")]
    for a in keys:
        a[pd.isna(a)] = None  # NaN is not equal to itself: one None makes the memo below work
    memo: dict[tuple, str] = {}
    out = []
    for key in zip(*(a.tolist() for a in keys), strict=True):
        if key not in memo:
            t, r, k = key
            memo[key] = (cat.place(t, r if isinstance(r, str) else None, k if isinstance(k, str) else None)
                         if isinstance(t, str) and t in known else "统计表")
        out.append(memo[key])
    return pd.Series(out, dtype=object)


def reader_message(place: pd.Series, detail: pd.Series, text: str, advice: str) -> pd.Series:
    """The finding's sentence: the reader's own Chinese detail when it has one, else ``text``.

    Readers write details as full Chinese sentences that usually start with the place
    (「…」表“…”行只印有 5 个值…); those are kept verbatim (prefixed with the place when they lack it)
    and followed by ``advice``. Terse or English details go in brackets after ``text``.
    """
    codes, details = pd.factorize(detail.fillna("").astype(str).to_numpy(dtype=object))  # details repeat
    d = pd.Series(details, dtype=object)
    chinese = d.str.contains(r"[\u4e00-\u9fff]", regex=True).to_numpy()[codes]
    placed = d.str.startswith("「").to_numpy()[codes]
    detail = np.asarray(details, dtype=object)[codes]
    place = place.to_numpy(dtype=object)
    own = api.join_text(np.where(placed, detail, api.join_text(place, "：", detail)), "；", advice)
    terse = api.join_text(place, "：", text, np.where(detail != "", api.join_text("（", detail, "）"), ""))
    return pd.Series(np.where(chinese, own, terse), dtype=object)


def _problem_findings(corpus, kind: str, text: str, advice: str) -> pd.DataFrame:
    """One finding per reader problem of ``kind`` (rows of a table reported whole by
    ``STRUCT-TABLE-UNREAD`` are left to that finding)."""
    p = api.problems_of(corpus, [kind])
    if len(p) and kind in ROW_KINDS:
        whole = unread_tables(corpus)
        if len(whole):
            key = p["report_id"].astype(str) + "\x00" + p["table"].astype(str)
            covered = key.isin(set(whole["report_id"] + "\x00" + whole["table"])) & p["row"].notna()
            p = p[~covered.to_numpy()].reset_index(drop=True)
    if not len(p):
        return found()
    detail = p["detail"].fillna("").astype(str)
    msg = reader_message(_where(p), detail, text, advice)
    return found(p["report_id"].astype(str), msg, table=_null(p["table"]), row=_null(p["row"]),
                 col=_null(p["col"]), actual=_null(detail.where(detail.str.len() > 0)))


@rule(
    id="STRUCT-MISSING-CELLS", title="表格行缺少单元格",
    category="structure", severity="error", points=3,
    description=(
        "某一行读到的数值少于该版本应印的个数（短行），且无法判断缺的是哪几列，因此该行的数值一个都未放入"
        "表格。该行的勾稽关系不作核对，由这一条提示代替。"
    ),
    fail_example={"problems": [{"kind": "missing_cells", "table": "requests", "row": "new",
                                "detail": "5 of 7 values"}]},
    pass_example={},
)
def missing_cells(corpus):
    return _problem_findings(corpus, "missing_cells", "该行数据不完整，无法核对", "该行的勾稽关系未予核对，请补全数据")


@rule(
    id="STRUCT-EXTRA-CELLS", title="表格行多出单元格",
    category="structure", severity="warning", points=1,
    description=(
        "某一行读到的数值多于该版本应印的个数（长行：多出的数字、脚注或自行增加的列）。多出的内容未被使用"
        "，请核对该行。"
    ),
    fail_example={"problems": [{"kind": "extra_cells", "table": "requests", "row": "granted",
                                "detail": "8 values for 7 columns"}]},
    pass_example={},
)
def extra_cells(corpus):
    return _problem_findings(corpus, "extra_cells", "该行数值多于表格列数，请核实", "请核实该行数据")


@rule(
    id="STRUCT-STRAY-CELLS", title="表格行末尾多出空白单元格",
    category="structure", severity="info", points=0,
    description=(
        "某一行印全了各列数值，末尾又多出空白或为 0 的单元格（网页或 Word 表格的残留）。各数值已"
        "按所属列读取，多余单元格已忽略；仅作提示，不扣分。"
    ),
    fail_example={"problems": [{"kind": "stray_cells", "table": "requests", "row": "handled_total",
                                "detail": "末尾多印了 1 个空白或为 0 的单元格"}]},
    pass_example={},
)
def stray_cells(corpus):
    return _problem_findings(corpus, "stray_cells", "该行末尾有多余的空白或 0 单元格，已忽略", "无需处理")


@rule(
    id="STRUCT-AMBIGUOUS-SPLIT", title="数字粘连无法唯一拆分",
    category="structure", severity="warning", points=1,
    description=(
        "页面文字中一整行的数字可能粘连在一起（如 200 000121）。只有恰好一种拆分满足表格的勾稽"
        "关系时才采用；否则记录此问题且不放入任何数值，因为放错单元格的数值会变成错误的指控。"
    ),
    fail_example={"problems": [{"kind": "ambiguous_split", "table": "requests", "row": "new",
                                "detail": "2000121 has 3 splits"}]},
    pass_example={},
)
def ambiguous_split(corpus):
    return _problem_findings(corpus, "ambiguous_split", "数字粘连，无法唯一确定各单元格数值，请核实",
                             "该行未予核对，请核实各单元格数值")


@rule(
    id="STRUCT-GLUED-NO-READING", title="粘连数字无论怎样拆分都不满足勾稽关系",
    category="structure", severity="error", points=3,
    description=(
        "网页文本中一行的数字可能粘连在一起（如 801000081）。若把印出的数字拆成该行各单元格的每一种方式都不满足该行的勾稽关系"
        "（总计 = 六类申请人之和；表四每组五项），或各粘连行的拆分组合都不满足表三的列勾稽关系，则无论原意如何，印出的数字必有错误。"
        "读取器记录 identity_broken 且不放置任何数值；本条是对此的唯一问题，定位到该行。"
    ),
    fail_example={"problems": [{"kind": "identity_broken", "table": "requests", "row": "new",
                                "detail": "「三、收到和处理政府信息公开申请情况」表“本年新收政府信息公开申请数量”行的数字“10002”"
                                          "粘连在一起，共有 15 种拆分方式，没有一种满足六类申请人之和等于“总计”"}]},
    pass_example={"problems": [{"kind": "ambiguous_split", "table": "requests", "row": "new",
                                "detail": "2000121 has 3 splits"}]},
)
def glued_no_reading(corpus):
    return _problem_findings(corpus, "identity_broken", "粘连数字无论怎样拆分都不满足勾稽关系",
                             "请核对该处数据并更正")


_SPLIT_NOTE_DETAIL = ("「二、主动公开政府信息情况」表“行政规范性文件”行的数字“72150”粘连在一起，本报告内有 6 种可能的拆分；"
                      "与下一年度报告（u2022，2022年）“行政规范性文件”行（本年制发件数 20、本年废止件数 5、现行有效件数 165）"
                      "衔接的只有一种（后一年度的现行有效件数应等于前一年度的现行有效件数加后一年度本年制发件数、减本年废止件数，"
                      "由此推得的上年现行有效件数不能为负）：本年制发件数 7、本年废止件数 2、现行有效件数 150，已按此读取")


@rule(
    id="STRUCT-SPLIT-BY-OTHER-YEAR", title="粘连数字按相邻年度报告拆分",
    category="structure", severity="info", points=0,
    description=(
        "页面文字中一行的数字粘连在一起（如 72150），本报告内有多种拆分都说得通。同一单位上一年度或下一年度的报告也在本次审核中时，"
        "按两年之间应当衔接的数字核对每一种拆分（现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数；上年结转 = "
        "上年“结转下年度继续办理”同列；推得上年现行有效件数为负的拆分不算）：恰好只有一种衔接时按这一种读取，并以本条写明依据"
        "（哪份报告、哪一行），供核实。另一年的该行全印为 0（像未填写的表），或另一年的报告与它自己的相邻年度也不衔接时，"
        "不据以读取，该行仍按“数字粘连无法唯一拆分”提示。只作说明，不扣分。"
    ),
    fail_example={"problems": [{"kind": "split_by_other_year", "table": "active", "row": "normative_documents",
                                "detail": _SPLIT_NOTE_DETAIL}]},
    pass_example={"problems": [{"kind": "ambiguous_split", "table": "active", "row": "normative_documents",
                                "detail": "72150 has 6 splits"}]},
)
def split_by_other_year(corpus):
    return _problem_findings(corpus, "split_by_other_year", "粘连数字已按相邻年度报告拆分",
                             "仅作说明；如与原件不符，请核实")


@rule(
    id="STRUCT-SPLIT-OTHER-YEAR-CONFLICT", title="粘连数字无论怎样拆分都与相邻年度报告不衔接",
    category="structure", severity="warning", points=2,
    description=(
        "页面文字中一行的数字粘连在一起，本报告内有多种拆分。同一单位上一年度或下一年度的报告也在本次审核中，但没有一种拆分"
        "能与之衔接（现行有效件数 = 上年现行有效件数 + 本年制发件数 − 本年废止件数；上年结转 = 上年“结转下年度继续办理”同列；"
        "另一年的该行也粘连时，与它的任何一种拆分都不衔接）：无论原意如何，两份报告的数字必有一处有误，或两年的数据不是出自"
        "同一台账。该行数值不予放入；本条代替“数字粘连无法唯一拆分”，定位到该行并写明另一份报告，与 XR-IN-FORCE 同级。"
    ),
    fail_example={"problems": [{"kind": "other_year_conflict", "table": "active", "row": "normative_documents",
                                "detail": "「二、主动公开政府信息情况」表“行政规范性文件”行的数字“77132470”粘连在一起，本报告内有 21 "
                                          "种可能的拆分，没有一种与上一年度报告（u2022，2022年）“行政规范性文件”行（现行有效件数 698）"
                                          "衔接"}]},
    pass_example={"problems": [{"kind": "split_by_other_year", "table": "active", "row": "normative_documents",
                                "detail": _SPLIT_NOTE_DETAIL}]},
)
def split_other_year_conflict(corpus):
    return _problem_findings(corpus, "other_year_conflict", "粘连数字无论怎样拆分都与相邻年度报告不衔接",
                             "请核对两份报告中该行的数据")


@rule(
    id="STRUCT-UNMAPPED-LABEL", title="无法识别的表格标签",
    category="structure", severity="warning", points=1,
    description=(
        "某个行或列的标签无法对应到任何标准键名（两个版本都没有，也不是已知的变体）。其数值未被使用。要么"
        "报告改动了官方模板，要么目录需要补充新的别名。"
    ),
    fail_example={"problems": [{"kind": "unmapped_label", "table": "active", "detail": "行政征收"}]},
    pass_example={},
)
def unmapped_label(corpus):
    return _problem_findings(corpus, "unmapped_label", "存在无法识别的标签，其数据未纳入核对",
                             "其数据未纳入核对，请按标准表格填报")


@rule(
    id="STRUCT-NON-NUMERIC", title="单元格内容不是数字",
    category="structure", severity="error", points=2,
    description=(
        "单元格里的文字既不是数字，也不是空白标记（“/”“-”“—”“无”），例如中文数字或备注。来自读"
        "取器记录的非数字问题和未能解析的原文；每个单元格提示一次。"
    ),
    fail_example={"cells": {"requests/granted/natural": "raw:二"}},
    pass_example={"cells": {"requests/denied_law/natural": None}},
)
def non_numeric(corpus):
    p = api.problems_of(corpus, ["non_numeric"])
    from_problems = pd.DataFrame({"report_id": p["report_id"].astype(str), "table": p["table"].astype(object),
                                  "row": p["row"].astype(object), "col": p["col"].astype(object),
                                  "raw": p["detail"].fillna("").astype(str)})
    cells = corpus.cells
    sub = cells.iloc[np.flatnonzero(api.cell_codes(corpus).state == api.TEXT)]  # printed, but not a number
    from_cells = pd.DataFrame({"report_id": sub["report_id"].astype(str).to_numpy(),
                               "table": sub["table"].astype(str).to_numpy(), "row": sub["row"].astype(str).to_numpy(),
                               "col": sub["col"].astype(str).to_numpy(), "raw": sub["raw"].astype(str).to_numpy()})
    from_cells["text"] = "填报内容“" + from_cells["raw"] + "”不是数字，无法核对"
    from_problems["text"] = reader_message(_where(from_problems), from_problems["raw"], "填报内容不是数字，无法核对",
                                           "无法核对").to_numpy()
    from_cells["text"] = (_where(from_cells) + "：" + from_cells["text"]).to_numpy()
    both = pd.concat([from_cells, from_problems], ignore_index=True)
    both = both.drop_duplicates(["report_id", "table", "row", "col"], keep="first").reset_index(drop=True)
    if not len(both):
        return found()
    msg = both["text"]
    return found(both["report_id"], msg, table=_null(both["table"]), row=_null(both["row"]),
                 col=_null(both["col"]), expected="数字", actual=both["raw"].to_numpy())


@rule(
    id="STRUCT-NUMBER-OVERFLOW", title="数值过大，无法精确核对",
    category="structure", severity="warning", points=1,
    description=(
        "印出的数值超过 2^53（约 9×10^15）时，双精度浮点数无法精确表示：9007199254740993 会被读成 …992，"
        "总计差 1 也无从发现。读取程序记录“数值溢出”问题，不把该数作为数值使用，因此不会对不精确的数字作任何核对；"
        "本条提示指出该处。"
    ),
    fail_example={"problems": [{"kind": "overflow", "table": "requests", "row": "new", "col": "natural",
                                "detail": "数值“9007199254740993”超过 2^53"}]},
    pass_example={"cells": {"requests/new/natural": 9007199254740992}},
)
def number_overflow(corpus):
    return _problem_findings(corpus, "overflow", "数值过大，无法精确表示，未参与核对", "请核实该数值")


RULES = [table_missing, table_unread, table_blank, missing_cells, extra_cells, stray_cells, ambiguous_split,
         glued_no_reading, split_by_other_year, split_other_year_conflict, unmapped_label, non_numeric, number_overflow]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="structure", version=api.VERSION, rules=RULES,
                description="读取器未能读取的表格和单元格，每个问题提示一次。")
