"""The training-curve pictures: what each one drew, checked against the data it was given."""

import matplotlib.pyplot as plt
import pytest

from nodewise.plotting import plot_confusion_matrix, plot_histories, plot_history
from nodewise.training import History


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def history(validation=True, accuracy=True):
    return History(
        train_loss=[1.0, 0.5, 0.3],
        train_accuracy=[0.5, 0.7, 0.9] if accuracy else [],
        validation_loss=[1.1, 0.7, 0.8] if validation else [],
        validation_accuracy=[0.4, 0.6, 0.7] if validation and accuracy else [],
        seconds=[0.1, 0.1, 0.1],
        samples_per_epoch=10,
    )


def test_plot_history_draws_training_and_validation_per_epoch():
    figure = plot_history(history())
    (ax,) = figure.axes
    train, validation = ax.get_lines()
    assert list(train.get_xdata()) == [1, 2, 3] and list(train.get_ydata()) == [1.0, 0.5, 0.3]
    assert list(validation.get_ydata()) == [1.1, 0.7, 0.8] and validation.get_linestyle() == "--"
    assert ax.get_xlabel() == "epoch" and ax.get_ylabel() == "loss"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["training loss", "validation loss"]


def test_plot_history_accuracy_without_validation_on_given_axes():
    figure, (left, right) = plt.subplots(1, 2)
    returned = plot_history(history(validation=False), metric="accuracy", ax=right)
    assert returned is figure and len(left.get_lines()) == 0
    (line,) = right.get_lines()
    assert list(line.get_ydata()) == [0.5, 0.7, 0.9] and right.get_ylabel() == "accuracy"


def test_plot_history_refuses_what_was_not_recorded():
    with pytest.raises(ValueError, match="no accuracy .regression records none"):
        plot_history(history(accuracy=False), metric="accuracy")
    with pytest.raises(ValueError, match="metric is 'f1'"):
        plot_history(history(), metric="f1")


def test_plot_histories_one_labelled_curve_per_run():
    runs = {"rate 0.1": history(), "rate 1": History(train_loss=[2.0, 1.0], validation_loss=[3.0, 2.5])}
    figure = plot_histories(runs, validation=True, log=True)
    (ax,) = figure.axes
    lines = ax.get_lines()
    assert [list(line.get_ydata()) for line in lines] == [[1.1, 0.7, 0.8], [3.0, 2.5]]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["rate 0.1", "rate 1"]
    assert ax.get_yscale() == "log" and ax.get_ylabel() == "validation loss"
    labels = [ax.yaxis.get_minor_formatter()(value, 0) for value in (0.2, 0.3, 0.4, 0.5, 2.0, 7.0)]
    assert labels == ["0.2", "0.3", "", "0.5", "2", ""] and ax.yaxis.get_major_formatter()(1.0, 0) == "1"
    with pytest.raises(ValueError, match="no validation loss"):
        plot_histories({"none": history(validation=False)}, validation=True)


def test_plot_confusion_matrix_shows_every_count():
    matrix = [[5, 1, 0], [2, 7, 1], [0, 0, 9]]
    figure = plot_confusion_matrix(matrix, ["cat", "dog", "owl"])
    (ax,) = figure.axes
    (image,) = ax.get_images()
    assert image.get_array().tolist() == matrix and image.get_clim() == (0, 9)
    assert sorted(int(t.get_text()) for t in ax.texts) == sorted(sum(matrix, []))
    assert [t.get_text() for t in ax.get_xticklabels()] == ["cat", "dog", "owl"]
    assert ax.get_xlabel() == "predicted class" and ax.get_ylabel() == "true class"
    with pytest.raises(ValueError, match="square matrix"):
        plot_confusion_matrix([[1, 2]], ["a"])
