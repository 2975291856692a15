"""The catalogue's tables come from one module, versioned by `PRAGMA user_version`: a new
catalogue and one written by an earlier stdsearch end up alike, rows kept; a catalogue
of a newer stdsearch is refused and left untouched; processes opening an old catalogue
at once upgrade it once.

Every test works on a real SQLite file. The old catalogues are built with the SQL the
releases before versioning ran (copied from ed12286 and, for the uploads table as it first
shipped, from before e176981), not with anything of today's code.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers.stdno import parse_std_no
from indexer.library import schema
from indexer.library.accounts import Accounts
from indexer.library.catalogue import Catalogue
from indexer.library.feedback import FeedbackStore
from indexer.library.schema import CURRENT, CatalogueTooNew, migrate
from search_app.cli import main
from search_app.web.uploads import UploadStore

# -- the releases before versioning ----------------------------------------------------

# indexer/library/catalogue.py, run by every Catalogue opened.
OLD_CATALOGUE = """
CREATE TABLE IF NOT EXISTS standards (
    sha256      TEXT PRIMARY KEY,
    std_no      TEXT NOT NULL,
    source_file TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT '',
    metadata    TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS standards_std_no ON standards(std_no);
CREATE TABLE IF NOT EXISTS citations (
    sha256   TEXT NOT NULL,
    cited    TEXT NOT NULL,
    undated  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS citations_undated ON citations(undated);
CREATE TABLE IF NOT EXISTS replacements (
    sha256   TEXT NOT NULL,
    replaced TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS replacements_replaced ON replacements(replaced);
CREATE TABLE IF NOT EXISTS overrides (
    sha256     TEXT NOT NULL,
    field      TEXT NOT NULL,
    value      TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    PRIMARY KEY (sha256, field)
);
CREATE TABLE IF NOT EXISTS ingest_log (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    file     TEXT NOT NULL,
    sha256   TEXT,
    at       TEXT NOT NULL,
    outcome  TEXT NOT NULL,
    reason   TEXT NOT NULL DEFAULT ''
);
"""

# indexer/library/audit.py, run before a correction, a deletion or a look at the log.
OLD_AUDIT = """
CREATE TABLE IF NOT EXISTS audit_log (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256     TEXT NOT NULL,
    std_no     TEXT NOT NULL,
    field      TEXT NOT NULL,
    old_value  TEXT NOT NULL,
    new_value  TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_std_no ON audit_log(std_no);
CREATE INDEX IF NOT EXISTS audit_log_sha256 ON audit_log(sha256);
"""

# indexer/library/feedback.py
OLD_FEEDBACK = """
CREATE TABLE IF NOT EXISTS feedback (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    std_no      TEXT NOT NULL,
    clause_no   TEXT NOT NULL,
    text        TEXT NOT NULL,
    contact     TEXT NOT NULL DEFAULT '',
    client      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT
);
CREATE INDEX IF NOT EXISTS feedback_clause ON feedback(std_no, clause_no, resolved_at);
CREATE INDEX IF NOT EXISTS feedback_client ON feedback(client, created_at);
"""

# indexer/library/accounts.py
OLD_ACCOUNTS = """
CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS api_tokens (
    token_hash TEXT PRIMARY KEY,
    name       TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    label      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS failed_logins (
    name    TEXT NOT NULL,
    address TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS failed_logins_at ON failed_logins(at);
"""

# search_app/web/uploads.py: the table as it first shipped, before it kept any progress.
OLD_UPLOADS = """
CREATE TABLE IF NOT EXISTS uploads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    batch       TEXT NOT NULL,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL DEFAULT '',
    pages       INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    std_no      TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_batch ON uploads(batch);
CREATE INDEX IF NOT EXISTS uploads_state ON uploads(state);
"""
# What the previous release added to it on opening (search_app/web/uploads.py at ed12286).
OLD_UPLOAD_PROGRESS = """
ALTER TABLE uploads ADD COLUMN progress_stage TEXT NOT NULL DEFAULT '';
ALTER TABLE uploads ADD COLUMN progress_done INTEGER NOT NULL DEFAULT 0;
ALTER TABLE uploads ADD COLUMN progress_total INTEGER NOT NULL DEFAULT 0;
"""

# One row in each table, as a librarian's library of that time would hold them.
OLD_ROWS = {
    "standards": [
        (
            "a" * 64,
            "GB/T 1.1-2020",
            "GB_T_1.1-2020.pdf",
            "现行",
            '{"std_no": "GB/T 1.1-2020"}',
            "t",
        ),
        (
            "b" * 64,
            "GB/T 1.1-2009",
            "GB_T_1.1-2009.pdf",
            "被代替",
            '{"std_no": "GB/T 1.1-2009"}',
            "t",
        ),
    ],
    "citations": [("a" * 64, "GB/T 20000.1-2014", "GB/T 20000.1")],
    "replacements": [("a" * 64, "GB/T 1.1-2009")],
    "overrides": [("a" * 64, "title_en", '"Directives"', "librarian", "t")],
    "ingest_log": [(1, "GB_T_1.1-2020.pdf", "a" * 64, "t", "ingested", "")],
    "audit_log": [
        (1, "a" * 64, "GB/T 1.1-2020", "title_en", '""', '"Directives"', "librarian", "t")
    ],
    "feedback": [(1, "GB/T 1.1-2020", "4.2", "条文有误", "", "c" * 64, "t", None, None)],
    "users": [("librarian", "scrypt:hash", "t")],
    "api_tokens": [("d" * 64, "librarian", "tests", "t")],
    "failed_logins": [("librarian", "e" * 64, "t")],
    "uploads": [
        (
            1,
            "20260101-000000-abcdef",
            "old.pdf",
            "",
            0,
            "failed",
            "not a PDF",
            "",
            "librarian",
            "t",
            "t",
        )
    ],
}

# Catalogues as the releases before versioning left them: `PRAGMA user_version` 0.
PREVIOUS_RELEASE = (
    OLD_CATALOGUE + OLD_AUDIT + OLD_FEEDBACK + OLD_ACCOUNTS + OLD_UPLOADS + OLD_UPLOAD_PROGRESS
)
# The site never opened (no accounts, uploads or feedback yet), no correction made.
COMMAND_LINE_ONLY = OLD_CATALOGUE
# The site's uploads as they first shipped, before the previous release opened it.
FIRST_UPLOADS = OLD_CATALOGUE + OLD_AUDIT + OLD_FEEDBACK + OLD_ACCOUNTS + OLD_UPLOADS


def old_catalogue(path: Path, sql: str) -> dict[str, list[tuple]]:
    """A catalogue file made by `sql`, in WAL mode as the old Catalogue left it, with the
    rows of OLD_ROWS in the tables it has; returns every row of every table."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(sql)
    for table in tables(db):
        for row in OLD_ROWS[table]:
            # By name: the uploads of the previous release have more columns, with defaults.
            columns = [c[1] for c in db.execute(f"PRAGMA table_info({table})")][: len(row)]
            marks = ", ".join("?" for _ in row)
            db.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", row)
    db.commit()
    rows = dump(db)
    db.close()
    return rows


# -- what a catalogue holds ------------------------------------------------------------


def tables(db: sqlite3.Connection) -> list[str]:
    return [
        name
        for (name,) in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'"
            " AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]


def shape(db: sqlite3.Connection) -> dict[str, tuple]:
    """Each table's columns (name, type, NOT NULL, default, key) and indexes: what the
    code relies on, not how the CREATE statement that made it was spelled."""
    return {
        table: (
            [tuple(c)[1:] for c in db.execute(f"PRAGMA table_info({table})")],
            sorted(
                (i[1], i[2], tuple(c[2] for c in db.execute(f"PRAGMA index_info({i[1]})")))
                for i in db.execute(f"PRAGMA index_list({table})")
            ),
        )
        for table in tables(db)
    }


def dump(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    return {
        table: [tuple(r) for r in db.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in tables(db)
    }


def opened(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=30)


# Everything that opens the catalogue, each as a librarian's action would open it.
OPENERS = {
    "Catalogue": Catalogue,
    "Accounts": Accounts,
    "UploadStore": UploadStore,
    "FeedbackStore": lambda path: FeedbackStore(opened(path)),
}


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def new_shape(tmp_path) -> dict[str, tuple]:
    with closing(opened(tmp_path / "new.sqlite")) as db:
        migrate(db)
        return shape(db)


# -- a new catalogue ---------------------------------------------------------------------


def test_a_new_catalogue_gets_every_table_and_the_current_version(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    with Catalogue(path) as catalogue:
        assert schema.version(catalogue.db) == CURRENT
        assert tables(catalogue.db) == sorted(
            [
                "standards",
                "citations",
                "replacements",
                "overrides",
                "ingest_log",
                "audit_log",
                "feedback",
                "users",
                "api_tokens",
                "failed_logins",
                "uploads",
                "cluster_ids",
                "outbox",
                "change_log",
                "watch_lists",
                "sync_sources",
                "sync_candidates",
                "sync_conflicts",
            ]
        )
        indexes = {index for _, (_, found) in shape(catalogue.db).items() for index, *_ in found}
        assert {
            "standards_std_no",
            "citations_undated",
            "replacements_replaced",
            "audit_log_std_no",
            "audit_log_sha256",
            "feedback_clause",
            "feedback_client",
            "failed_logins_at",
            "uploads_batch",
            "uploads_state",
            "change_log_undated",
            "change_log_at",
        } <= indexes
        uploads = [c[1] for c in catalogue.db.execute("PRAGMA table_info(uploads)")]
        assert uploads[-3:] == ["progress_stage", "progress_done", "progress_total"]
    with closing(opened(path)) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS)
def test_whichever_part_opens_a_new_catalogue_first_makes_all_of_it(tmp_path, opener, new_shape):
    first = opener(tmp_path / "catalogue.sqlite")
    try:
        assert schema.version(first.db) == CURRENT
        assert shape(first.db) == new_shape
    finally:
        first.db.close()


# -- a catalogue of an earlier stdsearch ------------------------------------------------


@pytest.mark.parametrize(
    "old_sql",
    [PREVIOUS_RELEASE, COMMAND_LINE_ONLY, FIRST_UPLOADS],
    ids=["previous release", "command line only", "uploads as first shipped"],
)
def test_an_old_catalogue_is_upgraded_in_place_keeping_every_row(tmp_path, old_sql, new_shape):
    path = tmp_path / "catalogue.sqlite"
    before = old_catalogue(path, old_sql)
    with closing(opened(path)) as db:
        assert schema.version(db) == 0

    with Catalogue(path) as catalogue:
        assert schema.version(catalogue.db) == CURRENT
        assert shape(catalogue.db) == new_shape
        after = dump(catalogue.db)
        assert sorted(catalogue.shas()) == ["a" * 64, "b" * 64]
        assert catalogue.overrides("a" * 64) == {"title_en": "Directives"}
    for table, rows in before.items():
        assert [new[: len(old)] for new, old in zip(after[table], rows, strict=True)] == rows
    if "uploads" in before:
        # Uploads made before progress was kept have none to tell.
        assert [upload[-3:] for upload in after["uploads"]] == [("", 0, 0)]
    # The tables that were missing are there now, empty, but for the change log, which
    # tells of each standard held as arrived when it was ingested.
    assert all(after[table] == [] for table in set(after) - set(before) - {"change_log"})
    arrivals = [row[2:6] + row[9:] for row in after["change_log"]]
    assert sorted(arrivals) == sorted(
        (std_no, parse_std_no(std_no).undated, sha, "new_standard", "ingest")
        for sha, std_no, *_ in before["standards"]
    )


def test_librarians_of_a_version_2_catalogue_each_get_their_own_session_stamp(tmp_path):
    """Version 3 adds the session stamps that sessions are checked against: each existing
    librarian gets a random one of their own, and a new sign-in holds it."""
    path = tmp_path / "catalogue.sqlite"
    with closing(opened(path)) as db:
        for migration in schema.MIGRATIONS[:2]:
            migration(db)
        db.execute("PRAGMA user_version = 2")
        for name in ("librarian", "other"):
            db.execute(
                "INSERT INTO users (name, password_hash, created_at) VALUES (?, 'x', 'now')",
                (name,),
            )
        db.commit()
    with Accounts(path) as accounts:
        assert schema.version(accounts.db) == CURRENT
        stamps = [accounts.session_stamp(name) for name in ("librarian", "other")]
        assert all(len(stamp) == 32 for stamp in stamps) and stamps[0] != stamps[1]
        accounts.end_sessions("librarian")
        assert accounts.session_stamp("librarian") not in stamps
        assert accounts.session_stamp("nobody") is None


def test_migrating_a_current_catalogue_again_writes_nothing(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    old_catalogue(path, FIRST_UPLOADS)
    with closing(opened(path)) as db:
        assert migrate(db) == 0
        shaped, rows = shape(db), dump(db)
    # A read-only connection would fail on any write: the second run only reads.
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as read_only:
        assert migrate(read_only) == CURRENT
        assert (shape(read_only), dump(read_only)) == (shaped, rows)


# -- a catalogue of a newer stdsearch ---------------------------------------------------


@pytest.fixture
def newer_catalogue(tmp_path) -> Path:
    """A catalogue one version ahead of this code, with a table this code never made; in
    rollback-journal mode, so every byte of it is in the one file."""
    path = tmp_path / "catalogue.sqlite"
    with closing(opened(path)) as db:
        migrate(db)
        db.executescript(
            "CREATE TABLE shelves (name TEXT PRIMARY KEY);"
            "INSERT INTO standards VALUES ('f', 'GB 1-2030', 'GB_1-2030.pdf', '', '{}', 't');"
            f"PRAGMA user_version = {CURRENT + 1};"
        )
    return path


@pytest.mark.parametrize("opener", OPENERS.values(), ids=OPENERS)
def test_a_catalogue_of_a_newer_stdsearch_is_refused_and_left_as_it_is(newer_catalogue, opener):
    before = file_digest(newer_catalogue)
    with pytest.raises(CatalogueTooNew) as refused:
        opener(newer_catalogue)
    message = str(refused.value)
    assert str(newer_catalogue) in message
    assert "newer stdsearch" in message and "Upgrade stdsearch" in message
    assert f"version {CURRENT + 1}" in message and f"up to {CURRENT}" in message
    assert "has not been changed" in message
    assert file_digest(newer_catalogue) == before
    assert not Path(f"{newer_catalogue}-wal").exists()


def test_a_command_on_a_newer_catalogue_ends_with_one_line_saying_so(newer_catalogue):
    result = CliRunner().invoke(main, ["--data", str(newer_catalogue.parent), "list", "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: the catalogue ") and "newer stdsearch" in line


# -- processes opening an old catalogue at once -----------------------------------------


def _open_at_once(path: str, start, found) -> None:
    """One process of the race: waits for the others, then opens and migrates."""
    db = opened(Path(path))
    start.wait(timeout=30)
    try:
        found.put(("ok", migrate(db), schema.version(db)))
    except Exception as error:  # reported to the test, which shows it
        found.put(("error", repr(error), None))
    finally:
        db.close()


def test_processes_opening_an_old_catalogue_at_once_upgrade_it_once(tmp_path, new_shape):
    path = tmp_path / "catalogue.sqlite"
    before = old_catalogue(path, FIRST_UPLOADS)
    processes = 4
    context = multiprocessing.get_context("fork")
    start, found = context.Barrier(processes), context.Queue()
    racers = [
        context.Process(target=_open_at_once, args=(str(path), start, found))
        for _ in range(processes)
    ]
    for racer in racers:
        racer.start()
    outcomes = [found.get(timeout=60) for _ in racers]
    for racer in racers:
        racer.join(timeout=30)
        assert racer.exitcode == 0

    assert all(outcome == "ok" for outcome, *_ in outcomes), outcomes
    # Exactly one found the old version and upgraded it; the others found it done.
    assert sorted(was for _, was, _ in outcomes) == [0] + [CURRENT] * (processes - 1)
    assert {now for *_, now in outcomes} == {CURRENT}
    with Catalogue(path) as catalogue:
        assert shape(catalogue.db) == new_shape
        after = dump(catalogue.db)
    # Each standard is logged once as arrived, however many processes raced.
    logged = {"change_log": len(before["standards"])}
    assert {table: len(rows) for table, rows in after.items()} == {
        table: logged.get(table, len(before.get(table, []))) for table in after
    }
