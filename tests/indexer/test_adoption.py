"""Adoption statements (采标): each printed form alone, then the real covers and forewords of
the corpus, then the whole corpus against an independent reading of what it states."""

from __future__ import annotations

import re

import pytest

from analyzers.adopted import find_designations, parse_designation
from indexer.ingest.parse_file import standard_from_pages
from indexer.library.adoption import from_summary, summary
from indexer.library.model import Adoption
from indexer.parse.adoption import adoption_from_cover, adoption_from_foreword, parse_adoption
from indexer.parse.cover import find_cover, foreword_text, parse_cover
from tests.page_cache import corpus_pages


def _read(text: str) -> list[tuple[str, str, str]]:
    return [(a.standard, a.org, a.degree) for a in parse_adoption(text)]


# ---------------------------------------------------------------------------
# Each form, made up


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("本标准等同采用ISO 690:2010《信息与文献》。", [("ISO 690:2010", "ISO", "IDT")]),
        (
            "本文件修改采用IEC 60335-1:2020《家用和类似用途电器的安全 第1部分：通用要求》。",
            [("IEC 60335-1:2020", "IEC", "MOD")],
        ),
        (
            "本标准使用重新起草法修改采用ISO 690:2010《信息与文献》。",
            [("ISO 690:2010", "ISO", "MOD")],
        ),
        ("本标准非等效采用ISO 9001:2015。", [("ISO 9001:2015", "ISO", "NEQ")]),
        ("本标准与ISO 690:1987的一致性程度为非等效。", [("ISO 690:1987", "ISO", "NEQ")]),
        ("本部分与IEC 61000-4-2:2008的一致性程度为等同。", [("IEC 61000-4-2:2008", "IEC", "IDT")]),
        ("（ISO 690:2010，IDT）", [("ISO 690:2010", "ISO", "IDT")]),
        ("(ISO 690:2010, IDT)", [("ISO 690:2010", "ISO", "IDT")]),
        ("（ＩＳＯ ６９０：２０１０，ＭＯＤ）", [("ISO 690:2010", "ISO", "MOD")]),
        ("(eqv ISO 4210:1989)", [("ISO 4210:1989", "ISO", "EQV")]),
        (
            "本标准等效采用国际标准ISO 4210:1989《自行车安全要求》。",
            [("ISO 4210:1989", "ISO", "EQV")],
        ),
        ("本标准参照采用ISO 4210:1989。", [("ISO 4210:1989", "ISO", "NEQ")]),
        (
            "本文件等同采用ISO/IEC 27001:2013《信息技术》。",
            [("ISO/IEC 27001:2013", "ISO/IEC", "IDT")],
        ),
        ("本标准等同采用ITU-T G.711。", [("ITU-T G.711", "ITU-T", "IDT")]),
        ("本标准修改采用IEEE 802.3-2018。", [("IEEE 802.3-2018", "IEEE", "MOD")]),
        ("本标准等同翻译采用EN 1234:2010。", [("EN 1234:2010", "EN", "IDT")]),
        ("本标准修改采用ASTM D1234-10。", [("ASTM D1234-10", "ASTM", "MOD")]),
        ("本标准修改采用JIS Z 8301:2019。", [("JIS Z 8301:2019", "JIS", "MOD")]),
    ],
)
def test_each_printed_form(text, found):
    assert _read(text) == found


def test_several_adopted_standards_in_one_statement():
    assert _read("本标准修改采用ISO 1234:2015《甲》和ISO 5678:2010《乙》。") == [
        ("ISO 1234:2015", "ISO", "MOD"),
        ("ISO 5678:2010", "ISO", "MOD"),
    ]
    assert _read("本文件修改采用EN 1234:2010、ASTM D1234-10和JIS Z 8301:2019。") == [
        ("EN 1234:2010", "EN", "MOD"),
        ("ASTM D1234-10", "ASTM", "MOD"),
        ("JIS Z 8301:2019", "JIS", "MOD"),
    ]
    assert _read("(ISO 1234:2015, MOD; ISO 5678:2010, IDT)") == [
        ("ISO 1234:2015", "ISO", "MOD"),
        ("ISO 5678:2010", "ISO", "IDT"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "本标准参考了ISO 690:2010。",
        "本标准参照ISO 690:2010编制。",
        "本标准在制定过程中参考了国外的先进标准。",
        "本标准不等同采用ISO 690:2010。",
        # a normative reference printed with its own adoption is about that reference
        "GB/T 755—2008 旋转电机定额和性能(IEC 60034-1:2004,IDT)",
        "6.5 西文期刊刊名的缩写可参照ISO 4的规定。",
    ],
)
def test_reference_without_a_degree_is_no_adoption(text):
    assert parse_adoption(text) == []


def test_numbers_named_later_in_the_sentence_are_not_adopted():
    """Only the list after the degree counts, not a reference replaced further on."""
    text = "本标准等同采用ISO 1234:2015，其中规范性引用文件ISO 5678替换为GB/T 5678。"
    assert _read(text) == [("ISO 1234:2015", "ISO", "IDT")]


def test_an_amendment_of_the_adopted_standard_adds_nothing():
    text = "本部分等同采用IEC 60335-2-24:2012《…》及其第1号修改单IEC 60335-2-24:2012/AMD1:2017。"
    assert _read(text) == [("IEC 60335-2-24:2012", "IEC", "IDT")]


def test_summary_round_trips_through_the_adopts_text():
    adoptions = [Adoption("ISO 690:2010", "ISO", "NEQ"), Adoption("IEC 60335-1:2020", "IEC", "MOD")]
    assert summary(adoptions) == "ISO 690:2010, NEQ; IEC 60335-1:2020, MOD"
    assert from_summary(summary(adoptions)) == adoptions
    assert from_summary("no standard here, IDT") == [Adoption("no standard here", "", "IDT")]


@pytest.mark.parametrize(
    ("typed", "canonical", "keys"),
    [
        ("iso690", "ISO 690", ["iso690"]),
        ("ISO 690-2010", "ISO 690:2010", ["iso690:2010", "iso690-2010", "iso690"]),
        ("IEC 60335-1", "IEC 60335-1", ["iec60335-1", "iec60335"]),
        ("en1234", "EN 1234", ["en1234"]),
        ("IAEA SSR-6:2012", "IAEA SSR-6:2012", ["iaeassr-6:2012", "iaeassr-6", "iaeassr"]),
    ],
)
def test_designations_keep_their_prefix_in_every_key(typed, canonical, keys):
    designation = parse_designation(typed)
    assert str(designation) == canonical
    assert designation.keys() == keys  # never a bare `690`, which a Chinese number may be


def test_body_text_of_bodies_outside_stdno_is_read_only_here():
    assert [str(d) for d, _s, _e in find_designations("符合EN 1234:2010和ASTM D1234-10")] == [
        "EN 1234:2010",
        "ASTM D1234-10",
    ]


# ---------------------------------------------------------------------------
# Real covers and forewords


@pytest.fixture
def pages_of(corpus_pdf):
    def read(name: str):
        return list(corpus_pages(str(corpus_pdf(name))))

    return read


def _page_lines(pages, number: int) -> list[str]:
    return [line.text for page in pages if page.number == number for line in page.lines]


@pytest.mark.corpus
def test_GB_T_7714_2015_cover_page_1_note_is_not_equivalent(pages_of):
    """Page 1 prints `(ISO 690:2010,Information and documentation—Guidelines for …, NEQ)`
    over two lines under the English title."""
    lines = _page_lines(pages_of("GB_T_7714-2015.pdf"), 1)
    note = [line for line in lines if "ISO 690" in line or line.rstrip().endswith("NEQ)")]
    assert adoption_from_cover(note) == [Adoption("ISO 690:2010", "ISO", "NEQ")]


@pytest.mark.corpus
def test_GB_T_7714_2015_foreword_page_5_drafted_with_reference_but_degree_stated(pages_of):
    """前言 (printed page III): `本标准使用重新起草法参考ISO 690:2010 (E)《…》编制,与ISO
    690:2010的一致性程度为非等效。` — `参考` alone would not be an adoption; the degree is."""
    foreword = foreword_text(pages_of("GB_T_7714-2015.pdf"))
    assert "一致性程度为非等效" in foreword
    assert adoption_from_foreword(foreword) == [Adoption("ISO 690:2010", "ISO", "NEQ")]


@pytest.mark.corpus
def test_GB_11806_2019_cover_and_foreword_page_4_adopt_an_IAEA_regulation(pages_of):
    """Cover: `（IAEA Specific Safety Requirements No.SSR-6: 2012, …, MOD）`; 前言: `本标准修改采用
    了国际原子能机构（IAEA）Specific Safety Requirements No. SSR-6: 2012年版《…》`."""
    pages = pages_of("GB_11806-2019.pdf")
    foreword = foreword_text(pages)
    assert adoption_from_foreword(foreword) == [Adoption("IAEA SSR-6:2012", "IAEA", "MOD")]
    meta = parse_cover(pages, "GB_11806-2019.pdf")
    assert meta.adoption == [Adoption("IAEA SSR-6:2012", "IAEA", "MOD")]
    assert meta.adopts == "IAEA SSR-6:2012, MOD"


@pytest.mark.corpus
def test_GB_17761_2018_normative_references_page_4_adopt_nothing_themselves(pages_of):
    """Chapter 2 lists `GB/T 755—2008 旋转电机定额和性能(IEC 60034-1:2004,IDT)` and more:
    adoptions of the cited standards, not of GB 17761."""
    pages = pages_of("GB_17761-2018.pdf")
    assert any("IEC 60034-1:2004,IDT" in line for line in _page_lines(pages, 4))
    assert parse_cover(pages, "GB_17761-2018.pdf").adoption == []


@pytest.mark.corpus
def test_GB_T_19056_2012_foreign_standards_consulted_are_no_adoption(pages_of):
    """引言: `参考了国外的先进标准` names no standard and no degree."""
    pages = pages_of("GB_T_19056-2012.pdf")
    assert parse_cover(pages, "GB_T_19056-2012.pdf").adoption == []


# ---------------------------------------------------------------------------
# The whole corpus

# "States an adoption", read independently of the parser: a degree word with 采用, or a
# consistency degree, near an international body's name in the foreword; or a cover note
# in parentheses ending in a degree code.
_BODIES = r"(?:ISO|IEC|ITU|IEEE|EN|ASTM|JIS|BS|DIN|CISPR|OIML|IAEA|国际)"
_STATES = re.compile(
    rf"(?:等同|修改|等效|参照)采用[^。]{{0,40}}{_BODIES}"
    rf"|与[^。]{{0,80}}{_BODIES}[^。]{{0,80}}一致性程度为"
)
_COVER_NOTE = re.compile(rf"[(（]\s*{_BODIES}[^()（）]*?[,，]\s*(?:IDT|MOD|NEQ|EQV)\s*[)）]")


def _states_adoption(pages) -> bool:
    cover = find_cover(pages)
    cover_text = " ".join(line.text for line in cover.lines) if cover else ""
    return bool(_STATES.search(foreword_text(pages)) or _COVER_NOTE.search(cover_text))


@pytest.mark.corpus
def test_every_corpus_standard_stating_an_adoption_gets_it_parsed(corpus_dir):
    """Text layers as the corpus library reads them (scanned pages stay unread without OCR)."""
    stating, parsed = set(), {}
    for pdf in sorted(corpus_dir.glob("*.pdf")):
        pages = list(corpus_pages(str(pdf)))
        if _states_adoption(pages):
            stating.add(pdf.name)
        standard = standard_from_pages(pages, pdf.name)
        if standard.adoption:
            parsed[pdf.name] = standard.adoption
    print(f"\ncorpus standards stating an adoption: {len(stating)}, parsed: {len(parsed)}")
    assert set(parsed) == stating
    assert all(a.degree and a.org for found in parsed.values() for a in found)
    assert {"GB_T_7714-2015.pdf", "GB_11806-2019.pdf"} <= stating
