"""Searching a live site while a batch ingest writes the library.

    python -m tests.bench.bench_concurrency [--corpus ../shared/corpus] [--searchers 20]
                                            [--seconds 30]

A real `stdsearch serve` process over a library holding the samples; `--searchers`
threads send `/api/search` requests without pause, first for `--seconds` over the idle
library (the reference), then for at least `--seconds` while a `stdsearch ingest`
process stores the corpus PDFs that have a text layer (OCR off). Prints requests/s and
latency p50/p95 of both phases with their ratio, every request that did not answer 200,
and whether every file of the batch is in the catalogue, in the index and found by its
number through the server that was running all along.
"""

from __future__ import annotations

import argparse
import json
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from tests.bench.bench_ingest import text_layer_files

ROOT = Path(__file__).resolve().parents[2]
QUERIES = (
    "扫描 分辨率",
    "排放 限值",
    "gb 5085",
    "t/stds 001",
    "厂界噪声 夜间 测量",
    "db44",
    '"参考文献的著录"',
    "新建燃气锅炉的烟囱最低要求多高",
)


def stdsearch(data: Path, *args: str, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), *args]
    return subprocess.Popen(command, cwd=ROOT, **popen)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {}


def search_url(base: str, query: str, limit: int = 5) -> str:
    return f"{base}/api/search?{urllib.parse.urlencode({'q': query, 'limit': limit})}"


def wait_for(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            get(search_url(base, "标准"))
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server at {base} did not answer in {seconds:.0f} s")


class Searchers:
    """Threads that search without pause until stopped, recording each request."""

    def __init__(self, base: str, count: int) -> None:
        self.base = base
        self.stop = threading.Event()
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.threads = [threading.Thread(target=self._run, args=(i,)) for i in range(count)]

    def _run(self, offset: int) -> None:
        n = offset
        while not self.stop.is_set():
            query = QUERIES[n % len(QUERIES)]
            n += 1
            started = time.perf_counter()
            try:
                status, _ = get(search_url(self.base, query))
            except Exception as error:  # a refused or dropped connection counts as a failure
                self.failures.append(f"{query}: {error!r}")
                continue
            self.latencies.append(time.perf_counter() - started)
            if status != 200:
                self.failures.append(f"{query}: HTTP {status}")

    def __enter__(self) -> Searchers:
        self.started = time.monotonic()
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(120)
        self.seconds = time.monotonic() - self.started

    def report(self, label: str) -> float:
        rate = len(self.latencies) / self.seconds
        ms = sorted(x * 1000 for x in self.latencies) or [float("nan")]
        p95 = ms[int(0.95 * (len(ms) - 1))]
        print(
            f"{label:<24} {self.seconds:6.1f} s {len(self.latencies):7d} searches "
            f"{rate:7.1f}/s  p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  "
            f"failed {len(self.failures)}"
        )
        for failure in self.failures[:5]:
            print(f"    {failure}")
        return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--searchers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    files = [f for f in text_layer_files(args.corpus) if f.exists()]
    print(f"machine: {platform.machine()}, Python {platform.python_version()}")
    print(f"batch: {len(files)} PDFs with a text layer, OCR off; {args.searchers} searchers")

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "library"
        stdsearch(
            data, "ingest", str(ROOT / "corpus" / "samples"), stdout=subprocess.DEVNULL
        ).wait()
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # The server logs every request: to a file, as a pipe nobody reads would fill up
        # and stall it.
        server_log = (Path(tmp) / "server.log").open("w+b")
        server = stdsearch(
            data, "serve", "--port", str(port), stdout=subprocess.DEVNULL, stderr=server_log
        )
        try:
            wait_for(base)
            with Searchers(base, args.searchers) as idle:
                time.sleep(args.seconds)
            reference = idle.report("idle library")

            with Searchers(base, args.searchers) as busy:
                ingest = stdsearch(
                    data,
                    "ingest",
                    *map(str, files),
                    "--no-ocr",
                    "--json",
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    text=True,
                )
                out, _ = ingest.communicate()
                ingest_seconds = time.monotonic() - busy.started
                time.sleep(max(0.0, args.seconds - ingest_seconds))
            rate = busy.report("during the batch ingest")
            print(f"ingest: {ingest_seconds:.1f} s, exit status {ingest.returncode}")
            print(f"searches/s during ingest vs idle: {rate / reference:.2f}x")
            check_nothing_lost(base, data, files, json.loads(out))
        finally:
            server.terminate()
            server.wait(timeout=30)
            server_log.seek(0)
            err = server_log.read().decode("utf-8", "replace")
            server_log.close()
            errors = [line for line in err.splitlines() if "Error" in line]
            print(f"server errors logged: {len(errors)}")
            first = err.find("Traceback")
            if first != -1:
                print(err[first : err.find(errors[0], first) + len(errors[0])])


def check_nothing_lost(base: str, data: Path, files: list[Path], outcomes: list[dict]) -> None:
    """Every file of the batch is catalogued, indexed and found by the running server."""
    library = Library.open(data)
    indexed = set(WhooshEngine(library).indexed_shas())
    with Catalogue(library.catalogue_path) as catalogue:
        entries = {m["source_file"]: m for m in catalogue.all_metadata()}
    missing = [f.name for f in files if f.name not in entries]
    unindexed = [name for name, m in entries.items() if m["sha256"] not in indexed]
    not_found = []
    for f in files:
        entry = entries.get(f.name)
        if entry and entry["std_no"]:
            _, answer = get(search_url(base, entry["std_no"], limit=1))
            if not answer.get("hits") or answer["hits"][0]["std_no"] != entry["std_no"]:
                not_found.append(entry["std_no"])
    kinds = sorted({o["outcome"] for o in outcomes})
    print(
        f"batch outcomes: {', '.join(kinds)}; not catalogued: {len(missing)}; "
        f"catalogued but not indexed: {len(unindexed)}; not found first by number: {len(not_found)}"
    )
    for name in (missing + unindexed + not_found)[:10]:
        print(f"    {name}")


if __name__ == "__main__":
    main()
