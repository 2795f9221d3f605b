"""How good is a network? Accuracy, losses, the confusion matrix, precision, recall and F1.

Every function takes the truth first and the prediction second, as scikit-learn does:
``accuracy(true_labels, predicted_labels)``. Class labels are integers 0, 1, 2, ...;
regression targets and predictions are numbers (or equal-length lists of numbers).

Accuracy, precision, recall and F1 count right and wrong *classes*: they only mean
something for classification. For regression, where a prediction is a number that is
never exactly right, use :func:`mean_squared_error`.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

PROBABILITY_FLOOR = sys.float_info.epsilon
"""Probabilities are clipped to [floor, 1 - floor] before their log is taken, as in
scikit-learn, so that one confident mistake costs a large but finite loss (about 36)."""


def _check_lengths(truth: Sequence, prediction: Sequence, what: str) -> int:
    if len(truth) != len(prediction):
        raise ValueError(
            f"{what}: {len(truth)} true values but {len(prediction)} predictions; "
            "pass one prediction per sample"
        )
    if len(truth) == 0:
        raise ValueError(f"{what} of no samples is undefined: pass at least one sample")
    return len(truth)


def argmax(values: Sequence[float]) -> int:
    """The index of the largest value (the first one, on a tie): the predicted class of a softmax."""
    return max(range(len(values)), key=values.__getitem__)


def accuracy(true_labels: Sequence[int], predicted_labels: Sequence[int]) -> float:
    """The fraction of samples whose predicted class is the true class: (number right) / n."""
    n = _check_lengths(true_labels, predicted_labels, "accuracy")
    return sum(t == p for t, p in zip(true_labels, predicted_labels)) / n


def _as_vector(value: float | Sequence[float]) -> Sequence[float]:
    return value if isinstance(value, Sequence) else (value,)


def _sum_of_squares(targets: Sequence, predictions: Sequence) -> tuple[float, int]:
    """sum_i sum_k (y_ik - t_ik)^2, and how many terms it added."""
    total, count = 0.0, 0
    for target, prediction in zip(targets, predictions):
        t, y = _as_vector(target), _as_vector(prediction)
        total += sum((yk - tk) * (yk - tk) for yk, tk in zip(y, t, strict=True))
        count += len(t)
    return total, count


def mean_squared_error(
    targets: Sequence[float] | Sequence[Sequence[float]],
    predictions: Sequence[float] | Sequence[Sequence[float]],
) -> float:
    """MSE = 1/(n K) sum_i sum_k (y_ik - t_ik)^2: the average squared miss, over samples and outputs.

    Targets and predictions are numbers, or lists of K numbers per sample.
    """
    _check_lengths(targets, predictions, "mean_squared_error")
    total, count = _sum_of_squares(targets, predictions)
    return total / count


def _clipped_log(probability: float) -> float:
    return math.log(min(max(probability, PROBABILITY_FLOOR), 1.0 - PROBABILITY_FLOOR))


def cross_entropy(
    targets: Sequence[int] | Sequence[Sequence[float]],
    probabilities: Sequence[Sequence[float]],
) -> float:
    """The mean over samples of -sum_k t_k log p_k, the loss of a softmax output.

    A target is a class label c (then the sum is just -log p_c: the surprise at the true
    class) or a list of target probabilities t_k, such as a one-hot list.
    """
    n = _check_lengths(targets, probabilities, "cross_entropy")
    total = 0.0
    for target, p in zip(targets, probabilities):
        if isinstance(target, Sequence):
            total -= sum(tk * _clipped_log(pk) for tk, pk in zip(target, p, strict=True) if tk)
        else:
            total -= _clipped_log(p[target])
    return total / n


def binary_cross_entropy(
    targets: Sequence[float] | Sequence[Sequence[float]],
    probabilities: Sequence[float] | Sequence[Sequence[float]],
) -> float:
    """The mean over samples of -sum_k [t_k log p_k + (1 - t_k) log(1 - p_k)], the loss of sigmoid outputs.

    For one output, p is the probability of class 1 and t is 0 or 1 (or in between).
    """
    n = _check_lengths(targets, probabilities, "binary_cross_entropy")
    total = 0.0
    for target, probability in zip(targets, probabilities):
        for t, p in zip(_as_vector(target), _as_vector(probability), strict=True):
            total -= t * _clipped_log(p) + (1.0 - t) * _clipped_log(1.0 - p)
    return total / n


def half_squared_error(targets: Sequence[Sequence[float]], predictions: Sequence[Sequence[float]]) -> float:
    """The mean over samples of 1/2 sum_k (y_k - t_k)^2, the loss an identity output minimizes.

    For K outputs it is K/2 times the MSE; the 1/2 makes its gradient exactly y - t.
    """
    n = _check_lengths(targets, predictions, "half_squared_error")
    total, _ = _sum_of_squares(targets, predictions)
    return 0.5 * total / n


def loss(output: str, targets: Sequence[Sequence[float]], outputs: Sequence[Sequence[float]]) -> float:
    """The mean loss a network with this ``output`` kind minimizes, computed from its outputs y.

    identity: half squared error; sigmoid: binary cross-entropy; softmax: cross-entropy
    (the pairings of :mod:`nodewise.losses`).
    """
    functions = {"identity": half_squared_error, "sigmoid": binary_cross_entropy, "softmax": cross_entropy}
    if output not in functions:
        raise ValueError(f"unknown output {output!r}: expected one of {', '.join(functions)}")
    return functions[output](targets, outputs)


def _classes(true_labels: Sequence[int], predicted_labels: Sequence[int], classes: int | None) -> int:
    largest = max(max(true_labels), max(predicted_labels)) + 1
    if classes is None:
        return largest
    if classes < largest:
        raise ValueError(
            f"a label is {largest - 1} but classes is {classes}: labels must be 0 to classes - 1"
        )
    return classes


def confusion_matrix(
    true_labels: Sequence[int], predicted_labels: Sequence[int], classes: int | None = None
) -> list[list[int]]:
    """C[i][j] = the number of samples of true class i predicted as class j.

    The diagonal counts the right answers; row i shows where class i went. ``classes``
    is the number of classes (by default, one more than the largest label seen).
    """
    _check_lengths(true_labels, predicted_labels, "confusion_matrix")
    size = _classes(true_labels, predicted_labels, classes)
    matrix = [[0] * size for _ in range(size)]
    for t, p in zip(true_labels, predicted_labels):
        matrix[t][p] += 1
    return matrix


def _ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, and 0 when nothing was counted (as scikit-learn's zero_division=0)."""
    return numerator / denominator if denominator else 0.0


def precision_recall_f1(
    true_labels: Sequence[int], predicted_labels: Sequence[int], classes: int | None = None
) -> tuple[list[float], list[float], list[float]]:
    """Per-class precision, recall and F1, read off the confusion matrix C.

    For class k: precision = C[k][k] / (column sum: everything predicted as k), "when it
    says k, how often is it right"; recall = C[k][k] / (row sum: every true k), "how many
    of the k's does it find"; F1 = 2 P R / (P + R), their harmonic mean. A ratio with
    nothing to count is 0.
    """
    matrix = confusion_matrix(true_labels, predicted_labels, classes)
    precision, recall, f1 = [], [], []
    for k, row in enumerate(matrix):
        hits = row[k]
        p = _ratio(hits, sum(other[k] for other in matrix))
        r = _ratio(hits, sum(row))
        precision.append(p)
        recall.append(r)
        f1.append(2.0 * p * r / (p + r) if p + r else 0.0)
    return precision, recall, f1
