"""pytest plugin for rule authors (registered as ``pytest11`` entry point ``audit``).

Fixtures:

- ``audit_report(patch=None, *, text=None)``: a normalised report from a patch (see
  ``audit.testing.build``) or from report text read by the real reader;
- ``audit_corpus(*patches, text=None)``: a Corpus of patched reports (or of one text);
- ``run_rule(rule_or_rules, corpus_or_patches)``: the findings frame, stamped as in ``audit run``;
- ``assert_findings(findings, expected, exact=True)``: compare with ``[{rule_id, row, col}, …]``.

Files named ``audit_cases*.yaml`` (or ``.yml``) under the test paths become one test per case
(see ``audit.testing.cases`` for the format).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from audit.testing import cases as _cases


@pytest.fixture
def audit_report() -> Callable[..., dict[str, Any]]:
    def make(patch: dict[str, Any] | None = None, *, text: str | None = None, report_id: str = "r1"
             ) -> dict[str, Any]:
        if text is not None:
            from audit.ingest.normalise import normalise_text

            return normalise_text(text, report_id=report_id)
        from audit.testing.build import build_report

        return build_report({"report_id": report_id, **(patch or {})})

    return make


@pytest.fixture
def audit_corpus() -> Callable[..., Any]:
    def make(*patches: dict[str, Any], text: str | None = None):
        if text is not None:
            return _cases.corpus_from_text(text)
        return _cases.as_corpus(list(patches) if patches else None)

    return make


@pytest.fixture
def run_rule() -> Callable[..., Any]:
    return _cases.run_rule


@pytest.fixture(name="assert_findings")
def assert_findings_fixture() -> Callable[..., None]:
    return _cases.assert_findings


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.startswith(_cases.CASE_PREFIX) and file_path.suffix in (".yaml", ".yml"):
        return AuditCaseFile.from_parent(parent, path=file_path)
    return None


class AuditCaseFile(pytest.File):
    def collect(self):
        found, paths = _cases.read_cases(self.path)
        rules = _cases.load_rules_for(self.path, paths)
        for case in found:
            yield AuditCaseItem.from_parent(self, name=case.name, case=case, rules=rules)


class AuditCaseItem(pytest.Item):
    def __init__(self, *, case: _cases.Case, rules: list, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.rules = rules

    def runtest(self) -> None:
        _cases.run_case(self.case, self.rules)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> str:
        if isinstance(excinfo.value, AssertionError):
            return f"{self.path.name}::{self.name}\n{excinfo.value}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self):
        return self.path, 0, f"audit case: {self.name}"
