"""OCR of real pages: a garbled-font cover, a scanned spread, and the Line contract."""

from __future__ import annotations

import pickle
import statistics

import pytest
from PIL import Image

from indexer.pdf.ocr import DEFAULT_DPI, ocr_image, ocr_page, render_page

pytestmark = [pytest.mark.corpus, pytest.mark.ocr, pytest.mark.slow]


@pytest.fixture(scope="module")
def gm_t_0031_cover(tesseract, corpus_pdf):
    return ocr_page(corpus_pdf("GM_T_0031-2014.pdf"), 1)


def test_gm_t_0031_2014_cover_number_and_title_are_readable(gm_t_0031_cover):
    # The text layer of this cover is garbled (犌犕／犜 for GM/T); OCR must give the
    # number and title a cover parser can use.
    [page] = gm_t_0031_cover
    texts = [line.text for line in page.lines]
    assert "GM/T 0031—2014" in texts
    assert "安全电子签章密码技术规范" in texts
    assert "中华人民共和国密码行业标准" in texts
    assert any("Secure electronic seal cryptography" in t for t in texts)
    assert any(t.startswith("2014-02-13发布") for t in texts)


def test_gm_t_0031_2014_cover_lines_follow_the_line_contract(gm_t_0031_cover):
    [page] = gm_t_0031_cover
    assert page.number == 1 and page.ocr
    assert (page.width, page.height) == pytest.approx((501.8, 784.8), abs=1)
    for line in page.lines:
        assert line.ocr and line.page == 1
        assert 0 <= line.x0 < line.x1 <= page.width
        assert 0 <= line.top < line.bottom <= page.height
    by_text = {line.text: line for line in page.lines}
    title, number = by_text["安全电子签章密码技术规范"], by_text["GM/T 0031—2014"]
    # Reading order is top to bottom, and the title is set much larger than the number.
    assert number.top < title.top
    assert title.size > 1.4 * number.size
    # The number is right-aligned on the cover.
    assert number.x0 > page.width / 2


def test_ocr_result_is_picklable_for_worker_processes(gm_t_0031_cover):
    assert pickle.loads(pickle.dumps(gm_t_0031_cover)) == gm_t_0031_cover


def test_gb_t_32960_1_pages_on_one_sheet_are_read_as_two_pages(tesseract, corpus_pdf):
    # A copier scan of a bound standard: pages 2 (前言) and 4 (the first body page)
    # side by side on one landscape sheet, as a two-up scan stores them.
    path = corpus_pdf("GB_T_32960.1-2016.pdf")
    left, right = render_page(path, 2).image, render_page(path, 4).image
    sheet = Image.new("L", (left.width + right.width, left.height), 255)
    sheet.paste(left, (0, 0))
    sheet.paste(right, (left.width, 0))
    pages = ocr_image(sheet, 7, pt_per_px=72 / DEFAULT_DPI, dpi=DEFAULT_DPI)
    assert len(pages) == 2
    foreword, body = ([line.text for line in page.lines] for page in pages)
    assert "前言" in foreword
    assert any(t.endswith("总则") for t in body)
    assert not any(t == "前言" for t in body)
    assert any(t.startswith("GB/T 32960.1—2016") for t in foreword)
    for page in pages:
        assert page.number == 7
        assert page.width == pytest.approx(595, abs=60)
        # Positions are relative to the page's own half of the sheet.
        assert all(0 <= line.x0 < line.x1 <= page.width for line in page.lines)


def test_gb_3838_2002_pixel_sized_page_keeps_pdf_units_and_printed_sizes(tesseract, corpus_pdf):
    # This scan is stored at 1 pt per pixel (a 2480 × 3504 pt page): positions stay in
    # the PDF's units like pdfplumber's, sizes are the printed ones (body text 10.5 pt).
    [page] = ocr_page(corpus_pdf("GB_3838-2002.pdf"), 3)
    assert page.width == pytest.approx(2480, abs=5)
    assert max(line.x1 for line in page.lines) > 1800
    body = statistics.median(line.size for line in page.lines)
    assert 9 <= body <= 12


def test_gb_16889_2008_cover_small_print_skipped_by_block_reading_is_recovered(
    tesseract, corpus_pdf
):
    # Read as one block, this cover loses the ICS code and both numbers printed between
    # the large banner and the title; they are recovered from the ink left unread.
    [page] = ocr_page(corpus_pdf("GB_16889-2008.pdf"), 1)
    texts = [line.text for line in page.lines]
    assert "ICS 13.030.10" in texts
    assert "GB 16889—2008" in texts
    assert "代替GB 16889—1997" in texts
    assert "生活垃圾填埋场污染控制标准" in texts
    # Recovered lines sit in reading order.
    assert texts.index("GB 16889—2008") < texts.index("生活垃圾填埋场污染控制标准")


def test_jt_t_808_2019_bold_cover_number_is_read_with_latin_letters(tesseract, corpus_pdf):
    # chi_sim alone reads the bold `JT/T` as `JI/T` (no such prefix), so the cover's
    # number was lost; code lines are read again with the English model alongside.
    from indexer.parse.cover import parse_cover

    pages = ocr_page(corpus_pdf("JT_T_808-2019.pdf"), 1)
    texts = [line.text for line in pages[0].lines]
    assert "JT/T 808—2019" in texts
    assert any(t.startswith("ICS 03.220.20;35.240.60") for t in texts)
    meta = parse_cover(pages)
    assert meta.std_no == "JT/T 808-2019" and meta.sources["std_no"] == "cover"
    assert meta.replaces == ["JT/T 808-2011"]
    assert meta.ics == ["03.220.20", "35.240.60"]
