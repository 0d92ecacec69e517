"""Settings, read from the environment with the prefix ``ASSISTANT_``."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict

# No model hub is reachable here or in CI: every model comes from an installed package.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="ignore")

    # Limits on an uploaded or reviewed file, checked before parsing.
    max_file_mb: float = 200.0
    max_pages: int = 2000
    max_image_pixels: int = 60_000_000  # per page image (about 7,700 x 7,700)
    parse_timeout_s: float = 600.0  # per file, parsing in a separate process

    # OCR.
    ocr_dpi: int = 300
    ocr_lang: str = "eng"
    workers: int = max(1, os.cpu_count() or 1)  # OCR pages in parallel across cores

    # Where cached ingestion results live (keyed by file SHA-256).
    cache_dir: Path | None = None


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
