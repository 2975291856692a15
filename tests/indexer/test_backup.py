"""Backup and restore of a library: what is kept, what is verified, what is refused.

The libraries are real (the bundled samples ingested into a temporary folder); damage is
done to real files on disk.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import threading

import pytest
from click.testing import CliRunner

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.ingest.reindex import rebuild_index
from indexer.library import backup as backups
from indexer.library.backup import MANIFEST, BackupError, TargetInUse, backup
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from search_app.cli import main


def restore(source, data_dir, force: bool = False):
    """A restore that rebuilds the index as `stdsearch restore` does."""
    return backups.restore(source, data_dir, rebuild_index, force=force)


@pytest.fixture
def library(samples_library, tmp_path) -> Library:
    """A copy of the samples library each test may change."""
    shutil.copytree(samples_library.root, tmp_path / "library")
    return Library.open(tmp_path / "library")


def entries(root) -> list[dict]:
    with Catalogue(Library.open(root).catalogue_path) as catalogue:
        return catalogue.all_metadata()


def delete_one(library: Library) -> str:
    """Delete a standard as a librarian would: its entry first, then its files to the trash."""
    with Catalogue(library.catalogue_path) as catalogue:
        sha = catalogue.shas()[0]
        catalogue.remove(sha)
    library.move_to_trash(sha)
    return sha


def leftovers(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_backup_then_restore_gives_the_same_library_with_a_rebuilt_index(library, tmp_path):
    from search_app.search import search

    with Catalogue(library.catalogue_path) as catalogue:
        sha = catalogue.shas()[0]
        catalogue.set_override(sha, "title_zh", "馆员改过的标题", "librarian")
    report = backup(library, tmp_path / "backup")
    assert report.standards == 4
    manifest = json.loads((tmp_path / "backup" / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["counts"] == {"standards": 4, "originals": 4, "extracted": 4, "trash": 0}
    assert manifest["stdsearch_version"] and manifest["created_at"]
    assert not (tmp_path / "backup" / "index").exists()
    assert leftovers(tmp_path) == []

    restored = restore(tmp_path / "backup", tmp_path / "restored")
    assert restored.indexed == 4 and not restored.replaced_library
    assert entries(tmp_path / "restored") == entries(library.root)
    new = Library.open(tmp_path / "restored")
    assert WhooshEngine(new).indexed_shas() == set(Catalogue(new.catalogue_path).shas())
    hits = search(WhooshEngine(new), "馆员改过的标题").hits
    assert hits and hits[0].title_zh == "馆员改过的标题"
    assert leftovers(tmp_path) == []


def test_restore_refuses_a_library_without_force_and_replaces_it_with(library, tmp_path):
    backup(library, tmp_path / "backup")
    other = library
    delete_one(other)
    with pytest.raises(TargetInUse):
        restore(tmp_path / "backup", other.root)
    assert len(entries(other.root)) == 3
    shutil.copytree(tmp_path / "backup", other.root / "backup")
    with pytest.raises(TargetInUse, match="inside the data directory"):
        restore(other.root / "backup", other.root, force=True)
    report = restore(tmp_path / "backup", other.root, force=True)
    assert report.replaced_library
    assert len(entries(other.root)) == 4
    # An empty library (as `serve` leaves a fresh data directory) is no library to protect,
    # and what else its folder holds stays there.
    empty = Library.open(tmp_path / "empty")
    WhooshEngine(empty).index()
    Catalogue(empty.catalogue_path).close()
    (empty.root / "secret_key").write_bytes(b"0123")
    assert restore(tmp_path / "backup", empty.root).standards == 4
    assert (empty.root / "secret_key").read_bytes() == b"0123"
    # A folder that is no data directory is never replaced.
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "letter.txt").write_text("keep me")
    with pytest.raises(TargetInUse, match="not a stdsearch data directory"):
        restore(tmp_path / "backup", tmp_path / "home", force=True)
    assert (tmp_path / "home" / "letter.txt").exists()


def test_backup_refuses_an_existing_folder_unless_it_is_a_backup(library, tmp_path):
    backup(library, tmp_path / "backup")
    with pytest.raises(TargetInUse):
        backup(library, tmp_path / "backup")
    assert backup(library, tmp_path / "backup", force=True).standards == 4
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "todo.txt").write_text("keep me")
    with pytest.raises(TargetInUse):
        backup(library, tmp_path / "notes", force=True)
    assert (tmp_path / "notes" / "todo.txt").read_text() == "keep me"


def test_a_damaged_backup_is_refused_before_the_target_is_touched(library, tmp_path):
    backup(library, tmp_path / "backup")
    target = library
    delete_one(target)
    before = entries(target.root)
    original = next((tmp_path / "backup" / "originals").rglob("*.pdf"))
    data = bytearray(original.read_bytes())
    data[len(data) // 2] ^= 0xFF
    original.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="does not match its SHA-256"):
        restore(tmp_path / "backup", target.root, force=True)
    original.unlink()
    with pytest.raises(BackupError, match="is missing"):
        restore(tmp_path / "backup", target.root, force=True)
    assert entries(target.root) == before
    assert leftovers(tmp_path) == []


def test_a_damaged_original_fails_the_backup(library, tmp_path):
    original = next((library.root / "originals").rglob("*.pdf"))
    original.write_bytes(original.read_bytes() + b"\n")
    with pytest.raises(BackupError, match="damaged"):
        backup(library, tmp_path / "backup")
    assert not (tmp_path / "backup").exists() and leftovers(tmp_path) == []


def test_backup_is_consistent_while_the_catalogue_is_written(library, tmp_path):
    """Librarian edits commit while backups run; every backup restores, and holds a
    prefix of the edits (the SQLite backup API copies one committed state)."""
    sha = entries(library.root)[0]["sha256"]
    stop = threading.Event()

    def edit() -> None:
        with Catalogue(library.catalogue_path) as catalogue:
            n = 0
            while not stop.is_set():
                n += 1
                with catalogue.transaction():
                    catalogue.set_override(sha, "title_zh", f"标题 {n}", "librarian")
                    catalogue.log("edit", "edited", str(n), sha)

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        reports = [backup(library, tmp_path / f"backup-{i}") for i in range(3)]
    finally:
        stop.set()
        editor.join()
    seen = []
    for report in reports:
        copy = sqlite3.connect(f"file:{report.dest}/catalogue.sqlite?mode=ro", uri=True)
        try:
            edits = copy.execute("SELECT value FROM overrides WHERE sha256 = ?", (sha,)).fetchall()
            logged = copy.execute("SELECT reason FROM ingest_log ORDER BY id DESC").fetchone()[0]
        finally:
            copy.close()
        seen.append(logged)
        # The override and its log line were one transaction: the copy has both or neither.
        if logged.isdigit():
            assert [json.loads(value) for (value,) in edits] == [f"标题 {logged}"]
        else:
            assert edits == []
    assert any(logged.isdigit() for logged in seen), "no edit was committed during the backups"
    assert restore(reports[-1].dest, tmp_path / "restored").standards == 4


def test_the_trash_is_kept_and_a_row_without_its_files_fails_the_backup(library, tmp_path):
    deleted = delete_one(library)
    damaged = entries(library.root)[0]["sha256"]
    report = backup(library, tmp_path / "backup")
    assert report.counts["trash"] == 1 and report.standards == 3
    restore(tmp_path / "backup", tmp_path / "restored")
    assert Library.open(tmp_path / "restored").trash_path(deleted).exists()

    library.extracted_path(damaged).unlink()
    with pytest.raises(BackupError, match="not in the library"):
        backup(library, tmp_path / "second")
    assert not (tmp_path / "second").exists() and leftovers(tmp_path) == []


def test_cli_backup_and_restore_exit_codes(library, tmp_path):
    runner = CliRunner()
    data = ["--data", str(library.root)]
    dest = str(tmp_path / "backup")
    result = runner.invoke(main, [*data, "backup", dest, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["standards"] == 4
    assert runner.invoke(main, [*data, "backup", dest]).exit_code == 2
    assert runner.invoke(main, [*data, "restore", dest]).exit_code == 2
    assert runner.invoke(main, [*data, "restore", str(tmp_path)]).exit_code == 2
    result = runner.invoke(main, [*data, "restore", dest, "--force", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["indexed"] == 4
    (tmp_path / "backup" / "catalogue.sqlite").write_bytes(b"not a database")
    result = runner.invoke(main, [*data, "restore", dest, "--force", "--json"])
    assert result.exit_code == 1
    assert "catalogue.sqlite" in json.loads(result.stdout)["error"]
