"""Run configuration: ``audit.toml`` / ``[tool.audit]`` / ``--config FILE``, with provenance.

Where values come from, lowest to highest precedence:

1. built-in defaults;
2. one configuration file: ``--config FILE`` if given, else ``audit.toml`` in the working
   directory, else the ``[tool.audit]`` table of ``pyproject.toml`` there (the first one found is
   the only one read, as with ruff; files are never merged with each other);
3. command-line options.

Lists (``select``, ``ignore``, ``rules``) are replaced by a higher layer; tables (``severity``,
``points``, ``deadline``) are merged key by key. Paths in a file (``rules``, ``waivers``,
``policy``) are relative to that file. ``audit config`` prints the effective configuration and,
for every value, where it came from.

Selection (``select``/``ignore``) follows ``audit.packs.selection``, the one semantics of every
caller: the most specific selector wins, whichever list it is in.
"""

from __future__ import annotations

import copy
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from audit.contracts.schema_errors import explain, field_path
from audit.packs.rule import Rule
from audit.packs.selection import is_selected, select_rules, specificity, unknown_selectors

DEFAULT_SOURCE = "default"
CLI_SOURCE = "command line"
CONFIG_FILE = "audit.toml"

# Selection lives in ``audit.packs.selection``; these names stay importable from here.
__all__ = ["Config", "ConfigError", "apply_overrides", "deadline_for", "format_config", "is_selected",
           "load_config", "policy_overrides", "select_rules", "specificity", "unknown_selectors"]

DEFAULTS: dict[str, Any] = {
    "select": [],
    "ignore": [],
    "rules": [],
    "waivers": None,
    "policy": None,
    "severity": {},
    "points": {},
    "grades": None,  # None: the scoring policy's own bands
    # Deadline in the year after the reporting year (DESIGN.md): 31 January for departments,
    # townships and sub-districts, 31 March for a government's summary report.
    "deadline": {"default": "01-31", "department": "01-31", "township": "01-31", "government": "03-31"},
    # Thresholds of the checks packs (year_over_year, ratios, problems_section, unit_kind); rules read
    # them from ``corpus.options`` under the same names.
    "check_thresholds": {"repeat_share": 0.5, "min_cases": 30, "max_correction_rate": 0.2, "min_disclosure_rate": 0.3,
               "max_denial_rate": 0.2, "max_carry_rate": 0.3, "template_reports": 5, "township_decisions": 1000},
}
_TABLES = ("severity", "points", "deadline", "check_thresholds")
_PATHS = ("waivers", "policy")


class ConfigError(ValueError):
    """A configuration file that cannot be read or breaks the schema (names the file and field)."""


@dataclass
class Config:
    """The effective configuration and the source of each value (``key`` or ``table.key``)."""

    values: dict[str, Any]
    sources: dict[str, str] = field(default_factory=dict)
    file: Path | None = None

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.values.get(key, default)

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT_SOURCE)


@cache
def schema() -> dict[str, Any]:
    text = resources.files("audit").joinpath("data/config.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


def validate(data: Mapping[str, Any], name: str = "<config>") -> None:
    """Raise ``ConfigError`` naming the file and the field of the first schema violation."""
    cls = jsonschema.validators.validator_for(schema())
    errs = sorted(cls(schema()).iter_errors(dict(data)), key=lambda e: list(map(str, e.absolute_path)))
    if errs:
        e = errs[0]
        raise ConfigError(f"{name}：字段“{field_path(e)}”：{explain(e)}")


def find_config_file(cwd: str | Path | None = None) -> tuple[Path, dict[str, Any]] | None:
    """The configuration file of a working directory and its ``audit`` table, or None."""
    base = Path(cwd or Path.cwd())
    own = base / CONFIG_FILE
    if own.is_file():
        return own, _read_toml(own)
    py = base / "pyproject.toml"
    if py.is_file():
        tool = _read_toml(py).get("tool", {})
        if isinstance(tool, dict) and "audit" in tool:
            return py, tool["audit"]
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read TOML: {exc}") from exc


def _resolve_paths(data: dict[str, Any], base: Path) -> dict[str, Any]:
    out = dict(data)
    if "rules" in out:
        out["rules"] = [_rel(p, base) for p in out["rules"]]
    for key in _PATHS:
        if out.get(key):
            out[key] = _rel(out[key], base)
    return out


def _rel(p: str, base: Path) -> str:
    """A path of a file made absolute against the file's folder; a dotted module name kept."""
    q = Path(p)
    if q.is_absolute():
        return p
    looks_like_path = "/" in p or "\\" in p or q.suffix in (".yaml", ".yml", ".py", ".toml") or (base / q).exists()
    return str((base / q).resolve()) if looks_like_path else p


def _merge(cfg: Config, layer: Mapping[str, Any], source: str) -> None:
    for key, value in layer.items():
        if value is None and key not in _PATHS:
            continue
        if key in _TABLES and isinstance(value, Mapping):
            cfg.values[key] = {**cfg.values.get(key, {}), **value}
            for sub in value:
                cfg.sources[f"{key}.{sub}"] = source
        else:
            cfg.values[key] = copy.deepcopy(value)
            cfg.sources[key] = source


def load_config(path: str | Path | None = None, *, cwd: str | Path | None = None,
                cli: Mapping[str, Any] | None = None) -> Config:
    """Defaults, then the configuration file (``path`` or the one found in ``cwd``), then ``cli``.

    ``cli`` has the file's shape (e.g. ``{"select": ["ARITH"], "waivers": "w.yaml"}``); keys whose
    value is None are "not given".
    """
    cfg = Config(values=copy.deepcopy(DEFAULTS))
    for key, value in DEFAULTS.items():
        if key in _TABLES:
            for sub in value:
                cfg.sources[f"{key}.{sub}"] = DEFAULT_SOURCE
        else:
            cfg.sources[key] = DEFAULT_SOURCE
    if path is not None:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"{p}: no such configuration file")
        data = _read_toml(p)
        if p.name == "pyproject.toml":
            data = data.get("tool", {}).get("audit", {})
        found: tuple[Path, dict[str, Any]] | None = (p, data)
    else:
        found = find_config_file(cwd)
    if found is not None:
        fpath, data = found
        label = str(fpath) + (" [tool.audit]" if fpath.name == "pyproject.toml" else "")
        validate(data, label)
        _merge(cfg, _resolve_paths(data, fpath.parent.resolve()), label)
        cfg.file = fpath
    if cli:
        given = {k: v for k, v in cli.items() if v is not None and v != [] and v != {}}
        validate(given, CLI_SOURCE)
        _merge(cfg, given, CLI_SOURCE)
    return cfg


def format_config(cfg: Config) -> str:
    """The effective configuration as TOML-like lines, each with the source of its value."""
    lines = [f"# configuration file: {cfg.file or '(none found; defaults)'}"]
    for key in DEFAULTS:
        value = cfg.values.get(key)
        if key in _TABLES:
            lines.append(f"[{key}]")
            for sub, v in sorted((value or {}).items()):
                lines.append(f"  {json.dumps(sub, ensure_ascii=False)} = {json.dumps(v, ensure_ascii=False)}"
                             f"    # {cfg.source(f'{key}.{sub}')}")
        else:
            lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}    # {cfg.source(key)}")
    return "\n".join(lines)


def apply_overrides(rules: Iterable[Rule], cfg: Config) -> list[Rule]:
    """Rules with the configuration's per-rule severity and points overrides applied."""
    sev: dict[str, str] = cfg.get("severity") or {}
    pts: dict[str, float] = cfg.get("points") or {}
    out = []
    for r in rules:
        changes: dict[str, Any] = {}
        if r.id in sev:
            changes["severity"] = sev[r.id]
        if r.id in pts:
            changes["points"] = float(pts[r.id])
        out.append(replace(r, **changes) if changes else r)
    return out


def policy_overrides(cfg: Config) -> dict[str, Any]:
    """The part of the configuration that goes to ``audit.scoring.policy.load_policy(overrides=...)``."""
    out: dict[str, Any] = {}
    if cfg.get("points"):
        out["points"] = dict(cfg["points"])
    if cfg.get("grades"):
        out["grades"] = [dict(g) for g in cfg["grades"]]
    return out


def deadline_for(cfg: Config, unit_kind: str = "default") -> str:
    """The publication deadline (MM-DD of the following year) for a kind of unit."""
    dl = cfg.get("deadline") or {}
    return str(dl.get(unit_kind) or dl.get("default") or DEFAULTS["deadline"]["default"])
