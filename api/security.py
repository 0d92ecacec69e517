"""HTTP-level protections, as plain ASGI middleware (no buffering of bodies):

- security headers on every response: a CSP that allows the UI's own scripts only, no
  framing (``frame-ancestors 'none'``), ``nosniff``, no referrer, no caching of API answers;
- a limit on the size of a request body (checked on Content-Length, and counted as it
  streams), answered with 413 and a JSON message;
- a cross-site check: a cookie-authenticated change must come from this site's own pages;
- an access log of method, path (never the query string: searches hold case words), status
  and duration.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

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


class _TooLarge(Exception):
    pass


class BodyLimit:
    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.max_bytes
        msg = (
            f"The upload is larger than the limit of {limit / 2**20:,.0f} MB. Send fewer "
            "files at a time."
        )
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > limit:
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
                    raise _TooLarge
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


class SameOriginForCookies:
    """Refuse a cookie-authenticated change whose Origin is another site (CSRF defence in
    depth; the cookie is SameSite=Strict already). Bearer-token scripts are not affected."""

    SAFE = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") not in self.SAFE:
            headers = {k.lower(): v for k, v in scope.get("headers", [])}
            uses_cookie = b"session=" in headers.get(b"cookie", b"") and not headers.get(
                b"authorization", b""
            ).lower().startswith(b"bearer ")
            origin = headers.get(b"origin")
            if uses_cookie and origin and origin not in (b"null",):
                host = headers.get(b"host", b"")
                if origin.split(b"://", 1)[-1] != host:
                    await _json(
                        send, 403, "This request did not come from the assistant's own pages."
                    )
                    return
        await self.app(scope, receive, send)


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
