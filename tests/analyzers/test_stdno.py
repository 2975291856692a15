"""The standard-number grammar against the spellings real documents and users produce."""

from __future__ import annotations

import csv

import pytest

from analyzers.stdno import (
    StandardNumber,
    find_std_nos,
    normalize_query_number,
    parse_filename,
    parse_std_no,
)

# (as printed or typed, canonical)
SPELLINGS = [
    # national
    ("GB/T 7714-2015", "GB/T 7714-2015"),
    ("GB/T 7714—2015", "GB/T 7714-2015"),
    ("GB/T 7714——2015", "GB/T 7714-2015"),
    ("GB/T 7714–2015", "GB/T 7714-2015"),
    ("GB/T 7714‐2015", "GB/T 7714-2015"),
    ("GB/T 7714―2015", "GB/T 7714-2015"),
    ("GB/T 7714 — 2015", "GB/T 7714-2015"),
    ("GB/T\u30007714－2015", "GB/T 7714-2015"),
    ("GB／T7714-2015", "GB/T 7714-2015"),
    ("ＧＢ／Ｔ ７７１４—２０１５", "GB/T 7714-2015"),
    ("GB / T 7714-2015", "GB/T 7714-2015"),
    ("gbt7714-2015", "GB/T 7714-2015"),
    ("GB 14554-93", "GB 14554-1993"),
    ("GB 14554—93", "GB 14554-1993"),
    ("GB 12348—90", "GB 12348-1990"),
    ("GB 18918-02", "GB 18918-2002"),
    ("HJ/T 55-2000", "HJ/T 55-2000"),
    ("GB/T 1.1—2020", "GB/T 1.1-2020"),
    ("GB 4806.10-2016", "GB 4806.10-2016"),
    ("GB 5085.7", "GB 5085.7"),
    ("GB/Z 20000.1", "GB/Z 20000.1"),
    ("GB/Z 20000.1—2002", "GB/Z 20000.1-2002"),
    ("gb t 28181", "GB/T 28181"),
    ("gbt28181-2016", "GB/T 28181-2016"),
    ("GB28181", "GB 28181"),
    ("GBZ 2.1-2019", "GBZ 2.1-2019"),
    ("GBZ/T 229.1-2010", "GBZ/T 229.1-2010"),
    ("GB 50016—2014", "GB 50016-2014"),
    ("GHZB 1-1999", "GHZB 1-1999"),
    ("JJG 1036—2008", "JJG 1036-2008"),
    # local
    ("DB44/ 26—2001", "DB44/26-2001"),
    ("DB44/26-2001", "DB44/26-2001"),
    ("DB 44/1597—2015", "DB44/1597-2015"),
    ("DB 44／2367—2022", "DB44/2367-2022"),
    ("DB53/T 1234-2022", "DB53/T1234-2022"),
    ("DB53/T1234-2022", "DB53/T1234-2022"),
    ("DB11/T 1322.1—2017", "DB11/T1322.1-2017"),
    ("DB4401/T 10—2018", "DB4401/T10-2018"),
    ("DB 4426-1989", "DB 4426-1989"),
    ("DB 4426—89", "DB 4426-1989"),
    # group and enterprise
    ("T/GDRTA 002—2020", "T/GDRTA 002-2020"),
    ("T/GDRTA 002-2020", "T/GDRTA 002-2020"),
    ("T／CECS 123－2019", "T/CECS 123-2019"),
    ("T/CECS 123-2019", "T/CECS 123-2019"),
    ("Q/GDW 1234-2014", "Q/GDW 1234-2014"),
    ("CECS 02:2005", "CECS 02:2005"),
    # industry
    ("HJ/T 212-2005", "HJ/T 212-2005"),
    ("HJ 212—2017", "HJ 212-2017"),
    ("ｈｊ２１２", "HJ 212"),
    ("JT/T 808—2019", "JT/T 808-2019"),
    ("JT/T808-2013", "JT/T 808-2013"),
    ("JTT808-2011", "JT/T 808-2011"),
    ("jt/t1078", "JT/T 1078"),
    ("jt808", "JT 808"),
    ("SL 651—2014", "SL 651-2014"),
    ("sl651", "SL 651"),
    ("GM/T 0031—2014", "GM/T 0031-2014"),
    ("YY/T 0287-2017", "YY/T 0287-2017"),
    ("JGJ 79—2012", "JGJ 79-2012"),
    ("JTG D60-2015", "JTG D60-2015"),
    ("JTG/T F50—2011", "JTG/T F50-2011"),
    ("TSG 21—2016", "TSG 21-2016"),
    ("DB/T 15-2009", "DB/T 15-2009"),
    # international
    ("ISO 690:2010", "ISO 690:2010"),
    ("ISO 690：2010", "ISO 690:2010"),
    ("ISO/IEC 17025:2017", "ISO/IEC 17025:2017"),
    ("IEC 61000-4-2", "IEC 61000-4-2"),
    ("IEC 61000-4-2:2008", "IEC 61000-4-2:2008"),
    ("ISO 3166-1:2013", "ISO 3166-1:2013"),
    ("ISO 2108-1992", "ISO 2108:1992"),
    ("ISO/IEC Guide 98-3:2008", "ISO/IEC Guide 98-3:2008"),
    ("ISO Guide 35:2017", "ISO Guide 35:2017"),
    ("iso/iec guide 2", "ISO/IEC Guide 2"),
    ("ISO/IEC/IEEE 42010:2011", "ISO/IEC/IEEE 42010:2011"),
    ("ITU-T Rec. G.711—1988", "ITU-T G.711-1988"),
    ("ITU-T G.722.1", "ITU-T G.722.1"),
    ("IETF RFC 3550", "IETF RFC 3550"),
    ("RFC 3261", "IETF RFC 3261"),
    ("rfc3261", "IETF RFC 3261"),
    ("IEEE Std 1588-2008", "IEEE 1588-2008"),
    ("IEEE 802.11—2016", "IEEE 802.11-2016"),
    # framing punctuation around a whole number is not part of it
    ("《GB/T 7714—2015》", "GB/T 7714-2015"),
]

NOT_NUMBERS = [
    "SL/T XXXXX—XXXX",
    "GB/T XXXXX",
    "GB/T XXXXX—2020",
    "GB",
    "",
    "5.1",
    "2015-05-15",
    "13.040.40",
    "ICS 13.040.40",
    "DB99/1234-2020",  # 99 is no province
    "DB 9934",  # bare DB plus digits that do not start with a province code
    "AB 1234-2015",  # not an issuer
    "GB/T 7714-2015 信息与文献",  # a whole string only
]


@pytest.mark.parametrize(("spelling", "canonical"), SPELLINGS)
def test_parse_spelling(spelling, canonical):
    number = parse_std_no(spelling)
    assert number is not None, spelling
    assert str(number) == canonical


@pytest.mark.parametrize(("spelling", "canonical"), SPELLINGS)
def test_canonical_round_trip(spelling, canonical):
    number = parse_std_no(canonical)
    assert number == parse_std_no(spelling)
    assert parse_std_no(str(number)) == number


@pytest.mark.parametrize("text", NOT_NUMBERS)
def test_not_a_number(text):
    assert parse_std_no(text) is None


@pytest.mark.parametrize(
    ("text", "prefix", "number", "year"),
    [
        ("GB/T 7714—2015", "GB/T", "7714", "2015"),
        ("GB 5085.7-2019", "GB", "5085.7", "2019"),
        ("GB 14554-93", "GB", "14554", "1993"),
        ("HJ 2.1-05", "HJ", "2.1", "2005"),
        ("GB 12348-49", "GB", "12348", "2049"),
        ("GB 12348-50", "GB", "12348", "1950"),
        ("DB44/T 1234", "DB44/T", "1234", None),
        ("GM/T 0031-2014", "GM/T", "0031", "2014"),
        ("T/GDRTA 002-2020", "T/GDRTA", "002", "2020"),
        ("ISO/IEC 17025:2017", "ISO/IEC", "17025", "2017"),
    ],
)
def test_fields(text, prefix, number, year):
    assert parse_std_no(text) == StandardNumber(prefix, number, year)


@pytest.mark.parametrize(
    ("text", "level", "kind", "region"),
    [
        ("GB 3838-2002", "national", "mandatory", ""),
        ("GB/T 7714-2015", "national", "recommended", ""),
        ("GB/Z 20000.1", "national", "guidance", ""),
        ("HJ 212-2017", "industry", "mandatory", ""),
        ("HJ/T 212-2005", "industry", "recommended", ""),
        ("JT/T 808-2019", "industry", "recommended", ""),
        ("DB44/1597-2015", "local", "mandatory", "广东"),
        ("DB53/T 1234-2022", "local", "recommended", "云南"),
        ("DB11/T 1322", "local", "recommended", "北京"),
        ("DB65/T 4000", "local", "recommended", "新疆"),
        ("DB 4426-1989", "local", "mandatory", "广东"),
        ("T/GDRTA 002-2020", "group", "recommended", ""),
        ("Q/GDW 1234-2014", "enterprise", "recommended", ""),
        ("ISO 690:2010", "international", "recommended", ""),
        ("ITU-T G.711", "international", "recommended", ""),
        ("IETF RFC 3550", "international", "recommended", ""),
        ("DB/T 15-2009", "industry", "recommended", ""),
    ],
)
def test_level_kind_region(text, level, kind, region):
    number = parse_std_no(text)
    assert (number.level, number.kind, number.region) == (level, kind, region)


def test_undated():
    assert parse_std_no("GB/T 7714—2015").undated == "GB/T 7714"
    assert parse_std_no("DB44/ 1597—2015").undated == "DB44/1597"
    assert parse_std_no("ISO 690:2010").undated == "ISO 690"


def test_variants_of_recommended_national():
    variants = parse_std_no("GB/T 7714-2015").variants()
    for form in ["gb/t7714-2015", "gb/t7714", "gbt7714-2015", "gbt7714", "7714-2015", "7714"]:
        assert form in variants
    assert variants[0] == "gb/t7714-2015"
    assert all(v == v.lower() and " " not in v for v in variants)


def test_variants_of_part_numbers_include_the_base():
    variants = parse_std_no("GB 5085.7-2019").variants()
    assert {"gb5085.7-2019", "gb5085.7", "5085.7", "gb5085", "5085"} <= set(variants)
    variants = parse_std_no("GB/T 32960.3-2016").variants()
    assert {"32960.3", "32960", "gbt32960-2016", "gb/t32960"} <= set(variants)
    assert "61000" in parse_std_no("IEC 61000-4-2").variants()


def test_variants_without_kind_for_spoken_forms():
    # "GB28181" and "JT808" are how these standards are usually spoken of.
    assert "gb28181" in parse_std_no("GB/T 28181-2016").variants()
    assert "jt808" in parse_std_no("JT/T 808-2019").variants()


def test_variants_of_local_and_group():
    assert {"db44/1597-2015", "db441597", "1597"} <= set(parse_std_no("DB44/1597-2015").variants())
    assert {"db53/t1234", "db53t1234", "db53/1234"} <= set(
        parse_std_no("DB53/T 1234-2022").variants()
    )
    assert {"t/gdrta002-2020", "tgdrta002", "gdrta002", "002"} <= set(
        parse_std_no("T/GDRTA 002-2020").variants()
    )


@pytest.mark.parametrize(
    ("query", "standard"),
    [
        ("gb3838", "GB 3838-2002"),
        ("gb16297", "GB 16297-1996"),
        ("ｈｊ２１２", "HJ 212-2017"),
        ("jt/t1078", "JT/T 1078-2016"),
        ("GB/T 28181—2016", "GB/T 28181-2016"),
        ("gb t 28181", "GB/T 28181-2016"),
        ("GB28181", "GB/T 28181-2016"),
        ("32960.3", "GB/T 32960.3-2016"),
        ("32960", "GB/T 32960.3-2016"),
        ("GB14554-1993", "GB 14554-1993"),
        ("GB14554-93", "GB 14554-1993"),
        ("14554-93", "GB 14554-1993"),
        ("DB 44／2367—2022", "DB44/2367-2022"),
        ("JT／T 808—2019", "JT/T 808-2019"),
        ("sl651", "SL 651-2014"),
        ("gbt32960.2", "GB/T 32960.2-2016"),
        ("JTT808-2011", "JT/T 808-2011"),
        ("JT808", "JT/T 808-2019"),
        ("gbz20000.1", "GB/Z 20000.1-2002"),
        ("iso 690", "ISO 690:2010"),
        ("GB_T_7714-2015", "GB/T 7714-2015"),
        ("DB-44-1597-2015", "DB44/1597-2015"),
        ("db441597", "DB44/1597-2015"),
        ("GB/T 7714⸺2015", "GB/T 7714-2015"),
        ("GB/T 3838", "GB 3838-2002"),  # kind typed wrongly: the fallback keyword
        ("G.711", "ITU-T G.711-1988"),
        ("rfc 3550", "IETF RFC 3550"),
    ],
)
def test_query_numbers_hit_the_variants_of_the_standard(query, standard):
    keys = normalize_query_number(query)
    assert keys, query
    assert set(keys) & set(parse_std_no(standard).variants())


def test_query_keywords_exact_first():
    assert normalize_query_number("GB/T 28181—2016") == ["gb/t28181-2016", "gb28181-2016"]
    assert normalize_query_number("gb3838") == ["gb3838"]
    assert normalize_query_number("GB14554-93") == ["gb14554-1993"]
    assert normalize_query_number("32960.3") == ["32960.3"]


@pytest.mark.parametrize(
    "query", ["地表水", "5.1", "12", "gb", "SL/T XXXXX—XXXX", "", "  ", "电动汽车 GB/T 32960"]
)
def test_query_without_number(query):
    assert normalize_query_number(query) == []


# (running text, the numbers found in it, as printed)
IN_TEXT = [
    ("本标准代替GB 12348—90，GB 12349—90。", ["GB 12348—90", "GB 12349—90"]),
    ("按照GB/T 1.1—2009给出的规则起草。", ["GB/T 1.1—2009"]),
    ("GB 5085.7危险废物鉴别标准 通则", ["GB 5085.7"]),
    ("GB/T 2828.1—2012/ISO 2859-1:1999 计数抽样检验程序", ["GB/T 2828.1—2012", "ISO 2859-1:1999"]),
    ("本标准由广东省环境保护厅提出。DB44/ 26—2001 水污染物排放限值", ["DB44/ 26—2001"]),
    ("T/GDRTA 002—2020 道路运输车辆智能视频监控报警系统", ["T/GDRTA 002—2020"]),
    ("参照HJ/T 212-2005和HJ 212—2017执行", ["HJ/T 212-2005", "HJ 212—2017"]),
    ("ＧＢ １２３４８—２００８", ["ＧＢ １２３４８—２００８"]),
    ("见5.1和表2。", []),
    ("2015-05-15发布 2015-08-01实施", []),
    ("ICS 13.040.40 Z 60", []),
    ("CH4、CH 4、LD50、SO2 和 NH3-N 的排放限值", []),
    ("SL/T XXXXX—XXXX", []),
    ("see the gb t 28181 protocol", []),  # lower case in body text is prose
    ("本部分由全国消防标准化技术委员会消防通信分技术委员会(SAC／TC 113／SC 14)归口。", []),
    ("还应符合GB18871 的规定。", ["GB18871"]),
    ("HJ38 固定污染源废气 总烃、甲烷和非甲烷总烃的测定", ["HJ38"]),
    ("满足SL 61的相关规定", ["SL 61"]),
    ("符合GA 36规定的汉字", ["GA 36"]),
    ("HJ/T 1 气体参数测量和采样的固定位装置", ["HJ/T 1"]),
    ("根据GHZB 1和GB 3097，将全省水域划分为", ["GHZB 1", "GB 3097"]),
    ("0.25μg/L GB11902－89", ["GB11902－89"]),
    ("按照ISO7195规定的要求设计", ["ISO7195"]),
    ("TYZ7788<T_!Z7[", []),  # a garbled text layer
    ("ITU-TRec.G.711—1988 : [Pulsecode", ["ITU-TRec.G.711—1988"]),  # GB_T_28181-2016.pdf p6
    ("IETF RFC 3550 RTP (Real-time Transport Protocol)", ["IETF RFC 3550"]),
    ("GB/T 20000.1—2014/ISO/IEC Guide 2:2004", ["GB/T 20000.1—2014", "ISO/IEC Guide 2:2004"]),
    ("GB 12348 2008", ["GB 12348 2008"]),  # cover whose dash is a drawn rule
    ("GB 3838一2002 地表水环境质量标准", ["GB 3838一2002"]),  # OCR reads — as 一
    ("符合GB 3838一级标准", ["GB 3838"]),
    ("依据GB 5085.1、5085.2和5085.3鉴别", ["GB 5085.1", "5085.2", "5085.3"]),
    ("按GB/T 1.1—2009、5.2的规定", ["GB/T 1.1—2009"]),
    ("（GB\n12349—90）", ["GB\n12349—90"]),
    ("ABGB 1234-2015", []),
]


@pytest.mark.parametrize(("text", "printed"), IN_TEXT)
def test_find_in_running_text(text, printed):
    found = find_std_nos(text)
    assert [text[start:end] for _, start, end in found] == printed


def test_cover_year_after_a_space():
    assert [str(n) for n, _, _ in find_std_nos("GB 12348 2008")] == ["GB 12348-2008"]
    assert [str(n) for n, _, _ in find_std_nos("GB 12348 2008年")] == ["GB 12348"]
    assert [str(n) for n, _, _ in find_std_nos("HJ 38 2000-01-01")] == ["HJ 38"]


def test_range_of_parts():
    text = "GB 5085.1～5085.6"
    found = find_std_nos(text)
    assert [str(n) for n, _, _ in found] == [f"GB 5085.{i}" for i in range(1, 7)]
    assert [text[a:b] for _, a, b in found][1] == text
    assert [a for _, a, _ in found] == sorted(a for _, a, _ in found)


def test_find_returns_parsed_numbers():
    found = find_std_nos("本标准代替GB 12348—90，GB 12349—90。")
    assert [str(n) for n, _, _ in found] == ["GB 12348-1990", "GB 12349-1990"]


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("SL_651-2014.pdf", "SL 651-2014"),
        ("JT_T_808-2013_BD.pdf", "JT/T 808-2013"),
        ("GB_T_7714-2015.pdf", "GB/T 7714-2015"),
        (
            "GBT 26875.3-2011 城市消防远程监控系统 第3部分：报警传输网络通信协议.pdf",
            "GB/T 26875.3-2011",
        ),
        ("DB-44-1597-2015.pdf", "DB44/1597-2015"),
        ("DB44_T_1234-2022.pdf", "DB44/T1234-2022"),
        ("GB-5085.7-2019.pdf", "GB 5085.7-2019"),
        ("GB-14553-93.pdf", "GB 14553-1993"),
        ("GBT32960-2016电动汽车远程服务与管理系统技术规范 第1部分：总则.pdf", "GB/T 32960-2016"),
        ("SL651-2014水文监测数据通信规约.pdf", "SL 651-2014"),
        ("GMT_0031-2014_安全电子签章密码技术规范.pdf", "GM/T 0031-2014"),
        ("JTT 1078-2016.pdf", "JT/T 1078-2016"),
        ("GB17761-2018  电动自行车安全技术规范.pdf", "GB 17761-2018"),
        ("T_GDRTA_002-2020.pdf", "T/GDRTA 002-2020"),
        ("协议文档/JTT 808-2019.pdf", "JT/T 808-2019"),
        ("GB_5085.7-2019", "GB 5085.7-2019"),
        ("GB-T-7714-2015.pdf", "GB/T 7714-2015"),
        ("jt-t-808-2019.pdf", "JT/T 808-2019"),
        ("T-GDRTA-002-2020.pdf", "T/GDRTA 002-2020"),
        ("Q_GDW_1234-2014.pdf", "Q/GDW 1234-2014"),
        ("DB11_T_1322.1-2017.pdf", "DB11/T1322.1-2017"),
        ("ISO_690-2010.pdf", "ISO 690:2010"),
        ("RFC3261.txt", "IETF RFC 3261"),
    ],
)
def test_parse_filename(name, canonical):
    assert str(parse_filename(name)) == canonical


@pytest.mark.parametrize(
    "name", ["污染物在线监控（监测）系统数据传输标准.pdf", "MANIFEST.tsv", "report-2015.pdf"]
)
def test_filename_without_number(name):
    assert parse_filename(name) is None


@pytest.mark.corpus
def test_corpus_file_names(corpus_dir):
    """Every corpus file name gives the number the manifest records for it."""
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    assert rows
    for row in rows:
        expected = parse_std_no(row["standard_number"].split(" (")[0])
        assert expected is not None, row["standard_number"]
        assert parse_filename(row["file"]) == expected, row["file"]


def _gold_numbers(gold_dir, corpus_dir):
    """(file, std_no) of every corpus PDF with a text layer and a real number printed."""
    with open(corpus_dir / "MANIFEST.tsv", encoding="utf-8") as f:
        text_layer = {r["file"]: r["text_layer"] for r in csv.DictReader(f, delimiter="\t")}
    with open(gold_dir / "metadata.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return [
        (r["file"], r["std_no"]) for r in rows if r["std_no"] and text_layer[r["file"]] == "yes"
    ]


@pytest.mark.corpus
@pytest.mark.slow
def test_own_number_found_on_the_first_pages(gold_dir, corpus_dir):
    """Each text-layer document prints its own number on its cover or running header."""
    pdfplumber = pytest.importorskip("pdfplumber")
    missed = []
    for name, std_no in _gold_numbers(gold_dir, corpus_dir):
        with pdfplumber.open(corpus_dir / name) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages[:2])
        found = [str(n) for n, _, _ in find_std_nos(text)]
        if std_no not in found:
            missed.append((name, std_no, found[:5]))
    assert not missed


@pytest.mark.corpus
def test_cover_of_gb_12348_2008_prints_full_width_digits(corpus_pdf):
    """Page 1 of GB_12348-2008.pdf has ＧＢ １２３４８ in full-width forms."""
    pdfplumber = pytest.importorskip("pdfplumber")
    with pdfplumber.open(corpus_pdf("GB_12348-2008.pdf")) as pdf:
        text = pdf.pages[0].extract_text()
    assert "GB 12348-2008" in [str(n) for n, _, _ in find_std_nos(text)]


def test_parse_on_the_class():
    assert StandardNumber.parse("GB／T 7714—2015") == StandardNumber("GB/T", "7714", "2015")
    assert StandardNumber.parse("SL/T XXXXX—XXXX") is None
