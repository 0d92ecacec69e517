"""Ingestion speed: our ingest beside the libraries and programs it is built on.

1. A dense digital PDF (200 pages of about 4,000 characters, made here with reportlab):
   our ``ingest_paths`` (worker process start included, no cache), our ingest again from the
   cache, pypdfium2 alone (text of every page), and pdfplumber alone (``extract_text``, on the
   first 20 pages only, because it is slow; pages/s is what it would do on all of them).
2. A scanned PDF at 300 dpi (the speed benchmark's scanned bundle from ``eval/bundles.py``, or
   ``--scanned-source noisy`` for the harsher pages of ``eval/ocr_quality.py``): our
   ``ingest_paths`` (render, clean, Tesseract, TSV) vs Tesseract alone on the same pages
   pre-rendered to PNG at the same resolution, two at a time, ``OMP_THREAD_LIMIT=1``. CPU
   seconds are shown as well as wall time: they depend much less on what else a shared machine
   is doing.

    .venv/bin/python eval/ingest_speed.py [--digital-pages 200] [--scanned-pages 8] [--json F]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.ingest import ingest_paths  # noqa: E402

_WORDS = (
    "officer recorded statement station witness vehicle address evening suspect arrested "
    "interviewed caution released pending inquiries footage requested premises strategy "
    "meeting referral complainant exhibit handset download allocated outcome reviewed "
    "supervisor decision evidential threshold disclosure schedule custody record"
).split()


def make_dense_pdf(path: Path, pages: int, chars_per_page: int = 4000) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    rng = random.Random(7)
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _ in range(pages):
        t = c.beginText(40, 800)
        t.setFont("Helvetica", 8.5)
        n = 0
        while n < chars_per_page:
            line = " ".join(rng.choice(_WORDS) for _ in range(13))
            t.textLine(line)
            n += len(line) + 1
        c.drawText(t)
        c.showPage()
    c.save()


def make_scanned_pdf(path: Path, pages: int, source: str = "bundle") -> str:
    """An image-only PDF at 300 dpi; returns which pages it holds.

    ``bundle``: the scanned bundle of the speed benchmark (``eval/bundles.py``: photocopy-like
    pages, skew up to 1.2 degrees), so the figures compare with ``eval/benchmark.py``.
    ``noisy``: the harsher pages of ``eval/ocr_quality.py`` (skew up to 3 degrees, heavy
    speckle, uneven light), where plain Tesseract gives up early on some pages and so looks
    cheaper than a pipeline that reads them.
    """
    if source == "bundle":
        try:
            from eval.bundles import write_scanned_pdf
        except ImportError:
            source = "noisy"
        else:
            write_scanned_pdf(path, pages, seed=11)
            return "eval/bundles.py scanned bundle"
    _noisy_pdf(path, pages)
    return "eval/ocr_quality.py noisy pages"


def _noisy_pdf(path: Path, pages: int) -> None:
    """Noisy page images (JPEG, as scanners write them) at 300 dpi, one per PDF page."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    from eval.ocr_quality import synthetic_pages

    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for _, img, _ in synthetic_pages(pages):
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=75)
        c.drawImage(ImageReader(io.BytesIO(buf.getvalue())), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()


class Meter:
    """Wall time and CPU time of this process and its (finished) children."""

    def __enter__(self) -> Meter:
        self.t0 = time.perf_counter()
        self.s0 = resource.getrusage(resource.RUSAGE_SELF)
        self.c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.t0
        s1 = resource.getrusage(resource.RUSAGE_SELF)
        c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.cpu = (
            s1.ru_utime
            - self.s0.ru_utime
            + s1.ru_stime
            - self.s0.ru_stime
            + c1.ru_utime
            - self.c0.ru_utime
            + c1.ru_stime
            - self.c0.ru_stime
        )


def digital(n_pages: int, tmp: Path) -> dict[str, Any]:
    import pdfplumber
    import pypdfium2 as pdfium

    pdf_path = tmp / "dense.pdf"
    make_dense_pdf(pdf_path, n_pages)
    rows: dict[str, Any] = {"pages": n_pages}

    with Meter() as m:
        docs, errors = ingest_paths([pdf_path], settings=Settings(cache_dir=Path("off")))
    assert not errors and len(docs[0].pages) == n_pages
    chars = sum(len(p.text) for p in docs[0].pages)
    rows["chars_per_page"] = chars / n_pages
    rows["ours"] = {"wall_s": m.wall, "cpu_s": m.cpu}

    cache = Settings(cache_dir=tmp / "cache")
    ingest_paths([pdf_path], settings=cache)
    with Meter() as m:
        ingest_paths([pdf_path], settings=cache)
    rows["ours_cached"] = {"wall_s": m.wall, "cpu_s": m.cpu}

    with Meter() as m:
        pdf = pdfium.PdfDocument(pdf_path)
        for i in range(len(pdf)):
            page = pdf[i]
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        pdf.close()
    rows["pypdfium2"] = {"wall_s": m.wall, "cpu_s": m.cpu}

    # Word boxes for the one page the UI shows (computed on request, not at ingest).
    from assistant.ingest import page_boxes

    with Meter() as m:
        boxes = page_boxes(pdf_path, 1, settings=cache)
    rows["page_boxes_one_page"] = {"wall_s": m.wall, "cpu_s": m.cpu, "boxes": len(boxes)}

    k = min(20, n_pages)
    with Meter() as m, pdfplumber.open(pdf_path) as pl:
        for page in pl.pages[:k]:
            page.extract_text()
    scale = n_pages / k
    rows["pdfplumber"] = {
        "wall_s": m.wall * scale,
        "cpu_s": m.cpu * scale,
        "note": f"measured on {k} pages, scaled to {n_pages}",
    }
    for key in ("ours", "ours_cached", "pypdfium2", "pdfplumber"):
        rows[key]["pages_per_s"] = n_pages / max(rows[key]["wall_s"], 1e-9)
    return rows


def scanned(n_pages: int, tmp: Path, workers: int, dpi: int, source: str, repeat: int) -> dict[str, Any]:
    import pypdfium2 as pdfium

    pdf_path = tmp / "scanned.pdf"
    what = make_scanned_pdf(pdf_path, n_pages, source)
    rows: dict[str, Any] = {"pages": n_pages, "dpi": dpi, "workers": workers, "source": what}

    # Tesseract alone, on the same pages rendered at the same resolution (untimed: the reference
    # starts from images), two at a time.
    pngs = []
    pdf = pdfium.PdfDocument(pdf_path)
    for i in range(len(pdf)):
        img = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil()
        p = tmp / f"page-{i:03d}.png"
        img.save(p, dpi=(dpi, dpi))
        pngs.append(p)
    pdf.close()
    env = dict(os.environ, OMP_THREAD_LIMIT="1")

    def tess(p: Path) -> None:
        subprocess.run(
            ["tesseract", str(p), str(p.with_suffix("")), "--dpi", str(dpi)],
            env=env,
            capture_output=True,
            check=True,
        )

    s = Settings(cache_dir=Path("off"), workers=workers, ocr_dpi=dpi)
    best: dict[str, dict[str, float]] = {}
    # Alternate the two, keep each one's best run: the machine may be shared, and a burst of
    # other work should not decide the comparison.
    for _ in range(max(1, repeat)):
        with Meter() as m, ThreadPoolExecutor(workers) as pool:
            list(pool.map(tess, pngs))
        if "tesseract_alone" not in best or m.wall < best["tesseract_alone"]["wall_s"]:
            best["tesseract_alone"] = {"wall_s": m.wall, "cpu_s": m.cpu}
        with Meter() as m:
            docs, errors = ingest_paths([pdf_path], settings=s)
        assert not errors and all(p.ocr for p in docs[0].pages)
        if "ours" not in best or m.wall < best["ours"]["wall_s"]:
            best["ours"] = {"wall_s": m.wall, "cpu_s": m.cpu}
    rows.update(best)
    for key in ("tesseract_alone", "ours"):
        rows[key]["pages_per_s"] = n_pages / max(rows[key]["wall_s"], 1e-9)
    rows["ratio_wall"] = rows["ours"]["wall_s"] / rows["tesseract_alone"]["wall_s"]
    rows["ratio_cpu"] = rows["ours"]["cpu_s"] / rows["tesseract_alone"]["cpu_s"]
    return rows


def handoff(tmp: Path) -> dict[str, float]:
    """CPU ms to hand one 300-dpi A4 grey page to Tesseract in each format (encode only)."""
    from PIL import Image

    from assistant.ingest.clean import otsu
    from assistant.ingest.ocr import bmp_bytes, pgm_bytes
    from eval.ocr_quality import render_page

    img: Image.Image = render_page(["handoff test line"] * 40)
    bw = otsu(img)
    out: dict[str, float] = {}
    steps: list[tuple[str, Callable[[], object]]] = [
        ("PNG (default level)", lambda: img.save(io.BytesIO(), "PNG")),
        ("PNG level 1", lambda: img.save(io.BytesIO(), "PNG", compress_level=1)),
        ("TIFF uncompressed", lambda: img.save(io.BytesIO(), "TIFF")),
        ("PGM", lambda: pgm_bytes(img)),
        ("BMP 8-bit", lambda: bmp_bytes(img)),
        ("BMP 1-bit (ours)", lambda: bmp_bytes(bw)),
    ]
    for label, fn in steps:
        c0 = time.process_time()
        for _ in range(5):
            fn()
        out[label] = (time.process_time() - c0) / 5 * 1000
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--digital-pages", type=int, default=200)
    ap.add_argument("--scanned-pages", type=int, default=8)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--dpi", type=int, default=300)
    ap.add_argument("--scanned-source", choices=["bundle", "noisy"], default="bundle")
    ap.add_argument(
        "--repeat", type=int, default=2, help="scanned runs (ours and Tesseract alone, alternating); best is kept"
    )
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)
    git = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    report: dict[str, Any] = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "git": git,
        "cpus": os.cpu_count(),
        "load_before": os.getloadavg(),
    }
    with tempfile.TemporaryDirectory(prefix="ingest-speed-") as t:
        tmp = Path(t)
        if args.digital_pages:
            d = digital(args.digital_pages, tmp)
            report["digital"] = d
            print(f"\nDense digital PDF: {d['pages']} pages, {d['chars_per_page']:.0f} chars/page")
            print(f"  {'':22s} {'wall s':>8s} {'CPU s':>8s} {'pages/s':>9s}")
            for key, label in [
                ("ours", "our ingest"),
                ("ours_cached", "our ingest, cached"),
                ("pypdfium2", "pypdfium2 alone"),
                ("pdfplumber", "pdfplumber alone*"),
            ]:
                r = d[key]
                print(f"  {label:22s} {r['wall_s']:8.2f} {r['cpu_s']:8.2f} {r['pages_per_s']:9.0f}")
            print(f"  * {d['pdfplumber']['note']}")
            b = d["page_boxes_one_page"]
            print(
                f"  word boxes of one page on request: {b['boxes']} boxes in "
                f"{b['wall_s'] * 1000:.0f} ms ({b['cpu_s'] * 1000:.0f} ms CPU)"
            )
        if args.scanned_pages:
            h = handoff(tmp)
            report["handoff_ms"] = h
            print("\nHanding a 300-dpi A4 page to Tesseract (encode, CPU ms):")
            for label, ms in h.items():
                print(f"  {label:24s} {ms:7.1f}")
            sc = scanned(args.scanned_pages, tmp, args.workers, args.dpi, args.scanned_source, args.repeat)
            report["scanned"] = sc
            print(
                f"\nScanned PDF: {sc['pages']} pages ({sc['source']}) at {sc['dpi']} dpi, "
                f"{sc['workers']} at a time, best of {args.repeat} runs each"
            )
            print(f"  {'':22s} {'wall s':>8s} {'CPU s':>8s} {'pages/s':>9s}")
            for key, label in [("tesseract_alone", "Tesseract alone"), ("ours", "our ingest")]:
                r = sc[key]
                print(f"  {label:22s} {r['wall_s']:8.2f} {r['cpu_s']:8.2f} {r['pages_per_s']:9.2f}")
            print(
                f"  ours / Tesseract alone: {sc['ratio_wall']:.2f}x wall, "
                f"{sc['ratio_cpu']:.2f}x CPU (target: at most 1.15x)"
            )
    report["load_after"] = os.getloadavg()
    print(
        f"\nload average before {report['load_before'][0]:.1f}, after "
        f"{report['load_after'][0]:.1f} on {report['cpus']} CPUs"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
