"""The normalised report (public contract): building, problems, and JSON Schema validation.

A normalised report is a plain ``dict`` that validates against ``data/normalised_report.schema.json``
(``audit schema`` prints it). Plain dicts keep readers, worker processes and rule authors free of
any class hierarchy: what is on disk is exactly what is in memory.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import jsonschema_rs

SCHEMA_VERSION = "2"  # "1" (cells without ``state``) is still accepted on input

#: ``cells[].state``, in this order (also the categories of the cells frame's ``state`` column):
#: a number was read / printed blank / printed text that is not a number / not placed by the reader.
CELL_STATES = ("value", "blank", "text", "unplaced")

# Problem kinds a reader may record, with the finding category they become.
PARSE_KINDS = frozenset({"unreadable", "empty", "binary", "encoding", "too_large", "no_text_layer", "truncated"})
Report = dict[str, Any]


@cache
def schema() -> dict[str, Any]:
    """The normalised-report JSON Schema shipped with the package."""
    text = resources.files("audit").joinpath("data/normalised_report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)


@cache
def _validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(schema())
    return cls(schema())


@cache
def _fast_validator() -> Any:
    """The same schema compiled by jsonschema-rs (Rust), for ``is_valid``: 0.03 ms for a 200-cell
    report where fastjsonschema's generated Python took 0.26 ms (9 times), which matters when
    ``audit run`` reads 100,000 normalised reports; its verdicts are tested against jsonschema."""
    return jsonschema_rs.validator_for(schema())


def validate(report: Report) -> None:
    """Raise ``jsonschema.ValidationError`` when ``report`` breaks the contract."""
    _validator().validate(report)


def is_valid(report: Report) -> bool:
    """True when ``report`` keeps the contract (fast path; ``errors`` says what is wrong)."""
    return bool(_fast_validator().is_valid(report))


def errors(report: Report) -> list[str]:
    """All contract violations of ``report`` as readable strings (empty when valid)."""
    if is_valid(report):
        return []
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in _validator().iter_errors(report)]


def new_report(report_id: str, path: str = "", *, fmt: str | None = None, sha256: str | None = None,
               encoding: str | None = None, layout: str | None = None) -> Report:
    """An empty, valid report: nothing read yet."""
    return {
        "schema_version": SCHEMA_VERSION,
        "report_id": report_id,
        "source": {"path": path, "sha256": sha256, "format": fmt, "encoding": encoding, "layout": layout},
        "unit": None,
        "year": None,
        "published": None,
        "edition": None,
        "edition_evidence": [],
        "sections": [],
        "cells": [],
        "problems": [],
    }


def problem(kind: str, detail: str, table: str | None = None, row: str | None = None,
            col: str | None = None, *, readings: dict[str, Any] | None = None) -> dict[str, Any]:
    """One reader problem entry; ``readings`` (optional) are the splits still possible for an
    ``ambiguous_split`` row: ``{"digits", "cols", "values": [[…], …], "count", "capped"}``."""
    out = {"kind": kind, "table": table, "row": row, "col": col, "detail": detail}
    if readings is not None:
        out["readings"] = readings
    return out


def add_problem(report: Report, kind: str, detail: str, table: str | None = None, row: str | None = None,
                col: str | None = None) -> None:
    report["problems"].append(problem(kind, detail, table, row, col))


def dumps(report: Report) -> str:
    """Stable, human-readable JSON (Chinese kept as is)."""
    return json.dumps(report, ensure_ascii=False, indent=2)
