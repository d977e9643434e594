"""The ``template`` pack: is the report in the official format of its year?

Edition detection itself is the reader's job (label fingerprints, never the year); its result and
evidence are on every report (``reports.edition``, ``reports.edition_evidence``) and in the
scorecard, so this pack emits no per-report "edition detected" info finding: it would repeat the
scorecard on every report. It reports what a supervisor acts on: the superseded 2019 edition used
for 2021 or later, mixed fingerprints, and legacy or unknown formats.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from audit import api
from audit.api import PARSE_KINDS, Pack, found, hookimpl, rule

#: The first reporting year of edition 2021 (国办公开办函〔2021〕30号 applies from the 2021 reports).
FIRST_YEAR_2021 = 2021


def _notice(edition: str) -> str:
    return str(api.load_catalogue().raw["editions"][edition]["notice"])


@rule(
    id="TMPL-OLD-EDITION", title="使用了已废止的2019版表格格式",
    category="template", severity="error", points=5,
    description=(
        "2021 年及以后的报告必须使用国办公开办函〔2021〕30号规定的表格（2021 版）。这些年"
        "度的报告如果表格带有国办公开办函〔2019〕60号的特征（本年新制作数量、上一年项目数量、政府集"
        "中采购等），说明使用了已废止的模板。提示中列出找到的特征。没有年度的报告由基本信息规则处理。"
    ),
    fail_example={"edition": "2019", "edition_evidence": ["本年新制作数量", "上一年项目数量"], "year": 2023},
    pass_example={"edition": "2019", "edition_evidence": ["本年新制作数量"], "year": 2020},
)
def old_edition(corpus):
    r = corpus.reports
    year = r["year"].astype("Float64").fillna(0).to_numpy(dtype=float)
    hit = r[(r["edition"].astype(object) == "2019").to_numpy() & (year >= FIRST_YEAR_2021)]
    if not len(hit):
        return found()
    ev = api.edition_evidence_zh(hit["edition_evidence"])
    years = hit["year"].astype("Int64").astype(str)
    msg = (years + "年度报告使用了2019版表格格式（" + _notice("2019") + "），应使用2021版（" + _notice("2021") + "）"
           + np.where(ev.str.len() > 0, "；识别依据：" + ev, ""))
    return found(hit["report_id"].astype(str), msg, expected="2021", actual="2019")


def _problem_findings(corpus, kind: str, text: str, advice: str) -> pd.DataFrame:
    """One finding per report and problem: the reader's Chinese detail + ``advice``, else ``text`` (detail)."""
    p = api.problems_of(corpus, [kind]).drop_duplicates(["report_id", "detail"])
    if not len(p):
        return found()
    detail = p["detail"].fillna("").astype(str)
    chinese = detail.str.contains(r"[\u4e00-\u9fff]", regex=True).to_numpy()
    msg = np.where(chinese, detail + "；" + advice,
                   text + np.where(detail.str.len() > 0, "（" + detail + "）", ""))
    return found(p["report_id"].astype(str), msg, actual=np.where(detail.str.len() > 0, detail, None))


@rule(
    id="TMPL-MIXED-EDITION", title="表格混用2019版与2021版格式",
    category="template", severity="warning", points=2,
    description=(
        "表格同时带有两个版本的特征，例如实际见到的一份 2023 年报告在 2021 版表格中保留了 2"
        "019 版的单行“（六）其他处理”。读取器记录了混用版本；勾稽关系规则按报告实际印出的行求和。"
    ),
    fail_example={"problems": [{"kind": "mixed_edition", "detail": "（六）其他处理 has no sub-rows"}]},
    pass_example={},
)
def mixed_edition(corpus):
    return _problem_findings(corpus, "mixed_edition", "表格混用了2019版与2021版格式，请按现行格式填报",
                             "请按现行（2021版）格式填报")


@rule(
    id="TMPL-LEGACY-FORMAT", title="使用2019年以前的旧版统计表",
    category="template", severity="warning", points=3,
    description=(
        "2019 年条例修订（国务院令第711号）之前的报告使用带“指标名称 / 计量单位”列的统计表。"
        "两个官方版本都不适用，因此表格类规则都无法运行；这一条说明原因。"
    ),
    fail_example={"edition": None, "year": 2018,
                  "problems": [{"kind": "legacy_format", "detail": "指标名称, 计量单位"}]},
    pass_example={},
)
def legacy_format(corpus):
    return _problem_findings(corpus, "legacy_format", "报告使用2019年以前的旧版统计表格式，无法按现行格式核对",
                             "统计表无法按现行格式核对")


@rule(
    id="TMPL-UNKNOWN-FORMAT", title="无法识别统计表格式",
    category="template", severity="warning", points=3,
    description=(
        "读取器既没有找到任一版本的特征，也没有找到旧版统计表：表格被改写、以图片粘贴或被删去。读取器记录"
        "了格式不明，或报告版本为空而又没有旧版或读取问题可以解释时提示。"
    ),
    fail_example={"edition": None},
    pass_example={},
)
def unknown_format(corpus):
    r = corpus.reports
    p = corpus.problems
    explained = set(p.loc[p["kind"].isin([*PARSE_KINDS, "legacy_format", "unknown_format"]), "report_id"].astype(str))
    rid = r["report_id"].astype(str)
    silent = rid[r["edition"].isna().to_numpy() & ~rid.isin(explained).to_numpy()]
    own = _problem_findings(corpus, "unknown_format", "无法识别统计表格式，表格未能核对", "表格未能核对")
    if not len(silent):
        return own
    extra = found(silent, "无法识别统计表格式（未找到2019版或2021版表格的标志性栏目），表格未能核对")
    return pd.concat([own, extra], ignore_index=True) if len(own) else extra


RULES = [old_edition, mixed_edition, legacy_format, unknown_format]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="template", version=api.VERSION, rules=RULES,
                description="报告是否使用了所属年度的官方模板。")
