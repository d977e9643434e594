"""One selection semantics and one finding order, whoever asks: CLI, engine API, pytest harness."""

from __future__ import annotations

import json
import textwrap

import numpy as np
import pandas as pd
import pytest

from audit import cli
from audit.contracts import findings as F
from audit.packs import engine, plugins, selection
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import Pack, found, rule
from audit.testing import cases
from audit.testing.build import build_corpus


def _fires(rid, category="arithmetic", severity="warning"):
    @rule(id=rid, title="测试", category=category, severity=severity, points=1, description="d",
          fail_example={}, pass_example={})
    def check(corpus):
        return found(corpus.reports["report_id"], f"{rid} 命中")

    return check


RULES = [_fires("ARITH-REQ-BALANCE"), _fires("ARITH-REQ-TOTAL"), _fires("ARITH-APPEALS-TOTAL"),
         _fires("SECT-MISSING", "sections", "info")]


class _Pack:
    @hookimpl
    def audit_pack(self):
        return Pack(name="arithmetic", version="1", rules=RULES)


@pytest.fixture
def registry(monkeypatch):
    reg = plugins.load_registry([_Pack()], entry_points=False)
    monkeypatch.setattr(cli, "load_registry", lambda args: reg)
    return reg


CORE = ["PARSE-UNREADABLE", "CORE-WAIVER-EXPIRED", "CORE-WAIVER-UNUSED"]
CASES = [
    ((), (), CORE + ["ARITH-REQ-BALANCE", "ARITH-REQ-TOTAL", "ARITH-APPEALS-TOTAL", "SECT-MISSING"]),
    (("ARITH-REQ-BALANCE",), ("arithmetic",), CORE + ["ARITH-REQ-BALANCE"]),  # exact id beats pack
    (("arithmetic",), ("ARITH-REQ",), CORE + ["ARITH-APPEALS-TOTAL", "SECT-MISSING"]),  # prefix beats pack
    (("ARITH-REQ",), ("ARITH",), CORE + ["ARITH-REQ-BALANCE", "ARITH-REQ-TOTAL"]),  # the longer prefix wins
    # severities count, for core rules too: the waiver notices are info
    ((), ("info",), ["PARSE-UNREADABLE", "ARITH-REQ-BALANCE", "ARITH-REQ-TOTAL", "ARITH-APPEALS-TOTAL"]),
    (("ARITH",), ("ARITH",), CORE),  # a tie goes to ignore; core rules survive any select
    (("sections",), ("core",), ["SECT-MISSING"]),  # only an ignore drops core rules
]


@pytest.mark.parametrize("select, ignore, expected", CASES)
def test_cli_and_engine_select_the_same_rules(select, ignore, expected, registry, tmp_path):
    out = tmp_path / "out"
    argv = ["run", str(tmp_path), "--out", str(out), "--jobs", "1", "--quiet"]
    (tmp_path / "r.txt").write_text("一、总体情况\n无\n", encoding="utf-8")
    argv += [a for s in select for a in ("--select", s)] + [a for s in ignore for a in ("--ignore", s)]
    assert cli.main(argv) == 0
    run = json.loads((out / "findings.json").read_text(encoding="utf-8"))["run"]
    assert run["rules_run"] == expected
    assert [r.id for r in selection.select_rules(registry.rules, select, ignore)] == expected
    stamped = [r for r in registry.rules if r.pack != "core"]
    got, _ = engine.run_rules(build_corpus({}), stamped, select=list(select), ignore=list(ignore))
    assert sorted(set(got["rule_id"])) == sorted(r for r in expected if r not in CORE)


def test_one_message_for_an_unknown_selector_everywhere(registry, tmp_path, capsys):
    (tmp_path / "r.txt").write_text("x", encoding="utf-8")
    assert cli.main(["run", str(tmp_path / "r.txt"), "--select", "ARITH-RE", "--out", str(tmp_path / "o")]) == 2
    cli_message = capsys.readouterr().err.strip().removeprefix("错误：")
    with pytest.raises(selection.UnknownSelector) as engine_error:
        engine.run_rules(build_corpus({}), RULES, select="ARITH-RE")
    case_file = tmp_path / "audit_cases_x.yaml"
    case_file.write_text(textwrap.dedent("""
        rule: ARITH-RE
        cases:
          - name: typo
            patch: {}
            expect: []
    """), encoding="utf-8")
    (case,), _ = cases.read_cases(case_file)
    with pytest.raises(AssertionError) as harness_error:
        cases.run_case(case, RULES)
    assert cli_message == str(engine_error.value) == str(harness_error.value).split(": ", 1)[1]
    assert "没有规则与 'ARITH-RE' 匹配" in cli_message


def test_the_harness_selects_like_the_command_line(tmp_path):
    case_file = tmp_path / "audit_cases_prefix.yaml"
    case_file.write_text(textwrap.dedent("""
        cases:
          - name: a prefix and a severity
            rule: [ARITH-REQ, info]
            patch: {}
            expect:
              - {rule_id: ARITH-REQ-BALANCE}
              - {rule_id: ARITH-REQ-TOTAL}
              - {rule_id: SECT-MISSING}
    """), encoding="utf-8")
    (case,), _ = cases.read_cases(case_file)
    cases.run_case(case, RULES)


# -- finding order -----------------------------------------------------------------------------

def test_engine_order_is_sort_findings_order():
    """The engine's fast keys and ``sort_findings`` give the one reading order: by report id, worst
    severity first, rule id, then the order the rule gave its findings."""
    @rule(id="B-RULE", title="t", category="zeros", severity="info", points=0, description="d",
          fail_example={}, pass_example={})
    def b_rule(corpus):
        ids = corpus.reports["report_id"]
        # two findings per report, in the rule's own order "second" then "first"; one is an error
        return found(pd.concat([ids, ids]), ["second"] * len(ids) + ["first"] * len(ids),
                     severity=["info"] * len(ids) + ["error"] * len(ids))

    rules = [_fires("Z-RULE", severity="warning"), b_rule, _fires("A-RULE", severity="info")]
    corpus = build_corpus({"report_id": "r10"}, {"report_id": "r2"}, {"report_id": "r1"})
    got, errors = engine.run_rules(corpus, rules, core=False)
    assert errors == []
    shuffled = got.sample(frac=1, random_state=3).reset_index(drop=True)
    resorted = F.sort_findings(F.validate(shuffled.sort_values("message", kind="stable")))
    # Ties (same report, severity and rule) keep the given order, so compare on the keys.
    keys = ["report_id", "severity", "rule_id"]
    assert resorted[keys].equals(got[keys])
    assert got["report_id"].tolist()[:4] == ["r1"] * 4  # string order: r1 < r10 < r2
    first = got[got["report_id"] == "r1"]
    assert first["severity"].tolist() == ["error", "warning", "info", "info"]
    assert first["rule_id"].tolist() == ["B-RULE", "Z-RULE", "A-RULE", "B-RULE"]


def test_reading_order_is_stable_and_puts_unknown_severities_last():
    order = F.reading_order(np.array([0, 0, 0, 0]), np.array(["info", None, "error", "info"], dtype=object),
                            np.array([1, 0, 2, 1]))
    assert order.tolist() == [2, 0, 3, 1]
