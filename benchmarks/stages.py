"""The stages ``bench.py`` runs in processes of their own (``--stage NAME``), and its profiles:
the machine's floor, pandera per report (the naive way, for comparison), rules alone, and the
cProfile runs of ``audit run``'s parent and of the reader.
"""

from __future__ import annotations

import codecs
import cProfile
import dataclasses
import io
import json
import os
import pstats
import re
import time
from pathlib import Path

# The parent process of ``audit run`` under cProfile. Reader workers are started with "spawn" so they
# do not inherit the profiler (with "fork" they would, and every worker would run several times slower).
PROFILED_RUN = ("import cProfile, multiprocessing, sys\n"
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


def top_functions(stats_file: str, *, sort: str, limit: int, only_audit: bool) -> list[tuple[str, float, float, int]]:
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


