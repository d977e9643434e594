"""Test guards shared by several test modules."""

from __future__ import annotations

import pytest


def forbid_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any report read fail the test: for errors that must stop a run before it reads a report."""
    from audit.ingest import batch

    def refuse(*args, **kwargs):
        raise AssertionError("a report was read")

    monkeypatch.setattr(batch, "packed_many", refuse)
