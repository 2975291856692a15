"""Is a page's text layer worth indexing? Character statistics over the extracted text.

A PDF can carry text that does not say what the page shows: fonts whose ToUnicode map
sends Latin letters and digits to rare CJK characters (`犌犕／犜` for `GM/T`), or to common
ones shifted by a fixed offset (`员 园 尧` for `1 0 、`), glyphs with no Unicode at all
(`(cid:123)`, private-use code points), or a poor OCR layer hidden under a page scan.
Such text would poison the index, so the page is marked for OCR instead, with the reason.

The measures are shares, so one odd symbol never condemns a page:

* rare CJK: share of CJK characters that are rare in general Chinese, judged by the
  single-character frequencies of jieba's dictionary (present with every install of jieba);
* shifted GB2312: Chinese printed without a single Chinese punctuation mark or digit,
  while the characters that the shifted encoding produces for them are frequent;
* `(cid:N)` and private-use characters: share of all characters;
* a page that is an image with (almost) no text is "no text layer", one drawn as
  hundreds of curves with (almost) no text has its text as outlines.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import jieba

# A CJK character seen less often than this in jieba's dictionary counts as rare: the
# characters a mis-mapped Latin font produces (犌犕犜) are not in it at all, while the
# rarest chemistry of emission standards (腙, 铊) is.
RARE_FREQUENCY = 10
# Shares above which a page is garbled.
MAX_RARE_SHARE = 0.2
MAX_CID_SHARE = 0.05
MAX_PRIVATE_SHARE = 0.1
# A page covered by images, with fewer characters than this, has no text layer.
MIN_TEXT_CHARS = 20
MIN_IMAGE_COVERAGE = 0.3
# A page with (almost) no text but this many curves prints its text as glyph outlines
# (covers set as artwork); blank pages and figures with labels have far fewer.
MIN_OUTLINE_CURVES = 100
# Fewer CJK characters than this are too few to judge their statistics.
MIN_CJK_SAMPLE = 30
MIN_SHIFTED_SAMPLE = 10
# Born-digital standards never print their text over a picture of the whole page; a text
# layer there was made by OCR, and the page is read again by ours.
SCAN_COVERAGE = 0.85
# A font that numbers its glyphs in order of use maps them to `!"#$%…`: a page with almost
# no CJK but many such symbols, and not many fewer than letters, lost its Chinese.
MAX_LOST_CJK_SHARE = 0.05
MIN_SYMBOL_SHARE = 0.01
SYMBOLS = set('!"#$%*+<>?@\\^`|~')

# What GB2312 punctuation, digits and Latin letters become when a font's codes are shifted
# by 0x3100 (row A1–A3 → D2–D4): 摇=space 尧=、 遥=。 袁=， 曰=； 叶=《 曳=》 园…怨=0…9.
SHIFTED_MARKS = set("摇尧遥袁曰叶曳园员圆猿源缘远苑愿怨要辕")
CHINESE_MARKS = set("，。、；：《》（）“”")

_CID = re.compile(r"\(cid:\d+\)")
_SINGLE = re.compile(r"^(\S) (\d+)", re.MULTILINE)


@cache
def char_frequencies() -> dict[str, int]:
    """Frequency of each CJK character as a word of its own in jieba's dictionary.

    Read with one regular expression over the file: the whole dictionary word by word
    would cost seconds on first use, in every ingest worker.
    """
    text = Path(jieba.__file__).with_name("dict.txt").read_text(encoding="utf-8")
    return {ch: int(freq) for ch, freq in _SINGLE.findall(text)}


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def text_stats(text: str) -> dict[str, int]:
    """Counts of the character classes the judgement uses."""
    freq = char_frequencies()
    cids = len(_CID.findall(text))
    if cids:
        text = _CID.sub("", text)
    chars = cjk = rare = private = digits = latin = marks = shifted = symbols = 0
    for ch in text:
        if ch.isspace():
            continue
        chars += 1
        if _is_cjk(ch):
            cjk += 1
            if freq.get(ch, 0) < RARE_FREQUENCY:
                rare += 1
            if ch in SHIFTED_MARKS:
                shifted += 1
        elif ch < "\x80":
            if ch.isdigit():
                digits += 1
            elif ch.isalpha():
                latin += 1
            elif ch in SYMBOLS:
                symbols += 1
        elif ch in CHINESE_MARKS:
            marks += 1
        elif "\ue000" <= ch <= "\uf8ff":
            private += 1
    return dict(
        cid=cids,
        chars=chars + cids,
        cjk=cjk,
        rare=rare,
        private=private,
        digits=digits,
        latin=latin,
        marks=marks,
        shifted=shifted,
        symbols=symbols,
    )


def assess_page(text: str, image_coverage: float = 0.0, curves: int = 0) -> str | None:
    """Why the page's text cannot be indexed, or None when it can.

    `image_coverage` is the share of the page area covered by images, `curves` the
    number of vector curves drawn on it.
    """
    stats = text_stats(text)
    chars = stats["chars"]
    if chars < MIN_TEXT_CHARS and image_coverage >= MIN_IMAGE_COVERAGE:
        return "no text layer"
    if chars < MIN_TEXT_CHARS and curves >= MIN_OUTLINE_CURVES:
        return "text drawn as vector outlines"
    if image_coverage >= SCAN_COVERAGE and chars >= MIN_TEXT_CHARS:
        return "text layer under a page scan (OCR)"
    if stats["cid"] > MAX_CID_SHARE * chars:
        return "unmapped glyphs (cid)"
    if stats["private"] > MAX_PRIVATE_SHARE * chars:
        return "private-use characters"
    cjk = stats["cjk"]
    symbols = stats["symbols"]
    if (
        cjk < MAX_LOST_CJK_SHARE * chars
        and symbols >= MIN_SYMBOL_SHARE * chars
        and symbols >= 0.5 * stats["latin"]  # a code listing has far more letters
    ):
        return "garbled font encoding (no usable CJK)"
    if cjk >= MIN_CJK_SAMPLE and stats["rare"] > MAX_RARE_SHARE * cjk:
        return "garbled font encoding (rare CJK characters)"
    if (
        cjk >= MIN_SHIFTED_SAMPLE
        and stats["marks"] == 0
        and stats["digits"] == 0
        and stats["shifted"] > max(0.08 * cjk, 3)
    ):
        return "garbled font encoding (shifted GB2312 codes)"
    return None
