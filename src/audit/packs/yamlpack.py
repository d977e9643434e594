"""Declarative YAML rule packs and discovery of local packs given with ``--rules PATH``.

A local author writes a rule in a few lines of YAML instead of Python (see ``docs/authoring.md``
and ``rules/examples/``). Each YAML rule has exactly one kind:

- ``equation``: ``lhs`` ``op`` ``rhs`` over sums of canonical cells (``table/row/col``), or an
  ``expr`` string evaluated by ``pandas.DataFrame.eval`` on a wide frame of the cells it names.
  The expression may only contain cell keys, numbers, arithmetic, comparisons, ``and``/``or``/
  ``not`` and ``abs``: every other name is refused when the pack loads (no Python eval/exec).
- ``section``: a section that must be present (canonical name or title regex), optionally with
  text that must appear in it;
- ``pattern``: a regex that must (or must not) appear in the report text or one section;
- ``threshold``: one cell compared with a constant.

Any rule may carry ``when`` (unit-name regex, edition, year range) to restrict the reports it
applies to. Every kind compiles into an ordinary ``audit.packs.rule.Rule`` whose check is one pandas pass
over the whole corpus.

Cell semantics: a report that does not have a cell at all (other edition, table missing) is not
checked by a rule that needs it (the structure pack reports missing tables); a cell printed blank
counts as 0 in equations (``blank: skip`` skips the report instead) and is skipped by thresholds
(``blank: zero`` counts it as 0).
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import re
import string
import sys
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema
import numpy as np
import pandas as pd
import pluggy
import yaml

from audit.contracts import catalogue
from audit.packs import hookspecs
from audit.packs.rule import Pack, Rule, fmt_series, found

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

YAML_SUFFIXES = (".yaml", ".yml")
CASE_FILE_PREFIX = "audit_cases"
_CELL_RE = re.compile(r"\b(active|requests|appeals)/([a-z_]+)/([a-z_]+)\b")
# What may remain of an ``expr`` once its cell keys are replaced by aliases.
_EXPR_TOKEN = re.compile(r"\s+|cell_\d+|\d+(?:\.\d+)?|==|!=|<=|>=|<|>|\*\*|[-+*/%()]|\band\b|\bor\b|\bnot\b|\babs\b")
_COMPARISONS = ("==", "!=", "<=", ">=", "<", ">")
_OP_ZH = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}
# Placeholders a message template may use, per rule kind.
PLACEHOLDERS = {
    "equation": {"lhs", "rhs", "op", "place", "unit", "year", "report_id"},
    "threshold": {"value", "threshold", "op", "place", "unit", "year", "report_id"},
    "section": {"section", "place", "unit", "year", "report_id"},
    "pattern": {"match", "place", "unit", "year", "report_id"},
}


class PackLoadError(Exception):
    """A local pack could not be loaded; ``str()`` names the file, the rule and the field."""


@dataclass(frozen=True)
class LoadError:
    """One pack that failed to load: which one and why (the run goes on without it)."""

    pack: str
    source: str
    reason: str

    def __str__(self) -> str:
        return f"{self.pack} ({self.source}): {self.reason}"


# --------------------------------------------------------------------------------------------
# schema validation


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
    """``rule X: field 'a.b': message`` from a jsonschema error path."""
    path = list(error.absolute_path)
    where = ""
    if len(path) >= 2 and path[0] == "rules" and isinstance(path[1], int):
        rules = doc.get("rules") if isinstance(doc, dict) else None
        rid = None
        if isinstance(rules, list) and path[1] < len(rules) and isinstance(rules[path[1]], dict):
            rid = rules[path[1]].get("id")
        where = f"rule {rid or f'#{path[1] + 1}'}: "
        path = path[2:]
    field = ".".join(map(str, path)) or "<top>"
    msg = error.message
    if error.validator == "oneOf" and not path:
        msg = "needs exactly one of equation, section, pattern, threshold"
    elif error.validator == "oneOf":
        msg = f"does not match any allowed form ({msg[:120]})"
    if error.validator == "required" and error.validator_value:
        missing = [k for k in error.validator_value if k not in (error.instance or {})]
        if missing:
            field = ".".join(map(str, [*path, missing[0]]))
    return f"{where}field '{field}': {msg}"


def validate_pack(doc: Any) -> list[str]:
    """Every schema violation of a parsed YAML pack, as ``rule ID: field 'x': why`` strings."""
    errs = sorted(_validator().iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    return [_describe(e, doc) for e in errs]


# --------------------------------------------------------------------------------------------
# loading


def load_yaml_pack(path: str | Path) -> Pack:
    """Read, validate and compile one YAML pack file; raise ``PackLoadError`` naming what is wrong."""
    p = Path(path)
    try:
        doc = yaml.safe_load(p.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackLoadError(f"{p}: cannot read YAML: {exc}") from exc
    return pack_from_dict(doc, source=str(p))


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
            doc = yaml.safe_load(target.read_text(encoding="utf-8"))
            return str(doc["pack"]["name"])
        except Exception:  # noqa: BLE001
            return None
    return None


# --------------------------------------------------------------------------------------------
# compiling one rule


def compile_rule(spec: dict[str, Any], *, pack: str = "", pack_version: str = "") -> Rule:
    """Turn one validated YAML rule into a vectorised ``Rule``."""
    kind = next(k for k in ("equation", "section", "pattern", "threshold") if k in spec)
    rid = spec["id"]
    _check_placeholders(rid, spec["message"], kind)
    when = _compile_when(rid, spec.get("when"))
    body = spec[kind]
    if kind == "equation":
        check = _equation_check(rid, body, spec["message"])
    elif kind == "threshold":
        check = _threshold_check(rid, body, spec["message"])
    elif kind == "section":
        check = _section_check(rid, body, spec["message"])
    else:
        check = _pattern_check(rid, body, spec["message"])

    def run(corpus: Corpus) -> pd.DataFrame:
        return check(corpus, when(corpus))

    run.__name__ = f"yaml_{rid.replace('-', '_').lower()}"
    run.__doc__ = spec["description"]
    return Rule(id=rid, title=spec["title"], category=spec["category"], severity=spec["severity"],
                points=float(spec["points"]), description=spec["description"],
                fail_example=dict(spec["examples"]["fail"]), pass_example=dict(spec["examples"]["pass"]),
                check=run, pack=pack, pack_version=pack_version)


def _check_placeholders(rid: str, template: str, kind: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}
    except ValueError as exc:
        raise PackLoadError(f"rule {rid}: field 'message': {exc}") from exc
    bad = sorted(names - PLACEHOLDERS[kind])
    if bad:
        raise PackLoadError(f"rule {rid}: field 'message': unknown placeholder {{{bad[0]}}} "
                            f"(a {kind} rule offers {', '.join(sorted(PLACEHOLDERS[kind]))})")


def _regex(rid: str, field: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise PackLoadError(f"rule {rid}: field '{field}': invalid regex {pattern!r}: {exc}") from exc


def _compile_when(rid: str, when: dict[str, Any] | None) -> Callable[[Corpus], pd.Series]:
    """A function giving, per report (indexed by report_id), whether the rule applies to it."""
    when = when or {}
    unit = _regex(rid, "when.unit", when["unit"]) if "unit" in when else None
    unit_not = _regex(rid, "when.unit_not", when["unit_not"]) if "unit_not" in when else None

    def applies(corpus: Corpus) -> pd.Series:
        reps = corpus.reports
        ok = pd.Series(True, index=reps.index)
        units = reps["unit"].astype(object).where(reps["unit"].notna(), "").astype(str)
        if unit is not None:
            ok &= units.str.contains(unit, regex=True) & reps["unit"].notna()
        if unit_not is not None:
            ok &= ~units.str.contains(unit_not, regex=True)
        if "edition" in when:
            ok &= (reps["edition"].astype(object) == when["edition"]).fillna(False).astype(bool)
        if "year_min" in when:
            ok &= (reps["year"] >= when["year_min"]).fillna(False).astype(bool)
        if "year_max" in when:
            ok &= (reps["year"] <= when["year_max"]).fillna(False).astype(bool)
        return pd.Series(ok.to_numpy(dtype=bool), index=pd.Index(reps["report_id"].astype(str), name="report_id"))

    return applies


# -- shared helpers ---------------------------------------------------------------------------


def _ids(corpus: Corpus) -> pd.Index:
    return pd.Index(corpus.reports["report_id"].astype(str), name="report_id")


def cell_values(corpus: Corpus, key: str) -> tuple[pd.Series, pd.Series]:
    """(values, present) of one canonical cell for every report, indexed by report_id."""
    table, row, col = key.split("/")
    ids = _ids(corpus)
    values = pd.Series(np.nan, index=ids, dtype="float64")
    present = pd.Series(False, index=ids, dtype=bool)
    wide = corpus.wide(table)
    pres = corpus.present(table)
    if len(pres) and col in pres.columns and row in set(pres.index.get_level_values("row").astype(str)):
        p = pres.xs(row, level="row")[col]
        present = p.set_axis(p.index.astype(str)).reindex(ids, fill_value=False).astype(bool)
        if col in wide.columns:
            v = wide.xs(row, level="row")[col]
            values = v.set_axis(v.index.astype(str)).reindex(ids).astype("float64")
    return values, present


def _report_fields(corpus: Corpus) -> dict[str, pd.Series]:
    reps = corpus.reports
    ids = _ids(corpus)
    unit = reps["unit"].astype(object).where(reps["unit"].notna(), "（未署名单位）")
    year = reps["year"].astype(object).where(reps["year"].notna(), "（年度不明）")
    return {"unit": pd.Series(unit.to_numpy(), index=ids).astype(str),
            "year": pd.Series(year.to_numpy(), index=ids).astype(str),
            "report_id": pd.Series(ids, index=ids).astype(str)}


def render(template: str, fields: dict[str, Any], index: pd.Index) -> pd.Series:
    """Fill a message template for many findings at once (string concatenation of columns)."""
    out = pd.Series("", index=index, dtype=object)
    for literal, name, _spec, _conv in string.Formatter().parse(template):
        if literal:
            out = out + literal
        if name is not None:
            v = fields[name]
            v = v.reindex(index) if isinstance(v, pd.Series) else pd.Series(v, index=index)
            out = out + v.astype(object).astype(str)
    return out


def _place(key: str) -> str:
    t, r, c = key.split("/")
    return catalogue.load().place(t, r, c)


def _compare(lhs: pd.Series, op: str, rhs: pd.Series | float) -> pd.Series:
    if op == "==":
        return (lhs - rhs).abs() < 1e-6
    if op == "!=":
        return (lhs - rhs).abs() >= 1e-6
    return {"<=": lhs <= rhs, ">=": lhs >= rhs, "<": lhs < rhs, ">": lhs > rhs}[op]


# -- equation ---------------------------------------------------------------------------------


def _split_top_comparison(expr: str) -> tuple[str, str, str] | None:
    """``(lhs, op, rhs)`` when ``expr`` is one comparison at paren depth 0 without and/or."""
    if re.search(r"\b(and|or|not)\b|[&|~]", expr):
        return None
    depth, hits = 0, []
    i = 0
    while i < len(expr):
        ch = expr[i]
        depth += ch == "("
        depth -= ch == ")"
        two = expr[i:i + 2]
        if depth == 0 and two in ("==", "!=", "<=", ">="):
            hits.append((i, two))
            i += 2
            continue
        if depth == 0 and ch in "<>":
            hits.append((i, ch))
        i += 1
    if len(hits) != 1:
        return None
    pos, op = hits[0]
    return expr[:pos].strip(), op, expr[pos + len(op):].strip()


def _compile_expr(rid: str, expr: str) -> tuple[str, list[str]]:
    """Replace cell keys by aliases and refuse anything but arithmetic, comparisons and logic."""
    cells: list[str] = []

    def alias(m: re.Match[str]) -> str:
        key = m.group(0)
        _check_cell(rid, "equation.expr", key)
        if key not in cells:
            cells.append(key)
        return f"cell_{cells.index(key)}"

    body = _CELL_RE.sub(alias, expr)
    pos = 0
    while pos < len(body):
        m = _EXPR_TOKEN.match(body, pos)
        if not m:
            raise PackLoadError(f"rule {rid}: field 'equation.expr': not allowed at {body[pos:pos + 12]!r} "
                                "(only cell keys table/row/col, numbers, + - * / %, comparisons, and/or/not, abs)")
        pos = m.end()
    if not cells:
        raise PackLoadError(f"rule {rid}: field 'equation.expr': names no cell (write cells as table/row/col)")
    probe = pd.DataFrame({f"cell_{i}": [0.0, 1.0] for i in range(len(cells))})
    try:
        res = probe.eval(body, engine="python")
    except Exception as exc:  # noqa: BLE001
        raise PackLoadError(f"rule {rid}: field 'equation.expr': cannot evaluate: {exc}") from exc
    if not (isinstance(res, pd.Series) and res.dtype == bool):
        raise PackLoadError(f"rule {rid}: field 'equation.expr': must be a condition (a comparison), "
                            "true when the report is correct")
    return body, cells


def _check_cell(rid: str, field: str, key: str) -> None:
    t, r, c = key.split("/")
    keys = catalogue.load().all_keys()
    if r not in keys["row"] or c not in keys["col"]:
        raise PackLoadError(f"rule {rid}: field '{field}': unknown canonical cell {key!r}")


def _equation_check(rid: str, eq: dict[str, Any], template: str):
    blank = eq.get("blank", "zero")
    if "expr" in eq:
        body, cells = _compile_expr(rid, eq["expr"])
        split = _split_top_comparison(body)
        op = split[1] if split else ""
        at = eq.get("at") or cells[0]
    else:
        for side in ("lhs", "rhs"):
            for i, key in enumerate(eq[side]):
                _check_cell(rid, f"equation.{side}.{i}", key)
        cells = list(dict.fromkeys([*eq["lhs"], *eq["rhs"]]))
        body, split, op = "", None, eq["op"]
        at = eq.get("at") or eq["lhs"][0]
    _check_cell(rid, "equation.at", at)
    table, row, col = at.split("/")
    place = _place(at)

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        vals: dict[str, pd.Series] = {}
        ok = applies.copy()
        for key in cells:
            v, present = cell_values(corpus, key)
            ok &= present
            if blank == "skip":
                ok &= v.notna()
            vals[key] = v.fillna(0.0)
        if "expr" in eq:
            frame = pd.DataFrame({f"cell_{i}": vals[k] for i, k in enumerate(cells)})
            holds = frame.eval(body, engine="python").astype(bool)
            if split:
                lhs = frame.eval(split[0], engine="python")
                rhs = frame.eval(split[2], engine="python")
                lhs = lhs if isinstance(lhs, pd.Series) else pd.Series(lhs, index=frame.index)
                rhs = rhs if isinstance(rhs, pd.Series) else pd.Series(rhs, index=frame.index)
            else:
                lhs = rhs = pd.Series(np.nan, index=frame.index)
        else:
            lhs = sum((vals[k] for k in eq["lhs"]), pd.Series(0.0, index=applies.index))
            rhs = sum((vals[k] for k in eq["rhs"]), pd.Series(0.0, index=applies.index))
            holds = _compare(lhs, op, rhs)
        bad = ok & ~holds
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        fields = {**_report_fields(corpus), "lhs": fmt_series(lhs.reindex(idx)), "rhs": fmt_series(rhs.reindex(idx)),
                  "op": _OP_ZH.get(op, op), "place": place}
        return found(pd.Series(idx), render(template, fields, idx), table=table, row=row, col=col,
                     expected=rhs.reindex(idx).to_numpy(dtype=object), actual=lhs.reindex(idx).to_numpy(dtype=object))

    return check


# -- threshold --------------------------------------------------------------------------------


def _threshold_check(rid: str, th: dict[str, Any], template: str):
    key, op, limit = th["cell"], th["op"], float(th["value"])
    table, row, col = key.split("/")
    place = _place(key)
    blank = th.get("blank", "skip")

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        v, present = cell_values(corpus, key)
        ok = applies & present
        if blank == "zero":
            v = v.fillna(0.0)
        else:
            ok &= v.notna()
        bad = ok & ~_compare(v, op, limit)
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        fields = {**_report_fields(corpus), "value": fmt_series(v.reindex(idx)), "threshold": fmt_series(
            pd.Series(limit, index=idx)), "op": _OP_ZH[op], "place": place}
        return found(pd.Series(idx), render(template, fields, idx), table=table, row=row, col=col,
                     expected=f"{_OP_ZH[op]}{fmt_series(pd.Series([limit])).iloc[0]}",
                     actual=v.reindex(idx).to_numpy(dtype=object))

    _check_cell(rid, "threshold.cell", key)
    return check


# -- section ----------------------------------------------------------------------------------


def _section_check(rid: str, sec: Any, template: str):
    if isinstance(sec, str):
        sec = {"canonical": sec} if sec in catalogue.SECTION_KEYS else {"title": sec}
    canonical = sec.get("canonical")
    title_re = _regex(rid, "section.title", sec["title"]) if "title" in sec else None
    contains = _regex(rid, "section.contains", sec["contains"]) if "contains" in sec else None
    printed = catalogue.load().section_title(canonical) if canonical else sec["title"]

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        s = corpus.sections
        match = pd.Series(False, index=s.index)
        if canonical:
            match |= (s["canonical"].astype(object) == canonical).fillna(False).astype(bool)
        if title_re is not None:
            match |= s["title"].astype(object).astype(str).str.contains(title_re, regex=True)
        hit = s[match]
        has = pd.Series(applies.index.isin(hit["report_id"].astype(str).unique()), index=applies.index)
        actual = pd.Series("缺失", index=applies.index, dtype=object)
        bad = applies & ~has
        if contains is not None:
            text = hit.assign(report_id=hit["report_id"].astype(str)).groupby("report_id", sort=False)["text"].agg(
                "\n".join)
            said = text.astype(object).astype(str).str.contains(contains, regex=True).reindex(applies.index,
                                                                                              fill_value=False)
            silent = applies & has & ~said.astype(bool)
            actual[silent] = "未提及"
            bad |= silent
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        fields = {**_report_fields(corpus), "section": printed, "place": f"「{printed}」"}
        return found(pd.Series(idx), render(template, fields, idx),
                     expected=contains.pattern if contains is not None else printed,
                     actual=actual.reindex(idx).to_numpy(dtype=object))

    return check


# -- pattern ----------------------------------------------------------------------------------


def _pattern_check(rid: str, pat: dict[str, Any], template: str):
    rx = _regex(rid, "pattern.regex", pat["regex"])
    _regex(rid, "pattern.regex", f"({pat['regex']})")
    scope = pat.get("section")
    must_appear = pat["must"] == "appear"
    place = f"「{catalogue.load().section_title(scope)}」" if scope else "报告正文"

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        if scope:
            s = corpus.sections
            s = s[(s["canonical"].astype(object) == scope).fillna(False).astype(bool)]
            text = s.assign(report_id=s["report_id"].astype(str)).groupby("report_id", sort=False)["text"].agg("\n".join)
            text = text.reindex(applies.index, fill_value="")
        else:
            text = corpus.report_text()
            text = pd.Series(text.to_numpy(), index=pd.Index(text.index.astype(str), name="report_id")).reindex(
                applies.index, fill_value="")
        text = text.astype(object).fillna("").astype(str)
        with warnings.catch_warnings():  # a user's regex may have groups; we only ask "is it there"
            warnings.simplefilter("ignore", UserWarning)
            hit = text.str.contains(rx, regex=True)
        bad = applies & (~hit if must_appear else hit)
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        if must_appear:
            matched = pd.Series("未出现", index=idx, dtype=object)
        else:
            matched = text.reindex(idx).str.extract(f"({pat['regex']})", expand=True)[0].astype(object)
        fields = {**_report_fields(corpus), "match": matched, "place": place}
        return found(pd.Series(idx), render(template, fields, idx),
                     expected=("须出现：" if must_appear else "不得出现：") + pat["regex"],
                     actual=matched.to_numpy(dtype=object))

    return check


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
