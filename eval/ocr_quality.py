"""OCR quality: character error rate (CER) of plain Tesseract vs each image-cleaning step.

Makes a deterministic set of noisy "scanned" pages from known text (rendered with the Vera
fonts that ship with reportlab, then skewed 0.5-3 degrees, speckled, blurred, JPEG-compressed
and unevenly lit), and, when ``sample_files/src`` exists, adds the scanned pages of the sample
cases with their source text. Every variant reads the same pages, two at a time (as the
pipeline does on this 2-core machine), and the table shows CER and time side by side.

    .venv/bin/python eval/ocr_quality.py              # synthetic pages + samples if present
    .venv/bin/python eval/ocr_quality.py --pages 6 --variants plain,deskew
    .venv/bin/python eval/ocr_quality.py --json out.json

The pipeline adopts a step only if it lowers CER without a real cost in time (the scanned
bundle must stay within 1.15x the time of Tesseract alone).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import re
import resource
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.ingest.ocr import (  # noqa: E402
    DEFAULT_OCR,
    OcrConfig,
    parse_tsv,
    prepare,
    run_tesseract,
    to_grey,
)

FONT_DIR = Path(sys.prefix) / "lib" / "python3.11" / "site-packages" / "reportlab" / "fonts"
if not FONT_DIR.exists():  # running from another interpreter: find reportlab's fonts
    import reportlab

    FONT_DIR = Path(reportlab.__file__).parent / "fonts"

DPI = 300

# --------------------------------------------------------------------------------------------
# Known text. Invented wording in the register of police case records, built from fixed lists
# with a seeded generator, so every run makes the same pages.

_SUBJECTS = [
    "The officer",
    "DC 4410 MARSH",
    "PC 2087 OKAFOR",
    "The complainant",
    "Her mother",
    "The duty sergeant",
    "The social worker",
    "The school nurse",
    "The reporting officer",
    "A neighbour",
    "The taxi driver",
    "DS 1190 PRENTICE",
]
_VERBS = [
    "attended the address at",
    "recorded a note at",
    "spoke with the family at",
    "requested footage from the premises at",
    "checked the vehicle index at",
    "completed a welfare visit at",
    "updated the log at",
    "referred the matter at",
    "was told about the incident at",
    "called the control room at",
]
_PLACES = [
    "Harrow Lane",
    "the retail park",
    "Wexcombe Road",
    "the bus station",
    "Calder Street",
    "the youth centre",
    "Brindle Court",
    "the takeaway on Mill Road",
    "Fenwick House",
    "the car park behind the library",
]
_TAILS = [
    "and noted that no further details were given.",
    "and the account was written up the same evening.",
    "and asked for the CCTV to be retained for 28 days.",
    "where the handset was seized and bagged as exhibit KT/3.",
    "and a strategy meeting was arranged for the following week.",
    "and the outcome was recorded as pending further inquiries.",
    "and the details were passed to the MASH team.",
    "and the registration mark was noted as partial only.",
]


def _sentence(rng: random.Random) -> str:
    hh, mm = rng.randrange(0, 24), rng.randrange(0, 60)
    return (
        f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {hh:02d}{mm:02d} hrs near "
        f"{rng.choice(_PLACES)} {rng.choice(_TAILS)}"
    )


def make_text(seed: int, lines_target: int = 34) -> list[str]:
    """One page of known text as lines (header, paragraphs, a small table)."""
    rng = random.Random(seed)
    ref = f"REF {rng.randrange(1000, 9999)}/{rng.randrange(10, 25)}"
    day = f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/20{rng.randrange(10, 25)}"
    lines = [f"OCCURRENCE LOG {ref}", f"Entry date {day}", ""]
    width = 78
    while len(lines) < lines_target:
        para = " ".join(_sentence(rng) for _ in range(rng.randrange(2, 4)))
        words = para.split()
        cur = ""
        for w in words:
            if len(cur) + 1 + len(w) > width:
                lines.append(cur)
                cur = w
            else:
                cur = f"{cur} {w}".strip()
        lines.append(cur)
        lines.append("")
        if rng.random() < 0.3 and len(lines) < lines_target - 4:
            for _ in range(3):
                lines.append(
                    f"Action {rng.randrange(10, 99)}   {rng.choice(_PLACES):<30}"
                    f"   {rng.choice(['OPEN', 'CLOSED', 'PENDING'])}"
                )
            lines.append("")
    return lines[:lines_target]


# --------------------------------------------------------------------------------------------
# Rendering and scan noise


@dataclass(frozen=True)
class Noise:
    skew: float = 0.0  # degrees
    speckle: float = 0.0  # share of pixels flipped
    blur: float = 0.0  # Gaussian radius in pixels
    jpeg: int = 0  # JPEG quality, 0 = none
    light: float = 0.0  # depth of an uneven-lighting gradient, 0-1
    contrast: float = 1.0  # ink/paper contrast (1 = black on white)


def render_page(lines: list[str], *, font_pt: float = 10.5, seed: int = 0, mono: bool = False) -> Image.Image:
    """Render lines as a clean A4 page at 300 dpi, in grey."""
    w, h = int(8.27 * DPI), int(11.69 * DPI)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    size = int(font_pt * DPI / 72)
    font = ImageFont.truetype(str(FONT_DIR / ("Vera.ttf")), size)
    bold = ImageFont.truetype(str(FONT_DIR / "VeraBd.ttf"), size)
    y = int(0.9 * DPI)
    step = int(size * 1.45)
    for i, line in enumerate(lines):
        if line:
            draw.text((int(0.9 * DPI), y), line, font=bold if i == 0 else font, fill=0)
        y += step
    return img


def add_noise(img: Image.Image, noise: Noise, seed: int) -> Image.Image:
    """Apply scan-like degradation, deterministically for a given seed."""
    rng = np.random.default_rng(seed)
    a = np.asarray(img, dtype=np.float32)
    if noise.contrast != 1.0:
        a = 255.0 - (255.0 - a) * noise.contrast
    out = Image.fromarray(a.clip(0, 255).astype(np.uint8), "L")
    if noise.skew:
        out = out.rotate(noise.skew, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    if noise.blur:
        out = out.filter(ImageFilter.GaussianBlur(noise.blur))
    a = np.asarray(out, dtype=np.float32)
    if noise.light:
        hh, ww = a.shape
        yy, xx = np.mgrid[0:hh, 0:ww].astype(np.float32)
        cx, cy = rng.uniform(0, ww), rng.uniform(0, hh)
        dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / np.hypot(ww, hh)
        a = a * (1.0 - noise.light * dist / dist.max())
    if noise.speckle:
        mask = rng.random(a.shape) < noise.speckle
        a[mask] = rng.choice([0.0, 255.0], size=int(mask.sum()), p=[0.6, 0.4])
    a += rng.normal(0, 6, a.shape)
    out = Image.fromarray(a.clip(0, 255).astype(np.uint8), "L")
    if noise.jpeg:
        buf = io.BytesIO()
        out.save(buf, "JPEG", quality=noise.jpeg)
        out = Image.open(io.BytesIO(buf.getvalue())).convert("L")
    return out


def synthetic_pages(n: int) -> list[tuple[str, Image.Image, str]]:
    """``n`` noisy pages: (label, image, source text). Noise varies from light to heavy."""
    pages = []
    for i in range(n):
        rng = random.Random(1000 + i)
        sign = -1 if i % 2 else 1
        heavy = i % 3 == 2
        noise = Noise(
            skew=sign * round(rng.uniform(0.5, 3.0), 2),
            speckle=rng.uniform(0.002, 0.01) if heavy else rng.uniform(0.0, 0.002),
            blur=rng.uniform(0.8, 1.4) if heavy else rng.uniform(0.3, 0.8),
            jpeg=rng.choice([25, 35]) if heavy else rng.choice([0, 50, 70]),
            light=rng.uniform(0.3, 0.55) if i % 2 == 0 else rng.uniform(0.0, 0.2),
            contrast=rng.uniform(0.55, 0.8) if heavy else 1.0,
        )
        lines = make_text(seed=i)
        img = add_noise(render_page(lines, font_pt=rng.choice([9.5, 10.5, 11.5])), noise, seed=i)
        pages.append((f"synthetic-{i:02d} {_describe(noise)}", img, "\n".join(lines)))
    return pages


def _describe(n: Noise) -> str:
    return (
        f"skew={n.skew:+.1f} speckle={n.speckle:.3f} blur={n.blur:.1f} jpeg={n.jpeg} "
        f"light={n.light:.2f} contrast={n.contrast:.2f}"
    )


def sample_pages(root: Path, limit: int | None = None) -> list[tuple[str, Image.Image, str]]:
    """Scanned pages of the labelled samples, with their source text, if the samples exist.

    Layout (sample_files/src/<case>/case.json): documents with "render" (pdf_scanned, pdf_mixed
    with "scanned_pages", png, jpg, tiff) and "source" (UTF-8 text, pages split by a form feed
    or a line that is exactly <<PAGE>>); rendered files in sample_files/{train,test}/<case>/.
    """
    from assistant.ingest.pdf import render_page as render_pdf_page

    out: list[tuple[str, Image.Image, str]] = []
    src_root = root / "src"
    if not src_root.is_dir():
        return out
    for case_json in sorted(src_root.glob("*/case.json")):
        try:
            case = json.loads(case_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        split = case.get("split", "train")
        case_id = case.get("case", case_json.parent.name)
        for doc in case.get("documents", []):
            render = doc.get("render", "")
            if render not in ("pdf_scanned", "pdf_mixed", "png", "jpg", "jpeg", "tiff", "tif"):
                continue
            rendered = root / split / case_id / doc.get("name", "")
            source = case_json.parent / doc.get("source", "")
            if not rendered.is_file() or not source.is_file():
                continue
            text = source.read_text(encoding="utf-8").replace("\r\n", "\n")
            text = re.sub(r"(?m)^<<PAGE>>$\n?", "\f", text)
            src_pages = text.split("\f")
            scanned = doc.get("scanned_pages") if render == "pdf_mixed" else None
            for i, src in enumerate(src_pages):
                if scanned is not None and (i + 1) not in scanned:
                    continue
                try:
                    if render.startswith("pdf"):
                        img = render_pdf_page(rendered, rendered.name, i, dpi=DPI, max_pixels=10**9)[0]
                    else:
                        im = Image.open(rendered)
                        im.seek(i)
                        img = to_grey(im)
                except (IndexError, EOFError, OSError, ValueError):
                    continue
                out.append((f"{case_id}/{rendered.name} p{i + 1}", img, src))
                if limit and len(out) >= limit:
                    return out
    return out


# --------------------------------------------------------------------------------------------
# Scoring


def normalise_for_cer(text: str) -> str:
    """Compare what was read, not layout: drop markup the sample builder adds (# headings,
    | cell separators), collapse all whitespace to one space."""
    text = re.sub(r"(?m)^# ", "", text)
    text = text.replace(" | ", " ")
    return " ".join(text.split())


def levenshtein(a: str, b: str) -> int:
    """Edit distance, one numpy-vectorised row at a time (about 30 ms for two 3,000-char pages)."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    bb = np.frombuffer(b.encode("utf-32-le"), dtype=np.uint32)
    idx = np.arange(len(b) + 1, dtype=np.int64)
    prev = idx.copy()
    for i, ch in enumerate(a, start=1):
        cost = (bb != ord(ch)).astype(np.int64)
        t = np.empty_like(prev)
        t[0] = i
        t[1:] = np.minimum(prev[1:] + 1, prev[:-1] + cost)
        # Insertions chain along the row: new[j] = min_k<=j (t[k] + j - k).
        prev = np.minimum.accumulate(t - idx) + idx
    return int(prev[-1])


def cer(ocr: str, truth: str) -> float:
    """Character error rate of ``ocr`` against ``truth`` after :func:`normalise_for_cer`."""
    o, t = normalise_for_cer(ocr), normalise_for_cer(truth)
    return levenshtein(o, t) / max(1, len(t))


def word_miss(ocr: str, truth: str) -> float:
    """Share of the source's words that OCR did not produce, in any order.

    CER also counts reading order: a log whose time column Tesseract reads as a block of its
    own scores badly even when every word is right. This measure ignores order, so the two
    together tell recognition errors from layout differences.
    """
    from collections import Counter

    def toks(s: str) -> Counter[str]:
        return Counter(re.findall(r"[a-z0-9]+", normalise_for_cer(s).lower()))

    want, got = toks(truth), toks(ocr)
    total = sum(want.values())
    return 1.0 - sum((want & got).values()) / max(1, total)


# --------------------------------------------------------------------------------------------
# Variants


@dataclass(frozen=True)
class Variant:
    name: str
    config: OcrConfig


def variants() -> dict[str, Variant]:
    base = OcrConfig()
    sauvola = (("thresholding_method", "2"),)
    v = [
        Variant("plain", base),
        Variant("adopted", DEFAULT_OCR),  # what the pipeline uses (per page: clean.plan_cleaning)
        Variant("fixed_before", replace(base, flatten="always", deskew="nearest", binarise="otsu")),
        Variant("psm4", replace(base, psm=4)),
        Variant("psm6", replace(base, psm=6)),
        Variant("otsu", replace(base, binarise="otsu")),
        Variant("sauvola", replace(base, tess_config=sauvola)),
        Variant("tiled_otsu", replace(base, tess_config=(("thresholding_method", "1"),))),
        Variant("flatten", replace(base, flatten="always")),
        Variant("flatten_uneven", replace(base, flatten="uneven")),
        Variant("deskew", replace(base, deskew="bilinear")),
        Variant("deskew_nearest", replace(base, deskew="nearest")),
        Variant("flatten+deskew", replace(base, flatten="always", deskew="bilinear")),
        Variant("flatten+deskew_n", replace(base, flatten="always", deskew="nearest")),
        Variant("uneven+deskew_n", replace(base, flatten="uneven", deskew="nearest")),
        Variant("sauvola+deskew", replace(base, deskew="bilinear", tess_config=sauvola)),
        Variant("sauvola+deskew_n", replace(base, deskew="nearest", tess_config=sauvola)),
        Variant(
            "sauvola+flat+dsk_n",
            replace(base, flatten="uneven", deskew="nearest", tess_config=sauvola),
        ),
        Variant("no_invert", replace(base, tess_config=(("tessedit_do_invert", "0"),))),
        Variant("otsu+deskew_n", replace(base, deskew="nearest", binarise="otsu")),
        Variant(
            "uneven+dsk_n+otsu",
            replace(base, flatten="uneven", deskew="nearest", binarise="otsu"),
        ),
        Variant(
            "clean+psm6",
            replace(base, flatten="uneven", deskew="nearest", binarise="otsu", psm=6),
        ),
        Variant(
            "clean+psm4",
            replace(base, flatten="uneven", deskew="nearest", binarise="otsu", psm=4),
        ),
        Variant(
            "uneven+dsk+otsu",
            replace(base, flatten="uneven", deskew="bilinear", binarise="otsu"),
        ),
        Variant(
            "flat+dsk+otsu",
            replace(base, flatten="always", deskew="bilinear", binarise="otsu"),
        ),
        Variant(
            "flat+dsk_n+otsu",
            replace(base, flatten="always", deskew="nearest", binarise="otsu"),
        ),
    ]
    return {x.name: x for x in v}


def run_variant(variant: Variant, pages: list[tuple[str, Image.Image, str]], workers: int = 2) -> dict[str, Any]:
    """OCR every page with one variant, ``workers`` pages at a time; CER and times."""

    def one(item: tuple[str, Image.Image, str]) -> tuple[float, float, float]:
        _, img, truth = item
        c0 = time.thread_time()
        page = prepare(to_grey(img), DPI, variant.config)
        grey = page.image
        clean_cpu = time.thread_time() - c0
        tsv = run_tesseract(grey, dpi=page.dpi, config=variant.config, timeout=300)
        text = parse_tsv(tsv, grey.width, grey.height)[0]
        return cer(text, truth), clean_cpu, word_miss(text, truth)

    # CPU seconds (ours + Tesseract's) as well as wall time: CPU time does not depend on what
    # else the shared machine is doing, so it is the fairer comparison of cost.
    ru_c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        results = list(pool.map(one, pages))
    wall = time.perf_counter() - t0
    ru_c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    tess_cpu = (ru_c1.ru_utime - ru_c0.ru_utime) + (ru_c1.ru_stime - ru_c0.ru_stime)
    clean_cpu = sum(r[1] for r in results)
    cers = [r[0] for r in results]
    return {
        "variant": variant.name,
        "config": variant.config.key(),
        "cer_mean": float(np.mean(cers)),
        "cer_median": float(np.median(cers)),
        "word_miss_mean": float(np.mean([r[2] for r in results])),
        "per_page_word_miss": [r[2] for r in results],
        "clean_cpu_s_per_page": clean_cpu / len(pages),
        "cpu_s_per_page": (tess_cpu + clean_cpu) / len(pages),
        "wall_s": wall,
        "per_page_cer": cers,
    }


def cost(variants_: list[Variant], pages: list[tuple[str, Image.Image, str]], repeat: int) -> dict[str, float]:
    """CPU seconds per page (cleaning + Tesseract), one page at a time, the minimum of
    ``repeat`` runs with the variants interleaved: the fairest figure on a machine that other
    work shares, where wall time (and even CPU time, through cache and frequency effects) of a
    single run can be 10-20% off."""
    best: dict[tuple[str, int], float] = {}
    for _ in range(repeat):
        for v in variants_:
            for i, (_, img, _) in enumerate(pages):
                ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                c0 = time.thread_time()
                page = prepare(to_grey(img), DPI, v.config)
                clean_cpu = time.thread_time() - c0
                run_tesseract(page.image, dpi=page.dpi, config=v.config, timeout=300)
                ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                tess = ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime
                key = (v.name, i)
                best[key] = min(best.get(key, float("inf")), clean_cpu + tess)
    return {v.name: sum(best[(v.name, i)] for i in range(len(pages))) / len(pages) for v in variants_}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--pages", type=int, default=12, help="synthetic pages (default 12)")
    ap.add_argument(
        "--samples",
        type=int,
        default=12,
        help="at most this many scanned sample pages (default 12; 0 = none)",
    )
    ap.add_argument("--variants", default="", help="comma-separated subset of variants")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON")
    ap.add_argument(
        "--cost-pages",
        type=int,
        default=4,
        help="pages for the CPU cost table (min of --repeat runs; 0 = skip)",
    )
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cost-only", action="store_true", help="only the CPU cost table")
    args = ap.parse_args(argv)

    os.environ["OMP_THREAD_LIMIT"] = "1"
    sets: dict[str, list[tuple[str, Image.Image, str]]] = {}
    if args.pages:
        sets["synthetic"] = synthetic_pages(args.pages)
    if args.samples:
        sp = sample_pages(ROOT / "sample_files", limit=args.samples)
        if sp:
            sets["samples"] = sp
    chosen = variants()
    if args.variants:
        chosen = {k: chosen[k] for k in args.variants.split(",")}
    try:
        git = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        git = ""
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "git": git,
        "dpi": DPI,
        "workers": args.workers,
        "tesseract": _tesseract_version(),
        "cpu": platform.processor(),
        "sets": {},
    }
    for set_name, pages in sets.items():
        print(f"\n{set_name}: {len(pages)} page(s) at {DPI} dpi, {args.workers} at a time")
        rows = []
        for v in [] if args.cost_only else chosen.values():
            r = run_variant(v, pages, workers=args.workers)
            rows.append(r)
            print(
                f"  {v.name:16s} CER mean {r['cer_mean'] * 100:6.2f}%  median "
                f"{r['cer_median'] * 100:6.2f}%  words missed {r['word_miss_mean'] * 100:5.2f}%"
                f"  cleaning {r['clean_cpu_s_per_page'] * 1000:4.0f} "
                f"ms/page  CPU {r['cpu_s_per_page']:5.2f} s/page  wall {r['wall_s']:6.1f} s",
                flush=True,
            )
        base = next((r for r in rows if r["variant"] == "plain"), rows[0] if rows else {})
        if rows:
            print(
                f"\n  {'variant':18s} {'CER':>7s} {'vs plain':>9s} {'words missed':>13s} "
                f"{'CPU vs plain':>13s} {'wall vs plain':>14s}"
            )
        for r in rows:
            print(
                f"  {r['variant']:18s} {r['cer_mean'] * 100:6.2f}% "
                f"{(r['cer_mean'] - base['cer_mean']) * 100:+8.2f}  "
                f"{r['word_miss_mean'] * 100:12.2f}% "
                f"{r['cpu_s_per_page'] / max(base['cpu_s_per_page'], 1e-9):12.2f}x "
                f"{r['wall_s'] / max(base['wall_s'], 1e-9):13.2f}x"
            )
        report["sets"][set_name] = {"pages": [p[0] for p in pages], "results": rows}
        if args.cost_pages:
            sub = pages[: args.cost_pages]
            c = cost(list(chosen.values()), sub, args.repeat)
            report["sets"][set_name]["cpu_min_s_per_page"] = c
            base_c = c.get("plain", next(iter(c.values())))
            print(f"\n  CPU per page, one at a time, best of {args.repeat} runs on {len(sub)} pages:")
            for name, sec in c.items():
                print(f"  {name:16s} {sec:6.3f} s  {sec / base_c:5.2f}x plain")
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


def _tesseract_version() -> str:
    try:
        out = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
        return (out.stdout or out.stderr).splitlines()[0]
    except (OSError, IndexError):
        return "not found"


if __name__ == "__main__":
    raise SystemExit(main())
