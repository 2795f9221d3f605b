"""MNIST: read the handwritten digits from their four IDX files, downloading them if asked.

MNIST is published as four files, usually gzipped (``.gz``):

======================== ===============================================
train-images-idx3-ubyte  60,000 images, 28 x 28 grey levels from 0 to 255
train-labels-idx1-ubyte  60,000 labels, the digits 0 to 9
t10k-images-idx3-ubyte   10,000 test images
t10k-labels-idx1-ubyte   10,000 test labels
======================== ===============================================

Each IDX file is a header followed by raw bytes. The header starts with a *magic number*
that says what follows: 2051 = 0x00000803 for images (unsigned bytes, 3 dimensions) and
2049 = 0x00000801 for labels (unsigned bytes, 1 dimension). Then each dimension follows
as a 4-byte big-endian integer: (count, rows, columns) for images, (count,) for labels.
The data is exactly count x rows x columns (or count) bytes.

:func:`load_mnist` looks for the files in one directory, the first of:

1. the ``directory`` argument;
2. the environment variable ``NODEWISE_MNIST_DIR``;
3. the cache directory (``cache_dir``, by default ``~/.cache/nodewise/mnist``).

Files found there are checked by their headers, sizes and counts, so any data in the
MNIST layout loads (Fashion-MNIST, or a subset such as 8,000 training and 2,000 test
digits). Files that are missing are downloaded into that directory when
``download=True``, from the first mirror that works, and kept only if their size and
SHA-256 match the official files.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.client import HTTPException
from pathlib import Path
from urllib.request import urlopen

import numpy as np

ENVIRONMENT_VARIABLE = "NODEWISE_MNIST_DIR"

SPLITS = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
"""The two files (images, labels) of each split, without the ``.gz`` suffix."""

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
"""Where the official files are downloaded from, tried in this order."""

CHECKSUMS = {
    "train-images-idx3-ubyte.gz": (
        9_912_422,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    ),
    "train-labels-idx1-ubyte.gz": (
        28_881,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    ),
    "t10k-images-idx3-ubyte.gz": (
        1_648_877,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    ),
    "t10k-labels-idx1-ubyte.gz": (
        4_542,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
    ),
}
"""Size in bytes and SHA-256 of each official file; a download must match both."""

REPLACE_ADVICE = (
    "replace it with an intact copy, or delete it and call load_mnist(..., download=True) "
    "to download the official file again"
)


class MnistError(ValueError):
    """MNIST files that are missing, damaged, or could not be downloaded."""


class MnistFilesMissing(MnistError):
    """Files not in the directory, and no download asked for: ``missing`` names them."""

    def __init__(self, message: str, directory: Path, found_via: str, missing: list[str]) -> None:
        super().__init__(message)
        self.directory, self.found_via, self.missing = directory, found_via, missing


@dataclass(frozen=True, eq=False)
class Mnist:
    """The digits of one MNIST-layout directory.

    ``train_images`` and ``test_images`` are uint8 arrays of shape (n, 28, 28) with grey
    levels 0 (background) to 255 (ink); ``train_labels`` and ``test_labels`` are uint8
    arrays of shape (n,) holding the digits. A split that was not asked for is None.
    ``source`` is the directory read, ``found_via`` says why that one (the directory
    argument, NODEWISE_MNIST_DIR or the cache directory), and ``downloaded`` names the
    files this call downloaded (empty when none was).
    """

    train_images: np.ndarray | None = field(repr=False)
    train_labels: np.ndarray | None = field(repr=False)
    test_images: np.ndarray | None = field(repr=False)
    test_labels: np.ndarray | None = field(repr=False)
    source: Path
    found_via: str
    downloaded: tuple[str, ...] = ()

    def __str__(self) -> str:
        counts = [
            f"{len(images):,} {split} images"
            for split, images in (("training", self.train_images), ("test", self.test_images))
            if images is not None
        ]
        fetched = f", downloaded {', '.join(self.downloaded)}" if self.downloaded else ""
        return f"{' and '.join(counts)} from {self.source} (found via {self.found_via}{fetched})"


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/nodewise/mnist``, or ``~/.cache/nodewise/mnist`` when XDG_CACHE_HOME is unset."""
    cache_home = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache_home) / "nodewise" / "mnist"


def mnist_directory(
    directory: str | os.PathLike | None = None, cache_dir: str | os.PathLike | None = None
) -> tuple[Path, str]:
    """Return (the directory to read, why it was chosen): the argument, the variable, or the cache."""
    if directory is not None:
        return Path(directory).expanduser(), "the directory argument"
    if os.environ.get(ENVIRONMENT_VARIABLE):
        return Path(os.environ[ENVIRONMENT_VARIABLE]).expanduser(), ENVIRONMENT_VARIABLE
    if cache_dir is not None:
        return Path(cache_dir).expanduser(), "the cache directory"
    return default_cache_dir(), "the cache directory"


# --- reading -----------------------------------------------------------------------------


def read_idx(path: str | os.PathLike, magic: int) -> np.ndarray:
    """Read one IDX file (gzipped if its name ends in .gz) whose header must start with ``magic``.

    Returns a uint8 array shaped as the header says, for example (10000, 28, 28).
    Raises MnistError naming the file if it is not gzip, is truncated, or has another
    magic number or a size that disagrees with its header.
    """
    path = Path(path)
    data = _read_bytes(path)
    dimensions = magic & 0xFF  # the last byte of the magic number
    header_size = 4 + 4 * dimensions
    found = int.from_bytes(data[:4], "big")
    if len(data) >= 4 and found != magic:
        kind = "images" if magic == IMAGES_MAGIC else "labels"
        raise MnistError(
            f"{path} starts with the magic number {found}, but an IDX file of {kind} starts with "
            f"{magic}: it is not an MNIST {kind} file (check the file name), or it is corrupt; "
            f"{REPLACE_ADVICE}"
        )
    if len(data) < header_size:
        raise MnistError(
            f"{path} has only {len(data)} bytes, fewer than its {header_size}-byte IDX header: "
            f"it is truncated; {REPLACE_ADVICE}"
        )
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(dimensions))
    expected = int(np.prod(shape))
    if len(data) - header_size != expected:
        raise MnistError(
            f"{path} holds {len(data) - header_size:,} bytes after its header, but the header announces "
            f"shape {shape}, that is {expected:,} bytes: it is truncated or corrupt; {REPLACE_ADVICE}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header_size).reshape(shape).copy()


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed if its name ends in .gz."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as file:
                return file.read()
        return path.read_bytes()
    except (gzip.BadGzipFile, EOFError, zlib.error) as error:
        raise MnistError(f"{path} is not a valid gzip file ({error}); {REPLACE_ADVICE}") from error
    except OSError as error:
        raise MnistError(f"cannot read {path}: {error}") from error


def find_file(directory: Path, name: str) -> Path | None:
    """``name.gz`` in directory if it exists, else ``name`` uncompressed, else None."""
    for candidate in (directory / f"{name}.gz", directory / name):
        if candidate.is_file():
            return candidate
    return None


def read_split(directory: Path, split: str) -> tuple[np.ndarray, np.ndarray]:
    """(images, labels) of one split ("train" or "test"), checked to hold equally many digits."""
    images_path, labels_path = (find_file(directory, name) for name in SPLITS[split])
    images = read_idx(images_path, IMAGES_MAGIC)
    labels = read_idx(labels_path, LABELS_MAGIC)
    if len(images) != len(labels):
        raise MnistError(
            f"{images_path} holds {len(images):,} images but {labels_path} holds {len(labels):,} labels: "
            f"the two files of a split must describe the same digits; replace the one that does not belong"
        )
    return images, labels


# --- downloading ---------------------------------------------------------------------------


def download_file(
    name: str,
    directory: Path,
    mirrors: Sequence[str] = MIRRORS,
    checksums: Mapping[str, tuple[int, str]] = CHECKSUMS,
    timeout: float = 30.0,
) -> str:
    """Download ``name`` into directory from the first mirror that gives the right file; return its URL.

    Each mirror is tried in turn; a failure (no connection, a server error, a wrong size
    or checksum) moves on to the next. When all fail, MnistError lists every failure and
    says how to get the file by hand.
    """
    if name not in checksums:
        raise MnistError(f"no checksum is known for {name}: pass checksums={{{name!r}: (size, sha256)}}")
    size, sha256 = checksums[name]
    failures = []
    for mirror in mirrors:
        url = mirror.rstrip("/") + "/" + name
        try:
            _fetch(url, directory / name, size, sha256, timeout)
            return url
        except (OSError, HTTPException, ValueError) as error:
            failures.append(f"  {url}: {error}")
    raise MnistError(
        f"could not download {name}:\n" + ("\n".join(failures) or "  no mirror was given") + "\n"
        f"{_by_hand([name], directory, mirrors)}"
    )


def _fetch(url: str, target: Path, size: int, sha256: str, timeout: float) -> None:
    """Download url to target atomically, keeping it only if its size and SHA-256 are right.

    The bytes go to a temporary file in the same directory, which replaces ``target`` in
    one step (os.replace) once it is checked. After any failure or interruption, even
    Ctrl-C, the temporary file is removed: ``target`` is either complete or absent.
    """
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        digest = hashlib.sha256()
        received = 0
        with os.fdopen(handle, "wb") as file, urlopen(url, timeout=timeout) as response:
            while chunk := response.read(1 << 16):
                received += len(chunk)
                if received > size:
                    raise MnistError(f"the server sent more than the expected {size:,} bytes")
                digest.update(chunk)
                file.write(chunk)
        if received != size:
            raise MnistError(f"received {received:,} bytes, expected {size:,}: the download was cut short")
        if digest.hexdigest() != sha256:
            raise MnistError(f"SHA-256 is {digest.hexdigest()}, expected {sha256}: not the official file")
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _by_hand(names: Sequence[str], directory: Path, mirrors: Sequence[str]) -> str:
    """How to get the files without load_mnist's help."""
    where = mirrors[0] if mirrors else MIRRORS[0]
    return (
        f"To get them by hand, download {', '.join(names)} from {where} (or another MNIST mirror) and put "
        f"them, gzipped or not, in {directory}; or put them in any directory and pass it as "
        f"load_mnist(directory) or set the environment variable {ENVIRONMENT_VARIABLE} to it."
    )


# --- the loader ------------------------------------------------------------------------------


def load_mnist(
    directory: str | os.PathLike | None = None,
    *,
    splits: Sequence[str] = ("train", "test"),
    download: bool = False,
    cache_dir: str | os.PathLike | None = None,
    mirrors: Sequence[str] = MIRRORS,
    checksums: Mapping[str, tuple[int, str]] = CHECKSUMS,
    timeout: float = 30.0,
) -> Mnist:
    """Load MNIST (or any data in its four-file layout) as numpy arrays.

    The directory read is ``directory`` if given, else the environment variable
    NODEWISE_MNIST_DIR, else ``cache_dir`` (default ``~/.cache/nodewise/mnist``).
    ``splits`` chooses what to read: ("train", "test"), or ("test",) for a directory
    holding only the two t10k files. Files missing from the directory are downloaded
    into it when ``download`` is true (from ``mirrors``, checked against ``checksums``:
    file name -> (size in bytes, SHA-256), waiting at most ``timeout`` seconds for each
    server), and otherwise make a MnistError that says how to get them.

    Every problem with the files raises MnistError (a ValueError) naming the file.
    """
    splits = _check_splits(splits)
    source, found_via = mnist_directory(directory, cache_dir)
    if source.exists() and not source.is_dir():
        raise MnistError(f"{source} (from {found_via}) is a file, not a directory of MNIST files")
    names = [name for split in splits for name in SPLITS[split]]
    missing = [f"{name}.gz" for name in names if find_file(source, name) is None]
    if missing and not download:
        test_is_there = all(find_file(source, name) for name in SPLITS["test"])
        raise MnistFilesMissing(
            f"MNIST files not found in {source} (from {found_via}"
            f"{'' if source.exists() else ', a directory that does not exist'}): {', '.join(missing)}. "
            f"Call load_mnist(..., download=True) to download them there. "
            + ("To load only the test set that is there, pass splits=('test',). " if test_is_there else "")
            + _by_hand(missing, source, mirrors),
            source,
            found_via,
            missing,
        )
    if missing:
        _prepare_to_download(source)
        for name in missing:
            download_file(name, source, mirrors, checksums, timeout)
    arrays = {split: read_split(source, split) for split in splits}
    _check_same_image_size(arrays, source)
    train = arrays.get("train", (None, None))
    test = arrays.get("test", (None, None))
    return Mnist(*train, *test, source=source, found_via=found_via, downloaded=tuple(missing))


def _prepare_to_download(directory: Path) -> None:
    """Create the directory and make sure files can be written there, before any download starts."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        tempfile.TemporaryFile(dir=directory).close()
    except OSError as error:
        raise MnistError(
            f"cannot write the downloaded MNIST files to {directory} ({error}): pass a writable "
            "directory as load_mnist(directory) or cache_dir=..."
        ) from error


def _check_splits(splits: Sequence[str]) -> tuple[str, ...]:
    if isinstance(splits, str):
        splits = (splits,)
    unknown = [split for split in splits if split not in SPLITS]
    if unknown or not splits:
        raise ValueError(f"splits is {splits!r}: expected ('train', 'test'), ('train',) or ('test',)")
    return tuple(dict.fromkeys(splits))


def _check_same_image_size(arrays: Mapping[str, tuple[np.ndarray, np.ndarray]], source: Path) -> None:
    sizes = {split: images.shape[1:] for split, (images, _) in arrays.items()}
    if len(set(sizes.values())) > 1:
        raise MnistError(
            f"the training and test images in {source} differ in size ({sizes}): "
            "the four files must come from the same data set"
        )
