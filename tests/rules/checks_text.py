"""Report text in the real tab layout for the checks' tests: a city fixture report with edits."""

from __future__ import annotations

import warnings

from audit.corpus.loader import load
from audit.ingest.normalise import normalise_text
from tests.rules.test_year_over_year import CITY


def text_of(name: str) -> str:
    return (CITY / f"{name}.txt").read_text(encoding="utf-8")


def section(text: str, head: str, new_body: str, next_head: str) -> str:
    """``text`` with everything between heading ``head`` and ``next_head`` replaced by ``new_body``."""
    a = text.index(head) + len(head)
    b = text.index(next_head, a)
    return text[:a] + "\n\n" + new_body + "\n\n" + text[b:]


def corpus_of(*texts: str, ids: tuple[str, ...] | None = None):
    ids = ids or tuple(f"t{i}" for i in range(1, len(texts) + 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load([normalise_text(t, report_id=i) for t, i in zip(texts, ids, strict=True)])


FIVE, SIX, FOUR = "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "四、政府信息公开行政复议、行政诉讼情况"
