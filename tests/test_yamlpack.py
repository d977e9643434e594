"""YAML rule packs: schema errors, each rule kind both ways, expr safety, discovery, and a new
author's pack changing the findings and scores of the bundled reports."""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import pytest

from audit import cli
from audit.packs import yamlpack
from audit.testing.cases import assert_findings, check_examples, run_rule

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "rules" / "examples" / "local_example.yaml"
REPORTS = ROOT / "reports"


def _rule(**over):
    base = {"id": "T-X-ONE", "title": "测试", "category": "arithmetic", "severity": "error", "points": 1,
            "description": "why", "message": "{place}：{lhs} 与 {rhs}",
            "examples": {"fail": {}, "pass": {}},
            "equation": {"lhs": ["requests/new/total"], "op": "==", "rhs": ["requests/new/natural"]}}
    base.update(over)
    return base


def _pack(*rules):
    return {"pack": {"name": "t", "version": "1"}, "rules": list(rules)}


@pytest.fixture(scope="module")
def example_pack():
    return yamlpack.load_yaml_pack(EXAMPLES)


def test_example_pack_loads_every_kind(example_pack):
    assert example_pack.name == "local-example"
    assert {r.pack for r in example_pack.rules} == {"local-example"}
    assert len(example_pack.rules) == 5


def test_every_example_rule_fires_on_its_failing_example_and_not_on_its_passing_one(example_pack):
    for r in example_pack.rules:
        check_examples(r)


def test_expr_equation_is_located_with_both_sides(example_pack):
    r = next(x for x in example_pack.rules if x.id == "LOCAL-REQ-RESULTS-WITHIN-HANDLED")
    out = run_rule(r, [{"cells": {"requests/granted/total": 9}}, {}])
    assert_findings(out, [{"report_id": "r1", "rule_id": r.id, "table": "requests", "row": "handled_total", "col": "total"}])
    assert out.loc[0, "actual"] == 9 and out.loc[0, "expected"] == 3
    assert "合计 9" in out.loc[0, "message"] and "总计 3" in out.loc[0, "message"]
    assert "“（七）总计”行" in out.loc[0, "message"]


def test_lhs_rhs_equation_sums_and_treats_blank_as_zero(example_pack):
    r = next(x for x in example_pack.rules if x.id == "LOCAL-REQ-NEW-EQUALS-NATURAL-PLUS-REST")
    out = run_rule(r, [{"cells": {"requests/new/total": 4}}, {"cells": {"requests/new/commercial": None}},
                       {"drop_cells": ["requests"]}])
    assert_findings(out, [{"report_id": "r1", "row": "new", "col": "total"}])
    assert (out.loc[0, "actual"], out.loc[0, "expected"]) == (4, 3)


def test_threshold_with_unit_filter_only_checks_townships(example_pack):
    r = next(x for x in example_pack.rules if x.id == "LOCAL-TOWNSHIP-LICENSING-REPORTED")
    zero = {"cells": {"active/licensing/decisions": 0}}
    out = run_rule(r, [{"unit": "某县城关镇人民政府", **zero}, {"unit": "某县人民政府", **zero}, {"unit": None, **zero}])
    assert_findings(out, [{"report_id": "r1", "table": "active", "row": "licensing", "col": "decisions"}])
    assert out.loc[0, "actual"] == 0 and out.loc[0, "expected"] == ">0"


def test_section_and_pattern_rules(example_pack):
    sec = next(x for x in example_pack.rules if x.id == "LOCAL-SEC-FEES-STATED")
    out = run_rule(sec, [{"sections": {"other": None}}, {"sections": {"other": "无。"}}, {},
                         {"edition": "2019", "sections": {"other": "无。"}}])
    assert_findings(out, [{"report_id": "r1"}, {"report_id": "r2"}])
    assert set(out["actual"]) == {"缺失", "未提及"}
    pat = next(x for x in example_pack.rules if x.id == "LOCAL-TXT-OLD-REGULATION")
    out = run_rule(pat, [{"extra_text": "依据国务院令第492号"}, {}])
    assert_findings(out, [{"report_id": "r1"}])
    assert out.loc[0, "actual"] == "国务院令第492号"


def test_schema_error_names_file_rule_and_field(tmp_path):
    import yaml

    f = tmp_path / "bad.yaml"
    f.write_text(yaml.safe_dump(_pack(_rule(severity="fatal")), allow_unicode=True), encoding="utf-8")
    with pytest.raises(yamlpack.PackLoadError) as e:
        yamlpack.load_yaml_pack(f)
    assert "bad.yaml" in str(e.value) and "规则 T-X-ONE" in str(e.value) and "“severity”" in str(e.value)
    missing = _rule()
    del missing["message"]
    assert any("规则 T-X-ONE" in p and "“message”" in p for p in yamlpack.validate_pack(_pack(missing)))
    two = _rule(threshold={"cell": "requests/new/total", "op": ">", "value": 0})
    assert any("须且只须写明" in p for p in yamlpack.validate_pack(_pack(two)))


@pytest.mark.parametrize("expr", [
    "__import__('os').system('true') == 0",
    "requests/new/total.__class__ == 1",
    "@requests == 1",
    "requests/new/total == requests/new/nosuchcol",
    "requests/new/total + 1",
])
def test_expr_refuses_anything_but_cells_and_arithmetic(expr):
    with pytest.raises(yamlpack.PackLoadError, match="equation.expr"):
        yamlpack.pack_from_dict(_pack(_rule(equation={"expr": expr})))


def test_unknown_placeholder_and_bad_regex_are_load_errors():
    with pytest.raises(yamlpack.PackLoadError, match="unknown placeholder"):
        yamlpack.pack_from_dict(_pack(_rule(message="{nope}")))
    bad = _rule(pattern={"regex": "(", "must": "appear"}, message="{place}")
    del bad["equation"]
    with pytest.raises(yamlpack.PackLoadError, match="pattern.regex"):
        yamlpack.pack_from_dict(_pack(bad))


def test_load_rule_paths_reports_broken_packs_and_loads_the_rest(tmp_path):
    good = tmp_path / "packs"
    good.mkdir()
    (good / "a.yaml").write_text(EXAMPLES.read_text(encoding="utf-8"), encoding="utf-8")
    (good / "broken.yaml").write_text("pack: {name: broken, version: '1'}\nrules: [{id: X}]\n", encoding="utf-8")
    (good / "audit_cases_x.yaml").write_text("cases: []\n", encoding="utf-8")
    py = tmp_path / "mypack.py"
    py.write_text(textwrap.dedent('''
        from audit.packs.hookspecs import hookimpl
        from audit.packs.rule import Pack, found, rule

        @rule(id="PY-ONE", title="示例", category="metadata", severity="info", points=0,
              description="d", fail_example={"unit": None}, pass_example={})
        def one(corpus):
            r = corpus.reports
            return found(r.loc[r["unit"].isna(), "report_id"], "缺少单位名称")

        @hookimpl
        def audit_pack():
            return Pack(name="py-pack", version="2", rules=[one])
    '''), encoding="utf-8")
    raising = tmp_path / "raising.py"
    raising.write_text("raise RuntimeError('boom')\n", encoding="utf-8")
    packs, errors = yamlpack.load_rule_paths([good, py, raising, tmp_path / "missing.yaml"])
    assert sorted(p.name for p in packs) == ["local-example", "py-pack"]
    assert packs[-1].rules[0].pack == "py-pack"
    by = {e.pack: e for e in errors}
    assert "broken" in by and "title" in by["broken"].reason
    assert "raising" in by and "boom" in by["raising"].reason
    assert any("missing" in e.source for e in errors)


def _scores(out: Path) -> dict[str, float]:
    with (out / "scorecard.csv").open(encoding="utf-8-sig") as fh:
        return {row["报告编号"]: float(row["得分"]) for row in csv.DictReader(fh)}


def test_a_new_authors_pack_changes_findings_and_scores_of_the_bundled_reports(tmp_path):
    pack = tmp_path / "my_rules.yaml"
    pack.write_text(textwrap.dedent('''
        pack: {name: my-office, version: "1"}
        rules:
          - id: MY-TOWNSHIP-FEE-WORD
            title: 街道报告须提及信息处理费
            category: sections
            severity: warning
            points: 5
            description: Our office asks every sub-district to state 信息处理费 explicitly.
            when: {unit: 街道}
            pattern: {regex: 信息处理费, must: appear}
            message: "{unit}：{place}未提及信息处理费"
            examples:
              fail: {unit: 某街道办事处, sections: {other: 无。}}
              pass: {unit: 某街道办事处}
    '''), encoding="utf-8")
    base, mine = tmp_path / "base", tmp_path / "mine"
    assert cli.main(["run", str(REPORTS), "--out", str(base), "--quiet", "--jobs", "1"]) == 0
    assert cli.main(["run", str(REPORTS), "--out", str(mine), "--quiet", "--jobs", "1", "--rules", str(pack)]) == 0
    found = [f for f in json.loads((mine / "findings.json").read_text(encoding="utf-8"))["findings"]
             if f["rule_id"] == "MY-TOWNSHIP-FEE-WORD"]
    # 000 (舞钢市朱兰街道办事处) and 004 (项城市…花园街道办事处) never mention the fee; 001 (冶金街道) does.
    assert sorted(f["report_id"][:3] for f in found) == ["000", "004"]
    before, after = _scores(base), _scores(mine)
    for rid, s in before.items():
        hit = any(f["report_id"] == rid for f in found)
        assert after[rid] == pytest.approx(s - 5 if hit else s)


_SEED_001 = Path(__file__).resolve().parents[1] / "reports" / "001_2e0bbb7745e2b5ab.txt"
_NEW_ROW = "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 | ||"


def _equation_pack(**equation) -> object:
    return yamlpack.pack_from_dict({
        "pack": {"name": "t", "version": "1"},
        "rules": [{"id": "T-NEW-VS-HANDLED", "title": "新收与办理", "category": "arithmetic", "severity": "error",
                   "points": 1, "description": "test", "equation": equation,
                   "message": "{place}：{lhs} = {rhs}", "examples": {"fail": {}, "pass": {}}}]})


@pytest.mark.parametrize("kind", ["lhs_rhs", "expr"])
def test_an_equation_never_reads_a_row_the_reader_could_not_place_as_zero(kind):
    """Seed 001 with its 一、本年新收 row printed short: the reader marks it missing_cells and places
    none of its cells; the equation handled_total/total == new/total must skip it, not say 2 = 0."""
    from audit.corpus.loader import load
    from audit.ingest.normalise import normalise_text

    text = _SEED_001.read_text(encoding="utf-8")
    assert _NEW_ROW in text
    short = normalise_text(text.replace(_NEW_ROW, "一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 3 | ||"), "short")
    assert any(p["kind"] == "missing_cells" and p["row"] == "new" for p in short["problems"])
    full = normalise_text(text, "full")  # 2 handled of 3 received (1 carried to next year)
    eq = ({"lhs": ["requests/handled_total/total"], "op": "==", "rhs": ["requests/new/total"]} if kind == "lhs_rhs"
          else {"expr": "requests/handled_total/total == requests/new/total", "at": "requests/new/total"})
    (rule,) = _equation_pack(**eq).rules
    out = rule.run(load([short, full]))
    assert out["report_id"].tolist() == ["full"]  # the placed row is checked: 2 ≠ 3
    assert "2 = 3" in out["message"].iloc[0]
