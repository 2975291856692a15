"""The change log: what changed in what the library says of each standard, and when.

Every feed reads this table and nothing else. Each event is written by the code that
makes the change, on the connection and in the transaction of that change, so the log
never tells of a change that was rolled back and never misses one that was committed:
ingest (a new standard, a new edition, a changed file), the statuses derived from the
library and the calendar (被代替 when a later edition arrives, 即将实施 → 现行), and a
librarian's corrections (with the audit entry of the same edit).

`source` says who or what made the change: a librarian's account name, `ingest`, or
`calendar` for statuses that follow from the date (and the start-up check).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from analyzers.stdno import parse_std_no

from .catalogue import now_iso

NEW_STANDARD = "new_standard"
NEW_EDITION = "new_edition"
STATUS_CHANGE = "status_change"
REPLACED = "replaced"
WITHDRAWN = "withdrawn"
CORRECTION = "correction"
KINDS = (NEW_STANDARD, NEW_EDITION, STATUS_CHANGE, REPLACED, WITHDRAWN, CORRECTION)

INGEST = "ingest"
CALENDAR = "calendar"


@dataclass(frozen=True)
class ChangeEvent:
    """One change to one standard. `old` and `new` are text: statuses, numbers (the
    successor of a replaced standard), dates, or a corrected field's values (`field`)."""

    id: int
    at: str
    std_no: str
    sha256: str
    kind: str
    old: str
    new: str
    source: str
    field: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def undated(std_no: str) -> str:
    """The edition family of a number: its canonical form without the year."""
    number = parse_std_no(std_no) if std_no else None
    return number.undated if number else std_no


def as_text(value: Any) -> str:
    """A value of any field as the log keeps it: lists joined with `; `."""
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value)
    return "" if value is None else str(value)


def record(
    db: sqlite3.Connection,
    *,
    std_no: str,
    sha256: str,
    kind: str,
    source: str,
    old: Any = "",
    new: Any = "",
    field: str = "",
    at: str | None = None,
) -> None:
    """Log one change, on the connection (and so inside the transaction) that makes it."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of change: {kind}")
    db.execute(
        "INSERT INTO change_log (at, std_no, undated, sha256, kind, field, old, new, source)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            at or now_iso(),
            std_no,
            undated(std_no),
            sha256,
            kind,
            field,
            as_text(old),
            as_text(new),
            source,
        ),
    )


def since(
    db: sqlite3.Connection,
    cursor: int | str | None = None,
    *,
    families: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[ChangeEvent]:
    """Events after `cursor`: an event id (those after it), or an ISO date or time (those
    at or after it); None for all. `families` keeps the events of those edition families
    (numbers in any spelling, dated or not: a watched `GB 3095-1996` also sees GB 3095-2012
    arrive); `kinds` keeps those kinds. Oldest first, unless `newest_first`; `limit` keeps
    that many from the chosen end."""
    where: list[str] = []
    args: list[Any] = []
    if isinstance(cursor, int):
        where.append("id > ?")
        args.append(cursor)
    elif isinstance(cursor, str) and cursor:
        where.append("at >= ?")
        args.append(cursor)
    if families is not None:
        wanted = sorted({undated(f) for f in families if f})
        if not wanted:
            return []
        where.append(f"undated IN ({', '.join('?' for _ in wanted)})")
        args += wanted
    if kinds is not None:
        wanted_kinds = sorted(set(kinds))
        if not wanted_kinds:
            return []
        where.append(f"kind IN ({', '.join('?' for _ in wanted_kinds)})")
        args += wanted_kinds
    query = "SELECT id, at, std_no, sha256, kind, old, new, source, field FROM change_log"
    if where:
        query += " WHERE " + " AND ".join(where)
    query += " ORDER BY id DESC" if newest_first else " ORDER BY id"
    if limit is not None:
        query += " LIMIT ?"
        args.append(int(limit))
    return [ChangeEvent(**dict(zip(_COLUMNS, row, strict=True))) for row in db.execute(query, args)]


_COLUMNS = ("id", "at", "std_no", "sha256", "kind", "old", "new", "source", "field")


def last_id(db: sqlite3.Connection) -> int:
    """The newest event's id (0 for none): a cursor for `since`."""
    row = db.execute("SELECT max(id) FROM change_log").fetchone()
    return int(row[0] or 0)
