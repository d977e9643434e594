"""The pack's Python rule: townships and sub-districts must state 信息处理费 explicitly."""

from __future__ import annotations

import pandas as pd

from audit.api import found, rule

TOWNSHIP = r"街道|乡|镇|办事处"
FEE = r"信息处理费"


@rule(
    id="HENAN-FEE-STATED",
    title="乡镇（街道）报告须明确说明信息处理费收取情况",
    category="sections",
    severity="warning",
    points=2,
    description=(
        "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）自2021年1月1日起施行。"
        "河南省要求乡镇人民政府和街道办事处在年度报告中明确说明本年度是否收取信息处理费"
        "（收取的写明件数和金额，未收取的写明“未收取信息处理费”），不得省略。"
        "本规则检查2021年及以后年度、单位名称含乡、镇、街道或办事处的报告正文是否提及信息处理费。"
    ),
    fail_example={"unit": "舞钢市朱兰街道办事处", "year": 2021, "sections": {"other": "无其他需要报告的事项。"}},
    pass_example={"unit": "舞钢市朱兰街道办事处", "year": 2021},
)
def fee_stated(corpus) -> pd.DataFrame:
    reps = corpus.reports
    unit = reps["unit"].astype(object).fillna("").astype(str)
    township = unit.str.contains(TOWNSHIP, regex=True) & (reps["year"] >= 2021).fillna(False).astype(bool)
    text = corpus.report_text().reindex(reps["report_id"]).fillna("").astype(str)
    silent = township.to_numpy() & ~text.str.contains(FEE, regex=True).to_numpy()
    hit = reps[silent]
    if not len(hit):
        return found()
    message = hit["unit"].astype(str) + "的年度报告未说明信息处理费收取情况，请在“六、其他需要报告的事项”中写明是否收取。"
    return found(hit["report_id"], message, expected="说明信息处理费收取情况", actual="未提及")
