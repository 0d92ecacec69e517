"""The audit trail: append-only, hash-chained events (who, what, when in UTC, which case, outcome).

Each event's ``hash`` is ``sha256(prev_hash + canonical JSON of the event)``, where the
canonical JSON holds every column but ``hash`` itself, with sorted keys and no spaces. Ids run
1, 2, 3... with no gaps, and the ``audit_head`` row holds the last id and hash, so a changed,
removed or truncated event all break the chain. ``verify_chain`` finds the first break.

Events are written in the same transaction as the action they record, so an action and its
audit event are stored together or not at all. Details carry ids and counts, never page text.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.review.clock import now_iso
from assistant.review.db import writing
from assistant.review.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def canonical(ev: AuditEvent | dict[str, Any]) -> str:
    """The canonical JSON of an event (every column but ``hash``)."""
    if isinstance(ev, AuditEvent):
        ev = {
            "id": ev.id,
            "at": ev.at,
            "actor": ev.actor,
            "action": ev.action,
            "case_id": ev.case_id,
            "target": ev.target,
            "outcome": ev.outcome,
            "detail": ev.detail,
            "prev_hash": ev.prev_hash,
        }
    return json.dumps(ev, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, canonical_json: str) -> str:
    return hashlib.sha256((prev_hash + canonical_json).encode("utf-8")).hexdigest()


def record(
    session: Session,
    action: str,
    *,
    actor: str | None,
    case_id: int | None = None,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event in the caller's transaction (the caller commits).

    The head row is locked (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite transactions
    already hold the write lock from ``BEGIN IMMEDIATE``), so concurrent appends queue and the
    chain never forks.
    """
    head = session.execute(
        select(AuditHead)
        .where(AuditHead.id == 1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    ev = AuditEvent(
        id=head.seq + 1,
        at=now_iso(),
        actor=actor,
        action=action,
        case_id=case_id,
        target=target,
        outcome=outcome,
        detail=detail or None,
        prev_hash=head.hash,
    )
    ev.hash = chain_hash(ev.prev_hash, canonical(ev))
    session.add(ev)
    head.seq = ev.id
    head.hash = ev.hash
    session.flush()
    return ev


def record_now(
    session: Session,
    action: str,
    *,
    actor: str | None,
    case_id: int | None = None,
    target: str | None = None,
    outcome: str = "ok",
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one event in a short write transaction of its own, committed before returning:
    for what changes nothing else (a view, a list, a refused request)."""
    with writing(session):
        record(
            session,
            action,
            actor=actor,
            case_id=case_id,
            target=target,
            outcome=outcome,
            detail=detail,
        )


@dataclass(slots=True)
class ChainCheck:
    ok: bool
    count: int
    broken_id: int | None = None
    reason: str = ""


def _events(session: Session, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    while True:
        rows = (
            session.execute(
                select(AuditEvent).where(AuditEvent.id > last).order_by(AuditEvent.id).limit(batch)
            )
            .scalars()
            .all()
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].id
        session.expunge_all()  # keep memory flat on a long trail


def verify_chain(session: Session) -> ChainCheck:
    """Recompute every hash in order; report the first event that does not fit the chain."""
    prev = GENESIS
    n = 0
    for ev in _events(session):
        n += 1
        if ev.id != n:
            return ChainCheck(False, n - 1, ev.id, f"event #{n} is missing (next is #{ev.id})")
        if ev.prev_hash != prev:
            return ChainCheck(False, n - 1, ev.id, "its link to the previous event does not match")
        if chain_hash(ev.prev_hash, canonical(ev)) != ev.hash:
            return ChainCheck(False, n - 1, ev.id, "its contents were changed after it was written")
        prev = ev.hash
    head = session.get(AuditHead, 1)
    if head is None:
        return ChainCheck(False, n, None, "the chain's head record is missing")
    if head.seq != n or head.hash != prev:
        return ChainCheck(
            False, n, n + 1, f"events after #{n} were removed (the head says #{head.seq})"
        )
    return ChainCheck(True, n)
