"""A child for tests/test_subproc.py: ``python -m tests.subproc_child`` answers requests in the
framing named by SUBPROC_TEST_FRAMING (json, pickle or lines)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from assistant.subproc import JSON_FRAMES, JSON_LINES, PICKLE_FRAMES, child_streams

FRAMINGS = {"json": JSON_FRAMES, "pickle": PICKLE_FRAMES, "lines": JSON_LINES}


def main() -> int:
    framing = FRAMINGS[os.environ.get("SUBPROC_TEST_FRAMING", "json")]
    stdin, stdout = child_streams()
    while True:
        try:
            req = framing.read(stdin)
        except EOFError:
            return 0
        op = req["op"]
        if op == "echo":
            framing.write(stdout, {"echo": req["data"]})
        elif op == "noisy":  # what libraries do: print, and write to file descriptor 1 directly
            print("a library's chatter")
            os.write(1, b"\x00\x00\x00\x00\x00\x00\x00\x05junk!")
            framing.write(stdout, {"ok": True})
        elif op == "hang":  # starts a grandchild (as OCR starts Tesseract), then hangs
            grandchild = subprocess.Popen(["sleep", "60"])
            with open(req["pid_file"], "w") as f:
                f.write(str(grandchild.pid))
            time.sleep(60)
        elif op == "crash":
            print(req["message"], file=sys.stderr, flush=True)
            os._exit(3)


if __name__ == "__main__":
    raise SystemExit(main())
