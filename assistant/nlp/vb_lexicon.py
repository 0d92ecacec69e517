"""The victim-blaming lexicon (``models/lexicons/victim_blaming.json``), compiled.

Each entry is a family of wording built from published language guidance, with its sources,
why it is a concern, the wording recommended instead, examples it must flag, counter-examples
it must not, and ``fine_contexts``: wording which, found around a match, means it is fine there
("consent to a medical", the suspect's own conduct, a statute title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from assistant.nlp.gate import anchors as _anchors
from assistant.nlp.lexicon import load_lexicon

# How far around a match its entry's fine contexts are looked for (characters).
FINE_BEFORE = 80
FINE_AFTER = 80


@dataclass(frozen=True)
class Entry:
    """One family of wording."""

    name: str
    family: str
    label: str  # the family's label, for titles
    patterns: tuple[tuple[str, re.Pattern[str], frozenset[str] | None], ...]  # (source, rx, gate)
    fine: re.Pattern[str] | None
    weak: bool
    concern: str
    instead: str
    sources: tuple[str, ...]
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]

    def fine_here(self, text: str, start: int, end: int) -> bool:
        """True when one of the entry's fine contexts occurs around [start, end) of ``text``."""
        if self.fine is None:
            return False
        lo, hi = max(0, start - FINE_BEFORE), min(len(text), end + FINE_AFTER)
        # A table row's other cells are not the wording's context.
        lo = max(lo, text.rfind("|", lo, start) + 1)
        cell_end = text.find("|", end, hi)
        hi = cell_end if cell_end != -1 else hi
        return self.fine.search(text[lo:hi]) is not None


@dataclass(frozen=True)
class VbLexicon:
    entries: tuple[Entry, ...]
    law: re.Pattern[str]  # a sentence about the law or a procedure: not a finding
    discussion: re.Pattern[str]  # a sentence that discusses such language: not a finding
    guidance: dict[str, str]
    # Every pattern as (entry, source, compiled), and an index from a 4-letter word piece to the
    # patterns that need it (``assistant.nlp.gate``): a sentence runs only the patterns one of
    # its pieces names, plus the few with no such piece. Measured: several times faster than
    # testing every pattern's gate.
    patterns: tuple[tuple[Entry, str, re.Pattern[str]], ...] = ()
    by_piece: dict[str, tuple[int, ...]] = field(default_factory=dict)
    always: tuple[int, ...] = ()

    def patterns_for(self, pieces: frozenset[str]) -> list[int]:
        """Indices into ``patterns`` that can match a text with these word pieces, in order."""
        idx = set(self.always)
        for p in pieces:
            idx.update(self.by_piece.get(p, ()))
        return sorted(idx)


def _alternation(patterns: list[str]) -> re.Pattern[str] | None:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.I) if patterns else None


@lru_cache(maxsize=1)
def load_vb_lexicon() -> VbLexicon:
    """Compile ``models/lexicons/victim_blaming.json`` once per process."""
    lex: dict[str, Any] = load_lexicon("victim_blaming")
    fams: dict[str, Any] = lex["families"]
    entries = tuple(
        Entry(
            name=e["name"],
            family=e["family"],
            label=fams[e["family"]]["label"],
            patterns=tuple((p, re.compile(p, re.I), _anchors(p)) for p in e["patterns"]),
            fine=_alternation(e.get("fine_contexts", [])),
            weak=bool(e.get("weak", False)),
            concern=e["concern"],
            instead=e["instead"],
            sources=tuple(e["source"]),
            examples=tuple(e["examples"]),
            counter_examples=tuple(e["counter_examples"]),
        )
        for e in lex["entries"]
    )
    nf = lex["not_findings"]
    law = _alternation(nf["law"])
    disc = _alternation(nf["discussion"])
    assert law is not None and disc is not None
    flat = tuple((e, src, rx) for e in entries for src, rx, _ in e.patterns)
    gates = [g for e in entries for _, _, g in e.patterns]
    by_piece: dict[str, list[int]] = {}
    always: list[int] = []
    for i, g in enumerate(gates):
        if g is None:
            always.append(i)
        else:
            for piece in g:
                by_piece.setdefault(piece, []).append(i)
    return VbLexicon(entries, law, disc, dict(lex["guidance"]), flat,
                     {k: tuple(v) for k, v in by_piece.items()}, tuple(always))
