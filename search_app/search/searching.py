"""Searching the index: one call from a query string to ranked, grouped, highlighted hits.

    result = search(SearchIndex(root).open(), "厂界噪声 夜间 测量", limit=10)
    for hit in result.hits: print(hit.std_no, hit.clause_no, hit.page, hit.snippet)

How a query becomes a score (constants in `Ranking`, measured with `stdsearch evaluate`
on the development queries; see `search_app/evaluate.py`):

* Each word the user typed is looked up twice: as jieba words (in `heading`, the
  ancestors' headings `context`, `body`, and `title` of the standard's own document) and
  as character bigrams (`*_bi`), so a word jieba cuts differently in the text, or a part
  of a longer word (`添加` in `添加剂`), is still found. Scores are BM25F summed over
  fields (`scoring.bm25f`), times `(share of query terms matched) ** coordination`: a
  clause that answers more of the question ranks higher. Headings weigh more than text.
  Common words count as BM25F's idf says (`Ranking.common` can leave them to rarer
  ones, for speed on a library far larger than measured; it costs quality).
* A quoted phrase must appear as written (in a heading, the text or the title);
  `-word` drops every document holding the word; filters restrict the candidates.
* A standard number (`gb3838`, `JT/T 808—2019`) looks up `std_keys` on the standard's
  own document with a boost that puts that standard first, the exact spelling (GB over
  GB/T, the typed year) before looser ones.
* The standard's own document (number, title) adds a share of its score to its
  clauses, and stands for the standard in the hit list through its best clause (or
  clause 1, 范围, when no clause matched), because every hit names a clause.
* After scoring: the definition of a term typed alone comes first, a heading without
  text yields to its subclauses, local standards of a province the query names are
  favoured, and superseded (被代替) and withdrawn (废止) editions are demoted so the
  current edition comes first when both match.
"""

from __future__ import annotations

import difflib
import re
import threading
import time
from collections import Counter, OrderedDict, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import chain
from typing import Any

import numpy as np
from whoosh import query as Q
from whoosh.scoring import BM25F

from analyzers.chinese import bigram_analyzer, query_bigram_analyzer, query_word_analyzer
from analyzers.normalize import fold_width
from analyzers.regions import PROVINCES
from analyzers.segmenter import is_word
from analyzers.stdno import StandardNumber, normalize_query_number, parse_std_no
from indexer.engine.whoosh.index import read_latest
from indexer.engine.whoosh.scoring import (
    Postings,
    Scores,
    WeightedTerm,
    bm25f,
    doc_mask,
    length_norms,
    read_postings,
)

from .highlight import Highlighter
from .query import ParsedQuery, QueryError, parse_query

MAX_LIMIT = 1000
# Postings a searched index keeps decoded (8 bytes each): 4 million, 32 MB.
POSTINGS_KEPT = 4_000_000
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Ranking:
    """Field boosts and ranking constants; the defaults are the measured ones."""

    heading: float = 3.0
    heading_bi: float = 1.5
    context: float = 1.0  # the ancestors' headings
    context_bi: float = 0.5
    body: float = 1.0
    body_bi: float = 0.5
    title: float = 3.0
    title_bi: float = 2.0
    std_keys: float = 200.0
    bare_number: float = 5.0  # digits alone among words: maybe a standard, maybe a quantity
    phrase: float = 2.0
    coordination: float = 3.0  # scores × (query terms matched / asked) ** coordination
    standard_share: float = 0.3  # part of the standard document's score its clauses get
    demote: float = 0.75  # score factor of superseded (被代替) and withdrawn (废止) editions
    heading_exact: float = 1.5  # the query is the clause's heading
    term_exact: float = 2.0  # … and the clause is that term's definition
    region: float = 1.5  # the query names a province: its local standards
    foreword: float = 1.0  # 前言: about the document, seldom the answer
    empty: float = 0.5  # a heading without text of its own: the answer is in its subclauses
    K1: float = 1.2
    B: float = 0.75
    short_B: float = 0.3  # titles and headings: length says little about relevance
    candidates: int = 300
    # Words in more than this share of the documents left out of a query that has rarer
    # ones (None: never). Their posting lists are the longest to read; at 100,000 clauses
    # 0.05 cut p95 by about a third, but lost titles made of common words (standard
    # MRR@10 0.966 → 0.944 on the development queries): off, while search is this fast.
    common: float | None = None

    def field_B(self) -> dict[str, float]:
        names = ("title", "title_bi", "heading", "heading_bi", "context", "context_bi")
        return {name: self.short_B for name in names}

    def weighting(self) -> BM25F:
        """The same model for what Whoosh scores itself (phrases)."""
        return BM25F(B=self.B, K1=self.K1, **{f"{k}_B": v for k, v in self.field_B().items()})


DEFAULT_RANKING = Ranking()
DEMOTED_STATUSES = ("被代替", "废止")
FACETS = ("level", "kind", "status", "region", "ics", "year")


@dataclass
class Hit:
    std_no: str
    title_zh: str
    status: str
    clause_no: str
    heading: str
    page: int | None
    score: float
    snippet: str
    snippet_html: str = ""
    path: str = ""
    page_end: int | None = None
    level: str = ""
    kind: str = ""
    region: str = ""
    clause_kind: str = ""
    ocr: bool = False
    sha256: str = ""
    matched: str = "clause"  # "clause": the clause matched; "standard": its number or title did
    text: str = field(default="", repr=False)  # the clause text, for the snippet; not in JSON

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("text")
        return data


@dataclass
class StandardGroup:
    std_no: str
    title_zh: str
    status: str
    level: str
    kind: str
    region: str
    issued: str
    effective: str
    sha256: str
    score: float
    clauses: list[Hit] = field(default_factory=list)
    more: int = 0  # further matching clauses not shown

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["clauses"] = [h.to_dict() for h in self.clauses]
        return data


@dataclass
class SearchResult:
    query: str
    parsed: ParsedQuery
    hits: list[Hit]
    groups: list[StandardGroup]
    total: int  # matching clauses (a standard matched by number or title alone counts one)
    total_standards: int
    facets: dict[str, list[tuple[str, int]]]
    suggestions: list[str]
    elapsed_ms: float
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: `query`, `total`, `hits` (one per clause, in rank order), and more."""
        return {
            "query": self.query,
            "total": self.total,
            "total_standards": self.total_standards,
            "elapsed_ms": round(self.elapsed_ms, 1),
            "hits": [h.to_dict() for h in self.hits],
            "groups": [g.to_dict() for g in self.groups],
            "facets": {
                name: [list(pair) for pair in counts] for name, counts in self.facets.items()
            },
            "suggestions": self.suggestions,
            "warnings": self.warnings,
            "filters": {k: list(v) for k, v in self.parsed.filters.items()},
        }


# ---------------------------------------------------------------------------
# Building the Whoosh query


def _tokens(analyzer, text: str) -> list[str]:
    return [t.text for t in analyzer(text, mode="query") if t.text]


@dataclass
class QueryTerms:
    """The analysed query: what is searched and what is highlighted."""

    words: list[str]
    bigrams: list[str]
    phrases: list[list[str]]  # bigram sequences
    phrase_texts: list[str]
    number_keys: list[list[str]]
    variants: list[str] = field(default_factory=list)  # other spellings; a bonus, never asked for
    hinted: list[bool] = field(default_factory=list)  # per number: only a hint, weighed lightly

    @property
    def highlight_terms(self) -> list[str]:
        # A bigram that is no word (`端注` of `终端注册`) would mark `终端注` in `终端注销`:
        # it helps find the clause, but shown it reads as a wrong match.
        return [*self.phrase_texts, *self.words, *(b for b in self.bigrams if is_word(b))]


def analyse(parsed: ParsedQuery) -> QueryTerms:
    words_an, bigram_an, phrase_an = (
        query_word_analyzer(),
        query_bigram_analyzer(),
        bigram_analyzer(),
    )
    words: list[str] = []
    bigrams: list[str] = []
    for chunk in parsed.words:
        words.extend(_tokens(words_an, chunk))
        bigrams.extend(_tokens(bigram_an, chunk))
    phrases = []
    for phrase in parsed.phrases:
        seq = [t.text for t in phrase_an(phrase, mode="index") if t.text]
        if seq:
            phrases.append(seq)
    words = list(dict.fromkeys(words))
    bigrams = [b for b in dict.fromkeys(bigrams) if b not in words or len(b) == 2]
    # Questions count in words (`超过三个`), standards in digits (`超过3个`).
    extra: list[str] = []
    for chunk in parsed.words:
        digits = arabic_numerals(chunk)
        if digits != chunk:
            extra.extend(t for t in _tokens(words_an, digits) if t not in words)
    return QueryTerms(
        words=words,
        bigrams=bigrams,
        phrases=phrases,
        phrase_texts=list(parsed.phrases),
        number_keys=[list(n.keys) for n in parsed.numbers],
        variants=list(dict.fromkeys(extra)),
        # Digits among words (`COD 100 mg/L`) are a quantity more often than a standard.
        hinted=[n.bare and not parsed.is_number_query for n in parsed.numbers],
    )


_CN_DIGIT = {
    "零": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
# A Chinese numeral before a measure word is a count: `三个`, `两年`, `十五分钟`.
_CN_COUNT = re.compile(
    "([零一二两三四五六七八九十]{1,3})(?=个|次|年|天|日|月|周|小时|分钟|秒|米|种|类|级|层|倍|项|条|路|名|人|台|套|位|家)"
)


def _cn_number(text: str) -> int | None:
    if "十" not in text:
        return _CN_DIGIT[text] if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGIT.get(tens, 0) if tens else 1) * 10 + (_CN_DIGIT.get(ones, 0) if ones else 0)


def arabic_numerals(text: str) -> str:
    """`超过三个人` → `超过3个人`; other uses of numeral characters (`一般`, `统一`) stay."""

    def convert(m: re.Match[str]) -> str:
        value = _cn_number(m.group(1))
        return str(value) if value is not None else m.group(1)

    return _CN_COUNT.sub(convert, text)


class _Or(Q.Or):
    """Or as a tree of union matchers: it keeps boosts and the coordination bonus, and
    unlike the preloading matcher Whoosh picks for small indexes it does not allocate an
    array the size of each segment for every word of the query."""

    matcher_type = Q.Or.DEFAULT_MATCHER


_STANDARD_DOC = Q.Term("doc_type", "standard")


def weighted_terms(
    terms: QueryTerms, ranking: Ranking, standard_docs: np.ndarray
) -> list[WeightedTerm]:
    """Every (field, token, boost) the query scores with; one coordination group per token."""
    r = ranking
    word_fields = [("heading", r.heading), ("context", r.context), ("body", r.body)]
    bigram_fields = [
        ("heading_bi", r.heading_bi),
        ("context_bi", r.context_bi),
        ("body_bi", r.body_bi),
        ("title_bi", r.title_bi),
    ]
    out: list[WeightedTerm] = []
    group = 0
    for word in terms.words:
        out.extend(WeightedTerm(name, word, boost, group) for name, boost in word_fields)
        # `title` is on every clause document too (for display); only the standard's
        # own document is scored by it, so a title word does not lift every clause.
        out.append(WeightedTerm("title", word, r.title, group, standard_docs))
        group += 1
    for gram in terms.bigrams:
        out.extend(WeightedTerm(name, gram, boost, group) for name, boost in bigram_fields)
        group += 1
    for i, keys in enumerate(terms.number_keys):
        hinted = i < len(terms.hinted) and terms.hinted[i]
        boost = r.bare_number if hinted else r.std_keys
        out.extend(WeightedTerm("std_keys", key, boost, group) for key in keys)
        group += 1
    for word in terms.variants:
        out.extend(WeightedTerm(name, word, boost, -1) for name, boost in word_fields)
    return out


def build_phrases(terms: QueryTerms, ranking: Ranking) -> list[Q.Query]:
    """One query per quoted phrase: the phrase in a heading, the text or the title."""
    return [
        _Or([_phrase(name, seq, ranking.phrase) for name in ("heading_bi", "body_bi", "title_bi")])
        for seq in terms.phrases
    ]


def build_exclusion(excluded: tuple[str, ...]) -> Q.Query | None:
    """Documents holding any `-word`: given to Whoosh as a mask (its AndNot matcher lets
    excluded documents through when the result limit exceeds the segment size)."""
    phrase_an = bigram_analyzer()
    nots = []
    for word in excluded:
        seq = [t.text for t in phrase_an(word, mode="index") if t.text]
        if seq:
            nots.extend(_phrase(name, seq, 1.0) for name in ("heading_bi", "body_bi", "title_bi"))
    return _Or(nots) if nots else None


def _phrase(fieldname: str, seq: list[str], boost: float) -> Q.Query:
    if len(seq) == 1:
        return Q.Term(fieldname, seq[0], boost=boost)
    return Q.Phrase(fieldname, seq, boost=boost)


def build_filter(filters: dict[str, tuple[str, ...]]) -> Q.Query | None:
    parts = []
    for name, values in filters.items():
        if not values:
            continue
        alternatives = []
        for value in values:
            if name == "year":
                low, _, high = value.partition("-")
                alternatives.append(
                    Q.NumericRange("year", int(low) if low else None, int(high) if high else None)
                )
            elif name == "ics":
                alternatives.append(Q.Prefix("ics", value))
            else:
                alternatives.append(Q.Term(name, value))
        parts.append(_Or(alternatives) if len(alternatives) > 1 else alternatives[0])
    if not parts:
        return None
    return Q.And(parts) if len(parts) > 1 else parts[0]


# ---------------------------------------------------------------------------
# What the index holds, cached per index generation


class _Catalogue:
    """Per index generation: what ranking needs to know of every document without
    reading its stored fields again (its standard, heading, whether it has text), each
    standard's metadata, and the clause that stands for each standard."""

    COLUMNS = ("sha256", "doc_type", "clause_no", "heading", "clause_kind", "order")

    def __init__(self, searcher):
        reader = searcher.reader()
        self.doc_sha: dict[int, str] = {}
        self.doc_is_standard: dict[int, bool] = {}
        self.doc_heading: dict[int, str] = {}  # `_key()` of the heading
        self.doc_order: dict[int, int] = {}
        self.term_docs: set[int] = set()
        self.foreword_docs: set[int] = set()
        self.empty_docs: set[int] = set()
        self.standards: dict[str, dict] = {}
        self.first_clause: dict[str, int] = {}
        self._first_key: dict[str, tuple] = {}
        self.terms: set[str] = set()
        if all(reader.has_column(name) for name in self.COLUMNS):
            self._read_columns(reader)
        else:  # an index written before these fields had columns
            self._read_stored(reader)
        del self._first_key
        self._finish(reader.doc_count_all())
        self._norms: dict[tuple[str, float, float], Sequence[float]] = {}
        self._postings: OrderedDict[tuple[str, str], Postings] = OrderedDict()
        self._postings_kept = 0
        self._postings_lock = threading.Lock()

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
                while self._postings_kept > POSTINGS_KEPT and len(self._postings) > 1:
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

    def _read_columns(self, reader) -> None:
        columns = {name: reader.column_reader(name) for name in self.COLUMNS}
        for docnum in reader.all_doc_ids():
            row = {name: column[docnum] for name, column in columns.items()}
            if row["doc_type"] == "standard":
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
        is_standard = stored.get("doc_type") == "standard"
        self.doc_is_standard[docnum] = is_standard
        if is_standard:
            self.standards[sha] = stored
            return
        heading = stored.get("heading") or ""
        self.doc_heading[docnum] = _key(heading)
        self.doc_order[docnum] = stored.get("order") or 0
        if not (stored.get("body") or "").strip():
            self.empty_docs.add(docnum)
        key = _first_key(stored)
        if sha not in self._first_key or key < self._first_key[sha]:
            self._first_key[sha] = key
            self.first_clause[sha] = docnum
        if stored.get("clause_kind") == "term" and heading:
            self.terms.add(heading)
            self.term_docs.add(docnum)
        if stored.get("clause_no") == "前言":
            self.foreword_docs.add(docnum)

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
        self.numbers = {
            sha: s.get("std_no", "") for sha, s in self.standards.items() if s.get("std_no")
        }
        self.titles = sorted(
            {s.get("title", "") for s in self.standards.values() if s.get("title")}
        )
        self.facet_values = {sha: _facet_values(meta) for sha, meta in self.standards.items()}


def _first_key(stored: dict) -> tuple:
    """Clause 1 (范围, scope) stands for the whole standard; else the first clause printed."""
    return (stored.get("clause_no") != "1", stored.get("order") or 0)


_cache_lock = threading.Lock()
_cache: dict[tuple, _Catalogue] = {}


def textless_standards(index) -> list[str]:
    """Numbers of indexed standards none of whose clauses has text: scans waiting for OCR,
    or text layers that could not be read."""
    catalogue = read_latest(index, lambda searcher: _catalogue(index, searcher))
    with_text = {
        catalogue.doc_sha[d] for d in catalogue.doc_heading if d not in catalogue.empty_docs
    }
    return sorted(n for sha, n in catalogue.numbers.items() if sha not in with_text)


def _catalogue(index, searcher) -> _Catalogue:
    # The searcher's own generation: the index's latest may already be newer.
    key = (getattr(index.storage, "folder", id(index)), searcher.reader().generation())
    with _cache_lock:
        found = _cache.get(key)
    if found is None:
        found = _Catalogue(searcher)
        with _cache_lock:
            if len(_cache) > 8:
                _cache.clear()
            _cache[key] = found
    return found


# ---------------------------------------------------------------------------
# Searching


def search(
    index,
    query: str | ParsedQuery,
    *,
    limit: int = 10,
    offset: int = 0,
    filters: dict | None = None,
    group: bool = True,
    clauses_per_standard: int = 3,
    ranking: Ranking = DEFAULT_RANKING,
) -> SearchResult:
    """Search the index. `hits` are clauses in rank order (with `group=True`, in the order the
    groups show them: each standard's best clauses together); `groups` are standards.

    `limit`/`offset` page through hits; groups page through standards the same way.
    Raises `QueryError` (with a message for the user) and nothing else for bad input.
    """
    started = time.perf_counter()
    parsed = parse_query(query) if not isinstance(query, ParsedQuery) else query
    parsed = parsed.with_filters(filters)
    try:
        limit = int(limit)
        offset = int(offset)
    except (TypeError, ValueError):
        raise QueryError("limit and offset must be whole numbers", "invalid") from None
    if not 1 <= limit <= MAX_LIMIT or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"limit must be 1–{MAX_LIMIT} and offset 0–{MAX_OFFSET}", "invalid")
    clauses_per_standard = max(1, int(clauses_per_standard))

    terms = analyse(parsed)
    phrases = build_phrases(terms, ranking)
    mask = build_exclusion(parsed.excluded)
    filter_query = build_filter(parsed.filters)
    browse = not (terms.words or terms.bigrams or terms.number_keys or phrases)
    if browse and filter_query is None:
        raise QueryError("type words, a phrase or a standard number to search for", "empty")

    highlighter = Highlighter(terms.highlight_terms)

    def on(searcher) -> tuple:
        catalogue = _catalogue(index, searcher)
        size = searcher.reader().doc_count_all()
        allowed = None  # a mask over document numbers
        if filter_query is not None:
            allowed = doc_mask(list(searcher.docs_for_query(filter_query)), size)
        if mask is not None:
            excluded = doc_mask(list(searcher.docs_for_query(mask)), size)
            allowed = ~excluded if allowed is None else allowed & ~excluded
        phrase_scores: dict[int, float] = {}
        for phrase in phrases:
            # A quoted phrase is required: only documents holding it are scored.
            holding = {hit.docnum: hit.score for hit in searcher.search(phrase, limit=None)}
            allowed = (
                doc_mask(holding, size) if allowed is None else allowed & doc_mask(holding, size)
            )
            for doc, score in holding.items():
                phrase_scores[doc] = phrase_scores.get(doc, 0.0) + score
        if browse:
            # Filters alone list the standards they select, each through its clause 1.
            within = _within(catalogue, allowed)
            standards = np.flatnonzero(within & catalogue.standard_docs)
            scores = Scores(standards, np.ones(len(standards)))
            matched = np.flatnonzero(within)
        else:
            scores = bm25f(
                searcher,
                weighted_terms(terms, ranking, catalogue.standard_docs),
                K1=ranking.K1,
                B=ranking.B,
                field_B=ranking.field_B(),
                coordination=ranking.coordination,
                allowed=allowed,
                norms=catalogue.length_norms(searcher, ranking.K1),
                postings=catalogue.postings(searcher),
                common_share=ranking.common,
            )
            # Phrase scores of the documents still allowed, in the order phrases were typed.
            scores = scores.plus({d: v for d, v in phrase_scores.items() if allowed[d]})
            matched = scores.docs
        needed = (offset + limit) * (clauses_per_standard if group else 1)
        candidates = max(ranking.candidates, needed * 3)
        ranked = _rank(
            catalogue,
            scores.top(candidates),
            ranking,
            _typed_numbers(parsed),
            _key("".join(parsed.words + parsed.phrases)),
            _regions_named(parsed),
        )
        clause_counts, standards_matched = _counts(catalogue, matched)
        total = sum(clause_counts.values()) + sum(
            1 for s in standards_matched if not clause_counts.get(s)
        )
        facets = _facets(catalogue, standards_matched)

        grouped = _group(ranked, clauses_per_standard)
        shas = list(grouped)[offset : offset + limit]
        if group:
            page = [r for sha in grouped for r in grouped[sha]][offset : offset + limit]
        else:
            page = ranked[offset : offset + limit]
        made: dict[int, Hit] = {}

        def hit_of(r: _Ranked) -> Hit:
            if id(r) not in made:
                made[id(r)] = _hit(searcher, catalogue, r)
                _fill_snippet(
                    made[id(r)], highlighter, lead=r.matched == "standard" and not terms.words
                )
            return made[id(r)]

        hits = [hit_of(r) for r in page]
        page_groups = [
            _standard_group(
                catalogue,
                [hit_of(r) for r in grouped[sha]],
                max(clause_counts.get(sha, 0), len(grouped[sha])),
            )
            for sha in shas
        ]
        return catalogue, hits, page_groups, total, standards_matched, facets

    catalogue, hits, page_groups, total, standards_matched, facets = read_latest(
        index, on, weighting=ranking.weighting()
    )
    suggestions = [] if total else suggest(catalogue, parsed)
    return SearchResult(
        query=parsed.text,
        parsed=parsed,
        hits=hits,
        groups=page_groups,
        total=total,
        total_standards=len(standards_matched),
        facets=facets,
        suggestions=suggestions,
        elapsed_ms=(time.perf_counter() - started) * 1000,
        warnings=list(parsed.warnings),
    )


def _within(catalogue: _Catalogue, allowed: np.ndarray | None) -> np.ndarray:
    """The documents a filter allows (all there are without one), as a mask."""
    return catalogue.live_docs if allowed is None else catalogue.live_docs & allowed


def _counts(catalogue: _Catalogue, matched: np.ndarray) -> tuple[dict[str, int], set[str]]:
    """Matching clauses per standard, and every standard matched (by a clause or its own
    document): tens of thousands of matches in a large library, counted by array."""
    standard = catalogue.doc_standard[matched]
    known = standard >= 0
    clause = known & ~catalogue.standard_docs[matched]
    per_standard = np.bincount(standard[clause], minlength=len(catalogue.shas))
    counts = {catalogue.shas[i]: int(per_standard[i]) for i in np.flatnonzero(per_standard)}
    return counts, {catalogue.shas[i] for i in np.unique(standard[known]).tolist()}


def _number_fit(numbers: list[StandardNumber | str], std_no: str) -> float:
    """How exactly the typed number names this standard: 1 when prefix, number and year
    agree, less when the kind was left out (`gb3838` also finds GB/T 3838) or only the
    base of a multi-part number matched."""
    if not numbers or not std_no:
        return 0.0
    mine = parse_std_no(std_no)
    if mine is None:
        return 0.0
    best = 0.0
    for typed in numbers:
        if isinstance(typed, str):  # digits only
            number, _, year = typed.partition("-")
            fit = 0.5 + 0.3 * (number == mine.number) + 0.2 * (year == (mine.year or ""))
        else:
            fit = (
                0.4 * (typed.prefix == mine.prefix)
                + 0.2 * (typed.code == mine.code)
                + 0.3 * (typed.number == mine.number)
                + 0.1 * (typed.year is None or typed.year == mine.year)
            )
        best = max(best, fit)
    return best


_NOT_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Text compared as a heading: folded, lower case, letters and digits only."""
    return _NOT_WORD.sub("", fold_width(text or "").lower())


def _regions_named(parsed: ParsedQuery) -> frozenset[str]:
    """Provinces the query names (`广东省VOCs排放标准`): their local standards apply."""
    text = "".join(parsed.words + parsed.phrases)
    return frozenset(name for name in PROVINCES.values() if len(name) >= 2 and name in text)


def _typed_numbers(parsed: ParsedQuery) -> list[StandardNumber | str]:
    out: list[StandardNumber | str] = []
    for term in parsed.numbers:
        number = None if term.bare else parse_std_no(term.text)
        out.append(number if number is not None else term.keys[0])
    return out


@dataclass
class _Ranked:
    """A hit before its stored fields are read: most candidates are never shown."""

    docnum: int  # the clause document shown, -1 when the standard has no clause
    sha: str
    score: float
    matched: str = "clause"


def _rank(
    catalogue: _Catalogue,
    scored: list[tuple[int, float]],
    ranking: Ranking,
    numbers: list[StandardNumber | str] = (),
    heading_key: str = "",
    regions: frozenset[str] = frozenset(),
) -> list[_Ranked]:
    standard_score: dict[str, float] = {}
    clause_hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for docnum, score in scored:
        sha = catalogue.doc_sha[docnum]
        if catalogue.doc_is_standard[docnum]:
            standard_score[sha] = score
        else:
            clause_hits[sha].append((docnum, score))

    ranked: list[_Ranked] = []
    for sha in set(standard_score) | set(clause_hits):
        meta = catalogue.standards.get(sha, {})
        factor = ranking.demote if meta.get("status") in DEMOTED_STATUSES else 1.0
        if regions and meta.get("region") in regions:
            factor *= ranking.region
        prior = standard_score.get(sha, 0.0)
        if prior and numbers:
            prior *= 0.5 + _number_fit(numbers, meta.get("std_no", ""))
        best: _Ranked | None = None
        for docnum, score in clause_hits.get(sha, []):
            if heading_key and catalogue.doc_heading.get(docnum) == heading_key:
                score *= (
                    ranking.term_exact if docnum in catalogue.term_docs else ranking.heading_exact
                )
            if docnum in catalogue.foreword_docs:
                score *= ranking.foreword
            if docnum in catalogue.empty_docs:
                score *= ranking.empty
            hit = _Ranked(docnum, sha, (score + ranking.standard_share * prior) * factor)
            ranked.append(hit)
            if best is None or hit.score > best.score:
                best = hit
        if prior and (best is None or best.score < prior * factor):
            # The number or title matched more than any clause: the standard itself ranks
            # here, shown through its best clause (or clause 1).
            if best is not None:
                best.score, best.matched = prior * factor, "standard"
            else:
                first = catalogue.first_clause.get(sha, -1)
                ranked.append(_Ranked(first, sha, prior * factor, "standard"))
    numbers_of = catalogue.numbers
    ranked.sort(
        key=lambda r: (-r.score, numbers_of.get(r.sha, ""), catalogue.doc_order.get(r.docnum, 0))
    )
    return ranked


def _hit(searcher, catalogue: _Catalogue, ranked: _Ranked) -> Hit:
    meta = catalogue.standards.get(ranked.sha, {})
    stored = searcher.stored_fields(ranked.docnum) if ranked.docnum >= 0 else {}
    return Hit(
        std_no=meta.get("std_no", ""),
        title_zh=meta.get("title", "") or "",
        status=meta.get("status", "") or "",
        clause_no=stored.get("clause_no", "") or "",
        heading=stored.get("heading", "") or "",
        page=stored.get("page", meta.get("page")),
        page_end=stored.get("page_end"),
        score=round(float(ranked.score), 4),
        snippet="",
        path=stored.get("path", "") or "",
        level=meta.get("level", "") or "",
        kind=meta.get("kind", "") or "",
        region=meta.get("region", "") or "",
        clause_kind=stored.get("clause_kind", "") or "",
        ocr=bool(stored.get("ocr", False)),
        sha256=ranked.sha,
        matched=ranked.matched,
        text=stored.get("body", "") or "",
    )


def _group(ranked: list[_Ranked], per_standard: int) -> dict[str, list[_Ranked]]:
    """Each standard's best clauses, standards in the order of their best clause."""
    groups: dict[str, list[_Ranked]] = {}
    for hit in ranked:
        shown = groups.setdefault(hit.sha, [])
        if len(shown) < per_standard:
            shown.append(hit)
    return groups


def _standard_group(catalogue: _Catalogue, clauses: list[Hit], matching: int) -> StandardGroup:
    first = clauses[0]
    meta = catalogue.standards.get(first.sha256, {})
    return StandardGroup(
        std_no=first.std_no,
        title_zh=first.title_zh,
        status=first.status,
        level=first.level,
        kind=first.kind,
        region=first.region,
        issued=meta.get("issued", "") or "",
        effective=meta.get("effective", "") or "",
        sha256=first.sha256,
        score=first.score,
        clauses=clauses,
        more=max(0, matching - len(clauses)),
    )


def _fill_snippet(hit: Hit, highlighter: Highlighter, lead: bool) -> None:
    """The matched passage; the clause's opening words when only the number matched."""
    if lead:
        highlighter = Highlighter([])
    hit.snippet, hit.snippet_html = highlighter.both(hit.text)


def _facets(catalogue: _Catalogue, shas: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Counts of matching standards per filter value, most frequent first."""
    pairs = Counter(chain.from_iterable(catalogue.facet_values.get(sha, ()) for sha in shas))
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for (name, value), count in pairs.items():
        counts[name][value] = count
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()}


def _facet_values(meta: dict) -> tuple[tuple[str, str], ...]:
    """(facet, value) pairs one standard counts in; an ICS code by its first two parts."""
    pairs = []
    for name in FACETS:
        value = meta.get(name)
        if name == "ics":
            pairs.extend(
                (name, code.strip()[:6]) for code in (value or "").split(",") if code.strip()
            )
        elif value not in (None, "", 0):
            pairs.append((name, str(value)))
    return tuple(pairs)


# ---------------------------------------------------------------------------
# Nothing found


def suggest(catalogue: _Catalogue, parsed: ParsedQuery, n: int = 5) -> list[str]:
    """Standard numbers, titles and defined terms close to what was typed."""
    out: list[str] = []
    by_key: dict[str, str] = {}
    for std_no in catalogue.numbers.values():
        number = parse_std_no(std_no)
        for key in number.variants() if number else [std_no.lower()]:
            by_key.setdefault(key, std_no)
    for term in parsed.numbers:
        for key in term.keys:
            for close in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.6):
                out.append(by_key[close])
    text = "".join(parsed.words) or "".join(parsed.phrases)
    if text:
        keys = normalize_query_number(text)
        if keys:
            for close in difflib.get_close_matches(keys[0], list(by_key), n=n, cutoff=0.6):
                out.append(by_key[close])
        pool = [*catalogue.titles, *sorted(catalogue.terms)]
        out.extend(difflib.get_close_matches(text, pool, n=n, cutoff=0.4))
        out.extend(p for p in pool if text in p or (len(p) >= 2 and p in text))
    return list(dict.fromkeys(out))[:n]


def with_ranking(**changes) -> Ranking:
    """A ranking with some constants changed, for measuring alternatives."""
    return replace(DEFAULT_RANKING, **changes)
