"""The ``metadata`` pack: who reported, for which year, on what legal basis, and when.

These facts come from the normalised report's fields (``unit``, ``year``, ``published``), from
the reader's problems (``year_conflict``) and from the report text (the cited regulation).

Publication deadline: 条例第五十条 asks departments, townships and sub-districts to publish by
31 January of the following year, and a people's government above township level to publish its
summary report by 31 March. The defaults below can be overridden per run: the engine may give the
corpus an ``options`` mapping (``corpus.options``) with ``deadline`` and ``summary_deadline`` as
``"MM-DD"`` strings; this pack reads them with ``getattr(corpus, "options", {})`` so it works with
or without that wiring.
"""

from __future__ import annotations

import pandas as pd

from audit import api
from audit.api import Pack, found, hookimpl, parse_failed, rule, text_pattern, text_view

DEFAULT_DEADLINE = "01-31"
DEFAULT_SUMMARY_DEADLINE = "03-31"
# A government's summary report: a people's government above township level (乡/镇人民政府 publish
# by the ordinary deadline), or a unit named by its region alone (平潭综合实验区, 郑东新区), which is how
# regions governed by a 管委会 name their summary report.
SUMMARY_UNIT = r"(?:(?<![乡镇])人民政府|[省市县旗盟州]|[^街社]区)$"

OLD_REGULATION = text_pattern(r"(?:国务院令)?第?[ \u3000]*492[ \u3000]*号")
NEW_REGULATION = text_pattern(r"711[ \u3000]*号")


def _readable(corpus) -> pd.DataFrame:
    r = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    return r.loc[~r["report_id"].isin(parse_failed(corpus))]


def deadlines(corpus) -> tuple[str, str]:
    """(ordinary, summary) deadlines as "MM-DD", from ``corpus.options`` when the run sets them."""
    opts = getattr(corpus, "options", None) or {}
    return str(opts.get("deadline") or DEFAULT_DEADLINE), str(opts.get("summary_deadline") or DEFAULT_SUMMARY_DEADLINE)


@rule(
    id="META-UNIT-MISSING",
    title="报告未写明发布单位",
    category="metadata",
    severity="warning",
    points=2,
    description=(
        "报告通篇都没有写明发布单位（标题、页眉的“发布机构”，连句首的简称也没有，如“文登区住建局高度重视……”）"
        "，上级无法确定报告属于哪个单位，也无法与该单位上一年度的报告比较。"
    ),
    fail_example={"unit": None},
    pass_example={},
)
def unit_missing(corpus) -> pd.DataFrame:
    r = _readable(corpus)
    bad = r.loc[r["unit"].isna() | (r["unit"].astype(str).str.strip() == "")]
    return found(bad["report_id"], "报告未写明发布单位名称（标题、正文和页面信息中均未找到）。",
                 expected="单位名称", actual="缺失")


@rule(
    id="META-YEAR-MISSING",
    title="报告未写明年度",
    category="metadata",
    severity="warning",
    points=2,
    description=(
        "标题、统计期限和正文都没有写明报告所属年度。年度决定应使用的表格版本、发布期限以及与上一年度的比"
        "较。"
    ),
    fail_example={"year": None},
    pass_example={},
)
def year_missing(corpus) -> pd.DataFrame:
    r = _readable(corpus)
    bad = r.loc[r["year"].isna()]
    return found(bad["report_id"], "报告未写明所报告的年度（标题和统计期限中均未找到）。",
                 expected="报告年度", actual="缺失")


@rule(
    id="META-YEAR-CONFLICT",
    title="报告年度前后不一致",
    category="metadata",
    severity="warning",
    points=2,
    description=(
        "标题、统计期限（本年度报告中所列数据的统计期限……）和正文写的年度不一致（读取器记录了年度冲突）"
        "。通常是照抄上一年度的报告只改了一部分，其中的数字也可能是上一年度的。"
    ),
    fail_example={"problems": [{"kind": "year_conflict", "detail": "标题 2024年，统计期限 2023年"}]},
    pass_example={},
)
def year_conflict(corpus) -> pd.DataFrame:
    p = corpus.problems
    p = p.loc[(p["kind"] == "year_conflict") & ~p["report_id"].astype(str).isin(parse_failed(corpus))]
    p = p.drop_duplicates(["report_id", "detail"])
    detail = p["detail"].fillna("").astype(str)
    msg = "报告标题、统计期限与正文所写年度不一致" + ("（" + detail + "）").where(detail != "", "") + "，请核对是否沿用了往年报告。"
    return found(p["report_id"].astype(str), msg, expected="同一年度", actual=detail.where(detail != "", "不一致"))


@rule(
    id="META-OLD-REGULATION",
    title="引用已废止的国务院令第492号",
    category="metadata",
    severity="warning",
    points=3,
    description=(
        "《政府信息公开条例》已由国务院令第711号修订（2019年5月15日起施行）。报告引用国务院令第"
        "492号（2007年文本）而通篇未提711号，说明是按已废止的条例撰写的，往往也沿用了旧模板和过"
        "时的表述。"
    ),
    fail_example={"sections": {"overview": "本报告根据《中华人民共和国政府信息公开条例》（国务院令第492号）要求编制。"}},
    pass_example={"extra_text": "《条例》由国务院令第492号公布，经国务院令第711号修订。"},
)
def old_regulation(corpus) -> pd.DataFrame:
    lines = text_view(corpus, OLD_REGULATION, NEW_REGULATION)  # both end in "N 号": the number lines
    text = lines.series(lines.containing("492"))  # literal pre-filter: most reports never cite it
    text = text[~text.index.isin(parse_failed(corpus))]
    bad = text.str.contains(OLD_REGULATION, regex=True) & ~text.str.contains(NEW_REGULATION, regex=True)
    ids = bad.index[bad.to_numpy()].astype(str)
    return found(pd.Series(ids), "报告引用已被修订的《政府信息公开条例》（国务院令第492号）作为依据，未引用现行条例（国务院令第711号）。",
                 expected="国务院令第711号", actual="国务院令第492号")


@rule(
    id="META-LATE",
    title="逾期发布年度报告",
    category="metadata",
    severity="warning",
    points=3,
    description=(
        "条例第五十条：各部门、乡镇和街道应于次年1月31日前发布本机关年度报告；县级以上人民政府（单位名"
        "称以人民政府结尾但不是乡、镇人民政府，或只是地区名称，如平潭综合实验区）应于次年3月31日前发布"
        "本级政府年度报告。只有页面写明发布日期时才核对。两个期限都可在配置文件中修改（格式为“月-日”"
        "）。"
    ),
    fail_example={"year": 2024, "published": "2025-02-15"},
    pass_example={"year": 2024, "published": "2025-01-31"},
)
def late(corpus) -> pd.DataFrame:
    ordinary, summary = deadlines(corpus)
    r = _readable(corpus)
    r = r.loc[r["published"].notna() & r["year"].notna()]
    if r.empty:
        return found()
    codes, units = pd.factorize(r["unit"].fillna("").astype(str))  # units repeat (one a year): test each once
    summary_unit = pd.Series(units, dtype=object).str.strip().str.contains(SUMMARY_UNIT, regex=True).to_numpy()
    is_summary = pd.Series(summary_unit[codes], index=r.index)
    mmdd = pd.Series(ordinary, index=r.index).where(~is_summary, summary)
    deadline = (r["year"].astype("int64") + 1).astype(str) + "-" + mmdd
    published = r["published"].astype(str)
    bad = published > deadline  # ISO dates compare as strings
    r, deadline, published = r.loc[bad], deadline.loc[bad], published.loc[bad]
    msg = (r["year"].astype("int64").astype(str) + "年度报告发布于 " + published + "，晚于规定期限 " + deadline + "。")
    return found(r["report_id"], msg, expected=deadline, actual=published)


#: 国办公开办函〔YYYY〕N号 as printed (spaces, full-width brackets, 【】 and [] all occur).
NOTICE = text_pattern(r"国办公开办函[ \u3000]*[〔\[［【(（](?P<y>20\d\d)[〕\]］】)）][ \u3000]*(?P<n>\d+)[ \u3000]*号")


def _notice_editions() -> dict[tuple[str, str], str]:
    """(year, number) of each edition's notice → the edition (from the catalogue)."""
    import re

    out = {}
    for ed, spec in api.load_catalogue().raw["editions"].items():
        m = re.search(NOTICE, str(spec["notice"]))
        if m:
            out[(m.group("y"), m.group("n"))] = str(ed)
    return out


@rule(
    id="META-NOTICE-EDITION",
    title="引用的年报格式通知与所用表格版本不一致",
    category="metadata",
    severity="warning",
    points=1,
    description=(
        "报告开头通常写明所依据格式的通知：国办公开办函〔2019〕60号（2019 版）或国办公开办函〔2021〕30号（2021 版）。"
        "报告只引用其中一份通知，而统计表却带有另一版的特征，说明它声称采用的格式与实际不符："
        "要么引用的通知是从旧报告沿用的，要么表格是从旧报告沿用的。"
    ),
    fail_example={"edition": "2021", "sections": {"overview": "本报告根据《国务院办公厅政府信息与政务公开办公室关于"
                                                                "政府信息公开工作年度报告有关事项的通知》（国办公开办函〔2019〕60号）要求编制。"}},
    pass_example={"edition": "2021", "sections": {"overview": "本报告根据《关于印发〈中华人民共和国政府信息公开工作"
                                                                "年度报告格式〉的通知》（国办公开办函〔2021〕30号）要求编制。"}},
)
def notice_edition(corpus) -> pd.DataFrame:
    lines = text_view(corpus, NOTICE)  # a notice ends in "N 号": the number lines
    text = lines.series(lines.containing("国办公开办函"))
    text = text[~text.index.isin(parse_failed(corpus))]
    hits = text.str.extractall(NOTICE)
    if hits.empty:
        return found()
    editions = _notice_editions()
    cited = pd.Series([editions.get(k) for k in zip(hits["y"], hits["n"], strict=True)],
                      index=hits.index.get_level_values(0), dtype=object).dropna()
    if cited.empty:
        return found()
    per_report = cited.groupby(level=0).agg(lambda s: sorted(set(s)))
    one = per_report[per_report.map(len) == 1].map(lambda s: s[0])
    r = corpus.reports
    used = pd.Series(r["edition"].astype(object).to_numpy(), index=r["report_id"].astype(str).to_numpy())
    used = used.reindex(one.index.astype(str))
    bad = one[(used.notna() & (used.to_numpy() != one.to_numpy())).to_numpy()]
    if bad.empty:
        return found()
    notice = {ed: str(api.load_catalogue().raw["editions"][ed]["notice"]) for ed in api.load_catalogue().raw["editions"]}
    said = bad.map(notice)
    table = used.reindex(bad.index).map(notice)
    msg = ("报告称按" + said + "的格式编制，但统计表使用的是" + table + "规定的表格（"
           + used.reindex(bad.index).astype(str) + "版），两者不一致。")
    return found(pd.Series(bad.index.astype(str)), msg.to_numpy(), expected=said.to_numpy(), actual=table.to_numpy())


RULES = [unit_missing, year_missing, year_conflict, old_regulation, late, notice_edition]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="metadata", version=api.VERSION, rules=RULES,
                description="每份报告的单位、年度、依据和发布日期。")
