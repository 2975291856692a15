"""Which mix of fields and boosts ranks best: the development queries under ranking variants.

    python -m tests.bench.bench_ranking --data DIR [--queries ../shared/eval/dev.tsv]

One ingested library, the same queries, and `search_app.search.Ranking` changed one way at
a time from the default: clause text matched as jieba words alone or as character bigrams
alone instead of both, headings or titles weighed as body text, no coordination bonus or a
different one, superseded editions not demoted, and so on. Prints MRR@10 and Success@1 of
standards and clauses for each, with the change against the default, judged as `stdsearch
evaluate` judges. Quality, not speed: the queries are run once.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

NO_BIGRAMS = {"heading_bi": 0.0, "context_bi": 0.0, "body_bi": 0.0, "title_bi": 0.0}
NO_WORDS = {"heading": 0.0, "context": 0.0, "body": 0.0, "title": 0.0}

VARIANTS: dict[str, dict[str, float]] = {
    "default: jieba words + bigrams": {},
    "jieba words only": NO_BIGRAMS,
    "character bigrams only": NO_WORDS,
    "bigrams weigh as words": {"heading_bi": 3.0, "context_bi": 1.0, "body_bi": 1.0},
    "headings weigh as body": {"heading": 1.0, "heading_bi": 0.5},
    "titles weigh as body": {"title": 1.0, "title_bi": 0.5},
    "no coordination bonus": {"coordination": 0.0},
    "coordination 1": {"coordination": 1.0},
    "coordination 5": {"coordination": 5.0},
    "clauses get no standard score": {"standard_share": 0.0},
    "superseded not demoted": {"demote": 1.0},
    "headings' length counts fully": {"short_B": 0.75},
    "common words left to rarer (5 %)": {"common": 0.05},
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="an ingested data directory")
    parser.add_argument("--queries", type=Path, default=ROOT.parent / "shared" / "eval" / "dev.tsv")
    args = parser.parse_args()

    from indexer.library.store import Library
    from search_app.search import with_ranking
    from search_app.search.evaluate import engine_search, evaluate, load_queries
    from search_app.startup import open_search

    engine = open_search(Library.open(args.data))
    queries = load_queries(args.queries)
    print(f"{len(queries)} queries from {args.queries}, library {args.data}")
    print(
        f"{'ranking':32} {'std MRR':>8} {'std S@1':>8} {'cl MRR':>8} {'cl S@1':>8}"
        f" {'Δ std MRR':>10} {'Δ cl MRR':>9}"
    )
    default = None
    for name, changes in VARIANTS.items():
        report = evaluate(queries, engine_search(engine, ranking=with_ranking(**changes)))
        std, clause = report.standard["all"], report.clause["all"]
        default = default or (std.mrr, clause.mrr)
        print(
            f"{name:32} {std.mrr:8.3f} {std.success_1:8.3f} {clause.mrr:8.3f}"
            f" {clause.success_1:8.3f} {std.mrr - default[0]:+10.3f} {clause.mrr - default[1]:+9.3f}"
        )


if __name__ == "__main__":
    main()
