"""Each part-06 check accepts its reference solution and rejects typical wrong answers."""

import numpy as np

from nodewise import Network
from nodewise.exercises import CORRECT, INCORRECT, NOT_ATTEMPTED, part06
from nodewise.plotting import outputs_on_plane


def test_relu_pieces_counted_on_a_network_with_all_three_bends():
    net = Network([1, 3, 1], activation="relu", output="identity", seed=0)
    net.set_parameters([([[1.0], [1.0], [-1.0]], [1.0, -1.0, -2.0]), ([[1.0, -2.0, 1.0]], [0.0])])
    x = np.linspace(-5.0, 5.0, 2001)
    slopes = np.round(np.diff([net.forward([v])[0] for v in x]) / np.diff(x), 6)
    pieces = 1 + np.count_nonzero(np.diff(slopes))  # the bends, at x = -2, -1 and 1, lie on grid points
    assert pieces == part06.RELU_PIECES_SOLUTION
    assert part06.check_relu_pieces(...).status == NOT_ATTEMPTED
    assert part06.check_relu_pieces(4).status == CORRECT
    assert "bends" in part06.check_relu_pieces(3).message
    assert "pattern" in part06.check_relu_pieces(8).message
    assert part06.check_relu_pieces("four").status == INCORRECT


def test_probability_grid_solution_is_what_the_plots_draw():
    net = part06.grid_network()
    grid = part06.probability_grid_solution(net, part06.GRID_X1, part06.GRID_X2)
    assert np.allclose(grid, outputs_on_plane(net, part06.GRID_X1, part06.GRID_X2)[..., 0])
    assert part06.check_probability_grid(part06.probability_grid_solution).status == CORRECT


def test_probability_grid_rejects_typical_mistakes():
    def unanswered(net, x1_values, x2_values): ...

    def transposed(net, x1_values, x2_values):
        return [[net.forward([a, b])[0] for b in x2_values] for a in x1_values]

    def whole_outputs(net, x1_values, x2_values):
        return [[net.forward([a, b]) for a in x1_values] for b in x2_values]

    def swapped_inputs(net, x1_values, x2_values):
        return [[net.forward([b, a])[0] for a in x1_values] for b in x2_values]

    assert part06.check_probability_grid(unanswered).status == NOT_ATTEMPTED
    assert "x2" in part06.check_probability_grid(transposed).message
    assert "[0]" in part06.check_probability_grid(whole_outputs).message
    assert "other numbers" in part06.check_probability_grid(swapped_inputs).message
    assert part06.check_probability_grid(lambda *args: 3).status == INCORRECT


def test_diagnosis():
    assert part06.check_diagnosis(...).status == NOT_ATTEMPTED
    assert part06.check_diagnosis(part06.DIAGNOSIS_SOLUTION).status == CORRECT
    assert part06.check_diagnosis({"A": "Underfit", "B": "overfit ", "C": "good"}).status == CORRECT
    swapped = {"A": "overfitting", "B": "underfitting", "C": "good fit"}
    assert "gap" in part06.check_diagnosis(swapped).message
    rotated = {"A": "good fit", "B": "overfitting", "C": "underfitting"}
    assert part06.check_diagnosis(rotated).status == INCORRECT
    assert part06.check_diagnosis(["underfitting"]).status == INCORRECT
