"""The learning report: accepted findings counted by force, year of the NFA decision and failing
type, with example citations, so lessons can go back to forces.

Read from the workbench database (the reviewers' decisions, never the machine's suggestions
alone: only findings a person accepted count). A case's force and NFA date come from its
screening (the batch's ``screening.force`` / ``screening.nfa_date``); for a case reviewed
without them, the force is the one its pages name most often and the NFA year is read from the
screening's reasons; "unknown" when neither says.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.workbench.tables import Case, DocumentRow, PageRow, SuggestionRow

_NFA_REASON = re.compile(r"NFA decision dated \d{1,2}/\d{1,2}/(?P<y>\d{4})")
_FORCE = re.compile(r"\b(?P<name>[A-Z][A-Za-z]+(?:[ \-][A-Z][A-Za-z]+)?)\s+(?P<kind>Police|POLICE|Constabulary|"
                    r"CONSTABULARY)\b")
_NOT_FORCE = {"the", "to", "by", "with", "from", "on", "want", "wants", "local", "and", "of", "for", "our",
              "your", "their", "his", "her", "other", "a", "an", "british", "transport", "military"}
COLUMNS = ["force", "nfa_year", "failing_type", "accepted", "cases", "examples"]


def _force_from_pages(session: Session, case: Case) -> str:
    counts: dict[str, int] = defaultdict(int)
    q = select(PageRow.text).join(DocumentRow, PageRow.document_id == DocumentRow.id).where(
        DocumentRow.case_id == case.id)
    for (text,) in session.execute(q):
        for m in _FORCE.finditer(text or ""):
            words = [w for w in m.group("name").split() if w.lower() not in _NOT_FORCE]
            if words:
                counts[" ".join(w.capitalize() for w in words[-2:]) + " " + m.group("kind").capitalize()] += 1
    return max(sorted(counts), key=lambda n: counts[n]) if counts else ""


def case_force_and_year(session: Session, case: Case) -> tuple[str, str]:
    sc = case.screening or {}
    force = str(sc.get("force") or "") or _force_from_pages(session, case)
    year = ""
    if sc.get("nfa_date"):
        year = str(sc["nfa_date"])[:4]
    else:
        for r in sc.get("reasons", []):
            m = _NFA_REASON.search(str(r))
            if m:
                year = m.group("y")
                break
    return force or "unknown", year or "unknown"


def failing_type(s: SuggestionRow) -> str:
    if s.type == "unfollowed_inquiry":
        return f"unfollowed_inquiry: {s.kind or 'other'}"
    if s.type == "missing_interview":
        return f"missing_interview: {s.role or 'person'}"
    return str(s.type)


def learning_report(session: Session, *, examples: int = 3) -> list[dict[str, Any]]:
    """Rows of (force, NFA year, failing type): accepted findings, cases, example citations."""
    groups: dict[tuple[str, str, str], dict[str, Any]] = {}
    where: dict[int, tuple[str, str]] = {}
    q = (select(SuggestionRow, Case).join(Case, SuggestionRow.case_id == Case.id)
         .where(SuggestionRow.status == "accepted").order_by(Case.name, SuggestionRow.confidence.desc()))
    for s, case in session.execute(q).all():
        if case.id not in where:
            where[case.id] = case_force_and_year(session, case)
        force, year = where[case.id]
        g = groups.setdefault((force, year, failing_type(s)), {"accepted": 0, "cases": set(), "examples": []})
        g["accepted"] += 1
        g["cases"].add(case.name)
        if len(g["examples"]) < examples and s.citations:
            c = s.citations[0]
            quote = " ".join(str(c.get("quote", "")).split())
            if len(quote) > 140:
                quote = quote[:137] + "..."
            g["examples"].append(f'{case.name}: {c.get("document")} p.{c.get("page")}: "{quote}"')
    rows = [
        {"force": f, "nfa_year": y, "failing_type": t, "accepted": g["accepted"], "cases": len(g["cases"]),
         "examples": " | ".join(g["examples"])}
        for (f, y, t), g in groups.items()
    ]
    rows.sort(key=lambda r: (r["force"], r["nfa_year"], -r["accepted"], r["failing_type"]))
    return rows


def to_csv(rows: list[dict[str, Any]]) -> str:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=COLUMNS, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({k: ("'" + v if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v)
                    for k, v in r.items()})
    return buf.getvalue()


def to_text(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "No accepted findings yet: the report counts only findings a reviewer accepted."
    out: list[str] = []
    last: tuple[str, str] | None = None
    for r in rows:
        if (r["force"], r["nfa_year"]) != last:
            last = (r["force"], r["nfa_year"])
            out.append(f"\n{r['force']}, NFA in {r['nfa_year']}")
        out.append(f"  {r['accepted']:>4} accepted in {r['cases']} case(s): {r['failing_type']}")
        for e in str(r["examples"]).split(" | "):
            if e:
                out.append(f"         e.g. {e}")
    return "\n".join(out).lstrip("\n")


def add_learning_report_parser(sub: Any, func: Callable[[argparse.Namespace], int]) -> None:
    p = sub.add_parser("learning-report",
                       help="accepted findings by force, NFA year and failing type, with example citations")
    p.add_argument("--csv", default=None, metavar="FILE", help="also write the rows as CSV")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    p.add_argument("--examples", type=int, default=3, help="example citations per row")
    p.set_defaults(func=func)


def learning_report_main(args: argparse.Namespace) -> int:
    """The command: reads the workbench database named by ASSISTANT_DATABASE_URL / ASSISTANT_DATA_DIR."""
    from assistant.workbench.db import default_url, make_engine, session_factory

    url = os.environ.get("ASSISTANT_DATABASE_URL") or default_url(Path(os.environ.get("ASSISTANT_DATA_DIR", "data")))
    engine = make_engine(url)
    try:
        with session_factory(engine)() as s:
            rows = learning_report(s, examples=args.examples)
    except Exception as e:  # noqa: BLE001 - e.g. no database yet
        print(f"error: cannot read the workbench database at {url.split('@')[-1]}: {type(e).__name__}. "
              "Has the workbench been started once (python -m assistant serve)?", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.csv:
        Path(args.csv).write_text(to_csv(rows), encoding="utf-8")
    print(json.dumps(rows, indent=2, ensure_ascii=False) if args.json else to_text(rows))
    return 0
