"""What the FORMATS.md section 4 scores hide: how sure they are, where they come from, and
whether the confidences mean anything.

Everything here reads a finished ``eval.score.Score`` and never changes it:

- ``bootstrap``: 95% percentile intervals for precision, recall and F1 per type and micro,
  resampling *cases* with replacement (findings of one case are not independent: one badly
  OCR'd file spoils several), with a fixed seed so a run is reproducible;
- ``slices``: P/R/F1 counts by digital vs OCR page and by document kind (``doc_kinds.json``);
- ``calibration``: confidence bins against the precision of the suggestions in them.

Slice rule (also printed and put in the JSON, ``SLICE_RULE``): every TP, FP and FN counts in
exactly one slice, so the slices of one family add up to the micro totals.

- a true positive belongs to the page of the gold place it matched (the gold finding's own
  place or the ``also`` place that the citation hit; for the quoted types a citation of the
  suggestion is on that very page). A ``missing_interview`` matches by subject, not by place:
  it belongs to the gold finding's own page;
- a false negative belongs to the gold finding's own page (its ``document`` and ``page``,
  not its ``also`` places);
- a false positive belongs to the page of the suggestion's first citation (the one the
  reviewer sees first);
- a page whose document the review did not produce (a case that failed, a file that could
  not be read, a name that differs) is in the slice ``unknown``.

A page is OCR when the review says that page was OCR'd (``Page.ocr``, available when the
runner has the review object); from saved JSON only the document's ``ocr`` flag is known, and
every page of that document takes it.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from eval.score import PRF, SUGGESTION_TYPES, GoldFinding, Prediction, Score

DEFAULT_RESAMPLES = 1000
DEFAULT_SEED = 20250331
DEFAULT_LEVEL = 0.95
CALIBRATION_EDGES = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)
DOC_KINDS_PATH = Path(__file__).with_name("doc_kinds.json")
UNKNOWN = "unknown"
OTHER = "other"

SLICE_RULE = (
    "TP: the page of the gold place it matched (missing_interview: the gold finding's own "
    "page); FN: the gold finding's own page; FP: the page of the suggestion's first citation; "
    "a page of a document not in the review: 'unknown'"
)


# --- per-case counts ----------------------------------------------------------------------


def case_counts(s: Score, cases: Iterable[str] = ()) -> dict[str, dict[str, PRF]]:
    """case -> type -> PRF, for every case in ``cases`` and every case the score mentions.

    The per-case counts add up to ``s.per_type`` (each TP, FP and FN has one case)."""
    out: dict[str, dict[str, PRF]] = {}

    def cell(case: str, typ: str) -> PRF:
        per = out.setdefault(case, {t: PRF() for t in SUGGESTION_TYPES})
        return per.setdefault(typ, PRF())

    for c in cases:
        out.setdefault(c, {t: PRF() for t in SUGGESTION_TYPES})
    for m in s.matches:
        cell(m.gold.case, m.gold.type).tp += 1
    for p in s.false_positives:
        cell(p.case, p.type).fp += 1
    for g in s.false_negatives:
        cell(g.case, g.type).fn += 1
    return out


# --- bootstrap --------------------------------------------------------------------------


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """The q-quantile of already sorted values, interpolating linearly between order
    statistics (numpy's default, "type 7"): position (n - 1) * q."""
    if not sorted_values:
        raise ValueError("quantile of no values")
    h = (len(sorted_values) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (h - lo) * (sorted_values[hi] - sorted_values[lo])


@dataclass(slots=True)
class Interval:
    point: float
    low: float
    high: float
    undefined: int = 0  # resamples left out: the metric had nothing to divide by

    def to_dict(self) -> dict[str, float | int]:
        return {
            "point": self.point,
            "low": self.low,
            "high": self.high,
            "undefined_resamples": self.undefined,
        }


@dataclass(slots=True)
class Bootstrap:
    """Intervals per type (and ``micro``) for ``precision``, ``recall`` and ``f1``."""

    resamples: int
    seed: int
    level: float
    cases: int
    intervals: dict[str, dict[str, Interval]]  # type or "micro" -> metric -> interval

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": "percentile bootstrap, cases resampled with replacement; a resample "
            "where the metric is undefined (nothing to divide by) is left out of its interval",
            "resamples": self.resamples,
            "seed": self.seed,
            "level": self.level,
            "cases": self.cases,
            "intervals": {
                k: {m: iv.to_dict() for m, iv in v.items()} for k, v in self.intervals.items()
            },
        }


METRICS = ("precision", "recall", "f1")
_METRIC_SHORT = {"precision": "P", "recall": "R", "f1": "F1"}


def _metrics(p: PRF) -> tuple[float | None, float | None, float | None]:
    """P, R, F1, each None where it has nothing to divide by (no suggestion, no gold
    finding, neither) rather than the scorer's conventional 0.0."""
    return (
        p.precision if p.tp + p.fp else None,
        p.recall if p.tp + p.fn else None,
        p.f1 if p.tp + p.fp + p.fn else None,
    )


def bootstrap(
    s: Score,
    cases: Iterable[str] = (),
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
    level: float = DEFAULT_LEVEL,
) -> Bootstrap:
    """Percentile bootstrap intervals of P/R/F1 per type and micro.

    Each resample draws as many cases as there are, with replacement, from ``cases`` plus
    every case the score mentions (a case with no gold finding and no suggestion is still a
    case that could have been drawn); the same draw serves every type and micro. A resample
    in which a metric has nothing to divide by (precision with no suggestion of that type,
    recall with no gold finding, F1 with neither) is left out of that metric's interval and
    counted in ``undefined`` (reporting the scorer's conventional 0.0 there would drag the
    interval to 0 on a small set). The point is the score on the real set, as the scorer
    reports it. With no cases, ``resamples`` < 1, or every resample undefined, the interval is
    the point itself.
    """
    counts = case_counts(s, cases)
    names = sorted(counts)
    keys = [*s.per_type, "micro"]
    points = {t: (p.precision, p.recall, p.f1) for t, p in s.per_type.items()}
    points["micro"] = (s.micro.precision, s.micro.recall, s.micro.f1)
    # per case: one (tp, fp, fn) row per key, micro last
    rows: list[list[tuple[int, int, int]]] = []
    for name in names:
        per = counts[name]
        row = [(per[t].tp, per[t].fp, per[t].fn) if t in per else (0, 0, 0) for t in s.per_type]
        row.append((sum(r[0] for r in row), sum(r[1] for r in row), sum(r[2] for r in row)))
        rows.append(row)
    samples: dict[str, list[list[float]]] = {k: [[], [], []] for k in keys}
    undefined: dict[str, list[int]] = {k: [0, 0, 0] for k in keys}
    rng = random.Random(seed)
    n = len(rows)
    for _ in range(resamples if n else 0):
        tot = [[0, 0, 0] for _ in keys]
        for _ in range(n):
            row = rows[rng.randrange(n)]
            for k, (tp, fp, fn) in enumerate(row):
                tot[k][0] += tp
                tot[k][1] += fp
                tot[k][2] += fn
        for k, key in enumerate(keys):
            for i, v in enumerate(_metrics(PRF(*tot[k]))):
                if v is None:
                    undefined[key][i] += 1
                else:
                    samples[key][i].append(v)
    alpha = (1.0 - level) / 2
    intervals: dict[str, dict[str, Interval]] = {}
    for key in keys:
        intervals[key] = {}
        for i, m in enumerate(METRICS):
            vals = sorted(samples[key][i])
            point = points[key][i]
            if vals:
                iv = Interval(point, quantile(vals, alpha), quantile(vals, 1.0 - alpha))
            else:
                iv = Interval(point, point, point)
            iv.undefined = undefined[key][i]
            intervals[key][m] = iv
    return Bootstrap(resamples if n else 0, seed, level, n, intervals)


# --- calibration --------------------------------------------------------------------------


def confidence_bin(confidence: float, edges: Sequence[float] = CALIBRATION_EDGES) -> int:
    """Index of the bin [edges[i], edges[i+1]) holding ``confidence``; the last bin includes
    its upper edge, and values outside the edges go to the first or last bin."""
    last = len(edges) - 2
    for i in range(last):
        if confidence < edges[i + 1]:
            return i
    return last


@dataclass(slots=True)
class CalibrationBin:
    low: float
    high: float
    n: int = 0
    tp: int = 0
    confidence_sum: float = 0.0

    @property
    def precision(self) -> float | None:
        return self.tp / self.n if self.n else None

    @property
    def mean_confidence(self) -> float | None:
        return self.confidence_sum / self.n if self.n else None

    def to_dict(self) -> dict[str, Any]:
        return {
            "bin": f"{self.low:.1f}-{self.high:.1f}",
            "low": self.low,
            "high": self.high,
            "n": self.n,
            "tp": self.tp,
            "precision": self.precision,
            "mean_confidence": self.mean_confidence,
        }


def calibration(
    s: Score, edges: Sequence[float] = CALIBRATION_EDGES
) -> dict[str, list[CalibrationBin]]:
    """Per type and ``all``: for each confidence bin, how many suggestions fell in it and
    how many of those matched a gold finding (TP) rather than nothing (FP)."""
    table = {
        key: [CalibrationBin(edges[i], edges[i + 1]) for i in range(len(edges) - 1)]
        for key in [*s.per_type, "all"]
    }
    graded: list[tuple[Prediction, bool]] = [(m.prediction, True) for m in s.matches]
    graded += [(p, False) for p in s.false_positives]
    for p, ok in graded:
        i = confidence_bin(p.confidence, edges)
        for key in (p.type, "all"):
            b = table.setdefault(
                key, [CalibrationBin(edges[j], edges[j + 1]) for j in range(len(edges) - 1)]
            )[i]
            b.n += 1
            b.tp += int(ok)
            b.confidence_sum += p.confidence
    return table


def calibration_to_dict(table: Mapping[str, Sequence[CalibrationBin]]) -> dict[str, Any]:
    return {
        "rule": "a suggestion in bin [low, high) (the last bin includes 1.0) is correct when "
        "it matched a gold finding; precision = correct / n",
        "bins": {k: [b.to_dict() for b in v] for k, v in table.items()},
    }


# --- document kinds and slices --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KindRule:
    kind: str
    label: str
    name: tuple[re.Pattern[str], ...]
    text: tuple[re.Pattern[str], ...]


def load_kind_rules(path: Path = DOC_KINDS_PATH) -> list[KindRule]:
    """The cue table (see its ``_about``)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    flags = re.IGNORECASE | re.MULTILINE
    return [
        KindRule(
            k["kind"],
            k.get("label", k["kind"]),
            tuple(re.compile(c, flags) for c in k.get("name", [])),
            tuple(re.compile(c, flags) for c in k.get("text", [])),
        )
        for k in data["kinds"]
    ]


@cache
def _default_rules() -> tuple[KindRule, ...]:
    return tuple(load_kind_rules())


def kind_labels(rules: Sequence[KindRule] | None = None) -> dict[str, str]:
    """kind -> the label printed for it (plus ``other`` and ``unknown``)."""
    rs = _default_rules() if rules is None else rules
    return {r.kind: r.label for r in rs} | {OTHER: "other", UNKNOWN: "unknown (not reviewed)"}


FIRST_PAGE_CHARS = 1500


def classify_document(
    name: str, first_page_text: str = "", rules: Sequence[KindRule] | None = None
) -> str:
    """The kind of a document from its file name and the head of its first page: 3 points
    per name cue found, 1 per text cue; the best score wins, ties go to the earlier kind in
    the table, and no cue at all is ``other``."""
    rs = _default_rules() if rules is None else rules
    stem = re.sub(r"[_.\-]+", " ", name)
    head = first_page_text[:FIRST_PAGE_CHARS]
    best, best_score = OTHER, 0
    for r in rs:
        sc = 3 * sum(1 for c in r.name if c.search(stem))
        sc += sum(1 for c in r.text if c.search(head))
        if sc > best_score:
            best, best_score = r.kind, sc
    return best


@dataclass(slots=True)
class DocInfo:
    """What the slices need to know about one reviewed document."""

    kind: str
    ocr: bool  # the document's flag: some page was OCR'd
    page_ocr: dict[int, bool] = field(default_factory=dict)  # per page, when known

    def page_is_ocr(self, page: int) -> bool:
        return self.page_ocr.get(page, self.ocr)


def doc_infos(review: Mapping[str, Any] | Any, rules: Sequence[KindRule] | None = None) -> dict[
    tuple[str, str], DocInfo
]:
    """(case, document name) -> DocInfo for one review: a ``CaseReview`` (per-page OCR and
    first-page text known) or its JSON (document ``ocr`` flag and name only)."""
    out: dict[tuple[str, str], DocInfo] = {}
    if isinstance(review, Mapping):
        case = str(review["case"])
        for d in review.get("documents") or []:
            name = str(d.get("name", ""))
            out[(case, name)] = DocInfo(classify_document(name, "", rules), bool(d.get("ocr")))
        return out
    for d in review.documents:
        first = d.pages[0].text if d.pages else ""
        out[(review.case, d.name)] = DocInfo(
            classify_document(d.name, first, rules),
            any(p.ocr for p in d.pages),
            {p.number: bool(p.ocr) for p in d.pages},
        )
    return out


def _slice_keys(
    case: str, document: str | None, page: int | None, infos: Mapping[tuple[str, str], DocInfo]
) -> tuple[str, str]:
    """(page slice, document-kind slice) of one cited page."""
    info = infos.get((case, document or ""))
    if info is None or page is None:
        return UNKNOWN, UNKNOWN
    return ("ocr" if info.page_is_ocr(page) else "digital"), info.kind


def _gold_place(g: GoldFinding, place: int) -> tuple[str, int]:
    p = g.places[place] if 0 <= place < len(g.places) else g.places[0]
    return p.document, p.page


@dataclass(slots=True)
class SliceCell:
    micro: PRF = field(default_factory=PRF)
    per_type: dict[str, PRF] = field(default_factory=dict)

    def add(self, typ: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        for prf in (self.micro, self.per_type.setdefault(typ, PRF())):
            prf.tp += tp
            prf.fp += fp
            prf.fn += fn

    def to_dict(self) -> dict[str, Any]:
        return {**self.micro.to_dict(), "per_type": {t: p.to_dict() for t, p in self.per_type.items()}}


@dataclass(slots=True)
class Slices:
    page: dict[str, SliceCell]  # "digital", "ocr", "unknown"
    document_kind: dict[str, SliceCell]  # kind -> cell
    ocr_source: str  # "page" or "document"
    documents: list[dict[str, Any]] = field(default_factory=list)  # how each was classified

    def to_dict(self, labels: Mapping[str, str] | None = None) -> dict[str, Any]:
        lab = labels or kind_labels()
        return {
            "rule": SLICE_RULE,
            "ocr_from": self.ocr_source,
            "page": {k: v.to_dict() for k, v in self.page.items()},
            "document_kind": {
                k: {"label": lab.get(k, k), **v.to_dict()} for k, v in self.document_kind.items()
            },
            "documents": self.documents,
        }


def slices(s: Score, infos: Mapping[tuple[str, str], DocInfo]) -> Slices:
    """TP/FP/FN by digital vs OCR page and by document kind, by ``SLICE_RULE``."""
    page: dict[str, SliceCell] = {}
    kind: dict[str, SliceCell] = {}

    def put(case: str, doc: str | None, pg: int | None, typ: str, **n: int) -> None:
        pk, kk = _slice_keys(case, doc, pg, infos)
        page.setdefault(pk, SliceCell()).add(typ, **n)
        kind.setdefault(kk, SliceCell()).add(typ, **n)

    for m in s.matches:
        place = 0 if m.gold.type == "missing_interview" else m.place
        doc, pg = _gold_place(m.gold, place)
        put(m.gold.case, doc, pg, m.gold.type, tp=1)
    for g in s.false_negatives:
        put(g.case, g.document, g.page, g.type, fn=1)
    for p in s.false_positives:
        c = p.citations[0] if p.citations else None
        put(p.case, c.document if c else None, c.page if c else None, p.type, fp=1)
    per_page = any(i.page_ocr for i in infos.values())
    order = ["digital", "ocr", UNKNOWN]
    return Slices(
        page={k: page[k] for k in sorted(page, key=lambda k: order.index(k))},
        document_kind=dict(sorted(kind.items(), key=lambda kv: (kv[0] in (OTHER, UNKNOWN), kv[0]))),
        ocr_source="page" if per_page else "document",
        documents=[
            {
                "case": case,
                "document": doc,
                "kind": info.kind,
                "ocr": info.ocr,
                "ocr_pages": sorted(p for p, o in info.page_ocr.items() if o),
            }
            for (case, doc), info in sorted(infos.items())
        ],
    )


# --- printing -----------------------------------------------------------------------------


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def format_bootstrap(b: Bootstrap) -> str:
    head = (
        f"{int(b.level * 100)}% bootstrap intervals ({b.resamples} resamples of the "
        f"{b.cases} case(s), with replacement; seed {b.seed})"
    )
    rows = [head, f"{'type':<26}" + "".join(f"{m.upper() if m != 'f1' else 'F1':>20}" for m in ("p", "r", "f1"))]
    for key, ivs in b.intervals.items():
        label = "micro (all types)" if key == "micro" else key
        cells = "".join(
            f"{f'{ivs[m].point:.2f} [{ivs[m].low:.2f}-{ivs[m].high:.2f}]':>20}" for m in METRICS
        )
        rows.append(f"{label:<26}{cells}")
    left_out = [
        f"{key} {_METRIC_SHORT[m]} {iv.undefined}"
        for key, ivs in b.intervals.items()
        for m, iv in ivs.items()
        if iv.undefined
    ]
    if left_out:
        rows.append(
            "  resamples left out where a metric had nothing to divide by: " + ", ".join(left_out)
        )
    return "\n".join(rows)


def _prf_row(label: str, p: PRF, width: int = 40) -> str:
    return (
        f"{label:<{width}}{p.tp:>5}{p.fp:>5}{p.fn:>5}"
        f"{p.precision:>8.3f}{p.recall:>8.3f}{p.f1:>8.3f}"
    )


def format_slices(sl: Slices, labels: Mapping[str, str] | None = None) -> str:
    lab = labels or kind_labels()
    w = 58
    head = f"{'slice':<{w}}{'TP':>5}{'FP':>5}{'FN':>5}{'P':>8}{'R':>8}{'F1':>8}"
    rows = [
        f"Slices by page (digital / OCR, known per {sl.ocr_source}) and by document kind",
        f"  assigned: {SLICE_RULE}",
        head,
    ]
    for k, c in sl.page.items():
        rows.append(_prf_row(f"page: {k}", c.micro, w))
    for k, c in sl.document_kind.items():
        rows.append(_prf_row(f"document: {lab.get(k, k)}", c.micro, w))
    return "\n".join(rows)


def format_calibration(table: Mapping[str, Sequence[CalibrationBin]]) -> str:
    keys = ["all", *[k for k in table if k != "all"]]
    short = {
        "all": "all",
        "unfollowed_inquiry": "unfollowed",
        "victim_blaming_language": "victim_blaming",
        "missing_interview": "missing_interview",
    }
    rows = [
        "Calibration: precision (matched / suggested) and count per confidence bin",
        f"{'confidence':<12}" + "".join(f"{short.get(k, k):>20}" for k in keys),
    ]
    nbins = len(table["all"])
    for i in range(nbins):
        b0 = table["all"][i]
        cells = ""
        for k in keys:
            b = table[k][i]
            cells += f"{f'{_f(b.precision)} (n={b.n})':>20}"
        rows.append(f"{f'{b0.low:.1f}-{b0.high:.1f}':<12}{cells}")
    return "\n".join(rows)
