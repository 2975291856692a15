"""Librarian corrections, lifecycle and deletion over real HTTP against a real server.

The library is a copy of the samples; re-ingest and `reindex` run as real `stdsearch`
processes against it while the site keeps serving.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from corpus.typeset import typeset
from indexer.library.catalogue import Catalogue
from indexer.library.lookup import resolve_sha
from indexer.library.store import Library
from search_app.cli import main
from search_app.web.app import create_app
from tests.conftest import PASSWORD, SAMPLES, csrf_token, serve_in_thread, signed_in

ROOT = Path(__file__).resolve().parents[2]

EDITION = "T/STDS 001-2026"
OLD_EDITION = "T/STDS 001-2024"
INTERFACE = "T/STDS 002-2025"
METADATA = "T/STDS 003-2026"


def cli(data: Path, *args: str) -> str:
    """A `stdsearch` command run in this process (quick: jieba is already loaded)."""
    result = CliRunner().invoke(main, ["--data", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.output


def stdsearch(data: Path, *args: str) -> subprocess.CompletedProcess:
    """The real command in its own process, as a librarian runs an ingest beside the site."""
    env = {**os.environ, "STDSEARCH_DATA": str(data)}
    result = subprocess.run(
        [sys.executable, "-m", "search_app.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.fixture(scope="module")
def site(samples_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("edit") / "lib"
    shutil.copytree(samples_library.root, data)
    runner = CliRunner()
    added = runner.invoke(
        main, ["--data", str(data), "user", "add", "librarian", "--password", PASSWORD]
    )
    assert added.exit_code == 0, added.output
    base, server = serve_in_thread(create_app({"DATA_DIR": str(data)}))
    yield base, Library.open(data)
    server.shutdown()


@pytest.fixture(scope="module")
def token(site):
    _, library = site
    result = CliRunner().invoke(
        main, ["--data", str(library.root), "user", "token", "librarian", "--label", "test"]
    )
    return {"Authorization": f"Bearer {result.output.strip()}"}


def edit_form(browser: requests.Session, base: str, std_no: str) -> tuple[str, dict]:
    """The edit page and the values its form would send back unchanged."""
    import html
    import re

    page = browser.get(f"{base}/std/{std_no}/edit").text
    values = {
        name: html.unescape(value)
        for name, value in re.findall(r'<input id="f-\w+" name="(\w+)" value="([^"]*)"', page)
    }
    for name, value in re.findall(
        r'<textarea id="f-\w+" name="(\w+)"[^>]*>([^<]*)</textarea>', page
    ):
        values[name] = html.unescape(value)
    selected = re.search(r'<select id="f-status" name="status".*?</select>', page, re.S).group(0)
    chosen = re.search(r'<option value="([^"]*)" selected', selected)
    values["status"] = chosen.group(1) if chosen else ""
    values["csrf_token"] = csrf_token(page)
    return page, values


def group(base: str, query: str, std_no: str) -> dict | None:
    answer = requests.get(f"{base}/api/search", params={"q": query, "limit": 20}).json()
    return next((g for g in answer["groups"] if g["std_no"] == std_no), None)


def test_edits_need_a_librarian_and_a_csrf_token(site):
    base, _ = site
    stranger = requests.Session()
    assert stranger.get(f"{base}/std/{EDITION}/edit", allow_redirects=False).status_code == 302
    # A stranger with a valid CSRF token (from the sign-in form) is still sent to sign in.
    token = csrf_token(stranger.get(f"{base}/login").text)
    for path, form in [
        (f"/std/{EDITION}/edit", {"title_zh": "篡改"}),
        (f"/std/{EDITION}/delete", {"confirm": "yes"}),
    ]:
        response = stranger.post(
            f"{base}{path}", data={**form, "csrf_token": token}, allow_redirects=False
        )
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    refused = requests.post(f"{base}/api/standards/{EDITION}", json={"title_zh": "篡改"})
    assert refused.status_code in (400, 401)
    assert requests.delete(f"{base}/api/standards/{EDITION}").status_code in (400, 401)
    edit_link = f'href="/std/{EDITION.replace(" ", "%20")}/edit"'
    assert edit_link not in requests.get(f"{base}/std/{EDITION}").text
    # Signed in, but the form lacks its token: refused too.
    browser = signed_in(base)
    assert edit_link in browser.get(f"{base}/std/{EDITION}").text
    _, values = edit_form(browser, base, EDITION)
    del values["csrf_token"]
    response = browser.post(f"{base}/std/{EDITION}/edit", data={**values, "title_zh": "篡改"})
    assert response.status_code == 400
    assert requests.get(f"{base}/api/standards/{EDITION}").json()["title_zh"] != "篡改"


def test_bad_values_are_refused_with_messages_in_the_form(site):
    base, _ = site
    browser = signed_in(base)
    _, values = edit_form(browser, base, EDITION)
    response = browser.post(
        f"{base}/std/{EDITION}/edit",
        data={**values, "issued": "2026-02-30", "std_no": "not a number", "status": "作废"},
    )
    assert response.status_code == 400
    assert 'id="issued-error"' in response.text and 'id="std_no-error"' in response.text
    assert 'id="status-error"' in response.text
    assert 'value="not a number"' in response.text  # what was typed stays in the form
    withdrawn = browser.post(f"{base}/std/{EDITION}/edit", data={**values, "status": "废止"})
    assert withdrawn.status_code == 400 and 'id="withdrawn-error"' in withdrawn.text
    assert requests.get(f"{base}/api/standards/{EDITION}").json()["status"] == "现行"


def test_an_edit_shows_at_once_and_survives_reindex_and_reingest(site, tmp_path):
    base, library = site
    browser = signed_in(base)
    _, values = edit_form(browser, base, INTERFACE)
    assert values["title_zh"] == "标准全文检索服务接口要求" and values["status"] == ""
    response = browser.post(
        f"{base}/std/{INTERFACE}/edit",
        data={**values, "title_zh": "标准全文检索服务接口通用要求", "ics": "35.240.30"},
        allow_redirects=False,
    )
    assert response.status_code == 302

    def shows_the_edit() -> None:
        found = group(base, "接口通用要求", INTERFACE)
        assert found and found["title_zh"] == "标准全文检索服务接口通用要求"
        facets = requests.get(f"{base}/api/search", params={"q": INTERFACE}).json()["facets"]
        assert [list(f) for f in facets["ics"]] == [["35.240", 1]]
        page = requests.get(f"{base}/std/{INTERFACE}").text
        assert "标准全文检索服务接口通用要求" in page and "35.240.30" in page

    shows_the_edit()
    cli(library.root, "reindex")
    shows_the_edit()
    # The same file again changes nothing; a changed file under the same name replaces
    # the entry, and the correction follows it.
    assert (
        "unchanged"
        in stdsearch(library.root, "ingest", str(SAMPLES / "T_STDS_002-2025.pdf")).stdout
    )
    source = (SAMPLES / "T_STDS_002-2025.txt").read_text(encoding="utf-8")
    changed = typeset(
        source.replace("# 1 范围\n", "# 1 范围\n本版本经过修订，增加了一句话。\n"),
        tmp_path / "T_STDS_002-2025.pdf",
    )
    with Catalogue(library.catalogue_path) as catalogue:
        old_sha = resolve_sha(catalogue, INTERFACE)
    report = json.loads(stdsearch(library.root, "ingest", str(changed), "--json").stdout)
    assert "ingested" in json.dumps(report, ensure_ascii=False)
    with Catalogue(library.catalogue_path) as catalogue:
        assert resolve_sha(catalogue, INTERFACE) != old_sha
    assert library.trash_path(old_sha).exists()
    shows_the_edit()
    assert group(base, "增加了一句话", INTERFACE) is not None


def test_withdrawing_shows_in_search_and_on_the_page_and_outlives_derivation(site):
    base, library = site
    browser = signed_in(base)
    _, values = edit_form(browser, base, OLD_EDITION)
    assert values["status"] == ""  # 被代替 is derived from the newer edition
    response = browser.post(
        f"{base}/std/{OLD_EDITION}/edit",
        data={**values, "status": "废止", "withdrawn": "2026-03-01"},
        allow_redirects=False,
    )
    assert response.status_code == 302

    def shows_withdrawn() -> None:
        results = requests.get(f"{base}/search", params={"q": OLD_EDITION}).text
        assert 'class="badge status-废止"' in results
        assert group(base, OLD_EDITION, OLD_EDITION)["status"] == "废止"
        page = requests.get(f"{base}/std/{OLD_EDITION}").text
        assert 'class="badge status-废止"' in page and "2026-03-01" in page
        assert (
            requests.get(f"{base}/api/standards/{OLD_EDITION}").json()["withdrawn"] == "2026-03-01"
        )

    shows_withdrawn()
    # `reindex` re-derives every status: the librarian's stays.
    cli(library.root, "reindex")
    shows_withdrawn()
    listed = json.loads(cli(library.root, "list", "--json"))
    assert {e["std_no"]: e["status"] for e in listed}[OLD_EDITION] == "废止"


def test_linking_a_new_edition_marks_the_old_one_replaced(site, token):
    base, _ = site
    assert requests.get(f"{base}/api/standards/{INTERFACE}").json()["status"] == "现行"
    response = requests.post(
        f"{base}/api/standards/{METADATA}", json={"replaces": [INTERFACE]}, headers=token
    )
    assert response.status_code == 200, response.text
    assert [c["field"] for c in response.json()["changes"]] == ["replaces"]
    older = requests.get(f"{base}/api/standards/{INTERFACE}").json()
    assert older["status"] == "被代替" and older["replaced_by"] == METADATA
    page = requests.get(f"{base}/std/{INTERFACE}").text
    assert f'href="/std/{METADATA.replace(" ", "%20")}"' in page
    assert group(base, INTERFACE, INTERFACE)["status"] == "被代替"
    bad = requests.post(
        f"{base}/api/standards/{METADATA}", json={"replaced_by": "nonsense"}, headers=token
    )
    assert bad.status_code == 400 and bad.json()["errors"]["replaced_by"]["code"] == "bad_std_no"


def test_audit_log_lists_every_change_newest_first(site):
    base, _ = site
    browser = signed_in(base)
    log = browser.get(f"{base}/admin/audit", params={"format": "json"}).json()["changes"]
    assert log and log[0]["field"] == "replaces" and log[0]["std_no"] == METADATA
    title = next(c for c in log if c["field"] == "title_zh" and c["std_no"] == INTERFACE)
    assert title["old_value"] == "标准全文检索服务接口要求"
    assert title["new_value"] == "标准全文检索服务接口通用要求"
    assert title["changed_by"] == "librarian" and title["changed_at"]
    filtered = browser.get(
        f"{base}/admin/audit", params={"std": "t/stds 001—2024", "format": "json"}
    )
    assert {c["std_no"] for c in filtered.json()["changes"]} == {OLD_EDITION}
    assert {c["field"] for c in filtered.json()["changes"]} == {"status", "withdrawn"}
    page = browser.get(f"{base}/admin/audit").text
    assert "标准全文检索服务接口通用要求" in page
    assert requests.get(f"{base}/admin/audit", allow_redirects=False).status_code == 302
    desk = browser.get(f"{base}/admin/").text
    assert 'href="/admin/audit"' in desk


def test_deleting_moves_the_original_to_the_trash_and_out_of_search(site):
    base, library = site
    browser = signed_in(base)
    with Catalogue(library.catalogue_path) as catalogue:
        sha = resolve_sha(catalogue, METADATA)
    form = browser.get(f"{base}/std/{METADATA}/delete").text
    unconfirmed = browser.post(
        f"{base}/std/{METADATA}/delete", data={"csrf_token": csrf_token(form)}
    )
    assert unconfirmed.status_code == 400
    assert requests.get(f"{base}/api/standards/{METADATA}").status_code == 200
    response = browser.post(
        f"{base}/std/{METADATA}/delete",
        data={"csrf_token": csrf_token(form), "confirm": "yes"},
        allow_redirects=False,
    )
    assert response.status_code == 302
    assert requests.get(f"{base}/api/standards/{METADATA}").status_code == 404
    assert group(base, METADATA, METADATA) is None
    assert group(base, "元数据著录规则", METADATA) is None
    assert library.trash_path(sha).exists()
    assert not library.original_path(sha).exists() and not library.extracted_path(sha).exists()
    # The edition it had replaced is current again.
    assert requests.get(f"{base}/api/standards/{INTERFACE}").json()["status"] == "现行"
    log = browser.get(f"{base}/admin/audit", params={"std": METADATA, "format": "json"}).json()
    assert log["changes"][0]["field"] == "deleted"

    listed = json.loads(cli(library.root, "trash", "list", "--json"))
    assert {e["sha256"]: e["std_no"] for e in listed}[sha] == METADATA
    assert {e["sha256"]: e["source_file"] for e in listed}[sha] == "T_STDS_003-2026.pdf"
    assert json.loads(cli(library.root, "trash", "purge", "--older-than", "1", "--json")) == []
    purged = json.loads(cli(library.root, "trash", "purge", "--json"))
    assert sha in {e["sha256"] for e in purged}
    assert not library.trash_path(sha).exists()


def test_a_corrected_number_is_where_the_standard_is_found(site, token):
    base, _ = site
    taken = requests.post(
        f"{base}/api/standards/{EDITION}", json={"std_no": INTERFACE}, headers=token
    )
    assert taken.status_code == 400 and taken.json()["errors"]["std_no"]["code"] == "std_no_taken"
    renamed = requests.post(
        f"{base}/api/standards/{EDITION}", json={"std_no": "t/stds 1001—2026"}, headers=token
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["standard"]["std_no"] == "T/STDS 1001-2026"
    page = requests.get(f"{base}/std/T/STDS 1001-2026")
    assert page.status_code == 200 and "T/STDS 1001-2026" in page.text
    assert group(base, "T/STDS 1001-2026", "T/STDS 1001-2026") is not None
    form = requests.get(
        f"{base}/std/T/STDS 1001-2026/edit", params={"format": "json"}, headers=token
    ).json()
    assert form["values"]["std_no"] == "T/STDS 1001-2026"
