"""The audit trail: append-only, hash-chained events (who, what, when in UTC, which case, outcome).

Each event's ``hash`` is ``HMAC-SHA256(key, prev_hash + canonical JSON of the event)``, where
the canonical JSON holds every column but ``hash`` itself, with sorted keys and no spaces, and
the key is kept outside the database (``ASSISTANT_AUDIT_KEY``, or ``audit.key`` in the data
directory): someone who can rewrite the database but not read the key cannot make a changed
event, or a recomputed chain, verify. Ids run 1, 2, 3... with no gaps, and the ``audit_head``
row holds the last id and hash.

Each committed event's (id, hash) is also appended to a head file outside the database
(``audit.head`` in the data directory; put it on append-only or shipped-off storage), so cutting
the last events and rewinding the head row, or rewriting events with a stolen key, is caught
too: ``verify_chain`` checks every line of the file against the chain. The file may lag the
database by the events of a crash (written after each commit), never lead it.

Events are written in the same transaction as the action they record, so an action and its
audit event are stored together or not at all. Details carry ids and counts, never page text.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, event, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from assistant.workbench.clock import now_iso
from assistant.workbench.db import writing
from assistant.workbench.tables import AuditEvent, AuditHead

GENESIS = "0" * 64
_EVENT_COLUMNS = tuple(c.key for c in AuditEvent.__table__.columns)
# The statements of an append, built once (see ``record``).
_HEAD = select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1).with_for_update()
_APPEND = insert(AuditEvent).values(
    {c: bindparam(f"e_{c}", type_=AuditEvent.__table__.c[c].type) for c in _EVENT_COLUMNS}
)
_MOVE = (
    update(AuditHead)
    .where(AuditHead.id == 1)
    .values(seq=bindparam("e_id"), hash=bindparam("e_hash"))
)
# PostgreSQL: the event and the moved head in one statement (a data-modifying WITH).
_APPEND_AND_MOVE = _APPEND.add_cte(_MOVE.cte("moved_head"))


@dataclass(frozen=True, slots=True)
class AuditKey:
    """The chain's key and the head file. Given to sessions as ``session.info["audit"]``
    (``db.session_factory(engine, info=...)``), or to the process with ``configure``."""

    key: bytes
    head_file: Path | None = None


_DEFAULT: AuditKey | None = None


def configure(cfg: AuditKey) -> None:
    """The key for sessions that do not carry their own (the process's one database)."""
    global _DEFAULT
    _DEFAULT = cfg


def key_for(session: Session) -> AuditKey:
    cfg = session.info.get("audit") or _DEFAULT
    if cfg is None:
        raise RuntimeError(
            "The audit trail has no key: start through api.app.create_app, or call "
            "assistant.workbench.audit.configure first."
        )
    return cfg


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


def chain_hash(prev_hash: str, canonical_json: str, key: bytes) -> str:
    return hmac.new(key, (prev_hash + canonical_json).encode("utf-8"), hashlib.sha256).hexdigest()


@event.listens_for(Session, "after_commit")
def _write_heads(session: Session) -> None:
    pending = session.info.pop("audit_pending", None)
    if not pending:
        return
    cfg = key_for(session)
    if cfg.head_file is None:
        return
    lines = "".join(f"{seq} {h}\n" for seq, h in pending).encode()
    # O_APPEND: each write lands at the end, whole, even with other threads writing.
    fd = os.open(cfg.head_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, lines)
    finally:
        os.close(fd)


@event.listens_for(Session, "after_rollback")
def _forget_heads(session: Session) -> None:
    session.info.pop("audit_pending", None)


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
    chain never forks. Every append in the database waits for that lock until the appending
    transaction commits, so the work done holding it is kept to the least: two round trips
    on PostgreSQL (the head, then the event and the moved head in one statement) before the
    commit, plain statements with no ORM bookkeeping.
    """
    seq, prev = session.execute(_HEAD).one()
    ev = AuditEvent(
        id=seq + 1,
        at=now_iso(),
        actor=actor,
        action=action,
        case_id=case_id,
        target=target,
        outcome=outcome,
        detail=detail or None,
        prev_hash=prev,
    )
    ev.hash = chain_hash(prev, canonical(ev), key_for(session).key)
    params = {f"e_{c}": getattr(ev, c) for c in _EVENT_COLUMNS}
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        conn.execute(_APPEND_AND_MOVE, params)
    else:
        conn.execute(_APPEND, params)
        conn.execute(_MOVE, params)
    loaded = session.identity_map.get(session.identity_key(AuditHead, 1))
    if loaded is not None:  # a head this session read before: keep it current
        set_committed_value(loaded, "seq", ev.id)
        set_committed_value(loaded, "hash", ev.hash)
    session.info.setdefault("audit_pending", []).append((ev.id, ev.hash))
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


def _read_heads(path: Path) -> dict[int, str] | str:
    """The head file's (id -> hash), or why it cannot be read."""
    heads: dict[int, str] = {}
    try:
        with open(path, encoding="ascii") as f:
            for i, line in enumerate(f, 1):
                parts = line.split()
                if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
                    return f"line {i} of the head file {path} is damaged"
                heads[int(parts[0])] = parts[1]
    except FileNotFoundError:
        return f"the head file {path} is missing"
    except (OSError, UnicodeDecodeError) as e:
        return f"the head file {path} cannot be read ({type(e).__name__})"
    return heads


def verify_chain(session: Session, cfg: AuditKey | None = None) -> ChainCheck:
    """Recompute every keyed hash in order, then check the head row and every line of the
    head file against the chain; report the first thing that does not fit."""
    cfg = cfg or key_for(session)
    heads: dict[int, str] = {}
    if cfg.head_file is not None:
        got = _read_heads(cfg.head_file)
        if isinstance(got, str):
            if session.execute(select(AuditEvent.id).limit(1)).first() is not None:
                return ChainCheck(False, 0, None, got)
        else:
            heads = got
    prev = GENESIS
    n = 0
    for ev in _events(session):
        n += 1
        if ev.id != n:
            return ChainCheck(False, n - 1, ev.id, f"event #{n} is missing (next is #{ev.id})")
        if ev.prev_hash != prev:
            return ChainCheck(False, n - 1, ev.id, "its link to the previous event does not match")
        if not hmac.compare_digest(chain_hash(ev.prev_hash, canonical(ev), cfg.key), ev.hash):
            return ChainCheck(
                False,
                n - 1,
                ev.id,
                "its contents were changed after it was written (or it was not written "
                "with this installation's audit key)",
            )
        if ev.id in heads and heads[ev.id] != ev.hash:
            return ChainCheck(
                False, n - 1, ev.id, "it differs from the one the head file recorded"
            )
        prev = ev.hash
    head = session.get(AuditHead, 1)
    if head is None:
        return ChainCheck(False, n, None, "the chain's head record is missing")
    if head.seq != n or head.hash != prev:
        return ChainCheck(
            False, n, n + 1, f"events after #{n} were removed (the head says #{head.seq})"
        )
    last_recorded = max(heads, default=0)
    if last_recorded > n:
        return ChainCheck(
            False,
            n,
            n + 1,
            f"events after #{n} were removed (the head file says #{last_recorded})",
        )
    return ChainCheck(True, n)


def list_events(
    session: Session, *, limit: int, case_id: int | None = None, actor: str | None = None
) -> list[dict[str, Any]]:
    """The latest ``limit`` audit events, newest first, of one case or one actor if given."""
    q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if case_id is not None:
        q = q.where(AuditEvent.case_id == case_id)
    if actor:
        q = q.where(AuditEvent.actor == actor)
    return [
        {
            "id": e.id,
            "at": e.at,
            "actor": e.actor,
            "action": e.action,
            "case_id": e.case_id,
            "target": e.target,
            "outcome": e.outcome,
            "detail": e.detail,
            "hash": e.hash,
        }
        for e in session.execute(q).scalars()
    ]
