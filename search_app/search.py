"""Searching the index: one call from a query string to ranked, grouped, highlighted hits.

    result = search(SearchIndex(root).open(), "厂界噪声 夜间 测量", limit=10)
    for hit in result.hits: print(hit.std_no, hit.clause_no, hit.page, hit.snippet)

How a query becomes a score:

* Each word the user typed is looked up twice: as jieba words (in `heading`, `body`,
  and in `title` of the standard's own document) and as character bigrams (`*_bi`), so a
  word jieba cuts differently in the text, or a part of a longer word (`添加` in
  `添加剂`), is still found. Every word and bigram is an optional clause of one OR query
  with a coordination bonus: a clause that matches more of the question ranks higher.
* Field boosts (`Ranking`) were measured with `stdsearch evaluate` on the development
  queries: headings and titles weigh more than body text.
* A standard number (`gb3838`, `JT/T 808—2019`) looks up `std_keys` on the standard's
  own document with a boost that puts that standard first.
* The standard's own document (number, title) adds to its clauses' scores, and stands
  for the standard in the hit list through its best clause (or clause 1 when no clause
  matched), because every hit names a clause.
* Superseded and withdrawn editions are demoted, so the current edition comes first
  when both match.
"""

from __future__ import annotations

import difflib
import threading
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from whoosh import query as Q
from whoosh.scoring import BM25F

from analyzers.chinese import bigram_analyzer, query_bigram_analyzer, query_word_analyzer
from analyzers.stdno import StandardNumber, normalize_query_number, parse_std_no

from .highlight import Highlighter
from .query import ParsedQuery, QueryError, parse_query

MAX_LIMIT = 1000
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Ranking:
    """Field boosts and ranking constants; the defaults are the measured ones."""

    heading: float = 3.0
    heading_bi: float = 1.5
    body: float = 1.0
    body_bi: float = 0.5
    title: float = 3.0
    title_bi: float = 2.0
    std_keys: float = 200.0
    phrase: float = 2.0
    coordination: float = 0.9  # Or(scale=…): the bonus for matching more query terms
    standard_share: float = 0.3  # part of the standard document's score its clauses get
    demote: float = 0.5  # score factor of superseded (被代替) and withdrawn (废止) editions
    K1: float = 1.2
    B: float = 0.75
    short_B: float = 0.3  # titles and headings: length says little about relevance
    candidates: int = 300

    def weighting(self) -> BM25F:
        short = {
            f"{name}_B": self.short_B for name in ("title", "title_bi", "heading", "heading_bi")
        }
        return BM25F(B=self.B, K1=self.K1, **short)


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

    @property
    def highlight_terms(self) -> list[str]:
        return [*self.phrase_texts, *self.words, *self.bigrams]


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
    return QueryTerms(
        words=words,
        bigrams=bigrams,
        phrases=phrases,
        phrase_texts=list(parsed.phrases),
        number_keys=[list(n.keys) for n in parsed.numbers],
    )


class _Or(Q.Or):
    """Or as a tree of union matchers: it keeps boosts and the coordination bonus, and
    unlike the preloading matcher Whoosh picks for small indexes it does not allocate an
    array the size of each segment for every word of the query."""

    matcher_type = Q.Or.DEFAULT_MATCHER


_STANDARD_DOC = Q.Term("doc_type", "standard")


def build_query(terms: QueryTerms, ranking: Ranking) -> Q.Query | None:
    r = ranking
    optional: list[Q.Query] = []
    for word in terms.words:
        optional.append(
            _Or(
                [
                    Q.Term("heading", word, boost=r.heading),
                    Q.Term("body", word, boost=r.body),
                    Q.And([_STANDARD_DOC, Q.Term("title", word, boost=r.title)]),
                ]
            )
        )
    for gram in terms.bigrams:
        optional.append(
            _Or(
                [
                    Q.Term("heading_bi", gram, boost=r.heading_bi),
                    Q.Term("body_bi", gram, boost=r.body_bi),
                    Q.Term("title_bi", gram, boost=r.title_bi),
                ]
            )
        )
    for keys in terms.number_keys:
        optional.append(_Or([Q.Term("std_keys", k, boost=r.std_keys) for k in keys]))
    text_query = _Or(optional, scale=r.coordination) if optional else None

    required = []
    for seq in terms.phrases:
        required.append(
            _Or([_phrase(name, seq, r.phrase) for name in ("heading_bi", "body_bi", "title_bi")])
        )
    if required:
        must = Q.And(required) if len(required) > 1 else required[0]
        query = Q.AndMaybe(must, text_query) if text_query is not None else must
    else:
        query = text_query
    if query is None:
        return None
    return query


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
    """Per generation: each document's standard, each standard's metadata and clauses."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.doc_sha: dict[int, str] = {}
        self.doc_is_standard: dict[int, bool] = {}
        self.standards: dict[str, dict] = {}
        self.first_clause: dict[str, dict] = {}
        self.terms: set[str] = set()
        for docnum, stored in reader.iter_docs():
            sha = stored.get("sha256", "")
            self.doc_sha[docnum] = sha
            is_standard = stored.get("doc_type") == "standard"
            self.doc_is_standard[docnum] = is_standard
            if is_standard:
                self.standards[sha] = stored
                continue
            order = stored.get("order", 0)
            best = self.first_clause.get(sha)
            if best is None or _first_key(stored) < _first_key(best):
                self.first_clause[sha] = {**stored, "docnum": docnum}
            if stored.get("clause_kind") == "term" and stored.get("heading"):
                self.terms.add(stored["heading"])
            del order
        self.numbers = {
            sha: s.get("std_no", "") for sha, s in self.standards.items() if s.get("std_no")
        }
        self.titles = sorted(
            {s.get("title", "") for s in self.standards.values() if s.get("title")}
        )


def _first_key(stored: dict) -> tuple:
    """Clause 1 (范围, scope) stands for the whole standard; else the first clause printed."""
    return (stored.get("clause_no") != "1", stored.get("order", 0))


_cache_lock = threading.Lock()
_cache: dict[tuple, _Catalogue] = {}


def _catalogue(index, searcher) -> _Catalogue:
    key = (
        getattr(index.storage, "folder", id(index)),
        index.latest_generation(),
        searcher.doc_count_all(),
    )
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
    whoosh_query = build_query(terms, ranking)
    mask = build_exclusion(parsed.excluded)
    filter_query = build_filter(parsed.filters)
    if whoosh_query is None:
        if filter_query is None:
            raise QueryError("type words, a phrase or a standard number to search for", "empty")
        whoosh_query = Q.Every()  # filters alone: browse the library

    highlighter = Highlighter(terms.highlight_terms)
    with index.searcher(weighting=ranking.weighting()) as searcher:
        catalogue = _catalogue(index, searcher)
        needed = (offset + limit) * (clauses_per_standard if group else 1)
        candidates = max(ranking.candidates, needed * 3)
        results = searcher.search(whoosh_query, limit=candidates, filter=filter_query, mask=mask)
        scored = [(hit.docnum, hit.score) for hit in results]
        matched = {d for d, _ in scored}
        if len(results) > len(scored):
            matched = set(searcher.docs_for_query(whoosh_query))
            if filter_query is not None:
                matched &= set(searcher.docs_for_query(filter_query))
            if mask is not None:
                matched -= set(searcher.docs_for_query(mask))
        ranked = _rank(searcher, catalogue, scored, ranking, _typed_numbers(parsed))
        clause_counts = Counter(
            catalogue.doc_sha[d] for d in matched if not catalogue.doc_is_standard[d]
        )
        standards_matched = {catalogue.doc_sha[d] for d in matched}
        total = sum(clause_counts.values()) + sum(
            1 for s in standards_matched if not clause_counts.get(s)
        )
        facets = _facets(catalogue, standards_matched)

        if group:
            groups = _group(ranked, catalogue, clause_counts, clauses_per_standard)
            page_groups = groups[offset : offset + limit]
            hits = [h for g in groups for h in g.clauses][offset : offset + limit]
        else:
            groups = _group(ranked, catalogue, clause_counts, clauses_per_standard)[
                offset : offset + limit
            ]
            page_groups = groups
            hits = ranked[offset : offset + limit]
        shown = {id(h): h for h in [*hits, *(h for g in page_groups for h in g.clauses)]}
        for hit in shown.values():
            _fill_snippet(hit, highlighter, lead=hit.matched == "standard" and not terms.words)

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


def _typed_numbers(parsed: ParsedQuery) -> list[StandardNumber | str]:
    out: list[StandardNumber | str] = []
    for term in parsed.numbers:
        number = None if term.bare else parse_std_no(term.text)
        out.append(number if number is not None else term.keys[0])
    return out


def _rank(
    searcher,
    catalogue: _Catalogue,
    scored: list[tuple[int, float]],
    ranking: Ranking,
    numbers: list[StandardNumber | str] = (),
) -> list[Hit]:
    standard_score: dict[str, float] = {}
    clause_hits: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for docnum, score in scored:
        sha = catalogue.doc_sha[docnum]
        if catalogue.doc_is_standard[docnum]:
            standard_score[sha] = score
        else:
            clause_hits[sha].append((docnum, score))

    hits: list[Hit] = []
    for sha in set(standard_score) | set(clause_hits):
        meta = catalogue.standards.get(sha, {})
        factor = ranking.demote if meta.get("status") in DEMOTED_STATUSES else 1.0
        prior = standard_score.get(sha, 0.0)
        if prior and numbers:
            prior *= 0.5 + _number_fit(numbers, meta.get("std_no", ""))
        best: Hit | None = None
        for docnum, score in clause_hits.get(sha, []):
            hit = _hit(
                searcher.stored_fields(docnum),
                meta,
                (score + ranking.standard_share * prior) * factor,
            )
            hits.append(hit)
            if best is None or hit.score > best.score:
                best = hit
        if prior and (best is None or best.score < prior * factor):
            # The number or title matched more than any clause: the standard itself ranks
            # here, shown through its best clause (or clause 1).
            if best is not None:
                best.score = prior * factor
                best.matched = "standard"
            else:
                first = catalogue.first_clause.get(sha)
                stored = first if first is not None else {**meta, "clause_no": "", "heading": ""}
                hit = _hit(stored, meta, prior * factor)
                hit.matched = "standard"
                hits.append(hit)
    hits.sort(key=lambda h: (-h.score, h.std_no, _order_key(h)))
    return hits


def _order_key(hit: Hit) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in hit.clause_no.split("."))


def _hit(stored: dict, meta: dict, score: float) -> Hit:
    return Hit(
        std_no=meta.get("std_no", stored.get("std_no", "")),
        title_zh=meta.get("title", stored.get("title", "")),
        status=meta.get("status", ""),
        clause_no=stored.get("clause_no", "") or "",
        heading=stored.get("heading", "") or "",
        page=stored.get("page"),
        page_end=stored.get("page_end"),
        score=round(float(score), 4),
        snippet="",
        path=stored.get("path", "") or "",
        level=meta.get("level", ""),
        kind=meta.get("kind", ""),
        region=meta.get("region", ""),
        clause_kind=stored.get("clause_kind", "") or "",
        ocr=bool(stored.get("ocr", False)),
        sha256=meta.get("sha256", stored.get("sha256", "")),
        text=stored.get("body", "") or "",
    )


def _group(
    hits: list[Hit], catalogue: _Catalogue, clause_counts: Counter, per_standard: int
) -> list[StandardGroup]:
    groups: dict[str, StandardGroup] = {}
    for hit in hits:
        group = groups.get(hit.sha256)
        if group is None:
            meta = catalogue.standards.get(hit.sha256, {})
            group = groups[hit.sha256] = StandardGroup(
                std_no=hit.std_no,
                title_zh=hit.title_zh,
                status=hit.status,
                level=hit.level,
                kind=hit.kind,
                region=hit.region,
                issued=meta.get("issued", "") or "",
                effective=meta.get("effective", "") or "",
                sha256=hit.sha256,
                score=hit.score,
            )
        if len(group.clauses) < per_standard:
            group.clauses.append(hit)
    for sha, group in groups.items():
        group.more = max(0, max(clause_counts.get(sha, 0), len(group.clauses)) - len(group.clauses))
    return list(groups.values())


def _fill_snippet(hit: Hit, highlighter: Highlighter, lead: bool) -> None:
    """The matched passage; the clause's opening words when only the number matched."""
    if lead:
        highlighter = Highlighter([])
    hit.snippet = highlighter.plain(hit.text)
    hit.snippet_html = highlighter.html(hit.text)


def _facets(catalogue: _Catalogue, shas: set[str]) -> dict[str, list[tuple[str, int]]]:
    """Counts of matching standards per filter value, most frequent first."""
    counts: dict[str, Counter] = {name: Counter() for name in FACETS}
    for sha in shas:
        meta = catalogue.standards.get(sha)
        if not meta:
            continue
        for name in FACETS:
            value = meta.get(name)
            if name == "ics":
                for code in (value or "").split(","):
                    if code.strip():
                        counts[name][code.strip()[:6]] += 1
            elif value not in (None, "", 0):
                counts[name][str(value)] += 1
    return {name: sorted(c.items(), key=lambda kv: (-kv[1], kv[0])) for name, c in counts.items()}


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
