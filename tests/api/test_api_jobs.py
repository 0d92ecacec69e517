"""Processing jobs: a job that runs past its time limit is killed and reported, the server
keeps answering, and the next job gets a fresh worker. SQLite only (the runner does not
depend on the database)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from apiutil import HERE, add_user, login, make_settings, wait_job
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app


@pytest.fixture
def app(tmp_path: Path, sqlite_url: str) -> FastAPI:
    settings = make_settings(
        tmp_path / "data",
        sqlite_url,
        job_timeout_s=4,
        detectors=f"{HERE / 'api_fake_detectors.py'}:stalling_detectors",
    )
    return create_app(settings)


def test_a_job_past_its_time_limit_is_stopped(client: TestClient, app: FastAPI) -> None:
    add_user(app, "alice")
    h = login(client, "alice")
    cid = client.post("/api/cases", headers=h, json={"name": "Op Laurel"}).json()["id"]
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", ("stall.txt", b"CCTV requested. STALL here.", "text/plain"))],
    )
    t0 = time.monotonic()
    job = wait_job(client, r.json()["job_id"], h, timeout=60)
    assert job["status"] == "failed" and "time limit" in job["error"], job
    assert time.monotonic() - t0 < 40
    assert client.get("/api/health").status_code == 200
    doc = client.get(f"/api/cases/{cid}/documents", headers=h).json()[0]
    assert (doc["status"], doc["error_code"]) == ("failed", "timeout")
    assert job["errors"][0]["document"] == "stall.txt"

    app.state.runner.timeout_s = 120  # the next job, on a fresh worker, finishes
    r = client.post(
        f"/api/cases/{cid}/documents",
        headers=h,
        files=[("files", ("ok.txt", b"CCTV was requested from the garage.", "text/plain"))],
    )
    job = wait_job(client, r.json()["job_id"], h)
    assert job["status"] == "done", job
    assert len(client.get(f"/api/cases/{cid}/suggestions", headers=h).json()) == 1
