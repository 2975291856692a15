"""Who may change the library: librarian sign-in, API tokens and CSRF protection.

Browsers sign in with a session cookie, and every form they post carries a CSRF token
(Flask-WTF). Scripts send `Authorization: Bearer <token>` instead; such requests carry no
cookie a third-party page could ride on, so they are exempt from the CSRF check.

A session cookie holds the librarian's session stamp (indexer/library/accounts.py) and is
honoured only while the catalogue holds the same: signing out, a new password or removing
the account ends it everywhere, a saved copy of the cookie included.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from pathlib import Path
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from indexer.library.accounts import READ, WRITE, Accounts

blueprint = Blueprint("auth", __name__)

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def init_auth(app: Flask, data_dir: Path) -> None:
    """Session and CSRF settings; the signing key is kept beside the catalogue."""
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(data_dir)
    app.config["SESSION_COOKIE_SAMESITE"] = app.config.get("SESSION_COOKIE_SAMESITE") or "Lax"
    app.session_interface = HttpsAwareSessions()
    _trust_proxy(app)
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=12)
    # The token is bound to the session; a form left open over lunch still posts.
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf = CSRFProtect(app)

    @app.before_request
    def protect_forms():
        # Who is asking is settled first, from the cookie and the Authorization header
        # alone: the CSRF check reads the form, which would spool a stranger's upload.
        refused = refuse_strangers()
        if refused is not None:
            return refused
        if request.method in UNSAFE_METHODS and _foreign_origin():
            abort(403, description="request sent from another site")
        if (
            request.method in UNSAFE_METHODS
            and request.endpoint
            and not getattr(app.view_functions.get(request.endpoint), "csrf_exempt", False)
            and token_user() is None
        ):
            csrf.protect()
        return None

    @app.teardown_appcontext
    def close_accounts(_exc) -> None:
        accounts = g.pop("accounts", None)
        if accounts is not None:
            accounts.close()

    app.register_blueprint(blueprint)


class HttpsAwareSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the cookie marked Secure whenever the request
    came over https (directly, or through a proxy trusted by `PROXY_FIX_X_FORWARDED`), not
    only when `SESSION_COOKIE_SECURE` says so: a site reached over https never hands the
    cookie to a plain-http request."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or (has_request_context() and request.is_secure)


def csrf_exempt(view: Callable) -> Callable:
    """A JSON API post anyone may make that changes nothing (the list check): it needs no
    form token. The view must take JSON bodies only, which another site's form cannot send
    without the browser asking first."""
    view.csrf_exempt = True
    return view


def _trust_proxy(app: Flask) -> None:
    """Believe X-Forwarded-For/-Proto/-Host/-Port from `PROXY_FIX_X_FORWARDED` proxies in
    front of the site, and from none unless configured: otherwise any client could claim
    another address (and dodge the sign-in throttle) or https."""
    hops = int(app.config.get("PROXY_FIX_X_FORWARDED") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)


def _foreign_origin() -> bool:
    """Whether the request names another site (or an opaque `null`) as its Origin: a
    second line behind the CSRF token. No Origin at all is let through, as scripts with a
    token and old browsers send none."""
    origin = request.headers.get("Origin")
    return origin is not None and origin != request.host_url.rstrip("/")


def _secret_key(data_dir: Path) -> str:
    """A random key made once per library, readable by its owner alone."""
    path = Path(data_dir) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(secrets.token_hex(32))
    return path.read_text().strip()


def accounts() -> Accounts:
    if "accounts" not in g:
        g.accounts = Accounts(current_app.extensions["stdsearch.library"].catalogue_path)
    return g.accounts


def bearer_token() -> str:
    """The token of an `Authorization: Bearer …` header, '' when there is none."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _token_grant() -> tuple[str, str] | None:
    """(librarian, scope) of the request's token, if it carries a valid one."""
    if "token_grant" not in g:
        token = bearer_token()
        g.token_grant = accounts().token_grant(token) if token else None
    return g.token_grant


def token_user() -> str | None:
    """The librarian a `Bearer` token with write scope belongs to: a read token never
    changes the library."""
    grant = _token_grant()
    return grant[0] if grant and grant[1] == WRITE else None


def read_token_user() -> str | None:
    """The librarian who issued the request's read token (API use at a higher rate)."""
    grant = _token_grant()
    return grant[0] if grant and grant[1] == READ else None


def current_user() -> str | None:
    """The signed-in librarian, or None for a searcher."""
    return token_user() or session_user()


def session_user() -> str | None:
    """The librarian of the session cookie, if the session has not been ended since."""
    name = session.get("user")
    if name is None:
        return None
    stamp = accounts().session_stamp(name)
    return name if stamp and secrets.compare_digest(stamp, session.get("stamp", "")) else None


def librarian_required(view: Callable) -> Callable:
    """Pages send strangers to the sign-in form; the API answers 401. `refuse_strangers`
    turns them away before the request's body is read; the check here is the second
    line, for a view called some other way."""

    @wraps(view)
    def guarded(*args, **kwargs):
        refused = _sign_in_first() if current_user() is None else None
        return refused if refused is not None else view(*args, **kwargs)

    guarded.librarian_only = True
    return guarded


def refuse_strangers():
    """The refusal for a request to a librarian's view without a valid session or token,
    or None. It reads headers and the session cookie only, never the body."""
    view = current_app.view_functions.get(request.endpoint or "")
    if getattr(view, "librarian_only", False) and current_user() is None:
        return _sign_in_first()
    return None


def _sign_in_first():
    if _wants_status_code():
        abort(401, description="sign in or send an API token")
    return redirect(url_for("auth.login", next=request.full_path))


def _wants_status_code() -> bool:
    """Scripts (a token, the API, JSON twins) get 401; people get the sign-in form."""
    return (
        "Authorization" in request.headers
        or request.path.startswith("/api/")
        or request.args.get("format") == "json"
        or request.accept_mimetypes.best == "application/json"
    )


def _safe_next(target: str | None) -> str:
    """Only paths on this site: `next=//evil.example` must not become an open redirect."""
    if target and _is_local_path(target):
        return target
    return url_for("admin.dashboard")


def _is_local_path(target: str) -> bool:
    r"""Whether a browser, reading `target` as a Location, stays on this site. Browsers
    drop tabs and newlines from a URL and take a backslash for a slash, so `/%09/evil`
    (a tab) and `/\evil` both mean `//evil`: such a value is refused whole, never
    repaired, and only then is it checked to be a path with no scheme and no host."""
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in target) or "\\" in target:
        return False
    parts = urlsplit(target)
    return (
        not parts.scheme
        and not parts.netloc
        and target.startswith("/")
        and not target.startswith("//")
    )


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    error = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or "?"
        store = accounts()
        if not store.begin_attempt(name, address):
            error, status = "too_many_attempts", 429
        elif store.verify_password(name, password):
            store.clear_failures(name, address)
            session.clear()
            session.permanent = True
            session["user"] = name
            session["stamp"] = store.session_stamp(name)
            return redirect(_safe_next(request.form.get("next")))
        else:
            error, status = "wrong_password", 401  # begin_attempt counted it already
    return (
        render_template("login.html", error=error, next=request.values.get("next", "")),
        status,
    )


@blueprint.route("/logout", methods=["POST"])
def logout():
    name = session_user()
    if name is not None:
        accounts().end_sessions(name)
    session.clear()
    return redirect(url_for("search.search_page"))
