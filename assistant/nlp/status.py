"""Is an action done? Cues that a line of inquiry (or an interview) was completed with a result,
left undone, or only raised.

Follows the reviewers' rule (DOMAIN.md, College of Policing APP): a line is completed only when
the file records its result. "Requested", "to be actioned", "allocated", "awaiting", "OPEN" at
closure, "not proportionate", "not progressed" are not results.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from assistant.nlp.rules import defs
from assistant.nlp.rules import rx as rule_rx

Status = Literal["not_done", "pending", "done", "done_weak", "mention"]

_ACTION_VERBS = defs("status")["ACTION_VERBS"]
NOT_DONE = rule_rx("status", "not_done")
PENDING = rule_rx("status", "pending")
DONE = rule_rx("status", "done")
# A status column or a date of completion with no result in words: the row is closed, but it is
# weak evidence that a *different* mention of the line was completed.
DONE_WEAK = rule_rx("status", "done_weak")
# Words that show a line of inquiry was raised (an action, a plan entry, a request).
RAISE = rule_rx("status", "raise")


@dataclass(frozen=True, slots=True)
class StatusCue:
    status: Status
    start: int  # offsets of the cue within the analysed text (-1 when none)
    end: int
    cue: str


# "to be downloaded", "should be viewed", "awaiting download": the result word as a plan.
_PLANNED_BEFORE = rule_rx("status", "planned_before")


_CHECK_NO_TRACE = rule_rx("status", "check_no_trace")


_ABSENCE_FOUND = rule_rx("status", "absence_found")
_SEIZED_BEFORE = rule_rx("status", "seized_before")


def _first_result(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``rx`` that is not written as a plan ("to be downloaded")."""
    for m in rx.finditer(text):
        if not _PLANNED_BEFORE.search(text[max(0, m.start() - 24):m.start()]):
            return m
    return None


# A checklist box opening the line: "[ ] H2H Tannery Ct" (raised, not done), "[x] CCTV viewed".
CHECKBOX = rule_rx("status", "checkbox")
_TICKS = ("\u2611", "\u2612", "\u2713", "\u2714")


def box_ticked(box: re.Match[str]) -> bool:
    """Whether a CHECKBOX match is a ticked box."""
    return bool((box.group("mark") or "").strip()) or box.group("mark2") in _TICKS


def classify(text: str, done_extra: re.Pattern[str] | None = None) -> StatusCue:
    """Classify one segment's wording. Explicit non-completion wins over a result."""
    m = NOT_DONE.search(text)
    if m:
        a = _ABSENCE_FOUND.search(text)
        if a and a.start() <= m.start() < a.end():
            # "report exhibited as KB/4: no contact with Kai's number found": a search with its
            # result (nothing found), not an action left undone
            return StatusCue("done", a.start(), a.end(), a.group(0))
    if m and _CHECK_NO_TRACE.search(text[max(0, m.start() - 50):m.end()]):
        # "PNC and PND checks on the VRM: no trace" is a check made, with its result
        return StatusCue("done", m.start(), m.end(), m.group(0))
    if m:
        return StatusCue("not_done", m.start(), m.end(), m.group(0))
    d = _first_result(DONE, text)
    if d is None and done_extra is not None:
        d = _first_result(done_extra, text)
    if d and re.match(r"exhibit", d.group(0), re.I) and _SEIZED_BEFORE.search(text[max(0, d.start() - 40):d.start()]):
        # "seized by AO - exhibit ST/2": a seizure, not a result of what should follow it
        return StatusCue("done_weak", d.start(), d.end(), d.group(0))
    if d:
        return StatusCue("done", d.start(), d.end(), d.group(0))
    w = DONE_WEAK.search(text)
    if w:
        return StatusCue("done_weak", w.start(), w.end(), w.group(0))
    p = PENDING.search(text)
    if p:
        return StatusCue("pending", p.start(), p.end(), p.group(0))
    box = CHECKBOX.match(text)
    if box:
        # a checklist item: a ticked box is done, an empty one is raised and not done
        at = box.start("mark") - 1 if box.group("mark") is not None else box.start("mark2")
        return StatusCue("done" if box_ticked(box) else "pending", at, box.end(), text[at:box.end()])
    return StatusCue("mention", -1, -1, "")
