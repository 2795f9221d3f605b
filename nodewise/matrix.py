"""The same network as matrices: every node rule, run for a whole mini-batch at once.

The node engine moves one number at a time between small objects. Written for all the
neurons of a layer and all the samples of a mini-batch together, its rules become a few
matrix products, which numpy hands to a fast linear-algebra library. With one sample per
row, A holds the signals into a layer, Z its weighted sums and E its error signals:

    sweep      node rule (one sample)                 matrix form (a whole batch)
    forward    z_j = b_j + sum_i W[j][i] a_i          Z = A W^T + b, then A_next = f(Z)
    backward   e_i = f'(z_i) sum_j W[j][i] e_j        E_below = f'(Z_below) * (E W)
    gradient   dW[j][i] += e_j a_i,  db_j += e_j      dW += E^T A,  db += column sums of E
    step       v = momentum v - rate g,  w += v       the same rule, for whole arrays in place

``W`` is stored as (fan_out, fan_in), so ``W[j][i]`` is the weight from unit i below to
unit j, exactly as in :meth:`nodewise.network.Network.parameters`. The output error is
Y - T for every output kind, for the reason given in :mod:`nodewise.losses`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from nodewise.metrics import PROBABILITY_FLOOR
from nodewise.network import (
    Network,
    Parameters,
    check_learning_rate,
    check_output,
    check_shape,
    check_step_settings,
    get_activation,
    initial_weight,
)

# --- activations for whole arrays ------------------------------------------------------------
# Each function writes f(Z) into ``out`` (which may be Z itself). Each slope multiplies an
# error array in place by f'(z), computed from the activation a = f(z) that forward kept:
# for relu, tanh and sigmoid the derivative is a simple function of a.


def relu(z: np.ndarray, out: np.ndarray) -> None:
    """a = max(0, z), elementwise."""
    np.maximum(z, 0.0, out=out)


def relu_slope(a: np.ndarray, error: np.ndarray) -> None:
    """error *= relu'(z): 1 where z > 0 (exactly where a > 0), else 0."""
    np.multiply(error, a > 0.0, out=error)


def tanh(z: np.ndarray, out: np.ndarray) -> None:
    """a = tanh(z), elementwise."""
    np.tanh(z, out=out)


def tanh_slope(a: np.ndarray, error: np.ndarray) -> None:
    """error *= tanh'(z) = 1 - tanh(z)^2 = 1 - a^2."""
    error *= 1.0 - a * a


def sigmoid(z: np.ndarray, out: np.ndarray) -> None:
    """a = 1 / (1 + e^-z) = e^z / (1 + e^z), elementwise and without overflow.

    With e = e^-|z| (at most 1, so it never overflows): a = 1 / (1 + e) where z >= 0 and
    a = e / (1 + e) where z < 0, the two forms of :func:`nodewise.activations.sigmoid`.
    """
    e = np.exp(-np.abs(z))
    np.divide(np.where(z >= 0.0, 1.0, e), 1.0 + e, out=out)


def sigmoid_slope(a: np.ndarray, error: np.ndarray) -> None:
    """error *= sigmoid'(z) = sigmoid(z) (1 - sigmoid(z)) = a (1 - a)."""
    error *= a * (1.0 - a)


def identity(z: np.ndarray, out: np.ndarray) -> None:
    """a = z."""
    np.copyto(out, z)


def softmax(z: np.ndarray, out: np.ndarray) -> None:
    """y_k = e^{z_k - m} / sum_j e^{z_j - m} for each row, with m the row's largest z.

    Dividing top and bottom by e^m changes nothing but keeps every exponent <= 0, so
    nothing overflows (the node engine's SoftmaxNode uses the same idea with m = z_k).
    """
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)


HIDDEN: dict[str, tuple[Callable, Callable]] = {
    "relu": (relu, relu_slope),
    "tanh": (tanh, tanh_slope),
    "sigmoid": (sigmoid, sigmoid_slope),
}
"""Hidden activation name -> (function, slope)."""

OUTPUT_FUNCTIONS: dict[str, Callable] = {"identity": identity, "sigmoid": sigmoid, "softmax": softmax}


# --- losses for whole batches ----------------------------------------------------------------
# The stable formulas of nodewise.losses, from the weighted sums Z, summed over every sample.


def squared_error(z: np.ndarray, t: np.ndarray) -> float:
    """L = 1/2 sum (z - t)^2 over every output of every sample (identity outputs, y = z)."""
    return 0.5 * float(np.sum(np.square(z - t)))


def binary_cross_entropy(z: np.ndarray, t: np.ndarray) -> float:
    """L = -sum [t log y + (1 - t) log(1 - y)] with y = sigmoid(z), as max(z, 0) - t z + log(1 + e^-|z|)."""
    return float(np.sum(np.maximum(z, 0.0) - t * z + np.log1p(np.exp(-np.abs(z)))))


def cross_entropy(z: np.ndarray, t: np.ndarray) -> float:
    """L = -sum t_k log y_k with y = softmax(z), using log y_k = z_k - log sum_j e^{z_j} per row."""
    top = z.max(axis=1, keepdims=True)
    log_normalizer = top + np.log(np.sum(np.exp(z - top), axis=1, keepdims=True))
    return -float(np.sum(t * (z - log_normalizer)))


BATCH_LOSSES: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "identity": squared_error,
    "sigmoid": binary_cross_entropy,
    "softmax": cross_entropy,
}


def mean_loss(output: str, T: np.ndarray, Y: np.ndarray) -> float:
    """The mean loss over the rows, from the outputs Y: :func:`nodewise.metrics.loss` for whole arrays.

    The same formulas, in float64: half squared error, binary cross-entropy or
    cross-entropy, with probabilities clipped to [eps, 1 - eps] before the log (see
    :data:`nodewise.metrics.PROBABILITY_FLOOR`), so training reports one number for
    both engines. A diverging network's loss becomes infinite or NaN quietly, as there.
    """
    T, Y = np.asarray(T, np.float64), np.asarray(Y, np.float64)
    floor = PROBABILITY_FLOOR
    with np.errstate(over="ignore", invalid="ignore"):
        if output == "identity":
            return 0.5 * float(np.sum(np.square(Y - T))) / len(Y)
        log_y = np.log(np.clip(Y, floor, 1.0 - floor))
        if output == "softmax":
            return -float(np.sum(T * log_y)) / len(Y)
        log_not_y = np.log(np.clip(1.0 - Y, floor, 1.0 - floor))
        return -float(np.sum(T * log_y + (1.0 - T) * log_not_y)) / len(Y)


# --- checks ----------------------------------------------------------------------------------


def check_dtype(dtype: object) -> np.dtype:
    """The engine computes in float64 (exact comparison with the node engine) or float32 (speed)."""
    try:
        checked = np.dtype(dtype)
    except TypeError:
        checked = None
    if checked not in (np.float64, np.float32):
        raise ValueError(f"dtype is {dtype!r}: expected numpy.float64 (the default) or numpy.float32")
    return checked


def check_array(values: ArrayLike, shape: tuple[int | None, ...], what: str, dtype: np.dtype) -> np.ndarray:
    """Return ``values`` as a finite array of ``dtype`` and ``shape`` (None: any size), or raise clearly.

    An array that already has the right dtype is returned as it is, without a copy.
    """
    expected = "(" + ", ".join("samples" if size is None else str(size) for size in shape) + ")"
    try:
        array = np.asarray(values)
    except ValueError:
        raise ValueError(f"{what} has rows of different lengths: expected shape {expected}") from None
    if array.dtype.kind not in "iuf":
        raise TypeError(
            f"{what} holds {array.dtype} values: expected real numbers; convert your data to floats"
        )
    fits = array.ndim == len(shape) and all(size in (None, n) for size, n in zip(shape, array.shape))
    if not fits:
        raise ValueError(
            f"{what} has shape {array.shape} but the network expects {expected}"
            + (": one row per sample; for a single sample x pass [x]" if None in shape else "")
        )
    if array.size == 0:
        raise ValueError(f"{what} is empty: pass at least one sample")
    # Fast path: the sum is finite when every value is; only a failing sum needs a search
    # (huge but finite values may overflow the sum, and then the search finds nothing).
    with np.errstate(over="ignore"):  # overflows become infinities, reported below
        converted = array.astype(dtype, copy=False)
        finite = np.isfinite(converted.sum())
    bad = [] if finite else np.argwhere(~np.isfinite(converted))
    if len(bad):
        value = array[tuple(bad[0])]
        where = ", ".join(map(str, bad[0]))
        raise ValueError(
            f"{what}[{where}] is {value}: expected a finite number"
            + (f" within {dtype} range" if np.isfinite(value) else "")
            + "; remove or replace NaN and infinity"
        )
    return converted


def flush_to_zero(values: np.ndarray) -> None:
    """Set every value smaller in size than the smallest normal float to exactly zero, in place.

    A velocity whose gradient stays zero (a weight from a pixel that is almost always
    blank, a bias of a relu that is off) shrinks by ``momentum`` at every step, into the
    subnormal numbers below about 1e-38 in float32 (1e-308 in float64). Many processors
    take a slow path for arithmetic on those, up to a hundred times slower, and a step
    slows down several times over. Zero is exact and fast, and a velocity that small
    moves no weight anyway.
    """
    np.copyto(values, 0.0, where=np.abs(values) < np.finfo(values.dtype).tiny)


FLUSH_EVERY = 16
"""Steps between two flushes of the velocities to zero (see :func:`flush_to_zero`).

A flush costs more than the update it follows, while a velocity shrinking by a momentum
of 0.9 spends some 150 steps among the float32 subnormals before it reaches zero by
itself: flushing every 16th step keeps almost all of them out, at a sixteenth of the
cost. A flushed velocity stays exactly zero for as long as its gradient does.
"""


# --- the network -----------------------------------------------------------------------------


class MatrixNetwork:
    """A fully connected network computed with numpy over mini-batches: the node engine's twin.

    >>> net = MatrixNetwork([4, 8, 3], activation="relu", output="softmax", seed=0)
    >>> Y = net.forward(X)          # X: (samples, 4) -> Y: (samples, 3)
    >>> net.backward(T)             # T: (samples, 3); adds the batch's summed gradients
    >>> net.step(0.1)               # moves by -0.1 * (gradient sum / samples)

    The same seed gives exactly the initial parameters of ``Network(shape, activation,
    output, seed)``. Per layer of connections l, ``weights[l]`` (fan_out x fan_in) and
    ``biases[l]`` are plain numpy arrays, of ``dtype`` float64 (the default, for exact
    comparison with the node engine) or float32 (half the memory traffic: faster).
    """

    def __init__(
        self,
        shape: Sequence[int],
        activation: str = "relu",
        output: str = "softmax",
        seed: int | None = 0,
        dtype: DTypeLike = np.float64,
    ) -> None:
        self.shape = check_shape(shape)
        get_activation(activation)
        self.activation = activation
        self.output = check_output(output, self.shape[-1])
        self.seed = seed
        self.dtype = check_dtype(dtype)
        self.weights: list[np.ndarray] = []
        self.biases: list[np.ndarray] = []
        rng = random.Random(seed)
        last = len(self.shape) - 1
        for layer in range(1, last + 1):
            fan_in, fan_out = self.shape[layer - 1], self.shape[layer]
            init = activation if layer < last else output
            # neuron by neuron, input by input: the order in which Network draws its connections
            rows = [
                [initial_weight(rng, fan_in, fan_out, init) for _ in range(fan_in)] for _ in range(fan_out)
            ]
            self.weights.append(np.array(rows, dtype=self.dtype))
            self.biases.append(np.zeros(fan_out, dtype=self.dtype))
        self._weight_gradients = [np.zeros_like(w) for w in self.weights]
        self._bias_gradients = [np.zeros_like(b) for b in self.biases]
        self.weight_velocities = [np.zeros_like(w) for w in self.weights]
        self.bias_velocities = [np.zeros_like(b) for b in self.biases]
        self._samples = 0  # samples accumulated since the last step
        self._steps = 0  # steps taken, for flush_to_zero
        self._signals: list[np.ndarray] = []  # A_0 = X, A_1, ... of the last forward
        self._capacity = 0  # rows of the work arrays below
        # per layer: the weighted sums Z, overwritten by the activations f(Z) in hidden layers
        self._weighted_sums: list[np.ndarray] = []
        self._errors: list[np.ndarray] = []
        self._predictions = np.empty((0, self.shape[-1]), self.dtype)

    def __repr__(self) -> str:
        return (
            f"MatrixNetwork({self.shape}, activation={self.activation!r}, output={self.output!r}, "
            f"seed={self.seed!r}, dtype=numpy.{self.dtype})"
        )

    # --- moving between the engines -------------------------------------------------------

    @classmethod
    def from_network(cls, net: Network, dtype: DTypeLike = np.float64) -> MatrixNetwork:
        """A matrix network with the node network's shape, kinds and parameters (exact in float64).

        Momentum velocities are not carried over: both engines start them at zero.
        """
        if not isinstance(net, Network):
            raise TypeError(f"from_network expects a nodewise Network, got {type(net).__name__}")
        matrix = cls(net.shape, net.activation, net.output, net.seed, dtype)
        matrix.set_parameters(net.parameters())
        return matrix

    def to_network(self) -> Network:
        """A node network with this network's shape, kinds and parameters, copied exactly."""
        net = Network(self.shape, self.activation, self.output, self.seed)
        net.set_parameters(self.parameters())
        return net

    # --- the sweeps ------------------------------------------------------------------------

    def forward(self, X: ArrayLike) -> np.ndarray:
        """Run the forward sweep for a batch, one sample per row of X; return Y, one row per sample.

        For one sample, neuron j adds its bias to the signals its incoming connections
        carry: z_j = b_j + sum_i W[j][i] a_i. Stack the samples as the rows of A
        (samples x fan_in) and the weighted sums of every neuron for every sample are

            Z[s][j] = b_j + sum_i A[s][i] W[j][i],   that is   Z = A W^T + b,

        one matrix product per layer (b added to each row). The nonlinear nodes then work
        elementwise, A_next = f(Z), and the output layer gives Y. The activations stay in
        place for backward, which needs them; so does X, which is kept without a copy
        (do not change it in place before backward).
        """
        inputs = check_array(X, (None, self.shape[0]), "X", self.dtype)
        samples = len(inputs)
        self._reserve(samples)
        function = HIDDEN[self.activation][0]
        last = len(self.weights) - 1
        self._signals = [inputs]
        for layer, (W, b) in enumerate(zip(self.weights, self.biases)):
            Z = self._weighted_sums[layer][:samples]
            np.matmul(self._signals[layer], W.T, out=Z)
            Z += b
            if layer < last:  # a hidden layer: A = f(Z), written over Z
                function(Z, out=Z)
                self._signals.append(Z)
        predictions = self._predictions[:samples]
        OUTPUT_FUNCTIONS[self.output](Z, out=predictions)
        return predictions.copy()

    def backward(self, T: ArrayLike) -> None:
        """Send the errors of the last forward back, and add the batch's gradients.

        At the output the error is E = Y - T, one row per sample. Along a connection an
        error travels back scaled by the weight, so unit i below receives
        sum_j W[j][i] E[s][j] = (E W)[s][i]: the same W as in forward, used through its
        transpose (forward multiplied by W^T). Its nonlinear node multiplies by the
        slope: E_below = (E W) * f'(Z_below), elementwise.

        A connection's gradient is the error at its far end times the signal at its near
        end; summed over the samples, dW[j][i] = sum_s E[s][j] A[s][i], that is dW = E^T A,
        and db_j = sum_s E[s][j]: the sum of the node engine's per-sample gradients.
        """
        if not self._signals:
            raise ValueError("backward() needs the signals of a forward pass: call net.forward(X) first")
        samples = len(self._signals[0])
        error = self._errors[-1][:samples]
        np.subtract(self._predictions[:samples], self.check_targets(T, samples), out=error)
        slope = HIDDEN[self.activation][1]
        for layer in range(len(self.weights) - 1, -1, -1):
            self._add_gradients(layer, error)
            if layer:  # input nodes need no error
                below = self._errors[layer - 1][:samples]
                np.matmul(error, self.weights[layer], out=below)
                slope(self._signals[layer], below)
                error = below
        self._samples += samples

    def _add_gradients(self, layer: int, error: np.ndarray) -> None:
        """dW += E^T A and db += column sums of E; the first batch after a step writes them directly."""
        signal = self._signals[layer]
        if self._samples == 0:
            np.matmul(error.T, signal, out=self._weight_gradients[layer])
            np.sum(error, axis=0, out=self._bias_gradients[layer])
        else:
            self._weight_gradients[layer] += error.T @ signal
            self._bias_gradients[layer] += error.sum(axis=0)

    def step(self, learning_rate: float, momentum: float = 0.0, weight_decay: float = 0.0) -> None:
        """Move every weight and bias against its gradient averaged over the accumulated samples.

        The rule of :meth:`nodewise.nodes.Neuron.step`, for the whole of a layer at once:
        with g = dW / samples + weight_decay * W (no decay on biases),

            V = momentum * V - learning_rate * g,    W += V.

        All of it happens in place, in arrays the network already has (the gradient sums
        serve as scratch space, as they are cleared afterwards anyway). Every
        FLUSH_EVERY steps, velocities too small for a normal float are set to zero.
        """
        rate = check_learning_rate(learning_rate)
        momentum, weight_decay = check_step_settings(momentum, weight_decay)
        if self._samples == 0:
            raise ValueError("step() has no gradients to apply: call forward(X) and backward(T) first")
        scale = rate / self._samples
        for W, b, dW, db, V, v in zip(
            self.weights,
            self.biases,
            self._weight_gradients,
            self._bias_gradients,
            self.weight_velocities,
            self.bias_velocities,
        ):
            V *= momentum
            dW *= scale
            V -= dW
            if weight_decay:
                np.multiply(W, rate * weight_decay, out=dW)
                V -= dW
            W += V
            v *= momentum
            db *= scale
            v -= db
            b += v
        self._samples = 0
        self._steps += 1
        if self._steps % FLUSH_EVERY == 0:
            for velocities in self.weight_velocities + self.bias_velocities:
                flush_to_zero(velocities)

    def clear_velocities(self) -> None:
        """Forget every momentum velocity (after a divergence they may be infinite)."""
        for velocities in self.weight_velocities + self.bias_velocities:
            velocities.fill(0.0)

    def _reserve(self, samples: int) -> None:
        """Make the work arrays at least ``samples`` rows long; a smaller batch uses their first rows."""
        if samples <= self._capacity:
            return
        self._capacity = samples
        self._weighted_sums = [np.empty((samples, width), self.dtype) for width in self.shape[1:]]
        self._errors = [np.empty((samples, width), self.dtype) for width in self.shape[1:]]
        self._predictions = np.empty((samples, self.shape[-1]), self.dtype)

    # --- reading and writing parameters ----------------------------------------------------

    def gradients(self) -> Parameters:
        """The accumulated gradients [(dW, db), ...] as nested lists, as Network.gradients() gives them."""
        if self._samples == 0:
            return [
                (np.zeros_like(W).tolist(), np.zeros_like(b).tolist())
                for W, b in zip(self.weights, self.biases)
            ]
        return [(dW.tolist(), db.tolist()) for dW, db in zip(self._weight_gradients, self._bias_gradients)]

    def parameters(self) -> Parameters:
        """A copy of the parameters [(W, b), ...] as nested lists; W[j][i] is the weight from unit i to j."""
        return [(W.tolist(), b.tolist()) for W, b in zip(self.weights, self.biases)]

    def set_parameters(self, parameters: Parameters) -> None:
        """Replace every weight and bias; the structure must match :meth:`parameters` exactly.

        Lists (as from Network.parameters()) and arrays are both accepted. Everything is
        checked before anything is written, so a bad argument changes nothing.
        """
        layers = len(self.weights)
        pairs = isinstance(parameters, Sequence) and len(parameters) == layers
        if not pairs or not all(isinstance(pair, Sequence) and len(pair) == 2 for pair in parameters):
            raise ValueError(
                f"set_parameters expects {layers} (W, b) pairs, one per layer of connections of shape "
                f"{self.shape}, as net.parameters() returns them"
            )
        checked = [
            (
                check_array(new_W, W.shape, f"layer {layer} W", self.dtype),
                check_array(new_b, b.shape, f"layer {layer} b", self.dtype),
            )
            for layer, ((new_W, new_b), W, b) in enumerate(
                zip(parameters, self.weights, self.biases), start=1
            )
        ]
        for W, b, (new_W, new_b) in zip(self.weights, self.biases, checked):
            W[...] = new_W
            b[...] = new_b

    # --- targets and loss ------------------------------------------------------------------

    def check_targets(self, T: ArrayLike, samples: int) -> np.ndarray:
        """Validate a batch of targets, one row per sample, for this network's output kind.

        As in :meth:`Network.check_target`: softmax rows must be probability distributions
        (one-hot, for classes) and sigmoid targets must lie in [0, 1]; only then is Y - T
        the true gradient.
        """
        targets = check_array(T, (samples, self.shape[-1]), "T", self.dtype)
        if self.output == "softmax":
            tolerance = 1e-9 if self.dtype == np.float64 else 1e-5  # as in Network; float32 rounds more
            bad = (targets.min(axis=1) < 0.0) | (np.abs(targets.sum(axis=1) - 1.0) > tolerance)
            rule = "must be non-negative and sum to 1; for classes, pass one-hot rows such as [0, 1, 0]"
        elif self.output == "sigmoid":
            bad = (targets.min(axis=1) < 0.0) | (targets.max(axis=1) > 1.0)
            rule = "must each lie between 0 and 1"
        else:
            return targets
        if bad.any():
            row = int(np.argmax(bad))
            raise ValueError(f"{self.output} target T[{row}] = {targets[row].tolist()} {rule}")
        return targets

    def loss(self, X: ArrayLike, T: ArrayLike) -> float:
        """The loss summed over the batch, paired with the output kind (see :mod:`nodewise.losses`)."""
        samples = len(self.forward(X))
        targets = self.check_targets(T, samples).astype(np.float64)  # sums over a batch: in float64
        weighted_sums = self._weighted_sums[-1][:samples].astype(np.float64)
        return BATCH_LOSSES[self.output](weighted_sums, targets)
