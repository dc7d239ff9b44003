"""The server's Prometheus metrics. Labels hold routes, codes and outcomes, never names,
e-mail addresses or other personal data.

With `PROMETHEUS_MULTIPROC_DIR` set before this module is first imported (`kundenstamm
serve` does it), each process writes its samples to files there and /metrics sums them,
so one scrape sees every worker.
"""

from __future__ import annotations

import re
import threading

from prometheus_client import Counter, Histogram

REQUESTS = Counter(
    "kundenstamm_http_requests_total",
    "HTTP requests answered, by route template, method and status.",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "kundenstamm_http_request_duration_seconds",
    "Time from a request's start to the end of its response, by route template.",
    ["route", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
OPERATIONS = Counter(
    "kundenstamm_graphql_operations_total",
    "GraphQL operations by operation name and outcome (ok, user_errors, errors, throttled).",
    ["operation", "outcome"],
)
JOBS = Counter(
    "kundenstamm_jobs_total",
    "Import and export jobs this server ran to an end, by kind and outcome.",
    ["kind", "outcome"],
)
JOB_SECONDS = Histogram(
    "kundenstamm_job_duration_seconds",
    "Time a job's worker ran, by kind.",
    ["kind"],
    buckets=(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0),
)
WEBHOOK_DELIVERIES = Counter(
    "kundenstamm_webhook_delivery_attempts_total",
    "Webhook delivery attempts that ended, by outcome (succeeded, retrying, failed, "
    "handed_back: cut off by a stop and left for the next process).",
    ["outcome"],
)
LOGIN_ATTEMPTS = Counter(
    "kundenstamm_login_attempts_total",
    "Login attempts by outcome (ok, refused, throttled).",
    ["outcome"],
)

# Operation names come from clients: a name that is not a plain identifier, or more
# distinct names than any real client set uses, is counted as "other" so a caller cannot
# blow up the number of series (or smuggle data into a label).
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")
MAX_OPERATION_NAMES = 200
_seen_names: set[str] = set()
_seen_lock = threading.Lock()


def operation_label(name: str | None) -> str:
    if name is None:
        return "anonymous"
    if not _NAME.fullmatch(name):
        return "other"
    with _seen_lock:
        if name in _seen_names:
            return name
        if len(_seen_names) >= MAX_OPERATION_NAMES:
            return "other"
        _seen_names.add(name)
        return name


def record_operation(name: str | None, outcome: str) -> None:
    OPERATIONS.labels(operation_label(name), outcome).inc()


def record_job(kind: str, status: str | None, seconds: float) -> None:
    """A job's worker ended; `status` is the job's stored status after it."""
    outcome = {"COMPLETED": "completed", "FAILED": "failed"}.get(status or "", "interrupted")
    JOBS.labels(kind, outcome).inc()
    JOB_SECONDS.labels(kind).observe(seconds)


def record_deliveries(outcome: str, amount: int = 1) -> None:
    WEBHOOK_DELIVERIES.labels(outcome).inc(amount)
