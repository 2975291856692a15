"""Differences between two texts, as the compare page marks them."""

from __future__ import annotations

from search_app.search.compare import diff_text, diff_tokens


def test_chinese_differs_by_character():
    left, right, _ = diff_text("本文件代替旧版本", "本文件不代替新版本")
    assert ("insert", "不") in right
    assert ("delete", "旧") in left and ("insert", "新") in right


def test_numbers_and_latin_words_differ_as_whole_words():
    left, right, ratio = diff_text("分辨率不低于300 dpi", "分辨率不低于400 dpi")
    assert ("delete", "300") in left and ("insert", "400") in right
    assert 0 < ratio < 1
    assert diff_tokens("12.5 mg/L") == ["12.5", " ", "mg", "/", "L"]


def test_segments_rebuild_both_texts():
    a, b = "厂界噪声昼间 60 dB(A)，夜间 50 dB(A)", "厂界环境噪声昼间 55 dB(A)；夜间 45 dB(A)"
    left, right, _ = diff_text(a, b)
    assert "".join(text for op, text in left) == a
    assert "".join(text for op, text in right) == b
    assert {op for op, _ in left} <= {"equal", "delete"}
    assert {op for op, _ in right} <= {"equal", "insert"}
    assert diff_text("", "") == ([], [], 1.0)
