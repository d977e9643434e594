"""Baselines: tell this run's new findings from the ones a previous run already reported.

``audit run --baseline old/findings.json`` marks each finding ``baseline`` = ``new`` | ``known``;
``--only-new`` keeps the new ones. A finding's fingerprint is

    unit (report_id when the unit is unknown) | year | rule_id | table | row | col | occurrence

where *occurrence* numbers findings with otherwise identical fingerprints (0, 1, …, ordered by
expected/actual/message), so a second violation of a rule at the same place of the same report is
new even though the first one is known: an old finding can absorb at most one new one.

The unit (not the file name) identifies a report across runs, so renaming files does not turn
every finding into a new one. Runs write the fingerprint as an extra ``fingerprint`` column of
``findings.json``; an older file without it is matched on report_id instead (both sides then use
report_id as identity).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from audit.packs.extensions import FindingFilter
from audit.packs.hookspecs import hookimpl

NEW, KNOWN = "new", "known"
_SEP = "|"


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), "").astype(str)


def fingerprints(findings: pd.DataFrame, reports: pd.DataFrame | None = None, *,
                 identity: str = "unit") -> pd.Series:
    """One fingerprint per finding (aligned with ``findings``), occurrence index included.

    ``reports`` (``corpus.reports``) gives each report's unit and year; ``identity="report_id"``
    ignores the unit (for matching an old baseline that has no fingerprints).
    """
    if not len(findings):
        return pd.Series([], index=findings.index, dtype=object)
    rid = _text(findings["report_id"])
    if reports is not None and len(reports):
        keys = pd.DataFrame({"report_id": _text(reports["report_id"]).to_numpy(),
                             "_unit": _text(reports["unit"]).to_numpy(),
                             "_year": _text(reports["year"]).to_numpy()}).drop_duplicates("report_id")
        meta = pd.DataFrame({"report_id": rid.to_numpy()}).merge(keys, on="report_id", how="left")
        unit = meta["_unit"].fillna("").to_numpy(dtype=object)
        year = meta["_year"].fillna("").to_numpy(dtype=object)
    else:
        unit = np.full(len(findings), "", dtype=object)
        year = np.full(len(findings), "", dtype=object)
    who = rid.to_numpy(dtype=object) if identity == "report_id" else np.where(unit != "", unit, rid.to_numpy())
    base = (pd.Series(who, index=findings.index).astype(str) + _SEP + pd.Series(year, index=findings.index).astype(str)
            + _SEP + _text(findings["rule_id"]) + _SEP + _text(findings["table"]) + _SEP + _text(findings["row"])
            + _SEP + _text(findings["col"]))
    # Occurrence index among findings sharing a base, in (expected, actual, message) order. Most
    # bases are unique (occurrence 0); only the repeated ones need the sort.
    occ = np.zeros(len(findings), dtype=np.int64)
    pos = np.flatnonzero(base.duplicated(keep=False).to_numpy())
    if len(pos):
        sub = findings.iloc[pos]
        order = pd.DataFrame({"base": base.iloc[pos].to_numpy(), "e": _text(sub["expected"]).to_numpy(),
                              "a": _text(sub["actual"]).to_numpy(), "m": _text(sub["message"]).to_numpy(),
                              "pos": pos}).sort_values(["base", "e", "a", "m"], kind="stable")
        occ[order["pos"].to_numpy()] = order.groupby("base", sort=False).cumcount().to_numpy()
    occ = pd.Series(occ, index=findings.index)
    return base + "#" + occ.astype(str)


class BaselineError(ValueError):
    """A baseline file that cannot be used (a Chinese sentence naming the file and the field)."""


def read_baseline(path: str | Path) -> pd.DataFrame:
    """The findings of an earlier ``findings.json`` (a list of dicts under ``findings``).

    Raises ``BaselineError`` for a missing or unreadable file, text that is not JSON, or findings
    without ``report_id``/``rule_id`` (checked before any report of the run is read).
    """
    p = Path(path)
    try:
        doc: Any = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"基线文件 {p} 不存在（--baseline 应指向之前一次运行的 findings.json）") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"基线文件 {p} 无法读取：{getattr(exc, 'strerror', None) or exc}") from exc
    except ValueError as exc:
        raise BaselineError(f"基线文件 {p} 不是有效的 JSON（{exc}）") from exc
    rows = doc.get("findings") if isinstance(doc, dict) else doc
    if not isinstance(rows, list):
        raise BaselineError(f"基线文件 {p}：字段 'findings' 缺失或不是列表（应为 audit run 写出的 findings.json）")
    for i, row in enumerate(rows):
        missing = [k for k in ("report_id", "rule_id") if not isinstance(row, dict) or k not in row]
        if missing:
            raise BaselineError(f"基线文件 {p}：第 {i + 1} 条问题缺少字段 '{missing[0]}'")
    return pd.DataFrame(rows)


def mark_baseline(findings: pd.DataFrame, reports: pd.DataFrame | None, baseline: pd.DataFrame | str | Path
                  ) -> pd.DataFrame:
    """``findings`` with ``fingerprint`` and ``baseline`` (new|known) columns added."""
    old = read_baseline(baseline) if isinstance(baseline, (str, Path)) else baseline
    out = findings.copy()
    out["fingerprint"] = fingerprints(out, reports)
    if not len(out):
        out["baseline"] = pd.Series([], dtype=object)
        return out
    if len(old) and "fingerprint" in old.columns and old["fingerprint"].notna().all():
        mine, theirs = out["fingerprint"], old["fingerprint"].astype(str)
    elif len(old):
        mine = fingerprints(out, reports, identity="report_id")
        for c in ("table", "row", "col", "expected", "actual", "message"):
            if c not in old.columns:
                old[c] = None
        theirs = fingerprints(old, None, identity="report_id")
        mine = _strip_year(mine)
    else:
        mine, theirs = out["fingerprint"], pd.Series([], dtype=object)
    known = mine.isin(set(theirs.tolist()))
    out["baseline"] = np.where(known.to_numpy(), KNOWN, NEW)
    out["baseline"] = out["baseline"].astype(object)
    return out


def _strip_year(fp: pd.Series) -> pd.Series:
    """Drop the year part (an old file without fingerprints has no year to compare with)."""
    parts = fp.str.split(_SEP, n=2, expand=True)
    return parts[0] + _SEP + _SEP + parts[2]


def only_new(findings: pd.DataFrame) -> pd.DataFrame:
    """The findings a baseline did not know (all of them when no baseline was applied)."""
    if "baseline" not in findings.columns:
        return findings
    return findings[findings["baseline"] == NEW].reset_index(drop=True)


def summary(findings: pd.DataFrame) -> dict[str, int]:
    """Counts of new and known findings, for the run metadata."""
    if "baseline" not in findings.columns:
        return {}
    vc = findings["baseline"].value_counts()
    return {NEW: int(vc.get(NEW, 0)), KNOWN: int(vc.get(KNOWN, 0))}


def cli_filter(findings: pd.DataFrame, ctx: Any) -> pd.DataFrame:
    """``audit run`` findings filter: fingerprint every finding; with ``--baseline`` mark new/known
    (and with ``--only-new`` keep the new ones)."""
    args = ctx.args
    path = getattr(args, "baseline", None)
    if not path:
        out = findings.copy()
        out["fingerprint"] = fingerprints(out, ctx.corpus.reports)
        return out
    out = mark_baseline(findings, ctx.corpus.reports, path)
    ctx.meta["baseline"] = {"file": str(path), **summary(out), "only_new": bool(getattr(args, "only_new", False))}
    return only_new(out) if getattr(args, "only_new", False) else out


@hookimpl
def audit_finding_filters() -> tuple[FindingFilter, ...]:
    return (FindingFilter("baseline", cli_filter),)
