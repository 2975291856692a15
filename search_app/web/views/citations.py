"""`/reports/citations`: citation health, for librarians and researchers. Current standards
whose normative references point to replaced or withdrawn editions; `?format=json` is
its JSON twin and `?format=csv` a spreadsheet of the same rows."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from search_app.search.citations import (
    REPORT_FILTERS,
    SORTS,
    citation_report,
    report_csv,
    report_filters,
)
from search_app.search.query import QueryError

from ..user_errors import error_fields

blueprint = Blueprint("citations", __name__)


def _report_data() -> tuple[dict, str, int]:
    """The report as JSON data, its CSV text, and the status code."""
    sort = request.args.get("sort") or "std_no"
    raw = {name: request.args.get(name, "")[:100] for name in REPORT_FILTERS}
    try:
        filters = report_filters(raw)
        report = citation_report(current_app.extensions["stdsearch.library"], filters, sort)
    except QueryError as error:
        data = {
            "summary": None,
            "filters": {k: v for k, v in raw.items() if v},
            "sort": sort if sort in SORTS else "std_no",
            "facets": {},
            "standards": [],
            **error_fields("query_filter", detail=str(error)),
        }
        return data, "", 400
    return report.to_dict(), report_csv(report), 200


@blueprint.route("/reports/citations")
def citations_page():
    data, csv_text, status = _report_data()
    fmt = request.args.get("format")
    if fmt == "json" or (fmt == "csv" and status != 200):
        return jsonify(data), status
    if fmt == "csv":
        # With a byte-order mark, so that spreadsheet programs read the Chinese as UTF-8.
        return Response(
            "\ufeff" + csv_text,
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=citations.csv"},
        )
    return render_template("citations.html", data=data, sorts=SORTS), status
