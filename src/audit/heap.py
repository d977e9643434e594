"""Give the memory freed between the run's phases back to the operating system.

glibc keeps the small-object heap a process has freed (the corpus's strings, the rules' temporary
frames) for its own reuse, so after ``audit run`` drops the corpus the process stays as big as it
was, and every writer forked from it then counts those pages again. ``malloc_trim(0)`` hands them
back: at 30,000 generated reports the writing phase's peak (process tree, PSS) fell from 1.69 to
1.21 GB; at 100,000, the parent after loading from 2.40 to 1.74 GB. ``audit run`` calls it between
its phases, and the exporters once this process's writers are done and it waits for the forked
one. Where the C library has no such call (musl, macOS, Windows) nothing is done.
"""

from __future__ import annotations

import ctypes
import gc


def give_back(*, collect: bool = True) -> None:
    """Return the free heap to the system where the C library can; first collect cyclic garbage
    (``collect``: 0.07 s at 10,000 reports, worth it only when what was dropped may hold cycles)."""
    if collect:
        gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (AttributeError, OSError):
        return
    trim(0)
