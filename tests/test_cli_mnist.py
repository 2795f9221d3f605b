"""``nodewise train/predict/evaluate --data mnist`` on files written here, checked by hand.

The digits are made learnable on purpose: digit k is a bright 8 x 8 square at its own
place in the image, on faint noise. The saved model's numbers are recomputed here with
numpy (the block means and the division by 255 done independently of the library).
"""

import json

import numpy as np
import pytest
from test_cli import last_json, one_line_error, run
from test_mnist import SPLIT, needs_split, write_digits

from nodewise.mnist import ENVIRONMENT_VARIABLE
from nodewise.model_io import load_model

FAST = ["--hidden", "8", "--epochs", "6", "--no-progress", "--learning-rate", "0.05"]


@pytest.fixture(autouse=True)
def no_environment_directory(monkeypatch):
    """The Makefile sets NODEWISE_MNIST_DIR; tests that want it set it themselves."""
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)


def squares(count, seed):
    """``count`` 28 x 28 images: digit k is an 8 x 8 square of ink at (4 + 10 (k // 5), 1 + 5 (k % 5))."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % 10
    images = rng.integers(0, 40, (count, 28, 28))
    for image, k in zip(images, labels):
        row, column = 4 + 10 * (k // 5), 1 + 5 * (k % 5)
        image[row : row + 8, column : column + 8] = 255
    return images.astype(np.uint8), labels.astype(np.uint8)


@pytest.fixture
def mnist_dir(tmp_path):
    train_images, train_labels = squares(200, seed=1)
    test_images, test_labels = squares(50, seed=2)
    arrays = {
        "train_images": train_images,
        "train_labels": train_labels,
        "test_images": test_images,
        "test_labels": test_labels,
    }
    write_digits(tmp_path / "digits", arrays)
    return tmp_path / "digits", arrays


def probabilities_by_hand(model, images, factor):
    """The network's outputs for images: block means, flattened, divided by 255."""
    count, side = len(images), 28 // factor
    means = images.astype(float).reshape(count, side, factor, side, factor).mean(axis=(2, 4))
    return [model.network.forward(list(row)) for row in (means.reshape(count, -1) / 255.0)]


@pytest.mark.parametrize(("factor", "inputs"), [(2, 196), (1, 784)])
def test_train_evaluate_predict_on_mnist_files(capsys, tmp_path, mnist_dir, factor, inputs):
    directory, arrays = mnist_dir
    model_path = str(tmp_path / "model.json")
    where = ["--data", "mnist", "--mnist-dir", str(directory)]
    code, out, err = run(
        capsys, "train", *where, *FAST, "--downsample", str(factor), "--save", model_path, "--json"
    )
    assert code == 0, err
    result = last_json(out)
    assert result["shape"] == [inputs, 8, 10]
    assert (result["train_samples"], result["test_samples"]) == (200, 50)
    model = load_model(model_path)
    assert model.data["downsample"] == factor
    outputs = probabilities_by_hand(model, arrays["test_images"], factor)
    predicted = [int(np.argmax(y)) for y in outputs]
    accuracy = float(np.mean(np.array(predicted) == arrays["test_labels"]))
    assert result["test_accuracy"] == pytest.approx(accuracy)
    assert accuracy > 0.9  # the squares are easy: a network that learned anything separates them

    code, out, err = run(capsys, "evaluate", "--model", model_path, *where, "--json")
    assert code == 0, err
    evaluation = last_json(out)
    assert (evaluation["part"], evaluation["samples"]) == ("test", 50)
    assert evaluation["accuracy"] == pytest.approx(accuracy)
    expected_matrix = np.zeros((10, 10), dtype=int)
    np.add.at(expected_matrix, (arrays["test_labels"], predicted), 1)
    assert evaluation["confusion_matrix"] == expected_matrix.tolist()

    code, out, err = run(capsys, "predict", "--model", model_path, *where)
    assert code == 0, err
    assert out.split() == [str(k) for k in predicted]


def test_the_directory_can_come_from_the_environment(capsys, monkeypatch, mnist_dir):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(mnist_dir[0]))
    code, out, err = run(capsys, "train", "--data", "mnist", *FAST, "--epochs", "1", "--json")
    assert code == 0, err
    assert last_json(out)["train_samples"] == 200


def test_a_corrupt_file_ends_with_one_line_naming_it(capsys, mnist_dir):
    directory, _ = mnist_dir
    broken = directory / "train-images-idx3-ubyte.gz"
    broken.write_bytes(broken.read_bytes()[:100])
    err = one_line_error(capsys, "train", "--data", "mnist", "--mnist-dir", str(directory), *FAST)
    assert str(broken) in err and "is not a valid gzip file" in err


def test_missing_files_say_where_they_were_looked_for_and_how_to_get_them(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    err = one_line_error(capsys, "train", "--data", "mnist", *FAST)
    assert f"not found in {tmp_path / 'cache' / 'nodewise' / 'mnist'} (from the cache directory)" in err
    assert "Add --download" in err and "--mnist-dir DIR" in err
    assert "load_mnist" not in err  # the command line's flags, not the Python API
    err = one_line_error(capsys, "train", "--data", "mnist", "--mnist-dir", str(tmp_path / "mine"), *FAST)
    assert f"not found in {tmp_path / 'mine'} (from --mnist-dir)" in err
    assert not (tmp_path / "cache").exists()  # nothing downloaded, nothing created


def test_evaluating_on_mnist_needs_a_model_of_its_width(capsys, tmp_path, mnist_dir):
    model_path = str(tmp_path / "digits.json")
    code, _, err = run(capsys, "train", "--data", "digits", *FAST, "--epochs", "1", "--save", model_path)
    assert code == 0, err
    err = one_line_error(
        capsys, "evaluate", "--model", model_path, "--data", "mnist", "--mnist-dir", str(mnist_dir[0])
    )
    assert "has 784 features but the model expects 64" in err


@needs_split
def test_one_epoch_on_the_real_subset(capsys):
    code, out, err = run(
        capsys, "train", "--data", "mnist", "--mnist-dir", str(SPLIT), "--epochs", "1", "--hidden", "16",
        "--no-progress", "--json",
    )  # fmt: skip
    assert code == 0, err
    result = json.loads(out)
    assert (result["train_samples"], result["test_samples"]) == (8000, 2000)
    assert result["test_accuracy"] > 0.85  # one pass of a small network; the full recipe passes 95%


def test_mnist_has_its_own_defaults_and_explicit_flags_win(capsys, mnist_dir):
    where = ["--data", "mnist", "--mnist-dir", str(mnist_dir[0]), "--no-progress", "--json"]
    code, out, err = run(capsys, "train", *where)
    assert code == 0, err
    result = last_json(out)
    assert result["shape"] == [196, 64, 10]
    assert (result["epochs"], result["learning_rate"], result["weight_decay"]) == (10, 0.01, 0.001)
    code, out, err = run(capsys, "train", *where, "--epochs", "1", "--weight-decay", "0", "--hidden", "5")
    assert code == 0, err
    result = last_json(out)
    assert (result["shape"], result["epochs"], result["weight_decay"]) == ([196, 5, 10], 1, 0.0)
