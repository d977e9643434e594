"""One printed table cell → (kind, value): a number, a printed blank, or text. The one place a
cell's state is decided.

Numbers keep their printed form in ``raw``; here we only decide the value. ``1990件``,
``　　0`` (ideographic spaces), ``0.0000``, ``+1036``, ``251000元``, ``1,234`` and ``5（其中修订16件）``
are numbers; blank, ``/``, ``-``, ``--``, ``—``, ``–``, ``…``, ``无`` are printed blanks (value null).

The normalised report records the outcome as ``cells[].state`` (``STATES``): ``value``, ``blank``,
``text``, or ``unplaced`` for a cell the reader could not place (no raw text). ``state_of`` derives
it for reports written before the field existed (schema_version "1"); nothing else re-derives it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from audit.contracts.report import CELL_STATES

NUMBER, BLANK, TEXT = "number", "blank", "text"
# A count beyond 2**53 has no exact float64: it is not placed as a value (no comparison is made on
# an inexact number); the reader records an ``overflow`` problem and the cell is ``unplaced``.
OVERFLOW = "overflow"
MAX_EXACT = 2 ** 53

# Compared after ``clean``, i.e. after NFKC: full-width "－" and "／" arrive as "-" and "/", and an
# ellipsis "…" as "..." (so the list holds what NFKC gives, not what is printed).
_BLANKS = frozenset({"", "/", "-", "--", "—", "——", "–", "––", "...", "......", "无", "空", "\\"})

VALUE, UNPLACED = "value", "unplaced"
STATES = CELL_STATES  # value, blank, text, unplaced: BLANK and TEXT are both a parse kind and a state
#: A parse kind as a cell state.
STATE_OF_KIND = {NUMBER: VALUE, BLANK: BLANK, TEXT: TEXT, OVERFLOW: UNPLACED}
_UNITS = r"(?:万元|人次|件|个|条|项|元|次|家|户|份|宗|起|篇)"
_NUMBER_RE = re.compile(
    r"^(?P<sign>[+\-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)" + _UNITS
    + r"?(?:\s*[(（][^()（）]{0,40}[)）])?$"
)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


@lru_cache(maxsize=1)
def _number_marks() -> re.Pattern[str]:
    """Characters that are no digit but that NFKC turns into digits: circled, parenthesised and
    full-stop digits (①, ⑴, ⒈), superscripts, subscripts, vulgar fractions. Printed next to a
    count they are footnote marks, and NFKC would read 12① as 121."""
    marks = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) in ("No", "Nl")
             and any(ch.isdecimal() for ch in unicodedata.normalize("NFKC", chr(c)))]
    return re.compile("[" + "".join(re.escape(m) for m in marks) + "]")


_RAISED = {"super": str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"), "sub": str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")}


def raised(text: str, position: str) -> str:
    """``text`` printed raised (``position`` "super") or lowered ("sub"), as the page shows it:
    its digits as superscript or subscript digits. A page's <sup>1</sup> after 12 is a footnote
    mark; kept as plain digits it would make the count 121."""
    return text.translate(_RAISED[position])


def clean(cell: str) -> str:
    """Width-normalised cell text without any white space (for parsing only; raw keeps the print)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", cell))


def parse(cell: str) -> tuple[str, float | None]:
    """Classify one cell's text. Non-finite or absurdly long numbers are TEXT (not silently inf)."""
    if len(cell) > 80:  # too long for a number whatever its spaces; keep the cache for short cells
        return _parse(cell)
    return _parse_cached(cell)


def _parse(cell: str) -> tuple[str, float | None]:
    if _number_marks().search(cell):  # never a count, whatever NFKC makes of it
        return TEXT, None
    c = clean(cell)
    if c in _BLANKS:
        return BLANK, None
    if len(c) > 60:
        return TEXT, None
    m = _NUMBER_RE.match(c)
    if not m:
        return TEXT, None
    num = m.group("num").replace(",", "")
    try:
        v = float(num)
    except ValueError:
        return TEXT, None
    if not math.isfinite(v):
        return TEXT, None
    if abs(v) >= MAX_EXACT and (int(num) if "." not in num else abs(v)) > MAX_EXACT:
        return OVERFLOW, None
    if m.group("sign") == "-":
        v = -v
    return NUMBER, v


# Tables repeat the same few cells ("0", "1", "", "12"...) thousands of times across a corpus.
_parse_cached = lru_cache(maxsize=1 << 16)(_parse)


def state_of(value: float | None, raw: str | None) -> str:
    """The state of a cell recorded without one (schema_version "1"): what the reader would have
    decided from its value and raw text."""
    if value is not None:
        return VALUE
    if raw is None:
        return UNPLACED
    kind, _ = parse(raw)
    return BLANK if kind == BLANK else TEXT
