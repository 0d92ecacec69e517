"""The FastAPI application: ``create_app(settings)`` builds one; ``api.server`` serves it.

At start-up: migrate the database to the latest schema, create the first admin when one is
configured, and start the job runner (uploads are processed in separate worker processes).
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import headers_of, status_of
from api.migrate import upgrade
from api.routes import auth as auth_routes
from api.routes import cases as case_routes
from api.routes import misc as misc_routes
from api.routes import suggestions as suggestion_routes
from api.security import (
    AccessLog,
    BodyLimit,
    CatchAll,
    SameOriginForCookies,
    SecurityHeaders,
    default_limits,
)
from api.settings import ApiSettings
from assistant.errors import ServiceError
from assistant.workbench import audit, auth
from assistant.workbench.blobs import BlobStore
from assistant.workbench.db import make_engine, read_only, session_factory
from assistant.workbench.jobs import JobRunner

log = logging.getLogger("assistant.api")
STATIC = Path(__file__).resolve().parent / "static"

_PLACEHOLDER = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Case review assistant</title></head><body><h1>Case review assistant</h1>
<p>The web interface is not installed. The API is at <a href="/api/docs">/api/docs</a>.</p>
</body></html>"""


def _bootstrap_admin(app: FastAPI, settings: ApiSettings) -> None:
    if settings.admin_password is None:
        return
    with app.state.sessions() as s:
        if not auth.user_exists(s, settings.admin_username):
            auth.create_user(
                s,
                settings.admin_username,
                settings.admin_password.get_secret_value(),
                "admin",
                by="setup",
                must_change_password=settings.admin_must_change,
            )
            s.commit()
            log.info("created the first admin user")


def _problems(exc: RequestValidationError) -> list[dict[str, str]]:
    """(field, message) per problem; pydantic's messages never quote the submitted value."""
    out = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "header")]
        msg = str(err.get("msg", "invalid"))
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, ") :]
        if msg.startswith("String should match pattern"):
            msg = "has characters or a form that is not allowed here"
        out.append({"field": ".".join(loc) or "request", "message": msg})
    return out


IF_MATCH_REQUIRED = (
    "This change needs the suggestion's version: send its ETag in an If-Match header "  # noqa: ISC003
    + "(reload the suggestion to get it)."
)


def _only_missing_if_match(exc: RequestValidationError) -> bool:
    errors = exc.errors()
    return bool(errors) and all(
        e.get("type") == "missing" and tuple(e.get("loc", ())) == ("header", "If-Match")
        for e in errors
    )


def _readable(exc: RequestValidationError) -> str:
    """One sentence naming every field that is not valid, instead of pydantic's nested list."""
    parts = [f"{p['field']}: {p['message']}" for p in _problems(exc)]
    return "The request is not valid: " + "; ".join(parts) + "."


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def _allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route answers at this request's path (asked of the routes
    themselves, so included routers and mounts count)."""
    allowed = []
    for method in _METHODS:
        probe = {**scope, "method": method}
        if any(route.matches(probe)[0] == Match.FULL for route in app.router.routes):
            allowed.append(method)
    return allowed


class ReadsFirst:
    """Every request's database work starts as reads (``assistant.workbench.db``): the services
    take the write lock only for the statements that change something."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with read_only():
            await self.app(scope, receive, send)


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or ApiSettings()
    data_dir = Path(settings.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    auth.set_hash_cost(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    engine = make_engine(settings.url)
    upgrade(engine)
    audit_cfg = settings.audit_config()
    audit.configure(audit_cfg)
    sessions = session_factory(engine, info={"audit": audit_cfg})
    runner = JobRunner(
        sessions,
        settings.worker_config(),
        timeout_s=settings.job_timeout_s,
        idle_s=settings.worker_idle_s,
        max_jobs=settings.worker_max_jobs,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        threads = settings.request_thread_count()
        if threads > 0:
            # Routes and their dependencies run in this pool. On SQLite (one writer at a time)
            # more threads only fight over the GIL, the writer holding the lock among them.
            anyio.to_thread.current_default_thread_limiter().total_tokens = threads
        runner.start()
        try:
            yield
        finally:
            runner.stop()

    app = FastAPI(
        title="Case review assistant",
        version=misc_routes.VERSION,
        description="Cited suggestions for panels re-examining closed investigations. "
        "The machine suggests; the reviewer decides.",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.data_dir = data_dir
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.blobs = BlobStore(data_dir)
    app.state.limits = settings.upload_limits()
    app.state.runner = runner
    app.state.policy = auth.AuthPolicy(
        secret=settings.secret(),
        idle_minutes=settings.session_idle_minutes,
        max_hours=settings.session_max_hours,
        max_failures=settings.max_failed_logins,
        lockout_minutes=settings.lockout_minutes,
    )
    app.state.throttle = auth.LoginThrottle(
        settings.max_failed_logins, max(1, settings.lockout_minutes) * 60.0
    )
    _bootstrap_admin(app, settings)

    def _audit_refused(method: str, path: str, status: int, actor: str | None) -> None:
        try:
            with app.state.sessions() as s:
                audit.record_now(
                    s,
                    "refused",
                    actor=actor,
                    target=f"{method} {path}"[:200],
                    outcome="denied",
                    detail={"status": status},
                )
        except Exception as e:  # noqa: BLE001 - the refusal is answered even so
            log.error("could not audit a refused request: %s", type(e).__name__)

    async def _on_cross_site(scope: Any, why: str) -> None:
        await run_in_threadpool(
            _audit_refused, scope.get("method", ""), scope.get("path", ""), 403, None
        )

    app.state.on_cross_site = _on_cross_site

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        # Refused requests are audited (logins audit their own outcome).
        status = status_of(exc)
        if status in (401, 403) and request.url.path != "/api/auth/login":
            actor = getattr(request.state, "username", None)
            await run_in_threadpool(
                _audit_refused, request.method, request.url.path, status, actor
            )
        return JSONResponse(
            {"detail": exc.message, **exc.extra}, status_code=status, headers=headers_of(exc)
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        if _only_missing_if_match(exc):
            # A precondition that was not sent: 428, as RFC 6585 says (the schema marks the
            # header required; it is not a malformed request).
            return JSONResponse({"detail": IF_MATCH_REQUIRED}, status_code=428)
        return JSONResponse({"detail": _readable(exc), "errors": _problems(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is nothing at this address."
        if exc.status_code == 405:
            # Starlette names the methods of the first route whose path matched; a path can
            # have several (GET and POST /api/cases are two routes): name them all.
            allowed = _allowed_methods(app, request.scope)
            headers["Allow"] = ", ".join(allowed)
            detail = f"This address answers {', '.join(allowed)} only."
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    for r in (auth_routes.router, case_routes.router, suggestion_routes.router, misc_routes.router):
        app.include_router(r)

    if STATIC.is_dir():
        app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False, response_model=None)
    def index() -> Any:
        page = STATIC / "index.html"
        if page.is_file():
            return FileResponse(page, media_type="text/html", headers={"Cache-Control": "no-cache"})
        return HTMLResponse(_PLACEHOLDER)

    # The last added runs first: security headers on every answer (413s, 403s and 500s
    # included), then the access log, the catch-all for errors, the body limit, and the
    # cross-site check.
    app.add_middleware(SameOriginForCookies, on_refused=_on_cross_site)
    routes, other = default_limits(int(settings.max_request_mb * 2**20))
    app.add_middleware(BodyLimit, routes=routes, default_bytes=other)
    app.add_middleware(ReadsFirst)
    app.add_middleware(CatchAll)
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders, hsts=settings.env == "production")
    return app
