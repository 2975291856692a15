"""Token filters for the Chinese analyzers: stop words that keep phrase positions right.

Whoosh's own `StopFilter` renumbers every surviving token to consecutive positions,
which would pull apart the alternative forms our tokenizers stack on one position
(sub-words, standard-number variants). `ChineseStopFilter` drops whole positions and
closes the gap, leaving stacked tokens together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from whoosh.analysis import Filter, Token

# Words that make a question of a query and are never what the user looks for:
# "新建燃气锅炉的烟囱最低要求多高" is about 烟囱 高度, not about 多高. Only dropped from
# queries: in clause text they are ordinary words (检查是否符合要求). 要求, 规定, 应 are
# what standards are made of and are kept. The last line is the filler of spoken
# questions (是多少, 还算吗, 最多可以, 需要做): on the development topics, 多, 还, 做, 要,
# 可以 and 最 were missing from the answering clause every time they were asked
# (tests/bench/bench_analyzers.py --quality).
QUESTION_WORDS = frozenset(
    """
    怎么 怎样 怎么样 怎么办 如何 为什么 为何 什么 啥 哪 哪些 哪个 哪里 哪儿 哪种 哪类 哪一
    多少 多久 多长 多长时间 多高 多远 多大 多重 多厚 多深 多宽 多快 几 几个 几次 几年 几天
    是否 能否 可否 是不是 有没有 能不能 可不可以 应该 请问 吗 呢 么 吧 呀
    是 还 还是 要 需要 可以 能 能够 做 算 有 多 最
    """.split()  # noqa: SIM905 - a word list reads better as text
)

# Function words that join words of a phrase. Dropped from both the index and queries,
# with positions closed up, so the phrase "参考文献的著录" still matches the clause text
# word for word, and "食品添加剂使用" matches "食品添加剂的使用". Dropped from queries
# only, they left a gap in the indexed positions: 3 of the 7 quoted development
# phrases still matched their page, against 6 of 7 with this choice.
PARTICLES = frozenset(["的", "了", "和", "与", "及", "之"])


class ChineseStopFilter(Filter):
    """Drops stop words (and their stacked alternatives), renumbering what follows.

    `stop_words` are dropped at index and query time; `query_stop_words` only when the
    tokens are for a query (token mode "query").
    """

    def __init__(
        self,
        stop_words: Iterable[str] = PARTICLES,
        query_stop_words: Iterable[str] = QUESTION_WORDS,
    ):
        self.stop_words = frozenset(stop_words)
        self.query_stop_words = frozenset(query_stop_words)

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        shift = 0
        head = object()
        dropping = False
        for t in tokens:
            pos = t.pos if t.positions else object()
            if pos != head:
                head = pos
                dropping = t.text in self.stop_words or (
                    t.mode == "query" and t.text in self.query_stop_words
                )
                if dropping and t.removestops and t.positions:
                    shift += 1
            if dropping:
                if not t.removestops:
                    t.stopped = True
                    yield t
                continue
            if t.positions:
                t.pos -= shift
            t.stopped = False
            yield t
