"""The query parser and its filters under generated input (hypothesis).

Whatever is typed, `parse_query` answers or raises `QueryError`, the one error the site
turns into a message for the user; the filters it finds survive being printed as a query
(`filters_to_text`) and parsed again.
"""

from __future__ import annotations

from hypothesis import strategies as st

from analyzers.regions import PROVINCES
from search_app.search.query import (
    DEGREE_VALUES,
    FILTER_NAMES,
    KIND_VALUES,
    LEVEL_VALUES,
    REVIEW_VALUES,
    STATUS_VALUES,
    QueryError,
    filters_to_text,
    normalize_filter,
    parse_query,
)
from tests.conftest import HOSTILE_QUERIES
from tests.fuzzing import few_and_many

PIECES = [
    *HOSTILE_QUERIES,
    *(f"{name}:" for name in FILTER_NAMES),
    *STATUS_VALUES, *LEVEL_VALUES, *KIND_VALUES, *PROVINCES.values(),
    "GB/T 7714-2015", "GB／T 7714—2015", "DB44/T 1234", "T/CECS 10", "13.060", "2015-2020",
    "-", "--", ":", "：", ",", "，", "|", '"', "“", "”", "「", "」", " ", "\u3000", "\t",
    ">5", "<3", ">=", "≤", "3-10", "到期", "due",
    "噪声", "排放", "限值", "怎么", "吗", "2015年", "1.5", "CH4",
]  # fmt: skip
# Typed text: pieces a user or an attacker types, glued together, and any unicode at all.
QUERIES = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=8).map("".join),
    st.lists(st.sampled_from(PIECES), max_size=8).map(" ".join),
    st.text(max_size=120),
)
YEARS = st.integers(1900, 2099).map(str)
AGES = st.integers(0, 999).map(str)
FILTER_VALUES = {
    "status": st.sampled_from(sorted(STATUS_VALUES)),
    "level": st.sampled_from(sorted(LEVEL_VALUES)),
    "kind": st.sampled_from(sorted(KIND_VALUES)),
    "region": st.sampled_from(sorted(PROVINCES.values()) + sorted(PROVINCES)),
    "ics": st.from_regex(r"\d{2}(\.\d{3}(\.\d{2})?)?", fullmatch=True),
    "year": st.one_of(
        YEARS,
        st.tuples(YEARS, YEARS).map("-".join),
        YEARS.map("{}-".format),
        YEARS.map("-{}".format),
    ),
    "prefix": st.sampled_from(["GB", "gb/t", "GB/Z", "DB44", "HJ", "T/CECS", "JT/T"]),
    "std": st.sampled_from(["GB/T7714-2015", "gb5085.7", "DB44/1989-2017", "HJ212-2017"]),
    "adopts": st.sampled_from(
        ["ISO", "iec", "ISO/IEC", "ISO 690", "IEC 60335-1", "iso690:2010", "EN", "JIS Z 8301"]
    ),
    "degree": st.sampled_from(sorted(DEGREE_VALUES)),
    "age": st.one_of(
        AGES,
        st.tuples(st.sampled_from([">", "<", ">=", "<=", "≥", "≤"]), AGES).map("".join),
        st.tuples(AGES, AGES).map("-".join),
    ),
    "review": st.sampled_from(sorted(REVIEW_VALUES)),
}
# A filter as typed: a name (English or Chinese) and a value it accepts.
TYPED_FILTERS = st.sampled_from(sorted(FILTER_NAMES)).flatmap(
    lambda name: FILTER_VALUES[FILTER_NAMES[name].replace("std_no", "std")].map(
        lambda value: f"{name}:{value}"
    )
)


@few_and_many(QUERIES)
def test_any_query_is_parsed_or_refused_with_a_query_error(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert error.message and error.code in {"empty", "too_long", "filter", "invalid"}
        return
    assert set(parsed.filters) <= set(FILTER_NAMES.values())
    assert all(isinstance(w, str) and w.strip() == w and w for w in parsed.words)


@few_and_many(QUERIES)
def test_the_filters_of_any_query_survive_printing_and_parsing_again(text):
    try:
        parsed = parse_query(text)
    except QueryError:
        return
    assert parse_query(filters_to_text(parsed.filters)).filters == parsed.filters


@few_and_many(st.lists(TYPED_FILTERS, max_size=5), st.lists(st.sampled_from(PIECES[-12:])))
def test_typed_filters_are_all_found_among_words(filters, words):
    text = " ".join([*words[:2], *filters, *words[2:]])
    parsed = parse_query(text)
    expected: dict[str, tuple[str, ...]] = {}
    for typed in filters:
        name, value = typed.split(":", 1)
        key, values = normalize_filter(name, value)
        expected[key] = tuple(dict.fromkeys((*expected.get(key, ()), *values)))
    assert parsed.filters == expected
    assert parse_query(filters_to_text(parsed.filters)).filters == expected


@few_and_many(st.sampled_from(sorted(FILTER_NAMES)), st.text(max_size=30))
def test_a_filter_value_is_normalised_or_refused_with_a_query_error(name, value):
    try:
        key, values = normalize_filter(name, value)
    except QueryError as error:
        assert error.code == "filter"
        return
    assert key == FILTER_NAMES[name] and values


def test_a_filter_of_separators_alone_is_refused_as_one_without_a_value():
    """Found by the properties above: `ics:|` passed as a filter with no value."""
    for text in ("ics:|", "year:,", "status:，|"):
        try:
            parse_query(text)
        except QueryError as error:
            assert "needs a value" in error.message
        else:
            raise AssertionError(f"{text!r} was accepted")
