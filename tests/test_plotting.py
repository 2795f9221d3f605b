"""Each picture checked for what it drew: artists, colours, data and labels, not only that it ran."""

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402

from nodewise import Network  # noqa: E402
from nodewise.activations import relu, tanh_derivative  # noqa: E402
from nodewise.plotting import (  # noqa: E402
    LAYER_SPACING,
    NEGATIVE,
    POSITIVE,
    draw_network,
    plot_activation,
    plot_activations,
    plot_curves,
    plot_gradient_check,
    plot_loss_curves,
    plot_loss_surface,
    plot_network_function,
    walk_layers,
)


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def by_gid(ax, gid):
    """The artists (lines, texts, scatters) the plotting code tagged with ``gid``."""
    return [a for a in ax.get_children() if a.get_gid() == gid]


def one_axes(fig):
    assert len(fig.axes) == 1
    return fig.axes[0]


# --- network diagrams -------------------------------------------------------------------


def test_diagram_draws_every_connection_with_sign_colour_and_size_width():
    net = Network([3, 3, 3], seed=0)
    ax = one_axes(draw_network(net))
    lines = by_gid(ax, "connection")
    connections = [c for layer in net.connections for c in layer]
    assert len(lines) == len(connections) == 18
    # the lines come in the order of the neurons' incoming connections
    for line, connection in zip(lines, connections):
        expected = POSITIVE if connection.weight >= 0 else NEGATIVE
        assert to_rgba(line.get_color()) == to_rgba(expected)
    widths = [line.get_linewidth() for line in lines]
    sizes = [abs(c.weight) for c in connections]
    assert np.argmax(widths) == np.argmax(sizes) and np.argmin(widths) == np.argmin(sizes)
    assert max(widths) == pytest.approx(5.0)
    assert len(by_gid(ax, "link")) == 6 + 3  # neuron -> nonlinear node, nonlinear node -> output node


def test_diagram_places_nodes_from_the_graph():
    net = Network([2, 4, 1], activation="tanh", output="sigmoid")
    ax = one_axes(draw_network(net, weights=False))
    counts = {
        kind: len(by_gid(ax, kind)[0].get_offsets()) for kind in ("input", "neuron", "nonlinear", "output")
    }
    assert counts == {"input": 2, "neuron": 5, "nonlinear": 5, "output": 1}
    sizes = {kind: tuple(by_gid(ax, kind)[0].get_sizes()) for kind in counts}
    assert len(set(sizes.values())) == 1 and sizes["input"][0] > 100  # every kind of node drawn alike
    neuron_x = sorted(set(by_gid(ax, "neuron")[0].get_offsets()[:, 0]))
    assert neuron_x == [LAYER_SPACING, 2 * LAYER_SPACING]
    assert {line.get_linewidth() for line in by_gid(ax, "connection")} == {1.0}  # weights off: all alike
    labels = [text.get_text() for text in by_gid(ax, "label")]
    assert labels.count("Σ") == 5 and labels.count("tanh") == 4 and labels.count("σ") == 1
    assert {"x0", "x1", "y0"} <= set(labels)
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["input node", "neuron (Σ)", "nonlinear node (f)", "output node", "connection"]


def test_diagram_walks_the_object_graph_not_the_shape():
    net = Network([3, 3, 3], seed=0)
    assert walk_layers(net) == net.neurons
    cut = net.connections[0][4]  # unhook one connection from both of its ends
    cut.source.outgoing.remove(cut)
    cut.target.incoming.remove(cut)
    ax = one_axes(draw_network(net))
    assert len(by_gid(ax, "connection")) == 17


def test_diagram_shows_values_and_error_signals():
    net = Network([2, 3, 2], activation="tanh", output="softmax", seed=1)
    net.forward([0.5, -1.0])
    net.backward([0.0, 1.0])
    ax = one_axes(draw_network(net, values=True, errors=True))
    values = [text.get_text() for text in by_gid(ax, "value")]
    assert len(values) == 2 + 5 + 5 + 2
    assert f"z={net.neurons[1][1].weighted_sum:.3g}" in values
    assert f"{net.output_nodes[0].prediction:.3g}" in values
    errors = [text.get_text() for text in by_gid(ax, "error")]
    assert len(errors) == 5 + 3 + 2  # neurons, hidden nonlinear nodes, output nodes; no input errors
    assert f"δ={net.neurons[0][2].error_signal:.3g}" in errors
    largest = max(
        abs(node.error_signal) for node in [*net.neurons[0], *net.neurons[1], *net.nonlinear_nodes[0]]
    )
    neurons = by_gid(ax, "neuron")[0]
    assert neurons.get_clim() == pytest.approx((-largest, largest))
    assert list(neurons.get_array()) == pytest.approx(
        [n.error_signal for layer in net.neurons for n in layer]
    )
    softmax = by_gid(ax, "nonlinear")[0].get_array()
    assert np.ma.getmaskarray(softmax)[3:].all()  # softmax nodes have no error signal of their own
    # every number sits on a white patch drawn over the connections, so no line crosses it
    connection_z = max(line.get_zorder() for line in by_gid(ax, "connection"))
    for text in by_gid(ax, "value") + by_gid(ax, "error"):
        assert text.get_zorder() > connection_z
        assert to_rgba(text.get_bbox_patch().get_facecolor()) == to_rgba("white")
    # "softmax" is written on one line, in a box of its own as wide as the word
    softmax_labels = [text for text in by_gid(ax, "label") if text.get_text() == "softmax"]
    assert len(softmax_labels) == 2 and all(text.get_bbox_patch() is not None for text in softmax_labels)
    assert all(text.get_bbox_patch() is None for text in by_gid(ax, "label") if text.get_text() == "tanh")


def test_diagram_draws_on_given_axes_and_rejects_bad_input():
    fig, axes = plt.subplots(1, 2)
    assert draw_network(Network([2, 2]), ax=axes[1], legend=False, title="mine") is fig
    assert axes[1].get_title() == "mine" and axes[1].get_legend() is None
    assert len(axes[0].get_children()) < len(axes[1].get_children())
    assert len(plt.get_fignums()) == 1
    with pytest.raises(TypeError, match="nodewise Network"):
        draw_network([2, 2])
    with pytest.raises(TypeError, match="matplotlib Axes"):
        draw_network(Network([2, 2]), ax="left")


# --- activation functions -----------------------------------------------------------------


def test_activation_plot_draws_function_and_derivative():
    ax = one_axes(plot_activation("relu", z_range=(-2.0, 3.0), points=51))
    function, derivative = [line for line in ax.get_lines() if line.get_gid() != "axis"]
    z = function.get_xdata()
    assert z[0] == -2.0 and z[-1] == 3.0 and len(z) == 51
    assert list(function.get_ydata()) == [relu(v) for v in z]
    assert set(derivative.get_ydata()) == {0.0, 1.0}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["relu(z)", "relu'(z)"]
    assert ax.get_xlabel() == "weighted sum z" and ax.get_title() == "relu"
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        plot_activation("swish")
    with pytest.raises(ValueError, match="low < high"):
        plot_activation("tanh", z_range=(1.0, -1.0))


def test_activations_side_by_side():
    fig = plot_activations(("relu", "tanh", "sigmoid"))
    assert [ax.get_title() for ax in fig.axes] == ["relu", "tanh", "sigmoid"]
    derivative = fig.axes[1].get_lines()[-1]
    assert max(derivative.get_ydata()) == pytest.approx(tanh_derivative(0.0))
    with pytest.raises(ValueError, match="non-empty list"):
        plot_activations("relu")


# --- the function a network computes ---------------------------------------------------


def test_network_function_is_the_forward_pass():
    nets = {
        "tanh": Network([1, 4, 1], activation="tanh", output="identity", seed=2),
        "linear": Network([1, 1], output="identity"),
    }
    ax = one_axes(plot_network_function({"tanh": nets["tanh"]}, x_range=(-1.0, 1.0), points=11))
    (line,) = ax.get_lines()
    assert list(line.get_xdata()) == pytest.approx(np.linspace(-1, 1, 11))
    assert list(line.get_ydata()) == [nets["tanh"].forward([float(x)])[0] for x in line.get_xdata()]
    assert ax.get_xlabel() == "input x" and ax.get_ylabel() == "network output y0"
    with pytest.raises(ValueError, match="1 input"):
        plot_network_function({"two inputs": Network([2, 1], output="identity")})
    with pytest.raises(ValueError, match="output #3"):
        plot_network_function({"one output": Network([1, 1], output="identity")}, output=3)


# --- learning ------------------------------------------------------------------------------


def test_loss_curves_one_line_per_run_and_gaps_for_divergence():
    curves = {"rate 0.1": [1.0, 0.5, 0.25], "rate 10": [1.0, 50.0, math.inf, math.nan]}
    ax = one_axes(plot_loss_curves(curves, log=True, title="rates"))
    small, large = ax.get_lines()
    assert list(small.get_xdata()) == [0, 1, 2] and list(small.get_ydata()) == [1.0, 0.5, 0.25]
    assert np.isnan(large.get_ydata()[2:]).all()
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "step" and ax.get_ylabel() == "loss"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["rate 0.1", "rate 10"]
    with pytest.raises(ValueError, match="empty"):
        plot_loss_curves({})


def test_curves_against_any_x():
    ax = one_axes(plot_curves([0.0, 0.5, 1.0], {"a": [1, 2, 3], "b": [3, 2]}, xlabel="z", ylabel="dL/dz"))
    assert [list(line.get_xdata()) for line in ax.get_lines()] == [[0.0, 0.5, 1.0], [0.0, 0.5]]
    assert ax.get_xlabel() == "z" and ax.get_yscale() == "linear"
    with pytest.raises(ValueError, match="at most 3 numbers"):
        plot_curves([0, 1, 2], {"long": [1, 2, 3, 4]}, xlabel="x", ylabel="y")


def test_gradient_check_plot():
    ax = one_axes(plot_gradient_check([0.1, -0.5, 2.0], [0.1, -0.5, 2.0000001]))
    (points,) = ax.collections
    assert points.get_offsets().tolist() == [[0.1, 0.1], [-0.5, -0.5], [2.0, 2.0000001]]
    (diagonal,) = by_gid(ax, "diagonal")
    assert list(diagonal.get_xdata()) == [-0.5, 2.0000001] == list(diagonal.get_ydata())
    assert "backpropagation" in ax.get_xlabel() and "finite differences" in ax.get_ylabel()
    with pytest.raises(ValueError, match="same order"):
        plot_gradient_check([0.1], [0.1, 0.2])


def test_loss_surface_contours_and_paths():
    ws, bs = np.linspace(-1, 3, 9), np.linspace(-2, 2, 5)
    losses = [[(w - 1) ** 2 + b**2 for w in ws] for b in bs]
    path = [(3.0, 2.0), (2.0, 1.0), (1.2, 0.1), (5.0, 5.0), (-9.0, 0.0), (0.0, 0.0)]
    other = [(3.0, 2.0), (2.5, 0.0)]
    paths = {"rate 0.5": path, "rate 0.1": other}
    ax = one_axes(plot_loss_surface(ws, bs, losses, paths, minimum=(1.0, 0.0)))
    line, other_line = [line for line in ax.get_lines() if line.get_gid() is None]
    assert list(line.get_xdata()) == [3.0, 2.0, 1.2, 5.0]  # up to the first point outside the grid
    assert list(other_line.get_xdata()) == [3.0, 2.5]
    assert ax.get_xlim() == (-1.0, 3.0) and ax.get_ylim() == (-2.0, 2.0)  # the path is cut at the edge
    arrows, other_arrows = by_gid(ax, "steps")  # one arrow per step, from each point to the next
    assert arrows.get_offsets().tolist() == [[3.0, 2.0], [2.0, 1.0], [1.2, 0.1]]
    assert list(arrows.U) == pytest.approx([-1.0, -0.8, 3.8])
    assert list(arrows.V) == pytest.approx([-1.0, -0.9, 4.9])
    assert to_rgba(arrows.get_facecolor()[0]) == to_rgba(line.get_color())
    assert len(other_arrows.get_offsets()) == 1
    (start,) = by_gid(ax, "start")  # the two paths share their start: marked once
    assert list(start.get_xdata()) == [3.0] and list(start.get_ydata()) == [2.0]
    (minimum,) = by_gid(ax, "minimum")
    assert list(minimum.get_xdata()) == [1.0] and list(minimum.get_ydata()) == [0.0]
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == ["rate 0.5", "rate 0.1", "start", "minimum"]
    (contours,) = [c for c in ax.collections if hasattr(c, "levels")]
    assert contours.levels[-1] == pytest.approx(np.max(losses)) and len(contours.levels) == 12
    assert ax.get_xlabel() == "weight w" and ax.get_ylabel() == "bias b"
    with pytest.raises(ValueError, match="losses has shape"):
        plot_loss_surface(ws, bs, [row[:-1] for row in losses])
    with pytest.raises(ValueError, match=r"minimum must be a \(w, b\) pair"):
        plot_loss_surface(ws, bs, losses, minimum=1.0)
