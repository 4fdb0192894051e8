"""A failed job's log analyzed against its green twin's: the same steps for every forge.

Download the failed log, then (best effort) the twin's as the baseline, and analyze them in a worker process:
in a thread the analysis would hold the GIL for its whole run and starve the webhook server, and a hostile
log (a super-linear line, an OOM) could take the server down with it. The spooled downloads are written to
named temporary files, the worker is handed their paths (and the repository's tree when the caller has it),
and every file is removed whatever happens.

The pool (:class:`AnalysisPool`, ``ANALYSIS_WORKERS`` processes, ``forkserver`` where the platform has it,
else ``spawn``; never a plain fork of a process running an event loop) is made on first use and shut down
with the app (:func:`shutdown`, from ``Services.close``). A worker that dies fails the analysis it was doing
with :class:`AnalysisFailed` and its pool is replaced; an analysis that uses more than ``ANALYSIS_TIMEOUT``
seconds of CPU is stopped inside its worker, which lives on.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import multiprocessing
import os
import shutil
import signal
import tempfile
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING

from bot.analysis import Analysis

if TYPE_CHECKING:  # the worker processes import this module: they need none of the forges
    from bot.forges.github_actions import JobLog

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 300.0


class AnalysisFailed(RuntimeError):
    """A log could not be analyzed: its worker process died, or the analysis ran out of time."""


class AnalysisTimeout(Exception):
    """Raised inside a worker when an analysis has used up its CPU time."""


@dataclass(frozen=True, slots=True)
class AnalyzedLog:
    analysis: Analysis
    truncated: bool  # the log was longer than the cap: its middle was skipped
    baseline_used: bool


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


WORKER_NICE = 15  # CFS weight 36 against the server's 1024: on a shared core the loop keeps ~95% while it is busy


def _behind_the_server() -> None:
    """In each worker, first: a lower CPU priority than the server's, so where they share a core (one-core hosts,
    a pinned server) the event loop's answers go first and the analysis takes the time the loop leaves."""
    with contextlib.suppress(OSError, AttributeError):
        os.nice(WORKER_NICE)


class AnalysisPool:
    """A few analysis worker processes, made when first needed; a pool whose worker died is replaced."""

    def __init__(self, workers: int = 1, *, timeout: float = DEFAULT_TIMEOUT, retries: int = 1) -> None:
        self.workers = max(1, int(workers))
        self.timeout = timeout
        """CPU seconds one analysis may take in its worker."""
        self.retries = retries
        """How often an analysis whose worker died is tried again on a new pool. A worker's death fails every
        analysis queued in its pool, not only the one that killed it: those succeed when tried again, a
        log that kills its worker every time fails."""
        self._executor: ProcessPoolExecutor | None = None

    def executor(self) -> ProcessPoolExecutor:
        """The pool's executor, started on first use."""
        if self._executor is None:
            method = _start_method()
            context = multiprocessing.get_context(method)
            if method == "forkserver":  # workers fork from a server that has imported the analyzer once
                context.set_forkserver_preload([__name__])
            self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=context,
                                                 initializer=_behind_the_server)
        return self._executor

    async def analyze(
        self,
        log_path: Path,
        *,
        baseline_path: Path | None = None,
        tree: Iterable[str] | None = None,
        max_lines: int | None = None,
    ) -> Analysis:
        """Analyze the log at ``log_path`` in a worker process."""
        call = functools.partial(
            _analyze_files,
            str(log_path),
            str(baseline_path) if baseline_path is not None else None,
            tuple(tree) if tree is not None else None,
            max_lines,
            self.timeout,
        )
        for attempt in range(self.retries + 1):
            executor = self.executor()
            try:
                return await asyncio.wrap_future(executor.submit(call))
            except AnalysisTimeout as exc:
                raise AnalysisFailed(f"the analysis of {_describe(log_path)} {exc}") from None
            except BrokenProcessPool as exc:
                self._discard(executor)
                if attempt < self.retries:
                    log.warning("an analysis worker died; trying %s again in a new pool", _describe(log_path))
                    continue
                raise AnalysisFailed(
                    f"the analysis worker process died while analyzing {_describe(log_path)} "
                    f"({attempt + 1} attempts); the log was not analyzed"
                ) from exc
        raise AssertionError("unreachable")

    def _discard(self, executor: ProcessPoolExecutor) -> None:
        if self._executor is executor:
            self._executor = None
        _stop(executor)

    def close(self) -> None:
        """Stop the workers now (an analysis still running is abandoned); a later use starts a new pool."""
        executor, self._executor = self._executor, None
        if executor is not None:
            _stop(executor)


def _stop(executor: ProcessPoolExecutor) -> None:
    processes = list((getattr(executor, "_processes", None) or {}).values())  # CPython's; 3.14 has kill_workers()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()


def _describe(path: Path) -> str:
    try:
        return f"{path.name} ({path.stat().st_size} bytes)"
    except OSError:
        return path.name


def _analyze_files(
    log_path: str, baseline_path: str | None, tree: tuple[str, ...] | None, max_lines: int | None, timeout: float
) -> Analysis:
    """In a worker: the analysis of the files, stopped after ``timeout`` seconds of CPU."""
    from bot.analysis import analyze

    def out_of_time(signum: int, frame: object) -> None:
        raise AnalysisTimeout(f"used more than {timeout:g}s of CPU and was stopped")

    baseline = Path(baseline_path) if baseline_path is not None else None
    options = {} if max_lines is None else {"max_lines": max_lines}
    if not hasattr(signal, "setitimer"):  # pragma: no cover - Windows: no CPU timer
        return analyze(Path(log_path), baseline=baseline, tree=tree, **options)
    previous = signal.signal(signal.SIGPROF, out_of_time)
    signal.setitimer(signal.ITIMER_PROF, timeout)
    try:
        return analyze(Path(log_path), baseline=baseline, tree=tree, **options)
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


_pool = AnalysisPool()


def configure(workers: int, *, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Size this process's pool (``ANALYSIS_WORKERS``, ``ANALYSIS_TIMEOUT``); a running pool is replaced."""
    global _pool
    if (workers, timeout) != (_pool.workers, _pool.timeout):
        _pool.close()
        _pool = AnalysisPool(workers, timeout=timeout)


def pool() -> AnalysisPool:
    """This process's analysis pool."""
    return _pool


def shutdown() -> None:
    """Stop this process's analysis workers (with the app); the next analysis starts them again."""
    _pool.close()


async def analyze_job_log(
    download: Callable[[int], Awaitable[JobLog | None]],
    job_id: int,
    twin_id: int | None,
    *,
    baseline_errors: tuple[type[BaseException], ...],
    tree: Iterable[str] | None = None,
    analysis_pool: AnalysisPool | None = None,
) -> AnalyzedLog:
    """Analyze job `job_id`'s log with job `twin_id`'s (the same job in the last green run) as the baseline.

    A baseline that can't be had (`baseline_errors`: rate limit, a refusal) only makes the analysis less sharp;
    it is logged and skipped. A failed log that is gone (None) is analyzed as empty. `tree`, the repository's
    paths, maps the file names in errors to repository paths. Raises AnalysisFailed when the analysis dies.
    """
    job_log = await download(job_id)
    base_log: JobLog | None = None
    if job_log is not None and twin_id is not None:
        try:  # the baseline only sharpens the analysis: its loss is no reason to wait
            base_log = await download(twin_id)
        except baseline_errors as exc:
            log.info("baseline log of job %s not used: %s", twin_id, exc)
    paths: list[Path] = []
    try:
        log_path = await asyncio.to_thread(_to_named_file, job_log.file if job_log else None, "job")
        paths.append(log_path)
        base_path = None
        if base_log is not None:
            base_path = await asyncio.to_thread(_to_named_file, base_log.file, "baseline")
            paths.append(base_path)
        analysis = await (analysis_pool or _pool).analyze(log_path, baseline_path=base_path, tree=tree)
    finally:
        for item in (job_log, base_log):
            if item is not None:
                item.close()
        for path in paths:
            with contextlib.suppress(OSError):
                path.unlink()
    return AnalyzedLog(analysis, bool(job_log and job_log.truncated), base_log is not None)


def _to_named_file(spooled: IO[bytes] | None, kind: str) -> Path:
    """Copy a downloaded log (a spooled file: memory or an unnamed temporary file) to a file a worker can open."""
    fd, name = tempfile.mkstemp(prefix=f"devflowfix-{kind}-", suffix=".log")
    try:
        with os.fdopen(fd, "wb") as out:
            if spooled is not None:
                spooled.seek(0)
                shutil.copyfileobj(spooled, out, 1024 * 1024)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)
