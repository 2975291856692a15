"""Deleting a standard, and the trash its original waits in until purged.

Deletion takes the standard out of the catalogue first (the system of record: from then
on it is gone, and the start-up check would finish the job after a crash), then moves
its original to `trash/` and drops its extracted JSON, then removes its index documents
and re-derives the statuses of editions that depended on it. Originals of replaced files
land in the same trash. Nothing leaves the trash except by `purge`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from . import audit
from .audit import Change
from .catalogue import Catalogue, now_iso
from .index_updates import IndexUpdates
from .lookup import load_standard
from .status import update_statuses
from .store import Library

DAY = 24 * 3600


@dataclass(frozen=True)
class TrashEntry:
    sha256: str
    std_no: str  # known when the standard was deleted by a librarian
    source_file: str  # the file it was ingested from, as the ingest log last named it
    size: int
    trashed_at: str  # ISO time the file was moved to the trash


def delete_standard(
    library: Library, index: IndexUpdates, sha256: str, user: str, today: date | None = None
) -> Change:
    with Catalogue(library.catalogue_path) as catalogue:
        metadata = catalogue.metadata(sha256)
        if metadata is None:
            raise LookupError(sha256)
        std_no = metadata.get("std_no", "")
        change = Change(sha256, std_no, "deleted", std_no or sha256, "", user, now_iso())
        # Held as an ingest holds them: an ingest of the same file is never caught between
        # writing its original and committing its row while the row and files go; and
        # when either lock is kept too long (`LibraryBusy`), nothing has been deleted yet.
        with library.store_lock(), library.write_lock():
            with catalogue.transaction() as db:
                catalogue.remove(sha256, db)
                catalogue.clear_overrides(sha256)
                audit.record(db, [change])
                catalogue.log(
                    metadata.get("source_file", ""),
                    "deleted",
                    f"{std_no} deleted by {user}",
                    sha256,
                )
            library.move_to_trash(sha256)
            affected = update_statuses(catalogue, today, source=user)
            index.update(
                [load_standard(library, catalogue, sha) for sha in sorted(affected)],
                removed=[sha256],
            )
    return change


def trash_entries(library: Library) -> list[TrashEntry]:
    """Oldest first. A file's change time is when it was moved in (a rename sets it)."""
    files = sorted((library.root / "trash").glob("*.pdf"), key=lambda p: p.stat().st_ctime)
    with Catalogue(library.catalogue_path) as catalogue:
        return [
            TrashEntry(
                sha256=path.stem,
                std_no=audit.std_no_of_trashed(catalogue.db, path.stem),
                source_file=_source_file(catalogue, path.stem),
                size=path.stat().st_size,
                trashed_at=datetime.fromtimestamp(path.stat().st_ctime, UTC).isoformat(
                    timespec="seconds"
                ),
            )
            for path in files
        ]


def _source_file(catalogue: Catalogue, sha256: str) -> str:
    row = catalogue.db.execute(
        "SELECT file FROM ingest_log WHERE sha256 = ? ORDER BY id DESC LIMIT 1", (sha256,)
    ).fetchone()
    return row["file"] if row else ""


def purge_trash(library: Library, older_than_days: float | None = None) -> list[TrashEntry]:
    """Delete trashed originals for good (only those older than the given age, if one is
    given); returns what was deleted."""
    cutoff = time.time() - older_than_days * DAY if older_than_days is not None else None
    purged = []
    for entry in trash_entries(library):
        path = library.trash_path(entry.sha256)
        if cutoff is not None and path.stat().st_ctime > cutoff:
            continue
        path.unlink(missing_ok=True)
        purged.append(entry)
    return purged
