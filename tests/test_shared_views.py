"""The shared views rewritten for speed give exactly what the plain pandas formulas give, on real
reports (the bundled seeds, and the shared real corpus when present) and on awkward frames."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from audit.rules import narrative, year_over_year

from audit import api
from audit.corpus import lookups, ratios, text
from audit.corpus.loader import Corpus, load
from audit.ingest.normalise import normalise_text
from tests.shared_paths import REAL, REPO

SEED_FILES = sorted((REPO / "reports").glob("*.txt"))


def _real_reports() -> list[dict]:
    reports = [normalise_text(p.read_text(encoding="utf-8"), f"seed{i}") for i, p in enumerate(SEED_FILES)]
    if REAL.is_dir():  # the plain-text and markdown reports of the shared corpus read the same way
        for i, p in enumerate(sorted(REAL.glob("*"))):
            if p.suffix in (".txt", ".md"):
                reports.append(normalise_text(p.read_text(encoding="utf-8", errors="replace"), f"real{i}"))
    return reports


@pytest.fixture(scope="module")
def real() -> Corpus:
    return load(_real_reports())


def _fresh(c: Corpus, **frames) -> Corpus:
    parts = {k: getattr(c, k) for k in ("reports", "sections", "cells", "problems")}
    return Corpus(**{**parts, **frames}, options=dict(c.options))


def _reference_report_text(c: Corpus) -> pd.Series:
    s = c.sections.groupby("report_id", observed=True, sort=False)["text"].agg("\n".join)
    return s.reindex(c.reports["report_id"]).fillna("")


def test_report_text_is_the_sections_joined(real):
    assert len(real) >= 5
    pd.testing.assert_series_equal(text.joined_report_text(real), _reference_report_text(real))
    pd.testing.assert_series_equal(_fresh(real).report_text(), _reference_report_text(real))


def test_report_text_with_sections_out_of_order_unknown_ids_and_reports_without_text(real):
    sec = real.sections.sample(frac=1.0, random_state=3).reset_index(drop=True)
    sec = sec.loc[sec["report_id"] != real.reports["report_id"].iloc[1]]  # a report without sections
    stray = sec.iloc[:2].assign(report_id="no-such-report")
    c = _fresh(real, sections=pd.concat([sec, stray], ignore_index=True).astype(sec.dtypes.to_dict()))
    got = text.joined_report_text(c)
    pd.testing.assert_series_equal(got, _reference_report_text(c))
    assert got.iloc[1] == ""


def test_cell_report_positions_are_the_cells_report_ids_looked_up(real):
    ids = pd.Index(real.reports["report_id"].astype(str))
    expected = ids.get_indexer(real.cells["report_id"].astype(str))
    np.testing.assert_array_equal(api.cell_report_positions(real), expected)
    reordered = _fresh(real, reports=real.reports.iloc[::-1].reset_index(drop=True))  # categories no longer in order
    ids = pd.Index(reordered.reports["report_id"].astype(str))
    np.testing.assert_array_equal(api.cell_report_positions(reordered), ids.get_indexer(real.cells["report_id"].astype(str)))


def _plain_cells(c: Corpus) -> Corpus:
    """The same corpus with object (not categorical) cell keys: the views' frame path."""
    return _fresh(c, cells=c.cells.astype({k: object for k in ("report_id", "table", "row", "col", "state")}))


@pytest.mark.parametrize("table", list(api.TABLES))
def test_known_cells_from_the_cell_codes_match_the_frame_path(real, table):
    keys = sorted({f"{r}/{c}" for r, c in real.cells.loc[real.cells["table"] == table, ["row", "col"]]
                  .astype(str).itertuples(index=False)}) + ["no_such_row/total"]
    fast = lookups.known_cells(_fresh(real), table, keys)
    plain = lookups.known_cells(_plain_cells(real), table, keys)
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.notna().to_numpy().any()


def test_printed_blank_totals_from_the_cell_codes_match_the_frame_path(real):
    keys = [f"{r}/total" for r in ratios._REQUEST_ROWS]
    cells = real.cells.copy()
    blank = cells.index[(cells["table"] == "requests").to_numpy() & (cells["col"] == "total").to_numpy()][:3]
    cells.loc[blank, "value"] = np.nan
    cells.loc[blank, "state"] = "blank"
    c = _fresh(real, cells=cells)
    fast = ratios._printed_blank(_fresh(c), "requests", keys)
    plain = ratios._printed_blank(_plain_cells(c), "requests", keys)
    pd.testing.assert_frame_equal(fast, plain)
    assert fast.to_numpy().sum() >= 1


def test_sentence_keys_follow_the_sentences(real):
    s, k = api.sentences(real), api.sentence_keys(real)
    assert len(s) == len(k) > 0 and (s.index == k.index).all()
    ids = pd.Index(real.reports["report_id"].astype(str))
    np.testing.assert_array_equal(k["report"].to_numpy(), ids.get_indexer(s["report_id"]))
    # Equal codes exactly when equal texts.
    np.testing.assert_array_equal(pd.factorize(k["text"])[0], pd.factorize(s["text"])[0])


_TABLE_TEXTS = [
    "一、总体情况\n本年度共受理申请5件。\n项目\t本年新增\t现行有效\n规章\t0\t3\n结语一句。",
    "a|b|c\n只有一个\t制表符\n|\n||\n\t\t\n末行 | 两个 | 竖线",
    "\r\n行\t一\t二\r\n正文。\r\n",
    "没有表格的正文。\n第二行。",
    "",
    "信息内容\t本年制发件数\n规章\t1\n本列数据的勾稽关系为：第一项加第二项之和。",
]


def _reference_narrative(sec: pd.DataFrame) -> pd.Series:
    t = sec["text"].astype(str)
    tables = sec["canonical"].astype(object).isin(list(api.catalogue.TABLES)).to_numpy()
    t = t.where(~tables, t.str.replace(f"(?s)(?:{narrative._TABLE_START}).*", "", regex=True))
    return t.str.replace(narrative._TABLE_ROW, "", regex=True)


def test_narrative_sections_cut_the_tables_as_the_regex_replacements_do(real):
    extra = pd.DataFrame({"report_id": real.reports["report_id"].iloc[0], "position": 90, "number": None,
                          "title": "表", "canonical": ["active", "overview", "requests", "other", "appeals", "active"],
                          "text": _TABLE_TEXTS})
    sec = pd.concat([real.sections, extra], ignore_index=True).astype(real.sections.dtypes.to_dict())
    got = narrative._narrative_sections(_fresh(real, sections=sec))["text"]
    pd.testing.assert_series_equal(got, _reference_narrative(sec))
    assert (got != sec["text"]).any()


@pytest.mark.parametrize("t", [*_TABLE_TEXTS, "\t", "|", "x\t\ty", "\n\t|\n", "a\tb\nc"])
def test_table_rows_are_emptied_as_the_multiline_pattern_does(t):
    assert narrative._without_table_rows(t) == re.sub(narrative._TABLE_ROW, "", t)


def test_rounding_of_the_table_signature_is_numpys():
    v = np.array([0.0, -0.0, 1.0, -3.0, 2.5, 1e-7, 0.1234567, 2.0**31, 2.0**31 + 0.5, -(2.0**40), 1e300,
                  np.inf, -np.inf, np.nan, 12345.0000004, 7.9999999])
    expected = np.where(np.isnan(v), 0.0, np.round(v, 6))
    np.testing.assert_array_equal(year_over_year._rounded(v).view(np.uint64), expected.view(np.uint64))


def test_table_signatures_and_content_hashes_do_not_depend_on_the_cells_order(real):
    from audit.rules import duplicates

    shuffled = _fresh(real, cells=real.cells.sample(frac=1.0, random_state=5).reset_index(drop=True))
    a, b = year_over_year._table_signatures(_fresh(real)), year_over_year._table_signatures(shuffled)
    pd.testing.assert_frame_equal(a, b)
    assert (a["n"] > 0).sum() >= 5
    ids = real.reports["report_id"].astype(str).to_numpy(dtype=object)
    np.testing.assert_array_equal(duplicates._content_hash(_fresh(real), ids), duplicates._content_hash(shuffled, ids))


def test_content_hashes_tell_identical_reports_from_changed_ones(real):
    from audit.rules import duplicates

    first = real.reports["report_id"].iloc[0]
    rep = real.reports.iloc[[0, 0, 0]].assign(report_id=["x", "y", "z"]).astype(real.reports.dtypes.to_dict())
    sec = pd.concat([real.sections.loc[real.sections["report_id"] == first].assign(report_id=r) for r in "xyz"],
                    ignore_index=True).astype(real.sections.dtypes.to_dict())
    one = real.cells.loc[real.cells["report_id"] == first]
    cells = pd.concat([one.assign(report_id=r) for r in "xyz"], ignore_index=True)
    cells["report_id"] = pd.Categorical(cells["report_id"].astype(str), categories=["x", "y", "z"])
    cells.loc[len(one) * 2, "value"] += 1  # z: one number changed
    c = Corpus(reports=rep, sections=sec, cells=cells, problems=real.problems.iloc[:0])
    h = duplicates._content_hash(c, np.array(["x", "y", "z"], dtype=object))
    assert h[0] == h[1] != h[2]


def test_known_cells_when_the_reports_frame_is_in_another_order(real):
    reordered = _fresh(real, reports=real.reports.iloc[::-1].reset_index(drop=True))
    keys = ["new/total", "granted/natural", "carried_over/total", "no_such_row/total"]
    fast = lookups.known_cells(reordered, "requests", keys)
    plain = lookups.known_cells(_plain_cells(reordered), "requests", keys)
    pd.testing.assert_frame_equal(fast, plain)
    assert list(fast.index) == list(reordered.reports["report_id"])


def test_report_texts_of_some_reports_are_their_full_texts(real):
    ids = real.reports["report_id"].astype(str)
    sec = real.sections.sample(frac=1.0, random_state=5).reset_index(drop=True)  # sections out of order
    c = _fresh(real, sections=sec)
    want = pd.Index([ids.iloc[2], "no-such-report", ids.iloc[0], ids.iloc[2]], name="report_id")
    expected = _reference_report_text(c).reindex(want).fillna("")
    pd.testing.assert_series_equal(text.report_texts(c, want), expected)
    assert "text" not in c._wide  # the full text was not built for a few reports
    c.report_text()
    pd.testing.assert_series_equal(text.report_texts(c, want), expected)  # and from the full text once built
    none = pd.Index([], name="report_id")
    pd.testing.assert_series_equal(api.report_texts(_fresh(c), none), _reference_report_text(c).reindex(none).fillna(""))


def _reference_number_lines(full: str) -> str:
    """The lines of ``full`` around every decimal number + white space + count word, merged where
    they touch, one report at a time in plain Python."""
    spans: list[list[int]] = []
    for p, ch in enumerate(full):
        if ch not in api.COUNT_WORDS:
            continue
        q = p - 1
        while q >= 0 and full[q].isspace():
            q -= 1
        if q < 0 or not full[q].isdecimal():
            continue
        a, b = full.rfind("\n", 0, q) + 1, full.find("\n", p)
        b = len(full) if b < 0 else b
        if spans and a <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], b)
        else:
            spans.append([a, b])
    return text.LINE_SEP.join(full[a:b] for a, b in spans)


def test_number_lines_are_the_lines_around_each_number_and_count_word(real):
    edge = ["12件在第一行\n中间\n末行 3\u3000件", "5\n件跨行", "无数字件\n7 份材料", "", "第 9 号"]
    first = real.reports["report_id"].iloc[0]
    extra = pd.DataFrame({"report_id": first, "position": 90, "number": None, "title": "边界",
                          "canonical": "other", "text": edge})
    sec = pd.concat([real.sections, extra], ignore_index=True).astype(real.sections.dtypes.to_dict())
    c = _fresh(real, sections=sec)
    lines = api.number_lines(c)
    got = lines.series().to_dict()
    for rid, full in _reference_report_text(c).items():
        ref = _reference_number_lines(full)
        assert got.get(rid, "") == ref, rid
    assert "末行 3\u3000件" in got[first] and "5\n件跨行" in got[first]
