"""A footnote mark printed after a count (12①, 4¹, 3⑴) is no digit, though NFKC turns it into
one: read as a number, 12① became 121 and 0① became 1, a wrong value that the arithmetic rules
then accuse the unit over. Such a cell is text (unsure, reported as printed), never a value."""

from __future__ import annotations

import re

import pytest

from audit.ingest import values
from audit.ingest.normalise import normalise_text
from tests.shared_paths import SEEDS as SEED_DIR
from tests.shared_paths import read_seed as _read_seed

SEEDS = ["000", "001", "002", "003", "004"]  # tab, pipe and one-cell-per-line layouts
MARKS = ["①", "¹", "⑴", "❶", "⒈", "½"]


@pytest.mark.parametrize("printed", ["0①", "12①", "4¹", "3⑴", "❶", "7⒈", "12½", "Ⅱ", "201⑩"])
def test_a_count_with_a_footnote_mark_is_text(printed):
    assert values.parse(printed) == (values.TEXT, None)


@pytest.mark.parametrize(("printed", "value"), [("１２", 12.0), ("12", 12.0), ("5（其中修订16件）", 5.0),
                                                ("1,234", 1234.0), ("0", 0.0)])
def test_digits_full_width_or_plain_are_still_numbers(printed, value):
    assert values.parse(printed) == (values.NUMBER, value)


def _cells(rep: dict) -> dict:
    return {(c["table"], c["row"], c["col"]): (c.get("value"), c.get("state")) for c in rep.get("cells", [])}


def _numeric_cells(lines: list[str]) -> list[tuple[int, int, str]]:
    """(line, character offset, number) of the printed counts inside the tables."""
    spots = []
    for i, line in enumerate(lines):
        if "\t" in line or "|" in line:
            spots += [(i, m.end(), m.group(1)) for m in re.finditer(r"(?:^|[\t|])\s*(\d{1,3})\s*(?=[\t|]|$)", line)]
        elif re.fullmatch(r"\s*\d{1,3}\s*", line):
            m = re.search(r"\d+", line)
            spots.append((i, m.end(), m.group()))
    return spots


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("mark", MARKS)
def test_a_marked_cell_is_unsure_and_no_other_cell_changes(seed, mark):
    name = next((p.name for p in sorted(SEED_DIR.glob(f"{seed}_*"))), f"{seed}_missing")
    text = _read_seed(name)[0]
    base = _cells(normalise_text(text, seed))
    lines = text.split("\n")
    spots = _numeric_cells(lines)
    assert spots, "the seed prints its tables"
    checked = 0
    for i, end, _number in spots[:: max(1, len(spots) // 5)][:5]:
        marked = lines[i][:end] + mark + lines[i][end:]
        got = _cells(normalise_text("\n".join([*lines[:i], marked, *lines[i + 1:]]), seed))
        changed = {k: (base.get(k), got.get(k)) for k in set(base) | set(got) if base.get(k) != got.get(k)}
        # the marked cell turns unsure (so may its row); no cell gets another value
        assert all(after is None or after[1] != "value" for _, after in changed.values()), (lines[i], changed)
        checked += bool(changed)
    assert checked, "some marked cell was inside a table"
