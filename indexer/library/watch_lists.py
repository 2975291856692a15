"""Watch lists: numbers a reader saved from a list check, opened by a private link.

No account is needed: the link's token (`secrets.token_urlsafe(24)`, 192 random bits) is
the key. The catalogue keeps only its SHA-256, so a copy of the catalogue (a backup) opens
no list, and a list is looked up by that digest.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3

from .catalogue import now_iso

TOKEN_BYTES = 24  # 192 bits
MAX_NUMBERS = 1000


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create(db: sqlite3.Connection, numbers: list[str]) -> str:
    """Save the numbers (as typed, order kept, blanks dropped); returns the new token."""
    kept = [n.strip() for n in numbers if n and n.strip()][:MAX_NUMBERS]
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.execute(
        "INSERT INTO watch_lists (token_hash, numbers, created_at) VALUES (?, ?, ?)",
        (_digest(token), json.dumps(kept, ensure_ascii=False), now_iso()),
    )
    return token


def load(db: sqlite3.Connection, token: str) -> tuple[list[str], str] | None:
    """(numbers, created_at) of the list this token opens, or None."""
    if not token or len(token) > 100:
        return None
    row = db.execute(
        "SELECT numbers, created_at FROM watch_lists WHERE token_hash = ?", (_digest(token),)
    ).fetchone()
    if row is None:
        return None
    return json.loads(row[0]), row[1]
