"""The ``audit`` command line: ``run``, ``normalise``, ``rules`` and ``schema``.

One function per subcommand (``cmd_run`` …). Exit codes are a contract for scripts and CI:
0 when the command did its job (an audit that finds problems still ran fine), 1 only when
``--fail-on`` is tripped by a non-waived finding of that severity or worse, 2 on usage errors
(bad path, unknown option, a ``--select``/``--ignore`` that matches no rule, an unknown rule id).

Output formats (``--format``), readers and the findings filters between the engine and scoring
(waivers, baselines) are plugins of the run's registry (``audit.packs.plugins``): the CLI names
none of them.

Status lines go to stderr so that stdout carries exactly what ``--format`` asked for.
"""

from __future__ import annotations

import argparse
import errno
import json
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any, NoReturn

import pandas as pd

import audit
from audit import argparse_zh
from audit.contracts import findings as F
from audit.packs import engine, plugins, selection
from audit.packs.extensions import Exporter, FindingFilter, Outputs

FAIL_ON = ("error", "warning")


class UsageError(Exception):
    """Wrong use of the command line: reported on stderr with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """An argparse parser that raises ``UsageError`` instead of exiting, so ``main`` returns 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def _say(*parts: Any) -> None:
    print(*parts, file=sys.stderr)


# -- run ---------------------------------------------------------------------------------------

@dataclass
class RunContext:
    """What a findings filter may need to know about the run."""

    args: argparse.Namespace
    corpus: Any
    rules: list[Any]
    meta: dict[str, Any] = field(default_factory=dict)


def filter_findings(findings: pd.DataFrame, ctx: RunContext,
                    filters: Sequence[FindingFilter] | None = None) -> pd.DataFrame:
    """Pass the engine's findings through every registered findings filter, in order."""
    if filters is None:
        filters = plugins.load_registry().finding_filters
    for step in filters:
        out = step.apply(findings, ctx)
        # A filter with nothing to do hands the (already validated) frame back: no need to check
        # 300,000 findings again.
        findings = findings if out is findings else F.validate(out)
    return findings


def default_inputs() -> tuple[list[Path], str]:
    """What ``audit run`` audits with no PATH: ``./reports`` if present, else the packaged seeds."""
    local = Path("reports")
    if local.is_dir():
        return [local], f"未指定路径：审核当前目录下的 ./reports 文件夹（{local.resolve()}）"
    packaged = resources.files("audit").joinpath("data/reports")
    return [Path(str(packaged))], (f"未指定路径，当前目录下也没有 reports 文件夹：审核 audit 自带的示例报告（{packaged}）；"
                                   "要审核自己的报告，请在命令后写出报告所在的文件夹")


def load_registry(args: argparse.Namespace) -> plugins.Registry:
    """All rule packs for this run: entry points plus local packs (``--rules`` and the config's ``rules``)."""
    from audit.packs.yamlpack import local_plugins

    cfg = run_config(args)
    extra, errors = local_plugins(cfg.get("rules") or [])
    registry = plugins.load_registry(extra)
    registry.errors.extend(plugins.LoadError(e.pack, f"{e.source}: {e.reason}") for e in errors)
    return registry


def run_config(args: argparse.Namespace) -> Any:
    """The effective configuration (``audit.packs.config``): file, then these options; cached on ``args``."""
    from audit.packs import config

    if getattr(args, "_config", None) is None:
        cli = {"select": getattr(args, "select", None), "ignore": getattr(args, "ignore", None),
               "rules": getattr(args, "rules", None), "waivers": getattr(args, "waivers", None)}
        try:
            args._config = config.load_config(getattr(args, "config", None), cli=cli)
        except config.ConfigError as exc:
            raise UsageError(str(exc)) from exc
    return args._config


def cmd_run(args: argparse.Namespace) -> int:
    from audit.ingest.batch import MissingPath, scan
    from audit.scoring import policy as scoring

    started = _now()
    args._units = _load_units(args)  # a bad units file stops the run before anything is read
    if args.paths:
        given, origin = [Path(p) for p in args.paths], "arguments"
    else:
        given, origin = default_inputs()
        if not args.quiet:
            _say(origin)
    try:
        found = scan(given)
    except MissingPath as exc:
        raise UsageError(str(exc)) from exc
    files, skipped = found.files, found.skipped
    if skipped and not args.quiet:
        _say(f"跳过 {len(skipped)} 个不是报告的文件，例如 {skipped[0]}")
    if not files:
        from audit.ingest.batch import report_suffixes

        where = "、".join(str(p) for p in given)
        raise UsageError(f"在 {where} 中没有找到任何报告文件（可读取的扩展名："
                         f"{'、'.join(sorted(report_suffixes()))}）；请检查路径")

    from audit.packs import config

    registry = load_registry(args)
    cfg = run_config(args)
    exporter = _exporter(registry, args.format)
    all_rules = config.apply_overrides(engine.with_core_rules(registry.rules), cfg)
    try:
        chosen = selection.select_rules(all_rules, cfg["select"], cfg["ignore"])
    except selection.UnknownSelector as exc:
        raise UsageError(str(exc)) from exc
    args.waivers = cfg["waivers"]
    args._rubric = _load_rubric(args)  # before any report is read: a bad file stops here
    from audit.ingest.normalise import use_readers

    use_readers(registry.readers)
    policy = _checked(lambda: scoring.load_policy(cfg["policy"], overrides=config.policy_overrides(cfg) or None),
                      "评分策略有误")
    outputs = check_before_reading(args, registry)
    try:
        code = _audit(args, files, skipped, given, origin, started, chosen, cfg, registry, policy, outputs, exporter)
    except BaseException:
        outputs.abort()
        raise
    return code


def _checked(load: Callable[[], Any], what: str) -> Any:
    """``load()``, its configuration error as a usage error (exit 2) with a Chinese lead."""
    from audit.scoring.policy import PolicyError

    try:
        return load()
    except (PolicyError, ValueError, OSError) as exc:
        raise UsageError(f"{what}（未读取任何报告）：{exc}") from exc


def check_before_reading(args: argparse.Namespace, registry: plugins.Registry) -> Any:
    """Everything that can be known wrong before a report is read, as one Chinese usage error:
    waivers, baseline, rule packs that failed to load, the output folder (which is then locked
    and staged, ``audit.exporters.outset``)."""
    from audit.exporters.outset import OutputError, OutputSet
    from audit.review import baseline, waivers

    if args.waivers and not args.no_waivers:
        _checked(lambda: waivers.load_waivers(args.waivers), "豁免文件有误")
    if args.baseline:
        _checked(lambda: baseline.read_baseline(args.baseline), "基线文件有误")
    if registry.errors and not args.allow_broken_packs:
        lines = "\n".join(f"  {e}" for e in registry.errors)
        raise UsageError(f"{len(registry.errors)} 个规则包未能加载（未读取任何报告）：\n{lines}\n"
                         "请修正后重试；加 --allow-broken-packs 可在缺少这些规则的情况下继续运行")
    outputs = OutputSet(args.out)
    try:
        outputs.prepare()
    except OutputError as exc:
        raise UsageError(str(exc)) from exc
    return outputs


def _audit(args: argparse.Namespace, files: list[Path], skipped: list[Any], given: list[Path], origin: str,
           started: str, chosen: list[Any], cfg: Any, registry: plugins.Registry, policy: Any, outputs: Any,
           exporter: Exporter) -> int:
    from audit.corpus import loader
    from audit.exporters import write_outputs
    from audit.ingest.batch import assign_ids, packed_many
    from audit.ingest.safeio import shown
    from audit.packs import config
    from audit.scoring import policy as scoring
    from audit.scoring import rollup
    from audit.scoring.coverage import corpus_coverage
    from audit.scoring.ratios import add_ratios

    units = getattr(args, "_units", None)
    ids = assign_ids(files)
    progress = False if args.quiet else None
    # Read and packed by the workers, streamed into the loader: no report dict reaches this process.
    corpus = loader.load_batches(packed_many(files, ids, jobs=args.jobs, progress=progress))
    corpus.options = {"deadline": config.deadline_for(cfg), "summary_deadline": config.deadline_for(cfg, "government"),
                      "units": units, **(cfg.get("check_thresholds") or {})}
    findings, rule_errors = engine.run_rules(corpus, chosen, core=False)

    meta: dict[str, Any] = {
        "tool": "audit",
        "tool_version": audit.__version__,
        "started": started,
        "inputs": [shown(p) for p in given],
        "inputs_origin": origin,
        "input_count": len(files),
        "skipped_files": [shown(s.path) for s in skipped],
        "skipped": [{"path": shown(s.path), "reason": s.reason} for s in skipped],
        "report_count": len(corpus),
        "rules_run": [r.id for r in chosen],
        "select": cfg["select"],
        "ignore": cfg["ignore"],
        "config_file": str(cfg.file) if cfg.file else None,
        "rule_errors": [e.as_dict() for e in rule_errors],
        "pack_load_errors": [e.as_dict() for e in registry.errors],
    }
    ctx = RunContext(args=args, corpus=corpus, rules=chosen, meta=meta)
    findings = scoring.apply_policy(filter_findings(findings, ctx, registry.finding_filters), policy)
    scorecard = scoring.score(findings, corpus.reports, policy, corpus_coverage(corpus))
    scorecard = rollup.enrich(scorecard, corpus.reports, corpus.cells, units)
    scorecard = add_ratios(scorecard, corpus, corpus.options.get("min_cases"))
    meta["units_file"] = str(args.units) if args.units else None
    meta["missing_units"] = rollup.missing_records(units, corpus.reports["unit"])
    if getattr(args, "_rubric", None) is not None:
        meta.update(_rubric_meta(args._rubric, findings, corpus, scorecard, {r.id: r.title for r in chosen}))
    meta["finished"] = _now()
    raise_if_signalled()
    try:
        staged = write_outputs(outputs.staging, findings, scorecard, chosen, meta,
                               reports=corpus.reports, exporters=registry.exporters)
        raise_if_signalled()
        written = outputs.commit(staged)
    except OSError as exc:
        raise UsageError(f"无法写入输出文件夹 --out {shown(args.out)}：{exc.strerror or exc}"
                         f"{'（磁盘已满）' if exc.errno == errno.ENOSPC else ''}；原有的输出文件未改动") from exc

    if not args.quiet:
        _print_result(exporter, written, Outputs(findings, scorecard, chosen, meta, corpus.reports))
        _warn_errors(rule_errors, registry.errors, to_stdout=args.format == "table")
        _say(f"已审核 {len(corpus)} 份报告，运行 {len(chosen)} 条规则，发现 {len(findings)} 条问题；"
             f"已写出 {'、'.join(shown(p) for p in written)}")
    elif registry.errors:  # --allow-broken-packs: even --quiet says which rules did not run
        _warn_errors([], registry.errors, to_stdout=False)
    if args.fail_on and F.is_blocking(findings, args.fail_on).any():
        return 1
    return 0


def _load_units(args: argparse.Namespace) -> pd.DataFrame | None:
    """The ``--units`` file (contract 4), read before any report: a bad file is a usage error."""
    if not getattr(args, "units", None):
        return None
    from audit.contracts.units import UnitsError, load_units

    try:
        return load_units(args.units)
    except UnitsError as exc:
        raise UsageError(str(exc)) from exc


def _exporter(registry: plugins.Registry, name: str) -> Exporter:
    """The output format ``--format`` names (a usage error, listing the formats, when none does)."""
    exporter = registry.exporter(name)
    if exporter is None:
        names = ", ".join(e.name for e in registry.exporters)
        raise UsageError(f"参数 --format：没有名为 {name!r} 的输出格式（可用：{names}）")
    return exporter


def _load_rubric(args: argparse.Namespace) -> Any:
    """The ``--rubric`` file (``audit.review.rubric``), or None; a bad file is a usage error."""
    if not getattr(args, "rubric", None):
        return None
    from audit.review.rubric import RubricError, load_rubric

    try:
        return load_rubric(args.rubric)
    except RubricError as exc:
        raise UsageError(f"{exc}（未读取任何报告）") from exc


def _rubric_meta(rubric: Any, findings: pd.DataFrame, corpus: Any, scorecard: pd.DataFrame,
                 titles: dict[str, str]) -> dict[str, Any]:
    """The deduction sheet and the rubric's name and source, as the run's meta (JSON-ready)."""
    from audit.review.rubric import deductions

    sheet = deductions(rubric, findings, corpus, scorecard, titles)
    rows = sheet.astype(object).where(sheet.notna(), None).to_dict("records")
    for r in rows:
        r["year"] = int(r["year"]) if r["year"] is not None else None
        r["deduction"] = float(r["deduction"])
    return {"rubric": {**rubric.meta, "file": rubric.path}, "deductions": rows}


def _print_result(exporter: Exporter, written: list[Path], outputs: Any) -> None:
    """What ``--format`` asked for on stdout: the format's own view, its file's text, or its path."""
    if exporter.name == "table":  # the built-in summary: coloured by severity on a terminal
        from audit.exporters.table import print_summary

        print_summary(outputs.scorecard, outputs.findings, written=written,
                      missing=outputs.meta.get("missing_units"))
        return
    if exporter.show is not None:
        print(exporter.show(outputs))
        return
    path = next((p for p in written if Path(p).name == exporter.filename), None)
    if path is None:
        _say(f"{exporter.filename} 未写出")
    elif exporter.text:
        sys.stdout.write(Path(path).read_text(encoding="utf-8-sig"))
    else:
        print(path)


def _warn_errors(rule_errors: list[engine.RuleError], load_errors: list[plugins.LoadError], *,
                 to_stdout: bool) -> None:
    out = sys.stdout if to_stdout else sys.stderr
    if rule_errors:
        print(f"\n{len(rule_errors)} 条规则运行出错，已跳过（没有报告因此被扣分）：", file=out)
        for e in rule_errors:
            print(f"  {e.rule_id} [{e.pack}]: {e.error}", file=out)
    if load_errors:
        print(f"\n{len(load_errors)} 个规则包加载出错，其中的规则没有运行：", file=out)
        for le in load_errors:
            print(f"  {le}", file=out)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- config, docs -----------------------------------------------------------------------------

def cmd_config(args: argparse.Namespace) -> int:
    from audit.packs.config import format_config

    print(format_config(run_config(args)))
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    from audit.packs.docs import write_docs

    rules = engine.with_core_rules(load_registry(args).rules)
    written = write_docs(rules, args.out)
    print(f"已写出 {len(written)} 个页面到 {args.out}")
    return 0


def _add_config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, metavar="文件",
                   help="配置文件（默认：./audit.toml，其次 ./pyproject.toml 的 [tool.audit]）")
    p.add_argument("--rules", action="append", default=None, metavar="路径",
                   help="本地规则包：YAML 文件、文件夹、Python 文件或模块（可重复）")


# -- normalise ---------------------------------------------------------------------------------

def cmd_normalise(args: argparse.Namespace) -> int:
    from audit.exporters import atomic
    from audit.ingest.batch import MissingPath, assign_ids, dumped_many, scan

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
    registry = load_registry(args)
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


# -- parser and entry point ----------------------------------------------------------------------

def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"不是数字：“{text}”") from None
    if n < 1:
        raise argparse.ArgumentTypeError("至少为 1")
    return n


def _selectors(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _extend(ns_list: list[list[str]] | None) -> list[str] | None:
    return [s for group in ns_list for s in group] if ns_list else None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="audit", description="审核政府信息公开工作年度报告：读取报告，逐条核对，评分并导出结果。")
    parser.add_argument("-V", "--version", action="version", version=f"audit {audit.__version__}",
                        help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", required=True)

    run = sub.add_parser("run", help="审核报告文件，写出问题清单和评分表")
    run.add_argument("paths", nargs="*", metavar="路径",
                     help="报告文件或文件夹（默认：当前目录下的 ./reports 文件夹，没有时为自带的示例报告）")
    run.add_argument("--out", default="out", metavar="文件夹", help="输出文件夹（默认：out/）")
    run.add_argument("--format", default="table", metavar="格式",
                     help="在屏幕上输出什么：一种输出格式的名称，如 table（默认，摘要表）、json、csv、xlsx、html、sarif；"
                          "每种格式的文件都会写入 --out 文件夹")
    run.add_argument("--select", type=_selectors, action="append", metavar="规则",
                     help="只运行这些规则：规则编号、编号前缀、规则包、类别或级别，用逗号分隔")
    run.add_argument("--ignore", type=_selectors, action="append", metavar="规则", help="不运行这些规则")
    run.add_argument("--fail-on", choices=FAIL_ON, default=None,
                     help="仍有该级别或更严重的未豁免问题时，以退出码 1 结束")
    run.add_argument("--jobs", type=_jobs, default=None, metavar="数量", help="读取报告的进程数（默认：全部处理器核心）")
    run.add_argument("--quiet", action="store_true", help="只输出错误")
    _add_config_options(run)
    run.add_argument("--waivers", default=None, metavar="文件", help="豁免清单（YAML 文件）")
    run.add_argument("--no-waivers", action="store_true", help="不使用豁免：显示未豁免时的结果")
    run.add_argument("--baseline", default=None, metavar="文件",
                     help="上次运行的 findings.json：标出每条问题是新增还是以前已有")
    run.add_argument("--only-new", action="store_true", help="与 --baseline 一起使用：只保留新增的问题")
    run.add_argument("--units", default=None, metavar="文件",
                     help="单位名单（CSV 或 XLSX，表头：单位名称、地区、层级、上级单位、类型）：列出未提交的单位，按地区汇总")
    run.add_argument("--rubric", default=None, metavar="文件",
                     help="本地考核细则（TOML）：按细则生成各单位扣分明细（写入 scorecard.xlsx 和 report.html）")
    run.add_argument("--allow-broken-packs", action="store_true",
                     help="规则包加载失败时仍继续运行（其规则不运行，摘要中说明）；不加此选项时，"
                          "这样的运行在读取任何报告之前以退出码 2 结束")
    run.set_defaults(func=cmd_run)

    norm = sub.add_parser("normalise", help="把每份报告写成规范化的 JSON")
    norm.add_argument("paths", nargs="+", metavar="路径", help="报告文件或文件夹")
    norm.add_argument("--out", default="out/normalised", metavar="文件夹", help="输出文件夹（默认：out/normalised）")
    norm.add_argument("--jobs", type=_jobs, default=None, metavar="数量", help="读取报告的进程数（默认：全部处理器核心）")
    norm.add_argument("--quiet", action="store_true", help="只输出错误")
    norm.set_defaults(func=cmd_normalise)

    rules = sub.add_parser("rules", help="列出全部规则（或说明其中一条）")
    rules.add_argument("rule_id", nargs="?", metavar="规则编号", help="规则编号：给出时显示这条规则的完整说明和示例")
    _add_config_options(rules)
    rules.set_defaults(func=cmd_rules)

    keys = sub.add_parser("keys", help="列出表格、行、列的标准键名及其在报告中的印刷名称（按表格版本）")
    keys.add_argument("--edition", choices=("2019", "2021"), default=None, help="只列出这一版本（默认：两个版本）")
    keys.set_defaults(func=cmd_keys)

    conf = sub.add_parser("config", help="显示生效的配置及每项的来源")
    _add_config_options(conf)
    conf.set_defaults(func=cmd_config)

    docs = sub.add_parser("docs", help="为每条规则写一页 Markdown 说明和一个索引")
    docs.add_argument("--out", default="out/docs", metavar="文件夹", help="输出文件夹（默认：out/docs）")
    _add_config_options(docs)
    docs.set_defaults(func=cmd_docs)

    schema = sub.add_parser("schema", help="输出规范化报告的 JSON Schema")
    schema.set_defaults(func=cmd_schema)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM (timeout, CI cancellation, systemd): handled exactly like Ctrl-C."""


_SIGNALLED: list[int] = []  # signals received this run, even if a library swallowed the interrupt


def _on_signal(signum: int, frame: Any) -> None:
    _SIGNALLED.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def _install_signal_handlers() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    _SIGNALLED.clear()
    return {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}


def raise_if_signalled() -> None:
    """Raise the interrupt again if a signal arrived and was swallowed (e.g. inside an at-fork
    handler): a run that was asked to stop never commits its outputs."""
    if _SIGNALLED:
        raise Terminated() if _SIGNALLED[-1] == signal.SIGTERM else KeyboardInterrupt()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``audit`` console script; returns the exit code (130 after Ctrl-C,
    143 after SIGTERM: both stop the readers, remove the staged outputs and keep the old ones)."""
    previous = _install_signal_handlers()
    try:
        return _main(argv)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _main(argv: Sequence[str] | None) -> int:
    try:
        with argparse_zh.chinese():
            parser = build_parser()
            args = parser.parse_args(argv)
        for name in ("select", "ignore"):
            if hasattr(args, name):
                setattr(args, name, _extend(getattr(args, name)))
        return int(args.func(args))
    except UsageError as exc:
        _say(f"错误：{exc}")
        return 2
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KeyboardInterrupt as exc:
        from audit.ingest.batch import stop_all_workers

        stop_all_workers()
        if isinstance(exc, Terminated):
            _say("已终止（SIGTERM），未写出任何输出")
            return 128 + signal.SIGTERM
        _say("已中断，未写出任何输出")
        return 130
