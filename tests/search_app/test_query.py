"""parse_query: filters, phrases, exclusions, standard numbers and words out of one box."""

from __future__ import annotations

import csv

import pytest

from search_app.search.query import (
    MAX_QUERY_CHARS,
    ParsedQuery,
    QueryError,
    normalize_filter,
    parse_query,
)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("gb3838", "gb3838"),
        ("GB/T 28181—2016", "gb/t28181-2016"),
        ("ｈｊ２１２", "hj212"),
        ("jt/t1078", "jt/t1078"),
        ("JTT808-2011", "jt/t808-2011"),
        ("DB 44／2367—2022", "db44/2367-2022"),
        ("gb t 28181", "gb/t28181"),
        ("GB14554-93", "gb14554-1993"),
        ("32960.3", "32960.3"),
        ("T/GDRTA 002-2020", "t/gdrta002-2020"),
    ],
)
def test_numbers_in_any_spelling(text, key):
    parsed = parse_query(text)
    assert [n.keys[0] for n in parsed.numbers] == [key]
    assert parsed.is_number_query


def test_number_with_words_keeps_the_words():
    parsed = parse_query("GB 3838 地表水")
    assert parsed.numbers[0].keys == ("gb3838",)
    assert parsed.words == ("地表水",)
    assert not parsed.is_number_query


def test_formulas_and_years_are_not_numbers():
    assert parse_query("CH4 排放").numbers == ()
    assert parse_query("2015年 VOCs").numbers == ()
    assert parse_query("RS485 波特率").numbers == ()


def test_bare_number_is_also_a_word():
    parsed = parse_query("32960.3")
    assert parsed.numbers[0].bare
    assert "32960.3" in parsed.words


def test_every_number_query_of_the_dev_set_is_recognised(eval_dir):
    with open(eval_dir / "dev.tsv", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f, delimiter="\t") if r["type"] == "number"]
    assert rows
    for row in rows:
        parsed = parse_query(row["query"])
        assert parsed.numbers, row["query"]
        assert parsed.is_number_query, row["query"]


def test_filters_in_chinese_and_english():
    parsed = parse_query(
        "status:现行 level:地方 region:广东 ics:13.060 year:2015-2020 kind:强制性 排放"
    )
    assert parsed.words == ("排放",)
    assert parsed.filters == {
        "status": ("现行",),
        "level": ("local",),
        "region": ("广东",),
        "ics": ("13.060",),
        "year": ("2015-2020",),
        "kind": ("mandatory",),
    }
    english = parse_query("status:current level:local region:guangdong kind:mandatory 排放")
    assert english.filters == {
        "status": ("现行",),
        "level": ("local",),
        "region": ("广东",),
        "kind": ("mandatory",),
    }


def test_filter_with_fullwidth_colon_and_region_forms():
    assert parse_query("地区：广东省 噪声").filters == {"region": ("广东",)}
    assert normalize_filter("region", "DB44") == ("region", ("广东",))
    assert normalize_filter("year", "2015") == ("year", ("2015-2015",))
    assert normalize_filter("year", "2010-") == ("year", ("2010-",))


@pytest.mark.parametrize("text", ["status:foo 噪声", "year:abc", "ics:噪声", "level:"])
def test_invalid_filter_is_a_query_error(text):
    with pytest.raises(QueryError) as error:
        parse_query(text)
    assert str(error.value)


def test_unknown_name_before_a_colon_is_just_text():
    parsed = parse_query("注意：排放限值")
    assert parsed.filters == {}
    assert "排放限值" in "".join(parsed.words)


def test_phrase_and_exclusion():
    parsed = parse_query('"参考文献的著录" -期刊 规则')
    assert parsed.phrases == ("参考文献的著录",)
    assert parsed.excluded == ("期刊",)
    assert parsed.words == ("规则",)


def test_chinese_quotes_make_a_phrase():
    assert parse_query("“检索请求” 接口").phrases == ("检索请求",)


def test_unbalanced_quote_is_ignored_with_a_warning():
    parsed = parse_query('"噪声 排放')
    assert parsed.words == ("噪声", "排放")
    assert parsed.warnings


def test_question_words_and_punctuation_are_stripped():
    parsed = parse_query("放射性货包的运输指数怎么确定，要乘以多少？")
    joined = " ".join(parsed.words)
    assert "怎么" not in joined and "多少" not in joined
    assert "，" not in joined and "？" not in joined
    assert "运输指数" in joined


def test_dash_inside_a_number_is_not_an_exclusion():
    parsed = parse_query("GB/T 28181-2016")
    assert parsed.excluded == ()
    assert parsed.numbers


def test_too_long_query_is_a_clear_error():
    with pytest.raises(QueryError) as error:
        parse_query("噪" * (MAX_QUERY_CHARS + 1))
    assert error.value.code == "too_long"
    assert str(MAX_QUERY_CHARS) in str(error.value)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "*",
        "！？。",
        '"',
        "<script>alert(1)</script>",
        "' OR 1=1 --",
        "\x00\x01",
        "-",
        "--",
        "(((",
        "status:",
        "a" * 500,
        "：：：",
        "\u200b",
        "𠀀𠀁",
    ],
)
def test_hostile_input_parses_or_raises_query_error(text):
    try:
        parsed = parse_query(text)
    except QueryError as error:
        assert str(error)
        return
    assert isinstance(parsed, ParsedQuery)


def test_only_punctuation_is_empty():
    assert parse_query("！？。*").is_empty
    assert parse_query("*").is_empty


def test_with_filters_adds_outside_filters():
    parsed = parse_query("噪声").with_filters(
        {"status": "现行", "region": None, "year": "2010-2020"}
    )
    assert parsed.filters == {"status": ("现行",), "year": ("2010-2020",)}
    with pytest.raises(QueryError):
        parse_query("噪声").with_filters({"colour": "red"})
