"""OCR of one PDF page into the same `Page`/`Line` objects extraction produces.

Scanned standards and standards whose text layer is garbled are read with Tesseract
(`chi_sim`) so that clean-up, cover parsing and clause segmentation run unchanged on
them. One call handles one PDF page and returns one `Page` per printed page on it (two
for a scanned two-page spread, left first). Nothing is cached or held globally, and the
results are plain dataclasses, so callers can farm pages out to worker processes.

Settings were chosen by measuring character error rate on gold transcriptions
(`tests/indexer/test_ocr_gold.py`): the page is rendered at 300 dpi in grey, its
scanner edges whitened, deskewed when tilted, and read as one uniform block of text
(`--psm 6`), which keeps the reading order of single-column standard pages.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from analyzers.normalize import is_cjk

from . import page_geometry
from .model import Line, Page
from .ocr_text import clean_ocr_lines

LANG = "chi_sim"
DEFAULT_DPI = 300
DEFAULT_PSM = 6

# Pages this large (in points) are scans stored at 1 pt per pixel, not real A0 sheets;
# they are rendered as if they were A4 so that `dpi` keeps its meaning.
_PIXEL_PAGE_PT = 2400.0
_A4_LONG_IN = 11.69

# Fraction of each edge whitened before OCR: scanner shadows and punch holes sit there,
# printed text never does (standards keep margins of 20 mm and more).
BORDER = 0.025

# A CJK glyph box is this fraction of the font size on the printed standards we measured.
_CJK_BOX_TO_SIZE = 1.0


def tesseract_status(lang: str = LANG) -> str | None:
    """None when OCR can run, otherwise the reason it cannot (for the ingest report)."""
    try:
        import pytesseract
    except ImportError:
        return "pytesseract is not installed (pip install pytesseract)"
    try:
        pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError) as exc:
        return f"tesseract is not installed or not on PATH ({exc})"
    try:
        langs = pytesseract.get_languages(config="")
    except Exception as exc:  # a broken install reports itself in many ways
        return f"tesseract cannot list its languages ({exc})"
    missing = [code for code in lang.split("+") if code not in langs]
    if missing:
        return f"tesseract language data missing: {', '.join(missing)} (apt-get install tesseract-ocr-chi-sim)"
    return None


def tesseract_available(lang: str = LANG) -> bool:
    return tesseract_status(lang) is None


@dataclass(frozen=True)
class Rendering:
    """A page image and how its pixels map back to PDF points and printed size."""

    image: Image.Image
    pt_per_px: float  # PDF user-space points per pixel (positions)
    dpi: float  # pixels per printed inch (font sizes)


def render_page(pdf_path: str | os.PathLike, page_no: int, dpi: float = DEFAULT_DPI) -> Rendering:
    """The 1-based page rendered in grey at `dpi`, page rotation applied."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        page = pdf[page_no - 1]
        width, height = page.get_size()
        long_side = max(width, height)
        scale = dpi / 72 if long_side < _PIXEL_PAGE_PT else dpi * _A4_LONG_IN / long_side
        bitmap = page.render(scale=scale, grayscale=True)
        image = bitmap.to_pil().convert("L")
        page.close()
    finally:
        pdf.close()
    return Rendering(image=image, pt_per_px=1 / scale, dpi=dpi)


def clean_border(image: Image.Image, fraction: float = BORDER) -> Image.Image:
    """The image with a white frame over its outer `fraction` on every side."""
    w, h = image.size
    dx, dy = round(w * fraction), round(h * fraction)
    if not dx and not dy:
        return image
    out = image.copy()
    white = 255 if out.mode == "L" else (255,) * len(out.getbands())
    for box in ((0, 0, w, dy), (0, h - dy, w, h), (0, 0, dx, h), (w - dx, 0, w, h)):
        out.paste(white, box)
    return out


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


def _tesseract_lines(image: Image.Image, psm: int, lang: str) -> list[list[_Word]]:
    """Tesseract's words grouped into its text lines, in its reading order."""
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang=lang, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
    )
    lines: dict[tuple[int, int, int], list[_Word]] = {}
    for i, level in enumerate(data["level"]):
        text = data["text"][i].strip()
        if level != 5 or not text:
            continue
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        lines.setdefault(key, []).append(
            _Word(
                text=text,
                left=data["left"][i],
                top=data["top"][i],
                width=data["width"][i],
                height=data["height"][i],
                conf=float(data["conf"][i]),
            )
        )
    return list(lines.values())


# Characters Tesseract produces from rules, scanner edges and specks.
_NOISE = set("|¦‖丨")


def _is_noise(words: list[_Word]) -> bool:
    """A line made of a rule, a speck or two: short, unsure, and with no real word."""
    text = "".join(ch for w in words for ch in w.text if ch not in _NOISE)
    if not text:
        return True
    mean_conf = sum(w.conf for w in words) / len(words)
    return len(text) <= 2 and mean_conf < 60


def _line_size(words: list[_Word], px_per_pt_printed: float) -> float:
    """Font size in printed points, from the height of the line's Chinese glyphs."""
    heights = [w.height for w in words if any(is_cjk(ch) for ch in w.text)]
    if not heights:
        # Latin and digits: the box spans cap height to baseline, about 0.7 of the size.
        heights = [w.height / 0.7 for w in words]
    return round(statistics.median(heights) / _CJK_BOX_TO_SIZE / px_per_pt_printed, 1)


def _read_image(
    image: Image.Image,
    *,
    page_no: int,
    pt_per_px: float,
    dpi: float,
    psm: int,
    lang: str,
    offset: tuple[float, float] = (0.0, 0.0),
) -> list[Line]:
    raw = [words for words in _tesseract_lines(image, psm, lang) if not _is_noise(words)]
    texts = clean_ocr_lines(
        [" ".join("".join(ch for ch in w.text if ch not in _NOISE) for w in words) for words in raw]
    )
    px_per_pt_printed = dpi / 72
    dx, dy = offset
    lines = []
    for words, text in zip(raw, texts, strict=True):
        if not text:
            continue
        lines.append(
            Line(
                text=text,
                page=page_no,
                top=round((min(w.top for w in words) - dy) * pt_per_px, 2),
                bottom=round((max(w.top + w.height for w in words) - dy) * pt_per_px, 2),
                x0=round((min(w.left for w in words) - dx) * pt_per_px, 2),
                x1=round((max(w.left + w.width for w in words) - dx) * pt_per_px, 2),
                size=_line_size(words, px_per_pt_printed),
                ocr=True,
            )
        )
    return lines


def ocr_image(
    image: Image.Image,
    page_no: int,
    *,
    pt_per_px: float,
    dpi: float,
    psm: int = DEFAULT_PSM,
    lang: str = LANG,
    split: bool = True,
    deskew: bool = True,
    border: float = BORDER,
) -> list[Page]:
    """OCR of an already rendered page image (see `ocr_page`)."""
    halves = page_geometry.split_spread(image) if split else [image]
    pages = []
    for half in halves:
        prepared = clean_border(page_geometry.to_gray(half), border)
        offset = (0.0, 0.0)
        if deskew:
            straight = page_geometry.deskew(prepared)
            # Rotation with expand grows the canvas; positions are mapped back to it.
            offset = (
                (straight.width - prepared.width) / 2,
                (straight.height - prepared.height) / 2,
            )
            prepared = straight
        lines = _read_image(
            prepared,
            page_no=page_no,
            pt_per_px=pt_per_px,
            dpi=dpi,
            psm=psm,
            lang=lang,
            offset=offset,
        )
        pages.append(
            Page(
                number=page_no,
                width=round(half.width * pt_per_px, 2),
                height=round(half.height * pt_per_px, 2),
                lines=lines,
                ocr=True,
            )
        )
    return pages


def ocr_page(
    pdf_path: str | os.PathLike,
    page_no: int,
    *,
    dpi: float = DEFAULT_DPI,
    psm: int = DEFAULT_PSM,
    lang: str = LANG,
    split: bool = True,
    deskew: bool = True,
    border: float = BORDER,
) -> list[Page]:
    """The printed pages on PDF page `page_no` (1-based), read by OCR.

    One `Page` per printed page: two for a scanned spread, left page first, each with
    positions relative to its own half of the sheet. Positions are in PDF points like
    pdfplumber's; `size` is the printed font size estimated from the line height. All
    lines carry `ocr=True`. Raises `RuntimeError` with the reason when Tesseract is
    unavailable.
    """
    reason = tesseract_status(lang)
    if reason:
        raise RuntimeError(f"{Path(pdf_path).name} page {page_no}: cannot OCR: {reason}")
    rendering = render_page(pdf_path, page_no, dpi)
    return ocr_image(
        rendering.image,
        page_no,
        pt_per_px=rendering.pt_per_px,
        dpi=rendering.dpi,
        psm=psm,
        lang=lang,
        split=split,
        deskew=deskew,
        border=border,
    )


def page_text(pages: list[Page]) -> str:
    """The OCR text of one PDF page, line by line (for evaluation and debugging)."""
    return "\n".join(line.text for page in pages for line in page.lines)
