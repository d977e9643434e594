"""Time the pipeline on generated corpora and write ``benchmarks/RESULTS.md`` (run by ``nox -s bench``).

Stages, per corpus size N (generated into a temporary folder, never committed):

1. ``audit normalise`` (subprocess): raw files → one JSON per report; reports/s and peak memory;
2. rules alone (subprocess, so its memory is its own): read the normalised JSON, ``audit.corpus.loader.load``,
   then the engine over every built-in rule; the three steps are timed separately;
3. ``audit run`` end to end (subprocess): raw files → findings.json, scorecard.csv/xlsx;
4. the machine's floor in the same run (subprocess): read and decode every raw file and run one
   regex pass per line, on all cores; ``audit run``'s time is printed as a multiple of it;
5. ``audit run`` over the normalised JSON of stage 1 (a corpus read once, audited again).

Peak memory is the peak of the summed PSS of the whole process tree (the CLI, its reader worker
processes and the background XLSX writer; PSS counts a page shared after ``fork`` once), sampled
from ``/proc`` every 100 ms, plus the largest single process
(``getrusage(RUSAGE_CHILDREN)`` of a wrapper). One run of 10,000 reports (or the largest N below
that) is also profiled with cProfile: the parent process of ``audit run`` and, separately, the
reader on a sample in one process, so the hotspots of both sides are visible.

Usage: ``python benchmarks/bench.py [--n 1000 10000] [--big] [--no-profile] [--results FILE]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402
from stages import (  # noqa: E402
    PROFILED_RUN,
    floor_stage,
    pandera_per_report_stage,
    profile_reader_sample,
    rules_stage,
    top_functions,
)
from tree_memory import measure  # noqa: E402

TARGETS = {  # DESIGN.md "Performance" (seconds)
    ("run", 10_000): 20.0,
    ("run", 100_000): 180.0,
    ("rules", 100_000): 5.0,
}
MEMORY_TARGET_GB = 4.0


# ---------------------------------------------------------------------------------------------
# Orchestration and the Markdown report


@dataclass
class Row:
    n: int
    stage: str
    seconds: float
    peak_tree_kb: int = 0
    max_single_kb: int = 0
    note: str = ""

    @property
    def rate(self) -> float:
        return self.n / self.seconds if self.seconds > 0 else float("inf")


@dataclass
class Results:
    rows: list[Row] = field(default_factory=list)
    rule_detail: dict[int, dict[str, float | int]] = field(default_factory=dict)
    profiles: list[tuple[str, list[tuple[str, float, float, int]]]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    floor: dict[int, tuple[float, float, int]] = field(default_factory=dict)  # n -> (floor s, run s, run PSS kB)


def machine() -> dict[str, str]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    try:
        avail = len(os.sched_getaffinity(0))
    except AttributeError:
        avail = os.cpu_count() or 0
    return {"cpu": cpu, "nproc": str(avail), "memory": mem, "python": platform.python_version(),
            "platform": platform.platform()}


def _gb(kb: int) -> str:
    return f"{kb / 1024 / 1024:.2f} GB" if kb else "–"


def _verdict(stage: str, n: int, seconds: float, peak_kb: int) -> str:
    target = TARGETS.get((stage, n))
    if target is None:
        return ""
    ok = seconds < target and (stage != "run" or n < 100_000 or peak_kb < MEMORY_TARGET_GB * 1024 * 1024)
    return f"{'meets' if ok else 'MISSES'} target < {target:g} s" + (" and < 4 GB" if (stage, n) == ("run", 100_000) else "")


def markdown(res: Results, info: dict[str, str], started: str) -> str:
    out = ["# Benchmark results", "",
           "Written by `benchmarks/bench.py` (`nox -s bench`). Corpus: `benchmarks/generate.py` (seed 0): raw text",
           "reports in five layouts and four encodings, ~15% with injected defects. Never edit by hand.", "",
           f"- date: {started}", f"- machine: {info['cpu']}, {info['nproc']} cores available, {info['memory']} RAM",
           f"- python {info['python']} on {info['platform']}", "",
           "| N | stage | seconds | reports/s | peak memory (process tree, PSS) | largest process (RSS) | notes |",
           "|---:|---|---:|---:|---:|---:|---|"]
    for r in res.rows:
        verdict = _verdict("run" if r.stage == "audit run (end to end)" else "rules" if r.stage == "rules (engine only)"
                           else "", r.n, r.seconds, r.peak_tree_kb)
        note = "; ".join(x for x in (r.note, verdict) if x)
        out.append(f"| {r.n:,} | {r.stage} | {r.seconds:.2f} | {r.rate:,.0f} | {_gb(r.peak_tree_kb)} | "
                   f"{_gb(r.max_single_kb)} | {note} |")
    if res.floor:
        out += ["", "## `audit run` against the machine's floor", "",
                "The floor: read and decode every raw file and run one regex pass per line, on all cores,",
                "measured in the same run (a process of its own, like `audit run`).", "",
                "| N | floor s | audit run s | audit run / floor | audit run peak memory (process tree, PSS) |",
                "|---:|---:|---:|---:|---:|"]
        for n, (floor_s, run_s, run_kb) in sorted(res.floor.items()):
            out.append(f"| {n:,} | {floor_s:.2f} | {run_s:.2f} | {run_s / floor_s:.1f}× | {_gb(run_kb)} |")
    if res.rule_detail:
        out += ["", "## Rules alone, step by step", "",
                "| N | read JSON s | loader.load s | plugins s | engine s | rules | findings | rule errors | pack load errors |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for n, d in sorted(res.rule_detail.items()):
            out.append(f"| {n:,} | {d['read_json']:.2f} | {d['load']:.2f} | {d['plugins']:.2f} | {d['rules']:.2f} | "
                       f"{d['n_rules']} | {d['findings']:,} | {d['rule_errors']} | {d['pack_errors']} |")
        for n, d in sorted(res.rule_detail.items()):
            slow = ", ".join(f"`{rid}` {sec:.2f} s" for rid, sec in d.get("slowest") or [])
            if slow:
                out.append(f"\nSlowest rules at N={n:,}: {slow}.")
    for title, top in res.profiles:
        out += ["", f"## Hotspots: {title}", "", "| function | own s | cumulative s | calls |", "|---|---:|---:|---:|"]
        for name, tt, ct, nc in top:
            out.append(f"| `{name}` | {tt:.2f} | {ct:.2f} | {nc:,} |")
    if res.problems:
        out += ["", "## Problems seen during the run", ""] + [f"- {p}" for p in res.problems]
    return "\n".join(out) + "\n"


def bench_one(n: int, work: Path, res: Results, *, profile: bool) -> None:
    raw, norm, out = work / f"raw{n}", work / f"norm{n}", work / f"out{n}"
    t0 = time.perf_counter()
    generate.write_corpus(n, raw, seed=0)
    res.rows.append(Row(n, "generate (not part of the tool)", time.perf_counter() - t0))
    audit_cmd = [sys.executable, "-m", "audit"]

    m = measure([*audit_cmd, "normalise", str(raw), "--out", str(norm), "--quiet"])
    res.rows.append(Row(n, "audit normalise", m.seconds, m.peak_tree_kb, m.max_single_kb,
                        "" if m.returncode == 0 else f"exit {m.returncode}"))
    if m.returncode != 0:
        res.problems.append(f"N={n} normalise: exit {m.returncode}: {m.stderr.strip()[-500:]}")

    m = measure([sys.executable, str(Path(__file__).resolve()), "--stage", "rules", str(norm)])
    if m.returncode == 0:
        d = json.loads(m.stdout.strip().splitlines()[-1])
        res.rule_detail[n] = d
        res.rows.append(Row(n, "load normalised JSON + loader.load", d["read_json"] + d["load"], m.peak_tree_kb))
        res.rows.append(Row(n, "rules (engine only)", d["rules"], 0, 0, f"{d['n_rules']} rules"))
    else:
        res.problems.append(f"N={n} rules stage: exit {m.returncode}: {m.stderr.strip()[-500:]}")

    prof_file = str(work / f"run{n}.prof")
    cmd = [*audit_cmd, "run", str(raw), "--out", str(out), "--quiet"]
    m = measure(cmd)
    run_row = Row(n, "audit run (end to end)", m.seconds, m.peak_tree_kb, m.max_single_kb,
                  "" if m.returncode == 0 else f"exit {m.returncode}")
    res.rows.append(run_row)
    if m.returncode != 0:
        res.problems.append(f"N={n} run: exit {m.returncode}: {m.stderr.strip()[-500:]}")
    else:
        try:
            meta = json.loads((out / "findings.json").read_text(encoding="utf-8"))["run"]
            if meta.get("report_count") != n:
                res.problems.append(f"N={n} run: findings.json counts {meta.get('report_count')} reports, not {n}")
            if meta.get("rule_errors") or meta.get("pack_load_errors"):
                res.problems.append(f"N={n} run: {len(meta.get('rule_errors') or [])} rule error(s), "
                                    f"{len(meta.get('pack_load_errors') or [])} pack load error(s) "
                                    f"(e.g. {(meta.get('rule_errors') or meta.get('pack_load_errors'))[0]})"[:600])
        except (OSError, ValueError, KeyError) as exc:
            res.problems.append(f"N={n} run: cannot read findings.json: {exc}")
    fm = measure([sys.executable, str(Path(__file__).resolve()), "--stage", "floor", str(raw)])
    if fm.returncode == 0:
        res.rows.append(Row(n, "floor: read + decode + one regex per line (all cores)", fm.seconds, fm.peak_tree_kb,
                            fm.max_single_kb))
        if m.returncode == 0:
            res.floor[n] = (fm.seconds, m.seconds, m.peak_tree_kb)
            run_row.note = "; ".join(x for x in (run_row.note, f"{m.seconds / fm.seconds:.1f}× the floor") if x)
            print(f"bench: N={n:,}: audit run {m.seconds:.2f} s = {m.seconds / fm.seconds:.1f}× the floor "
                  f"({fm.seconds:.2f} s), peak PSS of the tree {_gb(m.peak_tree_kb)}", file=sys.stderr, flush=True)
    else:
        res.problems.append(f"N={n} floor: exit {fm.returncode}: {fm.stderr.strip()[-500:]}")

    jm = measure([*audit_cmd, "run", str(norm), "--out", str(work / f"outjson{n}"), "--quiet"])
    res.rows.append(Row(n, "audit run over the normalised JSON", jm.seconds, jm.peak_tree_kb, jm.max_single_kb,
                        "" if jm.returncode == 0 else f"exit {jm.returncode}"))
    if jm.returncode != 0:
        res.problems.append(f"N={n} run over JSON: exit {jm.returncode}: {jm.stderr.strip()[-500:]}")
    if n <= 10_000:  # the per-report way is slow: compare where it finishes in minutes
        pv = measure([sys.executable, str(Path(__file__).resolve()), "--stage", "pandera", str(norm)])
        if pv.returncode == 0:
            d = json.loads(pv.stdout.strip().splitlines()[-1])
            ratio = f"{d['seconds'] / jm.seconds:.1f}× the time of `audit run` over the JSON" if jm.returncode == 0 else ""
            res.rows.append(Row(n, "pandera per report (4 identities, one frame per table), not the tool",
                                d["seconds"], pv.peak_tree_kb, pv.max_single_kb, ratio))
        else:
            res.problems.append(f"N={n} pandera per report: exit {pv.returncode}: {pv.stderr.strip()[-500:]}")
    if profile:
        pm = measure([sys.executable, "-c", PROFILED_RUN, prof_file, "run", str(raw),
                      "--out", str(work / f"outprof{n}"), "--quiet"])
        if pm.returncode == 0 and Path(prof_file).exists():
            res.profiles.append((f"`audit run` on {n:,} reports, parent process, by cumulative time "
                                 f"({pm.seconds:.1f} s under cProfile; reader workers are separate processes)",
                                 top_functions(prof_file, sort="cumulative", limit=25, only_audit=True)))
        sample = min(n, 200)
        reader_prof = str(work / "reader.prof")
        dt = profile_reader_sample(raw, sample, reader_prof)
        res.profiles.append((f"reader on {sample} raw reports in one process, by own time ({dt:.1f} s under "
                             f"cProfile, {sample / dt:.0f} reports/s)",
                             top_functions(reader_prof, sort="tottime", limit=20, only_audit=False)))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Benchmark audit on generated corpora.")
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 10000], help="corpus sizes (default: 1000 10000)")
    ap.add_argument("--big", action="store_true", help="also run 100,000 reports")
    ap.add_argument("--no-profile", action="store_true", help="skip the cProfile runs")
    ap.add_argument("--results", default=str(HERE / "RESULTS.md"), help="Markdown file to write")
    ap.add_argument("--keep", metavar="DIR", help="generate into DIR and keep it (default: a temporary folder)")
    ap.add_argument("--stage", help=argparse.SUPPRESS)
    ap.add_argument("stage_arg", nargs="?", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.stage == "rules":
        print(json.dumps(rules_stage(args.stage_arg)))
        return 0
    if args.stage == "floor":
        print(json.dumps(floor_stage(args.stage_arg)))
        return 0
    if args.stage == "pandera":
        print(json.dumps(pandera_per_report_stage(args.stage_arg)))
        return 0

    sizes = sorted(set(args.n + ([100_000] if args.big else [])))
    prof_n = 10_000 if 10_000 in sizes else max((s for s in sizes if s <= 10_000), default=sizes[0])
    started = datetime.now(UTC).isoformat(timespec="seconds")
    res = Results()
    with tempfile.TemporaryDirectory(prefix="audit-bench-") as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for n in sizes:
            print(f"bench: N={n:,} ...", file=sys.stderr, flush=True)
            bench_one(n, work, res, profile=not args.no_profile and n == prof_n)
    text = markdown(res, machine(), started)
    Path(args.results).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
