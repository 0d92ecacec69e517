"""Fixtures for the API tests: a real database (SQLite, and PostgreSQL when a server is
reachable), the real application over HTTP (TestClient), users, and seeded cases.

PostgreSQL: a fresh database is created per test session on ASSISTANT_TEST_PG_URL or
postgresql://postgres@127.0.0.1:5432 (trust auth) and dropped at the end; each test gets an
empty schema. Where no server answers, those tests are skipped with the reason shown.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from apiutil import make_settings
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import ApiSettings

PG_BASE = os.environ.get("ASSISTANT_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_reachable() -> str | None:
    """None when the server answers, else why not."""
    try:
        import psycopg

        with psycopg.connect(PG_BASE, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
        return None
    except Exception as e:  # noqa: BLE001
        return f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session; its SQLAlchemy URL."""
    why = _pg_reachable()
    if why is not None:
        pytest.skip(
            f"PostgreSQL not reachable at {PG_BASE.split('@')[-1]} ({why}): "
            "PostgreSQL tests skipped; SQLite tests still run"
        )
    import psycopg

    name = f"assistant_test_{secrets.token_hex(4)}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = PG_BASE.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    with psycopg.connect(PG_BASE, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _reset_pg(url: str) -> None:
    """Empty every table (the schema stays: migrating once per session keeps tests fast)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                "AND tablename <> 'alembic_version'"
            ).fetchall()
        ]
        if not tables:
            return
        guards = conn.execute(
            "SELECT count(*) FROM pg_trigger WHERE tgname LIKE '%%_no_change'"
        ).fetchone()
        if not guards or guards[0] != 2:  # a test removed the append-only guard: start afresh
            conn.execute("DROP SCHEMA public CASCADE")
            conn.execute("CREATE SCHEMA public")
            return
        # TRUNCATE fires no row triggers, so the append-only tables empty too (test reset only).
        conn.execute(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
        conn.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, %s)", ("0" * 64,))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'data' / 'assistant.db'}"
    url: str = request.getfixturevalue("pg_database")
    _reset_pg(url)
    return url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'data' / 'assistant.db'}"


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> ApiSettings:
    return make_settings(tmp_path / "data", db_url)


@pytest.fixture
def app(settings: ApiSettings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c
