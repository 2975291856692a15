"""Repairs for the characteristic mistakes Tesseract's `chi_sim` model makes on standards.

Pure text functions. Each repair targets a confusion seen across several scanned
standards, never a particular page:

* spaces between Chinese characters (the model emits one between every glyph);
* `一` (the numeral one) read for the dash `—` in standard numbers (`GB 3838一2002`)
  and for the list dash `——` at the start of a list item, which breaks number search;
* the slash of `JT/T`, `GB/T` read as `Z`, `X`, `[`, `I` …;
* `$` read for `5` in clause numbers (`见 $.2.4`), `]` for `1` in `第1部分`;
* `、` read as `.`, `` ` `` or `\\` between Chinese characters;
* a closing quote `”` invented where a title has a wide gap and no quote was opened;
* half-width and full-width punctuation mixed on one page: the majority form wins,
  because a printed page uses one style throughout.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from analyzers.normalize import is_cjk, is_cjk_or_punct, normalize_line

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

# `JTZT 415`, `GB[T 3838`, `GB/ T`: two capitals, a mangled slash, T, then the number.
_SLASH_T = re.compile(r"(?<![A-Za-z])([A-Z]{2})\s*[ZXMUVLzI1l|\[\]\\7/]{1,3}\s*T(?=\s*\d)")
# `GB 3838一2002`, `5.7.1一5.7.9`, `vehicles一Part 1`: the numeral one never sits
# between two digits or Latin letters.
_DIGIT_DASH = re.compile(r"(?<=[A-Za-z0-9])\s*一\s*(?=[A-Za-z0-9])|(?<=\d)_(?=\d)")
# `70 一`: a lone numeral one after a number, before another number or the line end,
# is the dash of an empty table cell. Checked before spaces around CJK are dropped.
_CELL_DASH = re.compile(rf"(?<=[A-Za-z0-9.%)）—]\s)一(?=\s+[^\s{_CJK}]|\s+一|\s*$)")
# `ICS 13. 030. 10`, `GB 14470. 1`: a space read after the dot of a dotted number.
_DOTTED_NUMBER = re.compile(r"(?<=\d)\. (?=\d)")
# `第]部分`: a part, chapter or section number is a digit.
_PART_ONE = re.compile(r"(?<=第)\s*[\]|Il!]\s*(?=部分|章|节|篇)")
# `一一基本类`, `--`, `一—` at the start of a list item.
_LIST_DASH = re.compile(r"^[一—\-－]{2}\s*")
# `见 $.2.4`: the dollar sign does not occur in Chinese standards' prose.
_DOLLAR_FIVE = re.compile(r"\$(?=\s*[.\d])")
# `、` misread as a low mark between two Chinese characters.
_ENUM_MARK = re.compile(rf"(?<=[{_CJK}])\s*[`\\'‘][`\\'‘.\s]*(?=[{_CJK}])")
# `张春、.张永军`: a speck read after a real mark.
_MARK_SPECK = re.compile(r"(?<=[、，。；：])\s*[.`'‘\\]+")
_ENUM_DOT = re.compile(rf"(?<=[{_CJK}])\s*\.\s*(?=[{_CJK}])")

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）"}
_FULL_TO_HALF = {v: k for k, v in _HALF_TO_FULL.items()}


def fix_line(text: str) -> str:
    """Repairs that need only the line itself."""
    text = " ".join(text.split())
    while _CELL_DASH.search(text):
        text = _CELL_DASH.sub("—", text, count=1)
    text = normalize_line(text)
    text = _SLASH_T.sub(r"\1/T", text)
    text = _DIGIT_DASH.sub("—", text)
    text = _LIST_DASH.sub("——", text)
    text = _DOLLAR_FIVE.sub("5", text)
    text = _PART_ONE.sub("1", text)
    text = _DOTTED_NUMBER.sub(".", text)
    text = _ENUM_MARK.sub("、", text)
    text = _MARK_SPECK.sub("", text)
    # A dot between Chinese characters is `、` in an enumeration (the line has other
    # `、`, or several such dots) and `。` otherwise.
    enumeration = "、" in text or len(_ENUM_DOT.findall(text)) > 1
    text = _ENUM_DOT.sub("、" if enumeration else "。", text)
    return normalize_line(text)


def _drop_unopened_quotes(lines: list[str]) -> list[str]:
    """Turn a `”` that closes nothing into the gap it was read from."""
    out = []
    open_quote = False
    for line in lines:
        chars = []
        for i, ch in enumerate(line):
            if ch == "“":
                open_quote = True
            elif ch == "”":
                if not open_quote:
                    before = line[i - 1] if i else ""
                    after = line[i + 1] if i + 1 < len(line) else ""
                    if before and after and (is_cjk(before) or before.isalnum()):
                        chars.append(" ")
                        continue
                open_quote = False
            chars.append(ch)
        out.append(normalize_line("".join(chars)))
    return out


def _punctuation_style(lines: Iterable[str]) -> dict[str, str]:
    """Mapping that converts the minority punctuation width to the page's majority."""
    half = full = 0
    for line in lines:
        if not any(is_cjk(ch) for ch in line):
            continue
        half += sum(line.count(ch) for ch in _HALF_TO_FULL)
        full += sum(line.count(ch) for ch in _FULL_TO_HALF)
    if half == full:
        return {}
    return _FULL_TO_HALF if half > full else _HALF_TO_FULL


def _apply_style(line: str, mapping: dict[str, str]) -> str:
    """Convert punctuation next to Chinese text; leave `5.1:2` and English alone."""
    if not mapping or not any(is_cjk(ch) for ch in line):
        return line
    chars = list(line)
    for i, ch in enumerate(chars):
        if ch not in mapping:
            continue
        before = chars[i - 1] if i else ""
        after = chars[i + 1] if i + 1 < len(chars) else ""
        near_cjk = (before and is_cjk_or_punct(before)) or (after and is_cjk_or_punct(after))
        if near_cjk or ch in "()（）":
            chars[i] = mapping[ch]
    return normalize_line("".join(chars))


def clean_ocr_lines(lines: list[str]) -> list[str]:
    """The repaired text of one page's OCR lines, in the same order and number."""
    fixed = _drop_unopened_quotes([fix_line(line) for line in lines])
    style = _punctuation_style(fixed)
    return [_apply_style(line, style) for line in fixed]
