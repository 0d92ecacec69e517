"""Possible missing interviews and accounts, one suggestion per person.

- Victim: no ABE / VRI / written statement (MG11) anywhere; "declined" once, with no later
  attempt or support, is still a missing account.
- Suspect: never interviewed under caution (in custody or by voluntary attendance). A no-comment
  interview or a prepared statement IS an interview; a CAWN, words of advice or a phone call is
  not. A suspect never identified or never traced was never interviewed.
- Witness: a named person with relevant knowledge (present, saw, received a disclosure, drove)
  with no statement on file.
"""

from __future__ import annotations

import re
from typing import Any

from assistant.detectors.base import Detector
from assistant.detectors.common import cite_segment, clamp
from assistant.nlp.context import CaseContext
from assistant.nlp.people import Mention, Person, find_people
from assistant.types import Citation, Suggestion

_NEG = (
    r"(?:not|never|no|n't|nor|without|yet\s+to|declined|refused|unwilling|did\s+not\s+want|"
    r"does\s+not\s+want|did\s+not\s+wish|does\s+not\s+wish|failed|unable|couldn't|could\s+not)"
)
DONE = {
    "victim": re.compile(
        r"\b(?:ABE|VRI|video[- ]recorded\s+interview|achieving\s+best\s+evidence|visually\s+recorded)"
        r"(?:\s+interview)?\s*(?:was\s+|has\s+been\s+)?(?:completed|conducted|recorded|held|carried\s+out|"
        r"undertaken|took\s+place|done|on\s+\d|\d{1,2}[/.]\d{1,2}|exhibited|[A-Z]{2,4}/\d)"
        r"|\b(?:ABE|VRI)'?d\b"
        r"|\b(?:completed|conducted|recorded|held|had|gave|did)\s+(?:an?\s+|her\s+|his\s+)?"
        r"(?:ABE|VRI|video[- ]recorded\s+interview|recorded\s+interview)\b"
        r"|\b(?:MG11|written\s+statement|statement)\s+(?:was\s+|has\s+been\s+)?(?:taken|obtained|recorded|"
        r"provided|signed|made|given|completed|exhibited)\b"
        r"|\b(?:gave|provided|made|signed)\s+(?:a|an|her|his)\s+(?:full\s+|written\s+|witness\s+)?"
        r"(?:statement|MG11|account\s+(?:on|in)\s+(?:ABE|VRI|video))\b"
        r"|\binterviewed\s+(?:on\s+(?:video|camera)|by\s+(?:ABE|VRI)|under\s+ABE)\b"
        r"|\b(?:ABE|VRI)\b[^.|]{0,40}\b(?:exhibit(?:ed)?|[A-Z]{2,4}/\d)",
        re.I,
    ),
    "suspect": re.compile(
        r"\b(?:was\s+|were\s+|been\s+|re-?)?interviewed\b(?!\s+(?:as\s+a\s+)?witness)"
        r"|\binterview\s+(?:under\s+caution|conducted|completed|took\s+place|held|recorded)\b"
        r"|\b(?:IUC|PACE\s+interview|voluntary\s+(?:attendance\s+)?interview|VA\s+interview|"
        r"interview(?:ed)?\s+(?:by\s+)?(?:voluntary|VA)|no[- ]comment|prepared\s+statement|"
        r"in\s+interview|during\s+(?:the\s+|his\s+|her\s+)?interview|denied\s+(?:the\s+)?"
        r"(?:offences?|allegations?)\s+in\s+interview|interview\s+(?:summary|record|ROTI|SDN))\b",
        re.I,
    ),
    "witness": re.compile(
        r"\b(?:MG11|statement|witness\s+statement)\s+(?:was\s+|has\s+been\s+)?(?:taken|obtained|recorded|"
        r"provided|signed|made|given|completed|received|exhibited|on\s+file)\b"
        r"|\b(?:MG11|statement)\s+(?:from|of|by)\s+[^|.;]{0,40}\b(?:taken|obtained|recorded|received|"
        r"on\s+file|[A-Z]{2,4}/\d)"
        r"|\b(?:gave|provided|made|signed)\s+(?:a|an|her|his)\s+(?:full\s+|written\s+|witness\s+)?"
        r"(?:statement|MG11)\b"
        r"|\b(?:ABE|VRI)\s+(?:interview\s+)?(?:completed|conducted|recorded)\b"
        r"|\binterviewed\s+as\s+a\s+witness\b|\b(?:traced,?\s+interviewed\s+and\s+eliminated|TIE\s+complete)"
        r"|\b(?:MG11|statement)\b[^|.;]{0,30}\b(?:\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|[A-Z]{2,4}/\d{1,3})"
        r"[^|]*\|[^|]*\|?\s*(?:complete[d]?)\s*$",
        re.I,
    ),
}
# Wording that shows the interview/account did NOT happen.
NOT_DONE = {
    "victim": re.compile(
        rf"\b(?:{_NEG})\s+(?:\w+\s+){{0,3}}(?:ABE|VRI|interview\w*|statement|account|speak|talk|engage|"
        r"support|disclose|co-?operat\w*|provide|give|make|assist)\b"
        r"|\b(?:declined|refused|did\s+not\s+wish|does\s+not\s+wish|did\s+not\s+want|does\s+not\s+want|"
        r"not\s+ready|unwilling|reluctant)\b"
        r"|\bno\s+(?:ABE|VRI|statement|MG11|account|interview)\b",
        re.I,
    ),
    "suspect": re.compile(
        rf"\b(?:{_NEG})\s+(?:\w+\s+){{0,3}}(?:interview\w*|arrest\w*|traced|located|identified|"
        r"spoken\s+to|attend\w*|found)\b"
        r"|\b(?:CAWN|child\s+abduction\s+warning\s+notice|words\s+of\s+advice|W/A|harassment\s+warning|"
        r"no\s+trace|untraced|unidentified|not\s+identified|whereabouts\s+unknown|failed\s+to\s+attend|"
        r"FTA|no\s+fixed\s+abode|NFA'?d?\s+(?:before|without)|circulated\s+(?:as\s+)?wanted|"
        r"spoke\s+(?:to\s+him\s+)?(?:by|on\s+the)\s+(?:phone|telephone)|by\s+telephone|informal\s+chat)\b",
        re.I,
    ),
    "witness": re.compile(
        rf"\b(?:{_NEG})\s+(?:\w+\s+){{0,3}}(?:statement|MG11|spoken|seen|traced|located|interview\w*|"
        r"approached|contacted|visited|identified|asked)\b"
        r"|\bTIE\b(?![^|.]{0,30}\bcomplete)|\b(?:no\s+reply|card\s+left|call\s+back|not\s+at\s+home|"
        r"outstanding|awaiting|to\s+be\s+(?:seen|traced|spoken|obtained|taken))\b",
        re.I,
    ),
}
# A witness is worth a statement only when the file shows they know something relevant.
RELEVANT = re.compile(
    r"\b(?:present|there\s+when|was\s+with|were\s+with|with\s+(?:her|him|them)\s+(?:at|in|when)|saw|seen|"
    r"witness\w*|W\d|TIE|heard|told\s+(?:her|his|their|the)|disclos\w+|first\s+(?:account|complaint)|"
    r"drove|driver|passenger|in\s+the\s+car|at\s+the\s+(?:flat|house|address|party|hotel)|friend|"
    r"knows?|knew|aware|overheard|received|found\s+(?:her|him)|messages?|screenshots?|shop\s?keeper|"
    r"staff|manager|landlord|neighbour)\b",
    re.I,
)


class MissingInterviewDetector(Detector):
    name = "missing_interview"
    version = "0.3.0"
    type = "missing_interview"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        out: list[Suggestion] = []
        people = find_people(ctx)
        for p in people:
            role = p.role
            if role not in ("victim", "suspect", "witness"):
                continue
            votes = p.role_votes
            total = sum(votes.values())
            if total == 0 or votes[role] / total < 0.45:
                continue  # role unclear: not worth a reviewer's time
            s = self._assess(ctx, p, role)
            if s is not None:
                out.append(s)
        return out

    def _texts(self, ctx: CaseContext, p: Person) -> list[tuple[Mention, str]]:
        seen: set[int] = set()
        out = []
        for m in p.mentions:
            if m.seg in seen:
                continue
            seen.add(m.seg)
            out.append((m, ctx.segments[m.seg].text))
        return out

    def _assess(self, ctx: CaseContext, p: Person, role: str) -> Suggestion | None:
        texts = self._texts(ctx, p)
        done_rx, not_rx = DONE[role], NOT_DONE[role]
        done_at: list[Mention] = []
        not_at: list[tuple[Mention, str]] = []
        for m, t in texts:
            if done_rx.search(t) and not _negated(t, done_rx):
                done_at.append(m)
            nm = not_rx.search(t)
            if nm:
                not_at.append((m, nm.group(0)))
        if done_at:
            return None
        why: dict[str, Any] = {"role_votes": dict(p.role_votes), "mentions": len(p.mentions)}
        if role == "witness":
            if not any(RELEVANT.search(t) for _, t in texts):
                return None
            conf = 0.5 + (0.2 if not_at else 0.0)
        elif role == "suspect":
            conf = 0.55 + (0.25 if not_at else 0.0)
        else:
            conf = 0.5 + (0.3 if not_at else 0.0)
        if len({ctx.segments[m.seg].document for m, _ in texts}) > 1:
            conf += 0.05
        cites: list[Citation] = []
        keys: set[tuple[str, int, int]] = set()
        ordered = [m for m, _ in not_at] + [m for m, _ in texts]
        for m in ordered:
            seg = ctx.segments[m.seg]
            c = cite_segment(ctx, seg, (m.start, m.end))
            k = (c.document, c.page, c.start)
            if k in keys:
                continue
            keys.add(k)
            cites.append(c)
            if len(cites) >= 4:
                break
        what = {
            "victim": "no ABE / VRI interview or written statement (MG11) is recorded",
            "suspect": "no interview under caution (custody or voluntary attendance) is recorded",
            "witness": "no witness statement (MG11) is recorded",
        }[role]
        cue = f" The file says: \"{not_at[0][1]}\"." if not_at else ""
        rationale = (
            f"{p.display} appears as a {role} ({', '.join(sorted(p.labels)) or 'by name'}), "
            f"and {what} in any document of the case.{cue} "
            + {
                "victim": "Seek the child's account to best practice (ABE), with support (ISVA, "
                "intermediary, a trusted adult) where they declined before.",
                "suspect": "Trace and arrest or invite the suspect to a voluntary interview under "
                "caution; a CAWN or words of advice is not an interview.",
                "witness": "Trace and interview the witness and record an MG11 statement.",
            }[role]
        )
        return Suggestion(
            type="missing_interview",
            subject=p.subject(),
            role=role,  # type: ignore[arg-type]
            title=f"No {'account' if role == 'victim' else 'interview' if role == 'suspect' else 'statement'}"
            f" recorded for {role} {p.display}",
            rationale=rationale,
            confidence=clamp(conf),
            citations=cites,
            detector=self.name,
            detector_version=self.version,
            explanation={**why, "not_done_cues": [c for _, c in not_at][:3]},
        )


def _negated(text: str, rx: re.Pattern[str]) -> bool:
    """True when every match of ``rx`` in ``text`` is negated just before it ("not interviewed")."""
    for m in rx.finditer(text):
        before = text[max(0, m.start() - 30):m.start()].lower()
        if not re.search(r"\b(?:not|never|no|yet\s+to|without|n't|failed\s+to|refused|declined)\b"
                         r"[\w\s]{0,20}$", before):
            return False
    return True
