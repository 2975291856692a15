"""Errors a reader can act on, told in the reader's language on pages and in English in
the JSON API (whose clients are scripts)."""

from __future__ import annotations

from flask import jsonify
from werkzeug.exceptions import NotFound
from werkzeug.http import HTTP_STATUS_CODES

from .i18n import translator


def error_fields(key: str, **params) -> dict:
    """`error` for API clients; `error_label` for the page to translate."""
    return {"error": translator("en")(key, **params), "error_label": {"key": key, "params": params}}


def not_found(key: str, **params) -> NotFound:
    """A 404 whose page says what was not found, in the reader's language."""
    error = NotFound(description=translator("en")(key, **params))
    error.label = (key, params)
    return error


# --- the API contract: one error body for every 4xx/5xx answered in JSON ---------------


def error_body(code: int, message: str, detail: str | None = None, **extra) -> dict:
    """`{"error", "status", "detail"}`: `error` the message a script shows, `status` the
    HTTP code again (for clients that lose it), `detail` a hint on what to do next (the
    reason phrase when there is nothing more to say). Extra keys (e.g. `errors` per field)
    are only ever added to these three."""
    return {
        "error": message,
        "status": code,
        "detail": detail if detail is not None else HTTP_STATUS_CODES.get(code, "Error"),
        **extra,
    }


def api_error(code: int, message: str, detail: str | None = None, **extra):
    """A JSON error response in the one schema the API document declares."""
    return jsonify(error_body(code, message, detail, **extra)), code
