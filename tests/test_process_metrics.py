"""Multiprocess metrics: a web process that dies leaves the scrape's live gauges (the rate limit remaining) at
once; its counters stay (they are sums). Run in a fresh interpreter with PROMETHEUS_MULTIPROC_DIR set, as the
server runs, forking real children through `bot.processes.serve_processes`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r'''
import os
import signal
import sys
import threading

from bot import metrics
from bot.processes import serve_processes

assert metrics.MULTIPROCESS
def child():
    metrics.RATE_LIMIT_REMAINING.labels("github").set(4321)
    metrics.API_CALLS.labels("github", "2xx").inc()
    sys.exit(3)  # dies: the parent starts another

def stop_soon():
    import time
    time.sleep(1.5)
    os.kill(os.getpid(), signal.SIGTERM)

threading.Thread(target=stop_soon, daemon=True).start()
import bot.processes as p
p.RESTART_PAUSE = 0.2
serve_processes(1, child, grace=1)
'''


def test_a_dead_web_process_leaves_the_live_gauges(tmp_path: Path) -> None:
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, timeout=60,
                         text=True)
    assert out.returncode == 0, out.stderr
    assert not list(tmp_path.glob("gauge_live*.db"))  # every dead child's live gauge file is gone
    assert list(tmp_path.glob("counter_*.db"))  # the counters stay
