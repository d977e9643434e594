"""Rule documentation: one Markdown page per rule plus an index (``audit docs --out DIR``).

The pages are generated from the rules themselves (metadata, description, the failing and the
passing example as report patches), so they never drift from what runs. ``doc_problems`` lists
rules whose docs would be useless (no description, a missing example) — the test suite fails on
those for the built-in packs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from audit.exporters import atomic
from audit.packs.rule import Rule

_SEVERITY_ZH = {"error": "错误", "warning": "警告", "info": "提示"}


def page_name(r: Rule) -> str:
    """The file name of a rule's page (ids are stable, so links are too)."""
    return re.sub(r"[^A-Za-z0-9_.-]", "_", r.id) + ".md"


def _patch(example: dict[str, Any]) -> str:
    if not example:
        return "{}   # 未修改的干净报告 (the clean report as is)"
    return yaml.safe_dump(example, allow_unicode=True, sort_keys=False, default_flow_style=False).rstrip()


def rule_page(r: Rule) -> str:
    """One rule's page as Markdown."""
    lines = [
        f"# {r.id} — {r.title}",
        "",
        "| | |",
        "|---|---|",
        f"| id | `{r.id}` |",
        f"| pack | `{r.pack or '?'}` {r.pack_version or ''} |",
        f"| category | `{r.category}` |",
        f"| severity | `{r.severity}` ({_SEVERITY_ZH.get(r.severity, r.severity)}) |",
        f"| points | {r.points:g} |",
        *([f"| supersedes | {', '.join(f'`{i}`' for i in r.supersedes)} (their findings on the same report and table are dropped) |"]
          if r.supersedes else []),
        "",
        "## Rationale",
        "",
        (r.description or "").strip() or "_(no description)_",
        "",
        "## Failing example",
        "",
        "A report patch (see `audit.testing.build_report`) that this rule flags:",
        "",
        "```yaml",
        _patch(r.fail_example),
        "```",
        "",
        "## Passing example",
        "",
        "```yaml",
        _patch(r.pass_example),
        "```",
        "",
    ]
    return "\n".join(lines)


def index_page(rules: Sequence[Rule]) -> str:
    """The index: every rule grouped by pack, linking to its page."""
    lines = ["# Rules", "", f"{len(rules)} rules.", ""]
    packs: dict[str, list[Rule]] = {}
    for r in rules:
        packs.setdefault(r.pack or "?", []).append(r)
    for pack, rs in sorted(packs.items()):
        version = next((r.pack_version for r in rs if r.pack_version), "")
        lines += [f"## {pack} {version}".rstrip(), "", "| id | title | category | severity | points |",
                  "|---|---|---|---|---|"]
        for r in sorted(rs, key=lambda x: x.id):
            lines.append(f"| [{r.id}]({page_name(r)}) | {r.title} | {r.category} | {r.severity} | {r.points:g} |")
        lines.append("")
    return "\n".join(lines)


def write_docs(rules: Iterable[Rule], out_dir: str | Path) -> list[Path]:
    """Write ``index.md`` and one page per rule into ``out_dir``; return the paths written."""
    rules = list(rules)
    out = Path(out_dir)
    written = [atomic.write_text(out / page_name(r), rule_page(r)) for r in rules]
    written.append(atomic.write_text(out / "index.md", index_page(rules)))
    return written


def doc_problems(rules: Iterable[Rule]) -> list[str]:
    """Rules whose documentation is incomplete: no description, or no failing/passing example.

    The passing example may be ``{}`` (the clean report); it must be given (a dict), and the
    failing example must change something.
    """
    out = []
    for r in rules:
        if not (r.description or "").strip():
            out.append(f"{r.id}: no description")
        if not isinstance(r.fail_example, dict) or not r.fail_example:
            out.append(f"{r.id}: no failing example")
        if not isinstance(r.pass_example, dict):
            out.append(f"{r.id}: no passing example")
    return out
