"""How far the parse of an uploaded file has got: kept with its state in the catalogue's
`uploads` table, shown on the batch page ("正在识别 12/19 页") and in its JSON twin.

The progress is set through the real store, as the upload queue sets it from the worker
parsing a file, so no OCR runs here (OCR's own page reports are tested in
tests/indexer/test_ocr_progress.py).
"""

from __future__ import annotations

import contextlib
import re
import sqlite3
import time
from pathlib import Path

import pytest
import requests

from indexer.library.accounts import Accounts
from indexer.library.store import Library
from search_app.web.app import create_app
from search_app.web.uploads import FAILED, INDEXED, PARSING, QUEUED, UploadStore
from tests.conftest import PASSWORD, serve_in_thread, signed_in

# The table as it shipped before it kept any progress.
FIRST_SCHEMA = """
CREATE TABLE uploads (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    batch       TEXT NOT NULL,
    file        TEXT NOT NULL,
    sha256      TEXT NOT NULL DEFAULT '',
    pages       INTEGER NOT NULL DEFAULT 0,
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    std_no      TEXT NOT NULL DEFAULT '',
    uploaded_by TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
"""


def test_progress_is_kept_while_parsing_and_cleared_with_the_outcome(tmp_path):
    with UploadStore(tmp_path / "catalogue.sqlite") as store:
        batch = store.new_batch_id()
        scan = store.add(batch, "GB_8978-1996.pdf", QUEUED, "librarian", sha256="1" * 64)
        store.report_progress(scan, 3, 19, "OCR")  # not parsing yet: nothing to tell
        assert store.get(scan).progress_stage == ""
        (claimed,) = store.claim(1)
        assert claimed.id == scan and claimed.state == PARSING
        store.report_progress(scan, 12, 19, "OCR")
        parsing = store.get(scan)
        assert (parsing.progress_stage, parsing.progress_done, parsing.progress_total) == (
            "OCR",
            12,
            19,
        )
        store.finish(scan, INDEXED, std_no="GB 8978-1996")
        store.report_progress(scan, 19, 19, "OCR")  # late: the outcome stands alone
        finished = store.get(scan)
        assert finished.state == INDEXED
        assert (finished.progress_stage, finished.progress_done, finished.progress_total) == (
            "",
            0,
            0,
        )


def test_a_server_restart_forgets_the_progress_of_a_requeued_file(tmp_path):
    with UploadStore(tmp_path / "catalogue.sqlite") as store:
        scan = store.add(store.new_batch_id(), "scan.pdf", QUEUED, "librarian", sha256="2" * 64)
        store.claim(1)
        store.report_progress(scan, 5, 7, "OCR")
        assert store.requeue_interrupted() == 1
        requeued = store.get(scan)
        assert requeued.state == QUEUED and requeued.progress_stage == ""


def test_a_catalogue_from_before_progress_gets_the_columns_and_keeps_its_uploads(tmp_path):
    path = tmp_path / "catalogue.sqlite"
    with sqlite3.connect(path) as db:
        db.executescript(FIRST_SCHEMA)
        db.execute(
            "INSERT INTO uploads (batch, file, state, reason, uploaded_by, created_at, updated_at)"
            " VALUES ('20260101-000000-abcdef', 'old.pdf', ?, 'not a PDF', 'librarian', 'x', 'x')",
            (FAILED,),
        )
    db.close()
    with UploadStore(path) as store, UploadStore(path) as second:
        (old,) = store.batch("20260101-000000-abcdef")
        assert (old.file, old.state, old.reason) == ("old.pdf", FAILED, "not a PDF")
        assert (old.progress_stage, old.progress_done, old.progress_total) == ("", 0, 0)
        assert second.get(old.id) == old


@contextlib.contextmanager
def serving(folder: Path, **config):
    """A real server on an empty library, with a librarian: (base URL, library, token
    header)."""
    library = Library.open(folder)
    with Accounts(library.catalogue_path) as accounts:
        accounts.add_user("librarian", PASSWORD)
        token = accounts.create_token("librarian", "tests")
    app = create_app({"DATA_DIR": str(library.root), **config})
    base, server = serve_in_thread(app)
    try:
        yield base, library, {"Authorization": f"Bearer {token}"}
    finally:
        server.shutdown()
        app.extensions["stdsearch.uploads"].stop()


@pytest.fixture
def site(tmp_path):
    """Its queue is not running: the uploads stay in the states the test gives them."""
    with serving(tmp_path / "lib", UPLOAD_QUEUE=False) as served:
        yield served


def test_the_batch_page_and_its_json_twin_say_how_far_the_ocr_has_got(site):
    base, library, auth = site
    with UploadStore(library.catalogue_path) as store:
        batch = store.new_batch_id()
        scan = store.add(batch, "GB_8978-1996.pdf", QUEUED, "librarian", sha256="3" * 64)
        waiting = store.add(batch, "GB_3838-2002.pdf", QUEUED, "librarian", sha256="4" * 64)
        store.claim(1)
        store.report_progress(scan, 12, 19, "OCR")

    url = f"{base}/admin/upload/{batch}"
    files = {f["id"]: f for f in requests.get(url, headers=auth).json()["files"]}
    assert files[scan]["state"] == PARSING
    assert files[scan]["progress"] == {
        "stage": "OCR",
        "done": 12,
        "total": 19,
        "text": "正在识别 12/19 页",
    }
    assert files[waiting]["state"] == QUEUED and files[waiting]["progress"] is None
    english = requests.get(url, params={"lang": "en"}, headers=auth).json()
    assert english["files"][0]["progress"]["text"] == "OCR 12/19 pages"

    page = signed_in(base).get(url).text
    row = re.search(rf'<tr data-upload-id="{scan}">.*?</tr>', page, re.DOTALL).group(0)
    assert 'data-state="parsing">正在识别 12/19 页</span>' in row
    other = re.search(rf'<tr data-upload-id="{waiting}">.*?</tr>', page, re.DOTALL).group(0)
    assert 'data-state="queued">排队中</span>' in other


@pytest.mark.corpus
@pytest.mark.ocr
@pytest.mark.slow
def test_an_uploaded_scan_shows_its_ocr_progress_while_it_is_parsed(
    tmp_path, tesseract, corpus_pdf
):
    """The whole way, from the worker parsing the file through the upload queue to the
    JSON twin. GB 12348-2008 has one scanned page (8), which keeps OCR to one page: its
    "0 of 1" stands while that page is read, seconds in which the polls below see it."""
    name = "GB_12348-2008.pdf"
    with serving(tmp_path / "lib", UPLOAD_OCR=True) as (base, _library, auth):
        answer = requests.post(
            f"{base}/admin/upload",
            files=[("file", (name, corpus_pdf(name).read_bytes(), "application/pdf"))],
            headers=auth,
        )
        assert answer.status_code == 202, answer.text
        url = f"{base}{answer.json()['url']}"
        seen = []
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            (file,) = requests.get(url, headers=auth).json()["files"]
            if file["state"] not in (QUEUED, PARSING):
                break
            if file["progress"]:
                seen.append(file["progress"])
            time.sleep(0.2)
    assert file["state"] == INDEXED, file
    assert file["progress"] is None  # the outcome replaces it
    assert seen, "no poll saw the OCR progress"
    assert seen[0] == {"stage": "OCR", "done": 0, "total": 1, "text": "正在识别 0/1 页"}
    assert {p["done"] for p in seen} <= {0, 1}
