"""`/compare?a=…&b=…`: two clauses (`<std_no>/<clause_no>`) or two editions (`<std_no>`)."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from indexer.library.catalogue import Catalogue
from indexer.library.lookup import load_standard, resolve_sha
from indexer.library.model import Clause, Standard
from search_app.search.compare import compare_clauses, compare_editions
from search_app.web.user_errors import error_fields

blueprint = Blueprint("compare", __name__)
NOT_FOUND_KEYS = ("compare_no_standard", "no_such_clause")


class BadCompare(Exception):
    """A compare request that cannot be answered: a label key and its values."""

    def __init__(self, key: str, **params):
        super().__init__(key)
        self.key = key
        self.params = params


def _resolve(ref: str) -> tuple[Standard, Clause | None]:
    """`GB/T 7714-2015` → the standard; `GB/T 7714-2015/4.2` → that clause of it."""
    library = current_app.extensions["stdsearch.library"]
    ref = ref.strip()
    if not ref or len(ref) > 200:
        raise BadCompare("compare_bad_ref")
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, ref)
        clause_no = None
        if sha is None and "/" in ref:
            std_part, clause_no = ref.rsplit("/", 1)
            sha = resolve_sha(catalogue, std_part)
        if sha is None:
            raise BadCompare("compare_no_standard", ref=ref)
        standard = load_standard(library, catalogue, sha)
    if clause_no is None:
        return standard, None
    for clause in standard.clauses:
        if clause.clause_no == clause_no:
            return standard, clause
    raise BadCompare("no_such_clause", std_no=standard.std_no, clause_no=clause_no)


def compare_data(a: str, b: str) -> dict:
    left, left_clause = _resolve(a)
    right, right_clause = _resolve(b)
    if (left_clause is None) != (right_clause is None):
        raise BadCompare("compare_mixed")
    if left_clause is not None:
        pairs = [compare_clauses(left_clause, right_clause)]
    else:
        pairs = compare_editions(left.clauses, right.clauses)
    return {
        "a": {
            "std_no": left.std_no,
            "title_zh": left.title_zh,
            "status": left.status,
            "clause_no": left_clause.clause_no if left_clause else None,
        },
        "b": {
            "std_no": right.std_no,
            "title_zh": right.title_zh,
            "status": right.status,
            "clause_no": right_clause.clause_no if right_clause else None,
        },
        "changed": sum(1 for p in pairs if p.changed),
        "pairs": [p.to_dict() for p in pairs],
    }


def _request_data() -> tuple[dict, int]:
    a, b = request.args.get("a", ""), request.args.get("b", "")
    if not a or not b:
        return {"a": a, "b": b, **error_fields("compare_needs_both"), "pairs": []}, 400
    try:
        return compare_data(a, b), 200
    except BadCompare as error:
        # A reference to nothing the library holds is a 404; a malformed one a 400.
        code = 404 if error.key in NOT_FOUND_KEYS else 400
        return {"a": a, "b": b, **error_fields(error.key, **error.params), "pairs": []}, code


@blueprint.route("/compare")
def compare_page():
    if not request.args.get("b"):
        # The empty form, or one side already chosen from a standard or clause page.
        data = {"a": request.args.get("a", ""), "b": "", "pairs": []}
        return render_template("compare.html", data=data, choose=bool(data["a"]))
    data, status = _request_data()
    return render_template("compare.html", data=data, choose=False), status


@blueprint.route("/api/compare")
def compare_api():
    data, status = _request_data()
    return jsonify(data), status
