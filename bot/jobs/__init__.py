"""The scaled-out queue engine: procrastinate on the bot's PostgreSQL (QUEUE_MODE=external).

The delivery log stays the record (written before the 202); a job points at a delivery's row id. `engine` builds
the procrastinate app and its tasks, `tasks` holds what the jobs do, `deferrer` is the web process's side (defer
after the answer), `worker` is `python -m bot worker`.
"""
