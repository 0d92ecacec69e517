"""OCR character error rate per kind of page: plain Tesseract beside the pipeline's OCR.

Pages come from ``eval/ocr_pages.py`` (14 kinds made independently of the sample builder:
office scans, photocopies, faded prints, Group 4 faxes, phone photos, small print,
typewriting, ruled tables, dark bars and stamps, skew, 150 and 200 dpi) and from the scanned
pages of ``sample_files`` with their source text, grouped by the builder's noise level. Every
page is decoded as the pipeline decodes it (its recorded resolution included) and read with
``assistant.ingest.ocr.ocr_image``, so what is measured is the pipeline's own path.

    .venv/bin/python -m eval.ocr_kinds                       # 2 pages a kind, 6 samples a level
    .venv/bin/python -m eval.ocr_kinds --per-kind 1 --samples 0 --kinds fax_g4,table
    .venv/bin/python -m eval.ocr_kinds --variants plain,before,after --json out.json

Variants: ``plain`` (Tesseract alone: the page in grey, psm 3, one reading), ``before`` (the cleaning used
until issue 10: flatten, Otsu, nearest-neighbour deskew, always), ``after`` (``DEFAULT_OCR``).
``--cache DIR`` keeps the fixed variants' text (plain, before) between runs.

    .venv/bin/python -m eval.ocr_kinds --speed 4      # CPU per page on the benchmark's scans

``--speed N`` times instead: CPU seconds (ours and Tesseract's) per page of the first N pages
of ``eval.benchmark``'s scanned bundle, each variant in turn, best of ``--repeat`` runs, one
page at a time (CPU time, unlike wall time, hardly depends on what else the machine runs).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from assistant.ingest.ocr import DEFAULT_OCR, OcrConfig, ocr_image  # noqa: E402
from eval.ocr_pages import KINDS, make_pages  # noqa: E402
from eval.ocr_quality import cer, word_miss  # noqa: E402

# The cleaning the pipeline used before issue 10, kept here to report "before".
BEFORE_OCR = OcrConfig(flatten="always", deskew="nearest", binarise="otsu", recover=False)
VARIANTS: dict[str, OcrConfig] = {
    "plain": OcrConfig(recover=False),
    "before": BEFORE_OCR,
    # the per-page cleaning without the second reading of text the layout left out
    "norecover": replace(DEFAULT_OCR, recover=False),
    "after": DEFAULT_OCR,
}
FIXED = {"plain", "before"}  # variants whose output does not change with this code


@dataclass
class EvalPage:
    group: str  # page kind, or samples_<noise level>
    label: str
    image: Image.Image
    dpi: int | None
    truth: str
    digest: str


def generated(kinds: list[str] | None, per_kind: int) -> list[EvalPage]:
    out = []
    for p in make_pages(kinds, per_kind):
        img, dpi = p.image()
        out.append(EvalPage(p.kind, p.name, img, dpi, p.truth, hashlib.sha256(p.data).hexdigest()[:16]))
    return out


def samples(per_level: int, root: Path = ROOT / "sample_files") -> list[EvalPage]:
    """Scanned pages of the sample cases, ``per_level`` of each noise level, read as the
    pipeline reads them (PDF pages rendered at the default 300 dpi; images at their recorded
    resolution)."""
    import re

    from assistant.ingest.image import load_frame
    from assistant.ingest.pdf import render_page

    out: list[EvalPage] = []
    count: dict[str, int] = defaultdict(int)
    for case_json in sorted((root / "src").glob("*/case.json")):
        case = json.loads(case_json.read_text(encoding="utf-8"))
        split, case_id = case.get("split", "train"), case.get("case", case_json.parent.name)
        for doc in case.get("documents", []):
            render = doc.get("render", "")
            if render not in ("pdf_scanned", "pdf_mixed", "png", "jpg", "jpeg", "tiff", "tif"):
                continue
            level = str((doc.get("scan") or {}).get("noise", "medium"))
            rendered = root / split / case_id / doc.get("name", "")
            source = case_json.parent / doc.get("source", "")
            if not rendered.is_file() or not source.is_file() or count[level] >= per_level:
                continue
            text = re.sub(r"(?m)^<<PAGE>>$\n?", "\f", source.read_text(encoding="utf-8"))
            scanned = doc.get("scanned_pages") if render == "pdf_mixed" else None
            for i, src in enumerate(text.split("\f")):
                if (scanned is not None and (i + 1) not in scanned) or count[level] >= per_level:
                    continue
                try:
                    if render.startswith("pdf"):
                        img, w, h, _ = render_page(rendered, rendered.name, i, dpi=300, max_pixels=10**9)
                        dpi: int | None = round(max(img.size) * 72.0 / max(w, h, 1.0))
                    else:
                        img, dpi, _ = load_frame(rendered, rendered.name, i, max_pixels=10**9)
                except (IndexError, EOFError, OSError, ValueError):
                    continue
                digest = hashlib.sha256(img.tobytes()).hexdigest()[:16]
                out.append(EvalPage(f"samples_{level}", f"{case_id}/{rendered.name} p{i + 1}", img, dpi, src, digest))
                count[level] += 1
    return out


def _git() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
        ).stdout.strip()
    except OSError:
        return ""


def run(
    pages: list[EvalPage], names: list[str], workers: int, cache_dir: Path | None
) -> dict[str, dict[str, dict[str, float]]]:
    """{variant: {page label: {cer, miss, conf, s}}}; ``s`` is wall seconds for the page."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name in names:
        config = VARIANTS[name]

        def one(p: EvalPage, name: str = name, config: OcrConfig = config) -> tuple[str, dict[str, float]]:
            path = None
            if cache_dir is not None and name in FIXED:
                key = hashlib.sha256(f"{config.key()}|{p.dpi}|{p.digest}".encode()).hexdigest()[:20]
                path = cache_dir / f"{key}.json"
                if path.is_file():
                    return p.label, json.loads(path.read_text())
            t0 = time.perf_counter()
            r = ocr_image(p.image, dpi=p.dpi, config=config, timeout=600)
            row = {
                "cer": cer(r.text, p.truth),
                "miss": word_miss(r.text, p.truth),
                "conf": r.confidence if r.confidence is not None else -1.0,
                "s": time.perf_counter() - t0,
            }
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(row))
            return p.label, row

        ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        c0 = time.process_time()
        t0 = time.perf_counter()
        with ThreadPoolExecutor(workers) as pool:
            results[name] = dict(pool.map(one, pages))
        ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime + time.process_time() - c0
        print(f"  {name}: {time.perf_counter() - t0:.0f} s wall, {cpu:.0f} s CPU", file=sys.stderr, flush=True)
    return results


def table(pages: list[EvalPage], results: dict[str, dict[str, dict[str, float]]]) -> str:
    names = list(results)
    groups: dict[str, list[EvalPage]] = defaultdict(list)
    for p in pages:
        groups[p.group].append(p)
    head = f"{'page kind':18s} {'n':>3s} " + " ".join(f"{n + ' CER':>12s}" for n in names)
    head += "   " + " ".join(f"{n + ' miss':>11s}" for n in names)
    lines = [head]

    def row(label: str, ps: list[EvalPage]) -> str:
        cers = [np.mean([results[n][p.label]["cer"] for p in ps]) * 100 for n in names]
        miss = [np.mean([results[n][p.label]["miss"] for p in ps]) * 100 for n in names]
        flag = ""
        if "plain" in results and "after" in results and cers[names.index("after")] > cers[names.index("plain")] + 0.05:
            flag = "  <- worse than plain"
        return (
            f"{label:18s} {len(ps):3d} "
            + " ".join(f"{c:11.2f}%" for c in cers)
            + "   "
            + " ".join(f"{m:10.2f}%" for m in miss)
            + flag
        )

    for g, ps in groups.items():
        lines.append(row(g, ps))
    gen = [p for p in pages if not p.group.startswith("samples_")]
    smp = [p for p in pages if p.group.startswith("samples_")]
    if gen:
        lines.append(row("all generated", gen))
    if smp:
        lines.append(row("all samples", smp))
    lines.append(row("all", pages))
    return "\n".join(lines)


def speed(n_pages: int, names: list[str], repeat: int) -> dict[str, float]:
    """CPU seconds per page (cleaning + Tesseract) on the benchmark's scanned bundle."""
    import tempfile

    import pypdfium2 as pdfium

    from eval.bundles import SCAN_DPI, make_scanned_case

    with tempfile.TemporaryDirectory() as tmp:
        pdf = pdfium.PdfDocument(str(make_scanned_case(Path(tmp), n_pages) / "scan.pdf"))
        images = [pdf[i].render(scale=SCAN_DPI / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
        pdf.close()
    best: dict[tuple[str, int], float] = {}
    for _ in range(repeat):
        for name in names:
            for i, img in enumerate(images):
                ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                c0 = time.thread_time()
                ocr_image(img, dpi=SCAN_DPI, config=VARIANTS[name], timeout=600)
                ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu = ru1.ru_utime - ru0.ru_utime + ru1.ru_stime - ru0.ru_stime + time.thread_time() - c0
                best[(name, i)] = min(best.get((name, i), float("inf")), cpu)
    return {n: sum(best[(n, i)] for i in range(len(images))) / len(images) for n in names}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--per-kind", type=int, default=2, help="generated pages per kind (default 2)")
    ap.add_argument("--kinds", default="", help="comma-separated subset of: " + ", ".join(KINDS))
    ap.add_argument("--samples", type=int, default=6, help="sample pages per noise level (default 6)")
    ap.add_argument("--variants", default="plain,before,after")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--cache", type=Path, default=None, help="keep plain/before results here")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--pages", action="store_true", help="also print every page's CER")
    ap.add_argument("--speed", type=int, default=0, metavar="N", help="time N bundle pages instead")
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    if a.speed:
        names = a.variants.split(",")
        cpu = speed(a.speed, names, a.repeat)
        base = cpu.get("plain", next(iter(cpu.values())))
        print(f"CPU per page, {a.speed} pages of the benchmark's scanned bundle, best of {a.repeat}:")
        for n, sec in cpu.items():
            print(f"  {n:8s} {sec:6.2f} s  {sec / base:5.2f}x plain")
        return 0
    pages = generated(a.kinds.split(",") if a.kinds else None, a.per_kind) if a.per_kind else []
    if a.samples:
        pages += samples(a.samples)
    names = a.variants.split(",")
    print(f"{len(pages)} pages, variants {names}, {a.workers} at a time", file=sys.stderr)
    results = run(pages, names, a.workers, a.cache)
    print(table(pages, results))
    if a.pages:
        for p in pages:
            cells = " ".join(f"{n} {results[n][p.label]['cer'] * 100:6.2f}%" for n in names)
            print(f"  {p.label:50s} dpi={p.dpi}  {cells}")
    if a.json:
        report: dict[str, Any] = {
            "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "git": _git(),
            "configs": {n: VARIANTS[n].key() for n in names},
            "pages": {p.label: {"group": p.group, "dpi": p.dpi} for p in pages},
            "results": results,
        }
        a.json.write_text(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
