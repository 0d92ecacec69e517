"""People (role codes a file defines, first names, merged roles) and the rape wording of
screening, as tables of (text, expected)."""

from __future__ import annotations

import pytest

from assistant.nlp.people import PeopleFinder, learn_role_codes, role_label_rx
from assistant.screening import rape_alleged_in, screen_case
from tests.detector_helpers import make_ctx

RAPE_WORDING = [
    ("IP1 states she was raped by S2 at the flat.", "raped"),
    ("Offence: s.5 SOA 2003.", "s.5 SOA"),
    ("Sexual Offences Act 2003 section 1 (rape).", "Sexual Offences Act 2003 section 1"),
    ("Allegation of assault by penetration.", "assault by penetration"),
    ("She later disclosed penetration during the ABE.", "penetration"),
    ("CPS advised not to charge rape.", "rape"),  # the allegation is still recorded
    ("S1 denied rape in interview.", "rape"),
    ("No penetrative offence is alleged.", None),
    ("She does not allege rape.", None),
    ("Rape was not alleged at that time.", None),
    ("There is no allegation of rape.", None),
    ("Referred to Rape Crisis for ISVA support.", None),
    ("The RASSO unit took the case.", None),
    ("Offence: SOA 2003 s.9 sexual activity with a child.", None),
    ("SOA 2003 s.7 sexual assault of a child under 13 recorded.", None),
]


@pytest.mark.parametrize(("text", "found"), RAPE_WORDING)
def test_rape_alleged_wording(text: str, found: str | None) -> None:
    assert rape_alleged_in(text) == found


def test_rape_in_other_words_sets_priority_one() -> None:
    ctx = make_ctx({
        "summary.txt": (
            "Suspects: Kyle DARNELL (S1) and Ian MORTLAKE (S2), both arrested.\n"
            "Offence recorded as s.5 SOA 2003 against IP1 Amy LEEMING, aged 12.\n"
            "Case filed NFA on 14/06/2016, outcome 16.\n"
        )
    })
    sc = screen_case(ctx)
    assert sc.rape_alleged and sc.in_scope and sc.priority == 1, sc


CODE_LISTS = [
    ("SUB1 | Kyle DARNELL | Suspect\nSUB2 | Ian MORTLAKE | Suspect\n", {"suspect": {"SUB"}}),
    ("OFF1 = offender, Kyle DARNELL\nOFF2 = offender, Ian MORTLAKE\nAGG1 = aggrieved, Amy\n",
     {"suspect": {"OFF"}, "victim": {"AGG"}}),
    ("PRS1 - complainant - Tia WORRALL\nPRS2 - suspect - Kyle DARNELL\nPRS3 - suspect\n", {}),  # mixed
    ("DC 4471 SMITH spoke to the suspect.\nDC 5512 JONES spoke to the suspect.\n", {}),  # ranks
    ("Kyle DARNELL and SUB2 were both suspects, with SUB3.\n", {}),  # a sentence naming several
]


@pytest.mark.parametrize(("text", "codes"), CODE_LISTS)
def test_learn_role_codes(text: str, codes: dict[str, set[str]]) -> None:
    assert learn_role_codes([text]) == codes


def test_learned_code_is_a_role_label() -> None:
    rx = role_label_rx({"suspect": {"SUB"}})
    assert [m.group(0) for m in rx.finditer("SUB2 was seen with IP1 and W3; SUBWAY 4 is a shop")] == [
        "SUB2", "IP1", "W3"]


def _people(docs: dict[str, str]) -> list:  # type: ignore[type-arg]
    return PeopleFinder(make_ctx(docs)).run()


def test_person_list_codes_give_roles() -> None:
    people = _people({
        "print.txt": (
            "PERSONS LINKED\n"
            "SUB1 | Kyle DARNELL | Suspect\n"
            "SUB2 | Ian MORTLAKE | Suspect\n"
            "Log 4. SUB2 was seen at the address by a neighbour.\n"
        )
    })
    mort = next(p for p in people if p.surname == "MORTLAKE")
    assert "SUB2" in mort.labels and mort.role == "suspect"


def test_merged_people_add_role_votes() -> None:
    finder = PeopleFinder(make_ctx({"a.txt": "Nothing here.\n"}))
    a = finder.person_for(surname="DARNELL", first="Kyle")
    b = finder.person_for(nick="Dazza")
    a.role_votes["suspect"] += 2
    b.role_votes["suspect"] += 3
    b.role_votes["witness"] += 1
    finder.merge(a, b)
    assert a.role_votes["suspect"] == 5 and a.role_votes["witness"] == 1


def test_bare_first_name_goes_to_the_person_named_before_it() -> None:
    people = _people({
        "notes.txt": (
            "Jade HOLROYD (mother) called the office.\n"
            "Jade WINTERTON, aged 14, was reported missing.\n"
            "Jade returned home at 02:00 and would not speak to officers.\n"
        )
    })
    holroyd = next(p for p in people if p.surname == "HOLROYD")
    winterton = next(p for p in people if p.surname == "WINTERTON")
    assert any(m.how == "first" for m in winterton.mentions)
    assert not any(m.how == "first" for m in holroyd.mentions)


def test_role_label_before_a_name_anchors_an_unknown_first_name() -> None:
    # "suspect Zoltar QUINCEY": the first name is not in the gazetteer, the role word anchors it
    people = _people({"log.txt": "Arrest of suspect Zoltar QUINCEY on 12/03/2019.\n"})
    assert any(p.surname == "QUINCEY" for p in people)


def test_nicknames_saved_in_a_phone_and_names_in_brackets() -> None:
    people = _people({"pnb.txt": (
        'K has him saved in her phone as "Tozzer" - 07700 900288.\n'
        "Found in the back bedroom with another girl (Shania - surname not given).\n")})
    nicks = {n for p in people for n in p.nicknames}
    assert {"Tozzer", "Shania"} <= nicks, nicks


def test_rape_in_record_wording_and_its_traps() -> None:
    from assistant.screening import rape_alleged_in

    for text in ["Offence: 19D SOA03 S.1", "Crime classification: offence code 19C", "he forced her to have sex",
                 "she was made to perform oral sex on S2", "he had sex with her against her will"]:
        assert rape_alleged_in(text), text
    for text in ["Offence: non-penetrative sexual assault (s.3)", "Flat 19C Marsh Road",
                 "No allegation of rape or assault by penetration was recorded",
                 "the download was made without her consent"]:
        assert rape_alleged_in(text) is None, text


def test_rape_not_alleged_in_this_case() -> None:
    from assistant.screening import rape_alleged_in

    for text in ["PNC: S1 convicted of rape 2008 (adult female)", "S2 has previous convictions for rape",
                 "referred to SARC (rape and sexual assault referral)", "IP2 was not raped",
                 "IP denies any penetration", "Offence: sexual assault - penetration not disclosed"]:
        assert rape_alleged_in(text) is None, text
    # the suspect's denial does not withdraw the allegation
    assert rape_alleged_in("S1 denied rape in interview")


def test_contact_offence_described_by_what_the_adults_did() -> None:
    from assistant.screening import CONTACT

    assert CONTACT.search("girls aged 14 and 15 were taken to gatherings where adult men engaged in "
                          "sexual activity with them")
    assert not CONTACT.search("messages of a sexual nature were sent online")
