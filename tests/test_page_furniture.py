"""Text copied from PDF or Word pages carries page numbers (— 5 —, 第 3 页 共 8 页) between table rows
and cells, and a stray value inside a row leaves a surplus cell. Neither may move a value into
another cell: a page number is dropped, and a surplus whose place is unsure leaves the row unread
(flagged), never read into the wrong column."""

from __future__ import annotations

import re

import pytest

from audit.ingest.metadata import strip_page_numbers
from audit.ingest.normalise import normalise_text
from tests.shared_paths import SEEDS as SEED_DIR
from tests.shared_paths import cell_readings
from tests.shared_paths import read_seed as _read_seed

SEEDS = ["000", "001", "002", "003", "004"]  # tab, pipe and one-cell-per-line layouts
PAGE_NUMBERS = ["— 5 —", "- 12 -", "第 3 页 共 8 页", "第3页", "－ 7 －"]


def read_seed(prefix: str) -> str:
    """The text of the seed whose file name starts with ``prefix`` (skips without the seeds)."""
    name = next((p.name for p in sorted(SEED_DIR.glob(f"{prefix}_*"))), f"{prefix}_missing")
    return _read_seed(name)[0]


def _problems(rep: dict) -> list:
    return sorted((p["kind"], p.get("table") or "", p.get("row") or "") for p in rep.get("problems", []))


def _table_lines(lines: list[str]) -> list[int]:
    """Lines inside the tables: a row with cells, or a line that is one cell (a number)."""
    rows = [i for i, line in enumerate(lines) if re.search(r"\d", line) and ("\t" in line or "|" in line)]
    return rows or [i for i, line in enumerate(lines) if re.fullmatch(r"\s*\d+\s*", line)]


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("page", PAGE_NUMBERS)
def test_a_page_number_between_table_lines_changes_nothing(seed: str, page: str) -> None:
    text = read_seed(seed)
    base = normalise_text(text, seed)
    lines = text.split("\n")
    at = _table_lines(lines)
    assert len(at) > 10
    for i in at[:: max(1, len(at) // 6)]:
        paged = normalise_text("\n".join([*lines[:i + 1], page, *lines[i + 1:]]), seed)
        assert cell_readings(paged) == cell_readings(base), (seed, page, i, lines[i])
        assert _problems(paged) == _problems(base), (seed, page, i, lines[i])


def test_page_numbers_go_and_numbers_that_may_be_cells_stay() -> None:
    assert strip_page_numbers("甲\n— 5 —\n乙") == "甲\n乙"
    assert strip_page_numbers("甲\n\n第 3 页 共 8 页\n\n乙") == "甲\n\n乙"  # one-cell-per-line: a blank goes too
    assert strip_page_numbers("甲\n\t- 12 -\n乙") == "甲\n乙"
    for kept in ("甲\n5\n乙", "甲\n3/8\n乙", "共 5 页的报告。", "第5页写明了情况。", "-5"):
        assert strip_page_numbers(kept) == kept


def _insert_after(text: str, label: str, skip: int, line: str) -> str:
    """``line`` inserted ``skip`` lines after the line holding ``label``."""
    lines = text.split("\n")
    at = next(i for i, x in enumerate(lines) if label in x) + skip
    return "\n".join([*lines[:at + 1], line, *lines[at + 1:]])


def test_a_stray_value_inside_a_row_without_identities_is_not_read_into_a_column() -> None:
    # Seed 002 prints one cell per line: 行政许可, then 0, 0, 0. A 5 between the first two zeros
    # leaves 0 5 0 0: taking the first three would read 5 as 本年增/减.
    text = read_seed("002")
    rep = normalise_text(_insert_after(text, "行政许可", 2, "    5"), "002")
    licensing = {k: v for k, v in cell_readings(rep).items() if k[:2] == ("active", "licensing")}
    assert licensing and all(v == (None, "unplaced") for v in licensing.values())
    assert ("extra_cells", "active", "licensing") in _problems(rep)
    assert not any(v[0] == 5 for v in cell_readings(rep).values())


def test_a_row_of_zeros_with_a_trailing_zero_is_still_read() -> None:
    # Seed 000 prints an 8th 0 after （七）总计's seven: whichever cell is surplus, all are 0.
    rep = normalise_text(read_seed("000"), "000")
    assert cell_readings(rep)[("requests", "handled_total", "total")] == (0.0, "value")
    assert ("stray_cells", "requests", "handled_total") in _problems(rep)


def test_a_stray_value_inside_the_appeals_table_breaks_its_identities_and_is_not_placed() -> None:
    # Seed 004 prints 表四's 15 zeros one per line; a 5 among them leaves 16 values ending in 0.
    text = read_seed("004")
    lines = text.split("\n")
    head = next(i for i, x in enumerate(lines) if "行政复议" in x and "行政诉讼" in x and i > len(lines) // 2)
    zeros = [i for i in range(head, len(lines)) if lines[i].strip() == "0"]
    at = zeros[3]
    rep = normalise_text("\n".join([*lines[:at + 1], lines[at].replace("0", "5"), *lines[at + 1:]]), "004")
    appeals = {k: v for k, v in cell_readings(rep).items() if k[0] == "appeals"}
    assert not any(v[0] == 5 for v in appeals.values())
    assert ("extra_cells", "appeals", "") in _problems(rep)
