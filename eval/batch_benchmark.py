"""Batch screening benchmark (issue 7): a generated corpus of referrals, screened locally and
through ``--ray local``, with pages per second, Ray's overhead, peak memory, and a projection.

    python -m eval.batch_benchmark [--referrals 200] [--min-pages 5] [--max-pages 300]
                                   [--scanned-share 0.3] [--workers 2] [--work DIR]
                                   [--node-cores 16] [--skip-ray] [--json]

The corpus is generated (seeded, never committed): each referral is a folder with a digital
PDF (record-system prose and logs, ``eval/bundles.py``), a scanned image-only PDF for a share of
its pages (noisy 300 dpi JPEG pages, OCR needed) and a short intelligence note naming the force,
two or three suspects with dates of birth, phone numbers and an NFA decision (drawn from small
pools, so some referrals share a phone or a suspect: the cross-referral flags have work to do).
Page counts are log-uniform between ``--min-pages`` and ``--max-pages``.

Each run is ``python -m assistant screen`` in a fresh process on an empty work store with the
ingest cache off, so it measures a first screening; peak memory is the summed RSS of its whole
process tree (workers, Ray's raylet, GCS and workers included), polled every 50 ms.

The projection for 5,000 referrals uses the measured cost per page of each stage (worker
seconds per digital page, per OCR'd page, per reviewed page, per case) and Ray's measured
efficiency, for the issue's referral mix (``--proj-mean-pages``, ``--proj-scanned-share``).
The full corpus (5-300 pages, 30% scanned: about 17,000 pages) takes hours on two cores; on a
small shared machine use a reduced one, e.g. ``--max-pages 12 --scanned-share 0.1``, and say so.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from eval.benchmark import machine_info, run_measured
from eval.bundles import bundle_pages, write_scanned_pdf, write_text_pdf

REPO = Path(__file__).resolve().parents[1]
GIB = 1024**3

_FORCES = ["Wessex Vale Police", "Northby Constabulary", "Calderbrook Police", "Fellbridge Constabulary",
           "Ashmere Constabulary", "Kelderdale Police"]
_FIRST = ["Colin", "Dean", "Amir", "Lee", "Craig", "Tariq", "Gavin", "Reece", "Mark", "Jamal", "Paul", "Imran"]
_SUR = ["PRENDERGAST", "MARSH", "KHALID", "DOBBS", "TROTTER", "MALLINSON", "FARROW", "QUILTER", "BASRA",
        "HENSHAW", "OKORO", "LUNDY", "PEARCE", "VARLEY"]
_VICTIM = ["Jade", "Kayleigh", "Chloe", "Leanne", "Sophie", "Tegan", "Holly", "Megan"]


def _note(rng: random.Random, i: int) -> str:
    """A short intelligence note: force, people with dates of birth, phones, an NFA decision."""
    force = rng.choice(_FORCES)
    n_s = rng.choice([1, 2, 2, 3])
    lines = [f"{force.upper()}   INTELLIGENCE SUMMARY   Ref GEN/{i:05d}",
             f"Reported: {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2008, 2023)}",
             "", "PERSONS",
             f"VICTIM   V1  {rng.choice(_SUR[:6])}, {rng.choice(_VICTIM)}   DOB {rng.randint(1, 28):02d}/"
             f"{rng.randint(1, 12):02d}/{rng.randint(1995, 2010)}"]
    for k in range(n_s):
        # A small pool of suspects with fixed dates of birth: the same man recurs across referrals.
        j = rng.randrange(40)
        first, sur = _FIRST[j % len(_FIRST)], _SUR[(j * 7) % len(_SUR)]
        lines.append(f"SUSPECT  S{k + 1}  {sur}, {first}   DOB {1 + j % 27:02d}/{1 + j % 12:02d}/{1970 + j % 20}")
    phone = f"07700 900{rng.randrange(150):03d}"
    offence = rng.choice(["raped", "sexually assaulted", "engaged in sexual activity with"])
    nfa = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2008, 2025)}"
    lines += ["", "LOG",
              f"V1 disclosed that S1 {offence} her at a flat. S1 contacts her on {phone}.",
              "S1 arrested and interviewed under caution: no comment." if rng.random() < 0.6 else
              "S1 not traced. Phone download to be requested.",
              f"NFA decision {nfa} - outcome {rng.choice([14, 15, 16, 21])}. Evidential difficulties."]
    return "\n".join(lines) + "\n"


def generate(root: Path, *, referrals: int, min_pages: int, max_pages: int, scanned_share: float,
             seed: int = 2024) -> dict[str, Any]:
    """Write the corpus under ``root`` (once per set of parameters); returns its manifest."""
    params = {"referrals": referrals, "min_pages": min_pages, "max_pages": max_pages,
              "scanned_share": scanned_share, "seed": seed}
    manifest = root / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        if m.get("params") == params:
            return dict(m)
        shutil.rmtree(root)
    refs = root / "referrals"
    refs.mkdir(parents=True)
    rng = random.Random(seed)
    pages = scanned = 0
    t0 = time.perf_counter()
    for i in range(referrals):
        case = refs / f"REF-{i:04d}"
        case.mkdir()
        n = int(round(math.exp(rng.uniform(math.log(min_pages), math.log(max_pages)))))
        n_scan = sum(1 for _ in range(n) if rng.random() < scanned_share)
        n_dig = n - n_scan
        (case / "intel_note.txt").write_text(_note(rng, i), encoding="utf-8")
        if n_dig > 1:
            write_text_pdf(case / "crime_report.pdf", bundle_pages(n_dig - 1, seed=seed + i, chars=2500, width=110))
        if n_scan:
            write_scanned_pdf(case / "scanned_bundle.pdf", n_scan, seed=seed + 10_000 + i)
        pages += n
        scanned += n_scan
    m = {"params": params, "pages": pages, "scanned_pages": scanned, "generate_s": round(time.perf_counter() - t0, 1)}
    manifest.write_text(json.dumps(m, indent=2))
    return m


def screen_once(refs: Path, out: Path, *, workers: int, ray: bool) -> dict[str, Any]:
    if out.exists():
        shutil.rmtree(out)
    cmd = [sys.executable, "-m", "assistant", "screen", str(refs), "--out", str(out), "--workers", str(workers),
           "--quiet"] + (["--ray", "local"] if ray else [])
    env = {**os.environ, "ASSISTANT_CACHE_DIR": "off", "PYTHONPATH": str(REPO)}
    run = run_measured(cmd, env=env)
    stats = json.loads((out / ".batch" / "last_run.json").read_text())
    pages = int(stats["pages"])
    return {
        "backend": "ray local" if ray else "local processes",
        "rc": run.rc,
        "wall_s": round(run.wall_s, 1),
        "batch_s": stats["seconds"],
        "pages": pages,
        "pages_per_s": round(pages / run.wall_s, 2),
        "peak_tree_gib": round(run.peak_tree_bytes / GIB, 2),
        "stage_seconds": stats["stage_seconds"],
        "cases_done": stats["done"],
        "cases_failed": stats["failed"],
        "stderr_tail": run.stderr_tail[-400:] if run.rc not in (0, 1) else "",
    }


def project(local: dict[str, Any], ray_run: dict[str, Any] | None, corpus: dict[str, Any], *, node_cores: int,
            mean_pages: float, scanned_share: float, referrals: int = 5000) -> dict[str, Any]:
    """Worker-seconds per page of each stage, scaled to ``referrals`` of the given mix."""
    st = local["stage_seconds"]
    ocr_pages = max(1, corpus["scanned_pages"])
    digital_pages = max(1, corpus["pages"] - corpus["scanned_pages"])
    per_scanned = st["ocr"] / ocr_pages  # OCR (the parse of a scanned file is counted with digital pages)
    per_digital = st["parse"] / digital_pages
    per_review_page = st["review"] / max(1, corpus["pages"])
    per_page = scanned_share * per_scanned + (1 - scanned_share) * per_digital + per_review_page
    total_cpu_s = referrals * mean_pages * per_page
    eff = 1.0
    if ray_run is not None and ray_run["wall_s"] > 0:
        eff = min(1.0, local["wall_s"] / ray_run["wall_s"])
    rows = []
    for n in (1, 2, 4, 8, 16, 32):
        hours = total_cpu_s / (n * node_cores * eff) / 3600
        rows.append({"nodes": n, "cores": n * node_cores, "hours": round(hours, 1)})
    return {
        "referrals": referrals, "mean_pages": mean_pages, "scanned_share": scanned_share, "node_cores": node_cores,
        "worker_s_per_scanned_page": round(per_scanned, 3), "worker_s_per_digital_page": round(per_digital, 4),
        "worker_s_per_reviewed_page": round(per_review_page, 4), "total_worker_hours": round(total_cpu_s / 3600, 1),
        "ray_efficiency": round(eff, 3), "by_nodes": rows,
        "assumes": "stage costs scale with pages; workers fully busy; every node reads the files over a shared "
                   "filesystem at no extra cost; one worker per core",
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--referrals", type=int, default=200)
    ap.add_argument("--min-pages", type=int, default=5)
    ap.add_argument("--max-pages", type=int, default=300)
    ap.add_argument("--scanned-share", type=float, default=0.3)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--work", default=str(REPO / ".cache" / "batch-benchmark"))
    ap.add_argument("--skip-ray", action="store_true")
    ap.add_argument("--node-cores", type=int, default=16, help="cores per node, for the projection")
    ap.add_argument("--proj-mean-pages", type=float, default=85.0,
                    help="mean pages per referral for the projection (log-uniform 5-300: about 85)")
    ap.add_argument("--proj-scanned-share", type=float, default=0.3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    if a.referrals < 200:
        print("note: the issue asks for at least 200 referrals; this run uses fewer", file=sys.stderr)
    work = Path(a.work)
    info = machine_info()
    t0 = time.perf_counter()
    corpus = generate(work / "corpus", referrals=a.referrals, min_pages=a.min_pages, max_pages=a.max_pages,
                      scanned_share=a.scanned_share)
    print(f"corpus: {a.referrals} referrals, {corpus['pages']} pages ({corpus['scanned_pages']} scanned), "
          f"{a.min_pages}-{a.max_pages} pages each (generated in {time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    refs = work / "corpus" / "referrals"
    local = screen_once(refs, work / "out-local", workers=a.workers, ray=False)
    print(f"local: {local['wall_s']} s, {local['pages_per_s']} pages/s, peak {local['peak_tree_gib']} GiB",
          file=sys.stderr)
    ray_run = None
    if not a.skip_ray:
        ray_run = screen_once(refs, work / "out-ray", workers=a.workers, ray=True)
        print(f"ray local: {ray_run['wall_s']} s, {ray_run['pages_per_s']} pages/s, peak "
              f"{ray_run['peak_tree_gib']} GiB", file=sys.stderr)
        same = all((work / "out-local" / n).read_bytes() == (work / "out-ray" / n).read_bytes()
                   for n in ("screening.csv", "data_return.csv", "cross_referral.csv"))
        ray_run["same_outputs_as_local"] = same
    proj = project(local, ray_run, corpus, node_cores=a.node_cores, mean_pages=a.proj_mean_pages,
                   scanned_share=a.proj_scanned_share)
    result = {"machine": info, "corpus": corpus, "workers": a.workers, "local": local, "ray_local": ray_run,
              "ray_overhead_pct": (round(100 * (ray_run["wall_s"] / local["wall_s"] - 1), 1) if ray_run else None),
              "projection": proj}
    if a.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"\nMachine: {info['cores']} cores, {info['cpu']}, load {info['load_avg_1min_at_start']}; git "
          f"{(info.get('git') or {}).get('commit', '?')}")
    print(f"Corpus: {a.referrals} referrals, {corpus['pages']} pages, {corpus['scanned_pages']} scanned "
          f"({a.min_pages}-{a.max_pages} pages each, scanned share {a.scanned_share})")
    for r in [local] + ([ray_run] if ray_run else []):
        print(f"  {r['backend']:<16} {r['wall_s']:>8.1f} s  {r['pages_per_s']:>7.2f} pages/s  peak "
              f"{r['peak_tree_gib']:.2f} GiB  stages (worker s) {r['stage_seconds']}  "
              f"cases {r['cases_done']} done / {r['cases_failed']} failed")
    if ray_run:
        print(f"  Ray overhead: {result['ray_overhead_pct']}% of wall time (target within 10%); same outputs: "
              f"{ray_run['same_outputs_as_local']}")
    print(f"\nProjection: {proj['referrals']} referrals x {proj['mean_pages']} pages, {proj['scanned_share']:.0%} "
          f"scanned = {proj['total_worker_hours']} worker-hours "
          f"({proj['worker_s_per_scanned_page']} s per OCR'd page, {proj['worker_s_per_digital_page']} s per "
          f"digital page, {proj['worker_s_per_reviewed_page']} s per page reviewed)")
    for row in proj["by_nodes"]:
        print(f"  {row['nodes']:>3} node(s) x {a.node_cores} cores: {row['hours']:>8.1f} h")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
