"""Test accuracy of `nodewise train --data digits` with its defaults, over seeds 0, 1 and 2.

Run: .venv/bin/python benchmarks/digits_accuracy.py [--seeds 0,1,2] [EXTRA FLAGS...]

Each seed runs the real command line in its own process, exactly as a user would, with
`--json --no-progress` (plus any extra flags, e.g. `--hidden 64`), and reads the JSON
object on its last line. Printed: the test accuracy per seed, the training seconds, the
wall-clock seconds of the whole run (start-up, data, training and testing), and the
mean accuracy. The issue's bar: a mean of at least 98%, each run under a minute.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def nodewise_command() -> list[str]:
    """The installed `nodewise` script beside this Python, or `python -m nodewise.cli`."""
    script = os.path.join(os.path.dirname(sys.executable), "nodewise")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "nodewise.cli"]


def run(seed: int, extra: list[str]) -> tuple[dict, float]:
    flags = ["--data", "digits", "--seed", str(seed), "--json", "--no-progress"]
    command = [*nodewise_command(), "train", *flags]
    start = time.perf_counter()
    done = subprocess.run(command + extra, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"seed {seed} failed: {done.stderr.strip()}")
    return json.loads(done.stdout.strip().splitlines()[-1]), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2", help="comma-separated seeds (default: 0,1,2)")
    args, extra = parser.parse_known_args()
    accuracies = []
    for seed in (int(s) for s in args.seeds.split(",")):
        result, wall = run(seed, extra)
        accuracies.append(result["test_accuracy"])
        if len(accuracies) == 1:
            print(
                f"nodewise train --data digits {' '.join(extra)}: shape {result['shape']}, "
                f"{result['epochs']} epochs, batch size {result['batch_size']}, "
                f"learning rate {result['learning_rate']}, momentum {result['momentum']}, "
                f"weight decay {result['weight_decay']}"
            )
        print(
            f"seed {seed}: test accuracy {result['test_accuracy']:.4f} "
            f"({round(result['test_accuracy'] * result['test_samples'])}/{result['test_samples']}), "
            f"train accuracy {result['train_accuracy']:.4f}, training {result['train_seconds']:.1f} s "
            f"({result['samples_per_second']:,.0f} samples/s), whole run {wall:.1f} s",
            flush=True,
        )
    print(f"mean test accuracy over seeds {args.seeds}: {statistics.mean(accuracies):.4f}")


if __name__ == "__main__":
    main()
