"""`/reports/review`: standards due for review (标龄 > N 年 → 复审), for librarians.

The report counts, by level and by issuing body, the standards in force whose age (from
the implementation date, else the issue date) is over the review age, and lists them
oldest first. It has a JSON twin (`?format=json`) and a CSV export (`?format=csv`, UTF-8
with a byte-order mark so that spreadsheet programs read the Chinese right). The review
age is the site's setting (`REVIEW_AGE_YEARS`, else `STDSEARCH_REVIEW_YEARS`, else 5);
`?years=N` asks for another one on one report.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import date

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from indexer.library.catalogue import Catalogue
from indexer.library.review import DEFAULT_YEARS, ReviewReport, csv_rows, review_report
from search_app.web.auth import librarian_required

blueprint = Blueprint("review", __name__)

MAX_YEARS = 100
FORMATS = ("html", "json", "csv")


def review_years_setting(value: object) -> int | None:
    """A review age as configured: a whole number of years 0–100, or None."""
    try:
        years = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return years if 0 <= years <= MAX_YEARS else None


def configured_review_years() -> int:
    """The site's review age: app config, then the environment, then five years."""
    for value in (
        current_app.config.get("REVIEW_AGE_YEARS"),
        os.environ.get("STDSEARCH_REVIEW_YEARS"),
    ):
        years = review_years_setting(value) if value not in (None, "") else None
        if years is not None:
            return years
    return DEFAULT_YEARS


def review_data(today: date | None = None) -> ReviewReport:
    """The report on `today` (the date now) with the review age asked for."""
    years = configured_review_years()
    if request.args.get("years"):
        years = review_years_setting(request.args["years"])
        if years is None:
            abort(400, description=f"years must be a whole number 0–{MAX_YEARS}")
    library = current_app.extensions["stdsearch.library"]
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    return review_report(entries, today or date.today(), years)


@blueprint.route("/reports/review")
@librarian_required
def review_page():
    wanted = request.args.get("format", "html")
    if wanted not in FORMATS:
        abort(400, description="format is html, json or csv")
    report = review_data()
    if wanted == "json":
        return jsonify(report.to_dict())
    if wanted == "csv":
        return _csv(report)
    return render_template("review.html", data=report.to_dict())


def _csv(report: ReviewReport) -> Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(csv_rows(report))
    name = f"review-{report.today.isoformat()}-over-{report.years}-years.csv"
    return Response(
        ("\ufeff" + out.getvalue()).encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )
