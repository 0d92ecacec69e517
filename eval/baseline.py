"""A keyword-search baseline, scored beside the real detectors so a reader sees what they add.

Deliberately simple, as a reviewer with Ctrl+F would be: the page text the review already
extracted (never ingested again) is cut into the pipeline's own segments
(``assistant.nlp.segment.segment_text``: sentences, table rows, log lines), and every segment
that holds a keyword becomes one suggestion citing that whole segment:

- ``unfollowed_inquiry``: a keyword of any kind (its kind is the first kind, in table order,
  with a keyword in the segment); no check that the line was in fact completed;
- ``victim_blaming_language``: a keyword from a short list of terms guidance warns about;
  no check for quotation, negation or a reviewer criticising the wording;
- ``missing_interview`` (a naive rule): a segment saying someone was not interviewed or gave
  no statement; the subject is the capitalised words after the segment's first word (minus
  a few titles and ranks), the role a role word in the segment, if any.

Keywords match case-insensitively at the start of a word ("prostitut" finds "prostitute" and
"prostitution"). Every suggestion has the same confidence (0.5), so the scorer keeps them in
document and page order. The lists are generic: they are not tuned on any labelled set.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from eval.score import PredCitation, Prediction

BASELINE_CONFIDENCE = 0.5

UNFOLLOWED_KEYWORDS: dict[str, tuple[str, ...]] = {
    "cctv": ("cctv", "footage", "camera"),
    "phone_digital": ("phone", "mobile", "download"),
    "social_media": ("social media", "snapchat", "facebook", "instagram", "whatsapp"),
    "forensic_medical": ("forensic", "dna", "swab", "medical"),
    "witness": ("witness",),
    "location_search": ("search",),
    "vehicle_anpr": ("anpr", "vehicle", "registration"),
    "third_party_records": ("records",),
    "financial": ("bank", "financial"),
    "other_victims": ("other victims",),
}

VICTIM_BLAMING_KEYWORDS: tuple[str, ...] = (
    "lifestyle",
    "consensual",
    "consented",
    "boyfriend",
    "promiscuous",
    "prostitut",
    "willing",
    "chose to",
    "putting herself",
    "putting himself",
    "sexually active",
    "streetwise",
)

MISSING_INTERVIEW_KEYWORDS: tuple[str, ...] = (
    "not interviewed",
    "not been interviewed",
    "never interviewed",
    "no statement",
    "not spoken to",
)

ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "suspect": ("suspect",),
    "victim": ("victim", "complainant"),
    "witness": ("witness",),
}

# Capitalised words that are not names: titles, ranks and the commonest sentence words.
_NOT_NAMES = {
    "the", "a", "an", "he", "she", "they", "it", "his", "her", "this", "that", "there", "no",
    "not", "mr", "mrs", "ms", "miss", "dr", "pc", "dc", "ds", "di", "dci", "sgt", "insp",
    "officer", "police", "oic", "cps", "suspect", "victim", "witness", "statement",
}
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z'\-]+\b|\b(?:IP|V|W|S)\d{1,2}\b")


def _pattern(words: Iterable[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)


_UNFOLLOWED = [(kind, _pattern(words)) for kind, words in UNFOLLOWED_KEYWORDS.items()]
_BLAMING = _pattern(VICTIM_BLAMING_KEYWORDS)
_MISSING = _pattern(MISSING_INTERVIEW_KEYWORDS)
_ROLES = [(role, _pattern(words)) for role, words in ROLE_WORDS.items()]


def _subject(text: str) -> str:
    words = [m.group(0) for m in _CAPITALISED.finditer(text)]
    return " ".join(w for w in words[1:] if w.lower() not in _NOT_NAMES)


def keyword_suggestions(
    case: str, pages: Iterable[tuple[str, int, str]]
) -> list[Prediction]:
    """The baseline's suggestions for one case, from (document, page number, page text)."""
    from assistant.nlp.segment import segment_text

    out: list[Prediction] = []

    def add(typ: str, cite: PredCitation, **extra: Any) -> None:
        out.append(
            Prediction(
                case=case,
                type=typ,
                confidence=BASELINE_CONFIDENCE,
                citations=[cite],
                title=f"keyword: {extra.pop('hit')}",
                id=f"kw-{len(out)}",
                order=len(out),
                **extra,
            )
        )

    for document, page, text in pages:
        for start, end in segment_text(text):
            seg = text[start:end]
            cite = PredCitation(document, page, seg, start, end)
            for kind, pat in _UNFOLLOWED:
                m = pat.search(seg)
                if m:
                    add("unfollowed_inquiry", cite, kind=kind, hit=m.group(0))
                    break
            m = _BLAMING.search(seg)
            if m:
                add("victim_blaming_language", cite, hit=m.group(0))
            m = _MISSING.search(seg)
            if m:
                subject = _subject(seg)
                if subject:
                    role = next((r for r, p in _ROLES if p.search(seg)), None)
                    add("missing_interview", cite, subject=subject, role=role, hit=m.group(0))
    return out


def pages_of(review: Any) -> list[tuple[str, int, str]]:
    """(document, page, text) of every page of a ``CaseReview`` (the text already extracted)."""
    return [(d.name, p.number, p.text) for d in review.documents for p in d.pages]


def describe() -> dict[str, Any]:
    """The baseline's rules, for the JSON output."""
    return {
        "unit": "segment (assistant.nlp.segment.segment_text), one suggestion per type per hit",
        "confidence": BASELINE_CONFIDENCE,
        "unfollowed_inquiry": {k: list(v) for k, v in UNFOLLOWED_KEYWORDS.items()},
        "victim_blaming_language": list(VICTIM_BLAMING_KEYWORDS),
        "missing_interview": {
            "keywords": list(MISSING_INTERVIEW_KEYWORDS),
            "subject": "capitalised words after the segment's first word, minus titles/ranks",
            "role": {k: list(v) for k, v in ROLE_WORDS.items()},
        },
    }


def count_by_type(preds: Mapping[str, Sequence[Prediction]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for ps in preds.values():
        for p in ps:
            out[p.type] = out.get(p.type, 0) + 1
    return out
