"""Part 04, gradient descent: the checks, beside their reference solutions."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from nodewise.exercises import Feedback, all_close, call, close, correct, incorrect
from nodewise.network import Network

Samples = list[tuple[list[float], list[float]]]


# --- reference solutions ----------------------------------------------------------------


def updated_weight(weight: float, error_signal: float, signal: float, learning_rate: float) -> float:
    """One sample's step: w - rate * (error signal at the far end) * (signal at the near end)."""
    return weight - learning_rate * error_signal * signal


def averaged_step(weight: float, gradients: Sequence[float], learning_rate: float) -> float:
    """A mini-batch step: w - rate * (the mean of the samples' gradients)."""
    return weight - learning_rate * sum(gradients) / len(gradients)


def train_in_batches(
    net: Network, samples: Samples, batch_size: int, learning_rate: float, epochs: int
) -> list[float]:
    """Mini-batch gradient descent, and the mean loss over all samples after each epoch.

    In every epoch, go through the samples in order, forward and backward on each, and
    step after every ``batch_size`` samples and after the last one (a smaller last batch).
    """
    losses = []
    for _ in range(epochs):
        for count, (x, target) in enumerate(samples, start=1):
            net.forward(x)
            net.backward(target)
            if count % batch_size == 0 or count == len(samples):
                net.step(learning_rate)
        losses.append(sum(net.loss(x, target) for x, target in samples) / len(samples))
    return losses


# --- checks -----------------------------------------------------------------------------------


def check_updated_weight(function: Callable[[float, float, float, float], float]) -> Feedback:
    """``function(weight, error_signal, signal, learning_rate)`` must give the weight after one step."""
    for case in ((0.5, 0.2, 1.5, 0.1), (-1.0, -0.4, 0.25, 0.5), (2.0, 0.3, -2.0, 0.05)):
        result, feedback = call(function, *case)
        if feedback:
            return feedback
        weight, error, signal, rate = case
        if not close(result, updated_weight(*case)):
            if close(result, weight + rate * error * signal):
                return incorrect("step against the gradient: subtract rate * error_signal * signal")
            if close(result, -rate * error * signal):
                return incorrect("return the new weight: the old weight plus the (negative) change")
            return incorrect("the gradient of one weight is error_signal * signal; move by -rate times it")
    return correct("Correct! Each weight needs only the two numbers at its own ends.")


def check_averaged_step(function: Callable[[float, list[float], float], float]) -> Feedback:
    """``function(weight, gradients, learning_rate)`` must give the weight after a mini-batch step."""
    for case in ((0.5, [0.2, -0.1, 0.5, 0.2], 0.1), (-1.0, [1.0], 0.5), (0.0, [0.3, 0.9], 1.0)):
        weight, gradients, rate = case
        result, feedback = call(function, weight, list(gradients), rate)
        if feedback:
            return feedback
        if not close(result, averaged_step(*case)):
            if close(result, weight - rate * sum(gradients)):
                return incorrect("step by the mean gradient (divide the sum by the number of samples)")
            return incorrect("new weight = weight - rate * (sum of gradients / number of samples)")
    return correct("Correct! That is what net.step does after several forward/backward pairs.")


def _check_samples() -> tuple[Samples, Callable[[], Network]]:
    """Five samples of a small regression, and a maker of identical fresh networks."""
    rng = random.Random(3)
    samples = [([rng.uniform(-1, 1), rng.uniform(-1, 1)], [rng.uniform(-1, 1)]) for _ in range(5)]
    return samples, lambda: Network([2, 3, 1], activation="tanh", output="identity", seed=4)


def check_train_in_batches(function: Callable[[Network, Samples, int, float, int], list[float]]) -> Feedback:
    """``function(net, samples, batch_size, learning_rate, epochs)`` against the reference run."""
    samples, fresh = _check_samples()
    for batch_size in (2, 5, 1):
        net = fresh()
        result, feedback = call(function, net, [(x[:], t[:]) for x, t in samples], batch_size, 0.1, 3)
        if feedback:
            return feedback
        reference = fresh()
        expected = train_in_batches(reference, samples, batch_size, 0.1, 3)
        if not _same(net, reference):
            return incorrect(_batch_hint(net, samples, fresh, batch_size))
        if not all_close(result, expected):
            return incorrect(
                "the network trained correctly; return a list with the mean loss over all samples "
                "after each epoch"
            )
    return correct(
        "Correct! batch_size 1 steps after every sample, batch_size = len(samples) once per epoch."
    )


def _same(net: Network, other: Network) -> bool:
    """Parameters equal up to rounding (the order of additions may differ)."""
    flat = [v for w, b in net.parameters() for row in w + [b] for v in row]
    other_flat = [v for w, b in other.parameters() for row in w + [b] for v in row]
    return all(math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12) for a, b in zip(flat, other_flat))


def _batch_hint(net: Network, samples: Samples, fresh: Callable[[], Network], batch_size: int) -> str:
    """Name the batch size the learner's run matches, if it matches a common mistake."""
    for wrong, hint in (
        (1, "you stepped after every sample"),
        (len(samples), "you stepped once per epoch"),
    ):
        candidate = fresh()
        train_in_batches(candidate, samples, wrong, 0.1, 3)
        if wrong != batch_size and _same(net, candidate):
            return f"with batch_size {batch_size}, {hint}; step after every batch_size samples"
    return (
        f"with batch_size {batch_size} the weights differ from the reference: forward and backward each "
        "sample in order, call net.step(learning_rate) after every batch_size samples, and also after the "
        "last sample if it ends a smaller batch"
    )
