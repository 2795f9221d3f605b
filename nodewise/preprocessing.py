"""Turn images and labels into what a network eats: inputs near [0, 1] and one-hot targets.

The steps, in the order :func:`prepare` applies them to MNIST:

1. :func:`scale_pixels`: grey levels 0..255 become x / 255 in [0, 1]. Unscaled inputs
   make weighted sums hundreds of times larger, which saturates tanh and sigmoid and
   makes a learning rate that suits one layer far too large for another.
2. :func:`downsample` (optional): each 2 x 2 block of pixels becomes its mean, so a
   28 x 28 digit becomes 14 x 14: four times fewer input nodes and connections, so the
   node engine trains about four times faster, for a little accuracy.
3. :func:`flatten`: a network's input layer is a list, so an image of r rows and c
   columns becomes r * c numbers, row after row: pixel (i, j) goes to position i * c + j.
4. :func:`one_hot`: the label k becomes the target vector t with t_k = 1 and every
   other entry 0, which is what a softmax output with cross-entropy is compared with.

:func:`stratified_split` sets a validation set apart from the training digits, with each
digit in the same proportion in both parts. Arrays from numpy become the plain Python
lists of floats that the node engine takes with :func:`to_lists`.
"""

from __future__ import annotations

import numpy as np


def scale_pixels(images: np.ndarray, maximum: float = 255.0) -> np.ndarray:
    """x / maximum: grey levels from 0 to ``maximum`` (255 for MNIST, 16 for the 8x8 digits) into [0, 1]."""
    pixels = _numeric(images, "images")
    if not maximum > 0:
        raise ValueError(f"maximum is {maximum!r}: expected the largest possible grey level, e.g. 255")
    if not ((pixels >= 0) & (pixels <= maximum)).all():  # also false for NaN
        raise ValueError(
            f"images hold values from {pixels.min()} to {pixels.max()}, outside 0..{maximum}: "
            f"pass the largest possible grey level as maximum (255 for MNIST, 16 for the 8x8 digits)"
        )
    return pixels / maximum


def downsample(images: np.ndarray, factor: int = 2) -> np.ndarray:
    """Mean pooling: each factor x factor block of pixels becomes its mean; (n, r, c) -> (n, r/f, c/f).

    The block mean keeps the ink of the digit (a stroke half across a block becomes a
    half-grey pixel) rather than dropping pixels the way taking every other one would.
    """
    pixels = _numeric(images, "images")
    if pixels.ndim != 3:
        raise ValueError(
            f"images have shape {pixels.shape}: expected (count, rows, columns), e.g. (n, 28, 28)"
        )
    count, rows, columns = pixels.shape
    if isinstance(factor, bool) or not isinstance(factor, int | np.integer) or factor < 1:
        raise ValueError(f"factor is {factor!r}: expected a positive integer such as 2")
    if rows % factor or columns % factor:
        raise ValueError(
            f"images of {rows} x {columns} pixels cannot be cut into {factor} x {factor} blocks: "
            f"choose a factor that divides both sides (2 or 4 for 28 x 28)"
        )
    blocks = pixels.reshape(count, rows // factor, factor, columns // factor, factor)
    return blocks.mean(axis=(2, 4))


def flatten(images: np.ndarray) -> np.ndarray:
    """(n, rows, columns) -> (n, rows * columns), row after row: pixel (i, j) goes to i * columns + j."""
    pixels = np.asarray(images)
    if pixels.ndim < 2:
        raise ValueError(f"images have shape {pixels.shape}: expected one image per row, e.g. (n, 28, 28)")
    return pixels.reshape(len(pixels), -1)


def one_hot(labels: np.ndarray, classes: int = 10) -> np.ndarray:
    """Label k -> a vector of ``classes`` floats, 1 at position k and 0 elsewhere; shape (n, classes)."""
    digits = _labels(labels, classes)
    targets = np.zeros((len(digits), classes))
    targets[np.arange(len(digits)), digits] = 1.0
    return targets


def stratified_split(
    labels: np.ndarray, validation_fraction: float = 0.1, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Indices (train, validation) that set ``validation_fraction`` of each class apart.

    For every class with m examples, validation_fraction * m of them (rounded half up),
    chosen at random with ``seed``, go to validation and the rest to train, so every
    digit keeps its share in both parts. Both index arrays are sorted: the split does not reorder
    the data (shuffle while training). Use them as ``images[train]``, ``labels[train]``.
    """
    digits = _labels(labels, None)
    if not 0.0 < validation_fraction < 1.0:
        raise ValueError(
            f"validation_fraction is {validation_fraction!r}: expected a number between 0 and 1, e.g. 0.1"
        )
    rng = np.random.default_rng(seed)
    validation = []
    for label in np.unique(digits):
        members = np.flatnonzero(digits == label)
        take = int(validation_fraction * len(members) + 0.5)  # rounded half up
        validation.extend(rng.permutation(members)[:take])
    validation = np.sort(np.array(validation, dtype=int))
    train = np.setdiff1d(np.arange(len(digits)), validation)
    if len(validation) == 0 or len(train) == 0:
        raise ValueError(
            f"validation_fraction={validation_fraction} of {len(digits)} labels leaves one part empty: "
            "use more labels or a fraction nearer 0.5"
        )
    return train, validation


def prepare(
    images: np.ndarray,
    labels: np.ndarray,
    *,
    downsample_factor: int = 1,
    maximum: float = 255.0,
    classes: int = 10,
) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets) for a network: scaled, optionally downsampled, flattened images and one-hot labels.

    MNIST gives inputs of shape (n, 784), or (n, 196) with ``downsample_factor=2``, and
    targets of shape (n, 10). Pass both through :func:`to_lists` for the node engine.
    """
    if len(images) != len(labels):
        raise ValueError(f"{len(images)} images but {len(labels)} labels: pass one label per image")
    pixels = scale_pixels(images, maximum)
    if downsample_factor != 1:
        pixels = downsample(pixels, downsample_factor)
    return flatten(pixels), one_hot(labels, classes)


def to_lists(array: np.ndarray) -> list:
    """The array as nested Python lists of Python floats, e.g. ``to_lists(inputs)[0]`` is one sample.

    The node engine computes with plain floats, one at a time; numpy's own number types
    would work but are slower there, and integers would be converted sample by sample.
    """
    return np.asarray(array, dtype=float).tolist()


def _numeric(values: np.ndarray, what: str) -> np.ndarray:
    array = np.asarray(values)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.number):
        raise TypeError(f"{what} have dtype {array.dtype}: expected numbers, e.g. a uint8 or float array")
    return array


def _labels(labels: np.ndarray, classes: int | None) -> np.ndarray:
    """Labels as a 1-D integer array, checked to lie in 0..classes-1 when classes is given."""
    array = _numeric(labels, "labels")
    if array.ndim != 1:
        raise ValueError(f"labels have shape {array.shape}: expected one label per example, shape (n,)")
    if not np.issubdtype(array.dtype, np.integer):
        if not np.all(array == np.round(array)):
            raise ValueError("labels must be whole numbers (class indices such as 0 to 9)")
        array = array.astype(int)
    if array.size and array.min() < 0:
        raise ValueError(f"labels include {array.min()}: expected class indices 0, 1, 2, ...")
    if classes is not None and array.size and array.max() >= classes:
        raise ValueError(
            f"labels include {array.max()}, but {classes} classes are numbered 0 to {classes - 1}: "
            "pass classes= the number of classes"
        )
    return array
