"""Errors a reader can act on, told in the reader's language on pages and in English in
the JSON API (whose clients are scripts)."""

from __future__ import annotations

from werkzeug.exceptions import NotFound

from .i18n import translator


def error_fields(key: str, **params) -> dict:
    """`error` for API clients; `error_label` for the page to translate."""
    return {"error": translator("en")(key, **params), "error_label": {"key": key, "params": params}}


def not_found(key: str, **params) -> NotFound:
    """A 404 whose page says what was not found, in the reader's language."""
    error = NotFound(description=translator("en")(key, **params))
    error.label = (key, params)
    return error
