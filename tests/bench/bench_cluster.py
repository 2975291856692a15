"""Search on a SphinxQL cluster at up to 1,000,000 clauses, against Whoosh and tantivy.

    python -m tests.bench cluster [--library DIR] [--sizes 100000,400000,1000000]
        [--whoosh-sizes 100000,200000] [--whoosh-index DIR] [--tantivy-sizes 100000,1000000]
        [--repeat 5] [--keep DIR] [--profile]

The corpus (or an ingested `--library`) is copied as `bench_search` copies it (`replicate`:
each copy with its own SHA-256 and standard number) until it holds each size asked, and
indexed:

* on a 2-shard cluster with an aggregator per size, started by the benchmark on free
  loopback ports in a folder it makes, and stopped at the end however the run ends.
  Analysis (`rows.rows`: our jieba words, bigrams and standard-number keys) is the
  expensive part of writing a standard and gives the same rows for every copy of a corpus
  standard but for the keys of its number and SHA-256. So each corpus standard is analysed
  once (timed: analysis clauses/s on one core), each copy's rows are made from those by
  changing only what its number and SHA-256 give (`copy_rows`; checked against `rows.rows`
  on a whole copy of the corpus), and they go into the shards as `SphinxEngine.rebuild`
  writes them: the table of the next generation, routed by `shard_of`, multi-row INSERTs,
  then the library pointed at that generation and its dictionary recorded. Those INSERTs
  are timed: clauses/s into the cluster, analysis excluded. The library's catalogue gives
  the standards their cluster numbers, so `find` and `stored` work as after a rebuild;
* Whoosh (our engine's `rebuild`) at the `--whoosh-sizes` (it builds at about 87 clauses/s
  on a 2-core machine, so 400,000 would take 80 minutes); `--whoosh-index` is an index
  built earlier (by `bench_search --keep`) for one of them;
* tantivy as `bench_search` builds it, each corpus text cut by jieba once.

Searches go through `search_app.search.search` on Whoosh and on the cluster (ranking,
grouping, snippets), and through the engine's match alone (the engine's share). The 67
development queries run `--repeat` times round-robin over every index in one process run;
per query the median, then p50 and p95 over the queries. Quality (MRR@10, judged by
`search_app.search.evaluate`) is measured on the corpus indexed once, on the cluster (by
`SphinxEngine.rebuild`) and on Whoosh. The growth of latency with the number of clauses is
fitted as a power law through the measured sizes and projected to 10,000,000 clauses.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import itertools
import json
import math
import os
import queue
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.bench.bench_search import (
    SHARED,
    SearchFn,
    _cut,
    _fresh,
    build_tantivy,
    corpus_standards,
    folder_mb,
    latencies,
    machine,
    make_engine,
    match_only,
    percentile,
    profile,
    quality,
    replicate,
)

SHARDS = 2
TARGET = 10_000_000  # clauses the growth is projected to
BUDGET_MS = 200.0  # a p95 a search page can afford
GOAL = {"p50": 25.0, "p95": 120.0}  # the cluster's end to end at 1,000,000 clauses


# -- analysis once, copies by substitution ---------------------------------------------------


def analyse(standards: list) -> tuple[dict[str, list[dict]], float]:
    """Each corpus standard's rows (`rows.rows`), by SHA-256, and the seconds they took.
    The numbers given here are placeholders: `copy_rows` sets each copy's."""
    from indexer.engine.sphinxql.rows import rows

    start = time.perf_counter()
    analysed = {s.sha256: list(rows(s, number)) for number, s in enumerate(standards, 1)}
    return analysed, time.perf_counter() - start


def _changes(row: dict, copy, number: int, keys: str, year: int) -> dict:
    """The columns of a row that differ between copies of a standard: what its number and
    SHA-256 give, each as `rows.row` computes it. `year` is among them because
    `copy_std_no` numbers the copies of a standard without a space in its number
    (`DB44/1597-2015`) `DB44/1597-2015-007`, which has no year."""
    from indexer.engine.sphinxql.rows import FILTERED, doc_number, filter_word

    new = {
        "id": doc_number(number, row["order"]),
        "sha256": copy.sha256,
        "std_no": copy.std_no,
        "doc_id": copy.sha256 + row["doc_id"][len(row["sha256"]) :],
        "std_keys": keys if row["is_standard"] else row["std_keys"],
        "year": year,
    }
    new["filter_keys"] = " ".join(
        [filter_word(name, new.get(name, row[name])) for name in FILTERED]
        + [filter_word("sha256", copy.sha256)]
    )
    return new


def _copy_keys(copy) -> tuple[str, int]:
    """The standard-number keys and the year of a copy, as its rows hold them."""
    from indexer.engine.documents import standard_fields, std_keys
    from indexer.engine.sphinxql.rows import key_words

    return key_words(std_keys(copy.std_no)), standard_fields(copy)["year"]


def copy_rows(analysed: list[dict], copy, number: int) -> list[dict]:
    """The rows of `copy` (a `Standard` from `replicate`) with cluster number `number`,
    from those of the corpus standard it copies: the same columns in the same order."""
    keys, year = _copy_keys(copy)
    return [{**row, **_changes(row, copy, number, keys, year)} for row in analysed]


class RowCache:
    """The analysed rows of the corpus and each column's SQL literal, escaped once: a
    copy's row is then its literals with the changed ones put in (`values`), the very text
    `engine._insert` would send for `copy_rows`'s rows."""

    def __init__(self, analysed: dict[str, list[dict]], escape: Callable[[object], str]):
        self.analysed = analysed
        self.escape = escape
        first = next(iter(analysed.values()))[0]
        self.columns = list(first)
        self.position = {name: i for i, name in enumerate(self.columns)}
        self.literals = {
            sha: [[escape(row[name]) for name in self.columns] for row in rows]
            for sha, rows in analysed.items()
        }

    def rows(self, original, copy, number: int) -> list[dict]:
        return copy_rows(self.analysed[original.sha256], copy, number)

    def values(self, original, copy, number: int) -> list[str]:
        """`(…, …)` of each row of the copy, as a multi-row INSERT lists them."""
        keys, year = _copy_keys(copy)
        out = []
        for row, literals in zip(
            self.analysed[original.sha256], self.literals[original.sha256], strict=True
        ):
            literals = list(literals)
            for name, value in _changes(row, copy, number, keys, year).items():
                literals[self.position[name]] = self.escape(value)
            out.append("(" + ", ".join(literals) + ")")
        return out


class _Recorder:
    """A cursor that keeps the statement it would have sent."""

    def __init__(self, connection):
        self.connection = connection
        self.sql = ""

    def execute(self, query: str, args=None) -> None:
        self.sql = self.connection.cursor().mogrify(query, args)


def check_copies(cache: RowCache, standards: list, connection) -> float:
    """Copy 1 of every corpus standard: `copy_rows` must give what `rows.rows` gives for
    the copy analysed anew, and `values` what `engine._insert` sends for them. Returns the
    seconds the analysis of the copies took."""
    from indexer.engine.sphinxql.engine import _insert
    from indexer.engine.sphinxql.rows import rows

    seconds = 0.0
    for number, (copy, original) in enumerate(
        zip(replicate(standards, 2), itertools.cycle(standards)), 1
    ):
        if copy is original:
            continue
        start = time.perf_counter()
        expected = list(rows(copy, number))
        seconds += time.perf_counter() - start
        made = cache.rows(original, copy, number)
        if made != expected:
            wrong = sorted(
                {k for a, b in zip(made, expected, strict=False) for k in a if a[k] != b[k]}
            )
            raise SystemExit(f"copy rows of {copy.std_no} differ from rows.rows in {wrong}")
        recorder = _Recorder(connection)
        _insert(recorder, "clauses_0", made)
        ours = _statement("clauses_0", cache.columns, cache.values(original, copy, number))
        if recorder.sql != ours:
            raise SystemExit(f"the INSERT of {copy.std_no} differs from engine._insert's")
    return seconds


class CorpusRows:
    """The corpus analysed once; its `RowCache` is made, and checked, when a cluster is
    first filled (escaping needs a connection)."""

    def __init__(self, standards: list, analysed: dict[str, list[dict]]):
        self.standards = standards
        self.analysed = analysed
        self._cache: RowCache | None = None

    def cache(self, connection) -> RowCache:
        if self._cache is None:
            self._cache = RowCache(self.analysed, connection.escape)
            seconds = check_copies(self._cache, self.standards, connection)
            clauses = sum(len(s.clauses) for s in self.standards)
            print(
                "  copy rows checked against rows.rows on a whole copy of the corpus"
                f" (analysed again: {clauses / seconds:.0f} clauses/s)",
                flush=True,
            )
        return self._cache


def _statement(into: str, columns: list[str], values: list[str]) -> str:
    names = ", ".join(f"`{c}`" for c in columns)
    return f"INSERT INTO {into} ({names}) VALUES " + ", ".join(values)


# -- writing the cluster ---------------------------------------------------------------------


class ShardWriter:
    """The INSERTs of one shard, sent by a thread of its own: both shards index at once
    while the next rows are made. Batches as `rebuild` makes them: a standard's rows are
    added whole, and a batch goes once it holds `batch` rows or more."""

    def __init__(self, connections: list, into: str, columns: list[str], batch: int):
        self.connections = connections
        self.into = into
        self.columns = columns
        self.batch = batch
        self.values: list[str] = []
        self.statements: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._send_all, daemon=True)
        self.thread.start()

    def add(self, values: list[str]) -> None:
        self.values.extend(values)
        if len(self.values) >= self.batch:
            self._queue()

    def _queue(self) -> None:
        if self.error is not None:
            raise self.error
        if self.values:
            self.statements.put(_statement(self.into, self.columns, self.values))
            self.values = []

    def _send_all(self) -> None:
        while (statement := self.statements.get()) is not None:
            if self.error is not None:
                continue  # drain the queue: the producer learns of the error at its next add
            try:
                for connection in self.connections:
                    with connection.cursor() as cursor:
                        cursor.execute(statement)
            except BaseException as error:  # handed to the producing thread
                self.error = error

    def close(self) -> None:
        with contextlib.suppress(BaseException):
            self._queue()
        self.statements.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def _cpu_seconds(pid: int | None) -> float:
    """User and system CPU time of a process, all its threads."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _execute_everywhere(connections: list[list], sql: str) -> None:
    from indexer.engine.sphinxql.engine import _execute

    for connection in itertools.chain.from_iterable(connections):
        _execute(connection, sql)


def fill(engine, corpus: CorpusRows, copies: int, batch: int) -> dict:
    """`copies` copies of the corpus into the cluster as `SphinxEngine.rebuild` writes
    them (the table of the next generation, emptied first; then the library pointed at it,
    the old generation emptied, the dictionary recorded); the INSERTs timed."""
    from indexer.engine.sphinxql.cluster import shard_of
    from indexer.engine.sphinxql.connection import connect
    from indexer.engine.sphinxql.nodes import node_pid
    from indexer.engine.sphinxql.schema import table
    from indexer.library.outbox import Outbox

    cluster = engine.cluster
    standards = corpus.standards
    made = list(zip(replicate(standards, copies), itertools.cycle(standards)))
    with Outbox(engine.library.catalogue_path) as outbox:
        numbers = outbox.numbers([copy.sha256 for copy, _ in made])
    current = engine.generation()
    into = table(1 - current)
    connections = [[connect(node) for node in cluster.copies(s)] for s in range(cluster.shards)]
    pids = [node_pid(node) for node in cluster.shard_nodes]
    try:
        cache = corpus.cache(connections[0][0])
        _execute_everywhere(connections, f"TRUNCATE RTINDEX {into}")
        searchd_cpu = sum(map(_cpu_seconds, pids))
        client_cpu = time.process_time()
        start = time.perf_counter()
        writers = [ShardWriter(mirrors, into, cache.columns, batch) for mirrors in connections]
        try:
            for copy, original in made:
                shard = shard_of(copy.sha256, cluster.shards)
                writers[shard].add(cache.values(original, copy, numbers[copy.sha256]))
        finally:
            for writer in writers:
                writer.close()
        # The RAM chunks written out, so that the size on disk is the table's.
        _execute_everywhere(connections, f"FLUSH RTINDEX {into}")
        seconds = time.perf_counter() - start
        client_cpu = time.process_time() - client_cpu
        searchd_cpu = sum(map(_cpu_seconds, pids)) - searchd_cpu
        engine._point_to(1 - current)
        _execute_everywhere(connections, f"TRUNCATE RTINDEX {table(current)}")
    finally:
        for connection in itertools.chain.from_iterable(connections):
            connection.close()
    engine._record_dictionary()
    rows = sum(len(cache.analysed[original.sha256]) for _, original in made)
    return {
        "seconds": seconds,
        "clauses": sum(len(copy.clauses) for copy, _ in made),
        "rows": rows,
        "copies": copies,
        "batch": batch,
        "searchd_cpu_ms_per_row": searchd_cpu * 1000 / rows,
        "client_cpu_ms_per_row": client_cpu * 1000 / rows,
    }


# -- the indexes -----------------------------------------------------------------------------


@dataclass
class Index:
    """One engine at one size, ready to search."""

    engine: str  # "cluster", "Whoosh", "tantivy"
    clauses: int
    build_seconds: float
    search: SearchFn
    match: SearchFn | None = None  # the engine's share: plan and match, no ranking
    size_mb: list[float] = field(default_factory=list)  # per shard, or one
    analysis_rate: float | None = None  # clauses/s on one core, when build excludes it
    measured: dict = field(default_factory=dict)

    @property
    def name(self) -> str:
        return f"{self.engine} {self.clauses:,}"

    @property
    def rate(self) -> float:
        return self.clauses / self.build_seconds


def _stop_leftover(folder: Path) -> None:
    """Nodes a killed earlier run left running in `folder` (by their pid files)."""
    from indexer.engine.sphinxql.cluster import Cluster
    from indexer.engine.sphinxql.nodes import stop

    if Cluster.exists(folder):
        stop(Cluster.load(folder))


@contextlib.contextmanager
def cluster_index(
    folder: Path, standards: list, copies: int, corpus: CorpusRows | None, batch: int
) -> Iterator[tuple]:
    """A library and its running 2-shard cluster in `folder`, filled with `copies`
    copies unless an earlier run left them built there (`built.json`); yields the engine,
    opened as `open_search` opens it, and the build record. `corpus` None: the library
    indexed once by `SphinxEngine.rebuild` itself."""
    from indexer.engine.sphinxql.engine import SphinxEngine
    from indexer.library.store import Library
    from search_app.startup import open_search
    from tests.conftest import running_cluster

    record = folder / "built.json"
    _stop_leftover(folder / "cluster")
    if not record.exists():
        shutil.rmtree(folder, ignore_errors=True)
    library = Library.open(folder / "library")
    with running_cluster(folder / "cluster", shards=SHARDS) as cluster:
        if not record.exists():
            engine = SphinxEngine(library, cluster)
            if corpus is None:
                start = time.perf_counter()
                engine.rebuild(standards)
                built = {
                    "seconds": time.perf_counter() - start,
                    "clauses": sum(len(s.clauses) for s in standards),
                    "copies": 1,
                }
            else:
                built = fill(engine, corpus, copies, batch)
            record.write_text(json.dumps(built))
        built = json.loads(record.read_text())
        yield open_search(library, engine="sphinxql", cluster=cluster.folder), built


def shard_sizes(engine) -> list[float]:
    """MB on disk of each shard node's tables."""
    from indexer.engine.sphinxql.schema import TABLES

    return [folder_mb(node.table_path(TABLES[0]).parent) for node in engine.cluster.shard_nodes]


def open_cluster(stack, folder, standards, copies, corpus, batch, analysis_rate) -> Index:
    from search_app.search.evaluate import engine_search

    engine, built = stack.enter_context(cluster_index(folder, standards, copies, corpus, batch))
    found = engine.document_count(engine.read(lambda snapshot: snapshot.table))
    if "rows" in built and found != built["rows"]:
        raise SystemExit(f"the cluster in {folder} holds {found} rows, not {built['rows']}")
    return Index(
        "cluster",
        built["clauses"],
        built["seconds"],
        engine_search(engine),
        match_only(engine),
        shard_sizes(engine),
        analysis_rate,
        built,
    )


def open_whoosh(folder: Path, standards: list, copies: int) -> Index:
    engine = make_engine("ours", standards, copies, folder)
    (match,) = engine.extra.values()
    return Index(
        "Whoosh", engine.clauses, engine.build_seconds, engine.search, match, [engine.size_mb]
    )


def cut_once(standards: list) -> tuple[Callable[[str], str], float]:
    """jieba's cut for tantivy, each corpus text cut once (timed) and kept."""
    from tests.bench.bench_search import clause_rows

    cut = functools.cache(_cut)
    start = time.perf_counter()
    for _, _, title, heading, text in clause_rows(standards):
        for part in (title, heading, text):
            cut(part)
    return cut, time.perf_counter() - start


def open_tantivy(folder: Path, standards: list, copies: int, cut, rate: float) -> Index:
    build = functools.partial(build_tantivy, cut=cut)
    engine = make_engine("tantivy", standards, copies, folder, build=build)
    return Index(
        "tantivy", engine.clauses, engine.build_seconds, engine.search, None, [engine.size_mb], rate
    )


# -- measuring -------------------------------------------------------------------------------


def power_law(points: list[tuple[float, float]]) -> tuple[float, float]:
    """`a`, `b` of `t = a · n^b` fitted by least squares to log t against log n."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mx) ** 2 for x in xs
    )
    return math.exp(my - b * mx), b


def crossing(one: tuple[float, float], other: tuple[float, float]) -> float | None:
    """The number of clauses at which two power laws give the same time."""
    (a1, b1), (a2, b2) = one, other
    if abs(b1 - b2) < 1e-9:
        return None
    return (a2 / a1) ** (1 / (b1 - b2))


@dataclass
class Series:
    """One latency measure of one engine at several sizes."""

    label: str
    points: list[tuple[int, float]]

    @property
    def fit(self) -> tuple[float, float] | None:
        return power_law(self.points) if len(self.points) > 1 else None

    def at(self, clauses: float) -> float | None:
        fit = self.fit
        return fit[0] * clauses ** fit[1] if fit else None


def growth(indexes: list[Index], timings: dict[str, list[float]]) -> dict[str, Series]:
    """p50 and p95 end to end (and of the engine's share) per engine, over its sizes."""
    found: dict[str, Series] = {}
    for index in sorted(indexes, key=lambda i: i.clauses):
        for part, name in (("", index.name), (" engine", index.name + " engine")):
            if name not in timings:
                continue
            for share in ("p50", "p95"):
                value = percentile(timings[name], 0.5 if share == "p50" else 0.95)
                label = f"{index.engine}{part} {share}"
                found.setdefault(label, Series(label, [])).points.append((index.clauses, value))
    return found


def print_tables(indexes: list[Index], timings: dict[str, list[float]], mrr: dict) -> None:
    print(f"\nlatency over {len(next(iter(timings.values())))} queries (ms); build clauses/s:")
    print(
        f"{'index':22} {'build/s':>8} {'analysis/s':>10} {'MB (per shard)':>16}"
        f" {'p50':>6} {'p95':>6} {'eng p50':>7} {'eng p95':>7} {'MRR std':>7} {'MRR cl':>6}"
    )
    for index in indexes:
        e2e = timings[index.name]
        share = timings.get(index.name + " engine")
        size = " + ".join(f"{mb:,.0f}" for mb in index.size_mb)
        analysis = f"{index.analysis_rate:10,.0f}" if index.analysis_rate else f"{'':10}"
        engine_cells = (
            f" {percentile(share, 0.5):7.1f} {percentile(share, 0.95):7.1f}"
            if share
            else f" {'':7} {'':7}"
        )
        quality_cells = (
            f" {mrr[index.engine][0]:7.3f} {mrr[index.engine][1]:6.3f}"
            if index.engine in mrr
            else ""
        )
        print(
            f"{index.name:22} {index.rate:8,.0f} {analysis} {size:>16}"
            f" {percentile(e2e, 0.5):6.1f} {percentile(e2e, 0.95):6.1f}{engine_cells}{quality_cells}"
        )


def print_growth(series: dict[str, Series]) -> None:
    print(f"\nhow latency grows (power law t = a·n^b through the measured sizes; at {TARGET:,}):")
    for label, one in series.items():
        measured = ", ".join(f"{n:,}: {t:.1f}" for n, t in one.points)
        fit = one.fit
        if fit is None:
            print(f"  {label:22} {measured}")
            continue
        ratio = one.points[-1][1] / one.points[0][1]
        size_ratio = one.points[-1][0] / one.points[0][0]
        print(
            f"  {label:22} {measured} ms; ×{ratio:.2f} for ×{size_ratio:.1f} clauses,"
            f" b = {fit[1]:.2f}; {TARGET:,}: {one.at(TARGET):,.0f} ms"
        )
    whoosh, cluster = series.get("Whoosh p95"), series.get("cluster p95")
    if whoosh and whoosh.fit:
        a, b = whoosh.fit
        budget = (BUDGET_MS / a) ** (1 / b) if b > 0 else math.inf
        print(f"  Whoosh's p95 reaches {BUDGET_MS:.0f} ms at about {budget:,.0f} clauses")
        for size in (400_000, 1_000_000):
            print(
                f"  Whoosh projected at {size:,}: p50 {series['Whoosh p50'].at(size):.0f} ms,"
                f" p95 {whoosh.at(size):.0f} ms"
            )
        if cluster and cluster.fit:
            at = crossing(whoosh.fit, cluster.fit)
            print(
                "  Whoosh's p95 meets the cluster's at "
                + (f"about {at:,.0f} clauses" if at else "no size (parallel fits)")
            )


def print_goal(indexes: list[Index], timings: dict[str, list[float]]) -> None:
    largest = max((i for i in indexes if i.engine == "cluster"), key=lambda i: i.clauses)
    e2e = timings[largest.name]
    p50, p95 = percentile(e2e, 0.5), percentile(e2e, 0.95)
    met = p50 <= GOAL["p50"] and p95 <= GOAL["p95"]
    print(
        f"\ngoal at {largest.clauses:,} on the cluster: p50 ≤ {GOAL['p50']:.0f} ms and p95 ≤"
        f" {GOAL['p95']:.0f} ms end to end: p50 {p50:.1f}, p95 {p95:.1f}: "
        + ("met" if met else "missed")
    )
    rate = largest.rate
    print(
        f"build into the cluster: {rate:,.0f} clauses/s (goal ≥ 5,000): "
        + ("met" if rate >= 5000 else "missed")
    )


def print_builds(indexes: list[Index]) -> None:
    print("\nbuilds:")
    for index in indexes:
        line = f"  {index.name:22} {index.rate:8,.0f} clauses/s ({index.build_seconds:,.0f} s)"
        measured = index.measured
        if "rows" in measured:
            line += (
                f", {measured['rows'] / index.build_seconds:,.0f} rows/s in batches of"
                f" {measured['batch']}; CPU per row: searchd {measured['searchd_cpu_ms_per_row']:.3f}"
                f" ms (all shards), this process {measured['client_cpu_ms_per_row']:.3f} ms"
            )
        print(line)


# -- the run ---------------------------------------------------------------------------------


def _sizes(text: str) -> list[int]:
    return sorted({int(s.replace("_", "")) for s in text.split(",") if s.strip()})


def arguments() -> argparse.Namespace:
    from indexer.engine.sphinxql.engine import BATCH

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--queries", type=Path, default=SHARED / "eval" / "dev.tsv")
    parser.add_argument(
        "--library", type=Path, help="an ingested data directory to read instead of parsing"
    )
    parser.add_argument("--sizes", default="100000,400000,1000000", help="clauses, cluster")
    parser.add_argument("--whoosh-sizes", default="100000,200000", help="clauses, Whoosh")
    parser.add_argument("--tantivy-sizes", default="100000,1000000", help="clauses, tantivy")
    parser.add_argument(
        "--whoosh-index",
        type=Path,
        help="a Whoosh index built earlier at one of the Whoosh sizes (a `bench_search "
        "--keep` folder with built.json), used instead of building it",
    )
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=BATCH, help="rows per INSERT")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest cluster")
    parser.add_argument(
        "--keep",
        type=Path,
        help="build the indexes here and keep them; a later run reuses them (and their build "
        "times) and measures search alone",
    )
    return parser.parse_args()


def _stop_on_sigterm() -> None:
    """A terminated run stops its clusters too: SIGTERM unwinds like Ctrl-C."""

    def leave(signum, _frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, leave)
    signal.signal(signal.SIGHUP, leave)


def whoosh_indexes(args, keep: Path, standards: list, corpus_clauses: int) -> list[Index]:
    given = None
    if args.whoosh_index:
        record = args.whoosh_index / "built.json"
        if not record.exists():
            raise SystemExit(f"--whoosh-index {args.whoosh_index}: no built.json there")
        given = json.loads(record.read_text())["copies"]
    found = []
    for size in _sizes(args.whoosh_sizes):
        copies = math.ceil(size / corpus_clauses)
        folder = args.whoosh_index if copies == given else _fresh(keep / f"large-ours-{copies}")
        start = time.perf_counter()
        found.append(open_whoosh(folder, standards, copies))
        print(
            f"  Whoosh {found[-1].clauses:,} ready in {time.perf_counter() - start:.0f} s"
            f" (from {folder})",
            flush=True,
        )
    return found


def main() -> None:
    args = arguments()
    _stop_on_sigterm()

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
    queries = load_queries(args.queries)
    texts = [q.query for q in queries]
    print(f"corpus: {len(standards)} standards, {corpus_clauses} clauses")
    print(f"queries: {len(queries)} from {args.queries}, each run {args.repeat} times")
    learn_words(standards)  # as `reindex` does: the whole dictionary first

    with contextlib.ExitStack() as stack:
        keep = args.keep or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        keep.mkdir(parents=True, exist_ok=True)

        print("\nquality on the corpus indexed once:", flush=True)
        with contextlib.ExitStack() as small:
            cluster = open_cluster(small, keep / "small-cluster", standards, 1, None, 0, None)
            whoosh = open_whoosh(_fresh(keep / "small-ours"), standards, 1)
            small_runs = {"cluster": cluster, "Whoosh": whoosh}
            mrr = quality(small_runs, queries)
        for key, (std_mrr, clause_mrr) in mrr.items():
            print(f"  {key:8} MRR@10 standards {std_mrr:.3f}, clauses {clause_mrr:.3f}")
        print(f"  the cluster's own rebuild of the corpus: {cluster.rate:.0f} clauses/s")

        analysed, seconds = analyse(standards)
        analysis_rate = corpus_clauses / seconds
        print(f"\nanalysis for the cluster, once: {analysis_rate:.0f} clauses/s on one core")

        indexes: list[Index] = []
        corpus = CorpusRows(standards, analysed)
        print("\nthe cluster:", flush=True)
        for size in _sizes(args.sizes):
            copies = math.ceil(size / corpus_clauses)
            start = time.perf_counter()
            index = open_cluster(
                stack,
                keep / f"cluster-{copies}",
                standards,
                copies,
                corpus,
                args.batch,
                analysis_rate,
            )
            indexes.append(index)
            print(
                f"  cluster {index.clauses:,} ready in {time.perf_counter() - start:.0f} s",
                flush=True,
            )

        print("\nWhoosh:", flush=True)
        indexes += whoosh_indexes(args, keep, standards, corpus_clauses)

        print("\ntantivy:", flush=True)
        cut, seconds = cut_once(standards)
        for size in _sizes(args.tantivy_sizes):
            copies = math.ceil(size / corpus_clauses)
            folder = _fresh(keep / f"large-tantivy-precut-{copies}")
            indexes.append(open_tantivy(folder, standards, copies, cut, corpus_clauses / seconds))
            print(f"  tantivy {indexes[-1].clauses:,} ready", flush=True)
        print_builds(indexes)

        runs: dict[str, SearchFn] = {}
        for index in indexes:
            runs[index.name] = index.search
            if index.match:
                runs[index.name + " engine"] = index.match
        for name, run in runs.items():
            start = time.perf_counter()
            run(texts[0])
            print(f"first query, {name}: {(time.perf_counter() - start) * 1000:.0f} ms")
        every_run = latencies(runs, texts, args.repeat)
        timings = {name: [statistics.median(t) for t in per] for name, per in every_run.items()}

        print_tables(indexes, timings, mrr)
        series = growth(indexes, timings)
        print_growth(series)
        print_goal(indexes, timings)
        largest = max((i for i in indexes if i.engine == "cluster"), key=lambda i: i.clauses)
        slow = sorted(zip(timings[largest.name], texts, strict=True), reverse=True)
        print(
            f"slowest queries, {largest.name}: " + ", ".join(f"{t:.0f} ms {q}" for t, q in slow[:5])
        )
        if args.profile:
            print(f"\nprofile of {largest.name}, end to end:")
            profile(largest.search, texts)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
