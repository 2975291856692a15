"""The home page and browsing by ICS in real headless Chromium, over the corpus library."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


def test_home_page_shows_the_library_under_the_search_box(page, site):
    page.goto(f"{site}/")
    # The search box comes first and has the focus.
    assert page.evaluate("document.activeElement.id") == "q"
    first_input = page.locator("main input").first
    assert first_input.get_attribute("id") == "q"
    heading = page.locator("#library-heading").inner_text()
    total = int(re.search(r"\d+", heading).group())
    assert total > 40
    # The status counts add up to the library.
    status_counts = page.locator(".count-box").first.locator(".count").all_inner_texts()
    assert sum(int(n) for n in status_counts) == total
    assert page.locator(".home-lists section").count() == 3
    assert page.locator(".home-lists a .std-no").count() >= 1
    screenshot(page, "home")
    # A count opens the list of those standards.
    page.locator(".count-box a", has_text="地方标准").click()
    page.wait_for_url(re.compile(r"/std\?level=local"))
    assert page.locator("table.std-list tbody tr").count() >= 1
    assert all(n.startswith("DB") for n in page.locator("td a.std-no").all_inner_texts())


def test_ics_browse_from_the_tree_to_a_group_to_a_standard(page, site):
    """GB 18918-2002 prints ICS 13.060.30 on its cover: 13 环保、保健和安全 › 13.060 水质 lists it."""
    page.goto(f"{site}/browse/ics")
    assert page.locator("h1").inner_text() == "国际标准分类（ICS）"
    fields = page.locator("ul.tree-ics > li")
    assert fields.count() >= 40
    water = page.locator("ul.tree-ics a", has_text="水质")
    assert water.count() == 1 and "13.060" in water.inner_text()
    screenshot(page, "browse-ics")
    water.click()
    page.wait_for_url(re.compile(r"/std\?ics=13\.060$"))
    assert "13.060" in page.locator(".active-filters").inner_text()
    rows = page.locator("table.std-list tbody tr")
    assert rows.count() >= 1
    numbers = page.locator("td a.std-no").all_inner_texts()
    assert "GB 18918-2002" in numbers
    # Sorting by number, then backwards.
    page.locator("thead a", has_text="标准号").click()
    page.wait_for_url(re.compile(r"sort=number&order=desc"))
    assert page.locator("td a.std-no").all_inner_texts() == numbers[::-1]
    page.locator("td a.std-no", has_text="GB 18918-2002").click()
    page.wait_for_url(re.compile(r"/std/GB"))
    assert unquote(page.url).endswith("/std/GB 18918-2002")
    assert "GB 18918-2002" in page.locator("h1").inner_text()


def test_browse_pages_work_in_english_and_the_list_exports_csv(page, site):
    page.goto(f"{site}/browse/level?lang=en")
    assert page.locator("h1").inner_text() == "Level and kind"
    page.locator("ul.tree a", has_text="Local").first.click()
    page.wait_for_url(re.compile(r"/std\?level=local"))
    link = page.get_by_role("link", name="Export CSV", exact=True)
    assert link.get_attribute("download") is not None
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    text = Path(path).read_text(encoding="utf-8-sig")
    assert text.startswith("std_no,title_zh") and "DB44" in text


def test_home_and_browse_pages_fit_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    widths = {}
    for path in ("/", "/browse/ics", "/browse/region", "/std?ics=13&sort=title"):
        page.goto(site + path)
        widths[path] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert all(width <= 375 for width in widths.values()), widths
