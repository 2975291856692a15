"""Whoosh tokenizers for Chinese standards text: jieba words and CJK character bigrams.

Both tokenizers read text the same way before cutting it:

* width and dash forms are folded (`ＧＢ／Ｔ　１.１—２０２０` reads as `GB/T 1.1-2020`), but
  `startchar`/`endchar` always point into the text as given, so highlights land on the
  stored clause text;
* standard numbers found by `analyzers.stdno` are one token each, never shredded;
* Latin and digit runs are words: `5.1`, `13.040.40`, `mg/L`, `pH`, `RS485`, single
  letters and digits included (jieba's own Whoosh analyzer drops `T` of `GB/T`);
* Chinese runs go to jieba (`ChineseTokenizer`) or become overlapping character bigrams
  (`BigramTokenizer`).

Positions are token indexes (0, 1, 2 …), not character offsets, so phrase queries work.
Alternative forms of one stretch of text — the sub-words of a long word, the spelling
variants of a standard number, the parts of `mg/L` — are emitted at the position of the
token they belong to, the way synonyms are, and only at index time: Whoosh turns the
tokens of a query phrase into a word sequence and ignores their positions, so a query
must yield exactly one token per position.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh.analysis import Token, Tokenizer

from analyzers.normalize import CJK_CLASS, fold_dashes, fold_width
from analyzers.segmenter import dictionary_version, is_word, segmenter
from analyzers.stdno import StandardNumber, find_std_nos, normalize_query_number, parse_std_no

ALNUM = "0-9A-Za-z\u00c0-\u024f\u0370-\u03ff"

# A run of Chinese characters, or a Latin/digit word whose pieces may be joined by `.`
# (`5.1`, `13.040.40`, `PM2.5`) or `/` (`mg/L`, `km/h`, `GB/T`).
_PIECE = re.compile(rf"(?P<cjk>[{CJK_CLASS}]+)|(?P<word>[{ALNUM}]+(?:[./][{ALNUM}]+)*)")
_CJK_GAP = re.compile(rf"(?<=[{CJK_CLASS}])\s+(?=[{CJK_CLASS}])")
# The parts of a joined word: letter runs and numbers (`RS485` → `RS`, `485`).
_PART = re.compile(r"[A-Za-z\u00c0-\u024f\u0370-\u03ff]+|[0-9]+(?:\.[0-9]+)*")
_QUANTITY = re.compile(r"[0-9]+(?:\.[0-9]+)*(?=[A-Za-z\u00c0-\u024f\u0370-\u03ff])")
_BARE_NUMBER = re.compile(r"[0-9.]+")


# -- reading the text ---------------------------------------------------------------


def fold_for_tokens(text: str) -> tuple[str, list[int] | None]:
    """The folded text and, when folding moved characters, where each one came from.

    Almost every fold is one character for one, so the map is usually the identity
    (returned as None). NFKC expansions (`㎎` → `mg`, `Ⅲ` → `III`) lengthen the text;
    line breaks and letter-spacing between Chinese characters (`前　言`, a clause
    broken over two printed lines) are dropped, since jieba would otherwise cut there.
    """
    folded = fold_dashes(fold_width(text))
    origin: list[int] | None = None
    if len(folded) != len(text):
        pieces: list[str] = []
        origin = []
        for i, ch in enumerate(text):
            f = fold_dashes(fold_width(ch))
            pieces.append(f)
            origin.extend([i] * len(f))
        origin.append(len(text))
        folded = "".join(pieces)
    if _CJK_GAP.search(folded):
        if origin is None:
            origin = list(range(len(folded) + 1))
        kept: list[str] = []
        kept_origin: list[int] = []
        at = 0
        for m in _CJK_GAP.finditer(folded):
            kept.append(folded[at : m.start()])
            kept_origin.extend(origin[at : m.start()])
            at = m.end()
        kept.append(folded[at:])
        kept_origin.extend(origin[at:])
        folded, origin = "".join(kept), kept_origin
    return folded, origin


@dataclass(frozen=True)
class Piece:
    """A stretch of folded text that is tokenized as one kind of thing."""

    kind: str  # "std_no", "cjk" or "word"
    text: str
    start: int
    end: int
    std_no: StandardNumber | None = None


def scan(text: str) -> Iterator[Piece]:
    """Standard numbers, Chinese runs and Latin/digit words of folded text, in order."""
    at = 0
    for std_no, start, end in find_std_nos(text):
        if start < at:
            continue
        yield from _scan_plain(text, at, start)
        yield Piece("std_no", text[start:end], start, end, std_no)
        at = end
    yield from _scan_plain(text, at, len(text))


def _scan_plain(text: str, start: int, end: int) -> Iterator[Piece]:
    for m in _PIECE.finditer(text, start, end):
        kind = "cjk" if m.group("cjk") else "word"
        yield Piece(kind, m.group(0), m.start(), m.end())


def word_parts(word: str) -> list[str]:
    """The pieces a user may type apart: `mg/L` → `mg`, `L`; `RS485` → `RS`, `485`.

    A quantity printed without a space keeps its unit whole too: `5mg/L` → `mg/L`.
    """
    parts = _PART.findall(word)
    if len(parts) < 2:
        return []
    quantity = _QUANTITY.match(word)
    if quantity and "/" in word[quantity.end() :]:
        parts.append(word[quantity.end() :])
    return parts


def std_no_forms(std_no: StandardNumber) -> list[str]:
    """The canonical keyword first (`gb/t1.1-2020`), then the spellings users type.

    Bare numbers (`7714`, `1`) are left to the number's own words: in running text
    they would also stand for every part of a multi-part standard.
    """
    forms = [std_no.key]
    for variant in std_no.variants():
        if variant not in forms and not _BARE_NUMBER.fullmatch(variant):
            forms.append(variant)
    return forms


def subwords(word: str) -> list[str]:
    """The words a long word is made of, and theirs in turn (`食品添加剂` → 食品, 添加剂, 添加).

    Each word is cut as jieba would cut it if the word itself were not in the
    dictionary, then each part the same way. Unlike jieba's search mode, which emits
    every dictionary two- and three-gram inside (`燃气锅炉` → 燃气, 气锅, 锅炉), only
    the parts that make up the word are found, at any length (`人民共和国`).
    """
    return [word[start:end] for start, end in subword_spans(word)]


def subword_spans(word: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of each sub-word, offsets counted from `offset`."""
    if len(word) < 3:
        return []
    return [(offset + start, offset + end) for start, end in _spans(word, dictionary_version())]


@lru_cache(maxsize=100_000)
def _spans(word: str, version: int) -> tuple[tuple[int, int], ...]:
    """Sub-word spans of `word`, cached per dictionary version: text repeats its words."""
    found: list[tuple[int, int]] = []
    at = 0
    for part in _split(word):
        if len(part) > 1:
            found.append((at, at + len(part)))
            if len(part) > 2:
                found.extend((at + s, at + e) for s, e in _spans(part, version))
        at += len(part)
    return tuple(found)


def all_subword_spans(word: str, offset: int = 0) -> list[tuple[int, int]]:
    """Every dictionary word inside `word`, overlapping ones too (jieba's search mode
    generalised to all lengths; kept to measure `subword_spans` against)."""
    n = len(word)
    return [
        (offset + i, offset + i + size)
        for size in range(n - 1, 1, -1)
        for i in range(n - size + 1)
        if is_word(word[i : i + size])
    ]


def _split(word: str) -> list[str]:
    """jieba's most probable cut of `word` without the word itself as one piece.

    Uses jieba's own word graph (`get_DAG`) and best-route search (`calc`), with the
    edge spanning the whole word taken out.
    """
    seg = segmenter()
    dag = seg.get_DAG(word)
    dag[0] = [end for end in dag[0] if end != len(word) - 1] or [0]
    route: dict[int, tuple[float, int]] = {}
    seg.calc(word, dag, route)
    parts = []
    at = 0
    while at < len(word):
        end = route[at][1] + 1
        parts.append(word[at:end])
        at = end
    return parts


def _in_word(run: str, i: int) -> bool:
    """Whether run[i] belongs to a dictionary word of two to four characters around it."""
    for size in (2, 3, 4):
        for start in range(max(0, i - size + 1), min(i, len(run) - size) + 1):
            if is_word(run[start : start + size]):
                return True
    return False


# -- the tokenizers -------------------------------------------------------------------


class _FoldingTokenizer(Tokenizer):
    """Shared call protocol: Whoosh's keyword arguments, folding, offsets, positions.

    Whoosh pickles tokenizers into the index; attributes are given class-level defaults
    so that an index written by an older version still opens (then rebuild it).
    """

    for_query = False

    def __eq__(self, other):
        return other is not None and type(self) is type(other) and self.__dict__ == other.__dict__

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        assert isinstance(value, str), f"{value!r} is not a str"
        query = self.for_query or mode == "query"
        t = Token(
            positions, chars, removestops=removestops, mode="query" if query else mode, **kwargs
        )
        folded, origin = fold_for_tokens(value)
        if not tokenize:
            # Wildcard and prefix queries: the whole (folded) text is the term.
            t.original = t.text = folded
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return

        pos = start_pos - 1
        here: set[str] = set()  # texts already at this position
        for text, start, end, alternate in self._tokens(folded, query):
            if alternate:
                if text in here:
                    continue
            else:
                pos += 1
                here.clear()
            here.add(text)
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = pos
            if chars:
                if origin is not None:
                    start, end = origin[start], origin[end - 1] + 1
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t

    def _tokens(self, text: str, query: bool) -> Iterator[tuple[str, int, int, bool]]:
        """(token text, start, end, same position as the previous token) in folded text."""
        if query:
            # A query that is nothing but a standard number may be typed in any case
            # and spacing (`gb t 28181`, `jt808`), which running text never is.
            keys = normalize_query_number(text)
            if keys:
                stripped = text.strip()
                start = text.index(stripped)
                yield keys[0], start, start + len(stripped), False
                return
        for piece in scan(text):
            if piece.kind == "cjk":
                yield from self._cjk(piece, query)
            else:
                yield from self._non_cjk(piece, query)

    def _cjk(self, piece: Piece, query: bool) -> Iterator[tuple[str, int, int, bool]]:
        raise NotImplementedError

    def _non_cjk(self, piece: Piece, query: bool) -> Iterator[tuple[str, int, int, bool]]:
        if piece.kind == "std_no":
            forms = std_no_forms(piece.std_no)
            yield forms[0], piece.start, piece.end, False
            if query:
                return
            for form in forms[1:]:
                yield form, piece.start, piece.end, True
            # The words of the number, so that `GB/T 7714` typed without quotes (two
            # query words) still finds it.
            for m in _PIECE.finditer(piece.text):
                yield m.group(0), piece.start + m.start(), piece.start + m.end(), True
                for part in word_parts(m.group(0)):
                    yield part, piece.start + m.start(), piece.start + m.end(), True
        else:
            yield piece.text, piece.start, piece.end, False
            if not query:
                for part in word_parts(piece.text):
                    yield part, piece.start, piece.end, True


class ChineseTokenizer(_FoldingTokenizer):
    """jieba words at consecutive positions, plus their sub-words when indexing.

    mode="search" (the default) adds, at index time, the words each longer word is made
    of (`subwords`) at that word's position, so the query `添加` finds `添加剂` while the
    phrase `食品添加剂的使用` still matches word for word. mode="precise" emits jieba's
    precise cut only. Queries are always cut precisely (see the module docstring).
    """

    mode = "search"
    hmm = True

    def __init__(self, mode: str = "search", hmm: bool = True, for_query: bool = False):
        if mode not in ("search", "precise"):
            raise ValueError(f"unknown jieba mode {mode!r}: use 'search' or 'precise'")
        self.mode = mode
        self.hmm = hmm
        self.for_query = for_query

    def _cjk(self, piece: Piece, query: bool) -> Iterator[tuple[str, int, int, bool]]:
        expand = self.mode == "search" and not query
        at = piece.start
        for word in segmenter().cut(piece.text, HMM=self.hmm):
            end = at + len(word)
            yield word, at, end, False
            if expand:
                for start, stop in subword_spans(word, at):
                    yield word[start - at : stop - at], start, stop, True
            at = end


class BigramTokenizer(_FoldingTokenizer):
    """Overlapping character bigrams of Chinese runs; a run of one character stays one.

    Bigrams find any two-character sequence whatever jieba makes of it, at the price of
    noisier ranking. Runs are cut, at index and query time alike, at `particles` that
    are not part of a dictionary word (the `的` of `文献的著录`, not of `目的`), so
    `食品添加剂使用` matches `食品添加剂的使用` and the phrase `"文献的著录"` still matches
    bigram for bigram. Queries are also cut at `query_stop_words` (found with jieba):
    the pairs spanning `如何` are in no document. With `unigrams=True` each character
    is also indexed at its bigram's position, so one-character queries (`铊`) match too.
    """

    particles: frozenset[str] = frozenset()
    query_stop_words: frozenset[str] = frozenset()
    unigrams = False

    def __init__(
        self,
        particles: frozenset[str] = frozenset(),
        query_stop_words: frozenset[str] = frozenset(),
        unigrams: bool = False,
        for_query: bool = False,
    ):
        self.particles = frozenset(particles)
        self.query_stop_words = frozenset(query_stop_words)
        self.unigrams = unigrams
        self.for_query = for_query

    def _cjk(self, piece: Piece, query: bool) -> Iterator[tuple[str, int, int, bool]]:
        for start, end in self._runs(piece.text, query):
            yield from self._pairs(piece.text, start, end, query, piece.start)

    def _runs(self, run: str, query: bool) -> Iterator[tuple[int, int]]:
        cuts = [
            (i, i + 1) for i, ch in enumerate(run) if ch in self.particles and not _in_word(run, i)
        ]
        if query and self.query_stop_words:
            at = 0
            for word in segmenter().cut(run):
                if word in self.query_stop_words:
                    cuts.append((at, at + len(word)))
                at += len(word)
            cuts.sort()
        at = 0
        for start, end in cuts:
            if start > at:
                yield at, start
            at = max(at, end)
        if at < len(run):
            yield at, len(run)

    def _pairs(self, run: str, start: int, end: int, query: bool, offset: int):
        if end - start == 1:
            yield run[start], offset + start, offset + end, False
            return
        unigrams = self.unigrams and not query
        for i in range(start, end - 1):
            yield run[i : i + 2], offset + i, offset + i + 2, False
            if unigrams:
                yield run[i], offset + i, offset + i + 1, True
        if unigrams:
            yield run[end - 1], offset + end - 1, offset + end, True


class StdNoTokenizer(Tokenizer):
    """Keyword tokens for a field of standard numbers (`std_no`, `replaces`, references).

    At index time each number in the value gives all its keyword variants (`gb/t7714-2015`,
    `gbt7714`, `gb7714`, `7714` …) at its own position; a query gives the one keyword the
    user's spelling stands for, so `gbt 7714`, `ＧＢ／Ｔ７７１４—２０１５` and `GB/T 7714-2015`
    all find it. Text that is not a standard number is kept whole, lower-cased, without
    spaces, so an exact lookup still works.
    """

    def __eq__(self, other):
        return other is not None and type(self) is type(other)

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: Any,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        query = mode == "query" or not tokenize
        for pos, text, start, end in self._keywords(value, query):
            t.text = text
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            yield t

    @staticmethod
    def _keywords(value: str, query: bool) -> Iterator[tuple[int, str, int, int]]:
        """(position, keyword, start, end): one position per standard number."""
        if query:
            keys = normalize_query_number(value)
            if keys:
                yield 0, keys[0], 0, len(value)
                return
        found = find_std_nos(value)
        if not found:
            whole = parse_std_no(value)
            found = [(whole, 0, len(value))] if whole is not None else []
        if not found:
            text = "".join(fold_dashes(fold_width(value)).split()).lower()
            if text:
                yield 0, text, 0, len(value)
            return
        for pos, (std_no, start, end) in enumerate(found):
            if query:
                yield pos, std_no.key, start, end
                continue
            for variant in dict.fromkeys([std_no.key, *std_no.variants()]):
                yield pos, variant, start, end
