"""Similar clauses in other standards (more-like-this over the clause body)."""

from __future__ import annotations

from indexer.engine.interface import SearchEngine, Snapshot
from indexer.library.model import Clause

SHOWN = ("std_no", "title", "clause_no", "heading", "page", "status")
KEY_TERMS = 12  # the clause's most telling words that are searched


def similar_clauses(
    engine: SearchEngine, sha256: str, clause: Clause, limit: int = 5
) -> list[dict]:
    return engine.read(lambda snapshot: _similar(snapshot, sha256, clause, limit))


def _similar(snapshot: Snapshot, sha256: str, clause: Clause, limit: int) -> list[dict]:
    ref = snapshot.find(f"{sha256}:{clause.order}")
    if ref is None:
        return []
    found = []
    # Clauses of the same standard, and standards' own documents, are skipped: more are
    # asked for than are shown.
    for candidate in snapshot.more_like(ref, "body", limit * 4, KEY_TERMS):
        if candidate.is_standard or candidate.sha256 == sha256:
            continue
        stored = snapshot.stored(candidate.ref)
        found.append({key: stored.get(key) for key in SHOWN} | {"score": round(candidate.score, 3)})
        if len(found) == limit:
            break
    return found
