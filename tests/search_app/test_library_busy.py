"""Writers kept waiting by a reindex or a batch ingest give up cleanly and say so.

The test holds the library's real index write lock itself, as a long `stdsearch reindex`
would, with `STDSEARCH_LOCK_TIMEOUT` set short for the writers it keeps waiting: the site
answers an edit or a deletion with 503 and Retry-After and changes nothing, the command
line ends with one line and exit status 1, and the upload queue puts the file back in the
queue and ingests it once the lock is free.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from indexer.engine.whoosh.engine import WhooshEngine
from indexer.library import audit
from indexer.library.accounts import Accounts
from indexer.library.catalogue import Catalogue
from indexer.library.store import LOCK_TIMEOUT_ENV, Library, sha256_file
from search_app.web.app import create_app
from search_app.web.uploads import FAILED, INDEXED, UploadStore
from tests.conftest import PASSWORD, ROOT, csrf_token, serve_in_thread, signed_in

SHORT_WAIT = "0.5"  # seconds a writer waits for the lock here
NEW_FILE = "GB_34330-2017.pdf"  # small, with a text layer


def copy_samples(samples_library: Library, target: Path) -> Library:
    shutil.copytree(samples_library.root, target)
    return Library.open(target)


@pytest.fixture
def site(samples_library, tmp_path, monkeypatch):
    """A real server over a copy of the samples; its writers wait SHORT_WAIT seconds."""
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, SHORT_WAIT)
    library = copy_samples(samples_library, tmp_path / "lib")
    with Accounts(library.catalogue_path) as accounts:
        accounts.add_user("librarian", PASSWORD)
        token = accounts.create_token("librarian", "tests")
    app = create_app(
        {"DATA_DIR": str(library.root), "UPLOAD_OCR": False, "UPLOAD_BUSY_RETRY_SECONDS": 0.5}
    )
    base, server = serve_in_thread(app)
    yield base, library, {"Authorization": f"Bearer {token}"}
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def first_standard(library: Library) -> dict:
    with Catalogue(library.catalogue_path) as catalogue:
        return catalogue.all_metadata()[0]


def indexed_title_en(library: Library, sha: str) -> str:
    with WhooshEngine(library).index().searcher() as searcher:
        (document,) = searcher.documents(doc_id=f"{sha}:std")
    return document.get("title_en", "")


def test_edits_and_deletions_answer_503_and_change_nothing_while_the_index_is_busy(site):
    base, library, token = site
    entry = first_standard(library)
    std_no, sha = entry["std_no"], entry["sha256"]
    api = f"{base}/api/standards/{std_no}"
    browser = signed_in(base)
    delete_form = browser.get(f"{base}/std/{std_no}/delete").text

    with library.write_lock():
        edited = requests.post(api, json={"title_en": "Changed while busy"}, headers=token)
        deleted = requests.delete(api, headers=token)
        page = browser.post(
            f"{base}/std/{std_no}/delete",
            data={"confirm": "yes", "csrf_token": csrf_token(delete_form)},
        )
        english = browser.post(
            f"{base}/std/{std_no}/delete?lang=en",
            data={"confirm": "yes", "csrf_token": csrf_token(delete_form)},
        )

    described = requests.get(f"{base}/api/openapi.json").json()["paths"]["/api/standards/{std_no}"]
    for method, response in (("post", edited), ("delete", deleted)):
        assert response.status_code == 503, response.text
        assert response.headers["Retry-After"] == "30"
        assert "busy" in response.json()["error"]
        assert "503" in described[method]["responses"]
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "馆藏正忙" in page.text and "本次操作未做任何改动" in page.text
    assert english.status_code == 503 and "Nothing was changed" in english.text

    # Nothing was committed: no override, no audit entry, the entry and its files stay.
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.metadata(sha)["title_en"] == entry["title_en"]
        assert catalogue.overrides(sha) == {}
        assert audit.entries(catalogue.db, std_no=std_no, shas=[sha]) == []
    assert library.has_extracted(sha)
    assert sha in WhooshEngine(library).indexed_shas()

    # Once the lock is free the same request goes through, index included.
    again = requests.post(api, json={"title_en": "Changed after"}, headers=token)
    assert again.status_code == 200, again.text
    assert indexed_title_en(library, sha) == "Changed after"


def test_command_line_writers_end_with_one_line_and_status_1(samples_library, tmp_path, corpus_pdf):
    library = copy_samples(samples_library, tmp_path / "lib")
    with Catalogue(library.catalogue_path) as catalogue:
        before = catalogue.shas()
    env = {**os.environ, LOCK_TIMEOUT_ENV: SHORT_WAIT}

    def stdsearch(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "search_app.cli", "--data", str(library.root), *args]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )

    with library.write_lock():
        ingest = stdsearch("ingest", str(corpus_pdf(NEW_FILE)), "--no-ocr", "--workers", "1")
        reindex = stdsearch("reindex")

    for result in (ingest, reindex):
        assert result.returncode == 1, result.stderr
        assert "Traceback" not in result.stderr, result.stderr
        errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
        assert len(errors) == 1 and "busy" in errors[0], result.stderr
        assert "try again" in errors[0]
    with Catalogue(library.catalogue_path) as catalogue:
        assert catalogue.shas() == before
    assert not library.original_path(sha256_file(corpus_pdf(NEW_FILE))).exists()

    # With the lock free, the same commands succeed.
    assert stdsearch("ingest", str(corpus_pdf(NEW_FILE)), "--no-ocr").returncode == 0
    assert stdsearch("reindex").returncode == 0


@pytest.mark.corpus
def test_upload_queue_waits_for_a_busy_library_then_ingests_the_file(site, corpus_pdf):
    base, library, token = site
    with library.write_lock():
        sent = requests.post(
            f"{base}/admin/upload",
            files=[("file", (NEW_FILE, corpus_pdf(NEW_FILE).read_bytes(), "application/pdf"))],
            headers=token,
        )
        assert sent.status_code == 202, sent.text
        upload_id = sent.json()["files"][0]["id"]
        # The queue tries, finds the library busy, and puts the file back, more than once.
        seen: list[tuple[str, str]] = []
        deadline = time.monotonic() + 60
        with UploadStore(library.catalogue_path) as store:
            while sum("busy" in reason for _, reason in seen) < 2:
                assert time.monotonic() < deadline, seen
                upload = store.get(upload_id)
                if not seen or seen[-1] != (upload.state, upload.reason):
                    seen.append((upload.state, upload.reason))
                time.sleep(0.05)
    assert FAILED not in {state for state, _ in seen}, seen
    assert seen[-1][1].startswith("waiting: ") and "try again later" in seen[-1][1]

    deadline = time.monotonic() + 120
    with UploadStore(library.catalogue_path) as store:
        while store.get(upload_id).pending:
            assert time.monotonic() < deadline, store.get(upload_id)
            time.sleep(0.2)
        upload = store.get(upload_id)
    assert upload.state == INDEXED and upload.reason == "", upload
    hits = requests.get(f"{base}/api/search", params={"q": upload.std_no}).json()["hits"]
    assert hits and hits[0]["std_no"] == upload.std_no
