"""The learning report export in the workbench (supervisor or admin): accepted findings by force,
NFA year and failing type, with example citations."""

from __future__ import annotations

from apiutil import add_user, login, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient


def test_learning_report_export(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    add_user(app, "sam", role="supervisor")
    c = seed_case(app, "Op Linnet", "alice",
                  {"log.txt": ["Calderbrook Police. CCTV was requested. Never viewed.", "Closed."]})
    h = login(client, "alice")
    url = f"/api/cases/{c['id']}/suggestions"
    sugs = client.get(url, headers=h).json()
    assert sugs
    r = client.post(f"{url}/{sugs[0]['id']}/decisions", headers={**h, "If-Match": sugs[0]["etag"]},
                    json={"action": "accept"})
    assert r.status_code == 200
    assert client.get("/api/learning-report", headers=h).status_code == 403  # a reviewer sees only her cases
    hs = login(client, "sam")
    rows = client.get("/api/learning-report", headers=hs).json()
    assert len(rows) == 1 and rows[0]["accepted"] == 1 and rows[0]["force"] == "Calderbrook Police"
    assert rows[0]["examples"].startswith("Op Linnet: log.txt p.")
    r = client.get("/api/learning-report?format=csv", headers=hs)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.text.splitlines()[0] == "force,nfa_year,failing_type,accepted,cases,examples"
