"""The digit pictures: the mosaic drawn, pixel by pixel, and the texts written over it."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from nodewise.plotting import plot_digits, plot_misclassified, plot_weight_images


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def three_images():
    return np.arange(3 * 2 * 2, dtype=float).reshape(3, 2, 2)  # three 2 x 2 images, 0 to 11


def drawn(ax):
    (image,) = ax.get_images()
    return image.get_array(), image.get_clim()


def test_plot_digits_places_each_image_in_the_grid_with_its_label():
    images = three_images()
    figure = plot_digits(images, labels=[7, 1, 4], columns=2)
    (ax,) = figure.axes
    canvas, limits = drawn(ax)
    assert limits == (0.0, 11.0)  # white to black over the images' own range
    # two rows of (1 label row + 2 pixel rows), two columns of 2 pixels with a 1-pixel gap
    assert canvas.shape == (6, 5)
    np.testing.assert_array_equal(canvas[1:3, 0:2], images[0])
    np.testing.assert_array_equal(canvas[1:3, 3:5], images[1])
    np.testing.assert_array_equal(canvas[4:6, 0:2], images[2])
    assert canvas.mask[:, 2].all() and canvas.mask[4:6, 3:5].all()  # gaps and the empty place are blank
    assert [t.get_text() for t in ax.texts] == ["7", "1", "4"]
    assert [t.get_position() for t in ax.texts] == [(1.0, 0.5), (4.0, 0.5), (1.0, 3.5)]
    assert ax.get_xlabel() == "3 digits, each with its label"


def test_plot_digits_without_labels_on_given_axes_with_a_maximum():
    figure, (left, right) = plt.subplots(1, 2)
    returned = plot_digits(three_images(), columns=3, maximum=16, ax=right)
    assert returned is figure and not left.get_images()
    canvas, limits = drawn(right)
    assert canvas.shape == (3, 8) and limits == (0.0, 16.0) and not right.texts  # a 1-pixel gap above


@pytest.mark.parametrize("bad", [np.zeros((4, 4)), np.zeros((0, 2, 2))])
def test_plot_digits_refuses_what_is_not_a_stack_of_images(bad):
    with pytest.raises(ValueError, match=r"expected \(count, rows, columns\)"):
        plot_digits(bad)


def test_plot_digits_needs_one_label_per_image():
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        plot_digits(three_images(), labels=[1, 2])


def test_plot_misclassified_shows_the_mistakes_most_confident_first():
    images = np.stack([np.full((2, 2), k, dtype=float) for k in range(4)])
    truth = [0, 1, 2, 1]
    probabilities = [
        [0.9, 0.1, 0.0],  # right
        [0.3, 0.2, 0.5],  # wrong: said 2 with 50%
        [0.1, 0.8, 0.1],  # wrong: said 1 with 80%
        [0.4, 0.6, 0.0],  # right
    ]
    figure = plot_misclassified(images, truth, probabilities, columns=4)
    (ax,) = figure.axes
    canvas, _ = drawn(ax)
    # label rows above the images: ceil(0.7 * 2) = 2; the 80% mistake (image 2) first
    np.testing.assert_array_equal(canvas[2:4, 0:2], images[2])
    np.testing.assert_array_equal(canvas[2:4, 3:5], images[1])
    assert [t.get_text() for t in ax.texts] == ["2 -> 1 80%\n2: 10%", "1 -> 2 50%\n1: 20%"]
    assert ax.get_xlabel().startswith("2 of 2 misclassified digits (of 4)")


def test_plot_misclassified_draws_at_most_count_and_says_when_none():
    images = np.zeros((3, 2, 2))
    truth = [1, 1, 1]
    wrong = [[0.7, 0.3], [0.9, 0.1], [0.6, 0.4]]
    (ax,) = plot_misclassified(images, truth, wrong, count=2).axes
    assert len(ax.texts) == 2 and ax.texts[0].get_text().startswith("1 -> 0 90%")
    assert ax.get_xlabel().startswith("2 of 3 misclassified")
    (ax,) = plot_misclassified(images, [0, 0, 0], wrong).axes
    assert not ax.get_images() and ax.get_xlabel().startswith("0 of 0 misclassified")


def test_plot_misclassified_needs_matching_lengths():
    with pytest.raises(ValueError, match="3 images, 2 labels and 3 probability vectors"):
        plot_misclassified(np.zeros((3, 2, 2)), [0, 1], [[1.0, 0.0]] * 3)


def test_plot_weight_images_draws_each_neurons_row_on_one_signed_scale():
    weights = [[1.0, -2.0, 0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0, 3.0, -1.0], [9.0] * 6]
    figure = plot_weight_images(weights, (2, 3), count=2, columns=2)
    ax, colour_bar = figure.axes
    canvas, limits = drawn(ax)
    assert limits == (-3.0, 3.0)  # symmetric around 0, from the neurons drawn only
    assert canvas.shape == (3, 7) and canvas.mask[0].all()  # a 1-pixel gap above each row
    np.testing.assert_array_equal(canvas[1:, 0:3], [[1.0, -2.0, 0.0], [0.5, 0.0, 0.0]])
    np.testing.assert_array_equal(canvas[1:, 4:7], [[0.0, 0.0, 0.0], [0.0, 3.0, -1.0]])
    assert colour_bar.get_ylabel() == "weight"
    assert ax.get_xlabel() == "incoming weights of 2 hidden neurons, each as a 2 x 3 image"


def test_plot_weight_images_refuses_weights_of_another_width():
    with pytest.raises(ValueError, match=r"does not fit images of 2 x 2 pixels"):
        plot_weight_images([[1.0, 2.0, 3.0]], (2, 2))


def test_a_new_figure_is_as_high_as_the_mosaic_needs():
    one_row = plot_digits(np.zeros((10, 8, 8)), labels=range(10), columns=10)
    two_rows = plot_digits(np.zeros((20, 8, 8)), labels=range(20), columns=10)
    width, height = one_row.get_size_inches()
    assert width == 8.0 and two_rows.get_size_inches()[0] == 8.0
    # a mosaic of 12 x 89 pixels (4 label rows + 8), 8 inches wide, and 0.6 inches for the x label
    assert height == pytest.approx(8.0 * 12 / 89 + 0.6)
    assert two_rows.get_size_inches()[1] == pytest.approx(8.0 * 24 / 89 + 0.6)
