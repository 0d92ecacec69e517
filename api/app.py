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

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy import select
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.migrate import upgrade
from api.routes import auth as auth_routes
from api.routes import cases as case_routes
from api.routes import misc as misc_routes
from api.routes import suggestions as suggestion_routes
from api.security import AccessLog, BodyLimit, SameOriginForCookies, SecurityHeaders
from api.settings import ApiSettings
from assistant.review import auth
from assistant.review.blobs import BlobStore
from assistant.review.db import make_engine, session_factory
from assistant.review.errors import ServiceError
from assistant.review.jobs import JobRunner
from assistant.review.models import User

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
        exists = s.execute(select(User.id).where(User.username == settings.admin_username)).first()
        if not exists:
            auth.create_user(
                s,
                settings.admin_username,
                settings.admin_password.get_secret_value(),
                "admin",
                by="setup",
            )
            s.commit()
            log.info("created the first admin user")


def _readable(exc: RequestValidationError) -> str:
    """One sentence per problem, naming the field, instead of pydantic's nested list."""
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("body", "query", "path", "header")]
        field = ".".join(loc) or "request"
        parts.append(f"{field}: {err.get('msg', 'invalid')}")
    return "The request is not valid: " + "; ".join(parts) + "."


def create_app(settings: ApiSettings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or ApiSettings()
    data_dir = Path(settings.data_dir).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    auth.set_hash_cost(settings.password_hash_time_cost, settings.password_hash_memory_kib)
    engine = make_engine(settings.url)
    upgrade(engine)
    sessions = session_factory(engine)
    runner = JobRunner(
        sessions,
        settings.worker_config(),
        timeout_s=settings.job_timeout_s,
        idle_s=settings.worker_idle_s,
        max_jobs=settings.worker_max_jobs,
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
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
    _bootstrap_admin(app, settings)

    @app.exception_handler(ServiceError)
    async def _service_error(request: Request, exc: ServiceError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return JSONResponse(
            {"detail": exc.message, **exc.extra}, status_code=exc.status, headers=headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _readable(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "The request could not be handled."
        if exc.status_code == 404 and detail == "Not Found":
            detail = "There is nothing at this address."
        return JSONResponse(
            {"detail": detail}, status_code=exc.status_code, headers=getattr(exc, "headers", None)
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # The exception's type only: its message could quote case material.
        log.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.url.path)
        return JSONResponse(
            {
                "detail": "Something went wrong on the server. Nothing you decided was lost; "
                "try again, and tell your administrator if it keeps happening."
            },
            status_code=500,
        )

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

    # The last added runs first: security headers on every answer (413s and 403s included),
    # then the access log, the body limit, and the cross-site check.
    app.add_middleware(SameOriginForCookies)
    app.add_middleware(BodyLimit, max_bytes=int(settings.max_request_mb * 2**20))
    app.add_middleware(AccessLog)
    app.add_middleware(SecurityHeaders, hsts=settings.env == "production")
    return app
