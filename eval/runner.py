"""``python -m assistant eval LABELLED_DIR [--json] [--out DIR]``: review and score a labelled set.

Reviews every case folder of LABELLED_DIR with the real pipeline, scores the suggestions
against ``labels.jsonl`` (and the screening against ``cases.jsonl`` when present) by
FORMATS.md section 4 (``eval/score.py``), and prints per-type and micro P/R/F1, screening
accuracy, then every false positive and false negative with its citation.

Beside those figures, and never changing them (``eval/analysis.py``, ``eval/baseline.py``):
bootstrap 95% intervals per type and micro (cases resampled, fixed seed); P/R/F1 counts by
digital vs OCR page and by document kind; a keyword-search baseline run on the same extracted
page text and scored by the same scorer; and a calibration table of confidence bins against
precision. All of them are printed as compact tables and are in ``--json``.

Results carry what is needed to trace a figure to its code (as lm-evaluation-harness does):
the git commit (and whether the tree had uncommitted changes), the date, the detector versions
the pipeline reported, and the labelled set's path. A case that fails to review is reported
and the rest are still scored (its gold findings count as false negatives); the exit status
is then 1. A malformed labels file stops the run with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.analysis import (
    DEFAULT_RESAMPLES,
    DEFAULT_SEED,
    Bootstrap,
    CalibrationBin,
    DocInfo,
    Slices,
    bootstrap,
    calibration,
    calibration_to_dict,
    doc_infos,
    format_bootstrap,
    format_calibration,
    format_slices,
    slices,
)
from eval.baseline import count_by_type, describe, keyword_suggestions, pages_of
from eval.score import (
    SUGGESTION_TYPES,
    LabelError,
    Prediction,
    Score,
    format_errors,
    format_table,
    load_cases,
    load_labels,
    score,
    score_reviews,
)

if TYPE_CHECKING:
    from assistant.detectors.base import Detector

REPO = Path(__file__).resolve().parents[1]


def git_info(repo: Path = REPO) -> dict[str, Any]:
    """The commit the code was at and whether the working tree had changes (read-only git)."""

    def git(*args: str) -> str | None:
        try:
            out = subprocess.run(
                ["git", "-C", str(repo), *args],
                capture_output=True,
                text=True,
                timeout=10,
                check=True,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return out.stdout.strip()

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain", "--untracked-files=no") if commit else None
    return {"commit": commit or "unknown", "dirty": bool(status) if status is not None else None}


@dataclass
class EvalResult:
    """One evaluation: the scores plus what makes them traceable."""

    labelled_dir: str
    score: Score
    meta: dict[str, Any]
    cases: list[str]
    failed: list[dict[str, str]] = field(default_factory=list)  # case, error
    versions: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    bootstrap: Bootstrap | None = None
    slices: Slices | None = None
    calibration: dict[str, list[CalibrationBin]] | None = None
    baseline: Score | None = None
    baseline_counts: dict[str, int] = field(default_factory=dict)  # suggestions per type

    def to_dict(self) -> dict[str, Any]:
        d = {
            **self.meta,
            "labelled_dir": self.labelled_dir,
            "cases": self.cases,
            "failed_cases": self.failed,
            "versions": self.versions,
            "timings": self.timings,
            **self.score.to_dict(),
        }
        if self.bootstrap is not None:
            d["bootstrap"] = self.bootstrap.to_dict()
        if self.slices is not None:
            d["slices"] = self.slices.to_dict()
        if self.calibration is not None:
            d["calibration"] = calibration_to_dict(self.calibration)
        if self.baseline is not None:
            d["baseline"] = {
                "name": "keyword search",
                "rules": describe(),
                "suggestions": self.baseline_counts,
                "per_type": {t: p.to_dict() for t, p in self.baseline.per_type.items()},
                "micro": self.baseline.micro.to_dict(),
                "f1_gain": {
                    t: self.score.per_type[t].f1 - p.f1
                    for t, p in self.baseline.per_type.items()
                    if t in self.score.per_type
                }
                | {"micro": self.score.micro.f1 - self.baseline.micro.f1},
            }
        return d


ProgressFn = Callable[[str, int, int], None]


def case_dirs(labelled_dir: Path) -> list[Path]:
    """The case folders of a labelled set: its non-hidden sub-folders, sorted by name."""
    return sorted(
        p for p in labelled_dir.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))
    )


def run_eval(
    labelled_dir: Path,
    *,
    detectors: Sequence[Detector] | None = None,
    out_dir: Path | None = None,
    progress: ProgressFn | None = None,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> EvalResult:
    """Review every case of ``labelled_dir`` and score it. Raises LabelError or OSError when
    the labels cannot be read; a case that fails to review is recorded in ``failed``.

    The keyword baseline and the slices use each review's own pages (the text it extracted);
    nothing is ingested twice."""
    from assistant.pipeline import review_case, write_review

    labelled_dir = Path(labelled_dir)
    gold = load_labels(labelled_dir / "labels.jsonl")
    cases_path = labelled_dir / "cases.jsonl"
    cases_gold = load_cases(cases_path) if cases_path.exists() else None
    dirs = case_dirs(labelled_dir)
    reviews: list[dict[str, Any]] = []
    failed: list[dict[str, str]] = []
    versions: dict[str, str] = {}
    infos: dict[tuple[str, str], DocInfo] = {}
    baseline_preds: dict[str, list[Prediction]] = {}
    pages = 0
    t0 = time.perf_counter()
    for i, d in enumerate(dirs):
        try:
            review = review_case(d, detectors=detectors)
        except Exception as e:  # one bad case must not stop the evaluation
            where = traceback.extract_tb(e.__traceback__)[-1]
            failed.append(
                {
                    "case": d.name,
                    "error": f"{type(e).__name__}: {e}",
                    "at": f"{Path(where.filename).name}:{where.lineno}",
                }
            )
        else:
            reviews.append(review.to_dict())
            versions.update(review.versions)
            pages += sum(len(doc.pages) for doc in review.documents)
            infos.update(doc_infos(review))
            baseline_preds[review.case] = keyword_suggestions(review.case, pages_of(review))
            if out_dir is not None:
                write_review(review, Path(out_dir))
        if progress:
            progress("cases", i + 1, len(dirs))
    elapsed = time.perf_counter() - t0
    s = score_reviews(reviews, gold, cases_gold)
    names = {d.name for d in dirs}
    missing = sorted({g.case for g in gold} - names)
    # A case that failed has no baseline suggestions either: its findings are missed by both.
    baseline = score(baseline_preds, gold)
    meta = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "git": git_info(),
        "python": platform.python_version(),
        "machine": {"cpus": _cpus(), "platform": platform.platform()},
        "gold_findings": len(gold),
        "cases_without_folder": missing,
    }
    return EvalResult(
        labelled_dir=str(labelled_dir.resolve()),
        score=s,
        meta=meta,
        cases=[d.name for d in dirs],
        failed=failed,
        versions=dict(sorted(versions.items())),
        timings={"review_s": round(elapsed, 2), "pages": pages},
        bootstrap=bootstrap(s, names | {g.case for g in gold}, resamples=resamples, seed=seed),
        slices=slices(s, infos),
        calibration=calibration(s),
        baseline=baseline,
        baseline_counts=count_by_type(baseline_preds),
    )


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def format_result(r: EvalResult) -> str:
    """The readable report: header, table, failed cases, false positives and negatives."""
    g = r.meta["git"]
    commit = g["commit"][:12] + (" (with uncommitted changes)" if g.get("dirty") else "")
    vers = ", ".join(f"{k} {v}" for k, v in r.versions.items()) or "none reported"
    lines = [
        f"Evaluation of {r.labelled_dir}",
        f"{len(r.cases)} case(s), {r.meta['gold_findings']} gold finding(s); "
        f"{r.timings['pages']} page(s) reviewed in {r.timings['review_s']:.1f} s",
        f"code: git {commit}; {r.meta['date']}; detectors: {vers}",
        "",
        format_table(r.score),
    ]
    if r.bootstrap is not None:
        lines += ["", format_bootstrap(r.bootstrap)]
    if r.baseline is not None:
        lines += ["", format_baseline(r.score, r.baseline, r.baseline_counts)]
    if r.slices is not None:
        lines += ["", format_slices(r.slices)]
    if r.calibration is not None:
        lines += ["", format_calibration(r.calibration)]
    if r.meta["cases_without_folder"]:
        lines.append(
            "\nLabelled cases with no folder (their findings count as missed): "
            + ", ".join(r.meta["cases_without_folder"])
        )
    if r.failed:
        lines.append(
            f"\nCases that failed to review ({len(r.failed)}); their findings count as missed:"
        )
        for f in r.failed:
            lines.append(f"  {f['case']}: {f['error']} (at {f['at']})")
    lines.append(format_errors(r.score))
    return "\n".join(lines)


def format_baseline(system: Score, base: Score, counts: dict[str, int]) -> str:
    """The system's P/R/F1 beside the keyword baseline's, and the F1 gain."""
    rows = [
        "Keyword-search baseline (same pages, same scorer; every segment with a keyword is a "
        "suggestion)",
        f"{'type':<26}{'system P/R/F1':>22}{'keywords P/R/F1':>22}{'n kw':>7}{'F1 gain':>9}",
    ]
    keys = [*SUGGESTION_TYPES, *[t for t in base.per_type if t not in SUGGESTION_TYPES]]
    for t, sp, bp, n in [
        *[(t, system.per_type.get(t), base.per_type[t], counts.get(t, 0)) for t in keys],
        ("micro (all types)", system.micro, base.micro, sum(counts.values())),
    ]:
        if sp is None:
            continue
        rows.append(
            f"{t:<26}"
            f"{f'{sp.precision:.2f} / {sp.recall:.2f} / {sp.f1:.2f}':>22}"
            f"{f'{bp.precision:.2f} / {bp.recall:.2f} / {bp.f1:.2f}':>22}"
            f"{n:>7}{sp.f1 - bp.f1:>+9.2f}"
        )
    return "\n".join(rows)


def main(
    args: argparse.Namespace | Sequence[str] | None = None,
    *,
    detectors: Sequence[Detector] | None = None,
) -> int:
    """Entry point of ``python -m assistant eval``. ``args`` is the parsed namespace (from
    assistant/cli.py) or an argument list. ``detectors`` replaces the default set (tests)."""
    if not isinstance(args, argparse.Namespace):
        ap = argparse.ArgumentParser(prog="python -m eval.runner")
        ap.add_argument("labelled_dir")
        ap.add_argument("--json", action="store_true")
        ap.add_argument("--out", default=None)
        ap.add_argument("--resamples", type=int, default=DEFAULT_RESAMPLES)
        ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
        args = ap.parse_args(args)
    labelled = Path(args.labelled_dir)
    if not (labelled / "labels.jsonl").is_file():
        print(
            f"error: {labelled}: no labels.jsonl here. Give a labelled set: a folder of case "
            "folders with labels.jsonl (and optionally cases.jsonl) at its root "
            "(FORMATS.md section 2).",
            file=sys.stderr,
        )
        return 2
    progress = None
    if sys.stderr.isatty():
        from assistant.console import progress_bar

        progress = progress_bar(False)
    try:
        result = run_eval(
            labelled,
            detectors=detectors,
            out_dir=Path(args.out) if getattr(args, "out", None) else None,
            progress=progress,
            resamples=getattr(args, "resamples", DEFAULT_RESAMPLES),
            seed=getattr(args, "seed", DEFAULT_SEED),
        )
    except (LabelError, OSError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    if getattr(args, "out", None):
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        (out / "_eval_results.json").write_text(
            json.dumps(result.to_dict(), indent=2), encoding="utf-8"
        )
    if getattr(args, "json", False):
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(format_result(result))
    for f in result.failed:
        print(f"error: case {f['case']} was not reviewed: {f['error']}", file=sys.stderr)
    return 1 if result.failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
