"""Hostile query text on the SphinxQL path, end to end on a real cluster: no query
injection, neither into MATCH() nor into the SQL around it.

Already covered elsewhere: tests/search_app/test_search.py runs every `HOSTILE_QUERIES`
text through `search()` on both engines (a result or a `QueryError`), and
tests/engine/test_sphinxql_statements.py checks that every token becomes one plain word
of the table's charset. What this file adds: the operators of Sphinx's query language
and of SQL as a user could type them, through `search()` and through the site's
`/api/search`, its page and its filter parameters, with three checks on each: no error
but the product's clear query error, the cluster holds as many rows after as before,
and the standards found are those the Whoosh index of the same library finds, since an
injected operator or quote would change what the cluster matches and Whoosh has no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from indexer.engine import open_engine
from indexer.engine.sphinxql.connection import connect
from indexer.engine.sphinxql.schema import table
from indexer.ingest.pipeline import ingest
from indexer.ingest.reindex import rebuild_index
from indexer.library.store import Library
from search_app.search.query import QueryError
from search_app.search.searching import search
from search_app.web.app import create_app
from search_app.web.views.search import FILTERS
from tests.conftest import HOSTILE_QUERIES, SAMPLES, running_cluster

# Sphinx's extended query syntax (2.2) and SQL, each beside a word the samples hold.
SPHINX_OPERATORS = [
    '"检索 标准"~3',
    "检索 NEAR/3 标准",
    "检索 MAYBE 标准",
    "@title 检索",
    "@@relaxed 检索",
    "@(title,body) 检索",
    "@* 检索",
    "检索 SENTENCE 标准",
    "检索 PARAGRAPH 标准",
    "^检索$",
    "=检索",
    "检索 -标准",
    "检索 | 标准",
    "!检索",
    "检索 << 标准",
    '"检索 标准"/2',
    "ZONE:(h1) 检索",
    "ZONESPAN:(h1) 检索",
    "检索 ~标准",
    "检索*",
    "*检索*",
    "[检索]",
    "\\",
    "检索\\",
    "\\'",
    "'",
    "''",
    "`",
    '")',
    "')",
    "%",
    "_",
    "\x00",
    "检索\x00标准",
    ";",
    "检索; SHOW TABLES",
    "检索 ') OR 1=1 --",
    "检索' OR '1'='1",
    "'; DROP TABLE clauses_0; --",
    "检索'); DELETE FROM clauses_0 WHERE id > 0; --",
    "检索') OPTION max_matches=1 --",
    "') OR MATCH('*') --",
    "检索 /* comment */",
    "检索 # comment",
    "@filter_keys 检索",
    "@std_keys gb",
    "sha256=x",
    "\\x00\\x27",
    "%s %d %n",
    "检索 NEAR/3 标准 " * 30,  # just under the length bound
    "(" * 200 + "检索" + ")" * 200,
    '"' * 499,
    "'" * 500,
    "\\" * 500,
    "检索" * 5000,  # over the bound: a query error
]
QUERIES = list(dict.fromkeys(HOSTILE_QUERIES + SPHINX_OPERATORS))
# Hostile values for the site's filter parameters, which become MATCH() words too.
FILTER_VALUES = ["') OR 1=1 --", "现行' OR '1'='1", "@title x", '"', "\\", "\x00", "*", "%"]


@dataclass
class Libraries:
    cluster: object
    sphinx: object  # the engine over the cluster
    whoosh: object  # the same library's Whoosh index
    client: object  # the site over the cluster


@pytest.fixture(scope="module")
def libraries(tmp_path_factory, searchd):
    root = tmp_path_factory.mktemp("hostile")
    with running_cluster(root / "cluster") as cluster:
        library = Library.open(root / "library")
        sphinx = open_engine(library, "sphinxql", folder=cluster.folder)
        assert not ingest([SAMPLES], library, engine=sphinx, workers=2).failed
        whoosh = open_engine(library, "whoosh")
        rebuild_index(library, whoosh)
        app = create_app(
            {
                "DATA_DIR": str(library.root),
                "SEARCH_ENGINE": "sphinxql",
                "CLUSTER_DIR": str(cluster.folder),
                "UPLOAD_QUEUE": False,
            }
        )
        yield Libraries(cluster, sphinx, whoosh, app.test_client())


def row_count(libraries: Libraries) -> int:
    """Rows on the shards themselves, each asked directly."""
    into = table(libraries.sphinx.generation())
    total = 0
    for node in libraries.cluster.shard_nodes:
        with connect(node) as conn, conn.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {into}")
            total += int(cursor.fetchone()[0])
    return total


def found(engine, query: str, filters: dict | None = None):
    """What a search finds, comparable across engines, or that the query is refused."""
    try:
        result = search(engine, query, limit=100, filters=filters)
    except QueryError as error:
        assert str(error)
        return ("query error",)
    return result.total, result.total_standards, sorted(g.std_no for g in result.groups)


def site_found(libraries: Libraries, query: str, filters: dict | None = None):
    """What `/api/search` finds, in `found`'s terms; its HTML twin must answer too."""
    args = {"q": query, "limit": 100, **(filters or {})}
    answer = libraries.client.get("/api/search", query_string=args)
    assert answer.status_code in (200, 400), answer.get_data(as_text=True)[:300]
    page = libraries.client.get("/search", query_string=args)
    assert page.status_code == answer.status_code
    data = answer.get_json()
    if answer.status_code == 400:
        assert data["error"]
        return ("query error",)
    if "partial" not in data:
        # Nothing to search for: the site shows its empty page where search() refuses.
        assert not data["hits"]
        return ("query error",)
    assert data["partial"] is False
    return data["total"], data["total_standards"], sorted(g["std_no"] for g in data["groups"])


def same_as_whoosh(libraries: Libraries, ask, cases) -> list:
    """The cases for which `ask` on the cluster finds otherwise than a search of Whoosh
    does, with what each found; the cluster's rows checked unchanged after them all.
    Every case is tried, so a failure names them all at once."""
    before = row_count(libraries)
    assert before > 0
    wrong = []
    for query, filters in cases:
        expected = found(libraries.whoosh, query, filters)
        got = ask(libraries, query, filters)
        if got != expected:
            wrong.append((query[:80], filters, got, expected))
    assert row_count(libraries) == before
    return wrong


def found_on_cluster(libraries: Libraries, query: str, filters: dict | None = None):
    return found(libraries.sphinx, query, filters)


def test_hostile_text_finds_on_the_cluster_what_it_finds_in_whoosh(libraries):
    cases = [(query, None) for query in QUERIES]
    assert same_as_whoosh(libraries, found_on_cluster, cases) == []
    # Many cases reach the index and find standards: the comparison is not of refusals.
    finding = [
        q for q in QUERIES if len(found(libraries.whoosh, q)) == 3 and found(libraries.whoosh, q)[2]
    ]
    assert len(finding) * 3 >= len(QUERIES), len(finding)


def test_hostile_text_through_the_site_finds_what_whoosh_finds(libraries):
    cases = [(query, None) for query in QUERIES]
    assert same_as_whoosh(libraries, site_found, cases) == []


def test_hostile_filter_values_through_the_site(libraries):
    cases = [("检索", {name: value}) for name in FILTERS for value in FILTER_VALUES]
    assert same_as_whoosh(libraries, site_found, cases) == []
