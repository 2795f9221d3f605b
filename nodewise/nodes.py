"""The five kinds of component a network is built from, each with its local rules.

Every component knows only its neighbours:

==============  ==========================  ============================================
component       knows                       does
==============  ==========================  ============================================
InputNode       its outgoing connections    holds one feature value and hands it on
Connection      its two end nodes           carries one weight; scales the signal forward
                                            and the error backward
Neuron          its incoming connections,   sums its incoming signals and adds a bias
                its nonlinear node
NonlinearNode   its neuron, its outgoing    applies an activation function forward, and
(SoftmaxNode)   connections                 multiplies the error by its derivative backward
OutputNode      its nonlinear node          compares the prediction with the target:
                                            error = y - t
==============  ==========================  ============================================

Three sweeps over the components run a network: ``forward`` (input to output: each
node sends its signal along its outgoing connections), ``backward`` (output to input:
each neuron sends its error signal back along its incoming connections) and ``step``
(each parameter moves against its own gradient). The order of the sweeps lives in :mod:`nodewise.network`;
the rules themselves live here, each a few lines long.

Speed without hiding anything: every class uses ``__slots__`` (small, fast objects); a
node loops over its own connections in one tight loop instead of calling a method on
every connection; and a zero signal or error, which would add nothing, is not sent.
"""

from __future__ import annotations

import math

from nodewise.activations import Activation


class Sender:
    """A node whose ``output`` signal travels along its ``outgoing`` connections.

    Input nodes and hidden nonlinear nodes are senders.
    """

    __slots__ = ("output", "outgoing")

    def send(self) -> None:
        """Forward along each outgoing connection: the neuron at its far end adds weight * signal.

        A zero signal (a blank pixel, a relu that is off) would add nothing, so it is not sent.
        """
        signal = self.output
        if signal:
            for connection in self.outgoing:
                connection.target.weighted_sum += connection.weight * signal


class InputNode(Sender):
    """Holds one feature value (``output``) and hands it on to its outgoing connections."""

    __slots__ = ("index",)

    def __init__(self, index: int) -> None:
        self.index = index
        self.output = 0.0
        self.outgoing: list[Connection] = []

    def __repr__(self) -> str:
        return f"InputNode(#{self.index}, output={self.output:.4g})"


class Connection:
    """One weight between two nodes: ``source`` (near end) and ``target`` (far end).

    Forward it carries ``weight * source.output`` into the target neuron; backward it
    carries ``weight * target.error_signal`` into the source. Its gradient is

        dL/dweight = (error signal at its far end) * (signal at its near end),

    summed in ``gradient`` over the samples of a mini-batch. The network adds each
    sample's share when it is needed, so read ``gradient`` after ``net.gradients()``.
    """

    __slots__ = ("weight", "source", "target", "gradient", "velocity")

    def __init__(self, source: InputNode | NonlinearNode, target: Neuron, weight: float) -> None:
        self.weight = weight
        self.source = source
        self.target = target
        self.gradient = 0.0
        self.velocity = 0.0
        source.outgoing.append(self)
        target.incoming.append(self)

    def __repr__(self) -> str:
        return f"Connection(weight={self.weight:.4g}, gradient={self.gradient:.4g})"


class Neuron:
    """Adds up its bias and its incoming signals: z = b + sum_i w_i x_i.

    ``error_signal`` is dL/dz, the neuron's share of the error; its nonlinear node (or,
    in the output layer, its output node) sets it on the way back.
    """

    __slots__ = (
        "layer",
        "index",
        "bias",
        "incoming",
        "nonlinear",
        "weighted_sum",
        "error_signal",
        "bias_gradient",
        "bias_velocity",
    )

    def __init__(self, layer: int, index: int) -> None:
        self.layer = layer
        self.index = index
        self.bias = 0.0
        self.incoming: list[Connection] = []
        self.nonlinear: NonlinearNode | SoftmaxNode | None = None
        self.weighted_sum = 0.0
        self.error_signal = 0.0
        self.bias_gradient = 0.0
        self.bias_velocity = 0.0

    def start(self) -> None:
        """Begin the weighted sum with the bias; the incoming connections add w_i * x_i to it."""
        self.weighted_sum = self.bias

    def send_error(self) -> None:
        """Backward along each incoming connection: its near end adds weight * error_signal.

        A zero error signal (a relu that was off) would add nothing, so it is not sent.
        """
        error = self.error_signal
        if error:
            for connection in self.incoming:
                connection.source.error_signal += connection.weight * error

    def accumulate(self) -> None:
        """Add this sample's gradients: dL/dw = error_signal * x for each weight, dL/db = error_signal."""
        error = self.error_signal
        if error == 0.0:
            return  # adds nothing: e.g. a relu that was off for this sample
        for connection in self.incoming:
            connection.gradient += error * connection.source.output
        self.bias_gradient += error

    def clear_gradients(self) -> None:
        """Forget the accumulated gradients of the bias and the incoming weights."""
        for connection in self.incoming:
            connection.gradient = 0.0
        self.bias_gradient = 0.0

    def step_one_sample(self, learning_rate: float) -> None:
        """The plain rule for one sample: w -= rate * error_signal * x, b -= rate * error_signal.

        The gradient is used straight from the error signal and the inputs, so nothing
        has to be accumulated first.
        """
        step = learning_rate * self.error_signal
        if step == 0.0:
            return  # nothing to move: e.g. a relu that was off for this sample
        for connection in self.incoming:
            signal = connection.source.output
            if signal:  # a zero signal (a blank pixel, a relu that is off) moves nothing
                connection.weight -= step * signal
        self.bias -= step

    def step(self, learning_rate: float, scale: float, momentum: float, weight_decay: float) -> None:
        """Move each parameter by its velocity, then clear the accumulated gradients.

        With g = scale * (accumulated gradient) + weight_decay * w (no decay on the bias):
        velocity = momentum * velocity - learning_rate * g, and w += velocity.
        With momentum 0 this is w -= learning_rate * g.
        """
        for connection in self.incoming:
            gradient = scale * connection.gradient + weight_decay * connection.weight
            connection.velocity = momentum * connection.velocity - learning_rate * gradient
            connection.weight += connection.velocity
            connection.gradient = 0.0
        self.bias_velocity = momentum * self.bias_velocity - learning_rate * scale * self.bias_gradient
        self.bias += self.bias_velocity
        self.bias_gradient = 0.0

    def __repr__(self) -> str:
        return (
            f"Neuron(layer {self.layer}, #{self.index}, bias={self.bias:.4g}, "
            f"weighted_sum={self.weighted_sum:.4g}, error_signal={self.error_signal:.4g})"
        )


class NonlinearNode(Sender):
    """Applies an activation function to its neuron's weighted sum: output = f(z).

    Backward, the error arriving over its outgoing connections adds up in
    ``error_signal`` = dL/d(output) = sum of weight * (error signal at the far end), and it
    hands dL/dz = error_signal * f'(z) to its neuron: the chain rule, one link at a time.
    """

    __slots__ = ("neuron", "activation", "error_signal")

    def __init__(self, neuron: Neuron, activation: Activation) -> None:
        self.neuron = neuron
        self.activation = activation
        self.output = 0.0
        self.outgoing: list[Connection] = []
        self.error_signal = 0.0
        neuron.nonlinear = self

    def forward(self) -> None:
        """output = f(z)."""
        self.output = self.activation.function(self.neuron.weighted_sum)

    def backward(self) -> None:
        """The neuron's error signal: dL/dz = dL/d(output) * f'(z)."""
        self.neuron.error_signal = self.error_signal * self.activation.derivative(self.neuron.weighted_sum)

    def __repr__(self) -> str:
        return (
            f"NonlinearNode({self.activation.name}, output={self.output:.4g}, "
            f"error_signal={self.error_signal:.4g})"
        )


class SoftmaxNode:
    """The softmax output for one neuron: y_k = e^{z_k} / sum_j e^{z_j}.

    Softmax is the one nonlinearity that mixes its inputs, so each softmax node also
    knows its ``siblings``: the neurons of the output layer. Only output layers use it,
    and its error comes from the output node (see :class:`OutputNode`).
    """

    __slots__ = ("neuron", "siblings", "output", "outgoing")

    def __init__(self, neuron: Neuron, siblings: list[Neuron]) -> None:
        self.neuron = neuron
        self.siblings = siblings
        self.output = 0.0
        self.outgoing: list[Connection] = []  # always empty: softmax only ends a network
        neuron.nonlinear = self

    def forward(self) -> None:
        """y_k = 1 / sum_j e^{z_j - z_k}: the same number, divided through by e^{z_k}.

        Only differences of weighted sums are exponentiated, so nothing overflows unless
        y_k is below the smallest float, and then y_k is 0.
        """
        z = self.neuron.weighted_sum
        total = 0.0
        try:
            for sibling in self.siblings:
                total += math.exp(sibling.weighted_sum - z)
        except OverflowError:  # some e^{z_j - z_k} > 1e308, so y_k < 1e-308
            total = math.inf
        self.output = 1.0 / total

    def __repr__(self) -> str:
        return f"SoftmaxNode(output={self.output:.4g})"


class OutputNode:
    """Reads a prediction y from its nonlinear node and compares it with the target t.

    Its error signal is y - t. Each output kind is paired with the loss whose derivative
    cancels the output nonlinearity's (see :mod:`nodewise.losses`), so y - t is also
    dL/dz at the output neuron: the nonlinear node in between passes it on unchanged.
    """

    __slots__ = ("index", "source", "prediction", "target", "error_signal")

    def __init__(self, index: int, source: NonlinearNode | SoftmaxNode) -> None:
        self.index = index
        self.source = source
        self.prediction = 0.0
        self.target = 0.0
        self.error_signal = 0.0

    def forward(self) -> float:
        """Read the prediction y from the nonlinear node."""
        self.prediction = self.source.output
        return self.prediction

    def backward(self, target: float) -> None:
        """error_signal = y - t, handed to the output neuron as its dL/dz."""
        self.target = target
        self.error_signal = self.prediction - target
        self.source.neuron.error_signal = self.error_signal

    def __repr__(self) -> str:
        return (
            f"OutputNode(#{self.index}, prediction={self.prediction:.4g}, "
            f"target={self.target:.4g}, error_signal={self.error_signal:.4g})"
        )
