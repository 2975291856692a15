"""How the term concordance decides that two printed terms, or two definitions, are the same."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search_app.search.concordance import (
    Concordance,
    TermEntry,
    definition_key,
    english_key,
    group_terms,
    inline_diff,
    term_key,
)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("化学需氧量 (COD)", "化学需氧量"),
        ("化学需氧量（COD）", "化学需氧量"),
        ("化学需氧量（ＣＯＤ）", "化学需氧量"),
        ("化学需氧量[COD]", "化学需氧量"),
        ("化 学 需 氧 量", "化学需氧量"),
        ("化学需氧量\u3000", "化学需氧量"),
        ("A声级", "Ａ声级"),
        ("a声级", "A声级"),
        ("标准状态*", "标准状态"),
        ("标准状态1)", "标准状态"),
        ("标准状态 注：又称标态", "标准状态"),
        ("数据通信、链路异常", "数据通信链路异常"),
        ("罐（槽）", "罐(槽)"),
    ],
)
def test_chinese_spellings_of_one_term_share_a_key(a, b):
    assert term_key(a) == term_key(b) != ""


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("罐（槽）", "罐"),  # bracketed Chinese is part of the term
        ("排水量", "单位产品基准排水量"),
        ("污水", "废水"),
    ],
)
def test_different_chinese_terms_keep_different_keys(a, b):
    assert term_key(a) != term_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Volatile Organic Compounds (VOCs)", "volatile organic compounds"),
        ("volatile organic compounds（VOCs）", "volatile organic compounds"),
        ("A-weighted sound pressure level", "a weighted sound pressure level"),
        ("equivalent continuousA-weighted level", "equivalent continuous A-weighted level"),
        ("ＳＭＳ text alarm", "sms text alarm"),
        ("“abnormal data communication link", "abnormal data communication link"),
    ],
)
def test_english_spellings_of_one_term_share_a_key(a, b):
    assert english_key(a) == english_key(b) != ""


def test_english_debris_is_no_key():
    assert english_key("") == english_key("A") == english_key("(1)") == ""
    assert english_key("(COD)") == "cod"  # nothing but the abbreviation: it is the term


def test_definitions_differing_only_in_whitespace_punctuation_and_width_are_equal():
    a = "温度为273.15 K，压力为101325 Pa时的状态。"
    b = "温度为 273，15K, 压力为101 325 Pa时的状态."
    assert definition_key(a) == definition_key(b)
    assert definition_key("用LA表示，单位dB（A）。") == definition_key("用LA表示,单位dB(A)")


def test_a_definitions_source_line_is_not_part_of_it():
    printed = "温度为273.15 K，压力为101325 Pa时的状态。\n[GB 16297-1996,定义3.1]"
    assert definition_key(printed) == definition_key("温度为273.15 K，压力为101325 Pa时的状态。")


def test_a_different_word_makes_a_different_definition():
    assert definition_key("在生产与生活活动中排放的水的总称。") != definition_key(
        "在生产、经营与生活活动中排放的水的总称。"
    )


def entry(std_no, term_zh, definition, term_en="", status="现行", issued="", clause_no="3.1"):
    return TermEntry(std_no, "", status, issued, clause_no, term_zh, term_en, definition)


def test_terms_are_grouped_by_chinese_or_english_key_transitively():
    entries = [
        entry("GB 1-2001", "化学需氧量 (COD)", "x"),
        entry("GB 2-2002", "化学需氧量", "x", term_en="chemical oxygen demand"),
        entry("GB 3-2003", "化学耗氧量", "x", term_en="Chemical Oxygen Demand"),
        entry("GB 4-2004", "污水", "y"),
    ]
    groups = sorted(group_terms(entries), key=lambda g: -len(g.entries))
    assert [len(g.entries) for g in groups] == [3, 1]
    assert groups[0].std_nos == ["GB 1-2001", "GB 2-2002", "GB 3-2003"]


def test_reference_is_the_most_recent_current_standard_and_variants_are_lettered():
    entries = [
        entry("GB 1-2001", "污水", "在生产与生活活动中排放的水的总称。", issued="2001-01-01"),
        entry(
            "GB 2-2020",
            "污水",
            "在生产、经营活动中排放的水。",
            status="被代替",
            issued="2020-01-01",
        ),
        entry("GB 3-2010", "污水", "在生产与生活活动中排放的水的总称", issued="2010-01-01"),
    ]
    (group,) = group_terms(entries)
    assert group.reference.std_no == "GB 3-2010"
    assert group.differ
    rows = group.detail()["entries"]
    assert [(r["std_no"], r["variant"], r["reference"]) for r in rows] == [
        ("GB 3-2010", "A", True),
        ("GB 1-2001", "A", False),
        ("GB 2-2020", "B", False),
    ]
    assert group.summary()["variants"] == 2


def test_identical_definitions_are_not_flagged():
    entries = [
        entry("GB 12348-2008", "A声级", "用A计权网络测得的声压级，用LA表示，单位dB（A）。"),
        entry("GB 12523-2011", "A声级", "用A计权网络测得的声压级，用LA表示，单位dB(A)。"),
    ]
    (group,) = group_terms(entries)
    assert not group.differ and group.summary()["variants"] == 1


def test_inline_diff_keeps_both_texts():
    reference, text = (
        "在生产、经营与生活活动中排放的水的总称。",
        "指在生产与生活活动中排放的水的总称。",
    )
    segments, ratio = inline_diff(reference, text)
    assert "".join(t for op, t in segments if op != "delete") == text
    assert "".join(t for op, t in segments if op != "insert") == reference
    assert ("insert", "指") in segments and ("delete", "、经营") in segments
    assert 0 < ratio < 1
    assert inline_diff(text, text) == ([("equal", text)], 1.0)


def test_search_finds_exact_terms_first_then_longer_ones():
    concordance = Concordance(
        [
            entry("GB 1-2001", "单位产品基准排水量", "a"),
            entry("GB 2-2002", "单位产品基准排水量", "a"),
            entry("GB 3-2003", "排水量", "b", term_en="effluent volume"),
        ]
    )
    found = concordance.search("排水量")
    assert [g.term_zh for g in found] == ["排水量", "单位产品基准排水量"]
    assert [g.term_zh for g in concordance.search("Effluent Volume")] == ["排水量"]
    assert concordance.search("  ") == [] and concordance.search("没有") == []
    assert [g.term_zh for g in concordance.widespread()] == ["单位产品基准排水量"]
    assert concordance.group_of("排水量（EV）").term_zh == "排水量"


@settings(max_examples=100, deadline=None)
@given(q=st.text(max_size=40))
def test_any_text_is_a_query_and_a_key(q):
    concordance = Concordance(
        [entry("GB 1-2001", "排水量", "a"), entry("GB 2-2002", "排水量", "b")]
    )
    for key in (term_key(q), english_key(q), definition_key(q)):
        assert isinstance(key, str) and not any(ch.isspace() for ch in key)
    found = concordance.search(q)
    assert all(g.standard_count == 2 for g in found)
    segments, ratio = inline_diff("排水量", q)
    assert "".join(t for op, t in segments if op != "delete") == q and 0 <= ratio <= 1
