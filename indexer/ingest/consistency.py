"""Start-up check: the catalogue is the truth; the index must hold exactly what it lists.

After a crash the index may lack a standard the catalogue committed (killed between
the catalogue transaction and the index commit) or hold one the catalogue dropped.
Both are repaired from the stored JSON, without parsing any PDF. An ingest killed before
its catalogue commit leaves an original and JSON no entry owns, and maybe a temporary
file: the original goes to the trash, the rest is removed. Worker processes of a
killed writer that are still alive are ended first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date

from indexer.engine import SearchEngine, open_engine
from indexer.library.catalogue import Catalogue
from indexer.library.lookup import load_standard
from indexer.library.status import update_statuses
from indexer.library.store import Library

from .processes import worker_records
from .reindex import rebuild_index


@dataclass
class Repair:
    reindexed: list[str] = field(default_factory=list)
    removed_from_index: list[str] = field(default_factory=list)
    dropped_from_catalogue: list[str] = field(default_factory=list)  # rows whose files are gone
    unowned_files: list[str] = field(default_factory=list)  # relative paths cleared away
    ended_processes: list[int] = field(default_factory=list)  # pids of a killed run's workers
    # Fields an index built by an older stdsearch lacked: the whole index was rebuilt.
    rebuilt_for: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(
            self.reindexed
            or self.removed_from_index
            or self.dropped_from_catalogue
            or self.unowned_files
            or self.ended_processes
            or self.rebuilt_for
        )


def check_and_repair(library: Library, engine: SearchEngine | None = None) -> Repair:
    """Holds the store lock and the index write lock throughout: with no ingest, edit or
    rebuild between its steps, a file without an entry is an orphan, and an entry missing
    from the index (or the reverse) is not one a writer is about to index (or drop)."""
    repair = Repair()
    # Before the locks: a leftover worker holds no lock, but it must not outlive the check.
    repair.ended_processes = worker_records(library).end_leftovers()
    engine = engine or open_engine(library)
    engine.drain()  # writes a cluster owes first: then it is compared with the catalogue
    # An index made before a field was added (the implementation date of the age filters)
    # would answer those filters with nothing: rebuilt whole, from the stored JSON.
    repair.rebuilt_for = engine.missing_fields()
    if repair.rebuilt_for:
        rebuild_index(library, engine)
    with (
        Catalogue(library.catalogue_path) as catalogue,
        library.store_lock(),
        library.write_lock(),
    ):
        repair.unowned_files = _clear_unowned(library, set(catalogue.shas()))
        listed = set(catalogue.shas())
        for sha in sorted(listed):
            if not library.has_extracted(sha):
                catalogue.remove(sha)
                catalogue.log(
                    sha[:12], "repaired", "catalogue row without stored original/JSON removed", sha
                )
                repair.dropped_from_catalogue.append(sha)
        listed -= set(repair.dropped_from_catalogue)
        indexed = engine.indexed_shas()
        for sha in sorted(listed - indexed):
            engine.update([load_standard(library, catalogue, sha)])
            repair.reindexed.append(sha)
        stale = sorted(indexed - listed)
        if stale:
            engine.update([], removed=stale)
            repair.removed_from_index.extend(stale)
    return repair


def _clear_unowned(library: Library, listed: set[str]) -> list[str]:
    """Originals and JSON of no catalogue entry, and temporary files of killed writes."""
    cleared = []
    for folder in ("originals", "extracted"):
        for path in sorted((library.root / folder).glob("*/*")):
            if path.name.startswith(".tmp-"):
                path.unlink(missing_ok=True)
            elif path.stem in listed or not path.is_file():
                continue
            elif folder == "originals" and path.suffix == ".pdf":
                os.replace(path, library.trash_path(path.stem))
            elif folder == "extracted" and path.suffix == ".json":
                path.unlink(missing_ok=True)
            else:
                continue
            cleared.append(path.relative_to(library.root).as_posix())
    return cleared


def refresh_statuses(
    library: Library, engine: SearchEngine | None = None, today: date | None = None
) -> list[str]:
    """Recompute every standard's status (即将实施 turns into 现行 with the calendar) and
    re-index those that changed. Run at start-up and by `reindex`."""
    engine = engine or open_engine(library)
    # Locked before the statuses are committed, as every catalogue writer does.
    with Catalogue(library.catalogue_path) as catalogue, library.write_lock():
        changed = update_statuses(catalogue, today)
        if changed:
            engine.update([load_standard(library, catalogue, sha) for sha in sorted(changed)])
    return sorted(changed)
