"""The one training loop shared by every keras_vae model.

`GenerativeModel.train_step` and `test_step` know nothing about any particular model. A model
gives the loop its loss terms, `compute_terms(x, y, training)`: a dict of **per-example**
float32 tensors of shape `(batch,)` (sums over data dimensions, never over the batch), and
`optimization_phases()`: which term each update minimises, with which optimizer (named: the
model attribute `compile` sets), over which variables, in order. A VAE has one phase; a GAN
has two (the discriminator's, then the generator's), run in order inside one step, so an
alternating update is not a second loop.

The loop does the rest, once, for every model:

- the mean over the batch, `sum_i(w_i * l_i) / batch_size` (Keras' "sum_over_batch_size");
- `tf.distribute`: each replica divides its mean by the number of replicas and the optimizer
  sums gradients across replicas, so the update is that of the global batch mean; the
  trackers (`keras.metrics.Mean`) sum totals and counts across replicas, so logs do too;
- mixed precision: every term is float32; the minimised scalar goes through
  `optimizer.scale_loss` (a `LossScaleOptimizer` under `mixed_float16`, added by `compile`);
- one tracker per term, and only those in `metrics`, so logs show `loss`,
  `reconstruction_loss`, ... and their `val_` twins, reset every epoch;
- weights a callback changes (a KL weight) are `keras.Variable`s read inside the step, so
  changing them never retraces.

Around the loop: inputs are checked against each model's `DataSpec` before anything is
traced (`keras_vae.validation.CheckedRuns`), `steps_per_execution="auto"` is chosen per run
(`keras_vae.execution`), and Keras behaviour the loop has to work around lives in
`keras_vae.compat`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import keras
import tensorflow as tf
from keras import ops

from keras_vae import validation
from keras_vae.compat import KerasWorkarounds, num_replicas, reducible_logs
from keras_vae.execution import (
    AUTO_STEPS_PER_EXECUTION, AutomaticStepsPerExecution, choose_steps_per_execution, runs_every_batch,
)
from keras_vae.validation import CheckedRuns, DataSpec

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


class GenerativeModel(CheckedRuns, AutomaticStepsPerExecution, KerasWorkarounds, keras.Model):
    """Base class: the shared `train_step`/`test_step`, trackers and compile.

    A subclass sets `loss_names` (the log keys, `"loss"` first), implements
    `compute_terms`, `call` and `get_config`, and declares its data in `data_spec` (a
    `DataSpec`, see `CheckedRuns`). A model with several optimizers overrides
    `optimization_phases`, naming one optimizer per phase, and `default_optimizer(name)`;
    `compile(**{name: optimizer})` sets each and builds it over its phases' variables only.
    The last phase's optimizer is Keras' `model.optimizer`, whose `iterations` count the
    steps; with `use_ema=True` on any of them `fit` ends with each network on its own
    optimizer's averages.
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
            optimizer=optimizers[main], steps_per_execution=steps_per_execution, **kwargs
        )
        if main != "optimizer":
            setattr(self, main, self.optimizer)
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
