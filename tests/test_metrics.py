"""Each metric against scikit-learn's on random data, and against hand counts on a tiny example."""

import math
import random

import pytest
from sklearn import metrics as sk

from nodewise import Network, metrics
from nodewise.datasets import one_hot


def random_classes(seed, n=200, classes=4):
    rng = random.Random(seed)
    return [rng.randrange(classes) for _ in range(n)], [rng.randrange(classes) for _ in range(n)]


def random_probabilities(seed, n, classes):
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        weights = [rng.uniform(0.01, 1.0) for _ in range(classes)]
        rows.append([w / sum(weights) for w in weights])
    return rows


# --- a tiny example counted by hand ------------------------------------------------------

TRUE = [0, 0, 0, 1, 1, 2]
PREDICTED = [0, 1, 0, 1, 2, 2]


def test_hand_counted_example():
    assert metrics.accuracy(TRUE, PREDICTED) == 4 / 6
    assert metrics.confusion_matrix(TRUE, PREDICTED) == [[2, 1, 0], [0, 1, 1], [0, 0, 1]]
    precision, recall, f1 = metrics.precision_recall_f1(TRUE, PREDICTED)
    # class 1: predicted twice (right once) -> precision 1/2; true twice (found once) -> recall 1/2
    assert precision == [1.0, 0.5, 0.5]
    assert recall == [2 / 3, 0.5, 1.0]
    assert f1[0] == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))
    assert f1[2] == pytest.approx(2 * 0.5 * 1.0 / 1.5)


def test_cross_entropy_by_hand():
    probabilities = [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]]
    expected = -(math.log(0.7) + math.log(0.8)) / 2
    assert metrics.cross_entropy([0, 1], probabilities) == pytest.approx(expected)
    assert metrics.cross_entropy(one_hot([0, 1], 3), probabilities) == pytest.approx(expected)


def test_mean_squared_error_by_hand():
    assert metrics.mean_squared_error([1.0, 2.0], [1.5, 1.0]) == pytest.approx((0.25 + 1.0) / 2)
    assert metrics.mean_squared_error([[1.0, 0.0]], [[2.0, 2.0]]) == pytest.approx((1.0 + 4.0) / 2)


# --- against scikit-learn on random data ----------------------------------------------------


@pytest.mark.parametrize("seed", range(5))
def test_accuracy_and_confusion_matrix_match_sklearn(seed):
    true, predicted = random_classes(seed)
    assert metrics.accuracy(true, predicted) == pytest.approx(sk.accuracy_score(true, predicted))
    expected = sk.confusion_matrix(true, predicted, labels=range(4)).tolist()
    assert metrics.confusion_matrix(true, predicted, classes=4) == expected


@pytest.mark.parametrize("seed", range(5))
def test_precision_recall_f1_match_sklearn(seed):
    true, predicted = random_classes(seed, n=60, classes=5)
    predicted = [p if p != 4 else 3 for p in predicted]  # class 4 is never predicted: precision 0/0
    ours = metrics.precision_recall_f1(true, predicted, classes=5)
    theirs = sk.precision_recall_fscore_support(true, predicted, labels=range(5), zero_division=0)
    for our_values, their_values in zip(ours, theirs[:3]):
        assert our_values == pytest.approx(their_values.tolist())


@pytest.mark.parametrize("seed", range(5))
def test_cross_entropy_matches_sklearn_log_loss(seed):
    true, _ = random_classes(seed, n=50, classes=3)
    probabilities = random_probabilities(seed, 50, 3)
    expected = sk.log_loss(true, probabilities, labels=range(3))
    assert metrics.cross_entropy(true, probabilities) == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(3))
def test_binary_cross_entropy_matches_sklearn_log_loss(seed):
    rng = random.Random(seed)
    true = [rng.randrange(2) for _ in range(40)]
    probabilities = [rng.uniform(0.01, 0.99) for _ in range(40)]
    expected = sk.log_loss(true, probabilities)
    assert metrics.binary_cross_entropy(true, probabilities) == pytest.approx(expected)
    assert metrics.binary_cross_entropy([[t] for t in true], [[p] for p in probabilities]) == pytest.approx(
        expected
    )


@pytest.mark.parametrize("seed", range(3))
def test_mean_squared_error_matches_sklearn(seed):
    rng = random.Random(seed)
    targets = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(30)]
    predictions = [[rng.gauss(0, 1) for _ in range(3)] for _ in range(30)]
    assert metrics.mean_squared_error(targets, predictions) == pytest.approx(
        sk.mean_squared_error(targets, predictions)
    )
    flat_t, flat_p = [t[0] for t in targets], [p[0] for p in predictions]
    assert metrics.mean_squared_error(flat_t, flat_p) == pytest.approx(sk.mean_squared_error(flat_t, flat_p))


def test_a_certain_mistake_costs_a_large_finite_loss():
    loss = metrics.cross_entropy([0], [[0.0, 1.0]])
    assert math.isfinite(loss) and loss == pytest.approx(-math.log(metrics.PROBABILITY_FLOOR))


# --- the training loss equals the network's own loss ------------------------------------------


@pytest.mark.parametrize("output", ["identity", "sigmoid", "softmax"])
def test_loss_from_outputs_equals_the_networks_loss(output):
    rng = random.Random(1)
    net = Network([3, 4, 2], activation="tanh", output=output, seed=2)
    samples = []
    for _ in range(5):
        x = [rng.uniform(-1, 1) for _ in range(3)]
        t = (
            one_hot([rng.randrange(2)], 2)[0]
            if output == "softmax"
            else [rng.uniform(0, 1) for _ in range(2)]
        )
        samples.append((x, t))
    outputs = [net.forward(x) for x, _ in samples]
    expected = sum(net.loss(x, t) for x, t in samples) / len(samples)  # computed from z by nodewise.losses
    assert metrics.loss(output, [t for _, t in samples], outputs) == pytest.approx(expected, rel=1e-12)


def test_argmax_takes_the_first_of_equals():
    assert metrics.argmax([0.1, 0.7, 0.2]) == 1
    assert metrics.argmax([0.5, 0.5]) == 0


# --- bad input ---------------------------------------------------------------------------------


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="3 true values but 2 predictions"):
        metrics.accuracy([0, 1, 1], [0, 1])
    with pytest.raises(ValueError, match="at least one sample"):
        metrics.mean_squared_error([], [])
    with pytest.raises(ValueError, match="classes is 2"):
        metrics.confusion_matrix([0, 2], [0, 1], classes=2)
    with pytest.raises(ValueError, match="unknown output 'tanh'"):
        metrics.loss("tanh", [[0.0]], [[0.0]])
