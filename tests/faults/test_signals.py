"""Fault suite, signals: SIGTERM is handled like Ctrl-C; after SIGKILL of the parent no worker is
left, no pipe is held (``audit run … | tee log`` finishes), and ``--out`` holds one whole set.

Each run is started in its own session, so "no worker left" is checked as "no process of that
session is alive" (read from /proc).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.faults.helpers import REPO, generated_corpus
from tests.test_interrupt import _assert_complete

pytestmark = [pytest.mark.timeout(180), pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc")]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generated_corpus(tmp_path_factory.mktemp("signals_raw"), 600, seed=5)


def _session(sid: int) -> list[int]:
    """Live (non-zombie) processes of session ``sid``."""
    pids = []
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == sid and fields[0] != "Z":
            pids.append(int(d.name))
    return pids


def _start(corpus: Path, out: Path, tee: Path) -> subprocess.Popen:
    """``audit run CORPUS --out OUT | tee LOG`` in a new session; the audit process is the session leader's child."""
    cmd = f"{sys.executable} -m audit run {corpus} --out {out} --jobs 2 --format csv | tee {tee} > /dev/null"
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.Popen(["bash", "-c", cmd], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _audit_pid(sid: int, timeout: float = 20) -> int:
    """The ``python -m audit`` parent (the one whose parent is not itself an audit process)."""
    end = time.time() + timeout
    while time.time() < end:
        for pid in _session(sid):
            try:
                cmd = (Path("/proc") / str(pid) / "cmdline").read_bytes().split(b"\0")
                ppid = int((Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[1])
                pcmd = (Path("/proc") / str(ppid) / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"audit" in cmd and b"-m" in cmd and not (b"audit" in pcmd and b"-m" in pcmd):
                return pid
        time.sleep(0.05)
    raise AssertionError("audit did not start")


def _workers_started(parent: int, timeout: float = 30) -> None:
    end = time.time() + timeout
    while time.time() < end:
        kids = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == parent]
        if len(kids) >= 2:
            return
        time.sleep(0.05)
    raise AssertionError("no reader workers seen")


def _ppid(d: Path) -> int:
    try:
        return int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return -1


def _finishes(proc: subprocess.Popen, timeout: float) -> bool:
    """The pipeline (tee included) ends: every holder of the pipe is gone."""
    done = threading.Event()
    threading.Thread(target=lambda: (proc.wait(), done.set()), daemon=True).start()
    return done.wait(timeout)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_signal_to_the_parent_leaves_no_worker_and_no_mixed_outputs(corpus: Path, tmp_path: Path, sig) -> None:
    out = tmp_path / "out"
    # a complete earlier set in --out: after the signal it must still be there, whole
    pre = subprocess.run([sys.executable, "-m", "audit", "run", str(REPO / "reports"), "--out", str(out), "--quiet"],
                         capture_output=True, text=True, timeout=120)
    assert pre.returncode == 0, pre.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = _start(corpus, out, tmp_path / "log")
    try:
        parent = _audit_pid(proc.pid)
        _workers_started(parent)
        os.kill(parent, sig)
        assert _finishes(proc, 30), "the pipeline did not finish: something still holds the pipe"
        end = time.time() + 15
        while _session(proc.pid) and time.time() < end:
            time.sleep(0.1)
        assert _session(proc.pid) == [], f"processes left after {sig!r}: {_session(proc.pid)}"
    finally:
        for pid in _session(proc.pid):
            os.kill(pid, signal.SIGKILL)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if sig == signal.SIGTERM:
        assert "SIGTERM" in err and "Traceback" not in err, err[-2000:]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # the old set, untouched
    _assert_complete(out)
    # the next run cleans up what the killed one left next to --out and writes a whole new set
    again = subprocess.run([sys.executable, "-m", "audit", "run", str(REPO / "reports"), "--out", str(out), "--quiet"],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.audit-lock"]
    _assert_complete(out)
