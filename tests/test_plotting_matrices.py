"""The part-08 picture: what it drew, checked against the times it was given."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nodewise.plotting import plot_engine_speeds


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_engine_speeds_draws_one_log_log_line_per_engine():
    sizes = [8, 32, 128]
    times = {"node engine": [1e-4, 4e-4, 1.6e-3], "matrix engine": [2e-6, 3e-6, 8e-6]}
    figure = plot_engine_speeds(sizes, times)
    (ax,) = figure.axes
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("hidden neurons", "seconds per training sample")
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == list(times)
    for line, seconds in zip(lines, times.values()):
        np.testing.assert_array_equal(line.get_xdata(), sizes)
        np.testing.assert_array_equal(line.get_ydata(), seconds)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == list(times)
    low, high = ax.get_ylim()
    assert low <= 2e-6 and high >= 1.6e-3


def test_plot_engine_speeds_draws_on_given_axes_and_checks_lengths():
    figure, (left, right) = plt.subplots(1, 2)
    assert plot_engine_speeds([1, 2], {"a": [1.0, 2.0]}, xlabel="batch size", ax=right) is figure
    assert len(right.get_lines()) == 1 and not left.get_lines() and right.get_xlabel() == "batch size"
    with pytest.raises(ValueError, match="'b' has 1 times for 2 sizes"):
        plot_engine_speeds([1, 2], {"b": [1.0]})
