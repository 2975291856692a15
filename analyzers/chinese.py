"""The Whoosh analyzers for Chinese standards: what the schema and the query parser use.

The index holds clause text twice, analysed two ways, and search combines the fields
with boosts:

* `word_analyzer()`: jieba words (with the domain dictionary), sub-words of long words
  stacked on their word's position. Precise: phrases match word for word, and `添加`
  still finds `添加剂`.
* `bigram_analyzer()`: overlapping character bigrams, as Lucene's CJKAnalyzer. Finds
  any two-character sequence whatever jieba made of it (jieba cuts `距外表面` as
  `距外/表面` in one place and `距/外表面` in another), ranks more noisily.

Both drop question words (怎么, 多少, 是否 …) from queries only, and particles (的, 了, 和,
与 …) from queries and documents alike, closing up positions, so the phrase
"参考文献的著录" matches the clause word for word and "食品添加剂使用" matches
"食品添加剂的使用". Standard numbers are one token in both, plus their keyword variants
at index time; `std_no_analyzer()` is the keyword analyzer for a field that holds only
standard numbers.

Known limit: a phrase whose words are all parts of one indexed word (`"排放标准"`
inside `污染物排放标准`) does not match in the word field, where the parts share one
position; it does in the bigram field. Search phrases in both fields.

The analyzers are small picklable objects: Whoosh stores them in the index. They find
the jieba dictionary through `analyzers.segmenter`, so call `initialize(user_words=…)`
once at start-up, with the same words when indexing and when searching.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from whoosh.analysis import Analyzer, LowercaseFilter, Token, Tokenizer

from analyzers.filters import PARTICLES, QUESTION_WORDS, ChineseStopFilter
from analyzers.normalize import fold_dashes, fold_width
from analyzers.segmenter import (
    dictionary_fingerprint,
    initialize,
    load_user_words,
    segmenter,
    user_words,
)
from analyzers.stdno import find_std_nos, normalize_query_number, parse_std_no
from analyzers.tokenizers import BigramTokenizer, ChineseTokenizer

__all__ = [
    "PARTICLES",
    "QUESTION_WORDS",
    "BigramTokenizer",
    "ChineseStopFilter",
    "ChineseTokenizer",
    "StdNoTokenizer",
    "bigram_analyzer",
    "dictionary_fingerprint",
    "initialize",
    "load_user_words",
    "query_bigram_analyzer",
    "query_word_analyzer",
    "segmenter",
    "std_no_analyzer",
    "user_words",
    "word_analyzer",
]


def word_analyzer(mode: str = "search") -> Analyzer:
    """jieba words for the clause text field; the same object serves index and query."""
    return (
        ChineseTokenizer(mode=mode)
        | ChineseStopFilter(PARTICLES, QUESTION_WORDS)
        | LowercaseFilter()
    )


def query_word_analyzer() -> Analyzer:
    """`word_analyzer()` that always cuts as for a query, even called without mode="query".

    For code that analyses the user's words itself (building queries by hand, picking
    highlight terms) rather than through Whoosh's query parser.
    """
    return (
        ChineseTokenizer(mode="precise", for_query=True)
        | ChineseStopFilter(PARTICLES, QUESTION_WORDS)
        | LowercaseFilter()
    )


def bigram_analyzer(unigrams: bool = False) -> Analyzer:
    """Character bigrams for the second clause text field."""
    return BigramTokenizer(PARTICLES, QUESTION_WORDS, unigrams=unigrams) | LowercaseFilter()


def query_bigram_analyzer() -> Analyzer:
    return BigramTokenizer(PARTICLES, QUESTION_WORDS, for_query=True) | LowercaseFilter()


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


def std_no_analyzer() -> Analyzer:
    return StdNoTokenizer() | LowercaseFilter()
