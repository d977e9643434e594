"""What the checks packs (year_over_year, hierarchy, ratios, problems_section, corrections,
unit_kind, fees) add to rule evaluation, on a pickled corpus (see bench_rules.py for building one).

The generated corpus has no units file, so one is made up for the hierarchy pack: the units are
put in groups of 20 by name order, the first of each group the parent of the other 19 (every
parent then has a report for each year its children have). Prints each new rule's seconds (best
of ``--repeat``, each on a fresh corpus so shared views are paid by the first rule that needs
them), their sum, and the engine's total with all built-in rules and without the new packs.

    python benchmarks/bench_checks.py /tmp/c10k.pkl [--repeat 1]
"""

from __future__ import annotations

import argparse
import copy
import pickle
import time

import pandas as pd

NEW_PACKS = ("year_over_year", "hierarchy", "ratios", "problems_section", "corrections", "unit_kind", "fees")


def units_for(corpus) -> pd.DataFrame:  # noqa: ANN001
    names = sorted(corpus.reports["unit"].dropna().astype(str).str.strip().unique())
    rows = []
    for i, name in enumerate(names):
        parent = names[i - i % 20] if i % 20 else None
        rows.append({"unit": name, "region": f"R{i // 20}", "level": "区县", "parent": parent,
                     "kind": "人民政府" if parent is None else "部门"})
    return pd.DataFrame(rows)


def fresh(base, units):  # noqa: ANN001, ANN201
    c = copy.copy(base)
    c._wide = {}
    c.options = {**base.options, "units": units}
    return c


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", help="a pickled audit.corpus.loader.Corpus")
    ap.add_argument("--repeat", type=int, default=1)
    args = ap.parse_args(argv)
    from audit.packs import engine, plugins

    with open(args.corpus, "rb") as fh:
        base = pickle.load(fh)  # noqa: S301 - a file the user built
    units = units_for(base)
    rules = plugins.load_registry().rules
    new = [r for r in rules if r.pack in NEW_PACKS]
    old = [r for r in rules if r.pack not in NEW_PACKS]
    print(f"{len(base):,} reports; {len(new)} new rules; units: {len(units):,} ({units['parent'].isna().sum():,} parents)")
    total = 0.0
    for r in new:
        best, n = float("inf"), 0
        for _ in range(args.repeat):
            c = fresh(base, units)
            t0 = time.perf_counter()
            n = len(r.run(c))
            best = min(best, time.perf_counter() - t0)
        total += best
        print(f"  {r.id:<26} {best:7.3f} s  {n:>7,} findings")
    print(f"new rules alone, each on a fresh corpus: {total:.2f} s")
    for label, chosen in (("all built-in rules", rules), ("without the new packs", old)):
        c = fresh(base, units)
        t0 = time.perf_counter()
        f, errors = engine.run_rules(c, chosen)
        print(f"engine.run_rules, {label}: {time.perf_counter() - t0:.2f} s, {len(f):,} findings, {len(errors)} errors")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
