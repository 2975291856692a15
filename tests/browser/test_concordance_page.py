"""The term concordance in real headless Chromium, over a library holding the shared corpus."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_pages import CHINESE_CHROME

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


def test_from_a_term_to_its_definitions_across_standards(page, site):
    """排水量 is defined in DB44/1597-2015 3.8, GB 31571-2015 3.6 and others, differently:
    the terms page links to the concordance, which flags it and marks the differences."""
    page.goto(f"{site}/terms?q=排水量")
    page.locator("a.concordance-link").first.click()
    page.wait_for_url(re.compile(r"/terms/concordance\?q="))
    data = page.request.get(f"{site}/api/terms/concordance?q=排水量").json()
    group = data["groups"][0]
    section = page.locator("section.concordance-group").first
    assert section.locator("h2 .badge.differ").inner_text() == "定义不一致"
    rows = section.locator("table.concordance tbody tr:not(.variant-head)")
    assert rows.count() == len(group["entries"]) >= 2
    shown = rows.locator("td:nth-child(2) a").all_inner_texts()
    assert shown == [e["std_no"] for e in group["entries"]]
    assert "DB44/1597-2015" in shown and "GB 31571-2015" in shown
    assert section.locator("td.difftext ins").count() >= 1
    assert section.locator("td.difftext del").count() >= 1
    assert section.locator("tr.reference .badge").first.inner_text() == "现行"
    screenshot(page, "concordance")
    # A clause number leads to that clause of that standard.
    first = group["entries"][0]
    rows.first.locator("td:nth-child(3) a").click()
    page.wait_for_url(re.compile(r"/clause/"))
    assert page.locator("h1").inner_text().startswith(first["clause_no"])


def test_list_of_shared_terms_and_a_term_whose_definitions_agree(page, site):
    """A声级: GB 12348-2008 3.2 and GB 12523-2011 3.3 print the same definition."""
    page.goto(f"{site}/terms/concordance")
    data = page.request.get(f"{site}/api/terms/concordance").json()
    rows = page.locator("table.concordance-list tbody tr")
    assert rows.count() == len(data["groups"]) >= 2
    assert page.locator("table.concordance-list .badge.differ").count() == sum(
        g["differ"] for g in data["groups"]
    )
    screenshot(page, "concordance-list")
    page.locator("table.concordance-list a", has_text="A声级").first.click()
    page.wait_for_url(re.compile(r"/terms/concordance\?q="))
    section = page.locator("section.concordance-group").first
    assert section.locator(".badge.agree").inner_text() == "定义一致"
    assert section.locator("td.difftext ins, td.difftext del").count() == 0


def test_english_concordance_shows_no_chinese_outside_document_text(page, site):
    for path in ("/terms/concordance", "/terms/concordance?q=排水量", "/terms/concordance?page=0"):
        page.goto(f"{site}{path}{'&' if '?' in path else '?'}lang=en")
        assert page.locator("html").get_attribute("lang") == "en"
        assert [s for s in page.evaluate(CHINESE_CHROME) if s != "中文"] == [], path
