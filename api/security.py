"""HTTP-level protections, as plain ASGI middleware (no buffering of bodies):

- security headers on every response: a CSP that allows the UI's own scripts only, no
  framing (``frame-ancestors 'none'``), ``nosniff``, no referrer, no caching of API answers;
- a limit on the size of a request body, per route (a login: 32 KB; an upload: the
  configured size; anything else: 128 KB), checked on Content-Length before anything is
  read and counted as the body streams, answered with 413 and a JSON message;
- a cross-site check: a cookie-authenticated change must come from this site's own pages;
- an access log of method, path (never the query string: searches hold case words), status
  and duration.
"""

from __future__ import annotations

import json
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("assistant.access")

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's interactive docs page is built by an inline script and assets from a CDN; it is a
# developer page with no case material, so it alone gets this policy.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' https://cdn.jsdelivr.net; img-src 'self' data: https://fastapi.tiangolo.com; "
    "connect-src 'self'; frame-ancestors 'none'"
)


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app, self.hsts = app, hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = list(message.get("headers", []))
                have = {k.lower() for k, _ in headers}

                def add(name: str, value: str) -> None:
                    if name.encode() not in have:
                        headers.append((name.encode(), value.encode()))

                add("content-security-policy", DOCS_CSP if path == "/api/docs" else CSP)
                add("x-content-type-options", "nosniff")
                add("x-frame-options", "DENY")
                add("referrer-policy", "no-referrer")
                add("cross-origin-opener-policy", "same-origin")
                add("cross-origin-resource-policy", "same-origin")
                add("permissions-policy", "camera=(), microphone=(), geolocation=()")
                if path.startswith("/api/"):
                    add("cache-control", "no-store")
                if self.hsts:
                    add("strict-transport-security", "max-age=31536000")
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class _TooLarge(StarletteHTTPException):
    """Raised from ``receive`` when a body passes its limit. An HTTP exception, so FastAPI's
    body reader re-raises it as it is (any other error there becomes a 400)."""

    def __init__(self, detail: str) -> None:
        super().__init__(413, detail)


# The body of a login or a password change: room for the longest passwords the schema allows
# (``api.schemas``: 1024 characters; a change sends two) in any script, written the longest
# way JSON allows: a character outside the Basic Multilingual Plane (4 bytes of UTF-8) sent as
# a pair of \u escapes is 12 bytes, so 2 x 1024 x 12 = 24 KB, plus the names and punctuation.
# Still far too small to cost the server anything before the limit refuses the rest.
LOGIN_BYTES = 32 << 10


@dataclass(frozen=True, slots=True)
class RouteLimit:
    """A body limit for the requests whose method is ``method`` and path matches ``pattern``."""

    method: str
    pattern: re.Pattern[str]
    max_bytes: int
    what: str  # for the message: "a login", "an upload"


def default_limits(upload_bytes: int) -> tuple[list[RouteLimit], int]:
    """Per-route limits, and the limit for every other route (JSON bodies of a few fields).

    A login or a password change is two or three short strings; a decision or a finding at
    most a few thousand characters (``api.schemas``); only the upload route takes files.
    """
    return (
        [
            RouteLimit("POST", re.compile(r"^/api/auth/(login|password)$"), LOGIN_BYTES, "a login"),
            RouteLimit(
                "POST", re.compile(r"^/api/cases/[^/]+/documents$"), upload_bytes, "an upload"
            ),
        ],
        128 << 10,
    )


class BodyLimit:
    """Refuse a body over its route's limit: on Content-Length before anything is read, and
    by counting the bytes as they arrive (a chunked body has no length). Runs before routing,
    so before any login check or parsing: a stranger's 300 MB login costs nothing."""

    def __init__(self, app: ASGIApp, *, routes: list[RouteLimit], default_bytes: int) -> None:
        self.app, self.routes, self.default_bytes = app, routes, default_bytes

    def _limit(self, method: str, path: str) -> tuple[int, str]:
        for r in self.routes:
            if r.method == method and r.pattern.match(path):
                return r.max_bytes, r.what
        return self.default_bytes, "this request"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, what = self._limit(scope.get("method", ""), scope.get("path", ""))
        if limit >= 1 << 20:
            size = f"{limit / 2**20:,.0f} MB"
        else:
            size = f"{limit / 2**10:,.0f} KB"
        msg = f"The body of {what} is larger than the limit of {size}."
        if what == "an upload":
            msg += " Send fewer files at a time."
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                if not v.isdigit():
                    await _json(send, 400, "The Content-Length header is not a number.")
                    return
                if int(v) > limit:
                    await _json(send, 413, msg)
                    return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge(msg)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracking_send)
        except _TooLarge:
            if not started:
                await _json(send, 413, msg)


def _host_of(url: bytes) -> bytes | None:
    """``example.org:8000`` from ``http://example.org:8000/path``; None if it is not a URL."""
    scheme, sep, rest = url.partition(b"://")
    if not sep or scheme.lower() not in (b"http", b"https"):
        return None
    return rest.split(b"/", 1)[0].split(b"?", 1)[0].lower()


class SameOriginForCookies:
    """Refuse a cookie-authenticated change that does not prove it came from this site's own
    pages (CSRF defence in depth; the cookie is SameSite=Strict already).

    The page's ``Origin`` must name this host; where a browser sends none (or ``null``), the
    ``Referer`` must; with neither, the change is refused. Browsers send ``Origin`` on every
    POST, so the UI is not affected, and neither are Bearer-token scripts (no cookie)."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, app: ASGIApp, *, on_refused: Any = None) -> None:
        self.app = app
        self.on_refused = on_refused  # called with the scope (the audit trail)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") not in self.SAFE:
            headers = {k.lower(): v for k, v in scope.get("headers", [])}
            uses_cookie = b"session=" in headers.get(b"cookie", b"") and not headers.get(
                b"authorization", b""
            ).lower().startswith(b"bearer ")
            if uses_cookie:
                host = headers.get(b"host", b"").lower()
                origin = headers.get(b"origin", b"").strip()
                referer = headers.get(b"referer", b"").strip()
                if origin and origin != b"null":
                    claimed = _host_of(origin)
                elif referer:
                    claimed = _host_of(referer)
                else:
                    claimed = None
                if not host or claimed != host:
                    if self.on_refused is not None:
                        await self.on_refused(scope, "cross-site")
                    await _json(
                        send, 403, "This request did not come from the assistant's own pages."
                    )
                    return
        await self.app(scope, receive, send)


SERVER_ERROR = (
    "Something went wrong on the server. Nothing you decided was lost; try again, and tell "
    "your administrator if it keeps happening."
)


class CatchAll:
    """Any unexpected error becomes a 500 with a JSON message, inside the security headers
    and the access log (Starlette's own handler sits outside every middleware: its 500 had
    neither, and the access log recorded status 0). Only the error's type is logged, never
    its message or traceback: both can quote what was submitted or case material."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as e:  # noqa: BLE001 - the last line of defence
            log.error(
                "unexpected %s on %s %s", type(e).__name__, scope.get("method"), scope.get("path")
            )
            if not started:
                await _json(send, 500, SERVER_ERROR)


class AccessLog:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        t0 = time.perf_counter()
        status: dict[str, Any] = {"code": 0}

        async def send_status(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            log.info(
                "%s %s %s %.0fms",
                scope.get("method"),
                scope.get("path"),
                status["code"],
                (time.perf_counter() - t0) * 1000,
            )
