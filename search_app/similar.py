"""Similar clauses in other standards (more-like-this over the clause body)."""

from __future__ import annotations

from whoosh.query import Term

from indexer.model import Clause


def similar_clauses(index, sha256: str, clause: Clause, limit: int = 5) -> list[dict]:
    with index.searcher() as searcher:
        docnum = searcher.document_number(doc_id=f"{sha256}:{clause.order}")
        if docnum is None:
            return []
        results = searcher.more_like(
            docnum, "body", top=limit * 3, numterms=12, filter=None, mask=Term("sha256", sha256)
        )
        found = []
        for hit in results:
            if hit.get("doc_type") != "clause":
                continue
            found.append(
                {
                    key: hit.get(key)
                    for key in ("std_no", "title", "clause_no", "heading", "page", "status")
                }
                | {"score": round(hit.score, 3)}
            )
            if len(found) == limit:
                break
        return found
