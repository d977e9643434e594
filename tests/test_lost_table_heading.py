"""A table whose section heading is not printed is still the same table, and a table that is not
printed is not made of another table's numbers.

Without a heading of its own a table is looked for in the whole report. The one label 表四 shares
with 表三 (总计) used to start 表四 at 表三's 总计 row: with 四's heading lost, the table printed
below it was never read; with section 四 left out altogether, 表三's last row was reported as
「表四印有 7 个值，应为 15 个」 (an error about a table the report does not print). The fixtures are
the seeds (real reports, three layouts) and generated reports in all five layouts, each read as
printed and again with one heading, or one whole section, taken out.
"""

from __future__ import annotations

import sys

import pytest

from audit.contracts import catalogue
from audit.ingest.decode import decode
from audit.ingest.normalise import normalise_text
from tests.shared_paths import REPO, SEEDS, cell_readings

TABLE_HEADINGS = {t for t in catalogue.TABLES}
N_GENERATED = 60  # 12 in each of the five layouts (generated round robin)


def _texts() -> list[tuple[str, str]]:
    out = [(p.name, decode(p.read_bytes()).text) for p in sorted(SEEDS.glob("*.txt"))]
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate
    import synthetic

    for i in range(N_GENERATED):
        s = synthetic.make(i, 11)
        if not s.defect:  # a printed report as it should be: every section, every row
            out.append((f"generated-{i}-{s.layout}", generate.render(s)))
    return out


@pytest.fixture(scope="module")
def texts() -> list[tuple[str, str]]:
    found = _texts()
    if not any(name.endswith(".txt") for name, _ in found):
        pytest.skip("the seeds (../shared/seeds) are not beside the repository")
    return found


def _heading(rep: dict, canonical: str) -> str | None:
    return next((s["title"] for s in rep["sections"] if s["canonical"] == canonical), None)


@pytest.mark.parametrize("table", catalogue.TABLES)
def test_a_table_whose_heading_is_lost_reads_the_same_cells(texts, table):
    checked = 0
    for name, text in texts:
        rep = normalise_text(text, name)
        title = _heading(rep, table)
        if title is None or text.count(title) != 1:
            continue
        lost = normalise_text(text.replace(title, "", 1), name)
        assert _heading(lost, table) is None, name
        assert cell_readings(lost) == cell_readings(rep), name
        checked += 1
    assert checked >= 40  # the seeds that print the heading once, and the generated reports


def test_a_section_left_out_with_its_table_is_a_missing_table_not_another_tables_numbers(texts):
    checked = 0
    for name, text in texts:
        rep = normalise_text(text, name)
        four, five = _heading(rep, "appeals"), _heading(rep, "problems")
        if four is None or five is None or text.count(four) != 1 or text.count(five) != 1:
            continue
        cut = normalise_text(text[:text.index(four)] + text[text.index(five):], name)
        kinds = [(p["kind"], p["table"]) for p in cut["problems"]]
        assert ("table_missing", "appeals") in kinds, name
        assert not [k for k in kinds if k[1] == "appeals" and k[0] != "table_missing"], (name, kinds)
        assert all(c["state"] == "unplaced" for c in cut["cells"] if c["table"] == "appeals"), name
        before = {k: v for k, v in cell_readings(rep).items() if k[0] != "appeals"}
        assert {k: v for k, v in cell_readings(cut).items() if k[0] != "appeals"} == before, name
        checked += 1
    assert checked >= 40
