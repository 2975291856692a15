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

from collections.abc import Callable

from whoosh.analysis import Analyzer, LowercaseFilter, StemmingAnalyzer

from analyzers.filters import PARTICLES, QUESTION_WORDS, ChineseStopFilter
from analyzers.segmenter import (
    dictionary_fingerprint,
    initialize,
    load_user_words,
    segmenter,
    user_words,
)
from analyzers.tokenizers import BigramTokenizer, ChineseTokenizer, StdNoTokenizer

__all__ = [
    "ANALYSES",
    "PARTICLES",
    "QUESTION_WORDS",
    "BigramTokenizer",
    "ChineseStopFilter",
    "ChineseTokenizer",
    "StdNoTokenizer",
    "bigram_analyzer",
    "dictionary_fingerprint",
    "english_analyzer",
    "initialize",
    "load_user_words",
    "query_bigram_analyzer",
    "query_word_analyzer",
    "segmenter",
    "std_no_analyzer",
    "tokens",
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


def std_no_analyzer() -> Analyzer:
    return StdNoTokenizer() | LowercaseFilter()


def english_analyzer() -> Analyzer:
    """English titles and terms: words, lower case, stop words dropped, stemmed."""
    return StemmingAnalyzer()


# The ways a text field is analysed, by name: what `indexer.engine.documents` says of
# each field, and what an engine that does not run these pipelines indexes instead.
ANALYSES: dict[str, Callable[[], Analyzer]] = {
    "words": word_analyzer,
    "bigrams": bigram_analyzer,
    "english": english_analyzer,
}


def tokens(analysis: str, text: str, query: bool = False) -> list[tuple[int, str]]:
    """(position, token) of `text` as a field of this analysis indexes it (or, with
    `query`, as a query is cut): the very tokens of the Whoosh pipeline, for an engine
    that indexes text cut here. Sub-words stacked on a word share its position."""
    analyzer = ANALYSES[analysis]()
    mode = "query" if query else "index"
    return [(t.pos, t.text) for t in analyzer(text, positions=True, mode=mode) if t.text]
