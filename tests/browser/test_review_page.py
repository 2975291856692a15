"""The review report in headless Chromium, signed in, over a copy of the corpus library."""

from __future__ import annotations

import re
import shutil

import pytest

from indexer.library.accounts import Accounts
from search_app.web.app import create_app
from tests.browser.conftest import screenshot
from tests.browser.test_pages import CHINESE_CHROME
from tests.conftest import PASSWORD, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


@pytest.fixture(scope="module")
def review_site(corpus_library, tmp_path_factory):
    data = tmp_path_factory.mktemp("review-page") / "lib"
    shutil.copytree(corpus_library.root, data, ignore=shutil.ignore_patterns("cluster"))
    with Accounts(data / "catalogue.sqlite") as accounts:
        accounts.add_user("librarian", PASSWORD)
    app = create_app({"DATA_DIR": str(data)})
    base, server = serve_in_thread(app)
    yield base
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


def sign_in(page, base: str, then: str) -> None:
    page.goto(f"{base}{then}")
    page.wait_for_url(re.compile(r"/login\?next="))  # strangers are sent to the sign-in form
    page.get_by_label("用户名").fill("librarian")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="馆员登录").click()
    page.wait_for_url(re.compile(re.escape(f"{base}{then}") + r"\??$"))


def test_a_librarian_reads_the_review_report_and_follows_a_standard(page, review_site):
    sign_in(page, review_site, "/admin/")
    page.get_by_role("link", name="复审到期标准").click()
    page.wait_for_url(f"{review_site}/reports/review")
    assert page.locator("h1").inner_text() == "复审到期标准"
    screenshot(page, "review-report")
    levels = page.locator("table.review-counts").first.locator("tbody tr")
    assert levels.count() >= 3  # national, industry, local standards are all due
    national = page.locator("section.review-group", has_text="国家标准").first
    assert national.locator("a", has_text="GB 18918-2002").count() == 1
    assert (
        page.get_by_role("link", name="导出 CSV")
        .get_attribute("href")
        .endswith("format=csv&years=5")
    )
    # Issuing bodies fold away without a script; opening one shows its standards.
    # DB44_26-2001.pdf, cover: "广 东 省 环 境 保 护 局 发布".
    body = page.locator("details.review-group", has_text="广东省环境保护局").first
    assert not body.locator("table").is_visible()
    body.locator("summary").click()
    assert body.locator("a", has_text="DB44/26-2001").is_visible()
    screenshot(page, "review-report-issuer")

    page.get_by_label("复审标龄（年）").fill("20")
    page.get_by_role("button", name="显示").click()
    page.wait_for_url(f"{review_site}/reports/review?years=20")
    assert "标龄超过 20 年" in page.locator("main p").first.inner_text()

    national = page.locator("section.review-group", has_text="国家标准").first
    national.locator("a", has_text="GB 18918-2002").click()
    page.wait_for_url("**/std/GB%2018918-2002")
    assert page.locator("h1 .badge.review-due").inner_text() == "复审到期"
    assert "2003-07-01" in page.locator("dd.std-age").inner_text()


def test_the_english_report_shows_no_chinese_outside_document_text(page, review_site):
    sign_in(page, review_site, "/reports/review")
    for path in ("/reports/review?lang=en", "/std/GB%2018918-2002?lang=en"):
        page.goto(review_site + path)
        for details in page.locator("details").all():
            details.locator("summary").click()
        shown = [s for s in page.evaluate(CHINESE_CHROME) if s != "中文"]
        assert shown == [], path
    page.goto(f"{review_site}/reports/review?lang=en")
    assert page.locator("h1").inner_text() == "Standards due for review"
    screenshot(page, "review-report-english")
