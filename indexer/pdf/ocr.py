"""OCR of one PDF page into the same `Page`/`Line` objects extraction produces.

Scanned standards and standards whose text layer is garbled are read with Tesseract
(`chi_sim`) so that clean-up, cover parsing and clause segmentation run unchanged on
them. One call handles one PDF page and returns one `Page` per printed page on it (two
for a scanned two-page spread, left first). Nothing is cached or held globally, and the
results are plain dataclasses, so callers can farm pages out to worker processes.

Settings were chosen by measuring character error rate on the gold transcriptions
(`tests/indexer/test_ocr_gold.py`) and on born-digital table pages against their own
text layer. The page is rendered at 200 dpi in grey (fewer errors than 250, 300 or
400 dpi on the gold pages and on three of four table pages, and the cheapest); ink
blots reaching the sheet's edge are whitened; the page is deskewed when tilted; table
rules are removed (with them, table pages came out 40-85 % wrong); and the page is read
as one uniform block (`--psm 6`), which keeps the reading order of single-column pages
better than automatic layout (`--psm 3`/`4`). Two repair passes
follow: lines the block reading skipped (small print around a cover's title) are read
from what it left over as sparse text, and large or Latin lines are read again on their
own (at body-text scale; with the English model) when that reading is surer.
"""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

from analyzers.normalize import is_cjk
from indexer.library.model import IngestError, Line, Page, PageTable

from . import ocr_tables, page_geometry
from .ocr_text import clean_ocr_lines

LANG = "chi_sim"
DEFAULT_DPI = 200
DEFAULT_PSM = 6

# Seconds one Tesseract run may take: a normal page needs 3-20 s on one core; a page
# that takes minutes is a picture of noise and is reported rather than waited for.
TIMEOUT = 180

# Pages this large (in points) are scans stored at 1 pt per pixel, not real A0 sheets;
# they are rendered as if they were A4 so that `dpi` keeps its meaning.
_PIXEL_PAGE_PT = 2400.0
_A4_LONG_IN = 11.69

# Straight ink runs at least this long (inches) are table rules, removed before OCR;
# the longest printed stroke, the two-em list dash `——`, is a third of an inch.
RULE_MIN_IN = 0.5

# Tesseract's box around a CJK glyph is this fraction of the font size (measured on
# born-digital pages of GB 18918-2002 and GB 34330-2017 against pdfplumber's sizes).
_CJK_BOX_TO_SIZE = 0.9


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


def _languages() -> set[str]:
    import pytesseract

    try:
        return set(pytesseract.get_languages(config=""))
    except Exception:
        return set()


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


@dataclass
class _Word:
    text: str
    left: int
    top: int
    width: int
    height: int
    conf: float


@dataclass
class _OcrLine:
    """One line as Tesseract found it: its words, and the text we keep for it."""

    words: list[_Word]
    text: str = ""

    def __post_init__(self) -> None:
        if not self.text:
            self.text = " ".join(_strip_noise(w.text) for w in self.words)

    @property
    def box(self) -> tuple[int, int, int, int]:
        return (
            min(w.left for w in self.words),
            min(w.top for w in self.words),
            max(w.left + w.width for w in self.words),
            max(w.top + w.height for w in self.words),
        )

    @property
    def conf(self) -> float:
        return sum(w.conf for w in self.words) / len(self.words)


# Characters Tesseract produces from rules, scanner edges and specks.
_NOISE = set("|¦‖丨")


def _strip_noise(text: str) -> str:
    return "".join(ch for ch in text if ch not in _NOISE)


def _tesseract_lines(image: Image.Image, psm: int, lang: str) -> list[_OcrLine]:
    """Tesseract's words grouped into its text lines, in its reading order."""
    import pytesseract

    data = pytesseract.image_to_data(
        image,
        lang=lang,
        config=f"--psm {psm}",
        output_type=pytesseract.Output.DICT,
        timeout=TIMEOUT,
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
    return [_OcrLine(words) for words in lines.values()]


def _trim_stray_ends(line: _OcrLine) -> _OcrLine:
    """Drop a speck read as a glyph at either end of a line, far from its words.

    A mark at the sheet's edge read into a line (`j GB 4917—85`, the `j` 200 px left of
    the text) moves the line's left edge to the scan's margin, and with it the page's
    text column that headings are recognised by.
    """
    words = sorted(line.words, key=lambda w: w.left)
    if len(words) < 2:
        return line
    height = statistics.median(w.height for w in words)

    def stray(word: _Word, gap: int) -> bool:
        return len(word.text.strip()) <= 2 and word.conf < 50 and gap > 2 * height

    kept = list(words)
    if stray(kept[0], kept[1].left - (kept[0].left + kept[0].width)):
        kept.pop(0)
    if len(kept) >= 2 and stray(kept[-1], kept[-1].left - (kept[-2].left + kept[-2].width)):
        kept.pop()
    return line if len(kept) == len(words) else _OcrLine(kept)


def _is_noise(line: _OcrLine) -> bool:
    """A line read from a rule or a speck: nothing left, or a glyph or two read blind.

    Real short lines come back far surer: letter-spaced headings (`前 言`) at about 55,
    the last word of a paragraph (`构;`) at about 30; misread page numbers at 0-5.
    """
    text = line.text.replace(" ", "")
    return not text or (len(text) <= 2 and line.conf < 20)


# Lines printed larger than this (titles, cover numbers) are read a second time at
# body-text scale: the chi_sim model misreads glyphs much taller than it was trained on.
LARGE_LINE_PT = 15.0
_BODY_LINE_PX = 48

# Latin lines (English titles, term equivalents) are read a second time with the
# English model, which chi_sim alone garbles (`paluion contral` for `pollution control`).
LATIN_LANG = "eng"


def _is_latin(text: str) -> bool:
    letters = [ch for ch in text if not ch.isspace()]
    ascii_letters = sum(ch.isascii() and ch.isalpha() for ch in letters)
    return ascii_letters >= 8 and ascii_letters >= 0.7 * len(letters)


def _is_code(text: str) -> bool:
    """A standard number or code line (`JT/T 808—2019`, `代替 GB 3838—1988`, `ICS 13.060`).

    chi_sim alone reads bold Latin capitals as look-alikes (`JI/T`, `JTXT`), which makes
    the cover's number unparsable; the two models together read such lines right.
    """
    chars = [ch for ch in text if not ch.isspace()]
    digits = sum(ch.isdigit() for ch in chars)
    return digits >= 4 and sum(ch.isascii() for ch in chars) >= 0.6 * len(chars)


def _reread(
    image: Image.Image, line: _OcrLine, lang: str, px_per_pt_printed: float, langs: set[str]
) -> None:
    """Read a large, Latin or code line again on its own; keep the surer of the readings."""
    left, top, right, bottom = line.box
    height = bottom - top
    large = height / px_per_pt_printed > LARGE_LINE_PT
    latin = LATIN_LANG in langs and _is_latin(line.text)
    code = LATIN_LANG in langs and not latin and _is_code(line.text)
    if not large and not latin and not code:
        return
    pad = max(4, height // 4)
    crop = image.crop(
        (
            max(0, left - pad),
            max(0, top - pad),
            min(image.width, right + pad),
            min(image.height, bottom + pad),
        )
    )
    if large:
        scale = _BODY_LINE_PX / height
        crop = crop.resize(
            (max(1, round(crop.width * scale)), max(1, round(crop.height * scale))),
            Image.Resampling.LANCZOS,
        )
    reading_lang = LATIN_LANG if latin else f"{lang}+{LATIN_LANG}" if code else lang
    again = _tesseract_lines(crop, 7, reading_lang)
    words = [w for ln in again for w in ln.words]
    if not words:
        return
    candidate = _OcrLine(words)
    if candidate.conf > line.conf and candidate.text.strip():
        line.text = candidate.text


# Ink left outside every line box after erosion (specks gone) beyond this many pixels
# at 300 dpi means Tesseract skipped lines, as it does with the small print above and
# below a cover's large title in single-block mode.
_MISSED_INK_PX = 500


def _drop_phantoms(lines: list[_OcrLine]) -> list[_OcrLine]:
    """Drop unsure lines lying inside the band of a surer line that overlaps them.

    Tesseract sometimes reads the tops of a row of large glyphs as a line of its own
    (`呈 一 Ar = ma` above `安全电子签章密码技术规范`).
    """
    kept = []
    for line in lines:
        left, top, right, bottom = line.box
        phantom = line.conf < 50 and any(
            other is not line
            and other.conf > line.conf
            and min(bottom, other.box[3]) - max(top, other.box[1]) >= 0.5 * (bottom - top)
            and min(right, other.box[2]) > max(left, other.box[0])
            for other in lines
        )
        if not phantom:
            kept.append(line)
    return kept


def _recover_missed(
    image: Image.Image, found: list[_OcrLine], lang: str, dpi: float
) -> list[_OcrLine]:
    """Lines the block reading skipped, read as sparse text from what it left over."""
    rest = image.copy()
    draw = ImageDraw.Draw(rest)
    margin = max(2, round(dpi / 50))
    for line in found:
        left, top, right, bottom = line.box
        draw.rectangle((left - margin, top - margin, right + margin, bottom + margin), fill=255)
    ink = page_geometry.ink_image(rest).filter(ImageFilter.MinFilter(3))
    if ink.histogram()[255] < _MISSED_INK_PX * (dpi / 300) ** 2:
        return []
    return _join_rows(
        [
            line
            for line in _tesseract_lines(rest, 11, lang)
            if not _is_noise(line) and line.conf >= 50 and len(line.text.replace(" ", "")) >= 2
        ]
    )


def _join_rows(lines: list[_OcrLine]) -> list[_OcrLine]:
    """Sparse-text fragments on one printed row (`ICS` and `13.030.10`) made one line."""
    rows: list[list[_OcrLine]] = []
    for line in sorted(lines, key=lambda ln: ln.box[1]):
        top, bottom = line.box[1], line.box[3]
        for row in rows:
            r_top, r_bottom = min(ln.box[1] for ln in row), max(ln.box[3] for ln in row)
            if min(bottom, r_bottom) - max(top, r_top) >= 0.5 * min(bottom - top, r_bottom - r_top):
                row.append(line)
                break
        else:
            rows.append([line])
    joined = []
    for row in rows:
        row.sort(key=lambda ln: ln.box[0])
        words = [w for ln in row for w in ln.words]
        joined.append(_OcrLine(words, " ".join(ln.text for ln in row)))
    return joined


def _in_reading_order(found: list[_OcrLine], extra: list[_OcrLine]) -> list[_OcrLine]:
    """Recovered lines slotted in by their vertical position."""
    lines = list(found)
    for line in sorted(extra, key=lambda ln: ln.box[1]):
        middle = (line.box[1] + line.box[3]) / 2
        at = next((i for i, other in enumerate(lines) if other.box[1] > middle), len(lines))
        lines.insert(at, line)
    return lines


def _line_size(line: _OcrLine, px_per_pt_printed: float) -> float:
    """Font size in printed points, from the height of the line's glyphs.

    Chinese glyph boxes are the surest measure; Latin words span cap height to
    baseline (about 0.7 of the size); a dash (often read as `一`) or a dot measures
    nothing.
    """
    heights = [
        w.height / _CJK_BOX_TO_SIZE
        for w in line.words
        if any(is_cjk(ch) for ch in w.text) and w.text != "一"  # 一 is often a dash
    ]
    if not heights:
        heights = [w.height / 0.7 for w in line.words if sum(ch.isalnum() for ch in w.text) >= 2]
    if not heights:
        heights = [(line.box[3] - line.box[1]) / _CJK_BOX_TO_SIZE]
    return round(statistics.median(heights) / px_per_pt_printed, 1)


def _read_image(
    image: Image.Image,
    *,
    page_no: int,
    pt_per_px: float,
    dpi: float,
    psm: int,
    lang: str,
    offset: tuple[float, float] = (0.0, 0.0),
    reread: bool = True,
    recover: bool = True,
    words: list | None = None,
) -> list[Line]:
    px_per_pt_printed = dpi / 72
    read = _tesseract_lines(image, psm, lang)
    found = _drop_phantoms([_trim_stray_ends(line) for line in read if not _is_noise(line)])
    if recover:
        found = _in_reading_order(found, _recover_missed(image, read, lang, dpi))
    if reread:
        langs = _languages()
        for line in found:
            _reread(image, line, lang, px_per_pt_printed, langs)
    texts = clean_ocr_lines([line.text for line in found])
    dx, dy = offset
    if words is not None:
        from .ocr_tables import Word

        for line in found:
            for w in line.words:
                text = _strip_noise(w.text)
                if text:
                    words.append(
                        Word(
                            text,
                            (w.left - dx) * pt_per_px,
                            (w.top - dy) * pt_per_px,
                            (w.left + w.width - dx) * pt_per_px,
                            (w.top + w.height - dy) * pt_per_px,
                        )
                    )
    lines = []
    for line, text in zip(found, texts, strict=True):
        if not text:
            continue
        left, top, right, bottom = line.box
        lines.append(
            Line(
                text=text,
                page=page_no,
                top=round((top - dy) * pt_per_px, 2),
                bottom=round((bottom - dy) * pt_per_px, 2),
                x0=round((left - dx) * pt_per_px, 2),
                x1=round((right - dx) * pt_per_px, 2),
                size=_line_size(line, px_per_pt_printed),
                ocr=True,
            )
        )
    return lines


def _cell_reader(image: Image.Image, pt_per_px: float, offset: tuple[float, float], lang: str):
    """Reads one table cell (a box in points) of the rule-free image as a single line."""
    import pytesseract

    dx, dy = offset

    def read(box: tuple[float, float, float, float]) -> str:
        x0, top, x1, bottom = box
        crop = image.crop(
            (
                round(x0 / pt_per_px + dx) + 2,
                round(top / pt_per_px + dy) + 2,
                round(x1 / pt_per_px + dx) - 2,
                round(bottom / pt_per_px + dy) - 2,
            )
        )
        if crop.width < 8 or crop.height < 8 or crop.getextrema()[0] > 128:
            return ""  # nothing printed in it
        text = pytesseract.image_to_string(crop, lang=lang, config="--psm 7", timeout=TIMEOUT)
        return _strip_noise(" ".join(text.split()))

    return read


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
    edges: bool = True,
    binarize: bool = False,
    rules: bool = True,
    grids: list[PageTable] | None = None,
) -> list[Page]:
    """OCR of an already rendered page image (see `ocr_page`)."""
    halves = page_geometry.split_spread(image) if split else [image]
    pages = []
    tables = len(halves) == 1
    for half in halves:
        prepared = page_geometry.to_gray(half)
        if edges:
            prepared = page_geometry.clear_edge_ink(prepared)
        if binarize:
            prepared = page_geometry.binarize(prepared)
        offset = (0.0, 0.0)
        if deskew:
            straight = page_geometry.deskew(prepared)
            # Rotation with expand grows the canvas; positions are mapped back to it.
            offset = (
                (straight.width - prepared.width) / 2,
                (straight.height - prepared.height) / 2,
            )
            prepared = straight
        found_rules = None
        if rules:
            found_rules = page_geometry.find_rules(prepared, round(dpi * RULE_MIN_IN))
            prepared = page_geometry.remove_rules(prepared, round(dpi * RULE_MIN_IN), found_rules)
        words: list | None = [] if tables else None
        lines = _read_image(
            prepared,
            page_no=page_no,
            pt_per_px=pt_per_px,
            dpi=dpi,
            psm=psm,
            lang=lang,
            offset=offset,
            words=words,
        )
        page = Page(
            number=page_no,
            width=round(half.width * pt_per_px, 2),
            height=round(half.height * pt_per_px, 2),
            lines=lines,
            ocr=True,
        )
        if tables and words is not None:
            page.tables = ocr_tables.page_tables(
                page_no,
                words,
                grids,
                found_rules or [],
                pt_per_px,
                offset,
                _cell_reader(prepared, pt_per_px, offset, lang),
            )
        pages.append(page)
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
    edges: bool = True,
    binarize: bool = False,
    rules: bool = True,
    grids: list[PageTable] | None = None,
) -> list[Page]:
    """The printed pages on PDF page `page_no` (1-based), read by OCR.

    One `Page` per printed page: two for a scanned spread, left page first, each with
    positions relative to its own half of the sheet. Positions are in PDF points like
    pdfplumber's; `size` is the printed font size estimated from the line height. All
    lines carry `ocr=True`. Raises `IngestError` (file, page, reason) when the page
    cannot be rendered or Tesseract is missing, fails or times out. `grids`: the ruled
    grids extraction found in the page's drawing (their cells are filled from the OCR
    words); without them, grids are made from the rules in the image.
    """
    import pytesseract

    name = Path(pdf_path).name
    try:
        rendering = render_page(pdf_path, page_no, dpi)
    except Exception as exc:  # pdfium reports damage in many exception types
        raise IngestError(name, f"cannot render page for OCR: {exc}", page_no) from exc
    try:
        return ocr_image(
            rendering.image,
            page_no,
            pt_per_px=rendering.pt_per_px,
            dpi=rendering.dpi,
            psm=psm,
            lang=lang,
            split=split,
            deskew=deskew,
            edges=edges,
            binarize=binarize,
            rules=rules,
            grids=grids,
        )
    except pytesseract.TesseractNotFoundError as exc:
        reason = tesseract_status(lang) or "tesseract is not installed"
        raise IngestError(name, f"cannot OCR: {reason}", page_no) from exc
    except (pytesseract.TesseractError, RuntimeError) as exc:
        # RuntimeError is how pytesseract reports its timeout.
        reason = tesseract_status(lang) or f"tesseract failed: {exc}"
        raise IngestError(name, f"cannot OCR: {reason}", page_no) from exc


def page_text(pages: list[Page]) -> str:
    """The OCR text of one PDF page, line by line (for evaluation and debugging)."""
    return "\n".join(line.text for page in pages for line in page.lines)
