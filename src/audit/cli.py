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
        return [local], f"no PATH given: auditing ./reports ({local.resolve()})"
    packaged = resources.files("audit").joinpath("data/reports")
    return [Path(str(packaged))], f"no PATH given: auditing the sample reports shipped with audit ({packaged})"


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
    from audit.scoring.coverage import corpus_coverage

    ids = assign_ids(files)
    progress = False if args.quiet else None
    # Read and packed by the workers, streamed into the loader: no report dict reaches this process.
    corpus = loader.load_batches(packed_many(files, ids, jobs=args.jobs, progress=progress))
    corpus.options = {"deadline": config.deadline_for(cfg), "summary_deadline": config.deadline_for(cfg, "government")}
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
        _say(f"audited {len(corpus)} report(s) with {len(chosen)} rule(s); "
             f"{len(findings)} finding(s); wrote {', '.join(shown(p) for p in written)}")
    elif registry.errors:  # --allow-broken-packs: even --quiet says which rules did not run
        _warn_errors([], registry.errors, to_stdout=False)
    if args.fail_on and F.is_blocking(findings, args.fail_on).any():
        return 1
    return 0


def _exporter(registry: plugins.Registry, name: str) -> Exporter:
    """The output format ``--format`` names (a usage error, listing the formats, when none does)."""
    exporter = registry.exporter(name)
    if exporter is None:
        names = ", ".join(e.name for e in registry.exporters)
        raise UsageError(f"argument --format: 没有输出格式 {name!r}（可用：{names}）")
    return exporter


def _print_result(exporter: Exporter, written: list[Path], outputs: Any) -> None:
    """What ``--format`` asked for on stdout: the format's own view, its file's text, or its path."""
    if exporter.show is not None:
        print(exporter.show(outputs))
        return
    path = next((p for p in written if Path(p).name == exporter.filename), None)
    if path is None:
        _say(f"{exporter.filename} was not written")
    elif exporter.text:
        sys.stdout.write(Path(path).read_text(encoding="utf-8-sig"))
    else:
        print(path)


def _warn_errors(rule_errors: list[engine.RuleError], load_errors: list[plugins.LoadError], *,
                 to_stdout: bool) -> None:
    out = sys.stdout if to_stdout else sys.stderr
    if rule_errors:
        print(f"\n{len(rule_errors)} rule(s) crashed and were skipped (no report lost points for them):", file=out)
        for e in rule_errors:
            print(f"  {e.rule_id} [{e.pack}]: {e.error}", file=out)
    if load_errors:
        print(f"\n{len(load_errors)} rule pack problem(s); these rules did not run:", file=out)
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
    print(f"wrote {len(written)} page(s) into {args.out}")
    return 0


def _add_config_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--config", default=None, metavar="FILE",
                   help="configuration file (default: ./audit.toml, else [tool.audit] in ./pyproject.toml)")
    p.add_argument("--rules", action="append", default=None, metavar="PATH",
                   help="local rule pack: YAML file, folder, Python file or module (repeatable)")


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
        print(f"normalised {n} report(s) into {out}")
    return 0


# -- rules -------------------------------------------------------------------------------------

def cmd_rules(args: argparse.Namespace) -> int:
    registry = load_registry(args)
    rules = engine.with_core_rules(registry.rules)
    if args.rule_id:
        r = next((x for x in rules if x.id.casefold() == args.rule_id.casefold()), None)
        if r is None:
            near = [x.id for x in rules if selection.matches(x, args.rule_id)]
            hint = f"; rules matching it: {', '.join(near)}" if near else "; `audit rules` lists them"
            raise UsageError(f"no rule with id {args.rule_id!r}{hint}")
        print(describe_rule(r))
        return 0
    from tabulate import tabulate

    rows = [(r.id, r.pack, r.pack_version, r.category, r.severity, _num(r.points), r.title) for r in rules]
    print(tabulate(rows, headers=["id", "pack", "version", "category", "severity", "points", "title"]))
    if registry.errors:
        print(f"\n{len(registry.errors)} rule pack problem(s):")
        for e in registry.errors:
            print(f"  {e}")
    return 0


def describe_rule(r: Any) -> str:
    """A rule in full: metadata, description and its two examples as JSON patches."""
    def js(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, indent=2)

    return "\n".join([
        f"{r.id}  {r.title}",
        f"pack: {r.pack} {r.pack_version}".rstrip(),
        f"category: {r.category}   severity: {r.severity}   points: {_num(r.points)}",
        "",
        r.description.strip(),
        "",
        "failing example (report patch):",
        js(r.fail_example),
        "",
        "passing example (report patch):",
        js(r.pass_example),
    ])


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


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
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _selectors(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _extend(ns_list: list[list[str]] | None) -> list[str] | None:
    return [s for group in ns_list for s in group] if ns_list else None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="audit", description="Audit government information disclosure annual reports "
                                               "(政府信息公开工作年度报告).")
    parser.add_argument("--version", action="version", version=f"audit {audit.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    run = sub.add_parser("run", help="audit report files and write findings and a scorecard")
    run.add_argument("paths", nargs="*", metavar="PATH", help="report files or folders (default: the bundled reports)")
    run.add_argument("--out", default="out", metavar="DIR", help="output folder (default: out/)")
    run.add_argument("--format", default="table", metavar="FORMAT",
                     help="what to print on stdout: the name of an output format, e.g. table (default), json, "
                          "csv, xlsx, html, sarif; every format's file is written into --out")
    run.add_argument("--select", type=_selectors, action="append", metavar="RULES",
                     help="only these rules: ids, id prefixes, packs or categories, comma-separated")
    run.add_argument("--ignore", type=_selectors, action="append", metavar="RULES", help="skip these rules")
    run.add_argument("--fail-on", choices=FAIL_ON, default=None,
                     help="exit 1 when a non-waived finding of this severity or worse remains")
    run.add_argument("--jobs", type=_jobs, default=None, metavar="N", help="reader processes (default: all cores)")
    run.add_argument("--quiet", action="store_true", help="print nothing but errors")
    _add_config_options(run)
    run.add_argument("--waivers", default=None, metavar="FILE", help="waivers YAML file")
    run.add_argument("--no-waivers", action="store_true", help="ignore waivers: show the unwaived view")
    run.add_argument("--baseline", default=None, metavar="FILE",
                     help="findings.json of an earlier run: mark each finding new or known")
    run.add_argument("--only-new", action="store_true", help="with --baseline: keep only new findings")
    run.add_argument("--allow-broken-packs", action="store_true",
                     help="run on when a rule pack fails to load (its rules do not run; the summary says which); "
                          "without it such a run stops with exit 2 before reading any report")
    run.set_defaults(func=cmd_run)

    norm = sub.add_parser("normalise", help="write each report's normalised JSON")
    norm.add_argument("paths", nargs="+", metavar="PATH")
    norm.add_argument("--out", default="out/normalised", metavar="DIR", help="output folder (default: out/normalised)")
    norm.add_argument("--jobs", type=_jobs, default=None, metavar="N")
    norm.add_argument("--quiet", action="store_true")
    norm.set_defaults(func=cmd_normalise)

    rules = sub.add_parser("rules", help="list the rules (or describe one)")
    rules.add_argument("rule_id", nargs="?", metavar="ID")
    _add_config_options(rules)
    rules.set_defaults(func=cmd_rules)

    conf = sub.add_parser("config", help="print the effective configuration and where each value comes from")
    _add_config_options(conf)
    conf.set_defaults(func=cmd_config)

    docs = sub.add_parser("docs", help="write one Markdown page per rule and an index")
    docs.add_argument("--out", default="out/docs", metavar="DIR", help="output folder (default: out/docs)")
    _add_config_options(docs)
    docs.set_defaults(func=cmd_docs)

    schema = sub.add_parser("schema", help="print the normalised-report JSON Schema")
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
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        for name in ("select", "ignore"):
            if hasattr(args, name):
                setattr(args, name, _extend(getattr(args, name)))
        return int(args.func(args))
    except UsageError as exc:
        _say(f"error: {exc}")
        return 2
    except SystemExit as exc:  # --help / --version
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except KeyboardInterrupt as exc:
        if isinstance(exc, Terminated):
            _say("已终止（SIGTERM），未写出任何输出")
            return 128 + signal.SIGTERM
        _say("interrupted")
        return 130
