"""The people stage: ``PeopleFinder.run`` runs the passes over a case's segments in order.

1. officers (rank + collar number + SURNAME) and role headings;
2. names, one pattern after another (``names.py``), each bound to a role label beside it;
3. spaCy's names for segments no rule explained (in the model helper process, meanwhile:
   known nicknames and surnames met again);
4. first names alone, lettered labels ("Person B"), role labels bound to no name ("S3");
5. merging (``merge.py``), role votes (``roles.py``), dropping officers.

Rules do most of the work (they are fast and explainable); spaCy's small English model is run
only on segments that hold a capitalised pair of words no rule explained, within a budget.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from typing import Any

from assistant.nlp.context import CaseContext
from assistant.nlp.entities import find_officers
from assistant.nlp.people.codes import (
    LETTER_LABEL,
    ROLE_LABEL,
    label_weight,
    learn_role_codes,
    norm_label,
    role_label_rx,
    role_labels,
)
from assistant.nlp.people.merge import PeopleRegistry, drop_officers_and_noise, first_name_owner
from assistant.nlp.people.model import Mention, Person
from assistant.nlp.people.names import (
    NAME_PATTERNS,
    NICK_PATTERNS,
    SUR_CAPS,
    NameHit,
    NameScope,
    NickHit,
    free,
    maybe_mixed_name,
    ner_names,
)
from assistant.nlp.people.roles import HEADING_WEIGHT, heading_roles, reference_year, vote_mention, vote_roles
from assistant.types import Segment

Spans = list[tuple[int, int]]

# Between a name and a nickname: another person is described ("and by the driver she called").
_CALLING = re.compile(r"(?:(?:she|he|they)\s+)?call(?:s|ed)\b", re.I)
_ANOTHER_PERSON = re.compile(
    r"\b(?:and|or|another|other|second|third|a|an|the)\s+(?:\w+\s+){0,2}"
    r"(?:man|male|men|driver|girl|boy|friend|woman|female|lad|youth|person)\b", re.I)


# An adult's title: "Mrs ROSSITER", "Mr DANBY" ("Miss" can be a child).
_ADULT_TITLE = re.compile(r"(?:Mrs|Mr|Ms)\b\.?\s")


class PeopleFinder(PeopleRegistry):
    """Collects people from a case's segments. Use ``find_people(ctx)``."""

    def __init__(self, ctx: CaseContext, *, ner_budget: int = 100) -> None:
        self.codes = learn_role_codes([pg.text for d in ctx.documents for pg in d.pages])
        super().__init__(role_label_rx(self.codes) if self.codes else ROLE_LABEL,
                         frozenset(c for codes in self.codes.values() for c in codes))
        self.ctx = ctx
        self.officer_surnames: set[str] = set()
        self.scope = NameScope(self.role_label, self.officer_surnames)
        self.ner_budget = ner_budget
        self._taken: dict[int, Spans] = {}

    def run(self) -> list[Person]:
        """Every pass, in order; returns the people of the case."""
        segs = self.ctx.segments
        officer_spans = self._officers(segs)
        heading_role = heading_roles(segs)
        pending_ner: list[int] = []
        for i, s in enumerate(segs):
            found = self._names_in(i, s, officer_spans.get(i, []))
            if not found and maybe_mixed_name(s.text):
                pending_ner.append(i)
        # spaCy reads the sentences no rule explained, in the model helper process, while the
        # rules below carry on here; its names are added when it answers.
        ner_idxs = pending_ner[: self.ner_budget]
        ner_job = _Background(self._ner_request, ner_idxs) if ner_idxs else None
        self._remention_all(segs)
        if ner_job is not None:
            before = len(self.people)
            self._ner_apply(ner_idxs, ner_job.result(), officer_spans)
            if len(self.people) > before:
                self._remention_all(segs)
        self._first_names(segs)
        self._letter_labels(segs)
        self._unbound_labels(segs)
        self.merge_aliases()
        vote_roles(self.people, segs, heading_role)
        self._adult_titles(segs, heading_role)
        self.people = drop_officers_and_noise(self.people, self.officer_surnames)
        return self.people

    def _adult_titles(self, segs: list[Segment], heading_role: dict[int, str]) -> None:
        """"Mrs ROSSITER" is not the child Kayleigh ROSSITER: an adult's title with a surname
        that a child of the case shares goes to the one adult of that surname (her mother,
        Tracey ROSSITER), with the votes that mention gave."""
        def child(p: Person) -> bool:
            return any(a < 18 for a in p.ages) or "victim" in p.label_roles.values()

        ref_year = reference_year(segs)
        for p in self.people:
            if not p.surname or not child(p):
                continue
            adults = [q for q in self.people if q is not p and q.surname == p.surname and not child(q)]
            titled = [m for m in p.mentions if m.how == "title" and _ADULT_TITLE.match(m.text)]
            if len(adults) > 1 or not titled:
                continue
            if adults:
                q = adults[0]
            else:
                # no adult of that surname named: "Mrs ORMSBY" is the child's parent, a person of
                # her own whom the file knows only by title
                q = Person(surname=p.surname)
                self.people.append(q)
            for m in titled:
                s = segs[m.seg]
                one = Person()
                vote_mention(one, s.text, m.start - s.start, m.end - s.start, ref_year)
                if m.seg in heading_role:
                    one.role_votes[heading_role[m.seg]] += HEADING_WEIGHT
                for r, v in one.role_votes.items():
                    p.role_votes[r] = max(0.0, p.role_votes[r] - v)
                    q.role_votes[r] = max(0.0, q.role_votes[r] + v)
                p.mentions.remove(m)
                q.mentions.append(m)
                p.names[m.text] -= 1
                q.names[m.text] += 1
            p.names += Counter()  # drop display forms no longer used

    # -- officers ---------------------------------------------------------------------------
    def _officers(self, segs: list[Segment]) -> dict[int, Spans]:
        """Officers' spans per segment; their surnames go to ``officer_surnames``."""
        officer_spans: dict[int, Spans] = {}
        for i, s in enumerate(segs):
            offs = find_officers(s.text)
            if offs:
                officer_spans[i] = [(o.start, o.end) for o in offs]
                self.officer_surnames.update(o.surname for o in offs)
        return officer_spans

    # -- names ------------------------------------------------------------------------------
    def _names_in(self, i: int, s: Segment, officers: Spans) -> bool:
        """Run every name pattern over segment ``i``, each after the previous one's names are
        taken (officers' spans are taken from the start). Whether any name was found."""
        taken: Spans = list(officers)
        found = False
        for pattern in NAME_PATTERNS:
            for hit in pattern(s.text, self.scope, taken):
                self._add_name(i, s, hit)
                taken.append((hit.start, hit.end))
                found = True
        for nick_pattern in NICK_PATTERNS:
            for nick in nick_pattern(s.text, taken):
                if self._add_nick(i, s, nick):
                    taken.append((nick.start, nick.end))
                    found = True
        self._taken[i] = taken
        return found

    def _add_name(self, i: int, s: Segment, hit: NameHit) -> None:
        p = self.person_for(surname=hit.surname, first=hit.first)
        p.mentions.append(Mention(i, s.start + hit.start, s.start + hit.end, s.text[hit.start:hit.end], hit.how))
        p.names[hit.display] += 1
        self.bind_label(p, s.text, hit.start, hit.end)

    def _add_nick(self, i: int, s: Segment, hit: NickHit) -> bool:
        """A nickname becomes its owner's (the person named just before it) or a person of its
        own; a role label in quotes ("referred to as IP") is a label of the person just named.
        Whether the nickname was taken as a mention."""
        text, nick = s.text, hit.nick
        # 'S2 BANNERMAN Kyle (20) S3 "TIZ"': a quoted name after its own label is that label's
        # person, not a nickname of the one named before the label
        owner = None if hit.how == "label-quoted" else self._owner_before(i, text, hit.at)
        lab_m = self.role_label.fullmatch(nick) or (re.fullmatch(r"IP|V", nick) and nick)
        if lab_m:
            if owner is not None:
                norm = norm_label(lab_m, self.own_codes) if isinstance(lab_m, re.Match) else None
                label, role = norm if norm else ("IP", "victim")
                owner.labels.add(label)
                owner.label_roles[label] = role
                self.by_label.setdefault(label, owner)
                owner.role_votes[role] += 4 * label_weight(label)
            return False
        p = owner or self.person_for(nick=nick)
        if owner is not None:
            p.nicknames.add(nick)
            known = self.by_nick.get(nick.lower())
            if known is not None and known is not owner and not known.surname and known in self.people:
                # '"Big Ash"' met earlier on its own, now 'NORBURN, Ashley ("Big Ash")': one person
                self.merge(owner, known)
                self.by_nick[nick.lower()] = owner
            self.by_nick.setdefault(nick.lower(), p)
        p.mentions.append(Mention(i, s.start + hit.start, s.start + hit.end, text[hit.start:hit.end], "nick"))
        if hit.how == "label-quoted":
            self._bind_quoted_label(p, text, hit.at)
        elif _CALLING.match(text, hit.at):
            # "IP1 called HOLLIS her boyfriend": the label before the verb is whoever did the
            # calling; only a label beside the name itself is the name's
            self.bind_label(p, text, hit.start, hit.end)
        else:
            self.bind_label(p, text, hit.at, hit.end, gap_words=4)
        return True

    def _bind_quoted_label(self, p: Person, text: str, at: int) -> None:
        """'S3 "ROBBO"': the label before the quoted name is its person's, unless it is already
        bound to someone with a name."""
        lm = self.role_label.match(text, at)
        lab = norm_label(lm, self.own_codes) if lm else None
        if lab and (lab[0] not in self.by_label or self.by_label[lab[0]] is p
                    or not (self.by_label[lab[0]].surname or self.by_label[lab[0]].first)):
            other = self.by_label.get(lab[0])
            if other is not None and other is not p:
                self.merge(p, other)
            p.labels.add(lab[0])
            p.label_roles[lab[0]] = lab[1]
            self.by_label[lab[0]] = p
            p.role_votes[lab[1]] += 4 * label_weight(lab[0])

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
        if best is not None and _ANOTHER_PERSON.search(text[best_end:pos]):
            return None  # "by Lewis X ("Prendo") and by the driver she called Mo": the driver's name
        return best

    # -- spaCy ------------------------------------------------------------------------------
    def _ner_request(self, idxs: list[int]) -> list[list[tuple[int, int, str]]]:
        from assistant.nlp.models import ner

        return ner([self.ctx.segments[i].text for i in idxs])

    def _ner_apply(self, idxs: list[int], found: list[list[tuple[int, int, str]]],
                   officer_spans: dict[int, Spans]) -> None:
        for i, ents in zip(idxs, found, strict=True):
            s = self.ctx.segments[i]
            for hit in ner_names(s.text, ents, officer_spans.get(i, [])):
                self._add_name(i, s, hit)

    # -- names met again ----------------------------------------------------------------------
    def _remention_all(self, segs: list[Segment]) -> None:
        for i, s in enumerate(segs):
            self._remention_pass(i, s)

    def _remention_pass(self, i: int, s: Segment) -> None:
        """Known nicknames and bare surnames seen again, anywhere in the case."""
        text = s.text
        taken = self._taken.setdefault(i, [])
        for key, p in list(self.by_nick.items()):
            for m in re.finditer(rf"\b{re.escape(key)}\b", text, re.I):
                if free(taken, m.start(), m.end()) and m.group(0)[0].isupper():
                    taken.append((m.start(), m.end()))
                    p.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(), m.group(0), "nick"))
                    self.bind_label(p, text, m.start(), m.end())
        for m in re.finditer(rf"\b{SUR_CAPS}\b", text):
            known = self._surname_owner(m.group(0), text, m.start(), m.end())
            if known is not None and free(taken, m.start(), m.end()):
                taken.append((m.start(), m.end()))
                known.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(), m.group(0), "surname"))
                self.bind_label(known, text, m.start(), m.end())

    def _surname_owner(self, surname: str, text: str, a: int, b: int) -> Person | None:
        """Whose is a bare surname? When two people share it (a girl and her mother), the label
        right before it ("MG11 W1 PENROSE") or the initial right after it ("PENROSE L") says."""
        known = self.by_surname.get(surname)
        if known is None:
            return None
        same = [p for k, p in self.by_surname.items() if k.split("|")[0] == surname]
        if len(same) < 2:
            return known
        lab = re.search(r"\b([A-Z]{1,4}\d{1,2})\s*[:\-]?\s*$", text[max(0, a - 12):a])
        if lab is not None and self.by_label.get(lab.group(1)) in same:
            return self.by_label[lab.group(1)]
        ini = re.match(r",?\s?([A-Z])\b(?!['\u2019])", text[b:b + 4])
        if ini is not None:
            match = [p for p in same if p.first and p.first[0] == ini.group(1)]
            if len(match) == 1:
                return match[0]
        return known

    def _first_names(self, segs: list[Segment]) -> None:
        """First names alone, once full names are known (``first_name_owner`` says whose)."""
        firsts: dict[str, list[Person]] = defaultdict(list)
        for p in self.people:
            if p.first and p.surname:
                firsts[p.first].append(p)
        for p in self.people:
            # "Tia-Rose ASHWORTH" is "Tia" in the letters: the first part of a double first
            # name, when no one else has it as a first name of their own
            head = (p.first or "").split("-")[0]
            if p.surname and head != p.first and len(head) >= 3 and head not in firsts:
                firsts.setdefault(f"{head}", []).append(p)
        if not firsts:
            return
        rx = re.compile(r"\b(" + "|".join(re.escape(f) for f in firsts) + r")\b(?!\s+[A-Z])")
        for i, s in enumerate(segs):
            for m in rx.finditer(s.text):
                owner = first_name_owner(firsts[m.group(1)], segs, i)
                if owner is None:
                    continue
                if not any(mm.seg == i and mm.start <= s.start + m.start() < mm.end
                           for mm in owner.mentions):
                    owner.mentions.append(Mention(i, s.start + m.start(), s.start + m.end(),
                                                  m.group(1), "first"))
                    # "ABE interview of Kayleigh (IP1)": a label in brackets right after a first
                    # name is its owner's
                    br = re.match(r"\s?\(([^()]{2,8})\)", s.text[m.end():m.end() + 12])
                    if br is not None and self.role_label.fullmatch(br.group(1)):
                        self.bind_label(owner, s.text, m.start(), m.end())

    # -- labels -------------------------------------------------------------------------------
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
                p = self._named_beside(i, s, m)
                if p is not None:
                    bound[key] = p
                    label = " ".join(m.group(0).split())
                    p.labels.add(label)
                    if label.upper().startswith("CHILD"):
                        # "Child B Courtney X (15)": in these files a lettered child is a victim
                        p.label_roles[label] = "victim"
                        p.role_votes["victim"] += 3
        for i, m in spans:
            owner = bound.get(" ".join(m.group(0).split()).upper())
            if owner is not None:
                base = segs[i].start
                if not any(mm.seg == i and mm.start <= base + m.start() < mm.end for mm in owner.mentions):
                    owner.mentions.append(Mention(i, base + m.start(), base + m.end(), m.group(0), "label"))
                    if owner.label_roles.get(" ".join(m.group(0).split())) == "victim":
                        owner.role_votes["victim"] += 1.5

    def _named_beside(self, i: int, s: Segment, m: re.Match[str]) -> Person | None:
        """The person named right after the label ("Person B - Stuart X") or right before it
        ("Gary X (Person A)")."""
        for p in self.people:
            for mm in p.mentions:
                if mm.seg != i or mm.how in ("first", "nick", "label"):
                    continue
                a, b = mm.start - s.start, mm.end - s.start
                after = s.text[m.end():a]
                before = s.text[b:m.start()]
                if (0 <= a - m.end() <= 6 and re.fullmatch(r"\s*(?:[-:\u2013=]|is)?\s*", after)) or (
                        0 <= m.start() - b <= 3 and re.fullmatch(r"\s*[(,]\s*", before)):
                    return p
        return None

    def _unbound_labels(self, segs: list[Segment]) -> None:
        """Role labels bound to no name become people of their own ("S3" only)."""
        for i, s in enumerate(segs):
            for hit in role_labels(s.text, self.role_label, self.own_codes):
                q = self.by_label.get(hit.label)
                p = q if q is not None else self.person_for(label=hit.label)
                p.label_roles[hit.label] = hit.role
                p.mentions.append(Mention(i, s.start + hit.start, s.start + hit.end, hit.text, "label"))
                p.role_votes[hit.role] += 3 * label_weight(hit.label)


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


def find_people(ctx: CaseContext) -> list[Person]:
    """The people of the case: ``ctx.people``, which the pipeline's people stage fills before
    any detector runs; found here (once) for a context built without the pipeline."""
    if ctx.people is None:
        ctx.people = PeopleFinder(ctx).run()
    return ctx.people
