"""Exporters: the files ``audit run`` writes and the summary it prints.

``write_outputs`` writes findings.json, findings.csv, scorecard.csv and scorecard.xlsx (plus
report.html when the HTML exporter is installed), every one through ``audit.exporters.atomic`` so an
interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from audit.exporters import background
from audit.exporters.csvout import write_csv
from audit.exporters.jsonout import conform, write_json
from audit.exporters.table import summary
from audit.exporters.xlsx import write_xlsx
from audit.packs.rule import Rule

# Rows (reports + findings) from which scorecard.xlsx is written in the background: below it the
# fork costs more than it saves.
BACKGROUND_XLSX_FROM = 20_000

__all__ = ["summary", "write_outputs", "write_csv", "write_json", "write_xlsx"]


def write_outputs(out_dir: str | os.PathLike[str], findings: pd.DataFrame, scorecard: pd.DataFrame,
                  rules: Iterable[Rule], meta: Mapping[str, Any] | None) -> list[Path]:
    """Write every export into ``out_dir`` (created if needed); return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rules = list(rules)
    findings = conform(findings)
    xlsx_args = (out / "scorecard.xlsx", scorecard, findings, rules)
    # Big runs: the workbook is written by a forked process while this one writes the rest.
    job = background.Job(write_xlsx, *xlsx_args) if len(scorecard) + len(findings) >= BACKGROUND_XLSX_FROM else None
    try:
        written = [
            write_json(out / "findings.json", findings, rules, meta),
            write_csv(out / "findings.csv", findings),
            write_csv(out / "scorecard.csv", scorecard),
        ]
        html = _write_html(out, findings, scorecard, rules, meta)
        written.append(job.result() if job else write_xlsx(*xlsx_args))
    except BaseException:
        if job:
            job.cancel()
        raise
    return written + html


def _write_html(out: Path, findings: pd.DataFrame, scorecard: pd.DataFrame, rules: list[Rule],
                meta: Mapping[str, Any] | None) -> list[Path]:
    try:
        from audit.exporters.html import write_html
    except ImportError:
        return []
    result = write_html(out / "report.html", findings, scorecard, rules, dict(meta or {}))
    return [Path(result) if isinstance(result, (str, os.PathLike)) else out / "report.html"]
