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

from audit.contracts.report import PARSE_KINDS
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import Pack, found, rule

from . import _common as c

#: The first reporting year of edition 2021 (国办公开办函〔2021〕30号 applies from the 2021 reports).
FIRST_YEAR_2021 = 2021


def _notice(edition: str) -> str:
    return str(c.cat().raw["editions"][edition]["notice"])


@rule(
    id="TMPL-OLD-EDITION", title="使用了已废止的2019版表格格式",
    category="template", severity="error", points=5,
    description=(
        "Reports for 2021 and later must use the tables of 国办公开办函〔2021〕30号 (edition 2021). A "
        "report of such a year whose tables carry the fingerprints of 国办公开办函〔2019〕60号 "
        "(本年新制作数量, 上一年项目数量, 政府集中采购, …) used the superseded template. The message names "
        "the fingerprints found. Reports without a year are left to the metadata pack."
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
    ev = hit["edition_evidence"].fillna("").astype(str).str.replace("; ", "、", regex=False)
    years = hit["year"].astype("Int64").astype(str)
    msg = (years + "年度报告使用了2019版表格格式（" + _notice("2019") + "），应使用2021版（" + _notice("2021") + "）"
           + np.where(ev.str.len() > 0, "；识别依据：" + ev, ""))
    return found(hit["report_id"].astype(str), msg, expected="2021", actual="2019")


def _problem_findings(corpus, kind: str, text: str, advice: str) -> pd.DataFrame:
    """One finding per report and problem: the reader's Chinese detail + ``advice``, else ``text`` (detail)."""
    p = c.problems_of(corpus, [kind]).drop_duplicates(["report_id", "detail"])
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
        "The tables carry fingerprints of both editions, e.g. a 2023 report seen in the wild keeps the "
        "single 2019-style （六）其他处理 row inside otherwise edition-2021 tables. The reader records "
        "`mixed_edition`; the arithmetic pack sums the rows the report actually has."
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
        "Reports before the 2019 revision of the regulation (国务院令第711号) used a statistics table "
        "with 指标名称 / 计量单位 columns. Neither official edition applies, so no table rule can run; "
        "this finding says why."
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
        "The reader found neither edition's fingerprints (nor the legacy table): the tables were "
        "rewritten, pasted as images, or left out. Fires on the reader's `unknown_format` problem and "
        "on any report whose edition is null without a legacy or parse problem explaining it."
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
    return Pack(name="template", version=c.VERSION, rules=RULES,
                description="Is the report in the official template of its year?")
