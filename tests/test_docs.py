"""Rule docs: pages and index are written; every built-in rule has a description and both examples."""

from __future__ import annotations

import importlib
from importlib import metadata
from pathlib import Path

import pytest

from audit import cli
from audit.exporters import rule_docs as docs
from audit.packs import yamlpack
from audit.testing.cases import check_examples

EXAMPLES = Path(__file__).resolve().parents[1] / "rules" / "examples" / "local_example.yaml"


def test_write_docs_pages_and_index(tmp_path):
    pack = yamlpack.load_yaml_pack(EXAMPLES)
    written = docs.write_docs(pack.rules, tmp_path)
    assert len(written) == len(pack.rules) + 1
    page = (tmp_path / "LOCAL-SEC-FEES-STATED.md").read_text(encoding="utf-8")
    assert page.startswith("# LOCAL-SEC-FEES-STATED — 第六部分须说明信息处理费收取情况")
    assert "| pack | `local-example` 1.0 |" in page and "## Rationale" in page
    assert "无其他需要报告的事项" in page  # the failing example's patch, printed as YAML
    index = (tmp_path / "index.md").read_text(encoding="utf-8")
    assert "## local-example 1.0" in index and "[LOCAL-SEC-FEES-STATED](LOCAL-SEC-FEES-STATED.md)" in index


def test_doc_problems_flags_missing_description_and_examples():
    pack = yamlpack.load_yaml_pack(EXAMPLES)
    from dataclasses import replace

    r = replace(pack.rules[0], description=" ", fail_example={})
    assert docs.doc_problems([r]) == [f"{r.id}: no description", f"{r.id}: no failing example"]


def test_audit_docs_command(tmp_path):
    assert cli.main(["docs", "--out", str(tmp_path), "--rules", str(EXAMPLES)]) == 0
    assert (tmp_path / "index.md").is_file() and (tmp_path / "LOCAL-TXT-OLD-REGULATION.md").is_file()


def _builtin_packs():
    eps = [ep for ep in metadata.entry_points(group="audit") if ep.value.startswith("audit.rules.")]
    missing = []
    for ep in eps:
        try:
            importlib.import_module(ep.value)
        except ModuleNotFoundError as exc:
            if exc.name == ep.value:
                missing.append(ep.value)
            else:
                raise
    return eps, missing


def test_every_builtin_rule_is_documented_with_working_examples():
    eps, missing = _builtin_packs()
    if missing:
        pytest.skip(f"built-in pack modules not written yet: {', '.join(missing)}")
    from audit.packs.plugins import load_registry

    reg = load_registry()
    rules = [r for r in reg.rules if r.pack in {ep.name for ep in eps}]
    assert rules
    assert docs.doc_problems(rules) == []
    for r in rules:
        if r.category != "cross_report":  # cross-report rules need two reports; their own tests cover them
            check_examples(r)
