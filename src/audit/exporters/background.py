"""Run one slow exporter in a forked process while this one writes the others.

scorecard.xlsx is the slowest output by far (a pure-Python writer at ~6 µs per cell: ~25 s for
100,000 reports) and the JSON, CSV and HTML writers together take about as long again, each on
one core. A forked child inherits the frames without pickling them and writes its file through
``audit.exporters.atomic`` like everything else, so an interrupt still leaves no half-written file.
Where ``fork`` is unavailable the job simply runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable
from typing import Any

from audit.ingest.children import die_with_parent


class BackgroundError(RuntimeError):
    """The background exporter failed; the message carries its traceback."""


class Job:
    """``fn(*args)`` started at construction; ``result()`` waits for it and returns its value."""

    def __init__(self, fn: Callable[..., Any], *args: Any) -> None:
        self._fn, self._args = fn, args
        self._value: Any = None
        self._proc: Any = None
        if "fork" not in multiprocessing.get_all_start_methods():
            self._value = fn(*args)
            return
        ctx = multiprocessing.get_context("fork")
        self._recv, send = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(send, fn, args, os.getpid()), daemon=True)
        self._proc.start()
        send.close()

    def result(self) -> Any:
        if self._proc is None:
            return self._value
        try:
            ok, value = self._recv.recv()
        except EOFError:  # the child died without a word (killed, out of memory)
            ok, value = False, f"the exporter process ended with exit code {self._proc.exitcode}"
        finally:
            self._proc.join()
            self._proc = None
        if not ok:
            raise BackgroundError(value)
        self._value = value
        return value

    def cancel(self) -> None:
        """Stop the child after an error or interrupt here. It gets SIGINT, as from Ctrl-C, so
        ``audit.exporters.atomic`` removes its temporary file; SIGTERM only if it does not stop."""
        if self._proc is None:
            return
        if self._proc.is_alive():
            os.kill(self._proc.pid, signal.SIGINT)
            self._proc.join(10)
            if self._proc.is_alive():
                self._proc.terminate()
        self._proc.join()
        self._proc = None


def _child(send: Any, fn: Callable[..., Any], args: tuple[Any, ...], parent: int) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)  # a SIGKILL of the run ends the exporter too (its staging folder is cleaned up later)
    try:
        send.send((True, fn(*args)))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent
        send.send((False, traceback.format_exc()))
    finally:
        send.close()
        os._exit(0)  # no atexit handlers, no flushing of the parent's inherited buffers
