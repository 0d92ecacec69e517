"""Rules as data: named regular expressions kept in ``models/rules/<set>.json``.

Each rule has a name, what it means (``description``), a pattern (``pattern``, or ``any_of``:
alternatives joined by ``|``), its flags and examples of
record wording it matches (checked by ``tests/test_rules.py``); ``<<NAME>>`` in a pattern is
replaced by the set's ``defs[NAME]`` (a shared word list such as the action verbs), as spaCy's
``EntityRuler`` patterns and Presidio's ``Pattern`` objects keep rules out of code. A rule may
carry ``weights`` (role votes added when it matches).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

RULES_DIR = Path(__file__).resolve().parents[2] / "models" / "rules"
_FLAGS = {"I": re.I, "M": re.M, "S": re.S, "X": re.X}
_DEF = re.compile(r"<<([A-Z_]+)>>")


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    pattern: str  # with the defs filled in
    flags: int
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...] = ()
    weights: dict[str, float] = field(default_factory=dict)

    @property
    def rx(self) -> re.Pattern[str]:
        return _compile(self.pattern, self.flags)


@cache
def _compile(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


@cache
def rule_set(name: str) -> dict[str, Rule]:
    """Every rule of ``models/rules/<name>.json`` by name (read once per process)."""
    path = RULES_DIR / f"{name}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    defs: dict[str, str] = data.get("defs", {})

    def fill(p: str) -> str:
        def sub(m: re.Match[str]) -> str:
            if m.group(1) not in defs:
                raise KeyError(f"{path.name}: <<{m.group(1)}>> is not in defs")
            return defs[m.group(1)]

        return _DEF.sub(sub, p)

    out: dict[str, Rule] = {}
    for r in data["rules"]:
        flags = 0
        for f in r.get("flags", []):
            flags |= _FLAGS[f]
        out[r["name"]] = Rule(
            name=r["name"],
            description=r.get("description", ""),
            pattern=fill(r["pattern"] if "pattern" in r else "|".join(r["any_of"])),
            flags=flags,
            examples=tuple(r.get("examples", ())),
            counter_examples=tuple(r.get("counter_examples", ())),
            weights=dict(r.get("weights", {})),
        )
    return out


def rule(set_name: str, name: str) -> Rule:
    return rule_set(set_name)[name]


def rx(set_name: str, name: str) -> re.Pattern[str]:
    """The compiled pattern of one rule."""
    return rule_set(set_name)[name].rx


def rule_sets() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.json"))


def defs(set_name: str) -> dict[str, str]:
    """The shared sub-patterns of a rule set (``<<NAME>>`` in its patterns)."""
    data = json.loads((RULES_DIR / f"{set_name}.json").read_text(encoding="utf-8"))
    out: dict[str, str] = data.get("defs", {})
    return out
