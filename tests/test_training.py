"""The training loop: what each epoch does, what it records, and how it fails."""

import math
import random

import pytest

from nodewise import Network, train, training
from nodewise.datasets import one_hot, xor


def blob_data(seed=0, n=24):
    """Two separable classes in 3-D, with one-hot targets."""
    rng = random.Random(seed)
    inputs, labels = [], []
    for i in range(n):
        label = i % 2
        inputs.append([rng.gauss(2 * label - 1, 0.5) for _ in range(3)])
        labels.append(label)
    return inputs, one_hot(labels, 2)


def twin(net):
    """A second network with the same shape, kind and parameters."""
    other = Network(net.shape, net.activation, net.output, seed=None)
    other.set_parameters(net.parameters())
    return other


def flat(parameters):
    return [v for weights, biases in parameters for row in weights for v in row] + [
        v for _, biases in parameters for v in biases
    ]


def test_learns_xor():
    inputs, labels = xor()
    net = Network([2, 8, 2], activation="relu", seed=1)
    history = train(
        net, inputs, one_hot(labels, 2), epochs=300, learning_rate=0.1, momentum=0.9, progress=False
    )
    assert training.predict_labels(net, inputs) == labels
    assert history.train_loss[-1] < 0.05 < history.train_loss[0]


def test_a_full_batch_epoch_is_one_gradient_step():
    inputs, targets = blob_data()
    net = Network([3, 4, 2], activation="tanh", seed=3)
    by_hand = twin(net)
    history = train(net, inputs, targets, epochs=1, learning_rate=0.5, batch_size=len(inputs), progress=False)
    # the loss is measured before the step: the mean loss of the untrained network
    assert history.train_loss == [pytest.approx(sum(map(by_hand.loss, inputs, targets)) / len(inputs))]
    for x, t in zip(inputs, targets):
        by_hand.forward(x)
        by_hand.backward(t)
    by_hand.step(0.5)
    assert flat(net.parameters()) == pytest.approx(flat(by_hand.parameters()), abs=1e-12)


def test_momentum_and_weight_decay_reach_the_step():
    inputs, targets = blob_data()
    net = Network([3, 4, 2], seed=4)
    by_hand = twin(net)
    train(
        net,
        inputs,
        targets,
        epochs=3,
        learning_rate=0.2,
        batch_size=len(inputs),
        momentum=0.8,
        weight_decay=0.01,
        progress=False,
    )
    for _ in range(3):
        for x, t in zip(inputs, targets):
            by_hand.forward(x)
            by_hand.backward(t)
        by_hand.step(0.2, momentum=0.8, weight_decay=0.01)
    assert flat(net.parameters()) == pytest.approx(flat(by_hand.parameters()), abs=1e-12)


def test_each_epoch_shows_every_sample_once_in_a_new_seeded_order(monkeypatch):
    seen = []
    real_batch = training.train_batch

    def recording(net, inputs, targets, *settings):
        seen.append([tuple(x) for x in inputs])
        return real_batch(net, inputs, targets, *settings)

    monkeypatch.setattr(training, "train_batch", recording)
    inputs = [[float(i), 0.0] for i in range(10)]
    targets = one_hot([i % 2 for i in range(10)], 2)

    def epochs_seen(seed):
        seen.clear()
        train(
            Network([2, 2]),
            inputs,
            targets,
            epochs=3,
            learning_rate=0.01,
            batch_size=4,
            seed=seed,
            progress=False,
        )
        assert [len(batch) for batch in seen] == [4, 4, 2] * 3  # the last batch of an epoch is shorter
        return [[x for batch in seen[k : k + 3] for x in batch] for k in (0, 3, 6)]

    orders = epochs_seen(seed=7)
    assert all(sorted(order) == sorted(map(tuple, inputs)) for order in orders)
    assert orders[0] != orders[1] != orders[2]
    assert epochs_seen(seed=7) == orders and epochs_seen(seed=8) != orders


def test_history_records_every_epoch_and_validation():
    inputs, targets = blob_data(seed=1)
    valid_inputs, valid_targets = blob_data(seed=2, n=10)
    net = Network([3, 5, 2], seed=0)
    history = train(
        net,
        inputs,
        targets,
        epochs=4,
        learning_rate=0.05,
        batch_size=3,
        validation=(valid_inputs, valid_targets),
        progress=False,
    )
    assert history.epochs == 4 and history.samples_per_epoch == 24
    for values in (history.train_loss, history.train_accuracy, history.validation_loss, history.seconds):
        assert len(values) == 4
    assert all(s > 0 for s in history.seconds)
    assert history.samples_per_second == pytest.approx(4 * 24 / sum(history.seconds))
    # validation measures the final network, counted by hand
    expected_loss = sum(map(net.loss, valid_inputs, valid_targets)) / 10
    right = sum(
        max(range(2), key=net.forward(x).__getitem__) == t.index(1.0)
        for x, t in zip(valid_inputs, valid_targets)
    )
    assert history.validation_loss[-1] == pytest.approx(expected_loss)
    assert history.validation_accuracy[-1] == right / 10
    assert training.evaluate(net, valid_inputs, valid_targets) == (pytest.approx(expected_loss), right / 10)


def test_regression_records_no_accuracy():
    inputs = [[x / 10] for x in range(-10, 11)]
    targets = [[x[0] ** 2] for x in inputs]
    net = Network([1, 8, 1], activation="tanh", output="identity", seed=0)
    history = train(
        net, inputs, targets, epochs=5, learning_rate=0.05, validation=(inputs, targets), progress=False
    )
    assert len(history.train_loss) == 5 and history.train_accuracy == [] and history.validation_accuracy == []
    assert training.evaluate(net, inputs, targets)[1] is None
    with pytest.raises(ValueError, match="predicts numbers, not classes"):
        training.predict_labels(net, inputs)


def test_a_single_sigmoid_output_is_a_yes_no_classifier():
    net = Network([2, 1], output="sigmoid")
    assert training.is_classifier("sigmoid", 1) and not training.is_classifier("sigmoid", 2)
    assert training.labels_of("sigmoid", [[0.2], [0.5], [0.9]]) == [0, 1, 1]
    inputs, labels = xor()
    history = train(net, inputs, [[float(t)] for t in labels], epochs=2, learning_rate=0.1, progress=False)
    assert len(history.train_accuracy) == 2


def test_same_seed_same_network():
    inputs, targets = blob_data()
    runs = []
    for seed in (5, 5, 6):
        net = Network([3, 4, 2], seed=0)
        train(net, inputs, targets, epochs=2, learning_rate=0.1, seed=seed, progress=False)
        runs.append(net.parameters())
    assert runs[0] == runs[1] != runs[2]


# --- divergence ---------------------------------------------------------------------------------


def regression_that_explodes():
    """A linear fit to features up to 25 in size: a learning rate of 0.05 is far too large."""
    inputs = [[float(x), float(x) ** 2] for x in range(-5, 6)]
    targets = [[3.0 * x[0] - x[1]] for x in inputs]
    return Network([2, 1], output="identity", seed=0), inputs, targets


def test_divergence_stops_with_a_clear_error_and_the_last_finite_parameters():
    net, inputs, targets = regression_that_explodes()
    settings = dict(learning_rate=0.05, batch_size=2, momentum=0.5, seed=1, progress=False)
    with pytest.raises(training.TrainingDiverged, match="smaller learning rate, such as 0.005") as caught:
        train(net, inputs, targets, epochs=200, **settings)
    completed = caught.value.history.epochs
    assert completed > 1 and f"diverged in epoch {completed + 1}:" in str(caught.value)
    assert len(caught.value.history.seconds) == completed
    assert all(math.isfinite(v) for v in flat(net.parameters()))
    # replaying the completed epochs gives exactly the parameters the network kept
    replay, _, _ = regression_that_explodes()
    train(replay, inputs, targets, epochs=completed, **settings)
    assert net.parameters() == replay.parameters()
    # the momentum velocities (infinite by now) are cleared, as in a new network
    assert all(c.velocity == 0.0 for layer in net.connections for c in layer)
    assert all(neuron.bias_velocity == 0.0 for layer in net.neurons for neuron in layer)


# --- progress ------------------------------------------------------------------------------------


def test_progress_goes_to_stderr_and_is_off_on_request(capsys, monkeypatch):
    inputs, targets = blob_data()
    train(Network([3, 2]), inputs, targets, epochs=2, learning_rate=0.1, progress=False)
    assert capsys.readouterr() == ("", "")
    monkeypatch.setattr(training, "LONG_EPOCH", 10)  # 24 samples now make a long epoch
    train(Network([3, 2]), inputs, targets, epochs=2, learning_rate=0.1)
    out, err = capsys.readouterr()
    assert out == "" and "training" in err and "epoch" in err and "sample" in err and "loss=" in err


# --- bad input -------------------------------------------------------------------------------------


def assert_refused_before_training(net, change, message):
    """Training a [3, 2] network on two samples, with ``change`` applied, fails and moves nothing."""
    before = net.parameters()
    arguments = dict(
        inputs=[[0.0, 1.0, 2.0], [1.0, 0.0, 0.0]],
        targets=[[1.0, 0.0], [0.0, 1.0]],
        epochs=1,
        learning_rate=0.1,
        progress=False,
    )
    arguments.update(change)
    with pytest.raises((ValueError, TypeError), match=message):
        train(net, **arguments)
    assert net.parameters() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"inputs": [[0.0, 1.0, 2.0], [1.0, math.nan, 0.0]]}, r"training data input 1\[1\] is nan"),
        ({"inputs": [[0.0, 1.0, 2.0], [1.0, 0.0]]}, "training data input 1 has 2 values"),
        ({"targets": [[1.0, 0.0], [0.5, 0.2]]}, "training data target 1: softmax target"),
        ({"targets": [[1.0, 0.0]]}, "2 inputs but 1 targets"),
        ({"inputs": [], "targets": []}, "training data is empty"),
        ({"epochs": 0}, "epochs is 0"),
        ({"batch_size": 1.5}, "batch_size is 1.5"),
        ({"learning_rate": -1.0}, "learning_rate is -1.0"),
        ({"momentum": 1.0}, "momentum is 1.0"),
        ({"weight_decay": -0.1}, "weight_decay is -0.1"),
        ({"validation": ([[0.0, 0.0, 0.0]], [[2.0, 0.0]])}, "validation data target 0"),
    ],
)
def test_bad_input_is_reported_before_training(change, message):
    net = Network([3, 2], seed=0)
    before = net.parameters()
    assert_refused_before_training(net, change, message)
    # nothing half-done (such as a batch's gradients) is left behind to spoil the next training
    fresh = twin(net)
    for network in (net, fresh):
        train(network, [[0.0, 1.0, 2.0]], [[1.0, 0.0]], epochs=1, learning_rate=0.1, progress=False)
    assert net.parameters() == fresh.parameters() != before
