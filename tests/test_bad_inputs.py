"""Bad input, everywhere: one table of cases, each of which must fail early and clearly.

Every public model (constructor, `fit`, `evaluate`, `predict`, `compile` and its own public
methods), every public function of `keras_vae.data`, `keras_vae.evaluation` and
`keras_vae.saving`, and the argument checks of `keras_vae.callbacks` and a few
`keras_vae.plotting` helpers are fed bad input of these kinds (the keys of `KINDS`):

arrays
    wrong rank; wrong feature count; wrong sequence length; NaN; inf; empty batch; examples
    without values (an empty feature axis); string dtype; object array; ragged nested list;
    complex dtype; a scalar instead of a batch; None instead of an array; integers 0..255
    where a Bernoulli likelihood needs floats in [0, 1]; negative values where it needs
    [0, 1]; arrays of different lengths; negative sample weights; labels that are not
    class indices; a batch where one example is expected
numbers and options
    zero size; negative size; non-integer size; a string for a number; a bool for a number;
    a non-finite number; a fraction outside its interval; a bad seed; a non-boolean flag; an
    unknown option string; arguments that contradict each other; an object of the wrong type;
    a call before the state it needs exists
tf.data
    a Dataset yielding the wrong structure; an unbatched Dataset; a Dataset with the wrong
    element shape; a Dataset of strings; a Dataset whose first batch holds NaN or unscaled
    values; a ragged Dataset; a Dataset without the targets a forecaster needs; validation
    data of the wrong structure
files
    a file that is not a `.keras` archive; a truncated `.keras` archive; an empty file; a
    missing file; a folder; a wrong extension; a zip without `config.json`; an archive with a
    corrupt member; a `config.json` that is not a Keras config; a class Keras cannot find;
    a save path in a missing folder

Each case names the target, the kind, the error type and two regular expressions: one for
the expected value and one for the received value, and the message must match both. The test
also checks that

- the error is raised by keras_vae's own checks (the innermost frame of the traceback is in
  keras_vae), never from deep inside TensorFlow, Keras or NumPy; a few cases name Keras as
  the origin where its own message already names the expected and received value;
- the message is short enough to read (no dumped arrays);
- the model is unchanged: same weights, same optimizer step (it raised before any step);
- nothing was written: `fit` runs with a `ModelCheckpoint` and a `CSVLogger` writing to an
  empty folder, which must still be empty.

`keras.models.load_model` reports a text file or a truncated archive that exists as "File
not found" and a zip without `config.json` as a `KeyError`; `keras_vae.saving.load_model`
checks the file first (the file cases use it). Keras' `model.save` opens the destination
before it serialises, so a failure leaves an empty file; `keras_vae.saving.save_model`, which
every keras_vae model's `save` (and so `ModelCheckpoint`) uses for a `.keras` path, writes
all or nothing (`test_failed_save_leaves_no_partial_file`).

A case may name a known `gap` (where and how to fix it); it then runs as a strict xfail, so
the fix turns it into an XPASS failure until the mark is removed.
`test_table_covers_every_kind_and_public_target` fails when a public function or method
has no case, or a kind is listed without one.
"""

from __future__ import annotations

import inspect
import os
import re
import zipfile
from collections import Counter
from collections.abc import Callable
from types import SimpleNamespace
from typing import NamedTuple

import keras
import numpy as np
import pytest
import tensorflow as tf

import keras_vae
from keras_vae import (
    LSTMVAE,
    VAE,
    Autoencoder,
    DenseAutoencoder,
    DenseVAE,
    LSTMAutoencoder,
    LSTMForecaster,
    SequenceGAN,
    callbacks,
    data,
    evaluation,
    plotting,
    saving,
)

KINDS = {
    # === arrays ===
    "wrong rank": "an array with one axis too many or too few",
    "wrong feature count": "the last axis has the wrong size",
    "wrong sequence length": "the time axis has the wrong size",
    "NaN": "a NaN among the values",
    "inf": "an infinite value",
    "empty batch": "zero examples",
    "empty feature axis": "examples without a single value, e.g. shape (n, 0)",
    "string dtype": "an array of strings",
    "object array": "an array of dtype object (even one holding numbers)",
    "ragged list": "nested lists of unequal lengths",
    "complex dtype": "complex numbers",
    "scalar": "a single number where a batch is expected",
    "None": "None where an array is expected",
    "integers for a Bernoulli likelihood": "8-bit pixels 0..255 where floats in [0, 1] are needed",
    "negative values for a Bernoulli likelihood": "values below 0 where [0, 1] is needed",
    "mismatched lengths": "x, y or sample weights with different numbers of examples",
    "negative sample weights": "a weight below 0",
    "bad labels": "labels outside 0..num_classes-1, fractional, or of the wrong rank",
    "a batch for one example": "several examples where exactly one is expected",
    # === numbers and options ===
    "zero size": "0 where a positive integer is needed",
    "negative size": "a negative integer where a positive one is needed",
    "non-integer size": "a float such as 2.5 where an integer is needed",
    "string for a number": "'3' instead of 3",
    "bool for a number": "True instead of an integer",
    "non-finite number": "NaN or inf for a scalar argument",
    "fraction out of range": "a fraction outside (0, 1) or fractions adding up to 1 or more",
    "bad seed": "a negative, fractional or string seed",
    "non-boolean flag": "'yes' where True or False is needed",
    "unknown option string": "a string that is not one of the documented choices",
    "contradictory arguments": "arguments that cannot go together",
    "wrong object type": "an object of the wrong type (not a model, not callable, ...)",
    "call before its state exists": "sampling before the state sampling needs is fitted",
    # === tf.data ===
    "Dataset of the wrong structure": "a Dataset of dicts, 4-tuples or nested tuples",
    "unbatched Dataset": "a Dataset of single examples",
    "Dataset with the wrong element shape": "batches of the wrong shape",
    "Dataset of strings": "batches of strings",
    "Dataset with bad values": "a first batch with NaN or unscaled values",
    "ragged Dataset": "a Dataset of ragged tensors",
    "Dataset without targets": "a forecaster's Dataset without y",
    "validation data of the wrong structure": "validation_data that is not (x,), (x, y), ... or a Dataset",
    # === files ===
    "not a .keras archive": "a text file named .keras",
    "truncated .keras archive": "the first half of a good archive",
    "empty file": "a 0-byte file (an interrupted save)",
    "missing file": "a path that does not exist",
    "folder instead of a file": "a folder named .keras",
    "wrong extension": "a path that does not end in .keras",
    "zip without config": "a zip archive without config.json or weights",
    "corrupt archive member": "an archive whose weights fail their CRC check",
    "not a Keras config": "a config.json that is not JSON or not a Keras object",
    "unknown class": "a config naming a class Keras cannot find",
    "bad save path": "a save path in a missing folder or with a wrong extension",
}

# Error messages name values, they do not dump them.
MAX_MESSAGE_LENGTH = 1200


class Case(NamedTuple):
    target: str  # what is called: "DenseVAE.fit", "data.make_sines", "DenseVAE()" (constructor)
    kind: str  # a key of KINDS
    call: Callable  # call(env, arg); env has .models, .files (bad files), .out (must stay empty)
    arg: object  # the bad value, or None when `call` holds it
    expected: str  # regex for the expected value
    received: str  # regex for the received value
    error: type = ValueError
    model: str | None = None  # key of the model the call uses; it must stay unchanged
    origin: str = "keras_vae"  # the package that raises
    gap: str | None = None  # a known gap: where and how to fix it (the case is a strict xfail)


# === The models: tiny, built once per module ===

SEQUENCE = {"sequence_length": 6, "num_features": 3, "hidden_dims": (4,), "seed": 0}
SCALER = {"data_min": [0.0, 0.0, 0.0], "data_max": [1.0, 1.0, 1.0]}


class Spec(NamedTuple):
    cls: type
    kwargs: dict
    example: tuple  # one example's shape
    code: tuple | None = None  # the shape of one code that decode() takes, if any
    code_name: str = "z"  # its argument's name in messages
    bernoulli: bool = False  # targets must lie in [0, 1]


DENSE = {"input_shape": (4, 4), "latent_dim": 2, "hidden_dims": (4,), "seed": 0}
MODELS = {
    "DenseAutoencoder": Spec(DenseAutoencoder, DENSE, (4, 4), (2,), bernoulli=True),
    "DenseVAE": Spec(DenseVAE, DENSE, (4, 4), (2,), bernoulli=True),
    "LSTMAutoencoder": Spec(LSTMAutoencoder, {**SEQUENCE, "latent_dim": 2, "likelihood": "bernoulli"}, (6, 3), (2,), "code", True),
    "LSTMForecaster": Spec(LSTMForecaster, {**SEQUENCE, "horizon": 2, "num_targets": 1}, (6, 3)),
    "LSTMVAE": Spec(LSTMVAE, {**SEQUENCE, "latent_dim": 2}, (6, 3), (2,)),
    "SequenceGAN": Spec(SequenceGAN, {**SEQUENCE, "noise_dim": 2, **SCALER}, (6, 3)),
    "SequenceGAN(num_classes=3)": Spec(SequenceGAN, {**SEQUENCE, "noise_dim": 2, "num_classes": 3, **SCALER}, (6, 3)),
}
GAN, CGAN = "SequenceGAN", "SequenceGAN(num_classes=3)"
N = 4  # examples per bad batch
X_IMG = np.random.default_rng(1).random((N, 4, 4)).astype("float32")
X_SEQ = np.random.default_rng(2).random((N, 6, 3)).astype("float32")
Y_FORECAST = np.random.default_rng(3).random((N, 2, 1)).astype("float32")  # (batch, horizon, num_targets)
LABELS = np.array([0, 1, 2, 0])
NOISE = np.zeros((N, 6, 2), "float32")  # (batch, sequence_length, noise_dim)


def build(spec):
    model = spec.cls(**spec.kwargs)
    if isinstance(model, SequenceGAN):
        model.compile(d_optimizer="adam", g_optimizer="adam")
    else:
        model.compile(optimizer="adam")
    return model


@pytest.fixture(scope="module")
def models():
    return {key: build(spec) for key, spec in MODELS.items()}


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Bad `.keras` files next to a good one, written once."""
    folder = tmp_path_factory.mktemp("bad_files")
    DenseVAE(input_shape=(4,), latent_dim=2, hidden_dims=(2,), seed=0).save(folder / "good.keras")
    good = (folder / "good.keras").read_bytes()
    (folder / "text.keras").write_text("not a zip archive\n")
    (folder / "truncated.keras").write_bytes(good[: len(good) // 2])
    (folder / "empty.keras").write_bytes(b"")
    (folder / "folder.keras").mkdir()
    (folder / "good.h5").write_bytes(good)
    with zipfile.ZipFile(folder / "no_config.keras", "w") as archive:
        archive.writestr("metadata.json", "{}")
    with zipfile.ZipFile(folder / "not_json.keras", "w") as archive:
        archive.writestr("config.json", "{not json")
        archive.writestr("model.weights.h5", b"")
    with zipfile.ZipFile(folder / "unknown_class.keras", "w") as archive:
        archive.writestr("config.json", '{"class_name": "NoSuchModel", "config": {}}')
        archive.writestr("model.weights.h5", b"")
    with zipfile.ZipFile(folder / "good.keras") as archive:
        info = archive.getinfo("model.weights.h5")
    corrupt = bytearray(good)
    corrupt[info.header_offset + 30 + len(info.filename) + len(info.extra) + 64] ^= 0xFF  # in the member's data
    (folder / "corrupt.keras").write_bytes(bytes(corrupt))
    return folder


@pytest.fixture
def env(models, files, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    return SimpleNamespace(models=models, files=files, out=out)


# === Building the table ===

CASES: list[Case] = []


def case(target, kind, call, arg, expected, received, **kwargs):
    assert kind in KINDS, kind
    CASES.append(Case(target, kind, call, arg, expected, received, **kwargs))


def esc(value) -> str:
    return re.escape(str(value))


def batch_shape(shape) -> str:
    """The regex of an expected batch shape as the checks print it: `(batch, 4, 4)`, `(batch,)`."""
    return esc("(" + ", ".join(["batch", *map(str, shape)]) + ("," if not shape else "") + ")")


def fit(env, key, x, y=None, **kwargs):
    """`model.fit` with callbacks that would write into `env.out`."""
    writers = [
        keras.callbacks.ModelCheckpoint(str(env.out / "checkpoint.keras")),
        keras.callbacks.CSVLogger(str(env.out / "log.csv")),
    ]
    if not isinstance(x, tf.data.Dataset):
        kwargs = {"batch_size": 2, **kwargs}
    try:
        return env.models[key].fit(x, y, callbacks=writers, **{"epochs": 1, "verbose": 0, **kwargs})
    finally:  # a fit that fails inside Keras (the gaps below) leaves CSVLogger's file open
        log = getattr(writers[1], "csv_file", None)
        if log is not None and not log.closed:
            log.close()


def fitting(key, y=None, **kwargs):
    """`call(env, bad)`: fit the model on `bad` (and `y`)."""
    return lambda env, bad: fit(env, key, bad, y, **kwargs)


def fitting_with(key, x, name, y=None):
    """`call(env, bad)`: fit the model on good `x` with `name=bad` (y, sample_weight, ...)."""
    return lambda env, bad: fit(env, key, x, **{"y": y, name: bad})


def on_model(key, method, *args, **kwargs):
    """`call(env, bad)`: `model.method(bad, *args, **kwargs)`."""
    return lambda env, bad: getattr(env.models[key], method)(bad, *args, **kwargs)


def on_model_with(key, method, name, *args):
    """`call(env, bad)`: `model.method(*args, name=bad)`."""
    return lambda env, bad: getattr(env.models[key], method)(*args, **{name: bad})


def with_kwarg(function, name, *args, **kwargs):
    """`call(env, bad)`: `function(*args, name=bad, **kwargs)`."""
    return lambda env, bad: function(*args, **{name: bad}, **kwargs)


def construct(env, arg):
    cls, kwargs = arg
    return cls(**kwargs)


def bad_batches(shape, name, *, sequence=False, bernoulli=False, none=True, shaped=True):
    """`(kind, value, expected, received)` for a batch of examples of `shape` named `name`.

    `shaped=False` for a function that takes examples of any shape: it cannot tell a wrong
    rank or feature count, and its messages name no shape.
    """
    rng = np.random.default_rng(0)
    good = rng.random((N, *shape)).astype("float32")
    want = batch_shape(shape)
    of_shape = f" of shape {want}" if shaped else ""
    rank = len(shape) + 1
    rows = []
    if shaped:
        wrong_rank = good.reshape(N, -1) if len(shape) > 1 else good[..., None]
        rows.append(("wrong rank", wrong_rank, rf"`{name}` must have rank {rank} with shape {want}",
                     rf"Received shape={esc(wrong_rank.shape)} \(rank {wrong_rank.ndim}\)"))
    if shaped and shape:
        wider = rng.random((N, *shape[:-1], shape[-1] + 1)).astype("float32")
        rows.append(("wrong feature count", wider, rf"`{name}` must have shape {want}",
                     rf"Received shape={esc(wider.shape)} \(axis {len(shape)} is {shape[-1] + 1}, expected {shape[-1]}\)"))
    if sequence:
        shorter = good[:, :-1]
        rows.append(("wrong sequence length", shorter, rf"`{name}` must have shape {want}",
                     rf"Received shape={esc(shorter.shape)} \(axis 1 is {shape[0] - 1}, expected {shape[0]}\)"))
    first, last = (1, *([0] * len(shape))), (2, *[d - 1 for d in shape])
    nan, inf = good.copy(), good.copy()
    nan[first], inf[last] = np.nan, -np.inf
    ragged = [good[0].tolist(), good[1].tolist()[:-1]] if shape else [[0.5], [0.5, 0.5]]
    rows += [
        ("NaN", nan, rf"`{name}` must contain only finite values", rf"Received nan at index {esc(first)}"),
        ("inf", inf, rf"`{name}` must contain only finite values", rf"Received -inf at index {esc(last)}"),
        ("empty batch", good[:0], rf"`{name}` must contain at least one example", rf"Received shape={esc(good[:0].shape)}"),
        ("string dtype", np.full(good.shape, "a"), rf"`{name}` must hold real numbers", r"Received dtype=<U1"),
        ("object array", good.astype(object), rf"`{name}` must hold real numbers", r"Received dtype=object"),
        ("ragged list", ragged, rf"`{name}` must be a rectangular numeric array{of_shape}", r"Received a list that NumPy cannot convert"),
        ("complex dtype", good.astype("complex64"), rf"`{name}` must be real-valued", r"Received dtype=complex64"),
    ]
    if shaped:
        rows.append(("scalar", 0.5, rf"`{name}` must have rank {rank} with shape {want}", r"Received shape=\(\) \(rank 0\)"))
    else:
        rows.append(("scalar", 0.5, rf"`{name}` must be a batch of examples", r"Received a scalar"))
    if none:
        rows.append(("None", None, rf"`{name}` must be an array of examples{of_shape}", rf"Received: {name}=None"))
    if bernoulli:
        expected = rf"`{name}` must have values in \[0\.0, 1\.0\] because likelihood='bernoulli'"
        rows += [
            ("integers for a Bernoulli likelihood", (good * 255).astype("uint8"), expected, r"Received values in \[\d+, 2\d\d\]"),
            ("negative values for a Bernoulli likelihood", good - 1.5, expected, r"Received values in \[-1\.\d+, -0\.\d+\]"),
        ]
    return rows


def add_batches(target, call, shape, name, *, model=None, only=None, **kwargs):
    """One case per bad batch of `bad_batches` (or of the kinds in `only`)."""
    for kind, value, expected, received in bad_batches(shape, name, **kwargs):
        if only is None or kind in only:
            case(target, kind, call, value, expected, received, model=model)


def add_sizes(target, call, name, *, model=None):
    """Zero, negative, fractional, string and bool values of a positive integer argument."""
    for kind, value in (("zero size", 0), ("negative size", -2), ("non-integer size", 2.5),
                        ("string for a number", "3"), ("bool for a number", True)):
        case(target, kind, call, value, rf"`{name}` must be a positive integer", rf"Received: {name}={esc(repr(value))}", model=model)


# --- Models: fit, evaluate, predict and the methods they add ---

for key, spec in MODELS.items():
    if key == CGAN:
        continue  # a conditional GAN's inputs differ only in its labels, below
    cls_name = spec.cls.__name__
    sequence = spec.cls not in (DenseAutoencoder, DenseVAE)
    y = Y_FORECAST if spec.cls is LSTMForecaster else None
    # x=None: see the CheckedRuns cases at the end.
    add_batches(f"{cls_name}.fit", fitting(key, y), spec.example, "x", model=key, sequence=sequence,
                bernoulli=spec.bernoulli, none=False)
    add_batches(f"{cls_name}.evaluate", on_model(key, "evaluate", y, verbose=0), spec.example, "x", model=key,
                sequence=sequence, bernoulli=spec.bernoulli, none=False)
    add_batches(f"{cls_name}.predict", on_model(key, "predict", verbose=0), spec.example, "x", model=key, sequence=sequence)
    for method in ("encode", "posterior", "reconstruct", "anomaly_scores", "reconstruction_errors", "forecast", "adapt",
                   "fit_code_distribution"):
        if hasattr(spec.cls, method):
            add_batches(f"{cls_name}.{method}", on_model(key, method), spec.example, "x", model=key, sequence=sequence)
    if spec.code is not None:
        add_batches(f"{cls_name}.decode", on_model(key, "decode"), spec.code, spec.code_name, model=key)
    for method, inputs in (("encode", spec.example), ("posterior", spec.example), ("reconstruct", spec.example), ("decode", spec.code),
                           ("anomaly_scores", spec.example), ("forecast", spec.example), ("generate", (6, 2))):
        if hasattr(spec.cls, method):
            add_sizes(f"{cls_name}.{method}", on_model_with(key, method, "batch_size", np.zeros((N, *inputs), "float32")),
                      "batch_size", model=key)
    for method in ("sample", "sample_codes"):
        if hasattr(spec.cls, method):
            add_sizes(f"{cls_name}.{method}", on_model(key, method), "n", model=key)
            for seed in (-1, 2.5, "0"):
                case(f"{cls_name}.{method}", "bad seed", on_model_with(key, method, "seed", 2), seed,
                     r"`seed` must be None or an integer in \[0, 2\*\*32 - 1\]", rf"Received: seed={esc(repr(seed))}", model=key)
    if spec.bernoulli:  # the likelihood's range applies to targets: fit(x_noisy, x_clean) checks y
        case(f"{cls_name}.fit", "integers for a Bernoulli likelihood", fitting_with(key, np.zeros((N, *spec.example)), "y"),
             np.full((N, *spec.example), 255, "uint8"), r"`y` must have values in \[0\.0, 1\.0\] because likelihood='bernoulli'",
             r"Received values in \[255, 255\]", model=key)
    if cls_name == "LSTMForecaster":  # takes Keras losses; refuses anything else
        case(f"{cls_name}.compile", "unknown option string", on_model_with(key, "compile", "loss"), "nonsense",
             r"`loss` must be a Keras loss or metric", r"Received: loss='nonsense'", model=key)
    else:
        case(f"{cls_name}.compile", "contradictory arguments", on_model_with(key, "compile", "loss"), "mse",
             r"compile\(\) takes only the optimizer and run options", r"Received: loss='mse'", model=key)

# Targets, weights and validation data of fit.
add_batches("LSTMForecaster.fit", fitting_with("LSTMForecaster", X_SEQ, "y"), (2, 1), "y", model="LSTMForecaster", none=False)
case("LSTMForecaster.fit", "None", fitting_with("LSTMForecaster", X_SEQ, "y"), None,
     r"call fit\(x, y\) with y of shape \(batch, 2, 1\)", r"Received: y=None", model="LSTMForecaster")
case("LSTMForecaster.evaluate", "None", on_model("LSTMForecaster", "evaluate", verbose=0), X_SEQ,
     r"with y of shape \(batch, 2, 1\)", r"Received: y=None", model="LSTMForecaster")
case("LSTMForecaster.fit", "mismatched lengths", fitting_with("LSTMForecaster", X_SEQ, "y"), Y_FORECAST[:3],
     r"all arrays must have the same number of examples", r"Received: x has 4, y has 3", model="LSTMForecaster")
SAMPLE_WEIGHTS = [
    ("mismatched lengths", np.ones(3), r"all arrays must have the same number of examples", r"Received: x has 4, sample_weight has 3"),
    ("negative sample weights", -np.ones(N), r"`sample_weight` must be >= 0", r"Received a minimum of -1"),
    ("NaN", np.array([1.0, np.nan, 1.0, 1.0]), r"`sample_weight` must contain only finite values", r"Received nan at index \(1,\)"),
    ("wrong rank", np.ones((N, 3)), r"`sample_weight` must have shape \(batch,\)", r"Received shape=\(4, 3\)"),
    ("string dtype", np.full(N, "1"), r"`sample_weight` must hold real numbers", r"Received dtype=<U1"),
]
for kind, value, expected, received in SAMPLE_WEIGHTS:
    case("DenseVAE.fit", kind, fitting_with("DenseVAE", X_IMG, "sample_weight"), value, expected, received, model="DenseVAE")
case("DenseVAE.fit", "wrong object type", fitting_with("DenseVAE", X_IMG, "class_weight"), {0: 1.0},
     r"weight examples with `sample_weight` instead", r"Received: class_weight=\{0: 1\.0\}", model="DenseVAE")
for kind, value, expected, received in bad_batches((4, 4), "validation_data x", bernoulli=True, none=False):
    case("DenseVAE.fit", kind, fitting_with("DenseVAE", X_IMG, "validation_data"), (value,), expected, received, model="DenseVAE")
for value, received in ((X_IMG, r"Received: ndarray"), ((X_IMG,) * 4, r"Received: tuple of length 4")):
    case("DenseVAE.fit", "validation data of the wrong structure", fitting_with("DenseVAE", X_IMG, "validation_data"), value,
         r"`validation_data` must be a Dataset, `\(x_val,\)`, `\(x_val, y_val\)`", received, model="DenseVAE")

# --- tf.data ---


def dataset(*arrays):
    """Batches of 2 from `arrays` (one array, a tuple or a dict): `tf.data` as users build it."""
    return tf.data.Dataset.from_tensor_slices(arrays[0] if len(arrays) == 1 else arrays).batch(2)


def from_dataset(key, method, **kwargs):
    """`call(env, make)`: the model's `method` on the Dataset `make()` (built at call time)."""
    if method == "fit":
        return lambda env, make: fit(env, key, make(), **kwargs)
    return lambda env, make: getattr(env.models[key], method)(make(), verbose=0, **kwargs)


WRONG_STRUCTURE = r"must yield batches `x`, `\(x,\)`, `\(x, y\)` or `\(x, y, sample_weight\)`"
DATASETS = [
    ("Dataset of the wrong structure", lambda: dataset({"x": X_IMG}), WRONG_STRUCTURE, r"Received element_spec=\{'x'"),
    ("Dataset of the wrong structure", lambda: dataset(X_IMG, X_IMG, np.ones(N), np.ones(N)), WRONG_STRUCTURE,
     r"Received element_spec=\((TensorSpec.*){4}"),
    ("Dataset of the wrong structure", lambda: dataset((X_IMG, X_IMG), X_IMG), WRONG_STRUCTURE, r"Received element_spec=\(\(TensorSpec"),
    ("unbatched Dataset", lambda: tf.data.Dataset.from_tensor_slices(X_IMG), r"must yield x batches of shape \(batch, 4, 4\)",
     r"Received x of shape \(4, 4\) \(an unbatched Dataset\? call \.batch"),
    ("Dataset with the wrong element shape", lambda: dataset(X_IMG.reshape(N, 16)), r"must yield x batches of shape \(batch, 4, 4\)",
     r"Received x of shape \(None, 16\)"),
    ("Dataset of strings", lambda: dataset(np.full((N, 4, 4), "a")), r"must yield numeric x", r"Received dtype=string"),
    ("Dataset with bad values", lambda: dataset(np.where(X_IMG > 0.5, np.nan, X_IMG).astype("float32")),
     r"`first batch of x` must contain only finite values", r"Received nan at index"),
    ("Dataset with bad values", lambda: dataset(X_IMG * 255), r"`first batch of x` must have values in \[0\.0, 1\.0\] because likelihood",
     r"Received values in \[\d"),
    ("ragged Dataset", lambda: dataset(tf.ragged.constant([[0.5], [0.5, 0.5]])), WRONG_STRUCTURE,
     r"Received element_spec=RaggedTensorSpec"),
]
for kind, make, expected, received in DATASETS:
    case("DenseVAE.fit", kind, from_dataset("DenseVAE", "fit"), make, expected, received, model="DenseVAE")
for method in ("evaluate", "predict"):
    kind, make, expected, received = DATASETS[0]
    case(f"DenseVAE.{method}", kind, from_dataset("DenseVAE", method), make, expected, received, model="DenseVAE")
case("SequenceGAN.predict", "Dataset of the wrong structure", from_dataset(GAN, "predict"), lambda: dataset({"x": X_SEQ}),
     WRONG_STRUCTURE, r"Received element_spec=\{'x'", model=GAN)
case("DenseVAE.fit", "validation data of the wrong structure", fitting_with("DenseVAE", X_IMG, "validation_data"),
     dataset({"x": X_IMG}), r"a Dataset passed as `validation_data x` must yield batches", r"Received element_spec=\{'x'",
     model="DenseVAE")
case("LSTMForecaster.fit", "Dataset without targets", from_dataset("LSTMForecaster", "fit"), lambda: dataset(X_SEQ),
     r"must yield `\(x, y\)` batches, y of shape \(batch, 2, 1\)", r"Received element_spec=TensorSpec\(shape=\(None, 6, 3\)",
     model="LSTMForecaster")
case("LSTMForecaster.fit", "Dataset with the wrong element shape", from_dataset("LSTMForecaster", "fit"), lambda: dataset(X_SEQ, X_SEQ),
     r"must yield y batches of shape \(batch, 2, 1\)", r"Received y of shape \(None, 6, 3\)", model="LSTMForecaster")

# --- Other arguments of the models' methods ---

for key in ("DenseVAE", "LSTMVAE"):
    shape = MODELS[key].example
    one = np.zeros(shape, "float32")
    for kind, start, end, expected, received in (
        ("a batch for one example", np.zeros((3, *shape)), one, rf"`x_start` must be one example of shape {esc(shape)}",
         rf"Received shape={esc((3, *shape))}"),
        ("wrong feature count", one, one[..., :-1], rf"`x_end` must be one example of shape {esc(shape)}",
         rf"Received shape={esc((*shape[:-1], shape[-1] - 1))}"),
        ("ragged list", one, [[0.5], [0.5, 0.5]], r"`x_end` must be a rectangular numeric array", r"Received a list that NumPy cannot convert"),
        ("NaN", one, np.full_like(one, np.nan), r"`x_end` must contain only finite values", r"Received nan at index"),
        ("scalar", 0.5, one, rf"`x_start` must be one example of shape {esc(shape)}", r"Received a scalar: 0\.5"),
    ):
        case(f"{key}.interpolate", kind, lambda env, arg, key=key: env.models[key].interpolate(*arg), (start, end), expected, received,
             model=key)
    for steps, kind in ((0, "zero size"), (1, "zero size"), (2.5, "non-integer size")):
        case(f"{key}.interpolate", kind, on_model_with(key, "interpolate", "steps", one, one), steps,
             r"`steps` must be (a positive integer|>= 2 to include both ends)", rf"Received: steps={steps}", model=key)

case("DenseAutoencoder.sample", "call before its state exists", on_model("DenseAutoencoder", "sample"), 2,
     r"call fit_code_distribution\(x_train\) before sampling", r"Received: no fitted code distribution", model="DenseAutoencoder")
case("DenseAutoencoder.fit_code_distribution", "empty batch", on_model("DenseAutoencoder", "fit_code_distribution"), X_IMG[:1],
     r"needs at least 2 examples to estimate a spread", r"Received 1", model="DenseAutoencoder")

add_batches("SequenceGAN.generate", on_model(GAN, "generate"), (6, 2), "noise", model=GAN, sequence=True)
case("SequenceGAN.fit", "contradictory arguments", fitting_with(GAN, X_SEQ, "y"), LABELS,
     r"without `num_classes` learns from sequences alone; pass x only", r"Received: y of shape \(4,\)", model=GAN)
case("SequenceGAN.generate", "contradictory arguments", on_model_with(GAN, "generate", "labels", NOISE), LABELS,
     r"without `num_classes` takes no labels", r"Received labels of shape \(4,\)", model=GAN)
for labels, received in (([0, 1, 2, 3], r"Received values in \[0, 3\]"), ([0, 0.5, 1, 2], r"Received values in \[0, 2\]")):
    case("SequenceGAN.fit", "bad labels", fitting_with(CGAN, X_SEQ, "y"), np.array(labels),
         r"`y` must hold integer class labels in \[0, 3\)", received, model=CGAN)
    case("SequenceGAN.generate", "bad labels", on_model_with(CGAN, "generate", "labels", NOISE), np.array(labels),
         r"`labels` must hold integer class labels in \[0, 3\)", received, model=CGAN)
case("SequenceGAN.fit", "bad labels", fitting_with(CGAN, X_SEQ, "y"), np.zeros((N, 1, 1)),
     r"`y` must have rank 1 with shape \(batch,\)", r"Received shape=\(4, 1, 1\)", model=CGAN)
case("SequenceGAN.fit", "mismatched lengths", fitting_with(CGAN, X_SEQ, "y"), LABELS[:3],
     r"all arrays must have the same number of examples", r"Received: x has 4, y has 3", model=CGAN)
case("SequenceGAN.fit", "None", fitting_with(CGAN, X_SEQ, "y"), None,
     r"is conditional: call fit\(x, y\) with integer labels y of shape \(batch,\)", r"Received: y=None", model=CGAN)
case("SequenceGAN.generate", "None", on_model_with(CGAN, "generate", "labels", NOISE), None,
     r"needs `labels` of shape \(n,\)", r"Received: None", model=CGAN)
case("SequenceGAN.generate", "mismatched lengths", on_model_with(CGAN, "generate", "labels", NOISE), LABELS[:3],
     r"`labels` must have 4 entries, one per sequence", r"Received 3", model=CGAN)


def networks(*heads):
    """A tiny dense encoder with `heads` outputs of size 2 and a decoder back to (4, 4)."""
    from keras_vae.models._dense import build_mlp_decoder, build_mlp_encoder

    return build_mlp_encoder((4, 4), (), dict.fromkeys(heads, 2), 0), build_mlp_decoder(2, (), (4, 4), 0)


case("Autoencoder()", "wrong object type", lambda env, encoder: Autoencoder(encoder, networks("code")[1]), 3,
     r"`encoder` must be a built Keras model", r"Received: encoder of type int")
case("Autoencoder()", "wrong object type", lambda env, observation: Autoencoder(*networks("code"), observation), "gaussian",
     r"`observation` must be a keras_vae.ObservationModel", r"Received: observation of type str")
case("VAE()", "wrong object type", lambda env, heads: VAE(*networks(*heads)), ("code",),
     r"`encoder` must have two outputs \[z_mean, z_log_var\]", r"Received outputs of shapes \[\(None, 2\)\]")
case("VAE()", "negative size", lambda env, beta: VAE(*networks("z_mean", "z_log_var"), beta=beta), -1.0,
     r"`beta` must be", r"Received: beta=-1.0")

case("SequenceGAN.predict", "wrong object type", on_model(CGAN, "predict", verbose=0), X_SEQ,
     r"predict takes \(sequences, labels\)", r"Received: ndarray", model=CGAN)
case("SequenceGAN.predict", "bad labels", on_model(CGAN, "predict", verbose=0), (X_SEQ, np.array([0, 1, 5, 0])),
     r"`labels` must hold integer class labels in \[0, 3\)", r"Received values in \[0, 5\]", model=CGAN)
case("SequenceGAN.compile", "contradictory arguments", on_model_with(GAN, "compile", "optimizer"), "adam",
     r"pass d_optimizer=\.\.\. and g_optimizer=\.\.\. instead of optimizer", r"Received: optimizer='adam'", model=GAN)
case("SequenceGAN.compile", "contradictory arguments", lambda env, shared: env.models[GAN].compile(shared, shared),
     keras.optimizers.Adam(), r"must be two optimizer objects", r"Received the same object twice", model=GAN)

# --- Constructors ---

GAN_BASE = {**SEQUENCE, "noise_dim": 2}
CONSTRUCTORS = [
    # (class, overrides, kind, expected, received)
    (DenseVAE, {"latent_dim": 0}, "zero size", r"`latent_dim` must be a positive integer", r"Received: latent_dim=0"),
    (DenseVAE, {"hidden_dims": (4, -1)}, "negative size", r"`hidden_dims\[1\]` must be a positive integer", r"Received: hidden_dims\[1\]=-1"),
    (DenseVAE, {"input_shape": (4, 2.5)}, "non-integer size", r"`input_shape\[1\]` must be a positive integer", r"Received: input_shape\[1\]=2\.5"),
    (DenseVAE, {"input_shape": "4x4"}, "string for a number", r"`input_shape` must be a non-empty tuple of positive integers",
     r"Received: input_shape='4x4'"),
    (DenseVAE, {"latent_dim": True}, "bool for a number", r"`latent_dim` must be a positive integer", r"Received: latent_dim=True"),
    (DenseVAE, {"beta": float("nan")}, "non-finite number", r"`beta` must be a finite number >= 0", r"Received: beta=nan"),
    (DenseVAE, {"free_bits": float("inf")}, "non-finite number", r"`free_bits` must be a finite number >= 0", r"Received: free_bits=inf"),
    (DenseVAE, {"likelihood": "poisson"}, "unknown option string", r"`likelihood` must be one of \('bernoulli', 'gaussian', 'binomial'\)",
     r"Received: likelihood='poisson'"),
    (DenseVAE, {"seed": -1}, "bad seed", r"`seed` must be None or an integer in \[0, 2\*\*32 - 1\]", r"Received: seed=-1"),
    (DenseVAE, {"seed": "0"}, "bad seed", r"`seed` must be None or an integer in \[0, 2\*\*32 - 1\]", r"Received: seed='0'"),
    (DenseVAE, {"observation_std": 0.5}, "contradictory arguments", r"`observation_std` only applies to likelihood='gaussian'",
     r"Received: likelihood='bernoulli', observation_std=0\.5"),
    (DenseAutoencoder, {"input_shape": ()}, "empty feature axis", r"`input_shape` must be a non-empty tuple", r"Received: input_shape=\(\)"),
    (DenseAutoencoder, {"hidden_dims": (0,)}, "zero size", r"`hidden_dims\[0\]` must be a positive integer", r"Received: hidden_dims\[0\]=0"),
    (DenseAutoencoder, {"likelihood": "gaussian", "observation_std": -1.0}, "negative size",
     r"`observation_std` must be a finite number > 0", r"Received: observation_std=-1\.0"),
    (LSTMAutoencoder, {"sequence_length": 0}, "zero size", r"`sequence_length` must be a positive integer", r"Received: sequence_length=0"),
    (LSTMAutoencoder, {"hidden_dims": ()}, "empty feature axis", r"`hidden_dims` must list at least one LSTM size", r"Received: hidden_dims=\(\)"),
    (LSTMAutoencoder, {"likelihood": "Gaussian"}, "unknown option string", r"`likelihood` must be one of", r"Received: likelihood='Gaussian'"),
    (LSTMAutoencoder, {"mean_sequence": 1}, "non-boolean flag", r"`mean_sequence` must be True or False", r"Received: mean_sequence=1"),
    (LSTMForecaster, {"horizon": 0}, "zero size", r"`horizon` must be a positive integer", r"Received: horizon=0"),
    (LSTMForecaster, {"num_targets": -1}, "negative size", r"`num_targets` must be a positive integer", r"Received: num_targets=-1"),
    (LSTMForecaster, {"num_features": 2.5}, "non-integer size", r"`num_features` must be a positive integer", r"Received: num_features=2\.5"),
    (LSTMVAE, {"autoregressive": "yes"}, "non-boolean flag", r"`autoregressive` must be True or False", r"Received: autoregressive='yes'"),
    (LSTMVAE, {"autoregressive": True, "step_dropout": 1.0}, "fraction out of range", r"`step_dropout` must be a number in \[0, 1\)",
     r"Received: step_dropout=1\.0"),
    (LSTMVAE, {"autoregressive": True, "step_dropout": "0.1"}, "string for a number", r"`step_dropout` must be a number in \[0, 1\)",
     r"Received: step_dropout='0\.1'"),
    (LSTMVAE, {"step_dropout": 0.2}, "contradictory arguments", r"set autoregressive=True or step_dropout=0",
     r"Received: step_dropout=0\.2, autoregressive=False"),
    (LSTMVAE, {"beta": -1.0}, "negative size", r"`beta` must be a finite number >= 0", r"Received: beta=-1\.0"),
    (SequenceGAN, {"noise_dim": 0}, "zero size", r"`noise_dim` must be a positive integer", r"Received: noise_dim=0"),
    (SequenceGAN, {"num_classes": 0}, "zero size", r"`num_classes` must be a positive integer", r"Received: num_classes=0"),
    (SequenceGAN, {"discriminator_dims": ()}, "empty feature axis", r"`discriminator_dims` must list at least one LSTM size", r"Received: \(\)"),
    (SequenceGAN, {"moment_weight": float("inf")}, "non-finite number", r"`moment_weight` must be a finite number >= 0",
     r"Received: moment_weight=inf"),
    (SequenceGAN, {"step_noise": "no"}, "non-boolean flag", r"`step_noise` must be True or False", r"Received: step_noise='no'"),
    (SequenceGAN, {"data_min": [0.0] * 3}, "contradictory arguments", r"`data_min` and `data_max` must be given together",
     r"Received: data_min=\[0\.0, 0\.0, 0\.0\], data_max=None"),
    (SequenceGAN, {"data_min": ["a"] * 3, "data_max": [1.0] * 3}, "string dtype", r"`data_min` must be 3 finite numbers, one per feature",
     r"Received: data_min=\['a', 'a', 'a'\]"),
    (SequenceGAN, {"data_min": [0.0, np.nan, 0.0], "data_max": [1.0] * 3}, "NaN", r"`data_min` must be 3 finite numbers",
     r"Received: data_min=\[0\.0, nan, 0\.0\]"),
    (SequenceGAN, {"data_min": [0.0], "data_max": [1.0]}, "wrong feature count", r"`data_min` must be 3 finite numbers",
     r"Received: data_min=\[0\.0\]"),
    (SequenceGAN, {"data_min": [1.0] * 3, "data_max": [0.0] * 3}, "contradictory arguments", r"`data_max` must be >= `data_min`",
     r"Received: data_min=\[1\.0, 1\.0, 1\.0\], data_max=\[0\.0"),
]
for cls, overrides, kind, expected, received in CONSTRUCTORS:
    base = GAN_BASE if cls is SequenceGAN else MODELS[cls.__name__].kwargs
    case(f"{cls.__name__}()", kind, construct, (cls, {**base, **overrides}), expected, received)

# --- Saving and loading ---

EXPECTED_ARCHIVE = r"must be a `\.keras` archive written by `model\.save`"
LOAD = [
    ("not a .keras archive", "text.keras", EXPECTED_ARCHIVE, r"a file of 18 bytes that is not a zip archive \(it starts with b'not '\)"),
    ("truncated .keras archive", "truncated.keras", EXPECTED_ARCHIVE, r"a truncated or corrupt zip archive of \d+ bytes"),
    ("empty file", "empty.keras", EXPECTED_ARCHIVE, r"an empty file \(0 bytes"),
    ("missing file", "missing.keras", r"`path` must be an existing file", r"missing\.keras', which does not exist"),
    ("folder instead of a file", "folder.keras", r"`path` must be a file", r"folder\.keras', which is a folder"),
    ("wrong extension", "good.h5", r"`path` must end in `\.keras`", r"good\.h5' \(\.h5\)"),
    ("zip without config", "no_config.keras", r"a zip file holding config\.json and model\.weights\.h5",
     r"a zip archive without config\.json and model\.weights\.h5"),
    ("corrupt archive member", "corrupt.keras", EXPECTED_ARCHIVE, r"whose member 'model\.weights\.h5' is corrupt"),
    ("not a Keras config", "not_json.keras", EXPECTED_ARCHIVE, r"whose config\.json is not JSON"),
    ("unknown class", "unknown_class.keras", r"that Keras can rebuild", r"which Keras could not load: TypeError: Could not locate class 'NoSuchModel'"),
]
for kind, name, expected, received in LOAD:
    case("saving.load_model", kind, lambda env, name: saving.load_model(env.files / name), name, expected, received)
case("saving.load_model", "wrong object type", lambda env, path: saving.load_model(path), 3,
     r"`path` must be a path \(str or os\.PathLike\)", r"Received: path=3")
SAVE = [
    ("bad save path", lambda env: env.out / "missing" / "model.keras", r"`path` must be in an existing folder",
     r"whose folder '.*missing' does not exist", {}),
    ("wrong extension", lambda env: env.out / "model.h5", r"`path` must end in `\.keras`", r"model\.h5' \(\.h5\)", {}),
    ("folder instead of a file", lambda env: env.files / "folder.keras", r"`path` must name a file, not a folder",
     r"folder\.keras', which is a folder", {}),
    ("contradictory arguments", lambda env: env.files / "good.keras", r"`path` must not exist when overwrite=False",
     r"good\.keras', which exists", {"overwrite": False}),
]
for kind, path, expected, received, kwargs in SAVE:
    case("saving.save_model", kind, lambda env, path, kwargs=kwargs: saving.save_model(env.models["DenseVAE"], path(env), **kwargs),
         path, expected, received, model="DenseVAE")
case("saving.save_model", "wrong object type", lambda env, model: saving.save_model(model, env.out / "model.keras"), "model",
     r"`model` must be a keras\.Model", r"Received: str")
# Every model's save: Keras' own message for a wrong extension names what it expects and
# what it received; a missing folder is caught by keras_vae.saving before anything is written.
for _name in ("DenseAutoencoder", "DenseVAE", "LSTMAutoencoder", "LSTMForecaster", "LSTMVAE", "SequenceGAN"):
    case(f"{_name}.save", "wrong extension", lambda env, name, m=_name: env.models[m].save(env.out / name), "model.txt",
         r"add either a `\.keras` extension", r"Received: filepath=.*model\.txt", model=_name, origin="keras")
    case(f"{_name}.save", "bad save path", lambda env, name, m=_name: env.models[m].save(env.out / name),
         "missing/model.keras", r"`path` must be in an existing folder", r"missing/model\.keras", model=_name)

# --- keras_vae.data ---

SERIES = np.sin(np.arange(60.0) / 3.0)
BAD_SERIES = [
    ("wrong rank", np.zeros((20, 2, 2)), r"`series` must have shape \(T,\) or \(T, num_columns\)", r"Received shape=\(20, 2, 2\) \(rank 3\)"),
    ("NaN", np.where(np.arange(60) == 7, np.nan, SERIES), r"`series` must contain only finite values", r"Received nan at step 7, column 0"),
    ("inf", np.where(np.arange(60) == 9, np.inf, SERIES), r"`series` must contain only finite values", r"Received inf at step 9, column 0"),
    ("empty batch", np.zeros(0), r"`series` must have at least one step and one column", r"Received shape=\(0,\)"),
    ("empty feature axis", np.zeros((60, 0)), r"`series` must have at least one step and one column", r"Received shape=\(60, 0\)"),
    ("string dtype", np.full(60, "a"), r"`series` must hold real numbers", r"Received dtype=<U1"),
    ("object array", SERIES.astype(object), r"`series` must hold real numbers", r"Received dtype=object"),
    ("ragged list", [[0.0, 1.0], [0.0]], r"`series` must be a rectangular numeric array of shape \(T,\) or \(T, num_columns\)",
     r"Received a list that NumPy cannot convert"),
    ("complex dtype", SERIES.astype(complex), r"`series` must hold real numbers", r"Received dtype=complex128"),
    ("scalar", 3.0, r"`series` must have shape \(T,\) or \(T, num_columns\)", r"Received shape=\(\) \(rank 0\)"),
    ("None", None, r"`series` must hold real numbers", r"Received dtype=object"),
]
for name in ("make_windows", "make_forecasting_splits"):
    function = getattr(data, name)
    for kind, value, expected, received in BAD_SERIES:
        case(f"data.{name}", kind, lambda env, series, function=function: function(series, 3), value, rf"{name}: {expected}", received)
    add_sizes(f"data.{name}", with_kwarg(function, "window", SERIES), "window")
    add_sizes(f"data.{name}", with_kwarg(function, "horizon", SERIES, 3), "horizon")
    case(f"data.{name}", "zero size", with_kwarg(function, "stride", SERIES, 3), 0, r"`stride` must be a positive integer", r"Received: stride=0")
    case(f"data.{name}", "wrong feature count", with_kwarg(function, "target_columns", SERIES, 3), 1,
         r"`target_columns` must be None, a column index or a non-empty sequence of distinct column indices in 0\.\.0",
         r"Received: target_columns=1")
case("data.make_windows", "wrong sequence length", with_kwarg(data.make_windows, "window", SERIES), 60,
     r"windows longer than the series: window \+ horizon = 61 steps", r"the series has 60\. Received: window=60, horizon=1")
case("data.make_forecasting_splits", "wrong sequence length", with_kwarg(data.make_forecasting_splits, "window", SERIES), 12,
     r"windows longer than the validation part: window \+ horizon = 13 steps", r"the validation part has 9 of the 60 steps")
case("data.make_forecasting_splits", "unknown option string", with_kwarg(data.make_forecasting_splits, "scaling", SERIES, 3), "robust",
     r"`scaling` must be one of \('standard', 'minmax', 'none'\)", r"Received: scaling='robust'")
case("data.make_forecasting_splits", "fraction out of range", with_kwarg(data.make_forecasting_splits, "test_fraction", SERIES, 3), 0.9,
     r"`validation_fraction \+ test_fraction` must be < 1", r"Received: validation_fraction=0\.15, test_fraction=0\.9")

SPLITS = data.make_forecasting_splits(SERIES, 3)
SCALER_2 = data.SeriesScaler(offset=np.zeros(2), scale=np.ones(2))
for target, function, columns in (
    ("data.SeriesScaler.transform", SCALER_2.transform, 2),
    ("data.SeriesScaler.inverse_transform", SCALER_2.inverse_transform, 2),
    ("data.ForecastingSplits.inverse_transform_targets", SPLITS.inverse_transform_targets, 1),
):
    owner = "SeriesScaler." + target.split(".")[-1].removesuffix("_targets")
    good = np.zeros((N, 2, columns))
    for kind, value, expected, received in (
        ("wrong feature count", np.zeros((N, 2, columns + 1)),
         rf"the last axis of `values` must hold one value per column .* have size {columns}", rf"Received shape=\(4, 2, {columns + 1}\)"),
        ("NaN", np.full_like(good, np.nan), r"`values` must contain only finite values", r"Received nan at index \(0, 0, 0\)"),
        ("inf", np.full_like(good, np.inf), r"`values` must contain only finite values", r"Received inf at index \(0, 0, 0\)"),
        ("string dtype", np.full(good.shape, "a"), r"`values` must hold real numbers", r"Received dtype=<U1"),
        ("object array", good.astype(object), r"`values` must hold real numbers", r"Received dtype=object"),
        ("ragged list", [[0.0] * columns, [0.0] * (columns + 1)], r"`values` must be a rectangular numeric array of shape \(\.\.\., num_columns\)",
         r"Received a list that NumPy cannot convert"),
        ("complex dtype", good.astype(complex), r"`values` must hold real numbers", r"Received dtype=complex128"),
        ("scalar", 1.0, r"the last axis of `values` must hold one value per column", r"Received shape=\(\)"),
    ):
        case(target, kind, lambda env, values, function=function: function(values), value, rf"{owner}: {expected}", received)
case("data.SeriesScaler.transform", "wrong feature count", with_kwarg(SCALER_2.transform, "columns", np.zeros((N, 1))), 5,
     r"`columns` must be None, a column index or a non-empty sequence of distinct column indices in 0\.\.1", r"Received: columns=5")

IMAGES = np.random.default_rng(4).random((10, 4, 4)).astype("float32")
for kind, value, expected, received in bad_batches((4, 4), "x", shaped=False):
    case("data.make_dataset", kind, with_kwarg(data.make_dataset, "x"), value, expected, received)
case("data.make_dataset", "mismatched lengths", with_kwarg(data.make_dataset, "y", IMAGES), IMAGES[:3],
     r"all arrays must have the same number of examples", r"Received: x has 10, y has 3")
case("data.make_dataset", "negative sample weights", with_kwarg(data.make_dataset, "sample_weight", IMAGES), -np.ones(10),
     r"`sample_weight` must have values in \[0\.0, inf\]", r"Received values in \[-1, -1\]")
case("data.make_dataset", "string dtype", with_kwarg(data.make_dataset, "y", IMAGES), np.full(10, "a"),
     r"`y` must hold real numbers", r"Received dtype=<U1")
add_sizes("data.make_dataset", with_kwarg(data.make_dataset, "batch_size", IMAGES), "batch_size")
case("data.make_dataset", "non-boolean flag", with_kwarg(data.make_dataset, "shuffle", IMAGES), "yes",
     r"`shuffle` must be True or False", r"Received: shuffle='yes'")
case("data.make_dataset", "bad seed", with_kwarg(data.make_dataset, "seed", IMAGES, shuffle=True), -1,
     r"`seed` must be an integer in \[0, 2\*\*32 - 1\]", r"Received: seed=-1")
case("data.make_dataset", "contradictory arguments", with_kwarg(data.make_dataset, "batch_size", IMAGES, drop_remainder=True), 32,
     r"`batch_size` must be <= the 10 examples", r"Received: batch_size=32")

for name in ("n", "sequence_length", "num_features"):
    add_sizes("data.make_sines", with_kwarg(data.make_sines, name), name)
for seed in (-1, 2**40, "0"):
    case("data.make_sines", "bad seed", with_kwarg(data.make_sines, "seed", 4), seed, r"`seed` must be an integer",
         rf"Received: seed={esc(repr(seed))}")
for name in ("n_train", "n_val", "n_test", "num_features"):
    add_sizes("data.make_anomalous_sines", with_kwarg(data.make_anomalous_sines, name), name)
for name, value, kind, expected, received in (
    ("sequence_length", 8, "wrong sequence length", r"`sequence_length` must be >= 32", r"Received: sequence_length=8"),
    ("anomaly_fraction", 1.0, "fraction out of range", r"`anomaly_fraction` must be a number in \(0, 1\)", r"Received: anomaly_fraction=1\.0"),
    ("anomaly_fraction", 0.001, "fraction out of range", r"`round\(anomaly_fraction \* n_test\)` must be between 1 and n_test - 1",
     r"Received: anomaly_fraction=0\.001, n_test=400"),
    ("noise", float("nan"), "non-finite number", r"`noise` must be a finite number >= 0", r"Received: noise=nan"),
):
    case("data.make_anomalous_sines", kind, with_kwarg(data.make_anomalous_sines, name), value, expected, received)

SPLIT_ARGUMENTS = [
    ("validation_fraction", 1.5, "fraction out of range", r"`validation_fraction` must be a number in \(0, 1\)",
     r"Received: validation_fraction=1\.5"),
    ("test_fraction", 0, "fraction out of range", r"`test_fraction` must be a number in \(0, 1\)", r"Received: test_fraction=0"),
    ("test_fraction", 0.95, "fraction out of range", r"`validation_fraction \+ test_fraction` must be < 1", r"test_fraction=0\.95"),
    ("validation_fraction", "0.1", "string for a number", r"`validation_fraction` must be a number in \(0, 1\)",
     r"Received: validation_fraction='0\.1'"),
    ("validation_fraction", float("nan"), "non-finite number", r"`validation_fraction` must be a number in \(0, 1\)",
     r"Received: validation_fraction=nan"),
    ("seed", -1, "bad seed", r"`seed` must be an integer in \[0, 2\*\*32 - 1\]", r"Received: seed=-1"),
]
for function in (data.load_digits, data.load_ecg5000):
    for name, value, kind, expected, received in SPLIT_ARGUMENTS:
        case(f"data.{function.__name__}", kind, with_kwarg(function, name), value, expected, received)
case("data.load_digits", "fraction out of range", with_kwarg(data.load_digits, "validation_fraction"), 0.001,
     r"`validation_fraction` must leave every one of the 10 classes in both parts", r"Received: validation_fraction=0\.001")
case("data.load_mnist", "unknown option string", lambda env, name: data.load_mnist(name, cache_dir=env.out), "cifar10",
     r"`name` must be one of \('mnist', 'fashion_mnist'\)", r"Received: name='cifar10'")
case("data.load_mnist", "fraction out of range", lambda env, value: data.load_mnist(validation_fraction=value, cache_dir=env.out), 1.0,
     r"`validation_fraction` must be a number in \(0, 1\)", r"Received: validation_fraction=1\.0")
case("data.load_mnist", "wrong object type", with_kwarg(data.load_mnist, "cache_dir"), 3,
     r"`cache_dir` must be a non-empty path or None", r"Received: cache_dir=3")
case("data.load_ecg5000", "wrong object type", with_kwarg(data.load_ecg5000, "cache_dir"), "",
     r"`cache_dir` must be a non-empty path or None", r"Received: cache_dir=''")

# --- keras_vae.evaluation ---

CODES = np.random.default_rng(5).standard_normal((N, 2)).astype("float32")
SEQS = np.random.default_rng(6).random((10, 6, 3)).astype("float32")
SCORES = np.array([0.1, 0.2, 0.9, 0.4])


def add_codes(target, call, name, latent_dim=None):
    """Bad `(n, latent_dim)` codes; `latent_dim=None` where any width is accepted."""
    for kind, value, expected, received in bad_batches((2,), name):
        if latent_dim is None:
            if kind == "wrong feature count":
                continue
            expected = expected.replace(batch_shape((2,)), r"\(batch, any\)")
        case(target, kind, call, value, expected, received)
    case(target, "empty feature axis", call, np.zeros((N, 0)), rf"`{name}` must (hold at least one value per example|have shape)",
         r"Received shape=\(4, 0\)")


add_codes("evaluation.active_units", with_kwarg(evaluation.active_units, "z_mean"), "z_mean")
add_codes("evaluation.kl_per_dimension", with_kwarg(evaluation.kl_per_dimension, "z_mean", z_log_var=CODES), "z_mean")
add_codes("evaluation.kl_per_dimension", with_kwarg(evaluation.kl_per_dimension, "z_log_var", CODES), "z_log_var", 2)
add_codes("evaluation.off_data_fraction", with_kwarg(evaluation.off_data_fraction, "sampled", reference=CODES, held_out=CODES), "sampled")
add_codes("evaluation.off_data_fraction", with_kwarg(evaluation.off_data_fraction, "reference", CODES, held_out=CODES), "reference", 2)
add_codes("evaluation.off_data_fraction", with_kwarg(evaluation.off_data_fraction, "held_out", CODES, CODES), "held_out", 2)
for threshold, kind in ((0, "zero size"), (-0.1, "negative size"), (float("inf"), "non-finite number"), ("0.1", "string for a number")):
    case("evaluation.active_units", kind, with_kwarg(evaluation.active_units, "threshold", CODES), threshold,
         r"`threshold` must be a finite number > 0", rf"Received: threshold={esc(repr(threshold))}")
case("evaluation.active_units", "empty batch", with_kwarg(evaluation.active_units, "z_mean"), CODES[:1],
     r"`z_mean` needs at least 2 examples to measure a variance", r"Received shape=\(1, 2\)")
case("evaluation.kl_per_dimension", "mismatched lengths", with_kwarg(evaluation.kl_per_dimension, "z_log_var", CODES), CODES[:3],
     r"all arrays must have the same number of examples", r"Received: z_mean has 4, z_log_var has 3")
case("evaluation.off_data_fraction", "fraction out of range", with_kwarg(evaluation.off_data_fraction, "quantile", CODES, CODES, CODES), 1,
     r"`quantile` must be a number in \(0, 1\)", r"Received: quantile=1")

for target, call in (
    ("evaluation.threshold_from_normal", with_kwarg(evaluation.threshold_from_normal, "scores")),
    ("evaluation.detection_report", with_kwarg(evaluation.detection_report, "scores", labels=[0, 0, 1, 1], threshold=0.5)),
):
    for kind, value, expected, received in bad_batches((), "scores", shaped=False):
        case(target, kind, call, value, expected, received)
    case(target, "wrong rank", call, SCORES[:, None], r"`scores` must be a 1-D array, one score per sequence", r"Received shape=\(4, 1\)")
case("evaluation.threshold_from_normal", "fraction out of range", with_kwarg(evaluation.threshold_from_normal, "quantile", SCORES), 0,
     r"`quantile` must be a number in \(0, 1\)", r"Received: quantile=0")
for labels, kind, expected, received in (
    ([0, 1, 2, 1], "bad labels", r"`labels` must be 0 \(normal\) or 1 \(anomaly\)", r"Received other values, e\.g\. \[2\]"),
    ([0, 1, 1], "mismatched lengths", r"`scores` and `labels` must be 1-D arrays of the same length",
     r"Received: scores\.shape=\(4,\), labels\.shape=\(3,\)"),
    ([0, 0, 0, 0], "bad labels", r"`labels` must contain both classes", r"Received only 0s \(4 labels\)"),
    (["a"] * 4, "string dtype", r"`labels` must be numbers 0 or 1", r"Received dtype=<U1"),
    ([[0], [1, 1], [0], [1]], "ragged list", r"`labels` must be a 1-D array of 0s and 1s", r"Received a list that NumPy cannot convert"),
):
    case("evaluation.detection_report", kind, with_kwarg(evaluation.detection_report, "labels", SCORES, threshold=0.5), labels,
         expected, received)
for threshold, kind in ((float("nan"), "non-finite number"), ("0.5", "string for a number")):
    case("evaluation.detection_report", kind, with_kwarg(evaluation.detection_report, "threshold", SCORES, [0, 0, 1, 1]), threshold,
         r"`threshold` must be a finite number", rf"Received: threshold={esc(repr(threshold))}")

for target in ("mean_sequence_scores", "nearest_neighbour_scores"):
    baseline = getattr(evaluation, target)
    for kind, value, expected, received in bad_batches((6, 3), "x", sequence=True):
        case(f"evaluation.{target}", kind, with_kwarg(baseline, "x", SEQS), value, expected, received)
    for kind, value, expected, received in bad_batches((6, 3), "x_normal", shaped=False):
        case(f"evaluation.{target}", kind, with_kwarg(baseline, "x_normal", x=SEQS), value, expected, received)
two_sample = evaluation.nearest_neighbour_two_sample
for kind, value, expected, received in bad_batches((6, 3), "synthetic", sequence=True):
    case("evaluation.nearest_neighbour_two_sample", kind, with_kwarg(two_sample, "synthetic", SEQS), value, expected, received)
for kind, value, expected, received in bad_batches((6, 3), "real", shaped=False):
    case("evaluation.nearest_neighbour_two_sample", kind, with_kwarg(two_sample, "real", synthetic=SEQS), value, expected, received)
for size, kind in ((0, "zero size"), (2.5, "non-integer size")):
    case("evaluation.nearest_neighbour_scores", kind, with_kwarg(evaluation.nearest_neighbour_scores, "batch_size", SEQS, SEQS),
         size, r"`batch_size` must be a positive integer", rf"Received: batch_size={size}")

BAD_REAL = [
    ("wrong rank", SEQS.reshape(10, 18), r"`real` must be a batch of sequences of shape \(n, sequence_length, num_features\)",
     r"Received shape=\(10, 18\) \(rank 2\)"),
    ("wrong feature count", SEQS[..., :2], r"`real` and `synthetic` must hold sequences of the same shape",
     r"Received: real\.shape=\(10, 6, 2\), synthetic\.shape=\(10, 6, 3\)"),
    ("wrong sequence length", SEQS[:, :5], r"`real` and `synthetic` must hold sequences of the same shape", r"Received: real\.shape=\(10, 5, 3\)"),
    ("NaN", np.where(SEQS > 0.9, np.nan, SEQS), r"`real` must contain only finite values", r"Received nan at index"),
    ("empty batch", SEQS[:0], r"`real` must contain at least one example", r"Received shape=\(0, 6, 3\)"),
    ("string dtype", np.full(SEQS.shape, "a"), r"`real` must hold real numbers", r"Received dtype=<U1"),
    ("None", None, r"`real` must be an array of examples", r"Received: real=None"),
]
for function in (evaluation.discriminative_score, evaluation.predictive_score, evaluation.embed_real_and_synthetic):
    target = f"evaluation.{function.__name__}"
    for kind, value, expected, received in BAD_REAL:
        case(target, kind, with_kwarg(function, "real", synthetic=SEQS), value, expected, received)
    case(target, "inf", with_kwarg(function, "synthetic", SEQS), np.where(SEQS > 0.9, np.inf, SEQS),
         r"`synthetic` must contain only finite values", r"Received inf at index")
    sizes = ("n",) if function is evaluation.embed_real_and_synthetic else ("repeats", "iterations", "batch_size", "hidden_dim")
    for name in sizes:
        add_sizes(target, with_kwarg(function, name, SEQS, SEQS), name)
    case(target, "bad seed", with_kwarg(function, "seed", SEQS, SEQS), -1, r"`seed` must be an integer in \[0, 2\*\*32 - 1\]", r"Received: seed=-1")
case("evaluation.discriminative_score", "empty batch", with_kwarg(evaluation.discriminative_score, "real", synthetic=SEQS), SEQS[:1],
     r"`real` must contain at least 2 sequences", r"Received shape=\(1, 6, 3\)")
case("evaluation.predictive_score", "wrong feature count", lambda env, x: evaluation.predictive_score(x, x), SEQS[..., :1],
     r"needs sequence_length >= 2 .* and num_features >= 2", r"Received sequences of shape \(6, 1\)")
case("evaluation.embed_real_and_synthetic", "unknown option string", with_kwarg(evaluation.embed_real_and_synthetic, "method", SEQS, SEQS),
     "umap", r"`method` must be one of \('pca', 'tsne'\)", r"Received: method='umap'")
case("evaluation.embed_real_and_synthetic", "contradictory arguments",
     with_kwarg(evaluation.embed_real_and_synthetic, "method", SEQS, SEQS), "tsne",
     r"t-SNE with perplexity 40 needs more than 40 sequences in all", r"Received 10 real and 10 synthetic sequences")

case("evaluation.vae_likelihood_functions", "wrong object type", lambda env, key: evaluation.vae_likelihood_functions(env.models[key]),
     "DenseAutoencoder", r"`model` must be a keras_vae VAE", r"Received: model of type DenseAutoencoder", model="DenseAutoencoder")
case("evaluation.importance_weighted_nll", "wrong object type", with_kwarg(evaluation.importance_weighted_nll, "model", x=X_IMG), "vae",
     r"`model` must be a keras_vae VAE", r"Received: model of type str")
add_batches("evaluation.importance_weighted_nll", lambda env, x: evaluation.importance_weighted_nll(env.models["DenseVAE"], x),
            (4, 4), "x", model="DenseVAE", bernoulli=True,
            only=("wrong rank", "wrong feature count", "NaN", "integers for a Bernoulli likelihood"))
case("evaluation.importance_weighted_nll", "zero size", lambda env, k: evaluation.importance_weighted_nll(env.models["DenseVAE"], X_IMG,
     num_samples=k), 0, r"`num_samples` must be a positive integer", r"Received: num_samples=0", model="DenseVAE")
case("evaluation.importance_weighted_bounds", "wrong object type", with_kwarg(evaluation.importance_weighted_bounds, "encode", x=X_IMG,
     log_likelihood=4), 3, r"`encode` and `log_likelihood` must be callables", r"Received: encode of type int, log_likelihood of type int")
case("evaluation.importance_weighted_bounds", "NaN", with_kwarg(evaluation.importance_weighted_bounds, "x", len, len),
     np.full((2, 3), np.nan), r"`x` must contain only finite values", r"Received nan at index \(0, 0\)")
case("evaluation.importance_weighted_bounds", "bad seed", with_kwarg(evaluation.importance_weighted_bounds, "seed", len, len, X_IMG), -1,
     r"`seed` must be an integer in \[0, 2\*\*32 - 1\]", r"Received: seed=-1")

# --- keras_vae.callbacks and keras_vae.plotting: their argument checks ---

KL_ANNEALING = callbacks.KLAnnealing
case("callbacks.KLAnnealing()", "unknown option string", with_kwarg(KL_ANNEALING, "schedule"), "exponential",
     r"`schedule` must be one of \('linear', 'sigmoid', 'cyclical'\)", r"Received: schedule='exponential'")
case("callbacks.KLAnnealing()", "unknown option string", with_kwarg(KL_ANNEALING, "unit", "linear"), "step",
     r"`unit` must be one of \('batch', 'epoch'\)", r"Received: unit='step'")
add_sizes("callbacks.KLAnnealing()", with_kwarg(KL_ANNEALING, "duration", "linear"), "duration")
case("callbacks.KLAnnealing()", "fraction out of range", with_kwarg(KL_ANNEALING, "ratio", "cyclical"), 0,
     r"`ratio` must be a number in \(0, 1\]", r"Received: ratio=0")
case("callbacks.KLAnnealing()", "non-finite number", with_kwarg(KL_ANNEALING, "stop", "linear"), float("inf"),
     r"`stop` must be a finite number >= 0", r"Received: stop=inf")
case("callbacks.annealing_weight", "unknown option string", with_kwarg(callbacks.annealing_weight, "schedule", 1, duration=10),
     "exponential", r"`schedule` must be one of", r"Received: schedule='exponential'")
case("callbacks.annealing_weight", "zero size", with_kwarg(callbacks.annealing_weight, "duration", 1, "linear"), 0,
     r"`duration` must be a positive integer", r"Received: duration=0")
add_batches("callbacks.LatentDiagnostics()", with_kwarg(callbacks.LatentDiagnostics, "x"), (2,), "x", shaped=False)
case("callbacks.LatentDiagnostics()", "empty batch", with_kwarg(callbacks.LatentDiagnostics, "x"), CODES[:1],
     r"LatentDiagnostics needs at least 2 examples", r"Received shape=\(1, 2\)")
case("callbacks.LatentDiagnostics()", "negative size", with_kwarg(callbacks.LatentDiagnostics, "threshold", CODES), -1.0,
     r"`threshold` must be a (finite |positive )?number", r"Received: threshold=-1\.0")
SAMPLE_MONITOR = callbacks.SampleMonitor
add_batches("callbacks.SampleMonitor()", lambda env, x: SAMPLE_MONITOR(env.out, x), (4, 4), "x", shaped=False,
            only=("NaN", "empty batch", "string dtype", "None"))
case("callbacks.SampleMonitor()", "ragged list", lambda env, x: SAMPLE_MONITOR(env.out, x), [X_IMG[0].tolist(), X_IMG[1, :3].tolist()],
     r"`x` must be a rectangular numeric array", r"Received a list")
for name in ("every", "num_examples"):
    add_sizes("callbacks.SampleMonitor()", lambda env, value, name=name: SAMPLE_MONITOR(env.out, X_IMG, **{name: value}), name)
case("callbacks.SampleMonitor()", "wrong object type", with_kwarg(SAMPLE_MONITOR, "directory", x=X_IMG), 3,
     r"`directory` must be", r"Received: directory=3")
case("callbacks.SampleMonitor()", "bad seed", lambda env, seed: SAMPLE_MONITOR(env.out, X_IMG, seed=seed), "0",
     r"`seed` must be", r"Received: seed='0'")

case("plotting.tile_images", "zero size", with_kwarg(plotting.tile_images, "ncols", IMAGES), 0,
     r"`ncols` must be a positive integer", r"Received: ncols=0")
case("plotting.tile_images", "empty batch", with_kwarg(plotting.tile_images, "images", ncols=2), IMAGES[:0],
     r"`images` must contain at least one image", r"Received shape=\(0, 4, 4\)")
case("plotting.tile_images", "string dtype", with_kwarg(plotting.tile_images, "images", ncols=2), np.full((2, 4, 4), "a"),
     r"`images` must hold real numbers", r"Received dtype=<U1")
case("plotting.prior_grid_values", "zero size", with_kwarg(plotting.prior_grid_values, "n"), 1,
     r"needs n >= 2 and 0 < low < high < 1", r"Received: n=1, low=0\.05, high=0\.95")
case("plotting.sequence_grid", "NaN", with_kwarg(plotting.sequence_grid, "sequences"), np.where(SEQS > 0.9, np.nan, SEQS),
     r"`sequences` must contain only finite values", r"Received nan at index")
case("plotting.sequence_grid", "wrong feature count", with_kwarg(plotting.sequence_grid, "feature", SEQS), 5,
     r"`feature` must be None or an integer in \[0, 3\)", r"Received: feature=5")
case("plotting.kl_per_dimension_bar", "wrong rank", with_kwarg(plotting.kl_per_dimension_bar, "kl_per_dim"), CODES,
     r"`kl_per_dim` must have shape \(latent_dim,\)", r"Received shape=\(4, 2\)")
case("plotting.training_curves", "empty batch", with_kwarg(plotting.training_curves, "history"), {},
     r"`history` has no logged terms", r"Received keys \[\]")

# --- fit/evaluate/predict run options (validation.CheckedRuns) ---

AE = "DenseAutoencoder"
case("DenseAutoencoder.fit", "None", fitting(AE), None, r"`x` must be an array of examples of shape \(batch, 4, 4\)", r"Received: x=None",
     model=AE)
case("DenseAutoencoder.evaluate", "None", on_model(AE, "evaluate", verbose=0), None, r"`x` must be an array of examples",
     r"Received: x=None", model=AE)
for method, size in (("fit", 0), ("fit", -1), ("fit", 2.5), ("evaluate", 0), ("predict", -1)):
    call = fitting_with(AE, X_IMG, "batch_size") if method == "fit" else on_model_with(AE, method, "batch_size", X_IMG)
    case(f"DenseAutoencoder.{method}", {0: "zero size", -1: "negative size", 2.5: "non-integer size"}[size], call, size,
         r"`batch_size` must be (None or )?a positive integer", rf"Received: batch_size={size}", model=AE)
case("DenseAutoencoder.fit", "negative size", fitting_with(AE, X_IMG, "epochs"), -1, r"`epochs` must be a positive integer",
     r"Received: epochs=-1", model=AE)
case("DenseAutoencoder.fit", "fraction out of range", fitting_with(AE, X_IMG, "validation_split"), 2.0,
     r"`validation_split` must be a number in \[0, 1\)", r"Received: validation_split=2\.0", model=AE)
case("DenseAutoencoder.fit", "empty batch", from_dataset(AE, "fit"), lambda: dataset(X_IMG[:0]),
     r"a Dataset passed as `x` must yield at least one batch", r"Received an empty Dataset", model=AE)

_IDS: Counter = Counter()


def case_id(c):
    name = f"{c.target}[{c.model}]-{c.kind}" if c.model and c.model != c.target.split(".")[0] else f"{c.target}-{c.kind}"
    _IDS[name] += 1
    return name if _IDS[name] == 1 else f"{name}-{_IDS[name]}"


PARAMS = [pytest.param(c, id=case_id(c), marks=[pytest.mark.xfail(strict=True, reason=c.gap)] if c.gap else []) for c in CASES]


def _state(model):
    """The optimizer step and the weights: what a training step would change."""
    if model is None:
        return []
    return [int(model.optimizer.iterations), *(keras.ops.convert_to_numpy(w) for w in model.weights)]


@pytest.mark.parametrize("c", PARAMS)
def test_bad_input(c, env):
    model = env.models[c.model] if c.model else None
    before = _state(model)
    with pytest.raises(c.error) as raised:
        c.call(env, c.arg)
    message = str(raised.value)
    assert re.search(c.expected, message), f"expected value not named ({c.expected!r}): {message}"
    assert re.search(c.received, message), f"received value not named ({c.received!r}): {message}"
    assert len(message) <= MAX_MESSAGE_LENGTH, message
    origin = str(raised.traceback[-1].path)
    assert f"{os.sep}{c.origin}{os.sep}" in origin, f"raised in {origin}, not by {c.origin}: {message}"
    after = _state(model)
    assert after[:1] == before[:1], "an optimizer step ran"
    assert len(after) == len(before) and all(np.array_equal(a, b, equal_nan=True) for a, b in zip(before[1:], after[1:])), "the model changed"
    assert sorted(os.listdir(env.out)) == [], "a file was written"


# === Saving all or nothing ===


@pytest.mark.parametrize(
    "save",
    [
        pytest.param(saving.save_model, id="saving.save_model"),
        pytest.param(lambda model, path: model.save(path), id="model.save"),
    ],
)
def test_failed_save_leaves_no_partial_file(save, models, tmp_path, monkeypatch):
    model = models["DenseVAE"]
    previous = tmp_path / "previous.keras"
    saving.save_model(model, previous)
    good = previous.read_bytes()

    def broken_config(self):
        raise RuntimeError("cannot serialise")

    monkeypatch.setattr(DenseVAE, "get_config", broken_config)
    for path in (tmp_path / "new.keras", previous):
        with pytest.raises(RuntimeError, match="cannot serialise"):
            save(model, path)
    assert sorted(os.listdir(tmp_path)) == ["previous.keras"]  # no new, partial or temporary file
    assert previous.read_bytes() == good  # the file it was to replace is intact


def test_save_model_and_load_model_round_trip(models, tmp_path):
    model = models["LSTMVAE"]
    saving.save_model(model, tmp_path / "model.keras")
    restored = saving.load_model(tmp_path / "model.keras", compile=False)
    assert os.listdir(tmp_path) == ["model.keras"]
    assert type(restored) is LSTMVAE and restored.get_config() == model.get_config()
    for a, b in zip(model.weights, restored.weights, strict=True):
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(a), keras.ops.convert_to_numpy(b))


# === The table covers every kind and every public target ===

# Keras' hooks, the shared loop's contract (`optimization_phases`, `optimizer_names`,
# `default_optimizer`: what compile() asks the model) and the tensor-level methods traced
# inside a step or a score (`compute_terms`, `decoder_outputs`, `log_likelihood`): their inputs are checked
# where the data comes in.
KERAS_HOOKS = {"call", "compile_from_config", "compute_terms", "decoder_outputs", "default_optimizer", "from_config",
               "get_compile_config", "get_config",
               "load_own_variables",
               "log_likelihood", "optimization_phases", "optimizer_names", "test_step", "train_step"}
NO_ARGUMENTS = {"data.load_sunspots"}


def public_targets():
    """Every public model method keras_vae defines (not Keras' hooks), constructor and function."""
    targets = set()
    targets |= {"Autoencoder()", "VAE()"}  # their methods are the builders' (listed below)
    for cls in (DenseAutoencoder, DenseVAE, LSTMAutoencoder, LSTMForecaster, LSTMVAE, SequenceGAN):
        targets.add(f"{cls.__name__}()")
        for name in dir(cls):
            owner = next((k for k in cls.__mro__ if name in vars(k)), object)
            if name.startswith("_") or name in KERAS_HOOKS or not owner.__module__.startswith("keras_vae"):
                continue
            if callable(getattr(cls, name)) and not isinstance(inspect.getattr_static(cls, name), property):
                targets.add(f"{cls.__name__}.{name}")
    for module in (data, evaluation, saving, callbacks):
        prefix = module.__name__.split(".")[-1]
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                targets.add(f"{prefix}.{name}")
            elif inspect.isclass(value) and issubclass(value, keras.callbacks.Callback):
                targets.add(f"{prefix}.{name}()")
            elif inspect.isclass(value) and issubclass(value, tuple):  # NamedTuples and their methods
                targets |= {f"{prefix}.{name}.{m}" for m, v in vars(value).items() if inspect.isfunction(v) and not m.startswith("_")}
    return targets - NO_ARGUMENTS


def test_table_covers_every_kind_and_public_target():
    used = Counter(c.kind for c in CASES)
    assert set(used) == set(KINDS), f"kinds without a case: {set(KINDS) - set(used)}"
    assert len(KINDS) >= 20
    missing = public_targets() - {c.target for c in CASES}
    assert not missing, f"public targets without a case: {sorted(missing)}"
    assert "saving" in keras_vae.__all__ and keras_vae.saving.load_model is saving.load_model
