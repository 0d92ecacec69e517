"""Possible victim-blaming language.

Two signals, explained in every suggestion:
- families of wording (``models/lexicons/victim_blaming.json``: consent and choice, risk put on
  the child, character and credibility, sex-work terms, relationship terms for an adult abuser,
  minimising), each with why it is a concern and the wording guidance recommends instead;
- a semantic classifier over sentence embeddings (``models/victim_blaming_classifier.json``,
  trained by ``models/train_victim_blaming.py``) that scores how blaming each found clause
  reads, so the most clearly blaming wording comes first in the reviewer's queue.

Not a finding: the child's own words in quotation marks, "a child cannot consent in law",
statute titles, consent to an interview or a medical, a reviewer criticising earlier wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.detectors.base import Detector
from assistant.detectors.common import cite_segment, clamp, tokens
from assistant.nlp.context import CaseContext
from assistant.nlp.entities import inside, quoted_spans
from assistant.nlp.gate import anchors as _anchors
from assistant.nlp.gate import prefixes as _prefixes
from assistant.nlp.lexicon import LEXICON_DIR, load_lexicon
from assistant.nlp.people import find_people
from assistant.types import Segment, Suggestion

CLASSIFIER_PATH = LEXICON_DIR.parent / "victim_blaming_classifier.json"

_SUSPECT_SUBJECT = re.compile(
    r"\b(?:S\d|SUSP\d|suspects?|offenders?|perpetrators?|the\s+(?:older\s+)?(?:male|man|men)|"
    r"accused|nominal|he\s+(?:claimed|claims|stated|states|said|says|denied|denies|accepted|accepts|"
    r"admitted|admits|maintained|insisted|alleged|explained|told\s+(?:officers|police)))\b",
    re.I,
)
# Families that describe a person: "S1 is manipulative" is about the suspect, not blame.
_PERSONAL_FAMILIES = {"character_credibility", "consent_choice", "risk_on_child"}
_WEAK_FAMILY_PATTERNS = {  # patterns that need more context before they count
    "\\bmutual", "\\b(?:a|the|as\\s+a)\\s+couple", "\\b(?:embellish", "\\bbanter\\b",
    "\\b(?:sexual\\s+)?experiment", "\\bflirt\\w*\\b", "\\b(?:unruly|feral",
}


@dataclass
class _Family:
    key: str
    label: str
    concern: str
    instead: str
    guidance: list[str]
    patterns: list[tuple[str, re.Pattern[str]]]
    anchors: list[frozenset[str] | None]  # per pattern: word prefixes one of which must occur


@lru_cache(maxsize=1)
def _families() -> tuple[list[_Family], re.Pattern[str], dict[str, str]]:
    lex = load_lexicon("victim_blaming")
    fams = [
        _Family(
            key=k,
            label=v["label"],
            concern=v["concern"],
            instead=v["instead"],
            guidance=v["guidance"],
            patterns=[(p, re.compile(p, re.I)) for p in v["patterns"]],
            anchors=[_anchors(p) for p in v["patterns"]],
        )
        for k, v in lex["families"].items()
    ]
    exclude = re.compile("|".join(lex["exclude"]), re.I)
    return fams, exclude, lex["guidance"]


@dataclass
class _Classifier:
    w: np.ndarray
    b: float
    threshold: float
    version: str


@lru_cache(maxsize=1)
def load_classifier(path: Path = CLASSIFIER_PATH) -> _Classifier | None:
    if not path.exists():
        return None
    d = json.loads(path.read_text())
    return _Classifier(np.asarray(d["w"], dtype=np.float32), float(d["b"]), float(d["threshold"]),
                       d.get("version", "?"))


def clauses(text: str) -> list[tuple[int, int]]:
    """Clause spans of a sentence (the classifier reads clauses: blame is often one clause)."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in re.finditer(r";\s+|,\s+(?:and|but|so|as|although|though|because|which|who)\s+|\s+\|\s+"
                         r"|,\s+(?=[a-z])|\s+-\s+", text):
        if m.start() - pos >= 12:
            spans.append((pos, m.start()))
            pos = m.end()
    spans.append((pos, len(text)))
    return [(a, b) for a, b in spans if b - a >= 8]


class VictimBlamingDetector(Detector):
    name = "victim_blaming_language"
    version = "0.3.0"
    type = "victim_blaming_language"

    def warm_up(self) -> None:
        _families()
        load_classifier()

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        fams, exclude, guidance = _families()
        suspects = {t for p in find_people(ctx) if p.role == "suspect" for t in p.key_terms()}
        hits: dict[int, dict[str, Any]] = {}
        for i, seg in enumerate(ctx.segments):
            text = seg.text
            if len(text) < 8:
                continue
            if exclude.search(text):
                continue
            qs = quoted_spans(text)
            pre = _prefixes(text)
            for fam in fams:
                for (src, rx), anchor in zip(fam.patterns, fam.anchors, strict=True):
                    if anchor is not None and not (anchor & pre):
                        continue
                    m = rx.search(text)
                    if m is None or inside(qs, m.start(), m.end()):
                        continue
                    if fam.key in _PERSONAL_FAMILIES and self._about_suspect(
                            text, m.start(), m.end(), suspects):
                        continue
                    weak = any(src.startswith(w) for w in _WEAK_FAMILY_PATTERNS)
                    score = 0.62 if weak else 0.8
                    prev = hits.get(i)
                    if prev is None or score > prev["score"]:
                        hits[i] = {"family": fam, "match": (m.start(), m.end()), "pattern": src,
                                   "score": score, "how": "pattern"}
                    break
        self._rank(ctx, hits)
        out = []
        for i, h in sorted(hits.items()):
            out.append(self._suggest(ctx, ctx.segments[i], h, guidance))
        return out

    @staticmethod
    def _about_suspect(text: str, a: int, b: int, suspects: set[str], head: bool = False) -> bool:
        """True when the wording describes a suspect, not the child ("S1 is manipulative").
        ``head``: [a, b) is a whole clause, whose first words are its subject."""
        lo = max(0, a - 60)
        window = text[lo:a]
        # the clause's subject: after the last clause break before the match
        cut = max(window.rfind(";"), window.rfind(". "), window.rfind(", "))
        subj = window[cut + 1:] if cut != -1 else window
        if head:
            subj += " " + " ".join(text[a:b].split()[:4])
        if _SUSPECT_SUBJECT.search(subj):
            return not re.search(r"\b(?:she|her|IP\d?|girl|boy|child|victim|complainant)\b", subj, re.I)
        words = set(tokens(subj))
        return bool(words & suspects) and not (words & {"she", "her", "ip", "girl", "child", "victim"})

    def _rank(self, ctx: CaseContext, hits: dict[int, dict[str, Any]]) -> None:
        """Score each wording found with the semantic classifier: how blaming its clause reads.

        The classifier ranks; it does not add findings of its own (measured: flagging clauses no
        wording family matched added more false alarms than findings on authors it had not read,
        on the held-out split and the development set)."""
        clf = load_classifier()
        if clf is None or not hits:
            return
        items = []
        for i, h in hits.items():
            text = ctx.segments[i].text
            a, b = h["match"]
            span = next(((ca, cb) for ca, cb in clauses(text) if ca <= a < cb), (0, len(text)))
            items.append((i, text[span[0]:max(span[1], b)]))
        try:
            from assistant.index.embed import get_embedder

            vecs = get_embedder().encode([t for _, t in items])
        except Exception:  # no embedder: keep the wording-family scores
            return
        probs = 1.0 / (1.0 + np.exp(-(vecs @ clf.w + clf.b)))
        for (i, _), p in zip(items, probs, strict=True):
            h = hits[i]
            h["p"] = float(p)
            h["score"] = float(h["score"] - 0.1 + 0.2 * p)

    def _suggest(self, ctx: CaseContext, seg: Segment, h: dict[str, Any],
                 guidance: dict[str, str]) -> Suggestion:
        fam: _Family = h["family"]
        a, b = h["match"]
        cite = cite_segment(ctx, seg, (seg.start + a, seg.start + b), extend_short=False)
        phrase = " ".join(seg.text[a:b].split())
        sources = "; ".join(guidance[g] for g in fam.guidance)
        how = "matched the wording family" + (
            f"; semantic classifier reads the clause as blaming with p={h['p']:.2f}" if "p" in h else "")
        rationale = (
            f"\"{phrase}\" - {fam.label.lower()}. {fam.concern} "
            f"Guidance recommends instead: {fam.instead} (Guidance: {sources}.)"
        )
        return Suggestion(
            type="victim_blaming_language",
            title=f"{fam.label}: \"{phrase[:80]}\"",
            rationale=rationale,
            confidence=clamp(h["score"]),
            citations=[cite],
            detector=self.name,
            detector_version=self.version,
            explanation={"family": fam.key, "how": how, "pattern": h.get("pattern"),
                         "classifier_p": h.get("p")},
        )
