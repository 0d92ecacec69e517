"""Offence-detail spans for collapsing in the UI: general wording only, whole sentences."""

from __future__ import annotations

import pytest

from assistant.nlp.sensitive import sensitive_spans

# (text, the sentences expected to be marked)
CASES = [
    (
        "She said he raped her at the flat. CCTV was not seized.",
        ["She said he raped her at the flat."],
    ),
    (
        "The suspect touched her chest over her clothing. Officers attended.",
        ["The suspect touched her chest over her clothing."],
    ),
    (
        "Indecent images were found on the handset. The handset was returned.",
        ["Indecent images were found on the handset."],
    ),
    ("He made her perform a sex act in the car.", ["He made her perform a sex act in the car."]),
    (
        "Digital penetration is alleged.\nShe was 14 at the time.",
        ["Digital penetration is alleged."],
    ),
    # Statute titles and services are not offence details.
    ("Offence recorded under the Sexual Offences Act 2003.", []),
    ("She was seen at the Sexual Assault Referral Centre the next day.", []),
    ("Referred to the sexual health clinic and to rape crisis support.", []),
    ("CCTV was viewed: nothing of evidential value.", []),
    ("", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_sensitive_sentences(text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sensitive_spans(text)] == expected


def test_adjacent_sentences_merge_into_one_span() -> None:
    text = "Background.\nHe raped her. He then sexually assaulted her friend.\nCCTV requested."
    spans = sensitive_spans(text)
    assert [text[s:e] for s, e in spans] == ["He raped her. He then sexually assaulted her friend."]
