"""Learning from reviewers: decisions in a real (SQLite) workbench database become labelled clauses,
a new classifier version is trained, scored against the one in use on held-out decisions, written,
and made current (or not), with an audit event."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from api.migrate import upgrade
from assistant.nlp import clause_model as cm
from assistant.types import Citation, Suggestion
from assistant.workbench import suggestions as sug_service
from assistant.workbench.clock import now_iso
from assistant.workbench.db import make_engine, session_factory
from assistant.workbench.learn import collect, learn, split_holdout
from assistant.workbench.store import merge_suggestions
from assistant.workbench.tables import AuditEvent, Case, User

pytestmark = pytest.mark.slow

# (case, type, quote, decision, reason)
DECISIONS = [
    ("A", "victim_blaming_language", "Chloe continues to put herself at risk with older males.", "accept", None),
    ("A", "victim_blaming_language", 'Chloe said "he is my boyfriend and I love him".', "reject",
     "wording is quoted or appropriate"),
    ("A", "victim_blaming_language", "She is known to trade sex for vodka at the arcade.", "accept", None),
    ("A", "unfollowed_inquiry", "CCTV at the arcade requested, awaiting footage.", "accept", None),
    ("B", "victim_blaming_language", "Kacey is making her own choices to go with these men.", "accept", None),
    ("B", "victim_blaming_language", "A child of 14 cannot consent in law.", "reject",
     "wording is quoted or appropriate"),
    ("B", "victim_blaming_language", "The girl is a known liar.", "reject", "duplicate"),  # says nothing: skipped
    ("B", "unfollowed_inquiry", "Arcade CCTV viewed by DC RAINE, NEV, exhibit JR/2.", "reject",
     "line of inquiry was completed"),
    ("C", "victim_blaming_language", "IP1 went to the flat willingly and of her own accord.", "accept", None),
    ("C", "victim_blaming_language", "The IP was seen at the bus station at 21:40.", "reject",
     "not supported by the cited text"),
    ("C", "unfollowed_inquiry", "Handset of S1 downloaded by DFU, report exhibited KL/6.", "reject",
     "line of inquiry was completed"),
    ("C", "unfollowed_inquiry", "ANPR for YK14 ORU - result awaited.", "accept", None),
]


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'data' / 'assistant.db'}")
    upgrade(eng)
    # the audit trail's key, as the app gives it (the test must not depend on another having run)
    from assistant.workbench import audit

    audit.configure(audit.AuditKey(key=b"test-learn-audit-key", head_file=tmp_path / "audit-head.log"))
    yield eng
    eng.dispose()


@pytest.fixture(autouse=True)
def _user_models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    d = tmp_path / "models"
    monkeypatch.setenv("ASSISTANT_CLAUSE_MODEL_DIR", str(d))
    cm.clear_cache()
    yield d
    cm.clear_cache()


def _seed(session: Session) -> None:
    user = User(username="alice", password_hash="x", role="reviewer", created_at=now_iso())
    session.add(user)
    cases: dict[str, Case] = {}
    for name in sorted({d[0] for d in DECISIONS}):
        cases[name] = Case(name=f"case {name}", created_at=now_iso(), created_by="alice")
        session.add(cases[name])
    session.flush()
    made: list[tuple[Case, Suggestion, str, str | None]] = []
    for name, typ, quote, action, reason in DECISIONS:
        s = Suggestion(
            type=typ,  # type: ignore[arg-type]
            kind="cctv" if typ == "unfollowed_inquiry" else None,
            title=quote[:40],
            rationale="seeded",
            confidence=0.6,
            citations=[Citation("log.txt", 1, 0, len(quote), quote)],
            detector="seed",
            detector_version="1",
        )
        made.append((cases[name], s, action, reason))
    for case in cases.values():
        merge_suggestions(session, case, [s for c, s, _, _ in made if c is case])
    session.commit()
    for case, s, action, reason in made:
        body = {"action": action, **({"reason": reason} if reason else {})}
        sug_service.decide(session, user, case, s.id, 1, body)


def test_decisions_become_labelled_clauses(engine: Engine) -> None:
    with session_factory(engine)() as s:
        _seed(s)
        clauses = collect(s)
    got = {(c.task, c.text): c.label for c in clauses}
    assert got[("victim_blaming", "Chloe continues to put herself at risk with older males.")] == 1
    assert got[("victim_blaming", "A child of 14 cannot consent in law.")] == 0
    assert got[("action_status", "Arcade CCTV viewed by DC RAINE, NEV, exhibit JR/2.")] == 1
    assert got[("action_status", "ANPR for YK14 ORU - result awaited.")] == 0
    assert ("victim_blaming", "The girl is a known liar.") not in got  # a duplicate says nothing
    vb = [c for c in clauses if c.task == "victim_blaming"]
    assert len(vb) == 7 and all(c.reason or c.decision == "accepted" for c in vb)
    tr, ho = split_holdout(vb)
    assert tr and ho and not ({vb[i].case_id for i in tr} & {vb[i].case_id for i in ho})


def test_learn_writes_a_new_version_and_reports_the_gain(engine: Engine, _user_models: Path) -> None:
    with session_factory(engine)() as s:
        _seed(s)
    base = {t: cm.current_version(t) for t in cm.TASKS}
    lines: list[str] = []
    quick = cm.TrainSettings(epochs=1)
    with session_factory(engine)() as s:
        dry = learn(s, model_dir=_user_models, dry_run=True, max_base=120, settings=quick, log=lines.append)
    assert not _user_models.exists() and all(r.new_version and not r.made_current for r in dry)

    with session_factory(engine)() as s:
        results = learn(s, model_dir=_user_models, force=True, max_base=120, settings=quick,
                        actor="alice", log=lines.append)
    assert any("gain" in line for line in lines), lines
    for r in results:
        assert r.base_version == base[r.task]
        assert r.n_train >= 1 and r.n_holdout >= 1
        assert isinstance(r.gain, float) and r.metric in ("f1", "accuracy")
        assert r.path and (Path(r.path) / cm.WEIGHTS).is_file() and (Path(r.path) / cm.META).is_file()
        assert r.made_current and r.new_version
        # The new version is current and loads; its version string is what suggestions record.
        assert cm.current_version(r.task) == r.new_version
        clf = cm.load_clause_classifier(r.task)
        assert clf.version == r.new_version and clf.meta["parent_version"] == base[r.task]
        assert len(clf.predict(["CCTV viewed, NEV."])) == 1
    with session_factory(engine)() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "model_version")).all()
        assert {e.target for e in events} == set(cm.TASKS)


def test_learn_command(engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from assistant.cli import main

    with session_factory(engine)() as s:
        _seed(s)
    url = str(engine.url)
    rc = main(["learn", "--database-url", url, "--model-dir", str(tmp_path / "m"), "--task", "victim_blaming",
               "--max-base", "80", "--epochs", "1", "--dry-run"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "victim_blaming:" in out and "gain" in out and "dry run" in out
    assert not (tmp_path / "m").exists()
