"""Two real stdsearch instances on loopback ports: B follows A (`stdsearch sync`).

Both libraries are copies of the sample library (T/STDS 001-2024, 001-2026, 002-2025,
003-2026); B's librarian deleted T/STDS 003-2026, so it is an acquisition candidate.
Edits on A go through A's real correction API; B pulls A's real change export over HTTP.
A tiny proxy stands in for A going down mid-sync, and a plain HTTP server for a hostile A.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner

from indexer.library.catalogue import Catalogue
from indexer.library.lookup import resolve_sha
from indexer.library.store import Library
from indexer.library.sync import SYNCED_FIELDS, ExportRefused, cursor_of
from search_app.cli import main
from search_app.search.following import SourceUnavailable, follow
from search_app.web.app import create_app
from tests.conftest import PASSWORD, serve_in_thread, signed_in

ROOT = Path(__file__).resolve().parents[2]
INTERFACE = "T/STDS 002-2025"
EDITION = "T/STDS 001-2026"
METADATA = "T/STDS 003-2026"


class Instance:
    """One running stdsearch: its data folder, URL, app and an API token."""

    def __init__(self, data: Path):
        result = CliRunner().invoke(
            main, ["--data", str(data), "user", "add", "librarian", "--password", PASSWORD]
        )
        assert result.exit_code == 0, result.output
        result = CliRunner().invoke(
            main, ["--data", str(data), "user", "token", "librarian", "--label", "sync-test"]
        )
        self.auth = {"Authorization": f"Bearer {result.output.strip()}"}
        self.data = data
        self.app = create_app({"DATA_DIR": str(data)})
        self.url, self.server = serve_in_thread(self.app)
        self.library = Library.open(data)

    @property
    def engine(self):
        return self.app.extensions["stdsearch.engine"]

    def edit(self, std_no: str, values: dict) -> dict:
        response = requests.post(
            f"{self.url}/api/standards/{quote(std_no)}", json=values, headers=self.auth, timeout=60
        )
        assert response.status_code == 200, response.text
        return response.json()

    def standard(self, std_no: str) -> dict:
        response = requests.get(f"{self.url}/api/standards/{quote(std_no)}", timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def audit(self, std_no: str) -> list[dict]:
        response = requests.get(
            f"{self.url}/admin/audit",
            params={"std": std_no, "format": "json"},
            headers=self.auth,
            timeout=30,
        )
        assert response.status_code == 200, response.text
        return response.json()["changes"]

    def sync_page(self) -> dict:
        response = requests.get(
            f"{self.url}/admin/sync", params={"format": "json"}, headers=self.auth, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()

    def export(self, after: int = 0, limit: int = 1000) -> list[dict]:
        response = requests.get(
            f"{self.url}/api/export/changes.jsonl",
            params={"after": after, "limit": limit},
            timeout=30,
        )
        assert response.status_code == 200
        assert response.headers["Content-Type"].startswith("application/x-ndjson")
        return [json.loads(line) for line in response.text.splitlines()]

    def cursor(self, source: str) -> int:
        with Catalogue(self.library.catalogue_path) as catalogue:
            return cursor_of(catalogue.db, source)


def copy_of(samples_library, tmp_path_factory, name: str) -> Path:
    data = tmp_path_factory.mktemp(name) / "lib"
    shutil.copytree(samples_library.root, data)
    return data


@pytest.fixture(scope="module")
def platforms(samples_library, tmp_path_factory):
    a = Instance(copy_of(samples_library, tmp_path_factory, "platform-a"))
    b = Instance(copy_of(samples_library, tmp_path_factory, "platform-b"))
    deleted = requests.delete(
        f"{b.url}/api/standards/{quote(METADATA)}", headers=b.auth, timeout=60
    )
    assert deleted.status_code == 200, deleted.text
    yield a, b
    a.server.shutdown()
    b.server.shutdown()


def stdsearch(data: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process, as cron runs it."""
    env = {**os.environ, "STDSEARCH_DATA": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "search_app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_export_pages_with_a_next_cursor(platforms):
    a, _ = platforms
    everything = a.export()
    assert everything[-1] == {"next": None}
    changes = everything[:-1]
    assert {c["std_no"] for c in changes if c["kind"] == "new_standard"} >= {INTERFACE, METADATA}
    first = requests.get(f"{a.url}/api/export/changes.jsonl?after=0&limit=2", timeout=30)
    lines = [json.loads(line) for line in first.text.splitlines()]
    assert lines[:-1] == changes[:2]
    assert lines[-1] == {"next": changes[1]["id"]}
    assert first.headers["X-Next-After"] == str(changes[1]["id"])
    assert a.export(after=changes[1]["id"])[:-1] == changes[2:]
    bad = requests.get(f"{a.url}/api/export/changes.jsonl?limit=100000", timeout=30)
    assert bad.status_code == 400
    # The document describes the route and exactly the keys it sends.
    spec = requests.get(f"{a.url}/api/openapi.json", timeout=30).json()
    route = spec["paths"]["/api/export/changes.jsonl"]["get"]
    line_schema, end_schema = route["responses"]["200"]["content"]["application/x-ndjson"][
        "schema"
    ]["oneOf"]
    assert all(set(c) == set(line_schema["required"]) for c in changes)
    assert set(end_schema["required"]) == {"next"}
    assert "/admin/sync" in spec["paths"]
    # The command line writes the same lines.
    cli = CliRunner().invoke(main, ["--data", str(a.data), "export", "changes", "--after", "0"])
    assert cli.exit_code == 0, cli.output
    assert [json.loads(line) for line in cli.stdout.splitlines()] == changes


def test_a_status_edited_on_a_reaches_b_with_a_as_its_source(platforms):
    a, b = platforms
    a.edit(INTERFACE, {"status": "废止", "withdrawn": "2026-06-01"})
    assert b.standard(INTERFACE)["status"] != "废止"

    run = stdsearch(b.data, "sync", "--from", a.url, "--json")
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["applied"] == 2 and result["conflicts"] == 0
    assert result["cursor"] == a.export()[-2]["id"]

    shown = b.standard(INTERFACE)
    assert (shown["status"], shown["withdrawn"]) == ("废止", "2026-06-01")
    audit = {c["field"]: c for c in b.audit(INTERFACE)}
    assert audit["status"]["changed_by"] == a.url
    assert audit["status"]["new_value"] == "废止"
    assert audit["withdrawn"]["changed_by"] == a.url
    # B's own change log (and so its export and feeds) names A as the source.
    logged = [c for c in b.export()[:-1] if c["std_no"] == INTERFACE and c["field"] == "status"]
    assert logged[-1]["source"] == a.url and logged[-1]["kind"] == "withdrawn"
    # The standard names A as where its status came from, in JSON and on its page.
    assert shown["sources"]["status"] == shown["sources"]["withdrawn"] == a.url
    page = requests.get(f"{b.url}/std/{quote(INTERFACE)}", timeout=30).text
    assert "废止" in page and f'同步自 <a href="{a.url}"' in page

    # A standard A holds and B lacks: a candidate, never copied.
    candidates = b.sync_page()["candidates"]
    assert [(c["std_no"], c["source"]) for c in candidates] == [(METADATA, a.url)]
    listed = stdsearch(b.data, "sync", "--candidates", "--json")
    assert [c["std_no"] for c in json.loads(listed.stdout)] == [METADATA]
    with Catalogue(b.library.catalogue_path) as catalogue:
        assert resolve_sha(catalogue, METADATA) is None

    # Nothing new on A: the next sync applies nothing again.
    again = follow(b.library, b.engine, a.url)
    assert (again.pulled, again.applied) == (0, 0)


def test_a_local_librarian_decision_survives_a_sync_as_a_conflict(platforms):
    a, b = platforms
    b.edit(EDITION, {"status": "现行"})
    a.edit(EDITION, {"status": "废止", "withdrawn": "2026-07-01"})
    result = follow(b.library, b.engine, a.url)
    assert (result.applied, result.conflicts) == (0, 2)
    shown = b.standard(EDITION)
    assert (shown["status"], shown["withdrawn"]) == ("现行", "")
    conflicts = {c["field"]: c for c in b.sync_page()["conflicts"]}
    assert set(conflicts) == {"status", "withdrawn"}
    conflict = conflicts["status"]
    assert conflict["std_no"] == EDITION
    assert (conflict["local_value"], conflict["local_source"]) == ("现行", "librarian")
    assert (conflict["remote_value"], conflict["source"]) == ("废止", a.url)
    assert conflict["remote_source"] == "librarian"
    # The withdrawal date goes with the status the librarian decided: kept out too.
    assert (conflicts["withdrawn"]["local_value"], conflicts["withdrawn"]["remote_value"]) == (
        "",
        "2026-07-01",
    )
    # A second sync brings nothing new: the conflicts are not listed twice.
    follow(b.library, b.engine, a.url)
    assert len(b.sync_page()["conflicts"]) == 2
    # The librarian page shows both values with their sources.
    html = signed_in(b.url).get(f"{b.url}/admin/sync?lang=en").text
    assert "2026-07-01" in html and "现行" in html and a.url in html
    assert "Conflicts (2)" in html and METADATA in html


def test_the_english_sync_page_shows_no_chinese_outside_document_text(platforms):
    a, _ = platforms
    html = signed_in(a.url).get(f"{a.url}/admin/sync?lang=en").text
    text = re.sub(r"<[^>]+>", " ", html).replace("中文", "")
    assert "Connected platforms" in text
    assert not re.findall(r"[\u4e00-\u9fff]+", text)


class Proxy:
    """A's change export through a proxy that can cut a page off in the middle, as a
    source going down mid-sync does."""

    def __init__(self, target: str):
        self.target = target
        self.pages_before_cut: int | None = None
        self.served = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                upstream = requests.get(proxy.target + self.path, timeout=30)
                body = upstream.content
                proxy.served += 1
                cut = proxy.pages_before_cut is not None and proxy.served > proxy.pages_before_cut
                self.send_response(upstream.status_code)
                self.send_header("Content-Type", upstream.headers["Content-Type"])
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if cut else body)
                if cut:
                    self.close_connection = True

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


def test_a_source_going_down_mid_sync_leaves_b_consistent_and_resumable(
    platforms, samples_library, tmp_path_factory
):
    a, _ = platforms
    c = Instance(copy_of(samples_library, tmp_path_factory, "platform-c"))
    proxy = Proxy(a.url)
    try:
        changes = a.export()[:-1]
        lifecycle = [ch for ch in changes if ch["field"] in SYNCED_FIELDS]
        # One change a page; A goes down in the page after its first lifecycle change.
        first = changes.index(lifecycle[0])
        proxy.pages_before_cut = first + 1
        with pytest.raises(SourceUnavailable, match="stopped in the middle of a page"):
            follow(c.library, c.engine, proxy.url, limit=1)
        # The whole pages were applied with their cursor; nothing of the cut one.
        assert c.cursor(proxy.url) == lifecycle[0]["id"]

        def applied() -> list[tuple[str, str]]:
            with Catalogue(c.library.catalogue_path) as catalogue:
                rows = catalogue.db.execute(
                    "SELECT std_no, field FROM audit_log WHERE changed_by = ? ORDER BY id",
                    (proxy.url,),
                )
                return [(r["std_no"], r["field"]) for r in rows]

        assert applied() == [(lifecycle[0]["std_no"], lifecycle[0]["field"])]

        proxy.pages_before_cut = None
        result = follow(c.library, c.engine, proxy.url, limit=1)
        assert result.pulled == len(changes) - first - 1
        assert c.cursor(proxy.url) == changes[-1]["id"]
        # Each of A's lifecycle changes applied exactly once over the two syncs (C has no
        # local decisions; the edition status A's librarian set is applied as well).
        assert applied() == [(ch["std_no"], ch["field"]) for ch in lifecycle]
        assert c.standard(INTERFACE)["status"] == "废止"
        assert c.standard(EDITION)["status"] == "废止"
    finally:
        proxy.server.shutdown()
        c.server.shutdown()


def hostile_server(bodies: dict[str, tuple[int, str, bytes]]):
    """A plain HTTP server answering every request with one crafted body."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            status, kind, body = bodies["page"]
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def _line(**values) -> bytes:
    change = {
        "id": 1,
        "at": "2026-01-01T00:00:00",
        "std_no": INTERFACE,
        "sha256": "0" * 64,
        "kind": "status_change",
        "field": "status",
        "old": "现行",
        "new": "即将实施",
        "source": "librarian",
    }
    change.update(values)
    return json.dumps(change, ensure_ascii=False).encode() + b"\n"


GOOD = _line()  # a valid change for a standard B holds: it must not be applied alone
END = b'{"next": null}\n'
NDJSON = "application/x-ndjson"
HOSTILE = {
    "wrong type": ((200, NDJSON, GOOD + _line(id="2") + END), "`id` must be an integer"),
    "bool for int": ((200, NDJSON, GOOD + _line(id=True) + END), "`id` must be an integer"),
    "unknown key": ((200, NDJSON, GOOD + _line(id=2, extra="x") + END), "unknown keys extra"),
    "huge line": (
        (200, NDJSON, GOOD + _line(id=2, new="x" * 10_000_000) + END),
        "longer than 16384 bytes",
    ),
    "not json": ((200, NDJSON, GOOD + b"<html>oops</html>\n" + END), "line 2: not JSON"),
    "bad value": ((200, NDJSON, GOOD + _line(id=2, new="maybe") + END), "bad_status"),
    "cut short": ((200, NDJSON, GOOD), "no end line"),
    "html error page": (
        (502, "text/html", b"<html><body>Bad Gateway</body></html>"),
        "answered 502",
    ),
    "html as 200": ((200, "text/html; charset=utf-8", b"<html>login</html>"), "not a change"),
    "too many changes": (
        (200, NDJSON, b"".join(_line(id=i) for i in range(1, 502)) + END),
        "more than 500 changes in a page of 500",
    ),
    "ids going back": ((200, NDJSON, _line(id=5) + _line(id=3) + END), "ids must rise"),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_a_hostile_export_is_refused_and_nothing_is_applied(platforms, case):
    _, b = platforms
    body, message = HOSTILE[case]
    served: dict = {"page": body}
    server, url = hostile_server(served)
    try:
        before = b.standard(INTERFACE)
        audit_before = b.audit(INTERFACE)
        with pytest.raises(ExportRefused, match=re.escape(message)):
            follow(b.library, b.engine, url)
        assert b.standard(INTERFACE) == before
        assert b.audit(INTERFACE) == audit_before
        assert b.cursor(url) == 0
    finally:
        server.shutdown()


def test_the_command_says_why_it_refused_an_export(platforms):
    _, b = platforms
    served = {"page": HOSTILE["unknown key"][0]}
    server, url = hostile_server(served)
    try:
        run = CliRunner().invoke(main, ["--data", str(b.data), "sync", "--from", url])
        assert run.exit_code == 1
        assert "sync refused: line 2: unknown keys extra" in run.output
        assert "nothing of that page was applied" in run.output
    finally:
        server.shutdown()
