"""Check backpropagation against central finite differences.

For each parameter p, the numerical gradient is

    (L(p + h) - L(p - h)) / (2 h),

which differs from the true derivative by O(h^2). Backprop should agree with it to
many digits; a bug in any local rule shows up as a large relative error. (A relu
network whose weighted sum sits exactly on the kink at z = 0 has no derivative there;
give such a check nonzero biases.)
"""

from __future__ import annotations

from collections.abc import Sequence

from nodewise.network import Network


def relative_error(analytic: float, numeric: float, floor: float = 1e-6) -> float:
    """|a - n| / max(|a|, |n|, floor): relative, but absolute for gradients below ``floor``.

    The floor keeps rounding noise (about 1e-11 with h = 1e-5) from counting as a large
    relative error when a gradient is nearly zero.
    """
    return abs(analytic - numeric) / max(abs(analytic), abs(numeric), floor)


def gradcheck(
    net: Network,
    samples: Sequence[tuple[Sequence[float], Sequence[float]]],
    step: float = 1e-5,
) -> float:
    """Return the worst relative error between backprop and finite differences.

    ``samples`` is a list of (x, target) pairs; the loss checked is their sum. Gradients
    the network had already accumulated are cleared first, so only these samples count;
    the parameters are left exactly as they were.
    """
    net.clear_gradients()
    original = net.parameters()

    def total_loss(parameters) -> float:
        net.set_parameters(parameters)
        return sum(net.loss(x, t) for x, t in samples)

    for x, t in samples:
        net.forward(x)
        net.backward(t)
    analytic = net.gradients()
    net.clear_gradients()
    worst = 0.0
    for layer, (weights, biases) in enumerate(original):
        positions = [(0, j, i) for j in range(len(weights)) for i in range(len(weights[j]))]
        positions += [(1, j, None) for j in range(len(biases))]
        for kind, j, i in positions:
            values = []
            for sign in (1.0, -1.0):
                shifted = [([row[:] for row in w], b[:]) for w, b in original]
                if kind == 0:
                    shifted[layer][0][j][i] += sign * step
                else:
                    shifted[layer][1][j] += sign * step
                values.append(total_loss(shifted))
            numeric = (values[0] - values[1]) / (2.0 * step)
            exact = analytic[layer][0][j][i] if kind == 0 else analytic[layer][1][j]
            worst = max(worst, relative_error(exact, numeric))
    net.set_parameters(original)
    return worst
