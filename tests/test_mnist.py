"""The MNIST loader against independent truths: files written here, the real files, a local server.

No test touches the network: downloads come from an HTTP server on 127.0.0.1 started by
the test, serving small IDX files the test makes.
"""

import gzip
import hashlib
import http.server
import re
import socket
import struct
import threading
from pathlib import Path

import numpy as np
import pytest

from nodewise import mnist
from nodewise.mnist import CHECKSUMS, ENVIRONMENT_VARIABLE, MnistError, load_mnist

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"  # ../shared/data beside the checkout
OFFICIAL_TEST = SHARED / "mnist"
SPLIT = SHARED / "mnist-split"
needs_official = pytest.mark.skipif(
    not OFFICIAL_TEST.is_dir(), reason=f"the official MNIST test files are not in {OFFICIAL_TEST}"
)
needs_split = pytest.mark.skipif(not SPLIT.is_dir(), reason=f"the MNIST-layout subset is not in {SPLIT}")

NAMES = {
    "train_images": "train-images-idx3-ubyte",
    "train_labels": "train-labels-idx1-ubyte",
    "test_images": "t10k-images-idx3-ubyte",
    "test_labels": "t10k-labels-idx1-ubyte",
}


@pytest.fixture(autouse=True)
def no_environment_directory(monkeypatch):
    """The Makefile sets NODEWISE_MNIST_DIR; tests that want it set it themselves."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


def idx(array, magic):
    """IDX bytes written by hand: magic, each dimension as a big-endian uint32, then the bytes."""
    return struct.pack(f">I{array.ndim}I", magic, *array.shape) + array.astype(np.uint8).tobytes()


def make_digits(train=5, test=3, side=28, seed=0):
    """Random arrays in the MNIST layout, keyed like NAMES."""
    rng = np.random.default_rng(seed)
    return {
        "train_images": rng.integers(0, 256, (train, side, side), dtype=np.uint8),
        "train_labels": rng.integers(0, 10, train, dtype=np.uint8),
        "test_images": rng.integers(0, 256, (test, side, side), dtype=np.uint8),
        "test_labels": rng.integers(0, 10, test, dtype=np.uint8),
    }


def file_bytes(arrays, key, gzipped=True):
    data = idx(arrays[key], 0x803 if key.endswith("images") else 0x801)
    return gzip.compress(data) if gzipped else data


def write_digits(directory, arrays, gzipped=True, keys=tuple(NAMES)):
    """Write the files of ``keys`` into directory; return {file name: bytes written}."""
    directory.mkdir(parents=True, exist_ok=True)
    written = {}
    for key in keys:
        name = NAMES[key] + (".gz" if gzipped else "")
        written[name] = file_bytes(arrays, key, gzipped)
        (directory / name).write_bytes(written[name])
    return written


def assert_same_digits(data, arrays):
    for key, expected in arrays.items():
        loaded = getattr(data, key)
        assert loaded.dtype == np.uint8
        np.testing.assert_array_equal(loaded, expected)


# --- reading a directory ----------------------------------------------------------------------


@pytest.mark.parametrize("gzipped", [True, False])
def test_round_trip_through_files(tmp_path, gzipped):
    arrays = make_digits()
    write_digits(tmp_path, arrays, gzipped)
    data = load_mnist(tmp_path)
    assert_same_digits(data, arrays)
    assert data.source == tmp_path
    assert data.found_via == "the directory argument"
    assert data.downloaded == ()
    assert str(data) == (
        f"5 training images and 3 test images from {tmp_path} (found via the directory argument)"
    )


def test_gzipped_and_plain_files_mix(tmp_path):
    arrays = make_digits()
    write_digits(tmp_path, arrays, True, keys=("train_images", "test_labels"))
    write_digits(tmp_path, arrays, False, keys=("train_labels", "test_images"))
    assert_same_digits(load_mnist(tmp_path), arrays)


def test_any_data_in_the_mnist_layout_loads(tmp_path):
    """Not the official files, so no checksum applies: headers, sizes and counts are checked."""
    arrays = make_digits(train=7, test=2, side=12, seed=3)
    write_digits(tmp_path, arrays)
    data = load_mnist(tmp_path)
    assert_same_digits(data, arrays)
    assert data.train_images.shape == (7, 12, 12)


def test_only_the_test_split(tmp_path):
    arrays = make_digits()
    write_digits(tmp_path, arrays, keys=("test_images", "test_labels"))
    for splits in [("test",), "test"]:
        data = load_mnist(tmp_path, splits=splits)
        np.testing.assert_array_equal(data.test_images, arrays["test_images"])
        assert data.train_images is None and data.train_labels is None
    with pytest.raises(MnistError, match=re.escape("pass splits=('test',)")):
        load_mnist(tmp_path)


@pytest.mark.parametrize("splits", [(), ("validation",), ("train", "tset")])
def test_unknown_splits_are_refused(tmp_path, splits):
    with pytest.raises(ValueError, match="expected \\('train', 'test'\\)"):
        load_mnist(tmp_path, splits=splits)


def test_where_the_files_are_looked_for(tmp_path, monkeypatch):
    """The directory argument, else NODEWISE_MNIST_DIR, else the cache directory."""
    argument, variable, cache = tmp_path / "argument", tmp_path / "variable", tmp_path / "cache"
    for seed, directory in enumerate([argument, variable, cache]):
        write_digits(directory, make_digits(seed=seed))
    assert load_mnist(cache_dir=cache).source == cache
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(variable))
    data = load_mnist(cache_dir=cache)
    assert (data.source, data.found_via) == (variable, ENVIRONMENT_VARIABLE)
    assert_same_digits(data, make_digits(seed=1))
    assert load_mnist(argument, cache_dir=cache).source == argument


def test_default_cache_directory(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert mnist.default_cache_dir() == tmp_path / "nodewise" / "mnist"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert mnist.default_cache_dir() == Path.home() / ".cache" / "nodewise" / "mnist"
    data_dir = tmp_path / "nodewise" / "mnist"
    write_digits(data_dir, make_digits())
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert (load_mnist().source, load_mnist().found_via) == (data_dir, "the cache directory")


# --- damaged files: one clear MnistError naming the file --------------------------------------


def damage(kind, arrays):
    """(file name, bytes) of a damaged train-images file."""
    good = idx(arrays["train_images"], 0x803)
    return {
        "not gzip": ("train-images-idx3-ubyte.gz", good),
        "truncated gzip": ("train-images-idx3-ubyte.gz", gzip.compress(good)[:200]),
        "corrupt gzip": ("train-images-idx3-ubyte.gz", gzip.compress(good)[:30] + b"\xff" * 40),
        "truncated data": ("train-images-idx3-ubyte", good[:-100]),
        "extra data": ("train-images-idx3-ubyte", good + b"\x00"),
        "truncated header": ("train-images-idx3-ubyte", good[:10]),
        "labels for images": ("train-images-idx3-ubyte", idx(arrays["train_labels"], 0x801)),
        "html page": ("train-images-idx3-ubyte", b"<html><body>Not Found</body></html>"),
    }[kind]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        ("not gzip", "is not a valid gzip file"),
        ("truncated gzip", "is not a valid gzip file"),
        ("corrupt gzip", "is not a valid gzip file"),
        ("truncated data", "holds 3,820 bytes after its header, but the header announces shape (5, 28, 28)"),
        ("extra data", "holds 3,921 bytes after its header"),
        ("truncated header", "has only 10 bytes, fewer than its 16-byte IDX header"),
        (
            "labels for images",
            "starts with the magic number 2049, but an IDX file of images starts with 2051:",
        ),
        ("html page", "starts with the magic number 1013478509"),
    ],
)
def test_damaged_files_are_named(tmp_path, kind, message):
    arrays = make_digits()
    write_digits(tmp_path, arrays, keys=("train_labels", "test_images", "test_labels"))
    name, data = damage(kind, arrays)
    (tmp_path / name).write_bytes(data)
    with pytest.raises(MnistError) as error:
        load_mnist(tmp_path)
    assert isinstance(error.value, ValueError)
    assert str(error.value).startswith(str(tmp_path / name))
    assert message in str(error.value)
    assert "download=True" in str(error.value)


def test_image_and_label_counts_must_agree(tmp_path):
    arrays = make_digits()
    arrays["test_labels"] = arrays["test_labels"][:2]
    write_digits(tmp_path, arrays)
    with pytest.raises(MnistError, match="t10k-images-idx3-ubyte.gz holds 3 images but .* holds 2 labels"):
        load_mnist(tmp_path)


def test_training_and_test_images_must_have_one_size(tmp_path):
    arrays = make_digits()
    arrays["test_images"] = arrays["test_images"][:, :14, :14]
    write_digits(tmp_path, arrays)
    with pytest.raises(MnistError, match="differ in size"):
        load_mnist(tmp_path)


def test_missing_files_say_how_to_get_them(tmp_path):
    arrays = make_digits()
    write_digits(tmp_path, arrays, keys=("train_images", "train_labels", "test_images"))
    with pytest.raises(MnistError) as error:
        load_mnist(tmp_path)
    message = str(error.value)
    assert f"not found in {tmp_path} (from the directory argument): t10k-labels-idx1-ubyte.gz." in message
    for hint in ["download=True", ENVIRONMENT_VARIABLE, mnist.MIRRORS[0]]:
        assert hint in message
    assert "splits=('test',)" not in message


def test_a_directory_that_does_not_exist(tmp_path, monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / "nowhere"))
    with pytest.raises(MnistError, match="from NODEWISE_MNIST_DIR, a directory that does not exist"):
        load_mnist()


def test_a_file_is_not_a_directory(tmp_path):
    path = tmp_path / "mnist.gz"
    path.write_bytes(b"")
    with pytest.raises(MnistError, match="is a file, not a directory"):
        load_mnist(path)


# --- the real files -------------------------------------------------------------------------


def readme_table(path):
    """{file name: {"bytes": ..., "md5": ..., "sha256": ...}} from the README's Markdown tables."""
    rows = {}
    header = []
    for line in path.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| file"):
            header = cells
        elif line.startswith("| ") and cells[0].endswith(".gz"):
            rows[cells[0]] = dict(zip(header[1:], cells[1:]))
    return rows


@needs_official
def test_checksum_table_matches_the_official_readme_and_files():
    readme = readme_table(OFFICIAL_TEST / "README.md")
    assert set(readme) == set(CHECKSUMS)
    for name, (size, sha256) in CHECKSUMS.items():
        assert int(readme[name]["bytes"]) == size
        if "sha256" in readme[name]:
            assert readme[name]["sha256"] == sha256
            data = (OFFICIAL_TEST / name).read_bytes()
            assert len(data) == size
            assert hashlib.sha256(data).hexdigest() == sha256
            assert hashlib.md5(data).hexdigest() == readme[name]["md5"]


@needs_official
def test_official_test_set():
    data = load_mnist(OFFICIAL_TEST, splits=("test",))
    assert data.test_images.shape == (10_000, 28, 28)
    assert data.test_images.dtype == np.uint8 and data.test_images.max() == 255
    # Published facts about the MNIST test set: its first labels and its class counts.
    assert data.test_labels[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(data.test_labels).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@needs_official
@needs_split
def test_split_directory_holds_the_official_test_digits():
    """mnist-split's README: its train files are test digits 0..7,999, its t10k files 8,000..9,999."""
    official = load_mnist(OFFICIAL_TEST, splits="test")
    data = load_mnist(SPLIT)
    assert (len(data.train_images), len(data.test_images)) == (8_000, 2_000)
    np.testing.assert_array_equal(data.train_images, official.test_images[:8_000])
    np.testing.assert_array_equal(data.train_labels, official.test_labels[:8_000])
    np.testing.assert_array_equal(data.test_images, official.test_images[8_000:])
    np.testing.assert_array_equal(data.test_labels, official.test_labels[8_000:])


@needs_split
def test_split_directory_through_the_environment_variable(monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(SPLIT))
    data = load_mnist()
    assert data.found_via == ENVIRONMENT_VARIABLE
    assert str(data).startswith("8,000 training images and 2,000 test images from")


# --- downloading from a local server ----------------------------------------------------------


class Server:
    """An HTTP server on 127.0.0.1 serving ``routes``: path -> (status, body, announced length)."""

    def __init__(self):
        self.routes = {}
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                status, body, length = server.routes.get(self.path, (404, b"not found", None))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body) if length is None else length))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def mirror(self, name, files, status=200, transform=lambda body: body, announced=None):
        """Serve every file under /name/, changed by ``transform``; return the mirror's URL."""
        for file_name, body in files.items():
            self.routes[f"/{name}/{file_name}"] = (status, transform(body), announced)
        return f"http://127.0.0.1:{self.httpd.server_port}/{name}/"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    running = Server()
    yield running
    running.close()


def official(files):
    """The checksum table for the test's files: they play the part of the official ones."""
    return {name: (len(body), hashlib.sha256(body).hexdigest()) for name, body in files.items()}


def served_files(tmp_path):
    """The four gzipped files of make_digits(), written to a scratch directory and returned as bytes."""
    return write_digits(tmp_path / "originals", make_digits())


def test_download_lands_in_the_cache_and_is_reused(tmp_path, server):
    files = served_files(tmp_path)
    cache = tmp_path / "cache"
    mirror = server.mirror("good", files)
    data = load_mnist(cache_dir=cache, download=True, mirrors=[mirror], checksums=official(files), timeout=5)
    assert_same_digits(data, make_digits())
    assert sorted(data.downloaded) == sorted(files)
    assert sorted(path.name for path in cache.iterdir()) == sorted(files)
    assert all((cache / name).read_bytes() == body for name, body in files.items())
    assert len(server.requests) == 4
    again = load_mnist(cache_dir=cache, download=True, mirrors=[mirror], checksums=official(files), timeout=5)
    assert again.downloaded == ()
    assert len(server.requests) == 4
    assert_same_digits(again, make_digits())


def test_only_missing_files_are_downloaded(tmp_path, server):
    files = served_files(tmp_path)
    write_digits(tmp_path / "mine", make_digits(), keys=("test_images", "test_labels"))
    mirror = server.mirror("good", files)
    data = load_mnist(tmp_path / "mine", download=True, mirrors=[mirror], checksums=official(files))
    assert sorted(data.downloaded) == ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]
    assert sorted(server.requests) == ["/good/train-images-idx3-ubyte.gz", "/good/train-labels-idx1-ubyte.gz"]
    assert_same_digits(data, make_digits())


def flip_last_byte(body):
    return body[:-1] + bytes([body[-1] ^ 0xFF])


def bad_mirrors(server, files):
    """Mirrors that each fail in their own way, and a word of the error each must report."""
    return [
        (server.mirror("error", files, status=500), "500"),
        (server.mirror("missing", {}), "404"),
        (server.mirror("changed", files, transform=flip_last_byte), "SHA-256"),
        (server.mirror("cut", files, transform=lambda body: body[: len(body) // 2]), "cut short"),
        (server.mirror("announced", files, transform=lambda body: body[:-5], announced=10**6), "cut short"),
        (server.mirror("longer", files, transform=lambda body: body + b"\x00"), "more than the expected"),
    ]


def test_bad_mirrors_are_skipped(tmp_path, server):
    files = served_files(tmp_path)
    bad = bad_mirrors(server, files)
    mirrors = [url for url, _ in bad] + [server.mirror("good", files)]
    data = load_mnist(cache_dir=tmp_path / "cache", download=True, mirrors=mirrors, checksums=official(files))
    assert_same_digits(data, make_digits())
    assert sorted(path.name for path in (tmp_path / "cache").iterdir()) == sorted(files)
    assert len(server.requests) == 4 * len(mirrors)


def test_when_every_mirror_fails_nothing_is_left_and_the_error_says_what_to_do(tmp_path, server):
    files = served_files(tmp_path)
    bad = bad_mirrors(server, files)
    cache = tmp_path / "cache"
    with pytest.raises(MnistError) as error:
        load_mnist(cache_dir=cache, download=True, mirrors=[url for url, _ in bad], checksums=official(files))
    message = str(error.value)
    assert message.startswith("could not download train-images-idx3-ubyte.gz:")
    for url, word in bad:
        assert re.search(f"{re.escape(url)}train-images-idx3-ubyte.gz: .*{word}", message)
    assert f"put them, gzipped or not, in {cache}" in message
    assert ENVIRONMENT_VARIABLE in message
    assert list(cache.iterdir()) == []


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_offline(tmp_path):
    cache = tmp_path / "cache"
    mirror = f"http://127.0.0.1:{closed_port()}/mnist/"
    with pytest.raises(MnistError, match="Connection refused|refused") as error:
        load_mnist(cache_dir=cache, download=True, mirrors=[mirror], timeout=5)
    assert "download train-images-idx3-ubyte.gz from" in str(error.value)
    assert list(cache.iterdir()) == []


def test_an_interrupted_download_leaves_no_file(tmp_path, server, monkeypatch):
    """Ctrl-C after the first chunk arrived: the partial file is removed, the interrupt goes on."""
    files = served_files(tmp_path)
    mirror = server.mirror("good", files)
    real_urlopen = mnist.urlopen

    class Interrupted:
        def __init__(self, response):
            self.response, self.chunks = response, 0

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.response.close()

        def read(self, size):
            self.chunks += 1
            if self.chunks > 1:
                raise KeyboardInterrupt
            return self.response.read(size)

    monkeypatch.setattr(mnist, "urlopen", lambda url, timeout: Interrupted(real_urlopen(url, timeout=5)))
    cache = tmp_path / "cache"
    with pytest.raises(KeyboardInterrupt):
        load_mnist(cache_dir=cache, download=True, mirrors=[mirror], checksums=official(files))
    assert list(cache.iterdir()) == []


def test_a_file_without_a_checksum_is_not_downloaded(tmp_path, server):
    files = served_files(tmp_path)
    checksums = official(files)
    del checksums["t10k-labels-idx1-ubyte.gz"]
    with pytest.raises(MnistError, match="no checksum is known for t10k-labels-idx1-ubyte.gz"):
        load_mnist(tmp_path, download=True, mirrors=[server.mirror("good", files)], checksums=checksums)


def test_an_unwritable_download_directory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    with pytest.raises(MnistError, match="cannot write the downloaded MNIST files to .*file/mnist"):
        load_mnist(cache_dir=blocker / "mnist", download=True, mirrors=["http://127.0.0.1:9/"])
