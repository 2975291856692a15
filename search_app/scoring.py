"""BM25F over Whoosh's posting lists, summed in plain dictionaries.

A Chinese question becomes dozens of query terms (jieba words and character bigrams,
each in several fields). Whoosh scores such an OR query through a tree of union
matchers, visiting every matcher for every candidate document in Python: two seconds
for one question on a few thousand clauses, and it grows with the library. Reading each
term's posting list once and adding its BM25 contribution into a dictionary costs one
step per posting instead, about a hundred times less, and gives the exact match count
and the whole matching set (for totals and facets) for free.

The formula is Whoosh's BM25F (`whoosh.scoring.bm25`, same idf), so the numbers mean
what they mean there; coordination (the share of query terms a document matches) is
applied as a factor `(matched / asked) ** coordination`.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length


@dataclass(frozen=True)
class WeightedTerm:
    field: str
    text: str
    boost: float
    group: int  # which query term this is a form of: coordination counts groups; -1: a bonus
    only: frozenset[int] | None = None  # score only these documents (e.g. standards' own)


def bm25f(
    searcher,
    terms: Iterable[WeightedTerm],
    *,
    K1: float = 1.2,
    B: float = 0.75,
    field_B: dict[str, float] | None = None,
    coordination: float = 0.0,
    groups: int | None = None,
    allowed: set[int] | None = None,
    max_df_share: float = 0.5,
    common_share: float | None = None,
    norms: Callable[[str, float], Sequence[float]] | None = None,
    postings: Callable[[str, str], Postings] | None = None,
) -> dict[int, float]:
    """Score of every document matching any term (restricted to `allowed` when given).

    Terms in more than `max_df_share` of the documents are skipped: their idf is near
    nothing, and on a large library their posting lists are most of the work. When the
    query has a word in at most `common_share` of the documents in all of its fields,
    terms in more than that share are skipped too: the rarer word chooses the documents
    (a common word still counts in the fields where it is rare, such as headings), and a
    question of common words only finds all it did.

    `norms(field, b)` gives `length_norms` of the field by document number; a caller that
    searches the same index many times keeps them (they change only with the index).
    Without it each posting's field length is read from the index. `postings(field,
    text)` likewise gives `read_postings` of a term, kept or read anew.
    """
    field_B = field_B or {}
    reader = searcher.reader()
    schema = searcher.schema
    total_docs = max(searcher.doc_count_all(), 1)
    scores: dict[int, float] = defaultdict(float)
    matched: dict[int, set[int]] = defaultdict(set)  # docs matching each query term
    asked: set[int] = set()
    counted = [
        (term, reader.doc_frequency(term.field, term.text))
        for term in terms
        if term.boost and term.field in schema and schema[term.field].scorable
    ]
    limit = max_df_share * total_docs if total_docs > 100 else math.inf
    if common_share is not None and total_docs > 100:
        common = {term.group for term, df in counted if df > common_share * total_docs}
        if any(df and term.group not in common for term, df in counted):
            limit = min(limit, common_share * total_docs)
    for term, df in counted:
        if df > limit:
            continue
        if term.group >= 0:
            asked.add(term.group)
        if not df:
            continue
        idf = math.log(total_docs / (df + 1)) + 1
        b = field_B.get(term.field, B)
        gain = term.boost * idf * (K1 + 1)
        if norms is not None:
            norm = norms(term.field, b)
        else:
            norm = _LengthNorms(searcher, term.field, K1, b)
        ids, weights = (postings or partial(read_postings, reader))(term.field, term.text)
        if allowed is not None or term.only is not None:
            kept = [
                (doc, tf)
                for doc, tf in zip(ids, weights, strict=True)
                if (allowed is None or doc in allowed) and (term.only is None or doc in term.only)
            ]
            ids = [doc for doc, _ in kept]
            weights = [tf for _, tf in kept]
        for doc, tf in zip(ids, weights, strict=True):
            scores[doc] += gain * tf / (tf + norm[doc])
        matched[term.group].update(ids)
    if coordination and scores:
        n = groups or len(asked) or 1
        count = Counter()
        for docs in matched.values():
            count.update(docs)
        factor = [min(1.0, k / n) ** coordination for k in range(max(count.values()) + 1)]
        return {doc: score * factor[count[doc]] for doc, score in scores.items()}
    return dict(scores)


Postings = tuple[Sequence[int], Sequence[float]]


def read_postings(reader, field: str, text: str) -> Postings:
    """(document numbers, weights) of one term over all segments."""
    ids, weights = array("i"), array("f")
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    for leaf, offset in leaves:
        if (field, text) not in leaf:
            continue
        for block_ids, block_weights in posting_blocks(leaf.postings(field, text)):
            # Lists: an array extends only from an array of its own type.
            ids.extend([offset + doc for doc in block_ids])
            weights.extend(list(block_weights))
    return ids, weights


def length_norms(searcher, field: str, K1: float = 1.2, b: float = 0.75) -> array:
    """`K1 * (1 - b + b * length / average length)` of every document, by document number:
    the part of a term's BM25 score that depends on the field, not on the term."""
    reader = searcher.reader()
    average = searcher.avg_field_length(field) or 1.0
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    base, per_length = K1 * (1 - b), K1 * b / average
    norms = array("d")
    for leaf, offset in leaves:
        norms.extend([0.0] * (offset - len(norms)))
        norms.extend([base + per_length * length for length in _field_lengths(leaf, field)])
    return norms


class _LengthNorms:
    """`length_norms` read one document at a time, for a single query."""

    def __init__(self, searcher, field: str, K1: float, b: float):
        self.length = searcher.reader().doc_field_length
        self.field = field
        self.base = K1 * (1 - b)
        self.per_length = K1 * b / (searcher.avg_field_length(field) or 1.0)

    def __getitem__(self, doc: int) -> float:
        return self.base + self.per_length * self.length(doc, self.field, 1)


_LENGTH_OF_BYTE = [byte_to_length(i) for i in range(256)]


def _field_lengths(leaf, field: str) -> list[int]:
    """Every document's length of `field` in one segment.

    Whoosh 2.7 keeps the lengths as one byte per document in a column: read it whole
    (a read per document costs a hundred times more). Other readers: one at a time.
    """
    count = leaf.doc_count_all()
    try:
        column = leaf._perdoc._cached_reader(f"_{field}_len", LENGTHS_COLUMN)
        if column is not None and getattr(column, "_typecode", None) == "B":
            stored = column._dbfile.get(column._basepos, min(column._count, count))
            return [_LENGTH_OF_BYTE[byte] for byte in stored] + [0] * (count - len(stored))
        if column is None:
            return [0] * count
    except AttributeError:
        pass
    return [leaf.doc_field_length(doc, field, 0) for doc in range(count)]


def posting_blocks(postings) -> Iterator[tuple[Sequence[int], Sequence[float]]]:
    """(document numbers, weights) of a posting list, a block at a time.

    Whoosh 2.7's leaf matcher decodes a block of postings at once; taking the block
    whole instead of a posting per `id()`/`weight()`/`next()` call saves most of the
    Python calls. Other matchers (one with deletions filtered out): a posting at a time.
    """
    if all(hasattr(postings, name) for name in ("_read_ids", "_read_weights", "_next_block")):
        while postings.is_active():
            postings._read_ids()
            postings._read_weights()
            yield postings._ids, postings._weights
            postings._next_block()
        return
    while postings.is_active():
        yield (postings.id(),), (postings.weight(),)
        postings.next()
