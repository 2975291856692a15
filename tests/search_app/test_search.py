"""search(): ranking, grouping, filters, facets, suggestions and hostile input, on real indexes.

Three indexes, each built once per module in a temporary folder:

* `sample_index`: the bundled sample standards (`corpus/samples`) through the real
  ingest pipeline;
* `catalogue_index`: standards made in the test (numbers, titles, a clause or two), for
  number spellings, editions and sub-words without parsing any PDF;
* `corpus_index` (marked `corpus`): a few small real PDFs from `../shared/corpus`.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyzers.stdno import parse_filename
from indexer.library.model import Clause, Standard
from indexer.library.store import Library
from search_app.search import search
from search_app.search.evaluate import normalise_std_no
from search_app.search.query import QueryError
from tests.conftest import HOSTILE_QUERIES, library_engine

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "corpus" / "samples"


def _ingest(paths, data_dir: Path):
    from indexer.ingest.pipeline import ingest
    from indexer.library.store import Library

    library = Library.open(str(data_dir))
    report = ingest([str(p) for p in paths], library, workers=1, use_ocr=False)
    assert not report.failed, [(o.file, o.reason) for o in report.failed]
    return library


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory):
    return _ingest([SAMPLES], tmp_path_factory.mktemp("samples"))


@pytest.fixture(scope="module")
def sample_index(sample_library, engine_name, request):
    return library_engine(sample_library, engine_name, request)


def _standard(
    std_no: str,
    title: str,
    clauses: list[tuple[str, str, str]],
    status: str = "现行",
    sha: str | None = None,
) -> Standard:
    number = parse_filename(std_no.replace("/", "_")) or None
    return Standard(
        std_no=std_no,
        prefix=number.prefix if number else "",
        level=number.level if number else "",
        kind=number.kind if number else "",
        region=number.region if number else "",
        title_zh=title,
        status=status,
        sha256=sha or normalise_std_no(std_no),
        clauses=[
            Clause(
                clause_no=no,
                heading=heading,
                level=no.count(".") + 1,
                text=text,
                page_start=i + 1,
                page_end=i + 1,
                order=i,
            )
            for i, (no, heading, text) in enumerate(clauses)
        ],
    )


def _dev_rows(eval_dir, kind: str) -> list[dict]:
    with open(eval_dir / "dev.tsv", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["type"] == kind]


@pytest.fixture(scope="module")
def catalogue_index(tmp_path_factory, eval_dir, engine_name, request):
    """Every gold standard of the dev set's number rows, plus neighbours that must not win."""
    numbers = {r["std_no"] for r in _dev_rows(eval_dir, "number")}
    standards = [
        _standard(
            n, f"标准{i}", [("1", "范围", "本文件规定了要求。"), ("4", "要求", f"第{i}项要求。")]
        )
        for i, n in enumerate(sorted(numbers))
    ]
    standards += [
        _standard(
            "GB 3838-2002",
            "地表水环境质量标准",
            [("1", "范围", "地表水。"), ("3", "水域功能", "依据地表水水域环境功能。")],
        ),
        _standard(
            "GB 3838-1988", "地面水环境质量标准", [("1", "范围", "地面水。")], status="被代替"
        ),
        _standard("GB/T 3838-2010", "无关的标准", [("1", "范围", "无关。")]),
        _standard(
            "DB44/1234-2020",
            "食品添加剂使用规范",
            [
                ("1", "范围", "本文件规定了食品添加剂的使用要求。"),
                ("4.1", "通用要求", "严禁超范围使用食品添加剂。"),
            ],
        ),
        _standard(
            "DB44/T 99-2015",
            "夜间施工噪声管理",
            [
                ("1", "范围", "本文件适用于建筑施工。"),
                ("5.2", "夜间测量", "夜间噪声测量应在22时至次日6时进行。"),
            ],
        ),
    ]
    library = Library.open(tmp_path_factory.mktemp("catalogue"))
    engine = library_engine(library, engine_name, request)
    engine.rebuild(iter(standards))
    return engine


# ---------------------------------------------------------------------------
# Standard numbers


def test_every_number_spelling_of_the_dev_set_finds_its_standard_first(catalogue_index, eval_dir):
    for row in _dev_rows(eval_dir, "number"):
        result = search(catalogue_index, row["query"], limit=5)
        assert result.hits, row["query"]
        top = result.hits[0]
        assert normalise_std_no(top.std_no) == normalise_std_no(row["std_no"]), row["query"]
        assert top.clause_no == "1"  # the standard is shown through its scope clause


def test_current_edition_ranks_above_the_superseded_one(catalogue_index):
    hits = search(catalogue_index, "gb3838", limit=5).hits
    assert [h.std_no for h in hits[:2]] == ["GB 3838-2002", "GB 3838-1988"]
    assert hits[0].score > hits[1].score


def test_dated_number_finds_that_edition(catalogue_index):
    assert search(catalogue_index, "GB 3838—88", limit=1).hits[0].std_no == "GB 3838-1988"


def test_number_with_words(catalogue_index):
    hits = search(catalogue_index, "GB 3838 地面水", limit=3).hits
    assert hits[0].std_no.startswith("GB 3838")


def test_unknown_number_suggests_close_numbers(catalogue_index):
    result = search(catalogue_index, "gb3839", limit=5)
    assert result.total == 0 and not result.hits
    assert "GB 3838-2002" in result.suggestions


# ---------------------------------------------------------------------------
# Words


def test_sub_word_finds_the_longer_word(catalogue_index):
    hits = search(catalogue_index, "添加", limit=5).hits
    assert hits and hits[0].std_no == "DB44/1234-2020"
    assert "【添加】" in hits[0].snippet or "【添加剂】" in hits[0].snippet


def test_more_matched_words_rank_higher(catalogue_index):
    hits = search(catalogue_index, "夜间 噪声 测量", limit=5).hits
    assert (hits[0].std_no, hits[0].clause_no) == ("DB44/T 99-2015", "5.2")
    assert "<mark>" in hits[0].snippet_html


def test_title_words_find_the_standard(catalogue_index):
    hits = search(catalogue_index, "食品添加剂 使用规范", limit=3).hits
    assert hits[0].std_no == "DB44/1234-2020"


def test_phrase_must_appear_as_written(sample_index):
    result = search(sample_index, '"检索请求"', limit=20, group=False)
    assert result.hits
    for hit in result.hits:
        assert "检索请求" in (hit.heading + hit.title_zh + hit.text).replace(" ", "")


def test_phrase_with_a_particle_inside(sample_index):
    hits = search(sample_index, '"标准文献的编目"', limit=5).hits
    assert hits and hits[0].std_no == "T/STDS 003-2026"


def test_exclusion_drops_clauses(sample_index):
    plain = search(sample_index, "命中", limit=50, group=False).hits
    excluded = search(sample_index, "命中 -条款", limit=50, group=False).hits
    assert len(excluded) < len(plain)
    assert all("条款" not in h.text for h in excluded)


def test_term_query_finds_its_definition(sample_index):
    hit = search(sample_index, "条款级检索", limit=1).hits[0]
    assert (hit.std_no, hit.clause_no) == ("T/STDS 002-2025", "3.3")
    assert hit.page and hit.heading == "条款级检索"


def test_question_finds_the_answering_clause(sample_index):
    hits = search(sample_index, "发布日期应该怎么著录", limit=3).hits
    assert ("T/STDS 003-2026", "5.3") in [(h.std_no, h.clause_no) for h in hits]


def test_sample_number_query_and_editions(sample_index):
    hits = search(sample_index, "t/stds 001", limit=5).hits
    assert hits[0].std_no == "T/STDS 001-2026"
    assert hits[0].matched == "standard"
    assert "T/STDS 001-2024" in [h.std_no for h in hits]


# ---------------------------------------------------------------------------
# Grouping, paging, filters, facets


def test_groups_hold_a_standards_best_clauses(sample_index):
    result = search(sample_index, "检索", limit=10, clauses_per_standard=2)
    assert result.groups
    seen = set()
    for group in result.groups:
        assert 1 <= len(group.clauses) <= 2
        assert all(h.std_no == group.std_no for h in group.clauses)
        assert group.std_no not in seen
        seen.add(group.std_no)
    assert any(g.more for g in result.groups)
    # Hits follow the groups: a standard's clauses are next to each other.
    order = [h.std_no for h in result.hits]
    assert order == sorted(order, key=order.index)


def test_paging_does_not_repeat_hits(sample_index):
    first = search(sample_index, "检索", limit=5, offset=0, group=False).hits
    second = search(sample_index, "检索", limit=5, offset=5, group=False).hits
    keys = [(h.std_no, h.clause_no) for h in first + second]
    assert len(set(keys)) == len(keys) == 10


def test_filters_in_the_query_and_as_arguments(sample_index):
    replaced = search(sample_index, "数字化 status:被代替", limit=20).hits
    assert replaced and {h.std_no for h in replaced} == {"T/STDS 001-2024"}
    current = search(sample_index, "数字化", limit=20, filters={"status": "现行"}).hits
    assert current and "T/STDS 001-2024" not in {h.std_no for h in current}
    assert search(sample_index, "数字化 level:local", limit=5).hits == []


def test_filters_alone_browse_the_library(sample_index):
    result = search(sample_index, "status:即将实施", limit=5)
    assert result.hits and {h.status for h in result.hits} == {"即将实施"}


def test_facets_count_matching_standards(sample_index):
    result = search(sample_index, "标准", limit=5)
    status = dict(result.facets["status"])
    assert sum(status.values()) == result.total_standards
    assert status.get("被代替") == 1
    assert dict(result.facets["level"]) == {"group": result.total_standards}


def test_json_contract(sample_library):
    from search_app.cli import main

    runner = CliRunner()
    out = runner.invoke(
        main, ["--data", str(sample_library.root), "search", "检索请求", "--json", "--limit", "3"]
    )
    assert out.exit_code == 0, out.output
    data = json.loads(out.stdout)
    assert isinstance(data["total"], int) and data["query"] == "检索请求"
    assert 0 < len(data["hits"]) <= 3
    for hit in data["hits"]:
        assert {
            "std_no",
            "title_zh",
            "status",
            "clause_no",
            "heading",
            "page",
            "score",
            "snippet",
        } <= set(hit)
        assert "<mark>" not in hit["snippet"]


def test_cli_reports_a_bad_query_with_exit_code_2(sample_library):
    from search_app.cli import main

    out = CliRunner().invoke(
        main, ["--data", str(sample_library.root), "search", "status:nonsense"]
    )
    assert out.exit_code == 2
    assert "status" in out.output


# ---------------------------------------------------------------------------
# Hostile input: a result or a QueryError, never another exception (their speed is
# measured by tests/bench/bench_search.py)


@pytest.mark.parametrize("text", HOSTILE_QUERIES)
def test_hostile_queries(sample_index, text):
    try:
        result = search(sample_index, text, limit=10)
    except QueryError as error:
        assert str(error)
        return
    assert result.total >= 0
    for hit in result.hits:
        assert "<script>" not in hit.snippet_html


def test_ten_thousand_characters_is_a_query_error(sample_index):
    with pytest.raises(QueryError):
        search(sample_index, "检索" * 5000)


def test_bad_paging_is_a_query_error(sample_index):
    for limit, offset in ((0, 0), (-1, 0), (10, -5), ("x", 0), (10**9, 0)):
        with pytest.raises(QueryError):
            search(sample_index, "检索", limit=limit, offset=offset)


# ---------------------------------------------------------------------------
# A few real standards

CORPUS_FILES = [
    "DB44_1989-2017.pdf",
    "GB_5085.7-2019.pdf",
    "GB_12523-2011.pdf",
    "GB_34330-2017.pdf",
]


@pytest.fixture(scope="module")
def corpus_index(tmp_path_factory, corpus_pdf, engine_name, request):
    library = _ingest(
        [corpus_pdf(name) for name in CORPUS_FILES], tmp_path_factory.mktemp("corpus")
    )
    return library_engine(library, engine_name, request)


@pytest.mark.corpus
def test_real_number_queries(corpus_index):
    assert search(corpus_index, "gb12523", limit=1).hits[0].std_no == "GB 12523-2011"
    assert (
        search(corpus_index, "ＧＢ ５０８５.７—２０１９", limit=1).hits[0].std_no
        == "GB 5085.7-2019"
    )
    assert search(corpus_index, "db44/1989", limit=1).hits[0].std_no == "DB44/1989-2017"


@pytest.mark.corpus
def test_real_title_query(corpus_index):
    assert search(corpus_index, "建筑施工 场界 噪声", limit=1).hits[0].std_no == "GB 12523-2011"


@pytest.mark.corpus
def test_real_clause_has_page_and_snippet(corpus_index):
    hits = search(corpus_index, "夜间 噪声 最大声级", limit=5).hits
    hit = hits[0]
    assert hit.std_no == "GB 12523-2011"
    assert isinstance(hit.page, int) and hit.page >= 1
    assert "【" in hit.snippet


def test_counts_in_chinese_numerals_also_search_digits():
    from search_app.search.query_terms import arabic_numerals

    assert arabic_numerals("作者超过三个人时") == "作者超过3个人时"
    assert arabic_numerals("保存十五年") == "保存15年"
    assert arabic_numerals("一般情况统一处理") == "一般情况统一处理"


def test_bm25f_matches_whoosh_and_rewards_coordination(tmp_path):
    from whoosh import index as whoosh_index
    from whoosh import query as Q
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.scoring import BM25F

    from indexer.engine.plan import Bm25, WeightedTerm
    from indexer.engine.whoosh.scoring import bm25f

    ix = whoosh_index.create_in(str(tmp_path), Schema(id=ID(stored=True), body=TEXT))
    writer = ix.writer()
    for i, text in enumerate(["noise night", "noise", "night day day", "other words here"]):
        writer.add_document(id=str(i), body=text)
    writer.commit()
    with ix.searcher(weighting=BM25F()) as searcher:
        terms = [WeightedTerm("body", "noise", 1.0, 0), WeightedTerm("body", "night", 1.0, 1)]
        plain = bm25f(searcher, terms)
        whoosh = {
            h.docnum: h.score
            for h in searcher.search(Q.Or([Q.Term("body", "noise"), Q.Term("body", "night")]))
        }
        assert set(plain) == set(whoosh) == {0, 1, 2}
        for doc, score in whoosh.items():
            assert plain[doc] == pytest.approx(
                score, rel=0.05
            )  # field lengths are stored approximately
        coordinated = bm25f(searcher, terms, Bm25(coordination=3.0))
        assert max(coordinated, key=coordinated.get) == 0
        assert set(bm25f(searcher, terms, allowed={1, 3})) == {1}


def test_digits_among_words_are_a_hint_not_a_standard(catalogue_index):
    # `3838` alone is a number query; among words it is as likely a quantity.
    assert search(catalogue_index, "3838", limit=1).hits[0].std_no == "GB 3838-2002"
    hits = search(catalogue_index, "夜间噪声测量 3838", limit=1).hits
    assert hits[0].std_no == "DB44/T 99-2015"
