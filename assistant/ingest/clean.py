"""Image cleaning steps tried before OCR. Which ones the pipeline uses is decided by measurement
(``eval/ocr_quality.py``: character error rate and time against plain Tesseract), not by habit.

Each step takes and returns an 8-bit grey PIL image of the same size.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from PIL import Image


def estimate_skew(grey: Image.Image, *, max_angle: float = 4.0) -> float:
    """The page's skew in degrees (positive = text rises to the right), by projection profile.

    Dark pixels of a reduced copy are projected onto the vertical axis at each candidate angle;
    text lines give the sharpest profile (largest sum of squared row differences) when level.
    """
    factor = max(1, grey.width // 900)
    reduced = grey.reduce(factor) if factor > 1 else grey
    small = np.asarray(reduced, dtype=np.uint8)
    # Ink: below Otsu's threshold, unless that would take in a shadowed part of the paper.
    thresh = otsu_threshold(reduced)
    if (small <= thresh).mean() > MAX_INK:
        thresh = min(160, int(small.mean()) - 30)
    rows, cols = np.nonzero(small <= thresh)
    if len(rows) < 200:
        return 0.0
    rng = np.random.default_rng(0)  # fixed seed: the same page always gives the same angle
    if len(rows) > 120_000:  # a sample is plenty and keeps this step near 10 ms
        pick = rng.choice(len(rows), 120_000, replace=False)
        rows, cols = rows[pick], cols[pick]
    xs = cols.astype(np.float64) - small.shape[1] / 2.0
    # Sub-pixel jitter: without it, angle 0 alone maps pixels onto whole rows unsmoothed, and
    # that aliasing, not the text, wins on a small copy of the page.
    ys = rows.astype(np.float64) + rng.uniform(-0.5, 0.5, len(rows))
    n_rows = small.shape[0] * 2 + 4

    def score(angle: float) -> float:
        t = np.tan(np.radians(angle))
        proj = np.round(ys + xs * t + small.shape[0] / 2.0).astype(np.int64)
        proj = proj[(proj >= 0) & (proj < n_rows)]
        hist = np.bincount(proj, minlength=n_rows).astype(np.float64)
        return float(np.sum(np.diff(hist) ** 2))

    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.25)
    best = max(coarse, key=score)
    fine = np.arange(best - 0.25, best + 0.25 + 1e-9, 0.05)
    best = max(fine, key=score)
    return float(round(best, 2))


# Skew below this (degrees) is left alone: Tesseract copes, and rotating costs time.
MIN_SKEW = 0.3


def deskew(grey: Image.Image, *, min_angle: float = MIN_SKEW, smooth: bool = True) -> Image.Image:
    """Rotate the page level when it is skewed by more than ``min_angle`` degrees.

    ``smooth`` rotates with bilinear interpolation (about 70 ms for an A4 page at 300 dpi);
    without it, nearest-neighbour (about 18 ms), which leaves 1-pixel steps on letter edges.
    """
    return deskew_with_angle(grey, min_angle=min_angle, smooth=smooth)[0]


def deskew_with_angle(
    grey: Image.Image, *, min_angle: float = MIN_SKEW, smooth: bool = True
) -> tuple[Image.Image, float]:
    """:func:`deskew`, also returning the angle it corrected (0.0 when it left the page)."""
    from PIL import Image as PILImage

    angle = estimate_skew(grey)
    if abs(angle) < min_angle:
        return grey, 0.0
    resample = PILImage.Resampling.BILINEAR if smooth else PILImage.Resampling.NEAREST
    return grey.rotate(-angle, resample=resample, expand=False, fillcolor=255), angle


# flat[bg * 256 + v] = v scaled so that the background bg becomes white.
_FLAT_LUT = (
    np.minimum(255.0, np.arange(256)[None, :] * 255.0 / np.maximum(np.arange(256)[:, None], 1)).astype(np.uint8).ravel()
)


def background_spread(grey: Image.Image) -> float:
    """How uneven the paper's brightness is: 95th minus 5th percentile of the background."""
    return _spread(_background_small(grey)[0])


def _background_small(grey: Image.Image) -> tuple[Image.Image, int]:
    from PIL import ImageFilter

    factor = max(1, min(grey.width, grey.height) // 120)
    small = grey.reduce(factor) if factor > 1 else grey
    return small.filter(ImageFilter.MaxFilter(5)).filter(ImageFilter.GaussianBlur(2)), factor


def _spread(bg_small: Image.Image) -> float:
    lo, hi = np.percentile(np.asarray(bg_small), [5, 95])
    return float(hi - lo)


def flatten_light(grey: Image.Image, *, min_spread: float = 0.0) -> Image.Image:
    """Even out uneven lighting: divide by the page background (ink removed by a max filter).

    With ``min_spread`` > 0 the page is left as it is when its background varies less than
    that (evenly lit pages gain nothing and the step costs about 50 ms).
    """
    from PIL import Image as PILImage

    bg_small, _ = _background_small(grey)
    if min_spread > 0 and _spread(bg_small) < min_spread:
        return grey
    bg = np.asarray(bg_small.resize(grey.size, PILImage.Resampling.BILINEAR), dtype=np.uint8)
    page = np.asarray(grey, dtype=np.uint8)
    out = np.take(_FLAT_LUT, (bg.astype(np.uint16) << 8) | page)
    return PILImage.fromarray(out, "L")


def otsu_threshold(grey: Image.Image) -> int:
    """Otsu's threshold of a grey image (from PIL's histogram: a few milliseconds a page)."""
    hist = np.asarray(grey.histogram()[:256], dtype=np.float64)
    total = hist.sum()
    if total == 0:
        return 128
    levels = np.arange(256, dtype=np.float64)
    cum = np.cumsum(hist)
    cum_mean = np.cumsum(hist * levels)
    w0 = cum / total
    w1 = 1.0 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        m0 = cum_mean / cum
        m1 = (cum_mean[-1] - cum_mean) / (total - cum)
        between = np.nan_to_num(w0 * w1 * (m0 - m1) ** 2)
    return int(np.argmax(between))


# A page of text is mostly paper: when a threshold would turn more than this share of the page
# black, it has split the paper itself (a gentle shadow on an almost empty page), not ink from
# paper, and the page is left in grey for Tesseract to threshold its own way.
MAX_INK = 0.30


def otsu(grey: Image.Image) -> Image.Image:
    """Global Otsu binarisation (black text on white), as a 1-bit image.

    Tesseract thresholds internally too, but a page handed over already black and white (and
    as 1 bit per pixel) reads 5-12% faster with the same error rate (eval/ocr_quality.py).
    Global Otsu needs even lighting: :func:`flatten_light` runs first. A page the threshold
    would mostly blacken is returned unchanged (see ``MAX_INK``).
    """
    t = otsu_threshold(grey)
    hist = grey.histogram()[:256]
    if sum(hist[: t + 1]) > MAX_INK * max(1, sum(hist)):
        return grey
    lut = [0] * (t + 1) + [255] * (255 - t)
    return grey.point(lut, "1")


def flatten_otsu(grey: Image.Image) -> tuple[Image.Image | None, Image.Image]:
    """:func:`flatten_light` then :func:`otsu`, fused: about 30 ms instead of 60 for an A4 page
    at 300 dpi, with the same result (up to rounding).

    Dividing by the background and thresholding at ``t`` is the same as comparing each pixel
    with ``background * t / 255``, so the full-size flattened page is never built: the Otsu
    threshold comes from a reduced flattened copy, and only the threshold map is scaled up.
    Returns the 1-bit page (None when the threshold would blacken more than ``MAX_INK`` of the
    page: the caller then uses the separate steps) and the reduced flattened copy, which is
    enough to measure the skew.
    """
    from PIL import Image as PILImage

    bg_small, _ = _background_small(grey)
    factor = max(1, grey.width // 620)
    page_small = grey.reduce(factor) if factor > 1 else grey
    bg_mid = np.asarray(bg_small.resize(page_small.size, PILImage.Resampling.BILINEAR), dtype=np.uint8)
    flat_small = PILImage.fromarray(
        np.take(_FLAT_LUT, (bg_mid.astype(np.uint16) << 8) | np.asarray(page_small, np.uint8)),
        "L",
    )
    t = otsu_threshold(flat_small)
    hist = flat_small.histogram()[:256]
    if sum(hist[: t + 1]) > MAX_INK * max(1, sum(hist)):
        return None, flat_small
    thr_small = np.asarray(bg_small, dtype=np.float32) * ((t + 0.5) / 255.0)
    thr = PILImage.fromarray(np.clip(thr_small, 0, 255).astype(np.uint8), "L").resize(
        grey.size, PILImage.Resampling.BILINEAR
    )
    paper = np.asarray(grey, dtype=np.uint8) > np.asarray(thr, dtype=np.uint8)
    return PILImage.fromarray(paper), flat_small


def unrotate_box(
    box: tuple[float, float, float, float], angle: float, size: tuple[int, int]
) -> tuple[float, float, float, float]:
    """Map a box (fractions of the page) found on a deskewed image back to the page as scanned.

    :func:`deskew` rotated the scan by ``-angle`` degrees about its centre (PIL's
    ``rotate(-angle)``); the box's corners are turned back by ``angle`` in pixel space, where
    the rotation is a true rotation, and the bounds of the result returned.
    """
    import math

    w, h = size
    cx, cy = w / 2.0, h / 2.0
    t = math.radians(angle)
    c, s = math.cos(t), math.sin(t)
    x0, y0, x1, y1 = box
    xs: list[float] = []
    ys: list[float] = []
    for fx, fy in ((x0, y0), (x1, y0), (x0, y1), (x1, y1)):
        dx, dy = fx * w - cx, fy * h - cy
        # Inverse of PIL's rotate(-angle) about the centre, with y pointing down
        # (checked in tests/test_ingest_ocr.py by drawing a box and finding it again).
        xs.append(cx + c * dx + s * dy)
        ys.append(cy - s * dx + c * dy)
    return (
        round(min(1.0, max(0.0, min(xs) / w)), 5),
        round(min(1.0, max(0.0, min(ys) / h)), 5),
        round(min(1.0, max(0.0, max(xs) / w)), 5),
        round(min(1.0, max(0.0, max(ys) / h)), 5),
    )
