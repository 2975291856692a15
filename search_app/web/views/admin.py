"""`/admin`: the librarian's desk — recent ingests, the librarian pages, API tokens."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for

from indexer.library.catalogue import Catalogue
from search_app.web.auth import accounts, current_user, librarian_required
from search_app.web.health import ocr_health

blueprint = Blueprint("admin", __name__, url_prefix="/admin")

# Librarian pages listed on the desk once their view is registered: (endpoint, label).
SECTIONS = [
    ("upload.upload_page", "upload"),
    ("edit.audit_page", "audit_log"),
    ("feedback.queue_page", "feedback_queue"),
    ("review.review_page", "review_report"),
    ("sync.sync_page", "sync_page"),
]


def _desk(user: str) -> dict:
    library = current_app.extensions["stdsearch.library"]
    with Catalogue(library.catalogue_path) as catalogue:
        log = [vars(entry) for entry in catalogue.ingest_log(limit=50)]
    engine = current_app.extensions["stdsearch.engine"]
    return {
        "user": user,
        "engine": engine.name,
        "pending_writes": engine.pending(),
        "ocr": asdict(ocr_health()),
        "ingest_log": log,
        "tokens": [vars(t) for t in accounts().tokens(user)],
    }


def _render_desk(new_token: str | None = None):
    sections = [
        {"url": url_for(endpoint), "label": label}
        for endpoint, label in SECTIONS
        if endpoint in current_app.view_functions
    ]
    data = _desk(current_user())
    return render_template("admin.html", data=data, sections=sections, new_token=new_token)


@blueprint.route("/")
@librarian_required
def dashboard():
    if request.args.get("format") == "json":
        return jsonify(_desk(current_user()))
    return _render_desk()


@blueprint.route("/tokens", methods=["POST"])
@librarian_required
def create_token():
    """A token for scripts; shown on this one page, since only its digest is kept."""
    label = request.form.get("label", "").strip()[:100]
    return _render_desk(new_token=accounts().create_token(current_user(), label))


@blueprint.route("/tokens/revoke", methods=["POST"])
@librarian_required
def revoke_tokens():
    accounts().revoke_tokens(current_user(), request.form.get("label"))
    return redirect(url_for("admin.dashboard"))
