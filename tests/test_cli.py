"""The command line on tiny data: results checked by hand, and one clear line for every error."""

import json
import os
import subprocess
import sys

import pytest

from nodewise import cli, datasets, metrics
from nodewise.cli import SAMPLES_PER_RUN, default_epochs, main
from nodewise.model_io import load_model

FAST = ["--hidden", "4", "--epochs", "3", "--no-progress"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def last_json(out):
    return json.loads(out.strip().splitlines()[-1])


def one_line_error(capsys, *argv, code=1):
    status, out, err = run(capsys, *argv)
    assert status == code, err
    assert out == "" and err.count("\n") == 1 and err.startswith("nodewise: error: ")
    assert "Traceback" not in err
    return err


@pytest.fixture
def iris_csv(tmp_path):
    """A small real table with word labels and a header, as a user would have it."""
    from sklearn.datasets import load_iris

    iris = load_iris()
    lines = [",".join(iris.feature_names + ["species"])]
    lines += [",".join([*map(str, row), iris.target_names[t]]) for row, t in zip(iris.data, iris.target)]
    path = tmp_path / "iris.csv"
    path.write_text("\n".join(lines) + "\n")
    return str(path)


# --- train ---------------------------------------------------------------------------------


def test_train_json_holds_the_promised_keys_and_true_numbers(capsys, tmp_path):
    model_path = str(tmp_path / "model.json")
    code, out, err = run(
        capsys, "train", "--data", "moons", "--seed", "3", "--json", "--save", model_path, *FAST
    )
    assert code == 0 and err == ""
    result = last_json(out)
    assert out.count("\n") == 1  # with --json, the JSON object is all there is on standard output
    for key in (
        "dataset",
        "engine",
        "shape",
        "epochs",
        "train_seconds",
        "samples_per_second",
        "train_accuracy",
        "test_accuracy",
        "test_loss",
    ):
        assert key in result
    assert result["dataset"] == "moons" and result["engine"] == "node" and result["shape"] == [2, 4, 2]
    assert result["epochs"] == 3 and result["train_samples"] == 240 and result["test_samples"] == 60
    assert result["samples_per_second"] == pytest.approx(3 * 240 / result["train_seconds"])
    # the saved model, measured by hand on the same held-out part, gives the same numbers
    model = load_model(model_path)
    data = datasets.load("moons", seed=3)
    _, (test_inputs, test_labels) = datasets.split(data.inputs, data.labels, (0.8, 0.2), seed=3)
    outputs = model.outputs(test_inputs)
    predicted = [metrics.argmax(y) for y in outputs]
    assert result["test_accuracy"] == metrics.accuracy(test_labels, predicted)
    assert result["test_loss"] == pytest.approx(metrics.cross_entropy(test_labels, outputs))


def test_train_text_report(capsys):
    code, out, _ = run(capsys, "train", "--data", "xor", *FAST)
    assert code == 0
    assert "xor: 200 samples, 2 features, 2 classes; trained on 160, tested on 40" in out
    assert "network [2, 4, 2]" in out and "test accuracy" in out


def test_regression_reports_mse_and_no_accuracy(capsys):
    code, out, _ = run(capsys, "train", "--data", "curve", "--json", *FAST)
    result = last_json(out)
    assert code == 0 and result["test_accuracy"] is None and result["train_accuracy"] is None
    assert result["test_mse"] > 0 and "test_loss" not in result and result["learning_rate"] == 0.005


def test_progress_goes_to_stderr_even_with_json(capsys):
    code, out, err = run(capsys, "train", "--data", "xor", "--json", "--hidden", "3", "--epochs", "2")
    assert code == 0 and "training" in err and "epoch" in err
    assert last_json(out)["epochs"] == 2


def test_csv_defaults_work_on_a_small_real_table(capsys, iris_csv, tmp_path):
    model_path = str(tmp_path / "iris.json")
    code, out, _ = run(capsys, "train", "--data", iris_csv, "--json", "--no-progress", "--save", model_path)
    result = last_json(out)
    assert code == 0 and result["epochs"] == default_epochs(120) == -(-SAMPLES_PER_RUN // 120)
    assert result["test_accuracy"] >= 0.9
    assert load_model(model_path).class_names == ["setosa", "versicolor", "virginica"]


def test_target_column_and_task_flags(capsys, tmp_path):
    table = tmp_path / "table.csv"
    rows = [f"{i % 3},{i / 10},{(i * 7) % 5}" for i in range(60)]
    table.write_text("kind,x,y\n" + "\n".join(rows) + "\n")
    code, out, _ = run(capsys, "train", "--data", str(table), "--target", "kind", "--json", *FAST)
    assert code == 0 and last_json(out)["shape"] == [2, 4, 3]
    code, out, _ = run(capsys, "train", "--data", str(table), "--task", "regression", "--json", *FAST)
    assert code == 0 and last_json(out)["task"] == "regression" and last_json(out)["shape"] == [2, 4, 1]


def test_default_epochs_show_about_the_same_number_of_samples():
    assert default_epochs(1438) == 14 and default_epochs(20_000) == 1 and default_epochs(10**6) == 1
    assert default_epochs(100) * 100 >= SAMPLES_PER_RUN > (default_epochs(100) - 1) * 100


# --- predict and evaluate ------------------------------------------------------------------------


@pytest.fixture
def iris_model(capsys, iris_csv, tmp_path):
    model_path = str(tmp_path / "model.json")
    assert run(capsys, "train", "--data", iris_csv, "--save", model_path, *FAST)[0] == 0
    return model_path


def test_predict_with_or_without_the_target_column(capsys, iris_csv, iris_model, tmp_path):
    data = datasets.read_csv(iris_csv)
    model = load_model(iris_model)
    expected = [model.class_names[k] for k in model.predict(data.inputs)]
    code, out, _ = run(capsys, "predict", "--model", iris_model, "--data", iris_csv)
    assert code == 0 and out.split() == expected
    features_only = tmp_path / "new.csv"
    features_only.write_text("\n".join(",".join(map(str, x)) for x in data.inputs[:7]) + "\n")
    code, out, _ = run(capsys, "predict", "--model", iris_model, "--data", str(features_only), "--json")
    result = last_json(out)
    assert code == 0 and result["predictions"] == expected[:7] and result["engine"] == "node"


def test_evaluate_a_csv_counts_every_row(capsys, iris_csv, iris_model):
    data = datasets.read_csv(iris_csv)
    predicted = load_model(iris_model).predict(data.inputs)
    code, out, _ = run(capsys, "evaluate", "--model", iris_model, "--data", iris_csv, "--json")
    result = last_json(out)
    assert code == 0 and result["part"] == "all" and result["samples"] == 150
    assert result["accuracy"] == metrics.accuracy(data.labels, predicted)
    assert result["confusion_matrix"] == metrics.confusion_matrix(data.labels, predicted, 3)
    assert result["precision"] == list(metrics.precision_recall_f1(data.labels, predicted, 3)[0])
    code, out, _ = run(capsys, "evaluate", "--model", iris_model, "--data", iris_csv)
    assert code == 0 and "precision" in out and "confusion matrix" in out and "setosa" in out


def test_evaluate_a_builtin_set_uses_the_held_out_part(capsys, tmp_path):
    model_path = str(tmp_path / "spirals.json")
    code, out, _ = run(
        capsys, "train", "--data", "spirals", "--seed", "2", "--json", "--save", model_path, *FAST
    )
    trained = last_json(out)
    code, out, _ = run(capsys, "evaluate", "--model", model_path, "--data", "spirals", "--json")
    result = last_json(out)
    assert code == 0 and result["part"] == "test" and result["samples"] == trained["test_samples"]
    assert result["accuracy"] == trained["test_accuracy"] and result["loss"] == pytest.approx(
        trained["test_loss"]
    )


def test_evaluate_regression(capsys, tmp_path):
    model_path = str(tmp_path / "curve.json")
    code, out, _ = run(capsys, "train", "--data", "curve", "--json", "--save", model_path, *FAST)
    trained = last_json(out)
    code, out, _ = run(capsys, "evaluate", "--model", model_path, "--data", "curve", "--json")
    assert code == 0 and last_json(out)["mse"] == pytest.approx(trained["test_mse"])


# --- every error: one line on stderr, a non-zero status ----------------------------------------------


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--data", "missing.csv"], "'missing.csv' not found"),
        (["train", "--data", "xor", "--learning-rate", "1e9"], "diverged.*smaller learning rate"),
    ],
)
def test_runtime_errors(capsys, argv, message):
    err = one_line_error(capsys, *argv, *FAST)
    assert message.split(".*")[0] in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["fly"], "invalid choice: 'fly'"),
        (["train"], "required: --data"),
        (
            ["train", "--data", "xor", "--epochs", "0"],
            "argument --epochs: '0' is not a positive whole number",
        ),
        (["train", "--data", "xor", "--epochs", "ten"], "'ten' is not a positive whole number"),
        (["train", "--data", "xor", "--learning-rate", "-1"], "'-1' is not a positive number"),
        (["train", "--data", "xor", "--learning-rate", "nan"], "'nan' is not a positive number"),
        (["train", "--data", "xor", "--momentum", "1.5"], "'1.5' is not a number in [0, 1)"),
        (["train", "--data", "xor", "--batch-size", "0"], "--batch-size: '0' is not a positive"),
        (["train", "--data", "xor", "--test-size", "1"], "'1' is not a number between 0 and 1"),
        (["train", "--data", "xor", "--weight-decay", "-0.1"], "'-0.1' is not zero or a positive number"),
        (["train", "--data", "xor", "--hidden", "8,x"], "'8,x' is not a list of layer widths"),
        (["train", "--data", "xor", "--activation", "swish"], "invalid choice: 'swish'"),
        (["train", "--data", "xor", "--frobnicate"], "unrecognized arguments: --frobnicate"),
        (["train", "--data", "xor", "--seed", "-1"], "'-1' is not a whole number from 0"),
        (["predict", "--data", "x.csv"], "required: --model"),
        (["train", "--data", "mnist8"], "unknown data set 'mnist8': expected digits, xor,"),
        (["train", "--data", "MNIST"], "'MNIST' (names are lower case: mnist): expected"),
        (["evaluate", "--model", "m.json", "--data", "Digits"], "(names are lower case: digits)"),
    ],
)
def test_usage_errors(capsys, argv, message):
    err = one_line_error(capsys, *argv, code=2)
    assert message in err and "--help" in err


def test_csv_errors(capsys, tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,c\n1,2,x\n3,4\n")
    assert "line 3 has 2 values but line 1 has 3" in one_line_error(capsys, "train", "--data", str(ragged))
    words = tmp_path / "words.csv"
    words.write_text("a,b,c\n1,2,x\n3,four,y\n")
    assert "line 3, column 'b' holds 'four'" in one_line_error(capsys, "train", "--data", str(words))
    single = tmp_path / "single.csv"
    single.write_text("a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n")
    assert "only one class" in one_line_error(capsys, "train", "--data", str(single))
    labels = tmp_path / "labels.csv"
    labels.write_text("a,b\n1,x\n2,y\n")
    err = one_line_error(capsys, "train", "--data", str(labels), "--task", "regression")
    assert "target 'x' is not a number" in err
    assert "no target column named 'z'" in one_line_error(
        capsys, "train", "--data", str(labels), "--target", "z"
    )


def test_unknown_data_names_list_every_choice_including_mnist(capsys):
    err = one_line_error(capsys, "train", "--data", "mnst", code=2)
    for name in (*datasets.BUILTIN, "mnist", "CSV file"):
        assert name in err


def test_a_folder_is_not_a_data_file(capsys, tmp_path):
    err = one_line_error(capsys, "train", "--data", str(tmp_path))
    assert f"data file '{tmp_path}' is a folder" in err


def test_help_shows_every_default(capsys):
    _, out, _ = run(capsys, "train", "--help")
    flat = " ".join(out.split())
    for shown in (
        "--activation {relu,tanh,sigmoid} default: relu",
        "--batch-size BATCH_SIZE default: 8",
        "--momentum MOMENTUM default: 0.9",
        "(default: 0)",
    ):
        assert shown in flat


def test_save_errors_come_before_training_and_leave_no_file(capsys, tmp_path, monkeypatch):
    def no_training(*args, **kwargs):
        raise AssertionError("trained before checking where to save")

    monkeypatch.setattr(cli, "train", no_training)
    target = tmp_path / "no_such_folder" / "model.json"
    err = one_line_error(capsys, "train", "--data", "xor", "--save", str(target), *FAST)
    assert "does not exist; create it first" in err and not target.parent.exists()
    err = one_line_error(capsys, "train", "--data", "xor", "--save", str(tmp_path), *FAST)
    assert "it is a folder" in err


def test_evaluate_needs_the_target_column(capsys, iris_csv, iris_model, tmp_path):
    features_only = tmp_path / "new.csv"
    rows = datasets.read_csv(iris_csv).inputs[:10]
    features_only.write_text("\n".join(",".join(map(str, x)) for x in rows) + "\n")
    err = one_line_error(capsys, "evaluate", "--model", iris_model, "--data", str(features_only))
    assert "has 3 input(s) per sample besides the target, but the model takes 4" in err
    assert "use nodewise predict" in err


def test_model_and_data_errors(capsys, iris_model, tmp_path):
    assert "not found" in one_line_error(
        capsys, "predict", "--model", str(tmp_path / "none.json"), "--data", "x.csv"
    )
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    assert "is not valid JSON" in one_line_error(capsys, "evaluate", "--model", str(broken), "--data", "xor")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("1,2\n3,4\n")
    err = one_line_error(capsys, "predict", "--model", iris_model, "--data", str(wrong))
    assert "has 2 columns but the model expects 4 features" in err
    strange = tmp_path / "strange.csv"
    strange.write_text("1,2,3,4,tulip\n5,6,7,8,setosa\n")
    err = one_line_error(capsys, "evaluate", "--model", iris_model, "--data", str(strange))
    assert "tulip that the model never saw" in err
    narrow = tmp_path / "narrow.csv"
    narrow.write_text("1,2,setosa\n3,4,setosa\n")
    err = one_line_error(capsys, "evaluate", "--model", iris_model, "--data", str(narrow))
    assert "narrow.csv has 2 input(s) per sample besides the target, but the model takes 4" in err
    err = one_line_error(capsys, "evaluate", "--model", iris_model, "--data", "xor")
    assert "xor has class(es) 0, 1 that the model never saw" in err


def test_interrupt_is_one_line(capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "run_train", interrupted)
    code, out, err = run(capsys, "train", "--data", "xor")
    assert code == 130 and out == "" and err == "nodewise: interrupted\n"


def test_help_exits_cleanly(capsys):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0 and "--learning-rate" in out and "--json" in out


# --- a real process -----------------------------------------------------------------------------------


def nodewise_command():
    script = os.path.join(os.path.dirname(sys.executable), "nodewise")
    return [script] if os.path.exists(script) else [sys.executable, "-m", "nodewise.cli"]


def test_the_installed_command_runs_and_fails_cleanly(tmp_path):
    done = subprocess.run(
        [*nodewise_command(), "train", "--data", "blobs", "--json", *FAST],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1])["engine"] == "node"
    failed = subprocess.run(
        [*nodewise_command(), "train", "--data", "nothing.csv"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert failed.returncode == 1 and failed.stdout == ""
    assert (
        failed.stderr.startswith("nodewise: error: data file 'nothing.csv' not found")
        and "Traceback" not in failed.stderr
    )


def test_a_reader_that_stops_early_ends_the_output_quietly(tmp_path, iris_model):
    """`nodewise predict ... | head -1`: no error message, the status of a closed pipe."""
    rows = tmp_path / "many.csv"
    rows.write_text("5.1,3.5,1.4,0.2\n" * 20_000)  # more than a pipe's buffer of output
    process = subprocess.Popen(
        [*nodewise_command(), "predict", "--model", iris_model, "--data", str(rows)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    first = process.stdout.readline()
    process.stdout.close()  # what `head -1` does after its line
    err = process.stderr.read()
    assert process.wait(timeout=120) == 141
    assert first.strip() and err == b""
