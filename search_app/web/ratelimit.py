"""Rate limits on the JSON API: per client for anonymous use, higher for read tokens.

Programs that wire the API into their own systems share one server with the people using
the site; a limit per client keeps one busy script from slowing everybody else. Clients
are told apart by a read token (`Authorization: Bearer …`, issued by a librarian) when
they send one, else by address (behind a proxy, set STDSEARCH_PROXY_FIX so the address is
the client's). Librarian tokens and signed-in librarians are not limited: they change
the library, and the library's own lock paces them.

Counters live in Flask-Limiter's storage: in memory by default, which is per worker
process; gunicorn's several workers share one count when RATELIMIT_STORAGE_URI (env
STDSEARCH_RATELIMIT_STORAGE) names a shared store, e.g. `redis://localhost:6379`.
"""

from __future__ import annotations

import hashlib
import math
import os
import time

from flask import Flask, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from .auth import bearer_token, read_token_user, session_user, token_user

# Defaults; both are "N per period" strings in the limits library's notation.
ANONYMOUS_LIMIT = "60 per minute"
READ_TOKEN_LIMIT = "600 per minute"


def init_rate_limits(app: Flask) -> Limiter:
    app.config.setdefault(
        "API_RATE_LIMIT", os.environ.get("STDSEARCH_API_RATE_LIMIT") or ANONYMOUS_LIMIT
    )
    app.config.setdefault(
        "API_READ_TOKEN_RATE_LIMIT",
        os.environ.get("STDSEARCH_API_READ_TOKEN_RATE_LIMIT") or READ_TOKEN_LIMIT,
    )
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", os.environ.get("STDSEARCH_RATELIMIT_STORAGE") or "memory://"
    )
    app.config.setdefault("RATELIMIT_ENABLED", True)

    def limit() -> str:
        if read_token_user():
            return app.config["API_READ_TOKEN_RATE_LIMIT"]
        return app.config["API_RATE_LIMIT"]

    limiter = Limiter(
        client_key,
        app=app,
        default_limits=[limit],
        default_limits_exempt_when=_not_limited,
        headers_enabled=True,
    )
    app.extensions["stdsearch.limiter"] = limiter
    return limiter


def client_key() -> str:
    """A read token counts on its own, wherever it is sent from; otherwise the address."""
    if read_token_user():
        return "token:" + hashlib.sha256(bearer_token().encode()).hexdigest()
    return "address:" + (get_remote_address() or "")


def _not_limited() -> bool:
    if not request.path.startswith("/api/"):
        return True
    return bool(token_user() or session_user())


def retry_after(app: Flask) -> int:
    """Whole seconds until the limit just hit lets the client in again (at least 1)."""
    limiter = app.extensions.get("stdsearch.limiter")
    current = limiter.current_limit if limiter else None
    if current is None:
        return 1
    return max(1, math.ceil(current.reset_at - time.time()))
