"""nodewise.train with the matrix engine: the same run as the node engine, number for number."""

import math
import random

import numpy as np
import pytest
from test_network import random_target
from test_training import assert_refused_before_training, regression_that_explodes

from nodewise import Network, metrics, train, training
from nodewise.matrix import MatrixNetwork, mean_loss

ACTIVATIONS = ["relu", "tanh", "sigmoid"]
OUTPUTS = ["identity", "sigmoid", "softmax"]
SHAPE = [4, 6, 3]


def data(seed, output, samples):
    """Inputs in [-1, 1] and valid targets for the output kind, as nested lists."""
    rng = random.Random(seed)
    inputs = [[rng.uniform(-1.0, 1.0) for _ in range(SHAPE[0])] for _ in range(samples)]
    return inputs, [random_target(rng, output, SHAPE[-1]) for _ in range(samples)]


def flat(parameters):
    return np.concatenate([np.ravel(part) for pair in parameters for part in pair])


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("output", OUTPUTS)
def test_train_ends_with_the_same_parameters_and_history_on_both_engines(activation, output):
    net = Network(SHAPE, activation, output, seed=5)
    matrix = MatrixNetwork.from_network(net)
    start = flat(net.parameters())
    inputs, targets = data(1, output, 23)  # 23 = 3 batches of 7 and a last batch of 2
    validation = data(2, output, 9)
    settings = dict(
        epochs=4, learning_rate=0.1, batch_size=7, momentum=0.9, weight_decay=0.01, seed=3, progress=False
    )
    node_history = train(net, inputs, targets, validation=validation, **settings)
    matrix_history = train(matrix, inputs, targets, validation=validation, **settings)
    assert np.abs(flat(net.parameters()) - start).max() > 0.01  # the run really trained
    np.testing.assert_allclose(flat(matrix.parameters()), flat(net.parameters()), rtol=0, atol=1e-9)
    for name in ("train_loss", "train_accuracy", "validation_loss", "validation_accuracy"):
        node, ours = getattr(node_history, name), getattr(matrix_history, name)
        assert len(ours) == len(node) == (4 if "loss" in name or output == "softmax" else 0)
        np.testing.assert_allclose(ours, node, rtol=1e-9, atol=1e-12, err_msg=name)


def test_arrays_in_float32_train_too_and_learn_xor():
    inputs = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    targets = np.eye(2, dtype=np.float32)[[0, 1, 1, 0]]
    matrix = MatrixNetwork([2, 8, 2], "relu", "softmax", seed=1, dtype=np.float32)
    history = train(matrix, inputs, targets, epochs=300, learning_rate=0.1, momentum=0.9, progress=False)
    assert training.predict_labels(matrix, inputs) == [0, 1, 1, 0]
    assert history.train_loss[-1] < 0.05 < history.train_loss[0]
    assert history.train_accuracy[-1] == 1.0


@pytest.mark.parametrize("output", OUTPUTS)
def test_mean_loss_is_the_metrics_loss(output):
    rng = random.Random(4)
    targets = [random_target(rng, output, 3) for _ in range(6)]
    outputs = [random_target(rng, output, 3) for _ in range(6)]
    outputs[0] = [1.0, 0.0, 0.0] if output != "identity" else outputs[0]  # probabilities of 0 and 1: clipped
    assert mean_loss(output, np.array(targets), np.array(outputs)) == pytest.approx(
        metrics.loss(output, targets, outputs), rel=1e-12
    )


def test_predict_and_evaluate_agree_with_the_node_engine():
    net = Network(SHAPE, "tanh", "softmax", seed=2)
    matrix = MatrixNetwork.from_network(net)
    inputs, targets = data(3, "softmax", 11)
    np.testing.assert_allclose(training.predict(matrix, inputs), training.predict(net, inputs), atol=1e-12)
    assert training.predict_labels(matrix, inputs) == training.predict_labels(net, inputs)
    (matrix_loss, matrix_accuracy), (node_loss, node_accuracy) = (
        training.evaluate(engine, inputs, targets) for engine in (matrix, net)
    )
    assert matrix_loss == pytest.approx(node_loss, rel=1e-12) and matrix_accuracy == node_accuracy


def test_divergence_restores_the_last_finite_parameters_and_clears_the_velocities():
    net, inputs, targets = regression_that_explodes()
    matrix = MatrixNetwork.from_network(net)
    settings = dict(learning_rate=0.05, batch_size=2, momentum=0.5, seed=1, progress=False)
    with pytest.raises(training.TrainingDiverged) as node_run:
        train(net, inputs, targets, epochs=200, **settings)
    with pytest.raises(training.TrainingDiverged) as matrix_run:
        train(matrix, inputs, targets, epochs=200, **settings)
    assert str(matrix_run.value) == str(node_run.value)
    assert all(math.isfinite(v) for v in flat(matrix.parameters()))
    np.testing.assert_allclose(flat(matrix.parameters()), flat(net.parameters()), rtol=1e-9)
    assert not any(v.any() for v in matrix.weight_velocities + matrix.bias_velocities)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": [[0.0, 1.0, 2.0], [1.0, math.nan, 0.0]]}, r"training data inputs\[1, 1\] is nan"),
        ({"inputs": [[0.0, 1.0, 2.0], [1.0, 0.0]]}, "training data inputs has rows of different lengths"),
        ({"inputs": [[0.0, 1.0], [1.0, 0.0]]}, r"training data inputs has shape \(2, 2\)"),
        ({"targets": [[1.0, 0.0], [0.5, 0.2]]}, r"training data: softmax target T\[1\]"),
        ({"targets": [[1.0, 0.0]]}, "2 inputs but 1 targets"),
        ({"inputs": [], "targets": []}, "training data is empty"),
        ({"validation": ([[0.0, 0.0, 0.0]], [[2.0, 0.0]])}, "validation data: softmax target"),
    ],
)
def test_bad_data_is_reported_before_training(change, message):
    assert_refused_before_training(MatrixNetwork([3, 2], seed=0), change, message)
