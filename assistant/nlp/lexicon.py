"""Word lists shared by the rules, and loading of the JSON lexicons in ``models/lexicons``."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

LEXICON_DIR = Path(__file__).resolve().parents[2] / "models" / "lexicons"


def _words(name: str) -> list[str]:
    """The words of ``models/lexicons/<name>.txt`` (whitespace-separated; '#' starts a comment line)."""
    out: list[str] = []
    for line in (LEXICON_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            out.extend(line.split())
    return out


# English function words (not imported from spaCy: importing spacy loads torch, seconds of
# start-up the rules do not need).
STOP_WORDS: frozenset[str] = frozenset(_words("stop_words"))
# Capitalised words in records that are not first names (headings, places, document words).
COMMON_CAPITALISED: frozenset[str] = frozenset(w.lower() for w in _words("domain_words")) | STOP_WORDS
# Upper-case words that are abbreviations, not surnames.
NOT_SURNAMES: frozenset[str] = frozenset(_words("not_surnames"))


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common first names (lower-case) from ``models/lexicons/first_names.txt``."""
    words: set[str] = set()
    for line in (LEXICON_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.strip().lower() for w in line.split())
    return frozenset(words)


@cache
def load_lexicon(name: str) -> Any:
    """Load ``models/lexicons/<name>.json``."""
    with (LEXICON_DIR / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)
