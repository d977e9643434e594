"""Atomic file writes: write to a temporary name in the same folder, then rename.

An interrupted run (Ctrl-C, a crash) therefore never leaves a half-written output file: either
the old file or the complete new one is there.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def write_with(path: str | os.PathLike[str], writer: Callable[[IO[Any]], None], *, binary: bool = False,
               encoding: str = "utf-8", newline: str | None = None) -> Path:
    """Call ``writer(fh)`` on a temporary file next to ``path`` and rename it into place."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        mode = "wb" if binary else "w"
        kwargs: dict[str, Any] = {} if binary else {"encoding": encoding, "newline": newline}
        with os.fdopen(fd, mode, **kwargs) as fh:
            writer(fh)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates 0600 files; outputs are shared reports, so honour the umask like open() does.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return target


def write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8") -> Path:
    return write_with(path, lambda fh: fh.write(text), encoding=encoding)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    return write_with(path, lambda fh: fh.write(data), binary=True)
