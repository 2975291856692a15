"""`/metrics`: the site's counters in Prometheus's text format.

Requests are counted and timed by route (the URL rule, `/standard/<path:std_no>`, not
the path asked for: one series per page of the site, whatever clients send) and by
status class (`2xx` … `5xx`); files ingested from the upload queue are counted by
outcome. Under `stdsearch serve` each worker process writes its counts to files in
`PROMETHEUS_MULTIPROC_DIR` and a scrape sums them all, whichever worker answers it.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

from indexer.ingest.pipeline import FileOutcome

UNMATCHED = "(unmatched)"  # a path no rule answers: one series for all of them
# Seconds: a cached search answers in milliseconds, a cold one over a large library in
# about a second, a page image rendered on demand in a few.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


@dataclass(frozen=True)
class SiteMetrics:
    """One app's metrics, in a registry of its own (so that apps made by the tests never
    share one)."""

    registry: CollectorRegistry
    requests: Counter
    latency: Histogram
    ingested: Counter

    @classmethod
    def create(cls) -> SiteMetrics:
        registry = CollectorRegistry()
        return cls(
            registry=registry,
            requests=Counter(
                "stdsearch_http_requests",
                "HTTP requests answered, by route, method and status class.",
                ["route", "method", "status"],
                registry=registry,
            ),
            latency=Histogram(
                "stdsearch_http_request_duration_seconds",
                "Time from a request's arrival in the app to its response, by route.",
                ["route", "method", "status"],
                buckets=LATENCY_BUCKETS,
                registry=registry,
            ),
            ingested=Counter(
                "stdsearch_ingest_files",
                "Uploaded files the ingest queue finished, by outcome.",
                ["outcome"],
                registry=registry,
            ),
        )

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        labels = (route, method, f"{status // 100}xx")
        self.requests.labels(*labels).inc()
        self.latency.labels(*labels).observe(seconds)

    def count_ingest(self, outcome: FileOutcome) -> None:
        self.ingested.labels(outcome.outcome).inc()

    def exposition(self) -> bytes:
        """The text a scrape gets: every worker's counts summed under a multi-process
        server, this process's own otherwise."""
        if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            return generate_latest(self.registry)
        from prometheus_client import multiprocess

        summed = CollectorRegistry()
        multiprocess.MultiProcessCollector(summed)
        return generate_latest(summed)


def init_metrics(app: Flask) -> SiteMetrics:
    """Time every request, count the upload queue's outcomes, and serve `/metrics`.
    Call after the upload queue is made."""
    metrics = SiteMetrics.create()
    app.extensions["stdsearch.metrics"] = metrics
    # First of the before-request functions: a request another one turns away (a form
    # without its CSRF token) is timed too.
    app.before_request_funcs.setdefault(None, []).insert(0, _start_clock)
    app.after_request(_record)
    app.add_url_rule("/metrics", "metrics", _metrics_page)
    queue = app.extensions.get("stdsearch.uploads")
    if queue is not None:
        queue.listeners.append(metrics.count_ingest)
    return metrics


def _start_clock() -> None:
    g.metrics_started = time.perf_counter()


def _record(response: Response) -> Response:
    started = g.get("metrics_started")
    if started is not None:
        route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
        seconds = time.perf_counter() - started
        current_app.extensions["stdsearch.metrics"].observe(
            route, request.method, response.status_code, seconds
        )
    return response


def _metrics_page() -> Response:
    body = current_app.extensions["stdsearch.metrics"].exposition()
    response = Response(body, content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
