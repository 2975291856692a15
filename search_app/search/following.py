"""Fetching another stdsearch's change export over HTTP, page by page, and applying it.

The checking and applying are `indexer.library.sync`'s; this module only talks HTTP, and
with a cap on everything it reads: a line longer than the export ever writes, a page
with more lines or bytes than asked for, an HTML error page or a body cut short are
refused before anything of the page is applied.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import requests

from indexer.library.catalogue import Catalogue
from indexer.library.index_updates import IndexUpdates
from indexer.library.store import Library
from indexer.library.sync import (
    MAX_LINE_BYTES,
    MAX_PAGE_CHANGES,
    ExportRefused,
    Page,
    SyncResult,
    apply_page,
    cursor_of,
    parse_page,
)

EXPORT_PATH = "/api/export/changes.jsonl"
CONTENT_TYPES = ("application/x-ndjson", "application/jsonl")
DEFAULT_PAGE = 500


class SourceUnavailable(RuntimeError):
    """The source could not be reached, or stopped answering in the middle of a page."""


def source_url(url: str) -> str:
    """The URL a source is known by (its cursor's key): no trailing slash."""
    url = url.strip().rstrip("/")
    if not url.startswith(("http://", "https://")):
        raise ValueError(f"not an http(s) URL: {url}")
    return url


def fetch_page(
    url: str, after: int, limit: int, token: str | None = None, timeout: float = 30
) -> Page:
    """One checked page of `url`'s change export after change `after`."""
    headers = {"Accept": CONTENT_TYPES[0]}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = requests.get(
            url + EXPORT_PATH,
            params={"after": after, "limit": limit},
            headers=headers,
            stream=True,
            timeout=timeout,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        raise SourceUnavailable(f"could not reach {url}: {error}") from None
    with response:
        if response.status_code != 200:
            raise ExportRefused(
                f"{url} answered {response.status_code} {response.reason}: {_start(response)}"
            )
        kind = response.headers.get("Content-Type", "").split(";")[0].strip()
        if kind not in CONTENT_TYPES:
            raise ExportRefused(
                f"{url} sent {kind or 'no content type'}, not a change export"
                f" ({CONTENT_TYPES[0]}): {_start(response)}"
            )
        try:
            lines = list(_lines(response, limit))
        except (requests.RequestException, ConnectionError) as error:
            raise SourceUnavailable(f"{url} stopped in the middle of a page: {error}") from None
    return parse_page(lines, after)


def _start(response: requests.Response) -> str:
    """The first words of an unexpected answer, for the message."""
    try:
        head = next(response.iter_content(200), b"")
    except requests.RequestException:
        head = b""
    return " ".join(head.decode("utf-8", "replace").split())[:120]


def _lines(response: requests.Response, limit: int) -> Iterator[bytes]:
    """The body's lines, never holding more than one capped line (and a capped page)."""
    max_lines = min(limit, MAX_PAGE_CHANGES) + 1
    buffer, count = b"", 0
    for chunk in response.iter_content(64 * 1024):
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            count += 1
            if count > max_lines:
                raise ExportRefused(f"more than {max_lines - 1} changes in a page of {limit}")
            if len(line) > MAX_LINE_BYTES:
                raise ExportRefused(f"line {count}: longer than {MAX_LINE_BYTES} bytes")
            if line.strip():
                yield line
        if len(buffer) > MAX_LINE_BYTES:
            raise ExportRefused(f"line {count + 1}: longer than {MAX_LINE_BYTES} bytes")
    if buffer.strip():
        yield buffer


def follow(
    library: Library,
    index: IndexUpdates | None,
    url: str,
    token: str | None = None,
    limit: int = DEFAULT_PAGE,
    max_pages: int | None = None,
    today: date | None = None,
) -> SyncResult:
    """Pull and apply `url`'s changes since this library's cursor for it, a page at a
    time (each page with its cursor in one transaction), until it has no more. A refused
    page or a source gone quiet raises after the pages before it were kept."""
    url = source_url(url)
    total = SyncResult(source=url)
    with Catalogue(library.catalogue_path) as catalogue:
        total.cursor = cursor_of(catalogue.db, url)
    while max_pages is None or total.pages < max_pages:
        after = total.cursor
        page = fetch_page(url, after, limit, token)
        total.add(apply_page(library, index, url, page, after, today))
        if page.next is None:
            break
    return total
