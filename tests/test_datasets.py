"""Data sets: generators against their definitions, CSV reading, splits, scaling and one-hot."""

import math
from collections import Counter

import numpy as np
import pytest

from nodewise import datasets

# --- generators --------------------------------------------------------------------------


def is_plain(inputs, labels, label_type):
    return (
        type(inputs) is list
        and all(type(x) is list and all(type(v) is float for v in x) for x in inputs)
        and type(labels) is list
        and all(type(label) is label_type for label in labels)
    )


def test_xor_is_the_truth_table():
    inputs, labels = datasets.xor()
    assert inputs == [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    assert labels == [int(a) ^ int(b) for a, b in inputs]


def test_noisy_xor_cycles_through_the_corners():
    inputs, labels = datasets.xor(400, noise=0.1, seed=3)
    assert is_plain(inputs, labels, int) and labels == [0, 1, 1, 0] * 100
    for k, corner in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        cloud = np.array(inputs[k::4])
        assert cloud.mean(axis=0) == pytest.approx(corner, abs=0.03)
        assert cloud.std(axis=0) == pytest.approx([0.1, 0.1], rel=0.2)


def test_curve_follows_sine():
    inputs, targets = datasets.curve(50, noise=0.0, seed=1)
    assert is_plain(inputs, targets, float)
    assert all(-3.0 <= x <= 3.0 and t == math.sin(x) for (x,), t in zip(inputs, targets))
    _, noisy = datasets.curve(2000, noise=0.1, seed=1)
    inputs, _ = datasets.curve(2000, noise=0.1, seed=1)
    residuals = [t - math.sin(x) for (x,), t in zip(inputs, noisy)]
    assert np.std(residuals) == pytest.approx(0.1, rel=0.1)


def test_moons_without_noise_lie_on_two_unit_half_circles():
    inputs, labels = datasets.moons(100, noise=0.0, seed=0)
    assert is_plain(inputs, labels, int) and Counter(labels) == {0: 50, 1: 50}
    for (x, y), label in zip(inputs, labels):
        centre = (0.0, 0.0) if label == 0 else (1.0, 0.5)
        assert math.hypot(x - centre[0], y - centre[1]) == pytest.approx(1.0)


def test_circles_without_noise_have_radius_one_and_factor():
    inputs, labels = datasets.circles(100, noise=0.0, seed=0, factor=0.3)
    radii = {
        label: {round(math.hypot(*x), 9) for x, lab in zip(inputs, labels) if lab == label}
        for label in (0, 1)
    }
    assert radii == {0: {1.0}, 1: {0.3}}


def test_spirals_follow_their_formula():
    inputs, labels = datasets.spirals(90, noise=0.0, classes=3)
    assert is_plain(inputs, labels, int) and Counter(labels) == {0: 30, 1: 30, 2: 30}
    for (x, y), label in zip(inputs, labels):
        radius = math.hypot(x, y)
        angle = 2 * math.pi * label / 3 + 4 * radius
        assert x == pytest.approx(radius * math.cos(angle)) and y == pytest.approx(radius * math.sin(angle))


def test_blobs_cluster_around_one_centre_per_class():
    inputs, labels = datasets.blobs(300, noise=0.5, seed=2, classes=4)
    assert is_plain(inputs, labels, int) and set(labels) == {0, 1, 2, 3}
    for k in range(4):
        cloud = np.array([x for x, label in zip(inputs, labels) if label == k])
        assert cloud.std(axis=0) == pytest.approx([0.5, 0.5], rel=0.3)


@pytest.mark.parametrize(
    "generator",
    [datasets.xor, datasets.curve, datasets.moons, datasets.circles, datasets.spirals, datasets.blobs],
)
def test_generators_are_seeded(generator):
    assert generator(20, noise=0.2, seed=1) == generator(20, noise=0.2, seed=1)
    assert generator(20, noise=0.2, seed=1) != generator(20, noise=0.2, seed=2)
    with pytest.raises(ValueError, match="samples is 0"):
        generator(0)


def test_digits():
    inputs, labels = datasets.digits()
    assert len(inputs) == 1797 and all(len(x) == 64 for x in inputs)
    assert is_plain(inputs, labels, int)
    assert min(map(min, inputs)) == 0.0 and max(map(max, inputs)) == 16.0 and set(labels) == set(range(10))


def test_load_builtin_and_unknown():
    data = datasets.load("spirals", seed=1)
    assert data.name == "spirals" and data.class_names == ["0", "1", "2"] and not data.is_regression
    assert datasets.load("curve").is_regression
    with pytest.raises(ValueError, match="unknown data set 'spiral'.*digits"):
        datasets.load("spiral")


# --- CSV files -------------------------------------------------------------------------------


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_csv_with_header_and_word_labels(tmp_path):
    path = write(tmp_path, "length,width,species\n1.0,2,setosa\n3,4.5,virginica\n\n5,6,setosa\n")
    data = datasets.read_csv(path)
    assert data.feature_names == ["length", "width"]
    assert data.inputs == [[1.0, 2.0], [3.0, 4.5], [5.0, 6.0]]
    assert data.class_names == ["setosa", "virginica"] and data.labels == [0, 1, 0]
    assert datasets.load(path) == data


def test_csv_without_header_numeric_classes_sorted_by_value(tmp_path):
    path = write(tmp_path, "0.5,10\n0.1,2\n0.7,2\n0.2,1.0\n")
    data = datasets.read_csv(path)
    assert data.feature_names is None and data.inputs == [[0.5], [0.1], [0.7], [0.2]]
    assert data.class_names == ["1", "2", "10"] and data.labels == [2, 1, 1, 0]


def test_csv_word_labels_without_header(tmp_path):
    data = datasets.read_csv(write(tmp_path, "1,2,a\n3,4,b\n"))
    assert data.feature_names is None and len(data.inputs) == 2 and data.class_names == ["a", "b"]


def test_csv_continuous_targets_mean_regression(tmp_path):
    fractions = write(tmp_path, "x,y\n1,0.5\n2,1.5\n3,1\n")
    assert datasets.read_csv(fractions).labels == [0.5, 1.5, 1.0]
    many = write(tmp_path, "\n".join(f"{i},{i * 3}" for i in range(30)), "many.csv")
    assert datasets.read_csv(many).is_regression
    assert not datasets.read_csv(many, task="classification").is_regression
    few = write(tmp_path, "\n".join(f"{i},{i % 3}" for i in range(30)), "few.csv")
    assert not datasets.read_csv(few).is_regression
    assert datasets.read_csv(few, task="regression").labels[:4] == [0.0, 1.0, 2.0, 0.0]


def test_csv_target_column_by_index_or_name(tmp_path):
    path = write(tmp_path, "label,a,b\nx,1,2\ny,3,4\n")
    by_name = datasets.read_csv(path, target="label")
    assert by_name.inputs == [[1.0, 2.0], [3.0, 4.0]] and by_name.class_names == ["x", "y"]
    assert datasets.read_csv(path, target=0) == by_name


@pytest.mark.parametrize(
    ("text", "options", "message"),
    [
        ("", {}, "is empty"),
        ("a,b,c\n", {}, "header but no data rows"),
        ("1,2,3\n4,5\n", {}, "line 2 has 2 values but line 1 has 3"),
        ("a,b,c\n1,2,x\n3,oops,y\n", {}, "line 3, column 'b' holds 'oops', not a finite number"),
        ("a,b,c\n1,,x\n", {}, "line 2, column 'b' is empty"),
        ("1,2,0\n1,nan,0\n", {}, "line 2, column 2 holds 'nan'"),
        ("1\n2\n", {}, "1 column"),
        ("a,b\n1,x\n", {"task": "regression"}, "target 'x' is not a number"),
        ("a,b\n1,\n", {}, "the target is empty"),
        ("a,b\n1,2\n", {"target": "c"}, "no target column named 'c'"),
        ("1,2\n", {"target": 5}, "target column 5 does not exist"),
        ("1,2\n", {"task": "clustering"}, "task is 'clustering'"),
    ],
)
def test_csv_errors_name_the_problem(tmp_path, text, options, message):
    with pytest.raises(ValueError, match=message):
        datasets.read_csv(write(tmp_path, text), **options)


def test_csv_missing_or_binary_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        datasets.load(str(tmp_path / "nothing.csv"))
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81")
    with pytest.raises(ValueError, match="not a readable CSV"):
        datasets.read_csv(str(binary))


def test_csv_inputs_with_or_without_target(tmp_path):
    with_target = write(tmp_path, "a,b,label\n1,2,x\n3,4,y\n")
    without = write(tmp_path, "a,b\n1,2\n3,4\n", "new.csv")
    assert datasets.read_csv_inputs(with_target, 2) == [[1.0, 2.0], [3.0, 4.0]]
    assert datasets.read_csv_inputs(without, 2) == [[1.0, 2.0], [3.0, 4.0]]
    with pytest.raises(ValueError, match="has 2 columns but the model expects 5"):
        datasets.read_csv_inputs(without, 5)


# --- splits --------------------------------------------------------------------------------------


def test_stratified_split_keeps_class_proportions():
    inputs, labels = datasets.digits()
    train, test = datasets.split(inputs, labels, (0.8, 0.2), seed=4)
    assert len(train[0]) == round(0.8 * 1797) and len(train[0]) + len(test[0]) == 1797
    everything = sorted(map(tuple, train[0] + test[0]))
    assert everything == sorted(map(tuple, inputs))
    whole = Counter(labels)
    for part in (train, test):
        counts = Counter(part[1])
        share = len(part[1]) / len(labels)
        assert all(abs(counts[c] - share * whole[c]) <= 1 for c in whole)


def test_three_way_split_is_seeded_and_disjoint():
    inputs = [[float(i)] for i in range(100)]
    labels = [i % 3 for i in range(100)]
    parts = datasets.split(inputs, labels, (0.6, 0.2, 0.2), seed=1)
    assert [len(p[0]) for p in parts] == [60, 20, 20]
    seen = [x[0] for part in parts for x in part[0]]
    assert sorted(seen) == [float(i) for i in range(100)]
    assert all(label == int(x[0]) % 3 for part in parts for x, label in zip(*part))
    assert datasets.split(inputs, labels, (0.6, 0.2, 0.2), seed=1) == parts
    assert datasets.split(inputs, labels, (0.6, 0.2, 0.2), seed=2) != parts


def test_regression_split_is_not_stratified():
    inputs, targets = datasets.curve(10)
    train, test = datasets.split(inputs, targets, (0.7, 0.3), seed=0)
    assert len(train[1]) == 7 and len(test[1]) == 3 and set(train[1]).isdisjoint(test[1])


def test_split_errors():
    with pytest.raises(ValueError, match="adding up to 1"):
        datasets.split([[1.0]] * 10, [0] * 10, (0.5, 0.4))
    with pytest.raises(ValueError, match="is empty"):
        datasets.split([[1.0]] * 3, [0] * 3, (0.9, 0.1))
    with pytest.raises(ValueError, match="3 inputs but 2 labels"):
        datasets.split([[1.0]] * 3, [0] * 2)


# --- scaling and encoding ----------------------------------------------------------------------------


def test_standardizer_matches_numpy_and_round_trips():
    inputs, _ = datasets.blobs(50, seed=3)
    inputs = [x + [7.0] for x in inputs]  # a constant feature
    scaler = datasets.Standardizer.fit(inputs)
    array = np.array(inputs)
    assert scaler.means == pytest.approx(array.mean(axis=0).tolist())
    assert scaler.scales[:2] == pytest.approx(array.std(axis=0)[:2].tolist()) and scaler.scales[2] == 1.0
    scaled = np.array(scaler.transform(inputs))
    assert scaled.mean(axis=0) == pytest.approx([0, 0, 0], abs=1e-12)
    assert scaled.std(axis=0) == pytest.approx([1, 1, 0])
    assert np.allclose(scaler.inverse_transform(scaled.tolist()), inputs)
    with pytest.raises(ValueError, match="sample 0 has 1 features but the standardizer was fitted on 3"):
        scaler.transform([[1.0]])
    with pytest.raises(ValueError, match="at least one sample"):
        datasets.Standardizer.fit([])


def test_standardizing_features_of_one_unit_together():
    inputs = [[0.0, 0.0, 16.0], [0.0, 4.0, 8.0], [0.0, 0.0, 12.0], [1.0, 8.0, 0.0]]
    together = datasets.Standardizer.fit(inputs, per_feature=False)
    values = np.array(inputs).ravel()
    assert together.means == pytest.approx([values.mean()] * 3) and together.scales == pytest.approx(
        [values.std()] * 3
    )
    # per feature, the nearly blank first "pixel" would be blown up to sqrt(3) ~ 1.7 for its single stroke;
    # together, its stroke stays small next to the others
    assert datasets.Standardizer.fit(inputs).transform(inputs)[3][0] == pytest.approx(math.sqrt(3))
    assert together.transform(inputs)[3][0] == pytest.approx((1.0 - values.mean()) / values.std())
    assert datasets.load("digits").same_units and not datasets.load("moons").same_units


def test_one_hot():
    assert datasets.one_hot([2, 0], 3) == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    with pytest.raises(ValueError, match="label 1 is 3: expected a class index from 0 to 2"):
        datasets.one_hot([0, 3], 3)
