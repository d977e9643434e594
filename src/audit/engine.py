"""Running rules over a corpus: selection, one vectorised call per rule, and the findings frame.

Decisions a supervisor relies on:

- **A rule that crashes is our bug, not the report's.** Its exception is recorded in
  ``rule_errors`` (rule id, pack, exception text) which the CLI prints in the terminal summary and
  writes into the run metadata of ``findings.json``; the run goes on with every other rule, and no
  finding is emitted for it, so no report loses points for a defect in a rule pack. The same holds
  for a rule whose output breaks the contract (missing columns, unknown report ids, a severity
  override that is not a severity, negative points).
- **Unreadable files still appear.** Reader problems of the parse kinds (``audit.report.PARSE_KINDS``)
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

from audit import findings as F
from audit.report import PARSE_KINDS
from audit.rule import SEVERITIES, Rule, found, rule

if TYPE_CHECKING:
    from audit.loader import Corpus

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

    For callers that select with their own semantics (``audit.config``): core rules survive any
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
    parts: list[pd.DataFrame] = []
    errors: list[RuleError] = []
    for r in chosen:
        try:
            out = r.run(corpus)
            parts.append(_stamp(r, out, known_ids))
        except Exception as exc:  # noqa: BLE001 - one rule's bug must not stop the audit
            errors.append(RuleError(r.id, r.pack, f"{type(exc).__name__}: {exc}"))
    parts = [p for p in parts if len(p)]
    if not parts:
        return F.empty_findings(), errors
    df = pd.concat(parts, ignore_index=True)
    return F.sort_findings(F.validate(df)), errors


def _stamp(r: Rule, out: pd.DataFrame, known_ids: pd.Index) -> pd.DataFrame:
    """Add the rule's identity and defaults to its check output; reject contract breaches."""
    n = len(out)
    if n == 0:
        return out
    rid = out["report_id"]
    if rid.isna().any():
        raise ValueError("finding without report_id")
    rid = _as_str(rid.to_numpy(dtype=object))
    unknown = known_ids.get_indexer(rid) < 0
    if unknown.any():
        raise ValueError(f"findings for report ids not in the corpus: {sorted(set(rid[unknown]))[:5]}")
    sev = out["severity"]
    if sev.isna().all():  # the usual case: no per-finding override
        sev_arr = np.full(n, r.severity, dtype=object)
    else:
        sev = sev.where(sev.notna(), r.severity)
        bad = ~sev.isin(SEVERITIES)
        if bad.any():
            raise ValueError(f"severity override must be one of {SEVERITIES}: {sorted(set(map(str, sev[bad])))}")
        sev_arr = sev.astype(str).to_numpy(dtype=object)
    if out["points"].isna().all():
        pts = np.full(n, float(r.points))
    else:
        pts = pd.to_numeric(out["points"], errors="raise").astype("float64").fillna(float(r.points)).to_numpy()
    if (pts < 0).any() or not np.isfinite(pts).all():
        raise ValueError("points override must be a finite number >= 0")
    msg = out["message"]
    if msg.isna().any():
        raise ValueError("finding without message")
    return pd.DataFrame({
        "report_id": rid,
        "rule_id": r.id,
        "pack": r.pack,
        "category": r.category,
        "severity": sev_arr,
        "points": pts,
        "table": _str_or_none(out["table"]),
        "row": _str_or_none(out["row"]),
        "col": _str_or_none(out["col"]),
        "expected": out["expected"].to_numpy(dtype=object),
        "actual": out["actual"].to_numpy(dtype=object),
        "message": _as_str(msg.to_numpy(dtype=object)),
        "waived": np.zeros(n, dtype=bool),
        "waiver_reason": np.full(n, None, dtype=object),
    }, columns=F.FINDINGS_COLUMNS)


def _as_str(arr: np.ndarray) -> np.ndarray:
    """``arr`` (object, no nulls) as str objects; a no-op when it holds only str already."""
    if pd.api.types.infer_dtype(arr, skipna=False) == "string":
        return arr
    return arr.astype(str).astype(object)


def _str_or_none(s: pd.Series) -> np.ndarray:
    arr = s.to_numpy(dtype=object)
    mask = pd.isna(arr)
    kind = pd.api.types.infer_dtype(arr, skipna=True)
    if kind in ("string", "empty"):  # str or null only: nothing to convert
        if mask.any():
            arr = arr.copy()
            arr[mask] = None
        return arr
    out = arr.astype(str).astype(object)
    out[mask] = None
    return out
