"""One way to run a helper process: ``python -m MODULE`` in a process group of its own, with
messages framed on its stdin and stdout, a time limit on each answer, and its stdout kept for
the messages alone (whatever a library prints in the child goes to stderr).

Three helpers use it: the ingest workers (``assistant/ingest/runner.py``, JSON frames: a worker
that a hostile file subverted still cannot make the main process run code), the model helper
(``assistant/nlp/model_server.py``, pickle frames: our own child, numpy arrays) and the
workbench's job worker (``assistant/workbench/jobs.py``, JSON lines).

Why not ``multiprocessing`` or ``concurrent.futures``: neither can kill the one task that hangs
without losing the others, a crashed worker breaks a ``ProcessPoolExecutor`` for good, and a
daemonic process (as a web server's job runner may be) may not start children. Killing a
child here kills its whole process group, so a Tesseract it started goes with it.

In the child, :func:`child_streams` gives the protocol's input and output.
"""

from __future__ import annotations

import json
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO, Literal

_HEADER = struct.Struct(">Q")  # 8-byte big-endian length before each frame
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])


@dataclass(frozen=True, slots=True)
class Garbled:
    """A frame that arrived whole but could not be decoded."""

    error: str


class _EndOfOutput:
    """Put on the message queue when a child's stdout ends (the child exited or was killed)."""

    def __repr__(self) -> str:
        return "EOF"


EOF = _EndOfOutput()


class Framing:
    """How messages are cut and coded on a pipe: length-prefixed frames or lines."""

    def __init__(self, dumps: Callable[[Any], bytes], loads: Callable[[bytes], Any], *, lines: bool = False) -> None:
        self.dumps, self.loads, self.lines = dumps, loads, lines

    def pack(self, obj: Any) -> bytes:
        data = self.dumps(obj)
        if self.lines:
            return data + b"\n"
        return _HEADER.pack(len(data)) + data

    def _decode(self, data: bytes) -> Any:
        try:
            return self.loads(data)
        except Exception as e:  # noqa: BLE001 - any decoding failure is the caller's to judge
            return Garbled(f"{type(e).__name__}: {e}")

    def unpack(self, buf: bytearray) -> list[Any]:
        """Take every complete message off the front of ``buf`` (the rest stays for later)."""
        out: list[Any] = []
        if self.lines:
            while (end := buf.find(b"\n")) >= 0:
                line = bytes(buf[:end])
                del buf[: end + 1]
                if line.strip():
                    out.append(self._decode(line))
            return out
        while len(buf) >= _HEADER.size:
            (n,) = _HEADER.unpack_from(buf)
            if len(buf) < _HEADER.size + n:
                break
            frame = bytes(buf[_HEADER.size : _HEADER.size + n])
            del buf[: _HEADER.size + n]
            out.append(self._decode(frame))
        return out

    def write(self, stream: IO[bytes], obj: Any) -> None:
        """Write one message and flush (blocking; for the child and simple clients)."""
        stream.write(self.pack(obj))
        stream.flush()

    def read(self, stream: IO[bytes]) -> Any:
        """Read one message (blocking). Raises ``EOFError`` at the end of input, ``ValueError``
        (or the decoder's own error) for a message that cannot be decoded."""
        if self.lines:
            while True:
                line = stream.readline()
                if not line:
                    raise EOFError("end of input")
                if line.strip():
                    return self.loads(line)
        head = stream.read(_HEADER.size)
        if len(head) < _HEADER.size:
            raise EOFError("end of input")
        (n,) = _HEADER.unpack(head)
        data = stream.read(n)
        if len(data) < n:
            raise EOFError("end of input inside a message")
        return self.loads(data)


JSON_FRAMES = Framing(
    lambda o: json.dumps(o, ensure_ascii=False).encode("utf-8"), lambda b: json.loads(b.decode("utf-8"))
)
PICKLE_FRAMES = Framing(
    lambda o: pickle.dumps(o, protocol=pickle.HIGHEST_PROTOCOL),
    pickle.loads,  # noqa: S301 - only for our own child process, over a private pipe
)
JSON_LINES = Framing(lambda o: json.dumps(o).encode("utf-8"), lambda b: json.loads(b.decode("utf-8")), lines=True)


class ChildTimeout(TimeoutError):
    """No answer within the time limit; the child's process group has been killed."""


class ChildGone(RuntimeError):
    """The child's output ended (it exited, crashed or was killed) before it answered.
    ``status``: its exit status (None if still running); ``stderr``: the last lines it wrote
    there (with ``stderr="capture"``; the message includes them)."""

    def __init__(self, message: str, *, status: int | None = None, stderr: str = "") -> None:
        super().__init__(message + (f"; its last words on stderr:\n{stderr}" if stderr else ""))
        self.status, self.stderr = status, stderr


def describe_exit(status: int | None) -> str:
    """``"exit status 7"``, ``"signal SIGKILL"``, or ``"still running"``."""
    if status is None:
        return "still running"
    if status < 0:
        try:
            return f"signal {signal.Signals(-status).name}"
        except ValueError:
            return f"signal {-status}"
    return f"exit status {status}"


Stderr = Literal["devnull", "inherit", "capture"]


class Child:
    """``python -m module`` in a process group of its own, speaking ``framing``.

    A thread reads the child's stdout and puts each decoded message on ``messages`` as
    ``(child, message)``, then ``(child, EOF)`` when the output ends; several children may
    share one queue (a pool). ``stderr``: ``"devnull"``, ``"inherit"`` (this process's), or
    ``"capture"`` (the last lines are kept for :meth:`stderr_tail`, and each line goes to
    ``on_stderr_line``).
    """

    def __init__(
        self,
        module: str,
        framing: Framing,
        *,
        env: dict[str, str] | None = None,
        stderr: Stderr = "devnull",
        on_stderr_line: Callable[[str], None] | None = None,
        messages: queue.Queue[tuple[Child, Any]] | None = None,
        tail_lines: int = 20,
    ) -> None:
        self.module, self.framing = module, framing
        self.messages: queue.Queue[tuple[Child, Any]] = messages if messages is not None else queue.Queue()
        self._tail: deque[str] = deque(maxlen=tail_lines)
        self._on_stderr_line = on_stderr_line
        full_env = dict(os.environ)
        full_env.update(env or {})
        # Importable from a source checkout that was not pip-installed.
        full_env["PYTHONPATH"] = os.pathsep.join(p for p in (_PACKAGE_ROOT, full_env.get("PYTHONPATH", "")) if p)
        err: int | None = {"devnull": subprocess.DEVNULL, "inherit": None, "capture": subprocess.PIPE}[stderr]
        self.proc: subprocess.Popen[bytes] = subprocess.Popen(
            [sys.executable, "-m", module],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            env=full_env,
            start_new_session=True,  # its own process group: killing it kills its children too
            close_fds=True,
        )
        self._send_lock = threading.Lock()
        threading.Thread(target=self._read_stdout, name=f"{module}-out", daemon=True).start()
        self._stderr_thread: threading.Thread | None = None
        if stderr == "capture":
            self._stderr_thread = threading.Thread(target=self._read_stderr, name=f"{module}-err", daemon=True)
            self._stderr_thread.start()

    @property
    def pid(self) -> int:
        return self.proc.pid

    def _read_stdout(self) -> None:
        out = self.proc.stdout
        assert out is not None
        buf = bytearray()
        fd = out.fileno()
        try:
            while True:
                try:
                    chunk = os.read(fd, 1 << 20)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                buf.extend(chunk)
                for msg in self.framing.unpack(buf):
                    self.messages.put((self, msg))
        finally:
            try:
                out.close()
            except OSError:
                pass
            self.messages.put((self, EOF))

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        try:
            for raw in err:
                line = raw.decode("utf-8", errors="replace").rstrip("\n")
                self._tail.append(line)
                if self._on_stderr_line is not None:
                    self._on_stderr_line(line)
        finally:
            err.close()

    def stderr_tail(self, wait: float = 0.0) -> str:
        """The last lines the child wrote to stderr (``stderr="capture"`` only); ``wait``: how
        long to wait for the rest of it once the child has ended."""
        if wait and self._stderr_thread is not None and not self.alive():
            self._stderr_thread.join(wait)
        return "\n".join(self._tail)

    def gone(self, what: str) -> ChildGone:
        """The error for a child that ended: its exit status and the end of its stderr."""
        status = self.exit_status()
        return ChildGone(f"{self.module} {what} ({describe_exit(status)})", status=status,
                         stderr=self.stderr_tail(wait=1.0))

    def send(self, obj: Any) -> bool:
        """Send one message; False when the child no longer reads (it has gone)."""
        data = self.framing.pack(obj)
        with self._send_lock:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(data)
                self.proc.stdin.flush()
                return True
            except (BrokenPipeError, OSError, ValueError):
                return False

    def receive(self, timeout: float | None = None) -> Any:
        """The next message from this child (its own queue only). Raises ``TimeoutError`` after
        ``timeout`` seconds (the child is left running) and ``ChildGone`` at the end of output."""
        try:
            _, msg = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"no answer from {self.module} within {timeout:g} s") from None
        if msg is EOF:
            self.messages.put((self, EOF))  # stays gone for the next caller too
            raise self.gone("ended")
        return msg

    def request(self, obj: Any, timeout: float | None = None) -> Any:
        """Send ``obj`` and wait for the answer. Past ``timeout`` the child's whole process group
        is killed and ``ChildTimeout`` raised; ``ChildGone`` when it ended without answering."""
        if not self.send(obj):
            raise self.gone("is not reading its input")
        try:
            return self.receive(timeout)
        except ChildGone:
            raise
        except TimeoutError:
            self.kill()
            raise ChildTimeout(f"{self.module} gave no answer within {timeout:g} s and was stopped") from None

    def alive(self) -> bool:
        return self.proc.poll() is None

    def exit_status(self, wait: float = 2.0) -> int | None:
        """The child's exit status (negative: the signal that killed it), waiting up to ``wait``
        seconds for it to end; None while it still runs."""
        try:
            return self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            return None

    def kill(self) -> None:
        """Kill the child and everything in its process group, then reap it."""
        try:
            # The group outlives the child only while something it started still runs; its id
            # cannot be handed to another process while the group exists.
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError, OSError):
            if self.proc.returncode is None:
                try:
                    self.proc.kill()
                except OSError:
                    pass
        self._close_stdin()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass

    def close(self, timeout: float = 2.0) -> None:
        """Ask the child to finish (end of its input) and make sure it does: killed after ``timeout``."""
        self._close_stdin()
        try:
            self.proc.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            pass
        self.kill()  # still running: its process id cannot have been reused yet

    def _close_stdin(self) -> None:
        with self._send_lock:
            try:
                if self.proc.stdin is not None:
                    self.proc.stdin.close()
            except OSError:
                pass


def child_streams() -> tuple[BinaryIO, BinaryIO]:
    """In a child: its input and a private copy of its stdout for the protocol. File descriptor
    1 and ``sys.stdout`` then point at stderr, so nothing a library prints (Python or C) can land
    in the messages."""
    sys.stdout.flush()
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return sys.stdin.buffer, out
