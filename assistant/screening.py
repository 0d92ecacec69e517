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
from assistant.nlp.people import Person, find_people
from assistant.nlp.rules import defs
from assistant.nlp.rules import rx as rule_rx
from assistant.types import Screening

SCOPE_START = date(2010, 1, 1)
SCOPE_END = date(2025, 3, 31)

NFA = rule_rx("screening", "nfa")
# Rape recorded in any of the words files use: the word itself ("raped" in an account), the
# offence by section (SOA 2003 s.1 rape, s.5 rape of a child under 13, s.30 of a person with a
# mental disorder impeding choice), or penetration (s.2 assault by penetration, s.6 of a child
# under 13, "penetrative offence").
_SOA = defs("screening")["SOA"]
# "s.1", "s 5", "section 1", "Sec. 5"; not "S1", which is a suspect's label
_RAPE_SECTION = defs("screening")["RAPE_SECTION"]
RAPE = rule_rx("screening", "rape")
# Negation of the allegation itself ("No penetrative offence is alleged", "she does not allege
# rape"), not of what followed it ("CPS advised not to charge rape", "S1 denied rape" still
# record an allegation).
_NO_RAPE_BEFORE = rule_rx("screening", "no_rape_before")
_NO_RAPE_AFTER = rule_rx("screening", "no_rape_after")


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
RAPE_NAMES = rule_rx("screening", "rape_names")
CONTACT = rule_rx("screening", "contact")
NON_CONTACT_ONLY = rule_rx("screening", "non_contact_only")


def nfa_dates(ctx: CaseContext) -> list[tuple[date, str]]:
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
    suspects = [p for p in people if p.role == "suspect" and firm_role(p, "suspect")]
    victims = [p for p in people if p.role == "victim" and firm_role(p, "victim")]
    text_segs = [s.text for s in ctx.segments]
    rape_where = next(((s, w) for s in ctx.segments if (w := rape_alleged_in(s.text))), None)
    rape = rape_where is not None
    contact = any(CONTACT.search(RAPE_NAMES.sub(" ", t)) for t in text_segs)
    non_contact = any(NON_CONTACT_ONLY.search(t) for t in text_segs)
    nfa = nfa_dates(ctx)
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


def firm_role(p: Person, role: str) -> bool:
    """Whether the file says clearly enough that ``p`` plays ``role`` (45% of the role votes)."""
    total = sum(p.role_votes.values())
    return total > 0 and p.role_votes[role] / total >= 0.45
