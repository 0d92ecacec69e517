"""Cases and who may open them: the object-level check every case-scoped route goes through.

Reviewers see the cases they are assigned to; supervisors and admins see every case. A case
that does not exist and a case the user may not open get the same answer (404), so ids of
other teams' cases are never confirmed; the attempt is written to the audit trail.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from assistant.errors import BadRequest, Conflict, Forbidden, NotFound
from assistant.workbench import audit
from assistant.workbench.clock import now_iso
from assistant.workbench.db import writing
from assistant.workbench.tables import Assignment, Case, DocumentRow, SuggestionRow, User

NOT_FOUND = "There is no case {id} that you can open. Ask a supervisor to assign you to it."

# The case and whether the user is assigned to it, in one query: every case route asks it.
# Built once (building a statement costs more CPU than running it).
_CASE_AND_ASSIGNMENT = (
    select(Case, Assignment.user_id)
    .outerjoin(
        Assignment,
        (Assignment.case_id == Case.id) & (Assignment.user_id == bindparam("user_id")),
    )
    .where(Case.id == bindparam("case_id"))
)


def sees_all(user: User) -> bool:
    return user.role in ("supervisor", "admin")


def require_role(user: User, *roles: str) -> None:
    if user.role not in roles:
        raise Forbidden(f"Only a {' or '.join(roles)} can do this.")


def is_assigned(session: Session, case_id: int, user: User) -> bool:
    return (
        session.execute(
            select(Assignment.case_id).where(
                Assignment.case_id == case_id, Assignment.user_id == user.id
            )
        ).first()
        is not None
    )


def open_case(session: Session, user: User, case_id: int, *, what: str = "case") -> Case:
    """The case, if ``user`` may open it; otherwise ``NotFound`` (and a 'denied' audit event)."""
    found = session.execute(_CASE_AND_ASSIGNMENT, {"case_id": case_id, "user_id": user.id}).first()
    if found is not None and (sees_all(user) or found[1] is not None):
        return found[0]
    audit.record_now(
        session, "access", actor=user.username, case_id=case_id, target=what, outcome="denied"
    )
    raise NotFound(NOT_FOUND.format(id=case_id))


# What a case name may not hold: control characters and invisible formatting or direction
# marks (a name that reads differently from what it is). The API's schema states the same rule.
_NAME_FORBIDDEN = r"\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff"
CASE_NAME_PATTERN = rf"^[^{_NAME_FORBIDDEN}]*[^{_NAME_FORBIDDEN}\s][^{_NAME_FORBIDDEN}]*$"
_FORBIDDEN_IN_NAME = re.compile(f"[{_NAME_FORBIDDEN}]")


def create_case(session: Session, user: User, name: str) -> Case:
    name = " ".join((name or "").split())
    if not name or len(name) > 200 or _FORBIDDEN_IN_NAME.search(name):
        raise BadRequest(
            "Give the case a name of 1 to 200 characters, without control characters (for example the referral number)."
        )
    with writing(session):
        if session.execute(select(Case.id).where(Case.name == name)).first():
            raise Conflict("A case with this name already exists. Choose another name.")
        case = Case(name=name, created_at=now_iso(), created_by=user.username)
        session.add(case)
        session.flush()
        session.add(
            Assignment(
                case_id=case.id, user_id=user.id, assigned_at=now_iso(), assigned_by=user.username
            )
        )
        audit.record(session, "create_case", actor=user.username, case_id=case.id)
    return case


def assign(session: Session, by: User, case: Case, username: str) -> None:
    require_role(by, "supervisor", "admin")
    with writing(session):
        user = session.execute(select(User).where(User.username == username)).scalar_one_or_none()
        if user is None:
            raise NotFound(f"There is no user called '{username}'.")
        if not is_assigned(session, case.id, user):
            session.add(
                Assignment(
                    case_id=case.id,
                    user_id=user.id,
                    assigned_at=now_iso(),
                    assigned_by=by.username,
                )
            )
        audit.record(
            session, "assign", actor=by.username, case_id=case.id, target=f"user:{username}"
        )


def assignees(session: Session, case_id: int) -> list[str]:
    return list(
        session.execute(
            select(User.username)
            .join(Assignment, Assignment.user_id == User.id)
            .where(Assignment.case_id == case_id)
            .order_by(User.username)
        ).scalars()
    )


def summary(session: Session, case: Case) -> dict[str, Any]:
    """The case as the case list shows it: counts, assignees, screening."""
    docs = session.execute(
        select(func.count()).select_from(DocumentRow).where(DocumentRow.case_id == case.id)
    ).scalar_one()
    rows = session.execute(
        select(SuggestionRow.status, SuggestionRow.stale, func.count())
        .where(SuggestionRow.case_id == case.id)
        .group_by(SuggestionRow.status, SuggestionRow.stale)
    ).all()
    total = sum(n for _, _, n in rows)
    open_ = sum(n for status, stale, n in rows if status == "open" and not stale)
    return {
        "id": case.id,
        "name": case.name,
        "created_at": case.created_at,
        "created_by": case.created_by,
        "assignees": assignees(session, case.id),
        "documents": docs,
        "suggestions": total,
        "open_suggestions": open_,
        "screening": case.screening,
        "reviewed_at": case.reviewed_at,
    }


def list_cases(session: Session, user: User) -> list[dict[str, Any]]:
    q = select(Case).order_by(Case.created_at.desc(), Case.id.desc())
    if not sees_all(user):
        q = q.join(Assignment, Assignment.case_id == Case.id).where(Assignment.user_id == user.id)
    out = [summary(session, c) for c in session.execute(q).scalars()]
    audit.record_now(session, "view_cases", actor=user.username, detail={"count": len(out)})
    return out
