"""The engine contract (`indexer.engine.interface`), checked on every engine.

Each test runs once per engine in `indexer.engine.ENGINES`, on a real index on disk
written through the engine's own `update` and `rebuild`: an engine that passes them can
serve the search core, the site and ingest without any of them knowing which it is.
"""

from __future__ import annotations

import pytest

from analyzers.chinese import initialize
from indexer.engine import ENGINES, DictionaryMismatch, open_engine
from indexer.engine.documents import heading_key
from indexer.engine.plan import (
    AnyOf,
    Between,
    Bm25,
    Equals,
    Phrase,
    Prefix,
    QueryPlan,
    WeightedTerm,
)
from indexer.library.model import Clause, Standard
from indexer.library.store import Library
from search_app.search import search


def standard(sha: str, std_no: str, title: str, clauses, **metadata) -> Standard:
    """A standard as the library stores it; `clauses` are (clause_no, heading, text)."""
    prefix, _, _ = std_no.partition(" ")
    return Standard(
        std_no=std_no,
        prefix=prefix,
        title_zh=title,
        sha256=sha,
        status=metadata.pop("status", "现行"),
        level=metadata.pop("level", "national"),
        kind=metadata.pop("kind", "mandatory"),
        clauses=[
            Clause(
                clause_no=no,
                heading=heading,
                level=no.count(".") + 1,
                text=text,
                page_start=i + 1,
                page_end=i + 1,
                order=i,
                kind=metadata.get("kinds", {}).get(no, "clause"),
            )
            for i, (no, heading, text) in enumerate(clauses)
        ],
        **{k: v for k, v in metadata.items() if k != "kinds"},
    )


NOISE = standard(
    "a" * 64,
    "GB 12348-2008",
    "工业企业厂界环境噪声排放标准",
    [
        ("前言", "前言", "本标准代替GB 12348-1990。"),
        ("1", "范围", "本标准规定了工业企业厂界环境噪声排放限值及其测量方法。"),
        ("3.1", "厂界", "由法律文书确定的业主所拥有使用权的场所或建筑物边界。"),
        ("4", "排放限值", ""),
        (
            "4.1",
            "厂界环境噪声排放限值",
            "工业企业厂界环境噪声不得超过表1规定的排放限值。夜间频发噪声的最大声级超过限值的幅度不得高于10 dB(A)。",
        ),
        ("5", "测量方法", "测量应在无雨雪、无雷电天气，风速为5 m/s以下时进行。"),
    ],
    ics=["13.140"],
    issued="2008-08-19",
    kinds={"3.1": "term"},
)
WATER = standard(
    "b" * 64,
    "GB 3838-2002",
    "地表水环境质量标准",
    [
        ("3", "术语", "地表水是指存在于地壳表面的水。"),
        (
            "1",
            "范围",
            "本标准按照地表水环境功能分类和保护目标，规定了水环境质量应控制的项目及限值。",
        ),
        ("4", "水域功能和标准分类", "依据地表水水域环境功能和保护目标，按功能高低依次划分为五类。"),
    ],
    ics=["13.060.10"],
)
OLD_WATER = standard(
    "c" * 64,
    "GB 3838-1988",
    "地面水环境质量标准",
    [("1", "范围", "本标准适用于地面水。"), ("2", "水域功能", "地面水按功能分为五类。")],
    status="被代替",
    ics=["13.060"],
)
LOCAL = standard(
    "d" * 64,
    "DB44/T 99-2015",
    "夜间施工噪声管理规范",
    [
        ("1", "范围", "本文件适用于建筑施工。"),
        ("5.2", "夜间测量", "夜间噪声测量应在22时至次日6时进行。"),
    ],
    level="local",
    kind="recommended",
    region="广东",
)
LIBRARY = [NOISE, WATER, OLD_WATER, LOCAL]


def engine_of(name: str, library: Library, request):
    """The engine `name` over `library`: a cluster engine on the test run's cluster."""
    if name == "sphinxql":
        cluster = request.getfixturevalue("sphinx_cluster")
        return open_engine(library, name, folder=cluster.folder)
    return open_engine(library, name)


@pytest.fixture(params=ENGINES)
def engine(request, tmp_path):
    """An engine over a fresh library, holding the four standards above."""
    initialize()
    opened = engine_of(request.param, Library.open(tmp_path / request.param), request)
    assert opened.rebuild(iter(LIBRARY)) == len(LIBRARY)
    return opened


def words(field: str, *tokens: str, boost: float = 1.0) -> tuple[WeightedTerm, ...]:
    return tuple(WeightedTerm(field, token, boost, group) for group, token in enumerate(tokens))


def match(engine, plan: QueryPlan, k: int = 50):
    return engine.read(lambda snapshot: snapshot.match(plan, k))


def ranked(matches) -> list[tuple[str, str]]:
    return [(c.sha256[0], c.clause_no) for c in matches.candidates]


# -- writing ------------------------------------------------------------------------------


def test_update_adds_replaces_and_deletes_in_one_commit(engine):
    assert engine.indexed_shas() == {s.sha256 for s in LIBRARY}
    changed = standard(
        NOISE.sha256, NOISE.std_no, NOISE.title_zh, [("1", "范围", "改写后的范围。")]
    )
    engine.update([changed], removed=[LOCAL.sha256])
    assert engine.indexed_shas() == {NOISE.sha256, WATER.sha256, OLD_WATER.sha256}
    found = match(engine, QueryPlan(terms=words("body_bi", "改写")))
    assert ranked(found) == [("a", "1")]
    # The old clauses of the replaced standard are gone, with their counts.
    assert not match(engine, QueryPlan(terms=words("body_bi", "厂界"))).candidates
    assert found.clause_counts == {NOISE.sha256: 1}


def test_rebuild_replaces_everything_at_once(engine):
    assert engine.rebuild(iter([WATER])) == 1
    assert engine.indexed_shas() == {WATER.sha256}
    assert not match(engine, QueryPlan(terms=words("body_bi", "噪声"))).candidates


# -- matching -----------------------------------------------------------------------------


def test_candidates_come_best_first_with_what_ranking_reads(engine):
    plan = QueryPlan(terms=words("body_bi", "噪声", "夜间"), scoring=Bm25(coordination=3.0))
    found = match(engine, plan)
    scores = [c.score for c in found.candidates]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0
    # Clauses with both words come first (coordination), the shorter before the longer.
    assert ranked(found)[:2] == [("d", "5.2"), ("a", "4.1")]
    best = found.candidates[0]
    assert not best.is_standard and best.order == 1 and best.has_text
    assert best.heading_key == heading_key("夜间测量")
    assert found.standards[NOISE.sha256]["std_no"] == "GB 12348-2008"
    assert found.standards[LOCAL.sha256]["region"] == "广东"


def test_counts_and_facets_cover_every_match_not_just_the_candidates(engine):
    found = match(engine, QueryPlan(terms=words("body_bi", "地表"), facets=("status", "ics")), k=1)
    assert len(found.candidates) == 1
    assert found.clause_counts == {WATER.sha256: 3}
    assert found.matched == {WATER.sha256}
    assert found.facets == {"status": [("现行", 1)], "ics": [("13.060", 1)]}
    found = match(engine, QueryPlan(terms=words("body_bi", "噪声"), facets=("level",)), k=1)
    assert found.facets["level"] == [("local", 1), ("national", 1)]


def test_a_term_scored_only_where_its_condition_holds(engine):
    title = (WeightedTerm("title", "噪声", 3.0, 0, Equals("doc_type", "standard")),)
    found = match(engine, QueryPlan(terms=title))
    assert {(c.sha256[0], c.is_standard) for c in found.candidates} == {("a", True), ("d", True)}


def test_phrases_are_required_and_add_their_score(engine):
    noise_words = words("body_bi", "噪声")
    phrase = Phrase(("heading_bi", "body_bi", "title_bi"), ("夜间", "间施", "施工"), 2.0)
    with_phrase = match(engine, QueryPlan(terms=noise_words, phrases=(phrase,)))
    assert {c.sha256 for c in with_phrase.candidates} == {LOCAL.sha256}
    alone = match(engine, QueryPlan(phrases=(phrase,)))
    assert {c.sha256 for c in alone.candidates} == {LOCAL.sha256}
    plain = {c.ref: c.score for c in match(engine, QueryPlan(terms=noise_words)).candidates}
    assert all(c.score > plain.get(c.ref, 0.0) for c in with_phrase.candidates)


def test_excluded_phrases_drop_documents_from_candidates_and_counts(engine):
    excluded = (Phrase(("heading_bi", "body_bi", "title_bi"), ("夜间",)),)
    found = match(engine, QueryPlan(terms=words("body_bi", "噪声"), excluded=excluded))
    assert ranked(found) == [("a", "1")]
    assert found.matched == {NOISE.sha256} and found.clause_counts == {NOISE.sha256: 1}


def test_filters_of_each_kind_and_all_of_them(engine):
    def shas(*filters) -> set[str]:
        plan = QueryPlan(terms=words("heading_bi", "范围"), filters=filters)
        return {c.sha256[0] for c in match(engine, plan).candidates}

    assert shas(AnyOf((Equals("status", "被代替"),))) == {"c"}
    assert shas(AnyOf((Equals("status", "被代替"), Equals("level", "local")))) == {"c", "d"}
    assert shas(AnyOf((Prefix("ics", "13.060"),))) == {"b", "c"}
    assert shas(AnyOf((Between("year", 2000, 2010),))) == {"a", "b"}
    assert shas(AnyOf((Between("year", None, 1990),))) == {"c"}
    assert shas(AnyOf((Prefix("ics", "13"),)), AnyOf((Equals("status", "现行"),))) == {"a", "b"}


def test_a_plan_without_words_lists_the_standards_its_filters_select(engine):
    plan = QueryPlan(filters=(AnyOf((Prefix("ics", "13.060"),)),), facets=("status",))
    found = match(engine, plan)
    assert all(c.is_standard and c.score == 1.0 for c in found.candidates)
    assert {c.sha256 for c in found.candidates} == {WATER.sha256, OLD_WATER.sha256}
    assert found.clause_counts == {WATER.sha256: 3, OLD_WATER.sha256: 2}
    assert found.facets == {"status": [("现行", 1), ("被代替", 1)]}


def test_require_all_keeps_documents_that_match_every_group(engine):
    plan = QueryPlan(terms=words("body_bi", "地表", "功能"), require_all=True)
    assert set(ranked(match(engine, plan))) == {("b", "1"), ("b", "4")}
    every = QueryPlan(terms=words("body_bi", "地表", "功能"))
    assert ("b", "3") in ranked(match(engine, every))


# -- reading ------------------------------------------------------------------------------


def test_the_clause_that_leads_a_standard(engine):
    def lead(sha):
        return engine.read(lambda snapshot: snapshot.lead(sha))

    assert lead(WATER.sha256).clause_no == "1"  # clause 1, though printed after clause 3
    assert lead(NOISE.sha256).clause_no == "1"
    assert lead("e" * 64) is None


def test_stored_fields_and_documents_by_id(engine):
    def read(snapshot):
        ref = snapshot.find(f"{NOISE.sha256}:4")
        return snapshot.stored(ref), snapshot.find("no such document")

    stored, missing = engine.read(read)
    assert (stored["std_no"], stored["clause_no"], stored["heading"]) == (
        "GB 12348-2008",
        "4.1",
        "厂界环境噪声排放限值",
    )
    assert stored["page"] == 5 and stored["status"] == "现行" and missing is None


def test_more_like_finds_other_documents_on_the_same_subject(engine):
    def similar(snapshot):
        ref = snapshot.find(f"{LOCAL.sha256}:1")
        return ref, snapshot.more_like(ref, "body", 10, 12)

    ref, found = engine.read(similar)
    assert found and ref not in {c.ref for c in found}
    assert NOISE.sha256 in {c.sha256 for c in found}


def test_distinct_values_in_index_order(engine):
    def values(snapshot):
        return (
            snapshot.values("std_no", Equals("doc_type", "standard")),
            snapshot.values("heading", Equals("clause_kind", "term")),
        )

    numbers, terms = engine.read(values)
    assert numbers == [s.std_no for s in LIBRARY]
    assert terms == ["厂界"]


def test_the_search_core_runs_on_the_engine(engine):
    result = search(engine, "夜间 噪声 测量", limit=5)
    assert result.hits[0].std_no == "DB44/T 99-2015"
    assert search(engine, "gb3838").hits[0].std_no == "GB 3838-2002"
    assert search(engine, "水域功能 -地面").groups[0].std_no == "GB 3838-2002"


# -- the dictionary -----------------------------------------------------------------------


def test_domain_words_are_recorded_and_checked(engine, monkeypatch):
    assert {"厂界", "夜间测量", "厂界环境噪声排放限值"} <= engine.dictionary_words()
    engine.check_dictionary()  # the writer's own dictionary
    # An index cut by another analysis (an older stdsearch, another jieba) is reported.
    monkeypatch.setattr("analyzers.segmenter.ANALYSIS_VERSION", -1)
    engine.update([LOCAL])
    monkeypatch.undo()
    with pytest.raises(DictionaryMismatch, match="stdsearch reindex"):
        engine.check_dictionary()
    engine.rebuild(iter(LIBRARY))
    engine.check_dictionary()
