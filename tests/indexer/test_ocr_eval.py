"""Character error rate: a real edit distance over width-folded, space-free text."""

from __future__ import annotations

import pytest

from indexer.pdf.ocr_eval import character_error_rate, edit_distance, normalize_for_cer


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [
        ("", "", 0),
        ("abc", "", 3),
        ("", "abc", 3),
        ("kitten", "sitting", 3),
        ("地表水环境", "地表水环境", 0),
        ("地表水环境", "地面水环境", 1),
        ("标准号", "标准编号", 1),
        ("前言目次", "目次前言", 4),
    ],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b) == distance
    assert edit_distance(b, a) == distance


def test_normalisation_folds_width_and_drops_whitespace():
    assert normalize_for_cer("ＧＢ　3838 ， 前 言\n（见 5.1）") == "GB3838,前言(见5.1)"


def test_same_text_in_other_widths_and_spacing_is_no_error():
    ref = "本标准与 JT/T 415—2000 相比,主要变化如下:"
    hyp = "本 标 准 与 ＪＴ／Ｔ ４１５—２０００ 相 比，主 要 变 化 如 下："
    assert character_error_rate(hyp, ref) == 0.0


def test_numeral_one_for_dash_is_an_error():
    # 11 characters after normalisation; one substitution.
    assert character_error_rate("GB 3838一2002", "GB 3838—2002") == pytest.approx(1 / 11)


def test_rate_is_per_reference_character():
    assert character_error_rate("", "前言") == 1.0
    assert character_error_rate("前言前言", "前言") == 1.0
    assert character_error_rate("", "") == 0.0
    assert character_error_rate("x", " ") == 1.0
