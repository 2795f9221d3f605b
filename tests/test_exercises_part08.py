"""Each part-08 check accepts its reference solution and rejects typical wrong answers.

The reference solutions are themselves checked against the node engine: a one-layer
Network with the example's W and b gives the same weighted sums, error signals and
weight gradients, sample by sample.
"""

import numpy as np
import pytest

from nodewise import Network
from nodewise.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, part08


def unanswered(*_): ...


@pytest.fixture
def layer():
    return part08.example_layer()


def node_layer(layer, activation="relu"):
    """A node network fan_in -> fan_out (identity output) with the example's parameters."""
    net = Network([part08.FAN_IN, part08.FAN_OUT], activation=activation, output="identity")
    net.set_parameters([(layer["W"].tolist(), layer["b"].tolist())])
    return net


def test_the_solutions_are_the_node_rules(layer):
    A, W, b, E = layer["A"], layer["W"], layer["b"], layer["E"]
    net = node_layer(layer)
    Z = np.array([net.forward(list(a)) for a in A])  # identity output: y = z
    np.testing.assert_allclose(part08.weighted_sums_solution(A, W, b), Z, atol=1e-12)
    for a, e in zip(A, E):
        y = np.array(net.forward(list(a)))
        net.backward(list(y - e))  # the target y - e makes the output error y - t exactly e
    ((summed_dW, _),) = net.gradients()  # the node engine adds up the samples' gradients
    np.testing.assert_allclose(part08.weight_gradient_solution(E, A), summed_dW, atol=1e-12)
    # one layer down, unit i of a relu layer gets relu'(z_i) sum_j W[j][i] e_j
    by_hand = [
        [sum(W[j][i] * e[j] for j in range(part08.FAN_OUT)) * (a[i] > 0) for i in range(part08.FAN_IN)]
        for a, e in zip(A, E)
    ]
    np.testing.assert_allclose(part08.errors_below_solution(E, W, A), by_hand, atol=1e-12)


def test_weighted_sums():
    check = part08.check_weighted_sums
    assert check(...).status == NOT_ATTEMPTED
    assert check(unanswered).status == NOT_ATTEMPTED
    assert check(part08.weighted_sums_solution).status == CORRECT
    assert check(lambda A, W, b: np.dot(A, W.T) + b).status == CORRECT
    assert "bias" in check(lambda A, W, b: A @ W.T).message
    assert "shapes do not fit" in check(lambda A, W, b: A @ W + b).message
    assert "shape (3, 5)" in check(lambda A, W, b: W @ A.T + b[:, None]).message
    for wrong in (lambda A, W, b: A @ W.T - b, lambda A, W, b: "Z", lambda A, W, b: 1 / 0):
        assert check(wrong).status == INCORRECT


def test_errors_below():
    check = part08.check_errors_below
    assert check(...).status == NOT_ATTEMPTED
    assert check(part08.errors_below_solution).status == CORRECT
    assert check(lambda E, W, A: np.where(A > 0, E @ W, 0.0)).status == CORRECT
    assert "slope is missing" in check(lambda E, W, A: E @ W).message
    assert "0 or 1" in check(lambda E, W, A: (E @ W) * A).message
    assert "shapes do not fit" in check(lambda E, W, A: (E @ W.T) * (A > 0)).message
    assert check(lambda E, W, A: (E @ W) * (A < 0)).status == INCORRECT


def test_weight_gradient():
    check = part08.check_weight_gradient
    assert check(...).status == NOT_ATTEMPTED
    assert check(part08.weight_gradient_solution).status == CORRECT
    assert "average" in check(lambda E, A: E.T @ A / len(E)).message
    assert "shape (4, 3)" in check(lambda E, A: A.T @ E).message
    assert check(lambda E, A: E.T @ A + 1.0).status == INCORRECT
