"""Table-driven tests of the three detectors (real lexicons, real MiniLM classifier)."""

from __future__ import annotations

import pytest

from assistant.detectors.missing_interview import MissingInterviewDetector
from assistant.detectors.unfollowed import UnfollowedInquiryDetector
from assistant.detectors.victim_blaming import VictimBlamingDetector
from tests.detector_helpers import assert_grounded, make_ctx

# --- victim-blaming language ------------------------------------------------------------------
VB_FLAGGED = [
    # (sentence, words the citation must contain)
    ("Officer's note: the girl is very streetwise and knows exactly what she is doing.", "streetwise"),
    ("IP1 has an older boyfriend, a 24 year old man from the takeaway.", "boyfriend"),
    ("Staff believe she is selling sex for vodka and cigarettes.", "selling sex"),
    ("The touching in the changing room was just horseplay.", "horseplay"),
    ("Kerry keeps putting herself at risk by going to the flat.", "putting herself at risk"),
    ("The complainant is promiscuous and has had many partners.", "promiscuous"),
    ("She went with the men willingly on several occasions.", "willingly"),
    ("The boy has a reputation for exaggerating and telling tall stories.", "reputation for exaggerating"),
    ("Both girls are involved in a relationship with S1.", "relationship with"),
    ("It is her lifestyle choice to stay out with these adults.", "lifestyle choice"),
]
VB_NOT_FLAGGED = [
    'She told the ISVA "he was my boyfriend and I loved him".',
    "A child of 13 cannot consent in law, so consent is not an issue.",
    "Offence: Sexual Offences Act 2003 s.9 sexual activity with a child.",
    "She consented to a forensic medical examination at the SARC.",
    "The reviewer notes that describing the child as promiscuous was victim-blaming language.",
    "She was reported missing on 6 occasions between May and July.",
    "S1 is manipulative and controlling towards the girls he grooms.",
    "The adults gave the child alcohol and cannabis in order to abuse her.",
    "She has been targeted by older males and is at risk of exploitation.",
]


@pytest.mark.parametrize(("sentence", "phrase"), VB_FLAGGED)
def test_victim_blaming_flagged(sentence: str, phrase: str) -> None:
    ctx = make_ctx({"log.txt": f"Entry 4. {sentence}\n"})
    out = VictimBlamingDetector().detect(ctx)
    assert_grounded(ctx, out)
    assert any(phrase.lower() in c.quote.lower() for s in out for c in s.citations), out
    s = out[0]
    assert "instead" in s.rationale.lower() and "guidance" in s.rationale.lower()


@pytest.mark.parametrize("sentence", VB_NOT_FLAGGED)
def test_victim_blaming_not_flagged(sentence: str) -> None:
    ctx = make_ctx({"log.txt": f"Entry 4. {sentence}\n"})
    assert VictimBlamingDetector().detect(ctx) == []


# --- unfollowed lines of inquiry ----------------------------------------------------------------
UNFOLLOWED = [
    # (documents, expected kind or None)
    ({"oel.txt": "14/03/2019 The shop CCTV was requested but was never collected before the file closed.\n"},
     "cctv"),
    ({"oel.txt": "14/03/2019 CCTV from the shop viewed by DC 4471 HARGREAVE: nothing of evidential value.\n"},
     None),
    ({"actions.txt": "ACT-04 | Obtain CCTV, Spar, Mill Lane, 02/03/2019 | PC 2210 OKAFOR | | Open\n",
      "summary.txt": "The Spar CCTV for Mill Lane was viewed on 05/03/2019 and is NEV (exhibit RO/3).\n"},
     None),
    ({"oel.txt": "IP's handset was seized on 03/04 and returned to her mother without a download.\n"},
     "phone_digital"),
    ({"oel.txt": "Witness gave a partial VRM FE11. PNC / ANPR checks on the partial index not progressed.\n"},
     "vehicle_anpr"),
    ({"plan.txt": "Action: send a preservation request to Snapchat for the account \"kaz_b99\".\n"
                  "Update 12/05: the request was drafted but not sent.\n"},
     "social_media"),
    ({"minutes.txt": "The school safeguarding records for IP are to be requested. Awaiting.\n"},
     "third_party_records"),
    ({"oel.txt": "IP says two other girls from her care home were also taken to the flat. "
                 "No enquiries were made to identify them.\n"},
     "other_victims"),
]


@pytest.mark.parametrize(("docs", "kind"), UNFOLLOWED)
def test_unfollowed_inquiry(docs: dict[str, str], kind: str | None) -> None:
    ctx = make_ctx(docs)
    out = UnfollowedInquiryDetector().detect(ctx)
    assert_grounded(ctx, out)
    kinds = {s.kind for s in out}
    if kind is None:
        assert "cctv" not in kinds, [s.title for s in out]
    else:
        assert kind in kinds, [s.title for s in out]


def test_unfollowed_cites_every_document_that_raises_the_line() -> None:
    ctx = make_ctx({
        "actions.txt": "A07 | Seize and view CCTV at Bellway taxi office, 21/06/2018 | PC 2210 OKAFOR | Open\n",
        "review.txt": "The Bellway taxi office CCTV was never seized and has now been overwritten.\n",
    })
    out = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "cctv"]
    assert len(out) == 1
    assert {c.document for c in out[0].citations} == {"actions.txt", "review.txt"}
    assert out[0].confidence >= 0.75


# --- missing interviews ---------------------------------------------------------------------------
def _mi(text: str) -> dict[str, str]:
    ctx = make_ctx({"summary.txt": text})
    out = MissingInterviewDetector().detect(ctx)
    assert_grounded(ctx, out)
    return {s.subject or "": s.role or "" for s in out}


MI_CASES = [
    # (text, surname expected with role, or surname expected absent)
    ("Suspects. S1: John HARKER, DOB 03/03/1980, arrested 05/05/2015 and interviewed under caution; "
     "no comment.\nS2: Dean MORLEY, DOB 12/12/1985, was served a CAWN on 09/06/2015 and was not interviewed.\n",
     {"MORLEY": "suspect"}, {"HARKER"}),
    ("Victims. IP1: Amy CASTLE (14) gave an ABE interview on 02/02/2016 (exhibit KL/1).\n"
     "IP2: Beth NOLAN (15) declined an ABE on 04/02/2016 and was not approached again.\n",
     {"NOLAN": "victim"}, {"CASTLE"}),
    ("W1 Gemma FORD, a neighbour, saw the silver car collect the girls. No statement was taken from her.\n"
     "W2 Paul RIDLEY, the shop manager, provided a statement on 03/03/2016 (exhibit PR/1).\n",
     {"FORD": "witness"}, {"RIDLEY"}),
    ("S3 is a male known only as \"Spider\". He has not been identified or traced.\n",
     {"Spider": "suspect"}, set()),
]


@pytest.mark.parametrize(("text", "present", "absent"), MI_CASES)
def test_missing_interview(text: str, present: dict[str, str], absent: set[str]) -> None:
    got = _mi(text)
    for name, role in present.items():
        match = [r for subj, r in got.items() if name in subj]
        assert match == [role], got
    for name in absent:
        assert not any(name in subj for subj in got), got


def test_officers_are_never_subjects() -> None:
    got = _mi("DC 4471 HARGREAVE was the OIC and did not interview anyone. "
              "S1 Lee BARROW was never interviewed; a CAWN was served.\n")
    assert not any("HARGREAVE" in s for s in got)
    assert any("BARROW" in s for s in got)


def test_subject_carries_aliases_for_matching() -> None:
    got = _mi('S2: Bradley STOTT, known as "Stotty", was not interviewed; words of advice were given.\n')
    subj = next(s for s in got if "STOTT" in s)
    assert "Stotty" in subj and "S2" in subj
