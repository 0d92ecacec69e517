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
    """The core's settings (the web API's extend them: ``api/settings.py``; MiniLM's tuning knobs
    are ``EmbedSettings`` below)."""

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


class EmbedSettings(BaseSettings):
    """Tuning knobs, from the environment (``ASSISTANT_EMBED_*``); the defaults suit 2 cores."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_EMBED_", extra="ignore")

    batch_size: int = 64  # 32-64 measured best on 2 cores; 128+ pads more and is slower
    # Segments are at most 600 characters (about 150 word pieces), so 256 truncates nothing.
    max_seq_length: int = 256
    bf16: bool | None = None  # None: use bfloat16 where the CPU has it natively
    threads: int = 0  # torch intra-op threads; 0 leaves torch's default (the physical cores)
    cache_size: int = 100_000  # texts kept in the in-process cache (about 1.6 KB each + text)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
