"""The citation-health report `/reports/citations` in headless Chromium, over the library
holding the shared corpus and the samples."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]


def test_report_lists_current_standards_citing_replaced_editions(page, site):
    """JT/T 1078-2016 clause 2 cites JT/T 808—2011, which the library holds as replaced:
    the report shows it with the clauses citing it and the edition that replaced it."""
    page.goto(f"{site}/")
    page.get_by_role("link", name="引用健康").click()
    page.wait_for_url(re.compile(r"/reports/citations"))
    assert page.locator("h1").inner_text() == "引用健康报告"
    summary = page.locator("p.summary").inner_text()
    assert re.search(r"\d+ 项标准共有 \d+ 条引用", summary)
    card = page.locator("section.citing-standard", has_text="JT/T 1078-2016")
    assert card.count() == 1
    row = card.locator("tr.outdated-reference", has_text="JT/T 808-2011")
    assert row.count() == 1
    assert row.locator(".badge.status-被代替").count() >= 1
    assert row.locator("td.clauses a").first.inner_text() == "2"
    assert row.locator("td").nth(3).locator("a.std-no").first.inner_text().startswith("JT/T 808-")
    screenshot(page, "citations")
    # A body clause's link opens the standard at that clause.
    row.locator("td.clauses a", has_text=re.compile(r"^4\.1$")).click()
    page.wait_for_url(re.compile(r"#c-4\.1$"))
    assert page.locator("[id='c-4.1']").is_visible()
    # The standard page marks the reference too, with the edition that replaced it.
    badge = page.locator("#references li.outdated .ref-outdated").first
    assert badge.inner_text().startswith("已被代替 → JT/T 808-")


def test_filters_narrow_the_report_without_javascript(browser, site):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site}/reports/citations")
    everything = page.locator("section.citing-standard").count()
    page.get_by_label("层级").select_option("group")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"level=group"))
    numbers = page.locator("section.citing-standard h2 .std-no").all_inner_texts()
    assert all(no.startswith("T/") for no in numbers)
    assert len(numbers) < everything
    page.get_by_label("层级").select_option("")
    page.get_by_label("排序").select_option("outdated")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"sort=outdated"))
    counts = [
        int(re.search(r"\d+", text).group())
        for text in page.locator("section.citing-standard h2 .count").all_inner_texts()
    ]
    assert counts == sorted(counts, reverse=True) and len(counts) == everything
    csv_link = page.locator("p.exports a", has_text="CSV")
    assert "format=csv" in csv_link.get_attribute("href")
    assert "sort=outdated" in csv_link.get_attribute("href")
    context.close()


def test_report_fits_a_phone(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 812}, locale="zh-CN")
    page = context.new_page()
    page.goto(f"{site}/reports/citations")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()
