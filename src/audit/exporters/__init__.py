"""Exporters: the files ``audit run`` writes and the summary it prints.

``write_outputs`` writes one file per registered output format (``audit_exporters`` hook: the
built-in ``audit.exporters.builtin_exporters`` and ``audit.exporters.sarif``, then any plugin's),
every one through ``audit.exporters.atomic`` so an interrupted run never leaves a half-written
file. A big run writes the slow formats (scorecard.xlsx) in a forked process while this one
writes the rest.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from audit import heap
from audit.exporters import background
from audit.exporters.jsonout import conform
from audit.packs.extensions import Exporter, Outputs
from audit.packs.rule import Rule

# Rows (reports + findings) from which slow exporters are written in the background: below it the
# fork costs more than it saves. At 2,000 generated reports (12,800 rows) the fork already took the
# workbook's second off the run's wall time for the same CPU time.
BACKGROUND_XLSX_FROM = 5_000

__all__ = ["Outputs", "registered_exporters", "write_outputs"]


def registered_exporters() -> list[Exporter]:
    """The output formats of the default registry (built-ins and installed plugins)."""
    from audit.packs.plugins import load_registry

    return load_registry().exporters


def write_outputs(out_dir: str | os.PathLike[str], findings: pd.DataFrame, scorecard: pd.DataFrame,
                  rules: Iterable[Rule], meta: Mapping[str, Any] | None, *, reports: pd.DataFrame | None = None,
                  exporters: Sequence[Exporter] | None = None) -> list[Path]:
    """Write every format's file into ``out_dir`` (created if needed); return the paths written.

    ``exporters``: the run's registered formats (default: ``registered_exporters()``);
    ``reports``: ``corpus.reports``, for formats that name each report's source file (SARIF).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    outputs = Outputs(findings=conform(findings), scorecard=scorecard, rules=list(rules), meta=dict(meta or {}),
                      reports=reports)
    files = [e for e in (registered_exporters() if exporters is None else exporters) if e.filename and e.write]
    big = len(scorecard) + len(findings) >= BACKGROUND_XLSX_FROM
    # Big runs: the slow formats are written by forked processes while this one writes the rest.
    jobs = {e.name: background.Job(e.write, out / e.filename, outputs) for e in files if big and e.slow}
    try:
        written: dict[str, Path] = {}
        for e in files:
            if e.name not in jobs:
                written[e.name] = Path(e.write(out / e.filename, outputs))  # type: ignore[misc,operator]
                if big:  # what the writer freed goes back before the next one builds its file
                    heap.give_back(collect=False)
        for name, job in jobs.items():
            written[name] = Path(job.result())
    except BaseException:
        for job in jobs.values():
            job.cancel()
        raise
    return [written[e.name] for e in files]
