"""Give the memory freed between the run's phases back to the operating system.

glibc keeps the small-object heap a process has freed (the corpus's strings, the rules' temporary
frames) for its own reuse, so after ``audit run`` drops the corpus the process stays as big as it
was, and every writer forked from it then counts those pages again. ``malloc_trim(0)`` hands them
back: at 30,000 generated reports the writing phase's peak (process tree, PSS) fell from 1.69 to
1.21 GB. Where the C library has no such call (musl, macOS, Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import gc


def give_back() -> None:
    """Collect cyclic garbage, then return the free heap to the system where the C library can."""
    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)
