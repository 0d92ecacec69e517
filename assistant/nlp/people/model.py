"""A person of the case and each place the file mentions them."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


@dataclass(slots=True)
class Mention:
    seg: int  # index into CaseContext.segments
    start: int  # page offsets
    end: int
    text: str
    how: str  # "full", "surname-first", "title", "mixed", "nick", "label", "first", "ner"


@dataclass
class Person:
    """One person of the case, gathered across documents."""

    surname: str | None = None  # upper-case
    first: str | None = None
    nicknames: set[str] = field(default_factory=set)
    labels: set[str] = field(default_factory=set)  # "S2", "IP1" (upper-case, no spaces)
    label_roles: dict[str, str] = field(default_factory=dict)  # "S2" -> "suspect", "NOM1" -> "witness"
    names: Counter[str] = field(default_factory=Counter)  # display forms as printed
    mentions: list[Mention] = field(default_factory=list)
    role_votes: dict[str, float] = field(default_factory=lambda: defaultdict(float))
    professional: int = 0
    ages: list[int] = field(default_factory=list)

    @property
    def role(self) -> str | None:
        if not self.role_votes:
            return None
        best = max(sorted(self.role_votes), key=lambda r: self.role_votes[r])
        return best if self.role_votes[best] > 0 else None

    @property
    def display(self) -> str:
        if self.names:
            full = [n for n in self.names if " " in n and self.surname and self.surname in n.upper()]
            if full:
                return max(full, key=lambda n: (self.names[n], len(n)))
            return self.names.most_common(1)[0][0]
        if self.nicknames:
            return sorted(self.nicknames)[0]
        return sorted(self.labels)[0] if self.labels else "unknown person"

    def aliases(self) -> list[str]:
        out: list[str] = []
        disp = self.display.lower()
        for a in sorted(self.nicknames) + sorted(self.labels):
            if a.lower() not in disp and a not in out:
                out.append(a)
        if self.first and self.first.lower() not in disp:
            out.append(self.first)
        return out

    def subject(self) -> str:
        """Display name with every alias, e.g. 'Bradley STOTT (Stotty, S2)'."""
        al = self.aliases()
        return f"{self.display} ({', '.join(al)})" if al else self.display

    def key_terms(self) -> set[str]:
        """Lower-case words that identify this person in text."""
        terms = {n.lower() for n in self.nicknames} | {lab.lower() for lab in self.labels}
        if self.surname:
            terms.add(self.surname.lower())
        if self.first:
            terms.add(self.first.lower())
        return terms

