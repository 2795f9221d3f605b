"""Part 01, wiring up the network: the checks, beside their reference solutions."""

from __future__ import annotations

import math
from collections.abc import Callable

from nodewise.exercises import Feedback, call, correct, incorrect
from nodewise.network import Network
from nodewise.nodes import InputNode, Neuron, NonlinearNode

SHAPES = [[4, 8, 3], [3, 3, 3], [2, 1], [784, 30, 10], [2, 5, 4, 1], [1, 1, 1, 1]]
"""The shapes every counting function is tried on: from one layer of connections to four."""


# --- reference solutions ----------------------------------------------------------------


def count_connections(shape: list[int]) -> int:
    """Every unit of one layer is joined to every neuron of the next: sum of width x next width."""
    return sum(below * above for below, above in zip(shape, shape[1:]))


def count_nodes(shape: list[int]) -> int:
    """Input nodes, a neuron and a nonlinear node for each unit after the inputs, and output nodes."""
    return shape[0] + 2 * sum(shape[1:]) + shape[-1]


def weight_between(source: InputNode | NonlinearNode, target: Neuron) -> float:
    """The weight of the connection from ``source`` to ``target``, found among source.outgoing."""
    for connection in source.outgoing:
        if connection.target is target:
            return connection.weight
    raise ValueError("source and target are not joined by a connection")


# --- checks -----------------------------------------------------------------------------------

Mistakes = list[tuple[Callable[[list[int]], int], str]]
"""Typical wrong answers, each a function of the shape, with the hint that fits it."""


def _check_counting(
    function: Callable[[list[int]], int],
    reference: Callable[[list[int]], int],
    mistakes: Mistakes,
    rule: str,
    any_depth: str,
    noun: str,
) -> Feedback:
    """Try ``function`` on every shape in SHAPES against ``reference``; hint at the mistake it makes.

    A mistake's hint is given only if the learner's results match that mistake on *every*
    shape, so that a wrong rule which happens to agree with it on one shape gets no false hint.
    """
    results = []
    for shape in SHAPES:
        result, feedback = call(function, list(shape))
        if feedback:
            return feedback
        results.append(result)
    wrong = [(shape, result) for shape, result in zip(SHAPES, results) if result != reference(shape)]
    if not wrong:
        example = reference([784, 30, 10])
        return correct(f"Correct! For example, a [784, 30, 10] network has {example} {noun}.")
    shape, result = wrong[0]
    hint = next(
        (hint for mistake, hint in mistakes if all(r == mistake(s) for s, r in zip(SHAPES, results))),
        None,
    )
    if hint is None and all(len(s) != 3 for s, _ in wrong):
        hint = f"your rule is right for three layers, but {shape} has {len(shape)} layers: {any_depth}"
    return incorrect(f"for shape {shape} you returned {result!r}: {hint or rule}")


def check_count_connections(function: Callable[[list[int]], int]) -> Feedback:
    """``function(shape)`` must return the number of connections of ``Network(shape)``."""
    mistakes = [
        (sum, "that is the number of units; each unit is joined to every unit of the next layer"),
        (lambda shape: math.prod(shape), "multiply only neighbouring widths, then add up those products"),
    ]
    return _check_counting(
        function,
        count_connections,
        mistakes,
        "two neighbouring layers of widths a and b are joined by a * b connections",
        "add a * b for every pair of neighbouring layers (zip(shape, shape[1:]) gives the pairs)",
        "connections",
    )


def check_count_nodes(function: Callable[[list[int]], int]) -> Feedback:
    """``function(shape)`` must count input, neuron, nonlinear and output nodes of ``Network(shape)``."""
    mistakes = [
        (
            sum,
            "each unit after the input layer is two nodes (a neuron and its nonlinear node), and the "
            "output layer also has output nodes",
        ),
        (
            lambda shape: shape[0] + sum(shape[1:]) + shape[-1],
            "each neuron has its own nonlinear node: count those too",
        ),
        (lambda shape: shape[0] + 2 * sum(shape[1:]), "the output layer also has one output node per unit"),
    ]
    return _check_counting(
        function,
        count_nodes,
        mistakes,
        "count four kinds: input nodes, neurons, nonlinear nodes and output nodes",
        "count the units of every layer after the inputs, however many there are (sum(shape[1:]))",
        "nodes",
    )


def check_weight_between(function: Callable[[InputNode | NonlinearNode, Neuron], float]) -> Feedback:
    """``function(source, target)`` must return the weight joining two nodes of a network."""
    net = Network([3, 4, 2], activation="tanh", output="sigmoid", seed=11)
    senders = [net.input_nodes, net.nonlinear_nodes[0]]
    for layer, (weights, _) in enumerate(net.parameters()):
        for j, target in enumerate(net.neurons[layer]):
            for i, source in enumerate(senders[layer]):
                result, feedback = call(function, source, target)
                if feedback:
                    return feedback
                if isinstance(result, list | tuple):
                    return incorrect("return the weight itself, one number, not a list of them")
                if result != weights[j][i]:
                    return incorrect(
                        f"from {source!r} to {target!r} you returned {result!r}, but the weight is "
                        f"{weights[j][i]:.4g}: go through source.outgoing and pick the connection whose "
                        ".target is target"
                    )
    return correct("Correct! You walked from a node along its outgoing connections.")
