"""Show the library's own code inside a notebook, so the tutorial never pastes a copy."""

from __future__ import annotations

import inspect
import textwrap

from IPython.display import Code


def show_source(*objects: object) -> Code:
    """The source of functions, methods or classes, highlighted as Python in a notebook.

    >>> from nodewise.nodes import Neuron
    >>> show_source(Neuron.start, Neuron.send_error)   # doctest: +SKIP
    """
    if not objects:
        raise TypeError("show_source needs at least one function, method or class to show")
    parts = []
    for obj in objects:
        try:
            parts.append(textwrap.dedent(inspect.getsource(obj)))
        except (TypeError, OSError) as error:
            raise TypeError(f"cannot show the source of {obj!r}: pass a function, method or class") from error
    return Code("\n".join(parts), language="python")
