"""`/terms` and `/api/terms` under whatever a stranger types: query-language operators of
Whoosh and SphinxQL, quotes, brackets, wildcards, fields, NUL and very long text. A term
search is words looked up in the term entries, never parser input, so each answers 200
(or 400 for an over-long query), never 5xx."""

from __future__ import annotations

import shutil

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_app.web.app import create_app
from tests.conftest import HOSTILE_QUERIES, engine_config

OPERATORS = [
    "NOT", "AND", "OR", "ANDMAYBE", "ANDNOT", "MAYBE", "NEAR/3", "SENTENCE", "PARAGRAPH",
    "(", ")", "((", "))", '"', "'", "“", "”", "*", "?", "~", "~2", "^", "^3", "-", "+", "!",
    "|", "@", "@title", "@(heading,body)", "$", "=", "<<", "[", "]", "{", "}", "[a TO b]",
    "{a to}", "title:", "heading:x", "body:*", "*:*", "a*", "*a", "a?c", "\\", "/", ":",
    "\x00", "\u3000", "术语", "检索", "term", "a", "A",
]  # fmt: skip

FIXED = [
    "NOT NOT a",
    "NOT ANDMAYBE a",
    "ANDMAYBE",
    "a ANDNOT",
    "NOT",
    "NOT (",
    "AND OR NOT",
    "a AND (b OR",
    '"a b',
    '"" NOT ""',
    "heading:术语 OR term_en:*",
    "*:* NOT *",
    "NOT " * 200,
    "(" * 400,
    "a" * 501,
    "术语\x00定义",
    *HOSTILE_QUERIES,
]

term_queries = st.one_of(
    st.lists(st.sampled_from(OPERATORS), min_size=1, max_size=12).map(" ".join),
    st.lists(st.sampled_from(OPERATORS), min_size=1, max_size=12).map("".join),
    st.text(max_size=60),
)


@pytest.fixture(scope="module")
def client(samples_library, engine_name, request, tmp_path_factory):
    data = tmp_path_factory.mktemp("terms") / "lib"
    shutil.copytree(samples_library.root, data)
    from indexer.library.store import Library

    library = Library.open(data)
    config = {"DATA_DIR": str(data), "UPLOAD_QUEUE": False}
    app = create_app({**config, **engine_config(library, engine_name, request)})
    app.testing = False  # errors become the site's 500 page, as a stranger would see
    yield app.test_client()
    app.extensions["stdsearch.uploads"].stop()


def assert_answered(client, q: str) -> None:
    for path in ("/terms", "/api/terms"):
        response = client.get(path, query_string={"q": q})
        assert response.status_code in (200, 400), (path, q, response.status_code)


@pytest.mark.parametrize("q", FIXED)
def test_operator_text_never_breaks_the_term_search(client, q):
    assert_answered(client, q)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(q=term_queries)
def test_any_text_gets_an_answer_from_the_term_search(client, q):
    assert_answered(client, q)
