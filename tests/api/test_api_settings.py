"""Settings refuse unsafe defaults in production; development works out of the box."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from api.settings import ApiSettings

GOOD = {"env": "production", "secret_key": "s" * 48, "database_url": "postgresql://db/x"}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"secret_key": None}, "ASSISTANT_SECRET_KEY"),
        ({"secret_key": "changeme"}, "ASSISTANT_SECRET_KEY"),
        ({"secret_key": "short-secret"}, "ASSISTANT_SECRET_KEY"),
        ({"admin_password": "admin"}, "ASSISTANT_ADMIN_PASSWORD"),
        ({"admin_password": "password1"}, "ASSISTANT_ADMIN_PASSWORD"),
        ({"detectors": "none"}, "test settings"),
        ({"build_index": False}, "test settings"),
        ({"password_hash_memory_kib": 1024}, "argon2"),
        ({"cookie_secure": False}, "COOKIE_SECURE"),
    ],
)
def test_production_refuses_unsafe_values(change: dict[str, Any], complaint: str) -> None:
    with pytest.raises(ValueError, match=complaint) as e:
        ApiSettings(**{**GOOD, **change})
    assert "Refusing to start in production" in str(e.value)


def test_production_with_safe_values(tmp_path: Path) -> None:
    s = ApiSettings(**GOOD, admin_password="a-long-admin-passphrase", data_dir=tmp_path)
    assert s.secure_cookies and s.url == "postgresql://db/x"


def test_development_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(tmp_path / "d"))
    s = ApiSettings()
    assert s.env == "development" and not s.secure_cookies
    assert s.url == f"sqlite:///{(tmp_path / 'd' / 'assistant.db').resolve()}"
    key = s.secret()  # made once, kept, private
    assert len(key) >= 32 and s.secret() == key
    assert oct((tmp_path / "d" / "secret.key").stat().st_mode)[-3:] == "600"
    monkeypatch.setenv("ASSISTANT_ENV", "production")
    with pytest.raises(ValueError, match="Refusing"):
        ApiSettings()


def test_request_threads_are_sized_to_the_store(tmp_path: Path) -> None:
    """SQLite writes one transaction at a time: 8 request threads, not anyio's 40, so the
    writer holding the lock is not crowded off the interpreter (issue 9, load)."""
    import anyio.to_thread
    from apiutil import make_settings
    from fastapi.testclient import TestClient

    from api.app import create_app

    s = make_settings(tmp_path / "d", f"sqlite:///{tmp_path / 'a.db'}")
    assert s.request_thread_count() == 8
    pg = make_settings(tmp_path / "d", "postgresql+psycopg://u@127.0.0.1/x")
    assert pg.request_thread_count() == 0  # anyio's default
    assert (
        make_settings(
            tmp_path / "d", "postgresql+psycopg://u@h/x", request_threads=12
        ).request_thread_count()
        == 12
    )
    app = create_app(s)
    with TestClient(app) as c:
        tokens = c.portal.call(
            lambda: anyio.to_thread.current_default_thread_limiter().total_tokens
        )  # type: ignore[union-attr]
        assert tokens == 8
    app.state.engine.dispose()
