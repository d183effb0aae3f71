"""Tests for keras_vae.data: digits splits, the MNIST / Fashion-MNIST cache, tf.data pipelines.

Nothing here uses the network. The MNIST tests write tiny, correctly formatted files into a
temporary Keras home; the offline tests replace the `urlretrieve` that `keras.utils.get_file`
calls with one that fails the way a machine without network fails, so they can never hang
on a network that drops packets instead of refusing them.
"""

import gzip
import inspect
import os
import re
import struct
import urllib.error

import keras
import keras.src.backend.config as keras_config
import keras.src.utils.file_utils as keras_file_utils
import numpy as np
import pytest
import tensorflow as tf

from keras_vae import data
from keras_vae.data import (
    DatasetUnavailableError,
    Splits,
    load_digits,
    load_mnist,
    make_dataset,
)

N_TRAIN, N_TEST = 40, 12  # 4 training images per class, so a 0.25 split takes one of each
FASHION_DIR = ("datasets", "fashion-mnist")
FASHION_FILES = {
    "x_train": "train-images-idx3-ubyte.gz",
    "y_train": "train-labels-idx1-ubyte.gz",
    "x_test": "t10k-images-idx3-ubyte.gz",
    "y_test": "t10k-labels-idx1-ubyte.gz",
}


# === Helpers that write the Keras cache formats ===


def tiny_mnist_arrays(seed=0):
    """uint8 images (n, 28, 28) with 0 and 255 present, and labels cycling through 0..9."""
    rng = np.random.default_rng(seed)
    arrays = {}
    for part, n in (("train", N_TRAIN), ("test", N_TEST)):
        x = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        x[0, 0, 0], x[0, 0, 1] = 0, 255
        arrays[f"x_{part}"] = x
        arrays[f"y_{part}"] = (np.arange(n) % 10).astype(np.uint8)
    return arrays


def write_mnist_npz(home, arrays):
    """Writes `<home>/datasets/mnist.npz` as keras.datasets.mnist reads it."""
    path = home / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, **arrays)
    return path


def write_idx_gz(path, array, magic=None):
    """Writes a gzipped IDX file: magic 0x0000 0x08 (uint8) ndim, big-endian dims, data."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    magic = 0x0800 + array.ndim if magic is None else magic
    header = struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape)
    path.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(path, "wb") as file:
        file.write(header + array.tobytes())
    return path


def write_fashion(home, arrays, keys=tuple(FASHION_FILES)):
    """Writes the Fashion-MNIST IDX files for `keys` into `<home>/datasets/fashion-mnist/`."""
    return {key: write_idx_gz(home.joinpath(*FASHION_DIR, FASHION_FILES[key]), arrays[key])
            for key in keys}


def write_cache(name, home, arrays):
    if name == "mnist":
        write_mnist_npz(home, arrays)
    else:
        write_fashion(home, arrays)


def fail_download(*args, **kwargs):
    """Stands in for urlretrieve on a machine without network (DNS lookup fails)."""
    raise urllib.error.URLError(OSError(-2, "Name or service not known"))


def forbid_get_file(*args, **kwargs):
    raise AssertionError("keras.utils.get_file must not be called here")


def row_set(x):
    return {row.tobytes() for row in x}


# === load_digits ===


def test_load_digits_basics():
    splits = load_digits()
    assert isinstance(splits, Splits)
    sizes = [len(splits.x_train), len(splits.x_val), len(splits.x_test)]
    assert sizes == [1258, 180, 359] and sum(sizes) == 1797
    for x, y in ((splits.x_train, splits.y_train), (splits.x_val, splits.y_val),
                 (splits.x_test, splits.y_test)):
        assert x.shape == (len(y), 8, 8) and x.dtype == np.float32
        assert y.shape == (len(x),) and y.dtype == np.int64
        assert x.min() == 0.0 and x.max() == 1.0
        assert set(np.unique(y)) == set(range(10))
    # The digits contain no duplicate images, so disjoint rows mean disjoint splits.
    train, val, test = (row_set(x) for x in (splits.x_train, splits.x_val, splits.x_test))
    assert len(train | val | test) == 1797

    again = load_digits()
    for a, b in zip(splits, again, strict=True):
        np.testing.assert_array_equal(a, b)
    other = load_digits(seed=1)
    assert not np.array_equal(splits.y_train, other.y_train)
    assert row_set(splits.x_test) != row_set(other.x_test)

    custom = load_digits(validation_fraction=0.25, test_fraction=0.25, seed=3)
    assert [len(custom.y_train), len(custom.y_val), len(custom.y_test)] == [899, 449, 449]


# === load_mnist: reading the Keras cache ===


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_load_mnist_reads_keras_cache(name, tmp_path, monkeypatch):
    arrays = tiny_mnist_arrays()
    write_cache(name, tmp_path, arrays)
    # A cached file is read directly: Keras' get_file (and its SHA-256 check, which a tiny
    # mnist.npz would fail, triggering a download) is never reached.
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)

    splits = load_mnist(name, validation_fraction=0.25, cache_dir=tmp_path)
    assert [len(s) for s in splits] == [30, 30, 10, 10, 12, 12]
    for x in (splits.x_train, splits.x_val, splits.x_test):
        assert x.shape[1:] == (28, 28) and x.dtype == np.float32
        assert 0.0 <= x.min() and x.max() <= 1.0
    for y in (splits.y_train, splits.y_val, splits.y_test):
        assert y.dtype == np.int64
    # The test set is the official one, in order, scaled by 1/255.
    np.testing.assert_allclose(splits.x_test, arrays["x_test"] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(splits.y_test, arrays["y_test"])
    # Validation is carved from the training set: stratified (one image of each class),
    # disjoint from train, and together they are the official training set.
    assert sorted(splits.y_val) == list(range(10))
    train_rows = row_set(np.round(splits.x_train * 255).astype(np.uint8))
    val_rows = row_set(np.round(splits.x_val * 255).astype(np.uint8))
    assert not train_rows & val_rows
    assert train_rows | val_rows == row_set(arrays["x_train"])
    # Seeded: the same seed gives the same split, another seed another one.
    same = load_mnist(name, validation_fraction=0.25, cache_dir=tmp_path)
    np.testing.assert_array_equal(same.x_val, splits.x_val)
    other = load_mnist(name, validation_fraction=0.25, seed=1, cache_dir=tmp_path)
    assert not np.array_equal(other.x_val, splits.x_val)
    # The default 1/12 would put 3 of 40 images in validation: too few for 10 classes.
    with pytest.raises(ValueError, match=r"10 classes.*Received: validation_fraction=0.08"):
        load_mnist(name, cache_dir=tmp_path)


def test_load_mnist_honours_keras_home_at_call_time(tmp_path, monkeypatch):
    write_mnist_npz(tmp_path, tiny_mnist_arrays())
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    # Keras read KERAS_HOME once, at import: its own loader would still look elsewhere.
    assert keras_config.keras_home() != str(tmp_path)
    splits = load_mnist(validation_fraction=0.25)
    assert splits.x_test.shape == (N_TEST, 28, 28)


def test_keras_home_resolution(tmp_path, monkeypatch):
    assert data._keras_home(tmp_path / "mine") == str(tmp_path / "mine")
    monkeypatch.setenv("KERAS_HOME", "~/kh")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert data._keras_home(None) == str(tmp_path / "kh")
    monkeypatch.delenv("KERAS_HOME")
    assert data._keras_home(None) == str(tmp_path / ".keras")
    # Like keras/src/backend/config.py: an unwritable home folder falls back to /tmp.
    monkeypatch.setattr(data.os, "access", lambda path, mode: False)
    assert data._keras_home(None) == os.path.join("/tmp", ".keras")


@pytest.mark.parametrize("name", ["mnist", "fashion_mnist"])
def test_cache_matches_keras_loader(name, tmp_path, monkeypatch):
    """Keras' own loader, pointed at the same folder, reads the same arrays."""
    arrays = tiny_mnist_arrays()
    write_cache(name, tmp_path, arrays)
    monkeypatch.setattr(keras_config, "_KERAS_DIR", str(tmp_path))
    monkeypatch.setattr(keras_file_utils, "urlretrieve", fail_download)
    # The tiny mnist.npz fails Keras' SHA-256 check; accept it so nothing is downloaded.
    monkeypatch.setattr(keras_file_utils, "validate_file", lambda *args, **kwargs: True)
    loader = getattr(keras.datasets, name).load_data
    (x_train, y_train), (x_test, y_test) = loader()
    for key, value in zip(("x_train", "y_train", "x_test", "y_test"),
                          (x_train, y_train, x_test, y_test), strict=True):
        np.testing.assert_array_equal(value, arrays[key])
    splits = load_mnist(name, validation_fraction=0.25, cache_dir=tmp_path)
    np.testing.assert_allclose(splits.x_test * 255, x_test, atol=1e-4)

    # Our copies of the origins, file names and hash must match the installed Keras.
    source = inspect.getsource(inspect.getmodule(loader))
    files = data._MNIST_FILES if name == "mnist" else data._FASHION_FILES
    for expected in (data._ORIGIN, *files) + ((data._MNIST_SHA256,) if name == "mnist" else ()):
        assert expected in source


# === load_mnist: offline and corrupt caches ===


@pytest.mark.parametrize(
    "name, present, missing",
    [
        ("mnist", (), ("datasets/mnist.npz",)),
        ("fashion_mnist", (), tuple("datasets/fashion-mnist/" + f for f in FASHION_FILES.values())),
        ("fashion_mnist", ("x_train", "y_train"),
         ("datasets/fashion-mnist/t10k-images-idx3-ubyte.gz",
          "datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz")),
    ],
)
def test_load_mnist_offline_error(name, present, missing, tmp_path, monkeypatch):
    # The real get_file runs; only its urlretrieve fails, as it does without network (here a
    # real attempt fails in ~0.03 s on DNS, but a firewall that drops packets could hang it).
    monkeypatch.setattr(keras_file_utils, "urlretrieve", fail_download)
    if present:
        write_fashion(tmp_path, tiny_mnist_arrays(), keys=present)
    with pytest.raises(DatasetUnavailableError, match="could not be downloaded") as info:
        load_mnist(name, cache_dir=tmp_path)
    assert isinstance(info.value, OSError)
    message = str(info.value)
    assert "no network?" in message and "load_digits()" in message
    for relative in missing:
        path = str(tmp_path / relative)
        assert path in message
        assert not os.path.exists(path)  # get_file removes a failed partial download
    for key in present:
        assert FASHION_FILES[key] not in message


def corrupt_npz(home, kind):
    arrays = tiny_mnist_arrays()
    path = home / "datasets" / "mnist.npz"
    path.parent.mkdir(parents=True)
    if kind == "garbage":
        path.write_bytes(b"this is not a zip archive")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "npy":
        with open(path, "wb") as file:
            np.save(file, arrays["x_train"])
    elif kind == "missing key":
        del arrays["y_test"]
        np.savez(path, **arrays)
    elif kind == "wrong shape":
        arrays["x_train"] = arrays["x_train"][:, :27]
        np.savez(path, **arrays)
    elif kind == "float images":
        arrays["x_test"] = arrays["x_test"] / 255.0
        np.savez(path, **arrays)
    elif kind == "label count":
        arrays["y_train"] = arrays["y_train"][:-1]
        np.savez(path, **arrays)
    elif kind == "label range":
        arrays["y_test"][0] = 10
        np.savez(path, **arrays)
    return path


def corrupt_idx(home, kind):
    paths = write_fashion(home, tiny_mnist_arrays())
    if kind == "not gzip":
        paths["x_train"].write_bytes(b"plain bytes")
        return paths["x_train"]
    if kind == "magic":
        return write_idx_gz(paths["y_test"], np.zeros(N_TEST), magic=0x0803)
    if kind == "truncated":
        with gzip.open(paths["x_test"], "rb") as file:
            raw = file.read()
        with gzip.open(paths["x_test"], "wb") as file:
            file.write(raw[:-5])
        return paths["x_test"]
    if kind == "label count":
        return write_idx_gz(paths["y_train"], np.zeros(N_TRAIN - 1))
    if kind == "image size":
        return write_idx_gz(paths["x_train"], np.zeros((N_TRAIN, 28, 27)))
    raise AssertionError(kind)


@pytest.mark.parametrize(
    "name, kind, match",
    [
        ("mnist", "garbage", "corrupt"),
        ("mnist", "empty", "corrupt"),
        ("mnist", "npy", r"expected an .npz archive. Received one array \(40, 28, 28\)"),
        ("mnist", "missing key", r"expected keys \('x_train', 'y_train', 'x_test', 'y_test'\)"),
        ("mnist", "wrong shape", r"\(n, 28, 28\). Received dtype=uint8, shape=\(40, 27, 28\)"),
        ("mnist", "float images", "dtype uint8.*Received dtype=float64"),
        ("mnist", "label count", r"\(40,\), one per image. Received dtype=uint8, shape=\(39,\)"),
        ("mnist", "label range", r"labels in 0..9. Received labels in 0..10"),
        ("fashion_mnist", "not gzip", "BadGzipFile"),
        ("fashion_mnist", "magic", "expected IDX magic number 0x0801. Received 0x0803"),
        ("fashion_mnist", "truncated", r"header says shape \(12, 28, 28\)"),
        ("fashion_mnist", "label count", r"shape \(40,\), one per image"),
        ("fashion_mnist", "image size", r"Received dtype=uint8, shape=\(40, 28, 27\)"),
    ],
)
def test_load_mnist_corrupt_cache(name, kind, match, tmp_path, monkeypatch):
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    corrupt = corrupt_npz if name == "mnist" else corrupt_idx
    path = corrupt(tmp_path, kind)
    with pytest.raises(ValueError, match=re.escape(str(path)) + ".*" + match):
        load_mnist(name, validation_fraction=0.25, cache_dir=tmp_path)


# === make_dataset ===


def elements(dataset):
    """All batches, as tuples of NumPy arrays."""
    return [tuple(np.asarray(t) for t in (b if isinstance(b, tuple) else (b,)))
            for b in dataset]


def test_make_dataset_structures():
    x = np.arange(30, dtype="float64").reshape(10, 3)
    labels = np.arange(10) % 3
    weights = np.linspace(0.0, 1.0, 10)

    alone = make_dataset(x, batch_size=4)
    assert isinstance(alone.element_spec, tf.TensorSpec)
    assert alone.element_spec.dtype == tf.float32
    np.testing.assert_array_equal(np.concatenate([b[0] for b in elements(alone)]), x)

    pair = make_dataset(x, labels, batch_size=4)
    assert [s.dtype for s in pair.element_spec] == [tf.float32, tf.int64]  # labels stay ints
    (x0, y0), *_ = elements(pair)
    np.testing.assert_array_equal(y0, labels[:4])

    float_targets = make_dataset(x, x, batch_size=4)
    assert [s.dtype for s in float_targets.element_spec] == [tf.float32, tf.float32]

    triple = make_dataset(x, labels, weights, batch_size=4)
    assert len(triple.element_spec) == 3
    (x0, y0, w0), *_ = elements(triple)
    np.testing.assert_allclose(w0, weights[:4], rtol=1e-6)

    # No y: for an autoencoder the target defaults to the input.
    autoencoder = make_dataset(x, sample_weight=weights, batch_size=4)
    assert len(autoencoder.element_spec) == 3
    for xb, yb, wb in elements(autoencoder):
        np.testing.assert_array_equal(xb, yb)


def test_make_dataset_batch_sizes():
    x = np.zeros((10, 2))
    assert [len(b[0]) for b in elements(make_dataset(x, batch_size=4))] == [4, 4, 2]
    dropped = make_dataset(x, batch_size=4, drop_remainder=True)
    assert [len(b[0]) for b in elements(dropped)] == [4, 4]
    assert dropped.element_spec.shape.as_list() == [4, 2]  # static batch size
    assert [len(b[0]) for b in elements(make_dataset(x, batch_size=32))] == [10]


def test_make_dataset_shuffle_is_seeded_and_repeatable():
    x = np.arange(64, dtype="float32")[:, None]

    def epochs(dataset, count=2):
        return [np.concatenate([b[0] for b in elements(dataset)])[:, 0] for _ in range(count)]

    plain = epochs(make_dataset(x, batch_size=8))
    np.testing.assert_array_equal(plain[0], np.arange(64))
    np.testing.assert_array_equal(plain[1], np.arange(64))

    first, second = epochs(make_dataset(x, batch_size=8, shuffle=True, seed=1))
    assert sorted(first) == list(range(64)) and sorted(second) == list(range(64))
    assert not np.array_equal(first, np.arange(64))
    assert not np.array_equal(first, second)  # reshuffled every epoch
    rebuilt = epochs(make_dataset(x, batch_size=8, shuffle=True, seed=1))
    np.testing.assert_array_equal(rebuilt[0], first)  # same seed: same orders
    np.testing.assert_array_equal(rebuilt[1], second)
    other, _ = epochs(make_dataset(x, batch_size=8, shuffle=True, seed=2))
    assert not np.array_equal(other, first)


@pytest.mark.parametrize("cache", [True, False])
def test_make_dataset_cache(cache):
    x = np.random.default_rng(0).random((12, 3))
    dataset = make_dataset(x, batch_size=5, shuffle=True, seed=0, cache=cache)
    graph = dataset._as_serialized_graph().numpy()
    assert (b"CacheDataset" in graph) == cache
    for _ in range(2):  # the cached epochs give back every example
        got = np.concatenate([b[0] for b in elements(dataset)])
        np.testing.assert_allclose(np.sort(got, axis=0), np.sort(x.astype("float32"), axis=0))


@pytest.mark.parametrize("structure", ["x_y", "x_x_w"])
def test_make_dataset_trains_a_keras_model(structure):
    x = np.random.default_rng(0).random((16, 4)).astype("float32")
    y, weights = (x, None) if structure == "x_y" else (None, np.ones(16))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(4)])
    model.compile(optimizer="sgd", loss="mse")
    dataset = make_dataset(x, y, weights, batch_size=8, shuffle=True, seed=0)
    # shuffle=False: the dataset shuffles itself, and Keras 3.15 warns (an error under
    # pytest's filterwarnings) that fit's default shuffle=True is ignored for a Dataset.
    history = model.fit(dataset, epochs=1, shuffle=False, verbose=0)
    assert np.isfinite(history.history["loss"][0])


# === Bad input ===

X = np.zeros((4, 3))


@pytest.mark.parametrize(
    "function, kwargs, match",
    [
        ("load_digits", dict(validation_fraction=0), r"\(0, 1\). Received: validation_fraction=0"),
        ("load_digits", dict(test_fraction=1.0), r"Received: test_fraction=1.0"),
        ("load_digits", dict(test_fraction="0.2"), r"Received: test_fraction='0.2'"),
        ("load_digits", dict(validation_fraction=0.5, test_fraction=0.5),
         r"must be < 1.*Received: validation_fraction=0.5, test_fraction=0.5"),
        ("load_digits", dict(validation_fraction=0.001),
         r"10 classes.*Received: validation_fraction=0.001"),
        ("load_digits", dict(seed=-1), r"\[0, 2\*\*32 - 1\]. Received: seed=-1"),
        ("load_digits", dict(seed=1.5), r"integer in \[0, 2\*\*32 - 1\]. Received: seed=1.5"),
        ("load_mnist", dict(name="cifar10"),
         r"one of \('mnist', 'fashion_mnist'\). Received: name='cifar10'"),
        ("load_mnist", dict(validation_fraction=1.5), r"Received: validation_fraction=1.5"),
        ("load_mnist", dict(seed=None), r"Received: seed=None"),
        ("load_mnist", dict(cache_dir=3), r"Received: cache_dir=3"),
        ("load_mnist", dict(cache_dir=""), r"Received: cache_dir=''"),
        ("make_dataset", dict(x=np.array([[1, "a"]], dtype=object)), "real numbers.*dtype=object"),
        ("make_dataset", dict(x=np.array(["a", "b"])), "real numbers.*dtype=<U1"),
        ("make_dataset", dict(x=[[1.0, 2.0], [3.0]]), "rectangular numeric array"),
        ("make_dataset", dict(x=np.zeros((0, 3))), r"one example. Received shape=\(0, 3\)"),
        ("make_dataset", dict(x=np.array([1.0, np.nan])), r"`x` must contain only finite.*nan"),
        ("make_dataset", dict(x=X, y=np.array([0.0, 1.0, np.inf, 0.0])), r"`y`.*finite.*inf"),
        ("make_dataset", dict(x=X, y=np.zeros(3)), "Received: x has 4, y has 3"),
        ("make_dataset", dict(x=X, sample_weight=np.ones(5)), "x has 4, sample_weight has 5"),
        ("make_dataset", dict(x=X, sample_weight=-np.ones(4)), r"\[0.0, inf\].*Received values"),
        ("make_dataset", dict(x=X, batch_size=0), "positive integer. Received: batch_size=0"),
        ("make_dataset", dict(x=X, batch_size=-2), "Received: batch_size=-2"),
        ("make_dataset", dict(x=X, batch_size=8.0), "Received: batch_size=8.0"),
        ("make_dataset", dict(x=X, shuffle="yes"), "True or False. Received: shuffle='yes'"),
        ("make_dataset", dict(x=X, cache=None), "Received: cache=None"),
        ("make_dataset", dict(x=X, shuffle=True, seed="1"), "Received: seed='1'"),
        ("make_dataset", dict(x=X, batch_size=5, drop_remainder=True),
         "no batch at all. Received: batch_size=5"),
    ],
)
def test_data_errors(function, kwargs, match, tmp_path, monkeypatch):
    # Bad arguments are rejected before any work: nothing is downloaded or read.
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(keras.utils, "get_file", forbid_get_file)
    with pytest.raises(ValueError, match=match):
        getattr(data, function)(**kwargs)
    assert not (tmp_path / "datasets").exists()
