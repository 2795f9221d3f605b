"""Training: many small steps downhill, epoch after epoch, with a record of how it went.

One epoch shows the network every training sample once, in a new random order, in
mini-batches: for each batch, a forward and a backward sweep per sample add up the
gradients, and one step moves every parameter against their average. Batch size 1 is
plain per-sample stochastic gradient descent. After each epoch, the network is measured
on the validation data, which it never learns from.

The data is checked once, before the first epoch, so a bad sample is reported by its
row number; the loop itself only calls the network's ``forward``, ``backward`` and
``step``.

Either engine trains here: a node :class:`~nodewise.network.Network`, which takes one
sample at a time as lists of floats, or its twin :class:`~nodewise.matrix.MatrixNetwork`,
which takes a whole mini-batch as one numpy array. Only :func:`train_batch`,
:func:`predict` and the checks and measurements beside them tell the two apart; from
the same start, with the same seed, both end with the same parameters and History.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from nodewise import metrics
from nodewise.matrix import MatrixNetwork, check_array, mean_loss
from nodewise.network import Network, check_learning_rate, check_vector

Engine = Network | MatrixNetwork
"""Either engine: the node graph, or the same network as matrices."""

LONG_EPOCH = 5000
"""Epochs of at least this many samples also get a progress bar over their samples."""


@dataclass
class History:
    """What happened in each epoch, one list entry per epoch.

    ``train_loss`` is the mean loss over the epoch's samples, each measured just before
    the step its batch took (so it lags a little behind the network at the epoch's end).
    ``validation_loss`` and ``validation_accuracy`` measure the network at the end of the
    epoch (empty without validation data). The accuracies stay empty for regression,
    where they mean nothing. ``seconds`` is each epoch's training time, without validation.
    """

    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    validation_loss: list[float] = field(default_factory=list)
    validation_accuracy: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    samples_per_epoch: int = 0

    @property
    def epochs(self) -> int:
        return len(self.train_loss)

    @property
    def samples_per_second(self) -> float:
        """Training samples processed per second of training, over all epochs."""
        total = sum(self.seconds)
        return self.epochs * self.samples_per_epoch / total if total > 0 else 0.0


class TrainingDiverged(ValueError):
    """The loss became NaN or infinite; ``history`` holds the epochs completed before that."""

    def __init__(self, message: str, history: History) -> None:
        super().__init__(message)
        self.history = history


# --- outputs to answers -----------------------------------------------------------------


def is_classifier(output: str, outputs: int) -> bool:
    """Softmax outputs, and a single sigmoid output, answer with a class; anything else with numbers."""
    return output == "softmax" or (output == "sigmoid" and outputs == 1)


def labels_of(output: str, vectors: Sequence[Sequence[float]]) -> list[int]:
    """The class of each output (or target) vector: the largest softmax output, or sigmoid y >= 0.5."""
    if output == "softmax":
        return [metrics.argmax(vector) for vector in vectors]
    return [int(vector[0] >= 0.5) for vector in vectors]


def array_labels(output: str, rows: np.ndarray) -> np.ndarray:
    """:func:`labels_of` for a whole array, one vector per row (np.argmax also takes the first on a tie)."""
    return rows.argmax(axis=1) if output == "softmax" else (rows[:, 0] >= 0.5).astype(int)


def predict(net: Engine, inputs: Sequence[Sequence[float]]) -> list[list[float]]:
    """The network's output vector for each input (a matrix network computes them all in one batch)."""
    if isinstance(net, MatrixNetwork):
        return net.forward(inputs).tolist()
    return [net.forward(x) for x in inputs]


def predict_labels(net: Engine, inputs: Sequence[Sequence[float]]) -> list[int]:
    """The predicted class of each input (softmax or single-sigmoid networks)."""
    if not is_classifier(net.output, net.shape[-1]):
        raise ValueError(
            f"a network with {net.shape[-1]} {net.output} output(s) predicts numbers, not classes; "
            "use predict() for its outputs"
        )
    return labels_of(net.output, predict(net, inputs))


def evaluate(
    net: Engine, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]]
) -> tuple[float, float | None]:
    """(mean loss, accuracy) of the network on this data; accuracy is None for regression."""
    if isinstance(net, MatrixNetwork):
        outputs = net.forward(inputs)
        classifier = is_classifier(net.output, net.shape[-1])
        loss, right = batch_score(net.output, net.check_targets(targets, len(outputs)), outputs, classifier)
        return loss / len(outputs), right / len(outputs) if classifier else None
    outputs = predict(net, inputs)
    loss = metrics.loss(net.output, targets, outputs)
    if not is_classifier(net.output, net.shape[-1]):
        return loss, None
    return loss, metrics.accuracy(labels_of(net.output, targets), labels_of(net.output, outputs))


# --- checking the data once ---------------------------------------------------------------


def check_data(
    net: Engine, inputs: Sequence[Sequence[float]], targets: Sequence[Sequence[float]], what: str
) -> tuple[list[list[float]], list[list[float]]] | tuple[np.ndarray, np.ndarray]:
    """Every input and target of the network's widths, or an error naming the row.

    For the node engine, lists of floats; for the matrix engine, two arrays of its dtype,
    one sample per row (the form its forward and backward take).
    """
    if len(inputs) != len(targets):
        raise ValueError(
            f"{what}: {len(inputs)} inputs but {len(targets)} targets; pass one target per input"
        )
    if len(inputs) == 0:
        raise ValueError(f"{what} is empty: pass at least one sample")
    if isinstance(net, MatrixNetwork):
        X = check_array(inputs, (None, net.shape[0]), f"{what} inputs", net.dtype)
        try:
            return X, net.check_targets(targets, len(X))
        except (TypeError, ValueError) as error:
            raise type(error)(f"{what}: {error}") from None
    checked_inputs = [check_vector(x, net.shape[0], f"{what} input {row}") for row, x in enumerate(inputs)]
    checked_targets = []
    for row, target in enumerate(targets):
        try:
            checked_targets.append(net.check_target(target))
        except (TypeError, ValueError) as error:
            raise type(error)(f"{what} target {row}: {error}") from None
    return checked_inputs, checked_targets


def _check_settings(epochs: int, batch_size: int, momentum: float, weight_decay: float) -> None:
    """Check the settings before anything runs, so a bad one never leaves a half-done batch behind."""
    for name, value in (("epochs", epochs), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} is {value!r}: expected a positive whole number")
    if not isinstance(momentum, int | float) or not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum is {momentum!r}: expected a number in [0, 1), such as 0.9 (0 for none)")
    if not isinstance(weight_decay, int | float) or not 0.0 <= weight_decay < math.inf:
        raise ValueError(
            f"weight_decay is {weight_decay!r}: expected 0 or a small positive number such as 1e-4"
        )


# --- the loop -----------------------------------------------------------------------------


def train_batch(
    net: Engine,
    inputs: Sequence[list[float]] | np.ndarray,
    targets: Sequence[list[float]] | np.ndarray,
    learning_rate: float,
    momentum: float,
    weight_decay: float,
) -> list[list[float]] | np.ndarray:
    """One mini-batch: forward and backward for each sample, then one step for the whole batch.

    The matrix engine does the forward and backward sweeps of all the samples at once.
    Returns the outputs the network gave before its step, from which the loop measures
    the loss. This is the only place where the network learns: the rest of the loop only
    reads it, except that ``train`` puts back the earlier parameters if training diverges.
    """
    if isinstance(net, MatrixNetwork):
        outputs = net.forward(inputs)
        net.backward(targets)
    else:
        outputs = []
        for x, target in zip(inputs, targets):
            outputs.append(net.forward(x))
            net.backward(target)
    net.step(learning_rate, momentum, weight_decay)
    return outputs


def batch_score(
    output: str,
    targets: Sequence[list[float]] | np.ndarray,
    outputs: list[list[float]] | np.ndarray,
    classifier: bool,
) -> tuple[float, int]:
    """(loss summed over the batch, number of samples classified right) from the outputs of train_batch.

    Arrays from the matrix engine are measured with numpy, by the same formulas as lists.
    """
    if isinstance(outputs, np.ndarray):
        loss = mean_loss(output, targets, outputs) * len(outputs)
        if not classifier:
            return loss, 0
        return loss, int(np.sum(array_labels(output, outputs) == array_labels(output, targets)))
    loss = metrics.loss(output, targets, outputs) * len(outputs)
    if not classifier:
        return loss, 0
    predicted, true = labels_of(output, outputs), labels_of(output, targets)
    return loss, sum(p == t for p, t in zip(predicted, true))


def _all_finite(parameters: list) -> bool:
    """True if no weight or bias is NaN or infinite (a NaN or an infinity anywhere spoils the sum)."""
    return math.isfinite(sum(sum(map(sum, weights)) + sum(biases) for weights, biases in parameters))


def _diverged(net: Engine, last_finite: list, epoch: int, learning_rate: float, history: History) -> None:
    net.set_parameters(last_finite)
    net.clear_velocities()
    raise TrainingDiverged(
        f"training diverged in epoch {epoch}: the loss became NaN or infinite. The network keeps its "
        f"parameters from before that epoch. Try a smaller learning rate, such as {learning_rate / 10:g}.",
        history,
    )


def train(
    net: Engine,
    inputs: Sequence[Sequence[float]],
    targets: Sequence[Sequence[float]],
    *,
    epochs: int,
    learning_rate: float,
    batch_size: int = 1,
    momentum: float = 0.0,
    weight_decay: float = 0.0,
    validation: tuple[Sequence[Sequence[float]], Sequence[Sequence[float]]] | None = None,
    seed: int | None = 0,
    progress: bool = True,
) -> History:
    """Train ``net`` on (inputs, targets) for ``epochs`` epochs and return the :class:`History`.

    ``net`` is a node :class:`Network` or a :class:`MatrixNetwork`; inputs and targets may
    be nested lists or numpy arrays for either. Targets have the network's output width:
    one-hot for a softmax output.
    Each epoch reshuffles the samples (seeded by ``seed``) and takes one step per
    mini-batch of ``batch_size`` samples; ``momentum`` and ``weight_decay`` go to
    ``net.step``. With ``validation=(inputs, targets)``, the network is measured on that
    data after every epoch. ``progress`` shows a progress bar (off with False).

    If the loss becomes NaN or infinite, training stops with :class:`TrainingDiverged`
    and the network gets back its parameters from the start of that epoch.
    """
    _check_settings(epochs, batch_size, momentum, weight_decay)
    rate = check_learning_rate(learning_rate)
    inputs, targets = check_data(net, inputs, targets, "training data")
    if validation is not None:
        validation = check_data(net, validation[0], validation[1], "validation data")
    history = History(samples_per_epoch=len(inputs))
    rng = random.Random(seed)
    order = list(range(len(inputs)))
    with tqdm(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress) as bar:
        for epoch in bar:
            last_finite = net.parameters()
            rng.shuffle(order)
            start = time.perf_counter()
            with tqdm(
                total=len(order),
                desc=f"epoch {epoch}",
                unit="sample",
                leave=False,
                disable=not progress or len(order) < LONG_EPOCH,
            ) as samples_bar:
                loss, accuracy = run_epoch(
                    net, inputs, targets, order, batch_size, rate, momentum, weight_decay, samples_bar
                )
            seconds = time.perf_counter() - start
            if not (math.isfinite(loss) and _all_finite(net.parameters())):
                _diverged(net, last_finite, epoch, rate, history)
            _record(history, net, loss, accuracy, seconds, validation)
            bar.set_postfix(_summary(history), refresh=False)
    return history


def run_epoch(
    net: Engine,
    inputs: list[list[float]] | np.ndarray,
    targets: list[list[float]] | np.ndarray,
    order: list[int],
    batch_size: int,
    learning_rate: float,
    momentum: float,
    weight_decay: float,
    samples_bar: tqdm,
) -> tuple[float, float | None]:
    """One pass over the samples in ``order``, batch by batch: (mean loss, accuracy) over the epoch.

    Stops early, returning a NaN loss, as soon as a batch's loss is not finite.
    """
    classifier = is_classifier(net.output, net.shape[-1])
    matrix = isinstance(net, MatrixNetwork)
    loss_sum, right = 0.0, 0
    for first in range(0, len(order), batch_size):
        batch = order[first : first + batch_size]
        if matrix:
            batch_inputs, batch_targets = inputs[batch], targets[batch]
        else:
            batch_inputs, batch_targets = [inputs[i] for i in batch], [targets[i] for i in batch]
        outputs = train_batch(net, batch_inputs, batch_targets, learning_rate, momentum, weight_decay)
        batch_loss, batch_right = batch_score(net.output, batch_targets, outputs, classifier)
        if not math.isfinite(batch_loss):
            return math.nan, None
        loss_sum += batch_loss
        right += batch_right
        samples_bar.update(len(batch))
    return loss_sum / len(order), right / len(order) if classifier else None


def _record(
    history: History,
    net: Engine,
    loss: float,
    accuracy: float | None,
    seconds: float,
    validation: tuple[list[list[float]], list[list[float]]] | None,
) -> None:
    """Append one epoch's numbers, measuring the network on the validation data."""
    history.seconds.append(seconds)
    history.train_loss.append(loss)
    if accuracy is not None:
        history.train_accuracy.append(accuracy)
    if validation is not None:
        validation_loss, validation_accuracy = evaluate(net, *validation)
        history.validation_loss.append(validation_loss)
        if validation_accuracy is not None:
            history.validation_accuracy.append(validation_accuracy)


def _summary(history: History) -> dict[str, str]:
    """The latest epoch's numbers, for the progress bar."""
    names = {
        "loss": history.train_loss,
        "accuracy": history.train_accuracy,
        "val_loss": history.validation_loss,
        "val_accuracy": history.validation_accuracy,
    }
    return {name: f"{values[-1]:.4f}" for name, values in names.items() if values}
