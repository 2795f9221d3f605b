"""nodewise: neural networks, built one node at a time."""

from nodewise.gradcheck import gradcheck
from nodewise.network import Network
from nodewise.training import train

__all__ = ["Network", "gradcheck", "train"]
