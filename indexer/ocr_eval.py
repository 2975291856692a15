"""Character error rate of OCR text against an exact transcription.

Both sides go through the same normalisation before comparison: widths folded
(`，` and `,` count as the same character, as do `Ｇ` and `G`) and all whitespace
removed, because a search index sees neither the glyph width of punctuation nor the
spacing Tesseract invents between Chinese characters. Dashes are *not* folded: `一`
read for `—` in a standard number is a real error that breaks number search.
"""

from __future__ import annotations

import unicodedata

# NFKC leaves these alone; print uses both forms interchangeably.
_EXTRA_FOLD = str.maketrans({"\u3000": " ", "〜": "~"})


def normalize_for_cer(text: str) -> str:
    """Width-folded text without any whitespace."""
    folded = unicodedata.normalize("NFKC", text.translate(_EXTRA_FOLD))
    return "".join(ch for ch in folded if not ch.isspace())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance (insertions, deletions, substitutions all cost 1)."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(
                min(
                    previous[j] + 1,  # delete ca
                    current[j - 1] + 1,  # insert cb
                    previous[j - 1] + (ca != cb),  # substitute
                )
            )
        previous = current
    return previous[-1]


def character_error_rate(hyp: str, ref: str) -> float:
    """Edit distance per reference character, after normalising both sides."""
    hyp_n, ref_n = normalize_for_cer(hyp), normalize_for_cer(ref)
    if not ref_n:
        return 0.0 if not hyp_n else 1.0
    return edit_distance(hyp_n, ref_n) / len(ref_n)
