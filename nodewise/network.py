"""A network wired from a shape, and the three sweeps that run it.

``Network([4, 8, 3])`` builds 4 input nodes, a hidden layer of 8 neurons (each with its
nonlinear node), an output layer of 3 neurons with their output nonlinearity, and 3
output nodes, joined by 4*8 + 8*3 connections. The network only keeps lists of its
components and decides the order of the sweeps; every rule is local to a component in
:mod:`nodewise.nodes`.
"""

from __future__ import annotations

import math
import numbers
import random
from collections.abc import Iterable, Sequence

from nodewise.activations import ACTIVATIONS, get_activation
from nodewise.losses import LOSSES, OUTPUTS
from nodewise.nodes import Connection, InputNode, Neuron, NonlinearNode, OutputNode, SoftmaxNode

Parameters = list[tuple[list[list[float]], list[float]]]
"""[(W, b), ...] one pair per layer of connections; W[j][i] is the weight from unit i below to unit j."""


def _check_number(value: object, where: str) -> float:
    """Return value as a finite float, or raise a clear TypeError/ValueError naming ``where``."""
    if type(value) is not float:
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(
                f"{where} is {value!r} ({type(value).__name__}): expected a real number; "
                "convert your data to floats"
            )
        value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{where} is {value}: expected a finite number; remove or replace NaN and infinity")
    return value


def check_vector(values: object, length: int, what: str) -> list[float]:
    """Return ``values`` as a list of ``length`` finite floats, or raise a clear error."""
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise TypeError(
            f"{what} must be a sequence of {length} numbers, got {type(values).__name__}; "
            "pass a list of floats"
        )
    items = list(values)
    if len(items) != length:
        raise ValueError(
            f"{what} has {len(items)} values but the network expects {length}; pass exactly {length} numbers"
        )
    # Fast path, run for every sample: all plain floats whose sum is finite (a NaN or an
    # infinity anywhere makes the sum non-finite). Anything else is checked one by one.
    if set(map(type, items)) == {float} and math.isfinite(sum(items)):
        return items
    return [_check_number(value, f"{what}[{i}]") for i, value in enumerate(items)]


def check_learning_rate(learning_rate: object) -> float:
    """A learning rate must be a positive finite number."""
    rate = _check_number(learning_rate, "learning_rate")
    if rate <= 0.0:
        raise ValueError(f"learning_rate is {rate}: expected a positive number such as 0.1")
    return rate


def check_output(output: object, width: int) -> str:
    """An output kind is one of identity, sigmoid, softmax (each paired with its loss).

    Softmax needs at least two outputs: over a single one it always gives 1.
    """
    if output not in OUTPUTS:
        raise ValueError(
            f"unknown output {output!r}: expected one of {', '.join(OUTPUTS)} "
            "(softmax for classes, sigmoid for yes/no labels, identity for regression)"
        )
    if output == "softmax" and width == 1:
        raise ValueError(
            "softmax over a single output always gives 1: use output='sigmoid' for a yes/no "
            "label, output='identity' for a number, or one softmax output per class"
        )
    return output


def check_step_settings(momentum: object, weight_decay: object) -> tuple[float, float]:
    """Momentum must lie in [0, 1) and weight decay must not be negative."""
    momentum = _check_number(momentum, "momentum")
    weight_decay = _check_number(weight_decay, "weight_decay")
    if not 0.0 <= momentum < 1.0:
        raise ValueError(f"momentum is {momentum}: expected a number in [0, 1), such as 0.9")
    if weight_decay < 0.0:
        raise ValueError(f"weight_decay is {weight_decay}: expected 0 or a small positive number")
    return momentum, weight_decay


def check_shape(shape: object) -> list[int]:
    """A shape is a sequence of at least two positive integer widths."""
    if isinstance(shape, str | bytes) or not isinstance(shape, Sequence):
        raise TypeError(f"shape must be a list of layer widths such as [4, 8, 3], got {shape!r}")
    if len(shape) < 2:
        raise ValueError(
            f"shape {list(shape)} has {len(shape)} layer(s): a network needs at least an input "
            "and an output layer, e.g. [4, 3] or [4, 8, 3]"
        )
    for position, width in enumerate(shape):
        if isinstance(width, bool) or not isinstance(width, numbers.Integral) or width < 1:
            raise ValueError(
                f"shape[{position}] is {width!r}: every layer width must be a positive integer, "
                "e.g. [4, 8, 3]"
            )
    return [int(width) for width in shape]


def initial_weight(rng: random.Random, fan_in: int, fan_out: int, activation: str) -> float:
    """He initialization before relu, Glorot before tanh, sigmoid and the output layer.

    He: normal with variance 2 / fan_in, which keeps the signal's size steady through relu
    (relu zeroes half of it). Glorot: uniform in +-sqrt(6 / (fan_in + fan_out)), variance
    2 / (fan_in + fan_out), balancing the forward signal and the backward error.
    """
    if activation == "relu":
        return rng.gauss(0.0, math.sqrt(2.0 / fan_in))
    limit = math.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit)


class Network:
    """A fully connected network built from nodes and connections.

    >>> net = Network([4, 8, 3], activation="relu", output="softmax", seed=0)
    >>> y = net.forward([0.1, 0.2, 0.3, 0.4])   # output activations, list[float]
    >>> net.backward([0.0, 1.0, 0.0])           # adds this sample's gradients
    >>> net.step(0.1)                           # every parameter takes its local step

    The graph is public: ``input_nodes``, then per layer of connections ``l``:
    ``neurons[l]``, ``nonlinear_nodes[l]`` and ``connections[l]`` (the connections into
    layer ``l``, ordered by neuron then input), and finally ``output_nodes``.
    """

    def __init__(
        self,
        shape: Sequence[int],
        activation: str = "relu",
        output: str = "softmax",
        seed: int | None = 0,
    ) -> None:
        self.shape = check_shape(shape)
        hidden = get_activation(activation)
        self.activation = activation
        self.output = check_output(output, self.shape[-1])
        self.seed = seed
        rng = random.Random(seed)

        self.input_nodes = [InputNode(i) for i in range(self.shape[0])]
        self.neurons: list[list[Neuron]] = []
        self.nonlinear_nodes: list[list[NonlinearNode | SoftmaxNode]] = []
        self.connections: list[list[Connection]] = []
        sources: list[InputNode | NonlinearNode | SoftmaxNode] = list(self.input_nodes)
        last = len(self.shape) - 1
        for layer in range(1, last + 1):
            neurons = [Neuron(layer, j) for j in range(self.shape[layer])]
            if layer < last:
                nonlinear = [NonlinearNode(n, hidden) for n in neurons]
            elif output == "softmax":
                nonlinear = [SoftmaxNode(n, neurons) for n in neurons]
            else:
                nonlinear = [NonlinearNode(n, ACTIVATIONS[output]) for n in neurons]
            init = activation if layer < last else output
            fan_in, fan_out = len(sources), len(neurons)
            self.connections.append(
                [
                    Connection(source, neuron, initial_weight(rng, fan_in, fan_out, init))
                    for neuron in neurons
                    for source in sources
                ]
            )
            self.neurons.append(neurons)
            self.nonlinear_nodes.append(nonlinear)
            sources = nonlinear
        self.output_nodes = [OutputNode(k, node) for k, node in enumerate(sources)]

        self._forwarded = False  # has forward run since the last backward?
        self._pending = False  # error signals of the last backward not yet added to gradients
        self._samples = 0  # samples accumulated since the last step

    def __repr__(self) -> str:
        return (
            f"Network({self.shape}, activation={self.activation!r}, output={self.output!r}, "
            f"seed={self.seed!r})"
        )

    # --- the three sweeps -------------------------------------------------------------

    def forward(self, x: Sequence[float]) -> list[float]:
        """Run the forward sweep for one sample and return the output activations y."""
        values = check_vector(x, self.shape[0], "input x")
        if self._pending:
            self._accumulate()  # the last sample's gradients need its signals: add them now
        for node, value in zip(self.input_nodes, values, strict=True):
            node.output = value
        senders: list[InputNode] | list[NonlinearNode] = self.input_nodes
        for neurons, nonlinear_nodes in zip(self.neurons, self.nonlinear_nodes, strict=True):
            for neuron in neurons:
                neuron.start()
            for node in senders:
                node.send()
            for node in nonlinear_nodes:
                node.forward()
            senders = nonlinear_nodes
        self._forwarded = True
        return [node.forward() for node in self.output_nodes]

    def backward(self, target: Sequence[float]) -> None:
        """Send the error signals of the last forward back through the network.

        Output nodes set y - t at the output neurons; layer by layer, each neuron sends its
        error signal back along its incoming connections, and each nonlinear node below
        turns what arrives into its neuron's error signal.

        This sample's gradients (error signal x incoming signal) count as accumulated from
        now on. They are added to the connections' ``gradient`` sums only when something
        needs them (:meth:`gradients`, the next forward or backward, a mini-batch step):
        a step after a single sample uses the error signals directly and skips that pass.
        """
        if not self._forwarded:
            raise ValueError("backward() needs the signals of a forward pass: call net.forward(x) first")
        targets = self.check_target(target)
        if self._pending:
            self._accumulate()
        for node, value in zip(self.output_nodes, targets, strict=True):
            node.backward(value)
        for layer in range(len(self.neurons) - 1, 0, -1):  # input nodes need no error
            below = self.nonlinear_nodes[layer - 1]
            for node in below:
                node.error_signal = 0.0
            for neuron in self.neurons[layer]:
                neuron.send_error()
            for node in below:
                node.backward()
        self._pending = True
        self._samples += 1

    def step(self, learning_rate: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        """Move every weight and bias against its gradient averaged over the accumulated samples.

        Plain gradient descent: w -= learning_rate * (accumulated gradient / samples).
        With ``momentum`` each parameter keeps a velocity v = momentum * v - rate * g and
        moves by it; ``weight_decay`` adds weight_decay * w to each weight's gradient (the
        gradient of the L2 penalty weight_decay/2 * w^2). The accumulation is then cleared.
        """
        rate = check_learning_rate(learning_rate)
        momentum, weight_decay = check_step_settings(momentum, weight_decay)
        if self._samples == 0:
            raise ValueError("step() has no gradients to apply: call forward(x) and backward(target) first")
        if self._samples == 1 and self._pending and momentum == 0.0 and weight_decay == 0.0:
            for neurons in self.neurons:  # one sample: use its error signals directly
                for neuron in neurons:
                    neuron.step_one_sample(rate)
        else:
            if self._pending:
                self._accumulate()
            scale = 1.0 / self._samples
            for neurons in self.neurons:
                for neuron in neurons:
                    neuron.step(rate, scale, momentum, weight_decay)
        self._pending = False
        self._samples = 0

    def clear_gradients(self) -> None:
        """Forget every accumulated gradient without moving any parameter."""
        for neurons in self.neurons:
            for neuron in neurons:
                neuron.clear_gradients()
        self._pending = False
        self._samples = 0

    def clear_velocities(self) -> None:
        """Forget every momentum velocity (after a divergence they may be infinite)."""
        for neurons in self.neurons:
            for neuron in neurons:
                neuron.bias_velocity = 0.0
                for connection in neuron.incoming:
                    connection.velocity = 0.0

    def _accumulate(self) -> None:
        for neurons in self.neurons:
            for neuron in neurons:
                neuron.accumulate()
        self._pending = False

    # --- reading and writing parameters ---------------------------------------------

    def gradients(self) -> Parameters:
        """The accumulated gradients [(dW, db), ...]: sums over the samples since the last step."""
        if self._pending:
            self._accumulate()
        return [
            (
                [[c.gradient for c in neuron.incoming] for neuron in neurons],
                [neuron.bias_gradient for neuron in neurons],
            )
            for neurons in self.neurons
        ]

    def parameters(self) -> Parameters:
        """A copy of the parameters [(W, b), ...], W[j][i] the weight from unit i to unit j."""
        return [
            (
                [[c.weight for c in neuron.incoming] for neuron in neurons],
                [neuron.bias for neuron in neurons],
            )
            for neurons in self.neurons
        ]

    def set_parameters(self, parameters: Parameters) -> None:
        """Replace every weight and bias; the structure must match :meth:`parameters` exactly.

        Everything is checked before anything is written, so a bad argument changes nothing.
        """
        expected = "a list of (W, b) pairs, one per layer, as returned by net.parameters()"
        if not isinstance(parameters, Sequence) or len(parameters) != len(self.neurons):
            raise ValueError(
                f"set_parameters expected {len(self.neurons)} (W, b) pairs for shape "
                f"{self.shape}; got {type(parameters).__name__} of another length: pass {expected}"
            )
        checked = []
        for layer, (pair, neurons) in enumerate(zip(parameters, self.neurons), start=1):
            if not isinstance(pair, Sequence) or len(pair) != 2:
                raise ValueError(f"layer {layer}: expected a (W, b) pair; pass {expected}")
            weights, biases = pair
            fan_in = self.shape[layer - 1]
            if not isinstance(weights, Sequence) or len(weights) != len(neurons):
                raise ValueError(
                    f"layer {layer}: W must have {len(neurons)} rows of {fan_in} weights; pass {expected}"
                )
            rows = [check_vector(row, fan_in, f"layer {layer} W[{j}]") for j, row in enumerate(weights)]
            checked.append((rows, check_vector(biases, len(neurons), f"layer {layer} b")))
        for (rows, biases), neurons in zip(checked, self.neurons, strict=True):
            for neuron, row, bias in zip(neurons, rows, biases, strict=True):
                neuron.bias = bias
                for connection, weight in zip(neuron.incoming, row, strict=True):
                    connection.weight = weight

    # --- targets and loss ----------------------------------------------------------------

    def check_target(self, target: Sequence[float]) -> list[float]:
        """Validate a target for this network's output kind (see :mod:`nodewise.losses`).

        Softmax targets must be a probability distribution (one-hot, for a class) and
        sigmoid targets must lie in [0, 1]: only then is y - t the true gradient.
        """
        targets = check_vector(target, self.shape[-1], "target")
        if self.output == "softmax" and (min(targets) < 0.0 or abs(sum(targets) - 1.0) > 1e-9):
            raise ValueError(
                f"softmax target {targets} must be non-negative and sum to 1; "
                "for a class, pass a one-hot list such as [0, 1, 0]"
            )
        if self.output == "sigmoid" and not all(0.0 <= t <= 1.0 for t in targets):
            raise ValueError(f"sigmoid targets {targets} must each lie between 0 and 1")
        return targets

    def loss(self, x: Sequence[float], target: Sequence[float]) -> float:
        """The loss of one sample, paired with the output kind (see :mod:`nodewise.losses`)."""
        self.forward(x)
        targets = self.check_target(target)
        weighted_sums = [neuron.weighted_sum for neuron in self.neurons[-1]]
        return LOSSES[self.output](weighted_sums, targets)
