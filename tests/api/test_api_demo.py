"""`python -m assistant demo` without a terminal: reviews the sample cases, prints each
summary and the first login, loads the cases, and exits 0 without serving. A second run
reuses what is there and keeps the reviewer's decisions."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from apiutil import FAKE_DETECTORS
from fastapi.testclient import TestClient

import api.demo as demo
from api.app import create_app
from api.settings import ApiSettings


@pytest.fixture
def samples(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "samples"
    for split, case, text in [
        ("train", "c01", "CCTV from the shop was never viewed."),
        ("test", "c02", "Mark DOE was not interviewed. CCTV not seized."),
    ]:
        (root / split / case).mkdir(parents=True)
        (root / split / case / "log.txt").write_text(text)
    (root / "train" / "c01" / "notes.xyz").write_text("not a case file type")
    monkeypatch.setattr(demo, "SAMPLES", root)
    for k, v in {
        "ASSISTANT_DATA_DIR": str(tmp_path / "data"),
        "ASSISTANT_DETECTORS": FAKE_DETECTORS,
        "ASSISTANT_BUILD_INDEX": "false",
        "ASSISTANT_PASSWORD_HASH_TIME_COST": "1",
        "ASSISTANT_PASSWORD_HASH_MEMORY_KIB": "1024",
    }.items():
        monkeypatch.setenv(k, v)
    return root


def _run(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    rc = demo.main(argparse.Namespace(no_serve=False, host="127.0.0.1", port=8000))
    return rc, capsys.readouterr().out


def test_demo_unattended_and_idempotent(samples: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out = _run(capsys)  # stdin is not a terminal under pytest: no serving
    assert rc == 0, out
    assert "CASE train/c01" in out and "CASE test/c02" in out
    assert "skipped notes.xyz" in out
    assert "http://127.0.0.1:8000" in out and "./run demo" in out
    m = re.search(r"username: reviewer\s+password: (\S+)", out)
    assert m, out
    password = m.group(1)

    app = create_app(ApiSettings())
    with TestClient(app) as c:
        r = c.post("/api/auth/login", json={"username": "reviewer", "password": password})
        h = {"Authorization": f"Bearer {r.json()['token']}"}
        cases = {x["name"]: x for x in c.get("/api/cases", headers=h).json()}
        assert set(cases) == {"train/c01", "test/c02"}
        cid = cases["test/c02"]["id"]
        sugs = c.get(f"/api/cases/{cid}/suggestions", headers=h).json()
        assert len(sugs) == 2
        r = c.post(
            f"/api/cases/{cid}/suggestions/{sugs[0]['id']}/decisions",
            headers={**h, "If-Match": sugs[0]["etag"]},
            json={"action": "accept"},
        )
        assert r.status_code == 200
    app.state.engine.dispose()

    rc, out2 = _run(capsys)
    assert rc == 0
    assert f"stored as case {cid}: 0 new, 2 unchanged" in out2
    assert password in out2  # the first login is shown again while its note file exists
    app = create_app(ApiSettings())
    with TestClient(app) as c:
        h = {
            "Authorization": "Bearer "
            + c.post("/api/auth/login", json={"username": "reviewer", "password": password}).json()[
                "token"
            ]
        }
        s = c.get(f"/api/cases/{cid}/suggestions/{sugs[0]['id']}", headers=h).json()
        assert s["status"] == "accepted" and s["decided_by"] == "reviewer"
        assert len(c.get("/api/cases", headers=h).json()) == 2  # no duplicate cases
    app.state.engine.dispose()
