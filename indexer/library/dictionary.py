"""The library's domain dictionary for jieba: defined terms and short clause headings.

Index and query must segment alike, so every process that writes the index or parses
queries loads the same words: the app at start-up and the writers before they add
documents (new standards add their own words as they are indexed).
"""

from __future__ import annotations

from collections.abc import Iterable

from analyzers.segmenter import load_user_words

from .model import Standard

MAX_HEADING = 12


def standard_words(standard: Standard) -> set[str]:
    words = {term.term_zh for term in standard.terms if term.term_zh}
    words |= {c.heading for c in standard.clauses if 2 <= len(c.heading) <= MAX_HEADING}
    return words


def learn_words(standards: Iterable[Standard]) -> int:
    words: set[str] = set()
    for standard in standards:
        words |= standard_words(standard)
    return load_user_words(sorted(words))
