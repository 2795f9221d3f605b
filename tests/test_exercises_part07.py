"""Each part-07 check accepts its reference solution and rejects typical wrong answers."""

import numpy as np

from nodewise import preprocessing
from nodewise.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, part07
from nodewise.network import Network


def test_weight_count_matches_a_real_network():
    net = Network(part07.SHAPE)
    assert part07.weight_count_solution(part07.SHAPE) == sum(len(c) for c in net.connections) == 13184
    assert part07.check_weight_count(...).status == NOT_ATTEMPTED
    assert part07.check_weight_count(13184).status == CORRECT
    hints = {13258: "biases", 12544: "first layer", 50816: "784", 270: "nodes", 1000: "add the two layers"}
    for wrong, hint in hints.items():
        feedback = part07.check_weight_count(wrong)
        assert feedback.status == INCORRECT and hint in feedback.message
    assert part07.check_weight_count("many").status == INCORRECT


def test_downsample_solution_matches_the_library():
    for image in part07._downsample_cases():
        expected = preprocessing.downsample(np.array([image]))[0]
        np.testing.assert_allclose(part07.downsample_solution(image), expected)


def every_other_pixel(image):
    return [row[::2] for row in image[::2]]


def block_sums(image):
    return [[4 * v for v in row] for row in part07.downsample_solution(image)]


def transposed(image):
    return [list(column) for column in zip(*part07.downsample_solution(image))]


def wrong_shape(image):
    return [[sum(row) / len(row)] for row in image]


def unwritten(image): ...


def raises(image):
    return image[len(image)]


def test_check_downsample():
    assert part07.check_downsample(...).status == NOT_ATTEMPTED
    assert part07.check_downsample(unwritten).status == NOT_ATTEMPTED
    assert part07.check_downsample(part07.downsample_solution).status == CORRECT
    assert (
        part07.check_downsample(lambda image: np.array(part07.downsample_solution(image))).status == CORRECT
    )
    hints = {
        every_other_pixel: "one pixel of every four",
        block_sums: "divide by 4",
        transposed: "swapped",
        wrong_shape: "should become 1 x 1",
        raises: "raised IndexError",
    }
    for function, hint in hints.items():
        feedback = part07.check_downsample(function)
        assert feedback.status == INCORRECT and hint in feedback.message, (
            function.__name__,
            feedback.message,
        )
