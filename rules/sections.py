"""The ``sections`` pack: the six required sections of the annual report, present and in order.

The reader gives each printed heading a canonical name (overview … other) or null when it cannot
tell what the heading is. These rules only compare those canonical names and printed titles with
the catalogue's standard headings; they never re-read the text.

A report the engine could not read at all (a ``parse``-kind reader problem) is left to the parse
finding: reporting six missing sections on an unreadable file would only add noise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import Pack, found, hookimpl, rule, section_keys

_NUMERALS = "一二三四五六七八九十"


def normalise_title(titles: pd.Series) -> pd.Series:
    """Titles compared modulo white space, half/full width, list punctuation and a trailing 表."""
    codes, uniques = pd.factorize(titles.astype(str))  # titles repeat: normalise each once
    t = pd.Series(uniques).str.normalize("NFKC")
    t = t.str.replace(r"[\s\u3000]+", "", regex=True)
    t = t.str.replace(r"[.,，．]", "、", regex=True)
    t = t.str.replace(r"表$", "", regex=True).to_numpy(dtype=object)
    return pd.Series(t[codes] if len(codes) else [], index=titles.index, dtype=object)


def _standard() -> pd.DataFrame:
    cat = api.catalogue.load()
    return pd.DataFrame([{"canonical": s["canonical"], "std_number": int(s["number"]), "std_title": s["title"]}
                         for s in cat.sections])


@rule(
    id="SECT-MISSING",
    title="缺少必备章节",
    category="sections",
    severity="error",
    points=5,
    description=(
        "年度报告必须包含官方提纲的六个部分（一、总体情况 …… 六、其他需要报告的事项）。在各种常见写法"
        "下都找不到的部分即为缺失：上级无法核对它应当报告的内容。同一序号处另有标题但内容不同（如“六、下"
        "步工作计划”）时，提示中写明该标题。一个部分都没有识别出来的报告只提示一次，而不是六次。"
    ),
    fail_example={"sections": {"other": None}},
    pass_example={},
)
def section_missing(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    n_rep = len(corpus.reports)
    canon = corpus.sections["canonical"].cat.categories.astype(str)
    has = api.sections_present(corpus)
    readable = k.readable[:n_rep]
    has_any = has[:n_rep].any(axis=1)

    empty = k.ids[:n_rep][readable & ~has_any]
    none_found = found(empty, "未识别出任何章节：报告缺少全部六个必备章节（一、总体情况至六、其他需要报告的事项），请核对报告全文。",
                       expected="六个必备章节", actual="无")

    std = _standard()
    cols = canon.get_indexer(std["canonical"])
    r, j = np.nonzero(~has[:n_rep][:, cols] & (readable & has_any)[:, None])
    missing = pd.DataFrame({"report_id": k.ids[r], "canonical": std["canonical"].to_numpy()[j]})
    missing = missing.sort_values(["report_id", "canonical"], kind="stable").merge(std, on="canonical")
    if missing.empty:
        return none_found

    # A heading printed with the missing section's number but not recognised as it.
    sec = corpus.sections
    at = np.flatnonzero(k.checkable & (k.canonical < 0) & sec["number"].notna().to_numpy())
    unrec = pd.DataFrame({"report_id": k.ids[k.report[at]], "std_number": sec["number"].to_numpy()[at].astype(int),
                          "title": sec["title"].to_numpy(dtype=object)[at]})
    unrec = unrec.drop_duplicates(["report_id", "std_number"])
    missing = missing.merge(unrec, on=["report_id", "std_number"], how="left")
    lost = lost_headings(corpus)
    if len(lost):
        key = missing["report_id"].astype(str) + "\x00" + missing["canonical"].astype(str)
        missing = missing[~key.isin(set(lost["report_id"] + "\x00" + lost["canonical"])).to_numpy()]
    hint = ("（同一序号处的标题为「" + missing["title"].fillna("") + "」，不是该章节）").where(missing["title"].notna(), "")
    msg = "缺少必备章节「" + missing["std_title"] + "」" + hint + "。"
    # Sections 二–四 are their tables: located at the table (STRUCT-TABLE-MISSING supersedes this
    # there when the table is missing too: one omission, one finding).
    table = missing["canonical"].astype(object).where(missing["canonical"].isin(api.catalogue.TABLES), None)
    out = found(missing["report_id"], msg, table=table.to_numpy(dtype=object), expected=missing["std_title"],
                actual=missing["title"].astype(object).where(missing["title"].notna(), "缺失"))
    return pd.concat([none_found, out], ignore_index=True)


#: Sub-headings that show a section's content is there though its own heading was lost (a PDF
#: converter dropping 五、存在的主要问题及改进情况 but keeping （一）…改进情况 / （二）…主要问题).
_SUB_HEADING = r"^[ \t\u3000#*>]*[（(][一二三四五六七八九十][)）][^\n]{0,40}?(?:%s)"
_LOST_KEYWORDS = {"problems": "存在的主要问题|主要问题|存在问题|存在的问题|改进情况|改进措施",
                  "other": "其他需要报告"}


def lost_headings(corpus) -> pd.DataFrame:
    """(report_id, canonical, sub): required sections whose heading was not found but whose
    sub-headings stand in the section printed before them (computed once per corpus)."""
    return corpus.derived("sections:lost_headings", _lost_headings)


def _lost_headings(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    sec = corpus.sections
    canon = sec["canonical"].cat.categories.astype(str)
    order = [str(s["canonical"]) for s in api.catalogue.load().sections]
    parts = []
    for target, words in _LOST_KEYWORDS.items():
        before = order[order.index(target) - 1]
        code_t, code_b = canon.get_indexer([target])[0], canon.get_indexer([before])[0]
        if code_b < 0:
            continue
        has_target = np.zeros(len(k.ids), dtype=bool)
        if code_t >= 0:
            has_target[k.report[k.checkable & (k.canonical == code_t)]] = True
        at = np.flatnonzero(k.checkable & (k.canonical == code_b) & ~has_target[k.report])
        text = pd.Series(sec["text"].to_numpy(dtype=object)[at], dtype=object).astype(str)
        sub = text.str.extract(f"(?m)({_SUB_HEADING % words}[^\n]*)", expand=False)
        sub = sub.iloc[:, 0] if isinstance(sub, pd.DataFrame) else sub
        ok = sub.notna().to_numpy()
        parts.append(pd.DataFrame({"report_id": k.ids[k.report[at[ok]]], "canonical": target,
                                   "sub": sub[ok].str.strip(" \t\u3000#*>").to_numpy(dtype=object)}))
    parts.append(_lost_table_headings(corpus, k, canon))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=["report_id", "canonical", "sub"])
    return out.drop_duplicates(["report_id", "canonical"]).reset_index(drop=True)


def _lost_table_headings(corpus, k, canon: pd.Index) -> pd.DataFrame:
    """Sections 二–四 whose heading was not found but whose table the reader found in the report
    (``sub`` is None): the statistics are there, only the heading is not."""
    n_rep = len(corpus.reports)
    present, _, _ = api.table_presence(corpus)
    has = api.sections_present(corpus)[:n_rep]
    sections_read = has.any(axis=1)
    parts = []
    for j, table in enumerate(api.catalogue.TABLES):
        code = canon.get_indexer([table])[0]
        has_table = has[:, code] if code >= 0 else np.zeros(n_rep, dtype=bool)
        rows = np.flatnonzero(present[:, j] & ~has_table & sections_read & k.readable[:n_rep])
        parts.append(pd.DataFrame({"report_id": k.ids[rows], "canonical": table, "sub": None}))
    return pd.concat(parts, ignore_index=True)


@rule(
    id="SECT-HEADING-LOST",
    title="章节标题缺失但内容存在",
    category="sections",
    severity="warning",
    points=2,
    description=(
        "未找到必备章节的标题（如五、存在的主要问题及改进情况），但其内容仍在：前一部分之后印有"
        "（一）…存在问题的改进情况、（二）…主要问题等小标题，或（二至四部分）该部分的统计表印在报告中并已读取。"
        "缺的是标题（单位漏写或转换时丢失），不是章节本身，因此以本条较轻的提示代替「缺少必备章节」。"
    ),
    fail_example={"sections": {"problems": None, "appeals": (
        "（表略）\n（一）2024年工作中存在问题的改进情况\n一是进一步提升政策公开质效。\n"
        "（二）2025年工作中存在的主要问题\n一是公开质量有待提高。")}},
    pass_example={},
)
def heading_lost(corpus) -> pd.DataFrame:
    lost = lost_headings(corpus)
    if not len(lost):
        return found()
    cat = api.catalogue.load()
    title = lost["canonical"].map(cat.section_title)
    sub = lost["sub"].astype(object)
    by_table = sub.isna()
    msg = ("未找到章节标题「" + title + "」，但其内容在前一部分之后（“" + sub.fillna("").str.slice(0, 40)
           + "”等小标题）；请补上该章节标题。")
    msg = msg.where(~by_table, "未找到章节标题「" + title + "」，但该部分的统计表印在报告中（已读取）；请补上该章节标题。")
    return found(lost["report_id"], msg, expected=title, actual=sub.where(~by_table, "统计表已读取，标题缺失"))


@rule(
    id="SECT-RENAMED",
    title="章节标题与标准格式不一致",
    category="sections",
    severity="warning",
    points=1,
    description=(
        "按关键词识别出了该部分，但其标题（忽略空格、全半角标点和末尾的“表”字后）不是官方提纲的标准标题"
        "。改动标题使报告难以比较，也常常掩盖内容不符合提纲要求（如只有“五、存在的主要问题”而没有改进情"
        "况）。标题文字相同、只是序号不同的（如“第一部分”“（一）”“1.”或没有序号，或因缺少一部分而序号错位），"
        "每份报告合并为一条，列出这些标题。"
    ),
    fail_example={"section_titles": {"problems": "五、存在的主要问题"}},
    pass_example={"section_titles": {"appeals": "四、政府信息公开行政复议、行政诉讼情况 表"}},
)
def section_renamed(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    at = np.flatnonzero(k.checkable & (k.canonical >= 0))
    at = at[~pd.Series(k.report[at] * 64 + k.canonical[at]).duplicated().to_numpy()]  # first of each kind
    canon = corpus.sections["canonical"].cat.categories.astype(str)
    std = _standard().set_index("canonical").reindex(canon)
    std_norm = normalise_title(std["std_title"].fillna("")).to_numpy(dtype=object)  # one per canonical name
    title = corpus.sections["title"].astype(str).to_numpy(dtype=object)[at]
    std_title = std["std_title"].to_numpy(dtype=object)[k.canonical[at]]
    known = pd.notna(std_title)  # a canonical name the outline does not have is not compared
    at, title, std_title = at[known], title[known], std_title[known]
    differs = normalise_title(pd.Series(title)).to_numpy() != std_norm[k.canonical[at]]
    bad = pd.DataFrame({"report_id": k.ids[k.report[at[differs]]], "title": title[differs],
                        "std_title": std_title[differs]})
    same_body = (normalise_title(bad["title"]).str.replace(_NUMBER, "", regex=True).to_numpy()
                 == normalise_title(bad["std_title"]).str.replace(_NUMBER, "", regex=True).to_numpy())
    worded = bad.loc[~same_body]
    msg = "章节标题「" + worded["title"].str.strip() + "」与标准标题「" + worded["std_title"] + "」不一致。"
    reworded = found(worded["report_id"], msg, expected=worded["std_title"], actual=worded["title"])
    # Only the numbering differs (第一部分 / （一） / 1. / none for 一、): one finding per report, one fact.
    numbered = bad.loc[same_body].assign(title=lambda d: d["title"].str.strip())
    if numbered.empty:
        return reworded
    per = numbered.groupby("report_id", sort=False).agg(list)
    quoted = {k: per[k].map(lambda ts: "".join(f"「{t}」" for t in ts)) for k in ("title", "std_title")}
    msg = "章节序号与标准格式不一致：" + quoted["title"] + "，标准为" + quoted["std_title"] + "（只是序号不同）。"
    return pd.concat([reworded, found(pd.Series(per.index, dtype=object), msg,
                                      expected=per["std_title"].map("、".join).to_numpy(),
                                      actual=per["title"].map("、".join).to_numpy())], ignore_index=True)


# A section number as printed: 一、 (the standard), 第一部分, （一）, 1. — or none.
_NUMBER = r"^(?:第[一二三四五六七八九十]+部分|[(（][一二三四五六七八九十]+[)）]|\d+[、.．]|[一二三四五六七八九十]+[、.．])?"


@rule(
    id="SECT-ORDER",
    title="章节顺序错误",
    category="sections",
    severity="warning",
    points=2,
    description=(
        "六个部分应按官方提纲的顺序排列。顺序不同的报告（如统计表各部分排在“一、总体情况”之前，或“五”"
        "在“六”之后）难以核对，通常也不是按现行模板撰写的。每份报告提示一次，列出识别出的各部分的实际顺"
        "序与标准顺序。"
    ),
    fail_example={"section_order": ["overview", "active", "requests", "appeals", "other", "problems"]},
    pass_example={},
)
def section_order(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    at = np.flatnonzero(k.checkable & (k.canonical >= 0))
    position = corpus.sections["position"].to_numpy()
    at = at[np.lexsort((position[at], k.report[at]))]  # printed order within each report
    at = at[~pd.Series(k.report[at] * 64 + k.canonical[at]).duplicated().to_numpy()]
    rep, code = pd.Series(k.report[at]), pd.Series(k.canonical[at].astype("int64"))
    prev_max = code.groupby(rep).cummax().groupby(rep).shift(1)
    bad = np.unique(rep[(code < prev_max).to_numpy()].to_numpy())
    if len(bad) == 0:
        return found()
    sub = pd.DataFrame({"report_id": k.ids[rep.to_numpy()], "code": code.to_numpy()})[rep.isin(bad).to_numpy()]
    sub = sub.sort_values("report_id", kind="stable")  # reports by id, each in printed order
    sub = sub.assign(n=sub["code"].map(dict(enumerate(_NUMERALS))))
    printed = sub.groupby("report_id", sort=False)["n"].agg("、".join)
    expected = sub.sort_values(["report_id", "code"], kind="stable").groupby("report_id", sort=False)["n"] \
        .agg("、".join).reindex(printed.index)
    msg = "章节顺序与标准格式不一致：印出顺序为" + printed + "，应为" + expected + "。"
    return found(printed.index.to_series(), msg, expected=expected, actual=printed)


@rule(
    id="SECT-FEE-MISSING",
    title="第六部分未报告信息处理费收取情况",
    category="sections",
    severity="warning",
    points=0.5,
    description=(
        "自 2021 版模板（国办公开办函〔2021〕30号）起，“六、其他需要报告的事项”应按《政府信"
        "息公开信息处理费管理办法》报告信息处理费的收取情况，没有收取也应说明（如“本年度未收取信息处理费"
        "”）。2021 版报告的第六部分既未提“处理费”也未提“收费”即为遗漏。属于形式问题，扣分较少。"
    ),
    fail_example={"sections": {"other": "无其他需要报告的事项。"}},
    pass_example={"sections": {"other": "本年度未收取政府信息公开信息处理费。"}},
)
def section_fee_missing(corpus) -> pd.DataFrame:
    k = section_keys(corpus)
    n_rep = len(corpus.reports)
    ed2021 = np.r_[(corpus.reports["edition"] == "2021").to_numpy(), np.zeros(len(k.ids) - n_rep, dtype=bool)]
    other_code = corpus.sections["canonical"].cat.categories.get_indexer(["other"])[0]
    at = np.flatnonzero(k.checkable & (k.canonical == other_code) & ed2021[k.report]) if other_code >= 0 else []
    text = pd.Series(corpus.sections["text"].to_numpy(dtype=object)[at], dtype=object)
    rid = pd.Series(k.ids[k.report[at]], dtype=object)
    mentions = text.str.contains(r"处理费|收费", regex=True).groupby(rid.to_numpy()).any()
    bad = mentions.index[~mentions.to_numpy().astype(bool)]
    title = api.catalogue.load().section_title("other")
    msg = f"「{title}」未报告政府信息公开信息处理费的收取情况（未收取也应说明）。"
    return found(pd.Series(bad), msg, expected="信息处理费收取情况", actual="未提及")


RULES = [section_missing, heading_lost, section_renamed, section_order, section_fee_missing]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="sections", version=api.VERSION, rules=RULES,
                description="年度报告必备的六个部分：齐全、标题规范、顺序正确。")
