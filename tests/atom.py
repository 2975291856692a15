"""Atom feeds checked as RFC 4287 requires them and as a feed reader (feedparser) reads
them: shared by the feed tests of the site and of the browser suite."""

from __future__ import annotations

import re
from datetime import datetime

import feedparser
from lxml import etree

ATOM = "{http://www.w3.org/2005/Atom}"


def valid_atom(body: bytes) -> list[etree._Element]:
    """Checks an Atom document as RFC 4287 requires it and as a feed reader reads it;
    returns its entries."""
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.version == "atom10"
    root = etree.fromstring(body)
    assert root.tag == f"{ATOM}feed"

    def one(element, name) -> etree._Element:
        found = element.findall(f"{ATOM}{name}")
        assert len(found) == 1, (name, etree.tostring(element)[:200])
        assert (found[0].text or "").strip() or found[0].get("href"), name
        return found[0]

    def rfc3339(text: str) -> datetime:
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)", text)
        return datetime.fromisoformat(text)

    for name in ("id", "title"):
        one(root, name)
    rfc3339(one(root, "updated").text)
    links = root.findall(f"{ATOM}link")
    assert any(link.get("rel") == "self" for link in links)
    assert root.findall(f"{ATOM}author")  # entries then need none of their own
    entries = root.findall(f"{ATOM}entry")
    ids = []
    times = []
    for entry in entries:
        ids.append(one(entry, "id").text)
        one(entry, "title")
        times.append(rfc3339(one(entry, "updated").text))
        alternate = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        assert len(alternate) == 1 and alternate[0].get("href").startswith("http")
    assert len(set(ids)) == len(ids)
    assert times == sorted(times, reverse=True)
    if entries:
        assert rfc3339(root.find(f"{ATOM}updated").text) == times[0]
    return entries


def entry_summaries(entries) -> list[tuple[str, str]]:
    return [(e.find(f"{ATOM}title").text, e.find(f"{ATOM}summary").text or "") for e in entries]
