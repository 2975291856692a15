"""Implementation feedback (标准实施信息反馈): what readers report about a clause in use.

Any visitor may leave feedback on a clause; librarians work through the open items and
mark them resolved. Items are kept by standard number and clause number, the way
readers cite them, so they stay attached when a changed file replaces the entry. The
client address is kept only as a salted digest: enough to rate-limit, nothing to show.
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .catalogue import now_iso
from .schema import migrate

MAX_TEXT = 2000
MAX_CONTACT = 200
TOO_MANY = "too_much_feedback"


@dataclass(frozen=True)
class Feedback:
    id: int
    std_no: str
    clause_no: str
    text: str
    contact: str
    created_at: str
    resolved_at: str | None
    resolved_by: str | None


class FeedbackRejected(ValueError):
    """Feedback that cannot be stored as sent; `code` names the reason for the label."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def client_digest(address: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}:{address}".encode()).hexdigest()


def check_feedback(text: str, contact: str) -> tuple[str, str]:
    text, contact = text.strip(), contact.strip()
    if not text:
        raise FeedbackRejected("feedback_empty")
    if len(text) > MAX_TEXT:
        raise FeedbackRejected("feedback_too_long")
    if len(contact) > MAX_CONTACT:
        raise FeedbackRejected("contact_too_long")
    return text, contact


class FeedbackStore:
    """The feedback table of one library's catalogue."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        migrate(self.db)

    def recent_from(self, client: str, window: timedelta) -> int:
        since = (datetime.now(UTC) - window).isoformat(timespec="seconds")
        (count,) = self.db.execute(
            "SELECT COUNT(*) FROM feedback WHERE client = ? AND created_at >= ?", (client, since)
        ).fetchone()
        return count

    def add(
        self,
        std_no: str,
        clause_no: str,
        text: str,
        contact: str,
        client: str,
        rate: tuple[int, timedelta] | None = None,
    ) -> int:
        """Store one item; with `rate` (n, window), refuse the client's (n+1)th in the
        window. Count and insert share one write transaction, so parallel posts cannot
        both slip under the limit."""
        text, contact = check_feedback(text, contact)
        self.db.execute("BEGIN IMMEDIATE")
        try:
            if rate is not None and self.recent_from(client, rate[1]) >= rate[0]:
                raise FeedbackRejected(TOO_MANY)
            cursor = self.db.execute(
                "INSERT INTO feedback (std_no, clause_no, text, contact, client, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (std_no, clause_no, text, contact, client, now_iso()),
            )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return cursor.lastrowid

    def open_count(self, std_no: str, clause_no: str) -> int:
        (count,) = self.db.execute(
            "SELECT COUNT(*) FROM feedback WHERE std_no = ? AND clause_no = ?"
            " AND resolved_at IS NULL",
            (std_no, clause_no),
        ).fetchone()
        return count

    def items(self, *, resolved: bool = False, std_no: str | None = None) -> list[Feedback]:
        """Open items oldest first (a queue); resolved ones newest first."""
        query = "SELECT * FROM feedback WHERE resolved_at IS " + (
            "NOT NULL" if resolved else "NULL"
        )
        args: list[str] = []
        if std_no:
            query += " AND std_no = ?"
            args.append(std_no)
        query += " ORDER BY id DESC" if resolved else " ORDER BY id"
        return [
            Feedback(**{k: r[k] for k in Feedback.__dataclass_fields__})
            for r in self.db.execute(query + " LIMIT 1000", args)
        ]

    def renumber(self, old: str, new: str) -> None:
        """A corrected standard number takes its feedback along."""
        self.db.execute("UPDATE feedback SET std_no = ? WHERE std_no = ?", (new, old))

    def resolve(self, item_id: int, user: str) -> bool:
        """False when there is no such open item."""
        cursor = self.db.execute(
            "UPDATE feedback SET resolved_at = ?, resolved_by = ? WHERE id = ?"
            " AND resolved_at IS NULL",
            (now_iso(), user, item_id),
        )
        return cursor.rowcount == 1
