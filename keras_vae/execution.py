"""How many batches one call of the compiled train/test/predict function runs.

`compile(steps_per_execution="auto")`, the default of every keras_vae model, chooses the
number per `fit`, `evaluate` or `predict` call with `choose_steps_per_execution`: several
batches per call save Python and launch overhead per batch and change nothing a user sees.
"""

from __future__ import annotations

import keras


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
    - 1 for a model made under a `tf.distribute` strategy (see `AutomaticStepsPerExecution`);
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


class AutomaticStepsPerExecution:
    """`compile(steps_per_execution="auto")`: choose the batches per call for each `fit`,
    `evaluate` and `predict`. Mixed into `GenerativeModel` before `keras.Model`."""

    def compile(self, *args, steps_per_execution="auto", **kwargs):
        automatic = isinstance(steps_per_execution, str)  # "auto"; checked by the caller
        super().compile(*args, steps_per_execution=1 if automatic else steps_per_execution, **kwargs)
        self._automatic_steps_per_execution = automatic
        # Saved as given, so a loaded model chooses again.
        self._compile_config.config["steps_per_execution"] = steps_per_execution

    def _use_steps_per_execution(self, callbacks, *steps):
        """Sets the batches per call for this run (`choose_steps_per_execution`); Keras
        rebuilds its compiled functions only when the number changes."""
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

    def fit(self, *args, callbacks=None, **kwargs):
        self._use_steps_per_execution(callbacks, kwargs.get("steps_per_epoch"), kwargs.get("validation_steps"))
        # Keras' `fit` validates through `evaluate`, which must not choose again.
        self._in_fit = True
        try:
            return super().fit(*args, callbacks=callbacks, **kwargs)
        finally:
            self._in_fit = False

    def evaluate(self, *args, **kwargs):
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().evaluate(*args, **kwargs)

    def predict(self, *args, **kwargs):
        self._use_steps_per_execution(kwargs.get("callbacks"), kwargs.get("steps"))
        return super().predict(*args, **kwargs)
