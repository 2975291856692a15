"""Search page `/search` and its JSON twin `/api/search`."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from search_app.search import search
from search_app.search.query import QueryError
from search_app.search.searching import MAX_OFFSET
from search_app.web.user_errors import error_fields
from search_app.web.views.review import configured_review_years

blueprint = Blueprint("search", __name__)

FILTERS = ("status", "level", "kind", "region", "ics", "year", "std", "adopts", "degree")
PAGE_SIZE = 10
# The deepest page at the largest limit (100); deeper pages are refused at any limit, so the
# API document can state the bound.
MAX_PAGE = MAX_OFFSET // 100 + 1


def _search_data() -> tuple[dict, int]:
    q = request.args.get("q", "")
    data = {
        "query": q,
        "total": 0,
        "hits": [],
        "groups": [],
        "facets": {},
        "page": 1,
        "limit": PAGE_SIZE,
        "filters": {},
    }
    max_chars = current_app.config["MAX_QUERY_LENGTH"]
    if len(q) > max_chars:
        return {**data, "query": q[:50], **error_fields("query_too_long", limit=max_chars)}, 400
    # A filter is typed text too: held to the query's bound, and not repeated back.
    for name in FILTERS:
        if len(request.args.get(name, "")) > max_chars:
            return {**data, **error_fields("filter_too_long", name=name, limit=max_chars)}, 400
    try:
        limit = min(max(int(request.args.get("limit", PAGE_SIZE)), 1), 100)
        page = max(int(request.args.get("page", 1)), 1)
    except ValueError:
        return {**data, **error_fields("whole_numbers")}, 400
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    data.update(page=page, limit=limit, filters=filters)
    if page > MAX_PAGE or (page - 1) * limit > MAX_OFFSET:
        return {**data, **error_fields("page_too_far")}, 400
    if not q.strip() and not filters:
        return data, 200
    engine = current_app.extensions["stdsearch.engine"]
    try:
        result = search(
            engine,
            q,
            limit=limit,
            offset=(page - 1) * limit,
            filters=filters,
            review_years=configured_review_years(),
        )
    except QueryError as error:
        if error.code == "empty":
            # Nothing searchable (only punctuation or control characters): answered as the
            # empty query is, no hits, with a hint of what to type.
            hint = error_fields("query_empty")
            return {**data, "hint": hint["error"], "hint_label": hint["error_label"]}, 200
        return {**data, **_query_error(error)}, 400
    data.update(result.to_dict())
    data["warnings"] += current_app.extensions["stdsearch.warnings"]
    data.update(page=page, limit=limit, filters=filters)
    return data, 200


def _query_error(error: QueryError) -> dict:
    """The parser's reason, said in the reader's language where it has a label."""
    if error.code == "empty":
        return error_fields("query_empty")
    if error.code == "filter":
        return error_fields("query_filter", detail=str(error))
    return error_fields("query_error", detail=str(error))


@blueprint.route("/search")
def search_page():
    data, status = _search_data()
    if "hint" in data:  # shown where an error would be
        data = {**data, "error": data["hint"], "error_label": data["hint_label"]}
    return render_template("search.html", data=data, filters=FILTERS), status


@blueprint.route("/api/search")
def search_api():
    data, status = _search_data()
    return jsonify(data), status
