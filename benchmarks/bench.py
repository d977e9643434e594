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
import codecs
import cProfile
import dataclasses
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

TARGETS = {  # DESIGN.md "Performance" (seconds)
    ("run", 10_000): 20.0,
    ("run", 100_000): 180.0,
    ("rules", 100_000): 5.0,
}
MEMORY_TARGET_GB = 4.0


# ---------------------------------------------------------------------------------------------
# Measuring a process tree


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_kb(pid: int) -> int:
    """Proportional set size (PSS) of ``pid`` in KiB: a page shared by k processes counts 1/k in
    each, so forked processes (reader workers, the background XLSX writer) are not counted twice;
    RSS where the kernel has no ``smaps_rollup``."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(root: int) -> int:
    """Summed memory (PSS) of ``root`` and all its descendants, in KiB."""
    kids = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(kids.get(pid, ()))
    return total


@dataclass
class Measured:
    seconds: float
    peak_tree_kb: int
    max_single_kb: int
    returncode: int
    stdout: str = ""
    stderr: str = ""


_WRAPPER = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:])\n"
            "sys.stderr.write('\\n@@maxrss %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.exit(p.returncode)\n")


def measure(cmd: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd``; wall time, peak summed RSS of its process tree, largest single process RSS."""
    peak = 0
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            done.wait(0.1)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    th.join()
    single = 0
    for line in err.splitlines():
        if line.startswith("@@maxrss "):
            single = int(line.split()[1])
    err = "\n".join(line for line in err.splitlines() if not line.startswith("@@maxrss "))
    return Measured(seconds, peak, single, proc.returncode, out, err)


# The parent process of ``audit run`` under cProfile. Reader workers are started with "spawn" so they
# do not inherit the profiler (with "fork" they would, and every worker would run several times slower).
_PROFILED_RUN = ("import cProfile, multiprocessing, sys\n"
                 "multiprocessing.set_start_method('spawn')\n"
                 "from audit.cli import main\n"
                 "prof = cProfile.Profile()\n"
                 "rc = prof.runcall(main, sys.argv[2:])\n"
                 "prof.dump_stats(sys.argv[1])\n"
                 "sys.exit(rc)\n")


# ---------------------------------------------------------------------------------------------
# The floor: what any tool must spend to look at every line of every file once


_FLOOR_PATTERN = re.compile(r"\d+")


def _floor_decode(data: bytes) -> str:
    """Bytes to text as cheaply as the corpus allows: a BOM, else UTF-8, else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


def _floor_chunk(paths: list[str]) -> int:
    numbers = 0
    for p in paths:
        with open(p, "rb") as fh:
            text = _floor_decode(fh.read())
        for line in text.splitlines():
            numbers += len(_FLOOR_PATTERN.findall(line))
    return numbers


def floor_stage(rawdir: str) -> dict[str, float | int]:
    """Read + decode every file + one regex pass per line, on every core (as ``audit run`` uses)."""
    from concurrent.futures import ProcessPoolExecutor

    t0 = time.perf_counter()
    files = sorted(str(p) for p in Path(rawdir).glob("*.txt"))  # what the generator writes
    workers = os.cpu_count() or 1
    size = max(1, min(64, len(files) // (workers * 8) or 1))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        numbers = sum(pool.map(_floor_chunk, chunks))
    return {"files": len(files), "numbers": numbers, "workers": workers, "seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------------------------------------
# The naive way, for comparison: one small pandera-checked frame per report


def pandera_per_report_stage(normdir: str) -> dict[str, float | int]:
    """Validate each normalised report on its own: its cells as a frame per table, a pandera schema
    holding the catalogue's four identities (what a per-report tool does), timed over the folder."""
    import pandas as pd
    import pandera.pandas as pa

    from audit.contracts import catalogue as cat

    def identity_check(ident) -> pa.Check:  # noqa: ANN001 - catalogue Identity
        def holds(wide: pd.DataFrame) -> bool:
            frame = wide if ident.across == "columns" else wide.T
            lhs = frame.reindex(columns=list(ident.lhs)).sum(axis=1, min_count=1)
            rhs = frame.reindex(columns=list(ident.rhs)).sum(axis=1, min_count=1)
            both = lhs.notna() & rhs.notna()
            return bool((lhs[both] == rhs[both]).all())
        return pa.Check(holds, name=ident.id)

    schemas = {t: pa.DataFrameSchema(checks=[identity_check(i) for i in cat.load().identities_of(t)])
               for t in ("requests", "appeals")}
    t0 = time.perf_counter()
    failed = 0
    files = sorted(Path(normdir).glob("*.json"))
    for p in files:
        rep = json.loads(p.read_bytes())
        cells = pd.DataFrame(rep["cells"], columns=["table", "row", "col", "value", "raw"])
        for table, schema in schemas.items():
            wide = cells[cells["table"] == table].pivot_table(index="row", columns="col", values="value",
                                                               aggfunc="first")
            try:
                schema.validate(wide, lazy=True)
            except pa.errors.SchemaErrors:
                failed += 1
    return {"reports": len(files), "failed_checks": failed, "seconds": time.perf_counter() - t0}


# ---------------------------------------------------------------------------------------------
# The rules-alone stage (run in its own process by ``--stage rules``)


def rules_stage(normdir: str) -> dict[str, float | int]:
    """Read normalised JSON, load the corpus, run every built-in rule; time each step."""
    from audit.corpus import loader
    from audit.packs import engine, plugins

    t0 = time.perf_counter()
    files = sorted(Path(normdir).glob("*.json"))
    read = 0.0

    def reports():  # streamed, as the CLI does: 100,000 report dicts never sit in memory at once
        nonlocal read
        for p in files:
            s = time.perf_counter()
            rep = json.loads(p.read_bytes())
            read += time.perf_counter() - s
            yield rep

    corpus = loader.load(reports())
    t2 = time.perf_counter()
    t1 = t0 + read
    registry = plugins.load_registry()
    per_rule: dict[str, float] = {}

    def timed(rule_id: str, check):  # noqa: ANN001, ANN202 - wraps a rule's check to time it
        def run(c):  # noqa: ANN001, ANN202
            s = time.perf_counter()
            try:
                return check(c)
            finally:
                per_rule[rule_id] = per_rule.get(rule_id, 0.0) + time.perf_counter() - s
        return run

    rules = [dataclasses.replace(r, check=timed(r.id, r.check)) for r in engine.with_core_rules(registry.rules)]
    t3 = time.perf_counter()
    findings, errors = engine.run_rules(corpus, rules)
    t4 = time.perf_counter()
    slowest = sorted(per_rule.items(), key=lambda kv: -kv[1])[:8]
    return {"reports": len(corpus), "read_json": t1 - t0, "load": t2 - t1, "plugins": t3 - t2, "rules": t4 - t3,
            "n_rules": len(rules), "findings": len(findings), "rule_errors": len(errors),
            "pack_errors": len(registry.errors), "slowest": slowest}


# ---------------------------------------------------------------------------------------------
# Profiles


def _top(stats_file: str, *, sort: str, limit: int, only_audit: bool) -> list[tuple[str, float, float, int]]:
    st = pstats.Stats(stats_file, stream=io.StringIO())
    rows = []
    for (fname, line, func), (_cc, nc, tt, ct, _callers) in st.stats.items():  # type: ignore[attr-defined]
        if only_audit and "audit" not in fname and "benchmarks" not in fname:
            continue
        short = fname.split("site-packages/")[-1].split("/src/")[-1].split("/main/")[-1]
        rows.append((f"{short}:{line}({func})", tt, ct, nc))
    key = 2 if sort == "cumulative" else 1
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:limit]


def profile_reader_sample(rawdir: Path, n: int, out_file: str) -> float:
    """cProfile the reader over ``n`` raw files in this process (no pool); returns seconds."""
    from audit.ingest import batch

    files = sorted(rawdir.glob("*.txt"))[:n]
    ids = batch.assign_ids(files)
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    for f, i in zip(files, ids, strict=True):
        batch.normalise_one(str(f), i)
    prof.disable()
    dt = time.perf_counter() - t0
    prof.dump_stats(out_file)
    return dt


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
        pm = measure([sys.executable, "-c", _PROFILED_RUN, prof_file, "run", str(raw),
                      "--out", str(work / f"outprof{n}"), "--quiet"])
        if pm.returncode == 0 and Path(prof_file).exists():
            res.profiles.append((f"`audit run` on {n:,} reports, parent process, by cumulative time "
                                 f"({pm.seconds:.1f} s under cProfile; reader workers are separate processes)",
                                 _top(prof_file, sort="cumulative", limit=25, only_audit=True)))
        sample = min(n, 200)
        reader_prof = str(work / "reader.prof")
        dt = profile_reader_sample(raw, sample, reader_prof)
        res.profiles.append((f"reader on {sample} raw reports in one process, by own time ({dt:.1f} s under "
                             f"cProfile, {sample / dt:.0f} reports/s)",
                             _top(reader_prof, sort="tottime", limit=20, only_audit=False)))


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
