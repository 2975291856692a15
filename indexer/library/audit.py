"""The audit log: every librarian change to the library, kept for good.

Overrides hold only a field's latest value; this table keeps who changed what, when,
from which value to which, so a wrong correction can be traced and undone. Deleting a
standard is logged here too (field `deleted`), since its catalogue row is gone after.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from .catalogue import now_iso


@dataclass(frozen=True)
class Change:
    """One field of one standard changed by one librarian."""

    sha256: str
    std_no: str
    field: str
    old_value: Any
    new_value: Any
    changed_by: str = ""
    changed_at: str = ""


def record(db: sqlite3.Connection, changes: list[Change]) -> None:
    """Log changes (inside the caller's transaction, so the log and the edit agree)."""
    db.executemany(
        "INSERT INTO audit_log (sha256, std_no, field, old_value, new_value, changed_by,"
        " changed_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (
                c.sha256,
                c.std_no,
                c.field,
                json.dumps(c.old_value, ensure_ascii=False),
                json.dumps(c.new_value, ensure_ascii=False),
                c.changed_by,
                c.changed_at or now_iso(),
            )
            for c in changes
        ],
    )


def entries(
    db: sqlite3.Connection,
    *,
    std_no: str | None = None,
    shas: list[str] = (),
    limit: int = 500,
) -> list[Change]:
    """Newest first; with `std_no`, the changes of that standard under any number it had."""
    query = "SELECT * FROM audit_log"
    args: list[Any] = []
    if std_no is not None:
        marks = ", ".join("?" for _ in shas)
        query += f" WHERE std_no = ? OR sha256 IN ({marks})" if shas else " WHERE std_no = ?"
        args = [std_no, *shas]
    query += " ORDER BY id DESC LIMIT ?"
    rows = db.execute(query, [*args, limit]).fetchall()
    return [
        Change(
            sha256=r["sha256"],
            std_no=r["std_no"],
            field=r["field"],
            old_value=json.loads(r["old_value"]),
            new_value=json.loads(r["new_value"]),
            changed_by=r["changed_by"],
            changed_at=r["changed_at"],
        )
        for r in rows
    ]


def std_no_of_trashed(db: sqlite3.Connection, sha256: str) -> str:
    """The number a deleted standard had, for the trash listing."""
    row = db.execute(
        "SELECT std_no FROM audit_log WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
    ).fetchone()
    return row["std_no"] if row else ""
