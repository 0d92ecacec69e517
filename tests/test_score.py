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
