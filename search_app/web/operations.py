"""What the people running the site read: `/healthz` and `/metrics`."""

from __future__ import annotations

from flask import Flask

from . import health, metrics


def init_operations(app: Flask) -> None:
    """Registered after the upload queue is made: the metrics count its outcomes."""
    app.register_blueprint(health.blueprint)
    metrics.init_metrics(app)
