"""The review's scope as a checklist of criteria kept as data (``models/scope.json``).

Each criterion comes out ``met`` or ``not met`` with the citation that shows it, or
``not in the file: verify`` for a person to check; the verdict follows from the checklist:

- any criterion ``not met``: out of scope;
- a ``required`` criterion not found in the file: not confirmed in scope (a person verifies);
- otherwise in scope, with the criteria still to verify named.

Tests a criterion can use (``test``): ``suspects`` / ``victims`` (``min`` distinct people of
that role), ``contact_offence``, ``nfa_date`` (``from`` / ``to``, ISO dates), ``pattern``
(``met`` / ``not_met``: lists of regular expressions, case-insensitive, matched per sentence;
``not_met`` wins). The first three reuse the per-case screening's rules
(``assistant/screening.py``), so the batch and ``review`` agree on them.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from assistant.nlp.context import CaseContext
from assistant.types import Citation, Screening

Status = Literal["met", "not met", "not in the file: verify"]
MET: Status = "met"
NOT_MET: Status = "not met"
VERIFY: Status = "not in the file: verify"

DEFAULT_SCOPE = Path(__file__).resolve().parents[2] / "models" / "scope.json"
TESTS = ("suspects", "victims", "contact_offence", "nfa_date", "pattern")


class ScopeConfigError(ValueError):
    """The scope file is not usable; the message says which entry and what to change."""


@dataclass(frozen=True, slots=True)
class Criterion:
    id: str
    label: str
    test: str
    params: dict[str, Any]
    required: bool = False


@dataclass(slots=True)
class Scope:
    version: str
    criteria: list[Criterion]
    digest: str  # hash of the file's content: part of the batch's resumption key

    @property
    def key(self) -> str:
        return f"{self.version}:{self.digest[:12]}"


@dataclass(slots=True)
class Check:
    id: str
    label: str
    status: Status
    detail: str
    citation: Citation | None = None
    required: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "status": self.status,
            "detail": self.detail,
            "required": self.required,
            "citation": self.citation.to_dict() if self.citation else None,
        }


@dataclass(slots=True)
class Checklist:
    checks: list[Check]
    in_scope: bool
    verdict: str
    nfa_date: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def load_scope(path: Path | None = None) -> Scope:
    """Read and check a scope file (default ``models/scope.json``)."""
    p = Path(path) if path is not None else DEFAULT_SCOPE
    try:
        raw = p.read_bytes()
        data = json.loads(raw.decode("utf-8"))
    except (OSError, ValueError) as e:
        raise ScopeConfigError(f"{p}: cannot read the scope file ({e}); fix it or pass --scope FILE") from None
    criteria: list[Criterion] = []
    seen: set[str] = set()
    for i, c in enumerate(data.get("criteria", [])):
        cid = str(c.get("id", "")).strip()
        if not cid or not re.fullmatch(r"[a-z0-9_]+", cid) or cid in seen:
            raise ScopeConfigError(f"{p}: criterion {i + 1} needs a unique id of lower-case letters, digits and _")
        test = c.get("test")
        if test not in TESTS:
            raise ScopeConfigError(f"{p}: criterion {cid}: test must be one of {', '.join(TESTS)}")
        params = {k: v for k, v in c.items() if k not in ("id", "label", "test", "required")}
        if test == "nfa_date":
            for k in ("from", "to"):
                try:
                    date.fromisoformat(str(params[k]))
                except (KeyError, ValueError):
                    raise ScopeConfigError(f"{p}: criterion {cid}: '{k}' must be a date like 2010-01-01") from None
        if test == "pattern":
            for k in ("met", "not_met"):
                for rx in params.get(k, []):
                    try:
                        re.compile(rx)
                    except re.error as e:
                        raise ScopeConfigError(f"{p}: criterion {cid}: bad regular expression {rx!r} ({e})") from None
            if not params.get("met") and not params.get("not_met"):
                raise ScopeConfigError(f"{p}: criterion {cid}: a pattern test needs 'met' or 'not_met' expressions")
        seen.add(cid)
        label = str(c.get("label", cid))
        for k, v in params.items():  # "NFA decision between {from} and {to}" follows the dates
            label = label.replace("{" + k + "}", str(v))
        criteria.append(Criterion(cid, label, test, params, bool(c.get("required", False))))
    if not criteria:
        raise ScopeConfigError(f"{p}: no criteria")
    return Scope(str(data.get("version", "scope")), criteria, hashlib.sha256(raw).hexdigest())


def _people(ctx: CaseContext, role: str) -> list[Any]:
    from assistant.nlp.people import find_people
    from assistant.screening import firm_role

    return [p for p in find_people(ctx) if p.role == role and firm_role(p, role)]


def _mention_citation(ctx: CaseContext, person: Any) -> Citation | None:
    for m in person.mentions:
        s = ctx.segments[m.seg]
        return Citation(s.document, s.page, m.start, m.end, m.text)
    return None


def _count(ctx: CaseContext, c: Criterion, role: str, found: int) -> Check:
    need = int(c.params.get("min", 1))
    people = _people(ctx, role)
    names = ", ".join(p.display for p in people[:6])
    cite = _mention_citation(ctx, people[0]) if people else None
    noun = "suspect" if role == "suspect" else "victim"
    if found >= need:
        return Check(c.id, c.label, MET, f"{found} {noun}s named: {names}", cite, c.required)
    if found == 0:
        return Check(c.id, c.label, VERIFY, f"no {noun} identified in the file", None, c.required)
    return Check(c.id, c.label, NOT_MET, f"only {found} {noun}(s) found ({names}); {need} needed", cite, c.required)


def _contact(ctx: CaseContext, c: Criterion) -> Check:
    from assistant.screening import CONTACT, NON_CONTACT_ONLY, RAPE_NAMES, rape_alleged_in

    contact = non_contact = None
    rape = False
    for s in ctx.segments:
        cleaned = RAPE_NAMES.sub(lambda m: " " * len(m.group(0)), s.text)
        if contact is None and (m := CONTACT.search(cleaned)):
            contact = Citation(s.document, s.page, s.start + m.start(), s.start + m.end(), s.text[m.start():m.end()])
        if non_contact is None and (n := NON_CONTACT_ONLY.search(s.text)):
            non_contact = Citation(s.document, s.page, s.start + n.start(), s.start + n.end(), n.group(0))
        rape = rape or rape_alleged_in(s.text) is not None
    if contact is not None and not (non_contact is not None and not rape):
        return Check(c.id, c.label, MET, f"contact sexual offence recorded: \"{contact.quote}\"", contact, c.required)
    if non_contact is not None:
        return Check(c.id, c.label, NOT_MET, f"recorded as non-contact: \"{non_contact.quote}\"", non_contact,
                     c.required)
    return Check(c.id, c.label, VERIFY, "no contact sexual offence named in the file", None, c.required)


def _nfa(ctx: CaseContext, c: Criterion) -> tuple[Check, date | None]:
    from assistant.nlp.entities import find_dates
    from assistant.screening import nfa_dates

    lo, hi = date.fromisoformat(str(c.params["from"])), date.fromisoformat(str(c.params["to"]))
    found = nfa_dates(ctx)
    if not found:
        return Check(c.id, c.label, VERIFY, "no dated NFA decision found", None, c.required), None
    latest, where = max(found)
    cite = None
    doc, _, page = where.rpartition(" p.")
    # Cite the date itself on that page (the screening records only the place).
    for s in ctx.segments:
        if s.document == doc and str(s.page) == page:
            for a, b, d in find_dates(s.text):
                if d == latest:
                    cite = Citation(s.document, s.page, s.start + a, s.start + b, s.text[a:b])
                    break
        if cite is not None:
            break
    text = f"NFA decision dated {latest:%d/%m/%Y} ({where})"
    if lo <= latest <= hi:
        return Check(c.id, c.label, MET, f"{text}, within {lo} to {hi}", cite, c.required), latest
    return Check(c.id, c.label, NOT_MET, f"{text}, outside {lo} to {hi}", cite, c.required), latest


def _pattern(ctx: CaseContext, c: Criterion) -> Check:
    for key, status in (("not_met", NOT_MET), ("met", MET)):
        rxs = [re.compile(rx, re.I) for rx in c.params.get(key, [])]
        for s in ctx.segments:
            for rx in rxs:
                m = rx.search(s.text)
                if m and m.end() > m.start():
                    cite = Citation(s.document, s.page, s.start + m.start(), s.start + m.end(), m.group(0))
                    return Check(c.id, c.label, status, f"\"{m.group(0)}\"", cite, c.required)
    return Check(c.id, c.label, VERIFY, "the file does not say", None, c.required)


def evaluate(ctx: CaseContext, screening: Screening, scope: Scope) -> Checklist:
    """The checklist of one case, and the verdict that follows from it."""
    checks: list[Check] = []
    nfa_date: date | None = None
    for c in scope.criteria:
        if c.test == "suspects":
            checks.append(_count(ctx, c, "suspect", screening.suspects))
        elif c.test == "victims":
            checks.append(_count(ctx, c, "victim", screening.victims))
        elif c.test == "contact_offence":
            checks.append(_contact(ctx, c))
        elif c.test == "nfa_date":
            chk, d = _nfa(ctx, c)
            checks.append(chk)
            nfa_date = nfa_date or d
        else:
            checks.append(_pattern(ctx, c))
    return verdict(checks, nfa_date)


def verdict(checks: list[Check], nfa_date: date | None = None) -> Checklist:
    not_met = [k.label for k in checks if k.status == NOT_MET]
    missing = [k.label for k in checks if k.status == VERIFY and k.required]
    verify = [k.label for k in checks if k.status == VERIFY and not k.required]
    if not_met:
        return Checklist(checks, False, "out of scope: not met: " + "; ".join(not_met), nfa_date)
    if missing:
        return Checklist(checks, False, "not confirmed: verify " + "; ".join(missing + verify), nfa_date)
    if verify:
        return Checklist(checks, True, "in scope, subject to verifying: " + "; ".join(verify), nfa_date)
    return Checklist(checks, True, "in scope", nfa_date)


def apply(screening: Screening, checklist: Checklist) -> dict[str, Any]:
    """The ``screening`` object of the batch's output: the per-case screening's fields (FORMATS.md
    section 3), with ``in_scope`` and ``priority`` following the checklist, plus the checklist."""
    d = screening.to_dict()
    d["in_scope"] = checklist.in_scope
    # Priority as the README defines it: 1 rape alleged and in scope, 2 in scope, 3 out of scope.
    d["priority"] = 3 if not checklist.in_scope else (1 if screening.rape_alleged else 2)
    d["verdict"] = checklist.verdict
    d["checklist"] = [k.to_dict() for k in checklist.checks]
    d["nfa_date"] = checklist.nfa_date.isoformat() if checklist.nfa_date else None
    d.update(checklist.extra)
    return d
