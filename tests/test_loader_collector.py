"""Loading pauses the cycle collector's scans of older objects, and leaves its state as it was."""

from __future__ import annotations

import gc

import pytest

from audit.corpus import loader
from audit.ingest import columnar
from audit.ingest.normalise import normalise_text
from tests.shared_paths import REPO


def _batch() -> columnar.Batch:
    text = sorted((REPO / "reports").glob("*.txt"))[0].read_text(encoding="utf-8")
    return columnar.pack([normalise_text(text, "seed0")])


def test_older_objects_are_frozen_while_loading_and_thawed_after() -> None:
    assert gc.get_freeze_count() == 0
    seen = []

    def batches():
        seen.append(gc.get_freeze_count())
        yield _batch()

    corpus = loader.load_batches(batches())
    assert len(corpus) == 1 and seen[0] > 0
    assert gc.get_freeze_count() == 0


def test_a_failed_load_thaws_them_too() -> None:
    def batches():
        yield _batch()
        raise RuntimeError("a worker broke")

    with pytest.raises(RuntimeError):
        loader.load_batches(batches())
    assert gc.get_freeze_count() == 0


def test_a_caller_that_froze_objects_keeps_them_frozen() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        loader.load_batches([_batch()])
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()
