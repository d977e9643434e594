"""The ``fees`` pack: 信息处理费 said right (edition 2021, 国办公开办函〔2021〕30号).

Complements SECT-FEE-MISSING (sections pack), which fires when section 六 mentions neither 处理费
nor 收费 at all; these rules look at what the report does say:

- FEE-CONFUSED: section 六 reports 行政事业性收费 (the 表二 row, in 万元, the unit's administrative
  charges) instead of 信息处理费 (charged to applicants under 国办函〔2020〕109号), or gives
  the 表二 amount as its 信息处理费;
- FEE-OVERDUE-UNMENTIONED: （六）其他处理 2 (逾期未按收费通知要求缴纳费用) is non-zero, so the unit
  sent fee notices, yet no part of the text says anything about 信息处理费 (section 六 speaks of
  charges only in other words, e.g. 不涉及收费). A report that SECT-FEE-MISSING or FEE-CONFUSED
  already flags is left to them (one finding per omission).
"""

from __future__ import annotations

import re

import pandas as pd

from audit.api import (
    Pack,
    __version__,
    found,
    hookimpl,
    joined_by_report,
    known_cells,
    rule,
    texts_contain,
    unreadable,
)

FEE_WORDS = r"处理费|收费"  # what SECT-FEE-MISSING looks for
ADMIN_FEE = "行政事业性收费"
_AMOUNT = re.compile(r"处理费[^。；\n]{0,12}?(\d+(?:\.\d+)?)\s*万元")


def _other_text(corpus) -> pd.Series:
    """Section 六's text per edition-2021 report that has one and was read."""
    def compute(c) -> pd.Series:
        ed = c.reports.set_index(c.reports["report_id"].astype(str))["edition"].astype(object)
        sec = c.sections.loc[(c.sections["canonical"] == "other").to_numpy()]
        sec = sec.loc[~sec["report_id"].astype(str).isin(unreadable(c))]
        t = joined_by_report(sec["report_id"], sec["text"])
        return t.loc[(ed.reindex(t.index) == "2021").to_numpy()]
    return corpus.derived("fees:other_text", compute)


def _confused(corpus) -> pd.DataFrame:
    """Per report of ``_other_text``: speaks of 行政事业性收费 without 处理费; states as 信息处理费
    the 表二 行政事业性收费 amount (non-zero); that amount."""
    t = _other_text(corpus)
    fees = known_cells(corpus, "active", ["fees/amount"])["fees/amount"].reindex(t.index)
    stated = t.str.extract(_AMOUNT, expand=False).astype(float)
    return pd.DataFrame({
        "instead": t.str.contains(ADMIN_FEE, regex=False) & ~t.str.contains("处理费", regex=False),
        "same_amount": (stated > 0) & ((stated - fees).abs() < 1e-6),
        "amount": fees,
    }, index=t.index)


@rule(
    id="FEE-CONFUSED",
    title="把行政事业性收费当作信息处理费报告",
    category="sections",
    severity="warning",
    points=0.5,
    description=(
        "第六部分应报告政府信息公开信息处理费（向申请人收取，依据国办函〔2020〕109号《政府信息公开信息处理费管理办法》）的"
        "收取情况。表二“行政事业性收费”（单位：万元）是本单位的行政事业性收费金额，与信息处理费无关。第六部分只谈"
        "行政事业性收费、不提信息处理费的，或把表二的收费金额写成信息处理费金额的，报此问题。只检查 2021 版报告。"
    ),
    fail_example={"sections": {"other": "本年度行政事业性收费0万元。无其他需要报告的事项。"}},
    pass_example={"sections": {"other": "本年度未收取信息处理费；行政事业性收费情况见表二。"}},
)
def confused(corpus) -> pd.DataFrame:
    c = _confused(corpus)
    instead = c.loc[c["instead"]]
    same = c.loc[c["same_amount"] & ~c["instead"]]
    a = found(pd.Series(instead.index, dtype=object),
              "「六、其他需要报告的事项」只报告了行政事业性收费，未报告政府信息公开信息处理费的收取情况"
              "（行政事业性收费是表二的另一项内容，不是信息处理费）。", expected="信息处理费收取情况", actual="行政事业性收费")
    amount = same["amount"].map(lambda v: f"{v:g}").astype(object)
    b = found(pd.Series(same.index, dtype=object),
              "「六、其他需要报告的事项」所写信息处理费金额 " + amount + " 万元与表二“行政事业性收费”金额相同，"
              "请核对是否把行政事业性收费当作了信息处理费。", table="active", row="fees", col="amount",
              expected="信息处理费金额", actual=same["amount"])
    return pd.concat([a, b], ignore_index=True)


@rule(
    id="FEE-OVERDUE-UNMENTIONED",
    title="有逾期未缴费的申请而正文未说明信息处理费",
    category="sections",
    severity="warning",
    points=0.5,
    description=(
        "表三（六）其他处理第 2 项“申请人逾期未按收费通知要求缴纳费用”大于 0，说明本单位向申请人发出过收费通知，"
        "正文应说明信息处理费的收取情况。第六部分谈到收费（如“不涉及收费”）而全文从未提到信息处理费的，报此问题"
        "（第六部分完全不谈收费的由 SECT-FEE-MISSING 报告，只谈行政事业性收费的由 FEE-CONFUSED 报告）。只检查 2021 版报告。"
    ),
    fail_example={"cells": {"requests/new/natural": 4, "requests/new/total": 4,
                            "requests/other_overdue_fee/natural": 1, "requests/other_overdue_fee/total": 1,
                            "requests/handled_total/natural": 4, "requests/handled_total/total": 4},
                  "sections": {"other": "本单位不涉及收费事项。无其他需要报告的事项。"}},
    pass_example={"cells": {"requests/new/natural": 4, "requests/new/total": 4,
                            "requests/other_overdue_fee/natural": 1, "requests/other_overdue_fee/total": 1,
                            "requests/handled_total/natural": 4, "requests/handled_total/total": 4},
                  "sections": {"other": "本年度发出信息处理费收费通知1份，申请人逾期未缴纳，未收取信息处理费。"}},
)
def overdue_unmentioned(corpus) -> pd.DataFrame:
    t = _other_text(corpus)
    v = known_cells(corpus, "requests", ["other_overdue_fee/total"])["other_overdue_fee/total"].reindex(t.index)
    left = t.str.contains(FEE_WORDS, regex=True) & ~_confused(corpus)["instead"]
    cand = v.loc[(v > 0) & left]
    if cand.empty:
        return found()
    bad = cand.loc[~texts_contain(corpus, cand.index, ["处理费"])[:, 0]]
    msg = ("「三、收到和处理政府信息公开申请情况」表“（六）其他处理”第 2 项（申请人逾期未按收费通知要求缴纳费用）为 "
           + bad.astype(int).astype(str) + "，说明发出过收费通知，但正文未说明信息处理费的收取情况。")
    return found(pd.Series(bad.index, dtype=object), msg, table="requests", row="other_overdue_fee", col="total",
                 expected="说明信息处理费收取情况", actual=bad)


RULES = [confused, overdue_unmentioned]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="fees", version=__version__, rules=RULES,
                description="信息处理费的报告：与行政事业性收费混淆、有逾期未缴费申请而未说明。")
