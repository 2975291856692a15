"""What the web app keeps open: the library paths and the current index generation."""

from __future__ import annotations

import threading

from whoosh.index import Index

from indexer.engine.whoosh.index import SearchIndex
from indexer.library.store import Library


class LibraryState:
    """Re-opens the index when `reindex` swaps in a new generation; searchers see new
    documents on their next request because Whoosh reads the latest commit per searcher."""

    def __init__(self, library: Library):
        self.library = library
        self.search_index = SearchIndex(library.index_root)
        self._lock = threading.Lock()
        self._index: Index | None = None
        self._generation = None

    def index(self) -> Index:
        generation = self.search_index.current_dir()
        with self._lock:
            if self._index is None or generation != self._generation:
                self._index = self.search_index.open()
                self._generation = self.search_index.current_dir()
            return self._index

    def user_words(self) -> set[str]:
        """Defined terms and clause headings of the library: jieba's domain dictionary."""
        return self.search_index.words()
