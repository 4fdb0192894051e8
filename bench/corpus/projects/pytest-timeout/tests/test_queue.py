from jobs.queue import JobQueue


def test_runs_job():
    q = JobQueue()
    q.start()
    q.submit(1, sum, [1, 2, 3])
    assert q.wait_for(1) == 6


def test_waits_for_unstarted_worker():
    q = JobQueue()
    q.submit(2, max, [4, 9])
    assert q.wait_for(2) == 9
