"""The security headers every answer carries, whatever server runs the site.

No page needs inline script or style (upload.js and the stylesheets are files), so the
policy allows scripts, styles and images from this site only; an injected `<script>` or
`onerror=` does not run even if escaping ever failed. No page may be framed by another
(`frame-ancestors 'none'`, and X-Frame-Options for older browsers), so a librarian cannot be
tricked into clicking through a hidden desk. Pages that show librarian data or a token
are never kept by a browser or proxy cache.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, request, session

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# Chromium shows a PDF in a viewer its own policy would forbid (object-src 'none'); the
# original PDFs are only kept from being framed.
PDF_POLICY = "frame-ancestors 'none'"

ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}

# Endpoints outside the librarian views that show or take a librarian's secrets.
PRIVATE_ENDPOINTS = frozenset({"auth.login", "auth.logout"})


def init_headers(app: Flask) -> None:
    app.after_request(add_security_headers)


def add_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    policy = PDF_POLICY if response.mimetype == "application/pdf" else CONTENT_SECURITY_POLICY
    response.headers.setdefault("Content-Security-Policy", policy)
    if _private():
        response.headers["Cache-Control"] = "no-store"
    return response


def _private() -> bool:
    """Whether the answer may hold librarian data: a librarian's view, the sign-in, or
    any page asked for with a session or a token (it names who is signed in)."""
    view = current_app.view_functions.get(request.endpoint or "")
    return (
        getattr(view, "librarian_only", False)
        or request.endpoint in PRIVATE_ENDPOINTS
        or "Authorization" in request.headers
        or "user" in session
    )
