"""The victim-blaming lexicon and detector: every entry's examples and counter-examples, one
suggestion per blaming phrase, and text that discusses such language rather than uses it."""

from __future__ import annotations

import re

import pytest

from assistant.detectors.victim_blaming import VictimBlamingDetector
from assistant.nlp.lexicon import load_lexicon
from assistant.nlp.vb_lexicon import load_vb_lexicon
from tests.detector_helpers import assert_grounded, make_ctx

LEX = load_lexicon("victim_blaming")
ENTRIES = LEX["entries"]
REQUIRED = ("name", "family", "patterns", "examples", "counter_examples", "source", "concern",
            "instead", "fine_contexts")


def test_lexicon_shape() -> None:
    assert len(ENTRIES) >= 150
    names = [e["name"] for e in ENTRIES]
    assert len(names) == len(set(names)), "entry names are unique"
    for e in ENTRIES:
        for key in REQUIRED:
            assert key in e, (e.get("name"), key)
        assert e["patterns"] and e["examples"] and e["counter_examples"], e["name"]
        assert e["family"] in LEX["families"], e["name"]
        assert all(s in LEX["guidance"] for s in e["source"]), e["name"]
        assert e["concern"].strip() and e["instead"].strip(), e["name"]
        for p in [*e["patterns"], *e["fine_contexts"]]:
            re.compile(p, re.I)
    for p in [*LEX["not_findings"]["law"], *LEX["not_findings"]["discussion"]]:
        re.compile(p, re.I)


@pytest.mark.parametrize("entry", load_vb_lexicon().entries, ids=lambda e: e.name)
def test_entry_examples(entry) -> None:  # type: ignore[no-untyped-def]
    det = VictimBlamingDetector()
    for text in entry.examples:
        assert any(h.entry.name == entry.name for h in det.candidates(text)), (entry.name, text)
    for text in entry.counter_examples:
        assert not any(h.entry.name == entry.name for h in det.candidates(text)), (entry.name, text)


def _detect(text: str):  # type: ignore[no-untyped-def]
    ctx = make_ctx({"log.txt": f"Entry 4. {text}\n"})
    out = VictimBlamingDetector().detect(ctx)
    assert_grounded(ctx, out)
    return out


TWO_PHRASES = [
    # one sentence, two separate blaming phrases: one suggestion quoting the sentence, naming both
    ("Kerry is promiscuous; she is also selling herself for cannabis at the flat.",
     ("promiscuous", "selling herself")),
    ("The girl is sexually experienced - she chose to go back to the house on Friday.",
     ("sexually experienced", "chose to go")),
    ("She is attention seeking, but the girls went to the flat of their own accord.",
     ("attention seeking", "own accord")),
    # two acts of one family, and a phrase after a line break with OCR's marks beside it
    ("V1 is a confident lad who initiated contact with S1 online and\narranged the meeting himself.",
     ("initiated contact", "arranged the meeting")),
    ("Callum seems to have gone willingly to meet them and\n__knew exactly \u2018what he was \u2018doing.",
     ("gone willingly", "knew exactly")),
    ("Shannon is very streetwise and I'd describe her contact with the drivers as consensual.",
     ("streetwise", "consensual")),
]


@pytest.mark.parametrize(("text", "phrases"), TWO_PHRASES)
def test_one_suggestion_per_short_sentence(text: str, phrases: tuple[str, str]) -> None:
    # measured on train and indep_dev: independent authors label such a sentence once more
    # often than phrase by phrase; the suggestion still names every phrase it holds
    out = _detect(text)
    assert len(out) == 1, [s.citations[0].quote for s in out]
    quote = out[0].citations[0].quote.lower()
    said = (out[0].title + out[0].rationale).lower()
    for ph in phrases:
        assert ph in quote and ph in " ".join(said.split()).replace("\u2018", ""), (ph, quote, said)


def test_one_suggestion_per_phrase_in_a_long_run_of_text() -> None:
    # a segment the segmenter could not cut (an OCR'd table, a run-on note): each phrase its own
    text = ("Strategy meeting notes from the school, the social worker, the health visitor and the police "
            "officers present at the station on the Monday morning: Kerry is promiscuous; she is also "
            "selling herself for cannabis at the flat on the estate most weekends when her mother works")
    out = _detect(text)
    quotes = [s.citations[0].quote.lower() for s in out]
    assert len(out) == 2 and len({s.id for s in out}) == 2, quotes
    for ph in ("promiscuous", "selling herself"):
        assert sum(ph in q for q in quotes) == 1, (ph, quotes)


def test_one_family_joined_by_and_is_one_finding() -> None:
    out = _detect("Tia has a history of making things up and is attention seeking.")
    assert len(out) == 1


def test_ids_are_stable() -> None:
    text = "Kerry is promiscuous; she is also selling herself for cannabis at the flat."
    assert [s.id for s in _detect(text)] == [s.id for s in _detect(text)]


NOT_FINDINGS = [
    # discussion of such language, not use of it
    "The review found that officers described the girls as making lifestyle choices.",
    "Instead of 'putting herself at risk', record that adults are exploiting the child.",
    "Training for response officers covered myths such as 'she is promiscuous' or 'she consented'.",
    "In 2009 four girls under 18 were cautioned for loitering or soliciting for prostitution.",
    "The DS's note calls her a 'willing participant', which is victim-blaming language.",
    "Children as young as 12 were regarded as prostitutes rather than victims.",
    # the child's own words
    'She said "I went with him because I wanted to, he is my boyfriend".',
    "DS ARKWRIGHT: IP1 called HOLLIS her boyfriend throughout.",
    "She describes a 24 year old man as her boyfriend - that is not a relationship.",
    # a witness's denial, not a relationship
    "Denies seeing Kieran with IP1 or Jade.",
    "S3 identified (brother of S2's girlfriend).",
    # an officer's pursuit, adults' knowledge, and a record's word cited to object to it
    "I chased him down the stairs but lost sight of him at the fire exit.",
    "I told her that adults who do this know exactly what they are doing.",
    'Mum was angry about the bit that says Amber went to the flat "voluntarily".',
    "Cllr Farrant said she did not accept the wording 'putting herself at risk' which appeared in a police e-mail.",
    "4. Driver's explanation re age not credible.",
    # a named record's words cited by its reviewer; a reviewer objecting to the wording
    '- The CF3 states that IP1 "made a choice" to go to the flat.',
    "- The OIC's ABE summary says IP1 \"appears to be in a relationship with\" S1, a man of 27.",
    'I was concerned to read in the MG3 that IP2 associates with older males "through her own choice".',
    'Officers will not describe any child in this operation as "consenting" or "in a relationship".',
    '1. Take out the sentence in the MG5 that says C1 "continues to put herself at risk".',
    "I told her that none of this is her fault.",
    'Phrases such as "sexually active" and "boyfriend" are not to be used about the children.',
    # the child's own words in her statement
    "I thought Dean was my boyfriend.",
    # older friends as a risk indicator, not a name for an abuser
    "Mother states K has older friends she won't talk about.",
    # the suspect's account and acts
    "S1 stated in interview that she was a willing participant and had consented.",
    "He told her she had agreed to it and that nobody would believe her.",
    "S2 gave her vodka and cannabis before taking her to the flat.",
    # the law and procedure
    "She consented to a forensic medical examination and to the download of her phone.",
    "A child of 14 cannot consent in law.",
]


@pytest.mark.parametrize("text", NOT_FINDINGS)
def test_not_findings(text: str) -> None:
    assert _detect(text) == [], text


def test_classifier_falls_back_to_the_regression(monkeypatch: pytest.MonkeyPatch) -> None:
    """When the fine-tuned clause classifier cannot load (not in the helper, not here), the
    logistic regression ranks, and its version is recorded with the suggestion."""
    import assistant.detectors.victim_blaming as vb

    monkeypatch.setattr(vb, "_STATE", {"helper_failed": True, "local": None})
    out = _detect("She is putting herself at risk by going to the flat.")
    assert len(out) == 1
    assert "+lr:" in out[0].detector_version
    assert out[0].explanation["classifier"].startswith("lr:")


def test_wording_is_not_excused_as_a_suspects_words_on_a_whisper_of_a_role() -> None:
    # a licensing officer named once near "driver" has a fraction of a suspect vote: what he is
    # recorded as saying is still professional wording
    ctx = make_ctx({"minutes.txt": "Keith DUNMORE, licensing officer, checked the driver's badge.\n"
                                   "Mr Dunmore said both girls lead a chaotic lifestyle and had been missing often.\n"})
    out = VictimBlamingDetector().detect(ctx)
    assert any("chaotic lifestyle" in s.citations[0].quote for s in out), [s.title for s in out]



def test_a_short_sentence_with_phrases_of_two_families_is_quoted_whole() -> None:
    got = [s.citations[0].quote for s in _detect("Kayleigh is a prolific MFH, streetwise and makes her own choices.")]
    assert len(got) == 1 and "streetwise" in got[0] and "own choices" in got[0], got


def test_accounts_that_do_not_agree_are_not_the_law_on_consent() -> None:
    assert _detect("22. The IP is not a credible witness; her dates do not agree from one account to the next.")


def test_reported_speech_cut_before_its_closing_quotation_mark_is_the_childs_words() -> None:
    from assistant.nlp.entities import quoted_spans

    text = 'Jodie says: "I\'m not a victim.'
    (a, b), = quoted_spans(text)
    assert text[a:b].startswith("I'm not a victim")


@pytest.mark.parametrize("text", [
    "Intel: KAYLA is MARLOW's young girlfriend and brings items in for him on visits.",
    "She clearly prefers to stay out and comes back when it suits her.",
    "She went back to the flat for vodka and knew full well what she was getting into.",
])
def test_blaming_wording_of_later_authors(text: str) -> None:
    assert _detect(text), text


def test_an_instruction_not_to_write_a_word_is_not_its_use() -> None:
    assert not _detect('Re #005 - do not write MARLOW up as IP1\'s "boyfriend".')


def test_vb_wording_a_writer_rejects_or_quotes_from_the_records_is_not_used() -> None:
    det = VictimBlamingDetector()
    # a letter of claim: the framing it says the force should not have used
    assert det.candidates("(j) to treat our client as a child victim rather than as a willing participant.") == []
    assert det.candidates('Your records are believed to describe her as being at the flat "of her own free will" '
                          'and as being in a "relationship" with an adult suspect.') == []
    # the same wording used by the record itself is a finding
    assert det.candidates("IP1 was a willing participant and went to the flat of her own accord.")
    assert det.candidates("Mitigating factors: apology given; victim consented and no coercion used")


def test_vb_law_wording_is_a_section_not_a_suspect_code() -> None:
    # "s.1 (" is a section of the Act; "S1 (aged 24)" is the suspect: the sentence is not the law
    det = VictimBlamingDetector()
    assert det.candidates("IP is in a relationship with S1 (aged 24) and does not see herself as a victim.")
    assert det.candidates("S2 - IP's older boyfriend, not identified.")
    assert det.candidates("Offence: s.1 (rape) - IP says she was a willing participant.") == []


def test_vb_a_review_reporting_what_a_record_says_is_not_use() -> None:
    det = VictimBlamingDetector()
    for text in ["- log entry 19 records that she was placing herself at risk by her lifestyle choices;",
                 '6.1 The description of a 15-year-old as having gone to the flat "willingly" frames the abuse '
                 'as a choice.',
                 "- clinic notes to avoid describing sexual activity between a child and an adult as consensual;",
                 "The clinical note records the contact as consensual and K as Fraser competent."]:
        assert det.candidates(text) == [], text
    assert det.candidates("She was placing herself at risk by her lifestyle choices.")


def test_vb_a_complaint_report_quoting_the_finalisation_is_not_use() -> None:
    det = VictimBlamingDetector()
    assert det.candidates("- the finalisation (Appendix A, page 2) says her willingness to return to the flat "
                          "undermines her account;") == []
    assert det.candidates("IP's willingness to keep returning to Pellow Ct undermines her account.")


def test_vb_probe_of_unseen_phrasings_stays_covered() -> None:
    """The probe (eval/vb_probe.jsonl) was written by an author who never saw the lexicon; it
    scored recall 0.64 first and 0.95 after its wording was added. A guard, a little under."""
    import json
    from pathlib import Path

    from eval.real_wording import flagged

    rows = [json.loads(x) for x in (Path(__file__).resolve().parents[1] / "eval" / "vb_probe.jsonl")
            .read_text(encoding="utf-8").splitlines() if x.strip()]
    det = VictimBlamingDetector()
    det.warm_up()
    pred = [flagged(det, r["text"]) for r in rows]
    tp = sum(1 for r, p in zip(rows, pred, strict=True) if r["label"] == 1 and p)
    fp = sum(1 for r, p in zip(rows, pred, strict=True) if r["label"] == 0 and p)
    assert tp / sum(r["label"] for r in rows) >= 0.92
    assert fp <= 3



# Wording found in, and excused from, records of later batches of independent cases.
CANDIDATES_FOUND = [
    # marks OCR reads between two words of one sentence do not hide the wording
    "EDT worker states the girl is putting: herself at risk .by going back to these men",
    "IP went to the flat.of her own accord on numerous occasions",
    "IP1 chose to carry on seeing S1 after his arrest.",
    "She is a nuisance and a liar.",
    "IP1 is not engaging with services.",  # the wording itself holds the "not"
    "She keeps getting into cars with older men.",
]
CANDIDATES_EXCUSED = [
    # the marks still count where they mean something: the suspect's interview account
    "Person A arrested 01/07 and interviewed: denies everything, says she is a liar.",
    "Prepared statement: PV a friend of SN3, told him she was 17, denies any sexual activity.",
    # a record reported with its date, or named and then cited in brackets
    "Wording: the attending officer's log entry of 18/02/2017 says IP1 was \"in a relationship\" with S1.",
    'and the handler\'s note at 0347 SEQ 005 ("putting herself at risk ... go off with boyfriends") and the '
    "officer's entry",
    # wording denied of the child, or objected to
    "If you find either girl, she is a child at risk, not a nuisance missing person.",
    "She is not a liar and she is not promiscuous.",
    "Some staff entries describe the children as regulars who know the score; that is not how these children "
    "should be seen.",
    # a CSE screening tool's indicator names a risk
    "A8 Getting into cars with unknown adults 3 Seen getting into a silver Corsa outside the Youth Project on 3 "
    "occasions",
]


@pytest.mark.parametrize("text", CANDIDATES_FOUND)
def test_vb_wording_of_later_batches_is_found(text: str) -> None:
    assert VictimBlamingDetector().candidates(text), text


@pytest.mark.parametrize("text", CANDIDATES_EXCUSED)
def test_vb_wording_of_later_batches_is_excused(text: str) -> None:
    assert VictimBlamingDetector().candidates(text) == [], text
