"""Many kinds of scanned page with known text, made independently of ``sample_files/build.py``.

The samples' scans all come from one noise model (a PDF rasterised, skewed, blurred, greyed
and speckled). Files from other forces and agencies do not look like that, so the OCR
pipeline is also measured on pages made here with other fonts (Times, Arial, Courier and
DejaVu, drawn by PIL rather than reportlab), other layouts and other damage, each kind saved
in the file format such a page would arrive in (PNG, JPEG, bitonal Group 4 TIFF) and read back
with the resolution the pipeline would see. Every page is deterministic for (kind, seed).

    .venv/bin/python -m eval.ocr_pages OUT_DIR [--per-kind 2] [--kinds clean_300,fax_g4]

writes the pages as files (a folder that ``python -m assistant review`` can read) beside
``truth.json``; ``eval/ocr_kinds.py`` measures CER on them per kind.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _reportlab_fonts() -> Path:
    import reportlab

    return Path(reportlab.__file__).parent / "fonts"


# Type 1 fonts that ship with reportlab (Times, Arial/Helvetica, Courier metrics) and the
# DejaVu TrueType family when the system has it; a missing one falls back to Vera.
FONTS = {
    "times": ("_er_____.pfb", "reportlab"),
    "times_bold": ("_eb_____.pfb", "reportlab"),
    "arial": ("_a______.pfb", "reportlab"),
    "arial_bold": ("_ab_____.pfb", "reportlab"),
    "courier": ("com_____.pfb", "reportlab"),
    "serif": ("DejaVuSerif.ttf", "dejavu"),
    "sans": ("DejaVuSans.ttf", "dejavu"),
    "sans_bold": ("DejaVuSans-Bold.ttf", "dejavu"),
    "mono": ("DejaVuSansMono.ttf", "dejavu"),
}


def font(name: str, px: int) -> ImageFont.FreeTypeFont:
    file, where = FONTS[name]
    path = (_reportlab_fonts() if where == "reportlab" else _DEJAVU) / file
    if not path.exists():
        path = _reportlab_fonts() / ("VeraBd.ttf" if "bold" in name else "Vera.ttf")
    return ImageFont.truetype(str(path), max(6, px))


# --------------------------------------------------------------------------------------------
# Known text: record-like wording with names, dates, times, codes and punctuation, from lists
# that are not the ones eval/ocr_quality.py or the sample cases use.

_NAMES = [
    "Shannon PRIESTLEY", "Imran QURESHI", "Leah McCORMACK", "Daniel O'NEILL", "Chloe BATES",
    "Tomasz NOWAK", "Jade WHITTAKER", "Aaron FENTON", "Megan HOLROYD", "Kieran DOYLE",
]  # fmt: skip
_STAFF = ["PC 3318 ASHWORTH", "DC 0921 BEGUM", "DS 2270 KHAN", "PS 1456 HUGHES", "SW Janet ROWE"]
_PLACES = [
    "14 Tenter Street", "the Co-op on Bridge Road", "Oakfield Academy", "flat 3, Mercer House",
    "the taxi rank (Station Approach)", "Lidgett Park", "the Riverside retail units",
    "Pennine Way services", "the Kwik-Fix garage", "St. Aidan's churchyard",
]  # fmt: skip
_CLAUSES = [
    "{who} reported that {name} had not returned home by {time} hrs",
    "{staff} attended {place} at {time} hrs on {date}",
    "a grey Vauxhall Corsa, partial index YX6?, was seen leaving {place}",
    '{name} said: "he told me not to tell anyone, or else"',
    "CCTV from {place} was requested on {date}; no result is recorded",
    "the mobile phone (Samsung A12, IMEI ending 4471) was seized as exhibit {ex}",
    "{staff} spoke to {name} by telephone; the call lasted 12 minutes",
    "a referral was made to Children's Social Care (ref. CSC/{num})",
    "{name} gave a first account at {place} but no ABE interview was arranged",
    "the strategy discussion on {date} agreed 5 actions, 2 of which remain open",
    "{who} was seen with two older males near {place} at about {time} hrs",
    "bank records for account ending {num} were not applied for",
]
_WHO = ["Her mother", "The school DSL", "A neighbour", "The foster carer", "Her brother"]


class _Words:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def fill(self, pattern: str) -> str:
        r = self.rng
        return pattern.format(
            who=r.choice(_WHO),
            name=r.choice(_NAMES),
            staff=r.choice(_STAFF),
            place=r.choice(_PLACES),
            time=f"{r.randrange(24):02d}{r.randrange(60):02d}",
            date=f"{r.randrange(1, 29):02d}/{r.randrange(1, 13):02d}/20{r.randrange(8, 24):02d}",
            ex=f"{r.choice('ABCDJKM')}{r.choice('BHLPRT')}/{r.randrange(1, 20)}",
            num=f"{r.randrange(1000, 99999)}",
        )

    def sentence(self) -> str:
        n = self.rng.choice((1, 1, 2))
        parts = [self.fill(self.rng.choice(_CLAUSES)) for _ in range(n)]
        s = ", and ".join(parts)
        return s[0].upper() + s[1:] + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.rng.randrange(2, 5)))

    def row(self) -> list[str]:
        r = self.rng
        return [
            f"{r.randrange(1, 29):02d}/{r.randrange(1, 13):02d}/{r.randrange(10, 24)}",
            f"{r.randrange(24):02d}:{r.randrange(60):02d}",
            r.choice(_STAFF).split(" ", 2)[-1].title(),
            r.choice(["CCTV request", "House to house", "Phone download", "Victim update",
                      "ANPR check", "Statement", "Intel check", "Strategy mtg"]),
            r.choice(["Complete", "Open", "Filed", "No trace", "Awaiting", "Refused"]),
        ]  # fmt: skip


# --------------------------------------------------------------------------------------------
# Layout


@dataclass
class Layout:
    dpi: int
    font: str = "times"
    pt: float = 11.0
    bold: str = "times_bold"
    margin_in: float = 1.0
    leading: float = 1.25


def _wrap(text: str, f: ImageFont.FreeTypeFont, width: float) -> list[str]:
    out: list[str] = []
    cur = ""
    for w in text.split():
        trial = f"{cur} {w}".strip()
        if cur and f.getlength(trial) > width:
            out.append(cur)
            cur = w
        else:
            cur = trial
    if cur:
        out.append(cur)
    return out


def _page(lay: Layout, mode: str = "L") -> Image.Image:
    w, h = round(8.27 * lay.dpi), round(11.69 * lay.dpi)
    return Image.new(mode, (w, h), 255 if mode == "L" else (255, 255, 255))


def draw_prose(
    img: Image.Image, lay: Layout, words: _Words, *, top_in: float = 1.0, bottom_in: float = 1.2
) -> list[str]:
    """A heading and paragraphs down the page; returns the lines drawn (the truth)."""
    draw = ImageDraw.Draw(img)
    px = round(lay.pt * lay.dpi / 72)
    f, fb = font(lay.font, px), font(lay.bold, px)
    x = round(lay.margin_in * lay.dpi)
    width = img.width - 2 * x
    y = round(top_in * lay.dpi)
    step = round(px * lay.leading)
    bottom = img.height - round(bottom_in * lay.dpi)
    r = words.rng
    log = r.choice(["OCCURRENCE", "INVESTIGATION", "CONTACT"])
    ref = f"{log} LOG  {r.randrange(10, 99)}/{r.randrange(1000, 99999)}/{r.randrange(10, 24)}"
    drawn = [ref]
    draw.text((x, y), ref, font=fb, fill=0)
    y += 2 * step
    while True:
        lines = _wrap(words.paragraph(), f, width)
        if y + step * len(lines) > bottom:
            lines = lines[: max(0, (bottom - y) // step)]
            if not lines:
                break
        for line in lines:
            draw.text((x, y), line, font=f, fill=0)
            drawn.append(line)
            y += step
        y += round(step * 0.6)
        if y + step > bottom:
            break
    return drawn


def draw_table(img: Image.Image, lay: Layout, words: _Words, *, rules: bool = True) -> list[str]:
    """A ruled action table with a heading and a short note; returns rows as lines."""
    draw = ImageDraw.Draw(img)
    px = round(lay.pt * lay.dpi / 72)
    f, fb = font(lay.font, px), font(lay.bold, px)
    x0 = round(lay.margin_in * lay.dpi)
    x1 = img.width - x0
    y = round(1.0 * lay.dpi)
    title = f"ACTION LOG - OPERATION {words.rng.choice(['LARCH', 'MERIDIAN', 'TALLOW', 'CINDER'])}"
    draw.text((x0, y), title, font=fb, fill=0)
    drawn = [title]
    y += round(px * 2.2)
    header = ["Date", "Time", "Officer", "Action", "Result"]
    fracs = [0.17, 0.11, 0.24, 0.30, 0.18]
    xs = [x0]
    for fr in fracs:
        xs.append(xs[-1] + round(fr * (x1 - x0)))
    row_h = round(px * 1.9)
    pad = round(px * 0.35)
    rows = [header] + [words.row() for _ in range(words.rng.randrange(14, 22))]
    lw = max(1, round(lay.dpi / 150))
    top = y
    for i, row in enumerate(rows):
        for j, cell in enumerate(row):
            draw.text((xs[j] + pad, y + (row_h - px) // 2), cell, font=fb if i == 0 else f, fill=0)
        drawn.append(" ".join(row))
        if rules:
            draw.line((x0, y, x1, y), fill=0, width=lw)
        y += row_h
    if rules:
        draw.line((x0, y, x1, y), fill=0, width=lw)
        for xx in xs:
            draw.line((xx, top, xx, y), fill=0, width=lw)
    y += row_h
    for line in _wrap(words.paragraph(), f, x1 - x0)[:4]:
        draw.text((x0, y), line, font=f, fill=0)
        drawn.append(line)
        y += round(px * 1.3)
    return drawn


# --------------------------------------------------------------------------------------------
# Damage (each kind's own, not the sample builder's model)


def _arr(img: Image.Image) -> np.ndarray:
    return np.asarray(img, dtype=np.float32)


def _img(a: np.ndarray, mode: str = "L") -> Image.Image:
    return Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), mode)


def levels(img: Image.Image, ink: float, paper: float) -> Image.Image:
    """Map black to ``ink`` and white to ``paper``."""
    return _img(ink + _arr(img) * ((paper - ink) / 255.0))


def grain(img: Image.Image, sigma: float, rng: np.random.Generator) -> Image.Image:
    return _img(_arr(img) + rng.normal(0, sigma, (img.height, img.width)).astype(np.float32))


def rotate(img: Image.Image, deg: float) -> Image.Image:
    fill = 255 if img.mode == "L" else (255, 255, 255)
    return img.rotate(deg, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=fill)


def jpeg(img: Image.Image, quality: int, dpi: int | None) -> bytes:
    buf = io.BytesIO()
    kw: dict[str, object] = {"quality": quality}
    if dpi:
        kw["dpi"] = (dpi, dpi)
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()


def png(img: Image.Image, dpi: int | None) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG", dpi=(dpi, dpi) if dpi else None)
    return buf.getvalue()


def g4_tiff(img: Image.Image, dpi: int) -> bytes:
    buf = io.BytesIO()
    img.convert("1").save(buf, "TIFF", compression="group4", dpi=(dpi, dpi))
    return buf.getvalue()


@dataclass
class GenPage:
    kind: str
    seed: int
    data: bytes  # the file as it would arrive
    ext: str  # png, jpg, tif
    truth: str

    def image(self) -> tuple[Image.Image, int | None]:
        """The page decoded as the pipeline decodes it (``image.load_frame``), with its dpi."""
        import tempfile

        from assistant.ingest.image import load_frame

        with tempfile.NamedTemporaryFile(suffix="." + self.ext) as fh:
            fh.write(self.data)
            fh.flush()
            img, dpi, _ = load_frame(Path(fh.name), self.name, 0, max_pixels=10**9)
        return img, dpi

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.seed}.{self.ext}"


def _tseed(kind: str, seed: int) -> int:
    """The text's seed: each kind and seed its own wording."""
    return zlib.crc32(kind.encode()) + seed


def _prose(kind: str, dpi: int, seed: int, **kw: object) -> tuple[Image.Image, str]:
    lay = Layout(dpi=dpi, **kw)  # type: ignore[arg-type]
    img = _page(lay)
    lines = draw_prose(img, lay, _Words(_tseed(kind, seed)))
    return img, "\n".join(lines)


def k_clean_300(seed: int) -> GenPage:
    """An office scanner at 300 dpi: sharp, white paper, black text."""
    rng = np.random.default_rng(seed)
    img, truth = _prose("clean_300", 300, seed, font="times", bold="times_bold", pt=11)
    img = grain(levels(img, 18, 250), 2.0, rng)
    return GenPage("clean_300", seed, png(img, 300), "png", truth)


def k_office_200_jpeg(seed: int) -> GenPage:
    """An office multifunction device at 200 dpi saving JPEG."""
    rng = np.random.default_rng(seed)
    img, truth = _prose("office_200_jpeg", 200, seed, font="arial", bold="arial_bold", pt=10.5)
    img = grain(levels(img, 25, 245), 3.0, rng)
    return GenPage("office_200_jpeg", seed, jpeg(img, 70, 200), "jpg", truth)


def k_photocopy_grey(seed: int) -> GenPage:
    """A photocopy of a photocopy: grey paper with toner haze, dark edges, grey text."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    img, truth = _prose("photocopy_grey", 300, seed, font="times", bold="times_bold", pt=11)
    img = rotate(img, r.uniform(-0.4, 0.4)).filter(ImageFilter.GaussianBlur(0.9))
    a = _arr(levels(img, 70, 205))
    h, w = a.shape
    # Toner haze: low-frequency blotches, and the copier's dark border at the page edges.
    haze = rng.normal(0, 1, (h // 64 + 1, w // 64 + 1)).astype(np.float32)
    haze_img = Image.fromarray(((haze - haze.min()) / (np.ptp(haze) + 1e-6) * 255).astype(np.uint8), "L")
    haze_a = _arr(haze_img.resize((w, h), Image.Resampling.BICUBIC)) / 255.0
    a -= 18 * haze_a
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    edge = np.minimum(np.minimum(xx, w - xx), np.minimum(yy, h - yy))
    a -= 90 * np.exp(-edge / (0.08 * 300))
    a += rng.normal(0, 7, a.shape).astype(np.float32)
    specks = rng.random(a.shape) < 0.0008
    a[specks] = 60
    return GenPage("photocopy_grey", seed, png(_img(a), 300), "png", truth)


def k_faded(seed: int) -> GenPage:
    """A faded print: light grey ink on off-white paper, soft edges."""
    rng = np.random.default_rng(seed)
    img, truth = _prose("faded", 300, seed, font="arial", bold="arial_bold", pt=10)
    img = img.filter(ImageFilter.GaussianBlur(0.7))
    img = grain(levels(img, 150 + 10 * (seed % 3), 238), 4.0, rng)
    return GenPage("faded", seed, jpeg(img, 85, 300), "jpg", truth)


def k_fax_g4(seed: int) -> GenPage:
    """A fax received as bitonal Group 4 TIFF at 200 dpi: thresholded, dropouts, streaks."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    img, truth = _prose("fax_g4", 200, seed, font="courier" if seed % 2 else "arial", bold="arial_bold", pt=10.5)
    img = rotate(img, r.uniform(-0.6, 0.6)).filter(ImageFilter.GaussianBlur(0.5))
    a = _arr(img) + rng.normal(0, 25, (img.height, img.width)).astype(np.float32)
    # A couple of scan-line streaks, as a fax modem's errors leave.
    for _ in range(3):
        y = int(rng.integers(0, a.shape[0] - 2))
        a[y : y + 1, :] = np.minimum(a[y : y + 1, :], 40)
    binary = _img(np.where(a < 150, 0, 255))
    return GenPage("fax_g4", seed, g4_tiff(binary, 200), "tif", truth)


def k_phone_photo(seed: int) -> GenPage:
    """A phone photo of a page held flat: colour, a shadow across it, vignetting, soft focus,
    JPEG, about 200 pixels per inch and no usable resolution recorded (phones write 72)."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    img, truth = _prose("phone_photo", 200, seed, font="sans", bold="sans_bold", pt=10.5)
    img = rotate(img, r.uniform(-1.0, 1.0)).filter(ImageFilter.GaussianBlur(1.1))
    a = _arr(levels(img, 45, 235))
    h, w = a.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.hypot((xx - w / 2) / w, (yy - h / 2) / h)
    light = 1.0 - 0.35 * d**2 * 2.0
    # A soft shadow (a hand or the phone) across one side.
    theta = r.uniform(0, 2 * math.pi)
    s = (xx / w - 0.5) * math.cos(theta) + (yy / h - 0.5) * math.sin(theta)
    light *= 1.0 - 0.35 / (1.0 + np.exp(-(s - 0.15) / 0.05))
    a = a * light
    rgb = np.stack([a * 1.0, a * 0.95, a * 0.85], axis=-1)
    rgb += rng.normal(0, 5, rgb.shape).astype(np.float32)
    photo = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8), "RGB")
    buf = io.BytesIO()
    photo.save(buf, "JPEG", quality=82, dpi=(72, 72))
    return GenPage("phone_photo", seed, buf.getvalue(), "jpg", truth)


def k_small_font(seed: int) -> GenPage:
    """Small print (7-8 pt) at 300 dpi, as on custody records and printed system screens."""
    rng = np.random.default_rng(seed)
    pt = 7.0 if seed % 2 else 8.0
    img, truth = _prose("small_font", 300, seed, font="arial", bold="arial_bold", pt=pt, leading=1.2)
    img = grain(levels(img, 30, 245), 3.0, rng).filter(ImageFilter.GaussianBlur(0.4))
    return GenPage("small_font", seed, png(img, 300), "png", truth)


def k_typewriter(seed: int) -> GenPage:
    """Typewritten: Courier with uneven strikes (each letter its own darkness and height)."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    dpi = 300
    lay = Layout(dpi=dpi, font="courier", bold="courier", pt=12, leading=1.5)
    img = _page(lay)
    words = _Words(_tseed("typewriter", seed))
    px = round(lay.pt * dpi / 72)
    f = font("courier", px)
    x0 = round(dpi)
    cw = f.getlength("M")
    per_line = int((img.width - 2 * x0) / cw)
    draw = ImageDraw.Draw(img)
    y = round(dpi)
    lines: list[str] = []
    while y < img.height - 1.3 * dpi:
        for line in _wrap(words.paragraph(), f, per_line * cw):
            if y >= img.height - 1.3 * dpi:
                break
            for i, ch in enumerate(line):
                if ch != " ":
                    shade = int(np.clip(rng.normal(40, 30), 0, 140))
                    draw.text((x0 + i * cw, y + r.randint(-2, 2)), ch, font=f, fill=shade)
            lines.append(line)
            y += round(px * lay.leading)
        y += round(px * lay.leading)
    img = rotate(img, r.uniform(-0.5, 0.5)).filter(ImageFilter.GaussianBlur(0.6))
    img = grain(levels(img, 0, 240), 4.0, rng)
    return GenPage("typewriter", seed, png(img, dpi), "png", "\n".join(lines))


def k_table(seed: int) -> GenPage:
    """A ruled table (an action log) at 300 dpi, lightly scanned."""
    rng = np.random.default_rng(seed)
    lay = Layout(dpi=300, font="arial", bold="arial_bold", pt=10)
    img = _page(lay)
    lines = draw_table(img, lay, _Words(_tseed("table", seed)))
    img = grain(levels(rotate(img, 0.2 if seed % 2 else -0.3), 25, 245), 3.0, rng)
    return GenPage("table", seed, png(img, 300), "png", "\n".join(lines))


def k_dark_stamp(seed: int) -> GenPage:
    """A form with a black title bar (white text), a shaded box and a coloured stamp."""
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    dpi = 300
    lay = Layout(dpi=dpi, font="sans", bold="sans_bold", pt=10.5)
    img = _page(lay, "RGB")
    draw = ImageDraw.Draw(img)
    px = round(lay.pt * dpi / 72)
    fb = font("sans_bold", round(px * 1.3))
    f = font("sans", px)
    x0 = dpi
    title = f"RESTRICTED - CHILD PROTECTION REFERRAL {r.randrange(100, 999)}"
    draw.rectangle((x0 - 20, int(0.7 * dpi), img.width - x0 + 20, int(0.7 * dpi) + 2 * px), fill=(20, 20, 20))
    draw.text((x0, int(0.7 * dpi) + px // 3), title, font=fb, fill=(255, 255, 255))
    # A shaded box of summary text (text on mid grey).
    words = _Words(_tseed("dark_stamp", seed))
    box_top = int(1.2 * dpi)
    box_lines = _wrap(words.paragraph(), f, img.width - 2 * x0 - 40)[:4]
    box_bottom = box_top + len(box_lines) * round(px * 1.3) + 40
    draw.rectangle((x0 - 20, box_top, img.width - x0 + 20, box_bottom), fill=(165, 165, 165))
    y = box_top + 20
    for line in box_lines:
        draw.text((x0, y), line, font=f, fill=(0, 0, 0))
        y += round(px * 1.3)
    grey = img.convert("L")
    rest = draw_prose(grey, lay, words, top_in=(box_bottom + 60) / dpi, bottom_in=2.6)
    img = grey.convert("RGB")
    # A red "received" stamp in the space below the text.
    stamp = Image.new("RGBA", (int(2.6 * dpi), int(1.0 * dpi)), (0, 0, 0, 0))
    sd = ImageDraw.Draw(stamp)
    sd.rectangle((4, 4, stamp.width - 5, stamp.height - 5), outline=(190, 30, 40, 230), width=8)
    stamp_text = f"RECEIVED {r.randrange(1, 29):02d} MAR 2019"
    sd.text((40, stamp.height // 2 - px), stamp_text, font=fb, fill=(190, 30, 40, 230))
    stamp = stamp.rotate(r.uniform(-8, 8), expand=True, resample=Image.Resampling.BICUBIC)
    img.paste(stamp, (img.width - x0 - stamp.width, img.height - int(2.3 * dpi)), stamp)
    a = np.asarray(img, dtype=np.float32) * (242 / 255.0) + 12
    a += rng.normal(0, 3, a.shape).astype(np.float32)
    out = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8), "RGB")
    truth = "\n".join([title, *box_lines, *rest, stamp_text])
    return GenPage("dark_stamp", seed, jpeg(out, 85, dpi), "jpg", truth)


def _skewed(kind: str, seed: int, lo: float, hi: float) -> GenPage:
    rng = np.random.default_rng(seed)
    r = random.Random(seed)
    img, truth = _prose(kind, 300, seed, font="serif" if seed % 2 else "times", bold="times_bold", pt=10.5)
    angle = r.uniform(lo, hi) * (1 if seed % 2 else -1)
    img = rotate(img, angle).filter(ImageFilter.GaussianBlur(0.5))
    img = grain(levels(img, 30, 240), 3.0, rng)
    return GenPage(kind, seed, png(img, 300), "png", truth)


def k_skew_slight(seed: int) -> GenPage:
    """Fed a little crooked: 0.5-1.2 degrees."""
    return _skewed("skew_slight", seed, 0.5, 1.2)


def k_skew_strong(seed: int) -> GenPage:
    """Fed crooked: 2.5-4.5 degrees."""
    return _skewed("skew_strong", seed, 2.5, 4.5)


def _low_dpi(kind: str, dpi: int, seed: int) -> GenPage:
    rng = np.random.default_rng(seed)
    img, truth = _prose(kind, dpi, seed, font="times" if seed % 2 else "arial", bold="times_bold", pt=10)
    img = grain(levels(img, 25, 242), 3.0, rng)
    return GenPage(kind, seed, png(img, dpi), "png", truth)


def k_dpi_150(seed: int) -> GenPage:
    """Scanned at 150 dpi (an archive's space-saving setting), 10 pt text."""
    return _low_dpi("dpi_150", 150, seed)


def k_dpi_200(seed: int) -> GenPage:
    """Scanned at 200 dpi, 10 pt text."""
    return _low_dpi("dpi_200", 200, seed)


def k_dpi_150_small(seed: int) -> GenPage:
    """Small print (8 pt) scanned at 150 dpi and saved as JPEG: text only a few pixels high."""
    rng = np.random.default_rng(seed)
    img, truth = _prose("dpi_150_small", 150, seed, font="arial", bold="arial_bold", pt=8, leading=1.2)
    img = grain(levels(img.filter(ImageFilter.GaussianBlur(0.4)), 30, 240), 3.0, rng)
    return GenPage("dpi_150_small", seed, jpeg(img, 75, 150), "jpg", truth)


KINDS: dict[str, Callable[[int], GenPage]] = {
    "clean_300": k_clean_300,
    "office_200_jpeg": k_office_200_jpeg,
    "photocopy_grey": k_photocopy_grey,
    "faded": k_faded,
    "fax_g4": k_fax_g4,
    "phone_photo": k_phone_photo,
    "small_font": k_small_font,
    "typewriter": k_typewriter,
    "table": k_table,
    "dark_stamp": k_dark_stamp,
    "skew_slight": k_skew_slight,
    "skew_strong": k_skew_strong,
    "dpi_150": k_dpi_150,
    "dpi_200": k_dpi_200,
    "dpi_150_small": k_dpi_150_small,
}


def make_pages(kinds: list[str] | None = None, per_kind: int = 2, seed0: int = 0) -> list[GenPage]:
    """``per_kind`` pages of each kind (seeds ``seed0``, ``seed0 + 1``, ...)."""
    names = kinds or list(KINDS)
    return [KINDS[k](seed0 + i) for k in names for i in range(per_kind)]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--per-kind", type=int, default=2)
    ap.add_argument("--kinds", default="", help="comma-separated subset of: " + ", ".join(KINDS))
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args(argv)
    a.out_dir.mkdir(parents=True, exist_ok=True)
    truth: dict[str, str] = {}
    for p in make_pages(a.kinds.split(",") if a.kinds else None, a.per_kind, a.seed):
        (a.out_dir / p.name).write_bytes(p.data)
        truth[p.name] = p.truth
    (a.out_dir / "truth.json").write_text(json.dumps(truth, indent=1), encoding="utf-8")
    print(f"{len(truth)} pages in {a.out_dir}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
