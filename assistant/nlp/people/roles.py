"""Each person's role, by votes: the words around each mention (cues, relations, what was done
to or by them), their age, the heading they are listed under; and whether they are a
professional (a social worker, a teacher), who is at most a witness."""

from __future__ import annotations

import re
from collections import Counter

from assistant.nlp.entities import find_dates
from assistant.nlp.people.model import Person
from assistant.nlp.rules import rule_set
from assistant.nlp.rules import rx as rule_rx
from assistant.types import Segment

# Words around a mention that say which role a person plays.
ROLE_CUES: dict[str, re.Pattern[str]] = {
    r: rule_rx("people", f"role_{r}") for r in ("suspect", "victim", "witness")
}
PROF_BEFORE = rule_rx("people", "prof_before")
PROF_AFTER = rule_rx("people", "prof_after")
HEADING_ROLE = rule_rx("people", "heading_role")
# Cues right next to a name (same clause, a few words away): strong evidence of a role.
STRONG_CUES: dict[str, re.Pattern[str]] = {
    r: rule_rx("people", f"strong_{r}") for r in ("suspect", "victim", "witness")
}
# "her mum, Tracey X" / "mother Donna X" right before a name; "X (mother of IP1)" / "X, a friend" after.
RELATION_BEFORE = rule_rx("people", "relation_before")
RELATION_AFTER = rule_rx("people", "relation_after")
# "X (12) told a teaching assistant that the suspect did stuff to her": X disclosed abuse of herself.
DISCLOSER_AFTER = rule_rx("people", "discloser_after")
# "sexual activity with X", "raped by X", "given vodka by X": X is the one accused.
AGENT_BEFORE = rule_rx("people", "agent_before")
PROTECTED_BEFORE = rule_rx("people", "protected_before")
# "a girl from her school known as Shannon": another child, not an adult suspect
CHILD_BEFORE = rule_rx("people", "child_before")
# "SUS | P5 | "SMUDGE"": a person list's row opens with the role code; "the male known as"
ROW_ROLE = rule_rx("people", "row_role")
MALE_KNOWN_AS = rule_rx("people", "male_known_as")
AGENT_AFTER = rule_rx("people", "agent_after")
# "Suspects: A; B", "Victim - C": a role heading inside the segment.
INLINE_ROLE = rule_rx("people", "inline_role")
AGE_AFTER = rule_rx("people", "age_after")

# The role votes each cue adds (models/rules/people.json, "weights").
_WEIGHTS: dict[str, dict[str, float]] = {r.name: r.weights for r in rule_set("people").values() if r.weights}
# The vote a mention gets from the heading it sits under ("Suspects", "Witnesses").
HEADING_WEIGHT = _WEIGHTS["heading_role"]["heading"]


def vote(p: Person, cue: str) -> None:
    """Add the role votes of rule ``cue`` (its "weights") to ``p``."""
    for role, w in _WEIGHTS[cue].items():
        p.role_votes[role] += w


def heading_roles(segs: list[Segment]) -> dict[int, str]:
    """The role of the heading each segment sits under ("Suspects:", "Witnesses"), for short
    segments on the same page as their heading: segment index -> role."""
    heading_role: dict[int, str] = {}
    cur: tuple[str, int, str] | None = None  # (document, page, role)
    for i, s in enumerate(segs):
        m = HEADING_ROLE.match(s.text)
        if m:
            h = m.group("h").lower()
            role = "suspect" if h.startswith(("susp", "offend", "nomin", "person")) else (
                "witness" if h.startswith("witn") else "victim")
            cur = (s.document, s.page, role)
            continue
        if cur and (s.document, s.page) == cur[:2] and len(s.text) < 400:
            heading_role[i] = cur[2]
        elif cur and (s.document, s.page) != cur[:2]:
            cur = None
    return heading_role


def reference_year(segs: list[Segment]) -> int | None:
    """The year most dates of the case fall in (to turn a date of birth into an age)."""
    years: Counter[int] = Counter()
    for s in segs[:4000]:
        for a, _, d in find_dates(s.text):
            if not re.search(r"(?:DOB|born|b\.)\W*$", s.text[max(0, a - 12):a], re.I):
                years[d.year] += 1
    return years.most_common(1)[0][0] if years else None


def age_at(text: str, b: int, ref_year: int | None) -> int | None:
    """The age printed right after a name ending at ``b``: "(14)", ", aged 14", a date of birth
    (with the case's reference year)."""
    m = AGE_AFTER.match(text[b:b + 40])
    if not m:
        return None
    for g in ("a", "b", "c"):
        if m.group(g):
            return int(m.group(g))
    if ref_year is None:
        return None
    ds = find_dates(text[b:b + 40])
    if ds and ds[0][0] <= 18:
        return ref_year - ds[0][2].year
    return None


def vote_roles(people: list[Person], segs: list[Segment], heading_role: dict[int, str]) -> None:
    """Role votes from every mention of every person; no role ends below zero."""
    ref_year = reference_year(segs)
    for p in people:
        for mm in p.mentions:
            s = segs[mm.seg]
            a, b = mm.start - s.start, mm.end - s.start
            vote_mention(p, s.text, a, b, ref_year)
            if mm.seg in heading_role:
                p.role_votes[heading_role[mm.seg]] += HEADING_WEIGHT
        for r in list(p.role_votes):
            p.role_votes[r] = max(0.0, p.role_votes[r])


def vote_mention(p: Person, text: str, a: int, b: int, ref_year: int | None = None) -> None:
    """Votes from the words around one mention of ``p`` (``text[a:b]``), its age, and whether
    the words say a professional."""
    _vote_cues(p, text, a, b)
    age = age_at(text, b, ref_year)
    if age is not None and 5 <= age < 18:
        p.role_votes["victim"] += 0.5
        p.role_votes["suspect"] -= 2
        p.ages.append(age)
    elif age is not None and 18 <= age < 100:
        p.role_votes["victim"] -= 4
        p.role_votes["suspect"] += 1
        p.ages.append(age)
    if PROF_BEFORE.search(text[max(0, a - 40):a]) or PROF_AFTER.match(text[b:b + 40]):
        p.professional += 1


def _code_role(word: str) -> str:
    """The role a heading or a row code names: "Suspects", "SUS", "OFF", "NOM" -> suspect;
    "Witness", "WIT" -> witness; "Victims", "VIC", "INJ", "IP" -> victim."""
    h = word[:1].lower()
    return "suspect" if h in "son" else "witness" if h == "w" else "victim"


def _vote_cues(p: Person, text: str, a: int, b: int) -> None:
    # The clause around the mention: strong cues within a few words count most.
    if AGENT_BEFORE.search(text[max(0, a - 60):a]):
        vote(p, "agent_before")
    if AGENT_AFTER.match(text[b:b + 80]):
        vote(p, "agent_after")
    ih = INLINE_ROLE.match(text)
    if ih and ih.end() <= a:
        p.role_votes[_code_role(ih.group("h"))] += _WEIGHTS["inline_role"]["heading"]
    near = text[max(0, a - 32): b + 32]
    protected = PROTECTED_BEFORE.search(text[max(0, a - 30):a]) is not None
    if protected:
        # "CAWN served on NOM4 in respect of Child B": the child the action protects
        vote(p, "protected_before")
    row = ROW_ROLE.match(text[text.rfind("\n", 0, a) + 1:a])
    if row:
        p.role_votes[_code_role(row.group("h"))] += _WEIGHTS["row_role"]["heading"]
    if MALE_KNOWN_AS.search(text[max(0, a - 60):a]):
        vote(p, "male_known_as")
    child = CHILD_BEFORE.search(text[max(0, a - 70):a]) is not None
    if child:
        vote(p, "child_before")
    for role, cue in STRONG_CUES.items():
        if cue.search(near) and not ((protected or child) and role == "suspect"):
            vote(p, f"strong_{role}")
    if DISCLOSER_AFTER.match(text[b:b + 160]):
        # "Ruby (12) told a teaching assistant that he did stuff to her": the one who
        # discloses abuse done to them is a victim, even when named as a sister
        vote(p, "discloser_after")
    elif RELATION_BEFORE.search(text[max(0, a - 40):a]):
        vote(p, "relation_before")
    elif RELATION_AFTER.match(text[b:b + 40]):
        vote(p, "relation_after")
    window = text[max(0, a - 70): b + 70]
    for role, cue in ROLE_CUES.items():
        if cue.search(window):
            vote(p, f"role_{role}")
