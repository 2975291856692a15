"""Cover metadata: the pieces alone, a made-up cover, and regressions on real first pages.

Each corpus test is named after the file whose cover showed the behaviour.
"""

from __future__ import annotations

from functools import cache

import pytest

from indexer.library.model import Line, Page
from indexer.parse.cover import (
    COVER,
    FILENAME,
    FOREWORD,
    HEADER,
    foreword_adopts,
    foreword_replaces,
    join_title_en,
    join_title_zh,
    parse_ccs,
    parse_cover,
    parse_ics,
)
from indexer.parse.dates import find_labelled_dates, parse_date
from indexer.pdf.extract import extract_pages

# ---------------------------------------------------------------------------
# Pieces


@pytest.mark.parametrize(
    ("printed", "codes"),
    [
        ("ICS 13.040.40", ["13.040.40"]),
        ("ICS 13 040 40", ["13.040.40"]),  # separators drawn, not typed
        ("ICS 13 040 40 DB44", ["13.040.40"]),  # logo on the same row
        ("ICS13. 040.30", ["13.040.30"]),
        ("ICS0114020", ["01.140.20"]),
        ("ICS 13\ue010140", ["13.140"]),  # unmapped glyph for the dot
        ("ICS03.220.20;35.240.60", ["03.220.20", "35.240.60"]),
        ('ICS 03.220.20;35.240.60 "2 REE', ["03.220.20", "35.240.60"]),  # OCR'd logo after it
        ("ICS××.×××.××", []),
        ("ICS", []),
    ],
)
def test_parse_ics(printed, codes):
    assert parse_ics(printed) == codes


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("Z 60", "Z 60"),
        ("Z60", "Z 60"),
        ("Y14 .", "Y 14"),
        ("CCS R 10/19", "R 10/19"),
        ("M53", "M 53"),
        ("中国标准文献分类号 Z 67", "Z 67"),  # older covers
        ("CCS", ""),
        ("点击此处添加中国标准文献分类号", ""),
    ],
)
def test_parse_ccs(printed, code):
    assert parse_ccs(printed) == code


@pytest.mark.parametrize(
    ("printed", "dates"),
    [
        ("2015-06-03发布 2015-08-20实施", {"发布": "2015-06-03", "实施": "2015-08-20"}),
        ("2008 08 19发布 2008 10 01实施", {"发布": "2008-08-19", "实施": "2008-10-01"}),
        ("2001 –08– 20发布2002 –01– 01实施", {"发布": "2001-08-20", "实施": "2002-01-01"}),
        ("2017-4-24发布2017-5-1实施", {"发布": "2017-04-24", "实施": "2017-05-01"}),
        ("201 1-07—29发布 2011—11—01实施", {"发布": "2011-07-29", "实施": "2011-11-01"}),
        ("1993-08-06批准 1994-01-15实施", {"批准": "1993-08-06", "实施": "1994-01-15"}),
        ("XXXX -XX- XX发布XXXX -XX- XX实施", {}),
    ],
)
def test_labelled_cover_dates(printed, dates):
    assert find_labelled_dates(printed) == dates


def test_month_only_and_chinese_numeral_dates():
    assert parse_date("二〇一三年一月") == "2013-01"
    assert parse_date("本标准自2017年5月1日起实施") == "2017-05-01"
    assert parse_date("2019年十二月三十一日") == "2019-12-31"


def test_title_lines_are_elements_when_the_english_title_says_so():
    english = [
        "GNSS system for operational vehicles",
        "General specifications for vehicle terminal",
    ]
    assert (
        join_title_zh(["道路运输车辆卫星定位系统", "终端通讯协议及数据格式"], english)
        == "道路运输车辆卫星定位系统 终端通讯协议及数据格式"
    )


def test_title_lines_that_merely_wrap_are_joined_without_space():
    english = [
        "Emission standard of volatile organic compounds for furniture",
        "manufacturing operations",
    ]
    assert (
        join_title_zh(["家具制造行业挥发性有机化合物", "排放标准"], english)
        == "家具制造行业挥发性有机化合物排放标准"
    )


def test_part_heading_always_starts_an_element():
    assert join_title_zh(["城市消防远程监控系统", "第3部分：报警传输网络通信协议"]) == (
        "城市消防远程监控系统 第3部分：报警传输网络通信协议"
    )


def test_english_title_keeps_dashes_tight():
    assert join_title_en(["GNSS system for operating vehicles", "—General specifications"]) == (
        "GNSS system for operating vehicles—General specifications"
    )
    assert join_title_en(["GNSS system for operating vehicles一", "Video protocol"]) == (
        "GNSS system for operating vehicles—Video protocol"
    )


def test_foreword_statements():
    assert foreword_replaces(
        "本标准代替GB/T 7714—2005《文后参考文献著录规则》。与GB/T 7714—2005相比"
    ) == ["GB/T 7714-2005"]
    assert foreword_replaces(
        "自本标准实施之日起，《废塑料污染控制技术规范》（HJ/T 364—2007）废止。"
    ) == ["HJ/T 364-2007"]
    assert foreword_replaces("本标准所代替标准的历次版本发布情况为：GB/T 19056—2003。") == []
    assert (
        foreword_adopts("本标准使用重新起草法修改采用ISO 690:2010《信息与文献》。")
        == "ISO 690:2010, MOD"
    )
    assert foreword_adopts("本标准等同采用IEC 61000-4-2:2008。") == "IEC 61000-4-2:2008, IDT"


# ---------------------------------------------------------------------------
# A cover made from lines, as the extraction gives them


def _line(text: str, top: float, size: float, x0: float = 70.0) -> Line:
    return Line(
        text=text, page=1, top=top, bottom=top + size, x0=x0, x1=x0 + size * len(text), size=size
    )


def _cover(*rows: tuple[str, float, float]) -> Page:
    return Page(number=1, width=595, height=842, lines=[_line(*row) for row in rows])


def test_made_up_cover_reads_every_field():
    cover = _cover(
        ("ICS 13.040.40", 40, 10.5),
        ("Z 60", 56, 10.5),
        ("DB53", 60, 48),
        ("云南省地方标准", 118, 26),
        ("DB53/T 1234—2022", 164, 14),
        ("代替DB53/T 1234—2015", 185, 10.5),
        ("工业废水排放标准", 330, 26),
        ("第2部分：电镀", 366, 26),
        ("Discharge standard of industrial wastewater—", 410, 14),
        ("Part 2: Electroplating", 428, 14),
        ("(ISO 1234:2015, MOD)", 450, 14),
        ("（征求意见稿）", 480, 16),
        ("2022-06-01发布 2022-09-01实施", 700, 14),
        ("云南省生态环境厅", 744, 16),
        ("发布", 753, 14),
        ("云南省市场监督管理局", 762, 16),
    )
    meta = parse_cover([cover], "whatever.pdf")
    assert meta.std_no == "DB53/T1234-2022"
    assert (meta.level, meta.kind, meta.region) == ("local", "recommended", "云南")
    assert meta.title_zh == "工业废水排放标准 第2部分：电镀"
    assert meta.title_en == "Discharge standard of industrial wastewater—Part 2: Electroplating"
    assert meta.ics == ["13.040.40"]
    assert meta.ccs == "Z 60"
    assert (meta.issued, meta.effective) == ("2022-06-01", "2022-09-01")
    assert meta.replaces == ["DB53/T1234-2015"]
    assert meta.adopts == "ISO 1234:2015, MOD"
    assert meta.issuers == ["云南省生态环境厅", "云南省市场监督管理局"]
    assert meta.draft == "征求意见稿"
    assert meta.missing == []
    assert set(meta.sources.values()) == {COVER}


def test_old_layout_uses_the_approval_date_and_the_classification_label():
    cover = _cover(
        ("中国标准文献分类号", 40, 10.5),
        ("Z 67", 56, 10.5),
        ("中华人民共和国国家标准", 118, 26),
        ("GB 14554-93", 164, 14),
        ("恶臭污染物排放标准", 330, 26),
        ("Emission standards for odor pollutants", 370, 14),
        ("1993-08-06批准 1994-01-15实施", 700, 14),
        ("国家环境保护局 国家技术监督局 发布", 744, 16),
    )
    meta = parse_cover([cover])
    assert meta.std_no == "GB 14554-1993"
    assert meta.ccs == "Z 67"
    assert (meta.issued, meta.effective) == ("1993-08-06", "1994-01-15")


def test_number_above_banner_double_number_and_side_by_side_issuers():
    cover = _cover(
        ("ICS 03.120.10", 40, 10.5),
        ("CCS A 00", 56, 10.5),
        ("GB/T 19001—2016/ISO 9001:2015", 100, 14),
        ("中华人民共和国国家标准", 130, 26),
        ("代替GB/T 19001—2008", 170, 10.5),
        ("质量管理体系 要求", 330, 26),
        ("Quality management systems—Requirements", 370, 14),
        ("2016-12-30 发 布 2017-07-01 实 施", 700, 14),
        ("国家质量监督检验检疫总局 中国国家标准化管理委员会 发 布", 744, 16),
    )
    meta = parse_cover([cover])
    assert meta.std_no == "GB/T 19001-2016"
    assert meta.adopts == "ISO 9001:2015, IDT"
    assert meta.replaces == ["GB/T 19001-2008"]
    assert (meta.issued, meta.effective) == ("2016-12-30", "2017-07-01")
    assert meta.issuers == ["国家质量监督检验检疫总局", "中国国家标准化管理委员会"]
    assert meta.title_zh.replace(" ", "") == "质量管理体系要求"


def test_number_and_replaces_on_one_line():
    cover = _cover(
        ("中华人民共和国国家标准", 118, 26),
        ("GB 5749—2006 代替 GB 5749—85", 164, 14),
        ("生活饮用水卫生标准", 330, 26),
    )
    meta = parse_cover([cover])
    assert meta.std_no == "GB 5749-2006"
    assert meta.replaces == ["GB 5749-1985"]


def test_old_single_page_layout_with_body_below_the_title():
    """Banner, number and title above chapter 1; title and 代替 side by side; OCR-scaled type."""
    page = Page(
        number=1,
        width=595,
        height=842,
        lines=[
            _line("中华人民共和家标准", 136, 11.2),  # OCR lost 国
            _line("GB 8978—1996", 152, 12.0),
            _line("污水综合排放标准代替GB 8978—88", 171, 12.4),
            _line("Integrated wastewater discharge standard .", 196, 9.1),
            _line("为贯彻《中华人民共和国环境保护法》，特制定本标准。", 230, 8.0),
            _line("1主题内容与适用范围", 275, 12.0),
            _line("本标准按照污水排放去向，分年限规定了水污染物最高允许排放浓度。", 307, 8.3),
            _line("3.1污水", 642, 8.3),
            _line("指在生产与生活活动中排放的水的总称。", 654, 8.3),
            _line("国家环境保护局1996-10-04批准1998-01-01实施", 780, 8.3),
        ],
    )
    meta = parse_cover([page])
    assert meta.std_no == "GB 8978-1996"
    assert meta.title_zh == "污水综合排放标准"
    assert meta.title_en == "Integrated wastewater discharge standard"
    assert meta.replaces == ["GB 8978-1988"]
    assert (meta.issued, meta.effective) == ("1996-10-04", "1998-01-01")
    assert meta.issuers == ["国家环境保护局"]


def test_ocr_noise_around_classification_and_issuers():
    cover = _cover(
        ("ICS 43.040.99 CR", 26, 11),
        ("T“35 aa", 36, 20.4),
        ("中华人人民共和国国家标准", 113, 27.9),
        ("GB/T 32960.2—2016", 169, 16.8),
        ("电动汽车远程服务与管理系统技术规范", 323, 26.4),
        ("第2部分:车载终端", 361, 26.4),
        ("2016-08-29发布2016-10-01实施", 711, 13.6),
        ("中华人民共和国国家质量监督检验检疫总局全天", 740, 18.4),
        ("中国国家标准化管理委员会", 764, 18.1),
    )
    meta = parse_cover([cover])
    assert meta.ccs == "T 35"
    assert meta.title_zh == "电动汽车远程服务与管理系统技术规范 第2部分：车载终端"
    assert meta.issuers == ["中华人民共和国国家质量监督检验检疫总局", "中国国家标准化管理委员会"]


def test_ocr_noise_beside_the_title_is_not_part_of_it():
    cover = _cover(
        ("中华人民共和国国家标准", 420, 27.2),
        ("GB 3838—2002", 607, 17.5),
        ("上上一^", 1296, 13.0),
        ("地表水环境质量标准", 1301, 26.2),
        ("Environmental quality standards for surface water", 1520, 13.6),
    )
    cover.height, cover.width = 3504, 2480
    meta = parse_cover([cover])
    assert meta.title_zh == "地表水环境质量标准"
    assert meta.title_en == "Environmental quality standards for surface water"


def test_unreadable_year_on_the_cover_is_taken_from_the_running_header():
    cover = _cover(
        ("中华人民共和国国家标准", 118, 26),
        ("GB 3838—2O02", 164, 14),  # OCR: letter O for zero
        ("地表水环境质量标准", 330, 26),
    )
    body = [
        Page(number=n, width=595, height=842, lines=[_line("GB 3838—2002", 60, 10.5, 450)])
        for n in (2, 3)
    ]
    meta = parse_cover([cover, *body])
    assert meta.std_no == "GB 3838-2002"
    assert meta.sources["std_no"] == HEADER


def test_no_pages_gives_identity_from_the_file_name_only():
    meta = parse_cover([], "GB_T_7714-2015.pdf")
    assert meta.std_no == "GB/T 7714-2015"
    assert meta.sources == {"std_no": FILENAME}
    assert "title_zh" in meta.missing


# ---------------------------------------------------------------------------
# Real first pages


@cache
def _front(path: str, last: int) -> list[Page]:
    return extract_pages(path, pages=range(1, last + 1))


@pytest.fixture
def cover_of(corpus_pdf):
    def parse(name: str, last: int = 12):
        return parse_cover(_front(str(corpus_pdf(name)), last), name)

    return parse


@pytest.mark.corpus
def test_GB_12348_2008_page_1_number_with_drawn_dash_and_old_replaced_numbers(cover_of):
    meta = cover_of("GB_12348-2008.pdf", 1)
    assert meta.std_no == "GB 12348-2008"
    assert meta.sources["std_no"] == COVER
    assert meta.replaces == ["GB 12348-1990", "GB 12349-1990"]
    assert meta.ics == ["13.140"]
    assert (meta.issued, meta.effective) == ("2008-08-19", "2008-10-01")
    assert meta.issuers == ["环境保护部", "国家质量监督检验检疫总局"]


@pytest.mark.corpus
def test_GB_T_7714_2015_page_1_adoption_line_and_replaces(cover_of):
    meta = cover_of("GB_T_7714-2015.pdf", 1)
    assert meta.std_no == "GB/T 7714-2015"
    assert meta.adopts == "ISO 690:2010, NEQ"
    assert meta.replaces == ["GB/T 7714-2005"]
    assert meta.ics == ["01.140.20"]
    assert meta.ccs == "A 14"
    assert "ISO" not in meta.title_en


@pytest.mark.corpus
def test_GB_T_19056_2012_without_cover_uses_header_and_foreword(cover_of):
    meta = cover_of("GB_T_19056-2012.pdf")
    assert meta.std_no == "GB/T 19056-2012"
    assert meta.sources["std_no"] == HEADER
    assert meta.title_zh == "汽车行驶记录仪"
    assert meta.replaces == ["GB/T 19056-2003"]
    assert meta.sources["replaces"] == FOREWORD
    assert {"ics", "ccs", "issued", "effective"} <= set(meta.missing)


@pytest.mark.corpus
def test_JT_T_1078_2016_image_cover_title_from_first_chapter_page(corpus_pdf):
    pages = _front(str(corpus_pdf("JT_T_1078-2016.pdf")), 12)
    meta = parse_cover([p for p in pages if p.number > 1], "JT_T_1078-2016.pdf")
    assert meta.std_no == "JT/T 1078-2016"
    assert meta.sources["std_no"] == HEADER
    assert meta.title_zh.replace(" ", "") == "道路运输车辆卫星定位系统视频通信协议"
    assert meta.sources["title_zh"] == FOREWORD


@pytest.mark.corpus
def test_SL_651_2014_placeholder_number_falls_back_to_file_name(cover_of):
    meta = cover_of("SL_651-2014.pdf", 3)
    assert meta.std_no == "SL 651-2014"
    assert meta.sources["std_no"] == FILENAME
    assert meta.draft == "报批稿"
    assert (meta.issued, meta.effective, meta.ccs) == ("", "", "")
    assert meta.title_zh == "水文监测数据通信规约"


@pytest.mark.corpus
def test_JT_T_808_2013_BD_unnumbered_specification(cover_of):
    meta = cover_of("JT_T_808-2013_BD.pdf", 2)
    assert meta.std_no == "JT/T 808-2013"
    assert meta.sources["std_no"] == FILENAME
    assert meta.issued == "2013-01"
    assert meta.title_zh == "道路运输车辆卫星定位系统 北斗兼容车载终端通讯协议技术规范"
    assert meta.title_en.startswith("GNSS system for operating vehicles—General")
    assert meta.issuers == ["中华人民共和国交通运输部"]


@pytest.mark.corpus
def test_DB44_26_2001_page_1_void_line_is_replaces_and_filing_number_ignored(cover_of):
    meta = cover_of("DB44_26-2001.pdf", 1)
    assert meta.std_no == "DB44/26-2001"
    assert meta.replaces == ["DB 4426-1989"]
    assert meta.ics == ["13.040.30"]
    assert meta.ccs == "Z 60"
    assert (meta.issued, meta.effective) == ("2001-08-20", "2002-01-01")


@pytest.mark.corpus
def test_DB44_1989_2017_page_1_placeholder_ics_is_empty(cover_of):
    meta = cover_of("DB44_1989-2017.pdf", 1)
    assert meta.ics == []
    assert "ics" in meta.missing
    assert meta.draft == ""  # 发布稿 is the published text


@pytest.mark.corpus
def test_T_GDRTA_002_2020_page_1_group_standard(cover_of):
    meta = cover_of("T_GDRTA_002-2020.pdf", 1)
    assert meta.std_no == "T/GDRTA 002-2020"
    assert meta.level == "group"
    assert meta.ccs == "R 10/19"
    assert meta.title_zh == "道路运输车辆智能视频监控报警系统 通讯协议规范"
    assert meta.issuers == ["广东省道路运输协会"]


@pytest.mark.corpus
def test_JT_T_808_2011_page_1_approval_draft_with_two_ics_codes(cover_of):
    meta = cover_of("JT_T_808-2011.pdf", 1)
    assert meta.draft == "报批稿"
    assert meta.ics == ["03.220.20", "35.240.60"]
    assert meta.ccs == "M 53"
    assert meta.title_zh == "道路运输车辆卫星定位系统 终端通讯协议及数据格式"


@pytest.mark.corpus
def test_GB_11806_2019_page_1_empty_classification_labels_and_adoption(cover_of):
    meta = cover_of("GB_11806-2019.pdf", 1)
    assert (meta.ics, meta.ccs) == ([], "")
    assert meta.adopts.endswith(", MOD")
    assert meta.replaces == ["GB 11806-2004"]
    assert meta.title_en == "Regulations for the safe transport of radioactive material"


@pytest.mark.corpus
def test_HJ_212_2017_page_1_dates_without_leading_zeros(cover_of):
    meta = cover_of("HJ_212-2017.pdf", 1)
    assert (meta.issued, meta.effective) == ("2017-04-24", "2017-05-01")
    assert meta.replaces == ["HJ/T 212-2005"]
    assert meta.level == "industry"
