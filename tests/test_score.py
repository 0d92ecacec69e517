"""The scorer against hand-computed values (FORMATS.md section 4), each rule at its boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.score import (
    PRF,
    GoldFinding,
    LabelError,
    Place,
    PredCitation,
    Prediction,
    Score,
    load_cases,
    load_labels,
    match_case,
    normalise,
    quote_matches,
    score,
    score_reviews,
    subject_matches,
    tokens,
)


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


def gold(
    quote: str = "",
    *,
    case: str = "c1",
    type: str = "unfollowed_inquiry",
    document: str = "a.txt",
    page: int = 1,
    **kw: object,
) -> GoldFinding:
    return GoldFinding(case=case, type=type, document=document, page=page, quote=quote, **kw)  # type: ignore[arg-type]


def pred(
    quote: str = "",
    *,
    case: str = "c1",
    type: str = "unfollowed_inquiry",
    document: str = "a.txt",
    page: int = 1,
    confidence: float = 0.5,
    id: str = "",
    subject: str | None = None,
    role: str | None = None,
    order: int = 0,
    extra: list[PredCitation] | None = None,
) -> Prediction:
    cites = [PredCitation(document, page, quote), *(extra or [])]
    return Prediction(
        case=case,
        type=type,
        confidence=confidence,
        citations=cites,
        subject=subject,
        role=role,
        id=id or quote[:10],
        order=order,
    )


@pytest.mark.parametrize(
    "text, norm",
    [
        ("  Hello,   World!! ", "hello world"),
        ("DC_4471 SMITH's note", "dc 4471 smith s note"),
        ("s.18 PACE -- (search)", "s 18 pace search"),
        ("Café ÉLAN", "café élan"),  # Unicode letters are alphanumeric
        ("", ""),
        ("...!!!", ""),
        (None, ""),
    ],
)
def test_normalise(text: str | None, norm: str) -> None:
    assert normalise(text) == norm
    assert tokens(text) == (norm.split(" ") if norm else [])


@pytest.mark.parametrize(
    "citation, gold_quote, expected, why",
    [
        ("CCTV was requested from the shop", "CCTV requested from shop", True, "all 4 tokens"),
        # 60% exactly: 3 of 5 gold tokens present.
        ("w0 w1 w2 x y", words(5), True, "3/5 = 60%"),
        ("w0 w1 x y z", words(5), False, "2/5 = 40%"),
        # 59% vs 60% on a 100-token gold quote (cap 300, so length is no issue).
        (words(60), words(100), True, "60/100"),
        (words(59), words(100), False, "59/100"),
        # The token cap: max(60, 3 x gold tokens).
        (words(3) + " " + words(57, "x"), words(3), True, "60 tokens, cap 60"),
        (words(3) + " " + words(58, "x"), words(3), False, "61 tokens, cap 60"),
        (words(20) + " " + words(40, "x"), words(20), True, "60 tokens, cap max(60, 60)"),
        (words(20) + " " + words(41, "x"), words(20), False, "61 tokens, cap 60"),
        (words(21) + " " + words(42, "x"), words(21), True, "63 tokens, cap 3 x 21"),
        (words(21) + " " + words(43, "x"), words(21), False, "64 tokens, cap 63"),
        # Repeated gold tokens each count when the word is anywhere in the citation.
        ("no one", "no no no cctv cctv", True, "3/5 by membership"),
        # Normalisation on both sides: case and punctuation do not matter.
        ("C.C.T.V. -- NOT viewed!", "c c t v not viewed", True, "normalised"),
        # Words must be whole tokens: "view" is not "viewed".
        ("cctv view", "cctv viewed", False, "1/2"),
        # An empty gold quote is met by any citation within the cap (literal reading).
        ("anything at all", "", True, "0 >= 0"),
    ],
)
def test_quote_rule(citation: str, gold_quote: str, expected: bool, why: str) -> None:
    assert quote_matches(citation, gold_quote) is expected, why


def test_document_and_page_must_both_agree() -> None:
    g = gold("cctv not viewed", document="log.pdf", page=3)
    assert match_case([pred("cctv not viewed", document="log.pdf", page=3)], [g])[0]
    assert not match_case([pred("cctv not viewed", document="log.pdf", page=2)], [g])[0]
    assert not match_case([pred("cctv not viewed", document="other.pdf", page=3)], [g])[0]
    # Only some citation needs to match: a second citation in the right place is enough.
    p = pred(
        "unrelated words",
        document="x.pdf",
        page=9,
        extra=[PredCitation("log.pdf", 3, "the cctv was not viewed")],
    )
    assert match_case([p], [g])[0]


def test_type_must_agree() -> None:
    g = gold("the quote", type="victim_blaming_language")
    assert not match_case([pred("the quote", type="unfollowed_inquiry")], [g])[0]
    assert match_case([pred("the quote", type="victim_blaming_language")], [g])[0]


def test_also_places() -> None:
    g = gold(
        "cctv requested",
        document="a.pdf",
        page=1,
        also=[Place("b.pdf", 2, "camera footage awaited"), Place("c.pdf", 5, "cctv open")],
    )
    found, fps, fns = match_case([pred("footage awaited camera", document="b.pdf", page=2)], [g])
    assert [m.place for m in found] == [1] and not fps and not fns
    found, _, _ = match_case([pred("cctv still open", document="c.pdf", page=5)], [g])
    assert [m.place for m in found] == [2]
    # An also place's quote rule uses that place's own quote, not the main one.
    assert not match_case([pred("cctv requested", document="b.pdf", page=2)], [g])[0]


@pytest.mark.parametrize(
    "gold_subject, aliases, gold_role, pred_subject, pred_role, expected",
    [
        ("Jason PRIOR", [], "suspect", "Prior", "suspect", True),  # last token
        ("Jason PRIOR", [], "suspect", "Mr J. Prior (S2)", "suspect", True),
        ("Jason PRIOR", [], "suspect", "Jason", "suspect", False),  # first name only
        ("Jason PRIOR", [], "suspect", "Priory", "suspect", False),  # whole tokens
        ("Jason PRIOR", ["Jay"], "suspect", "the male known as Jay", "suspect", True),
        ("Jason PRIOR", ["Big J"], "suspect", "male called big j", "suspect", True),
        ("Jason PRIOR", ["Big J"], "suspect", "j big", "suspect", False),  # alias in order
        ("Jason PRIOR", [], "suspect", "Prior", "witness", False),  # role mismatch
        ("Jason PRIOR", [], "suspect", "Prior", None, True),  # no role given: no constraint
        ("Jason PRIOR", [], None, "Prior", "witness", True),
        ("Jason PRIOR", [], "suspect", None, "suspect", False),  # no subject
        ("O'Neill", [], "witness", "Mrs O Neill", "witness", True),  # normalised
    ],
)
def test_missing_interview_rule(
    gold_subject: str,
    aliases: list[str],
    gold_role: str | None,
    pred_subject: str | None,
    pred_role: str | None,
    expected: bool,
) -> None:
    g = gold("", type="missing_interview", subject=gold_subject, aliases=aliases, role=gold_role)
    p = pred("", type="missing_interview", subject=pred_subject, role=pred_role)
    assert subject_matches(p, g) is expected


def test_missing_interview_ignores_places() -> None:
    g = gold(
        "no ABE",
        type="missing_interview",
        subject="Ella Dawes",
        role="victim",
        document="a.pdf",
        page=1,
    )
    p = pred(
        "something else entirely",
        type="missing_interview",
        subject="Ella DAWES",
        role="victim",
        document="z.pdf",
        page=7,
    )
    assert match_case([p], [g])[0]


def test_duplicates_are_false_positives() -> None:
    g = gold("cctv requested")
    p1 = pred("cctv requested", confidence=0.9, id="p1")
    p2 = pred("cctv requested again", confidence=0.8, id="p2")
    found, fps, fns = match_case([p1, p2], [g])
    assert [m.prediction.id for m in found] == ["p1"]
    assert [p.id for p in fps] == ["p2"] and fns == []


def test_confidence_order_decides_who_matches() -> None:
    # G1 and G2 are on the same page; A (low confidence) matches both, B (high) only G1.
    g1 = gold("cctv shop requested")
    g2 = gold("cctv shop viewed")
    a = pred("cctv shop requested viewed", confidence=0.4, id="A", order=0)
    b = pred("cctv shop requested", confidence=0.9, id="B", order=1)
    found, fps, fns = match_case([a, b], [g1, g2])
    # B goes first and takes G1; A then takes the first unmatched finding it matches, G2.
    assert {(m.prediction.id, m.gold.quote) for m in found} == {
        ("B", "cctv shop requested"),
        ("A", "cctv shop viewed"),
    }
    assert fps == [] and fns == []


def test_equal_confidence_keeps_output_order() -> None:
    g = gold("cctv requested")
    first = pred("cctv requested", confidence=0.7, id="first", order=0)
    second = pred("cctv requested", confidence=0.7, id="second", order=1)
    found, fps, _ = match_case([first, second], [g])
    assert found[0].prediction.id == "first" and fps[0].id == "second"
    found, fps, _ = match_case([second, first], [g])
    assert found[0].prediction.id == "second"


def test_first_unmatched_gold_in_label_order() -> None:
    g1 = gold("cctv requested")
    g2 = gold("cctv requested")
    found, _, fns = match_case([pred("cctv requested")], [g1, g2])
    assert found[0].gold is g1 and fns == [g2]


def test_prf_values() -> None:
    s = PRF(tp=2, fp=1, fn=1)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    s = PRF(tp=1, fp=3, fn=0)
    assert (s.precision, s.recall, s.f1) == pytest.approx((0.25, 1.0, 0.4))
    assert (PRF().precision, PRF().recall, PRF().f1) == (0.0, 0.0, 0.0)


def test_score_per_type_and_micro() -> None:
    golds = [
        gold("cctv requested", case="c1"),
        gold("she chose to go", case="c1", type="victim_blaming_language"),
        gold("", case="c1", type="missing_interview", subject="Dean HOLT", role="suspect"),
        gold("phone not downloaded", case="c2"),  # c2 has no output at all: a miss
    ]
    preds = {
        "c1": [
            pred("cctv was requested", case="c1", confidence=0.9),  # TP
            pred("she chose to go with them", case="c1", type="victim_blaming_language"),  # TP
            pred("lifestyle", case="c1", type="victim_blaming_language", id="vb2"),  # FP
            pred("", case="c1", type="missing_interview", subject="Holt", role="victim"),  # FP
        ],
        "c3": [pred("anything", case="c3")],  # a case with no gold: FP
    }
    s = score(preds, golds)
    ui, vb, mi = (
        s.per_type[t]
        for t in ("unfollowed_inquiry", "victim_blaming_language", "missing_interview")
    )
    assert (ui.tp, ui.fp, ui.fn) == (1, 1, 1)
    assert (vb.tp, vb.fp, vb.fn) == (1, 1, 0)
    assert (mi.tp, mi.fp, mi.fn) == (0, 1, 1)
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (2, 3, 2)
    assert s.micro.precision == pytest.approx(2 / 5)
    assert s.micro.recall == pytest.approx(2 / 4)
    assert s.micro.f1 == pytest.approx(2 * 0.4 * 0.5 / 0.9)
    assert {g.quote for g in s.false_negatives} == {"", "phone not downloaded"}


def test_empty_everything() -> None:
    s = score({}, [])
    assert (s.micro.tp, s.micro.fp, s.micro.fn) == (0, 0, 0)
    assert set(s.per_type) == {"unfollowed_inquiry", "victim_blaming_language", "missing_interview"}
    s = score({"c1": []}, [gold("x")])
    assert s.micro.fn == 1 and s.micro.recall == 0.0
    s = score({"c1": [pred("x")]}, [])
    assert s.micro.fp == 1 and s.micro.precision == 0.0


def test_screening_accuracy_and_review_objects() -> None:
    reviews = [
        {
            "case": "c1",
            "suggestions": [
                {
                    "type": "unfollowed_inquiry",
                    "confidence": 0.8,
                    "citations": [
                        {
                            "document": "a.txt",
                            "page": 1,
                            "start": 0,
                            "end": 14,
                            "quote": "cctv requested",
                        }
                    ],
                }
            ],
            "screening": {"in_scope": True, "priority": 1},
        },
        {"case": "c2", "suggestions": [], "screening": {"in_scope": True, "priority": 2}},
    ]
    cases = {
        "c1": {"case": "c1", "in_scope": True, "priority": 1},
        "c2": {"case": "c2", "in_scope": False, "priority": 3},
        "c3": {"case": "c3", "in_scope": True, "priority": 2},  # never reviewed: wrong
    }
    s = score_reviews(reviews, [gold("cctv requested")], cases)
    assert s.micro.tp == 1
    assert s.screening is not None
    assert (s.screening.in_scope.correct, s.screening.in_scope.total) == (1, 3)
    assert (s.screening.priority.correct, s.screening.priority.total) == (1, 3)
    assert [w["case"] for w in s.screening.wrong] == ["c2", "c3"]
    json.dumps(s.to_dict())  # serialisable


def test_load_labels_and_cases(tmp_path: Path) -> None:
    labels = tmp_path / "labels.jsonl"
    rows = [
        {
            "case": "c1",
            "type": "unfollowed_inquiry",
            "document": "a.pdf",
            "page": 2,
            "quote": "CCTV requested",
            "kind": "cctv",
            "also": [{"document": "b.pdf", "page": 1, "quote": "footage"}],
        },
        {
            "case": "c1",
            "type": "missing_interview",
            "document": "a.pdf",
            "page": 1,
            "quote": "no interview",
            "subject": "Dean HOLT",
            "role": "suspect",
            "aliases": ["D"],
        },
    ]
    labels.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n", encoding="utf-8")
    g = load_labels(labels)
    assert [x.line for x in g] == [1, 2]
    assert g[0].places == [Place("a.pdf", 2, "CCTV requested"), Place("b.pdf", 1, "footage")]
    assert g[1].aliases == ["D"] and g[1].role == "suspect"
    cases = tmp_path / "cases.jsonl"
    cases.write_text(
        json.dumps(
            {
                "case": "c1",
                "in_scope": True,
                "suspects": 2,
                "victims": 1,
                "rape_alleged": False,
                "priority": 2,
            }
        )
        + "\n"
    )
    assert load_cases(cases)["c1"]["priority"] == 2


@pytest.mark.parametrize(
    "line, message",
    [
        (
            '{"case": "c1", "type": "unfollowed_inquiry", "document": "a", "page": 1}',
            "line 1: missing field 'quote'",
        ),
        (
            '{"case": "c1", "type": "bogus", "document": "a", "page": 1, "quote": "q"}',
            "line 1: unknown type 'bogus'",
        ),
        (
            '{"case": "c1", "type": "unfollowed_inquiry", "document": "a", "page": 0,'
            ' "quote": "q"}',
            "line 1: 'page' is numbered from 1",
        ),
        (
            '{"case": "c1", "type": "missing_interview", "document": "a", "page": 1, "quote": "q"}',
            "line 1: a missing_interview needs a 'subject'",
        ),
        (
            '{"case": "c1", "type": "unfollowed_inquiry", "document": "a", "page": 1, "quote": "q",'
            ' "also": [{"document": "b", "quote": "x"}]}',
            "also[0]: missing field 'page'",
        ),
        ("{not json", "line 1: not valid JSON"),
    ],
)
def test_bad_labels_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(
        LabelError, match=message.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")
    ):
        load_labels(path)


# --- eval/analysis.py: bootstrap, calibration, slices, document kinds ----------------------

from eval.analysis import (  # noqa: E402  (kept beside the tests that use it)
    DocInfo,
    bootstrap,
    calibration,
    case_counts,
    classify_document,
    confidence_bin,
    doc_infos,
    format_bootstrap,
    format_calibration,
    format_slices,
    quantile,
    slices,
)


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([1.0, 2.0, 3.0, 4.0], 0.0, 1.0),
        ([1.0, 2.0, 3.0, 4.0], 1.0, 4.0),
        ([1.0, 2.0, 3.0, 4.0], 0.5, 2.5),  # position 1.5: halfway between 2 and 3
        ([1.0, 2.0, 3.0, 4.0], 0.25, 1.75),  # position 0.75
        ([0.0, 1.0], 0.025, 0.025),
        ([7.0], 0.975, 7.0),
    ],
)
def test_quantile(values: list[float], q: float, expected: float) -> None:
    assert quantile(values, q) == pytest.approx(expected)


def two_case_score() -> Score:
    # c1: one TP; c2: one FP (both unfollowed_inquiry). Point precision 1/2.
    return score(
        {"c1": [pred("cctv requested", case="c1")], "c2": [pred("phone", case="c2")]},
        [gold("cctv requested", case="c1")],
    )


def test_case_counts_add_up() -> None:
    s = two_case_score()
    cc = case_counts(s, ["c1", "c2", "c3"])
    ui = {c: (v["unfollowed_inquiry"].tp, v["unfollowed_inquiry"].fp) for c, v in cc.items()}
    assert ui == {"c1": (1, 0), "c2": (0, 1), "c3": (0, 0)}


def test_bootstrap_two_cases_by_hand() -> None:
    # Draws of 2 cases: {c1,c1} P=1 (1/4), {c1,c2} P=1/2 (1/2), {c2,c2} P=0 (1/4); with
    # 1000 resamples the 2.5% and 97.5% quantiles are the extremes 0 and 1.
    s = two_case_score()
    b = bootstrap(s, resamples=1000, seed=7)
    p = b.intervals["unfollowed_inquiry"]["precision"]
    assert (p.point, p.low, p.high) == (0.5, 0.0, 1.0)
    # Recall: c2 has no gold finding, so {c2,c2} (about 1/4 of draws) is undefined and left
    # out; every other draw has recall 1.
    r = b.intervals["unfollowed_inquiry"]["recall"]
    assert (r.point, r.low, r.high) == (1.0, 1.0, 1.0)
    assert 150 < r.undefined < 350
    # No victim-blaming anywhere: every resample undefined, the interval is the point (0.0).
    v = b.intervals["victim_blaming_language"]["f1"]
    assert (v.point, v.low, v.high, v.undefined) == (0.0, 0.0, 0.0, 1000)
    assert b.cases == 2 and b.resamples == 1000


def test_bootstrap_deterministic_and_contains_point() -> None:
    golds = [gold(f"cctv {i}", case=f"c{i}") for i in range(8)]
    preds = {f"c{i}": [pred(f"cctv {i}" if i % 3 else "other", case=f"c{i}")] for i in range(8)}
    s = score(preds, golds)
    a = bootstrap(s, resamples=300, seed=1).to_dict()
    assert a == bootstrap(s, resamples=300, seed=1).to_dict()  # same seed, same figures
    assert a != bootstrap(s, resamples=300, seed=2).to_dict()
    for key, ivs in a["intervals"].items():
        for m, iv in ivs.items():
            assert iv["low"] <= iv["point"] <= iv["high"], (key, m)
    micro = a["intervals"]["micro"]["f1"]
    assert micro["low"] < micro["point"] < micro["high"]  # 5 of 8 right: not degenerate


@pytest.mark.parametrize("resamples, cases", [(1000, ["c1"]), (0, ["c1", "c2"]), (50, [])])
def test_bootstrap_degenerate(resamples: int, cases: list[str]) -> None:
    # One case (every resample is the set itself), no resamples, or no case at all: the
    # interval is the point.
    golds = [gold("cctv requested", case=c) for c in cases]
    preds = {c: [pred("cctv requested", case=c), pred("phone", case=c)] for c in cases}
    s = score(preds, golds)
    b = bootstrap(s, cases, resamples=resamples)
    for ivs in b.intervals.values():
        for iv in ivs.values():
            assert iv.low == iv.point == iv.high
    assert "95% bootstrap intervals" in format_bootstrap(b)


@pytest.mark.parametrize(
    "confidence, index",
    [(0.0, 0), (0.19, 0), (0.2, 1), (0.59, 2), (0.79, 3), (0.8, 4), (1.0, 4), (1.3, 4), (-0.1, 0)],
)
def test_confidence_bin(confidence: float, index: int) -> None:
    assert confidence_bin(confidence) == index


def test_calibration_by_hand() -> None:
    golds = [gold("cctv a"), gold("cctv b"), gold("she chose", type="victim_blaming_language")]
    preds = {
        "c1": [
            pred("cctv a", confidence=0.9, id="a"),  # TP, bin 0.8-1.0
            pred("zzz", confidence=0.85, id="z"),  # FP, bin 0.8-1.0
            pred("cctv b", confidence=0.3, id="b"),  # TP, bin 0.2-0.4
            pred("she chose", type="victim_blaming_language", confidence=0.3),  # TP, 0.2-0.4
            pred("yyy", type="victim_blaming_language", confidence=0.1, id="y"),  # FP, 0.0-0.2
        ]
    }
    t = calibration(score(preds, golds))
    ui = [(b.n, b.tp, b.precision) for b in t["unfollowed_inquiry"]]
    assert ui == [(0, 0, None), (1, 1, 1.0), (0, 0, None), (0, 0, None), (2, 1, 0.5)]
    al = [(b.n, b.tp) for b in t["all"]]
    assert al == [(1, 0), (2, 2), (0, 0), (0, 0), (2, 1)]
    assert t["all"][4].mean_confidence == pytest.approx(0.875)
    assert sum(b.n for b in t["missing_interview"]) == 0
    text = format_calibration(t)
    assert "0.8-1.0" in text and "0.50 (n=2)" in text and "- (n=0)" in text


def test_slices_by_hand() -> None:
    infos = {
        ("c1", "a.pdf"): DocInfo("report", True, {1: False, 2: True}),
        ("c1", "b.png"): DocInfo("cad", True, {1: True}),
    }
    golds = [
        # matched through its also place on b.png p1: TP in ocr / cad
        gold("x", document="a.pdf", page=1, also=[Place("b.png", 1, "cctv shop")]),
        # missed, own page a.pdf p2: FN in ocr / report
        gold("phone never downloaded", document="a.pdf", page=2),
        # matched by subject; the suggestion cites b.png, the gold's own page is a.pdf p1:
        # TP in digital / report
        gold("", type="missing_interview", document="a.pdf", page=1, subject="Dean HOLT"),
        # missed, on a document the review does not have: FN in unknown / unknown
        gold("gone", document="lost.pdf", page=1),
    ]
    preds = {
        "c1": [
            pred("cctv shop", document="b.png", page=1, confidence=0.9),
            pred("", type="missing_interview", document="b.png", subject="HOLT"),
            # FP: first citation a.pdf p1 (digital / report), second on b.png is ignored
            pred("zzz", document="a.pdf", page=1, extra=[PredCitation("b.png", 1, "q")]),
        ]
    }
    s = score(preds, golds)
    sl = slices(s, infos)
    got = {k: (c.micro.tp, c.micro.fp, c.micro.fn) for k, c in sl.page.items()}
    assert got == {"digital": (1, 1, 0), "ocr": (1, 0, 1), "unknown": (0, 0, 1)}
    assert list(sl.page) == ["digital", "ocr", "unknown"]
    kinds = {k: (c.micro.tp, c.micro.fp, c.micro.fn) for k, c in sl.document_kind.items()}
    assert kinds == {"cad": (1, 0, 0), "report": (1, 1, 1), "unknown": (0, 0, 1)}
    assert sl.page["digital"].per_type["missing_interview"].tp == 1
    # Each family adds up to the micro totals.
    for family in (sl.page, sl.document_kind):
        tot = PRF()
        for c in family.values():
            tot += c.micro
        assert (tot.tp, tot.fp, tot.fn) == (s.micro.tp, s.micro.fp, s.micro.fn)
    assert sl.ocr_source == "page"
    d = sl.to_dict()
    assert d["rule"].startswith("TP: the page of the gold place")
    assert d["document_kind"]["cad"]["label"] == "CAD / incident log"
    assert "page: ocr" in format_slices(sl) and "document: CAD / incident log" in format_slices(sl)


def test_slices_from_saved_json_use_the_document_flag() -> None:
    review = {
        "case": "c1",
        "documents": [
            {"name": "custody_record.pdf", "pages": 2, "ocr": True},
            {"name": "notes.txt", "pages": 1, "ocr": False},
        ],
    }
    infos = doc_infos(review)
    assert infos[("c1", "custody_record.pdf")] == DocInfo("custody", True, {})
    s = score({"c1": [pred("q", document="custody_record.pdf", page=2)]}, [])
    sl = slices(s, infos)
    assert sl.ocr_source == "document" and sl.page["ocr"].micro.fp == 1


@pytest.mark.parametrize(
    "name, text, kind",
    [
        ("custody_WK_2019.jpg", "", "custody"),
        ("scan_001.png", "CUSTODY RECORD\nDetained person: SMITH, John", "custody"),
        ("emails.txt", "", "email"),
        ("letter.txt", "From: DS Smith\nSent: 3 May\nTo: DI Jones\nSubject: update", "email"),
        ("crime_report.txt", "", "record_system"),  # ties with report: the earlier kind wins
        ("actions_register_OP-1.txt", "", "record_system"),
        ("incident_log_SW1.png", "", "cad"),
        ("mg11.txt", "", "mg_form"),
        ("MG5_WS1.pdf", "", "mg_form"),
        ("PNB_12_p3.pdf", "", "notebook"),
        ("daybook_DC1.pdf", "", "notebook"),
        ("roti.txt", "", "interview"),
        ("cps.txt", "", "cps"),
        ("strategy_meeting_2.docx", "", "minutes"),
        ("mash.txt", "", "multi_agency"),
        ("school_letter_2.jpg", "", "multi_agency"),
        ("review_summary.txt", "", "report"),
        ("mother_letter.txt", "Dear Sir, I am writing about my daughter.", "other"),
    ],
)
def test_classify_document(name: str, text: str, kind: str) -> None:
    assert classify_document(name, text) == kind
