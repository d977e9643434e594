"""Rule evaluation alone over N reports, rule by rule (DESIGN.md: 100,000 reports under 5 s).

Parsing 100,000 raw files takes many minutes and is not what this measures, so the corpus is a
pickled ``audit.corpus.loader.Corpus`` (e.g. 10,000 generated reports) *tiled* up to N: each tile gets new
report ids (``t<k>_<id>``) and its units a per-tile suffix (``（第k组）``, in the unit field and in
the text), so a unit's consecutive years pair up within its tile exactly as in the original and
cross-report pairs stay as frequent as in a real corpus. With N equal to the corpus' size the
corpus is used as it is (no tiling, no renamed units). Nothing is written into the repository.

    python benchmarks/bench_rules.py 100000 --corpus /tmp/c10k.pkl [--repeat 3]
    python benchmarks/bench_rules.py 10000 --raw /tmp/g10k          # parse raw files first (slow)
    python benchmarks/bench_rules.py 10000 --raw /tmp/g10k --save /tmp/c10k.pkl  # ... and keep the Corpus

Prints the engine total (``engine.run_rules``: every rule plus stamping, validation and sorting),
each rule's seconds (the best of ``--repeat`` runs, each on a fresh corpus so shared views are
recomputed; the first rule to ask for a shared view pays for it), and the findings per rule.
Seconds are wall-clock, with CPU seconds in brackets: on a machine shared with other work the
CPU time is what the wall-clock time would be without the others.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import pickle
import sys
import time

import numpy as np
import pandas as pd


def load_base(args: argparse.Namespace):  # noqa: ANN201 - audit.corpus.loader.Corpus
    """The corpus to tile: a pickled Corpus, or raw report files parsed with the readers."""
    if args.corpus:
        with open(args.corpus, "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - a file the user built with this tool
    from audit.corpus import loader
    from audit.ingest.batch import assign_ids, discover, normalise_many

    files = discover([args.raw])
    return loader.load(normalise_many(files, assign_ids(files), progress=False))


def _tile_ids(ids: pd.Series, k: int) -> pd.Series:
    return f"t{k}_" + ids.astype(str)


def _rename_units(text: pd.Series, units: pd.Series, suffix: str) -> list[str]:
    """Each text with its report's unit name (when known) followed by the tile's suffix."""
    return [t.replace(u, u + suffix) if isinstance(u, str) and u else t
            for t, u in zip(text.tolist(), units.tolist(), strict=True)]


def tile(base, n: int):  # noqa: ANN001, ANN201 - Corpus in, Corpus out
    """``base`` repeated ``n // len(base)`` times with new report ids and per-tile unit names."""
    from audit.corpus.loader import Corpus

    k_tiles, rest = divmod(n, len(base))
    if k_tiles < 1 or rest:
        raise SystemExit(f"N must be a multiple of the base corpus size ({len(base):,})")
    rep, sec, cells, prob = base.reports, base.sections, base.cells, base.problems
    unit_of = pd.Series(rep["unit"].to_numpy(dtype=object), index=rep["report_id"].astype(str).to_numpy())
    sec_units = unit_of.reindex(sec["report_id"].astype(str).to_numpy())
    reports, sections, problems = [], [], []
    for k in range(k_tiles):
        suffix = f"（第{k + 1}组）"
        units = rep["unit"].astype(object)
        reports.append(rep.assign(report_id=_tile_ids(rep["report_id"], k),
                                  unit=units.where(units.isna(), units + suffix)))
        sections.append(sec.assign(report_id=_tile_ids(sec["report_id"], k),
                                   text=_rename_units(sec["text"], sec_units, suffix)))
        problems.append(prob.assign(report_id=_tile_ids(prob["report_id"], k)))
    reports_df = pd.concat(reports, ignore_index=True)
    for col in ("report_id", "unit"):
        reports_df[col] = reports_df[col].astype(rep[col].dtype)
    sections_df = pd.concat(sections, ignore_index=True).astype({c: sec[c].dtype for c in sec.columns})
    problems_df = pd.concat(problems, ignore_index=True).astype({c: prob[c].dtype for c in prob.columns})

    rid = cells["report_id"]
    n_cat = len(rid.cat.categories)
    codes = rid.cat.codes.to_numpy().astype(np.int64)
    cats = pd.Index(np.concatenate([(_tile_ids(pd.Series(rid.cat.categories), k)).to_numpy(dtype=object)
                                    for k in range(k_tiles)]))
    new_rid = pd.Categorical.from_codes(np.concatenate([codes + k * n_cat for k in range(k_tiles)]),
                                        categories=cats)
    cells_df = pd.DataFrame({
        "report_id": new_rid,
        **{c: pd.Categorical.from_codes(np.tile(cells[c].cat.codes.to_numpy(), k_tiles), dtype=cells[c].dtype)
           for c in ("table", "row", "col", "raw", "state")},
        "value": np.tile(cells["value"].to_numpy(), k_tiles),
    })[list(cells.columns)]
    return Corpus(reports=reports_df, sections=sections_df, cells=cells_df, problems=problems_df,
                  options=dict(base.options))


def fresh(corpus):  # noqa: ANN001, ANN201
    """The same frames without any cached derived view (a new run)."""
    return type(corpus)(reports=corpus.reports, sections=corpus.sections, cells=corpus.cells,
                        problems=corpus.problems, options=dict(corpus.options))


def run_once(corpus) -> tuple[tuple[float, float], dict[str, tuple[float, float]], dict[str, int], int]:  # noqa: ANN001
    """One engine run over a fresh corpus: total (wall, CPU) seconds, the same per rule, and the
    findings per rule. CPU time leaves out the time other processes held the (shared) cores."""
    from audit.contracts import findings
    from audit.packs import engine, plugins

    per_rule: dict[str, tuple[float, float]] = {}
    counts: dict[str, int] = {}

    def timed(rule_id: str, check):  # noqa: ANN001, ANN202
        def run(c):  # noqa: ANN001, ANN202
            s, cpu = time.perf_counter(), time.process_time()
            try:
                out = check(c)
            finally:
                per_rule[rule_id] = (time.perf_counter() - s, time.process_time() - cpu)
            counts[rule_id] = 0 if out is None else len(out)
            return out
        return run

    registry = plugins.load_registry()
    rules = [dataclasses.replace(r, check=timed(r.id, r.check)) for r in engine.with_core_rules(registry.rules)]
    findings.empty_findings()  # pandera's first validation imports its backends (a real run's loader did)
    c = fresh(corpus)
    gc.collect()
    t0, cpu0 = time.perf_counter(), time.process_time()
    out, errors = engine.run_rules(c, rules)
    total = (time.perf_counter() - t0, time.process_time() - cpu0)
    if errors:
        print("rule errors:", *(f"{e.rule_id}: {e.error}" for e in errors), sep="\n  ", file=sys.stderr)
    return total, per_rule, counts, len(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="number of reports (a multiple of the base corpus size)")
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--corpus", help="a pickled audit.corpus.loader.Corpus to tile")
    src.add_argument("--raw", help="a folder of raw reports to parse and tile")
    ap.add_argument("--repeat", type=int, default=3, help="runs; each rule's best time is printed")
    ap.add_argument("--top", type=int, default=0, help="print only the slowest rules (0: all)")
    ap.add_argument("--save", help="also pickle the base corpus (before tiling) here, for --corpus next time")
    args = ap.parse_args(argv)

    base = load_base(args)
    if args.save:
        with open(args.save, "wb") as fh:
            pickle.dump(fresh(base), fh, protocol=pickle.HIGHEST_PROTOCOL)
    t = time.perf_counter()
    corpus = base if args.n == len(base) else tile(base, args.n)  # N = the corpus' size: the corpus as it is
    del base
    print(f"N = {len(corpus):,} reports, {len(corpus.cells):,} cells, {len(corpus.sections):,} sections "
          f"(tiled in {time.perf_counter() - t:.1f} s)")
    totals, best, counts, n_found = [], {}, {}, 0
    for _ in range(max(1, args.repeat)):
        total, per_rule, counts, n_found = run_once(corpus)
        totals.append(total)
        for rid, (wall, cpu) in per_rule.items():
            w0, c0 = best.get(rid, (np.inf, np.inf))
            best[rid] = (min(w0, wall), min(c0, cpu))
    print(f"engine.run_rules, wall (CPU) seconds: best {min(t[0] for t in totals):.2f} "
          f"({min(t[1] for t in totals):.2f}); runs " + ", ".join(f"{w:.2f} ({c:.2f})" for w, c in totals))
    print(f"sum of each rule's best: {sum(w for w, _ in best.values()):.2f} ({sum(c for _, c in best.values()):.2f}); "
          f"{n_found:,} findings")
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    for rid, (wall, cpu) in ranked[: args.top or None]:
        print(f"  {rid:28s} {wall:7.3f} ({cpu:.3f}) s  {counts.get(rid, 0):>8,} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
