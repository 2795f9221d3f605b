"""Part 06's pictures: what each one drew, checked against the network's own forward passes."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.animation import FuncAnimation
from PIL import Image

from nodewise import Network
from nodewise.playground import Setting, hidden_sizes, playground, playground_figure, train_in_stages
from nodewise.plotting import (
    animate,
    draw_forward_backward,
    outputs_on_plane,
    plot_decision_regions,
    plot_fit,
    plot_hidden_activations,
    plot_neuron_activation,
    plot_training_curves,
    save_gif,
)
from nodewise.training import History

SQUARE = [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0], [1.0, 2.0]]


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_plot_fit_draws_the_data_and_each_networks_curve_over_the_data_range():
    nets = {
        "a": Network([1, 3, 1], activation="tanh", output="identity", seed=1),
        "b": Network([1, 2, 1], output="identity", seed=2),
    }
    inputs, targets = [[-1.0], [0.5], [2.0]], [[0.3], [-0.2], [0.9]]
    figure = plot_fit(nets, inputs, targets, points=5)
    (ax,) = figure.axes
    a, b = ax.get_lines()
    assert list(a.get_xdata()) == [-1.0, -0.25, 0.5, 1.25, 2.0]
    assert np.allclose(b.get_ydata(), [nets["b"].forward([x])[0] for x in b.get_xdata()])
    (data,) = [c for c in ax.collections if c.get_gid() == "data"]
    assert data.get_offsets().tolist() == [[-1.0, 0.3], [0.5, -0.2], [2.0, 0.9]]
    assert ax.get_xlabel() == "input x" and ax.get_ylabel() == "network output y0"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a", "b", "data"]


def test_plot_fit_on_given_axes_and_refuses_unequal_lengths():
    figure, (left, right) = plt.subplots(1, 2)
    assert plot_fit({"n": Network([1, 1], output="identity")}, [[0.0], [1.0]], [0.0, 1.0], right) is figure
    assert not left.get_lines() and len(right.get_lines()) == 1
    with pytest.raises(ValueError, match="2 inputs and 1 targets"):
        plot_fit({"n": Network([1, 1], output="identity")}, [[0.0], [1.0]], [0.0])


def test_outputs_on_plane_is_the_forward_pass_row_per_x2():
    net = Network([2, 3, 1], output="sigmoid", seed=3)
    grid = outputs_on_plane(net, [0.0, 1.0, 2.0], [-1.0, 5.0])
    assert grid.shape == (2, 3, 1)
    assert grid[1, 2, 0] == net.forward([2.0, 5.0])[0]


def test_decision_regions_for_two_classes_show_probability_of_class_one():
    net = Network([2, 4, 1], output="sigmoid", seed=0)
    figure = plot_decision_regions(net, SQUARE, [0, 1, 1, 0], resolution=5, margin=0.5)
    ax, colorbar = figure.axes
    (image,) = ax.get_images()
    assert image.get_clim() == (0.0, 1.0) and colorbar.get_ylabel() == "probability of class 1"
    assert image.get_extent() == [-0.5, 1.5, -0.5, 2.5]
    assert ax.get_xlim() == (-0.5, 1.5) and ax.get_ylim() == (-0.5, 2.5)
    assert np.allclose(image.get_array()[0, 0], net.forward([-0.5, -0.5])[0])
    class0, class1 = ax.collections
    assert class0.get_offsets().tolist() == [[0.0, 0.0], [1.0, 2.0]] and len(class1.get_offsets()) == 2
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("input x1", "input x2")


def test_decision_regions_for_three_classes_mix_class_colours_on_given_axes():
    net = Network([2, 3, 3], output="softmax", seed=0)
    figure, ax = plt.subplots()
    assert plot_decision_regions(net, SQUARE, [0, 1, 2, 2], ax, resolution=4) is figure
    assert len(figure.axes) == 1  # no colour bar for a mixture of colours
    (image,) = ax.get_images()
    assert image.get_array().shape == (4, 4, 3) and len(ax.collections) == 3
    reds = [0.839, 0.122, 0.173]  # the red part of tab:red, tab:blue, tab:green (classes 0, 1, 2)
    p = net.forward([-0.5, -0.5])
    expected = 0.5 + 0.5 * sum(pk * red for pk, red in zip(p, reds))
    assert np.isclose(image.get_array()[0, 0, 0], expected, atol=2e-3)


def test_decision_regions_refuse_a_regression_network_and_3d_points():
    with pytest.raises(ValueError, match="need a classifier"):
        plot_decision_regions(Network([2, 2], output="identity"), SQUARE, [0, 1, 1, 0])
    with pytest.raises(ValueError, match="2-D points"):
        plot_decision_regions(Network([2, 1], output="sigmoid"), [[1.0, 2.0, 3.0]], [0])


def test_neuron_activation_is_the_nonlinear_nodes_output_with_symmetric_limits():
    net = Network([2, 2, 1], activation="relu", output="sigmoid", seed=4)
    figure = plot_neuron_activation(net, 0, 1, SQUARE, resolution=3, margin=0.0)
    (ax,) = figure.axes
    (image,) = ax.get_images()
    values = image.get_array()
    weights, biases = net.parameters()[0]
    expected = max(0.0, weights[1][0] * 1.0 + weights[1][1] * 2.0 + biases[1])  # top right corner
    assert np.isclose(values[2, 2], expected)
    low, high = image.get_clim()
    assert low == -high == -np.abs(values).max()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x1", "x2")
    with pytest.raises(ValueError, match=r"no neuron 2 in layer 0.*\[2, 1\]"):
        plot_neuron_activation(net, 0, 2, SQUARE)


def test_hidden_activations_are_laid_out_in_the_shape_of_the_network():
    net = Network([2, 3, 2, 1], activation="tanh", output="sigmoid", seed=0)
    figure = plot_hidden_activations(net, SQUARE, resolution=3)
    shown = [ax for ax in figure.axes if ax.get_images()]
    assert len(figure.axes) == 3 * 3 and len(shown) == 3 + 2 + 1
    titles = [ax.get_title() for ax in shown]
    assert "layer 1, neuron 1" in titles and "output, neuron 0" in titles
    columns = {round(ax.get_position().x0, 2) for ax in shown}
    assert len(columns) == 3


def test_forward_backward_shades_values_then_errors_and_leaves_no_gradient():
    net = Network([2, 2, 1], output="sigmoid", seed=0)
    before = net.gradients()
    figure = draw_forward_backward(net, [1.0, -1.0], [1.0])
    forward, backward = figure.axes
    assert forward.get_title() == "forward: x = [1.0, -1.0]" and backward.get_title().startswith("backward")
    (inputs,) = [c for c in forward.collections if c.get_gid() == "input"]
    assert list(inputs.get_array()) == [1.0, -1.0]  # input nodes coloured by the value they hold
    (neurons,) = [c for c in backward.collections if c.get_gid() == "neuron"]
    assert np.allclose(neurons.get_array()[:2], [n.error_signal for n in net.neurons[0]])
    assert net.gradients() == before
    figure, axes = plt.subplots(1, 3)
    assert draw_forward_backward(net, [0.0, 1.0], [0.0], axes[1:]) is figure
    assert not axes[0].collections and axes[1].get_title() == "forward: x = [0.0, 1.0]"


def test_training_curves_show_loss_and_accuracy_training_against_validation():
    history = History([1.0, 0.6], [0.5, 0.8], [1.1, 0.9], [0.4, 0.7], [0.1, 0.1], 10)
    figure = plot_training_curves(history)
    loss, accuracy = figure.axes
    assert [list(line.get_ydata()) for line in loss.get_lines()] == [[1.0, 0.6], [1.1, 0.9]]
    assert [list(line.get_ydata()) for line in accuracy.get_lines()] == [[0.5, 0.8], [0.4, 0.7]]
    assert accuracy.get_ylabel() == "accuracy" and loss.get_xlabel() == "epoch"
    regression = History(train_loss=[1.0, 0.5])
    assert len(plot_training_curves(regression).axes) == 1


def test_train_in_stages_matches_one_snapshot_per_stage():
    net = Network([2, 3, 1], output="sigmoid", seed=0)
    targets = [[0.0], [1.0], [1.0], [0.0]]
    history, snapshots = train_in_stages(
        net, SQUARE, targets, stages=3, epochs_per_stage=2, learning_rate=0.5
    )
    assert [epoch for epoch, _ in snapshots] == [0, 2, 4, 6] and history.epochs == 6
    assert snapshots[-1][1] == net.parameters() and snapshots[0][1] != snapshots[1][1]
    assert snapshots[0][1] == Network([2, 3, 1], output="sigmoid", seed=0).parameters()


def test_animation_has_one_frame_per_snapshot_and_saves_a_gif(tmp_path):
    net = Network([1, 2, 1], output="identity", seed=0)
    later = Network([1, 2, 1], output="identity", seed=1).parameters()
    snapshots = [(0, net.parameters()), (5, later), (10, later)]
    animation = animate(net, snapshots, lambda n, ax: plot_fit({"net": n}, [[0.0], [1.0]], [0.0, 1.0], ax))
    assert isinstance(animation, FuncAnimation)
    html = animation.to_jshtml()
    assert html.count("frames[") >= 3
    path = save_gif(animation, str(tmp_path / "training.gif"))
    with Image.open(path) as gif:
        assert gif.format == "GIF" and gif.n_frames >= 2  # Pillow merges identical consecutive frames
    ax = animation._fig.axes[0]
    assert ax.get_title() == "epoch 10" and net.parameters() == later
    with pytest.raises(ValueError, match="must end in .gif"):
        save_gif(animation, str(tmp_path / "training.mp4"))


def test_playground_figure_and_controls():
    figure = playground_figure(Setting(dataset="xor", hidden=(3,), epochs=2))
    regions, curve = [ax for ax in figure.axes if ax.get_label() != "<colorbar>"]
    assert regions.get_title() == "xor: [2, 3, 1], tanh" and curve.get_ylabel() == "accuracy"
    assert len(curve.get_lines()[0].get_ydata()) == 2
    panel = playground()
    first_row, second_row, output = panel.children
    rate, epochs, button = second_row.children
    assert [child.description for child in first_row.children] == ["data", "activation", "hidden"]
    assert (rate.description, epochs.description, button.description) == ("rate", "epochs", "Train")
    with pytest.raises(ValueError, match="unknown data set 'iris'"):
        playground_figure(Setting(dataset="iris"))


def test_playground_train_button_draws_or_explains(capsys):
    panel = playground()
    (dataset, _, hidden), (_, epochs, button) = (row.children for row in panel.children[:2])
    dataset.value, epochs.value = "xor", 1
    button.click()  # outside a kernel, the Output widget lets the picture through to stdout
    assert "Figure(800x340)" in capsys.readouterr().out
    hidden.value = "eight"
    button.click()
    assert "Cannot train that: hidden sizes 'eight': type whole numbers" in capsys.readouterr().out
    assert not plt.get_fignums()


def test_hidden_sizes_read_from_text():
    assert hidden_sizes("8") == (8,) and hidden_sizes(" 6, 4 ") == (6, 4) and hidden_sizes("") == ()
    with pytest.raises(ValueError, match="whole numbers"):
        hidden_sizes("6, 0")
