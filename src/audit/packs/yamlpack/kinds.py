"""Compiling one YAML rule (equation, threshold, section, pattern) into a vectorised ``Rule``."""

from __future__ import annotations

import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from audit.contracts import catalogue
from audit.corpus.grids import grid
from audit.packs.rule import Rule, fmt_series, found
from audit.packs.yamlpack.common import PLACEHOLDERS, PackLoadError
from audit.packs.yamlpack.expr import check_cell, compile_expr, split_top_comparison
from audit.packs.yamlpack.limits import compile_regex, contains, first_match

if TYPE_CHECKING:
    from audit.corpus.loader import Corpus

_OP_ZH = {"==": "=", "!=": "≠", "<=": "≤", ">=": "≥", "<": "<", ">": ">"}



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


def _compile_when(rid: str, when: dict[str, Any] | None) -> Callable[[Corpus], pd.Series]:
    """A function giving, per report (indexed by report_id), whether the rule applies to it."""
    when = when or {}
    unit = compile_regex(rid, "when.unit", when["unit"]) if "unit" in when else None
    unit_not = compile_regex(rid, "when.unit_not", when["unit_not"]) if "unit_not" in when else None

    def applies(corpus: Corpus) -> pd.Series:
        reps = corpus.reports
        ok = pd.Series(True, index=reps.index)
        units = reps["unit"].astype(object).where(reps["unit"].notna(), "").astype(str)
        if unit is not None:
            ok &= contains(units, unit) & reps["unit"].notna()
        if unit_not is not None:
            ok &= ~contains(units, unit_not)
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


def cell_checkable(corpus: Corpus, key: str) -> pd.Series:
    """Per report (indexed by report_id): the cell holds a value or a printed blank, in a row the
    reader placed in full. Identities never read a ``text`` or ``unplaced`` cell (nor a cell of a
    ``missing_cells`` / ``ambiguous_split`` row) as 0: the same rule as the built-in packs."""
    table, row, col = key.split("/")
    g = grid(corpus, table)
    i, j = g.r(row), g.c(col)
    if g.empty or i < 0 or j < 0:
        return pd.Series(False, index=_ids(corpus), dtype=bool)
    sure = g.present[:, i, j] & ~g.unsure[:, i, j]
    return pd.Series(sure, index=pd.Index(g.ids.astype(str))).reindex(_ids(corpus), fill_value=False)


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



def _equation_check(rid: str, eq: dict[str, Any], template: str):
    blank = eq.get("blank", "zero")
    if "expr" in eq:
        body, cells = compile_expr(rid, eq["expr"])
        split = split_top_comparison(body)
        op = split[1] if split else ""
        at = eq.get("at") or cells[0]
    else:
        for side in ("lhs", "rhs"):
            for i, key in enumerate(eq[side]):
                check_cell(rid, f"equation.{side}.{i}", key)
        cells = list(dict.fromkeys([*eq["lhs"], *eq["rhs"]]))
        body, split, op = "", None, eq["op"]
        at = eq.get("at") or eq["lhs"][0]
    check_cell(rid, "equation.at", at)
    table, row, col = at.split("/")
    place = _place(at)

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        vals: dict[str, pd.Series] = {}
        ok = applies.copy()
        for key in cells:
            v, present = cell_values(corpus, key)
            ok &= present & cell_checkable(corpus, key)
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
        ok = applies & present & cell_checkable(corpus, key)
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

    check_cell(rid, "threshold.cell", key)
    return check


# -- section ----------------------------------------------------------------------------------


def _section_check(rid: str, sec: Any, template: str):
    if isinstance(sec, str):
        sec = {"canonical": sec} if sec in catalogue.SECTION_KEYS else {"title": sec}
    canonical = sec.get("canonical")
    title_re = compile_regex(rid, "section.title", sec["title"]) if "title" in sec else None
    said_re = compile_regex(rid, "section.contains", sec["contains"]) if "contains" in sec else None
    printed = catalogue.load().section_title(canonical) if canonical else sec["title"]

    def check(corpus: Corpus, applies: pd.Series) -> pd.DataFrame:
        s = corpus.sections
        match = pd.Series(False, index=s.index)
        if canonical:
            match |= (s["canonical"].astype(object) == canonical).fillna(False).astype(bool)
        if title_re is not None:
            match |= contains(s["title"].astype(object).astype(str), title_re)
        hit = s[match]
        has = pd.Series(applies.index.isin(hit["report_id"].astype(str).unique()), index=applies.index)
        actual = pd.Series("缺失", index=applies.index, dtype=object)
        bad = applies & ~has
        if said_re is not None:
            text = hit.assign(report_id=hit["report_id"].astype(str)).groupby("report_id", sort=False)["text"].agg(
                "\n".join)
            said = contains(text.astype(object).astype(str), said_re).reindex(applies.index, fill_value=False)
            silent = applies & has & ~said.astype(bool)
            actual[silent] = "未提及"
            bad |= silent
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        fields = {**_report_fields(corpus), "section": printed, "place": f"「{printed}」"}
        return found(pd.Series(idx), render(template, fields, idx),
                     expected=sec["contains"] if said_re is not None else printed,
                     actual=actual.reindex(idx).to_numpy(dtype=object))

    return check


# -- pattern ----------------------------------------------------------------------------------


def _pattern_check(rid: str, pat: dict[str, Any], template: str):
    rx = compile_regex(rid, "pattern.regex", pat["regex"])
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
        hit = contains(text, rx)
        bad = applies & (~hit if must_appear else hit)
        idx = bad.index[bad.to_numpy()]
        if not len(idx):
            return found()
        if must_appear:
            matched = pd.Series("未出现", index=idx, dtype=object)
        else:
            matched = first_match(text.reindex(idx), rx)
        fields = {**_report_fields(corpus), "match": matched, "place": place}
        return found(pd.Series(idx), render(template, fields, idx),
                     expected=("须出现：" if must_appear else "不得出现：") + pat["regex"],
                     actual=matched.to_numpy(dtype=object))

    return check


