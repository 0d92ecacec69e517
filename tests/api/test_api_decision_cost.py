"""The work one decision costs (issue 9 point 1, load): an accept, reject or edit goes on top
of the state cached on the suggestion without reading its decision log (which grows with
every decision), and the cached state stays what the whole log says."""

from __future__ import annotations

from typing import Any

from apiutil import add_user, login, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event

from assistant.workbench.decisions import derive_state


def _log_reads(app: FastAPI) -> list[str]:
    seen: list[str] = []

    @event.listens_for(app.state.engine, "before_cursor_execute")
    def _count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM decisions" in statement:
            seen.append(statement)

    return seen


def test_decisions_do_not_read_the_log_and_the_state_matches_it(
    client: TestClient, app: FastAPI
) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    case = seed_case(app, "Op Alder", "alice")
    url = f"/api/cases/{case['id']}/suggestions/{case['sids'][0]}"
    etag = client.get(url, headers=h).headers["etag"]
    reads = _log_reads(app)
    steps: list[dict[str, Any]] = [
        {"action": "accept", "note": "seen on the log"},
        {"action": "edit", "title": "CCTV from the shop"},
        {"action": "reject", "reason": "duplicate"},
        {"action": "undo"},
        {"action": "edit", "rationale": "never viewed"},
        {"action": "undo"},
        {"action": "undo"},
        {"action": "reject", "reason": "other", "note": "out of area"},
        {"action": "accept"},
    ]
    for body in steps:
        before = len(reads)
        r = client.post(f"{url}/decisions", headers={**h, "If-Match": etag}, json=body)
        assert r.status_code == 200, (body, r.text)
        etag = r.headers["etag"]
        if body["action"] != "undo":
            assert len(reads) == before, (body, reads[before:])  # no pass over the log
        # What the row says is what the whole log says.
        history = client.get(f"{url}/history", headers=h).json()

        class D:
            def __init__(self, d: dict[str, Any]) -> None:
                self.__dict__.update(d)

        st = derive_state([D(d) for d in history])
        s = r.json()
        assert (s["status"], s["edited"], s["decided_by"], s["reason"], s["note"]) == (
            st.status,
            st.edited,
            st.decided_by,
            st.reason,
            st.note,
        ), body
        assert s["title"] == (st.title if st.title else s["original_title"] or s["title"])
        assert s["rationale"] == (st.rationale if st.rationale else s["rationale"])
