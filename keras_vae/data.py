"""Datasets: the embedded digits, MNIST / Fashion-MNIST through the Keras cache, and tf.data.

`load_digits()` is the package's default dataset: scikit-learn ships it inside its wheel, so
every tutorial and test runs offline. `load_mnist()` reads the same files, from the same
cache folder, as `keras.datasets.mnist.load_data()` and `keras.datasets.fashion_mnist.load_data()`,
and when a file is missing and cannot be downloaded it raises `DatasetUnavailableError` that
says where to put a copy. `make_dataset()` turns arrays into a batched, prefetched
`tf.data.Dataset` for `fit()`.

Sequences: `make_sines()` is TimeGAN's sine data; `make_anomalous_sines()` and
`load_ecg5000()` (UCR ECG5000, through the Keras cache, same offline error) give normal-only
train/validation splits and a labelled test mix for anomaly detection; `make_windows()` and
`make_forecasting_splits()` cut a series into forecasting windows, the latter split in time
and scaled on the train part only; `load_sunspots()` reads the yearly sunspot numbers that
ship with statsmodels (a dependency of keras_vae, imported only there).
"""

from __future__ import annotations

import gzip
import io
import math
import numbers
import os
import struct
import warnings
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
    check_non_negative_float,
    check_positive_int,
    check_same_length,
    check_seed,
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
    validation_fraction, test_fraction = _check_split_fractions(validation_fraction, test_fraction)
    seed = check_seed(seed)

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
    seed = check_seed(seed)
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
        seed = check_seed(seed)
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


# === Sequence datasets ===

# The names of `AnomalySplits.kind_test` for `make_anomalous_sines()`, by index.
ANOMALY_KINDS = ("normal", "spike", "level_shift", "frequency_change", "dropout")

# TimeGAN's reference code draws both the frequency (radians per step) and the phase (radians)
# of every sine from U(0, 0.1).
_TIMEGAN_SINE_HIGH = 0.1
# make_anomalous_sines: see its docstring for what each constant does.
_SINE_AMPLITUDE = 0.6
_SINE_CYCLES = (2.0, 4.0)  # cycles per sequence of a normal sine
_SPIKE_SIZE = (0.5, 0.8)
_SHIFT_SIZE = (0.25, 0.4)
_FREQUENCY_FACTOR = (2.0, 3.0)
_DROPOUT_VALUE = -1.0  # the bottom of the raw range, 0.0 after scaling
_MIN_ANOMALY_SEQUENCE_LENGTH = 32
_SCALINGS = ("standard", "minmax", "none")

# ECG5000 from the UCR/UEA archive. The zip also holds .arff and .ts copies; the .txt files
# are whitespace-separated rows of `label value_1 ... value_140`.
_ECG5000_ORIGIN = "https://www.timeseriesclassification.com/aeon-toolkit/ECG5000.zip"
_ECG5000_SUBDIR = os.path.join("datasets", "ECG5000")
_ECG5000_ZIP = "ECG5000.zip"
_ECG5000_FILES = ("ECG5000_TRAIN.txt", "ECG5000_TEST.txt")
_ECG5000_LENGTH = 140
_ECG5000_CLASSES = 5


class AnomalySplits(NamedTuple):
    """Normal-only train and validation sequences, and a labelled test mix.

    The validation split holds normal sequences only, like the training split, so an
    anomaly threshold chosen on it (e.g. a high quantile of the validation reconstruction
    errors) never sees an anomaly before the test set.

    Fields:
        x_train: float32 `(n_train, sequence_length, num_features)`, normal sequences.
        x_val: float32 `(n_val, sequence_length, num_features)`, normal sequences.
        x_test: float32 `(n_test, sequence_length, num_features)`, normal and anomalous.
        y_test: int64 `(n_test,)`, 1 for an anomaly and 0 for a normal sequence.
        kind_test: int64 `(n_test,)`, what each test sequence is; 0 is always normal.
            For `make_anomalous_sines()` an index into `ANOMALY_KINDS`; for
            `load_ecg5000()` the archive's class label minus 1.
        mask_test: bool `(n_test, sequence_length, num_features)`, True at the injected
            anomalous steps (`make_anomalous_sines()`), or `None` when the data set has no
            per-step annotation (`load_ecg5000()`).

    Example:

    ```python
    splits = make_anomalous_sines()
    splits.x_train.shape, splits.x_test.shape, int(splits.y_test.sum())
    # ((1000, 64, 1), (400, 64, 1), 40)
    # Fit on x_train, pick the threshold from the errors on x_val (normal only), e.g. their
    # 99th percentile, then score x_test against y_test.
    ```
    """

    x_train: np.ndarray
    x_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    kind_test: np.ndarray
    mask_test: np.ndarray | None


def make_sines(
    n: int = 10000, sequence_length: int = 24, num_features: int = 5, seed: int = 0
) -> np.ndarray:
    """Generates the sine data set of TimeGAN's experiments, as its reference code does.

    Every sequence has `num_features` independent sines. For each sequence and feature a
    frequency and a phase are drawn once:

    ```
    freq, phase ~ U(0, 0.1)                          # radians per step, radians
    x[i, t, k] = (sin(freq * t + phase) + 1) / 2     # t = 0 .. sequence_length - 1
    ```

    The defaults are the reference run's: 10000 sequences of 24 steps and 5 features.

    The paper and its code differ. The paper (Section 5.2, "Sines") writes
    `x_i(t) = sin(2 * pi * eta * t + theta)` with `eta ~ U[0, 1]` and `theta ~ U[-pi, pi]` for
    5 features, and does not mention the mapping to [0, 1]. The reference code
    (`data_loading.py`, `sine_data_generation`) draws both frequency and phase from U(0, 0.1),
    has no `2 * pi`, and maps `(v + 1) / 2`. This function follows the code. The code's ranges
    have two consequences the paper's formula does not suggest: every sequence starts at
    `sin(phase)`, i.e. `x[:, 0] in [0.5, 0.55]`; and while `0.1 * sequence_length <= pi`
    (up to 31 steps) the angle never passes pi, so all values lie in [0.5, 1]: each feature is
    a slow arc, less than half a period, not a periodic wave. Only the paper's main text was
    checked, not its Supplementary Materials.

    The distribution is the reference code's but the numbers are not: it draws from NumPy's
    global state, frequency and phase interleaved; this draws all frequencies, then all phases,
    from a seeded `np.random.Generator`.

    Args:
        n: number of sequences, > 0.
        sequence_length: time steps per sequence, > 0.
        num_features: independent sines per sequence, > 0.
        seed: integer seed in [0, 2**32 - 1].

    Returns:
        float32 array of shape `(n, sequence_length, num_features)` with values in [0, 1].

    Raises:
        ValueError: if a size is not a positive integer or the seed is not an integer in
            [0, 2**32 - 1].

    Example:

    ```python
    x = make_sines(n=1000)
    x.shape, float(x.min()) >= 0.5
    # ((1000, 24, 5), True)
    ```

    Reference:
        Yoon, Jarrett and van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019, Section 5.2:
        https://papers.nips.cc/paper/8789-time-series-generative-adversarial-networks;
        reference code: https://github.com/jsyoon0823/TimeGAN (`data_loading.py`).
    """
    n = check_positive_int(n, "n")
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    num_features = check_positive_int(num_features, "num_features")
    rng = np.random.default_rng(check_seed(seed))
    frequency = rng.uniform(0.0, _TIMEGAN_SINE_HIGH, size=(n, 1, num_features))  # (n, 1, features)
    phase = rng.uniform(0.0, _TIMEGAN_SINE_HIGH, size=(n, 1, num_features))
    t = np.arange(sequence_length, dtype="float64")[None, :, None]  # (1, timesteps, 1)
    values = np.sin(frequency * t + phase)  # (n, timesteps, features) in [-1, 1]
    return ((values + 1.0) / 2.0).astype("float32")


def make_anomalous_sines(
    n_train: int = 1000,
    n_val: int = 200,
    n_test: int = 400,
    sequence_length: int = 64,
    num_features: int = 1,
    anomaly_fraction: float = 0.1,
    noise: float = 0.05,
    seed: int = 0,
) -> AnomalySplits:
    """Noisy sines with injected anomalies, for reconstruction-based anomaly detection.

    Normal sequences: each feature is an independent sine with 2 to 4 cycles per sequence and
    a random phase, plus Gaussian noise. Training and validation sequences are all normal;
    `round(anomaly_fraction * n_test)` test sequences, at random positions, get one anomaly
    each, in one randomly chosen feature. The four kinds come in equal numbers (up to one):

    - `"spike"`: one step (not the first or last) jumps by 0.5 to 0.8 raw units against the
      sign of the sine, i.e. 0.25 to 0.4 after scaling.
    - `"level_shift"`: a segment is offset by +-0.25 to 0.4 raw units (0.125 to 0.2 scaled).
    - `"frequency_change"`: within a segment the sine runs 2 to 3 times faster, then goes on
      at its own frequency, its phase continuous throughout.
    - `"dropout"`: a segment reads the bottom of the range, 0.0 after scaling, without noise
      (a sensor that lost its signal).

    A segment is `sequence_length // 8` to `sequence_length // 4` steps long and has at least
    one normal step on each side. With raw values `v`, the arrays hold:

    ```
    v[t] = 0.6 * sin(phase[t]) + noise * N(0, 1) + anomaly[t]
    x[t] = (clip(v[t], -1, 1) + 1) / 2                     # always in [0, 1]
    ```

    so a clean normal sequence lies in [0.2, 0.8] and normal noise reaches the clip only at
    8 standard deviations with the default `noise`. The normal data (frequencies, phases,
    noise) come from one random stream and the anomalies from another, so `x_train` and
    `x_val` do not change with `anomaly_fraction`.

    Args:
        n_train: training sequences, > 0.
        n_val: validation sequences, > 0.
        n_test: test sequences, > 1.
        sequence_length: time steps per sequence, >= 32 (so that a segment fits and a
            frequency change stays below 0.5 cycles per step, with no aliasing).
        num_features: independent sines per sequence, > 0.
        anomaly_fraction: share of anomalous test sequences, in (0, 1); it must leave at
            least one normal and one anomalous test sequence.
        noise: standard deviation of the Gaussian noise, in raw units (half of it after
            scaling), >= 0.
        seed: integer seed in [0, 2**32 - 1].

    Returns:
        `AnomalySplits`: float32 sequences `(n, sequence_length, num_features)` in [0, 1],
        `y_test` (1 = anomaly), `kind_test` (index into `ANOMALY_KINDS`, 0 = normal) and a
        boolean `mask_test` of the anomalous steps.

    Raises:
        ValueError: on a size that is not a positive integer, `sequence_length < 32`, an
            `anomaly_fraction` outside (0, 1) or that leaves no normal or no anomalous test
            sequence, a negative or non-finite `noise`, or a bad seed.

    Example:

    ```python
    splits = make_anomalous_sines(n_test=400, anomaly_fraction=0.1)
    splits.x_train.shape, int(splits.y_test.sum())
    # ((1000, 64, 1), 40)
    ```
    """
    n_train = check_positive_int(n_train, "n_train")
    n_val = check_positive_int(n_val, "n_val")
    n_test = check_positive_int(n_test, "n_test")
    sequence_length = check_positive_int(sequence_length, "sequence_length")
    if sequence_length < _MIN_ANOMALY_SEQUENCE_LENGTH:
        raise ValueError(
            f"`sequence_length` must be >= {_MIN_ANOMALY_SEQUENCE_LENGTH}, so that an anomalous "
            "segment fits with normal steps around it and a frequency change stays below "
            f"0.5 cycles per step. Received: sequence_length={sequence_length}"
        )
    num_features = check_positive_int(num_features, "num_features")
    anomaly_fraction = check_fraction(anomaly_fraction, "anomaly_fraction")
    n_anomalies = round(anomaly_fraction * n_test)
    if not 1 <= n_anomalies <= n_test - 1:
        raise ValueError(
            "`round(anomaly_fraction * n_test)` must be between 1 and n_test - 1, so the test "
            f"split holds both normal and anomalous sequences; it is {n_anomalies}. "
            f"Received: anomaly_fraction={anomaly_fraction}, n_test={n_test}"
        )
    noise = check_non_negative_float(noise, "noise")
    seed = check_seed(seed)
    normal_rng, anomaly_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2)
    )

    # === Normal sequences ===
    n = n_train + n_val + n_test
    shape = (n, sequence_length, num_features)
    cycles = normal_rng.uniform(*_SINE_CYCLES, size=(n, 1, num_features))
    step = np.broadcast_to(2 * np.pi * cycles / sequence_length, shape).copy()  # radians/step
    start_phase = normal_rng.uniform(0.0, 2 * np.pi, size=(n, 1, num_features))
    noise_draws = normal_rng.standard_normal(shape)

    # === Anomalies, in the test sequences only ===
    test_offset = n_train + n_val
    where = anomaly_rng.choice(n_test, size=n_anomalies, replace=False)
    kinds = anomaly_rng.permutation(np.resize(np.arange(1, len(ANOMALY_KINDS)), n_anomalies))
    kind_test = np.zeros(n_test, dtype="int64")
    kind_test[where] = kinds
    mask_test = np.zeros((n_test, sequence_length, num_features), dtype=bool)
    shortest, longest = sequence_length // 8, sequence_length // 4  # segment lengths, >= 4
    edits = []  # (kind, sequence, feature, segment, size), applied to the values below
    for i, kind in zip(where, kinds, strict=True):
        feature = int(anomaly_rng.integers(num_features))
        if ANOMALY_KINDS[kind] == "spike":
            first = int(anomaly_rng.integers(1, sequence_length - 1))
            segment = slice(first, first + 1)
        else:
            length = int(anomaly_rng.integers(shortest, longest + 1))
            first = int(anomaly_rng.integers(1, sequence_length - length))
            segment = slice(first, first + length)
        mask_test[i, segment, feature] = True
        size = None
        if ANOMALY_KINDS[kind] == "spike":
            size = anomaly_rng.uniform(*_SPIKE_SIZE)
        elif ANOMALY_KINDS[kind] == "level_shift":
            size = anomaly_rng.choice((-1.0, 1.0)) * anomaly_rng.uniform(*_SHIFT_SIZE)
        elif ANOMALY_KINDS[kind] == "frequency_change":
            # phase[t] adds up step[0..t-1], so scaling step[first - 1 .. last - 1] changes
            # the pace of exactly the steps in the segment; later steps keep the new offset.
            factor = anomaly_rng.uniform(*_FREQUENCY_FACTOR)
            pace = slice(segment.start - 1, segment.stop - 1)
            step[test_offset + i, pace, feature] *= factor
        edits.append((ANOMALY_KINDS[kind], test_offset + i, feature, segment, size))

    # phase[t] = start_phase + step[0] + ... + step[t - 1]
    phase = start_phase + np.cumsum(step, axis=1) - step  # (n, timesteps, features)
    clean = _SINE_AMPLITUDE * np.sin(phase)
    values = clean + noise * noise_draws
    for kind, i, feature, segment, size in edits:
        if kind == "spike":
            # Against the sine's sign, so the spike never hides beyond the clip.
            direction = -1.0 if clean[i, segment.start, feature] > 0 else 1.0
            values[i, segment, feature] += direction * size
        elif kind == "level_shift":
            values[i, segment, feature] += size
        elif kind == "dropout":
            values[i, segment, feature] = _DROPOUT_VALUE
    x = ((np.clip(values, -1.0, 1.0) + 1.0) / 2.0).astype("float32")  # (n, timesteps, features)

    return AnomalySplits(
        x_train=x[:n_train],
        x_val=x[n_train:test_offset],
        x_test=x[test_offset:],
        y_test=(kind_test > 0).astype("int64"),
        kind_test=kind_test,
        mask_test=mask_test,
    )


class SeriesScaler(NamedTuple):
    """Per-column affine scaling of a series: `scaled = (value - offset) / scale`.

    Fields:
        offset: float64 `(num_columns,)`: the train mean (`"standard"`), the train minimum
            (`"minmax"`) or 0 (`"none"`).
        scale: float64 `(num_columns,)`: the train standard deviation (`"standard"`, ddof 0),
            the train range `max - min` (`"minmax"`) or 1 (`"none"`); a column that is
            constant on the train part gets scale 1, as in scikit-learn's scalers.

    Example:

    ```python
    scaler = SeriesScaler(offset=np.array([10.0]), scale=np.array([2.0]))
    scaler.transform(np.array([[12.0]])), scaler.inverse_transform(np.array([[1.0]]))
    # (array([[1.]]), array([[12.]]))
    ```
    """

    offset: np.ndarray
    scale: np.ndarray

    def transform(self, values: ArrayLike, columns=None) -> np.ndarray:
        """Scales `values` of shape `(..., len(columns))`; `columns=None` means all columns.

        Returns float64 values `(value - offset) / scale`, column by column.
        """
        values, offset, scale = self._parameters(values, columns, "transform")
        return (values - offset) / scale

    def inverse_transform(self, values: ArrayLike, columns=None) -> np.ndarray:
        """Maps scaled `values` of shape `(..., len(columns))` back to original units.

        `columns=None` means all columns; pass the target columns to convert targets or
        predictions. Returns float64 values `scaled * scale + offset`.
        """
        values, offset, scale = self._parameters(values, columns, "inverse_transform")
        return values * scale + offset

    def _parameters(self, values, columns, method: str):
        owner = f"SeriesScaler.{method}"
        values = _check_real_values(values, "values", owner)
        num_columns = len(self.offset)
        columns = _check_columns(columns, num_columns, "columns", owner)
        if values.ndim == 0 or values.shape[-1] != len(columns):
            raise ValueError(
                f"SeriesScaler.{method}: the last axis of `values` must hold one value per "
                f"column of {columns}, i.e. have size {len(columns)}. "
                f"Received shape={values.shape}"
            )
        index = list(columns)
        return values, self.offset[index], self.scale[index]


class ForecastingSplits(NamedTuple):
    """Chronological train / validation / test windows of one series, scaled on train only.

    Fields:
        x_train, x_val, x_test: float32 input windows `(n, window, num_columns)`.
        y_train, y_val, y_test: float32 targets `(n, horizon, len(target_columns))`: the
            `horizon` steps right after each window.
        scaler: the `SeriesScaler` fitted on the train part, applied to every part.
        target_columns: tuple of the column indices in the targets.
        train_end: the train part is `series[:train_end]`.
        val_end: the validation part is `series[train_end:val_end]`, the test part
            `series[val_end:]`.

    `splits.inverse_transform_targets(predictions)` gives targets or predictions back in
    the series' units; `splits.scaler.inverse_transform(x)` does the same for input windows.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    scaler: SeriesScaler
    target_columns: tuple[int, ...]
    train_end: int
    val_end: int

    def inverse_transform_targets(self, values: ArrayLike) -> np.ndarray:
        """Maps scaled targets or predictions `(..., len(target_columns))` to original units."""
        return self.scaler.inverse_transform(values, self.target_columns)


def make_windows(
    series: ArrayLike,
    window: int,
    horizon: int = 1,
    *,
    stride: int = 1,
    target_columns: int | tuple[int, ...] | list[int] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Cuts one series into `(inputs, targets)` windows for a forecaster.

    Window `i` starts at step `s = i * stride`; its inputs are `series[s : s + window]` and
    its targets the `horizon` steps right after, `series[s + window : s + window + horizon]`.
    Windows go as far as the last full target, so there are
    `(T - window - horizon) // stride + 1` of them. The values are not scaled: to split a
    series for training without leakage use `make_forecasting_splits()`.

    Args:
        series: array of shape `(T,)` or `(T, num_columns)`, time on the first axis; finite
            real numbers.
        window: input steps per window, > 0.
        horizon: target steps per window, > 0.
        stride: steps between the starts of consecutive windows, > 0.
        target_columns: the column(s) to predict, as an index or a sequence of distinct
            indices; `None` for all columns.

    Returns:
        `(inputs, targets)`: float32 arrays of shapes `(n, window, num_columns)` and
        `(n, horizon, len(target_columns))`; a 1-D series counts as one column.

    Raises:
        ValueError: if `series` is not numeric, not of rank 1 or 2, empty, or holds NaN or
            infinite values; if `window`, `horizon` or `stride` is not a positive integer;
            if `window + horizon` is longer than the series; or on bad `target_columns`.

    Example:

    ```python
    inputs, targets = make_windows(np.arange(10.0), window=3, horizon=2)
    inputs.shape, targets.shape, inputs[0, :, 0], targets[0, :, 0]
    # ((6, 3, 1), (6, 2, 1), array([0., 1., 2.]), array([3., 4.]))
    ```
    """
    owner = "make_windows"
    values = _check_series(series, owner)
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    columns = _check_columns(target_columns, values.shape[1], "target_columns", owner)
    _check_window_fits(len(values), window, horizon, "the series", owner)
    return _cut_windows(values, window, horizon, stride, columns)


def make_forecasting_splits(
    series: ArrayLike,
    window: int,
    horizon: int = 1,
    *,
    validation_fraction: float = 0.15,
    test_fraction: float = 0.15,
    scaling: str = "standard",
    target_columns: int | tuple[int, ...] | list[int] | None = None,
    stride: int = 1,
) -> ForecastingSplits:
    """Splits a series in time, scales it on the train part, then cuts windows per part.

    The order is what prevents leakage. First the series is cut chronologically into train
    `series[:train_end]`, validation `series[train_end:val_end]` and test `series[val_end:]`
    (the last `round(test_fraction * T)` steps are the test part, the
    `round(validation_fraction * T)` before them validation). Then the scaler's statistics
    (mean and standard deviation, or minimum and maximum, per column) are computed from the
    train part alone and applied to all three. Last, each part is cut into windows on its
    own, as in `make_windows()`, so no input window or target spans two parts and nothing
    of the validation or test values reaches the training data or the scaler. The price: the
    first `window` steps of the validation and test parts are never targets.

    `"standard"` scaling gives the train part mean 0 and standard deviation 1 per column;
    `"minmax"` maps the train part onto [0, 1]. Either way, later values outside the
    training range map outside it too (e.g. beyond [0, 1] for a trending series): that is
    the honest result, not a bug to clip away.

    Args:
        series: array of shape `(T,)` or `(T, num_columns)`, time on the first axis, in
            time order; finite real numbers.
        window: input steps per window, > 0.
        horizon: target steps per window, > 0.
        validation_fraction: share of the steps in the validation part, in (0, 1).
        test_fraction: share of the steps in the test part, in (0, 1); the two fractions
            must add up to less than 1.
        scaling: `"standard"`, `"minmax"` or `"none"`.
        target_columns: the column(s) to predict, as an index or a sequence of distinct
            indices; `None` for all columns.
        stride: steps between the starts of consecutive windows, > 0.

    Returns:
        `ForecastingSplits`: float32 inputs `(n, window, num_columns)` and targets
        `(n, horizon, len(target_columns))` per part, the fitted `SeriesScaler` and the
        part boundaries; `inverse_transform_targets()` undoes the scaling of targets and
        predictions.

    Raises:
        ValueError: on a bad series (see `make_windows()`), a fraction outside (0, 1) or
            fractions adding up to 1 or more, an unknown `scaling`, bad `target_columns`,
            or a part shorter than `window + horizon` ("windows longer than the ... part").

    Example:

    ```python
    series = np.sin(np.arange(200) / 5.0)
    splits = make_forecasting_splits(series, window=24, horizon=6)
    splits.x_train.shape, splits.y_train.shape, splits.train_end, splits.val_end
    # ((111, 24, 1), (111, 6, 1), 140, 170)
    forecast = splits.inverse_transform_targets(splits.y_test)  # back in series units
    ```
    """
    owner = "make_forecasting_splits"
    values = _check_series(series, owner)
    window = check_positive_int(window, "window")
    horizon = check_positive_int(horizon, "horizon")
    stride = check_positive_int(stride, "stride")
    validation_fraction, test_fraction = _check_split_fractions(validation_fraction, test_fraction)
    scaling = check_choice(scaling, "scaling", _SCALINGS)
    columns = _check_columns(target_columns, values.shape[1], "target_columns", owner)

    # === 1. Split in time, before anything is computed from the values ===
    length = len(values)
    val_end = length - round(test_fraction * length)
    train_end = val_end - round(validation_fraction * length)
    parts = {
        "train": values[:train_end],
        "validation": values[train_end:val_end],
        "test": values[val_end:],
    }
    for name, part in parts.items():
        _check_window_fits(len(part), window, horizon, f"the {name} part", owner, length)

    # === 2. Fit the scaler on the train part only ===
    train = parts["train"]  # (train_end, columns)
    if scaling == "standard":
        offset, scale = train.mean(axis=0), train.std(axis=0)
    elif scaling == "minmax":
        offset, scale = train.min(axis=0), train.max(axis=0) - train.min(axis=0)
    else:
        offset, scale = np.zeros(values.shape[1]), np.ones(values.shape[1])
    scaler = SeriesScaler(offset=offset, scale=np.where(scale > 0, scale, 1.0))

    # === 3. Cut each scaled part into windows on its own ===
    windows = [
        _cut_windows(scaler.transform(part), window, horizon, stride, columns)
        for part in parts.values()
    ]
    (x_train, y_train), (x_val, y_val), (x_test, y_test) = windows
    return ForecastingSplits(
        x_train, y_train, x_val, y_val, x_test, y_test, scaler, columns, train_end, val_end
    )


class Sunspots(NamedTuple):
    """Yearly mean sunspot numbers: `years` int64 `(n,)` and `values` float64 `(n,)`."""

    years: np.ndarray
    values: np.ndarray


def load_sunspots() -> Sunspots:
    """Loads the yearly sunspot numbers that ship inside the statsmodels wheel.

    A real, univariate, quasi-periodic series (a cycle of about 11 years whose height
    varies) for forecasting tutorials: statsmodels 0.15 has 309 yearly values, 1700 to 2008,
    from 0 to 190.2 (source: the US National Geophysical Data Center; statsmodels marks it
    public domain). It is read from statsmodels' bundled CSV, so it needs no download.
    statsmodels is a dependency of keras_vae; the import happens here, so the rest of
    `keras_vae.data` does not pay for it (or need it, in a trimmed environment).

    Returns:
        `Sunspots(years, values)`: int64 years `(n,)`, one per year with no gaps, and
        float64 sunspot numbers `(n,)`, >= 0.

    Raises:
        ImportError: if statsmodels is not installed; the message gives the pip command.
        ValueError: if the installed statsmodels returns something other than consecutive
            years with finite, non-negative values.

    Example:

    ```python
    sunspots = load_sunspots()
    splits = make_forecasting_splits(sunspots.values, window=22, horizon=1)
    ```

    Reference:
        statsmodels, `statsmodels.datasets.sunspots`:
        https://www.statsmodels.org/stable/datasets/generated/sunspots.html
    """
    try:
        from statsmodels.datasets import sunspots
    except ImportError as error:
        raise ImportError(
            "load_sunspots() reads the sunspot series bundled with statsmodels, which is not "
            f"installed ({error}). Install it with: pip install statsmodels"
        ) from error
    frame = sunspots.load_pandas().data
    years = np.asarray(frame["YEAR"], dtype="float64")
    values = np.asarray(frame["SUNACTIVITY"], dtype="float64")
    consecutive = len(years) > 1 and np.array_equal(np.diff(years), np.ones(len(years) - 1))
    if not consecutive or not np.isfinite(values).all() or values.min() < 0:
        raise ValueError(
            "statsmodels.datasets.sunspots returned an unexpected series: expected "
            "consecutive years and finite, non-negative values. Received "
            f"{len(years)} rows, years {years[:1]}..{years[-1:]}"
        )
    return Sunspots(years=years.astype("int64"), values=values)


def load_ecg5000(
    cache_dir: str | os.PathLike | None = None,
    validation_fraction: float = 0.1,
    test_fraction: float = 0.2,
    seed: int = 0,
) -> AnomalySplits:
    """Loads the UCR ECG5000 heartbeats as normal-only train/validation and a labelled test mix.

    ECG5000 holds 5000 heartbeats of 140 samples from one patient's ECG, each labelled with
    one of 5 classes; class 1 (2919 beats) is normal, classes 2 to 5 (2081 beats) are
    abnormal beats. The values are as in the archive: each beat z-normalised over its 140
    samples. The archive is `ECG5000.zip` from the UEA & UCR Time Series Classification
    repository; this reads its `ECG5000_TRAIN.txt` and `ECG5000_TEST.txt` (whitespace-
    separated rows: the class label, then the 140 values).

    The official train/test split (500/4500) is meant for classification; for anomaly
    detection the two files are pooled. The normal beats are shuffled (seeded) and split
    into train, validation (`round(validation_fraction * 2919)`, 292 by default) and test
    normals (`round(test_fraction * 2919)`, 584); every abnormal beat goes to the test set,
    which is then shuffled. Defaults: 2043 train, 292 validation and 2665 test beats.

    Files are looked for in `<Keras home>/datasets/ECG5000/`: the two `.txt` files if both
    are there, else `ECG5000.zip`; if neither, the zip is downloaded there with
    `keras.utils.get_file`. No hash is checked (none is pinned for this archive); the
    files' shapes and labels are.

    Args:
        cache_dir: the Keras home folder, the one that contains `datasets/`. Defaults to
            `$KERAS_HOME`, else `~/.keras`, else `/tmp/.keras`, as for `load_mnist()`.
        validation_fraction: share of the normal beats used for validation, in (0, 1).
        test_fraction: share of the normal beats put in the test set, in (0, 1); the two
            must add up to less than 1.
        seed: integer seed of the shuffles.

    Returns:
        `AnomalySplits` with float32 beats `(n, 140, 1)`, `y_test` (1 = abnormal beat),
        `kind_test` = class label - 1 (0 = normal) and `mask_test=None`.

    Raises:
        ValueError: on a fraction outside (0, 1), fractions adding up to 1 or more or
            leaving an empty part, a bad seed or `cache_dir`, or a cached file that is not
            140 values and a label 1..5 per row (the message names the file).
        DatasetUnavailableError: if no file is cached and the download fails; the message
            names the URL and where to put a copy.

    Example:

    ```python
    splits = load_ecg5000()
    splits.x_train.shape, splits.x_test.shape, int(splits.y_test.sum())
    # ((2043, 140, 1), (2665, 140, 1), 2081)
    ```

    Reference:
        Dau et al., "The UCR Time Series Archive", IEEE/CAA J. Autom. Sinica 6(6), 2019,
        https://arxiv.org/abs/1810.07758; data set page:
        https://www.timeseriesclassification.com/description.php?Dataset=ECG5000
    """
    validation_fraction, test_fraction = _check_split_fractions(validation_fraction, test_fraction)
    seed = check_seed(seed)
    home = _keras_home(cache_dir)

    beats, labels = _read_ecg5000(home)  # (5000, 140) float32, (5000,) int64 in 1..5
    rng = np.random.default_rng(seed)
    normal = rng.permutation(np.flatnonzero(labels == 1))
    n_val = round(validation_fraction * len(normal))
    n_test = round(test_fraction * len(normal))
    n_train = len(normal) - n_val - n_test
    for name, size, fraction in (
        ("validation_fraction", n_val, validation_fraction),
        ("test_fraction", n_test, test_fraction),
        ("validation_fraction + test_fraction", n_train, validation_fraction + test_fraction),
    ):
        if size < 1:
            raise ValueError(
                f"`{name}` leaves an empty part of the {len(normal)} normal beats. "
                f"Received: {name}={fraction}"
            )
    abnormal = np.flatnonzero(labels != 1)
    test = rng.permutation(np.concatenate([normal[n_train + n_val :], abnormal]))
    x = beats[:, :, None]  # (beats, 140, 1)
    return AnomalySplits(
        x_train=x[normal[:n_train]],
        x_val=x[normal[n_train : n_train + n_val]],
        x_test=x[test],
        y_test=(labels[test] != 1).astype("int64"),
        kind_test=labels[test] - 1,
        mask_test=None,
    )


# === Private helpers ===


def _check_split_fractions(validation_fraction, test_fraction) -> tuple[float, float]:
    """Both in (0, 1), with room left for training data."""
    validation_fraction = check_fraction(validation_fraction, "validation_fraction")
    test_fraction = check_fraction(test_fraction, "test_fraction")
    if validation_fraction + test_fraction >= 1:
        raise ValueError(
            "`validation_fraction + test_fraction` must be < 1 to leave training data. "
            f"Received: validation_fraction={validation_fraction}, "
            f"test_fraction={test_fraction}"
        )
    return validation_fraction, test_fraction


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


def _as_real_array(values, name: str, owner: str, shape: str) -> np.ndarray:
    """`values` as a NumPy array of real numbers (any shape), else a `ValueError`."""
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(
            f"{owner}: `{name}` must be a rectangular numeric array of shape {shape}. "
            f"Received a {type(values).__name__} that NumPy cannot convert: {error}"
        ) from None
    if (
        array.dtype == object
        or not (np.issubdtype(array.dtype, np.number) or array.dtype == np.bool_)
        or np.issubdtype(array.dtype, np.complexfloating)
    ):
        raise ValueError(
            f"{owner}: `{name}` must hold real numbers (float or int). "
            f"Received dtype={array.dtype}"
        )
    return array


def _check_real_values(values, name: str, owner: str) -> np.ndarray:
    """Finite real `values` of any shape `(..., columns)` as float64, else a `ValueError`."""
    array = _as_real_array(values, name, owner, "(..., num_columns)").astype("float64")
    finite = np.isfinite(array)
    if not finite.all():
        bad = tuple(int(i) for i in np.argwhere(~finite)[0])
        raise ValueError(
            f"{owner}: `{name}` must contain only finite values. Received {array[bad]} at "
            f"index {bad} ({int((~finite).sum())} non-finite value(s) in all)"
        )
    return array


def _check_series(series, owner: str) -> np.ndarray:
    """Validates a series `(T,)` or `(T, columns)`; returns it as float64 `(T, columns)`."""
    array = _as_real_array(series, "series", owner, "(T,) or (T, num_columns)")
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{owner}: `series` must have shape (T,) or (T, num_columns), time on the first "
            f"axis. Received shape={array.shape} (rank {array.ndim})"
        )
    if array.size == 0:
        raise ValueError(
            f"{owner}: `series` must have at least one step and one column. "
            f"Received shape={array.shape}"
        )
    array = array.astype("float64").reshape(len(array), -1)  # (T, columns)
    finite = np.isfinite(array)
    if not finite.all():
        step, column = np.argwhere(~finite)[0]
        raise ValueError(
            f"{owner}: `series` must contain only finite values; fill or drop missing values "
            f"first. Received {array[step, column]} at step {step}, column {column} "
            f"({int((~finite).sum())} non-finite value(s) in all)"
        )
    return array


def _check_columns(columns, num_columns: int, name: str, owner: str) -> tuple[int, ...]:
    """Returns column indices as a tuple: `None` means all, an int means that one."""
    if columns is None:
        return tuple(range(num_columns))
    received = columns
    if isinstance(columns, numbers.Integral) and not isinstance(columns, bool):
        columns = (columns,)
    valid = (
        isinstance(columns, (tuple, list, range))
        and len(columns) > 0
        and all(
            isinstance(c, numbers.Integral) and not isinstance(c, bool) and 0 <= c < num_columns
            for c in columns
        )
        and len(set(columns)) == len(columns)
    )
    if not valid:
        raise ValueError(
            f"{owner}: `{name}` must be None, a column index or a non-empty sequence of "
            f"distinct column indices in 0..{num_columns - 1}. Received: {name}={received!r}"
        )
    return tuple(int(c) for c in columns)


def _check_window_fits(
    length: int, window: int, horizon: int, part: str, owner: str, total: int | None = None
) -> None:
    """Raises `ValueError` if `part` (with `length` steps) cannot hold one window and target."""
    if window + horizon > length:
        of_total = f" of the {total} steps" if total is not None else ""
        raise ValueError(
            f"{owner}: windows longer than {part}: window + horizon = {window + horizon} "
            f"steps, but {part} has {length}{of_total}. Received: window={window}, "
            f"horizon={horizon}"
        )


def _cut_windows(values: np.ndarray, window: int, horizon: int, stride: int, columns):
    """Cuts `values` `(T, columns)` into float32 inputs `(n, window, columns)` and targets."""
    span = np.lib.stride_tricks.sliding_window_view(values, window + horizon, axis=0)
    span = span[::stride].transpose(0, 2, 1)  # (n, window + horizon, columns), a view
    inputs = np.ascontiguousarray(span[:, :window], dtype="float32")
    targets = np.ascontiguousarray(span[:, window:][..., list(columns)], dtype="float32")
    return inputs, targets


def _read_ecg5000(home: str) -> tuple[np.ndarray, np.ndarray]:
    """Reads ECG5000 from the cache, downloading the zip if needed: (beats, labels)."""
    folder = os.path.join(home, _ECG5000_SUBDIR)
    texts = [os.path.join(folder, fname) for fname in _ECG5000_FILES]
    if all(os.path.exists(path) for path in texts):
        parts = []
        for path in texts:
            with open(path, encoding="ascii", errors="replace") as file:
                parts.append(_parse_ucr_text(file, path))
    else:
        archive = os.path.join(folder, _ECG5000_ZIP)
        if not os.path.exists(archive):
            archive = _download_ecg5000(home, folder, archive)
        parts = _read_ucr_zip(archive, _ECG5000_FILES)
    beats = np.concatenate([beats for beats, _ in parts])  # (5000, 140)
    labels = np.concatenate([labels for _, labels in parts])  # (5000,)
    return beats, labels


def _download_ecg5000(home: str, folder: str, archive: str) -> str:
    """Downloads `ECG5000.zip` into `folder`; raises `DatasetUnavailableError` on failure."""
    try:
        # As in _cached_or_download: a missing folder would send get_file to /tmp/.keras.
        os.makedirs(folder, exist_ok=True)
    except OSError:
        pass
    try:
        return keras.utils.get_file(
            _ECG5000_ZIP, origin=_ECG5000_ORIGIN, cache_subdir=_ECG5000_SUBDIR, cache_dir=home
        )
    except Exception as error:  # get_file re-raises a failed fetch as a bare `Exception`.
        raise DatasetUnavailableError(
            f"The ECG5000 dataset could not be downloaded (no network?): {error}\n"
            f"Download {_ECG5000_ORIGIN} elsewhere and place it at:\n  {archive}\n"
            f"or put its two files {' and '.join(_ECG5000_FILES)} in:\n  {folder}\n"
            "(the folder is `cache_dir`, else $KERAS_HOME, else ~/.keras, followed by "
            f"{_ECG5000_SUBDIR}{os.sep}), or use keras_vae.data.make_anomalous_sines(), "
            "which needs no download."
        ) from error


def _read_ucr_zip(archive: str, fnames) -> list[tuple[np.ndarray, np.ndarray]]:
    """Reads the members named `fnames` (at any folder depth) of a UCR zip archive."""
    parts = []
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = {os.path.basename(name): name for name in zipped.namelist()}
            for fname in fnames:
                if fname not in members:
                    raise _corrupt(
                        archive,
                        f"expected a member {fname}. Received members {sorted(members)}",
                    )
                with zipped.open(members[fname]) as raw:
                    text = io.TextIOWrapper(raw, encoding="ascii", errors="replace")
                    parts.append(_parse_ucr_text(text, f"{archive} (member {members[fname]})"))
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise _corrupt(archive, f"{type(error).__name__}: {error}") from None
    return parts


def _parse_ucr_text(file, path: str) -> tuple[np.ndarray, np.ndarray]:
    """Parses UCR text rows `label v_1 ... v_140`: returns float32 beats and int64 labels."""
    try:
        with warnings.catch_warnings():
            # An empty file warns before it fails the shape check below; the error says more.
            warnings.simplefilter("ignore", UserWarning)
            table = np.loadtxt(file, dtype="float64", ndmin=2)  # (beats, 1 + 140)
    except ValueError as error:
        raise _corrupt(path, f"not whitespace-separated numbers ({error})") from None
    if table.shape[0] == 0 or table.shape[1] != 1 + _ECG5000_LENGTH:
        raise _corrupt(
            path,
            f"expected rows of a label and {_ECG5000_LENGTH} values, shape (n, "
            f"{1 + _ECG5000_LENGTH}). Received shape={table.shape}",
        )
    labels, beats = table[:, 0], table[:, 1:]
    if not np.isin(labels, np.arange(1, _ECG5000_CLASSES + 1)).all():
        bad = labels[~np.isin(labels, np.arange(1, _ECG5000_CLASSES + 1))][0]
        raise _corrupt(path, f"expected labels in 1..{_ECG5000_CLASSES}. Received label {bad}")
    if not np.isfinite(beats).all():
        raise _corrupt(path, "expected finite values. Received NaN or infinite values")
    return beats.astype("float32"), labels.astype("int64")
