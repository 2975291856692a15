"""List checking in real headless Chromium: ten numbers pasted in mixed spellings, one of
them replaced and one unknown; the result saved as a watch list and its feed opened."""

from __future__ import annotations

import re

import feedparser
import pytest
import requests

from analyzers.stdno import parse_std_no
from indexer.library.catalogue import Catalogue
from tests.atom import entry_summaries, valid_atom
from tests.browser.conftest import screenshot
from tests.browser.test_pages import CHINESE_CHROME

pytestmark = [pytest.mark.browser, pytest.mark.corpus, pytest.mark.slow]

# Spellings as people type them: no slash, full-width, lower case, the printed dash,
# no year, extra spaces. JT/T 808-2011 (cover, p. 1) is replaced by a later edition held;
# T/STDS 001-2024 by the 2026 sample; GB 3095-2012 is not in the library.
PASTED = [
    "GB T 28181—2016",
    "ｈｊ２１２",
    "gb3838",
    "jt/t 808-2011",
    "DB44 1597-2015",
    "gb 16297 - 1996",
    "t/stds 001-2024",
    "GB/T7714",
    "ＧＢ　１２３４８－２００８",
    "GB 3095-2012",
]


def test_paste_ten_numbers_save_a_watch_list_and_open_its_feed(page, site, corpus_library):
    with Catalogue(corpus_library.catalogue_path) as catalogue:
        entries = {m["std_no"]: m for m in catalogue.all_metadata()}
    page.goto(f"{site}/")
    page.get_by_role("link", name="标准清单核对").click()
    page.wait_for_url(re.compile(r"/check$"))
    page.get_by_label("标准号（每行一个）").fill("\n".join(PASTED))
    page.get_by_role("button", name="核对").click()
    page.wait_for_selector("table.check-results")
    rows = page.locator("table.check-results tbody tr")
    assert rows.count() == 10
    typed = rows.locator("td.typed").all_inner_texts()
    assert typed == PASTED
    # Every number but the unknown one names a standard the library holds.
    matched = [rows.nth(i).locator("td.matched a").inner_text() for i in range(9)]
    assert all(std_no in entries for std_no in matched), matched
    assert matched[:3] == ["GB/T 28181-2016", "HJ 212-2017", "GB 3838-2002"]
    replaced = rows.nth(3).inner_text()
    assert "JT/T 808-2011" in replaced and "被代替" in replaced
    successor = entries["JT/T 808-2011"]["replaced_by"]
    assert successor in rows.nth(3).locator("td.replaced").inner_text()
    assert entries[successor]["effective"] in rows.nth(3).locator("td.replaced").inner_text()
    latest = max(n for n in entries if n.startswith("JT/T 808-"))
    assert rows.nth(3).locator("td.newer").inner_text() == latest
    assert "T/STDS 001-2026" in rows.nth(6).locator("td.replaced").inner_text()
    unknown = rows.nth(9)
    assert "未找到" in unknown.locator("td.found-cell").inner_text()
    assert unknown.locator("td.matched").inner_text().strip() == ""
    assert "馆藏 9 项，未找到 1 项" in page.locator("p.summary").inner_text()
    page.locator("p.summary").evaluate("el => el.scrollIntoView()")
    screenshot(page, "check")

    page.get_by_role("button", name="保存为关注清单").click()
    page.wait_for_url(re.compile(r"/watch/[A-Za-z0-9_-]{32,}$"))
    watch_url = page.url
    assert page.locator("table.check-results tbody tr").count() == 10
    assert page.locator("table.check-results td.typed").all_inner_texts() == PASTED

    with page.expect_response(re.compile(r"/feed\.atom$")) as answer:
        page.get_by_role("link", name="订阅此清单的变更（Atom）").click()
    response = answer.value
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.body())
    assert not feed.bozo and feed.version == "atom10"
    titles = [entry.title for entry in feed.entries]
    # Each held standard of the list arrived once (new standard or edition) ...
    for std_no in ("GB/T 28181-2016", "HJ 212-2017", "JT/T 808-2019"):
        assert any(t.startswith(std_no + ":") for t in titles), (std_no, titles)
    # ... and the replaced ones show their replacement, family by family.
    assert any(t.startswith("JT/T 808-2011:") and "被代替" in t for t in titles)
    assert any(t.startswith("T/STDS 001-2024:") and "被代替" in t for t in titles)
    assert not any("3095" in t for t in titles)
    page.wait_for_load_state()
    screenshot(page, "watch-feed")

    # The same pages in English show no Chinese outside the documents' own text.
    page.goto(watch_url + "?lang=en")
    assert page.locator("h1").inner_text() == "Watch list"
    assert [s for s in page.evaluate(CHINESE_CHROME) if s != "中文"] == []
    page.goto(f"{site}/check?lang=en")
    page.get_by_label("Standard numbers, one a line").fill("\n".join(PASTED))
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_selector("table.check-results")
    assert "not found" in page.locator("table.check-results tbody tr").nth(9).inner_text()
    assert [s for s in page.evaluate(CHINESE_CHROME) if s != "中文"] == []


def test_the_feed_of_a_search_holds_the_changes_of_the_standards_it_finds(site):
    """On each engine: `/feeds/changes.atom?q=JT/T 808` holds the changes of the edition
    families the search finds (JT/T 808-2011, cover p. 1, and its later editions), and
    of nothing else."""
    searched = requests.get(f"{site}/feeds/changes.atom", params={"q": "JT/T 808"})
    found = valid_atom(searched.content)
    numbers = {title.split(": ")[0] for title, _ in entry_summaries(found)}
    groups = requests.get(f"{site}/api/search", params={"q": "JT/T 808", "limit": 100}).json()
    families = {parse_std_no(g["std_no"]).undated for g in groups["groups"]}
    assert numbers and {parse_std_no(n).undated for n in numbers} <= families
    assert {"JT/T 808-2011", "JT/T 808-2019"} <= numbers
    whole = valid_atom(requests.get(f"{site}/feeds/changes.atom").content)
    assert len(found) < len(whole)
    local = requests.get(f"{site}/feeds/changes.atom", params={"level": "local"})
    titles = [title for title, _ in entry_summaries(valid_atom(local.content))]
    assert titles and all(title.startswith("DB") for title in titles)


def test_a_search_page_links_to_the_feed_of_its_results(page, site):
    page.goto(f"{site}/search?q=噪声&level=national&lang=zh")
    link = page.get_by_role("link", name="订阅此检索结果的变更（Atom）")
    href = link.get_attribute("href")
    assert "/feeds/changes.atom?" in href and "level=national" in href and "lang" not in href
    with page.expect_response(re.compile(r"/feeds/changes\.atom\?")) as answer:
        link.click()
    entries = valid_atom(answer.value.body())
    titles = [title for title, _ in entry_summaries(entries)]
    assert titles and not any(title.startswith(("DB", "T/", "HJ", "JT")) for title in titles)
