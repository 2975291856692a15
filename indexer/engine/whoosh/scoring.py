"""BM25F over Whoosh's posting lists, summed in plain dictionaries.

A Chinese question becomes dozens of query terms (jieba words and character bigrams,
each in several fields). Whoosh scores such an OR query through a tree of union
matchers, visiting every matcher for every candidate document in Python: two seconds
for one question on a few thousand clauses, and it grows with the library. Reading each
term's posting list once and adding its BM25 contribution into a dictionary costs one
step per posting instead, about a hundred times less, and gives the exact match count
and the whole matching set (for totals and facets) for free.

The sums run over whole posting lists at once in NumPy (about five times faster than a
Python loop over the postings at 100,000 clauses); the arithmetic per posting is the same,
in the same order, so the scores are the ones a loop gives, to the last bit.

The formula is Whoosh's BM25F (`whoosh.scoring.bm25`, same idf), so the numbers mean
what they mean there; coordination (the share of query terms a document matches) is
applied as a factor `(matched / asked) ** coordination`.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import partial

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN
from whoosh.util.numeric import byte_to_length

from indexer.engine.plan import Bm25, Condition, WeightedTerm

DEFAULT_MODEL = Bm25()


class Scores(Mapping[int, float]):
    """Documents and their scores as two arrays, document numbers ascending: what runs
    over every match (totals, facets, the best candidates) takes the arrays whole, and
    the few lookups by document read it as a mapping."""

    __slots__ = ("docs", "scores")

    def __init__(self, docs: np.ndarray, scores: np.ndarray):
        self.docs = docs
        self.scores = scores

    @classmethod
    def of(cls, scores: Mapping[int, float]) -> Scores:
        docs = np.fromiter(scores.keys(), dtype=np.int64, count=len(scores))
        values = np.fromiter(scores.values(), dtype=np.float64, count=len(scores))
        order = np.argsort(docs, kind="stable")
        return cls(docs[order], values[order])

    def __getitem__(self, doc: int) -> float:
        i = int(np.searchsorted(self.docs, doc))
        if i < len(self.docs) and self.docs[i] == doc:
            return float(self.scores[i])
        raise KeyError(doc)

    def __iter__(self) -> Iterator[int]:
        return iter(self.docs.tolist())

    def __len__(self) -> int:
        return len(self.docs)

    def plus(self, extra: Mapping[int, float]) -> Scores:
        """These scores with `extra` added, documents of either kept."""
        if not extra:
            return self
        merged = dict(zip(self.docs.tolist(), self.scores.tolist(), strict=True))
        for doc, value in extra.items():
            merged[doc] = merged.get(doc, 0.0) + value
        return Scores.of(merged)

    def top(self, k: int) -> list[tuple[int, float]]:
        """The `k` best (document, score), best first; equal scores by document number."""
        if len(self.docs) > k:
            cut = np.argpartition(-self.scores, k - 1)[:k]
            threshold = self.scores[cut].min()
            chosen = np.flatnonzero(self.scores >= threshold)  # every tie at the cut
        else:
            chosen = np.arange(len(self.docs))
        order = chosen[np.lexsort((self.docs[chosen], -self.scores[chosen]))][:k]
        return list(zip(self.docs[order].tolist(), self.scores[order].tolist(), strict=True))


def bm25f(
    searcher,
    terms: Iterable[WeightedTerm],
    model: Bm25 = DEFAULT_MODEL,
    *,
    allowed: Collection[int] | np.ndarray | None = None,
    only: Callable[[Condition], np.ndarray] | None = None,
    norms: Callable[[str, float], Sequence[float]] | None = None,
    postings: Callable[[str, str], Postings] | None = None,
    require_all: bool = False,
) -> Scores:
    """Score of every document matching any term (restricted to `allowed`, document
    numbers or a mask over them, when given), as `model` says (`plan.Bm25`); with
    `require_all`, only documents matching every group of terms.

    `only(condition)` gives the mask of documents meeting a term's `only` condition.
    `norms(field, b)` gives `length_norms` of the field by document number; a caller that
    searches the same index many times keeps them (they change only with the index).
    `postings(field, text)` likewise gives `read_postings` of a term, kept or read anew.
    """
    reader = searcher.reader()
    size = reader.doc_count_all()
    total_docs = max(searcher.doc_count_all(), 1)
    counted = _counted_terms(searcher, terms)
    limit = _df_limit(model, counted, total_docs)
    norms = norms or partial(_norms_once, {}, searcher, model.K1)
    postings = postings or partial(read_postings, reader)
    allowed = None if allowed is None else doc_mask(allowed, size)
    scores = np.zeros(size)
    hit = np.zeros(size, dtype=bool)
    matched: dict[int, list[np.ndarray]] = defaultdict(list)  # docs matching each query term
    asked: set[int] = set()
    for term, df in counted:
        if df > limit:
            continue
        if term.group >= 0:
            asked.add(term.group)
        if not df:
            continue
        idf = math.log(total_docs / (df + 1)) + 1
        b = model.field_B.get(term.field, model.B)
        gain = term.boost * idf * (model.K1 + 1)
        norm = np.asarray(norms(term.field, b))
        ids, weights = postings(term.field, term.text)
        within = None if term.only is None or only is None else only(term.only)
        for mask in (allowed, within):
            if mask is not None and len(ids):
                keep = mask[ids]
                ids, weights = ids[keep], weights[keep]
        weights = weights.astype(np.float64)
        scores[ids] += gain * weights / (weights + norm[ids])
        hit[ids] = True
        matched[term.group].append(ids)
    docs = np.flatnonzero(hit)
    values = scores[docs]
    if (model.coordination or require_all) and len(docs):
        count = _groups_matched(matched, size)[docs]
        n = len(asked) or 1
        if model.coordination:
            factor = np.array(
                [min(1.0, k / n) ** model.coordination for k in range(count.max() + 1)]
            )
            values = values * factor[count]
        if require_all:
            every = count >= n
            docs, values = docs[every], values[every]
    return Scores(docs, values)


def _counted_terms(searcher, terms: Iterable[WeightedTerm]) -> list[tuple[WeightedTerm, int]]:
    """The terms that can score, with their document frequencies."""
    reader, schema = searcher.reader(), searcher.schema
    return [
        (term, reader.doc_frequency(term.field, term.text))
        for term in terms
        if term.boost and term.field in schema and schema[term.field].scorable
    ]


def _df_limit(model: Bm25, counted: list[tuple[WeightedTerm, int]], total_docs: int) -> float:
    """Terms in more documents than this are not looked up (`Bm25.max_df_share`,
    `Bm25.common_share`)."""
    limit = model.max_df_share * total_docs if total_docs > 100 else math.inf
    if model.common_share is not None and total_docs > 100:
        common = {term.group for term, df in counted if df > model.common_share * total_docs}
        if any(df and term.group not in common for term, df in counted):
            limit = min(limit, model.common_share * total_docs)
    return limit


def _groups_matched(matched: dict[int, list[np.ndarray]], size: int) -> np.ndarray:
    """How many of the query's groups each document matched. A bonus (group -1) counts
    as one more, as it always has: the share is capped at 1."""
    count = np.zeros(size, dtype=np.int32)
    for parts in matched.values():
        count[np.unique(np.concatenate(parts)) if len(parts) > 1 else parts[0]] += 1
    return count


def doc_mask(docs: Collection[int] | np.ndarray, size: int) -> np.ndarray:
    """A boolean array over document numbers, true for `docs` (or `docs` itself, a mask)."""
    if isinstance(docs, np.ndarray) and docs.dtype == bool:
        return docs
    mask = np.zeros(size, dtype=bool)
    if len(docs):
        mask[np.fromiter(docs, dtype=np.int64, count=len(docs))] = True
    return mask


def _norms_once(kept: dict, searcher, K1: float, field: str, b: float) -> np.ndarray:
    if (field, b) not in kept:
        kept[field, b] = length_norms(searcher, field, K1, b)
    return kept[field, b]


Postings = tuple[np.ndarray, np.ndarray]


def read_postings(reader, field: str, text: str) -> Postings:
    """(document numbers, weights) of one term over all segments, as arrays."""
    ids, weights = array("i"), array("f")
    leaves = reader.leaf_readers() if not reader.is_atomic() else [(reader, 0)]
    for leaf, offset in leaves:
        if (field, text) not in leaf:
            continue
        for block_ids, block_weights in posting_blocks(leaf.postings(field, text)):
            # Lists: an array extends only from an array of its own type.
            ids.extend([offset + doc for doc in block_ids])
            weights.extend(list(block_weights))
    return np.frombuffer(ids, dtype=np.int32), np.frombuffer(weights, dtype=np.float32)


def length_norms(searcher, field: str, K1: float = 1.2, b: float = 0.75) -> np.ndarray:
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
    norms.extend([0.0] * (reader.doc_count_all() - len(norms)))
    return np.frombuffer(norms, dtype=np.float64)


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
