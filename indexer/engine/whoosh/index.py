"""The Whoosh index: schema, the single writer, and atomic rebuilds.

One index document per clause, carrying its standard's metadata for filtering and
display, plus one per standard (number, titles) so number and title queries rank the
standard itself. The index is derived: `rebuild_index` recreates it from the library's
JSON alone, in a new generation directory that is swapped in by an atomic rename of a
pointer file, so searchers never see a half-built index.

Whoosh allows one writer per index. Every write takes a library-wide file lock first
(with a timeout), so an upload, a batch ingest and a rebuild queue up instead of
failing with `LockError`. Writers that change the catalogue take the same lock before
committing (see `write_lock`), so a rebuild, which holds it from listing the catalogue to
swapping the new generation in, never misses a change.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from whoosh import index as whoosh_index
from whoosh.analysis import StemmingAnalyzer
from whoosh.fields import BOOLEAN, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from analyzers.chinese import bigram_analyzer, word_analyzer
from analyzers.stdno import parse_std_no
from indexer.library.dictionary import index_words, learn_words
from indexer.library.model import Clause, Standard
from indexer.library.store import LibraryBusy, lock_timeout

POINTER = "CURRENT"
T = TypeVar("T")
# Segments stay separate files. Whoosh 2.7.4 opens a file inside a compound segment by
# copying it into memory, on every searcher: 0.2 s per search at 100,000 clauses.
COMPOUND = False


class IndexBusy(LibraryBusy):
    """Another writer held the index longer than we were willing to wait."""


# Index roots whose write lock this thread holds: the lock is re-entrant per thread.
_held = threading.local()


def build_schema() -> Schema:
    words, bigrams = word_analyzer(), bigram_analyzer()
    return Schema(
        doc_id=ID(unique=True, stored=True),
        # Columns (sortable) let search read these for every document without
        # unpickling stored clause texts.
        doc_type=ID(stored=True, sortable=True),  # "standard" or "clause"
        sha256=ID(stored=True, sortable=True),
        std_no=ID(stored=True),
        std_keys=KEYWORD(lowercase=True, scorable=True, field_boost=1.0),
        title=TEXT(analyzer=words, stored=True),
        title_bi=TEXT(analyzer=bigrams),
        title_en=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        clause_no=ID(stored=True, sortable=True),
        heading=TEXT(analyzer=words, stored=True, sortable=True),
        heading_bi=TEXT(analyzer=bigrams),
        # The ancestors' headings: a paragraph numbered 8.3.1.1 has no heading of its
        # own, and what it is about is said by 8.3.1 "运输指数（TI）的确定" above it.
        context=TEXT(analyzer=words),
        context_bi=TEXT(analyzer=bigrams),
        body=TEXT(analyzer=words, stored=True, chars=True),
        body_bi=TEXT(analyzer=bigrams),
        path=STORED,
        page=NUMERIC(stored=True),
        page_end=STORED,
        clause_kind=ID(stored=True, sortable=True),
        order=NUMERIC(stored=True, sortable=True),
        status=ID(stored=True),
        level=ID(stored=True),
        kind=ID(stored=True),
        region=ID(stored=True),
        prefix=ID(stored=True),
        ics=KEYWORD(stored=True, commas=True),
        ccs=ID(stored=True),
        year=NUMERIC(stored=True),
        issued=STORED,
        effective=STORED,
        ocr=BOOLEAN(stored=True),
        term_en=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )


def std_keys(std_no: str) -> str:
    number = parse_std_no(std_no) if std_no else None
    return " ".join(number.variants()) if number else std_no.lower().replace(" ", "")


def standard_fields(standard: Standard) -> dict:
    """The metadata every index document of one standard carries."""
    number = parse_std_no(standard.std_no) if standard.std_no else None
    return {
        "sha256": standard.sha256,
        "std_no": standard.std_no,
        "title": standard.title_zh,
        "status": standard.status,
        "level": standard.level,
        "kind": standard.kind,
        "region": standard.region,
        "prefix": standard.prefix,
        "ics": ",".join(standard.ics),
        "ccs": standard.ccs,
        "year": int(number.year) if number and number.year else 0,
        "issued": standard.issued,
        "effective": standard.effective,
    }


def index_documents(standard: Standard) -> Iterator[dict]:
    common = standard_fields(standard)
    yield {
        **common,
        "doc_id": f"{standard.sha256}:std",
        "doc_type": "standard",
        # Every column gets a value in every document: Whoosh 2.7.4's column writer drops
        # the rows of documents at the end of a segment that lack one, and reading them
        # then fails with "array index out of range".
        "clause_no": "",
        "heading": "",
        "clause_kind": "",
        "std_keys": std_keys(standard.std_no),
        "title_bi": standard.title_zh,
        "title_en": standard.title_en,
        "order": -1,
        "page": 1,
    }
    terms = {term.clause_no: term for term in standard.terms}
    for clause in standard.clauses:
        document = {**common, **clause_fields(standard, clause)}
        term = terms.get(clause.clause_no)
        if term is not None:
            document["term_en"] = term.term_en
        yield document


def clause_fields(standard: Standard, clause: Clause) -> dict:
    return {
        "doc_id": f"{standard.sha256}:{clause.order}",
        "doc_type": "clause",
        "clause_no": clause.clause_no,
        "heading": clause.heading,
        "heading_bi": clause.heading,
        "body": clause.text,
        "body_bi": clause.text,
        "path": " / ".join(clause.path),
        "context": " ".join(clause.path),
        "context_bi": " ".join(clause.path),
        "page": clause.page_start,
        "page_end": clause.page_end,
        "clause_kind": clause.kind,
        "order": clause.order,
        "ocr": clause.ocr,
    }


READ_ATTEMPTS = 3


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


class SearchIndex:
    """The current index generation under `root`, and the lock that guards writing it."""

    def __init__(self, root: Path):
        self.root = Path(root)

    # -- generations -------------------------------------------------------------

    def current_dir(self) -> Path | None:
        pointer = self.root / POINTER
        if not pointer.exists():
            return None
        return self.root / pointer.read_text().strip()

    def _new_generation(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        name = f"gen-{time.time_ns()}"
        path = self.root / name
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return path

    def _point_to(self, generation: Path) -> None:
        tmp = self.root / f".{POINTER}.tmp"
        tmp.write_text(generation.name)
        os.replace(tmp, self.root / POINTER)

    def open(self) -> whoosh_index.Index:
        current = self.current_dir()
        if current is None or not whoosh_index.exists_in(str(current)):
            with self.write_lock():
                current = self.current_dir()
                if current is None or not whoosh_index.exists_in(str(current)):
                    current = self._new_generation()
                    self._point_to(current)
        return whoosh_index.open_dir(str(current))

    # -- writing ---------------------------------------------------------------------

    @contextmanager
    def write_lock(self, timeout: float | None = None) -> Iterator[None]:
        """The library's single index writer. Re-entrant within a thread, so that a writer
        can take it before committing its catalogue change and keep it while it writes
        the index: a timeout (`IndexBusy`) then comes before anything is changed.

        Other threads and processes wait up to `timeout` seconds (`lock_timeout()` by
        default). The lock is a file lock the kernel drops when its holder dies."""
        held = _held.__dict__.setdefault("roots", set())
        key = str(self.root.resolve())
        if key in held:
            yield
            return
        timeout = lock_timeout() if timeout is None else timeout
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".write.lock", "a+") as lock:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise IndexBusy(
                            f"the search index has been busy with another writer for over"
                            f" {timeout:g} s (a reindex or a batch ingest?); try again later"
                        ) from None
                    time.sleep(0.1)
            held.add(key)
            try:
                yield
            finally:
                held.discard(key)
                fcntl.flock(lock, fcntl.LOCK_UN)

    def replace(self, standard: Standard | None, removed: list[str] = ()) -> None:
        self.replace_many([standard] if standard is not None else [], removed)

    def replace_many(self, standards: list[Standard], removed: list[str] = ()) -> None:
        """Put standards' documents in (replacing their old ones) and drop `removed` shas,
        in one commit: a searcher sees all of it or none."""
        learn_words(standards)
        with self.write_lock():
            # Opened under the lock: a rebuild swaps generations, and deletes the old one,
            # only while it holds the lock.
            ix = self.open()
            writer = ix.writer(timeout=60, compound=COMPOUND)
            try:
                for sha in removed:
                    writer.delete_by_term("sha256", sha)
                for standard in standards:
                    writer.delete_by_term("sha256", standard.sha256)
                    for document in index_documents(standard):
                        writer.add_document(**document)
            except BaseException:
                writer.cancel()
                raise
            writer.commit()

    def words(self) -> set[str]:
        return self._read(index_words)

    def indexed_shas(self) -> set[str]:
        return self._read(
            lambda searcher: {s["sha256"] for s in searcher.documents(doc_type="standard")}
        )

    def _read(self, work: Callable[..., T]) -> T:
        """`work(searcher)` on the current generation, again on the new one if a rebuild
        swapped it in (and deleted the old one's files) while we read."""
        for attempt in range(1, READ_ATTEMPTS + 1):
            generation = self.current_dir()
            try:
                return read_latest(self.open(), work)
            except Exception:
                if attempt == READ_ATTEMPTS or self.current_dir() == generation:
                    raise
        raise AssertionError("unreachable")

    def rebuild(self, standards: Iterator[Standard], progress=None) -> int:
        """Write every standard into a fresh generation, then swap it in atomically."""
        count = 0
        with self.write_lock():
            generation = self._new_generation()
            ix = whoosh_index.open_dir(str(generation))
            writer = ix.writer(limitmb=256, procs=1, compound=COMPOUND)
            try:
                for standard in standards:
                    for document in index_documents(standard):
                        writer.add_document(**document)
                    count += 1
                    if progress:
                        progress(standard)
                writer.commit(optimize=True)
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
