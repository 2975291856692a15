"""The cluster's faults, on real searchd processes: a shard or the aggregator killed with
SIGKILL while the site answers searches over HTTP. No mocks: the nodes die as they would
in production, and come back as the supervisor brings them back (their RT tables
replayed from the binlog). Writes while a shard is down are tested in
test_cluster_writes.py, hostile query text on the cluster in test_sphinxql_hostile.py.

What must hold: a search answers in full, or marked partial, or with a clear 503, never
with a 500 and never after a long wait; and no write is lost, because a write a shard
could not take waits in the library's outbox until the shard answers again.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import urllib.parse
from dataclasses import dataclass, field

import pytest
import requests

from indexer.engine import open_engine
from indexer.engine.sphinxql.cluster import shard_of
from indexer.engine.sphinxql.nodes import node_pid, start
from indexer.ingest.pipeline import ingest
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from search_app.web.app import create_app
from tests.conftest import SAMPLES, ErrorLog, running_cluster, serve_in_thread, wait_for

# A request that takes longer than this has hung, as far as a reader is concerned.
MAX_SECONDS = 5.0
SEARCHERS = 10
# Queries whose hits lie on both shards of the samples library.
QUERIES = ("检索", "扫描 分辨率", "标准号 识别", "t/stds 001", "术语和定义")
PARTIAL_NOTICE = 'class="warning partial"'


def kill(node) -> tuple[float, float]:
    """SIGKILL a node, as the OOM killer or a crash would; returns when it was sent and
    when the node was gone."""
    sent = time.monotonic()
    os.kill(node_pid(node), signal.SIGKILL)
    wait_for(lambda: node_pid(node) is None, 10, f"{node.name} to die")
    return sent, time.monotonic()


# --- a site over a cluster, and readers hammering it -------------------------------------


@dataclass
class Site:
    base: str
    cluster: object
    library: Library
    errors: ErrorLog


@pytest.fixture(scope="module")
def site(tmp_path_factory, searchd):
    """The sample standards ingested into a private 2-shard cluster, served by the real
    site on a real HTTP server."""
    root = tmp_path_factory.mktemp("faults-site")
    with running_cluster(root / "cluster") as cluster:
        library = Library.open(root / "library")
        engine = open_engine(library, "sphinxql", folder=cluster.folder)
        report = ingest([SAMPLES], library, engine=engine, workers=2)
        assert not report.failed and engine.pending() == 0
        app = create_app(
            {
                "DATA_DIR": str(library.root),
                "SEARCH_ENGINE": "sphinxql",
                "CLUSTER_DIR": str(cluster.folder),
                "UPLOAD_QUEUE": False,
            }
        )
        errors = ErrorLog()
        app.logger.addHandler(errors)
        base, server = serve_in_thread(app)
        try:
            yield Site(base, cluster, library, errors)
        finally:
            server.shutdown()


@dataclass
class Answer:
    """One request as a reader saw it."""

    kind: str  # "api" or "page"
    query: str
    started: float
    ended: float
    status: int = 0
    partial: bool | None = None  # the JSON's flag, or the page's notice
    hits: list | None = None  # the JSON's hits, as `hits_of` gives them
    retry_after: str | None = None
    error: str = ""  # no HTTP answer at all (refused, reset, timed out)

    @property
    def seconds(self) -> float:
        return self.ended - self.started


def hits_of(data: dict) -> list[tuple]:
    return [(h["std_no"], h["clause_no"], h["page"], h["score"]) for h in data["hits"]]


def ask(base: str, kind: str, query: str) -> Answer:
    path = "/api/search" if kind == "api" else "/search"
    url = f"{base}{path}?{urllib.parse.urlencode({'q': query, 'limit': 10})}"
    answer = Answer(kind, query, time.monotonic(), 0.0)
    try:
        # The timeout only ends the test's wait: any answer slower than MAX_SECONDS fails.
        response = requests.get(url, timeout=MAX_SECONDS * 4)
    except requests.RequestException as error:
        answer.error = repr(error)
        answer.ended = time.monotonic()
        return answer
    answer.ended = time.monotonic()
    answer.status = response.status_code
    answer.retry_after = response.headers.get("Retry-After")
    if response.status_code == 200 and kind == "api":
        data = response.json()
        answer.partial = data["partial"]
        answer.hits = hits_of(data)
    elif response.status_code == 200:
        answer.partial = PARTIAL_NOTICE in response.text
    return answer


@dataclass
class Traffic:
    """Readers searching the site without pause, the API and the page in turn."""

    base: str
    answers: list[Answer] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def __enter__(self) -> Traffic:
        for offset in range(SEARCHERS):
            thread = threading.Thread(target=self._read, args=(offset,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def _read(self, offset: int) -> None:
        n = offset
        while not self._stop.is_set():
            kind = "api" if n % 2 == 0 else "page"
            self.answers.append(ask(self.base, kind, QUERIES[n % len(QUERIES)]))
            n += 1

    def __exit__(self, *exc) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(MAX_SECONDS * 5)

    def await_answers(self, after: float, count: int) -> None:
        """Wait until `count` requests sent after `after` are answered: how long that
        takes depends on the machine's load, and each phase of a test needs enough."""
        wait_for(
            lambda: len(self.between(after, float("inf"))) >= count,
            MAX_SECONDS * 3,
            f"{count} answers",
        )

    def between(self, after: float, before: float) -> list[Answer]:
        """The answers to requests sent after `after` and answered before `before`."""
        return [a for a in self.answers if a.started > after and a.ended < before]


def complete_answers(base: str) -> dict[str, list[tuple]]:
    """Each query's hits from an answer that says it is complete. On a loaded machine a
    living shard may miss the aggregator's connect timeout now and then, so a query is
    asked again (for a few seconds) until one is."""
    found = {}
    for query in QUERIES:
        deadline = time.monotonic() + MAX_SECONDS
        answer = ask(base, "api", query)
        while not (answer.status == 200 and answer.partial is False):
            assert time.monotonic() < deadline, answer
            time.sleep(0.2)
            answer = ask(base, "api", query)
        found[query] = answer.hits
    assert all(found.values())
    return found


def honest(answer: Answer, before: dict[str, list[tuple]]) -> bool:
    """Whether an answer is complete and right, or says it is not (partial, or a 503)."""
    if answer.status == 503 or answer.partial:
        return True
    return answer.kind == "page" or answer.hits == before[answer.query]


def is_complete(answer: Answer) -> bool:
    return answer.status == 200 and answer.partial is False


def check_whole_cluster(answers: list[Answer], before: dict[str, list[tuple]]) -> None:
    """Answers while every node ran: complete and the same as before the fault. On a
    loaded machine a shard may now and then miss the connect timeout: such an answer
    must say so, and most are still complete."""
    assert all(honest(a, before) for a in answers), [a for a in answers if not honest(a, before)]
    complete = [a for a in answers if is_complete(a)]
    assert len(complete) * 2 > len(answers), summary("complete", answers)


def summary(what: str, answers: list[Answer]) -> str:
    statuses: dict[int, int] = {}
    for a in answers:
        statuses[a.status] = statuses.get(a.status, 0) + 1
    partial = sum(1 for a in answers if a.partial)
    slowest = max(a.seconds for a in answers)
    return (
        f"{what}: {len(answers)} requests, statuses {statuses}, {partial} partial,"
        f" slowest {slowest:.2f} s"
    )


def check_every_answer(site: Site, answers: list[Answer]) -> None:
    """No request went unanswered, failed with a 500 or hung; each 503 says when to retry."""
    assert answers
    assert not site.errors.records, site.errors.records[0]
    assert not [a for a in answers if a.error], [a for a in answers if a.error][:3]
    assert {a.status for a in answers} <= {200, 503}, [
        a for a in answers if a.status not in (200, 503)
    ][:3]
    assert max(a.seconds for a in answers) <= MAX_SECONDS
    assert all(a.retry_after for a in answers if a.status == 503)


def numbers_on(library: Library, *, shards: int, shard: int) -> set[str]:
    """The numbers of the standards the catalogue puts on one shard."""
    with Catalogue(library.catalogue_path) as catalogue:
        return {
            catalogue.metadata(sha)["std_no"]
            for sha in catalogue.shas()
            if shard_of(sha, shards) == shard
        }


# --- 1. a shard or the aggregator killed during searches ---------------------------------


@dataclass
class Outage:
    """A node killed under readers and started again: what they saw, and when."""

    traffic: Traffic
    killed: float  # SIGKILL sent
    dead: float  # the node gone
    restarting: float  # start() called
    back: float  # start() returned: the node answers

    def while_down(self) -> list[Answer]:
        return self.traffic.between(self.dead, self.restarting)

    def while_up(self) -> list[Answer]:
        return self.traffic.between(0, self.killed) + self.traffic.between(self.back, float("inf"))


def outage(site: Site, node, what: str) -> Outage:
    """Readers search the site throughout; `node` is killed once they have answers, and
    started again once they have had answers from the cluster without it."""
    with Traffic(site.base) as traffic:
        traffic.await_answers(0, SEARCHERS)
        killed, dead = kill(node)
        traffic.await_answers(dead, SEARCHERS * 2)
        restarting = time.monotonic()
        start(site.cluster)
        back = time.monotonic()
        traffic.await_answers(back, SEARCHERS)
    print(summary(what, traffic.answers))
    check_every_answer(site, traffic.answers)
    return Outage(traffic, killed, dead, restarting, back)


def test_a_shard_killed_during_searches_gives_partial_answers_then_complete_ones(site):
    start(site.cluster)  # should an earlier test have left a node down
    before = complete_answers(site.base)
    seen = outage(site, site.cluster.shard_nodes[0], "shard killed")

    while_down = seen.while_down()
    # No answer claims to be complete while a shard is dead: each is partial, or a 503
    # when the living shard too missed the connect timeout on a loaded machine.
    assert not [a for a in while_down if is_complete(a)], [a for a in while_down if is_complete(a)]
    assert sum(1 for a in while_down if a.partial) >= SEARCHERS, summary("down", while_down)
    # What the other shard holds is still found; the dead shard's standards are missing.
    living = numbers_on(site.library, shards=site.cluster.shards, shard=1)
    found = {hit[0] for a in while_down if a.kind == "api" and a.hits for hit in a.hits}
    assert found and found <= living

    check_whole_cluster(seen.while_up(), before)
    assert complete_answers(site.base) == before


def test_the_aggregator_killed_during_searches_is_a_503_then_answers_return(site):
    start(site.cluster)
    before = complete_answers(site.base)
    seen = outage(site, site.cluster.aggregator, "aggregator killed")

    while_down = seen.while_down()
    assert len(while_down) >= SEARCHERS
    assert all(a.status == 503 for a in while_down), [a for a in while_down if a.status != 503]
    check_whole_cluster(seen.while_up(), before)
    assert complete_answers(site.base) == before
