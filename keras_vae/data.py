"""Datasets: the embedded digits, MNIST / Fashion-MNIST through the Keras cache, and tf.data.

`load_digits()` is the package's default dataset: scikit-learn ships it inside its wheel, so
every tutorial and test runs offline. `load_mnist()` reads the same files, from the same
cache folder, as `keras.datasets.mnist.load_data()` and `keras.datasets.fashion_mnist.load_data()`,
and when a file is missing and cannot be downloaded it raises `DatasetUnavailableError` that
says where to put a copy. `make_dataset()` turns arrays into a batched, prefetched
`tf.data.Dataset` for `fit()`.
"""

from __future__ import annotations

import gzip
import math
import numbers
import os
import struct
import zipfile
import zlib
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from numpy.typing import ArrayLike
from sklearn.datasets import load_digits as sklearn_load_digits
from sklearn.model_selection import train_test_split

from keras_vae.checks import (
    check_array,
    check_choice,
    check_fraction,
    check_positive_int,
    check_same_length,
)

# These mirror keras/src/datasets/mnist.py and fashion_mnist.py (checked against Keras 3.15):
# the same origins, file names, cache sub-folders and SHA-256, so a file cached by Keras'
# loaders serves `load_mnist()` and the other way round. `tests/test_data.py` fails if the
# installed Keras changes them.
_ORIGIN = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
_MNIST_SUBDIR = "datasets"
_MNIST_FILES = ("mnist.npz",)
_MNIST_SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
_FASHION_SUBDIR = os.path.join("datasets", "fashion-mnist")
_FASHION_FILES = (  # in the order x_train, y_train, x_test, y_test
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
_TITLES = {"mnist": "MNIST", "fashion_mnist": "Fashion-MNIST"}
_IMAGE_SIZE = 28
_NUM_CLASSES = 10
_MAX_SEED = 2**32 - 1  # scikit-learn's `random_state` must fit in an unsigned 32-bit int


class DatasetUnavailableError(OSError):
    """A dataset is neither in the Keras cache nor downloadable (e.g. no network).

    The message lists the exact path(s) where a copy of the file(s) can be placed. It is an
    `OSError`, so code that already handles I/O failures catches it too.
    """


class Splits(NamedTuple):
    """Train, validation and test arrays.

    Images are float32 in [0, 1] with shape `(n, height, width)`; labels are int64 class
    indices in 0..9 with shape `(n,)`.

    Example:

    ```python
    x_train, y_train, x_val, y_val, x_test, y_test = load_digits()
    ```
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_digits(
    validation_fraction: float = 0.1, test_fraction: float = 0.2, seed: int = 0
) -> Splits:
    """Loads scikit-learn's bundled 8x8 handwritten digits, split three ways.

    The 1797 images ship inside the scikit-learn wheel, so this needs no download; it is
    the default dataset of the package. The test set is split off first and the validation
    set from the rest, so the three parts are disjoint; both splits are stratified by label
    and seeded, so the same arguments always give the same arrays. Part sizes are
    `round(fraction * 1797)`; the defaults give 1258 train, 180 validation and 359 test
    images.

    Args:
        validation_fraction: share of all 1797 images used for validation, in (0, 1).
        test_fraction: share of all 1797 images used for testing, in (0, 1);
            `validation_fraction + test_fraction` must be < 1.
        seed: integer seed of the splits.

    Returns:
        `Splits` with images of shape `(n, 8, 8)`, float32 in [0, 1], and int64 labels.

    Raises:
        ValueError: if a fraction is outside (0, 1), the two add up to 1 or more, the seed
            is not an integer in [0, 2**32 - 1], or a part would be too small to hold every
            class.

    Example:

    ```python
    splits = load_digits()
    splits.x_train.shape, splits.x_val.shape, splits.x_test.shape
    # ((1258, 8, 8), (180, 8, 8), (359, 8, 8))
    ```
    """
    validation_fraction = check_fraction(validation_fraction, "validation_fraction")
    test_fraction = check_fraction(test_fraction, "test_fraction")
    if validation_fraction + test_fraction >= 1:
        raise ValueError(
            "`validation_fraction + test_fraction` must be < 1 to leave training data. "
            f"Received: validation_fraction={validation_fraction}, "
            f"test_fraction={test_fraction}"
        )
    seed = _check_seed(seed, "seed")

    digits = sklearn_load_digits()
    # The pixels are integer counts 0..16 (how many of 4x4 sub-pixels were inked in the
    # original 32x32 bitmaps), so dividing by 16 maps them exactly onto [0, 1].
    images = (digits.images / 16.0).astype("float32")  # (1797, 8, 8)
    labels = digits.target.astype("int64")  # (1797,)
    # Both sizes are fractions of all 1797 images, not of what is left.
    n = len(labels)
    x_rest, x_test, y_rest, y_test = _stratified_split(
        images, labels, round(test_fraction * n), seed, "test_fraction", test_fraction
    )
    x_train, x_val, y_train, y_val = _stratified_split(
        x_rest,
        y_rest,
        round(validation_fraction * n),
        seed,
        "validation_fraction",
        validation_fraction,
    )
    return Splits(x_train, y_train, x_val, y_val, x_test, y_test)


def load_mnist(
    name: str = "mnist",
    validation_fraction: float = 1 / 12,
    seed: int = 0,
    cache_dir: str | os.PathLike | None = None,
) -> Splits:
    """Loads MNIST or Fashion-MNIST from the Keras cache, downloading it if missing.

    The files are those of `keras.datasets.mnist.load_data()` (`datasets/mnist.npz`) and
    `keras.datasets.fashion_mnist.load_data()` (`datasets/fashion-mnist/*-ubyte.gz`, IDX
    format) in the Keras home folder. A file already there is read directly and checked
    (keys, shapes, dtypes, labels) instead of against Keras' SHA-256, so a copy placed by
    hand is used as is. A missing file is downloaded with `keras.utils.get_file` (same
    origin, folder and hash as Keras' loaders). The validation set is a stratified, seeded
    split of the official 60000 training images (`round(validation_fraction * 60000)`, 5000
    by default); the test set is the official 10000 test images.

    Args:
        name: `"mnist"` or `"fashion_mnist"`.
        validation_fraction: share of the official training set used for validation,
            in (0, 1).
        seed: integer seed of the validation split.
        cache_dir: the Keras home folder, the one that contains `datasets/`. Defaults to
            `$KERAS_HOME` read at call time (Keras itself reads it once, at import),
            else `~/.keras`, else `/tmp/.keras` when the home folder is not writable.

    Returns:
        `Splits` with images of shape `(n, 28, 28)`, float32 in [0, 1], and int64 labels.

    Raises:
        ValueError: on an unknown `name`, a fraction outside (0, 1), a bad seed or
            `cache_dir`, or a cached file that is corrupt or has the wrong keys, shapes or
            dtypes (the message names the file).
        DatasetUnavailableError: if a file is missing and the download fails; the message
            names the path(s) where a copy can be placed.

    Example:

    ```python
    splits = load_mnist("fashion_mnist")
    splits.x_train.shape, splits.x_val.shape, splits.x_test.shape
    # ((55000, 28, 28), (5000, 28, 28), (10000, 28, 28))
    ```
    """
    name = check_choice(name, "name", tuple(_TITLES))
    validation_fraction = check_fraction(validation_fraction, "validation_fraction")
    seed = _check_seed(seed, "seed")
    home = _keras_home(cache_dir)

    if name == "mnist":
        (path,) = _cached_or_download(home, _MNIST_SUBDIR, _MNIST_FILES, _MNIST_SHA256, name)
        x_train, y_train, x_test, y_test = _read_mnist_npz(path)
    else:
        paths = _cached_or_download(home, _FASHION_SUBDIR, _FASHION_FILES, None, name)
        x_train, y_train, x_test, y_test = _read_fashion_idx(paths)

    # Pixels are uint8 0..255, so dividing by 255 maps them exactly onto [0, 1].
    scale = np.float32(255)
    x_train = x_train.astype("float32") / scale  # (n, 28, 28)
    x_test = x_test.astype("float32") / scale
    x_train, x_val, y_train, y_val = _stratified_split(
        x_train,
        y_train.astype("int64"),
        round(validation_fraction * len(y_train)),
        seed,
        "validation_fraction",
        validation_fraction,
    )
    return Splits(x_train, y_train, x_val, y_val, x_test, y_test.astype("int64"))


def make_dataset(
    x: ArrayLike,
    y: ArrayLike | None = None,
    sample_weight: ArrayLike | None = None,
    *,
    batch_size: int = 32,
    shuffle: bool = False,
    seed: int | None = None,
    drop_remainder: bool = False,
    cache: bool = True,
) -> tf.data.Dataset:
    """Builds a batched, prefetched `tf.data.Dataset` from in-memory arrays.

    Pipeline: `from_tensor_slices` -> `cache()` (if `cache`) -> `shuffle(len(x))` (if
    `shuffle`) -> `batch` -> `prefetch(AUTOTUNE)`. The shuffle buffer holds the whole
    dataset, so every epoch is a full, fresh permutation; with a `seed` the sequence of
    permutations is the same each time the dataset is built.

    Each element is one of the three structures `fit()` accepts:
    `x` when `y` and `sample_weight` are `None`; `(x, y)`; or `(x, y, sample_weight)`. If
    only `sample_weight` is given the element is `(x, x, sample_weight)`: for an
    autoencoder the target defaults to the input (tf.data cannot hold a `None` target).

    Shuffle here, not in `fit()`: pass `fit(dataset, shuffle=False)`, since Keras (3.15)
    ignores `fit`'s default `shuffle=True` for a dataset and warns that it does.

    Args:
        x: inputs of shape `(n, ...)`, cast to float32.
        y: optional targets of shape `(n, ...)`; integer labels keep their integer dtype,
            anything else is cast to float32.
        sample_weight: optional non-negative per-example weights of shape `(n,)` (or
            `(n, timesteps)`), cast to float32.
        batch_size: examples per batch, > 0.
        shuffle: whether to reshuffle the examples every epoch.
        seed: integer seed of the shuffle, or `None` for a different order every run.
        drop_remainder: whether to drop a last batch smaller than `batch_size`.
        cache: whether to cache the sliced examples in memory after the first epoch.

    Returns:
        A `tf.data.Dataset` of batches.

    Raises:
        ValueError: on non-numeric, empty or non-finite arrays, negative weights, arrays of
            different lengths, `batch_size <= 0`, a non-boolean flag, a bad seed, or
            `drop_remainder=True` with fewer than `batch_size` examples (no batch at all).

    Example:

    ```python
    x = np.random.rand(10, 8, 8)
    dataset = make_dataset(x, x, batch_size=4, shuffle=True, seed=0)
    [tuple(b[0].shape) for b in dataset]
    # [(4, 8, 8), (4, 8, 8), (2, 8, 8)]
    # model.fit(dataset, epochs=10, shuffle=False)
    ```
    """
    owner = "make_dataset"
    x_array = check_array(x, "x", owner=owner)
    y_array = None
    if y is not None:
        y_array = check_array(y, "y", owner=owner)
        if np.issubdtype(np.asarray(y).dtype, np.integer):
            # Class labels stay integers, as sparse categorical losses expect.
            y_array = np.asarray(y)
    weight_array = None
    if sample_weight is not None:
        weight_array = check_array(
            sample_weight,
            "sample_weight",
            value_range=(0.0, math.inf),
            range_reason=" (a weight scales an example's loss)",
            owner=owner,
        )
    check_same_length({"x": x_array, "y": y_array, "sample_weight": weight_array}, owner)
    batch_size = check_positive_int(batch_size, "batch_size")
    for flag_name, flag in (
        ("shuffle", shuffle),
        ("drop_remainder", drop_remainder),
        ("cache", cache),
    ):
        if not isinstance(flag, (bool, np.bool_)):
            raise ValueError(
                f"{owner}: `{flag_name}` must be True or False. Received: {flag_name}={flag!r}"
            )
    if seed is not None:
        seed = _check_seed(seed, "seed")
    n = len(x_array)
    if drop_remainder and batch_size > n:
        raise ValueError(
            f"{owner}: with drop_remainder=True, `batch_size` must be <= the {n} examples, "
            f"or the dataset yields no batch at all. Received: batch_size={batch_size}"
        )

    if weight_array is not None and y_array is None:
        # Slice x once and duplicate it per batch below, rather than slicing (x, x, w) and
        # holding two copies of x in memory and in the cache.
        dataset = tf.data.Dataset.from_tensor_slices((x_array, weight_array))
    elif weight_array is not None:
        dataset = tf.data.Dataset.from_tensor_slices((x_array, y_array, weight_array))
    elif y_array is not None:
        dataset = tf.data.Dataset.from_tensor_slices((x_array, y_array))
    else:
        dataset = tf.data.Dataset.from_tensor_slices(x_array)
    if cache:
        # Before the shuffle, so each epoch reshuffles the cached examples.
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(n, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    if weight_array is not None and y_array is None:
        dataset = dataset.map(lambda inputs, weights: (inputs, inputs, weights))
    return dataset.prefetch(tf.data.AUTOTUNE)


# === Private helpers ===


def _check_seed(seed, name: str) -> int:
    """Returns `seed` as an `int` in [0, 2**32 - 1], else raises `ValueError`."""
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"`{name}` must be an integer. Received: {name}={seed!r}")
    if not 0 <= seed <= _MAX_SEED:
        raise ValueError(
            f"`{name}` must be an integer in [0, 2**32 - 1]. Received: {name}={seed!r}"
        )
    return int(seed)


def _stratified_split(x, y, size: int, seed: int, name: str, fraction: float):
    """Splits `size` examples off `(x, y)`, stratified by `y`; `size` comes from `fraction`.

    Returns `(x_rest, x_part, y_rest, y_part)`, as `train_test_split` does.
    """
    try:
        return train_test_split(x, y, test_size=size, stratify=y, random_state=seed)
    except ValueError as error:
        # scikit-learn speaks of `test_size`; name the argument of ours that caused it.
        raise ValueError(
            f"`{name}` must leave every one of the {len(np.unique(y))} classes in both parts "
            f"of a stratified split of {len(y)} examples; it asks for {size} of them "
            f"(scikit-learn: {error}). Received: {name}={fraction}"
        ) from None


def _keras_home(cache_dir) -> str:
    """Resolves the Keras home folder (the one that contains `datasets/`) at call time.

    Mirrors keras/src/backend/config.py, which reads `KERAS_HOME` only once, at import:
    `$KERAS_HOME` if set, else `~/.keras`, else `/tmp/.keras` when `~` is not writable.
    """
    if cache_dir is not None:
        if not isinstance(cache_dir, (str, os.PathLike)) or not os.fspath(cache_dir):
            raise ValueError(
                f"`cache_dir` must be a non-empty path or None. Received: cache_dir={cache_dir!r}"
            )
        return os.path.expanduser(os.fspath(cache_dir))
    if "KERAS_HOME" in os.environ:
        return os.path.expanduser(os.environ["KERAS_HOME"])
    base = os.path.expanduser("~")
    if not os.access(base, os.W_OK):
        base = "/tmp"
    return os.path.join(base, ".keras")


def _cached_or_download(home: str, subdir: str, fnames, file_hash, name: str) -> list[str]:
    """Returns the paths of the dataset files, downloading with Keras those not cached."""
    folder = os.path.join(home, subdir)
    paths = [os.path.join(folder, fname) for fname in fnames]
    missing = [path for path in paths if not os.path.exists(path)]
    if not missing:
        # Read directly, skipping get_file's SHA-256 check: a copy placed by hand or a small
        # test file would fail it, and Keras would then try to download over it.
        return paths
    try:
        # get_file silently saves to /tmp/.keras when the folder is not writable, which a
        # folder that does not exist yet counts as; create it so the file lands where asked.
        os.makedirs(folder, exist_ok=True)
    except OSError:
        pass  # Read-only: keep Keras' own fallback to /tmp/.keras.
    try:
        return [
            keras.utils.get_file(
                fname,
                origin=_ORIGIN + fname,
                file_hash=file_hash,
                cache_subdir=subdir,
                cache_dir=home,
            )
            for fname in fnames
        ]
    except Exception as error:  # get_file re-raises a failed fetch as a bare `Exception`.
        places = "\n".join(
            f"  {path}  (from {_ORIGIN}{os.path.basename(path)})" for path in missing
        )
        raise DatasetUnavailableError(
            f"The {_TITLES[name]} dataset could not be downloaded (no network?): {error}\n"
            f"Place a copy of the file(s) at:\n{places}\n"
            "(the folder is `cache_dir`, else $KERAS_HOME, else ~/.keras, followed by "
            f"{subdir}{os.sep}), or use keras_vae.data.load_digits(), which is bundled "
            "with scikit-learn and needs no download."
        ) from error


def _corrupt(path: str, problem: str) -> ValueError:
    """Builds the `ValueError` for a cached file that cannot be used; it names the file."""
    return ValueError(
        f"The cached dataset file {path} is corrupt or not in the Keras format: {problem}. "
        "Delete it to download it again, or replace it with a good copy."
    )


def _read_mnist_npz(path: str):
    """Reads and checks `mnist.npz`: returns `x_train, y_train, x_test, y_test`."""
    keys = ("x_train", "y_train", "x_test", "y_test")
    try:
        archive = np.load(path, allow_pickle=False)
        if isinstance(archive, np.lib.npyio.NpzFile):
            with archive:
                found = tuple(archive.files)
                arrays = [archive[key] for key in keys if key in found]
    except (OSError, EOFError, ValueError, zipfile.BadZipFile, zlib.error) as error:
        # ValueError: pickled data (refused) or a malformed member.
        raise _corrupt(path, f"{type(error).__name__}: {error}") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise _corrupt(path, f"expected an .npz archive. Received one array {archive.shape}")
    if len(arrays) != len(keys):
        raise _corrupt(path, f"expected keys {keys}. Received keys {found}")
    x_train, y_train, x_test, y_test = arrays
    _check_images_and_labels(x_train, y_train, path, path, "train")
    _check_images_and_labels(x_test, y_test, path, path, "test")
    return x_train, y_train, x_test, y_test


def _read_idx(path: str, ndim: int) -> np.ndarray:
    """Reads a gzipped IDX file of unsigned bytes with `ndim` dimensions."""
    try:
        with gzip.open(path, "rb") as file:
            raw = file.read()
    except (OSError, EOFError, zlib.error) as error:
        raise _corrupt(path, f"{type(error).__name__}: {error}") from None
    # Header: a big-endian magic number 0x0000 0x08 (unsigned byte) `ndim`, then one
    # big-endian uint32 size per dimension, then the data.
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise _corrupt(path, f"{len(raw)} bytes is shorter than the IDX header")
    magic = int.from_bytes(raw[:4], "big")
    if magic != 0x0800 + ndim:
        raise _corrupt(
            path, f"expected IDX magic number {0x0800 + ndim:#06x}. Received {magic:#06x}"
        )
    dims = struct.unpack(f">{ndim}I", raw[4:header_size])
    data = np.frombuffer(raw, np.uint8, offset=header_size)
    if data.size != math.prod(dims):
        raise _corrupt(
            path, f"header says shape {dims} ({math.prod(dims)} bytes). Received {data.size}"
        )
    return data.reshape(dims)


def _read_fashion_idx(paths: list[str]):
    """Reads and checks the Fashion-MNIST IDX files: returns `x_train, y_train, x_test, y_test`."""
    x_train_path, y_train_path, x_test_path, y_test_path = paths
    x_train, y_train = _read_idx(x_train_path, 3), _read_idx(y_train_path, 1)
    x_test, y_test = _read_idx(x_test_path, 3), _read_idx(y_test_path, 1)
    _check_images_and_labels(x_train, y_train, x_train_path, y_train_path, "train")
    _check_images_and_labels(x_test, y_test, x_test_path, y_test_path, "test")
    return x_train, y_train, x_test, y_test


def _check_images_and_labels(x, y, x_path: str, y_path: str, part: str) -> None:
    """Checks one part: uint8 images `(n, 28, 28)` and integer labels 0..9 of shape `(n,)`."""
    size = _IMAGE_SIZE
    if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (size, size) or len(x) == 0:
        raise _corrupt(
            x_path,
            f"expected {part} images of dtype uint8 and shape (n, {size}, {size}). "
            f"Received dtype={x.dtype}, shape={x.shape}",
        )
    if not np.issubdtype(y.dtype, np.integer) or y.shape != (len(x),):
        raise _corrupt(
            y_path,
            f"expected {part} labels of an integer dtype and shape ({len(x)},), one per "
            f"image. Received dtype={y.dtype}, shape={y.shape}",
        )
    if y.min() < 0 or y.max() >= _NUM_CLASSES:
        raise _corrupt(
            y_path,
            f"expected {part} labels in 0..{_NUM_CLASSES - 1}. "
            f"Received labels in {y.min()}..{y.max()}",
        )
