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
from assistant.detectors.common import LIST_ITEM, cite_segment, clamp
from assistant.nlp.context import CaseContext
from assistant.nlp.entities import find_officers
from assistant.nlp.people import Mention, Person, find_people
from assistant.nlp.rules import defs
from assistant.nlp.rules import rx as rule_rx
from assistant.nlp.status import CHECKBOX, box_ticked
from assistant.types import Citation, Suggestion

_NEG = defs("missing_interview")["NEG"]
# The interview or account itself, by role. Present in a clause with no negation, no plan and
# no refusal, it counts as done ("ABE on file", "ABE of Paige at the VRI suite", "MG11 16/03").
TERMS: dict[str, re.Pattern[str]] = {
    r: rule_rx("missing_interview", f"term_{r}") for r in ("victim", "suspect", "witness")
}
# In the same clause, these make the interview a plan, a refusal or an absence, not a result.
UNDONE_CLAUSE = rule_rx("missing_interview", "undone_clause")
# "S2 interview - deferred pending rosters": the status in the clause right after the interview
_UNDONE_AFTER = rule_rx("missing_interview", "undone_after")
_CLAUSE_CUT = rule_rx("missing_interview", "clause_cut")
_ROW_DONE = rule_rx("missing_interview", "row_done")
# A date or an exhibit number alone, and the interview written as a request or an order.
_DATE_OR_CODE = re.compile(r"[\d/.]+|[A-Z]{2,4}/\d{1,3}")
_REQUESTED_FORM = rule_rx("missing_interview", "requested_form")
# "MG11 RILEY - obtained by DC 2214": the status written right after the interview's clause
_DONE_AFTER = rule_rx("missing_interview", "done_after")
# A checklist line: "[x] ...", "[ ] ...", "☑ ...", "☐ ..."
_ROW_OPEN = rule_rx("missing_interview", "row_open")


COMPLETION = rule_rx("missing_interview", "completion")


# A statement by its name, MG11 as OCR reads it too ("MGI11", "MGl1").
_STATEMENT_WORD = re.compile(r"MG\s?[Il]?[1Il]{2}|statement", re.I)
# "DC 4120 HUSSAIN - MG11 obtained from W2 Colin DEAKIN": the witness's statement, not the officer's
_TAKEN_FROM = re.compile(
    r"\s*(?:s\b\s*)?(?:obtained|taken|recorded|received|completed|signed)\s+(?:from|of|by)\b", re.I)
# The title of a statement, naming its maker: "WITNESS STATEMENT OF NADIA FERRIBY", "MG11 -
# Statement of: Mrs Pat SEDDON".
_STATEMENT_TITLE = re.compile(
    r"^\W*(?:MG\s?11\s*[-:.]?\s*)?(?:witness\s+)?statement\s+of\s*(?:witness\s*)?[:\-]?\s*"
    r"(?=(?-i:(?:Mr|Mrs|Ms|Miss|Dr)?\.?\s*[A-Z][A-Za-z'-]+\s+[A-Z]))", re.I)


def interview_done_at(text: str, role: str) -> int | None:
    """Where ``text`` records that the interview / account for ``role`` took place (the first
    place), or None; see ``interview_done_positions``."""
    found = interview_done_positions(text, role)
    return found[0] if found else None


def interview_done_positions(text: str, role: str) -> list[int]:
    """Every place where ``text`` records that the interview / account for ``role`` took place:
    the interview term with a sign of completion (a verb of completion, a date, an exhibit
    number, a "complete" status, a ticked box) and nothing in its clause that makes it a plan,
    a refusal or an absence. A list of evidence names several people's accounts ("V1 VRI
    (LF/6); W1 MG11; ..."): each place is returned, for the caller to tell whose it is."""
    # a table row or an aligned record line (a wrapped line's indentation is not a column gap)
    is_row = "|" in text or re.search(r"\.{4,}|[ \t]{3,}\S", text) is not None
    box = CHECKBOX.match(text)
    out: list[int] = []
    title = _STATEMENT_TITLE.match(text)
    if title is not None and role != "suspect" and len(text.split()) <= 12 and not (
            NOT_DONE[role].search(text) or UNDONE_CLAUSE.search(text)):
        # the title of the statement itself ("WITNESS STATEMENT OF NADIA FERRIBY"): it exists
        out.append(title.end())
    for m in TERMS[role].finditer(text):
        if role != "suspect" and _STATEMENT_WORD.fullmatch(m.group(0)) and any(
                o.end <= m.start() for o in find_officers(text[max(0, m.start() - 40):m.start() + 1])) \
                and not _TAKEN_FROM.match(text, m.end()):
            # "PC 7759 SMITH MG11 re the child's words": the officer's statement, not theirs (but
            # "DC 4120 HUSSAIN - MG11 obtained from W2 Colin DEAKIN" is the witness's)
            continue
        if _STATEMENT_WORD.fullmatch(m.group(0)) and (
                _ANOTHERS_STATEMENT.match(text, m.end())
                or _ANOTHERS_BEFORE.search(text[max(0, m.start() - 30):m.start()])):
            continue  # "(MG11 of SW held)", "(mother's MG11)": someone else's statement, not the child's
        if box is not None:
            # a checklist line: "[x] First complaint - MG11 Donna RILEY" is done, "[ ]" is not
            if box_ticked(box):
                out.append(m.start())
            continue
        if is_row:
            cells = [c for c in re.split(r"\s*\|\s*|\.{4,}|[ \t]{3,}", text) if c.strip()]
            rest = " ".join(cells[1:])
            if _ROW_OPEN.search(rest):
                continue
            if _ROW_DONE.search(rest):
                out.append(m.start())
                continue
        a, b = m.start(), m.end()
        cuts = [c.end() for c in _CLAUSE_CUT.finditer(text)]
        lo = max([c for c in cuts if c <= a] + [0])
        hi = min([c.start() for c in _CLAUSE_CUT.finditer(text) if c.start() >= b] + [len(text)])
        clause = text[lo:hi]
        done_after = _DONE_AFTER.match(text, hi) is not None
        if UNDONE_CLAUSE.search(clause) or _UNDONE_AFTER.match(text, hi) or NOT_DONE[role].search(clause) or (
                role != "suspect" and _FOR_STATEMENT.search(clause) and not done_after):
            continue  # a plan, a refusal or an absence; "interview Person B - words of advice given"
        comp = list(COMPLETION.finditer(clause))
        if comp and all(_DATE_OR_CODE.fullmatch(c.group(0)) for c in comp) and _REQUESTED_FORM.match(text, a) \
                and not done_after:
            # "3 OIC 03/03/17 Trace, arrest and interview S2 HEPWORTH", "8 OIC 17/03/17 MG11 from Jade
            # X": an action raised on a date, not an interview held on it (unless its status says
            # done: "T02 15/03/19 MG11 W1 Joanne X - COMPLETED 19/03/19")
            continue
        if comp or done_after or (
                role == "suspect" and m.group(0).lower().startswith("interviewed")):
            out.append(m.start())
    return out


# A child described where a nickname is given: "girl known as", "the little one", "(approx 14)".
_CHILD_BEFORE = re.compile(
    r"\b(?:girl|sister|daughter|schoolgirl|pupil|little\s+one|child|(?:Year|Yr)\s?\d{1,2}\s+(?:girl|pupil))\s*,?\s*"
    r"(?:(?:known|referred\s+to)\s+(?:only\s+)?as|called|named|nicknamed)?\s*[\"'\u201c\u2018]?$", re.I)
_CHILD_AFTER = re.compile(
    r"[\"'\u201d\u2019]?\s*[(,\-\u2013]?\s*(?:approx\.?\s*|aged\s*|age\s*)?1[0-7]\s*(?:yrs?|years?|y/o|yo|\)|,)"
    r"|[\"'\u201d\u2019]?\s*\(\s*(?:Year|Yr)\s?\d", re.I)

# Wording that shows the interview/account did NOT happen.
NOT_DONE: dict[str, re.Pattern[str]] = {
    r: rule_rx("missing_interview", f"not_done_{r}") for r in ("victim", "suspect", "witness")
}
# A witness is worth a statement only when the file shows they know something relevant.
# What makes a person a witness with something to say: they saw, heard, were present, were
# told (received a disclosure), drove or collected the child, or told the police something.
TIED = rule_rx("missing_interview", "tied")
# The same, written just before the name: "Ruby told a teaching assistant, Mrs Jan OYELOWO",
# "collected from the arcade by her sister Stacey".
TIED_BEFORE = rule_rx("missing_interview", "tied_before")
RELEVANT = rule_rx("missing_interview", "relevant")


# An interview raised as an action item of a plan or list ("(f) Interview S3 under caution.",
# "ACTION 4: arrest and interview SUB2", "(g) Identify 'Uncle Jim'."): with no result anywhere
# in the file, the action was left undone.
PLAN_ITEM: dict[str, re.Pattern[str]] = {
    r: rule_rx("missing_interview", f"plan_item_{r}") for r in ("suspect", "victim", "witness")
}


# "Statement from", "MG11 from", "TIE" written just before a name.
_STATEMENT_FROM = rule_rx("missing_interview", "statement_from")


# Between two people named together as one subject: "S1 and S2", "S1, S2 & S3", "S1/S2".
_JOINED = rule_rx("missing_interview", "joined")
_RELATION_BEFORE = rule_rx("missing_interview", "relation_before")
_RELATION_AFTER = rule_rx("missing_interview", "relation_after")
_ASKED_ABOUT = rule_rx("missing_interview", "asked_about_before")


_PRONOUN_LEAD = rule_rx("missing_interview", "pronoun_lead")
_GENERIC: dict[str, re.Pattern[str]] = {
    r: rule_rx("missing_interview", f"generic_{r}") for r in ("victim", "suspect")
}


# A heading whose list records what was done, and the items of such a list.
_DONE_HEADING = re.compile(
    r"^(?:\d+[.)]\s*)?(?:evidence|statements?|accounts?|interviews?|actions?|enquiries|lines)?\s*"
    r"(?:obtained|secured|gathered|taken|completed|done|resulted|on\s+file)\b(?!.*\b(?:not|outstanding|to\s+do)\b)",
    re.I)
_PARENT = (r"(?:mother|mum|father|dad|parent|step-?(?:mother|father|mum|dad)|grandmother|grandfather|nan|gran|"
           r"carer|foster\s+carer|guardian|NOK)")
# "her mother, Lorraine X", "Mother - Lorraine X", "Lorraine X (mother of V1)", "Tina X (Mum)"
_PARENT_BEFORE = re.compile(rf"\b{_PARENT}\b\s*[,:(\-\u2013]?\s*(?:Mrs|Mr|Ms|Miss)?\.?\s*$", re.I)
_PARENT_AFTER = re.compile(rf"^\s*[,(\-\u2013]\s*(?:the\s+|her\s+|his\s+|IP\d?'s\s+|V\d'?s\s+)?{_PARENT}\b", re.I)
# After a statement term: whose it is, when it is someone else's ("MG11 of SW", "statement from mum").
_ANOTHERS_STATEMENT = re.compile(
    r"\s*(?:of|from|by)\s+(?:the\s+|her\s+|his\s+)?(?:SW|social\s+worker|mother|mum|father|dad|parent|carer|"
    r"teacher|DSL|nurse|key\s?worker|youth\s+worker|friend|officer|PC|DC|ISVA)\b", re.I)
# The person asks for their statement, or the file says nobody took the one they offered.
_ASKED_FOR_STATEMENT = re.compile(
    r"\b(?:asks?|asked|asking|wants?\s+to\s+know|queried|complained)\s+(?:why|whether|if|when)\b[^.]{0,60}"
    r"\b(?:statement|MG11)\b|\b(?:no\s+one|no-one|nobody)\b[^.]{0,40}?\b(?:taken|obtained|recorded)\s+"
    r"(?:a\s+|any\s+|his\s+|her\s+|their\s+)?(?:written\s+)?(?:statement|MG11)", re.I)
# A visit or a call made for a statement, not the statement ("Visit Flat 24 for W2 statement",
# "seen at home with her mother re ABE", "to discuss ABE", "ABE discussed").
_FOR_STATEMENT = re.compile(r"\b(?:for|re|regarding|about|discuss(?:ed|ing)?)\s+(?:a\s+|the\s+|an\s+|her\s+|his\s+|"
                            r"their\s+|(?:W|V|IP)\d{1,2}(?:'s)?\s+)?(?:statement|MG\s?11|account|ABE|VRI)\b|"
                            r"\b(?:ABE|VRI|statement)\s+(?:was\s+|were\s+)?discussed\b", re.I)
# Before a statement term: someone else's ("(mother's MG11, 09/05/18)").
_ANOTHERS_BEFORE = re.compile(
    r"\b(?:SW|social\s+worker|mother|mum|father|dad|parent|carer|teacher|DSL|nurse|friend|officer)['\u2019]s\s*$", re.I)
# A list item worded as a request for a statement: "- MG11 from W1 (mother of IP1)."
_REQUEST_ITEM = re.compile(r"^\W*(?:MG11|statement)s?\s+from\b", re.I)
_SAW = re.compile(r"\b(?:saw|witnessed|watched|observed|noticed)\b", re.I)


# Confidence: a base by role, raised when a line says the interview is missing.
_BASE_CONF = {"victim": 0.5, "suspect": 0.55, "witness": 0.5}
_CUE_CONF = {"victim": 0.3, "suspect": 0.25, "witness": 0.2}
_WHAT = {
    "victim": "no ABE / VRI interview or written statement (MG11) is recorded",
    "suspect": "no interview under caution (custody or voluntary attendance) is recorded",
    "witness": "no witness statement (MG11) is recorded",
}
_ADVICE = {
    "victim": "Seek the child's account to best practice (ABE), with support (ISVA, intermediary, a trusted "
    "adult) where they declined before.",
    "suspect": "Trace and arrest or invite the suspect to a voluntary interview under caution; a CAWN or words "
    "of advice is not an interview.",
    "witness": "Trace and interview the witness and record an MG11 statement.",
}


def _bracketed_away(text: str, a: int, b: int, pos: int) -> bool:
    """Is text[a:b] inside a pair of brackets that does not hold ``pos``?"""
    opening = text.rfind("(", 0, a)
    if opening == -1 or ")" in text[opening:a]:
        return False
    closing = text.find(")", b)
    if closing == -1 or "(" in text[b:closing]:
        return False
    return not opening < pos < closing


class MissingInterviewDetector(Detector):
    name = "missing_interview"
    version = "0.3.0"
    type = "missing_interview"

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        out: list[Suggestion] = []
        self._ctx = ctx
        self._seg_text = [sg.text for sg in ctx.segments]
        people = find_people(ctx)
        self._by_seg: dict[int, list[tuple[Person, int, int]]] = {}
        for q in people:
            for mm in q.mentions:
                base = ctx.segments[mm.seg].start
                self._by_seg.setdefault(mm.seg, []).append((q, mm.start - base, mm.end - base))
        self._single = {
            r: len([p for p in people if p.role == r and (p.surname or p.first)]) == 1
            for r in ("victim", "suspect")
        }
        # The case's complainant: the person the file most plainly treats as the victim.
        victims = [p for p in people if p.role == "victim"]
        self._complainant = max(victims, key=lambda p: p.role_votes["victim"]) if victims else None
        for p in people:
            role = p.role
            if role not in ("victim", "suspect", "witness"):
                continue
            if not (p.surname or p.first) and role in ("victim", "witness"):
                # a nickname or a number alone: not a victim to interview, and a witness known
                # only so is a line to trace (unfollowed inquiry), not a statement to take
                continue
            if role == "victim" and re.match(r"(?:Mr|Mrs|Ms)\.?\s", p.display):
                continue  # "Mr DANBY": known to the file only by an adult's title, not the child
            if role == "suspect" and not (p.surname or p.first) and self._described_as_child(ctx, p):
                continue  # "the little one Mia", "third girl known as 'Tash' (approx 14)": another child
            votes = p.role_votes
            total = sum(votes.values())
            if total == 0 or votes[role] / total < 0.45:
                continue  # role unclear: not worth a reviewer's time
            s = self._assess(ctx, p, role)
            if s is not None:
                out.append(s)
        return out

    @staticmethod
    def _described_as_child(ctx: CaseContext, p: Person) -> bool:
        """Is a person known only by a nickname described as a child where the file names them?"""
        if any(role == "suspect" for role in p.label_roles.values()):
            return False  # 'S3 "MO"': the file codes them as a suspect
        for m in p.mentions:
            s = ctx.segments[m.seg]
            a, b = m.start - s.start, m.end - s.start
            if _CHILD_BEFORE.search(s.text[max(0, a - 30):a]) or _CHILD_AFTER.match(s.text, b):
                return True
        return False

    def _owns(self, p: Person, seg: int, pos: int) -> bool:
        """Is the cue at ``pos`` (offset in the segment) about ``p``? When the sentence names
        several people, the cue belongs to the one named nearest to it ("S3 TOBIAS X identified
        - CAWN served on S3" is about S3, not about S2 named in between)."""
        named = self._by_seg.get(seg, [])
        if not any(q is not p for q, _, _ in named):
            return True
        text = self._seg_text[seg]
        # "Witness - carer of IP2 | MG11 obtained", "W1 (IP1's mother) gave a statement": a
        # person named as whose relation someone is, is not the one the statement is about.
        named = [t for t in named if not (_RELATION_BEFORE.search(text[max(0, t[1] - 30):t[1]])
                                          or _RELATION_AFTER.match(text[t[2]:t[2] + 30]))] or named
        # "S2 Lee CASSIDY (sexual assault, IP2): not interviewed": a person named in brackets,
        # away from the cue, is an aside about someone else
        named = [t for t in named if not _bracketed_away(text, t[1], t[2], pos)] or named
        best = min(named, key=lambda t: 0 if t[1] <= pos < t[2] else min(abs(pos - t[1]), abs(pos - t[2])))
        if best[0] is p:
            return True
        # "S1 and S2 arrested 21/10 and interviewed": people named together share the cue
        chain = sorted(named, key=lambda t: t[1])
        k = next(i for i, t in enumerate(chain) if t is best)
        group = {id(best[0])}
        for step in (-1, 1):
            i = k
            while 0 <= i + step < len(chain):
                a, b = sorted((chain[i], chain[i + step]), key=lambda t: t[1])
                if not _JOINED.fullmatch(text[a[2]:b[1]]):
                    break
                i += step
                group.add(id(chain[i][0]))
        return id(p) in group

    def _texts(self, ctx: CaseContext, p: Person) -> list[tuple[Mention, str]]:
        """Segments that speak of the person: their mentions, the sentences right after a
        mention that carry on with a pronoun ("He was interviewed..."), and, when the case has
        one victim (or one suspect), sentences about "the IP" / "the suspect" generically."""
        seen: set[int] = set()
        out = []
        segs = ctx.segments
        for m in p.mentions:
            if m.seg in seen:
                continue
            seen.add(m.seg)
            out.append((m, segs[m.seg].text))
            entry = self._entry_line(ctx, m)
            for j in (m.seg + 1, m.seg + 2, m.seg + 3):
                if j < len(segs) and j not in seen and segs[j].document == segs[m.seg].document and (
                        _PRONOUN_LEAD.match(segs[j].text) or (j in entry and not self._by_seg.get(j))):
                    seen.add(j)
                    out.append((Mention(j, segs[j].start, segs[j].start, "", "pronoun"), segs[j].text))
                else:
                    break
        role = p.role
        if role in self._single and self._single[role]:
            rx = _GENERIC[role]
            for j, sg in enumerate(segs):
                if j not in seen and rx.search(sg.text):
                    seen.add(j)
                    out.append((Mention(j, sg.start, sg.start, "", "generic"), sg.text))
        return out

    @staticmethod
    def _entry_line(ctx: CaseContext, m: Mention) -> set[int]:
        """The segments after a mention that opens a line and on that same line: a person
        list's entry ("IP2 TREMLOW, Jade, 03/09/1997. Looked after child. First account to
        carer only."), whose later sentences are about the person it opens with."""
        segs = ctx.segments
        sg = segs[m.seg]
        page = ctx.page_text(sg.document, sg.page)
        line_start = page.rfind("\n", 0, m.start) + 1
        head = page[line_start:m.start].strip(" \t-*\u2022|:'\"\u2018\u201c")
        if head and len(head.split()) > 1:
            return set()
        end = page.find("\n", m.end)
        end = len(page) if end == -1 else end
        return {j for j in range(m.seg + 1, min(m.seg + 4, len(segs)))
                if (segs[j].document, segs[j].page) == (sg.document, sg.page) and segs[j].end <= end}

    def _assess(self, ctx: CaseContext, p: Person, role: str) -> Suggestion | None:
        """A suggestion for ``p`` when no document records their interview or account and
        (for victims and suspects) some line says it is missing; None otherwise."""
        texts = self._texts(ctx, p)
        done, not_at = self._cues(p, role, texts)
        if done:
            return None
        if not not_at and role != "witness":
            # No line says the interview or account is missing, only that none was found: on
            # the training split such suggestions were wrong three times in four (the account
            # is usually recorded in words the rules do not link to the person).
            return None
        if role == "witness" and not self._relevant_witness(ctx, p, texts, bool(not_at)):
            return None
        conf = _BASE_CONF[role] + (_CUE_CONF[role] if not_at else 0.0)
        if len({ctx.segments[m.seg].document for m, _ in texts}) > 1:
            conf += 0.05
        return self._suggest(ctx, p, role, texts, not_at, conf)

    def _cues(
        self, p: Person, role: str, texts: list[tuple[Mention, str]]
    ) -> tuple[bool, list[tuple[Mention, str]]]:
        """Whether some line records the person's interview, and the lines that say it is
        missing (a "not done" wording, or a plan item raised for them and never resulted)."""
        done = False
        not_at: list[tuple[Mention, str]] = []
        for m, t in texts:
            at = m.start - self._ctx.segments[m.seg].start
            asked = m.how not in ("pronoun", "generic") and _ASKED_ABOUT.search(t[max(0, at - 60):max(0, at)])
            if not asked and any(self._owns(p, m.seg, pos) for pos in interview_done_positions(t, role)):
                done = True
            elif m.how not in ("pronoun", "generic") and TERMS[role].search(t) and (
                    not NOT_DONE[role].search(t) or _REQUEST_ITEM.match(t)) \
                    and self._under_done_heading(m.seg) and not self._named_as_relation(t, at):
                # "2. Evidence obtained / - MG11 statements from A (mother) and B": under a heading
                # of things done, even an item worded as a request ("- MG11 from W1") is done
                done = True
                continue
            nm = NOT_DONE[role].search(t)
            if nm and self._owns(p, m.seg, nm.start()):
                not_at.append((m, nm.group(0)))
            elif m.how not in ("pronoun", "generic") and role in ("suspect", "witness") and (
                    p.labels or p.role_votes[role] >= 4):
                pm = next((x for x in PLAN_ITEM[role].finditer(t) if self._owns(p, m.seg, x.end())), None)
                if pm:
                    not_at.append((m, pm.group(0).strip()))
        return done, not_at

    @staticmethod
    def _named_as_relation(text: str, at: int) -> bool:
        """Is the person at ``at`` named only as whose relation someone is ("MG11 from W1
        (mother of IP1)": the statement is the mother's)?"""
        return bool(_RELATION_BEFORE.search(text[max(0, at - 30):at]))

    def _under_done_heading(self, seg: int) -> bool:
        """Is segment ``seg`` a list item under a heading that says its items were done
        ("Evidence obtained", "Statements taken", "Completed actions")?"""
        ctx = self._ctx
        sg = ctx.segments[seg]
        page = ctx.page_text(sg.document, sg.page)
        lines = page[:sg.start].rstrip("\n").split("\n")[-8:]
        for line in reversed(lines):
            t = line.strip()
            if not t:
                continue
            if len(t) <= 60 and _DONE_HEADING.search(t):
                return True
            if not LIST_ITEM.match(t) and not t[0].islower():
                return False  # a wrapped item's next line ("no comment.") is part of the list
            # an earlier item of the same list: look further up
        return False

    @staticmethod
    def _relevant_witness(ctx: CaseContext, p: Person, texts: list[tuple[Mention, str]], missing: bool) -> bool:
        """A named person is a witness worth a statement when the file ties them to the events
        (present, saw, received the disclosure...), or names them a witness or raised a
        statement from them and says it is missing, with a looser tie. A parent who reported,
        or a carer who was handed the child, is not flagged on that alone."""
        segs = ctx.segments

        def around(m: Mention, t: str, before: int, after: int) -> str:
            a = m.start - segs[m.seg].start
            return t[max(0, a - before):m.end - segs[m.seg].start + after]

        def ahead(m: Mention, t: str, before: int) -> str:
            a = m.start - segs[m.seg].start
            return t[max(0, a - before):a]

        own = [(m, t) for m, t in texts if m.how not in ("pronoun", "generic")]
        tied = any(TIED.search(around(m, t, 60, 90)) or TIED_BEFORE.search(ahead(m, t, 60))
                   for m, t in own)
        named_witness = any(p.label_roles.get(lab) == "witness" for lab in p.labels) or any(
            re.search(r"\bwitness", around(m, t, 40, 40), re.I) for m, t in own)
        loose = any(RELEVANT.search(around(m, t, 80, 80)) for m, t in own)
        # The investigation itself raised a statement from them and left it open ("OPEN:
        # Statement from Ryan X (occupier, host of the party)"): the file judged them relevant.
        raised = any(PLAN_ITEM["witness"].search(t) or _STATEMENT_FROM.search(ahead(m, t, 30))
                     for m, t in own)
        if any(_PARENT_BEFORE.search(ahead(m, t, 30)) or _PARENT_AFTER.match(t[m.end - segs[m.seg].start:][:30])
               for m, t in own):
            # A parent or carer is at the events as the child's family: a statement is missing
            # only where the file says so ("asked why no one has taken a statement from her"),
            # raises one, or where they saw the events themselves.
            saw = any(_SAW.search(around(m, t, 40, 60)) for m, t in own)
            if missing and any(_ASKED_FOR_STATEMENT.search(t) for m, t in own):
                return True  # "Tina X (Mum) asked why no one has taken a statement from her"
            return (tied or (loose and (missing or named_witness)) or (raised and missing)) and (
                bool(missing) or raised or saw)
        if p.professional and p.professional >= 0.25 * len(p.mentions) and not p.labels:
            # A professional (social worker, CSE worker, teacher) is at the events as part of
            # the work: their statement is missing only where the file says it is, not for
            # being present. One who saw the events themselves is an eyewitness like anyone else.
            saw = any(_SAW.search(around(m, t, 40, 60)) for m, t in own)
            return (missing and (tied or loose or raised or named_witness)) or saw
        return tied or (loose and (missing or named_witness)) or (raised and missing)

    def _other_child(self, p: Person, role: str) -> bool:
        """A child other than the complainant, read as a victim or a witness: the roles the
        file cannot yet tell apart (a friend at the flat may be a further victim)."""
        if role not in ("victim", "witness") or p is self._complainant or not p.ages:
            return False
        if any(p.label_roles.get(lab) == "victim" for lab in p.labels):
            return False  # coded as a victim by the file itself ("IP2")
        return max(p.ages) < 18

    def _suggest(self, ctx: CaseContext, p: Person, role: str, texts: list[tuple[Mention, str]],
                 not_at: list[tuple[Mention, str]], conf: float) -> Suggestion:
        cites: list[Citation] = []
        keys: set[tuple[str, int, int]] = set()
        ordered = [m for m, _ in not_at if m.how not in ("pronoun", "generic")] + [
            m for m, _ in texts if m.how not in ("pronoun", "generic")]
        for m in ordered:
            c = cite_segment(ctx, ctx.segments[m.seg], (m.start, m.end))
            k = (c.document, c.page, c.start)
            if k in keys:
                continue
            keys.add(k)
            cites.append(c)
            if len(cites) >= 4:
                break
        cue = f" The file says: \"{not_at[0][1]}\"." if not_at else ""
        labels = ", ".join(sorted(p.labels)) or "by name"
        why: dict[str, Any] = {"role_votes": dict(p.role_votes), "mentions": len(p.mentions)}
        claimed: str | None = role
        if self._other_child(p, role):
            # Another child who was there: whether a further victim or a witness, the file
            # cannot say until the child is spoken to, so no role is claimed.
            claimed = None
            why["role_unclear"] = f"a child other than the complainant, read as {role}"
            title = f"No account recorded for {p.display} (a child: possible further victim or witness)"
            rationale = (
                f"{p.display} is a child named in the case ({labels}), and no account, ABE interview or "
                f"statement from them is recorded in any document.{cue} Whether they are a further victim "
                "or a witness, their account should be sought to best practice (ABE), with support."
            )
        else:
            title = (f"No {'account' if role == 'victim' else 'interview' if role == 'suspect' else 'statement'}"
                     f" recorded for {role} {p.display}")
            rationale = (
                f"{p.display} appears as a {role} ({labels}), "
                f"and {_WHAT[role]} in any document of the case.{cue} " + _ADVICE[role]
            )
        return Suggestion(
            type="missing_interview",
            subject=p.subject(),
            role=claimed,  # type: ignore[arg-type]
            title=title,
            rationale=rationale,
            confidence=clamp(conf),
            citations=cites,
            detector=self.name,
            detector_version=self.version,
            explanation={**why, "not_done_cues": [c for _, c in not_at][:3]},
        )
