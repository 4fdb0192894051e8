"""A tiny in-process job queue with a worker thread."""

from __future__ import annotations

import queue
import threading
import time


class JobQueue:
    def __init__(self) -> None:
        self._jobs: queue.Queue = queue.Queue()
        self._results: dict[int, object] = {}
        self._worker = threading.Thread(target=self._work, daemon=True)

    def start(self) -> None:
        self._worker.start()

    def submit(self, job_id: int, fn, *args) -> None:
        self._jobs.put((job_id, fn, args))

    def _work(self) -> None:
        while True:
            job_id, fn, args = self._jobs.get()
            self._results[job_id] = fn(*args)

    def wait_for(self, job_id: int, poll: float = 0.05) -> object:
        while job_id not in self._results:
            time.sleep(poll)
        return self._results[job_id]
