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

Status = Literal["not_done", "pending", "done", "done_weak", "mention"]

_ACTION_VERBS = (
    r"collected|seized|viewed|obtained|progressed|pursued|actioned|completed|done|submitted|sent|"
    r"requested|traced|identified|established|located|applied(?:\s+for)?|followed(?:\s+up)?|"
    r"carried\s+out|made|undertaken|examined|downloaded|recovered|secured|checked|interviewed|"
    r"arrested|spoken\s+to|approached|contacted|retrieved|chased|received|analysed|analyzed|"
    r"conducted|explored|researched|visited|tasked|served|executed|searched|run|considered|taken|"
    r"sought|attempted|raised|revisited|looked\s+(?:at|into)|reviewed|preserved|extracted|"
    r"submitted|tested|processed|allocated|resulted|returned|obtained|asked|invited|pursued|"
    r"eliminated|progressed|accessed|found|recorded|exhibited|retained|saved|kept|gathered|"
    r"canvassed|harvested|captured|spoken|seen|pressed|put\s+to|explored|issued|filed|"
    r"authori[sz]ed|approved|granted|resourced|booked|rebooked"
)
NOT_DONE = re.compile(
    r"\b(?:not|never|n't)\s+(?:yet\s+|been\s+|be\s+|ever\s+|actually\s+|physically\s+|subsequently\s+|"
    rf"formally\s+|properly\s+|fully\s+|further\s+|then\s+)*(?:{_ACTION_VERBS})\b"
    r"|\bno\s+(?:further\s+|formal\s+|other\s+|real\s+|meaningful\s+|documented\s+|recorded\s+)?"
    r"(?:enquir(?:y|ies)|inquir(?:y|ies)|attempts?|actions?\s+(?:was|were|has|taken)|requests?|record|"
    r"follow[- ]?up|application|checks?|download|results?|update|response|progress|evidence\s+(?:that|of)|"
    r"(?:written\s+)?statement|account|trace|interview|contact|search|examination|submission|"
    r"entry|rationale)\b(?!\s+(?:of\s+evidential|further\s+action))"
    r"|\b(?:drafted|prepared|completed)\s+but\s+(?:not|never)\b"
    r"|\b(?:lapsed|overwritten|over-?recorded|deleted|wiped|destroyed|expired)\b"
    r"|\bno\s+longer\s+(?:available|retained|held|exists?)\b"
    r"|\b(?:not|deemed\s+not|considered\s+not)\s+(?:proportionate|necessary|required|needed|justified|"
    r"in\s+the\s+public\s+interest\s+to\s+pursue)\b|\bdisproportionate\b"
    r"|\b(?:failed|unable|fail)\s+to\b|\bcould\s+not\b|\bcouldn't\b|\bwas\s+not\s+possible\b"
    r"|\b(?:remains?|remained|still|left)\s+(?:open|outstanding|unidentified|untraced|unknown|"
    r"unresolved|unallocated|unactioned|unexamined|unanswered|unclear|unconfirmed|at\s+large)\b"
    r"|\b(?:unidentified|untraced|unactioned|unexamined|unallocated|unresolved|unexplored|unchecked|"
    r"unanswered|unknown)\b"
    r"|\b(?:closed|filed|NFA'?d?|finalised|written\s+off)\s+(?:before|without|prior\s+to|with\s+no|"
    r"pending)\b"
    r"|\bbefore\s+(?:the\s+)?(?:results?|download|report|footage|records?)\s+(?:was|were|had|came)\b"
    r"|\bwas\s+never\b|\bwere\s+never\b|\bhas\s+never\b|\bhave\s+never\b|\bhad\s+never\b"
    r"|\bnothing\s+(?:further|more|else)\s+(?:was|has\s+been)\s+done\b"
    r"|\b(?:no[- ]?one|nobody)\s+(?:has\s+|had\s+|was\s+)?(?:spoken|contacted|visited|asked|checked|"
    r"followed|identified|traced|approached|seen)\b"
    r"|\bno\s+trace\b|\bnot\s+(?:at\s+home|in|known\s+at\s+the\s+address|found)\b"
    r"|\bwithout\s+(?:a\s+|any\s+)?(?:download|examination|result|statement|interview|viewing|being\s+"
    r"(?:downloaded|examined|viewed|interviewed))\b"
    r"|\bdid\s+not\s+(?:take\s+place|happen|proceed|occur)\b"
    r"|\bnot\s+followed\s+up\b|\bnot\s+progressed\b|\bnot\s+pursued\b|\bNFP\b"
    r"|\bnot\s+(?:started|begun|commenced|chased|rebooked|re-?booked|re-?arranged|re-?submitted|actioned|"
    r"resulted|returned|received|sent|done|complete[d]?|examined|seized|viewed|requested|obtained)\b"
    r"|\b(?:cancelled|canceled|abandoned|withdrawn)\b|\bno\s+(?:reply|response|answer)\b"
    # no one to do it, or handed on with no result: "H2H REQ - NO RESOURCES, PASSED TO EARLIES",
    # "trace SOI3 - no further info", "s.18 search - not authorised, time elapsed"
    r"|\bno\s+(?:resources?|staff|officers?)(?:\s+available)?\b(?!\s+(?:issues|concerns))"
    r"|\bpassed\s+to\s+(?:the\s+)?(?:earlies|lates|nights|next\s+shift|day\s+shift|night\s+shift|next\s+team)\b"
    r"|(?:(?<=[-:\u2013]\s)|(?<=[-:\u2013]))no\s+further\s+(?:info(?:rmation)?|details|leads?|update)\W*$|\btime\s+(?:elapsed|expired|lapsed)\b"
    r"|\b(?:OPEN|OPN)\s+(?:at|on)\s+(?:closure|finalisation|filing)\b|\bST:\s*(?:OPN|CXL)\b"
    r"|\bnever\s+(?:went|got|reached|made\s+it)\b"
    r"|\b(?:results?|reply|replies|response|report|download|footage|records?|billing)\s+(?:was\s+|were\s+|is\s+|are\s+)?"
    r"(?:not|never)\s+(?:on\s+file|received|returned|back|obtained|chased|seen)\b|\bnot\s+on\s+file\b"
    # a handset or an exhibit handed back before anything was done with it
    r"|\b(?:handed\s+back|returned)\s+(?:to\s+)?(?:him|her|them|the\s+owner|owner|(?-i:[A-Z]{1,4}\d|DP)|the\s+(?-i:DP)|the\s+"
    r"(?:suspect|family|mother|father|parent|detained\s+person))\b(?![^.]{0,60}\b(?:after|once|following|downloaded|examined)\b)",
    re.I,
)
PENDING = re.compile(
    r"\b(?:awaiting|awaited|await|outstanding|pending|tbc|tba|ongoing|in\s+progress|on\s+hold|"
    r"to\s+(?:be\s+)?(?:actioned|done|completed|progressed|arranged|chased|obtained|submitted|"
    r"allocated|reviewed|conducted|considered|followed\s+up|requested|seized|collected|viewed|"
    r"traced|identified|interviewed|arrested|downloaded|examined|sent|made|taken|carried\s+out)|"
    r"allocated\s+to|re-?allocated|requested|applied\s+for|request(?:ed)?\s+(?:made|sent|submitted)|"
    r"asked\s+to\s+(?:retain|keep|preserve|hold|save)|(?:to\s+)?retain|preserve|"
    r"chase(?:d)?|to\s+follow|r/?a|will\s+be|intend(?:s|ed)?\s+to|plan(?:s|ned)?\s+to|"
    r"should\s+be|needs?\s+to\s+be|to\s+(?:request|obtain|seize|identify|trace|arrest|interview|"
    r"view|collect|download|examine|search|consider|speak|contact|visit|research|check)|"
    r"consider(?:ed)?|raised|tasked|referred\s+to|submitted\s+to|sent\s+to)\b"
    r"|(?-i:\bOPEN\b|\bOPN\b)|^\s*(?:open|OPEN)\b|\|\s*(?:open|OPEN|Open|pending|Pending|outstanding|Outstanding)\s*(?:\||$)"
    # an action raised: "Action: send ...", "ACT 4 - obtain ...", "LOI: trace ..."
    r"|^\W*(?:action|task|LOI|line\s+of\s+(?:enquiry|inquiry)|next\s+steps?|to\s+do)\b\s*(?:\d+\w*)?\s*[:\-.]"
    r"|^\W*(?:[A-Z]{1,5}[-\s]?\d{1,3}\s*[|:\-.]\s*)?(?:send|obtain|seize|view|identify|trace|request|check|"
    r"submit|apply|speak\s+to|contact|visit|conduct|arrange|complete|consider|secure|preserve|download|"
    r"research|establish|locate|interview|arrest|collect|examine|search|chase)\b",
    re.I | re.M,
)
DONE = re.compile(
    r"\b(?:NEV|nothing\s+of\s+(?:evidential\s+)?(?:value|note|interest|relevance)|"
    r"no\s+evidential\s+value|exhibited\s+as|exhibit(?:ed)?\s+[A-Z]{2,4}/\d+|produced\s+as|"
    r"results?\s+(?:received|returned|showed|show|confirm(?:ed|s)?|indicate[sd]?|were|was)|"
    r"result(?:s)?\s*[:\-]\s*(?!\s*(?:none|nil|n/?a|awaited|awaiting|pending|outstanding|not|no\b)))",
    re.I | re.M,
)
# A status column or a date of completion with no result in words: the row is closed, but it is
# weak evidence that a *different* mention of the line was completed.
DONE_WEAK = re.compile(
    r"\|\s*(?:complete[d]?|done|finished|closed\s*-\s*complete)\s*(?:\||$)"
    r"|\b(?:completed|complete|concluded|finalised)\s+(?:on\s+)?\d{1,2}[/.]\d{1,2}"
    r"|\b(?:status|result)\s*:\s*(?:complete[d]?|done)\b"
    # a seizure with its exhibit number: done, but no result for what should follow (a download,
    # a lab submission), so it answers no other mention
    r"|\b(?:seized|recovered|retained|secured|taken)\s+(?:as\s+)?(?-i:[A-Z]{2,4}/\d+)",
    re.I | re.M,
)
# Words that show a line of inquiry was raised (an action, a plan entry, a request).
RAISE = re.compile(
    r"\b(?:action(?:s|ed)?|task(?:s|ed)?|line\s+of\s+(?:enquiry|inquiry)|lines\s+of\s+(?:enquiry|inquiry)|"
    r"LOI|enquir(?:y|ies)|inquir(?:y|ies)|plan|strategy|should|must|need(?:s|ed)?\s+to|to\s+be|"
    r"request(?:ed|s)?|consider|identify|obtain|seize|trace|arrest|interview|view|collect|download|"
    r"examine|search|speak\s+to|contact|visit|research|check|establish|chase|submit|apply|secure|"
    r"preserve|retain|recover|CPS\s+(?:advised|advice|requested|asked)|advised|recommend(?:ed|s)?)\b",
    re.I,
)


@dataclass(frozen=True, slots=True)
class StatusCue:
    status: Status
    start: int  # offsets of the cue within the analysed text (-1 when none)
    end: int
    cue: str


# "to be downloaded", "should be viewed", "awaiting download": the result word as a plan.
_PLANNED_BEFORE = re.compile(
    r"\b(?:to\s+be|should\s+be|must\s+be|needs?\s+to\s+be|will\s+be|would\s+be|could\s+be|is\s+to\s+be|"
    r"are\s+to\s+be|be|awaiting|await|for|pending|request(?:ed)?\s+(?:for|to\s+be))\s+$",
    re.I,
)


_CHECK_NO_TRACE = re.compile(
    r"\b(?:PNC|PND|checks?|checked|research(?:ed)?|intel(?:ligence)?|databases?|searche[sd]|enquiries|"
    r"systems?|lookups?|niche|athena)\b[^.]{0,40}\bno\s+trace\s*$",
    re.I,
)


_ABSENCE_FOUND = re.compile(
    r"\bno\s+(?:contact|messages?|calls?|images?|DNA|matches?|evidence|trace)\b[^.;]{0,60}?\b(?:was\s+|were\s+)?"
    r"(?:found|recovered|identified|located|shown|present|detected|seen)\b",
    re.I,
)
_SEIZED_BEFORE = re.compile(r"\b(?:seized|recovered|retained|secured|taken|bagged|booked\s+in)\b", re.I)


def _first_result(rx: re.Pattern[str], text: str) -> re.Match[str] | None:
    """The first match of ``rx`` that is not written as a plan ("to be downloaded")."""
    for m in rx.finditer(text):
        if not _PLANNED_BEFORE.search(text[max(0, m.start() - 24):m.start()]):
            return m
    return None


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
    return StatusCue("mention", -1, -1, "")
