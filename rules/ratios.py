"""The ``ratios`` pack: risk ratios past their thresholds (``audit.api.risk_ratios``).

纠错率, 实质公开率, 不予公开率 and 结转率 are what evaluation staff compute to see where a unit's
handling of applications is at risk. They are shown in the scorecard for every report with enough
cases; these rules turn a ratio past its threshold into a warning for the supervisor to look at.
They deduct no points (the report is not wrong; the handling it reports may need checking): a
local policy or rubric can give them weight. Thresholds and the minimum number of cases are
configurable (``[check_thresholds]``: max_correction_rate, min_disclosure_rate, max_denial_rate,
max_carry_rate, min_cases).
"""

from __future__ import annotations

import pandas as pd

from audit.api import Pack, Rule, __version__, found, hookimpl, option, risk_ratios, rule, unreadable

DEFAULTS = {"max_correction_rate": 0.2, "min_disclosure_rate": 0.3, "max_denial_rate": 0.2, "max_carry_rate": 0.3}

_BUSY = {"requests/new/natural": 40, "requests/new/total": 40, "requests/granted/natural": 30,
         "requests/granted/total": 30, "requests/unable_not_held/natural": 10, "requests/unable_not_held/total": 10,
         "requests/handled_total/natural": 40, "requests/handled_total/total": 40}


def _pct(v: pd.Series) -> pd.Series:
    return (v * 100).round(1).map(lambda x: f"{x:g}%")


def _flag(corpus, ratio: str, limit_key: str, above: bool, what: tuple[str, str, str]) -> pd.DataFrame:
    """Findings for the reports whose ``ratio`` is past the ``limit_key`` threshold."""
    limit = option(corpus, limit_key, DEFAULTS[limit_key])
    r = risk_ratios(corpus, option(corpus, "min_cases", 30))
    r = r.loc[~r.index.isin(unreadable(corpus))]
    rate = r[ratio]
    bad = r.loc[(rate > limit + 1e-12) if above else (rate < limit - 1e-12)]
    if bad.empty:
        return found()
    base = {"correction_rate": "correction_base", "carry_rate": "carry_base"}.get(ratio, "request_base")
    part = (bad[ratio] * bad[base]).round().astype("int64").astype(str)
    name, part_label, base_label = what
    n = bad[base].round().astype("int64").astype(str)
    msg = (f"{name} " + _pct(bad[ratio]) + f"（{part_label} " + part + f" 件 / {base_label} " + n
           + f" 件）{'高于' if above else '低于'}阈值 {limit * 100:g}%，请核查。")
    return found(pd.Series(bad.index, dtype=object), msg, expected=f"{'≤' if above else '≥'}{limit * 100:g}%",
                 actual=_pct(bad[ratio]))


def _ratio_rule(id: str, title: str, description: str, fail_example: dict, pass_example: dict, ratio: str,
                limit_key: str, above: bool, what: tuple[str, str, str]) -> Rule:
    """One risk-ratio rule: a warning of no points when ``ratio`` is past the ``limit_key`` threshold."""

    def check(corpus) -> pd.DataFrame:
        return _flag(corpus, ratio, limit_key, above, what)

    return rule(id=id, title=title, category="risk", severity="warning", points=0, description=description,
                fail_example=fail_example, pass_example=pass_example)(check)


correction_high = _ratio_rule(
    "RATIO-CORRECTION-HIGH", "行政复议、行政诉讼纠错率偏高",
    "纠错率 =（行政复议结果纠正 + 行政诉讼结果纠正）÷ 已审结案件（结果维持 + 结果纠正 + 其他结果，三组合计）。"
    "纠错率高于阈值（默认 20%）说明依申请公开答复被复议机关或法院纠正的比例偏高，答复的合法性需要核查。"
    "审结案件少于最少案件数（默认 30 件）时不计算（样本不足）。不扣分，供考核时参考。",
    {"cells": {"appeals/review/upheld": 20, "appeals/review/corrected": 12, "appeals/review/total": 32}},
    {"cells": {"appeals/review/upheld": 30, "appeals/review/corrected": 2, "appeals/review/total": 32}},
    "correction_rate", "max_correction_rate", True, ("纠错率", "结果纠正", "审结"))

disclosure_low = _ratio_rule(
    "RATIO-DISCLOSURE-LOW", "实质公开率偏低",
    "实质公开率 =（（一）予以公开 + （二）部分公开）÷（七）总计（总计列）。低于阈值（默认 30%）说明大部分申请"
    "未得到信息，需要核查不予公开、无法提供和不予处理的理由是否充分。办理总数少于最少案件数（默认 30 件）时不计算。"
    "不扣分，供考核时参考。",
    {"cells": {**_BUSY, "requests/granted/natural": 5, "requests/granted/total": 5,
               "requests/unable_not_held/natural": 35, "requests/unable_not_held/total": 35}},
    {"cells": _BUSY},
    "disclosure_rate", "min_disclosure_rate", False, ("实质公开率", "予以公开和部分公开", "办理"))

denial_high = _ratio_rule(
    "RATIO-DENIAL-HIGH", "不予公开率偏高",
    "不予公开率 = （三）不予公开 8 项之和 ÷（七）总计（总计列）。高于阈值（默认 20%）时，不予公开的理由"
    "（国家秘密、三安全一稳定、第三方权益、内部事务、过程性信息等）是否成立需要核查。办理总数少于最少案件数"
    "（默认 30 件）时不计算。不扣分，供考核时参考。",
    {"cells": {**_BUSY, "requests/unable_not_held/natural": 0, "requests/unable_not_held/total": 0,
               "requests/denied_internal/natural": 10, "requests/denied_internal/total": 10}},
    {"cells": _BUSY},
    "denial_rate", "max_denial_rate", True, ("不予公开率", "不予公开", "办理"))

carry_high = _ratio_rule(
    "RATIO-CARRY-HIGH", "结转下年度比例偏高",
    "结转率 = 四、结转下年度继续办理 ÷（一、本年新收 + 二、上年结转）（总计列）。高于阈值（默认 30%）说明大量申请"
    "跨年未办结，可能超过法定答复期限。新收与上年结转合计少于最少案件数（默认 30 件）时不计算。不扣分，供考核时参考。",
    {"cells": {**_BUSY, "requests/granted/natural": 10, "requests/granted/total": 10,
               "requests/handled_total/natural": 20, "requests/handled_total/total": 20,
               "requests/carried_next/natural": 20, "requests/carried_next/total": 20}},
    {"cells": _BUSY},
    "carry_rate", "max_carry_rate", True, ("结转率", "结转下年度", "新收和上年结转"))


RULES = [correction_high, disclosure_low, denial_high, carry_high]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="ratios", version=__version__, rules=RULES,
                description="纠错率、实质公开率、不予公开率、结转率超过阈值的风险提示。")
