"""Every picture the tutorial draws.

Each function returns its matplotlib Figure. Pass ``ax`` to draw on axes of your own
(for example one panel of a larger figure); without it, a new figure is made.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from nodewise.training import History

# --- training curves ---

CURVES = {"loss": ("train_loss", "validation_loss"), "accuracy": ("train_accuracy", "validation_accuracy")}


def _training_axes(ax: Axes | None) -> tuple[Figure, Axes]:
    """The given axes and their figure, or a new modest-sized figure with one axes."""
    if ax is None:
        figure, ax = plt.subplots(figsize=(5, 3))
        return figure, ax
    return ax.figure, ax


def _curve(history: History, metric: str, validation: bool) -> list[float]:
    if metric not in CURVES:
        raise ValueError(f"metric is {metric!r}: expected 'loss' or 'accuracy'")
    values = getattr(history, CURVES[metric][validation])
    if not values:
        kind = "validation " if validation else ""
        reason = " (regression records none)" if metric == "accuracy" else ""
        raise ValueError(
            f"this history has no {kind}{metric}{reason}: plot the loss, or train with validation data"
        )
    return values


def _log_tick_label(value: float, _position: int) -> str:
    """Plain numbers on a log axis (0.2 rather than 2 x 10^-1), only at 1, 2, 3 and 5 times a power of 10."""
    if value <= 0:
        return ""
    mantissa = value / 10 ** math.floor(math.log10(value))
    return f"{value:g}" if round(mantissa, 6) in (1, 2, 3, 5) else ""


def plot_history(history: History, metric: str = "loss", ax: Axes | None = None) -> Figure:
    """Training (solid) and, if recorded, validation (dashed) ``metric`` per epoch.

    A validation loss that turns upward while the training loss keeps falling is the
    picture of overfitting: the network starts to learn the training samples' noise.
    """
    figure, ax = _training_axes(ax)
    epochs = range(1, history.epochs + 1)
    ax.plot(epochs, _curve(history, metric, validation=False), label=f"training {metric}")
    if getattr(history, CURVES[metric][1]):
        ax.plot(epochs, _curve(history, metric, validation=True), "--", label=f"validation {metric}")
    ax.set_xlabel("epoch")
    ax.set_ylabel(metric)
    ax.legend()
    return figure


def plot_histories(
    histories: Mapping[str, History],
    metric: str = "loss",
    validation: bool = False,
    log: bool = False,
    ax: Axes | None = None,
) -> Figure:
    """One curve per labelled run, e.g. ``{"rate 0.01": h1, "rate 0.1": h2}``: training
    (or, with ``validation``, validation) ``metric`` per epoch; ``log`` for a log-scale y axis."""
    figure, ax = _training_axes(ax)
    for label, history in histories.items():
        values = _curve(history, metric, validation)
        ax.plot(range(1, len(values) + 1), values, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(f"{'validation' if validation else 'training'} {metric}")
    if log:
        ax.set_yscale("log")
        ax.yaxis.set_major_formatter(FuncFormatter(_log_tick_label))
        ax.yaxis.set_minor_formatter(FuncFormatter(_log_tick_label))
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0))  # beside the curves, never over them
    return figure


def plot_confusion_matrix(
    matrix: Sequence[Sequence[int]], class_names: Sequence[str] | None = None, ax: Axes | None = None
) -> Figure:
    """The confusion matrix as a grid of counts: row = true class, column = predicted class.

    The diagonal holds the right answers; every count off it is one kind of mistake.
    """
    figure, ax = _training_axes(ax)
    size = len(matrix)
    names = list(class_names) if class_names is not None else [str(k) for k in range(size)]
    if len(names) != size or any(len(row) != size for row in matrix):
        raise ValueError(
            f"expected a square matrix with one row and one column per class name ({len(names)})"
        )
    largest = max(max(row) for row in matrix)
    ax.imshow(matrix, cmap="Blues", vmin=0, vmax=max(largest, 1))
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if count > largest / 2 else "black"
            ax.text(j, i, str(count), ha="center", va="center", color=colour)
    ax.set_xticks(range(size), names)
    ax.set_yticks(range(size), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    return figure
