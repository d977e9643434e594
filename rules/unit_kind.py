"""The ``unit_kind`` pack: what a report must or cannot say given the kind of unit that wrote it.

The kind (人民政府, 部门, 乡镇, 街道) comes from the units file (``--units``, column 类型) when it
names the unit, else from the unit name where it is certain (``audit.api.unit_kinds``); a unit of
unknown kind is never checked.

- 条例第五十条: the annual report of 各级人民政府 (township governments included) also covers the
  results of 工作考核、社会评议和责任追究.
- 立法法: only the State Council's departments and the governments of provinces and 设区的市 make
  规章; a 乡镇, 街道 or department of a local government that reports 规章 本年制发 > 0 has most
  likely put its 规范性文件 in the wrong row.
- A township or sub-district with 行政许可 or 行政处罚 decisions in the thousands is possible (综合
  行政执法) but worth a look (the number may be a county's, or an amount, not a count).
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
    option,
    rule,
    texts_contain,
    unit_kinds,
    unreadable,
)

ART50 = {"工作考核": r"考核", "社会评议": r"评议", "责任追究": r"追究|问责"}
# Each pattern is literals joined by |: a report mentions an item when its text holds one of them.
_ART50_WORDS = {item: tuple(p.split("|")) for item, p in ART50.items()}
assert all(re.escape(w) == w for words in _ART50_WORDS.values() for w in words)
# National bodies (国务院部门) make 规章, and a government's 办公厅/办公室 or 司法 bureau reports the
# government's own 规章 (上海市人民政府办公厅 does): never flagged, whatever their kind.
MAY_REPORT_RULES = r"^(?:国务院|国家|中华人民共和国|中国)|部$|人民政府办公(?:厅|室)$|司法(?:局|厅)$"
DEFAULT_TOWNSHIP_DECISIONS = 1000

_GOV = "示例县人民政府"
_ART50_TEXT = "本年度将政务公开纳入全县绩效考核；组织社会评议一次；未发生责任追究情形。"


def _kinds(corpus) -> pd.Series:
    k = unit_kinds(corpus)
    return k.loc[~k.index.isin(unreadable(corpus))]


@rule(
    id="KIND-ART50-MISSING",
    title="人民政府年报未报告工作考核、社会评议和责任追究结果",
    category="sections",
    severity="warning",
    points=1,
    description=(
        "《政府信息公开条例》第五十条：各级人民政府的政府信息公开工作年度报告还应当包括工作考核、社会评议和责任追究结果情况。"
        "单位为人民政府（含乡、镇人民政府；类型取自 --units 单位名单，没有名单时取自单位名称）而正文没有提到其中某项"
        "（考核、评议、追究或问责）的，报此问题，并列出缺少的项目。街道办事处和政府部门不适用。"
    ),
    fail_example={"unit": _GOV},
    pass_example={"unit": _GOV, "extra_text": _ART50_TEXT},
)
def art50_missing(corpus) -> pd.DataFrame:
    k = _kinds(corpus)
    gov = k.index[k.isin(["人民政府", "乡镇"]).to_numpy()]
    if not len(gov):
        return found()
    words = [w for ws in _ART50_WORDS.values() for w in ws]
    has = texts_contain(corpus, gov, words)
    col = {w: j for j, w in enumerate(words)}
    lacking = pd.DataFrame({item: ~has[:, [col[w] for w in ws]].any(axis=1) for item, ws in _ART50_WORDS.items()},
                           index=pd.Index(gov, name="report_id"))
    bad = lacking.loc[lacking.any(axis=1)]
    items = bad.astype(object).dot(pd.Series([f"{c}、" for c in ART50], index=list(ART50))).str.rstrip("、")
    msg = "人民政府的年度报告应当包括工作考核、社会评议和责任追究结果情况（条例第五十条），本报告未提及：" + items + "。"
    return found(pd.Series(bad.index, dtype=object), msg, expected="工作考核、社会评议和责任追究结果", actual="未提及" + items)


@rule(
    id="KIND-REGULATIONS-ISSUED",
    title="无规章制定权的单位填报了规章",
    category="risk",
    severity="warning",
    points=1,
    description=(
        "按《立法法》，只有国务院部门和省、设区的市的人民政府可以制定规章。乡镇、街道和地方政府部门在表二“规章”行"
        "填报本年制发件数（2019 版为本年新制作数量）大于 0，多半是把行政规范性文件填进了规章行，请核对。"
        "单位类型取自 --units 单位名单，没有名单时取自单位名称；国家部委、政府办公厅（室）和司法局（厅）"
        "（它们报告的是本级政府的规章）不检查。"
    ),
    fail_example={"unit": "示例县河口镇人民政府", "cells": {"active/regulations/issued": 2, "active/regulations/in_force": 2}},
    pass_example={"unit": "示例市人民政府", "cells": {"active/regulations/issued": 2, "active/regulations/in_force": 2}},
)
def regulations_issued(corpus) -> pd.DataFrame:
    k = _kinds(corpus)
    units = corpus.reports.set_index(corpus.reports["report_id"].astype(str))["unit"].reindex(k.index)
    exempt = units.fillna("").astype(str).str.strip().str.contains(MAY_REPORT_RULES, regex=True)
    who = k.loc[k.isin(["部门", "乡镇", "街道"]).to_numpy() & ~exempt.to_numpy()]
    if who.empty:
        return found()
    v = known_cells(corpus, "active", ["regulations/issued", "regulations/new_made"]).reindex(who.index)
    col = pd.Series(np.where(v["regulations/issued"].notna(), "issued", "new_made"), index=v.index)
    n = v["regulations/issued"].fillna(v["regulations/new_made"])
    bad = n.loc[n > 0]
    label = col.loc[bad.index].map({"issued": "本年制发件数", "new_made": "本年新制作数量"})
    msg = ("本单位为" + who.loc[bad.index] + "，没有规章制定权，但「二、主动公开政府信息情况」表“规章”行“" + label + "”为 "
           + bad.astype(int).astype(str) + "，请核对是否把行政规范性文件填进了规章行。")
    return found(pd.Series(bad.index, dtype=object), msg, table="active", row="regulations", col=col.loc[bad.index],
                 expected=0, actual=bad)


@rule(
    id="KIND-TOWNSHIP-LARGE",
    title="乡镇、街道的行政许可或行政处罚数量异常大",
    category="risk",
    severity="info",
    points=0,
    description=(
        "乡镇、街道在表二填报的行政许可或行政处罚本年处理决定数量达到上千件（默认 1000 件，可在配置 [check_thresholds] "
        "township_decisions 中修改）。综合行政执法改革后确有可能，但也常见把全县（区）的数字、金额或累计数填进来，"
        "请核对。只作提示，不扣分。"
    ),
    fail_example={"unit": "示例区城关街道办事处", "cells": {"active/penalty/decisions": 3200}},
    pass_example={"unit": "示例区城关街道办事处", "cells": {"active/penalty/decisions": 320}},
)
def township_large(corpus) -> pd.DataFrame:
    limit = option(corpus, "township_decisions", DEFAULT_TOWNSHIP_DECISIONS)
    k = _kinds(corpus)
    who = k.loc[k.isin(["乡镇", "街道"]).to_numpy()]
    if who.empty:
        return found()
    v = known_cells(corpus, "active", ["licensing/decisions", "penalty/decisions"]).reindex(who.index)
    out = []
    for key, label in (("licensing/decisions", "行政许可"), ("penalty/decisions", "行政处罚")):
        n = v[key]
        bad = n.loc[n >= limit]
        msg = ("本单位为" + who.loc[bad.index] + f"，「二、主动公开政府信息情况」表“{label}”行“本年处理决定数量”为 "
               + bad.astype(int).astype(str) + f" 件（达到 {limit:g} 件），请核对是否填入了上级或累计的数字。")
        out.append(found(pd.Series(bad.index, dtype=object), msg, table="active", row=key.split("/")[0], col="decisions",
                         expected=f"<{limit:g}", actual=bad))
    return pd.concat(out, ignore_index=True)


RULES = [art50_missing, regulations_issued, township_large]


@hookimpl
def audit_pack() -> Pack:
    return Pack(name="unit_kind", version=__version__, rules=RULES,
                description="按单位类型（人民政府、部门、乡镇、街道）检查：第五十条事项、规章、乡镇街道的大额数字。")
