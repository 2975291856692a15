"""Subject classifications printed on covers: ICS codes and CCS (中国标准文献分类法) classes.

The names come with the project (`data/ics.tsv`, the CCS table below) so that browsing
needs nothing but the catalogue: a code the table lacks still shows, by its code alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ICS_FILE = Path(__file__).with_name("data") / "ics.tsv"


@dataclass(frozen=True)
class ClassName:
    code: str
    zh: str
    en: str


@cache
def ics_names() -> dict[str, ClassName]:
    """ICS fields (`13`) and groups (`13.060`) by code, in the file's (the code's) order."""
    names: dict[str, ClassName] = {}
    for line in ICS_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, zh, en = line.split("\t")
        names[code] = ClassName(code, zh, en)
    return names


def ics_field(code: str) -> str:
    """`13.060.30` → `13`."""
    return code.split(".")[0]


def ics_group(code: str) -> str | None:
    """`13.060.30` → `13.060`; a bare field has no group."""
    parts = code.split(".")
    return ".".join(parts[:2]) if len(parts) >= 2 else None


# 中国标准文献分类法 (CCS): its 24 first-level classes (一级类目); I and O are not used.
CCS_CLASSES: dict[str, tuple[str, str]] = {
    "A": ("综合", "General"),
    "B": ("农业、林业", "Agriculture and forestry"),
    "C": ("医药、卫生、劳动保护", "Medicine, health and labour protection"),
    "D": ("矿业", "Mining"),
    "E": ("石油", "Petroleum"),
    "F": ("能源、核技术", "Energy and nuclear technology"),
    "G": ("化工", "Chemical industry"),
    "H": ("冶金", "Metallurgy"),
    "J": ("机械", "Machinery"),
    "K": ("电工", "Electrical engineering"),
    "L": ("电子元器件与信息技术", "Electronic components and information technology"),
    "M": ("通信、广播", "Telecommunications and broadcasting"),
    "N": ("仪器、仪表", "Instruments and meters"),
    "P": ("工程建设", "Engineering construction"),
    "Q": ("建材", "Building materials"),
    "R": ("公路、水路运输", "Road and waterway transport"),
    "S": ("铁路", "Railways"),
    "T": ("车辆", "Vehicles"),
    "U": ("船舶", "Ships"),
    "V": ("航空、航天", "Aviation and aerospace"),
    "W": ("纺织", "Textiles"),
    "X": ("食品", "Food"),
    "Y": ("轻工、文化与生活用品", "Light industry, cultural and daily goods"),
    "Z": ("环境保护", "Environmental protection"),
}

_CCS_CODE = re.compile(r"([A-Z])\s*(\d{2})")


def ccs_codes(printed: str) -> list[str]:
    """The CCS codes a cover prints, as `Z60`: `Z 60` → [Z60], `R 10/19` → [R10, R19]."""
    text = (printed or "").upper()
    found = [f"{m.group(1)}{m.group(2)}" for m in _CCS_CODE.finditer(text)]
    # `R 10/19`: the second number shares the letter.
    for extra in re.finditer(r"(?<=[/、,，])\s*(\d{2})\b", text):
        letter = found[0][0] if found else ""
        if letter:
            found.append(letter + extra.group(1))
    return list(dict.fromkeys(found))
