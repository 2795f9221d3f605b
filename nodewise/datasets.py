"""Data for a network to learn: toy sets, the 8x8 digits and CSV files; splits, scaling, one-hot.

The return format is plain Python lists throughout. A generator returns
``(inputs, labels)``:

- ``inputs``: one list of feature values (floats) per sample, e.g. ``[[0.3, -1.2], ...]``;
- ``labels``: one class index (an int: 0, 1, 2, ...) per sample for classification, or
  one target number (a float) per sample for regression (:func:`curve`).

A network with a softmax output wants one-hot target lists (:func:`one_hot`), and
learns best from standardized inputs (:class:`Standardizer`, fitted on the training part
only, so that nothing about the test part leaks into training).

:func:`load` returns a :class:`Dataset` (the lists plus class and feature names) for a
built-in name (``digits``, ``xor``, ``moons``, ...) or a CSV file. The real 28x28 MNIST
digits come from :func:`load_mnist` (see :mod:`nodewise.mnist`), as numpy arrays with
their own training and test parts.
"""

from __future__ import annotations

import csv
import math
import os
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from nodewise.mnist import load_mnist as load_mnist  # re-exported: datasets is where data is looked for

Inputs = list[list[float]]
Labels = list[int] | list[float]

# --- toy sets -------------------------------------------------------------------------


def xor(samples: int = 4, noise: float = 0.0, seed: int = 0) -> tuple[Inputs, list[int]]:
    """The XOR problem: label 1 when exactly one of the two inputs is 1.

    With the defaults, its four corners (0,0)->0, (0,1)->1, (1,0)->1, (1,1)->0, the
    classic problem no straight line can separate. With more ``samples``, the corners
    repeat in turn, each point moved by Gaussian ``noise`` (a standard deviation).
    """
    _check_samples(samples)
    rng = random.Random(seed)
    corners = [((0.0, 0.0), 0), ((0.0, 1.0), 1), ((1.0, 0.0), 1), ((1.0, 1.0), 0)]
    inputs, labels = [], []
    for i in range(samples):
        (a, b), label = corners[i % 4]
        inputs.append([a + rng.gauss(0.0, noise), b + rng.gauss(0.0, noise)])
        labels.append(label)
    return inputs, labels


def curve(samples: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[Inputs, list[float]]:
    """A 1-D regression problem: x uniform in [-3, 3], target sin(x) plus Gaussian ``noise``."""
    _check_samples(samples)
    rng = random.Random(seed)
    inputs, targets = [], []
    for _ in range(samples):
        x = rng.uniform(-3.0, 3.0)
        inputs.append([x])
        targets.append(math.sin(x) + rng.gauss(0.0, noise))
    return inputs, targets


def _from_sklearn(generator: str, samples: int, seed: int, **options: float) -> tuple[Inputs, list[int]]:
    """Points and labels from one of scikit-learn's generators, as plain lists."""
    import sklearn.datasets

    _check_samples(samples)
    points, labels = getattr(sklearn.datasets, generator)(n_samples=samples, random_state=seed, **options)
    return points.tolist(), labels.tolist()


def moons(samples: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[Inputs, list[int]]:
    """Two interleaving half circles, one per class (scikit-learn's make_moons)."""
    return _from_sklearn("make_moons", samples, seed, noise=noise)


def circles(
    samples: int = 200, noise: float = 0.1, seed: int = 0, factor: float = 0.5
) -> tuple[Inputs, list[int]]:
    """A ring (class 0) around a smaller ring ``factor`` times its size (class 1) (make_circles)."""
    return _from_sklearn("make_circles", samples, seed, noise=noise, factor=factor)


def spirals(
    samples: int = 300, noise: float = 0.1, seed: int = 0, classes: int = 3
) -> tuple[Inputs, list[int]]:
    """``classes`` spiral arms wound around the origin, one class per arm.

    Arm k's points have radius r from 0 to 1 and angle 2 pi k / classes + 4 r (radians),
    each point moved by Gaussian ``noise``.
    """
    _check_samples(samples)
    rng = random.Random(seed)
    inputs, labels = [], []
    for k in range(classes):
        count = samples // classes + (k < samples % classes)
        for i in range(count):
            radius = i / max(count - 1, 1)
            angle = 2.0 * math.pi * k / classes + 4.0 * radius
            inputs.append(
                [
                    radius * math.cos(angle) + rng.gauss(0.0, noise),
                    radius * math.sin(angle) + rng.gauss(0.0, noise),
                ]
            )
            labels.append(k)
    return inputs, labels


def blobs(
    samples: int = 200, noise: float = 1.0, seed: int = 0, classes: int = 3
) -> tuple[Inputs, list[int]]:
    """Gaussian clouds of standard deviation ``noise`` around random centres, one per class (make_blobs)."""
    return _from_sklearn("make_blobs", samples, seed, centers=classes, cluster_std=noise)


def digits() -> tuple[Inputs, list[int]]:
    """scikit-learn's bundled 8x8 handwritten digits: 1,797 images, labels 0 to 9.

    Each input is an image's 64 pixels, row by row, from 0.0 (white) to 16.0 (black).
    """
    from sklearn.datasets import load_digits

    images, labels = load_digits(return_X_y=True)
    return images.tolist(), labels.tolist()


def _check_samples(samples: int) -> None:
    if isinstance(samples, bool) or not isinstance(samples, int) or samples < 1:
        raise ValueError(f"samples is {samples!r}: expected a positive whole number such as 200")


# --- named data sets ------------------------------------------------------------------


@dataclass(frozen=True)
class Dataset:
    """Inputs and labels (see the module's return format) with their names.

    ``class_names[c]`` names class c; it is None for regression, whose labels are
    numbers. ``feature_names`` comes from a CSV header (None without one).
    ``same_units`` is True when every feature is measured in the same unit, as the
    pixels of an image are: then they are standardized together (see :class:`Standardizer`).
    """

    name: str
    inputs: Inputs
    labels: Labels
    class_names: list[str] | None
    feature_names: list[str] | None = None
    same_units: bool = False

    @property
    def is_regression(self) -> bool:
        return self.class_names is None


def _named(name: str, data: tuple[Inputs, Labels], classes: int | None, same_units: bool = False) -> Dataset:
    class_names = None if classes is None else [str(k) for k in range(classes)]
    return Dataset(name, data[0], data[1], class_names, same_units=same_units)


BUILTIN: dict[str, Callable[[int], Dataset]] = {
    "digits": lambda seed: _named("digits", digits(), 10, same_units=True),
    "xor": lambda seed: _named("xor", xor(200, noise=0.2, seed=seed), 2),
    "moons": lambda seed: _named("moons", moons(300, noise=0.2, seed=seed), 2),
    "circles": lambda seed: _named("circles", circles(300, noise=0.1, seed=seed), 2),
    "spirals": lambda seed: _named("spirals", spirals(300, noise=0.05, seed=seed), 3),
    "blobs": lambda seed: _named("blobs", blobs(300, noise=1.0, seed=seed), 3),
    "curve": lambda seed: _named("curve", curve(200, noise=0.1, seed=seed), None),
}
"""The built-in data sets by name: each takes a seed (toy sets are generated from it)."""


def load(name: str, *, seed: int = 0, task: str = "auto", target: int | str = -1) -> Dataset:
    """A built-in data set (see :data:`BUILTIN`) or, for a path, a CSV file (see :func:`read_csv`)."""
    if name in BUILTIN:
        return BUILTIN[name](seed)
    if name.lower().endswith(".csv") or os.path.exists(name):
        return read_csv(name, target=target, task=task)
    raise ValueError(
        f"unknown data set {name!r}: expected one of {', '.join(BUILTIN)}, or the path of a .csv file"
    )


# --- CSV files ------------------------------------------------------------------------

TASKS = ("auto", "classification", "regression")

MAX_NUMERIC_CLASSES = 20
"""With ``task="auto"``, whole-number targets with at most this many distinct values are
classes; more distinct values, or any fraction, make the target continuous (regression)."""


def _number(text: str) -> float | None:
    """The finite number a CSV cell holds, or None if it holds none."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_table(path: str) -> tuple[list[str] | None, list[tuple[int, list[str]]]]:
    """A CSV file's header (None if it has none) and its rows as (line number, cells).

    The first row is a header when one of its cells is not a number while the row
    below has a number in that column. Blank lines are skipped and cells are stripped.
    """
    if os.path.isdir(path):
        raise IsADirectoryError(f"data file {path!r} is a folder: give the path of a CSV file in it")
    if not os.path.isfile(path):
        raise FileNotFoundError(f"data file {path!r} not found: check the path (from {os.getcwd()})")
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            rows = [(reader.line_num, [cell.strip() for cell in row]) for row in reader if any(row)]
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValueError(f"{path} is not a readable CSV text file ({error}): save it as UTF-8 CSV") from None
    if not rows:
        raise ValueError(f"{path} is empty: expected rows of comma-separated numbers")
    width = len(rows[0][1])
    for line, cells in rows:
        if len(cells) != width:
            raise ValueError(
                f"{path} line {line} has {len(cells)} values but line {rows[0][0]} has {width}: "
                "every row needs the same number of columns"
            )
    first = rows[0][1]
    below = rows[1][1] if len(rows) > 1 else ["0"] * width  # a lone row is a header if it holds a word
    if any(_number(cell) is None and _number(under) is not None for cell, under in zip(first, below)):
        return first, rows[1:]
    return None, rows


def _column_name(header: list[str] | None, column: int) -> str:
    return repr(header[column]) if header else str(column + 1)


def _target_column(header: list[str] | None, width: int, target: int | str, path: str) -> int:
    """The index of the target column, from a (possibly negative) index or a header name."""
    if isinstance(target, str):
        if header is None or target not in header:
            known = f"the header has {', '.join(header)}" if header else "the file has no header"
            raise ValueError(
                f"{path}: no target column named {target!r} ({known}); pass a column name or index"
            )
        return header.index(target)
    if not -width <= target < width:
        raise ValueError(
            f"{path}: target column {target} does not exist in {width} columns; use -1 for the last"
        )
    return target % width


def _features(
    path: str, header: list[str] | None, line: int, cells: list[str], skip: int | None
) -> list[float]:
    """One row's feature values (every column but ``skip``), with an error naming any bad cell."""
    values = []
    for column, cell in enumerate(cells):
        if column == skip:
            continue
        value = _number(cell)
        if value is None:
            what = "is empty" if cell == "" else f"holds {cell!r}, not a finite number"
            raise ValueError(
                f"{path} line {line}, column {_column_name(header, column)} {what}: features must be "
                "numbers (encode categories as numbers, fill in or remove missing values)"
            )
        values.append(value)
    return values


def class_name(value: str) -> str:
    """A class label as text: numeric labels written plainly ('1' for 1.0), others as they are."""
    number = _number(value)
    if number is None:
        return value
    return str(int(number)) if number.is_integer() else repr(number)


def _is_continuous(values: list[str]) -> bool:
    numbers = [_number(value) for value in values]
    if any(number is None for number in numbers):
        return False
    return any(not number.is_integer() for number in numbers) or len(set(numbers)) > MAX_NUMERIC_CLASSES


def read_csv(path: str, *, target: int | str = -1, task: str = "auto") -> Dataset:
    """A CSV file as a :class:`Dataset`: numeric features, one target column.

    ``target`` is the target column's index (default: the last) or its header name.
    ``task`` is "classification" (labels may be words or numbers), "regression" (the
    target must be numeric), or "auto": regression when the target is clearly continuous
    (any fraction, or more than :data:`MAX_NUMERIC_CLASSES` distinct whole numbers),
    classification otherwise. Class names are sorted (numerically for numbers).
    """
    if task not in TASKS:
        raise ValueError(f"task is {task!r}: expected one of {', '.join(TASKS)}")
    header, rows = read_table(path)
    if not rows:
        raise ValueError(f"{path} has a header but no data rows: add rows of values below it")
    width = len(rows[0][1])
    if width < 2:
        raise ValueError(f"{path} has 1 column: expected feature columns and a target column")
    column = _target_column(header, width, target, path)
    inputs = [_features(path, header, line, cells, column) for line, cells in rows]
    raw = [cells[column] for _, cells in rows]
    feature_names = None if header is None else [name for k, name in enumerate(header) if k != column]
    name = os.path.basename(path)
    if task == "regression" or (task == "auto" and _is_continuous(raw)):
        targets = []
        for (line, _), value in zip(rows, raw):
            number = _number(value)
            if number is None:
                raise ValueError(
                    f"{path} line {line}: target {value!r} is not a number, but regression needs numbers; "
                    "use task 'classification' for class labels"
                )
            targets.append(number)
        return Dataset(name, inputs, targets, None, feature_names)
    names = [class_name(value) for value in raw]
    for (line, _), value in zip(rows, names):
        if value == "":
            raise ValueError(f"{path} line {line}: the target is empty; fill it in or remove the row")
    numeric = all(_number(value) is not None for value in names)
    classes = sorted(set(names), key=(lambda n: float(n)) if numeric else None)
    index = {name: k for k, name in enumerate(classes)}
    return Dataset(name, inputs, [index[value] for value in names], classes, feature_names)


def read_csv_inputs(path: str, features: int, *, target: int | str = -1) -> Inputs:
    """Only the features of a CSV file, for prediction: the target column may be there or not.

    A row of ``features`` values is all features; a row of ``features + 1`` values has
    a target column (at ``target``), which is left out.
    """
    header, rows = read_table(path)
    if not rows:
        raise ValueError(f"{path} has a header but no data rows: add rows of values below it")
    width = len(rows[0][1])
    if width not in (features, features + 1):
        raise ValueError(
            f"{path} has {width} columns but the model expects {features} features "
            f"(or {features + 1} columns with the target): pass data with the training file's columns"
        )
    skip = _target_column(header, width, target, path) if width == features + 1 else None
    return [_features(path, header, line, cells, skip) for line, cells in rows]


# --- splitting, scaling, encoding -------------------------------------------------------


def split(
    inputs: Inputs,
    labels: Labels,
    sizes: Sequence[float] = (0.8, 0.2),
    *,
    seed: int = 0,
    stratify: bool | None = None,
) -> list[tuple[Inputs, Labels]]:
    """Split the samples at random into parts of the given ``sizes`` (fractions adding up to 1).

    ``train, test = split(inputs, labels)`` makes an 80/20 split;
    ``train, validation, test = split(inputs, labels, (0.6, 0.2, 0.2))`` a three-way one.
    Stratified (the default for class labels): each part keeps the class proportions of
    the whole, to within one sample per class. The same seed gives the same split.

    How: shuffle, then give each sample of class c the key (its rank within c + 1/2) / n_c
    and sort by it. That interleaves the classes evenly, so any stretch of the sorted
    order holds each class in proportion; the parts are consecutive stretches.
    """
    n = len(inputs)
    if len(labels) != n:
        raise ValueError(f"split: {n} inputs but {len(labels)} labels; pass one label per input")
    if any(size <= 0 for size in sizes) or not math.isclose(sum(sizes), 1.0) or len(sizes) < 2:
        raise ValueError(f"sizes {list(sizes)}: expected two or more positive fractions adding up to 1")
    if stratify is None:
        stratify = all(isinstance(label, int) for label in labels)
    rng = random.Random(seed)
    order = list(range(n))
    rng.shuffle(order)
    if stratify:
        counts, seen, key = Counter(labels), Counter(), {}
        for i in order:
            key[i] = (seen[labels[i]] + 0.5) / counts[labels[i]]
            seen[labels[i]] += 1
        order.sort(key=key.__getitem__)  # a stable sort: equal keys keep their shuffled order
    bounds, total = [0], 0.0
    for size in sizes:
        total += size
        bounds.append(round(total * n))
    parts = []
    for start, stop, size in zip(bounds, bounds[1:], sizes):
        if start == stop:
            raise ValueError(
                f"split: a part of size {size} of {n} samples is empty; use more data or larger sizes"
            )
        chosen = order[start:stop]
        parts.append(([inputs[i] for i in chosen], [labels[i] for i in chosen]))
    return parts


def _mean_and_scale(values: Sequence[float]) -> tuple[float, float]:
    """The mean of the values and their standard deviation (1 if they never change)."""
    mean = sum(values) / len(values)
    deviation = math.sqrt(sum((v - mean) * (v - mean) for v in values) / len(values))
    return mean, deviation if deviation > 1e-12 * max(1.0, abs(mean)) else 1.0


@dataclass(frozen=True)
class Standardizer:
    """Moves each feature to mean 0 and standard deviation 1: x_j -> (x_j - mean_j) / scale_j.

    Fit it on the training inputs only and apply the same numbers to every part: the
    test part must stay unseen. A feature that never changes gets scale 1 (it becomes 0).
    Why standardize: features of very different sizes make the error surface a long thin
    valley, where one learning rate is too big for some weights and too small for others.

    Features in the same unit, such as pixels, are better standardized *together*, with
    one mean and one standard deviation for all (``per_feature=False``). Their relative
    sizes carry meaning, and a border pixel that is almost always blank would otherwise be
    divided by a tiny standard deviation, turning a rare stroke there into a value of 30.
    """

    means: list[float]
    scales: list[float]

    @classmethod
    def fit(cls, inputs: Inputs, per_feature: bool = True) -> Standardizer:
        """mean_j = average of feature j; scale_j = its standard deviation sqrt(average (x_j - mean_j)^2).

        With ``per_feature=False``: one mean and one standard deviation over every value.
        """
        if not inputs:
            raise ValueError("Standardizer.fit needs at least one sample")
        columns = list(zip(*inputs))
        if per_feature:
            pairs = [_mean_and_scale(column) for column in columns]
            return cls([mean for mean, _ in pairs], [scale for _, scale in pairs])
        mean, scale = _mean_and_scale([value for x in inputs for value in x])
        return cls([mean] * len(columns), [scale] * len(columns))

    def transform(self, inputs: Inputs) -> Inputs:
        """(x_j - mean_j) / scale_j for every feature of every sample."""
        width = len(self.means)
        for row, x in enumerate(inputs):
            if len(x) != width:
                raise ValueError(
                    f"sample {row} has {len(x)} features but the standardizer was fitted on {width}"
                )
        return [[(v - m) / s for v, m, s in zip(x, self.means, self.scales)] for x in inputs]

    def inverse_transform(self, inputs: Inputs) -> Inputs:
        """Back to the original units: x_j = z_j * scale_j + mean_j."""
        return [[v * s + m for v, m, s in zip(x, self.means, self.scales)] for x in inputs]


def one_hot(labels: Sequence[int], classes: int) -> list[list[float]]:
    """Class c as a list of ``classes`` numbers, all 0.0 but a 1.0 at position c: 2 -> [0, 0, 1, 0]."""
    vectors = []
    for position, label in enumerate(labels):
        if isinstance(label, bool) or not isinstance(label, int) or not 0 <= label < classes:
            raise ValueError(f"label {position} is {label!r}: expected a class index from 0 to {classes - 1}")
        vectors.append([1.0 if k == label else 0.0 for k in range(classes)])
    return vectors
