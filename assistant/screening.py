"""Pre-screening of one case against the national review's published scope.

In scope: two or more suspects; a no-further-action decision between 2010-01-01 and
2025-03-31; a contact sexual offence. Priority 1 = rape alleged and in scope, 2 = in scope,
3 = out of scope. Every reason names what was found (or not found) so a reviewer can check it.
"""

from __future__ import annotations

import re
from datetime import date

from assistant.nlp.context import CaseContext
from assistant.nlp.entities import find_dates
from assistant.nlp.people import find_people
from assistant.types import Screening

SCOPE_START = date(2010, 1, 1)
SCOPE_END = date(2025, 3, 31)

NFA = re.compile(
    r"\b(?:NFA(?:'?d)?|no\s+further\s+(?:police\s+)?action|(?:case|crime|investigation|matter)\s+"
    r"(?:was\s+|is\s+|has\s+been\s+)?(?:filed|closed|finalised|written\s+off)|filed\s+(?:pending|as|under|"
    r"with|on)|(?:outcome|OC|HO\s+outcome|home\s+office\s+outcome)\s*(?:code\s*)?(?:1[4-8]|2[01])\b|"
    r"outcome\s+(?:1[4-8]|2[01])|no\s+charge|not\s+to\s+charge|insufficient\s+evidence\s+to\s+charge|"
    r"evidential\s+(?:test|stage)\s+(?:is\s+|was\s+)?not\s+(?:met|passed)|decision\s+not\s+to\s+"
    r"(?:charge|prosecute)|closed\s+with\s+no|no\s+realistic\s+prospect)",
    re.I,
)
# Rape recorded in any of the words files use: the word itself ("raped" in an account), the
# offence by section (SOA 2003 s.1 rape, s.5 rape of a child under 13, s.30 of a person with a
# mental disorder impeding choice), or penetration (s.2 assault by penetration, s.6 of a child
# under 13, "penetrative offence").
_SOA = r"(?:SOA|S\.?O\.?A\.?|Sexual\s+Offences\s+Act)"
# "s.1", "s 5", "section 1", "Sec. 5"; not "S1", which is a suspect's label
_RAPE_SECTION = r"(?:(?-i:s)\.?\s?|S\.\s?|(?:sec|sect|section)\.?\s?)(?:1|2|5|6|30)(?:\s?\(\s?1\s?\))?(?![\d(])"
RAPE = re.compile(
    r"\brap(?:e|ed|es|ing|ist)\b"
    rf"|\b{_RAPE_SECTION}[^.\n]{{0,30}}\b{_SOA}|\b{_SOA}(?:\s*(?:19|20)\d\d)?[^.\n]{{0,25}}\b{_RAPE_SECTION}"
    r"|\bassault\s+by\s+penetration\b|\bpenetrat\w+\b",
    re.I,
)
# Negation of the allegation itself ("No penetrative offence is alleged", "she does not allege
# rape"), not of what followed it ("CPS advised not to charge rape", "S1 denied rape" still
# record an allegation).
_NO_RAPE_BEFORE = re.compile(
    r"\b(?:no|nor|never|not\s+an?|no\s+(?:allegation|suggestion|disclosure|evidence|indication|report)\s+of|"
    r"(?:does|did|do)\s+not\s+(?:allege|disclose|report|suggest|describe)|(?:has|have)\s+not\s+(?:alleged|"
    r"disclosed|reported)|without)\s+(?:any\s+)?(?:\w+\s+){0,1}$",
    re.I,
)
_NO_RAPE_AFTER = re.compile(
    r"^[\w\s,()-]{0,30}?\b(?:is|was|were|has\s+been|had\s+been)\s+(?:not|never)\s+(?:alleged|disclosed|reported|"
    r"suggested|described)|^[\w\s,()-]{0,30}?\b(?:ruled\s+out|excluded|not\s+alleged)\b",
    re.I,
)


def rape_alleged_in(text: str) -> str | None:
    """The words that record an allegation of rape in ``text`` (None when there are none):
    unit and service names ("Rape Crisis", "RASSO") and negated allegations do not count."""
    clean = RAPE_NAMES.sub(lambda m: " " * len(m.group(0)), text)
    for m in RAPE.finditer(clean):
        clause_start = max(clean.rfind(sep, 0, m.start()) for sep in (".", ";", "\n", "|")) + 1
        before = clean[max(clause_start, m.start() - 60):m.start()]
        if _NO_RAPE_BEFORE.search(before) or _NO_RAPE_AFTER.search(clean[m.end():m.end() + 60]):
            continue
        return text[m.start():m.end()]
    return None


# Unit and service names that contain the word: "Rape and Serious Sexual Offences Unit", "Rape Crisis".
RAPE_NAMES = re.compile(r"\brape\s+(?:and\s+serious\s+sexual\s+offences?|crisis|&\s*serious)\b|\bRASSO\b", re.I)
CONTACT = re.compile(
    r"\brap(?:e|ed|es|ing)\b|\bsexual(?:ly)?\s+assault\w*|\bassault\s+by\s+penetration\b|"
    r"\bsexual\s+activity\s+with\s+a\s+child\b|\btouch\w*\b[^.\n]{0,40}\b(?:sexual|breasts?|private|"
    r"intimate)|\b(?:sexual|indecent)\s+(?:touching|assault|contact)\b|\bindecent\s+assault\b|"
    r"\bs\.?\s?(?:1|2|3|5|6|7|8|9|10|11|12|14|25|26)\b[^.\n]{0,20}\b(?:SOA|Sexual\s+Offences\s+Act)\b|"
    r"\b(?:SOA|Sexual\s+Offences\s+Act)\b[^.\n]{0,30}\bs\.?\s?(?:1|2|3|5|6|7|8|9|10|11|12|14|25|26)\b|"
    r"\bcontact\s+(?:sexual\s+)?offen\w+|\bsexual\s+intercourse\b|\bpenetrat\w+",
    re.I,
)
NON_CONTACT_ONLY = re.compile(
    r"\b(?:online\s+only|non[- ]contact|no\s+(?:physical\s+)?contact\s+(?:offences?|took\s+place|between)|"
    r"never\s+met\s+in\s+person|did\s+not\s+meet)\b",
    re.I,
)


def _nfa_dates(ctx: CaseContext) -> list[tuple[date, str]]:
    """Dates written in or next to a segment that records the NFA decision."""
    found: list[tuple[date, str]] = []
    segs = ctx.segments
    for i, s in enumerate(segs):
        if not NFA.search(s.text):
            continue
        ds = find_dates(s.text)
        if not ds:
            # the decision's date is often on the line before (a log entry's date) or after
            for j in (i - 1, i + 1, i - 2):
                if 0 <= j < len(segs) and segs[j].document == s.document and segs[j].page == s.page:
                    ds = find_dates(segs[j].text)
                    if ds:
                        break
        if not ds:
            # else the nearest date written before it in the same document (an e-mail's "Sent:"
            # line, a report's date), not a date of birth
            for j in range(i - 1, max(-1, i - 40), -1):
                if segs[j].document != s.document:
                    break
                ds = [d for d in find_dates(segs[j].text)
                      if not re.search(r"(?:DOB|born|b\.)\W*$", segs[j].text[max(0, d[0] - 12):d[0]], re.I)]
                if ds:
                    break
        for _, _, d in ds:
            found.append((d, f"{s.document} p.{s.page}"))
    return found


def screen_case(ctx: CaseContext) -> Screening:
    people = find_people(ctx)
    suspects = [p for p in people if p.role == "suspect" and _firm(p, "suspect")]
    victims = [p for p in people if p.role == "victim" and _firm(p, "victim")]
    text_segs = [s.text for s in ctx.segments]
    rape_where = next(((s, w) for s in ctx.segments if (w := rape_alleged_in(s.text))), None)
    rape = rape_where is not None
    contact = any(CONTACT.search(RAPE_NAMES.sub(" ", t)) for t in text_segs)
    non_contact = any(NON_CONTACT_ONLY.search(t) for t in text_segs)
    nfa = _nfa_dates(ctx)
    reasons: list[str] = []
    ok = True
    if len(suspects) >= 2:
        reasons.append(f"{len(suspects)} suspects named: " + ", ".join(p.display for p in suspects[:6]))
    else:
        ok = False
        reasons.append(f"fewer than two suspects found ({len(suspects)})")
    if nfa:
        latest, where = max(nfa)
        if SCOPE_START <= latest <= SCOPE_END:
            reasons.append(f"NFA decision dated {latest:%d/%m/%Y} ({where}), within 2010-01-01 to 2025-03-31")
        else:
            ok = False
            reasons.append(f"NFA decision dated {latest:%d/%m/%Y} ({where}), outside 2010-01-01 to 2025-03-31")
    else:
        ok = False
        reasons.append("no dated NFA decision found")
    if contact and not (non_contact and not rape):
        reasons.append("contact sexual offence recorded" + (
            f" (rape alleged: \"{rape_where[1]}\", {rape_where[0].document} p.{rape_where[0].page})"
            if rape_where else ""))
    else:
        ok = False
        reasons.append("no contact sexual offence found")
    priority = 3 if not ok else (1 if rape else 2)
    return Screening(
        in_scope=ok,
        reasons=reasons,
        suspects=len(suspects),
        victims=len(victims),
        rape_alleged=rape,
        priority=priority,
    )


def _firm(p: object, role: str) -> bool:
    from assistant.nlp.people import Person

    assert isinstance(p, Person)
    total = sum(p.role_votes.values())
    return total > 0 and p.role_votes[role] / total >= 0.45
