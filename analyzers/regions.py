"""Code tables behind the standard-number grammar: provinces and standard issuers.

A prefix is only believed when it is in one of these tables (or has the `T/` or `Q/`
form), so that Latin words and chemical formulas in running text are never taken for
standard numbers.
"""

from __future__ import annotations

# GB/T 2260 province-level codes, as used in local standard prefixes (DB44 → 广东).
PROVINCES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "66": "新疆生产建设兵团",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
}

# National prefixes other than GB itself: occupational health (GBZ), the old
# construction series (GBJ), metrology regulations (JJF/JJG) and the old
# environmental quality series (GHZB, e.g. GHZB 1-1999 replaced by GB 3838-2002).
NATIONAL: dict[str, str] = {
    "GB": "国家标准",
    "GBZ": "国家职业卫生标准",
    "GBJ": "国家工程建设标准",
    "GHZB": "国家环境质量标准",
    "JJF": "国家计量技术规范",
    "JJG": "国家计量检定规程",
}

# 行业标准代号 (industry standard codes) and their sectors. DB is the seismology
# sector only when followed by /T; DB plus digits is a local standard.
INDUSTRY: dict[str, str] = {
    "AQ": "安全生产",
    "BB": "包装",
    "CB": "船舶",
    "CH": "测绘",
    "CJ": "城镇建设",
    "CJJ": "城镇建设工程",
    "CY": "新闻出版",
    "DA": "档案",
    "DB": "地震",
    "DL": "电力",
    "DZ": "地质矿产",
    "EJ": "核工业",
    "FZ": "纺织",
    "GA": "公共安全",
    "GH": "供销合作",
    "GM": "密码",
    "GY": "广播电影电视",
    "HB": "航空",
    "HG": "化工",
    "HJ": "环境保护",
    "HS": "海关",
    "HY": "海洋",
    "JB": "机械",
    "JC": "建材",
    "JG": "建筑工业",
    "JGJ": "建筑工程",
    "JR": "金融",
    "JT": "交通",
    "JTG": "公路工程",
    "JY": "教育",
    "LB": "旅游",
    "LD": "劳动和劳动安全",
    "LS": "粮食",
    "LY": "林业",
    "MH": "民用航空",
    "MT": "煤炭",
    "MZ": "民政",
    "NB": "能源",
    "NY": "农业",
    "QB": "轻工",
    "QC": "汽车",
    "QJ": "航天",
    "QX": "气象",
    "RB": "认证认可",
    "SB": "国内贸易",
    "SC": "水产",
    "SF": "司法",
    "SH": "石油化工",
    "SJ": "电子",
    "SL": "水利",
    "SN": "出入境检验检疫",
    "SW": "税务",
    "SY": "石油天然气",
    "TB": "铁路运输",
    "TD": "土地管理",
    "TSG": "特种设备安全技术规范",
    "TY": "体育",
    "WB": "物资管理",
    "WH": "文化",
    "WJ": "兵工民品",
    "WM": "外经贸",
    "WS": "卫生",
    "WW": "文物保护",
    "XB": "稀土",
    "XF": "消防救援",
    "YB": "黑色冶金",
    "YC": "烟草",
    "YD": "通信",
    "YJ": "应急管理",
    "YS": "有色金属",
    "YY": "医药",
    "YZ": "邮政",
    "ZY": "中医药",
}

# Association standards numbered before the T/ scheme existed (CECS 02:2005).
ASSOCIATION: dict[str, str] = {
    "CECS": "中国工程建设标准化协会",
}

# International prefixes, written with a colon before the year (ISO 690:2010).
INTERNATIONAL: tuple[str, ...] = (
    "ISO/IEC/IEEE",
    "ISO/IEC Guide",
    "ISO Guide",
    "ISO/IEC",
    "ISO/TS",
    "ISO/TR",
    "IEC/TS",
    "IEC/TR",
    "ISO",
    "IEC",
)


# Other international bodies cited in Chinese standards (mostly in protocol standards):
# `ITU-T Rec. G.711—1988`, `IETF RFC 3550`, `IEEE 802.3`. Years after a hyphen.
OTHER_INTERNATIONAL: tuple[str, ...] = ("ITU-T", "IETF RFC", "IEEE")


def province(code: str) -> str:
    """Province name for the first two digits of a local prefix code, or ""."""
    return PROVINCES.get(code[:2], "")
