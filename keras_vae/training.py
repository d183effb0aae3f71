"""The one training loop shared by every keras_vae model.

`GenerativeModel` is a `keras.Model` whose `train_step` and `test_step` know nothing about
any particular model. A model tells the loop two things:

1. `compute_terms(x, y, training)`: its loss terms, a dict of **per-example** tensors of shape
   `(batch,)` (sums over data dimensions, never over the batch). The key named by the phase
   (`"loss"` by default) is what the phase minimises; every other key is logged.
2. `optimization_phases()`: which terms are minimised, by which optimizer, over which
   variables, in which order. A VAE has one phase (`"loss"`, `self.optimizer`, all trainable
   variables). A GAN has two: the discriminator's loss with the discriminator's optimizer
   and variables, then the generator's loss with the generator's. The loop runs the phases in
   order within one step, so an alternating update is not a second loop.

The loop does everything else, once, for every model:

- the mean over the batch: `sum_i(w_i * l_i) / batch_size` (Keras' `"sum_over_batch_size"`
  reduction; `w_i = 1` without `sample_weight`);
- `tf.distribute`: each replica divides its local mean by the number of replicas and the
  optimizer sums gradients across replicas, so the update is that of the **global** batch
  mean; trackers are `keras.metrics.Mean`s, whose totals and counts are summed across
  replicas when read, so logs report the global mean too;
- mixed precision: every term is float32 (see `keras_vae.losses`); the minimised scalar is
  scaled by `optimizer.scale_loss` (a `LossScaleOptimizer` under `mixed_float16`, which
  `compile` adds automatically and which unscales the gradients in `apply`);
- one `keras.metrics.Mean` per term, listed in `metrics` so `fit` resets them every epoch and
  logs show `loss`, `reconstruction_loss`, `kl_loss`, ... and their `val_` twins; no other
  tracker (Keras' own `loss` tracker is not listed, so there is one "loss", the total);
- weights that a callback changes (a KL weight) are `keras.Variable`s read inside the step,
  so changing them never retraces the compiled step;
- input checks on the host before anything is traced: wrong rank or shape, NaN/inf, empty
  or non-numeric data raise `ValueError` naming the expected and received value.
"""

from __future__ import annotations

import contextlib
import math
import numbers
from collections.abc import Callable
from typing import NamedTuple

import keras
import tensorflow as tf
from keras import ops

from keras_vae.checks import (
    check_array,
    check_positive_int,
    check_same_length,
    format_shape,
)


class Phase(NamedTuple):
    """One gradient update inside a training step.

    Attributes:
        loss: the key of the term this phase minimises.
        compute: `compute(x, y, training) -> dict[str, Tensor (batch,)]`.
        optimizer: the optimizer that applies the update.
        variables: the variables this phase updates (and the only ones it differentiates).
    """

    loss: str
    compute: Callable
    optimizer: keras.optimizers.Optimizer
    variables: list


def _mean_over_batch(per_example, sample_weight):
    """`sum_i(w_i * l_i) / batch_size`, float32 scalar. `per_example` is `(batch,)`."""
    per_example = ops.cast(per_example, "float32")
    if sample_weight is not None:
        per_example = per_example * ops.reshape(ops.cast(sample_weight, "float32"), (-1,))
    return ops.mean(per_example)


def _check_run_options(batch_size, epochs=1, validation_split=0.0):
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


def _training_part(x, validation_split):
    """The examples `fit` trains on: Keras holds out the last `validation_split` of arrays."""
    if not validation_split or not hasattr(x, "shape"):
        return x
    return x[: int(math.floor(len(x) * (1.0 - validation_split)))]


#: The most batches per compiled call that `steps_per_execution="auto"` chooses. Measured
#: by `benchmarks/throughput.py` (its "steps per execution" table).
AUTO_STEPS_PER_EXECUTION = 16
_BATCH_HOOKS = tuple(
    f"on_{part}batch_{end}" for part in ("", "train_", "test_", "predict_") for end in ("begin", "end")
)


def runs_every_batch(callback) -> bool:
    """Whether `callback` does something at batch level, so it must see every batch.

    A callback may say so itself with a `runs_every_batch` attribute (`KLAnnealing` does:
    only with `unit="batch"`). Keras' `ModelCheckpoint` and `BackupAndRestore` do with an
    integer `save_freq`, `TensorBoard` with `update_freq` other than `"epoch"` or with
    profiling on. Any other callback does if it defines a batch method (`on_batch_end`,
    `on_train_batch_begin`, ...; `keras.callbacks.LambdaCallback` too).
    """
    declared = getattr(callback, "runs_every_batch", None)
    if declared is not None:
        return bool(declared)
    if isinstance(callback, (keras.callbacks.ModelCheckpoint, keras.callbacks.BackupAndRestore)):
        return callback.save_freq != "epoch"
    if isinstance(callback, keras.callbacks.TensorBoard):
        return callback.update_freq != "epoch" or getattr(callback, "_should_trace", True)
    return any(
        name in vars(callback)
        or getattr(type(callback), name, None) is not getattr(keras.callbacks.Callback, name)
        for name in _BATCH_HOOKS
    )


def choose_steps_per_execution(callbacks=None, steps=(), most=None) -> int:
    """The batches per compiled call that `compile(steps_per_execution="auto")` uses.

    Running several batches per call of the compiled function saves Python and launch
    overhead per batch (`benchmarks/throughput.py` measures how much) and changes nothing
    else: the same batches give the same updates, logs and epoch results, and Keras'
    progress bar, which redraws at most every 0.05 s anyway, still ends each epoch with
    every batch. The rule:

    - `most` (`AUTO_STEPS_PER_EXECUTION`, 16) batches per call;
    - 1 if any of `callbacks` runs every batch (`runs_every_batch`): it then sees each one;
    - 1 for a model made under a `tf.distribute` strategy (see `_use_steps_per_execution`);
    - with a step count given (`steps_per_epoch`, `validation_steps`, `evaluate`'s or
      `predict`'s `steps`), the largest number up to `most` that divides every one, since
      Keras would otherwise run a whole call past the count.

    Opt out with `compile(steps_per_execution=1)` (or any fixed number).
    """
    most = AUTO_STEPS_PER_EXECUTION if most is None else most
    if isinstance(callbacks, keras.callbacks.CallbackList):
        callbacks = callbacks.callbacks
    if any(runs_every_batch(callback) for callback in callbacks or ()):
        return 1
    counts = [int(count) for count in steps if count is not None]
    return max(n for n in range(1, most + 1) if all(count % n == 0 for count in counts))


def _multi_worker(strategy=None):
    """Whether `strategy` (default: the current one) is a MultiWorkerMirroredStrategy
    spanning several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    in_multi_worker_mode = getattr(strategy.extended, "_in_multi_worker_mode", None)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        in_multi_worker_mode and in_multi_worker_mode()
    )


def _num_replicas():
    return tf.distribute.get_strategy().num_replicas_in_sync


class GenerativeModel(keras.Model):
    """Base class: the shared `train_step`/`test_step`, trackers and input checks.

    Subclasses set `loss_names` (the log keys, `"loss"` first), implement `compute_terms`,
    `call`, `get_config`, and describe their data with `example_shape` (one example's
    shape) and `target_range` (the values targets must lie in, or None). A model with
    several optimizers overrides `optimization_phases` and `compile`; its `compile` sets the
    other optimizers before calling `super().compile(optimizer=...)`, which builds every
    phase's optimizer over that phase's variables only. Keras' `use_ema=True` works on any
    of them: `fit` ends with each network on its own optimizer's averages.
    """

    #: Names of the loss terms, in the order they are logged. "loss" is the total.
    loss_names: tuple[str, ...] = ("loss",)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.loss_trackers = [keras.metrics.Mean(name=name) for name in self.loss_names]

    # === The contract with subclasses ===

    def compute_terms(self, x, y=None, training=False) -> dict:
        """Returns the loss terms as a dict of float32 tensors of shape `(batch,)`."""
        raise NotImplementedError(f"{type(self).__name__} must implement compute_terms().")

    def optimization_phases(self) -> list[Phase]:
        """The updates of one training step, in order. Default: one, minimising `"loss"`."""
        return [Phase("loss", self.compute_terms, self.optimizer, self.trainable_variables)]

    @property
    def example_shape(self) -> tuple[int | None, ...]:
        """The shape of one input example (no batch axis)."""
        raise NotImplementedError

    @property
    def target_shape(self) -> tuple[int | None, ...]:
        """The shape of one target `y` (no batch axis). Default: the input's shape."""
        return self.example_shape

    @property
    def target_range(self) -> tuple[float, float] | None:
        """Inclusive range targets must lie in (e.g. (0, 1) for a Bernoulli likelihood)."""
        return None

    #: True when `fit(x)` without `y` makes no sense (a forecaster needs its targets).
    requires_targets: bool = False

    #: True when `x` is its own target when `y` is not given (an autoencoder).
    inputs_are_targets: bool = True

    # === The shared loop ===

    @property
    def metrics(self):
        # Only our trackers: `fit` and `evaluate` reset what is listed here every epoch.
        return list(self.loss_trackers)

    def _update_trackers(self, means, batch_size):
        for tracker in self.loss_trackers:
            if tracker.name in means:
                tracker.update_state(means[tracker.name], sample_weight=batch_size)

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras (3.15.1) builds a model under a strategy by reducing its first batch with
        # `strategy.reduce`, which under MultiWorkerMirroredStrategy does not take the
        # `(x, y)` tuple of `fit(x, y)` ("Attempt to convert a value (PerReplica...)").
        # keras_vae models are built in __init__; only the optimizer may still need building.
        # `fit` runs outside the strategy's scope: ask the model's strategy, not the current one.
        if not _multi_worker(self.distribute_strategy):
            return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)
        if self.optimizer is not None and not self.optimizer.built:
            with self.distribute_strategy.scope():
                self.optimizer.build(self.trainable_variables)
        return None

    def _results(self):
        results = {tracker.name: tracker.result() for tracker in self.loss_trackers}
        if _multi_worker():
            # Keras reduces a step's logs across workers with `strategy.reduce("MEAN", v,
            # axis=0)`, which fails for scalars ("Invalid reduction dimension 0 for input
            # with 0 dimensions", tensorflow/tensorflow#72388); shape (1,) reduces to a scalar.
            results = {name: ops.reshape(value, (1,)) for name, value in results.items()}
        return results

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = ops.cast(ops.shape(keras.tree.flatten(x)[0])[0], "float32")
        for phase in self.optimization_phases():
            with tf.GradientTape() as tape:
                terms = phase.compute(x, y, training=True)
                means = {name: _mean_over_batch(v, sample_weight) for name, v in terms.items()}
                # Each replica holds 1/num_replicas of the global batch; the optimizer sums
                # the replicas' gradients, so dividing here yields the global-batch mean.
                loss = means[phase.loss] / float(_num_replicas())
                loss = phase.optimizer.scale_loss(loss)
            gradients = tape.gradient(loss, phase.variables)
            phase.optimizer.apply(gradients, phase.variables)
            self._update_trackers(means, batch_size)
        return self._results()

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = ops.cast(ops.shape(keras.tree.flatten(x)[0])[0], "float32")
        for phase in self.optimization_phases():
            terms = phase.compute(x, y, training=False)
            means = {name: _mean_over_batch(v, sample_weight) for name, v in terms.items()}
            self._update_trackers(means, batch_size)
        return self._results()

    # === compile: the model owns its loss ===

    def compile(
        self,
        optimizer="adam",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        steps_per_execution="auto",
        **kwargs,
    ):
        """Configures the optimizer (and `jit_compile`, `steps_per_execution`, ...).

        The model computes its own loss terms, so `loss`, `loss_weights`, `metrics` and
        `weighted_metrics` are refused rather than silently ignored.

        `steps_per_execution="auto"` (the default) runs several batches per compiled call
        whenever that changes nothing a user sees (`choose_steps_per_execution`); pass an
        integer (`1`: one batch per call, Keras' default) to fix it.
        """
        given = {
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
        }
        for name, value in given.items():
            if value is not None:
                raise ValueError(
                    f"{type(self).__name__} computes its own loss terms {self.loss_names}; "
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
        super().compile(
            optimizer=optimizer, steps_per_execution=1 if automatic else steps_per_execution,
            **kwargs,
        )
        self._automatic_steps_per_execution = automatic
        # Saved as given, so a loaded model chooses again.
        self._compile_config.config["steps_per_execution"] = steps_per_execution
        # Build the optimizers' slots now rather than inside the first traced step: Keras
        # otherwise traces the first `fit` step twice (once to create the slots). Measured:
        # the first one-epoch fit of a 784-512-256-16 DenseVAE on 512 examples took 2.5 s
        # before, 1.6 s after (2 shared cores).
        if self.built:
            self._build_optimizers()

    def _optimizer_variables(self):
        """`[(optimizer, variables)]`: each phase optimizer once, with the variables of the
        phases it updates, in phase order."""
        grouped = {}
        for phase in self.optimization_phases():
            if phase.optimizer is None:
                continue
            _, variables = grouped.setdefault(id(phase.optimizer), (phase.optimizer, []))
            for variable in phase.variables:
                if all(variable is not seen for seen in variables):
                    variables.append(variable)
        return list(grouped.values())

    def _build_optimizers(self):
        # Each optimizer gets slots (Adam moments, `use_ema` averages) for the variables it
        # updates and no others: a GAN's generator optimizer holds none for the discriminator.
        for optimizer, variables in self._optimizer_variables():
            if not optimizer.built:
                optimizer.build(variables)

    def _finalize_optimizers(self, var_list=None):
        # Keras ends `fit` with `model.optimizer.finalize_variable_values(model.trainable_weights)`
        # (with `use_ema=True`: copy the averages into the model). With several optimizers each
        # owns only its phases' variables, so every one is finalised with its own (`fit` routes
        # Keras' call here).
        del var_list
        for optimizer, variables in self._optimizer_variables():
            type(optimizer).finalize_variable_values(optimizer, variables)

    def compile_from_config(self, config):
        # Keras skips compiling (with a warning) for models that override compile(); ours
        # only narrows compile(), so restoring the optimizer on load is safe and needed for
        # resuming training from a `.keras` file.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self._build_optimizers()

    # === Saving: all or nothing ===

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """`keras.Model.save`; a `.keras` file is written all or nothing.

        Keras writes into the destination as it serialises, so a failure half-way (also in
        `ModelCheckpoint`) leaves a broken file, or destroys the previous good one.
        `keras_vae.saving.save_model` writes a temporary file and renames it into place.
        """
        if zipped in (None, True) and str(filepath).endswith(".keras") and not kwargs:
            from keras_vae import saving  # late: saving imports the models

            return saving.save_model(self, filepath, overwrite=overwrite)
        return super().save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    # === Input checks before anything is traced ===

    def _check_arrays(self, x, y, sample_weight, where):
        owner = type(self).__name__
        x = check_array(
            x, f"{where}x", example_shape=self.example_shape, owner=owner,
            value_range=self.target_range if y is None and self.inputs_are_targets else None,
            range_reason=self._range_reason(),
        )
        if y is None and self.requires_targets:
            raise ValueError(
                f"{owner} learns to predict targets: call fit(x, y) with y of shape "
                f"{format_shape((None, *self.target_shape))}. Received: {where}y=None"
            )
        if y is not None:
            y = self._check_y(y, f"{where}y")
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
            # Keras packs (x, None, w) as (x,) and silently drops the weights; the target of
            # an autoencoder is its input, so pass it explicitly (models that take no `y`
            # ignore it).
            y = x
        return x, y, sample_weight

    def _check_y(self, y, name):
        """Validates targets; models whose `y` is not data-shaped (labels) override this."""
        return check_array(
            y, name, example_shape=self.target_shape, owner=type(self).__name__,
            value_range=self.target_range, range_reason=self._range_reason(),
        )

    def _range_reason(self):
        return ""

    def _check_dataset(self, dataset, where):
        owner = type(self).__name__
        spec = dataset.element_spec
        parts = spec if isinstance(spec, tuple) else (spec,)
        expected = format_shape((None, *self.example_shape))
        if self.requires_targets and len(parts) < 2:
            raise ValueError(
                f"{owner}: a Dataset passed as `{where}x` must yield `(x, y)` batches, y of "
                f"shape {format_shape((None, *self.target_shape))}. Received element_spec={spec}"
            )
        if not 1 <= len(parts) <= 3 or not all(isinstance(p, tf.TensorSpec) for p in parts):
            raise ValueError(
                f"{owner}: a Dataset passed as `{where}x` must yield batches `x`, `(x,)`, "
                f"`(x, y)` or `(x, y, sample_weight)` of tensors, x of shape {expected}. "
                f"Received element_spec={spec}"
            )
        for name, part, want_shape in zip(("x", "y"), parts, (self.example_shape, self.target_shape)):
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
        # Values cannot be checked without reading the data: check the first batch, which
        # catches the usual mistakes (unscaled 0..255 pixels, NaN from a broken transform).
        for first in dataset.take(1):
            first = first if isinstance(first, tuple) else (first,)
            arrays = [None if t is None else ops.convert_to_numpy(t) for t in first] + [None] * 3
            self._check_arrays(arrays[0], arrays[1], arrays[2], where=f"{where}first batch of ")
            break
        else:
            raise ValueError(
                f"{owner}: a Dataset passed as `{where}x` must yield at least one batch. "
                "Received an empty Dataset"
            )
        return dataset

    def _check_inputs(self, x, y=None, sample_weight=None, where=""):
        if isinstance(x, tf.data.Dataset):
            return self._check_dataset(x, where), y, sample_weight
        if isinstance(x, (keras.utils.PyDataset,)) or callable(getattr(x, "__next__", None)):
            return x, y, sample_weight  # generators and PyDatasets are passed through unchecked
        return self._check_arrays(x, y, sample_weight, where)

    def _check_validation_data(self, validation_data):
        if validation_data is None or isinstance(validation_data, tf.data.Dataset):
            if validation_data is not None:
                self._check_dataset(validation_data, "validation_data ")
            return validation_data
        if not isinstance(validation_data, (tuple, list)) or not 1 <= len(validation_data) <= 3:
            raise ValueError(
                f"{type(self).__name__}: `validation_data` must be a Dataset, `(x_val,)`, "
                f"`(x_val, y_val)` or `(x_val, y_val, sample_weight_val)`. "
                f"Received: {type(validation_data).__name__}"
                + (f" of length {len(validation_data)}" if isinstance(validation_data, (tuple, list)) else "")
            )
        parts = list(validation_data) + [None] * (3 - len(validation_data))
        # After the checks, y is set whenever sample weights are given (see _check_arrays).
        x, y, sample_weight = self._check_arrays(parts[0], parts[1], parts[2], "validation_data ")
        return tuple(part for part in (x, y, sample_weight) if part is not None)

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
        _check_run_options(batch_size, epochs=epochs, validation_split=validation_split)
        x, y, sample_weight = self._check_inputs(x, y, sample_weight)
        validation_data = self._check_validation_data(validation_data)
        self._prepare_fit(_training_part(x, validation_split))
        if shuffle is None:  # Keras shuffles only arrays and warns when asked for the rest
            shuffle = not isinstance(x, (tf.data.Dataset, keras.utils.PyDataset)) and not callable(
                getattr(x, "__next__", None)
            )
        self._use_steps_per_execution(
            callbacks, kwargs.get("steps_per_epoch"), kwargs.get("validation_steps")
        )
        with self._finalizing_each_optimizer(), self._fitting():
            history = super().fit(
                x,
                y,
                batch_size=batch_size,
                epochs=epochs,
                verbose=verbose,
                callbacks=callbacks,
                validation_split=validation_split,
                validation_data=validation_data,
                shuffle=shuffle,
                sample_weight=sample_weight,
                **kwargs,
            )
        self._finish_fit(_training_part(x, validation_split))
        return history

    @contextlib.contextmanager
    def _fitting(self):
        # Keras' `fit` runs validation through `evaluate`, which must not choose again.
        self._in_fit = True
        try:
            yield
        finally:
            self._in_fit = False

    @contextlib.contextmanager
    def _finalizing_each_optimizer(self):
        """Routes Keras' end-of-`fit` `finalize_variable_values` call to `_finalize_optimizers`.

        Keras passes every trainable weight to `model.optimizer` alone; for a model with one
        optimizer per network that fails (`use_ema=True`: "The length of model variables ...
        does not match") and never finalises the other optimizers. The instance attribute
        shadows the method for this `fit` only.
        """
        optimizer = self.optimizer
        if optimizer is None or len(self._optimizer_variables()) < 2:
            yield
            return
        optimizer.finalize_variable_values = self._finalize_optimizers
        try:
            yield
        finally:
            del optimizer.finalize_variable_values

    def _use_steps_per_execution(self, callbacks, *steps):
        """With `compile(steps_per_execution="auto")`, sets the batches per call for this
        `fit`, `evaluate` or `predict` (`choose_steps_per_execution`); the compiled
        functions are rebuilt only when the number changes."""
        if not getattr(self, "_automatic_steps_per_execution", False) or getattr(self, "_in_fit", False):
            return
        # Under a tf.distribute strategy Keras' multi-step loop fails, for any model (TF
        # 2.21: "You must feed a value for placeholder tensor 'while/cond/Placeholder'"), so
        # a distributed model keeps one batch per call.
        distributed = getattr(self, "_distribute_strategy", None) is not None
        chosen = 1 if distributed else choose_steps_per_execution(callbacks, steps)
        if chosen != self.steps_per_execution:
            self.steps_per_execution = chosen
            self.train_function = self.test_function = self.predict_function = None

    def _prepare_fit(self, x):
        """Called by `fit` before training with the checked inputs it will train on (arrays
        without the `validation_split` part, or the Dataset or generator as given), e.g. to
        fit a scaler."""

    def _finish_fit(self, x):
        """Called by `fit` after training with the inputs it trained on (arrays without the
        `validation_split` part, or the Dataset or generator as given), e.g. to fit a
        distribution to the codes of the training data."""

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, **kwargs):
        """`keras.Model.evaluate`, with the inputs checked first."""
        _check_run_options(batch_size)
        x, y, sample_weight = self._check_inputs(x, y, sample_weight)
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().evaluate(
            x, y, batch_size=batch_size, verbose=verbose, sample_weight=sample_weight, **kwargs
        )

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """`keras.Model.predict`, with the inputs checked first."""
        _check_run_options(batch_size)
        if isinstance(x, tf.data.Dataset):
            self._check_dataset(x, "")
        elif not isinstance(x, keras.utils.PyDataset):
            x = check_array(x, "x", example_shape=self.example_shape, owner=type(self).__name__)
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)
