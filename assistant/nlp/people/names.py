"""Names in a segment's text, one function per way records print them.

Each pattern function takes the text (and what it needs to know of the case: its role labels,
its officers' surnames, the spans already taken) and returns the names it finds, with offsets
into the text; it never changes anything. ``PeopleFinder`` (``finder.py``) runs them in order,
each after the previous one's names are taken, and turns the hits into people.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from assistant.nlp.lexicon import COMMON_CAPITALISED, NOT_SURNAMES, first_names
from assistant.nlp.people.codes import ROLE_LABEL
from assistant.nlp.people.roles import AGE_AFTER
from assistant.nlp.rules import defs
from assistant.nlp.rules import rx as rule_rx

_NAME = defs("people")["NAME"]
SUR_CAPS = defs("people")["SUR_CAPS"]
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
ROLE_WORD_CAPS = rule_rx("people", "role_word_caps")
QUOTED_NICK = rule_rx("people", "quoted_nick")
QUOTED_THEN_ROLE = rule_rx("people", "quoted_then_role")
BRACKET_QUOTED = rule_rx("people", "bracket_quoted")
# "another girl (Jade - surname not known)", "a male (Benny)": a first name in brackets after a
# description of a person.
BRACKET_NAME = rule_rx("people", "bracket_name")

Spans = Sequence[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class NameScope:
    """What the name patterns need to know of the case besides the text."""

    role_label: re.Pattern[str] = ROLE_LABEL
    officer_surnames: Collection[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class NameHit:
    """A full name found in a text: ``text[start:end]``, its parts and how it is shown."""

    start: int
    end: int
    how: str  # "full", "all-caps", "surname-first", "title", "mixed", "ner"
    first: str | None
    surname: str
    display: str


@dataclass(frozen=True, slots=True)
class NickHit:
    """A nickname or lone first name found in a text: ``text[start:end]`` (as printed, the
    name stripped in ``nick``); ``at`` is where the words that introduce it begin."""

    start: int
    end: int
    at: int
    nick: str
    how: str  # "known-as", "bracket-quoted", "quoted", "label-quoted", "bracket-name"


def free(taken: Spans, a: int, b: int) -> bool:
    """Whether ``[a, b)`` overlaps none of the ``taken`` spans."""
    return not any(a < e and s_ < b for s_, e in taken)


# Capitals that are codes or record words, never a person's name (with every word that is not a
# surname: a nickname after a role word is neither).
NOT_A_NAME_CODE = frozenset(
    "DNA PNC PND CCTV ANPR ABE VRI NFA RUI CAWN SARC OIC SIO CPS CSC MASH NEV DFU HTCU CDR IMEI VRM SIM "
    "RAPE ARRESTED INTERVIEWED CHARGED NOT NO THE AND WAS HAS NFD UNKNOWN NK TBC "
    "RASSO CSE CID PPU CET MIT SOIT ISVA IDVA PVP CAIT DCI ACPO NPCC CEOP NCA LADO IRO CAMHS FME MARAC MACE "
    "PACE SOA ROTI SDN MG OEL CAD RMS NICHE ATHENA STORM LIST".split()) | NOT_SURNAMES


def ok_first(word: str) -> bool:
    return word.lower() not in COMMON_CAPITALISED and len(word) >= 2


def ok_surname(word: str) -> bool:
    w = word.upper().strip("'-")
    return (len(w) >= 2 and w not in NOT_SURNAMES and not any(ch.isdigit() for ch in w)
            and any(v in w for v in "AEIOUY"))


def known_first(word: str) -> bool:
    names = first_names()
    w = word.lower()
    return w in names or any(part in names for part in re.split(r"[-']", w) if len(part) > 2)


def anchored(text: str, a: int, b: int, role_label: re.Pattern[str] = ROLE_LABEL) -> bool:
    """A name the gazetteer does not know still counts when the file gives it a role
    label, an age or a date of birth, or a title right beside it."""
    after = text[b:b + 40]
    before = text[max(0, a - 30):a]
    return bool(AGE_AFTER.match(after) or role_label.search(before[-12:] + " " + after[:14])
                or re.search(r"\b(?:victim|complainant|suspect|witness|IP|S\d|W\d)\W*$", before, re.I))


# -- full names -------------------------------------------------------------------------------

def full_caps_names(text: str, scope: NameScope = NameScope(), taken: Spans = ()) -> list[NameHit]:
    """"Bradley STOTT", "Adeel Khan RASOOL": a first name we know (or one anchored by a role
    label or an age), then a surname in capitals; an officer's surname only when anchored."""
    out: list[NameHit] = []
    for m in FULL_CAPS.finditer(text):
        first, mid, sur = m.group("first"), m.group("mid"), m.group("sur")
        if not free(taken, m.start(), m.end()) or not ok_surname(sur):
            continue
        a = m.start()
        if not known_first(first):
            if mid and known_first(mid):
                first, a = mid, m.start("mid")
            elif not (ok_first(first) and len(sur) >= 3 and anchored(text, m.start(), m.end(), scope.role_label)):
                continue
        if sur.upper() in scope.officer_surnames and not anchored(text, a, m.end(), scope.role_label):
            continue
        out.append(NameHit(a, m.end(), "full", first, sur, f"{first} {sur}"))
    return out


def all_caps_names(text: str, scope: NameScope = NameScope(), taken: Spans = ()) -> list[NameHit]:
    """"ANTON VERCOE" in records printed in capitals: shown as "Anton VERCOE"."""
    out: list[NameHit] = []
    pos = 0
    while (m := ALL_CAPS.search(text, pos)) is not None:
        first, sur = m.group("first"), m.group("sur")
        # a pair that is not a name gives its second word a chance to open one: "NEIGHBOUR
        # PATRICIA SEDDON" is not "Neighbour PATRICIA" but "Patricia SEDDON"
        pos = m.start("sur")
        if not free(taken, m.start(), m.end()) or not ok_surname(sur):
            continue
        # In capitals every word looks like a surname: a first name we know, or a role label
        # right before ("S1 ANTON VERCOE"), or nothing.
        if not (known_first(first) or (
                _LABEL_BEFORE.search(text[max(0, m.start() - 10):m.start()])
                and not re.match(r"\s+[A-Za-z]{2,}", text[m.end():]))):  # "IP1 ALLEGES RAPE BY"
            continue
        if (first.lower() in COMMON_CAPITALISED or first.upper() in NOT_SURNAMES
                or sur.upper() in scope.officer_surnames):
            continue
        pos = m.end()
        first = first.capitalize() if "-" not in first else "-".join(x.capitalize() for x in first.split("-"))
        out.append(NameHit(m.start(), m.end(), "all-caps", first, sur, f"{first} {sur}"))
    return out


def surname_first_names(text: str, scope: NameScope = NameScope(), taken: Spans = ()) -> list[NameHit]:
    """"STOTT, Bradley" / "STOTT Bradley" in record-system nominal lists."""
    out: list[NameHit] = []
    for m in SUR_FIRST.finditer(text):
        sur, first = m.group("sur"), m.group("first")
        if not free(taken, m.start(), m.end()) or not ok_surname(sur) or not known_first(first):
            continue
        if len(sur) < 3 or sur.upper() in scope.officer_surnames:
            continue
        nxt = (m.group("next") or "").strip()
        if nxt and ok_surname(nxt):
            continue  # "SMITH John JONES": John JONES is the name (FULL_CAPS took it)
        # the name ends with the first name: "MOLYNEUX, Reece AKA RATTY" leaves "AKA" to the alias
        out.append(NameHit(m.start(), m.end("first"), "surname-first", first, sur, f"{first} {sur}"))
    return out


def title_names(text: str, scope: NameScope = NameScope(), taken: Spans = ()) -> list[NameHit]:
    """"Mrs Oyelowo", "Mr KWARTENG": a title and a surname (a first name between them is kept),
    shown as printed."""
    out: list[NameHit] = []
    for m in TITLE_NAME.finditer(text):
        sur = m.group("sur")
        if not free(taken, m.start(), m.end()) or not ok_surname(sur) or sur.lower() in COMMON_CAPITALISED:
            continue
        out.append(NameHit(m.start(), m.end(), "title", m.group("first"), sur, m.group(0)))
    return out


def mixed_names(text: str, scope: NameScope = NameScope(), taken: Spans = ()) -> list[NameHit]:
    """"Bradley Stott" in letters and notes: a first name we know and a surname in mixed case."""
    names = first_names()
    out: list[NameHit] = []
    for m in MIXED.finditer(text):
        first, sur = m.group("first"), m.group("sur")
        if not free(taken, m.start(), m.end()) or not known_first(first):
            continue
        if sur.lower() in COMMON_CAPITALISED or sur.lower() in names or len(sur) < 3:
            continue
        out.append(NameHit(m.start(), m.end(), "mixed", first, sur, f"{first} {sur}"))
    return out


NamePattern = Callable[[str, NameScope, Spans], list[NameHit]]
# In the order they run: a later pattern never takes what an earlier one took.
NAME_PATTERNS: tuple[NamePattern, ...] = (
    full_caps_names, all_caps_names, surname_first_names, title_names, mixed_names)


def ner_names(text: str, ents: list[tuple[int, int, str]], officers: Spans = ()) -> list[NameHit]:
    """spaCy's PERSON entities of ``text`` that look like a full name ("Tracey Oyelowo": two to
    four words, a first name we know, a capitalised surname), none inside an officer's span."""
    names = first_names()
    out: list[NameHit] = []
    for e_start, e_end, label in ents:
        if label != "PERSON":
            continue
        words = text[e_start:e_end].split()
        if len(words) < 2 or len(words) > 4:
            continue
        if any(a <= e_start < b for a, b in officers):
            continue
        first, sur = words[0], words[-1]
        if first.lower() not in names or not sur[:1].isupper():
            continue
        if not ok_surname(sur) or sur.lower() in COMMON_CAPITALISED or sur.lower() in names:
            continue
        out.append(NameHit(e_start, e_end, "ner", first, sur, f"{first} {sur}"))
    return out


_CAP_PAIR = re.compile(rf"(?<=[a-z,;:] ){_NAME}\s+[A-Z][a-z]+\b")


def maybe_mixed_name(text: str) -> bool:
    """Whether ``text`` holds a capitalised pair of words that may be a name (for spaCy)."""
    for m in _CAP_PAIR.finditer(text):
        w1, w2 = m.group(0).split()[:2]
        if w1.lower() not in COMMON_CAPITALISED and w2.lower() not in COMMON_CAPITALISED:
            return True
    return False


# -- nicknames and names alone ------------------------------------------------------------------

def _nick_hits(rx: re.Pattern[str], how: str, text: str, taken: Spans) -> list[NickHit]:
    out: list[NickHit] = []
    for m in rx.finditer(text):
        nick = m.group("nick").strip()
        if nick.lower() in COMMON_CAPITALISED or len(nick) < 2:
            continue
        a, b = m.start("nick"), m.end("nick")
        if free(taken, a, b):
            out.append(NickHit(a, b, m.start(), nick, how))
    return out


def known_as_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """'known as "Jinx"', '34 yrs AKA "STRETCH"', 'anyone called FLASH'."""
    return _nick_hits(NICK, "known-as", text, taken)


def role_word_caps_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """'Third suspect BASH: not identified': a role word, then a name in capitals alone (not a
    code: DNA, PNC, CCTV...)."""
    return [h for h in _nick_hits(ROLE_WORD_CAPS, "known-as", text, taken)
            if h.nick.upper() not in NOT_A_NAME_CODE and h.nick.lower() not in first_names()]


def bracket_quoted_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """'NORBURN, Ashley ("Big Ash")': a quoted name in brackets after a name."""
    return _nick_hits(BRACKET_QUOTED, "bracket-quoted", text, taken)


def quoted_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """A described person with a quoted name: 'a male "Benny"', 'Driver "Dee" (black BMW)'."""
    return _nick_hits(QUOTED_NICK, "quoted", text, taken)


def quoted_then_role_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """A quoted name a role description follows: '"Shaz" (driver)', '"Smiley" (S3)'."""
    return _nick_hits(QUOTED_THEN_ROLE, "quoted", text, taken)


def label_quoted_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """'S3 "ROBBO"', 'SUSP2 - "Deano"': a role label, then a quoted name."""
    return _nick_hits(LABEL_QUOTED, "label-quoted", text, taken)


def bracket_names(text: str, taken: Spans = ()) -> list[NickHit]:
    """A first name in brackets after a description: "another girl (Jade - surname not known)",
    "a friend (Jade, 14)"."""
    return _nick_hits(BRACKET_NAME, "bracket-name", text, taken)


NickPattern = Callable[[str, Spans], list[NickHit]]
NICK_PATTERNS: tuple[NickPattern, ...] = (
    known_as_names, bracket_quoted_names, quoted_names, label_quoted_names, bracket_names, role_word_caps_names,
    quoted_then_role_names)
