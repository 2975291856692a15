"""The Whoosh engine: the library's index embedded in its data directory.

The index lives in generations (`index/gen-…`), the current one named by the pointer file
`index/CURRENT`. A rebuild writes a new generation and swaps the pointer with an atomic
rename, so searchers never see a half-built index. Whoosh allows one writer per index;
every write holds the library's write lock (`Library.write_lock`), so an upload, a batch
ingest and a rebuild queue up instead of failing with `LockError`.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TypeVar

import jieba
from whoosh import index as whoosh_index

from analyzers.segmenter import dictionary_fingerprint, user_words
from indexer.engine.documents import CLAUSE, STANDARD, index_documents
from indexer.engine.interface import DictionaryMismatch
from indexer.library.dictionary import MAX_HEADING, learn_words
from indexer.library.model import Standard
from indexer.library.store import Library, atomic_write_bytes

from .schema import COMPOUND, build_schema
from .snapshot import WhooshSnapshot
from .table import POSTINGS_KEPT, TableCache

POINTER = "CURRENT"
# Beside each generation's segments: the domain words and the fingerprint of the
# dictionary its text was cut with (`analyzers.segmenter.dictionary_fingerprint`).
DICTIONARY = "dictionary.json"
READ_ATTEMPTS = 3
T = TypeVar("T")


def read_latest(ix: whoosh_index.Index, work: Callable[..., T], **searcher_options) -> T:
    """`work(searcher)`, done again on a fresh searcher when a commit changed the index
    under it. Whoosh opens a segment's files lazily and a commit that merges segments
    deletes the old ones, so a searcher opened just before a commit can find the file it
    reaches for gone (`TypeError`, `OSError`) while an ingest writes the library."""
    for attempt in range(1, READ_ATTEMPTS + 1):
        with ix.searcher(**searcher_options) as searcher:
            try:
                return work(searcher)
            except Exception:
                if attempt == READ_ATTEMPTS or searcher.up_to_date():
                    raise
    raise AssertionError("unreachable")


class WhooshEngine:
    """`interface.SearchEngine` over the Whoosh index of one library."""

    name = "whoosh"

    def __init__(self, library: Library, postings_kept: int = POSTINGS_KEPT):
        self.library = library
        self.root = library.index_root
        self._tables = TableCache(postings_kept)
        self._opened: tuple[Path, whoosh_index.Index] | None = None
        self._open_lock = threading.Lock()

    # -- generations ---------------------------------------------------------------------

    def current_dir(self) -> Path | None:
        pointer = self.root / POINTER
        if not pointer.exists():
            return None
        return self.root / pointer.read_text().strip()

    def _new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        path = self.root / f"gen-{time.time_ns()}"
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return path

    def _point_to(self, generation: Path) -> None:
        tmp = self.root / f".{POINTER}.tmp"
        tmp.write_text(generation.name)
        os.replace(tmp, self.root / POINTER)

    def index(self) -> whoosh_index.Index:
        """The current generation's Whoosh index (created empty on first use), kept open
        until a rebuild swaps in another: each searcher reads its latest commit."""
        current = self.current_dir()
        with self._open_lock:
            if self._opened is not None and self._opened[0] == current:
                return self._opened[1]
        if current is None or not whoosh_index.exists_in(str(current)):
            with self.library.write_lock():
                current = self.current_dir()
                if current is None or not whoosh_index.exists_in(str(current)):
                    current = self._new_generation()
                    self._point_to(current)
        opened = whoosh_index.open_dir(str(current))
        with self._open_lock:
            self._opened = (current, opened)
        return opened

    # -- writing -------------------------------------------------------------------------

    def update(self, standards: Sequence[Standard], removed: Sequence[str] = ()) -> None:
        learn_words(standards)
        with self.library.write_lock():
            # Opened under the lock: a rebuild swaps generations, and deletes the old one,
            # only while it holds the lock.
            writer = self.index().writer(timeout=60, compound=COMPOUND)
            try:
                for sha in removed:
                    writer.delete_by_term("sha256", sha)
                # An index written before a field existed takes documents without it
                # until `reindex` writes a generation with the current schema.
                known = set(writer.schema.names())
                for standard in standards:
                    writer.delete_by_term("sha256", standard.sha256)
                    for document in index_documents(standard):
                        writer.add_document(**{k: v for k, v in document.items() if k in known})
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            _record_dictionary(self.current_dir())

    def rebuild(
        self, standards: Iterable[Standard], progress: Callable[[Standard], None] | None = None
    ) -> int:
        count = 0
        with self.library.write_lock():
            generation = self._new_generation()
            ix = whoosh_index.open_dir(str(generation))
            writer = ix.writer(limitmb=256, procs=1, compound=COMPOUND)
            try:
                for standard in standards:
                    # A no-op for words a caller taught jieba first, as a reindex does so
                    # that the first standard is cut like the last.
                    learn_words([standard])
                    for document in index_documents(standard):
                        writer.add_document(**document)
                    count += 1
                    if progress:
                        progress(standard)
                writer.commit(optimize=True)
                _record_dictionary(generation)
            except BaseException:
                writer.cancel()
                shutil.rmtree(generation, ignore_errors=True)
                raise
            self._point_to(generation)
            # The old generation, and any a killed rebuild left half-built: no writer can be
            # in one while we hold the lock, and open searchers keep their files (POSIX).
            for stale in self.root.glob("gen-*"):
                if stale != generation:
                    shutil.rmtree(stale, ignore_errors=True)
        return count

    # -- reading -------------------------------------------------------------------------

    def read(self, work: Callable[[WhooshSnapshot], T]) -> T:
        """`work(snapshot)` on the current generation's latest commit; again on a fresh
        searcher when a commit, or a rebuild that swapped generations and deleted the old
        one's files, changed the index while it read."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            generation = self.current_dir()
            ix = self.index()
            try:
                return read_latest(ix, lambda searcher, ix=ix: work(self._snapshot(ix, searcher)))
            except Exception:
                if attempt == READ_ATTEMPTS or self.current_dir() == generation:
                    raise
        raise AssertionError("unreachable")

    def _snapshot(self, ix: whoosh_index.Index, searcher) -> WhooshSnapshot:
        # The searcher's own generation: the index's latest may already be newer.
        key = (getattr(ix.storage, "folder", id(ix)), searcher.reader().generation())
        return WhooshSnapshot(searcher, lambda: self._tables.of(key, searcher))

    def pending(self) -> int:
        return 0  # a write to the embedded index either happens or raises

    def drain(self) -> int:
        return 0

    def indexed_shas(self) -> set[str]:
        return self.read(
            lambda snapshot: {s["sha256"] for s in snapshot.searcher.documents(doc_type=STANDARD)}
        )

    def dictionary_words(self) -> set[str]:
        """The domain words the index was cut with, as its writer recorded them; from an
        index written before they were recorded, read back from its documents (defined
        terms and short headings: what `learn_words` gave jieba)."""
        recorded = _recorded_dictionary(self.current_dir())
        if recorded is not None:
            return set(recorded["words"])

        def words(snapshot: WhooshSnapshot) -> set[str]:
            found = set()
            for stored in snapshot.searcher.documents(doc_type=CLAUSE):
                heading = stored.get("heading") or ""
                if stored.get("clause_kind") == "term" or 2 <= len(heading) <= MAX_HEADING:
                    found.add(heading)
            return found

        return self.read(words)

    def missing_fields(self) -> list[str]:
        if self.current_dir() is None:
            return []
        return sorted(set(build_schema().names()) - set(self.index().schema.names()))

    def check_dictionary(self) -> None:
        recorded = _recorded_dictionary(self.current_dir())
        if recorded is None:
            return
        mine = dictionary_fingerprint()
        if recorded["fingerprint"] != mine:
            raise DictionaryMismatch(
                f"the search index was cut with jieba dictionary {recorded['fingerprint']}"
                f" (jieba {recorded.get('jieba', '?')}), queries with {mine}"
                f" (jieba {jieba.__version__}): words may not be found as they were indexed;"
                " run `stdsearch reindex`"
            )


def _record_dictionary(generation: Path | None) -> None:
    """What the writer's jieba held when it cut the documents just committed."""
    if generation is None:
        return
    record = {
        "fingerprint": dictionary_fingerprint(),
        "jieba": jieba.__version__,
        "words": sorted(user_words()),
    }
    atomic_write_bytes(generation / DICTIONARY, json.dumps(record, ensure_ascii=False).encode())


def _recorded_dictionary(generation: Path | None) -> dict | None:
    try:
        return json.loads((generation / DICTIONARY).read_text(encoding="utf-8"))
    except (TypeError, OSError, ValueError):
        return None
