"""Finding report files and giving them ids: the first step of a run, before any file is opened.

A folder walk stats every entry and never opens one; what it does not read it says why (a Chinese
sentence per file). Ids are file stems, unique across the run.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from audit.ingest import safeio
from audit.ingest.safeio import shown

# Files a folder walk picks up: the suffixes the registered readers declare (``audit_readers``
# hook); a file named explicitly is always read, whatever its suffix.
# Documentation that sits next to reports in a folder (README.md, SOURCES.md, …) is no report.
NON_REPORT_STEMS = frozenset({"readme", "sources", "license", "licence", "changelog", "notice", "contributing"})


class MissingPath(FileNotFoundError):
    """A path given on the command line that does not exist (a usage error)."""


@dataclass(frozen=True)
class Skip:
    """A file a folder walk did not read, and why (a Chinese sentence)."""

    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{shown(self.path)}（{self.reason}）"


@dataclass
class Scan:
    """What ``scan`` found: the inputs to read, in order, and the explained skips."""

    files: list[Path] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)


def scan(paths: Iterable[str | os.PathLike[str]]) -> Scan:
    """Report files under ``paths`` and every file a folder walk did not read, with the reason.

    Folders are walked recursively (``os.scandir``, no recursion limit), hidden files and folders
    (``.name``) skipped, symbolic links to folders not followed. Every entry is stat-ed, never
    opened: a FIFO, device or socket in a folder is an explained skip (reading it would block);
    named on the command line it is an input and becomes a report with a parse finding. A folder
    that cannot be listed (permissions) is an input too, so its loss is a finding, not a silence.
    One file reached under two spellings (``a/x.txt``, ``./a/x.txt``, a hard link) is read once.
    The result is sorted, so the same inputs always give the same run.
    """
    files: dict[tuple[int, int] | str, Path] = {}
    skipped: dict[str, Skip] = {}

    def add(p: Path, st: os.stat_result | None) -> None:
        key: tuple[int, int] | str = (st.st_dev, st.st_ino) if st is not None else str(p)
        if key not in files or str(p) < str(files[key]):
            files[key] = p

    for given in paths:
        p = Path(given)
        try:
            st = os.stat(p)
        except FileNotFoundError:
            raise MissingPath(f"找不到文件或文件夹：{shown(p)}") from None
        except OSError:
            add(p, None)  # cannot even be stat-ed: read_report says why
            continue
        if stat.S_ISDIR(st.st_mode):
            _walk(p, add, skipped)
        else:
            add(p, st)
    chosen = {str(f) for f in files.values()}
    return Scan(sorted(files.values(), key=str),
                [skipped[k] for k in sorted(skipped) if k not in chosen])


def _walk(top: Path, add: Callable[[Path, os.stat_result | None], None], skipped: dict[str, Skip]) -> None:
    stack = [top]
    suffixes = report_suffixes()  # once per walk: the readers do not change during it
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            add(folder, None)  # an unreadable folder is an input: its report says why
            continue
        subfolders = []
        for e in entries:
            if e.name.startswith("."):
                continue
            f = Path(e.path)
            try:
                st = os.stat(f)
            except OSError as exc:
                why = "符号链接指向的文件不存在" if e.is_symlink() else f"无法访问：{exc.strerror or exc}"
                skipped[str(f)] = Skip(f, why)
                continue
            if stat.S_ISDIR(st.st_mode):
                if e.is_symlink():
                    skipped[str(f)] = Skip(f, "指向文件夹的符号链接，未进入")
                else:
                    subfolders.append(f)
            elif not stat.S_ISREG(st.st_mode):
                skipped[str(f)] = Skip(f, f"{safeio.kind_of(st.st_mode)}，不是普通文件，已跳过（读取会一直等待）")
            elif _looks_like_report(f, suffixes):
                add(f, st)
            else:
                why = ("说明文档，不是报告" if f.stem.casefold() in NON_REPORT_STEMS
                       else f"文件类型 {f.suffix or '（无后缀）'} 不是报告格式")
                skipped[str(f)] = Skip(f, why)
        stack.extend(reversed(subfolders))


def discover_with_skipped(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[Path]]:
    """``scan`` as (files, skipped paths)."""
    found = scan(paths)
    return found.files, [s.path for s in found.skipped]


def _looks_like_report(f: Path, suffixes: frozenset[str]) -> bool:
    return f.suffix.lower() in suffixes and f.stem.casefold() not in NON_REPORT_STEMS


def report_suffixes() -> frozenset[str]:
    """The suffixes of every registered reader."""
    from audit.ingest.normalise import readers

    return frozenset(s.lower() for r in readers() for s in r.suffixes)


def discover(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Report files under ``paths`` (files or folders), recursive, sorted, hidden ones skipped."""
    return scan(paths).files


def assign_ids(paths: Sequence[str | os.PathLike[str]]) -> list[str]:
    """Report ids: the file stem (in ``safeio.shown`` form); stems that collide say which path
    each came from.

    Files sharing a stem get the shortest tail of their path that tells them apart, folders
    joined by ``__`` (``2023/朱兰街道.txt`` and ``2024/朱兰街道.txt`` → ``2023__朱兰街道`` and
    ``2024__朱兰街道``; ``r.txt`` and ``r.html`` in one folder → ``r.txt`` and ``r.html``), so every
    output that shows an id shows where its report came from. A clash that remains gets ``-2``….
    """
    parts = [Path(shown(p)).parts or (shown(p),) for p in paths]
    stems = [Path(pp[-1]).stem or pp[-1] for pp in parts]
    groups: dict[str, list[int]] = {}
    for i, stem in enumerate(stems):
        groups.setdefault(stem, []).append(i)
    wanted = list(stems)
    for members in groups.values():
        if len(members) > 1:
            for i, name in zip(members, _distinguishing(members, parts, stems), strict=True):
                wanted[i] = name
    taken = set(wanted)
    used: set[str] = set()
    ids = []
    for want in wanted:
        rid = want
        if rid in used:
            n = 2
            while f"{want}-{n}" in used or f"{want}-{n}" in taken:
                n += 1
            rid = f"{want}-{n}"
        used.add(rid)
        ids.append(rid)
    return ids


def _distinguishing(members: list[int], parts: list[tuple[str, ...]], stems: list[str]) -> list[str]:
    """For files sharing a stem: the shortest path tails (folders + stem, else + suffix) that differ."""
    longest = max(len(parts[i]) for i in members)
    for with_suffix in (False, True):
        for depth in range(1, longest + 1):
            names = []
            for i in members:
                last = parts[i][-1] if with_suffix else stems[i]
                names.append("__".join([*parts[i][-depth:-1], last]) if depth > 1 else last)
            if len(set(names)) == len(names):
                return names
    return ["__".join(parts[i]) for i in members]

