"""The subcommands other than ``run``: ``normalise``, ``rules``, ``keys``, ``schema``, ``config``, ``docs``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from audit.cli.common import UsageError, _say, pack_registry, run_config

# pandas and the rule engine are imported by the commands that use them: ``audit --help`` and a
# usage error need neither.

# -- config, docs -----------------------------------------------------------------------------

def cmd_config(args: argparse.Namespace) -> int:
    from audit.packs.config import format_config

    print(format_config(run_config(args)))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from audit.exporters.rule_docs import write_docs
    from audit.packs import engine

    rules = engine.with_core_rules(pack_registry(args).rules)
    written = write_docs(rules, args.out)
    print(f"已写出 {len(written)} 个页面到 {args.out}")
    return 0


# -- normalise ---------------------------------------------------------------------------------

def cmd_normalise(args: argparse.Namespace) -> int:
    from audit.exporters import atomic
    from audit.ingest.batch import dumped_many
    from audit.ingest.discovery import MissingPath, assign_ids, scan

    try:
        found = scan(args.paths)
    except MissingPath as exc:
        raise UsageError(str(exc)) from exc
    files = found.files
    if found.skipped and not args.quiet:
        _say(f"跳过 {len(found.skipped)} 个不是报告的文件，例如 {found.skipped[0]}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ids = assign_ids(files)
    progress = False if args.quiet else None
    n = 0
    for report_id, text, note in dumped_many(files, ids, jobs=args.jobs, progress=progress):
        if note:
            _say(note)
        atomic.write_text(out / f"{report_id}.json", text)
        n += 1
    if not args.quiet:
        print(f"已将 {n} 份报告规范化到 {out}")
    return 0


# -- rules -------------------------------------------------------------------------------------

def cmd_rules(args: argparse.Namespace) -> int:
    from audit.packs import engine, selection

    registry = pack_registry(args)
    rules = engine.with_core_rules(registry.rules)
    if args.rule_id:
        r = next((x for x in rules if x.id.casefold() == args.rule_id.casefold()), None)
        if r is None:
            near = [x.id for x in rules if selection.matches(x, args.rule_id)]
            hint = f"；与之匹配的规则：{'、'.join(near)}" if near else "；`audit rules` 列出全部规则"
            raise UsageError(f"没有编号为“{args.rule_id}”的规则{hint}")
        print(describe_rule(r))
        return 0
    from tabulate import tabulate

    from audit.exporters.labels import CATEGORY_ZH, SEVERITY_ZH

    rows = [(r.id, r.pack, r.pack_version, CATEGORY_ZH.get(r.category, r.category),
             SEVERITY_ZH.get(r.severity, r.severity), _num(r.points), r.title) for r in rules]
    print(tabulate(rows, headers=["规则编号", "规则包", "版本", "类别", "级别", "扣分", "规则名称"], disable_numparse=True))
    if registry.errors:
        print(f"\n{len(registry.errors)} 个规则包加载出错：")
        for e in registry.errors:
            print(f"  {e}")
    return 0


def describe_rule(r: Any) -> str:
    """A rule in full: metadata, description and its two examples as JSON patches."""
    def js(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, indent=2)

    from audit.exporters.labels import CATEGORY_ZH, SEVERITY_ZH

    return "\n".join([
        f"{r.id}  {r.title}",
        f"规则包：{r.pack} {r.pack_version}".rstrip(),
        f"类别：{CATEGORY_ZH.get(r.category, r.category)}   级别：{SEVERITY_ZH.get(r.severity, r.severity)}   "
        f"扣分：{_num(r.points)}",
        "",
        r.description.strip(),
        "",
        "不合格示例（对报告的改动）：",
        js(r.fail_example),
        "",
        "合格示例（对报告的改动）：",
        js(r.pass_example),
    ])


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


# -- keys --------------------------------------------------------------------------------------

def keys_table(edition: str | None = None) -> str:
    """Every canonical cell key ``table/row/col`` with its printed labels, per edition: what a rule
    author writes in a YAML equation or reads in ``corpus.cells``."""
    import pandas as pd
    from tabulate import tabulate

    from audit.contracts import catalogue
    from audit.exporters.labels import key_labels

    cat = catalogue.load()
    out = []
    for ed in [edition] if edition else list(cat.raw["editions"]):
        cells = pd.DataFrame(cat.edition_cells(ed), columns=["table", "row", "col"])
        printed = key_labels(cells)
        rows = [(f"{t}/{r}/{c}", pt, pr, pc) for (t, r, c), (pt, pr, pc)
                in zip(cells.itertuples(index=False), printed.itertuples(index=False), strict=True)]
        out.append(f"表格版本 {ed}（{len(rows)} 个单元格）")
        out.append(tabulate(rows, headers=["键（表/行/列）", "表格", "行（栏）", "列"], disable_numparse=True))
        out.append("")
    sections = [(s["canonical"], s["title"]) for s in cat.sections]
    out.append("章节（corpus.sections 的 canonical 列）")
    out.append(tabulate(sections, headers=["键", "标题"], disable_numparse=True))
    return "\n".join(out)


def cmd_keys(args: argparse.Namespace) -> int:
    print(keys_table(args.edition))
    return 0


# -- schema ------------------------------------------------------------------------------------

def cmd_schema(args: argparse.Namespace) -> int:
    from audit.contracts.report import schema

    print(json.dumps(schema(), ensure_ascii=False, indent=2))
    return 0
