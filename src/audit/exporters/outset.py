"""The output set of one run: checked before any report is read, written whole, swapped in whole.

``audit run`` promises that ``--out`` holds the files of one run, never a mix of two. So:

1. ``OutputSet.prepare`` (before reading): ``--out`` must be a folder or creatable, its parent
   writable; a lock (``fcntl.flock`` on ``.<out>.audit-lock`` next to it) refuses a second run on
   the same ``--out`` at once (exit 2, "另一次运行正在使用"; we do not wait: a supervisor who
   started two runs by mistake learns it immediately). Leftovers of killed runs are cleaned up.
2. The exporters write into a fresh hidden folder ``.<out>.new-XXXX`` next to ``--out`` (same
   file system), marked *staging* by its manifest.
3. ``commit`` swaps that folder with ``--out`` in one ``renameat2(RENAME_EXCHANGE)`` (Linux; two
   renames elsewhere, with the old set kept aside until the new one is in place), then moves back
   whatever in the old folder was not an output of the run that wrote it (``normalised/``,
   ``docs/``, a user's notes) and deletes the rest.

A kill at any moment leaves either the old set or the new one in ``--out`` plus a hidden folder
that the next run on the same ``--out`` cleans up: a staging folder is deleted, an old set gives
its non-output files back first, so nothing a user put into ``--out`` is ever deleted.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import shutil
import tempfile
from pathlib import Path

from audit.ingest.safeio import shown

MANIFEST = ".audit-outputs.json"
# What older versions wrote (no manifest): these names in an old --out belong to a run.
KNOWN_OUTPUTS = frozenset({"findings.json", "findings.csv", "scorecard.csv", "scorecard.xlsx", "report.html",
                           "findings.sarif"})
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


class OutputError(Exception):
    """``--out`` cannot be used (a Chinese sentence naming the folder and why)."""


class OutputSet:
    """One run's output folder: ``prepare`` → write into ``staging`` → ``commit`` (or ``abort``)."""

    def __init__(self, out: str | os.PathLike[str]) -> None:
        self.given = Path(out)
        path = Path(os.path.abspath(out))
        self.out = Path(os.path.realpath(path)) if path.is_symlink() and path.is_dir() else path
        self.parent = self.out.parent
        self.staging: Path | None = None
        self._lock_fd: int | None = None

    # -- before reading --------------------------------------------------------------------------

    def prepare(self) -> Path:
        """Check, lock, clean up leftovers and create the staging folder; return it."""
        name = shown(self.given)
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"输出位置 --out {name} 是一个已存在的文件，不是文件夹；请换一个文件夹")
        if self.out.is_dir() and os.path.ismount(self.out):
            raise OutputError(f"无法整体替换输出文件夹 --out {name}：它是一个挂载点；请用其中的一个子文件夹作 --out")
        try:
            self.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"无法创建输出文件夹 --out {name}：{exc.strerror or exc}") from exc
        if not self.parent.is_dir():
            raise OutputError(f"无法创建输出文件夹 --out {name}：{shown(self.parent)} 不是文件夹")
        self._lock(name)
        try:
            self._clean_leftovers()
            self.staging = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.new-", dir=self.parent))
            _write_manifest(self.staging, "staging", [])
        except OSError as exc:
            self.release()
            raise OutputError(f"无法写入输出文件夹 --out {name}：{exc.strerror or exc}") from exc
        return self.staging

    def _lock(self, name: str) -> None:
        try:
            import fcntl
        except ImportError:  # not on this platform: no lock, the swap still never mixes files
            return
        lock = self.parent / f".{self.out.name}.audit-lock"
        try:
            fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError as exc:
            raise OutputError(f"无法写入输出文件夹 --out {name}：{exc.strerror or exc}") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"另一次 audit run 正在使用输出文件夹 --out {name}（锁文件 {shown(lock)}）；"
                              "请等它结束，或换一个 --out") from None
        self._lock_fd = fd

    def _clean_leftovers(self) -> None:
        """Folders of runs that were killed: delete staging ones, give old sets' extra files back."""
        for d in sorted(self.parent.glob(f".{self.out.name}.new-*")) + sorted(self.parent.glob(f".{self.out.name}.old-*")):
            if not d.is_dir() or d.is_symlink():
                continue
            state, _ = _read_manifest(d)
            if state == "staging":
                shutil.rmtree(d, ignore_errors=True)
            elif not self.out.exists():
                os.rename(d, self.out)  # killed between the two renames: the old set goes back
            else:
                _give_back(d, self.out)
        if self.out.is_dir():
            for stale in self.out.glob(".*.tmp"):  # atomic writes of versions without the swap
                with contextlib.suppress(OSError):
                    stale.unlink()

    # -- after writing ---------------------------------------------------------------------------

    def commit(self, written: list[Path]) -> list[Path]:
        """Swap the staging folder in as ``--out``; return ``written`` as paths under ``--out``."""
        assert self.staging is not None, "prepare() first"
        staging = self.staging
        names = sorted({Path(p).relative_to(staging).parts[0] for p in written} | set(_entries(staging)))
        _write_manifest(staging, "complete", names)
        os.chmod(staging, _folder_mode(self.out))
        if self.out.exists():
            if _exchange(staging, self.out):
                _give_back(staging, self.out)
            else:
                aside = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.old-", dir=self.parent))
                os.rmdir(aside)
                os.rename(self.out, aside)
                os.rename(staging, self.out)
                _give_back(aside, self.out)
        else:
            os.rename(staging, self.out)
        self.staging = None
        self.release()
        return [self.given / Path(p).relative_to(staging) for p in written]

    def abort(self) -> None:
        """Remove the staging folder (a failed or interrupted run); ``--out`` stays as it was."""
        if self.staging is not None:
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
        self.release()

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing the descriptor releases the flock
            self._lock_fd = None


def _entries(folder: Path) -> list[str]:
    return [e for e in os.listdir(folder) if e != MANIFEST and not (e.startswith(".") and e.endswith(".tmp"))]


def _write_manifest(folder: Path, state: str, names: list[str]) -> None:
    (folder / MANIFEST).write_text(json.dumps({"tool": "audit", "state": state, "outputs": names},
                                              ensure_ascii=False) + "\n", encoding="utf-8")


def _read_manifest(folder: Path) -> tuple[str | None, set[str]]:
    try:
        doc = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        return str(doc.get("state")), {str(n) for n in doc.get("outputs") or []}
    except (OSError, ValueError, AttributeError):
        return None, set(KNOWN_OUTPUTS)


def _give_back(old: Path, out: Path) -> None:
    """Move what in the old set was no run's output into ``out`` (unless ``out`` has it), delete the rest."""
    _, outputs = _read_manifest(old)
    for name in _entries(old):
        if name in outputs or name in KNOWN_OUTPUTS or (out / name).exists():
            continue
        with contextlib.suppress(OSError):
            os.rename(old / name, out / name)
    shutil.rmtree(old, ignore_errors=True)


def _folder_mode(out: Path) -> int:
    try:
        return os.stat(out).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o777 & ~umask


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux ``renameat2``); False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    return False
