"""Image cleaning steps tried before OCR. Which ones the pipeline uses is decided by measurement
(``eval/ocr_quality.py``: character error rate and time against plain Tesseract), not by habit.

Each step takes and returns an 8-bit grey PIL image of the same size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from PIL import Image


def estimate_skew(grey: Image.Image, *, max_angle: float = 4.0) -> float:
    """The page's skew in degrees (positive = text rises to the right), by projection profile.

    Dark pixels of a reduced copy are projected onto the vertical axis at each candidate angle;
    text lines give the sharpest profile (largest sum of squared row differences) when level.
    """
    return measure_skew(grey, max_angle=max_angle).angle


@dataclass(frozen=True, slots=True)
class Skew:
    """A skew measurement: the angle, how clearly the text lines picked it, and their pitch."""

    angle: float  # degrees, positive = text rises to the right
    strength: float  # profile sharpness at the angle over the median of all angles tried
    pitch: float  # text line pitch in pixels of the image measured (0 when not found)


def measure_skew(grey: Image.Image, *, max_angle: float = 5.0) -> Skew:
    """:func:`estimate_skew` with how reliable it is: text lines make the profile at the right
    angle several times sharper than at a wrong one (``strength`` well above 1); a page of
    pictures, a form of boxes or a few words gives a flat curve (``strength`` near 1), and its
    "best" angle is noise. Also measures the line pitch from the levelled profile."""
    factor = max(1, grey.width // 900)
    reduced = grey.reduce(factor) if factor > 1 else grey
    small = np.asarray(reduced, dtype=np.uint8)
    # Ink: below Otsu's threshold, unless that would take in a shadowed part of the paper.
    thresh = otsu_threshold(reduced)
    if (small <= thresh).mean() > MAX_INK:
        thresh = min(160, int(small.mean()) - 30)
    rows, cols = np.nonzero(small <= thresh)
    if len(rows) < 200:
        return Skew(0.0, 0.0, 0.0)
    rng = np.random.default_rng(0)  # fixed seed: the same page always gives the same angle
    if len(rows) > 60_000:  # a sample is plenty and keeps this step near 20 ms
        pick = rng.integers(0, len(rows), 60_000)  # with replacement: no shuffle of every pixel
        rows, cols = rows[pick], cols[pick]
    xs = cols.astype(np.float64) - small.shape[1] / 2.0
    # Sub-pixel jitter: without it, angle 0 alone maps pixels onto whole rows unsmoothed, and
    # that aliasing, not the text, wins on a small copy of the page.
    ys = rows.astype(np.float64) + rng.uniform(-0.5, 0.5, len(rows))
    n_rows = small.shape[0] * 2 + 4

    def profile(angle: float) -> np.ndarray:
        t = np.tan(np.radians(angle))
        proj = np.round(ys + xs * t + small.shape[0] / 2.0).astype(np.int64)
        proj = proj[(proj >= 0) & (proj < n_rows)]
        return np.bincount(proj, minlength=n_rows).astype(np.float64)

    def score(angle: float) -> float:
        return float(np.sum(np.diff(profile(angle)) ** 2))

    # Coarse to fine: 0.5, 0.1 then 0.05 degree steps (37 profiles rather than 52 at 0.25 + 0.05).
    coarse = np.arange(-max_angle, max_angle + 1e-9, 0.5)
    scores = [score(a) for a in coarse]
    best = float(coarse[int(np.argmax(scores))])
    best = float(max(np.arange(best - 0.5, best + 0.5 + 1e-9, 0.1), key=score))
    best = float(max(np.arange(best - 0.1, best + 0.1 + 1e-9, 0.05), key=score))
    strength = score(best) / max(float(np.median(scores)), 1e-9)
    return Skew(float(round(best, 2)), round(strength, 2), _pitch(profile(best)) * factor)


def _pitch(hist: np.ndarray) -> float:
    """Text line pitch (rows) of a levelled profile: the first strong autocorrelation peak."""
    nz = np.nonzero(hist)[0]
    if len(nz) < 8:
        return 0.0
    h = hist[nz[0] : nz[-1] + 1]
    h = h - h.mean()
    n = len(h)
    if n < 16:
        return 0.0
    f = np.fft.rfft(h, 2 * n)
    ac = np.fft.irfft(f * np.conj(f))[:n]
    if ac[0] <= 0:
        return 0.0
    ac /= ac[0]
    lo, hi = 4, min(n // 2, 400)
    if hi <= lo + 2:
        return 0.0
    seg = ac[lo:hi]
    peaks = [i for i in range(1, len(seg) - 1) if seg[i] >= seg[i - 1] and seg[i] > seg[i + 1] and seg[i] > 0.2]
    if not peaks:
        return 0.0
    # Multiples of the pitch peak too (paragraph gaps can make one of them the highest): the
    # first peak nearly as high as the highest is the pitch.
    top = max(seg[i] for i in peaks)
    return float(lo + next(i for i in peaks if seg[i] >= 0.6 * top))


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


# --------------------------------------------------------------------------------------------
# Deciding per page. Plain Tesseract reads a clean page better than any cleaning does (its LSTM
# reads the grey page, and a page binarised before it loses the grey edges of the letters: small
# print, faint print and low resolution suffer most), but it fails outright on two things: a
# page lit unevenly (its global threshold turns the shadow black) and a page skewed by more than
# a degree or two (lines run into each other). So the page is measured on a reduced copy (about
# 15 ms) and only what it needs is done, in grey (eval/ocr_kinds.py has the figures).

# Background spread (grey levels, 95th - 5th percentile of the paper) from which the lighting
# is evened out. Office scans, photocopies and faxes stay under 15; a phone photo's shadow or
# a copier's dark edges are 40 and more.
FLATTEN_SPREAD = 30.0
# Skew (degrees) from which the page is levelled, and the profile sharpness (see Skew) that
# makes a measured angle trustworthy. Tesseract follows a skew of a degree or so by itself, and
# rotating resamples every letter: levelling the samples' scans skewed 0.85-1.25 degrees
# raised their CER (5.5% -> 8.6%, 4.1% -> 5.4%, 2.0% -> 3.2%), where pages skewed 1.5 degrees
# and more gain a lot (16.0% -> 5.0%, 9.6% -> 7.9%; 2.75-4.5 degrees: up to 78% -> 0.1%).
AUTO_MIN_SKEW = 1.5
MIN_SKEW_STRENGTH = 2.0
# Text line pitch (pixels) below which the page is enlarged: Tesseract finds and reads lines
# poorly when the text is only a few pixels high (about 8 pt at 120 dpi or less).
MIN_PITCH = 20.0
MAX_SCALE = 2.5


@dataclass(frozen=True, slots=True)
class PageStats:
    """What :func:`analyse` measured on a page (all on a reduced copy)."""

    spread: float  # unevenness of the paper's brightness (grey levels)
    paper: float  # the paper's median grey level
    bitonal: bool  # only black and white pixels (a fax, a bitonal TIFF)
    skew: Skew  # measured on the copy with the lighting evened out


@dataclass(frozen=True, slots=True)
class CleanPlan:
    """What to do to a page before Tesseract reads it."""

    flatten: bool = False
    angle: float = 0.0  # rotate by -angle degrees (0: leave)
    scale: float = 1.0  # enlarge by this factor (1: leave)
    why: tuple[str, ...] = ()


def analyse(grey: Image.Image) -> PageStats:
    """Measure a page cheaply (about 15 ms for A4 at 300 dpi): lighting, paper, bitonality,
    skew (with its reliability) and text line pitch."""
    from PIL import Image as PILImage

    hist = grey.histogram()[:256]
    total = max(1, sum(hist))
    bitonal = (hist[0] + hist[255]) / total > 0.995
    bg_small, _ = _background_small(grey)
    spread = _spread(bg_small)
    paper = float(np.median(np.asarray(bg_small)))
    factor = max(1, grey.width // 700)  # about 830 px wide at 300 dpi: ample for angle and pitch
    page_small = grey.reduce(factor) if factor > 1 else grey
    if spread >= FLATTEN_SPREAD / 2:
        # Skew is measured on the copy with the shadow taken out, or the shadow's edge wins.
        bg_mid = np.asarray(bg_small.resize(page_small.size, PILImage.Resampling.BILINEAR), dtype=np.uint8)
        page_small = PILImage.fromarray(
            np.take(_FLAT_LUT, (bg_mid.astype(np.uint16) << 8) | np.asarray(page_small, np.uint8)), "L"
        )
    skew = measure_skew(page_small)
    skew = Skew(skew.angle, skew.strength, skew.pitch * factor)
    return PageStats(spread=round(spread, 1), paper=round(paper, 1), bitonal=bitonal, skew=skew)


def plan_cleaning(stats: PageStats, dpi: int | None = None) -> CleanPlan:
    """Decide what a page needs from what :func:`analyse` measured (see the thresholds above)."""
    why: list[str] = []
    flatten = not stats.bitonal and stats.spread >= FLATTEN_SPREAD
    if flatten:
        why.append(f"uneven lighting (spread {stats.spread:.0f})")
    angle = 0.0
    sk = stats.skew
    if abs(sk.angle) >= AUTO_MIN_SKEW and sk.strength >= MIN_SKEW_STRENGTH:
        angle = sk.angle
        why.append(f"skewed {sk.angle:+.2f} deg (strength {sk.strength:.1f})")
    scale = 1.0
    if 0 < sk.pitch < MIN_PITCH and sk.strength >= MIN_SKEW_STRENGTH:
        scale = min(MAX_SCALE, round(MIN_PITCH * 1.5 / sk.pitch * 4) / 4)
        why.append(f"small text (line pitch {sk.pitch:.0f} px)")
    return CleanPlan(flatten=flatten, angle=angle, scale=scale, why=tuple(why))


def apply_plan(grey: Image.Image, plan: CleanPlan, stats: PageStats) -> Image.Image:
    """Carry out a :class:`CleanPlan` on the grey page, gently (no binarisation; bicubic
    rotation; Lanczos enlargement)."""
    from PIL import Image as PILImage

    if plan.flatten:
        grey = flatten_light(grey)
    if plan.angle:
        # Bicubic: sharper letters than bilinear for about 0.1 s more, on the few pages rotated.
        fill = 255 if plan.flatten else int(stats.paper)
        grey = grey.rotate(-plan.angle, resample=PILImage.Resampling.BICUBIC, expand=False, fillcolor=fill)
    if plan.scale != 1.0:
        size = (round(grey.width * plan.scale), round(grey.height * plan.scale))
        grey = grey.resize(size, PILImage.Resampling.LANCZOS)
    return grey


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
