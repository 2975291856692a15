"""Following another stdsearch: its change export, checked, then applied page by page.

Another platform publishes its change log as pages of JSON lines (`GET
/api/export/changes.jsonl?after=ID&limit=N`): one change a line, then an end line
`{"next": ID}` (or `{"next": null}` on the last page). This module checks a page
(`parse_page`) and applies it (`apply_page`); fetching it over HTTP is the caller's.

* A page is applied in ONE transaction together with the cursor of its source, so a
  source going down mid-sync leaves this catalogue as it was after the last whole page,
  and the next sync resumes from that cursor: each change is applied exactly once.
* A page is refused whole (`ExportRefused`, saying why) when any line is not what the
  export writes: not JSON, a line too long, unknown or missing keys, wrong types,
  ids out of order, values no correction would accept, or no end line.
* For a standard both libraries hold (matched by canonical number), the status, the
  successor, the withdrawal date and the 代替 list the other side published are stored
  as overrides made by the source's URL, with audit and change-log entries naming it as
  their source. Texts are never touched.
* A field a local librarian set wins: the synced value is kept as a conflict instead.
* Standards the other side holds and this one lacks become acquisition candidates.

Statuses the other side derived from its calendar (即将实施 → 现行) are not taken: this
library derives them from the same dates. Its derived 被代替 is (it may hold a successor
this library lacks).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from analyzers.stdno import parse_std_no

from . import audit
from . import changes as change_log
from .audit import Change
from .catalogue import Catalogue, is_synced_source, now_iso
from .corrections import LIST_FIELDS, CorrectionRejected, parse_corrections
from .index_updates import IndexUpdates
from .lookup import load_standard
from .status import REPLACED, WITHDRAWN, update_statuses
from .store import Library

# What a page may hold: changes a line, and how many lines.
MAX_LINE_BYTES = 16 * 1024
MAX_PAGE_CHANGES = 1000
MAX_VALUE_CHARS = 4000
# The keys of a change line and their JSON types (exactly these: no more, no fewer).
KEYS: dict[str, type] = {
    "id": int,
    "at": str,
    "std_no": str,
    "sha256": str,
    "kind": str,
    "field": str,
    "old": str,
    "new": str,
    "source": str,
}
_TYPE_NAMES = {int: "an integer", str: "a string"}
# Fields whose synced values are taken: a standard's lifecycle, never its text.
SYNCED_FIELDS = ("status", "replaced_by", "withdrawn", "replaces")
LIFECYCLE = ("status", "replaced_by", "withdrawn")


class ExportRefused(ValueError):
    """A page that is not a change export of stdsearch: nothing of it is applied."""


@dataclass(frozen=True)
class Page:
    """One checked page: its changes, oldest first, and the cursor after it (None: the
    source has nothing more)."""

    changes: list[change_log.ChangeEvent]
    next: int | None


@dataclass
class SyncResult:
    """What one sync (or one page of it) did."""

    source: str
    cursor: int = 0
    pages: int = 0
    pulled: int = 0
    applied: int = 0
    conflicts: int = 0
    candidates: int = 0
    ignored: int = 0
    applied_changes: list[dict[str, Any]] = field(default_factory=list)

    def add(self, other: SyncResult) -> None:
        self.cursor = other.cursor
        self.pages += other.pages
        self.pulled += other.pulled
        self.applied += other.applied
        self.conflicts += other.conflicts
        self.candidates += other.candidates
        self.ignored += other.ignored
        self.applied_changes += other.applied_changes

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- checking a page --------------------------------------------------------------------


def export_line(event: change_log.ChangeEvent) -> str:
    """One change as the export writes it (and `parse_page` reads it back)."""
    return json.dumps({key: getattr(event, key) for key in KEYS}, ensure_ascii=False)


def end_line(next_cursor: int | None) -> str:
    return json.dumps({"next": next_cursor})


def parse_page(lines: Iterable[bytes | str], after: int) -> Page:
    """Check the lines of one page fetched with `after`: every line but the last a change
    (ids rising, all above `after`), the last `{"next": ID|null}`. Raises ExportRefused."""
    events: list[change_log.ChangeEvent] = []
    end: dict | None = None
    last = after
    for number, raw in enumerate(lines, 1):
        if end is not None:
            raise ExportRefused(f"line {number}: data after the end line")
        if len(raw) > MAX_LINE_BYTES:
            raise ExportRefused(f"line {number}: longer than {MAX_LINE_BYTES} bytes")
        try:
            item = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ExportRefused(f"line {number}: not JSON") from None
        if not isinstance(item, dict):
            raise ExportRefused(f"line {number}: not a JSON object")
        if set(item) == {"next"}:
            end = item
            continue
        if len(events) >= MAX_PAGE_CHANGES:
            raise ExportRefused(f"more than {MAX_PAGE_CHANGES} changes in one page")
        events.append(_event(item, number, last))
        last = events[-1].id
    if end is None:
        raise ExportRefused("no end line: the page was cut short")
    next_cursor = end["next"]
    if next_cursor is not None and (type(next_cursor) is not int or next_cursor < last):
        raise ExportRefused("end line: `next` must be null or the id of the page's last change")
    if next_cursor is not None and not events:
        raise ExportRefused("end line: `next` given for an empty page")
    return Page(events, next_cursor)


def _event(item: dict, number: int, last: int) -> change_log.ChangeEvent:
    unknown = sorted(set(item) - set(KEYS))
    if unknown:
        raise ExportRefused(f"line {number}: unknown keys {', '.join(unknown)}")
    missing = sorted(set(KEYS) - set(item))
    if missing:
        raise ExportRefused(f"line {number}: missing keys {', '.join(missing)}")
    for key, kind in KEYS.items():
        # bool is an int to Python, not to JSON's readers.
        if type(item[key]) is not kind:
            raise ExportRefused(f"line {number}: `{key}` must be {_TYPE_NAMES[kind]}")
        if kind is str and len(item[key]) > MAX_VALUE_CHARS:
            raise ExportRefused(f"line {number}: `{key}` longer than {MAX_VALUE_CHARS}")
    if item["kind"] not in change_log.KINDS:
        raise ExportRefused(f"line {number}: unknown kind of change {item['kind']!r}")
    if item["id"] <= last:
        raise ExportRefused(f"line {number}: change ids must rise above {last}")
    return change_log.ChangeEvent(**item)


# -- applying a page --------------------------------------------------------------------


def cursor_of(db: sqlite3.Connection, source: str) -> int:
    row = db.execute("SELECT cursor FROM sync_sources WHERE url = ?", (source,)).fetchone()
    return int(row[0]) if row else 0


def _wanted(event: change_log.ChangeEvent) -> dict[str, Any]:
    """The lifecycle fields one published change sets, checked as a correction would be
    (raises CorrectionRejected); {} for changes that are not taken."""
    if event.field in SYNCED_FIELDS:
        value: Any = event.new
        if event.field in LIST_FIELDS:
            value = [v for v in event.new.split("; ") if v]
        return parse_corrections({event.field: value})
    if not event.field and event.kind == change_log.REPLACED and event.new:
        return parse_corrections({"status": REPLACED, "replaced_by": event.new})
    return {}


def apply_page(
    library: Library,
    index: IndexUpdates | None,
    source: str,
    page: Page,
    after: int,
    today: date | None = None,
) -> SyncResult:
    """Apply one checked page fetched from `source` with cursor `after`, and advance the
    cursor, in one transaction. Refuses (ExportRefused) a page whose values no correction
    would accept, or when the stored cursor is no longer `after` (another sync ran)."""
    result = SyncResult(source=source, pages=1, pulled=len(page.changes))
    wanted = []
    for event in page.changes:
        try:
            wanted.append(_wanted(event))
        except CorrectionRejected as rejected:
            raise ExportRefused(f"change {event.id}: {rejected}") from None
    touched: set[str] = set()
    with Catalogue(library.catalogue_path) as catalogue, library.write_lock():
        with catalogue.transaction() as db:
            if cursor_of(db, source) != after:
                raise ExportRefused("another sync from this source moved the cursor")
            for event, fields in zip(page.changes, wanted, strict=True):
                touched |= _apply_event(catalogue, source, event, fields, result)
            result.cursor = page.next if page.next is not None else _last(page, after)
            db.execute(
                "INSERT INTO sync_sources (url, cursor, synced_at, applied)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET cursor ="
                " excluded.cursor, synced_at = excluded.synced_at,"
                " applied = applied + excluded.applied",
                (source, result.cursor, now_iso(), result.applied),
            )
        if touched:
            affected = update_statuses(catalogue, today, source=source) | touched
            if index is not None:
                index.update([load_standard(library, catalogue, s) for s in sorted(affected)])
    return result


def _last(page: Page, after: int) -> int:
    return page.changes[-1].id if page.changes else after


def _apply_event(
    catalogue: Catalogue,
    source: str,
    event: change_log.ChangeEvent,
    fields: dict[str, Any],
    result: SyncResult,
) -> set[str]:
    number = parse_std_no(event.std_no)
    shas = catalogue.find(std_no=str(number)) if number else []
    if event.kind in (change_log.NEW_STANDARD, change_log.NEW_EDITION):
        if number and not shas:
            added = catalogue.db.execute(
                "INSERT OR IGNORE INTO sync_candidates (source, std_no, seen_at, change_id)"
                " VALUES (?, ?, ?, ?)",
                (source, str(number), event.at, event.id),
            ).rowcount
            result.candidates += added
        return set()
    if not fields or not shas:
        result.ignored += 1
        return set()
    touched = set()
    for sha in shas:
        for name, value in fields.items():
            if _apply_field(catalogue, source, event, sha, name, value, result):
                touched.add(sha)
    return touched


def _apply_field(
    catalogue: Catalogue,
    source: str,
    event: change_log.ChangeEvent,
    sha: str,
    name: str,
    value: Any,
    result: SyncResult,
) -> bool:
    db = catalogue.db
    metadata = catalogue.metadata(sha) or {}
    std_no = metadata.get("std_no", "")
    row = db.execute(
        "SELECT value, changed_by FROM overrides WHERE sha256 = ? AND field = ?", (sha, name)
    ).fetchone()
    decided = _local_lifecycle_decision(db, sha) if name in LIFECYCLE else None
    if (row is not None and not is_synced_source(row["changed_by"])) or decided:
        local = json.loads(row["value"]) if row is not None else metadata.get(name, "")
        local_by = (
            row["changed_by"]
            if row is not None and not is_synced_source(row["changed_by"])
            else decided
        )
        if local != value:
            db.execute(
                "INSERT OR IGNORE INTO sync_conflicts (source, change_id, sha256, std_no, field,"
                " local_value, local_source, remote_value, remote_source, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    source,
                    event.id,
                    sha,
                    std_no,
                    name,
                    json.dumps(local, ensure_ascii=False),
                    local_by,
                    json.dumps(value, ensure_ascii=False),
                    event.source,
                    now_iso(),
                ),
            )
            result.conflicts += 1
        return False
    if name == "status" and not value and row is None:
        return False  # the status is derived here already
    before = metadata.get(name, [] if name in LIST_FIELDS else "")
    if before == value:
        return False
    if name == "status" and not value:
        catalogue.clear_override(sha, name)
    else:
        catalogue.set_override(sha, name, value, source)
    at = now_iso()
    change = Change(sha, std_no, name, before, value, source, at)
    audit.record(db, [change])
    change_log.record(
        db,
        std_no=std_no,
        sha256=sha,
        kind=_kind(name, value),
        field=name,
        old=before,
        new=value,
        source=source,
        at=at,
    )
    result.applied += 1
    result.applied_changes.append(
        {"change_id": event.id, "std_no": std_no, "field": name, "old": before, "new": value}
    )
    return True


def _local_lifecycle_decision(db: sqlite3.Connection, sha: str) -> str | None:
    """The local librarian who set the standard's status, withdrawal date or successor, if
    one did: these three go together (a status pinned to 现行 with a synced withdrawal date
    would contradict itself), so a local decision on one keeps synced values of all three
    out, as conflicts."""
    marks = ", ".join("?" for _ in LIFECYCLE)
    rows = db.execute(
        f"SELECT changed_by FROM overrides WHERE sha256 = ? AND field IN ({marks})",
        (sha, *LIFECYCLE),
    )
    local = [r[0] for r in rows if not is_synced_source(r[0])]
    return local[0] if local else None


def _kind(name: str, value: Any) -> str:
    if name == "status":
        if value == WITHDRAWN:
            return change_log.WITHDRAWN
        if value == REPLACED:
            return change_log.REPLACED
        return change_log.STATUS_CHANGE
    if name == "replaced_by" and value:
        return change_log.REPLACED
    return change_log.CORRECTION


# -- what a librarian reviews -----------------------------------------------------------


def sources(db: sqlite3.Connection) -> list[dict[str, Any]]:
    rows = db.execute("SELECT url, cursor, synced_at, applied FROM sync_sources ORDER BY url")
    return [dict(r) for r in rows]


def candidates(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Standards a followed platform holds and this library still lacks (one it has
    acquired since drops out)."""
    rows = db.execute(
        "SELECT source, std_no, seen_at, change_id FROM sync_candidates ORDER BY std_no, source"
    ).fetchall()
    held = {r[0] for r in db.execute("SELECT std_no FROM standards")}
    held |= {
        json.loads(r[0]) for r in db.execute("SELECT value FROM overrides WHERE field = 'std_no'")
    }
    return [dict(r) for r in rows if r["std_no"] not in held]


def conflicts(db: sqlite3.Connection, limit: int = 1000) -> list[dict[str, Any]]:
    rows = db.execute(
        "SELECT id, source, change_id, sha256, std_no, field, local_value, local_source,"
        " remote_value, remote_source, at FROM sync_conflicts ORDER BY id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    result = []
    for r in rows:
        item = dict(r)
        item["local_value"] = json.loads(item["local_value"])
        item["remote_value"] = json.loads(item["remote_value"])
        result.append(item)
    return result
