"""Rule-based entities for UK police records: officers, dates, vehicle registrations, phone
numbers, exhibit references, quoted passages.

Every function returns character offsets into the text it was given, so results can be turned
into citations without searching for strings again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# --- officers -------------------------------------------------------------------------------
# Rank (with common abbreviations and acting/temporary prefixes), optional collar number
# (digits, sometimes with letters: 5062TZ, K2204), optional first name, then the surname. The
# rank is a word of its own: "DIZZY", "SCOTT" and "DIXON" are not DI ZZY, SC OTT or DI XON.
RANKS = (
    r"(?:(?:T|A|Act(?:ing)?|Temp|Det)[/ .]*)?"
    r"(?:PC|DC|DS|DI|DCI|DSI|DSU|DCS|PS|PCSO|SC|Sgt|Sergeant|Insp(?:ector)?|Ch\.?\s?Insp|CI|Supt|"
    r"Superintendent|Constable|Det(?:ective)?\.?\s(?:Con(?:stable)?|Sgt|Sergeant|Insp(?:ector)?|"
    r"Supt|Superintendent)|TDC|TDS|TPC|ADS|DCC|ACC|Ch(?:ief)?\.?\s?Supt|SIO|OIC)"
)
_OFFICER = re.compile(
    rf"\b(?P<rank>{RANKS})(?![A-Za-z])\.?[ \t]*(?P<collar>[A-Z]{{0,2}}\d{{2,6}}[A-Z]{{0,3}})?[ \t]*"
    r"(?P<first>[A-Z][a-z]+[ \t]+)?(?P<sur>[A-Z][A-Za-z'\-]{1,}(?:[ \t][A-Z]{2,}(?![a-z]))?)"
)
# Words that follow a rank but are not names ("DC to review", "PC on duty").
_NOT_NAMES = {
    "To", "On", "And", "The", "In", "At", "For", "Of", "With", "Was", "Has", "Had", "Is", "Will",
    "Who", "Made", "Not", "From", "Team", "Unit", "Report", "Notes", "Review", "Decision",
}


@dataclass(frozen=True, slots=True)
class Officer:
    start: int
    end: int
    rank: str
    collar: str | None
    surname: str  # upper-cased


def find_officers(text: str) -> list[Officer]:
    out: list[Officer] = []
    for m in _OFFICER.finditer(text):
        sur = m.group("sur").split()[0]
        collar = m.group("collar")
        if sur in _NOT_NAMES or (sur.istitle() and not collar and not m.group("first")):
            # "DC Smith" is an officer; "PC Office" is not: title-case surnames need a collar
            # number or a first name unless the surname is in capitals.
            if sur in _NOT_NAMES or len(sur) < 3:
                continue
        if sur.isupper() and len(sur) < 2:
            continue
        out.append(Officer(m.start(), m.end(), m.group("rank"), collar, sur.upper()))
    return out


# --- dates ----------------------------------------------------------------------------------
_MONTHS = {
    m: i + 1
    for i, ms in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
    for m in (ms,)
}
_DATE_NUM = re.compile(r"\b(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4}|\d{2})\b")
_DATE_TXT = re.compile(
    r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|"
    r"Oct|Nov|Dec)[a-z]*\.?,?\s+(?P<y>\d{4}|\d{2})\b",
    re.I,
)
_DATE_ISO = re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b")
_DATE_COMPACT = re.compile(r"\b(?P<d>[0-3]\d)(?P<m>[01]\d)(?P<y>(?:19|20)?\d{2})\b")


def _year(y: str) -> int:
    v = int(y)
    if len(y) == 2:
        v += 2000 if v < 70 else 1900
    return v


def find_dates(text: str) -> list[tuple[int, int, date]]:
    """UK dates (day first): 23/07/2016, 23.07.16, 23 July 2016, 2016-07-23."""
    out: list[tuple[int, int, date]] = []
    taken: list[tuple[int, int]] = []
    for rx in (_DATE_ISO, _DATE_NUM, _DATE_TXT):
        for m in rx.finditer(text):
            if any(s <= m.start() < e for s, e in taken):
                continue
            try:
                if "mon" in m.groupdict() and m.group("mon"):
                    month = _MONTHS[m.group("mon")[:3].lower()]
                else:
                    month = int(m.group("m"))
                d = date(_year(m.group("y")), month, int(m.group("d")))
            except (ValueError, KeyError):
                continue
            out.append((m.start(), m.end(), d))
            taken.append((m.start(), m.end()))
    out.sort()
    return out


# --- vehicles, phones, exhibits -----------------------------------------------------------
# Current UK format (AB12 CDE), partial marks ("KN11", "part index KN11 ..."), older formats.
VRM = re.compile(
    r"\b(?:[A-Z]{2}\d{2}\s?[A-Z]{3}|[A-Z]\d{1,3}\s?[A-Z]{3}|[A-Z]{3}\s?\d{1,3}[A-Z])\b"
)
PHONE = re.compile(r"(?<!\d)(?:\+44\s?7\d{3}|07\d{3})[\s-]?\d{3}[\s-]?\d{3}(?!\d)")
# Exhibit references: initials / number (GM/2, KA/4, ABC/01) - officer's initials + sequence.
EXHIBIT = re.compile(r"\b[A-Z]{2,4}/\d{1,3}\b")


# --- quotations -------------------------------------------------------------------------------
_QUOTE = re.compile(r"[\"\u201c](?P<q>(?:[^\"\u201c\u201d\n]|\n(?!\s*\n)){2,400})[\"\u201d]")
_SQUOTE = re.compile(r"(?<![A-Za-z])[\u2018'](?P<q>(?:[^'\u2018\u2019\n]|\n(?!\s*\n)){3,300})[\u2019'](?![A-Za-z])")


# Reported speech whose closing mark is past the end of the text (the segmenter cut the quotation
# at its first full stop): 'Jodie says: "I'm not a victim.'
_OPEN_QUOTE = re.compile(r"\b(?:says?|said|states?|stated|told\s+\w+|replied|asked|shouted)\s*[:,]?\s*"
                         r"[\"\u201c](?P<q>[^\"\u201c\u201d]{2,300})$", re.I)


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of passages inside quotation marks (the speaker's own words)."""
    spans = [(m.start("q"), m.end("q")) for m in _QUOTE.finditer(text)]
    if not spans:
        spans = [(m.start("q"), m.end("q")) for m in _OPEN_QUOTE.finditer(text.rstrip())]
    for m in _SQUOTE.finditer(text):
        # 'single quotes' are also apostrophes: accept only multi-word quotations.
        if " " in m.group("q").strip():
            spans.append((m.start("q"), m.end("q")))
    return spans


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s <= start and end <= e for s, e in spans)
