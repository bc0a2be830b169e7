"""Robust z-scores: how far a value lies from the document's median, in units of the
median absolute deviation (scaled by 1.4826 to match a standard deviation for normal
data). Used for length-ratio outliers (BI007) and low cross-lingual similarity (BI008)."""

from __future__ import annotations

import statistics
from typing import Sequence

MAD_SCALE = 1.4826


def robust_z_scores(values: Sequence[float], min_spread: float = 1e-6) -> list[float]:
    """(value - median) / (1.4826 * MAD) for each value; all zeros for fewer than 3 values.
    `min_spread` floors the MAD so that a document of near-identical values does not
    turn a tiny difference into a huge score."""
    if len(values) < 3:
        return [0.0] * len(values)
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    spread = max(MAD_SCALE * mad, min_spread)
    return [(v - median) / spread for v in values]


def low_outliers(values: Sequence[float], threshold: float, min_count: int, min_spread: float = 1e-6) -> list[int]:
    """Indices of values whose robust z-score is below -threshold, or none when the
    document has fewer than `min_count` values (too few to know its norm)."""
    if len(values) < min_count:
        return []
    return [i for i, z in enumerate(robust_z_scores(values, min_spread)) if z < -threshold]
