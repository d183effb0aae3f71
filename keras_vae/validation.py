"""Input checks for `fit`, `evaluate` and `predict`, driven by one `DataSpec` per model,
and for `compile`'s arguments.

Every check runs on the host before Keras sees the data, so a wrong shape, NaN, an
unscaled image or a missing target raises a `ValueError` naming what was expected and
what was received, instead of a TensorFlow traceback from inside a traced step. A model
declares its data once (`GenerativeModel.data_spec`); nothing here knows any model.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_vae.checks import check_array, check_positive_int, check_same_length, format_shape

#: What a model's `y` is. "inputs": the targets are the inputs unless `y` is given (an
#: autoencoder). "required": `fit` needs `y` (a forecaster). "labels": `y` are integer
#: class labels in [0, num_classes), required (a conditional GAN). "none": no `y` at all.
TARGETS = ("inputs", "required", "labels", "none")


class DataSpec(NamedTuple):
    """The data a model trains on, as `fit`, `evaluate` and `predict` check it.

    Attributes:
        example_shape: one input example's shape, no batch axis.
        targets: one of `TARGETS`.
        target_shape: one target's shape; default: `example_shape` ("inputs"), `()`
            ("labels").
        value_range: inclusive `(low, high)` the targets must lie in (and the inputs, when
            they are the targets), or None.
        range_reason: why, appended to the message (e.g. the Bernoulli likelihood).
        num_classes: the number of classes, for `targets="labels"`.
    """

    example_shape: tuple
    targets: str = "inputs"
    target_shape: tuple | None = None
    value_range: tuple | None = None
    range_reason: str = ""
    num_classes: int | None = None

    @property
    def y_shape(self) -> tuple:
        if self.target_shape is not None:
            return tuple(self.target_shape)
        return () if self.targets == "labels" else tuple(self.example_shape)


def check_run_options(batch_size, epochs=1, validation_split=0.0):
    """The sizes `fit`/`evaluate`/`predict` take, checked before Keras sees them."""
    if batch_size is not None:
        check_positive_int(batch_size, "batch_size")
    check_positive_int(epochs, "epochs")
    if (
        isinstance(validation_split, bool)
        or not isinstance(validation_split, numbers.Real)
        or not 0.0 <= validation_split < 1.0
    ):
        raise ValueError(
            f"`validation_split` must be a number in [0, 1). Received: validation_split={validation_split!r}"
        )


def training_part(x, validation_split):
    """The examples `fit` trains on: Keras holds out the last `validation_split` of arrays."""
    if not validation_split or not hasattr(x, "shape"):
        return x
    return x[: int(math.floor(len(x) * (1.0 - validation_split)))]


def is_stream(x) -> bool:
    """A `tf.data.Dataset`, a `PyDataset` or a generator: data `fit` cannot index."""
    return isinstance(x, (tf.data.Dataset, keras.utils.PyDataset)) or callable(getattr(x, "__next__", None))


def check_y(spec: DataSpec, owner: str, y, name: str):
    """Validates the targets `y` against `spec`; returns them as a NumPy array."""
    if spec.targets == "none":
        raise ValueError(
            f"{owner} without `num_classes` learns from sequences alone; pass x only, or "
            f"set num_classes to condition on labels. Received: {name} of shape {np.shape(y)}"
        )
    if spec.targets == "labels":
        labels = check_array(y, name, example_shape=(), owner=owner)
        if (labels != np.round(labels)).any() or labels.min() < 0 or labels.max() >= spec.num_classes:
            raise ValueError(
                f"{owner}: `{name}` must hold integer class labels in [0, {spec.num_classes}). "
                f"Received values in [{labels.min():g}, {labels.max():g}]"
            )
        return labels.astype("int32")
    return check_array(
        y, name, example_shape=spec.y_shape, owner=owner,
        value_range=spec.value_range, range_reason=spec.range_reason,
    )


def check_arrays(spec: DataSpec, owner: str, x, y, sample_weight, where: str = ""):
    """Validates in-memory `x`, `y` and `sample_weight`; returns them as NumPy arrays.

    When sample weights come without `y` and the inputs are the targets, `y` becomes `x`:
    Keras packs `(x, None, w)` as `(x,)` and would silently drop the weights.
    """
    if spec.targets == "labels" and y is None:
        raise ValueError(
            f"{owner}(num_classes={spec.num_classes}) is conditional: call fit(x, y) with "
            f"integer labels y of shape (batch,). Received: {where}y=None"
        )
    inputs_are_targets = spec.targets == "inputs"
    x = check_array(
        x, f"{where}x", example_shape=spec.example_shape, owner=owner,
        value_range=spec.value_range if y is None and inputs_are_targets else None,
        range_reason=spec.range_reason,
    )
    if y is None and spec.targets == "required":
        raise ValueError(
            f"{owner} learns to predict targets: call fit(x, y) with y of shape "
            f"{format_shape((None, *spec.y_shape))}. Received: {where}y=None"
        )
    if y is not None:
        y = check_y(spec, owner, y, f"{where}y")
    if sample_weight is not None:
        sample_weight = check_array(sample_weight, f"{where}sample_weight", owner=owner)
        if sample_weight.ndim > 2 or (sample_weight.ndim == 2 and sample_weight.shape[1] != 1):
            raise ValueError(
                f"{owner}: `{where}sample_weight` must have shape (batch,). "
                f"Received shape={sample_weight.shape}"
            )
        if (sample_weight < 0).any():
            raise ValueError(
                f"{owner}: `{where}sample_weight` must be >= 0. "
                f"Received a minimum of {sample_weight.min():g}"
            )
    check_same_length({f"{where}x": x, f"{where}y": y, f"{where}sample_weight": sample_weight}, owner)
    if sample_weight is not None and y is None:
        y = x  # models that take no `y` ignore it
    return x, y, sample_weight


def check_dataset(spec: DataSpec, owner: str, dataset, where: str = ""):
    """Validates a batched `tf.data.Dataset`'s element spec, then its first batch's values
    (which catches the usual mistakes: unscaled 0..255 pixels, NaN from a broken map)."""
    element = dataset.element_spec
    parts = element if isinstance(element, tuple) else (element,)
    expected = format_shape((None, *spec.example_shape))
    if spec.targets == "required" and len(parts) < 2:
        raise ValueError(
            f"{owner}: a Dataset passed as `{where}x` must yield `(x, y)` batches, y of "
            f"shape {format_shape((None, *spec.y_shape))}. Received element_spec={element}"
        )
    if not 1 <= len(parts) <= 3 or not all(isinstance(p, tf.TensorSpec) for p in parts):
        raise ValueError(
            f"{owner}: a Dataset passed as `{where}x` must yield batches `x`, `(x,)`, "
            f"`(x, y)` or `(x, y, sample_weight)` of tensors, x of shape {expected}. "
            f"Received element_spec={element}"
        )
    for name, part, want_shape in zip(("x", "y"), parts, (spec.example_shape, spec.y_shape)):
        shape = tuple(part.shape)
        if len(shape) != len(want_shape) + 1 or any(
            want is not None and got is not None and got != want
            for got, want in zip(shape[1:], want_shape)
        ):
            unbatched = len(shape) == len(want_shape)
            raise ValueError(
                f"{owner}: a Dataset passed as `{where}x` must yield {name} batches of "
                f"shape {format_shape((None, *want_shape))}. Received {name} of shape {shape}"
                + (" (an unbatched Dataset? call .batch(batch_size) on it)" if unbatched else "")
            )
        if not (part.dtype.is_floating or part.dtype.is_integer or part.dtype.is_bool):
            raise ValueError(
                f"{owner}: a Dataset passed as `{where}x` must yield numeric {name}. "
                f"Received dtype={part.dtype.name}"
            )
    for first in dataset.take(1):
        first = first if isinstance(first, tuple) else (first,)
        arrays = [None if t is None else ops.convert_to_numpy(t) for t in first] + [None] * 3
        check_arrays(spec, owner, arrays[0], arrays[1], arrays[2], where=f"{where}first batch of ")
        break
    else:
        raise ValueError(
            f"{owner}: a Dataset passed as `{where}x` must yield at least one batch. "
            "Received an empty Dataset"
        )
    return dataset


def check_inputs(spec: DataSpec, owner: str, x, y=None, sample_weight=None, where: str = ""):
    """`check_dataset` or `check_arrays`; generators and PyDatasets pass unchecked."""
    if isinstance(x, tf.data.Dataset):
        return check_dataset(spec, owner, x, where), y, sample_weight
    if is_stream(x):
        return x, y, sample_weight
    return check_arrays(spec, owner, x, y, sample_weight, where)


def check_validation_data(spec: DataSpec, owner: str, validation_data):
    """Validates `fit`'s `validation_data` (a Dataset or a tuple of arrays)."""
    if validation_data is None or isinstance(validation_data, tf.data.Dataset):
        if validation_data is not None:
            check_dataset(spec, owner, validation_data, "validation_data ")
        return validation_data
    if not isinstance(validation_data, (tuple, list)) or not 1 <= len(validation_data) <= 3:
        raise ValueError(
            f"{owner}: `validation_data` must be a Dataset, `(x_val,)`, "
            f"`(x_val, y_val)` or `(x_val, y_val, sample_weight_val)`. "
            f"Received: {type(validation_data).__name__}"
            + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else "")
        )
    parts = list(validation_data) + [None] * (3 - len(validation_data))
    x, y, sample_weight = check_arrays(spec, owner, parts[0], parts[1], parts[2], "validation_data ")
    return tuple(part for part in (x, y, sample_weight) if part is not None)


def check_predict_inputs(spec: DataSpec, owner: str, x):
    """What `predict` takes: the examples, or `(examples, labels)` for `targets="labels"`."""
    if isinstance(x, tf.data.Dataset):
        return check_dataset(spec, owner, x, "")
    if isinstance(x, keras.utils.PyDataset):
        return x
    if spec.targets == "labels":
        if not isinstance(x, (tuple, list)) or len(x) != 2:
            raise ValueError(
                f"{owner}(num_classes={spec.num_classes}).predict takes (sequences, labels). "
                f"Received: {type(x).__name__}"
            )
        examples = check_array(x[0], "x", example_shape=spec.example_shape, owner=owner)
        return examples, check_y(spec, owner, x[1], "labels")
    return check_array(x, "x", example_shape=spec.example_shape, owner=owner)


def check_compile_options(owner: str, loss_names, steps_per_execution, **refused) -> None:
    """`compile`'s own arguments: a model that computes its loss terms takes no `loss`,
    `loss_weights`, `metrics` or `weighted_metrics` (refused rather than silently
    ignored), and `steps_per_execution` is `"auto"` or a positive integer."""
    for name, value in refused.items():
        if value is not None:
            raise ValueError(
                f"{owner} computes its own loss terms {tuple(loss_names)}; "
                f"compile() takes only the optimizer and run options. "
                f"Received: {name}={value!r}"
            )
    automatic = isinstance(steps_per_execution, str) and steps_per_execution == "auto"
    if not automatic and (
        isinstance(steps_per_execution, bool)
        or not isinstance(steps_per_execution, numbers.Integral)
        or steps_per_execution <= 0
    ):
        raise ValueError(
            '`steps_per_execution` must be "auto" or a positive integer. '
            f"Received: steps_per_execution={steps_per_execution!r}"
        )


def named_optimizers(owner: str, names, optimizer, given: dict, default) -> dict:
    """One optimizer object per name the phases use, from `compile`'s arguments.

    Args:
        names: the phases' optimizer names, in order (`"optimizer"` is Keras' own argument).
        optimizer: `compile`'s `optimizer` argument.
        given: the other names' arguments (None where not given).
        default: `default(name)`, used where nothing was given.
    """
    given = dict(given)
    if "optimizer" in names:
        given["optimizer"] = optimizer
    elif optimizer is not None:
        raise ValueError(
            f"{owner} trains with one optimizer per network: pass "
            f"{' and '.join(f'{name}=...' for name in names)} instead of optimizer. "
            f"Received: optimizer={optimizer!r}"
        )
    optimizers = {}
    for name in names:
        value = keras.optimizers.get(default(name) if given.get(name) is None else given[name])
        for other, seen in optimizers.items():
            if value is seen:
                raise ValueError(
                    f"`{other}` and `{name}` must be two optimizer objects: one optimizer keeps "
                    "one set of moments and one step count. Received the same object twice"
                )
        optimizers[name] = value
    return optimizers


class CheckedRuns:
    """`fit`, `evaluate` and `predict` with the inputs checked against `data_spec` first.

    Mixed into `GenerativeModel` before `keras.Model`. The model declares `data_spec`;
    `_prepare_fit` and `_finish_fit` run before and after `fit` with the checked data it
    trains on (arrays without the `validation_split` part, or the Dataset or generator as
    given): to fit a scaler, or a distribution to the training codes.
    """

    @property
    def data_spec(self) -> DataSpec:
        """What the model trains on; see `DataSpec`."""
        raise NotImplementedError(f"{type(self).__name__} must declare its data_spec.")

    @property
    def example_shape(self) -> tuple[int | None, ...]:
        """The shape of one input example (no batch axis)."""
        return tuple(self.data_spec.example_shape)

    @property
    def target_shape(self) -> tuple[int | None, ...]:
        """The shape of one target `y` (no batch axis)."""
        return self.data_spec.y_shape

    def _prepare_fit(self, x):
        """Called by `fit` before training with the inputs it will train on."""

    def _finish_fit(self, x):
        """Called by `fit` after training with the inputs it trained on."""

    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=None,
        class_weight=None,
        sample_weight=None,
        **kwargs,
    ):
        """`keras.Model.fit`, with the inputs checked first.

        `shuffle` defaults to True for arrays and False for a `tf.data.Dataset`, a generator
        or a `PyDataset` (shuffle those yourself; Keras ignores the flag for them and warns).
        """
        if class_weight is not None:
            raise ValueError(
                f"{type(self).__name__} is a generative model with no classes; weight examples "
                f"with `sample_weight` instead. Received: class_weight={class_weight!r}"
            )
        spec, owner = self.data_spec, type(self).__name__
        check_run_options(batch_size, epochs=epochs, validation_split=validation_split)
        x, y, sample_weight = check_inputs(spec, owner, x, y, sample_weight)
        validation_data = check_validation_data(spec, owner, validation_data)
        trained_on = training_part(x, validation_split)
        self._prepare_fit(trained_on)
        if shuffle is None:  # Keras shuffles only arrays and warns when asked for the rest
            shuffle = not is_stream(x)
        history = super().fit(
            x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
            validation_split=validation_split, validation_data=validation_data,
            shuffle=shuffle, sample_weight=sample_weight, **kwargs,
        )
        self._finish_fit(trained_on)
        return history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, **kwargs):
        """`keras.Model.evaluate`, with the inputs checked first."""
        check_run_options(batch_size)
        x, y, sample_weight = check_inputs(self.data_spec, type(self).__name__, x, y, sample_weight)
        return super().evaluate(
            x, y, batch_size=batch_size, verbose=verbose, sample_weight=sample_weight, **kwargs
        )

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """`keras.Model.predict`, with the inputs checked first."""
        check_run_options(batch_size)
        x = check_predict_inputs(self.data_spec, type(self).__name__, x)
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)
