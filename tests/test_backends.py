"""Embedding backends: registration, clear errors, and (with the model) agreement with
float32 torch for sentence vectors, span vectors and sense-gate decisions."""

from __future__ import annotations

import builtins

import pytest

from mtcheck.errors import ModelError

# Written for these tests.
SENTENCES = [
    "Millet released a new smartphone with a larger battery this spring.",
    "The farmers harvested the millet early because the autumn was dry.",
    "Sales of the company's phones rose sharply in overseas markets.",
    "A bowl of millet porridge is a common breakfast in the north.",
    "x",
    "The report about the online and offline channels " * 12,
]
SPANS = [(SENTENCES[0], 0, 6), (SENTENCES[1], 28, 34), (SENTENCES[3], 10, 16), (SENTENCES[5], 500, 510)]


def test_importing_registers_the_backends():
    from mtcheck.embeddings import backends, encoder

    assert encoder._factory("torch-bf16") is backends.TorchBF16Backend
    assert encoder._factory("onnx-int8") is backends.OnnxInt8Backend


def test_unknown_backend_is_a_model_error():
    from mtcheck.embeddings import encoder

    with pytest.raises(ModelError, match="not available"):
        encoder._factory("tpu-int4")


def test_onnx_backend_without_onnxruntime(monkeypatch):
    from mtcheck.embeddings import backends

    real_import = builtins.__import__

    def no_onnxruntime(name, *args, **kwargs):
        if name.startswith("onnxruntime"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_onnxruntime)
    with pytest.raises(ModelError, match=r"pip install 'mtcheck\[onnx\]'"):
        backends._require_onnxruntime()


def test_bf16_on_a_cpu_without_bf16(monkeypatch):
    torch = pytest.importorskip("torch")
    from mtcheck.embeddings import backends
    from mtcheck.embeddings.model import ModelSpec

    monkeypatch.setattr(backends, "cpu_supports_bf16", lambda: False)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ModelError, match="--backend torch"):
        backends.TorchBF16Backend(ModelSpec("m", "/nonexistent", "0"))


def test_onnx_cache_path_is_keyed_by_model(tmp_path):
    from mtcheck.embeddings import backends
    from mtcheck.embeddings.model import ModelSpec

    first = backends.onnx_model_path(ModelSpec("a", "/a", "1111"), tmp_path)
    second = backends.onnx_model_path(ModelSpec("a", "/a", "2222"), tmp_path)
    assert first != second and first.parent == tmp_path / "onnx"


# ---------------------------------------------------------------- with the model


@pytest.fixture(scope="module")
def spec():
    from mtcheck.embeddings.model import resolve_model

    try:
        return resolve_model(None)
    except ModelError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="module")
def reference(spec):
    from mtcheck.embeddings.encoder import TorchBackend

    backend = TorchBackend(spec)
    return backend, backend.encode(SENTENCES), backend.encode_spans(SPANS)


@pytest.fixture(scope="module")
def onnx_folder(tmp_path_factory):
    pytest.importorskip("onnxruntime")
    pytest.importorskip("onnx")
    return tmp_path_factory.mktemp("onnx-cache")


def _agreement(backend, reference):
    import numpy as np

    _, sentences, spans = reference
    vectors, span_vectors = backend.encode(SENTENCES), backend.encode_spans(SPANS)
    assert vectors.dtype == np.float32 and vectors.shape == sentences.shape
    assert span_vectors.shape == spans.shape
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    return (vectors * sentences).sum(axis=1), (span_vectors * spans).sum(axis=-1)


@pytest.mark.model
def test_bf16_agrees_with_float32(spec, reference):
    from mtcheck.embeddings import backends

    if not backends.cpu_supports_bf16():
        pytest.skip("no native bf16 on this CPU")
    sentence_cosines, span_cosines = _agreement(backends.TorchBF16Backend(spec), reference)
    assert sentence_cosines.min() >= 0.99 and span_cosines.min() >= 0.98
    torch_backend = reference[0]
    assert next(torch_backend.model.parameters()).dtype.is_floating_point
    assert str(next(torch_backend.model.parameters()).dtype) == "torch.float32", "bf16 must not convert the float32 model"


@pytest.mark.model
def test_onnx_int8_agrees_with_float32_and_is_cached(spec, reference, onnx_folder):
    from mtcheck.embeddings import backends

    backend = backends.OnnxInt8Backend(spec, onnx_folder)
    assert backend.path == backends.onnx_model_path(spec, onnx_folder) and backend.path.is_file()
    sentence_cosines, span_cosines = _agreement(backend, reference)
    assert sentence_cosines.min() >= 0.98 and span_cosines.min() >= 0.98
    assert [p.name for p in backend.path.parent.iterdir() if p.name.startswith(".export-")] == []
    mtime = backend.path.stat().st_mtime_ns
    again = backends.OnnxInt8Backend(spec, onnx_folder)
    assert again.path.stat().st_mtime_ns == mtime, "the cached model is reused, not exported again"


@pytest.mark.model
def test_damaged_onnx_cache_is_rebuilt(spec, onnx_folder):
    from mtcheck.embeddings import backends

    path = backends.onnx_model_path(spec, onnx_folder)
    if not path.exists():
        backends.ensure_onnx_int8(spec, onnx_folder)
    path.write_bytes(b"not an onnx model")
    backend = backends.OnnxInt8Backend(spec, onnx_folder)
    assert backend.encode(["millet"]).shape[0] == 1 and path.stat().st_size > 1_000_000


@pytest.mark.model
def test_gate_decisions_match_torch(spec, onnx_folder, monkeypatch, tmp_path):
    """The same GL001 decisions for clear cases with every backend."""
    from mtcheck.api import check_text
    from mtcheck.embeddings import backends
    from mtcheck.options import CheckOptions

    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(onnx_folder))
    glossary = tmp_path / "terms.csv"
    glossary.write_text(
        "approved,wrong,intended_sense,literal_sense,domain\n"
        "Xiaomi,millet,Xiaomi released a new smartphone|Xiaomi shipped more handsets this quarter,"
        "millet is a cereal grain|farmers grow millet in dry fields,company\n",
        encoding="utf-8",
    )
    text = "\n".join([
        "Millet released a new smartphone with a larger battery this spring.",
        "The chairman of millet said the company shipped 20 million handsets, more than Huawei and Oppo.",
        "Millet technology opened its first store in Europe and sold phones and laptops.",
        "The farmers harvested the millet early because the autumn was dry.",
        "A bowl of millet porridge is a common breakfast in the north.",
    ])
    names = ["torch", "onnx-int8"] + (["torch-bf16"] if backends.cpu_supports_bf16() else [])
    flagged = {}
    for name in names:
        options = CheckOptions(glossaries=(str(glossary),), use_default_glossary=False, backend=name, select=("GL001",))
        flagged[name] = [(f.segment, f.start) for f in check_text(text, options).findings]
    assert [segment for segment, _ in flagged["torch"]] == ["1", "2", "3"], flagged  # the company, not the cereal
    assert all(value == flagged["torch"] for value in flagged.values()), flagged


@pytest.mark.model
def test_onnx_int8_vectors_do_not_depend_on_the_other_texts(spec, onnx_folder):
    """Dynamic int8 quantisation scales activations over a whole batch: each text runs
    alone, so its vector is the same whatever else is encoded with it."""
    import numpy as np

    from mtcheck.embeddings import backends

    backend = backends.OnnxInt8Backend(spec, onnx_folder)
    texts = ["Millet released a new phone with a bigger battery.", "Short.",
             "Farmers in the north grow millet and maize on dry hillsides, and this year's harvest was the best in a decade."]
    together = backend.encode(texts)
    alone = np.vstack([backend.encode([text]) for text in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(backend.encode(texts[::-1])[::-1], together)
    spans = [(text, 0, 6) for text in texts]
    assert np.array_equal(backend.encode_spans(spans), np.concatenate([backend.encode_spans([span]) for span in spans]))


@pytest.mark.model
def test_onnx_int8_checks_without_importing_torch(spec, onnx_folder):
    import subprocess
    import sys

    from mtcheck.embeddings import backends

    backends.ensure_onnx_int8(spec, onnx_folder)  # exported here, so the child only loads it
    code = (
        "import sys\n"
        "from mtcheck.api import check_text\n"
        "from mtcheck.options import CheckOptions\n"
        "result = check_text('Millet released a new smartphone with a larger battery.', CheckOptions(backend='onnx-int8'))\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                          env={**__import__("os").environ, "MTCHECK_CACHE_DIR": str(onnx_folder)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.model
def test_same_gate_decisions_on_the_sense_dev_set(spec, onnx_folder, monkeypatch):
    """bf16 and int8 flag the dev-set occurrences that float32 torch flags.

    Vectors differ by cosine 0.998-0.9999 between backends, so an occurrence whose
    probability lies right at the document model's threshold can flip (with the fitted
    document layer, two of 515 dev rows lie within 0.015 of it). The contract: at most
    1% of the rows differ, and every row that differs was flagged, by whichever backend
    flagged it, with a confidence within 0.02 of the threshold. bench/backends.py shows
    which rows and by how much.
    """
    import dataclasses
    import sys
    from pathlib import Path

    from mtcheck.embeddings import backends
    from mtcheck.options import CheckOptions

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    sense_data = pytest.importorskip("sense_data")
    monkeypatch.setenv("MTCHECK_CACHE_DIR", str(onnx_folder))
    rows = sense_data.load_rows(split="dev")
    glossary = sense_data.bench_glossary()
    options = CheckOptions(use_default_glossary=False, embed=True)
    names = ["torch", "onnx-int8"] + (["torch-bf16"] if backends.cpu_supports_bf16() else [])
    from mtcheck.discourse import load_document_model

    model = load_document_model()
    threshold = model.threshold if model else None
    findings = {name: sense_data.flagged(rows, dataclasses.replace(options, backend=name), glossary) for name in names}
    decisions = {name: {key: f is not None for key, f in found.items()} for name, found in findings.items()}
    assert sum(decisions["torch"].values()) > 10
    for name in names[1:]:
        differing = sorted(key for key, flag in decisions[name].items() if flag != decisions["torch"][key])
        assert len(differing) <= len(rows) // 100, f"{name} decides differently from torch on {differing}"
        for key in differing:
            flagged_by = findings[name][key] or findings["torch"][key]
            assert threshold is not None and flagged_by.confidence < threshold + 0.02, (
                f"{name} and torch disagree on {key} far from the threshold ({flagged_by.confidence:.3f} vs {threshold})")


SHARED_TEXT = "Millet and Huawei opened stores in Beijing, and farmers there grow millet."
SHARED_SPANS = [(SHARED_TEXT, 0, 6), ("A short line about millet.", 19, 25), (SHARED_TEXT, 11, 17), (SHARED_TEXT, 67, 73)]


@pytest.mark.model
def test_torch_spans_of_one_text_share_its_run_and_keep_their_vectors(reference, monkeypatch):
    """The hits of one segment share their window: the text runs through the model once,
    and every span gets the vector it gets alone."""
    import numpy as np

    backend = reference[0]
    alone = np.concatenate([backend.encode_spans([span]) for span in SHARED_SPANS])
    rows = []  # the texts of each forward pass
    transformer = backend.model[0].auto_model
    forward = transformer.forward
    monkeypatch.setattr(transformer, "forward", lambda **kw: rows.append(len(kw["input_ids"])) or forward(**kw))
    together = backend.encode_spans(SHARED_SPANS)
    assert sum(rows) == 2  # two distinct texts
    assert np.allclose(together, alone, atol=1e-5)
    assert not np.allclose(together[0], together[2], atol=1e-3)  # different spans of the text differ


@pytest.mark.model
def test_onnx_int8_spans_of_one_text_share_its_run(spec, onnx_folder, monkeypatch):
    import numpy as np

    from mtcheck.embeddings import backends

    backend = backends.OnnxInt8Backend(spec, onnx_folder)
    ordered = sorted(SHARED_SPANS)  # the spans of a text one after another
    alone = np.concatenate([backend.encode_spans([span]) for span in ordered])
    runs = []
    run = backend._run
    monkeypatch.setattr(backend, "_run", lambda texts: runs.extend(texts) or run(texts))
    assert np.array_equal(backend.encode_spans(ordered), alone)
    assert len(runs) == 2


# ---------------------------------------------------------------- sentence vectors from span runs


class _Module:
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


def _modules(*names_and_attributes):
    return [type(name, (_Module,), {})(**attributes) for name, attributes in names_and_attributes]


@pytest.mark.parametrize("modules, expected", [
    ((("Transformer", {}), ("Pooling", {"pooling_mode": "mean"}), ("Normalize", {})), True),
    ((("Transformer", {}), ("Pooling", {"pooling_mode": "mean"})), True),
    ((("Transformer", {}), ("Pooling", {"pooling_mode": "cls"}), ("Normalize", {})), False),
    ((("Transformer", {}), ("Pooling", {"pooling_mode": "mean"}), ("Dense", {}), ("Normalize", {})), False),
    ((("Transformer", {"do_lower_case": True}), ("Pooling", {"pooling_mode": "mean"})), False),
    ((("Transformer", {}), ("Pooling", {"pooling_mode": "mean", "include_prompt": False})), False),
    ((("Transformer", {}), ("Pooling", {"get_pooling_mode_str": lambda: "mean"})), True),
])
def test_only_a_plain_mean_pooled_model_pools_from_span_runs(modules, expected):
    from mtcheck.embeddings.encoder import mean_pooled

    assert mean_pooled(_modules(*modules)) is expected


def test_torch_sentence_vectors_from_span_runs_match_encode(reference):
    import numpy as np

    backend, sentences, spans = reference
    assert backend.pools_texts
    vectors, pooled = backend.encode_spans_and_texts(SPANS)
    assert np.array_equal(vectors, spans)
    assert set(pooled) == {text for text, _, _ in SPANS}
    for text, vector in pooled.items():
        assert vector.dtype == np.float32
        assert np.abs(vector - sentences[SENTENCES.index(text)]).max() < 1e-6  # float rounding only


def test_onnx_int8_sentence_vectors_from_span_runs_are_encodes(spec, onnx_folder):
    import numpy as np

    from mtcheck.embeddings import backends

    backend = backends.OnnxInt8Backend(spec, onnx_folder)
    vectors, pooled = backend.encode_spans_and_texts(SPANS)
    assert np.array_equal(vectors, backend.encode_spans(SPANS))
    texts = list(pooled)
    assert np.array_equal(np.stack([pooled[text] for text in texts]), backend.encode(texts))  # bit for bit


def test_bf16_does_not_pool_from_span_runs(spec):
    from mtcheck.embeddings import backends

    if not backends.cpu_supports_bf16():
        pytest.skip("this CPU has no native bfloat16")
    assert backends.TorchBF16Backend(spec).pools_texts is False
