"""Spans of page text that describe offence details, so the reviewer's screen can collapse them.

Reviewers read many files; the detail of what was done to a child is needed only sometimes,
and showing it by default on every page is a needless harm to the reader (vicarious trauma).
This marks each sentence (segment) that describes a sexual act or abusive images, using
general offence-describing wording only (never names or case-specific phrases). It errs
towards collapsing: a collapsed sentence is one click away, an uncollapsed one is already read.

Pure regular expressions: no model, microseconds per page.
"""

from __future__ import annotations

import re

from assistant.nlp.segment import segment_text

# Each alternative describes an act, not a topic: "Sexual Offences Act" or "rape crisis
# centre" (a service) are not offence detail, so they are excluded below.
_TERMS = [
    r"rap(?:e|ed|es|ing|ist)\b",
    r"sexual(?:ly)?\s+(?:assault\w*|abus\w*|touch\w*|activit\w*|act\w*|intercourse|exploit\w*)",
    r"(?:assault\w*|abus\w*)\s+(?:her|him|them|me)\s+sexually",
    r"penetrat\w*",
    r"intercourse",
    r"oral\s+sex|anal\s+sex|\bsex\s+act\w*|had\s+sex|have\s+sex|having\s+sex|sex\s+with",
    r"indecent(?:ly)?\s+(?:image\w*|photo\w*|picture\w*|video\w*|assault\w*|exposure|expos\w*)",
    r"(?:naked|nude|explicit|sexual(?:ised)?)\s+(?:image\w*|photo\w*|picture\w*|video\w*|selfie\w*)",
    r"touch(?:ed|ing|es)?\s+(?:her|his|him|my|their|me|them)\s+"
    r"(?:\w+\s+)?(?:breast\w*|chest|genital\w*|private\w*|vagina\w*|penis|bottom|body|between|under|inside)",
    r"touch(?:ed|ing)\s+(?:her|him|me|them)\s+(?:inappropriately|sexually|intimately)",
    r"grop\w+|fondl\w+|molest\w*",
    r"masturbat\w*|ejaculat\w*|semen|genital\w*|vagina\w*|penis\w*",
    r"(?:forced|made|coerced|pressured)\s+(?:her|him|them|me)\s+(?:to\s+)?(?:perform|do|have|give|undress|strip)\w*",
    r"expos(?:ed|ing)\s+(?:himself|herself|themselves|his\s+genitals)",
    r"undress\w*|(?:took|taken|removed)\s+(?:off\s+)?(?:her|his|their)\s+(?:clothes|clothing|underwear)",
]
_OFFENCE = re.compile(r"\b(?:" + "|".join(_TERMS) + r")", re.IGNORECASE)
# Wording that contains a term but names a law or a service, not an act.
_NOT_DETAIL = re.compile(
    r"sexual\s+offences?\s+act|rape\s+crisis|sexual\s+assault\s+referral\s+cent(?:re|er)|"
    r"sexual\s+health|child\s+sexual\s+exploitation\s+(?:team|unit|risk|screening|coordinator)",
    re.IGNORECASE,
)


def _describes_offence(text: str) -> bool:
    # Blank out statute titles and service names first, so only wording about acts remains.
    text = _NOT_DETAIL.sub(lambda m: " " * len(m.group()), text)
    return _OFFENCE.search(text) is not None


def sensitive_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text`` that describe offence details.

    Adjacent sentences are merged into one span (only whitespace between them), so a
    paragraph of detail collapses as one block.
    """
    spans: list[tuple[int, int]] = []
    for s, e in segment_text(text):
        if not _describes_offence(text[s:e]):
            continue
        if spans and not text[spans[-1][1] : s].strip():
            spans[-1] = (spans[-1][0], e)
        else:
            spans.append((s, e))
    return spans
