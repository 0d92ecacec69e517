"""all-MiniLM-L6-v2 in plain torch: the BERT encoder, mean pooling and L2 normalisation.

sentence-transformers runs this model as Transformer -> Pooling(mean) -> Normalize (its
modules.json). Importing sentence-transformers and transformers cost about 5 s and 2 s of
start-up on this machine, for a 6-layer encoder that is 60 lines of torch. This module reads the
same weights (model.safetensors) and tokenizer (tokenizer.json, with the Rust ``tokenizers``
library) from the bundled package and computes the same vectors: tests/test_index.py checks
them against transformers' BertModel (cosine > 0.9999).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np


class MiniLM:
    """Encoder for sentence embeddings; ``encode(texts, batch_size)`` -> float32 (n, 384)."""

    def __init__(self, path: str | Path, max_seq_length: int = 256) -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        path = Path(path)
        cfg = json.loads((path / "config.json").read_text())
        self.hidden = int(cfg["hidden_size"])
        self.heads = int(cfg["num_attention_heads"])
        self.layers = int(cfg["num_hidden_layers"])
        self.eps = float(cfg["layer_norm_eps"])
        self.max_len = min(max_seq_length, int(cfg["max_position_embeddings"]))
        w = load_file(str(path / "model.safetensors"))
        # Checkpoints name the weights with or without a "bert." prefix.
        self.w: dict[str, Any] = {k.removeprefix("bert."): v.float() for k, v in w.items()}
        tok = Tokenizer.from_file(str(path / "tokenizer.json"))
        tok.enable_truncation(max_length=self.max_len)
        tok.enable_padding(pad_id=int(cfg.get("pad_token_id", 0)), pad_token="[PAD]")
        self.tokenizer = tok
        self._torch = torch

    def _layer_norm(self, x: Any, name: str) -> Any:
        return self._torch.nn.functional.layer_norm(
            x, (self.hidden,), self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def _linear(self, x: Any, name: str) -> Any:
        return self._torch.nn.functional.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def forward(self, ids: Any, mask: Any, types: Any) -> Any:
        torch, w = self._torch, self.w
        n, t = ids.shape
        pos = torch.arange(t).unsqueeze(0).expand(n, t)
        x = (w["embeddings.word_embeddings.weight"][ids]
             + w["embeddings.position_embeddings.weight"][pos]
             + w["embeddings.token_type_embeddings.weight"][types])
        x = self._layer_norm(x, "embeddings.LayerNorm")
        # Padding is masked out of attention with a large negative bias, as the original BERT
        # does (-10000): finite in every precision (finfo.min overflowed to NaN under bfloat16).
        bias = (1.0 - mask[:, None, None, :].float()) * -10000.0
        d = self.hidden // self.heads
        for i in range(self.layers):
            p = f"encoder.layer.{i}"

            def split(y: Any) -> Any:
                return y.view(n, t, self.heads, d).transpose(1, 2)

            q = split(self._linear(x, f"{p}.attention.self.query"))
            k = split(self._linear(x, f"{p}.attention.self.key"))
            v = split(self._linear(x, f"{p}.attention.self.value"))
            scores = (q @ k.transpose(-1, -2)).float() / math.sqrt(d) + bias
            ctx = (scores.softmax(-1).to(v.dtype) @ v).transpose(1, 2).reshape(n, t, self.hidden)
            x = self._layer_norm(x + self._linear(ctx, f"{p}.attention.output.dense"),
                                 f"{p}.attention.output.LayerNorm")
            h = torch.nn.functional.gelu(self._linear(x, f"{p}.intermediate.dense"))
            x = self._layer_norm(x + self._linear(h, f"{p}.output.dense"), f"{p}.output.LayerNorm")
        return x

    def encode(self, texts: list[str], batch_size: int) -> np.ndarray:
        torch = self._torch
        out = []
        with torch.inference_mode():
            for i in range(0, len(texts), batch_size):
                enc = self.tokenizer.encode_batch(texts[i:i + batch_size])
                ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
                mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
                types = torch.tensor([e.type_ids for e in enc], dtype=torch.long)
                hidden = self.forward(ids, mask, types)
                m = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * m).sum(1) / m.sum(1).clamp(min=1e-9)
                out.append(torch.nn.functional.normalize(pooled.float(), p=2, dim=1).numpy())
        return np.concatenate(out) if out else np.zeros((0, self.hidden), dtype=np.float32)

