"""One printed table cell → (kind, value): a number, a printed blank, or text.

Numbers keep their printed form in ``raw``; here we only decide the value. ``1990件``,
``　　0`` (ideographic spaces), ``0.0000``, ``+1036``, ``251000元``, ``1,234`` and ``5（其中修订16件）``
are numbers; blank, ``/``, ``-``, ``—``, ``无`` are printed blanks (value null).
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

NUMBER, BLANK, TEXT = "number", "blank", "text"

_BLANKS = frozenset({"", "/", "-", "—", "——", "－", "--", "无", "／", "空", "－－", "…", "\\"})
_UNITS = r"(?:万元|人次|件|个|条|项|元|次|家|户|份|宗|起|篇)"
_NUMBER_RE = re.compile(
    r"^(?P<sign>[+\-])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)" + _UNITS
    + r"?(?:\s*[(（][^()（）]{0,40}[)）])?$"
)
_SPACES = re.compile(r"[\s\u3000\xa0]+")


def clean(cell: str) -> str:
    """Width-normalised cell text without any white space (for parsing only; raw keeps the print)."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", cell))


def parse(cell: str) -> tuple[str, float | None]:
    """Classify one cell's text. Non-finite or absurdly long numbers are TEXT (not silently inf)."""
    if len(cell) > 80:  # too long for a number whatever its spaces; keep the cache for short cells
        return _parse(cell)
    return _parse_cached(cell)


def _parse(cell: str) -> tuple[str, float | None]:
    c = clean(cell)
    if c in _BLANKS:
        return BLANK, None
    if len(c) > 60:
        return TEXT, None
    m = _NUMBER_RE.match(c)
    if not m:
        return TEXT, None
    try:
        v = float(m.group("num").replace(",", ""))
    except ValueError:
        return TEXT, None
    if not math.isfinite(v):
        return TEXT, None
    if m.group("sign") == "-":
        v = -v
    return NUMBER, v


# Tables repeat the same few cells ("0", "1", "", "12"...) thousands of times across a corpus.
_parse_cached = lru_cache(maxsize=1 << 16)(_parse)


def is_value(cell: str) -> bool:
    """A number or a printed blank marker (but not an empty string)."""
    kind, _ = parse(cell)
    return kind == NUMBER or (kind == BLANK and clean(cell) != "")
