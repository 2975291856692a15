"""Librarian sign-in, CSRF and API tokens, over real HTTP against a real server."""

from __future__ import annotations

import io
import re
import shutil
import threading
from urllib.parse import unquote

import pytest
import requests
from click.testing import CliRunner
from werkzeug.security import check_password_hash

from indexer.library.accounts import MAX_FAILURES, Accounts
from indexer.library.catalogue import Catalogue
from search_app.cli import main
from search_app.web.app import create_app
from tests.conftest import (
    PASSWORD,
    csrf_token,
    free_ports,
    serve_in_thread,
    signed_in,
    stdsearch_process,
    wait_for,
)


def stdsearch(data, *args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--data", str(data), *args], input=input)


@pytest.fixture(scope="module")
def site(samples_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("auth") / "lib"
    shutil.copytree(samples_library.root, data)
    result = stdsearch(data, "user", "add", "librarian", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    result = stdsearch(data, "user", "add", "other", "--password", PASSWORD)
    assert result.exit_code == 0, result.output
    base, server = serve_in_thread(create_app({"DATA_DIR": str(data)}))
    yield base, data
    server.shutdown()


def test_librarian_pages_need_sign_in(site):
    base, _ = site
    response = requests.get(f"{base}/admin/", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/")
    api = requests.get(f"{base}/admin/?format=json", headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.json()["status"] == 401


def test_sign_in_reaches_the_desk_and_sign_out_ends_it(site):
    base, _ = site
    browser = signed_in(base)
    desk = browser.get(f"{base}/admin/")
    assert desk.status_code == 200 and "librarian" in desk.text
    assert browser.get(f"{base}/admin/?format=json").json()["user"] == "librarian"
    browser.post(f"{base}/logout", data={"csrf_token": csrf_token(desk.text)})
    assert browser.get(f"{base}/admin/", allow_redirects=False).status_code == 302


def test_forms_without_csrf_token_are_refused(site):
    base, _ = site
    browser = requests.Session()
    browser.get(f"{base}/login")
    response = browser.post(f"{base}/login", data={"name": "librarian", "password": PASSWORD})
    assert response.status_code == 400
    assert "CSRF" in response.text
    signed = signed_in(base)
    assert signed.post(f"{base}/admin/tokens", data={"label": "x"}).status_code == 400


def test_wrong_passwords_are_rate_limited(site):
    base, _ = site
    browser = requests.Session()
    codes = []
    for _ in range(6):
        form = browser.get(f"{base}/login").text
        response = browser.post(
            f"{base}/login",
            data={"name": "other", "password": "wrong guess", "csrf_token": csrf_token(form)},
        )
        codes.append(response.status_code)
    assert codes == [401] * 5 + [429]
    # Once blocked, even the right password is not tried.
    form = browser.get(f"{base}/login").text
    response = browser.post(
        f"{base}/login",
        data={"name": "other", "password": PASSWORD, "csrf_token": csrf_token(form)},
        allow_redirects=False,
    )
    assert response.status_code == 429


def test_parallel_wrong_passwords_are_evaluated_no_more_than_the_limit(site):
    """Guesses sent at once, each on its own connection: the throttle's count and the
    recording of an attempt are one transaction, so no more than MAX_FAILURES of them
    are checked against a password; the rest are turned away unchecked."""
    base, _ = site
    attempts = 3 * MAX_FAILURES
    browsers = [requests.Session() for _ in range(attempts)]
    tokens = [csrf_token(browser.get(f"{base}/login").text) for browser in browsers]
    start = threading.Barrier(attempts)
    codes: list[int] = []

    def guess(browser: requests.Session, token: str) -> None:
        start.wait()
        data = {"name": "guesser", "password": "wrong guess", "csrf_token": token}
        codes.append(browser.post(f"{base}/login", data=data).status_code)

    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(codes) == [401] * MAX_FAILURES + [429] * (attempts - MAX_FAILURES), codes


def sign_in_then(base: str, next_page: str) -> requests.Response:
    """The answer to signing in with `next` set, not followed."""
    browser = requests.Session()
    form = browser.get(f"{base}/login").text
    return browser.post(
        f"{base}/login",
        data={
            "name": "librarian",
            "password": PASSWORD,
            "next": next_page,
            "csrf_token": csrf_token(form),
        },
        allow_redirects=False,
    )


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/x",
        "/%09/evil.example/",
        "/\t/evil.example/",
        "/\n/x",
        "/\r/x",
        "/\x00/x",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        " //evil.example",
        "/%2F/evil.example",
    ],
)
def test_sign_in_never_redirects_off_site(site, target):
    """Browsers drop tabs and newlines from a URL and read a backslash as a slash, so
    `next` is judged as the browser will read it: anything but a plain path on this site
    (control characters, backslashes, a scheme, a host) sends the librarian to the desk."""
    response = sign_in_then(site[0], unquote(target))
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_sign_in_returns_to_the_page_asked_for(site):
    response = sign_in_then(site[0], "/admin/upload?x=1")
    assert response.headers["Location"] == "/admin/upload?x=1"


def test_api_tokens_authenticate_scripts_without_cookies(site):
    base, data = site
    browser = signed_in(base)
    desk = browser.get(f"{base}/admin/").text
    page = browser.post(
        f"{base}/admin/tokens", data={"label": "nightly", "csrf_token": csrf_token(desk)}
    ).text
    token = re.search(r'<code id="new-token">([^<]+)</code>', page).group(1)
    script = requests.get(
        f"{base}/admin/?format=json", headers={"Authorization": f"Bearer {token}"}
    )
    assert script.status_code == 200 and script.json()["user"] == "librarian"
    assert any(t["label"] == "nightly" for t in script.json()["tokens"])
    # A token request carries no ambient cookie, so it needs no CSRF token.
    made = requests.post(
        f"{base}/admin/tokens",
        data={"label": "second"},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert made.status_code == 200
    forged = requests.get(f"{base}/admin/?format=json", headers={"Authorization": "Bearer sst_x"})
    assert forged.status_code == 401
    # Tokens made from the command line work the same way.
    result = stdsearch(data, "user", "token", "librarian", "--label", "cli")
    cli_token = result.output.strip()
    assert requests.get(
        f"{base}/admin/?format=json", headers={"Authorization": f"Bearer {cli_token}"}
    ).ok


def test_passwords_and_tokens_are_stored_only_as_salted_hashes(site):
    """Nothing in the catalogue's files (the database, its WAL and shared memory) gives a
    password or a token away; two accounts with the same password get different hashes."""
    base, data = site
    token = stdsearch(data, "user", "token", "librarian", "--label", "stored").output.strip()
    assert requests.get(
        f"{base}/admin/?format=json", headers={"Authorization": f"Bearer {token}"}
    ).ok
    stored = b"".join(
        path.read_bytes() for path in data.glob("catalogue.sqlite*") if path.is_file()
    )
    for secret in (PASSWORD, token):
        for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
            assert secret.encode(encoding) not in stored, (secret, encoding)
    with Accounts(data / "catalogue.sqlite") as accounts:
        rows = dict(accounts.db.execute("SELECT name, password_hash FROM users").fetchall())
    assert rows["librarian"] != rows["other"]  # both were given PASSWORD: salted
    for hashed in (rows["librarian"], rows["other"]):
        assert hashed.startswith(("scrypt:", "pbkdf2:")) and PASSWORD not in hashed
        assert check_password_hash(hashed, PASSWORD)


def test_signed_in_json_posts_need_the_csrf_token_too(site):
    """A cookie session's JSON call (what a third-party page could make a browser send)
    is refused without the CSRF token, and goes through with it in X-CSRFToken."""
    base, data = site
    with Catalogue(data / "catalogue.sqlite") as catalogue:
        entry = catalogue.all_metadata()[0]
    api = f"{base}/api/standards/{entry['std_no']}"
    browser = signed_in(base)
    refused = browser.post(api, json={"notes": "no token"})
    assert refused.status_code == 400 and "CSRF" in refused.json()["error"]
    forged = browser.post(api, json={"notes": "forged"}, headers={"X-CSRFToken": "forged"})
    assert forged.status_code == 400
    assert browser.delete(api).status_code == 400
    with Catalogue(data / "catalogue.sqlite") as catalogue:
        assert "notes" not in catalogue.overrides(entry["sha256"])
        assert catalogue.has(entry["sha256"])

    token = csrf_token(browser.get(f"{base}/admin/").text)
    accepted = browser.post(api, json={"notes": "with token"}, headers={"X-CSRFToken": token})
    assert accepted.status_code == 200, accepted.text
    with Catalogue(data / "catalogue.sqlite") as catalogue:
        assert catalogue.overrides(entry["sha256"])["notes"] == "with token"


def test_user_commands_refuse_bad_requests_with_usage_errors(tmp_path):
    assert stdsearch(tmp_path, "user", "add", "a", "--password", "short").exit_code == 2
    assert stdsearch(tmp_path, "user", "add", "../x", "--password", PASSWORD).exit_code == 2
    assert stdsearch(tmp_path, "user", "add", "a", "--password", PASSWORD).exit_code == 0
    assert stdsearch(tmp_path, "user", "add", "a", "--password", PASSWORD).exit_code == 2
    assert stdsearch(tmp_path, "user", "token", "nobody").exit_code == 2
    listed = stdsearch(tmp_path, "user", "list", "--json")
    assert listed.exit_code == 0 and '"a"' in listed.output
    assert stdsearch(tmp_path, "user", "remove", "a").exit_code == 0
    assert stdsearch(tmp_path, "user", "remove", "a").exit_code == 2


@pytest.mark.parametrize(
    "weak", [" " * 8, "\t" * 12, "aaaaaaaaaa", "   short   ", "password", "12345678", "Qwerty123"]
)
def test_blank_and_trivial_passwords_are_refused(tmp_path, weak):
    result = stdsearch(tmp_path, "user", "add", "a", "--password", weak)
    assert result.exit_code == 2 and "password" in result.output, result.output
    assert stdsearch(tmp_path, "user", "add", "a", "--password", PASSWORD).exit_code == 0
    assert stdsearch(tmp_path, "user", "passwd", "a", "--password", weak).exit_code == 2


def copy_of(browser: requests.Session) -> requests.Session:
    """Another client holding the same cookies: what an attacker who saved them has."""
    thief = requests.Session()
    thief.cookies.update(browser.cookies)
    return thief


def test_a_cookie_saved_before_sign_out_no_longer_opens_the_desk(site):
    base, _ = site
    browser = signed_in(base)
    saved = copy_of(browser)
    desk = browser.get(f"{base}/admin/")
    assert saved.get(f"{base}/admin/", allow_redirects=False).status_code == 200
    browser.post(f"{base}/logout", data={"csrf_token": csrf_token(desk.text)})
    assert saved.get(f"{base}/admin/", allow_redirects=False).status_code == 302
    # Signing in again works, with a cookie of its own.
    assert signed_in(base).get(f"{base}/admin/", allow_redirects=False).status_code == 200


def test_a_password_change_ends_every_session_of_that_librarian(site):
    base, data = site
    assert stdsearch(data, "user", "add", "changer", "--password", PASSWORD).exit_code == 0
    browser = signed_in(base, "changer")
    bystander = signed_in(base)
    assert browser.get(f"{base}/admin/", allow_redirects=False).status_code == 200
    new_password = "another long passphrase"
    result = stdsearch(data, "user", "passwd", "changer", "--password", new_password)
    assert result.exit_code == 0, result.output
    assert browser.get(f"{base}/admin/", allow_redirects=False).status_code == 302
    assert bystander.get(f"{base}/admin/", allow_redirects=False).status_code == 200
    assert signed_in(base, "changer", new_password).get(f"{base}/admin/").status_code == 200


def test_a_removed_librarian_added_again_does_not_get_the_old_sessions_back(site):
    base, data = site
    assert stdsearch(data, "user", "add", "leaver", "--password", PASSWORD).exit_code == 0
    browser = signed_in(base, "leaver")
    assert stdsearch(data, "user", "remove", "leaver").exit_code == 0
    assert browser.get(f"{base}/admin/", allow_redirects=False).status_code == 302
    assert stdsearch(data, "user", "add", "leaver", "--password", PASSWORD).exit_code == 0
    assert browser.get(f"{base}/admin/", allow_redirects=False).status_code == 302


def session_cookie(app, headers: dict) -> str:
    """The Set-Cookie header of a sign-in through `app` with these request headers."""
    client = app.test_client()
    form = client.get("/login", headers=headers).text
    response = client.post(
        "/login",
        data={"name": "librarian", "password": PASSWORD, "csrf_token": csrf_token(form)},
        headers=headers,
    )
    assert response.status_code == 302, response.text
    return response.headers["Set-Cookie"]


def test_session_cookies_are_secure_when_the_site_is_served_over_https(samples_library, tmp_path):
    """Behind a proxy that terminates TLS (`PROXY_FIX_X_FORWARDED`, trusted only when
    configured) the cookie is marked Secure; `SESSION_COOKIE_SECURE` marks it always."""
    data = tmp_path / "lib"
    shutil.copytree(samples_library.root, data)
    assert stdsearch(data, "user", "add", "librarian", "--password", PASSWORD).exit_code == 0
    https = {
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "library.example",
        "Referer": "https://library.example/login",  # Flask-WTF's check on https
    }
    base = {"DATA_DIR": str(data), "UPLOAD_QUEUE": False}
    behind_proxy = create_app({**base, "PROXY_FIX_X_FORWARDED": 1})
    cookie = session_cookie(behind_proxy, https)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in session_cookie(behind_proxy, {})
    # Without the setting, a client's X-Forwarded-Proto is not believed.
    assert "Secure" not in session_cookie(create_app(base), https)
    assert "Secure" in session_cookie(create_app({**base, "SESSION_COOKIE_SECURE": True}), {})


class CountingBody(io.RawIOBase):
    """A multipart upload of `size` bytes, made as it is read (lines of text between the
    part's head and the closing boundary), counting what was read: the body a stranger
    streams at the site."""

    LINE = b"A" * 63 + b"\n"

    def __init__(self, size: int):
        self.head = (
            b'--x\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
            b"Content-Type: application/pdf\r\n\r\n%PDF-1.4\n"
        )
        self.tail = b"\r\n--x--\r\n"
        self.size, self.read_bytes = size, 0

    def readable(self) -> bool:
        return True

    def byte(self, at: int) -> int:
        if at < len(self.head):
            return self.head[at]
        from_end = self.size - at
        return self.tail[-from_end] if from_end <= len(self.tail) else self.LINE[at % 64]

    def readinto(self, buffer) -> int:
        n = min(len(buffer), self.size - self.read_bytes)
        start = self.read_bytes
        edges = (len(self.head), self.size - len(self.tail))
        if start >= edges[0] and start + n <= edges[1]:
            lines = self.LINE * (n // 64 + 2)
            buffer[:n] = lines[start % 64 : start % 64 + n]
        else:
            buffer[:n] = bytes(self.byte(at) for at in range(start, start + n))
        self.read_bytes += n
        return n


BIG = 50 * 1_000_000


@pytest.fixture(scope="module")
def app_with_tokens(samples_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("auth-first") / "lib"
    shutil.copytree(samples_library.root, data)
    assert stdsearch(data, "user", "add", "librarian", "--password", PASSWORD).exit_code == 0
    revoked = stdsearch(data, "user", "token", "librarian", "--label", "old").output.strip()
    with Accounts(data / "catalogue.sqlite") as accounts:
        accounts.revoke_tokens("librarian", "old")
    app = create_app({"DATA_DIR": str(data), "UPLOAD_QUEUE": False})
    yield app, revoked
    app.extensions["stdsearch.uploads"].stop()


@pytest.mark.parametrize(
    ("headers", "refused_with"),
    [
        ({}, (302,)),
        ({"Accept": "application/json"}, (401,)),
        ({"Authorization": "Bearer sst_wrong"}, (401,)),
        ({"Authorization": "Bearer REVOKED"}, (401,)),
    ],
    ids=["browser", "json", "wrong token", "revoked token"],
)
@pytest.mark.parametrize("path", ["/admin/upload", "/admin/tokens", "/admin/feedback/1/resolve"])
def test_strangers_are_refused_before_their_upload_is_read(
    app_with_tokens, headers, refused_with, path
):
    """A stranger's 50 MB is not spooled to disk to be refused afterwards: who is asking is
    settled from the cookie and the Authorization header before a byte of the body is read,
    and the answer is the sign-in (401, or the form for a browser), not a CSRF complaint."""
    app, revoked = app_with_tokens
    headers = {k: v.replace("REVOKED", revoked) for k, v in headers.items()}
    body = CountingBody(BIG)
    response = app.test_client().post(
        path,
        headers=headers,
        environ_overrides={
            "wsgi.input": body,
            "CONTENT_LENGTH": str(BIG),
            "CONTENT_TYPE": "multipart/form-data; boundary=x",
        },
    )
    assert response.status_code in refused_with, response.text[:300]
    assert "CSRF" not in response.text
    assert body.read_bytes <= 4096


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def assert_security_headers(response: requests.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    policy = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives.get("frame-ancestors") == "'none'", policy
    assert directives.get("script-src") == "'self'", policy  # no inline script
    assert directives.get("object-src") == "'none'", policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    server = response.headers.get("Server", "")
    assert "Werkzeug" not in server and "Python" not in server, server


def test_every_answer_carries_the_security_headers(site):
    """Public pages, librarian pages and the JSON API may not be framed, sniffed or leak
    their address; what shows librarian data or a token is never stored by a cache."""
    base, _ = site
    public = requests.get(f"{base}/search?q=%E6%A3%80%E7%B4%A2")
    api = requests.get(f"{base}/api/search?q=%E6%A3%80%E7%B4%A2")
    missing = requests.get(f"{base}/no/such/page")
    login = requests.get(f"{base}/login")
    browser = signed_in(base)
    desk = browser.get(f"{base}/admin/")
    desk_json = browser.get(f"{base}/admin/?format=json")
    token_page = browser.post(
        f"{base}/admin/tokens", data={"label": "headers", "csrf_token": csrf_token(desk.text)}
    )
    assert public.ok and api.ok and desk.ok and desk_json.ok and token_page.ok
    assert missing.status_code == 404
    for response in (public, api, missing, login, desk, desk_json, token_page):
        assert_security_headers(response)
    for response in (login, desk, desk_json, token_page):
        assert "no-store" in response.headers.get("Cache-Control", ""), response.url
    assert "no-store" not in public.headers.get("Cache-Control", "")


def test_stdsearch_serve_names_no_server_software(samples_library, tmp_path):
    """`stdsearch serve` answers without `Server: Werkzeug/… Python/…`: versions tell an
    attacker which published flaws to try."""
    data = tmp_path / "lib"
    shutil.copytree(samples_library.root, data)
    port = free_ports(1)
    server = stdsearch_process(data, "serve", "--port", str(port))
    try:
        wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), 60, "stdsearch serve")
        response = requests.get(f"http://127.0.0.1:{port}/search?q=x")
        assert_security_headers(response)
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _answers(url: str) -> bool:
    try:
        requests.get(url, timeout=1)
    # gunicorn listens before its workers have built the app: a read may time out.
    except (requests.ConnectionError, requests.Timeout):
        return False
    return True


def test_the_catalogue_is_readable_by_its_owner_alone(tmp_path):
    """It holds password hashes and token digests: mode 0600 like the secret key, its WAL
    and shared-memory files too, and a catalogue an older stdsearch left 0644 is closed."""
    assert stdsearch(tmp_path, "user", "add", "a", "--password", PASSWORD).exit_code == 0
    with Accounts(tmp_path / "catalogue.sqlite") as accounts:
        accounts.create_token("a")
        files = [p for p in tmp_path.glob("catalogue.sqlite*") if p.is_file()]
        assert {p.name for p in files} >= {"catalogue.sqlite"}
        assert {p.name: p.stat().st_mode & 0o777 for p in files} == {p.name: 0o600 for p in files}
    (tmp_path / "catalogue.sqlite").chmod(0o644)
    assert stdsearch(tmp_path, "user", "list").exit_code == 0
    assert (tmp_path / "catalogue.sqlite").stat().st_mode & 0o777 == 0o600


def test_changes_sent_from_another_origin_are_refused(site):
    """Behind the CSRF token, a second line: a state-changing request whose Origin is not
    this site is refused 403; one without Origin (scripts, old browsers) goes on."""
    base, _ = site
    browser = signed_in(base)
    token = csrf_token(browser.get(f"{base}/admin/").text)
    for origin in ("https://evil.example", "null", base.replace("127.0.0.1", "localhost")):
        forged = browser.post(
            f"{base}/admin/tokens",
            data={"label": "forged", "csrf_token": token},
            headers={"Origin": origin},
        )
        assert forged.status_code == 403, origin
    same = browser.post(
        f"{base}/admin/tokens",
        data={"label": "same", "csrf_token": token},
        headers={"Origin": base},
    )
    assert same.status_code == 200
    absent = browser.post(f"{base}/admin/tokens", data={"label": "none", "csrf_token": token})
    assert absent.status_code == 200
