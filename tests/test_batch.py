"""Batch pre-screening (issue 7): ranked table, data return, cross-referral flags, a corrupt case,
resumption after a killed run, and the scope checklist kept as data.

Real worker processes, real OCR and the real models throughout (no mocks). Hand-computed values
come from reading the files: ``tests/fixtures/batch`` (two small referrals written for these
tests) and the sample cases c11 and c21 (which share a suspect's phone, 07700 900417).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.batch.run import BatchResult, run_batch
from assistant.config import Settings

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "batch"
SAMPLES = ROOT / "sample_files" / "train"
INGEST_FIX = ROOT / "tests" / "fixtures" / "ingest"

pytestmark = pytest.mark.slow


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def settings(tmp: Path) -> Settings:
    return Settings(cache_dir=tmp / "ingest-cache", workers=2)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[BatchResult, Path]:
    tmp = tmp_path_factory.mktemp("batch-fix")
    refs = tmp / "refs"
    shutil.copytree(FIX, refs)
    # A referral with a corrupt PDF beside a readable note, and a .zip that is not one.
    (refs / "R-CORRUPT").mkdir()
    (refs / "R-CORRUPT" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage\n")
    shutil.copy(FIX / "R-BRAVO" / "intel_log.txt", refs / "R-CORRUPT" / "note.txt")
    (refs / "R-ZIPBAD.zip").write_bytes(b"PK\x03\x04 this is not a zip archive")
    # A good referral sent as a .zip of its folder.
    shutil.make_archive(str(refs / "R-ZIPPED"), "zip", root_dir=FIX, base_dir="R-ALPHA")
    out = tmp / "out"
    return run_batch(refs, out, workers=2, settings=settings(tmp)), out


def test_ranked_table_hand_computed(fixture_run: tuple[BatchResult, Path]) -> None:
    result, out = fixture_run
    rows = read_csv(out / "screening.csv")
    assert [r["case"] for r in rows] == ["R-ALPHA", "R-ZIPPED", "R-BRAVO", "R-CORRUPT", "R-ZIPBAD"]
    a = rows[0]
    # R-ALPHA: S1 PRENDERGAST and S2 MARSH; V1 HOLLOWAY; rape of a child under 13; NFA 20/09/2019.
    assert (a["in_scope"], a["priority"], a["rape_alleged"], a["suspects"], a["victims"]) == ("yes", "1", "yes",
                                                                                              "2", "1")
    assert a["force"] == "Wessex Vale Police" and a["nfa_date"] == "2019-09-20"
    assert a["two_or_more_suspects"].startswith("met: crime_report.txt p.1")
    assert a["contact_offence"].startswith("met: ") and a["nfa_in_period"].startswith("met: ")
    assert a["nfa_in_period"].endswith('"20/09/2019"')
    assert a["victim_supports_review"].startswith("met: ")  # "Jade's mother has asked for the case to be reviewed"
    assert a["suspects_alive"] == "not in the file: verify"
    assert a["verdict"] == "in scope, subject to verifying: Suspects believed alive; Not previously reviewed"
    assert int(a["missing_interview"]) >= 1 and "Dean MARSH" in a["top_1"] + a["top_2"] + a["top_3"]
    assert (a["pages"], a["ocr_pages"], a["failed_files"]) == ("1", "0", "")
    # The zipped copy of R-ALPHA is screened the same way.
    z = rows[1]
    assert {k: v for k, v in z.items() if k not in ("rank", "case")} == {
        k: v for k, v in a.items() if k not in ("rank", "case")}
    # R-BRAVO: one suspect, NFA 22/10/2008 (before 2010): out of scope, priority 3.
    b = rows[2]
    assert (b["in_scope"], b["priority"], b["suspects"], b["victims"]) == ("no", "3", "1", "1")
    assert b["verdict"] == ("out of scope: not met: 2 or more suspects; NFA decision between 2010-01-01 and "
                            "2025-03-31")
    assert b["nfa_in_period"].startswith("not met: intel_log.txt p.1") and b["nfa_in_period"].endswith('"22/10/2008"')
    assert b["force"] == "Northby Constabulary"


def test_corrupt_file_and_bad_zip_are_reported_and_the_batch_goes_on(fixture_run: tuple[BatchResult, Path]) -> None:
    result, out = fixture_run
    assert (result.cases, result.done, result.failed) == (5, 4, 1)
    rows = {r["case"]: r for r in read_csv(out / "screening.csv")}
    c = rows["R-CORRUPT"]
    assert c["failed_files"].startswith("broken.pdf: ") and c["error"] == ""
    assert c["pages"] == "1"  # the readable note was still reviewed
    review = json.loads((out / "R-CORRUPT.json").read_text())
    assert [e["document"] for e in review["errors"]] == ["broken.pdf"]
    z = rows["R-ZIPBAD"]
    assert z["verdict"].startswith("not reviewed") and "could not be unpacked" in z["error"]
    html = (out / "screening.html").read_text()
    assert "R-ZIPBAD" in html and "case failed" in html


def test_review_output_follows_the_contract_with_the_checklist(fixture_run: tuple[BatchResult, Path]) -> None:
    _, out = fixture_run
    d = json.loads((out / "R-ALPHA.json").read_text())
    assert set(d) >= {"case", "documents", "suggestions", "screening"}
    page = (FIX / "R-ALPHA" / "crime_report.txt").read_text()
    for s in d["suggestions"]:
        for c in s["citations"]:
            assert page[c["start"]:c["end"]] == c["quote"]
    sc = d["screening"]
    assert {"in_scope", "reasons", "suspects", "victims", "rape_alleged", "priority", "checklist", "verdict"} <= set(sc)
    statuses = {k["id"]: k["status"] for k in sc["checklist"]}
    assert statuses == {"two_or_more_suspects": "met", "contact_offence": "met", "nfa_in_period": "met",
                        "suspects_alive": "not in the file: verify",
                        "not_previously_reviewed": "not in the file: verify", "victim_supports_review": "met"}
    for k in sc["checklist"]:
        if k["citation"]:
            c = k["citation"]
            assert page[c["start"]:c["end"]] == c["quote"]


def test_data_return_hand_computed(fixture_run: tuple[BatchResult, Path]) -> None:
    _, out = fixture_run
    rows = [r for r in read_csv(out / "data_return.csv") if r["case"] in ("R-ALPHA", "R-BRAVO")]
    got = {(r["case"], r["person"]): r for r in rows}
    assert set(got) == {("R-ALPHA", "Colin PRENDERGAST"), ("R-ALPHA", "Dean MARSH"), ("R-ALPHA", "Jade HOLLOWAY"),
                        ("R-BRAVO", "Colin PRENDERGAST"), ("R-BRAVO", "Kayleigh ROWNTREE")}
    p = got[("R-ALPHA", "Colin PRENDERGAST")]
    assert (p["role"], p["dob"], p["ethnicity"], p["arrest_date"], p["report_date"], p["nfa_date"],
            p["outcome_code"]) == ("suspect", "1979-02-01", "IC1", "2019-03-05", "2019-03-04", "2019-09-20", "15")
    assert p["ethnicity_citation"].endswith('"Ethnicity: IC1"')
    assert p["dob_citation"].startswith("crime_report.txt p.1 [") and p["dob_citation"].endswith('"01/02/1979"')
    assert "Rape of a child under 13" in p["offences"]
    m = got[("R-ALPHA", "Dean MARSH")]
    # Not arrested (never traced), and no ethnicity recorded: blank, never inferred.
    assert (m["dob"], m["ethnicity"], m["ethnicity_citation"], m["arrest_date"]) == ("1985-11-23", "", "", "")
    v = got[("R-ALPHA", "Jade HOLLOWAY")]
    assert (v["role"], v["dob"], v["ethnicity"]) == ("complainant", "2007-05-12", "White British")
    k = got[("R-BRAVO", "Kayleigh ROWNTREE")]
    assert (k["role"], k["dob"], k["ethnicity"], k["nfa_date"], k["report_date"]) == (
        "complainant", "1993-06-30", "", "2008-10-22", "2008-02-14")
    assert got[("R-BRAVO", "Colin PRENDERGAST")]["arrest_date"] == ""  # "was not arrested"


def test_cross_referral_flags_phone_and_suspect(fixture_run: tuple[BatchResult, Path]) -> None:
    _, out = fixture_run
    rows = read_csv(out / "cross_referral.csv")
    phone = [r for r in rows if r["kind"] == "phone" and r["value"] == "07700900555"]
    # R-ALPHA, its zipped copy, R-BRAVO and R-CORRUPT (its note is R-BRAVO's log) all record the number.
    assert {r["case"] for r in phone} == {"R-ALPHA", "R-ZIPPED", "R-BRAVO", "R-CORRUPT"}
    assert len({r["flag"] for r in phone}) == 1
    alpha = next(r for r in phone if r["case"] == "R-ALPHA")
    assert alpha["citations"].startswith("crime_report.txt p.1 [") and '"07700 900555"' in alpha["citations"]
    sus = [r for r in rows if r["kind"] == "suspect" and r["value"] == "colin prendergast|1979-02-01"]
    assert {"R-ALPHA", "R-BRAVO"} <= {r["case"] for r in sus}


def test_html_report_is_an_accessible_sortable_table(fixture_run: tuple[BatchResult, Path]) -> None:
    _, out = fixture_run
    html = (out / "screening.html").read_text()
    assert '<html lang="en">' in html and "<table" in html and "<caption>" in html
    assert html.count('<th scope="col"') >= 20 and '<th scope="row">R-ALPHA</th>' in html
    assert '<button type="button" data-col="0"' in html and 'aria-sort="ascending"' in html
    assert 'aria-live="polite"' in html and "@media print" in html


def test_sample_cases_sharing_a_phone(tmp_path: Path) -> None:
    """c11 and c21 (samples, scans OCR'd for real) share 07700 900417: "Jaz" in c11, "Flash" in c21."""
    refs = tmp_path / "refs"
    refs.mkdir()
    for c in ("c11", "c21"):
        shutil.copytree(SAMPLES / c, refs / c)
    out = tmp_path / "out"
    result = run_batch(refs, out, workers=2, settings=Settings(workers=2))
    assert result.failed == 0
    gold = {json.loads(x)["case"]: json.loads(x) for x in (SAMPLES / "cases.jsonl").read_text().splitlines() if x}
    rows = read_csv(out / "screening.csv")
    by = {r["case"]: r for r in rows}
    for c in ("c11", "c21"):
        r, g = by[c], gold[c]
        assert (r["in_scope"] == "yes", int(r["priority"]), r["rape_alleged"] == "yes", int(r["victims"])) == (
            g["in_scope"], g["priority"], g["rape_alleged"], g["victims"])
    assert int(by["c11"]["suspects"]) == 3
    # c21 names three suspects; the per-case screening also counts the duty solicitor (Ms ANSELM): people.py.
    assert int(by["c21"]["suspects"]) >= 3
    # Ranked: priority, then strength of suggestions.
    keys = [(int(r["priority"]), -float(r["strength"])) for r in rows]
    assert keys == sorted(keys)
    # Hand-computed from the files: NFA dates, outcome codes, force, dates of birth.
    assert (by["c11"]["nfa_date"], by["c11"]["force"]) == ("2019-08-21", "Wealdmoor Police")
    assert (by["c21"]["nfa_date"], by["c21"]["force"]) == ("2016-11-14", "Fellbridge Constabulary")
    people = {(r["case"], r["person"]): r for r in read_csv(out / "data_return.csv")}
    expect = {
        ("c11", "Ashley CRANSTON"): ("suspect", "1994-06-11", "15"),
        ("c11", "Kacey BRANNAN"): ("complainant", "2005-02-03", "15"),
        ("c21", "Lyndon KILBANE"): ("suspect", "1984-06-11", "16"),
        ("c21", "Jaydon FAIRWEATHER"): ("suspect", "1996-03-30", "16"),
        ("c21", "Carys WENLOCK"): ("complainant", "2001-09-02", "16"),
        ("c21", "Tegan TILLOTSON"): ("complainant", "2001-01-17", "16"),
    }
    for key, (role, dob, outcome) in expect.items():
        r = people[key]
        assert (r["role"], r["dob"], r["outcome_code"], r["ethnicity"]) == (role, dob, outcome, ""), key
    flags = [r for r in read_csv(out / "cross_referral.csv") if r["kind"] == "phone" and r["value"] == "07700900417"]
    assert {r["case"] for r in flags} == {"c11", "c21"}
    assert all('"07700 900417"' in r["citations"] for r in flags)


def test_scope_is_data_dates_and_a_new_criterion(tmp_path: Path) -> None:
    scope = json.loads((ROOT / "models" / "scope.json").read_text())
    for c in scope["criteria"]:
        if c["id"] == "nfa_in_period":
            c["to"] = "2019-06-30"  # R-ALPHA's NFA (20/09/2019) now falls outside
    scope["criteria"].append({"id": "two_or_more_victims", "label": "More than one victim", "test": "victims",
                              "min": 2, "required": False})
    path = tmp_path / "scope.json"
    path.write_text(json.dumps(scope))
    refs = tmp_path / "refs"
    shutil.copytree(FIX / "R-ALPHA", refs / "R-ALPHA")
    run_batch(refs, tmp_path / "out", workers=1, scope_path=path, settings=settings(tmp_path))
    row = read_csv(tmp_path / "out" / "screening.csv")[0]
    assert row["nfa_in_period"].startswith("not met: ") and row["two_or_more_victims"].startswith("not met: ")
    assert (row["in_scope"], row["priority"]) == ("no", "3")
    assert row["verdict"].startswith("out of scope: not met: NFA decision between 2010-01-01 and 2019-06-30; "
                                     "More than one victim")


def _children(pid: int) -> list[int]:
    out: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            out += [int(x) for x in task.read_text().split()]
        except OSError:
            pass
    return out


def test_resume_after_a_killed_run_redoes_no_finished_work(tmp_path: Path) -> None:
    refs = tmp_path / "refs"
    shutil.copytree(FIX / "R-ALPHA", refs / "R-ALPHA")
    shutil.copytree(FIX / "R-BRAVO", refs / "R-BRAVO")
    (refs / "R-SCAN").mkdir()
    for n in ("scanned.pdf", "scan.png", "chronology.tif"):
        shutil.copy(INGEST_FIX / n, refs / "R-SCAN" / n)
    out = tmp_path / "out"
    env = {**os.environ, "ASSISTANT_CACHE_DIR": "off", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "screen", str(refs), "--out", str(out),
                             "--workers", "1", "--quiet"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    cases_dir, files_dir = out / ".batch" / "cases", out / ".batch" / "files"
    workers: set[int] = set()
    deadline = time.monotonic() + 150
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            workers.update(_children(proc.pid))
            if any(cases_dir.glob("*.json")) and any(files_dir.glob("*/*/page-*.json.gz")):
                break
            time.sleep(0.1)
        assert proc.poll() is None, "the batch finished before it could be killed"
        os.killpg(proc.pid, signal.SIGKILL)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for w in workers:  # the workers end when their input closes; make sure
            for _ in range(100):
                if not Path(f"/proc/{w}").exists():
                    break
                time.sleep(0.1)
            else:
                os.kill(w, signal.SIGKILL)
    done_before = {p.stem: p.stat().st_mtime_ns for p in cases_dir.glob("*.json")}
    pages_before = {p: p.stat().st_mtime_ns for p in files_dir.glob("*/*/page-*.json.gz")}
    assert done_before and pages_before
    assert not (out / "screening.csv").exists()  # killed before the reports
    result = run_batch(refs, out, workers=1, settings=Settings(cache_dir="off", workers=1))  # type: ignore[arg-type]
    assert result.failed == 0 and result.done == 3
    assert result.resumed == len(done_before)
    for case, mtime in done_before.items():  # finished cases: not reviewed again
        assert (cases_dir / f"{case}.json").stat().st_mtime_ns == mtime
    for p, mtime in pages_before.items():  # OCR'd pages: not OCR'd again
        assert p.stat().st_mtime_ns == mtime
    total_ocr = sum(int(r["ocr_pages"]) for r in read_csv(out / "screening.csv"))
    assert total_ocr > 0 and result.pages_run <= result.pages - len(pages_before)
    # A third run redoes nothing at all.
    again = run_batch(refs, out, workers=1, settings=Settings(cache_dir="off", workers=1))  # type: ignore[arg-type]
    assert (again.resumed, again.pages_run) == (3, 0)
