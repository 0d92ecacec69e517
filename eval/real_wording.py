"""Victim-blaming detector on real record wording: ``eval/real_wording_vb.jsonl``.

Each line is one sentence: blaming wording quoted in published inquiry reports, reviews and
language guides (label 1), or a neutral record sentence, the child's own words, the suspect's
account, the law, or a report or guide criticising such wording (label 0), with its source.
Half the set (``part == "heldout"``) is never used for tuning: report both halves.

    python -m eval.real_wording            # P/R/F1 for dev, heldout and all
    python -m eval.real_wording --errors   # also list the dev half's errors (never heldout's)
    python -m eval.real_wording --set eval/vb_probe.jsonl   # the probe of unseen phrasings

``eval/vb_probe.jsonl`` is 260 blaming and 160 neutral sentences written in many record registers
by an author who never saw the lexicon (2026-12-07). Its first score was recall 0.64 with 4 false
alarms; lexicon wording was then added from it, so all of it now counts as tuned on ("dev").
"""

from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

from assistant.detectors.victim_blaming import VictimBlamingDetector
from assistant.nlp.context import CaseContext
from assistant.nlp.segment import segment_documents
from assistant.types import Document, Page

SET = Path(__file__).with_name("real_wording_vb.jsonl")


def flagged(det: VictimBlamingDetector, text: str) -> bool:
    """True when the detector makes any suggestion on a one-sentence document."""
    doc = Document(name="s.txt", sha256=hashlib.sha256(text.encode()).hexdigest(),
                   media_type="txt", pages=[Page(1, text + "\n")])
    ctx = CaseContext(case="rw", documents=[doc], segments=segment_documents([doc]))
    return bool(det.detect(ctx))


def prf(rows: list[dict[str, object]]) -> tuple[float, float, float, int, int, int]:
    tp = sum(1 for r in rows if r["label"] == 1 and r["pred"])
    fp = sum(1 for r in rows if r["label"] == 0 and r["pred"])
    fn = sum(1 for r in rows if r["label"] == 1 and not r["pred"])
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f, tp, fp, fn


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the dev half's errors")
    ap.add_argument("--set", type=Path, default=SET, help="a JSONL set of the same form")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.set.read_text(encoding="utf-8").splitlines() if line.strip()]
    det = VictimBlamingDetector()
    det.warm_up()
    for r in rows:
        r["pred"] = flagged(det, str(r["text"]))
    for part in ("dev", "heldout", "all"):
        sel = [r for r in rows if part == "all" or r["part"] == part]
        if not sel:
            continue
        pos = sum(1 for r in sel if r["label"] == 1)
        p, rec, f, tp, fp, fn = prf(sel)
        print(f"{part:8s} n={len(sel):3d} (blaming {pos:2d})  P {p:.2f}  R {rec:.2f}  F1 {f:.2f}"
              f"  (tp {tp} fp {fp} fn {fn})")
    if args.errors:
        for r in rows:
            if r["part"] == "dev" and bool(r["pred"]) != (r["label"] == 1):
                print(("FP " if r["pred"] else "FN ") + str(r["text"]))


if __name__ == "__main__":
    main()
