"""Part 03, backpropagating error signals: the checks, beside their reference solutions."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from nodewise.activations import relu_derivative, sigmoid_derivative, tanh_derivative
from nodewise.exercises import Feedback, call, close, correct, incorrect

Function = Callable[[float], float]


# --- reference solutions ----------------------------------------------------------------


def mismatched_error_signal(y: float, t: float) -> float:
    """dL/dz for a sigmoid output with squared error: (y - t) * sigmoid'(z) = (y - t) * y * (1 - y)."""
    return (y - t) * y * (1.0 - y)


def hidden_error_signal(
    z: float, weights: Sequence[float], errors_above: Sequence[float], derivative: Function
) -> float:
    """delta = f'(z) * sum_k w_k * delta_k, over the connections leaving this unit."""
    return derivative(z) * sum(w * error for w, error in zip(weights, errors_above))


def numerical_derivative(f: Function, x: float, h: float) -> float:
    """The central difference (f(x + h) - f(x - h)) / (2 h): its error shrinks like h^2."""
    return (f(x + h) - f(x - h)) / (2.0 * h)


# --- checks -----------------------------------------------------------------------------------


def check_mismatched_error_signal(function: Callable[[float, float], float]) -> Feedback:
    """``function(y, t)`` must give dL/dz for a sigmoid output trained with squared error."""
    for y, t in ((0.3, 1.0), (0.9, 0.0), (0.02, 1.0), (0.6, 0.25)):
        result, feedback = call(function, y, t)
        if feedback:
            return feedback
        if not close(result, mismatched_error_signal(y, t)):
            if close(result, y - t):
                return incorrect(
                    "y - t is dL/dy for squared error; dL/dz also needs dy/dz = sigmoid'(z) = y (1 - y)"
                )
            if close(result, t - y) or close(result, -mismatched_error_signal(y, t)):
                return incorrect("check the sign: L = 1/2 (y - t)^2, so dL/dy = y - t")
            return incorrect(f"for y = {y}, t = {t}: dL/dz = dL/dy * dy/dz, with dy/dz = y (1 - y)")
    return correct(
        f"Correct! Note y = 0.02, t = 1: the prediction is badly wrong, yet the error signal is only "
        f"{mismatched_error_signal(0.02, 1.0):.3f} (with cross-entropy it would be -0.98)."
    )


def check_hidden_error_signal(
    function: Callable[[float, list[float], list[float], Function], float],
) -> Feedback:
    """``function(z, weights, errors_above, derivative)`` must give a hidden neuron's error signal."""
    cases = [
        (0.4, [0.5, -1.2], [0.3, 0.1], tanh_derivative),
        (-1.0, [2.0, 0.7, -0.3], [-0.2, 0.4, 0.9], sigmoid_derivative),
        (0.8, [1.5], [-0.6], relu_derivative),
        (-0.3, [1.5, 2.0], [-0.6, 0.2], relu_derivative),
    ]
    for z, weights, errors, derivative in cases:
        result, feedback = call(function, z, list(weights), list(errors), derivative)
        if feedback:
            return feedback
        expected = hidden_error_signal(z, weights, errors, derivative)
        if not close(result, expected):
            incoming = sum(w * e for w, e in zip(weights, errors))
            if close(result, incoming):
                return incorrect("you summed the messages w_k * delta_k; now multiply by f'(z)")
            if close(result, derivative(z) * sum(errors)):
                return incorrect("each error signal travels back along its own connection: weight it by w_k")
            return incorrect(f"for z = {z}: delta = f'(z) * (sum over k of w_k * delta_k)")
    return correct("Correct! That is the whole backward rule: gather the messages, scale by f'(z).")


def check_numerical_derivative(function: Callable[[Function, float, float], float]) -> Feedback:
    """``function(f, x, h)`` must give the central difference estimate of f'(x)."""
    cases = [(lambda v: v**3, 2.0, 12.0), (math.sin, 1.0, math.cos(1.0)), (math.exp, 0.5, math.exp(0.5))]
    h = 1e-4
    for f, x, exact in cases:
        result, feedback = call(function, f, x, h)
        if feedback:
            return feedback
        if not close(result, exact, tolerance=1e-7):
            if close(result, (f(x + h) - f(x)) / h, tolerance=1e-9):
                return incorrect(
                    "that is the one-sided difference, whose error shrinks only like h; "
                    "step to both sides: (f(x + h) - f(x - h)) / (2 h)"
                )
            if close(result, 2.0 * exact, tolerance=1e-6):
                return incorrect("the two points are 2h apart: divide by 2 * h")
            return incorrect(f"for f'({x}) expected about {exact:.6f}; use (f(x + h) - f(x - h)) / (2 h)")
    return correct("Correct! This is the rule nodewise.gradcheck applies to every weight and bias.")
