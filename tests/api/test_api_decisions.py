"""Decisions: ETag / If-Match, accept / reject / edit / undo, history, reviewers' findings,
concurrent writers. Through HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from apiutil import add_user, login, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from assistant.workbench.decisions import derive_state
from assistant.workbench.tables import DecisionRow, SuggestionRow


@pytest.fixture
def case(client: TestClient, app: FastAPI) -> dict[str, Any]:
    add_user(app, "alice")
    add_user(app, "carol")
    c = seed_case(app, "Op Birch", "alice")
    with app.state.sessions() as s:
        from assistant.workbench.cases import assign
        from assistant.workbench.tables import Case, User

        sup = User(username="setup", role="admin")
        assign(s, sup, s.get(Case, c["id"]), "carol")  # type: ignore[arg-type]
    c["alice"] = login(client, "alice")
    c["carol"] = login(client, "carol")
    c["url"] = f"/api/cases/{c['id']}/suggestions"
    return c


def _decide(
    client: TestClient, case: dict[str, Any], who: str, sid: str, etag: str | None, **body: Any
) -> Any:
    headers = dict(case[who])
    if etag is not None:
        headers["If-Match"] = etag
    return client.post(f"{case['url']}/{sid}/decisions", headers=headers, json=body)


def test_etag_if_match_and_the_life_of_a_decision(client: TestClient, case: dict[str, Any]) -> None:
    sid = case["sids"][0]
    r = client.get(f"{case['url']}/{sid}", headers=case["alice"])
    assert r.status_code == 200 and r.headers["etag"] == '"1"' and r.json()["etag"] == '"1"'
    assert (
        r.json()["status"] == "open"
        and r.json()["citations"][0]["document_id"] == case["doc_ids"][0]
    )

    r = _decide(client, case, "alice", sid, None, action="accept")
    assert r.status_code == 428 and "If-Match" in r.json()["detail"]

    r = _decide(client, case, "alice", sid, '"1"', action="accept", note="agreed")
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["status"], body["version"], body["decided_by"], body["note"]) == (
        "accepted",
        2,
        "alice",
        "agreed",
    )
    assert r.headers["etag"] == '"2"' and body["decision"]["action"] == "accepted"

    # Carol still holds version 1: her write is refused, with the current state attached.
    r = _decide(client, case, "carol", sid, '"1"', action="reject", reason="duplicate")
    assert r.status_code == 412
    assert (
        "someone else" in r.json()["detail"].lower() and r.json()["current"]["status"] == "accepted"
    )

    r = _decide(client, case, "carol", sid, '"2"', action="reject")
    assert r.status_code == 422 and "reason" in r.json()["detail"]
    r = _decide(client, case, "carol", sid, '"2"', action="reject", reason="other")
    assert r.status_code == 422 and "note" in r.json()["detail"]
    r = _decide(client, case, "carol", sid, '"2"', action="reject", reason="no such reason")
    assert r.status_code == 422
    r = _decide(
        client,
        case,
        "carol",
        sid,
        '"2"',
        action="reject",
        reason="line of inquiry was completed",
        note="result on p.4",
    )
    assert (
        r.status_code == 200
        and r.json()["status"] == "rejected"
        and r.json()["decided_by"] == "carol"
    )

    r = _decide(
        client, case, "alice", sid, '"3"', action="edit", title="  CCTV at the shop never viewed "
    )
    assert r.status_code == 200
    b = r.json()
    assert b["edited"] and b["title"] == "CCTV at the shop never viewed"
    assert b["original_title"] == "Check log.txt p1" and b["status"] == "rejected"

    # Undo walks back one decision at a time; nothing is deleted.
    r = _decide(client, case, "alice", sid, '"4"', action="undo")
    assert (r.json()["edited"], r.json()["title"], r.json()["status"]) == (
        False,
        "Check log.txt p1",
        "rejected",
    )
    r = _decide(client, case, "alice", sid, '"5"', action="undo")
    assert r.json()["status"] == "accepted" and r.json()["decided_by"] == "alice"
    r = _decide(client, case, "alice", sid, '"6"', action="undo")
    assert r.json()["status"] == "open" and r.json()["decided_by"] is None
    r = _decide(client, case, "alice", sid, '"7"', action="undo")
    assert r.status_code == 409 and "nothing to undo" in r.json()["detail"]

    hist = client.get(f"{case['url']}/{sid}/history", headers=case["carol"]).json()
    assert [h["action"] for h in hist] == [
        "accepted",
        "rejected",
        "edited",
        "undone",
        "undone",
        "undone",
    ]
    assert [h["reviewer"] for h in hist] == ["alice", "carol", "alice", "alice", "alice", "alice"]
    assert [h["undoes"] for h in hist[3:]] == [hist[2]["id"], hist[1]["id"], hist[0]["id"]]
    assert all(h["at"].endswith("Z") for h in hist)


def test_stored_state_is_the_derivation_of_the_log(
    client: TestClient, app: FastAPI, case: dict[str, Any]
) -> None:
    steps: list[dict[str, Any]] = [
        {"action": "accept"},
        {"action": "edit", "rationale": "better words"},
        {"action": "reject", "reason": "duplicate"},
        {"action": "undo"},
    ]
    for sid in case["sids"]:
        for i, step in enumerate(steps):
            assert _decide(client, case, "alice", sid, f'"{i + 1}"', **step).status_code == 200
    with app.state.sessions() as s:
        for row in s.execute(select(SuggestionRow)).scalars():
            decisions = list(
                s.execute(
                    select(DecisionRow).where(
                        DecisionRow.case_id == row.case_id, DecisionRow.suggestion_id == row.sid
                    )
                ).scalars()
            )
            st = derive_state(decisions)
            assert (row.status, row.edited, row.cur_rationale, row.decided_by) == (
                st.status,
                st.edited,
                st.rationale,
                st.decided_by,
            )
            assert row.status == "accepted" and row.cur_rationale == "better words"


def test_decisions_are_append_only_in_the_database(
    client: TestClient, app: FastAPI, case: dict[str, Any]
) -> None:
    assert (
        _decide(client, case, "alice", case["sids"][0], '"1"', action="accept").status_code == 200
    )
    for sql in ("UPDATE decisions SET action = 'rejected'", "DELETE FROM decisions"):
        with app.state.sessions() as s, pytest.raises(Exception, match="append-only"):
            s.execute(text(sql))
            s.commit()


def test_list_filters(client: TestClient, case: dict[str, Any]) -> None:
    url, h = case["url"], case["alice"]
    all_ = client.get(url, headers=h).json()
    assert [s["confidence"] for s in all_] == sorted((s["confidence"] for s in all_), reverse=True)
    _decide(client, case, "alice", all_[0]["id"], all_[0]["etag"], action="accept")
    assert [s["id"] for s in client.get(url + "?status=accepted", headers=h).json()] == [
        all_[0]["id"]
    ]
    assert len(client.get(url + "?status=open", headers=h).json()) == len(all_) - 1
    assert client.get(url + "?min_confidence=0.65", headers=h).json()[0]["id"] == all_[0]["id"]
    assert len(client.get(url + "?min_confidence=0.65", headers=h).json()) == 1
    assert client.get(url + "?type=missing_interview", headers=h).json() == []
    assert len(client.get(url + "?kind=other&type=unfollowed_inquiry", headers=h).json()) == len(
        all_
    )
    assert client.get(url + "?min_confidence=2", headers=h).status_code == 422


def test_a_reviewers_own_finding(client: TestClient, case: dict[str, Any]) -> None:
    doc = case["doc_ids"][0]
    page = client.get(
        f"/api/cases/{case['id']}/documents/{doc}/pages/2", headers=case["alice"]
    ).json()
    start = page["text"].index("Mark DOE")
    body = {
        "type": "missing_interview",
        "subject": "Mark DOE",
        "role": "suspect",
        "title": "Mark DOE never interviewed",
        "rationale": "No PACE interview on file.",
        "citation": {"document_id": doc, "page": 2, "start": start, "end": start + 8},
    }
    r = client.post(case["url"], headers=case["alice"], json=body)
    assert r.status_code == 201, r.text
    s = r.json()
    c = s["citations"][0]
    assert c["quote"] == page["text"][c["start"] : c["end"]] == "Mark DOE"
    assert (s["origin"], s["status"], s["confidence"], s["decided_by"]) == (
        "reviewer",
        "accepted",
        1.0,
        "alice",
    )
    assert r.headers["etag"] == '"1"'
    assert client.post(case["url"], headers=case["alice"], json=body).status_code == 409
    # An added finding cannot be undone away (a supervisor may reject it instead).
    assert _decide(client, case, "alice", s["id"], '"1"', action="undo").status_code == 409
    bad = [
        ({"citation": {**body["citation"], "end": 10_000}}, "outside"),
        ({"citation": {**body["citation"], "page": 9}}, "no page 9"),
        ({"subject": None}, "Name the person"),
        ({"type": "unfollowed_inquiry", "kind": "telepathy"}, "kind"),
    ]
    for change, words in bad:
        r = client.post(case["url"], headers=case["alice"], json={**body, **change})
        assert r.status_code in (404, 422) and words in r.json()["detail"], (change, r.text)


@pytest.mark.parametrize("writers", [8])
def test_concurrent_writers_on_one_version_exactly_one_wins(
    client: TestClient, case: dict[str, Any], writers: int
) -> None:
    sid = case["sids"][1]
    results: list[int] = []
    barrier = threading.Barrier(writers)

    def write(i: int) -> None:
        who = "alice" if i % 2 else "carol"
        barrier.wait()
        r = _decide(
            client,
            case,
            who,
            sid,
            '"1"',
            action="accept" if i % 2 else "reject",
            reason=None if i % 2 else "duplicate",
        )
        results.append(r.status_code)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [200] + [412] * (writers - 1)
    hist = client.get(f"{case['url']}/{sid}/history", headers=case["alice"]).json()
    assert len(hist) == 1 and hist[0]["version"] == 2
