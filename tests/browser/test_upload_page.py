"""The upload page in real headless Chromium: a librarian signs in, chooses two real
PDFs, submits, and watches them reach "indexed" without reloading the page."""

from __future__ import annotations

import re
import shutil

import pytest

from indexer.library.accounts import Accounts
from search_app.web.app import create_app
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.corpus]

TWO = ["GB_5085.7-2019.pdf", "DB44_1989-2017.pdf"]  # small, with a text layer
THIRD = "GB_12523-2011.pdf"


@pytest.fixture(scope="module")
def upload_site(samples_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("upload-page") / "lib"
    shutil.copytree(samples_library.root, data)
    with Accounts(data / "catalogue.sqlite") as accounts:
        accounts.add_user("librarian", PASSWORD)
    app = create_app({"DATA_DIR": str(data), "UPLOAD_OCR": False})
    base, server = serve_in_thread(app)
    yield base
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def sign_in(page, base: str, then: str) -> None:
    page.goto(f"{base}/login?next={then}")
    page.get_by_label("用户名").fill("librarian")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="馆员登录").click()
    page.wait_for_url(f"{base}{then}")


def test_upload_two_pdfs_and_watch_them_get_indexed(page, upload_site, corpus_pdf):
    sign_in(page, upload_site, "/admin/")
    page.get_by_role("link", name="上传标准").click()
    page.wait_for_url(f"{upload_site}/admin/upload")

    page.get_by_label("选择 PDF 文件").set_input_files([str(corpus_pdf(name)) for name in TWO])
    assert page.locator(".chosen li").all_inner_texts() == TWO
    with page.expect_response(
        lambda r: r.url.endswith("/admin/upload") and r.request.method == "POST"
    ) as posted:
        page.get_by_role("button", name="上传").click()
    # Sent by the page's script (with a progress bar), which is answered in JSON.
    assert posted.value.status == 202
    page.wait_for_url(re.compile(r"/admin/upload/[0-9]{8}-"))
    # Marks this document: a reload would lose the mark.
    page.evaluate("window.notReloaded = true")
    rows = page.locator("table.uploads tbody tr")
    assert rows.count() == 2
    page.wait_for_function(
        # A function, not a bare expression: Playwright would eval() that, which the
        # site's Content-Security-Policy forbids.
        "() => [...document.querySelectorAll('.upload-state')]"
        ".every(s => s.dataset.state === 'indexed')",
        timeout=90_000,
    )
    assert page.evaluate("window.notReloaded === true")
    assert page.locator(".upload-status").inner_text() == "全部处理完毕。"
    assert page.locator(".upload-state").all_inner_texts() == ["已入库", "已入库"]
    links = page.locator("table.uploads td.std a")
    assert links.count() == 2
    screenshot(page, "upload")

    links.first.click()
    page.wait_for_url(re.compile(r"/std/"))
    assert page.locator("h1").count() == 1


def test_dropped_files_are_chosen(page, upload_site):
    sign_in(page, upload_site, "/admin/upload")
    page.locator("[data-drop-zone]").evaluate(
        """zone => {
            const files = new DataTransfer();
            files.items.add(new File(["%PDF-1.4"], "dropped.pdf", {type: "application/pdf"}));
            files.items.add(new File(["text"], "notes.txt", {type: "text/plain"}));
            zone.dispatchEvent(new DragEvent("drop", {dataTransfer: files, bubbles: true}));
        }"""
    )
    assert page.locator(".chosen li").all_inner_texts() == ["dropped.pdf"]
    assert page.locator("#upload-files").evaluate("input => input.files.length") == 1


def test_upload_works_without_javascript(browser, upload_site, corpus_pdf):
    """The form posts as it is, and the progress page refreshes itself until done."""
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    try:
        sign_in(page, upload_site, "/admin/upload")
        page.get_by_label("选择 PDF 文件").set_input_files(str(corpus_pdf(THIRD)))
        page.get_by_role("button", name="上传").click()
        page.wait_for_url(re.compile(r"/admin/upload/[0-9]{8}-"))
        state = page.locator(".upload-state")
        assert state.get_attribute("data-state") in ("queued", "parsing")
        page.wait_for_event("load", timeout=10_000)  # refreshed by the page itself
        for _ in range(90):
            if state.get_attribute("data-state") not in ("queued", "parsing"):
                break
            page.wait_for_timeout(500)
        assert state.get_attribute("data-state") == "indexed"
        assert page.get_by_role("link", name="刷新").count() == 0  # done: no reload link
    finally:
        context.close()
