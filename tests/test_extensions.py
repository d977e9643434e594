"""Output formats, readers and findings filters are plugins: built-ins and outside ones alike."""

from __future__ import annotations

import json
import types
from pathlib import Path

import pytest

from audit import cli
from audit.exporters import atomic
from audit.ingest import normalise
from audit.ingest.batch import discover_with_skipped
from audit.ingest.extracted import Extracted
from audit.packs import plugins
from audit.packs.extensions import Exporter, FindingFilter, Reader
from audit.packs.hookspecs import hookimpl

REPO = Path(__file__).resolve().parents[1]
SEED = sorted((REPO / "reports").glob("*.txt"))[0]


def _count_lines(path, out):
    return atomic.write_text(path, f"{len(out.findings)} findings in {len(out.scorecard)} reports\n")


def _report_text(data: bytes) -> Extracted:
    return Extracted(text=data.decode("utf-8").removeprefix("REPORT\n"), format="txt", encoding="utf-8")


def _plugin(name, **hooks):
    """A plugin module with the given hook functions, as an outside distribution would ship it."""
    mod = types.ModuleType(name)
    for hook, value in hooks.items():
        setattr(mod, hook, hookimpl(lambda value=value: value))
    return mod


COUNTS = _plugin("counts", audit_exporters=[Exporter("counts", "counts.txt", _count_lines, text=True)])
RPT = _plugin("rpt", audit_readers=[Reader("rpt", (".rpt",), lambda data, suffix: data.startswith(b"REPORT\n"),
                                           extract=_report_text, priority=200)])


@pytest.fixture
def restore_readers():
    saved = normalise._readers
    yield
    normalise._readers = saved


def test_builtins_are_registered_through_the_hooks():
    reg = plugins.load_registry(entry_points=False)
    assert reg.errors == []
    assert [e.name for e in reg.exporters] == ["table", "json", "csv", "scorecard-csv", "xlsx", "html", "sarif"]
    assert {r.name for r in reg.readers} >= {"txt", "md", "html", "docx", "pdf", "normalised"}
    assert [f.name for f in reg.finding_filters] == ["waivers", "baseline"]
    assert [r.id for r in reg.rules] == ["PARSE-UNREADABLE", "CORE-WAIVER-EXPIRED", "CORE-WAIVER-UNUSED"]
    # Each comes from a hook implementation of one of the default plugin modules.
    impls = {i.plugin_name for hook in ("audit_exporters", "audit_readers", "audit_finding_filters", "audit_pack")
             for i in getattr(reg.plugin_manager.hook, hook).get_hookimpls()}
    assert impls == set(plugins.DEFAULT_PLUGINS)


def test_an_outside_output_format_is_one_module(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_registry", lambda args: plugins.load_registry([COUNTS], entry_points=False))
    out = tmp_path / "out"
    assert cli.main(["run", str(SEED), "--out", str(out), "--jobs", "1", "--format", "counts"]) == 0
    printed = capsys.readouterr().out
    assert printed == (out / "counts.txt").read_text(encoding="utf-8")
    assert printed.endswith("findings in 1 reports\n")
    assert {"findings.json", "findings.sarif", "counts.txt"} <= {p.name for p in out.iterdir()}


def test_unknown_format_is_a_usage_error_listing_the_formats(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["run", str(SEED), "--format", "pdf"]) == 2
    err = capsys.readouterr().err
    assert "'pdf'" in err and "sarif" in err and "json" in err
    assert not (tmp_path / "out").exists()


def test_broken_extensions_are_load_errors_not_crashes():
    bad = _plugin("bad", audit_exporters=[Exporter("Bad Name", "x.txt", _count_lines), "not an exporter"],
                  audit_readers=[Reader("half", (".h",), lambda d, s: True)])
    twice = _plugin("twice", audit_exporters=[Exporter("json", "other.json", _count_lines)])
    reg = plugins.load_registry([bad, twice], entry_points=False)
    reasons = " | ".join(str(e) for e in reg.errors)
    assert "lower-case" in reasons and "Exporter objects" in reasons
    assert "exactly one of extract or load" in reasons
    assert "already registered" in reasons
    assert reg.exporter("json").filename == "findings.json"  # the built-in one stays


def test_an_outside_reader_is_one_module(tmp_path, restore_readers):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.rpt").write_bytes(b"REPORT\n" + SEED.read_bytes())
    normalise.use_readers(plugins.load_registry([RPT], entry_points=False).readers)
    files, skipped = discover_with_skipped([folder])
    assert [f.name for f in files] == ["a.rpt"] and skipped == []
    rep = normalise.read_report(folder / "a.rpt", "a")
    plain = normalise.read_report(SEED, "a")
    assert rep["cells"] == plain["cells"] and rep["unit"] == plain["unit"] and rep["cells"]


def test_outside_findings_filters_run_after_the_builtin_ones(tmp_path, monkeypatch):
    seen = []

    def mark(findings, ctx):
        seen.append(("fingerprint" in findings.columns, len(ctx.rules)))
        return findings.assign(waived=True, waiver_reason="外部过滤器")

    extra = _plugin("marker", audit_finding_filters=[FindingFilter("marker", mark)])
    monkeypatch.setattr(cli, "load_registry", lambda args: plugins.load_registry([extra], entry_points=False))
    out = tmp_path / "out"
    (tmp_path / "empty.txt").write_bytes(b"")
    assert cli.main(["run", str(tmp_path / "empty.txt"), "--out", str(out), "--jobs", "1", "--quiet"]) == 0
    assert seen == [(True, 3)]  # after baseline's fingerprints; the core rules ran
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert [f["waiver_reason"] for f in doc["findings"]] == ["外部过滤器"]


@pytest.mark.parametrize("rule_id", ["CORE-WAIVER-EXPIRED", "core-waiver-unused", "PARSE-UNREADABLE"])
def test_core_findings_are_rules_of_the_catalogue(rule_id, capsys):
    assert cli.main(["rules", rule_id]) == 0
    out = capsys.readouterr().out
    assert out.startswith(rule_id.upper()) and "规则包：core" in out
    assert cli.main(["rules"]) == 0
    assert rule_id.upper() in capsys.readouterr().out


def test_the_authoring_guide_exporter_example_works(tmp_path, monkeypatch, capsys):
    guide = (REPO / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = guide[guide.index("## 4. Output formats"):guide.index("## Configuration")]
    block = section[section.index("    from audit.api"):section.index("Every registered format")]
    code = "\n".join(line[4:] for line in block.splitlines())
    assert "from audit.api import" in code and "audit.packs" not in code
    mod = types.ModuleType("guide_counts")
    exec(compile(code, "authoring.md", "exec"), mod.__dict__)  # noqa: S102 - our own documentation
    monkeypatch.setattr(cli, "load_registry", lambda args: plugins.load_registry([mod], entry_points=False))
    out = tmp_path / "out"
    assert cli.main(["run", str(SEED), "--out", str(out), "--jobs", "1", "--format", "counts"]) == 0
    assert capsys.readouterr().out.endswith("条问题\n") and (out / "counts.txt").is_file()
