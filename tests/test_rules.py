"""Rules as data (models/rules/*.json): every rule compiles, says what it means, and matches
the record wording given as its examples (and none of its counter-examples)."""

from __future__ import annotations

import json

import pytest

from assistant.nlp.rules import RULES_DIR, rule_set, rule_sets

RULES = [(s, r) for s in rule_sets() for r in rule_set(s).values()]


def test_every_rule_set_is_loaded_by_name() -> None:
    assert {"status", "missing_interview", "people", "screening"} <= set(rule_sets())
    for s in rule_sets():
        data = json.loads((RULES_DIR / f"{s}.json").read_text(encoding="utf-8"))
        names = [r["name"] for r in data["rules"]]
        assert len(names) == len(set(names)), f"{s}: duplicate rule names"


@pytest.mark.parametrize(("set_name", "rule"), RULES, ids=[f"{s}.{r.name}" for s, r in RULES])
def test_rule_compiles_and_matches_its_examples(set_name: str, rule) -> None:  # noqa: ANN001
    assert rule.description, f"{set_name}.{rule.name}: say what the rule means"
    assert "<<" not in rule.pattern, f"{set_name}.{rule.name}: an undefined <<NAME>>"
    rx = rule.rx
    assert rule.examples, f"{set_name}.{rule.name}: give at least one example of wording it matches"
    for ex in rule.examples:
        assert rx.search(ex), f"{set_name}.{rule.name} does not match its example {ex!r}"
    for ex in rule.counter_examples:
        assert not rx.search(ex), f"{set_name}.{rule.name} matches its counter-example {ex!r}"


def test_role_weights_name_known_roles() -> None:
    for r in rule_set("people").values():
        assert set(r.weights) <= {"suspect", "victim", "witness", "heading"}, r.name
