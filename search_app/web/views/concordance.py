"""`/terms/concordance?q=…`: one term as every standard defines it, differences marked.

Without `q`, the terms defined in more than one standard, most widespread first.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from search_app.search.concordance import Concordance, TermSource

from ..user_errors import error_fields

blueprint = Blueprint("concordance", __name__)

# Groups per page: a list of terms is short rows; a search shows every definition.
LIST_PAGE = 50
SEARCH_PAGE = 10


def concordance() -> Concordance:
    """The library's grouped terms; the reader behind it lives as long as the app."""
    source = current_app.extensions.get("stdsearch.term_source")
    if source is None:
        library = current_app.extensions["stdsearch.library"]
        source = current_app.extensions.setdefault("stdsearch.term_source", TermSource(library))
    return source.concordance()


def _page_number() -> int | None:
    raw = request.args.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else None


def concordance_data() -> tuple[dict, int]:
    raw = request.args.get("q", "")
    q = raw.strip()
    base = {"query": q, "page": 1, "per_page": 0, "pages": 0, "total": 0, "groups": []}
    max_chars = current_app.config["MAX_QUERY_LENGTH"]
    # Held to the bound as sent (spaces included), as the search's query is.
    if len(raw) > max_chars:
        return {**base, "query": q[:50], **error_fields("query_too_long", limit=max_chars)}, 400
    page = _page_number()
    if page is None:
        return {**base, **error_fields("whole_numbers")}, 400
    terms = concordance()
    groups = terms.search(q) if q else terms.widespread()
    per_page = SEARCH_PAGE if q else LIST_PAGE
    pages = max(1, -(-len(groups) // per_page))
    data = {
        **base,
        "page": page,
        "per_page": per_page,
        "pages": pages,
        "total": len(groups),
        "stats": terms.stats(),
    }
    if page > pages:
        # The page does not exist (how many there are depends on the library): a 404.
        return {**data, **error_fields("page_too_far")}, 404
    shown = groups[(page - 1) * per_page : page * per_page]
    data["groups"] = [g.detail() if q else g.summary() for g in shown]
    return data, 200


@blueprint.route("/terms/concordance")
def concordance_page():
    data, status = concordance_data()
    if request.args.get("format") == "json":
        return jsonify(data), status
    return render_template("concordance.html", data=data), status


@blueprint.route("/api/terms/concordance")
def concordance_api():
    data, status = concordance_data()
    return jsonify(data), status
