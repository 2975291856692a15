"""Judging and metrics of `stdsearch evaluate`, as the evaluation README defines them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from search_app.search.evaluate import (
    JudgedQuery,
    Metrics,
    clause_matches,
    evaluate,
    format_report,
    judge,
    load_queries,
    normalise_std_no,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("gb/t 28181—2016", "GB/T 28181-2016"),
        ("GB 14554-93", "GB 14554-1993"),
        ("ＤＢ４４／２３６７－２０２２", "DB44/2367-2022"),
        ("DB44/ 2367—2022", "DB44/2367-2022"),
        ("JT／T 808–2019", "JT/T 808-2019"),
    ],
)
def test_numbers_equal_after_normalisation(a, b):
    assert normalise_std_no(a) == normalise_std_no(b)


def test_different_numbers_stay_different():
    assert normalise_std_no("GB/T 3838-2002") != normalise_std_no("GB 3838-2002")
    assert normalise_std_no("JT/T 808-2011") != normalise_std_no("JT/T 808-2019")


@pytest.mark.parametrize(
    ("hit", "gold", "ok"),
    [
        ("4.4", "4.4", True),
        ("4.4.1", "4.4", True),
        ("4.4.2.3", "4.4", True),
        ("4.40", "4.4", False),
        ("4", "4.4", False),
        ("A.2.1", "A.2", True),
        ("3.1", "3", True),
        ("前言", "前言", True),
        ("前言", "3", False),
        ("", "3", False),
        ("3", "", False),
    ],
)
def test_clause_match_is_same_or_descendant(hit, gold, ok):
    assert clause_matches(hit, gold) is ok


def test_judge_ranks_first_matching_hit():
    q = JudgedQuery("D1", "term", "q", "GB/T 7714-2015", "3.8")
    hits = [("GB 3838-2002", "3.8"), ("gb/t 7714—2015", "9.2"), ("GB/T 7714-2015", "3.8.1")]
    assert judge(q, hits) == (2, 3)
    assert judge(q, hits[:1]) == (None, None)


def test_judge_looks_at_the_top_ten_only():
    q = JudgedQuery("D1", "number", "q", "HJ 212-2017")
    hits = [("X 1-2000", "1")] * 10 + [("HJ 212-2017", "1")]
    assert judge(q, hits) == (None, None)


def test_metrics():
    m = Metrics.of([1, 2, None, 10, 11])
    assert m.queries == 5
    assert m.mrr == pytest.approx((1 + 0.5 + 0.1) / 5)
    assert m.success_1 == pytest.approx(0.2)
    assert m.success_10 == pytest.approx(0.6)


def test_evaluate_per_type_and_overall():
    queries = [
        JudgedQuery("1", "number", "a", "GB 1-2000"),
        JudgedQuery("2", "term", "b", "GB 2-2000", "3.1"),
        JudgedQuery("3", "term", "c", "GB 3-2000", "3.2"),
    ]
    answers = {"a": [("GB 1-2000", "1")], "b": [("GB 2-2000", "1"), ("GB 2-2000", "3.1")], "c": []}
    report = evaluate(
        queries, lambda text: answers[text], needs_ocr={normalise_std_no("GB 3-2000")}
    )
    assert report.standard["number"].mrr == 1.0
    assert report.standard["term"].mrr == 0.5
    assert report.clause["term"].mrr == 0.25
    assert "number" not in report.clause
    assert report.standard["all"].queries == 3 and report.clause["all"].queries == 2
    assert (report.waiting_for_ocr, report.waiting_for_ocr_missed) == (1, 1)
    text = format_report(report, verbose=True)
    assert "MRR@10" in text and "waiting for OCR" in text


def test_load_queries_reads_the_dev_format(eval_dir):
    queries = load_queries(eval_dir / "dev.tsv")
    assert queries and {q.type for q in queries} <= {"number", "title", "term", "topic", "clause"}
    assert all(q.std_no for q in queries)
    assert all(q.clause_no for q in queries if q.type in ("term", "topic", "clause"))


def test_evaluate_command_on_the_samples(tmp_path):
    from pathlib import Path

    from indexer.ingest.pipeline import ingest
    from indexer.library.store import Library
    from search_app.cli import main

    samples = Path(__file__).resolve().parents[2] / "corpus" / "samples"
    data = tmp_path / "data"
    ingest([str(samples)], Library.open(str(data)), workers=1, use_ocr=False)
    tsv = tmp_path / "queries.tsv"
    tsv.write_text(
        "id\ttype\tquery\tstd_no\tclause_no\tnote\n"
        "S1\tnumber\tt/stds 002\tT/STDS 002-2025\t\t\n"
        "S2\tterm\t条款级检索\tT/STDS 002-2025\t3.3\t\n",
        encoding="utf-8",
    )
    out = CliRunner().invoke(main, ["--data", str(data), "evaluate", str(tsv), "--json"])
    assert out.exit_code == 0, out.output
    report = json.loads(out.stdout)
    assert report["standard"]["all"]["mrr"] == 1.0
    assert report["clause"]["term"]["success_1"] == 1.0
    assert [q["standard_rank"] for q in report["queries"]] == [1, 1]
