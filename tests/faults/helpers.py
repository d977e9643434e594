"""Shared pieces of the fault suite: a seed report, running the CLI, reading its outputs."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from tests.robustness.badinputs import seed_texts

REPO = Path(__file__).resolve().parents[2]


def generated_corpus(folder: Path, n: int, seed: int) -> Path:
    """``n`` synthetic reports (benchmarks/generate.py) written into ``folder``: a corpus large enough
    for a run to be interrupted or raced while it is working."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate

    generate.write_corpus(n, folder, seed=seed)
    return folder


def seed() -> str:
    return seed_texts()[0]


def run_cli(*args: str, timeout: float = 60, **kw) -> subprocess.CompletedProcess[str]:
    """``python -m audit ARGS`` as a user would run it (stderr and stdout captured)."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", "audit", *args], capture_output=True, text=True, env=env,
                          timeout=timeout, cwd=kw.pop("cwd", None), **kw)


def findings(out: Path) -> dict:
    return json.loads((out / "findings.json").read_text(encoding="utf-8"))


def scorecard_ids(out: Path) -> list[str]:
    with open(out / "scorecard.csv", encoding="utf-8-sig", newline="") as fh:
        return [row["报告编号"] for row in csv.DictReader(fh)]  # the CSV speaks Chinese


def parse_findings(out: Path, report_id: str) -> list[dict]:
    return [f for f in findings(out)["findings"] if f["report_id"] == report_id and f["category"] == "parse"]
