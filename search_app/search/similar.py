"""Similar clauses in other standards (more-like-this over the clause body)."""

from __future__ import annotations

from indexer.engine.whoosh.index import read_latest
from indexer.library.model import Clause

SHOWN = ("std_no", "title", "clause_no", "heading", "page", "status")


def similar_clauses(index, sha256: str, clause: Clause, limit: int = 5) -> list[dict]:
    return read_latest(index, lambda searcher: _similar(searcher, sha256, clause, limit))


def _similar(searcher, sha256: str, clause: Clause, limit: int) -> list[dict]:
    docnum = searcher.document_number(doc_id=f"{sha256}:{clause.order}")
    if docnum is None:
        return []
    found = []
    for hit in searcher.more_like(docnum, "body", top=limit * 4, numterms=12):
        if hit.get("doc_type") != "clause" or hit.get("sha256") == sha256:
            continue
        found.append({key: hit.get(key) for key in SHOWN} | {"score": round(hit.score, 3)})
        if len(found) == limit:
            break
    return found
