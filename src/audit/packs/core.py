"""The core pack: the findings the core itself produces, as rules in the catalogue like any other.

``PARSE-UNREADABLE`` turns reader problems of the parse kinds into one finding per report (a file
that cannot be read still appears, and scores accordingly). ``CORE-WAIVER-EXPIRED`` and
``CORE-WAIVER-UNUSED`` are the waiver notices: their findings are made by the waivers step
(``audit.review.waivers``), which knows the waivers file; their checks here find nothing on a
corpus alone. Being rules, all three are listed by ``audit rules``, documented by ``audit docs``,
carried into the outputs' rule catalogue, and selected or ignored like any other rule (core rules
also survive ``--select``: see ``audit.packs.selection``).

Registered through the ``audit_pack`` hook by ``audit.packs.plugins.DEFAULT_PLUGINS``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from audit.contracts.report import PARSE_KINDS
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import Pack, Rule, found, rule

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

CORE_PACK = "core"
CORE_PACK_VERSION = "1"
PARSE_RULE_ID = "PARSE-UNREADABLE"
WAIVER_EXPIRED_RULE_ID = "CORE-WAIVER-EXPIRED"
WAIVER_UNUSED_RULE_ID = "CORE-WAIVER-UNUSED"

# How each parse problem kind reads to a supervisor.
PARSE_KIND_ZH = {
    "unreadable": "文件无法读取",
    "empty": "文件为空",
    "binary": "文件不是可读取的文本或文档",
    "encoding": "文件编码无法识别",
    "too_large": "文件过大，未予读取",
    "no_text_layer": "PDF 没有文字层（可能是扫描件）",
    "truncated": "文件内容不完整（疑似被截断）",
}


@rule(
    id=PARSE_RULE_ID,
    title="报告文件无法读取",
    category="parse",
    severity="error",
    points=100,
    description=(
        "读取器无法读取或解析报告文件（文件损坏、为空、编码无法识别、扫描件 PDF 没有文字层、被截断、"
        "规范化报告 JSON 不符合格式或版本无法读取等）。"
        "这样的报告仍出现在结果中并相应扣分，而不是被悄悄遗漏：上级需要知道哪些单位的报告无法审核。"
        "由核心引擎根据读取器记录的问题生成。"
    ),
    fail_example={"problems": [{"kind": "empty", "detail": "file has no text"}]},
    pass_example={},
)
def parse_unreadable(corpus: Corpus) -> pd.DataFrame:
    """One finding per report with parse-kind problems, all its details in one message."""
    probs = corpus.problems
    hit = probs[probs["kind"].isin(sorted(PARSE_KINDS))]
    if len(hit) == 0:
        return found()
    why = hit["kind"].map(PARSE_KIND_ZH).fillna("文件无法读取").astype(str)
    detail = hit["detail"].fillna("").astype(str)
    text = why.where(detail.str.len() == 0, why + "（" + detail + "）")
    per_report = text.groupby(hit["report_id"], sort=False).agg("；".join)
    message = "报告文件无法读取：" + per_report + "。请重新提交可读取的文本版报告后再审核。"
    return found(per_report.index.to_series(), message.to_numpy(), actual=per_report.to_numpy())


def _made_by_the_waivers_step(corpus: Corpus) -> pd.DataFrame:
    """Waiver notices need the waivers file, not the corpus: ``audit.review.waivers`` makes them."""
    return found()


_WAIVER = {"rule": "ARITH-REQ-BALANCE", "report_id": "r1", "reason": "原表印刷错误，已书面更正",
           "approved_by": "市政务公开办"}


def _waiver_notice(id: str, title: str, description: str, fail_example: dict, pass_example: dict) -> Rule:
    """A notice about a waivers-file entry: metadata, info, no points; made by the waivers step."""
    return rule(id=id, title=title, category="metadata", severity="info", points=0, description=description,
                fail_example={"waiver": fail_example}, pass_example={"waiver": pass_example})(_made_by_the_waivers_step)


waiver_expired = _waiver_notice(
    WAIVER_EXPIRED_RULE_ID, "豁免已过期",
    "豁免文件（--waivers）中的一条豁免已超过有效期（expires），不再生效，它原先豁免的问题重新计分。"
    "每份被该豁免指向的报告各列一条提示，请续批或删除该豁免。由豁免步骤生成，不扣分。"
    "示例为豁免文件中的条目，不是报告补丁。",
    {**_WAIVER, "expires": "2020-12-31"}, {**_WAIVER, "expires": "2099-12-31"})

waiver_unused = _waiver_notice(
    WAIVER_UNUSED_RULE_ID, "豁免未匹配任何问题",
    "豁免文件（--waivers）中的一条豁免没有匹配到任何问题：规则编号或对象（报告、单位、年度）可能写错，"
    "或问题已经改正。每份被该豁免指向的报告各列一条提示，请核实后修改或删除该豁免。由豁免步骤生成，不扣分。"
    "示例为豁免文件中的条目，不是报告补丁。",
    {**_WAIVER, "rule": "ARITH-NO-SUCH-RULE"}, _WAIVER)

CORE: Pack = Pack(name=CORE_PACK, version=CORE_PACK_VERSION,
                  rules=(parse_unreadable, waiver_expired, waiver_unused))


@hookimpl
def audit_pack() -> Pack:
    return CORE


def core_rules() -> tuple[Rule, ...]:
    """The core pack's rules, stamped with the pack's name and version (as the registry does)."""
    import dataclasses

    return tuple(dataclasses.replace(r, pack=CORE_PACK, pack_version=CORE_PACK_VERSION) for r in CORE.rules)
