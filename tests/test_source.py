import pytest

from nodewise.nodes import Neuron
from nodewise.source import show_source


def test_show_source_is_the_real_code():
    code = show_source(Neuron.start, Neuron.send_error)
    assert code.data.startswith("def start(self)")
    assert "def send_error(self)" in code.data
    assert "self.weighted_sum = self.bias" in code.data


def test_show_source_rejects_what_has_no_source():
    with pytest.raises(TypeError, match="cannot show the source of 3"):
        show_source(3)
    with pytest.raises(TypeError, match="at least one"):
        show_source()
