"""--engine node|matrix: the same numbers from both engines, and models that move between them."""

import json

import pytest

from nodewise.cli import build_parser, main
from nodewise.matrix import MatrixNetwork
from nodewise.model_io import load_model
from nodewise.network import Network

SMALL = ["--hidden", "6", "--epochs", "3", "--no-progress", "--json"]


def run_json(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.parametrize("data", ["xor", "moons", "curve"])
def test_train_gives_the_same_numbers_on_both_engines(capsys, data):
    node = run_json(capsys, "train", "--data", data, *SMALL)
    matrix = run_json(capsys, "train", "--data", data, "--engine", "matrix", *SMALL)
    assert (node["engine"], matrix["engine"]) == ("node", "matrix")
    for key in ("train_loss", "test_loss", "train_mse", "test_mse", "train_accuracy", "test_accuracy"):
        if node.get(key) is not None:
            assert matrix[key] == pytest.approx(node[key], rel=1e-9), key
    assert {k: v for k, v in matrix.items() if "seconds" not in k and k != "engine"}.keys() == {
        k for k in node if "seconds" not in k and k != "engine"
    }


def test_a_model_saved_from_the_matrix_engine_works_on_either(capsys, tmp_path):
    path = str(tmp_path / "model.json")
    trained = run_json(capsys, "train", "--data", "digits", "--engine", "matrix", "--save", path, *SMALL)
    model = load_model(path)
    assert type(model.network) is Network  # the file holds parameters, not an engine
    for engine in ("node", "matrix"):
        saved_model = ["--model", path, "--data", "digits"]
        evaluated = run_json(capsys, "evaluate", "--json", *saved_model, "--engine", engine)
        assert evaluated["engine"] == engine and evaluated["part"] == "test"
        assert evaluated["accuracy"] == pytest.approx(trained["test_accuracy"], abs=1e-12)
        assert evaluated["loss"] == pytest.approx(trained["test_loss"], rel=1e-9)
    node, matrix = (
        run_json(capsys, "predict", "--model", path, "--data", "digits", "--engine", engine, "--json")
        for engine in ("node", "matrix")
    )
    assert matrix["predictions"] == node["predictions"] and len(node["predictions"]) == 1797


def test_the_issue_configuration_parses():
    argv = "--engine matrix --hidden 128 --activation relu --epochs 10 --batch-size 64"
    args = build_parser().parse_args(
        ["train", "--data", "digits", *argv.split(), "--learning-rate", "0.05", "--momentum", "0.9"]
    )
    assert (args.engine, args.hidden, args.epochs, args.batch_size) == ("matrix", [128], 10, 64)
    assert (args.learning_rate, args.momentum) == (0.05, 0.9)
    assert build_parser().parse_args(["train", "--data", "digits"]).engine == "node"


def test_an_unknown_engine_is_one_line_of_usage_error(capsys):
    code = main(["train", "--data", "xor", "--engine", "gpu"])
    out, err = capsys.readouterr()
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "--engine" in err and "'gpu'" in err and "node" in err and "matrix" in err


def test_use_engine_moves_the_parameters_both_ways_exactly(capsys, tmp_path):
    path = str(tmp_path / "model.json")
    run_json(capsys, "train", "--data", "moons", "--save", path, *SMALL)
    model = load_model(path)
    saved = model.network.parameters()
    model.use_engine("matrix")
    assert isinstance(model.network, MatrixNetwork) and model.network.parameters() == saved
    model.use_engine("node")
    assert isinstance(model.network, Network) and model.network.parameters() == saved
    with pytest.raises(ValueError, match="engine is 'gpu': expected one of node, matrix"):
        model.use_engine("gpu")
