"""Atom feeds of the change log, written with feedgen.

Each entry is one change-log event: its id is stable (the event's id under the feed's
own base), its `updated` time the time the change was made, its link the standard's page.
What an entry says is given by the caller (`describe`), in the reader's language.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator

from indexer.library.changes import ChangeEvent

# The first release of the change log: an empty feed's `updated` when it names no time.
EPOCH = "2026-01-01T00:00:00+00:00"


def _time(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


# Characters XML 1.0 cannot hold (C0 controls but tab and newlines, surrogates, U+FFFE/F):
# a feed title repeats the reader's query, which may carry them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """`text` without the characters an XML document cannot hold."""
    return _NOT_XML.sub("", text)


def atom_feed(
    events: list[ChangeEvent],
    *,
    feed_id: str,
    title: str,
    self_url: str,
    site_url: str,
    entry_id: Callable[[ChangeEvent], str],
    link: Callable[[ChangeEvent], str],
    describe: Callable[[ChangeEvent], tuple[str, str]],
    language: str = "zh",
    updated: str | None = None,
) -> bytes:
    """The events (newest first) as an Atom document. `updated` is the newest event's
    time, else the given time, else EPOCH: the same events give the same feed."""
    feed = FeedGenerator()
    feed.id(feed_id)
    feed.title(xml_text(title))
    feed.link(href=self_url, rel="self", type="application/atom+xml")
    feed.link(href=site_url, rel="alternate", type="text/html")
    feed.language(language)
    feed.author({"name": "stdsearch"})
    feed.generator("stdsearch")
    feed.updated(_time(events[0].at if events else updated or EPOCH))
    # feedgen writes entries in the reverse order they were added.
    for event in reversed(events):
        entry_title, summary = describe(event)
        entry = feed.add_entry()
        entry.id(entry_id(event))
        entry.title(entry_title)
        entry.link(href=link(event), rel="alternate", type="text/html")
        entry.updated(_time(event.at))
        entry.published(_time(event.at))
        entry.summary(summary)
        entry.author({"name": event.source or "stdsearch"})
        entry.category(term=event.kind)
    return feed.atom_str(pretty=True)
