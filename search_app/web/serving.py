"""How the development server (`stdsearch serve`) answers at the HTTP level."""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, naming the product in `Server:` instead of werkzeug's and
    Python's versions, which tell an attacker which published flaws to try."""

    def version_string(self) -> str:
        return "stdsearch"
