"""标龄 and 复审 over the shared corpus: ages against the dates printed on covers, the
search filters `age:` and `review:due` against the catalogue's own computation on both
engines, an index made before the implementation date was indexed, and the command line."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import date

import pytest
from click.testing import CliRunner
from hypothesis import strategies as st

from indexer.engine import open_engine
from indexer.engine.plan import AnyOf, Between, Equals
from indexer.library.catalogue import Catalogue
from indexer.library.review import age_range, review_report, standard_age
from indexer.library.store import Library
from search_app.cli import main
from search_app.search import search
from search_app.search.planning import Calendar, filters
from search_app.search.query import FILTER_NAMES, QueryError, filters_to_text, parse_query
from search_app.startup import open_search
from tests.conftest import library_engine
from tests.fuzzing import few_and_many
from tests.search_app.test_query_fuzz import FILTER_VALUES

TODAY = date(2026, 12, 7)


# -- the query language --------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("age:>5", {"age": (">5",)}),
        ("标龄:>5 噪声", {"age": (">5",)}),
        ("标龄：＞５", {"age": (">5",)}),
        ("age:3-10", {"age": ("3-10",)}),
        ("age:<3 age:≥1", {"age": ("<3", ">=1")}),
        ("review:due", {"review": ("due",)}),
        ("复审:到期 status:现行", {"review": ("due",), "status": ("现行",)}),
    ],
)
def test_age_and_review_filters_are_read_and_print_back(typed, expected):
    parsed = parse_query(typed)
    assert parsed.filters == expected
    assert parse_query(filters_to_text(parsed.filters)).filters == expected


@pytest.mark.parametrize("typed", ["age:old", "age:>", "标龄:5-", "review:soon", "复审:"])
def test_what_is_no_age_or_review_is_a_filter_error(typed):
    with pytest.raises(QueryError) as refused:
        parse_query(typed)
    assert refused.value.code == "filter"


def test_ages_plan_as_ranges_of_the_implementation_date_from_the_day_given():
    calendar = Calendar(TODAY, review_years=5)
    assert filters(parse_query("age:>5").filters, calendar) == (
        AnyOf((Between("implemented", 1, 20211206),)),
    )
    # Each age must hold: two filters, one range each (a cluster's WHERE takes one).
    assert filters(parse_query("age:>3 age:<10").filters, calendar) == (
        AnyOf((Between("implemented", 1, 20231206),)),
        AnyOf((Between("implemented", 20161208, None),)),
    )
    assert filters(parse_query("review:due").filters, Calendar(TODAY, 10)) == (
        AnyOf((Equals("status", "现行"),)),
        AnyOf((Between("implemented", 1, 20161206),)),
    )


AGE_OR_REVIEW = st.sampled_from(["age", "标龄", "review", "复审"]).flatmap(
    lambda name: FILTER_VALUES[FILTER_NAMES[name]].map(lambda value: f"{name}:{value}")
)


@few_and_many(
    st.lists(AGE_OR_REVIEW, max_size=4), st.dates(min_value=date(1, 1, 1)), st.integers(0, 100)
)
def test_any_age_and_review_filters_plan_for_both_engines(typed, today, years):
    """Whatever ages are typed, on whatever day, each engine gets a plan it can run."""
    from indexer.engine.plan import QueryPlan
    from indexer.engine.sphinxql.query import build
    from indexer.engine.whoosh.snapshot import filter_query

    try:
        parsed = parse_query(" ".join(typed))
    except QueryError as error:
        assert error.code == "filter"
        return
    plan = QueryPlan(filters=filters(parsed.filters, Calendar(today, years)))
    for one in plan.filters:
        for condition in one.conditions:
            if isinstance(condition, Between):
                assert condition.low is None or condition.low >= 1
                assert condition.high is None or condition.high <= 99991231
    assert (filter_query(plan.filters) is None) == (not typed)
    build(plan)


# -- the corpus --------------------------------------------------------------------------


def corpus_entries(library) -> dict[str, dict]:
    with Catalogue(library.catalogue_path) as catalogue:
        return {e["std_no"]: e for e in catalogue.all_metadata()}


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("std_no", "implemented", "basis", "completed", "due"),
    [
        # GB_T_7714-2015.pdf, cover (p. 1): "2015-05-15发布 2015-12-01实施".
        ("GB/T 7714-2015", "2015-12-01", "effective", 11, True),
        # HJ_212-2017.pdf, cover (p. 1): "2017-4-24 发布 2017-5-1 实施".
        ("HJ 212-2017", "2017-05-01", "effective", 9, True),
        # DB44_26-2001.pdf, cover (p. 1): "2001 – 08 – 20 发布 2002 – 01 – 01 实施".
        ("DB44/26-2001", "2002-01-01", "effective", 24, True),
        # JT_T_808-2013_BD.pdf, cover (p. 1): "中华人民共和国交通运输部发布 二〇一三年一月",
        # no 实施 date: the age counts from the month of issue; replaced by JT/T 808-2019.
        ("JT/T 808-2013", "2013-01-01", "issued", 13, False),
    ],
)
def test_ages_of_corpus_standards_follow_their_printed_dates(
    corpus_library, std_no, implemented, basis, completed, due
):
    age = standard_age(corpus_entries(corpus_library)[std_no], TODAY)
    assert (age.implemented, age.basis, age.completed_years, age.due) == (
        implemented,
        basis,
        completed,
        due,
    )


def matched(engine, query: str, review_years: int = 5) -> set[str]:
    result = search(engine, query, limit=1000, today=TODAY, review_years=review_years)
    assert result.total_standards == len(result.groups) < 1000
    return {group.sha256 for group in result.groups}


@pytest.fixture(scope="module")
def corpus_engine(corpus_library, engine_name, request):
    """The corpus library on each engine, indexed once for the module's searches."""
    return library_engine(corpus_library, engine_name, request)


@pytest.mark.corpus
@pytest.mark.parametrize("query", ["age:>5", "age:<3", "age:3-10", "标龄:>=10", "age:>5 age:<20"])
def test_age_filters_find_what_the_catalogue_computes_on_each_engine(
    corpus_library, corpus_engine, query
):
    engine = corpus_engine
    entries = corpus_entries(corpus_library).values()
    specs = parse_query(query).filters["age"]
    expected = set()
    for entry in entries:
        age = standard_age(entry, TODAY)
        key = int(age.implemented.replace("-", "") or 0)
        ranges = [age_range(spec, TODAY) for spec in specs]
        if all(
            (r.low is None or key >= r.low) and (r.high is None or key <= r.high) for r in ranges
        ):
            expected.add(entry["sha256"])
    assert expected, query  # the corpus has standards of every age asked for here
    assert matched(engine, query) == expected


@pytest.mark.corpus
@pytest.mark.parametrize("years", [5, 10, 20])
def test_review_due_finds_the_reports_standards_on_each_engine(
    corpus_library, corpus_engine, years
):
    engine = corpus_engine
    report = review_report(corpus_entries(corpus_library).values(), TODAY, years)
    by_number = corpus_entries(corpus_library)
    expected = {by_number[s.std_no]["sha256"] for s in report.due}
    assert expected
    assert matched(engine, "review:due", years) == expected
    assert matched(engine, "复审:到期", years) == expected
    # With words: the due standards among those that match them.
    noise = matched(engine, "噪声 review:due", years)
    assert noise and noise <= expected


@pytest.mark.corpus
def test_the_review_command_prints_the_report_as_json_and_csv(corpus_library):
    data = str(corpus_library.root)
    as_json = CliRunner().invoke(main, ["--data", data, "review", "--on", "2026-12-07", "--json"])
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)
    expected = review_report(corpus_entries(corpus_library).values(), TODAY)
    assert [s["std_no"] for s in report["due"]] == [s.std_no for s in expected.due]
    assert report["due_count"] == sum(g["count"] for g in report["by_level"])
    as_csv = CliRunner().invoke(
        main, ["--data", data, "review", "--on", "2026-12-07", "--csv", "--years", "20"]
    )
    rows = list(csv.reader(io.StringIO(as_csv.output)))
    assert rows[0] == [
        *("std_no", "title_zh", "level", "issuers", "status", "implemented", "basis", "age_years")
    ]
    assert [row[0] for row in rows[1:]] == [
        s.std_no for s in review_report(corpus_entries(corpus_library).values(), TODAY, 20).due
    ]
    text = CliRunner().invoke(main, ["--data", data, "review", "--on", "2026-12-07"])
    # GB_18918-2002.pdf, cover: "2002－12－24 发布 2003－07－01 实施".
    assert "\nnational (" in text.output
    assert any(
        "GB 18918-2002" in line and "2003-07-01" in line for line in text.output.splitlines()
    )
    both = CliRunner().invoke(main, ["--data", data, "review", "--json", "--csv"])
    assert both.exit_code == 2


# -- an index made before the implementation date was indexed ------------------------


def test_a_whoosh_index_without_the_field_is_rebuilt_at_start_up(samples_library, tmp_path):
    from whoosh import index as whoosh_index

    from indexer.engine.documents import index_documents
    from indexer.engine.whoosh.schema import build_schema
    from indexer.library.lookup import load_standard

    root = tmp_path / "lib"
    shutil.copytree(samples_library.root, root, ignore=shutil.ignore_patterns("cluster"))
    library = Library.open(root)
    engine = open_engine(library)
    # The index as the stdsearch before this field wrote it: same documents, no column.
    old = build_schema()
    old.remove("implemented")
    generation = library.index_root / "gen-1"
    shutil.rmtree(library.index_root)
    generation.mkdir(parents=True)
    ix = whoosh_index.create_in(str(generation), old)
    writer = ix.writer()
    with Catalogue(library.catalogue_path) as catalogue:
        for sha in catalogue.shas():
            for document in index_documents(load_standard(library, catalogue, sha)):
                document.pop("implemented")
                writer.add_document(**document)
    writer.commit()
    (library.index_root / "CURRENT").write_text(generation.name)
    assert open_engine(library).missing_fields() == ["implemented"]
    assert not matched(engine, "age:>=0")
    # Commands open the library without the start-up check: they say what is missing.
    heard = []
    open_search(library, on_mismatch=heard.append)
    assert any("implemented" in str(h) and "stdsearch reindex" in str(h) for h in heard)

    opened = open_search(library, repair=True)
    assert opened.missing_fields() == []
    with Catalogue(library.catalogue_path) as catalogue:
        dated = {e["sha256"] for e in catalogue.all_metadata() if e["effective"] or e["issued"]}
    assert dated and matched(opened, "age:<100") == dated


def test_a_cluster_table_without_the_column_gets_it_at_start_up(samples_library, tmp_path, request):
    from indexer.engine.sphinxql.connection import connect
    from indexer.engine.sphinxql.schema import table

    root = tmp_path / "lib"
    shutil.copytree(samples_library.root, root, ignore=shutil.ignore_patterns("cluster"))
    library = Library.open(root)
    engine = library_engine(library, "sphinxql", request)
    current = table(engine.generation())
    for node in engine.cluster.shard_nodes:
        conn = connect(node)
        with conn.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {current} DROP COLUMN implemented")
        conn.close()
    assert engine.missing_fields() == ["implemented"]

    opened = open_search(library, engine="sphinxql", repair=True)
    assert opened.missing_fields() == []
    with Catalogue(library.catalogue_path) as catalogue:
        dated = {e["sha256"] for e in catalogue.all_metadata() if e["effective"] or e["issued"]}
    assert dated and matched(opened, "age:<100") == dated


def test_the_search_command_takes_the_review_age_from_the_environment(samples_library):
    """The samples: T/STDS 001-2026 (实施 2026-06-01) and T/STDS 002-2025 are in force."""
    data = str(samples_library.root)
    with Catalogue(samples_library.catalogue_path) as catalogue:
        entries = catalogue.all_metadata()
    due_now = {s.std_no for s in review_report(entries, date.today(), 0).due}
    assert due_now
    for years, expected in (("0", due_now), ("100", set())):
        result = CliRunner().invoke(
            main,
            ["--data", data, "search", "review:due", "--json", "--limit", "100"],
            env={"STDSEARCH_REVIEW_YEARS": years},
        )
        assert result.exit_code == 0, result.output
        assert {hit["std_no"] for hit in json.loads(result.stdout)["hits"]} == expected
