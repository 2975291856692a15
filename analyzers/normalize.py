"""Unicode clean-up shared by extraction, indexing and queries.

Standards are printed with full-width letters and digits (`ＧＢ １２３４８`), ideographic
spaces and half a dozen dash forms. We fold letters, digits and the ASCII-like symbols
to their half-width forms but keep Chinese punctuation (，。：；（）《》、“”) as printed,
because it carries meaning for titles and clause text.
"""

from __future__ import annotations

import re
import unicodedata

# Full-width punctuation that stays as printed (NFKC would turn it into ASCII).
_KEEP = set("，。：；！？（）《》〈〉、“”‘’【】〔〕…—～")

DASHES = "‐‑‒–—―−－﹣"

# The CJK ideograph blocks (unified, extension A, compatibility, planes 2–3), for use
# inside a regular-expression character class.
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_DASH_RE = re.compile(f"[{DASHES}]")


def fold_width(text: str) -> str:
    """Half-width letters, digits and ASCII symbols; Chinese punctuation kept."""
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E and ch not in _KEEP:
            out.append(chr(code - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        elif ch in _KEEP or code < 0x80:
            out.append(ch)
        else:
            folded = unicodedata.normalize("NFKC", ch)
            # NFKC may expand ligatures/compat forms; keep CJK compatibility ideographs sane.
            out.append(folded if folded.isprintable() else ch)
    return "".join(out)


def fold_dashes(text: str) -> str:
    """Every dash form to ASCII hyphen: only for codes and numbers, never prose."""
    return _DASH_RE.sub("-", text)


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FFFF
    )


def is_cjk_or_punct(ch: str) -> bool:
    """Characters around which a space is never meaningful in Chinese text."""
    if is_cjk(ch):
        return True
    code = ord(ch)
    return 0x3000 <= code <= 0x303F or 0xFF00 <= code <= 0xFFEF or ch in _KEEP


def collapse_spaces(text: str) -> str:
    """Drop spaces next to CJK characters and punctuation; single spaces elsewhere.

    PDFs put gaps between every glyph of letter-spaced headings (`前　言`) and around
    runs of Latin text; in Chinese a space is never significant, between Latin words and
    numbers it is.
    """
    text = re.sub(r"\s+", " ", text).strip()
    if " " not in text:
        return text
    chars = list(text)
    out = []
    for i, ch in enumerate(chars):
        if ch == " ":
            prev = out[-1] if out else ""
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if not prev or not nxt or is_cjk_or_punct(prev) or is_cjk_or_punct(nxt):
                continue
        out.append(ch)
    return "".join(out)


def normalize_line(text: str) -> str:
    return collapse_spaces(fold_width(text))
