"""The whole catalogue read once for browsing: each standard's metadata with the dates a
listing sorts by, which live beside the metadata rather than in it.

`ingested_at` (when the library first took the file in, or last replaced it) and
`status_changed_at` (the last time a librarian set its status, from the audit log) are
read with two queries for the whole catalogue, so the home page and the browse pages
never ask per standard.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .catalogue import Catalogue


@dataclass(frozen=True)
class Entry:
    """One standard as a listing sees it: its metadata (the keys of `stdsearch list
    --json`) and the two dates kept outside them."""

    metadata: dict[str, Any]
    ingested_at: str = ""
    status_changed_at: str = ""
    # What readers derive from the metadata once and keep as long as the entry is cached
    # (the search fields a filtered list checks), by the reader's own key.
    derived: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)


def catalogue_entries(catalogue: Catalogue) -> list[Entry]:
    """Every standard, ordered by number, librarian overrides applied."""
    added = dict(catalogue.db.execute("SELECT sha256, ingested_at FROM standards").fetchall())
    changed = dict(
        catalogue.db.execute(
            "SELECT sha256, MAX(changed_at) FROM audit_log WHERE field = 'status' GROUP BY sha256"
        ).fetchall()
    )
    return [
        Entry(
            metadata=data,
            ingested_at=added.get(data.get("sha256"), "") or "",
            status_changed_at=changed.get(data.get("sha256"), "") or "",
        )
        for data in catalogue.all_metadata()
    ]
