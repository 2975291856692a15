"""Bulk export of the catalogue (open data) and import of metadata-only records.

The export is one record per standard: the keys of `stdsearch list --json`, whether the
library holds its text (`text_held`), its status history (the change log and the audit
log), its edition chain (the other editions of its family the library knows) and its
normative references. It is read with keyset pagination, a batch at a time, so memory
stays flat however large the catalogue: nothing here ever holds the whole catalogue.

The import adds metadata-only records (未收录全文): standards the catalogue knows without
holding their text, keyed `meta-…` (store.py). A file is validated whole before anything
is written, then applied in one transaction: a malformed file changes nothing, and a
re-import updates the records it made rather than adding others. A standard whose text
the library holds is never overwritten by an imported record.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from analyzers.stdno import parse_std_no

from . import changes
from .catalogue import Catalogue, override_source
from .index_updates import IndexUpdates
from .lookup import load_standard
from .model import Adoption, Reference, Standard
from .store import Library, is_metadata_only, metadata_only_key

BATCH = 500
IMPORT = "import"  # the change log's source for imported records

# Status-related events a record's history carries (a new standard's arrival is not one).
HISTORY_KINDS = (changes.STATUS_CHANGE, changes.REPLACED, changes.WITHDRAWN)
HISTORY_KEYS = ("at", "kind", "field", "old", "new", "source")
EXTRA_KEYS = ("status_history", "editions", "references")

# What an import accepts, key by key: anything else is refused.
_STR = [
    "std_no",
    "prefix",
    "kind",
    "level",
    "region",
    "title_zh",
    "title_en",
    "ccs",
    "issued",
    "effective",
    "status",
    "replaced_by",
    "withdrawn",
    "adopts",
    "draft",
    "sha256",
    "source_file",
    "notes",
]
_STR_LISTS = ("ics", "replaces", "issuers", "missing", "editions", "references")
_INT_LISTS = ("needs_ocr", "ocr_pages")
MAX_TEXT = 4000
MAX_ITEMS = 2000
MAX_LINE = 1 << 20
CSV_COLUMNS = [
    f.name for f in fields(Standard) if f.name not in ("clauses", "terms", "references")
] + list(EXTRA_KEYS)
# Every record carries every key: a standard parsed before a field existed gets its default.
_DEFAULTS = Standard().to_dict(structure=False)


def _undated(std_no: str) -> str:
    number = parse_std_no(std_no) if std_no else None
    return number.undated if number else std_no


# -- export ------------------------------------------------------------------------------


def _batches(catalogue: Catalogue, size: int = BATCH) -> Iterator[list[tuple[str, str]]]:
    """(key, metadata JSON) of every row, ordered by number, `size` at a time: keyset
    pagination, so each batch is one indexed query and nothing accumulates."""
    last = ("", "")
    while True:
        rows = catalogue.db.execute(
            "SELECT sha256, std_no, metadata FROM standards"
            " WHERE std_no > ? OR (std_no = ? AND sha256 > ?)"
            " ORDER BY std_no, sha256 LIMIT ?",
            (last[0], last[0], last[1], size),
        ).fetchall()
        if not rows:
            return
        yield [(r["sha256"], r["metadata"]) for r in rows]
        last = (rows[-1]["std_no"], rows[-1]["sha256"])


def _grouped(db, query: str, keys: list[str]) -> dict[str, list]:
    marks = ",".join("?" for _ in keys)
    result: dict[str, list] = {}
    for row in db.execute(query.format(marks=marks), keys):
        result.setdefault(row[0], []).append(tuple(row)[1:])
    return result


def _history(db, keys: list[str]) -> dict[str, list[dict[str, str]]]:
    """Status events of these standards: the change log's, and the audit log's status
    edits the change log does not also tell (those made before it existed)."""
    logged = _grouped(
        db,
        "SELECT sha256, at, kind, field, old, new, source FROM change_log"
        " WHERE sha256 IN ({marks}) AND (kind IN ('status_change', 'replaced', 'withdrawn')"
        " OR field = 'status') ORDER BY id",
        keys,
    )
    audited = _grouped(
        db,
        "SELECT sha256, changed_at, old_value, new_value, changed_by FROM audit_log"
        " WHERE sha256 IN ({marks}) AND field = 'status' ORDER BY id",
        keys,
    )
    result: dict[str, list[dict[str, str]]] = {}
    for key in keys:
        events = [dict(zip(HISTORY_KEYS, row, strict=True)) for row in logged.get(key, [])]
        seen = {(e["at"], e["new"]) for e in events}
        for at, old, new, by in audited.get(key, []):
            if (at, new) not in seen:
                events.append(
                    {
                        "at": at,
                        "kind": changes.STATUS_CHANGE,
                        "field": "status",
                        "old": old,
                        "new": new,
                        "source": by,
                    }
                )
        if events:
            result[key] = sorted(events, key=lambda e: e["at"])
    return result


def export_records(catalogue: Catalogue) -> Iterator[dict[str, Any]]:
    """Every standard as an export record, ordered by number, a batch at a time. The
    edition chain is the family's other editions: a family's editions sort together
    (`GB/T 1234-2001` < `GB/T 1234-2020` < `GB/T 1234.1…`), so one family is held at once."""
    family_key = None
    family: list[dict[str, Any]] = []
    for batch in _batches(catalogue):
        keys = [key for key, _ in batch]
        db = catalogue.db
        overrides = _grouped(
            db,
            "SELECT sha256, field, value, changed_by FROM overrides WHERE sha256 IN ({marks})",
            keys,
        )
        cited = _grouped(
            db, "SELECT sha256, cited FROM citations WHERE sha256 IN ({marks}) ORDER BY rowid", keys
        )
        history = _history(db, keys)
        for key, metadata in batch:
            data = {**_DEFAULTS, **json.loads(metadata)}
            for name, value, changed_by in overrides.get(key, []):
                data[name] = json.loads(value)
                data.setdefault("sources", {})[name] = override_source(changed_by)
            imported = data.pop("status_history", None) or []
            data["text_held"] = not is_metadata_only(key)
            data["status_history"] = imported + history.get(key, [])
            data["references"] = [c for (c,) in cited.get(key, [])]
            undated = _undated(data.get("std_no", ""))
            if undated != family_key:
                yield from _with_editions(family)
                family_key, family = undated, []
            family.append(data)
    yield from _with_editions(family)


def _with_editions(family: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    numbers = [m.get("std_no", "") for m in family]
    for member in family:
        member["editions"] = [n for n in numbers if n and n != member.get("std_no")]
        yield member


def jsonl_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    for record in records:
        yield json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"


def csv_lines(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One row per standard; lists joined with `; `, nested values as JSON."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for record in records:
        row = []
        for column in CSV_COLUMNS:
            value = record.get(column, "")
            if isinstance(value, list) and all(isinstance(v, str) for v in value):
                value = "; ".join(value)
            elif isinstance(value, list | dict):
                value = json.dumps(value, ensure_ascii=False, sort_keys=True)
            row.append(value)
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def fulltext_records(library: Library, catalogue: Catalogue) -> Iterator[dict[str, Any]]:
    """Clauses, tables (kept in the clause text), terms and references of every standard
    whose text the library holds. For librarians only: see the licensing note."""
    for batch in _batches(catalogue):
        for key, metadata in batch:
            if is_metadata_only(key):
                continue
            standard = library.load_extracted(key)
            data = standard.to_dict()
            yield {
                "std_no": json.loads(metadata).get("std_no", ""),
                "sha256": key,
                "clauses": data["clauses"],
                "terms": data["terms"],
                "references": data["references"],
            }


# -- import ------------------------------------------------------------------------------


class ImportRefused(ValueError):
    """The file is not a valid catalogue export; nothing was imported."""


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)  # text held here: left as it is

    def to_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "held": self.held}


def _check_list(value: Any, kind: type, where: str) -> None:
    if not isinstance(value, list) or len(value) > MAX_ITEMS:
        raise ImportRefused(f"{where}: must be a list of at most {MAX_ITEMS} items")
    for item in value:
        if not isinstance(item, kind) or isinstance(item, bool):
            raise ImportRefused(f"{where}: every item must be a {kind.__name__}")
        if isinstance(item, str) and len(item) > MAX_TEXT:
            raise ImportRefused(f"{where}: an item is longer than {MAX_TEXT} characters")


def _check_dicts(value: Any, keys: tuple[str, ...], where: str) -> None:
    _check_list(value, dict, where)
    for item in value:
        for name, text in item.items():
            if name not in keys:
                raise ImportRefused(f"{where}: unknown key {name!r}")
            if not isinstance(text, str) or len(text) > MAX_TEXT:
                raise ImportRefused(
                    f"{where}.{name}: must be text of at most {MAX_TEXT} characters"
                )


def validate_record(record: Any, line: int) -> dict[str, Any]:
    """One record of an import, checked key by key; the message names the line and key."""
    if not isinstance(record, dict):
        raise ImportRefused(f"line {line}: a record must be a JSON object")
    for key, value in record.items():
        _check_value(key, value, line)
    if not (record.get("std_no") or "").strip():
        raise ImportRefused(f"line {line}, key 'std_no': a record needs a standard number")
    return record


def _check_value(key: str, value: Any, line: int) -> None:
    where = f"line {line}, key {key!r}"
    if key in _STR:
        if not isinstance(value, str) or len(value) > MAX_TEXT:
            raise ImportRefused(f"{where}: must be text of at most {MAX_TEXT} characters")
    elif key in _STR_LISTS:
        _check_list(value, str, where)
    elif key in _INT_LISTS:
        _check_list(value, int, where)
    elif key == "pages":
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 100000:
            raise ImportRefused(f"{where}: must be a whole number of pages")
    elif key == "text_held":
        if not isinstance(value, bool):
            raise ImportRefused(f"{where}: must be true or false")
    elif key == "sources":
        if not isinstance(value, dict) or len(value) > 100:
            raise ImportRefused(f"{where}: must be an object of field → source")
        if not all(isinstance(v, str) and len(v) < 100 for v in value.values()):
            raise ImportRefused(f"{where}: every source must be short text")
    elif key == "adoption":
        _check_dicts(value, ("standard", "org", "degree"), where)
    elif key == "status_history":
        _check_dicts(value, HISTORY_KEYS, where)
    else:
        raise ImportRefused(f"line {line}: unknown key {key!r}")


def read_records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, validated record) of a JSONL file, one line at a time."""
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if len(line) > MAX_LINE:
                raise ImportRefused(f"line {number}: longer than {MAX_LINE} characters")
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise ImportRefused(f"line {number}: not JSON ({error.msg})") from None
            yield number, validate_record(record, number)


def _standard_of(record: dict[str, Any], key: str) -> tuple[Standard, list[dict[str, str]]]:
    known = {f.name for f in fields(Standard)} - {"clauses", "terms", "references"}
    values = {k: v for k, v in record.items() if k in known}
    values["adoption"] = [Adoption(**a) for a in record.get("adoption") or []]
    standard = Standard(**values)
    standard.sha256 = key
    standard.text_held = False
    standard.references = [Reference(std_no=n) for n in record.get("references") or []]
    return standard, list(record.get("status_history") or [])


def import_catalogue(library: Library, index: IndexUpdates, path: Path) -> ImportReport:
    """Validate the whole file, then add or update its records in one transaction."""
    seen: dict[str, int] = {}
    for number, record in read_records(path):
        std_no = record["std_no"]
        if std_no in seen:
            raise ImportRefused(
                f"line {number}, key 'std_no': {std_no} is also on line {seen[std_no]}"
            )
        seen[std_no] = number
    report = ImportReport()
    touched: list[str] = []
    with (
        Catalogue(library.catalogue_path) as catalogue,
        library.store_lock(),
        library.write_lock(),
    ):
        with catalogue.transaction() as conn:
            for _, record in read_records(path):
                std_no = record["std_no"]
                found = catalogue.find(std_no=std_no)
                if any(not is_metadata_only(sha) for sha in found):
                    report.held.append(std_no)
                    continue
                key = metadata_only_key(std_no)
                standard, history = _standard_of(record, key)
                library.save_extracted(standard)
                existed = catalogue.has(key)
                catalogue.put(standard, conn)
                conn.execute(
                    "UPDATE standards SET metadata = json_set(metadata, '$.status_history',"
                    " json(?)) WHERE sha256 = ?",
                    (json.dumps(history, ensure_ascii=False), key),
                )
                if existed:
                    report.updated.append(std_no)
                else:
                    report.added.append(std_no)
                    changes.record(
                        conn,
                        std_no=std_no,
                        sha256=key,
                        kind=changes.NEW_STANDARD,
                        source=IMPORT,
                        new=std_no,
                    )
                catalogue.log(path.name, IMPORT, "metadata-only record", key, conn)
                touched.append(key)
        for start in range(0, len(touched), BATCH):
            index.update(
                [load_standard(library, catalogue, k) for k in touched[start : start + BATCH]]
            )
    return report
