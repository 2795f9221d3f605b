"""Model files: exact round trips, atomic writes, and a clear error for every kind of bad file."""

import json
import math
import os

import pytest

from nodewise import datasets, metrics
from nodewise.model_io import Model, from_document, load_model, save_model, to_document


def classifier():
    data = datasets.load("blobs", seed=1)
    model = Model.create(data, data.inputs, data.labels, [5], "tanh", seed=2, data={"dataset": "blobs"})
    return model, data


def regressor():
    data = datasets.load("curve")
    return Model.create(data, data.inputs, data.labels, [4], seed=0), data


def test_create_fits_the_scaling_on_the_given_part_only():
    data = datasets.load("moons")
    part = data.inputs[:50]
    model = Model.create(data, part, data.labels[:50], [3])
    assert model.input_scaling == datasets.Standardizer.fit(part)
    assert model.network.shape == [2, 3, 2] and model.network.output == "softmax"
    assert model.class_names == ["0", "1"] and not model.is_regression


def test_pixels_are_standardized_together():
    data = datasets.load("digits")
    model = Model.create(data, data.inputs[:100], data.labels[:100], [3])
    assert model.input_scaling == datasets.Standardizer.fit(data.inputs[:100], per_feature=False)
    assert len(set(model.input_scaling.scales)) == 1 and len(model.input_scaling.scales) == 64


def test_regression_model_predicts_in_the_data_units():
    model, data = regressor()
    assert model.network.output == "identity" and model.network.shape == [1, 4, 1] and model.is_regression
    scaled_outputs = model.outputs(data.inputs[:5])
    expected = [y * model.target_scaling.scales[0] + model.target_scaling.means[0] for (y,) in scaled_outputs]
    assert model.predict(data.inputs[:5]) == pytest.approx(expected)
    assert model.scores(data.inputs, data.labels) == {
        "accuracy": None,
        "mse": pytest.approx(metrics.mean_squared_error(data.labels, model.predict(data.inputs))),
    }
    encoded = model.encode(data.labels[:3])
    assert [t for (t,) in model.target_scaling.inverse_transform(encoded)] == pytest.approx(data.labels[:3])


@pytest.mark.parametrize("make", [classifier, regressor])
def test_save_and_load_round_trip_exactly(tmp_path, make):
    model, data = make()
    path = str(tmp_path / "model.json")
    save_model(model, path)
    loaded = load_model(path)
    assert loaded.network.parameters() == model.network.parameters()
    assert (loaded.network.shape, loaded.network.activation, loaded.network.output) == (
        model.network.shape,
        model.network.activation,
        model.network.output,
    )
    assert loaded.input_scaling == model.input_scaling and loaded.target_scaling == model.target_scaling
    assert loaded.class_names == model.class_names and loaded.data == model.data
    assert loaded.predict(data.inputs) == model.predict(data.inputs)
    assert os.listdir(tmp_path) == ["model.json"]  # no temporary file left behind


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    model, _ = classifier()
    path = tmp_path / "model.json"
    path.write_text("old contents")

    def broken_replace(source, target):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        save_model(model, str(path))
    assert path.read_text() == "old contents" and os.listdir(tmp_path) == ["model.json"]


def test_nonfinite_parameters_are_never_written(tmp_path):
    model, _ = classifier()
    model.network.connections[0][0].weight = math.nan
    with pytest.raises(ValueError, match="not JSON compliant"):
        save_model(model, str(tmp_path / "model.json"))
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        save_model(classifier()[0], str(tmp_path / "no" / "model.json"))


def corrupt(change):
    document = to_document(classifier()[0])
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(format="keras"), "not a nodewise model"),
        (lambda d: d.update(version=2), "version 2 is not 1"),
        (lambda d: d.pop("parameters"), "missing field.*parameters"),
        (lambda d: d.update(shape=[2, 0, 3]), r"shape\[1\] is 0"),
        (lambda d: d.update(activation="swish"), "unknown activation 'swish'"),
        (lambda d: d["parameters"][0][0].pop(), "layer 1: W must have 5 rows"),
        (lambda d: d["parameters"][1][1].__setitem__(0, "x"), "layer 2 b"),
        (lambda d: d["parameters"][1][1].__setitem__(0, math.nan), "expected a finite number"),
        (lambda d: d.update(class_names=["a", "b"]), "class_names has 2 names, expected 3"),
        (lambda d: d.update(class_names=None), "without class_names must have an identity output"),
        (lambda d: d.update(input_scaling={"means": [0.0, 0.0]}), "'means' and 'scales'"),
        (lambda d: d["input_scaling"].update(scales=[1.0, -1.0]), "scales must all be positive"),
        (lambda d: d["input_scaling"].update(means=[1.0]), "input_scaling means has 1 values"),
        (lambda d: d.update(feature_names=[1, 2]), "feature_names must be a list of strings"),
        (lambda d: d.update(data=[]), "data must be an object"),
    ],
)
def test_every_bad_field_is_named(change, message):
    with pytest.raises((TypeError, ValueError), match=message):
        from_document(corrupt(change))


def test_load_reports_missing_broken_and_invalid_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        load_model(str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "nodewise-model", "shape": [2, ')
    with pytest.raises(ValueError, match="is not valid JSON"):
        load_model(str(broken))
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x80\x81\x82")
    with pytest.raises(ValueError, match="not a text file"):
        load_model(str(binary))
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps(corrupt(lambda d: d.update(version=9))))
    with pytest.raises(ValueError, match="invalid.json is invalid: version 9"):
        load_model(str(invalid))
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(ValueError, match="expected a JSON object"):
        load_model(str(listed))


def test_labels_are_matched_by_class_name(tmp_path):
    model, _ = classifier()
    model.class_names = ["a", "b", "c"]
    path = tmp_path / "data.csv"
    path.write_text("x,y,label\n1,2,c\n3,4,a\n")
    assert model.labels_for(datasets.read_csv(str(path))) == [2, 0]
    path.write_text("x,y,label\n1,2,d\n")
    with pytest.raises(ValueError, match="class.*d that the model never saw"):
        model.labels_for(datasets.read_csv(str(path)))
    with pytest.raises(ValueError, match="regression .* but the model does classification"):
        model.labels_for(datasets.load("curve"))
    with pytest.raises(ValueError, match="sample 0 has 3 features but the model expects 2"):
        model.predict([[1.0, 2.0, 3.0]])
