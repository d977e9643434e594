"""The scoring policy: findings → deductions → one scored, graded, ranked row per report.

A policy is a TOML file validated with ``data/policy.schema.json``; the default ships with the
package. A report starts at ``start``; each non-waived finding deducts its points (after the
policy's points overrides and weights); the deduction per rule is capped (so one systematic
mistake repeated in forty cells cannot sink a report alone); the score never drops below
``floor``. The grade is the first band (highest ``min`` first) the score reaches; a score below
every band gets the lowest band.

Weights: a rule's own weight beats its category's weight; neither listed means 1. A points
override replaces the rule's default points before the weight applies.
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import numpy as np
import pandas as pd

from audit.contracts.rule_fields import CATEGORIES, SEVERITIES
from audit.contracts.schema_errors import explain

DEFAULT_POLICY = "policy.toml"
SCORECARD_BASE = ["report_id", "unit", "year", "edition", "score", "grade", "rank", "errors", "warnings",
                  "infos"]
_SEVERITY_COUNT = {"error": "errors", "warning": "warnings", "info": "infos"}


class PolicyError(ValueError):
    """A policy file that cannot be read or does not follow the schema; the message names file and field."""


@dataclass(frozen=True)
class Grade:
    grade: str
    min: float


@dataclass(frozen=True)
class Policy:
    """A validated scoring policy (see the module docstring for the arithmetic)."""

    start: float = 100.0
    floor: float = 0.0
    default_cap: float = 20.0
    categories: tuple[str, ...] = CATEGORIES
    caps: Mapping[str, float] = field(default_factory=dict)
    points: Mapping[str, float] = field(default_factory=dict)
    category_weights: Mapping[str, float] = field(default_factory=dict)
    rule_weights: Mapping[str, float] = field(default_factory=dict)
    grades: tuple[Grade, ...] = (Grade("优秀", 90), Grade("良好", 80), Grade("合格", 60), Grade("不合格", 0))
    source: str = "<default>"

    def cap_for(self, rule_id: str) -> float:
        return float(self.caps.get(rule_id, self.default_cap))

    def grade_for(self, score: float) -> str:
        """The grade of one score (``score()`` does the same vectorised)."""
        for g in self.grades:
            if score >= g.min:
                return g.grade
        return self.grades[-1].grade


# -- loading -------------------------------------------------------------------------------------

@cache
def _schema() -> dict[str, Any]:
    return json.loads(resources.files("audit").joinpath("data/policy.schema.json").read_text(encoding="utf-8"))


def _read_toml(path: str | None) -> tuple[dict[str, Any], str]:
    if path is None:
        text = resources.files("audit").joinpath(f"data/{DEFAULT_POLICY}").read_text(encoding="utf-8")
        name = f"<package>/data/{DEFAULT_POLICY}"
    else:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise PolicyError(f"评分策略 {name}：文件无法读取（{exc}）") from exc
    try:
        return tomllib.loads(text), name
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"评分策略 {name}：不是有效的 TOML（{exc}）") from exc


def _merge(base: dict[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``over`` into a copy of ``base`` (tables merge, everything else replaces)."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, Mapping) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def _field(error: jsonschema.ValidationError) -> str:
    """The offending field as a dotted path; an unexpected key is named itself."""
    path = list(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        path += extra[:1]
    parts = ""
    for p in path:
        parts += f"[{p}]" if isinstance(p, int) else (f".{p}" if parts else str(p))
    return parts or "(top level)"


def validate_policy(data: Mapping[str, Any], name: str = "<policy>") -> None:
    """Raise ``PolicyError`` naming the file and the first offending field."""
    validator = jsonschema.Draft202012Validator(_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    if errors:
        lines = [f"字段 {_field(e)}：{explain(e)}" for e in errors[:5]]
        more = [f"……另有 {len(errors) - 5} 处"] if len(errors) > 5 else []
        raise PolicyError(f"评分策略 {name}：" + "；".join(lines + more))
    if data["floor"] >= data["start"]:
        raise PolicyError(f"评分策略 {name}：字段 floor：{data['floor']} 应小于 start（{data['start']}）")
    names = [g["grade"] for g in data["grades"]]
    if len(set(names)) != len(names):
        raise PolicyError(f"评分策略 {name}：字段 grades：等级名称不能重复，实际为 {names}")


def load_policy(path: str | None = None, overrides: dict | None = None) -> Policy:
    """Read a policy TOML (the packaged default when ``path`` is None), merge ``overrides``, validate.

    ``overrides`` has the file's shape, e.g. ``{"weights": {"rule": {"X-1": 0.5}}, "start": 120}``;
    tables merge key by key, scalars and lists replace.
    """
    data, name = _read_toml(path)
    if overrides:
        data = _merge(data, overrides)
        name += " (with overrides)"
    validate_policy(data, name)
    weights = data.get("weights", {})
    grades = sorted((Grade(str(g["grade"]), float(g["min"])) for g in data["grades"]), key=lambda g: -g.min)
    return Policy(
        start=float(data["start"]),
        floor=float(data["floor"]),
        default_cap=float(data["default_cap"]),
        categories=tuple(data.get("categories", CATEGORIES)),
        caps={k: float(v) for k, v in data.get("caps", {}).items()},
        points={k: float(v) for k, v in data.get("points", {}).items()},
        category_weights={k: float(v) for k, v in weights.get("category", {}).items()},
        rule_weights={k: float(v) for k, v in weights.get("rule", {}).items()},
        grades=tuple(grades),
        source=name,
    )


# -- applying ------------------------------------------------------------------------------------

def apply_policy(findings: pd.DataFrame, policy: Policy) -> pd.DataFrame:
    """A copy of ``findings`` whose ``points`` are the deductions under ``policy``.

    Waived findings get their points computed the same way (so a reader sees what the waiver
    saved) but ``score`` does not count them.
    """
    out = findings.copy()
    if out.empty:
        out["points"] = out["points"].astype(float) if "points" in out else pd.Series(dtype=float)
        return out
    rule_id = out["rule_id"].astype(object)
    base = pd.to_numeric(out["points"], errors="coerce").astype(float).fillna(0.0)
    override = rule_id.map(dict(policy.points)).astype(float)
    base = override.where(override.notna(), base)
    weight = rule_id.map(dict(policy.rule_weights)).astype(float)
    cat_weight = out["category"].astype(object).map(dict(policy.category_weights)).astype(float)
    weight = weight.where(weight.notna(), cat_weight).fillna(1.0)
    out["points"] = (base * weight).astype(float)
    return out


def _counts(frame: pd.DataFrame, column: str, keys: list[str]) -> pd.DataFrame:
    """Rows per (report_id, value of ``column``) as one count column per key (0 when none)."""
    if frame.empty:
        return pd.DataFrame(columns=keys, dtype="int64")
    table = frame.groupby(["report_id", column], observed=True).size().unstack(fill_value=0)
    return table.reindex(columns=keys, fill_value=0)


def score(findings: pd.DataFrame, reports: pd.DataFrame, policy: Policy,
          coverage: pd.DataFrame | None = None) -> pd.DataFrame:
    """The scorecard: one row per report of ``reports`` (in its order), findings or not.

    Columns: report_id, unit, year, edition, score, grade, rank (1 = best, ties share the lowest
    rank), errors, warnings, infos (non-waived counts), one count per policy category, waived,
    then status, status_reason, unchecked_tables (``audit.scoring.coverage``; every report
    "scored" when ``coverage`` is None). An "unrated" report has no score, grade or rank. Reports
    with unchecked tables are ranked after every report checked in full: a report never ranks
    above another because less of it could be read.
    ``findings.points`` must already be the policy's deductions (``apply_policy``). Scores are
    rounded to 2 decimals so that 100 − 3 × 0.1 prints as 99.7.
    """
    ids = reports["report_id"].astype(object).to_numpy()
    index = pd.Index(ids, name="report_id")
    f = findings.assign(report_id=findings["report_id"].astype(object)) if len(findings) else findings
    if len(f):
        f = f[f["report_id"].isin(index)]
    waived = f["waived"].fillna(False).astype(bool) if len(f) else pd.Series(dtype=bool)
    live = f[~waived] if len(f) else f

    if len(live):
        per_rule = (live.assign(points=pd.to_numeric(live["points"], errors="coerce").fillna(0.0))
                    .groupby(["report_id", "rule_id"], observed=True)["points"].sum().reset_index())
        caps = per_rule["rule_id"].map(dict(policy.caps)).astype(float).fillna(policy.default_cap)
        per_rule["points"] = np.minimum(per_rule["points"].to_numpy(float), caps.to_numpy(float))
        deducted = per_rule.groupby("report_id")["points"].sum().reindex(index, fill_value=0.0)
    else:
        deducted = pd.Series(0.0, index=index)
    scores = (policy.start - deducted).clip(lower=policy.floor).round(2).astype(float)

    mins = np.array([g.min for g in policy.grades], dtype=float)
    names = np.array([g.grade for g in policy.grades], dtype=object)
    reached = scores.to_numpy()[:, None] >= mins[None, :]
    band = np.where(reached.any(axis=1), reached.argmax(axis=1), len(mins) - 1)
    grades = pd.Series(names[band] if len(ids) else [], index=index, dtype=object)

    sev = _counts(live, "severity", list(SEVERITIES)).rename(columns=_SEVERITY_COUNT)
    cats = _counts(live, "category", list(policy.categories))
    n_waived = (f[waived].groupby("report_id").size() if len(f) else pd.Series(dtype="int64"))

    cov = _coverage_for(coverage, index)
    rated = (cov["status"] == "scored").to_numpy()
    partial = cov["unchecked_tables"].notna().to_numpy()
    scores = scores.where(rated)
    grades = grades.where(rated, None)
    # Rank on (fully checked first, then score): ties share the lowest rank; unrated: no rank.
    key = -scores + np.where(partial, 10.0 * (abs(policy.start) + abs(policy.floor) + 1.0), 0.0)
    ranks = key.rank(method="min", ascending=True).astype("Int64") if len(ids) else pd.Series([], dtype="Int64")

    meta = reports.set_index(reports["report_id"].astype(object))
    card = pd.DataFrame({
        "report_id": ids,
        "unit": meta["unit"].reindex(index).to_numpy() if "unit" in meta else None,
        "year": meta["year"].reindex(index).astype("Int64").to_numpy() if "year" in meta else None,
        "edition": meta["edition"].astype(object).reindex(index).to_numpy() if "edition" in meta else None,
        "score": scores.to_numpy(),
        "grade": grades.to_numpy(),
        "rank": pd.array(ranks.to_numpy(), dtype="Int64"),
    })
    card["year"] = card["year"].astype("Int64")
    counts = pd.concat([sev.reindex(index, fill_value=0), cats.reindex(index, fill_value=0)], axis=1)
    counts["waived"] = n_waived.reindex(index, fill_value=0)
    counts = counts.fillna(0).astype("int64")
    for col in counts.columns:
        card[col] = counts[col].to_numpy()
    for col in ("status", "status_reason", "unchecked_tables"):
        card[col] = cov[col].to_numpy(dtype=object)
    return card


def _coverage_for(coverage: pd.DataFrame | None, index: pd.Index) -> pd.DataFrame:
    """Coverage rows in scorecard order; reports it does not list are scored in full."""
    if coverage is None or not len(coverage):
        return pd.DataFrame({"status": "scored", "status_reason": None, "unchecked_tables": None}, index=index)
    cov = coverage.set_index(coverage["report_id"].astype(object))[["status", "status_reason", "unchecked_tables"]]
    cov = cov[~cov.index.duplicated()].reindex(index)
    cov["status"] = cov["status"].fillna("scored")
    return cov.astype(object).where(cov.notna(), None)
