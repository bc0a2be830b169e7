"""Faster embedding backends, chosen with ``--backend`` (CheckOptions.backend).

- ``torch-bf16``: the sentence-transformers model with bfloat16 weights, on CPUs with
  native bf16 (AVX512-BF16 or AMX) or on CUDA; elsewhere a clear error says to use
  ``--backend torch``. Vectors are re-normalised in float32.
- ``onnx-int8``: the model's transformer exported once with ``torch.onnx.export`` and
  quantised with ONNX Runtime's ``quantize_dynamic``: int8 per-channel weights for the
  query, key and value projections; the other matrix products stay float32, because
  int8 there moves sense-gate probabilities enough to flip decisions on the dev set (see
  quantize_onnx and bench/backends.py). Each text runs alone (see OnnxInt8Backend._run),
  so its vector never depends on the other texts. The quantised model is cached on disk
  under ``$MTCHECK_CACHE_DIR/onnx`` (keyed by the model's fingerprint and the export
  recipe); later runs need only onnxruntime, tokenizers and numpy, not torch. Needs
  ``pip install 'mtcheck[onnx]'`` (onnxruntime, onnx).

Both give the encoder's Backend interface: ``encode(texts)`` (unit-length float32
rows) and ``encode_spans(spans)`` (token vectors per view), mean pooling as the model's
Pooling module does. Importing this module registers them (mtcheck.embeddings.encoder
imports it on the first request of a backend it does not know). Accuracy against
float32 and speed are measured by bench/backends.py and tests/test_backends.py.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Sequence

from ..errors import ModelError
from .encoder import SPAN_VIEWS, Span, TorchBackend, cache_dir, register_backend
from .model import ModelSpec, load_sentence_transformer
from .threads import thread_limit

ONNX_FORMAT = 2  # bump when the export or quantisation recipe changes
ONNX_OPSET = 17
_LAYERS = tuple(sorted({layer for view in SPAN_VIEWS for layer in view}))  # hidden layers the views need


# ---------------------------------------------------------------- torch bf16


def cpu_supports_bf16() -> bool:
    """Does this CPU run bfloat16 matrix products natively (oneDNN: AVX512-BF16 or AMX)?"""
    import torch

    try:
        return bool(torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):
        return False


class TorchBF16Backend(TorchBackend):
    """sentence-transformers with bfloat16 weights (CPU with native bf16, or CUDA).

    Casting the weights once is several times faster on CPU than autocast, which casts
    them again in every operation.
    """

    name = "torch-bf16"

    def __init__(self, spec: ModelSpec):
        import torch

        if not torch.cuda.is_available() and not cpu_supports_bf16():
            raise ModelError(
                "this CPU has no native bfloat16 support (AVX512-BF16 or AMX)",
                hint="use --backend torch, or --backend onnx-int8 for a faster CPU backend",
            )
        super().__init__(spec)
        self.model.to(torch.bfloat16)
        # encode() pools in bfloat16 and the span runs pool in float32: the two would give
        # one text two different vectors, so sentences are always embedded by encode().
        self.pools_texts = False

    def encode(self, texts: Sequence[str]):
        import numpy as np

        vectors = np.asarray(super().encode(texts), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


# ---------------------------------------------------------------- ONNX Runtime int8


def onnx_model_path(spec: ModelSpec, folder: Path | None = None) -> Path:
    """Where the quantised model for `spec` is cached."""
    return (folder or cache_dir()) / "onnx" / f"{spec.fingerprint}-int8-f{ONNX_FORMAT}.onnx"


def _require_onnxruntime():
    try:
        import onnxruntime
    except ImportError:
        raise ModelError("the onnx-int8 backend needs onnxruntime", hint="pip install 'mtcheck[onnx]', or use --backend torch") from None
    return onnxruntime


@contextmanager
def _quiet():
    """Exporters and quantisers warn at length about tracing and pre-processing: not the user's business."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        root.setLevel(level)


def export_onnx(spec: ModelSpec, path: Path) -> Path:
    """Export the model's transformer (float32) to `path`, returning the hidden layers the span views need."""
    import torch

    model = load_sentence_transformer(spec, device="cpu")
    transformer = model[0].auto_model.eval()

    class HiddenLayers(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids,
                                output_hidden_states=True).hidden_states
            return tuple(hidden[layer] for layer in _LAYERS)

    sample = model.tokenizer(["An example sentence for the export.", "Another one"], padding=True, return_tensors="pt")
    inputs = ("input_ids", "attention_mask", "token_type_ids")
    outputs = tuple(f"hidden{layer}" for layer in _LAYERS)
    with _quiet(), torch.inference_mode():
        torch.onnx.export(
            HiddenLayers(transformer), tuple(sample[name] for name in inputs), str(path),
            input_names=list(inputs), output_names=list(outputs),
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in inputs + outputs},
            opset_version=ONNX_OPSET, dynamo=False,
        )
    return path


def _stays_float(name: str) -> bool:
    """The feed-forward layers and the attention output projection (".../output/dense")."""
    return "intermediate/dense" in name or "output/dense" in name


def quantize_onnx(source: Path, target: Path) -> Path:
    """Dynamic int8 quantisation of the query, key and value projections (per-channel
    weights); the other matrix products stay float32. Measured on the sense dev set
    (bench/backends.py): int8 in the feed-forward layers moved gate probabilities by up
    to 0.2; with the attention output projection in int8 too, 2 of 515 decisions still
    differed from float32 (probabilities moved by up to 0.08); with Q/K/V only, none
    differ, at about 7% less speed."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = onnx.load(str(source), load_external_data=False).graph
    keep_float = [node.name for node in graph.node if node.op_type == "MatMul" and _stays_float(node.name)]
    with _quiet():
        quantize_dynamic(str(source), str(target), weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=["MatMul"], nodes_to_exclude=keep_float)
    return target


def ensure_onnx_int8(spec: ModelSpec, folder: Path | None = None) -> Path:
    """The cached int8 model for `spec`, exported and quantised first when missing (atomically)."""
    path = onnx_model_path(spec, folder)
    if path.is_file():
        return path
    _require_onnxruntime()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=path.parent, prefix=".export-") as scratch:
            exported = export_onnx(spec, Path(scratch) / "model.onnx")
            quantized = quantize_onnx(exported, Path(scratch) / "model.int8.onnx")
            os.replace(quantized, path)
    except ModelError:
        raise
    except ImportError as exc:
        raise ModelError(f"exporting the model to ONNX needs {exc.name or 'onnx'}", hint="pip install 'mtcheck[onnx]'") from None
    except Exception as exc:  # an export failure is the model's or the environment's, not the user's input
        reason = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot export {spec.name!r} to ONNX: {reason}", where=spec.path, hint="use --backend torch") from None
    return path


def _max_length(spec: ModelSpec) -> int:
    try:
        return int(json.loads((Path(spec.path) / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError):
        return 256


class OnnxInt8Backend:
    """The int8 ONNX model under ONNX Runtime, with the model's own fast tokenizer."""

    name = "onnx-int8"
    cache_tag = f"onnx-int8-f{ONNX_FORMAT}"  # exemplar vectors cached by a gate (see gate._prepare)
    supports_spans = True
    pools_texts = True  # encode() pools the same single-text run that encode_spans() makes

    def __init__(self, spec: ModelSpec, folder: Path | None = None):
        ort = _require_onnxruntime()
        from tokenizers import Tokenizer

        self.spec = spec
        tokenizer_file = Path(spec.path) / "tokenizer.json"
        if not tokenizer_file.is_file():
            raise ModelError("the onnx-int8 backend needs the model's tokenizer.json", where=spec.path, hint="use --backend torch")
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self.tokenizer.enable_truncation(_max_length(spec))
        self.tokenizer.enable_padding(pad_id=self.tokenizer.token_to_id("[PAD]") or 0, pad_token="[PAD]")
        self.path = ensure_onnx_int8(spec, folder)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        options.enable_mem_pattern = False  # every text has another length
        if thread_limit() is not None:
            options.intra_op_num_threads = thread_limit()
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        except Exception:  # a damaged cache file: export again once
            self.path.unlink(missing_ok=True)
            self.path = ensure_onnx_int8(spec, folder)
            self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self._inputs = {node.name for node in self.session.get_inputs()}

    def _run(self, texts: Sequence[str]):
        """Token ids, attention mask, offsets and {layer: hidden states} for one batch.

        The callers pass one text at a time: dynamic quantisation scales activations per
        tensor, i.e. over the whole batch, so a text's vector would depend on the texts
        batched with it (cosine about 0.9985 between alone and batched, enough to flip
        sense-gate decisions near the threshold). Alone, a text always gets the same
        vector, at about two thirds of the batched speed."""
        import numpy as np

        encodings = self.tokenizer.encode_batch(list(texts))
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self.session.run(None, {name: value for name, value in feed.items() if name in self._inputs})
        offsets = np.array([e.offsets for e in encodings], dtype=np.int64).reshape(len(encodings), ids.shape[1], 2)
        return mask, offsets, dict(zip(_LAYERS, hidden))

    def encode(self, texts: Sequence[str]):
        """Mean pooling over the attention mask, then L2 normalisation (the model's own head)."""
        import numpy as np

        out = None
        for index, text in enumerate(texts):  # one text per run: see _run
            pooled = _sentence_vector(self._run([text]))
            out = np.empty((len(texts), pooled.shape[0]), dtype=np.float32) if out is None else out
            out[index] = pooled
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)

    def encode_spans(self, spans: Sequence[Span]):
        """Per view, the mean of the tokens overlapping text[start:end] (the whole text when
        truncation cut the span off), L2-normalised: as TorchBackend.encode_spans."""
        return self._span_runs(spans, with_texts=False)[0]

    def encode_spans_and_texts(self, spans: Sequence[Span]):
        """encode_spans(spans), and {text: encode([text])[0]} for the spans' texts, from the
        same runs (bit for bit: each text runs alone either way)."""
        return self._span_runs(spans, with_texts=True)

    def _span_runs(self, spans: Sequence[Span], with_texts: bool):
        import numpy as np

        out = None
        sentences = {}
        last_text, last_run = None, None
        for index, (text, start, end) in enumerate(spans):  # one text per run: see _run
            if text != last_text:  # consecutive spans of one text (the hits of a segment) share its run
                last_text, last_run = text, self._run([text])
                if with_texts and text not in sentences:
                    sentences[text] = _sentence_vector(last_run)
            mask, offsets, hidden = last_run
            starts = np.array([[start]])
            ends = np.array([[end]])
            inside = (offsets[:, :, 0] < ends) & (offsets[:, :, 1] > starts) & (offsets[:, :, 1] > offsets[:, :, 0])
            inside = np.where(inside.any(axis=1, keepdims=True), inside, mask.astype(bool)).astype(np.float32)
            views = [np.mean([hidden[layer] for layer in view], axis=0) for view in SPAN_VIEWS]
            pooled = np.stack([_mean_pool(view, inside) for view in views], axis=1)
            out = np.empty((len(spans), *pooled.shape[1:]), dtype=np.float32) if out is None else out
            out[index] = pooled[0]
        return (out if out is not None else np.zeros((0, len(SPAN_VIEWS), 0), dtype=np.float32)), sentences


def _sentence_vector(run):
    """The sentence vector of a one-text run of OnnxInt8Backend._run: the last layer's mean
    over the attention mask, L2-normalised (the model's own head)."""
    import numpy as np

    mask, _, hidden = run
    return _mean_pool(hidden[-1], mask.astype(np.float32))[0]


def _mean_pool(hidden, weights):
    """Weighted mean over tokens of (batch, tokens, dim) states, L2-normalised per row."""
    import numpy as np

    pooled = (hidden * weights[:, :, None]).sum(axis=1) / np.maximum(weights.sum(axis=1, keepdims=True), 1e-9)
    return (pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)).astype(np.float32)


register_backend("torch-bf16", TorchBF16Backend)
register_backend("onnx-int8", OnnxInt8Backend)
