"""`/admin/upload`: librarians add PDFs from the browser or from a script, and watch them
being ingested (`/admin/upload/<batch>`, with its JSON twin)."""

from __future__ import annotations

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import RequestEntityTooLarge

from indexer.library.model import IngestError
from indexer.library.store import Library
from indexer.pdf.validate import Limits
from search_app.web.auth import current_user, librarian_required, token_user
from search_app.web.i18n import LABELS, translator
from search_app.web.uploads import (
    BATCH_PATTERN,
    PARSING,
    PENDING,
    QUEUED,
    REFUSED,
    STATES,
    Upload,
    UploadQueue,
    UploadStore,
    display_name,
    receive,
    refused_name,
    sent_filename,
    shown_name,
)
from search_app.web.user_errors import api_error, error_body

blueprint = Blueprint("upload", __name__, url_prefix="/admin/upload")

MB = 1_000_000  # decimal, as the ingest reports sizes
DEFAULTS = {
    "UPLOAD_MAX_MB": 100,  # one file
    "UPLOAD_MAX_FILES": 20,  # one upload
    "UPLOAD_MAX_TOTAL_MB": 500,  # one upload, all files: the request size limit
    "UPLOAD_MAX_PAGES": 2000,
    "UPLOAD_CHECK_SECONDS": 30,  # checking one file (opens, not encrypted, pages), in a worker
    "UPLOAD_OCR": None,  # None: on when Tesseract is installed
    "UPLOAD_WORKERS": 1,
    "UPLOAD_QUEUE": True,  # run the background ingest thread
    "UPLOAD_BUSY_RETRY_SECONDS": 30,  # a reindex holds the library: try again after this
    "UPLOAD_POLL_SECONDS": 30,  # look for queued uploads no one woke the queue for
}


def init_uploads(app: Flask, library: Library) -> UploadQueue:
    """Upload limits, the request size limit and the app's upload queue (started here,
    stopped with `app.extensions["stdsearch.uploads"].stop()`)."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    if not app.config.get("MAX_CONTENT_LENGTH"):
        # The whole request: every file at its limit would be too much, so there is a
        # separate, smaller total. Form fields and multipart headers get a little room.
        app.config["MAX_CONTENT_LENGTH"] = app.config["UPLOAD_MAX_TOTAL_MB"] * MB + MB
    use_ocr = app.config["UPLOAD_OCR"]
    queue = UploadQueue(
        library,
        engine=app.extensions.get("stdsearch.engine"),
        limits=upload_limits(app.config),
        use_ocr=None if use_ocr is None else bool(use_ocr),
        workers=app.config["UPLOAD_WORKERS"],
        busy_retry_seconds=app.config["UPLOAD_BUSY_RETRY_SECONDS"],
        poll_seconds=app.config["UPLOAD_POLL_SECONDS"],
    )
    app.extensions["stdsearch.uploads"] = queue
    app.register_error_handler(RequestEntityTooLarge, _too_large)
    app.register_blueprint(blueprint)
    if app.config["UPLOAD_QUEUE"]:
        queue.start()
    return queue


def upload_limits(config) -> Limits:
    return Limits(
        max_bytes=config["UPLOAD_MAX_MB"] * MB,
        max_pages=config["UPLOAD_MAX_PAGES"],
        check_seconds=config["UPLOAD_CHECK_SECONDS"],
    )


def _store() -> UploadStore:
    if "uploads" not in g:
        g.uploads = UploadStore(current_app.extensions["stdsearch.library"].catalogue_path)
    return g.uploads


@blueprint.teardown_app_request
def _close_store(_exc) -> None:
    store = g.pop("uploads", None)
    if store is not None:
        store.close()


def _wants_json() -> bool:
    """Scripts (a token, `?format=json`, `Accept: application/json`) get JSON."""
    return (
        request.args.get("format") == "json"
        or request.accept_mimetypes.best == "application/json"
        or token_user() is not None
    )


def _limits_data() -> dict:
    config = current_app.config
    return {
        "max_mb": config["UPLOAD_MAX_MB"],
        "max_files": config["UPLOAD_MAX_FILES"],
        "max_total_mb": config["UPLOAD_MAX_TOTAL_MB"],
        "max_pages": config["UPLOAD_MAX_PAGES"],
    }


def _progress(upload: Upload) -> dict | None:
    """How far the parse of a file has got, in numbers and in the reader's language
    ("正在识别 12/19 页"); None when it is not parsing or has not said."""
    if upload.state != PARSING or not upload.progress_stage:
        return None
    stage, done, total = upload.progress_stage, upload.progress_done, upload.progress_total
    key = f"upload_stage.{stage}"
    t = translator(g.get("lang", "zh"))
    text = t(key if key in LABELS else "upload_stage", stage=stage, done=done, total=total)
    return {"stage": stage, "done": done, "total": total, "text": text}


def _batch_data(batch: str) -> dict:
    uploads = _store().batch(batch)
    files = []
    for upload in uploads:
        entry = {
            "id": upload.id,
            "file": upload.file,
            "state": upload.state,
            "reason": upload.reason,
            "std_no": upload.std_no,
            "sha256": upload.sha256,
            "pages": upload.pages,
            "updated_at": upload.updated_at,
            "progress": _progress(upload),
            "url": url_for("standard.standard_page", std_no=upload.std_no) if upload.std_no else "",
        }
        files.append(entry)
    counts = {state: sum(1 for f in files if f["state"] == state) for state in STATES}
    return {
        "batch": batch,
        "url": url_for("upload.batch_page", batch=batch),
        "done": not any(f["state"] in PENDING for f in files),
        "counts": {state: n for state, n in counts.items() if n},
        "files": files,
    }


@blueprint.route("", methods=["GET", "POST"])
@librarian_required
def upload_page():
    if request.method == "POST":
        return _receive_files()
    if _wants_json():
        batches = [vars(b) for b in _store().recent_batches()]
        return jsonify({"limits": _limits_data(), "batches": batches})
    return render_template(
        "upload.html", limits=_limits_data(), batches=_store().recent_batches(), error=None
    )


def _receive_files():
    """Each file is checked on its own: a refused one gets its reason, the others go on."""
    parts = [f for f in request.files.getlist("file") if f.filename or f.content_length]
    if not parts:
        if _wants_json():
            return api_error(400, "no file: send one or more PDFs as field 'file'")
        page = render_template(
            "upload.html",
            limits=_limits_data(),
            batches=_store().recent_batches(),
            error="upload_choose_files",
        )
        return page, 400
    max_files = current_app.config["UPLOAD_MAX_FILES"]
    if len(parts) > max_files:
        raise TooManyFiles(f"upload too large: more than {max_files} files in one upload")
    library = current_app.extensions["stdsearch.library"]
    limits = upload_limits(current_app.config)
    store, user = _store(), current_user()
    batch = store.new_batch_id()
    for part in parts:
        bad_name = refused_name(part.filename) or refused_name(
            sent_filename(part.headers.get("Content-Disposition"))
        )
        if bad_name:  # refused before a byte of it is written
            store.add(batch, shown_name(part.filename), REFUSED, user, reason=bad_name)
            continue
        name = display_name(part.filename)
        try:
            received = receive(part.stream, library, limits, name)
        except IngestError as error:
            store.add(batch, name, REFUSED, user, reason=error.reason)
            continue
        except OSError as error:  # the library's disk, not the file: say so, go on
            current_app.logger.exception("upload %r could not be stored", name)
            reason = f"could not be stored in the library: {error.strerror or error}"
            store.add(batch, name, REFUSED, user, reason=reason)
            continue
        store.add(batch, name, QUEUED, user, sha256=received.sha256, pages=received.pages)
    current_app.extensions["stdsearch.uploads"].wake()
    data = _batch_data(batch)
    if _wants_json():
        accepted = any(f["state"] != REFUSED for f in data["files"])
        if accepted:
            return jsonify(data), 202
        refused = error_body(422, "every file was refused: see each file's reason")
        return jsonify({**data, **refused}), 422
    return redirect(data["url"], code=303)


@blueprint.route("/<batch>")
@librarian_required
def batch_page(batch: str):
    data = _batch_data(batch) if BATCH_PATTERN.match(batch) else {"files": []}
    if not data["files"]:
        if _wants_json():
            return api_error(404, f"no upload batch {batch!r}")
        abort(404)
    if _wants_json():
        return jsonify(data)
    t = translator(g.get("lang", "zh"))
    labels = {state: t(f"upload_state.{state}") for state in STATES}
    return render_template("upload_batch.html", data=data, labels=labels)


class TooManyFiles(RequestEntityTooLarge):
    """More files in one upload than UPLOAD_MAX_FILES: refused whole, like one too big."""


def _too_large(error: RequestEntityTooLarge):
    """Say the limit in words: the browser only shows what we answer."""
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // MB
    message = f"upload too large: more than {limit_mb} MB in one request"
    label = ("upload_too_large_message", {"mb": limit_mb})
    if isinstance(error, TooManyFiles):
        message = error.description
        label = ("upload_too_many_files_message", {"files": current_app.config["UPLOAD_MAX_FILES"]})
    if _wants_json() or "Authorization" in request.headers:
        return api_error(413, message)
    t = translator(g.get("lang", "zh"))
    page = render_template(
        "error.html", code=413, title=t("upload_too_large"), message=t(label[0], **label[1])
    )
    return page, 413
