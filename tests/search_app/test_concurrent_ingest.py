"""Searching a live site while two ingests write the same library.

A real HTTP server over a library, 20 threads searching it without pause, and two
`stdsearch ingest` processes storing real PDFs at the same time (so their index writes
contend for the write lock). No request may fail, no writer may trip over another's lock,
and the server must find the new standards afterwards without a restart.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from search_app.web.app import create_app
from tests.conftest import ErrorLog, serve_in_thread, stdsearch_process

pytestmark = [pytest.mark.corpus, pytest.mark.slow]

SEARCHERS = 20
# Two small batches with a text layer, one per ingest process.
BATCHES = (
    ("GB_5085.7-2019.pdf", "GB_12523-2011.pdf"),
    ("DB44_1989-2017.pdf", "GB_34330-2017.pdf"),
)
QUERIES = ("扫描 分辨率", "标准", "排放 限值", "gb 5085", "t/stds 001", "监测", "db44", "噪声")


def get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read().decode("utf-8", "replace")[:300]}


def search_url(base: str, query: str, limit: int = 5) -> str:
    return f"{base}/api/search?{urllib.parse.urlencode({'q': query, 'limit': limit})}"


def test_searches_never_fail_while_two_ingests_write(tmp_path, samples_library, corpus_pdf):
    shutil.copytree(samples_library.root, tmp_path / "library")
    library = Library.open(tmp_path / "library")
    app = create_app({"DATA_DIR": str(library.root)})
    errors = ErrorLog()
    app.logger.addHandler(errors)
    base, server = serve_in_thread(app)
    try:
        check_searches_during_ingests(base, library, errors, corpus_pdf)
    finally:
        server.shutdown()


def check_searches_during_ingests(base, library, errors, corpus_pdf) -> None:
    before = set(WhooshEngine(library).indexed_shas())
    stop = threading.Event()
    statuses: list[int] = []
    failures: list[str] = []

    def searcher(offset: int) -> None:
        n = offset
        while not stop.is_set():
            query = QUERIES[n % len(QUERIES)]
            n += 1
            try:
                status, data = get_json(search_url(base, query))
            except Exception as error:  # a refused or dropped connection is a failure too
                failures.append(f"{query}: {error!r}")
                continue
            statuses.append(status)
            if status != 200:
                failures.append(f"{query}: {status} {data}")

    threads = [threading.Thread(target=searcher, args=(i,)) for i in range(SEARCHERS)]
    for thread in threads:
        thread.start()
    started = time.monotonic()
    ingests: list[subprocess.Popen] = []
    try:
        ingests += [
            stdsearch_process(
                library.root,
                "ingest",
                *(str(corpus_pdf(name)) for name in batch),
                "--no-ocr",
                "--workers",
                "1",
                "--json",
            )
            for batch in BATCHES
        ]
        results = [process.communicate(timeout=120) for process in ingests]
        ingest_seconds = time.monotonic() - started
        time.sleep(0.5)  # searches keep running over the finished library for a moment
    finally:
        stop.set()
        for thread in threads:
            thread.join(60)
        for process in ingests:
            if process.poll() is None:
                process.kill()
                process.wait()

    for process, (out, err) in zip(ingests, results, strict=True):
        assert process.returncode == 0, err
        assert "LockError" not in err and "IndexBusy" not in err, err
        assert {o["outcome"] for o in json.loads(out)} == {"ingested"}, out
    assert not failures, failures[:5]
    assert not errors.records, errors.records[:3]
    assert len(statuses) > SEARCHERS, "the searchers hardly ran"
    print(f"{len(statuses)} searches, all 200, during {ingest_seconds:.1f} s of ingest")

    # The server that was running all along finds the new standards.
    with Catalogue(library.catalogue_path) as catalogue:
        new = [m for m in catalogue.all_metadata() if m["sha256"] not in before]
    assert len(new) == sum(len(batch) for batch in BATCHES)
    for entry in new:
        status, data = get_json(search_url(base, entry["std_no"], limit=3))
        assert status == 200
        assert data["hits"] and data["hits"][0]["std_no"] == entry["std_no"], entry["std_no"]
