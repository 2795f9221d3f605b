"""The matrix engine against PyTorch on the CPU, and against the node engine, on MNIST.

Run: .venv/bin/python benchmarks/matrix_speed.py [--mnist-dir DIR] [--repeats N] [--full-recipe]

The task: 784-128-10, relu, softmax with cross-entropy, SGD with momentum 0.9, learning
rate 0.05, mini-batches of 64, 10 epochs, pixels scaled to [0, 1], reshuffled every
epoch with a seed, on the MNIST files in DIR (default: $NODEWISE_MNIST_DIR; this
checkout's Makefile points it at the 8,000/2,000 layout in ../shared/data/mnist-split).
Every engine starts from the same initial parameters and sees the same mini-batches.
PyTorch is used only when it is installed; it is never a dependency of nodewise.

Times are training only (no evaluation), the best of ``--repeats`` runs, the engines
taking turns so that background load falls on all of them alike. The node engine is
timed on part of one epoch and extrapolated, as the output says.

Threads: by default numpy's BLAS and PyTorch each get one thread, the most repeatable
setting (``--threads 1 0`` adds a run with the libraries' own defaults). On a machine
shared with other work, multithreaded BLAS on small matrices can stall for whole
seconds while one of its threads waits for a core, so such runs measure the machine.

``--full-recipe`` also times a recipe aimed at >= 98% on the full 60,000/10,000 MNIST
(a wider hidden layer, more epochs, a falling learning rate) on the files at hand, and
extrapolates its cost to 60,000 samples per epoch.
"""

from __future__ import annotations

import argparse
import os
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

from nodewise import Network
from nodewise.matrix import MatrixNetwork
from nodewise.mnist import load_mnist
from nodewise.preprocessing import one_hot, prepare

try:
    import torch
except ImportError:
    torch = None


# --- data ------------------------------------------------------------------------------------


def load_data(directory: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Training and test images as (samples, 784) floats in [0, 1], and their labels as int64."""
    mnist = load_mnist(directory)
    train, _ = prepare(mnist.train_images, mnist.train_labels)
    test, _ = prepare(mnist.test_images, mnist.test_labels)
    return train, mnist.train_labels.astype(np.int64), test, mnist.test_labels.astype(np.int64)


def batches(samples: int, batch_size: int, epoch_seed: np.random.Generator):
    """The mini-batches of one epoch: index arrays of a fresh shuffle."""
    order = epoch_seed.permutation(samples)
    return [order[start : start + batch_size] for start in range(0, samples, batch_size)]


def learning_rates(rate: float, epochs: int, schedule: str) -> list[float]:
    """The learning rate of each epoch: constant, or falling linearly towards rate / epochs."""
    if schedule == "constant":
        return [rate] * epochs
    return [rate * (epochs - epoch) / epochs for epoch in range(epochs)]


# --- the engines -----------------------------------------------------------------------------


def train_matrix(data, config, dtype):
    """Train a MatrixNetwork; return (seconds per epoch, test accuracy)."""
    train, labels, test, test_labels = data
    net = MatrixNetwork([784, config.hidden, 10], "relu", "softmax", seed=config.seed, dtype=dtype)
    X, T = train.astype(dtype), one_hot(labels).astype(dtype)
    shuffles = np.random.default_rng(config.seed)
    seconds = []
    for rate in learning_rates(config.learning_rate, config.epochs, config.schedule):
        start = time.perf_counter()
        for batch in batches(len(X), config.batch_size, shuffles):
            net.forward(X[batch])
            net.backward(T[batch])
            net.step(rate, momentum=config.momentum)
        seconds.append(time.perf_counter() - start)
    accuracy = np.mean(net.forward(test.astype(dtype)).argmax(axis=1) == test_labels)
    return seconds, accuracy


def train_torch(data, config, dtype):
    """The same MLP, start, batches and updates in PyTorch; return (seconds per epoch, test accuracy).

    torch.optim.SGD keeps v = momentum * v + g and moves by -rate * v: with a constant rate
    that is our v = momentum * v - rate * g, scaled by -rate.
    """
    train, labels, test, test_labels = data
    torch_dtype = torch.float32 if dtype == np.float32 else torch.float64
    start = MatrixNetwork([784, config.hidden, 10], "relu", "softmax", seed=config.seed, dtype=dtype)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, config.hidden), torch.nn.ReLU(), torch.nn.Linear(config.hidden, 10)
    ).to(torch_dtype)
    with torch.no_grad():
        for linear, W, b in zip((model[0], model[2]), start.weights, start.biases):
            linear.weight.copy_(torch.from_numpy(W))
            linear.bias.copy_(torch.from_numpy(b))
    optimizer = torch.optim.SGD(model.parameters(), lr=config.learning_rate, momentum=config.momentum)
    loss_function = torch.nn.CrossEntropyLoss()
    X, y = torch.from_numpy(train.astype(dtype)), torch.from_numpy(labels)
    shuffles = np.random.default_rng(config.seed)
    seconds = []
    for rate in learning_rates(config.learning_rate, config.epochs, config.schedule):
        for group in optimizer.param_groups:
            group["lr"] = rate
        begin = time.perf_counter()
        for batch in batches(len(X), config.batch_size, shuffles):
            index = torch.from_numpy(batch)
            optimizer.zero_grad()
            loss_function(model(X[index]), y[index]).backward()
            optimizer.step()
        seconds.append(time.perf_counter() - begin)
    with torch.no_grad():
        predictions = model(torch.from_numpy(test.astype(dtype))).argmax(dim=1).numpy()
    return seconds, np.mean(predictions == test_labels)


def node_samples_per_second(data, config, samples):
    """Per-sample forward and backward with a step per mini-batch, on the first ``samples`` digits."""
    train, labels = data[0][:samples].tolist(), one_hot(data[1][:samples]).tolist()
    net = Network([784, config.hidden, 10], "relu", "softmax", seed=config.seed)
    start = time.perf_counter()
    for begin in range(0, samples, config.batch_size):
        for x, t in zip(train[begin : begin + config.batch_size], labels[begin : begin + config.batch_size]):
            net.forward(x)
            net.backward(t)
        net.step(config.learning_rate, momentum=config.momentum)
    return samples / (time.perf_counter() - start)


# --- reporting --------------------------------------------------------------------------------


def best_runs(engines, data, config, repeats):
    """Run each engine ``repeats`` times, taking turns; keep each one's fastest run."""
    best = {}
    for _ in range(repeats):
        for name, (train, dtype) in engines.items():
            seconds, accuracy = train(data, config, dtype)
            if name not in best or sum(seconds) < sum(best[name][0]):
                best[name] = (seconds, accuracy)
    return best


def report(best, samples):
    for name, (seconds, accuracy) in best.items():
        total = sum(seconds)
        print(
            f"  {name:17} {total:6.2f} s training ({total / len(seconds):.3f} s/epoch, "
            f"{1e6 * total / (len(seconds) * samples):5.1f} us/sample)  test accuracy {100 * accuracy:.2f}%"
        )


def engines_to_compare(include_torch: bool):
    engines = {"matrix float32": (train_matrix, np.float32), "matrix float64": (train_matrix, np.float64)}
    if include_torch:
        engines |= {
            "pytorch float32": (train_torch, np.float32),
            "pytorch float64": (train_torch, np.float64),
        }
    return engines


@contextmanager
def threads(count: int):
    """Let numpy's BLAS and PyTorch use ``count`` threads each (0: the libraries' own defaults)."""
    if count == 0:
        yield
        return
    default = torch.get_num_threads() if torch else 0
    with threadpool_limits(count, user_api="blas"):
        if torch:
            torch.set_num_threads(count)
        try:
            yield
        finally:
            if torch:
                torch.set_num_threads(default)


def describe_threads(count: int) -> str:
    if count:
        return f"{count} thread{'s' if count > 1 else ''} each"
    blas = max((pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"), default=1)
    pytorch = f", PyTorch {torch.get_num_threads()}" if torch else ""
    return f"the libraries' default threads (numpy's BLAS {blas}{pytorch})"


def compare_with_pytorch(data, task, repeats: int, thread_counts: list[int]):
    """The task on every engine, for each thread setting; return the float64 matrix engine's seconds."""
    samples = len(data[0])
    seconds64 = {}
    for count in thread_counts:
        print(f"{describe_threads(count)}, best of {repeats} runs:")
        with threads(count):
            best = best_runs(engines_to_compare(torch is not None), data, task, repeats)
        report(best, samples)
        for bits in ("32", "64") if torch else ():
            ours, theirs = sum(best[f"matrix float{bits}"][0]), sum(best[f"pytorch float{bits}"][0])
            print(
                f"  float{bits}: PyTorch time / matrix time = {theirs / ours:.2f} (above 1: matrix is faster)"
            )
        seconds64[count] = sum(best["matrix float64"][0])
    return seconds64


def compare_with_node_engine(data, task, node_samples: int, matrix_seconds: float) -> None:
    samples = len(data[0])
    with threads(1):
        node_rate = node_samples_per_second(data, task, node_samples)
    node_seconds = task.epochs * samples / node_rate
    print(
        f"node engine (plain Python, one thread): {node_rate:.0f} samples/s, timed on {node_samples} samples "
        f"and extrapolated to {task.epochs} epochs of {samples}: about {node_seconds:.0f} s, "
        f"{node_seconds / matrix_seconds:.0f} times the matrix engine's {matrix_seconds:.2f} s "
        "(float64, one thread)"
    )


def full_recipe(data, repeats: int, thread_counts: list[int]) -> None:
    samples = len(data[0])
    recipe = argparse.Namespace(
        hidden=512, epochs=20, batch_size=64, learning_rate=0.1, momentum=0.9, schedule="linear", seed=0
    )
    print(
        f"recipe for full MNIST: 784-{recipe.hidden}-10 relu/softmax, SGD momentum {recipe.momentum}, "
        f"rate {recipe.learning_rate} falling linearly, batch {recipe.batch_size}, {recipe.epochs} epochs"
    )
    for count in thread_counts:
        print(f"{describe_threads(count)}, best of {repeats} runs, measured on these {samples} digits:")
        with threads(count):
            best = best_runs(engines_to_compare(False), data, recipe, repeats)
        report(best, samples)
        for name, (seconds, _) in best.items():
            per_sample = sum(seconds) / (len(seconds) * samples)
            print(
                f"  {name}: extrapolated to 60,000 digits per epoch: {60000 * per_sample:.2f} s/epoch, "
                f"{recipe.epochs * 60000 * per_sample:.0f} s for {recipe.epochs} epochs"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist-dir", default=os.environ.get("NODEWISE_MNIST_DIR"), help="MNIST IDX files")
    parser.add_argument("--repeats", type=int, default=3, help="runs per engine (the fastest counts)")
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1],
        help="thread settings to run, e.g. 1 0 (0: library defaults)",
    )
    parser.add_argument("--node-samples", type=int, default=640, help="samples to time the node engine on")
    parser.add_argument("--full-recipe", action="store_true", help="also time the recipe for full MNIST")
    args = parser.parse_args()
    if not args.mnist_dir:
        parser.error("where are the MNIST files? pass --mnist-dir DIR or set NODEWISE_MNIST_DIR")
    data = load_data(Path(args.mnist_dir))
    print(f"MNIST from {args.mnist_dir}: {len(data[0])} training / {len(data[2])} test digits")
    print("784-128-10 relu/softmax, SGD momentum 0.9, rate 0.05, batch 64, 10 epochs, same start and batches")
    if torch is None:
        print("(PyTorch is not installed: only the matrix engine runs)")
    task = argparse.Namespace(
        hidden=128, epochs=10, batch_size=64, learning_rate=0.05, momentum=0.9, schedule="constant", seed=0
    )
    seconds64 = compare_with_pytorch(data, task, args.repeats, sorted(set(args.threads) | {1}))
    compare_with_node_engine(data, task, args.node_samples, seconds64[1])
    if args.full_recipe:
        full_recipe(data, args.repeats, args.threads)


if __name__ == "__main__":
    main()
