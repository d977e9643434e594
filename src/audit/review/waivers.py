"""Waivers: findings a supervisor has accepted, kept visible but costing no points.

A waivers file (YAML, read with ``safe_load``, validated by ``data/waivers.schema.json``)::

    waivers:
      - rule: ARITH-REQ-BALANCE        # a rule id, or an id prefix at a '-' boundary (ARITH, ARITH-REQ)
        unit: 舞钢市朱兰街道办事处        # or report_id: 000_7293952701c65ca5
        year: 2021                      # optional with unit: only that year's report
        reason: 原表印刷错误，已书面更正
        approved_by: 市政务公开办 张三
        expires: 2025-12-31             # optional: from the day after, the waiver no longer applies

Decisions:

- A waived finding stays in every output with ``waived=True`` and ``waiver_reason`` (reason and
  approver); the scoring policy deducts nothing for it. ``--no-waivers`` skips this step and shows
  the unwaived view.
- Waiver problems are findings of the core pack, so they appear wherever findings do: an expired
  waiver is ``CORE-WAIVER-EXPIRED`` and one that matched no finding is ``CORE-WAIVER-UNUSED``
  (category ``metadata``, severity ``info``, 0 points), one per report the waiver targets. A waiver
  naming a report or unit that is not in the corpus has no report to attach to: it is listed in
  ``WaiverResult.notices`` (the run metadata) only.
- When several waivers cover a finding, the first in the file wins.
- Matching is a handful of merges (one per target kind and rule-prefix length), not a loop over
  findings.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd
import yaml

from audit.contracts.schema_errors import explain, field_path
from audit.packs.core import WAIVER_EXPIRED_RULE_ID, WAIVER_UNUSED_RULE_ID
from audit.packs.extensions import FindingFilter
from audit.packs.hookspecs import hookimpl
from audit.packs.yamlpack.limits import load_yaml

EXPIRED_RULE = WAIVER_EXPIRED_RULE_ID  # rules of the core pack (audit.packs.core)
UNUSED_RULE = WAIVER_UNUSED_RULE_ID
NOTICE_PACK = "core"
NOTICE_CATEGORY = "metadata"
WAIVER_COLUMNS = ["index", "rule", "report_id", "unit", "year", "reason", "approved_by", "expires"]


class WaiverError(ValueError):
    """A waivers file that cannot be read or breaks the schema (names the file, entry and field)."""


@dataclass
class WaiverResult:
    """Findings with waivers applied, the notice findings, and all notices for the run metadata."""

    findings: pd.DataFrame
    notice_findings: pd.DataFrame
    notices: list[dict[str, Any]] = field(default_factory=list)

    def all_findings(self) -> pd.DataFrame:
        """Findings plus the notice findings (what the outputs show)."""
        if not len(self.notice_findings):
            return self.findings
        return pd.concat([self.findings, self.notice_findings], ignore_index=True)


@cache
def schema() -> dict[str, Any]:
    text = resources.files("audit").joinpath("data/waivers.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def _iso(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v


def parse_waivers(doc: Any, name: str = "<waivers>") -> pd.DataFrame:
    """Validate a parsed waivers document and return one row per waiver (``WAIVER_COLUMNS``)."""
    if isinstance(doc, dict) and isinstance(doc.get("waivers"), list):
        doc = {**doc, "waivers": [{k: _iso(v) for k, v in w.items()} if isinstance(w, dict) else w
                                  for w in doc["waivers"]]}
    cls = jsonschema.validators.validator_for(schema())
    errs = sorted(cls(schema()).iter_errors(doc), key=lambda e: (e.validator == "oneOf", list(map(str, e.absolute_path))))
    if errs:
        e = errs[0]
        path = field_path(e).split(".")
        where = f"第 {int(path[1]) + 1} 条豁免的" if len(path) >= 2 and path[0] == "waivers" else ""
        fieldname = ".".join(path[2:]) if where else ".".join(path)
        msg = "须写明 report_id，或写明 unit（可另加 year）" if e.validator == "oneOf" else explain(e)
        raise WaiverError(f"{name}：{where}字段“{fieldname or '（整条）'}”：{msg}")
    rows = [{"index": i, **{k: w.get(k) for k in WAIVER_COLUMNS if k != "index"}}
            for i, w in enumerate(doc["waivers"])]
    df = pd.DataFrame(rows, columns=WAIVER_COLUMNS)
    df["year"] = pd.array(df["year"].tolist(), dtype="Int64")
    for c in ("rule", "report_id", "unit", "reason", "approved_by", "expires"):
        df[c] = df[c].astype(object).where(df[c].notna(), None)
    df["index"] = df["index"].astype("int64")
    return df


def load_waivers(path: str | Path) -> pd.DataFrame:
    """Read and validate a waivers YAML file."""
    p = Path(path)
    try:
        doc = load_yaml(p, "豁免")  # no aliases: a few lines cannot expand into gigabytes
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise WaiverError(f"{p}: cannot read waivers: {exc}") from exc
    return parse_waivers(doc if doc is not None else {"waivers": []}, str(p))


def _reports_keys(reports: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "report_id": reports["report_id"].astype(str).to_numpy(dtype=object),
        "unit": reports["unit"].astype(object).where(reports["unit"].notna(), None).to_numpy(dtype=object),
        "year": pd.array(reports["year"].tolist(), dtype="Int64"),
    })
    return out


def _target_matches(left: pd.DataFrame, waivers: pd.DataFrame, left_id: str) -> pd.DataFrame:
    """(left_id, waiver index) pairs where a waiver's target (report, unit, unit+year) is the row's."""
    parts = []
    by_report = waivers[waivers["report_id"].notna()]
    if len(by_report):
        parts.append(left.merge(by_report[["index", "report_id"]], on="report_id")[[left_id, "index"]])
    by_unit_year = waivers[waivers["unit"].notna() & waivers["year"].notna()]
    if len(by_unit_year):
        parts.append(left.merge(by_unit_year[["index", "unit", "year"]], on=["unit", "year"])[[left_id, "index"]])
    by_unit = waivers[waivers["unit"].notna() & waivers["year"].isna()]
    if len(by_unit):
        parts.append(left.merge(by_unit[["index", "unit"]], on="unit")[[left_id, "index"]])
    if not parts:
        return pd.DataFrame({left_id: pd.Series([], dtype="int64"), "index": pd.Series([], dtype="int64")})
    return pd.concat(parts, ignore_index=True)


def _rule_matches(findings: pd.DataFrame, waivers: pd.DataFrame) -> pd.DataFrame:
    """(finding position, waiver index) pairs where the waiver's rule is the id or a prefix of it."""
    rid = findings["rule_id"].astype(str).str.upper()
    pos = pd.Series(np.arange(len(findings)), index=findings.index)
    rule = waivers["rule"].astype(str).str.upper().str.rstrip("*")
    parts = [pd.DataFrame({"_fi": pos.to_numpy(), "_key": rid.to_numpy()}).merge(
        pd.DataFrame({"index": waivers["index"].to_numpy(), "_key": rule.to_numpy()}), on="_key")]
    prefix = rule.where(rule.str.endswith("-"), rule + "-")
    for n in sorted(prefix.str.len().unique()):
        sel = prefix.str.len() == n
        parts.append(pd.DataFrame({"_fi": pos.to_numpy(), "_key": rid.str[:n].to_numpy()}).merge(
            pd.DataFrame({"index": waivers.loc[sel, "index"].to_numpy(), "_key": prefix[sel].to_numpy()}), on="_key"))
    return pd.concat(parts, ignore_index=True)[["_fi", "index"]].drop_duplicates()


def _notice_frame(rows: pd.DataFrame, rule_id: str, message: pd.Series) -> pd.DataFrame:
    from audit.contracts.findings import FINDINGS_COLUMNS

    n = len(rows)
    return pd.DataFrame({
        "report_id": rows["report_id"].astype(str).to_numpy(dtype=object),
        "rule_id": rule_id, "pack": NOTICE_PACK, "category": NOTICE_CATEGORY, "severity": "info",
        "points": np.zeros(n), "table": None, "row": None, "col": None, "expected": None, "actual": None,
        "message": message.astype(str).to_numpy(dtype=object),
        "waived": np.zeros(n, dtype=bool), "waiver_reason": None,
    }, columns=FINDINGS_COLUMNS)


def _describe_target(w: pd.DataFrame) -> pd.Series:
    unit_year = w["unit"].astype(object).fillna("").astype(str) + np.where(
        w["year"].notna(), w["year"].astype(object).astype(str) + "年度", "")
    return pd.Series(np.where(w["report_id"].notna(), "报告 " + w["report_id"].astype(object).fillna("").astype(str),
                              unit_year), index=w.index)


def apply_waivers(findings: pd.DataFrame, waivers: pd.DataFrame, reports: pd.DataFrame,
                  today: dt.date | None = None) -> WaiverResult:
    """Mark the findings the (unexpired) waivers cover and report expired and unused waivers.

    ``reports`` is ``corpus.reports`` (for each report's unit and year).
    """
    today = today or dt.date.today()
    out = findings.copy()
    out["waived"] = out["waived"].astype(bool) if "waived" in out else False
    if "waiver_reason" not in out:
        out["waiver_reason"] = None
    out["waiver_reason"] = out["waiver_reason"].astype(object)
    if waivers is None or not len(waivers):
        return WaiverResult(out, _notice_frame(pd.DataFrame({"report_id": []}), UNUSED_RULE, pd.Series([], dtype=object)))
    # Compared as timestamps: ``.dt.date`` of an all-empty column is not comparable with a date.
    expires = pd.to_datetime(waivers["expires"].astype(object), errors="coerce")
    expired = expires.notna() & (expires < pd.Timestamp(today))
    active = waivers[~expired.to_numpy()]
    keys = _reports_keys(reports)

    used: set[int] = set()
    if len(out) and len(active):
        f = pd.DataFrame({"_fi": np.arange(len(out)), "report_id": out["report_id"].astype(str).to_numpy(dtype=object)})
        f = f.merge(keys, on="report_id", how="left")
        by_target = _target_matches(f, active, "_fi")
        by_rule = _rule_matches(out, active)
        hits = by_target.merge(by_rule, on=["_fi", "index"])
        if len(hits):
            first = hits.sort_values(["_fi", "index"]).drop_duplicates("_fi")
            w = active.set_index("index").loc[first["index"]]
            reason = w["reason"].astype(str) + "（批准：" + w["approved_by"].astype(str) + np.where(
                w["expires"].notna(), "，有效期至 " + w["expires"].astype(object).fillna("").astype(str), "") + "）"
            pos = first["_fi"].to_numpy()
            out.iloc[pos, out.columns.get_loc("waived")] = True
            out.iloc[pos, out.columns.get_loc("waiver_reason")] = reason.to_numpy(dtype=object)
            used = set(hits["index"].tolist())
    out["waiver_reason"] = out["waiver_reason"].astype(object).where(out["waiver_reason"].notna(), None)

    # Notices: one per (waiver, targeted report); waivers naming nothing in the corpus go to metadata only.
    targets = _target_matches(keys.assign(_ri=np.arange(len(keys))), waivers, "_ri")
    targets = targets.merge(keys.assign(_ri=np.arange(len(keys)))[["_ri", "report_id"]], on="_ri")
    w_all = waivers.assign(target=_describe_target(waivers), expired=expired.to_numpy(),
                           unused=~expired.to_numpy() & ~waivers["index"].isin(list(used)).to_numpy())
    w_all["message"] = np.where(
        w_all["expired"],
        "豁免已于 " + w_all["expires"].astype(object).fillna("").astype(str) + " 过期，不再生效：规则 "
        + w_all["rule"].astype(str) + "，对象 " + w_all["target"] + "（" + w_all["reason"].astype(str) + "，批准："
        + w_all["approved_by"].astype(str) + "）。请续批或删除该豁免。",
        "豁免未匹配任何问题：规则 " + w_all["rule"].astype(str) + "，对象 " + w_all["target"] + "（"
        + w_all["reason"].astype(str) + "）。请核实规则编号和对象后修改或删除该豁免。")
    flagged = w_all[w_all["expired"] | w_all["unused"]]
    notice_rows = targets.merge(flagged[["index", "expired", "message"]], on="index")
    parts = []
    for is_expired, rule_id in ((True, EXPIRED_RULE), (False, UNUSED_RULE)):
        sel = notice_rows[notice_rows["expired"] == is_expired]
        parts.append(_notice_frame(sel, rule_id, sel["message"]))
    notice_findings = pd.concat(parts, ignore_index=True)
    attached = set(notice_rows["index"].tolist())
    notices = [{"waiver": int(r["index"]) + 1, "rule_id": EXPIRED_RULE if r["expired"] else UNUSED_RULE,
                "rule": r["rule"], "target": r["target"], "in_corpus": int(r["index"]) in attached,
                "message": r["message"]} for r in flagged.to_dict("records")]
    return WaiverResult(out, notice_findings, notices)


def cli_filter(findings: pd.DataFrame, ctx: Any) -> pd.DataFrame:
    """``audit run`` findings filter: apply ``ctx.args.waivers`` unless ``--no-waivers``.

    Notices go into the run metadata (``waivers``) and, when they name a report, into the findings.
    """
    args = ctx.args
    path = getattr(args, "waivers", None)
    if not path or getattr(args, "no_waivers", False):
        if path:
            ctx.meta["waivers"] = {"file": str(path), "applied": False}
        return findings
    table = load_waivers(path)
    result = apply_waivers(findings, table, ctx.corpus.reports)
    ran = {r.id: r for r in getattr(ctx, "rules", None) or ()}
    if ran:  # the notices are findings of core rules: an ignored one shows none, overrides apply
        notices = result.notice_findings[result.notice_findings["rule_id"].isin(list(ran))].copy()
        for key in ("severity", "category", "pack"):
            notices[key] = notices["rule_id"].map(lambda rid, key=key: getattr(ran[rid], key))
        notices["points"] = notices["rule_id"].map(lambda rid: float(ran[rid].points)).astype(float)
        result.notice_findings = notices
    out = result.all_findings()
    ctx.meta["waivers"] = {"file": str(path), "applied": True, "count": len(table),
                           "waived_findings": int(out["waived"].sum()), "notices": result.notices}
    return out


@hookimpl
def audit_finding_filters() -> tuple[FindingFilter, ...]:
    return (FindingFilter("waivers", cli_filter),)
