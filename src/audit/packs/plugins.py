"""Finding and loading plugins: a pluggy plugin manager over the entry-point group ``audit``.

Built-in packs are declared in the ``audit`` entry-point group of this distribution, exactly like
an outside pack, so the core never imports a rule module by name. The core's own pack, output
formats, readers and findings filters are the ``DEFAULT_PLUGINS``: modules registered first on
the same plugin manager through the same hooks (as datasette registers its defaults), so an outside
plugin adds a format or a reader exactly the way the built-in ones are added. Each entry point is loaded on
its own: a pack that fails to import, raises in ``audit_pack``, returns something that is not a
``Pack``, declares another ``api_version`` or repeats a rule id becomes a ``LoadError`` (which
pack, why) and every other pack still loads. A supervisor's run must not die because one local
pack is broken; ``audit rules`` and the run metadata show what was left out.
"""

from __future__ import annotations

import dataclasses
import importlib
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from audit.packs import hookspecs
from audit.packs.extensions import Exporter, FindingFilter, Reader, exporter_problems, reader_problems
from audit.packs.rule import API_VERSION, Pack, Rule

ENTRY_POINT_GROUP = "audit"
CORE_DISTRIBUTION = "audit"
# Registered before any entry point, in this order (the order of outputs and of findings filters).
DEFAULT_PLUGINS = (
    "audit.packs.core",
    "audit.ingest.builtin_readers",
    "audit.ingest.normalised_reader",
    "audit.exporters.builtin_exporters",
    "audit.exporters.sarif",
    "audit.review.waivers",
    "audit.review.baseline",
)


@dataclass(frozen=True)
class LoadError:
    """A pack (or one of its rules) that could not be loaded, and why."""

    source: str  # entry-point name or plugin name
    reason: str
    rule_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "rule_id": self.rule_id, "reason": self.reason}

    def __str__(self) -> str:
        where = f"{self.source} ({self.rule_id})" if self.rule_id else self.source
        return f"{where}: {self.reason}"


@dataclass
class Registry:
    """Everything the plugins gave: packs and their rules (stamped with pack name/version)."""

    packs: list[Pack] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    errors: list[LoadError] = field(default_factory=list)
    plugin_manager: pluggy.PluginManager | None = field(default=None, repr=False)
    exporters: list[Exporter] = field(default_factory=list)
    readers: list[Reader] = field(default_factory=list)
    finding_filters: list[FindingFilter] = field(default_factory=list)

    def rule(self, rule_id: str) -> Rule | None:
        """The rule with this id (case-insensitive), or None."""
        key = rule_id.casefold()
        return next((r for r in self.rules if r.id.casefold() == key), None)

    def exporter(self, name: str) -> Exporter | None:
        """The output format called ``name`` (``--format``), or None."""
        return next((e for e in self.exporters if e.name == name.strip().lower()), None)


def new_plugin_manager() -> pluggy.PluginManager:
    """A plugin manager for project ``audit`` with the hook specifications added."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _entry_points(group: str) -> list[metadata.EntryPoint]:
    """The group's entry points, this distribution's own first, then by distribution and name."""
    seen: set[tuple[str, str]] = set()
    eps = []
    for ep in metadata.entry_points(group=group):
        if (ep.name, ep.value) in seen:  # the same dist visible twice on sys.path
            continue
        seen.add((ep.name, ep.value))
        eps.append(ep)

    def key(ep: metadata.EntryPoint) -> tuple[int, str, str]:
        dist = (ep.dist.name if ep.dist is not None else "") or ""
        return (0 if dist == CORE_DISTRIBUTION else 1, dist, ep.name)

    return sorted(eps, key=key)


def _why(exc: BaseException) -> str:
    return "".join(traceback.format_exception_only(type(exc), exc)).strip()


def load_registry(extra: Iterable[Any] = (), *, entry_points: bool = True, defaults: bool = True,
                  group: str = ENTRY_POINT_GROUP) -> Registry:
    """Load every plugin: the ``DEFAULT_PLUGINS`` (unless ``defaults=False``), the entry-point
    group's (unless ``entry_points=False``), then ``extra``.

    ``extra`` holds plugin objects or modules (tests, ``--rules`` packs); each is registered
    under its ``__name__`` (or ``repr``).
    """
    pm = new_plugin_manager()
    reg = Registry(plugin_manager=pm)
    if defaults:
        for name in DEFAULT_PLUGINS:
            _register(pm, reg, importlib.import_module(name), name)
    if entry_points:
        for ep in _entry_points(group):
            try:
                plugin = ep.load()
            except Exception as exc:  # noqa: BLE001 - any import failure is a load error
                reg.errors.append(LoadError(ep.name, f"cannot import {ep.value}: {_why(exc)}"))
                continue
            _register(pm, reg, plugin, ep.name)
    for plugin in extra:
        _register(pm, reg, plugin, _plugin_name(plugin))
    _collect(pm, reg)
    return reg


def _plugin_name(plugin: Any) -> str:
    return str(getattr(plugin, "__name__", None) or repr(plugin))


def _register(pm: pluggy.PluginManager, reg: Registry, plugin: Any, name: str) -> None:
    if pm.is_registered(plugin) or pm.get_plugin(name) is not None:
        reg.errors.append(LoadError(name, "registered twice; the second registration is ignored"))
        return
    try:
        pm.register(plugin, name=name)
    except Exception as exc:  # noqa: BLE001 - e.g. pluggy.PluginValidationError
        reg.errors.append(LoadError(name, f"not a valid audit plugin: {_why(exc)}"))
        return
    if not pm.get_hookcallers(plugin):
        reg.errors.append(LoadError(name, "declares no @hookimpl (audit_pack, audit_exporters, audit_readers, "
                                          "audit_finding_filters); nothing to load"))


def _collect(pm: pluggy.PluginManager, reg: Registry) -> None:
    """Call each plugin's ``audit_pack`` on its own so one failure cannot hide the others."""
    impls = pm.hook.audit_pack.get_hookimpls()  # registration order
    seen_ids: dict[str, str] = {}
    seen_packs: set[str] = set()
    for impl in impls:
        name = impl.plugin_name
        try:
            result = impl.function()
        except Exception as exc:  # noqa: BLE001 - a pack's own bug
            reg.errors.append(LoadError(name, f"audit_pack() raised {_why(exc)}"))
            continue
        packs: Sequence[Any] = result if isinstance(result, (list, tuple)) else [result]
        for pack in packs:
            _add_pack(reg, name, pack, seen_ids, seen_packs)
    for name, exporter in _hook_results(pm, reg, "audit_exporters"):
        _add_extension(reg, reg.exporters, name, exporter, exporter_problems(exporter), "output format")
    for name, reader in _hook_results(pm, reg, "audit_readers"):
        _add_extension(reg, reg.readers, name, reader, reader_problems(reader), "reader")
    for name, step in _hook_results(pm, reg, "audit_finding_filters"):
        why = [] if isinstance(step, FindingFilter) else [
            f"audit_finding_filters() must return FindingFilter objects, not {type(step).__name__}"]
        _add_extension(reg, reg.finding_filters, name, step, why, "findings filter")


def _hook_results(pm: pluggy.PluginManager, reg: Registry, hook: str) -> list[tuple[str, Any]]:
    """(plugin name, item) for every item the plugins' ``hook`` returned, in registration order;
    a plugin whose hook raises becomes a load error."""
    out: list[tuple[str, Any]] = []
    for impl in getattr(pm.hook, hook).get_hookimpls():
        try:
            result = impl.function()
        except Exception as exc:  # noqa: BLE001 - a plugin's own bug
            reg.errors.append(LoadError(impl.plugin_name, f"{hook}() raised {_why(exc)}"))
            continue
        items = result if isinstance(result, (list, tuple)) else [result]
        out.extend((impl.plugin_name, item) for item in items)
    return out


def _add_extension(reg: Registry, into: list[Any], source: str, item: Any, problems: list[str], kind: str) -> None:
    if problems:
        reg.errors.append(LoadError(source, "; ".join(problems)))
        return
    taken = next((x for x in into if x.name == item.name), None)
    if taken is not None:
        reg.errors.append(LoadError(source, f"a {kind} named {item.name!r} is already registered; this one is ignored"))
        return
    into.append(item)


def _add_pack(reg: Registry, source: str, pack: Any, seen_ids: dict[str, str], seen_packs: set[str]) -> None:
    if not isinstance(pack, Pack):
        reg.errors.append(LoadError(source, f"audit_pack() must return an audit.packs.rule.Pack, not {type(pack).__name__}"))
        return
    if pack.api_version != API_VERSION:
        reg.errors.append(LoadError(
            pack.name or source,
            f"pack written for rule API version {pack.api_version}, this audit provides version {API_VERSION}"))
        return
    if pack.name in seen_packs:
        reg.errors.append(LoadError(source, f"a pack named {pack.name!r} is already loaded"))
        return
    seen_packs.add(pack.name)
    stamped: list[Rule] = []
    for r in pack.rules:
        if not isinstance(r, Rule):
            reg.errors.append(LoadError(pack.name, f"not an audit.packs.rule.Rule: {r!r}"))
            continue
        owner = seen_ids.get(r.id.casefold())
        if owner is not None:
            reg.errors.append(LoadError(pack.name, f"rule id already defined by pack {owner!r}", rule_id=r.id))
            continue
        seen_ids[r.id.casefold()] = pack.name
        stamped.append(dataclasses.replace(r, pack=pack.name, pack_version=pack.version))
    reg.packs.append(dataclasses.replace(pack, rules=tuple(stamped)))
    reg.rules.extend(stamped)
