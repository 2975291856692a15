"""What the Whoosh engine knows of every document of one index generation, read once.

Ranking needs, for each candidate, its standard, heading, kind and order, and whether it
has text; counting matches and facets needs each document's standard, for tens of
thousands of documents a query. Reading stored fields for that costs a pickle per
document: this table reads the columns once per generation and keeps the answers, by
dictionary for the few lookups and by array for what runs over every match. It also
keeps what scoring reads again and again: field length norms and decoded posting lists.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Sequence
from itertools import chain

import numpy as np

from indexer.engine.documents import STANDARD, facet_values, heading_key, lead_key

from .scoring import Postings, doc_mask, length_norms, read_postings

# Postings a table keeps decoded (8 bytes each): 4 million, 32 MB.
POSTINGS_KEPT = 4_000_000


class DocumentTable:
    """Per index generation: each document's standard, heading and kind, each standard's
    stored fields, and the clause that stands for each standard."""

    COLUMNS = ("sha256", "doc_type", "clause_no", "heading", "clause_kind", "order")

    def __init__(self, searcher, postings_kept: int = POSTINGS_KEPT):
        reader = searcher.reader()
        self.doc_sha: dict[int, str] = {}
        self.doc_is_standard: dict[int, bool] = {}
        self.doc_heading: dict[int, str] = {}  # `heading_key()` of the heading
        self.doc_clause_no: dict[int, str] = {}
        self.doc_kind: dict[int, str] = {}
        self.doc_order: dict[int, int] = {}
        self.empty_docs: set[int] = set()
        self.standards: dict[str, dict] = {}
        self.first_clause: dict[str, int] = {}
        self._first_key: dict[str, tuple] = {}
        if all(reader.has_column(name) for name in self.COLUMNS):
            self._read_columns(reader)
        else:  # an index written before these fields had columns
            self._read_stored(reader)
        del self._first_key
        self._finish(reader.doc_count_all())
        self._norms: dict[tuple[str, float, float], Sequence[float]] = {}
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._postings_kept = 0
        self._postings_budget = postings_kept
        self._postings_lock = threading.Lock()
        self.values: dict[tuple, list[str]] = {}  # `Snapshot.values` answers, kept

    def postings(self, searcher) -> Callable[[str, str], Postings]:
        """`scoring.read_postings`, the most recently used kept up to `POSTINGS_KEPT` postings:
        Whoosh unpickles and decompresses every block of a posting list on every read, and
        the common words of a library (排放, 限值, 标准) are in most questions."""

        def postings(name: str, text: str) -> Postings:
            key = (name, text)
            with self._postings_lock:
                found = self._postings.get(key)
                if found is not None:
                    self._postings.move_to_end(key)
                    return found
            found = read_postings(searcher.reader(), name, text)
            with self._postings_lock:
                if key not in self._postings:
                    self._postings[key] = found
                    self._postings_kept += len(found[0])
                while self._postings_kept > self._postings_budget and len(self._postings) > 1:
                    _, (ids, _) = self._postings.popitem(last=False)
                    self._postings_kept -= len(ids)
            return found

        return postings

    def length_norms(self, searcher, K1: float) -> Callable[[str, float], Sequence[float]]:
        """`scoring.length_norms` of each field, read once per index generation."""

        def norms(name: str, b: float) -> Sequence[float]:
            key = (name, K1, b)
            if key not in self._norms:
                self._norms[key] = length_norms(searcher, name, K1, b)
            return self._norms[key]

        return norms

    def counts(self, matched: np.ndarray) -> tuple[dict[str, int], set[str]]:
        """Matching clauses per standard, and every standard matched (by a clause or its
        own document): tens of thousands of matches in a large library, counted by array."""
        standard = self.doc_standard[matched]
        known = standard >= 0
        clause = known & ~self.standard_docs[matched]
        per_standard = np.bincount(standard[clause], minlength=len(self.shas))
        counts = {self.shas[i]: int(per_standard[i]) for i in np.flatnonzero(per_standard)}
        return counts, {self.shas[i] for i in np.unique(standard[known]).tolist()}

    def facets(self, shas: set[str], names: Sequence[str]) -> dict[str, list[tuple[str, int]]]:
        """Counts of standards per facet value, most frequent first."""
        pairs = Counter(chain.from_iterable(self.facet_values.get(sha, ()) for sha in shas))
        counts: dict[str, Counter] = {name: Counter() for name in names}
        for (name, value), count in pairs.items():
            if name in counts:
                counts[name][value] = count
        return {
            name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()
        }

    def _read_columns(self, reader) -> None:
        columns = {name: reader.column_reader(name) for name in self.COLUMNS}
        for docnum in reader.all_doc_ids():
            row = {name: column[docnum] for name, column in columns.items()}
            if row["doc_type"] == STANDARD:
                row = reader.stored_fields(docnum)
            elif not reader.doc_field_length(docnum, "body", 0):
                row["body"] = ""
            else:
                row["body"] = "…"  # has text; what it says is not needed here
            self._add(docnum, row)

    def _read_stored(self, reader) -> None:
        for docnum, stored in reader.iter_docs():
            self._add(docnum, stored)

    def _add(self, docnum: int, stored: dict) -> None:
        sha = stored.get("sha256", "")
        self.doc_sha[docnum] = sha
        is_standard = stored.get("doc_type") == STANDARD
        self.doc_is_standard[docnum] = is_standard
        if is_standard:
            self.standards[sha] = stored
            return
        self.doc_heading[docnum] = heading_key(stored.get("heading") or "")
        self.doc_clause_no[docnum] = stored.get("clause_no") or ""
        self.doc_kind[docnum] = stored.get("clause_kind") or ""
        self.doc_order[docnum] = stored.get("order") or 0
        if not (stored.get("body") or "").strip():
            self.empty_docs.add(docnum)
        key = lead_key(stored.get("clause_no"), stored.get("order"))
        if sha not in self._first_key or key < self._first_key[sha]:
            self._first_key[sha] = key
            self.first_clause[sha] = docnum

    def _finish(self, size: int) -> None:
        # By array, for what runs over every matching document: each document's standard as
        # a number into `shas` (-1 for none: deleted), which documents are live, and which
        # are standards' own.
        self.shas = sorted(set(self.doc_sha.values()))
        number_of = {sha: i for i, sha in enumerate(self.shas)}
        self.doc_standard = np.full(size, -1, dtype=np.int32)
        self.doc_standard[list(self.doc_sha)] = [number_of[sha] for sha in self.doc_sha.values()]
        self.live_docs = self.doc_standard >= 0
        self.standard_docs = doc_mask([d for d, yes in self.doc_is_standard.items() if yes], size)
        self.facet_values = {sha: facet_values(meta) for sha, meta in self.standards.items()}


class TableCache:
    """The table of each generation an engine has searched (a few: old searchers finish
    on the generation they started on)."""

    def __init__(self, postings_kept: int = POSTINGS_KEPT):
        self._lock = threading.Lock()
        self._tables: dict[tuple, DocumentTable] = {}
        self.postings_kept = postings_kept

    def of(self, key: tuple, searcher) -> DocumentTable:
        with self._lock:
            found = self._tables.get(key)
        if found is None:
            found = DocumentTable(searcher, self.postings_kept)
            with self._lock:
                if len(self._tables) > 8:
                    self._tables.clear()
                self._tables[key] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._tables.clear()
