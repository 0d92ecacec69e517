"""Object-level checks: for every route that takes an id, a reviewer who is not assigned to
the case can neither read nor change anything of it (404, as for a case that does not
exist), and ids of one case cannot be reached through another case's address."""

from __future__ import annotations

from typing import Any

import pytest
from apiutil import add_user, login, seed_case, seed_image_doc
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from assistant.workbench.tables import AuditEvent, DecisionRow, DocumentRow, SuggestionRow

# (method, path template, request kwargs). {cid} case, {did} document, {img} image document,
# {sid} suggestion, {jid} job.
ROUTES: list[tuple[str, str, dict[str, Any]]] = [
    ("GET", "/api/cases/{cid}", {}),
    ("POST", "/api/cases/{cid}/assignees", {"json": {"username": "bob"}}),
    ("GET", "/api/cases/{cid}/documents", {}),
    (
        "POST",
        "/api/cases/{cid}/documents",
        {"files": [("files", ("x.txt", b"CCTV was seized.", "text/plain"))]},
    ),
    ("GET", "/api/cases/{cid}/jobs", {}),
    ("GET", "/api/jobs/{jid}", {}),
    ("GET", "/api/cases/{cid}/documents/{did}/pages/1", {}),
    ("GET", "/api/cases/{cid}/documents/{img}/pages/1/image", {}),
    ("GET", "/api/cases/{cid}/suggestions", {}),
    (
        "POST",
        "/api/cases/{cid}/suggestions",
        {
            "json": {
                "type": "unfollowed_inquiry",
                "kind": "cctv",
                "title": "mine",
                "rationale": "r",
                "citation": {"document_id": "{did}", "page": 1, "start": 0, "end": 4},
            }
        },
    ),
    ("GET", "/api/cases/{cid}/suggestions/{sid}", {}),
    (
        "POST",
        "/api/cases/{cid}/suggestions/{sid}/decisions",
        {"json": {"action": "accept"}, "headers": {"If-Match": '"1"'}},
    ),
    ("GET", "/api/cases/{cid}/suggestions/{sid}/history", {}),
    ("GET", "/api/cases/{cid}/search?q=cctv", {}),
    ("GET", "/api/cases/{cid}/search?q=cctv&mode=meaning", {}),
    ("GET", "/api/cases/{cid}/export?format=json", {}),
    ("GET", "/api/cases/{cid}/export?format=csv", {}),
    ("GET", "/api/cases/{cid}/export?format=report", {}),
]


def _fill(obj: Any, ids: dict[str, Any]) -> Any:
    if isinstance(obj, str):
        for k, v in ids.items():
            obj = obj.replace("{" + k + "}", str(v))
        return int(obj) if obj.isdigit() and obj != "1" and ids.get("_int") else obj
    if isinstance(obj, dict):
        return {k: _fill(v, ids) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_fill(v, ids) for v in obj]
    if isinstance(obj, tuple):
        return tuple(_fill(v, ids) for v in obj)
    return obj


def _call(
    client: TestClient,
    method: str,
    path: str,
    kw: dict[str, Any],
    ids: dict[str, Any],
    auth: dict[str, str],
) -> Any:
    kw = _fill(kw, ids)
    if "json" in kw and "citation" in kw["json"]:
        kw["json"]["citation"]["document_id"] = int(kw["json"]["citation"]["document_id"])
    headers = {**auth, **kw.pop("headers", {})}
    return client.request(method, _fill(path, ids), headers=headers, **kw)


@pytest.fixture
def world(client: TestClient, app: FastAPI) -> dict[str, Any]:
    add_user(app, "alice")
    add_user(app, "bob")
    a = seed_case(app, "Op Alice", "alice")
    b = seed_case(
        app,
        "Op Bob",
        "bob",
        {
            "notes.txt": [
                "House-to-house was done. Nothing found.",
                "The phone was downloaded. Report on file.",
            ]
        },
    )
    a["img"] = seed_image_doc(app, a["id"], "alice")
    return {"a": a, "b": b, "alice": login(client, "alice"), "bob": login(client, "bob")}


def _ids(case: dict[str, Any]) -> dict[str, Any]:
    return {
        "cid": case["id"],
        "did": case["doc_ids"][0],
        "img": case.get("img", 0),
        "sid": case["sids"][0],
        "jid": case["job_id"],
    }


def _state(app: FastAPI) -> tuple[int, ...]:
    with app.state.sessions() as s:
        return (
            s.execute(select(func.count()).select_from(DecisionRow)).scalar_one(),
            s.execute(select(func.count()).select_from(SuggestionRow)).scalar_one(),
            s.execute(select(func.count()).select_from(DocumentRow)).scalar_one(),
            s.execute(select(func.sum(SuggestionRow.version))).scalar_one(),
        )


def test_a_reviewer_cannot_reach_another_case(
    client: TestClient, app: FastAPI, world: dict[str, Any]
) -> None:
    ids = _ids(world["a"])
    before = _state(app)
    for method, path, kw in ROUTES:
        r = _call(client, method, path, kw, ids, world["bob"])
        assert r.status_code == 404, (method, path, r.status_code, r.text)
        assert "Op Alice" not in r.text and "CCTV" not in r.text
    assert _state(app) == before  # nothing of Alice's case changed
    with app.state.sessions() as s:
        denied = s.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.actor == "bob", AuditEvent.outcome == "denied")
        ).scalar_one()
    assert denied == len(ROUTES)
    assert [c["name"] for c in client.get("/api/cases", headers=world["bob"]).json()] == ["Op Bob"]


def test_ids_of_one_case_do_not_work_through_another(
    client: TestClient, world: dict[str, Any]
) -> None:
    """Bob's own case id in the path, with Alice's document, suggestion ids: still 404."""
    mixed = {**_ids(world["a"]), "cid": world["b"]["id"]}
    for method, path, kw in ROUTES:
        if (
            "{did}" not in path
            and "{img}" not in path
            and "{sid}" not in path
            and "document_id" not in str(kw)
        ):
            continue
        r = _call(client, method, path, kw, mixed, world["bob"])
        assert r.status_code == 404, (method, path, r.status_code, r.text)


def test_the_assigned_reviewer_can(client: TestClient, world: dict[str, Any]) -> None:
    """The same table, by the case's own reviewer: every route answers (so the 404s above
    come from the object check, not from a broken route)."""
    ids = _ids(world["a"])
    expected = {
        ("POST", "/api/cases/{cid}/assignees"): 403,  # reviewers do not assign
        ("POST", "/api/cases/{cid}/documents"): 202,
        ("POST", "/api/cases/{cid}/suggestions"): 201,
        ("GET", "/api/cases/{cid}/search?q=cctv&mode=meaning"): 409,
    }  # no index built
    for method, path, kw in ROUTES:
        r = _call(client, method, path, kw, ids, world["alice"])
        assert r.status_code == expected.get((method, path), 200), (method, path, r.text)
