"""``batch.kill_workers`` when a worker dies in the middle of sending its result.

The pool's manager thread is then left reading half a message from a pipe whose end never comes
(this process holds a write end), and Python joins that thread at exit: an interrupted
``audit run`` hung (about 1 SIGTERM in 20 while reading, seen in CI). The scenario runs in a
process of its own: a worker sends a 400 MB result and is killed 0.3 s into sending it. Without
the fix in ``kill_workers`` that process never exits (checked by hand); with it, it does.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

SCENARIO = textwrap.dedent('''
    import multiprocessing as mp, sys, time
    from concurrent.futures import ProcessPoolExecutor
    from pathlib import Path
    from audit.ingest.batch import kill_workers

    def big(mark):
        data = b"x" * (400 << 20)
        Path(mark).write_text("sending")
        return data  # pickled and written into the result pipe after this

    if __name__ == "__main__":
        mark = Path(sys.argv[1])
        pool = ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("fork"))
        pool.submit(big, str(mark))
        while not mark.exists():
            time.sleep(0.001)
        time.sleep(0.3)
        kill_workers(pool)
        print("killed", flush=True)
''')


def test_a_worker_killed_while_sending_its_result_does_not_hang_the_exit(tmp_path: Path) -> None:
    script = tmp_path / "scenario.py"
    script.write_text(SCENARIO, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(tmp_path / "mark")], capture_output=True, text=True,
                          timeout=30)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "killed"
