"""A trained model on disk: one JSON file, written atomically, checked field by field on load.

A :class:`Model` is a network plus everything needed to use it on raw data: how to
standardize the inputs, the names of its classes (or, for regression, how to scale the
target back), and how it was trained. The file is plain JSON, never pickle: loading a
pickle runs whatever code it holds, while a JSON file is only data, and a person can
read it.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from nodewise import metrics
from nodewise.datasets import Dataset, Inputs, Labels, Standardizer, one_hot
from nodewise.matrix import MatrixNetwork
from nodewise.network import Network, check_vector
from nodewise.training import Engine, predict

FORMAT = "nodewise-model"
VERSION = 1

ENGINES = ("node", "matrix")
"""The engines a model can compute with: the node graph, or the same network as matrices."""


@dataclass
class Model:
    """A network with its preprocessing and names.

    ``input_scaling`` standardizes raw inputs. For classification, output k is class
    ``class_names[k]`` (a softmax output); for regression (``class_names`` None, one
    identity output) the network predicts the standardized target, and
    ``target_scaling`` turns it back into the data's units. ``data`` records the data
    set, seed, test size and target column the model was trained with.

    The network is a node :class:`Network` or a :class:`MatrixNetwork` (see
    :meth:`use_engine`); the file stores only its parameters, so a model saved from
    either engine loads into either.
    """

    network: Engine
    input_scaling: Standardizer
    class_names: list[str] | None
    target_scaling: Standardizer | None = None
    feature_names: list[str] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        dataset: Dataset,
        train_inputs: Inputs,
        train_labels: Labels,
        hidden: Sequence[int],
        activation: str = "relu",
        seed: int = 0,
        data: dict[str, Any] | None = None,
        input_scaling: Standardizer | None = None,
    ) -> Model:
        """A new model for ``dataset``, its scaling fitted on the training part only.

        Pass ``input_scaling`` to scale the inputs by fixed numbers instead, e.g. grey
        levels divided by 255 (means 0, scales 255), which keeps every pixel in [0, 1].
        """
        width = len(train_inputs[0])
        if dataset.is_regression:
            network = Network([width, *hidden, 1], activation=activation, output="identity", seed=seed)
            target_scaling = Standardizer.fit([[y] for y in train_labels])
        else:
            classes = len(dataset.class_names)
            network = Network([width, *hidden, classes], activation=activation, output="softmax", seed=seed)
            target_scaling = None
        return cls(
            network,
            input_scaling or Standardizer.fit(train_inputs, per_feature=not dataset.same_units),
            dataset.class_names,
            target_scaling,
            dataset.feature_names,
            dict(data or {}),
        )

    def use_engine(self, engine: str) -> None:
        """Compute from now on with the node graph ("node") or its matrix twin ("matrix").

        The parameters are copied exactly (float64), so predictions stay the same up to
        rounding; training goes on from the same point (momentum starts again from zero).
        """
        if engine not in ENGINES:
            raise ValueError(f"engine is {engine!r}: expected one of {', '.join(ENGINES)}")
        if engine == "matrix" and not isinstance(self.network, MatrixNetwork):
            self.network = MatrixNetwork.from_network(self.network)
        elif engine == "node" and isinstance(self.network, MatrixNetwork):
            self.network = self.network.to_network()

    @property
    def is_regression(self) -> bool:
        return self.class_names is None

    def prepare(self, inputs: Inputs) -> Inputs:
        """Raw inputs as the network takes them: standardized with the training part's numbers."""
        features = self.network.shape[0]
        for row, x in enumerate(inputs):
            if len(x) != features:
                raise ValueError(
                    f"sample {row} has {len(x)} features but the model expects {features}: "
                    "pass data with the same columns as the training data"
                )
        return self.input_scaling.transform(inputs)

    def encode(self, labels: Labels) -> list[list[float]]:
        """Labels as network targets: one-hot classes, or the standardized regression target."""
        if self.is_regression:
            return self.target_scaling.transform([[y] for y in labels])
        return one_hot(labels, len(self.class_names))

    def outputs(self, inputs: Inputs) -> list[list[float]]:
        """The network's outputs for raw inputs (class probabilities, or the scaled target)."""
        return predict(self.network, self.prepare(inputs))

    def predict(self, inputs: Inputs) -> list[int] | list[float]:
        """The predicted class index, or the predicted value in the data's units, of each raw input."""
        outputs = self.outputs(inputs)
        if self.is_regression:
            return [y for (y,) in self.target_scaling.inverse_transform(outputs)]
        return [metrics.argmax(y) for y in outputs]

    def scores(self, inputs: Inputs, labels: Labels) -> dict[str, float | None]:
        """accuracy and loss (mean cross-entropy) for classification; mse for regression."""
        outputs = self.outputs(inputs)
        if self.is_regression:
            predictions = [y for (y,) in self.target_scaling.inverse_transform(outputs)]
            return {"accuracy": None, "mse": metrics.mean_squared_error(labels, predictions)}
        predicted = [metrics.argmax(y) for y in outputs]
        return {
            "accuracy": metrics.accuracy(labels, predicted),
            "loss": metrics.cross_entropy(labels, outputs),
        }

    def labels_for(self, dataset: Dataset) -> Labels:
        """The dataset's labels as this model's class indices, matched by class name."""
        if dataset.is_regression != self.is_regression:
            kinds = {True: "regression (numbers)", False: "classification (classes)"}
            raise ValueError(
                f"{dataset.name} is a {kinds[dataset.is_regression]} data set but the model does "
                f"{kinds[self.is_regression]}: pass data of the kind the model was trained on"
            )
        if self.is_regression:
            return dataset.labels
        index = {name: k for k, name in enumerate(self.class_names)}
        unknown = sorted(set(dataset.class_names) - set(index))
        if unknown:
            raise ValueError(
                f"{dataset.name} has class(es) {', '.join(unknown)} that the model never saw "
                f"(it knows {', '.join(self.class_names)})"
            )
        return [index[dataset.class_names[label]] for label in dataset.labels]


# --- to and from JSON -----------------------------------------------------------------


def to_document(model: Model) -> dict[str, Any]:
    """The model as a JSON-ready dictionary."""
    net = model.network

    def scaling(standardizer: Standardizer | None) -> dict[str, list[float]] | None:
        if standardizer is None:
            return None
        return {"means": standardizer.means, "scales": standardizer.scales}

    return {
        "format": FORMAT,
        "version": VERSION,
        "shape": net.shape,
        "activation": net.activation,
        "output": net.output,
        "parameters": [[weights, biases] for weights, biases in net.parameters()],
        "class_names": model.class_names,
        "feature_names": model.feature_names,
        "input_scaling": scaling(model.input_scaling),
        "target_scaling": scaling(model.target_scaling),
        "data": model.data,
    }


def check_save_path(path: str) -> str:
    """The folder a model can be saved to at ``path``, or a clear error before any work is done."""
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(
            f"cannot save the model to {path!r}: folder {directory!r} does not exist; create it first"
        )
    if os.path.isdir(path):
        raise IsADirectoryError(
            f"cannot save the model to {path!r}: it is a folder; give a file name such as model.json"
        )
    if not os.access(directory, os.W_OK):
        raise PermissionError(f"cannot save the model to {path!r}: folder {directory!r} is not writable")
    return directory


def save_model(model: Model, path: str) -> None:
    """Write the model to ``path`` as JSON, atomically.

    The text is written to a temporary file beside ``path`` and then renamed over it in
    one step (os.replace): if anything fails, the old file (if any) is untouched and no
    half-written file is left behind.
    """
    text = json.dumps(to_document(model), allow_nan=False)
    directory = check_save_path(path)
    temporary = os.path.join(directory, f".{os.path.basename(path)}.{secrets.token_hex(4)}.tmp")
    try:
        with open(temporary, "x", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


def _scaling(document: dict[str, Any], key: str, width: int) -> Standardizer:
    value = document.get(key)
    _require(
        isinstance(value, dict) and set(value) == {"means", "scales"},
        f"{key} must be an object with 'means' and 'scales' lists",
    )
    means = check_vector(value["means"], width, f"{key} means")
    scales = check_vector(value["scales"], width, f"{key} scales")
    _require(all(s > 0.0 for s in scales), f"{key} scales must all be positive")
    return Standardizer(means, scales)


def _names(value: object, count: int | None, key: str) -> list[str] | None:
    if value is None:
        return None
    _require(
        isinstance(value, list) and all(isinstance(name, str) for name in value),
        f"{key} must be a list of strings or null",
    )
    _require(count is None or len(value) == count, f"{key} has {len(value)} names, expected {count}")
    return value


def from_document(document: object) -> Model:
    """A model from its dictionary, every field checked; ValueError names the first bad one."""
    _require(isinstance(document, dict), "expected a JSON object")
    _require(document.get("format") == FORMAT, f"'format' is not {FORMAT!r}: this is not a nodewise model")
    _require(
        document.get("version") == VERSION,
        f"version {document.get('version')!r} is not {VERSION}: it was written by another nodewise version",
    )
    missing = {"shape", "activation", "output", "parameters", "class_names", "input_scaling"} - set(document)
    _require(not missing, f"missing field(s) {', '.join(sorted(missing))}")
    network = Network(document["shape"], document["activation"], document["output"])
    network.set_parameters(document["parameters"])
    outputs = network.shape[-1]
    class_names = _names(document["class_names"], outputs, "class_names")
    target_scaling = None
    if class_names is None:
        _require(network.output == "identity", "a model without class_names must have an identity output")
        target_scaling = _scaling(document, "target_scaling", outputs)
    else:
        _require(network.output == "softmax", "a model with class_names must have a softmax output")
    data = document.get("data", {})
    _require(isinstance(data, dict), "data must be an object")
    return Model(
        network,
        _scaling(document, "input_scaling", network.shape[0]),
        class_names,
        target_scaling,
        _names(document.get("feature_names"), network.shape[0], "feature_names"),
        data,
    )


def load_model(path: str) -> Model:
    """Read and check a model file written by :func:`save_model`."""
    if not os.path.isfile(path):
        raise FileNotFoundError(f"model file {path!r} not found: check the path, or train one with --save")
    try:
        with open(path, encoding="utf-8") as file:
            document = json.load(file)
    except UnicodeDecodeError:
        raise ValueError(
            f"model file {path} is not a text file: expected the JSON of nodewise train --save"
        ) from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"model file {path} is not valid JSON ({error.msg} at line {error.lineno}): "
            "was it written by nodewise train --save?"
        ) from None
    try:
        return from_document(document)
    except (TypeError, ValueError) as error:
        raise ValueError(f"model file {path} is invalid: {error}") from None
