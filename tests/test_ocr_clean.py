"""Per-page cleaning decisions (assistant/ingest/clean.py): each kind of page gets only what it
needs before Tesseract, measured on small generated pages."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

from assistant.ingest.clean import (
    CleanPlan,
    PageStats,
    Skew,
    analyse,
    apply_plan,
    plan_cleaning,
)
from assistant.ingest.ocr import DEFAULT_OCR, OcrConfig, prepare
from eval.ocr_quality import make_text, render_page


def _page(seed: int = 5) -> Image.Image:
    """An A4 page of text at 150 dpi (rendered at 300 and halved: quick to measure)."""
    return render_page(make_text(seed=seed, lines_target=24)).reduce(2)


def _shadow(img: Image.Image, depth: float) -> Image.Image:
    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    ramp = np.linspace(1.0, 1.0 - depth, w, dtype=np.float32)[None, :]
    return Image.fromarray((a * ramp).clip(0, 255).astype(np.uint8), "L")


def _grey_paper(img: Image.Image, ink: int, paper: int) -> Image.Image:
    a = np.asarray(img, dtype=np.float32)
    return Image.fromarray((ink + a * (paper - ink) / 255.0).astype(np.uint8), "L")


def _bitonal(img: Image.Image) -> Image.Image:
    return img.point(lambda v: 0 if v < 160 else 255).convert("1").convert("L")


def _picture() -> Image.Image:
    """No text: blotches, as a photograph or a diagram gives."""
    rng = np.random.default_rng(3)
    noise = Image.fromarray((rng.random((60, 42)) * 255).astype(np.uint8), "L")
    return noise.resize((1240, 1754), Image.Resampling.BICUBIC).filter(ImageFilter.GaussianBlur(6))


def _rot(img: Image.Image, deg: float) -> Image.Image:
    return img.rotate(deg, resample=Image.Resampling.BILINEAR, fillcolor=255)


# (name, page, flatten (None: either), angle (None: left alone), enlarged)
CASES = [
    ("clean office scan", lambda: _page(), False, None, False),
    ("grey photocopy, even light", lambda: _grey_paper(_page(), 70, 200), False, None, False),
    ("faded print", lambda: _grey_paper(_page(), 160, 238), False, None, False),
    ("phone photo shadow", lambda: _shadow(_page(), 0.45), True, None, False),
    ("slight skew under the threshold", lambda: _rot(_page(), 0.25), False, None, False),
    ("skewed 1 degree: Tesseract copes", lambda: _rot(_page(), 1.0), False, None, False),
    ("skewed 2 degrees", lambda: _rot(_page(), 2.0), False, 2.0, False),
    ("skewed -3.5 degrees", lambda: _rot(_page(), -3.5), False, -3.5, False),
    ("skewed and shadowed", lambda: _shadow(_rot(_page(), 2.0), 0.45), True, 2.0, False),
    ("bitonal fax", lambda: _bitonal(_page()), False, None, False),
    ("bitonal fax, skewed", lambda: _bitonal(_rot(_page(), -2.0)), False, -2.0, False),
    ("picture, no text lines", _picture, None, None, False),  # flattening it does no harm
    ("blank page", lambda: Image.new("L", (1240, 1754), 250), False, None, False),
    ("tiny text (about 75 dpi)", lambda: _page().reduce(2), False, None, True),
]


@pytest.mark.parametrize(("name", "make", "flatten", "angle", "enlarge"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_page_gets_what_it_needs(
    name: str, make: object, flatten: bool | None, angle: float | None, enlarge: bool
) -> None:
    page = make()  # type: ignore[operator]
    plan = plan_cleaning(analyse(page), 150)
    if flatten is not None:
        assert plan.flatten is flatten, (name, plan)
    if angle is None:
        assert plan.angle == 0.0, (name, plan)
    else:
        assert abs(plan.angle - angle) <= 0.2, (name, plan)
    assert (plan.scale > 1.0) is enlarge, (name, plan)
    assert bool(plan.why) is (plan.flatten or angle is not None or enlarge)


def _stats(
    *, spread: float = 5.0, bitonal: bool = False, angle: float = 0.0, strength: float = 20.0, pitch: float = 50.0
) -> PageStats:
    return PageStats(spread=spread, paper=240.0, bitonal=bitonal, skew=Skew(angle, strength, pitch))


# The decision itself, from measurements: thresholds in one table.
PLANS = [
    ("nothing to do", _stats(), CleanPlan()),
    ("uneven light", _stats(spread=60), CleanPlan(flatten=True)),
    ("slightly uneven light is left", _stats(spread=20), CleanPlan()),
    ("bitonal is never flattened", _stats(spread=60, bitonal=True), CleanPlan()),
    ("reliable skew", _stats(angle=2.2), CleanPlan(angle=2.2)),
    ("skew Tesseract copes with", _stats(angle=1.2), CleanPlan()),
    ("skew under threshold", _stats(angle=0.4), CleanPlan()),
    ("unreliable skew", _stats(angle=3.0, strength=1.2), CleanPlan()),
    ("small text", _stats(pitch=12), CleanPlan(scale=2.5)),
    ("small text, unreliable pitch", _stats(pitch=12, strength=1.2), CleanPlan()),
    ("text at 150 dpi is large enough", _stats(pitch=26), CleanPlan()),
]


@pytest.mark.parametrize(("name", "stats", "want"), PLANS, ids=[p[0] for p in PLANS])
def test_plan_from_measurements(name: str, stats: PageStats, want: CleanPlan) -> None:
    got = plan_cleaning(stats, 300)
    assert (got.flatten, got.angle, got.scale) == (want.flatten, want.angle, want.scale), name


def test_apply_plan_keeps_size_unless_enlarging() -> None:
    page = _shadow(_rot(_page(), 2.0), 0.4)
    stats = analyse(page)
    out = apply_plan(page, CleanPlan(flatten=True, angle=2.0), stats)
    assert out.size == page.size and out.mode == "L"
    # The shadow is gone: the paper on both sides is equally light.
    a = np.asarray(out, dtype=np.float32)
    assert abs(np.percentile(a[:, :200], 90) - np.percentile(a[:, -200:], 90)) < 12
    big = apply_plan(page, CleanPlan(scale=2.0), stats)
    assert big.size == (page.width * 2, page.height * 2)


def test_prepare_declares_the_resolution_tesseract_sees() -> None:
    small = _page().reduce(2)  # about 75 dpi
    p = prepare(small, 75, DEFAULT_OCR)
    assert p.image.width > small.width
    assert p.dpi == round(75 * p.image.width / small.width)
    assert prepare(small, None, DEFAULT_OCR).dpi is None
    fixed = prepare(_page(), 150, OcrConfig())
    assert fixed.dpi == 150 and fixed.angle == 0.0


def test_ocr_settings_are_in_the_cache_key() -> None:
    from assistant.ingest.ocr import OCR_VERSION

    assert OCR_VERSION in DEFAULT_OCR.key()
    assert DEFAULT_OCR.key() != OcrConfig(flatten="always", deskew="nearest", binarise="otsu").key()


@pytest.mark.slow
def test_boxes_stay_on_the_words_of_an_enlarged_skewed_page() -> None:
    from assistant.ingest.ocr import ocr_image
    from eval.ocr_pages import font

    w, h = 640, 300
    img = Image.new("L", (w, h), 255)
    d = ImageDraw.Draw(img)
    lines = [
        "The officer attended Harrow Lane at 2140 hrs",
        "and seized the phone as exhibit KT/3 for a",
        "download that was never requested by anyone",
    ]
    for i, line in enumerate(lines * 5):
        d.text((30, 20 + i * 16), line, font=font("arial", 12), fill=0)
    img = _rot(img, 2.0)
    p = prepare(img, 100, DEFAULT_OCR)
    assert p.image.width > w and p.angle != 0.0  # enlarged and levelled
    r = ocr_image(img, dpi=100, config=DEFAULT_OCR, timeout=60)
    assert "exhibit" in r.text
    i = r.text.index("exhibit")
    box = next(b for b in r.boxes if b.start == i)
    x0, y0, x1, y1 = (box.x0 * w, box.y0 * h, box.x1 * w, box.y1 * h)
    crop = np.asarray(img.crop((int(x0), int(y0), int(x1) + 1, int(y1) + 1)))
    assert (crop < 128).mean() > 0.08  # ink under the box: it is on the word as scanned
    assert 25 < x1 - x0 < 90 and y1 - y0 < 25
