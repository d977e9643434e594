"""Equation expressions: cell keys replaced by aliases, everything but arithmetic refused, bounded."""

from __future__ import annotations

import re

import pandas as pd

from audit.contracts import catalogue
from audit.packs.yamlpack.common import PackLoadError
from audit.packs.yamlpack.limits import bounded_expr

_CELL_RE = re.compile(r"\b(active|requests|appeals)/([a-z_]+)/([a-z_]+)\b")
# What may remain of an ``expr`` once its cell keys are replaced by aliases.
_EXPR_TOKEN = re.compile(r"\s+|cell_\d+|\d+(?:\.\d+)?|==|!=|<=|>=|<|>|\*\*|[-+*/%()]|\band\b|\bor\b|\bnot\b|\babs\b")


def split_top_comparison(expr: str) -> tuple[str, str, str] | None:
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


def compile_expr(rid: str, expr: str) -> tuple[str, list[str]]:
    """Replace cell keys by aliases and refuse anything but arithmetic, comparisons and logic.

    Numbers are written as floats (``9`` → ``9.0``), so no expression computes with Python's
    unbounded integers, and ``limits.bounded_expr`` refuses literals and exponents beyond their
    bounds: ``9**9**9`` is refused when the pack loads instead of hanging it.
    """
    cells: list[str] = []

    def alias(m: re.Match[str]) -> str:
        key = m.group(0)
        check_cell(rid, "equation.expr", key)
        if key not in cells:
            cells.append(key)
        return f"cell_{cells.index(key)}"

    body = _CELL_RE.sub(alias, expr)
    pos, tokens = 0, []
    while pos < len(body):
        m = _EXPR_TOKEN.match(body, pos)
        if not m:
            raise PackLoadError(f"rule {rid}: field 'equation.expr': not allowed at {body[pos:pos + 12]!r} "
                                "(only cell keys table/row/col, numbers, + - * / %, comparisons, and/or/not, abs)")
        tok = m.group(0)
        tokens.append(tok + ".0" if tok.isdigit() else tok)
        pos = m.end()
    if not cells:
        raise PackLoadError(f"rule {rid}: field 'equation.expr': names no cell (write cells as table/row/col)")
    body = "".join(tokens)
    bounded_expr(rid, "equation.expr", body)
    probe = pd.DataFrame({f"cell_{i}": [0.0, 1.0] for i in range(len(cells))})
    try:
        res = probe.eval(body, engine="python")
    except Exception as exc:  # noqa: BLE001
        raise PackLoadError(f"rule {rid}: field 'equation.expr': cannot evaluate: {exc}") from exc
    if not (isinstance(res, pd.Series) and res.dtype == bool):
        raise PackLoadError(f"rule {rid}: field 'equation.expr': must be a condition (a comparison), "
                            "true when the report is correct")
    return body, cells


def check_cell(rid: str, field: str, key: str) -> None:
    t, r, c = key.split("/")
    keys = catalogue.load().all_keys()
    if r not in keys["row"] or c not in keys["col"]:
        raise PackLoadError(f"rule {rid}: field '{field}': unknown canonical cell {key!r}")


