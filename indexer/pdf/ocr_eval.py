"""Character error rate of OCR text against an exact transcription.

Both sides go through the same normalisation before comparison: widths folded
(`，` and `,` count as the same character, as do `Ｇ` and `G`) and all whitespace
removed, because a search index sees neither the glyph width of punctuation nor the
spacing Tesseract invents between Chinese characters. Dashes are *not* folded: `一`
read for `—` in a standard number is a real error that breaks number search.
"""

from __future__ import annotations

import sys
import time
import unicodedata
from pathlib import Path
from typing import Any

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


def evaluate_gold(
    gold_dir: Path, corpus_dir: Path, **settings: Any
) -> list[tuple[str, float, float]]:
    """(page, CER, seconds) for every `gold/ocr/<stem>-p<N>.txt`, OCR'd with `settings`."""
    from .ocr import ocr_page, page_text

    results = []
    for path in sorted(gold_dir.glob("ocr/*-p*.txt")):
        stem, _, page = path.stem.rpartition("-p")
        started = time.perf_counter()
        text = page_text(ocr_page(corpus_dir / f"{stem}.pdf", int(page), **settings))
        seconds = time.perf_counter() - started
        results.append(
            (path.stem, character_error_rate(text, path.read_text(encoding="utf-8")), seconds)
        )
    return results


def main(argv: list[str] | None = None) -> int:
    """`python -m indexer.pdf.ocr_eval [SHARED_DIR] [key=value …]`: CER per gold page."""
    args = list(sys.argv[1:] if argv is None else argv)
    shared = (
        Path(args.pop(0))
        if args and "=" not in args[0]
        else Path(__file__).resolve().parents[2] / "shared"
    )
    settings: dict[str, Any] = {}
    for arg in args:
        key, _, value = arg.partition("=")
        settings[key] = (
            value.lower() == "true" if value.lower() in ("true", "false") else float(value)
        )
        if key == "psm":
            settings[key] = int(settings[key])
    for page, cer, seconds in evaluate_gold(shared / "gold", shared / "corpus", **settings):
        print(f"{page}\t{cer:.2%}\t{seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
