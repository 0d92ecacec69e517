"""Possible unfollowed lines of inquiry.

A line is *raised* when any document shows it was identified or plainly available (an action,
a plan entry, a CPS request, evidence or a person named); it is *completed* only when some
document records its result. The detector:

1. finds, per segment, the kinds of inquiry it mentions (lexicon ``models/lexicons/inquiry_kinds.json``)
   and whether that mention is a result, explicitly left undone, pending, or a bare mention;
2. links mentions of the same line across documents (shared distinctive terms such as exhibit
   references, registrations, names, or close meaning by sentence embeddings);
3. suggests each line with no linked result, citing every place that raises it or leaves it open.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import numpy as np

from assistant.detectors.base import Detector
from assistant.detectors.common import LIST_ITEM, cite_segment, clamp, opens_unit, tokens
from assistant.nlp.context import CaseContext
from assistant.nlp.entities import EXHIBIT, PHONE, VRM
from assistant.nlp.gate import anchors, prefixes
from assistant.nlp.legend import Legend, learn_legend
from assistant.nlp.lexicon import COMMON_CAPITALISED, load_lexicon
from assistant.nlp.people import find_people
from assistant.nlp.status import RAISE, StatusCue, classify
from assistant.types import Segment, Suggestion

KINDS_ORDER = (
    "cctv", "phone_digital", "social_media", "forensic_medical", "witness", "suspect",
    "location_search", "vehicle_anpr", "third_party_records", "financial", "other_victims", "other",
)
# A bare mention (no action, no status) is a line only when the evidence is plainly available.
AVAILABLE = re.compile(
    r"\b(?:gave\s+(?:her|him|them)|bought\s+(?:her|him|them)|sent\s+(?:her|him|them)|(?:her|his|their)\s+account|has\s+(?:a|an)\s+\w+|there\s+(?:is|are|was|were)\s+"
    r"(?:a|an|some|two|three|several|cameras?|CCTV)|covers?|covering|overlooks?|overlooking|named|mentioned|described|"
    r"said|says|stated|states|told|disclosed|reported|showed|shown|also|too|as\s+well|another|other|second|"
    r"used\s+to\s+(?:contact|message|call)|talks?\s+to|messages?\s+(?:her|him|them)|paid|pays|paying|"
    r"put(?:s|ting)?\s+(?:\S+\s+){0,2}(?:credit|money|top[- ]?ups?)|top(?:ped|s|ping)?[- ]?up|"
    r"kept|owns?|drives?|drove|registered|"
    r"contact(?:s|ed|ing)?\s+(?:her|him|them)\s+"
    r"(?:on|via|through)|user\s?name|handle|"
    # a partial registration, and who was collected or dropped off in the car
    r"part(?:ial)?\s+(?:VRM|reg(?:istration)?|index|plate)|(?:VRM|reg(?:istration)?|plate)\s+(?:starts?|starting|begins?|"
    r"beginning|ends?|ending)|(?:dropped|picked)\s+(?:her|him|them|us|the\s+girls?)\s+(?:off|up|at))\b",
    re.I,
)
_CLAUSE_SPLIT = re.compile(r";\s+|\s+but\s+|,?\s+however,?\s+|,\s+although\s+|\s+-\s+|\s+\u2013\s+|\.\s+")
_STOP = frozenset(
    "the a an and or but of in on at to for with by as is was were be been being this that these "
    "those it its he she they them his her their we our you your i from not no has have had did do "
    "does will would should could may might can which who whom whose what when where there then than "
    "so such also any all some one two three into onto over under after before about up down out off "
    "ip s1 s2 s3 s4 officer oic dc ds pc".split()
)
# A driver of a taxi or private-hire firm, named in the sentence or the one before it ("IP
# returned to the home by an Ace Cars taxi. Driver to be traced."): a witness to trace, not a
# suspect, however "traced" or "identified" is worded.
_DRIVER = re.compile(r"\bdrivers?\b", re.I)
_TAXI = re.compile(r"(?i:\b(?:taxis?|cabs?|minicabs?|private[- ]hire|hackney)\b)|"
                   r"\b[A-Z][A-Za-z'&]+\s+(?:Cars|CARS|Cabs|CABS|Kabs|KABS|Taxis|TAXIS|Private\s+Hire)\b")
# Someone an account places where they could have seen the events: a witness plainly available.
_POSSIBLE_WITNESS = re.compile(
    r"\b(?:might|may|must|would|could)\s+(?:well\s+)?(?:have\s+)?(?:seen|see|heard|hear|noticed|notice)\b",
    re.I)
# One definition of a glossary: a short code, "=", and a word of its meaning.
_GLOSSARY_DEF = re.compile(r"(?<![\w/])[A-Z][A-Za-z/]{0,5}\d?\s*=\s*[A-Za-z]")
# A line that opens a key to the file's codes: "ROLE CODES: V victim/IP ; SU suspect ; SX ...".
_KEY_HEAD = re.compile(r"^\W*(?:[A-Za-z]+\s+){0,2}(?:codes?|key|legend|glossary|abbreviations)\s*[:\-\u2013]", re.I)
_IDENTIFY_SUSPECT = re.compile(
    r"\b(?:identify|identified|identification|unidentified|unknown|trace|traced|untraced|locate|located|"
    r"whereabouts|no\s+trace|known\s+(?:only\s+)?as|nickname|AKA|intel(?:ligence)?|ID\s+enquir(?:y|ies))\b",
    re.I,
)


_SUSPECT_ACTION = re.compile(
    r"\b(?:to\s+be|should\s+be|must\s+be|be)\s+(?:arrested|interviewed|invited)\b"
    r"|\binvited\s+(?:in\s+)?(?:to|for)\s+(?:a\s+)?voluntary\s+(?:interview|attendance)\b"
    r"|\b(?:arrest|interview)\s+(?:and\s+interview\s+)?(?:of\s+)?(?:Person\s+[A-D]|S\d|SUB\d|AP\d|NOM\s?\d)\b"
    # a voluntary-attendance interview, in a record's shorthand: "VA intvw S3", "VA interview to be arranged"
    r"|\b(?:VA|voluntary\s+attendance)\s+(?:interview|intvw|intv|int)\b|\bvoluntary\s+interview\b|\b(?:intvw|intv|TIE)\s+(?:S\d|SUSP?\d|SUB\d)\b",
    re.I,
)


# A sentence that refers back to the one before it.
_ANAPHORA = re.compile(
    r"^\W*(?:\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\s*[:\-]?\s*)?(?:update\w*|result\w*|outcome|status|response|"
    r"comment|note|it|this|these|that|they|she|he|the\s+(?:request|footage|recording|handset|phone|device|records?|"
    r"enquiry|action|application|warrant|search|download|samples?|results?|report))\b"
    r"|\b(?:them|it)\s*\.?\s*$",
    re.I,
)
_GENERIC_KINDS = {"suspect", "witness"}
# Kinds whose evidence, merely described in an account ("she says he sends her money", "a
# girl called Demi went too", "a black Audi, part VRM FN1"), is a line plainly available:
# payments, vehicles and firms' records are as concrete as phones and cameras.
_BARE_KINDS = frozenset({"phone_digital", "other_victims", "cctv", "social_media", "financial", "vehicle_anpr",
                         "third_party_records"})
_GENERIC_TRIGGER = re.compile(r"\b(?:identif\w*|trace[ds]?|locate[ds]?|unidentified|untraced)$", re.I)
MAX_CITES = 10
# Lines of one kind in one case: at most this many, each after the first a little less certain.
MAX_LINES = 2
LINE_PENALTY = 0.12
# A term found in more segments than this is too common to say two mentions are one object.
RARE_TERM = 3
# Two mentions that share two words this rare in the case are about one object ("bus station").
RARE_WORD = 4
_RANK = {"not_done": 0, "pending": 1, "done": 2, "done_weak": 3, "mention": 4}


@dataclass
class _KindRules:
    kind: str
    label: str
    action: str
    raise_rx: re.Pattern[str]
    exclude_rx: re.Pattern[str] | None
    done_rx: re.Pattern[str]
    raise_anchors: frozenset[str] | None = None
    facets: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def facets_of(self, text: str) -> set[str]:
        return {name for name, rx in self.facets.items() if rx.search(text)}


@lru_cache(maxsize=1)
def kind_rules() -> dict[str, _KindRules]:
    lex = load_lexicon("inquiry_kinds")
    out: dict[str, _KindRules] = {}
    for kind in KINDS_ORDER:
        e = lex[kind]
        out[kind] = _KindRules(
            kind=kind,
            label=e["label"],
            action=e["action"],
            raise_rx=re.compile("|".join(e["raise"]), re.I),
            exclude_rx=re.compile("|".join(e["exclude"]), re.I) if e["exclude"] else None,
            done_rx=re.compile("|".join(e["done"]), re.I),
            raise_anchors=anchors("|".join(e["raise"])),
            facets={name: re.compile("|".join(pats), re.I)
                    for name, pats in e.get("facets", {}).items() if not name.startswith("_")},
        )
    return out


def kinds_in(text: str) -> list[tuple[str, int, int]]:
    """Each kind of inquiry the text mentions, with its first trigger (offsets in ``text``)."""
    found: list[tuple[str, int, int]] = []
    pre = prefixes(text)
    for kind, r in kind_rules().items():
        if r.raise_anchors is not None and not (r.raise_anchors & pre):
            continue
        excl = [(m.start(), m.end()) for m in r.exclude_rx.finditer(text)] if r.exclude_rx else []
        for m in r.raise_rx.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in excl):
                continue
            found.append((kind, m.start(), m.end()))
            break
    return found


@dataclass
class _Mention:
    seg: int
    kind: str
    trig: tuple[int, int]  # offsets in the segment text
    status: StatusCue
    distinct: set[str] = field(default_factory=set)
    content: set[str] = field(default_factory=set)


# A heading over a list of things to do: its items are actions raised, not narrative.
_RAISING_HEADING = re.compile(
    r"\b(?:points?\s+for\s+(?:investigation|action|enquiry|inquiry)|lines?\s+of\s+(?:enquiry|inquiry)|"
    r"(?:investigative|outstanding|further|open|recommended)\s+(?:actions?|enquiries|inquiries|lines)|"
    r"actions?\s+(?:raised|arising|required|needed|agreed|to\s+(?:be\s+)?(?:taken|completed|done|progress))|"
    r"to\s+do\b|enquiries\s+(?:required|to\s+(?:be\s+)?(?:made|completed))|outstanding\s*:?\s*$)",
    re.I)


def _raising_heading(ctx: CaseContext, seg: Segment) -> str | None:
    """The heading a list item sits under, when it raises actions ("POINTS FOR INVESTIGATION
    ARISING FROM ABE", "Outstanding lines of enquiry"): the item is an action left without a
    result unless the file records one. Walks up through the list's earlier items."""
    page = ctx.page_text(seg.document, seg.page)
    line_start = page.rfind("\n", 0, seg.start) + 1
    if not LIST_ITEM.match(page[line_start:seg.end]):
        return None
    lines = page[:line_start].rstrip("\n").split("\n")[-25:]
    for line in reversed(lines):
        t = line.strip()
        if not t:
            continue
        if LIST_ITEM.match(t) or t[:1].islower():
            continue  # an earlier item of the list, or a wrapped line of one
        if len(t) <= 90 and _RAISING_HEADING.search(t):
            return t
        return None
    return None


def case_legend(ctx: CaseContext) -> Legend:
    """The status and kind codes the case's own keys define (read once per case)."""
    if "legend" not in ctx.cache:
        ctx.cache["legend"] = learn_legend((p.text for d in ctx.documents for p in d.pages), kinds_in)
    legend: Legend = ctx.cache["legend"]
    return legend


def _clause_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The clause of a prose sentence that holds [a, b); a table row is one clause."""
    if "|" in text or "\t" in text:
        return 0, len(text)
    start, end = 0, len(text)
    for m in _CLAUSE_SPLIT.finditer(text):
        if m.end() <= a:
            start = m.end()
        elif m.start() >= b:
            end = m.start()
            break
    return start, end


def lower_words(ctx: CaseContext) -> frozenset[str]:
    """Words the case's documents print in lower case somewhere ("arrest", "identify"): in a
    record printed in capitals they are ordinary words, not names ("COLTHURST" never is)."""
    if "lower_words" not in ctx.cache:
        ctx.cache["lower_words"] = frozenset(
            w for d in ctx.documents for pg in d.pages for w in re.findall(r"\b[a-z][a-z'\-]{2,}\b", pg.text))
    words: frozenset[str] = ctx.cache["lower_words"]
    return words


def _distinct_terms(text: str, common: frozenset[str] = frozenset()) -> set[str]:
    terms = {m.group(0).replace(" ", "").upper() for m in EXHIBIT.finditer(text)}
    terms |= {m.group(0).replace(" ", "").upper() for m in VRM.finditer(text)}
    terms |= {re.sub(r"\D", "", m.group(0))[-9:] for m in PHONE.finditer(text)}
    for m in re.finditer(r"\b[A-Z][a-zA-Z'\-]{2,}\b", text):
        w = m.group(0)
        if w.lower() in COMMON_CAPITALISED or w.isupper() and (len(w) <= 4 or w.lower() in common):
            continue
        # Skip the first word of the text (capitalised only because it starts a sentence).
        if m.start() == 0:
            continue
        terms.add(w.lower())
    for m in re.finditer(r"[\"\u201c\u2018']([A-Za-z][\w\-]{1,20})[\"\u201d\u2019']", text):
        terms.add(m.group(1).lower())
    # a nickname, quoted or not: "male known as KEZ", "AKA DAZ"
    for m in _NICKNAME.finditer(text):
        terms.add(m.group(1).lower())
    return terms


_NICKNAME = re.compile(r"\b(?i:known\s+(?:only\s+)?as|aka|called|calls\s+himself|nicknamed)\s+"
                       r"[\"\u201c\u2018']?([A-Z][A-Za-z\-]{1,15})\b")


def _drop_shadowed(sugs: list[Suggestion]) -> list[Suggestion]:
    """Drop a suggestion whose every citation already backs a more confident one: one sentence
    ("no search was made and the tablet was not seized") is one finding for a reviewer. So is
    a kind's second or later line (``line_rank``) led by the sentence that already leads a more
    confident line of another kind ("A23 Top-up records 07700 900233 - not requested" is a
    financial line, not a further phone line). (Measured on the training split: dropping every
    line on a shared *first* citation, or removing shared citations from the less confident
    line, both lost more findings than false alarms; the further-line rule alone gained on
    indep_dev: 6 false alarms fewer, 1 finding lost.)"""
    kept: list[Suggestion] = []
    used: set[tuple[str, int, int]] = set()
    leads: set[tuple[str, int, int]] = set()
    for s in sorted(sugs, key=lambda s: -s.confidence):
        keys = {(c.document, c.page, c.start) for c in s.citations}
        if keys <= used:
            continue
        lead = (s.citations[0].document, s.citations[0].page, s.citations[0].start)
        if s.explanation.get("line_rank") and lead in leads:
            continue  # a kind's further line led by a sentence that leads another kind's line
        used |= keys
        leads.add(lead)
        kept.append(s)
    return kept


_ACCOUNT = re.compile(r"\b(?:says|said|told|tells|states|stated|disclosed|discloses|describes|described|mentioned|"
                      r"noticed|explained|claims|claimed|alleges|alleged|reports|reported\s+that)\b", re.I)
# A bare mention the action-status classifier reads as a recorded result at this probability
# or above is not suggested.
RESULT_PROB = 0.85
_CLF_STATE: dict[str, Any] = {}


def action_result_probs(texts: list[str]) -> tuple[list[float], str] | None:
    """P(the sentence records an inquiry's result) from the fine-tuned action-status
    classifier, in the model helper process when it runs, else in this one; None when no
    classifier can run (the rules then decide alone)."""
    if not texts or _CLF_STATE.get("failed"):
        return None
    try:
        from assistant.nlp import model_server

        if model_server.enabled() and not os.environ.get("ASSISTANT_MODEL_SERVER_CHILD") \
                and model_server.get_client().available:
            version, probs = model_server.get_client().request("clause", ("action_status", texts))
            return [float(p) for p in probs], f"clause-minilm:{version}"
        from assistant.nlp.clause_model import load_clause_classifier

        clf = load_clause_classifier("action_status")
        return [float(p) for p in clf.predict(texts)], f"clause-minilm:{clf.version}"
    except Exception:  # noqa: BLE001 - a missing or failing model must not stop the review
        _CLF_STATE["failed"] = True
        return None


def _named_witness_segments(ctx: CaseContext) -> set[int]:
    """Segments that name a witness by name or code ("Kirsty HOLLAND", "W2", "NOM1 TOOMER")."""
    from assistant.nlp.people import find_people

    out: set[int] = set()
    for p in find_people(ctx):
        if p.role == "witness" and (p.surname or p.labels):
            out.update(m.seg for m in p.mentions if m.how not in ("first", "nick"))
    return out


def _object_term(t: str) -> bool:
    """An exhibit, a phone number or a registration: distinctive however often it is named (a
    person's code such as "V1" or a town's name is not)."""
    return "/" in t or sum(ch.isdigit() for ch in t) >= 4 or VRM.fullmatch(t) is not None


def _people_terms(ctx: CaseContext) -> tuple[set[str], set[str]]:
    """Linking terms of the case's people (read once per case): the codes, surnames and first
    names of those the file treats as victims, and the codes, names and nicknames of everyone."""
    from assistant.nlp.people.finder import find_people

    if "people_terms" not in ctx.cache:
        victims: set[str] = set()
        everyone: set[str] = set()
        for p in find_people(ctx):
            names = {w.lower() for w in (p.surname, p.first) if w}
            if p.role == "victim":
                victims |= set(p.labels) | names
            everyone |= names | {n.lower() for n in p.nicknames} | set(p.labels)
        ctx.cache["people_terms"] = (victims, everyone)
    terms: tuple[set[str], set[str]] = ctx.cache["people_terms"]
    return terms


def _complainant_terms(ctx: CaseContext) -> set[str]:
    """The codes and names of the people the file treats as victims, as linking terms."""
    return _people_terms(ctx)[0]


def _split_lines(ctx: CaseContext, opens: list[_Mention]) -> list[list[_Mention]]:
    """Group the open mentions of one kind into lines of inquiry about one object each.

    Two mentions are one line when they share a distinctive term that is rare in the case
    (an exhibit, a phone number, a registration, a quoted nickname, a proper name found in at
    most RARE_TERM segments), or when they sit in the same or the next segment (a row and its
    status, a sentence and the one that carries it on)."""
    if len(opens) <= 1:
        return [opens] if opens else []
    terms = [m.distinct | _link_terms(ctx.segments[m.seg].text) for m in opens]
    df: dict[str, int] = {}
    for seg in {m.seg for m in opens}:
        for t in _distinct_terms(ctx.segments[seg].text, lower_words(ctx)) | _link_terms(ctx.segments[seg].text):
            df[t] = df.get(t, 0) + 1
    parent = list(range(len(opens)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # a line about people (a suspect to trace, a witness, another child) is one line by that
    # person, not by the complainant its entries also name ("ARREST N3 ... - IP1", "IDENTIFY
    # MALE KNOWN AS KEZ (PER IP1 ABE)")
    person_kind = opens[0].kind in ("suspect", "witness", "other_victims")
    about = _complainant_terms(ctx) if person_kind else set()
    # ... and a person's name or nickname ties their entries however often the file names them
    names = _people_terms(ctx)[1] - about if person_kind else set()
    keep = [{t for t in terms[k]
             if not ((df.get(t, 0) > RARE_TERM and not _object_term(t) and t not in names)
                     or t.lower() in _STOP or t in about)}
            for k in range(len(opens))]
    word_df = _word_df(ctx)
    rare = [{w for w in m.content if word_df.get(w, 0) <= RARE_WORD} for m in opens]
    # A code two explicit entries share ("F14 search - not proportionate" / "- F14 - not
    # searched", "ACT-05 H2H not started"), however often the file names it: one action.
    labels = {t for t in _people_terms(ctx)[1] if t.isupper()}
    codes = [_entry_codes(ctx.segments[m.seg].text) - labels if m.status.status in _EXPLICIT else set()
             for m in opens]
    # The explicit entries of each group: two separate entries of one log are never joined,
    # not even through a third mention that shares a word with each.
    entries: dict[int, list[int]] = {k: [k] if opens[k].status.status in _EXPLICIT else [] for k in range(len(opens))}
    # Each group's facets (a handset's download, a number's subscriber check): a chain through
    # a mention with none ("KC/3 IP NOKIA 07700 900417" in an exhibit list) must not join two
    # groups that are different actions of the kind.
    rules = kind_rules()[opens[0].kind]
    facets: dict[int, set[str]] = {k: rules.facets_of(ctx.segments[m.seg].text) for k, m in enumerate(opens)}
    own = dict(facets)

    def union(k: int, j: int, check: bool) -> None:
        ra, rb = find(k), find(j)
        if ra == rb:
            return
        if check and any(_separate_actions(ctx, opens[x], opens[y]) for x in entries[ra] for y in entries[rb]):
            return
        if check and facets[ra] and facets[rb] and not facets[ra] & facets[rb]:
            return
        # two explicit entries that are different actions of the kind (a handset's download, a
        # number's subscriber check) keep their groups apart, whatever else each group holds
        if check and any(
                own[x] and own[y] and not own[x] & own[y] for x in entries[ra] for y in entries[rb]):
            return
        parent[ra] = rb
        entries[rb] = entries[rb] + entries.pop(ra)
        facets[rb] = facets[rb] | facets.pop(ra)

    for k, m in enumerate(opens):
        for j in range(k):
            o = opens[j]
            a, b = ctx.segments[o.seg], ctx.segments[m.seg]
            # the same or the next segment, unless the later one opens an item of its own
            # ("1. ... never requested." / "2. Handset MJ/4 ... returned")
            near = abs(m.seg - o.seg) <= 1 and (a.document, a.page) == (b.document, b.page) and not (
                m.seg != o.seg and _opens_item(ctx, max(a, b, key=lambda g: g.start)))
            if near:
                union(k, j, check=False)
            elif (keep[k] & keep[j] or len(rare[k] & rare[j]) >= 2 or codes[k] & codes[j]) and _facets_agree(
                    o.kind, a.text, b.text):
                union(k, j, check=True)
    groups: dict[int, list[_Mention]] = {}
    for k, m in enumerate(opens):
        groups.setdefault(find(k), []).append(m)
    return list(groups.values())


_LINK_CODE = re.compile(r"\b[A-Z]{1,5}\d{1,3}\b")
_ENTRY_CODE = re.compile(r"\b[A-Z]{1,5}[-/]?\d{1,3}\b")
_LINK_CAPS = re.compile(r"\b[A-Z][a-z]{2,}\b")


def _unless_summary(codes: set[str]) -> set[str]:
    """The codes of one sentence, or none when it names three or more (a sentence that sums
    several lines up ties none of them to another)."""
    return codes if len(codes) < 3 else set()


def _entry_codes(text: str) -> set[str]:
    """The entry codes of a sentence ("ACT-05", "F14", "A08"), written without their dash or
    slash."""
    return _unless_summary({re.sub(r"[-/]", "", m.group(0)) for m in _ENTRY_CODE.finditer(text)})


def _link_terms(text: str) -> set[str]:
    """Terms that tie two mentions of one kind to one object, beyond the distinctive ones:
    codes ("SUB3", "AP7"; not from a sentence naming three or more, which sums several lines
    up) and capitalised words inside a sentence ("Snapchat", "Spar")."""
    codes = _unless_summary({m.group(0) for m in _LINK_CODE.finditer(text)})
    words = {m.group(0).lower() for m in _LINK_CAPS.finditer(text)
             if m.start() > 0 and not re.search(r"[.!?:]\W*$|^\W*$", text[:m.start()])}
    return codes | words


_OBJECT_ID = re.compile(
    rf"{EXHIBIT.pattern}|{VRM.pattern}|{PHONE.pattern}|[\"\u201c\u2018'][A-Za-z][\w\-]{{1,20}}[\"\u201d\u2019']"
)


# A person's code or a lettered label: "SUB2", "AP1", "Person B", "Suspect 2".
_PERSON_CODE = re.compile(r"\b(?:[A-Z]{1,4}\d{1,2}|(?:Person|Suspect|Male|Female|Child)\s[A-D1-9])\b")


def _object_ids(ctx: CaseContext, ms: list[_Mention]) -> set[str]:
    """The exhibits, registrations, phone numbers and quoted names the mentions' segments hold."""
    return {re.sub(r"\W", "", m.group(0)).lower()
            for x in ms for m in _OBJECT_ID.finditer(ctx.segments[x.seg].text)}


_EXPLICIT = ("not_done", "pending")


def _separate_actions(ctx: CaseContext, o: _Mention, m: _Mention) -> bool:
    """Two entries of one document's action log or list, each its own item with its own status
    ("Entry 10 Tenter Yard: no search of S1 flat conducted." / "Entry 11 Tenter Yard
    house-to-house - not completed."), are two actions even when they name the same place or
    person; only a shared object (exhibit, phone, registration, quoted name) makes them one."""
    if o.seg == m.seg or o.status.status not in _EXPLICIT or m.status.status not in _EXPLICIT:
        return False
    a, b = ctx.segments[o.seg], ctx.segments[m.seg]
    if a.document != b.document or not (_opens_item(ctx, a) and _opens_item(ctx, b)):
        return False
    if o.kind in ("suspect", "witness", "other_victims") and (o.distinct & m.distinct) - _complainant_terms(ctx):
        return False  # two entries about one person ("- Raz not identified." / '"Raz" has not been')
    return not (_object_ids(ctx, [o]) & _object_ids(ctx, [m]))


def _facets(ctx: CaseContext, ms: list[_Mention]) -> set[str]:
    return {f for m in ms for f in kind_rules()[m.kind].facets_of(ctx.segments[m.seg].text)}


def _facets_agree(kind: str, text_a: str, text_b: str) -> bool:
    """False when two sentences of one kind are different actions of it (house-to-house and a
    search of the flat; a handset download and a subscriber check); the facets are in the
    kind's lexicon entry."""
    r = kind_rules()[kind]
    a, b = r.facets_of(text_a), r.facets_of(text_b)
    return not (a and b) or bool(a & b)


def _separate_line(ctx: CaseContext, line: list[_Mention], lead: list[_Mention]) -> bool:
    """Is ``line`` an action entry of its own, apart from every entry of the leading line?"""
    return all(_separate_actions(ctx, o, line[0]) for o in lead if o.status.status in _EXPLICIT) and any(
        o.status.status in _EXPLICIT for o in lead)


def _distinct_line(ctx: CaseContext, line: list[_Mention], lead: list[_Mention]) -> bool:
    """Is ``line`` about an object of its own: it names an exhibit, a registration, a phone
    number or a quoted name that the leading line does not."""
    own = _object_ids(ctx, line)
    if own and not (own & _object_ids(ctx, lead)):
        return True
    fa, fb = _facets(ctx, line), _facets(ctx, lead)
    if fa and fb and not (fa & fb):
        return True
    # a camera or a search at premises of another kind ("Golden Fry camera" beside the
    # school's gate camera): explicit in the line, and no premises shared with the lead
    if line[0].status.status in _EXPLICIT:
        qa = {x for m in line for x in _premises(ctx.segments[m.seg].text)}
        qb = {x for m in lead for x in _premises(ctx.segments[m.seg].text)}
        if qa and qb and not (qa & qb):
            return True
    # an explicit action about other people: "OPEN: Voluntary interview S2 BANNERMAN" is not
    # the lead "S3 'TIZ' not identified"
    if line[0].status.status in _EXPLICIT:
        pa = {x.group(0) for m in line for x in _PERSON_CODE.finditer(ctx.segments[m.seg].text)}
        if any(re.match(r"(?:IP|V|C|CYP|Child)\s?\d", c) for c in pa):
            return False  # about a child: a victim's or a witness's account, not another line
        pb = {x.group(0) for m in lead for x in _PERSON_CODE.finditer(ctx.segments[m.seg].text)}
        return bool(pa and pb) and not (pa & pb)
    return False


# Kinds of premises a camera, a search or a record belongs to: two mentions naming different
# ones are about different objects even in one town.
_PREMISES = re.compile(
    r"\b(?:garage|petrol\s+station|filling\s+station|(?:bus|train|railway|coach)\s+(?:station|interchange|stop)|"
    r"interchange|shop|store|supermarket|off[- ]licen[cs]e|takeaway|kebab|chip\s+shop|restaurant|caf[eé]|pub|bar|"
    r"club|hotel|motel|B&B|guest\s*house|arcade|park|car\s+park|school|academy|college|library|hospital|"
    r"shopping\s+(?:centre|center)|precinct|market|leisure\s+centre|cinema|flat|house|caravan|taxi\s+rank|"
    r"McDonald'?s|KFC|Costcutter|Spar|Tesco|Asda|Aldi|Lidl|Co-?op|Greggs|Shell|BP|Esso|Texaco)\b",
    re.I,
)


def _premises(text: str) -> set[str]:
    return {" ".join(m.group(0).lower().split()) for m in _PREMISES.finditer(text)}


# A heading, not a sentence: a few words after a number, or a form's section title.
_HEADING_LIKE = re.compile(
    r"^\s*(?:(?:\d+(?:\.\d+)*[.)]?|[A-Z][.)])\s+)?(?:[A-Za-z'&/-]+\s*){1,3}[.:]?\s*$|"
    r"^\s*(?:SECTION|PART|APPENDIX)\s+\w+\b[^a-z]*$")


_STATEMENT_WORD = re.compile(r"\b(?:MG11|statement|witness)\b", re.I)


def _roles_in(ctx: CaseContext, seg: int) -> set[str | None]:
    """The roles of the people segment ``seg`` names (read once per case, cached)."""
    if "roles_by_seg" not in ctx.cache:
        by_seg: dict[int, set[str | None]] = {}
        for p in find_people(ctx):
            for mm in p.mentions:
                by_seg.setdefault(mm.seg, set()).add(p.role)
        ctx.cache["roles_by_seg"] = by_seg
    roles: dict[int, set[str | None]] = ctx.cache["roles_by_seg"]
    return roles.get(seg, set())


def _only_children(ctx: CaseContext, seg: int) -> bool:
    """Does segment ``seg`` name people, all of them victims (no suspect, no one else)?"""
    return _roles_in(ctx, seg) == {"victim"}


def _names_witness_not_suspect(ctx: CaseContext, seg: int) -> bool:
    """Is segment ``seg`` about a witness's statement, naming a witness and no suspect ("Trace
    and obtain MG11 from Ellie WARBRICK": a witness to trace, not a suspect)?"""
    roles = _roles_in(ctx, seg)
    return "witness" in roles and "suspect" not in roles and _STATEMENT_WORD.search(ctx.segments[seg].text) is not None


def _opens_item(ctx: CaseContext, seg: Segment) -> bool:
    """Does the segment open a line that is an item of its own (numbered, a row, an entry)?
    It may start after the item's own marker ("2. ", "- ", "(b) ")."""
    return opens_unit(ctx.page_text(seg.document, seg.page), seg.start, marker=5)


def _word_df(ctx: CaseContext) -> dict[str, int]:
    """In how many segments of the case each content word occurs (cached on the context)."""
    if "word_df" not in ctx.cache:
        df: dict[str, int] = {}
        for seg in ctx.segments:
            for w in _content_words(seg.text):
                df[w] = df.get(w, 0) + 1
        ctx.cache["word_df"] = df
    out: dict[str, int] = ctx.cache["word_df"]
    return out


def _content_words(text: str) -> set[str]:
    return {t for t in tokens(text) if len(t) > 2 and t not in _STOP and not t.isdigit()}


class UnfollowedInquiryDetector(Detector):
    name = "unfollowed_inquiry"
    version = "0.3.0"
    type = "unfollowed_inquiry"

    # How many segments may be embedded to link mentions (keeps 200-page bundles fast).
    embed_budget = 64
    done_cos = 0.72

    def warm_up(self) -> None:
        kind_rules()

    # -- step 1: mentions ------------------------------------------------------------------
    def _mentions(self, ctx: CaseContext) -> list[_Mention]:
        rules = kind_rules()
        legend = case_legend(ctx)
        out: list[_Mention] = []
        prev_kinds: list[tuple[str, int, int]] = []
        prev_key: tuple[str, int] | None = None
        for i, seg in enumerate(ctx.segments):
            text = seg.text
            if len(text) < 12 or len(tokens(text)) < 3:
                continue
            if legend.is_key(text) or len(_GLOSSARY_DEF.findall(text)) >= 3 or _KEY_HEAD.match(text):
                # the file's key to its codes ("TCC teledu cylch cyfyng/CCTV", "CYP = child/young
                # person  SOI = subject of interest  PoI = person of interest") raises nothing
                continue
            found = kinds_in(text)
            seen_kinds = {k for k, _, _ in found}
            # codes of the file's own key ("TCC" for CCTV in a Welsh force's log)
            found += [k for k in legend.kinds_at(text) if k[0] not in seen_kinds]
            key = (seg.document, seg.page)
            if prev_kinds and prev_key == key and _ANAPHORA.search(text):
                # "The request was drafted but not sent." / "No enquiries were made to identify
                # them.": the sentence carries on the line of inquiry of the one before it.
                specific = [k for k in found if k[0] not in _GENERIC_KINDS or not _GENERIC_TRIGGER.search(
                    text[k[1]:k[2]])]
                found = [(k, -1, -1) for k, _, _ in prev_kinds] + [k for k in specific
                                                                  if k[0] not in {p[0] for p in prev_kinds}]
            if any(k[0] == "suspect" for k in found) and _DRIVER.search(text) and (
                    _TAXI.search(text) or (i > 0 and (ctx.segments[i - 1].document, ctx.segments[i - 1].page) == key
                                           and _TAXI.search(ctx.segments[i - 1].text))):
                found = [("witness", a, b) if k == "suspect" else (k, a, b) for k, a, b in found]
                found = list({k[0]: k for k in reversed(found)}.values())[::-1]
            prev_kinds = [k for k in found if k[1] >= 0] or (prev_kinds if found else [])
            if found and all(k[1] < 0 for k in found):
                prev_kinds = [(k, 0, 0) for k, _, _ in found]
            prev_key = key
            first_new = len(out)
            for kind, a, b in found:
                if a < 0:
                    a, b = 0, min(len(text), 1)
                ca, cb = _clause_around(text, a, b)
                clause = text[ca:cb]
                st = classify(clause, rules[kind].done_rx)
                if st.status == "done_weak" and (ca, cb) != (0, len(text)):
                    # "seized DQ/5 on arrest but handed back to him": a later clause undoes it
                    whole = classify(text, rules[kind].done_rx)
                    if whole.status == "not_done":
                        st = whole
                if st.status == "mention" and (ca, cb) != (0, len(text)):
                    whole = classify(text, rules[kind].done_rx)
                    if whole.status not in ("done", "done_weak"):
                        st = whole
                    else:
                        st = StatusCue(st.status, st.start, st.end, st.cue)
                else:
                    st = StatusCue(st.status, st.start + ca if st.start >= 0 else -1,
                                   st.end + ca if st.end >= 0 else -1, st.cue)
                if st.status == "mention":
                    # a status code of the file's own key at the head of the entry ("GW07 AG")
                    coded = legend.status_at(text)
                    if coded is not None:
                        st = StatusCue(coded[0], coded[1], coded[2], coded[3])  # type: ignore[arg-type]
                if st.status == "mention":
                    heading = _raising_heading(ctx, seg)
                    if heading is not None:
                        st = StatusCue("pending", -1, -1, heading)
                if st.status in ("mention", "pending"):
                    trail = self._trailing_status(ctx, i, rules[kind].done_rx)
                    if trail is not None and (trail.status != "pending" or st.status == "mention"):
                        st = StatusCue(trail.status, -1, -1, trail.cue)
                if st.status == "mention" and _HEADING_LIKE.match(text):
                    continue  # "3.6 Other children.", "SECTION 2 - OTHER CHILDREN": a heading
                out.append(_Mention(i, kind, (a, b), st, _distinct_terms(text, lower_words(ctx)), _content_words(text)))
            self._own_cues(out[first_new:], text)
        return out

    @staticmethod
    def _own_cues(ms: list[_Mention], text: str) -> None:
        """One "not done" cue belongs to the sentence's topic, the inquiry named first before
        it: in "AP6 (bedding from flat 6): seized under s.18, in the store, not submitted to
        the lab" the forensic submission was not made, while the search was. Another kind of
        the sentence loses the cue only when, without it, the sentence records it done."""
        rules = kind_rules()
        by_cue: dict[int, list[_Mention]] = {}
        for m in ms:
            if m.status.status == "not_done" and m.status.start >= 0 and m.trig[0] >= 0:
                by_cue.setdefault(m.status.start, []).append(m)
        for cue_start, group in by_cue.items():
            if len(group) < 2:
                continue
            cue_end = group[0].status.end
            # The sentence's topic (the inquiry named first, before the cue) owns the cue:
            # "AP3 (SUB1 handset): seized ..., handed back to him when bailed"; with none before
            # it, the one named nearest after it.
            before = [m for m in group if m.trig[1] <= cue_start]
            owner = min(before or group, key=lambda m: m.trig[0])
            blanked = text[:cue_start] + " " * (cue_end - cue_start) + text[cue_end:]
            for m in group:
                if m is owner:
                    continue
                ca, cb = _clause_around(blanked, *m.trig)
                st = classify(blanked[ca:cb], rules[m.kind].done_rx)
                if st.status not in ("done", "done_weak"):
                    continue  # "Seize staff rota; TIE other staff - Not actioned": both left undone
                m.status = StatusCue(st.status, st.start + ca if st.start >= 0 else -1,
                                     st.end + ca if st.end >= 0 else -1, st.cue)

    @staticmethod
    def _trailing_status(ctx: CaseContext, i: int, done_rx: re.Pattern[str]) -> StatusCue | None:
        """The status written after a row's description on the same line, which the
        segmenter cut into sentences of its own: "PNC/ANPR on the Astra (AP8). Not started.
        OPEN." The next one or two segments count when no line break comes between and they
        raise no inquiry of their own."""
        segs = ctx.segments
        seg = segs[i]
        page = ctx.page_text(seg.document, seg.page)
        end = seg.end
        texts: list[str] = []
        for j in (i + 1, i + 2):
            if j >= len(segs) or (segs[j].document, segs[j].page) != (seg.document, seg.page):
                break
            nxt = segs[j]
            # a status alone on the next line ("Premises closed at time of H2H.\nRevisit.":
            # a wrapped table cell) still belongs to the row
            wrapped = "\n" in page[end:nxt.start] and not (len(tokens(nxt.text)) <= 3 and "\n" not in nxt.text)
            if wrapped or len(tokens(nxt.text)) > 14 or any(
                    k != "other" for k, _, _ in kinds_in(nxt.text)):
                break
            texts.append(nxt.text)
            end = nxt.end
        if not texts:
            return None
        st = classify(" ".join(texts), done_rx)
        return st if st.status != "mention" else None

    # -- step 2: linking -------------------------------------------------------------------
    def _vectors(self, ctx: CaseContext, ms: list[_Mention]) -> dict[int, np.ndarray]:
        """Embed only what linking needs: results, and open mentions that are not explicit
        "not done" (those are answered only by a result about the same object), for kinds
        that have both; most pressing first, within the budget."""
        kinds_done = {m.kind for m in ms if m.status.status == "done"}
        rank: dict[int, int] = {}
        for m in ms:
            if m.kind not in kinds_done or m.status.status in ("not_done", "done_weak"):
                continue
            r = _RANK[m.status.status]
            rank[m.seg] = min(r, rank.get(m.seg, r))
        segs = sorted(rank, key=lambda i: (rank[i], i))[: self.embed_budget]
        if not segs:
            return {}
        try:
            from assistant.nlp.models import get_embedder

            vecs = get_embedder().encode([ctx.segments[i].text for i in segs])
        except Exception:  # no embedder: link by shared terms only
            return {}
        return {i: vecs[k] for k, i in enumerate(segs)}

    def _answered(self, opens: list[_Mention], dones: list[_Mention],
                  vec: dict[int, np.ndarray]) -> list[bool]:
        """For each open mention: is a linked result on file? (see ``detect``)"""
        by_term: dict[str, list[int]] = {}
        for j, d in enumerate(dones):
            for t in d.distinct:
                if self._term_df.get(t, 0) > RARE_TERM and not _object_term(t):
                    continue  # "Wrenham" (the town) does not make two cameras one
                by_term.setdefault(t, []).append(j)
        done_segs = {d.seg for d in dones}
        dv = [j for j, d in enumerate(dones) if d.seg in vec]
        dmat = np.stack([vec[dones[j].seg] for j in dv]) if dv else None
        small = len(dones) <= 150
        out = []
        for o in opens:
            if o.seg in done_segs:
                out.append(True)
                continue
            if any(_facets_agree(o.kind, self._seg_text[o.seg], self._seg_text[dones[j].seg])
                   and self._same_object(o, dones[j])
                   for t in o.distinct for j in by_term.get(t, ())):
                out.append(True)
                continue
            if o.status.status == "not_done":
                out.append(False)  # only a result about the same object answers "not done"
                continue
            # By meaning or shared words, a result answers a mention only when nothing says
            # they are about different objects ("Person B to be interviewed" is not answered by
            # "Person A interviewed, no comment").
            fits = [self._same_object(o, d) for d in dones]
            if dmat is not None and o.seg in vec:
                sims = dmat @ vec[o.seg]
                if any(float(sims[k]) >= self.done_cos and fits[dv[k]] for k in range(len(dv))):
                    out.append(True)
                    continue
            if small:
                out.append(any(fits[j] and o.content and d.content and
                               len(o.content & d.content) / len(o.content | d.content) >= 0.45
                               for j, d in enumerate(dones)))
                continue
            out.append(False)
        return out

    def _same_object(self, o: _Mention, d: _Mention) -> bool:
        """False when the two mentions name different objects of their kind: each names a
        person code, a quoted name, an exhibit, a phone or a registration, and none is shared;
        or each names a kind of premises and none is shared ("Shell garage Wrenham Rd CCTV" is
        not answered by "Wrenham bus interchange CCTV viewed")."""
        a, b = self._objects(o), self._objects(d)
        if a and b and not (a & b):
            return False
        pa, pb = self._premises_of(o.seg), self._premises_of(d.seg)
        return not (pa and pb) or bool(pa & pb)

    def _premises_of(self, seg: int) -> set[str]:
        """The premises a segment names, read once per segment (pairs of mentions ask often)."""
        if seg not in self._seg_premises:
            self._seg_premises[seg] = _premises(self._seg_text[seg])
        return self._seg_premises[seg]

    def _objects(self, m: _Mention) -> set[str]:
        text = self._seg_text[m.seg]
        return {re.sub(r"\W", "", x.group(0)).upper() for x in _OBJECT_ID.finditer(text)} | {
            x.group(0).upper() for x in _PERSON_CODE.finditer(text)}

    # -- step 3: suggestions ---------------------------------------------------------------
    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        self._seg_text = [s.text for s in ctx.segments]
        self._seg_premises: dict[int, set[str]] = {}
        ms = self._mentions(ctx)
        for m in ms:
            if m.kind == "suspect" and m.status.status in _EXPLICIT and _IDENTIFY_SUSPECT.search(
                    self._seg_text[m.seg]) and _only_children(ctx, m.seg):
                # "Shannon has not been identified": the person named there is another child
                # (the case's person list), so the line is about other victims, not a suspect
                m.kind = "other_victims"
        self._term_df: dict[str, int] = {}
        for i in {m.seg for m in ms}:
            for t in _distinct_terms(self._seg_text[i], lower_words(ctx)):
                self._term_df[t] = self._term_df.get(t, 0) + 1
        if not ms:
            return []
        vec = self._vectors(ctx, ms)
        out: list[Suggestion] = []
        for kind in KINDS_ORDER:
            opens = self._open_mentions(ctx, kind, [m for m in ms if m.kind == kind], vec)
            if opens:
                out.extend(self._kind_suggestions(ctx, kind, opens))
        return _drop_shadowed(out)

    def _open_mentions(self, ctx: CaseContext, kind: str, km: list[_Mention],
                       vec: dict[int, np.ndarray]) -> list[_Mention]:
        """The mentions of one kind that no linked result answers. A mention is answered by a
        linked result elsewhere (same exhibit, place, person or close meaning); an explicit
        "not done" only by a result that shares a distinctive term with it (the same object)."""
        dones = [m for m in km if m.status.status == "done"]
        cands = [o for o in km if o.status.status not in ("done", "done_weak")]
        opens = [o for o, ans in zip(cands, self._answered(cands, dones, vec), strict=True) if not ans]
        if kind == "witness" and opens:
            # A named witness without a statement is a missing interview; the witness line
            # of inquiry is tracing people not yet named (neighbours, staff, a driver).
            named = _named_witness_segments(ctx)
            opens = [m for m in opens if m.seg not in named]
        if kind == "suspect":
            # a named suspect not interviewed is a missing interview instead: the suspect line
            # of inquiry is identifying and tracing them, or an arrest or interview raised as an
            # action and left undone (both a line of inquiry and a missing interview)
            opens = [m for m in opens if (_IDENTIFY_SUSPECT.search(ctx.segments[m.seg].text) or (
                m.status.status in ("pending", "not_done") and _SUSPECT_ACTION.search(ctx.segments[m.seg].text)))
                and not _names_witness_not_suspect(ctx, m.seg)]
        return opens

    def _kind_suggestions(self, ctx: CaseContext, kind: str, opens: list[_Mention]) -> list[Suggestion]:
        """The open mentions of one kind split into lines by their object (the same exhibit,
        phone number, registration, nickname or a rare name links them); each line is one
        suggestion, citing the places that raise it or leave it open. Lines after the strongest
        of a kind are less certain (one object can be written in ways that share no term), so
        they rank lower and at most MAX_LINES are kept."""
        rules = kind_rules()
        lines = []
        for line in _split_lines(ctx, opens):
            conf, why = self._confidence(ctx, kind, line)
            if conf is not None:
                lines.append((conf, line, why))
        lines = self._drop_resulted(ctx, lines)
        lines.sort(key=lambda t: (-t[0], t[1][0].seg))
        if not lines:
            return []
        # The strongest line leads and also cites the kind's other open places (a reviewer
        # sees every place the kind is left open); another line becomes a suggestion of its
        # own only when it is about a distinct object and plainly left undone.
        conf, line, why = lines[0]
        # A lead joined from a record print's consecutive fields can hold several objects and
        # bare mentions: a line is its own when it differs from the lead's explicit entries
        # (its head: what the file says is left undone).
        head = [m for m in line if m.status.status in _EXPLICIT] or line[:1]
        # a second or gifted phone beside the handset of the lead is a line even when only an
        # account names it (measured: allowing every bare line of another facet added as many
        # false alarms as findings)
        fl = _facets(ctx, line)
        extra = [t for t in lines[1:] if (t[0] >= 0.6 or "second_phone" in _facets(ctx, t[1]) - fl)
                 and (_distinct_line(ctx, t[1], head) or _separate_line(ctx, t[1], line))][: MAX_LINES - 1]
        rest = [m for t in lines[1:] if not any(t is e for e in extra) for m in t[1]]
        out = [self._suggest(ctx, rules[kind], line + rest, conf, {**why, "line_rank": 0})]
        for rank, (conf, line, why) in enumerate(extra, start=1):
            out.append(self._suggest(ctx, rules[kind], line, clamp(conf - LINE_PENALTY * rank),
                                     {**why, "line_rank": rank}))
        return out

    def _drop_resulted(
        self, ctx: CaseContext, lines: list[tuple[float, list[_Mention], dict[str, Any]]]
    ) -> list[tuple[float, list[_Mention], dict[str, Any]]]:
        """Lines raised only by a bare mention are read by the fine-tuned action-status
        classifier (models/clause_classifiers/action_status): where it is confident the
        sentence records a result ("checked, no cameras at the address"), the line is dropped.
        Explicit "not done" and "requested/awaiting" lines are never dropped by it."""
        bare = [k for k, (_, line, _) in enumerate(lines) if all(m.status.status == "mention" for m in line)]
        if not bare:
            return lines
        texts = [ctx.segments[lines[k][1][0].seg].text for k in bare]
        got = action_result_probs(texts)
        if got is None:
            return lines
        probs, version = got
        # An account of evidence ("she says he pays her phone contract") states a fact, not an
        # action with its result: the classifier, trained on action records, does not judge it.
        drop = {k for k, p, t in zip(bare, probs, texts, strict=True) if p >= RESULT_PROB and not _ACCOUNT.search(t)}
        for k, p in zip(bare, probs, strict=True):
            lines[k][2]["action_status"] = {"p_result": round(p, 3), "model": version}
        return [t for k, t in enumerate(lines) if k not in drop]

    def _confidence(
        self, ctx: CaseContext, kind: str, line: list[_Mention]
    ) -> tuple[float | None, dict[str, Any]]:
        statuses = {m.status.status for m in line}
        texts = [ctx.segments[m.seg].text for m in line]
        why: dict[str, Any] = {"statuses": sorted(statuses)}
        if "not_done" in statuses:
            conf = 0.8
        elif "pending" in statuses:
            raised = any(RAISE.search(t) for t in texts)
            conf = 0.62 if raised else 0.5
        else:
            # Evidence "plainly available" but never actioned: other children named, a phone,
            # an account or a camera described. Other kinds need a raised action to count
            # (measured on the training split: bare mentions of the rest were mostly noise).
            if kind == "witness" and any(_POSSIBLE_WITNESS.search(t) for t in texts):
                conf = 0.4  # "a lad in the kebab van over the road, he might have seen it"
            elif kind not in _BARE_KINDS:
                return None, why
            elif not any(AVAILABLE.search(t) for t in texts):
                return None, why
            else:
                conf = 0.4
        docs = {ctx.segments[m.seg].document for m in line}
        if len(docs) > 1:
            conf += 0.05
        if any(re.search(r"\b(?:CPS|SIO|action\s+plan|advice|advised)\b", t) for t in texts):
            conf += 0.04
        why["documents"] = len(docs)
        return clamp(conf), why

    def _suggest(
        self, ctx: CaseContext, r: _KindRules, line: list[_Mention], conf: float, why: dict[str, Any]
    ) -> Suggestion:
        order = {"not_done": 0, "pending": 1, "mention": 2, "done_weak": 3, "done": 3}
        line = sorted(line, key=lambda m: (order[m.status.status], m.seg))
        cites = []
        seen: set[tuple[str, int, int, int]] = set()
        for m in line[:MAX_CITES]:
            seg = ctx.segments[m.seg]
            # the quote keeps the words that leave the line open, else the words that raise it
            cue = m.status.start >= 0 and m.status.end <= len(seg.text)
            focus = (m.status.start, m.status.end) if cue else m.trig
            c = cite_segment(ctx, seg, (seg.start + focus[0], seg.start + focus[1]), tight=True, extend_next=True)
            key = (c.document, c.page, c.start, c.end)
            if key not in seen:
                seen.add(key)
                cites.append(c)
        lead = line[0]
        lead_text = " ".join(ctx.segments[lead.seg].text.split())
        short = lead_text if len(lead_text) <= 90 else lead_text[:87] + "..."
        state = {
            "not_done": "recorded as not done",
            "pending": "left open (requested/awaiting, no result)",
            "mention": "available but never actioned",
        }[lead.status.status]
        places = ", ".join(sorted({f"{c.document} p.{c.page}" for c in cites}))
        rationale = (
            f"{r.label}: this line of inquiry is {state}"
            + (f" (\"{lead.status.cue}\")" if lead.status.cue else "")
            + f". It appears in {places}, and no document in the case records its result. "
            f"A result would need: {r.action}."
        )
        return Suggestion(
            type="unfollowed_inquiry",
            kind=r.kind,
            title=f"{r.label}: {short}",
            rationale=rationale,
            confidence=conf,
            citations=cites,
            detector=self.name,
            detector_version=self.version,
            explanation={"status_cue": lead.status.cue, **why},
        )
