"""Whether a text pattern gives the same matches on the number lines as on the whole text.

``audit.corpus.text.number_lines`` keeps, per report, only the lines holding a decimal number
followed (after white space) by a count word (件起宗份号). A regex finds exactly the matches there
that it finds in the whole text when

1. every match contains such a number + white space + count word (the pattern requires a digit,
   then only white space, then a count word, outside any optional part or in every branch), and
2. nothing in the pattern can match a line break, look-arounds included, except the white space
   between that number and its count word (so a match, and whatever its look-arounds inspect, stays
   inside the kept lines: any look-around window reaching the previous or next line meets the same
   line break in both texts);
3. no back-references and no ``^``/``$``/``\\A``/``\\Z`` outside MULTILINE (they see the string's ends).

``fast_path_problem`` checks this on the parsed pattern, conservatively: it answers None only when it
can prove the three conditions, else a sentence saying which one fails. A pattern that fails runs
on the full text instead (``audit.corpus.text.text_view``): slower, never a silent miss.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as C  # noqa: N812
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python < 3.11
    import sre_constants as C  # type: ignore[no-redef]  # noqa: N812
    import sre_parse  # type: ignore[no-redef]

COUNT_WORDS = "件起宗份号"
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}
_GROUPS = {C.SUBPATTERN, getattr(C, "ATOMIC_GROUP", C.SUBPATTERN)}
_CHAR_OPS = {C.LITERAL, C.NOT_LITERAL, C.ANY, C.IN}
_SAFE_AT = {C.AT_BOUNDARY, C.AT_NON_BOUNDARY}
_LINE_AT = {C.AT_BEGINNING, C.AT_END, C.AT_BEGINNING_LINE, C.AT_END_LINE}  # ^ and $: safe with MULTILINE


class _Refused(Exception):
    pass


def _in_category(cat: Any, ch: str) -> bool:
    if cat in (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT):
        return ch.isdecimal()
    if cat in (C.CATEGORY_NOT_DIGIT, C.CATEGORY_UNI_NOT_DIGIT):
        return not ch.isdecimal()
    if cat in (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE):
        return ch.isspace()
    if cat in (C.CATEGORY_NOT_SPACE, C.CATEGORY_UNI_NOT_SPACE):
        return not ch.isspace()
    if cat in (C.CATEGORY_WORD, C.CATEGORY_UNI_WORD):
        return ch.isalnum() or ch == "_"
    return True  # anything else: assume it may match (conservative)


def _char_matches(item: tuple, ch: str, dotall: bool) -> bool:
    """Whether the one-character element ``item`` can match ``ch``."""
    op, av = item
    if op is C.LITERAL:
        return ch == chr(av)
    if op is C.NOT_LITERAL:
        return ch != chr(av)
    if op is C.ANY:
        return dotall or ch != "\n"
    negate = bool(av) and av[0][0] is C.NEGATE
    hit = False
    for sub_op, sub_av in av[1:] if negate else av:
        if sub_op is C.LITERAL:
            hit |= ch == chr(sub_av)
        elif sub_op is C.RANGE:
            hit |= sub_av[0] <= ord(ch) <= sub_av[1]
        elif sub_op is C.CATEGORY:
            hit |= _in_category(sub_av, ch)
        else:
            hit = True
    return hit != negate


_KINDS = {"digit": (str.isdecimal, (C.CATEGORY_DIGIT, C.CATEGORY_UNI_DIGIT)),
          "space": (str.isspace, (C.CATEGORY_SPACE, C.CATEGORY_UNI_SPACE)),
          "count": ((lambda ch: ch in COUNT_WORDS), ())}


def _char_within(item: tuple, kind: str) -> bool:
    """Whether every character ``item`` can match is of ``kind`` (digit, space or count word)."""
    allowed, categories = _KINDS[kind]
    op, av = item
    if op is C.LITERAL:
        return allowed(chr(av))
    if op is not C.IN or (av and av[0][0] is C.NEGATE):
        return False
    for sub_op, sub_av in av:
        if sub_op is C.LITERAL and allowed(chr(sub_av)):
            continue
        if sub_op is C.RANGE and sub_av[1] - sub_av[0] < 0x3000 and all(
                allowed(chr(i)) for i in range(sub_av[0], sub_av[1] + 1)):
            continue
        if sub_op is C.CATEGORY and sub_av in categories:
            continue
        return False
    return True


def _flat(seq: Any) -> list[tuple]:
    """The items of a sequence with plain groups opened (a group is a sequence of its own)."""
    out: list[tuple] = []
    for item in seq:  # the parse tree's own tuples: ``_walk`` knows the gaps by their id
        if item[0] in _GROUPS:
            out.extend(_flat(item[1][-1]))
        else:
            out.append(item)
    return out


def _single(item: tuple) -> tuple[tuple | None, int]:
    """(the one-character element, its minimum count) of an element or a repeat of one."""
    op, av = item
    if op in _CHAR_OPS:
        return item, 1
    if op in _REPEATS:
        body = _flat(av[2])
        if len(body) == 1 and body[0][0] in _CHAR_OPS:
            return body[0], av[0]
    return None, 0


def _is_count_word(item: tuple) -> bool:
    op, av = item
    if op is C.BRANCH:
        return all(len(b := _flat(branch)) == 1 and _is_count_word(b[0]) for branch in av[1])
    ch, least = _single(item)
    return ch is not None and least >= 1 and _char_within(ch, "count")


def _anchored(seq: Any, gaps: set[int]) -> bool:
    """Whether every match of ``seq`` contains a digit, white space, a count word (recording the
    white-space items of each such window in ``gaps``)."""
    items = _flat(seq)
    found = False
    for k, item in enumerate(items):
        op, av = item
        if op is C.BRANCH and all(_anchored(b, gaps) for b in av[1]):
            found = True
        elif op in _REPEATS and av[0] >= 1 and _anchored(av[2], gaps):
            found = True
        digit, least = _single(item)
        if digit is None or least < 1 or not _char_within(digit, "digit"):
            continue
        j, window = k + 1, []
        while j < len(items) and (ws := _single(items[j])[0]) is not None and _char_within(ws, "space"):
            window.append(id(items[j]))
            window.append(id(ws))
            j += 1
        if j < len(items) and _is_count_word(items[j]):
            gaps.update(window)
            found = True
    return found


def _walk(seq: Any, gaps: set[int], dotall: bool, multiline: bool) -> None:
    """Refuse any element outside the gaps that can match a line break, and anchors/back-references."""
    for item in seq:
        op, av = item
        if op in _CHAR_OPS:
            if id(item) not in gaps and _char_matches(item, "\n", dotall):
                raise _Refused("模式中有可以匹配换行的部分（数字与量词之间的空白除外）")
        elif op in _REPEATS:
            if id(item) in gaps:
                continue
            _walk(av[2], gaps, dotall, multiline)
        elif op in _GROUPS:
            _walk(av[-1], gaps, dotall, multiline)
        elif op is C.BRANCH:
            for branch in av[1]:
                _walk(branch, gaps, dotall, multiline)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1], gaps, dotall, multiline)
        elif op is C.AT:
            if av not in _SAFE_AT and not (multiline and av in _LINE_AT):
                raise _Refused("模式使用了 ^、$、\\A 或 \\Z（快速路径只保留部分行，字符串首尾不同）")
        else:
            raise _Refused(f"模式使用了快速路径不支持的结构（{op}），如反向引用")


@lru_cache(maxsize=1024)
def fast_path_problem(pattern: str) -> str | None:
    """None when ``pattern`` finds on the number lines exactly what it finds in the whole text;
    else why not (a Chinese sentence for the pack author)."""
    try:
        parsed = sre_parse.parse(pattern, 0)
    except Exception as exc:  # noqa: BLE001 - re.error, and what the parser raises on odd input
        return f"模式无法解析：{exc}"
    flags = parsed.state.flags
    gaps: set[int] = set()
    if not _anchored(parsed.data, gaps):
        return f"模式的每次匹配不都包含“数字 + 量词（{'、'.join(COUNT_WORDS)}）”，只在含数字和量词的行上查找会漏掉匹配"
    try:
        _walk(parsed.data, gaps, bool(flags & C.SRE_FLAG_DOTALL), bool(flags & C.SRE_FLAG_MULTILINE))
    except _Refused as why:
        return str(why)
    return None
