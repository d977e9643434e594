"""Find a table's printed labels in one pass (Aho–Corasick), exactly as the label regex would.

The reference is ``tables._token_regex``: one alternation of every printed form of the table's
labels, white space allowed between any two characters, each character also matching its
half/full-width and punctuation twins (``catalogue.char_class``), leftmost match first and, at
one position, the first form in the alternation's order. Run over every table region, that regex
was the reader's hottest line. Here the region is squashed (white space dropped, every character
replaced by one representative of its twins), all forms are found at once by an automaton
(``pyahocorasick``), the few forms whose characters accept fewer twins than the representative
stands for are re-checked on the printed characters, and the regex's choice among overlapping
matches is replayed. ``tokens`` returns the same tokens, at the same offsets, as the regex.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import ahocorasick
import numpy as np

from audit.contracts import catalogue
from audit.ingest.table_read import Token

_BMP = 0x10000


@dataclass(frozen=True)
class _Form:
    order: int  # position in the regex's alternation: the lowest wins at one position
    length: int  # characters, white space not counted
    kind: str
    key: str
    checks: tuple[tuple[int, frozenset[str]], ...]  # (offset, printed characters it accepts)


@cache
def _alphabet() -> tuple[np.ndarray, np.ndarray, dict[str, str]]:
    """(white space mask, representative code of each code point, representative of each twin),
    over the Basic Multilingual Plane: Unicode has no white space beyond it, and characters
    beyond it have no twins, so they stand for themselves."""
    spaces = [ord(c) for c in re.findall(r"\s", "".join(map(chr, range(_BMP))))]
    mask = np.zeros(_BMP, dtype=bool)
    mask[spaces] = True
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.get(ch, ch) != ch:
            ch = parent[ch]
        return ch

    for ch, twins in catalogue._EQUIVALENT.items():
        for t in twins:
            a, b = root(t), root(ch)
            if a != b:
                parent[a] = b
    rep = {ch: root(ch) for ch in {*parent, *catalogue._EQUIVALENT, *"".join(catalogue._EQUIVALENT.values())}}
    lut = np.arange(_BMP, dtype=np.uint32)
    for ch, r in rep.items():
        lut[ord(ch)] = ord(r)
    return mask, lut, rep


def _accepts(ch: str) -> frozenset[str]:
    """The printed characters ``catalogue.char_class(ch)`` matches."""
    return frozenset(catalogue._EQUIVALENT.get(ch, ch))


@cache
def _automaton(table: str) -> ahocorasick.Automaton:
    """Every printed form of the table's labels, in the order of ``tables._token_regex``."""
    _, _, rep = _alphabet()
    classes: dict[str, set[str]] = {}
    for ch, r in rep.items():
        classes.setdefault(r, set()).add(ch)
    labels = sorted(catalogue.load().labels_for(table), key=lambda lb: -max(len(t) for t in lb.texts))
    by_key: dict[str, list[_Form]] = {}
    order = 0
    for lb in labels:
        for chars in catalogue.label_variants(lb):
            squashed = "".join(rep.get(c, c) for c in chars)
            checks = tuple((i, _accepts(c)) for i, c in enumerate(chars)
                           if _accepts(c) != frozenset(classes.get(rep.get(c, c), {c})))
            by_key.setdefault(squashed, []).append(_Form(order, len(chars), lb.kind, lb.key, checks))
            order += 1
    auto = ahocorasick.Automaton()
    for squashed, forms in by_key.items():
        plain = forms[0] if not forms[0].checks else None  # the first form fits whatever is printed
        auto.add_word(squashed, (len(squashed), plain, tuple(forms)))
    auto.make_automaton()
    return auto


def _squash(text: str) -> tuple[str, str, np.ndarray]:
    """(representatives, printed characters, offset in ``text`` of each) without white space."""
    mask, lut, _ = _alphabet()
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    if len(cp) and cp.max() < _BMP:  # the common case: every character in the table's range
        keep = np.flatnonzero(~mask[cp])
        kept = cp[keep]
        return lut[kept].tobytes().decode("utf-32-le"), kept.tobytes().decode("utf-32-le"), keep
    bmp = np.minimum(cp, _BMP - 1)
    keep = np.flatnonzero(~mask[bmp] | (cp >= _BMP))
    kept = cp[keep]
    reps = np.where(kept < _BMP, lut[np.minimum(kept, _BMP - 1)], kept)
    return reps.tobytes().decode("utf-32-le"), kept.tobytes().decode("utf-32-le"), keep


class Scan:
    """The label tokens of one text, and (worked out when asked) where every printed form occurs."""

    __slots__ = ("tokens", "_table", "_squashed", "_spans")

    def __init__(self, tokens: list[Token], table: str, squashed: tuple[str, str, np.ndarray] | None) -> None:
        self.tokens = tokens
        self._table, self._squashed = table, squashed
        self._spans: list[tuple[int, int]] | None = None

    def spans(self) -> list[tuple[int, int]]:
        """(start, end) in the text of every occurrence of a form, overlaps included, by start."""
        if self._spans is None:
            self._spans = []
            if self._squashed is not None:
                reps, printed, offsets = self._squashed
                at = offsets.tolist()
                self._spans = sorted((at[s], at[s + n - 1] + 1) for s, n, _ in _matches(reps, printed, self._table))
        return self._spans

    def any_within(self, start: int, end: int) -> bool:
        """A form occurs entirely inside ``text[start:end]`` (what ``pattern.search`` of that
        slice finds, for a slice that holds no line break of a form)."""
        spans = self.spans()
        i = bisect.bisect_left(spans, (start, -1))
        while i < len(spans) and spans[i][0] < end:
            if spans[i][1] <= end:
                return True
            i += 1
        return False


def tokens(text: str, table: str) -> list[Token] | None:
    """The table's label tokens in ``text``; None when the text cannot be squashed (a lone
    surrogate), for the caller to use the regex."""
    found = scan(text, table)
    return None if found is None else found.tokens


def _matches(reps: str, printed: str, table: str) -> Iterator[tuple[int, int, _Form]]:
    """(start, length, form) of every occurrence; of the forms squashed alike, the first (in the
    alternation's order) that the printed characters fit."""
    for end, (n, plain, forms) in _automaton(table).iter(reps):
        start = end - n + 1
        f = plain or next((f for f in forms if all(printed[start + i] in ok for i, ok in f.checks)), None)
        if f is not None:
            yield start, n, f


def scan(text: str, table: str) -> Scan | None:
    """``tokens`` and the occurrences of every form; None as for ``tokens``."""
    if not text:
        return Scan([], table, None)
    try:
        squashed = _squash(text)
    except UnicodeEncodeError:
        return None
    reps, printed, offsets = squashed
    best: dict[int, _Form] = {}
    get = best.get
    for end, (n, plain, forms) in _automaton(table).iter(reps):
        start = end - n + 1
        f = plain or next((f for f in forms if all(printed[start + i] in ok for i, ok in f.checks)), None)
        if f is None:  # forms of one key are in alternation order: the first that fits is taken
            continue
        b = get(start)
        if b is None or f.order < b.order:
            best[start] = f
    out: list[Token] = []
    pos = 0
    many = len(best) > 8
    at = offsets.tolist() if many else offsets  # Python ints at once when there are many tokens
    for start, f in sorted(best.items()):
        if start < pos:
            continue
        pos = start + f.length
        if many:
            out.append(Token(f.kind, f.key, at[start], at[pos - 1] + 1))
        else:
            out.append(Token(f.kind, f.key, int(at[start]), int(at[pos - 1]) + 1))
    return Scan(out, table, squashed)
