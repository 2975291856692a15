"""The Flask application factory: the only place that holds state for the web side."""

from __future__ import annotations

import os
import re
from pathlib import Path

from flask import Flask, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from indexer.engine import EngineUnavailable
from indexer.library.store import Library, LibraryBusy

from .i18n import translator
from .operations import init_operations
from .ratelimit import init_rate_limits, retry_after
from .user_errors import error_body

# Shown with every search while the index and the queries are cut with other dictionaries.
DICTIONARY_MISMATCH = "the index was cut with another dictionary; run stdsearch reindex"


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(
        DATA_DIR=os.environ.get("STDSEARCH_DATA", "instance"),
        SEARCH_ENGINE=os.environ.get("STDSEARCH_ENGINE", "whoosh"),
        CLUSTER_DIR=os.environ.get("STDSEARCH_CLUSTER"),
        MAX_QUERY_LENGTH=500,
        JSON_AS_ASCII=False,
        # Served over https: cookies never go out over plain http.
        SESSION_COOKIE_SECURE=os.environ.get("STDSEARCH_SECURE_COOKIES", "") == "1",
        # How many proxies in front of the site set X-Forwarded-*; 0 believes none.
        PROXY_FIX_X_FORWARDED=int(os.environ.get("STDSEARCH_PROXY_FIX") or 0),
    )
    app.config.update(config or {})
    app.json.ensure_ascii = False
    library = Library.open(Path(app.config["DATA_DIR"]))
    app.extensions["stdsearch.library"] = library

    from search_app.startup import open_search

    app.extensions["stdsearch.warnings"] = warnings = []

    def mismatch(error) -> None:
        app.logger.warning("%s", error)
        warnings.append(DICTIONARY_MISMATCH)

    app.extensions["stdsearch.engine"] = open_search(
        library,
        engine=app.config["SEARCH_ENGINE"] or "whoosh",
        cluster=app.config["CLUSTER_DIR"],
        repair=app.config.get("REPAIR_ON_START", True),
        on_busy=lambda busy: app.logger.warning("start-up check skipped: %s", busy),
        on_mismatch=mismatch,
    )

    @app.before_request
    def choose_language() -> None:
        lang = request.args.get("lang") or request.cookies.get("lang") or "zh"
        g.lang = "en" if lang == "en" else "zh"

    @app.after_request
    def remember_language(response):
        if request.args.get("lang") in ("zh", "en"):
            response.set_cookie(
                "lang", request.args["lang"], max_age=365 * 24 * 3600, samesite="Lax"
            )
        return response

    @app.context_processor
    def inject_helpers() -> dict:
        return {"t": translator(g.get("lang", "zh")), "lang": g.get("lang", "zh")}

    from .auth import current_user, init_auth
    from .headers import init_headers
    from .views import (
        admin,
        browse,
        citations,
        compare,
        concordance,
        edit,
        export,
        feedback,
        review,
        search,
        standard,
        sync,
        tables,
        terms,
        upload,
        watch,
    )

    init_auth(app, library.root)
    init_rate_limits(app)
    app.jinja_env.globals["current_user"] = current_user
    views = (browse, search, standard, compare, terms, concordance, citations, watch)
    for module in (*views, admin, edit, feedback, review, sync, export, tables):
        app.register_blueprint(module.blueprint)
    # Registers its blueprint and starts the app's ingest thread for uploads.
    upload.init_uploads(app, library)
    register_error_pages(app)
    init_headers(app)
    init_operations(app)
    return app


CLAUSE_PATH = re.compile(r"^/api/standards/.+/clauses/[^/]+$")
# Seconds a client is asked to wait when a reindex or batch ingest keeps the library busy.
RETRY_AFTER = 30


def register_error_pages(app: Flask) -> None:
    """Friendly pages (with a search box) and JSON errors; never a stack trace to users."""

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        label = getattr(error, "label", None)
        code = error.code or 500
        detail = None
        headers = {}
        if isinstance(error, MethodNotAllowed) and error.valid_methods:
            # RFC 9110 15.5.6: a 405 names the methods the resource takes.
            headers["Allow"] = ", ".join(error.valid_methods)
            detail = "allowed methods: " + headers["Allow"]
        if code == 429:
            wait = retry_after(app)
            headers["Retry-After"] = str(wait)
            detail = f"rate limit {error.description}; retry after {wait} s"
        body, code = _error_response(code, error.description or error.name, label, detail=detail)
        response = make_response(body, code)
        response.headers.update(headers)
        return response

    def retry_later(error: Exception, what: str):
        """A 503 saying when to try again, `what` naming its message and title labels."""
        app.logger.warning("%s %s: %s", request.method, request.path, error)
        body, code = _error_response(
            503,
            str(error),
            (f"{what}_message", {}),
            title_label=what,
            detail=f"retry after {RETRY_AFTER} s",
        )
        response = make_response(body, code)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response

    @app.errorhandler(LibraryBusy)
    def library_busy(error: LibraryBusy):
        """A change that waited too long for the library's lock. Writers take the lock
        before they commit anything, so nothing was changed: the reader may simply retry."""
        return retry_later(error, "library_busy")

    @app.errorhandler(EngineUnavailable)
    def engine_unavailable(error: EngineUnavailable):
        """The search cluster (its aggregator) does not answer: a clear 503, never a 500."""
        return retry_later(error, "engine_unavailable")

    @app.after_request
    def clause_allow(response):
        """A clause's URL shares the route of its standard's (a number may hold a slash),
        whose POST and DELETE do not apply to a clause: OPTIONS says what does."""
        if request.method == "OPTIONS" and CLAUSE_PATH.match(request.path):
            response.headers["Allow"] = "GET, HEAD, OPTIONS"
        return response

    @app.after_request
    def complete_error_bodies(response):
        """Views that answer a refusal with their own data (the search's filters, a
        compare's two sides) put `error` in it; the status and detail are added here, so
        every 4xx/5xx in JSON has the one error schema of the API document."""
        if response.status_code < 400 or not response.is_json or response.direct_passthrough:
            return response
        body = response.get_json(silent=True)
        if isinstance(body, dict) and "error" in body:
            full = {**error_body(response.status_code, str(body["error"])), **body}
            full["status"] = response.status_code
            if full != body:
                response.set_data(app.json.dumps(full))
        return response

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        app.logger.exception("unhandled error")
        return _error_response(500, "internal error")


def _error_response(
    code: int,
    message: str,
    label: tuple[str, dict] | None = None,
    title_label: str | None = None,
    detail: str | None = None,
):
    """JSON clients get the English message; pages say it in the reader's language."""

    if request.path.startswith("/api/") or request.args.get("format") == "json":
        return jsonify(error_body(code, message, detail)), code
    t = translator(g.get("lang", "zh"))
    title = t("server_error") if code >= 500 else t("not_found" if code == 404 else "bad_request")
    if title_label:
        title = t(title_label)
    if label:
        message = t(label[0], **label[1])
    elif code == 404:
        message = t("not_found_message")
    elif code >= 500:
        message = t("server_error_message")
    return render_template("error.html", code=code, title=title, message=message), code
