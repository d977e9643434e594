"""Input paths as they really are: any bytes in a name, any kind of file.

File names are bytes on Linux. A GBK-named archive unzipped on a UTF-8 system gives names that are
not UTF-8; Python carries those bytes as lone surrogates (``os.fsdecode``, surrogateescape), which
open() accepts but no UTF-8 output can hold. ``shown`` is the one readable form every output uses
(invalid bytes as ``\\xb9``). Reading goes through ``read_regular``: the file is stat-ed and
opened without blocking, so a FIFO, a device or a socket is refused with a reason instead of
hanging the run or being read forever.
"""

from __future__ import annotations

import os
import re
import stat

# What a file that is not a regular file is, for the Chinese reason a supervisor reads.
_KINDS = ((stat.S_ISFIFO, "命名管道（FIFO）"), (stat.S_ISCHR, "字符设备"), (stat.S_ISBLK, "块设备"),
          (stat.S_ISSOCK, "套接字"), (stat.S_ISDIR, "文件夹"))
_ADDRESS = re.compile(r" at 0x[0-9A-Fa-f]+")


class NotRegular(OSError):
    """The path is not a regular file (``str()`` is a Chinese sentence saying what it is)."""


def shown(path: str | os.PathLike[str]) -> str:
    """The path as text any output can hold: invalid UTF-8 bytes of the name as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def kind_of(mode: int) -> str | None:
    """Chinese name of a non-regular file type, or None for a regular file."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return None if stat.S_ISREG(mode) else "特殊文件"


def read_regular(path: str | os.PathLike[str], max_bytes: int) -> tuple[bytes | None, int]:
    """``(data, size)`` of a regular file; ``(None, size)`` when it is larger than ``max_bytes``.

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` on the open descriptor, so a path that
    is (or becomes) a FIFO or device never blocks; raises ``NotRegular`` for those.
    """
    st = os.stat(path)
    if stat.S_ISDIR(st.st_mode):
        raise NotRegular(_folder_reason(path))
    what = kind_of(st.st_mode)
    if what:
        raise NotRegular(f"这是{what}，不是普通文件，未读取")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        what = kind_of(st.st_mode)
        if what:
            raise NotRegular(f"这是{what}，不是普通文件，未读取")
        if st.st_size > max_bytes:
            return None, st.st_size
        chunks = []
        left = max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > max_bytes:  # grew while being read
            return None, len(data)
        return data, len(data)
    finally:
        os.close(fd)


def _folder_reason(path: str | os.PathLike[str]) -> str:
    try:
        with os.scandir(path):
            pass
    except OSError as exc:
        return f"文件夹无法打开（{exc.strerror or exc}），其中的报告均未读取"
    return "这是文件夹，其中的文件未能列出，均未读取"


def no_addresses(text: str) -> str:
    """A message without ``<… object at 0x7f…>`` addresses, so identical runs print identical text."""
    return _ADDRESS.sub("", text)
