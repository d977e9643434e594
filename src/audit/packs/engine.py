"""Running rules over a corpus: selection, one vectorised call per rule, and the findings frame.

Decisions a supervisor relies on:

- **A rule that crashes is our bug, not the report's.** Its exception is recorded in
  ``rule_errors`` (rule id, pack, exception text) which the CLI prints in the terminal summary and
  writes into the run metadata of ``findings.json``; the run goes on with every other rule, and no
  finding is emitted for it, so no report loses points for a defect in a rule pack. The same holds
  for a rule whose output breaks the contract (missing columns, unknown report ids, a severity
  override that is not a severity, negative points).
- **Unreadable files still appear.** Reader problems of the parse kinds (``audit.contracts.report.PARSE_KINDS``)
  become one ``PARSE-UNREADABLE`` error finding per report (100 points, so the report scores low),
  saying in Chinese why the file could not be read. That rule belongs to the core pack
  (``audit.packs.core``); it is always run, ``--select`` does not drop it, only an explicit
  ``--ignore`` does. Structure-kind problems are the structure pack's business, not the engine's.
- **Selectors** (``select``/``ignore``) follow ``audit.packs.selection``, the one semantics of the
  CLI, the configuration and the pytest harness: the most specific selector wins. A selector that
  matches no rule is a usage error (``UnknownSelector``): a typo must not silently audit nothing.
- **Order**: findings come in ``audit.contracts.findings.reading_order`` (report, worst severity,
  rule id, then the order the rule gave them), the one definition of finding order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from audit import heap
from audit.contracts import findings as F
from audit.packs import core as core_pack
from audit.packs.rule import SEVERITIES, Rule, check_columns
from audit.packs.selection import Selectors, UnknownSelector, matches, select_rules

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

__all__ = ["CORE_PACK", "CORE_RULES", "PARSE_RULE_ID", "RuleError", "UnknownSelector", "matches", "run_rules",
           "select_rules", "with_core_rules"]

# The core pack lives in ``audit.packs.core``; these names stay here for callers of the engine API.
CORE_PACK = core_pack.CORE_PACK
CORE_PACK_VERSION = core_pack.CORE_PACK_VERSION
PARSE_RULE_ID = core_pack.PARSE_RULE_ID
CORE_RULES: tuple[Rule, ...] = core_pack.core_rules()
parse_unreadable = CORE_RULES[0]


@dataclass(frozen=True)
class RuleError:
    """A rule that crashed or broke the findings contract during a run."""

    rule_id: str
    pack: str
    error: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "pack": self.pack, "error": self.error}


def with_core_rules(rules: Sequence[Rule]) -> list[Rule]:
    """``rules`` plus the core pack's rules (first), without duplicates: for callers that hold a
    list of rules rather than a registry (which has the core pack already)."""
    ids = {r.id for r in rules}
    return [*(r for r in CORE_RULES if r.id not in ids), *rules]


# -- running -----------------------------------------------------------------------------------

def run_rules(corpus: Corpus, rules: Sequence[Rule], select: Selectors = None, ignore: Selectors = None,
              *, core: bool = True, keep_views: tuple[str, ...] | None = None) -> tuple[pd.DataFrame, list[RuleError]]:
    """Run the selected rules (plus the core rules) over the whole corpus.

    Each rule is called once with the whole corpus. Returns the validated, sorted findings frame
    and the list of rules that crashed (see the module docstring for why those emit no finding).
    ``core=False`` runs ``rules`` as given: for callers whose list is already the final
    selection, core rules included or deliberately ignored. ``keep_views``: once the rules have
    run, the corpus' derived views but those whose key starts with one of these are dropped,
    before the findings frame is built (``Corpus.drop_views``): at 100,000 reports the views are
    some 700 MB, and building the frame beside them was the run's peak of memory.
    """
    chosen = select_rules(with_core_rules(rules) if core else list(rules), select, ignore)
    if len(corpus) == 0:  # nothing to check; rules need not cope with frames without rows
        return F.empty_findings(), []
    known_ids = pd.Index(corpus.reports["report_id"].astype(str))
    parts: list[dict[str, np.ndarray]] = []
    errors: list[RuleError] = []
    for r in chosen:
        try:
            out = check_columns(r.check(corpus))  # what Rule.run returns, without the frame
            if out is not None:
                parts.append(_stamp(r, out, known_ids))
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the audit
            errors.append(RuleError(r.id, r.pack, f"{type(exc).__name__}: {exc}"))
    if keep_views is not None:
        corpus.drop_views(keep=keep_views)
        heap.give_back(collect=False)
    parts = _without_superseded(parts, {r.id: r for r in chosen})
    if not parts:
        return F.empty_findings(), errors
    return _findings_frame(parts, known_ids), errors


def _without_superseded(parts: list[dict[str, np.ndarray]], rules: dict[str, Rule]) -> list[dict[str, np.ndarray]]:
    """Drop the findings of a rule on each (report, table) where a rule that ``supersedes`` it
    fired: one fact is one finding and one deduction. A superseding rule that did not run (ignored)
    or did not fire drops nothing."""
    by_target: dict[str, list[dict[str, np.ndarray]]] = {}
    for p in parts:
        for target in getattr(rules.get(p["rule_id"][0]), "supersedes", ()):
            by_target.setdefault(target, []).append(p)
    if not by_target:
        return parts

    def keys(ps: list[dict[str, np.ndarray]]) -> pd.Series:
        at = np.concatenate([p["_at"] for p in ps])
        table = pd.Series(np.concatenate([p["table"] for p in ps]), dtype=object).fillna("")
        return pd.Series(at).astype(str) + "|" + table

    out = []
    for p in parts:
        over = by_target.get(p["rule_id"][0])
        if over:
            keep = ~keys([p]).isin(keys(over)).to_numpy()
            p = {k: v[keep] for k, v in p.items()} if not keep.all() else p
        if len(p["rule_id"]):
            out.append(p)
    return out


def _stamp(r: Rule, out: dict[str, np.ndarray], known_ids: pd.Index) -> dict[str, np.ndarray]:
    """The findings columns for one rule's check output (``check_columns``): the rule's identity
    and defaults added, contract breaches rejected. ``_at`` holds each finding's report position."""
    n = len(out["report_id"])
    if pd.isna(out["report_id"]).any():
        raise ValueError("finding without report_id")
    rid = _as_str(out["report_id"])
    at = known_ids.get_indexer(rid)
    if (at < 0).any():
        raise ValueError(f"findings for report ids not in the corpus: {sorted(set(rid[at < 0]))[:5]}")
    sev = out["severity"]
    if pd.isna(sev).all():  # the usual case: no per-finding override
        sev = _filled(n, r.severity)
    else:
        sev = np.where(pd.isna(sev), r.severity, sev)
        bad = ~pd.Series(sev).isin(SEVERITIES).to_numpy()
        if bad.any():
            raise ValueError(f"severity override must be one of {SEVERITIES}: {sorted(set(map(str, sev[bad])))}")
        sev = pd.Series(sev).astype(str).to_numpy(dtype=object)
    if pd.isna(out["points"]).all():
        pts = np.full(n, float(r.points))
    else:
        pts = pd.to_numeric(pd.Series(out["points"]), errors="raise").astype("float64").fillna(float(r.points)).to_numpy()
    if (pts < 0).any() or not np.isfinite(pts).all():
        raise ValueError("points override must be a finite number >= 0")
    if pd.isna(out["message"]).any():
        raise ValueError("finding without message")
    return {
        "report_id": rid,
        "rule_id": _filled(n, r.id),
        "pack": _filled(n, r.pack),
        "category": _filled(n, r.category),
        "severity": sev,
        "points": pts,
        "table": _str_or_none(out["table"]),
        "row": _str_or_none(out["row"]),
        "col": _str_or_none(out["col"]),
        "expected": out["expected"],
        "actual": out["actual"],
        "message": _as_str(out["message"]),
        "waived": np.zeros(n, dtype=bool),
        "waiver_reason": _filled(n, None),
        "_at": at,
    }


def _filled(n: int, value: object) -> np.ndarray:
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


def _findings_frame(parts: list[dict[str, np.ndarray]], known_ids: pd.Index) -> pd.DataFrame:
    """One validated frame in ``findings.reading_order``, its sort keys computed cheaply: reports
    ranked once by id, rules ranked by id per part (each part is one rule), no string sort of rows."""
    cols = {c: np.concatenate([p[c] for p in parts]) for c in (*F.FINDINGS_COLUMNS, "_at")}
    report_rank = np.empty(len(known_ids), dtype=np.int64)
    report_rank[np.argsort(known_ids.to_numpy(dtype=object), kind="stable")] = np.arange(len(known_ids))
    rule_names = sorted({p["rule_id"][0] for p in parts})
    rule_rank = np.concatenate([np.full(len(p["rule_id"]), rule_names.index(p["rule_id"][0])) for p in parts])
    order = F.reading_order(report_rank[cols["_at"]], cols["severity"], rule_rank)
    df = pd.DataFrame({c: cols[c][order] for c in F.FINDINGS_COLUMNS}, columns=F.FINDINGS_COLUMNS)
    return F.validate(df)


def _as_str(arr: np.ndarray) -> np.ndarray:
    """``arr`` (object, no nulls) as str objects; a no-op when it holds only str already."""
    if pd.api.types.infer_dtype(arr, skipna=False) == "string":
        return arr
    return arr.astype(str).astype(object)


def _str_or_none(arr: np.ndarray) -> np.ndarray:
    """``arr`` (object, missing values None) as str objects and None."""
    if pd.api.types.infer_dtype(arr, skipna=True) in ("string", "empty"):  # nothing to convert
        return arr
    mask = pd.isna(arr)
    out = arr.astype(str).astype(object)
    out[mask] = None
    return out
