"""List checking `/check`, watch lists `/watch/<token>` and the Atom feeds of the change
log (`/feeds/changes.atom`, `/watch/<token>/feed.atom`)."""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)

from indexer.library import changes, watch_lists
from indexer.library.catalogue import Catalogue
from indexer.library.status import STATUSES
from search_app.search import search
from search_app.search.checking import (
    COLUMNS,
    CheckRow,
    check_numbers,
    clean_lines,
    numbers_from_file,
    rows_csv,
    rows_xlsx,
)
from search_app.search.feeds import atom_feed
from search_app.search.query import QueryError
from search_app.search.searching import MAX_LIMIT
from search_app.web.auth import csrf_exempt
from search_app.web.i18n import translator
from search_app.web.views.search import FILTERS

blueprint = Blueprint("watch", __name__)

FEED_ENTRIES = 200
MAX_FILE_BYTES = 2 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _catalogue() -> Catalogue:
    return Catalogue(current_app.extensions["stdsearch.library"].catalogue_path)


def _wants(kind: str) -> bool:
    fmt = request.values.get("format", "")
    if fmt:
        return fmt == kind
    if kind == "json":
        accept = request.accept_mimetypes
        return accept.best_match(["text/html", "application/json"]) == "application/json"
    return False


def _rows_json(numbers: list[str], rows: list[CheckRow], **extra) -> dict:
    found = sum(1 for r in rows if r.found)
    return {
        "numbers": numbers,
        "columns": list(COLUMNS),
        "rows": [r.to_dict() for r in rows],
        "counts": {"lines": len(rows), "found": found, "not_found": len(rows) - found},
        **extra,
    }


def _answer(numbers: list[str], rows: list[CheckRow], template: str, status=200, **extra):
    """The check result in the format asked: HTML, JSON, CSV or XLSX. A refusal has no
    rows to download: it is answered in JSON when a download was asked for."""
    if status != 200 and (_wants("csv") or _wants("xlsx")):
        return jsonify(_rows_json(numbers, rows, **extra)), status
    if _wants("csv"):
        return Response(
            rows_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": "attachment; filename=check.csv"},
        )
    if _wants("xlsx"):
        return Response(
            rows_xlsx(rows),
            mimetype=XLSX,
            headers={"Content-Disposition": "attachment; filename=check.xlsx"},
        )
    data = _rows_json(numbers, rows, **extra)
    if _wants("json"):
        return jsonify(data), status
    return render_template(template, data=data), status


def _submitted_numbers() -> tuple[list[str], str | None]:
    """The numbers of the form: the textarea's lines, then the uploaded file's."""
    numbers = clean_lines(request.form.get("numbers", "").splitlines())
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        name = upload.filename.lower()
        if not name.endswith((".txt", ".csv")):
            return numbers, "check_bad_file"
        data = upload.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            return numbers, "check_file_too_large"
        numbers = clean_lines(numbers + numbers_from_file(name, data))
    return numbers, None


@blueprint.route("/check", methods=["GET", "POST"])
def check_page():
    if request.method == "GET":
        numbers = clean_lines(request.args.get("numbers", "").splitlines())
        if not numbers:
            return _answer([], [], "check.html")
    else:
        numbers, error = _submitted_numbers()
        if error:
            return _answer(numbers, [], "check.html", 400, error=error)
        if not numbers:
            return _answer([], [], "check.html", 400, error="check_no_numbers")
    with _catalogue() as catalogue:
        rows = check_numbers(catalogue, numbers)
    return _answer(numbers, rows, "check.html")


@blueprint.route("/api/check", methods=["POST"])
@csrf_exempt
def check_api():
    """JSON in, JSON out: `{"numbers": [...]}`. Exempt from the form's CSRF token: a JSON
    body cannot be sent by another site's form, and this changes nothing."""
    body = request.get_json(silent=True) if request.is_json else None
    numbers = body.get("numbers") if isinstance(body, dict) else None
    if not isinstance(numbers, list) or not all(
        isinstance(n, str | int) and not isinstance(n, bool) for n in numbers
    ):
        abort(400, description='send a JSON object {"numbers": ["GB/T 7714-2015", ...]}')
    numbers = clean_lines(str(n) for n in numbers)
    with _catalogue() as catalogue:
        rows = check_numbers(catalogue, numbers)
    return jsonify(_rows_json(numbers, rows))


@blueprint.route("/watch", methods=["POST"])
def create_watch_list():
    """Save the checked numbers as a watch list; answers with its private link."""
    numbers = clean_lines(request.form.get("numbers", "").splitlines())
    if not numbers:
        return _answer([], [], "check.html", 400, error="check_no_numbers")
    with _catalogue() as catalogue, catalogue.transaction() as db:
        token = watch_lists.create(db, numbers)
    target = url_for("watch.watch_page", token=token)
    if _wants("json"):
        return jsonify({"token": token, "url": target, "numbers": numbers}), 201
    return redirect(target, code=303)


def _watch_list(token: str) -> tuple[list[str], str]:
    with _catalogue() as catalogue:
        found = watch_lists.load(catalogue.db, token)
    if found is None:
        abort(404, description="no such watch list")
    return found


@blueprint.route("/watch/<token>")
def watch_page(token: str):
    numbers, created = _watch_list(token)
    with _catalogue() as catalogue:
        rows = check_numbers(catalogue, numbers)
    feed = url_for("watch.watch_feed", token=token)
    return _answer(numbers, rows, "watch.html", created_at=created, feed=feed)


# -- feeds -------------------------------------------------------------------------------


def _describe(event: changes.ChangeEvent) -> tuple[str, str]:
    """An entry's title and summary in the reader's language: what changed, from what to
    what, who or what changed it, and when."""
    t = translator(g.get("lang", "zh"))

    def show(value: str) -> str:
        return t(value) if value in STATUSES else value

    title = f"{event.std_no}: {t('change_kind.' + event.kind)}"
    if event.kind == changes.STATUS_CHANGE:
        title += f" ({show(event.new)})"
    elif event.kind == changes.CORRECTION and event.field:
        title += f" ({event.field})"
    values = {"old": show(event.old) or "—", "new": show(event.new) or "—"}
    summary = t(f"change_summary.{event.kind}", field=event.field, **values)
    source = event.source
    if source in (changes.INGEST, changes.CALENDAR):
        source = t("change_source." + source)
    summary += " " + t("change_by", source=source, at=event.at)
    return title, summary


def _feed(events, feed_id: str, title: str, updated: str | None = None) -> Response:
    root = request.url_root.rstrip("/")

    def link(event: changes.ChangeEvent) -> str:
        return root + url_for("standard.standard_page", std_no=event.std_no or event.sha256)

    body = atom_feed(
        events,
        feed_id=feed_id,
        title=title,
        self_url=request.url,
        site_url=root + url_for("watch.check_page"),
        entry_id=lambda e: f"urn:stdsearch:change:{e.id}",
        link=link,
        describe=_describe,
        language=g.get("lang", "zh"),
        updated=updated,
    )
    return Response(body, mimetype="application/atom+xml")


@blueprint.route("/feeds/changes.atom")
def changes_feed():
    """The whole library's changes; with `q` or filters, the changes of the standards that
    search finds (their edition families, so a new edition of one shows too)."""
    t = translator(g.get("lang", "zh"))
    q = request.args.get("q", "").strip()
    filters = {name: request.args[name] for name in FILTERS if request.args.get(name)}
    families = None
    title = t("feed_title_library")
    if q or filters:
        if len(q) > current_app.config["MAX_QUERY_LENGTH"]:
            abort(400, description="query too long")
        engine = current_app.extensions["stdsearch.engine"]
        try:
            result = search(engine, q, limit=MAX_LIMIT, filters=filters)
        except QueryError as error:
            abort(400, description=str(error))
        families = [group.std_no for group in result.groups if group.std_no]
        shown = " ".join([q, *(f"{k}:{v}" for k, v in sorted(filters.items()))]).strip()
        title = t("feed_title_search", query=shown)
    with _catalogue() as catalogue:
        events = changes.since(
            catalogue.db, families=families, limit=FEED_ENTRIES, newest_first=True
        )
    canonical = urlencode(sorted({"q": q, **filters}.items())) if (q or filters) else ""
    feed_id = "urn:stdsearch:feed:changes" + (
        ":" + hashlib.sha256(canonical.encode()).hexdigest()[:32] if canonical else ""
    )
    return _feed(events, feed_id, title)


@blueprint.route("/watch/<token>/feed.atom")
def watch_feed(token: str):
    numbers, created = _watch_list(token)
    with _catalogue() as catalogue:
        rows = check_numbers(catalogue, numbers)
        # Each number's family, whether or not the library holds it yet (it may arrive).
        families = set(numbers) | {r.std_no for r in rows if r.std_no}
        families |= {r.newer_edition for r in rows if r.newer_edition}
        families |= {r.replaced_by for r in rows if r.replaced_by}
        events = changes.since(
            catalogue.db, families=families, limit=FEED_ENTRIES, newest_first=True
        )
    t = translator(g.get("lang", "zh"))
    feed_id = "urn:stdsearch:feed:watch:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    return _feed(events, feed_id, t("feed_title_watch", n=len(numbers)), updated=created)
