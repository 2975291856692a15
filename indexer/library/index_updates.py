"""What the library's writers ask of the search index, without knowing which it is."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from .model import Standard


class IndexUpdates(Protocol):
    """Takes standards' new documents and drops the removed ones, in one commit. A
    correction or a deletion commits the catalogue (the system of record) and then hands
    the standards it changed to one of these: the search engine (`indexer.engine`) is
    one, passed in by the site or the command line."""

    def update(self, standards: Sequence[Standard], removed: Sequence[str] = ()) -> None: ...
