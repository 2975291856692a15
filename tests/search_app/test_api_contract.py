"""The API contract other programs rely on: `/api/openapi.json` says exactly what the
server does, one error schema, 405s with `Allow`, rate limits with `Retry-After`, read
tokens at a higher limit. Schemathesis checks the document against a real server over a
copy of the shared corpus library (`st run … --checks all`, stateful links included).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from indexer.library.accounts import READ, Accounts
from indexer.library.store import LOCK_TIMEOUT_ENV, Library
from search_app.web.app import create_app
from tests.conftest import PASSWORD, ROOT, serve_in_thread

ERROR_KEYS = {"error", "status", "detail"}
# Examples per operation: bounded so that the whole Schemathesis test stays well under a
# minute on a quiet 2-core machine (it prints how long it took).
EXAMPLES = 10
SEED = 19


def _copy(samples_library: Library, target: Path) -> Library:
    shutil.copytree(samples_library.root, target)
    return Library.open(target)


def _tokens(library: Library) -> tuple[str, str]:
    """(write token, read token) of a librarian of `library`."""
    with Accounts(library.catalogue_path) as accounts:
        accounts.add_user("librarian", PASSWORD)
        return accounts.create_token("librarian", "tests"), accounts.create_token(
            "librarian", "partner platform", scope=READ
        )


@pytest.fixture
def site(samples_library, tmp_path, request):
    """A real server over a throwaway copy of the samples; more app config through
    indirect parametrization (e.g. a low rate limit)."""
    library = _copy(samples_library, tmp_path / "lib")
    write, read = _tokens(library)
    more = getattr(request, "param", {})
    config = {"DATA_DIR": str(library.root), "UPLOAD_OCR": False, **more}
    app = create_app(config)
    base, server = serve_in_thread(app)
    yield base, library, write, read
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


@pytest.fixture
def corpus_site(corpus_library, tmp_path):
    """A real server over a throwaway copy of the shared corpus library, for writes too."""
    library = _copy(corpus_library, tmp_path / "lib")
    write, _ = _tokens(library)
    app = create_app({"DATA_DIR": str(library.root), "UPLOAD_OCR": False})
    base, server = serve_in_thread(app)
    yield base, write
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def _assert_error(response: requests.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert body["status"] == status
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_openapi_document_has_a_semantic_version_and_one_error_schema(site):
    base, *_ = site
    spec = requests.get(f"{base}/api/openapi.json", timeout=10).json()
    major, minor, patch = spec["info"]["version"].split(".")
    assert all(part.isdigit() for part in (major, minor, patch))
    assert "keys are only ever added" in spec["info"]["description"]
    error = spec["components"]["schemas"]["Error"]
    assert set(error["required"]) == ERROR_KEYS
    # Every 4xx/5xx JSON answer of the API refers to it (alone or with the view's data).
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            for code, response in operation["responses"].items():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if code[0] in "45" and schema is not None:
                    assert "#/components/schemas/Error" in json.dumps(schema), (path, method, code)
            assert "429" in operation["responses"], (path, method)
            assert "Retry-After" in operation["responses"]["429"]["headers"]
            assert "Retry-After" in operation["responses"]["503"]["headers"]


def test_405_names_the_allowed_methods(site):
    """RFC 9110 15.5.6: a 405 answer carries Allow; also on a clause URL, which shares its
    standard's route (where POST and DELETE exist for the standard, not the clause)."""
    base, _, write, _ = site
    response = requests.put(f"{base}/api/search", timeout=10)
    body = _assert_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    assert "GET" in body["detail"]
    clause = f"{base}/api/standards/T%2FSTDS%20001-2026/clauses/1"
    response = requests.delete(clause, headers={"Authorization": f"Bearer {write}"}, timeout=10)
    _assert_error(response, 405)
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"
    assert requests.options(clause, timeout=10).headers["Allow"] == "GET, HEAD, OPTIONS"


def test_refusals_on_several_routes_share_the_error_schema(site):
    base, _, write, _ = site
    auth = {"Authorization": f"Bearer {write}"}
    _assert_error(requests.get(f"{base}/api/standards/GB%2FT%209999-1999", timeout=10), 404)
    _assert_error(
        requests.get(f"{base}/api/search", params={"q": "x", "status": "?"}, timeout=10), 400
    )
    body = _assert_error(
        requests.get(f"{base}/api/compare", params={"a": "x", "b": "y"}, timeout=10), 404
    )
    assert body["a"] == "x"  # the view's own keys are kept beside the three
    _assert_error(requests.get(f"{base}/api/terms", params={"q": "字" * 501}, timeout=10), 400)
    _assert_error(requests.post(f"{base}/api/check", json={"numbers": [{}]}, timeout=10), 400)
    _assert_error(requests.post(f"{base}/api/standards/X", json={}, timeout=10), 401)
    body = _assert_error(
        requests.post(f"{base}/admin/upload", headers=auth, files={"x": ("a", b"")}, timeout=10),
        400,
    )
    assert "file" in body["error"]
    _assert_error(
        requests.get(f"{base}/admin/upload/20990101-000000-abcdef", headers=auth, timeout=10), 404
    )
    # The empty query and the empty term are no error: an empty result.
    assert requests.get(f"{base}/api/search", params={"q": ""}, timeout=10).json()["hits"] == []
    assert requests.get(f"{base}/api/terms", timeout=10).json()["definitions"] == []


def test_edit_with_an_empty_object_changes_nothing_and_answers_200(site):
    base, _library, write, _ = site
    number = requests.get(f"{base}/api/standards", timeout=10).json()[0]["std_no"]
    response = requests.post(
        f"{base}/api/standards/{number}",
        json={},
        headers={"Authorization": f"Bearer {write}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["changes"] == []


def test_a_busy_library_answers_503_with_retry_after_and_the_error_schema(site, monkeypatch):
    base, library, write, _ = site
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.3")
    number = requests.get(f"{base}/api/standards", timeout=10).json()[0]["std_no"]
    with library.write_lock():
        response = requests.delete(
            f"{base}/api/standards/{number}",
            headers={"Authorization": f"Bearer {write}"},
            timeout=30,
        )
    body = _assert_error(response, 503)
    assert int(response.headers["Retry-After"]) > 0
    assert "retry" in body["detail"]


LOW_LIMITS = {"API_RATE_LIMIT": "3 per minute", "API_READ_TOKEN_RATE_LIMIT": "6 per minute"}


@pytest.mark.parametrize("site", [LOW_LIMITS], indirect=True)
def test_anonymous_clients_are_limited_and_read_tokens_get_more(site):
    base, _, write, read = site
    url = f"{base}/api/search?q=标准"
    assert [requests.get(url, timeout=10).status_code for _ in range(3)] == [200] * 3
    response = requests.get(url, timeout=10)
    body = _assert_error(response, 429)
    wait = int(response.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert "retry after" in body["detail"]
    # A read token counts on its own, at its higher limit; pages are not limited.
    bearer = {"Authorization": f"Bearer {read}"}
    codes = [requests.get(url, headers=bearer, timeout=10).status_code for _ in range(7)]
    assert codes == [200] * 6 + [429]
    assert requests.get(f"{base}/search?q=标准", timeout=10).status_code == 200
    # A read token changes nothing: it is no librarian's write token.
    number = requests.get(
        f"{base}/api/standards", headers={"Authorization": f"Bearer {write}"}, timeout=10
    )
    assert number.status_code == 200
    refused = requests.delete(f"{base}/api/standards/X", headers=bearer, timeout=10)
    assert refused.status_code in (401, 429)


def test_token_create_read_prints_a_read_token(samples_library, tmp_path):
    library = _copy(samples_library, tmp_path / "lib")
    _tokens(library)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "search_app.cli",
            "--data",
            str(library.root),
            "token",
            "create",
            "--read",
            "--by",
            "librarian",
            "--label",
            "PLM",
            "--json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    issued = json.loads(run.stdout)
    assert issued["scope"] == "read" and issued["by"] == "librarian"
    with Accounts(library.catalogue_path) as accounts:
        assert accounts.token_grant(issued["token"]) == ("librarian", "read")
        assert accounts.token_user(issued["token"]) is None


def _schemathesis(base: str, *args: str) -> subprocess.CompletedProcess:
    st = Path(sys.executable).with_name("st")
    command = [
        str(st), "run", f"{base}/api/openapi.json",
        "--checks", "all",
        "--max-examples", str(EXAMPLES),
        "--seed", str(SEED),
        "--workers", "1",
        "--suppress-health-check", "filter_too_much",
        *args,
    ]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
    # Run where its cache of past failures (.schemathesis/) does not land in the project.
    out_dir = ROOT / "test-output" / "schemathesis"
    out_dir.mkdir(parents=True, exist_ok=True)
    run = subprocess.run(command, capture_output=True, text=True, env=env, timeout=170, cwd=out_dir)
    # The whole report, for reading when the assertion's tail is not enough.
    out = ROOT / "test-output" / f"schemathesis-{'-'.join(args[1].split()[0][1:].split('|'))}.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(run.stdout + run.stderr)
    return run


def test_schemathesis_finds_no_difference_between_document_and_server(corpus_site):
    """`st run --checks all` over the whole document, on the shared corpus library: first
    every GET (the API, its page twins and feeds, with the stateful links search hit →
    standard → clause), then every POST and DELETE with a write token on this throwaway copy.
    The writes skip one check, `positive_data_acceptance`: what they take is checked beyond
    what a schema can say (a standard number's grammar, a PDF's or a list file's contents, a
    status and its dates together), so a generated value is refused with 400/422 and its
    reason, as the document says."""
    base, write = corpus_site
    started = time.monotonic()
    reads = _schemathesis(base, "--include-name-regex", "^GET /",
                          "-H", f"Authorization: Bearer {write}")  # fmt: skip
    assert reads.returncode == 0, reads.stdout[-6000:] + reads.stderr[-2000:]
    writes = _schemathesis(
        base,
        "--include-name-regex", "^(POST|DELETE) /",
        "--exclude-checks", "positive_data_acceptance",
        "--phases", "examples,coverage,fuzzing",  # no links between writes
        "-H", f"Authorization: Bearer {write}",
    )  # fmt: skip
    assert writes.returncode == 0, writes.stdout[-6000:] + writes.stderr[-2000:]
    print(f"schemathesis: {time.monotonic() - started:.1f} s")


def test_change_feed_drops_characters_xml_cannot_hold(site):
    """Found by Schemathesis: a control character in the feed's query (repeated in its
    title) made the Atom writer fail with a 500."""
    base, *_ = site
    response = requests.get(f"{base}/feeds/changes.atom", params={"q": "水\x10质"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/atom+xml")
    assert "\x10" not in response.text
