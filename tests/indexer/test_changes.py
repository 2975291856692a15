"""The change log: each change to what the library says of a standard is logged where it
is made, in the same transaction, by whom or what (ingest, the calendar, a librarian).

The library is the bundled samples: T/STDS 001-2024 and its new edition T/STDS 001-2026
(whose cover says it replaces the 2024 edition), T/STDS 002-2025 and T/STDS 003-2026.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from indexer.engine import open_engine
from indexer.ingest.consistency import refresh_statuses
from indexer.ingest.pipeline import ingest
from indexer.library import changes
from indexer.library.catalogue import Catalogue
from indexer.library.corrections import CorrectionRejected, apply_corrections
from indexer.library.lookup import resolve_sha
from indexer.library.store import Library
from indexer.library.trash import delete_standard
from tests.conftest import SAMPLES

OLD, NEW = "T/STDS 001-2024", "T/STDS 001-2026"


@pytest.fixture
def library(samples_library, tmp_path) -> Library:
    """A copy of the samples library, free to change."""
    shutil.copytree(samples_library.root, tmp_path / "lib")
    return Library.open(tmp_path / "lib")


def events(library: Library, **filters) -> list[changes.ChangeEvent]:
    with Catalogue(library.catalogue_path) as catalogue:
        return changes.since(catalogue.db, **filters)


def test_ingest_logs_each_arrival_and_the_replacement_of_the_older_edition(tmp_path):
    library = Library.open(tmp_path / "lib")
    report = ingest([SAMPLES], library, workers=1)
    assert not report.failed
    log = events(library)
    arrivals = [e for e in log if e.kind in (changes.NEW_STANDARD, changes.NEW_EDITION)]
    with Catalogue(library.catalogue_path) as catalogue:
        held = sorted(m["std_no"] for m in catalogue.all_metadata())
    # One arrival per standard held, each at its ingest, from `ingest`.
    assert sorted(e.std_no for e in arrivals) == held
    assert all(e.source == changes.INGEST and e.new == e.std_no for e in arrivals)
    # The edition that arrived second is a new edition naming the first.
    first, second = sorted((e for e in arrivals if e.std_no in (OLD, NEW)), key=lambda e: e.id)
    assert first.kind == changes.NEW_STANDARD
    assert second.kind == changes.NEW_EDITION and first.std_no in second.old
    assert {e.kind for e in arrivals if e.std_no not in (OLD, NEW)} == {changes.NEW_STANDARD}
    # The 2024 edition is replaced once the 2026 edition is in (its status was 现行 then).
    replaced = [e for e in log if e.kind == changes.REPLACED]
    assert [(e.std_no, e.new, e.source) for e in replaced] == [(OLD, NEW, changes.INGEST)]
    # Ingesting the same files again changes nothing, and logs nothing.
    ingest([SAMPLES], library, workers=1)
    assert events(library) == log


def test_statuses_that_change_with_the_calendar_are_logged_as_the_calendar(library):
    """Seen from 2020, every sample (effective 2024 or later) is still 即将实施; from
    today, those in force turn 现行 again: both turns are logged with source `calendar`."""
    mark = events(library)[-1].id
    refresh_statuses(library, today=date(2020, 1, 1))
    upcoming = events(library, cursor=mark)
    assert upcoming and all(e.kind == changes.STATUS_CHANGE for e in upcoming)
    assert all(e.new == "即将实施" and e.source == changes.CALENDAR for e in upcoming)
    assert NEW in {e.std_no for e in upcoming}
    mark = upcoming[-1].id
    refresh_statuses(library, today=date.today())
    in_force = events(library, cursor=mark)
    assert {(e.std_no, e.old, e.new) for e in in_force} >= {(NEW, "即将实施", "现行")}
    assert all(e.source == changes.CALENDAR for e in in_force)


def test_a_librarians_withdrawal_is_logged_with_the_audit_entry(library):
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, NEW)
        mark = changes.last_id(catalogue.db)
    apply_corrections(
        library,
        open_engine(library),
        sha,
        {"status": "废止", "withdrawn": "2026-06-01", "title_zh": "新的标题"},
        "librarian",
    )
    logged = events(library, cursor=mark)
    by_field = {e.field: e for e in logged}
    assert by_field["status"].kind == changes.WITHDRAWN
    assert (by_field["status"].old, by_field["status"].new) == ("现行", "废止")
    assert by_field["withdrawn"].new == "2026-06-01"
    assert by_field["title_zh"].kind == changes.CORRECTION
    assert all(e.source == "librarian" and e.std_no == NEW and e.sha256 == sha for e in logged)
    # The same edit in the audit log, at the same moment.
    with Catalogue(library.catalogue_path) as catalogue:
        audit_times = {
            r[0]
            for r in catalogue.db.execute(
                "SELECT changed_at FROM audit_log WHERE sha256 = ?", (sha,)
            )
        }
    assert {e.at for e in logged} <= audit_times


def test_a_rejected_correction_logs_nothing(library):
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, NEW)
    before = events(library)
    with pytest.raises(CorrectionRejected):
        apply_corrections(library, open_engine(library), sha, {"status": "废止"}, "librarian")
    assert events(library) == before


def test_an_event_is_written_in_the_transaction_of_its_change(library):
    """A change rolled back takes its event with it."""
    with Catalogue(library.catalogue_path) as catalogue:
        before = changes.last_id(catalogue.db)
        with pytest.raises(RuntimeError), catalogue.transaction() as db:
            changes.record(db, std_no=NEW, sha256="x", kind=changes.CORRECTION, source="t")
            raise RuntimeError("the change failed")
        assert changes.last_id(catalogue.db) == before


def test_deleting_the_new_edition_puts_the_old_one_back_in_force_in_the_log(library):
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, NEW)
        mark = changes.last_id(catalogue.db)
    delete_standard(library, open_engine(library), sha, "librarian")
    logged = events(library, cursor=mark)
    assert [(e.std_no, e.kind, e.old, e.new, e.source) for e in logged] == [
        (OLD, changes.STATUS_CHANGE, "被代替", "现行", "librarian")
    ]


def test_since_takes_an_id_or_a_date_and_edition_families_in_any_spelling(library):
    log = events(library)
    assert events(library, cursor=log[0].id) == log[1:]
    assert events(library, cursor=log[-1].at) == [e for e in log if e.at >= log[-1].at]
    family = events(library, families=["ｔ／ｓｔｄｓ　００１"])
    assert family and {e.std_no for e in family} == {OLD, NEW}
    assert events(library, families=["T/STDS 001-2024"]) == family
    assert events(library, families=[]) == []
    newest = events(library, newest_first=True, limit=2)
    assert newest == log[::-1][:2]
    with pytest.raises(ValueError), Catalogue(library.catalogue_path) as catalogue:
        changes.record(catalogue.db, std_no=NEW, sha256="x", kind="renamed", source="t")


def test_a_catalogue_from_before_the_change_log_logs_what_it_holds(library):
    """Upgrading a catalogue of version 3 (no change log) logs each standard it holds as
    arrived when it was ingested, so its feeds do not start empty."""
    path = library.catalogue_path
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("DROP TABLE change_log")
    db.execute("DROP TABLE watch_lists")
    db.execute("PRAGMA user_version = 3")
    ingested = dict(db.execute("SELECT std_no, ingested_at FROM standards"))
    db.close()
    log = events(library)
    assert {e.std_no: e.at for e in log} == ingested
    assert {e.kind for e in log} == {changes.NEW_STANDARD}
