"""Learning from reviewers: retrain the clause classifiers on the workbench's decisions.

Every decided suggestion whose wording a clause classifier judges becomes labelled clauses (its
citations' quotes), with the reviewer's reason and note kept beside them:

- ``victim_blaming_language`` -> task ``victim_blaming``: accepted (or added by a reviewer) = 1;
  rejected as "wording is quoted or appropriate", "not supported by the cited text" or "other" = 0;
  rejected as "duplicate" or "out of scope" says nothing about the wording and is skipped.
- ``unfollowed_inquiry`` -> task ``action_status``: accepted = 0 (the reviewer agrees the line is
  open); rejected as "line of inquiry was completed" = 1 (completed elsewhere); other reasons are
  skipped.

The decisions are split by case (never one case on both sides): about a third of the cases are held
out. The heads are retrained on the bundled clauses plus the reviewers' training clauses (weighted),
then the version in use and the new one are scored on the held-out decisions. The new version is
written under ``<model dir>/<task>/<version>/`` (the user model directory, see
``assistant.nlp.clause_model.user_dir``) and made current only if it is not worse, unless forced.
An audit event records each change of version, so a decision can be traced to the model that
made the suggestion.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.nlp import clause_model as cm
from assistant.workbench.tables import SuggestionRow

# Suggestion type -> clause task.
TASK_OF_TYPE = {"victim_blaming_language": "victim_blaming", "unfollowed_inquiry": "action_status"}
VB_NEGATIVE_REASONS = {"wording is quoted or appropriate", "not supported by the cited text", "other"}
COMPLETED_REASON = "line of inquiry was completed"
BASE_DATA = cm.BUNDLED_DIR.parent / "data" / "clauses.jsonl"


@dataclass(slots=True)
class ReviewerClause:
    """One quote a reviewer's decision labels."""

    task: str
    text: str
    label: int
    case_id: int
    suggestion_id: str
    decision: str  # accepted | rejected | added
    reason: str | None = None
    note: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    detector_version: str = ""


@dataclass(slots=True)
class TaskResult:
    task: str
    base_version: str
    new_version: str | None = None
    n_train: int = 0
    n_holdout: int = 0
    base_scores: dict[str, float] = field(default_factory=dict)
    new_scores: dict[str, float] = field(default_factory=dict)
    gain: float = 0.0
    metric: str = "f1"
    made_current: bool = False
    path: str | None = None
    message: str = ""


def label_of(row: SuggestionRow) -> int | None:
    """The clause label a decided suggestion gives its quotes, or None when it says nothing."""
    task = TASK_OF_TYPE.get(row.type)
    if task is None or row.status not in ("accepted", "rejected"):
        return None
    if task == "victim_blaming":
        if row.status == "accepted":
            return 1
        return 0 if (row.reason or "other") in VB_NEGATIVE_REASONS else None
    if row.status == "accepted":
        return 0
    return 1 if row.reason == COMPLETED_REASON else None


def collect(session: Session) -> list[ReviewerClause]:
    """Labelled clauses from every decided suggestion (the latest decision on a quote wins)."""
    rows = session.scalars(
        select(SuggestionRow)
        .where(SuggestionRow.type.in_(list(TASK_OF_TYPE)),
               SuggestionRow.status.in_(["accepted", "rejected"]))
        .order_by(SuggestionRow.decided_at, SuggestionRow.id)
    ).all()
    by_key: dict[tuple[str, str], ReviewerClause] = {}
    for row in rows:
        label = label_of(row)
        if label is None:
            continue
        task = TASK_OF_TYPE[row.type]
        decision = "added" if row.origin == "reviewer" else row.status
        for c in row.citations or []:
            text = " ".join(str(c.get("quote", "")).split())
            if len(text) < 3:
                continue
            by_key[(task, text.lower())] = ReviewerClause(
                task, text, label, row.case_id, row.sid, decision, row.reason, row.note,
                row.decided_by, row.decided_at, row.detector_version,
            )
    return list(by_key.values())


def split_holdout(clauses: Sequence[ReviewerClause], fraction: float = 0.34) -> tuple[list[int], list[int]]:
    """Indices (train, held out), split by case (a stable hash decides); with one case only,
    by suggestion. Both sides get at least one clause when there are two or more."""
    if not clauses:
        return [], []
    cases = sorted({c.case_id for c in clauses})
    key: Callable[[ReviewerClause], str]
    if len(cases) >= 2:
        key = lambda c: f"case:{c.case_id}"  # noqa: E731
    else:
        key = lambda c: f"sid:{c.suggestion_id}"  # noqa: E731
    units = sorted({key(c) for c in clauses}, key=lambda u: hashlib.sha256(u.encode()).hexdigest())
    if len(units) < 2:
        return list(range(len(clauses))), []
    n_hold = min(len(units) - 1, max(1, round(len(units) * fraction)))
    held = set(units[:n_hold])
    train = [i for i, c in enumerate(clauses) if key(c) not in held]
    hold = [i for i, c in enumerate(clauses) if key(c) in held]
    return train, hold


def _base_rows(task: str, max_base: int | None) -> list[dict[str, Any]]:
    rows = [json.loads(line) for line in BASE_DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = [r for r in rows if r["task"] == task]
    if max_base is not None and len(rows) > max_base:
        step = len(rows) / max_base
        rows = [rows[int(i * step)] for i in range(max_base)]
    return rows


def _scores(y: Sequence[int], p: Sequence[float]) -> dict[str, float]:
    s = cm.f1_score(y, p)
    brier = sum((a - b) ** 2 for a, b in zip(y, p, strict=True)) / len(y) if y else 0.0
    return {"f1": s["f1"], "precision": s["precision"], "recall": s["recall"],
            "accuracy": s["accuracy"], "brier": round(brier, 4), "n": float(len(y))}


def learn_task(
    task: str,
    clauses: Sequence[ReviewerClause],
    *,
    model_dir: Path,
    dry_run: bool = False,
    force: bool = False,
    reviewer_weight: float = 3.0,
    max_base: int | None = None,
    settings: cm.TrainSettings | None = None,
    log: Callable[[str], None] = print,
) -> TaskResult:
    """Retrain one task on the base clauses and the reviewers' clauses; see the module docstring."""
    base_version = cm.current_version(task)
    base_clf = cm.load_clause_classifier(task, base_version)
    res = TaskResult(task, base_version)
    mine = [c for c in clauses if c.task == task]
    if not mine:
        res.message = "no decided suggestions for this task: nothing to learn"
        return res
    tr_i, ho_i = split_holdout(mine)
    train_c = [mine[i] for i in tr_i]
    hold_c = [mine[i] for i in ho_i]
    res.n_train, res.n_holdout = len(train_c), len(hold_c)
    if settings is None:
        base_settings = dict(base_clf.meta.get("settings", {}))
        known = set(cm.TrainSettings().as_dict())
        settings = cm.TrainSettings(**{k: v for k, v in base_settings.items() if k in known})
    base_rows = _base_rows(task, max_base)
    texts = [str(r["text"]) for r in base_rows] + [c.text for c in train_c]
    labels = [int(r["label"]) for r in base_rows] + [c.label for c in train_c]
    weights = [1.0] * len(base_rows) + [reviewer_weight] * len(train_c)

    h = hashlib.sha256()
    h.update(f"{task}|{base_version}|{reviewer_weight}|{max_base}".encode())
    h.update(json.dumps(settings.as_dict(), sort_keys=True).encode())
    for c in mine:
        h.update(json.dumps([c.text, c.label, c.case_id], ensure_ascii=False).encode())
    new_version = "r" + h.hexdigest()[:11]

    t0 = time.perf_counter()
    enc = cm.encode_lower(texts + [c.text for c in hold_c], settings)
    net = cm.train(enc, list(range(len(texts))), labels, settings, weights)
    train_s = time.perf_counter() - t0
    y = [c.label for c in hold_c]
    if hold_c:
        p_new = cm.predict_encoded(net, enc, list(range(len(texts), len(texts) + len(hold_c))))
        p_base = base_clf.predict([c.text for c in hold_c])
        res.base_scores, res.new_scores = _scores(y, p_base), _scores(y, p_new)
        # F1 when the held-out decisions have both labels; otherwise accuracy.
        res.metric = "f1" if 0 < sum(y) < len(y) else "accuracy"
        res.gain = round(res.new_scores[res.metric] - res.base_scores[res.metric], 4)
    not_worse = bool(hold_c) and res.gain >= 0 and res.new_scores["brier"] <= res.base_scores["brier"] + 0.02
    res.new_version = new_version
    log(f"{task}: {len(train_c)} reviewer clause(s) for training, {len(hold_c)} held out; "
        f"retrained in {train_s:.0f}s")
    if hold_c:
        log(f"  held-out {res.metric}: base {base_version} {res.base_scores[res.metric]:.3f} -> new "
            f"{new_version} {res.new_scores[res.metric]:.3f} (gain {res.gain:+.3f}; Brier "
            f"{res.base_scores['brier']:.3f} -> {res.new_scores['brier']:.3f})")
    else:
        log("  no held-out decisions (one case or suggestion only): cannot show a gain")
    if dry_run:
        res.message = "dry run: nothing written"
        log(f"  {res.message}")
        return res
    meta = {
        "task": task,
        "version": new_version,
        "parent_version": base_version,
        "base_model": base_clf.meta.get("base_model", "all-MiniLM-L6-v2"),
        "architecture": base_clf.meta.get("architecture", ""),
        "settings": settings.as_dict(),
        "threshold": base_clf.threshold,
        "data": {"base_file": "models/data/clauses.jsonl", "base_n": len(base_rows),
                 "reviewer_train": len(train_c), "reviewer_holdout": len(hold_c),
                 "reviewer_weight": reviewer_weight},
        "reviewer_clauses": [asdict(c) | {"split": "train"} for c in train_c]
        + [asdict(c) | {"split": "holdout"} for c in hold_c],
        "evaluation": {"metric": res.metric, "base": res.base_scores, "new": res.new_scores,
                       "gain": res.gain},
        "train_seconds": round(train_s, 1),
        "origin": "python -m assistant learn",
    }
    out = cm.save_artefact(model_dir / task / new_version, net, meta)
    res.path = str(out)
    if not_worse or force:
        cm.set_current(task, new_version, root=model_dir)
        res.made_current = True
        res.message = "made current" + (" (forced)" if force and not not_worse else "")
    else:
        res.message = f"kept {base_version}: the new version is worse on the held-out decisions"
    log(f"  written {out}; {res.message}")
    return res


def learn(
    session: Session,
    *,
    model_dir: Path | None = None,
    tasks: Sequence[str] = cm.TASKS,
    dry_run: bool = False,
    force: bool = False,
    actor: str | None = None,
    max_base: int | None = None,
    settings: cm.TrainSettings | None = None,
    log: Callable[[str], None] = print,
) -> list[TaskResult]:
    """Learn from every decision in the database; returns one result per task."""
    from assistant.workbench import audit

    root = model_dir or cm.user_dir()
    clauses = collect(session)
    # End the read transaction now: SQLite transactions here begin IMMEDIATE (the write lock),
    # and training takes minutes; the workbench must not wait for it.
    session.rollback()
    log(f"{len(clauses)} labelled clause(s) from reviewers' decisions: " + ", ".join(
        f"{t} {sum(1 for c in clauses if c.task == t)}" for t in tasks))
    results = [learn_task(t, clauses, model_dir=root, dry_run=dry_run, force=force,
                          max_base=max_base, settings=settings, log=log) for t in tasks]
    changed = [r for r in results if r.made_current]
    if changed:
        cm.clear_cache()
        for r in changed:
            audit.record(session, "model_version", actor=actor or "learn", target=r.task,
                         detail={"from": r.base_version, "to": r.new_version, "gain": r.gain,
                                 "metric": r.metric, "held_out": r.n_holdout})
        session.commit()
    return results
