"""Activation functions: each one is a value and a derivative.

A nonlinear node applies ``function`` to its neuron's weighted sum ``z`` on the way
forward, and multiplies the error signal by ``derivative(z)`` on the way back.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple


class Activation(NamedTuple):
    """A named activation function with its derivative, both taking the weighted sum z."""

    name: str
    function: Callable[[float], float]
    derivative: Callable[[float], float]


def relu(z: float) -> float:
    """relu(z) = max(0, z)."""
    return z if z > 0.0 else 0.0


def relu_derivative(z: float) -> float:
    """relu'(z) = 1 if z > 0 else 0 (we take 0 at the kink z = 0)."""
    return 1.0 if z > 0.0 else 0.0


def tanh(z: float) -> float:
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z)."""
    return math.tanh(z)


def tanh_derivative(z: float) -> float:
    """tanh'(z) = 1 - tanh(z)^2."""
    y = math.tanh(z)
    return 1.0 - y * y


def sigmoid(z: float) -> float:
    """sigmoid(z) = 1 / (1 + e^-z), computed without overflow for large |z|."""
    if z >= 0.0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def sigmoid_derivative(z: float) -> float:
    """sigmoid'(z) = sigmoid(z) * (1 - sigmoid(z))."""
    y = sigmoid(z)
    return y * (1.0 - y)


def identity(z: float) -> float:
    """identity(z) = z."""
    return z


def identity_derivative(z: float) -> float:
    """identity'(z) = 1."""
    return 1.0


ACTIVATIONS: dict[str, Activation] = {
    "relu": Activation("relu", relu, relu_derivative),
    "tanh": Activation("tanh", tanh, tanh_derivative),
    "sigmoid": Activation("sigmoid", sigmoid, sigmoid_derivative),
    "identity": Activation("identity", identity, identity_derivative),
}

HIDDEN_ACTIVATIONS = ("relu", "tanh", "sigmoid")
"""The activations a hidden layer may use."""


def get_activation(name: str) -> Activation:
    """Look up a hidden activation by name, with a clear error for unknown names."""
    if name not in HIDDEN_ACTIVATIONS:
        raise ValueError(
            f"unknown activation {name!r}: expected one of {', '.join(HIDDEN_ACTIVATIONS)}; "
            "pick one of those names"
        )
    return ACTIVATIONS[name]
