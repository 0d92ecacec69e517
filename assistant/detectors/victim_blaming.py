"""Possible victim-blaming language.

Two signals, explained in every suggestion:
- families of wording (``models/lexicons/victim_blaming.json``: consent and choice, risk put on
  the child, character and credibility, sex-work terms, relationship terms for an adult abuser,
  minimising), each with why it is a concern and the wording guidance recommends instead;
- a semantic classifier over sentence embeddings (``models/victim_blaming_classifier.json``,
  trained by ``models/train_victim_blaming.py``) that catches paraphrases no pattern lists.

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

# Words that show a sentence is about a child or the victim: a cheap gate for the classifier.
_ABOUT_CHILD = re.compile(
    r"\b(?:she|her|herself|he|him|himself|they|them|IP\d?|victim|complainant|girl|boy|child|"
    r"young\s+person|YP|CYP|daughter|son|teenager|pupil|student|misper|MFH)\b",
    re.I,
)
_SUSPECT_SUBJECT = re.compile(
    r"\b(?:S\d|SUSP\d|suspects?|offenders?|perpetrators?|the\s+(?:older\s+)?(?:male|man|men)|"
    r"accused|nominal|he\s+(?:claimed|claims|stated|states|said|says|denied|denies|accepted|accepts|"
    r"admitted|admits|maintained|insisted|alleged|explained|told\s+(?:officers|police)))\b",
    re.I,
)
# Families that describe a person: "S1 is manipulative" is about the suspect, not blame.
_PERSONAL_FAMILIES = {"character_credibility", "consent_choice", "risk_on_child"}
# Wording guidance recommends: the child as the one acted on. A clause framed this way is not
# blame, whatever its other words ("she has been targeted by older males and is at risk").
_VICTIM_FRAMING = re.compile(
    r"\b(?:(?:has|have|had|was|were|is|are|being|been)\s+(?:\w+\s+)?(?:targeted|groomed|exploited|abused|"
    r"coerced|manipulated|forced|threatened|controlled|trafficked|raped|assaulted|pressured|given|taken|"
    r"made\s+to|plied)|at\s+risk\s+(?:of|from)\s+(?:\w+\s+)?(?:exploitation|harm|abuse|adults|older|men|males|"
    r"grooming)|victim\s+of|(?:adults?|men|males|perpetrators?|abusers?|suspects?)\s+(?:are|were|have\s+been)\s+"
    r"(?:targeting|grooming|exploiting|abusing|using|giving|supplying))\b",
    re.I,
)
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

    embed_budget = 250  # clauses embedded per case at most (keeps large bundles fast)

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
        self._semantic(ctx, hits, exclude, suspects)
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

    def _semantic(self, ctx: CaseContext, hits: dict[int, dict[str, Any]], exclude: re.Pattern[str],
                  suspects: set[str]) -> None:
        clf = load_classifier()
        if clf is None:
            return
        cands: list[tuple[int, int, int]] = []  # (segment, clause start, clause end)
        for i, seg in enumerate(ctx.segments):
            if i in hits or len(seg.text) < 20 or exclude.search(seg.text):
                continue
            if not _ABOUT_CHILD.search(seg.text):
                continue
            qs = quoted_spans(seg.text)
            for a, b in clauses(seg.text):
                if len(tokens(seg.text[a:b])) < 3:
                    continue
                overlap = sum(max(0, min(b, qe) - max(a, qs_)) for qs_, qe in qs)
                if overlap > 0.4 * (b - a):
                    continue  # mostly the speaker's own words in quotation marks
                cands.append((i, a, b))
        if not cands:
            return
        cands = cands[: self.embed_budget]
        try:
            from assistant.index.embed import get_embedder

            vecs = get_embedder().encode([ctx.segments[i].text[a:b] for i, a, b in cands])
        except Exception:
            return
        scores = 1.0 / (1.0 + np.exp(-(vecs @ clf.w + clf.b)))
        fams, _, _ = _families()
        by_key = {f.key: f for f in fams}
        for (i, a, b), p in zip(cands, scores, strict=True):
            if p < clf.threshold:
                continue
            text = ctx.segments[i].text
            if self._about_suspect(text, a, b, suspects, head=True):
                continue
            if _VICTIM_FRAMING.search(text[a:b]):
                continue
            prev = hits.get(i)
            conf = float(0.45 + 0.4 * (p - clf.threshold) / max(1e-6, 1 - clf.threshold))
            if prev is None or conf > prev["score"]:
                hits[i] = {"family": by_key[self._nearest_family(text[a:b])], "match": (a, b),
                           "pattern": None, "score": conf, "how": "semantic", "p": float(p)}

    @staticmethod
    def _nearest_family(text: str) -> str:
        t = text.lower()
        if re.search(r"boyfriend|relationship|item|dating|partner|couple|love", t):
            return "relationship_terms"
        if re.search(r"sex\s+for|selling|trading|paid|money|prostitut|exchange", t):
            return "sex_work_terms"
        if re.search(r"risk|danger|situations|missing|keeps?\s+going|associat", t):
            return "risk_on_child"
        if re.search(r"agree|consent|willing|chose|choice|decision|wanted|happy\s+to", t):
            return "consent_choice"
        if re.search(r"just|only|fun|harmless|normal|nothing|little", t):
            return "minimising"
        return "character_credibility"

    def _suggest(self, ctx: CaseContext, seg: Segment, h: dict[str, Any],
                 guidance: dict[str, str]) -> Suggestion:
        fam: _Family = h["family"]
        a, b = h["match"]
        cite = cite_segment(ctx, seg, (seg.start + a, seg.start + b), extend_short=False)
        phrase = " ".join(seg.text[a:b].split())
        sources = "; ".join(guidance[g] for g in fam.guidance)
        how = ("matched the wording family" if h["how"] == "pattern"
               else f"read as blaming by the semantic classifier (p={h.get('p', 0):.2f})")
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
