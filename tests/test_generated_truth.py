"""Every number the reader places equals the number the generator printed there.

The reader goldens pin the reader's output; this checks it against something independent: the
benchmark generator (``benchmarks/synthetic.make``) knows each report's true table, and prints
it in five layouts (tab, pipe, one cell per line, crawler-flattened glued digits, Markdown) and
four encodings. A value in a wrong cell is the one thing the reader must never produce, so every
cell read as a number is compared. The only exception is a row the generator printed with a cell
dropped (``short_row``): glued into digits, such a row can have exactly one reading; that reading
is kept as printed, and then its own total cannot hold, so the arithmetic and zeros rules flag
the row as an error. The test checks that too.
"""

from __future__ import annotations

import sys

import pytest

from tests.shared_paths import REPO

SEED, N = 3, 1_600
COLS = ["natural", "commercial", "research", "public_interest", "legal_services", "other_org", "total"]
APPEAL_COLS = ["upheld", "corrected", "other", "pending", "total"]
APPEAL_GROUPS = ["review", "litigation_direct", "litigation_after_review"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[list[dict], dict[int, object]]:
    sys.path.insert(0, str(REPO / "benchmarks"))
    import generate
    import synthetic

    folder = tmp_path_factory.mktemp("generated")
    generate.write_corpus(N, folder, seed=SEED)
    from audit.ingest.normalise import read_report

    reports = [read_report(p, p.stem) for p in sorted(folder.iterdir())]
    return reports, {i: synthetic.make(i, SEED) for i in range(N)}


def _truth(s, table: str, row: str, col: str):  # noqa: ANN001, ANN202 - a synthetic.Synthetic
    if table == "requests" and row in s.requests and col in COLS:
        return s.requests[row][COLS.index(col)]
    if table == "appeals" and row in APPEAL_GROUPS and col in APPEAL_COLS:
        return s.appeals[APPEAL_GROUPS.index(row) * 5 + APPEAL_COLS.index(col)]
    if table == "active" and row in s.active:
        return s.active[row].get(col)
    return None


def test_every_number_read_is_the_number_printed_in_that_cell(generated):
    reports, truth = generated
    wrong, checked, layouts = [], 0, set()
    for rep in reports:
        s = truth[int(rep["report_id"].split("_")[0])]
        layouts.add(s.layout)
        for c in rep["cells"]:
            if c["state"] != "value":
                continue
            want = _truth(s, c["table"], c["row"], c["col"])
            assert want is not None, (rep["report_id"], c)  # no cell the generator did not print
            checked += 1
            if abs(float(want) - c["value"]) > 1e-6:
                wrong.append((rep["report_id"], s.defect, s.short_row, c["table"], c["row"], c["col"], c["value"], want))
    assert checked > 250_000 and len(layouts) == 5, (checked, layouts)
    # Only rows printed with a cell dropped, and each such row's reading breaks its own total.
    assert all(d == "short_row" and row == short for _, d, short, _, row, *_ in wrong), wrong[:5]
    for rid, _, _, table, row, *_ in wrong:
        cells = {c["col"]: c["value"] for c in next(r for r in reports if r["report_id"] == rid)["cells"]
                 if c["table"] == table and c["row"] == row and c["state"] == "value"}
        assert abs(sum(v for k, v in cells.items() if k != "total") - cells["total"]) > 1e-6, (rid, row, cells)
