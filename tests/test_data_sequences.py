"""Tests for the sequence data of keras_vae.data: sines, anomalies, windows, real series.

Nothing here uses the network. The ECG5000 tests write tiny files in the archive's text
format into a temporary Keras home; the offline test replaces the `urlretrieve` that
`keras.utils.get_file` calls with one that fails at once, as on a machine without network.
"""

import os
import shutil
import sys
import urllib.error
import zipfile

import keras
import keras.src.utils.file_utils as keras_file_utils
import numpy as np
import pytest

from keras_vae import data
from keras_vae.data import (
    ANOMALY_KINDS,
    AnomalySplits,
    DatasetUnavailableError,
    ForecastingSplits,
    SeriesScaler,
    load_ecg5000,
    load_sunspots,
    make_anomalous_sines,
    make_forecasting_splits,
    make_sines,
    make_windows,
)


def fail_download(*args, **kwargs):
    """Stands in for urlretrieve on a machine without network (DNS lookup fails)."""
    raise urllib.error.URLError(OSError(-2, "Name or service not known"))


def forbid_get_file(*args, **kwargs):
    raise AssertionError("keras.utils.get_file must not be called here")


# === make_sines ===


def test_make_sines_basics():
    x = make_sines()
    assert x.shape == (10000, 24, 5) and x.dtype == np.float32
    # Reference ranges, 24 steps: the angle stays in [0, 2.4] < pi, so values in [0.5, 1].
    assert 0.5 <= x.min() and x.max() <= 1.0
    assert 0.5 <= x[:, 0].min() and x[:, 0].max() <= (np.sin(0.1) + 1) / 2

    small = make_sines(n=50, sequence_length=7, num_features=2, seed=3)
    assert small.shape == (50, 7, 2)
    np.testing.assert_array_equal(small, make_sines(50, 7, 2, seed=3))
    assert not np.allclose(small, make_sines(50, 7, 2, seed=4))
    # The n sequences are drawn at once, so a smaller n is not a prefix of a larger one,
    # but its features must still be independent draws (no two features identical).
    assert not np.allclose(small[:, :, 0], small[:, :, 1])


def test_make_sines_correctness():
    """Frequency and phase recovered from the data are U(0, 0.1) and explain every value."""
    x = make_sines(n=2000, sequence_length=24, num_features=5, seed=0)
    v = 2.0 * x.astype("float64") - 1.0  # back to sin(...) in [-1, 1]
    # The angle at t = 0 and t = 1 is below 0.2 < pi / 2, where arcsin inverts sin.
    phase = np.arcsin(v[:, 0])  # (n, features)
    frequency = np.arcsin(v[:, 1]) - phase
    for drawn in (phase, frequency):
        assert -1e-6 <= drawn.min() < 0.002 and 0.098 < drawn.max() <= 0.1 + 1e-6
        assert abs(drawn.mean() - 0.05) < 0.002  # 7 standard errors of the mean
        assert abs(drawn.std() - 0.1 / np.sqrt(12)) < 0.002  # uniform's std
    t = np.arange(24)[None, :, None]
    rebuilt = np.sin(frequency[:, None, :] * t + phase[:, None, :])
    np.testing.assert_allclose(v, rebuilt, atol=5e-5)

    # Up to 31 steps the angle never reaches pi; longer sequences dip below 0.5.
    assert make_sines(n=2000, sequence_length=31).min() >= 0.5
    assert make_sines(n=2000, sequence_length=64).min() < 0.4


# === make_anomalous_sines ===

T = 32  # the shortest allowed sequence_length, for speed


def sine_residuals(sequence, usable=None):
    """Residuals of v[t+1] + v[t-1] = 2 cos(w) v[t], at centres t = 1..T-2.

    Any sampled sinusoid v[t] = a sin(w t + p) satisfies the recurrence exactly; 2 cos(w) is
    fitted by least squares on the `usable` centres (all by default).
    """
    v = 2.0 * sequence.astype("float64") - 1.0
    outer, middle = v[2:] + v[:-2], v[1:-1]
    usable = np.ones(len(middle), bool) if usable is None else usable
    coefficient = (outer[usable] @ middle[usable]) / (middle[usable] @ middle[usable])
    return np.abs(outer - coefficient * middle)


def test_make_anomalous_sines_basics():
    splits = make_anomalous_sines(
        n_train=40, n_val=20, n_test=50, sequence_length=T, num_features=3,
        anomaly_fraction=0.3, seed=1,
    )
    assert isinstance(splits, AnomalySplits)
    for x, n in ((splits.x_train, 40), (splits.x_val, 20), (splits.x_test, 50)):
        assert x.shape == (n, T, 3) and x.dtype == np.float32
        assert 0.0 <= x.min() and x.max() <= 1.0
    assert splits.y_test.dtype == splits.kind_test.dtype == np.int64
    assert splits.mask_test.shape == (50, T, 3) and splits.mask_test.dtype == bool
    # 15 anomalies, the four kinds in equal numbers up to one.
    assert splits.y_test.sum() == 15
    counts = np.bincount(splits.kind_test, minlength=len(ANOMALY_KINDS))
    assert counts[0] == 35 and sorted(counts[1:]) == [3, 4, 4, 4]
    np.testing.assert_array_equal(splits.y_test, splits.kind_test > 0)
    np.testing.assert_array_equal(splits.y_test, splits.mask_test.any(axis=(1, 2)))
    # Each anomaly sits in one feature only.
    assert (splits.mask_test.any(axis=1).sum(axis=1) == splits.y_test).all()

    again = make_anomalous_sines(40, 20, 50, T, 3, anomaly_fraction=0.3, seed=1)
    for a, b in zip(splits, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = make_anomalous_sines(40, 20, 50, T, 3, anomaly_fraction=0.3, seed=2)
    assert not np.allclose(other.x_train, splits.x_train)
    # Normal data and anomalies come from separate streams: the normal-only splits do not
    # depend on how many test sequences get anomalies.
    fewer = make_anomalous_sines(40, 20, 50, T, 3, anomaly_fraction=0.1, seed=1)
    np.testing.assert_array_equal(fewer.x_train, splits.x_train)
    np.testing.assert_array_equal(fewer.x_val, splits.x_val)
    assert fewer.y_test.sum() == 5


def test_make_anomalous_sines_correctness():
    """Without noise, normal sequences are exact sines and anomalies sit exactly under the mask."""
    splits = make_anomalous_sines(
        n_train=30, n_val=30, n_test=80, sequence_length=T, anomaly_fraction=0.5,
        noise=0.0, seed=0,
    )
    # Train and validation: all normal, all pure sinusoids in [0.2, 0.8].
    for x in (splits.x_train, splits.x_val, splits.x_test[splits.y_test == 0]):
        assert 0.2 - 1e-6 <= x.min() and x.max() <= 0.8 + 1e-6
        assert max(sine_residuals(seq[:, 0]).max() for seq in x) < 1e-5

    shortest, longest = T // 8, T // 4
    for seq, kind, mask in zip(
        splits.x_test[:, :, 0], splits.kind_test, splits.mask_test[:, :, 0], strict=True
    ):
        if kind == 0:
            assert not mask.any()
            continue
        steps = np.flatnonzero(mask)
        assert steps.min() >= 1 and steps.max() <= T - 2  # normal steps on both sides
        assert np.array_equal(steps, np.arange(steps.min(), steps.max() + 1))  # one segment
        if ANOMALY_KINDS[kind] == "spike":
            assert len(steps) == 1
        else:
            assert shortest <= len(steps) <= longest
        if ANOMALY_KINDS[kind] == "dropout":
            np.testing.assert_array_equal(seq[mask], 0.0)
        # Triples of steps that avoid the mask follow one sinusoid (for a frequency change:
        # the same frequency before and after); some triple touching the mask does not.
        touches = np.convolve(mask, np.ones(3), mode="valid") > 0  # centres 1..T-2
        residuals = sine_residuals(seq, usable=~touches)
        assert residuals[~touches].max() < 1e-5, ANOMALY_KINDS[kind]
        assert residuals[touches].max() > 0.05, ANOMALY_KINDS[kind]


def test_make_anomalous_sines_noise():
    clean = make_anomalous_sines(30, 10, 20, T, noise=0.0, anomaly_fraction=0.5, seed=0)
    noisy = make_anomalous_sines(30, 10, 20, T, noise=0.1, anomaly_fraction=0.5, seed=0)
    # Same sines, same anomalies; the noise is N(0, 0.1) in raw units, i.e. 0.05 scaled.
    np.testing.assert_array_equal(clean.mask_test, noisy.mask_test)
    difference = (noisy.x_train - clean.x_train).ravel()
    assert abs(difference.std() - 0.05) < 0.005 and abs(difference.mean()) < 0.005


# === make_windows ===


def test_make_windows_basics():
    inputs, targets = make_windows(np.arange(10.0), window=3, horizon=2)
    assert inputs.shape == (6, 3, 1) and targets.shape == (6, 2, 1)
    assert inputs.dtype == targets.dtype == np.float32
    for i in range(6):
        np.testing.assert_array_equal(inputs[i, :, 0], [i, i + 1, i + 2])
        np.testing.assert_array_equal(targets[i, :, 0], [i + 3, i + 4])

    # Multivariate, strided, one target column: column 1 is 100 + the step.
    series = np.stack([np.arange(20.0), 100 + np.arange(20.0)], axis=1)
    inputs, targets = make_windows(series, window=4, horizon=3, stride=5, target_columns=1)
    assert inputs.shape == (3, 4, 2) and targets.shape == (3, 3, 1)  # (20 - 7) // 5 + 1
    for i, start in enumerate((0, 5, 10)):
        np.testing.assert_array_equal(inputs[i], series[start : start + 4])
        np.testing.assert_array_equal(targets[i, :, 0], 100 + np.arange(start + 4, start + 7))
    # Exactly as long as one window and its target.
    inputs, targets = make_windows(series, window=15, horizon=5, target_columns=[1, 0])
    assert inputs.shape == (1, 15, 2) and targets.shape == (1, 5, 2)
    np.testing.assert_array_equal(targets[0], series[15:, ::-1])


# === make_forecasting_splits ===


def positions(splits, x, y):
    """Time steps of each input and target value, for a series whose column 0 is the step."""
    x_steps = splits.scaler.inverse_transform(x)[..., 0]
    y_steps = splits.inverse_transform_targets(y)[..., 0]
    return np.rint(x_steps).astype(int), np.rint(y_steps).astype(int)


@pytest.mark.parametrize("scaling", ["standard", "minmax", "none"])
@pytest.mark.parametrize("stride", [1, 3])
def test_forecasting_splits_no_leakage(scaling, stride):
    steps = np.arange(200.0)
    series = np.stack([steps, 1000 + 2 * steps], axis=1)  # (200, 2)
    splits = make_forecasting_splits(
        series, window=10, horizon=3, scaling=scaling, stride=stride, target_columns=(0,)
    )
    assert isinstance(splits, ForecastingSplits)
    assert (splits.train_end, splits.val_end) == (140, 170)  # 15 % of 200 each, at the end
    bounds = {"train": (0, 140), "val": (140, 170), "test": (170, 200)}
    for part, (start, stop) in bounds.items():
        x, y = getattr(splits, f"x_{part}"), getattr(splits, f"y_{part}")
        assert x.dtype == y.dtype == np.float32
        assert x.shape[1:] == (10, 2) and y.shape[1:] == (3, 1)
        x_steps, y_steps = positions(splits, x, y)
        # Windows start every `stride` steps from the part's start, as far as a full target.
        np.testing.assert_array_equal(x_steps[:, 0], np.arange(start, stop - 13 + 1, stride))
        for xs, ys in zip(x_steps, y_steps, strict=True):
            np.testing.assert_array_equal(xs, np.arange(xs[0], xs[0] + 10))
            np.testing.assert_array_equal(ys, np.arange(xs[-1] + 1, xs[-1] + 4))  # right after
        # Nothing outside the part: no window or target spans two parts.
        assert start <= x_steps.min() and y_steps.max() < stop
        # Column 1 came along with column 0, through the same scaler.
        column_1 = splits.scaler.inverse_transform(x)[..., 1]
        np.testing.assert_allclose(column_1, 1000 + 2 * x_steps, atol=1e-3)


@pytest.mark.parametrize("scaling", ["standard", "minmax"])
def test_forecasting_splits_scaler_uses_train_only(scaling):
    rng = np.random.default_rng(0)
    series = np.cumsum(rng.normal(size=(120, 2)), axis=0) + [50.0, -20.0]
    splits = make_forecasting_splits(series, window=8, horizon=2, scaling=scaling)
    train = series[: splits.train_end]
    if scaling == "standard":
        np.testing.assert_allclose(splits.scaler.offset, train.mean(axis=0))
        np.testing.assert_allclose(splits.scaler.scale, train.std(axis=0))
    else:
        np.testing.assert_allclose(splits.scaler.offset, train.min(axis=0))
        np.testing.assert_allclose(splits.scaler.scale, np.ptp(train, axis=0))
        seen = np.concatenate([splits.x_train.reshape(-1, 2), splits.y_train.reshape(-1, 2)])
        np.testing.assert_allclose(seen.min(axis=0), 0.0, atol=1e-6)
        np.testing.assert_allclose(seen.max(axis=0), 1.0, atol=1e-6)

    # Change the validation and test parts wildly: train windows and scaler stay the same.
    changed = series.copy()
    changed[splits.train_end : splits.val_end] += 5.0
    changed[splits.val_end :] *= 100.0
    other = make_forecasting_splits(changed, window=8, horizon=2, scaling=scaling)
    np.testing.assert_array_equal(other.scaler.offset, splits.scaler.offset)
    np.testing.assert_array_equal(other.scaler.scale, splits.scaler.scale)
    np.testing.assert_array_equal(other.x_train, splits.x_train)
    np.testing.assert_array_equal(other.y_train, splits.y_train)
    np.testing.assert_allclose(
        other.x_val - splits.x_val, np.broadcast_to(5.0 / splits.scaler.scale, splits.x_val.shape),
        rtol=1e-4,
    )
    assert not np.allclose(other.x_test, splits.x_test)


def test_forecasting_splits_inverse_transform_round_trips():
    rng = np.random.default_rng(1)
    series = rng.normal(loc=[300.0, -5.0, 0.01], scale=[40.0, 2.0, 0.001], size=(150, 3))
    splits = make_forecasting_splits(series, window=12, horizon=4, target_columns=[2, 0])
    n_test = len(splits.x_test)
    start = splits.val_end
    expected_y = np.stack([series[start + 12 + i : start + 16 + i][:, [2, 0]]
                           for i in range(n_test)])
    np.testing.assert_allclose(splits.inverse_transform_targets(splits.y_test), expected_y,
                               rtol=1e-5)
    expected_x = np.stack([series[start + i : start + 12 + i] for i in range(n_test)])
    np.testing.assert_allclose(splits.scaler.inverse_transform(splits.x_test), expected_x,
                               rtol=1e-5)
    values = rng.normal(size=(5, 3))
    np.testing.assert_allclose(
        splits.scaler.inverse_transform(splits.scaler.transform(values)), values, rtol=1e-12
    )
    # A 1-D series is one column; a column constant on train gets scale 1, not a 0 division.
    flat = np.concatenate([np.full(70, 3.0), np.arange(30.0)])
    one = make_forecasting_splits(flat, window=5, horizon=1)
    assert one.x_train.shape[1:] == (5, 1) and one.y_train.shape[1:] == (1, 1)
    np.testing.assert_array_equal(one.scaler.scale, [1.0])
    np.testing.assert_array_equal(one.x_train, 0.0)
    np.testing.assert_allclose(one.inverse_transform_targets(one.y_test)[:, 0, 0],
                               flat[one.val_end + 5 :])


def test_series_scaler_example():
    scaler = SeriesScaler(offset=np.array([10.0, 0.0]), scale=np.array([2.0, 4.0]))
    np.testing.assert_array_equal(scaler.transform([[12.0, 8.0]]), [[1.0, 2.0]])
    np.testing.assert_array_equal(scaler.inverse_transform([[1.0]], columns=1), [[4.0]])
    with pytest.raises(ValueError, match=r"size 2. Received shape=\(3,\)"):
        scaler.transform([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match=r"0..1. Received: columns=\(2,\)"):
        scaler.inverse_transform([[1.0]], columns=(2,))


# === load_sunspots ===


def test_load_sunspots():
    pytest.importorskip("statsmodels")
    sunspots = load_sunspots()
    assert sunspots.years.dtype == np.int64 and sunspots.values.dtype == np.float64
    # The statsmodels 0.15 copy: 1700..2008, no gaps.
    assert len(sunspots.years) == len(sunspots.values) == 309
    np.testing.assert_array_equal(sunspots.years, np.arange(1700, 2009))
    np.testing.assert_array_equal(sunspots.values[:3], [5.0, 11.0, 16.0])
    assert sunspots.values.min() == 0.0 and sunspots.values.max() == 190.2
    splits = make_forecasting_splits(sunspots.values, window=22, horizon=1)
    assert splits.x_train.shape == (195, 22, 1)


def test_load_sunspots_without_statsmodels(monkeypatch):
    for name in ("statsmodels", "statsmodels.datasets", "statsmodels.datasets.sunspots"):
        monkeypatch.setitem(sys.modules, name, None)  # `import` now raises ImportError
    with pytest.raises(ImportError, match="pip install statsmodels"):
        load_sunspots()


# === load_ecg5000 ===

ECG_LABELS = np.array([1] * 30 + [2] * 6 + [3] * 2 + [4] * 3 + [5] * 1)  # 30 normal, 12 not


def ecg_rows(seed=0):
    """Rows `label v_1..v_140` with distinct random beats, split 10 / 32 like TRAIN / TEST."""
    rng = np.random.default_rng(seed)
    labels = rng.permutation(ECG_LABELS)
    beats = rng.normal(size=(len(labels), 140)).astype("float32")
    rows = np.concatenate([labels[:, None], beats], axis=1)
    return rows[:10], rows[10:]


def write_ecg_text(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    # The archive's own layout: one row per beat, scientific notation, spaces.
    np.savetxt(path, rows, fmt="%.8e", delimiter="  ")
    return path


def write_ecg_zip(path, folder="ECG5000/", seed=0):
    """A zip as the archive ships it: the .txt files next to other formats."""
    train, test = ecg_rows(seed)
    scratch = path.parent / "scratch"
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w") as archive:
        for fname, rows in (("ECG5000_TRAIN.txt", train), ("ECG5000_TEST.txt", test)):
            archive.write(write_ecg_text(scratch / fname, rows), folder + fname)
        archive.writestr(folder + "ECG5000_TRAIN.arff", "@relation ECG5000\n")
    shutil.rmtree(scratch)
    return path


def ecg_folder(home):
    return home / "datasets" / "ECG5000"


def check_ecg_splits(splits, seed=0):
    """Every written beat appears once; train/val are normal; test labels match the rows."""
    train, test = ecg_rows(seed)
    rows = np.concatenate([train, test])
    by_bytes = {row[1:].astype("float32").tobytes(): int(row[0]) for row in rows}
    assert isinstance(splits, AnomalySplits) and splits.mask_test is None
    # 30 normal beats: 3 validation, 6 test, 21 train; the 12 abnormal ones all in test.
    assert [len(splits.x_train), len(splits.x_val), len(splits.x_test)] == [21, 3, 18]
    seen = []
    for x in (splits.x_train, splits.x_val):
        assert x.shape[1:] == (140, 1) and x.dtype == np.float32
        labels = [by_bytes[beat[:, 0].tobytes()] for beat in x]
        assert set(labels) == {1}
        seen += [beat.tobytes() for beat in x]
    labels = np.array([by_bytes[beat[:, 0].tobytes()] for beat in splits.x_test])
    np.testing.assert_array_equal(splits.kind_test, labels - 1)
    np.testing.assert_array_equal(splits.y_test, labels != 1)
    assert splits.y_test.dtype == splits.kind_test.dtype == np.int64
    seen += [beat.tobytes() for beat in splits.x_test]
    assert sorted(seen) == sorted(by_bytes)  # each beat exactly once


def test_load_ecg5000_from_text_files(tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    train, test = ecg_rows()
    write_ecg_text(ecg_folder(tmp_path) / "ECG5000_TRAIN.txt", train)
    write_ecg_text(ecg_folder(tmp_path) / "ECG5000_TEST.txt", test)
    splits = load_ecg5000(cache_dir=tmp_path)
    check_ecg_splits(splits)
    again = load_ecg5000(cache_dir=tmp_path)
    for a, b in zip(splits[:5], again[:5], strict=True):
        np.testing.assert_array_equal(a, b)
    other = load_ecg5000(cache_dir=tmp_path, seed=1)
    assert not np.array_equal(other.x_train, splits.x_train)
    # $KERAS_HOME is read at call time when cache_dir is None.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    np.testing.assert_array_equal(load_ecg5000().x_test, splits.x_test)


def test_load_ecg5000_from_cached_zip(tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    write_ecg_zip(ecg_folder(tmp_path) / "ECG5000.zip")
    check_ecg_splits(load_ecg5000(cache_dir=tmp_path))


def test_load_ecg5000_downloads_into_the_keras_cache(tmp_path, monkeypatch):
    archive = write_ecg_zip(tmp_path / "server" / "ECG5000.zip", folder="")
    calls = []

    def fake_urlretrieve(url, filename, *args, **kwargs):
        calls.append(url)
        shutil.copy(archive, filename)

    monkeypatch.setattr(keras_file_utils, "urlretrieve", fake_urlretrieve)
    home = tmp_path / "home"
    check_ecg_splits(load_ecg5000(cache_dir=home))
    assert calls == [data._ECG5000_ORIGIN]
    assert (ecg_folder(home) / "ECG5000.zip").exists()
    load_ecg5000(cache_dir=home)  # now cached: no second download
    assert len(calls) == 1


def test_load_ecg5000_offline_error(tmp_path, monkeypatch):
    monkeypatch.setattr(keras_file_utils, "urlretrieve", fail_download)
    with pytest.raises(DatasetUnavailableError, match="could not be downloaded") as info:
        load_ecg5000(cache_dir=tmp_path)
    assert isinstance(info.value, OSError)
    message = str(info.value)
    zip_path = ecg_folder(tmp_path) / "ECG5000.zip"
    for expected in (data._ECG5000_ORIGIN, str(zip_path), "ECG5000_TRAIN.txt",
                     "ECG5000_TEST.txt", "no network?", "make_anomalous_sines()"):
        assert expected in message
    assert not zip_path.exists()  # get_file removes a failed partial download


def corrupt_ecg(home, kind):
    train, test = ecg_rows()
    folder = ecg_folder(home)
    if kind == "columns":
        write_ecg_text(folder / "ECG5000_TEST.txt", test)
        return write_ecg_text(folder / "ECG5000_TRAIN.txt", train[:, :-1])
    if kind == "label":
        train[0, 0] = 7
        write_ecg_text(folder / "ECG5000_TEST.txt", test)
        return write_ecg_text(folder / "ECG5000_TRAIN.txt", train)
    if kind == "text":
        write_ecg_text(folder / "ECG5000_TRAIN.txt", train)
        path = folder / "ECG5000_TEST.txt"
        path.write_text("1.0 abc\n")
        return path
    if kind == "empty":
        write_ecg_text(folder / "ECG5000_TRAIN.txt", train)
        path = folder / "ECG5000_TEST.txt"
        path.write_text("")
        return path
    if kind == "not a zip":
        folder.mkdir(parents=True)
        path = folder / "ECG5000.zip"
        path.write_bytes(b"<html>not found</html>")
        return path
    if kind == "member":
        path = folder / "ECG5000.zip"
        folder.mkdir(parents=True)
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("ECG5000_TRAIN.ts", "")
        return path
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "kind, match",
    [
        ("columns", r"shape \(n, 141\). Received shape=\(10, 140\)"),
        ("label", r"labels in 1..5. Received label 7.0"),
        ("text", "not whitespace-separated numbers"),
        ("empty", r"shape \(n, 141\). Received shape=\(0, "),
        ("not a zip", "BadZipFile"),
        ("member", r"a member ECG5000_TRAIN.txt. Received members \['ECG5000_TRAIN.ts'\]"),
    ],
)
def test_load_ecg5000_corrupt_cache(kind, match, tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    path = corrupt_ecg(tmp_path, kind)
    with pytest.raises(ValueError, match=str(path).replace("\\", "\\\\") + ".*" + match):
        load_ecg5000(cache_dir=tmp_path)


# === Bad input ===

SERIES = np.arange(64.0)


@pytest.mark.parametrize(
    "function, kwargs, match",
    [
        ("make_sines", {"n": 0}, "positive integer. Received: n=0"),
        ("make_sines", {"sequence_length": 2.5}, "Received: sequence_length=2.5"),
        ("make_sines", {"num_features": -1}, "Received: num_features=-1"),
        ("make_sines", {"seed": -1}, r"\[0, 2\*\*32 - 1\]. Received: seed=-1"),
        ("make_anomalous_sines", {"n_val": 0}, "Received: n_val=0"),
        ("make_anomalous_sines", {"sequence_length": 24}, ">= 32.*Received: sequence_length=24"),
        ("make_anomalous_sines", {"anomaly_fraction": 0.0}, "Received: anomaly_fraction=0.0"),
        ("make_anomalous_sines", {"anomaly_fraction": 1}, "Received: anomaly_fraction=1"),
        ("make_anomalous_sines", {"n_test": 4, "anomaly_fraction": 0.1},
         r"between 1 and n_test - 1.*it is 0. Received: anomaly_fraction=0.1, n_test=4"),
        ("make_anomalous_sines", {"n_test": 4, "anomaly_fraction": 0.9},
         r"it is 4. Received: anomaly_fraction=0.9, n_test=4"),
        ("make_anomalous_sines", {"noise": -0.1}, r">= 0. Received: noise=-0.1"),
        ("make_anomalous_sines", {"noise": float("nan")}, "Received: noise=nan"),
        ("make_windows", {"series": SERIES, "window": 0}, "positive integer. Received: window=0"),
        ("make_windows", {"series": SERIES, "window": 4, "horizon": 0}, "Received: horizon=0"),
        ("make_windows", {"series": SERIES, "window": 4, "stride": 0}, "Received: stride=0"),
        ("make_windows", {"series": SERIES, "window": 60, "horizon": 5},
         (r"windows longer than the series: window \+ horizon = 65 steps, but the series "
          r"has 64. Received: window=60, horizon=5")),
        ("make_windows", {"series": np.array([1.0, np.nan, 3.0]), "window": 1},
         r"only finite values.*Received nan at step 1, column 0"),
        ("make_windows", {"series": np.array([[1.0, 2.0], [np.inf, 0.0]]), "window": 1},
         r"Received inf at step 1, column 0"),
        ("make_windows", {"series": np.zeros((4, 2, 2)), "window": 1},
         r"shape \(T,\) or \(T, num_columns\).*Received shape=\(4, 2, 2\) \(rank 3\)"),
        ("make_windows", {"series": np.float64(3.0), "window": 1},
         r"Received shape=\(\) \(rank 0\)"),
        ("make_windows", {"series": np.zeros(0), "window": 1}, r"at least one step.*shape=\(0,\)"),
        ("make_windows", {"series": ["a", "b"], "window": 1}, "real numbers.*dtype=<U1"),
        ("make_windows", {"series": [[1.0, 2.0], [3.0]], "window": 1}, "rectangular numeric"),
        ("make_windows", {"series": SERIES, "window": 2, "target_columns": 1},
         r"in 0..0. Received: target_columns=1"),
        ("make_windows", {"series": np.zeros((9, 3)), "window": 2, "target_columns": (0, 0)},
         r"distinct column indices in 0..2. Received: target_columns=\(0, 0\)"),
        ("make_windows", {"series": np.zeros((9, 3)), "window": 2, "target_columns": []},
         r"Received: target_columns=\[\]"),
        ("make_windows", {"series": np.zeros((9, 3)), "window": 2, "target_columns": True},
         "Received: target_columns=True"),
        ("make_forecasting_splits", {"series": SERIES, "window": 8, "horizon": 4},
         (r"windows longer than the validation part: window \+ horizon = 12 steps, but the "
          r"validation part has 10 of the 64 steps. Received: window=8, horizon=4")),
        ("make_forecasting_splits", {"series": SERIES, "window": 4, "test_fraction": 0.01},
         r"windows longer than the test part: .* has 1 of the 64 steps"),
        ("make_forecasting_splits",
         {"series": SERIES, "window": 3, "validation_fraction": 0.5, "test_fraction": 0.5},
         r"must be < 1.*Received: validation_fraction=0.5, test_fraction=0.5"),
        ("make_forecasting_splits",
         {"series": SERIES, "window": 3, "validation_fraction": 0.5, "test_fraction": 0.46},
         r"windows longer than the train part: .* has 3 of the 64 steps"),
        ("make_forecasting_splits", {"series": SERIES, "window": 3, "test_fraction": 1.2},
         "Received: test_fraction=1.2"),
        ("make_forecasting_splits", {"series": SERIES, "window": 3, "scaling": "robust"},
         r"one of \('standard', 'minmax', 'none'\). Received: scaling='robust'"),
        ("make_forecasting_splits", {"series": np.append(SERIES, np.nan), "window": 3},
         r"only finite values.*Received nan at step 64"),
        ("make_forecasting_splits", {"series": SERIES, "window": 3, "target_columns": (1,)},
         r"Received: target_columns=\(1,\)"),
        ("load_ecg5000", {"validation_fraction": 0}, r"Received: validation_fraction=0"),
        ("load_ecg5000", {"validation_fraction": 0.5, "test_fraction": 0.5},
         r"must be < 1.*Received: validation_fraction=0.5, test_fraction=0.5"),
        ("load_ecg5000", {"seed": 1.5}, r"integer in \[0, 2\*\*32 - 1\]. Received: seed=1.5"),
        ("load_ecg5000", {"cache_dir": ""}, "Received: cache_dir=''"),
    ],
)
def test_sequence_data_errors(function, kwargs, match, tmp_path, monkeypatch):
    # Bad arguments are rejected before any work: nothing is downloaded or read.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    with pytest.raises(ValueError, match=match):
        getattr(data, function)(**kwargs)
    assert not os.path.exists(tmp_path / "datasets")


def test_load_ecg5000_fraction_leaving_an_empty_part(tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    train, test = ecg_rows()
    write_ecg_text(ecg_folder(tmp_path) / "ECG5000_TRAIN.txt", train)
    write_ecg_text(ecg_folder(tmp_path) / "ECG5000_TEST.txt", test)
    with pytest.raises(ValueError, match=r"empty part of the 30 normal beats. "
                                         r"Received: validation_fraction=0.01"):
        load_ecg5000(cache_dir=tmp_path, validation_fraction=0.01)
