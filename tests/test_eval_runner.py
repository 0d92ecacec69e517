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


def test_runner_analysis_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Bootstrap, slices, the keyword baseline and calibration on the tiny set, by hand."""
    root = labelled_set(tmp_path / "set")
    assert main([str(root), "--json", "--resamples", "200"], detectors=DETECTORS) == 1
    result = json.loads(capsys.readouterr().out)

    b = result["bootstrap"]
    assert (b["resamples"], b["cases"], b["level"]) == (200, 2, 0.95)
    micro = b["intervals"]["micro"]["precision"]
    assert micro["point"] == pytest.approx(2 / 3)
    # case-bad has no suggestion: a draw of it twice leaves precision undefined; any other
    # draw holds case-a and has exactly case-a's precision, 2/3.
    assert micro["low"] == pytest.approx(2 / 3) and micro["high"] == pytest.approx(2 / 3)
    assert 0 < micro["undefined_resamples"] < 200

    # log.txt (a "log": record-system print) is digital; case-bad's notes.txt was never
    # reviewed, so its missed finding is "unknown".
    sl = result["slices"]
    page = {k: (v["tp"], v["fp"], v["fn"]) for k, v in sl["page"].items()}
    assert page == {"digital": (2, 1, 1), "unknown": (0, 0, 1)}
    kind = {k: (v["tp"], v["fp"], v["fn"]) for k, v in sl["document_kind"].items()}
    assert kind == {"record_system": (2, 1, 1), "unknown": (0, 0, 1)}
    assert sl["ocr_from"] == "page" and "first citation" in sl["rule"]
    assert sl["documents"] == [
        {"case": "case-a", "document": "log.txt", "kind": "record_system", "ocr": False,
         "ocr_pages": []}
    ]

    # The keyword baseline: both CCTV segments (one matches, the viewed one is an FP) and
    # "never interviewed" with the subject "Dean HOLT" (suspect); no victim-blaming keyword.
    base = result["baseline"]
    assert base["suggestions"] == {"unfollowed_inquiry": 2, "missing_interview": 1}
    bu = base["per_type"]["unfollowed_inquiry"]
    assert (bu["tp"], bu["fp"], bu["fn"]) == (1, 1, 1)
    assert base["per_type"]["missing_interview"]["tp"] == 1
    assert (base["micro"]["tp"], base["micro"]["fp"], base["micro"]["fn"]) == (2, 1, 2)
    assert base["f1_gain"]["micro"] == pytest.approx(0.0)

    cal = result["calibration"]["bins"]
    assert [(x["n"], x["tp"]) for x in cal["all"]] == [(0, 0), (0, 0), (0, 0), (1, 1), (2, 1)]
    assert cal["unfollowed_inquiry"][4]["precision"] == 0.5
    assert cal["missing_interview"][3]["bin"] == "0.6-0.8"
    # The existing figures are unchanged by the additions.
    assert (result["micro"]["tp"], result["micro"]["fp"], result["micro"]["fn"]) == (2, 1, 2)


def test_runner_analysis_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = labelled_set(tmp_path / "set")
    main([str(root), "--resamples", "50", "--seed", "3"], detectors=DETECTORS)
    text = capsys.readouterr().out
    assert "95% bootstrap intervals (50 resamples of the 2 case(s)" in text and "seed 3" in text
    assert "Keyword-search baseline" in text
    assert "0.67 / 0.50 / 0.57" in text  # micro, system and baseline alike
    assert "page: digital" in text and "document: record-system print / log" in text
    assert "assigned: TP: the page of the gold place" in text
    assert "Calibration" in text and "1.00 (n=1)" in text
    assert text.index("Keyword-search") < text.index("False positives")


BASELINE_PAGE = (
    "CCTV was requested from the shop. She has a chaotic lifestyle and a boyfriend aged 24.\n"
    "The suspect Dean HOLT was not interviewed. Nothing else was done."
)


def test_keyword_baseline_tiny_case() -> None:
    from eval.baseline import keyword_suggestions
    from eval.score import GoldFinding, score

    preds = keyword_suggestions("c1", [("log.txt", 1, BASELINE_PAGE)])
    got = [(p.type, p.kind, p.subject, p.role, p.citations[0].quote) for p in preds]
    assert got == [
        ("unfollowed_inquiry", "cctv", None, None, "CCTV was requested from the shop."),
        (
            "victim_blaming_language",
            None,
            None,
            None,
            "She has a chaotic lifestyle and a boyfriend aged 24.",
        ),
        ("missing_interview", None, "Dean HOLT", "suspect", "The suspect Dean HOLT was not interviewed."),
    ]
    for p in preds:  # every citation is the exact page text at its offsets
        c = p.citations[0]
        assert c.start is not None and c.end is not None
        assert BASELINE_PAGE[c.start : c.end] == c.quote
        assert p.confidence == 0.5
    gold = [
        GoldFinding("c1", "victim_blaming_language", "log.txt", 1, "a chaotic lifestyle"),
        GoldFinding("c1", "missing_interview", "log.txt", 1, "", subject="Dean HOLT",
                    role="suspect"),
        GoldFinding("c1", "unfollowed_inquiry", "log.txt", 1, "house search not done"),
    ]
    s = score({"c1": preds}, gold)
    assert [(s.per_type[t].tp, s.per_type[t].fp, s.per_type[t].fn) for t in s.per_type] == [
        (0, 1, 1),  # unfollowed: the CCTV sentence is not the gold line
        (1, 0, 0),
        (1, 0, 0),
    ]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Nothing of note.", []),
        ("ANPR checks on the vehicle.", [("unfollowed_inquiry", "vehicle_anpr")]),
        ("Her phone was not downloaded.", [("unfollowed_inquiry", "phone_digital")]),
        ("She was not interviewed.", []),  # no name to give as subject: no suggestion
        ("Statement not taken; W1 was never interviewed.", [("missing_interview", None)]),
        ("The sex was consensual.", [("victim_blaming_language", None)]),
    ],
)
def test_keyword_baseline_rules(text: str, expected: list[tuple[str, str | None]]) -> None:
    from eval.baseline import keyword_suggestions

    preds = keyword_suggestions("c", [("d.txt", 1, text)])
    assert [(p.type, p.kind) for p in preds] == expected
