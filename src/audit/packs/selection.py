"""Which rules a run executes: the one selection semantics of ``audit run``, the engine API,
the configuration file and the pytest harness.

A selector names rules by exact id, by id prefix at a ``-`` boundary (``ARITH``, ``ARITH-REQ``,
``ARITH-``), by pack name, by category or by severity, case-insensitively. For each rule the *most
specific* matching selector decides, whichever list (``select`` or ``ignore``) it is in:
exact id > id prefix (the longer prefix wins) > pack > category > severity > nothing given.
An empty ``select`` selects every rule at the lowest specificity; on a tie ``ignore`` wins. So
``select = ["ARITH-REQ-BALANCE"]`` with ``ignore = ["arithmetic"]`` runs that one rule, and
``select = ["arithmetic"]`` with ``ignore = ["ARITH-REQ"]`` runs the arithmetic pack without the
ARITH-REQ rules.

The core pack's rules (``audit.packs.core``: an unreadable file, waiver notices) are selected even
when ``select`` does not name them: ``--select ARITH`` must not hide that a file could not be read.
Only an ``ignore`` that names them drops them.

A selector that names no rule at all is an error (``UnknownSelector``, one Chinese message
everywhere): a typo must not silently audit nothing, or ignore nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from audit.packs.core import CORE_PACK
from audit.packs.rule import SEVERITIES, Rule

Selectors = str | Iterable[str] | None
_NOTHING_GIVEN = (0, 0)


class UnknownSelector(ValueError):
    """A ``select``/``ignore`` selector that matches no rule (a usage error)."""


def as_list(selectors: Selectors) -> list[str]:
    """Selectors from a string (comma-separated) or a list of strings; blanks dropped."""
    if selectors is None:
        return []
    items = [selectors] if isinstance(selectors, str) else list(selectors)
    return [s.strip() for item in items for s in str(item).split(",") if s.strip()]


def specificity(r: Rule, selector: str) -> tuple[int, int] | None:
    """How specifically ``selector`` names rule ``r`` (higher wins), or None if it does not."""
    s = selector.strip().casefold()
    rid = r.id.casefold()
    if rid == s:
        return (5, len(s))
    if rid.startswith(s + "-") or (s.endswith("-") and rid.startswith(s)):
        return (4, len(s))
    if r.pack.casefold() == s:
        return (3, 0)
    if r.category.casefold() == s:
        return (2, 0)
    if s in SEVERITIES and r.severity == s:
        return (1, 0)
    return None


def matches(r: Rule, selector: str) -> bool:
    """Does ``selector`` name rule ``r`` at all?"""
    return specificity(r, selector) is not None


def _best(r: Rule, selectors: Sequence[str]) -> tuple[int, int] | None:
    ranks = [k for k in (specificity(r, s) for s in selectors) if k is not None]
    return max(ranks) if ranks else None


def is_selected(r: Rule, select: Selectors = (), ignore: Selectors = ()) -> bool:
    """Whether the most specific matching selector of ``select``/``ignore`` keeps the rule."""
    sel_list, ign_list = as_list(select), as_list(ignore)
    sel = _best(r, sel_list) if sel_list else _NOTHING_GIVEN
    if sel is None:
        if r.pack != CORE_PACK:
            return False
        sel = _NOTHING_GIVEN
    ign = _best(r, ign_list)
    return ign is None or sel > ign


def unknown_selectors(rules: Sequence[Rule], selectors: Selectors) -> list[str]:
    """Selectors that name no rule at all (most likely a typo)."""
    return [s for s in as_list(selectors) if not any(matches(r, s) for r in rules)]


def unknown_selector_message(unknown: Sequence[str]) -> str:
    """The one message for selectors that name no rule (CLI, engine API, harness, config)."""
    names = "、".join(f"'{u}'" for u in unknown)
    return (f"没有规则与 {names} 匹配：请写规则编号、编号前缀（如 ARITH-REQ）、规则包名、类别或严重程度"
            "（error/warning/info）；`audit rules` 列出全部规则")


def select_rules(rules: Sequence[Rule], select: Selectors = None, ignore: Selectors = None) -> list[Rule]:
    """The rules the selectors keep, in their given order; ``UnknownSelector`` for a selector that
    names no rule of ``rules``."""
    rules = list(rules)
    sel, ign = as_list(select), as_list(ignore)
    unknown = unknown_selectors(rules, [*sel, *ign])
    if unknown:
        raise UnknownSelector(unknown_selector_message(unknown))
    return [r for r in rules if is_selected(r, sel, ign)]
