"""Line assembly on real pages: each test is named after the file and page it guards.

Made-up glyph rows check the spacing rules alone; the real pages check that mixed fonts,
per-glyph positioned Latin text, full-width forms and watermarks come out as printed.
"""

from __future__ import annotations

from functools import cache
from types import SimpleNamespace

import pytest

from indexer.pdf.extract import (
    _Glyph,
    _private_use,
    extract_pages,
    group_rows,
    read_glyphs,
    row_text,
)

# ---------------------------------------------------------------- made-up rows


def _glyphs(spec: list[tuple[str, float]], size: float = 10.0, base: float = 100.0):
    """spec: (text, x0); each glyph is as wide as its advance (CJK 1 em, Latin 0.5 em)."""
    out = []
    for text, x0 in spec:
        width = size if ord(text[0]) > 0x2E80 else size / 2
        out.append(_Glyph(base, x0, x0 + width, size, text))
    return out


def test_space_dropped_between_cjk_characters():
    row = _glyphs([("前", 100), ("言", 130)])
    assert row_text(row) == "前言"


def test_space_kept_between_latin_words_and_numbers():
    row = _glyphs([("G", 100), ("B", 105), ("1", 113), ("2", 118)])
    assert row_text(row) == "GB 12"


def test_no_space_inside_a_number():
    row = _glyphs([("1", 100), ("2", 105), (".", 110), ("5", 115)])
    assert row_text(row) == "12.5"


def test_small_gap_between_cjk_and_latin_dropped():
    row = _glyphs([("按", 100), ("照", 110), ("G", 123), ("B", 128)])
    assert row_text(row) == "按照GB"


def test_column_gap_kept_next_to_cjk():
    row = _glyphs([("发", 100), ("布", 110), ("2", 200), ("0", 205)])
    assert row_text(row) == "发布 20"


def test_no_space_around_dash_in_standard_number():
    row = _glyphs([("1", 100), ("—", 107.5), ("2", 116)])
    assert row_text(row) == "1—2"


def test_rows_grouped_by_baseline_not_box():
    cjk = _glyphs([("本", 100), ("标", 110)], base=200.0)
    latin = _glyphs([("G", 121), ("B", 126)], base=201.3)
    next_line = _glyphs([("准", 100)], base=215.0)
    rows = group_rows(latin + next_line + cjk)
    assert ["".join(g.text for g in row) for row in rows] == ["本标GB", "准"]


def test_superscript_joins_its_line():
    body = _glyphs([("m", 100)], base=200.0)
    sup = _glyphs([("3", 105)], size=6.0, base=196.0)
    rows = group_rows(body + sup)
    assert ["".join(g.text for g in row) for row in rows] == ["m3"]


# ---------------------------------------------------------------- real pages


@cache
def _pages(path: str, pages: tuple[int, ...]):
    return extract_pages(path, pages)


def _texts(corpus_pdf, name: str, page: int) -> list[str]:
    (found,) = _pages(str(corpus_pdf(name)), (page,))
    return [line.text for line in found.lines]


@pytest.mark.corpus
def test_gb_t_7714_2015_p5_latin_joins_cjk_line(corpus_pdf):
    lines = _texts(corpus_pdf, "GB_T_7714-2015.pdf", 5)
    assert "本标准按照GB/T 1.1—2009给出的规则起草。" in lines
    assert not any(line.startswith("GB/T 1.1") for line in lines)
    assert "———GB/T 7714—1987、GB/T 7714—2005。" in lines


@pytest.mark.corpus
def test_gb_t_7714_2015_p1_english_title_words_spaced(corpus_pdf):
    lines = _texts(corpus_pdf, "GB_T_7714-2015.pdf", 1)
    assert "Information and documentation—Rules for bibliographic references" in lines
    assert "GB/T 7714—2015" in lines
    assert "ICS 01.140.20" in lines


@pytest.mark.corpus
def test_gb_17761_2018_p1_glyph_positioned_latin(corpus_pdf):
    lines = _texts(corpus_pdf, "GB_17761-2018.pdf", 1)
    assert "GB 17761—2018" in lines
    assert any(
        line.startswith("Safety technical specification for electric bicycle") for line in lines
    )


@pytest.mark.corpus
def test_hj_364_2022_watermark_dropped(corpus_pdf):
    lines = _texts(corpus_pdf, "HJ_364-2022.pdf", 4)
    text = "\n".join(lines)
    assert (
        "本标准规定了废塑料产生、收集、运输、贮存、预处理、再生利用和处置等过程的污染控制技术要"
        in lines
    )
    assert "Ministry" not in text
    assert "Environment" not in text


@pytest.mark.corpus
def test_gb_12348_2008_fullwidth_folded(corpus_pdf):
    lines = _texts(corpus_pdf, "GB_12348-2008.pdf", 2)
    assert "GB 12348—2008" in lines
    assert not any(ch in "".join(lines) for ch in "ＧＢ１２３４８")


@pytest.mark.corpus
def test_gb_5085_7_2019_p2_leader_dots_kept(corpus_pdf):
    """Leader dots 2.6 pt apart are not overprinted copies of each other."""
    lines = _texts(corpus_pdf, "GB_5085.7-2019.pdf", 2)
    assert any(line.startswith("前言......") for line in lines)


def test_overprinted_glyphs_read_once():
    """Fake bold: the same glyph printed again a fraction of a point away."""

    def char(text, x0, f):
        return {
            "text": text,
            "matrix": (1, 0, 0, 1, x0, f),
            "x0": x0,
            "x1": x0 + 10,
            "y0": f - 1,
            "bottom": 800 - f + 1,
            "size": 10.0,
            "fontname": "SimSun",
        }

    page = SimpleNamespace(
        chars=[
            char("标", 100, 500),
            char("标", 100.4, 500.3),
            char("准", 110, 500),
            char(".", 121, 500),
            char(".", 123.6, 500),
        ]
    )
    glyphs, rotated = read_glyphs(page)
    assert [g.text for g in glyphs] == ["标", "准", ".", "."]
    assert rotated == 0


def test_rotated_glyphs_dropped():
    page = SimpleNamespace(
        chars=[
            {
                "text": "W",
                "matrix": (14, 14, -14, 14, 100, 400),
                "x0": 100,
                "x1": 120,
                "y0": 400,
                "bottom": 420,
                "size": 20.0,
            }
        ]
    )
    assert read_glyphs(page) == ([], 1)


@pytest.mark.corpus
def test_lines_in_reading_order(corpus_pdf):
    (page,) = _pages(str(corpus_pdf("GB_T_7714-2015.pdf")), (5,))
    tops = [line.top for line in page.lines]
    assert tops == sorted(tops)


def test_symbol_font_private_use_mapped():
    assert _private_use("\uf0b3", "Symbol") == "≥"
    assert _private_use("\uf061", "Symbol") == "α"
    assert _private_use("\uf0b3", "SimSun") == "\uf0b3"
    assert _private_use("\ue010", "E-FZ-PK7482dc") == "."


@pytest.mark.corpus
def test_db44_26_2001_p12_symbol_limits_readable(corpus_pdf):
    lines = _texts(corpus_pdf, "DB44_26-2001.pdf", 12)
    assert any("≥1h" in line for line in lines)


@pytest.mark.corpus
def test_gb_12348_2008_p1_drawn_dashes_and_private_full_stop(corpus_pdf):
    lines = _texts(corpus_pdf, "GB_12348-2008.pdf", 1)
    assert "GB 12348—2008" in lines
    assert "2008-08-19发布 2008-10-01实施" in lines
    assert "ICS 13.140" in lines


@pytest.mark.corpus
def test_db44_27_2001_p26_italic_formula_kept(corpus_pdf):
    """Formula symbols are set in a sheared (italic) matrix; only turned glyphs are dropped."""
    lines = _texts(corpus_pdf, "DB44_27-2001.pdf", 26)
    assert "QSO2=P×U×Hgm×10-6" in lines
