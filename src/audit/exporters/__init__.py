"""Exporters: the files ``audit run`` writes and the summary it prints.

``write_outputs`` writes findings.json, findings.csv, scorecard.csv and scorecard.xlsx (plus
report.html when the HTML exporter is installed), every one through ``audit.atomic`` so an
interrupted run never leaves a half-written file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from audit.exporters.csvout import write_csv
from audit.exporters.jsonout import conform, write_json
from audit.exporters.table import summary
from audit.exporters.xlsx import write_xlsx
from audit.rule import Rule

__all__ = ["summary", "write_outputs", "write_csv", "write_json", "write_xlsx"]


def write_outputs(out_dir: str | os.PathLike[str], findings: pd.DataFrame, scorecard: pd.DataFrame,
                  rules: Iterable[Rule], meta: Mapping[str, Any] | None) -> list[Path]:
    """Write every export into ``out_dir`` (created if needed); return the paths written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rules = list(rules)
    findings = conform(findings)
    written = [
        write_json(out / "findings.json", findings, rules, meta),
        write_csv(out / "findings.csv", findings),
        write_csv(out / "scorecard.csv", scorecard),
        write_xlsx(out / "scorecard.xlsx", scorecard, findings, rules),
    ]
    try:
        from audit.exporters.html import write_html
    except ImportError:
        return written
    result = write_html(out / "report.html", findings, scorecard, rules, dict(meta or {}))
    written.append(Path(result) if isinstance(result, (str, os.PathLike)) else out / "report.html")
    return written
