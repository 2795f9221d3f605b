"""Per-sample SGD speed of the node engine against a naive node design.

Run: .venv/bin/python benchmarks/node_engine_speed.py [--rounds N]

Both engines train on scikit-learn's 8x8 digits scaled to [0, 1] with forward,
backward and step after every sample, from the same initial parameters, so they do the
same arithmetic. The naive design is the one a first attempt usually takes: one object
per connection, and a method call on every component for each of forward, error and
update, driven layer by layer over every component. Nothing is special-cased: the input
layer's connections send their error back like every other connection, and the output
nodes hand back the prediction, as ``Network.forward`` does.
"""

from __future__ import annotations

import argparse
import math
import time

from sklearn.datasets import load_digits

from nodewise import Network


class NaiveInput:
    def __init__(self):
        self.output, self.error = 0.0, 0.0

    def forward(self, value):
        self.output = value

    def reset_error(self):
        self.error = 0.0

    def receive_error(self, error):
        self.error += error  # never used, but a first attempt treats every node alike


class NaiveConnection:
    def __init__(self, source, target, weight):
        self.source, self.target, self.weight, self.gradient = source, target, weight, 0.0

    def forward(self):
        self.target.receive(self.weight * self.source.output)

    def backward(self):
        self.source.receive_error(self.weight * self.target.error_signal)
        self.gradient += self.target.error_signal * self.source.output

    def update(self, rate):
        self.weight -= rate * self.gradient
        self.gradient = 0.0


class NaiveNeuron:
    def __init__(self, bias):
        self.bias, self.weighted_sum, self.error_signal, self.bias_gradient = bias, 0.0, 0.0, 0.0

    def reset(self):
        self.weighted_sum = self.bias

    def receive(self, signal):
        self.weighted_sum += signal

    def backward(self, error):
        self.error_signal = error
        self.bias_gradient += error

    def update(self, rate):
        self.bias -= rate * self.bias_gradient
        self.bias_gradient = 0.0


class NaiveRelu:
    def __init__(self, neuron):
        self.neuron, self.output, self.error = neuron, 0.0, 0.0

    def forward(self):
        self.output = max(0.0, self.neuron.weighted_sum)

    def reset_error(self):
        self.error = 0.0

    def receive_error(self, error):
        self.error += error

    def backward(self):
        self.neuron.backward(self.error * (1.0 if self.neuron.weighted_sum > 0.0 else 0.0))


class NaiveSoftmax:
    def __init__(self, neuron, siblings):
        self.neuron, self.siblings, self.output = neuron, siblings, 0.0

    def forward(self):
        top = max(s.weighted_sum for s in self.siblings)
        total = sum(math.exp(s.weighted_sum - top) for s in self.siblings)
        self.output = math.exp(self.neuron.weighted_sum - top) / total


class NaiveOutput:
    def __init__(self, source):
        self.source, self.prediction = source, 0.0

    def forward(self):
        self.prediction = self.source.output
        return self.prediction

    def backward(self, target):
        self.source.neuron.backward(self.source.output - target)


class NaiveNetwork:
    """Input nodes, connections, neurons, nonlinear nodes and output nodes as plain
    objects, each sweep a method call on every component, layer by layer."""

    def __init__(self, net: Network):
        self.inputs = [NaiveInput() for _ in range(net.shape[0])]
        self.neurons, self.nonlinear, self.links = [], [], []
        below = self.inputs
        for layer, (weights, biases) in enumerate(net.parameters()):
            neurons = [NaiveNeuron(b) for b in biases]
            if layer == len(net.shape) - 2:
                nonlinear = [NaiveSoftmax(n, neurons) for n in neurons]
            else:
                nonlinear = [NaiveRelu(n) for n in neurons]
            self.links.append(
                [
                    NaiveConnection(below[i], neurons[j], w)
                    for j, row in enumerate(weights)
                    for i, w in enumerate(row)
                ]
            )
            self.neurons.append(neurons)
            self.nonlinear.append(nonlinear)
            below = nonlinear
        self.outputs = [NaiveOutput(node) for node in below]

    def weights(self):
        return [link.weight for links in self.links for link in links]

    def train_sample(self, x, target, rate):
        for node, value in zip(self.inputs, x):
            node.forward(value)
        for neurons, nonlinear, links in zip(self.neurons, self.nonlinear, self.links):
            for neuron in neurons:
                neuron.reset()
            for link in links:
                link.forward()
            for node in nonlinear:
                node.forward()
        prediction = [node.forward() for node in self.outputs]
        for node, t in zip(self.outputs, target):
            node.backward(t)
        for layer in range(len(self.links) - 1, -1, -1):
            below = self.nonlinear[layer - 1] if layer > 0 else self.inputs
            for node in below:
                node.reset_error()
            for link in self.links[layer]:
                link.backward()
            if layer > 0:
                for node in below:
                    node.backward()
        for neurons, links in zip(self.neurons, self.links):
            for link in links:
                link.update(rate)
            for neuron in neurons:
                neuron.update(rate)
        return prediction


def best_samples_per_second(engines, data, rounds):
    """Train each engine one epoch at a time, taking turns, and keep each one's best epoch.

    Taking turns spreads the machine's background noise evenly over both engines.
    """
    best = [0.0] * len(engines)
    for _ in range(rounds):
        for k, train_one in enumerate(engines):
            start = time.perf_counter()
            for x, t in data:
                train_one(x, t)
            best[k] = max(best[k], len(data) / (time.perf_counter() - start))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="epochs per engine (best one counts)")
    args = parser.parse_args()
    digits = load_digits()
    data = [
        ([float(v) / 16.0 for v in row], [1.0 if k == label else 0.0 for k in range(10)])
        for row, label in zip(digits.data, digits.target)
    ]
    rate = 0.05
    print(f"per-sample SGD on {len(data)} digits, best of {args.rounds} epochs each, rate {rate}")
    for shape in ([64, 32, 10], [64, 10, 10, 10, 10]):
        ours = Network(shape, activation="relu", output="softmax", seed=0)
        naive = NaiveNetwork(ours)

        def train_ours(x, t, net=ours):
            net.forward(x)
            net.backward(t)
            net.step(rate)

        def train_naive(x, t, net=naive):
            net.train_sample(x, t, rate)

        # Same start, same arithmetic: after 200 samples the weights agree to rounding
        # (later, rounding differences can grow through relu kinks in deep networks).
        best_samples_per_second([train_ours, train_naive], data[:200], 1)
        ours_weights = [w for weights, _ in ours.parameters() for row in weights for w in row]
        agree = max(abs(a - b) for a, b in zip(ours_weights, naive.weights(), strict=True))
        ours_rate, naive_rate = best_samples_per_second([train_ours, train_naive], data, args.rounds)
        print(
            f"{str(shape):>20}: naive {naive_rate:6.0f} samples/s | nodewise {ours_rate:6.0f} samples/s"
            f" | ratio {ours_rate / naive_rate:3.1f}x | weights agree to {agree:.0e} after 200 samples"
        )


if __name__ == "__main__":
    main()
