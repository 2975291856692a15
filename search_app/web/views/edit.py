"""Librarian corrections: the edit form `/std/<std_no>/edit`, deletion, and the audit log.

Each page has a JSON twin for scripts that send an API token: `POST
/api/standards/<std_no>` with the fields to change, `DELETE /api/standards/<std_no>`,
and `/admin/audit?format=json`.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import MethodNotAllowed

from analyzers.stdno import parse_std_no
from indexer.library import audit
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import (
    EDITABLE,
    LIST_FIELDS,
    CorrectionRejected,
    apply_corrections,
    current_values,
)
from indexer.library.lookup import resolve_sha
from indexer.library.status import STATUSES
from indexer.library.trash import delete_standard
from search_app.web.auth import current_user, librarian_required
from search_app.web.i18n import translator
from search_app.web.user_errors import api_error, not_found

blueprint = Blueprint("edit", __name__)


def _library():
    return current_app.extensions["stdsearch.library"]


def _engine():
    return current_app.extensions["stdsearch.engine"]


def _entry(std_no: str) -> tuple[str, dict]:
    with Catalogue(_library().catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, std_no)
        metadata = catalogue.metadata(sha) if sha else None
    if metadata is None:
        raise not_found("no_such_standard", std_no=std_no)
    return sha, metadata


def _vanished(std_no: str):
    """Deleted by someone else between reading and writing it."""
    return not_found("no_such_standard", std_no=std_no)


def _history(std_no: str, sha: str) -> list[dict]:
    with Catalogue(_library().catalogue_path) as catalogue:
        return [vars(c) for c in audit.entries(catalogue.db, std_no=std_no, shas=[sha])]


def _form_values(values: dict) -> dict:
    """Lists as the form shows them: one number per line, ICS codes separated by '; '."""
    shown = dict(values)
    shown["replaces"] = "\n".join(values.get("replaces") or [])
    shown["ics"] = "; ".join(values.get("ics") or [])
    return shown


def _same(value: str) -> str:
    """Browsers send textarea lines with CR LF."""
    return value.replace("\r\n", "\n").strip()


def _error_messages(errors: dict[str, str]) -> dict[str, dict[str, str]]:
    english = translator("en")
    return {
        field: {"code": code, "message": english(f"edit_error_{code}")}
        for field, code in errors.items()
    }


@blueprint.route("/std/<path:std_no>/edit", methods=["GET", "POST"])
@librarian_required
def edit_page(std_no: str):
    sha, metadata = _entry(std_no)
    values = current_values(metadata)
    errors: dict[str, str] = {}
    if request.method == "POST":
        submitted = {field: request.form.get(field, "") for field in EDITABLE}
        before = _form_values(values)
        # Fields sent back as shown change nothing, and a parsed value the checks would
        # refuse (an odd CCS code from a cover) does not block correcting another field.
        changed = {f: v for f, v in submitted.items() if _same(v) != _same(before[f])}
        try:
            apply_corrections(_library(), _engine(), sha, changed, current_user())
        except LookupError:
            raise _vanished(std_no) from None
        except CorrectionRejected as rejected:
            errors = rejected.errors
            shown = {**before, **submitted}
        else:
            _, metadata = _entry(sha)
            return redirect(
                url_for("standard.standard_page", std_no=metadata["std_no"] or sha, saved=1)
            )
    elif request.args.get("format") == "json":
        return jsonify({"std_no": metadata.get("std_no", ""), "sha256": sha, "values": values})
    else:
        shown = _form_values(values)
    page = render_template(
        "edit.html",
        std=metadata,
        values=shown,
        errors=errors,
        statuses=STATUSES,
        history=_history(metadata.get("std_no", ""), sha),
    )
    return page, 400 if errors else 200


def _whole_standards_only(std_no: str) -> None:
    """`/api/standards/<std_no>/clauses/<clause_no>` shares this route (a number may hold
    a slash); a clause is read-only, so other methods get the 405 they would get anywhere."""
    if "/clauses/" in std_no:
        raise MethodNotAllowed(valid_methods=["GET", "HEAD", "OPTIONS"])


@blueprint.route("/api/standards/<path:std_no>", methods=["POST"])
@librarian_required
def edit_api(std_no: str):
    """Correct fields of one standard: a JSON object of the fields to change."""
    _whole_standards_only(std_no)
    sha, _ = _entry(std_no)
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="send a JSON object of the fields to change")
    unknown = sorted(set(body) - set(EDITABLE))
    if unknown:
        abort(400, description=f"fields that cannot be edited: {', '.join(unknown)}")
    try:
        changes = apply_corrections(_library(), _engine(), sha, body, current_user())
    except LookupError:
        raise _vanished(std_no) from None
    except CorrectionRejected as rejected:
        errors = _error_messages(rejected.errors)
        return api_error(
            400, "invalid values", "see errors: field to code and message", errors=errors
        )
    _, metadata = _entry(sha)
    return jsonify({"standard": metadata, "changes": [vars(c) for c in changes]})


@blueprint.route("/std/<path:std_no>/delete", methods=["GET", "POST"])
@librarian_required
def delete_page(std_no: str):
    sha, metadata = _entry(std_no)
    error = None
    if request.method == "POST":
        if request.form.get("confirm") == "yes":
            _delete(sha, std_no)
            return redirect(url_for("edit.audit_page", std=metadata.get("std_no") or sha))
        error = "confirm_delete_needed"
    page = render_template("delete.html", std=metadata, error=error)
    return page, 400 if error else 200


def _delete(sha: str, std_no: str) -> audit.Change:
    try:
        return delete_standard(_library(), _engine(), sha, current_user())
    except LookupError:
        raise _vanished(std_no) from None


@blueprint.route("/api/standards/<path:std_no>", methods=["DELETE"])
@librarian_required
def delete_api(std_no: str):
    _whole_standards_only(std_no)
    sha, metadata = _entry(std_no)
    change = _delete(sha, std_no)
    return jsonify({"deleted": metadata.get("std_no", ""), "sha256": sha, "change": vars(change)})


@blueprint.route("/admin/audit")
@librarian_required
def audit_page():
    std_no = request.args.get("std", "").strip()
    with Catalogue(_library().catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, std_no) if std_no else None
        if sha:
            std_no = (catalogue.metadata(sha) or {}).get("std_no") or std_no
        elif parse_std_no(std_no):
            # A deleted standard is still in the log under its canonical number.
            std_no = str(parse_std_no(std_no))
        changes = audit.entries(
            catalogue.db, std_no=std_no or None, shas=[sha] if sha else [], limit=1000
        )
    data = {"std": std_no, "changes": [vars(c) for c in changes]}
    if request.args.get("format") == "json":
        return jsonify(data)
    return render_template("audit.html", data=data, list_fields=LIST_FIELDS)
