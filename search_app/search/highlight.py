"""Snippets: the passage of a clause that answers the query, with the matched words marked.

Whoosh's highlighter marks the analysed tokens it finds, and with stacked Chinese tokens
(`添加剂` and `添加` at one position, overlapping bigrams) it keeps the shorter of two
overlapping tokens, so a user sees `<mark>添加</mark>剂` for the query `添加剂`. We mark
by text instead: every query word, bigram and phrase is looked up in the (width- and
case-folded) clause text, overlapping and touching matches are merged into one mark,
and the window with the most distinct query words is shown.

Document text is HTML-escaped first, then marked, so the text of a standard can never
inject markup. Two renderings:

* `html()`: `<mark>…</mark>` around matches, for the web page;
* `plain()`: `【…】` around matches, for the command line and the JSON API. The corner
  brackets read naturally in Chinese text and survive any terminal; standards almost
  never print them in clause bodies.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from collections.abc import Iterable

from analyzers.normalize import DASHES, is_cjk, is_cjk_or_punct

PLAIN_OPEN, PLAIN_CLOSE = "【", "】"
HTML_OPEN, HTML_CLOSE = "<mark>", "</mark>"
ELLIPSIS = "…"
SNIPPET_CHARS = 160
# A window start moves back to a sentence start this close before the first match.
_SENTENCE_END = set("。；！？\n")


def _fold_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    table.update({ord(ch): "-" for ch in DASHES})
    table.update({code: chr(code).lower() for code in range(ord("A"), ord("Z") + 1)})
    table.update({code: chr(code - 0xFEE0).lower() for code in range(0xFF21, 0xFF3B)})
    return table


_FOLD = _fold_table()


def fold_text(text: str) -> str:
    """Width-, dash- and case-folded text of the same length, so offsets into it are
    offsets into `text` (one character for one: a table, not NFKC)."""
    return text.translate(_FOLD)


def _weight(term: str) -> float:
    """Longer terms say more than single characters."""
    return len(term) if len(term) > 1 or not is_cjk(term) else 0.5


def _is_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


class Highlighter:
    """Marks `terms` (query words, bigrams, phrases) in clause texts."""

    def __init__(self, terms: Iterable[str], max_chars: int = SNIPPET_CHARS):
        folded = (fold_text(t.strip()) for t in terms if t and t.strip())
        self.terms = sorted(set(folded), key=len, reverse=True)
        self.max_chars = max_chars

    # -- finding ----------------------------------------------------------------------

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, term) for every occurrence of every term, unmerged."""
        folded = fold_text(text)
        found = []
        for term in self.terms:
            latin = all(_is_alnum(c) or c in "./-" for c in term)
            start = folded.find(term)
            while start != -1:
                end = start + len(term)
                # Latin words and numbers match whole words only: `1` is not in `2019`.
                if not latin or (
                    (start == 0 or not _is_alnum(folded[start - 1]))
                    and (end == len(folded) or not _is_alnum(folded[end]))
                ):
                    found.append((start, end, term))
                start = folded.find(term, start + 1)
        return found

    @staticmethod
    def merge(spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
        merged: list[list[int]] = []
        for start, end, _ in sorted(spans):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(s, e) for s, e in merged]

    def window(self, text: str, spans: list[tuple[int, int, str]]) -> tuple[int, int]:
        """The stretch of at most `max_chars` that covers the most distinct query terms."""
        n = len(text)
        if n <= self.max_chars:
            return 0, n
        if not spans:
            return 0, self.max_chars
        # Slide a window over the spans in order (two pointers, a count per term), so a
        # long clause full of matches costs linear time, not quadratic.
        spans = sorted(spans)
        counts: dict[str, int] = {}
        value = 0.0
        best = (-1.0, 0)
        right = 0
        for left, (s, _, _) in enumerate(spans):
            start = max(0, s - 12)
            while right < len(spans) and spans[right][1] <= start + self.max_chars:
                term = spans[right][2]
                if not counts.get(term):
                    value += _weight(term)
                counts[term] = counts.get(term, 0) + 1
                right += 1
            if value > best[0]:
                best = (value, start)
            if right > left:
                term = spans[left][2]
                counts[term] -= 1
                if not counts[term]:
                    value -= _weight(term)
            else:
                right = left + 1
        start = best[1]
        first = min((s for s, _, _ in spans if s >= start), default=start)
        for i in range(first - 1, max(-1, first - 40), -1):
            if text[i] in _SENTENCE_END:
                start = i + 1
                break
        start = max(0, min(start, n - self.max_chars))
        return start, min(n, start + self.max_chars)

    # -- rendering --------------------------------------------------------------------

    def fragment(self, text: str) -> tuple[int, int, list[tuple[int, int]]]:
        """The window to show and the marked stretches inside it (offsets into `text`)."""
        spans = self.spans(text)
        start, end = self.window(text, spans)
        marks = [
            (max(s, start), min(e, end)) for s, e in self.merge(spans) if s < end and e > start
        ]
        return start, end, marks

    def segments(self, text: str, fragment=None) -> list[tuple[bool, str]]:
        """The window as (marked, text) runs, gaps of the printed page closed up: nothing
        between Chinese characters, one space between Latin words. A run changes only at
        a character that is shown, so a gap joins the run before it."""
        start, end, marks = fragment or self.fragment(text)
        bounds = [p for mark in marks for p in mark]  # marked from an even index to the next
        runs: list[tuple[bool, str]] = []
        inside = False
        run: list[str] = []
        for piece in _PIECE.finditer(text, start, end):
            a, b = piece.span()
            if piece.group(0)[0].isspace():
                before = text[a - 1] if a > start else ""
                after = text[b] if b < end else ""
                if before and after and not (is_cjk_or_punct(before) or is_cjk_or_punct(after)):
                    run.append(" ")
                continue
            i = bisect_right(bounds, a)
            while a < b:
                marked = i % 2 == 1
                cut = min(bounds[i], b) if i < len(bounds) else b
                if marked != inside:
                    runs.append((inside, "".join(run)))
                    run, inside = [], marked
                run.append(text[a:cut])
                if i < len(bounds) and bounds[i] == cut:
                    i += 1
                a = cut
        runs.append((inside, "".join(run)))
        return runs

    def shown(self, text: str) -> tuple[int, int, list[tuple[bool, str]]]:
        """The window (start, end) and its runs: what both renderings are made of."""
        fragment = self.fragment(text)
        return fragment[0], fragment[1], self.segments(text, fragment)

    def _render(self, text: str, open_mark: str, close_mark: str, escape, shown=None) -> str:
        text = text or ""
        start, end, runs = shown or self.shown(text)
        out = [ELLIPSIS] if start > 0 else []
        inside = False
        for marked, run in runs:
            if marked != inside:
                out.append(open_mark if marked else close_mark)
                inside = marked
            out.append(escape(run))
        if inside:
            out.append(close_mark)
        if end < len(text):
            out.append(ELLIPSIS)
        return "".join(out).strip()

    def html(self, text: str) -> str:
        """Escaped clause text with `<mark>` around the matches: safe to put in a page."""
        return self._render(text, HTML_OPEN, HTML_CLOSE, _escape_html)

    def plain(self, text: str) -> str:
        """Clause text with `【…】` around the matches, for terminals and JSON."""
        return self._render(text, PLAIN_OPEN, PLAIN_CLOSE, _as_is)

    def both(self, text: str) -> tuple[str, str]:
        """(plain, html) of one text, finding the matches once."""
        text = text or ""
        shown = self.shown(text)
        return (
            self._render(text, PLAIN_OPEN, PLAIN_CLOSE, _as_is, shown),
            self._render(text, HTML_OPEN, HTML_CLOSE, _escape_html, shown),
        )


_PIECE = re.compile(r"\s+|\S+")


def _escape_html(text: str) -> str:
    return html_lib.escape(text, quote=True)


def _as_is(text: str) -> str:
    return text


def highlight_html(text: str, terms: Iterable[str], max_chars: int = SNIPPET_CHARS) -> str:
    return Highlighter(terms, max_chars).html(text)


def highlight_plain(text: str, terms: Iterable[str], max_chars: int = SNIPPET_CHARS) -> str:
    return Highlighter(terms, max_chars).plain(text)
