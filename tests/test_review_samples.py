"""End to end on the bundled samples: every citation round-trips, ids are stable, the command
line works, and the held-out split scores above a floor (a regression guard, not a target)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.pipeline import review_case
from assistant.types import INQUIRY_KINDS, ROLES, SUGGESTION_TYPES, CaseReview

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "sample_files"
# indep_dev (the independent split tuned on) is reviewed only when ASSISTANT_ALL_SAMPLES=1: on a
# fresh machine, OCR of every sample scan with no cache took the suite to 14 of its 15 minutes.
# The splits never tuned on (test, indep_test) and train always run.
ALL_SPLITS = ("train", "test", "indep_dev", "indep_test")
SPLITS = ALL_SPLITS if os.environ.get("ASSISTANT_ALL_SAMPLES") == "1" else ("train", "test", "indep_test")
CASES = sorted((p for split in SPLITS if (SAMPLES / split).is_dir()
                for p in (SAMPLES / split).iterdir() if p.is_dir()), key=lambda p: (p.parent.name, p.name))


@pytest.fixture(scope="session")
def reviews() -> dict[str, CaseReview]:
    """Every sample case reviewed once (ingestion is cached by file hash across runs)."""
    return {p.name: review_case(p) for p in CASES}


def test_samples_present() -> None:
    assert len(CASES) >= 15


def test_every_citation_round_trips(reviews: dict[str, CaseReview]) -> None:
    n = 0
    for review in reviews.values():
        pages = {(d.name, p.number): p.text for d in review.documents for p in d.pages}
        for s in review.suggestions:
            assert s.citations, s.id
            for c in s.citations:
                assert pages[(c.document, c.page)][c.start:c.end] == c.quote, (review.case, s.id)
                n += 1
    assert n > 100


def test_suggestions_follow_the_contract(reviews: dict[str, CaseReview]) -> None:
    for review in reviews.values():
        ids = [s.id for s in review.suggestions]
        assert len(ids) == len(set(ids)), review.case
        for s in review.suggestions:
            assert s.type in SUGGESTION_TYPES
            assert 0.0 <= s.confidence <= 1.0
            assert s.title and s.rationale
            if s.type == "unfollowed_inquiry":
                assert s.kind in INQUIRY_KINDS
            if s.type == "missing_interview":
                # no role: a child other than the complainant (further victim or witness)
                assert s.subject and (s.role in ROLES or (s.role is None and "child" in s.title))
        d = review.to_dict()
        assert set(d) >= {"case", "documents", "suggestions", "screening"}
        assert set(d["screening"]) >= {"in_scope", "reasons", "suspects", "victims", "rape_alleged",
                                       "priority"}
        for doc in d["documents"]:
            assert set(doc) >= {"name", "pages", "ocr", "sha256"}


def test_ids_are_stable_across_runs(reviews: dict[str, CaseReview]) -> None:
    case = CASES[0]
    again = review_case(case)
    assert [s.id for s in again.suggestions] == [s.id for s in reviews[case.name].suggestions]


def test_scanned_documents_were_ocred(reviews: dict[str, CaseReview]) -> None:
    ocr_docs = [d for r in reviews.values() for d in r.documents if d.ocr]
    assert len(ocr_docs) >= 10
    assert all(p.text.strip() for d in ocr_docs for p in d.pages)


# Regression guards a little under the figures measured when they were set (2026-12-08, with
# batches 16 to 18: micro F1 train 0.86, test 0.75, indep_dev 0.89 (87 cases), indep_test 0.81
# (87 cases); priority accuracy 1.0, 0.83, 1.0, 0.91; per type on the held-out splits, test UI 0.71
# VB 0.82 MI 0.74 and indep_test UI 0.77 VB 0.85 MI 0.85): a change that loses findings on files
# written by other authors fails here, not in a later evaluation.
# (split: micro F1, priority accuracy, per-type F1)
FLOORS: dict[str, tuple[float, float, dict[str, float]]] = {
    "train": (0.84, 0.94, {}),
    "test": (0.72, 0.8, {"unfollowed_inquiry": 0.67, "victim_blaming_language": 0.79, "missing_interview": 0.71}),
    "indep_dev": (0.87, 0.97, {}),
    "indep_test": (0.79, 0.88, {"unfollowed_inquiry": 0.75, "victim_blaming_language": 0.83,
                                "missing_interview": 0.82}),
}


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_held_out_split_scores_above_floor(reviews: dict[str, CaseReview], split: str) -> None:
    from eval.score import load_cases, load_labels, score_reviews

    if split not in SPLITS:
        pytest.skip(f"{split} is reviewed only with ASSISTANT_ALL_SAMPLES=1")

    test_dir = SAMPLES / split
    gold = load_labels(test_dir / "labels.jsonl")
    names = {p.name for p in test_dir.iterdir() if p.is_dir()}
    score = score_reviews([r for n, r in reviews.items() if n in names], gold,
                          load_cases(test_dir / "cases.jsonl"))
    f1_floor, priority_floor, per_type = FLOORS[split]
    assert score.micro.f1 >= f1_floor, score.to_dict()["micro"]
    assert score.screening is not None and score.screening.priority.accuracy >= priority_floor
    for t, floor in per_type.items():
        assert score.per_type[t].f1 >= floor, (t, score.per_type[t].to_dict())


def test_command_line_review_with_a_bad_file(tmp_path: Path) -> None:
    """`python -m assistant review` on a case holding a corrupt PDF and an unsupported file:
    both are reported by name with a reason, the rest is reviewed, the JSON is written."""
    src = next(p for p in CASES if any(f.suffix == ".txt" for f in p.iterdir()))
    case = tmp_path / "CASE-T1"
    case.mkdir()
    for f in src.iterdir():
        if f.suffix in (".txt", ".docx"):
            shutil.copy(f, case / f.name)
    (case / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> garbage")
    (case / "notes.xlsx").write_bytes(b"PK\x03\x04 not really a spreadsheet")
    out = tmp_path / "out"
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    r = subprocess.run([sys.executable, "-m", "assistant", "review", str(case), "--out", str(out),
                        "--no-index"], capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "broken.pdf" in r.stdout and "notes.xlsx" in r.stdout
    data = json.loads((out / "CASE-T1.json").read_text())
    assert {e["document"] for e in data["errors"]} == {"broken.pdf", "notes.xlsx"}
    assert data["documents"] and data["suggestions"]
    assert all(e["error"] for e in data["errors"])


def test_command_line_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    r = subprocess.run([sys.executable, "-m", "assistant", "review", str(tmp_path / "nope"),
                        "--out", str(tmp_path / "o"), "--no-index"], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode != 0
    assert "nope" in r.stderr and "Traceback" not in r.stderr
