"""Reading many report files in parallel worker processes (discovery and ids: ``discovery``).

The promise to a supervisor is that every input file comes out as exactly one report, in input
order, whatever happens: a reader exception or a crashed worker process becomes a report with an
``unreadable`` problem (which the engine turns into a ``PARSE-UNREADABLE`` finding), never a lost
file and never a stopped run.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any

from audit.contracts.report import Report, add_problem, new_report
from audit.ingest import columnar, safeio
from audit.ingest.cell_block import CellBlock
from audit.ingest.children import worker_init
from audit.ingest.columnar import Batch
from audit.ingest.discovery import (  # noqa: F401 - the names callers have imported from here
    NON_REPORT_STEMS,
    MissingPath,
    Scan,
    Skip,
    assign_ids,
    discover,
    discover_with_skipped,
    report_suffixes,
    scan,
)
from audit.ingest.safeio import shown

PROGRESS_THRESHOLD = 50
_FORMATS = frozenset({"txt", "md", "html", "docx", "pdf"})


def unreadable_report(path: str | os.PathLike[str], report_id: str, detail: str) -> Report:
    """A valid report for a file nobody could read, saying why."""
    fmt = Path(path).suffix.lstrip(".").lower()
    rep = new_report(report_id, shown(path), fmt=fmt if fmt in _FORMATS else None)
    add_problem(rep, "unreadable", detail)
    return rep


def normalise_one(path: str, report_id: str) -> Report:
    """Read one file; any exception (including a missing reader) becomes an unreadable report."""
    try:
        from audit.ingest.normalise import read_report

        rep = read_report(path, report_id)
        if not isinstance(rep, dict) or rep.get("report_id") != report_id:
            raise TypeError("reader returned no report for this file")
        return rep
    except Exception as exc:  # noqa: BLE001 - never lose an input
        return unreadable_report(path, report_id, f"reader failed: {type(exc).__name__}: {safeio.no_addresses(str(exc))}")


def _normalise_chunk(items: list[tuple[str, str]]) -> list[Report]:
    return [normalise_one(p, rid) for p, rid in items]


def _pack_chunk(items: list[tuple[str, str]]) -> Batch:
    """Read and pack a chunk in the worker, so only compact columns travel to the parent. The
    cells go straight from the reader into the columns (``columnar.pack_read``); should that
    fail, the chunk is packed as report dicts, each a report or an unreadable one."""
    reads = [_read_one(p, rid) for p, rid in items]
    try:
        return columnar.pack_read(reads)
    except Exception:  # noqa: BLE001
        return _pack_safely([_with_cells(rep, block) for rep, block in reads])


def _read_one(path: str, report_id: str) -> tuple[Report, CellBlock | None]:
    """``normalise_one``, with the cells left in their block."""
    try:
        from audit.ingest.normalise import read_report_block

        rep, block = read_report_block(path, report_id)
        if not isinstance(rep, dict) or rep.get("report_id") != report_id:
            raise TypeError("reader returned no report for this file")
        return rep, block
    except Exception as exc:  # noqa: BLE001 - never lose an input
        return unreadable_report(path, report_id, f"reader failed: {type(exc).__name__}: {safeio.no_addresses(str(exc))}"), None


def _with_cells(rep: Report, block: CellBlock | None) -> Report:
    if block is not None:
        rep["cells"] = block.dicts()
    return rep


def _pack_safely(reports: list[Report]) -> Batch:
    """``columnar.pack``; a report the packer rejects becomes an unreadable report, never lost."""
    try:
        return columnar.pack(reports)
    except Exception:  # noqa: BLE001
        return columnar.pack([_packable(rep) for rep in reports])


def _packable(rep: Report) -> Report:
    try:
        columnar.pack([rep])
        return rep
    except Exception as exc:  # noqa: BLE001
        path = (rep.get("source") or {}).get("path") or str(rep.get("report_id"))
        return unreadable_report(path, str(rep.get("report_id")),
                                 f"reader produced a report that cannot be loaded: {type(exc).__name__}: {exc}")


Dumped = tuple[str, str, str | None]  # (report_id, JSON text, a note for the user or None)


def dumped_many(paths: Sequence[str | os.PathLike[str]], ids: Sequence[str], jobs: int | None = None,
                progress: bool | None = None) -> Iterator[Dumped]:
    """The same reports as ``normalise_many`` as checked JSON text, made by the workers (checking
    and serialising cost more than reading). A report that breaks the schema is replaced by an
    unreadable one, with a note saying why."""
    for chunk in _read_chunks(paths, ids, jobs, progress, _dump_chunk, _dump_reports):
        yield from chunk


def _dump_chunk(items: list[tuple[str, str]]) -> list[Dumped]:
    return _dump_reports(_normalise_chunk(items))


def _dump_reports(reports: list[Report]) -> list[Dumped]:
    from audit.contracts import report as contract

    out: list[Dumped] = []
    for rep in reports:
        note = None
        problems = contract.errors(rep)
        if problems:
            path = str((rep.get("source") or {}).get("path") or rep.get("report_id"))
            note = f"{path}: the reader produced an invalid report ({problems[0]}); writing it as unreadable"
            rep = unreadable_report(path, str(rep.get("report_id") or Path(path).stem),
                                    "reader produced an invalid report: " + "; ".join(problems[:3]))
        out.append((rep["report_id"], contract.dumps(rep) + "\n", note))
    return out


def _show_progress(progress: bool | None, n: int) -> bool:
    if progress is not None:
        return progress
    return n > PROGRESS_THRESHOLD and sys.stderr.isatty()


def normalise_many(paths: Sequence[str | os.PathLike[str]], ids: Sequence[str], jobs: int | None = None,
                   progress: bool | None = None) -> Iterator[Report]:
    """Normalised reports for ``paths`` in input order, read in parallel worker processes.

    ``jobs``: worker processes (``None``: all cores; ``1``: in this process, for tests).
    ``progress``: ``None`` shows a tqdm bar on stderr for more than 50 files when stderr is a
    terminal; ``True`` forces it, ``False`` hides it.
    """
    for reports in _read_chunks(paths, ids, jobs, progress, _normalise_chunk, list):
        yield from reports


def packed_many(paths: Sequence[str | os.PathLike[str]], ids: Sequence[str], jobs: int | None = None,
                progress: bool | None = None) -> Iterator[Batch]:
    """The same reports as ``normalise_many``, packed by the workers (``audit.ingest.columnar``) for
    ``audit.corpus.loader.load_batches``: the parent never unpickles or converts report dicts."""
    yield from _read_chunks(paths, ids, jobs, progress, _pack_chunk, _pack_safely)


def _read_chunks(paths: Sequence[str | os.PathLike[str]], ids: Sequence[str], jobs: int | None,
                 progress: bool | None, read: Callable[[list[tuple[str, str]]], Any],
                 wrap: Callable[[list[Report]], Any]) -> Iterator[Any]:
    """``read(chunk)`` for consecutive chunks of (path, id), in input order; ``wrap`` turns the
    reports read one by one after a worker crash into the same kind of result."""
    if len(paths) != len(ids):
        raise ValueError("paths and ids differ in length")
    items = [(str(p), rid) for p, rid in zip(paths, ids, strict=True)]
    bar = _progress_bar(len(items), _show_progress(progress, len(items)))
    try:
        workers = jobs or os.cpu_count() or 1
        if workers <= 1 or len(items) <= 1:
            for chunk in _chunks(items, 1):
                yield read(chunk)
                bar.update(len(chunk))
            return
        yield from _parallel(items, min(workers, len(items)), bar, read, wrap)
    finally:
        bar.close()


def _chunks(items: list[tuple[str, str]], workers: int) -> list[list[tuple[str, str]]]:
    """Batches small enough to balance load, big enough that many small files pay little IPC."""
    size = max(1, min(64, len(items) // (workers * 8) or 1))
    return [items[i:i + size] for i in range(0, len(items), size)]


def _parallel(items: list[tuple[str, str]], workers: int, bar: Any, read: Callable[[list[tuple[str, str]]], Any],
              wrap: Callable[[list[Report]], Any]) -> Iterator[Any]:
    chunks = _chunks(items, workers)
    done = 0
    try:
        with _pool(workers) as pool:
            for result in pool.map(read, chunks):
                yield result
                bar.update(len(chunks[done]))
                done += 1
    except BrokenProcessPool:
        # A worker died (e.g. a native PDF library crashed): retry the rest one file at a time in
        # a single worker, so exactly the file that kills it is given up on. Rare, so slow is fine.
        rest = [it for chunk in chunks[done:] for it in chunk]
        for rep in _isolated(rest, bar):
            yield wrap([rep])


def _isolated(items: list[tuple[str, str]], bar: Any) -> Iterator[Report]:
    i = 0
    while i < len(items):
        with _pool(1) as pool:
            futures = [pool.submit(normalise_one, p, rid) for p, rid in items[i:]]
            for (p, rid), fut in zip(items[i:], futures, strict=True):
                try:
                    rep = fut.result()
                except BrokenProcessPool:
                    yield unreadable_report(p, rid, "the reader process crashed on this file")
                    bar.update(1)
                    i += 1
                    break  # start a fresh pool for what is left
                yield rep
                bar.update(1)
                i += 1


@contextlib.contextmanager
def _pool(workers: int) -> Iterator[ProcessPoolExecutor]:
    """A process pool whose workers die with this process, whatever ends it.

    On an exception or interrupt here (Ctrl-C, SIGTERM turned into one by the CLI, the consumer
    stopping) the workers are killed at once instead of finishing every queued chunk; if this
    process is killed outright (SIGKILL), ``worker_init`` makes the kernel (or a watchdog) end them,
    so nobody keeps the caller's pipes open (``audit run … | tee log`` finishes).
    """
    pool = ProcessPoolExecutor(max_workers=workers, initializer=worker_init, initargs=(os.getpid(),))
    _LIVE_POOLS.add(pool)
    try:
        yield pool
    except BaseException:
        kill_workers(pool)
        raise
    finally:
        _LIVE_POOLS.discard(pool)
    pool.shutdown(wait=True)


_LIVE_POOLS: set[ProcessPoolExecutor] = set()


def stop_all_workers() -> None:
    """Kill every reader pool still running: called on an interrupt, so a suspended reading
    generator (not yet finalised) never leaves workers finishing queued chunks at exit."""
    for pool in list(_LIVE_POOLS):
        kill_workers(pool)
        _LIVE_POOLS.discard(pool)


def kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's worker processes now and drop the queued work.

    A worker killed while it was sending a result leaves half a message in the result pipe, and
    the pool's manager thread would wait for the rest for ever: the pipe never reaches its end,
    because this process still holds its write end (``shutdown(wait=False)`` does not close it).
    Python joins that thread at exit, so the interrupted run hung (about 1 in 20 SIGTERMs while
    reading). With the workers dead, closing this process's write end ends the pipe, and the
    thread sees the pool broken and stops."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    results = getattr(pool, "_result_queue", None)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.kill()
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.join(5)
    if results is not None and all(not p.is_alive() for p in procs):
        with contextlib.suppress(Exception):
            results._writer.close()


class _NoBar:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _progress_bar(total: int, show: bool) -> Any:
    if not show:
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, file=sys.stderr, unit="个文件", desc="读取报告", dynamic_ncols=True)
