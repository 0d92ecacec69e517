"""The OpenAPI document is the API: security schemes, 405 answers, and a bounded schemathesis
run over every operation (issue 9 point 12)."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path
from typing import Any

import schemathesis
from apiutil import add_user, login, make_settings, seed_case
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.app import create_app
from assistant.workbench.auth import password_problem


def test_openapi_declares_bearer_and_cookie_schemes(client: TestClient) -> None:
    doc = client.get("/api/openapi.json").json()
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearer"]["description"],
    }
    assert schemes["cookie"]["type"] == "apiKey" and schemes["cookie"]["in"] == "cookie"
    assert schemes["cookie"]["name"] == "session"
    public = {("post", "/api/auth/login"), ("get", "/api/health"), ("get", "/api/reject-reasons")}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            if (method, path) in public:
                assert "security" not in op, (method, path)
                continue
            # Either scheme will do: two alternatives, not both at once.
            assert op.get("security") == [{"bearer": []}, {"cookie": []}], (method, path)
            assert "401" in op["responses"], (method, path)


def test_public_operations_answer_without_a_login(client: TestClient) -> None:
    assert client.get("/api/health").status_code == 200
    assert client.get("/api/reject-reasons").status_code == 200
    assert client.get("/api/me").status_code == 401


def test_405_lists_every_allowed_method(client: TestClient) -> None:
    r = client.delete("/api/cases")
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"  # two routes share the path
    assert "GET, POST" in r.json()["detail"]
    assert r.headers["x-content-type-options"] == "nosniff"
    r = client.put("/api/cases/1/suggestions/abc")
    assert r.status_code == 405 and r.headers["allow"] == "GET"
    r = client.get("/api/auth/login")
    assert r.status_code == 405 and r.headers["allow"] == "POST"


# --- schemathesis ----------------------------------------------------------------------------
# Cases per operation and generation mode: 27 operations, positive and negative data, half of
# the case routes again with ids that exist: about 800 requests in all, well under 90 s.
EXAMPLES = 10
PINNED_EXAMPLES = 8
# An over-long body (a negative case of a length limit) is refused by the body limit, before
# validation: 413 is a rejection as good as 422.
# A precondition is state, not schema: a well-formed but stale If-Match is 412 and a missing
# one 428 (RFC 6585), not 400 or 422.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "412", "429", "5xx"]
            },
            "missing_required_header": {
                "expected-statuses": ["400", "401", "403", "406", "415", "422", "428"]
            },
            "negative_data_rejection": {
                "expected-statuses": [
                    "400",
                    "401",
                    "403",
                    "404",
                    "405",
                    "406",
                    "409",
                    "413",
                    "415",
                    "422",
                    "428",
                    "429",
                    "5xx",
                ]
            },
        }
    }
)

# Rules the schema cannot state: a password that is common, a pattern, or the username.
_PASSWORD_FIELDS = {"POST /api/users": "password", "POST /api/auth/password": "new_password"}


def _blank(value: Any) -> bool:
    return not isinstance(value, str) or not value.strip()


def _real_positive(case: Any) -> bool:
    """Positive cases only where the data really is valid: rules across fields, or about
    what a password may be, that a JSON schema cannot state (the route's doc says them)."""
    body, label = case.body, case.operation.label
    if not isinstance(body, dict):
        return True
    field = _PASSWORD_FIELDS.get(label)
    if field is not None and field in body:
        username = body.get("username", "admin")
        return password_problem(body[field], username=str(username)) is None
    if label == "POST /api/cases/{case_id}/suggestions":
        cit = body.get("citation", {})
        if cit.get("start", 0) >= cit.get("end", 1):
            return False
        if body.get("type") == "missing_interview":
            return not _blank(body.get("subject")) and body.get("role") is not None
    if label == "POST /api/cases/{case_id}/suggestions/{sid}/decisions":
        action = body.get("action")
        if action == "reject":
            return body.get("reason") is not None and (
                body["reason"] != "other" or not _blank(body.get("note"))
            )
        if action == "edit":
            return not (_blank(body.get("title")) and _blank(body.get("rationale")))
    return True


def _refused_for_content(case: Any, response: Any) -> bool:
    """A 422 for what the data is, not its form: an upload whose files are all refused for
    what is inside them (the schema can say 'binary', not 'a file the assistant reads'), a
    citation past the end of the page's text (the page's length is not in the schema)."""
    if response.status_code != 422:
        return False
    body = response.json()
    if case.operation.label == "POST /api/cases/{case_id}/documents":
        return bool(body.get("files")) and not body.get("errors")
    if case.operation.label == "POST /api/cases/{case_id}/suggestions":
        return str(body.get("detail", "")).startswith(("The selection ", "Select between"))
    return False


def test_schemathesis_every_operation_passes_every_check(tmp_path: Path) -> None:
    """Positive and negative data for every operation in the OpenAPI document, with every
    check schemathesis has (status codes, content types, response schemas and headers,
    positive data accepted, negative data rejected, auth not ignored, required headers)."""
    app = create_app(make_settings(tmp_path / "data", f"sqlite:///{tmp_path / 'a.db'}"))
    try:
        with TestClient(app) as client:
            _fuzz(app, client)
    finally:
        app.state.engine.dispose()


def _fuzz(app: Any, client: TestClient) -> None:
    admin = login(client, "admin")
    add_user(app, "leaver")  # logs out: a token of its own each time
    seeded = seed_case(app, "Fuzzed case", "admin")
    pinned = {
        "case_id": seeded["id"],
        "doc_id": seeded["doc_ids"][0],
        "n": 1,
        "sid": seeded["sids"][0],
        "job_id": seeded["job_id"],
    }
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=CONFIG)
    failures: dict[str, str] = {}
    statuses: dict[str, Counter[int]] = {}
    t0 = time.monotonic()
    for result in schema.get_all_operations():
        op = result.ok()
        params = {p.name for p in op.path_parameters}
        runs: list[tuple[GenerationMode, dict[str, Any] | None, int]] = [
            (GenerationMode.POSITIVE, None, EXAMPLES),
            (GenerationMode.NEGATIVE, None, EXAMPLES),
        ]
        if params:  # again, on objects that exist (random ids are nearly always 404)
            fixed = {k: v for k, v in pinned.items() if k in params}
            runs += [
                (GenerationMode.POSITIVE, fixed, PINNED_EXAMPLES),
                (GenerationMode.NEGATIVE, fixed, PINNED_EXAMPLES),
            ]
        for mode, path_parameters, examples in runs:
            name = f"{op.label} {mode.value}" + (" (existing ids)" if path_parameters else "")
            seen = statuses.setdefault(name, Counter())
            try:
                _check(client, admin, op, mode, path_parameters, examples, seen)
            except Unsatisfiable:
                pass  # nothing to negate (no parameters, no body)
            except (Exception, BaseExceptionGroup) as e:  # noqa: BLE001 - collect them all
                failures[name] = str(e)[:2000]
    took = time.monotonic() - t0
    total = sum(sum(c.values()) for c in statuses.values())
    assert not failures, "\n\n".join(f"== {k}\n{v}" for k, v in failures.items())
    assert 500 <= total <= 3000 and took < 90, (total, took)
    # The run did real work: the admin's token still works, and every operation but login
    # answered something other than 401 with it.
    assert client.get("/api/me", headers=admin).status_code == 200
    for label, seen in statuses.items():
        if seen and not label.startswith("POST /api/auth/login"):  # random names: 401
            assert set(seen) != {401}, (label, seen)


def _check(
    client: TestClient,
    admin: dict[str, str],
    op: Any,
    mode: GenerationMode,
    path_parameters: dict[str, Any] | None,
    examples: int,
    seen: Counter[int],
) -> None:
    """``examples`` generated cases of one operation, each sent and checked."""
    strategy = op.as_strategy(generation_mode=mode, path_parameters=path_parameters)
    if mode == GenerationMode.POSITIVE:
        strategy = strategy.filter(_real_positive)

    @given(case=strategy)
    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same cases every run: a failure is reproducible
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        headers = admin
        if op.label == "POST /api/auth/logout":
            headers = login(client, "leaver")
        response = case.call(headers=headers)
        seen[response.status_code] += 1
        excluded = [positive_data_acceptance] if _refused_for_content(case, response) else []
        case.validate_response(response, headers=headers, excluded_checks=excluded)

    run()
