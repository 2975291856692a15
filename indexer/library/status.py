"""Lifecycle status of every standard, derived from what the library holds.

Status is not printed in a PDF: it follows from the effective date and from the other
editions in the library, so it is recomputed for the whole catalogue after every batch
(and at start-up, because 即将实施 turns into 现行 with the calendar).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from analyzers.stdno import parse_std_no

from . import changes
from .catalogue import Catalogue, is_override

CURRENT = "现行"
UPCOMING = "即将实施"
REPLACED = "被代替"
WITHDRAWN = "废止"
STATUSES = (CURRENT, UPCOMING, REPLACED, WITHDRAWN)


def _undated_and_year(std_no: str) -> tuple[str, int]:
    number = parse_std_no(std_no) if std_no else None
    if number is None:
        return std_no, 0
    return number.undated, int(number.year or 0)


def derive_statuses(entries: list[dict[str, Any]], today: date) -> dict[str, tuple[str, str]]:
    """Map sha256 → (status, replaced_by) for catalogue entries (metadata dicts).

    A librarian's explicit status always wins. Otherwise: 被代替 when the library holds a
    later edition (same prefix and number, later year) or a standard whose 代替 list names
    this one; 即将实施 when the effective date is still ahead; else 现行.
    """
    by_undated: dict[str, list[tuple[int, str]]] = {}
    replaced_by: dict[str, str] = {}
    for entry in entries:
        undated, year = _undated_and_year(entry.get("std_no", ""))
        if year:
            by_undated.setdefault(undated, []).append((year, entry["std_no"]))
        for old in entry.get("replaces", []) or []:
            replaced_by.setdefault(old, entry["std_no"])
    result = {}
    for entry in entries:
        std_no = entry.get("std_no", "")
        newer = replaced_by.get(std_no, "")
        undated, year = _undated_and_year(std_no)
        if not newer and year:
            later = sorted(e for e in by_undated.get(undated, []) if e[0] > year)
            newer = later[0][1] if later else ""
        # A librarian's successor counts as a later edition the library need not hold.
        if is_override(entry.get("sources", {}).get("replaced_by", "")):
            newer = entry.get("replaced_by", "")
        if is_override(entry.get("sources", {}).get("status", "")) and entry.get("status"):
            status = entry["status"]
        elif newer:
            status = REPLACED
        elif (
            entry.get("effective", "") > today.isoformat() and len(entry.get("effective", "")) == 10
        ):
            status = UPCOMING
        else:
            status = CURRENT
        result[entry["sha256"]] = (status, newer)
    return result


def apply_statuses(
    catalogue: Catalogue, entries: list[dict], today: date, source: str = changes.CALENDAR
) -> set[str]:
    """Store the derived statuses that changed, each logged in the change log as made by
    `source` (call it inside the caller's transaction); returns the shas that changed."""
    derived = derive_statuses(entries, today)
    changed = set()
    for entry in entries:
        status, replaced_by = derived[entry["sha256"]]
        if entry.get("status") != status or entry.get("replaced_by", "") != replaced_by:
            catalogue.set_derived(entry["sha256"], status, replaced_by)
            _log_status(catalogue, entry, status, replaced_by, source)
            changed.add(entry["sha256"])
    return changed


def _log_status(
    catalogue: Catalogue, entry: dict, status: str, replaced_by: str, source: str
) -> None:
    """A derived status in the change log. A new entry's first status is part of its
    arrival (logged as a new standard or edition), not a change."""
    before, before_by = entry.get("status", ""), entry.get("replaced_by", "")
    if not before:
        return
    std_no, sha = entry.get("std_no", ""), entry["sha256"]
    if status == REPLACED and (before != REPLACED or before_by != replaced_by):
        old = before_by if before == REPLACED else before
        kind, new = changes.REPLACED, replaced_by
    elif status != before:
        kind, old, new = changes.STATUS_CHANGE, before, status
    else:
        return
    changes.record(
        catalogue.db, std_no=std_no, sha256=sha, kind=kind, old=old, new=new, source=source
    )


def update_statuses(
    catalogue: Catalogue, today: date | None = None, source: str = changes.CALENDAR
) -> set[str]:
    """Every standard's status in the catalogue; returns the shas that changed."""
    with catalogue.transaction():
        entries = catalogue.all_metadata()
        return apply_statuses(catalogue, entries, today or date.today(), source)
