"""Scoring of review output against a labelled set: FORMATS.md section 4, exactly.

Where the contract leaves a choice, this module takes the most literal reading and says so
at the place it applies (look for "Reading:"). In short:

- normalisation: lower-case, every run of characters that are not alphanumeric (Unicode
  letters and digits; "_" counts as not alphanumeric) becomes one space, trim;
- a multi-word alias "occurs among the tokens" of a subject when its tokens occur there
  contiguously and in order;
- "60% of the quote's tokens occur in C's quote" counts the gold quote's tokens with their
  repeats, each counted when that word is anywhere in C's quote (membership, not a
  one-for-one pairing); compared in integers (5 x hits >= 3 x tokens), so 3 of 5 passes;
- a suggestion is only compared with the gold findings of its own case (document names are
  file names inside a case folder, so they only mean something within one case);
- matching is greedy and one-to-one within each case: suggestions in order of falling
  confidence, ties kept in output order (a stable sort), each taking the first still-unmatched
  gold finding of its case in labels.jsonl order;
- precision with no suggestions, recall with no gold findings, and F1 of zero are 0.0, as
  spaCy's PRFScore reports them.

Also usable alone on saved review output::

    python -m eval.score LABELLED_DIR REVIEW_DIR [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUGGESTION_TYPES = ("unfollowed_inquiry", "victim_blaming_language", "missing_interview")
ROLES = ("victim", "suspect", "witness")

# Every run of characters that are not letters or digits (``\W`` is "not a word character";
# the word characters are the alphanumerics plus "_", so "_" is added to the class).
_NON_ALNUM = re.compile(r"[\W_]+")


def normalise(text: str | None) -> str:
    """Lower-case, collapse each run of non-alphanumerics into one space, trim."""
    return _NON_ALNUM.sub(" ", (text or "").lower()).strip()


def tokens(text: str | None) -> list[str]:
    """The words of the normalised text."""
    norm = normalise(text)
    return norm.split(" ") if norm else []


class LabelError(ValueError):
    """A labels.jsonl or cases.jsonl line that does not follow FORMATS.md section 2."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where a finding shows: a document, a 1-based page and the shortest quote."""

    document: str
    page: int
    quote: str


@dataclass(slots=True)
class GoldFinding:
    """One line of labels.jsonl."""

    case: str
    type: str
    document: str
    page: int
    quote: str
    kind: str | None = None
    subject: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    also: list[Place] = field(default_factory=list)
    line: int = 0  # 1-based line in labels.jsonl, to name it in reports

    @property
    def places(self) -> list[Place]:
        """Its own place first, then each place in ``also``."""
        return [Place(self.document, self.page, self.quote), *self.also]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "case": self.case,
            "type": self.type,
            "document": self.document,
            "page": self.page,
            "quote": self.quote,
            "line": self.line,
        }
        if self.kind is not None:
            d["kind"] = self.kind
        if self.type == "missing_interview":
            d["subject"] = self.subject
            d["role"] = self.role
            d["aliases"] = list(self.aliases)
        if self.also:
            d["also"] = [
                {"document": p.document, "page": p.page, "quote": p.quote} for p in self.also
            ]
        return d


@dataclass(frozen=True, slots=True)
class PredCitation:
    document: str
    page: int
    quote: str
    start: int | None = None
    end: int | None = None


@dataclass(slots=True)
class Prediction:
    """One suggestion of the review output, as the scorer sees it."""

    case: str
    type: str
    confidence: float
    citations: list[PredCitation]
    kind: str | None = None
    subject: str | None = None
    role: str | None = None
    title: str = ""
    id: str = ""
    order: int = 0  # position in the case's output, the tie-break for equal confidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "id": self.id,
            "type": self.type,
            "kind": self.kind,
            "subject": self.subject,
            "role": self.role,
            "title": self.title,
            "confidence": self.confidence,
            "citations": [
                {
                    "document": c.document,
                    "page": c.page,
                    "start": c.start,
                    "end": c.end,
                    "quote": c.quote,
                }
                for c in self.citations
            ],
        }


@dataclass(slots=True)
class PRF:
    """True positives, false positives, false negatives, and the scores made of them."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __iadd__(self, other: PRF) -> PRF:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        return self

    def to_dict(self) -> dict[str, float | int]:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


@dataclass(slots=True)
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"correct": self.correct, "total": self.total, "accuracy": self.accuracy}


@dataclass(slots=True)
class ScreeningScore:
    """Accuracy of ``in_scope`` and ``priority`` over the cases of cases.jsonl.

    A case in cases.jsonl with no screening in the output (not reviewed, or failed) counts
    as wrong on both: the set's denominator stays the same whatever the system does.
    """

    in_scope: Accuracy = field(default_factory=Accuracy)
    priority: Accuracy = field(default_factory=Accuracy)
    wrong: list[dict[str, Any]] = field(default_factory=list)  # case, gold, predicted

    def to_dict(self) -> dict[str, Any]:
        return {
            "in_scope": self.in_scope.to_dict(),
            "priority": self.priority.to_dict(),
            "wrong": self.wrong,
        }


@dataclass(slots=True)
class Match:
    prediction: Prediction
    gold: GoldFinding
    place: int  # 0: the gold finding's own place; i > 0: its also[i - 1]


@dataclass(slots=True)
class Score:
    """Everything the scorer found. ``per_type`` always holds all three types."""

    per_type: dict[str, PRF]
    micro: PRF
    matches: list[Match]
    false_positives: list[Prediction]
    false_negatives: list[GoldFinding]
    screening: ScreeningScore | None = None
    # Extra (ignored by FORMATS.md): the share of matched unfollowed_inquiry suggestions
    # whose kind equals the gold kind; kind is not part of matching.
    kind_agreement: Accuracy = field(default_factory=Accuracy)

    def to_dict(self) -> dict[str, Any]:
        return {
            "per_type": {t: s.to_dict() for t, s in self.per_type.items()},
            "micro": self.micro.to_dict(),
            "screening": self.screening.to_dict() if self.screening else None,
            "kind_agreement": self.kind_agreement.to_dict(),
            "false_positives": [p.to_dict() for p in self.false_positives],
            "false_negatives": [g.to_dict() for g in self.false_negatives],
            "matches": [
                {
                    "suggestion": m.prediction.id,
                    "case": m.gold.case,
                    "gold_line": m.gold.line,
                    "place": m.place,
                }
                for m in self.matches
            ],
        }


# --- reading the labelled set ---------------------------------------------------------------


def _req(d: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...]) -> Any:
    if key not in d:
        raise LabelError(f"{where}: missing field '{key}'")
    value = d[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise LabelError(
            f"{where}: field '{key}' should be {getattr(kind, '__name__', kind)}, not {value!r}"
        )
    return value


def _page(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise LabelError(f"{where}: 'page' should be a whole number, not {value!r}")
    try:
        page = int(value)
    except ValueError:
        raise LabelError(f"{where}: 'page' should be a whole number, not {value!r}") from None
    if page < 1:
        raise LabelError(f"{where}: 'page' is numbered from 1, not {page}")
    return page


def parse_label(d: Mapping[str, Any], where: str = "label") -> GoldFinding:
    """One labels.jsonl object, checked against FORMATS.md section 2."""
    if not isinstance(d, Mapping):
        raise LabelError(f"{where}: expected a JSON object")
    case = _req(d, "case", where, str)
    typ = _req(d, "type", where, str)
    if typ not in SUGGESTION_TYPES:
        raise LabelError(
            f"{where}: unknown type {typ!r}; expected one of {', '.join(SUGGESTION_TYPES)}"
        )
    g = GoldFinding(
        case=case,
        type=typ,
        document=_req(d, "document", where, str),
        page=_page(_req(d, "page", where, (int, str)), where),
        quote=_req(d, "quote", where, str),
        kind=d.get("kind"),
        subject=d.get("subject"),
        role=d.get("role"),
    )
    if typ == "missing_interview":
        if not isinstance(g.subject, str) or not g.subject.strip():
            raise LabelError(f"{where}: a missing_interview needs a 'subject'")
        if g.role is not None and g.role not in ROLES:
            raise LabelError(
                f"{where}: unknown role {g.role!r}; expected one of {', '.join(ROLES)}"
            )
    aliases = d.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise LabelError(f"{where}: 'aliases' should be a list of strings")
    g.aliases = list(aliases)
    also = d.get("also") or []
    if not isinstance(also, list):
        raise LabelError(f"{where}: 'also' should be a list of places")
    for i, place in enumerate(also):
        w = f"{where}, also[{i}]"
        if not isinstance(place, Mapping):
            raise LabelError(f"{w}: expected an object with document, page and quote")
        g.also.append(
            Place(
                _req(place, "document", w, str),
                _page(_req(place, "page", w, (int, str)), w),
                _req(place, "quote", w, str),
            )
        )
    return g


def _jsonl(path: Path) -> Iterable[tuple[int, Any]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as e:
                raise LabelError(f"{path} line {n}: not valid JSON ({e.msg})") from None


def load_labels(path: Path) -> list[GoldFinding]:
    """Every gold finding of a labels.jsonl, in file order."""
    out = []
    for n, obj in _jsonl(Path(path)):
        g = parse_label(obj, f"{path} line {n}")
        g.line = n
        out.append(g)
    return out


def load_cases(path: Path) -> dict[str, dict[str, Any]]:
    """cases.jsonl as case -> its object (in_scope, priority, ...)."""
    out: dict[str, dict[str, Any]] = {}
    for n, obj in _jsonl(Path(path)):
        where = f"{path} line {n}"
        if not isinstance(obj, dict):
            raise LabelError(f"{where}: expected a JSON object")
        case = _req(obj, "case", where, str)
        _req(obj, "in_scope", where, bool)
        _req(obj, "priority", where, int)
        out[case] = obj
    return out


# --- reading review output --------------------------------------------------------------


def predictions_from_review(review: Mapping[str, Any] | Any) -> list[Prediction]:
    """The suggestions of one case's review output (FORMATS.md section 3), in output order.

    Accepts the JSON object (a dict) or an ``assistant.types.CaseReview``.
    """
    d = review if isinstance(review, Mapping) else review.to_dict()
    case = str(d["case"])
    preds = []
    for i, s in enumerate(d.get("suggestions") or []):
        cites = [
            PredCitation(
                str(c.get("document", "")),
                int(c.get("page", 0)),
                str(c.get("quote", "")),
                c.get("start"),
                c.get("end"),
            )
            for c in s.get("citations") or []
        ]
        preds.append(
            Prediction(
                case=case,
                type=str(s.get("type", "")),
                confidence=float(s.get("confidence") or 0.0),
                citations=cites,
                kind=s.get("kind"),
                subject=s.get("subject"),
                role=s.get("role"),
                title=str(s.get("title", "")),
                id=str(s.get("id", "")),
                order=i,
            )
        )
    return preds


# --- matching ---------------------------------------------------------------------------------


def _contains_run(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True when ``needle`` occurs in ``haystack`` as a contiguous run of tokens."""
    n = len(needle)
    if n == 0:
        return False
    return any(list(haystack[i : i + n]) == list(needle) for i in range(len(haystack) - n + 1))


def subject_matches(pred: Prediction, gold: GoldFinding) -> bool:
    """FORMATS.md: the last token of G's subject, or any of its aliases, occurs among the
    tokens of S's subject; and where both give a role, the roles are equal."""
    if pred.type != gold.type:
        return False
    if pred.role and gold.role and pred.role != gold.role:
        return False
    s_tokens = tokens(pred.subject)
    if not s_tokens:
        return False
    g_tokens = tokens(gold.subject)
    if g_tokens and g_tokens[-1] in s_tokens:
        return True
    # Reading: an alias "occurs among the tokens" when all its tokens appear there,
    # contiguously and in order (for a one-word alias: that word is one of the tokens).
    return any(_contains_run(s_tokens, tokens(a)) for a in gold.aliases)


def quote_matches(citation_quote: str, place_quote: str) -> bool:
    """>= 60% of the place's quote tokens occur in the citation quote, and the citation quote
    has at most max(60, 3 x the place quote's token count) tokens."""
    g = tokens(place_quote)
    c = tokens(citation_quote)
    if len(c) > max(60, 3 * len(g)):
        return False
    # Reading: each gold token (repeats counted) counts when it occurs anywhere in C's quote.
    # Reading: an empty gold quote (0 tokens) is met by any citation within the cap (0 >= 0);
    # load_labels accepts it as the format does not forbid it.
    present = set(c)
    hits = sum(1 for t in g if t in present)
    return 5 * hits >= 3 * len(g)  # hits / len(g) >= 0.6, without floating point


def place_matched(pred: Prediction, gold: GoldFinding) -> int | None:
    """For the quoted types: the index of the first place of ``gold`` that some citation of
    ``pred`` matches (0 = its own place, i = also[i - 1]), or None."""
    if pred.type != gold.type:
        return None
    for i, place in enumerate(gold.places):
        for c in pred.citations:
            # Reading: document names compare exactly; pages as integers.
            if (
                c.document == place.document
                and c.page == place.page
                and quote_matches(c.quote, place.quote)
            ):
                return i
    return None


def matches(pred: Prediction, gold: GoldFinding) -> int | None:
    """The place index (0 for missing_interview) when ``pred`` matches ``gold``, else None."""
    if pred.type != gold.type:
        return None
    if gold.type == "missing_interview":
        return 0 if subject_matches(pred, gold) else None
    return place_matched(pred, gold)


def match_case(
    preds: Sequence[Prediction], golds: Sequence[GoldFinding]
) -> tuple[list[Match], list[Prediction], list[GoldFinding]]:
    """One-to-one greedy matching within one case: (matches, false positives, false negatives).

    Suggestions are taken in order of falling confidence (a stable sort, so equal confidences
    keep their output order); each is matched to the first unmatched gold finding, in
    labels.jsonl order, that it matches. A second suggestion for an already matched finding
    finds it taken and, matching nothing else, is a false positive.
    """
    taken = [False] * len(golds)
    found: list[Match] = []
    fps: list[Prediction] = []
    for p in sorted(preds, key=lambda p: -p.confidence):
        for gi, g in enumerate(golds):
            if taken[gi]:
                continue
            place = matches(p, g)
            if place is not None:
                taken[gi] = True
                found.append(Match(p, g, place))
                break
        else:
            fps.append(p)
    fns = [g for gi, g in enumerate(golds) if not taken[gi]]
    return found, fps, fns


def score(
    predictions: Mapping[str, Sequence[Prediction]],
    gold: Sequence[GoldFinding],
    *,
    cases: Mapping[str, Mapping[str, Any]] | None = None,
    screenings: Mapping[str, Mapping[str, Any]] | None = None,
) -> Score:
    """Score suggestions (case -> its suggestions in output order) against gold findings.

    Gold findings of a case with no predictions are all false negatives; suggestions of a
    case with no gold findings are all false positives. ``cases`` (cases.jsonl) and
    ``screenings`` (case -> the output's screening object) give the screening accuracy.
    """
    per_type = {t: PRF() for t in SUGGESTION_TYPES}
    by_case: dict[str, list[GoldFinding]] = {}
    for g in gold:
        by_case.setdefault(g.case, []).append(g)
    all_matches: list[Match] = []
    all_fps: list[Prediction] = []
    all_fns: list[GoldFinding] = []
    for case in list(dict.fromkeys([*by_case, *predictions])):
        found, fps, fns = match_case(list(predictions.get(case, [])), by_case.get(case, []))
        all_matches += found
        all_fps += fps
        all_fns += fns
    for m in all_matches:
        per_type.setdefault(m.gold.type, PRF()).tp += 1
    for p in all_fps:
        # A suggestion of a type the contract does not know is still a false positive.
        per_type.setdefault(p.type, PRF()).fp += 1
    for g in all_fns:
        per_type[g.type].fn += 1
    micro = PRF()
    for s in per_type.values():
        micro += s
    kind = Accuracy()
    for m in all_matches:
        if m.gold.type == "unfollowed_inquiry" and m.gold.kind is not None:
            kind.total += 1
            kind.correct += int(m.prediction.kind == m.gold.kind)
    result = Score(per_type, micro, all_matches, all_fps, all_fns, kind_agreement=kind)
    if cases is not None:
        result.screening = score_screening(cases, screenings or {})
    return result


def score_screening(
    cases: Mapping[str, Mapping[str, Any]], screenings: Mapping[str, Mapping[str, Any] | None]
) -> ScreeningScore:
    """Accuracy of ``in_scope`` and ``priority`` for every case of cases.jsonl."""
    s = ScreeningScore()
    for case, want in cases.items():
        got = screenings.get(case) or {}
        ok_scope = "in_scope" in got and bool(got["in_scope"]) == bool(want["in_scope"])
        ok_prio = "priority" in got and got["priority"] == want["priority"]
        s.in_scope.total += 1
        s.priority.total += 1
        s.in_scope.correct += int(ok_scope)
        s.priority.correct += int(ok_prio)
        if not (ok_scope and ok_prio):
            s.wrong.append(
                {
                    "case": case,
                    "gold": {"in_scope": want["in_scope"], "priority": want["priority"]},
                    "predicted": (
                        {"in_scope": got.get("in_scope"), "priority": got.get("priority")}
                        if got
                        else None
                    ),
                }
            )
    return s


def score_reviews(
    reviews: Iterable[Mapping[str, Any] | Any],
    gold: Sequence[GoldFinding],
    cases: Mapping[str, Mapping[str, Any]] | None = None,
) -> Score:
    """Score review outputs (FORMATS.md section 3 objects or CaseReview) against gold."""
    preds: dict[str, list[Prediction]] = {}
    screenings: dict[str, Mapping[str, Any]] = {}
    for r in reviews:
        d = r if isinstance(r, Mapping) else r.to_dict()
        preds[str(d["case"])] = predictions_from_review(d)
        if d.get("screening"):
            screenings[str(d["case"])] = d["screening"]
    return score(preds, gold, cases=cases, screenings=screenings)


# --- printing ---------------------------------------------------------------------------


def format_table(s: Score) -> str:
    """Per-type and micro P/R/F1 and the screening accuracy, as a fixed-width table."""
    rows = [f"{'type':<26}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}"]
    for t, prf in [*s.per_type.items(), ("micro (all types)", s.micro)]:
        rows.append(
            f"{t:<26}{prf.tp:>5}{prf.fp:>5}{prf.fn:>5}"
            f"{prf.precision:>8.3f}{prf.recall:>8.3f}{prf.f1:>8.3f}"
        )
    if s.kind_agreement.total:
        k = s.kind_agreement
        rows.append(f"(matched unfollowed_inquiry with the gold kind: {k.correct}/{k.total})")
    if s.screening is not None:
        sc = s.screening
        rows.append(
            f"Screening in_scope accuracy: {sc.in_scope.correct}/{sc.in_scope.total} = "
            f"{sc.in_scope.accuracy:.3f}; priority accuracy: "
            f"{sc.priority.correct}/{sc.priority.total} = {sc.priority.accuracy:.3f}"
        )
    return "\n".join(rows)


def _quote(text: str, limit: int = 160) -> str:
    q = " ".join(text.split())
    return q if len(q) <= limit else q[: limit - 3] + "..."


def format_errors(s: Score) -> str:
    """The false positives and false negatives, each with its citation."""
    lines = [f"\nFalse positives ({len(s.false_positives)}): suggested, matching no gold finding"]
    for p in s.false_positives:
        tag = p.kind or p.role or ""
        subj = f' subject "{p.subject}"' if p.subject else ""
        lines.append(
            f"  {p.case}  {p.type}{f'/{tag}' if tag else ''}{subj}  "
            f"conf {p.confidence:.2f}  {p.title}"
        )
        for c in p.citations[:2]:
            lines.append(f'      {c.document} p.{c.page}: "{_quote(c.quote)}"')
    lines.append(f"\nFalse negatives ({len(s.false_negatives)}): gold findings not suggested")
    for g in s.false_negatives:
        if g.type == "missing_interview":
            what = f'subject "{g.subject}" ({g.role or "any role"})'
        else:
            what = f"kind {g.kind}" if g.kind else ""
        lines.append(f"  {g.case}  {g.type}  {what}  [labels.jsonl line {g.line}]")
        lines.append(f'      {g.document} p.{g.page}: "{_quote(g.quote)}"')
    if s.screening is not None and s.screening.wrong:
        lines.append(f"\nScreening differences ({len(s.screening.wrong)})")
        for w in s.screening.wrong:
            got = w["predicted"]
            got_s = (
                f"in_scope {got['in_scope']}, priority {got['priority']}"
                if got
                else "no screening (case not reviewed)"
            )
            lines.append(
                f"  {w['case']}: gold in_scope {w['gold']['in_scope']}, priority "
                f"{w['gold']['priority']}; got {got_s}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Score saved review output (``REVIEW_DIR/<case>.json``) against a labelled set."""
    ap = argparse.ArgumentParser(prog="python -m eval.score", description=main.__doc__)
    ap.add_argument("labelled_dir", type=Path)
    ap.add_argument("review_dir", type=Path)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    try:
        gold = load_labels(a.labelled_dir / "labels.jsonl")
        cases_path = a.labelled_dir / "cases.jsonl"
        cases = load_cases(cases_path) if cases_path.exists() else None
    except (OSError, LabelError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    reviews = []
    for path in sorted(a.review_dir.glob("*.json")):
        try:
            d = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"warning: {path}: skipped, not readable JSON ({e})", file=sys.stderr)
            continue
        if isinstance(d, dict) and "case" in d and "suggestions" in d:
            reviews.append(d)
    s = score_reviews(reviews, gold, cases)
    if a.json:
        print(json.dumps(s.to_dict(), indent=2))
    else:
        print(format_table(s))
        print(format_errors(s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
