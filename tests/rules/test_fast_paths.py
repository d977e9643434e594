"""The shared fast views of the built-in packs give what the straightforward computation gives.

The packs read tables as numpy grids (``audit.api.grid``), scan text only on the lines that can hold
a count (``audit.api.number_lines``) and hash normalised sentences from code points
(``copying.section_sentences``, helper of the cross_report pack). Each is checked here against the
plain pandas / regex computation it replaces, on inputs chosen for their edge cases.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from audit.rules import copying, narrative, zeros

from audit.api import grid
from audit.contracts.findings import sort_findings
from audit.testing.build import build_corpus

# The text views (number lines, whole text) are checked pattern by pattern in tests/test_text_fast_path.py.
CARRIED_NEXT_TEXTS = ["本年度共受理政府信息公开申请5件，其中自然人3件。结转下年度继续办理2件。",
                      "12件申请已结转至2025年\n\n行政处罚案件186件", ""]


def test_carried_next_prefilter_keeps_every_match():
    rx, pre = re.compile(narrative.CARRIED_NEXT), re.compile(narrative.CARRIED_NEXT_PREFILTER)
    for text in [*CARRIED_NEXT_TEXTS, "剩余2件结转至下一年度", "1件转入结转到次年", "结转入2024年度继续办理1件"]:
        assert not rx.search(text) or pre.search(text)


@pytest.fixture(scope="module")
def cell_corpus():
    return build_corpus(
        {"cells": {"requests/new/natural": 5, "requests/new/total": None, "requests/granted/natural": "raw:二"}},
        {"edition": "2019", "drop_cells": ["appeals"], "cells": {"requests/handled_total/total": None}},
        {"drop_cells": ["requests/carried_next"], "problems": [
            {"kind": "missing_cells", "table": "requests", "row": "new", "detail": "5 of 7 values"}]},
    )


@pytest.mark.parametrize("table", ["active", "requests", "appeals"])
def test_grid_matches_the_pivot(cell_corpus, table):
    g = grid(cell_corpus, table)
    wide = cell_corpus.wide(table)  # every (report, row) pair of the table, printed or not
    present = cell_corpus.present(table).reindex(index=wide.index, columns=wide.columns, fill_value=False)
    for (rid, row), values in wide.iterrows():
        r, i = list(g.ids).index(rid), g.r(row)
        for col, v in values.items():
            j = g.c(col)
            assert g.present[r, i, j] == present.loc[(rid, row), col]
            assert (np.isnan(v) and np.isnan(g.value[r, i, j])) or v == g.value[r, i, j]
    assert g.present.sum() == present.to_numpy().sum()
    assert list(g.cols[g.col_order]) == list(wide.columns) + [c for c in g.cols[g.col_order] if c not in wide]


def _reference_sentences(sections: pd.DataFrame) -> pd.DataFrame:
    """The per-sentence regex pipeline section_sentences replaces (normalised text, not hashes)."""
    s = sections[["report_id", "canonical", "text"]]
    parts = s["text"].astype(str).str.split(r"[。！？；;!?\n]+", regex=True)
    long = s[["report_id", "canonical"]].assign(sent=parts).explode("sent", ignore_index=True)
    long = long.loc[~long["sent"].fillna("").astype(str).str.contains(copying.TEMPLATE_SENTENCE, regex=True)]
    norm = (long["sent"].fillna("").astype(str)
            .str.replace(r"\d+(?:\.\d+)?[年月日号件个条项次起宗%％]?", "", regex=True)
            .str.replace(r"[\W_a-zA-Z]+", "", regex=True))
    return long.assign(sent=norm).loc[norm.str.len() >= copying.MIN_SENTENCE_CHARS].drop_duplicates()


def test_section_sentences_match_the_regex_pipeline():
    texts = ["一是部分单位信息发布属性界定还不够精确。二是2024年共办理15件，较去年增加1.5件！",
             "1.2件和1.件以及3 件还有①②③个项目的统计数据汇总情况说明；ABC项目ｘｙｚ全角字母的句子内容",
             "本报告根据《条例》编制，这一句是模板句子不应计入。本报\u3000告不是模板句子的内容足够长吗是的吧",
             "𠀀𠀁𠀂中文扩展字符测试句子内容足够长了吗１２月\n\n_下划线_测试句子内容较长的一个句子吧对不对呢",
             "一是部分单位信息发布属性界定还不够精确。二是2023年共办理9件，较去年增加2件！", "", "。。"]
    sections = pd.DataFrame({"report_id": [f"r{i % 3}" for i in range(len(texts))],
                             "canonical": ["overview", "problems"] * 3 + ["overview"], "text": texts})
    ref = _reference_sentences(sections)
    got = copying.section_sentences(sections)
    assert got[["report_id", "canonical"]].to_numpy().tolist() == ref[["report_id", "canonical"]].to_numpy().tolist()
    pairs = pd.DataFrame({"sent": ref["sent"].to_numpy(), "h": got["h"].to_numpy()}).drop_duplicates()
    assert pairs["sent"].is_unique and pairs["h"].is_unique  # equal sentences, equal hashes; and only those


def test_sort_findings_is_the_stable_multi_key_sort():
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"report_id": rng.choice(["b", "a", "c", "aa"], 200),
                       "severity": rng.choice(["info", "error", "warning", None], 200),
                       "rule_id": rng.choice(["X-1", "A-2", "B-1"], 200), "n": np.arange(200)})
    rank = df["severity"].map({"error": 0, "warning": 1, "info": 2}).fillna(3)
    expected = df.assign(_r=rank).sort_values(["report_id", "_r", "rule_id"], kind="stable")
    assert sort_findings(df)["n"].tolist() == expected["n"].tolist()


def test_a_report_without_leaf_rows_sums_them_to_zero():
    # As Corpus.wide lays the table out, a report with the requests table has every row some report
    # has; its missing leaf rows count as blank (0), so 总计 over nothing is "parts all zero".
    from audit.contracts.catalogue import load as load_catalogue

    leaves = {r for ed in ("2019", "2021") for r in load_catalogue().request_leaf_rows(ed)}
    corpus = build_corpus({"drop_cells": [f"requests/{r}" for r in sorted(leaves)],
                           "cells": {"requests/handled_total/natural": 3}}, {})
    rule = {r.id: r for r in zeros.audit_pack().rules}["ZERO-TOTAL-WITHOUT-PARTS"]
    out = rule.run(corpus)
    assert set(out["report_id"]) == {"r1"} and (out["expected"] == 0).all()
