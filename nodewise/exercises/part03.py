"""Part 03, backpropagating error signals: the checks, beside their reference solutions."""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence

from nodewise.activations import relu, relu_derivative, sigmoid_derivative, tanh_derivative
from nodewise.exercises import Feedback, all_close, call, close, correct, incorrect
from nodewise.exercises.part02 import Matrix, Vector, random_parameters, remind_of_convention, same_matrix
from nodewise.network import Network, Parameters

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


def forward_keeping(parameters: Parameters, x: Vector) -> tuple[list[Vector], list[Vector]]:
    """The forward pass of relu hidden layers and an identity output, keeping what backward needs.

    Returns ``signals`` (signals[l] enters layer l: signals[0] is x, the last is y) and
    ``sums`` (sums[l] holds the weighted sums z of layer l).
    """
    signals, sums = [list(x)], []
    for layer, (weights, biases) in enumerate(parameters):
        z = [b + sum(w * a for w, a in zip(row, signals[-1])) for row, b in zip(weights, biases)]
        sums.append(z)
        signals.append(z if layer == len(parameters) - 1 else [relu(v) for v in z])
    return signals, sums


def backward_pass(parameters: Parameters, x: Vector, t: Vector) -> Parameters:
    """One sample's gradients [(dW, db), ...] for relu hidden layers, an identity output, squared error.

    From the top: delta = y - t at the output; for each layer dW[j][i] = delta_j * a_i and
    db[j] = delta_j; the layer below gets delta_i = relu'(z_i) * sum_j W[j][i] * delta_j,
    the messages along unit i's outgoing connections (a column of W: W transposed).
    """
    signals, sums = forward_keeping(parameters, x)
    deltas = [y - target for y, target in zip(signals[-1], t)]
    gradients = []
    for layer in range(len(parameters) - 1, -1, -1):
        weights, _ = parameters[layer]
        gradients.append(([[delta * a for a in signals[layer]] for delta in deltas], list(deltas)))
        if layer > 0:
            deltas = [
                relu_derivative(z) * sum(row[i] * delta for row, delta in zip(weights, deltas))
                for i, z in enumerate(sums[layer - 1])
            ]
    return gradients[::-1]


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


def check_backward_pass(function: Callable[[Parameters, Vector, Vector], Parameters]) -> Feedback:
    """``function(parameters, x, t)`` must give what Network(shape, "relu", "identity").gradients() gives."""
    rng = random.Random(8)
    for shape in ([3, 3, 3], [2, 4, 3, 1], [2, 3, 2], [1, 1]):
        net = Network(shape, activation="relu", output="identity")
        net.set_parameters(random_parameters(rng, shape))
        for _ in range(3):
            x = [rng.uniform(-2, 2) for _ in range(shape[0])]
            t = [rng.uniform(-1, 1) for _ in range(shape[-1])]
            net.forward(x)
            net.backward(t)
            expected = net.gradients()
            net.clear_gradients()
            result, feedback = call(function, net.parameters(), list(x), list(t))
            if feedback:
                return remind_of_convention(feedback)
            hint = _backward_hint(net.parameters(), x, result, expected)
            if hint:
                return incorrect(f"for shape {shape}, {hint}")
    return correct(
        "Correct! That is all of backpropagation: your gradients equal net.gradients() for every shape tried."
    )


def _shapes(gradients: object) -> list[tuple[list[int], int]] | None:
    """The row lengths of each dW and the length of each db, or None if it is not [(dW, db), ...]."""
    try:
        return [([len(row) for row in dW], len(db)) for dW, db in gradients]
    except (TypeError, ValueError):
        return None


def _backward_hint(parameters: Parameters, x: Vector, result: object, expected: Parameters) -> str | None:
    """None if ``result`` equals ``expected``; else a hint for the topmost layer that differs."""
    transposed_hint = "dW is transposed: dW[j][i] = delta_j * a_i belongs to W[j][i], one row per neuron j"
    transposed = [[list(column) for column in zip(*dW)] for dW, _ in expected]
    shapes = _shapes(result)
    if shapes != _shapes(expected):
        if shapes == _shapes([(dW, db) for dW, (_, db) in zip(transposed, expected)]):
            return transposed_hint
        return (
            "return one (dW, db) pair per layer, shaped like the parameters: dW[j][i] for the weight from "
            "unit i to neuron j, db[j] for the bias of neuron j"
        )
    signals, sums = forward_keeping(parameters, x)
    last = len(parameters) - 1
    for layer in range(last, -1, -1):
        (dW, db), (got_dW, got_db) = expected[layer], result[layer]
        if not all_close(got_db, db):
            if layer < last:
                return _hidden_hint(parameters[layer + 1][0], expected[layer + 1][1], sums[layer], got_db)
            if all_close(got_db, [-delta for delta in db]):
                return "check the sign: at the output delta = y - t, not t - y"
            return "the output layer is identity with squared error, so there delta_k = y_k - t_k"
        if not same_matrix(got_dW, dW):
            if same_matrix(got_dW, transposed[layer]):
                return transposed_hint
            if layer > 0 and same_matrix(got_dW, [[delta * z for z in sums[layer - 1]] for delta in db]):
                return "dW[j][i] = delta_j * a_i uses the signal a_i = relu(z_i) of unit i, not its z_i"
            return (
                f"your db of layer {layer + 1} is right; dW[j][i] = delta_j * a_i, with a_i the signal "
                "entering from unit i below (x itself for the first layer)"
            )
    return None


def _hidden_hint(weights_above: Matrix, deltas_above: Vector, sums: Vector, got: object) -> str:
    """Name the mistake that gives ``got`` as a hidden layer's deltas, if it is a common one."""
    below = range(len(sums))
    messages = [sum(row[i] * delta for row, delta in zip(weights_above, deltas_above)) for i in below]
    slopes = [relu_derivative(z) for z in sums]
    mistakes = [
        (messages, "you summed the messages W[j][i] * delta_j; now multiply by the slope relu'(z_i), 1 or 0"),
        (
            [relu(z) * m for z, m in zip(sums, messages)],
            "multiply the messages by the slope relu'(z_i), which is 1 or 0, not by relu(z_i) itself",
        ),
        (
            [slope * sum(deltas_above) for slope in slopes],
            "each message travels over its own connection: weight delta_j by W[j][i]",
        ),
        (
            [slope * weights_above[0][i] * deltas_above[0] for i, slope in zip(below, slopes)],
            "add up the messages from every neuron j of the layer above, not only the first",
        ),
    ]
    if len(weights_above) == len(sums):  # square: the rows W[i] exist, so W in place of W transposed runs
        rows = [sum(w * delta for w, delta in zip(weights_above[i], deltas_above)) for i in below]
        mistakes.append(
            (
                [slope * m for slope, m in zip(slopes, rows)],
                "unit i's messages come back over its outgoing connections, W[j][i] for each neuron j above: "
                "column i of W (W transposed), not row i",
            )
        )
    hint = next((hint for mistake, hint in mistakes if all_close(got, mistake)), None)
    return hint or "a hidden layer's delta_i = relu'(z_i) * (sum over neurons j above of W[j][i] * delta_j)"
