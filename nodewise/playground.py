"""Watching a network learn: training in stages with snapshots, and an ipywidgets playground.

:func:`train_in_stages` trains epoch by epoch with :func:`nodewise.training.train` and
keeps a copy of the parameters after each stage, the frames of an animation.
:func:`playground` is a small TensorFlow-Playground-like panel: pick a data set, hidden
sizes, activation, learning rate and epochs, press Train, and see the decision regions.
:func:`playground_figure` draws the same picture without widgets (for GitHub and CI).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

from matplotlib.figure import Figure

from nodewise import datasets
from nodewise.network import Network
from nodewise.plotting import plot_decision_regions, plot_history
from nodewise.training import History, train

DATASETS = {
    "moons": lambda: datasets.moons(200, noise=0.15),
    "circles": lambda: datasets.circles(200, noise=0.1),
    "xor": lambda: datasets.xor(200, noise=0.15),
    "spirals": lambda: datasets.spirals(300, noise=0.05, classes=2),
}
"""The playground's data sets, each a function returning (inputs, labels) of two classes."""


def train_in_stages(
    net: Network,
    inputs: Sequence[Sequence[float]],
    targets: Sequence[Sequence[float]],
    *,
    stages: int,
    epochs_per_stage: int,
    learning_rate: float,
    seed: int = 0,
    **options: object,
) -> tuple[History, list[tuple[int, list]]]:
    """Train for ``stages`` x ``epochs_per_stage`` epochs; return the whole History and the snapshots.

    The snapshots are ``(epoch, parameters)``: one before training (epoch 0), then one
    after each stage. Each epoch is one call of ``train(..., epochs=1)`` with its own
    shuffling seed (``seed + epoch``), so the data comes in a fresh order every epoch, as
    in one long ``train`` call. ``options`` (batch_size, weight_decay, validation, ...)
    go to ``train``; momentum velocities carry over from epoch to epoch in the nodes.
    """
    if stages < 1 or epochs_per_stage < 1:
        raise ValueError(f"stages ({stages}) and epochs_per_stage ({epochs_per_stage}) must be at least 1")
    history = History(samples_per_epoch=len(inputs))
    snapshots = [(0, net.parameters())]
    for stage in range(stages):
        for epoch in range(stage * epochs_per_stage, (stage + 1) * epochs_per_stage):
            one = train(
                net,
                inputs,
                targets,
                epochs=1,
                learning_rate=learning_rate,
                seed=seed + epoch,
                progress=False,
                **options,
            )
            for field in fields(History):
                if field.name != "samples_per_epoch":
                    getattr(history, field.name).extend(getattr(one, field.name))
        snapshots.append(((stage + 1) * epochs_per_stage, net.parameters()))
    return history, snapshots


@dataclass
class Setting:
    """One choice of the playground's controls."""

    dataset: str = "moons"
    hidden: tuple[int, ...] = (8,)
    activation: str = "tanh"
    learning_rate: float = 0.3
    epochs: int = 30
    seed: int = 0


def train_setting(setting: Setting) -> tuple[Network, list, list[int], History]:
    """Make the data and network of ``setting``, train it; return (net, inputs, labels, history)."""
    if setting.dataset not in DATASETS:
        raise ValueError(f"unknown data set {setting.dataset!r}: expected one of {', '.join(DATASETS)}")
    inputs, labels = DATASETS[setting.dataset]()
    net = Network([2, *setting.hidden, 1], activation=setting.activation, output="sigmoid", seed=setting.seed)
    targets = [[float(label)] for label in labels]
    history = train(
        net,
        inputs,
        targets,
        epochs=setting.epochs,
        learning_rate=setting.learning_rate,
        batch_size=4,
        seed=setting.seed,
        progress=False,
    )
    return net, inputs, labels, history


def playground_figure(setting: Setting | None = None, figure: Figure | None = None) -> Figure:
    """Train ``setting`` (default: :class:`Setting`) and draw its decision regions and loss curve."""
    import matplotlib.pyplot as plt

    setting = setting or Setting()
    net, inputs, labels, history = train_setting(setting)
    if figure is None:
        figure = plt.figure(figsize=(8.0, 3.4))
    regions, curve = figure.subplots(1, 2, width_ratios=[1.3, 1.0])
    plot_decision_regions(net, inputs, labels, regions, resolution=40)
    shape = [2, *setting.hidden, 1]
    regions.set_title(f"{setting.dataset}: {shape}, {setting.activation}", fontsize=9)
    plot_history(history, "accuracy", curve)
    curve.set_title(f"rate {setting.learning_rate}, {setting.epochs} epochs", fontsize=9)
    figure.tight_layout()
    return figure


def hidden_sizes(text: str) -> tuple[int, ...]:
    """The hidden layer sizes typed in the playground: "8" -> (8,), "6, 4" -> (6, 4)."""
    words = text.replace(",", " ").split()
    if not all(word.isdigit() and int(word) > 0 for word in words):
        raise ValueError(f"hidden sizes {text!r}: type whole numbers of neurons, such as 8 or 6, 4")
    return tuple(int(word) for word in words)


def playground():
    """The interactive panel: controls on top, and a Train button that redraws the picture below."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt
    from IPython.display import display

    default = Setting()
    dataset = widgets.Dropdown(options=list(DATASETS), value=default.dataset, description="data")
    hidden = widgets.Text(value="8", description="hidden", placeholder="e.g. 8 or 6, 4")
    activation = widgets.Dropdown(
        options=["tanh", "relu", "sigmoid"], value=default.activation, description="activation"
    )
    rate = widgets.FloatLogSlider(value=default.learning_rate, base=10, min=-3, max=0.5, description="rate")
    epochs = widgets.IntSlider(value=default.epochs, min=1, max=200, description="epochs")
    button = widgets.Button(description="Train", button_style="primary")
    output = widgets.Output()

    def on_train(_button: object) -> None:
        output.clear_output(wait=True)
        with output:
            try:
                sizes = hidden_sizes(hidden.value)
                setting = Setting(dataset.value, sizes, activation.value, rate.value, epochs.value)
                display(playground_figure(setting))
            except ValueError as error:  # e.g. a typo in the hidden sizes: say so, keep the panel alive
                print(f"Cannot train that: {error}")
            plt.close("all")

    button.on_click(on_train)
    rows = [widgets.HBox([dataset, activation, hidden]), widgets.HBox([rate, epochs, button])]
    return widgets.VBox([*rows, output])
