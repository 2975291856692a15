"""`/terms?q=…`: every definition of a term across the library, side by side."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request
from whoosh import qparser
from whoosh.query import And, Or, Term

from indexer.engine.whoosh.index import read_latest
from search_app.web.user_errors import error_fields

blueprint = Blueprint("terms", __name__)


def find_definitions(index, q: str, limit: int = 50) -> list[dict]:
    """Term entries whose Chinese or English term matches `q`, exact matches first."""
    q = q.strip()
    if not q:
        return []
    return read_latest(index, lambda searcher: _definitions(searcher, index.schema, q, limit))


def _definitions(searcher, schema, q: str, limit: int) -> list[dict]:
    parsers = [
        qparser.QueryParser(field, schema, group=qparser.AndGroup)
        for field in ("heading_bi", "term_en")
    ]
    alternatives = [p.parse(q) for p in parsers]
    query = And([Term("clause_kind", "term"), Or(alternatives)])
    hits = searcher.search(query, limit=limit)
    found = []
    for hit in hits:
        found.append(
            {
                "std_no": hit["std_no"],
                "title_zh": hit.get("title", ""),
                "status": hit.get("status", ""),
                "clause_no": hit["clause_no"],
                "term_zh": hit.get("heading", ""),
                "term_en": hit.get("term_en", ""),
                "definition": hit.get("body", ""),
                "page": hit.get("page"),
            }
        )
    exact = [f for f in found if f["term_zh"] == q or f["term_en"].lower() == q.lower()]
    return exact + [f for f in found if f not in exact]


def _terms_data() -> tuple[dict, int]:
    q = request.args.get("q", "")
    max_chars = current_app.config["MAX_QUERY_LENGTH"]
    if len(q) > max_chars:
        error = error_fields("query_too_long", limit=max_chars)
        return {"query": q[:50], **error, "definitions": []}, 400
    state = current_app.extensions["stdsearch.state"]
    return {"query": q, "definitions": find_definitions(state.index(), q)}, 200


@blueprint.route("/terms")
def terms_page():
    data, status = _terms_data()
    return render_template("terms.html", data=data), status


@blueprint.route("/api/terms")
def terms_api():
    data, status = _terms_data()
    return jsonify(data), status
