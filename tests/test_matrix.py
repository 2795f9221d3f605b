"""The matrix engine against the node engine (proof of equivalence), finite differences and round trips."""

import math
import random

import numpy as np
import pytest
from test_network import random_target, with_random_biases

from nodewise import Network
from nodewise.matrix import MatrixNetwork, flush_to_zero

ACTIVATIONS = ["relu", "tanh", "sigmoid"]
OUTPUTS = ["identity", "sigmoid", "softmax"]
SHAPE = [5, 7, 6, 4]


def batch(seed, output, samples=9):
    """A batch (X, T) as nested lists: inputs in [-1, 1] and valid targets for the output kind."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1.0, 1.0) for _ in range(SHAPE[0])] for _ in range(samples)]
    T = [random_target(rng, output, SHAPE[-1]) for _ in range(samples)]
    return X, T


def flat(parameters_or_gradients):
    """[(W, b), ...] as one vector."""
    return np.concatenate([np.ravel(part) for pair in parameters_or_gradients for part in pair])


def node_gradient_sum(parameters, activation, output, X, T):
    """Each sample's gradients from a fresh node network, added up by hand."""
    total = 0.0
    for x, t in zip(X, T):
        net = Network(SHAPE, activation, output)
        net.set_parameters(parameters)
        net.forward(x)
        net.backward(t)
        total = total + flat(net.gradients())
    return total


def twins(activation, output, seed=3, dtype=np.float64):
    """A node network with random biases, and a matrix network with the same parameters."""
    net = with_random_biases(Network(SHAPE, activation, output, seed=seed), seed)
    return net, MatrixNetwork.from_network(net, dtype=dtype)


# --- the same start ---------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_initialization_is_exactly_the_node_engines(activation, output):
    for seed in (0, 7):
        net = Network([6, 5, 4, 3], activation, output, seed=seed)
        matrix = MatrixNetwork([6, 5, 4, 3], activation, output, seed=seed)
        assert matrix.parameters() == net.parameters()
        assert [w.shape for w in matrix.weights] == [(5, 6), (4, 5), (3, 4)]
    assert MatrixNetwork([6, 3], seed=1).parameters() != MatrixNetwork([6, 3], seed=2).parameters()


def test_weights_are_stored_fan_out_by_fan_in_as_in_the_graph():
    net = Network([3, 4, 2], seed=5)
    matrix = MatrixNetwork.from_network(net)
    senders = [net.input_nodes] + net.nonlinear_nodes[:-1]
    for layer, connections in enumerate(net.connections):
        for connection in connections:
            j, i = net.neurons[layer].index(connection.target), senders[layer].index(connection.source)
            assert matrix.weights[layer][j, i] == connection.weight


# --- the same numbers -------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_outputs_gradients_and_loss_equal_the_node_engines(activation, output):
    net, matrix = twins(activation, output)
    X, T = batch(1, output)
    Y = matrix.forward(X)
    assert Y.shape == (9, 4) and Y.dtype == np.float64
    np.testing.assert_allclose(Y, [net.forward(x) for x in X], rtol=0, atol=1e-9)
    matrix.backward(T)
    expected = node_gradient_sum(net.parameters(), activation, output, X, T)
    np.testing.assert_allclose(flat(matrix.gradients()), expected, rtol=0, atol=1e-9)
    assert matrix.loss(X, T) == pytest.approx(sum(net.loss(x, t) for x, t in zip(X, T)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_a_training_run_ends_at_the_node_engines_parameters(activation, output):
    net, matrix = twins(activation, output, seed=4)
    X, T = batch(2, output, samples=24)
    for _ in range(3):
        for start in range(0, 24, 8):  # mini-batches of 8, with momentum and weight decay
            for x, t in zip(X[start : start + 8], T[start : start + 8]):
                net.forward(x)
                net.backward(t)
            net.step(0.2, momentum=0.9, weight_decay=0.01)
            matrix.forward(X[start : start + 8])
            matrix.backward(T[start : start + 8])
            matrix.step(0.2, momentum=0.9, weight_decay=0.01)
    moved = np.abs(flat(net.parameters()) - flat(twins(activation, output, seed=4)[0].parameters())).max()
    assert moved > 0.01  # the run really trained
    np.testing.assert_allclose(flat(matrix.parameters()), flat(net.parameters()), rtol=0, atol=1e-9)


def test_forward_by_hand():
    # as in test_network: h = relu([0.5 - 2 + 0.1, 2 + 0.5 - 0.2]) = [0, 2.3], y = [-0.85, 6.9]
    # and for x = [0, 0]: h = relu([0.1, -0.2]) = [0.1, 0], y = [0.1 + 0.3, -0.2] = [0.4, -0.2]
    matrix = MatrixNetwork([2, 2, 2], output="identity")
    matrix.set_parameters(
        [([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2]), ([[1.0, -0.5], [-2.0, 3.0]], [0.3, 0.0])]
    )
    np.testing.assert_allclose(matrix.forward([[1.0, 2.0], [0.0, 0.0]]), [[-0.85, 6.9], [0.4, -0.2]])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_gradients_agree_with_finite_differences(activation, output):
    _, matrix = twins(activation, output, seed=6)
    X, T = batch(3, output, samples=5)
    matrix.forward(X)
    matrix.backward(T)
    analytic = flat(matrix.gradients())
    start = flat(matrix.parameters())
    numeric = np.empty_like(start)
    step = 1e-6
    for k in range(len(start)):
        losses = []
        for sign in (1.0, -1.0):
            shifted = start.copy()
            shifted[k] += sign * step
            matrix.set_parameters(unflatten(shifted, SHAPE))
            losses.append(matrix.loss(X, T))
        numeric[k] = (losses[0] - losses[1]) / (2 * step)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-5, atol=1e-7)


def unflatten(vector, shape):
    pairs, position = [], 0
    for fan_in, fan_out in zip(shape, shape[1:]):
        W = vector[position : position + fan_in * fan_out].reshape(fan_out, fan_in)
        position += fan_in * fan_out
        pairs.append((W, vector[position : position + fan_out]))
        position += fan_out
    return pairs


def test_accumulating_two_batches_equals_one_batch_of_both():
    _, one = twins("tanh", "softmax")
    _, two = twins("tanh", "softmax")
    X, T = batch(5, "softmax", samples=10)
    one.forward(X)
    one.backward(T)
    two.forward(X[:4])
    two.backward(T[:4])
    two.forward(X[4:])
    two.backward(T[4:])
    np.testing.assert_allclose(flat(two.gradients()), flat(one.gradients()), rtol=1e-12, atol=1e-14)
    one.step(0.3)
    two.step(0.3)  # divides by the 10 samples accumulated, not by the last batch's 6
    np.testing.assert_allclose(flat(two.parameters()), flat(one.parameters()), rtol=1e-12, atol=1e-14)


def test_step_moves_by_the_formula_and_clears_the_gradients():
    _, matrix = twins("sigmoid", "sigmoid")
    X, T = batch(6, "sigmoid", samples=3)
    w0 = flat(matrix.parameters())
    matrix.forward(X)
    matrix.backward(T)
    g1 = flat(matrix.gradients())
    matrix.step(0.5, momentum=0.9, weight_decay=0.1)
    w1 = flat(matrix.parameters())
    is_bias = flat([(np.zeros_like(W), np.ones_like(b)) for W, b in matrix.parameters()]) == 1.0
    decay = np.where(is_bias, 0.0, 0.1)  # no decay on biases
    v1 = -0.5 * (g1 / 3 + decay * w0)
    np.testing.assert_allclose(w1, w0 + v1, rtol=1e-14, atol=1e-15)
    assert not flat(matrix.gradients()).any()
    matrix.forward(X)
    matrix.backward(T)
    g2 = flat(matrix.gradients())
    matrix.step(0.5, momentum=0.9, weight_decay=0.1)
    v2 = 0.9 * v1 - 0.5 * (g2 / 3 + decay * w1)
    np.testing.assert_allclose(flat(matrix.parameters()), w1 + v2, rtol=1e-14, atol=1e-15)


def test_softmax_is_finite_for_huge_weighted_sums():
    matrix = MatrixNetwork([1, 3])
    matrix.set_parameters([([[1000.0], [-1000.0], [0.0]], [0.0, 0.0, 0.0])])
    np.testing.assert_array_equal(matrix.forward([[1.0], [-1.0]]), [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    assert math.isfinite(matrix.loss([[1.0]], [[0.0, 1.0, 0.0]]))


def test_sigmoid_is_finite_and_exact_for_huge_weighted_sums():
    matrix = MatrixNetwork([1, 2], output="sigmoid")
    matrix.set_parameters([([[700.0], [-700.0]], [0.0, 0.0])])
    np.testing.assert_array_equal(matrix.forward([[1.0]]), [[1.0, math.exp(-700.0)]])
    assert matrix.loss([[1.0]], [[0.0, 1.0]]) == pytest.approx(1400.0)


# --- moving between the engines ---------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_round_trips_are_exact(activation, output):
    net, matrix = twins(activation, output, seed=8)
    back = matrix.to_network()
    assert isinstance(back, Network)
    assert (back.shape, back.activation, back.output) == (SHAPE, activation, output)
    assert back.parameters() == net.parameters()
    again = MatrixNetwork.from_network(back)
    assert again.parameters() == matrix.parameters()
    x = batch(9, output, samples=1)[0][0]
    assert back.forward(x) == net.forward(x)


def test_parameters_are_copies():
    matrix = MatrixNetwork([3, 2])
    p = matrix.parameters()
    p[0][0][0][0] = 123.0
    assert matrix.weights[0][0, 0] != 123.0


def test_set_parameters_checks_everything_before_writing():
    matrix = MatrixNetwork([3, 4, 2])
    before = matrix.parameters()
    bad = matrix.parameters()
    bad[0][0][0][0] = 5.0
    bad[1] = (bad[1][0], [0.0, float("nan")])
    with pytest.raises(ValueError, match=r"layer 2 b\[1\] is nan"):
        matrix.set_parameters(bad)
    assert matrix.parameters() == before


# --- float32 ----------------------------------------------------------------------------------


def test_float32_works_and_is_close():
    net, wide = twins("relu", "softmax")
    narrow = MatrixNetwork.from_network(net, dtype=np.float32)
    assert all(W.dtype == np.float32 for W in narrow.weights + narrow.biases)
    X, T = batch(10, "softmax", samples=16)
    for matrix in (wide, narrow):
        for _ in range(5):
            matrix.forward(X)
            matrix.backward(T)
            matrix.step(0.1, momentum=0.9, weight_decay=1e-3)
    assert narrow.forward(X).dtype == np.float32
    np.testing.assert_allclose(narrow.forward(X), wide.forward(X), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(flat(narrow.parameters()), flat(wide.parameters()), rtol=1e-4, atol=1e-5)
    assert narrow.to_network().parameters() == narrow.parameters()  # float32 values are exact floats


def test_flush_to_zero_removes_exactly_the_subnormal_numbers():
    values = np.array([1e-39, -1e-44, 2e-38, 0.5, -3e-30, 0.0], dtype=np.float32)  # 1e-39, 1e-44 subnormal
    flush_to_zero(values)
    np.testing.assert_array_equal(values, np.array([0.0, 0.0, 2e-38, 0.5, -3e-30, 0.0], dtype=np.float32))
    values = np.array([1e-310, 1e-300])
    flush_to_zero(values)
    np.testing.assert_array_equal(values, [0.0, 1e-300])


def test_no_subnormal_velocities_from_a_feature_that_is_always_zero():
    matrix = MatrixNetwork([3, 4, 2], activation="tanh", dtype=np.float32, seed=1)
    X = [[1.0, 0.0, 0.5], [0.2, 0.0, 0.9]]  # the middle feature is always 0
    matrix.forward([[1.0, 1.0, 0.5], [0.2, 1.0, 0.9]])  # one step where it is not
    matrix.backward([[1.0, 0.0], [0.0, 1.0]])
    matrix.step(0.1, momentum=0.9)
    assert (matrix.weight_velocities[0][:, 1] != 0.0).all()
    for _ in range(1000):  # 0.9^1000 * 0.01 is far below float32's smallest normal 1.2e-38
        matrix.forward(X)
        matrix.backward([[1.0, 0.0], [0.0, 1.0]])
        matrix.step(0.1, momentum=0.9)
    velocities = np.abs(np.concatenate([v.ravel() for v in matrix.weight_velocities]))
    assert not ((velocities > 0.0) & (velocities < np.finfo(np.float32).tiny)).any()
    assert (matrix.weight_velocities[0][:, 1] == 0.0).all()


# --- work arrays --------------------------------------------------------------------------------


def test_batches_of_any_size_and_results_that_stay_put():
    _, matrix = twins("tanh", "identity")
    X, T = batch(11, "identity", samples=12)
    Y_all = matrix.forward(X)
    Y_small = matrix.forward(X[:3])
    np.testing.assert_allclose(Y_small, Y_all[:3], rtol=1e-15)
    assert Y_all.shape == (12, 4)  # the first result was not overwritten by the second forward
    np.testing.assert_array_equal(Y_all, matrix.forward(X))
    matrix.forward(X[:3])
    matrix.backward(T[:3])
    _, reference = twins("tanh", "identity")
    reference.forward(X[:3])
    reference.backward(T[:3])
    assert matrix.gradients() == reference.gradients()


def test_inputs_may_be_integers_and_float32():
    matrix = MatrixNetwork([2, 3, 2])
    np.testing.assert_array_equal(
        matrix.forward(np.array([[1, 2]], dtype=np.uint8)), matrix.forward([[1.0, 2.0]])
    )
    np.testing.assert_allclose(
        matrix.forward(np.array([[0.5, 2]], dtype=np.float32)), matrix.forward([[0.5, 2.0]])
    )


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, error, message",
    [
        ([[1.0]], ValueError, r"X has shape \(1, 1\) but the network expects \(samples, 2\)"),
        ([1.0, 2.0], ValueError, r"shape \(2,\).*for a single sample x pass \[x\]"),
        (np.zeros((0, 2)), ValueError, "X is empty"),
        ([[1.0, 2.0], [3.0]], ValueError, "rows of different lengths"),
        ([[1.0, 2.0], [3.0, float("nan")]], ValueError, r"X\[1, 1\] is nan"),
        ([[float("-inf"), 2.0]], ValueError, r"X\[0, 0\] is -inf.*finite"),
        ([["a", 1.0]], TypeError, "expected real numbers"),
        ([[None, 1.0]], TypeError, "expected real numbers"),
        ([[True, False]], TypeError, "bool"),
        ("ab", TypeError, "expected real numbers"),
    ],
)
def test_bad_inputs(X, error, message):
    with pytest.raises(error, match=message):
        MatrixNetwork([2, 3, 2]).forward(X)


def test_huge_but_finite_inputs_are_accepted_when_the_dtype_holds_them():
    assert np.isfinite(MatrixNetwork([2, 2], output="sigmoid").forward([[1e308, 1e308]])).all()
    with pytest.raises(
        ValueError, match=r"X\[0, 1\] is 1e\+300: expected a finite number within float32 range"
    ):
        MatrixNetwork([2, 2], dtype=np.float32).forward([[1.0, 1e300]])


@pytest.mark.parametrize(
    "output, T, message",
    [
        ("softmax", [[1.0, 0.0]], r"T has shape \(1, 2\) but the network expects \(2, 2\)"),
        ("softmax", [[1.0, 0.0], [0.5, 0.6]], r"softmax target T\[1\] = \[0.5, 0.6\] must .* sum to 1"),
        ("softmax", [[-1.0, 2.0], [1.0, 0.0]], r"T\[0\].*non-negative"),
        ("sigmoid", [[0.5, 1.0], [0.5, 1.5]], r"sigmoid target T\[1\] = \[0.5, 1.5\] must each lie"),
        ("identity", [[1.0, float("nan")], [0.0, 0.0]], r"T\[0, 1\] is nan"),
        ("identity", [["x", 1.0], [0.0, 0.0]], "real numbers"),
    ],
)
def test_bad_targets(output, T, message):
    matrix = MatrixNetwork([2, 3, 2], output=output)
    matrix.forward([[0.1, 0.2], [0.3, 0.4]])
    with pytest.raises((ValueError, TypeError), match=message):
        matrix.backward(T)
    assert not flat(matrix.gradients()).any()


def test_float32_softmax_targets_may_round():
    matrix = MatrixNetwork([2, 3], dtype=np.float32)
    matrix.forward([[0.1, 0.2]])
    matrix.backward(np.full((1, 3), 1 / 3, dtype=np.float32))  # sums to 1 only to float32 rounding


def test_backward_before_forward_and_step_before_backward():
    matrix = MatrixNetwork([2, 2])
    with pytest.raises(ValueError, match=r"call net.forward\(X\) first"):
        matrix.backward([[1.0, 0.0]])
    matrix.forward([[1.0, 2.0]])
    with pytest.raises(ValueError, match="backward"):
        matrix.step(0.1)


@pytest.mark.parametrize(
    "settings, message",
    [
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"learning_rate": float("nan")}, "learning_rate"),
        ({"learning_rate": "0.1"}, "learning_rate"),
        ({"learning_rate": 0.1, "momentum": 1.0}, r"momentum is 1.0: expected a number in \[0, 1\)"),
        ({"learning_rate": 0.1, "momentum": -0.5}, "momentum"),
        ({"learning_rate": 0.1, "weight_decay": -1e-4}, "weight_decay"),
        ({"learning_rate": 0.1, "weight_decay": float("inf")}, "weight_decay"),
    ],
)
def test_bad_step_settings_change_nothing(settings, message):
    matrix = MatrixNetwork([2, 2])
    matrix.forward([[1.0, 2.0]])
    matrix.backward([[1.0, 0.0]])
    before = matrix.parameters()
    with pytest.raises((ValueError, TypeError), match=message):
        matrix.step(**settings)
    assert matrix.parameters() == before
    matrix.step(0.1)  # the gradients are still there


@pytest.mark.parametrize(
    "arguments, error, message",
    [
        ({"shape": [3]}, ValueError, "at least an input"),
        ({"shape": "34"}, TypeError, "shape"),
        ({"shape": [3, 2], "activation": "softplus"}, ValueError, "relu, tanh, sigmoid"),
        ({"shape": [3, 2], "output": "relu"}, ValueError, "identity, sigmoid, softmax"),
        ({"shape": [3, 2], "dtype": np.int32}, ValueError, "numpy.float64 .* or numpy.float32"),
        ({"shape": [3, 2], "dtype": "bogus"}, ValueError, "dtype is 'bogus'"),
    ],
)
def test_bad_construction(arguments, error, message):
    with pytest.raises(error, match=message):
        MatrixNetwork(**arguments)


def test_float32_by_name():
    assert MatrixNetwork([2, 2], dtype="float32").weights[0].dtype == np.float32


@pytest.mark.parametrize(
    "parameters, message",
    [
        ([], r"expects 2 \(W, b\) pairs, one per layer of connections of shape \[3, 4, 2\]"),
        ([([[0.0] * 3] * 4, [0.0] * 4)], "expects 2"),
        ([([[0.0] * 3] * 4, [0.0] * 4), ([[0.0] * 4] * 2,)], "expects 2"),
        ("W, b", "expects 2"),
        (
            [([[0.0] * 3] * 4, [0.0] * 4), ([[0.0] * 3] * 2, [0.0] * 2)],
            r"layer 2 W has shape \(2, 3\).*\(2, 4\)",
        ),
        ([([[0.0] * 3] * 4, [0.0] * 4), ([[0.0] * 4] * 2, [0.0] * 3)], r"layer 2 b has shape \(3,\)"),
    ],
)
def test_bad_parameters(parameters, message):
    with pytest.raises(ValueError, match=message):
        MatrixNetwork([3, 4, 2]).set_parameters(parameters)


def test_from_network_needs_a_network():
    with pytest.raises(TypeError, match="expects a nodewise Network"):
        MatrixNetwork.from_network(MatrixNetwork([2, 2]))
