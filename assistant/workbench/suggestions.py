"""Suggestions of a case: listing, one with its version, decisions, reviewers' findings.

Two reviewers never silently overwrite each other: a decision names the version it was made
on (the web API carries it as an ETag and ``If-Match``: ``api/etags.py``), and the version is
bumped with a conditional UPDATE in the same transaction as the decision is appended, so of two
decisions made on one version exactly one is stored and the other gets PreconditionFailed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from assistant.errors import (
    BadRequest,
    Conflict,
    NotFound,
    PreconditionFailed,
)
from assistant.types import INQUIRY_KINDS, ROLES, SUGGESTION_TYPES, Citation, Suggestion
from assistant.workbench import audit
from assistant.workbench.clock import now_iso
from assistant.workbench.db import writing
from assistant.workbench.decisions import (
    ACTIONS,
    REJECT_REASONS,
    DecisionLike,
    State,
    apply,
    derive_state,
    last_undoable,
    state_after_undo,
)
from assistant.workbench.tables import Case, DecisionRow, DocumentRow, PageRow, SuggestionRow, User

MAX_TITLE = 300
MAX_TEXT = 5000
MAX_QUOTE = 3000

# The statements of every decision and every view of a suggestion, built once: building a
# statement and working out its cache key costs more CPU than running it, and SQLAlchemy keeps
# the key of a statement object it has seen. Values are bound at execution.
_DOC_IDS = select(DocumentRow.name, DocumentRow.id).where(
    DocumentRow.case_id == bindparam("case_id")
)
_ROW = select(SuggestionRow).where(
    SuggestionRow.case_id == bindparam("case_id"), SuggestionRow.sid == bindparam("sid")
)
_LOG = (
    select(
        DecisionRow.id,
        DecisionRow.action,
        DecisionRow.reviewer,
        DecisionRow.at,
        DecisionRow.reason,
        DecisionRow.note,
        DecisionRow.fields,
        DecisionRow.undoes,
    )
    .where(DecisionRow.case_id == bindparam("case_id"), DecisionRow.suggestion_id == bindparam("sid"))
    .order_by(DecisionRow.id)
)
_STATE_KEYS = (
    "status",
    "edited",
    "cur_title",
    "cur_rationale",
    "decided_by",
    "decided_at",
    "reason",
    "note",
)
# The guard and the new state in one statement: the version moves on only from the one read.
_BUMP = (
    update(SuggestionRow)
    .where(SuggestionRow.id == bindparam("row_id"), SuggestionRow.version == bindparam("was"))
    .values({k: bindparam(f"new_{k}") for k in ("version", *_STATE_KEYS)})
)
_DECISION_COLUMNS = tuple(c.key for c in DecisionRow.__table__.columns if c.key != "id")
_ADD_DECISION = (
    insert(DecisionRow)
    .values(
        {k: bindparam(f"d_{k}", type_=DecisionRow.__table__.c[k].type) for k in _DECISION_COLUMNS}
    )
    .returning(DecisionRow.id)
)


def doc_ids(session: Session, case_id: int) -> dict[str, int]:
    return {name: i for name, i in session.execute(_DOC_IDS, {"case_id": case_id}).all()}


def to_dict(row: SuggestionRow, ids: dict[str, int]) -> dict[str, Any]:
    """The API's suggestion object: FORMATS.md section 3 fields plus the review state."""
    return {
        "id": row.sid,
        "type": row.type,
        "kind": row.kind,
        "subject": row.subject,
        "role": row.role,
        "title": row.cur_title or row.title,
        "rationale": row.cur_rationale or row.rationale,
        "confidence": round(float(row.confidence), 4),
        "citations": [dict(c, document_id=ids.get(c["document"])) for c in row.citations],
        "detector": row.detector,
        "detector_version": row.detector_version,
        "explanation": row.explanation or {},
        "status": row.status,
        "edited": row.edited,
        "original_title": row.title if row.edited else None,
        "original_rationale": row.rationale if row.edited else None,
        "version": row.version,
        "decided_by": row.decided_by,
        "decided_at": row.decided_at,
        "reason": row.reason,
        "note": row.note,
        "origin": row.origin,
        "stale": row.stale,
    }


def list_suggestions(
    session: Session,
    user: User,
    case: Case,
    *,
    type: str | None = None,
    status: str | None = None,
    min_confidence: float | None = None,
    kind: str | None = None,
    stale: bool | None = None,
) -> list[dict[str, Any]]:
    q = select(SuggestionRow).where(SuggestionRow.case_id == case.id)
    if type:
        q = q.where(SuggestionRow.type == type)
    if status:
        q = q.where(SuggestionRow.status == status)
    if min_confidence is not None:
        q = q.where(SuggestionRow.confidence >= min_confidence)
    if kind:
        q = q.where(SuggestionRow.kind == kind)
    if stale is not None:
        q = q.where(SuggestionRow.stale == stale)
    q = q.order_by(SuggestionRow.confidence.desc(), SuggestionRow.type, SuggestionRow.sid)
    ids = doc_ids(session, case.id)
    out = [to_dict(r, ids) for r in session.execute(q).scalars()]
    audit.record_now(
        session,
        "view_suggestions",
        actor=user.username,
        case_id=case.id,
        detail={"count": len(out)},
    )
    return out


def _row(session: Session, case: Case, sid: str) -> SuggestionRow:
    row = session.execute(_ROW, {"case_id": case.id, "sid": sid}).scalar_one_or_none()
    if row is None:
        raise NotFound(f"There is no suggestion {sid} in this case.")
    return row


def get_suggestion(
    session: Session, user: User, case: Case, sid: str
) -> tuple[dict[str, Any], int]:
    """The suggestion and its version."""
    row = _row(session, case, sid)
    out = to_dict(row, doc_ids(session, case.id))
    audit.record_now(session, "view_suggestion", actor=user.username, case_id=case.id, target=sid)
    return out, row.version


def _decisions(session: Session, case_id: int, sid: str) -> list[DecisionRow]:
    return list(
        session.execute(
            select(DecisionRow)
            .where(DecisionRow.case_id == case_id, DecisionRow.suggestion_id == sid)
            .order_by(DecisionRow.id)
        ).scalars()
    )


def _decision_log(session: Session, case_id: int, sid: str) -> list[DecisionLike]:
    """The columns ``derive_state`` reads, as plain rows (no ORM objects to build: a log
    can be long)."""
    rows = session.execute(_LOG, {"case_id": case_id, "sid": sid}).all()
    return cast(list[DecisionLike], rows)


def decision_dict(d: DecisionRow) -> dict[str, Any]:
    return {
        "id": d.id,
        "suggestion_id": d.suggestion_id,
        "action": d.action,
        "reviewer": d.reviewer,
        "at": d.at,
        "reason": d.reason,
        "note": d.note,
        "fields": d.fields,
        "undoes": d.undoes,
        "version": d.version,
    }


def history(session: Session, user: User, case: Case, sid: str) -> list[dict[str, Any]]:
    _row(session, case, sid)
    out = [decision_dict(d) for d in _decisions(session, case.id, sid)]
    audit.record_now(session, "view_history", actor=user.username, case_id=case.id, target=sid)
    return out


def _apply_state(row: SuggestionRow, decisions: Sequence[DecisionLike]) -> None:
    _store_state(row, derive_state(decisions))


def _cached_state(row: SuggestionRow) -> State:
    return State(
        status=row.status,
        edited=row.edited,
        title=row.cur_title,
        rationale=row.cur_rationale,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reason=row.reason,
        note=row.note,
    )


def _state_columns(st: State) -> dict[str, Any]:
    """The suggestion's columns that cache ``st`` (``_STATE_KEYS``)."""
    return {
        "status": st.status,
        "edited": st.edited,
        "cur_title": st.title,
        "cur_rationale": st.rationale,
        "decided_by": st.decided_by,
        "decided_at": st.decided_at,
        "reason": st.reason,
        "note": st.note,
    }


def _store_state(row: SuggestionRow, st: State) -> None:
    for key, value in _state_columns(st).items():
        setattr(row, key, value)


def _clean(value: str | None, limit: int, what: str) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if len(value) > limit:
        raise BadRequest(f"The {what} is too long (at most {limit} characters).")
    return value or None


def decide(
    session: Session, user: User, case: Case, sid: str, version: int, body: dict[str, Any]
) -> tuple[dict[str, Any], int, dict[str, Any]]:
    """Append one decision made on ``version`` of the suggestion. Returns (suggestion, its new
    version, the decision); commits.

    Raises PreconditionFailed when the suggestion changed since that version.
    Everything is read and checked first; the write transaction (the database's one write
    lock on SQLite) holds only the guarded version bump, the new row, its audit event and
    the commit. The guard makes the reads safe: every decision moves the version on, so if
    it is still ``version`` nothing read since has changed.
    """
    verb = str(body.get("action") or "")
    if verb not in ACTIONS:
        raise BadRequest("The action must be one of: accept, reject, edit, undo.")
    row = _row(session, case, sid)
    ids = doc_ids(session, case.id)
    if row.version != version:
        raise PreconditionFailed(
            f"Someone else changed this suggestion since you loaded it (it is now at version "
            f"{row.version}, you had version {version}). Reload it, check, and decide again.",
            extra={"current": to_dict(row, ids)},
        )
    reason = _clean(body.get("reason"), 100, "reason")
    note = _clean(body.get("note"), MAX_TEXT, "note")
    fields: dict[str, Any] | None = None
    undoes: int | None = None
    # Only an undo needs the suggestion's log (what it reverts, and the state before it);
    # any other decision goes on top of the state cached on the row.
    decisions = _decision_log(session, case.id, sid) if verb == "undo" else None
    if verb == "reject":
        if reason not in REJECT_REASONS:
            raise BadRequest("Choose a reason for rejecting: " + "; ".join(REJECT_REASONS) + ".")
        if reason == "other" and not note:
            raise BadRequest("With the reason 'other', say why in the note.")
    elif verb == "edit":
        title = _clean(body.get("title"), MAX_TITLE, "title")
        rationale = _clean(body.get("rationale"), MAX_TEXT, "rationale")
        if not title and not rationale:
            raise BadRequest("An edit needs a new title or a new rationale.")
        fields = {k: v for k, v in (("title", title), ("rationale", rationale)) if v}
    elif decisions is not None:  # undo
        target = last_undoable(decisions)
        if target is None:
            raise Conflict("There is nothing to undo on this suggestion.")
        undoes = target.id
    if verb != "reject":
        reason = None
    d = DecisionRow(
        case_id=case.id,
        suggestion_id=sid,
        action=ACTIONS[verb],
        reviewer=user.username,
        at=now_iso(),
        reason=reason,
        note=note,
        fields=fields,
        undoes=undoes,
        version=version + 1,
    )
    with writing(session):
        _append(session, user, case, row, d, decisions)
    return to_dict(row, ids), row.version, decision_dict(d)


def _append(
    session: Session,
    user: User,
    case: Case,
    row: SuggestionRow,
    d: DecisionRow,
    decisions: list[DecisionLike] | None,
) -> None:
    """The write: bump the version if it is still the one read and store the new state, in
    one guarded UPDATE; add the decision; audit; commit. Six round trips on PostgreSQL, as
    plain statements (the ORM's unit of work costs more CPU than they do)."""
    version = d.version - 1
    if decisions is not None:  # an undo
        assert d.undoes is not None
        st = state_after_undo(decisions, d.undoes)
    else:
        st = apply(_cached_state(row), d)
    new = {"version": version + 1, **_state_columns(st)}
    conn = session.connection()
    res = conn.execute(
        _BUMP, {"row_id": row.id, "was": version, **{f"new_{k}": v for k, v in new.items()}}
    )
    if res.rowcount != 1:
        session.rollback()
        current = _row(session, case, row.sid)
        raise PreconditionFailed(
            "Someone else changed this suggestion at the same moment. Reload it, check, and decide again.",
            extra={"current": to_dict(current, doc_ids(session, case.id))},
        )
    for key, value in new.items():  # what was just written, without a second UPDATE
        set_committed_value(row, key, value)
    d.id = conn.execute(
        _ADD_DECISION, {f"d_{k}": getattr(d, k) for k in _DECISION_COLUMNS}
    ).scalar_one()
    audit.record(
        session,
        "decision",
        actor=user.username,
        case_id=case.id,
        target=row.sid,
        detail={
            "action": d.action,
            "decision": d.id,
            "version": d.version,
            **({"reason": d.reason} if d.reason else {}),
        },
    )
    session.commit()


def add_finding(
    session: Session, user: User, case: Case, body: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    """A reviewer's own finding, cited by (document, page, start, end); quote from the page."""
    with writing(session):
        return _add_finding(session, user, case, body)


def _add_finding(
    session: Session, user: User, case: Case, body: dict[str, Any]
) -> tuple[dict[str, Any], int]:
    typ = body.get("type")
    if typ not in SUGGESTION_TYPES:
        raise BadRequest("The type must be one of: " + ", ".join(SUGGESTION_TYPES) + ".")
    kind = body.get("kind") or None
    subject = _clean(body.get("subject"), 200, "subject")
    role = body.get("role") or None
    if typ == "unfollowed_inquiry":
        kind = kind or "other"
        if kind not in INQUIRY_KINDS:
            raise BadRequest("The kind must be one of: " + ", ".join(INQUIRY_KINDS) + ".")
    else:
        kind = None
    if typ == "missing_interview":
        if not subject:
            raise BadRequest("Name the person whose interview or account is missing (subject).")
        if role not in ROLES:
            raise BadRequest("The role must be one of: " + ", ".join(ROLES) + ".")
    else:
        subject, role = None, None
    title = _clean(body.get("title"), MAX_TITLE, "title")
    rationale = _clean(body.get("rationale"), MAX_TEXT, "rationale") or ""
    if not title:
        raise BadRequest("Give the finding a title.")
    cit = body.get("citation") or {}
    try:
        doc_id, page_no = int(cit["document_id"]), int(cit["page"])
        start, end = int(cit["start"]), int(cit["end"])
    except (KeyError, TypeError, ValueError) as e:
        raise BadRequest("The citation needs document_id, page, start and end.") from e
    doc = session.execute(
        select(DocumentRow).where(DocumentRow.id == doc_id, DocumentRow.case_id == case.id)
    ).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"There is no document {doc_id} in this case.")
    page = session.execute(
        select(PageRow).where(PageRow.document_id == doc.id, PageRow.number == page_no)
    ).scalar_one_or_none()
    if page is None:
        raise NotFound(f"{doc.name} has no page {page_no}.")
    if not (0 <= start < end <= len(page.text)):
        raise BadRequest(
            f"The selection {start}-{end} is outside page {page_no} ({len(page.text)} characters)."
        )
    quote = page.text[start:end]
    if not quote.strip() or len(quote) > MAX_QUOTE:
        raise BadRequest(f"Select between 1 and {MAX_QUOTE} characters of the page text.")
    s = Suggestion(
        type=typ,
        title=title,
        rationale=rationale,
        confidence=1.0,
        citations=[Citation(doc.name, page_no, start, end, quote)],
        kind=kind,
        subject=subject,
        role=role,
        detector="reviewer",
        detector_version=user.username,
    )
    if session.execute(
        select(SuggestionRow.id).where(SuggestionRow.case_id == case.id, SuggestionRow.sid == s.id)
    ).first():
        raise Conflict(f"This finding is already in the case (suggestion {s.id}).")
    now = now_iso()
    row = SuggestionRow(
        case_id=case.id,
        sid=s.id,
        type=typ,
        kind=kind,
        subject=subject,
        role=role,
        title=title,
        rationale=rationale,
        confidence=1.0,
        citations=[
            {"document": doc.name, "page": page_no, "start": start, "end": end, "quote": quote}
        ],
        detector="reviewer",
        detector_version="",
        explanation={"added_by": user.username},
        origin="reviewer",
        stale=False,
        created_at=now,
        updated_at=now,
        version=1,
        status="open",
        edited=False,
    )
    session.add(row)
    d = DecisionRow(
        case_id=case.id,
        suggestion_id=s.id,
        action="added",
        reviewer=user.username,
        at=now,
        version=1,
    )
    session.add(d)
    session.flush()
    _apply_state(row, [d])
    audit.record(
        session,
        "add_finding",
        actor=user.username,
        case_id=case.id,
        target=s.id,
        detail={"document": doc.id, "page": page_no},
    )
    out = to_dict(row, doc_ids(session, case.id))
    session.commit()
    return out, row.version
