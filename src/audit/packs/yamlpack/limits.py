"""Limits on what a local YAML pack can make ``audit`` do: nothing in a pack may hang a run.

- **YAML**: read without aliases (``*name``), so "billion laughs" cannot expand a few lines into
  gigabytes at load or when ``audit rules ID`` prints the examples; files above ``MAX_YAML_BYTES``
  are refused. Waivers files are read the same way.
- **Patterns** are compiled by RE2 (google-re2), whose matching time is linear in the text, so
  ``(\\S+\\s?)+$X`` cannot backtrack for hours over one report. RE2 has no backreferences and no
  look-around: such a pattern is refused when the pack loads, with a message saying so. Python's
  ``\\d``, ``\\s`` and ``\\w`` match Unicode (full-width digits, the ideographic space U+3000);
  RE2's match ASCII only, so they are rewritten to the Unicode classes Python uses and a pattern
  means what its author tested with ``re``. ``\\b`` has no Unicode form in RE2 and is refused.
- **Equations**: literals at most ``MAX_LITERAL``, ``**`` only with a literal exponent of at most
  ``MAX_EXPONENT`` (and every number computed as a float), so ``9**9**9`` is refused at load.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import re2
import yaml

from audit.packs.yamlpack.common import PackLoadError

MAX_YAML_BYTES = 1 << 20
MAX_LITERAL = 1e15
MAX_EXPONENT = 16
_RE2_MEMORY = 64 << 20
# Python's Unicode classes, spelt for RE2 (outside a character class, inside one).
_SPACE = r"\s\x{0b}\p{Z}\x{85}\x{1c}-\x{1f}"
_WORD = r"\p{L}\p{N}_"
_OUTSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "s": f"[{_SPACE}]", "S": f"[^{_SPACE}]", "w": f"[{_WORD}]",
            "W": f"[^{_WORD}]", "Z": r"\z"}
_INSIDE = {"d": r"\p{Nd}", "D": r"\P{Nd}", "s": _SPACE, "w": _WORD}


class NoAliasSafeLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses aliases (and so every alias bomb) where it meets one."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "YAML 别名（*name）不允许使用，请把内容逐项写出", mark)
        return super().compose_node(parent, index)


def load_yaml(path: str | Path, what: str = "规则包") -> Any:
    """``yaml.safe_load`` of a file, without aliases and at most ``MAX_YAML_BYTES`` long.

    Raises ``OSError``/``UnicodeDecodeError``/``yaml.YAMLError`` like ``safe_load`` on a file would.
    """
    p = Path(path)
    if p.stat().st_size > MAX_YAML_BYTES:
        raise yaml.YAMLError(f"{what}文件过大（超过 {MAX_YAML_BYTES // 1024} KB），未读取")
    text = p.read_text(encoding="utf-8")
    return yaml.load(text, Loader=NoAliasSafeLoader)  # noqa: S506 - a SafeLoader subclass


def _translate(pattern: str) -> str:
    """The pattern with Python's Unicode shorthand classes spelt for RE2; raises ValueError for
    what RE2 cannot express (``\\b``, a negated class inside ``[...]``)."""
    out: list[str] = []
    i, in_class, n = 0, False, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if nxt in "bB" and not in_class:
                raise ValueError("不支持词边界 \\b / \\B（RE2 只有 ASCII 词边界，中文文本中含义不同）")
            if in_class and nxt in "SW":
                raise ValueError(f"字符类 [...] 中不支持 \\{nxt}，请改用 [^...]")
            if nxt == "u" and i + 6 <= n:
                out.append(r"\x{" + pattern[i + 2:i + 6] + "}")
                i += 6
                continue
            if nxt == "U" and i + 10 <= n:
                out.append(r"\x{" + pattern[i + 2:i + 10] + "}")
                i += 10
                continue
            table = _INSIDE if in_class else _OUTSIDE
            out.append(table.get(nxt, "\\" + nxt))
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            out.append(ch)
            i += 1
            if i < n and pattern[i] == "^":
                out.append("^")
                i += 1
            if i < n and pattern[i] == "]":  # a leading ] is a literal
                out.append(r"\]")
                i += 1
            continue
        if ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def compile_regex(rid: str, field: str, pattern: str) -> Any:
    """``pattern`` compiled by RE2 (linear-time matching); ``PackLoadError`` if RE2 cannot take it."""
    try:
        translated = _translate(pattern)
    except ValueError as exc:
        raise PackLoadError(f"rule {rid}: field '{field}': 正则表达式 {pattern!r} {exc}") from exc
    options = re2.Options()
    options.log_errors = False
    options.max_mem = _RE2_MEMORY
    try:
        return re2.compile(translated, options)
    except re2.error as exc:
        reason = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise PackLoadError(
            f"rule {rid}: field '{field}': 正则表达式 {pattern!r} 无法由线性时间引擎 RE2 编译（{reason}）；"
            "RE2 不支持反向引用（\\1）和环视（(?=…)、(?<=…)），请改写") from exc


def contains(texts: pd.Series, rx: Any) -> pd.Series:
    """Whether ``rx`` occurs in each text (what ``Series.str.contains`` does, with RE2)."""
    values = texts.to_numpy(dtype=object)
    hit = np.fromiter((isinstance(t, str) and rx.search(t) is not None for t in values), bool, len(values))
    return pd.Series(hit, index=texts.index)


def first_match(texts: pd.Series, rx: Any) -> pd.Series:
    """The first match of ``rx`` in each text (None where there is none)."""
    out = []
    for t in texts.to_numpy(dtype=object):
        m = rx.search(t) if isinstance(t, str) else None
        out.append(m.group(0) if m is not None else None)
    return pd.Series(out, index=texts.index, dtype=object)


def bounded_expr(rid: str, field: str, body: str) -> None:
    """Refuse an (aliased) expression whose literals or exponents are beyond the bounds."""
    try:
        tree = ast.parse(body, mode="eval")
    except SyntaxError:
        return  # pandas reports the syntax error with its own message
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and abs(node.value) > MAX_LITERAL:
            raise PackLoadError(f"rule {rid}: field '{field}': 数值 {node.value:g} 超出上限 {MAX_LITERAL:g}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
            exp = node.right
            if isinstance(exp, ast.UnaryOp) and isinstance(exp.op, (ast.USub, ast.UAdd)):
                exp = exp.operand
            if not (isinstance(exp, ast.Constant) and isinstance(exp.value, (int, float))
                    and abs(exp.value) <= MAX_EXPONENT):
                raise PackLoadError(f"rule {rid}: field '{field}': 乘方 ** 的指数须是不超过 {MAX_EXPONENT} 的数字"
                                    f"（{ast.unparse(node.right)} 不是）")
