"""Views and rule steps rewritten for speed at 100,000 reports give exactly what the plain
formulas give: the prose sentences (``audit.api.sentence_rows``), the correction mentions of
CORR-UNEXPLAINED, on real reports and on awkward texts."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from audit.rules import corrections

from audit import api
from audit.corpus import sentences as S
from audit.corpus.loader import Corpus, load
from tests.shared_paths import REPO
from tests.test_shared_views import _fresh, _real_reports


@pytest.fixture(scope="module")
def real() -> Corpus:
    """The seeds and the real corpus, read as the shared-views tests read them."""
    return load(_real_reports())


_AWKWARD = [
    "短句。这是一个足够长的句子，应当保留。\n下一行也是一个足够长的句子！",
    "表格\t行\t里的文字不算句子。|竖线之后的一个足够长的句子？",
    "2024年共受理申请12件，办结11件。2023年共受理申请9件，办结9件。",
    "含有扩展区汉字𠀋的一个足够长的句子。之后还有一个足够长的句子。",  # beyond the BMP: the UTF-32 path
    "没有句号的一段很长的文字没有句号的一段很长的文字",
    "",
    "。。。！！？？!?",
    " * 一、 列表符号 和 空白 都去掉 的句子。",
]


def _with_awkward_sections(c: Corpus) -> Corpus:
    first = c.reports["report_id"].iloc[0]
    extra = pd.DataFrame({"report_id": first, "position": 90, "number": None, "title": "附",
                          "canonical": ["overview", "problems", "other", "overview", "problems", "other", "other",
                                        "problems"], "text": _AWKWARD})
    sec = pd.concat([c.sections, extra], ignore_index=True).astype(c.sections.dtypes.to_dict())
    return _fresh(c, sections=sec)


def _reference_sentences(c: Corpus) -> pd.DataFrame:
    """Every run of text up to a full stop, not crossing a line break, tab or pipe, normalised."""
    bad = set(api.unreadable(c))
    rows = []
    for i, (rid, canon, text) in enumerate(c.sections[["report_id", "canonical", "text"]].astype(object)
                                           .itertuples(index=False)):
        if str(rid) in bad:
            continue
        for m in re.finditer(r"[^。！？!?\n\t|]*[。！？!?]", str(text)):
            norm = re.sub(r"[0-9０-９.．]+", "#", re.sub(r"[\s\u3000*#>\-•·]+", "", m.group()))
            if len(norm) >= S.MIN_SENTENCE_CHARS:
                rows.append((str(rid), canon if isinstance(canon, str) else None, norm, i))
    return pd.DataFrame(rows, columns=["report_id", "canonical", "text", "section"])


@pytest.mark.parametrize("awkward", [False, True])
def test_sentences_are_the_runs_up_to_each_full_stop(real, awkward):
    c = _with_awkward_sections(real) if awkward else _fresh(real)
    ref = _reference_sentences(c)
    got, keys, rows = api.sentences(c), api.sentence_keys(c), api.sentence_rows(c)
    assert len(ref) > 0
    assert got["report_id"].tolist() == ref["report_id"].tolist()
    def names(col: pd.Series) -> list:
        return [v if isinstance(v, str) else None for v in col]
    assert names(got["canonical"]) == names(ref["canonical"])
    assert got["text"].tolist() == ref["text"].tolist()
    np.testing.assert_array_equal(rows.section, ref["section"].to_numpy())
    ids = pd.Index(c.reports["report_id"].astype(str))
    np.testing.assert_array_equal(rows.report, ids.get_indexer(ref["report_id"]))
    np.testing.assert_array_equal(keys["report"].to_numpy(), rows.report)
    np.testing.assert_array_equal(keys["text"].to_numpy(), rows.text)
    assert rows.texts[rows.text].tolist() == ref["text"].tolist()
    np.testing.assert_array_equal(pd.factorize(rows.text)[0], pd.factorize(ref["text"])[0])  # equal codes, equal texts
    if awkward:
        assert "含有扩展区汉字𠀋的一个足够长的句子。" in set(got["text"])


def test_sentences_skip_unreadable_reports(real):
    c = _fresh(real)
    rid = str(c.reports["report_id"].iloc[1])
    problems = pd.concat([c.problems, pd.DataFrame({"report_id": [rid], "kind": ["unreadable"], "message": ["x"]})],
                         ignore_index=True).astype(c.problems.dtypes.to_dict())
    c = _fresh(real, problems=problems)
    assert rid in set(api.unreadable(c))
    assert rid not in set(api.sentences(c)["report_id"])
    assert api.sentences(c)["text"].tolist() == _reference_sentences(c)["text"].tolist()


# -- CORR-UNEXPLAINED: mentions found section by section --------------------------------------------

_MENTION_TEXTS = [
    ["行政复议\t结果纠正\t结果维持", "正文未说明。"],  # the header only: no mention
    ["行政复议结果纠正 2 件，已整改。", "其他。"],  # a count after the word: a mention
    ["复议机关确认", "违法，已整改。"],  # 确认 … 违法 across two sections
    ["复议机关确认本机关", "答复违法。"],
    ["复议机关确认", "", "违法。"],  # across an empty section
    ["复议机关确认了结果纠正", "违法。"],  # the header removed inside the gap
    ["结果纠正", "3件"],  # the look-ahead at a section's end meets a line break
    ["责令重新答复一件。"],
    ["确认，违法"],
    ["本机关确认处理意见。很长的一段文字之后", "违法。"],
]


def _mention_corpus(real: Corpus) -> Corpus:
    """The real corpus with the first reports' sections replaced by ``_MENTION_TEXTS``."""
    ids = real.reports["report_id"].astype(str).tolist()[: len(_MENTION_TEXTS)]
    assert len(ids) == len(_MENTION_TEXTS)
    rows = [(rid, 100 + k, t) for rid, texts in zip(ids, _MENTION_TEXTS, strict=True) for k, t in enumerate(texts)]
    extra = pd.DataFrame(rows, columns=["report_id", "position", "text"]).assign(
        number=None, title="附", canonical="other")[list(real.sections.columns)]
    rest = real.sections.loc[~real.sections["report_id"].astype(str).isin(ids)]
    sec = pd.concat([extra, rest], ignore_index=True).astype(real.sections.dtypes.to_dict())
    return _fresh(real, sections=sec)


def test_mentions_section_by_section_are_the_joined_texts_searched(real):
    c = _mention_corpus(real)
    ids = pd.Index(c.reports["report_id"].astype(str))
    got = corrections._mentioned(c, ids)
    np.testing.assert_array_equal(got, corrections._mentioned_joined(c, ids))
    expected = pd.Series(c.report_text().reindex(ids).fillna("").to_numpy()).str.replace(
        r"结果纠正(?![ \t\u3000]*\d)", "", regex=True).str.contains(corrections.MENTION, regex=True).to_numpy()
    np.testing.assert_array_equal(got, expected)
    assert got[: len(_MENTION_TEXTS)].tolist() == [False, True, True, True, True, True, False, True, False, False]
    some = ids[[2, 0, 5]]
    np.testing.assert_array_equal(corrections._mentioned(c, some), corrections._mentioned_joined(c, some))


# -- PROB-TEMPLATE, PROB-SAME-AS-LAST, YOY-TEXT-REPEATED on integer codes ------------------------------

@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Corpus:
    """400 generated reports: units with consecutive years, template sentences shared by many."""
    import sys
    import warnings

    from audit.ingest.normalise import read_report

    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate as gen

    folder = tmp_path_factory.mktemp("gen400")
    gen.write_corpus(400, folder, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load([read_report(p, p.stem) for p in sorted(folder.iterdir())])


def _both_ways(corpus: Corpus, monkeypatch, rule) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A rule's findings on the integer codes, and on the sentence strings (no codes)."""
    from audit.rules import problems_section

    fast = rule.run(_fresh(corpus))
    with monkeypatch.context() as m:
        m.setattr(problems_section, "_problem_codes", lambda c: None)
        slow = rule.run(_fresh(corpus))
    return fast, slow


@pytest.mark.parametrize("which", ["PROB-TEMPLATE", "PROB-SAME-AS-LAST"])
@pytest.mark.parametrize("source", ["generated", "real"])
def test_problem_rules_on_codes_are_the_rules_on_strings(request, monkeypatch, which, source):
    from audit.rules import problems_section

    corpus = request.getfixturevalue(source)
    rule = next(r for r in problems_section.RULES if r.id == which)
    fast, slow = _both_ways(corpus, monkeypatch, rule)
    key = ["report_id", "message"]
    pd.testing.assert_frame_equal(fast.sort_values(key).reset_index(drop=True),
                                  slow.sort_values(key).reset_index(drop=True))
    if source == "generated":
        assert len(fast) > 10


def test_problem_codes_are_the_distinct_problem_sentences(generated):
    from audit.rules import problems_section

    c = _fresh(generated)
    codes = problems_section._problem_codes(c)
    s = problems_section._problem_sentences(_fresh(generated))
    ids = c.reports["report_id"].astype(str).to_numpy(dtype=object)
    assert ids[codes["report"]].tolist() == s["report_id"].tolist()
    assert api.sentence_rows(c).texts[codes["text"]].tolist() == s["text"].tolist()
    np.testing.assert_array_equal(pd.factorize(codes["unit"])[0], pd.factorize(s["unit"])[0])


@pytest.mark.parametrize("source", ["generated", "real"])
def test_repeated_sentences_on_codes_are_the_joins(request, source):
    from audit.rules import year_over_year

    c = _fresh(request.getfixturevalue(source))
    pairs, keys = api.previous_reports(c), api.sentence_keys(c)
    pos = pairs.assign(r=api.report_positions(c, pairs["report_id"]), p=api.report_positions(c, pairs["prev_id"]))
    n, rep = year_over_year._repeated_by_code(keys["report"].to_numpy(), keys["text"].to_numpy(), pos["r"].to_numpy(),
                                              pos["p"].to_numpy(), len(c.reports))
    n2, rep2 = year_over_year._repeated_by_join(keys, pos)
    np.testing.assert_array_equal(n.index.to_numpy(), n2.index.to_numpy())
    np.testing.assert_array_equal(n.to_numpy(), n2.to_numpy())
    np.testing.assert_array_equal(rep.to_numpy(), rep2.to_numpy())
    if source == "generated":
        assert len(n) > 100 and rep.sum() > 0


# -- texts_contain: literals section by section ----------------------------------------------------

@pytest.mark.parametrize("literals", [["处理费"], ["考核", "评议", "追究", "问责"], ["", "。\n一", "国务院令第492号"]])
def test_texts_contain_is_the_joined_texts_searched(real, literals):
    c = _with_awkward_sections(real)
    ids = pd.Index([*c.reports["report_id"].astype(str).tolist()[::2], "no-such-report"])
    got = api.texts_contain(c, ids, literals)
    joined = c.report_text().reindex(ids).fillna("")
    expected = np.array([[w in t for w in literals] for t in joined.tolist()], dtype=bool).reshape(len(ids), -1)
    np.testing.assert_array_equal(got, expected)
    assert got.shape == (len(ids), len(literals))
    assert not got[-1, [j for j, w in enumerate(literals) if w]].any()


def test_texts_contain_of_a_report_without_sections(real):
    gone = str(real.reports["report_id"].iloc[0])
    c = _fresh(real, sections=real.sections.loc[real.sections["report_id"].astype(str) != gone].reset_index(drop=True))
    got = api.texts_contain(c, pd.Index([gone, str(real.reports["report_id"].iloc[1])]), ["", "的"])
    assert got.tolist() == [[True, False], [True, True]]


# -- duplicate submissions: content hashed only where it is compared -----------------------------------

@pytest.mark.parametrize("shuffled", [False, True])
def test_content_hash_of_some_reports_is_theirs_among_all(real, shuffled):
    from audit.rules import duplicates

    c = _fresh(real, cells=real.cells.sample(frac=1.0, random_state=1).reset_index(drop=True)) if shuffled else real
    ids = c.reports["report_id"].astype(str).to_numpy(dtype=object)
    every = duplicates._content_hash(_fresh(c), ids)
    some = ids[[5, 1, 3]]
    np.testing.assert_array_equal(duplicates._content_hash(_fresh(c), some), every[[5, 1, 3]])
    assert len(set(every.tolist())) == len(ids)


def test_duplicate_groups_compare_content_only_where_it_decides(real):
    """Two copies without year (grouped by content), one unit and year twice (content differs)."""
    from audit.rules import duplicates

    rep = real.reports
    first, second, third = (str(x) for x in rep["report_id"].iloc[:3])
    copy = rep.loc[rep["report_id"].astype(str) == first].assign(report_id="copy-of-first")
    reports = pd.concat([rep, copy], ignore_index=True).astype(rep.dtypes.to_dict())
    reports.loc[reports["report_id"].astype(str).isin([first, "copy-of-first"]), "year"] = pd.NA
    reports.loc[reports["report_id"].astype(str) == third, ["unit", "year"]] = reports.loc[
        reports["report_id"].astype(str) == second, ["unit", "year"]].to_numpy()
    sec = real.sections
    sec = pd.concat([sec, sec.loc[sec["report_id"].astype(str) == first].assign(report_id="copy-of-first")],
                    ignore_index=True).astype(sec.dtypes.to_dict())
    cells = real.cells
    dup_cells = cells.loc[cells["report_id"].astype(str) == first].assign(report_id="copy-of-first")
    cells = pd.concat([cells.astype({"report_id": object}), dup_cells.astype({"report_id": object})],
                      ignore_index=True).astype({"report_id": "category"})
    c = Corpus(reports=reports, sections=sec, cells=cells, problems=real.problems)
    g = duplicates._duplicate_groups(c).set_index("report_id")
    assert g.loc[first, "group"] == g.loc["copy-of-first", "group"] and g.loc[first, "identical"]
    assert g.loc[second, "group"] == g.loc[third, "group"] and not g.loc[second, "identical"]
    assert len(g) == 4
