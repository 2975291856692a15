"""Implementation feedback on clauses, and the librarian's queue, over real HTTP."""

from __future__ import annotations

import re
import shutil

import pytest
import requests
from click.testing import CliRunner

from search_app.cli import main
from search_app.web.app import create_app
from tests.conftest import PASSWORD, csrf_token, serve_in_thread, signed_in

STD_NO = "T/STDS 001-2026"
CLAUSE = "1"
HOSTILE = '<script>window.__pwned = 1</script> 第1章的"范围"写得不清楚 & 难以执行'


def make_site(samples_library, root):
    data = root / "lib"
    shutil.copytree(samples_library.root, data)
    added = CliRunner().invoke(
        main, ["--data", str(data), "user", "add", "librarian", "--password", PASSWORD]
    )
    assert added.exit_code == 0, added.output
    base, server = serve_in_thread(create_app({"DATA_DIR": str(data)}))
    return base, server, data


@pytest.fixture(scope="module")
def site(samples_library, tmp_path_factory):
    base, server, data = make_site(samples_library, tmp_path_factory.mktemp("feedback"))
    yield base, data
    server.shutdown()


def clause_url(base: str, clause_no: str = CLAUSE) -> str:
    return f"{base}/std/{STD_NO}/clause/{clause_no}"


def open_count(base: str, clause_no: str = CLAUSE) -> int:
    page = requests.get(clause_url(base, clause_no)).text
    count = re.search(r'<p class="feedback-count" role="status">\D*(\d+)', page)
    assert count, "clause page without a feedback count"
    return int(count.group(1))


def leave(browser: requests.Session, base: str, text: str, contact: str = "", **kwargs):
    page = browser.get(clause_url(base)).text
    return browser.post(
        f"{clause_url(base)}/feedback",
        data={"text": text, "contact": contact, "csrf_token": csrf_token(page)},
        **kwargs,
    )


def test_visitors_leave_feedback_and_the_clause_counts_it(site):
    base, _ = site
    assert open_count(base) == 0
    reader = requests.Session()
    response = leave(reader, base, HOSTILE, "qa@example.com", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("feedback=thanks#feedback")
    assert open_count(base) == 1
    assert open_count(base, "2") == 0
    # Without the form's CSRF token nothing is stored.
    forged = requests.post(f"{clause_url(base)}/feedback", data={"text": "forged"})
    assert forged.status_code == 400
    assert open_count(base) == 1


def test_empty_or_overlong_feedback_is_refused_with_a_message(site):
    base, _ = site
    reader = requests.Session()
    empty = leave(reader, base, "   ")
    assert empty.status_code == 400 and 'id="feedback-error"' in empty.text
    long = leave(reader, base, "长" * 2001)
    assert long.status_code == 400 and 'id="feedback-error"' in long.text
    assert open_count(base) == 1


def test_librarians_see_the_queue_escaped_and_resolve_items(site):
    base, _ = site
    assert requests.get(f"{base}/admin/feedback", allow_redirects=False).status_code == 302
    librarian = signed_in(base)
    queue = librarian.get(f"{base}/admin/feedback", params={"format": "json"}).json()
    (item,) = [i for i in queue["items"] if i["std_no"] == STD_NO]
    assert item["text"] == HOSTILE and item["clause_no"] == CLAUSE
    assert item["contact"] == "qa@example.com" and item["resolved_at"] is None
    page = librarian.get(f"{base}/admin/feedback").text
    assert "<script>window.__pwned" not in page and "&lt;script&gt;window.__pwned" in page
    assert 'href="/admin/feedback"' in librarian.get(f"{base}/admin/").text

    resolve = f"{base}/admin/feedback/{item['id']}/resolve"
    # Neither a stranger (even with a CSRF token) nor a form without its token resolves it.
    stranger = requests.Session()
    token = csrf_token(stranger.get(clause_url(base)).text)
    refused = stranger.post(resolve, data={"csrf_token": token}, allow_redirects=False)
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/login")
    assert librarian.post(resolve).status_code == 400
    assert open_count(base) == 1

    done = librarian.post(resolve, data={"csrf_token": csrf_token(page)}, allow_redirects=False)
    assert done.status_code == 302
    assert open_count(base) == 0
    queue = librarian.get(f"{base}/admin/feedback", params={"format": "json"}).json()
    assert item["id"] not in {i["id"] for i in queue["items"]}
    resolved = librarian.get(
        f"{base}/admin/feedback", params={"format": "json", "resolved": "1"}
    ).json()
    (again,) = [i for i in resolved["items"] if i["id"] == item["id"]]
    assert again["resolved_by"] == "librarian" and again["resolved_at"]
    assert librarian.post(resolve, data={"csrf_token": csrf_token(page)}).status_code == 404


def test_feedback_on_a_missing_clause_is_not_found(site):
    base, _ = site
    reader = requests.Session()
    token = csrf_token(reader.get(clause_url(base)).text)
    missing = reader.post(
        f"{base}/std/{STD_NO}/clause/99.9/feedback", data={"text": "x", "csrf_token": token}
    )
    assert missing.status_code == 404


def test_one_address_is_limited_to_five_items_in_ten_minutes(samples_library, tmp_path):
    base, server, _ = make_site(samples_library, tmp_path)
    try:
        reader = requests.Session()
        codes = [leave(reader, base, f"第 {n} 条反馈").status_code for n in range(6)]
        assert codes == [200] * 5 + [429]
        blocked = leave(reader, base, "再来一条 <script>window.__pwned = 1</script>")
        assert blocked.status_code == 429 and "Retry-After" in blocked.headers
        assert 'id="feedback-error"' in blocked.text
        # The text is kept for the reader to send later, as text.
        assert "再来一条 &lt;script&gt;" in blocked.text and "<script>window" not in blocked.text
        assert open_count(base) == 5
    finally:
        server.shutdown()


def test_feedback_follows_a_corrected_standard_number(site):
    base, data = site
    reader = requests.Session()
    page = reader.get(f"{base}/std/T/STDS 002-2025/clause/1").text
    response = reader.post(
        f"{base}/std/T/STDS 002-2025/clause/1/feedback",
        data={"text": "接口返回的字段不够", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 200
    token = CliRunner().invoke(main, ["--data", str(data), "user", "token", "librarian"])
    renamed = requests.post(
        f"{base}/api/standards/T/STDS 002-2025",
        json={"std_no": "T/STDS 2002-2025"},
        headers={"Authorization": f"Bearer {token.output.strip()}"},
    )
    assert renamed.status_code == 200, renamed.text
    page = requests.get(f"{base}/std/T/STDS 2002-2025/clause/1").text
    assert re.search(r'class="feedback-count" role="status">\D*1\D', page)
