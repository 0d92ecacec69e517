"""Reviewers' decisions: the fixed reasons, and the current state derived from the decision log.

The log is append-only. A suggestion's state is a pure function of its decisions in order:
undo appends an ``undone`` decision naming the one it reverts, which then stops counting.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

REJECT_REASONS: tuple[str, ...] = (
    "not supported by the cited text",
    "line of inquiry was completed",
    "interview or account exists elsewhere",
    "wording is quoted or appropriate",
    "duplicate",
    "out of scope",
    "other",
)

# The API's verbs and the actions stored in the log.
ACTIONS: dict[str, str] = {
    "accept": "accepted",
    "reject": "rejected",
    "edit": "edited",
    "undo": "undone",
}
EDITABLE_FIELDS: tuple[str, ...] = ("title", "rationale")


class DecisionLike(Protocol):
    id: int
    action: str
    reviewer: str
    at: str
    reason: str | None
    note: str | None
    fields: dict[str, Any] | None
    undoes: int | None


@dataclass(slots=True)
class State:
    """What a reviewer sees of a suggestion after all its decisions."""

    status: str = "open"  # open | accepted | rejected
    edited: bool = False
    title: str | None = None  # None = the original
    rationale: str | None = None
    decided_by: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    note: str | None = None


def effective(decisions: Iterable[DecisionLike]) -> list[DecisionLike]:
    """The decisions that still count, in order: every one not reverted by a later undo."""
    out: list[DecisionLike] = []
    for d in sorted(decisions, key=lambda d: d.id):
        if d.action == "undone":
            out = [e for e in out if e.id != d.undoes]
        else:
            out.append(d)
    return out


def last_undoable(decisions: Sequence[DecisionLike]) -> DecisionLike | None:
    """The decision an undo reverts: the latest that still counts, except a reviewer's "added"."""
    for d in reversed(effective(decisions)):
        if d.action != "added":
            return d
        return None
    return None


def derive_state(decisions: Iterable[DecisionLike]) -> State:
    """The current state: the latest accept/reject that still counts, and every edit applied.

    A reviewer's own finding (``added``) counts as accepted: the reviewer asserted it.
    """
    st = State()
    for d in effective(decisions):
        apply(st, d)
    return st


def state_after_undo(decisions: Iterable[DecisionLike], undoes: int) -> State:
    """The state once the decision ``undoes`` is reverted: ``derive_state`` of the log plus
    an undo of it, worked out before the undo is stored (it has no id yet)."""
    st = State()
    for d in effective(decisions):
        if d.id != undoes:
            apply(st, d)
    return st


def apply(st: State, d: DecisionLike) -> State:
    """``st`` with one more decision (not an undo) on top: ``derive_state(log + [d])`` is
    ``apply(derive_state(log), d)``, so a decision needs no pass over the whole log."""
    if d.action in ("accepted", "rejected", "added"):
        st.status = "rejected" if d.action == "rejected" else "accepted"
        st.decided_by, st.decided_at = d.reviewer, d.at
        st.reason = d.reason if d.action == "rejected" else None
        st.note = d.note
    elif d.action == "edited":
        st.edited = True
        fields = d.fields or {}
        if fields.get("title"):
            st.title = str(fields["title"])
        if fields.get("rationale"):
            st.rationale = str(fields["rationale"])
    return st
