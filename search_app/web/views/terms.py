"""`/terms?q=…`: every definition of a term across the library, side by side."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from search_app.search.definitions import find_definitions

from ..user_errors import error_fields
from .concordance import concordance

blueprint = Blueprint("terms", __name__)


def _terms_data() -> tuple[dict, int]:
    q = request.args.get("q", "")
    max_chars = current_app.config["MAX_QUERY_LENGTH"]
    if len(q) > max_chars:
        error = error_fields("query_too_long", limit=max_chars)
        return {"query": q[:50], **error, "definitions": []}, 400
    engine = current_app.extensions["stdsearch.engine"]
    definitions = find_definitions(engine, q)
    if definitions:
        # How many standards define each term: the page links those in several to the
        # term concordance.
        terms = concordance()
        for definition in definitions:
            group = terms.group_of(definition["term_zh"], definition["term_en"])
            definition["concordance_standards"] = group.standard_count if group else 1
    return {"query": q, "definitions": definitions}, 200


@blueprint.route("/terms")
def terms_page():
    data, status = _terms_data()
    return render_template("terms.html", data=data), status


@blueprint.route("/api/terms")
def terms_api():
    data, status = _terms_data()
    return jsonify(data), status
