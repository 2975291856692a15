"""Writes a search cluster owes the library, and the numbers it knows standards by.

The catalogue is the system of record and the cluster's index is derived from it. When a
shard is down, a write to it fails after the catalogue has committed; the standard is
then put in the outbox here, and written again (from the library, so in its latest state)
once the shard answers. `stdsearch stats` and the librarian page show what is waiting.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .catalogue import now_iso
from .schema import migrate


@dataclass(frozen=True)
class Owed:
    sha256: str
    removed: bool  # the standard's documents are to be deleted, not written
    queued_at: str
    attempts: int
    last_error: str


class Outbox:
    """The outbox and the cluster numbers, in one catalogue file."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None)
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def numbers(self, shas: Iterable[str]) -> dict[str, int]:
        """Each standard's cluster number, given one on first asking."""
        shas = list(dict.fromkeys(shas))
        with self.db:
            self.db.executemany(
                "INSERT OR IGNORE INTO cluster_ids (sha256) VALUES (?)", [(s,) for s in shas]
            )
        found: dict[str, int] = {}
        for start in range(0, len(shas), 500):
            chunk = shas[start : start + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT sha256, id FROM cluster_ids WHERE sha256 IN ({marks})", chunk
            )
            found.update(rows)
        return found

    def number(self, sha256: str) -> int | None:
        """A standard's cluster number, None when it never had one."""
        row = self.db.execute("SELECT id FROM cluster_ids WHERE sha256 = ?", (sha256,)).fetchone()
        return row[0] if row else None

    def owe(self, shas: Iterable[str], removed: bool, error: str) -> None:
        """These standards still have to be written (or deleted) in the cluster."""
        with self.db:
            self.db.executemany(
                """INSERT INTO outbox (sha256, removed, queued_at, attempts, last_error)
                   VALUES (?, ?, ?, 1, ?)
                   ON CONFLICT(sha256) DO UPDATE SET removed = excluded.removed,
                       attempts = attempts + 1, last_error = excluded.last_error""",
                [(sha, int(removed), now_iso(), error[:500]) for sha in shas],
            )

    def owed(self) -> list[Owed]:
        rows = self.db.execute(
            "SELECT sha256, removed, queued_at, attempts, last_error FROM outbox ORDER BY queued_at"
        )
        return [
            Owed(sha, bool(removed), at, attempts, error)
            for sha, removed, at, attempts, error in rows
        ]

    def paid(self, shas: Iterable[str]) -> None:
        """These standards are in the cluster as the catalogue has them."""
        with self.db:
            self.db.executemany("DELETE FROM outbox WHERE sha256 = ?", [(s,) for s in shas])

    def pending(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM outbox").fetchone()[0]
