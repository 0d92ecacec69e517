"""The one subprocess helper (assistant/subproc.py) that the ingest workers, the model helper
and the job worker share: framing, a time limit that kills the whole process group, a crash
reported with the child's stderr, stdout kept for the messages."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from assistant.subproc import (
    JSON_FRAMES,
    JSON_LINES,
    PICKLE_FRAMES,
    Child,
    ChildGone,
    ChildTimeout,
    Framing,
    Garbled,
)

FRAMINGS = {"json": JSON_FRAMES, "pickle": PICKLE_FRAMES, "lines": JSON_LINES}


def _child(name: str = "json", **kw: object) -> Child:
    return Child("tests.subproc_child", FRAMINGS[name], env={"SUBPROC_TEST_FRAMING": name}, **kw)  # type: ignore[arg-type]


def _gone(pid: int, within: float = 5.0) -> bool:
    """True once ``pid`` no longer runs (a zombie awaiting its reaper counts as gone)."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().split(") ", 1)[1].startswith("Z"):
                    return True
        except (FileNotFoundError, ProcessLookupError):
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("name", sorted(FRAMINGS))
def test_large_frames_round_trip(name: str) -> None:
    data = "x" * (8 * 2**20) + "é\n\u2028end"  # 8 MB, bigger than any pipe buffer, and a newline
    child = _child(name)
    try:
        assert child.request({"op": "echo", "data": data}, timeout=60) == {"echo": data}
        assert child.request({"op": "echo", "data": "small"}, timeout=60) == {"echo": "small"}
    finally:
        child.close()
    assert child.exit_status() == 0  # end of input: the child finishes by itself


def test_what_the_child_prints_stays_out_of_the_messages() -> None:
    child = _child()
    try:
        assert child.request({"op": "noisy"}, timeout=30) == {"ok": True}
    finally:
        child.close()


def test_time_limit_kills_the_whole_process_group(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    child = _child()
    t0 = time.monotonic()
    with pytest.raises(ChildTimeout):
        child.request({"op": "hang", "pid_file": str(pid_file)}, timeout=1.5)
    assert time.monotonic() - t0 < 10
    assert _gone(child.pid)
    grandchild = int(pid_file.read_text())
    assert _gone(grandchild), "the grandchild (its own Tesseract, say) outlived the time limit"


def test_a_crash_is_reported_with_its_stderr() -> None:
    child = _child(stderr="capture")
    with pytest.raises(ChildGone) as info:
        child.request({"op": "crash", "message": "Segmentation fault in libfoo"}, timeout=30)
    assert info.value.status == 3
    assert "exit status 3" in str(info.value)
    assert "Segmentation fault in libfoo" in info.value.stderr
    with pytest.raises(ChildGone):  # and it stays gone
        child.receive(timeout=1)


def test_a_pool_shares_one_queue_and_knows_who_answered() -> None:
    a, b = _child(), None
    try:
        b = Child("tests.subproc_child", JSON_FRAMES, messages=a.messages)
        assert b.send({"op": "echo", "data": "b"}) and a.send({"op": "echo", "data": "a"})
        got = [a.messages.get(timeout=30) for _ in range(2)]
        assert {(c.pid, m["echo"]) for c, m in got} == {(a.pid, "a"), (b.pid, "b")}
    finally:
        a.close()
        if b is not None:
            b.close()


@pytest.mark.parametrize("framing", [JSON_FRAMES, JSON_LINES, PICKLE_FRAMES], ids=["json", "lines", "pickle"])
def test_unpack_takes_whole_messages_only(framing: Framing) -> None:
    wire = framing.pack({"n": 1}) + framing.pack({"n": 2})
    buf = bytearray()
    got: list[object] = []
    for i in range(len(wire)):  # one byte at a time: messages come out whole, once
        buf.extend(wire[i : i + 1])
        got.extend(framing.unpack(buf))
    assert got == [{"n": 1}, {"n": 2}] and not buf


def test_a_garbled_message_is_marked_not_raised() -> None:
    buf = bytearray(JSON_FRAMES.pack({"ok": 1})[:8] + b"{bad json" + JSON_FRAMES.pack({"n": 2}))
    buf[0:8] = (9).to_bytes(8, "big")
    got = JSON_FRAMES.unpack(buf)
    assert isinstance(got[0], Garbled) and got[1] == {"n": 2}


def test_the_child_is_started_in_its_own_process_group() -> None:
    child = _child()
    try:
        assert os.getpgid(child.pid) == child.pid != os.getpgid(0)
    finally:
        child.close()
