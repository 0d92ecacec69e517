"""The eval runner end to end: a tiny labelled set of TXT cases, reviewed by the real pipeline
with two small stand-in detectors, scored and printed (text and JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.detectors.base import Detector
from assistant.nlp.context import CaseContext
from assistant.types import Suggestion
from eval.runner import main

pytest.importorskip("assistant.ingest")


class CctvLines(Detector):
    """Every sentence that mentions CCTV is an unfollowed line (a deliberately naive rule)."""

    name = "test_cctv"
    version = "0.1"
    type = "unfollowed_inquiry"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        if ctx.case == "case-bad":
            raise RuntimeError("stand-in detector failed on purpose")
        return [
            Suggestion(
                type="unfollowed_inquiry",
                kind="cctv",
                title="CCTV line",
                rationale="mentions CCTV",
                confidence=0.8,
                citations=[s.citation()],
                detector=self.name,
                detector_version=self.version,
            )
            for s in ctx.segments
            if "CCTV" in s.text
        ]


class NeverInterviewed(Detector):
    name = "test_interview"
    version = "0.2"
    type = "missing_interview"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        return [
            Suggestion(
                type="missing_interview",
                subject="Dean HOLT",
                role="suspect",
                title="Dean HOLT not interviewed",
                rationale="never interviewed",
                confidence=0.6,
                citations=[s.citation()],
                detector=self.name,
                detector_version=self.version,
            )
            for s in ctx.segments
            if "never interviewed" in s.text
        ]


def labelled_set(root: Path) -> Path:
    (root / "case-a").mkdir(parents=True)
    (root / "case-a" / "log.txt").write_text(
        "CCTV was requested from the shop on Ferry Road. No result is recorded.\n"
        "The suspect Dean HOLT was never interviewed.\n"
        "\f"
        "CCTV from the bus station was viewed, nothing of evidential value.\n",
        encoding="utf-8",
    )
    (root / "case-bad").mkdir()
    (root / "case-bad" / "notes.txt").write_text("Statement taken from the witness.\n")
    labels = [
        {
            "case": "case-a",
            "type": "unfollowed_inquiry",
            "kind": "cctv",
            "document": "log.txt",
            "page": 1,
            "quote": "CCTV was requested from the shop on Ferry Road",
        },
        {
            "case": "case-a",
            "type": "missing_interview",
            "document": "log.txt",
            "page": 1,
            "quote": "Dean HOLT was never interviewed",
            "subject": "Dean HOLT",
            "role": "suspect",
        },
        {
            "case": "case-a",
            "type": "victim_blaming_language",
            "document": "log.txt",
            "page": 1,
            "quote": "No result is recorded",
        },
        {
            "case": "case-bad",
            "type": "unfollowed_inquiry",
            "kind": "witness",
            "document": "notes.txt",
            "page": 1,
            "quote": "Statement taken from the witness",
        },
    ]
    (root / "labels.jsonl").write_text("\n".join(json.dumps(x) for x in labels) + "\n")
    (root / "cases.jsonl").write_text(
        json.dumps(
            {
                "case": "case-a",
                "in_scope": True,
                "suspects": 1,
                "victims": 1,
                "rape_alleged": False,
                "priority": 2,
            }
        )
        + "\n"
        + json.dumps(
            {
                "case": "case-bad",
                "in_scope": False,
                "suspects": 0,
                "victims": 1,
                "rape_alleged": False,
                "priority": 3,
            }
        )
        + "\n"
    )
    return root


DETECTORS = [CctvLines(), NeverInterviewed()]


def test_runner_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = labelled_set(tmp_path / "set")
    out = tmp_path / "out"
    rc = main([str(root), "--json", "--out", str(out)], detectors=DETECTORS)
    assert rc == 1  # one case failed to review; the rest is still scored
    cap = capsys.readouterr()
    result = json.loads(cap.out)
    assert "case-bad" in cap.err

    pt = result["per_type"]
    assert (
        pt["unfollowed_inquiry"]["tp"],
        pt["unfollowed_inquiry"]["fp"],
        pt["unfollowed_inquiry"]["fn"],
    ) == (1, 1, 1)  # the viewed CCTV is an FP
    assert (pt["missing_interview"]["tp"], pt["missing_interview"]["fp"]) == (1, 0)
    assert pt["victim_blaming_language"]["fn"] == 1
    assert (result["micro"]["tp"], result["micro"]["fp"], result["micro"]["fn"]) == (2, 1, 2)
    assert result["micro"]["precision"] == pytest.approx(2 / 3)
    assert result["micro"]["recall"] == pytest.approx(2 / 4)

    fp = result["false_positives"][0]
    assert fp["citations"][0]["page"] == 2 and fp["citations"][0]["quote"].startswith("CCTV from")
    assert {g["case"] for g in result["false_negatives"]} == {"case-a", "case-bad"}
    assert [f["case"] for f in result["failed_cases"]] == ["case-bad"]
    assert "stand-in detector failed" in result["failed_cases"][0]["error"]
    assert result["screening"]["in_scope"]["total"] == 2
    # Traceable: code version, date, detector versions, the labelled set.
    assert result["git"]["commit"] and result["date"]
    assert result["versions"] == {"test_cctv": "0.1", "test_interview": "0.2"}
    assert result["labelled_dir"] == str(root.resolve())
    assert (out / "case-a.json").is_file() and (out / "_eval_results.json").is_file()


def test_runner_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = labelled_set(tmp_path / "set")
    assert main([str(root)], detectors=DETECTORS) == 1
    text = capsys.readouterr().out
    assert "micro (all types)" in text
    assert "False positives (1)" in text and 'log.txt p.2: "CCTV from the bus station' in text
    assert "False negatives (2)" in text and "kind witness" in text
    assert "case-bad: RuntimeError: stand-in detector failed on purpose" in text
    assert "test_cctv 0.1" in text


def test_runner_without_labels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(tmp_path)]) == 2
    assert "no labels.jsonl" in capsys.readouterr().err
    (tmp_path / "labels.jsonl").write_text('{"case": "c"}\n')
    assert main([str(tmp_path)], detectors=DETECTORS) == 2
    assert "line 1: missing field 'type'" in capsys.readouterr().err
