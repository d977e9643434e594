"""``columnar.pack`` holds exactly the cells of the report dicts it packs (checked against a
plain per-cell reading of the dicts, the way it was first written)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from audit.contracts.report import CELL_STATES
from audit.ingest import columnar
from audit.ingest.values import state_of
from tests import reader_golden as golden


def _reference(reports: list[dict[str, Any]]) -> dict[str, Any]:
    tables, rows, cols = columnar._key_codes()
    cells = [(i, c) for i, r in enumerate(reports) for c in r.get("cells") or []]
    codes, uniques = pd.factorize(pd.Series([c["raw"] for _, c in cells], dtype=object), use_na_sentinel=True)
    return {
        "cell_report": [i for i, _ in cells],
        "cell_table": [tables.get(c["table"], -1) for _, c in cells],
        "cell_row": [rows.get(c["row"], -1) for _, c in cells],
        "cell_col": [cols.get(c["col"], -1) for _, c in cells],
        "cell_value": [np.nan if c["value"] is None else c["value"] for _, c in cells],
        "cell_state": [CELL_STATES.index(c.get("state") or state_of(c["value"], c["raw"])) for _, c in cells],
        "raw_codes": codes.tolist(),
        "raw_values": [str(u) for u in uniques],
    }


def _assert_packs_as_reference(reports: list[dict[str, Any]]) -> None:
    b = columnar.pack(reports)
    want = _reference(reports)
    for name, expected in want.items():
        got = getattr(b, name)
        got = got if isinstance(got, list) else got.tolist()
        assert got == pytest.approx(expected, nan_ok=True) if name == "cell_value" else got == expected, name
    assert b.raw_codes.dtype == np.int32 and b.cell_state.dtype == np.int8


def test_pack_of_generated_reports(tmp_path: Path) -> None:
    reports = [r for _, r in zip(range(80), golden.digested_reports(tmp_path), strict=False)]
    _assert_packs_as_reference(reports)


def test_pack_without_states_and_with_odd_raws() -> None:
    """Version-1 cells (no state) get the derived one; raws that are not text go through pandas."""
    def rep(rid: str, cells: list[dict[str, Any]]) -> dict[str, Any]:
        return {"report_id": rid, "source": {}, "cells": cells}

    v1 = [{"table": "active", "row": "regulations", "col": "issued", "value": 1.0, "raw": "1"},
          {"table": "active", "row": "regulations", "col": "repealed", "value": None, "raw": "—"},
          {"table": "nope", "row": "x", "col": "y", "value": None, "raw": None}]
    _assert_packs_as_reference([rep("a", v1)])
    odd = [{**v1[0], "raw": 1}, {**v1[0], "raw": "1"}, {**v1[1], "raw": None, "state": "unplaced"}]
    _assert_packs_as_reference([rep("a", v1), rep("b", odd), rep("c", [])])
    _assert_packs_as_reference([])


def _batch_fields(b: columnar.Batch) -> dict[str, Any]:
    return {"reports": b.reports, "sections": b.sections, "problems": b.problems,
            **{k: getattr(b, k).tolist() for k in ("cell_report", "cell_table", "cell_row", "cell_col", "cell_state",
                                                  "raw_codes")},
            "cell_value": [None if v != v else v for v in b.cell_value.tolist()], "raw_values": b.raw_values,
            "dtypes": [getattr(b, k).dtype for k in ("cell_report", "cell_table", "cell_row", "cell_col", "cell_value",
                                                     "cell_state", "raw_codes")]}


def test_cells_packed_straight_from_the_reader_are_the_packed_dicts(tmp_path: Path) -> None:
    """What the workers send (``pack_read`` of the reader's cell blocks) is what packing the
    reports' cell dicts gives, on the generated sample and every real report, seed and fixture."""
    from audit.ingest.normalise import read_report, read_report_block

    paths = golden.generate(tmp_path) + [p for paths in golden.full_sources().values() for p in paths]
    blocks = [read_report_block(p, p.stem) for p in paths]
    assert sum(block is not None for _, block in blocks) > 300
    dicts = [read_report(p, p.stem) for p in paths]
    for size in (64, len(paths)):
        for i in range(0, len(paths), size):
            assert _batch_fields(columnar.pack_read(blocks[i:i + size])) == _batch_fields(columnar.pack(dicts[i:i + size]))
