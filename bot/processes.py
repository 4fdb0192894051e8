"""Several web processes on one port (WEB_CONCURRENCY): a parent forks them, each binds the port with SO_REUSEPORT
(the kernel spreads connections across them), and the parent restarts one that dies and passes SIGTERM on. A child
that ended has its live gauges marked dead (multiprocess metrics), so the scrape stops showing them.

The parent holds no event loop, database or socket: each child builds its own after the fork."""

from __future__ import annotations

import logging
import os
import signal
import time
from collections.abc import Callable

from bot import metrics

log = logging.getLogger(__name__)

RESTART_PAUSE = 1.0  # seconds before a child that died is started again


def serve_processes(count: int, run_child: Callable[[], None], *, grace: float = 30.0) -> int:
    """Run `run_child` in `count` forked processes until SIGTERM/SIGINT; return 0 once all have stopped."""
    children: set[int] = set()
    stopping = False

    def spawn() -> None:
        pid = os.fork()
        if pid == 0:  # the child: its own signal handlers come with its event loop
            # Until they do, a stop asked for while the child is still starting is a clean exit, not a death by
            # signal that the parent would report as a failed shutdown.
            signal.signal(signal.SIGTERM, _stop_while_starting)
            signal.signal(signal.SIGINT, _stop_while_starting)
            code = 0
            try:
                run_child()
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            except BaseException:
                log.exception("web process failed")
                code = 1
            finally:
                logging.shutdown()
                os._exit(code)
        children.add(pid)

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for _ in range(count):
        spawn()
    log.info("%d web processes sharing the port", count)
    deadline: float | None = None
    failed = False
    while children:
        if stopping and deadline is None:
            deadline = time.monotonic() + grace + 5
        try:
            pid, status = os.waitpid(-1, os.WNOHANG if stopping else 0)
        except ChildProcessError:
            break
        if pid == 0:  # stopping: poll until they are gone, then insist
            if deadline is not None and time.monotonic() > deadline:
                for child in list(children):
                    with _quiet():
                        os.kill(child, signal.SIGKILL)
            time.sleep(0.05)
            continue
        children.discard(pid)
        metrics.process_died(pid)
        code = os.waitstatus_to_exitcode(status)
        if stopping:
            failed = failed or code != 0
            continue
        log.error("web process %d exited (%d); starting another", pid, code)
        time.sleep(RESTART_PAUSE)
        if not stopping:
            spawn()
    return 1 if failed else 0


def _stop_while_starting(_signum: int, _frame: object) -> None:
    raise SystemExit(0)


class _quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is ProcessLookupError
