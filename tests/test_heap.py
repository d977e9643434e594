"""audit.heap: the freed heap goes back to the system where the C library can, never an error."""

from __future__ import annotations

import ctypes

import pytest

from audit import heap


def test_give_back_calls_malloc_trim_when_the_library_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    class Libc:
        def malloc_trim(self, pad: int) -> int:
            calls.append(pad)
            return 1

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    heap.give_back()
    assert calls == [0]


def _no_library(name: object) -> object:
    raise OSError("no C library")


@pytest.mark.parametrize("cdll", [_no_library, lambda name: object()], ids=["no library", "no malloc_trim"])
def test_give_back_does_nothing_without_malloc_trim(monkeypatch: pytest.MonkeyPatch, cdll: object) -> None:
    monkeypatch.setattr(ctypes, "CDLL", cdll)
    heap.give_back()  # musl, macOS, Windows: no call, no error


def test_give_back_on_this_machine() -> None:
    heap.give_back()


def test_give_back_can_skip_the_cycle_collection(monkeypatch: pytest.MonkeyPatch) -> None:
    collected = []
    monkeypatch.setattr(heap.gc, "collect", lambda: collected.append(1))
    heap.give_back(collect=False)
    assert collected == []
    heap.give_back()
    assert collected == [1]
