"""Search at library scale: our index against a naive jieba + Whoosh index and tantivy.

    python -m tests.bench.bench_search [--library DIR] [--clauses 100000] [--repeat 5]

The real corpus is parsed once (OCR off; or read from an ingested `--library`), and its
standards are copied — each copy with its own SHA-256 and standard number — until the
index holds at least `--clauses` clause documents. Three indexes are built from the same
clauses:

* ours: the Whoosh engine's `rebuild` (`indexer.engine.whoosh`), our schema and analyzers (jieba words with
  the domain dictionary, CJK bigrams, standard-number keys), searched through the real
  `search_app.search.search` (scoring, grouping and highlighting included);
* naive, the reference: one Whoosh document per clause, `jieba.analyse.ChineseAnalyzer`
  on title, heading and text, a `MultifieldParser` query (AND of the words, the parser's
  default) and `hit.highlights("text")` for the snippet, as the tutorials do it;
* tantivy (Python bindings): title, heading and text cut by jieba's `cut_for_search`
  and joined with spaces, then tantivy's `default` tokenizer (it would keep a whole run of
  Chinese characters as one token otherwise); the query is cut alike and its words OR-ed,
  the query parser's default; a snippet from the text.

For each: build throughput, index size, and the latency of the development queries
(`../shared/eval/dev.tsv`, each run `--repeat` times round-robin; per query the median,
then p50 and p95 over the queries). Search quality (MRR@10 of standards and of clauses,
judged by `search_app.search.evaluate`) is measured on the corpus indexed once, without copies.
Ratios are against the naive index, measured in the same process.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import json
import math
import multiprocessing as mp
import platform
import pstats
import re
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from hashlib import sha256
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"

SearchFn = Callable[[str], list[tuple[str, str]]]


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return (
        f"{model} ({platform.machine()}), {mp.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


# -- the clauses ------------------------------------------------------------------------------


def corpus_standards(library_dir: Path | None, corpus: Path, workers: int) -> list:
    """The corpus parsed once (OCR off), as the library stores it."""
    from indexer.ingest.pipeline import ingest
    from indexer.library.catalogue import Catalogue
    from indexer.library.lookup import load_standard
    from indexer.library.store import Library

    def load(library) -> list:
        with Catalogue(library.catalogue_path) as catalogue:
            return [load_standard(library, catalogue, sha) for sha in catalogue.shas()]

    if library_dir is not None:
        return load(Library.open(library_dir))
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(tmp)
        start = time.perf_counter()
        ingest([corpus], library, workers=workers, use_ocr=False)
        print(f"corpus parsed (OCR off, {workers} workers) in {time.perf_counter() - start:.0f} s")
        return load(library)


def copy_std_no(std_no: str, copy: int) -> str:
    """`GB/T 7714-2015`, copy 3 → `GB/T 7714003-2015`: a distinct number of the same form."""
    if not copy:
        return std_no
    prefix, space, rest = std_no.partition(" ")
    if not space:
        return f"{std_no}-{copy:03d}"
    return prefix + " " + re.sub(r"^\d+", lambda m: f"{m.group(0)}{copy:03d}", rest, count=1)


def replicate(standards: list, copies: int) -> Iterator:
    """The standards `copies` times over; copy 0 is the original."""
    for copy in range(copies):
        for standard in standards:
            if not copy:
                yield standard
                continue
            yield replace(
                standard,
                sha256=sha256(f"{standard.sha256}:{copy}".encode()).hexdigest(),
                std_no=copy_std_no(standard.std_no, copy),
            )


def clause_rows(standards) -> Iterator[tuple[str, str, str, str, str]]:
    """(std_no, clause_no, title, heading, text) of every clause: the flat documents."""
    for standard in standards:
        for clause in standard.clauses:
            yield standard.std_no, clause.clause_no, standard.title_zh, clause.heading, clause.text


# -- the three indexes ------------------------------------------------------------------------


@dataclass
class Engine:
    name: str
    folder: Path
    build_seconds: float
    clauses: int
    search: SearchFn  # top 10 (std_no, clause_no), with snippets made as a page would
    extra: dict[str, SearchFn] = field(default_factory=dict)  # other timed paths

    @property
    def size_mb(self) -> float:
        return folder_mb(self.folder)

    @property
    def rate(self) -> float:
        return self.clauses / self.build_seconds


def make_engine(
    key: str, standards: list, copies: int, folder: Path, build: Callable | None = None
) -> Engine:
    """Build one index into `folder` (or find it built there by an earlier run), open it.
    `build` replaces the engine's build function (same arguments)."""
    default_build, open_index = ENGINES[key]
    build = build or default_build
    record = folder / "built.json"
    if record.exists():
        built = json.loads(record.read_text())
    else:
        start = time.perf_counter()
        clauses = build(standards, copies, folder)
        built = {"seconds": time.perf_counter() - start, "clauses": clauses, "copies": copies}
        record.write_text(json.dumps(built))
    name, search, extra = open_index(folder)
    return Engine(name, folder, built["seconds"], built["clauses"], search, extra)


def _engine(folder: Path):
    from indexer.engine import open_engine
    from indexer.library.store import Library

    return open_engine(Library.open(folder))


def build_ours(standards: list, copies: int, folder: Path) -> int:
    _engine(folder).rebuild(replicate(standards, copies))
    return sum(len(s.clauses) for s in standards) * copies


def open_ours(folder: Path):
    from search_app.search.evaluate import engine_search

    engine = _engine(folder)
    return "ours", engine_search(engine), {"ours, engine match only": match_only(engine)}


def match_only(engine) -> SearchFn:
    """Query analysis, the plan and the engine's match: search without ranking, grouping
    and snippets."""
    from search_app.search.planning import plan_query
    from search_app.search.query import parse_query
    from search_app.search.query_terms import analyse
    from search_app.search.ranking import DEFAULT_RANKING

    def run(text: str) -> list[tuple[str, str]]:
        parsed = parse_query(text)
        plan = plan_query(parsed, analyse(parsed), DEFAULT_RANKING)
        engine.read(lambda snapshot: snapshot.match(plan, DEFAULT_RANKING.candidates))
        return []

    return run


def build_naive(standards: list, copies: int, folder: Path) -> int:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index as whoosh_index
    from whoosh.fields import ID, TEXT, Schema

    analyzer = ChineseAnalyzer()
    schema = Schema(
        std_no=ID(stored=True),
        clause_no=ID(stored=True),
        title=TEXT(analyzer=analyzer, stored=True),
        heading=TEXT(analyzer=analyzer, stored=True),
        text=TEXT(analyzer=analyzer, stored=True),
    )
    index = whoosh_index.create_in(str(folder), schema)
    clauses = 0
    writer = index.writer(limitmb=256, procs=1)
    for std_no, clause_no, title, heading, text in clause_rows(replicate(standards, copies)):
        writer.add_document(
            std_no=std_no, clause_no=clause_no, title=title, heading=heading, text=text
        )
        clauses += 1
    writer.commit(optimize=True)
    return clauses


def open_naive(folder: Path):
    from whoosh import index as whoosh_index
    from whoosh.qparser import MultifieldParser

    index = whoosh_index.open_dir(str(folder))
    parser = MultifieldParser(["title", "heading", "text"], index.schema)

    def run(text: str) -> list[tuple[str, str]]:
        with index.searcher() as searcher:
            hits = searcher.search(parser.parse(text), limit=10)
            out = []
            for hit in hits:
                hit.highlights("text")
                out.append((hit["std_no"], hit["clause_no"]))
            return out

    return "naive jieba + Whoosh", run, {}


def _cut(text: str) -> str:
    import jieba

    return " ".join(w for w in jieba.cut_for_search(text or "") if w.strip())


def build_tantivy(
    standards: list, copies: int, folder: Path, cut: Callable[[str], str] = _cut
) -> int:
    """`cut` is jieba's cutting of a text; a cache of it skips the analysis of copies."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("std_no", stored=True, tokenizer_name="raw")
    builder.add_text_field("clause_no", stored=True, tokenizer_name="raw")
    for name in ("title", "heading", "text"):
        builder.add_text_field(name, stored=True)
    index = tantivy.Index(builder.build(), path=str(folder))
    clauses = 0
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    for std_no, clause_no, title, heading, text in clause_rows(replicate(standards, copies)):
        writer.add_document(
            tantivy.Document(
                std_no=std_no,
                clause_no=clause_no,
                title=cut(title),
                heading=cut(heading),
                text=cut(text),
            )
        )
        clauses += 1
    writer.commit()
    writer.wait_merging_threads()
    return clauses


def open_tantivy(folder: Path):
    import jieba
    import tantivy

    index = tantivy.Index.open(str(folder))
    schema = index.schema
    word = re.compile(r"^\w+$")

    def run(text: str) -> list[tuple[str, str]]:
        words = [w for w in jieba.cut_for_search(text) if word.match(w)]
        if not words:
            return []
        query = index.parse_query(" ".join(words), ["title", "heading", "text"])
        searcher = index.searcher()
        snippets = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
        out = []
        for _score, address in searcher.search(query, 10).hits:
            doc = searcher.doc(address)
            snippets.snippet_from_doc(doc).to_html()
            out.append((doc["std_no"][0], doc["clause_no"][0]))
        return out

    return "tantivy (jieba pre-cut)", run, {}


ENGINES = {
    "ours": (build_ours, open_ours),
    "naive": (build_naive, open_naive),
    "tantivy": (build_tantivy, open_tantivy),
}


# -- measuring --------------------------------------------------------------------------------


def quality(engines: dict[str, Engine], queries) -> dict[str, tuple[float, float]]:
    """MRR@10 of standards and of clauses, judged as `stdsearch evaluate` judges."""
    from search_app.search.evaluate import evaluate

    out = {}
    for key, engine in engines.items():
        report = evaluate(queries, engine.search)
        out[key] = (report.standard["all"].mrr, report.clause["all"].mrr)
    return out


def latencies(
    runs: dict[str, SearchFn], texts: list[str], repeat: int
) -> dict[str, list[list[float]]]:
    """Every run's time (ms), per engine and query; runs go round-robin so that a busy
    machine slows every engine alike."""
    from search_app.search.query import QueryError

    timings: dict[str, list[list[float]]] = {name: [[] for _ in texts] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            for i, text in enumerate(texts):
                start = time.perf_counter()
                with contextlib.suppress(QueryError):
                    run(text)
                timings[name][i].append((time.perf_counter() - start) * 1000)
    return timings


def _fresh(folder: Path) -> Path:
    """`folder`, emptied unless it holds a finished build."""
    if not (folder / "built.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
    return folder


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def hostile(engine: Engine, ordinary: list[float], repeat: int) -> None:
    """What no ordinary query is (empty, 10,000 characters, punctuation, unbalanced
    quotes, `*`, SQL and script text, bad filters): each must be answered or refused at
    once. Medians per query, against the development queries' median."""
    from tests.conftest import HOSTILE_QUERIES

    texts = [*HOSTILE_QUERIES, "检索" * 5000]
    per_query = [statistics.median(t) for t in latencies({"": engine.search}, texts, repeat)[""]]
    slowest = max(zip(per_query, texts, strict=True))
    p50 = statistics.median(ordinary)
    print(
        f"hostile queries, ours ({len(texts)}): p50 {percentile(per_query, 0.5):.1f} ms, "
        f"slowest {slowest[0]:.1f} ms ({slowest[1][:20]!r}), "
        f"{slowest[0] / p50:.2f}× the development queries' p50"
    )


def profile(run: SearchFn, texts: list[str], top: int = 25) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for text in texts:
        with contextlib.suppress(Exception):  # a query error is not what is profiled
            run(text)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--queries", type=Path, default=SHARED / "eval" / "dev.tsv")
    parser.add_argument(
        "--library", type=Path, help="an ingested data directory to read instead of parsing"
    )
    parser.add_argument("--clauses", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--engines", default="ours,naive,tantivy", help="comma-separated: ours, naive, tantivy"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile our search at scale")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the indexes here and keep them; a later run reuses them (and their build "
        "times) and measures search alone",
    )
    args = parser.parse_args()
    keys = [k.strip() for k in args.engines.split(",") if k.strip()]
    if "tantivy" in keys and importlib.util.find_spec("tantivy") is None:
        print("tantivy is not installed (pip install -e '.[bench]'): measured without it")
        keys.remove("tantivy")

    import jieba

    from analyzers.chinese import initialize
    from indexer.library.dictionary import learn_words
    from search_app.search.evaluate import load_queries

    jieba.setLogLevel(60)
    jieba.initialize()
    initialize()
    print(f"machine: {machine()}")
    standards = corpus_standards(args.library, args.corpus, args.workers)
    corpus_clauses = sum(len(s.clauses) for s in standards)
    copies = max(1, math.ceil(args.clauses / max(corpus_clauses, 1)))
    queries = load_queries(args.queries)
    texts = [q.query for q in queries]
    print(
        f"corpus: {len(standards)} standards, {corpus_clauses} clauses; at scale {copies} copies "
        f"= {copies * len(standards)} standards, {copies * corpus_clauses} clauses"
    )
    print(f"queries: {len(queries)} from {args.queries}, each run {args.repeat} times")

    learn_words(standards)  # as `reindex` does: the whole dictionary first
    with tempfile.TemporaryDirectory() as tmp:
        keep = args.keep or Path(tmp)
        small = {k: make_engine(k, standards, 1, _fresh(keep / f"small-{k}")) for k in keys}
        mrr = quality(small, queries)
        print("\nquality on the corpus indexed once:")
        print(f"{'index':28} {'MRR@10 standards':>17} {'MRR@10 clauses':>15}")
        for key, (std_mrr, clause_mrr) in mrr.items():
            print(f"{small[key].name:28} {std_mrr:17.3f} {clause_mrr:15.3f}")

        print(f"\nbuilding at scale ({copies * corpus_clauses} clauses):")
        engines = {}
        for key in keys:
            engines[key] = make_engine(
                key, standards, copies, _fresh(keep / f"large-{key}-{copies}")
            )
            e = engines[key]
            print(
                f"{e.name:28} {e.rate:8,.0f} clauses/s  ({e.build_seconds:.0f} s), {e.size_mb:.0f} MB"
            )

        runs: dict[str, SearchFn] = {}
        for key in keys:
            runs[engines[key].name] = engines[key].search
            runs.update(engines[key].extra)
        for name, run in runs.items():  # first search: ours reads its per-index catalogue
            start = time.perf_counter()
            run(texts[0])
            print(f"first query, {name}: {(time.perf_counter() - start) * 1000:.0f} ms")
        every_run = latencies(runs, texts, args.repeat)
        timings = {name: [statistics.median(t) for t in runs] for name, runs in every_run.items()}
        # Our search keeps decoded posting lists between queries: its first round is
        # measured apart (words shared with the queries before it are already kept).
        print(f"\nfirst run of each query ({len(texts)} queries, in file order):")
        for name, per_query in every_run.items():
            first = [t[0] for t in per_query]
            print(
                f"{name:28} p50 {percentile(first, 0.5):7.1f} ms  p95 {percentile(first, 0.95):7.1f} ms"
            )

        reference = engines.get("naive")
        print(f"\nat scale ({copies * corpus_clauses} clauses), latency over {len(texts)} queries:")
        print(
            f"{'index':28} {'clauses/s':>9} {'MB':>6} {'p50 ms':>7} {'p95 ms':>7}"
            f" {'MRR std':>7} {'MRR cl':>7} {'build ×':>7} {'size ×':>6} {'p50 ×':>6}"
        )
        naive_p50 = statistics.median(timings[reference.name]) if reference else None
        for name, per_query in timings.items():
            engine = next((e for e in engines.values() if e.name == name), None)
            key = next((k for k, e in engines.items() if e.name == name), None)
            p50, p95 = percentile(per_query, 0.5), percentile(per_query, 0.95)
            quality_cells = (
                f" {mrr[key][0]:7.3f} {mrr[key][1]:7.3f}" if key in mrr else f" {'':7} {'':7}"
            )
            rate = f"{engine.rate:9,.0f}" if engine else f"{'':9}"
            size = f"{engine.size_mb:6.0f}" if engine else f"{'':6}"
            ratios = ""
            if reference:
                if engine:
                    ratios += f" {engine.rate / reference.rate:7.2f} {engine.size_mb / reference.size_mb:6.2f}"
                else:
                    ratios += f" {'':7} {'':6}"
                ratios += f" {statistics.median(per_query) / naive_p50:6.2f}"
            print(f"{name:28} {rate} {size} {p50:7.1f} {p95:7.1f}{quality_cells}{ratios}")
        if "ours" in engines:
            slow = sorted(zip(timings[engines["ours"].name], texts, strict=True), reverse=True)
            print("slowest queries, ours: " + ", ".join(f"{t:.0f} ms {q}" for t, q in slow[:5]))
            hostile(engines["ours"], timings[engines["ours"].name], args.repeat)
            if args.profile:
                profile(engines["ours"].search, texts)


if __name__ == "__main__":
    main()
