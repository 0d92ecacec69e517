"""Case file review assistant."""

import os as _os

# OpenMP threads (torch, faiss) sleep rather than spin while waiting for work. On a small
# machine that also runs OCR workers, spinning threads fight the other processes for the
# cores and MiniLM embedding ran 5-10x slower (measured: eval/benchmark.py, issue 3). It must
# be set before torch is first imported (spaCy imports it), so it lives here, the first
# module of the package to load. A value set by the user wins.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
