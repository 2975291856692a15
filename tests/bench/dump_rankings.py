"""Dump what search answers, to show a change to the code leaves the ranking as it was.

    python -m tests.bench.dump_rankings --data DIR > before.jsonl
    (change the code)
    python -m tests.bench.dump_rankings --data DIR > after.jsonl
    cmp before.jsonl after.jsonl

One JSON line per query: the top 30 hits (standard, clause, score, snippet) of every
development query (`../shared/eval/dev.tsv`) and of filter, phrase, exclusion, browse,
flat and paged queries, with totals, facets and suggestions; then the definitions of
the term queries and the similar clauses of the gold clauses. Scores are written in
full (`repr` of the float), so "identical" means identical to the last bit.

`--index-only` reads a data directory that holds only an index, such as the one
`bench_search --keep` builds at 100,000 clauses (link it in as DIR/index).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
TOP = 30

# Beyond the development queries: each way a query can restrict or reorder the hits.
EXTRA_QUERIES: list[tuple[str, dict]] = [
    ("噪声 status:现行", {}),
    ("排放 限值 level:地方", {}),
    ("监测 region:广东", {}),
    ("标准 year:2015-2020", {}),
    ("ics:13.060", {}),
    ("status:现行 level:行业", {}),
    ('"排放标准"', {}),
    ('"厂界环境噪声" 测量', {}),
    ("排放 -废水", {}),
    ("数据 传输 -终端", {}),
    ("限值 kind:强制性", {}),
    ("术语和定义", {"group": False}),
    ("排放", {"offset": 10}),
    ("gb3838", {}),
    ("GB/T 28181", {"filters": {"status": "现行"}}),
    ("zzzz 不存在的词语", {}),
    ("qqqq", {}),
    ("gb 38380", {}),
    ("地表水环境质量标", {"filters": {"level": "地方"}}),
    ('"地表水环境质量" level:团体', {}),
    ('"噪声敏感建筑物" level:团体', {}),
]


def hit_row(hit) -> list:
    return [hit.std_no, hit.clause_no, repr(hit.score), hit.snippet, hit.matched]


def dump_query(engine, text: str, options: dict) -> dict:
    from search_app.search import QueryError, search

    try:
        result = search(engine, text, limit=TOP, **options)
    except QueryError as error:
        return {"query": text, "options": options, "error": error.message}
    return {
        "query": text,
        "options": options,
        "total": result.total,
        "total_standards": result.total_standards,
        "hits": [hit_row(h) for h in result.hits],
        "groups": [[g.std_no, repr(g.score), g.more] for g in result.groups],
        "facets": result.facets,
        "suggestions": result.suggestions,
        "warnings": result.warnings,
    }


def dump_terms(engine, text: str) -> dict:
    from search_app.search.definitions import find_definitions

    found = find_definitions(engine, text)
    return {"terms": text, "definitions": [[d["std_no"], d["clause_no"]] for d in found]}


def dump_similar(engine, library, std_no: str, clause_no: str) -> dict | None:
    from indexer.library.lookup import find_standard
    from search_app.search.similar import similar_clauses

    standard = find_standard(library, std_no)
    if standard is None:
        return None
    clause = next((c for c in standard.clauses if c.clause_no == clause_no), None)
    if clause is None:
        return None
    found = similar_clauses(engine, standard.sha256, clause)
    return {
        "similar": [std_no, clause_no],
        "clauses": [[s["std_no"], s["clause_no"]] for s in found],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an ingested data directory")
    parser.add_argument("--queries", type=Path, default=SHARED / "eval" / "dev.tsv")
    parser.add_argument(
        "--index-only",
        action="store_true",
        help="DIR holds an index and no catalogue (a benchmark's): similar clauses are skipped",
    )
    args = parser.parse_args()

    from indexer.library.store import Library
    from search_app.search.evaluate import load_queries
    from search_app.startup import open_search

    library = Library.open(args.data)
    engine = open_search(library)
    queries = load_queries(args.queries)
    rows = [dump_query(engine, q.query, {}) for q in queries]
    rows += [dump_query(engine, text, options) for text, options in EXTRA_QUERIES]
    rows += [dump_terms(engine, q.query) for q in queries if q.type == "term"]
    for q in [] if args.index_only else queries:
        if q.clause_no:
            row = dump_similar(engine, library, q.std_no, q.clause_no)
            if row is not None:
                rows.append(row)
    for row in rows:
        sys.stdout.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
