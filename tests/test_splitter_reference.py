"""The splitter's enumeration against its definition, written out the slow, obvious way.

``splitter.candidates`` is cached, cut by cut and number by number, for speed; this test holds it
to the plain definition (every placement of cut points, no piece with a leading zero unless it is
0, a chunk's sign on its first number and its fraction on its last, a minus sign only where the
cell may be negative), in the same order, for digit strings like those flattened pages print.
"""

from __future__ import annotations

import itertools
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from audit.contracts import catalogue
from audit.ingest import splitter


def _pieces(chunk: str, parts: int) -> list[tuple[str, ...]]:
    sign = "-" if chunk.startswith("-") else ""
    digits = chunk[len(sign):]
    head, _, frac = digits.partition(".")
    out = []
    for cuts in itertools.combinations(range(1, len(head)), parts - 1):
        bounds = (0, *cuts, len(head))
        pieces = [head[a:b] for a, b in itertools.pairwise(bounds)]
        if any(len(p) > 1 and p[0] == "0" for p in pieces):
            continue
        pieces[0] = sign + pieces[0]
        if "." in digits:
            pieces[-1] = f"{pieces[-1]}.{frac}"
        out.append(tuple(pieces))
    return out


def _reference(chunks: list[str], n: int, check, signed: list[bool] | None) -> list[tuple[float, ...]]:
    ok_neg = signed or [False] * n
    out = []
    for dist in itertools.product(range(n), repeat=len(chunks)):
        if sum(dist) != n - len(chunks):
            continue
        for combo in itertools.product(*(_pieces(c, k + 1) for c, k in zip(chunks, dist, strict=True))):
            flat = [p for part in combo for p in part]
            starts = list(itertools.accumulate((len(part) for part in combo), initial=0))[:-1]
            if any(combo[i][0].startswith("-") and not ok_neg[s] for i, s in enumerate(starts)):
                continue
            values = tuple(float(p) for p in flat)
            if check is None or check(values):
                out.append(values)
    return out


_chunk = st.builds(lambda sign, digits, frac: sign + digits + frac, st.sampled_from(["", "", "", "-"]),
                   st.text("0000123456789", min_size=1, max_size=9), st.sampled_from(["", "", "", ".5", ".25"]))


@settings(max_examples=400, deadline=None)
@given(st.lists(_chunk, min_size=1, max_size=3), st.integers(1, 8), st.data())
def test_candidates_are_the_definition_in_its_order(chunks: list[str], n: int, data: st.DataObject) -> None:
    signed = data.draw(st.none() | st.lists(st.booleans(), min_size=n, max_size=n))
    total = data.draw(st.booleans())

    def check(v: tuple[float, ...]) -> bool:
        return math.isclose(sum(v[:-1]), v[-1], abs_tol=1e-6)

    use = check if total and n > 1 else None
    got = splitter.candidates(chunks, n, use, signed)
    if got is None:  # too many to search: the bound says so, the definition would list more
        assert splitter._count(tuple(chunks), n) > splitter.MAX_CANDIDATES
        return
    want = _reference(chunks, n, use, signed)  # distributions in order: the first chunk's share rising
    assert got == want
    # -0.0 == 0.0: the signs of the zeros (a printed -0) must agree too.
    assert [math.copysign(1, x) for s in got for x in s] == [math.copysign(1, x) for s in want for x in s]


_ROW = splitter.row_check("requests", catalogue.load().request_columns)
_APPEALS = splitter.cells_check("appeals", [(r, c) for r in catalogue.load().appeals_rows
                                            for c in catalogue.load().appeals_columns])
# Rows whose cells add up (what a glued row of a real table prints), and any digits at all.
_summed = st.lists(st.integers(0, 120), min_size=6, max_size=6).map(lambda v: "".join(map(str, [*v, sum(v)])))
_digits = st.text("0000011123456789", min_size=1, max_size=16)


@settings(max_examples=300, deadline=None)
@given(_summed | _digits, st.booleans())
def test_passing_is_every_reading_that_passes_the_row_total(digits: str, appeals: bool) -> None:
    n, check = (15, _APPEALS) if appeals else (7, _ROW)
    got = splitter.passing([digits], n, check)
    every = _reference([digits], n, None, None)
    if got is None:
        assert splitter._count((digits,), n) > splitter.MAX_CANDIDATES
        return
    assert got == (len(every), [s for s in every if check(s)])


def test_passing_finds_the_readings_that_add_up() -> None:
    assert splitter.passing(["1311000024"], 7, _ROW) == (15, [(13, 1, 10, 0, 0, 0, 24), (13, 11, 0, 0, 0, 0, 24)])
    total, ok = splitter.passing(["911000020"], 7, _ROW)
    assert ok == [(9, 1, 10, 0, 0, 0, 20), (9, 11, 0, 0, 0, 0, 20)]
    assert total == len(_reference(["911000020"], 7, None, None))
