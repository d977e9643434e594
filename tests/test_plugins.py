"""Plugin discovery: entry points and extra plugins load one by one; broken packs become load errors."""

from __future__ import annotations

import textwrap
from importlib import metadata

import pytest

from audit.packs import plugins
from audit.packs.hookspecs import hookimpl
from audit.packs.rule import API_VERSION, Pack, found, rule


def make_rule(rule_id: str, category: str = "arithmetic"):
    @rule(id=rule_id, title="测试规则", category=category, severity="warning", points=1,
          description="test", fail_example={}, pass_example={})
    def check(corpus):
        return found()

    return check


class GoodPlugin:
    __name__ = "good"

    @hookimpl
    def audit_pack(self):
        return Pack(name="good", version="1.2", rules=[make_rule("GOOD-ONE"), make_rule("GOOD-TWO")])


class RaisingPlugin:
    __name__ = "raising"

    @hookimpl
    def audit_pack(self):
        raise RuntimeError("pack exploded")


class NotAPackPlugin:
    __name__ = "notapack"

    @hookimpl
    def audit_pack(self):
        return {"name": "x"}


class FuturePlugin:
    __name__ = "future"

    @hookimpl
    def audit_pack(self):
        return Pack(name="future", version="9", rules=[make_rule("FUT-ONE")], api_version=API_VERSION + 1)


class DuplicatePlugin:
    __name__ = "dup"

    @hookimpl
    def audit_pack(self):
        return Pack(name="dup", version="1", rules=[make_rule("GOOD-ONE"), make_rule("DUP-OWN")])


class NoHookPlugin:
    __name__ = "nohook"

    def audit_pack(self):  # forgot @hookimpl
        return Pack(name="nohook", version="1", rules=[])


def test_good_plugin_rules_are_stamped_with_pack_name_and_version():
    reg = plugins.load_registry([GoodPlugin()], entry_points=False, defaults=False)
    assert reg.errors == []
    assert [r.id for r in reg.rules] == ["GOOD-ONE", "GOOD-TWO"]
    assert {(r.pack, r.pack_version) for r in reg.rules} == {("good", "1.2")}
    assert reg.rule("good-one").id == "GOOD-ONE"
    assert [p.name for p in reg.packs] == ["good"]


def test_broken_plugins_become_load_errors_and_do_not_stop_others():
    reg = plugins.load_registry([RaisingPlugin(), NotAPackPlugin(), GoodPlugin(), NoHookPlugin()],
                                entry_points=False, defaults=False)
    assert [r.id for r in reg.rules] == ["GOOD-ONE", "GOOD-TWO"]
    by_source = {e.source: e.reason for e in reg.errors}
    assert "pack exploded" in by_source["raising"]
    assert "Pack" in by_source["notapack"]
    assert "no @hookimpl" in by_source["nohook"]


def test_incompatible_api_version_is_rejected_with_a_message():
    reg = plugins.load_registry([FuturePlugin(), GoodPlugin()], entry_points=False, defaults=False)
    assert reg.rule("FUT-ONE") is None
    (err,) = reg.errors
    assert err.source == "future"
    assert f"version {API_VERSION + 1}" in err.reason and f"version {API_VERSION}" in err.reason


def test_duplicate_rule_id_keeps_the_first_and_reports_the_second():
    reg = plugins.load_registry([GoodPlugin(), DuplicatePlugin()], entry_points=False, defaults=False)
    assert [r.id for r in reg.rules] == ["GOOD-ONE", "GOOD-TWO", "DUP-OWN"]
    assert reg.rule("GOOD-ONE").pack == "good"
    (err,) = reg.errors
    assert err.rule_id == "GOOD-ONE" and "good" in err.reason


def test_registering_the_same_plugin_twice_is_an_error_not_a_crash():
    p = GoodPlugin()
    reg = plugins.load_registry([p, p], entry_points=False, defaults=False)
    assert len(reg.rules) == 2
    assert "twice" in reg.errors[0].reason


@pytest.fixture
def fake_entry_points(tmp_path, monkeypatch):
    """An entry-point group with a working pack module, a missing one and one that fails on import."""
    (tmp_path / "h1_good_pack.py").write_text(textwrap.dedent("""
        from audit.packs.hookspecs import hookimpl
        from audit.packs.rule import Pack, found, rule

        @rule(id="EP-GOOD", title="入口点规则", category="metadata", severity="info", points=0,
              description="d", fail_example={}, pass_example={})
        def check(corpus):
            return found()

        @hookimpl
        def audit_pack():
            return Pack(name="epgood", version="0.3", rules=[check])
    """), encoding="utf-8")
    (tmp_path / "h1_bad_import.py").write_text("raise ImportError('needs a library that is not installed')\n",
                                               encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    eps = [
        metadata.EntryPoint(name="missing", value="h1_no_such_module", group="audit"),
        metadata.EntryPoint(name="badimport", value="h1_bad_import", group="audit"),
        metadata.EntryPoint(name="epgood", value="h1_good_pack", group="audit"),
    ]
    monkeypatch.setattr(plugins.metadata, "entry_points", lambda group: [e for e in eps if e.group == group])


def test_entry_points_load_one_by_one(fake_entry_points):
    reg = plugins.load_registry(defaults=False)
    assert [r.id for r in reg.rules] == ["EP-GOOD"]
    assert reg.rules[0].pack == "epgood" and reg.rules[0].pack_version == "0.3"
    reasons = {e.source: e.reason for e in reg.errors}
    assert set(reasons) == {"missing", "badimport"}
    assert "h1_no_such_module" in reasons["missing"]
    assert "not installed" in reasons["badimport"]


def test_entry_points_and_extra_plugins_combine(fake_entry_points):
    reg = plugins.load_registry([GoodPlugin()], defaults=False)
    assert [r.id for r in reg.rules] == ["EP-GOOD", "GOOD-ONE", "GOOD-TWO"]


def test_builtin_packs_are_declared_as_entry_points():
    names = {ep.name: ep.value for ep in metadata.entry_points(group="audit")}
    for pack in ("arithmetic", "structure", "sections", "template", "zeros", "narrative", "metadata",
                 "cross_report"):
        assert names.get(pack) == f"audit.rules.{pack}"


def test_builtin_packs_load_through_entry_points():
    reg = plugins.load_registry()
    loaded = {p.name for p in reg.packs}
    failed = {e.source for e in reg.errors}
    # Every declared built-in either loaded or is reported; none vanishes silently.
    for ep in metadata.entry_points(group="audit"):
        assert ep.name in loaded | failed or any(r.pack == ep.name for r in reg.rules)
    assert all(r.pack and r.pack_version for r in reg.rules)
