"""Served files cannot be reached by path tricks: `..`, encoded dots and slashes
(`%2e%2e`, `%2f`, `%5c`) or absolute paths on `/static` and on the routes that serve
originals and page images, sent byte for byte as written (no client cleans them up).

What lies outside: the library's own secret key and catalogue (beside the originals),
the application's source (beside `/static`) and /etc/passwd.
"""

from __future__ import annotations

import http.client
import shutil
import urllib.parse

import pytest

from indexer.library.catalogue import Catalogue
from search_app.web.app import create_app
from tests.conftest import ROOT, serve_in_thread


@pytest.fixture(scope="module")
def site(samples_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("tricks") / "lib"
    shutil.copytree(samples_library.root, data)
    app = create_app({"DATA_DIR": str(data), "UPLOAD_QUEUE": False})
    base, server = serve_in_thread(app)
    yield base, data
    server.shutdown()


def raw_get(base: str, path: str, redirects: int = 3) -> tuple[int, bytes]:
    """GET with the request target exactly as given, following redirects on this site
    (werkzeug answers `//` in a path with a redirect to the path with one slash)."""
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        status, body = response.status, response.read()
        location = response.getheader("Location", "")
    finally:
        connection.close()
    if 300 <= status < 400 and redirects:
        target = urllib.parse.urlsplit(urllib.parse.urljoin(base + path, location))
        assert target.netloc == host.netloc, f"{path} redirects off the site: {location}"
        return raw_get(base, urllib.parse.urlunsplit(("", "", *target[2:])), redirects - 1)
    return status, body


def secrets_of(data) -> dict[str, bytes]:
    """Bytes that would show a file outside the served ones was sent."""
    return {
        "secret key": (data / "secret_key").read_bytes().strip(),
        "catalogue": b"SQLite format 3",
        "app source": b"def create_app",
        "passwd": b"root:x:0:0",
    }


TRICKS = [
    "../app.py",
    "..%2fapp.py",
    "%2e%2e/app.py",
    "%2e%2e%2fapp.py",
    "%2E%2E%2Fapp.py",
    "..%5capp.py",
    ".%2e/.%2e/.%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "....//app.py",
    "%252e%252e%252fapp.py",  # encoded twice
    "style.css%00../app.py",
]


def test_static_files_cannot_reach_outside_the_static_folder(site):
    base, data = site
    status, body = raw_get(base, "/static/style.css")
    assert status == 200 and body  # the route works
    assert (ROOT / "search_app" / "web" / "app.py").exists()
    for trick in TRICKS:
        status, body = raw_get(base, "/static/" + trick)
        assert status in (400, 404), (trick, status)
        for what, marker in secrets_of(data).items():
            assert marker not in body, (trick, what)


def test_originals_and_page_images_cannot_be_fetched_by_path_tricks(site):
    base, data = site
    with Catalogue(data / "catalogue.sqlite") as catalogue:
        entry = catalogue.all_metadata()[0]
    number = urllib.parse.quote(entry["std_no"], safe="")
    status, body = raw_get(base, f"/std/{number}/pdf")
    assert status == 200 and body.startswith(b"%PDF")  # the route works
    targets = ["secret_key", "catalogue.sqlite", "etc/passwd", "extracted"]
    tricks = [
        f"{dots}{target}"
        for target in targets
        for dots in (
            "../../",
            "..%2f..%2f",
            "%2e%2e%2f%2e%2e%2f",
            "%2E%2E/%2E%2E/",
            "..%5c..%5c",
            "%2e%2e%2f" * 8,
            "/",
            "%2f",
        )
    ]
    tricks += [
        "%2e%2e",
        f"{entry['sha256'][:2]}%2f..%2f..%2fsecret_key",
        f"originals%2f{entry['sha256'][:2]}%2f{entry['sha256']}.pdf%2f..%2f..%2f..%2fsecret_key",
    ]
    for trick in tricks:
        for route in (f"/std/{trick}/pdf", f"/std/{trick}/page/1.png", f"/std/{trick}/page/1"):
            status, body = raw_get(base, route)
            assert status in (400, 404), (route, status)
            for what, marker in secrets_of(data).items():
                assert marker not in body, (route, what)
