"""The text fast path enforces its own preconditions, and every declared pattern gives the same
matches on both paths (the number lines and the whole text)."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from audit.rules import narrative

from audit import api
from audit.packs import plugins
from audit.testing.build import build_corpus

TRICKY_TEXTS = [
    "本年度共受理政府信息公开申请5件，其中自然人3件。结转下年度继续办理2件。",
    "收到申请\n3件；收到申请 ５ 件",  # a count word on the next line; full-width digits
    "行政许可决定 7 件，发布行政许可23件\u3000行政复议案件2起，行政诉讼1宗",
    "12件申请已结转至2025年\n\n行政处罚案件186件",
    "国务院令第 492 号，国务院令第711号",
    "𝟓件受理政府信息公开申请𝟐件𠀀",  # beyond the BMP
    "\x00\x01收到申请\x002件\ufdd0受理政府信息公开申请4件",
    "第二十条\t0\n\t1990件\n\t\n件数",
    "因政府信息公开申请引发行政复议1件。\n政府信息公开行政诉讼\n2宗",
    "",
]


@pytest.fixture(scope="module")
def text_corpus():
    patches = [{"extra_text": t} for t in TRICKY_TEXTS]
    patches.append({"sections": {"active": "办理行政许可3", "requests": "\n件以上"}})  # digits and 件 across sections
    return build_corpus(*patches)


def _declared() -> dict[str, str | None]:
    plugins.load_registry()  # importing the packs (entry points) declares their patterns
    return api.registered_text_patterns()


def test_the_builtin_packs_declare_their_patterns_and_all_take_the_fast_path():
    declared = _declared()
    assert len(declared) >= 11
    assert {p: why for p, why in declared.items() if why is not None} == {}


def test_every_declared_pattern_finds_the_same_on_both_paths(text_corpus):
    full = text_corpus.report_text()
    for pattern in _declared():
        rx = re.compile(pattern)
        view = api.text_view(text_corpus, pattern)
        kept = view.series().reindex(full.index).fillna("")
        assert [rx.findall(t) for t in full] == [rx.findall(t) for t in kept], pattern


@pytest.mark.parametrize(("pattern", "why"), [
    ("收到申请", "数字 + 量词"),  # no number + count word
    (r"(\d+)件?", "数字 + 量词"),  # the count word is optional
    (r"\d+个", "数字 + 量词"),  # 个 is not one of the count words
    (r"(?:\d+件|申请)", "数字 + 量词"),  # one branch without
    (r"\d+件[^a]", "换行"),  # a negated class matches a line break
    (r"(?s)\d+件.", "换行"),
    (r"(?<=\n)\d+件", "换行"),  # a look-behind into the previous line
    (r"^\d+件", "^"),
    (r"(\d)\1件", "数字 + 量词"),
    (r"(\d)件\1", "反向引用"),
])
def test_a_pattern_that_breaks_the_preconditions_is_named_with_the_reason(pattern, why):
    problem = api.fast_path_problem(pattern)
    assert problem is not None and why in problem


@pytest.mark.parametrize("pattern", [r"\d+\s*件", r"(?m)^\d+件", r"(?:\d+件|\d起)", r"(?<!发布行政许可)\d+件",
                                     r"第?[ \u3000]*492[ \u3000]*号", r"\d+\n件"])
def test_patterns_that_keep_the_preconditions_take_the_fast_path(pattern):
    assert api.fast_path_problem(pattern) is None


def test_a_pattern_without_a_count_runs_on_the_whole_text(text_corpus):
    pattern = r"结转下年度继续办理"  # no number: on the number lines alone a match could be missed
    view = api.text_view(text_corpus, pattern)
    assert view.whole
    full = text_corpus.report_text()
    assert view.series().reindex(full.index).fillna("").tolist() == full.tolist()
    corpus = build_corpus({"sections": {"other": "剩余申请结转下年度继续办理。"}})
    got = api.text_view(corpus, pattern).series().str.contains(pattern)
    assert got.tolist() == [True]
    assert api.registered_text_patterns()[pattern] is not None
    assert not api.number_lines(corpus).series().str.contains(pattern).any()  # what the fast path would miss


def test_a_whole_text_view_is_searched_report_by_report():
    corpus = build_corpus({"extra_text": "受理申请"}, {"extra_text": "5件。"})
    pattern = r"受理申请[\s\S]*?(?P<n>\d+)件"  # in one string, it would join the end of r1 and r2's 5件
    view = api.text_view(corpus, pattern)
    assert view.whole and re.search(pattern, view.text)
    got = narrative.stated_numbers(view, pattern)
    assert isinstance(got, pd.DataFrame) and got.empty


@pytest.mark.parametrize("pattern", [narrative.NEW_REQUESTS, narrative.CARRIED_NEXT, narrative.REVIEW])
def test_stated_numbers_on_the_view_match_the_series(text_corpus, pattern):
    full = text_corpus.report_text()
    by_series = narrative.stated_numbers(full, pattern)
    by_view = narrative.stated_numbers(api.number_lines(text_corpus), pattern)
    pd.testing.assert_frame_equal(by_series, by_view, check_names=False, check_index_type=False)
