"""The fitted logistic regressions that turn signal values into a probability.

sense_gate_calibration.json (beside this module) is written by bench/fit_sense_gate.py
from the dev split of bench/data/sense-dev.tsv. It holds two combiners:
- "token": sentence and token-level signals plus the usage score (a linear projection
  of the hit's token vectors, fitted on the dev set). Used only with the model it was
  fitted with (same fingerprint), backends that provide span vectors, and entries of the
  glossary domains the dev set covers (its `domains`);
- "sentence": sentence-level signals only; used for everything else (with another model
  its probabilities are approximate: cosine scales differ between models).
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import asdict, dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Mapping

from ..errors import ModelError

CALIBRATION_FILE = Path(__file__).with_name("sense_gate_calibration.json")


@dataclass(frozen=True)
class Combiner:
    """A logistic regression over named, standardised signals."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    threshold: float  # report hits whose probability reaches this
    low: tuple[float, ...] = ()  # the range seen in fitting; values are clipped to it
    high: tuple[float, ...] = ()
    usage_weights: tuple[float, ...] = ()  # projection of signals.usage_input; empty when unused
    usage_bias: float = 0.0
    # One sense per discourse: (own, others, intercept) weights of the pooled log-odds of a
    # hit whose term occurs again in the document; empty: no pooling.
    discourse: tuple[float, ...] = ()
    domains: tuple[str, ...] = ()  # glossary domains of the entries it was fitted on; empty: any

    def covers(self, domain: str) -> bool:
        return not self.domains or domain in self.domains

    def __post_init__(self) -> None:
        sizes = {len(self.features), len(self.coefficients), len(self.mean), len(self.scale)}
        if len(sizes) != 1 or any(len(bound) not in (0, len(self.features)) for bound in (self.low, self.high)):
            raise ValueError("mismatched feature lists")
        if len(self.discourse) not in (0, 3):
            raise ValueError("discourse needs three weights")

    @property
    def uses_tokens(self) -> bool:
        return any(name.startswith(("token_", "name_")) for name in self.features) or bool(self.usage_weights)

    @cached_property
    def _usage_array(self):
        import numpy as np

        return np.asarray(self.usage_weights, dtype=np.float32)

    def usage_score(self, usage_input) -> float | None:
        """The projection of signals.usage_input; None when it is unavailable."""
        if usage_input is None or len(usage_input) != len(self.usage_weights):
            return None
        return float(self._usage_array @ usage_input + self.usage_bias)

    def contributions(self, values: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the log-odds (coefficient x standardised value); a
        missing feature counts as its mean (no evidence either way)."""
        low = self.low or (-math.inf,) * len(self.features)
        high = self.high or (math.inf,) * len(self.features)
        return {
            name: coef * (min(hi, max(lo, float(values.get(name, mu)))) - mu) / sd
            for name, coef, mu, sd, lo, hi in zip(self.features, self.coefficients, self.mean, self.scale, low, high)
        }

    def logit(self, values: Mapping[str, float]) -> float:
        return self.intercept + sum(self.contributions(values).values())

    def probability(self, values: Mapping[str, float]) -> float:
        return sigmoid(self.logit(values))

    def pooled_logit(self, own: float, others: float | None) -> float:
        """The log-odds of a hit given the mean log-odds of the same term's other hits in
        the document (None: no other hits)."""
        if others is None or not self.discourse:
            return own
        weight_own, weight_others, intercept = self.discourse
        return weight_own * clip_logit(own) + weight_others * clip_logit(others) + intercept


LOGIT_LIMIT = 8.0


def clip_logit(value: float) -> float:
    return max(-LOGIT_LIMIT, min(LOGIT_LIMIT, value))


def sigmoid(logit: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, logit))))


@dataclass(frozen=True)
class Calibration:
    model: str  # the model the combiners were fitted with
    fingerprint: str  # its ModelSpec.fingerprint
    sentence: Combiner
    token: Combiner | None = None
    info: Mapping[str, object] = field(default_factory=dict)  # how it was fitted: data, sizes, scores

    def token_usable(self, fingerprint: str, spans: bool) -> bool:
        """Can the token combiner be used with this model and backend at all?"""
        return self.token is not None and spans and fingerprint == self.fingerprint

    def to_json(self) -> str:
        data = asdict(self)
        data["info"] = dict(self.info)
        return json.dumps(data, indent=1, sort_keys=True) + "\n"


def _combiner(data: Mapping) -> Combiner:
    return Combiner(
        features=tuple(data["features"]),
        coefficients=tuple(float(v) for v in data["coefficients"]),
        intercept=float(data["intercept"]),
        mean=tuple(float(v) for v in data["mean"]),
        scale=tuple(float(v) or 1.0 for v in data["scale"]),
        threshold=float(data["threshold"]),
        low=tuple(float(v) for v in data.get("low", ())),
        high=tuple(float(v) for v in data.get("high", ())),
        usage_weights=tuple(float(v) for v in data.get("usage_weights", ())),
        usage_bias=float(data.get("usage_bias", 0.0)),
        discourse=tuple(float(v) for v in data.get("discourse", ())),
        domains=tuple(str(v) for v in data.get("domains", ())),
    )


def load_calibration(path: str | Path | None = None) -> Calibration:
    """The shipped calibration, or `path`, or the file named by $MTCHECK_SENSE_CALIBRATION
    (one refitted for another model with bench/fit_sense_gate.py --model ... --output ...)."""
    path = Path(path or os.environ.get("MTCHECK_SENSE_CALIBRATION") or CALIBRATION_FILE)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Calibration(
            model=str(data["model"]),
            fingerprint=str(data["fingerprint"]),
            sentence=_combiner(data["sentence"]),
            token=_combiner(data["token"]) if data.get("token") else None,
            info=data.get("info", {}),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ModelError(
            f"sense-gate calibration unreadable ({exc.__class__.__name__})", where=str(path),
            hint="reinstall mtcheck, refit it with bench/fit_sense_gate.py, or use --no-embed",
        ) from None
