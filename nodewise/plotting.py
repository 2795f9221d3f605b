"""Every picture the tutorial draws, each drawn from the library's real objects.

Sections:

* network diagrams: :func:`draw_network`, walked from the object graph;
* activation functions: :func:`plot_activation`, :func:`plot_activations`;
* the function a network computes: :func:`plot_network_function`;
* learning: :func:`plot_curves`, :func:`plot_loss_curves`, :func:`plot_gradient_check`,
  :func:`plot_loss_surface`;
* training curves: :func:`plot_history`, :func:`plot_histories`, :func:`plot_confusion_matrix`;
* what a network learned: :func:`plot_fit`, :func:`plot_decision_regions`,
  :func:`plot_neuron_activation`, :func:`plot_hidden_activations`, :func:`draw_forward_backward`,
  :func:`plot_training_curves`;
* training as an animation: :func:`animate`, :func:`save_gif`;
* matrices: :func:`plot_engine_speeds`;
* digits: :func:`plot_digits`, :func:`plot_misclassified`, :func:`plot_weight_images`.

Every function returns its matplotlib Figure. Pass ``ax`` to draw on axes you made
yourself (to put pictures side by side); without it, a new figure is made. In a notebook,
assign the result (``fig = draw_network(net)``) so the picture is shown once.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping, Sequence

import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from nodewise.activations import ACTIVATIONS, Activation
from nodewise.network import Network
from nodewise.nodes import InputNode, Neuron, NonlinearNode, OutputNode, SoftmaxNode
from nodewise.training import History

POSITIVE = "tab:blue"
"""The colour of a positive weight (and, in colour maps, of positive numbers)."""
NEGATIVE = "tab:red"
"""The colour of a negative weight (and, in colour maps, of negative numbers)."""
SIGNED_COLOURS = LinearSegmentedColormap.from_list("signed", [NEGATIVE, "white", POSITIVE])
"""A colour map from red (negative) through white (zero) to blue (positive), as the weights."""


def _figure_and_axes(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """The axes to draw on: ``ax`` if given, else the axes of a new figure of ``figsize``."""
    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    if not isinstance(ax, Axes):
        raise TypeError(
            f"ax must be a matplotlib Axes, got {type(ax).__name__}; pass ax=None for a new figure"
        )
    return ax.figure, ax


# --- network diagrams -------------------------------------------------------------------

LAYER_SPACING = 2.0  # horizontal distance between one layer's neurons and the next
NONLINEAR_OFFSET = 0.7  # a nonlinear node sits this far to the right of its neuron
OUTPUT_OFFSET = 1.0  # an output node sits this far to the right of its nonlinear node
NODE_STYLE = {  # kind: (marker, face colour, legend label)
    "input": ("o", "0.85", "input node"),
    "neuron": ("o", "white", "neuron (Σ)"),
    "nonlinear": ("s", "lightyellow", "nonlinear node (f)"),
    "output": ("D", "honeydew", "output node"),
}
ACTIVATION_LABELS = {"relu": "relu", "tanh": "tanh", "sigmoid": "σ", "identity": "id"}


def walk_layers(net: Network) -> list[list[Neuron]]:
    """The neurons layer by layer, found by walking the graph from the input nodes.

    Follow every outgoing connection of the current senders to the neurons at their far
    ends; those neurons' nonlinear nodes are the next senders. The walk stops at nodes
    with no outgoing connections (the output layer). Nothing here reads ``net.shape``.
    """
    layers = []
    senders = net.input_nodes
    while True:
        neurons = []
        for sender in senders:
            for connection in sender.outgoing:
                if connection.target not in neurons:
                    neurons.append(connection.target)
        if not neurons:
            return layers
        layers.append(neurons)
        senders = [neuron.nonlinear for neuron in neurons]


def _rows(count: int) -> list[float]:
    """Vertical positions for ``count`` nodes, top to bottom, centred on zero."""
    return [(count - 1) / 2.0 - row for row in range(count)]


def _layout(net: Network, layers: list[list[Neuron]]) -> dict[int, tuple[float, float]]:
    """The position of every node, keyed by id(node)."""
    position = {id(node): (0.0, y) for node, y in zip(net.input_nodes, _rows(len(net.input_nodes)))}
    for layer, neurons in enumerate(layers, start=1):
        x = layer * LAYER_SPACING
        for neuron, y in zip(neurons, _rows(len(neurons))):
            position[id(neuron)] = (x, y)
            position[id(neuron.nonlinear)] = (x + NONLINEAR_OFFSET, y)
    for node in net.output_nodes:
        x, y = position[id(node.source)]
        position[id(node)] = (x + OUTPUT_OFFSET, y)
    return position


def _draw_connections(ax: Axes, layers: list[list[Neuron]], position: dict, weights: bool) -> None:
    """One line per connection; with ``weights``, colour = sign and width = size of the weight."""
    connections = [c for neurons in layers for neuron in neurons for c in neuron.incoming]
    largest = max((abs(c.weight) for c in connections), default=0.0) or 1.0
    for connection in connections:
        (x0, y0), (x1, y1) = position[id(connection.source)], position[id(connection.target)]
        if weights:
            colour = POSITIVE if connection.weight >= 0.0 else NEGATIVE
            width = 0.5 + 4.5 * abs(connection.weight) / largest
        else:
            colour, width = "0.6", 1.0
        ax.plot([x0, x1], [y0, y1], color=colour, linewidth=width, zorder=1, gid="connection")


def _draw_links(ax: Axes, net: Network, layers: list[list[Neuron]], position: dict) -> None:
    """The fixed links without weights: neuron to its nonlinear node, nonlinear node to output node."""
    pairs = [(neuron, neuron.nonlinear) for neurons in layers for neuron in neurons]
    pairs += [(node.source, node) for node in net.output_nodes]
    for start, end in pairs:
        (x0, y0), (x1, y1) = position[id(start)], position[id(end)]
        ax.plot([x0, x1], [y0, y1], color="black", linewidth=0.8, zorder=1, gid="link")


def _node_label(node: object) -> str:
    """The short label written inside a node."""
    if isinstance(node, InputNode):
        return f"x{node.index}"
    if isinstance(node, Neuron):
        return "Σ"
    if isinstance(node, OutputNode):
        return f"y{node.index}"
    if isinstance(node, SoftmaxNode):
        return "softmax"
    return ACTIVATION_LABELS.get(node.activation.name, node.activation.name)


def _node_value(node: object) -> float:
    """What a node holds after a forward pass: z for a neuron, its signal otherwise."""
    if isinstance(node, Neuron):
        return node.weighted_sum
    if isinstance(node, OutputNode):
        return node.prediction
    return node.output


def _node_error(node: object) -> float | None:
    """A node's error signal, or None where backward sets none (input nodes, output nonlinearities)."""
    if isinstance(node, InputNode | SoftmaxNode):
        return None
    if isinstance(node, NonlinearNode) and not node.outgoing:
        return None  # the output node hands y - t straight to the neuron
    return node.error_signal


SHADES = {"errors": _node_error, "values": _node_value}
"""What a node's face can be coloured by: its error signal δ, or what it holds after a forward pass."""


def _draw_nodes(ax: Axes, kinds: dict[str, list], position: dict, shade: str | None, size: float) -> None:
    """One scatter per kind of node; with ``shade``, faces coloured by that number (red < 0 < blue)."""
    shade_of = SHADES.get(shade, _node_error)
    seen = [e for nodes in kinds.values() for e in map(shade_of, nodes) if e is not None]
    largest = max(map(abs, seen), default=0.0) or 1.0
    for kind, nodes in kinds.items():
        marker, face, label = NODE_STYLE[kind]
        xs, ys = zip(*(position[id(node)] for node in nodes))
        style = {"marker": marker, "s": size, "edgecolors": "black", "zorder": 2, "label": label, "gid": kind}
        if shade is not None and (kind != "input" or shade == "values"):
            colours = [math.nan if e is None else e for e in map(shade_of, nodes)]
            cmap = SIGNED_COLOURS.with_extremes(bad=face)  # "bad" (nan): no such number at this node
            norm = Normalize(-largest, largest)
            ax.scatter(xs, ys, c=colours, cmap=cmap, norm=norm, plotnonfinite=True, **style)
        else:
            ax.scatter(xs, ys, color=face, **style)
        for node, x, y in zip(nodes, xs, ys):
            label = _node_label(node)
            # a long name ("softmax") gets a box of its own, as wide as the word, over the marker
            box = {"boxstyle": "square,pad=1.1", "facecolor": face} if len(label) > 4 else None
            style = {"ha": "center", "va": "center", "fontsize": 7 if box else 8, "zorder": 3}
            ax.text(x, y, label, bbox=box, gid="label", **style)


def _annotate(ax: Axes, kinds: dict[str, list], position: dict, values: bool, errors: bool) -> None:
    """Numbers beside the nodes: values above (z for neurons), error signals below (δ).

    A neuron's numbers lean left and its nonlinear node's lean right, so the two never overlap;
    each number sits on a white patch above the connections, so no line crosses it.
    """
    patch = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}
    for kind, nodes in kinds.items():
        align = {"neuron": "right", "nonlinear": "left"}.get(kind, "center")
        shift = {"right": 0.15, "left": -0.15, "center": 0.0}[align]
        style = {"ha": align, "fontsize": 7, "zorder": 4, "bbox": patch}
        for node in nodes:
            x, y = position[id(node)]
            if values:
                prefix = "z=" if kind == "neuron" else ""
                ax.text(
                    x + shift, y + 0.3, f"{prefix}{_node_value(node):.3g}", va="bottom", gid="value", **style
                )
            error = _node_error(node) if errors else None
            if error is not None:  # + 0.0 below shows -0.0 (an error times a slope of 0) as 0
                ax.text(
                    x + shift, y - 0.3, f"δ={error + 0.0:.3g}", va="top", color="0.25", gid="error", **style
                )


def _legend(ax: Axes, weights: bool) -> None:
    """Proxies for the five kinds of component (and the two weight colours)."""
    node_style = {"color": "none", "markeredgecolor": "black", "markersize": 9}
    handles = [
        Line2D([], [], marker=marker, markerfacecolor=face, label=label, **node_style)
        for marker, face, label in NODE_STYLE.values()
    ]
    if weights:
        handles += [
            Line2D([], [], color=POSITIVE, linewidth=2, label="connection, weight > 0"),
            Line2D([], [], color=NEGATIVE, linewidth=2, label="connection, weight < 0"),
        ]
    else:
        handles.append(Line2D([], [], color="0.6", linewidth=1, label="connection"))
    ax.legend(
        handles=handles, loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=3, fontsize=8, frameon=False
    )


def draw_network(
    net: Network,
    ax: Axes | None = None,
    *,
    weights: bool = True,
    values: bool = False,
    errors: bool = False,
    legend: bool = True,
    title: str | None = None,
    shade: str | None = None,
) -> Figure:
    """Draw every node and connection of ``net``, found by walking its object graph.

    Input nodes (x_i) on the left; each neuron (Σ) with its nonlinear node (its activation)
    just right of it; output nodes (y_k) on the right. With ``weights`` (the default) each
    connection's colour is the sign of its weight (blue positive, red negative) and its
    width grows with the size of the weight. ``values`` writes what each node holds after
    a forward pass above it (z for a neuron, the signal otherwise); ``errors`` writes each
    error signal δ below its node and colours the node by it (red negative, white zero,
    blue positive). ``shade="values"`` colours the nodes by what they hold instead (the
    input, z, the activation, the output), the same way; it shows which neurons a chosen
    input switches on.
    """
    if shade not in (None, *SHADES):
        raise ValueError(f"shade is {shade!r}: expected None, 'values' or 'errors'")
    if shade is None and errors:
        shade = "errors"
    if not isinstance(net, Network):
        raise TypeError(
            f"draw_network needs a nodewise Network, got {type(net).__name__}; "
            "build one with Network([3, 3, 3])"
        )
    layers = walk_layers(net)
    rows = max(len(net.input_nodes), *map(len, layers))
    made_figure = ax is None
    room = 1.3 if values or errors else 1.0  # numbers beside the nodes need more space
    fig, ax = _figure_and_axes(ax, (room * (2.0 + 1.6 * len(layers)), min(7.0, room * (1.0 + 0.75 * rows))))
    position = _layout(net, layers)
    kinds = {
        "input": net.input_nodes,
        "neuron": [neuron for neurons in layers for neuron in neurons],
        "nonlinear": [neuron.nonlinear for neurons in layers for neuron in neurons],
        "output": net.output_nodes,
    }
    _draw_connections(ax, layers, position, weights)
    _draw_links(ax, net, layers, position)
    _draw_nodes(ax, kinds, position, shade, size=min(520.0, 3000.0 / rows))
    _annotate(ax, kinds, position, values, errors)
    ax.set_xlim(-0.5, len(layers) * LAYER_SPACING + NONLINEAR_OFFSET + OUTPUT_OFFSET + 0.5)
    ax.set_ylim(-rows / 2.0, rows / 2.0)
    ax.axis("off")
    if legend:
        _legend(ax, weights)
    ax.set_title(
        title if title is not None else f"Network({net.shape}): {net.activation} hidden, {net.output} output"
    )
    if made_figure:
        fig.tight_layout()  # makes room for the legend below the axes
    return fig


# --- activation functions -----------------------------------------------------------------


def _activation(activation: str | Activation) -> Activation:
    """An Activation from its name (relu, tanh, sigmoid, identity) or itself."""
    if isinstance(activation, Activation):
        return activation
    if activation not in ACTIVATIONS:
        raise ValueError(
            f"unknown activation {activation!r}: expected one of {', '.join(ACTIVATIONS)} "
            "or an Activation from nodewise.activations"
        )
    return ACTIVATIONS[activation]


def plot_activation(
    activation: str | Activation,
    ax: Axes | None = None,
    z_range: tuple[float, float] = (-4.0, 4.0),
    points: int = 401,
) -> Figure:
    """Plot f(z) (solid) and its derivative f'(z) (dashed), computed by the library's functions."""
    activation = _activation(activation)
    low, high = z_range
    if not low < high:
        raise ValueError(f"z_range {z_range} must be (low, high) with low < high, e.g. (-4, 4)")
    fig, ax = _figure_and_axes(ax, (4.0, 3.0))
    z = np.linspace(low, high, points)
    ax.axhline(0.0, color="0.8", linewidth=0.8, gid="axis")
    ax.axvline(0.0, color="0.8", linewidth=0.8, gid="axis")
    ax.plot(z, [activation.function(v) for v in z], label=f"{activation.name}(z)")
    ax.plot(z, [activation.derivative(v) for v in z], linestyle="--", label=f"{activation.name}'(z)")
    ax.set_xlabel("weighted sum z")
    ax.set_ylabel("value")
    ax.set_title(activation.name)
    ax.legend(fontsize=8)
    return fig


def plot_activations(
    activations: Sequence[str | Activation] = ("relu", "tanh", "sigmoid"),
    z_range: tuple[float, float] = (-4.0, 4.0),
) -> Figure:
    """The activations side by side, each with its derivative (see :func:`plot_activation`)."""
    if isinstance(activations, str) or not activations:
        raise ValueError(
            f"activations must be a non-empty list of names such as ['relu', 'tanh'], got {activations!r}"
        )
    fig, axes = plt.subplots(1, len(activations), figsize=(3.3 * len(activations), 3.0), squeeze=False)
    for activation, ax in zip(activations, axes[0]):
        plot_activation(activation, ax=ax, z_range=z_range)
    fig.tight_layout()
    return fig


# --- the function a network computes ---------------------------------------------------


def plot_network_function(
    networks: Mapping[str, Network],
    ax: Axes | None = None,
    x_range: tuple[float, float] = (-3.0, 3.0),
    points: int = 201,
    output: int = 0,
) -> Figure:
    """Plot output ``output`` of each one-input network as its input x sweeps ``x_range``.

    ``networks`` maps a legend label to a network with a single input node. Each curve
    is the network's own forward pass, one x at a time.
    """
    for label, net in networks.items():
        if not isinstance(net, Network) or net.shape[0] != 1 or not 0 <= output < net.shape[-1]:
            raise ValueError(
                f"network {label!r} must be a Network with 1 input and an output #{output}; "
                "plot_network_function draws y(x) for one input x"
            )
    fig, ax = _figure_and_axes(ax, (5.0, 3.5))
    x = np.linspace(x_range[0], x_range[1], points)
    for label, net in networks.items():
        ax.plot(x, [net.forward([float(v)])[output] for v in x], label=label)
    ax.set_xlabel("input x")
    ax.set_ylabel(f"network output y{output}")
    ax.legend(fontsize=8)
    return fig


# --- learning ------------------------------------------------------------------------------


def plot_curves(
    x: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    xlabel: str,
    ylabel: str,
    title: str | None = None,
    log: bool = False,
) -> Figure:
    """One line per entry of ``curves`` (label -> y values), all against the same ``x``.

    Non-finite values (a run that diverged) are left out of the line, not drawn as spikes.
    With ``log`` the y axis is logarithmic, which shows slow and fast decay alike.
    """
    if not curves:
        raise ValueError("curves is empty: pass a dict such as {'rate 0.1': [loss after each step]}")
    fig, ax = _figure_and_axes(ax, (5.0, 3.5))
    for label, ys in curves.items():
        if isinstance(ys, str) or not isinstance(ys, Sequence) or len(ys) > len(x):
            raise ValueError(f"curve {label!r} must be a list of at most {len(x)} numbers, one per x")
        values = [v if isinstance(v, numbers.Real) and math.isfinite(v) else math.nan for v in ys]
        ax.plot(x[: len(values)], values, label=str(label))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if log:
        ax.set_yscale("log")
    if title:
        ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def plot_loss_curves(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    *,
    title: str | None = None,
    log: bool = False,
) -> Figure:
    """The loss after each step, one line per run (label -> losses); see :func:`plot_curves`."""
    steps = range(max((len(losses) for losses in curves.values()), default=0))
    return plot_curves(steps, curves, ax, xlabel="step", ylabel="loss", title=title, log=log)


def plot_gradient_check(
    backprop: Sequence[float],
    numerical: Sequence[float],
    ax: Axes | None = None,
) -> Figure:
    """Each parameter's backprop gradient against its finite-difference estimate: on the diagonal if equal."""
    if len(backprop) != len(numerical) or not backprop:
        raise ValueError(
            f"backprop has {len(backprop)} gradients and numerical {len(numerical)}: pass one of each per "
            "parameter, in the same order"
        )
    fig, ax = _figure_and_axes(ax, (4.0, 4.0))
    low, high = min(*backprop, *numerical), max(*backprop, *numerical)
    ax.plot([low, high], [low, high], color="0.7", linewidth=1, label="equal", gid="diagonal")
    ax.scatter(backprop, numerical, s=18, label="one parameter")
    ax.set_xlabel("gradient from backpropagation")
    ax.set_ylabel("gradient from finite differences")
    ax.legend(fontsize=8)
    return fig


def _until_outside(
    path: Sequence[tuple[float, float]], w_limits: tuple[float, float], b_limits: tuple[float, float]
) -> list[tuple[float, float]]:
    """The points of ``path`` up to and including the first one outside the limits."""
    kept = []
    for w, b in path:
        kept.append((w, b))
        if not (w_limits[0] <= w <= w_limits[1] and b_limits[0] <= b <= b_limits[1]):
            break
    return kept


def plot_loss_surface(
    w_values: Sequence[float],
    b_values: Sequence[float],
    losses: Sequence[Sequence[float]],
    paths: Mapping[str, Sequence[tuple[float, float]]] | None = None,
    ax: Axes | None = None,
    *,
    minimum: tuple[float, float] | None = None,
    xlabel: str = "weight w",
    ylabel: str = "bias b",
    levels: int = 12,
) -> Figure:
    """Contours of a loss over two parameters, with the paths that gradient descent took.

    ``losses[i][j]`` is the loss at w = w_values[j], b = b_values[i]. The contour levels
    are spaced geometrically, so the valley floor is as visible as its steep walls.
    ``paths`` maps a label to the (w, b) visited after each step; each step is an arrow, so
    the order of the steps can be read, and each path's first point is marked "start". A
    path that leaves the grid is drawn up to its first point outside, where the axes cut it
    off. ``minimum``, if given, is marked with a star.
    """
    grid = np.asarray(losses, dtype=float)
    if grid.shape != (len(b_values), len(w_values)):
        raise ValueError(
            f"losses has shape {grid.shape} but needs (len(b_values), len(w_values)) = "
            f"({len(b_values)}, {len(w_values)}): losses[i][j] is the loss at w_values[j], b_values[i]"
        )
    pair = isinstance(minimum, Sequence) and len(minimum) == 2
    if minimum is not None and not (pair and all(isinstance(v, numbers.Real) for v in minimum)):
        raise ValueError(f"minimum must be a (w, b) pair of numbers such as (2.0, -1.0), got {minimum!r}")
    fig, ax = _figure_and_axes(ax, (5.0, 4.0))
    low, high = grid.min(), grid.max()
    contour_levels = np.geomspace(max(low, high * 1e-4, 1e-12), high, levels) if high > 0 else levels
    ax.contour(w_values, b_values, grid, levels=contour_levels, cmap="viridis", linewidths=0.8)
    arrows = {"angles": "xy", "scale_units": "xy", "scale": 1, "width": 0.005, "headwidth": 5, "zorder": 3}
    starts = []
    for label, path in (paths or {}).items():
        kept = _until_outside(path, (min(w_values), max(w_values)), (min(b_values), max(b_values)))
        ws, bs = np.array(kept).T
        (line,) = ax.plot(ws, bs, marker="o", markersize=2.5, linewidth=0.8, label=label)
        ax.quiver(ws[:-1], bs[:-1], np.diff(ws), np.diff(bs), color=line.get_color(), gid="steps", **arrows)
        if (ws[0], bs[0]) not in starts:
            starts.append((ws[0], bs[0]))
    if starts:
        ax.plot(*zip(*starts), "o", color="black", markersize=7, zorder=4, label="start", gid="start")
    if minimum is not None:
        ax.plot(*minimum, "*", color="black", markersize=12, zorder=4, label="minimum", gid="minimum")
    ax.set_xlim(min(w_values), max(w_values))
    ax.set_ylim(min(b_values), max(b_values))
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if paths or minimum is not None:
        ax.legend(fontsize=8)
    return fig


# --- training curves ---

CURVES = {"loss": ("train_loss", "validation_loss"), "accuracy": ("train_accuracy", "validation_accuracy")}


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
    figure, ax = _figure_and_axes(ax, (5, 3))
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
    figure, ax = _figure_and_axes(ax, (5, 3))
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
    figure, ax = _figure_and_axes(ax, (5, 3))
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


# --- what a network learned ----------------------------------------------------------------

CLASS_COLOURS = ["tab:red", "tab:blue", "tab:green", "tab:orange", "tab:purple", "tab:brown"]
"""One colour per class, for the data points and (mixed by probability) for the regions."""
PROBABILITY_COLOURS = LinearSegmentedColormap.from_list(
    "probability", [CLASS_COLOURS[0], "white", CLASS_COLOURS[1]]
)
"""Probability of class 1 from 0 (red, class 0) through 0.5 (white, undecided) to 1 (blue, class 1)."""


def _column(values: Sequence, what: str) -> np.ndarray:
    """``values`` as a float array, each entry a number or a one-number list (as targets are)."""
    array = np.asarray(values, dtype=float)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise ValueError(f"{what} must hold one number per sample, e.g. [0.1, -0.3] or [[0.1], [-0.3]]")
    return array


def plot_fit(
    networks: Mapping[str, Network],
    inputs: Sequence[Sequence[float]],
    targets: Sequence[float] | Sequence[Sequence[float]],
    ax: Axes | None = None,
    points: int = 201,
) -> Figure:
    """The data (grey dots) and each one-input network's curve y(x) over the data's x range.

    ``networks`` maps a label to a network, e.g. one copy per training snapshot
    (``{"epoch 0": ..., "epoch 50": ...}``): the curves show the function bending toward the data.
    """
    x = _column(inputs, "inputs")
    y = _column(targets, "targets")
    if len(x) != len(y) or not len(x):
        raise ValueError(f"{len(x)} inputs and {len(y)} targets: pass one target per input, at least one")
    fig = plot_network_function(networks, ax, x_range=(x.min(), x.max()), points=points)
    ax = ax if ax is not None else fig.axes[0]
    ax.scatter(x, y, s=10, color="0.55", zorder=0, label="data", gid="data")
    ax.legend(fontsize=8)
    return fig


def _plane(inputs: Sequence[Sequence[float]], margin: float, resolution: int) -> tuple[np.ndarray, ...]:
    """Evenly spaced x1 and x2 values covering the data's box, ``margin`` wider on every side."""
    points = np.asarray(inputs, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2 or not len(points):
        raise ValueError(
            f"inputs must be a list of 2-D points such as [[0.5, -1.0], ...], got shape {points.shape}"
        )
    low, high = points.min(axis=0) - margin, points.max(axis=0) + margin
    return np.linspace(low[0], high[0], resolution), np.linspace(low[1], high[1], resolution)


def outputs_on_plane(net: Network, x1: Sequence[float], x2: Sequence[float]) -> np.ndarray:
    """The network's outputs at every point of the grid: ``grid[i, j] = net.forward([x1[j], x2[i]])``.

    Row i is one value of x2 (the vertical axis), column j one value of x1, as an image.
    """
    if net.shape[0] != 2:
        raise ValueError(f"the network has {net.shape[0]} inputs; a picture over the plane needs 2")
    return np.array([[net.forward([float(a), float(b)]) for a in x1] for b in x2])


def class_probabilities(net: Network, outputs: np.ndarray) -> np.ndarray:
    """Each class's probability on a grid: softmax outputs as they are, a sigmoid y as (1 - y, y)."""
    if net.output == "softmax":
        return outputs
    if net.output == "sigmoid" and net.shape[-1] == 1:
        return np.concatenate([1.0 - outputs, outputs], axis=-1)
    raise ValueError(
        f"decision regions need a classifier (softmax, or one sigmoid output); this network has "
        f"{net.shape[-1]} {net.output} outputs"
    )


def _scatter_classes(ax: Axes, inputs: Sequence[Sequence[float]], labels: Sequence[int]) -> None:
    """The data points, coloured by class, with a black edge so they stand out on their own colour."""
    points = np.asarray(inputs, dtype=float)
    labels = np.asarray(labels)
    if len(labels) != len(points):
        raise ValueError(f"{len(points)} points but {len(labels)} labels: pass one class label per point")
    for k in np.unique(labels):
        chosen = points[labels == k]
        colour = CLASS_COLOURS[int(k) % len(CLASS_COLOURS)]
        ax.scatter(*chosen.T, s=14, color=colour, edgecolors="black", linewidths=0.4, label=f"class {k}")


def plot_decision_regions(
    net: Network,
    inputs: Sequence[Sequence[float]],
    labels: Sequence[int],
    ax: Axes | None = None,
    *,
    resolution: int = 60,
    margin: float = 0.5,
    colorbar: bool = True,
) -> Figure:
    """What the network answers at every point of the plane, with the data on top.

    Two classes: the heatmap is the probability of class 1, from red (sure of class 0)
    through white (p = 0.5, the decision boundary) to blue (sure of class 1). More
    classes: each point's colour mixes the class colours in proportion to their
    probabilities, so a pure colour is a confident answer and a muddy one a hesitant one.
    """
    x1, x2 = _plane(inputs, margin, resolution)
    probabilities = class_probabilities(net, outputs_on_plane(net, x1, x2))
    fig, ax = _figure_and_axes(ax, (4.5, 3.8))
    extent = (x1[0], x1[-1], x2[0], x2[-1])
    style = {"origin": "lower", "extent": extent, "aspect": "auto", "interpolation": "bilinear"}
    if probabilities.shape[-1] == 2:
        image = ax.imshow(probabilities[..., 1], cmap=PROBABILITY_COLOURS, vmin=0.0, vmax=1.0, **style)
        if colorbar:
            fig.colorbar(image, ax=ax, label="probability of class 1")
    else:
        classes = range(probabilities.shape[-1])
        palette = np.array([to_rgb(CLASS_COLOURS[k % len(CLASS_COLOURS)]) for k in classes])
        mixed = probabilities @ palette
        ax.imshow(0.5 + 0.5 * np.clip(mixed, 0.0, 1.0), **style)  # paler than the points on top
    _scatter_classes(ax, inputs, labels)
    ax.set_xlim(x1[0], x1[-1])
    ax.set_ylim(x2[0], x2[-1])
    ax.set_xlabel("input x1")
    ax.set_ylabel("input x2")
    return fig


def plot_neuron_activation(
    net: Network,
    layer: int,
    index: int,
    inputs: Sequence[Sequence[float]],
    ax: Axes | None = None,
    *,
    resolution: int = 30,
    margin: float = 0.5,
    limit: float | None = None,
) -> Figure:
    """The activation f(z) of neuron ``index`` in layer ``layer`` (0 = first hidden layer)
    at every point of the input plane, over the box of ``inputs``.

    Colours are signed: blue positive, white zero, red negative, from -``limit`` to
    ``limit`` (by default the largest size seen). A ReLU neuron is white on one side of a
    straight line and grows blue on the other; a tanh neuron turns smoothly from red to blue.
    """
    layers = walk_layers(net)
    if not 0 <= layer < len(layers) or not 0 <= index < len(layers[layer]):
        raise ValueError(
            f"there is no neuron {index} in layer {layer}: the layers (0 = first hidden) have "
            f"{[len(neurons) for neurons in layers]} neurons"
        )
    x1, x2 = _plane(inputs, margin, resolution)
    node = layers[layer][index].nonlinear
    values = np.empty((len(x2), len(x1)))
    for i, b in enumerate(x2):
        for j, a in enumerate(x1):
            net.forward([float(a), float(b)])
            values[i, j] = node.output
    limit = limit if limit is not None else float(np.abs(values).max()) or 1.0
    fig, ax = _figure_and_axes(ax, (2.5, 2.5))
    style = {"origin": "lower", "extent": (x1[0], x1[-1], x2[0], x2[-1]), "aspect": "auto"}
    ax.imshow(values, cmap=SIGNED_COLOURS, vmin=-limit, vmax=limit, **style)
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    return fig


def plot_hidden_activations(
    net: Network, inputs: Sequence[Sequence[float]], *, resolution: int = 30, margin: float = 0.5
) -> Figure:
    """One small heatmap per neuron (:func:`plot_neuron_activation`), laid out like the network:
    one column per layer, the neurons top to bottom, the output layer last.

    A figure of many axes, so there is no ``ax`` to pass; draw one neuron on your own axes
    with :func:`plot_neuron_activation`.
    """
    sizes = [len(neurons) for neurons in walk_layers(net)]
    rows = max(sizes)
    fig, axes = plt.subplots(
        rows, len(sizes), figsize=(1.9 * len(sizes), 1.7 * rows), squeeze=False, sharex=True, sharey=True
    )
    for layer, size in enumerate(sizes):
        top = (rows - size) // 2  # centre a short layer, as the diagram does
        for row in range(rows):
            ax = axes[row, layer]
            if not top <= row < top + size:
                ax.set_axis_off()
                continue
            index = row - top
            plot_neuron_activation(net, layer, index, inputs, ax, resolution=resolution, margin=margin)
            last = layer == len(sizes) - 1
            ax.set_title(f"{'output' if last else f'layer {layer}'}, neuron {index}", fontsize=8)
            ax.tick_params(labelsize=6)
            ax.xaxis.label.set_fontsize(7)
            ax.yaxis.label.set_fontsize(7)
    fig.tight_layout()
    return fig


def draw_forward_backward(
    net: Network, x: Sequence[float], target: Sequence[float], axes: Sequence[Axes] | None = None
) -> Figure:
    """Two diagrams of one sample's journey: forward (nodes shaded by what they hold, with
    the numbers) and backward (nodes shaded by their error signal δ). Pass two ``axes`` to
    draw on your own.

    Runs ``net.forward(x)`` and ``net.backward(target)``, then clears every accumulated
    gradient, so drawing never changes what the next ``step`` does: call it between steps,
    not in the middle of a batch.
    """
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(10.0, 4.0))
    elif len(axes) != 2:
        raise ValueError(f"pass 2 axes (forward, backward), got {len(axes)}")
    ahead, back = axes
    net.forward(x)
    draw_network(net, ahead, values=True, shade="values", legend=False, title=f"forward: x = {list(x)}")
    net.backward(target)
    draw_network(net, back, errors=True, legend=False, title=f"backward: target = {list(target)}")
    net.clear_gradients()
    fig = ahead.figure
    fig.tight_layout()
    return fig


def plot_training_curves(history: History, axes: Sequence[Axes] | None = None) -> Figure:
    """Loss (left) and, for a classifier, accuracy (right) per epoch, training against validation
    (see :func:`plot_history`). Pass two ``axes`` to draw on your own."""
    metrics = ["loss", "accuracy"] if history.train_accuracy else ["loss"]
    if axes is None:
        fig, axes = plt.subplots(1, len(metrics), figsize=(4.5 * len(metrics), 3.0), squeeze=False)
        axes = list(axes[0])
    elif len(axes) < len(metrics):
        raise ValueError(f"pass {len(metrics)} axes, one each for {' and '.join(metrics)}")
    for metric, ax in zip(metrics, axes):
        plot_history(history, metric, ax)
    fig = axes[0].figure
    fig.tight_layout()
    return fig


# --- training as an animation -----------------------------------------------------------------


def animate(
    net: Network,
    snapshots: Sequence[tuple[int, list]],
    draw: Callable[[Network, Axes], object],
    *,
    figsize: tuple[float, float] = (4.0, 3.4),
    interval: int = 400,
) -> FuncAnimation:
    """An animation with one frame per snapshot ``(epoch, parameters)``.

    Each frame loads the snapshot's parameters into ``net`` and calls ``draw(net, ax)`` on
    cleared axes, e.g. ``lambda net, ax: plot_decision_regions(net, X, y, ax, colorbar=False)``.
    In a notebook, show it with ``HTML(animation.to_jshtml())`` (it plays in saved
    outputs); save it with :func:`save_gif`. ``net`` keeps the last snapshot's parameters.
    """
    if not snapshots:
        raise ValueError("snapshots is empty: pass (epoch, net.parameters()) pairs, one per frame")
    fig, ax = plt.subplots(figsize=figsize)

    def frame(number: int) -> list:
        epoch, parameters = snapshots[number]
        ax.clear()
        net.set_parameters(parameters)
        draw(net, ax)
        ax.set_title(f"epoch {epoch}")
        return []

    frame(0)
    fig.tight_layout()
    animation = FuncAnimation(fig, frame, frames=len(snapshots), interval=interval, blit=False)
    plt.close(fig)  # only the animation is shown, not also its first frame as a still picture
    return animation


def save_gif(animation: FuncAnimation, path: str, fps: int = 3) -> str:
    """Save ``animation`` as an animated GIF at ``path`` (drawn by Pillow) and return the path."""
    if not str(path).lower().endswith(".gif"):
        raise ValueError(f"path {path!r} must end in .gif: save_gif writes GIF files")
    animation.save(path, writer=PillowWriter(fps=fps))
    return str(path)


# --- matrices ---


def plot_engine_speeds(
    sizes: Sequence[float],
    seconds_per_sample: Mapping[str, Sequence[float]],
    xlabel: str = "hidden neurons",
    ax: Axes | None = None,
) -> Figure:
    """Training time per sample against network size, one line per engine, both axes on a log scale.

    On log axes a cost that grows as a power of the size is a straight line, and the
    vertical gap between two engines is their speed ratio, the same at every height:
    one tick (a factor 10) apart means ten times faster.
    """
    figure, ax = _figure_and_axes(ax, (5, 3))
    for (label, seconds), marker in zip(seconds_per_sample.items(), "osd^v"):
        if len(seconds) != len(sizes):
            raise ValueError(f"{label!r} has {len(seconds)} times for {len(sizes)} sizes: pass one per size")
        ax.plot(sizes, seconds, marker=marker, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("seconds per training sample")
    ax.legend()
    return figure


# --- digits ---

DIGIT_COLOURS = plt.get_cmap("gray_r").with_extremes(bad="white")
"""Grey levels as ink: 0 white, the largest black; the gaps between digits (NaN) white."""
WEIGHT_COLOURS = SIGNED_COLOURS.with_extremes(bad="0.6")
"""Weights as in the network diagrams: red negative, white zero, blue positive; the gaps grey."""


def _images(images: object, what: str) -> np.ndarray:
    """``images`` as a float array of shape (count, rows, columns), or a ValueError saying what to pass."""
    array = np.asarray(images, dtype=float)
    if array.ndim != 3 or len(array) == 0:
        raise ValueError(
            f"{what} have shape {array.shape}: expected (count, rows, columns) with at least one image, "
            "e.g. images.reshape(-1, 28, 28)"
        )
    return array


def _mosaic(images: np.ndarray, columns: int, label_rows: float) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """All images in one array, ``columns`` per row, 1 pixel apart and ``label_rows`` pixels
    (at least 1) free above each row for text; returns (the array, the (top, left) corner
    of each image). The gaps are NaN, which the colour maps above draw white or grey."""
    count, height, width = images.shape
    columns = max(1, min(columns, count))
    above = max(1, math.ceil(label_rows))
    rows = math.ceil(count / columns)
    canvas = np.full((rows * (height + above), columns * (width + 1) - 1), np.nan)
    corners = []
    for k, image in enumerate(images):
        top = (k // columns) * (height + above) + above
        left = (k % columns) * (width + 1)
        canvas[top : top + height, left : left + width] = image
        corners.append((top, left))
    return canvas, corners


def _mosaic_size(canvas: np.ndarray, width: float) -> tuple[float, float]:
    """A figure ``width`` inches wide (at most 10) whose height fits the mosaic, plus room for the x label."""
    width = min(10.0, width)
    return width, min(4.0, width * canvas.shape[0] / canvas.shape[1] + 0.6)


def _show_mosaic(
    ax: Axes, canvas: np.ndarray, cmap: object, vmin: float, vmax: float
) -> matplotlib.image.AxesImage:
    image = ax.imshow(canvas, cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    return image


def plot_digits(
    images: Sequence | np.ndarray,
    labels: Sequence[int] | None = None,
    columns: int = 10,
    maximum: float | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A grid of digit images, ink dark on white, each with its label above it (if given).

    Grey levels run from 0 (white) to ``maximum`` (black; default the largest value in
    ``images``: 255 for MNIST, 16 for the 8x8 digits, 1 once scaled).
    """
    pictures = _images(images, "images")
    if labels is not None and len(labels) != len(pictures):
        raise ValueError(f"{len(pictures)} images but {len(labels)} labels: pass one label per image")
    label_rows = 0.4 * pictures.shape[1] if labels is not None else 0
    canvas, corners = _mosaic(pictures, columns, label_rows)
    figure, ax = _figure_and_axes(ax, _mosaic_size(canvas, 0.8 * columns))
    _show_mosaic(ax, canvas, DIGIT_COLOURS, 0.0, float(pictures.max()) if maximum is None else maximum)
    for (top, left), label in zip(corners, labels if labels is not None else []):
        ax.text(left + pictures.shape[2] / 2, top - 0.5, str(label), ha="center", va="bottom", fontsize=8)
    ax.set_xlabel(f"{len(pictures)} digits" + (", each with its label" if labels is not None else ""))
    return figure


def plot_misclassified(
    images: Sequence | np.ndarray,
    true_labels: Sequence[int],
    probabilities: Sequence[Sequence[float]],
    count: int = 16,
    columns: int = 8,
    ax: Axes | None = None,
) -> Figure:
    """The misclassified digits, the most confident mistakes first, with what the network said.

    Above each digit: ``true -> predicted`` with the probability the network gave its
    (wrong) answer, and below that the probability it gave the true class. At most ``count``
    digits are drawn; the x label says how many mistakes there were in all.
    """
    pictures = _images(images, "images")
    probabilities = np.asarray(probabilities, dtype=float)
    truth = np.asarray(true_labels, dtype=int)
    if not len(pictures) == len(truth) == len(probabilities) or probabilities.ndim != 2:
        raise ValueError(
            f"{len(pictures)} images, {len(truth)} labels and {len(probabilities)} probability vectors: "
            "pass one label and one vector of class probabilities (a softmax output) per image"
        )
    predicted = probabilities.argmax(axis=1)
    wrong = np.flatnonzero(predicted != truth)
    wrong = wrong[np.argsort(-probabilities[wrong, predicted[wrong]], kind="stable")][:count]
    if len(wrong) == 0:
        figure, ax = _figure_and_axes(ax, (5, 1))
        ax.set_xticks([])
        ax.set_yticks([])
    else:
        canvas, corners = _mosaic(pictures[wrong], columns, 0.7 * pictures.shape[1])
        figure, ax = _figure_and_axes(ax, _mosaic_size(canvas, 1.1 * columns))
        _show_mosaic(ax, canvas, DIGIT_COLOURS, 0.0, float(pictures.max()))
        for (top, left), k in zip(corners, wrong):
            said, true = predicted[k], truth[k]
            ax.text(
                left + pictures.shape[2] / 2,
                top - 0.5,
                f"{true} -> {said} {probabilities[k, said]:.0%}\n{true}: {probabilities[k, true]:.0%}",
                ha="center",
                va="bottom",
                fontsize=7,
            )
    ax.set_xlabel(
        f"{len(wrong)} of {np.count_nonzero(predicted != truth)} misclassified digits (of {len(truth)}); "
        "above each: true -> predicted (its probability), and the true class's probability"
    )
    return figure


def plot_weight_images(
    weights: Sequence[Sequence[float]],
    image_shape: tuple[int, int],
    count: int | None = None,
    columns: int = 8,
    ax: Axes | None = None,
) -> Figure:
    """Each hidden neuron's incoming weights drawn as an image of the input's shape.

    ``weights`` is W of the first layer (``net.parameters()[0][0]``), W[j][i] the weight
    from pixel i to neuron j. Blue pixels push neuron j's weighted sum up when inked, red
    ones push it down; one colour scale, symmetric around 0, serves all neurons, so the
    pictures compare. ``count`` draws only the first neurons.
    """
    matrix = np.asarray(weights, dtype=float)
    rows, columns_of_image = image_shape
    if matrix.ndim != 2 or matrix.shape[1] != rows * columns_of_image:
        raise ValueError(
            f"weights have shape {matrix.shape}, which does not fit images of {rows} x {columns_of_image} "
            f"pixels: pass net.parameters()[0][0], one row of {rows * columns_of_image} weights per neuron"
        )
    pictures = matrix[:count].reshape(-1, rows, columns_of_image)
    canvas, _ = _mosaic(pictures, columns, 0)
    figure, ax = _figure_and_axes(ax, _mosaic_size(canvas, 1.0 * columns + 1.5))  # 1.5 for the colour bar
    limit = float(np.abs(pictures).max()) or 1.0
    image = _show_mosaic(ax, canvas, WEIGHT_COLOURS, -limit, limit)
    figure.colorbar(image, ax=ax, label="weight", shrink=0.8)
    ax.set_xlabel(
        f"incoming weights of {len(pictures)} hidden neurons, each as a {rows} x {columns_of_image} image"
    )
    return figure
