"""The command line, in-process through ``audit.cli.main`` and once as the installed console script."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from audit import cli
from audit.contracts import report
from audit.packs import plugins
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import Pack, found, rule

REPO = Path(__file__).resolve().parents[1]
SEEDS = sorted((REPO / "reports").glob("*.txt"))


@rule(id="CLITEST-WARN", title="测试警告", category="metadata", severity="warning", points=1,
      description="fires a warning on every report", fail_example={}, pass_example={})
def _warn_all(corpus):
    return found(corpus.reports["report_id"], "测试警告：每份报告都有")


class _TestPack:
    @hookimpl
    def audit_pack(self):
        return Pack(name="clitest", version="0.0.1", rules=[_warn_all])


@pytest.fixture
def test_pack_only(monkeypatch):
    """Run the CLI with one deterministic pack instead of the built-in ones."""
    monkeypatch.setattr(cli, "load_registry",
                        lambda args: plugins.load_registry([_TestPack()], entry_points=False))


@pytest.fixture
def seeds(tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    for s in SEEDS[:2]:
        shutil.copy(s, d / s.name)
    return d


def test_schema_prints_the_json_schema(capsys):
    assert cli.main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == report.schema()


def test_rules_lists_the_catalogue_and_load_errors(capsys):
    assert cli.main(["rules"]) == 0
    out = capsys.readouterr().out
    assert "PARSE-UNREADABLE" in out and "规则名称" in out and "core" in out


def test_rules_id_describes_one_rule_with_examples(capsys):
    assert cli.main(["rules", "parse-unreadable"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PARSE-UNREADABLE  报告文件无法读取")
    assert '"kind": "empty"' in out and "合格示例" in out


def test_rules_unknown_id_is_a_usage_error(capsys):
    assert cli.main(["rules", "NO-SUCH-RULE"]) == 2
    assert "NO-SUCH-RULE" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["run", "/no/such/path"],
    ["run", "--select", "NO-SUCH-RULE"],
    ["run", "--ignore", "NO-SUCH-RULE"],
    ["run", "--format", "pdf"],
    ["run", "--jobs", "0"],
    ["run", "--no-such-option"],
    ["frobnicate"],
    [],
])
def test_usage_errors_exit_2(argv, capsys, tmp_path, monkeypatch, test_pack_only):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    assert capsys.readouterr().err.strip()
    assert not (tmp_path / "out").exists()


def test_run_writes_outputs_and_exit_codes_follow_fail_on(seeds, tmp_path, capsys, test_pack_only):
    out = tmp_path / "out"
    base = ["run", str(seeds), "--out", str(out), "--jobs", "1", "--ignore", "parse"]
    assert cli.main(base) == 0
    printed = capsys.readouterr()
    for name in ("findings.json", "findings.csv", "scorecard.csv", "scorecard.xlsx"):
        assert (out / name).is_file()
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert {f["rule_id"] for f in data["findings"]} == {"CLITEST-WARN"}
    assert len(data["findings"]) == 2
    assert "已审核 2 份报告" in printed.err
    assert cli.main([*base, "--fail-on", "error"]) == 0  # only warnings
    assert cli.main([*base, "--fail-on", "warning"]) == 1
    assert cli.main([*base, "--fail-on", "warning", "--ignore", "clitest"]) == 0


def test_run_metadata_in_findings_json(seeds, tmp_path, capsys, test_pack_only):
    out = tmp_path / "out"
    assert cli.main(["run", str(seeds), "--out", str(out), "--jobs", "1", "--format", "json"]) == 0
    printed = json.loads(capsys.readouterr().out)  # stdout is exactly findings.json
    on_disk = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert printed == on_disk
    meta = next(v for v in on_disk.values() if isinstance(v, dict) and "rules_run" in v)
    assert meta["input_count"] == 2 and meta["report_count"] == 2
    assert meta["rules_run"] == ["PARSE-UNREADABLE", "CORE-WAIVER-EXPIRED", "CORE-WAIVER-UNUSED", "CLITEST-WARN"]
    assert meta["rule_errors"] == [] and meta["pack_load_errors"] == []
    assert meta["tool_version"] and meta["started"] <= meta["finished"]


def test_unreadable_file_is_a_parse_error_that_trips_fail_on_error(tmp_path, capsys, test_pack_only):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    argv = ["run", str(tmp_path / "empty.txt"), "--out", str(out), "--jobs", "1", "--quiet"]
    assert cli.main([*argv, "--fail-on", "error"]) == 1
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    parse = [f for f in data["findings"] if f["rule_id"] == "PARSE-UNREADABLE"]
    assert [f["report_id"] for f in parse] == ["empty"]
    assert capsys.readouterr().out == ""  # --quiet


def test_crashing_rule_is_shown_and_does_not_change_the_exit_code(seeds, tmp_path, capsys, monkeypatch):
    @rule(id="CLITEST-BOOM", title="崩溃", category="metadata", severity="error", points=5,
          description="raises", fail_example={}, pass_example={})
    def boom(corpus):
        raise RuntimeError("rule bug")

    class Boom:
        @hookimpl
        def audit_pack(self):
            return Pack(name="boom", version="1", rules=[boom])

    monkeypatch.setattr(cli, "load_registry", lambda args: plugins.load_registry([Boom()], entry_points=False))
    out = tmp_path / "out"
    assert cli.main(["run", str(seeds), "--out", str(out), "--jobs", "1", "--ignore", "parse",
                     "--fail-on", "error"]) == 0
    assert "CLITEST-BOOM" in capsys.readouterr().out and "rule bug" in (out / "findings.json").read_text("utf-8")


def test_run_without_path_uses_packaged_reports_outside_the_repo(tmp_path, monkeypatch, capsys, test_pack_only):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--jobs", "1", "--ignore", "parse"]) == 0
    err = capsys.readouterr().err
    assert "自带的示例报告" in err and "已审核 5 份报告" in err
    assert (tmp_path / "out" / "findings.json").is_file()


def test_run_without_path_prefers_local_reports_folder(tmp_path, monkeypatch, capsys, test_pack_only):
    (tmp_path / "reports").mkdir()
    shutil.copy(SEEDS[0], tmp_path / "reports" / SEEDS[0].name)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", "--jobs", "1", "--format", "csv"]) == 0
    captured = capsys.readouterr()
    assert "./reports" in captured.err and "已审核 1 份报告" in captured.err
    assert captured.out.splitlines()[0].startswith("报告编号")


def test_normalise_writes_one_valid_json_per_input(seeds, tmp_path, capsys):
    (seeds / "sub").mkdir()
    shutil.copy(SEEDS[0], seeds / "sub" / SEEDS[0].name)  # same stem twice → ids that say which path
    out = tmp_path / "norm"
    assert cli.main(["normalise", str(seeds), "--out", str(out), "--jobs", "1"]) == 0
    written = sorted(p.name for p in out.glob("*.json"))
    # the two copies' ids say which folder each came from
    assert written == sorted([f"{seeds.name}__{SEEDS[0].stem}.json", f"sub__{SEEDS[0].stem}.json",
                              f"{SEEDS[1].stem}.json"])
    for p in out.glob("*.json"):
        rep = json.loads(p.read_text(encoding="utf-8"))
        report.validate(rep)
        assert p.stem == rep["report_id"]
    assert "已将 3 份报告规范化" in capsys.readouterr().out


def test_installed_console_script_end_to_end(tmp_path):
    exe = Path(sys.executable).with_name("audit")
    assert exe.exists(), "the audit console script is not installed in this environment"
    out = tmp_path / "out"
    done = subprocess.run([str(exe), "run", str(REPO / "reports"), "--out", str(out), "--jobs", "2"],
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "已审核 5 份报告" in done.stderr
    for name in ("findings.json", "findings.csv", "scorecard.csv", "scorecard.xlsx"):
        assert (out / name).is_file()
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert data["findings"] is not None
    bad = subprocess.run([str(exe), "run", str(tmp_path / "missing")], capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert bad.returncode == 2 and "missing" in bad.stderr


@pytest.mark.parametrize("fmt, name", [("xlsx", "scorecard.xlsx"), ("html", "report.html")])
def test_binary_and_html_formats_print_the_file_path(fmt, name, seeds, tmp_path, capsys, test_pack_only):
    out = tmp_path / "out"
    assert cli.main(["run", str(seeds), "--out", str(out), "--jobs", "1", "--format", fmt]) == 0
    printed = capsys.readouterr().out.strip()
    if fmt == "html" and not (out / name).exists():
        pytest.skip("the HTML exporter is not installed")
    assert printed == str(out / name)


@pytest.mark.parametrize("extra, parse_expected", [
    (["--select", "clitest"], True),  # --select never hides an unreadable file
    (["--ignore", "parse"], False),  # only an explicit --ignore does
    (["--ignore", "PARSE-UNREADABLE"], False),
])
def test_parse_findings_survive_select_and_fall_to_ignore(extra, parse_expected, tmp_path, test_pack_only):
    (tmp_path / "empty.txt").write_bytes(b"")
    out = tmp_path / "out"
    assert cli.main(["run", str(tmp_path / "empty.txt"), "--out", str(out), "--jobs", "1", "--quiet", *extra]) == 0
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    rule_ids = {f["rule_id"] for f in data["findings"]}
    assert ("PARSE-UNREADABLE" in rule_ids) is parse_expected
    assert "CLITEST-WARN" in rule_ids
