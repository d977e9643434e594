"""Loading local packs: YAML files (validated by the shipped JSON Schema), Python files and modules."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pluggy
import yaml

from audit.contracts.schema_errors import explain, field_path
from audit.packs import hookspecs
from audit.packs.rule import Pack, Rule
from audit.packs.yamlpack.common import CASE_FILE_PREFIX, YAML_SUFFIXES, LoadError, PackLoadError
from audit.packs.yamlpack.kinds import compile_rule
from audit.packs.yamlpack.limits import load_yaml

# -- schema validation ------------------------------------------------------------------------


@cache
def schema() -> dict[str, Any]:
    """The JSON Schema of a YAML pack, shipped with the package."""
    text = resources.files("audit").joinpath("data/yamlpack.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


def _describe(error: jsonschema.ValidationError, doc: Any) -> str:
    """``规则 X 的字段“a.b”：why`` from a jsonschema error path (in Chinese: a supervisor reads it)."""
    path = list(error.absolute_path)
    where = ""
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = doc.get("rules") if isinstance(doc, dict) else None
        rid = None
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], dict):
            rid = rules[path[1]].get("id")
        where = f"规则 {rid or f'第 {path[1] + 1} 条'} 的"
        path = path[2:]
    field = field_path(error)
    if where:  # the path inside the rule: drop its leading rules.<i>
        field = ".".join(field.split(".")[2:]) or "（整条）"
    msg = explain(error)
    if error.validator == "oneOf" and not path:
        msg = "须且只须写明 equation、section、pattern、threshold 之一"
    return f"{where}字段“{field}”：{msg}"


def validate_pack(doc: Any) -> list[str]:
    """Every schema violation of a parsed YAML pack, as ``rule ID: field 'x': why`` strings."""
    errs = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(e, doc) for e in errs]


# -- loading ----------------------------------------------------------------------------------


def load_yaml_pack(path: str | Path) -> Pack:
    """Read, validate and compile one YAML pack file; raise ``PackLoadError`` naming what is wrong."""
    p = Path(path)
    try:
        doc = load_yaml(p)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackLoadError(f"{p}: cannot read YAML: {exc}") from exc
    return pack_from_dict(doc, source=str(p))


def packaged_yaml_pack(package: str, filename: str) -> Pack:
    """A YAML pack shipped as package data of an installed pack (``pyproject.toml``:
    ``[tool.setuptools.package-data]``): read through ``importlib.resources``, so it works from a
    wheel, an editable install or a zip alike."""

    source = f"{package}/{filename}"
    try:
        text = resources.files(package).joinpath(filename).read_text(encoding="utf-8")
        doc = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ModuleNotFoundError) as exc:
        raise PackLoadError(f"{source}: cannot read YAML: {exc}") from exc
    return pack_from_dict(doc, source=source)


def pack_from_dict(doc: Any, *, source: str = "<yaml>") -> Pack:
    """Compile a parsed YAML pack (already a dict) into a ``Pack``."""
    problems = validate_pack(doc)
    if problems:
        raise PackLoadError(f"{source}: " + "; ".join(problems[:5]))
    name = str(doc["pack"]["name"])
    version = str(doc["pack"]["version"])
    rules: list[Rule] = []
    seen: set[str] = set()
    for spec in doc["rules"]:
        if spec["id"] in seen:
            raise PackLoadError(f"{source}: rule {spec['id']}: field 'id': duplicate rule id")
        seen.add(spec["id"])
        try:
            rules.append(compile_rule(spec, pack=name, pack_version=version))
        except PackLoadError as exc:
            raise PackLoadError(f"{source}: {exc}") from exc
    return Pack(name=name, version=version, rules=tuple(rules), description=str(doc["pack"].get("description", "")))


def load_python_pack(target: str | Path) -> list[Pack]:
    """Import a Python file (by path) or module (dotted name) and collect its ``audit_pack`` hooks."""
    p = Path(target)
    if p.suffix == ".py" or p.exists():
        digest = hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:10]
        mod_name = f"audit_local_{re.sub(r'[^0-9A-Za-z_]', '_', p.stem)}_{digest}"
        spec = importlib.util.spec_from_file_location(mod_name, p)
        if spec is None or spec.loader is None:
            raise PackLoadError(f"{p}: not an importable Python file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except BaseException:
            sys.modules.pop(mod_name, None)
            raise
    else:
        module = importlib.import_module(str(target))
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    pm.register(module)
    packs = pm.hook.audit_pack()
    if not packs:
        raise PackLoadError(f"{target}: no @hookimpl audit_pack found")
    out = []
    for pack in packs:
        if not isinstance(pack, Pack):
            raise PackLoadError(f"{target}: audit_pack returned {type(pack).__name__}, not audit.packs.rule.Pack")
        out.append(with_pack_names(pack))
    return out


def with_pack_names(pack: Pack) -> Pack:
    """The pack with every rule stamped with the pack's name and version (when the rule has none)."""
    rules = tuple(r if r.pack else replace(r, pack=pack.name, pack_version=pack.version) for r in pack.rules)
    return replace(pack, rules=rules)


def _expand(path: Path) -> list[Path]:
    if path.is_dir():
        files = [f for f in sorted(path.iterdir()) if f.is_file()
                 and (f.suffix in YAML_SUFFIXES or (f.suffix == ".py" and not f.name.startswith(("_", "test_"))))
                 and not f.name.startswith(CASE_FILE_PREFIX)]
        return files
    return [path]


def load_rule_paths(paths: Iterable[str | Path]) -> tuple[list[Pack], list[LoadError]]:
    """Load local packs from YAML files, folders of them, Python files or dotted module names.

    A pack that fails to load becomes a ``LoadError`` (its name, its source and why); the others
    still load, so one bad file never stops a run.
    """
    packs: list[Pack] = []
    errors: list[LoadError] = []
    for raw in paths:
        p = Path(raw)
        targets: list[Path | str] = list(_expand(p)) if p.exists() else [str(raw)]
        for t in targets:
            name = Path(t).stem if isinstance(t, Path) else str(t)
            try:
                if isinstance(t, Path) and t.suffix in YAML_SUFFIXES:
                    packs.append(load_yaml_pack(t))
                elif isinstance(t, Path) and t.suffix != ".py":
                    raise PackLoadError(f"{t}: not a YAML pack or Python file")
                else:
                    if isinstance(t, str) and not re.fullmatch(r"[A-Za-z_][\w.]*", t):
                        raise PackLoadError(f"{t}: no such file, folder or module")
                    packs.extend(load_python_pack(t))
            except Exception as exc:  # noqa: BLE001 - any failure of a local pack is reported, not raised
                reason = str(exc) if isinstance(exc, PackLoadError) else f"{type(exc).__name__}: {exc}"
                errors.append(LoadError(pack=_pack_name_hint(t) or name, source=str(t), reason=reason))
    return packs, errors


def _pack_name_hint(target: Path | str) -> str | None:
    """The ``pack.name`` of a YAML file even when the rest of it is broken (for the error)."""
    if isinstance(target, Path) and target.suffix in YAML_SUFFIXES:
        try:
            doc = load_yaml(target)
            return str(doc["pack"]["name"])
        except Exception:  # noqa: BLE001
            return None
    return None



class PackPlugin:
    """A loaded local pack wrapped as a pluggy plugin, so the plugin manager treats it like any other."""

    def __init__(self, pack: Pack, source: str = "") -> None:
        self.pack = pack
        self.__name__ = f"local:{pack.name}" + (f" ({source})" if source else "")

    @hookspecs.hookimpl
    def audit_pack(self) -> Pack:
        return self.pack


def local_plugins(paths: Iterable[str | Path]) -> tuple[list[PackPlugin], list[LoadError]]:
    """``load_rule_paths`` as plugin objects for ``audit.packs.plugins.load_registry(extra=...)``."""
    packs, errors = load_rule_paths(paths)
    return [PackPlugin(p) for p in packs], errors
