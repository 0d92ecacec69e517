"""One person per human: the registry that finds the person a name, nickname or label belongs
to, binds role labels to names, merges people found to be one (a nickname that is another's
surname, a label met before its name), and drops officers and professionals' roles."""

from __future__ import annotations

import re
from collections.abc import Collection

from assistant.nlp.people.codes import ROLE_LABEL, label_weight, norm_label
from assistant.nlp.people.model import Person
from assistant.types import Segment

# "S1 Kieran MOSS, S2 Wayne TULLY": a name right after a label opens the next person.
_NAME_AFTER_LABEL = re.compile(r"\s*[:\-\u2013]?\s*(?:[A-Z][a-z]+\s+)?[A-Z][A-Za-z'\-]*[A-Z]\b")


class PeopleRegistry:
    """The people found so far, indexed by surname, role label and nickname."""

    def __init__(self, role_label: re.Pattern[str] = ROLE_LABEL, own_codes: frozenset[str] = frozenset()) -> None:
        self.people: list[Person] = []
        self.by_surname: dict[str, Person] = {}
        self.by_label: dict[str, Person] = {}
        self.by_nick: dict[str, Person] = {}
        self.role_label = role_label
        self.own_codes = own_codes

    def person_for(
        self, *, surname: str | None = None, first: str | None = None, nick: str | None = None,
        label: str | None = None,
    ) -> Person:
        """The person with this surname (and first name), nickname or label; a new one if none."""
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

    def bind_label(self, p: Person, text: str, a: int, b: int, gap_words: int = 0) -> None:
        """Bind a role label right before or after a name: 'S2: Bradley STOTT', 'STOTT (S2)',
        and for a nickname 'S3: a male known only as "Jinx"' (``gap_words`` words between)."""
        before = text[max(0, a - 24 - 12 * gap_words):a]
        after = text[b:b + 24]
        # a label right before the name: a list written "S1 Dean X, S2 Kyle Y, S3 a driver ..." where
        # a label after the name opens the next item
        pre_label = any(not before[m.end():].strip(" :-\u2013(\"'|") for m in self.role_label.finditer(before))
        for chunk, at_end in ((before, True), (after, False)):
            for m in self.role_label.finditer(chunk):
                gap = chunk[m.end():] if at_end else chunk[: m.start()]
                # "WIT2 (S) WAINHOUSE, Ellie": a status mark in brackets is not a gap
                g = re.sub(r"\([A-Za-z]{1,3}\)", "", gap)
                # "IP1 ............. Kayleigh MORROW": a dot leader of a record print is no gap
                g = re.sub(r"\.{3,}|\u2026+", "", g).strip(" :-\u2013(),\"'|")
                if re.fullmatch(r"[A-Z]{1,3}\d{1,4}", g) and not self.role_label.fullmatch(g):
                    g = ""  # "W1 | P06 | ASHCROFT, Lorraine": the record's own person number between
                if at_end and re.fullmatch(r"[A-Z]{1,2}", g):
                    g = ""  # "IP2 V ORMSBY, Jade": a role or status letter of the record's column
                if any(ch.isdigit() for ch in g):
                    continue  # "(13) V3 CROFT": the label belongs to the next person
                if not at_end and re.search(r"[.;!?]", g):
                    continue  # "S2 KEZ. IP1 describes him...": the label opens the next sentence
                if at_end and "," in gap and re.search(r"\w\s*,\s*$", chunk[:m.start()]):
                    continue  # "adult males (S1, S2, CROWTHER)": a list of three people
                if at_end and gap_words and len(g.split()) <= gap_words and "," not in gap:
                    pass
                elif len(g) > (0 if at_end else 2):
                    continue
                if not at_end and pre_label:
                    continue
                if not at_end and _NAME_AFTER_LABEL.match(text, b + m.end()):
                    continue  # "S1 Kieran MOSS, S2 Wayne TULLY": S2 opens the next name
                if not at_end and (re.fullmatch(r"[A-Za-z]{1,2}", g) or re.match(r"['\u2019]s\b", text[b + m.end():])):
                    continue  # "the number saved as Jay in IP1's phone": someone else's code
                lab = norm_label(m, self.own_codes)
                if lab is None:
                    continue
                label, role = lab
                other = self.by_label.get(label)
                if other is not None and other is not p:
                    if other.surname or other.first:
                        continue  # label already bound to someone else
                    self.merge(p, other)
                p.labels.add(label)
                p.label_roles[label] = role
                self.by_label[label] = p
                p.role_votes[role] += 4 * label_weight(label)

    def merge_aliases(self) -> None:
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
                    self.merge(q, p)
                    break

    def merge(self, keep: Person, other: Person) -> None:
        """Fold ``other`` into ``keep``: names, labels, mentions and role votes."""
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


def first_name_owner(candidates: list[Person], segs: list[Segment], i: int) -> Person | None:
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


def drop_officers_and_noise(people: list[Person], officer_surnames: Collection[str]) -> list[Person]:
    """The people less officers (an officer's surname with no role label) and people with no
    mention; a professional (social worker, teacher, nurse...) keeps a witness's votes only."""
    keep: list[Person] = []
    for p in people:
        if p.surname and p.surname in officer_surnames and not p.labels:
            continue
        if not p.mentions:
            continue
        if p.professional and p.professional >= 0.3 * len(p.mentions) and not p.labels:
            # A professional (social worker, teacher, nurse...) is a possible witness at most.
            p.role_votes["victim"] = 0
            p.role_votes["suspect"] = 0
        keep.append(p)
    return keep
