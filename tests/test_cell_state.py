"""Cell state is decided once, by the reader, and every rule reads it (never ``raw``).

Regression tests for the two blank lists that disagreed: ``--`` was read blank by the reader but
reported as non-numeric by the rules (and suppressed the row total check); an en dash ``–`` went
the other way; the ``…`` entry could never match (NFKC turns it into ``...``).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from audit.rules import arithmetic, structure

from audit.contracts import report as R
from audit.corpus.loader import load
from audit.ingest import values
from audit.ingest.normalise import normalise_text
from audit.testing.build import build_report

SEED = Path(__file__).resolve().parents[1] / "reports" / "001_2e0bbb7745e2b5ab.txt"
PARTIAL_ROW = "(二)部分公开(区分处理的,只计这一情形,不计其他情形) | 1 | 0 | 0 | 0 | 0 | 0 | 1 | ||"


def _rules() -> dict:
    return {r.id: r for p in (arithmetic, structure) for r in p.audit_pack().rules}


def _report_with(mark: str) -> dict:
    """Seed 001 (pipe layout) with 部分公开 printed as 1, ``mark``, 0, 0, 0, 0 and a total of 2."""
    text = SEED.read_text(encoding="utf-8")
    assert PARTIAL_ROW in text
    bad_row = PARTIAL_ROW.replace("| 1 | 0 | 0 | 0 | 0 | 0 | 1 |", f"| 1 | {mark} | 0 | 0 | 0 | 0 | 2 |")
    return normalise_text(text.replace(PARTIAL_ROW, bad_row), "seed1")


@pytest.mark.parametrize("mark", ["--", "–", "－－", "…", "……", "—", "/", "无"])
def test_a_printed_blank_mark_is_blank_everywhere(mark):
    rep = _report_with(mark)
    R.validate(rep)
    (cell,) = [c for c in rep["cells"] if (c["table"], c["row"], c["col"]) == ("requests", "partial", "commercial")]
    assert (cell["state"], cell["value"], cell["raw"]) == ("blank", None, mark)
    assert not [p for p in rep["problems"] if p["kind"] == "non_numeric"]
    corpus = load([rep])
    rules = _rules()
    assert rules["STRUCT-NON-NUMERIC"].run(corpus).empty
    out = rules["ARITH-REQ-ROW-TOTAL"].run(corpus)  # the blank part counts as 0: 1 + 0 + … ≠ 2
    assert out[["row", "col", "expected", "actual"]].values.tolist() == [["partial", "total", 1.0, 2.0]]


def test_text_in_a_cell_is_text_and_reported_once():
    rep = build_report({"cells": {"requests/granted/natural": "raw:二"}})
    (cell,) = [c for c in rep["cells"] if (c["table"], c["row"], c["col"]) == ("requests", "granted", "natural")]
    assert cell["state"] == "text"
    corpus = load([rep])
    rules = _rules()
    out = rules["STRUCT-NON-NUMERIC"].run(corpus)
    assert len(out) == 1 and "“二”" in out["message"].iloc[0]
    assert rules["ARITH-REQ-ROW-TOTAL"].run(corpus).empty  # an unsure part suspends the identity


def test_the_blank_list_holds_what_nfkc_gives():
    for mark in ("…", "……", "－", "－－", "／", "–", "--"):
        assert values.parse(mark) == (values.BLANK, None), mark
    assert values.parse("0") == (values.NUMBER, 0.0)
    assert values.parse("二")[0] == values.TEXT


def test_every_cell_of_a_read_report_has_its_state():
    rep = normalise_text(SEED.read_text(encoding="utf-8"), "seed1")
    assert rep["schema_version"] == "2" and rep["cells"]
    for c in rep["cells"]:
        assert c["state"] == values.state_of(c["value"], c["raw"]), c


def test_version_1_reports_get_their_state_once_at_load():
    rep = _report_with("--")
    rep["cells"][0].update(value=None, raw=None, state="unplaced")
    old = copy.deepcopy(rep)
    old["schema_version"] = "1"
    for c in old["cells"]:
        del c["state"]
    assert R.is_valid(old) and not R.is_valid({**old, "schema_version": "2"})
    new_cells, old_cells = load([rep]).cells, load([old]).cells
    pd.testing.assert_frame_equal(new_cells, old_cells)
    assert list(new_cells["state"].cat.categories) == ["value", "blank", "text", "unplaced"]
    assert set(new_cells["state"].astype(str)) == {"value", "blank", "unplaced"}


def test_the_frame_refuses_a_value_without_state_value():
    rep = _report_with("0")
    rep["cells"][0]["state"] = "blank"  # says blank but carries a number
    with pytest.raises(Exception, match="state"):
        load([rep])
    assert np.isnan(load([rep], validate=False).cells["value"]).sum() == 0
