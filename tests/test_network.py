"""The node engine against independent truths: hand computation, finite differences, round trips."""

import math
import random

import pytest

from nodewise import Network, gradcheck
from nodewise.activations import sigmoid
from nodewise.losses import binary_cross_entropy, cross_entropy, squared_error
from nodewise.nodes import Neuron

ACTIVATIONS = ["relu", "tanh", "sigmoid"]
OUTPUTS = ["identity", "sigmoid", "softmax"]


def random_target(rng, output, width):
    """A valid target: one-hot for softmax, numbers in [0, 1] otherwise."""
    if output == "softmax":
        hot = rng.randrange(width)
        return [1.0 if k == hot else 0.0 for k in range(width)]
    return [rng.uniform(0.0, 1.0) for _ in range(width)]


def with_random_biases(net, seed):
    """Nonzero biases keep relu weighted sums off the kink at exactly zero."""
    rng = random.Random(seed)
    net.set_parameters([(w, [rng.uniform(-0.5, 0.5) for _ in b]) for w, b in net.parameters()])
    return net


# --- wiring ---------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [[1, 1], [3, 3, 3], [4, 8, 3], [2, 5, 4, 1], [64, 10, 10, 10, 10]])
def test_node_and_connection_counts(shape):
    net = Network(shape, output="identity")
    assert len(net.input_nodes) == shape[0]
    assert [len(layer) for layer in net.neurons] == shape[1:]
    assert [len(layer) for layer in net.nonlinear_nodes] == shape[1:]
    assert len(net.output_nodes) == shape[-1]
    expected = sum(a * b for a, b in zip(shape, shape[1:]))
    assert sum(len(layer) for layer in net.connections) == expected


def test_every_link_is_seen_from_both_ends():
    net = Network([3, 4, 2], activation="tanh", output="sigmoid")
    senders = [net.input_nodes] + net.nonlinear_nodes[:-1]
    for layer, connections in enumerate(net.connections):
        for connection in connections:
            assert connection in connection.source.outgoing
            assert connection in connection.target.incoming
            assert connection.source in senders[layer]
            assert connection.target in net.neurons[layer]
        for neuron in net.neurons[layer]:
            assert len(neuron.incoming) == len(senders[layer])
            assert neuron.nonlinear.neuron is neuron
    for k, node in enumerate(net.output_nodes):
        assert node.source is net.nonlinear_nodes[-1][k]
    # W[j][i] is the weight from unit i below to unit j
    weights = net.parameters()[0][0]
    assert net.input_nodes[2].outgoing[1].target is net.neurons[0][1]
    assert net.input_nodes[2].outgoing[1].weight == weights[1][2]


# --- forward against hand computation ------------------------------------------------


def tiny(activation, output):
    net = Network([2, 2, 2], activation=activation, output=output)
    net.set_parameters(
        [
            ([[0.5, -1.0], [2.0, 0.25]], [0.1, -0.2]),
            ([[1.0, -0.5], [-2.0, 3.0]], [0.3, 0.0]),
        ]
    )
    return net


def hand_forward(activation, output, x):
    f = {
        "relu": lambda z: max(0.0, z),
        "tanh": math.tanh,
        "sigmoid": lambda z: 1 / (1 + math.exp(-z)),
    }[activation]
    h1 = f(0.5 * x[0] - 1.0 * x[1] + 0.1)
    h2 = f(2.0 * x[0] + 0.25 * x[1] - 0.2)
    z = [1.0 * h1 - 0.5 * h2 + 0.3, -2.0 * h1 + 3.0 * h2]
    if output == "identity":
        return z
    if output == "sigmoid":
        return [1 / (1 + math.exp(-v)) for v in z]
    return [math.exp(v) / (math.exp(z[0]) + math.exp(z[1])) for v in z]


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_forward_matches_hand_computation(activation, output):
    x = [0.7, -0.3]
    y = tiny(activation, output).forward(x)
    assert isinstance(y, list) and all(isinstance(v, float) for v in y)
    assert y == pytest.approx(hand_forward(activation, output, x), rel=1e-12)


def test_forward_hand_numbers_relu_identity():
    # h = relu([0.5*1 - 1*2 + 0.1, 2*1 + 0.25*2 - 0.2]) = relu([-1.4, 2.3]) = [0, 2.3]
    # y = [0 - 0.5*2.3 + 0.3, 0 + 3*2.3] = [-0.85, 6.9]
    assert tiny("relu", "identity").forward([1.0, 2.0]) == pytest.approx([-0.85, 6.9])


def test_softmax_is_finite_for_huge_weighted_sums():
    net = Network([1, 3], output="softmax")
    net.set_parameters([([[1000.0], [-1000.0], [0.0]], [0.0, 0.0, 0.0])])
    assert net.forward([1.0]) == [1.0, 0.0, 0.0]
    assert math.isfinite(net.loss([1.0], [0.0, 1.0, 0.0]))


# --- losses -----------------------------------------------------------------------------


def test_losses_match_their_definitions():
    net = tiny("tanh", "identity")
    y = net.forward([0.2, 0.4])
    assert net.loss([0.2, 0.4], [1.0, -1.0]) == pytest.approx(0.5 * ((y[0] - 1) ** 2 + (y[1] + 1) ** 2))
    net = tiny("tanh", "sigmoid")
    y = net.forward([0.2, 0.4])
    t = [0.3, 1.0]
    bce = -sum(ti * math.log(yi) + (1 - ti) * math.log(1 - yi) for yi, ti in zip(y, t))
    assert net.loss([0.2, 0.4], t) == pytest.approx(bce, rel=1e-12)
    net = tiny("tanh", "softmax")
    y = net.forward([0.2, 0.4])
    assert net.loss([0.2, 0.4], [0.0, 1.0]) == pytest.approx(-math.log(y[1]), rel=1e-12)


def test_squared_error_of_a_huge_difference_is_infinite_not_an_exception():
    assert squared_error([1e200], [0.0]) == math.inf


def test_stable_losses_agree_with_naive_formulas():
    z, t = [-3.0, 0.5, 2.0], [0.2, 1.0, 0.0]
    assert squared_error(z, t) == pytest.approx(0.5 * sum((a - b) ** 2 for a, b in zip(z, t)))
    y = [sigmoid(v) for v in z]
    assert binary_cross_entropy(z, t) == pytest.approx(
        -sum(b * math.log(a) + (1 - b) * math.log(1 - a) for a, b in zip(y, t))
    )
    total = sum(math.exp(v) for v in z)
    assert cross_entropy(z, [0, 0, 1]) == pytest.approx(-math.log(math.exp(2.0) / total))


# --- gradients ----------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_gradients_agree_with_finite_differences(activation, output):
    rng = random.Random(7)
    net = with_random_biases(Network([3, 5, 4, 3], activation=activation, output=output, seed=3), 3)
    samples = [([rng.uniform(-1, 1) for _ in range(3)], random_target(rng, output, 3)) for _ in range(4)]
    before = net.parameters()
    assert gradcheck(net, samples) < 1e-6
    assert net.parameters() == before


def test_gradcheck_catches_a_wrong_gradient(monkeypatch):
    net = with_random_biases(Network([2, 3, 2], activation="tanh", output="identity"), 1)
    original = Neuron.accumulate

    def broken(neuron):  # a local rule with a bug: the bias gradient doubled
        original(neuron)
        neuron.bias_gradient *= 2.0

    monkeypatch.setattr(Neuron, "accumulate", broken)
    assert gradcheck(net, [([0.3, -0.8], [0.5, 0.1])]) > 0.1


def test_gradcheck_ignores_gradients_accumulated_before():
    net = with_random_biases(Network([2, 3, 2], activation="tanh", output="identity"), 1)
    net.forward([5.0, -3.0])
    net.backward([9.0, 9.0])  # left over, never stepped
    assert gradcheck(net, [([0.3, -0.8], [0.5, 0.1])]) < 1e-6


def test_clear_gradients_forgets_without_moving():
    net = Network([2, 3, 2], activation="tanh", output="identity")
    before = net.parameters()
    net.forward([0.5, 0.1])
    net.backward([1.0, 0.0])
    net.clear_gradients()
    assert net.parameters() == before
    assert all(v == 0.0 for dw, db in net.gradients() for row in dw for v in row + db)
    with pytest.raises(ValueError, match="no gradients"):
        net.step(0.1)


def test_output_error_signal_is_prediction_minus_target():
    for output in OUTPUTS:
        net = tiny("sigmoid", output)
        y = net.forward([0.1, 0.9])
        t = [0.0, 1.0]
        net.backward(t)
        for k, node in enumerate(net.output_nodes):
            assert node.error_signal == pytest.approx(y[k] - t[k])
            assert net.neurons[-1][k].error_signal == pytest.approx(y[k] - t[k])


def test_accumulation_equals_sum_of_single_sample_gradients():
    rng = random.Random(1)
    samples = [([rng.gauss(0, 1) for _ in range(4)], random_target(rng, "softmax", 3)) for _ in range(5)]
    net = Network([4, 6, 3], activation="tanh", seed=2)
    singles = []
    for x, t in samples:
        net.forward(x)
        net.backward(t)
        singles.append(net.gradients())
        net.step(1e-300)  # clears the accumulation; moves nothing measurable
    net = Network([4, 6, 3], activation="tanh", seed=2)
    for x, t in samples:
        net.forward(x)
        net.backward(t)
    total = net.gradients()
    for layer, (dw, db) in enumerate(total):
        for j in range(len(db)):
            assert db[j] == pytest.approx(sum(s[layer][1][j] for s in singles), rel=1e-12, abs=1e-15)
            for i in range(len(dw[j])):
                expected = sum(s[layer][0][j][i] for s in singles)
                assert dw[j][i] == pytest.approx(expected, rel=1e-12, abs=1e-15)


def test_gradient_is_error_at_far_end_times_signal_at_near_end():
    net = tiny("relu", "softmax")
    net.forward([0.4, 0.6])
    net.backward([1.0, 0.0])
    dw, db = net.gradients()[1]
    hidden = [node.output for node in net.nonlinear_nodes[0]]
    for j, neuron in enumerate(net.neurons[1]):
        assert db[j] == neuron.error_signal
        assert dw[j] == [neuron.error_signal * h for h in hidden]


# --- step -----------------------------------------------------------------------------------


@pytest.mark.parametrize("samples", [1, 3])
def test_step_moves_parameters_exactly_by_the_formula(samples):
    rng = random.Random(4)
    net = Network([3, 4, 2], activation="sigmoid", output="sigmoid", seed=5)
    for _ in range(samples):
        net.forward([rng.random() for _ in range(3)])
        net.backward([rng.random() for _ in range(2)])
    before, grads = net.parameters(), net.gradients()
    net.step(0.5)
    after = net.parameters()
    for (w0, b0), (dw, db), (w1, b1) in zip(before, grads, after):
        for j in range(len(b0)):
            assert b1[j] == pytest.approx(b0[j] - 0.5 * db[j] / samples, rel=1e-14, abs=1e-15)
            for i in range(len(w0[j])):
                assert w1[j][i] == pytest.approx(w0[j][i] - 0.5 * dw[j][i] / samples, rel=1e-14, abs=1e-15)
    assert all(v == 0.0 for dw, db in net.gradients() for row in dw for v in row + db)


def test_step_with_momentum_and_weight_decay():
    net = tiny("tanh", "identity")
    x, t = [0.3, -0.2], [1.0, 0.0]
    w0 = net.parameters()
    net.forward(x)
    net.backward(t)
    g1 = net.gradients()
    net.step(0.1, momentum=0.9, weight_decay=0.01)
    w1 = net.parameters()
    v1 = -0.1 * (g1[0][0][0][0] + 0.01 * w0[0][0][0][0])
    assert w1[0][0][0][0] == pytest.approx(w0[0][0][0][0] + v1, rel=1e-14)
    assert w1[0][1][0] == pytest.approx(w0[0][1][0] - 0.1 * g1[0][1][0], rel=1e-14)  # no decay on biases
    net.forward(x)
    net.backward(t)
    g2 = net.gradients()
    net.step(0.1, momentum=0.9, weight_decay=0.01)
    v2 = 0.9 * v1 - 0.1 * (g2[0][0][0][0] + 0.01 * w1[0][0][0][0])
    assert net.parameters()[0][0][0][0] == pytest.approx(w1[0][0][0][0] + v2, rel=1e-14)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_a_small_step_lowers_the_loss(activation, output):
    rng = random.Random(11)
    net = with_random_biases(Network([3, 4, 3], activation=activation, output=output, seed=1), 2)
    x, t = [rng.uniform(-1, 1) for _ in range(3)], random_target(rng, output, 3)
    before = net.loss(x, t)
    net.backward(t)
    net.step(1e-3)
    assert net.loss(x, t) < before


def test_repeated_steps_solve_xor():
    data = [([0.0, 0.0], [0.0]), ([0.0, 1.0], [1.0]), ([1.0, 0.0], [1.0]), ([1.0, 1.0], [0.0])]
    net = Network([2, 4, 1], activation="tanh", output="sigmoid", seed=0)
    for _ in range(2000):
        for x, t in data:
            net.forward(x)
            net.backward(t)
        net.step(1.0)
    assert [round(net.forward(x)[0]) for x, _ in data] == [0, 1, 1, 0]


# --- determinism and parameters ------------------------------------------------------------


def test_same_seed_same_parameters_other_seed_other_parameters():
    assert Network([5, 7, 3], seed=42).parameters() == Network([5, 7, 3], seed=42).parameters()
    assert Network([5, 7, 3], seed=42).parameters() != Network([5, 7, 3], seed=43).parameters()


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_initialization_scale(activation):
    net = Network([400, 300, 200], activation=activation, output="identity", seed=0)
    first = [w for row in net.parameters()[0][0] for w in row]
    variance = sum(w * w for w in first) / len(first)
    expected = 2 / 400 if activation == "relu" else 2 / (400 + 300)
    assert variance == pytest.approx(expected, rel=0.05)
    assert all(b == 0.0 for _, b in net.parameters() for b in b)


def test_parameters_round_trip_and_are_copies():
    a, b = Network([3, 5, 2], seed=1), Network([3, 5, 2], seed=2)
    b.set_parameters(a.parameters())
    assert b.parameters() == a.parameters()
    x = [0.1, 0.2, 0.3]
    assert b.forward(x) == a.forward(x)
    p = a.parameters()
    p[0][0][0][0] = 123.0
    assert a.parameters()[0][0][0][0] != 123.0


# --- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "shape, error",
    [
        ([3], ValueError),
        ([], ValueError),
        ([3, 0, 2], ValueError),
        ([3, 2.5], ValueError),
        ([3, -1], ValueError),
        ([3, True], ValueError),
        ("34", TypeError),
        (5, TypeError),
    ],
)
def test_bad_shapes(shape, error):
    with pytest.raises(error, match="shape"):
        Network(shape)


def test_unknown_activation_and_output_names():
    with pytest.raises(ValueError, match="relu, tanh, sigmoid"):
        Network([2, 2], activation="softplus")
    with pytest.raises(ValueError, match="identity, sigmoid, softmax"):
        Network([2, 2], output="relu")


@pytest.mark.parametrize(
    "x, error, message",
    [
        ([1.0], ValueError, "has 1 values but the network expects 2"),
        ([1.0, 2.0, 3.0], ValueError, "expects 2"),
        ([1.0, float("nan")], ValueError, r"input x\[1\] is nan"),
        ([float("inf"), 1.0], ValueError, r"input x\[0\] is inf"),
        (["a", 1.0], TypeError, r"input x\[0\] is 'a'"),
        ([None, 1.0], TypeError, "expected a real number"),
        ("ab", TypeError, "sequence of 2 numbers"),
        (3.0, TypeError, "sequence of 2 numbers"),
    ],
)
def test_bad_inputs(x, error, message):
    with pytest.raises(error, match=message):
        Network([2, 3, 2]).forward(x)


def test_inputs_may_be_ints_and_numpy_numbers():
    np = pytest.importorskip("numpy")
    net = Network([2, 3, 2])
    assert net.forward(np.array([1, 2], dtype=np.float32)) == pytest.approx(net.forward([1, 2]))


@pytest.mark.parametrize(
    "output, target, message",
    [
        ("softmax", [1.0], "expects 2"),
        ("softmax", [0.5, 0.6], "sum to 1"),
        ("softmax", [-1.0, 2.0], "non-negative"),
        ("sigmoid", [0.5, 1.5], "between 0 and 1"),
        ("identity", [1.0, float("nan")], "finite"),
        ("identity", ["x", 1.0], "real number"),
    ],
)
def test_bad_targets(output, target, message):
    net = Network([2, 3, 2], output=output)
    net.forward([0.1, 0.2])
    with pytest.raises((ValueError, TypeError), match=message):
        net.backward(target)


def test_softmax_over_one_output_is_refused():
    with pytest.raises(ValueError, match="single output always gives 1"):
        Network([2, 1])
    assert Network([2, 1], output="sigmoid").shape == [2, 1]


def test_backward_before_forward():
    with pytest.raises(ValueError, match="call net.forward"):
        Network([2, 2]).backward([1.0, 0.0])


def test_step_before_backward():
    net = Network([2, 2])
    net.forward([1.0, 2.0])
    with pytest.raises(ValueError, match="backward"):
        net.step(0.1)


@pytest.mark.parametrize("rate", [0.0, -0.1, float("nan"), float("inf"), "0.1", None])
def test_bad_learning_rates(rate):
    net = Network([2, 2])
    net.forward([1.0, 2.0])
    net.backward([1.0, 0.0])
    before = net.parameters()
    with pytest.raises((ValueError, TypeError), match="learning_rate"):
        net.step(rate)
    assert net.parameters() == before


@pytest.mark.parametrize("momentum, weight_decay", [(1.0, 0.0), (-0.1, 0.0), (0.0, -1.0)])
def test_bad_momentum_and_weight_decay(momentum, weight_decay):
    net = Network([2, 2])
    net.forward([1.0, 2.0])
    net.backward([1.0, 0.0])
    with pytest.raises(ValueError, match="momentum|weight_decay"):
        net.step(0.1, momentum=momentum, weight_decay=weight_decay)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda p: p[:1], "expected 2 .W, b. pairs"),
        (lambda p: [p[0], (p[1][0],)], "layer 2: expected a .W, b. pair"),
        (lambda p: [(p[0][0][:-1], p[0][1]), p[1]], "layer 1: W must have 3 rows"),
        (lambda p: [([r[:-1] for r in p[0][0]], p[0][1]), p[1]], r"layer 1 W\[0\] has 1 values"),
        (lambda p: [p[0], (p[1][0], p[1][1] + [0.0])], "layer 2 b has 3 values"),
        (lambda p: [p[0], ([[float("nan")] * 3] + p[1][0][1:], p[1][1])], "finite"),
        (lambda p: "nonsense", "expected 2"),
    ],
)
def test_bad_set_parameters_changes_nothing(mutate, message):
    net = Network([2, 3, 2])
    good = net.parameters()
    with pytest.raises((ValueError, TypeError), match=message):
        net.set_parameters(mutate(net.parameters()))
    assert net.parameters() == good
