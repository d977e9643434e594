"""Golden normalised output of the reader, so speed work can prove it changed nothing.

What is kept (``tests/fixtures/reader_golden/``):

- ``full/<group>/<name>.json``: the whole normalised report (canonical JSON, one cell per line)
  of every real report (``../shared/corpus/real``), seed (``../shared/seeds``) and text fixture
  under ``tests/fixtures``;
- ``generated.jsonl``: for ``benchmarks/generate.py 300 … --seed 0`` (generated again by the test)
  and the generated city fixtures (``tests/fixtures/city``), one line per report with digests of
  its metadata, sections and problems and one short digest per table row of its cells (the
  reports themselves would be megabytes).

Regenerate after a deliberate change of reader output, then review ``git diff``::

    .venv/bin/python tests/reader_golden.py

``tests/test_reader_golden.py`` compares the reader's output with these files and names the report,
and the cell, that differ.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
GOLDEN = HERE / "fixtures" / "reader_golden"
CITY = HERE / "fixtures" / "city"  # generated like the benchmark corpus: kept as digests
GENERATED_N = 300
GENERATED_SEED = 0
_FIXTURE_SUFFIXES = (".txt", ".md", ".html", ".docx", ".pdf")


def _shared() -> Path:
    sys.path.insert(0, str(REPO))
    from tests.shared_paths import SHARED

    return SHARED


def full_sources() -> dict[str, list[Path]]:
    """The files kept in full, by group (a group absent on this machine is empty)."""
    shared = _shared()
    groups = {
        "real": sorted(p for p in (shared / "corpus" / "real").glob("*") if p.suffix in _FIXTURE_SUFFIXES),
        "seeds": sorted(p for p in (shared / "seeds").glob("*") if p.is_file()),
        "fixtures": sorted(p for p in (HERE / "fixtures").rglob("*") if p.suffix in _FIXTURE_SUFFIXES
                           and GOLDEN not in p.parents and CITY not in p.parents),
    }
    return groups


def fixture_name(group: str, path: Path) -> str:
    """A stable name for a source file: its path inside its group, ``/`` as ``__``."""
    if group == "fixtures":
        rel = path.relative_to(HERE / "fixtures")
    else:
        rel = Path(path.name)
    return "__".join(rel.parts)


def read(path: Path, label: str) -> dict[str, Any]:
    """The normalised report of ``path``, with the path shown as ``label`` (machine-independent)."""
    from audit.ingest.normalise import read_report

    rep = read_report(path, Path(label).stem)
    rep["source"]["path"] = label
    return rep


def canonical(rep: dict[str, Any]) -> str:
    """Sorted-key JSON, one cell per line (a diff of two goldens shows the cells that changed)."""
    head = dict(rep)
    cells = head.pop("cells")
    text = json.dumps(head, ensure_ascii=False, indent=1, sort_keys=True)
    lines = ",\n  ".join(json.dumps(c, ensure_ascii=False, sort_keys=True) for c in cells)
    return text[:-2] + ',\n "cells": [' + (f"\n  {lines}\n ]" if cells else "]") + "\n}\n"


def _digest(obj: Any) -> str:
    text = json.dumps(obj, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def row_cells(rep: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The report's cells by ``table/row``, in report order."""
    out: dict[str, list[dict[str, Any]]] = {}
    for c in rep["cells"]:
        out.setdefault(f"{c['table']}/{c['row']}", []).append(c)
    return out


def digests(rep: dict[str, Any]) -> dict[str, Any]:
    """What ``generated.jsonl`` keeps of one report: digests of its parts, and of each table row's
    cells in report order (``row_keys``: of the rows' names, so a row's digest can be named)."""
    head = {k: v for k, v in rep.items() if k not in ("sections", "problems", "cells")}
    rows = row_cells(rep)
    return {"report_id": rep["report_id"], "head": _digest(head), "sections": _digest(rep["sections"]),
            "problems": _digest(rep["problems"]), "row_keys": _digest(list(rows)),
            "rows": " ".join(_digest(cells)[:8] for cells in rows.values())}


def generate(folder: Path) -> list[Path]:
    """The generated sample (deterministic: same files for the same seed)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate as gen

    gen.write_corpus(GENERATED_N, folder, seed=GENERATED_SEED)
    return sorted(p for p in folder.iterdir() if p.is_file())


def digested_reports(folder: Path) -> Iterator[dict[str, Any]]:
    """The reports kept as digests: the generated sample (written into ``folder``), then the city
    fixtures."""
    for p in generate(folder):
        yield read(p, f"generated/{p.name}")
    for p in sorted(CITY.glob("*.txt")):
        yield read(p, f"city/{p.name}")


def write_all() -> None:
    """Rewrite every golden from the reader as it is now."""
    full = GOLDEN / "full"
    if full.exists():
        shutil.rmtree(full)
    n = 0
    for group, paths in full_sources().items():
        for p in paths:
            name = fixture_name(group, p)
            out = full / group / f"{name}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(canonical(read(p, f"{group}/{name}")), encoding="utf-8")
            n += 1
    with tempfile.TemporaryDirectory() as tmp:
        lines = [json.dumps(digests(rep), ensure_ascii=False, sort_keys=True)
                 for rep in digested_reports(Path(tmp))]
    (GOLDEN / "generated.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {n} full goldens and {len(lines)} generated digests under {GOLDEN.relative_to(REPO)}")


if __name__ == "__main__":
    write_all()
