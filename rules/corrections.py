"""The ``corrections`` pack: a review or court corrected the unit, and the report never says so.

When 表四 reports 结果纠正 > 0 (行政复议 or 行政诉讼 found the unit's handling of an application
wrong), evaluation tables expect the text to say what was corrected and what the unit changed.
The rule looks for any mention of it in the whole text, after removing the table's own column
label 结果纠正: 纠正, 纠错, 撤销, 确认…违法, 责令…, 重新作出/答复/处理, 败诉, 被改变.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit.api import Pack, __version__, found, hookimpl, known_cells, report_texts, rule, unreadable

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
    # The table's own header word goes; a sentence stating the count (结果纠正 64 件) is a mention.
    text = report_texts(corpus, cand.index).str.replace(r"结果纠正(?![ \t\u3000]*\d)", "",
                                                                           regex=True)
    bad = cand.loc[~text.str.contains(MENTION, regex=True).to_numpy()]
    where = _groups(k.loc[bad.index])
    msg = ("「四、政府信息公开行政复议、行政诉讼情况」表中" + where + "，共 " + bad.astype(int).astype(str)
           + " 件，但报告正文未说明纠正了什么、作了哪些整改。")
    return found(pd.Series(bad.index, dtype=object), msg, table="appeals", col="corrected",
                 expected="正文说明纠正情况", actual="结果纠正 " + bad.astype(int).astype(str) + " 件，正文未提及")


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
