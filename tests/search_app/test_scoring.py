"""BM25F over posting lists: read a block at a time, field lengths read once per index."""

from __future__ import annotations

import pytest
from whoosh import index as whoosh_index
from whoosh.fields import ID, TEXT, Schema
from whoosh.scoring import BM25F

from indexer.engine.plan import Bm25, WeightedTerm
from indexer.engine.whoosh.scoring import bm25f, length_norms, posting_blocks

WORDS = ["noise", "night", "day", "limit", "level", "measure"]


def _text(i: int) -> str:
    # Lengths and term counts vary with i, so field lengths matter to the scores.
    return " ".join(WORDS[(i * k) % len(WORDS)] for k in range(1, 2 + i % 7))


@pytest.fixture
def segmented(tmp_path):
    """Three segments of 300 documents each (posting lists longer than one block of 128),
    with deletions in the middle one."""
    ix = whoosh_index.create_in(
        str(tmp_path), Schema(id=ID(stored=True, unique=True), body=TEXT, title=TEXT)
    )
    for part in range(3):
        writer = ix.writer()
        for i in range(part * 300, part * 300 + 300):
            writer.add_document(id=str(i), body=_text(i), title=WORDS[i % len(WORDS)])
        writer.commit(merge=False)
    writer = ix.writer()
    for i in range(310, 350):
        writer.delete_by_term("id", str(i))
    writer.commit(merge=False)
    return ix


def _terms():
    return [
        WeightedTerm("body", "noise", 1.0, 0),
        WeightedTerm("title", "noise", 3.0, 0),
        WeightedTerm("body", "night", 1.0, 1),
        WeightedTerm("body", "limit", 0.5, -1),
    ]


def test_field_lengths_read_once_give_the_same_scores(segmented):
    with segmented.searcher(weighting=BM25F()) as searcher:
        assert len(searcher.reader().leaf_readers()) == 3
        cache: dict = {}

        def norms(field, b):
            return cache.setdefault((field, b), length_norms(searcher, field, 1.2, b))

        model = Bm25(coordination=3.0, field_B={"title": 0.3}, max_df_share=1.0)
        each = bm25f(searcher, _terms(), model)
        once = bm25f(searcher, _terms(), model, norms=norms)
        assert set(each) == set(once)
        assert each == pytest.approx(once, rel=1e-12)
        # Deleted documents are not scored.
        kept = {d for d in range(searcher.doc_count_all()) if not searcher.reader().is_deleted(d)}
        assert set(once) <= kept and len(kept) == 860
        allowed = set(range(0, 900, 3))
        assert set(bm25f(searcher, _terms(), norms=norms, allowed=allowed)) <= allowed


def test_length_norms_follow_the_stored_field_lengths(segmented):
    with segmented.searcher() as searcher:
        reader = searcher.reader()
        average = searcher.avg_field_length("body")
        norms = length_norms(searcher, "body", K1=1.2, b=0.75)
        assert len(norms) == reader.doc_count_all()
        for doc in range(0, reader.doc_count_all(), 7):
            if reader.is_deleted(doc):
                continue
            length = reader.doc_field_length(doc, "body", 0)
            assert norms[doc] == pytest.approx(1.2 * (1 - 0.75 + 0.75 * length / average))


def test_posting_blocks_cover_the_whole_posting_list(segmented):
    with segmented.searcher() as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            expected = list(leaf.postings("body", "noise").items_as("weight"))
            got = [
                (doc, weight)
                for ids, weights in posting_blocks(leaf.postings("body", "noise"))
                for doc, weight in zip(ids, weights, strict=True)
            ]
            assert got == expected and len(got) > 128


def test_kept_postings_give_the_same_answers_and_stay_within_their_budget(samples_library):
    from indexer.engine.whoosh.engine import WhooshEngine
    from search_app.search import search

    queries = ["夜间噪声", "排放限值 测定方法", "术语和定义"]

    def answers(engine):
        return [[(h.std_no, h.clause_no, h.score) for h in search(engine, q).hits] for q in queries]

    def table(engine):
        return engine.read(lambda snapshot: snapshot.table)

    engine = WhooshEngine(samples_library)
    first = answers(engine)  # read from the index
    again = answers(engine)  # the same postings, kept
    assert first == again and any(first)
    kept = table(engine)
    assert 0 < kept._postings_kept == sum(len(ids) for ids, _ in kept._postings.values())

    frugal = WhooshEngine(samples_library, postings_kept=10)
    assert answers(frugal) == first
    kept = table(frugal)
    # The most recent posting list stays even when it alone is over the budget.
    assert len(kept._postings) == 1 or kept._postings_kept <= 10


def test_common_words_are_left_to_rarer_ones(tmp_path):
    ix = whoosh_index.create_in(str(tmp_path), Schema(body=TEXT, title=TEXT))
    writer = ix.writer()
    for i in range(200):
        writer.add_document(
            body="common " + ("rare" if i % 40 == 0 else "filler"),
            title="common" if i < 3 else "title",
        )
    writer.commit()
    common = [WeightedTerm("body", "common", 1.0, 0), WeightedTerm("title", "common", 1.0, 0)]
    rare = [WeightedTerm("body", "rare", 1.0, 1)]
    with ix.searcher() as searcher:
        everything = bm25f(searcher, common + rare, Bm25(max_df_share=1.0))
        assert len(everything) == 200
        # With a rarer word in the query, the common word counts only where it is rare.
        chosen = bm25f(searcher, common + rare, Bm25(max_df_share=1.0, common_share=0.05))
        assert set(chosen) == {0, 1, 2, 40, 80, 120, 160}
        # A query of common words alone finds what it did, in every field.
        alone = bm25f(searcher, common, Bm25(max_df_share=1.0, common_share=0.05))
        assert alone == bm25f(searcher, common, Bm25(max_df_share=1.0)) and len(alone) == 200


def test_scores_read_as_a_mapping_and_give_their_best_first():
    from indexer.engine.whoosh.scoring import Scores

    scores = Scores.of({7: 1.0, 3: 2.5, 9: 1.0, 4: 0.5})
    assert list(scores) == [3, 4, 7, 9] and scores[9] == 1.0 and 5 not in scores
    assert dict(scores) == {3: 2.5, 4: 0.5, 7: 1.0, 9: 1.0}
    # Equal scores go by document number, and every tie at the cut is weighed.
    assert scores.top(2) == [(3, 2.5), (7, 1.0)]
    assert scores.top(10) == [(3, 2.5), (7, 1.0), (9, 1.0), (4, 0.5)]
    assert dict(scores.plus({4: 1.0, 11: 0.25})) == {3: 2.5, 4: 1.5, 7: 1.0, 9: 1.0, 11: 0.25}
