"""The engine interface: the one seam between stdsearch and a search index.

Ingest writes standards through it; the search core reads through it. Whoosh
(`indexer.engine.whoosh`) is the embedded implementation; another engine implements
the same two protocols and passes the same contract tests (`tests/engine/`), and
nothing above the seam changes.

What an engine must do, and no more:

* **Write** a standard's documents (`indexer.engine.documents`: one per clause, one for
  the standard itself), replace or delete them in one commit, and rebuild everything
  into a new generation that replaces the old one atomically. Writers hold the library's
  write lock (`Library.write_lock`), re-entrant, so a caller that commits the catalogue
  first keeps the two in step.
* **Read** through a `Snapshot`: one consistent view of the index for the length of a
  piece of work. `match` scores a `QueryPlan` (BM25F as `plan.Bm25` defines it) and
  returns the best candidates with what ranking needs to know of them, the number of
  matching clauses per standard and facet counts over every match, all computed by the
  engine. `stored` gives a document's stored fields for display.

Ranking above the seam (grouping by standard, demoting superseded editions, definitions
first) is the search core's, the same whichever engine answered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from indexer.library.model import Standard

from .plan import Condition, QueryPlan

T = TypeVar("T")


class DictionaryMismatch(RuntimeError):
    """The index was cut with another jieba dictionary than the one queries use."""


class EngineUnavailable(RuntimeError):
    """The engine does not answer (a cluster's aggregator is down): try again later."""


@dataclass(slots=True)
class Candidate:
    """One scored document, with what ranking reads of it. `ref` is the engine's number
    for the document within the snapshot that found it; equal scores rank by it."""

    ref: int
    score: float
    sha256: str
    is_standard: bool  # the standard's own document (number, titles), not a clause
    clause_no: str = ""
    heading_key: str = ""  # `documents.heading_key` of the heading
    clause_kind: str = ""
    order: int = 0
    has_text: bool = True


@dataclass
class Matches:
    """An engine's answer to a plan.

    `candidates`: the best `k` by score, best first (every document tied with the k-th
    is included); `standards`: the stored fields of each candidate's standard document;
    `clause_counts`: matching clause documents per standard, over every match, not just
    the candidates; `matched`: every standard with a matching document (a clause or its
    own); `facets`: per plan facet, (value, standards) most first, then by value;
    `partial`: part of the index did not answer (a cluster's shard), so some matches may
    be missing."""

    candidates: list[Candidate]
    standards: dict[str, Mapping[str, Any]] = field(default_factory=dict)
    clause_counts: dict[str, int] = field(default_factory=dict)
    matched: set[str] = field(default_factory=set)
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    partial: bool = False


class Snapshot(Protocol):
    """One consistent view of the index."""

    def match(self, plan: QueryPlan, k: int) -> Matches:
        """The best `k` documents for the plan, and counts over all that match."""

    def lead(self, sha256: str) -> Candidate | None:
        """The clause that stands for a standard (`documents.lead_key`), unscored."""

    def stored(self, ref: int) -> Mapping[str, Any]:
        """Stored fields of a document found in this snapshot."""

    def find(self, doc_id: str) -> int | None:
        """The ref of a document by its `doc_id`, None when it is not indexed."""

    def more_like(self, ref: int, field: str, limit: int, numterms: int) -> list[Candidate]:
        """Documents most like one: its `numterms` most telling terms in `field` (Bo1
        weights, as Whoosh's `more_like`) searched with BM25F, itself left out."""

    def values(self, field: str, where: Condition) -> list[str]:
        """Distinct non-empty stored values of `field` in documents that meet `where`,
        in index order."""


class SearchEngine(Protocol):
    """A search index of the library's standards."""

    name: str

    def read(self, work: Callable[[Snapshot], T]) -> T:
        """`work(snapshot)`; done again on a fresh snapshot should a concurrent commit
        or rebuild take the first one's files away."""

    def update(self, standards: Sequence[Standard], removed: Sequence[str] = ()) -> None:
        """Add or replace these standards' documents and delete those of the `removed`
        SHA-256s, in one commit: a reader sees all of it or none."""

    def rebuild(
        self, standards: Iterable[Standard], progress: Callable[[Standard], None] | None = None
    ) -> int:
        """Every standard into a new generation, swapped in at once; returns how many."""

    def pending(self) -> int:
        """Standards whose last write the index has not taken yet (a cluster's shard was
        down): they are written again by `drain`."""

    def drain(self) -> int:
        """Write what is pending where it can be written; returns what is still pending."""

    def indexed_shas(self) -> set[str]:
        """SHA-256 of every standard in the index."""

    def dictionary_words(self) -> set[str]:
        """The domain words (terms, short headings) the index was cut with, for jieba."""

    def check_dictionary(self) -> None:
        """Raise `DictionaryMismatch` when the index was cut with another dictionary
        than the one this process has loaded."""

    def missing_fields(self) -> list[str]:
        """Fields of `indexer.engine.documents` the index was made without (it was built
        by an older stdsearch): a filter on them would find nothing until a rebuild."""
