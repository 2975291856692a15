"""The main pages in real headless Chromium, over a library holding the shared corpus."""

from __future__ import annotations

import re
import shutil
from urllib.parse import unquote

import pytest
import requests

from indexer.library.accounts import Accounts
from search_app.web.app import create_app
from tests.browser.conftest import screenshot
from tests.conftest import PASSWORD, serve_in_thread

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


def test_search_by_number_puts_that_standard_first(page, site):
    page.goto(f"{site}/")
    page.get_by_label("检索词").fill("gb/t7714")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    first = page.locator("li.standard h2").first
    assert "GB/T 7714-2015" in first.inner_text()
    assert "现行" in first.inner_text()
    screenshot(page, "search-number")


def test_search_by_words_shows_clauses_with_pages_and_highlights(page, site):
    page.goto(f"{site}/search?q=厂界噪声 夜间 测量")
    assert page.locator("li.standard").count() >= 1
    assert page.locator("li.standard .clauses li").count() >= 1
    assert page.locator("mark").count() >= 1
    current = page.locator("nav.pagination a[aria-current='page']")
    assert current.count() == 1 and current.inner_text() == "1"
    assert re.search(r"第 \d+ 页", page.locator("li.standard .clauses li").first.inner_text())
    screenshot(page, "search-words")


def test_filter_facet_narrows_results(page, site):
    page.goto(f"{site}/search?q=排放标准")
    before = page.locator("p.summary").inner_text()
    page.locator("aside.facets a", has_text="地方标准").first.click()
    page.wait_for_url(re.compile(r"level=local"))
    after = page.locator("p.summary").inner_text()
    assert before != after
    levels = page.locator("li.standard h2 .std-no").all_inner_texts()
    assert levels and all(no.startswith("DB") for no in levels)


def test_open_result_at_its_clause_anchor(page, site):
    page.goto(f"{site}/search?q=参考文献 著录 规则")
    link = page.locator("a.clause-link").first
    anchor = link.get_attribute("href").split("#", 1)[1]
    link.click()
    # The browser's URL carries a Chinese anchor (前言, 附录A) percent-encoded.
    page.wait_for_url(lambda url: unquote(url).endswith("#" + unquote(anchor)))
    assert page.locator(f"[id='{anchor}']").is_visible()
    screenshot(page, "standard-clause")
    # The clause number leads to the clause's own page.
    clause_no = anchor.removeprefix("c-")
    page.locator(f"[id='{anchor}'] a").first.click()
    page.wait_for_url(re.compile(r"/clause/"))
    assert page.locator("h1").inner_text().startswith(clause_no)
    screenshot(page, "clause")


def test_pdf_page_link_serves_the_original(page, site):
    page.goto(f"{site}/search?q=gb/t7714")
    href = page.locator("li.standard a.page").first.get_attribute("href")
    assert re.search(r"#page=\d+$", href)
    response = page.request.get(site + href.split("#")[0])
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"


def test_term_lookup(page, site):
    page.goto(f"{site}/terms")
    page.get_by_label("术语，如 参考文献").fill("参考文献")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/terms\?q="))
    rows = page.locator("table.definitions tbody tr")
    assert rows.count() >= 1
    assert "GB/T 7714-2015" in page.locator("table.definitions").inner_text()
    screenshot(page, "terms")


def test_compare_two_editions_from_the_replaces_link(page, site):
    page.goto(f"{site}/std/T/STDS%20001-2026")
    page.get_by_role("link", name="与被代替版本对比").click()
    page.wait_for_url(re.compile(r"/compare\?"))
    assert page.locator("table.compare tbody tr").count() > 5
    assert page.locator("table.compare ins").count() >= 1
    assert page.locator("table.compare del").count() >= 1
    screenshot(page, "compare")


def test_switch_to_english_and_back(page, site):
    page.goto(f"{site}/search?q=噪声")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Search").is_visible()
    page.goto(f"{site}/std/GB%2012348-2008")  # the choice is remembered by cookie
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"


def test_phone_width_has_no_horizontal_scroll(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    widths = {}
    for path in (
        "/search?q=噪声",
        "/std/GB%2012348-2008",
        "/std/GB%2FT%207714-2015",  # the adoption line
        "/std/GB%2012348-2008/clause/3.4",
        "/terms?q=参考文献",
        "/compare?a=T/STDS%20001-2024&b=T/STDS%20001-2026",
    ):
        page.goto(site + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
        if path.startswith("/search"):
            screenshot(page, "phone-search")
        if "/clause/" in path:
            assert page.locator("h1").count() == 1, path
            screenshot(page, "phone-clause")
    context.close()
    assert all(width <= 375 for width in widths.values()), widths


# Text nodes and shown attributes outside document text (marked lang="zh-…"), with CJK in them.
CHINESE_CHROME = """() => {
  const cjk = /[\\u3400-\\u9fff]/;
  const found = [];
  const inDocumentText = (el) => el.closest('[lang^="zh"]') !== null;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (cjk.test(node.textContent) && !inDocumentText(node.parentElement)) {
      found.push(node.textContent.trim());
    }
  }
  for (const el of document.body.querySelectorAll('[placeholder], [aria-label], [alt], [title]')) {
    for (const name of ['placeholder', 'aria-label', 'alt', 'title']) {
      const value = el.getAttribute(name);
      if (value && cjk.test(value) && !inDocumentText(el)) found.push(name + '=' + value);
    }
  }
  return found;
}"""


def test_english_pages_show_no_chinese_outside_document_text(page, site):
    page.goto(f"{site}/?lang=en")
    assert page.locator("html").get_attribute("lang") == "en"
    found = {}
    for path in (
        "/",
        "/search?q=噪声&level=national",
        "/search?q=没有这样的词汇xyz",
        "/std/GB%2012348-2008",
        "/std/GB%2FT%207714-2015",  # the adoption line
        "/search?q=ISO%20690",  # the adoption facets
        "/std/GB%2012348-2008/clause/3.4",
        "/std/GB%203838-2002/page/1",
        "/terms?q=参考文献",
        "/terms?q=排水量",
        "/terms/concordance",
        "/terms/concordance?q=排水量",
        "/compare?a=T/STDS%20001-2024&b=T/STDS%20001-2026",
        "/compare?a=T/STDS%20001-2024&b=nonsense",
        "/std/GB%2099999-2099",
        "/reports/citations",
        "/reports/citations?level=group&sort=outdated",
        "/std/JT/T%201078-2016",
        # The front door and browsing
        "/browse",
        "/browse/ics",
        "/browse/ccs",
        "/browse/region",
        "/browse/level",
        "/browse/body",
        "/browse/year",
        "/browse/adoption",
        "/std?ics=13.060&sort=title",
        "/std?body=生态环境部&ccs=Z",
        "/check",
    ):
        page.goto(site + path)
        assert page.locator("html").get_attribute("lang") == "en", path
        found[path] = page.evaluate(CHINESE_CHROME)
        if path.startswith("/search?q=噪声"):
            screenshot(page, "search-english")
    # The link back to Chinese is the one Chinese word of the chrome, and it says so.
    assert {path: [s for s in shown if s != "中文"] for path, shown in found.items()} == {
        path: [] for path in found
    }


def test_keyboard_reaches_the_search_box_and_the_results(page, site):
    page.goto(f"{site}/search?q=厂界噪声")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            """() => { const el = document.activeElement;
                 return [el.id, el.className, getComputedStyle(el).outlineStyle]; }"""
        )
        reached.append(focused[0] or focused[1])
        assert focused[2] != "none", focused  # focus is visible on everything it reaches
        if focused[1] == "clause-link":
            break
    assert "q" in reached and reached[-1] == "clause-link", reached
    assert reached.index("q") < len(reached) - 1
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/std/.+#c-"))


def test_skip_link_moves_focus_to_the_main_content(page, site):
    page.goto(f"{site}/std/GB%2012348-2008")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_scanned_page_opens_as_an_image_within_the_size_limit(page, site):
    # GB 3838-2002 is a scan stored at one point per pixel (2480 x 3504 pt pages); with OCR
    # off its pages wait for OCR, and each links to its image.
    page.goto(f"{site}/std/GB%203838-2002")
    page.locator("p.ocr a", has_text="3").first.click()
    page.wait_for_url(re.compile(r"/page/3$"))
    image = page.locator("img.scan")
    assert "第 3 页" in image.get_attribute("alt")
    # A function, not a bare expression: Playwright would eval() that, which the site's
    # Content-Security-Policy forbids.
    page.wait_for_function("() => document.querySelector('img.scan').naturalWidth > 0")
    size = page.evaluate(
        "[document.querySelector('img.scan').naturalWidth, document.querySelector('img.scan').naturalHeight]"
    )
    assert max(size) <= 1600 and size[1] > size[0]
    screenshot(page, "page-image")


CONTRAST = """(el) => {
  const rgb = (c) => c.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => {
    v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  let bg = el;
  while (bg && getComputedStyle(bg).backgroundColor.startsWith('rgba(0, 0, 0, 0')) bg = bg.parentElement;
  const back = bg ? rgb(getComputedStyle(bg).backgroundColor) : [255, 255, 255];
  const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(back)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


@pytest.fixture(scope="module")
def withdrawn_site(samples_library, tmp_path_factory):
    """The samples with T/STDS 002-2025 withdrawn by a librarian: 废止 is never derived, so
    the corpus has no withdrawn standard of its own."""
    data = tmp_path_factory.mktemp("withdrawn") / "lib"
    shutil.copytree(samples_library.root, data)
    with Accounts(data / "catalogue.sqlite") as accounts:
        accounts.add_user("librarian", PASSWORD)
        token = accounts.create_token("librarian", "browser test")
    app = create_app({"DATA_DIR": str(data)})
    base, server = serve_in_thread(app)
    response = requests.post(
        f"{base}/api/standards/T/STDS 002-2025",
        json={"status": "废止", "withdrawn": "2026-03-01"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert response.status_code == 200, response.text
    yield base
    server.shutdown()
    app.extensions["stdsearch.uploads"].stop()


STRUCK = "el => getComputedStyle(el).textDecorationLine"


def test_status_badges_are_legible_and_withdrawn_ones_struck(page, site, withdrawn_site):
    page.goto(f"{site}/search?q=T/STDS 001")
    badges = page.locator(".badge")
    assert badges.count() >= 2
    for i in range(badges.count()):
        badge = badges.nth(i)
        assert badge.evaluate(CONTRAST) >= 4.5, badge.inner_text()
    replaced = page.locator(".badge.status-被代替").first
    assert "line-through" in replaced.evaluate(STRUCK)
    current = page.locator(".badge.status-现行").first
    assert "line-through" not in current.evaluate(STRUCK)

    page.goto(f"{withdrawn_site}/std/T/STDS%20002-2025")
    withdrawn = page.locator("h1 .badge")
    assert withdrawn.inner_text() == "废止"
    assert withdrawn.evaluate(CONTRAST) >= 4.5
    assert "line-through" in withdrawn.evaluate(STRUCK)
