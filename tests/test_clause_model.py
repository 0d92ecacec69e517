"""The bundled clause classifiers: they load from the repository, classify clear cases, and are
deterministic; the artefacts stay small and carry their cross-validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.nlp import clause_model as cm

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def _bundled_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # A developer's own learned versions (data/clause_classifiers) must not change these results.
    monkeypatch.setenv("ASSISTANT_CLAUSE_MODEL_DIR", str(tmp_path / "user-models"))
    yield


VICTIM_BLAMING = [
    ("Chloe continues to put herself at risk by going missing with older males.", 1),
    ("MISPER KNOWN TO ATTEND THIS ADDRESS BY CHOICE, TRADING SEX FOR CANNABIS.", 1),
    ("Jodie is in a relationship with Kez (24) and is happy to stay at his flat.", 1),
    ("She is promiscuous and attention seeking.", 1),
    ("IP1 was reported missing from home at 22:10 by her foster carer.", 0),
    ("A child of 13 cannot consent in law.", 0),
    ("Leah consented to the SARC examination and to samples being taken.", 0),
    ("The log describes her as \"promiscuous\"; that is victim-blaming language and should not have been used.", 0),
]
ACTION_STATUS = [
    ("CCTV from the bus station viewed by DC RAINE - NEV, exhibited JR/4.", 1),
    ("S1 HADLEY arrested and interviewed under caution: no comment to all questions.", 1),
    ("PNC check on YK14 ORU - no trace.", 1),
    ("ACTION 07 - CCTV bus station - OPEN at filing.", 0),
    ("CDR application for 07700 900318 with SPOC, awaiting authority.", 0),
    ("Bank records for MERCER to be requested.", 0),
]


@pytest.mark.parametrize(("task", "cases"), [("victim_blaming", VICTIM_BLAMING), ("action_status", ACTION_STATUS)])
def test_clear_examples(task: str, cases: list[tuple[str, int]]) -> None:
    clf = cm.load_clause_classifier(task)
    probs = clf.predict([t for t, _ in cases])
    wrong = [(t, y, round(p, 3)) for (t, y), p in zip(cases, probs, strict=True) if (p >= 0.5) != (y == 1)]
    assert not wrong, wrong
    assert all(0.0 <= p <= 1.0 for p in probs)


def test_version_is_recorded_and_loading_is_shared() -> None:
    for task in cm.TASKS:
        v = cm.current_version(task)
        assert v == (cm.BUNDLED_DIR / task / cm.CURRENT).read_text().strip()
        clf = cm.load_clause_classifier(task)
        assert clf.version == v
        assert cm.load_clause_classifier(task, v) is clf  # loaded once per process
        assert v in cm.list_versions(task)


def test_predictions_are_deterministic_whatever_the_batch() -> None:
    clf = cm.load_clause_classifier("victim_blaming")
    texts = [t for t, _ in VICTIM_BLAMING]
    a = clf.predict(texts)
    b = clf.predict(list(reversed(texts)))[::-1]
    c = [clf.predict([t])[0] for t in texts]
    assert a == b == c
    assert clf.predict([]) == []


def test_unknown_task_and_version_say_what_to_do() -> None:
    with pytest.raises(cm.ClauseModelError, match="unknown clause task"):
        cm.load_clause_classifier("no_such_task")
    with pytest.raises(cm.ClauseModelError, match="not found"):
        cm.load_clause_classifier("victim_blaming", "0000deadbeef")


def test_artefacts_are_small_and_carry_grouped_cross_validation() -> None:
    total = 0
    for task in cm.TASKS:
        d = cm.version_dir(task, cm.current_version(task))
        total += sum(p.stat().st_size for p in d.iterdir())
        meta = json.loads((d / cm.META).read_text())
        assert meta["task"] == task and meta["version"] == d.name
        cv = meta["cv"]
        assert cv["scheme"].startswith("GroupKFold")
        assert len(cv["folds"]) >= 3 and all(f["held_out_groups"] for f in cv["folds"])
        held = [g for f in cv["folds"] for g in f["held_out_groups"]]
        assert len(held) == len(set(held))  # every group held out exactly once
        assert 0.0 < cv["mean_f1"] <= 1.0
    assert total < 20 * 2**20
