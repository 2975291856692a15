"""The production server under load: throughput and latency from 1 to 50 clients.

    python -m tests.bench.bench_load --library DATA [--seconds 60] [--engine sphinxql]
                                     [--levels 1,2,5,20,50] [--ingest-levels 20,50]

`stdsearch serve --workers 2` (gunicorn, a real process) over a copy of an ingested
corpus library (the original is never written). At each level, that many clients (threads,
each with its own `requests.Session`) send the development queries (`dev.tsv`) to
`/api/search` without pause for `--seconds`. At the ingest levels a `stdsearch ingest`
process meanwhile re-ingests the corpus into the same library: copies of its PDFs with a
comment appended after `%%EOF`, new files to the library that replace the entries they
share a name with, so the batch really parses, stores and indexes while clients search.
A batch still running when its level ends is stopped (SIGTERM).

With `--engine sphinxql` the copy gets a 2-shard cluster of its own (Debian's searchd on
free loopback ports), filled by `stdsearch reindex`; the server and the ingest use it, and
the peak memory includes its searchd processes.

Prints per level: requests/s, latency p50/p95/p99, errors (anything but 200, or no
answer), the server's peak memory (RSS of the master and its workers summed, sampled
from /proc), and the ratios against the single-client level of the same run. The goal:
at 20 and 50 clients, throughput at least 1.6× and p95 at most 4× the single client's,
and no error at any level.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

from tests.library_state import processes_mentioning

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
GOAL_THROUGHPUT = 1.6
GOAL_P95 = 4.0
GOAL_LEVELS = (20, 50)


@dataclass
class Level:
    """What the clients of one level saw, and what the server used meanwhile."""

    clients: int
    ingesting: bool
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    peak_rss: int = 0
    ingest_running_at_end: bool = False

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def label(self) -> str:
        return f"{self.clients}{' + ingest' if self.ingesting else ''}"


def dev_queries(path: Path) -> list[str]:
    with open(path, encoding="utf-8", newline="") as f:
        return [row["query"] for row in csv.DictReader(f, delimiter="\t") if row["query"]]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_bytes(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def server_processes(master: int) -> list[int]:
    """The master and its children (the gunicorn workers and any parse they started)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rpartition(")")[2].split()
            except OSError:
                continue
            children.setdefault(int(stat[1]), []).append(int(entry))
    found, todo = [master], [master]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def stdsearch(data: Path, *args: str, **popen) -> subprocess.Popen:
    """`stdsearch --data DATA ARGS…`; the engine comes from STDSEARCH_ENGINE."""
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), *args]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **popen
    )


def start_cluster(data: Path) -> None:
    """A 2-shard cluster for the library, on free ports, filled from the catalogue."""
    port = free_port()
    for args in (("config", "--port", str(port)), ("start",)):
        if stdsearch(data, "cluster", *args).wait() != 0:
            raise SystemExit(f"stdsearch cluster {args[0]} failed")
    if stdsearch(data, "reindex").wait() != 0:
        raise SystemExit("stdsearch reindex into the cluster failed")


def start_server(data: Path, port: int, workers: int) -> subprocess.Popen:
    server = stdsearch(data, "serve", "--port", str(port), "--workers", str(workers))
    deadline = time.monotonic() + 120
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/api/search?q=GB", timeout=5)
            return server
        except (requests.ConnectionError, requests.Timeout):
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("the server did not start") from None
            time.sleep(0.3)


def client(base: str, queries: list[str], start: int, stop: threading.Event, level: Level):
    session = requests.Session()
    n = start
    while not stop.is_set():
        q = queries[n % len(queries)]
        n += 1
        began = time.perf_counter()
        try:
            response = session.get(f"{base}/api/search", params={"q": q}, timeout=60)
            elapsed = time.perf_counter() - began
            if response.status_code == 200:
                level.latencies.append(elapsed)
            else:
                level.errors.append(f"{response.status_code} {q}")
        except requests.RequestException as error:
            level.errors.append(f"{type(error).__name__} {q}")


def run_level(
    base: str, queries: list[str], level: Level, seconds: float, processes: Callable[[], list[int]]
) -> None:
    stop = threading.Event()
    threads = [
        threading.Thread(target=client, args=(base, queries, n * 7, stop, level))
        for n in range(level.clients)
    ]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    while time.monotonic() - began < seconds:
        level.peak_rss = max(level.peak_rss, sum(map(rss_bytes, processes())))
        time.sleep(0.5)
    stop.set()
    level.seconds = time.monotonic() - began
    for thread in threads:
        thread.join()


def changed_copies(corpus: Path, folder: Path, mark: str) -> Path:
    """The corpus's PDFs with a comment after `%%EOF`: the same standards, new files."""
    folder.mkdir(parents=True, exist_ok=True)
    for pdf in sorted(corpus.glob("*.pdf")):
        (folder / pdf.name).write_bytes(pdf.read_bytes() + f"\n% {mark}\n".encode())
    return folder


def start_ingest(data: Path, files: Path, workers: int) -> subprocess.Popen:
    return stdsearch(data, "ingest", str(files), "--no-ocr", "--workers", str(workers))


def format_table(levels: list[Level]) -> str:
    reference = levels[0]
    rows = [
        "| clients | requests/s | p50 ms | p95 ms | p99 ms | errors | server peak RSS "
        "| throughput × 1 client | p95 × 1 client |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for level in levels:
        rows.append(
            f"| {level.label} | {level.throughput:.1f} | {level.percentile(50) * 1000:.0f} "
            f"| {level.percentile(95) * 1000:.0f} | {level.percentile(99) * 1000:.0f} "
            f"| {len(level.errors)} | {level.peak_rss / 2**20:.0f} MB "
            f"| {level.throughput / reference.throughput:.2f}× "
            f"| {level.percentile(95) / reference.percentile(95):.2f}× |"
        )
    return "\n".join(rows)


def goal_verdict(levels: list[Level]) -> list[str]:
    """Why the goal did not hold (nothing when it held)."""
    reference = levels[0]
    misses = [f"{level.label}: {len(level.errors)} errors" for level in levels if level.errors]
    for level in levels:
        if level.clients not in GOAL_LEVELS:
            continue
        ratio = level.throughput / reference.throughput
        p95 = level.percentile(95) / reference.percentile(95)
        if ratio < GOAL_THROUGHPUT:
            misses.append(f"{level.label}: throughput {ratio:.2f}× < {GOAL_THROUGHPUT}×")
        if p95 > GOAL_P95:
            misses.append(f"{level.label}: p95 {p95:.2f}× > {GOAL_P95}×")
    return misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--library", type=Path, required=True, help="an ingested library (it is copied)"
    )
    parser.add_argument("--engine", choices=("whoosh", "sphinxql"), default="whoosh")
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--queries", type=Path, default=SHARED / "eval" / "dev.tsv")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--levels", default="1,2,5,20,50")
    parser.add_argument("--ingest-levels", default="20,50")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--ingest-workers", type=int, default=1)
    args = parser.parse_args()
    queries = dev_queries(args.queries)
    levels = [Level(int(n), False) for n in args.levels.split(",") if n]
    levels += [Level(int(n), True) for n in args.ingest_levels.split(",") if n]

    with tempfile.TemporaryDirectory(prefix="stdsearch-bench-load-") as tmp:
        data = Path(tmp) / "library"
        shutil.copytree(args.library, data, ignore=shutil.ignore_patterns("cluster"))
        os.environ["STDSEARCH_ENGINE"] = args.engine
        if args.engine == "sphinxql":
            start_cluster(data)
        port = free_port()
        server = start_server(data, port, args.workers)

        def processes() -> list[int]:
            return server_processes(server.pid) + sorted(
                processes_mentioning(str(data / "cluster"))
            )

        base = f"http://127.0.0.1:{port}"
        try:
            for n, level in enumerate(levels):
                ingest = None
                if level.ingesting:
                    files = changed_copies(args.corpus, Path(tmp) / f"batch-{n}", f"bench {n}")
                    ingest = start_ingest(data, files, args.ingest_workers)
                run_level(base, queries, level, args.seconds, processes)
                if ingest is not None:
                    # Stopped with the level: the next start-up check makes the library whole.
                    level.ingest_running_at_end = ingest.poll() is None
                    ingest.terminate()
                    ingest.wait()
                print(
                    f"{level.label:>14} clients: {level.throughput:6.1f}/s, "
                    f"p95 {level.percentile(95) * 1000:.0f} ms, {len(level.errors)} errors",
                    flush=True,
                )
        finally:
            server.terminate()
            server.wait(60)
            if args.engine == "sphinxql":
                stdsearch(data, "cluster", "stop").wait()

    print()
    print(format_table(levels))
    for level in levels:
        if level.ingesting and not level.ingest_running_at_end:
            print(f"note: the ingest of level {level.label} ended before the level did")
        for error in level.errors[:5]:
            print(f"error at {level.label}: {error}")
    misses = goal_verdict(levels)
    print("\ngoal " + ("held" if not misses else "missed: " + "; ".join(misses)))


if __name__ == "__main__":
    main()
