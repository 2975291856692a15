"""Shared fixtures: where the real corpus and gold data live.

The real PDFs are never copied into the project; they are read from `../shared/`.
Outside CI a missing corpus skips the tests that need it; under `CI=true` it fails them,
so a broken checkout can never pass by skipping.
"""

from __future__ import annotations

import csv
import logging
import os
import random
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.page_cache import corpus_pages, prefetch_corpus_pages

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("STDSEARCH_SHARED", ROOT.parent / "shared"))
CORPUS = SHARED / "corpus"
GOLD = SHARED / "gold"
EVAL = SHARED / "eval"

# The API's per-client rate limit would throttle tests that ask many questions from one
# address; the tests of the limit itself set a low one in their app's config.
os.environ.setdefault("STDSEARCH_API_RATE_LIMIT", "100000 per minute")
os.environ.setdefault("STDSEARCH_API_READ_TOKEN_RATE_LIMIT", "200000 per minute")


# What a test shares with others through the page cache (the corpus library is built
# from it), which pytest-xdist workers (`make test` runs one per core) would
# otherwise each build anew.
_SHARED_FIXTURES = ("corpus_library",)
_SHARED_CACHES = ("corpus_pages", "ingest_pages", "ingest_clauses")
CORPUS_GROUP = "corpus"


def pytest_itemcollected(item):
    """Under `--dist loadgroup` a worker runs a group whole. A test that uses the corpus
    library or the page cache is grouped with the others that do, so that the corpus's
    pages are read, and the library built from them, once per run; any other test with
    the rest of its module, whose module fixtures (and, in test_docs.py, its order) it
    shares."""
    module = getattr(item, "module", None)
    if any(name in getattr(item, "fixturenames", ()) for name in _SHARED_FIXTURES) or any(
        hasattr(module, name) for name in _SHARED_CACHES
    ):
        group = CORPUS_GROUP
    else:
        group = item.nodeid.partition("::")[0]
    item.add_marker(pytest.mark.xdist_group(group))


def pytest_collection_modifyitems(config, items):
    """The long group first (`make test` keeps this order: --no-loadscope-reorder): one
    worker starts on it at once, the others share the rest around it."""
    items.sort(key=lambda item: item.get_closest_marker("xdist_group").args[0] != CORPUS_GROUP)


def _require(path: Path) -> Path:
    if path.exists():
        return path
    message = f"{path} is missing: the real corpus must sit beside the project in ../shared"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session", autouse=True)
def one_tesseract_thread():
    """Tesseract reads a page in one thread, as in ingest's workers: its OpenMP threads
    fight over two cores and take twice as long (measured 10.6 s against 20.5 s a page)."""
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    yield
    if before is None:
        del os.environ["OMP_THREAD_LIMIT"]
    else:
        os.environ["OMP_THREAD_LIMIT"] = before


@pytest.fixture(scope="session")
def tesseract():
    """OCR tests need Tesseract with chi_sim: outside CI a machine without it skips;
    under CI=true it fails."""
    from indexer.pdf.ocr import tesseract_status

    reason = tesseract_status()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"OCR tests need Tesseract: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    return _require(CORPUS)


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return _require(GOLD)


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    return _require(EVAL)


@pytest.fixture(scope="session")
def corpus_pdf(corpus_dir):
    """corpus_pdf("GB_T_7714-2015.pdf") -> path of that real PDF."""

    def find(name: str) -> Path:
        return _require(corpus_dir / name)

    return find


def free_ports(count: int, host: str = "127.0.0.1") -> int:
    """The first of `count` consecutive ports free on `host`, below Linux's ephemeral range
    (32768 and up), where outgoing connections would take them meanwhile."""
    for _ in range(500):
        first = random.randrange(20000, 32000 - count)
        for port in range(first, first + count):
            with socket.socket() as probe:
                probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    probe.bind((host, port))
                except OSError:
                    break
        else:
            return first
    raise RuntimeError(f"no {count} consecutive free ports on {host}")


@pytest.fixture(scope="session")
def searchd():
    """The searchd program the cluster runs (Debian's sphinxsearch in CI): outside CI a
    machine without it skips the cluster's tests; under CI=true it fails them."""
    from indexer.engine.sphinxql.cluster import ClusterError
    from indexer.engine.sphinxql.nodes import searchd as find_searchd

    try:
        return find_searchd()
    except ClusterError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"the cluster tests need searchd: {error}")
        pytest.skip(str(error))


@contextmanager
def running_cluster(folder: Path, *, shards: int = 2, mirrors: int = 1):
    """A cluster of real searchd processes on free loopback ports in `folder`, stopped by
    pid when the block ends, however it ends (a failed start included)."""
    from indexer.engine.sphinxql.nodes import configure, start, stop

    cluster = configure(
        folder, shards=shards, mirrors=mirrors, port=free_ports(1 + 2 * shards * mirrors)
    )
    try:
        start(cluster)
        yield cluster
    finally:
        stop(cluster)


@pytest.fixture(scope="session")
def sphinx_cluster(tmp_path_factory, searchd):
    """A running 2-shard Sphinx cluster and its aggregator, shared by the whole run
    (`indexer.engine.sphinxql.cluster.Cluster`: `.aggregator`, `.shard_nodes`,
    `.home(sha256)`; connect with `indexer.engine.sphinxql.connection.connect(node)`).
    Tests that write to it delete their rows; a test that kills or stops nodes starts a
    cluster of its own with `running_cluster`."""
    with running_cluster(tmp_path_factory.mktemp("sphinx") / "cluster") as cluster:
        yield cluster


@pytest.fixture(scope="session", params=["whoosh", "sphinxql"])
def engine_name(request):
    """Each engine in turn: the search, site and browser tests run on both."""
    return request.param


def library_engine(library, engine_name: str, request):
    """The engine `engine_name` over `library`. A cluster engine gets the library's cluster
    (`library_cluster`)."""
    from indexer.engine import open_engine

    if engine_name != "sphinxql":
        return open_engine(library, engine_name)
    cluster = library_cluster(library, request)
    return open_engine(library, "sphinxql", folder=cluster.folder)


def engine_config(library, engine_name: str, request) -> dict:
    """The app settings that make the site search `library` with `engine_name`."""
    if engine_name != "sphinxql":
        return {"SEARCH_ENGINE": engine_name}
    cluster = library_cluster(library, request)
    return {"SEARCH_ENGINE": "sphinxql", "CLUSTER_DIR": str(cluster.folder)}


@pytest.fixture(scope="session")
def shared_clusters(searchd):
    """The clusters of libraries that outlive one test, by data folder: each is started and
    indexed once a run, however many modules search it, and stopped at the end."""
    from indexer.engine.sphinxql.nodes import stop

    clusters: dict = {}
    yield clusters
    for cluster in clusters.values():
        stop(cluster)


def library_cluster(library, request):
    """The cluster of `library` in its folder (`DATA/cluster`, where `stdsearch --engine
    sphinxql` finds it), started and indexed from the library. A test's own library gets
    a cluster stopped when the test ends; a library a module or the whole run shares keeps
    one cluster for the run, so that no module stops the cluster another still searches."""
    from indexer.engine import open_engine
    from indexer.engine.sphinxql.cluster import Cluster, cluster_folder
    from indexer.engine.sphinxql.nodes import configure, start, stop
    from indexer.ingest.reindex import rebuild_index

    request.getfixturevalue("searchd")
    shared = request.getfixturevalue("shared_clusters")
    root = Path(library.root).resolve()
    if root in shared:
        return shared[root]
    folder = cluster_folder(library.root)
    if (folder / "cluster.json").exists():
        cluster = Cluster.load(folder)
    else:
        cluster = configure(folder, shards=2, port=free_ports(5))
    start(cluster)
    if request.scope == "function":
        request.addfinalizer(lambda: stop(cluster))
    else:
        shared[root] = cluster
    rebuild_index(library, open_engine(library, "sphinxql", folder=cluster.folder))
    return cluster


SAMPLES = ROOT / "corpus" / "samples"

# What users and attackers type that is no ordinary query: each must get results or a
# QueryError, and fast (tests/search_app/test_search.py, tests/bench/bench_search.py).
HOSTILE_QUERIES = [
    "",
    " ",
    "*",
    "?",
    "！？。，",
    '"',
    '"未闭合',
    "“",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "'; DROP TABLE standards; --",
    "a" * 500,
    "检索" * 250,
    "\x00",
    "\u202e",
    "status:",
    "status:nonsense 检索",
    "year:3000-1000",
    "ics:abc",
    "region:火星",
    "-",
    "-检索",
    "--检索",
    "((检索",
    "检索 AND OR NOT",
    "field:value",
    "GB/T",
    "GB/T 99999999999-2016",
    "1" * 400,
    "𠀀𠀁𠀂",
    "检\u0301索",
    "%s%s%n",
    "../../etc/passwd",
    "${jndi:ldap://x}",
]


def slow_pdf(megabytes: float) -> bytes:
    """A damaged PDF PDFium refuses at once and pdfminer then reads object by object, at
    about a second per megabyte: a way to hold a server thread, were the check unlimited."""
    count = int(megabytes * 20_000)
    objects = (b"%d 0 obj\n<< /Type /Page /Parent 1 0 R >>\nendobj\n" % n for n in range(count))
    return b"%PDF-1.4\n" + b"".join(objects)


@pytest.fixture(scope="session")
def samples_library(tmp_path_factory):
    """A library holding the bundled sample standards (fast: four small PDFs)."""
    from indexer.ingest.pipeline import ingest
    from indexer.library.store import Library

    library = Library.open(tmp_path_factory.mktemp("samples-library"))
    report = ingest([SAMPLES], library, workers=2)
    assert not report.failed, report.failed
    return library


@pytest.fixture(scope="session")
def corpus_library(tmp_path_factory, corpus_dir):
    """The samples and the whole shared corpus ingested once per test run (OCR off: the
    scanned documents stay `needs OCR`; OCR has its own tests).

    The corpus is parsed from the page cache the whole-corpus checks share, and ingested as
    parses made on another machine are (`ingest --parsed`): its pages are read once a run."""
    from indexer.ingest.parse_file import standard_from_pages
    from indexer.ingest.parsed import write_parsed
    from indexer.ingest.pipeline import collect_pdfs, ingest
    from indexer.library.store import Library, sha256_file

    files = collect_pdfs([corpus_dir])
    prefetch_corpus_pages(files)
    parses = tmp_path_factory.mktemp("corpus-parses")
    for path in files:
        standard = standard_from_pages(list(corpus_pages(str(path))), path.name)
        standard.sha256 = sha256_file(path)
        write_parsed(parses, standard)
    library = Library.open(tmp_path_factory.mktemp("corpus-library"))
    report = ingest([SAMPLES, corpus_dir], library, workers=2, use_ocr=False, parsed=[parses])
    assert not report.failed, [(o.file, o.reason) for o in report.failed]
    return library


def text_layer_files(corpus_dir: Path, count: int) -> list[Path]:
    """The `count` shortest corpus PDFs with a text layer, as MANIFEST.tsv lists them."""
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["text_layer"] == "yes"]
    rows.sort(key=lambda r: int(r["pages"]))
    return [corpus_dir / r["file"] for r in rows[:count]]


def stdsearch_process(data: Path, *args: str) -> subprocess.Popen:
    """`stdsearch --data DATA ARGS…` started as a librarian starts it, its output piped."""
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), *args]
    return subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def serve_in_thread(app):
    """A real WSGI server (werkzeug's) on a free loopback port; returns (base_url, server)."""
    import threading

    from werkzeug.serving import make_server

    from search_app.web.serving import QuietRequestHandler

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return f"http://127.0.0.1:{server.server_port}", server


def wait_for(condition, seconds: float, what: str) -> None:
    """Poll `condition` until it holds; fail the test naming `what` after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s for {what}")
        time.sleep(0.05)


class ErrorLog(logging.Handler):
    """The site's errors, with their tracebacks: a 500 names its cause here."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


PASSWORD = "correct horse battery"


def csrf_token(html: str) -> str:
    """The CSRF token of the (first) form on a page."""
    import re

    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form without a CSRF token"
    return match.group(1)


def signed_in(base: str, name: str = "librarian", password: str = PASSWORD):
    """A `requests` session signed in through the real login form."""
    import requests

    browser = requests.Session()
    form = browser.get(f"{base}/login").text
    response = browser.post(
        f"{base}/login",
        data={"name": name, "password": password, "csrf_token": csrf_token(form)},
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text
    return browser
