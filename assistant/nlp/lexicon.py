"""Word lists shared by the rules, and loading of the JSON lexicons in ``models/lexicons``."""

from __future__ import annotations

import json
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

# English function words (not imported from spaCy: importing spacy loads torch, seconds of
# start-up the rules do not need).
STOP_WORDS: frozenset[str] = frozenset("""
a about above across after afterwards again against all almost alone along already also although
always am among amongst amount an and another any anyhow anyone anything anyway anywhere are
around as at back be became because become becomes becoming been before beforehand behind being
below beside besides between beyond both bottom but by call can cannot could did do does doing
done down due during each eight either eleven else elsewhere empty enough even ever every
everyone everything everywhere except few fifteen fifty first five for former formerly forty
four from front full further get give go had has have he hence her here hereafter hereby herein
hereupon hers herself him himself his how however hundred i if in indeed into is it its itself
just keep last latter latterly least less made make many may me meanwhile might mine more
moreover most mostly move much must my myself name namely neither never nevertheless next nine
no nobody none noone nor not nothing now nowhere of off often on once one only onto or other
others otherwise our ours ourselves out over own part per perhaps please put quite rather re
really regarding same say see seem seemed seeming seems serious several she should show side
since six sixty so some somehow someone something sometime sometimes somewhere still such take
ten than that the their them themselves then thence there thereafter thereby therefore therein
thereupon these they third this those though three through throughout thru thus to together too
top toward towards twelve twenty two under unless until up upon us used using various very via
was we well were what whatever when whence whenever where whereafter whereas whereby wherein
whereupon wherever whether which while whither who whoever whole whom whose why will with within
without would yet you your yours yourself yourselves
""".split())

LEXICON_DIR = Path(__file__).resolve().parents[2] / "models" / "lexicons"

# Capitalised words in records that are not first names: row-leading verbs, headings, places,
# document words. Used to reject "Interview SMITH" or "Flat B" as a person.
_DOMAIN_WORDS = """
action actions arrest arrested arrange attend attended await awaiting bail bailed caution
charge check checks circulate collect complete completed confirm consider contact contacted
conduct debrief decision decisions download downloaded enquire enquiries examine examined
exhibit exhibits follow identify identified interview interviewed locate obtain obtained
request requested research review reviewed search searched secure seize seized speak spoke
submit submitted take taken trace traced update updated view viewed visit visited chase
retain arrange allocate allocated raise raised record recorded note noted refer referred
flat road street lane avenue close crescent drive way court house park estate square terrace
place gardens hill green row walk yard station school academy college hospital clinic centre
center hotel club shop store garage car van taxi bus train police constabulary force county
council city town village north south east west central city division district borough
operation op crime incident occurrence case report summary log entry serial ref reference
date time status result results outcome description officer author oic sio ds dc pc
social care children services health education team unit department mash cps dear
from subject re sent cc bcc attachment regards kind thanks page section appendix annex
part item items note notes minutes meeting strategy chair present apologies agenda
mother father mum dad carer foster parent parents brother sister aunt uncle nan grandmother
grandfather friend friends boyfriend girlfriend partner neighbour teacher nurse doctor
victim suspect witness complainant nominal offender person persons people male female
man woman boy girl child children young youth lad older younger
monday tuesday wednesday thursday friday saturday sunday january february march april may
june july august september october november december jan feb mar apr jun jul aug sep sept
oct nov dec
mr mrs ms miss mx dr sir madam
sexual offences act section criminal justice evidence achieving best abe vri mg mg11 mg3 mg5
national county lines child sexual exploitation cse cce no further nfa home office
request form restricted official sensitive confidential secret protected
the a an and or but if of in on at to for with by as is was were be been being this that
these those there here it its he she they them his her their we our you your i
plan plans policy rationale investigation investigative enquiry inquiry line lines
first second third last next previous new old other another same
yes no none nil n/a na unknown
samsung iphone apple nokia motorola alcatel huawei snapchat instagram facebook whatsapp
telegram tiktok twitter messenger kik google vodafone ee o2 three tesco asda
""".split()

COMMON_CAPITALISED: frozenset[str] = frozenset(w.lower() for w in _DOMAIN_WORDS) | frozenset(
    STOP_WORDS
)

# Upper-case words that are abbreviations, not surnames.
NOT_SURNAMES: frozenset[str] = frozenset(
    """
CCTV ANPR PNC PND CDR ABE VRI MG MG11 MG3 MG5 MG6 MG6C MG6D NFA CPS OIC SIO IP IPS DOB NEV SARC
ISVA IDVA MASH CSC CSE CCE CAWN TIE VRM DFU HTCU RIPA SPOC NPCC HMICFRS CAD RMS ACPO APP PACE
DC DS DI DCI PC PS PCSO SGT INSP SUPT CID MIT PVP CAIT CSU NCA CEOP GP A&E NHS DSL SW SWR LADO
UK GB USA LOL OK ID TBC TBA NB PS AM PM HRS UTC GMT BST RE FW FWD CC BCC URL PDF DOCX TXT
SOA SOA2003 SOCA RUI FTA VA IUC NOK CYP LAC YOT YOS PRU CAMHS SRE ICPC RCPC CP CIN
NIL NONE UNKNOWN YES NO N/A RESTRICTED OFFICIAL SENSITIVE CONFIDENTIAL SECRET PROTECTED
POLICE CONSTABULARY FORCE COUNTY COUNCIL REPORT SUMMARY STATUS RESULT OPEN CLOSED COMPLETE
COMPLETED PENDING OUTSTANDING ACTION ACTIONS DECISION LOG ENTRY DATE TIME REF CRIME OPERATION
OP INCIDENT OCCURRENCE CASE FILE REVIEW VICTIM SUSPECT WITNESS NOMINAL OFFENDER MALE FEMALE
ROAD STREET LANE FLAT HOUSE SCHOOL ACADEMY HOTEL PARK CENTRE STATION
MFH MISPER MISSING VIS ABE PPIU CAIT MASH SMS MMS SIM IMEI IMSI WIFI GPS DNA SWAB HIV STI STD LSD MDMA THC
""".split()
)


@lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """Common first names (lower-case) from ``models/lexicons/first_names.txt``."""
    words: set[str] = set()
    for line in (LEXICON_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(w.strip().lower() for w in line.split())
    return frozenset(words)


@cache
def load_lexicon(name: str) -> Any:
    """Load ``models/lexicons/<name>.json``."""
    with (LEXICON_DIR / f"{name}.json").open(encoding="utf-8") as f:
        return json.load(f)
