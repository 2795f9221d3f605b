"""Exercises of part 07 (a real classification task): the checks, beside their reference solutions."""

from __future__ import annotations

import random
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

# --- 1. how many weights -------------------------------------------------------------------

SHAPE = [196, 64, 10]
"""The MNIST network of the notebook: 14 x 14 inputs, 64 hidden neurons, 10 outputs."""


def weight_count_solution(shape: list[int]) -> int:
    """One weight per connection: every unit of a layer feeds every neuron of the next."""
    return sum(fan_in * fan_out for fan_in, fan_out in zip(shape, shape[1:]))


def check_weight_count(answer: Any) -> Feedback:
    """How many weights (connections, not biases) does a network of shape SHAPE have?"""
    if is_unanswered(answer):
        return not_attempted()
    expected = weight_count_solution(SHAPE)
    if close(answer, expected):
        return correct(
            f"Correct: 196 x 64 + 64 x 10 = {expected:,} weights. Without downsampling it would be "
            f"{weight_count_solution([784, *SHAPE[1:]]):,}: four times the work in the first layer."
        )
    if close(answer, expected + sum(SHAPE[1:])):
        return incorrect(
            "that counts the biases too (one per neuron); the question asks only for the weights"
        )
    if close(answer, SHAPE[0] * SHAPE[1]):
        return incorrect("that is the first layer only; the 64 hidden neurons also connect to the 10 outputs")
    if close(answer, weight_count_solution([784, *SHAPE[1:]])):
        return incorrect("that is for 784 inputs; after 2 x 2 downsampling there are 14 x 14 = 196")
    if close(answer, sum(SHAPE)):
        return incorrect(
            "that counts the nodes; every pair (unit of one layer, neuron of the next) has a weight"
        )
    return incorrect("each layer contributes (units in) x (units out) weights: add the two layers")


# --- 2. downsampling by hand ------------------------------------------------------------------

Image = list[list[float]]


def downsample_solution(image: Image) -> Image:
    """Each 2 x 2 block (rows 2i, 2i+1; columns 2j, 2j+1) becomes the mean of its four pixels."""
    return [
        [
            (
                image[2 * i][2 * j]
                + image[2 * i][2 * j + 1]
                + image[2 * i + 1][2 * j]
                + image[2 * i + 1][2 * j + 1]
            )
            / 4
            for j in range(len(image[0]) // 2)
        ]
        for i in range(len(image) // 2)
    ]


def _downsample_cases() -> list[Image]:
    rng = random.Random(7)
    cases = [[[0.0, 4.0], [8.0, 12.0]], [[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0]]]
    for rows, columns in ((4, 4), (6, 2), (2, 8), (8, 6)):
        cases.append([[float(rng.randint(0, 255)) for _ in range(columns)] for _ in range(rows)])
    return cases


def _as_rows(result: Any) -> list[list[float]] | None:
    """The result as a list of rows of floats, or None if it is not shaped like one."""
    try:
        return [[float(value) for value in row] for row in result]
    except (TypeError, ValueError):
        return None


def _same(rows: list[list[float]] | None, expected: Image) -> bool:
    return (
        rows is not None
        and len(rows) == len(expected)
        and all(all_close(row, want) for row, want in zip(rows, expected))
    )


def check_downsample(function: Callable[[Image], Image] | Any) -> Feedback:
    """``downsample_2x2(image)`` returns the image with each 2 x 2 block replaced by its mean."""
    for image in _downsample_cases():
        result, feedback = call(function, [row[:] for row in image])
        if feedback is not None:
            return feedback
        expected = downsample_solution(image)
        rows = _as_rows(result)
        if _same(rows, expected):
            continue
        if _same(rows, [[4 * value for value in row] for row in expected]):
            return incorrect("those are the sums of the blocks; divide by 4 to get their means")
        if _same(rows, [row[::2] for row in image[::2]]):
            return incorrect("that keeps one pixel of every four (the top left); average all four instead")
        if _same(rows, [list(column) for column in zip(*expected)]):
            return incorrect("rows and columns are swapped: result[i][j] comes from rows 2i, 2i+1")
        size = f"{len(image)} x {len(image[0])}"
        if rows is None or len(rows) != len(expected) or any(len(row) != len(expected[0]) for row in rows):
            return incorrect(
                f"a {size} image should become {len(expected)} x {len(expected[0])}: "
                "one row of means per pair of rows, one mean per pair of columns"
            )
        return incorrect(f"for the {size} image {image}, expected {expected}, got {result!r}")
    return correct(
        "Correct! preprocessing.downsample does the same for thousands of images at once with numpy."
    )
