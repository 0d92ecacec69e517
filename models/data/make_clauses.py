"""Write the labelled clauses the clause classifiers learn from (models/data/clauses.jsonl).

Two tasks, one clause per line (JSONL fields: text, label, task, register, author, source,
group):

- ``victim_blaming``: 1 = wording that places responsibility on the child (consent and choice,
  risk put on the child, character or credibility, sex-work terms, relationship terms for an
  adult abuser, minimising); 0 = neutral record text and the hard cases that share its words
  (the child's own words in quotation, "a child cannot consent in law", statute titles, consent
  to a medical or an interview, a reviewer or inquiry criticising the wording, training material
  about language, statistics, what the suspect did).
- ``action_status``: a clause about a line of inquiry; 1 = recorded with a result, 0 = open or
  not resulted (requested, awaiting, allocated, OPEN at closure, not proportionate, a plan line,
  or narrative that only mentions the phone or the car).

Everything is synthetic and non-graphic. Three kinds of source, each its own CV group:

1. invented author voices (``author``): each writes in its own register with its own
   free-written sentences and its own frames around a shared lexicon of wording families
   (templates x slots, seeded, so the file is the same on every run);
2. phrasing modelled on public guidance and inquiry reports (The Children's Society / Victim
   Support / NPCC "Appropriate Language" guide and its terms-to-avoid list, the CPS legal
   guidance on child sexual abuse, HMICFRS 2023 inspection of group-based CSE, IICSA's
   "blaming child victims", the Jay (Rotherham) and Oxfordshire SCR reports): paraphrased into
   record sentences, never copied;
3. the TRAIN split of the bundled samples only (sample_files/src/*/case.json with
   "split": "train"): gold victim_blaming_language quotes (1), gold unfollowed_inquiry quotes
   (action_status 0), and other lines of those files, labelled by strict rules and grouped by
   case. The test split, the independent sets and the shared devset are never read.

    .venv/bin/python models/data/make_clauses.py          # writes clauses.jsonl, prints counts
"""

# ruff: noqa: E501  (sentences of data are kept whole, one per line, for reading)
from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent / "clauses.jsonl"
SEED = 20240611

Row = dict[str, object]

# --------------------------------------------------------------------------------------------
# Slots
# --------------------------------------------------------------------------------------------
GIRLS = ["Leah", "Tamsin", "Shannon", "Demi", "Rhianna", "Kayleigh", "Amira", "Jade", "Courtney",
         "Ellie", "Nadia", "Bethany", "Skye", "Lacey", "Macy", "Abbie", "Sophie", "Kirsty", "Zara",
         "Chelsea", "Molly", "Tia", "Jasmine", "Freya", "Lily-Mae", "Caitlin", "Roxanne", "Summer"]
BOYS = ["Callum", "Reece", "Tyler", "Kieran", "Jordan", "Liam", "Connor", "Josh"]
SURNAMES = ["HADLEY", "MERCER", "OKAFOR", "BRANNIGAN", "SHIELDS", "PALMER", "DOYLE", "FARRAH",
            "KASSIM", "WHITLOCK", "RENNIE", "STOTT", "ASHWORTH", "TRAVIS", "MOLLOY", "QUINLAN",
            "VESEY", "GORMAN", "HOLT", "CRABTREE"]
NICKS = ["Daz", "Jay", "Moz", "Big Si", "Tank", "Ash", "Kev", "Rizz", "Dev", "Tommo"]
PLACES = ["the takeaway on Mill Street", "the flat above the kebab shop", "the bus station",
          "the retail park", "the Kings Arms car park", "Stonebridge Park", "the taxi office",
          "the hotel on Canal Road", "the amusement arcade", "the garages behind Elm Court",
          "the house on Victoria Terrace", "the shisha lounge", "the train station"]
SHOPS = ["Costsave", "the Golden Fry", "Kebab Palace", "the Spar on Hill Road", "Lucky Strike",
         "Pizza Planet", "the Star Hotel", "Rapid Cars", "Quickstop", "the Jolly Sailor"]
OFFICERS = ["DC 4471 RAINE", "DC 2210 OSEI", "PC 3307 BURROWS", "DS 1198 KHAN", "DC 6642 LYLE",
            "PC 5120 DEAKIN", "DC 7731 QUILLAN", "DS 0456 FROST", "PC 2918 NASH", "DC 8803 PIKE"]
OFF_SHORT = ["RAINE", "OSEI", "BURROWS", "KHAN", "LYLE", "DEAKIN", "QUILLAN", "FROST", "NASH"]
WITNESSES = ["her friend Keeley", "the shop assistant", "the taxi driver", "her sister Gemma",
             "the foster carer", "the night manager", "W1", "the school friend who was present",
             "the neighbour at No. 14", "her cousin Bradley", "the bus driver"]
STREETS = ["Mill Street", "Canal Road", "Victoria Terrace", "Elm Court", "Hill Road",
           "Station Approach", "Quarry Rise", "Chapel Lane"]
ROLES = ["IP1", "IP2", "V1", "the IP", "the victim", "the child", "the young person", "YP",
         "MISPER", "the girl", "the complainant"]


def _initials(rng: random.Random) -> str:
    return rng.choice("ABCDEFGHJKLMNPRSTW") + rng.choice("ABCDEFGHJKLMNPRSTW")


def exhibit(rng: random.Random) -> str:
    return f"{_initials(rng)}/{rng.randint(1, 12)}"


def vrm(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNOPRSTVWXY"
    return (rng.choice(letters) + rng.choice(letters) + str(rng.randint(10, 19)) + " "
            + "".join(rng.choice(letters) for _ in range(3)))


def date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2010, 2024)}"


def short_date(rng: random.Random) -> str:
    return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}"


def phone(rng: random.Random) -> str:
    return f"07700 900{rng.randint(0, 999):03d}"


def fill(template: str, rng: random.Random, *, male: bool = False) -> str:
    """Replace the {slots} of a template with seeded random values."""
    name = rng.choice(BOYS if male else GIRLS)
    sus = rng.choice(SURNAMES)
    vals = {
        "V": name,
        "R": rng.choice(ROLES),
        "S": sus,
        "S2": rng.choice([s for s in SURNAMES if s != sus]),
        "N": rng.choice(NICKS),
        "age": str(rng.randint(19, 46)),
        "cage": str(rng.randint(12, 15)),
        "place": rng.choice(PLACES),
        "shop": rng.choice(SHOPS),
        "O": rng.choice(OFFICERS),
        "o": rng.choice(OFF_SHORT),
        "W": rng.choice(WITNESSES),
        "EX": exhibit(rng),
        "VRM": vrm(rng),
        "date": date(rng),
        "d": short_date(rng),
        "tel": phone(rng),
        "street": rng.choice(STREETS),
        "n": str(rng.randint(1, 24)),
        "nn": f"{rng.randint(1, 40):02d}",
        "time": f"{rng.randint(0, 23):02d}{rng.choice(['00', '10', '15', '25', '40', '52'])}",
        "num": str(rng.randint(2, 9)),
        "they": "he" if male else "she",
        "them": "him" if male else "her",
        "their": "his" if male else "her",
        "They": "He" if male else "She",
        "Their": "His" if male else "Her",
        "self": "himself" if male else "herself",
    }
    return re.sub(r"\{(\w+)\}", lambda m: vals[m.group(1)], template)


# --------------------------------------------------------------------------------------------
# Victim-blaming wording families (shared lexicon, predicates after a subject)
# --------------------------------------------------------------------------------------------
VB_PRED: dict[str, list[str]] = {
    "consent_choice": [
        "is choosing to go with these men",
        "went with them willingly",
        "was a willing participant",
        "consented to sex with {S}",
        "agreed to go back to the flat with the males",
        "has made a lifestyle choice",
        "has chosen this lifestyle",
        "went back of {their} own accord",
        "knew exactly what {they} was doing",
        "was happy to go with the older males",
        "is making {their} own choices about who {they} sees",
        "sent the images of {their} own free will",
        "initiated contact with {S}",
        "goes to the address by choice",
        "is choosing to associate with older males",
        "was not forced and went along with it",
        "chose to get in the car",
        "engaged in consensual sexual activity with {S}",
    ],
    "risk_on_child": [
        "is putting {self} at risk",
        "continues to place {self} in dangerous situations",
        "keeps putting {self} in harm's way",
        "is at risk because of {their} own behaviour",
        "engages in risk-taking behaviour",
        "keeps going back despite being warned",
        "is refusing to engage and so remains at risk",
        "was asking for trouble hanging around there",
        "has brought this on {self}",
        "is exposing {self} to exploitation",
        "puts {self} in risky situations with older males",
        "is making {self} vulnerable by going missing",
        "is not protecting {self}",
        "needs to take responsibility for keeping {self} safe",
    ],
    "character": [
        "is promiscuous",
        "is attention seeking",
        "is out of control",
        "is a known liar",
        "has a history of making allegations",
        "is manipulative",
        "is very streetwise",
        "is sexually precocious",
        "is highly sexualised for {their} age",
        "is very mature for {their} age",
        "is a difficult and challenging girl",
        "would not make a credible witness",
        "tends to exaggerate",
        "is unreliable and chaotic",
        "is a troublemaker",
        "has a reputation among the lads",
        "is known to police as a nuisance",
        "does as {they} pleases and cannot be controlled",
        "dresses and acts older than {their} age",
        "has made false allegations before",
        "is prone to telling stories",
        "is sexually experienced beyond {their} years",
    ],
    "sex_work": [
        "is selling {self} for cigarettes",
        "is trading sex for alcohol",
        "is prostituting {self}",
        "is exchanging sexual favours for cannabis",
        "is working the streets",
        "offers sex for lifts and phone credit",
        "is sleeping with the men for money",
        "is a child prostitute",
        "gets paid in vodka and weed for sex",
        "has been hawking {self} around the takeaways",
        "is providing sexual services to the taxi drivers",
    ],
    "relationship": [
        "is in a relationship with {S} ({age})",
        "has an older boyfriend, {S}, aged {age}",
        "is {S}'s girlfriend",
        "has been seeing {S} ({age}) for a few months",
        "is sexually active with {their} {age}-year-old partner",
        "stayed the night at {their} boyfriend {S}'s flat ({S} is {age})",
        "and {S} ({age}) have been together since the summer",
        "is in a consensual relationship with an older man",
    ],
    "minimising": [
        "was just messing about with some older lads",
        "is going through a phase of teenage experimentation",
        "was involved in a bit of harmless flirting that went too far",
        "got in over {their} head with a few local lads",
        "was only sexting, which all the kids do",
        "was drinking and things got out of hand",
    ],
}
# Minimising often has no child subject: whole sentences.
VB_MINIMISING_WHOLE = [
    "This is low-level and not CSE.",
    "No more than a teenage fling that went wrong.",
    "Kids being kids - no real concern.",
    "It was a bit of fun that got out of hand.",
    "Just underage drinking, nothing more serious.",
    "Not exploitation, more a case of girls hanging around with older lads.",
    "The touching was brief and at the lower end of the scale.",
    "Historic, and {V} appears to have moved on.",
    "Typical teenage behaviour, no CSE concerns.",
    "More of a nuisance issue than a safeguarding one.",
]

# The child's own words (quoted in records; not a finding).
CHILD_WORDS = [
    "he's my boyfriend",
    "I wanted to go with them",
    "nobody made me do anything",
    "it was my choice",
    "I'm not a kid, I can look after myself",
    "I went back because I wanted to",
    "I love him and he loves me",
    "it's my fault for getting in the car",
    "I'm a slag, everyone says so",
    "I said yes so it doesn't count",
    "I only went for the vodka",
    "I sent them because he asked",
    "I'm not stupid, I know what I'm doing",
    "they're my mates",
    "I got myself into it",
]

# Blaming phrases as they appear in quotation (for reviewer criticism / training frames).
QUOTED_PHRASES = [
    "putting herself at risk", "promiscuous", "lifestyle choice", "attention seeking",
    "went willingly", "boyfriend", "out of control", "sexually active", "streetwise",
    "a willing participant", "trading sex", "child prostitute", "consensual relationship",
    "history of making allegations", "making her own choices", "risk-taking behaviour",
    "sexualised behaviour", "mature for her age", "asking for trouble", "of her own accord",
    "involved in CSE", "sexting", "exchanging sex for gifts", "unreliable", "low-level",
]


# --------------------------------------------------------------------------------------------
# Lines of inquiry: items, results (completed) and open states, per kind
# --------------------------------------------------------------------------------------------
KINDS: dict[str, dict[str, list[str]]] = {
    "cctv": {
        "item": ["CCTV {shop}", "bus station CCTV", "CCTV at {place}", "council CCTV {street}",
                 "taxi rank cameras", "hotel foyer CCTV", "CCTV from {shop}"],
        "done": ["viewed - NEV", "viewed by {O}: shows {V} entering at 21:14 with two males, "
                 "exhibited {EX}", "seized and viewed, nothing of evidential value",
                 "checked - no cameras at the premises", "no working DVR at premises (confirmed "
                 "on scene)", "footage downloaded and reviewed, exhibit {EX}",
                 "viewed in full, IP1 not seen, NEV, retained as {EX}",
                 "obtained {d} and viewed: vehicle {VRM} seen arriving 22:40, exhibit {EX}",
                 "council confirmed camera not working on that date (email on file)"],
        "open": ["requested", "to be requested", "awaiting footage from the council",
                 "seized, not yet viewed", "OPEN at filing", "not proportionate",
                 "allocated to {O}", "request drafted, never sent", "not progressed",
                 "to be seized before it is overwritten", "chased - no reply"],
    },
    "phone": {
        "item": ["download of {V}'s handset {EX}", "{S}'s phone {EX}", "CDR for {tel}",
                 "cell site for {tel}", "subscriber check {tel}", "IP1's handset",
                 "examination of the suspect's iPhone", "handset download S1"],
        "done": ["download complete, report exhibited {EX}", "downloaded by DFU, no messages of "
                 "evidential value", "CDR obtained: 14 calls to IP1's number in March",
                 "cell site analysis complete - handset at the address 21:00-23:30",
                 "subscriber returned: pay-as-you-go, registered to {S}",
                 "extracted {d}, report {EX}: messages to {V} recovered",
                 "examined by DFU - contact saved as 'Jay' is {tel}, exhibited {EX}"],
        "open": ["sent to DFU, awaiting download", "CDR application with SPOC, awaiting "
                 "authority", "to be submitted to DFU", "returned to owner without download",
                 "not downloaded due to backlog", "awaiting SPOC authority", "OPEN at closure",
                 "application drafted - not submitted", "to be considered",
                 "seized and booked into property, not examined"],
    },
    "social_media": {
        "item": ["Snapchat preservation for '{N}'", "Facebook data request", "Instagram account "
                 "'{N}_x'", "Snap Inc disclosure", "WhatsApp messages on IP1's phone"],
        "done": ["data returned from Snap Inc and reviewed, exhibit {EX}",
                 "Facebook disclosure received, messages to IP exhibited {EX}",
                 "provider confirmed account deleted, no data held (letter on file)",
                 "screenshots captured from IP1's phone, exhibit {EX}"],
        "open": ["preservation request to be sent", "request drafted, awaiting SPOC",
                 "not submitted - requires Inspector authority", "never requested",
                 "awaiting reply from provider", "OPEN", "for action"],
    },
    "forensic": {
        "item": ["SARC examination", "swabs {EX}", "{V}'s clothing", "forensic submission",
                 "FSR on bedding from the flat", "toxicology samples"],
        "done": ["SARC completed {d}, samples exhibited {EX}", "FSR received: no semen detected, "
                 "NEV", "clothing examined, no DNA recovered, exhibit {EX}",
                 "results back - DNA matches {S} (report {EX})",
                 "toxicology result on file: alcohol only"],
        "open": ["SARC declined, to revisit with ISVA", "samples awaiting submission",
                 "clothing not seized", "FSR awaited", "not submitted on cost grounds",
                 "to be arranged", "booked for next week"],
    },
    "witness": {
        "item": ["statement from {W}", "TIE {W}", "house-to-house on {street}",
                 "account from {W}", "MG11 from {W}"],
        "done": ["MG11 statement obtained {d}", "traced and interviewed, statement taken",
                 "TIE complete - eliminated", "house-to-house completed, no witnesses",
                 "statement taken and on file ({EX})", "seen {d}, saw nothing, statement obtained"],
        "open": ["to be seen", "two appointments missed, not rearranged", "not traced",
                 "statement to be obtained", "allocated", "outstanding", "not approached",
                 "declined, no further attempt"],
    },
    "suspect": {
        "item": ["identify '{N}'", "trace {S}", "arrest {S}", "interview of {S}",
                 "S2 {S}", "the older male known as '{N}'"],
        "done": ["arrested and interviewed, no comment", "voluntary interview under caution "
                 "{d} - denied offences", "identified via PNC as {S} DOB {date}",
                 "interviewed - prepared statement read, then no comment",
                 "interviewed with solicitor, full account given, exhibit {EX}"],
        "open": ["not identified", "not yet interviewed", "trace outstanding",
                 "to be arrested when located", "CAWN served, no interview", "words of advice "
                 "given", "circulated on PNC, not traced", "spoken to on the phone only",
                 "to be invited for voluntary interview"],
    },
    "search": {
        "item": ["search of {S}'s address", "s.18 search", "scene examination of the flat",
                 "search of the car {VRM}", "s.8 warrant for the flat above {shop}"],
        "done": ["searched under s.32, iPhone seized {EX}", "scene examined by CSI, photographs "
                 "taken, nothing recovered", "searched {d} - bedding seized {EX}",
                 "warrant executed {d}, two handsets recovered {EX}"],
        "open": ["warrant drafted, not submitted", "not proportionate", "scene not examined",
                 "to be considered", "DS to review application", "not progressed"],
    },
    "vehicle": {
        "item": ["PNC {VRM}", "ANPR for {VRM}", "partial VRM '{VRM}'",
                 "keeper check on the silver Astra"],
        "done": ["PNC checked - keeper {S}, no markers", "ANPR checked - seen on {street} 22:04",
                 "no trace on PNC", "keeper traced: hire vehicle, hirer {S} (agreement on file)",
                 "ANPR result: no reads on the night"],
        "open": ["ANPR request submitted, result awaited", "not progressed",
                 "PNC check to be done", "OPEN at filing", "to be researched",
                 "request with the ANPR bureau"],
    },
    "third_party": {
        "item": ["school records", "taxi firm booking records", "hotel booking records",
                 "GP records", "CSC records for {V}", "sexual health clinic records",
                 "{shop} staff rota"],
        "done": ["obtained and reviewed, on file", "obtained: booking in the name of {S}",
                 "register checked - room booked by {S}, copy exhibited {EX}",
                 "received {d} and reviewed - no disclosure recorded",
                 "obtained via production order, reviewed, exhibit {EX}"],
        "open": ["production order agreed but never applied for", "request letter to be sent",
                 "awaiting response", "consent form not yet signed", "not requested",
                 "to be requested via the DSL", "OPEN"],
    },
    "financial": {
        "item": ["bank records for {S}", "phone top-up records", "payments to IP1's number",
                 "{shop} till records"],
        "done": ["obtained via production order: 12 payments to IP1's number identified",
                 "reviewed - top-ups from {S}'s card on {num} dates, exhibit {EX}",
                 "financial investigator report received {d}, on file"],
        "open": ["financial enquiries not progressed", "to be considered", "not pursued",
                 "with the FI, awaiting", "no update"],
    },
    "other_victims": {
        "item": ["other girls named by IP1", "the second girl at the flat", "Ellie (friend, "
                 "also taken there)", "girls seen in {S}'s car"],
        "done": ["traced and spoken to, ABE completed {EX}", "all three girls visited and "
                 "accounts recorded", "identified and seen with her mother - no disclosure, "
                 "statement on file"],
        "open": ["not traced", "not spoken to", "to be identified", "referral to CSC only",
                 "no further action on this line"],
    },
}

# Narrative that only mentions a phone, car, camera or witness (action_status 0).
AS_NARRATIVE = [
    "{V} says {S} messaged her on Snapchat most nights.",
    "She rang her mum from her phone at about midnight.",
    "The car was a silver Astra, she could not remember the registration.",
    "{V} thinks there might be cameras outside {shop}.",
    "{S} gave her a phone so she could contact him.",
    "Her friend {W} was there for some of the evening.",
    "She was picked up near {place} by a man she knows as '{N}'.",
    "{S} drives a black Golf and works as a delivery driver.",
    "The girls were taken to {place} in a taxi.",
    "IP1 showed me messages on her phone from a number saved as '{N}'.",
    "Mum says {V} has a second phone she hides.",
    "{V} said the men filmed things on their phones.",
    "The flat has a camera over the door, according to {V}.",
    "She says {S} paid for her top-ups.",
    "A man called '{N}' is said to run the taxi office.",
]


# --------------------------------------------------------------------------------------------
# Author voices
# --------------------------------------------------------------------------------------------
class Author:
    """An invented voice: a register, a style and its own sentences and frames."""

    def __init__(self, key: str, register: str, about: str) -> None:
        self.key = key
        self.register = register
        self.about = about
        self.style: Callable[[str], str] = lambda s: s
        self.subjects: list[str] = ["{V}"]
        self.vb_frames: list[str] = ["{subj} {pred}."]
        self.vb_pos: list[str] = []
        self.vb_neg: list[str] = []
        self.as_done_frames: list[str] = []
        self.as_open_frames: list[str] = []
        self.as_pos: list[str] = []
        self.as_neg: list[str] = []
        self.male_share = 0.1
        self.compose_vb = True  # compose positives from the shared wording families


def _caps(s: str) -> str:
    return s.upper()


def _notebook(s: str) -> str:
    for a, b in ((" and ", " & "), (" with ", " w/ "), ("approximately", "approx"),
                 ("statement", "stmt"), (" about ", " abt "), ("because", "b/c")):
        s = s.replace(a, b)
    return s


def authors() -> list[Author]:
    out: list[Author] = []

    a = Author("pc_response_log", "police log", "terse response officer, CAD / log entries in capitals")
    a.style = _caps
    a.subjects = ["MISPER", "IP", "FEMALE", "{V}", "MFH", "SUBJECT"]
    a.vb_frames = ["{subj} {pred}.", "OFFICER COMMENT: {subj} {pred}.", "{time} {subj} {pred}.",
                   "RISK: MEDIUM - {subj} {pred}.", "UPDATE: {subj} {pred}, NO FURTHER POLICE ACTION."]
    a.vb_pos = ["FEMALE KNOWN TO HANG AROUND {place} FOR FREE FOOD AND ATTENTION.",
                "MISPER OFTEN GOES OFF WITH OLDER BOYFRIEND, WILL TURN UP.",
                "SHE IS A REGULAR, KNOWS THE SCORE.",
                "NOT CSE, SHE IS 15 GOING ON 25.",
                "IP WAS HAPPY TO GO, NOT A KIDNAP.",
                "GIRLS THERE BY CHOICE, MOVED ON.",
                "SAME AS LAST WEEK, SHE WILL BE WITH HER FELLA.",
                "MISPER IS A SERIAL ABSCONDER, NO CONCERNS, SHE CHOOSES TO GO.",
                "YP KNOWN PROSTITUTE IN THE AREA.",
                "FEMALE UNCOOPERATIVE AND GOBBY, WASTE OF POLICE TIME."]
    a.vb_neg = ["{time} MISPER LOCATED AT {place}, RETURNED HOME BY OFFICERS.",
                "{time} UNIT ASSIGNED. CALLER REPORTS TWO SCHOOL-AGE GIRLS WITH ADULT MALES.",
                "MISPER {V} ({cage}) REPORTED MISSING FROM CARE AT 2210.",
                "RISK: HIGH. CSE MARKER ON FILE. SGT REVIEWED. DEPLOY.",
                "ADULT MALE {S} ({age}) PRESENT AT ADDRESS, DETAILS OBTAINED.",
                "IP STATES \"{cw}\". REFERRED TO CSE TEAM.",
                "CONSENT OBTAINED FROM CARER FOR OFFICERS TO ENTER ROOM.",
                "OFFENCE: SEXUAL ACTIVITY WITH A CHILD (S.9 SOA 2003).",
                "MALES SEEN GIVING THE GIRLS ALCOHOL IN THE CAR PARK.",
                "CAR {VRM} SEEN COLLECTING FEMALES FROM CHILDREN'S HOME.",
                "RESULT: MP-LOC (MISPER LOCATED) / CRIME RAISED.",
                "MISPER HAS BEEN MISSING 7 TIMES THIS MONTH.",
                "{S} GAVE IP CANNABIS AND A LIFT TO {place}.",
                "CHILD CANNOT CONSENT - CRIME TO BE RECORDED AS RAPE OF A CHILD.",
                "CALLER CONCERNED GIRL LOOKS YOUNG AND DRUNK.",
                "IP VERY UPSET, SAYS SHE WANTS TO GO HOME."]
    a.as_done_frames = ["{time} {item} - {done}.", "UPDATE: {item}: {done}.", "{item} {done}."]
    a.as_open_frames = ["{time} {item} - {open}.", "UPDATE: {item}: {open}.", "{item} {open}.",
                        "TASK RAISED: {item}."]
    a.as_pos = ["{time} VRM {VRM} PNC CHECKED - NO TRACE.",
                "{time} HOUSE TO HOUSE {street} COMPLETE, NO WITNESSES FOUND.",
                "{time} CCTV AT {shop} CHECKED BY OFFICERS - NO CAMERAS.",
                "{time} DP {S} INTERVIEWED, NO COMMENT. RUI.",
                "{time} ADDRESS SEARCHED S.32, 2 HANDSETS SEIZED {EX}."]
    a.as_neg = ["{time} CCTV TO BE CHECKED BY DAY SHIFT.",
                "{time} OFFICERS TO RETURN FOR CCTV, NONE AVAILABLE TONIGHT.",
                "{time} PNC {VRM} - REQUEST PASSED TO CONTROL, NO RESULT YET.",
                "{time} SUSPECT NOT AT ADDRESS, TO BE ARRESTED WHEN LOCATED.",
                "{time} HANDSET SEIZED FROM IP, TO PROPERTY.",
                "{time} HOUSE TO HOUSE TO BE ARRANGED."]
    out.append(a)

    a = Author("dc_crime_report", "police log", "DC writing plain crime report narrative entries")
    a.subjects = ["IP1", "{V}", "The IP", "V1", "The victim"]
    a.vb_frames = ["{subj} {pred}.", "My assessment is that {subj_l} {pred}.",
                   "It is apparent that {subj_l} {pred}.", "Entry {nn}: {subj} {pred}.",
                   "{subj} {pred}, which undermines the case."]
    a.vb_pos = ["IP1 appeared calm and relaxed on the video, which casts doubt on her account.",
                "Her account should be treated with caution given her previous behaviour.",
                "The IP is a willing member of this group and returns to them regularly.",
                "It would appear {V} went to the flat knowing what would happen.",
                "{V} did not say no at any point and stayed the night.",
                "She has been intimate with {S} before, so the issue of consent is unclear.",
                "The IP accepted gifts and lifts from the suspects, which a jury will see as a trade.",
                "Given her lifestyle, the IP is not a credible complainant.",
                "{V} is known to make things up when she is in trouble at home.",
                "She was drunk and flirting with the males, as seen on the CCTV."]
    a.vb_neg = ["IP1 was seen at {place} with two adult males at 21:40.",
                "Entry {nn}: ABE interview of IP1 arranged for Thursday with an intermediary.",
                "IP1 states she was given vodka by {S} and taken to {place}.",
                "The IP said \"{cw}\" and became upset when asked about {S}.",
                "Offence recorded as rape of a child under 13 (s.5 SOA 2003).",
                "{S} ({age}) is believed to be supplying the girls with alcohol and cannabis.",
                "IP1 is a looked after child placed at a residential home in {street}.",
                "A child cannot consent in law; the offence is recorded accordingly.",
                "IP1 consented to a referral to the ISVA service.",
                "{S} told officers he believed the IP was 17; this is not a defence here.",
                "The IP has been reported missing 11 times since January.",
                "The suspects targeted girls from the children's home, offering lifts and cigarettes.",
                "IP1 is a victim of child sexual exploitation and is being supported by the CSE team.",
                "{V}'s mother reported that {V} came home in a taxi paid for by an unknown male.",
                "The IP was tearful and asked whether the men would find out she had spoken to police."]
    a.as_done_frames = ["Entry {nn}: {item} - {done}.", "{item}: {done}.",
                        "I have completed the {item_l}; {done}."]
    a.as_open_frames = ["Entry {nn}: {item} - {open}.", "{item}: {open}.",
                        "Action raised for {item_l}.", "Next steps: {item_l}."]
    a.as_pos = ["CCTV from {shop} viewed by me on {d}: it shows {V} leaving alone at 22:05. Exhibited {EX}.",
                "S1 {S} interviewed under caution with his solicitor; no comment to all questions.",
                "Statement obtained from {W} on {d}, confirming she saw {V} get into the car.",
                "Vehicle {VRM} PNC checked - registered keeper {S}, no markers.",
                "ABE-linked exhibits booked; IP1's handset downloaded, report exhibited {EX}."]
    a.as_neg = ["I have requested the CCTV from {shop} and will chase next week.",
                "CCTV at {place} is still to be collected.",
                "{S} has not yet been interviewed; he is believed to be abroad.",
                "IP1's phone was seized and is with the DFU awaiting download.",
                "The taxi firm has been asked for its booking records, no reply yet.",
                "{V} said {S} messaged her on Snapchat and sent her money."]
    out.append(a)

    a = Author("pnb_notebook", "notebook", "pocket notebook, abbreviations, time-stamped jottings")
    a.style = _notebook
    a.subjects = ["IP", "{V}", "girl", "YP"]
    a.vb_frames = ["{time} {subj} {pred}.", "{subj} {pred} - as usual.", "nb {subj_l} {pred}.",
                   "{time} spoke w/ carer - {subj_l} {pred}."]
    a.vb_pos = ["{time} IP not bothered, says it was her own choice, happy to go.",
                "{time} girl is a regular with this lot, knows what she's doing.",
                "nb likes the attention from the older lads.",
                "{time} yp drunk & lippy, brought it on herself.",
                "{time} {V} off with her fella again ({S}, {age}).",
                "nb MISPER not vulnerable, v. streetwise.",
                "{time} girl known to swap sex for weed - no crime.",
                "{time} said she'd go back to him whatever we say, her choice."]
    a.vb_neg = ["{time} arr {place}. 2 females & 3 males present.",
                "{time} IP said \"{cw}\" - referred to CSE team.",
                "{time} conveyed IP home, handed to mum.",
                "{time} male {S} ({age}) spoken to, details taken.",
                "{time} IP tearful, asked us not to tell her dad.",
                "{time} consent from mum to take IP to hospital.",
                "{time} car {VRM} seen leaving at speed.",
                "{time} IP states male gave her vodka.",
                "{time} informed duty SW re CSE concerns.",
                "{time} IP missing since 1600, last seen {place}.",
                "{time} males said girls told them they were 18 - noted, no defence.",
                "{time} IP v. frightened, says {S} has her phone."]
    a.as_done_frames = ["{time} {item} - {done}.", "{time} {item_l}: {done}."]
    a.as_open_frames = ["{time} {item} - {open}.", "{time} {item_l} tbc.", "{time} need to do {item_l}.",
                        "{time} {item_l} - {open}."]
    a.as_pos = ["{time} checked {shop} for cameras - none.", "{time} house to house {street} done, nil.",
                "{time} viewed cctv at {shop}, nothing of note (NEV).",
                "{time} {W} seen, stmt obtained.", "{time} PNC {VRM} - no trace."]
    a.as_neg = ["{time} cctv at {shop} - mgr to call back.", "{time} need stmt from {W}.",
                "{time} IP phone seized, bagged.", "{time} pass to CID for cctv.",
                "{time} {S} not in, card left.", "{time} IP has messages on her phone from '{N}'."]
    out.append(a)

    a = Author("sw_chronology", "social care", "social worker, CSC chronology and case notes")
    a.subjects = ["{V}", "The young person", "YP", "The child"]
    a.vb_frames = ["{subj} {pred}.", "Worker's reflection: {subj_l} {pred}.",
                   "{date} - Home visit. {subj} {pred}.", "Analysis: {subj} {pred}.",
                   "{subj} {pred} and mum feels unable to stop this."]
    a.vb_pos = ["{V} has chosen to continue seeing {S} despite our advice.",
                "{V} is placing herself at risk by staying out overnight with adults.",
                "{V} is not engaging and therefore there is little we can do.",
                "{V} is sexually active and has been given contraception advice.",
                "Case closed: {V} is making informed choices about her relationships.",
                "{V} presents as manipulative with professionals and splits the team.",
                "{V} is difficult to work with and only tells us what she wants us to hear.",
                "{V} is exchanging sex for somewhere to stay.",
                "{V}'s behaviour is the main risk factor.",
                "The risk is largely of {V}'s own making."]
    a.vb_neg = ["{date} - {V} reported missing overnight; returned by police at 03:00.",
                "{date} - Strategy meeting held; CSE risk assessed as high.",
                "{V} told me \"{cw}\". I explained that what happened was not her fault.",
                "Consent obtained from {V}'s mother to share information with police.",
                "{V} has been groomed by {S} ({age}), who buys her phone credit.",
                "There are concerns that adult males are exploiting {V}'s vulnerability.",
                "{V} may be under the control of older males and unable to keep herself safe.",
                "Plan: safety planning with {V}, disruption of {S} by police.",
                "{V} attended her sexual health appointment with her worker.",
                "{V}'s boyfriend Liam (15), a pupil at her school, was present at the visit.",
                "{V} is a victim of sexual exploitation and needs protection, not blame.",
                "Referral to the MASH completed on {d}.",
                "{V} is at risk of significant harm from adults who target children.",
                "Mum says {V} comes home with gifts she cannot account for.",
                "{V} agreed to meet me again next week at school."]
    a.as_done_frames = ["{date} - {item}: {done}.", "Update: {item} {done}."]
    a.as_open_frames = ["{date} - {item}: {open}.", "Action for police: {item_l}.",
                        "Police to update on {item_l}."]
    a.as_pos = ["Police confirmed at the strategy meeting that {S} was interviewed and denied everything.",
                "School records obtained by police and reviewed - attendance gaps match the missing episodes.",
                "DC {o} confirmed {V}'s phone has been downloaded and the report is on file."]
    a.as_neg = ["Police to obtain CCTV from {place} - update awaited.",
                "DC {o} said the phone download is still in the queue.",
                "Police advised {S} has not yet been spoken to.",
                "Action: police to identify the male known as '{N}'."]
    a.male_share = 0.25
    out.append(a)

    a = Author("school_dsl", "school", "school designated safeguarding lead, letters and logs")
    a.subjects = ["{V}", "The pupil", "She", "{V} ({cage})"]
    a.vb_frames = ["{subj} {pred}.", "Staff have noted that {subj_l} {pred}.",
                   "I am concerned that {subj_l} {pred}.", "From a school perspective, {subj_l} {pred}."]
    a.vb_pos = ["{V} has a reputation in school for being sexually forward with older boys.",
                "{V} craves attention and will say anything to get it.",
                "{V} has always been a confident girl who enjoys attention from adults.",
                "{V} is known to lie to staff and her accounts are not consistent.",
                "{V} dresses provocatively and encourages the attention.",
                "{V} chooses to leave school at lunchtime to meet older males.",
                "{V} is very mature and more like a young woman than a pupil.",
                "{V} is a bad influence on the younger girls."]
    a.vb_neg = ["{V} has missed 14 sessions this half term.",
                "{V} disclosed to her form tutor that an older male has been collecting her from school.",
                "I referred the concern to the MASH on {d}.",
                "A car {VRM} has been seen waiting outside the school gates at 15:15.",
                "{V} said \"{cw}\" to her tutor; this was passed to the DSL.",
                "Parental consent was given for {V} to speak to the police at school.",
                "{V} has been given a new phone by an adult she will not name.",
                "Staff are aware that {V} is a victim of exploitation and have a safety plan.",
                "Attendance has fallen from 96% to 61% since September.",
                "The school nurse saw {V} on {d}.",
                "PSHE lesson on healthy relationships delivered to Year 9.",
                "{V} appears tired and withdrawn in lessons."]
    a.as_done_frames = ["{item}: {done}."]
    a.as_open_frames = ["{item}: {open}.", "We are waiting to hear about {item_l}."]
    a.as_pos = ["Attendance records were given to DC {o} on {d} and signed for.",
                "DC {o} took a statement from the form tutor on {d}.",
                "Our CCTV of the gate was viewed with DC {o}; the car is not visible."]
    a.as_neg = ["DC {o} asked for our CCTV of the gate; we have not heard back.",
                "Police said they would speak to {W}.",
                "We have been asked to provide attendance records - to be sent."]
    out.append(a)

    a = Author("health_clinic", "health", "sexual health nurse, GP and ED notes")
    a.subjects = ["Pt", "{V}", "Patient", "YP"]
    a.vb_frames = ["{subj} {pred}.", "Hx: {subj_l} {pred}.", "Impression: {subj_l} {pred}.",
                   "Seen in clinic. {subj} {pred}."]
    a.vb_pos = ["Pt states consensual sex with boyfriend ({age}).",
                "Pt sexually active with multiple partners, advised on contraception.",
                "{V} presents as promiscuous and sexualised for her age.",
                "Pt is a frequent attender and engages in high-risk sexual behaviour.",
                "Pt chose not to use protection despite advice.",
                "{V} appears to be selling sex to fund her drug use.",
                "Pt in a long-term relationship with older partner, no concerns raised.",
                "Pt put herself in a vulnerable position by drinking heavily."]
    a.vb_neg = ["Pregnancy test negative. Emergency contraception offered and accepted.",
                "Consent for examination obtained from Pt and her mother.",
                "Pt consented to the SARC examination and to samples being taken.",
                "Pt says \"{cw}\". Safeguarding referral made.",
                "Pt aged {cage}: a child under 16 cannot consent; CSC and police informed.",
                "Fraser guidelines considered; concerns about exploitation by an adult male.",
                "Pt attended ED at 02:10 accompanied by police.",
                "Bloods and urine taken for toxicology with consent.",
                "Pt disclosed that an adult male ({age}) gave her alcohol before the assault.",
                "GP letter: {V} seen for low mood and poor sleep.",
                "Pt is a victim of sexual exploitation; referred to ISVA.",
                "Follow-up appointment booked in two weeks."]
    a.as_done_frames = ["{item}: {done}."]
    a.as_open_frames = ["{item}: {open}."]
    a.as_pos = ["Forensic samples taken at SARC on {d} and handed to DC {o}, exhibit {EX}.",
                "Toxicology result received {d}: alcohol only, reported to police."]
    a.as_neg = ["Police to arrange SARC examination - Pt declined today.",
                "Samples stored in freezer awaiting police collection.",
                "Records requested by police; awaiting Pt consent."]
    out.append(a)

    a = Author("cps_lawyer", "CPS", "CPS RASSO lawyer, pre-charge advice")
    a.subjects = ["The complainant", "{V}", "The victim", "V1"]
    a.vb_frames = ["{subj} {pred}.", "A jury is likely to find that {subj_l} {pred}.",
                   "It is clear from the papers that {subj_l} {pred}.",
                   "The defence will say, with some force, that {subj_l} {pred}."]
    a.vb_pos = ["The complainant's history of making allegations that came to nothing fatally undermines her credibility.",
                "Her chaotic lifestyle means she would not come across well to a jury.",
                "On her own account she went to the flat willingly and more than once.",
                "The complainant was a willing participant in the drinking and what followed.",
                "This appears to have been a consensual relationship, albeit an unlawful one.",
                "She returned to {S} of her own volition, which is inconsistent with an assault.",
                "The complainant's sexualised behaviour will inevitably be raised.",
                "She is an unreliable witness with a history of absconding and lying."]
    a.vb_neg = ["A child under 13 cannot consent; the question of consent does not arise.",
                "Where the complainant is under 16, consent is not a defence to s.9.",
                "The suspect's claim that she seemed older does not assist him here.",
                "The complainant's later contact with the suspect is consistent with grooming, not consent.",
                "Myths and stereotypes about how a victim should behave must be challenged.",
                "I advise that the complainant's account be obtained by ABE with an intermediary.",
                "The evidential stage is not met at present.",
                "Charge: meeting a child following sexual grooming (s.15 SOA 2003).",
                "The complainant told the officer \"{cw}\"; that is a feature of grooming.",
                "{S} exploited her vulnerability by supplying alcohol and cannabis.",
                "Early investigative advice was given on {d}.",
                "The victim consented to the ABE being recorded and played at trial."]
    a.as_done_frames = ["I note that the {item_l} has been completed: {done}.",
                        "The {item_l} is on file ({done})."]
    a.as_open_frames = ["Before a charging decision, the {item_l} should be obtained.",
                        "Please confirm the position on the {item_l}.",
                        "The {item_l} remains outstanding.", "I advise that the {item_l} be pursued."]
    a.as_pos = ["The cell site evidence has been served and places S1 at the address.",
                "I have seen the DFU report on IP1's phone (exhibit {EX}).",
                "{S} was interviewed and gave a full denial."]
    a.as_neg = ["I would expect the CCTV to be viewed before any decision is made.",
                "The phones should be downloaded and the messages reviewed.",
                "Has the third suspect been identified?",
                "The taxi firm records may corroborate her account and should be sought."]
    out.append(a)

    a = Author("email_chain", "e-mail", "informal e-mails between officers and supervisors")
    a.subjects = ["She", "{V}", "IP", "the girl"]
    a.vb_frames = ["Tbh {subj_l} {pred}.", "{subj} {pred}, so not sure where this goes.",
                   "Honestly {subj_l} {pred}.", "Just so you know, {subj_l} {pred}."]
    a.vb_pos = ["she's been sleeping with him for months, so I'm not sure what's changed",
                "tbh she's a nightmare, every weekend it's something",
                "she's 14 going on 21, knows exactly what she's doing",
                "she was up for it by all accounts, then regretted it",
                "not CSE imo, just a girl with a boyfriend her mum doesn't like",
                "let's not waste too much time, she'll withdraw like last time",
                "she's got form for crying wolf",
                "it's her choice who she hangs around with",
                "she went back to him again, so what can we do?"]
    a.vb_neg = ["Where are we with the CCTV? Thanks, Sarge",
                "Can you make sure the ISVA is invited to the next meeting?",
                "She told the ISVA \"{cw}\" - worth noting for the ABE.",
                "Reminder: please avoid terms like 'boyfriend' for adult suspects in the log.",
                "Just to flag, the IP's mum gave consent for the phone to be examined.",
                "The file says 'promiscuous' - can we get that taken out? It isn't appropriate.",
                "Strategy meeting moved to Thursday 10:00.",
                "I've spoken to the DI, he wants the suspects TIE'd this week.",
                "FYI {S} was seen with two more girls last night.",
                "He is 34 and she is 14 - this is grooming, not a relationship.",
                "Please update the action log before you go on leave.",
                "Thanks for the update, I'll let the family know."]
    a.as_done_frames = ["{item} done - {done}.", "Quick update: {item_l}, {done}.",
                        "FYI {item_l} - {done}."]
    a.as_open_frames = ["Where are we with the {item_l}?", "Have chased the {item_l}, still waiting.",
                        "Can someone pick up the {item_l}?", "{item} - {open}, will chase Monday.",
                        "Still nothing back on the {item_l}."]
    a.as_pos = ["Got the CCTV from {shop} this morning, viewed it, nothing on it (NEV).",
                "Download's back on the IP's phone, report exhibited {EX}.",
                "Took a statement off {W} yesterday, it's on the system.",
                "Both suspects interviewed today - no comment from both."]
    a.as_neg = ["Have put in for the CDR, it's with SPOC.", "Not had time to do the house to house yet.",
                "DFU say 6 months for the download.", "Will do the ANPR when I'm back from leave.",
                "Did anyone ever get the taxi firm records?",
                "She's still got the phone he gave her, the number's in the log."]
    out.append(a)

    a = Author("sio_policy", "policy file", "SIO decision log / policy file")
    a.subjects = ["IP1", "The victim", "{V}"]
    a.vb_frames = ["Rationale: {subj_l} {pred}.", "Decision {n}: no further action as {subj_l} {pred}.",
                   "{subj} {pred}; the public interest is not served by continuing."]
    a.vb_pos = ["Rationale: the IP made a lifestyle choice to spend her evenings with this group.",
                "Decision {n}: filed; IP is not a credible witness due to her history of lying.",
                "Rationale: victim does not see herself as a victim and chooses to continue contact.",
                "Decision {n}: a case of teenage girls hanging around with older men rather than exploitation.",
                "Rationale: IP's own behaviour contributed significantly to events.",
                "Decision {n}: the IP willingly attended the address on several occasions.",
                "Rationale: the girls are known to trade sexual favours for alcohol."]
    a.vb_neg = ["Decision {n}: outcome 16 - named suspect, evidential difficulties, victim does not support.",
                "Rationale: the victim is 13 and cannot consent; the offence is rape of a child under 13.",
                "Decision {n}: the case will be reviewed by the CSE team in three months.",
                "Rationale: the victim's wish not to proceed is understood in the context of grooming.",
                "Decision {n}: disruption plan against {S}; CAWN to be served.",
                "Decision {n}: IP1's account to be obtained through ABE with intermediary support.",
                "Rationale: consent to the medical examination was obtained from IP1 and her carer.",
                "Decision {n}: {S} to be treated as a suspect for s.15 SOA 2003 grooming.",
                "Rationale: the victim's return to the suspects is consistent with control and fear.",
                "Decision {n}: parallel safeguarding plan agreed with CSC."]
    a.as_done_frames = ["Decision {n}: {item} - completed; {done}.", "PD{n}: {item} - {done}."]
    a.as_open_frames = ["Decision {n}: {item} - {open}.", "PD{n}: {item} agreed as a line.",
                        "Decision {n}: {item} deferred as not proportionate.",
                        "Policy: {item_l} to be considered at review."]
    a.as_pos = ["Decision {n}: S1 and S2 arrested {d} and interviewed; S1 no comment, S2 prepared statement.",
                "Decision {n}: scene at {place} examined by CSI, photographs taken, nothing recovered."]
    a.as_neg = ["Decision {n}: call data and cell site for S1 deferred as not proportionate.",
                "Decision {n}: production order for the hotel records agreed as a line.",
                "Decision {n}: the third suspect to be identified via the taxi firm.",
                "Decision {n}: all actions to remain open pending CPS advice."]
    out.append(a)

    a = Author("strategy_minutes", "strategy meeting", "multi-agency strategy / complex strategy minutes")
    a.subjects = ["{V}", "The young person", "YP"]
    a.vb_frames = ["{role} said that {subj_l} {pred}.", "It was noted that {subj_l} {pred}.",
                   "{role}: {subj_l} {pred}."]
    a.vb_pos = ["The girls are at risk because of their own behaviour and the choices they are making.",
                "Police view: this is a lifestyle issue rather than a crime.",
                "Education said {V} is streetwise and well able to look after herself.",
                "Agreed that {V} is in a relationship with {S} and that this is her choice.",
                "Health said {V} is promiscuous and refuses to listen.",
                "Housing said {V} is trading sex for a room at the flat."]
    a.vb_neg = ["Present: DS {o} (police), SW (CSC), school DSL, school nurse, ISVA.",
                "Agreed: {V} is a victim of exploitation; safety plan to be updated.",
                "Action: police to consider a CAWN against {S}.",
                "The chair reminded all agencies to use appropriate language and not to refer to adult suspects as boyfriends.",
                "{V} said in her own words \"{cw}\"; the meeting noted this as a sign of grooming.",
                "CSE risk assessment: high. Next meeting in 4 weeks.",
                "Consent to share information was obtained from the family.",
                "Concerns that adult males are using the shisha lounge to target children.",
                "Agreed that no child in this group is responsible for the abuse.",
                "Disruption: licensing to visit {shop}."]
    a.as_done_frames = ["Police update: {item} - {done}."]
    a.as_open_frames = ["Police update: {item} - {open}.", "Action {n}: {item_l} (police).",
                        "Outstanding from last meeting: {item_l}."]
    a.as_pos = ["Police confirmed {S} was arrested and interviewed on {d}; released under investigation."]
    a.as_neg = ["Action {n}: police to trace and interview {S}.", "Action {n}: school to share attendance records with police."]
    out.append(a)

    a = Author("reviewer_panel", "reviewer", "review panel / independent reviewer commenting on the file")
    a.compose_vb = False
    a.vb_pos = ["In my view she had made her own choices by then and was not a victim in the usual sense.",
                "It has to be said that the victim's lifestyle made the investigation difficult."]
    a.vb_neg = ["The log describes {V} as \"{qp}\"; that is victim-blaming language and should not have been used.",
                "Describing {S} ({age}) as her \"boyfriend\" obscured the fact that he was an adult abusing a child.",
                "The phrase \"{qp}\" places responsibility on the child and is contrary to guidance.",
                "The file repeatedly uses the term \"{qp}\"; the panel considers this inappropriate.",
                "Officers recorded that she was \"{qp}\", which reflects attitudes the review criticises.",
                "Reviewer's note: the wording \"{qp}\" at entry {nn} should have read that the child was being exploited.",
                "The OIC's description of the IP as \"{qp}\" shows a failure to recognise exploitation.",
                "There is no suggestion that a 14-year-old could consent to what happened.",
                "The victim-blaming language in the closing rationale influenced the NFA decision.",
                "The panel recommends the case is reinvestigated.",
                "The review found 6 lines of inquiry not followed.",
                "Nothing in the file suggests the child was responsible for what happened to her.",
                "The MG3 frames the complainant's return to the address as consent; that is wrong in law.",
                "The reviewer notes that the term 'child prostitute' appears twice in the intelligence log.",
                "The language used about {V} in 2012 would not be acceptable today.",
                "Interviews with the suspects were of reasonable quality.",
                "The IP's account at ABE was clear and detailed."]
    a.as_done_frames = ["The {item_l} was completed: {done}.", "The file shows the {item_l} was done ({done})."]
    a.as_open_frames = ["There is no record that the {item_l} was ever obtained.",
                        "The {item_l} was never completed.", "The {item_l} was identified but not followed up.",
                        "The {item_l} remained {open} when the case was closed."]
    a.as_pos = ["CCTV was seized promptly and viewed; the review has no concerns on that line.",
                "Both named suspects were interviewed under caution.",
                "The house-to-house on {street} was completed and recorded as negative."]
    a.as_neg = ["The CCTV was requested but never viewed.", "The third male, '{N}', was never identified.",
                "Call data was deferred as not proportionate and never revisited.",
                "The booking records would have shown who paid for the room; they were never obtained.",
                "Several lines identified in the first month were never completed."]
    out.append(a)

    a = Author("guidance_training", "guidance", "training slides and guidance notes about language and investigation")
    a.compose_vb = False
    a.vb_pos = []
    a.vb_neg = ["Avoid phrases such as \"{qp}\"; say instead that the child is being exploited or abused.",
                "Words like \"{qp}\" shift responsibility from the abuser to the child.",
                "Do not describe an adult abuser as the child's boyfriend; describe him as an adult who is abusing the child.",
                "Children cannot consent to their own abuse.",
                "Instead of 'putting themselves at risk', record that the child is at increased vulnerability to being exploited.",
                "Instead of 'sexually active', record the concern that the child may have been groomed or coerced.",
                "Victim-blaming language implies that a victim is responsible for the abuse they have experienced.",
                "The term 'child prostitution' should never be used; it is child sexual exploitation.",
                "Slide 4: language matters - it can decide whether a child is safeguarded.",
                "In one force, 12 instances of victim-blaming language were found in case files.",
                "Around a third of referrals concerned children missing from care.",
                "Exploiters often tell children that no one will believe them.",
                "Training module 2: recognising grooming and coercive control.",
                "Record the child's words exactly, in quotation marks, and say who was present.",
                "Exchange in child sexual exploitation does not mean the child agreed to anything.",
                "When a child returns to an abuser, consider fear, control and dependency, not choice.",
                "Checklist: was the child's account obtained by ABE? Were the suspects interviewed?",
                "Inspectors recommended that chief constables eradicate victim-blaming language in their forces."]
    a.as_done_frames = []
    a.as_open_frames = ["Checklist: has the {item_l} been considered?", "Consider whether {item_l} is available.",
                        "Good practice: secure the {item_l} early."]
    a.as_neg = ["CCTV is often overwritten within 28 days; seize it early.",
                "Phones should be downloaded promptly and the results reviewed.",
                "Investigators should consider ANPR, CCTV and call data in every case."]
    out.append(a)

    a = Author("intel_log", "intelligence", "intelligence submissions (5x5x5 style), terse third-party reports")
    a.style = lambda s: s
    a.subjects = ["Subject", "{V}", "The female"]
    a.vb_frames = ["Intel: {subj_l} {pred}.", "{subj} {pred} (B2).", "Source reports {subj_l} {pred}."]
    a.vb_pos = ["Intel: known CSE female, prostitutes herself around the taxi ranks.",
                "Intel: {V} is a willing girlfriend of the {N} group.",
                "Source states the girls go there for drink and drugs and know what is expected.",
                "Intel: {V} is a promiscuous female who is frequently missing."]
    a.vb_neg = ["Intel: {S} ({age}) seen picking up school-age girls in {VRM}.",
                "Source reports adult males supplying cannabis to children at {place}.",
                "Intel: {N} is believed to be the driver for the group.",
                "Intel: {V} ({cage}) seen at {place} with adult males at 23:30.",
                "Intelligence graded B2; disseminated to the CSE team.",
                "Source says {S} films the girls on his phone.",
                "Intel: girls from the children's home are being taken to {place} by taxi."]
    a.as_done_frames = ["Development: {item} - {done}."]
    a.as_open_frames = ["Development: {item} - {open}.", "Suggested action: {item_l}."]
    a.as_pos = ["Development: {N} identified as {S} via PNC and local systems."]
    a.as_neg = ["Development: research on the nickname '{N}' - no result yet.",
                "Suggested action: ANPR on {VRM}."]
    out.append(a)

    a = Author("custody_record", "custody", "custody record and interview summaries (ROTI / SDN)")
    a.compose_vb = False
    a.style = lambda s: s
    a.vb_pos = ["Detained person states the girl came on to him and was willing; officer notes she looked older.",
                "Comment from custody officer: girl is well known, hangs around the station."]
    a.vb_neg = ["{time} Detained person booked in. Reason: rape of a child under 16.",
                "{time} Solicitor consulted in private.",
                "{time} DP states the girl told him she was 18.",
                "{time} Consent obtained for DNA and fingerprints.",
                "{time} Released under investigation.",
                "{time} DP says \"she wanted to, she's my girlfriend\" - recorded verbatim.",
                "{time} Rights and entitlements given.",
                "{time} Interview commenced, DC {o} and DC {o} present."]
    a.as_done_frames = ["{time} {item} - {done}."]
    a.as_open_frames = ["{time} {item} - {open}."]
    a.as_pos = ["{time} Interview concluded. DP answered no comment to all questions.",
                "{time} Solicitor read prepared statement, exhibit {EX}. No comment thereafter.",
                "{time} Interview concluded: DP gave a full account denying any sexual contact.",
                "{time} Handset seized from DP on arrest, downloaded {d}, report {EX}.",
                "{time} DNA sample taken and submitted, result on file."]
    a.as_neg = ["{time} Interview postponed - solicitor unavailable.", "{time} DP bailed to return, interview to follow.",
                "{time} Handset retained for examination.", "{time} DP refused to provide PIN for phone."]
    out.append(a)
    return out


# --------------------------------------------------------------------------------------------
# Public guidance and inquiry phrasing (paraphrased into record sentences)
# --------------------------------------------------------------------------------------------
def public_guidance_rows(rng: random.Random) -> list[Row]:
    """Terms-to-avoid from the Appropriate Language guide and wording criticised by inquiries,
    written as a record would use them (1); the recommended alternatives and the inquiry
    criticism itself (0)."""
    src = "public guidance paraphrased (see module docstring)"
    pos = [
        "{V} is putting herself at risk of sexual exploitation.",
        "{V} has been sexually active since the age of 12.",
        "{V} has been contacting adult males via her phone and the internet.",
        "{V} is involved in CSE.",
        "{V} is engaging in child prostitution.",
        "{V} is choosing to go missing and to meet adult males.",
        "{V} is in a relationship with a much older man.",
        "{V} is making lifestyle choices that put her at risk.",
        "{V} consented to sexual activity with the males.",
        "{V} is sexually promiscuous.",
        "{V} is offering sex in return for drugs.",
        "{V} is exchanging sex for gifts and money.",
        "{V} is a risk to herself because she keeps going missing.",
        "The girls are known to be prostitutes.",
        "{V} is a willing participant in what goes on at the house.",
        "{V} is out of control and the police cannot do anything more.",
        "{V} is not a victim; she is making her own choices.",
        "{V} has been sexting older males.",
        "{V} is sleeping around with older men.",
        "{V} is a difficult girl who puts herself in these situations.",
        "{V} is sexualised and seeks out older men.",
        "{V} is not engaging with services, so the risk remains with her.",
        "{V} is streetwise and knows how to handle herself.",
        "These girls are consenting and there is nothing for police to do.",
        "{V} regularly goes to the house where the men are and enjoys the lifestyle.",
        "{V} has been having sex with older men in exchange for cigarettes and lifts.",
        "{V} is at risk of CSE due to her own risky behaviour.",
        "{V} lied about her age to the men, so they cannot be blamed.",
        "{V} went to the party and was drinking, so she has to take some responsibility.",
    ]
    neg = [
        "Professionals described the girls as making lifestyle choices; the review found this badly wrong.",
        "The serious case review found a professional mind-set that could not see that the girls' ability to say no had been eroded.",
        "Inquiry reports found that children were regarded with contempt and their abuse not treated as crime.",
        "The inspection found examples of victim-blaming language in three of six forces.",
        "Victim-blaming attitudes obscure the seriousness of the crimes committed against children.",
        "Say: the child is a victim of sexual exploitation.",
        "Say: adults have been contacting the child, and the child may have been groomed.",
        "Say: there are concerns the child has been coerced, exploited or sexually abused.",
        "Say: the adult is abusing their position of power over the child.",
        "The guidance is clear that child exploitation is never the victim's fault.",
        "Over 1,400 children were estimated to have been sexually exploited over the period.",
        "Campaigners said institutions treated victims as complicit in their own abuse.",
        "Children can never consent to their own abuse.",
        "Prosecutors should focus on the conduct of the suspect, not the behaviour of the child.",
        "An apparent willingness to go with the suspects may reflect grooming.",
        "The word 'boyfriend' should not be used where an adult is abusing a child.",
        "A child who returns to an abuser is not consenting to the abuse.",
        "Terms such as 'sexually active' or 'promiscuous' should be avoided when describing a child.",
        "The language we use is shaped by the culture we work in.",
        "Exploiters often distance children from professionals who could help them.",
        "Police identified the taxi firms and takeaways used to target girls.",
        "The report recommended mandatory training on victim-blaming for all agencies.",
        "Perpetrators groom children with gifts, alcohol and attention.",
        "The child may be under duress to go missing.",
        "The location is dangerous to children, and perpetrators may exploit the child's vulnerability.",
    ]
    rows: list[Row] = []
    for t in pos:
        for _ in range(2):
            rows.append(_row(fill(t, rng), 1, "victim_blaming", "guidance-derived record", "public_guidance_terms",
                             src, "public_guidance"))
    for t in neg:
        rows.append(_row(fill(t, rng), 0, "victim_blaming", "guidance", "public_guidance_terms", src,
                         "public_guidance"))
    return rows


# --------------------------------------------------------------------------------------------
# The TRAIN split of the bundled samples
# --------------------------------------------------------------------------------------------
_WS = re.compile(r"\s+")
_DONE = re.compile(
    r"\b(viewed|NEV|no comment|prepared statement|download(ed)? (complete|by)|downloaded|"
    r"exhibit(ed)?|exh [A-Z]{1,3}/\d|statement (taken|obtained)|MG11 statement taken|"
    r"no trace|PNC checked|ANPR checked|RESULTED|interviewed|searched|checked - |"
    r"completed|result:|report exhibited|obtained)\b", re.IGNORECASE)
_OPEN = re.compile(
    r"\b(requested|request|awaiting|awaited|to be|allocated|OPEN|not proportionate|not progressed|"
    r"not yet|never|not submitted|drafted|outstanding|pending|not (been )?(traced|identified|"
    r"interviewed|obtained|viewed|downloaded|done|made|seen|sent)|no result|tbc|for action|"
    r"was not|were not|not in|no update|declined|missed|chase|consider|whether|booked to|"
    r"should|would|could|if)\b|\?", re.IGNORECASE)
_INQ = re.compile(
    r"\b(cctv|camera|dvr|phone|handset|download|dfu|cdr|cell site|subscriber|snapchat|facebook|"
    r"instagram|sarc|swab|forensic|fsr|sample|statement|mg11|tie|house-to-house|house to house|"
    r"witness|interview|arrest|trace|identif|search|warrant|s\.18|s\.32|scene|pnc|anpr|vrm|"
    r"records|hotel|taxi|bank|payment|top-up|production order)", re.IGNORECASE)
_VB_NEAR = re.compile(
    r"\b(consent|choice|chose|risk|boyfriend|girlfriend|relationship|willing|attention|lifestyle|"
    r"reliab|credib|promiscu|sexual|missing|behaviou?r|mature|trading|exchange|age|own accord|"
    r"volition|allegation|lie|lying|drunk|alcohol|older)", re.IGNORECASE)


def _norm(t: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", t.lower()))


def _shingles(t: str, k: int = 4) -> set[str]:
    w = _norm(t).split()
    return {" ".join(w[i:i + k]) for i in range(max(1, len(w) - k + 1))}


def _overlaps(clause: str, quotes: list[set[str]]) -> bool:
    """True when the clause shares any four-word run with a gold quote (a fragment of it)."""
    sh = _shingles(clause)
    return any(sh & q for q in quotes)


def _lines(text: str) -> list[str]:
    """Clauses of a source file: each line, then sentences within it."""
    out: list[str] = []
    for line in text.replace("<<PAGE>>", "\n").splitlines():
        line = _WS.sub(" ", line).strip()
        if not line or line.startswith("#"):
            continue
        for s in re.split(r"(?<=[.;!?])\s+(?=[A-Z0-9\"])", line):
            s = s.strip()
            if 20 <= len(s) <= 300:
                out.append(s)
    return out


def train_split_rows(rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    for cj in sorted((ROOT / "sample_files" / "src").glob("*/case.json")):
        case = json.loads(cj.read_text())
        if case.get("split") != "train":  # the test split is never read
            continue
        cid = case["case"]
        group = f"train_{cid}"
        register = "sample file"
        src = f"sample_files train {cid}"
        vb_quotes: list[str] = []
        inq_quotes: list[str] = []
        other_quotes: list[str] = []
        for lab in case["labels"]:
            qs = [lab["quote"]] + [a["quote"] for a in lab.get("also", [])]
            if lab["type"] == "victim_blaming_language":
                vb_quotes.extend(qs)
            elif lab["type"] == "unfollowed_inquiry":
                inq_quotes.extend(qs)
            else:
                other_quotes.extend(qs)
        for q in vb_quotes:
            rows.append(_row(q, 1, "victim_blaming", register, "train_" + cid, src, group))
        for q in inq_quotes:
            rows.append(_row(q, 0, "action_status", register, "train_" + cid, src, group))
        vb_sh = [_shingles(q) for q in vb_quotes]
        inq_sh = [_shingles(q) for q in inq_quotes + other_quotes]
        vb_neg: list[str] = []
        as_pos: list[str] = []
        as_neg: list[str] = []
        for d in case["documents"]:
            text = (cj.parent / d["source"]).read_text(encoding="utf-8")
            for s in _lines(text):
                n = _norm(s)
                if not n:
                    continue
                if not _overlaps(s, vb_sh):
                    if _VB_NEAR.search(s) or rng.random() < 0.15:
                        vb_neg.append(s)
                if _INQ.search(s) and not _overlaps(s, inq_sh):
                    done, opn = bool(_DONE.search(s)), bool(_OPEN.search(s))
                    if done and not opn:
                        as_pos.append(s)
                    elif opn and not done:
                        as_neg.append(s)
        rng.shuffle(vb_neg)
        for s in vb_neg[:25]:
            rows.append(_row(s, 0, "victim_blaming", register, "train_" + cid, src, group))
        for s in as_pos[:14]:
            rows.append(_row(s, 1, "action_status", register, "train_" + cid, src, group))
        for s in as_neg[:8]:
            rows.append(_row(s, 0, "action_status", register, "train_" + cid, src, group))
    return rows


# --------------------------------------------------------------------------------------------
# Composition
# --------------------------------------------------------------------------------------------
def _row(text: str, label: int, task: str, register: str, author: str, source: str, group: str) -> Row:
    return {"text": _WS.sub(" ", text).strip(), "label": label, "task": task, "register": register,
            "author": author, "source": source, "group": group}


def _lower_subject(s: str) -> str:
    if s.startswith("{") or s[:2].isupper() or s.split(" ")[0] in ("IP1", "IP2", "V1", "YP", "IP"):
        return s
    return s[0].lower() + s[1:]


ROLES_MEETING = ["Police", "CSC", "Education", "Health", "The school nurse", "The YOT worker"]


def author_rows(a: Author, rng: random.Random) -> list[Row]:
    rows: list[Row] = []
    src = "synthetic"

    def add(t: str, label: int, task: str) -> None:
        male = rng.random() < a.male_share
        text = fill(t, rng, male=male)
        rows.append(_row(a.style(text), label, task, a.register, a.key, src, a.key))

    def subst(t: str) -> str:
        return t.replace("{cw}", rng.choice(CHILD_WORDS)).replace("{qp}", rng.choice(QUOTED_PHRASES))

    # victim_blaming: composed positives
    if a.compose_vb:
        for fam, preds in VB_PRED.items():
            k = 5 if fam in ("consent_choice", "risk_on_child", "character") else 4
            for pred in rng.sample(preds, min(k, len(preds))):
                subj = rng.choice(a.subjects)
                frame = rng.choice(a.vb_frames)
                t = (frame.replace("{subj_l}", _lower_subject(subj)).replace("{subj}", subj)
                     .replace("{pred}", pred).replace("{role}", rng.choice(ROLES_MEETING)))
                add(t, 1, "victim_blaming")
        for t in rng.sample(VB_MINIMISING_WHOLE, 3):
            add(t, 1, "victim_blaming")
    for t in a.vb_pos:
        add(subst(t), 1, "victim_blaming")
        add(subst(t), 1, "victim_blaming")
    for t in a.vb_neg:
        add(subst(t), 0, "victim_blaming")
        if "{cw}" in t or "{qp}" in t:
            for _ in range(3):
                add(subst(t), 0, "victim_blaming")
        else:
            add(subst(t), 0, "victim_blaming")
    # victim_blaming: composed hard negatives (quotes, law, consent to procedures, supportive framing)
    if a.key not in ("guidance_training", "reviewer_panel"):
        hard = [
            "{V} said \"{cw}\".",
            "{V} told officers \"{cw}\".",
            "In her own words: \"{cw}\".",
            "{V} consented to the ABE interview.",
            "{V} consented to a medical examination at the SARC.",
            "A child of {cage} cannot consent in law.",
            "{S} ({age}) is grooming {V} with gifts and lifts.",
            "{S} offered {V} cigarettes and phone credit and asked for images.",
            "{V} is being exploited by {S} and others.",
            "{V} is at risk from adult males who target children at {place}.",
            "There are concerns that {V} is being coerced by {S}.",
            "{V} was reported missing on {num} occasions in {d} to {d}.",
        ]
        for t in rng.sample(hard, 8):
            add(subst(t), 0, "victim_blaming")
    # action_status: composed from the kinds lexicon and the author's frames
    for kind in KINDS.values():
        for frame in rng.sample(a.as_done_frames, min(2, len(a.as_done_frames))):
            item, done = rng.choice(kind["item"]), rng.choice(kind["done"])
            t = (frame.replace("{item_l}", _lower_subject(item)).replace("{item}", item)
                 .replace("{done}", done))
            add(t, 1, "action_status")
        for frame in rng.sample(a.as_open_frames, min(2, len(a.as_open_frames))):
            item, opn = rng.choice(kind["item"]), rng.choice(kind["open"])
            t = (frame.replace("{item_l}", _lower_subject(item)).replace("{item}", item)
                 .replace("{open}", opn))
            add(t, 0, "action_status")
    for t in a.as_pos:
        add(t, 1, "action_status")
        add(t, 1, "action_status")
    for t in a.as_neg:
        add(t, 0, "action_status")
        add(t, 0, "action_status")
    if a.as_open_frames:
        for t in rng.sample(AS_NARRATIVE, 3):
            add(t, 0, "action_status")
    return rows


def action_register_rows(rng: random.Random) -> list[Row]:
    """Two more voices with the tabular form of action registers and MG6 schedules."""
    rows: list[Row] = []
    for key, register in (("action_register_typed", "action register"),
                          ("mg6_schedule", "MG6 schedule")):
        src = "synthetic"
        for kind in KINDS.values():
            for _ in range(3):
                item, done, opn = (rng.choice(kind["item"]), rng.choice(kind["done"]),
                                   rng.choice(kind["open"]))
                if key == "action_register_typed":
                    t1 = f"A{{nn}} {item} .... {{O}} RESULTED {{d}}. Result: {done}."
                    t0 = rng.choice([f"A{{nn}} {item} .... {{O}} OPEN", f"A{{nn}} {item} .... "
                                     f"{{O}} {opn.upper()}", f"A{{nn}} {item} - Update {{d}}: {opn}."])
                else:
                    t1 = f"{{n}} | {item} | Exhibit {{EX}} | {done}"
                    t0 = rng.choice([f"{{n}} | {item} | Not made | {opn}", f"{{n}} | {item} | "
                                     f"Remarks: {opn}", f"{{n}} | {item} | - | Never requested"])
                rows.append(_row(fill(t1, rng), 1, "action_status", register, key, src, key))
                rows.append(_row(fill(t0, rng), 0, "action_status", register, key, src, key))
    return rows


def dedupe(rows: Iterable[Row]) -> list[Row]:
    seen: dict[tuple[str, str], Row] = {}
    for r in rows:
        key = (str(r["task"]), _norm(str(r["text"])))
        if key not in seen:
            seen[key] = r
        elif seen[key]["label"] != r["label"]:
            # A clause labelled both ways is dropped rather than guessed.
            seen[key]["_conflict"] = True
    return [r for r in seen.values() if not r.get("_conflict")]


def build() -> list[Row]:
    rng = random.Random(SEED)
    rows: list[Row] = []
    for a in authors():
        rows.extend(author_rows(a, rng))
        rows.extend(author_rows(a, rng))  # a second pass: new slot values and new frame picks
    rows.extend(action_register_rows(rng))
    rows.extend(public_guidance_rows(rng))
    rows.extend(train_split_rows(rng))
    return dedupe(rows)


def main() -> None:
    rows = build()
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} clauses -> {OUT.relative_to(ROOT)}")
    for task in ("victim_blaming", "action_status"):
        sub = [r for r in rows if r["task"] == task]
        lab = Counter(int(str(r["label"])) for r in sub)
        print(f"\n{task}: {len(sub)} (label 1: {lab[1]}, label 0: {lab[0]})")
        by = Counter((str(r["group"]), int(str(r["label"]))) for r in sub)
        for g in sorted({str(r["group"]) for r in sub}):
            print(f"  {g:28s} 1: {by[(g, 1)]:4d}   0: {by[(g, 0)]:4d}")


if __name__ == "__main__":
    main()
