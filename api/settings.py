"""Settings of the web service, from the environment (prefix ``ASSISTANT_``).

Extends ``assistant.config.Settings`` (the ingest limits) with the database, the data
directory, sessions and lock-out. In production (``ASSISTANT_ENV=production``) the service
refuses to start with an unsafe default: no secret key, a short or well-known one, a weak
first-admin password, or a test hook left switched on.
"""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Literal

from pydantic import SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from assistant.config import Settings
from assistant.workbench.audit import AuditKey
from assistant.workbench.auth import password_problem
from assistant.workbench.db import default_url
from assistant.workbench.uploads import UploadLimits

KNOWN_WEAK = {
    "",
    "secret",
    "changeme",
    "change-me",
    "password",
    "admin",
    "dev",
    "development",
    "test",
    "please-change-me",
    "insecure",
    "default",
}


class ApiSettings(Settings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite at <data_dir>/assistant.db
    # Key for the session-token hashes. Development: made once and kept in <data_dir>/secret.key.
    secret_key: SecretStr | None = None
    # Key of the audit trail's hash chain (kept outside the database). Default: made once and
    # kept in <data_dir>/audit.key. The head file (default <data_dir>/audit.head) gets each
    # event's id and hash: keep it on append-only storage (chattr +a, or shipped off-box).
    audit_key: SecretStr | None = None
    audit_head_file: Path | None = None
    # A first admin, created at start-up when no user of that name exists.
    admin_username: str = "admin"
    admin_password: SecretStr | None = None
    # The first admin must change the configured password before doing anything else (the
    # web UI shows its change-password form first). On by default everywhere; switch it off
    # only for throwaway test servers.
    admin_must_change_password: bool = True

    session_idle_minutes: int = 30
    session_max_hours: int = 12
    max_failed_logins: int = 5  # failures (one name, one address) before tries are slowed
    lockout_minutes: int = 30  # the longest wait between two tries after failures

    # argon2id cost of password hashes (defaults: RFC 9106's low-memory profile).
    password_hash_time_cost: int = 3
    password_hash_memory_kib: int = 65536

    # Threads that run requests. 0: sized to the store (8 on SQLite, which writes one
    # transaction at a time; anyio's default of 40 on PostgreSQL).
    request_threads: int = 0
    max_request_mb: float = 1024.0  # one upload request, all files together
    zip_max_members: int = 1000
    zip_max_total_mb: float = 2048.0
    job_timeout_s: float = 3600.0  # one processing job (ingest + review + index)
    # A page with more characters than this (a huge text file with no page breaks) is refused
    # as too large instead of being reviewed (0: no limit).
    max_page_chars: int = 2_000_000
    worker_idle_s: float = 300.0  # the worker process (models loaded) exits after this idle
    worker_max_jobs: int = 25  # ... or after this many jobs; the next job starts a fresh one

    # Test hooks: which detectors the worker runs ("default", "none", "module:function" or
    # "/path/file.py:function"), and whether it builds the search index.
    detectors: str = "default"
    build_index: bool = True
    cookie_secure: bool | None = None  # default: on in production

    @model_validator(mode="after")
    def _refuse_unsafe_defaults(self) -> ApiSettings:
        if self.env != "production":
            return self
        problems: list[str] = []
        key = self.secret_key.get_secret_value() if self.secret_key else ""
        if len(key) < 32 or key.lower() in KNOWN_WEAK:
            problems.append(
                "ASSISTANT_SECRET_KEY must be set to a random value of at least 32 characters "
                "(for example: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        if self.admin_password is not None:
            pw = self.admin_password.get_secret_value()
            weak = password_problem(pw, username=self.admin_username)
            if len(pw) < 12 or pw.lower() in KNOWN_WEAK or weak:
                problems.append(
                    "ASSISTANT_ADMIN_PASSWORD is too weak (use 12 characters or more, not a "
                    "common password or a pattern)"
                )
        if self.detectors != "default" or not self.build_index:
            problems.append("ASSISTANT_DETECTORS / ASSISTANT_BUILD_INDEX are test settings")
        if self.password_hash_memory_kib < 19456 or self.password_hash_time_cost < 2:
            problems.append(
                "the argon2 password-hash cost is below the OWASP minimum (19 MiB of memory, 2 passes)"
            )
        if self.cookie_secure is False:
            problems.append("ASSISTANT_COOKIE_SECURE=false sends session cookies over plain HTTP")
        if problems:
            raise ValueError("Refusing to start in production: " + "; ".join(problems) + ".")
        return self

    @property
    def url(self) -> str:
        return self.database_url or default_url(self.data_dir)

    def request_thread_count(self) -> int:
        """Threads for requests (0: leave anyio's default)."""
        if self.request_threads > 0:
            return self.request_threads
        return 8 if self.url.startswith("sqlite") else 0

    @property
    def admin_must_change(self) -> bool:
        return self.admin_must_change_password

    @property
    def secure_cookies(self) -> bool:
        return self.cookie_secure if self.cookie_secure is not None else self.env == "production"

    def secret(self) -> str:
        """The token-hashing key: the configured one, else one kept in the data directory."""
        if self.secret_key is not None:
            return self.secret_key.get_secret_value()
        return _key_file(Path(self.data_dir) / "secret.key")

    def audit_config(self) -> AuditKey:
        """The audit chain's key (``ASSISTANT_AUDIT_KEY``, else ``audit.key`` in the data
        directory: outside the database either way) and its head file."""
        key = (
            self.audit_key.get_secret_value()
            if self.audit_key is not None
            else _key_file(Path(self.data_dir) / "audit.key")
        )
        head = self.audit_head_file or Path(self.data_dir) / "audit.head"
        return AuditKey(key.encode(), Path(head).resolve())

    def upload_limits(self) -> UploadLimits:
        return UploadLimits(
            max_file_bytes=int(self.max_file_mb * 2**20),
            max_pages=self.max_pages,
            max_image_pixels=self.max_image_pixels,
            zip_max_members=self.zip_max_members,
            zip_max_total_bytes=int(self.zip_max_total_mb * 2**20),
        )

    def worker_config(self) -> dict[str, object]:
        """What the worker process needs (sent as JSON on its stdin)."""
        return {
            "database_url": self.url,
            "data_dir": str(Path(self.data_dir).resolve()),
            "detectors": self.detectors,
            "build_index": self.build_index,
            "max_page_chars": self.max_page_chars,
            "ingest": {
                "max_file_mb": self.max_file_mb,
                "max_pages": self.max_pages,
                "max_image_pixels": self.max_image_pixels,
                "parse_timeout_s": self.parse_timeout_s,
                "ocr_dpi": self.ocr_dpi,
                "ocr_lang": self.ocr_lang,
                "workers": self.workers,
                **({"cache_dir": str(self.cache_dir)} if self.cache_dir else {}),
            },
        }


def _key_file(path: Path) -> str:
    """A random key kept in ``path`` (made once, mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it a moment ago
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48))
                f.flush()
                os.fsync(f.fileno())
    for _ in range(100):  # a concurrent creator may not have written it yet
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and start again")
