"""The SQLite catalogue: the system of record for what the library holds.

One row per ingested original (keyed by SHA-256) with its parsed metadata as JSON, the
ingest log, and librarian overrides that are re-applied on every read, so corrections
survive re-ingest and re-indexing. WAL mode lets searchers read while one writer writes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from analyzers.stdno import parse_std_no

from .model import Standard
from .schema import migrate


def _undated(std_no: str) -> str:
    number = parse_std_no(std_no)
    return number.undated if number else std_no


LIBRARIAN = "librarian"


def is_synced_source(changed_by: str) -> bool:
    """Overrides a sync made carry the source's URL; a librarian's name never has `:`."""
    return changed_by.startswith(("http://", "https://"))


def override_source(changed_by: str) -> str:
    """How `sources` names who set a field: the URL of the platform a sync took it from,
    or `librarian` for this library's own librarians (whose names stay in the audit log)."""
    return changed_by if is_synced_source(changed_by) else LIBRARIAN


def is_override(source: str) -> bool:
    """A field someone set (a librarian here, or another platform through a sync), which
    the parse and the derived statuses do not change."""
    return source == LIBRARIAN or is_synced_source(source)


def _overridden(data: dict[str, Any], overrides: dict[str, tuple[Any, str]]) -> dict[str, Any]:
    for field, (value, source) in overrides.items():
        data[field] = value
        data.setdefault("sources", {})[field] = source
    return data


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class IngestLogEntry:
    file: str
    sha256: str | None
    at: str
    outcome: str
    reason: str


class Catalogue:
    """A thin layer over one SQLite file; open one per thread or process."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self.db.row_factory = sqlite3.Row
        # Before anything else, so a catalogue of a newer stdsearch is left untouched.
        migrate(self.db)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- standards -------------------------------------------------------------

    def put(self, standard: Standard, conn: sqlite3.Connection | None = None) -> None:
        metadata = json.dumps(standard.to_dict(structure=False), ensure_ascii=False)
        (conn or self.db).execute(
            "INSERT OR REPLACE INTO standards (sha256, std_no, source_file, status, metadata, ingested_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                standard.sha256,
                standard.std_no,
                standard.source_file,
                standard.status,
                metadata,
                now_iso(),
            ),
        )
        db = conn or self.db
        db.execute("DELETE FROM citations WHERE sha256 = ?", (standard.sha256,))
        db.executemany(
            "INSERT INTO citations (sha256, cited, undated) VALUES (?, ?, ?)",
            [(standard.sha256, ref.std_no, _undated(ref.std_no)) for ref in standard.references],
        )
        # A librarian's 代替 list wins over the parsed one, here as on every read.
        replaces = self.overrides(standard.sha256).get("replaces", standard.replaces)
        self._set_replacements(standard.sha256, replaces, db)

    def _set_replacements(self, sha256: str, replaces: list[str], db: sqlite3.Connection) -> None:
        db.execute("DELETE FROM replacements WHERE sha256 = ?", (sha256,))
        db.executemany(
            "INSERT INTO replacements (sha256, replaced) VALUES (?, ?)",
            [(sha256, old) for old in replaces],
        )

    def remove(self, sha256: str, conn: sqlite3.Connection | None = None) -> None:
        db = conn or self.db
        db.execute("DELETE FROM standards WHERE sha256 = ?", (sha256,))
        db.execute("DELETE FROM citations WHERE sha256 = ?", (sha256,))
        db.execute("DELETE FROM replacements WHERE sha256 = ?", (sha256,))

    def edition_family(self, std_no: str, replaces: list[str]) -> list[dict[str, Any]]:
        """Entries whose status can depend on `std_no`: its other editions, the standards it
        replaces, and those that replace it. Status derivation needs only this set."""
        undated = _undated(std_no)
        escaped = undated.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        rows = self.db.execute(
            "SELECT sha256 FROM standards WHERE std_no = ? OR std_no LIKE ? ESCAPE '\\'"
            " UNION SELECT sha256 FROM replacements WHERE replaced = ?",
            (std_no, escaped + "-%", std_no),
        ).fetchall()
        shas = {r[0] for r in rows}
        for old in replaces:
            shas.update(self.find(std_no=old))
        members = [m["std_no"] for m in (self.metadata(sha) for sha in shas) if m]
        for member in members:
            rows = self.db.execute("SELECT sha256 FROM replacements WHERE replaced = ?", (member,))
            shas.update(r[0] for r in rows)
        return [m for m in (self.metadata(sha) for sha in sorted(shas)) if m is not None]

    def move_overrides(self, old: str, new: str, conn: sqlite3.Connection | None = None) -> None:
        """A changed file replacing its entry keeps the librarian's corrections."""
        (conn or self.db).execute(
            "UPDATE OR REPLACE overrides SET sha256 = ? WHERE sha256 = ?", (new, old)
        )

    def cited_by(self, std_no: str) -> list[str]:
        """shas of library standards whose normative references cite `std_no` (any edition)."""
        rows = self.db.execute(
            "SELECT DISTINCT c.sha256 FROM citations c JOIN standards s ON s.sha256 = c.sha256"
            " WHERE c.undated = ? AND (c.cited = c.undated OR c.cited = ?)",
            (_undated(std_no), std_no),
        )
        return [r[0] for r in rows]

    # -- citation health ----------------------------------------------------------

    def all_citations(self) -> list[tuple[str, str]]:
        """(citing sha256, cited number) for every normative reference in the library, in
        one read: the citation-health report resolves them all against one edition index."""
        rows = self.db.execute(
            "SELECT c.sha256, c.cited FROM citations c JOIN standards s ON s.sha256 = c.sha256"
            " ORDER BY s.std_no, c.rowid"
        )
        return [(r[0], r[1]) for r in rows]

    def editions_for(self, numbers: list[str]) -> list[dict[str, Any]]:
        """The entries that tell what `numbers` (cited editions or families) mean today:
        every held edition of their families, the standards whose 代替 lists name one of
        those, and the successors these lead to. A few queries however many numbers (one
        more per step along a chain of successors), never one per number."""
        families = sorted({_undated(n) for n in numbers if n})
        shas: set[str] = set()
        # SQLite parses an OR chain as a tree of that depth: a standard's references are
        # asked for in chunks well under its limit of 1000.
        for start in range(0, len(families), 200):
            chunk = families[start : start + 200]
            shas |= self._family_shas(chunk, "standards", "std_no")
            # A librarian's corrected number or 代替 list: few rows, all taken.
            rows = self.db.execute(
                "SELECT sha256 FROM overrides WHERE field IN ('std_no', 'replaces')"
            )
            shas |= {r[0] for r in rows}
            held = {e["std_no"] for e in self._metadata_of(shas).values()}
            shas |= self._family_shas(sorted(held | set(chunk)), "replacements", "replaced")
        entries = self._metadata_of(shas)
        # Follow successors the families do not hold (GB 12349-1990 → GB 12348-2008).
        for _ in range(20):
            held = {e["std_no"] for e in entries.values()}
            wanted = sorted({e.get("replaced_by") or "" for e in entries.values()} - held - {""})
            if not wanted:
                break
            marks = ",".join("?" for _ in wanted)
            rows = self.db.execute(
                f"SELECT sha256 FROM standards WHERE std_no IN ({marks})", wanted
            )
            new = {r[0] for r in rows} - set(entries)
            if not new:
                break
            entries.update(self._metadata_of(new))
        return list(entries.values())

    def _family_shas(self, numbers: list[str], table: str, column: str) -> set[str]:
        """shas of `table` rows whose `column` is one of `numbers` or an edition of one."""
        if not numbers:
            return set()
        families = sorted({_undated(n) for n in numbers})
        escaped = [
            f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%" for f in families
        ]
        like = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in families)
        marks = ",".join("?" for _ in numbers)
        rows = self.db.execute(
            f"SELECT sha256 FROM {table} WHERE {column} IN ({marks}) OR {like}",
            [*numbers, *escaped],
        )
        return {r[0] for r in rows}

    def _metadata_of(self, shas: set[str]) -> dict[str, dict[str, Any]]:
        """Entries of many shas, overrides applied, in two queries."""
        if not shas:
            return {}
        ordered = sorted(shas)
        marks = ",".join("?" for _ in ordered)
        rows = self.db.execute(
            f"SELECT sha256, metadata FROM standards WHERE sha256 IN ({marks})", ordered
        ).fetchall()
        overrides = self._all_overrides(ordered)
        return {
            row["sha256"]: _overridden(
                json.loads(row["metadata"]), overrides.get(row["sha256"], {})
            )
            for row in rows
        }

    def has(self, sha256: str) -> bool:
        row = self.db.execute("SELECT 1 FROM standards WHERE sha256 = ?", (sha256,)).fetchone()
        return row is not None

    def shas(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT sha256 FROM standards ORDER BY std_no")]

    def metadata(self, sha256: str) -> dict[str, Any] | None:
        row = self.db.execute(
            "SELECT metadata FROM standards WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is None:
            return None
        return self._with_overrides(sha256, json.loads(row["metadata"]))

    def all_metadata(self) -> list[dict[str, Any]]:
        rows = self.db.execute("SELECT sha256, metadata FROM standards ORDER BY std_no").fetchall()
        overrides = self._all_overrides()
        return [
            _overridden(json.loads(row["metadata"]), overrides.get(row["sha256"], {}))
            for row in rows
        ]

    def find(self, *, std_no: str | None = None, source_file: str | None = None) -> list[str]:
        """By number, a standard is found under its parsed number and under the one a
        librarian corrected it to."""
        if std_no is not None:
            rows = self.db.execute(
                "SELECT sha256 FROM standards WHERE std_no = ?"
                " UNION SELECT o.sha256 FROM overrides o JOIN standards s ON s.sha256 = o.sha256"
                " WHERE o.field = 'std_no' AND o.value = ?",
                (std_no, json.dumps(std_no, ensure_ascii=False)),
            )
        else:
            rows = self.db.execute(
                "SELECT sha256 FROM standards WHERE source_file = ?", (source_file,)
            )
        return [r[0] for r in rows]

    def set_derived(self, sha256: str, status: str, replaced_by: str) -> None:
        """Store the status derived from the library (librarian overrides still win on read)."""
        row = self.db.execute(
            "SELECT metadata FROM standards WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is not None:
            data = json.loads(row["metadata"])
            data["status"] = status
            data["replaced_by"] = replaced_by
            self.db.execute(
                "UPDATE standards SET status = ?, metadata = ? WHERE sha256 = ?",
                (status, json.dumps(data, ensure_ascii=False), sha256),
            )

    def set_parsed_field(self, sha256: str, field: str, value: Any) -> None:
        """Add a field to a stored parse's metadata: what a parse made before the field
        existed gets on `reindex` (librarian overrides still win on read)."""
        row = self.db.execute(
            "SELECT metadata FROM standards WHERE sha256 = ?", (sha256,)
        ).fetchone()
        if row is not None:
            data = json.loads(row["metadata"])
            data[field] = value
            self.db.execute(
                "UPDATE standards SET metadata = ? WHERE sha256 = ?",
                (json.dumps(data, ensure_ascii=False), sha256),
            )

    # -- librarian overrides ---------------------------------------------------

    def set_override(self, sha256: str, field: str, value: Any, user: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO overrides (sha256, field, value, changed_by, changed_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (sha256, field, json.dumps(value, ensure_ascii=False), user, now_iso()),
        )
        if field == "replaces":
            self._set_replacements(sha256, value, self.db)

    def clear_override(self, sha256: str, field: str) -> None:
        """The field goes back to what was parsed or derived."""
        self.db.execute("DELETE FROM overrides WHERE sha256 = ? AND field = ?", (sha256, field))
        if field == "replaces":
            row = self.db.execute(
                "SELECT metadata FROM standards WHERE sha256 = ?", (sha256,)
            ).fetchone()
            if row is not None:
                parsed = json.loads(row["metadata"]).get("replaces", [])
                self._set_replacements(sha256, parsed, self.db)

    def clear_overrides(self, sha256: str) -> None:
        self.db.execute("DELETE FROM overrides WHERE sha256 = ?", (sha256,))

    def overrides(self, sha256: str) -> dict[str, Any]:
        return {
            field: value
            for field, (value, _) in self._all_overrides([sha256]).get(sha256, {}).items()
        }

    def _all_overrides(
        self, shas: list[str] | None = None
    ) -> dict[str, dict[str, tuple[Any, str]]]:
        """Each standard's overrides (of `shas`, or of all): field → (value, its source as
        `sources` names it)."""
        query = "SELECT sha256, field, value, changed_by FROM overrides"
        if shas is None:
            rows = self.db.execute(query)
        else:
            marks = ",".join("?" for _ in shas)
            rows = self.db.execute(f"{query} WHERE sha256 IN ({marks})", shas)
        result: dict[str, dict[str, tuple[Any, str]]] = {}
        for row in rows:
            value = json.loads(row["value"])
            result.setdefault(row["sha256"], {})[row["field"]] = (
                value,
                override_source(row["changed_by"]),
            )
        return result

    def _with_overrides(self, sha256: str, data: dict[str, Any]) -> dict[str, Any]:
        return _overridden(data, self._all_overrides([sha256]).get(sha256, {}))

    # -- ingest log ------------------------------------------------------------

    def log(
        self,
        file: str,
        outcome: str,
        reason: str = "",
        sha256: str | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> None:
        (conn or self.db).execute(
            "INSERT INTO ingest_log (file, sha256, at, outcome, reason) VALUES (?, ?, ?, ?, ?)",
            (file, sha256, now_iso(), outcome, reason),
        )

    def ingest_log(self, limit: int = 100) -> list[IngestLogEntry]:
        rows = self.db.execute(
            "SELECT file, sha256, at, outcome, reason FROM ingest_log ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        return [IngestLogEntry(**dict(r)) for r in rows]
