"""Ranking above the engine: what a score means for standards, not for documents.

The engine scores documents (`indexer.engine.plan.Bm25`); this module turns its
candidates into ranked clause hits, the same whichever engine answered:

* The standard's own document (number, title) adds a share of its score to its
  clauses, and stands for the standard in the hit list through its best clause (or the
  clause that leads it, 范围, when no clause matched), because every hit names a clause.
* A typed standard number favours the exact spelling (GB over GB/T, the typed year).
* The definition of a term typed alone comes first, a heading without text yields to its
  subclauses, the foreword seldom answers, local standards of a province the query
  names are favoured, and superseded (被代替) and withdrawn (废止) editions are demoted so
  the current edition comes first when both match.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace

from analyzers.regions import PROVINCES
from analyzers.stdno import StandardNumber, parse_std_no
from indexer.engine.documents import TERM, heading_key
from indexer.engine.interface import Matches, Snapshot
from indexer.engine.plan import Bm25

from .query import ParsedQuery

DEMOTED_STATUSES = ("被代替", "废止")
FOREWORD = "前言"


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

    def bm25(self) -> Bm25:
        """The scoring model the engine applies."""
        return Bm25(
            K1=self.K1,
            B=self.B,
            field_B=self.field_B(),
            coordination=self.coordination,
            common_share=self.common,
        )


DEFAULT_RANKING = Ranking()


def with_ranking(**changes) -> Ranking:
    """A ranking with some constants changed, for measuring alternatives."""
    return replace(DEFAULT_RANKING, **changes)


@dataclass(frozen=True)
class Intent:
    """What the query says beyond its words: numbers typed, the text as a heading would
    read, provinces named."""

    numbers: tuple[StandardNumber | str, ...] = ()
    heading: str = ""
    regions: frozenset[str] = frozenset()

    @classmethod
    def of(cls, parsed: ParsedQuery) -> Intent:
        text = "".join(parsed.words + parsed.phrases)
        return cls(
            numbers=tuple(_typed_numbers(parsed)),
            heading=heading_key(text),
            # `广东省VOCs排放标准`: the province's local standards apply.
            regions=frozenset(
                name for name in PROVINCES.values() if len(name) >= 2 and name in text
            ),
        )


def _typed_numbers(parsed: ParsedQuery) -> list[StandardNumber | str]:
    out: list[StandardNumber | str] = []
    for term in parsed.numbers:
        number = None if term.bare else parse_std_no(term.text)
        out.append(number if number is not None else term.keys[0])
    return out


def number_fit(numbers: tuple[StandardNumber | str, ...], std_no: str) -> float:
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


@dataclass
class Ranked:
    """A hit before its stored fields are read: most candidates are never shown."""

    ref: int  # the clause document shown, -1 when the standard has no clause
    sha: str
    score: float
    matched: str = "clause"  # "standard": its number or title matched more than a clause
    order: int = 0


def rank(matches: Matches, snapshot: Snapshot, ranking: Ranking, intent: Intent) -> list[Ranked]:
    """The candidates as clause hits, best first."""
    standard_score: dict[str, float] = {}
    clause_hits: dict[str, list] = defaultdict(list)
    for candidate in matches.candidates:
        if candidate.is_standard:
            standard_score[candidate.sha256] = candidate.score
        else:
            clause_hits[candidate.sha256].append(candidate)

    ranked: list[Ranked] = []
    for sha in set(standard_score) | set(clause_hits):
        meta = matches.standards.get(sha, {})
        factor = ranking.demote if meta.get("status") in DEMOTED_STATUSES else 1.0
        if intent.regions and meta.get("region") in intent.regions:
            factor *= ranking.region
        prior = standard_score.get(sha, 0.0)
        if prior and intent.numbers:
            # An adopted international number (`ISO 690`) names its adopting standards.
            named = [meta.get("std_no", ""), *(meta.get("adopts") or "").split(",")]
            prior *= 0.5 + max(number_fit(intent.numbers, n) for n in named)
        best: Ranked | None = None
        for candidate in clause_hits.get(sha, []):
            score = _clause_score(candidate, ranking, intent)
            hit = Ranked(
                candidate.ref,
                sha,
                (score + ranking.standard_share * prior) * factor,
                order=candidate.order,
            )
            ranked.append(hit)
            if best is None or hit.score > best.score:
                best = hit
        if prior and (best is None or best.score < prior * factor):
            # The number or title matched more than any clause: the standard itself ranks
            # here, shown through its best clause (or the clause that leads it).
            if best is not None:
                best.score, best.matched = prior * factor, "standard"
            else:
                lead = snapshot.lead(sha)
                ref, order = (lead.ref, lead.order) if lead is not None else (-1, 0)
                ranked.append(Ranked(ref, sha, prior * factor, "standard", order))
    standards = matches.standards
    ranked.sort(key=lambda r: (-r.score, standards.get(r.sha, {}).get("std_no") or "", r.order))
    return ranked


def _clause_score(candidate, ranking: Ranking, intent: Intent) -> float:
    score = candidate.score
    if intent.heading and candidate.heading_key == intent.heading:
        score *= ranking.term_exact if candidate.clause_kind == TERM else ranking.heading_exact
    if candidate.clause_no == FOREWORD:
        score *= ranking.foreword
    if not candidate.has_text:
        score *= ranking.empty
    return score


def group(ranked: list[Ranked], per_standard: int) -> dict[str, list[Ranked]]:
    """Each standard's best clauses, standards in the order of their best clause."""
    groups: dict[str, list[Ranked]] = {}
    for hit in ranked:
        shown = groups.setdefault(hit.sha, [])
        if len(shown) < per_standard:
            shown.append(hit)
    return groups
