"""Connecting platforms: the change export other platforms follow, and the librarian's
page of what following them brought (`/admin/sync`: sources, conflicts, candidates).

`GET /api/export/changes.jsonl?after=ID&limit=N` pages through the change log, oldest
first: one change a JSON line, then an end line `{"next": ID}` whose id is the `after`
of the next page, or `{"next": null}` when there is nothing more. The same cursor is in
the `X-Next-After` header (absent on the last page). `stdsearch sync` reads it.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, jsonify, render_template, request

from indexer.library import changes, sync
from indexer.library.catalogue import Catalogue
from search_app.web.auth import librarian_required

blueprint = Blueprint("sync", __name__)

DEFAULT_LIMIT = 500


def _catalogue() -> Catalogue:
    return Catalogue(current_app.extensions["stdsearch.library"].catalogue_path)


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        abort(400, description=f"`{name}` must be a whole number from {low} to {high}")
    return int(raw)


@blueprint.route("/api/export/changes.jsonl")
def export_changes():
    """One page of the change log as JSON lines, for programs (the Atom feeds are for
    people). The page is read whole (at most `sync.MAX_PAGE_CHANGES` rows) and streamed."""
    after = _int_arg("after", 0, 0, 2**62)
    limit = _int_arg("limit", DEFAULT_LIMIT, 1, sync.MAX_PAGE_CHANGES)
    with _catalogue() as catalogue:
        events = changes.since(catalogue.db, after, limit=limit + 1)
    more = len(events) > limit
    events = events[:limit]
    next_cursor = events[-1].id if more else None

    def lines():
        for event in events:
            yield sync.export_line(event) + "\n"
        yield sync.end_line(next_cursor) + "\n"

    response = Response(lines(), mimetype="application/x-ndjson")
    if next_cursor is not None:
        response.headers["X-Next-After"] = str(next_cursor)
    return response


@blueprint.route("/admin/sync")
@librarian_required
def sync_page():
    with _catalogue() as catalogue:
        data = {
            "sources": sync.sources(catalogue.db),
            "conflicts": sync.conflicts(catalogue.db),
            "candidates": sync.candidates(catalogue.db),
        }
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("sync.html", data=data)
