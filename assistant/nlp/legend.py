"""Status codes and abbreviations a case file defines in its own key or legend.

Record systems print an action's status as a code ("CW", "AG", "RES", "O/S") and explain the
codes once, in a key at the top of a log ("Key: CW complete  AG open  DP no further on this
line  TCC CCTV"). Forces and systems differ, so the codes are read from each file's own key
rather than a fixed list: a code whose meaning is a status word becomes that status where it
stands alone at the start of an entry; one whose meaning names a kind of inquiry ("TCC teledu
cylch cyfyng/CCTV") is read as that kind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

# A line that opens a key or legend ("Key:", "Legend -", "Status codes:", Welsh "Allwedd").
_KEY_OPEN = re.compile(r"\b(?:key|legend|allwedd|status\s+codes?|codes?\s+used|abbreviations)\b\s*[:/=\-]", re.I)
# One definition inside a key: a code in capitals, an optional "=", ":" or "-", its meaning.
# A one-letter code ("R = Resulted") needs its "=" or ":"; it ends the meaning before it but is
# not learnt (a lone letter in an entry is too often something else).
_DEF = re.compile(r"(?<![\w/'-])(?:(?P<code>[A-Z][A-Z/]{1,4})(?![\w/])\s*(?:[=:\-\u2013]\s*)?|"
                  r"(?P<letter>[A-Z])\s?[=:]\s*)")
# Where a key ends: a blank line, a table row, a rule of dashes, or an entry or header line
# (a number first, or a run of column titles) after the first line.
_KEY_END = re.compile(r"\n\s*\n|\n(?=[^\n]*\|)|\n(?=\s*(?:-{5,}|={5,}|\d))")
KEY_LINES = 4
_DONE = re.compile(r"\b(?:complete[d]?|completed|done|resulted|closed|finished|cwblhawyd)\b", re.I)
_NOT_DONE = re.compile(r"\b(?:no\s+further|not\s+(?:done|pursued|progressed|actioned)|ceased|"
                       r"discontinued|cancelled|withdrawn|abandoned|dim\s+pellach)\b", re.I)
_PENDING = re.compile(r"\b(?:open|outstanding|pending|awaiting|in\s+progress|attempt(?:ed)?|"
                      r"ar\s+agor)\b", re.I)
# Codes that are record words, never a status or kind code of the file's own.
_NOT_CODES = frozenset("DC DS DI PC PS OIC SIO CPS MG ABE SARC PNC ANPR CCTV DOB VRM HO CSC".split())
KEY_SPAN = 400  # how far after "Key:" its definitions may run (a key wraps over lines)


@dataclass(slots=True)
class Legend:
    """What one case's keys define: status codes and codes for kinds of inquiry."""

    status: dict[str, str] = field(default_factory=dict)  # "CW" -> "done", "AG" -> "pending"
    kinds: dict[str, str] = field(default_factory=dict)  # "TCC" -> "cctv"

    def is_key(self, text: str) -> bool:
        """Is ``text`` (a segment) the key itself: a key opener and two of its codes?"""
        if not _KEY_OPEN.search(text):
            return False
        codes = {m.group(0) for m in re.finditer(r"(?<![\w/'-])[A-Z]{2,5}(?![\w/'-])", text)}
        return len(codes & (set(self.status) | set(self.kinds))) >= 2

    def status_at(self, text: str, within: int = 24) -> tuple[str, int, int, str] | None:
        """(status, start, end, code) of a status code standing alone near the start of an
        entry ("GW07 AG TCC Grill ...", "019 | 03/10 | cw | ..."); None when there is none."""
        if not self.status:
            return None
        for m in re.finditer(r"(?<![\w/'-])([A-Za-z][A-Za-z/]{1,4})(?![\w/'-])", text[:within]):
            code = m.group(1).upper()
            if code in self.status:
                return self.status[code], m.start(1), m.end(1), m.group(1)
        return None

    def kinds_at(self, text: str) -> list[tuple[str, int, int]]:
        """(kind, start, end) of every kind code of the key in ``text``."""
        if not self.kinds:
            return []
        out = []
        for m in re.finditer(r"(?<![\w/'-])([A-Z]{2,5})(?![\w/'-])", text):
            kind = self.kinds.get(m.group(1))
            if kind is not None:
                out.append((kind, m.start(1), m.end(1)))
        return out


def learn_legend(texts: Iterable[str], kinds_of: Callable[[str], list[tuple[str, int, int]]]) -> Legend:
    """The status and kind codes defined in the keys of ``texts`` (page texts). ``kinds_of``
    finds kinds of inquiry in a meaning ("teledu cylch cyfyng/CCTV" -> cctv). A code needs a
    key line ("Key:", "Legend", "Allwedd") and a meaning of its own that says one status or
    one kind, or two definitions beside it ("CW = complete, AG = open")."""
    legend = Legend()
    for text in texts:
        for km in _KEY_OPEN.finditer(text):
            span = text[km.end():km.end() + KEY_SPAN]
            # the key ends at a blank line or a table header
            span = "\n".join(_KEY_END.split(span, maxsplit=1)[0].split("\n")[:KEY_LINES])
            defs = [d for d in _DEF.finditer(span) if d.group("code") not in _NOT_CODES]
            if len(defs) < 2:
                continue
            for k, d in enumerate(defs):
                end = defs[k + 1].start() if k + 1 < len(defs) else len(span)
                meaning = span[d.end():end][:60]
                if not re.search(r"[a-z]", meaning):
                    continue  # a code then another code, not a definition
                code = d.group("code")
                if code is None:
                    continue
                states = {s for s, rx in (("done", _DONE), ("not_done", _NOT_DONE), ("pending", _PENDING))
                          if rx.search(meaning)}
                if len(states) == 1:
                    legend.status.setdefault(code, states.pop())
                    continue
                hits = kinds_of(meaning)
                if not hits:
                    continue
                # the meaning ends with the line that names the kind ("teledu cylch" / "cyfyng/CCTV")
                cut = meaning.find("\n", max(b for _, _, b in hits))
                meaning = meaning if cut < 0 else meaning[:cut]
                found = {kind for kind, _, _ in kinds_of(meaning)}
                if len(found) == 1 and len(meaning.split()) <= 6:
                    legend.kinds.setdefault(code, found.pop())
    return legend
