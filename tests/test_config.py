"""Configuration: file discovery and precedence, provenance, schema errors, selector specificity."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import cli
from audit.packs import config
from audit.packs.rule import Rule, found


def _r(id, pack="arithmetic", category="arithmetic", severity="error"):
    return Rule(id=id, title="t", category=category, severity=severity, points=1, description="d",
                fail_example={}, pass_example={}, check=lambda c: found(), pack=pack)


RULES = [_r("ARITH-REQ-BALANCE"), _r("ARITH-REQ-TOTAL"), _r("ARITH-APPEALS-TOTAL"),
         _r("SECT-MISSING", pack="sections", category="sections", severity="warning"),
         _r("ZERO-ALL", pack="zeros", category="zeros", severity="info")]


def ids(select=(), ignore=()):
    return [r.id for r in config.select_rules(RULES, list(select), list(ignore))]


def test_more_specific_selector_wins():
    assert ids() == [r.id for r in RULES]
    assert ids(select=["ARITH-REQ-BALANCE"], ignore=["arithmetic"]) == ["ARITH-REQ-BALANCE"]
    assert ids(select=["arithmetic"], ignore=["ARITH-REQ"]) == ["ARITH-APPEALS-TOTAL"]
    assert ids(select=["ARITH-REQ"], ignore=["ARITH"]) == ["ARITH-REQ-BALANCE", "ARITH-REQ-TOTAL"]
    assert ids(ignore=["warning", "info"]) == ["ARITH-REQ-BALANCE", "ARITH-REQ-TOTAL", "ARITH-APPEALS-TOTAL"]
    assert ids(select=["sections"], ignore=["warning"]) == ["SECT-MISSING"]  # pack beats severity
    assert ids(select=["ARITH"], ignore=["ARITH"]) == []  # a tie goes to ignore
    assert config.unknown_selectors(RULES, ["ARITH", "NOPE-1", "zeros"]) == ["NOPE-1"]


def test_precedence_and_provenance(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.audit]\nselect = ["sections"]\n', encoding="utf-8")
    cfg = config.load_config(cwd=tmp_path)
    assert cfg["select"] == ["sections"] and "pyproject.toml [tool.audit]" in cfg.source("select")
    (tmp_path / "audit.toml").write_text(
        'ignore = ["ZERO"]\nrules = ["packs/local.yaml"]\nwaivers = "w.yaml"\n'
        '[severity]\n"SECT-MISSING" = "info"\n[points]\n"SECT-MISSING" = 3\n[deadline]\ngovernment = "04-30"\n',
        encoding="utf-8")
    cfg = config.load_config(cwd=tmp_path, cli={"ignore": ["SECT"], "select": None})
    assert cfg.file == tmp_path / "audit.toml"  # audit.toml beats pyproject; files never merge
    assert cfg["select"] == [] and cfg.source("select") == "default"
    assert cfg["ignore"] == ["SECT"] and cfg.source("ignore") == "command line"
    assert cfg["rules"] == [str((tmp_path / "packs/local.yaml").resolve())]
    assert cfg["waivers"] == str((tmp_path / "w.yaml").resolve())
    assert config.deadline_for(cfg, "government") == "04-30" and config.deadline_for(cfg, "township") == "01-31"
    assert cfg.source("deadline.government").endswith("audit.toml")
    assert cfg.source("deadline.township") == "default"
    over = config.apply_overrides(RULES, cfg)
    sect = next(r for r in over if r.id == "SECT-MISSING")
    assert (sect.severity, sect.points) == ("info", 3.0)
    assert config.policy_overrides(cfg) == {"points": {"SECT-MISSING": 3}}
    text = config.format_config(cfg)
    assert 'ignore = ["SECT"]    # command line' in text
    assert '"government" = "04-30"' in text and "audit.toml" in text


def test_explicit_config_file_and_schema_errors(tmp_path):
    f = tmp_path / "custom.toml"
    f.write_text('select = "ARITH"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"custom.toml：字段“select”"):
        config.load_config(f)
    f.write_text('[deadline]\ndefault = "13-01"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match=r"字段“deadline.default”"):
        config.load_config(f)
    f.write_text('colour = "red"\n', encoding="utf-8")
    with pytest.raises(config.ConfigError, match="colour"):
        config.load_config(f)
    with pytest.raises(config.ConfigError, match="no such configuration file"):
        config.load_config(tmp_path / "nope.toml")


def test_audit_config_command_prints_values_and_sources(tmp_path, capsys, monkeypatch):
    (tmp_path / "audit.toml").write_text('select = ["ARITH"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["config", "--rules", "extra.yaml"]) == 0
    out = capsys.readouterr().out
    assert f'select = ["ARITH"]    # {Path("audit.toml").resolve()}' in out or 'select = ["ARITH"]    # ' in out
    assert 'rules = ["extra.yaml"]    # command line' in out
    assert "# default" in out
    (tmp_path / "audit.toml").write_text('select = 1\n', encoding="utf-8")
    assert cli.main(["config"]) == 2


def test_schema_errors_are_explained_in_chinese():
    import jsonschema

    from audit.contracts.schema_errors import explain, field_path

    schema = {"type": "object", "required": ["a"], "properties": {"a": {"type": "integer", "minimum": 1},
                                                                     "b": {"enum": ["x", "y"]}},
              "additionalProperties": False}
    errs = {e.validator: e for e in jsonschema.Draft202012Validator(schema).iter_errors({"b": "z", "c": 1})}
    assert explain(errs["required"]) == "缺少必填项 a" and field_path(errs["required"]) == "a"
    assert explain(errs["enum"]) == "取值 'z' 不在允许的范围内（x、y）"
    assert explain(errs["additionalProperties"]) == "有未知的项 c"
    low = next(jsonschema.Draft202012Validator(schema).iter_errors({"a": 0}))
    assert explain(low) == "应不小于 1，实际为 0" and field_path(low) == "a"
