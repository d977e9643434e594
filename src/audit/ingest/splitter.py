"""Split digit strings glued together by page flattening, using the table's own identities.

A crawler that flattens an HTML table prints a row's cells with nothing between them:
``一、本年新收政府信息公开申请数量200 000121`` is 20, 0, 0, 0, 0, 1, 21. We enumerate every way
to cut the printed chunks into the row's number of cells (a cell never starts with 0 unless it
is 0; white space is always a cell boundary; a decimal point stays inside its number; a minus
sign glued to the digits after it starts a cell, which must be a signed column such as 本年增/减:
``3-38`` is 3, -3, 8 and never 3, 3, 8), keep the cuts that satisfy the row's identities, and then,
across rows, the combinations that satisfy the column identities (both as ``data/catalogue.yaml``
declares them). A split is accepted only when exactly one survives; otherwise the caller records a
problem and leaves the cells null. Never guess.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache

from audit.contracts import catalogue
from audit.contracts.identities import TOLERANCE
from audit.ingest import split_search

# Enumeration limits: beyond these a split is reported as ambiguous instead of searched.
MAX_CANDIDATES = 2_000
MAX_COMBINATIONS = 200_000

_CHUNK = re.compile(r"-?\d+(?:\.\d+)?")

Split = tuple[float, ...]
RowCheck = Callable[[Split], bool]


def chunks_of(text: str) -> list[str]:
    """Digit chunks of a gap between labels; white space and units separate chunks."""
    return _CHUNK.findall(text)


def _cuts(chunk: str, parts: int) -> Iterator[tuple[str, ...]]:
    """Every way to cut one chunk into ``parts`` numbers without leading zeros."""
    if chunk.startswith("-"):  # the sign belongs to the first number of the chunk
        for cut in _cuts(chunk[1:], parts):
            yield (f"-{cut[0]}", *cut[1:])
        return
    if "." in chunk:
        # The fractional part belongs to the last number of the chunk.
        head, frac = chunk.split(".", 1)
        for cut in _cuts(head, parts):
            yield (*cut[:-1], f"{cut[-1]}.{frac}")
        return
    yield from _digit_cuts(chunk, parts)


@lru_cache(maxsize=1 << 15)
def _digit_cuts(chunk: str, parts: int) -> tuple[tuple[str, ...], ...]:
    """Cuts of a digit string, first piece first: a piece starting with 0 is that 0 alone, which
    prunes the search early (flattened tables are mostly zeros)."""
    n = len(chunk)
    if n < parts or parts < 1:
        return ()
    if parts == 1:
        return ((chunk,),) if n == 1 or chunk[0] != "0" else ()
    longest_head = 1 if chunk[0] == "0" else n - parts + 1
    out = []
    for size in range(1, longest_head + 1):
        head = chunk[:size]
        out.extend((head, *rest) for rest in _digit_cuts(chunk[size:], parts - 1))
    return tuple(out)


@lru_cache(maxsize=1 << 14)
def _count(chunks: tuple[str, ...], n: int) -> int:
    """Upper bound of the candidate count (to refuse hopeless searches early)."""
    lengths = [len(c.lstrip("-").split(".")[0]) for c in chunks]
    extra = n - len(chunks)
    if extra < 0 or sum(lengths) < n:
        return 0
    total = 0
    for dist in _distributions(extra, len(chunks)):
        prod = 1
        for length, k in zip(lengths, dist, strict=True):
            prod *= math.comb(length - 1, k) if length - 1 >= k else 0
        total += prod
        if total > MAX_CANDIDATES:
            return total
    return total


def _distributions(total: int, bins: int) -> Iterator[tuple[int, ...]]:
    if bins == 1:
        yield (total,)
        return
    for first in range(total + 1):
        for rest in _distributions(total - first, bins - 1):
            yield (first, *rest)


def candidates(chunks: Sequence[str], n: int, check: RowCheck | None = None,
               signed: Sequence[bool] | None = None) -> list[Split] | None:
    """All splits of ``chunks`` into ``n`` numbers passing ``check``; None when too many to search.

    ``signed[i]`` says whether cell ``i`` may hold a negative number (a minus sign may start it);
    without it no cell may.
    """
    if not chunks:
        return []
    found = _candidates(tuple(chunks), n, check, tuple(signed) if signed is not None else None)
    return None if found is None else list(found)


@lru_cache(maxsize=1 << 14)
def _candidates(chunks: tuple[str, ...], n: int, check: RowCheck | None,
                signed: tuple[bool, ...] | None) -> tuple[Split, ...] | None:
    """``candidates``, cached: rows of flattened pages repeat the same digits (mostly zeros), and a
    check is one of ``_cells_check``'s cached functions, so equal arguments give equal splits."""
    if _count(chunks, n) > MAX_CANDIDATES:
        return None
    negative_ok = signed if signed is not None else (False,) * n
    has_sign = any(c.startswith("-") for c in chunks)
    if len(chunks) == 1 and not has_sign:  # one chunk (nearly every glued row): its cuts are the splits
        cuts = _cut_values(chunks[0], n)
        return cuts if check is None else tuple(filter(check, cuts))
    out: list[Split] = []
    extra = n - len(chunks)
    for dist in _distributions(extra, len(chunks)):
        per_chunk = [_cut_values(c, k + 1) for c, k in zip(chunks, dist, strict=True)]
        if any(not options for options in per_chunk):
            continue
        for combo in itertools.product(*per_chunk):
            values = tuple(itertools.chain.from_iterable(combo))
            if has_sign and not _signs_fit(combo, negative_ok):
                continue
            if check is None or check(values):
                out.append(values)
    return tuple(out)


def _signs_fit(combo: Sequence[Split], negative_ok: tuple[bool, ...]) -> bool:
    """A chunk's minus sign falls on a cell that may be negative (its first number)."""
    i = 0
    for part in combo:
        if math.copysign(1.0, part[0]) < 0 and not negative_ok[i]:
            return False
        i += len(part)
    return True


def _cut_values(chunk: str, parts: int) -> tuple[Split, ...]:
    """``_cuts`` as numbers; short chunks (nearly all of them) are cached, as rows repeat them.
    A chunk of digits alone (no sign, no decimal point: nearly all) is cut straight into numbers."""
    if "-" not in chunk and "." not in chunk:
        return _digit_values(chunk, parts)
    if len(chunk) > 24:
        return tuple(tuple(float(x) for x in cut) for cut in _cuts(chunk, parts))
    return _cut_values_cached(chunk, parts)


@lru_cache(maxsize=1 << 15)
def _cut_values_cached(chunk: str, parts: int) -> tuple[Split, ...]:
    return tuple(tuple(float(x) for x in cut) for cut in _cuts(chunk, parts))


@lru_cache(maxsize=1 << 15)
def _digit_values(chunk: str, parts: int) -> tuple[Split, ...]:
    """``_digit_cuts`` with each piece as its number, in the same order: each head is converted
    once for all the cuts of the rest, instead of every piece of every cut."""
    n = len(chunk)
    if n < parts or parts < 1:
        return ()
    if parts == 1:
        return ((float(chunk),),) if n == 1 or chunk[0] != "0" else ()
    longest_head = 1 if chunk[0] == "0" else n - parts + 1
    out: list[Split] = []
    for size in range(1, longest_head + 1):
        head = float(chunk[:size])
        out += [(head, *rest) for rest in _digit_values(chunk[size:], parts - 1)]
    return tuple(out)


def row_check(table: str, cols: Sequence[str]) -> RowCheck | None:
    """The catalogue's identities across the columns of one row of ``table``, for values printed in
    ``cols`` order (requests: the six applicant columns add up to 总计); None when it has none."""
    return _cells_check(table, _row_keys(tuple(cols)))


@lru_cache(maxsize=256)
def _row_keys(cols: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    return tuple(("", c) for c in cols)


def cells_check(table: str, keys: Sequence[tuple[str, str]]) -> RowCheck | None:
    """The catalogue's identities across columns, for values printed in ``keys`` order ((row, col)
    pairs; appeals prints its 3 rows × 5 columns as one run of 15 numbers). An identity is checked in
    every row whose printed cells include all of its terms. None when no identity applies."""
    return _cells_check(table, tuple(keys))


@lru_cache(maxsize=256)
def _cells_check(table: str, keys: tuple[tuple[str, str], ...]) -> RowCheck | None:
    position = {k: i for i, k in enumerate(keys)}
    sides: list[tuple[list[int], list[int]]] = []
    for ident in catalogue.load().identities_of(table, "columns"):
        for row in dict.fromkeys(r for r, _ in keys):
            if all((row, t) in position for t in ident.terms):
                sides.append(([position[row, t] for t in ident.lhs], [position[row, t] for t in ident.rhs]))
    if not sides:
        return None

    def check(values: Split) -> bool:
        return all(math.isclose(sum(values[i] for i in lhs), sum(values[i] for i in rhs), abs_tol=TOLERANCE)
                   for lhs, rhs in sides)

    check.segments = split_search.plan(len(keys), sides)  # type: ignore[attr-defined]
    return check


def passing(chunks: Sequence[str], n: int, check: RowCheck,
            signed: Sequence[bool] | None = None) -> tuple[int, list[Split]] | None:
    """(how many splits ``candidates(chunks, n)`` lists, those of them passing ``check`` in its
    order); None when too many to search. One chunk of digits under a row-total check (nearly
    every glued row) is searched without listing the splits that fail it (``split_search``)."""
    chunks = tuple(chunks)
    segments = (getattr(check, "segments", None)
                if len(chunks) == 1 and "-" not in chunks[0] and "." not in chunks[0] else None)
    if segments is not None and sum(-k if k < 0 else k for k in segments) != n:
        segments = None  # a check made for another number of cells: list and test
    if segments is None:
        every = candidates(chunks, n, None, signed)
        return None if every is None else (len(every), [s for s in every if check(s)])
    if _count(chunks, n) > MAX_CANDIDATES:
        return None
    return split_search.count(chunks[0], n), list(_passing(chunks[0], n, segments, check))


@lru_cache(maxsize=1 << 14)
def _passing(chunk: str, n: int, segments: split_search.Plan, check: RowCheck) -> tuple[Split, ...]:
    return tuple(split_search.passing(chunk, n, segments, check))


def consistent(options: dict[str, list[Split]],
               check: Callable[[dict[str, Split]], bool]) -> dict[str, set[int]] | None:
    """For each row, the indices of its splits that appear in some combination passing ``check``.

    A row with exactly one index is decided by the column identities even when other rows are
    not; every row empty means no reading of the printed digits satisfies them. None when the
    search is too big. The search stops once every row has two possible splits (nothing to learn).
    """
    keys = list(options)
    sizes = [len(options[k]) for k in keys]
    if any(s == 0 for s in sizes) or math.prod(sizes) > MAX_COMBINATIONS:
        return None
    seen: dict[str, set[int]] = {k: set() for k in keys}
    undecided = len(keys)
    for idx in itertools.product(*(range(s) for s in sizes)):
        chosen = {k: options[k][i] for k, i in zip(keys, idx, strict=True)}
        if not check(chosen):
            continue
        for k, i in zip(keys, idx, strict=True):
            got = seen[k]
            if i not in got:
                got.add(i)
                if len(got) == 2:
                    undecided -= 1
        if undecided == 0:
            break
    return seen


def resolve(options: dict[str, list[Split]], check: Callable[[dict[str, Split]], bool]) -> dict[str, Split] | None:
    """Pick one split per row so that ``check`` (the column identities) holds; None unless unique."""
    keys = list(options)
    sizes = [len(options[k]) for k in keys]
    if any(s == 0 for s in sizes) or math.prod(sizes) > MAX_COMBINATIONS:
        return None
    found: dict[str, Split] | None = None
    for combo in itertools.product(*(options[k] for k in keys)):
        chosen = dict(zip(keys, combo, strict=True))
        if check(chosen):
            if found is not None:
                return None
            found = chosen
    return found
