"""The learning report: accepted findings by force, NFA year and failing type, with examples."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from assistant.workbench.db import make_engine, session_factory
from assistant.workbench.learning import learning_report, learning_report_main, to_csv
from assistant.workbench.tables import Base, Case, DocumentRow, PageRow, SuggestionRow

T = "2025-01-01T00:00:00Z"


def _sugg(case: Case, sid: str, type_: str, status: str, *, kind: str | None = None, role: str | None = None,
          quote: str = "CCTV to be requested") -> SuggestionRow:
    return SuggestionRow(case_id=case.id, sid=sid, type=type_, kind=kind, role=role, title=f"title {sid}",
                         rationale="r", confidence=0.8, origin="model", created_at=T, updated_at=T, status=status,
                         citations=[{"document": "log.pdf", "page": 2, "start": 0, "end": len(quote), "quote": quote}])


@pytest.fixture()
def db(tmp_path: Path) -> Session:
    engine = make_engine(f"sqlite:///{tmp_path / 'assistant.db'}")
    Base.metadata.create_all(engine)
    s = session_factory(engine)()
    a = Case(name="case-a", created_at=T, created_by="x",
             screening={"force": "Wessex Vale Police", "nfa_date": "2019-09-20", "reasons": []})
    # Reviewed before the batch existed: force from its pages, NFA year from the screening's reasons.
    b = Case(name="case-b", created_at=T, created_by="x",
             screening={"reasons": ["NFA decision dated 22/10/2016 (log.pdf p.3), within 2010-01-01 to 2025-03-31"]})
    c = Case(name="case-c", created_at=T, created_by="x", screening=None)
    s.add_all([a, b, c])
    s.flush()
    doc = DocumentRow(case_id=b.id, name="log.pdf", sha256="0" * 64, media_type="pdf", status="ready",
                      created_at=T, uploaded_by="x")
    s.add(doc)
    s.flush()
    s.add(PageRow(document_id=doc.id, number=1, text="NORTHBY CONSTABULARY crime report. Northby Constabulary."))
    s.add_all([
        _sugg(a, "s1", "unfollowed_inquiry", "accepted", kind="cctv"),
        _sugg(a, "s2", "unfollowed_inquiry", "accepted", kind="cctv", quote="CCTV at the park not seized"),
        _sugg(a, "s3", "unfollowed_inquiry", "rejected", kind="cctv"),
        _sugg(a, "s4", "missing_interview", "accepted", role="suspect", quote="S2 not interviewed"),
        _sugg(b, "s5", "victim_blaming_language", "accepted", quote="she put herself at risk"),
        _sugg(c, "s6", "unfollowed_inquiry", "open", kind="financial"),
        _sugg(c, "s7", "unfollowed_inquiry", "accepted", kind="financial", quote="bank records not obtained"),
    ])
    s.commit()
    return s


def test_accepted_findings_by_force_year_and_type(db: Session) -> None:
    rows = learning_report(db)
    got = {(r["force"], r["nfa_year"], r["failing_type"]): (r["accepted"], r["cases"]) for r in rows}
    assert got == {
        ("Wessex Vale Police", "2019", "unfollowed_inquiry: cctv"): (2, 1),
        ("Wessex Vale Police", "2019", "missing_interview: suspect"): (1, 1),
        ("Northby Constabulary", "2016", "victim_blaming_language"): (1, 1),
        ("unknown", "unknown", "unfollowed_inquiry: financial"): (1, 1),
    }
    cctv = next(r for r in rows if r["failing_type"] == "unfollowed_inquiry: cctv")
    assert cctv["examples"] == ('case-a: log.pdf p.2: "CCTV to be requested" | '
                                'case-a: log.pdf p.2: "CCTV at the park not seized"')
    assert to_csv(rows).splitlines()[0] == "force,nfa_year,failing_type,accepted,cases,examples"


def test_command_reads_the_workbench_database(db: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", f"sqlite:///{tmp_path / 'assistant.db'}")
    out_csv = tmp_path / "learning.csv"
    rc = learning_report_main(argparse.Namespace(csv=str(out_csv), json=False, examples=1))
    assert rc == 0
    text = capsys.readouterr().out
    assert "Wessex Vale Police, NFA in 2019" in text and "2 accepted in 1 case(s): unfollowed_inquiry: cctv" in text
    assert len(out_csv.read_text().splitlines()) == 5
