"""The search core: what the command line, the site and Python callers search with.

    from indexer.engine import open_engine
    from search_app.search import search

    result = search(open_engine(library), "厂界噪声 夜间 测量", limit=10)

It reaches the index only through the engine interface (`indexer.engine.interface`),
so it searches a Whoosh index and a cluster alike.
"""

from .query import ParsedQuery, QueryError, parse_query
from .ranking import DEFAULT_RANKING, Ranking, with_ranking
from .results import Hit, SearchResult, StandardGroup
from .searching import search

__all__ = [
    "DEFAULT_RANKING",
    "Hit",
    "ParsedQuery",
    "QueryError",
    "Ranking",
    "SearchResult",
    "StandardGroup",
    "parse_query",
    "search",
    "with_ranking",
]
