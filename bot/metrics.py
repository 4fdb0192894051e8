"""The Prometheus metric objects of the bot, and their text rendering for `/metrics`.

With `PROMETHEUS_MULTIPROC_DIR` set (several web processes and workers), prometheus-client keeps every value in a
file of that directory and the scrape sums them over the processes (gauges: the newest value of a live process).
Without it, the values live in this process. The queue's depth and oldest age are read from storage at scrape time.
"""

from __future__ import annotations

import os
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

MULTIPROCESS = bool(os.environ.get("PROMETHEUS_MULTIPROC_DIR"))
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)

DELIVERIES = Counter(
    "devflowfix_deliveries_total", "Deliveries run to an end, by provider, event and result.",
    ["provider", "event", "result"],
)
ANSWER_SECONDS = Histogram(
    "devflowfix_webhook_answer_seconds", "Time from a webhook request to its answer (the 202 once recorded).",
    ["provider"], buckets=LATENCY_BUCKETS,
)
HANDLER_SECONDS = Histogram(
    "devflowfix_handler_seconds", "Time one handler took on one delivery.", ["handler"], buckets=LATENCY_BUCKETS,
)
API_CALLS = Counter(
    "devflowfix_api_calls_total", "HTTP requests sent to a forge's API, by provider and answer class.",
    ["provider", "status"],
)
API_RETRIES = Counter(
    "devflowfix_api_retries_total", "Forge requests repeated in place, by provider and reason.", ["provider", "reason"],
)
RATE_LIMIT_WAITS = Counter(
    "devflowfix_rate_limit_waits_total", "Calls held by a rate limit, by provider and kind (primary, secondary).",
    ["provider", "kind"],
)
RATE_LIMIT_REMAINING = Gauge(
    "devflowfix_rate_limit_remaining", "The rate limit's remaining calls in the newest answer, by provider.",
    ["provider"], multiprocess_mode="livemostrecent",
)
IDENTITY_USES = Counter(
    "devflowfix_identity_uses_total",
    "API requests by the kind of identity that made them (installation, user_to_server, legacy_oauth, pat).",
    ["provider", "kind"],
)
LLM_CALLS = Counter("devflowfix_llm_calls_total", "Requests to the LLM, by result.", ["result"])
LLM_TOKENS = Counter("devflowfix_llm_tokens_total", "Tokens the LLM reported, by direction.", ["direction"])
LLM_COST = Counter("devflowfix_llm_cost_usd_total", "Estimated LLM cost in US dollars (LLM_PRICE_* settings).")
INCIDENTS = Counter(
    "devflowfix_incidents_total", "Incident handlings by provider, category and outcome.",
    ["provider", "category", "outcome"],
)

# the token kinds of bot/auth, as the metric names them
IDENTITY_KINDS = {
    "installation": "installation",
    "github_app_user": "user_to_server",
    "gitlab_oauth": "user_to_server",
    "github_oauth": "legacy_oauth",
    "github_pat": "pat",
    "gitlab_pat": "pat",
    "gitlab_token": "pat",
    "app": "app_jwt",
}


# Labelled children of the hot counters, kept (prometheus-client's `labels()` takes a lock and builds a key each
# call); bounded, since event names come from the senders.
_CHILDREN: dict[tuple[object, ...], Any] = {}
MAX_CACHED_CHILDREN = 2000


def _child(metric: Any, *labels: str) -> Any:
    key = (id(metric), *labels)
    child = _CHILDREN.get(key)
    if child is None:
        child = metric.labels(*labels)
        if len(_CHILDREN) < MAX_CACHED_CHILDREN:
            _CHILDREN[key] = child
    return child


def delivery_ended(provider: str, event: str, result: str) -> None:
    """Count a delivery run to an end (devflowfix_deliveries_total)."""
    _child(DELIVERIES, provider, event, result).inc()


def handler_took(handler: str, seconds: float) -> None:
    _child(HANDLER_SECONDS, handler).observe(seconds)


def identity_kind(kind: str | None) -> str:
    return IDENTITY_KINDS.get(kind or "", "other")


class _Backlog(Collector):
    """The queue's depth and its oldest unfinished delivery's age, as read just before the scrape."""

    def __init__(self, depth: int, oldest_age: float) -> None:
        self.depth, self.oldest_age = depth, oldest_age

    def collect(self) -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily("devflowfix_queue_depth", "Deliveries recorded and not finished.", value=self.depth),
            GaugeMetricFamily(
                "devflowfix_queue_oldest_age_seconds", "Age of the oldest unfinished delivery.", value=self.oldest_age
            ),
        ]


def render(depth: int | None = None, oldest_age: float | None = None) -> bytes:
    """The scrape's text: every process's metrics (one directory in multiprocess mode), then the backlog."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # untyped in the library
        text = generate_latest(registry)
    else:
        from prometheus_client import REGISTRY

        text = generate_latest(REGISTRY)
    if depth is not None:
        extra = CollectorRegistry()
        extra.register(_Backlog(depth, oldest_age or 0.0))
        text += generate_latest(extra)
    return text


def process_died(pid: int) -> None:
    """A child process ended: in multiprocess mode its live gauges (the rate limit remaining, per provider) leave
    the scrape at once instead of showing a dead process's last value (prometheus-client's `mark_process_dead`)."""
    if MULTIPROCESS:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]  # untyped in the library
