"""The main pages in real headless Chromium, over a library holding the shared corpus."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

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
    assert re.search(r"p\. \d+", page.locator("li.standard .clauses li").first.inner_text())
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
    page.wait_for_url(re.compile("#" + re.escape(anchor)))
    assert page.locator(f"[id='{anchor}']").is_visible()
    screenshot(page, "standard-clause")


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
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("button", name="Search").is_visible()
    page.goto(f"{site}/std/GB%2012348-2008")  # the choice is remembered by cookie
    assert page.locator("html").get_attribute("lang") == "en"
    page.get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-CN"


def test_phone_width_has_no_horizontal_scroll(browser, site):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    widths = {}
    for path in (
        "/search?q=噪声",
        "/std/GB%2012348-2008",
        "/terms?q=参考文献",
        "/compare?a=T/STDS%20001-2024&b=T/STDS%20001-2026",
    ):
        page.goto(site + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert all(width <= 390 for width in widths.values()), widths
