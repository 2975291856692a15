"""Spreads, skew and binarisation on synthetic sheets and on real scanned pages."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from indexer.pdf import page_geometry as geo


def _text_page(width=850, height=1200, lines=30, margin=100, ink=0) -> Image.Image:
    """A page of 'text': rows of word-like blocks, as a scanned page looks from afar."""
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    pitch = (height - 2 * margin) // lines
    for row in range(lines):
        y = margin + row * pitch
        x = margin + (40 if row % 5 == 0 else 0)
        while x < width - margin - 30:
            word = 20 + (row * 7 + x) % 45
            draw.rectangle((x, y, min(x + word, width - margin), y + pitch // 2), fill=ink)
            x += word + 12
    return page


def _spread(left: Image.Image, right: Image.Image) -> Image.Image:
    sheet = Image.new("L", (left.width + right.width, max(left.height, right.height)), 255)
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.width, 0))
    return sheet


def test_otsu_separates_ink_from_paper():
    page = _text_page(ink=40)
    page.paste(230, (0, 0, 50, 50))
    cut = geo.otsu_threshold(page)
    assert 40 <= cut < 230
    assert geo.binarize(page).getextrema() == (0, 255)
    assert len(geo.binarize(page).getcolors()) == 2


def test_two_pages_side_by_side_are_split_left_first():
    left, right = _text_page(ink=0), _text_page(ink=90)
    sheet = _spread(left, right)
    gutter = geo.find_gutter(sheet)
    assert gutter is not None
    # The gutter lies between the right margin of one page and the left margin of the other.
    assert left.width - 100 <= gutter <= left.width + 100
    halves = geo.split_spread(sheet)
    assert len(halves) == 2
    assert halves[0].width + halves[1].width == sheet.width
    # Left first: the left page is the one printed in black.
    assert halves[0].getextrema() == (0, 255)
    assert halves[1].getextrema() == (90, 255)


def test_portrait_page_is_not_split():
    assert geo.split_spread(_text_page()) == [geo.split_spread(_text_page())[0]]
    assert geo.find_gutter(_text_page()) is None


def test_landscape_page_printed_across_is_not_split():
    assert geo.find_gutter(_text_page(width=1700, height=1200)) is None


def test_landscape_sheet_with_one_printed_page_is_not_split():
    blank = Image.new("L", (850, 1200), 255)
    assert geo.find_gutter(_spread(_text_page(), blank)) is None


@pytest.mark.parametrize("angle", [-2.0, -0.6, 0.0, 0.4, 1.5])
def test_skew_is_measured(angle):
    page = _text_page(width=1000, height=1400, lines=35)
    tilted = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert geo.estimate_skew(tilted) == pytest.approx(-angle, abs=0.15)


def test_deskew_levels_the_lines():
    page = _text_page(width=1000, height=1400, lines=35)
    tilted = page.rotate(1.2, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)
    assert abs(geo.estimate_skew(geo.deskew(tilted))) <= 0.15


def test_level_page_is_left_alone():
    page = _text_page()
    assert geo.deskew(page, 0.01) is page


def test_blank_page_has_no_skew():
    assert geo.estimate_skew(Image.new("L", (800, 1000), 255)) == 0.0


# --- real scanned pages ---------------------------------------------------------------


def _render(path, page_no: int, dpi: float = 100) -> Image.Image:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return pdf[page_no - 1].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
    finally:
        pdf.close()


@pytest.mark.corpus
def test_gb_t_32960_1_page_2_is_one_rotated_page_not_a_spread(corpus_pdf):
    # The scan is stored as a landscape image on a /Rotate 90 page: rendered, it is one
    # upright portrait page and must not be cut in two.
    page = _render(corpus_pdf("GB_T_32960.1-2016.pdf"), 2)
    assert page.height > page.width
    assert len(geo.split_spread(page)) == 1


@pytest.mark.corpus
def test_gb_t_32960_1_pages_2_and_4_copied_on_one_sheet_are_split(corpus_pdf):
    path = corpus_pdf("GB_T_32960.1-2016.pdf")
    foreword, body = _render(path, 2), _render(path, 4)
    sheet = _spread(foreword, body)
    halves = geo.split_spread(sheet)
    assert len(halves) == 2
    gutter = halves[0].width
    # Each half holds all the ink of its page and none of the other's.
    assert abs(gutter - foreword.width) < 0.1 * foreword.width
    left_ink, right_ink = sum(geo.column_ink(halves[0])), sum(geo.column_ink(halves[1]))
    assert left_ink == pytest.approx(sum(geo.column_ink(foreword)), rel=0.05)
    assert right_ink == pytest.approx(sum(geo.column_ink(body)), rel=0.05)


@pytest.mark.corpus
def test_hj_1259_page_16_landscape_table_is_not_split(corpus_pdf):
    page = _render(corpus_pdf("HJ_1259-2022.pdf"), 16)
    assert page.width > page.height
    assert geo.find_gutter(page) is None


@pytest.mark.corpus
def test_gb_16297_1996_page_3_scan_is_tilted(corpus_pdf):
    # Measured at 0.26°: enough to merge lines of small print if left alone.
    angle = geo.estimate_skew(_render(corpus_pdf("GB_16297-1996.pdf"), 3, dpi=150))
    assert 0.1 <= angle <= 0.45


@pytest.mark.corpus
def test_gb_3838_2002_page_3_scan_is_level(corpus_pdf):
    page = _render(corpus_pdf("GB_3838-2002.pdf"), 3, dpi=30)  # a 72-dpi 'pixel' page
    assert abs(geo.estimate_skew(page)) < 0.1


def _longest_run(image: Image.Image) -> int:
    """Longest horizontal or vertical run of ink pixels."""
    ink = geo.binarize(image)
    best = 0
    for plane in (ink, ink.transpose(Image.Transpose.TRANSPOSE)):
        data = plane.tobytes()
        for y in range(plane.height):
            row = data[y * plane.width : (y + 1) * plane.width]
            best = max(best, max((len(r) for r in row.split(b"\xff")), default=0))
    return best


def _ruled_table() -> Image.Image:
    table = Image.new("L", (900, 600), 255)
    draw = ImageDraw.Draw(table)
    for y in range(50, 551, 100):
        draw.rectangle((50, y, 850, y + 2), fill=0)
    for x in (50, 300, 600, 850):
        draw.rectangle((x, 50, x + 2, 552), fill=0)
    for y in range(85, 551, 100):
        for x in (80, 330, 630):
            draw.rectangle((x, y, x + 30, y + 30), fill=0)  # a "glyph"
            draw.rectangle((x + 40, y + 14, x + 128, y + 16), fill=0)  # a "——" dash
    return table


def test_table_rules_are_removed_and_cell_text_kept():
    table = _ruled_table()
    cleaned = geo.remove_rules(table, 150)
    assert _longest_run(table) > 500
    assert _longest_run(cleaned) < 150
    # Every glyph and dash in the cells survives.
    glyph_ink = 5 * 3 * (31 * 31 + 89 * 3)
    assert sum(geo.column_ink(cleaned)) * cleaned.height == pytest.approx(glyph_ink, rel=0.02)


def test_page_without_rules_is_unchanged():
    page = _text_page()
    assert geo.remove_rules(page, 150).tobytes() == page.tobytes()


@pytest.mark.corpus
def test_gb_31571_2015_page_11_table_grid_is_removed(corpus_pdf):
    page = _render(corpus_pdf("GB_31571-2015.pdf"), 11, dpi=100)
    cleaned = geo.remove_rules(page, 50)
    assert _longest_run(page) > 400
    assert _longest_run(cleaned) < 50
    # The text (not the grid) keeps most of the ink.
    assert sum(geo.column_ink(cleaned)) > 0.5 * sum(geo.column_ink(page))


def test_ink_reaching_the_edge_is_cleared_and_text_kept():
    page = _text_page()
    draw = ImageDraw.Draw(page)
    draw.rectangle((page.width - 6, 0, page.width - 1, page.height - 1), fill=0)  # shadow
    draw.rectangle((page.width - 10, 300, page.width - 8, 380), fill=0)  # broken rule
    draw.rectangle((20, 20, 60, 40), fill=0)  # small print near the corner, inside the band
    text_ink = sum(geo.column_ink(_text_page()))
    cleared = geo.clear_edge_ink(page)
    assert cleared.crop((page.width - 12, 0, page.width, page.height)).getextrema() == (255, 255)
    assert cleared.crop((20, 20, 61, 41)).getextrema()[0] == 0
    assert sum(geo.column_ink(cleared)) == pytest.approx(text_ink + 41 * 21 / page.height, rel=0.01)


@pytest.mark.corpus
def test_gb_21900_2008_page_4_copier_edge_is_cleared(corpus_pdf):
    # The scan has broken vertical lines 3-15 px from its right edge; Tesseract reads
    # them as stray `本` and `1`.
    page = _render(corpus_pdf("GB_21900-2008.pdf"), 4, dpi=300)
    right = (page.width - 20, 0, page.width, page.height)
    assert page.crop(right).getextrema()[0] < 100
    cleared = geo.clear_edge_ink(page)
    assert cleared.crop(right).getextrema()[0] > 200
    # Nothing of the printed text goes.
    body = (200, 200, page.width - 200, page.height - 200)
    assert cleared.crop(body).tobytes() == page.crop(body).tobytes()
