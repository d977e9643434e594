"""What every part of the YAML pack code shares: file suffixes, placeholders, the load errors."""

from __future__ import annotations

from dataclasses import dataclass

YAML_SUFFIXES = (".yaml", ".yml")
CASE_FILE_PREFIX = "audit_cases"
# Placeholders a message template may use, per rule kind.
PLACEHOLDERS = {
    "equation": {"lhs", "rhs", "op", "place", "unit", "year", "report_id"},
    "threshold": {"value", "threshold", "op", "place", "unit", "year", "report_id"},
    "section": {"section", "place", "unit", "year", "report_id"},
    "pattern": {"match", "place", "unit", "year", "report_id"},
}


class PackLoadError(Exception):
    """A local pack could not be loaded; ``str()`` names the file, the rule and the field."""


@dataclass(frozen=True)
class LoadError:
    """One pack that failed to load: which one and why (the run goes on without it)."""

    pack: str
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pack} ({self.source}): {self.reason}"

