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
  saying in Chinese why the file could not be read. That rule belongs to the core pack ``core``; it
  is always run, ``--select`` does not drop it, only an explicit ``--ignore`` does. Structure-kind
  problems are the structure pack's business, not the engine's.
- **Selectors** (``--select``/``--ignore``) match a rule id exactly, an id prefix at a ``-``
  boundary (``ARITH``, ``ARITH-REQ``), a pack name or a category, case-insensitively. A selector
  that matches no rule is a usage error (``UnknownSelector``): a typo must not silently audit
  nothing (or ignore nothing).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from audit.contracts import findings as F
from audit.contracts.report import PARSE_KINDS
from audit.packs.rule import SEVERITIES, Rule, check_columns, found, rule

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

CORE_PACK = "core"
CORE_PACK_VERSION = "1"
PARSE_RULE_ID = "PARSE-UNREADABLE"

# How each parse problem kind reads to a supervisor.
_PARSE_KIND_ZH = {
    "unreadable": "文件无法读取",
    "empty": "文件为空",
    "binary": "文件不是可读取的文本或文档",
    "encoding": "文件编码无法识别",
    "too_large": "文件过大，未予读取",
    "no_text_layer": "PDF 没有文字层（可能是扫描件）",
    "truncated": "文件内容不完整（疑似被截断）",
}


class UnknownSelector(ValueError):
    """A ``--select``/``--ignore`` selector that matches no rule (a usage error)."""


@dataclass(frozen=True)
class RuleError:
    """A rule that crashed or broke the findings contract during a run."""

    rule_id: str
    pack: str
    error: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "pack": self.pack, "error": self.error}


@rule(
    id=PARSE_RULE_ID,
    title="报告文件无法读取",
    category="parse",
    severity="error",
    points=100,
    description=(
        "读取器无法读取或解析报告文件（文件损坏、为空、编码无法识别、扫描件 PDF 没有文字层、被截断等）。"
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
    why = hit["kind"].map(_PARSE_KIND_ZH).fillna("文件无法读取").astype(str)
    detail = hit["detail"].fillna("").astype(str)
    text = why.where(detail.str.len() == 0, why + "（" + detail + "）")
    per_report = text.groupby(hit["report_id"], sort=False).agg("；".join)
    message = "报告文件无法读取：" + per_report + "。请重新提交可读取的文本版报告后再审核。"
    return found(per_report.index.to_series(), message.to_numpy(), actual=per_report.to_numpy())


CORE_RULES: tuple[Rule, ...] = (
    dataclasses.replace(parse_unreadable, pack=CORE_PACK, pack_version=CORE_PACK_VERSION),
)


# -- selection ---------------------------------------------------------------------------------

def _as_list(selectors: str | Iterable[str] | None) -> list[str]:
    if selectors is None:
        return []
    items = [selectors] if isinstance(selectors, str) else list(selectors)
    return [s.strip() for item in items for s in str(item).split(",") if s.strip()]


def matches(r: Rule, selector: str) -> bool:
    """Does ``selector`` (id, id prefix, pack or category) name rule ``r``?"""
    s = selector.casefold()
    rid = r.id.casefold()
    return rid == s or rid.startswith(s + "-") or r.pack.casefold() == s or r.category.casefold() == s


def select_rules(rules: Sequence[Rule], select: str | Iterable[str] | None = None,
                 ignore: str | Iterable[str] | None = None) -> list[Rule]:
    """The rules to run. Core rules survive ``select`` and fall only to an explicit ``ignore``.

    Raises ``UnknownSelector`` naming every selector that matches nothing.
    """
    sel, ign = _as_list(select), _as_list(ignore)
    unknown = [s for s in (*sel, *ign) if not any(matches(r, s) for r in rules)]
    if unknown:
        raise UnknownSelector("no rule matches " + ", ".join(repr(u) for u in unknown)
                              + " (give a rule id, an id prefix, a pack name or a category; see `audit rules`)")
    chosen = []
    for r in rules:
        core = r.pack == CORE_PACK
        if sel and not core and not any(matches(r, s) for s in sel):
            continue
        if any(matches(r, s) for s in ign):
            continue
        chosen.append(r)
    return chosen


def keep_core_rules(chosen: Sequence[Rule], available: Sequence[Rule],
                    ignore: str | Iterable[str] | None = None) -> list[Rule]:
    """``chosen`` plus every core rule of ``available`` that ``ignore`` does not name.

    For callers that select with their own semantics (``audit.packs.config``): core rules survive any
    ``select`` and fall only to an explicit ``ignore``.
    """
    ign = _as_list(ignore)
    ids = {r.id for r in chosen}
    core = [r for r in available if r.pack == CORE_PACK and r.id not in ids
            and not any(matches(r, s) for s in ign)]
    return [*core, *chosen]


def with_core_rules(rules: Sequence[Rule]) -> list[Rule]:
    """``rules`` plus the engine's own core rules (first), without duplicates."""
    ids = {r.id for r in rules}
    return [*(r for r in CORE_RULES if r.id not in ids), *rules]


# -- running -----------------------------------------------------------------------------------

def run_rules(corpus: Corpus, rules: Sequence[Rule], select: str | Iterable[str] | None = None,
              ignore: str | Iterable[str] | None = None, *, core: bool = True
              ) -> tuple[pd.DataFrame, list[RuleError]]:
    """Run the selected rules (plus the core rules) over the whole corpus.

    Each rule is called once with the whole corpus. Returns the validated, sorted findings frame
    and the list of rules that crashed (see the module docstring for why those emit no finding).
    ``core=False`` runs ``rules`` as given: for callers whose list is already the final
    selection, core rules included or deliberately ignored.
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
    if not parts:
        return F.empty_findings(), errors
    return _findings_frame(parts, known_ids), errors


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
    """One validated frame, in ``findings.sort_findings`` order: report id, worst severity, rule id,
    then the order the rules gave (a stable sort on ranks computed once, not on strings)."""
    cols = {c: np.concatenate([p[c] for p in parts]) for c in (*F.FINDINGS_COLUMNS, "_at")}
    report_rank = np.empty(len(known_ids), dtype=np.int64)
    report_rank[np.argsort(known_ids.to_numpy(dtype=object), kind="stable")] = np.arange(len(known_ids))
    rule_names = sorted({p["rule_id"][0] for p in parts})
    rule_rank = np.concatenate([np.full(len(p["rule_id"]), rule_names.index(p["rule_id"][0])) for p in parts])
    sev_codes, sev_names = pd.factorize(cols["severity"])
    sev_rank = np.array([F.SEVERITY_RANK[v] for v in sev_names], dtype=np.int64)[sev_codes]
    order = np.lexsort((rule_rank, sev_rank, report_rank[cols["_at"]]))
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
