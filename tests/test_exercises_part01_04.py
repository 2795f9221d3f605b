"""The checks of parts 01-04: each accepts its reference, rejects typical mistakes, never raises."""

import math
import random

import numpy as np
import pytest

from nodewise import Network
from nodewise.activations import relu, relu_derivative, tanh, tanh_derivative
from nodewise.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, part01, part02, part03, part04


def unfinished(*args):
    """A learner's function whose body is still ``...``."""
    ...


def assert_hint(feedback, text):
    assert feedback.status == INCORRECT and text in feedback.message, feedback.message


# --- part 01 ------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", part01.SHAPES)
def test_reference_counts_match_the_built_graph(shape):
    net = Network(shape, output="identity")
    nodes = len(net.input_nodes) + len(net.output_nodes)
    nodes += sum(len(layer) for layer in net.neurons) + sum(len(layer) for layer in net.nonlinear_nodes)
    connections = sum(len(node.outgoing) for node in net.input_nodes)
    connections += sum(len(node.outgoing) for layer in net.nonlinear_nodes[:-1] for node in layer)
    assert part01.count_nodes(shape) == nodes
    assert part01.count_connections(shape) == connections


def test_counting_checks():
    assert part01.check_count_connections(part01.count_connections).status == CORRECT
    assert part01.check_count_connections(unfinished).status == NOT_ATTEMPTED
    assert part01.check_count_connections(...).status == NOT_ATTEMPTED
    assert_hint(part01.check_count_connections(sum), "number of units")
    assert_hint(part01.check_count_connections(math.prod), "neighbouring")
    assert_hint(part01.check_count_connections(lambda shape: shape[0] * shape[1]), "a * b")
    three_layers = part01.check_count_connections(lambda s: s[0] * s[1] + s[1] * s[-1])
    assert_hint(three_layers, "right for three layers")
    assert "number of units" not in three_layers.message  # its 3 for [2, 1] equals the sum by chance
    assert part01.check_count_nodes(part01.count_nodes).status == CORRECT
    assert_hint(part01.check_count_nodes(lambda s: s[0] + sum(s[1:]) + s[-1]), "own nonlinear node")
    assert_hint(part01.check_count_nodes(lambda s: s[0] + 2 * sum(s[1:])), "output node")
    assert_hint(part01.check_count_nodes(lambda s: "many"), "four kinds")
    assert_hint(part01.check_count_nodes(lambda s: s[0] + 2 * s[1] + 3 * s[-1]), "right for three layers")


def test_weight_between_check():
    assert part01.check_weight_between(part01.weight_between).status == CORRECT
    assert part01.check_weight_between(unfinished).status == NOT_ATTEMPTED
    assert_hint(part01.check_weight_between(lambda source, target: source.outgoing[0].weight), "outgoing")
    assert_hint(part01.check_weight_between(lambda source, target: target.incoming[0].weight), "outgoing")
    as_list = part01.check_weight_between(lambda s, t: [c.weight for c in s.outgoing if c.target is t])
    assert_hint(as_list, "not a list")
    raised = part01.check_weight_between(lambda source, target: source.missing)
    assert_hint(raised, "AttributeError")


# --- part 02 ------------------------------------------------------------------------------


def test_neuron_output_check():
    assert part02.neuron_output() == (-0.5, 0.0)  # 0.5 + 2*0.5 - 1*3 + 0.5*2, by hand
    assert part02.check_neuron_output((-0.5, 0.0)).status == CORRECT
    assert part02.check_neuron_output(...).status == NOT_ATTEMPTED
    assert_hint(part02.check_neuron_output((-1.0, 0.0)), "bias")
    assert_hint(part02.check_neuron_output((-0.5, -0.5)), "relu")
    assert_hint(part02.check_neuron_output(0.0), "pair")


def test_forward_pass_check():
    assert part02.check_forward_pass(part02.forward_pass).status == CORRECT
    assert part02.check_forward_pass(unfinished).status == NOT_ATTEMPTED

    def relu_everywhere(parameters, x):
        for weights, biases in parameters:
            x = [max(0.0, b + sum(w * v for w, v in zip(row, x))) for row, b in zip(weights, biases)]
        return x

    def transposed(parameters, x):
        for weights, biases in parameters:
            columns = list(zip(*weights))
            x = [b + sum(w * v for w, v in zip(col, x)) for col, b in zip(columns, biases)]
        return x

    def rows_for_columns(parameters, x):  # W[i][j] where W[j][i] was meant: an IndexError
        for weights, biases in parameters:
            x = [b + sum(weights[i][j] * x[i] for i in range(len(x))) for j, b in enumerate(biases)]
        return x

    assert_hint(part02.check_forward_pass(relu_everywhere), "do not apply relu to the last layer")
    assert_hint(part02.check_forward_pass(transposed), "row j of W")
    swapped = part02.check_forward_pass(rows_for_columns)
    assert_hint(swapped, "IndexError")
    assert_hint(swapped, "W[j][i] is the weight from unit i below to neuron j")
    assert_hint(part02.check_forward_pass(lambda p, x: x[5]), "len(W) rows")  # any IndexError: the reminder
    assert "Remember" not in part02.check_forward_pass(lambda p, x: 1 / 0).message


def test_collapse_reference_against_numpy_and_the_network():
    rng = np.random.default_rng(0)
    w1, b1, w2, b2 = rng.normal(size=(3, 2)), rng.normal(size=3), rng.normal(size=(2, 3)), rng.normal(size=2)
    weights, biases = part02.collapse(w1.tolist(), b1.tolist(), w2.tolist(), b2.tolist())
    assert np.allclose(weights, w2 @ w1) and np.allclose(biases, w2 @ b1 + b2)
    x = rng.normal(size=2)
    assert np.allclose(np.array(weights) @ x + biases, w2 @ (w1 @ x + b1) + b2)


def test_collapse_check():
    assert part02.check_collapse(part02.collapse).status == CORRECT
    assert part02.check_collapse(unfinished).status == NOT_ATTEMPTED
    no_first_bias = lambda w1, b1, w2, b2: (part02.collapse(w1, b1, w2, b2)[0], b2)  # noqa: E731
    assert_hint(part02.check_collapse(no_first_bias), "W2 b1 + b2")
    transposed = lambda w1, b1, w2, b2: (np.array(w1).T @ np.array(w2).T, b2)  # noqa: E731
    assert_hint(part02.check_collapse(transposed), "your W is transposed")
    wrong_order = lambda w1, b1, w2, b2: ((np.array(w1) @ np.array(w2)).tolist(), b2)  # noqa: E731
    assert_hint(part02.check_collapse(wrong_order), "should have 2 rows (one per output) of 2 numbers")
    no_sum = lambda w1, b1, w2, b2: ([[w2[k][0] * w1[0][i] for i in range(2)] for k in range(2)], b2)  # noqa: E731
    assert_hint(part02.check_collapse(no_sum), "right shape but wrong numbers")
    assert_hint(part02.check_collapse(lambda *args: 3.0), "pair")


# --- part 03 ------------------------------------------------------------------------------


def test_mismatched_error_signal_is_the_true_derivative():
    z, t, h = 0.7, 0.2, 1e-6

    def loss(v):
        y = 1.0 / (1.0 + math.exp(-v))
        return 0.5 * (y - t) ** 2

    y = 1.0 / (1.0 + math.exp(-z))
    numeric = (loss(z + h) - loss(z - h)) / (2 * h)
    assert part03.mismatched_error_signal(y, t) == pytest.approx(numeric, rel=1e-7)


def test_mismatched_error_signal_check():
    assert part03.check_mismatched_error_signal(part03.mismatched_error_signal).status == CORRECT
    assert part03.check_mismatched_error_signal(unfinished).status == NOT_ATTEMPTED
    assert_hint(part03.check_mismatched_error_signal(lambda y, t: y - t), "y (1 - y)")
    assert_hint(part03.check_mismatched_error_signal(lambda y, t: (t - y) * y * (1 - y)), "sign")
    assert_hint(part03.check_mismatched_error_signal(lambda y, t: (y - t) * y), "dy/dz")


def test_hidden_error_signal_matches_the_network():
    net = Network([1, 1, 2], activation="tanh", output="identity", seed=3)
    net.forward([0.6])
    net.backward([0.3, -0.2])
    neuron = net.neurons[0][0]
    weights = [connection.weight for connection in net.nonlinear_nodes[0][0].outgoing]
    errors = [connection.target.error_signal for connection in net.nonlinear_nodes[0][0].outgoing]
    expected = part03.hidden_error_signal(neuron.weighted_sum, weights, errors, tanh_derivative)
    assert neuron.error_signal == pytest.approx(expected, rel=1e-12)


def test_hidden_error_signal_check():
    assert part03.check_hidden_error_signal(part03.hidden_error_signal).status == CORRECT
    assert part03.check_hidden_error_signal(unfinished).status == NOT_ATTEMPTED
    no_derivative = lambda z, w, e, d: sum(a * b for a, b in zip(w, e))  # noqa: E731
    assert_hint(part03.check_hidden_error_signal(no_derivative), "multiply by f'(z)")
    unweighted = lambda z, w, e, d: d(z) * sum(e)  # noqa: E731
    assert_hint(part03.check_hidden_error_signal(unweighted), "weight it by w_k")
    with_function = lambda z, w, e, d: tanh(z) * sum(a * b for a, b in zip(w, e))  # noqa: E731
    assert part03.check_hidden_error_signal(with_function).status == INCORRECT


@pytest.mark.parametrize("shape", [[3, 3, 3], [2, 4, 3, 1], [1, 1]])
def test_backward_pass_reference_against_finite_differences_and_the_network(shape):
    rng = random.Random(1)
    parameters = part02.random_parameters(rng, shape)
    x, t = [rng.uniform(-2, 2) for _ in range(shape[0])], [rng.uniform(-1, 1) for _ in range(shape[-1])]

    def loss(p):  # squared error of the identity output, from part 02's reference forward pass
        return 0.5 * sum((y - target) ** 2 for y, target in zip(part02.forward_pass(p, x), t))

    gradients = part03.backward_pass(parameters, x, t)
    h = 1e-6
    for layer, (weights, biases) in enumerate(parameters):
        for row, grads in [*zip(weights, gradients[layer][0]), (biases, gradients[layer][1])]:
            for i, gradient in enumerate(grads):
                value = row[i]
                row[i] = value + h
                up = loss(parameters)
                row[i] = value - h
                down = loss(parameters)
                row[i] = value
                assert gradient == pytest.approx((up - down) / (2 * h), abs=1e-6)
    net = Network(shape, activation="relu", output="identity")
    net.set_parameters(parameters)
    net.forward(x)
    net.backward(t)
    for (dW, db), (net_dW, net_db) in zip(gradients, net.gradients(), strict=True):
        assert np.allclose(dW, net_dW, rtol=1e-12) and np.allclose(db, net_db, rtol=1e-12)


def buggy_backward(mistake):
    """The reference backward pass with one typical mistake built in."""

    def backward(parameters, x, t):
        signals, sums = part03.forward_keeping(parameters, x)
        deltas = [y - target for y, target in zip(signals[-1], t)]
        if mistake == "t - y":
            deltas = [-delta for delta in deltas]
        gradients = []
        for layer in range(len(parameters) - 1, -1, -1):
            weights = parameters[layer][0]
            near = sums[layer - 1] if mistake == "z, not a" and layer > 0 else signals[layer]
            dW = [[delta * a for a in near] for delta in deltas]
            if mistake == "dW transposed":
                dW = [list(column) for column in zip(*dW)]
            gradients.append((dW, list(deltas)))
            if layer == 0:
                break
            below = range(len(sums[layer - 1]))
            if mistake == "W, not W transposed":  # row i of W: an IndexError unless W is square
                messages = [sum(w * delta for w, delta in zip(weights[i], deltas)) for i in below]
            elif mistake == "first message only":
                messages = [weights[0][i] * deltas[0] for i in below]
            elif mistake == "unweighted":
                messages = [sum(deltas) for i in below]
            else:
                messages = [sum(row[i] * delta for row, delta in zip(weights, deltas)) for i in below]
            slope = {"no slope": lambda z: 1.0, "relu, not its slope": relu}.get(mistake, relu_derivative)
            deltas = [slope(z) * m for z, m in zip(sums[layer - 1], messages)]
        return gradients[::-1]

    return backward


@pytest.mark.parametrize(
    "mistake, hint",
    [
        ("no slope", "multiply by the slope relu'(z_i)"),
        ("relu, not its slope", "not by relu(z_i) itself"),
        ("W, not W transposed", "column i of W (W transposed)"),
        ("first message only", "every neuron j"),
        ("unweighted", "weight delta_j by W[j][i]"),
        ("t - y", "check the sign"),
        ("dW transposed", "dW is transposed"),
        ("z, not a", "not its z_i"),
    ],
)
def test_backward_pass_check_names_typical_mistakes(mistake, hint):
    assert_hint(part03.check_backward_pass(buggy_backward(mistake)), hint)


def test_backward_pass_check():
    assert part03.check_backward_pass(part03.backward_pass).status == CORRECT
    assert part03.check_backward_pass(buggy_backward("none")).status == CORRECT  # the helper's own baseline
    assert part03.check_backward_pass(unfinished).status == NOT_ATTEMPTED

    out_of_range = lambda p, x, t: p[0][0][0][99]  # noqa: E731
    assert_hint(part03.check_backward_pass(out_of_range), "W[j][i] is the weight from unit i")
    assert_hint(part03.check_backward_pass(lambda p, x, t: [([[0.0]], [0.0])]), "one (dW, db) pair per layer")
    assert_hint(part03.check_backward_pass(lambda p, x, t: 1.0), "one (dW, db) pair per layer")
    wrong_output = lambda p, x, t: [(dW, [d + 1 for d in db]) for dW, db in part03.backward_pass(p, x, t)]  # noqa: E731
    assert_hint(part03.check_backward_pass(wrong_output), "delta_k = y_k - t_k")


def test_numerical_derivative_check():
    assert part03.check_numerical_derivative(part03.numerical_derivative).status == CORRECT
    assert part03.check_numerical_derivative(unfinished).status == NOT_ATTEMPTED
    assert_hint(part03.check_numerical_derivative(lambda f, x, h: (f(x + h) - f(x)) / h), "one-sided")
    assert_hint(part03.check_numerical_derivative(lambda f, x, h: (f(x + h) - f(x - h)) / h), "2 * h")
    assert_hint(part03.check_numerical_derivative(lambda f, x, h: f(x)), "expected about")


# --- part 04 ------------------------------------------------------------------------------


def test_update_checks():
    assert part04.updated_weight(0.5, 0.2, 1.5, 0.1) == pytest.approx(0.47)  # 0.5 - 0.1*0.2*1.5
    assert part04.check_updated_weight(part04.updated_weight).status == CORRECT
    assert part04.check_updated_weight(unfinished).status == NOT_ATTEMPTED
    assert_hint(part04.check_updated_weight(lambda w, e, s, r: w + r * e * s), "against the gradient")
    assert_hint(part04.check_updated_weight(lambda w, e, s, r: -r * e * s), "new weight")
    assert part04.averaged_step(1.0, [0.2, 0.4], 0.5) == pytest.approx(0.85)  # 1 - 0.5*0.3
    assert part04.check_averaged_step(part04.averaged_step).status == CORRECT
    assert part04.check_averaged_step(unfinished).status == NOT_ATTEMPTED
    assert_hint(part04.check_averaged_step(lambda w, g, r: w - r * sum(g)), "mean gradient")


def test_train_in_batches_reference_equals_one_network_step_per_batch():
    samples, fresh = part04._check_samples()
    net = fresh()
    part04.train_in_batches(net, samples, 5, 0.1, 1)  # one batch of all five: one averaged step
    by_hand = fresh()
    gradients = []
    for x, t in samples:
        single = fresh()
        single.forward(x)
        single.backward(t)
        gradients.append(single.gradients())
    before = by_hand.parameters()
    for layer, (weights, biases) in enumerate(net.parameters()):
        for j, bias in enumerate(biases):
            mean = sum(g[layer][1][j] for g in gradients) / len(samples)
            assert bias == pytest.approx(before[layer][1][j] - 0.1 * mean, rel=1e-12)
            for i, weight in enumerate(weights[j]):
                mean = sum(g[layer][0][j][i] for g in gradients) / len(samples)
                assert weight == pytest.approx(before[layer][0][j][i] - 0.1 * mean, rel=1e-12)


def test_train_in_batches_check():
    assert part04.check_train_in_batches(part04.train_in_batches).status == CORRECT
    assert part04.check_train_in_batches(unfinished).status == NOT_ATTEMPTED

    def every_sample(net, samples, batch_size, rate, epochs):
        return part04.train_in_batches(net, samples, 1, rate, epochs)

    def once_per_epoch(net, samples, batch_size, rate, epochs):
        return part04.train_in_batches(net, samples, len(samples), rate, epochs)

    def no_losses(net, samples, batch_size, rate, epochs):
        part04.train_in_batches(net, samples, batch_size, rate, epochs)
        return [0.0] * epochs

    assert_hint(part04.check_train_in_batches(every_sample), "after every sample")
    assert_hint(part04.check_train_in_batches(once_per_epoch), "once per epoch")
    assert_hint(part04.check_train_in_batches(no_losses), "mean loss")
    assert_hint(part04.check_train_in_batches(lambda *args: [1.0]), "weights differ")


def test_gradient_descent_reference_equals_the_network_stepping_once_per_pass():
    samples, _ = part04._check_samples()
    net = Network([2, 3, 1], activation="relu", output="identity", seed=4)
    start = net.parameters()
    for _ in range(4):
        for x, t in samples:
            net.forward(x)
            net.backward(t)
        net.step(0.3)
    for (weights, biases), (net_weights, net_biases) in zip(
        part04.gradient_descent(start, samples, 0.3, 4), net.parameters(), strict=True
    ):
        assert np.allclose(weights, net_weights, rtol=1e-12) and np.allclose(biases, net_biases, rtol=1e-12)


def test_gradient_descent_check():
    reference, backward = part04.gradient_descent, part03.backward_pass
    done = part04.check_gradient_descent(reference, backward)
    assert done.status == CORRECT
    answers = [float(v) for v in done.message.split("answers ")[1].rstrip(".").split(", ")]
    assert np.allclose(answers, [t for _, (t,) in part04.XOR], atol=0.05)  # XOR learned: 0, 1, 1, 0
    assert part04.check_gradient_descent(unfinished, backward).status == NOT_ATTEMPTED
    assert part04.check_gradient_descent(reference, unfinished).status == NOT_ATTEMPTED
    assert part04.check_gradient_descent(reference, ...).status == NOT_ATTEMPTED
    no_slope = part04.check_gradient_descent(reference, buggy_backward("no slope"))
    assert_hint(no_slope, "Your backward_pass first")
    assert_hint(no_slope, "relu'(z_i)")

    def per_sample(parameters, samples, rate, steps):
        for _ in range(steps):
            for sample in samples:
                parameters = reference(parameters, [sample], rate, 1)
        return parameters

    mistakes = {
        "have not moved": lambda p, s, rate, steps: p,
        "divide their sum": lambda p, s, rate, steps: reference(p, s, rate * len(s), steps),
        "after every sample": per_sample,
        "against the gradient": lambda p, s, rate, steps: reference(p, s, -rate, steps),
        "one fewer": lambda p, s, rate, steps: reference(p, s, rate, steps - 1),
        "one more": lambda p, s, rate, steps: reference(p, s, rate, steps + 1),
        "differ from the network's": lambda p, s, rate, steps: reference(p, s[:-1], rate, steps),
        "raised TypeError": lambda p, s, rate, steps: p + 1,
    }
    for hint, mistake in mistakes.items():
        assert_hint(part04.check_gradient_descent(mistake, backward), hint)
