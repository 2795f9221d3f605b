"""Exercises of part 08 (from nodes to matrices): the checks, beside their reference solutions.

Each exercise is a function of numpy arrays with one sample per row, as in
:mod:`nodewise.matrix`: A (samples x fan_in) holds a layer's incoming signals, W
(fan_out x fan_in) its weights, b (fan_out) its biases and E (samples x fan_out) the
error signals of its neurons. The checks use a batch of 5 samples through a layer of
4 inputs and 3 neurons: no two sizes are equal, so a product the wrong way round fails.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nodewise.exercises import Feedback, call, correct, incorrect

SAMPLES, FAN_IN, FAN_OUT = 5, 4, 3


def example_layer(seed: int = 8) -> dict[str, np.ndarray]:
    """A, W, b and E of the sizes above, drawn at random; A holds some zeros, as relu signals do."""
    rng = np.random.default_rng(seed)
    A = np.maximum(rng.normal(size=(SAMPLES, FAN_IN)), 0.0)
    return {
        "A": A,
        "W": rng.normal(size=(FAN_OUT, FAN_IN)),
        "b": rng.normal(size=FAN_OUT),
        "E": rng.normal(size=(SAMPLES, FAN_OUT)),
    }


def _check(
    function: Any,
    arguments: tuple[np.ndarray, ...],
    expected: np.ndarray,
    mistakes: list[tuple[Callable[[], np.ndarray], str]],
    shape_hint: str,
    praise: str,
) -> Feedback:
    """Call the learner's function; compare with ``expected``, then with each typical mistake."""
    result, feedback = call(function, *arguments)
    if feedback is not None:
        if "raised ValueError" in feedback.message and "matmul" in feedback.message:
            return incorrect(f"the shapes do not fit a matrix product: {shape_hint}")
        return feedback
    try:
        answer = np.asarray(result, dtype=float)
    except (TypeError, ValueError):
        return incorrect("return a numpy array of numbers")
    if answer.shape != expected.shape:
        return incorrect(f"your result has shape {answer.shape}, expected {expected.shape}: {shape_hint}")
    if np.allclose(answer, expected, rtol=1e-9, atol=1e-12):
        return correct(praise)
    for mistake, hint in mistakes:
        if np.allclose(answer, mistake(), rtol=1e-9, atol=1e-12):
            return incorrect(hint)
    return incorrect(f"compare one entry with the node rule, by hand. {shape_hint}")


# --- 1. a layer's forward sweep ----------------------------------------------------------------


def weighted_sums_solution(A: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Z = A W^T + b: Z[s][j] = b_j + sum_i A[s][i] W[j][i], for every sample s and neuron j at once."""
    return A @ W.T + b


def check_weighted_sums(function: Any) -> Feedback:
    """``weighted_sums(A, W, b)`` must return Z, one row per sample and one column per neuron."""
    layer = example_layer()
    A, W, b = layer["A"], layer["W"], layer["b"]
    return _check(
        function,
        (A, W, b),
        weighted_sums_solution(A, W, b),
        [(lambda: A @ W.T, "the bias is missing: every neuron adds its b_j to its weighted sum")],
        "Z has one row per sample and one column per neuron, (samples, fan_out); W is (fan_out, fan_in)",
        "Correct: one matrix product computes every weighted sum of every sample: Z = A W^T + b.",
    )


# --- 2. the error signals one layer down ----------------------------------------------------------


def errors_below_solution(E: np.ndarray, W: np.ndarray, A: np.ndarray) -> np.ndarray:
    """E_below = (E W) * relu'(z): the errors sent back along the weights, times each relu's slope.

    A relu's slope is 1 where it passed its input on (a > 0) and 0 where it was off.
    """
    return (E @ W) * (A > 0.0)


def check_errors_below(function: Any) -> Feedback:
    """``errors_below(E, W, A)``: the error signals of the relu layer whose signals A feed W."""
    layer = example_layer()
    E, W, A = layer["E"], layer["W"], layer["A"]
    return _check(
        function,
        (E, W, A),
        errors_below_solution(E, W, A),
        [
            (lambda: E @ W, "the nonlinear node's slope is missing: times relu'(z), 1 where A > 0, else 0"),
            (lambda: (E @ W) * A, "the slope of relu is 0 or 1 (where A > 0), not the signal A itself"),
        ],
        "the errors below have one column per unit below, (samples, fan_in): E is (samples, fan_out) "
        "and W is (fan_out, fan_in), so the product is E W (the transpose of forward's W^T)",
        "Correct: backward multiplies by the same W as forward, the other way round, then by the slope.",
    )


# --- 3. the weight gradients of a whole batch --------------------------------------------------------


def weight_gradient_solution(E: np.ndarray, A: np.ndarray) -> np.ndarray:
    """dW = E^T A: dW[j][i] = sum_s E[s][j] A[s][i], the node rule e_j a_i summed over the batch."""
    return E.T @ A


def check_weight_gradient(function: Any) -> Feedback:
    """``weight_gradient(E, A)`` must return dW, shaped like W: (fan_out, fan_in)."""
    layer = example_layer()
    E, A = layer["E"], layer["A"]
    return _check(
        function,
        (E, A),
        weight_gradient_solution(E, A),
        [(lambda: E.T @ A / SAMPLES, "that is the average; the engines add up the gradients (step divides)")],
        "dW has the shape of W, (fan_out, fan_in): one row per neuron (E's columns), one column per input",
        "Correct: one product adds every connection's e_j a_i over every sample of the batch: dW = E^T A.",
    )
