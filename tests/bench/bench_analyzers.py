"""Throughput and match quality of the Chinese analyzers on real standards text.

    .venv/bin/python tests/bench/bench_analyzers.py            # both parts
    .venv/bin/python tests/bench/bench_analyzers.py --speed    # throughput only
    .venv/bin/python tests/bench/bench_analyzers.py --quality  # matching only

Speed: characters per second through each tokenizer, as the index writer calls it
(positions and offsets on), median of several runs over the pages of a few real PDFs,
and as a ratio to jieba's own precise `cut` run in the same process.

Quality: for every development query with a gold page (`../shared/eval/dev.tsv`), is
each query token found on that page (AND coverage), and, for the quoted-phrase rows
(`clause`), does the query occur at consecutive positions (phrase match)? This is what
decided sub-words on the word's position, particles dropped on both sides and question
words dropped from queries only.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from whoosh.analysis import LowercaseFilter  # noqa: E402

from analyzers import tokenizers  # noqa: E402
from analyzers.chinese import (  # noqa: E402
    PARTICLES,
    QUESTION_WORDS,
    BigramTokenizer,
    ChineseStopFilter,
    ChineseTokenizer,
    bigram_analyzer,
    initialize,
    word_analyzer,
)
from analyzers.normalize import collapse_spaces  # noqa: E402
from analyzers.segmenter import is_word, segmenter  # noqa: E402
from analyzers.tokenizers import CJK  # noqa: E402
from indexer.pdf.extract import extract_pages  # noqa: E402

SHARED = Path(os.environ.get("STDSEARCH_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
EVAL = SHARED / "eval" / "dev.tsv"
SPEED_FILES = [
    "GB_T_7714-2015.pdf",
    "HJ_212-2017.pdf",
    "GB_31571-2015.pdf",
    "GB_20952-2020.pdf",
    "DB44_2367-2022.pdf",
]


def page_text(lines) -> str:
    return collapse_spaces(" ".join(line.text for line in lines))


# -- speed ------------------------------------------------------------------------------------


_pages: list[str] = []


def bench_pages() -> list[str]:
    if not _pages:
        for name in SPEED_FILES:
            path = CORPUS / name
            if path.exists():
                _pages.extend(page_text(p.lines) for p in extract_pages(str(path)) if p.lines)
    return _pages


def speed(repeat: int) -> None:
    pages = bench_pages()
    chars = sum(len(p) for p in pages)
    print(f"speed: {len(pages)} pages, {chars} characters from {', '.join(SPEED_FILES)}")

    import jieba
    from jieba.analyse import ChineseAnalyzer

    jieba.initialize()
    seg = segmenter()
    analyzers = {
        "jieba cut (precise), raw": lambda s: seg.cut(s),
        "jieba cut_for_search, raw": lambda s: seg.cut_for_search(s),
        "jieba ChineseAnalyzer (broken positions)": lambda s: ChineseAnalyzer()(
            s, positions=True, chars=True
        ),
        "word_analyzer(mode='precise')": _indexing(word_analyzer(mode="precise")),
        "word_analyzer() (search: + sub-words)": _indexing(word_analyzer()),
        "bigram_analyzer()": _indexing(bigram_analyzer()),
        "bigram_analyzer(unigrams=True)": _indexing(bigram_analyzer(unigrams=True)),
    }
    # Round-robin, so that a busy machine slows every tokenizer alike; ratios are taken
    # within each round, against jieba's cut in that round, then the median.
    timings: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, int] = {}
    for _ in range(repeat):
        for name, run in analyzers.items():
            start = time.perf_counter()
            count = 0
            for text in pages:
                for _token in run(text):
                    count += 1
            timings[name].append(time.perf_counter() - start)
            counts[name] = count
    reference = timings["jieba cut (precise), raw"]
    print(f"{'tokenizer':44} {'chars/s':>10} {'tokens':>8} {'time ratio':>10}")
    for name, seconds in timings.items():
        ratio = statistics.median(t / r for t, r in zip(seconds, reference, strict=True))
        rate = chars / statistics.median(seconds)
        print(f"{name:44} {rate:10,.0f} {counts[name]:8} {ratio:10.2f}")


def _indexing(analyzer):
    return lambda s: analyzer(s, positions=True, chars=True, mode="index")


# -- quality ---------------------------------------------------------------------------------


def variants():
    """Analysis schemes compared: (index analyzer, query analyzer)."""
    nothing = ChineseStopFilter((), ())
    query_only = ChineseStopFilter((), PARTICLES | QUESTION_WORDS)
    questions = ChineseStopFilter((), QUESTION_WORDS)
    return {
        "precise, no stop words": ChineseTokenizer(mode="precise") | nothing | LowercaseFilter(),
        "precise, question words": ChineseTokenizer(mode="precise") | questions | LowercaseFilter(),
        "search, question words": ChineseTokenizer() | questions | LowercaseFilter(),
        "search, particles query-only": ChineseTokenizer() | query_only | LowercaseFilter(),
        "search, particles both (chosen)": word_analyzer(),
        "search, every inner word (jieba-like)": AllSubwords(word_analyzer()),
        "bigrams, no stop words": BigramTokenizer() | LowercaseFilter(),
        "bigrams, query-only split": BigramTokenizer((), PARTICLES | QUESTION_WORDS)
        | LowercaseFilter(),
        "bigrams, particles both (chosen)": bigram_analyzer(),
    }


class AllSubwords:
    """An analyzer run with every dictionary word inside a word as its sub-words."""

    def __init__(self, analyzer):
        self.analyzer = analyzer

    def __call__(self, value, **kwargs):
        saved = tokenizers.subword_spans
        tokenizers.subword_spans = tokenizers.all_subword_spans
        try:
            yield from self.analyzer(value, **kwargs)
        finally:
            tokenizers.subword_spans = saved


def gold_pages() -> list[tuple[str, str, str]]:
    """(type, query, gold page text) for every development query with a page note."""
    by_file: dict[str, set[int]] = defaultdict(set)
    rows = []
    with EVAL.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            m = re.match(r"p(\d+)", row["note"])
            if row["type"] not in ("term", "topic", "clause") or not m:
                continue
            name = row["std_no"].replace("/", "_").replace(" ", "_") + ".pdf"
            if not (CORPUS / name).exists():
                continue
            by_file[name].add(int(m.group(1)))
            rows.append((row["type"], row["query"], name, int(m.group(1))))
    texts = {}
    for name, numbers in by_file.items():
        for page in extract_pages(str(CORPUS / name), pages=numbers):
            texts[name, page.number] = page_text(page.lines)
    return [(kind, query, texts.get((name, n), "")) for kind, query, name, n in rows]


def positions(analyzer, text, mode):
    at = defaultdict(set)
    for t in analyzer(text, positions=True, mode=mode):
        at[t.pos].add(t.text)
    return at


def phrase_found(page: dict[int, set[str]], query: list[str]) -> bool:
    if not query:
        return False
    first = query[0]
    for start, here in page.items():
        if first in here and all(query[i] in page.get(start + i, ()) for i in range(1, len(query))):
            return True
    return False


def quality() -> None:
    rows = [row for row in gold_pages() if row[2]]
    kinds = Counter(kind for kind, _, _ in rows)
    print(f"\nquality: {len(rows)} queries with a readable gold page {dict(kinds)}")
    print(
        f"{'scheme':36} {'AND term':>9} {'AND topic':>9} {'AND clause':>10}"
        f" {'phrase clause':>13} {'topic words':>11} {'tokens/page':>11}"
    )
    for name, analyzer in variants().items():
        found = Counter()
        phrase = 0
        size = []
        share = []
        for kind, query, text in rows:
            page = positions(analyzer, text, "index")
            size.append(sum(len(v) for v in page.values()))
            words = set().union(*page.values()) if page else set()
            q = [t.text for t in analyzer(query, mode="query")]
            if q and all(w in words for w in q):
                found[kind] += 1
            if kind == "clause" and phrase_found(page, q):
                phrase += 1
            if kind == "topic" and q:
                share.append(sum(w in words for w in q) / len(q))
        print(
            f"{name:36} {found['term']:4}/{kinds['term']:<4} {found['topic']:4}/{kinds['topic']:<4}"
            f" {found['clause']:5}/{kinds['clause']:<4} {phrase:8}/{kinds['clause']:<4}"
            f" {statistics.mean(share):11.0%} {statistics.mean(size):11.0f}"
        )
    blockers(rows)
    substrings()


def substrings(per_page: int = 12, seed: int = 7) -> None:
    """Random stretches of page text as queries: found however jieba cuts them?

    A query that is a piece of the text must match it. Word-based schemes miss when
    jieba cuts the piece differently alone than inside its sentence; this is what
    sub-words on the word's position and the bigram field are for.
    """
    rng = random.Random(seed)
    pieces, words = [], []
    for text in bench_pages():
        runs = [m.group(0) for m in re.finditer(f"[{CJK}]{{6,}}", text)]
        for _ in range(per_page if runs else 0):
            run = rng.choice(runs)
            size = rng.choice((2, 3, 4, 6))
            start = rng.randrange(len(run) - size + 1)
            pieces.append((text, run[start : start + size]))
            # A dictionary word somewhere in the run, wherever jieba's cut falls.
            for _ in range(20):
                size = rng.choice((2, 3, 4))
                start = rng.randrange(len(run) - size + 1)
                if is_word(run[start : start + size]):
                    words.append((text, run[start : start + size]))
                    break
    for title, samples in [
        ("random 2/3/4/6-character pieces", pieces),
        ("dictionary words", words),
    ]:
        print(f"\nqueries that are {title} of page text: {len(samples)}")
        _match_rates(samples)


def _match_rates(samples) -> None:
    print(f"{'scheme':36} {'AND':>6} {'phrase':>7}")
    for name, analyzer in variants().items():
        found = phrased = 0
        cache: dict[int, tuple[dict[int, set[str]], set[str]]] = {}
        for text, query in samples:
            if id(text) not in cache:
                at = positions(analyzer, text, "index")
                cache[id(text)] = at, set().union(*at.values())
            page, words = cache[id(text)]
            q = [t.text for t in analyzer(query, mode="query")]
            if not q:
                continue  # a stop word alone
            found += all(w in words for w in q)
            phrased += phrase_found(page, q)
        n = len(samples)
        print(f"{name:36} {found / n:6.1%} {phrased / n:7.1%}")


def blockers(rows) -> None:
    """Query words (after the chosen stop words) most often missing from the gold page."""
    analyzer = word_analyzer()
    missing = Counter()
    asked = Counter()
    for _kind, query, text in rows:
        page = set().union(*positions(analyzer, text, "index").values())
        for word in {t.text for t in analyzer(query, mode="query")}:
            asked[word] += 1
            if word not in page:
                missing[word] += 1
    common = [(w, n, asked[w]) for w, n in missing.most_common() if asked[w] >= 2]
    print("query words missing from their gold page (missing/asked, asked twice or more):")
    print("  " + ", ".join(f"{w} {n}/{a}" for w, n, a in common[:25]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--quality", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    both = not (args.speed or args.quality)
    start = time.perf_counter()
    initialize()
    print(f"initialize(): {time.perf_counter() - start:.2f} s")
    if args.speed or both:
        speed(args.repeat)
    if args.quality or both:
        quality()


if __name__ == "__main__":
    main()
