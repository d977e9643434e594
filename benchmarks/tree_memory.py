"""How long a command runs and how much memory its whole process tree holds at its peak.

The peak is that of the summed PSS of the process tree (a page shared after ``fork`` counts once),
sampled from ``/proc`` every 100 ms; the largest single process comes from
``getrusage(RUSAGE_CHILDREN)`` of a small wrapper. Used by ``bench.py`` for every stage.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat", "rb") as fh:
                stat = fh.read().decode("ascii", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rfind(")") + 2:].split()[1])
        kids.setdefault(ppid, []).append(int(d))
    return kids


def _rss_kb(pid: int) -> int:
    """Proportional set size (PSS) of ``pid`` in KiB: a page shared by k processes counts 1/k in
    each, so forked processes (reader workers, the background XLSX writer) are not counted twice;
    RSS where the kernel has no ``smaps_rollup``."""
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


def tree_rss_kb(root: int) -> int:
    """Summed memory (PSS) of ``root`` and all its descendants, in KiB."""
    kids = _children_map()
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += _rss_kb(pid)
        stack.extend(kids.get(pid, ()))
    return total


@dataclass
class Measured:
    seconds: float
    peak_tree_kb: int
    max_single_kb: int
    returncode: int
    stdout: str = ""
    stderr: str = ""


_WRAPPER = ("import resource, subprocess, sys\n"
            "p = subprocess.run(sys.argv[1:])\n"
            "sys.stderr.write('\\n@@maxrss %d\\n' % resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
            "sys.exit(p.returncode)\n")


def measure(cmd: list[str], *, cwd: str | None = None, env: dict[str, str] | None = None) -> Measured:
    """Run ``cmd``; wall time, peak summed RSS of its process tree, largest single process RSS."""
    peak = 0
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _WRAPPER, *cmd], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def poll() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss_kb(proc.pid))
            done.wait(0.1)

    th = threading.Thread(target=poll, daemon=True)
    th.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - t0
    done.set()
    th.join()
    single = 0
    for line in err.splitlines():
        if line.startswith("@@maxrss "):
            single = int(line.split()[1])
    err = "\n".join(line for line in err.splitlines() if not line.startswith("@@maxrss "))
    return Measured(seconds, peak, single, proc.returncode, out, err)
