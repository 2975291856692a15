"""Implementation feedback: readers report on a clause, librarians work the queue.

Anyone may post feedback from a clause page (a form with a CSRF token, rate-limited per
client address); `/admin/feedback` lists the open items for librarians, with a JSON
twin, and a form on each item marks it resolved.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from flask import (
    Blueprint,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from indexer.library.catalogue import Catalogue
from indexer.library.feedback import TOO_MANY, FeedbackRejected, FeedbackStore, client_digest
from search_app.web.auth import current_user, librarian_required, token_user
from search_app.web.user_errors import not_found

from .standard import clause_data

blueprint = Blueprint("feedback", __name__)

# Five items per ten minutes from one address: plenty for a reader, little for a script.
DEFAULT_RATE = (5, timedelta(minutes=10))


@contextmanager
def _store() -> Iterator[FeedbackStore]:
    with Catalogue(current_app.extensions["stdsearch.library"].catalogue_path) as catalogue:
        yield FeedbackStore(catalogue.db)


@blueprint.app_template_global("open_feedback")
def open_feedback(std_no: str, clause_no: str) -> int:
    """Open items on a clause, for the count its page shows."""
    with _store() as store:
        return store.open_count(std_no, clause_no)


@blueprint.route("/std/<path:std_no>/clause/<clause_no>/feedback", methods=["POST"])
def leave_feedback(std_no: str, clause_no: str):
    data = clause_data(std_no, clause_no)
    text = request.form.get("text", "")
    contact = request.form.get("contact", "")
    client = client_digest(request.remote_addr or "?", current_app.config["SECRET_KEY"])
    rate = current_app.config.get("FEEDBACK_RATE", DEFAULT_RATE)
    try:
        with _store() as store:
            store.add(data["std_no"], clause_no, text, contact, client, rate)
    except FeedbackRejected as rejected:
        status = 429 if rejected.code == TOO_MANY else 400
        page = render_template(
            "clause.html",
            data=data,
            feedback_error=rejected.code,
            feedback_form={"text": text, "contact": contact},
        )
        headers = {"Retry-After": str(int(rate[1].total_seconds()))} if status == 429 else {}
        return page, status, headers
    target = url_for(
        "standard.clause_page", std_no=data["std_no"], clause_no=clause_no, feedback="thanks"
    )
    return redirect(target + "#feedback")


def _queue(resolved: bool, std_no: str) -> dict:
    with _store() as store:
        items = store.items(resolved=resolved, std_no=std_no or None)
    return {"resolved": resolved, "std": std_no, "items": [vars(item) for item in items]}


@blueprint.route("/admin/feedback")
@librarian_required
def queue_page():
    data = _queue(request.args.get("resolved") == "1", request.args.get("std", "").strip())
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("feedback_queue.html", data=data)


@blueprint.route("/admin/feedback/<int:item_id>/resolve", methods=["POST"])
@librarian_required
def resolve(item_id: int):
    with _store() as store:
        if not store.resolve(item_id, current_user()):
            raise not_found("no_open_feedback", id=item_id)
    if token_user() is not None or request.args.get("format") == "json":
        return jsonify({"resolved": item_id})
    return redirect(url_for("feedback.queue_page"))
