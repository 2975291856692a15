"""The front door and browsing: the home page `/` (the library at a glance), the
classification trees `/browse/<ics|ccs|region|level|body|year|adoption>` and the list `/std`, each
with its JSON twin (`?format=json`); the list also exports CSV (`?format=csv`).

Every page here reads the catalogue once and counts in Python (`search_app.search.browse`),
never asking the engine; the entries are kept per worker until the catalogue's files change
or the day does (即将实施 depends on the calendar), so a visitor's home page costs a stat.
"""

from __future__ import annotations

import threading
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from analyzers.classifications import CCS_CLASSES, ics_names
from indexer.library.catalogue import Catalogue
from indexer.library.listing import Entry, catalogue_entries
from search_app.search import browse
from search_app.search.planning import Calendar
from search_app.search.query import QueryError
from search_app.web.user_errors import api_error, error_fields, not_found

from . import search as search_views
from .review import configured_review_years

blueprint = Blueprint("browse", __name__)

KINDS = tuple(browse.TREES)
_lock = threading.Lock()


def library_entries() -> list[Entry]:
    """The catalogue's entries, read again only when its files changed since last time."""
    library = current_app.extensions["stdsearch.library"]
    path = library.catalogue_path
    stamp = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            info = file.stat()
            stamp.append((info.st_mtime_ns, info.st_size))
        except FileNotFoundError:
            stamp.append(None)
    cache = _cache()
    with _lock:
        if cache.get("stamp") != stamp:
            with Catalogue(path) as catalogue:
                cache["entries"] = catalogue_entries(catalogue)
            cache["stamp"] = stamp
            cache["derived"] = {}
        return cache["entries"]


def _cache() -> dict:
    return current_app.extensions.setdefault("stdsearch.browse", {})


def derived(name: str, compute):
    """What `compute(entries)` makes of the entries (the overview, a tree), kept with them
    for the day: the home page a visitor opens is computed once per catalogue change."""
    entries = library_entries()
    key = (name, date.today())
    with _lock:
        found = _cache().get("derived", {}).get(key)
    if found is None:
        found = compute(entries)
        with _lock:
            if _cache().get("entries") is entries:
                _cache().setdefault("derived", {})[key] = found
    return found


def _wants(kind: str) -> bool:
    return request.args.get("format") == kind


# ---------------------------------------------------------------------------
# Home


@blueprint.route("/")
def home():
    """With a query or a filter, `/` is the search page (old links keep working)."""
    if request.args.get("q") or any(request.args.get(n) for n in search_views.FILTERS):
        if _wants("json"):
            return search_views.search_api()
        return search_views.search_page()
    data = derived("overview", lambda entries: browse.overview(entries, date.today()))
    if _wants("json"):
        return jsonify(data)
    return render_template("home.html", data=data, kinds=KINDS)


# ---------------------------------------------------------------------------
# Trees


@blueprint.route("/browse")
def browse_index():
    entries = library_entries()
    data = {
        "total": len(entries),
        "trees": [{"kind": kind, "url": f"/browse/{kind}"} for kind in KINDS],
    }
    if _wants("json"):
        return jsonify(data)
    return render_template("browse.html", data=data, kind=None, kinds=KINDS, show_all=False)


@blueprint.route("/browse/<kind>")
def browse_tree(kind: str):
    if kind not in browse.TREES:
        raise not_found("no_such_browse", kind=kind)
    data = {"kind": kind, **derived(kind, browse.TREES[kind])}
    if _wants("json"):
        return jsonify(data)
    show_all = request.args.get("all") == "1"
    return render_template("browse.html", data=data, kind=kind, kinds=KINDS, show_all=show_all)


# ---------------------------------------------------------------------------
# The list


def _int(name: str, default: int) -> int:
    return int(request.args.get(name) or default)


@blueprint.route("/std")
def standards_list():
    args = request.args
    empty = {"total": 0, "page": 1, "per_page": browse.PER_PAGE, "pages": 1, "items": []}
    try:
        page, per_page = _int("page", 1), _int("per_page", browse.PER_PAGE)
    except ValueError:
        return _list_error({**empty, **error_fields("whole_numbers")})
    try:
        filters = browse.parse_filters(args)
    except QueryError as error:
        return _list_error({**empty, **error_fields("query_filter", detail=str(error))})
    listing, ordered = browse.list_standards(
        library_entries(),
        filters,
        sort=args.get("sort", "number"),
        order=args.get("order", "asc"),
        page=page,
        per_page=per_page,
        calendar=Calendar(date.today(), configured_review_years()),
    )
    if _wants("csv"):
        return Response(
            browse.to_csv(ordered),
            mimetype="text/csv",
            headers={
                "Content-Disposition": "attachment; filename=standards.csv",
                "Content-Type": "text/csv; charset=utf-8",
            },
        )
    data = listing.to_dict()
    if _wants("json"):
        return jsonify(data)
    return render_template(
        "std_list.html",
        data=data,
        query=_kept_args(),
        filter_names=browse.LIST_FILTERS,
        labels=_filter_labels(filters),
        sorts=browse.SORTS,
    )


def _list_error(data: dict):
    if _wants("json") or _wants("csv"):
        return api_error(400, data["error"])
    return render_template(
        "std_list.html",
        data={**data, "sort": "number", "order": "asc", "filters": {}},
        query={},
        filter_names=browse.LIST_FILTERS,
        labels={},
        sorts=browse.SORTS,
    ), 400


def _kept_args() -> dict:
    """The list's own arguments a link keeps (filters, sort, page size), not `format`."""
    keep = (*browse.LIST_FILTERS, "sort", "order", "per_page", "lang")
    return {k: v for k, v in request.args.items() if k in keep and v}


def _filter_labels(filters: dict) -> dict:
    """Names shown for the chosen ICS and CCS nodes (`13.060 水质`), by filter value."""
    labels = {}
    for value in filters.get("ics", ()):
        name = ics_names().get(value)
        if name:
            labels[value] = {"zh": name.zh, "en": name.en}
    for value in filters.get("ccs", ()):
        if value in CCS_CLASSES:
            zh, en = CCS_CLASSES[value]
            labels[value] = {"zh": zh, "en": en}
    return labels
