"""The ``narrative`` pack: numbers stated in the report's text that contradict its own tables.

Each rule pairs one tight text pattern (e.g. 受理政府信息公开申请 N 件) with the table cell the
sentence restates. A number counts only when it is unambiguous: the pattern matches exactly one
distinct N in the whole report. Two different numbers for the same pattern (this year vs last year,
a district vs the unit) are left alone, as are Chinese numerals (三件). Patterns refuse gaps that
name a sub-count (其中, 自然人, 企业 …) so that 其中自然人 72 件 is never read as the total.

The whole corpus is scanned at once: every pattern ends in a number and a count word, so it runs
over the lines that hold one (``audit.api.text_view``), all reports' lines in one string, with
the same matches as on the whole text; nothing loops per report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from audit import api
from audit.api import (
    NumberLines,
    Pack,
    Rule,
    fast_path_problem,
    fmt_series,
    found,
    hookimpl,
    parse_failed,
    rule,
    text_pattern,
    text_view,
)

# Where a table starts inside its section: the text from there to the section's end is the table
# (flattened pages glue it into one line), not narrative.
_TABLE_START = r"第二十条第|信息内容|本列数据的勾稽关系|申请人情况|行政复议[ \u3000]*行政诉讼[ \u3000]*结果"
# A line of three or more cells (tab or pipe rows) is a table row wherever it is printed.
_TABLE_ROW = r"(?m)^[^\n\t|]*(?:[\t|][^\n\t|]*){2,}$"


def narrative_lines(corpus, pattern: str) -> NumberLines:
    """``text_view`` of the text outside the tables for ``pattern`` (its number lines, or the whole
    text for a pattern the fast path cannot take): numbers inside a table (a flattened row's digits
    followed by 件) are no statement of the text."""
    fast = fast_path_problem(text_pattern(pattern)) is None
    return corpus.derived(f"narrative:lines:{'fast' if fast else 'whole'}",
                          lambda c: text_view(c, pattern, sections=_narrative_sections(c)))


def _narrative_sections(corpus) -> pd.DataFrame:
    """The sections with their tables cut out: a table section from the first ``_TABLE_START`` to
    its end, and in every section each ``_TABLE_ROW`` line emptied (its line break kept).

    The same text as ``str.replace`` with those two patterns, but cheaper: the cut is one search
    per table section, and rows are found from the line breaks (``_ROW_LINE``: a literal start the
    regex engine skips to), only in the texts holding a tab or a pipe."""
    sec = corpus.sections
    text = sec["text"].astype(str)
    out = text.to_numpy(dtype=object).tolist()
    tables = sec["canonical"].astype(object).isin(list(api.catalogue.TABLES)).to_numpy()
    search = _TABLE_START_RX.search
    for i in np.flatnonzero(tables).tolist():
        m = search(out[i])
        if m is not None:
            out[i] = out[i][:m.start()]
    rows = _ROW_LINE.sub
    out = [rows("\n", "\n" + t)[1:] if "\t" in t or "|" in t else t for t in out]  # _without_table_rows
    return sec.assign(text=pd.Series(out, index=sec.index, dtype=text.dtype))


_TABLE_START_RX = re.compile(_TABLE_START)
# A line holding two or more tabs or pipes, with the line break before it: ``_TABLE_ROW`` (every
# such line matches whole, and no other line does) found from its line break.
_ROW_LINE = re.compile(r"\n[^\n\t|]*(?:[\t|][^\n\t|]*){2,}")


def _without_table_rows(t: str) -> str:
    """``re.sub(_TABLE_ROW, "", t)``."""
    if "\t" not in t and "|" not in t:
        return t
    return _ROW_LINE.sub("\n", "\n" + t)[1:]


_SP = r"[ \u3000\xa0]*"
_TOTAL = r"(?:共计|合计|总计|共)?"
# After the count word: a count said roughly (100件以上, 200件左右) or in another unit (10件次) is
# no figure to hold the table to.
_EXACT = rf"(?!{_SP}(?:以上|以下|左右|上下|次))"
# Words that, between the verb and 申请, mean the count is a part, not the total.
_SUBCOUNT = r"自然人|法人|企业|机构|组织|其中|复议|诉讼|上年|结转|涉及"

NEW_REQUESTS = text_pattern(
    rf"(?:收到|受理|接收|新收)(?:(?!{_SUBCOUNT})[^，。；,;:：\d\n]){{0,20}}?(?:申请|政府公开信息)"
    rf"{_TOTAL}{_SP}(?P<n>\d+){_SP}件{_EXACT}"
)
_CARRIED_LEAD = rf"结转(?:至|到|入)?(?:下一?年度?|次年|\d{{4}}年度?)(?:继续办理|继续|办理)?的?(?:申请)?{_TOTAL}{_SP}"
CARRIED_NEXT = text_pattern(
    rf"{_CARRIED_LEAD}(?P<n>\d+){_SP}件{_EXACT}"
    rf"|(?<!\d)(?P<n2>\d{{1,9}}){_SP}件(?:申请)?(?:已|需|将|转入|则)?结转(?:至|到|入)?(?:下一?年度?|次年|\d{{4}}年)"
)
# Every match of CARRIED_NEXT contains a match of this, and each branch starts with a literal (the
# second branch of CARRIED_NEXT starts with digits, which the engine cannot skip to).
CARRIED_NEXT_PREFILTER = rf"件(?:申请)?(?:已|需|将|转入|则)?结转|{_CARRIED_LEAD}\d+{_SP}件"
# Patterns start with a literal so the regex engine can skip ahead; the "not a count of published
# items" test (发布行政许可23件) is a look-behind after the literal.
def _not_published(word: str) -> str:
    return "".join(f"(?<!{v}{word})" for v in ("发布", "公开", "公示"))


LICENSING = text_pattern(rf"行政许可{_not_published('行政许可')}(?:决定|案件)?{_TOTAL}{_SP}(?P<n>\d+){_SP}件{_EXACT}")
PENALTY = text_pattern(rf"行政处罚{_not_published('行政处罚')}(?:决定|案件)?{_TOTAL}{_SP}(?P<n>\d+){_SP}件{_EXACT}")
REVIEW = text_pattern(rf"行政复议(?:案件|申请)?{_TOTAL}{_SP}(?P<n>\d+){_SP}[件起宗]{_EXACT}")
LITIGATION = text_pattern(rf"行政诉讼(?:案件)?{_TOTAL}{_SP}(?P<n>\d+){_SP}[件起宗]{_EXACT}")


def stated_numbers(text: pd.Series | NumberLines, pattern: str, must_contain: str | None = None,
                   prefilter: str | None = None) -> pd.DataFrame:
    """Per report, the one number the pattern states, if it states exactly one.

    ``text`` is indexed by report_id (or is the corpus' ``NumberLines``). Returns a frame indexed
    by report_id with ``n`` (float); reports with no match or with two different numbers are absent.
    ``must_contain`` (a literal) and ``prefilter`` (a pattern that every match of ``pattern``
    contains a match of) only skip reports that cannot match.

    Speed: the scan uses the number groups only; ``snippets`` quotes the sentence afterwards, for
    the reports that get a finding only.
    """
    rx = re.compile(pattern)
    if isinstance(text, NumberLines):
        if must_contain is None and prefilter is None and not text.whole:  # one scan over all reports' lines
            return _one_number(*_scan(text, rx))
        text = text.series(text.containing(must_contain)) if must_contain else text.series()
    if must_contain:
        text = text[text.str.contains(must_contain, regex=False)]
    if prefilter:
        text = text[text.str.contains(prefilter, regex=True)]
    hits = text.str.findall(rx).explode().dropna()
    if hits.empty:
        return pd.DataFrame({"n": pd.Series(dtype="float64")})
    if rx.groups > 1:
        names = sorted(rx.groupindex, key=rx.groupindex.get)
        m = pd.DataFrame(hits.tolist(), index=hits.index, columns=names).replace("", None)
        n = m["n"].fillna(m["n2"]) if "n2" in m.columns else m["n"]
    else:
        n = hits
    n = pd.to_numeric(n, errors="coerce").astype("float64").dropna()
    grouped = n.groupby(level=0, sort=False)
    distinct = grouped.nunique()
    one = grouped.first().loc[distinct.index[distinct.to_numpy() == 1]]
    return pd.DataFrame({"n": one})


def _scan(lines: NumberLines, rx: re.Pattern) -> tuple[pd.Index, np.ndarray, list]:
    """Every match of ``rx`` in all reports' lines: report ids, and the number each states
    (group ``n``, else ``n2``, as ``findall`` gives them)."""
    matches = list(rx.finditer(lines.text))
    at = lines.report_at(np.fromiter((m.start() for m in matches), dtype=np.int64, count=len(matches)))
    if rx.groups == 0:
        numbers = [m.group(0) for m in matches]
    elif rx.groups == 1:
        numbers = [m.group(1) or "" for m in matches]
    else:
        second = "n2" in rx.groupindex
        numbers = [m.group("n") or (m.group("n2") or None if second else None) for m in matches]
    return pd.Index(lines.ids), at, numbers


def _one_number(ids: pd.Index, at: np.ndarray, numbers: list) -> pd.DataFrame:
    n = pd.to_numeric(pd.Series(numbers, dtype=object), errors="coerce").astype("float64").to_numpy()
    ok = ~np.isnan(n)
    grouped = pd.Series(n[ok]).groupby(at[ok], sort=True)  # reports in corpus order
    distinct = grouped.nunique()
    one = grouped.first()[distinct.to_numpy() == 1]
    return pd.DataFrame({"n": one.to_numpy()}, index=pd.Index(ids[one.index.to_numpy()], name="report_id"))


def snippets(text: pd.Series, pattern: str) -> pd.Series:
    """The first fragment of each text that matches ``pattern`` (the words a supervisor searches for).

    Called on the reports that get a finding only. No leading context is taken: a variable-length
    lead before the pattern makes the scan about ten times slower.
    """
    out = text.str.extract(f"((?:{pattern}))", expand=False)
    out = out.iloc[:, 0] if isinstance(out, pd.DataFrame) else out
    return out.astype(object).fillna("").str.replace(r"\s+", "", regex=True)


def table_total(corpus, table: str, rows: tuple[str, ...], col: str) -> pd.Series:
    """Sum of ``col`` over ``rows`` per report; a printed blank counts as 0. A report whose table is
    absent, or where any of the cells is missing or unsure (a glued row the reader could not split,
    a short row), has no total: an unread cell is never read as 0."""
    g = api.grid(corpus, table)
    j, i = g.c(col), [k for k in (g.r(r) for r in rows) if k >= 0]
    if j < 0 or not i:
        return pd.Series([], dtype="float64")
    has = g.present[:, i, j].all(axis=1) & ~g.unsure[:, i, j].any(axis=1)
    v = api.zeroed(g.value[:, i, j])
    total = v[:, 0].copy()
    for k in range(1, len(i)):
        total += v[:, k]
    return pd.Series(total[has], index=g.ids[has])


@dataclass(frozen=True)
class Statement:
    """One kind of sentence the text restates from a table."""

    id: str
    title: str
    what: str  # what the sentence counts, in Chinese, e.g. 本年新收政府信息公开申请
    pattern: str
    table: str
    rows: tuple[str, ...]
    col: str
    fail_text: str
    pass_text: str
    cells: dict
    must_contain: str | None = None
    prefilter: str | None = None
    # Rows whose sum is also a true reading of the sentence (收到申请 N 件 = 新收 + 上年结转).
    also_rows: tuple[str, ...] = ()


def _compared(corpus, st: Statement) -> pd.DataFrame:
    """Per report stating one number: ``n`` (the text), ``t`` (the table), ``alt`` (the sum of
    ``also_rows``, NaN without them); computed once per statement."""
    def compute(corpus) -> pd.DataFrame:
        lines = narrative_lines(corpus, st.pattern)  # every statement ends in N 件 (or 起/宗): the number lines
        said = stated_numbers(lines, st.pattern, st.must_contain, st.prefilter)
        said = said[~said.index.isin(parse_failed(corpus))]
        if said.empty:
            return said.assign(t=pd.Series(dtype="float64"), alt=pd.Series(dtype="float64"))
        table = table_total(corpus, st.table, st.rows, st.col)
        table.index = table.index.astype(str)
        said.index = said.index.astype(str)
        j = said.join(table.rename("t"), how="inner")
        if st.also_rows:
            alt = table_total(corpus, st.table, st.also_rows, st.col)
            alt.index = alt.index.astype(str)
            j = j.join(alt.rename("alt"), how="left")
        else:
            j = j.assign(alt=np.nan)
        return j
    return corpus.derived(f"narrative:compared:{st.id}", compute)


def sentences(text: pd.Series, pattern: str) -> pd.Series:
    """The whole sentence (from the previous 。/；/line start to its end) holding the first match of
    ``pattern`` in each text, so that the message quotes it with its subject (2022年，全区收到…)."""
    stop = "。；;！？!?\n"
    out = text.str.extract(f"([^{stop}]*(?:{pattern})[^{stop}]*[{stop[:-2]}]?)", expand=False)
    out = out.iloc[:, 0] if isinstance(out, pd.DataFrame) else out
    return out.astype(object).fillna("").str.replace(r"\s+", "", regex=True)


def _place(st: Statement, rows: tuple[str, ...]) -> str:
    row = rows[0] if len(rows) == 1 else None
    place = api.catalogue.load().place(st.table, row, st.col)
    if row is None:
        place += "（" + "与".join(api.catalogue.load().place(st.table, r).split("”")[0].split("“")[-1]
                                  for r in rows) + "之和）"
    return place


def _check_for(st: Statement):
    def check(corpus) -> pd.DataFrame:
        j = _compared(corpus, st)
        bad = j.loc[(j["n"] != j["t"]) & ~(j["n"] == j["alt"])]  # a true reading of the sentence is no error
        if bad.empty:
            return found()
        row = st.rows[0] if len(st.rows) == 1 else None
        lines = narrative_lines(corpus, st.pattern)
        said = pd.Series(sentences(lines.series(lines.positions(bad.index)), st.pattern).to_numpy(), index=bad.index)
        msg = ("正文“" + said + f"”称{st.what}为 " + fmt_series(bad["n"]) + f" 件，而{_place(st, st.rows)}为 "
               + fmt_series(bad["t"]) + "，两者不一致。")
        return found(bad.index.to_series(), msg, table=st.table, row=row, col=st.col,
                     expected=bad["t"], actual=bad["n"])
    check.__name__ = "check_" + st.id.lower().replace("-", "_")
    check.__doc__ = f"{st.what}: the number in the text vs the table."
    return check


STATEMENTS = [
    Statement("NARR-REQ-NEW", "正文所述收到申请数与表格不一致", "本年新收政府信息公开申请",
              NEW_REQUESTS, "requests", ("new",), "total",
              "本年度共受理政府信息公开申请5件，均已按期答复。", "本年度共受理政府信息公开申请3件，均已按期答复。", {},
              also_rows=("new", "carried_over")),
    Statement("NARR-CARRIED-NEXT", "正文所述结转下年度申请数与表格不一致", "结转下年度继续办理的申请",
              CARRIED_NEXT, "requests", ("carried_next",), "total",
              "本年共受理申请4件，办结3件，剩余2件结转下年度继续办理。",
              "本年共受理申请4件，办结3件，剩余1件结转下年度继续办理。",
              {"requests/new/natural": 4, "requests/new/total": 4,
               "requests/carried_next/natural": 1, "requests/carried_next/total": 1}, "结转", CARRIED_NEXT_PREFILTER),
    Statement("NARR-LICENSING", "正文所述行政许可数与表格不一致", "行政许可处理决定数量",
              LICENSING, "active", ("licensing",), "decisions",
              "全年办理行政许可1990件。", "全年办理行政许可120件，发布行政许可信息35条。", {}),
    Statement("NARR-PENALTY", "正文所述行政处罚数与表格不一致", "行政处罚处理决定数量",
              PENALTY, "active", ("penalty",), "decisions",
              "发生行政处罚案件186件。", "发生行政处罚案件15件，栏目发布行政处罚23件。", {}),
    Statement("NARR-REVIEW", "正文所述行政复议数与表格不一致", "政府信息公开行政复议案件",
              REVIEW, "appeals", ("review",), "total",
              "因政府信息公开引起的行政复议案件2件。", "因政府信息公开引起的行政复议案件1件。", {}),
    Statement("NARR-LITIGATION", "正文所述行政诉讼数与表格不一致", "政府信息公开行政诉讼案件",
              LITIGATION, "appeals", ("litigation_direct", "litigation_after_review"), "total",
              "因政府信息公开引起的行政诉讼案件7件。", "因政府信息公开引起的行政诉讼案件3件。",
              {"appeals/litigation_direct/upheld": 2, "appeals/litigation_direct/total": 2,
               "appeals/litigation_after_review/upheld": 1, "appeals/litigation_after_review/total": 1}),
]

_DESCRIPTION = (
    "报告正文复述了{what}（{pattern_hint}）；表格中对应的是{place}。正文对"
    "此只写了一个数且与表格不同时，两处必有一处有误，上级无法判断哪一处正确。只采用没有歧义的句子：同"
    "一句式出现两个不同的数（上一年度的数、全区的数）或使用中文数字时跳过，“其中……”“自然人……”"
    "等分项数不当作总数。"
)


def _make_rule(st: Statement) -> Rule:
    place = api.catalogue.load().place(st.table, st.rows[0] if len(st.rows) == 1 else None, st.col)
    cells = dict(st.cells)
    return rule(
        id=st.id, title=st.title, category="narrative", severity="warning", points=2,
        description=_DESCRIPTION.format(what=st.what, pattern_hint=st.fail_text, place=place),
        fail_example={"extra_text": st.fail_text, **({"cells": cells} if cells else {})},
        pass_example={"extra_text": st.pass_text, **({"cells": cells} if cells else {})},
    )(_check_for(st))


_NEW = STATEMENTS[0]


@rule(
    id="NARR-REQ-NEW-WITH-CARRIED", title="正文所述收到申请数包含上年结转申请",
    category="narrative", severity="info", points=0,
    description=(
        "正文所述收到申请数（如「2022年，全区收到政府信息公开申请75件」）不等于表三“一、本年新收”的总计，"
        "而等于本年新收加“二、上年结转”（74 + 1）。这是对表格的正确表述，不是矛盾：该句统计的是本年办理的申请，"
        "含上年结转的申请。作为提示列出，供上级知道两个数字是一致的。"
    ),
    fail_example={"extra_text": "2022年，全区收到政府信息公开申请4件，均在法定期限内予以答复。",
                  "cells": {"requests/carried_over/natural": 1, "requests/carried_over/total": 1}},
    pass_example={"extra_text": "2022年，全区收到政府信息公开申请3件，均在法定期限内予以答复。",
                  "cells": {"requests/carried_over/natural": 1, "requests/carried_over/total": 1}},
)
def new_with_carried(corpus) -> pd.DataFrame:
    j = _compared(corpus, _NEW)
    hit = j.loc[(j["n"] != j["t"]) & (j["n"] == j["alt"])]
    if hit.empty:
        return found()
    carried = table_total(corpus, "requests", ("carried_over",), "total")
    carried.index = carried.index.astype(str)
    lines = narrative_lines(corpus, _NEW.pattern)
    said = pd.Series(sentences(lines.series(lines.positions(hit.index)), _NEW.pattern).to_numpy(), index=hit.index)
    msg = ("正文“" + said + "”称收到的申请为 " + fmt_series(hit["n"]) + " 件，表中本年新收为 " + fmt_series(hit["t"])
           + " 件、上年结转为 " + fmt_series(carried.reindex(hit.index))
           + " 件：正文所说的申请数包含上年结转的申请，与表格一致。")
    return found(hit.index.to_series(), msg, table="requests", row="new", col="total",
                 expected=hit["t"], actual=hit["n"])


RULES = [*(_make_rule(st) for st in STATEMENTS), new_with_carried]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="narrative", version=api.VERSION, rules=RULES,
                description="报告正文所述数字与统计表不一致。")
