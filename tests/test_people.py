"""The people stage pass by pass, as tables of (text, expected): each name pattern of
``nlp/people/names.py``, role codes and labels (``codes.py``), role votes (``roles.py``),
merging and officers (``merge.py``, ``finder.py``), and the stage in the pipeline (``ctx.people``).
Also the screening, the segmenter and the status wording, tested directly."""

from __future__ import annotations

from typing import ClassVar

import pytest

from assistant.detectors.base import Detector
from assistant.nlp.context import CaseContext
from assistant.nlp.people import Person, find_people, learn_role_codes
from assistant.nlp.people.codes import role_label_rx, role_labels
from assistant.nlp.people.finder import PeopleFinder
from assistant.nlp.people.names import (
    NamePattern,
    NameScope,
    NickPattern,
    all_caps_names,
    bracket_names,
    bracket_quoted_names,
    full_caps_names,
    known_as_names,
    label_quoted_names,
    maybe_mixed_name,
    mixed_names,
    ner_names,
    quoted_names,
    surname_first_names,
    title_names,
)
from assistant.nlp.people.roles import age_at
from assistant.nlp.segment import segment_text
from assistant.nlp.status import classify
from assistant.pipeline import review_documents
from assistant.screening import screen_case
from assistant.types import Suggestion
from tests.detector_helpers import make_ctx

# -- name patterns: text -> [(as printed, first, surname, display)] ------------------------------

FULL_CAPS = [
    ("Bradley STOTT was arrested.", [("Bradley STOTT", "Bradley", "STOTT", "Bradley STOTT")]),
    ("Mary-Jane O'NEILL attended.", [("Mary-Jane O'NEILL", "Mary-Jane", "O'NEILL", "Mary-Jane O'NEILL")]),
    ("Adeel Khan RASOOL (S2)", [("Adeel Khan RASOOL", "Adeel", "RASOOL", "Adeel RASOOL")]),
    ("SMITH John JONES", [("John JONES", "John", "JONES", "John JONES")]),
    ("Zoltar QUINCEY was seen.", []),  # a first name nobody knows, with nothing beside it
    ("suspect Zoltar QUINCEY was seen.", [("Zoltar QUINCEY", "Zoltar", "QUINCEY", "Zoltar QUINCEY")]),
    ("Zoltar QUINCEY (17) was seen.", [("Zoltar QUINCEY", "Zoltar", "QUINCEY", "Zoltar QUINCEY")]),
]
ALL_CAPS = [
    ("KYLE DARNELL ARRESTED", [("KYLE DARNELL", "Kyle", "DARNELL", "Kyle DARNELL")]),
    ("S1 ZOLTAR QUINCEY", [("ZOLTAR QUINCEY", "Zoltar", "QUINCEY", "Zoltar QUINCEY")]),  # the label anchors it
    ("IP1 ALLEGES RAPE BY S2", []),
    ("REQ ADDITIONAL UNIT.", []),
]
SURNAME_FIRST = [
    ("STOTT, Bradley (S2)", [("STOTT, Bradley", "Bradley", "STOTT", "Bradley STOTT")]),
    ("STOTT Bradley", [("STOTT Bradley", "Bradley", "STOTT", "Bradley STOTT")]),
    ("IP1 ASHWORTH, Chloe F", [("ASHWORTH, Chloe", "Chloe", "ASHWORTH", "Chloe ASHWORTH")]),
    ("SMITH John JONES", []),  # John JONES is the name
]
TITLE = [
    ("Mrs Oyelowo called.", [("Mrs Oyelowo", None, "Oyelowo", "Mrs Oyelowo")]),
    ("Mr KWARTENG arrived.", [("Mr KWARTENG", None, "KWARTENG", "Mr KWARTENG")]),
    ("Mr Dean Stott attended.", [("Mr Dean Stott", "Dean", "Stott", "Mr Dean Stott")]),
]
MIXED = [
    ("I spoke to Bradley Stott today.", [("Bradley Stott", "Bradley", "Stott", "Bradley Stott")]),
    ("Location Description", []),
    ("Caddington Vale CID", []),
]


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [(full_caps_names, t, e) for t, e in FULL_CAPS]
    + [(all_caps_names, t, e) for t, e in ALL_CAPS]
    + [(surname_first_names, t, e) for t, e in SURNAME_FIRST]
    + [(title_names, t, e) for t, e in TITLE]
    + [(mixed_names, t, e) for t, e in MIXED],
)
def test_name_pattern(pattern: NamePattern, text: str, expected: list[tuple[str, str | None, str, str]]) -> None:
    hits = pattern(text, NameScope(), ())
    assert [(text[h.start:h.end], h.first, h.surname, h.display) for h in hits] == expected


def test_name_patterns_skip_taken_spans_and_officers() -> None:
    text = "Adeel Khan RASOOL (S2)"
    assert [text[h.start:h.end] for h in mixed_names(text)] == ["Adeel Khan"]
    assert mixed_names(text, NameScope(), [(0, 17)]) == []  # FULL_CAPS took it first
    # An officer's surname is a name only with a role label or an age beside it
    officers = NameScope(officer_surnames={"HARGREAVE"})
    assert full_caps_names("Later Tom HARGREAVE rang.", officers) == []
    assert [h.surname for h in full_caps_names("S3 Tom HARGREAVE (41)", officers)] == ["HARGREAVE"]


NICKS = [
    (known_as_names, 'a male known as "Jinx" was there', ["Jinx"]),
    (known_as_names, '34 yrs AKA "STRETCH"', ["STRETCH"]),
    (known_as_names, "anyone called FLASH.", ["FLASH"]),
    (bracket_quoted_names, 'NORBURN, Ashley ("Big Ash") - outstanding', ["Big Ash"]),
    (quoted_names, 'adult male "Darryl" on', ["Darryl"]),
    (label_quoted_names, 'S3 "ROBBO" approx 30', ["ROBBO"]),
    (bracket_names, "taken with another girl (Jade - surname not known) to a flat", ["Jade"]),
    (bracket_names, "a friend (Jade, 14) to a flat", ["Jade"]),
    (bracket_names, "a male (Benny) was there", ["Benny"]),
    (bracket_names, "Bradley STOTT (S2) was there", []),
]


@pytest.mark.parametrize(("pattern", "text", "expected"), NICKS)
def test_nickname_pattern(pattern: NickPattern, text: str, expected: list[str]) -> None:
    hits = pattern(text, ())
    assert [h.nick for h in hits] == expected
    assert all(text[h.start:h.end].strip() == h.nick and h.at <= h.start for h in hits)


def test_ner_names_keep_full_names_outside_officers() -> None:
    text = "I met Tracey Oyelowo at DC 4471 John SMITH desk."
    ents = [(6, 20, "PERSON"), (27, 42, "PERSON"), (0, 1, "GPE"), (24, 26, "PERSON")]
    hits = ner_names(text, ents, officers=[(24, 42)])
    assert [(h.first, h.surname, h.how) for h in hits] == [("Tracey", "Oyelowo", "ner")]
    assert maybe_mixed_name("she met with Tracey Oyelowo")
    assert not maybe_mixed_name("The Police Station")


# -- role codes and labels ------------------------------------------------------------------------

LEGENDS = [
    ("YP | Victim\n", {"victim": {"YP"}}),
    ("OFF = Offender\n", {"suspect": {"OFF"}}),
    ("PRS | Person reporting, not suspected\n", {"witness": {"PRS"}}),
    ("VIC | Victim\n", {}),  # a base code already means victim
    ("SUB1 Kyle DARNELL (suspect)\nSUB2 Ian MORTLAKE (suspect)\n", {"suspect": {"SUB"}}),
    ("SUB1 Kyle DARNELL (suspect)\n", {}),  # one line of prose is not enough
    ("Legend: C1/C2 complainants, SUB1-3 suspects\n", {"suspect": {"SUB"}}),
    ("SUB1 and does not see herself as a suspect\n", {}),
    ("DC 4471 SMITH | suspect interviewed\n", {}),
    # "V1 (15), suspect S1": the role word belongs to the code after it; a base code keeps its meaning
    ("Allegation of rape (s.1 SOA 2003): V1 (15), suspect S1.\nSexual assault (s.3 SOA 2003): V2 (14), suspect S2.\n",
     {}),
    # an inline legend of several "CODE = meaning" definitions, wrapped over a line, in two languages
    ("Personau / Persons (DD = dioddefwr/victim PA = person a amheuir/suspect T =\n"
     "tyst/witness PR = proffesiynol/professional)\n", {"victim": {"DD"}, "suspect": {"PA"}, "witness": {"T"}}),
    ("Result: A = B and nothing else\n", {}),  # one "X = y" alone is not a legend
    # offence numbers, however often a suspect's code stands beside them, are not people
    ("OFFENCES\nOFF1 RAPE OF A FEMALE AGED 13-15 (SOA 2003 s.1) L1 ATTRIB S1\n"
     "OFF2 SEXUAL ASSAULT ON A FEMALE AGED 13 OR OVER (SOA 2003 s.3) L2 ATTRIB S2\n"
     "S1 KELLETT (OFF1): the evidential stage is not met.\nS2 PARFITT (OFF2): no interview.\n", {}),
    # a suspect's code with the section he is attributed is still a person's code
    ("SN1 Darren KELLOW (suspect)\nSN2 'Jay' (suspect)\nCrimes: -0642 SN1 s.9; -0649 SN2 s.1.\n", {"suspect": {"SN"}}),
]


@pytest.mark.parametrize(("text", "codes"), LEGENDS)
def test_role_codes_from_a_legend(text: str, codes: dict[str, set[str]]) -> None:
    assert learn_role_codes([text]) == codes


def test_role_labels_are_normalised() -> None:
    text = "IP1 and S 2 told W3; Suspect 2 and Victim A; c1 is not a label; C1 is"
    assert [(h.text, h.label, h.role) for h in role_labels(text)] == [
        ("IP1", "IP1", "victim"), ("S 2", "S2", "suspect"), ("W3", "W3", "witness"),
        ("Suspect 2", "S2", "suspect"), ("Victim A", "IPA", "victim"), ("C1", "IP1", "victim")]
    own = role_label_rx({"suspect": {"SUB"}, "witness": {"NOM"}})
    assert [(h.label, h.role) for h in role_labels("SUB2 and NOM1", own, frozenset({"SUB", "NOM"}))] == [
        ("SUB2", "suspect"), ("NOM1", "witness")]


# -- role votes -------------------------------------------------------------------------------------

ROLES = [
    ("Chloe HARTLEY, aged 14, was reported missing.\n", "HARTLEY", "victim"),  # a child
    ("Kyle DARNELL was arrested and interviewed on 12/03/2019.\n", "DARNELL", "suspect"),
    ("A statement was taken from her mum, Tracey OYELOWO.\n", "OYELOWO", "witness"),
    ("S2: Bradley STOTT was seen at the flat.\n", "STOTT", "suspect"),  # the label
    ("Ruby (12) told a teaching assistant that he did stuff to her. Ruby CALDER is the sister of IP1.\n",
     "CALDER", "victim"),  # she disclosed abuse of herself
    ("Social worker Jane PEMBERTON attended the strategy meeting.\n", "PEMBERTON", None),  # a professional
    # another child, though "not identified" is a suspect's cue
    ("IP1 said that a girl from her school known as Shannon REEVE had also been driven there. "
     "REEVE has not been identified.\n", "REEVE", "victim"),
    # a possessive label is someone else's: the number saved in the IP's phone is the suspect's
    ("A second man known as Dean FARRIS raped her.\nNumber saved in IP's phone as FARRIS.\n", "FARRIS", "suspect"),
]


@pytest.mark.parametrize(("text", "surname", "role"), ROLES)
def test_role_votes(text: str, surname: str, role: str | None) -> None:
    p = _one(make_ctx({"a.txt": text}), surname)
    assert p.role == role, dict(p.role_votes)


@pytest.mark.parametrize(("text", "age"), [
    ("Chloe HARTLEY, aged 14, was", 14), ("Chloe HARTLEY (14) went", 14), ("Chloe HARTLEY went", None)])
def test_age_after_a_name(text: str, age: int | None) -> None:
    assert age_at(text, len("Chloe HARTLEY"), 2019) == age


# -- merging, aliases, officers -----------------------------------------------------------------------

def test_a_first_name_alone_joins_the_only_person_with_it() -> None:
    p = _one(make_ctx({"a.txt": "Chloe HARTLEY (14) went to the flat.\nLater Chloe said she was scared.\n"}),
             "HARTLEY")
    assert [(m.text, m.how) for m in p.mentions] == [("Chloe HARTLEY", "full"), ("Chloe", "first")]


def test_a_nickname_met_earlier_joins_its_owner() -> None:
    ctx = make_ctx({"a.txt": 'A male known as "Jinx" supplied drugs.\nNORBURN, Ashley ("Jinx") was named.\n'})
    people = find_people(ctx)
    norburn = _one(ctx, "NORBURN")
    assert norburn.nicknames == {"Jinx"} and [m.how for m in norburn.mentions].count("nick") == 2
    assert not [p for p in people if p is not norburn and "Jinx" in p.nicknames]


def test_a_nickname_that_is_a_surname_is_that_person() -> None:
    ctx = make_ctx({"a.txt": "a male called KEYWORTH drove.\nLiam KEYWORTH was arrested.\n"})
    assert [p.display for p in find_people(ctx)] == ["Liam KEYWORTH"]


@pytest.mark.parametrize(("text", "label", "surname"), [
    ("Person B - Stuart MILWARD was seen.\nPerson B was arrested.\n", "Person B", "MILWARD"),
    ("Gary PENHALIGON (Person A) drove the car.\n", "Person A", "PENHALIGON"),
])
def test_a_letter_label_binds_to_the_name_beside_it(text: str, label: str, surname: str) -> None:
    assert label in _one(make_ctx({"a.txt": text}), surname).labels


def test_a_label_with_a_quoted_name_is_one_person() -> None:
    (p,) = find_people(make_ctx({"a.txt": 'S3 "ROBBO" approx 30, white.\n'}))
    assert p.nicknames == {"ROBBO"} and p.labels == {"S3"} and p.role == "suspect"


def test_a_label_with_a_quoted_name_is_not_the_nickname_of_the_name_before_it() -> None:
    ctx = make_ctx({"a.txt": 'V2 OKONJO Nadia (14) S1 RIDDIFORD Jason (24) S2 BANNERMAN Kyle (20) S3 "TIZ" (NK)\n'})
    bannerman = _one(ctx, "BANNERMAN")
    assert "TIZ" not in bannerman.nicknames and bannerman.labels == {"S2"}
    assert any(p.labels == {"S3"} and "TIZ" in p.nicknames for p in find_people(ctx))


def test_a_role_word_then_a_name_in_capitals_is_a_person() -> None:
    ctx = make_ctx({"a.txt": "Suspects: S1 Darren PLUMMER, S2 Connor HAVILAND. Third suspect BASH: not identified.\n"
                             "Suspect DNA results awaited.\nSuspect RASSO review held 03/04.\n"})
    assert sorted(p.display for p in find_people(ctx)) == ["BASH", "Connor HAVILAND", "Darren PLUMMER"]


def test_a_nickname_after_another_person_described_is_not_the_name_before() -> None:
    ctx = make_ctx({"a.txt": 'She was raped at the flat by Lewis PRENDERGAST ("Prendo") and by the driver she '
                             "called Mo.\n"})
    prendergast = _one(ctx, "PRENDERGAST")
    assert "Mo" not in prendergast.nicknames
    assert any("Mo" in p.nicknames for p in find_people(ctx) if p is not prendergast)


def test_a_label_after_a_full_stop_opens_the_next_sentence() -> None:
    ctx = make_ctx({"a.txt": "IP1 ............. Kayleigh MORROW, DOB 02/05/2001\n"
                    "S2 ........ male known as KEZ - not identified\n"
                    "S2 KEZ. IP1 describes him as in his twenties.\n"})
    morrow = _one(ctx, "MORROW")
    kez = next(p for p in find_people(ctx) if "KEZ" in p.nicknames)
    assert morrow.labels == {"IP1"} and kez.labels == {"S2"} and kez is not morrow


@pytest.mark.parametrize("text", [
    "DC 4471 HARGREAVE took the statement.\nDC 4471 HARGREAVE arrested Kyle DARNELL.\n",
    "Statement taken by PC 2290 MALIK from the mother. MALIK then left.\n",
])
def test_officers_are_never_people(text: str) -> None:
    ctx = make_ctx({"a.txt": text})
    assert not any(p.surname in ("HARGREAVE", "MALIK") for p in find_people(ctx))


# -- the stage -------------------------------------------------------------------------------------------

def test_find_people_fills_ctx_people_once() -> None:
    ctx = make_ctx({"a.txt": "Bradley STOTT was arrested.\n"})
    assert ctx.people is None
    people = find_people(ctx)
    assert ctx.people is people and find_people(ctx) is people
    assert "people" not in ctx.cache


class _Peek(Detector):
    name: ClassVar[str] = "peek"
    version: ClassVar[str] = "1"

    def __init__(self) -> None:
        self.seen: list[Person] | None = None

    def detect(self, ctx: CaseContext) -> list[Suggestion]:
        self.seen = ctx.people
        return []


def test_pipeline_runs_people_before_any_detector() -> None:
    docs = make_ctx({"a.txt": "S1 Kyle DARNELL and S2 Ian MORTLAKE were arrested.\n"}).documents
    stages: list[tuple[str, int, int]] = []
    peek = _Peek()
    review_documents("c", docs, detectors=[peek], progress=lambda *a: stages.append(a))
    assert stages[:2] == [("people", 0, 1), ("people", 1, 1)] and stages[2][0] == "detect"
    assert peek.seen is not None and {p.surname for p in peek.seen} == {"DARNELL", "MORTLAKE"}


def test_finder_passes_run_alone() -> None:
    finder = PeopleFinder(make_ctx({"a.txt": "S2: Bradley STOTT.\n"}))
    assert finder.run() == finder.people and finder.by_label["S2"].surname == "STOTT"


# -- screening ------------------------------------------------------------------------------------------------

_SUSPECTS = "Suspects: Kyle DARNELL (S1) and Ian MORTLAKE (S2), both arrested.\n"
_NFA_2016 = "Case filed NFA on 14/06/2016, outcome 16.\n"
SCREENING = [
    ("in scope, no rape", _SUSPECTS + "Sexual assault by touching of IP1 Amy LEEMING, aged 12, recorded.\n"
     + _NFA_2016, True, 2, "contact sexual offence recorded"),
    ("one suspect", "Suspect: Kyle DARNELL (S1), arrested.\nRape of IP1 Amy LEEMING, aged 12, recorded.\n"
     + _NFA_2016, False, 3, "fewer than two suspects found (1)"),
    ("NFA before 2010", _SUSPECTS + "Offence recorded as s.5 SOA 2003 against IP1 Amy LEEMING, aged 12.\n"
     "Case filed NFA on 14/06/2008, outcome 16.\n", False, 3, "outside 2010-01-01 to 2025-03-31"),
    ("no NFA", _SUSPECTS + "Offence recorded as s.5 SOA 2003 against IP1 Amy LEEMING, aged 12.\n"
     "Charged on 14/06/2016.\n", False, 3, "no dated NFA decision found"),
    ("non-contact only", _SUSPECTS + "Offence: sending indecent images to IP1 Amy LEEMING, aged 12 "
     "(s.15A SOA 2003 sexual communication with a child).\n" + _NFA_2016, False, 3,
     "no contact sexual offence found"),
]


@pytest.mark.parametrize(("case", "text", "in_scope", "priority", "reason"), SCREENING)
def test_screen_case(case: str, text: str, in_scope: bool, priority: int, reason: str) -> None:
    sc = screen_case(make_ctx({"s.txt": text}))
    assert (sc.in_scope, sc.priority) == (in_scope, priority), sc
    assert any(reason in r for r in sc.reasons), sc.reasons


def test_screen_case_reads_ctx_people() -> None:
    ctx = make_ctx({"s.txt": SCREENING[0][1]})
    ctx.people = []  # the people stage found nobody
    sc = screen_case(ctx)
    assert sc.suspects == 0 and not sc.in_scope


# -- segmenter --------------------------------------------------------------------------------------------------

SEGMENTS = [
    ("A07 | Seize CCTV at Bellway taxi office | PC 2210 OKAFOR | Open\nA08 | Trace W2 | DC 1 SMITH | Closed\n",
     ["A07 | Seize CCTV at Bellway taxi office | PC 2210 OKAFOR | Open", "A08 | Trace W2 | DC 1 SMITH | Closed"]),
    ("The officer spoke to the mother at the address and she said that\nher daughter had not come home on the "
     "night of the\nparty. She was worried.\n",
     ["The officer spoke to the mother at the address and she said that\nher daughter had not come home on the "
      "night of the\nparty.", "She was worried."]),
    ("DC 4471 SMITH saw Mr. Jones at approx. 10pm. No. 3 was empty. He left.\n",
     ["DC 4471 SMITH saw Mr. Jones at approx. 10pm.", "No. 3 was empty.", "He left."]),
    ("14/03/2019 10:00 IP1 seen at school\n14/03/2019 11:00 S1 arrested\n",
     ["14/03/2019 10:00 IP1 seen at school", "14/03/2019 11:00 S1 arrested"]),
    ("Summary\n\nThe case was filed.\n", ["Summary", "The case was filed."]),
    # OCR's blank line inside a sentence left open by a possessive or a joining word
    ("The CPS advised NFA.\n\nGiven the IP's\n\nchaotic lifestyle I do not believe further\n\nEnquiries.\n",
     ["The CPS advised NFA.", "Given the IP's\n\nchaotic lifestyle I do not believe further", "Enquiries."]),
]


@pytest.mark.parametrize(("text", "expected"), SEGMENTS)
def test_segment_text(text: str, expected: list[str]) -> None:
    assert [text[a:b] for a, b in segment_text(text)] == expected


# -- status wording ---------------------------------------------------------------------------------------------

STATUS = [
    ("Phone download requested from DFU.", "pending", "requested"),
    ("Awaiting download of the phone.", "pending", "Awaiting"),
    ("Phone to be downloaded.", "pending", "to be downloaded"),
    ("Action A07 raised: seize CCTV.", "pending", "raised"),
    ("Phone downloaded; report exhibited as KB/4.", "done", "exhibited as"),
    ("PNC and PND checks on the VRM: no trace", "done", "no trace"),
    ("CCTV viewed, shows nothing of note.", "done", "nothing of note"),
    ("House to house not completed.", "not_done", "not completed"),
    ("Status: OPEN at closure.", "not_done", "OPEN at closure"),
    ("Not proportionate to pursue the download.", "not_done", "Not proportionate"),
    ("Completed 12/03/2019.", "done_weak", "Completed 12/03"),
    ("The weather was cold.", "mention", ""),
]


@pytest.mark.parametrize(("text", "status", "cue"), STATUS)
def test_status_classify(text: str, status: str, cue: str) -> None:
    st = classify(text)
    assert (st.status, st.cue) == (status, cue)
    assert st.start == -1 or text[st.start:st.end] == st.cue


def _one(ctx: CaseContext, surname: str) -> Person:
    (p,) = [p for p in find_people(ctx) if p.surname == surname]
    return p


def test_a_lettered_child_is_a_victim_and_a_cawn_in_respect_of_her_is_not_her_suspicion() -> None:
    ctx = make_ctx({"a.txt": (
        "Child B Courtney LISTON 30/06/2003 (15) Victim.\n"
        "NOM4 Craig OSSEY - CAWN served 11/04/2019 in respect of Child B. No further action against him.\n"
        "Child B - declined ABE on 25/03/2019; no further approach made.\n"
        "Team 3: NOM4 to be served a CAWN in respect of Child B.\n")})
    assert _one(ctx, "LISTON").role == "victim"


def test_a_quoted_nickname_of_two_words_in_capitals_is_kept_whole() -> None:
    ctx = make_ctx({"a.txt": 'SUSP3  "BIG TONY", not identified.\nThe flat is rented by a man known only as BIG TONY, '
                             "who is there most nights.\nN5 | \"BIG TONY\" NFD | SUSP3 | Not identified\n"})
    (p,) = [q for q in find_people(ctx) if q.nicknames]
    assert p.nicknames == {"BIG TONY"} and "S3" in p.labels and p.role == "suspect"


def test_a_label_before_a_calling_verb_is_not_the_name_after_it() -> None:
    ctx = make_ctx({"a.txt": "1 | Police | ABE interview of Kayleigh (IP1) with intermediary\n"
                             "Occupier Dean HOLLIS (S1) let her sleep on the sofa. Kayleigh ORMSBY was found there.\n"
                             "DS ARKWRIGHT: IP1 called HOLLIS her boyfriend throughout.\n"})
    hollis, ormsby = _one(ctx, "HOLLIS"), _one(ctx, "ORMSBY")
    assert hollis.labels == {"S1"} and ormsby.labels == {"IP1"}


def test_a_shared_surname_goes_to_the_person_its_label_or_initial_names() -> None:
    ctx = make_ctx({"a.txt": "IP1 PENROSE, Jade Louise F DOB 19/06/2001\nW1 PENROSE, Lorraine F mother of IP1\n"
                             "D01 MG11 W1 PENROSE L 15/11/15\n"})
    lorraine = next(p for p in find_people(ctx) if p.first == "Lorraine")
    assert any(m.text == "PENROSE" and m.how == "surname" for m in lorraine.mentions)


@pytest.mark.parametrize(("text", "nick"), [
    ('Pathways RHI: names "Macca" (Snapchat) and "Shaz" (driver).', "Shaz"),
    ('Identify "Shaz", driver of the silver Astra (S3)', "Shaz"),
    ('Unidentified male "Smiley" (S3).', "Smiley"),
])
def test_a_quoted_name_a_role_follows_is_a_person(text: str, nick: str) -> None:
    assert any(nick in p.nicknames for p in find_people(make_ctx({"a.txt": text + "\n"})))


@pytest.mark.parametrize("word", ["AKA", "INDEX", "UNRES", "UPN", "RES"])
def test_record_words_are_not_surnames(word: str) -> None:
    ctx = make_ctx({"a.txt": f"MATCHAM, Lee {word} \"MATTY\" (M) 05/12/1984\nOP TALLBRIDGE - NOMINAL {word}\n"})
    assert all(p.surname != word and word not in p.nicknames for p in find_people(ctx))


def test_an_alias_after_a_surname_first_name_is_that_persons() -> None:
    # "MOLYNEUX, Reece AKA RATTY": the name ends at the first name, so the alias has its owner
    ctx = make_ctx({"a.txt": "S2 MOLYNEUX, Reece AKA RATTY 17/06/1999 No fixed abode since 10/18.\n"
                             "Ratty picks her up from school.\n"})
    people = find_people(ctx)
    assert [(p.display, sorted(p.labels)) for p in people] == [("Reece MOLYNEUX", ["S2"])]
    assert {n.upper() for n in people[0].nicknames} == {"RATTY"}


def test_a_label_in_a_list_of_people_is_not_the_next_names() -> None:
    # "(S1, S2, CROWTHER)": three people, so S2 ("Raz") is not CROWTHER's label
    ctx = make_ctx({"a.txt": 'S2 "Raz": not identified.\n'
                             "Risks: exploitation by adult males (S1, S2, CROWTHER); missing episodes.\n"
                             "Liam CROWTHER was not interviewed.\n"})
    people = {p.display: sorted(p.labels) for p in find_people(ctx)}
    assert people.get("Liam CROWTHER") == [] and people.get("Raz") == ["S2"], people


def test_a_quoted_name_after_a_record_systems_own_code() -> None:
    # 'NOM3 "MIKEY"': the nominal code and the quoted name are one person
    ctx = make_ctx({"a.txt": 'NOM3 "MIKEY" - not identified, driver\n4. NOM3 "MIKEY" - identify (intel search).\n'})
    assert [(p.display, sorted(p.labels)) for p in find_people(ctx)] == [("MIKEY", ["S3"])]


def test_the_first_part_of_a_double_first_name_is_that_person() -> None:
    ctx = make_ctx({"a.txt": "Child: Tia-Rose ASHWORTH (13).\nTia would not go into the interview room.\n"})
    people = find_people(ctx)
    assert [(p.display, len(p.mentions)) for p in people] == [("Tia-Rose ASHWORTH", 2)]


def test_a_code_in_the_possessive_after_a_nickname_is_someone_elses() -> None:
    # "the number saved as Jay in IP1's phone": IP1 is the complainant, not Jay
    from assistant.nlp.people.finder import find_people
    from tests.detector_helpers import make_ctx

    ctx = make_ctx({"a.txt": 'Intel development first on the driver "Jay" before any arrest phase.\n'
                             "GG/2 | Pursue communications data on the number saved as Jay in IP1's phone | Silver\n",
                    "b.txt": "IP1 Tegan RUSHWORTH (15) disclosed to her RSW.\n"})
    tegan = next(p for p in find_people(ctx) if p.surname == "RUSHWORTH")
    assert "Jay" not in tegan.nicknames, (tegan.nicknames, tegan.labels)


def test_a_rank_is_a_word_of_its_own() -> None:
    from assistant.nlp.entities import find_officers

    # "DIZZY", "DINO", "SCOTT", "DIXON" are not DI ZZY, DI NO, SC OTT or DI XON
    for text in ["S3 'DIZZY' (NFN) est. 20-23", 'SUS2 "DINO" Not identified.', "SCOTT was seen", "DIXON, Lee"]:
        assert find_officers(text) == [], text
    assert [o.surname for o in find_officers("DC4410 OGDEN and DS.KERSHAW")] == ["OGDEN", "KERSHAW"]


def test_a_coded_suspect_with_a_quoted_nickname_is_one_person() -> None:
    ctx = make_ctx({"a.txt": "SUSPECTS\nS1 PRIESTLEY, Connor (14) Ashby Road\n"
                             "S3 'DIZZY' (NFN) est. 20-23 Not known Not identified.\n"
                             "IP1 says the male called Dizzy drives a silver car.\n"})
    people = find_people(ctx)
    s3 = [p for p in people if "S3" in p.labels]
    assert len(s3) == 1 and "DIZZY" in {n.upper() for n in s3[0].nicknames}, people


def test_function_words_in_capitals_are_not_surnames() -> None:
    ctx = make_ctx({"a.txt": "PUPIL DISCLOSED A SEXUAL ASSAULT BY A MALE CALLED LEE AT A FLAT ON SAWLEY ROAD.\n"})
    assert not [p for p in find_people(ctx) if p.surname == "AT"]


def test_children_act_sections_are_not_role_codes() -> None:
    from assistant.nlp.people.codes import ROLE_LABEL

    assert ROLE_LABEL.search("S47 agreed. Police to arrange ABE.") is None
    assert ROLE_LABEL.search("S17 assessment opened by CSC") is None
    assert ROLE_LABEL.search("S3 PRICE - not traced").group(0) == "S3"


def test_a_label_after_a_name_in_a_labelled_list_opens_the_next_item() -> None:
    ctx = make_ctx({"a.txt": 'She named four males: S1 Dean GARSIDE, S2 Kyle MOSSOP, S3 a driver known as "Jez", '
                             'and S4 Anthony PRYOR.\nA7 22/09 OPEN Identify S3 "JEZ" (driver)\n'})
    people = find_people(ctx)
    mossop = [p for p in people if p.surname == "MOSSOP"][0]
    assert mossop.labels == {"S2"}
    assert any("S3" in p.labels and "JEZ" in {n.upper() for n in p.nicknames} for p in people)


def test_a_column_letter_between_code_and_name_and_a_parent_known_only_by_title() -> None:
    ctx = make_ctx({"a.txt": "IP2 V ORMSBY, Jade 22/06/2004 friend of IP1\n"
                             "Mum (Mrs ORMSBY) - wants Jade left alone over Xmas.\n"
                             "1400 Tel Mrs ORMSBY - not in, msg left.\n"})
    people = find_people(ctx)
    jade = [p for p in people if p.first == "Jade"][0]
    assert "IP2" in jade.labels
    assert not any(n.startswith("Mrs") for n in jade.names), jade.names
    assert any(p is not jade and p.surname == "ORMSBY" for p in people)
