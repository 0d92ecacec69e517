"""A throwaway, in-memory stand-in for the API contract, so the UI can be built and its
behaviours tested (highlighting, offence-detail collapsing, 412 handling, selection offsets)
with exact, known data. Not shipped; the real back end lives in ``api/``.

Run by hand: ``.venv/bin/python tests/ui/ui_fake_api.py`` then open http://127.0.0.1:8765
(user ``rev`` / ``correct horse``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import FastAPI, File, Header, HTTPException, Request, Response, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from PIL import Image, ImageDraw, ImageFont

STATIC = Path(__file__).resolve().parents[2] / "api" / "static"
PASSWORD = "correct horse"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
REASONS = [
    "not supported by the cited text",
    "line of inquiry was completed",
    "interview or account exists elsewhere",
    "wording is quoted or appropriate",
    "duplicate",
    "out of scope",
    "other",
]

# Synthetic text written for these tests (no real or held-out case wording).
LOG_TEXT = (
    "ENTRY 1 14/03/2016 09:10 DC 4410 FARROW\n"
    "Report received from school safeguarding lead about CHILD A.\n"
    "ENTRY 2 15/03/2016 11:00\n"
    "Account from CHILD A: she was driven to a flat above the shop on Mill Lane by two men.\n"
    "ENTRY 3 16/03/2016 10:30\n"
    "Action raised: obtain CCTV from the shop on Mill Lane. Allocated to PC 2231 ODELL.\n"
    "ENTRY 4 02/05/2016 16:45\n"
    "CHILD A is making lifestyle choices and puts herself at risk. Case closed NFA.\n"
    "ENTRY 5 Text read from her phone: \U0001f609 see you at the garages, TAZ will drive.\n"
)
# A long statement, so that scrolling the quote into view is tested.
LONG_TEXT = "".join(
    f"Line {i}: routine entry about the weather and the time of day.\n" for i in range(1, 181)
) + ("Line 181: the red Vauxhall VRM partially noted as KX1 was never checked on PNC.\n")
SENSITIVE_PHRASE = "she was driven to a flat above the shop on Mill Lane by two men"
NOTES_LINES = [
    "Pocket notebook PC 2231 ODELL",
    "Spoke to the driver known as TAZ.",
    "Phone number taken for the older male.",
    "No statement obtained from the friend.",
]


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def render_page(lines: list[str]) -> tuple[str, bytes, list[dict[str, float]], int, int]:
    """Draws lines of text as a page image; returns text, PNG, word boxes (fractions), size."""
    width, height = 900, 60 + 40 * len(lines)
    img = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default(size=22)
    text = ""
    boxes: list[dict[str, float]] = []
    y = 30
    for line in lines:
        x = 40
        for i, word in enumerate(line.split(" ")):
            if i:
                text += " "
                x += draw.textlength(" ", font=font)
            start = len(text)
            text += word
            x0, y0, x1, y1 = draw.textbbox((x, y), word, font=font)
            draw.text((x, y), word, fill="black", font=font)
            boxes.append(
                {
                    "start": start,
                    "end": len(text),
                    "x0": x0 / width,
                    "y0": y0 / height,
                    "x1": x1 / width,
                    "y1": y1 / height,
                }
            )
            x += draw.textlength(word, font=font)
        text += "\n"
        y += 40
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return text, buf.getvalue(), boxes, width, height


@dataclass
class Page:
    text: str
    image: bytes | None = None
    boxes: list[dict[str, float]] = field(default_factory=list)
    width: float = 0
    height: float = 0
    ocr: bool = False
    sensitive: list[dict[str, int]] = field(default_factory=list)


@dataclass
class Doc:
    id: str
    name: str
    pages: list[Page]
    media_type: str = "txt"
    error: str | None = None


@dataclass
class Case:
    id: str
    name: str
    created_by: str
    assignees: list[str]
    docs: list[Doc] = field(default_factory=list)
    suggestions: list[dict[str, Any]] = field(default_factory=list)
    decisions: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    created_at: str = field(default_factory=now)


class Store:
    """All state, guarded by one lock (the fake serves from a thread)."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.users = {"rev": "reviewer", "other": "reviewer", "boss": "supervisor"}
        self.failed: dict[str, int] = {}
        self.tokens: dict[str, str] = {}
        self.cases: dict[str, Case] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.seed()

    def seed(self) -> None:
        c = Case(id="c1", name="Operation Lantern", created_by="boss", assignees=["rev"])
        start = LOG_TEXT.index(SENSITIVE_PHRASE)
        log = Doc(
            "d1",
            "custody-log.txt",
            [Page(LOG_TEXT, sensitive=[{"start": start, "end": start + len(SENSITIVE_PHRASE)}])],
        )
        text, png, boxes, w, h = render_page(NOTES_LINES)
        notes = Doc(
            "d2", "pocket-notes.png", [Page(text, png, boxes, w, h, ocr=True)], media_type="image"
        )
        long = Doc("d3", "long-statement.txt", [Page(LONG_TEXT)])
        c.docs = [log, notes, long]

        def cite(doc: Doc, quote: str, page: int = 1) -> dict[str, Any]:
            t = doc.pages[page - 1].text
            s = t.index(quote)
            return {
                "document": doc.name,
                "document_id": doc.id,
                "page": page,
                "start": s,
                "end": s + len(quote),
                "quote": quote,
            }

        c.suggestions = [
            self.sug(
                "s-cctv",
                "unfollowed_inquiry",
                "CCTV from the shop on Mill Lane was never viewed",
                "An action to obtain CCTV was allocated but no result is recorded.",
                0.91,
                [
                    cite(log, "obtain CCTV from the shop on Mill Lane"),
                    cite(notes, "Phone number taken"),
                ],
                kind="cctv",
            ),
            self.sug(
                "s-vbl",
                "victim_blaming_language",
                "Child described as making lifestyle choices",
                "Frames exploitation as the child's choice; guidance says describe the abuse.",
                0.84,
                [cite(log, "making lifestyle choices")],
            ),
            self.sug(
                "s-miss",
                "missing_interview",
                "No statement from the friend",
                "A friend is mentioned with no statement on file.",
                0.66,
                [cite(notes, "No statement obtained from the friend.")],
                subject="the friend",
                role="witness",
            ),
            self.sug(
                "s-vrm",
                "unfollowed_inquiry",
                "Partial VRM never checked",
                "A partial registration was noted but no PNC or ANPR check is recorded.",
                0.4,
                [cite(long, "partially noted as KX1")],
                kind="vehicle_anpr",
            ),
            self.sug(
                "s-sens",
                "missing_interview",
                "Two men named in the account not interviewed",
                "The account names two men; no interview under caution is recorded.",
                0.52,
                [cite(log, "by two men")],
                subject="two men",
                role="suspect",
            ),
        ]
        self.cases[c.id] = c
        other = Case(id="c2", name="Someone else's case", created_by="other", assignees=["other"])
        self.cases[other.id] = other

    @staticmethod
    def sug(
        sid: str,
        type_: str,
        title: str,
        rationale: str,
        conf: float,
        cites: list[dict[str, Any]],
        kind: str | None = None,
        subject: str | None = None,
        role: str | None = None,
    ) -> dict[str, Any]:
        return {
            "id": sid,
            "type": type_,
            "kind": kind,
            "subject": subject,
            "role": role,
            "title": title,
            "rationale": rationale,
            "confidence": conf,
            "citations": cites,
            "status": "open",
            "edited": False,
            "version": 1,
            "decided_by": None,
            "decided_at": None,
            "origin": "model",
            "detector": "fake",
            "detector_version": "0",
        }


def etag(s: dict[str, Any]) -> str:
    return f'"{s["id"]}-v{s["version"]}"'


def create_app(store: Store | None = None) -> FastAPI:
    """The fake API, serving the real static UI."""
    st = store or Store()
    app = FastAPI()
    app.state.store = st

    def user_of(request: Request) -> str:
        auth = request.headers.get("authorization", "")
        tok = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get("session", "")
        user = st.tokens.get(tok)
        if not user:
            raise HTTPException(401, "Your session has expired. Please log in again.")
        return user

    def case_of(request: Request, case_id: str) -> tuple[str, Case]:
        user = user_of(request)
        c = st.cases.get(case_id)
        if c is None or (st.users[user] == "reviewer" and user not in c.assignees):
            raise HTTPException(404, "Case not found")
        return user, c

    def case_json(c: Case) -> dict[str, Any]:
        return {
            "id": c.id,
            "name": c.name,
            "created_at": c.created_at,
            "created_by": c.created_by,
            "assignees": c.assignees,
            "documents": len(c.docs),
            "suggestions": len(c.suggestions),
            "open_suggestions": sum(1 for s in c.suggestions if s["status"] == "open"),
            "screening": {
                "in_scope": True,
                "reasons": [],
                "suspects": 2,
                "victims": 1,
                "rape_alleged": False,
                "priority": 2,
            }
            if c.docs
            else None,
        }

    def find(c: Case, sid: str) -> dict[str, Any]:
        for s in c.suggestions:
            if s["id"] == sid:
                return s
        raise HTTPException(404, "Suggestion not found")

    def doc_of(c: Case, doc_id: str) -> Doc:
        for d in c.docs:
            if d.id == doc_id:
                return d
        raise HTTPException(404, "Document not found")

    @app.post("/api/auth/login")
    async def login(body: dict[str, str], response: Response) -> dict[str, Any]:
        u, p = body.get("username", ""), body.get("password", "")
        with st.lock:
            if st.failed.get(u, 0) >= 5:
                raise HTTPException(
                    423,
                    "This account is locked after 5 failed log-ins. Ask an administrator.",
                )
            if u not in st.users or p != PASSWORD:
                st.failed[u] = st.failed.get(u, 0) + 1
                raise HTTPException(401, "Wrong user name or password.")
            st.failed[u] = 0
            tok = uuid.uuid4().hex
            st.tokens[tok] = u
        response.set_cookie("session", tok, httponly=True, samesite="strict")
        return {
            "token": tok,
            "user": {"username": u, "role": st.users[u]},
            "expires_idle_minutes": 30,
        }

    @app.post("/api/auth/logout")
    async def logout(request: Request) -> dict[str, str]:
        tok = request.cookies.get("session", "")
        st.tokens.pop(tok, None)
        return {"detail": "logged out"}

    @app.get("/api/me")
    async def me(request: Request) -> dict[str, str]:
        u = user_of(request)
        return {"username": u, "role": st.users[u]}

    @app.post("/api/test/expire")
    async def expire() -> dict[str, str]:
        """Test hook: every session ends, as after 30 idle minutes."""
        st.tokens.clear()
        return {"detail": "ok"}

    @app.get("/api/reject-reasons")
    async def reasons() -> list[str]:
        return REASONS

    @app.get("/api/cases")
    async def cases(request: Request) -> list[dict[str, Any]]:
        u = user_of(request)
        return [
            case_json(c) for c in st.cases.values() if st.users[u] != "reviewer" or u in c.assignees
        ]

    @app.post("/api/cases", status_code=201)
    async def new_case(request: Request, body: dict[str, str]) -> dict[str, Any]:
        u = user_of(request)
        c = Case(id=uuid.uuid4().hex[:8], name=body["name"], created_by=u, assignees=[u])
        st.cases[c.id] = c
        return case_json(c)

    @app.get("/api/cases/{case_id}")
    async def get_case(request: Request, case_id: str) -> dict[str, Any]:
        return case_json(case_of(request, case_id)[1])

    @app.get("/api/cases/{case_id}/documents")
    async def docs(request: Request, case_id: str) -> list[dict[str, Any]]:
        c = case_of(request, case_id)[1]
        return [
            {
                "id": d.id,
                "name": d.name,
                "pages": len(d.pages),
                "ocr": any(p.ocr for p in d.pages),
                "sha256": "0" * 64,
                "media_type": d.media_type,
                "status": "failed" if d.error else "done",
                "error": d.error,
            }
            for d in c.docs
        ]

    @app.post("/api/cases/{case_id}/documents", status_code=202)
    async def upload(
        request: Request, case_id: str, files: Annotated[list[UploadFile], File()]
    ) -> dict[str, str]:
        c = case_of(request, case_id)[1]
        items = [(f.filename or "file", await f.read()) for f in files]
        job_id = uuid.uuid4().hex[:10]
        job = {
            "id": job_id,
            "case_id": case_id,
            "status": "queued",
            "stage": "queued",
            "done": 0,
            "total": len(items),
            "errors": [],
        }
        st.jobs[job_id] = job

        def work() -> None:
            time.sleep(0.3)
            job["status"], job["stage"] = "running", "ingest"
            for name, data in items:
                time.sleep(0.4)
                if data.startswith(b"%PDF") and b"/Encrypt" in data:
                    job["errors"].append(
                        {"document": name, "code": "encrypted", "error": "password-protected PDF"}
                    )
                elif name.endswith(".txt"):
                    c.docs.append(
                        Doc(uuid.uuid4().hex[:8], name, [Page(data.decode("utf-8", "replace"))])
                    )
                elif data.startswith(b"%PDF"):
                    c.docs.append(
                        Doc(uuid.uuid4().hex[:8], name, [Page("(fake PDF text)")], media_type="pdf")
                    )
                else:
                    job["errors"].append(
                        {
                            "document": name,
                            "code": "unsupported",
                            "error": "this type of file is not supported",
                        }
                    )
                job["done"] += 1
            job["stage"], job["status"] = "done", "done"

        threading.Thread(target=work, daemon=True).start()
        return {"job_id": job_id}

    @app.get("/api/jobs/{job_id}")
    async def job(request: Request, job_id: str) -> dict[str, Any]:
        user_of(request)
        if job_id not in st.jobs:
            raise HTTPException(404, "No such job")
        return st.jobs[job_id]

    @app.get("/api/cases/{case_id}/documents/{doc_id}/pages/{n}")
    async def page(request: Request, case_id: str, doc_id: str, n: int) -> dict[str, Any]:
        d = doc_of(case_of(request, case_id)[1], doc_id)
        if not 1 <= n <= len(d.pages):
            raise HTTPException(404, f"{d.name} has no page {n}")
        p = d.pages[n - 1]
        return {
            "document": d.name,
            "page": n,
            "text": p.text,
            "width": p.width,
            "height": p.height,
            "ocr": p.ocr,
            "boxes": p.boxes,
            "sensitive": p.sensitive,
            "has_image": p.image is not None,
            "pages": len(d.pages),
        }

    @app.get("/api/cases/{case_id}/documents/{doc_id}/pages/{n}/image")
    async def image(request: Request, case_id: str, doc_id: str, n: int) -> Response:
        d = doc_of(case_of(request, case_id)[1], doc_id)
        p = d.pages[n - 1]
        if p.image is None:
            raise HTTPException(404, "This page has no image")
        return Response(p.image, media_type="image/png")

    @app.get("/api/cases/{case_id}/suggestions")
    async def suggestions(
        request: Request,
        case_id: str,
        type: str = "",
        status: str = "",
        min_confidence: float | None = None,
        kind: str = "",
    ) -> JSONResponse:
        c = case_of(request, case_id)[1]
        ranked = sorted(c.suggestions, key=lambda s: -s["confidence"])
        out = [
            dict(s, etag=etag(s))
            for s in ranked
            if (not type or s["type"] == type)
            and (not status or s["status"] == status)
            and (min_confidence is None or s["confidence"] >= min_confidence)
            and (not kind or s["kind"] == kind)
        ]
        return JSONResponse(out)

    @app.get("/api/cases/{case_id}/suggestions/{sid}")
    async def one(request: Request, case_id: str, sid: str) -> JSONResponse:
        s = find(case_of(request, case_id)[1], sid)
        return JSONResponse(s, headers={"ETag": etag(s)})

    @app.get("/api/cases/{case_id}/suggestions/{sid}/history")
    async def history(request: Request, case_id: str, sid: str) -> list[dict[str, Any]]:
        c = case_of(request, case_id)[1]
        find(c, sid)
        return c.decisions.get(sid, [])

    @app.post("/api/cases/{case_id}/suggestions/{sid}/decisions")
    async def decide(
        request: Request,
        case_id: str,
        sid: str,
        body: dict[str, Any],
        if_match: str | None = Header(default=None),
    ) -> JSONResponse:
        u, c = case_of(request, case_id)
        with st.lock:
            s = find(c, sid)
            if not if_match:
                raise HTTPException(428, "If-Match is required")
            if if_match != etag(s):
                raise HTTPException(412, "Someone else changed this suggestion; reload it.")
            action = body.get("action")
            hist = c.decisions.setdefault(sid, [])
            prev = {
                k: s[k]
                for k in ("status", "title", "rationale", "edited", "decided_by", "decided_at")
            }
            if action == "accept":
                s.update(status="accepted", decided_by=u, decided_at=now())
            elif action == "reject":
                if body.get("reason") not in REASONS:
                    raise HTTPException(422, "Choose a reason from the list.")
                s.update(status="rejected", decided_by=u, decided_at=now())
            elif action == "edit":
                s.update(
                    title=body.get("title") or s["title"],
                    rationale=body.get("rationale") or s["rationale"],
                    edited=True,
                )
            elif action == "undo":
                live = [d for d in hist if d["action"] != "undone" and not d.get("_undone")]
                if not live:
                    raise HTTPException(409, "There is no decision to undo on this suggestion.")
                last = live[-1]
                last["_undone"] = True
                s.update(last["_prev"])
            else:
                raise HTTPException(422, "Unknown action")
            action_name = {
                "accept": "accepted",
                "reject": "rejected",
                "edit": "edited",
                "undo": "undone",
            }[action]
            hist.append(
                {
                    "action": action_name,
                    "reviewer": u,
                    "at": now(),
                    "reason": body.get("reason"),
                    "note": body.get("note"),
                    "_prev": prev,
                }
            )
            s["version"] += 1
            return JSONResponse(dict(s, etag=etag(s)), headers={"ETag": etag(s)})

    @app.post("/api/cases/{case_id}/suggestions", status_code=201)
    async def add(request: Request, case_id: str, body: dict[str, Any]) -> JSONResponse:
        u, c = case_of(request, case_id)
        cit = body["citation"]
        d = doc_of(c, cit["document_id"])
        text = d.pages[cit["page"] - 1].text
        quote = text[cit["start"] : cit["end"]]
        sid = "s-" + hashlib.sha256(f"{d.id}{cit}".encode()).hexdigest()[:12]
        s = Store.sug(
            sid,
            body["type"],
            body["title"],
            body.get("rationale", ""),
            1.0,
            [
                {
                    "document": d.name,
                    "document_id": d.id,
                    "page": cit["page"],
                    "start": cit["start"],
                    "end": cit["end"],
                    "quote": quote,
                }
            ],
            kind=body.get("kind"),
            subject=body.get("subject"),
            role=body.get("role"),
        )
        s.update(origin="reviewer", status="accepted", decided_by=u, decided_at=now())
        c.suggestions.append(s)
        return JSONResponse(dict(s, etag=etag(s)), status_code=201, headers={"ETag": etag(s)})

    @app.get("/api/cases/{case_id}/search")
    async def search(
        request: Request, case_id: str, q: str, mode: str = "words", k: int = 10
    ) -> list[dict[str, Any]]:
        c = case_of(request, case_id)[1]
        out = []
        for d in c.docs:
            for n, p in enumerate(d.pages, 1):
                i = p.text.lower().find(q.lower())
                if i >= 0:
                    out.append(
                        {
                            "document": d.name,
                            "document_id": d.id,
                            "page": n,
                            "start": i,
                            "end": i + len(q),
                            "quote": p.text[i : i + len(q)],
                            "score": 1.0,
                        }
                    )
        return out[:k]

    @app.get("/api/cases/{case_id}/export")
    async def export(request: Request, case_id: str, format: str = "json") -> Response:
        c = case_of(request, case_id)[1]
        if format == "json":
            body = {
                "case": c.name,
                "documents": [{"name": d.name} for d in c.docs],
                "suggestions": [{k: v for k, v in s.items()} for s in c.suggestions],
            }
            return Response(json.dumps(body), media_type="application/json")
        if format == "csv":
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow(["id", "type", "title", "status", "decided_by"])
            for s in c.suggestions:
                w.writerow([s["id"], s["type"], s["title"], s["status"], s["decided_by"] or ""])
            return Response(buf.getvalue(), media_type="text/csv")
        rows = "".join(
            f"<li>{s['title']} (accepted by {s['decided_by']})</li>"
            for s in c.suggestions
            if s["status"] == "accepted"
        )
        return HTMLResponse(
            "<!doctype html><title>Action plan</title>"
            f"<h1>Action plan: {c.name}</h1><ol>{rows}</ol>"
        )

    @app.middleware("http")
    async def csp(request: Request, call_next: Any) -> Response:
        # The real back end's policy, so the UI is checked against it here too.
        response: Response = await call_next(request)
        if not request.url.path.endswith("/export"):
            response.headers["Content-Security-Policy"] = CSP
        return response

    @app.get("/")
    async def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(create_app(), host="127.0.0.1", port=8765)
