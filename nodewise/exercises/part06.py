"""Exercises of part 06 (visualization): the checks, beside their reference solutions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nodewise.exercises import (
    Feedback,
    all_close,
    call,
    close,
    correct,
    incorrect,
    is_unanswered,
    not_attempted,
)
from nodewise.network import Network

# --- 1. how many straight pieces ------------------------------------------------------------

RELU_NEURONS = 3
RELU_PIECES_SOLUTION = RELU_NEURONS + 1
"""Each hidden ReLU neuron bends y(x) at one x at most (where its z crosses 0): 3 bends, 4 pieces."""


def check_relu_pieces(answer: Any) -> Feedback:
    """At most how many straight pieces has y(x) of Network([1, 3, 1], activation="relu")?"""
    if is_unanswered(answer):
        return not_attempted()
    if close(answer, RELU_PIECES_SOLUTION):
        return correct(
            "Correct: each of the 3 neurons switches on or off at one x only (where its z = w x + b "
            "crosses 0), so y(x) bends at 3 places at most and has at most 4 straight pieces."
        )
    if close(answer, RELU_NEURONS):
        return incorrect("3 is the number of bends; how many pieces does a line cut at 3 places make?")
    if close(answer, 2**RELU_NEURONS):
        return incorrect(
            "8 counts every on/off pattern of the 3 neurons, but along one line x each neuron switches "
            "only once, so most patterns never occur"
        )
    return incorrect(
        "y(x) is straight between the x values where some neuron's z = w x + b crosses 0: how many are there?"
    )


# --- 2. the numbers behind a decision-region picture -----------------------------------------

GRID_X1 = [-1.0, 0.0, 1.0]
GRID_X2 = [-2.0, 2.0]


def probability_grid_solution(
    net: Network, x1_values: list[float], x2_values: list[float]
) -> list[list[float]]:
    """grid[i][j] = P(class 1) at the point (x1_values[j], x2_values[i]): one row per x2, as an image."""
    return [[net.forward([x1, x2])[0] for x1 in x1_values] for x2 in x2_values]


def grid_network() -> Network:
    """The network the check runs the learner's function on: a sigmoid classifier of 2 inputs."""
    return Network([2, 3, 1], activation="tanh", output="sigmoid", seed=6)


def check_probability_grid(function: Callable[..., Any]) -> Feedback:
    """``probability_grid(net, x1_values, x2_values)`` returns one row per x2 value, one
    probability of class 1 per x1 value."""
    net = grid_network()
    grid, feedback = call(function, net, GRID_X1, GRID_X2)
    if feedback is not None:
        return feedback
    expected = probability_grid_solution(net, GRID_X1, GRID_X2)
    try:
        rows = [list(row) for row in grid]
    except TypeError:
        return incorrect("return a list of rows, each a list of numbers: one row per x2 value")
    if len(rows) == len(GRID_X1) and len(rows) != len(GRID_X2):
        return incorrect("you made one row per x1 value; an image has one row per *vertical* coordinate, x2")
    if len(rows) == len(GRID_X2) and all(len(row) == len(GRID_X1) for row in rows):
        if all(isinstance(value, list) for row in rows for value in row):
            return incorrect("net.forward returns a list of outputs; take its only number, forward(...)[0]")
        if all(all_close(row, want) for row, want in zip(rows, expected)):
            return correct(
                "Correct: that grid, coloured from red (0) to blue (1), is exactly what "
                "plot_decision_regions draws (see plotting.outputs_on_plane)."
            )
        if all(all_close(row, want[::-1]) for row, want in zip(rows, reversed(expected))):
            return incorrect("every value is there but upside down and mirrored: keep the given order")
        return incorrect("the grid has the right size but other numbers: each is net.forward([x1, x2])[0]")
    return incorrect(f"expected {len(GRID_X2)} rows (one per x2) of {len(GRID_X1)} numbers (one per x1)")


# --- 3. reading training curves ------------------------------------------------------------

RUNS = {
    "A": {"training loss": 0.62, "validation loss": 0.64},
    "B": {"training loss": 0.01, "validation loss": 0.85},
    "C": {"training loss": 0.08, "validation loss": 0.10},
}
"""Three runs' final losses (cross-entropy, on the moons): which underfits, which overfits?"""
DIAGNOSIS_SOLUTION = {"A": "underfitting", "B": "overfitting", "C": "good fit"}
WORDS = {
    "underfitting": "underfitting",
    "underfit": "underfitting",
    "overfitting": "overfitting",
    "overfit": "overfitting",
    "good fit": "good fit",
    "good": "good fit",
    "fit": "good fit",
}


def check_diagnosis(answer: Any) -> Feedback:
    """``answer = {"A": ..., "B": ..., "C": ...}`` with "underfitting", "overfitting" or "good fit"."""
    if is_unanswered(answer):
        return not_attempted()
    if not isinstance(answer, dict) or set(answer) != set(RUNS):
        return incorrect('give a dict with one word per run: {"A": "...", "B": "...", "C": "..."}')
    said = {run: WORDS.get(str(word).strip().lower()) for run, word in answer.items()}
    if said == DIAGNOSIS_SOLUTION:
        return correct(
            "Correct: A is bad on both (too simple, or not trained enough), B learned its training "
            "points by heart and fails on new ones, C is good on both with a small gap."
        )
    if said["B"] == "underfitting" or said["A"] == "overfitting":
        return incorrect("overfitting shows as a *gap*: low training loss, much higher validation loss")
    return incorrect(
        "compare each run's two losses: both high is underfitting, a large gap is overfitting, "
        "both low and close is a good fit"
    )
