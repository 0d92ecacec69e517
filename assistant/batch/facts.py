"""What the national review needs recorded from each case, and the identifiers that may link cases.

Everything here is copied from the file with a citation, never inferred: a person's date of
birth is taken only where a DOB cue ("DOB", "born", "D.O.B.") sits next to their name;
ethnicity only where the file records it next to their name ("Ethnicity: ...", "SDE ...",
an officer-defined "IC1" code), else left blank. Offences, key dates (report, arrest, NFA) and
the outcome code come from the sentences that state them.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date
from typing import Any

from assistant.nlp.context import CaseContext
from assistant.nlp.entities import PHONE, VRM, find_dates
from assistant.types import Citation, Segment

_DOB = re.compile(r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?|b\.)\s*[:\-]?\s*$", re.I)
# What may sit between a name and its date of birth in a nominal list: an alias, a role label.
_ALIAS_LEAD = re.compile(r"\b(?:AKA|a\.k\.a\.?|known\s+as)\s+[\"\u201c'][^\"\u201d'\n]{1,30}[\"\u201d']|"
                         r"\((?:IP|V|S|SUSP|W|N)\d{1,2}\)", re.I)
_ETHNICITY = re.compile(
    r"\b(?:(?:self[- ]defined\s+)?ethnicity|ethnic\s+(?:origin|group|appearance)|SDE(?:\s*16\+1)?)\s*[:\-]?\s*"
    r"(?P<v>[A-Za-z0-9][A-Za-z0-9 /+\-]{0,40}?)(?=\s*(?:[,;.|()\n]|\s{2,}|$))"
    r"|\b(?P<ic>IC\s?[1-69])\b",
    re.I,
)
_OFFENCE = re.compile(
    r"\brape(?:\s+of\s+a\s+(?:child|female|male)(?:\s+(?:under|aged)\s+\d+(?:\s*-\s*\d+)?)?)?\b|"
    r"\bassault\s+by\s+penetration\b|\bsexual\s+assault(?:\s+of\s+a\s+child)?\b|\bsexually\s+assault\w*|"
    r"\bsexual\s+activity\s+with\s+a\s+child\b|\bcausing\s+or\s+inciting\s+a\s+child[\w\s]{0,40}?sexual\s+activity\b|"
    r"\bmeeting\s+a\s+child\s+following\s+(?:sexual\s+)?grooming\b|\bchild\s+abduction\b|"
    r"\b(?:trafficking|arranging\s+or\s+facilitating)[\w\s]{0,30}?(?:exploitation|child\s+sex\s+offence)\b|"
    r"\bindecent\s+(?:assault|images?)\b|\bs\.?\s?\d{1,2}\s+SOA(?:\s+2003)?\b",
    re.I,
)
_REPORTED = re.compile(r"\b(?:recorded|reported|report\s+received|crime\s+recorded|date\s+reported|first\s+report)\b",
                       re.I)
_ARREST = re.compile(r"\barrest(?:ed)?\b", re.I)
_NFA = re.compile(r"\bNFA\b|\bno\s+further\s+action\b|\bfinalised\b|\bfiled\b", re.I)
_OUTCOME = re.compile(r"\b(?:HO\s+|home\s+office\s+)?outcome\s*(?:code\s*)?(?:[:\-]\s*)?(?P<code>1[4-8]|2[01])\b|"
                      r"\bOC\s?(?P<code2>1[4-8]|2[01])\b", re.I)
# As printed: "Calderbrook Police", "FELLBRIDGE CONSTABULARY" (not "single agency police").
_FORCE = re.compile(r"\b(?P<name>[A-Z][A-Za-z]+(?:[ \-][A-Z][A-Za-z]+)?)\s+(?P<kind>Police|POLICE|Constabulary|"
                    r"CONSTABULARY)\b")
_NOT_FORCE = {"the", "to", "by", "with", "from", "on", "want", "wants", "local", "british", "transport",
              "and", "of", "for", "our", "your", "their", "his", "her", "other", "a", "an", "military"}

# Columns of data_return.csv, in order (each value column has a citation column after it).
DATA_RETURN_COLUMNS = [
    "case", "force", "person", "role", "aliases", "dob", "dob_citation", "ethnicity", "ethnicity_citation",
    "offences", "offences_citation", "report_date", "report_date_citation", "arrest_date",
    "arrest_date_citation", "nfa_date", "nfa_date_citation", "outcome_code", "outcome_code_citation",
]


def _cite(seg: Segment, a: int, b: int) -> Citation:
    return Citation(seg.document, seg.page, seg.start + a, seg.start + b, seg.text[a:b])


def cite_text(c: Citation | None) -> str:
    """A citation as one readable cell: ``doc p.N: "quote"``."""
    if c is None:
        return ""
    q = " ".join(c.quote.split())
    if len(q) > 140:
        q = q[:137] + "..."
    return f'{c.document} p.{c.page} [{c.start}-{c.end}]: "{q}"'


def force_of(ctx: CaseContext) -> tuple[str, Citation | None]:
    """The police force the file names most often (title case), with its first mention."""
    counts: Counter[str] = Counter()
    first: dict[str, Citation] = {}
    for s in ctx.segments:
        for m in _FORCE.finditer(s.text):
            words = m.group("name").split()
            if words[0].lower() in _NOT_FORCE or (len(words) > 1 and words[1].lower() in _NOT_FORCE):
                words = [w for w in words if w.lower() not in _NOT_FORCE]
            if not words or words[-1].lower() in _NOT_FORCE:
                continue
            name = " ".join(w.capitalize() for w in words[-2:]) + " " + m.group("kind").capitalize()
            counts[name] += 1
            first.setdefault(name, _cite(s, m.start(), m.end()))
    if not counts:
        return "", None
    best = max(sorted(counts), key=lambda n: counts[n])
    return best, first[best]


def _first(ctx: CaseContext, rx: re.Pattern[str], segs: list[int] | None = None) -> tuple[str, Citation] | None:
    for i in segs if segs is not None else range(len(ctx.segments)):
        s = ctx.segments[i]
        m = rx.search(s.text)
        if m:
            return m.group(0), _cite(s, m.start(), m.end())
    return None


def _dated(ctx: CaseContext, cue: re.Pattern[str], segs: list[int] | None = None,
           pick: str = "first") -> tuple[date, Citation] | None:
    """A date written in a segment that has ``cue`` (the earliest, or the latest)."""
    found: list[tuple[date, Citation]] = []
    for i in segs if segs is not None else range(len(ctx.segments)):
        s = ctx.segments[i]
        if not cue.search(s.text):
            continue
        for a, b, d in find_dates(s.text):
            if _DOB.search(s.text[max(0, a - 16):a]):
                continue  # a date of birth, not the event
            found.append((d, _cite(s, a, b)))
    if not found:
        return None
    found.sort(key=lambda x: x[0])
    return found[0] if pick == "first" else found[-1]


def case_facts(ctx: CaseContext) -> dict[str, Any]:
    """Case-level facts with citations: force, offences, report date, NFA date, outcome code."""
    force, force_cite = force_of(ctx)
    offences: list[str] = []
    off_cite: Citation | None = None
    for s in ctx.segments:
        for m in _OFFENCE.finditer(s.text):
            o = " ".join(m.group(0).split())
            if o.lower() not in (x.lower() for x in offences):
                offences.append(o)
                off_cite = off_cite or _cite(s, m.start(), m.end())
    report = _dated(ctx, _REPORTED)
    nfa = _dated(ctx, _NFA, pick="last")
    outcome: tuple[str, Citation] | None = None
    for s in ctx.segments:
        om = _OUTCOME.search(s.text)
        if om:
            outcome = (om.group("code") or om.group("code2"), _cite(s, om.start(), om.end()))
            break
    return {
        "force": force,
        "force_citation": force_cite,
        "offences": offences[:8],
        "offences_citation": off_cite,
        "report_date": report,
        "nfa": nfa,
        "outcome": outcome,
    }


def _dob(ctx: CaseContext, person: Any) -> tuple[str, Citation] | None:
    for m in person.mentions:
        s = ctx.segments[m.seg]
        a = m.end - s.start
        for da, db, d in find_dates(s.text[a:a + 60]):
            lead = _ALIAS_LEAD.sub(" ", s.text[a:a + da])
            if _DOB.search(lead) or re.fullmatch(r"[\s,(|:]*", lead):
                if d.year > 1900 and d <= date.today():
                    return d.isoformat(), _cite(s, a + da, a + db)
    return None


def _ethnicity(ctx: CaseContext, person: Any) -> tuple[str, Citation] | None:
    for m in person.mentions:
        s = ctx.segments[m.seg]
        a = m.end - s.start
        window = s.text[a:a + 120]
        # only what is recorded for this person: stop at the next line of a nominal list
        cut = window.find("\n")
        if cut > 0:
            window = window[:cut]
        e = _ETHNICITY.search(window)
        if e:
            value = (e.group("v") or e.group("ic") or "").strip()
            if value:
                return value, _cite(s, a + e.start(), a + e.end())
    return None


def people_rows(ctx: CaseContext, facts: dict[str, Any]) -> list[dict[str, str]]:
    """``data_return.csv`` rows of one case: one per suspect and complainant."""
    from assistant.nlp.people import find_people
    from assistant.screening import firm_role

    rows: list[dict[str, str]] = []
    nfa = facts["nfa"]
    report = facts["report_date"]
    outcome = facts["outcome"]
    for p in find_people(ctx):
        role = p.role
        if role not in ("suspect", "victim") or not firm_role(p, role):
            continue
        segs = sorted({m.seg for m in p.mentions})
        dob = _dob(ctx, p)
        eth = _ethnicity(ctx, p)
        offences: list[str] = []
        off_cite: Citation | None = None
        for i in segs:
            s = ctx.segments[i]
            for m in _OFFENCE.finditer(s.text):
                o = " ".join(m.group(0).split())
                if o.lower() not in (x.lower() for x in offences):
                    offences.append(o)
                    off_cite = off_cite or _cite(s, m.start(), m.end())
        if not offences and facts["offences"]:
            offences = list(facts["offences"])  # the case's offences, cited where first named
            off_cite = facts["offences_citation"]
        arrest = _dated(ctx, _ARREST, segs) if role == "suspect" else None
        rows.append({
            "person": p.display,
            "role": "suspect" if role == "suspect" else "complainant",
            "aliases": "; ".join(p.aliases()),
            "dob": dob[0] if dob else "",
            "dob_citation": cite_text(dob[1]) if dob else "",
            "ethnicity": eth[0] if eth else "",
            "ethnicity_citation": cite_text(eth[1]) if eth else "",
            "offences": "; ".join(offences),
            "offences_citation": cite_text(off_cite),
            "report_date": report[0].isoformat() if report else "",
            "report_date_citation": cite_text(report[1]) if report else "",
            "arrest_date": arrest[0].isoformat() if arrest else "",
            "arrest_date_citation": cite_text(arrest[1]) if arrest else "",
            "nfa_date": nfa[0].isoformat() if nfa else "",
            "nfa_date_citation": cite_text(nfa[1]) if nfa else "",
            "outcome_code": outcome[0] if outcome else "",
            "outcome_code_citation": cite_text(outcome[1]) if outcome else "",
        })
    rows.sort(key=lambda r: (r["role"] != "suspect", r["person"].lower()))
    return rows


def _norm_name(name: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", name.lower()).split())


def identifiers(ctx: CaseContext, rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    """What may link this referral to another: phone numbers, vehicle registrations, and each
    suspect's name and aliases with a date of birth. Each with its citations in this case."""
    out: dict[tuple[str, str], dict[str, Any]] = {}

    def add(kind: str, value: str, shown: str, cite: Citation, context: str = "") -> None:
        item = out.setdefault((kind, value), {"kind": kind, "value": value, "shown": shown, "citations": [],
                                              "context": context})
        if len(item["citations"]) < 3:
            item["citations"].append(cite.to_dict())
        if context and not item["context"]:
            item["context"] = context

    for s in ctx.segments:
        for m in PHONE.finditer(s.text):
            digits = re.sub(r"\D", "", m.group(0))
            if digits.startswith("44"):
                digits = "0" + digits[2:]
            add("phone", digits, m.group(0), _cite(s, m.start(), m.end()), _context(s))
        for m in VRM.finditer(s.text):
            v = m.group(0).replace(" ", "")
            # A full current-format mark only (AB12CDE): partial and old marks match too much.
            if re.fullmatch(r"[A-Z]{2}\d{2}[A-Z]{3}", v):
                add("vehicle", v, m.group(0), _cite(s, m.start(), m.end()), _context(s))
    for r in rows:
        if r["role"] != "suspect" or not r["dob"]:
            continue
        dob_cite = _parse_cite(r["dob_citation"], ctx)
        if dob_cite is None:
            continue
        names = [r["person"]] + [a for a in r["aliases"].split("; ") if a and not re.fullmatch(r"[A-Z]+\d+", a)]
        for n in names:
            key = f"{_norm_name(n)}|{r['dob']}"
            if _norm_name(n):
                add("suspect", key, f"{n} (DOB {r['dob']})", dob_cite, r["person"])
    return sorted(out.values(), key=lambda x: (x["kind"], x["value"]))


def _context(s: Segment) -> str:
    t = " ".join(s.text.split())
    return t if len(t) <= 160 else t[:157] + "..."


def _parse_cite(text: str, ctx: CaseContext) -> Citation | None:
    m = re.match(r"(?P<doc>.+) p\.(?P<page>\d+) \[(?P<a>\d+)-(?P<b>\d+)\]", text)
    if not m:
        return None
    doc, page, a, b = m.group("doc"), int(m.group("page")), int(m.group("a")), int(m.group("b"))
    try:
        return Citation(doc, page, a, b, ctx.page_text(doc, page)[a:b])
    except (KeyError, IndexError):
        return None
