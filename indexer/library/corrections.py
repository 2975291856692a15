"""Librarian corrections to a standard's metadata: checked, stored as overrides, logged.

A correction never touches the stored parse: it becomes an override in the catalogue,
which every read applies on top (so it survives re-ingest and `reindex`), and one audit
entry per changed field. The standard's documents, and those of editions whose status
follows from it, are re-indexed at once, so searches show the change on the next request.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import asdict
from datetime import date
from typing import Any

from analyzers.stdno import parse_std_no

from . import audit
from . import changes as change_log
from .adoption import from_summary
from .audit import Change
from .catalogue import Catalogue, is_override, now_iso
from .feedback import FeedbackStore
from .index_updates import IndexUpdates
from .lookup import load_standard
from .status import REPLACED, STATUSES, WITHDRAWN, update_statuses
from .store import Library

# Fields a librarian may correct, in the order the form shows them.
EDITABLE = (
    "std_no",
    "title_zh",
    "title_en",
    "issued",
    "effective",
    "status",
    "withdrawn",
    "replaces",
    "replaced_by",
    "adopts",
    "ics",
    "ccs",
    "notes",
)
LIST_FIELDS = ("replaces", "ics")
# Follow from the number; corrected with it, so filters and facets agree with it.
NUMBER_FIELDS = ("prefix", "level", "kind", "region")
MAX_LENGTH = {"title_zh": 500, "title_en": 500, "adopts": 200, "notes": 2000}

ICS_PATTERN = re.compile(r"^\d{2}(\.\d{3}(\.\d{2})?)?$")
CCS_PATTERN = re.compile(r"^[A-Z] ?\d{2}$")
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}(-\d{2})?$")
LIST_SPLIT = re.compile(r"[\n;；,，、]+")


class CorrectionRejected(ValueError):
    """Values the librarian must fix first: field → error code (labels say it in words)."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{field}: {code}" for field, code in errors.items()))
        self.errors = errors


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(value: Any) -> list[str]:
    """A list from a form field (one per line, or separated by ; ,) or from JSON."""
    raw = value if isinstance(value, list) else LIST_SPLIT.split(_text(value))
    return [item.strip() for item in raw if isinstance(item, str) and item.strip()]


def _iso_date(text: str, full: bool) -> bool:
    if not DATE_PATTERN.match(text) or (full and len(text) != 10):
        return False
    try:
        date.fromisoformat(text if len(text) == 10 else text + "-01")
    except ValueError:
        return False
    return True


class _Invalid(ValueError):
    """One submitted value its field does not allow, with the error code the form shows."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _std_no(value: Any) -> str:
    number = parse_std_no(_text(value))
    if number is None:
        raise _Invalid("bad_std_no")
    return str(number)


def _std_nos(value: Any) -> list[str]:
    numbers = [parse_std_no(item) for item in _items(value)]
    if None in numbers:
        raise _Invalid("bad_std_no")
    return [str(n) for n in numbers]


def _std_no_or_none(value: Any) -> str:
    """One number, or "" to say there is none."""
    return _std_no(value) if _text(value) else ""


def _date(value: Any, *, full: bool) -> str:
    text = _text(value)
    if text and not _iso_date(text, full=full):
        raise _Invalid("bad_date")
    return text


def _printed_date(value: Any) -> str:
    """Issue and effective dates: `YYYY-MM-DD`, or `YYYY-MM` where only a month is printed."""
    return _date(value, full=False)


def _withdrawal_date(value: Any) -> str:
    """The library records the day a standard was withdrawn."""
    return _date(value, full=True)


def _status(value: Any) -> str:
    """A status the library knows, or "" to let it derive one."""
    text = _text(value)
    if text and text not in STATUSES:
        raise _Invalid("bad_status")
    return text


def _ics_codes(value: Any) -> list[str]:
    codes = _items(value)
    if not all(ICS_PATTERN.match(code) for code in codes):
        raise _Invalid("bad_ics")
    return codes


def _ccs_code(value: Any) -> str:
    text = _text(value).upper()
    if text and not CCS_PATTERN.match(text):
        raise _Invalid("bad_ccs")
    return text


def _free_text(value: Any, limit: int) -> str:
    text = _text(value)
    if len(text) > limit:
        raise _Invalid("too_long")
    return text


# How each field is checked and normalised; the others are free text (see MAX_LENGTH).
_CHECKS: dict[str, Callable[[Any], Any]] = {
    "std_no": _std_no,
    "replaces": _std_nos,
    "replaced_by": _std_no_or_none,
    "issued": _printed_date,
    "effective": _printed_date,
    "withdrawn": _withdrawal_date,
    "status": _status,
    "ics": _ics_codes,
    "ccs": _ccs_code,
}


def _checked(field: str, value: Any) -> Any:
    check = _CHECKS.get(field)
    return check(value) if check else _free_text(value, MAX_LENGTH.get(field, 500))


def parse_corrections(values: Mapping[str, Any]) -> dict[str, Any]:
    """Check and normalise submitted values (only the editable fields present).

    Numbers come back in canonical form, dates as given (ISO `YYYY-MM-DD`, or `YYYY-MM`
    for issue and effective dates printed with a month only), lists as lists. Raises
    `CorrectionRejected` naming every field that is wrong.
    """
    result: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for field in EDITABLE:
        if field not in values:
            continue
        try:
            result[field] = _checked(field, values[field])
        except _Invalid as invalid:
            errors[field] = invalid.code
    if errors:
        raise CorrectionRejected(errors)
    return result


def current_values(metadata: dict[str, Any]) -> dict[str, Any]:
    """What the edit form shows: the standard as read, except that a status the library
    derives shows as "" (derived), so saving the form unchanged does not pin it."""
    values = {}
    for field in EDITABLE:
        default: Any = [] if field in LIST_FIELDS else ""
        values[field] = metadata.get(field) or default
    if not is_override(metadata.get("sources", {}).get("status", "")):
        values["status"] = ""
    return values


def _check_lifecycle(after: dict[str, Any]) -> None:
    if after["status"] == WITHDRAWN and not after["withdrawn"]:
        raise CorrectionRejected({"withdrawn": "withdrawn_needs_date"})
    if after["withdrawn"] and after["status"] != WITHDRAWN:
        raise CorrectionRejected({"withdrawn": "date_needs_withdrawn"})


def _number_fields(std_no: str) -> dict[str, str]:
    number = parse_std_no(std_no)
    return {
        "prefix": number.prefix,
        "level": number.level,
        "kind": number.kind,
        "region": number.region,
    }


def _adoption_change(
    metadata: dict[str, Any], before: dict[str, Any], after: dict[str, Any], user: str, at: str
) -> list[Change]:
    """A corrected `adopts` text corrects the adoption list read from it (filters, facets
    and number searches use the list), as a corrected number corrects its fields."""
    if after["adopts"] == before["adopts"]:
        return []
    derived = [asdict(a) for a in from_summary(after["adopts"])]
    if metadata.get("adoption", []) == derived:
        return []
    sha256, std_no = metadata["sha256"], metadata.get("std_no", "")
    return [Change(sha256, std_no, "adoption", metadata.get("adoption", []), derived, user, at)]


def apply_corrections(
    library: Library,
    index: IndexUpdates,
    sha256: str,
    values: Mapping[str, Any],
    user: str,
    today: date | None = None,
) -> list[Change]:
    """Store a librarian's corrections to one standard and re-index what they affect.

    `values` are submitted values (see `parse_corrections`); fields left out, or equal to
    what the standard already says, change nothing. Returns the changes made.
    """
    corrected = parse_corrections(values)
    with Catalogue(library.catalogue_path) as catalogue:
        metadata = catalogue.metadata(sha256)
        if metadata is None:
            raise LookupError(sha256)
        before = current_values(metadata)
        after = {**before, **corrected}
        _check_lifecycle(after)
        std_no, at = metadata.get("std_no", ""), now_iso()
        changes = [
            Change(sha256, std_no, field, before[field], after[field], user, at)
            for field in EDITABLE
            if after[field] != before[field]
        ]
        if after["std_no"] != before["std_no"]:
            if set(catalogue.find(std_no=after["std_no"])) - {sha256}:
                raise CorrectionRejected({"std_no": "std_no_taken"})
            changes += [
                Change(sha256, std_no, field, metadata.get(field, ""), value, user, at)
                for field, value in _number_fields(after["std_no"]).items()
                if metadata.get(field, "") != value
            ]
        changes += _adoption_change(metadata, before, after, user, at)
        if not changes:
            return []
        feedback = FeedbackStore(catalogue.db)
        # The write lock first: should a reindex keep it too long (`IndexBusy`), nothing
        # is committed and the librarian is told to try again, rather than the catalogue
        # changing while the index keeps the old values, which the start-up check (it
        # compares which standards are indexed, not their fields) would never notice.
        with library.write_lock():
            with catalogue.transaction() as db:
                for change in changes:
                    if change.field == "status" and not change.new_value:
                        catalogue.clear_override(sha256, "status")
                    else:
                        catalogue.set_override(sha256, change.field, change.new_value, user)
                if after["std_no"] != before["std_no"]:
                    feedback.renumber(before["std_no"], after["std_no"])
                audit.record(db, changes)
                _log_changes(db, changes, after["std_no"], user, metadata.get("status", ""))
            # Other editions' statuses follow from this one's number, dates and links.
            affected = update_statuses(catalogue, today, source=user) | {sha256}
            index.update([load_standard(library, catalogue, sha) for sha in sorted(affected)])
    return changes


def _change_kind(change: Change) -> str:
    """How the change log names a librarian's change: a status set to 废止 or 被代替, a
    new successor, another status, or a correction of any other field."""
    if change.field == "status":
        if change.new_value == WITHDRAWN:
            return change_log.WITHDRAWN
        if change.new_value == REPLACED:
            return change_log.REPLACED
        return change_log.STATUS_CHANGE
    if change.field == "replaced_by" and change.new_value:
        return change_log.REPLACED
    return change_log.CORRECTION


def _log_changes(db, made: list[Change], std_no: str, user: str, status: str) -> None:
    """The edit's changes in the change log, in its transaction, under the number the
    standard has after it (so lists watching that number see them). A status the library
    derived shows as "" in the form; the log names the status the reader saw."""
    for change in made:
        old = change.old_value
        if change.field == "status" and not old:
            old = status
        change_log.record(
            db,
            std_no=std_no,
            sha256=change.sha256,
            kind=_change_kind(change),
            field=change.field,
            old=old,
            new=change.new_value,
            source=user,
            at=change.changed_at,
        )
