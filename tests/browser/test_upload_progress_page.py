"""The batch page in real headless Chromium follows a file's OCR page by page: its polling
replaces "解析中" by "正在识别 12/19 页", counts on without a reload, and shows the outcome
when the file is done. The progress is set through the real uploads store, as the upload
queue sets it, so no OCR runs here."""

from __future__ import annotations

import pytest

from indexer.library.accounts import Accounts
from indexer.library.store import Library
from search_app.web.app import create_app
from search_app.web.uploads import INDEXED, QUEUED, UploadStore
from tests.conftest import PASSWORD, serve_in_thread

pytestmark = pytest.mark.browser


@pytest.fixture
def quiet_site(tmp_path):
    """An empty library whose upload queue is not running: files keep the states the
    test gives them."""
    library = Library.open(tmp_path / "lib")
    with Accounts(library.catalogue_path) as accounts:
        accounts.add_user("librarian", PASSWORD)
    app = create_app({"DATA_DIR": str(library.root), "UPLOAD_QUEUE": False})
    base, server = serve_in_thread(app)
    yield base, library
    server.shutdown()


def test_the_batch_page_counts_the_ocr_pages_as_they_are_read(page, quiet_site):
    base, library = quiet_site
    with UploadStore(library.catalogue_path) as store:
        batch = store.new_batch_id()
        scan = store.add(batch, "GB_8978-1996.pdf", QUEUED, "librarian", sha256="5" * 64)
        store.claim(1)
        store.report_progress(scan, 12, 19, "OCR")

        url = f"/admin/upload/{batch}"
        page.goto(f"{base}/login?next={url}")
        page.get_by_label("用户名").fill("librarian")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="馆员登录").click()
        page.wait_for_url(f"{base}{url}")
        page.evaluate("window.notReloaded = true")
        state = page.locator(".upload-state")
        assert state.inner_text() == "正在识别 12/19 页"

        store.report_progress(scan, 13, 19, "OCR")
        state.filter(has_text="正在识别 13/19 页").wait_for(timeout=15_000)
        store.finish(scan, INDEXED, std_no="GB 8978-1996")
        state.filter(has_text="已入库").wait_for(timeout=15_000)
    assert page.evaluate("window.notReloaded === true")
    assert state.get_attribute("data-state") == "indexed"
