"""The one training loop shared by every keras_vae model.

`GenerativeModel` is a `keras.Model` whose `train_step` and `test_step` know nothing about
any particular model. A model tells the loop two things:

1. `compute_terms(x, y, training)`: its loss terms, a dict of **per-example** tensors of shape
   `(batch,)` (sums over data dimensions, never over the batch). The key named by the phase
   (`"loss"` by default) is what the phase minimises; every other key is logged.
2. `optimization_phases()`: which terms are minimised, by which optimizer (named: the model
   attribute that holds it), over which variables, in which order. A VAE has one phase
   (`"loss"`, `"optimizer"`, all trainable variables). A GAN has two: the discriminator's loss
   with `"d_optimizer"` and the discriminator's variables, then the generator's loss with
   `"g_optimizer"` and the generator's. The loop runs the phases in order within one step, so
   an alternating update is not a second loop; `compile` takes one optimizer per name
   (`compile(d_optimizer=..., g_optimizer=...)`) and owns them all.

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
from collections.abc import Callable
from typing import NamedTuple

import keras
import tensorflow as tf
from keras import ops

from keras_vae import validation
from keras_vae.compat import KerasWorkarounds, num_replicas, reducible_logs
from keras_vae.execution import AUTO_STEPS_PER_EXECUTION, choose_steps_per_execution, runs_every_batch
from keras_vae.validation import DataSpec

__all__ = [
    "AUTO_STEPS_PER_EXECUTION", "DataSpec", "GenerativeModel", "Phase",
    "choose_steps_per_execution", "runs_every_batch",
]


class Phase(NamedTuple):
    """One gradient update inside a training step.

    Attributes:
        loss: the key of the term this phase minimises.
        compute: `compute(x, y, training) -> dict[str, Tensor (batch,)]`.
        optimizer: the name of the optimizer that applies the update: the model attribute
            `compile` sets, and the `compile` argument that chooses it (`"optimizer"`:
            Keras' own). Phases may share one.
        variables: the variables this phase updates (and the only ones it differentiates).
    """

    loss: str
    compute: Callable
    optimizer: str
    variables: list


def _mean_over_batch(per_example, sample_weight):
    """`sum_i(w_i * l_i) / batch_size`, float32 scalar. `per_example` is `(batch,)`."""
    per_example = ops.cast(per_example, "float32")
    if sample_weight is not None:
        per_example = per_example * ops.reshape(ops.cast(sample_weight, "float32"), (-1,))
    return ops.mean(per_example)


class GenerativeModel(KerasWorkarounds, keras.Model):
    """Base class: the shared `train_step`/`test_step`, trackers and compile.

    A subclass sets `loss_names` (the log keys, `"loss"` first), implements
    `compute_terms`, `call` and `get_config`, and declares its data once in `data_spec` (a
    `DataSpec`: example and target shapes, value range, what `y` is), which `fit`,
    `evaluate` and `predict` check inputs against (`keras_vae.validation`). A model with
    several optimizers overrides `optimization_phases`, naming one optimizer per phase, and
    `default_optimizer(name)`; `compile(**{name: optimizer})` then sets each and builds it
    over its phases' variables only. The last phase's optimizer is Keras' `model.optimizer`,
    whose `iterations` count the steps. Keras' `use_ema=True` works on any of them: `fit`
    ends with each network on its own optimizer's averages. `_prepare_fit` and
    `_finish_fit` run before and after `fit` with the data it trains on.
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
        return [Phase("loss", self.compute_terms, "optimizer", self.trainable_variables)]

    def default_optimizer(self, name: str):
        """What `compile` uses for the optimizer `name` when none is given (a Keras
        optimizer name or a new instance). Default: `"adam"`."""
        del name
        return "adam"

    def optimizer_names(self) -> tuple[str, ...]:
        """The optimizers the phases name, each once, in phase order."""
        return tuple(dict.fromkeys(phase.optimizer for phase in self.optimization_phases()))

    @property
    def data_spec(self) -> DataSpec:
        """What the model trains on; see `keras_vae.validation.DataSpec`."""
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
        """Called by `fit` before training with the checked inputs it will train on (arrays
        without the `validation_split` part, or the Dataset or generator as given), e.g. to
        fit a scaler."""

    def _finish_fit(self, x):
        """Called by `fit` after training with the inputs it trained on, e.g. to fit a
        distribution to the codes of the training data."""

    # === The shared loop ===

    @property
    def metrics(self):
        # Only our trackers: `fit` and `evaluate` reset what is listed here every epoch.
        return list(self.loss_trackers)

    def _update_trackers(self, means, batch_size):
        for tracker in self.loss_trackers:
            if tracker.name in means:
                tracker.update_state(means[tracker.name], sample_weight=batch_size)

    def _results(self):
        return reducible_logs({tracker.name: tracker.result() for tracker in self.loss_trackers})

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        batch_size = ops.cast(ops.shape(keras.tree.flatten(x)[0])[0], "float32")
        for phase in self.optimization_phases():
            optimizer = getattr(self, phase.optimizer)
            with tf.GradientTape() as tape:
                terms = phase.compute(x, y, training=True)
                means = {name: _mean_over_batch(v, sample_weight) for name, v in terms.items()}
                # Each replica holds 1/num_replicas of the global batch; the optimizer sums
                # the replicas' gradients, so dividing here yields the global-batch mean.
                loss = means[phase.loss] / float(num_replicas())
                loss = optimizer.scale_loss(loss)
            gradients = tape.gradient(loss, phase.variables)
            optimizer.apply(gradients, phase.variables)
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
        optimizer=None,
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        steps_per_execution="auto",
        **kwargs,
    ):
        """Configures the optimizers (and `jit_compile`, `steps_per_execution`, ...).

        `optimizer` (a Keras optimizer name or instance; None: `default_optimizer`) for a
        model with one; a model whose phases name several takes each by its name, e.g.
        `compile(d_optimizer=..., g_optimizer=...)`, as distinct objects. Under a
        `mixed_float16` policy each is wrapped in a `LossScaleOptimizer`.

        The model computes its own loss terms, so `loss`, `loss_weights`, `metrics` and
        `weighted_metrics` are refused rather than silently ignored.

        `steps_per_execution="auto"` (the default) runs several batches per compiled call
        whenever that changes nothing a user sees (`choose_steps_per_execution`); pass an
        integer (`1`: one batch per call, Keras' default) to fix it.
        """
        owner = type(self).__name__
        validation.check_compile_options(
            owner, self.loss_names, steps_per_execution,
            loss=loss, loss_weights=loss_weights, metrics=metrics, weighted_metrics=weighted_metrics,
        )
        automatic = isinstance(steps_per_execution, str)  # "auto"
        names = self.optimizer_names()
        given = {name: kwargs.pop(name, None) for name in names if name != "optimizer"}
        optimizers = validation.named_optimizers(owner, names, optimizer, given, self.default_optimizer)
        main = names[-1]  # Keras' `model.optimizer`; compile() wraps it under mixed_float16
        for name, value in optimizers.items():
            if name != main and self.dtype_policy.name == "mixed_float16" and not isinstance(
                value, keras.optimizers.LossScaleOptimizer
            ):
                value = keras.optimizers.LossScaleOptimizer(value)
            setattr(self, name, value)
        super().compile(
            optimizer=optimizers[main], steps_per_execution=1 if automatic else steps_per_execution,
            **kwargs,
        )
        if main != "optimizer":
            setattr(self, main, self.optimizer)
        self._automatic_steps_per_execution = automatic
        # Saved as given, so a loaded model chooses again.
        self._compile_config.config["steps_per_execution"] = steps_per_execution
        if self.built:
            self._build_optimizers()

    def _optimizer_variables(self):
        """`[(optimizer, variables)]`: each phase optimizer once, with the variables of the
        phases it updates, in phase order."""
        grouped = {}
        for phase in self.optimization_phases():
            optimizer = getattr(self, phase.optimizer, None)
            if optimizer is None:  # not compiled yet
                continue
            _, variables = grouped.setdefault(id(optimizer), (optimizer, []))
            for variable in phase.variables:
                if all(variable is not seen for seen in variables):
                    variables.append(variable)
        return list(grouped.values())

    def get_compile_config(self):
        config = super().get_compile_config()
        names = self.optimizer_names()
        if config is None or names == ("optimizer",):
            return config
        # One entry per named optimizer instead of Keras' single `optimizer`.
        config = {key: value for key, value in config.items() if key != "optimizer"}
        return {**config, **{name: keras.saving.serialize_keras_object(getattr(self, name)) for name in names}}

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

    # === fit, evaluate, predict: Keras', with the inputs checked first ===

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
        validation.check_run_options(batch_size, epochs=epochs, validation_split=validation_split)
        x, y, sample_weight = validation.check_inputs(spec, owner, x, y, sample_weight)
        validation_data = validation.check_validation_data(spec, owner, validation_data)
        trained_on = validation.training_part(x, validation_split)
        self._prepare_fit(trained_on)
        if shuffle is None:  # Keras shuffles only arrays and warns when asked for the rest
            shuffle = not validation.is_stream(x)
        self._use_steps_per_execution(
            callbacks, kwargs.get("steps_per_epoch"), kwargs.get("validation_steps")
        )
        with self._finalizing_each_optimizer(), self._fitting():
            history = super().fit(
                x, y, batch_size=batch_size, epochs=epochs, verbose=verbose, callbacks=callbacks,
                validation_split=validation_split, validation_data=validation_data,
                shuffle=shuffle, sample_weight=sample_weight, **kwargs,
            )
        self._finish_fit(trained_on)
        return history

    @contextlib.contextmanager
    def _fitting(self):
        # Keras' `fit` runs validation through `evaluate`, which must not choose again.
        self._in_fit = True
        try:
            yield
        finally:
            self._in_fit = False

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None, **kwargs):
        """`keras.Model.evaluate`, with the inputs checked first."""
        validation.check_run_options(batch_size)
        x, y, sample_weight = validation.check_inputs(self.data_spec, type(self).__name__, x, y, sample_weight)
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().evaluate(
            x, y, batch_size=batch_size, verbose=verbose, sample_weight=sample_weight, **kwargs
        )

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """`keras.Model.predict`, with the inputs checked first."""
        validation.check_run_options(batch_size)
        x = validation.check_predict_inputs(self.data_spec, type(self).__name__, x)
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)
