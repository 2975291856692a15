"""Librarian upload over real HTTP against a real server: real PDFs from the shared
corpus go through the form or a token, are ingested in the background while others
search, and can be found afterwards without a restart."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from indexer.library.accounts import Accounts
from indexer.library.catalogue import Catalogue
from indexer.library.store import Library
from search_app.web.app import create_app
from search_app.web.uploads import (
    INDEXED,
    NEEDS_OCR,
    PARSING,
    QUEUED,
    STATES,
    UNCHANGED,
    UploadStore,
    display_name,
    refused_name,
    shown_name,
    upload_path,
)
from tests.conftest import PASSWORD, ROOT, SAMPLES, csrf_token, serve_in_thread, signed_in, slow_pdf
from tests.library_state import assert_consistent, descendants, is_alive, processes_mentioning

# Small corpus files with a text layer (MANIFEST.tsv): a few pages, well under 1 MB.
SMALL = ["GB_5085.7-2019.pdf", "DB44_1989-2017.pdf", "GB_12523-2011.pdf"]
ANOTHER = "GB_34330-2017.pdf"
LATER = "GB_18918-2002.pdf"
SCANNED = "GB_14554-1993.pdf"  # 7 pages, images only: needs OCR, which is off here
OVERSIZED = "GB_T_28181-2016.pdf"  # 2.9 MB, over the 2 MB limit below
TOO_LONG = "HJ_212-2017.pdf"  # 70 pages, over the 60-page limit below
LIMITS = {
    "UPLOAD_MAX_MB": 2,
    "UPLOAD_MAX_PAGES": 60,
    "UPLOAD_MAX_FILES": 8,
    "UPLOAD_MAX_TOTAL_MB": 8,
    "UPLOAD_OCR": False,
    "UPLOAD_WORKERS": 2,  # two files per ingest run, parsed side by side
}


@dataclass
class Site:
    base: str
    data: Path
    token: str

    @property
    def auth(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def upload(self, files: list[tuple[str, bytes]], **kwargs) -> requests.Response:
        return requests.post(
            f"{self.base}/admin/upload",
            files=[("file", (name, content, "application/pdf")) for name, content in files],
            headers=self.auth,
            **kwargs,
        )

    def wait_for(self, batch: str, seconds: float = 120) -> dict:
        """The batch once no file is queued or parsing any more."""
        deadline = time.monotonic() + seconds
        while True:
            data = requests.get(f"{self.base}/admin/upload/{batch}", headers=self.auth).json()
            if data["done"] or time.monotonic() > deadline:
                return data
            time.sleep(0.3)


def copy_library(source: Library, target: Path) -> Path:
    shutil.copytree(source.root, target)
    with Accounts(target / "catalogue.sqlite") as accounts:
        if "librarian" not in accounts.users():
            accounts.add_user("librarian", PASSWORD)
    return target


@pytest.fixture(scope="module")
def site(samples_library, tmp_path_factory):
    data = copy_library(samples_library, tmp_path_factory.mktemp("upload") / "lib")
    with Accounts(data / "catalogue.sqlite") as accounts:
        token = accounts.create_token("librarian", "tests")
    app = create_app({"DATA_DIR": str(data), **LIMITS})
    base, server = serve_in_thread(app)
    yield Site(base, data, token)
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def encrypted_pdf() -> bytes:
    from reportlab.lib import pdfencrypt
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    pdf = canvas.Canvas(out, encrypt=pdfencrypt.StandardEncryption("secret", "owner"))
    pdf.drawString(100, 700, "locked")
    pdf.save()
    return out.getvalue()


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*")}


def search_hits(base: str, q: str) -> list[dict]:
    response = requests.get(f"{base}/api/search", params={"q": q, "limit": 5})
    assert response.status_code == 200
    return response.json()["hits"]


def test_display_names_never_name_a_path():
    cases = {
        "GB_T_7714-2015.pdf": "GB_T_7714-2015.pdf",
        "标准 文献.pdf": "标准 文献.pdf",
        "../../x.pdf": "x.pdf",
        "..\\..\\windows.pdf": "windows.pdf",
        "/etc/passwd": "passwd",
        "a\x00b.pdf": "ab.pdf",
        "line\r\nbreak.pdf": "linebreak.pdf",
        "evil\u202efdp.exe": "evilfdp.exe",  # no right-to-left override
        "..": "upload.pdf",
        "": "upload.pdf",
        None: "upload.pdf",
        ".hidden.pdf": "hidden.pdf",
    }
    for raw, expected in cases.items():
        assert display_name(raw) == expected, raw
    long = display_name("长" * 500 + ".pdf")
    assert len(long) <= 160 and long.endswith(".pdf")
    assert len(display_name("a." + "b" * 500)) <= 160


def test_one_run_never_takes_the_same_content_or_name_twice(tmp_path):
    with UploadStore(tmp_path / "catalogue.sqlite") as store:
        batch = store.new_batch_id()
        first = store.add(batch, "a.pdf", QUEUED, "librarian", sha256="1" * 64)
        store.add(batch, "b.pdf", QUEUED, "librarian", sha256="1" * 64)  # same content
        store.add(batch, "a.pdf", QUEUED, "librarian", sha256="2" * 64)  # same name
        fourth = store.add(batch, "c.pdf", QUEUED, "librarian", sha256="3" * 64)
        run = store.claim(3)
        assert [u.id for u in run] == [first, fourth]
        assert all(u.state == PARSING for u in run)
        assert len(store.claim(3)) == 2  # the two that waited
        assert store.claim(3) == []
        assert store.requeue_interrupted() == 4


@pytest.mark.corpus
def test_upload_while_searching_then_the_standards_are_found(site, corpus_pdf):
    """Several PDFs through the form while six threads search: every search answers,
    and the new standards are found through the same server, without a restart."""
    before = requests.get(f"{site.base}/api/standards").json()
    known = {entry["std_no"] for entry in before}

    stop = threading.Event()
    codes: list[int] = []

    def keep_searching(q: str) -> None:
        while not stop.is_set():
            codes.append(requests.get(f"{site.base}/api/search", params={"q": q}).status_code)

    queries = ["标准", "术语和定义", "扫描 分辨率", "t/stds 001", "排放", "噪声"]
    searchers = [threading.Thread(target=keep_searching, args=(q,)) for q in queries]
    for thread in searchers:
        thread.start()
    try:
        browser = signed_in(site.base)
        form = browser.get(f"{site.base}/admin/upload")
        assert form.status_code == 200
        assert 'type="file" name="file" multiple' in form.text
        response = browser.post(
            f"{site.base}/admin/upload",
            data={"csrf_token": csrf_token(form.text)},
            files=[
                ("file", (name, corpus_pdf(name).read_bytes(), "application/pdf")) for name in SMALL
            ],
            allow_redirects=False,
        )
        assert response.status_code == 303
        progress_url = response.headers["Location"]
        page = browser.get(f"{site.base}{progress_url}")
        assert page.status_code == 200 and all(name in page.text for name in SMALL)
        assert 'http-equiv="refresh"' in page.text  # inside <noscript>: pages without JS
        batch = progress_url.rsplit("/", 1)[1]
        data = site.wait_for(batch)
    finally:
        stop.set()
        for thread in searchers:
            thread.join()

    assert len(codes) > 20 and set(codes) == {200}, (len(codes), set(codes))
    assert data["done"]
    assert [f["file"] for f in data["files"]] == SMALL
    assert {f["state"] for f in data["files"]} == {INDEXED}, data["files"]
    for entry in data["files"]:
        assert entry["std_no"] and entry["std_no"] not in known
        hits = search_hits(site.base, entry["std_no"])
        assert hits and hits[0]["std_no"] == entry["std_no"]
        standard = requests.get(f"{site.base}/api/standards/{entry['std_no']}").json()
        # The name the browser sent is kept, as metadata only.
        assert standard["source_file"] == entry["file"]
        assert requests.get(f"{site.base}{entry['url']}").status_code == 200
    # Stored copies are gone once ingested; the library keeps the originals.
    assert files_under(site.data / "uploads") == set()
    done = browser.get(f"{site.base}{progress_url}").text
    assert 'http-equiv="refresh"' not in done


@pytest.mark.corpus
def test_no_upload_without_sign_in_or_csrf_token(site, corpus_pdf):
    pdf = corpus_pdf(ANOTHER).read_bytes()
    files = [("file", (ANOTHER, pdf, "application/pdf"))]
    url = f"{site.base}/admin/upload"
    with Catalogue(site.data / "catalogue.sqlite") as catalogue:
        log_before = len(catalogue.ingest_log(limit=1000))
    with UploadStore(site.data / "catalogue.sqlite") as store:
        batches_before = store.recent_batches(1000)

    stranger = requests.Session()
    token = csrf_token(stranger.get(f"{site.base}/login").text)
    sent = stranger.post(url, data={"csrf_token": token}, files=files, allow_redirects=False)
    assert sent.status_code == 302 and sent.headers["Location"].startswith("/login")
    sent = stranger.post(
        url,
        data={"csrf_token": token},
        files=files,
        headers={"Accept": "application/json"},
    )
    assert sent.status_code == 401
    assert stranger.get(url, allow_redirects=False).status_code == 302
    forged = requests.post(url, files=files, headers={"Authorization": "Bearer sst_forged"})
    assert forged.status_code in (400, 401)

    browser = signed_in(site.base)
    assert browser.post(url, files=files).status_code == 400  # no CSRF token
    assert browser.post(url, data={"csrf_token": "forged"}, files=files).status_code == 400

    with Catalogue(site.data / "catalogue.sqlite") as catalogue:
        assert len(catalogue.ingest_log(limit=1000)) == log_before
    with UploadStore(site.data / "catalogue.sqlite") as store:
        assert store.recent_batches(1000) == batches_before
    assert not (site.data / "uploads").exists() or files_under(site.data / "uploads") == set()


@pytest.mark.corpus
def test_token_upload_answers_json_and_refuses_bad_files_with_reasons(site, corpus_pdf, tmp_path):
    good = corpus_pdf(ANOTHER).read_bytes()
    broken = corpus_pdf(SMALL[0]).read_bytes()
    response = site.upload(
        [
            (ANOTHER, good),
            (SCANNED, corpus_pdf(SCANNED).read_bytes()),
            ("notes.pdf", "这不是 PDF 文件 / not a PDF".encode()),
            ("locked.pdf", encrypted_pdf()),
            ("truncated.pdf", broken[: len(broken) // 3]),
            ("empty.pdf", b""),
            (OVERSIZED, corpus_pdf(OVERSIZED).read_bytes()),
        ]
    )
    assert response.status_code == 202
    data = response.json()
    assert data["batch"] and data["url"] == f"/admin/upload/{data['batch']}"
    states = {f["file"]: f for f in data["files"]}
    assert states[ANOTHER]["state"] in (QUEUED, PARSING, INDEXED)
    expected = {
        "notes.pdf": "not a PDF",
        "locked.pdf": "encrypted",
        "truncated.pdf": "corrupt",
        "empty.pdf": "empty",
        OVERSIZED: "too large",
    }
    for name, words in expected.items():
        assert states[name]["state"] == "refused", name
        assert words in states[name]["reason"], (name, states[name]["reason"])

    # The page limit.
    too_long = site.upload([(TOO_LONG, corpus_pdf(TOO_LONG).read_bytes())])
    assert too_long.status_code == 422
    assert "too many pages" in too_long.json()["files"][0]["reason"]
    # More files than one upload may hold: the request is refused whole, as the README
    # says, and none of its files is taken.
    batches = len(requests.get(f"{site.base}/admin/upload", headers=site.auth).json()["batches"])
    too_many = site.upload([(f"{n}.pdf", b"x") for n in range(9)])
    assert too_many.status_code == 413
    assert "more than 8 files" in too_many.json()["error"]
    after = requests.get(f"{site.base}/admin/upload", headers=site.auth).json()["batches"]
    assert len(after) == batches

    finished = site.wait_for(data["batch"])
    entry = next(f for f in finished["files"] if f["file"] == ANOTHER)
    assert entry["state"] == INDEXED and entry["std_no"]
    scanned = next(f for f in finished["files"] if f["file"] == SCANNED)
    assert scanned["state"] == NEEDS_OCR and "OCR" in scanned["reason"], scanned
    assert search_hits(site.base, entry["std_no"])[0]["std_no"] == entry["std_no"]

    unknown = requests.get(f"{site.base}/admin/upload/20990101-000000-abcdef", headers=site.auth)
    assert unknown.status_code == 404 and unknown.json()["status"] == 404
    assert requests.get(f"{site.base}/admin/upload/x'y", headers=site.auth).status_code == 404

    # The same file again is recognised as unchanged.
    again = site.upload([("copy of the same.pdf", good)], params={"format": "json"})
    assert site.wait_for(again.json()["batch"])["files"][0]["state"] == UNCHANGED


def test_uploads_too_large_for_one_request_get_413_with_the_limit(site):
    huge = b"%PDF-1.4\n" + b"0" * (9 * 1024 * 1024)
    response = site.upload([("huge.pdf", huge)])
    assert response.status_code == 413
    assert "upload too large" in response.json()["error"]
    browser = signed_in(site.base)
    form = browser.get(f"{site.base}/admin/upload").text
    page = browser.post(
        f"{site.base}/admin/upload",
        data={"csrf_token": csrf_token(form)},
        files=[("file", ("huge.pdf", huge, "application/pdf"))],
    )
    assert page.status_code == 413 and "9 MB" in page.text


def test_names_with_a_path_or_a_nul_byte_are_refused():
    refused = {
        "../../x.pdf": "path",
        "..\\..\\windows.pdf": "path",
        "C:\\Users\\x.pdf": "path",
        "/etc/passwd": "path",
        "..": "path",
        "a\x00b.pdf": "NUL byte",
        "\x00": "NUL byte",
        "line\r\nbreak.pdf": "control character",
    }
    # Sent unescaped, a Windows path reaches us with its backslashes taken as escapes.
    refused.update({"C:x.pdf": "path", "c:": "path"})
    for raw, words in refused.items():
        assert words in (refused_name(raw) or ""), raw
    for fine in ("GB_T_7714-2015.pdf", "标准 文献.pdf", "a..b.pdf", ".hidden.pdf", "", None):
        assert refused_name(fine) is None, fine
    assert shown_name("a\x00b.pdf") == "a\\x00b.pdf"
    assert shown_name("../../x.pdf") == "../../x.pdf"


def test_the_batch_page_shows_refused_files_with_their_reasons(site):
    """Through the form, as a librarian's browser sends it: the progress page lists each
    refused file with its state and reason, in table rows a reader can scan."""
    browser = signed_in(site.base)
    form = browser.get(f"{site.base}/admin/upload").text
    response = browser.post(
        f"{site.base}/admin/upload",
        data={"csrf_token": csrf_token(form)},
        files=[
            ("file", ("notes.pdf", "这不是 PDF".encode(), "application/pdf")),
            ("file", ("locked.pdf", encrypted_pdf(), "application/pdf")),
            ("file", ("../../x.pdf", b"%PDF-1.4", "application/pdf")),
        ],
    )
    assert response.status_code == 200 and "/admin/upload/" in response.url
    rows = re.findall(r"<tr data-upload-id=.*?</tr>", response.text, re.DOTALL)
    assert len(rows) == 3
    expected = [
        ("notes.pdf", "not a PDF"),
        ("locked.pdf", "encrypted"),
        ("../../x.pdf", "file name contains a path"),
    ]
    for row, (name, reason) in zip(rows, expected, strict=True):
        assert f'<td class="file">{name}</td>' in row, row
        assert 'data-state="refused"' in row and "已拒收" in row, row
        assert reason in re.search(r'<td class="reason">(.*?)</td>', row).group(1), row
    english = browser.get(response.url, params={"lang": "en"}).text
    assert english.count(">refused</span>") == 3


def test_the_check_of_an_uploaded_file_runs_under_a_time_limit(samples_library, tmp_path):
    """A file whose check outlasts `UPLOAD_CHECK_SECONDS` is refused with that reason (its
    worker process killed), and nothing of it stays in the library."""
    data = copy_library(samples_library, tmp_path / "lib")
    with Accounts(data / "catalogue.sqlite") as accounts:
        token = accounts.create_token("librarian")
    app = create_app(
        {"DATA_DIR": str(data), **LIMITS, "UPLOAD_CHECK_SECONDS": 0.5, "UPLOAD_QUEUE": False}
    )
    base, server = serve_in_thread(app)
    try:
        response = requests.post(
            f"{base}/admin/upload",
            files=[("file", ("slow.pdf", slow_pdf(1.5), "application/pdf"))],
            headers={"Authorization": f"Bearer {token}"},
        )
    finally:
        server.shutdown()
    assert response.status_code == 422, response.text
    (refused,) = response.json()["files"]
    assert refused["state"] == "refused"
    assert "took longer than the 0.5 s limit" in refused["reason"], refused
    assert files_under(data / "uploads") == set()


def raw_multipart(names: list[bytes], content: bytes) -> tuple[bytes, str]:
    """A multipart body with file names exactly as given (no client library cleans them)."""
    boundary = b"stdsearch-test-boundary"
    body = b""
    for name in names:
        body += (
            b"--" + boundary + b"\r\n"
            b'Content-Disposition: form-data; name="file"; filename="' + name + b'"\r\n'
            b"Content-Type: application/pdf\r\n\r\n" + content + b"\r\n"
        )
    body += b"--" + boundary + b"--\r\n"
    return body, "multipart/form-data; boundary=" + boundary.decode()


def test_windows_paths_sent_unescaped_are_refused(site):
    """A browser on Windows, or a crafted request, may send `..\\..\\x.pdf` with bare
    backslashes, which the multipart parser reads as escapes (`....x.pdf`): the name is
    judged as it was sent, and refused as a path."""
    body, content_type = raw_multipart([rb"..\..\x.pdf", rb"C:\x.pdf", rb"\\host\x.pdf"], b"x")
    headers = {**site.auth, "Content-Type": content_type}
    response = requests.post(f"{site.base}/admin/upload", data=body, headers=headers)
    assert response.status_code == 422, response.text
    files = response.json()["files"]
    assert [f["state"] for f in files] == ["refused"] * 3
    assert all("path" in f["reason"] for f in files), files


@pytest.mark.corpus
def test_file_names_with_a_path_or_a_nul_byte_are_refused_and_nothing_is_written(site, corpus_pdf):
    """`../../x.pdf`, NUL bytes and the like: each such file is refused with its reason,
    a well-named file of the same request goes on, and nothing is written outside the
    library."""
    outside = site.data.parent
    before = files_under(outside)
    pdf = corpus_pdf(SMALL[1]).read_bytes()
    # A backslash is escaped inside the header's quoted string: this sends ..\..\y.pdf
    bad = [b"../../x.pdf", b"..\\\\..\\\\y.pdf", b"a\x00b.pdf", b"/tmp/z.pdf", b"\x00"]
    body, content_type = raw_multipart([*bad, b"fine.pdf"], pdf)
    headers = {**site.auth, "Content-Type": content_type}
    response = requests.post(f"{site.base}/admin/upload", data=body, headers=headers)
    assert response.status_code == 202, response.text
    files = response.json()["files"]
    assert [f["file"] for f in files] == [
        "../../x.pdf",
        "..\\..\\y.pdf",
        "a\\x00b.pdf",
        "/tmp/z.pdf",
        "\\x00",
        "fine.pdf",
    ]
    assert [f["state"] == "refused" for f in files] == [True] * 5 + [False]
    reasons = [f["reason"] for f in files]
    assert ["path" in r for r in reasons] == [True, True, False, True, False, False], reasons
    assert ["NUL byte" in r for r in reasons] == [False, False, True, False, True, False]
    site.wait_for(response.json()["batch"])

    # All refused: 422, and not a byte stored.
    body, content_type = raw_multipart(bad, pdf)
    refused = requests.post(
        f"{site.base}/admin/upload", data=body, headers={**site.auth, "Content-Type": content_type}
    )
    assert refused.status_code == 422
    assert {f["state"] for f in refused.json()["files"]} == {"refused"}
    assert files_under(site.data / "uploads") == set()

    after = files_under(outside)
    assert {p for p in after - before if not p.startswith("lib/")} == set()
    for folder in (ROOT, ROOT.parent, Path("/"), Path("/tmp"), site.data, outside):
        for name in ("x.pdf", "y.pdf", "z.pdf", "ab.pdf", "fine.pdf"):
            written = folder / name
            assert not written.exists() or written.read_bytes() != pdf, written
    assert not any("\x00" in p or p.endswith(("x.pdf", "y.pdf")) for p in after)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.corpus
def test_uploads_left_by_a_killed_server_are_requeued_on_start(
    samples_library, corpus_pdf, tmp_path
):
    """`stdsearch serve` is killed (SIGKILL, with its parse worker) while it parses an
    upload; the next start takes the upload up again and it ends up indexed. Stray
    files a killed server leaves in `uploads/` are swept away."""
    data = copy_library(samples_library, tmp_path / "lib")
    with Accounts(data / "catalogue.sqlite") as accounts:
        token = accounts.create_token("librarian")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "search_app.cli", "--data", str(data), "serve", "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/admin/upload", timeout=1)
                break
            # gunicorn listens before its workers have built the app: a read may time out.
            except (requests.ConnectionError, requests.Timeout):
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.2)
        name = SMALL[2]
        sent = requests.post(
            f"{base}/admin/upload",
            files=[("file", (name, corpus_pdf(name).read_bytes()))],
            headers={"Authorization": f"Bearer {token}"},
        )
        upload_id = sent.json()["files"][0]["id"]
        with UploadStore(data / "catalogue.sqlite") as store:
            while store.get(upload_id).state != PARSING:
                assert store.get(upload_id).state == QUEUED and time.monotonic() < deadline
                time.sleep(0.02)
    finally:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    with UploadStore(data / "catalogue.sqlite") as store:
        upload = store.get(upload_id)
    assert upload.state == PARSING
    library = Library.open(data)
    assert upload_path(library, upload.sha256).exists()
    old = time.time() - 2 * 3600
    strays = [data / "uploads" / ".incoming-abc.pdf", upload_path(library, "0" * 64)]
    for stray in strays:
        stray.write_bytes(b"%PDF-1.4 half")
        os.utime(stray, (old, old))

    app = create_app({"DATA_DIR": str(data), **LIMITS})
    base, server = serve_in_thread(app)
    try:
        deadline = time.monotonic() + 60
        with UploadStore(library.catalogue_path) as store:
            while store.get(upload_id).pending and time.monotonic() < deadline:
                time.sleep(0.2)
            upload = store.get(upload_id)
        assert upload.state == INDEXED, upload
        assert search_hits(base, upload.std_no)[0]["std_no"] == upload.std_no
        assert not any(stray.exists() for stray in strays)
    finally:
        server.shutdown()
        app.extensions["stdsearch.uploads"].stop()


def production_server(data: Path, port: int) -> subprocess.Popen:
    """`stdsearch serve --workers 2` (gunicorn) on `data`, once it answers."""
    command = [sys.executable, "-m", "search_app.cli", "--data", str(data), "serve"]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # so that a failing test can still clear the whole group
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            requests.get(f"http://127.0.0.1:{port}/admin/upload", timeout=1)
            return server
        except (requests.ConnectionError, requests.Timeout):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.2)


def assert_no_process_left(data: Path, seen: set[int]) -> None:
    """Neither the processes seen before the master died nor any started on `data`."""
    deadline = time.monotonic() + 10
    while left := {pid for pid in seen if is_alive(pid)} | processes_mentioning(str(data)):
        assert time.monotonic() < deadline, f"processes of the killed server still run: {left}"
        time.sleep(0.05)


@pytest.mark.corpus
def test_a_server_master_killed_during_an_upload_takes_every_worker_with_it(
    samples_library, corpus_pdf, tmp_path
):
    """SIGKILL of the gunicorn master alone while a worker parses an upload: no gunicorn
    worker and no parse process is left; the next start takes the upload up again."""
    data = copy_library(samples_library, tmp_path / "lib")
    with Accounts(data / "catalogue.sqlite") as accounts:
        token = accounts.create_token("librarian")
    port = free_port()
    name = "GB_37822-2019.pdf"  # 15 pages: its parse is still running when the master dies
    server = production_server(data, port)
    try:
        sent = requests.post(
            f"http://127.0.0.1:{port}/admin/upload",
            files=[("file", (name, corpus_pdf(name).read_bytes()))],
            headers={"Authorization": f"Bearer {token}"},
        )
        upload_id = sent.json()["files"][0]["id"]
        deadline = time.monotonic() + 60
        with UploadStore(data / "catalogue.sqlite") as store:
            # Parsing, in a process of its own beside the two gunicorn workers.
            while store.get(upload_id).state != PARSING or len(descendants(server.pid)) < 3:
                assert time.monotonic() < deadline, "no parse process started"
                time.sleep(0.005)
        seen = descendants(server.pid)
        os.kill(server.pid, signal.SIGKILL)
        server.wait()
        assert_no_process_left(data, seen)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
    with UploadStore(data / "catalogue.sqlite") as store:
        assert store.get(upload_id).state == PARSING

    server = production_server(data, port)
    try:
        deadline = time.monotonic() + 120
        with UploadStore(data / "catalogue.sqlite") as store:
            while store.get(upload_id).pending:
                assert time.monotonic() < deadline, "the upload was not taken up again"
                time.sleep(0.2)
            upload = store.get(upload_id)
        assert upload.state == INDEXED, upload
        hits = search_hits(f"http://127.0.0.1:{port}", upload.std_no)
        assert hits[0]["std_no"] == upload.std_no
    finally:
        seen = descendants(server.pid)
        server.terminate()
        server.wait(60)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
    assert_no_process_left(data, seen)
    library = Library.open(data)
    in_library = [*sorted(SAMPLES.glob("*.pdf")), corpus_pdf(name)]
    assert name in assert_consistent(library, in_library)


@pytest.mark.corpus
def test_readme_curl_upload_runs(site, corpus_dir):
    """The upload call the README shows, run as written (against this server)."""
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^\$ (curl .* -F file=@.*/admin/upload)$", readme, re.MULTILINE)
    command = command.replace("http://127.0.0.1:5000", site.base)
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=corpus_dir,
        env={**os.environ, "TOKEN": site.token},
        capture_output=True,
        text=True,
        timeout=60,
    )
    answer = json.loads(result.stdout)
    assert [f["file"] for f in answer["files"]] == re.findall(r"file=@(\S+)", command)
    assert all(f["state"] != "refused" for f in answer["files"])
    status = f'curl -H "Authorization: Bearer $TOKEN" {site.base}{answer["url"]}'
    assert '$ curl -H "Authorization: Bearer $TOKEN" http://127.0.0.1:5000/admin/upload/' in readme
    shown = subprocess.run(
        ["bash", "-c", status],
        env={**os.environ, "TOKEN": site.token},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert json.loads(shown.stdout)["batch"] == answer["batch"]
    site.wait_for(answer["batch"])


@pytest.mark.corpus
def test_uploads_after_a_reindex_reach_the_running_server(site, corpus_pdf):
    """`stdsearch reindex` swaps in a new index generation under the running server;
    the server re-opens it, and later uploads are written to, and found in, the new one."""
    from indexer.ingest.reindex import rebuild_index

    uploaded = requests.get(f"{site.base}/api/standards").json()
    rebuild_index(Library.open(site.data))
    for entry in uploaded[:3]:
        assert search_hits(site.base, entry["std_no"])[0]["std_no"] == entry["std_no"]
    response = site.upload([(LATER, corpus_pdf(LATER).read_bytes())])
    finished = site.wait_for(response.json()["batch"])["files"][0]
    assert finished["state"] == INDEXED, finished
    assert search_hits(site.base, finished["std_no"])[0]["std_no"] == finished["std_no"]


def test_openapi_describes_the_upload_calls(site):
    spec = requests.get(f"{site.base}/api/openapi.json").json()
    assert "post" in spec["paths"]["/admin/upload"]
    states = spec["paths"]["/admin/upload/{batch}"]["get"]["responses"]["200"]
    schema = states["content"]["application/json"]["schema"]
    assert set(schema["properties"]["files"]["items"]["properties"]["state"]["enum"]) == set(STATES)
