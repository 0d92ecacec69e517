"""Role labels and role codes: "IP1", "S 2", "W3", "Suspect 2", and the codes a file defines
for itself in its person lists and legends ("SUB1 | Kyle DARNELL | Suspect", "VIC | Victim")."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from assistant.nlp.rules import rx as rule_rx

_BASE_CODES = {"victim": ("IP", "PV", "V", "VIC", "CYP", "C"), "suspect": ("S", r"\$", "SUS", "SUSP", "SU", "N", "NOM"),
               "witness": ("W", "WIT")}
_LONG_LABEL = (
    r"|\b(?P<long>[Vv]ictim|VICTIM|[Cc]omplainant|COMPLAINANT|[Ii]njured [Pp]arty|[Ss]uspect|SUSPECT|"
    r"[Nn]ominal|NOMINAL|[Ww]itness|WITNESS|[Oo]ffender|OFFENDER)\s(?:[Nn]o\.?\s?)?(?P<n2>\d{1,2}|[A-D])\b"
)
# Sections of the Children Act 1989 written as codes ("S47 agreed", "S17 assessment"): not the
# 47th or 17th suspect.
_CHILDREN_ACT = (r"(?!S\s?47\b|S\s?(?:17|20|31)\b\s*(?:agreed|enquir|strateg|investigat|threshold|assessment|"
                 r"plan|meeting|referral|criteria|conference|decision|CIN|CP\b|child))")
# The role each group of a role-label match names.
_GROUP_ROLE = {"s": "suspect", "v": "victim", "w": "witness"}
LONG_ROLE: dict[str, str] = {
    "victim": "victim", "complainant": "victim", "injured party": "victim",
    "suspect": "suspect", "nominal": "suspect", "offender": "suspect", "witness": "witness",
}


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
    return re.compile(r"(?<![\w'\u2019])" + _CHILDREN_ACT + r"(?:" + "|".join(groups) + r")\s?-?(?P<n>\d{1,2})\b"
                      + _LONG_LABEL)


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
    "SOA PACE AB JS PNC PND CR CRIS CC LOG ENTRY ITEM PAGE P PG PARA TASK LOI LOE OR MSG TIU FSR OP Q "
    "A B D E F G H".split()
)
# A code that numbers an offence, not a person: a line that opens with it and an offence's title
# ("OFF3 SEXUAL ACTIVITY WITH A CHILD (SOA 2003 s.9)", "O2 | Rape of a child under 13").
_OFFENCE_AFTER = re.compile(
    r"\s*[|:.\-\u2013]?\s*(?:attempt(?:ed)?\s+)?(?:rape|sexual|sex\s+with|assault|causing|inciting|"
    r"arranging|meeting\s+a\s+child|traffick|abduction|kidnap|false\s+imprisonment|indecen|grooming|"
    r"child\s+(?:abduction|sex)|SOA\b)", re.I)
# "Person B", "Male A", "Child C": a lettered label with no role in it.
LETTER_LABEL = rule_rx("people", "letter_label")

_Votes = dict[str, Counter[str]]


def learn_role_codes(texts: list[str]) -> dict[str, set[str]]:
    """Role codes a case defines for itself, read from its person lists, legends and headings:
    a code with a role word right after it on one line ("SUB1 | Kyle DARNELL | Suspect",
    "VIC2 = complainant", "NOM 1 (subject of allegation)", "Legend: C1/C2 complainants, SUB1-3
    suspects"). Codes joined by "/", "-", "&", "and" or commas share the role word after the
    last of them. A code needs two such lines, or one line that reads as a definition ("=",
    ":", "|", aligned columns), and one role clearly ahead of the others. A base code ("S",
    "W", "NOM") is redefined only when the file's own legend says so."""
    votes: _Votes = defaultdict(Counter)
    offences: set[str] = set()  # prefixes the file uses to number offences
    for text in texts:
        _vote_inline_legend(text, votes)
        for line in text.split("\n"):
            if len(line) > 200:
                continue
            legend = _LEGEND_LINE.match(line)
            if legend and legend.group("p") not in _NOT_PERSON_CODES:
                _vote_legend_line(legend, votes)
                continue
            codes = [c for c in _CODE.finditer(line) if c.group("p") not in _NOT_PERSON_CODES]
            offences.update(c.group("p") for c in codes[:1] if not line[:c.start()].strip()
                            and _OFFENCE_AFTER.match(line, c.end()))
            if not codes:
                continue
            _vote_code_runs(line, codes, votes)
            _vote_label_then_code(line, votes)
    out: dict[str, set[str]] = defaultdict(set)
    base = {code: role for role, codes in _BASE_CODES.items() for code in codes}
    for prefix, cnt in votes.items():
        from_legend = cnt.pop(_LEGEND, 0)
        if not cnt or prefix in offences and not from_legend:
            continue
        (role, n), *rest = cnt.most_common()
        if prefix in base and not from_legend:
            continue  # "V", "S", "W" keep their meaning unless the file's legend redefines them
        if n >= 2 and (not rest or n >= 3 * rest[0][1]) and base.get(prefix) != role:
            out[role].add(prefix)
    return dict(out)


# A mark in the votes that a legend (not only prose) gave the code its role.
_LEGEND = "_legend"


def _vote_legend_line(legend: re.Match[str], votes: _Votes) -> None:
    """"NOM | Nominal linked to the occurrence, not suspected": a code defined alone."""
    desc = legend.group("d")
    votes[legend.group("p")][_LEGEND] += 1
    m = _CODE_ROLE_WORD.search(desc)
    if _NOT_SUSPECTED.search(desc):
        votes[legend.group("p")]["witness"] += 2
    elif m is not None and m.start() <= (20 if legend.group("sep").strip() else 0):
        g = next(g for g in ("s", "v", "w") if m.group(g))
        votes[legend.group("p")][_GROUP_ROLE[g]] += 2


# One definition of an inline legend: "DD = dioddefwr/victim", "PA = person a amheuir/suspect".
_INLINE_DEF = re.compile(r"(?<![\w/'-])(?P<p>[A-Z]{1,5})\s?=\s?")


def _vote_inline_legend(text: str, votes: _Votes) -> None:
    """A legend of several "CODE = meaning" definitions run together, perhaps over a line
    break ("(DD = dioddefwr/victim PA = person a amheuir/suspect T =" / "tyst/witness)"):
    each code takes the role word of its own definition, up to the next code's "="."""
    defs = [m for m in _INLINE_DEF.finditer(text) if m.group("p") not in _NOT_PERSON_CODES]
    for k, m in enumerate(defs):
        near = [d for d in defs if d is not m and abs(d.start() - m.start()) <= 160]
        if not near:
            continue  # one "X = ..." alone is not a legend
        end = defs[k + 1].start() if k + 1 < len(defs) else len(text)
        desc = text[m.end():min(end, m.end() + 50)]
        desc = re.split(r"[)\]]|\n\s*\n", desc, maxsplit=1)[0]
        found = _CODE_ROLE_WORD.search(desc)
        roles = {g for g in ("s", "v", "w") if found is not None and found.group(g)}
        if len(roles) == 1:
            votes[m.group("p")][_GROUP_ROLE[roles.pop()]] += 2
            votes[m.group("p")][_LEGEND] += 1


def _vote_code_runs(line: str, codes: list[re.Match[str]], votes: _Votes) -> None:
    """Each run of codes on a line ("C1/C2", "SUB1-3") with the role word right after it."""
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
        if m is not None and re.match(r"\s*[:\-]?\s*[A-Z]{1,5}\s?-?\d{1,2}\b", head[m.end():]):
            m = None  # "V1 (15), suspect S1": the role word names the code after it, not this one
        roles = {g for g in ("s", "v", "w") if m is not None and m.group(g)}
        if len(roles) == 1:
            role = _GROUP_ROLE[roles.pop()]
            for r in run:
                votes[r.group("p")][role] += 2 if legend_words or definition and run[0].start() <= 3 else 1
                if legend_words:
                    votes[r.group("p")][_LEGEND] += 1
        run = []


def _vote_label_then_code(line: str, votes: _Votes) -> None:
    """"V1 Tia BRAMWELL (YP1)": a code beside a label the file also uses has its role."""
    for m2 in _LABEL_THEN_CODE.finditer(line):
        lab = ROLE_LABEL.match(m2.group("lab"))
        code = m2.group("code")
        if lab is not None and code not in _NOT_PERSON_CODES:
            role2 = next(r for g, r in (("v", "victim"), ("s", "suspect"), ("w", "witness"), ("long", ""))
                         if lab.group(g))
            if not role2:
                role2 = LONG_ROLE[re.sub(r"\s+", " ", lab.group("long").lower())]
            votes[code][role2] += 1


def label_weight(label: str) -> float:
    """How much a role label says about the role: an incident room's nominal number ("N7")
    is given to every person in the inquiry, suspect or witness, so it says nothing."""
    return 0.0 if re.fullmatch(r"N\d{1,3}", label) else 1.0


def norm_label(m: re.Match[str], own: frozenset[str] = frozenset()) -> tuple[str, str] | None:
    """(label, role) of a role-label match: "IP1"/"V1"/"VIC1" -> ("IP1", "victim"). A code the
    file defines for itself (``own``) keeps its own prefix ("NOM1" stays "NOM1"), so it never
    collides with another code the same file uses ("WIT1")."""
    for g, role in (("v", "victim"), ("s", "suspect"), ("w", "witness")):
        code = m.group(g)
        if code and code.upper() in own:
            return f"{code.upper()}{m.group('n')}", role
    if m.group("long"):
        role = LONG_ROLE[re.sub(r"\s+", " ", m.group("long").lower())]
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


@dataclass(frozen=True, slots=True)
class LabelHit:
    """A role label in a text: its offsets, as printed, and its normal form and role."""

    start: int
    end: int
    text: str
    label: str  # "IP1", "S2", "SUB1"
    role: str


def role_labels(text: str, role_label: re.Pattern[str] = ROLE_LABEL,
                own: frozenset[str] = frozenset()) -> list[LabelHit]:
    """Every role label of ``text`` ("IP1", "S 2", "Suspect 2", a code the file defined)."""
    out: list[LabelHit] = []
    for m in role_label.finditer(text):
        lab = norm_label(m, own)
        if lab is not None:
            out.append(LabelHit(m.start(), m.end(), m.group(0), lab[0], lab[1]))
    return out
