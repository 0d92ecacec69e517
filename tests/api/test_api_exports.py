"""Exports: the review JSON (FORMATS.md section 3 + decisions), CSV, and the printable
action plan (accepted findings, who decided and when, versions)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from apiutil import add_user, login, seed_case
from fastapi import FastAPI
from fastapi.testclient import TestClient


@pytest.fixture
def decided(client: TestClient, app: FastAPI) -> dict[str, Any]:
    add_user(app, "alice")
    c = seed_case(
        app,
        "Op Juniper",
        "alice",
        {
            "log.txt": [
                "=SUM(A1:A9) CCTV was requested. Never viewed.",
                "Plain second page. Closed.",
            ],
            "mg5.txt": ["<script>alert(1)</script> house-to-house planned. Not done."],
        },
    )
    h = login(client, "alice")
    url = f"/api/cases/{c['id']}/suggestions"
    sugs = client.get(url, headers=h).json()
    acts = [
        {"action": "accept", "note": "priority action"},
        {"action": "reject", "reason": "duplicate"},
        {"action": "accept"},
    ]
    for s, body in zip(sugs, acts, strict=True):
        r = client.post(
            f"{url}/{s['id']}/decisions", headers={**h, "If-Match": s["etag"]}, json=body
        )
        assert r.status_code == 200
    r = client.post(
        f"{url}/{sugs[2]['id']}/decisions",
        headers={**h, "If-Match": '"2"'},
        json={"action": "edit", "title": "House-to-house to be completed"},
    )
    assert r.status_code == 200
    return {"case": c, "h": h, "sugs": sugs}


def test_json_is_the_review_output_with_decisions(
    client: TestClient, decided: dict[str, Any]
) -> None:
    c, h = decided["case"], decided["h"]
    r = client.get(f"/api/cases/{c['id']}/export?format=json", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "attachment" in r.headers["content-disposition"]
    out = r.json()
    assert out["case"] == "Op Juniper"
    assert {d["name"] for d in out["documents"]} == {"log.txt", "mg5.txt"}
    assert set(out["screening"]) >= {
        "in_scope",
        "reasons",
        "suspects",
        "victims",
        "rape_alleged",
        "priority",
    }
    for s in out["suggestions"]:  # FORMATS.md section 3 fields
        assert set(s) >= {
            "id",
            "type",
            "kind",
            "subject",
            "role",
            "title",
            "rationale",
            "confidence",
            "citations",
            "status",
            "decided_by",
        }
        for cit in s["citations"]:
            assert set(cit) >= {"document", "page", "start", "end", "quote"}
    statuses = sorted(s["status"] for s in out["suggestions"])
    assert statuses == ["accepted", "accepted", "rejected"]
    assert [d["action"] for d in out["decisions"]] == ["accepted", "rejected", "accepted", "edited"]


def test_csv_one_row_per_suggestion_safe_for_spreadsheets(
    client: TestClient, decided: dict[str, Any]
) -> None:
    c, h = decided["case"], decided["h"]
    r = client.get(f"/api/cases/{c['id']}/export?format=csv", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 3
    assert {row["status"] for row in rows} == {"accepted", "rejected"}
    assert all(row["decided_by"] == "alice" for row in rows)
    formula = next(row for row in rows if "SUM" in row["quote"])
    assert formula["quote"].startswith("'=")  # not run as a formula


def test_report_lists_accepted_findings_as_actions(
    client: TestClient, decided: dict[str, Any]
) -> None:
    c, h = decided["case"], decided["h"]
    r = client.get(f"/api/cases/{c['id']}/export?format=report", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]  # no script at all
    html = r.text
    assert "Reinvestigation action plan: Op Juniper" in html
    assert "House-to-house to be completed" in html and "(wording edited by the reviewer)" in html
    assert "accepted by alice at" in html and "priority action" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # the file's text is escaped
    rejected = decided["sugs"][1]["citations"][0]["quote"]
    assert rejected not in html  # the rejected one is not an action
    assert "seed" in html  # model / ruleset versions
    # One <main> landmark holding the whole report (axe: landmark-one-main, region).
    assert html.count("<main>") == 1 and html.index("<main>") < html.index("<h1>")
    assert html.index("</main>") > html.index("Model and ruleset versions")


def test_unknown_format(client: TestClient, decided: dict[str, Any]) -> None:
    r = client.get(f"/api/cases/{decided['case']['id']}/export?format=pdf", headers=decided["h"])
    assert r.status_code == 422 and isinstance(r.json()["detail"], str)
