"""Speed benchmark of issue 3: ours beside the reference tools, on generated bundles.

    python -m eval.benchmark [--quick] [--json] [--dense-pages 200] [--scanned-pages 20]
                             [--repeat N] [--work DIR]

Figures, printed side by side (this is a measurement, not a test: nothing fails):

- dense digital bundle (200 pages of about 4,000 characters, ``eval/bundles.py``):
  ``python -m assistant review --no-index`` in a fresh process, model loading included ->
  pages/s (target >= 20), beside pypdfium2 extracting the same PDF's text alone; then
  ``review`` with the full search index, and the index build time it records;
- scanned bundle (20 pages, image-only PDF): our review's wall time beside Tesseract alone
  on the same pages rendered at 300 dpi, two pages at a time, ``OMP_THREAD_LIMIT=1``
  (rendering not timed, so the reference is the strictest one); ratio (target <= 1.15);
- peak memory of each review: the summed RSS of the review process and all its children,
  polled every 50 ms from /proc (target < 3 GiB), and the kernel's high-water mark of the
  largest single process (``getrusage(RUSAGE_CHILDREN).ru_maxrss``).

Every review runs with an empty ingestion cache (``ASSISTANT_CACHE_DIR`` set to a new folder)
so it measures a first review of the files. Timings on a shared machine vary by 10-20%:
use ``--repeat 3`` for medians.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.bundles import SCAN_DPI, make_dense_case, make_scanned_case

REPO = Path(__file__).resolve().parents[1]
GIB = 1024**3

TARGET_PAGES_PER_S = 20.0
TARGET_OCR_RATIO = 1.15
TARGET_PEAK_BYTES = 3 * GIB

# Run the measured command as a child of this small wrapper, which then reports the kernel's
# high-water RSS of its children (the review and everything it started) to a file.
_WRAPPER = (
    "import json, resource, subprocess, sys\n"
    "rc = subprocess.call(sys.argv[2:])\n"
    "ru = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "open(sys.argv[1], 'w').write(json.dumps({'rc': rc, 'maxrss_kb': ru.ru_maxrss}))\n"
    "sys.exit(rc)\n"
)


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def machine_info() -> dict[str, Any]:
    """Cores, CPU model, memory, versions and the git commit, to read a figure against."""
    from eval.runner import git_info

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    tess = shutil.which("tesseract")
    tess_version = None
    if tess:
        out = subprocess.run([tess, "--version"], capture_output=True, text=True)
        first = (out.stdout or out.stderr).splitlines()
        tess_version = first[0] if first else None
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = None
    return {
        "cores": _cpus(),
        "cpu": cpu,
        "memory_bytes": mem,
        "load_avg_1min_at_start": load,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "tesseract": tess_version,
        "git": git_info(),
    }


# --- process-tree memory -------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                kids.extend(int(x) for x in f.read().split())
    except OSError:
        pass
    return kids


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def tree_rss(root: int, *, include_root: bool = True) -> int:
    """Summed resident memory of ``root`` and all its descendants, in bytes."""
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        if pid != root or include_root:
            total += _rss(pid)
        stack.extend(_children(pid))
    return total


@dataclass
class Run:
    wall_s: float
    rc: int
    peak_tree_bytes: int  # summed RSS of the process tree, polled
    peak_single_bytes: int  # kernel high-water mark of the largest single process
    stderr_tail: str


def run_measured(cmd: list[str], *, env: dict[str, str] | None = None, poll_s: float = 0.05) -> Run:
    """Run ``cmd`` in a fresh process; wall time and peak memory of its whole tree."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "rusage.json"
        err = Path(tmp) / "stderr"
        with err.open("wb") as errf:
            t0 = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-c", _WRAPPER, str(report), *cmd],
                env=env,
                cwd=REPO,
                stdout=subprocess.DEVNULL,
                stderr=errf,
            )
            peak = 0
            stop = threading.Event()

            def poll() -> None:
                nonlocal peak
                while not stop.is_set():
                    # The wrapper itself (a bare interpreter) is not part of the review.
                    peak = max(peak, tree_rss(proc.pid, include_root=False))
                    stop.wait(poll_s)

            poller = threading.Thread(target=poll, daemon=True)
            poller.start()
            rc = proc.wait()
            wall = time.perf_counter() - t0
            stop.set()
            poller.join()
        single = 0
        try:
            single = int(json.loads(report.read_text())["maxrss_kb"]) * 1024
        except (OSError, ValueError, KeyError):
            pass
        tail = err.read_text(errors="replace")[-2000:]
    return Run(wall, rc, max(peak, single), single, tail)


def _median_runs(runs: list[Run]) -> Run:
    runs = sorted(runs, key=lambda r: r.wall_s)
    mid = runs[len(runs) // 2]
    return Run(
        mid.wall_s,
        max(r.rc for r in runs),
        max(r.peak_tree_bytes for r in runs),
        max(r.peak_single_bytes for r in runs),
        mid.stderr_tail,
    )


def _repeat(n: int, fn: Callable[[], float]) -> float:
    return statistics.median(fn() for _ in range(n))


# --- the references ----------------------------------------------------------------------


def pdfium_extract_s(pdf: Path) -> tuple[float, int, int]:
    """pypdfium2 alone: seconds to extract every page's text; (seconds, pages, characters)."""
    import pypdfium2 as pdfium

    t0 = time.perf_counter()
    doc = pdfium.PdfDocument(str(pdf))
    chars = 0
    n = len(doc)
    for i in range(n):
        page = doc[i]
        tp = page.get_textpage()
        chars += len(tp.get_text_range())
        tp.close()
        page.close()
    doc.close()
    return time.perf_counter() - t0, n, chars


def render_pages(pdf: Path, out: Path, dpi: int = SCAN_DPI) -> list[Path]:
    """Render every page at ``dpi`` to PNG (untimed: the reference starts from images)."""
    import pypdfium2 as pdfium

    out.mkdir(parents=True, exist_ok=True)
    doc = pdfium.PdfDocument(str(pdf))
    paths = []
    for i in range(len(doc)):
        img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil()
        p = out / f"page-{i + 1:03d}.png"
        img.save(p, dpi=(dpi, dpi))
        paths.append(p)
    doc.close()
    return paths


def tesseract_alone_s(images: list[Path], *, parallel: int = 2) -> float:
    """Tesseract on every image, ``parallel`` at a time, one thread each; wall seconds."""
    tess = shutil.which("tesseract")
    if not tess:
        raise RuntimeError("tesseract is not installed (Debian: apt-get install tesseract-ocr)")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def one(img: Path) -> None:
        subprocess.run(
            [tess, str(img), "stdout", "-l", "eng"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        list(pool.map(one, images))
    return time.perf_counter() - t0


# --- ours ------------------------------------------------------------------------------------


def review_cmd(case: Path, out: Path, *, index: bool) -> list[str]:
    cmd = [sys.executable, "-m", "assistant", "review", str(case), "--out", str(out), "--quiet"]
    return cmd if index else [*cmd, "--no-index"]


def review_once(case: Path, work: Path, *, index: bool) -> tuple[Run, dict[str, Any]]:
    """One review in a fresh process with an empty ingestion cache; (run, its output JSON)."""
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    cache = Path(tempfile.mkdtemp(prefix="cache-", dir=work))
    env = {**os.environ, "ASSISTANT_CACHE_DIR": str(cache), "PYTHONPATH": str(REPO)}
    run = run_measured(review_cmd(case, out, index=index), env=env)
    result: dict[str, Any] = {"out_dir": str(out)}
    try:
        review = json.loads((out / f"{case.name}.json").read_text())
        result["suggestions"] = len(review.get("suggestions", []))
        result["file_errors"] = review.get("errors", [])
    except (OSError, ValueError):
        result["suggestions"] = None
    manifest = out / f"{case.name}.index" / "manifest.json"
    if manifest.exists():
        result["index"] = json.loads(manifest.read_text())
    shutil.rmtree(cache, ignore_errors=True)
    return run, result


def review_repeated(
    case: Path, work: Path, *, index: bool, repeat: int
) -> tuple[Run, dict[str, Any]]:
    runs, results = [], []
    for _ in range(repeat):
        r, res = review_once(case, work, index=index)
        runs.append(r)
        results.append(res)
    if index:  # the index build time is the median of what each run recorded
        builds = [res["index"]["build_s"] for res in results if "index" in res]
        if builds:
            results[-1]["index"]["build_s_median"] = statistics.median(builds)
    return _median_runs(runs), results[-1]


def _mem(b: int) -> str:
    return f"{b / GIB:.2f} GiB"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def bench_dense(pages: int, work: Path, repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    log(f"generating the dense bundle ({pages} pages)...")
    case = make_dense_case(work / "bundles", pages)
    pdf = case / "bundle.pdf"
    pdfium_s = _repeat(repeat, lambda: pdfium_extract_s(pdf)[0])
    _, n_pages, chars = pdfium_extract_s(pdf)
    log("reviewing it (suggestions only, fresh process)...")
    plain, plain_res = review_repeated(case, work, index=False, repeat=repeat)
    log("reviewing it again with the full search index...")
    full, full_res = review_repeated(case, work, index=True, repeat=repeat)
    idx = full_res.get("index") or {}
    build_s = idx.get("build_s_median", idx.get("build_s"))
    embedded = idx.get("embedded")
    return {
        "pages": n_pages,
        "characters": chars,
        "pdfium_s": pdfium_s,
        "pdfium_pages_per_s": n_pages / pdfium_s if pdfium_s else None,
        "review_s": plain.wall_s,
        "review_rc": plain.rc,
        "review_pages_per_s": n_pages / plain.wall_s,
        "review_peak_bytes": plain.peak_tree_bytes,
        "review_peak_single_bytes": plain.peak_single_bytes,
        "suggestions": plain_res.get("suggestions"),
        "review_with_index_s": full.wall_s,
        "review_with_index_rc": full.rc,
        "review_with_index_peak_bytes": full.peak_tree_bytes,
        "index_build_s": build_s,
        "index_segments": idx.get("segments"),
        "index_embedded": embedded,
        "index_reused_from_cache": idx.get("reused_from_cache"),
        "index_precision": idx.get("precision"),
        "embed_sentences_per_s": (embedded / build_s) if embedded and build_s else None,
        "stderr_tail": plain.stderr_tail if plain.rc else (full.stderr_tail if full.rc else ""),
    }


def bench_scanned(
    pages: int, work: Path, repeat: int, log: Callable[[str], None]
) -> dict[str, Any]:
    log(f"generating the scanned bundle ({pages} pages at {SCAN_DPI} dpi)...")
    case = make_scanned_case(work / "bundles", pages)
    images = render_pages(case / "scan.pdf", work / "scan-images")
    log("Tesseract alone, two pages at a time...")
    tess_s = _repeat(repeat, lambda: tesseract_alone_s(images))
    log("reviewing the scanned bundle (fresh process)...")
    ours, res = review_repeated(case, work, index=False, repeat=repeat)
    return {
        "pages": len(images),
        "dpi": SCAN_DPI,
        "tesseract_s": tess_s,
        "tesseract_pages_per_s": len(images) / tess_s,
        "review_s": ours.wall_s,
        "review_rc": ours.rc,
        "review_pages_per_s": len(images) / ours.wall_s,
        "ratio": ours.wall_s / tess_s,
        "review_peak_bytes": ours.peak_tree_bytes,
        "review_peak_single_bytes": ours.peak_single_bytes,
        "suggestions": res.get("suggestions"),
        "stderr_tail": ours.stderr_tail if ours.rc else "",
    }


def format_report(r: dict[str, Any]) -> str:
    m = r["machine"]
    g = m["git"]
    lines = [
        f"Machine: {m['cores']} core(s), {m['cpu']}, "
        f"{(m['memory_bytes'] or 0) / GIB:.1f} GiB RAM; load {m['load_avg_1min_at_start']}",
        f"Code: git {g['commit'][:12]}{' (with uncommitted changes)' if g.get('dirty') else ''}; "
        f"Python {m['python']}; {m['tesseract'] or 'no tesseract'}; repeat {r['repeat']} "
        "(medians)",
    ]
    row = "  {:<46}{:>10}{:>10}{:>12}  {}"
    d = r.get("dense")
    if d:
        lines += [
            "",
            f"Dense digital bundle: {d['pages']} pages, {d['characters']:,} characters "
            f"({d['characters'] / d['pages']:,.0f} per page)",
            row.format("", "time", "pages/s", "peak mem", ""),
            row.format(
                "pypdfium2 text extraction alone",
                f"{d['pdfium_s']:.2f} s",
                f"{d['pdfium_pages_per_s']:.0f}",
                "-",
                "(reference)",
            ),
            row.format(
                "ours: review, suggestions (fresh process)",
                f"{d['review_s']:.1f} s",
                f"{d['review_pages_per_s']:.1f}",
                _mem(d["review_peak_bytes"]),
                f"target >= {TARGET_PAGES_PER_S:.0f} pages/s: "
                f"{_verdict(d['review_pages_per_s'] >= TARGET_PAGES_PER_S)}"
                + ("" if d["review_rc"] == 0 else f"  (exit status {d['review_rc']})"),
            ),
            row.format(
                "ours: review + full search index",
                f"{d['review_with_index_s']:.1f} s",
                f"{d['pages'] / d['review_with_index_s']:.1f}",
                _mem(d["review_with_index_peak_bytes"]),
                "",
            ),
        ]
        if d["index_build_s"] is not None:
            lines.append(
                row.format(
                    "  of which the search index build",
                    f"{d['index_build_s']:.1f} s",
                    "",
                    "",
                    f"{d['index_segments']:,} segments, {d['index_embedded']:,} embedded "
                    f"({d['index_reused_from_cache']:,} reused from the detectors), "
                    f"{d['embed_sentences_per_s'] or 0:.0f} sentences/s, {d['index_precision']}",
                )
            )
        lines.append(f"  suggestions: {d['suggestions']}")
    s = r.get("scanned")
    if s:
        lines += [
            "",
            f"Scanned bundle: {s['pages']} pages, image-only PDF at {s['dpi']} dpi",
            row.format("", "time", "pages/s", "peak mem", ""),
            row.format(
                "Tesseract alone (2 at a time, 1 thread each)",
                f"{s['tesseract_s']:.1f} s",
                f"{s['tesseract_pages_per_s']:.2f}",
                "-",
                "(reference)",
            ),
            row.format(
                "ours: review (fresh process)",
                f"{s['review_s']:.1f} s",
                f"{s['review_pages_per_s']:.2f}",
                _mem(s["review_peak_bytes"]),
                f"ratio {s['ratio']:.2f}, target <= {TARGET_OCR_RATIO}: "
                f"{_verdict(s['ratio'] <= TARGET_OCR_RATIO)}"
                + ("" if s["review_rc"] == 0 else f"  (exit status {s['review_rc']})"),
            ),
        ]
    peaks = [
        x
        for x in (
            d and d["review_peak_bytes"],
            d and d["review_with_index_peak_bytes"],
            s and s["review_peak_bytes"],
        )
        if x
    ]
    if peaks:
        lines += [
            "",
            f"Peak memory (review process and its children): {_mem(max(peaks))}; "
            f"target < 3 GiB: {_verdict(max(peaks) < TARGET_PEAK_BYTES)}",
        ]
    for name, part in (("dense", d), ("scanned", s)):
        if part and part.get("stderr_tail"):
            lines += [
                "",
                f"The {name} review failed; the end of its error output:",
                part["stderr_tail"],
            ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m eval.benchmark",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    ap.add_argument(
        "--quick", action="store_true", help="a smoke run: 20 dense pages and 2 scanned pages"
    )
    ap.add_argument("--dense-pages", type=int, default=None, help="default 200 (0: skip)")
    ap.add_argument("--scanned-pages", type=int, default=None, help="default 20 (0: skip)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per figure; medians reported")
    ap.add_argument(
        "--work",
        type=Path,
        default=None,
        help="keep the bundles and outputs here (default: a temporary folder)",
    )
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    a = ap.parse_args(argv)
    dense = a.dense_pages if a.dense_pages is not None else (20 if a.quick else 200)
    scanned = a.scanned_pages if a.scanned_pages is not None else (2 if a.quick else 20)
    repeat = max(1, a.repeat)

    def log(msg: str) -> None:
        print(f"[benchmark] {msg}", file=sys.stderr, flush=True)

    work = a.work or Path(tempfile.mkdtemp(prefix="case-review-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    report: dict[str, Any] = {
        "machine": machine_info(),
        "repeat": repeat,
        "work_dir": str(work) if a.work else None,
    }
    try:
        if dense > 0:
            report["dense"] = bench_dense(dense, work, repeat, log)
        if scanned > 0:
            report["scanned"] = bench_scanned(scanned, work, repeat, log)
    finally:
        if a.work is None:
            shutil.rmtree(work, ignore_errors=True)
    report["targets"] = {
        "pages_per_s": TARGET_PAGES_PER_S,
        "ocr_ratio": TARGET_OCR_RATIO,
        "peak_bytes": TARGET_PEAK_BYTES,
    }
    if a.json:
        print(json.dumps(report, indent=2))
    else:
        print(format_report(report))
    failed = any(
        part.get("review_rc") or part.get("review_with_index_rc")
        for part in (report.get("dense") or {}, report.get("scanned") or {})
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
