"""The audit trail: what is recorded, the hash chain, and `python -m assistant audit verify`
detecting a changed, a removed and a truncated event."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from apiutil import add_user, login, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from api.audit_cli import main as audit_main
from api.settings import ApiSettings
from assistant.workbench.audit import verify_chain
from assistant.workbench.tables import AuditEvent

ROOT = Path(__file__).resolve().parents[2]


def _activity(client: TestClient, app: FastAPI) -> dict[str, str]:
    add_user(app, "alice")
    c = seed_case(app, "Op Fir", "alice")
    h = login(client, "alice")
    client.post("/api/auth/login", json={"username": "alice", "password": "not-her-password"})
    base = f"/api/cases/{c['id']}"
    client.get(f"{base}/documents/{c['doc_ids'][0]}/pages/1", headers=h)
    s = client.get(f"{base}/suggestions", headers=h).json()[0]
    client.post(
        f"{base}/suggestions/{s['id']}/decisions",
        headers={**h, "If-Match": s["etag"]},
        json={"action": "accept"},
    )
    client.get(f"{base}/search?q=cctv", headers=h)
    client.get(f"{base}/export?format=csv", headers=h)
    return h


def _env(app: FastAPI) -> dict[str, str]:
    st: ApiSettings = app.state.settings
    return {**os.environ, "ASSISTANT_DATA_DIR": str(st.data_dir), "ASSISTANT_DATABASE_URL": st.url}


def test_what_is_recorded(client: TestClient, app: FastAPI) -> None:
    _activity(client, app)
    admin = login(client, "admin")
    rows = client.get("/api/audit?limit=100", headers=admin).json()
    seen = {(r["actor"], r["action"], r["outcome"]) for r in rows}
    for expected in [
        ("alice", "login", "ok"),
        ("alice", "login", "failed"),
        ("alice", "view_page", "ok"),
        ("alice", "view_suggestions", "ok"),
        ("alice", "decision", "ok"),
        ("alice", "search", "ok"),
        ("alice", "export", "ok"),
        ("admin", "login", "ok"),
    ]:
        assert expected in seen, expected
    assert all(r["at"].endswith("Z") and len(r["hash"]) == 64 for r in rows)
    decision = next(r for r in rows if r["action"] == "decision")
    assert decision["case_id"] is not None and decision["detail"]["action"] == "accepted"
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), reverse=True)


def test_chain_verifies_and_tampering_is_detected(
    client: TestClient, app: FastAPI, capsys: pytest.CaptureFixture[str]
) -> None:
    _activity(client, app)
    with app.state.sessions() as s:
        check = verify_chain(s)
        assert check.ok and check.count > 8
        n = check.count
        # Append-only: the database itself refuses to change or remove an event...
        for sql in (
            "UPDATE audit_events SET actor = 'mallory' WHERE id = 3",
            "DELETE FROM audit_events WHERE id = 3",
        ):
            with pytest.raises(Exception, match="append-only"):
                s.execute(text(sql))
            s.rollback()
    env = _env(app)  # the CLI reads its settings from the environment
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "audit", "verify"],
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0 and f"OK: {n} audit events" in out.stdout

    # ...so an attacker with database access must first drop the guard; the chain still tells.
    _drop_guard(app)
    with app.state.sessions() as s:
        s.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE id = 4"))
        s.commit()
    rc = _verify_in_process(app, capsys)
    assert rc[0] == 1 and "#4" in rc[1] and "changed" in rc[1]


@pytest.mark.parametrize("attack", ["delete_middle", "truncate_tail", "rehash_one"])
def test_removed_or_rehashed_events_are_detected(
    client: TestClient, app: FastAPI, capsys: pytest.CaptureFixture[str], attack: str
) -> None:
    _activity(client, app)
    _drop_guard(app)
    with app.state.sessions() as s:
        last = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
        if attack == "delete_middle":
            s.execute(text("DELETE FROM audit_events WHERE id = 5"))
        elif attack == "truncate_tail":
            s.execute(text(f"DELETE FROM audit_events WHERE id >= {last - 1}"))
        else:  # change a row AND recompute its own hash: the next row's link breaks
            from assistant.workbench.audit import canonical, chain_hash

            ev = s.get(AuditEvent, 5)
            assert ev is not None
            ev.actor = "mallory"
            ev.hash = chain_hash(ev.prev_hash, canonical(ev), app.state.settings.audit_config().key)
        s.commit()
    rc, out = _verify_in_process(app, capsys)
    assert rc == 1, out
    assert {"delete_middle": "#6", "truncate_tail": "removed", "rehash_one": "#5"}[attack] in out


def _drop_guard(app: FastAPI) -> None:
    with app.state.sessions() as s:
        if s.get_bind().dialect.name == "postgresql":
            s.execute(text("DROP TRIGGER audit_events_no_change ON audit_events"))
        else:
            s.execute(text("DROP TRIGGER audit_events_no_update"))
            s.execute(text("DROP TRIGGER audit_events_no_delete"))
        s.commit()


def _verify_in_process(app: FastAPI, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    mp = pytest.MonkeyPatch()
    try:
        for k, v in _env(app).items():
            if k.startswith("ASSISTANT_"):
                mp.setenv(k, v)
        capsys.readouterr()
        rc = audit_main(argparse.Namespace(action="verify"))
        return rc, capsys.readouterr().out
    finally:
        mp.undo()


def _rewrite_from(s: Any, first: int, hasher: Any) -> None:
    """What an attacker with the database does: change event ``first`` and recompute every
    hash after it (and the head row), so the stored chain is consistent again."""
    from assistant.workbench.audit import canonical
    from assistant.workbench.tables import AuditHead

    rows = list(
        s.execute(
            select(AuditEvent).where(AuditEvent.id >= first).order_by(AuditEvent.id)
        ).scalars()
    )
    prev = rows[0].prev_hash
    for ev in rows:
        if ev.id == first:
            ev.actor = "mallory"
        ev.prev_hash = prev
        ev.hash = hasher(prev, canonical(ev))
        prev = ev.hash
    head = s.get(AuditHead, 1)
    head.seq, head.hash = rows[-1].id, prev


@pytest.mark.parametrize("attack", ["sha256_rewrite", "keyed_rewrite", "keyed_truncate"])
def test_rewrites_and_truncation_need_the_key_and_the_head_file(
    client: TestClient, app: FastAPI, capsys: pytest.CaptureFixture[str], attack: str
) -> None:
    """Issue 9 point 3: dropping the triggers, editing an event and recomputing every hash
    (without the key) no longer verifies; with a stolen key, the head file outside the
    database still catches both a rewrite and cutting the last events off."""
    import hashlib

    from assistant.workbench.audit import chain_hash
    from assistant.workbench.tables import AuditHead

    _activity(client, app)
    key = app.state.settings.audit_config().key
    _drop_guard(app)
    with app.state.sessions() as s:
        last = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
        assert last is not None and last > 7
        if attack == "sha256_rewrite":
            _rewrite_from(s, 5, lambda p, c: hashlib.sha256((p + c).encode()).hexdigest())
        elif attack == "keyed_rewrite":
            _rewrite_from(s, 5, lambda p, c: chain_hash(p, c, key))
        else:
            cut = last - 2
            s.execute(text(f"DELETE FROM audit_events WHERE id > {cut}"))
            ev = s.get(AuditEvent, cut)
            head = s.get(AuditHead, 1)
            head.seq, head.hash = cut, ev.hash
        s.commit()
    rc, out = _verify_in_process(app, capsys)
    assert rc == 1, out
    expected = {
        "sha256_rewrite": "#5",
        "keyed_rewrite": "head file",
        "keyed_truncate": "head file says",
    }[attack]
    assert expected in out, out


def test_head_file_follows_every_event(client: TestClient, app: FastAPI) -> None:
    _activity(client, app)
    head_file = app.state.settings.audit_config().head_file
    lines = head_file.read_text().split()
    with app.state.sessions() as s:
        n = s.execute(select(AuditEvent.id).order_by(AuditEvent.id.desc())).scalars().first()
    seqs = sorted(int(x) for x in lines[0::2])
    assert seqs == list(range(1, n + 1))
