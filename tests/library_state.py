"""What a library and its processes look like from outside, for the tests that kill
stdsearch with SIGKILL: counts read from its files, the check that catalogue, store and
index agree standard for standard, and the processes still running for it."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library, sha256_file


def catalogue_rows(library: Library) -> int:
    """Committed catalogue entries, read as another process would (read-only)."""
    if not library.catalogue_path.exists():
        return 0
    db = sqlite3.connect(f"file:{library.catalogue_path}?mode=ro", uri=True, timeout=30)
    try:
        return db.execute("SELECT count(*) FROM standards").fetchone()[0]
    except sqlite3.OperationalError:  # the schema is not created yet
        return 0
    finally:
        db.close()


def stored_originals(library: Library) -> int:
    return sum(1 for p in (library.root / "originals").glob("*/*.pdf"))


def temporary_files(library: Library) -> list[str]:
    return [
        str(p.relative_to(library.root))
        for folder in ("originals", "extracted", "trash")
        for p in (library.root / folder).rglob(".tmp*")
    ]


def library_phase(library: Library) -> str:
    """Where a killed ingest was, told from the library's files before any repair:
    `store` (an original or JSON written, its entry not committed), `index` (an entry
    committed, its index documents not), else `parse` (between files)."""
    with Catalogue(library.catalogue_path) as catalogue:
        listed = set(catalogue.shas())
    originals = {p.stem for p in (library.root / "originals").glob("*/*.pdf")}
    if temporary_files(library) or originals - listed:
        return "store"
    if listed - WhooshEngine(library).indexed_shas():
        return "index"
    return "parse"


def assert_consistent(library: Library, batch: list[Path]) -> dict[str, str]:
    """Every file of the batch fully in (catalogue row, original, JSON and index
    documents) or cleanly absent; returns {source_file: sha256}."""
    with Catalogue(library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    by_file = {entry["source_file"]: entry["sha256"] for entry in entries}
    assert len(by_file) == len(entries), "a file is in the catalogue twice"
    std_nos = [entry["std_no"] for entry in entries if entry["std_no"]]
    assert len(set(std_nos)) == len(std_nos), "a standard is in the catalogue twice"

    index = WhooshEngine(library)
    with index.index().searcher() as searcher:
        documents = list(searcher.all_stored_fields())
    doc_ids = [d["doc_id"] for d in documents]
    assert len(set(doc_ids)) == len(doc_ids), "an index document is there twice"
    for path in batch:
        sha = sha256_file(path)
        original, extracted = library.original_path(sha), library.extracted_path(sha)
        in_index = [d for d in documents if d["sha256"] == sha]
        if path.name in by_file:
            assert by_file[path.name] == sha
            assert sha256_file(original) == sha, f"{path.name}: original missing or damaged"
            clauses = json.loads(extracted.read_text(encoding="utf-8"))["clauses"]
            assert len(in_index) == len(clauses) + 1, f"{path.name}: index documents missing"
        else:
            assert not original.exists(), f"{path.name}: original kept without its entry"
            assert not extracted.exists(), f"{path.name}: JSON kept without its entry"
            assert not in_index, f"{path.name}: in the index without its entry"
    assert set(by_file.values()) == index.indexed_shas(), "catalogue and index disagree"
    assert not temporary_files(library), "temporary files left behind"
    # No stale lock: a new writer gets the library's locks and Whoosh's at once.
    with library.store_lock(timeout=1), library.write_lock(timeout=1):
        index.index().writer(timeout=1).cancel()
    return by_file


def _stat_fields(pid: str) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return stat.rpartition(")")[2].split()  # state, ppid, …


def descendants(pid: int) -> set[int]:
    """The running (not zombie) children of `pid`, their children, and so on."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        fields = _stat_fields(entry) if entry.isdigit() else None
        if fields and fields[0] != "Z":
            parents.setdefault(int(fields[1]), []).append(int(entry))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def is_alive(pid: int) -> bool:
    fields = _stat_fields(str(pid))
    return fields is not None and fields[0] != "Z"


def processes_mentioning(text: str) -> set[int]:
    """Running processes whose command line holds `text` (a library's path: the ingest or
    server that was started on it, and every worker it forked, whose command line is its
    parent's)."""
    needle = text.encode()
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if needle in command and is_alive(int(entry)):
            found.add(int(entry))
    return found
