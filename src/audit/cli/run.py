"""``audit run``: check everything that can be wrong before a report is read, read the reports in
worker processes into the corpus, run the rules, filter and score the findings, write the outputs
(staged, committed only when the run was not interrupted) and print what ``--format`` asked for.

Exit code 1 only when ``--fail-on`` is tripped by a non-waived finding of that severity or worse.
"""

from __future__ import annotations

import argparse
import errno
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import audit
from audit import heap
from audit.cli.common import UsageError, _say, pack_registry, run_config
from audit.cli.signals import raise_if_signalled
from audit.packs.extensions import Exporter, FindingFilter, Outputs

if TYPE_CHECKING:  # pandas, pandera and the engine load when a run starts, not for ``audit --help``
    import pandas as pd

    from audit.packs import engine, plugins


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
    from audit.contracts import findings as F
    from audit.packs import plugins

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



@dataclass
class RunPlan:
    """Everything ``audit run`` settled before reading a report: what to read, which rules, how to
    score, where to write and what to show."""

    args: argparse.Namespace
    files: list[Path]  # the report files found
    skipped: list[Any]  # files that are not reports (``audit.ingest.discovery.Skip``)
    given: list[Path]  # the paths as given (or the default inputs)
    origin: str  # "arguments", or the status line saying which default inputs were used
    started: str
    chosen: list[Any]  # the selected rules
    cfg: Any
    registry: plugins.Registry
    policy: Any
    outputs: Any  # the locked, staged output folder (``audit.exporters.outset.OutputSet``)
    exporter: Exporter


def cmd_run(args: argparse.Namespace) -> int:
    from audit.ingest.discovery import MissingPath, scan
    from audit.packs import engine, selection
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
        from audit.ingest.discovery import report_suffixes

        where = "、".join(str(p) for p in given)
        raise UsageError(f"在 {where} 中没有找到任何报告文件（可读取的扩展名："
                         f"{'、'.join(sorted(report_suffixes()))}）；请检查路径")

    from audit.packs import config

    registry = pack_registry(args)
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
        code = _audit(RunPlan(args, files, skipped, given, origin, started, chosen, cfg, registry, policy, outputs,
                              exporter))
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



def _audit(plan: RunPlan) -> int:
    """Read, check, score, write, show: the run after every check that needs no report."""
    from audit.corpus.ratios import RISK_VIEW, risk_ratios
    from audit.packs import engine

    corpus = _read_corpus(plan)
    heap.give_back(collect=False)  # the loader's batches (no cycles), before the rules build their views
    # The rules' views go before the findings frame is built, but the scorecard's risk ratios
    # (the ratio rules computed them from the same options; rebuilt after from the grids, they
    # would be the scoring's peak of memory at 100,000 reports).
    findings, rule_errors = engine.run_rules(corpus, plan.chosen, core=False, keep_views=(RISK_VIEW,))
    risk_ratios(corpus, corpus.options.get("min_cases"))
    heap.give_back()
    meta = _run_meta(plan, corpus, rule_errors)
    findings, scorecard = _score(plan, corpus, findings, meta)
    meta["finished"] = _now()
    # The outputs need only the reports frame: the cells, sections and the views the rules cached
    # (most of the memory at 100,000 reports) go before the writers fork.
    reports = corpus.reports
    del corpus
    heap.give_back()
    written = _write(plan, reports, findings, scorecard, meta)
    return _finish(plan, reports, findings, scorecard, meta, written, rule_errors)


def _read_corpus(plan: RunPlan) -> Any:
    """The corpus, read and packed by the workers and streamed into the loader (no report dict
    reaches this process), with the run's options for the rules."""
    from audit.corpus import loader
    from audit.ingest.batch import packed_many
    from audit.ingest.discovery import assign_ids
    from audit.packs import config

    args, cfg = plan.args, plan.cfg
    ids = assign_ids(plan.files)
    progress = False if args.quiet else None
    corpus = loader.load_batches(packed_many(plan.files, ids, jobs=args.jobs, progress=progress))
    corpus.options = {"deadline": config.deadline_for(cfg), "summary_deadline": config.deadline_for(cfg, "government"),
                      "units": getattr(args, "_units", None), **(cfg.get("check_thresholds") or {})}
    return corpus


def _run_meta(plan: RunPlan, corpus: Any, rule_errors: list[engine.RuleError]) -> dict[str, Any]:
    """What the outputs record about the run itself (inputs, rules, errors)."""
    from audit.ingest.safeio import shown

    cfg, skipped = plan.cfg, plan.skipped
    return {
        "tool": "audit",
        "tool_version": audit.__version__,
        "started": plan.started,
        "inputs": [shown(p) for p in plan.given],
        "inputs_origin": plan.origin,
        "input_count": len(plan.files),
        "skipped_files": [shown(s.path) for s in skipped],
        "skipped": [{"path": shown(s.path), "reason": s.reason} for s in skipped],
        "report_count": len(corpus),
        "rules_run": [r.id for r in plan.chosen],
        "select": cfg["select"],
        "ignore": cfg["ignore"],
        "config_file": str(cfg.file) if cfg.file else None,
        "rule_errors": [e.as_dict() for e in rule_errors],
        "pack_load_errors": [e.as_dict() for e in plan.registry.errors],
    }


def _score(plan: RunPlan, corpus: Any, findings: pd.DataFrame,
           meta: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Findings through the filters (waivers, baseline) and the policy; the scorecard with its
    roll-up, ratios and (``--rubric``) deductions. Adds the units and rubric entries to ``meta``."""
    from audit.scoring import policy as scoring
    from audit.scoring import rollup
    from audit.scoring.coverage import corpus_coverage
    from audit.scoring.ratios import add_ratios

    args, chosen, policy = plan.args, plan.chosen, plan.policy
    units = getattr(args, "_units", None)
    ctx = RunContext(args=args, corpus=corpus, rules=chosen, meta=meta)
    findings = scoring.apply_policy(filter_findings(findings, ctx, plan.registry.finding_filters), policy)
    scorecard = scoring.score(findings, corpus.reports, policy, corpus_coverage(corpus))
    scorecard = rollup.enrich(scorecard, corpus.reports, corpus.cells, units)
    scorecard = add_ratios(scorecard, corpus, corpus.options.get("min_cases"))
    meta["units_file"] = str(args.units) if args.units else None
    meta["missing_units"] = rollup.missing_records(units, corpus.reports["unit"])
    if getattr(args, "_rubric", None) is not None:
        meta.update(_rubric_meta(args._rubric, findings, corpus, scorecard, {r.id: r.title for r in chosen}))
    return findings, scorecard


def _write(plan: RunPlan, reports: pd.DataFrame, findings: pd.DataFrame, scorecard: pd.DataFrame,
           meta: dict[str, Any]) -> list[Path]:
    """Every output file, staged and then committed; not at all once a signal arrived."""
    from audit.exporters import write_outputs
    from audit.ingest.safeio import shown

    raise_if_signalled()
    try:
        staged = write_outputs(plan.outputs.staging, findings, scorecard, plan.chosen, meta,
                               reports=reports, exporters=plan.registry.exporters)
        raise_if_signalled()
        return plan.outputs.commit(staged)
    except OSError as exc:
        raise UsageError(f"无法写入输出文件夹 --out {shown(plan.args.out)}：{exc.strerror or exc}"
                         f"{'（磁盘已满）' if exc.errno == errno.ENOSPC else ''}；原有的输出文件未改动") from exc


def _finish(plan: RunPlan, reports: pd.DataFrame, findings: pd.DataFrame, scorecard: pd.DataFrame, meta: dict[str, Any],
            written: list[Path], rule_errors: list[engine.RuleError]) -> int:
    """What ``--format`` asked for, the errors and the summary line; the exit code (``--fail-on``)."""
    from audit.contracts import findings as F
    from audit.ingest.safeio import shown

    args, chosen, registry = plan.args, plan.chosen, plan.registry
    if not args.quiet:
        _print_result(plan.exporter, written, Outputs(findings, scorecard, chosen, meta, reports))
        _warn_errors(rule_errors, registry.errors, to_stdout=args.format == "table")
        _say(f"已审核 {len(reports)} 份报告，运行 {len(chosen)} 条规则，发现 {len(findings)} 条问题；"
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

