"""Workarounds for Keras 3 / TensorFlow behaviour the shared loop has to live with.

Each one says what Keras or TensorFlow does, with the version it was seen in, and why the
loop needs something else. `GenerativeModel` inherits `KerasWorkarounds`; nothing here
is part of the training maths. When a Keras release fixes one, delete it here and its test
(named in the comment) says whether the fix is real.
"""

from __future__ import annotations

import contextlib

import keras
import tensorflow as tf
from keras import ops


def multi_worker(strategy=None) -> bool:
    """Whether `strategy` (default: the current one) is a MultiWorkerMirroredStrategy
    spanning several workers."""
    strategy = strategy or tf.distribute.get_strategy()
    in_multi_worker_mode = getattr(strategy.extended, "_in_multi_worker_mode", None)
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        in_multi_worker_mode and in_multi_worker_mode()
    )


def num_replicas() -> int:
    return tf.distribute.get_strategy().num_replicas_in_sync


def reducible_logs(results: dict) -> dict:
    """A step's logs in a shape Keras can reduce across workers.

    Keras reduces a step's logs across workers with `strategy.reduce("MEAN", v, axis=0)`,
    which fails for scalars ("Invalid reduction dimension 0 for input with 0 dimensions",
    tensorflow/tensorflow#72388); shape (1,) reduces to a scalar. Tested by
    `tests/test_distribution_and_precision.py` (MultiWorkerMirroredStrategy).
    """
    if not multi_worker():
        return results
    return {name: ops.reshape(value, (1,)) for name, value in results.items()}


class KerasWorkarounds:
    """The `keras.Model` overrides the shared loop needs; mixed into `GenerativeModel`.

    The model must provide `_optimizer_variables()`: `[(optimizer, variables)]`, each
    optimizer once with the variables it updates.
    """

    def _maybe_symbolic_build(self, iterator=None, data_batch=None):
        # Keras (3.15.1) builds a model under a strategy by reducing its first batch with
        # `strategy.reduce`, which under MultiWorkerMirroredStrategy does not take the
        # `(x, y)` tuple of `fit(x, y)` ("Attempt to convert a value (PerReplica...)").
        # keras_vae models are built in __init__; only the optimizer may still need building.
        # `fit` runs outside the strategy's scope: ask the model's strategy, not the current one.
        if not multi_worker(self.distribute_strategy):
            return super()._maybe_symbolic_build(iterator=iterator, data_batch=data_batch)
        if self.optimizer is not None and not self.optimizer.built:
            with self.distribute_strategy.scope():
                self.optimizer.build(self.trainable_variables)
        return None

    def _build_optimizers(self):
        # Each optimizer gets slots (Adam moments, `use_ema` averages) for the variables it
        # updates and no others: a GAN's generator optimizer holds none for the discriminator.
        # Built in compile, not inside the first traced step: Keras otherwise traces the
        # first `fit` step twice (once to create the slots). Measured: the first one-epoch
        # fit of a 784-512-256-16 DenseVAE on 512 examples took 2.5 s before, 1.6 s after
        # (2 shared cores).
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

    def fit(self, *args, **kwargs):
        with self._finalizing_each_optimizer():
            return super().fit(*args, **kwargs)

    def save(self, filepath, overwrite=True, zipped=None, **kwargs):
        """`keras.Model.save`; a `.keras` file is written all or nothing.

        Keras (3.15.1) writes into the destination as it serialises, so a failure half-way
        (also in `ModelCheckpoint`) leaves a broken file, or destroys the previous good one.
        `keras_vae.saving.save_model` writes a temporary file and renames it into place.
        Tested by `test_failed_save_leaves_no_partial_file` (tests/test_bad_inputs.py).
        """
        if zipped in (None, True) and str(filepath).endswith(".keras") and not kwargs:
            from keras_vae import saving  # late: saving imports the models

            return saving.save_model(self, filepath, overwrite=overwrite)
        return super().save(filepath, overwrite=overwrite, zipped=zipped, **kwargs)

    def compile_from_config(self, config):
        # Keras skips compiling (with a warning) for models that override compile(); ours
        # only narrows compile(), so restoring the optimizer on load is safe and needed for
        # resuming training from a `.keras` file.
        config = keras.saving.deserialize_keras_object(config)
        self.compile(**config)
        if self.built:
            self._build_optimizers()
