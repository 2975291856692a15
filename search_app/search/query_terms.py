"""The words of a parsed query as the index holds them: tokens of our analyzers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from analyzers.chinese import bigram_analyzer, query_bigram_analyzer, query_word_analyzer
from analyzers.segmenter import is_word

from .query import ParsedQuery


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

    @property
    def empty(self) -> bool:
        return not (self.words or self.bigrams or self.number_keys or self.phrases)


def analyse(parsed: ParsedQuery) -> QueryTerms:
    words_an, bigram_an = query_word_analyzer(), query_bigram_analyzer()
    words: list[str] = []
    bigrams: list[str] = []
    for chunk in parsed.words:
        words.extend(_tokens(words_an, chunk))
        bigrams.extend(_tokens(bigram_an, chunk))
    phrases = [seq for seq in (phrase_tokens(phrase) for phrase in parsed.phrases) if seq]
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


def phrase_tokens(text: str) -> list[str]:
    """The bigrams a phrase must match in order, as the bigram fields index them."""
    return [t.text for t in bigram_analyzer()(text, mode="index") if t.text]


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
