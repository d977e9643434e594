"""The tables' identities are declared once, in the catalogue, and every user reads them from there."""

from __future__ import annotations

import copy

import pytest
from audit.rules import zeros

from audit.contracts import catalogue
from audit.contracts.identities import Identity
from audit.ingest import splitter
from audit.testing.build import build_corpus


def test_the_catalogue_declares_the_four_identities_of_the_design():
    cat = catalogue.load()
    by_id = {i.id: i for i in cat.identities}
    assert set(by_id) == {"requests_balance", "requests_handled_total", "requests_row_total", "appeals_group_total"}
    assert by_id["requests_balance"].lhs == ("new", "carried_over")
    assert by_id["requests_balance"].rhs == ("handled_total", "carried_next")
    assert by_id["requests_row_total"].total == "total" and len(by_id["requests_row_total"].parts) == 6
    assert by_id["appeals_group_total"].parts == ("upheld", "corrected", "other", "pending")
    for ed in catalogue.EDITIONS:  # the leaves are the edition's rows that are no term of the balance
        balance = set(by_id["requests_balance"].terms)
        assert cat.request_leaf_rows(ed) == [r for r in cat.request_rows(ed) if r not in balance]
    assert len(cat.request_leaf_rows("2021")) == 21 and len(cat.request_leaf_rows("2019")) == 19


def test_holds_checks_the_terms_a_report_has():
    ident = Identity(id="x", table="requests", across="rows", lhs=("a", "b"), rhs=("t",), total="t")
    assert ident.holds({"a": 1, "b": 2, "t": 3})
    assert not ident.holds({"a": 1, "b": 2, "t": 4})
    assert ident.holds({"a": 3, "t": 3})


def test_the_splitter_checks_rows_with_the_catalogue_identities():
    cols = catalogue.load().request_columns
    check = splitter.row_check("requests", cols)
    assert check((1, 2, 0, 0, 0, 0, 3)) and not check((1, 2, 0, 0, 0, 0, 4))
    assert splitter.row_check("active", ["issued", "repealed", "in_force"]) is None
    keys = [(r, c) for r in catalogue.load().appeals_rows for c in catalogue.load().appeals_columns]
    block = splitter.cells_check("appeals", keys)
    assert block((1, 0, 0, 0, 1) * 3) and not block((1, 0, 0, 0, 1) * 2 + (1, 0, 0, 0, 2))


@pytest.fixture
def extra_identity(monkeypatch):
    """The shipped catalogue plus one identity on the active table: 现行有效件数 = 本年制发件数."""
    raw = copy.deepcopy(catalogue.load().raw)
    raw["identities"].append({"id": "test_active", "table": "active", "across": "columns",
                              "total": "in_force", "parts": ["issued"], "lhs_name": "本年制发件数"})
    patched = catalogue.Catalogue(raw=raw, labels=catalogue.load().labels)
    monkeypatch.setattr(catalogue, "load", lambda: patched)
    splitter._cells_check.cache_clear()
    yield patched
    splitter._cells_check.cache_clear()


def test_adding_an_identity_is_one_catalogue_entry(extra_identity):
    check = splitter.row_check("active", ["issued", "repealed", "in_force"])
    assert check is not None and check((2, 0, 2)) and not check((2, 0, 3))
    corpus = build_corpus({"cells": {"active/regulations/in_force": 4}}, {})
    rule = {r.id: r for r in zeros.audit_pack().rules}["ZERO-TOTAL-WITHOUT-PARTS"]
    out = rule.run(corpus)
    assert out[["report_id", "table", "row", "col"]].values.tolist() == [["r1", "active", "regulations", "in_force"]]
    assert "本年制发件数 = 0" in out["message"].iloc[0]
