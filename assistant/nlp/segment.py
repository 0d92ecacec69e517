"""Split page text into segments (sentences, table rows, log entries) with exact offsets.

Fast and rule-based (thousands of pages a second): records are full of abbreviations
("DC 4471 SMITH", "s.18 PACE", "No. 3") that generic sentence splitters break on, and
table rows and log lines are units of their own whatever their punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from assistant.types import Document, Segment

# Words after which a full stop does not end a sentence.
_ABBREV = {
    "s", "ss", "sec", "no", "nos", "mr", "mrs", "ms", "miss", "dr", "st", "rd", "ave", "approx",
    "etc", "eg", "e.g", "ie", "i.e", "vs", "v", "ref", "tel", "mob", "dob", "d.o.b", "para",
    "paras", "pp", "p", "fig", "ext", "incl", "dept", "sgt", "insp", "det", "supt", "ch", "co",
    "ltd", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "am", "pm", "a.m", "p.m", "att", "poss", "est", "c", "ca", "cf", "al", "op", "exh",
}

# A bullet, with OCR's mark before a dash and a doubled dash ("'- ", "-- ").
_BULLET_RX = r"[\u2018\u2019'`.,]?(?:[-*\u2022\u25cf\u25aa>]{1,2}|\u2013)\s"
_BULLET = re.compile(_BULLET_RX)
# A line that starts a new unit: bullets, numbered items, dates, times, log entry numbers,
# table cells, "Label:" headings.
NEW_UNIT = re.compile(
    r"""^\s*(
        """ + _BULLET_RX + r""" |                    # bullets
        \(?\d{1,3}[.)]\s |                          # 1. or 1)
        \(?[a-z][.)]\s |                            # a) b.
        \d{1,2}[/.-]\d{1,2}[/.-]\d{2,4} |           # dates
        \d{1,4}\s+\d{1,2}(?:[/.-]\d{1,2}[/.-]\d{2,4}|:\d{2}\b) |  # a row number, then its date or time
        \d{1,2}:\d{2}\b | \d{4}\s*(hrs|hours)?\b[\s:-] |  # times
        [A-Z]{2,}[-/ ]?\d+\b |                      # action / log numbers: ACT-12, SERIAL 4
        [A-Z]\d{1,3}\b(?=\s+(?:\d{1,2}[/.:]\d|[A-Z(\"'])) |   # one-letter action numbers: A5, A06
        (?:IP|V|W|S|N)\d{1,2}\b |                   # role codes opening a row: W1, V2, S3
        (Entry|Action|Log|Serial|Item|Page)\b |
        [A-Z][A-Za-z/ ]{1,30}:\s                    # Label: value
    )""",
    re.X,
)
# A numbered row of a schedule or list without a stop after its number ("8 CCTV bus station -
# no request" / "9 Handset IP1 (iPhone), exh DM/2"): a new unit when it follows row n - 1.
_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})\s+[A-Z(\"'\u201c]")
_SENT_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])")
_TABLE_LINE = re.compile(r"\s\|\s|\t|\s{3,}\S")
_MAX_LEN = 600
# A line ending on a word that needs what follows: the next line carries on the sentence.
_DANGLING = re.compile(
    r"(?:\b(?:and|or|of|to|the|with|by|from|a|an|as|that|is|was|were|are|be|been|her|his|their)|[,&]"
    r"|\w['\u2019]s)$",  # a possessive ("Given the IP's" / "chaotic lifestyle ...")
    re.I,
)


def _lines(text: str) -> Iterator[tuple[int, int]]:
    pos = 0
    for m in re.finditer(r"\n", text):
        yield pos, m.start()
        pos = m.end()
    yield pos, len(text)


def _blocks(text: str) -> Iterator[tuple[int, int, bool]]:
    """Yield (start, end, is_row) blocks: runs of wrapped lines, or single table/log rows."""
    cur_start: int | None = None
    cur_end = 0
    prev_line = ""
    # The length of a full line on this page: a line well short of it ends its paragraph.
    lengths = sorted(len(text[a:b].strip()) for a, b in _lines(text) if b - a >= 20)
    full_len = lengths[int(len(lengths) * 0.85)] if lengths else 80
    # On a page typed in capitals (older record systems) a line in capitals is not a heading.
    long_lines = [text[a:b].strip() for a, b in _lines(text) if b - a >= 20]
    caps_page = bool(long_lines) and sum(ln.isupper() for ln in long_lines) >= 0.5 * len(long_lines)
    # OCR of a page with wide line spacing puts a blank line after every line: there one
    # blank line is a line break, not a paragraph's end (the other signs still end it).
    spans = list(_lines(text))
    filled = [bool(text[a:b].strip()) for a, b in spans]
    singles = sum(1 for k in range(1, len(spans) - 1) if not filled[k] and filled[k - 1] and filled[k + 1])
    double_spaced = sum(filled) >= 6 and singles >= 0.6 * sum(filled)
    last_row = -1  # the number of the last numbered row seen
    for k, (ls, le) in enumerate(spans):
        line = text[ls:le]
        stripped = line.strip()
        if (double_spaced and not stripped and "\f" not in line and 0 < k < len(spans) - 1
                and filled[k - 1] and filled[k + 1]):
            continue
        nxt = text[spans[k + 1][0]:spans[k + 1][1]].lstrip() if k + 1 < len(spans) else ""
        if not stripped and "\f" not in line and prev_line and _DANGLING.search(prev_line) and nxt[:1].islower():
            continue  # OCR's blank line inside a sentence: "Given the IP's" / "" / "chaotic lifestyle..."
        if not stripped or "\f" in line:
            if cur_start is not None:
                yield cur_start, cur_end, False
                cur_start = None
            prev_line = ""
            continue
        is_row = bool(_TABLE_LINE.search(stripped))  # inner gaps only: indentation is not a table
        starts_unit = bool(NEW_UNIT.match(line))
        row = _ROW_NUMBER.match(line)
        next_row = row is not None and int(row.group(1)) == last_row + 1
        if row is not None and (next_row or last_row < 0):
            last_row = int(row.group(1))
        # A line that starts in lower case after a line with no closing punctuation carries
        # on the same sentence (wrapped text in notebooks and narrow columns).
        # So does any line after one left open: an unclosed bracket or a trailing "and",
        # "of", "with"... ("Shell garage Wrenham Rd CCTV (V1 and" / "S1 in shop ...").
        continues = (
            bool(prev_line)
            and not prev_line.endswith((".", ":", ";", "!", "?", "|"))
            and (stripped[:1].islower() or prev_line.count("(") > prev_line.count(")")
                 or _DANGLING.search(prev_line) is not None)
        )
        prev_closed = not continues and (
            prev_line.endswith((":", ";"))
            or len(prev_line) < 45  # a short line is a heading or a form field
            or (prev_line.isupper() and not caps_page)
            or len(prev_line) < 0.7 * full_len  # ragged end: the paragraph or row ended
        )
        if is_row:
            if cur_start is not None:
                yield cur_start, cur_end, False
                cur_start = None
            yield ls + (len(line) - len(line.lstrip())), ls + len(line.rstrip()), True
            prev_line = ""
            continue
        # an item of a bulleted list after another: a new unit even when the one before ends on
        # a word that would carry on ("- Tia - not identified, not spoken to" / "- Scene ...")
        if starts_unit and _BULLET.match(stripped) and _BULLET.match(prev_line):
            continues = False
        if next_row and not _DANGLING.search(prev_line):
            starts_unit, continues = True, False
        if cur_start is not None and ((starts_unit and not continues) or prev_closed):
            yield cur_start, cur_end, False
            cur_start = None
        if cur_start is None:
            cur_start = ls + (len(line) - len(line.lstrip()))
        cur_end = ls + len(line.rstrip())
        prev_line = stripped
    if cur_start is not None:
        yield cur_start, cur_end, False


def _is_abbrev_end(text: str, dot: int) -> bool:
    """True when the full stop at ``dot`` belongs to an abbreviation or an initial."""
    j = dot
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREV or word.rstrip(".") in _ABBREV:
        return True
    # "1." or "12." opening a numbered paragraph is not a sentence.
    if word.isdigit() and len(word) <= 3 and (j == 0 or text[j - 1] in "\n"):
        return True
    # A single capital initial ("J. SMITH") or a rank abbreviation in capitals.
    return len(word) == 1 and text[dot - 1].isupper()


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    s = start
    for m in _SENT_END.finditer(text, start, end):
        dot = m.start()
        if text[dot] == "." and _is_abbrev_end(text, dot):
            continue
        e = m.end()
        # trim trailing whitespace
        te = e
        while te > s and text[te - 1].isspace():
            te -= 1
        if te > s:
            yield s, te
        s = e
    if s < end:
        yield s, end


def _split_long(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cut an over-long unit (a run-on OCR line) at semicolons or commas."""
    while end - start > _MAX_LEN:
        cut = -1
        for sep in ("; ", ", ", " "):
            cut = text.rfind(sep, start + _MAX_LEN // 3, start + _MAX_LEN)
            if cut != -1:
                cut += len(sep)
                break
        if cut == -1:
            cut = start + _MAX_LEN
        e = cut
        while e > start and text[e - 1].isspace():
            e -= 1
        yield start, e
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        yield start, end


_WORDS = re.compile(r"[A-Za-z0-9]+")


# A status written as a sentence of its own after the entry it closes ("... 04/03/19. OPEN.").
_STATUS_ONLY = re.compile(r"(?i:open|closed|complete[d]?|outstanding|pending|awaiting|not\s+done|done|resulted|"
                          r"no\s+trace|NEV|NFA|ongoing|in\s+progress)[.!]?")


def _merge_fragments(text: str, parts: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Join a fragment of one to three words ("Not traced.", "Purpose.") to the sentence after it
    in the same paragraph: alone it says nothing a reader can use. A fragment that ends the
    paragraph stays on its own. A status alone ("OPEN.") closes the sentence before it."""
    out: list[tuple[int, int]] = []
    carry: int | None = None
    for a, b in parts:
        if carry is not None:
            a, carry = carry, None
        elif out and _STATUS_ONLY.fullmatch(text[a:b].strip()):
            out[-1] = (out[-1][0], b)  # "MG11 DSL FEARNLEY re first disclosure 04/03/19. OPEN."
            continue
        if len(_WORDS.findall(text[a:b])) < 4:
            carry = a
            continue
        out.append((a, b))
    if carry is not None:
        out.append((carry, parts[-1][1]))
    return out


def segment_text(text: str) -> list[tuple[int, int]]:
    """Return (start, end) offsets of the segments of one page's text."""
    out: list[tuple[int, int]] = []
    for bs, be, is_row in _blocks(text):
        parts = [(bs, be)] if is_row else _merge_fragments(text, list(_sentences(text, bs, be)))
        for ps, pe in parts:
            while ps < pe and text[ps].isspace():
                ps += 1
            while pe > ps and text[pe - 1].isspace():
                pe -= 1
            if pe - ps >= 2:
                out.extend(_split_long(text, ps, pe))
    return out


def segment_documents(docs: Iterable[Document]) -> list[Segment]:
    """Every segment of every page, in document and page order."""
    segs: list[Segment] = []
    for d in docs:
        for p in d.pages:
            for s, e in segment_text(p.text):
                segs.append(Segment(d.name, p.number, s, e, p.text[s:e]))
    return segs
