"""Scanned page images made ready for OCR: spreads, skew, edge blots, table rules.

Pure functions on PIL images. Profiles are computed by letting PIL average rows or
columns (`resize(..., BOX)`), which keeps everything in C without numpy.

A copier scan of a bound standard often puts two printed pages on one landscape sheet;
OCR reads such a sheet line by line straight across the gutter and interleaves the two
pages, so the sheet is split first. A few tenths of a degree of skew is enough to make
Tesseract merge neighbouring lines of small Chinese text, so the sheet is deskewed too.
"""

from __future__ import annotations

import re

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

# A column whose mean ink is below this fraction counts as blank (specks and the
# shadow of the binding leave a little ink in a real gutter).
BLANK_INK = 0.004


def _values(image: Image.Image) -> list[int]:
    """Pixel values in row order (Pillow 13 renamed `getdata`)."""
    flat = getattr(image, "get_flattened_data", None)
    return list(flat() if flat else image.getdata())


def to_gray(image: Image.Image) -> Image.Image:
    return image if image.mode == "L" else image.convert("L")


def otsu_threshold(image: Image.Image) -> int:
    """Grey level that best separates ink from paper (Otsu on the histogram)."""
    hist = to_gray(image).histogram()
    total = sum(hist)
    sum_all = sum(i * h for i, h in enumerate(hist))
    best, best_var = 128, -1.0
    weight_bg = 0
    sum_bg = 0.0
    for level in range(256):
        weight_bg += hist[level]
        if weight_bg == 0:
            continue
        weight_fg = total - weight_bg
        if weight_fg == 0:
            break
        sum_bg += level * hist[level]
        mean_bg = sum_bg / weight_bg
        mean_fg = (sum_all - sum_bg) / weight_fg
        between = weight_bg * weight_fg * (mean_bg - mean_fg) ** 2
        if between > best_var:
            best, best_var = level, between
    return best


def binarize(image: Image.Image, threshold: int | None = None) -> Image.Image:
    """Black ink on white paper, as an 8-bit image with only 0 and 255."""
    gray = to_gray(image)
    cut = otsu_threshold(gray) if threshold is None else threshold
    return gray.point(lambda v: 255 if v > cut else 0)


def ink_image(image: Image.Image) -> Image.Image:
    """Binarised and inverted: ink is 255, paper 0, so averages are ink fractions."""
    return ImageOps.invert(binarize(image))


def column_ink(image: Image.Image) -> list[float]:
    """Fraction of ink in every pixel column."""
    ink = ink_image(image)
    return [v / 255 for v in _values(ink.resize((ink.width, 1), Image.Resampling.BOX))]


def row_ink(image: Image.Image) -> list[float]:
    """Fraction of ink in every pixel row."""
    ink = ink_image(image)
    return [v / 255 for v in _values(ink.resize((1, ink.height), Image.Resampling.BOX))]


def find_gutter(image: Image.Image, *, min_aspect: float = 1.2) -> int | None:
    """x of the blank gutter between two printed pages on a landscape sheet, or None.

    A spread is a landscape image whose middle third holds a run of blank columns at
    least 2 % of the width wide, with comparable amounts of ink on both sides. Single
    landscape pages (wide tables, drawings) fail one of those tests: their middle is
    printed, or one side is almost empty.
    """
    if image.width < image.height * min_aspect:
        return None
    # Work at a modest width: the gutter is wide, and speed matters for every page.
    scale = min(1.0, 1200 / image.width)
    small = to_gray(image).resize(
        (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
        Image.Resampling.BOX,
    )
    profile = column_ink(small)
    width = len(profile)
    lo, hi = int(width / 3), int(width * 2 / 3)
    best_start, best_len = -1, 0
    run_start = None
    for x in range(lo, hi + 1):
        blank = x < hi and profile[x] < BLANK_INK
        if blank and run_start is None:
            run_start = x
        elif not blank and run_start is not None:
            if x - run_start > best_len:
                best_start, best_len = run_start, x - run_start
            run_start = None
    if best_len < 0.02 * width:
        return None
    middle = best_start + best_len // 2
    left_ink, right_ink = sum(profile[:middle]), sum(profile[middle:])
    if min(left_ink, right_ink) < 0.25 * max(left_ink, right_ink):
        return None
    return round(middle / scale)


def split_spread(image: Image.Image) -> list[Image.Image]:
    """The printed pages on one scanned sheet, left first (one image if not a spread)."""
    gutter = find_gutter(image)
    if gutter is None:
        return [image]
    return [
        image.crop((0, 0, gutter, image.height)),
        image.crop((gutter, 0, image.width, image.height)),
    ]


def _profile_score(ink: Image.Image, angle: float) -> float:
    """Sum of squared row ink after rotating by `angle`: peaks when lines are level."""
    rotated = ink.rotate(angle, resample=Image.Resampling.NEAREST, fillcolor=0)
    rows = _values(rotated.resize((1, rotated.height), Image.Resampling.BOX))
    return float(sum(v * v for v in rows))


def estimate_skew(image: Image.Image, *, max_angle: float = 3.0) -> float:
    """Angle in degrees (counter-clockwise positive, PIL's sense) that levels the lines.

    Projection-profile search: text lines give sharp row-ink peaks only when they are
    horizontal. Coarse steps over ±max_angle, then a finer search around the best.
    """
    gray = to_gray(image)
    scale = min(1.0, 1000 / max(gray.width, gray.height))
    small = gray.resize(
        (max(1, round(gray.width * scale)), max(1, round(gray.height * scale))),
        Image.Resampling.BOX,
    )
    ink = ink_image(small)
    # Only the middle: margins, punch holes and scanner edges carry no line structure.
    w, h = ink.size
    ink = ink.crop((w // 10, h // 20, w - w // 10, h - h // 20))
    if ink.getbbox() is None:
        return 0.0
    best = 0.0
    for step, span in ((0.5, max_angle), (0.1, 0.5), (0.02, 0.1)):
        centre = best
        candidates = []
        a = centre - span
        while a <= centre + span + 1e-9:
            candidates.append(round(a, 3))
            a += step
        best = max(candidates, key=lambda angle: (_profile_score(ink, angle), -abs(angle)))
    return best


def deskew(
    image: Image.Image, angle: float | None = None, *, min_angle: float = 0.05
) -> Image.Image:
    """The image rotated to level its text lines (unchanged below `min_angle`)."""
    if angle is None:
        angle = estimate_skew(image)
    if abs(angle) < min_angle:
        return image
    gray = to_gray(image)
    return gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=255)


def find_rules(image: Image.Image, min_length: int) -> list[tuple[bool, int, int, int]]:
    """Table rules of the image: straight ink runs ≥ `min_length` px, each as
    (vertical, row or column, start, end) in pixels.

    Runs are found with a bytes regex over each binarised row (and each row of the
    transposed image for vertical rules), which keeps the scan in C. `min_length` must
    exceed the longest printed stroke, the two-em list dash `——` included; half an inch
    does.
    """
    ink = binarize(to_gray(image))
    # A run of ink pixels, allowing one-pixel breaks (scanner dropouts in a rule).
    run = re.compile(rb"\x00(?:\x00|\xff(?=\x00))*")
    rules = []
    for vertical, plane in ((False, ink), (True, ink.transpose(Image.Transpose.TRANSPOSE))):
        width = plane.width
        data = plane.tobytes()
        for y in range(plane.height):
            row = data[y * width : (y + 1) * width]
            if row.count(0) < min_length:
                continue
            for match in run.finditer(row):
                if match.end() - match.start() < min_length:
                    continue
                rules.append((vertical, y, match.start(), match.end() - 1))
    return rules


def remove_rules(
    image: Image.Image, min_length: int, rules: list[tuple[bool, int, int, int]] | None = None
) -> Image.Image:
    """The image with table rules (straight ink runs ≥ `min_length` px) painted white.

    Tesseract reads the grid of a ruled table as `|`, `_` and invented glyphs and loses
    the cell text between them. `rules`: those `find_rules` found already.
    """
    gray = to_gray(image)
    out = gray.copy()
    draw = ImageDraw.Draw(out)
    for vertical, y, start, end in rules if rules is not None else find_rules(gray, min_length):
        # The rule's anti-aliased edge rows go too.
        for dy in (-1, 0, 1):
            if vertical:
                draw.line((y + dy, start, y + dy, end), fill=255)
            else:
                draw.line((start, y + dy, end, y + dy), fill=255)
    return out


def clear_edge_ink(image: Image.Image, band: float = 0.01) -> Image.Image:
    """The image with every blot of ink reaching into its outer `band` painted white.

    Scanner shadows, the dark band of a book's spine, punch holes and the broken rules a
    copier leaves along the sheet's edge sit within a couple of millimetres of it;
    printed text keeps a margin. Tesseract turns such blots into stray `|`, `1` or `本`.
    Whitening only the ink connected to the edge band (not a fixed frame) keeps the
    small print that a born-digital cover sets close to the edge.
    """
    gray = to_gray(image)
    ink = binarize(gray)
    filled = ink.copy()
    w, h = filled.size
    d = max(1, round(band * min(w, h)))
    pixels = filled.load()
    seeds = [(x, y) for y in (*range(d), *range(h - d, h)) for x in range(w)]
    seeds += [(x, y) for y in range(d, h - d) for x in (*range(d), *range(w - d, w))]
    for xy in seeds:
        if pixels[xy] == 0:
            ImageDraw.floodfill(filled, xy, 255)
    # One pixel more all round takes the grey anti-aliased rim of each blot too.
    removed = ImageChops.difference(ink, filled).filter(ImageFilter.MaxFilter(3))
    return ImageChops.lighter(gray, removed)
