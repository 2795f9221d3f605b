"""The checks behind the notebooks' exercises, beside their reference solutions.

An exercise is a notebook code cell tagged ``exercise`` in its metadata. It holds ``...``
(Python's Ellipsis) where the learner's answer goes, or a function whose body is ``...``.
The cell after it calls a check from the part's module, for example::

    from nodewise.exercises import part01
    part01.check_connection_count(answer)

Every check returns a :class:`Feedback`, which a notebook shows as one line: not
attempted yet, correct, or not yet with a hint. A check never raises, whatever the
learner wrote, so a notebook always runs top to bottom. Unit tests prove that each check
accepts its reference solution and rejects typical wrong answers.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOT_ATTEMPTED = "not attempted"
CORRECT = "correct"
INCORRECT = "incorrect"


@dataclass(frozen=True)
class Feedback:
    """The result of a check: ``status`` is NOT_ATTEMPTED, CORRECT or INCORRECT."""

    status: str
    message: str

    @property
    def correct(self) -> bool:
        return self.status == CORRECT

    def __str__(self) -> str:
        symbol = {NOT_ATTEMPTED: "…", CORRECT: "✔", INCORRECT: "✘"}[self.status]
        return f"{symbol} {self.message}"

    def __repr__(self) -> str:  # what a notebook shows as the cell's output
        return str(self)


def not_attempted(what: str = "replace ... with your answer and run the cell again") -> Feedback:
    return Feedback(NOT_ATTEMPTED, f"Not attempted yet: {what}.")


def correct(message: str = "Correct!") -> Feedback:
    return Feedback(CORRECT, message)


def incorrect(hint: str) -> Feedback:
    return Feedback(INCORRECT, f"Not yet. Hint: {hint}")


def is_unanswered(answer: Any) -> bool:
    """True for ``...`` (the placeholder) and None (a function whose body is still ``...``)."""
    return answer is ... or answer is None


def call(function: Callable[..., Any], *args: Any) -> tuple[Any, Feedback | None]:
    """Call the learner's function; return (result, None), or (None, feedback) if it is
    unanswered (returns ``...`` or None) or raises."""
    if is_unanswered(function):
        return None, not_attempted()
    try:
        result = function(*args)
    except Exception as error:  # the learner's code: report, never crash the notebook
        return None, incorrect(f"your function raised {type(error).__name__}: {error}")
    if is_unanswered(result):
        return None, not_attempted("write the body of the function (it still returns nothing)")
    return result, None


def close(answer: Any, expected: float, tolerance: float = 1e-6) -> bool:
    """True if ``answer`` is a number within ``tolerance`` (relative or absolute) of ``expected``."""
    try:
        value = float(answer)
    except (TypeError, ValueError):
        return False
    return math.isclose(value, expected, rel_tol=tolerance, abs_tol=tolerance)


def all_close(answers: Any, expected: list[float], tolerance: float = 1e-6) -> bool:
    """True if ``answers`` is a sequence of numbers, each close to its ``expected`` value."""
    try:
        values = list(answers)
    except TypeError:
        return False
    return len(values) == len(expected) and all(
        close(a, e, tolerance) for a, e in zip(values, expected, strict=True)
    )
