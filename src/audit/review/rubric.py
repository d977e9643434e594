"""Local evaluation rubrics (考核细则): findings and facts mapped to a local table's deductions.

A rubric file (TOML, validated by ``data/rubric.schema.json``)::

    [rubric]
    name = "2020年泉州市鲤城区政务公开指数绩效考评标准表（年度报告、依申请公开）"
    source = "泉州市鲤城区人民政府网站，2020-12-14"
    url = "http://www.qzlc.gov.cn/…"
    total = 16                     # optional: full points; the sheet says what is left
    groups = {"政府信息公开年度报告" = 10}   # optional: a group's deductions stop at its points

    [[items]]
    item = "年度报告与往年或与其他单位雷同"
    deduction = 5
    rules = ["YOY-TEXT-REPEATED", "XR-COPIED-TEXT"]   # and/or categories = […], facts = […]
    per = "report"                 # report (default) | finding | case
    max = 5                        # optional cap per report
    group = "政府信息公开年度报告"

Facts: ``late`` (META-LATE), ``repeated`` (YOY-TEXT-REPEATED), ``review_corrected`` /
``litigation_corrected`` (表四 结果纠正 of 行政复议 / 行政诉讼, counted in cases: ``per = "case"``
deducts for each), ``unrated`` (the scorecard's status 无法评定, contract 3; before that column
exists: a report with a parse finding). Only findings that are not waived count.

``audit run --rubric FILE`` reads the file before any report (a bad file is a usage error naming
the file and the field) and adds the per-unit deduction sheet (unit, report_id, year, item,
reason, deduction, evidence) to scorecard.xlsx (sheet 扣分明细) and report.html.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd

from audit.contracts.schema_errors import explain

FACT_RULES = {"late": "META-LATE", "repeated": "YOY-TEXT-REPEATED"}
CASE_FACTS = {"review_corrected": (("review",), "行政复议"),
              "litigation_corrected": (("litigation_direct", "litigation_after_review"), "行政诉讼")}
COLUMNS = ["unit", "report_id", "year", "item", "reason", "deduction", "evidence"]
_EVIDENCE_SHOWN = 3  # findings quoted per row; the rest are counted


class RubricError(ValueError):
    """A rubric file that cannot be read or breaks the schema (Chinese, names the file and field)."""


@dataclass(frozen=True)
class Rubric:
    meta: dict[str, Any]
    items: list[dict[str, Any]]
    path: str


@cache
def schema() -> dict[str, Any]:
    return json.loads(resources.files("audit").joinpath("data/rubric.schema.json").read_text(encoding="utf-8"))


def load_rubric(path: str | Path) -> Rubric:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RubricError(f"考核细则文件 {p} 不存在") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RubricError(f"考核细则文件 {p} 无法读取：{exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RubricError(f"考核细则文件 {p} 不是有效的 TOML：{exc}") from exc
    errs = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errs:
        e = errs[0]
        where = ".".join(str(x) for x in e.absolute_path) or "（顶层）"
        raise RubricError(f"考核细则文件 {p} 的字段 {where} 不符合要求：{_zh(e)}")
    return Rubric(meta=dict(data["rubric"]), items=[dict(i) for i in data["items"]], path=str(p))


def _zh(e: jsonschema.ValidationError) -> str:
    """The schema error in Chinese (the field is named by the caller)."""
    if e.validator == "anyOf":
        return "应至少写明 rules、categories 或 facts 之一"
    return explain(e)


FACT_LABELS = {"late": "逾期发布年度报告", "repeated": "年报正文大量沿用上年报告", "review_corrected": "行政复议结果纠正",
               "litigation_corrected": "行政诉讼结果纠正", "unrated": "报告无法评定"}


def deductions(rubric: Rubric, findings: pd.DataFrame, corpus: Any, scorecard: pd.DataFrame | None = None,
               titles: dict[str, str] | None = None) -> pd.DataFrame:
    """The deduction sheet: one row per (report, item) that deducts, in the reports' order.

    ``reason`` is the item's own ``reason`` when the rubric gives one, else what was found (the
    titles of the matching rules, from ``titles``, and the facts)."""
    live = findings
    if len(findings) and "waived" in findings:
        live = findings.loc[~findings["waived"].fillna(False).astype(bool)]
    live = live.assign(report_id=live["report_id"].astype(str)) if len(live) else live
    reports = corpus.reports.assign(report_id=corpus.reports["report_id"].astype(str))
    rows: list[pd.DataFrame] = []
    for item in rubric.items:  # a handful of items, each vectorised over the corpus
        hits = [_finding_hits(item, live, titles)]
        hits += [_fact_hits(f, live, corpus, scorecard).assign(why=FACT_LABELS[f]) for f in item.get("facts", [])]
        hits = [h for h in hits if len(h)]
        if not hits:
            continue
        h = pd.concat(hits, ignore_index=True)
        per = item.get("per", "report")
        g = h.groupby("report_id", sort=False)
        n = g["count"].sum()
        evidence = g["evidence"].agg(_evidence)
        why = g["why"].agg(lambda w: "、".join(dict.fromkeys(w)))
        amount = float(item["deduction"]) * (n.clip(upper=1) if per == "report" else n)
        if "max" in item:
            amount = amount.clip(upper=float(item["max"]))
        rows.append(pd.DataFrame({"report_id": n.index, "item": item["item"], "reason": item.get("reason") or why.to_numpy(),
                                  "deduction": amount.to_numpy(dtype=float), "evidence": evidence.to_numpy(),
                                  "_group": item.get("group")}))
    if not rows:
        return pd.DataFrame(columns=COLUMNS)
    sheet = _group_caps(pd.concat(rows, ignore_index=True), rubric.meta.get("groups") or {})
    meta = reports.set_index("report_id")[["unit", "year"]]
    sheet = sheet.join(meta, on="report_id")
    order = pd.Index(reports["report_id"]).get_indexer(sheet["report_id"])
    sheet = sheet.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")
    sheet["year"] = sheet["year"].astype("Int64")
    return sheet[COLUMNS].reset_index(drop=True)


def _group_caps(sheet: pd.DataFrame, groups: dict[str, float]) -> pd.DataFrame:
    """Deductions of a group stop at its points, in the rubric's item order (a later item gets
    what is left, possibly nothing: its row is dropped)."""
    cap = sheet["_group"].map(groups).astype(float)
    before = sheet.groupby(["report_id", sheet["_group"].fillna("")])["deduction"].cumsum() - sheet["deduction"]
    left = (cap - before).clip(lower=0)
    sheet = sheet.assign(deduction=sheet["deduction"].where(cap.isna(), sheet["deduction"].clip(upper=left)))
    return sheet.loc[sheet["deduction"] > 0].drop(columns="_group")


def _evidence(texts: pd.Series) -> str:
    t = [x for x in texts.tolist() if x]
    more = f"（另有 {len(t) - _EVIDENCE_SHOWN} 条）" if len(t) > _EVIDENCE_SHOWN else ""
    return "；".join(t[:_EVIDENCE_SHOWN]) + more


def _finding_hits(item: dict[str, Any], live: pd.DataFrame, titles: dict[str, str] | None = None) -> pd.DataFrame:
    if not len(live) or not (item.get("rules") or item.get("categories")):
        return pd.DataFrame(columns=["report_id", "count", "evidence", "why"])
    m = live["rule_id"].isin(item.get("rules", [])) | live["category"].isin(item.get("categories", []))
    f = live.loc[m]
    why = f["rule_id"].astype(str).map(lambda r: (titles or {}).get(r, r))
    return pd.DataFrame({"report_id": f["report_id"].to_numpy(dtype=object), "count": 1, "why": why.to_numpy(dtype=object),
                         "evidence": (f["rule_id"].astype(str) + "：" + f["message"].astype(str)).to_numpy(dtype=object)})


def _fact_hits(fact: str, live: pd.DataFrame, corpus: Any, scorecard: pd.DataFrame | None) -> pd.DataFrame:
    if fact in FACT_RULES:
        return _finding_hits({"rules": [FACT_RULES[fact]]}, live)
    if fact in CASE_FACTS:
        from audit.corpus.lookups import known_cells

        groups, label = CASE_FACTS[fact]
        k = known_cells(corpus, "appeals", [f"{g}/corrected" for g in groups]).fillna(0).sum(axis=1)
        k = k.loc[k > 0]
        return pd.DataFrame({"report_id": k.index.to_numpy(dtype=object), "count": k.astype(int).to_numpy(),
                             "evidence": [f"表四{label}结果纠正 {int(v)} 件" for v in k.tolist()]})
    # unrated
    if scorecard is not None and "status" in scorecard:
        s = scorecard.loc[scorecard["status"] == "unrated"]
        reason = s["status_reason"] if "status_reason" in s else pd.Series("无法评定", index=s.index)
        return pd.DataFrame({"report_id": s["report_id"].astype(str).to_numpy(dtype=object), "count": 1,
                             "evidence": ("无法评定：" + reason.fillna("").astype(str)).to_numpy(dtype=object)})
    return _finding_hits({"categories": ["parse"]}, live)
