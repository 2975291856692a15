"""Snippets: marks on what matched, whole words for Chinese, escaped before marked."""

from __future__ import annotations

from search_app.search.highlight import Highlighter, fold_text, highlight_html, highlight_plain


def test_overlapping_terms_make_one_mark():
    # `添加剂` and its sub-word `添加` both match: the user sees the whole word marked.
    assert highlight_plain("食品添加剂的使用", ["添加", "添加剂"]) == "食品【添加剂】的使用"


def test_touching_bigrams_merge_into_one_mark():
    assert highlight_plain("厂界环境噪声排放", ["环境", "境噪", "噪声"]) == "厂界【环境噪声】排放"


def test_sub_word_is_marked_inside_the_longer_word():
    assert highlight_plain("食品添加剂", ["添加"]) == "食品【添加】剂"


def test_html_escapes_document_text_before_marking():
    html = highlight_html("当 a<b 且 <script>alert(1)</script> 时噪声超标", ["噪声"])
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "a&lt;b" in html
    assert "<mark>噪声</mark>" in html


def test_query_terms_cannot_inject_markup():
    html = highlight_html("<b>粗体</b>", ["<b>"])
    assert html == "<mark>&lt;b&gt;</mark>粗体&lt;/b&gt;"


def test_fullwidth_text_matches_halfwidth_terms():
    # GB 12348-2008 prints its digits and Latin letters full width.
    text = "夜间偶发噪声的最大声级超过限值的幅度不得高于１５ｄＢ（Ａ）。"
    assert "【１５ｄＢ】" in highlight_plain(text, ["15db"])
    assert fold_text("ＧＢ　１２３４８") == "gb 12348"


def test_latin_terms_match_whole_words_only():
    text = "GB 12348-2008 规定了 1 类声环境功能区"
    assert highlight_plain(text, ["1"]) == "GB 12348-2008规定了【1】类声环境功能区"


def test_long_text_is_cut_around_the_best_match_with_ellipses():
    text = "甲" * 300 + "。夜间噪声最大声级超过限值的幅度不得高于15 dB(A)。" + "乙" * 300
    snippet = highlight_plain(
        text,
        ["夜间", "噪声", "最大声级"],
    )
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "【夜间噪声最大声级】" in snippet
    # The window starts at the sentence, not in the middle of the filler.
    assert snippet.startswith("…夜间") or snippet.index("【") < 15


def test_window_prefers_the_passage_with_more_distinct_terms():
    text = "噪声" + "丙" * 200 + "夜间噪声测量" + "丁" * 200
    snippet = Highlighter(["夜间", "噪声", "测量"], max_chars=60).plain(text)
    assert "【夜间噪声测量】" in snippet


def test_no_terms_gives_the_opening_words():
    text = "本文件规定了" + "戊" * 400
    snippet = highlight_plain(text, [])
    assert snippet.startswith("本文件规定了") and snippet.endswith("…")
    assert len(snippet) <= 161


def test_line_breaks_are_not_shown():
    assert highlight_plain("排放\n限值", ["限值"]) == "排放【限值】"
    assert highlight_plain("15 dB\n(A) 噪声", ["噪声"]) == "15 dB (A)【噪声】"


def test_empty_text():
    assert highlight_plain("", ["噪声"]) == ""
    assert highlight_html(None, ["噪声"]) == ""


def test_both_renderings_come_from_one_search():
    text = "当 <a> 与 GB 3096 声环境\n功能区 a  b 噪声" * 3
    highlighter = Highlighter(["<a>", "gb 3096", "环境功能", "噪声", "a b"], max_chars=40)
    assert highlighter.both(text) == (highlighter.plain(text), highlighter.html(text))
    # A mark spans the space between Latin words; the gap before Chinese text goes.
    assert highlight_plain("GB 3096 声环境", ["gb 3096"]) == "【GB 3096】声环境"
