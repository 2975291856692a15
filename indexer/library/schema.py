"""The tables of the catalogue (`catalogue.sqlite`), and how a catalogue written by an
earlier stdsearch is brought up to them.

Several modules keep rows in the catalogue: the standards and their ingest log
(catalogue.py), the audit log, implementation feedback, librarian accounts and the
upload queue. None of them creates or alters a table; each calls `migrate` when it opens
the file. The catalogue's version is SQLite's `PRAGMA user_version`: version n has had
the first n entries of `MIGRATIONS` applied. A catalogue that is current costs one
PRAGMA read; an older one is upgraded in one write transaction, so a process either
sees the whole upgrade or none of it.

To change the tables, append a migration (never edit one that has shipped: catalogues
out there have already run it) and say in its docstring what it adds and why.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable

# The tables of catalogue.py: one row per ingested original with its metadata as JSON,
# the normative citations and 代替 lists (for cited-by and edition look-ups), librarian
# overrides re-applied on every read, and the log of every ingest.
STANDARDS = (
    """CREATE TABLE IF NOT EXISTS standards (
        sha256      TEXT PRIMARY KEY,
        std_no      TEXT NOT NULL,
        source_file TEXT NOT NULL,
        status      TEXT NOT NULL DEFAULT '',
        metadata    TEXT NOT NULL,
        ingested_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS standards_std_no ON standards(std_no)",
    """CREATE TABLE IF NOT EXISTS citations (
        sha256   TEXT NOT NULL,
        cited    TEXT NOT NULL,
        undated  TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS citations_undated ON citations(undated)",
    """CREATE TABLE IF NOT EXISTS replacements (
        sha256   TEXT NOT NULL,
        replaced TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS replacements_replaced ON replacements(replaced)",
    """CREATE TABLE IF NOT EXISTS overrides (
        sha256     TEXT NOT NULL,
        field      TEXT NOT NULL,
        value      TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        PRIMARY KEY (sha256, field)
    )""",
    """CREATE TABLE IF NOT EXISTS ingest_log (
        id       INTEGER PRIMARY KEY AUTOINCREMENT,
        file     TEXT NOT NULL,
        sha256   TEXT,
        at       TEXT NOT NULL,
        outcome  TEXT NOT NULL,
        reason   TEXT NOT NULL DEFAULT ''
    )""",
)

# audit.py: every librarian change, kept for good; looked up by number and by file.
AUDIT = (
    """CREATE TABLE IF NOT EXISTS audit_log (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        sha256     TEXT NOT NULL,
        std_no     TEXT NOT NULL,
        field      TEXT NOT NULL,
        old_value  TEXT NOT NULL,
        new_value  TEXT NOT NULL,
        changed_by TEXT NOT NULL,
        changed_at TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS audit_log_std_no ON audit_log(std_no)",
    "CREATE INDEX IF NOT EXISTS audit_log_sha256 ON audit_log(sha256)",
)

# feedback.py: readers' reports on clauses; indexed for a clause's open items and for
# the per-client rate limit.
FEEDBACK = (
    """CREATE TABLE IF NOT EXISTS feedback (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        std_no      TEXT NOT NULL,
        clause_no   TEXT NOT NULL,
        text        TEXT NOT NULL,
        contact     TEXT NOT NULL DEFAULT '',
        client      TEXT NOT NULL,
        created_at  TEXT NOT NULL,
        resolved_at TEXT,
        resolved_by TEXT
    )""",
    "CREATE INDEX IF NOT EXISTS feedback_clause ON feedback(std_no, clause_no, resolved_at)",
    "CREATE INDEX IF NOT EXISTS feedback_client ON feedback(client, created_at)",
)

# accounts.py: librarians, their API tokens (gone with the user) and the login throttle.
ACCOUNTS = (
    """CREATE TABLE IF NOT EXISTS users (
        name          TEXT PRIMARY KEY,
        password_hash TEXT NOT NULL,
        created_at    TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS api_tokens (
        token_hash TEXT PRIMARY KEY,
        name       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
        label      TEXT NOT NULL DEFAULT '',
        created_at TEXT NOT NULL
    )""",
    """CREATE TABLE IF NOT EXISTS failed_logins (
        name    TEXT NOT NULL,
        address TEXT NOT NULL,
        at      TEXT NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS failed_logins_at ON failed_logins(at)",
)

# The web site's upload queue (search_app/web/uploads.py): one row per uploaded file,
# its state, and how far its parse has got while it is parsed.
UPLOADS = (
    """CREATE TABLE IF NOT EXISTS uploads (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        batch          TEXT NOT NULL,
        file           TEXT NOT NULL,
        sha256         TEXT NOT NULL DEFAULT '',
        pages          INTEGER NOT NULL DEFAULT 0,
        state          TEXT NOT NULL,
        reason         TEXT NOT NULL DEFAULT '',
        std_no         TEXT NOT NULL DEFAULT '',
        uploaded_by    TEXT NOT NULL,
        created_at     TEXT NOT NULL,
        updated_at     TEXT NOT NULL,
        progress_stage TEXT NOT NULL DEFAULT '',
        progress_done  INTEGER NOT NULL DEFAULT 0,
        progress_total INTEGER NOT NULL DEFAULT 0
    )""",
    "CREATE INDEX IF NOT EXISTS uploads_batch ON uploads(batch)",
    "CREATE INDEX IF NOT EXISTS uploads_state ON uploads(state)",
)

# The uploads columns that came after the table first shipped, as they are defined above
# (progress_stage is "OCR", or '' when there is nothing to tell).
UPLOAD_PROGRESS_COLUMNS = {
    "progress_stage": "TEXT NOT NULL DEFAULT ''",
    "progress_done": "INTEGER NOT NULL DEFAULT 0",
    "progress_total": "INTEGER NOT NULL DEFAULT 0",
}


class CatalogueTooNew(RuntimeError):
    """The catalogue was written by a newer stdsearch, whose tables this one does not
    know; it is left exactly as it was."""

    def __init__(self, path: str, found: int, known: int):
        super().__init__(
            f"the catalogue {path or '(in memory)'} was written by a newer stdsearch"
            f" (catalogue version {found}; this stdsearch knows versions up to {known})."
            " It has not been changed. Upgrade stdsearch on this machine to use this"
            " library, or restore a backup made with this version."
        )
        self.path, self.found, self.known = path, found, known


# -- the migrations, oldest first --------------------------------------------------------


def tables_of_the_first_releases(db: sqlite3.Connection) -> None:
    """Version 1: every table and index the catalogue had when it started to be versioned.

    Before, each module created its own tables on opening, so a catalogue at version 0
    may have some of them or all: IF NOT EXISTS keeps what is there, rows included, and
    adds the rest. The first uploads table lacked the progress columns, which the release
    before versioning added on opening; they are added wherever they are missing."""
    for statement in (*STANDARDS, *AUDIT, *FEEDBACK, *ACCOUNTS, *UPLOADS):
        db.execute(statement)
    have = {row[1] for row in db.execute("PRAGMA table_info(uploads)")}
    for name, definition in UPLOAD_PROGRESS_COLUMNS.items():
        if name not in have:
            db.execute(f"ALTER TABLE uploads ADD COLUMN {name} {definition}")


def cluster_numbers_and_outbox(db: sqlite3.Connection) -> None:
    """Version 2: what a search cluster needs of the system of record (outbox.py).

    `cluster_ids` gives each standard a small number, the high bits of its documents' row
    ids in the cluster (which wants integer ids; a SHA-256 is too long). `outbox` keeps
    the standards a cluster write did not reach (a shard was down), to be written again
    when it is back: the catalogue has them, the cluster must not lose them."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS cluster_ids (
            id     INTEGER PRIMARY KEY AUTOINCREMENT,
            sha256 TEXT NOT NULL UNIQUE
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS outbox (
            sha256     TEXT PRIMARY KEY,
            removed    INTEGER NOT NULL DEFAULT 0,
            queued_at  TEXT NOT NULL,
            attempts   INTEGER NOT NULL DEFAULT 0,
            last_error TEXT NOT NULL DEFAULT ''
        )"""
    )


def session_stamps(db: sqlite3.Connection) -> None:
    """Version 3: `users.session_stamp`, a random value copied into a librarian's session
    cookie at sign-in and compared on every request (accounts.py). Signing out, a new
    password and removing the user replace or drop it, so a cookie saved before then opens
    nothing. A random value rather than a counter: a user removed and added again under the
    same name starts from a stamp no old cookie holds. Each existing user gets one now."""
    db.execute("ALTER TABLE users ADD COLUMN session_stamp TEXT NOT NULL DEFAULT ''")
    db.execute("UPDATE users SET session_stamp = lower(hex(randomblob(16)))")


# -- change log and watch lists -----------------------------------------------------------


def change_log_and_watch_lists(db: sqlite3.Connection) -> None:
    """Version 4: `change_log`, every change to what the library says of a standard (a new
    standard or edition, a status, a successor, a librarian's correction), written in the
    transaction that makes the change (changes.py); the one source of every feed. `undated`
    is the number without its year, so a list watching a number sees its new editions.
    `watch_lists` keeps the numbers of each saved list under the SHA-256 of its private
    token (watch_lists.py): the catalogue never holds the token that opens a list.

    A library ingested before has its standards logged as they arrived (new standards,
    at their ingest time), so its feeds start with what it holds rather than empty."""
    from analyzers.stdno import parse_std_no

    db.execute(
        """CREATE TABLE IF NOT EXISTS change_log (
            id      INTEGER PRIMARY KEY AUTOINCREMENT,
            at      TEXT NOT NULL,
            std_no  TEXT NOT NULL,
            undated TEXT NOT NULL,
            sha256  TEXT NOT NULL,
            kind    TEXT NOT NULL,
            field   TEXT NOT NULL DEFAULT '',
            old     TEXT NOT NULL DEFAULT '',
            new     TEXT NOT NULL DEFAULT '',
            source  TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS change_log_undated ON change_log(undated, id)")
    db.execute("CREATE INDEX IF NOT EXISTS change_log_at ON change_log(at)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS watch_lists (
            token_hash TEXT PRIMARY KEY,
            numbers    TEXT NOT NULL,
            created_at TEXT NOT NULL
        )"""
    )
    rows = db.execute(
        "SELECT sha256, std_no, ingested_at FROM standards ORDER BY ingested_at, std_no"
    ).fetchall()
    for sha256, std_no, ingested_at in rows:
        number = parse_std_no(std_no) if std_no else None
        db.execute(
            "INSERT INTO change_log (at, std_no, undated, sha256, kind, new, source)"
            " VALUES (?, ?, ?, ?, 'new_standard', ?, 'ingest')",
            (ingested_at, std_no, number.undated if number else std_no, sha256, std_no),
        )


def sync_sources_candidates_conflicts(db: sqlite3.Connection) -> None:
    """Version 5: following another stdsearch (`stdsearch sync`). `sync_sources` keeps a
    cursor per followed platform (the id of the last change applied from it, advanced in
    the transaction that applies a page); `sync_candidates` the standards it holds and
    this library lacks; `sync_conflicts` the synced values a local librarian's decision
    kept out, with both values and their sources."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS sync_sources (
            url        TEXT PRIMARY KEY,
            cursor     INTEGER NOT NULL DEFAULT 0,
            synced_at  TEXT NOT NULL DEFAULT '',
            applied    INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS sync_candidates (
            source     TEXT NOT NULL,
            std_no     TEXT NOT NULL,
            seen_at    TEXT NOT NULL,
            change_id  INTEGER NOT NULL,
            PRIMARY KEY (source, std_no)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS sync_conflicts (
            id            INTEGER PRIMARY KEY,
            source        TEXT NOT NULL,
            change_id     INTEGER NOT NULL,
            sha256        TEXT NOT NULL,
            std_no        TEXT NOT NULL,
            field         TEXT NOT NULL,
            local_value   TEXT NOT NULL,
            local_source  TEXT NOT NULL,
            remote_value  TEXT NOT NULL,
            remote_source TEXT NOT NULL,
            at            TEXT NOT NULL,
            UNIQUE (source, change_id, sha256, field)
        )"""
    )


# -- bulk export (open data) --------------------------------------------------------------


def export_lookups(db: sqlite3.Connection) -> None:
    """Version 5: the bulk export reads each batch of standards' citations, 代替 lists and
    change-log events by key; these indexes make that one index look-up per batch rather
    than a scan of the table, however large the library. Metadata-only records (imported,
    text not held) need no new column: their key is `meta-…` (store.py)."""
    db.execute("CREATE INDEX IF NOT EXISTS citations_sha256 ON citations(sha256)")
    db.execute("CREATE INDEX IF NOT EXISTS replacements_sha256 ON replacements(sha256)")
    db.execute("CREATE INDEX IF NOT EXISTS change_log_sha256 ON change_log(sha256)")


# --- API contract: token scopes --------------------------------------------------------
def token_scopes(db: sqlite3.Connection) -> None:
    """Tokens get a scope: the existing ones keep acting as their librarian ('write');
    'read' tokens only read the API, at a higher rate limit. Like the tables of the other
    migrations, the column is added only where it is missing."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(api_tokens)")}
    if "scope" not in columns:
        db.execute("ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'write'")


MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (
    tables_of_the_first_releases,
    cluster_numbers_and_outbox,
    session_stamps,
    change_log_and_watch_lists,
    sync_sources_candidates_conflicts,
    export_lookups,
    token_scopes,
)
CURRENT = len(MIGRATIONS)


# -- applying them ----------------------------------------------------------------------


def version(db: sqlite3.Connection) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite3.Connection) -> int:
    """Bring the catalogue open on `db` to the current version; returns the version it
    was at (CURRENT when there was nothing to do).

    Call it on a connection with no transaction open. Processes that open an old
    catalogue at the same moment queue on the write lock (`BEGIN IMMEDIATE`, within the
    connection's busy timeout) and read the version again once they hold it, so the
    first one upgrades and the others find nothing left to do. A catalogue of a newer
    version raises `CatalogueTooNew` before anything is written."""
    keep_private(db)
    found = version(db)
    if found == CURRENT:
        return found
    _refuse_newer(db, found)
    db.execute("BEGIN IMMEDIATE")
    try:
        found = version(db)
        _refuse_newer(db, found)
        for migration in MIGRATIONS[found:]:
            migration(db)
        # PRAGMA takes no parameters; CURRENT is ours, an int.
        db.execute(f"PRAGMA user_version = {CURRENT}")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return found


def keep_private(db: sqlite3.Connection) -> None:
    """The catalogue holds password hashes and token digests: readable by its owner alone,
    like the secret key. Every part that opens it comes through `migrate`, right after
    SQLite has made the file; SQLite gives the WAL and shared-memory files the database's
    mode, and those an older stdsearch left readable by all are closed here too."""
    path = db.execute("PRAGMA database_list").fetchone()[2]
    if not path:
        return  # in memory
    for name in (path, path + "-wal", path + "-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            pass


def _refuse_newer(db: sqlite3.Connection, found: int) -> None:
    if found > CURRENT:
        path = db.execute("PRAGMA database_list").fetchone()[2]
        raise CatalogueTooNew(path, found, CURRENT)
