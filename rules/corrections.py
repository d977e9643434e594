"""The ``corrections`` pack: a review or court corrected the unit, and the report never says so.

When 表四 reports 结果纠正 > 0 (行政复议 or 行政诉讼 found the unit's handling of an application
wrong), evaluation tables expect the text to say what was corrected and what the unit changed.
The rule looks for any mention of it in the whole text, after removing the table's own column
label 结果纠正: 纠正, 纠错, 撤销, 确认…违法, 责令…, 重新作出/答复/处理, 败诉, 被改变.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from audit.api import (
    Pack,
    __version__,
    found,
    hookimpl,
    known_cells,
    report_positions,
    report_texts,
    rule,
    section_keys,
    unreadable,
)

GROUPS = ("review", "litigation_direct", "litigation_after_review")
MENTION = r"纠正|纠错|撤销|确认[^，。；]{0,6}违法|责令|重新(?:作出|答复|处理|办理)|败诉|被改变|予以变更"


@rule(
    id="CORR-UNEXPLAINED",
    title="复议诉讼结果纠正未在正文说明",
    category="narrative",
    severity="warning",
    points=1,
    description=(
        "表四（行政复议、行政诉讼情况）中“结果纠正”大于 0，说明复议机关或法院认定本单位的依申请公开答复有误，"
        "报告正文应说明纠正了什么、作了哪些整改。正文（去掉表头“结果纠正”后；正文写明“结果纠正 N 件”也算提到）完全没有提到纠正、撤销、确认违法、"
        "责令重新答复、败诉等内容的，报此问题。只提到没提到，不评判说明是否充分。"
    ),
    fail_example={"cells": {"appeals/review/corrected": 2, "appeals/review/total": 3}},
    pass_example={"cells": {"appeals/review/corrected": 2, "appeals/review/total": 3},
                  "sections": {"appeals": "本年度行政复议被纠正2件，均为答复超期，已重新作出答复并完善了登记流程。"}},
)
def unexplained(corpus) -> pd.DataFrame:
    k = known_cells(corpus, "appeals", [f"{g}/corrected" for g in GROUPS])
    corrected = k.fillna(0).sum(axis=1)
    cand = corrected.loc[(corrected > 0) & ~corrected.index.isin(unreadable(corpus))]
    if cand.empty:
        return found()
    bad = cand.loc[~_mentioned(corpus, cand.index)]
    where = _groups(k.loc[bad.index])
    msg = ("「四、政府信息公开行政复议、行政诉讼情况」表中" + where + "，共 " + bad.astype(int).astype(str)
           + " 件，但报告正文未说明纠正了什么、作了哪些整改。")
    return found(pd.Series(bad.index, dtype=object), msg, table="appeals", col="corrected",
                 expected="正文说明纠正情况", actual="结果纠正 " + bad.astype(int).astype(str) + " 件，正文未提及")


# The table's own header word goes; a sentence stating the count (结果纠正 64 件) is a mention.
HEADER = r"结果纠正(?![ \t\u3000]*\d)"
_HEADER_RX, _MENTION_RX = re.compile(HEADER), re.compile(MENTION)


def _mentioned(corpus, ids: pd.Index) -> np.ndarray:
    """Per report of ``ids``: whether its text, ``HEADER`` removed, matches ``MENTION``.

    The same as searching ``report_texts(corpus, ids).str.replace(HEADER, "")`` (the definition,
    ``_mentioned_joined``), in one ``finditer`` per few million characters instead of one search
    per report: the removal gives the same text section by section (the word holds no line
    break, and after a section's end the look-ahead meets a line break, which is no digit, as at
    the end of a string), each report's sections are joined as ``Corpus.report_text`` joins them,
    and two reports' texts are kept apart by ``_REPORT_END``, which no match crosses."""
    reports = corpus.reports["report_id"]
    sec = corpus.sections
    texts = sec["text"].to_numpy(dtype=object)
    if not pd.Index(reports).is_unique or pd.isna(texts).any():  # not a loaded corpus: the joined texts
        return _mentioned_joined(corpus, ids)
    k = section_keys(corpus)
    want = np.zeros(len(k.ids) + 1, dtype=bool)
    at = report_positions(corpus, ids)
    want[at[at >= 0]] = True
    rows = np.flatnonzero(want[k.report])
    rows = rows[np.argsort(k.report[rows], kind="stable")]  # each report's sections together, in order
    owner = k.report[rows]
    sub = _HEADER_RX.sub
    texts = [sub("", t) if "结果纠正" in t else t for t in texts[rows].tolist()]
    first = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]]) if len(owner) else owner
    for i in (first[1:] - 1).tolist() + ([len(texts) - 1] if len(texts) else []):
        texts[i] += _REPORT_END  # the last section of each report
    said = np.zeros(len(k.ids) + 1, dtype=bool)
    said[owner[_matching(texts, first)]] = True
    out = np.zeros(len(ids), dtype=bool)
    out[at >= 0] = said[at[at >= 0]]
    return out


# Ends each report's last section: between two reports the text reads "\n。\n", which no match
# crosses (确认…违法's gap stops at 。, and no other mention holds a line break).
_REPORT_END = "\n。"
_CHUNK_CHARS = 1 << 22


def _matching(texts: list[str], first: np.ndarray) -> np.ndarray:
    """Positions of the texts (sections) where a match of ``MENTION`` starts in their joined
    text (a line break between two), scanned a few million characters at a time; ``first``: the
    position of each report's first section, where a chunk may start."""
    offsets = np.r_[0, np.cumsum(np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)) + 1)]
    starts = first[np.r_[True, np.diff(offsets[first] // _CHUNK_CHARS) > 0]] if len(first) else first
    bounds = [*starts.tolist(), len(texts)]
    found = []
    for lo, hi in zip(bounds[:-1], bounds[1:], strict=True):
        hits = np.fromiter((m.start() for m in _MENTION_RX.finditer("\n".join(texts[lo:hi]))), dtype=np.int64)
        found.append(lo + np.searchsorted(offsets[lo:hi] - offsets[lo], hits, "right") - 1)
    return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)


def _mentioned_joined(corpus, ids: pd.Index) -> np.ndarray:
    """``_mentioned`` on the reports' joined texts (the definition)."""
    text = report_texts(corpus, ids).str.replace(HEADER, "", regex=True)
    return text.str.contains(MENTION, regex=True).to_numpy(dtype=bool)


_LABEL = {"review": "行政复议", "litigation_direct": "未经复议直接起诉", "litigation_after_review": "复议后起诉"}


def _groups(k: pd.DataFrame) -> pd.Series:
    """"行政复议结果纠正 2 件、复议后起诉结果纠正 1 件" per report, the groups with a correction only."""
    pieces = pd.DataFrame({g: np.where(k[f"{g}/corrected"].fillna(0).to_numpy() > 0,
                                       _LABEL[g] + "结果纠正 " + k[f"{g}/corrected"].fillna(0).astype(int).astype(str)
                                       + " 件、", "") for g in GROUPS}, index=k.index)
    return pieces.sum(axis=1).astype(str).str.rstrip("、")

RULES = [unexplained]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="corrections", version=__version__, rules=RULES,
                description="表四结果纠正大于 0 而正文未作说明。")
