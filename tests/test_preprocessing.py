"""Preprocessing against hand-made images, hand-computed values and round trips."""

import numpy as np
import pytest

from nodewise import Network
from nodewise.preprocessing import (
    downsample,
    flatten,
    one_hot,
    prepare,
    scale_pixels,
    stratified_split,
    to_lists,
)


def test_scale_pixels_by_hand():
    image = np.array([[[0, 255], [51, 102]]], dtype=np.uint8)
    np.testing.assert_allclose(scale_pixels(image), [[[0.0, 1.0], [0.2, 0.4]]])
    np.testing.assert_allclose(scale_pixels(np.array([[4, 16]]), maximum=16), [[0.25, 1.0]])


@pytest.mark.parametrize(
    ("images", "maximum", "error", "message"),
    [
        (np.array([[256.0]]), 255, ValueError, "from 256.0 to 256.0, outside 0..255"),
        (np.array([[-1, 3]]), 255, ValueError, "from -1 to 3, outside 0..255"),
        (np.array([[np.nan]]), 255, ValueError, "outside 0..255"),
        (np.array([[17]]), 16, ValueError, "outside 0..16"),
        (np.array([[1]]), 0, ValueError, "maximum is 0"),
        (np.array([["a"]]), 255, TypeError, "expected numbers"),
    ],
)
def test_scale_pixels_refuses_what_is_not_a_grey_level(images, maximum, error, message):
    with pytest.raises(error, match=message):
        scale_pixels(images, maximum)


def test_downsample_by_hand():
    image = np.array(
        [
            [0, 4, 1, 1],
            [8, 4, 1, 1],
            [9, 0, 2, 6],
            [0, 3, 4, 0],
        ]
    )
    np.testing.assert_allclose(downsample(image[None]), [[[4.0, 1.0], [3.0, 3.0]]])
    np.testing.assert_allclose(downsample(image[None], factor=4), [[[44 / 16]]])
    np.testing.assert_array_equal(downsample(image[None], factor=1), image[None])


def test_downsample_undoes_blowing_up_each_pixel_into_a_block():
    small = np.random.default_rng(0).random((3, 14, 14))
    large = np.kron(small, np.ones((2, 2)))  # each pixel becomes a 2 x 2 block: 28 x 28
    assert large.shape == (3, 28, 28)
    np.testing.assert_allclose(downsample(large), small)


def test_downsample_keeps_the_mean_grey_level():
    images = np.random.default_rng(1).integers(0, 256, (4, 28, 28), dtype=np.uint8)
    np.testing.assert_allclose(downsample(images).mean(axis=(1, 2)), images.mean(axis=(1, 2)))


@pytest.mark.parametrize(
    ("images", "factor", "message"),
    [
        (np.zeros((2, 5, 4)), 2, "5 x 4 pixels cannot be cut into 2 x 2 blocks"),
        (np.zeros((28, 28)), 2, "expected \\(count, rows, columns\\)"),
        (np.zeros((1, 4, 4)), 0, "factor is 0"),
        (np.zeros((1, 4, 4)), 2.0, "factor is 2.0"),
    ],
)
def test_downsample_refuses_bad_shapes(images, factor, message):
    with pytest.raises(ValueError, match=message):
        downsample(images, factor)


def test_flatten_goes_row_after_row():
    images = np.arange(2 * 3 * 4).reshape(2, 3, 4)
    flat = flatten(images)
    assert flat.shape == (2, 12)
    for n in range(2):
        for i in range(3):
            for j in range(4):
                assert flat[n, i * 4 + j] == images[n, i, j]
    np.testing.assert_array_equal(flat.reshape(2, 3, 4), images)
    with pytest.raises(ValueError, match="expected one image per row"):
        flatten(np.zeros(5))


def test_one_hot_by_hand():
    np.testing.assert_array_equal(one_hot(np.array([2, 0, 1]), classes=3), [[0, 0, 1], [1, 0, 0], [0, 1, 0]])
    np.testing.assert_array_equal(one_hot(np.array([1.0, 0.0]), classes=2), [[0, 1], [1, 0]])


def test_one_hot_round_trip():
    labels = np.random.default_rng(2).integers(0, 10, 50, dtype=np.uint8)
    targets = one_hot(labels)
    assert targets.shape == (50, 10)
    np.testing.assert_array_equal(targets.argmax(axis=1), labels)
    np.testing.assert_array_equal(targets.sum(axis=1), np.ones(50))


@pytest.mark.parametrize(
    ("labels", "classes", "error", "message"),
    [
        (np.array([3, 10]), 10, ValueError, "labels include 10, but 10 classes are numbered 0 to 9"),
        (np.array([-1, 2]), 10, ValueError, "labels include -1"),
        (np.array([1.5]), 10, ValueError, "whole numbers"),
        (np.array([[1, 2]]), 10, ValueError, "expected one label per example"),
        (np.array([True]), 10, TypeError, "expected numbers"),
    ],
)
def test_one_hot_refuses_bad_labels(labels, classes, error, message):
    with pytest.raises(error, match=message):
        one_hot(labels, classes)


def test_stratified_split_keeps_each_class_share():
    labels = np.array([0] * 10 + [1] * 20 + [2] * 30 + [3] * 5)
    np.random.default_rng(3).shuffle(labels)
    train, validation = stratified_split(labels, validation_fraction=0.1, seed=0)
    # 10% of 10, 20, 30 and 5 examples, rounded half up: 1, 2, 3 and 1.
    assert np.bincount(labels[validation]).tolist() == [1, 2, 3, 1]
    assert np.bincount(labels[train]).tolist() == [9, 18, 27, 4]
    assert np.intersect1d(train, validation).size == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, validation])), np.arange(len(labels)))
    assert (np.diff(train) > 0).all() and (np.diff(validation) > 0).all()


def test_stratified_split_is_seeded():
    labels = np.repeat(np.arange(10), 30)
    first, second = stratified_split(labels, 0.2, seed=5), stratified_split(labels, 0.2, seed=5)
    np.testing.assert_array_equal(first[1], second[1])
    other = stratified_split(labels, 0.2, seed=6)
    assert not np.array_equal(first[1], other[1])
    assert np.bincount(labels[other[1]]).tolist() == [6] * 10


@pytest.mark.parametrize(
    ("labels", "fraction", "message"),
    [
        (np.arange(10), 0.0, "expected a number between 0 and 1"),
        (np.arange(10), 1.0, "expected a number between 0 and 1"),
        (np.arange(10), 0.1, "leaves one part empty"),
        (np.zeros(2, dtype=int), 0.9, "leaves one part empty"),
    ],
)
def test_stratified_split_refuses_empty_parts(labels, fraction, message):
    with pytest.raises(ValueError, match=message):
        stratified_split(labels, fraction)


def test_prepare_by_hand():
    images = np.array([[[0, 255], [51, 102]], [[255, 255], [0, 0]]], dtype=np.uint8)
    inputs, targets = prepare(images, np.array([1, 0]), classes=2)
    np.testing.assert_allclose(inputs, [[0.0, 1.0, 0.2, 0.4], [1.0, 1.0, 0.0, 0.0]])
    np.testing.assert_array_equal(targets, [[0, 1], [1, 0]])


def test_prepare_downsampled_mnist_sized_images():
    images = np.random.default_rng(4).integers(0, 256, (3, 28, 28), dtype=np.uint8)
    inputs, targets = prepare(images, np.array([7, 2, 1]), downsample_factor=2)
    assert inputs.shape == (3, 196) and targets.shape == (3, 10)
    # Input k of the 14 x 14 image is block (k // 14, k % 14): the mean of its four pixels, over 255.
    for n in range(3):
        for k in range(196):
            i, j = divmod(k, 14)
            block = images[n, 2 * i : 2 * i + 2, 2 * j : 2 * j + 2].astype(float)
            assert inputs[n, k] == pytest.approx(block.sum() / 4 / 255)
    with pytest.raises(ValueError, match="3 images but 2 labels"):
        prepare(images, np.array([7, 2]))


def test_to_lists_gives_plain_floats_the_node_engine_takes():
    images = np.random.default_rng(5).integers(0, 256, (2, 28, 28), dtype=np.uint8)
    inputs, targets = prepare(images, np.array([3, 9]), downsample_factor=2)
    rows = to_lists(inputs)
    assert len(rows) == 2 and all(len(row) == 196 for row in rows)
    assert all(type(value) is float for row in rows for value in row)
    np.testing.assert_array_equal(np.array(rows), inputs)
    assert to_lists(np.array([[1, 2]], dtype=np.uint8)) == [[1.0, 2.0]]
    net = Network([196, 8, 10], output="softmax")
    assert net.loss(rows[0], to_lists(targets)[0]) > 0.0
