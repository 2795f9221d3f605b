"""The three output/loss pairings, and why each makes the output error y - t.

Every output kind is paired with the loss whose gradient cancels the output
nonlinearity's derivative, so that the error signal at an output neuron's weighted sum
z is simply ``y - t`` (prediction minus target):

``identity`` with squared error
    L = 1/2 sum (y - t)^2,  y = z.  dL/dz = (y - t) * 1 = y - t.

``sigmoid`` with binary cross-entropy
    L = -sum [t log y + (1 - t) log(1 - y)],  y = sigmoid(z).
    dL/dy = (y - t) / (y (1 - y)) and dy/dz = y (1 - y), so dL/dz = y - t.

``softmax`` with cross-entropy
    L = -sum_k t_k log y_k,  y_k = e^{z_k} / sum_j e^{z_j}, targets summing to 1.
    dL/dz_k = sum_j t_j (y_k - [j = k]) = y_k - t_k.

The losses below are computed from the weighted sums z (not from y) so that they stay
finite even when a prediction rounds to exactly 0 or 1.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

OUTPUTS = ("identity", "sigmoid", "softmax")
"""The output kinds; each is paired with one loss."""

LOSS_NAMES = {
    "identity": "squared error",
    "sigmoid": "binary cross-entropy",
    "softmax": "cross-entropy",
}


def squared_error(weighted_sums: Sequence[float], targets: Sequence[float]) -> float:
    """L = 1/2 sum_k (z_k - t_k)^2, the loss paired with identity outputs (y = z)."""
    differences = [z - t for z, t in zip(weighted_sums, targets, strict=True)]
    return 0.5 * sum(d * d for d in differences)  # d * d is inf for a huge d, where d ** 2 raises


def binary_cross_entropy(weighted_sums: Sequence[float], targets: Sequence[float]) -> float:
    """L = -sum_k [t log y + (1 - t) log(1 - y)] with y = sigmoid(z).

    Written in z as max(z, 0) - t z + log(1 + e^-|z|), which is the same number but
    never takes the log of zero.
    """
    return sum(
        max(z, 0.0) - t * z + math.log1p(math.exp(-abs(z)))
        for z, t in zip(weighted_sums, targets, strict=True)
    )


def log_sum_exp(values: Sequence[float]) -> float:
    """log sum_j e^{v_j}, shifted by the maximum so that no exponential overflows."""
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


def cross_entropy(weighted_sums: Sequence[float], targets: Sequence[float]) -> float:
    """L = -sum_k t_k log y_k with y = softmax(z), using log y_k = z_k - log sum_j e^{z_j}."""
    normalizer = log_sum_exp(weighted_sums)
    return -sum(t * (z - normalizer) for z, t in zip(weighted_sums, targets, strict=True))


LOSSES = {
    "identity": squared_error,
    "sigmoid": binary_cross_entropy,
    "softmax": cross_entropy,
}
