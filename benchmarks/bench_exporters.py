"""Time each exporter of ``audit.exporters.write_outputs`` on N reports (issue 6: 100,000 reports).

Why tiling: running the whole pipeline over 100,000 reports takes minutes and mostly times the
readers. Instead a small generated corpus (``--base`` reports, default 2,000) goes once through
``audit run`` in this process, the findings and scorecard frames handed to ``write_outputs`` are
captured, and copies of them with new report ids (``t0001-<id>``) are stacked up to N reports.
The captured frames are cached in the temporary folder, keyed by ``--base`` and ``--seed``.

Every file is written into a temporary folder that is removed afterwards; nothing lands in the
repository. Prints wall-clock and CPU seconds per exporter (best of ``--repeat`` runs) and the
output sizes.

Usage: ``python benchmarks/bench_exporters.py N [N ...] [--base 2000] [--only html,xlsx]
[--repeat 1] [--profile html]``.
"""

from __future__ import annotations

import argparse
import cProfile
import pickle
import pstats
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

HERE = Path(__file__).resolve().parent
CACHE = Path(tempfile.gettempdir()) / "audit-bench-exporters"
STEPS = ("conform", "json", "csv", "scorecard-csv", "xlsx", "html", "sarif")  # "conform", then the output formats


def _capture(base: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Findings, scorecard and meta of ``audit run`` over ``base`` generated reports (cached)."""
    cached = CACHE / f"frames-v2-{base}-{seed}.pkl"
    if cached.exists():
        return pickle.loads(cached.read_bytes())
    import audit.exporters
    from audit import cli

    raw = CACHE / f"raw-{base}-{seed}"
    if not raw.exists():
        subprocess.run([sys.executable, str(HERE / "generate.py"), str(base), str(raw), "--seed", str(seed)],
                       check=True, stdout=subprocess.DEVNULL)
    got: list[Any] = []
    original = audit.exporters.write_outputs
    audit.exporters.write_outputs = lambda out, f, card, rules, meta, **_: got.append((f, card, dict(meta))) or []
    try:
        with tempfile.TemporaryDirectory() as out:
            cli.main(["run", str(raw), "--out", out, "--quiet"])
    finally:
        audit.exporters.write_outputs = original
    frames = got[0]
    cached.write_bytes(pickle.dumps(frames))
    return frames


def _rules() -> list[Any]:
    from audit.packs import engine, plugins

    return engine.with_core_rules(plugins.load_registry().rules)


def tile(findings: pd.DataFrame, scorecard: pd.DataFrame, n: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` reports made of copies of ``scorecard`` (new ids), with their findings."""
    copies = -(-n // len(scorecard))
    cards, finds = [], []
    for k in range(copies):
        prefix = f"t{k:04d}-"
        cards.append(scorecard.assign(report_id=prefix + scorecard["report_id"].astype(str)))
        finds.append(findings.assign(report_id=prefix + findings["report_id"].astype(str)))
    card = pd.concat(cards, ignore_index=True).head(n)
    f = pd.concat(finds, ignore_index=True)
    f = f[f["report_id"].isin(set(card["report_id"]))].reset_index(drop=True)
    card["rank"] = card["score"].rank(method="min", ascending=False).astype("int64")
    return f, card


def _steps(out: Path, f: pd.DataFrame, card: pd.DataFrame, rules: list[Any],
           meta: dict[str, Any]) -> dict[str, Callable[[], Any]]:
    """One step per registered output format (as ``write_outputs`` calls it), and ``conform``."""
    from audit.exporters import registered_exporters
    from audit.exporters.jsonout import conform
    from audit.packs.extensions import Outputs

    outputs = Outputs(findings=conform(f), scorecard=card, rules=rules, meta=meta)
    steps: dict[str, Callable[[], Any]] = {"conform": lambda: conform(f)}
    for e in registered_exporters():
        if e.filename and e.write:
            steps[e.name] = lambda e=e: e.write(out / e.filename, outputs)
    return steps


def _best(fn: Callable[[], Any], repeat: int) -> tuple[float, float]:
    """Best wall and CPU seconds over ``repeat`` runs (CPU time is steadier on a shared machine)."""
    times = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(t for t, _ in times), min(c for _, c in times)


def bench(n: int, args: argparse.Namespace) -> None:
    f0, card0, meta = _capture(args.base, args.seed)
    f, card = tile(f0, card0, n)
    rules = _rules()
    only = args.only.split(",") if args.only else list(STEPS)
    print(f"N = {n:,} reports, {len(f):,} findings")
    total = cpu_total = 0.0
    print(f"  {'step':<14} {'wall s':>8} {'cpu s':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        steps = _steps(out, f, card, rules, meta)
        for name in only:
            if name == args.profile:
                prof = cProfile.Profile()
                prof.runcall(steps[name])
                pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            wall, cpu = _best(steps[name], args.repeat)
            total, cpu_total = total + wall, cpu_total + cpu
            print(f"  {name:<14} {wall:8.2f} {cpu:8.2f}")
        print(f"  {'total':<14} {total:8.2f} {cpu_total:8.2f}")
        for p in sorted(out.iterdir()):
            print(f"  {p.name:<14} {p.stat().st_size / 1e6:8.1f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="+", help="report counts to time")
    parser.add_argument("--base", type=int, default=2000, help="generated reports run through the pipeline")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help=f"comma-separated subset of {','.join(STEPS)}")
    parser.add_argument("--repeat", type=int, default=1, help="runs per step; the best is printed")
    parser.add_argument("--profile", default="", help="print a cProfile of this step first")
    args = parser.parse_args(argv)
    CACHE.mkdir(exist_ok=True)
    for n in args.n:
        bench(n, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
