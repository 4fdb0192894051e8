"""The server's analyses run in worker processes: real pools, real log files, a worker killed mid-analysis."""

from __future__ import annotations

import asyncio
import os
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.analysis import analyze
from bot.forges.github_actions import JobLog
from bot.incidents import job_logs
from bot.incidents.job_logs import AnalysisFailed, AnalysisPool, analyze_job_log
from tests.conftest import make_settings

from .helpers import DATA

FAILED_LOG = (DATA / "gh_staticcheck.log").read_bytes()
GREEN_LOG = (DATA / "gh_go_mod_tidy.log").read_bytes()
PASSED = b"2024-05-01T10:00:00.1234567Z tests/test_mod.py::test_case PASSED [ 50%]\n"
LAST = b"2024-05-01T10:00:01.0000000Z FAILED tests/test_mod.py::test_last - AssertionError\n"


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """48 MiB of passing tests, then the failure: long enough to be caught while it is analyzed."""
    path = tmp_path_factory.mktemp("logs") / "big.log"
    block = PASSED * (1024 * 1024 // len(PASSED))
    with path.open("wb") as fh:
        for _ in range(48):
            fh.write(block)
        fh.write(LAST)
    return path


@pytest.fixture
def pool() -> Iterator[AnalysisPool]:
    analysis_pool = AnalysisPool(1, retries=0)
    yield analysis_pool
    analysis_pool.close()


def _spooled(data: bytes) -> JobLog:
    out = tempfile.SpooledTemporaryFile(max_size=1024 * 1024)
    out.write(data)
    out.seek(0)
    return JobLog(out, len(data), truncated=False)


def _worker_pid(analysis_pool: AnalysisPool) -> int:
    return analysis_pool.executor().submit(os.getpid).result(timeout=60)


async def _until_reading(pid: int, at_least: int = 4 * 1024 * 1024) -> None:
    """Wait until the worker has read `at_least` bytes more (it is reading the log), if /proc tells."""
    io_file = Path(f"/proc/{pid}/io")
    if not io_file.exists():
        return

    def read_chars() -> int:
        return int(next(line for line in io_file.read_text().splitlines() if line.startswith("rchar:")).split()[1])

    start = read_chars()
    for _ in range(5000):
        if read_chars() - start >= at_least:
            return
        await asyncio.sleep(0.002)


async def test_a_job_log_is_analyzed_in_a_worker_process(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, pool: AnalysisPool
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # where the named copies go: seen empty afterwards
    logs = {1: _spooled(FAILED_LOG), 2: _spooled(GREEN_LOG)}

    async def download(job_id: int) -> JobLog | None:
        return logs[job_id]

    result = await analyze_job_log(download, 1, 2, baseline_errors=(), analysis_pool=pool)
    expected = analyze(FAILED_LOG, baseline=GREEN_LOG)
    assert result.analysis == expected
    assert result.baseline_used and not result.truncated
    assert all(log.file.closed for log in logs.values())
    assert not list(tmp_path.glob("devflowfix-*"))  # (multiprocessing may have put its own pymp-* there)
    assert _worker_pid(pool) != os.getpid()


async def test_a_log_that_is_gone_is_analyzed_as_empty(pool: AnalysisPool) -> None:
    async def download(job_id: int) -> JobLog | None:
        return None

    result = await analyze_job_log(download, 1, 2, baseline_errors=(), analysis_pool=pool)
    assert result.analysis.lines_total == 0
    assert not result.baseline_used


async def test_a_baseline_that_cannot_be_had_is_skipped(pool: AnalysisPool) -> None:
    async def download(job_id: int) -> JobLog | None:
        if job_id == 2:
            raise PermissionError("refused")
        return _spooled(FAILED_LOG)

    result = await analyze_job_log(download, 1, 2, baseline_errors=(PermissionError,), analysis_pool=pool)
    assert result.analysis == analyze(FAILED_LOG)
    assert not result.baseline_used


async def test_the_tree_is_passed_to_the_worker(tmp_path: Path, pool: AnalysisPool) -> None:
    log = tmp_path / "job.log"
    log.write_bytes(FAILED_LOG)
    tree = ["internal/command/cliconfig/credentials_test.go", "go.mod"]
    assert await pool.analyze(log, tree=tree) == analyze(log, tree=tree)


async def test_a_worker_killed_mid_analysis_fails_that_analysis_and_the_pool_is_remade(
    big_log: Path, pool: AnalysisPool
) -> None:
    pid = _worker_pid(pool)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:  # counts each turn the loop gives it, the first one included (a quick death takes < 5 ms)
            ticks += 1
            await asyncio.sleep(0.005)

    beat = asyncio.create_task(ticker())
    analysis = asyncio.create_task(pool.analyze(big_log))
    await _until_reading(pid)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(AnalysisFailed, match=r"worker process died while analyzing big\.log \(\d+ bytes\)"):
        await analysis
    beat.cancel()
    assert ticks > 0  # the event loop ran all along
    # a new pool, a new worker: the next analysis is done as if nothing had happened
    assert _worker_pid(pool) != pid
    assert (await pool.analyze(big_log)).tests == ["tests/test_mod.py::test_last"]


async def test_an_analysis_queued_behind_a_dying_one_is_tried_again(big_log: Path) -> None:
    retrying = AnalysisPool(1, retries=1)
    try:
        pid = _worker_pid(retrying)
        first = asyncio.create_task(retrying.analyze(big_log))
        queued = asyncio.create_task(retrying.analyze(big_log))
        await _until_reading(pid)
        os.kill(pid, signal.SIGKILL)
        results = await asyncio.gather(first, queued)
        assert [r.tests for r in results] == [["tests/test_mod.py::test_last"]] * 2
    finally:
        retrying.close()


async def test_an_analysis_out_of_cpu_time_is_stopped_and_its_worker_lives_on(big_log: Path, tmp_path: Path) -> None:
    quick = AnalysisPool(1, timeout=0.05, retries=0)
    try:
        pid = _worker_pid(quick)
        with pytest.raises(AnalysisFailed, match=r"big\.log .*used more than 0\.05s of CPU"):
            await quick.analyze(big_log)
        assert _worker_pid(quick) == pid
        small = tmp_path / "small.log"
        small.write_bytes(FAILED_LOG)
        quick.timeout = 5  # the same worker answers the next job (0.05 s of CPU was tight for it on a busy machine)
        assert (await quick.analyze(small)).category == analyze(FAILED_LOG).category
        assert _worker_pid(quick) == pid
    finally:
        quick.close()


async def test_services_size_the_pool_and_stop_it(tmp_path: Path) -> None:
    from bot.services import Services

    settings = make_settings(f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}", analysis_workers=2, analysis_timeout=30)
    services = await Services.create(settings)
    try:
        assert (job_logs.pool().workers, job_logs.pool().timeout) == (2, 30)
        log = tmp_path / "job.log"
        log.write_bytes(FAILED_LOG)
        assert (await job_logs.pool().analyze(log)).lines_total == FAILED_LOG.count(b"\n")
    finally:
        await services.close()
    assert job_logs.pool()._executor is None
