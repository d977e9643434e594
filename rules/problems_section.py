"""The ``problems_section`` pack: a 五、存在的主要问题及改进情况 that says nothing.

Evaluation tables ask that section 五 name the unit's own problems and what it does about them.
These rules read the section's text (``corpus.sections``, canonical ``problems``) and its prose
sentences (``audit.api.sentences``: numbers read as ``#``, white space and list marks dropped):

- PROB-NO-PROBLEM: no problem is stated (only 无, 未发现问题, or only measures);
- PROB-NO-MEASURE: problems are stated but no measure or improvement;
- PROB-TEMPLATE: every sentence is template wording found in many other units' reports;
- PROB-SAME-AS-LAST: the problems stated are, word for word, those of the unit's previous report.

A report without section 五 gets SECT-MISSING from the sections pack and nothing here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.api import (
    Pack,
    __version__,
    found,
    hookimpl,
    joined_by_report,
    option,
    previous_reports,
    report_positions,
    rule,
    sentence_keys,
    sentence_rows,
    sentences,
    unreadable,
)

# Headings and labels inside the section say nothing by themselves.
_LABELS = r"(?:[（(]?[一二三四五六七八九十\d]+[)）、.．]?)?\s*(?:存在的?(?:主要)?问题(?:及|和)?(?:改进(?:情况|措施)?)?|改进(?:情况|措施)|下一步(?:工作)?(?:计划|打算)?)\s*[:：]?"
# "No problem" said in words: 无, 未发现问题, 不存在问题…
_NEGATED = r"(?:无|未发现|未发生|不存在|没有|未出现)[^，。；\n]{0,8}?(?:问题|不足)"
PROBLEM_WORDS = (r"问题|不足|短板|薄弱|差距|有待|不够|欠缺|不到位|滞后|不高|不强|不充分|不及时|不完善|不规范|不平衡|"
                 r"偏少|偏低|较少|单一|不深|不细|不全面|亟需|仍需|还需|困难")
MEASURE_WORDS = r"改进|加强|完善|推进|提升|提高|健全|落实|强化|优化|规范|下一步|将|计划|整改|建立|开展|加大|推动|做好|措施"
DEFAULT_TEMPLATE_REPORTS = 5


def _distinct(a: np.ndarray) -> np.ndarray:
    """``np.unique(a)`` by sorting (numpy 2's hash-based unique of integers is ~100 times slower
    at a million values)."""
    a = np.sort(a)
    return a[np.r_[True, a[1:] != a[:-1]]] if len(a) else a


def _problems_text(corpus) -> pd.Series:
    """Section 五's text per report that has one (several headings recognised as 五: joined)."""
    def compute(c) -> pd.Series:
        sec = c.sections.loc[(c.sections["canonical"] == "problems").to_numpy()]
        sec = sec.loc[~sec["report_id"].astype(str).isin(unreadable(c))]
        return joined_by_report(sec["report_id"], sec["text"])
    return corpus.derived("problems_section:text", compute)


def _said(corpus) -> pd.DataFrame:
    """Per report with section 五: whether it states a problem, a measure, and anything at all."""
    def compute(c) -> pd.DataFrame:
        t = _problems_text(c)
        codes, texts = pd.factorize(t)  # many units print the same section 五: each text read once
        body = pd.Series(texts, dtype=t.dtype).str.replace(_LABELS, "", regex=True).str.replace(_NEGATED, "", regex=True)
        said = pd.DataFrame({"problem": body.str.contains(PROBLEM_WORDS, regex=True),
                             "measure": body.str.contains(MEASURE_WORDS, regex=True),
                             "chars": body.str.replace(r"[\s\u3000。，、；：:.,无]", "", regex=True).str.len()})
        return pd.DataFrame({k: said[k].to_numpy()[codes] for k in said.columns}, index=t.index)
    return corpus.derived("problems_section:said", compute)


_TITLE = "「五、存在的主要问题及改进情况」"


@rule(
    id="PROB-NO-PROBLEM",
    title="第五部分未写明存在的问题",
    category="narrative",
    severity="warning",
    points=1,
    description=(
        "五、存在的主要问题及改进情况 应写明本单位政府信息公开工作存在的具体问题。只写“无”“未发现问题”，或只写工作措施、"
        "不写问题的，视为未写明问题（判断时去掉小标题，并把“无……问题”“未发现……不足”这类否定说法去掉后，"
        "看是否还有“不足、有待、不够、滞后、薄弱”等说明问题的词）。"
    ),
    fail_example={"sections": {"problems": "本年度政府信息公开工作运行平稳，未发现问题。"}},
    pass_example={"sections": {"problems": "存在的问题：政策解读形式较为单一。改进情况：增加图解和视频解读。"}},
)
def no_problem(corpus) -> pd.DataFrame:
    s = _said(corpus)
    bad = s.loc[~s["problem"]]
    what = pd.Series("未写明存在的问题", index=bad.index).where(bad["measure"], "未写明存在的问题，也未写明改进措施")
    msg = _TITLE + what + "（应写明本单位政府信息公开工作存在的具体问题及改进情况）。"
    return found(pd.Series(bad.index, dtype=object), msg, expected="具体问题", actual="未写明")


@rule(
    id="PROB-NO-MEASURE",
    title="第五部分未写明改进措施",
    category="narrative",
    severity="warning",
    points=0.5,
    description=(
        "五、存在的主要问题及改进情况 写了问题，却没有写任何改进措施或改进情况（没有“改进、加强、完善、推进、整改、下一步、"
        "将……”等说法）。只列问题不写改进，不符合该部分“改进情况”的要求。什么都没写的，只报 PROB-NO-PROBLEM。"
    ),
    fail_example={"sections": {"problems": "存在的问题：政策解读形式较为单一，信息更新不够及时。"}},
    pass_example={},
)
def no_measure(corpus) -> pd.DataFrame:
    s = _said(corpus)
    bad = s.loc[s["problem"] & ~s["measure"]]
    return found(pd.Series(bad.index, dtype=object), _TITLE + "写了存在的问题，但未写明任何改进措施或改进情况。",
                 expected="改进措施", actual="未写明")


def _problem_sentences(corpus) -> pd.DataFrame:
    """Section 五's distinct sentences per report: report_id, text, unit (trimmed; the report id
    for a report without unit); computed once per corpus."""
    return corpus.derived("problems_section:sentences", _compute_problem_sentences)


def _compute_problem_sentences(corpus) -> pd.DataFrame:
    s, keys = sentences(corpus), sentence_keys(corpus)
    problems = (s["canonical"] == "problems").to_numpy()
    if (keys["report"].to_numpy()[problems] < 0).any():  # reports the reports frame lacks: by name
        s = s.loc[problems, ["report_id", "text"]].drop_duplicates()
        units = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str)).set_index("report_id")["unit"]
        unit = s["report_id"].map(units).astype(object)
        return s.assign(unit=unit.where(unit.notna(), s["report_id"]).astype(str).str.strip())
    # Distinct (report, text) on integer keys; each report's unit trimmed once.
    at = np.flatnonzero(problems)
    at = at[~keys.iloc[at].duplicated().to_numpy()]
    s = s.iloc[at][["report_id", "text"]]
    unit = corpus.reports["unit"].astype(object)
    unit = unit.where(unit.notna(), corpus.reports["report_id"]).astype(str).str.strip().to_numpy(dtype=object)
    return s.assign(unit=pd.Series(unit[keys["report"].to_numpy()[at]], index=s.index, dtype="str"))


def _problem_codes(corpus) -> dict[str, np.ndarray] | None:
    """Section 五's distinct (report, text) sentences as integers, in sentence order: ``report``
    (position in ``corpus.reports``), ``text`` (code, ``sentence_rows(corpus).texts[text]``) and
    ``unit`` (code of the trimmed unit name, the report id for a report without one); None when
    some sentence's report is not in the reports frame (the string path decides then)."""
    def compute(c):
        rows = sentence_rows(c)
        problems = (c.sections["canonical"] == "problems").to_numpy()[rows.section]
        report, text = rows.report[problems], rows.text[problems]
        if (report < 0).any():
            return None
        span = max(int(text.max()) + 1, 1) if len(text) else 1
        _, first = np.unique(report * span + text, return_index=True)
        first.sort()  # the first of each (report, text), in sentence order
        report, text = report[first], text[first]
        unit = c.reports["unit"].astype(object)
        unit = unit.where(unit.notna(), c.reports["report_id"]).astype(str).str.strip()
        unit_code, _ = pd.factorize(unit.to_numpy(dtype=object))
        return {"report": report, "text": text, "unit": unit_code[report]}
    return corpus.derived("problems_section:codes", compute)


_BOILER = ("存在的问题：一是政务公开工作有待进一步加强。二是信息公开的及时性有待提高。"
           "改进情况：下一步，我们将进一步加强政务公开工作，不断提升公开质量。")


@rule(
    id="PROB-TEMPLATE",
    title="第五部分只有多家单位通用的套话",
    category="narrative",
    severity="warning",
    points=1,
    description=(
        "五、存在的主要问题及改进情况 的每一句话都在语料中至少 5 个其他单位的报告里一字不差地出现（数字不计，可在配置 "
        "[check_thresholds] template_reports 中修改单位数），即只有套话，没有写本单位自己的问题。至少 2 句才判断。"
        "与 XR-COPIED-TEXT（两份报告整段相同）不同：这里是逐句看是否为众多单位通用的模板句。"
    ),
    fail_example={"reports": [{"report_id": f"t{i}", "unit": f"示例市第{i}局", "sections": {"problems": _BOILER}}
                              for i in range(1, 7)]},
    pass_example={"reports": [{"report_id": f"t{i}", "unit": f"示例市第{i}局", "sections": {"problems": _BOILER}}
                              for i in range(1, 6)]},  # 4 other units: not yet "many"
)
def template_only(corpus) -> pd.DataFrame:
    need = int(option(corpus, "template_reports", DEFAULT_TEMPLATE_REPORTS))
    codes = _problem_codes(corpus)
    if codes is None:
        s = _problem_sentences(corpus)
        if s.empty:
            return found()
        text, unit = pd.factorize(s["text"])[0], pd.factorize(s["unit"])[0]
        report, ids = pd.factorize(s["report_id"], sort=True)
    else:
        if not len(codes["text"]):
            return found()
        text, unit = codes["text"], codes["unit"]
        ids = corpus.reports["report_id"].astype(str).to_numpy(dtype=object)
        present = _distinct(codes["report"])
        present = present[np.argsort(ids[present], kind="stable")]  # numbered in report id order
        rank = np.full(len(ids), -1, dtype=np.int64)
        rank[present] = np.arange(len(present))
        report, ids = rank[codes["report"]], ids[present]
    return _template_findings(need, text, unit, report, ids)


def _template_findings(need: int, text: np.ndarray, unit: np.ndarray, report: np.ndarray, ids) -> pd.DataFrame:
    """PROB-TEMPLATE on integer codes of the distinct (report, text) sentences: units per
    sentence text, then per report (``report`` numbers ``ids``, in report id order)."""
    n_units = max(int(unit.max()) + 1, 1)
    pair = _distinct(text.astype(np.int64) * n_units + unit)
    others = np.bincount(pair // n_units, minlength=text.max() + 1)[text] - 1
    order = np.argsort(report, kind="stable")
    first = np.flatnonzero(np.r_[True, np.diff(report[order]) != 0])
    per = pd.DataFrame({"n": np.bincount(report, minlength=len(ids)),
                        "template": np.bincount(report, weights=others >= need, minlength=len(ids)).astype(np.int64),
                        "least": np.minimum.reduceat(others[order], first)},
                       index=pd.Index(ids, name="report_id"))
    bad = per.loc[(per["n"] >= 2) & (per["template"] == per["n"])]
    msg = (_TITLE + "的 " + bad["n"].astype(str) + " 句话全部是套话：每句都一字不差地出现在至少 " + bad["least"].astype(str)
           + " 个其他单位的报告中，未写本单位自己的问题和改进情况。")
    return found(pd.Series(bad.index, dtype=object), msg, expected="本单位的具体问题", actual="全部为通用套话")


@rule(
    id="PROB-SAME-AS-LAST",
    title="第五部分的问题与上年报告一字不差",
    category="narrative",
    severity="warning",
    points=1,
    description=(
        "本报告五、存在的主要问题及改进情况 中写明问题的句子，全部与本单位上一年度报告第五部分的句子一字不差"
        "（数字不计）。问题一年没有变化，说明上年的“改进情况”没有落实，或照抄了上年的内容。"
        "至少 1 句写明问题的句子才判断；只看本单位相邻两年的报告。"
    ),
    fail_example={"reports": [{"report_id": "u2023", "year": 2023}, {"report_id": "u2024", "year": 2024}]},
    pass_example={"reports": [{"report_id": "u2023", "year": 2023}, {"report_id": "u2024", "year": 2024, "sections": {
        "problems": "存在的问题：依申请公开答复的说理不够充分。改进情况：开展答复文书评查。"}}]},
)
def same_as_last(corpus) -> pd.DataFrame:
    pairs = previous_reports(corpus)
    codes = _problem_codes(corpus)
    if pairs.empty:
        return found()
    cur_at, prev_at = report_positions(corpus, pairs["report_id"]), report_positions(corpus, pairs["prev_id"])
    if codes is None or not pairs["report_id"].is_unique or (cur_at < 0).any() or (prev_at < 0).any():
        if _problem_sentences(corpus).empty:
            return found()
        per = _same_as_last_by_name(corpus, pairs)
    elif not len(codes["text"]):
        return found()
    else:
        per = _same_as_last_by_code(corpus, codes, pairs, cur_at, prev_at)
    bad = per.loc[per["n"] == per["seen"]]
    msg = (_TITLE + "中写明问题的 " + bad["n"].astype(str) + " 句话与本单位上一年度报告（" + bad["prev_id"] + "，"
           + (bad["year"] - 1).astype(str) + "年）第五部分一字不差，请核对上年的改进情况是否落实。")
    return found(bad["report_id"], msg, expected="本年度的问题", actual="与" + bad["prev_id"] + "相同")


def _same_as_last_by_code(corpus, codes: dict[str, np.ndarray], pairs: pd.DataFrame, cur_at: np.ndarray,
                          prev_at: np.ndarray) -> pd.DataFrame:
    """``_same_as_last_by_name`` on integer codes (each report in at most one pair)."""
    texts = sentence_rows(corpus).texts
    distinct = _distinct(codes["text"])  # template sentences repeat: each distinct one read once
    states = pd.Series(texts[distinct], dtype=object).str.replace(_NEGATED, "", regex=True).str.contains(
        PROBLEM_WORDS, regex=True).to_numpy(dtype=bool)
    says = np.zeros(len(texts), dtype=bool)
    says[distinct[states]] = True
    keep = says[codes["text"]]
    r, t = codes["report"][keep], codes["text"][keep]
    known = np.sort(r * len(texts) + t)  # every (report, text) stating a problem
    pair_of = np.full(len(corpus.reports), -1, dtype=np.int64)
    pair_of[cur_at] = np.arange(len(pairs))
    j = pair_of[r]
    t, j = t[j >= 0], j[j >= 0]
    want = prev_at[j] * len(texts) + t
    at = np.minimum(np.searchsorted(known, want), max(len(known) - 1, 0))
    seen = known[at] == want if len(known) else np.zeros(len(want), dtype=bool)
    n, hits = np.bincount(j, minlength=len(pairs)), np.bincount(j[seen], minlength=len(pairs))
    per = pairs.loc[n > 0, ["report_id", "prev_id", "year"]].assign(n=n[n > 0], seen=hits[n > 0])
    return per.sort_values("report_id", kind="stable").reset_index(drop=True)  # as the groupby orders them


def _same_as_last_by_name(corpus, pairs: pd.DataFrame) -> pd.DataFrame:
    """PROB-SAME-AS-LAST's counts per (report_id, prev_id, year) from the sentence strings: n
    sentences stating a problem, seen of them in the previous report."""
    s = _problem_sentences(corpus)
    codes, texts = pd.factorize(s["text"])  # template sentences repeat: each distinct one read once
    states = pd.Series(texts, dtype=object).str.replace(_NEGATED, "", regex=True).str.contains(PROBLEM_WORDS, regex=True)
    s = s.loc[states.to_numpy(dtype=bool)[codes]] if len(codes) else s
    cur = s.merge(pairs[["report_id", "prev_id", "year"]], on="report_id")
    prev = s[["report_id", "text"]].rename(columns={"report_id": "prev_id"}).assign(seen=True)
    cur = cur.merge(prev, on=["prev_id", "text"], how="left")
    return cur.groupby(["report_id", "prev_id", "year"]).agg(n=("text", "size"), seen=("seen", "count")).reset_index()


RULES = [no_problem, no_measure, template_only, same_as_last]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="problems_section", version=__version__, rules=RULES,
                description="五、存在的主要问题及改进情况：未写问题、未写措施、只有套话、与上年一字不差。")
