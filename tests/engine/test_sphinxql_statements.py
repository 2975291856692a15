"""What the SphinxQL engine sends: rows of our own tokens and statements built from plans.

Pure functions, checked without a cluster; the contract tests run the same plans on a
real one."""

from __future__ import annotations

import re

import pytest

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
from indexer.engine.sphinxql.query import build
from indexer.engine.sphinxql.rows import doc_number, ics_words, key_words, rows
from indexer.engine.sphinxql.schema import ATTRIBUTES, FIELDS, token_word
from indexer.library.model import Clause, Standard
from tests.conftest import HOSTILE_QUERIES

# What a word of a MATCH() may be: the word characters of the table's charset_table.
WORD = re.compile(r"^[0-9a-z_\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+$")
OPERATORS = set("\\()|-!@~\"&/^$=<>*?%[]'")


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_every_token_is_one_plain_word(query):
    word = token_word(query) if query else "x"
    assert WORD.match(word), word
    assert not OPERATORS & set(word)
    assert word == word.lower()  # MAYBE, NEAR, SENTENCE are operators only in upper case


def test_token_words_keep_tokens_apart():
    tokens = [
        "gb/t7714-2015",
        "gb_t7714_2015",
        "gb t7714 2015",
        "ｇｂ",
        "pH值",
        "噪声",
        "4.2.1",
        "_",
    ]
    words = [token_word(t) for t in tokens]
    assert len(set(words)) == len(words)
    assert token_word("噪声") == "噪声" and token_word("gb3838") == "gb3838"
    assert token_word("gb/t7714-2015") == "gb_2f_t7714_2d_2015"


def test_ics_codes_are_words_with_their_prefixes():
    assert ics_words("13.060.10, 13.140") == " ".join(
        token_word(c) for c in ("13", "13.060", "13.060.10", "13.140")
    )
    assert key_words("GB3838 gb3838-2002") == "gb3838 gb3838_2d_2002"


def standard() -> Standard:
    return Standard(
        std_no="GB 3838-2002",
        prefix="GB",
        title_zh="地表水环境质量标准",
        sha256="ab" * 32,
        status="现行",
        level="national",
        kind="mandatory",
        ics=["13.060.10"],
        clauses=[
            Clause("3", "术语", 1, "地表水是指存在于地壳表面的水。", 2, 2, order=0, kind="term"),
            Clause("1", "范围", 1, "本标准规定了水环境质量。", 1, 1, order=1),
            Clause("4", "要求", 1, "", 3, 3, order=2),
        ],
    )


def test_a_standard_becomes_rows_with_every_column():
    found = list(rows(standard(), 7))
    assert [r["id"] for r in found] == [doc_number(7, o) for o in (-1, 0, 1, 2)]
    assert found[0]["id"] == 7 << 20 | 1
    for row in found:
        assert set(row) == {"id", *FIELDS, *ATTRIBUTES}
        for name in FIELDS:
            assert all(WORD.match(w) for w in row[name].split()), (name, row[name])
    own, term, scope, empty = found
    assert own["is_standard"] == 1 and own["title"] and not term["title"]
    assert term["title_text"] == "地表水环境质量标准"  # for display on every row
    assert "gb3838" in own["std_keys"].split()
    assert scope["lead_rank"] == 0 and term["lead_rank"] > 0  # clause 1 leads
    assert (term["has_text"], empty["has_text"]) == (1, 0)
    assert token_word("status=现行") in term["filter_keys"].split()


def test_plans_become_match_where_and_a_ranker():
    plan = QueryPlan(
        terms=(
            WeightedTerm("heading", "噪声", 3.0, 0),
            WeightedTerm("body", "噪声", 1.0, 0),
            WeightedTerm("std_keys", "gb/t7714", 200.0, 1),
        ),
        phrases=(Phrase(("body_bi",), ("夜间", "间噪"), 2.0),),
        excluded=(Phrase(("body_bi",), ("废水",)),),
        filters=(
            AnyOf((Equals("status", "现行"), Equals("status", "即将实施"))),
            AnyOf((Prefix("ics", "13.060"),)),
            AnyOf((Between("year", 2015, None),)),
        ),
        scoring=Bm25(coordination=3.0),
    )
    query = build(plan)
    # The phrase and the filters are required, the words rank; the exclusion drops.
    required, maybe = query.match.split(" MAYBE ")
    assert required.startswith('(((@(body_bi) "夜间 间噪") ')
    assert maybe.startswith("((@heading 噪声) | (@body 噪声) | (@std_keys gb_2f_t7714))")
    assert query.match.endswith(') -(@(body_bi) "废水")')
    words_only = build(QueryPlan(terms=plan.terms, filters=plan.filters[:1]))
    assert (
        words_only.match.startswith("((@heading 噪声) | (@body 噪声)")
        and "MAYBE" not in words_only.match
    )
    assert f"@filter_keys {token_word('status=现行')}" in query.match
    assert f"@ics_keys {token_word('13.060')}" in query.match
    assert query.where == ("`year` >= %s",) and query.args == (2015,)
    assert query.fields == {"heading": 30, "body": 10, "std_keys": 2000, "body_bi": 20}
    assert "ranker=expr('1000 * bm25f(1.2, 0.75, {heading=30" in query.options
    # Three words asked; the two filter words every document matches do not count.
    assert "(doc_word_count - 2) / 2.0" in query.options
    where, args = query.clause()
    assert where == " WHERE MATCH(%s) AND `year` >= %s" and args == (query.match, 2015)


def test_require_all_and_browsing():
    every = build(
        QueryPlan(
            terms=(
                WeightedTerm("heading_bi", "噪声", 1, 0),
                WeightedTerm("heading_bi", "声敏", 1, 1),
            ),
            require_all=True,
        )
    )
    assert every.match == "((@heading_bi 噪声 声敏))"
    browse = build(QueryPlan(filters=(AnyOf((Equals("level", "local"),)),)))
    assert browse.match == f"((@filter_keys {token_word('level=local')}))" and not browse.options
    with pytest.raises(ValueError, match="one range"):
        build(
            QueryPlan(filters=(AnyOf((Between("year", 2001, 2002), Between("year", 2010, 2012))),))
        )
