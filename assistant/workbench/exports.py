"""Exports of a case: the review output JSON (FORMATS.md section 3) with every decision, a CSV
with one row per suggestion, and a printable HTML report of the accepted findings as the
reinvestigation action plan (who decided what and when; the model and ruleset versions).
"""

from __future__ import annotations

import csv
import html
import io
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.workbench import audit
from assistant.workbench.clock import now_iso
from assistant.workbench.suggestions import decision_dict, doc_ids, to_dict
from assistant.workbench.tables import Case, DecisionRow, DocumentRow, SuggestionRow, User

TYPE_LABELS = {
    "unfollowed_inquiry": "Unfollowed line of inquiry",
    "victim_blaming_language": "Victim-blaming language",
    "missing_interview": "Missing interview or account",
}
FORMATS = ("json", "csv", "report")


def _suggestions(session: Session, case: Case) -> list[dict[str, Any]]:
    ids = doc_ids(session, case.id)
    rows = session.execute(
        select(SuggestionRow)
        .where(SuggestionRow.case_id == case.id)
        .order_by(SuggestionRow.confidence.desc(), SuggestionRow.type, SuggestionRow.sid)
    ).scalars()
    return [to_dict(r, ids) for r in rows]


def _decisions(session: Session, case: Case) -> list[dict[str, Any]]:
    rows = session.execute(
        select(DecisionRow).where(DecisionRow.case_id == case.id).order_by(DecisionRow.id)
    ).scalars()
    return [decision_dict(d) for d in rows]


def review_json(session: Session, case: Case, user: User) -> dict[str, Any]:
    docs = session.execute(
        select(DocumentRow)
        .where(DocumentRow.case_id == case.id, DocumentRow.status == "ready")
        .order_by(DocumentRow.name)
    ).scalars()
    failed = session.execute(
        select(DocumentRow)
        .where(DocumentRow.case_id == case.id, DocumentRow.status == "failed")
        .order_by(DocumentRow.name)
    ).scalars()
    return {
        "case": case.name,
        "case_id": case.id,
        "documents": [
            {"name": d.name, "pages": d.pages, "ocr": d.ocr, "sha256": d.sha256} for d in docs
        ],
        "suggestions": _suggestions(session, case),
        "screening": case.screening
        or {
            "in_scope": False,
            "reasons": ["not reviewed yet"],
            "suspects": 0,
            "victims": 0,
            "rape_alleged": False,
            "priority": 3,
        },
        "errors": [
            {"document": d.name, "code": d.error_code or "failed", "error": d.error or ""}
            for d in failed
        ],
        "versions": case.versions or {},
        "decisions": _decisions(session, case),
        "exported_at": now_iso(),
        "exported_by": user.username,
    }


CSV_COLUMNS = [
    "id",
    "type",
    "kind",
    "subject",
    "role",
    "title",
    "rationale",
    "confidence",
    "status",
    "edited",
    "decided_by",
    "decided_at",
    "reason",
    "note",
    "origin",
    "stale",
    "detector",
    "detector_version",
    "document",
    "page",
    "start",
    "end",
    "quote",
    "citations",
]


def _cell(v: Any) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (CSV injection)."""
    if v is None:
        return ""
    s = str(v)
    if s[:1] in ("=", "+", "-", "@", "\t", "\r"):
        s = "'" + s
    return s


def review_csv(session: Session, case: Case) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(CSV_COLUMNS)
    for s in _suggestions(session, case):
        c = s["citations"][0] if s["citations"] else {}
        row = {
            **s,
            "document": c.get("document"),
            "page": c.get("page"),
            "start": c.get("start"),
            "end": c.get("end"),
            "quote": " ".join(str(c.get("quote", "")).split()),
            "citations": len(s["citations"]),
        }
        w.writerow([_cell(row.get(k)) for k in CSV_COLUMNS])
    return buf.getvalue()


_CSS = """
body{font-family:Georgia,serif;max-width:60em;margin:2em auto;color:#111;line-height:1.4}
h1{font-size:1.5em;margin-bottom:.2em}
h2{font-size:1.15em;border-bottom:1px solid #999;margin-top:1.6em}
.meta{color:#444;font-size:.9em} table{border-collapse:collapse;width:100%;font-size:.9em}
td,th{border:1px solid #bbb;padding:.3em .5em;text-align:left;vertical-align:top}
blockquote{margin:.4em 0 .4em 1em;padding-left:.6em;border-left:3px solid #999;font-style:italic}
.finding{page-break-inside:avoid;margin-bottom:1.2em} .n{font-weight:bold}
@media print{body{margin:0}}
"""


def review_report(session: Session, case: Case, user: User) -> str:
    """Printable HTML: the accepted findings, numbered, as actions for a reinvestigation."""
    e = html.escape
    sugs = [s for s in _suggestions(session, case) if s["status"] == "accepted"]
    order = list(TYPE_LABELS)
    sugs.sort(key=lambda s: (order.index(s["type"]) if s["type"] in order else 9, -s["confidence"]))
    sc = case.screening or {}
    versions = case.versions or {}
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Action plan: {e(case.name)}</title><style>{_CSS}</style></head><body><main>",
        f"<h1>Reinvestigation action plan: {e(case.name)}</h1>",
        f"<p class='meta'>Produced {e(now_iso())} by {e(user.username)} from the case review "
        f"assistant. {len(sugs)} accepted finding(s). The assistant suggests; every finding "
        "below was accepted (or added) by the named reviewer.</p>",
    ]
    if sc:
        scope = "in scope" if sc.get("in_scope") else "out of scope"
        parts.append(
            f"<p class='meta'>Screening: {e(scope)}, priority {e(str(sc.get('priority', '')))}; "
            f"suspects {e(str(sc.get('suspects', '')))}, victims {e(str(sc.get('victims', '')))}, "
            f"rape alleged: {'yes' if sc.get('rape_alleged') else 'no'}.</p>"
        )
    n = 0
    for typ in order:
        group = [s for s in sugs if s["type"] == typ]
        if not group:
            continue
        parts.append(f"<h2>{e(TYPE_LABELS[typ])} ({len(group)})</h2>")
        for s in group:
            n += 1
            tag = s["kind"] or (f"{s['role'] or 'role unclear'}: {s['subject']}" if s["subject"] else "")
            parts.append("<div class='finding'>")
            parts.append(
                f"<p><span class='n'>{n}. {e(s['title'])}</span>"
                + (f" <span class='meta'>[{e(str(tag))}]</span>" if tag else "")
                + "</p>"
            )
            if s["rationale"]:
                parts.append(f"<p>{e(s['rationale'])}</p>")
            for c in s["citations"]:
                parts.append(
                    f"<blockquote>{e(' '.join(str(c['quote']).split()))}</blockquote>"
                    f"<p class='meta'>{e(str(c['document']))}, page {c['page']}, "
                    f"characters {c['start']}-{c['end']}</p>"
                )
            origin = (
                "added by reviewer"
                if s["origin"] == "reviewer"
                else f"suggested by {s['detector'] or 'model'} {s['detector_version']}".strip()
            )
            decided = f"accepted by {s['decided_by']} at {s['decided_at']}"
            if s["edited"]:
                decided += " (wording edited by the reviewer)"
            if s["note"]:
                decided += f"; note: {s['note']}"
            parts.append(
                f"<p class='meta'>{e(origin)}; {e(decided)}; confidence "
                f"{s['confidence']:.2f}; id {e(s['id'])}"
                + ("; no longer suggested by the latest review" if s["stale"] else "")
                + "</p></div>"
            )
    if not sugs:
        parts.append("<p>No finding has been accepted yet.</p>")
    parts.append(
        "<h2>Model and ruleset versions</h2><table><tr><th>Component</th><th>Version</th></tr>"
    )
    for k, v in sorted(versions.items()):
        parts.append(f"<tr><td>{e(str(k))}</td><td>{e(str(v))}</td></tr>")
    parts.append(f"</table><p class='meta'>Case reviewed at {e(case.reviewed_at or 'n/a')}.</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def export(session: Session, user: User, case: Case, fmt: str) -> tuple[str, Any]:
    """Returns (media type, content); the export is written to the audit trail."""
    from assistant.errors import BadRequest

    if fmt not in FORMATS:
        raise BadRequest("The export format is json, csv or report.")
    if fmt == "json":
        out: tuple[str, Any] = ("application/json", review_json(session, case, user))
    elif fmt == "csv":
        out = ("text/csv; charset=utf-8", review_csv(session, case))
    else:
        out = ("text/html; charset=utf-8", review_report(session, case, user))
    audit.record_now(
        session, "export", actor=user.username, case_id=case.id, detail={"format": fmt}
    )
    return out
