"""The rule author's test toolkit: run rules on patches or text, assert findings, YAML case files.

Used by the pytest plugin (``audit.testing.plugin``) and usable on its own::

    from audit.testing.cases import run_rule, assert_findings
    out = run_rule(my_rule, {"cells": {"requests/new/total": 4}})
    assert_findings(out, [{"rule_id": "LOCAL-X", "row": "new", "col": "total"}])

A case file (``audit_cases*.yaml``) lists patches and the findings they must give::

    rules: [my_pack.yaml]          # packs to load (relative to this file); default: installed packs
    rule: LOCAL-REQ-NEW-TOTAL      # default rule under test for every case (optional)
    cases:
      - name: total too big
        patch: {cells: {requests/new/total: 4}}
        expect: [{rule_id: LOCAL-REQ-NEW-TOTAL, row: new, col: total}]
      - name: clean report
        patch: {}
        expect: []

Only the rules under test run (``rule`` of the case or file, else every rule of the loaded packs),
and the findings must be exactly the expected ones (each expected key compared only on the fields
it gives). ``rule`` takes selectors exactly as ``audit run --select`` does (``audit.packs.selection``:
an id, an id prefix, a pack, a category or a severity, the most specific winning; a selector that
names no rule fails the case with the same message as the command line).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from audit.corpus.loader import Corpus
from audit.packs.rule import Rule
from audit.testing.build import build_corpus

CASE_PREFIX = "audit_cases"
_KEYS = ("report_id", "rule_id", "table", "row", "col", "severity")


def corpus_from_text(*texts: str) -> Corpus:
    """A corpus read from report text through the real reader (ids t1, t2, …)."""
    from audit.corpus.loader import load
    from audit.ingest.normalise import normalise_text

    return load([normalise_text(t, report_id=f"t{i}") for i, t in enumerate(texts, start=1)])


def as_corpus(source: Corpus | Mapping[str, Any] | Sequence[Mapping[str, Any]] | str | None) -> Corpus:
    """A Corpus from a Corpus, one patch, a list of patches, or report text."""
    if isinstance(source, Corpus):
        return source
    if source is None:
        return build_corpus({})
    if isinstance(source, str):
        return corpus_from_text(source)
    if isinstance(source, Mapping) and ("reports" in source or "options" in source):
        return _with_options(source)
    if isinstance(source, Mapping):
        return build_corpus(dict(source))
    return build_corpus(*[dict(p) for p in source])


def _with_options(source: Mapping[str, Any]) -> Corpus:
    """``{"reports": [patch, ...], "options": {...}}``: several reports and run options (a list of
    dicts under ``options.units`` becomes the units frame of contract 4)."""
    rest = {k: v for k, v in source.items() if k not in ("reports", "options")}
    corpus = build_corpus(*[dict(p) for p in source.get("reports") or [rest]])
    options = dict(source.get("options") or {})
    if isinstance(options.get("units"), list):
        options["units"] = pd.DataFrame(options["units"], columns=["unit", "region", "level", "parent", "kind"])
    corpus.options = {**corpus.options, **options}
    return corpus


def run_rule(rule: Rule | Iterable[Rule], source: Any = None) -> pd.DataFrame:
    """Findings (the findings contract's columns) of one rule or several on a corpus or patches.

    The engine runs them, so ids, severities and points are stamped exactly as in ``audit run``;
    only the given rules' findings are returned (no core rules). A rule that crashes raises.
    """
    from audit.packs import engine

    rules = [rule] if isinstance(rule, Rule) else list(rule)
    corpus = as_corpus(source)
    findings, errors = engine.run_rules(corpus, rules)
    if errors:
        raise AssertionError("rule crashed: " + "; ".join(f"{e.rule_id}: {e.error}" for e in errors))
    ids = {r.id for r in rules}
    return findings[findings["rule_id"].isin(ids)].reset_index(drop=True)


def _matches(row: Mapping[str, Any], want: Mapping[str, Any]) -> bool:
    return all(str(row.get(k)) == str(v) if v is not None else row.get(k) is None for k, v in want.items())


def assert_findings(findings: pd.DataFrame, expected: Sequence[Mapping[str, Any]], *, exact: bool = True) -> None:
    """Each expected dict (keys among report_id/rule_id/table/row/col/severity) matches one finding.

    With ``exact`` the findings may hold nothing else. The error lists what was found.
    """
    rows = findings.astype(object).where(findings.notna(), None).to_dict("records")
    left = list(rows)
    missing = []
    for want in expected:
        unknown = set(want) - set(_KEYS)
        if unknown:
            raise ValueError(f"unknown keys in expected finding {dict(want)}: {sorted(unknown)}")
        hit = next((r for r in left if _matches(r, want)), None)
        if hit is None:
            missing.append(dict(want))
        else:
            left.remove(hit)
    extra = left if exact else []
    if missing or extra:
        def show(rs: Iterable[Mapping[str, Any]]) -> str:
            return "\n".join("  " + ", ".join(f"{k}={r.get(k)}" for k in _KEYS if r.get(k) is not None)
                             + (f"  «{r.get('message')}»" if r.get("message") else "") for r in rs) or "  (none)"
        raise AssertionError(f"expected findings not found:\n{show(missing)}\nunexpected findings:\n{show(extra)}"
                             f"\nall findings:\n{show(rows)}")


def check_examples(rule: Rule) -> None:
    """The rule's failing example fires (on this rule) and its passing example is silent."""
    fails = run_rule(rule, rule.fail_example)
    if not len(fails):
        raise AssertionError(f"{rule.id}: the failing example {rule.fail_example!r} gave no finding")
    passes = run_rule(rule, rule.pass_example)
    if len(passes):
        raise AssertionError(f"{rule.id}: the passing example gave findings: {passes['message'].tolist()}")


# -- case files --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    source: Any  # patch dict, list of patches, or report text
    expect: tuple[dict[str, Any], ...]
    rule_ids: tuple[str, ...]
    file: Path


def load_rules_for(file: Path, paths: Sequence[str]) -> list[Rule]:
    """Rules of the packs a case file names (paths relative to it), else of the installed packs."""
    if paths:
        from audit.packs.yamlpack import load_rule_paths

        packs, errors = load_rule_paths([str((file.parent / p).resolve()) for p in paths])
        if errors:
            raise AssertionError("cannot load rule packs: " + "; ".join(map(str, errors)))
        return [r for p in packs for r in p.rules]
    from audit.packs.plugins import load_registry

    return list(load_registry().rules)


def read_cases(file: str | Path) -> tuple[list[Case], list[str]]:
    """The cases of a case file and the pack paths it names."""
    p = Path(file)
    doc = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
    if not isinstance(doc, dict) or not isinstance(doc.get("cases"), list):
        raise ValueError(f"{p}: a case file needs a list under 'cases'")
    paths = doc.get("rules") or []
    paths = [paths] if isinstance(paths, str) else list(paths)
    default_rule = doc.get("rule")
    cases = []
    for i, c in enumerate(doc["cases"], start=1):
        if not isinstance(c, dict) or "expect" not in c:
            raise ValueError(f"{p}: case #{i} needs 'expect' (a list, [] for no finding)")
        rule = c.get("rule", default_rule)
        rule_ids = tuple([rule] if isinstance(rule, str) else (rule or ()))
        source = c.get("text") if "text" in c else c.get("patches", c.get("patch", {}))
        cases.append(Case(name=str(c.get("name") or f"case{i}"), source=source,
                          expect=tuple(dict(e) for e in c["expect"] or ()), rule_ids=rule_ids, file=p))
    return cases, paths


def run_case(case: Case, rules: Sequence[Rule]) -> None:
    """Run a case's rules (its ``rule`` selectors, else all) on its patch; assert exactly its findings."""
    from audit.packs.selection import UnknownSelector, select_rules

    try:
        chosen = select_rules(rules, case.rule_ids) if case.rule_ids else list(rules)
    except UnknownSelector as exc:
        raise AssertionError(f"{case.file.name}::{case.name}: {exc}") from None
    assert_findings(run_rule(chosen, case.source), case.expect)
