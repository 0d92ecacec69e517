"""Issue 9 point 5: parsing in a box. A PDF whose content stream inflates to a gigabyte from
about a megabyte fails as ``too_large`` within seconds, under the reader's memory limit
(RLIMIT_AS), instead of taking the machine's memory; the test process is untouched."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pytest


def flate_bomb_pdf(inflated: int = 1 << 30) -> bytes:
    """A one-page PDF whose content stream inflates to ``inflated`` bytes. Built fast: with a
    full flush, every compressed copy of the same megabyte is the same bytes, so the stream is
    one block repeated (and a correct Adler-32 trailer, so readers do not stop early)."""
    chunk = b"0 0 m " * ((1 << 20) // 6)
    co = zlib.compressobj(9)
    first = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(chunk) + co.flush(zlib.Z_FULL_FLUSH)
    n = inflated // len(chunk)
    adler = 1
    for _ in range(n):
        adler = zlib.adler32(chunk, adler)
    tail = co.flush(zlib.Z_FINISH)[:-4] + adler.to_bytes(4, "big")
    data = first + block * (n - 1) + tail
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_flate_bomb_is_too_large_in_seconds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.config import Settings
    from assistant.ingest import ingest_paths

    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(flate_bomb_pdf(1 << 30))
    assert bomb.stat().st_size < 4 << 20
    monkeypatch.setenv("ASSISTANT_PARSE_MEMORY_MB", "512")
    t0 = time.monotonic()
    docs, errors = ingest_paths(
        [bomb], names=["bomb.pdf"], settings=Settings(workers=1, cache_dir=tmp_path / "cache")
    )
    secs = time.monotonic() - t0
    assert not docs
    assert [e.code for e in errors] == ["too_large"], errors
    assert "memory" in errors[0].reason
    assert secs < 60, secs
