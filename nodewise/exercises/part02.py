"""Part 02, forward propagation: the checks, beside their reference solutions."""

from __future__ import annotations

import random
from collections.abc import Callable

from nodewise.activations import relu
from nodewise.exercises import (
    INCORRECT,
    Feedback,
    all_close,
    call,
    close,
    correct,
    incorrect,
    is_unanswered,
    not_attempted,
)
from nodewise.network import Network, Parameters

NEURON_WEIGHTS = [2.0, -1.0, 0.5]
NEURON_BIAS = 0.5
NEURON_INPUTS = [0.5, 3.0, 2.0]
"""The neuron of the first exercise: z = b + sum_i w_i x_i, and its relu output."""

Matrix = list[list[float]]
Vector = list[float]

W_CONVENTION = (
    "W[j][i] is the weight from unit i below to neuron j: W has one row per neuron of the layer "
    "(len(W) rows), and each row one weight per unit below (len(W[0]))"
)
"""The reminder an IndexError usually calls for: the learner wrote W[i][j] where W[j][i] was meant."""


def remind_of_convention(feedback: Feedback) -> Feedback:
    """Add the W[j][i] reminder to the feedback on an IndexError (or pass the feedback on unchanged)."""
    if feedback.status == INCORRECT and "raised IndexError" in feedback.message:
        return Feedback(INCORRECT, f"{feedback.message}. Remember: {W_CONVENTION}")
    return feedback


# --- reference solutions ----------------------------------------------------------------


def neuron_output() -> tuple[float, float]:
    """z = 0.5 + 2*0.5 - 1*3 + 0.5*2 = -0.5, and relu(-0.5) = 0."""
    z = NEURON_BIAS + sum(w * x for w, x in zip(NEURON_WEIGHTS, NEURON_INPUTS))
    return z, relu(z)


def forward_pass(parameters: Parameters, x: Vector) -> Vector:
    """relu hidden layers and an identity output: a = f(W a + b), layer by layer."""
    signals = x
    for layer, (weights, biases) in enumerate(parameters):
        sums = [b + sum(w * s for w, s in zip(row, signals)) for row, b in zip(weights, biases)]
        last = layer == len(parameters) - 1
        signals = sums if last else [relu(z) for z in sums]
    return signals


def collapse(w1: Matrix, b1: Vector, w2: Matrix, b2: Vector) -> tuple[Matrix, Vector]:
    """Two linear layers as one: W2 (W1 x + b1) + b2 = (W2 W1) x + (W2 b1 + b2)."""
    weights = [
        [sum(w2[k][j] * w1[j][i] for j in range(len(w1))) for i in range(len(w1[0]))] for k in range(len(w2))
    ]
    biases = [sum(w2[k][j] * b1[j] for j in range(len(b1))) + b2[k] for k in range(len(w2))]
    return weights, biases


# --- checks -----------------------------------------------------------------------------------


def check_neuron_output(answer: tuple[float, float]) -> Feedback:
    """(z, relu(z)) for the neuron with NEURON_WEIGHTS, NEURON_BIAS and NEURON_INPUTS."""
    if is_unanswered(answer):
        return not_attempted()
    z, output = neuron_output()
    try:
        your_z, your_output = answer
    except (TypeError, ValueError):
        return incorrect("answer with a pair of numbers: answer = (z, output)")
    if not close(your_z, z):
        if close(your_z, z - NEURON_BIAS):
            return incorrect("the weighted sum starts with the bias: z = b + sum of w_i * x_i")
        return incorrect("multiply each input by its weight, add the products, and add the bias")
    if not close(your_output, output):
        return incorrect("z is right; relu(z) = max(0, z)")
    return correct(f"Correct! z = {z} is negative, so relu switches this neuron off: it sends nothing on.")


def random_parameters(rng: random.Random, shape: list[int]) -> Parameters:
    """[(W, b), ...] for ``shape``, every weight and bias uniform in [-1, 1]: checks try these."""
    return [
        (
            [[rng.uniform(-1, 1) for _ in range(below)] for _ in range(above)],
            [rng.uniform(-1, 1) for _ in range(above)],
        )
        for below, above in zip(shape, shape[1:])
    ]


def check_forward_pass(function: Callable[[Parameters, Vector], Vector]) -> Feedback:
    """``function(parameters, x)`` must give what Network(shape, "relu", "identity") gives."""
    rng = random.Random(2)
    for shape in ([2, 3, 1], [3, 4, 2], [2, 3, 3, 2], [1, 1]):
        net = Network(shape, activation="relu", output="identity")
        net.set_parameters(random_parameters(rng, shape))
        for _ in range(3):
            x = [rng.uniform(-2, 2) for _ in range(shape[0])]
            result, feedback = call(function, net.parameters(), list(x))
            if feedback:
                return remind_of_convention(feedback)
            expected = net.forward(x)
            if not all_close(result, expected):
                return incorrect(_forward_hint(shape, result, expected))
    return correct("Correct! Your forward pass agrees with the network's for every shape tried.")


def _forward_hint(shape: list[int], result: object, expected: Vector) -> str:
    problem = f"for shape {shape} you returned {result!r}, the network {expected}"
    if isinstance(result, list) and len(result) != len(expected):
        return f"{problem}: return one number per output node ({len(expected)})"
    if isinstance(result, list) and all_close(result, [relu(y) for y in expected]) and min(expected) < 0:
        return f"{problem}: the output layer here is identity, so do not apply relu to the last layer"
    return (
        f"{problem}: for each layer, z_j = b_j + sum_i W[j][i] * a_i (row j of W, not column j); relu(z) "
        "for hidden layers, z itself for the last one; then the next layer reads these signals"
    )


def same_matrix(matrix: object, expected: Matrix) -> bool:
    """True if ``matrix`` has the rows of ``expected``, each close to the expected row."""
    try:
        return len(matrix) == len(expected) and all(all_close(r, e) for r, e in zip(matrix, expected))
    except TypeError:
        return False


def check_collapse(function: Callable[[Matrix, Vector, Matrix, Vector], tuple[Matrix, Vector]]) -> Feedback:
    """``function(W1, b1, W2, b2)`` must return the single layer (W, b) equal to the two."""
    rng = random.Random(5)
    for inputs, hidden, outputs in ((2, 3, 2), (3, 2, 1), (1, 4, 3)):
        (w1, b1), (w2, b2) = random_parameters(rng, [inputs, hidden, outputs])
        result, feedback = call(function, w1, b1, w2, b2)
        if feedback:
            return feedback
        weights, biases = collapse(w1, b1, w2, b2)
        try:
            got_weights, got_biases = result
            shape = [len(row) for row in got_weights]
        except (TypeError, ValueError):
            return incorrect("return a pair (W, b): W a list of rows, b a list of numbers")
        if not same_matrix(got_weights, weights):
            transposed = [list(column) for column in zip(*weights)]
            if same_matrix(got_weights, transposed):
                return incorrect(
                    "your W is transposed: W[k][i] is the weight from input i to output k, so row k "
                    "belongs to output k; W[k][i] = sum over j of W2[k][j] * W1[j][i]"
                )
            if shape != [inputs] * outputs:
                return incorrect(
                    f"W should have {outputs} rows (one per output) of {inputs} numbers (one per input), "
                    f"yours has rows of lengths {shape}: W[k][i] = sum over j of W2[k][j] * W1[j][i]"
                )
            return incorrect("W has the right shape but wrong numbers: W[k][i] = sum_j W2[k][j] * W1[j][i]")
        if not all_close(got_biases, biases):
            if all_close(got_biases, b2):
                return incorrect("the first layer's bias also passes through W2: b = W2 b1 + b2")
            return incorrect("b[k] = sum over j of W2[k][j] * b1[j], plus b2[k]")
    return correct(
        "Correct! Two linear layers are one linear layer: depth buys nothing without a nonlinearity."
    )
