"""Text-layer quality: the statistics on made-up text, the verdicts on real documents.

The corpus check is the measure the judgement was tuned on: every page of a document
without a text layer is flagged, no page of a document with a good one is.
"""

from __future__ import annotations

import csv

import pytest

from indexer.pdf.extract import extract_pages
from indexer.pdf.garbled import assess_page, char_frequencies
from tests.page_cache import corpus_pages, prefetch_corpus_pages

PROSE = (
    "本标准规定了生活垃圾填埋场选址、设计与施工、填埋废物的入场条件、运行、封场、"
    "后期维护与管理的污染控制和监测等方面的要求。本标准适用于生活垃圾填埋场建设、"
    "运行和封场后的维护与管理过程中的污染控制和监督管理。1 范围 2 规范性引用文件"
)


def test_good_prose_passes():
    assert assess_page(PROSE) is None


def test_blank_page_is_not_garbled():
    assert assess_page("") is None


def test_image_without_text_has_no_text_layer():
    assert assess_page("", image_coverage=0.95) == "no text layer"


def test_outlined_text_detected():
    assert assess_page("ICS 03.220", curves=328) == "text drawn as vector outlines"
    assert assess_page("", curves=3) is None


@pytest.mark.corpus
def test_jt_t_1078_2016_p1_outlined_cover_flagged(corpus_pdf):
    (page,) = extract_pages(str(corpus_pdf("JT_T_1078-2016.pdf")), (1,))
    assert page.needs_ocr == "text drawn as vector outlines"


def test_text_over_a_page_scan_is_ocr():
    assert assess_page(PROSE, image_coverage=0.99) == "text layer under a page scan (OCR)"


def test_rare_cjk_from_a_latin_font_detected():
    text = (
        "犌犕／犜００３１—２０１４ 犛犕２犪犾犵狅狉犻狋犺犿 犆犲狉狋犻犳犻犮犪狋犲 犘狌犫犾犻犮犓犲狔"
        * 3
    )
    assert assess_page(text) == "garbled font encoding (rare CJK characters)"


def test_shifted_gb2312_digits_detected():
    text = "员摇适用范围 本标准规定了生活垃圾填埋场选址尧设计与施工尧填埋废物的入场条件遥" * 3
    assert assess_page(text) == "garbled font encoding (shifted GB2312 codes)"


def test_cid_glyphs_detected():
    assert assess_page("(cid:12)(cid:13)(cid:14) 本标准 (cid:15)(cid:16)" * 5) == (
        "unmapped glyphs (cid)"
    )


def test_glyph_order_symbols_detected():
    text = '!"#$%&’()*+,- !"#$% GM/T 0031—2014 !’,-./0./1*234567&89:;<2=（100029）' * 3
    assert assess_page(text) == "garbled font encoding (no usable CJK)"


def test_code_listing_is_not_garbled():
    text = '<?xml version="1.0"?> <Query> <CmdType>Catalog</CmdType> <SN>17430</SN> ' * 6
    assert assess_page(text) is None


def test_domain_characters_are_not_rare_enough_to_condemn():
    """A thallium standard repeats 铊, rare in general Chinese, on every line."""
    text = "工业废水铊污染物排放标准。本标准规定了工业废水中铊的排放限值、监测和监督管理要求。" * 4
    assert assess_page(text) is None


def test_char_frequencies_from_jieba():
    freq = char_frequencies()
    assert freq["的"] > 100_000
    assert freq.get("犌", 0) == 0


# ---------------------------------------------------------------- real documents


@pytest.mark.corpus
def test_gm_t_0031_2014_garbled_detected(corpus_pdf):
    pages = extract_pages(str(corpus_pdf("GM_T_0031-2014.pdf")), (1, 2, 3, 7))
    for page in pages:
        assert (page.needs_ocr and page.needs_ocr.startswith("garbled")) or "cid" in page.needs_ocr
        assert page.lines == []


@pytest.mark.corpus
def test_gb_16889_2008_shifted_digits_repaired(corpus_pdf):
    """The Latin fonts' codes are shifted by 0x3100; the font is recognised and read back."""
    (page,) = extract_pages(str(corpus_pdf("GB_16889-2008.pdf")), (4,))
    assert page.needs_ocr is None
    texts = [line.text for line in page.lines]
    assert "1适用范围" in texts
    assert "GB/T 5750—2006生活饮用水标准检验法" in texts
    assert not any(ch in "".join(texts) for ch in "员园尧遥郧")


@pytest.mark.corpus
def test_jt_t_808_2019_no_usable_cjk_detected(corpus_pdf):
    pages = extract_pages(str(corpus_pdf("JT_T_808-2019.pdf")), (1, 2, 5))
    assert all(page.needs_ocr for page in pages)


@pytest.mark.corpus
def test_gb_t_26875_3_2011_ocr_layer_detected(corpus_pdf):
    (page,) = extract_pages(str(corpus_pdf("GB_T_26875.3-2011.pdf")), (5,))
    assert page.needs_ocr == "text layer under a page scan (OCR)"


@pytest.mark.corpus
def test_gb_3838_2002_scan_has_no_text_layer(corpus_pdf):
    pages = extract_pages(str(corpus_pdf("GB_3838-2002.pdf")), (1, 2))
    assert [page.needs_ocr for page in pages] == ["no text layer"] * 2


@pytest.mark.corpus
def test_gb_t_28181_2016_p145_xml_listing_kept(corpus_pdf):
    (page,) = extract_pages(str(corpus_pdf("GB_T_28181-2016.pdf")), (145,))
    assert page.needs_ocr is None
    assert page.lines


@pytest.mark.corpus
def test_good_pages_of_a_good_document_kept(corpus_pdf):
    pages = extract_pages(str(corpus_pdf("HJ_364-2022.pdf")))
    assert [page.number for page in pages if page.needs_ocr] == []


@pytest.mark.slow
@pytest.mark.corpus
def test_text_layer_verdicts_match_manifest(corpus_dir):
    """`no` documents: every page flagged; `yes` documents: one page, or one in 20.

    The pages flagged in `yes` documents are real: GB 12348-2008 page 8 is a scan bound
    into the text, JT/T 1078-2016 page 1 a cover drawn as outlines.
    """
    with (corpus_dir / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    rows = [row for row in rows if row["text_layer"] in ("yes", "no")]
    prefetch_corpus_pages(corpus_dir / row["file"] for row in rows)
    for row in rows:
        pages = corpus_pages(str(corpus_dir / row["file"]))
        flagged = sum(1 for page in pages if page.needs_ocr)
        if row["text_layer"] == "no":
            assert flagged == len(pages), row["file"]
        else:
            assert flagged <= max(1, len(pages) // 20), row["file"]
