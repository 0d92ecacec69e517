"""Uploaded originals, stored once by SHA-256 under the data directory (never under a web root).

``<data_dir>/blobs/ab/cd/abcd...``: no file name or extension, so nothing in the store can be
mistaken for something to execute or serve; the original names live in the database, per case.
Writes go to a temporary file, are flushed to disk, then renamed into place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

_CHUNK = 1 << 20


class BlobStore:
    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "blobs"

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a sha256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def put_file(self, src: BinaryIO) -> tuple[str, int]:
        """Copy a readable binary stream into the store. Returns (sha256, size)."""
        self.root.mkdir(parents=True, exist_ok=True)
        h = hashlib.sha256()
        size = 0
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := src.read(_CHUNK):
                    h.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
                out.flush()
                os.fsync(out.fileno())
            digest = h.hexdigest()
            dest = self.path(digest)
            if dest.is_file():
                os.unlink(tmp)
            else:
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.replace(tmp, dest)
                os.chmod(dest, 0o440)
            return digest, size
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise

    def put_bytes(self, data: bytes) -> tuple[str, int]:
        import io

        return self.put_file(io.BytesIO(data))

    def put_path(self, path: Path) -> tuple[str, int]:
        with open(path, "rb") as f:
            return self.put_file(f)

    def copy_to(self, sha256: str, dest: Path) -> None:
        shutil.copyfile(self.path(sha256), dest)
