"""SIGINT and SIGTERM during a command: both become ``KeyboardInterrupt`` (SIGTERM as ``Terminated``)
in the main thread, and are remembered so that a run that was asked to stop never commits its outputs.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


class Terminated(KeyboardInterrupt):
    """SIGTERM (timeout, CI cancellation, systemd): handled exactly like Ctrl-C."""


_SIGNALLED: list[int] = []  # signals received this run, even if a library swallowed the interrupt


def _on_signal(signum: int, frame: Any) -> None:
    _SIGNALLED.append(signum)
    raise Terminated() if signum == signal.SIGTERM else KeyboardInterrupt()


def install_signal_handlers() -> dict[int, Any]:
    if threading.current_thread() is not threading.main_thread():
        return {}
    _SIGNALLED.clear()
    return {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}


def raise_if_signalled() -> None:
    """Raise the interrupt again if a signal arrived and was swallowed (e.g. inside an at-fork
    handler): a run that was asked to stop never commits its outputs."""
    if _SIGNALLED:
        raise Terminated() if _SIGNALLED[-1] == signal.SIGTERM else KeyboardInterrupt()

