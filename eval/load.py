"""Load figures for the reviewer's workbench: ``python -m eval.load [--store sqlite|postgres|both]``.

For each store it starts the real server (``python -m assistant serve``, one process, as in
production) on a fresh data directory, fills one case with a suggestion per client, logs
the clients in, and runs two phases against it:

1. **flat out**: ``--clients`` (50) clients decide as fast as they can for ``--seconds``
   (30): each accepts its own suggestion, undoes, accepts ... sending the ETag it got back
   (``If-Match``). Meanwhile a probe asks ``/api/health`` and logs another user in every half
   second: the write lock must not stall them.
2. **paced**: the same number of reviewers each decide once every ``--interval`` (2) seconds.

It prints, per phase: decisions, errors (5xx and other), throughput, p50/p95/p99/max latency
(and the probe's), with the targets of issue 9 (flat out: no 5xx, nothing over 5 s; paced:
p99 under 100 ms on SQLite, 50 ms on PostgreSQL). ``--json`` prints them as JSON too.
PostgreSQL: a throwaway database is created on ``--pg`` (default
``postgresql://postgres@127.0.0.1:5432/postgres``) and dropped at the end.

The clients run in this process (asyncio + httpx) on the same machine as the server, so on a
small machine they take CPU from it: the figures are a lower bound of what the server does.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "load-test-passphrase"
TARGETS = {"sqlite": 0.100, "postgresql": 0.050}


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    status: dict[int, int] = field(default_factory=dict)
    probe: list[float] = field(default_factory=list)
    probe_errors: int = 0
    seconds: float = 0.0

    def add(self, status: int, secs: float) -> None:
        self.status[status] = self.status.get(status, 0) + 1
        self.latencies.append(secs)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies)
        probe = sorted(self.probe)

        def pct(xs: list[float], p: float) -> float:
            return round(xs[min(len(xs) - 1, int(p * len(xs)))] * 1000, 1) if xs else 0.0

        return {
            "phase": self.name,
            "requests": len(lat),
            "per_s": round(len(lat) / self.seconds, 1) if self.seconds else 0.0,
            "status": dict(sorted(self.status.items())),
            "5xx": sum(n for s, n in self.status.items() if s >= 500 or s == 0),
            "p50_ms": pct(lat, 0.50),
            "p95_ms": pct(lat, 0.95),
            "p99_ms": pct(lat, 0.99),
            "max_ms": round(lat[-1] * 1000, 1) if lat else 0.0,
            "probe_p99_ms": pct(probe, 0.99),
            "probe_max_ms": round(probe[-1] * 1000, 1) if probe else 0.0,
            "probe_errors": self.probe_errors,
        }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill(
    data_dir: Path, url: str, clients: int, per_client: int = 20
) -> tuple[int, list[tuple[str, list[str]]]]:
    """Migrate, create the users and one case with ``per_client`` suggestions per client
    (through the storage services, no worker). Returns (case id, [(username, [ids])])."""
    sys.path.insert(0, str(ROOT))
    from api.migrate import upgrade
    from api.settings import ApiSettings
    from assistant.types import Citation, Document, Page, Suggestion
    from assistant.workbench import audit, auth
    from assistant.workbench.blobs import BlobStore
    from assistant.workbench.clock import now_iso
    from assistant.workbench.db import make_engine, session_factory
    from assistant.workbench.store import (
        NewFile,
        ensure_blob,
        merge_suggestions,
        register_files,
        store_document_pages,
    )
    from assistant.workbench.tables import Assignment, Case

    auth.set_hash_cost(1, 1024)  # logins are not what is measured here
    audit.configure(ApiSettings(data_dir=data_dir, database_url=url).audit_config())
    engine = make_engine(url)
    upgrade(engine)
    blobs = BlobStore(data_dir)
    names = [f"rev{i:02d}" for i in range(clients)] + ["probe"]
    pages = [
        f"Entry {i}: CCTV was requested from shop {i}. It was never viewed."
        for i in range(clients * per_client)
    ]
    with session_factory(engine)() as s:
        users = [auth.create_user(s, n, PASSWORD, "reviewer", by="load") for n in names]
        case = Case(name="Op Load", created_at=now_iso(), created_by="load")
        s.add(case)
        s.flush()
        for u in users:
            s.add(
                Assignment(case_id=case.id, user_id=u.id, assigned_at=now_iso(), assigned_by="load")
            )
        data = "\f".join(pages).encode()
        sha, size = blobs.put_bytes(data)
        ensure_blob(s, sha, size)
        rows, _ = register_files(
            s, case, [NewFile("log.txt", sha, size, "txt")], job_id=None, by="load"
        )
        doc = Document("log.txt", sha, "txt", [Page(i + 1, t) for i, t in enumerate(pages)])
        store_document_pages(s, rows[0], doc)
        sugs = []
        for p in doc.pages:
            end = p.text.index(".") + 1
            sugs.append(
                Suggestion(
                    type="unfollowed_inquiry",
                    kind="cctv",
                    title=f"CCTV {p.number}",
                    rationale="load",
                    confidence=0.5,
                    citations=[Citation("log.txt", p.number, 0, end, p.text[:end])],
                    detector="load",
                    detector_version="1",
                )
            )
        merge_suggestions(s, case, sugs)
        s.commit()
        case_id = case.id
    engine.dispose()
    ids = [x.id for x in sugs]
    return case_id, [
        (n, ids[i * per_client : (i + 1) * per_client]) for i, n in enumerate(names[:clients])
    ]


class ServerProc:
    def __init__(self, data_dir: Path, url: str) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "ASSISTANT_DATA_DIR": str(data_dir),
            "ASSISTANT_DATABASE_URL": url,
            "ASSISTANT_SECRET_KEY": secrets.token_urlsafe(40),
            "ASSISTANT_DETECTORS": "none",
            "ASSISTANT_BUILD_INDEX": "false",
            "ASSISTANT_PASSWORD_HASH_TIME_COST": "1",
            "ASSISTANT_PASSWORD_HASH_MEMORY_KIB": "1024",
        }
        env.pop("ASSISTANT_ADMIN_PASSWORD", None)
        self.log = open(data_dir / "server.log", "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "assistant",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, timeout: float = 60) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the server exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/api/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise RuntimeError("the server did not start")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        self.log.close()


async def _login(client: Any, name: str) -> str:
    r = await client.post("/api/auth/login", json={"username": name, "password": PASSWORD})
    r.raise_for_status()
    client.cookies.clear()  # a script authenticates with the token (a cookie needs an Origin)
    return str(r.json()["token"])


async def _reviewer(
    client: Any,
    base: str,
    token: str,
    sids: list[str],
    phase: Phase,
    until: float,
    interval: float,
    state: dict[str, tuple[str, bool]],
) -> None:
    """Go through one's suggestions in turn: accept each, then undo each, and again."""
    h = {"Authorization": f"Bearer {token}"}
    turn = 0
    loop = asyncio.get_running_loop()
    next_at = loop.time() + (secrets.randbelow(1000) / 1000 * interval if interval else 0)
    while loop.time() < until:
        if interval:
            await asyncio.sleep(max(0.0, next_at - loop.time()))
            next_at += interval
            if loop.time() >= until:
                break
        sid = sids[turn % len(sids)]
        turn += 1
        if sid not in state:
            r = None
            # A GET is idempotent: like a browser, send it again once when a kept-alive
            # connection was closed under it; a second failure counts.
            for _ in range(2):
                try:
                    r = await client.get(f"{base}/suggestions/{sid}", headers=h)
                    break
                except Exception:  # noqa: BLE001 - e.g. a kept-alive connection the server closed
                    continue
            if r is None:
                phase.add(0, 0.0)  # counted as a failure; look again next turn
                continue
            state[sid] = (r.headers.get("etag", '"1"'), r.json().get("status") == "accepted")
        etag, accepted = state[sid]
        body = {"action": "undo" if accepted else "accept"}
        t0 = time.perf_counter()
        try:
            r = await client.post(
                f"{base}/suggestions/{sid}/decisions", headers={**h, "If-Match": etag}, json=body
            )
            status = r.status_code
        except Exception:  # noqa: BLE001 - a timeout or a reset counts as a failure
            status = 0
        phase.add(status, time.perf_counter() - t0)
        if status == 200:
            state[sid] = (r.headers["etag"], not accepted)
        else:
            state.pop(sid, None)  # look again next time


async def _probe(client: Any, phase: Phase, until: float) -> None:
    loop = asyncio.get_running_loop()
    while loop.time() < until:
        for call in (
            lambda: client.get("/api/health"),
            lambda: _login(client, "probe"),
        ):
            t0 = time.perf_counter()
            try:
                r = await call()
                ok = isinstance(r, str) or r.status_code == 200
            except Exception:  # noqa: BLE001
                ok = False
            phase.probe.append(time.perf_counter() - t0)
            phase.probe_errors += 0 if ok else 1
        await asyncio.sleep(0.5)


async def run_phases(
    url: str, case_id: int, pairs: list[tuple[str, list[str]]], seconds: float, interval: float
) -> list[Phase]:
    import httpx

    limits = httpx.Limits(
        max_connections=len(pairs) + 10, max_keepalive_connections=len(pairs) + 10
    )
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        tokens = [await _login(client, name) for name, _ in pairs]
        client.cookies.clear()
        base = f"/api/cases/{case_id}"
        out = []
        state: dict[str, tuple[str, bool]] = {}
        for name, every in (("flat out", 0.0), (f"paced (every {interval:g} s)", interval)):
            phase = Phase(name)
            loop = asyncio.get_running_loop()
            until = loop.time() + seconds
            t0 = time.perf_counter()
            await asyncio.gather(
                *(
                    _reviewer(client, base, t, sids, phase, until, every, state)
                    for t, (_, sids) in zip(tokens, pairs, strict=True)
                ),
                _probe(client, phase, until),
            )
            phase.seconds = time.perf_counter() - t0
            out.append(phase)
    return out


def run_store(store: str, args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="load-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        pg_name = None
        if store == "sqlite":
            url = f"sqlite:///{data / 'assistant.db'}"
        else:
            import psycopg

            pg_name = f"assistant_load_{secrets.token_hex(4)}"
            with psycopg.connect(args.pg, autocommit=True) as conn:
                conn.execute(f'CREATE DATABASE "{pg_name}"')
            url = f"{args.pg.rsplit('/', 1)[0]}/{pg_name}"
        try:
            case_id, pairs = fill(data, url, args.clients)
            server = ServerProc(data, url)
            try:
                server.wait_ready()
                phases = asyncio.run(
                    run_phases(server.url, case_id, pairs, args.seconds, args.interval)
                )
            finally:
                server.stop()
        finally:
            if pg_name:
                import psycopg

                with psycopg.connect(args.pg, autocommit=True) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)')
    kind = "sqlite" if store == "sqlite" else "postgresql"
    flat, paced = (p.summary() for p in phases)
    return {
        "store": kind,
        "clients": args.clients,
        "seconds": args.seconds,
        "flat_out": flat,
        "paced": paced,
        "targets_met": {
            "flat_out_no_5xx_under_5s": flat["5xx"] == 0 and flat["max_ms"] < 5000,
            "probe_under_5s": flat["probe_max_ms"] < 5000 and flat["probe_errors"] == 0,
            f"paced_p99_under_{TARGETS[kind] * 1000:.0f}ms": paced["p99_ms"] < TARGETS[kind] * 1000,
        },
    }


def format_result(res: dict[str, Any]) -> str:
    lines = [f"{res['store']}: {res['clients']} clients, {res['seconds']:g} s per phase"]
    for key in ("flat_out", "paced"):
        p = res[key]
        lines.append(
            f"  {p['phase']:<22} {p['requests']:>6} decisions {p['per_s']:>7}/s  5xx {p['5xx']}  "
            f"p50 {p['p50_ms']} ms  p95 {p['p95_ms']} ms  p99 {p['p99_ms']} ms  max {p['max_ms']} ms  "
            f"status {p['status']}  | health+login probe p99 {p['probe_p99_ms']} ms, "
            f"max {p['probe_max_ms']} ms, errors {p['probe_errors']}"
        )
    lines.append(
        "  targets: "
        + ", ".join(f"{k}: {'met' if v else 'NOT met'}" for k, v in res["targets_met"].items())
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--store", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument(
        "--interval", type=float, default=2.0, help="paced phase: seconds between decisions"
    )
    ap.add_argument(
        "--pg",
        default=os.environ.get(
            "ASSISTANT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
    )
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    stores = ["sqlite", "postgres"] if args.store == "both" else [args.store]
    results = []
    for store in stores:
        res = run_store(store, args)
        results.append(res)
        print(format_result(res), flush=True)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
