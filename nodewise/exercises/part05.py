"""Exercises of part 05 (training and metrics): the checks, beside their reference solutions."""

from __future__ import annotations

import math
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

# --- 1. steps per epoch ------------------------------------------------------------------

TRAIN_SAMPLES = 1438
BATCH_SIZE = 8
STEPS_PER_EPOCH_SOLUTION = math.ceil(TRAIN_SAMPLES / BATCH_SIZE)


def check_steps_per_epoch(answer: Any) -> Feedback:
    """How many times does ``net.step`` run in one epoch of 1,438 samples in batches of 8?"""
    if is_unanswered(answer):
        return not_attempted()
    if close(answer, STEPS_PER_EPOCH_SOLUTION):
        return correct(
            f"Correct: 179 full batches of 8, and one last batch of the remaining 6: "
            f"{STEPS_PER_EPOCH_SOLUTION} steps."
        )
    if close(answer, TRAIN_SAMPLES // BATCH_SIZE):
        return incorrect(
            "1438 / 8 is not a whole number: the samples left over still form one last, smaller batch"
        )
    if close(answer, TRAIN_SAMPLES):
        return incorrect(
            "that is one step per sample (batch size 1); here each step follows a batch of 8 samples"
        )
    if close(answer, TRAIN_SAMPLES * BATCH_SIZE):
        return incorrect("a batch groups samples together: there are fewer steps than samples, not more")
    return incorrect("one step per mini-batch: how many batches of 8 does it take to cover 1,438 samples?")


# --- 2. precision and recall from a confusion matrix ----------------------------------------

SPAM_MATRIX = [[90, 10], [5, 45]]
"""A spam filter's confusion matrix: row = true class (0 mail, 1 spam), column = predicted class."""


def precision_recall_solution(matrix: list[list[int]], k: int) -> tuple[float, float]:
    """precision = C[k][k] / (column k's sum); recall = C[k][k] / (row k's sum)."""
    predicted_k = sum(row[k] for row in matrix)
    return matrix[k][k] / predicted_k, matrix[k][k] / sum(matrix[k])


ROUNDED = 0.005
"""How far an answer may be from 45/55 or 45/50 and still count: rounding to two decimals is fine."""


def _cut_short(value: float) -> set[float]:
    """``value`` rounded or cut off to one or two decimals: 45/55 = 0.8181... gives 0.8, 0.81, 0.82."""
    return {round(value, 1), round(value, 2), math.floor(value * 10) / 10, math.floor(value * 100) / 100}


def check_spam_precision_recall(answer: Any) -> Feedback:
    """``answer = (precision, recall)`` of the class spam (1) in SPAM_MATRIX.

    Exact fractions (``45 / 55``) and decimals rounded to two or more places are accepted.
    """
    if is_unanswered(answer):
        return not_attempted()
    try:
        values = [float(value) for value in answer]
    except (TypeError, ValueError):
        return incorrect("give two numbers, precision first: answer = (precision, recall)")
    if len(values) != 2:
        return incorrect(
            f"give two numbers, precision first: answer = (precision, recall); you gave {len(values)}"
        )
    precision, recall = precision_recall_solution(SPAM_MATRIX, 1)
    if all_close(values, [precision, recall], ROUNDED):
        return correct(
            f"Correct: precision 45/55 = {precision:.3f} (of the mails it calls spam, that many are), "
            f"recall 45/50 = {recall:.3f} (of the spam, it catches that much)."
        )
    if all_close(values, [recall, precision], ROUNDED):
        return incorrect("you swapped them: precision divides by what was *predicted* spam (a column)")
    if all_close(values, list(precision_recall_solution(SPAM_MATRIX, 0)), ROUNDED):
        return incorrect("those are the numbers for class 0 (mail); the question asks about spam, class 1")
    if all_close([value / 100 for value in values], [precision, recall], ROUNDED):
        return incorrect(
            "the right numbers, but as percentages; give them as fractions of 1, such as 0.5 for 50%"
        )
    if all(
        close(value, right, ROUNDED) or any(close(value, form) for form in _cut_short(right))
        for value, right in zip(values, (precision, recall), strict=True)
    ):
        return incorrect(
            "nearly: your numbers are the right ones, but rounded or cut off too early; "
            "give at least two decimals, correctly rounded, or the fractions themselves, such as 45 / 55"
        )
    if close(values[1], recall, ROUNDED):
        return incorrect("one of the two is right: the recall; precision = C[1][1] / (sum of column 1)")
    if close(values[0], precision, ROUNDED):
        return incorrect("one of the two is right: the precision; recall = C[1][1] / (sum of row 1)")
    return incorrect(
        "the diagonal entry C[1][1] = 45 is the spam caught; divide it by a column sum and a row sum"
    )


# --- 3. the best epoch ------------------------------------------------------------------------


def best_epoch_solution(validation_losses: list[float]) -> int:
    """The (1-based) epoch with the lowest validation loss; the first one on a tie."""
    return min(range(len(validation_losses)), key=validation_losses.__getitem__) + 1


def _best_epoch_cases() -> list[list[float]]:
    rng = random.Random(5)
    cases = [[0.9, 0.5, 0.4, 0.45, 0.6], [0.3, 0.4, 0.5], [1.0, 0.8, 0.6, 0.5], [0.7, 0.2, 0.9, 0.2]]
    cases += [[rng.uniform(0.1, 1.0) for _ in range(rng.randint(1, 12))] for _ in range(20)]
    return cases


def check_best_epoch(function: Callable[[list[float]], int] | Any) -> Feedback:
    """``best_epoch(validation_losses)`` returns the epoch number (counting from 1) with the lowest loss."""
    for losses in _best_epoch_cases():
        result, feedback = call(function, list(losses))
        if feedback is not None:
            return feedback
        expected = best_epoch_solution(losses)
        if result == expected:
            continue
        if result == expected - 1:
            return incorrect("that is the list index; epochs are counted from 1 (the first epoch is epoch 1)")
        if result == losses.index(max(losses)) + 1:
            return incorrect("you found the epoch with the *highest* loss; we want the lowest")
        if isinstance(result, float) and result == min(losses):
            return incorrect("that is the lowest loss itself; return the epoch in which it happened")
        return incorrect(
            f"for losses {[round(v, 3) for v in losses]} expected epoch {expected}, got {result!r}"
        )
    return correct(
        "Correct! Stopping there, or keeping a copy of that epoch's parameters, is early stopping."
    )
