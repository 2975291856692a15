"""The catalogue's SQLite file runs in WAL mode: searchers read while one writer writes."""

from __future__ import annotations

import sqlite3

from indexer.library.catalogue import Catalogue


def test_the_catalogue_is_in_wal_mode_so_reads_go_on_during_a_write(samples_library):
    path = samples_library.catalogue_path
    # WAL is a property of the file: a plain connection that never asked for it sees it.
    with sqlite3.connect(path) as plain:
        assert plain.execute("PRAGMA journal_mode").fetchone()[0] == "wal"

    with Catalogue(path) as writer, Catalogue(path) as reader:
        before = reader.shas()
        writer.db.execute("BEGIN EXCLUSIVE")
        try:
            writer.db.execute("DELETE FROM standards")
            # With a rollback journal an exclusive writer shuts readers out (this one, waiting
            # no time, would fail); under WAL it answers at once from the last commit.
            reader.db.execute("PRAGMA busy_timeout = 0")
            assert reader.shas() == before and before
        finally:
            writer.db.execute("ROLLBACK")
        assert reader.shas() == before
