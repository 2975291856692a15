"""Librarian accounts, API tokens and the login throttle, kept in the catalogue database.

Searchers need no account; only librarians (who change the library) sign in. Passwords
are stored as werkzeug's salted scrypt/pbkdf2 hashes and tokens as SHA-256 digests, so a
copy of the catalogue gives away neither. Failed logins are counted per name and per
client address, so guessing is slowed down without letting a stranger lock a librarian
out from everywhere. Each librarian has a session stamp, held by the session cookies
signed in since it was last replaced: signing out, a new password or removing the user
ends every session at once, on the server's side.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from .schema import migrate

NAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{1,64}$")
MIN_PASSWORD = 8
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
# Token scopes: a write token acts as its librarian; a read token only reads the API, at
# the higher rate limit, for programs a librarian lets in (e.g. another platform).
WRITE = "write"
READ = "read"
SCOPES = (WRITE, READ)


class AccountError(ValueError):
    """A request about accounts that cannot be granted, in words for the librarian."""


@dataclass(frozen=True)
class Token:
    name: str
    label: str
    created_at: str
    scope: str = WRITE


def _now() -> datetime:
    return datetime.now(UTC)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """The account tables of one library's catalogue (`catalogue.sqlite`)."""

    def __init__(self, path: Path):
        self.db = sqlite3.connect(path, timeout=30, check_same_thread=False)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA foreign_keys = ON")
        self.db.execute("PRAGMA busy_timeout = 30000")
        migrate(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Accounts:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- users -----------------------------------------------------------------

    def add_user(self, name: str, password: str) -> None:
        if not NAME_PATTERN.match(name):
            raise AccountError("user names use letters, digits, '.', '_', '-' or '@' (≤ 64)")
        _check_password(password)
        try:
            with self.db:
                self.db.execute(
                    "INSERT INTO users (name, password_hash, created_at, session_stamp)"
                    " VALUES (?, ?, ?, ?)",
                    (
                        name,
                        generate_password_hash(password),
                        _now().isoformat(timespec="seconds"),
                        _new_stamp(),
                    ),
                )
        except sqlite3.IntegrityError:
            raise AccountError(f"user {name!r} already exists") from None

    def set_password(self, name: str, password: str) -> None:
        _check_password(password)
        with self.db:
            # Whoever changes a password may be shutting out someone who learnt the old
            # one: the sessions signed in with it end too.
            changed = self.db.execute(
                "UPDATE users SET password_hash = ?, session_stamp = ? WHERE name = ?",
                (generate_password_hash(password), _new_stamp(), name),
            ).rowcount
        if not changed:
            raise AccountError(f"no user {name!r}")

    def remove_user(self, name: str) -> None:
        with self.db:
            if not self.db.execute("DELETE FROM users WHERE name = ?", (name,)).rowcount:
                raise AccountError(f"no user {name!r}")

    def session_stamp(self, name: str) -> str | None:
        """The value a session of `name` must hold to be valid; None when there is no
        such user (removed since the session began)."""
        row = self.db.execute("SELECT session_stamp FROM users WHERE name = ?", (name,)).fetchone()
        return row["session_stamp"] if row else None

    def end_sessions(self, name: str) -> None:
        """Every session of `name`, on every browser, ends now: the stamp they hold is
        replaced. Signing out calls it, so a copy of the cookie is worthless after."""
        with self.db:
            self.db.execute(
                "UPDATE users SET session_stamp = ? WHERE name = ?", (_new_stamp(), name)
            )

    def users(self) -> list[str]:
        return [r["name"] for r in self.db.execute("SELECT name FROM users ORDER BY name")]

    def verify_password(self, name: str, password: str) -> bool:
        row = self.db.execute("SELECT password_hash FROM users WHERE name = ?", (name,)).fetchone()
        if row is None:
            # Spend the same time as for a real user, so names cannot be probed by timing.
            check_password_hash(_dummy_hash(), password)
            return False
        return check_password_hash(row["password_hash"], password)

    # -- login throttle --------------------------------------------------------

    def begin_attempt(self, name: str, address: str) -> bool:
        """Whether a sign-in as `name` from `address` may be tried now. An attempt allowed
        is counted as a failure before its password is checked (`clear_failures` takes it
        back when the password is right): counting and recording are one write
        transaction, so guesses sent in parallel cannot all pass the check before any of
        them is recorded."""
        now = _now()
        cutoff = (now - FAILURE_WINDOW).isoformat(timespec="seconds")
        self.db.execute("BEGIN IMMEDIATE")
        try:
            self.db.execute("DELETE FROM failed_logins WHERE at < ?", (cutoff,))
            (count,) = self.db.execute(
                "SELECT COUNT(*) FROM failed_logins WHERE name = ? AND address = ?",
                (name, address),
            ).fetchone()
            allowed = count < MAX_FAILURES
            if allowed:
                self.db.execute(
                    "INSERT INTO failed_logins (name, address, at) VALUES (?, ?, ?)",
                    (name, address, now.isoformat(timespec="seconds")),
                )
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")
        return allowed

    def clear_failures(self, name: str, address: str) -> None:
        with self.db:
            self.db.execute(
                "DELETE FROM failed_logins WHERE name = ? AND address = ?", (name, address)
            )

    # -- API tokens ------------------------------------------------------------

    def create_token(self, name: str, label: str = "", scope: str = WRITE) -> str:
        """A new token for scripts; only its digest is kept, so it is shown once."""
        if name not in self.users():
            raise AccountError(f"no user {name!r}")
        if scope not in SCOPES:
            raise AccountError(f"no token scope {scope!r}")
        token = ("sst_" if scope == WRITE else "ssr_") + secrets.token_urlsafe(32)
        with self.db:
            self.db.execute(
                "INSERT INTO api_tokens (token_hash, name, label, created_at, scope)"
                " VALUES (?, ?, ?, ?, ?)",
                (_digest(token), name, label, _now().isoformat(timespec="seconds"), scope),
            )
        return token

    def token_grant(self, token: str) -> tuple[str, str] | None:
        """(librarian, scope) of a valid token."""
        row = self.db.execute(
            "SELECT name, scope FROM api_tokens WHERE token_hash = ?", (_digest(token),)
        ).fetchone()
        return (row["name"], row["scope"]) if row else None

    def token_user(self, token: str) -> str | None:
        """The librarian a write token acts as; None for a read token."""
        grant = self.token_grant(token)
        return grant[0] if grant and grant[1] == WRITE else None

    def tokens(self, name: str) -> list[Token]:
        rows = self.db.execute(
            "SELECT name, label, created_at, scope FROM api_tokens WHERE name = ?"
            " ORDER BY created_at",
            (name,),
        )
        return [Token(**dict(r)) for r in rows]

    def revoke_tokens(self, name: str, label: str | None = None) -> int:
        query, args = "DELETE FROM api_tokens WHERE name = ?", [name]
        if label is not None:
            query += " AND label = ?"
            args.append(label)
        with self.db:
            return self.db.execute(query, args).rowcount


def _new_stamp() -> str:
    return secrets.token_hex(16)


# The passwords tried first by anyone guessing (lower-cased); a librarian choosing one of
# these is told so rather than protected by the throttle alone.
COMMON_PASSWORDS = frozenset(
    {
        "password", "password1", "password123", "passw0rd", "12345678", "123456789",
        "1234567890", "87654321", "11111111", "qwertyui", "qwerty123", "qwertyuiop",
        "1qaz2wsx", "abcd1234", "abc12345", "iloveyou", "admin123", "administrator",
        "letmein1", "welcome1", "sunshine", "football", "baseball", "princess",
        "librarian", "stdsearch", "changeme", "88888888", "66666666", "woaini1314",
    }
)  # fmt: skip


def _check_password(password: str) -> None:
    """Refuse what a guesser tries first: too short once the blanks at its ends are set
    aside, one character repeated, or one of the commonest passwords."""
    stripped = password.strip()
    if len(stripped) < MIN_PASSWORD:
        raise AccountError(f"passwords need at least {MIN_PASSWORD} characters besides blanks")
    if len(set(stripped)) == 1:
        raise AccountError("a password of one character repeated is too easy to guess")
    if stripped.lower() in COMMON_PASSWORDS:
        raise AccountError("that password is among the first any guesser tries; choose another")


@cache
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_hex(16))
