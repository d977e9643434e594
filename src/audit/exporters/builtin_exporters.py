"""The built-in output formats, registered through the ``audit_exporters`` hook like an outside
plugin's: the terminal summary, findings.json, findings.csv, scorecard.csv, scorecard.xlsx and
report.html. Each writer module is imported only when its file is written, so ``audit rules``
never loads XlsxWriter or the HTML assets.
"""

from __future__ import annotations

from pathlib import Path

from audit.packs.extensions import Exporter, Outputs
from audit.packs.hookspecs import hookimpl


def _summary(out: Outputs) -> str:
    from audit.exporters.table import summary

    return summary(out.scorecard, out.findings, missing=out.meta.get("missing_units"))


def _findings_json(path: Path, out: Outputs) -> Path:
    from audit.exporters.jsonout import write_json

    return write_json(path, out.findings, out.rules, out.meta)


def _findings_csv(path: Path, out: Outputs) -> Path:
    from audit.exporters.csvout import write_csv
    from audit.exporters.labels import findings_labelled

    return write_csv(path, findings_labelled(out.findings))


def _scorecard_csv(path: Path, out: Outputs) -> Path:
    from audit.exporters.csvout import write_csv
    from audit.exporters.labels import scorecard_labelled

    return write_csv(path, scorecard_labelled(out.scorecard, out.meta.get("missing_units")))


def _scorecard_xlsx(path: Path, out: Outputs) -> Path:
    from audit.exporters.checks_views import deduction_sheet
    from audit.exporters.xlsx import write_xlsx

    return write_xlsx(path, out.scorecard, out.findings, out.rules, out.meta.get("missing_units"),
                      deduction_sheet(out.meta))


def _report_html(path: Path, out: Outputs) -> Path:
    from audit.exporters.html import write_html

    return write_html(path, out.findings, out.scorecard, out.rules, out.meta)


EXPORTERS = (
    Exporter("table", None, show=_summary, title="终端摘要：得分最低的报告和主要问题"),
    Exporter("json", "findings.json", _findings_json, text=True, title="全部问题、运行信息和规则目录（JSON）"),
    Exporter("csv", "findings.csv", _findings_csv, text=True, title="全部问题（CSV）"),
    Exporter("scorecard-csv", "scorecard.csv", _scorecard_csv, text=True, title="评分表（CSV）"),
    Exporter("xlsx", "scorecard.xlsx", _scorecard_xlsx, slow=True, title="评分表、问题清单和规则目录（Excel）"),
    Exporter("html", "report.html", _report_html, title="总览网页"),
)


@hookimpl
def audit_exporters() -> tuple[Exporter, ...]:
    return EXPORTERS
