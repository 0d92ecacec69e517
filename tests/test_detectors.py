"""Table-driven tests of the three detectors (real lexicons, real MiniLM classifier)."""

from __future__ import annotations

import pytest

from assistant.detectors.missing_interview import MissingInterviewDetector
from assistant.detectors.unfollowed import UnfollowedInquiryDetector, kinds_in
from assistant.detectors.victim_blaming import VictimBlamingDetector
from assistant.nlp.context import CaseContext
from assistant.nlp.legend import Legend, learn_legend
from assistant.nlp.segment import segment_text
from assistant.nlp.status import classify
from tests.detector_helpers import assert_grounded, make_ctx


def _segments(text: str) -> list[str]:
    """The segments of one page of text, as strings."""
    return [text[a:b] for a, b in segment_text(text)]


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
    ("She doesn't want police involvement and is choosing to carry on seeing these men.", "choosing to carry on"),
    # a nickname in quotation marks is not a discussion of wording
    ('Driver white male 30s, called "SHIV" or "SHIVVY" Child B is streetwise and happy to go with them.',
     "streetwise"),
    # the suspect named after a preposition is not the subject of the wording
    ("Chats with Lewis KEZ are sexual in nature and appear consensual.", "consensual"),
    # OCR joined "in a"; a plural subject: the child and the adult
    ("GASKELL and IP were ina relationship over the summer.", "relationship"),
    ("IP1's account is undermined by her lifestyle.", "lifestyle"),
    ("Jade is making an informed choice to spend time with these males.", "informed choice"),
    # a stray closing mark OCR put after a word
    ("IP had willingly got\u2019 into the vehicle with the males.", "willingly"),
]
def test_victim_blaming_two_acts_of_one_family_in_one_short_entry_are_one_finding() -> None:
    ctx = make_ctx({"log.txt": "014 ST: CMP. VIC2 went to the flat willingly and organised the lifts herself.\n"})
    quotes = [c.quote for s in VictimBlamingDetector().detect(ctx) for c in s.citations]
    assert len(quotes) == 1 and "willingly" in quotes[0] and "herself" in quotes[0], quotes


def test_victim_blaming_in_a_record_quoted_by_another_record() -> None:
    # a disclosure schedule quoting a missing-person report: not the child's own words
    ctx = make_ctx({"mg6c.txt": '14. CSC MFH report 03/02/17 - "YP1 out again, putting herself at risk".\n'})
    out = VictimBlamingDetector().detect(ctx)
    assert any("putting herself at risk" in c.quote for s in out for c in s.citations), out


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
    # the complainant quoting the log to criticise it
    'The log says I was "promiscuous" and that I was "in a relationship" with Connor.',
    # the child's own description, attributed to her
    "She spoke warmly about Faz and described him as her boyfriend.",
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
    # the status written after a row on the same line, cut into sentences of its own
    ({"actions.txt": "AO 11/02/15 PC 6621 PNC/ANPR on blue Corsa, partial VRM \"KT61\" (CPS AP4). "
                     "Not started. OPEN.\n"},
     "vehicle_anpr"),
    # payments described in an account, never actioned
    ({"mg5.txt": "Her account: S1 sent her £40 on a banking app most weekends.\n"},
     "financial"),
    # a plan is not a result: "to be downloaded" does not answer "not examined"
    ({"plan.txt": "3. S2's handset TL/4 to be downloaded.\n",
      "review.txt": "- S2 handset TL/4: seized on arrest but handed back to him at the front desk, never examined.\n"},
     "phone_digital"),
    # a seizure with its exhibit number is done: no search line is left open
    ({"oel.txt": "Search of the flat at 9 Quarry Row under s.18 on 04/05/2016: bedding seized as KD/2 and "
                 "submitted to the lab, results exhibited KD/5.\n"},
     None),
    # another child not identified is a line about other victims
    ({"summary.txt": "Suspects: S1 Lewis ASHCROFT.\nIP1 said that a girl from her school known as Shannon "
                     "had also been driven to the flat. Shannon has not been identified or spoken to.\n"},
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


def test_unfollowed_a_crime_transferred_between_forces_is_not_a_payment() -> None:
    ctx = make_ctx({"record.txt": "Linked: RNP/N/19/004417 (Rail Network Police - TRANSFER IN).\n"
                                  "OUTSTANDING ACTIONS AT TRANSFER: none listed.\n"
                                  "She said he sent her a bank transfer of 40 pounds; not pursued.\n"})
    out = UnfollowedInquiryDetector().detect(ctx)
    fin = [c.quote for s in out if s.kind == "financial" for c in s.citations]
    assert fin and all("bank transfer" in q for q in fin), fin


@pytest.mark.parametrize("line", [
    "- Callum DEAKIN - cousin, saw Mo at the flat. No statement yet. Mob 07700 900744.",
    "He is happy to speak to police and can be contacted through the hotel on 07700 900651 (hotel duty mobile).",
])
def test_unfollowed_a_contact_number_is_not_a_phone_line(line: str) -> None:
    out = UnfollowedInquiryDetector().detect(make_ctx({"log.txt": line + "\n"}))
    assert not [s for s in out if s.kind == "phone_digital"], [s.title for s in out]


@pytest.mark.parametrize("heading", ["3.6 Other children.", "SECTION 2 - OTHER CHILDREN AND ADULTS OF CONCERN"])
def test_unfollowed_a_heading_is_not_a_line(heading: str) -> None:
    out = UnfollowedInquiryDetector().detect(make_ctx({"review.txt": heading + "\n"}))
    assert out == [], [s.title for s in out]


RESULTS_RECORDED = [
    "ACT 12 | Download of IP handset | Status: Complete. Download complete, report exhibited RJ/7.",
    "PNC and PND checks on the VRM: no trace.",
    "CCTV: area checked by PC 4410, no cameras covering the alley.",
    "House-to-house completed on 12/03, nil of note.",
    "Bank records obtained from Halford Building Society; no payments to IP found.",
    "Taxi firm records obtained: no booking for that address on the night.",
    "Snapchat data returned from the provider on 11/11, reviewed, nothing of note.",
]


@pytest.mark.parametrize("sentence", RESULTS_RECORDED)
def test_unfollowed_results_recorded_are_not_suggested(sentence: str) -> None:
    ctx = make_ctx({"log.txt": sentence + "\n"})
    assert UnfollowedInquiryDetector().detect(ctx) == []


def test_unfollowed_cue_belongs_to_the_sentence_topic() -> None:
    # the lab submission was left undone; the search (s.18) was done
    ctx = make_ctx({"log.txt": "- AP2 (duvet from the flat): seized RW/3 under s.18 on 03/12/13, in the "
                               "property store, not submitted to the lab.\n"})
    kinds = {s.kind for s in UnfollowedInquiryDetector().detect(ctx)}
    assert "forensic_medical" in kinds and "location_search" not in kinds, kinds


def test_unfollowed_two_objects_of_one_kind_are_two_lines() -> None:
    ctx = make_ctx({"review.txt": (
        "1. Subscriber checks on 07700 900731, the number saved as \"Tee\", were never requested.\n"
        "2. Handset exhibit MJ/4 (S1) was returned to him on release without a download.\n")})
    phones = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    assert len(phones) == 2, [s.title for s in phones]
    assert phones[0].confidence > phones[1].confidence


def test_unfollowed_separate_log_entries_about_one_place_are_two_lines() -> None:
    # two actions at one address, each its own entry with its own status: two findings
    ctx = make_ctx({"log.txt": (
        "Entry 10  10/05/17  Tenter Yard: no search of S1 flat conducted.\n"
        "Entry 11  10/05/17  Tenter Yard house-to-house - not completed.\n")})
    out = UnfollowedInquiryDetector().detect(ctx)
    quotes = [s.citations[0].quote for s in out]
    assert any("no search" in q for q in quotes) and any("house-to-house" in q for q in quotes), quotes
    assert_grounded(ctx, out)


def test_unfollowed_a_download_does_not_answer_a_subscriber_check() -> None:
    ctx = make_ctx({"custody.txt": (
        "23/04/18 | IP handset ST/1 downloaded (DFU), report exhibited ST/4. Msgs and calls from 07700 900417.\n"
        "Subscriber check on 07700 900417 to be requested.\n")})
    out = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    assert any("Subscriber check" in c.quote for s in out for c in s.citations), [s.title for s in out]


UNDONE_WORDING = [
    # (record line, words of the status cue)
    ("H2H CORDWELL RD REQ - NO RESOURCES, PASSED TO EARLIES.", "NO RESOURCES"),
    ("ENQ12 Premises s.18 search Flat 1a - not authorised, time elapsed", "not authorised"),
    ('ENQ10 Identify/trace SOI3 "TASH" - no further info', "no further info"),
    ("Handset ST/2 returned to DP on release at request of OIC", "returned to DP"),
    ("RESULT: Handset returned to mother 04/02/2016 at her request.", "returned to mother"),
    ("1P handset CV/1 returned to\u2019 Mrs ASHWORTH.at her request", "Mrs ASHWORTH"),
    ("All - subscriber and CDR for 07700 900417: no return from TIU.", "no return from"),
    ("Driver left before his name or firm could be taken.", "before his name"),
]


def test_status_a_result_field_that_only_refers_the_action_on_is_no_result() -> None:
    from assistant.nlp.status import classify

    assert classify("RESULT: Referred to TIU 15/01/2016.").status == "pending"
    assert classify("RESULT: Downloaded by DFU.").status == "done"


def test_unfollowed_an_exhibit_list_does_not_join_a_download_to_a_subscriber_check() -> None:
    # "KC/3 IP NOKIA 07700 900417" ties the handset to the number; the handset's download and
    # the number's subscriber check are still two actions, each left undone
    ctx = make_ctx({"file.txt": (
        "15 EXHIBITS KC/2 CLOTHING. KC/3 IP NOKIA 07700 900417.\n"
        "16 OIC DC 3158 ARMITAGE.\n\f"
        "11. The subscriber application for 07700 900417 was returned by the SPoC and has not been "
        "resubmitted.\n"
        "12. The IP's handset (KC/3) was handed back to Mrs DUFFIELD before it had gone to HTCU.\n")})
    phones = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    quotes = [" ".join(c.quote for c in s.citations) for s in phones]
    assert len(phones) == 2, quotes
    assert any("HTCU" in q and "subscriber" not in q for q in quotes), quotes
    assert_grounded(ctx, phones)


@pytest.mark.parametrize(("line", "cue"), UNDONE_WORDING)
def test_status_wording_of_an_action_left_undone(line: str, cue: str) -> None:
    from assistant.nlp.status import classify

    st = classify(line)
    assert st.status == "not_done" and cue in st.cue, st


def test_status_a_search_that_found_nothing_is_a_result() -> None:
    from assistant.nlp.status import classify

    st = classify("Phone RJ/1 extracted by DFU - report exhibited as KB/4: no contact with\n  Kai's number found.")
    assert st.status == "done", st
    assert classify("No contact was made with the school.").status == "not_done"


def test_unfollowed_house_to_house_and_a_search_of_one_address_are_two_lines() -> None:
    ctx = make_ctx({"mg5.txt": (
        "The caravan at plot 44 was never searched and is now sold.\n\n"
        "Summary of omissions: house-to-house of the neighbouring caravans was not done.\n")})
    out = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "location_search"]
    assert len(out) == 2, [s.title for s in out]


def test_status_a_seizure_with_its_exhibit_number_is_not_a_result() -> None:
    from assistant.nlp.status import classify

    assert classify("Property: Apple iPhone, black, seized by AO - exhibit ST/2.").status == "done_weak"
    assert classify("Download report exhibited ST/4.").status == "done"


def test_segments_join_wrapped_lines_on_a_page_typed_in_capitals() -> None:
    text = ("OIC REVIEW 14/04: IP1 SEEN WITH MOTHER AND SAYS SHE DOES NOT WANT TO GO ANY FURTHER. IP2'S\n"
            "ACCOUNT WAS NEVER OBTAINED AND SHE REMAINS AT RISK OF FURTHER HARM FROM THE GROUP.\n"
            "CCTV NOT RECOVERED FROM THE BUS STATION OR THE TAXI RANK. TAXI DRIVER NOT TRACED.\n")
    segs = _segments(text)
    assert any(s.startswith("IP2'S\nACCOUNT WAS NEVER OBTAINED") for s in segs), segs


def test_unfollowed_status_codes_of_an_action_log() -> None:
    # Athena/Niche-style status words before the action: ALLOCATED, OPEN, SUBMITTED are not results
    ctx = make_ctx({"log.txt": (
        "2022-02-13 ACT-0006 DC 4127 COMPLETE: bus interchange CCTV viewed - NEV.\n"
        "2022-02-18 ACT-0012 DC 5568 ALLOCATED: Shell garage Halden Rd CCTV (V1 and S1 in shop).\n"
        "2022-02-21 ACT-0014 DC 4127 OPEN: Voluntary interview S2 BANNERMAN - to be arranged via solicitor.\n"
        "S3 \"TIZ\" remains unidentified.\n")})
    out = UnfollowedInquiryDetector().detect(ctx)
    quotes = " || ".join(c.quote for s in out for c in s.citations)
    assert "BANNERMAN" in quotes and "TIZ" in quotes, quotes
    assert len([s for s in out if s.kind == "suspect"]) == 2, [s.title for s in out]


def test_unfollowed_named_witness_is_left_to_missing_interview() -> None:
    ctx = make_ctx({"summary.txt": "W2 Shannon PELL, a friend, was present at the flat. "
                                   "No statement was taken from her.\n"})
    assert not [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "witness"]
    assert any("PELL" in (s.subject or "") for s in MissingInterviewDetector().detect(ctx))


def test_unfollowed_a_witness_to_trace_for_a_statement_is_not_a_suspect_line() -> None:
    ctx = make_ctx({"letter.txt": "8 OIC Trace and obtain MG11 from Ellie WARBRICK, said by IP1 to have been at the "
                                  "flat in August.\n- Ellie WARBRICK was never traced and there is no statement from "
                                  "her.\n"})
    sugs = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "suspect"]
    assert not sugs, [c.quote for s in sugs for c in s.citations]
    assert any("WARBRICK" in (s.subject or "") for s in MissingInterviewDetector().detect(ctx))


@pytest.mark.parametrize(("line", "vehicle"), [
    ("13/11 request e-mailed to Transit control room. No further update.", False),
    ("The focus of the review was not completed.", False),
    ("Nominal index not updated at closure.", False),
    ("PNC check on the white Ford Transit van not done.", True),
    ("Partial index KX61 - ANPR not requested.", True),
    ("The VW Golf used by S1 was never traced.", True),
    ("Transit van seen outside the flat.", True),
])
def test_unfollowed_words_that_name_vehicles_only_in_context(line: str, vehicle: bool) -> None:
    assert any(k == "vehicle_anpr" for k, _, _ in kinds_in(line)) == vehicle


def test_unfollowed_a_handset_taken_in_is_not_its_download() -> None:
    ctx = make_ctx({"statements.txt": "I took possession of her mobile phone, which I exhibited as SO/1.\n",
                    "custody.txt": "OIC property note: IP handset SO/1 returned to Mrs MORRAN 24/03/2016 - not "
                                   "downloaded.\n"})
    out = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    assert out and "not downloaded" in out[0].citations[0].quote


@pytest.mark.parametrize("line", ["012 16/11/15 DS 2290 MELLOR VA intvw S3 WINTERSGILL under caution OPEN",
                                  "VA interview to be arranged w/ S2"])
def test_unfollowed_a_voluntary_attendance_interview_in_shorthand_is_a_suspect_action(line: str) -> None:
    assert any(k == "suspect" for k, _, _ in kinds_in(line))
    assert [s for s in UnfollowedInquiryDetector().detect(make_ctx({"log.txt": line + "\n"})) if s.kind == "suspect"]


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
    # only a first account, no ABE; a deferred interview; a 999 caller with no statement
    ("C2 Orla BRENNAN (14) gave a first account to PC 5521 DAWES but her carer would not agree to a video "
     "interview. Not taken further.\n", {"BRENNAN": "victim"}, set()),
    ("Suspects: S1 Kieran MOSS, S2 Wayne TULLY.\nEntry 07 14/03/16 S2 interview - deferred pending phone "
     "download. Not done by closure.\nEntry 08 16/03/16 S1 interviewed under caution, no comment.\n",
     {"TULLY": "suspect"}, {"MOSS"}),
    ("Dale FENBY (flat 2) made the 999 call on 04/04/2017 about girls shouting on the landing. "
     "He has not given a statement.\n", {"FENBY": "witness"}, set()),
    # a lettered label bound to the name beside it; words of advice are not an interview
    ("Suspects: Person A - Neil GASKIN; Person B - Terry ROWE.\nPerson A was interviewed under caution on "
     "02/02/2012 and denied the allegation.\nPerson B: words of advice were given at his home address.\n",
     {"ROWE": "suspect"}, {"GASKIN"}),
    # a raised plan item with no result; two suspects arrested and interviewed together
    ("Suspects: S1 Kane BRADLEY (26), S2 Dom SEALE (31), S3 Mihai COSTA (33).\n"
     "Plan: (f) Arrest S1 and S2. (g) Interview S3 under caution.\n"
     "Decision: S1 and S2 arrested 21/10 and interviewed.\n",
     {"COSTA": "suspect"}, {"BRADLEY", "SEALE"}),
    # a no-comment interview is an interview; "int'd" is how notebooks write it
    ("Suspects: S1 Craig LAVIN, S2 Nathan PRIOR.\n1230 LAVIN int'd (DS KNOWLES/DC OGUN) - no comment.\n"
     "- PRIOR was never arrested or interviewed.\n", {"PRIOR": "suspect"}, {"LAVIN"}),
    ("Suspects: S1 Craig LAVIN, S2 Nathan PRIOR.\n- LAVIN arrested 12/11/13 and interviewed 13/11/13, no comment.\n"
     "- PRIOR: CAWN only.\n", {"PRIOR": "suspect"}, {"LAVIN"}),
    # a nickname in brackets after a name is that person's; an unidentified driver is a suspect
    ('Clinic: Jay\'s friend "Big Ash" and another man, "Dee", collect her from near school.\n'
     'A4 31/03 Identify / TIE NORBURN, Ashley ("Big Ash") - outstanding at closure.\n'
     'Driver "Dee" (black BMW) not identified.\n', {"Dee": "suspect"}, set()),
    # a statement resulted after a dash; a ticked checklist line; a victim who declined after a dash;
    # a statement the investigation raised and left open
    ("Victim: Kirsty DENBY (14).\n0940 Kirsty disclosed to key worker Donna RILEY at 0300.\n"
     "1800 MG11 RILEY - obtained by DC 2214 OGUNDIPE.\n", {}, {"RILEY"}),
    ("Victim: Kirsty DENBY (14).\nKirsty disclosed to key worker Donna RILEY at 0300.\n"
     "\u2022 [x] First complaint - MG11 Donna RILEY (key worker).\n", {}, {"RILEY"}),
    ("Children: Ellie-Mae RUSHWORTH (14); Kacey DOWDING (15).\n"
     "A8 DC BRIGHTWELL 25/03 ABE / account from Kacey - Kacey declined via mum 19/03.\n",
     {"DOWDING": "victim"}, set()),
    ("ACT-0016 DC 4127 OPEN: Statement from Ryan COLLINGE (occupier, 14 Copse Lane, host of party).\n",
     {"COLLINGE": "witness"}, set()),
    # an action plan's dated rows raise interviews and statements; they do not record them
    ("Suspects: S1 Lee KIRBY, S2 Gary HEPPLE.\nS1 interviewed 02/02/17, no comment.\n"
     "3 OIC 03/03/17 Trace, arrest and interview S2 HEPPLE under caution.\n",
     {"HEPPLE": "suspect"}, {"KIRBY"}),
    ("IP1 says her friend Jade TOLLEY (13) was present at the caravan.\n"
     "8 OIC 17/03/17 MG11 from Jade TOLLEY (present at the caravan, first occasion).\n"
     # a child: no role claimed
     "8. Jade TOLLEY - her mother declined on her behalf 30/03/17.\n", {"TOLLEY": ""}, set()),
    # a suspect who booked the room, left to "TIE outstanding"; an ABE "to revisit when she is ready"
    ('0040 Ruby says JJ + "Uncle Rich" booked the room.\n'
     '03/08/21 MALLOW, Richard (poss "Uncle Rich") - TIE outstanding.\n', {"MALLOW": "suspect"}, set()),
    ("Victims: IP1 Ruby SALT (14), IP2 Millie OAKDEN (13).\n21/06/21 Ruby SALT (IP1) ABE completed, DVD DL/4.\n"
     "21/06/21 Millie OAKDEN (IP2) - ABE to revisit with ISVA when she is ready.\n",
     {"OAKDEN": "victim"}, {"SALT"}),
    # a record of taped interview (ROTI) on the schedule is the interview
    ("Suspects: S1 Anton VERRY (23), S2 Kyle PICK (19).\nS2 was never interviewed.\n"
     "MG6C item 9 | Custody record S1 and ROTI | Full account, denies\n",
     {"PICK": "suspect"}, {"VERRY"}),
    # the one who received a disclosure is a witness; the child who made it is a victim
    ("Holly's younger sister Ruby BRAITHWAITE (12) told a teaching assistant on 02/09/2021 that the "
     "suspect \"did stuff\" to her as well.\nMother does not want Ruby spoken to by police.\n"
     "On 2 September 2021 Ruby told a teaching assistant, Mrs Jan OYELOWO, what had happened. "
     "Mrs Oyelowo recorded this on the safeguarding log.\n",
     {"BRAITHWAITE": "victim", "OYELOWO": "witness"}, set()),
    # a second child named by the first and "not spoken to"; a friend who went with the child
    ("Victims: IP1 Mia DALE (14), IP2 Demi ASHCROFT (15).\nIP1 ABE completed 10/03, DVD MD/1.\n"
     "IP2 Demi ASHCROFT (15) named by IP1 as also taken to the flat. ASHCROFT not spoken to.\n",
     {"ASHCROFT": "victim"}, {"DALE"}),
    ("Friend. Chloe BRANNAGH (15), IP1's school friend, went with IP1 to the flat and met S1 there.\n"
     "No statement has been taken from BRANNAGH.\n", {"BRANNAGH": ""}, set()),  # a child: victim or witness
    # statements listed under a heading that says they were obtained; a line-of-enquiry code
    # ("LOE18 Witness - ...") is not a person
    ("Victim: IP1 Amy ROTH (14).\n2. Evidence obtained\n- ABE interview of IP1, 14/03/2019 (MO/1).\n"
     "- MG11 statements from Sharon ASHWORTH (mother, first disclosure) and Deborah FINNEY (care home).\n"
     "3. Outstanding\n- Jade WESTON, present at the flat, not seen.\n",
     {"WESTON": "witness"}, {"ASHWORTH", "FINNEY"}),
    ("LOE18 Witness - Jade WESTON Present at the flat on 02/03. Visited 22/03, mother asked officers to "
     "call back another day.\n", {"WESTON": "witness"}, {"LOE18"}),
    # two statements obtained in one line, each with a note
    ("Victim: IP1 Keira MOSSOP (15).\nSW Rita QUAYLE and Sharon ALLARDYCE (V2's mother) told police what V2 said.\n"
     "MG11 obtained from SW QUAYLE (first account 18/04) and from Sharon ALLARDYCE (V2's mother) 02/05.\n",
     {}, {"QUAYLE", "ALLARDYCE"}),
    # a statement taken from a relation is not the child's account: "carer of IP2", "IP1's mother"
    ("IP2 TREMLOW, Jade, 03/09/1997. First account to carer only (12/06/2011).\n"
     "N10 | FOXTON, Denise | Witness - carer of IP2 | MG11 obtained 27/09/11 (first account of IP2)\n",
     {"TREMLOW": "victim"}, {"FOXTON"}),
    ("W1 PENROSE, Lorraine F mother of IP1 (RP)\nIP1 PENROSE, Jade F DOB 19/06/2001. IP1 would not speak.\n"
     "- W1 (IP1's mother) gave a statement on 15/11/2015.\n",
     {"Jade": "victim"}, {"Lorraine"}),
    # a question about someone put in another suspect's interview is not their interview
    ('S3 "Smiley" has never been identified or spoken to.\nS2 interviewed 03/02: Asked if. he uses the name '
     '"Smiley" or knows who does: no comment.\n', {"Smiley": "suspect"}, set()),
    # a witness known only by a nickname or a number is a line to trace, not a statement to take
    ('Pathways RHI: she names "Macca" as present at the flat and "Shaz" (driver) who gives lifts. '
     "N11 Rapid Cars driver - witness, not identified.\n", {}, {"Macca", "Shaz", "N11"}),
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


# -- the file's own key: status and kind codes ------------------------------------------------

_KEYED_LOG = (
    "Allwedd / Key: GW gweithred/action raised CW cwblhawyd/complete AG ar agor/open YM\n"
    "ymgais/attempt DP dim pellach/no further on this line TCC teledu cylch cyfyng/CCTV\n"
    "Rhif Dyddiad Cofnod / Entry\n"
    "GW07 AG TCC Pontcelyn Grill - 1 cam covers rear stair to 2A.\n"
    "GW08 CW TCC bus station viewed 03/10, nil of evidential value.\n"
    "GW15 AG PNC partial VRM KM66, silver Corsa.\n"
)


def test_legend_codes_are_read_from_the_files_own_key() -> None:
    legend = learn_legend([_KEYED_LOG], kinds_in)
    assert legend.status == {"CW": "done", "AG": "pending", "YM": "pending", "DP": "not_done"}
    assert legend.kinds == {"TCC": "cctv"}
    # one-letter codes end the meaning before them but are not learnt; "Referred" is no status
    other = learn_legend(["Status key: R = Resulted P = Pending REF = Referred C = Cancelled\n"], kinds_in)
    assert other.status == {} and other.kinds == {}
    assert learn_legend(["No key in this file. CW AG TCC.\n"], kinds_in) == Legend()


def test_unfollowed_status_and_kind_codes_from_the_key() -> None:
    out = UnfollowedInquiryDetector().detect(make_ctx({"log.txt": _KEYED_LOG}))
    quotes = " || ".join(c.quote for s in out for c in s.citations)
    assert any(s.kind == "cctv" for s in out) and "Pontcelyn Grill" in quotes, quotes
    assert "bus station" not in quotes, quotes
    assert any(s.kind == "vehicle_anpr" and "KM66" in s.citations[0].quote for s in out), quotes


@pytest.mark.parametrize("line", [
    "- Grant (PELLOW) has been putting \u00a320 credit on JM's phone, 3 or 4 times, paid at the Spar.",
    "JM talks to Grant on Snapchat, he is g.pellz on there.",
])
def test_unfollowed_leads_plainly_available_in_a_notebook(line: str) -> None:
    # a lead in an account, with no action raised: credit paid onto her phone, a username
    out = UnfollowedInquiryDetector().detect(make_ctx({"pnb.txt": line + "\n"}))
    assert any(c.quote.strip() in line for s in out for c in s.citations), [(s.kind, s.title) for s in out]


def test_missing_interview_professionals_and_alibis() -> None:
    got = _mi("Victim: IP1 Kacey BRINDLE (14).\n"
              "Present: Gemma KINSELLA (SW), Kerry-Ann DOYLE (Compass CSE worker), Ms L BRINDLE (mother).\n"
              "Gemma KINSELLA was present when Kacey disclosed to her mother.\n"
              "L/I 16 - S2's alibi, Kyle DUNFORD, Marl Road: not yet seen. No statement.\n")
    assert not any("KINSELLA" in subj or "DOYLE" in subj for subj in got), got
    assert [r for subj, r in got.items() if "DUNFORD" in subj] == ["witness"], got


def test_missing_interview_a_date_in_a_relative_clause_is_not_the_statement_taken() -> None:
    # "who made the 101 report in Aug 2015": the date is the report's, not the MG11's
    got = _mi("11 OIC MG11 from Mr Dennis OAKLEY, 16 Cobden Walk, who made the 101 report in Aug 2015.\n"
              "- Mr OAKLEY, who reported girls going in and out of No. 14, was never seen.\n")
    assert [r for subj, r in got.items() if "OAKLEY" in subj] == ["witness"], got


def test_unfollowed_items_under_a_heading_that_raises_actions() -> None:
    # "POINTS FOR INVESTIGATION": each numbered item is an action raised; one with a result is not
    ctx = make_ctx({"rovi.txt": (
        "IO OBSERVATIONS\nAccount consistent with first account to mother.\n"
        "POINTS FOR INVESTIGATION ARISING FROM ABE (OIC to action)\n"
        "1. Wyre Retail Park car park (pick-up point by pet shop) - CCTV from site security.\n"
        "2. Lyndon Road sexual health clinic - CW's records Nov 2018 (consent form with mum).\n"),
        "update.txt": "Lyndon Road clinic records obtained 02/03/19 and reviewed, nothing of note.\n"})
    out = UnfollowedInquiryDetector().detect(ctx)
    quotes = " || ".join(c.quote for s in out for c in s.citations)
    assert "Wyre Retail Park" in quotes, quotes
    # the same items as narrative, with no heading, are not actions
    plain = make_ctx({"rovi.txt": "IO OBSERVATIONS\nShe was collected from Wyre Retail Park car park by the pet "
                                  "shop.\n"})
    assert not [s for s in UnfollowedInquiryDetector().detect(plain) if s.kind == "cctv"]


def test_unfollowed_a_prepaid_card_statement_is_a_financial_line() -> None:
    assert any(k == "financial" for k, _, _ in kinds_in(
        "- Prepaid card statement (handed in by mother 28/11) - not examined."))


def test_missing_interview_parents_need_a_missing_statement() -> None:
    # a mother who was told or informed is not flagged on that alone; one whose statement the
    # file says is missing is
    got = _mi("Victim: IP1 Kayleigh DUNSFORD (12).\n"
              "IP1 told her mother, Lorraine DUNSFORD, on 02/03 what had happened.\n"
              "NOK: Mother - Lorraine DUNSFORD (informed by police 03:20).\n")
    assert not any("Lorraine" in subj for subj in got), got
    got = _mi("Victim: IP1 Jade (14).\nJade disclosed first to her mother, Tina ROWLEY, on 02/03.\n"
              "No statement has been taken from Tina ROWLEY.\nTina ROWLEY was present at the flat.\n")
    assert [r for subj, r in got.items() if "Tina" in subj] == ["witness"], got


@pytest.mark.parametrize("line", ["S3 not yet seen.", "Seen getting into cars at school gates.",
                                  "V2 OKONJO seen with mother."])
def test_unfollowed_seen_alone_is_not_a_witness_line(line: str) -> None:
    # "seen" is a visit or a sighting; "saw" / "witnessed" name someone who can give evidence
    assert not any(k == "witness" for k, _, _ in kinds_in(line))
    assert any(k == "witness" for k, _, _ in kinds_in("A neighbour saw her get into a silver car."))


def test_missing_interview_a_statement_someone_is_to_provide_is_not_taken() -> None:
    # "to provide MG11 re her home visit of 24/09/18": the date is the visit's; the MG11 is a plan
    got = _mi("015 07/12/18 NPS Probation Officer Helen TRAFFORD to provide MG11 re her home visit of 24/09/18 "
              "(saw IP1 at Flat 6 at 08:40).\n- MG11 from H TRAFFORD (NPS) - not obtained\n")
    assert [r for subj, r in got.items() if "TRAFFORD" in subj] == ["witness"], got


def test_status_not_dld_is_a_download_not_done() -> None:
    assert classify("Not DL'd - DFU backlog 10 wks.").status == "not_done"


def test_missing_interview_another_child_is_a_possible_victim_or_witness() -> None:
    # the complainant keeps her role; a friend of 15 who was there is claimed as neither
    got = _mi("IP1 Kacey DOWLING (14) disclosed to her mother. Kacey's ABE has not been arranged.\n"
              "Kacey was found in the stairwell of Tanner Court with Jade MOSSOP (15, Year 11).\n"
              "Kacey said Jade was there the first time as well.\n"
              "Jade MOSSOP was visited 19/11. Jade said she did not want to speak to police. "
              "No further visit is planned.\n")
    assert [r for subj, r in got.items() if "DOWLING" in subj] == ["victim"], got
    assert [r for subj, r in got.items() if "MOSSOP" in subj] == [""], got
    ctx = make_ctx({"summary.txt": "Jade MOSSOP (15, Year 11) was with the IP. Jade MOSSOP has not been "
                                   "spoken to.\nIP1 Kacey DOWLING (14) disclosed; no ABE yet.\n"})
    titles = [s.title for s in MissingInterviewDetector().detect(ctx) if "MOSSOP" in (s.subject or "")]
    assert titles and all("possible further victim or witness" in t for t in titles), titles


def test_missing_interview_whose_statement_and_whose_interview() -> None:
    # the social worker's MG11, and a suspect's interview about IP2, are not IP2's account
    got = _mi("IP2 Shannon BLEASDALE, 14 Partial disclosure to SW 09/09/16 (MG11 of SW held)\n"
              "S4 Gary PILLING arrested 06/09/16, interviewed, prepared statement; further interview re IP2 "
              "28/10/16, no comment.\n"
              "IP2 Shannon BLEASDALE declined an ABE on 28/09/16 and was not approached again.\n")
    assert [r for subj, r in got.items() if "BLEASDALE" in subj] == ["victim"], got
    # a suspect spoken to at the door was not interviewed
    got = _mi("Suspects: S1 Dean HOLT, S2 Reece TALBOT.\nS1 interviewed 02/02, no comment.\n"
              "TALBOT spoken to at door, denies IP has been at the flat.\n")
    assert [r for subj, r in got.items() if "TALBOT" in subj] == ["suspect"], got


def test_unfollowed_other_residents_named_by_a_witness_are_other_victims() -> None:
    assert any(k == "other_victims" for k, _, _ in kinds_in(
        "VIW2 also states two other Linden Lodge residents (F, 14 & 15) have been going to Daz's."))
    assert not any(k == "other_victims" for k, _, _ in kinds_in("Two other issues were raised at the meeting."))


@pytest.mark.parametrize(("line", "kind"), [
    ("No request has been made to Bebo to preserve or disclose the account.", "social_media"),
    ("IP states her friend DEMI has also been taken to Breck House by MACKA.", "other_victims"),
    ("Who holds the tenancy of Flat 2 is not known; Weaverdale Homes have not answered the letter.",
     "third_party_records"),
])
def test_unfollowed_period_platforms_and_plain_wording(line: str, kind: str) -> None:
    assert any(k == kind for k, _, _ in kinds_in(line))
    assert classify("Weaverdale Homes have not answered DS PARMITER's letter.").status == "not_done"
    assert classify("Nobody at the takeaway has been spoken to.").status == "not_done"
    assert classify("The handset was handed back to her mother before it had gone to HTCU.").status == "not_done"


def test_unfollowed_a_taxi_firms_driver_is_a_witness_to_trace() -> None:
    ctx = make_ctx({"memo.txt": (
        "A18 IP states she was returned to Eastfield House by an Ace Cars taxi on 14/08/11. Driver to be traced.\n"
        "Taxi driver drove off before he could be spoken to.\n")})
    out = UnfollowedInquiryDetector().detect(ctx)
    assert any(s.kind == "witness" for s in out), [(s.kind, s.title) for s in out]
    assert not any(s.kind == "suspect" for s in out), [(s.kind, s.title) for s in out]
    # a driver with no taxi firm is still a suspect line
    assert any(k == "suspect" for k, _, _ in kinds_in('Driver "Dee" (black BMW) not identified.'))


def test_unfollowed_someone_who_might_have_seen_it_is_a_witness_plainly_available() -> None:
    ctx = make_ctx({"call.txt": "CALLER: There was a lad still in the kebab van over the road when it "
                                "happened, he might have seen it.\n"})
    assert [s.kind for s in UnfollowedInquiryDetector().detect(ctx)] == ["witness"]


def test_unfollowed_words_of_a_record_printed_in_capitals_are_not_linking_names() -> None:
    # "ARREST" and "SUSPICION" are words the case prints in lower case elsewhere: in a record
    # printed in capitals they do not tie two actions together; a surname and a nickname do
    from assistant.detectors.unfollowed import _distinct_terms

    common = frozenset({"arrest", "suspicion", "identify", "male", "known"})
    got = _distinct_terms("TEXT: ARREST N3 COLTHURST (AKA DAZ) ON SUSPICION OF AN OFFENCE", common)
    assert "colthurst" in got and "daz" in got and not {"arrest", "suspicion"} & got, got
    assert "kez" in _distinct_terms("Al0 - male known as KEZ: not identified.", common)


def test_unfollowed_entries_about_one_person_are_one_line() -> None:
    # a nickname named in many places still ties the entries about that suspect together
    ctx = make_ctx({
        "sd1.txt": '- S2: "Raz". Not identified.\n- S1 FARRANT arrested 14/11, interviewed, no comment.\n',
        "s47.txt": "Outcome.\n- Raz not identified.\n- Kacey to be seen again by SW.\n",
        "icpc.txt": 'Police update.\n- S2 "Raz": not identified.\n',
        "cg2.txt": 'Review of police actions.\n"Raz" has not been identified.\n'})
    sus = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "suspect"]
    assert len(sus) == 1, [[c.quote for c in s.citations] for s in sus]


def test_unfollowed_a_short_entry_is_quoted_with_the_reason_after_it() -> None:
    ctx = make_ctx({"closure.txt": "Actions at closure.\nA13 Search 14 Marlowe Court Not conducted. S2 not arrested, "
                                   "no power of entry.\nA14 Victim's account taken 02/02.\n"})
    out = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "location_search"]
    assert out and "no power of entry" in out[0].citations[0].quote, [c.quote for s in out for c in s.citations]
    assert_grounded(ctx, out)


def test_missing_interview_someone_known_only_as_mr_is_not_a_victim() -> None:
    got = _mi("Victim: IP1 Keira LOWE (14) - ABE completed 02/09.\n"
              "N2 (Mr DANBY) heard a girl crying on the stairwell. N2 did not speak to them. "
              "Mr DANBY was not seen by police and no account was taken from him.\n")
    assert not [r for subj, r in got.items() if "DANBY" in subj and r == "victim"], got


def test_unfollowed_a_short_entry_is_quoted_with_a_reason_wrapped_onto_the_next_line() -> None:
    ctx = make_ctx({"closure.txt": (
        "No Action Result\n"
        "A4 Arrest and interview S2 ROWNTREE Outstanding. Two visits to 14 Marlowe Court (15/09,\n"
        "22/09), no reply.\n"
        "A5 CCTV, Marlowe Court entrance Request to managing agent 13/09/2016. No reply on\nfile.\n")})
    out = UnfollowedInquiryDetector().detect(ctx)
    quotes = [c.quote for s in out for c in s.citations]
    assert any("Two visits" in q and "no reply" in q for q in quotes), quotes
    assert not any("A4" in q and "A5" in q for q in quotes), quotes
    assert_grounded(ctx, out)


def test_status_a_download_that_shows_no_contact_is_a_result() -> None:
    from assistant.nlp.status import classify

    assert classify("S1's download shows no contact with IP1 on that handset.").status == "done"


def test_unfollowed_a_taxi_operators_dispatch_records_are_third_party_records() -> None:
    assert any(k == "third_party_records" for k, _, _ in kinds_in(
        "Requested written job sheets and dispatch records for 18/09 to 22/09 for PH0417 and PH0652."))


def test_missing_interview_a_parent_asking_why_nobody_took_her_statement() -> None:
    got = _mi("IP1 Jade ROWLEY (14).\nTina ROWLEY (Mum) asked why no one from the police has taken a statement "
              "from her.\n")
    assert [r for subj, r in got.items() if "Tina" in subj] == ["witness"], got


def test_people_a_first_name_the_old_list_lacked() -> None:
    got = _mi("Keira DANBY (14) was seen getting into a car.\n"
              "Tanisha MORLEY saw Keira get into the car; police have not spoken to her.\n")
    assert any("MORLEY" in subj for subj in got), got


def test_unfollowed_a_glossary_and_bail_conditions_raise_nothing() -> None:
    ctx = make_ctx({"ims.txt": (
        "KEY CYP = child/young person (complainant) SOI = subject of interest (suspect) "
        "PoI = person of interest (witness) TIE = trace, interview, eliminate\n"
        "Conds: no contact direct/indirect with IP1 or any named witness; not to be in company of any "
        "female under 18.\n")})
    assert UnfollowedInquiryDetector().detect(ctx) == []


def test_unfollowed_a_partial_registration_in_an_account_is_a_lead() -> None:
    ctx = make_ctx({"pnb.txt": 'Ruby (14) says JJ and Rich met them at the park.\nBlack Audi A3 part VRM "FN1..." '
                               "dropped them at hotel.\n"})
    assert any(s.kind == "vehicle_anpr" for s in UnfollowedInquiryDetector().detect(ctx))


def test_missing_interview_a_quoted_nickname_opening_a_row_with_its_status_after() -> None:
    got = _mi("Offences: Rape of a female aged 13-15 (s.1 SOA 2003) - S1.\n"
              "S1 'Kaz' - male approx 20s, driver of silver hatchback. Not identified.\n"
              "Kaz drove her in his car. No realistic prospect of identifying S1.\n")
    assert [r for subj, r in got.items() if "Kaz" in subj] == ["suspect"], got


def test_unfollowed_a_cash_clinic_is_a_health_record_not_money() -> None:
    kinds = {k for k, _, _ in kinds_in("IP1 went to the CASH clinic at Brackenford Health Centre in early October.")}
    assert "financial" not in kinds and "third_party_records" in kinds, kinds


def test_unfollowed_cameras_at_premises_of_another_kind_are_two_lines() -> None:
    # one kind, two cameras: a takeaway's and a school's; each is its own suggestion
    ctx = make_ctx({
        "screening.txt": "Open actions.\n- Spice Hut camera over the shop front - not requested\n"
                         "- Attended 14/03, spoke to mother.\n",
        "memo.txt": "Review of actions.\n- School gate footage: not required at this stage.\n"})
    cams = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "cctv"]
    assert len(cams) == 2, [[c.quote for c in s.citations] for s in cams]
    assert_grounded(ctx, cams)


def test_unfollowed_a_status_alone_on_the_next_line_belongs_to_the_row() -> None:
    # a wrapped table cell: "Revisit." on its own line leaves the house-to-house open
    ctx = make_ctx({"log.txt": "A5 Spice Hut staff re girls arriving\nPCSO 4410 DAWES Premises closed at time of H2H.\n"
                               "Revisit.\nA6 Referral to CSC sent 15/03. Complete.\n"})
    out = UnfollowedInquiryDetector().detect(ctx)
    assert out and any("H2H" in c.quote for s in out for c in s.citations), [(s.kind, s.title) for s in out]


@pytest.mark.parametrize("line,kind", [
    ("Garage at rear of 41 Sefton Road not entered or examined - S2 says it is his brother's.", "location_search"),
    ("Older male, grey beard, approx 50 (per V1). No further ID enquiries.", "suspect"),
    ("Voluntary interview booked for 03/02 - did not attend. Not rebooked.", "suspect"),
    ("Y-STR on swab HW/4 - not progressed, budget deferred pending CPS advice.", "forensic_medical"),
])
def test_unfollowed_lines_left_open_in_other_words(line: str, kind: str) -> None:
    out = UnfollowedInquiryDetector().detect(make_ctx({"closure.txt": line + "\n"}))
    assert kind in [s.kind for s in out], [(s.kind, s.title) for s in out]


def test_unfollowed_top_ups_on_her_phone_are_money_not_a_phone_line() -> None:
    for line in ("Kez texts her and topped up her phone £20 last week.",
                 "She says S1 buys her top-ups and pays her phone contract.",
                 "Police to establish who is paying the top-ups on Mia's phone."):
        kinds = [k for k, _, _ in kinds_in(line)]
        assert kinds == ["financial"], (line, kinds)
    assert "phone_digital" in [k for k, _, _ in kinds_in("Her phone was not downloaded.")]


def test_unfollowed_people_to_be_seen_and_a_camera_a_parent_noticed() -> None:
    assert classify("Names of the two Y8 girls to police; both to be seen re visits to the flat.").status == "pending"
    ctx = make_ctx({"letter.txt": "- Mum has noticed the chip shop under the flat on Dale Street has a camera over its "
                                  "door, and asked me whether police had looked at it.\n"})
    assert "cctv" in [s.kind for s in UnfollowedInquiryDetector().detect(ctx)]


def test_people_a_person_number_between_the_code_and_the_name() -> None:
    # "W1 | P06 | ASHCROFT, Lorraine": the record's own person number does not stop the code
    # binding, so the mother's code is not given to the daughter who shares her surname
    from assistant.nlp.people import find_people

    ctx = make_ctx({"print.txt": "IP1 | P01 | ASHCROFT, Keeley | 21/08/2000 (14) | Lives with mother\n"
                                 "W1 | P06 | ASHCROFT, Lorraine | - | Mother of IP1\n"
                                 "MG11 from W1 ASHCROFT re missing timings.\n"})
    labels = {p.display: p.labels for p in find_people(ctx)}
    assert labels.get("Keeley ASHCROFT") == {"IP1"} and labels.get("Lorraine ASHCROFT") == {"W1"}, labels


def test_missing_interview_a_suspects_prepared_statement_is_not_the_childs_account() -> None:
    got = _mi("IP1 Keeley ASHCROFT (14). First account in the police car. IP1 declined ABE.\n"
              "S1 Lee FELLOWS arrested and interviewed. Prepared statement: denies any contact with IP1.\n")
    assert [r for subj, r in got.items() if "ASHCROFT" in subj] == ["victim"], got


def test_missing_interview_items_under_a_heading_of_enquiries_completed() -> None:
    # a wrapped item does not end the list; "- MG11 from W1 (mother of IP1)" under the heading
    # is the mother's statement taken, not a request, and not the child's
    got = _mi("W1 Lorraine ASHCROFT - mother of IP1. She reported IP1 missing and saw her return.\n"
              "2. Enquiries completed\n- S1 arrested 16/03, interviewed under caution: prepared statement, then\n"
              "no comment.\n- MG11 from W1 (mother of IP1).\n")
    assert not [subj for subj in got if "Lorraine" in subj], got


def test_people_mrs_surname_is_the_adult_not_the_child_of_that_surname() -> None:
    from assistant.nlp.people import find_people

    ctx = make_ctx({"annex.txt": "CYP1 Kayleigh ROSSITER 11/03/2001 (15) ABE 16/06/16 (DL/1).\n"
                                 "She disclosed to her mother, Tracey ROSSITER, who rang 101 at 2310hrs.\n"
                                 "MG11 from Mrs ROSSITER (first complaint) - to follow.\n"})
    who = {m.text: p.display for p in find_people(ctx) for m in p.mentions}
    assert who["Mrs ROSSITER"] == "Tracey ROSSITER", who
    got = MissingInterviewDetector().detect(ctx)
    roles = [s.role for s in got if s.subject and "Tracey" in s.subject]
    assert roles == ["witness"], [(s.subject, s.role) for s in got]


def test_unfollowed_a_second_phone_beside_the_handset_is_a_line_of_its_own() -> None:
    ctx = make_ctx({
        "closure.txt": "Open at closure.\n- AO/6 (S1 Samsung) - not downloaded, DFU backlog.\n",
        "visit.txt": "Observations: Z has a second phone, a white iPhone, which she said a friend gave her.\n"})
    phones = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    assert len(phones) == 2, [[c.quote for c in s.citations] for s in phones]
    assert any("second phone" in s.citations[0].quote for s in phones)


def test_missing_interview_a_notice_signed_and_a_refusal_in_the_present_tense() -> None:
    # "S3 signed, made no comment" answers a warning notice, not an interview; "declines ABE"
    # is no account taken
    got = _mi("S3 Dwayne KERSHAW (19) drives the girls about.\n28/08/15 CAWN served on S3 KERSHAW at his address. "
              "S3 signed, made no comment.\n04/10 KERSHAW - words of advice.\n")
    assert [r for subj, r in got.items() if "KERSHAW" in subj] == ["suspect"], got
    got = _mi("IP1 Zuzanna NOWAK (14) gave a first account via her brother. No ABE has taken place.\n"
              "Recorded as IP1 declines ABE.\n")
    assert [r for subj, r in got.items() if "NOWAK" in subj] == ["victim"], got


@pytest.mark.parametrize("line,kind", [
    ("Police to request Jade's records from the HISH clinic.", "third_party_records"),
    ("She named a Year 9 girl at Halbury High known to her only as \"Mia\".", "other_victims"),
    ("The youngest, who the other two called Mia, looked about 12-13 and did not speak.", "other_victims"),
])
def test_unfollowed_kinds_in_later_authors_wording(line: str, kind: str) -> None:
    assert kind in [k for k, _, _ in kinds_in(line)], kinds_in(line)
    assert not [k for k, _, _ in kinds_in("The bruise looked about 10 days old.") if k == "other_victims"]


def test_people_a_polish_mother_and_her_daughter_and_an_interpreter_flag() -> None:
    # "Halina" is a first name (so "NOWICKA, Halina" is not the daughter's surname alone), and
    # "INTERPRETER REQD" is a record flag, not a person; the mother's statement was only attempted
    from assistant.nlp.people import find_people

    text = ("LANG FLAG: POLISH - IP1, W1   INTERPRETER REQD: Y\nIP1 Zuzanna NOWICKA (14).\n"
            "W1 NOWICKA, Halina IP1 mother - Polish only, no English\nAttended to take MG11 from W1 (mum).\n")
    people = {p.display: p for p in find_people(make_ctx({"a.txt": text}))}
    assert people["Halina NOWICKA"].labels == {"W1"} and "IP1" in people["Zuzanna NOWICKA"].labels, people
    assert not [d for d in people if "INTERPRETER" in d.upper()], people
    got = _mi(text)
    assert [r for subj, r in got.items() if "Halina" in subj] == ["witness"], got


def test_unfollowed_a_key_to_role_codes_and_a_database_search_are_not_lines() -> None:
    ctx = make_ctx({"print.txt": "ROLE CODES: V victim/IP ; SU suspect ; SX suspect not identified ; WT witness ; "
                                 "PR professional\n"})
    assert UnfollowedInquiryDetector().detect(ctx) == []
    assert "location_search" not in [k for k, _, _ in kinds_in("DVLA / ANPR not searched - no VRM held.")]
    assert "location_search" in [k for k, _, _ in kinds_in("Flat 3 - s.18 search considered, not conducted.")]


def test_segments_split_a_bulleted_list_whose_item_ends_on_a_carrying_word() -> None:
    # "... not spoken to" ends on a word that would carry a sentence on; the next bullet is
    # still a new item. OCR's mark before a dash and a doubled dash are bullets too.
    text = ("Lines left open at finalisation:\n"
            "- Interchange CCTV 14/03/19 - requested, never viewed\n"
            "\u2019- Astra YX13 - no PNC/ANPR result anywhere on file\n"
            "-- Tia (friend) - not identified, not spoken to\n"
            "- Scene at Sawley Rd never visited\n")
    segs = _segments(text)
    assert "-- Tia (friend) - not identified, not spoken to" in segs, segs
    assert "- Scene at Sawley Rd never visited" in segs, segs
    assert "\u2019- Astra YX13 - no PNC/ANPR result anywhere on file" in segs, segs


def test_unfollowed_a_phone_call_to_a_parent_or_a_persons_pnc_record_raises_nothing() -> None:
    call = "W1 was never seen by an officer; one phone call to her mother"
    assert not [k for k in kinds_in(call) if k[0] == "phone_digital"]
    assert not [k for k in kinds_in("PNC: 1 x caution 2015 (theft - shop).") if k[0] == "vehicle_anpr"]
    # a vehicle check on the same line still counts
    assert [k for k in kinds_in("PNC: nil. PNC/ANPR on part VRM KX63 not done.") if k[0] == "vehicle_anpr"]


def test_missing_interview_a_statement_title_records_the_statement() -> None:
    from assistant.detectors.missing_interview import interview_done_positions

    assert interview_done_positions("WITNESS STATEMENT OF NADIA FERRIBY", "witness")
    assert interview_done_positions("MG11 - Statement of: Mrs Pat SEDDON", "witness")
    assert not interview_done_positions("Statement of Nadia FERRIBY - not obtained", "witness")
    assert not interview_done_positions("statement of intent for the review", "witness")


def test_missing_interview_witnesses_a_record_in_capitals_names_after_a_role_word() -> None:
    # "NEIGHBOUR PAT SEDDON": the role word is not a first name, and "Pat" is one
    ctx = make_ctx({"cad.txt": (
        "23:12 CH60231 CALLER REPORTS DAUGHTER 14Y NOT HOME. MOTHER CONCERNED RE OLDER MALE.\n"
        "23:15 CH60231 NEIGHBOUR PAT SEDDON (29 QUARRY RISE) SAW SUBJ + FRIEND GET INTO SILVER CAR.\n"
        "00:33 EF21 MISPER FORM DONE. PHOTO OBTAINED. HOUSE SEARCH NIL.\n")})
    assert any("SEDDON" in (s.subject or "") for s in MissingInterviewDetector().detect(ctx))


def test_missing_interview_a_friend_the_child_texted_from_the_flat_is_a_witness() -> None:
    ctx = make_ctx({"summary.txt": (
        "IP1 Keira DALTON (14) disclosed an allegation of rape by S1 Darren HOLT at his flat on 18/10.\n"
        "IP1 texted her friend Chantelle BRIGGS from the flat approx 0140hrs (texts seen on IP1 handset).\n"
        "- Chantelle BRIGGS (15), friend of IP1, received texts from IP1 at the flat at 0140hrs.\n"
        "- Donna DALTON (mother) reported IP1 missing.\n")})
    subjects = _mi_subjects(ctx)
    assert any("BRIGGS" in x for x in subjects), subjects


def test_segments_one_letter_action_numbers_open_rows() -> None:
    text = ("INVESTIGATION PLAN / ACTIONS\n"
            "A5 16/09 COMPLETE 29/09 Identify, trace and arrest S1 DEANO\n"
            "A6 22/09 OPEN Trace/arrest S2 MOSSOP\n"
            "A06 Identify the younger females seen getting into the Golf - OPEN\n")
    segs = _segments(text)
    assert "A6 22/09 OPEN Trace/arrest S2 MOSSOP" in segs, segs
    assert segs[-1].startswith("A06 Identify"), segs


def test_missing_interview_a_caller_promised_a_visit_and_never_seen_is_a_witness() -> None:
    ctx = make_ctx({"insp_log.txt": (
        "0347 CALLER : HOLT, RAYMOND. REPORTS GIRL APPROX 13 GETTING INTO BLACK GOLF WITH TWO MALES.\n"
        "The caller, Mr HOLT, asked for an officer after 6pm and was not visited.\n"),
        "cad.txt": "[02:42] CALLER: Graham PEEL.\n[02:45] EMD: Thank you, Graham. Is she breathing?\n"})
    subjects = _mi_subjects(ctx)
    assert any("HOLT" in x for x in subjects), subjects
    # a caller the file raises nothing about is not flagged on being the caller alone
    assert not any("PEEL" in x for x in subjects), subjects


def test_missing_interview_an_officer_obtaining_a_statement_from_a_witness() -> None:
    from assistant.detectors.missing_interview import interview_done_positions

    assert interview_done_positions("14/09/16 DC 4120 HUSSAIN - MG11 obtained from W2 Colin DEAKIN.", "witness")
    # the officer's own statement, and a request, are not the witness's statement
    assert not interview_done_positions("PC 7759 SMITH MG11 re the child's words", "witness")
    assert not interview_done_positions("8 OIC Trace and obtain MG11 from Ellie WARBRICK", "witness")


def test_status_of_a_checklist_box() -> None:
    assert classify("[ ] H2H Tannery Ct F-block (F15 male + others)").status == "pending"
    assert classify("\u2610 CCTV Kwikmart Mardle St").status == "pending"
    assert classify("[x] H2H Tannery Ct F-block").status == "done"
    assert classify("\u2611 CCTV Kwikmart Mardle St").status == "done"


def test_missing_interview_visits_with_no_reply_and_a_request_to_obtain_a_statement() -> None:
    from assistant.detectors.missing_interview import NOT_DONE, interview_done_positions

    assert NOT_DONE["suspect"].search("Trace / arrest PROTHEROE, Jamie (P4) - 2 visits home addr, no reply")
    assert NOT_DONE["witness"].search("Aunt Leanne FOSTER - no reply at address, card left.")
    # "obtain a statement about the disclosure of 12/11/2015" asks for it; the date is not when it was taken
    assert not interview_done_positions("7. Trace Mrs DANBURY and obtain a statement about the disclosure of "
                                        "12/11/2015.", "witness")


def test_missing_interview_a_girl_known_by_a_nickname_is_not_a_suspect() -> None:
    ctx = make_ctx({"minutes.txt": (
        "V1 Keira LOWE (14) alleges rape by S1 Lewis BRANAGH at Flat 1 (L1).\n"
        '21/05-08 DS HARGREAVE 14/06 RED Identify third girl known as "Tash" (approx 14) seen at L1 by V1.\n'
        '- "Tash": not identified.\n'
        'S3 "MO" - male, 20s, drives a black Audi. Not identified.\n')})
    subjects = _mi_subjects(ctx)
    assert not any("Tash" in x or "TASH" in x for x in subjects), subjects
    assert any("MO" in x.upper() for x in subjects), subjects


def test_missing_interview_an_ocr_read_mg11_records_the_statement() -> None:
    from assistant.detectors.missing_interview import interview_done_positions

    assert interview_done_positions("A3 |MGI11 from WIT2 (Ellie) re first disclosure DC VARLEY Done 25/06", "witness")


def _mi_subjects(ctx: CaseContext) -> list[str]:
    """The subjects of the missing-interview suggestions for a case."""
    return [s.subject or "" for s in MissingInterviewDetector().detect(ctx)]


def test_unfollowed_a_handset_download_and_a_subscriber_check_stay_two_lines() -> None:
    # two adjacent register lines join a handset's examination to a number's attribution; a
    # separate "subscriber check - not done" must not be drawn into the handset's line through them
    ctx = make_ctx({
        "register.txt": ("04/11/15 HTCU Level 2 examination of GM/1 (S1 iPhone) NOT APPROVED by DCI.\n"
                         "Contact \"Kes\" 07700 900418 attributed by OIC: 41 calls.\n"),
        "closing_report.txt": "FA07 Subscriber check on 07700 900418 (KES) - not done.\n",
    })
    phones = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "phone_digital"]
    assert len(phones) == 2, [[c.quote for c in s.citations] for s in phones]
    assert not any({c.document for c in s.citations} == {"register.txt", "closing_report.txt"} for s in phones)


def test_segments_a_numbered_schedule_row_after_the_row_before_it_is_a_unit() -> None:
    text = ("7 CCTV Kwikmart Express, Kiln Lane 22/02/21 NH Viewed by PC STEAD, NEV.\n"
            "8 CCTV Ashcombe bus station - NH No footage, and no request, on file\n"
            "9 Handset IP1 (iPhone), exh DM/2 30/03/21 NH Submitted to DFU for download\n"
            "Neighbour says the girl from the schedule above was later seen walking back to\n"
            "10 Tanner Row with two men from the car, at about midnight.\n")
    segs = _segments(text)
    assert "8 CCTV Ashcombe bus station - NH No footage, and no request, on file" in segs, segs
    # a house number after a line left open is not the next row
    assert any(s.endswith("walking back to\n10 Tanner Row with two men from the car, at about midnight.")
               for s in segs), segs


def test_missing_interview_a_visit_for_a_statement_and_someone_elses_statement_are_not_the_persons() -> None:
    from assistant.detectors.missing_interview import interview_done_positions

    assert not interview_done_positions("0034 02/12/19 18:20 RES A06 Visit Flat 24 Calvert House for W2 statement.",
                                        "witness")
    assert not interview_done_positions("016 03/05/18 V2 Tia MORROW seen at home with her mother by DC FROST re ABE.",
                                        "victim")
    assert not interview_done_positions("V2 taken to the estate in a black BMW (mother's MG11, 09/05/18).", "victim")
    # an action row whose status says the statement was taken
    assert interview_done_positions("T02 15/03/19 4418 MG11 W1 Joanne BRANNIGAN - COMPLETED 19/03/19", "witness")



def test_unfollowed_a_further_line_led_by_another_kinds_lead_is_dropped() -> None:
    from assistant.detectors.unfollowed import _drop_shadowed
    from assistant.types import Citation, Suggestion

    row = "A23 Top-up records 07700 900233 - not requested."
    lead = Citation("actions.txt", 1, 0, len(row), row)
    other = Citation("account.txt", 1, 0, 20, "tops up her phone ..")
    handset = Citation("actions.txt", 1, 60, 90, "DM/1 not downloaded")

    def sug(kind: str, conf: float, cites: list[Citation], rank: int) -> Suggestion:
        return Suggestion(type="unfollowed_inquiry", title=kind, rationale="", confidence=conf, citations=cites,
                          kind=kind, explanation={"line_rank": rank})

    financial = sug("financial", 0.85, [lead], 0)
    first_phone = sug("phone_digital", 0.85, [handset], 0)
    # the phone kind's second line, led by the financial line's sentence: one finding, not two
    assert _drop_shadowed([financial, first_phone, sug("phone_digital", 0.73, [lead, other], 1)]) == [
        financial, first_phone]
    # a kind's first line on that sentence stands (a row can raise two kinds)
    both = sug("third_party_records", 0.8, [lead, other], 0)
    assert _drop_shadowed([financial, both]) == [financial, both]


def test_unfollowed_explicit_entries_sharing_a_code_are_one_line_however_often_it_is_named() -> None:
    # the flat's code is in every location entry, so it is not a rare term; the entries that
    # leave its search undone are one line, and its house-to-house another
    ctx = make_ctx({
        "daybook.txt": "[ ] F14 - s.8 warrant / search?\n\n- F14 search - not proportionate now (2 months elapsed).\n",
        "handover.txt": "- F14 - not searched.\n\n- House-to-house of the neighbours of F14 - not completed.\n",
        "plan.txt": "[ ] House-to-house around F14 Tannery Ct.\n\n- Neighbours either side of F14 - H2H outstanding.\n",
    })
    lines = sorted(sorted(c.quote for c in s.citations)
                   for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "location_search")
    assert lines == [
        ["- F14 - not searched.", "- F14 search - not proportionate now (2 months elapsed).",
         "[ ] F14 - s.8 warrant / search?"],
        ["- House-to-house of the neighbours of F14 - not completed.",
         "- Neighbours either side of F14 - H2H outstanding.", "[ ] House-to-house around F14 Tannery Ct."],
    ], lines


def test_review_equally_confident_suggestions_narrowest_first() -> None:
    from assistant.detectors.base import Detector
    from assistant.pipeline import review_documents
    from assistant.types import Citation, Suggestion

    ctx = make_ctx({"log.txt": "A1 CCTV Spar - not obtained.\nA2 H2H Mill Ct - not done.\n"})
    text = ctx.documents[0].pages[0].text
    one, two = (Citation("log.txt", 1, 0, 28, text[0:28]), Citation("log.txt", 1, 29, 55, text[29:55]))

    class Two(Detector):
        name, version, type = "two", "1", "unfollowed_inquiry"

        def detect(self, ctx: CaseContext) -> list[Suggestion]:
            return [Suggestion(type="unfollowed_inquiry", title="broad", rationale="", confidence=0.8,
                               citations=[two, one], kind="cctv", id="s-a"),
                    Suggestion(type="unfollowed_inquiry", title="narrow", rationale="", confidence=0.8,
                               citations=[one], kind="cctv", id="s-b")]

    review = review_documents("case-t", ctx.documents, detectors=[Two()])
    assert [s.title for s in review.suggestions] == ["narrow", "broad"]


def test_missing_interview_a_talk_about_the_abe_is_not_the_abe() -> None:
    from assistant.detectors.missing_interview import interview_done_positions

    assert not interview_done_positions("007 03/04/2018 DC HALE Seen IP2 at Larchfield with key worker to discuss ABE.",
                                        "victim")
    assert not interview_done_positions("CF Note of visit to IP2 DUNMORE with Compass Project worker - ABE discussed",
                                        "victim")


@pytest.mark.parametrize(("text", "expected"), [
    # a residential worker is a professional unless she saw it herself; one whose statement is
    # recorded as never obtained is missing too
    ("IP1 Tia HOLMES (14) resident at Elmstead House alleges rape by S1 Kyle DARNELL.\n"
     "2. Residential worker Paula SENIOR saw TH get into KX61 TWD on 12/10/15 at 21:50 and wrote the reg down.\n"
     "RSW Danielle FOX collected IP from outside 112 Mill St at 02:15 after IP rang the Lodge.\n"
     "Statement from D FOX never obtained - DF left the home.\n", ("SENIOR", "FOX")),
    # a person who passed information, or offered a statement that was never taken
    ("IP1 Jade TOWNEND (14) alleges rape by S1 Lee PRENDERGAST, a private hire driver.\n"
     "Tel. to base. Spoke base controller Nadeem ASLAM, who says PRENDERGAST does cash jobs off the system.\n"
     "Also - the base controller, Nadeem ASLAM, told me on the 17th that PRENDERGAST works nights.\n"
     "Mrs Pauline HARGREAVE (39 Tanner Row) has kept a diary of dates and registrations and offered to give "
     "a statement.\n", ("ASLAM", "HARGREAVE")),
    # a person named in brackets away from the cue is an aside, not the one not interviewed
    ("S1 Dean MARSH (rape, IP1): interviewed 12/03/18, no comment.\n"
     "S2 Lee CASSIDY (sexual assault, IP2): not interviewed; did not respond to the VA letter.\n"
     "IP1 ABE completed 02/03/18. IP2 ABE completed 05/03/18.\n", ("CASSIDY",)),
    # a friend at the flat on the date is tied to the events
    ("IP1 Chloe WARD ABE completed 16/02/15. S1 Dean MARSH interviewed 20/02/15, no comment.\n"
     "Jessica PARFITT (friend of IP1, at flat 14/02/15) - mother declined on her behalf; to re-approach.\n"
     "- Jessica PARFITT - no statement; mother declined, re-approach not made.\n", ("PARFITT",)),
])
def test_missing_interview_is_suggested_for(text: str, expected: tuple[str, ...]) -> None:
    subjects = _mi_subjects(make_ctx({"file.txt": text}))
    for name in expected:
        assert any(name in s for s in subjects), (name, subjects)


def test_segments_a_status_written_as_a_sentence_of_its_own_closes_the_entry_before_it() -> None:
    text = ("11 DC 4417 MG11 DSL FEARNLEY re first disclosure 04/03/19. OPEN.\n"
            "12 DC 4417 Spar CCTV viewed. NEV.\nNot traced. Driver seen at the taxi rank by the porter.\n")
    segs = _segments(text)
    assert segs == ["11 DC 4417 MG11 DSL FEARNLEY re first disclosure 04/03/19. OPEN.",
                    "12 DC 4417 Spar CCTV viewed. NEV.",
                    "Not traced. Driver seen at the taxi rank by the porter."], segs


def test_unfollowed_a_keeper_found_does_not_answer_an_anpr_search_of_the_same_car() -> None:
    ctx = make_ctx({
        "pnc.txt": "KX16 ROJ, silver Astra, registered keeper S1 HOLCROFT.\n",
        "plan.txt": "M Analyst 8832 HOOLE 14/03 ANPR search for KX16 ROJ (02/03 and 09/03) requested.\n",
    })
    cars = [s for s in UnfollowedInquiryDetector().detect(ctx) if s.kind == "vehicle_anpr"]
    assert any("ANPR search for KX16 ROJ" in c.quote for s in cars for c in s.citations), cars


def test_status_a_numbered_action_row_raised_on_a_date_and_a_scene_lost_before_any_exam() -> None:
    assert classify("11 Health / Police 17/11 Obtain Riverside Sexual Health records of K's attendance").status \
        == "pending"
    assert classify("12 The girl said on 12/03 check with her mum first").status == "mention"
    assert classify("5 Scene identified and examined X Flat 14A re-let before any scene exam").status == "not_done"


def test_unfollowed_a_witness_described_as_reliable_or_not_is_not_a_witness_line() -> None:
    def kinds(text: str) -> set[str]:
        return {k for k, _, _ in kinds_in(text)}

    assert "witness" not in kinds("as IP1 is a chaotic and unreliable witness who goes missing frequently")
    assert "witness" not in kinds("Honestly I am not surprised. She is hardly a reliable witness.")
    assert "witness" in kinds("No witness statement was taken from the neighbour.")
