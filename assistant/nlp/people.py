"""People in a case: who they are, what the file calls them, and their role.

UK records name people in many ways: "Bradley STOTT", "STOTT, Bradley", "Mr Stott", "Stotty",
"S2", "SUSP2", "Suspect 2", "a male known only as 'Jinx'", first names alone in social care
notes, and mixed-case names in letters. Officers (rank + collar number + SURNAME) are neither
suspects nor witnesses and are excluded.

Rules do most of the work (they are fast and explainable); spaCy's small English model is run
only on segments that hold a capitalised pair of words no rule explained, within a budget.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from assistant.nlp.context import CaseContext
from assistant.nlp.entities import find_dates, find_officers
from assistant.nlp.lexicon import COMMON_CAPITALISED, NOT_SURNAMES, first_names
from assistant.nlp.rules import defs, rule_set
from assistant.nlp.rules import rx as rule_rx
from assistant.types import Segment

_BASE_CODES = {"victim": ("IP", "V", "VIC", "CYP", "C"), "suspect": ("S", r"\$", "SUS", "SUSP", "SU", "N", "NOM"),
               "witness": ("W", "WIT")}
_LONG_LABEL = (
    r"|\b(?P<long>[Vv]ictim|VICTIM|[Cc]omplainant|COMPLAINANT|[Ii]njured [Pp]arty|[Ss]uspect|SUSPECT|"
    r"[Nn]ominal|NOMINAL|[Ww]itness|WITNESS|[Oo]ffender|OFFENDER)\s(?:[Nn]o\.?\s?)?(?P<n2>\d{1,2}|[A-D])\b"
)


def role_label_rx(extra: dict[str, set[str]] | None = None) -> re.Pattern[str]:
    """The role-label pattern ("IP1", "S 2", "W3", "Suspect 2"), with the codes a case's own
    person lists or legends define ("SUB1", "VIC2", "NOM 1", "C1") added by role."""
    extra = extra or {}
    redefined = {c for codes in extra.values() for c in codes}
    groups = []
    for g, role in (("v", "victim"), ("s", "suspect"), ("w", "witness")):
        own = sorted(extra.get(role, set()), key=len, reverse=True)
        codes = own + [c for c in _BASE_CODES[role] if c not in redefined]
        groups.append(f"(?P<{g}>{'|'.join(codes)})")
    return re.compile(r"(?<![\w'\u2019])(?:" + "|".join(groups) + r")\s?-?(?P<n>\d{1,2})\b" + _LONG_LABEL)


ROLE_LABEL = role_label_rx()
# A code of a person list: letters and a number ("SUB1", "VIC 2", "NOM-3", "OFF1").
_CODE = re.compile(r"(?<![\w/'-])(?P<p>[A-Z]{1,5})\s?-?(?P<n>\d{1,2})\b(?!/|\d|-\d{3,})")
_CODE_ROLE_WORD = rule_rx("people", "code_role_word")
# A legend line that defines a code on its own: "VIC | Victim", "NOM = nominal, not suspected".
_LEGEND_LINE = rule_rx("people", "legend_line")
_LABEL_THEN_CODE = rule_rx("people", "label_then_code")
_NOT_SUSPECTED = rule_rx("people", "not_suspected")
# Codes that are never a person's role: ranks, forms, references, outcome codes.
_NOT_PERSON_CODES = frozenset(
    "PC DC DS DI DCI DSI DCS SIO OIC PS SGT INSP CI MG ACT ACTION CAD OC HO REF EX EXH ST NO ID DOB CRN URN "
    "SOA PACE AB JS PNC PND CR CRIS CC LOG ENTRY ITEM PAGE P PG PARA TASK LOI OP Q A B D E F G H".split()
)


def learn_role_codes(texts: list[str]) -> dict[str, set[str]]:
    """Role codes a case defines for itself, read from its person lists, legends and headings:
    a code with a role word right after it on one line ("SUB1 | Kyle DARNELL | Suspect",
    "VIC2 = complainant", "NOM 1 (subject of allegation)", "Legend: C1/C2 complainants, SUB1-3
    suspects"). Codes joined by "/", "-", "&", "and" or commas share the role word after the
    last of them. A code needs two such lines, or one line that reads as a definition ("=",
    ":", "|", aligned columns), and one role clearly ahead of the others. A base code ("S",
    "W", "NOM") is redefined only when the file's own legend says so."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        for line in text.split("\n"):
            if len(line) > 200:
                continue
            legend = _LEGEND_LINE.match(line)
            if legend and legend.group("p") not in _NOT_PERSON_CODES:
                # "NOM | Nominal linked to the occurrence, not suspected": a code defined alone
                desc = legend.group("d")
                m = _CODE_ROLE_WORD.search(desc)
                if _NOT_SUSPECTED.search(desc):
                    votes[legend.group("p")]["witness"] += 2
                elif m is not None and m.start() <= (20 if legend.group("sep").strip() else 0):
                    g = next(g for g in ("s", "v", "w") if m.group(g))
                    votes[legend.group("p")][{"s": "suspect", "v": "victim", "w": "witness"}[g]] += 2
                continue
            codes = [c for c in _CODE.finditer(line) if c.group("p") not in _NOT_PERSON_CODES]
            if not codes:
                continue
            legend_words = bool(re.search(r"=|\blegend\b|\bkey\b|\bcodes?\b", line, re.I))
            definition = legend_words or bool(re.search(r"[|:\t]|\s{3,}", line))
            run: list[re.Match[str]] = []
            for k, c in enumerate(codes):
                run.append(c)
                nxt = codes[k + 1].start() if k + 1 < len(codes) else len(line)
                between = line[c.end():nxt]
                if k + 1 < len(codes) and re.fullmatch(r"\s*(?:[/,&+\-\u2013]|and|to|or)\s*", between, re.I):
                    continue  # "C1/C2 complainants": the role word comes after the run
                # the role word right after the code, in the same sentence ("SUB1 - suspect",
                # "C2 Mollie FENWICK, aged 14 - complainant"), not a later remark's
                head = between[:80] if len(codes) == 1 and definition else re.split(
                    r"[.;!?]\s|\s\|\s", between, maxsplit=1)[0][:60]
                if not (legend_words or definition and run[0].start() <= 3):
                    head = " ".join(head.split()[:4])  # prose: "AP1 and does not see herself as a victim"
                m = _CODE_ROLE_WORD.search(head)
                roles = {g for g in ("s", "v", "w") if m is not None and m.group(g)}
                if len(roles) == 1:
                    role = {"s": "suspect", "v": "victim", "w": "witness"}[roles.pop()]
                    for r in run:
                        votes[r.group("p")][role] += 2 if legend_words or definition and run[0].start() <= 3 else 1
                run = []
            # "V1 Tia BRAMWELL (YP1)": a code beside a label the file also uses has its role
            for m2 in _LABEL_THEN_CODE.finditer(line):
                lab = ROLE_LABEL.match(m2.group("lab"))
                code = m2.group("code")
                if lab is not None and code not in _NOT_PERSON_CODES:
                    role2 = next(r for g, r in (("v", "victim"), ("s", "suspect"), ("w", "witness"), ("long", ""))
                                 if lab.group(g))
                    if not role2:
                        role2 = _LONG_ROLE[re.sub(r"\s+", " ", lab.group("long").lower())]
                    votes[code][role2] += 1
    out: dict[str, set[str]] = defaultdict(set)
    base = {code: role for role, codes in _BASE_CODES.items() for code in codes}
    for prefix, cnt in votes.items():
        (role, n), *rest = cnt.most_common()
        if n >= 2 and (not rest or n >= 3 * rest[0][1]) and base.get(prefix) != role:
            out[role].add(prefix)
    return dict(out)


_NAME_AFTER_LABEL = re.compile(r"\s*[:\-\u2013]?\s*(?:[A-Z][a-z]+\s+)?[A-Z][A-Za-z'\-]*[A-Z]\b")
# "Person B", "Male A", "Child C": a lettered label with no role in it.
LETTER_LABEL = rule_rx("people", "letter_label")
_LONG_ROLE: dict[str, str] = {
    "victim": "victim", "complainant": "victim", "injured party": "victim",
    "suspect": "suspect", "nominal": "suspect", "offender": "suspect", "witness": "witness",
}

_NAME = defs("people")["NAME"]
_SUR_CAPS = defs("people")["SUR_CAPS"]
# "Bradley STOTT", "Mary-Jane O'NEILL", "Adeel Khan RASOOL"
FULL_CAPS = rule_rx("people", "full_caps")
# "ANTON VERCOE" in records printed in capitals (the first name must be a known first name)
ALL_CAPS = rule_rx("people", "all_caps")
_LABEL_BEFORE = re.compile(r"(?:\b(?:IP|V|S|SUSP|W|N)|\$)\d{1,2}\s*[:\-]?\s*$")
# "STOTT, Bradley" / "STOTT Bradley" (record-system nominal lists)
SUR_FIRST = rule_rx("people", "sur_first")
# 'S3 "ROBBO"', 'SUSP2 - "Deano"': a role label followed by a quoted name.
LABEL_QUOTED = rule_rx("people", "label_quoted")
TITLE_NAME = rule_rx("people", "title_name")
MIXED = rule_rx("people", "mixed")
NICK = rule_rx("people", "nick")
QUOTED_NICK = rule_rx("people", "quoted_nick")
BRACKET_QUOTED = rule_rx("people", "bracket_quoted")

# "another girl (Jade - surname not known)", "a male (Benny)": a first name in brackets after a
# description of a person.
BRACKET_NAME = rule_rx("people", "bracket_name")
# Words around a mention that say which role a person plays.
ROLE_CUES: dict[str, re.Pattern[str]] = {
    r: rule_rx("people", f"role_{r}") for r in ("suspect", "victim", "witness")
}
_PROF = defs("people")["PROF"]
PROF_BEFORE = rule_rx("people", "prof_before")
PROF_AFTER = rule_rx("people", "prof_after")
HEADING_ROLE = rule_rx("people", "heading_role")
# Cues right next to a name (same clause, a few words away): strong evidence of a role.
STRONG_CUES: dict[str, re.Pattern[str]] = {
    r: rule_rx("people", f"strong_{r}") for r in ("suspect", "victim", "witness")
}
_REL = defs("people")["REL"]
# "her mum, Tracey X" / "mother Donna X" right before a name; "X (mother of IP1)" / "X, a friend" after.
RELATION_BEFORE = rule_rx("people", "relation_before")
RELATION_AFTER = rule_rx("people", "relation_after")
# "X (12) told a teaching assistant that the suspect did stuff to her": X disclosed abuse of herself.
DISCLOSER_AFTER = rule_rx("people", "discloser_after")
# "sexual activity with X", "raped by X", "given vodka by X": X is the one accused.
AGENT_BEFORE = rule_rx("people", "agent_before")
AGENT_AFTER = rule_rx("people", "agent_after")
# "Suspects: A; B", "Victim - C": a role heading inside the segment.
INLINE_ROLE = rule_rx("people", "inline_role")
AGE_AFTER = rule_rx("people", "age_after")


@dataclass(slots=True)
class Mention:
    seg: int  # index into CaseContext.segments
    start: int  # page offsets
    end: int
    text: str
    how: str  # "full", "surname-first", "title", "mixed", "nick", "label", "first", "ner"


@dataclass
class Person:
    """One person of the case, gathered across documents."""

    surname: str | None = None  # upper-case
    first: str | None = None
    nicknames: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)  # "S2", "IP1" (upper-case, no spaces)
    label_roles: dict[str, str] = field(default_factory=dict)  # "S2" -> "suspect", "NOM1" -> "witness"
    names: Counter[str] = field(default_factory=Counter)  # display forms as printed
    mentions: list[Mention] = field(default_factory=list)
    role_votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    professional: int = 0
    ages: list[int] = field(default_factory=list)

    @property
    def role(self) -> str | None:
        if not self.role_votes:
            return None
        best = max(sorted(self.role_votes), key=lambda r: self.role_votes[r])
        return best if self.role_votes[best] > 0 else None

    @property
    def display(self) -> str:
        if self.names:
            full = [n for n in self.names if " " in n and self.surname and self.surname in n.upper()]
            if full:
                return max(full, key=lambda n: (self.names[n], len(n)))
            return self.names.most_common(1)[0][0]
        if self.nicknames:
            return sorted(self.nicknames)[0]
        return sorted(self.labels)[0] if self.labels else "unknown person"

    def aliases(self) -> list[str]:
        out: list[str] = []
        disp = self.display.lower()
        for a in sorted(self.nicknames) + sorted(self.labels):
            if a.lower() not in disp and a not in out:
                out.append(a)
        if self.first and self.first.lower() not in disp:
            out.append(self.first)
        return out

    def subject(self) -> str:
        """Display name with every alias, e.g. 'Bradley STOTT (Stotty, S2)'."""
        al = self.aliases()
        return f"{self.display} ({', '.join(al)})" if al else self.display

    def key_terms(self) -> set[str]:
        """Lower-case words that identify this person in text."""
        terms = {n.lower() for n in self.nicknames} | {lab.lower() for lab in self.labels}
        if self.surname:
            terms.add(self.surname.lower())
        if self.first:
            terms.add(self.first.lower())
        return terms


def _norm_label(m: re.Match[str], own: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(label, role) of a role-label match: "IP1"/"V1"/"VIC1" -> ("IP1", "victim"). A code the
    file defines for itself (``own``) keeps its own prefix ("NOM1" stays "NOM1"), so it never
    collides with another code the same file uses ("WIT1")."""
    for g, role in (("v", "victim"), ("s", "suspect"), ("w", "witness")):
        code = m.group(g)
        if code and code.upper() in own:
            return f"{code.upper()}{m.group('n')}", role
    if m.group("long"):
        role = _LONG_ROLE[re.sub(r"\s+", " ", m.group("long").lower())]
        n = m.group("n2").upper()
        prefix = {"victim": "IP", "suspect": "S", "witness": "W"}[role]
        return f"{prefix}{n}", role
    n = m.group("n")
    if m.group("v"):
        g = m.group("v").upper()
        if g == "C" and not m.group(0).isupper():
            return None
        return f"IP{n}", "victim"
    if m.group("s"):
        g = m.group("s").upper()
        if g == "N":
            return f"N{n}", "suspect"
        return f"S{n}", "suspect"
    return f"W{n}", "witness"


def _ok_first(word: str) -> bool:
    return word.lower() not in COMMON_CAPITALISED and len(word) >= 2


def _ok_surname(word: str) -> bool:
    w = word.upper().strip("'-")
    return (len(w) >= 2 and w not in NOT_SURNAMES and not any(ch.isdigit() for ch in w)
            and any(v in w for v in "AEIOUY"))


def _known_first(word: str) -> bool:
    names = first_names()
    w = word.lower()
    return w in names or any(part in names for part in re.split(r"[-']", w) if len(part) > 2)


class PeopleFinder:
    """Collects people from a case's segments. Use ``find_people(ctx)``."""

    def __init__(self, ctx: CaseContext, *, ner_budget: int = 100) -> None:
        self.ctx = ctx
        self.people: list[Person] = []
        self.by_surname: dict[str, Person] = {}
        self.by_label: dict[str, Person] = {}
        self.by_nick: dict[str, Person] = {}
        self.officer_surnames: set[str] = set()
        self.ner_budget = ner_budget
        self.codes = learn_role_codes([pg.text for d in ctx.documents for pg in d.pages])
        self.role_label = role_label_rx(self.codes) if self.codes else ROLE_LABEL
        self.own_codes = frozenset(c for codes in self.codes.values() for c in codes)
        self._taken: dict[int, list[tuple[int, int]]] = {}

    # -- registry -------------------------------------------------------------------------
    def _person_for(
        self, *, surname: str | None = None, first: str | None = None, nick: str | None = None,
        label: str | None = None,
    ) -> Person:
        p: Person | None = None
        if surname:
            p = self.by_surname.get(surname.upper())
            if p is not None and first and p.first and p.first != first:
                # Same surname, different first name: siblings or parent and child.
                p = self.by_surname.get(f"{surname.upper()}|{first}")
        if p is None and nick:
            p = self.by_nick.get(nick.lower())
        if p is None and label:
            p = self.by_label.get(label)
        if p is None:
            p = Person()
            self.people.append(p)
        if surname:
            su = surname.upper()
            if p.surname is None:
                p.surname = su
            key = su if su not in self.by_surname or self.by_surname[su] is p else f"{su}|{first}"
            self.by_surname.setdefault(key, p)
        if first and not p.first:
            p.first = first
        if nick:
            p.nicknames.add(nick)
            self.by_nick.setdefault(nick.lower(), p)
        if label:
            p.labels.add(label)
            self.by_label.setdefault(label, p)
        return p

    # -- passes ---------------------------------------------------------------------------
    def run(self) -> list[Person]:
        segs = self.ctx.segments
        officer_spans: dict[int, list[tuple[int, int]]] = {}
        for i, s in enumerate(segs):
            offs = find_officers(s.text)
            if offs:
                officer_spans[i] = [(o.start, o.end) for o in offs]
                self.officer_surnames.update(o.surname for o in offs)
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

        pending_ner: list[int] = []
        for i, s in enumerate(segs):
            found = self._names_in(i, s, officer_spans.get(i, []))
            if not found and _maybe_mixed_name(s.text):
                pending_ner.append(i)
        # spaCy reads the sentences no rule explained, in the model helper process, while the
        # rules below carry on here; its names are added when it answers.
        ner_idxs = pending_ner[: self.ner_budget]
        ner_job = _Background(self._ner_request, ner_idxs) if ner_idxs else None
        for i, s in enumerate(segs):
            self._remention_pass(i, s)
        if ner_job is not None:
            before = len(self.people)
            self._ner_apply(ner_idxs, ner_job.result(), officer_spans)
            if len(self.people) > before:
                for i, s in enumerate(segs):
                    self._remention_pass(i, s)
        # First names alone, once full names are known.
        firsts: dict[str, list[Person]] = defaultdict(list)
        for p in self.people:
            if p.first and p.surname:
                firsts[p.first].append(p)
        if firsts:
            rx = re.compile(r"\b(" + "|".join(re.escape(f) for f in firsts) + r")\b(?!\s+[A-Z])")
            for i, s in enumerate(segs):
                for m in rx.finditer(s.text):
                    owner = _first_name_owner(firsts[m.group(1)], segs, i)
                    if owner is None:
                        continue
                    if not any(mm.seg == i and mm.start <= s.start + m.start() < mm.end
                               for mm in owner.mentions):
                        owner.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(),
                                                      m.group(1), "first"))
        self._letter_labels(segs)
        # Role labels not bound to a name become people of their own ("S3" only).
        for i, s in enumerate(segs):
            for m in self.role_label.finditer(s.text):
                lab = _norm_label(m, self.own_codes)
                if lab is None:
                    continue
                q = self.by_label.get(lab[0])
                p = q if q is not None else self._person_for(label=lab[0])
                p.label_roles[lab[0]] = lab[1]
                p.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(), m.group(0), "label"))
                p.role_votes[lab[1]] += 3
        self._merge_aliases()
        self._vote_roles(heading_role)
        self._drop_officers_and_noise()
        return self.people

    def _names_in(self, i: int, s: Segment, officers: list[tuple[int, int]]) -> bool:
        text = s.text
        taken: list[tuple[int, int]] = list(officers)
        found = False
        names = first_names()

        def free(a: int, b: int) -> bool:
            return not any(a < e and s_ < b for s_, e in taken)

        def add(p: Person, a: int, b: int, how: str, display: str) -> None:
            nonlocal found
            taken.append((a, b))
            p.mentions.append(Mention(i, s.start + a, s.start + b, text[a:b], how))
            p.names[display] += 1
            found = True
            self._bind_label(p, text, a, b)

        def anchored(a: int, b: int) -> bool:
            """A name the gazetteer does not know still counts when the file gives it a role
            label, an age or a date of birth, or a title right beside it."""
            after = text[b:b + 40]
            before = text[max(0, a - 30):a]
            return bool(AGE_AFTER.match(after) or self.role_label.search(before[-12:] + " " + after[:14])
                        or re.search(r"\b(?:victim|complainant|suspect|witness|IP|S\d|W\d)\W*$", before, re.I))

        for m in FULL_CAPS.finditer(text):
            first, mid, sur = m.group("first"), m.group("mid"), m.group("sur")
            if not free(m.start(), m.end()) or not _ok_surname(sur):
                continue
            a = m.start()
            if not _known_first(first):
                if mid and _known_first(mid):
                    first, a = mid, m.start("mid")
                elif not (_ok_first(first) and len(sur) >= 3 and anchored(m.start(), m.end())):
                    continue
            if sur.upper() in self.officer_surnames and not anchored(a, m.end()):
                continue
            p = self._person_for(surname=sur, first=first)
            add(p, a, m.end(), "full", f"{first} {sur}")
        for m in ALL_CAPS.finditer(text):
            first, sur = m.group("first"), m.group("sur")
            if not free(m.start(), m.end()) or not _ok_surname(sur):
                continue
            # In capitals every word looks like a surname: a first name we know, or a role label
            # right before ("S1 ANTON VERCOE"), or nothing.
            if not (_known_first(first) or (
                    _LABEL_BEFORE.search(text[max(0, m.start() - 10):m.start()])
                    and not re.match(r"\s+[A-Za-z]{2,}", text[m.end():]))):  # "IP1 ALLEGES RAPE BY"
                continue
            if (first.lower() in COMMON_CAPITALISED or first.upper() in NOT_SURNAMES
                    or sur.upper() in self.officer_surnames):
                continue
            first = first.capitalize() if "-" not in first else "-".join(x.capitalize() for x in first.split("-"))
            p = self._person_for(surname=sur, first=first)
            add(p, m.start(), m.end(), "all-caps", f"{first} {sur}")
        for m in SUR_FIRST.finditer(text):
            sur, first = m.group("sur"), m.group("first")
            if not free(m.start(), m.end()) or not _ok_surname(sur) or not _known_first(first):
                continue
            if len(sur) < 3 or sur.upper() in self.officer_surnames:
                continue
            nxt = (m.group("next") or "").strip()
            if nxt and _ok_surname(nxt):
                continue  # "SMITH John JONES": John JONES is the name (FULL_CAPS took it)
            p = self._person_for(surname=sur, first=first)
            add(p, m.start(), m.end(), "surname-first", f"{first} {sur}")
        for m in TITLE_NAME.finditer(text):
            sur = m.group("sur")
            if not free(m.start(), m.end()) or not _ok_surname(sur) or sur.lower() in COMMON_CAPITALISED:
                continue
            p = self._person_for(surname=sur, first=m.group("first"))
            add(p, m.start(), m.end(), "title", m.group(0))
        for m in MIXED.finditer(text):
            first, sur = m.group("first"), m.group("sur")
            if not free(m.start(), m.end()) or not _known_first(first):
                continue
            if sur.lower() in COMMON_CAPITALISED or sur.lower() in names or len(sur) < 3:
                continue
            p = self._person_for(surname=sur, first=first)
            add(p, m.start(), m.end(), "mixed", f"{first} {sur}")
        for rx in (NICK, BRACKET_QUOTED, QUOTED_NICK, LABEL_QUOTED, BRACKET_NAME):
            for m in rx.finditer(text):
                nick = m.group("nick").strip()
                if nick.lower() in COMMON_CAPITALISED or len(nick) < 2:
                    continue
                a, b = m.start("nick"), m.end("nick")
                if not free(a, b):
                    continue
                owner = self._owner_before(i, text, m.start())
                lab_m = self.role_label.fullmatch(nick) or (re.fullmatch(r"IP|V", nick) and nick)
                if lab_m:
                    # "referred to as IP": a role label for the person just named, not a nickname
                    if owner is not None:
                        norm = _norm_label(lab_m, self.own_codes) if isinstance(lab_m, re.Match) else None
                        label, role = norm if norm else ("IP", "victim")
                        owner.labels.add(label)
                        owner.label_roles[label] = role
                        self.by_label.setdefault(label, owner)
                        owner.role_votes[role] += 4
                    continue
                p = owner or self._person_for(nick=nick)
                if owner is not None:
                    p.nicknames.add(nick)
                    known = self.by_nick.get(nick.lower())
                    if known is not None and known is not owner and not known.surname and known in self.people:
                        # '"Big Ash"' met earlier on its own, now 'NORBURN, Ashley ("Big Ash")': one person
                        self._merge(owner, known)
                        self.by_nick[nick.lower()] = owner
                    self.by_nick.setdefault(nick.lower(), p)
                taken.append((a, b))
                p.mentions.append(Mention(i, s.start + a, s.start + b, text[a:b], "nick"))
                if rx is LABEL_QUOTED:
                    lm = self.role_label.match(text, m.start())
                    lab = _norm_label(lm, self.own_codes) if lm else None
                    if lab and (lab[0] not in self.by_label or self.by_label[lab[0]] is p
                                or not (self.by_label[lab[0]].surname or self.by_label[lab[0]].first)):
                        other = self.by_label.get(lab[0])
                        if other is not None and other is not p:
                            self._merge(p, other)
                        p.labels.add(lab[0])
                        p.label_roles[lab[0]] = lab[1]
                        self.by_label[lab[0]] = p
                        p.role_votes[lab[1]] += 4
                else:
                    self._bind_label(p, text, m.start(), b, gap_words=4)
                found = True
        self._taken[i] = taken
        return found

    def _letter_labels(self, segs: list[Segment]) -> None:
        """Lettered labels that say nothing of the role ("Person B - Stuart MILWARD", "Gary
        PENHALIGON (Person A)"): bound to the name beside them, then every later "Person B"
        is a mention of that person (their role comes from what the file says of them)."""
        bound: dict[str, Person] = {}
        spans: list[tuple[int, re.Match[str]]] = []
        for i, s in enumerate(segs):
            for m in LETTER_LABEL.finditer(s.text):
                spans.append((i, m))
                key = " ".join(m.group(0).split()).upper()
                if key in bound:
                    continue
                for p in self.people:
                    for mm in p.mentions:
                        if mm.seg != i or mm.how in ("first", "nick", "label"):
                            continue
                        a, b = mm.start - s.start, mm.end - s.start
                        after = s.text[m.end():a]
                        before = s.text[b:m.start()]
                        if (0 <= a - m.end() <= 6 and re.fullmatch(r"\s*(?:[-:\u2013=]|is)?\s*", after)) or (
                                0 <= m.start() - b <= 3 and re.fullmatch(r"\s*[(,]\s*", before)):
                            bound[key] = p
                            p.labels.add(" ".join(m.group(0).split()))
                            break
                    if key in bound:
                        break
        for i, m in spans:
            owner = bound.get(" ".join(m.group(0).split()).upper())
            if owner is not None:
                base = segs[i].start
                if not any(mm.seg == i and mm.start <= base + m.start() < mm.end for mm in owner.mentions):
                    owner.mentions.append(Mention(i, base + m.start(), base + m.end(), m.group(0), "label"))

    def _remention_pass(self, i: int, s: Segment) -> None:
        """Known nicknames and bare surnames seen again, anywhere in the case."""
        text = s.text
        taken = self._taken.setdefault(i, [])

        def free(a: int, b: int) -> bool:
            return not any(a < e and s_ < b for s_, e in taken)

        for key, p in list(self.by_nick.items()):
            for m in re.finditer(rf"\b{re.escape(key)}\b", text, re.I):
                if free(m.start(), m.end()) and m.group(0)[0].isupper():
                    taken.append((m.start(), m.end()))
                    p.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(), m.group(0), "nick"))
                    self._bind_label(p, text, m.start(), m.end())
        for m in re.finditer(rf"\b{_SUR_CAPS}\b", text):
            known = self.by_surname.get(m.group(0))
            if known is not None and free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                known.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(), m.group(0), "surname"))
                self._bind_label(known, text, m.start(), m.end())

    def _owner_before(self, i: int, text: str, pos: int) -> Person | None:
        """The person a nickname belongs to: the last name mentioned just before it."""
        best: Person | None = None
        best_end = -1
        seg_start = self.ctx.segments[i].start
        for p in self.people:
            for mm in p.mentions:
                if mm.seg == i and mm.how != "nick":
                    rel_end = mm.end - seg_start
                    if rel_end <= pos and pos - rel_end <= 40 and rel_end > best_end:
                        best, best_end = p, rel_end
        if best is not None and self.role_label.search(text[best_end:pos]):
            return None  # "S3 Leon X (30); and S4, an older man called "Uncle Jim"": S4's name
        return best

    def _bind_label(self, p: Person, text: str, a: int, b: int, gap_words: int = 0) -> None:
        """Bind a role label right before or after a name: 'S2: Bradley STOTT', 'STOTT (S2)',
        and for a nickname 'S3: a male known only as "Jinx"' (``gap_words`` words between)."""
        before = text[max(0, a - 24 - 12 * gap_words):a]
        after = text[b:b + 24]
        for chunk, at_end in ((before, True), (after, False)):
            for m in self.role_label.finditer(chunk):
                gap = chunk[m.end():] if at_end else chunk[: m.start()]
                # "WIT2 (S) WAINHOUSE, Ellie": a status mark in brackets is not a gap
                g = re.sub(r"\([A-Za-z]{1,3}\)", "", gap).strip(" :-\u2013(),\"'|")
                if any(ch.isdigit() for ch in g):
                    continue  # "(13) V3 CROFT": the label belongs to the next person
                if at_end and gap_words and len(g.split()) <= gap_words and "," not in gap:
                    pass
                elif len(g) > (0 if at_end else 2):
                    continue
                if not at_end and _NAME_AFTER_LABEL.match(text, b + m.end()):
                    continue  # "S1 Kieran MOSS, S2 Wayne TULLY": S2 opens the next name
                lab = _norm_label(m, self.own_codes)
                if lab is None:
                    continue
                label, role = lab
                other = self.by_label.get(label)
                if other is not None and other is not p:
                    if other.surname or other.first:
                        continue  # label already bound to someone else
                    self._merge(p, other)
                p.labels.add(label)
                p.label_roles[label] = role
                self.by_label[label] = p
                p.role_votes[role] += 4

    def _merge_aliases(self) -> None:
        """A nickname that is another person's surname ('a male called KEYWORTH') is that person."""
        for p in list(self.people):
            if p.surname or p not in self.people:
                continue
            for nick in list(p.nicknames):
                q = self.by_surname.get(nick.upper())
                if q is None:
                    same_first = [o for o in self.people if o is not p and o.first
                                  and o.first.lower() == nick.lower() and o.surname]
                    q = same_first[0] if len(same_first) == 1 else None
                if q is not None and q is not p:
                    q.nicknames.discard(nick)
                    p.nicknames.discard(nick)
                    self._merge(q, p)
                    break

    def _merge(self, keep: Person, other: Person) -> None:
        keep.nicknames |= other.nicknames
        keep.labels |= other.labels
        keep.label_roles.update(other.label_roles)
        keep.names.update(other.names)
        keep.mentions.extend(other.mentions)
        for role, votes in other.role_votes.items():
            keep.role_votes[role] += votes
        for d in (self.by_label, self.by_nick, self.by_surname):
            for k, v in list(d.items()):
                if v is other:
                    d[k] = keep
        if other in self.people:
            self.people.remove(other)

    def _ner_request(self, idxs: list[int]) -> list[list[tuple[int, int, str]]]:
        from assistant.nlp.models import ner

        return ner([self.ctx.segments[i].text for i in idxs])

    def _ner_apply(self, idxs: list[int], found: list[list[tuple[int, int, str]]],
                   officer_spans: dict[int, list[tuple[int, int]]]) -> None:
        names = first_names()
        for i, ents in zip(idxs, found, strict=True):
            s = self.ctx.segments[i]
            for e_start, e_end, label in ents:
                if label != "PERSON":
                    continue
                ent_text = s.text[e_start:e_end]
                words = ent_text.split()
                if len(words) < 2 or len(words) > 4:
                    continue
                if any(a <= e_start < b for a, b in officer_spans.get(i, [])):
                    continue
                first, sur = words[0], words[-1]
                if first.lower() not in names or not sur[:1].isupper():
                    continue
                if not _ok_surname(sur) or sur.lower() in COMMON_CAPITALISED or sur.lower() in names:
                    continue
                p = self._person_for(surname=sur, first=first)
                p.mentions.append(Mention(i, s.start + e_start, s.start + e_end, ent_text, "ner"))
                p.names[f"{first} {sur}"] += 1
                self._bind_label(p, s.text, e_start, e_end)

    def _reference_year(self) -> int | None:
        """The year most dates of the case fall in (to turn a date of birth into an age)."""
        years: Counter[int] = Counter()
        for s in self.ctx.segments[:4000]:
            for a, _, d in find_dates(s.text):
                if not re.search(r"(?:DOB|born|b\.)\W*$", s.text[max(0, a - 12):a], re.I):
                    years[d.year] += 1
        return years.most_common(1)[0][0] if years else None

    def _age_at(self, text: str, b: int, ref_year: int | None) -> int | None:
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

    def _vote_roles(self, heading_role: dict[int, str]) -> None:
        segs = self.ctx.segments
        ref_year = self._reference_year()
        for p in self.people:
            for mm in p.mentions:
                s = segs[mm.seg]
                a, b = mm.start - s.start, mm.end - s.start
                # The clause around the mention: strong cues within a few words count most.
                if AGENT_BEFORE.search(s.text[max(0, a - 60):a]):
                    _vote(p, "agent_before")
                if AGENT_AFTER.match(s.text[b:b + 80]):
                    _vote(p, "agent_after")
                ih = INLINE_ROLE.match(s.text)
                if ih and ih.end() <= a:
                    h = ih.group("h").lower()
                    p.role_votes["suspect" if h[0] in "son" else "witness" if h[0] == "w" else "victim"] += \
                        _WEIGHTS["inline_role"]["heading"]
                near = s.text[max(0, a - 32): b + 32]
                for role, cue in STRONG_CUES.items():
                    if cue.search(near):
                        _vote(p, f"strong_{role}")
                if DISCLOSER_AFTER.match(s.text[b:b + 160]):
                    # "Ruby (12) told a teaching assistant that he did stuff to her": the one who
                    # discloses abuse done to them is a victim, even when named as a sister
                    _vote(p, "discloser_after")
                elif RELATION_BEFORE.search(s.text[max(0, a - 40):a]):
                    _vote(p, "relation_before")
                elif RELATION_AFTER.match(s.text[b:b + 40]):
                    _vote(p, "relation_after")
                window = s.text[max(0, a - 70): b + 70]
                for role, cue in ROLE_CUES.items():
                    if cue.search(window):
                        _vote(p, f"role_{role}")
                age = self._age_at(s.text, b, ref_year)
                if age is not None and 5 <= age < 18:
                    p.role_votes["victim"] += 0.5
                    p.role_votes["suspect"] -= 2
                    p.ages.append(age)
                elif age is not None and 18 <= age < 100:
                    p.role_votes["victim"] -= 4
                    p.role_votes["suspect"] += 1
                    p.ages.append(age)
                if PROF_BEFORE.search(s.text[max(0, a - 40):a]) or PROF_AFTER.match(s.text[b:b + 40]):
                    p.professional += 1
                if mm.seg in heading_role:
                    p.role_votes[heading_role[mm.seg]] += _WEIGHTS["heading_role"]["heading"]
            for r in list(p.role_votes):
                p.role_votes[r] = max(0.0, p.role_votes[r])

    def _drop_officers_and_noise(self) -> None:
        keep: list[Person] = []
        for p in self.people:
            if p.surname and p.surname in self.officer_surnames and not p.labels:
                continue
            if not p.mentions:
                continue
            if p.professional and p.professional >= 0.3 * len(p.mentions) and not p.labels:
                # A professional (social worker, teacher, nurse...) is a possible witness at most.
                p.role_votes["victim"] = 0
                p.role_votes["suspect"] = 0
            keep.append(p)
        self.people = keep


# The role votes each cue adds (models/rules/people.json, "weights").
_WEIGHTS: dict[str, dict[str, float]] = {r.name: r.weights for r in rule_set("people").values() if r.weights}


def _vote(p: Person, cue: str) -> None:
    for role, w in _WEIGHTS[cue].items():
        p.role_votes[role] += w


class _Background:
    """Run ``fn(arg)`` in a thread (it mostly waits on the model helper's pipe, which releases
    the GIL); ``result()`` waits for it and re-raises its error."""

    def __init__(self, fn: Any, arg: Any) -> None:
        import threading

        self._out: Any = None
        self._err: BaseException | None = None

        def run() -> None:
            try:
                self._out = fn(arg)
            except BaseException as e:  # noqa: BLE001 - handed to the caller
                self._err = e

        self._t = threading.Thread(target=run, daemon=True)
        self._t.start()

    def result(self) -> Any:
        self._t.join()
        if self._err is not None:
            raise self._err
        return self._out


def _first_name_owner(candidates: list[Person], segs: list[Segment], i: int) -> Person | None:
    """Who a bare first name in segment ``i`` means. One person with that first name: them.
    Several (two Jades, a mother and daughter who share a name): the one named in full most
    recently before it in the same document, else the one named in full most recently in the
    case; with none named before it, the name is left unassigned rather than guessed."""
    if len(candidates) == 1:
        return candidates[0]
    doc = segs[i].document
    best: tuple[int, int, Person] | None = None  # (same document, segment index, person)
    for p in candidates:
        for mm in p.mentions:
            if mm.seg > i or mm.how == "first":
                continue
            key = (int(segs[mm.seg].document == doc), mm.seg)
            if best is None or key > best[:2]:
                best = (key[0], key[1], p)
    return best[2] if best is not None else None


_CAP_PAIR = re.compile(rf"(?<=[a-z,;:] ){_NAME}\s+[A-Z][a-z]+\b")


def _maybe_mixed_name(text: str) -> bool:
    for m in _CAP_PAIR.finditer(text):
        w1, w2 = m.group(0).split()[:2]
        if w1.lower() not in COMMON_CAPITALISED and w2.lower() not in COMMON_CAPITALISED:
            return True
    return False


def find_people(ctx: CaseContext) -> list[Person]:
    """People of the case (cached on the context)."""
    if "people" not in ctx.cache:
        ctx.cache["people"] = PeopleFinder(ctx).run()
    people: list[Person] = ctx.cache["people"]
    return people
