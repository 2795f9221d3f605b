"""Part 04, gradient descent: the checks, beside their reference solutions."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from nodewise.exercises import (
    NOT_ATTEMPTED,
    Feedback,
    all_close,
    call,
    close,
    correct,
    incorrect,
    not_attempted,
)
from nodewise.exercises.part02 import forward_pass, same_matrix
from nodewise.exercises.part03 import backward_pass, check_backward_pass
from nodewise.network import Network, Parameters

Samples = list[tuple[list[float], list[float]]]

XOR = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
"""The four samples of XOR: the target is 1 when exactly one input is 1."""


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


def gradient_descent(
    parameters: Parameters, samples: Samples, learning_rate: float, steps: int
) -> Parameters:
    """Full-batch gradient descent in plain Python, with part 03's backward_pass.

    Each step: every sample's gradients, then w -= learning_rate * (their mean) for every
    weight and bias; this is what net.step does after forward and backward on every sample.
    """
    for _ in range(steps):
        per_sample = [backward_pass(parameters, x, t) for x, t in samples]
        scale = learning_rate / len(samples)
        parameters = [
            (
                [
                    [w - scale * sum(g[layer][0][j][i] for g in per_sample) for i, w in enumerate(row)]
                    for j, row in enumerate(weights)
                ],
                [b - scale * sum(g[layer][1][j] for g in per_sample) for j, b in enumerate(biases)],
            )
            for layer, (weights, biases) in enumerate(parameters)
        ]
    return parameters


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


def _network_descent(start: Parameters, samples: Samples, learning_rate: float, steps: int) -> Parameters:
    """The parameters after ``steps`` full-batch steps of a relu/identity Network: the truth to check by."""
    net = Network([len(start[0][0][0]), *(len(biases) for _, biases in start)], "relu", "identity")
    net.set_parameters(start)
    for _ in range(steps):
        for x, t in samples:
            net.forward(x)
            net.backward(t)
        net.step(learning_rate)
    return net.parameters()


def _same_parameters(parameters: object, expected: Parameters) -> bool:
    """True if ``parameters`` is [(W, b), ...] with every number close to ``expected``."""
    try:
        pairs = list(zip(parameters, expected, strict=True))
        return all(same_matrix(w, e_w) and all_close(b, e_b) for (w, b), (e_w, e_b) in pairs)
    except (TypeError, ValueError):
        return False


def check_gradient_descent(
    function: Callable[[Parameters, Samples, float, int], Parameters],
    backward: Callable[[Parameters, list[float], list[float]], Parameters],
) -> Feedback:
    """``function(parameters, samples, learning_rate, steps)``, built on the learner's ``backward``,
    must move the parameters as a relu/identity Network does with one step per pass over the samples.
    """
    backward_feedback = check_backward_pass(backward)
    if backward_feedback.status == NOT_ATTEMPTED:
        return not_attempted(
            "copy your backward_pass from part 03 into the cell, then write gradient_descent"
        )
    if not backward_feedback.correct:
        return Feedback(backward_feedback.status, f"Your backward_pass first. {backward_feedback.message}")
    samples, _ = _check_samples()
    start = Network([2, 3, 1], activation="relu", output="identity", seed=4).parameters()
    copies = [(x[:], t[:]) for x, t in samples]
    result, feedback = call(function, [([row[:] for row in w], b[:]) for w, b in start], copies, 0.1, 3)
    if feedback:
        return feedback
    if _same_parameters(result, _network_descent(start, samples, 0.1, 3)):
        return _train_xor(function)
    per_sample = start
    for _ in range(3):
        for sample in samples:
            per_sample = gradient_descent(per_sample, [sample], 0.1, 1)
    mistakes = [
        (start, "the parameters have not moved: return the parameters after the steps"),
        (
            gradient_descent(start, samples, 0.1 * len(samples), 3),
            "step by the mean of the samples' gradients: divide their sum by the number of samples",
        ),
        (per_sample, "you stepped after every sample; add up all the samples' gradients, then take one step"),
        (gradient_descent(start, samples, -0.1, 3), "step against the gradient: w - learning_rate * mean"),
        (gradient_descent(start, samples, 0.1, 2), "take exactly `steps` steps (you took one fewer)"),
        (gradient_descent(start, samples, 0.1, 4), "take exactly `steps` steps (you took one more)"),
    ]
    hint = next((hint for expected, hint in mistakes if _same_parameters(result, expected)), None)
    return incorrect(
        hint
        or "after 3 steps the parameters differ from the network's: each step, call backward_pass on every "
        "sample, then move each weight and bias by -learning_rate * (its summed gradient / number of samples)"
    )


def _train_xor(function: Callable[[Parameters, Samples, float, int], Parameters]) -> Feedback:
    """The learner's functions, and nothing else, trained on XOR: report the predictions."""
    start = Network([2, 8, 1], activation="relu", output="identity", seed=0).parameters()
    trained, feedback = call(function, start, XOR, 0.2, 300)
    if feedback:
        return feedback
    predictions = ", ".join(f"{forward_pass(trained, x)[0]:.2f}" for x, _ in XOR)
    return correct(
        f"Correct! With only your own functions, 300 steps trained a [2, 8, 1] relu network on XOR: "
        f"for (0, 0), (0, 1), (1, 0), (1, 1) it now answers {predictions}."
    )
