"""The splits of one glued digit string that satisfy its row's totals, without listing the others.

A glued row (``1311000024`` for seven cells) has up to ``splitter.MAX_CANDIDATES`` readings, and
its row identity (the six applicant columns add up to 总计; each appeals group adds up to its
total) keeps one or two. Listing every reading and testing each was the reader's largest single
cost. Here the readings are searched group by group: a group's total is cut first, and its
addends are cut only while their running sum can still reach it (cells are never negative in
such a chunk, so the sum only grows). What the search returns is exactly
``[s for s in splitter.candidates(chunks, n) if check(s)]``, in the same order: every survivor is
tested with ``check`` itself, and the pruning only drops cuts whose sum already exceeds the total
by more than ``math.isclose`` (as ``check`` calls it) could forgive.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from audit.contracts.identities import TOLERANCE

Split = tuple[float, ...]
#: A search plan: per segment of the row's cells, ``1`` for a free cell or ``-k`` for a group of
#: ``k`` cells whose last is the total of the others.
Plan = tuple[int, ...]
# A sum outside ``total * (1 ± _REL) ∓ TOLERANCE`` is beyond ``isclose``'s reach (rel_tol 1e-9,
# abs_tol TOLERANCE), float rounding of a few additions included: looser than ``isclose``, never tighter.
_REL = 1e-6


def plan(n: int, sides: Sequence[tuple[Sequence[int], Sequence[int]]]) -> Plan | None:
    """The plan for a check whose every identity is "cells i..r-1 add up to cell r" over disjoint
    runs of the ``n`` cells; None for any other check (the caller then lists and tests)."""
    groups: dict[int, int] = {}
    for lhs, rhs in sides:
        if len(rhs) != 1 or not lhs:
            return None
        r = rhs[0]
        if list(lhs) != list(range(r - len(lhs), r)):
            return None
        groups[r - len(lhs)] = len(lhs) + 1
    out: list[int] = []
    i = 0
    while i < n:
        k = groups.pop(i, None)
        if k is None:
            out.append(1)
            i += 1
        else:
            out.append(-k)
            i += k
    return tuple(out) if i == n and not groups else None


@lru_cache(maxsize=1 << 14)
def count(chunk: str, parts: int) -> int:
    """How many ways ``chunk`` (digits only) cuts into ``parts`` numbers without leading zeros:
    ``len(splitter._digit_values(chunk, parts))``, counted position by position without making them."""
    n = len(chunk)
    if n < parts or parts < 1:
        return 0
    if n == parts:
        return 1  # one digit a number
    # ways[i]: the cuts of chunk[i:] into k numbers, for k = 1, 2, … parts.
    ways = [1 if n - i == 1 or chunk[i] != "0" else 0 for i in range(n)] + [0]
    for k in range(2, parts + 1):
        tail = [0] * (n + 2)  # tail[i] = sum(ways[i:])
        for i in range(n - 1, -1, -1):
            tail[i] = tail[i + 1] + ways[i]
        # A piece starting with 0 is that 0 alone; any other takes 1 … n - i - k + 1 digits.
        ways = [ways[i + 1] if chunk[i] == "0" else tail[i + 1] - tail[n - k + 2] for i in range(n - k + 1)]
        ways += [0] * (n + 1 - len(ways))
    return ways[0]


def _piece_ends(chunk: str, start: int, stop: int) -> range:
    """Ends of the pieces that may start at ``start`` and end by ``stop`` (a 0 is a piece alone)."""
    if start >= stop:
        return range(0)
    return range(start + 1, start + 2) if chunk[start] == "0" else range(start + 1, stop + 1)


def _addends(chunk: str, start: int, stop: int, parts: int, low: float, high: float, acc: float,
             sizes: list[int], values: list[float], out: list[tuple[list[int], list[float]]]) -> None:
    """Every cut of ``chunk[start:stop]`` into ``parts`` numbers whose sum may lie in [low, high]:
    the running sum stays at most ``high``, and the digits still to cut, read as one number (no
    cut of them adds up to more), can still bring it to ``low``."""
    if parts == 0:
        if start == stop:
            out.append((list(sizes), list(values)))
        return
    last = parts == 1
    for end in _piece_ends(chunk, start, stop - parts + 1):
        v = float(chunk[start:end])
        s = acc + v
        if s > high:
            break  # longer pieces from here are larger still
        if last and end != stop:
            continue
        if not last and (s + float(chunk[end:stop])) * (1 + _REL) < low:
            continue
        sizes.append(end - start)
        values.append(v)
        _addends(chunk, end, stop, parts - 1, low, high, s, sizes, values, out)
        sizes.pop()
        values.pop()


def _search(chunk: str, pos: int, segments: Plan, left: int, sizes: list[int], values: list[float],
            out: list[tuple[tuple[int, ...], Split]]) -> None:
    """Cut ``chunk[pos:]`` segment by segment; ``left`` cells remain after the current segment."""
    n = len(chunk)
    if not segments:
        if pos == n:
            out.append((tuple(sizes), tuple(values)))
        return
    seg, rest = segments[0], segments[1:]
    k = -seg if seg < 0 else 1
    after = left - k
    if seg == 1:
        for end in _piece_ends(chunk, pos, n - after):
            sizes.append(end - pos)
            values.append(float(chunk[pos:end]))
            _search(chunk, end, rest, after, sizes, values, out)
            sizes.pop()
            values.pop()
        return
    # A group: its total is the piece chunk[t:q]; its k - 1 addends fill chunk[pos:t]. The last
    # segment ends with the chunk.
    for q in range(pos + k, n - after + 1) if rest else range(n, n + 1):
        for t in range(pos + k - 1, q):
            if q - t > 1 and chunk[t] == "0":
                continue
            total = float(chunk[t:q])
            found: list[tuple[list[int], list[float]]] = []
            _addends(chunk, pos, t, k - 1, total * (1 - _REL) - TOLERANCE, total * (1 + _REL) + TOLERANCE,
                     0.0, [], [], found)
            for add_sizes, add_values in found:
                mark = len(sizes)
                sizes.extend(add_sizes)
                sizes.append(q - t)
                values.extend(add_values)
                values.append(total)
                _search(chunk, q, rest, after, sizes, values, out)
                del sizes[mark:]
                del values[mark:]


def passing(chunk: str, n: int, segments: Plan, check) -> list[Split]:  # noqa: ANN001 - a RowCheck
    """The cuts of ``chunk`` (digits only) into ``n`` numbers that pass ``check``, in the order the
    splitter lists cuts (by the sizes of the pieces, first piece first)."""
    out: list[tuple[tuple[int, ...], Split]] = []
    _search(chunk, 0, segments, n, [], [], out)
    out.sort(key=lambda found: found[0])
    return [v for _, v in out if check(v)]
