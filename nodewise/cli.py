"""The command line: ``nodewise train``, ``nodewise predict`` and ``nodewise evaluate``.

    nodewise train --data digits                       # the defaults reach about 98% on the test part
    nodewise train --data mnist --mnist-dir DIR        # real MNIST: its own training and test files
    nodewise train --data my.csv --save model.json     # your own table: target in the last column
    nodewise predict --model model.json --data new.csv
    nodewise evaluate --model model.json --data test.csv
    nodewise train --data digits --engine matrix       # the same network as matrices: faster

With ``--json`` the last line of standard output is one JSON object (the progress bar,
if any, goes to standard error). Any error prints one line to standard error and exits
with a non-zero status. A reader that stops early (``nodewise predict ... | head``) ends
the output quietly, with status 141 (128 + SIGPIPE) as other command-line tools do.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from nodewise import datasets, metrics, preprocessing
from nodewise.activations import HIDDEN_ACTIVATIONS
from nodewise.datasets import Standardizer
from nodewise.mnist import MnistError, MnistFilesMissing
from nodewise.model_io import ENGINES, Model, check_save_path, load_model, save_model
from nodewise.training import train

DEFAULTS = {
    "hidden": [128],
    "activation": "relu",
    "learning_rate": 0.02,
    "regression_learning_rate": 0.005,
    "batch_size": 8,
    "momentum": 0.9,
    "weight_decay": 0.001,
    "test_size": 0.2,
}
"""Tuned on the 8x8 digits (see benchmarks/digits_accuracy.py), and checked on small tables.

Regression takes smaller steps: its output error y - t has no bound (a softmax's lies
between -1 and 1), and at the classification rate it can grow from step to step."""

SAMPLES_PER_RUN = 20_000
"""Without --epochs, train for as many epochs as it takes to show the network about this
many samples (at least one epoch): 14 epochs of the digits' 1,438 training samples, but
many more for a table of 100 rows, which needs more passes to learn as much."""


def default_epochs(train_samples: int) -> int:
    """ceil(SAMPLES_PER_RUN / training samples)."""
    return max(1, math.ceil(SAMPLES_PER_RUN / train_samples))


MNIST = "mnist"

MNIST_DEFAULTS = {"hidden": [64], "epochs": 10, "learning_rate": 0.01, "weight_decay": 0.001, "downsample": 2}
"""The recipe for ``--data mnist``, chosen for the node engine's speed: 2 x 2 downsampling
(784 -> 196 inputs), one hidden layer of 64 relu units, 10 epochs, a learning rate of 0.01
and weight decay 0.001 (the 8x8 digits' settings make the accuracy jump by a point from one
epoch to the next); batch size and momentum are those of DEFAULTS. Trained on 8,000
digits, it passes 95% test accuracy in a few minutes on one core."""


# --- arguments ----------------------------------------------------------------------------


class UsageError(Exception):
    """A bad command line: reported as one line, exit status 2."""


class Parser(argparse.ArgumentParser):
    """argparse, but an error raises UsageError instead of printing the usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see {self.prog} --help)")


def _number_type(kind: type, test: Callable[[Any], bool], expected: str) -> Callable[[str], Any]:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            value = None
        if value is None or not test(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {expected}")
        return value

    return parse


positive_int = _number_type(int, lambda v: v >= 1, "a positive whole number")
seed_type = _number_type(int, lambda v: 0 <= v < 2**32, "a whole number from 0 to 2**32 - 1")
positive_float = _number_type(float, lambda v: 0.0 < v < math.inf, "a positive number")
fraction = _number_type(float, lambda v: 0.0 < v < 1.0, "a number between 0 and 1")
momentum_type = _number_type(float, lambda v: 0.0 <= v < 1.0, "a number in [0, 1), such as 0.9")
nonnegative_float = _number_type(float, lambda v: 0.0 <= v < math.inf, "zero or a positive number")


def hidden_layers(text: str) -> list[int]:
    """'128' or '32,16' -> [128] or [32, 16]: the widths of the hidden layers."""
    parse = _number_type(int, lambda v: v >= 1, "a positive whole number")
    try:
        return [parse(part) for part in text.split(",")]
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a list of layer widths such as 128 or 32,16"
        ) from None


def target_column(text: str) -> int | str:
    """A column index such as -1 (the last) or a header name."""
    try:
        return int(text)
    except ValueError:
        return text


DATA_HELP = f"{', '.join(datasets.BUILTIN)}, {MNIST} (see --mnist-dir), or the path of a CSV file"


def build_parser() -> Parser:
    parser = Parser(prog="nodewise", description="Neural networks, built one node at a time.")
    commands = parser.add_subparsers(title="commands", dest="command", required=True, metavar="COMMAND")

    trainer = commands.add_parser("train", help="train a network and measure it on a held-out test part")
    trainer.add_argument("--data", required=True, help=DATA_HELP)
    trainer.add_argument(
        "--hidden",
        type=hidden_layers,
        help=f"hidden layer widths, e.g. 32 or 32,16 (default: 128; {MNIST_DEFAULTS['hidden'][0]} for mnist)",
    )
    trainer.add_argument(
        "--activation",
        choices=HIDDEN_ACTIVATIONS,
        default=DEFAULTS["activation"],
        help="default: %(default)s",
    )
    trainer.add_argument(
        "--epochs",
        type=positive_int,
        help=f"passes over the training data (default: enough to see about {SAMPLES_PER_RUN:,} samples; "
        f"{MNIST_DEFAULTS['epochs']} for mnist)",
    )
    trainer.add_argument(
        "--learning-rate",
        type=positive_float,
        help=f"step size (default: {DEFAULTS['learning_rate']}; {DEFAULTS['regression_learning_rate']} "
        f"for regression, {MNIST_DEFAULTS['learning_rate']} for mnist)",
    )
    trainer.add_argument(
        "--batch-size", type=positive_int, default=DEFAULTS["batch_size"], help="default: %(default)s"
    )
    trainer.add_argument(
        "--momentum", type=momentum_type, default=DEFAULTS["momentum"], help="default: %(default)s"
    )
    trainer.add_argument(
        "--weight-decay",
        type=nonnegative_float,
        help=f"default: {DEFAULTS['weight_decay']}",
    )
    trainer.add_argument(
        "--seed",
        type=seed_type,
        default=0,
        help="seeds the data, split, initial weights and shuffling (default: %(default)s)",
    )
    trainer.add_argument(
        "--test-size",
        type=fraction,
        default=DEFAULTS["test_size"],
        help="fraction of the data held out for testing (default: %(default)s; mnist has its own test files)",
    )
    trainer.add_argument(
        "--task",
        choices=datasets.TASKS,
        default="auto",
        help="for CSV files: classification, regression, or auto (decided from the target)",
    )
    trainer.add_argument(
        "--target",
        type=target_column,
        default=-1,
        help="for CSV files: the target column, by index or header name (default: -1, the last)",
    )
    trainer.add_argument(
        "--downsample",
        type=int,
        choices=(1, 2, 4),
        default=MNIST_DEFAULTS["downsample"],
        help="for mnist: average each block of 2 x 2 (or 4 x 4) pixels, 28 x 28 -> 14 x 14 (or 7 x 7); "
        "1 keeps every pixel (default: %(default)s)",
    )
    _add_mnist_flags(trainer)
    trainer.add_argument("--save", metavar="MODEL.json", help="write the trained model to this JSON file")
    _add_output_flags(trainer)
    _add_engine_flag(trainer)
    trainer.add_argument("--no-progress", action="store_true", help="no progress bar")
    trainer.set_defaults(run=run_train)

    _add_model_command(
        commands,
        "predict",
        "predict with a saved model, one line per sample",
        f"a CSV file (with or without the target column), or {MNIST} for its test images",
        run_predict,
    )
    _add_model_command(
        commands,
        "evaluate",
        "measure a saved model: accuracy, loss, confusion matrix, precision, recall, F1",
        f"{DATA_HELP}; for the built-in set the model was trained on, its held-out test part",
        run_evaluate,
    )
    return parser


def _add_model_command(commands: Any, name: str, help: str, data_help: str, run: Any) -> None:
    """A command that loads a saved model and runs it on data: predict and evaluate."""
    command = commands.add_parser(name, help=help)
    command.add_argument("--model", required=True, metavar="MODEL.json")
    command.add_argument("--data", required=True, help=data_help)
    _add_mnist_flags(command)
    _add_output_flags(command)
    _add_engine_flag(command)
    command.set_defaults(run=run)


def _add_output_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="end standard output with one JSON object")


def _add_engine_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--engine",
        choices=ENGINES,
        default="node",
        help="node: one node at a time, as built in the notebooks (default); matrix: the same network "
        "as numpy matrices over whole mini-batches, with the same results, many times faster",
    )


def _add_mnist_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mnist-dir",
        metavar="DIR",
        help="for mnist: the directory of its four IDX files (default: $NODEWISE_MNIST_DIR, else the "
        "cache ~/.cache/nodewise/mnist)",
    )
    parser.add_argument(
        "--download",
        action="store_true",
        help="for mnist: download the files missing from that directory (about 11 MB, checked by SHA-256)",
    )


# --- the commands ---------------------------------------------------------------------------


def _show(args: argparse.Namespace, lines: list[str], result: dict[str, Any]) -> None:
    """Print the human-readable lines, or with --json only the JSON object."""
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(lines))


def training_settings(args: argparse.Namespace, regression: bool, train_samples: int) -> dict[str, Any]:
    """The settings handed to :func:`nodewise.train`: the flags, with the defaults filled in."""
    defaults = {
        "epochs": default_epochs(train_samples),
        "learning_rate": DEFAULTS["regression_learning_rate" if regression else "learning_rate"],
        "weight_decay": DEFAULTS["weight_decay"],
    }
    if args.data == MNIST:
        defaults = {key: MNIST_DEFAULTS[key] for key in defaults}
    return {
        "epochs": args.epochs or defaults["epochs"],
        "learning_rate": args.learning_rate or defaults["learning_rate"],
        "batch_size": args.batch_size,
        "momentum": args.momentum,
        "weight_decay": defaults["weight_decay"] if args.weight_decay is None else args.weight_decay,
    }


Part = tuple[datasets.Inputs, datasets.Labels]
"""(inputs, labels) of one part of a data set."""


def read_mnist(args: argparse.Namespace, splits: tuple[str, ...], factor: int) -> tuple[str, list[Part]]:
    """(where the digits came from, [(inputs, labels) of each split]) for ``--data mnist``.

    Each input is one image's grey levels (0 to 255), averaged over factor x factor blocks
    and flattened row by row: 784 numbers, or 196 with factor 2. The directory is
    --mnist-dir, else NODEWISE_MNIST_DIR, else the cache; files are downloaded only with
    --download. Any problem with the files raises MnistError (a ValueError) naming the file.
    """
    try:
        mnist = datasets.load_mnist(args.mnist_dir, splits=splits, download=args.download)
    except MnistFilesMissing as error:
        raise MnistError(
            f"MNIST files not found in {error.directory} (from "
            f"{'--mnist-dir' if args.mnist_dir else error.found_via}): {', '.join(error.missing)}. "
            "Add --download to download them there (each checked by SHA-256), or point "
            "--mnist-dir DIR at a directory that holds them."
        ) from None
    except MnistError as error:
        raise MnistError(f"{error} (On the command line, --mnist-dir DIR names the directory.)") from None
    parts = []
    for split in splits:
        images = getattr(mnist, f"{split}_images")
        if factor > 1:
            images = preprocessing.downsample(images, factor)
        inputs = preprocessing.to_lists(preprocessing.flatten(images))
        parts.append((inputs, getattr(mnist, f"{split}_labels").tolist()))
    return f"MNIST from {mnist.source}", parts


def pixel_scaling(features: int) -> Standardizer:
    """Grey levels x -> x / 255 (means 0, scales 255): inputs in [0, 1], as preprocessing.scale_pixels."""
    return Standardizer([0.0] * features, [255.0] * features)


def training_data(args: argparse.Namespace) -> tuple[datasets.Dataset, Part, Part]:
    """(the data set, its training part, its test part): MNIST's own files, or a random split."""
    if args.data == MNIST:
        name, (train_part, test_part) = read_mnist(args, ("train", "test"), args.downsample)
        return datasets.Dataset(name, *train_part, [str(k) for k in range(10)]), train_part, test_part
    data = datasets.load(args.data, seed=args.seed, task=args.task, target=args.target)
    if not data.is_regression and len(set(data.labels)) < 2:
        raise ValueError(f"{data.name} has only one class: a classifier needs at least two")
    train_part, test_part = datasets.split(
        data.inputs, data.labels, (1.0 - args.test_size, args.test_size), seed=args.seed
    )
    return data, train_part, test_part


def run_train(args: argparse.Namespace) -> None:
    if args.save:
        check_save_path(args.save)  # before training, not after: a typo should cost no time
    data, train_part, test_part = training_data(args)
    info = {"dataset": args.data, "seed": args.seed, "test_size": args.test_size, "target": args.target}
    scaling = None
    if args.data == MNIST:
        info.update(downsample=args.downsample, test_size=None)
        scaling = pixel_scaling(len(train_part[0][0]))
    hidden = args.hidden or (MNIST_DEFAULTS if args.data == MNIST else DEFAULTS)["hidden"]
    model = Model.create(data, *train_part, hidden, args.activation, args.seed, info, scaling)
    model.use_engine(args.engine)
    settings = training_settings(args, data.is_regression, len(train_part[0]))
    history = train(
        model.network,
        model.prepare(train_part[0]),
        model.encode(train_part[1]),
        **settings,
        seed=args.seed,
        progress=not args.no_progress,
    )
    train_scores, test_scores = model.scores(*train_part), model.scores(*test_part)
    if args.save:
        save_model(model, args.save)
    result = {
        "dataset": args.data,
        "engine": args.engine,
        "task": "regression" if data.is_regression else "classification",
        "shape": model.network.shape,
        "activation": args.activation,
        **settings,
        "seed": args.seed,
        "train_samples": len(train_part[0]),
        "test_samples": len(test_part[0]),
        "train_seconds": sum(history.seconds),
        "samples_per_second": history.samples_per_second,
        "saved": args.save,
    }
    for part, scores in (("train", train_scores), ("test", test_scores)):
        result.update({f"{part}_{name}": value for name, value in scores.items()})
    _show(args, _train_lines(data, result), result)


def _train_lines(data: datasets.Dataset, result: dict[str, Any]) -> list[str]:
    """The human-readable report of ``nodewise train``."""
    kind = "regression" if data.is_regression else f"{len(data.class_names)} classes"
    lines = [
        f"{data.name}: {result['train_samples'] + result['test_samples']} samples, "
        f"{result['shape'][0]} features, {kind}; "
        f"trained on {result['train_samples']}, tested on {result['test_samples']}",
        f"network {result['shape']} ({result['activation']} hidden), {result['epochs']} epochs, batch size "
        f"{result['batch_size']}, learning rate {result['learning_rate']}, momentum {result['momentum']}, "
        f"weight decay {result['weight_decay']}",
        f"trained in {result['train_seconds']:.1f} s ({result['samples_per_second']:,.0f} samples/s, "
        f"{result['engine']} engine)",
    ]
    if data.is_regression:
        lines.append(f"train mse {result['train_mse']:.4g}, test mse {result['test_mse']:.4g}")
    else:
        lines.append(
            f"train accuracy {result['train_accuracy']:.4f}, test accuracy {result['test_accuracy']:.4f}, "
            f"test loss {result['test_loss']:.4f}"
        )
    if result["saved"]:
        lines.append(f"saved the model to {result['saved']}")
    return lines


def run_predict(args: argparse.Namespace) -> None:
    model = load_model(args.model)
    model.use_engine(args.engine)
    features = model.network.shape[0]
    if args.data == MNIST:
        _, [(inputs, _)] = read_mnist(args, ("test",), model.data.get("downsample", 1))
    elif args.data in datasets.BUILTIN:
        inputs = datasets.load(args.data).inputs
    else:
        inputs = datasets.read_csv_inputs(args.data, features, target=model.data.get("target", -1))
    predicted = model.predict(inputs)
    if not model.is_regression:
        predicted = [model.class_names[k] for k in predicted]
    result = {
        "model": args.model,
        "data": args.data,
        "engine": args.engine,
        "samples": len(predicted),
        "predictions": predicted,
    }
    _show(args, [str(p) for p in predicted], result)


def evaluation_data(
    model: Model, name: str
) -> tuple[datasets.Dataset, datasets.Inputs, datasets.Labels, str]:
    """The data to measure: for the built-in set the model was trained on, the same held-out
    test part (same seed and test size); otherwise every sample of ``name``."""
    trained_on = model.data.get("dataset")
    seed = model.data.get("seed", 0)
    if name in datasets.BUILTIN:
        data = datasets.load(name, seed=seed if isinstance(seed, int) else 0)
    else:
        task = "regression" if model.is_regression else "classification"
        data = datasets.read_csv(name, target=model.data.get("target", -1), task=task)
        features, width = model.network.shape[0], len(data.inputs[0])
        if width != features:
            raise ValueError(
                f"{data.name} has {width} input(s) per sample besides the target, but the model takes "
                f"{features}: evaluate needs each sample's inputs and its target (in the column the model "
                "was trained with, by default the last); for rows without a target, use nodewise predict"
            )
    labels = model.labels_for(data)
    test_size = model.data.get("test_size")
    if name in datasets.BUILTIN and name == trained_on and isinstance(test_size, float) and 0 < test_size < 1:
        _, (inputs, labels) = datasets.split(data.inputs, labels, (1.0 - test_size, test_size), seed=seed)
        return data, inputs, labels, "test"
    return data, data.inputs, labels, "all"


def mnist_test_part(
    args: argparse.Namespace, model: Model
) -> tuple[datasets.Dataset, datasets.Inputs, datasets.Labels, str]:
    """MNIST's test digits, downsampled as the model's were when it was trained."""
    name, [(inputs, labels)] = read_mnist(args, ("test",), model.data.get("downsample", 1))
    data = datasets.Dataset(name, inputs, labels, [str(k) for k in range(10)])
    return data, inputs, model.labels_for(data), "test"


def run_evaluate(args: argparse.Namespace) -> None:
    model = load_model(args.model)
    model.use_engine(args.engine)
    if args.data == MNIST:
        data, inputs, labels, part = mnist_test_part(args, model)
    else:
        data, inputs, labels, part = evaluation_data(model, args.data)
    scores = model.scores(inputs, labels)
    result: dict[str, Any] = {
        "model": args.model,
        "dataset": args.data,
        "engine": args.engine,
        "part": part,
        "samples": len(inputs),
    }
    described = (
        f"{data.name} ({'the held-out test part' if part == 'test' else 'all samples'}, {len(inputs)})"
    )
    if model.is_regression:
        result["mse"] = scores["mse"]
        _show(args, [f"{described}: mse {scores['mse']:.4g}"], result)
        return
    predicted = model.predict(inputs)
    classes = len(model.class_names)
    precision, recall, f1 = metrics.precision_recall_f1(labels, predicted, classes)
    result.update(
        accuracy=scores["accuracy"],
        loss=scores["loss"],
        class_names=model.class_names,
        confusion_matrix=metrics.confusion_matrix(labels, predicted, classes),
        precision=precision,
        recall=recall,
        f1=f1,
    )
    lines = [
        f"{described}: accuracy {scores['accuracy']:.4f}, loss {scores['loss']:.4f}",
        "",
        f"{'class':>12} {'precision':>9} {'recall':>9} {'f1':>9}",
    ]
    for name, p, r, f in zip(model.class_names, precision, recall, f1):
        lines.append(f"{name:>12} {p:9.4f} {r:9.4f} {f:9.4f}")
    lines += ["", "confusion matrix (rows: true class, columns: predicted class):"]
    lines += [" ".join(f"{count:4d}" for count in row) for row in result["confusion_matrix"]]
    _show(args, lines, result)


def _error(error: Exception) -> None:
    """One line on standard error, whatever the message holds."""
    print("nodewise: error: " + " ".join(str(error).split()), file=sys.stderr)


def check_data_name(name: str, command: str) -> None:
    """--data is a built-in set, mnist, or a CSV path; anything else is a clear usage error."""
    if name == MNIST or name in datasets.BUILTIN or name.lower().endswith(".csv") or os.path.exists(name):
        return
    names = (MNIST, *datasets.BUILTIN)
    suggestion = f" (names are lower case: {name.lower()})" if name.lower() in names else ""
    raise UsageError(
        f"unknown data set {name!r}{suggestion}: expected {DATA_HELP} (see nodewise {command} --help)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status.

    0 success, 1 error, 2 usage, 130 interrupted, 141 the reader closed the output early.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        check_data_name(args.data, args.command)
        args.run(args)
        sys.stdout.flush()  # a closed pipe shows up here, not at exit
    except BrokenPipeError:
        # Send whatever is still buffered to nowhere, so that Python's flush at exit is quiet too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except SystemExit as done:  # --help and --version print and stop
        return done.code or 0
    except UsageError as error:
        _error(error)
        return 2
    except (ValueError, TypeError, OSError) as error:
        _error(error)
        return 1
    except KeyboardInterrupt:
        print("nodewise: interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
