"""`LSTMForecaster`: windows of a series -> the next value(s); the articles' "plain RNN"."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae.checks import check_bool, check_positive_int
from keras_vae.models.autoencoder import batched
from keras_vae.models._recurrent import RecurrentModel, build_lstm_encoder
from keras_vae.validation import DataSpec


@keras.saving.register_keras_serializable(package="keras_vae")
class LSTMForecaster(RecurrentModel):
    """Forecasts the next `horizon` steps of a series from a window of its past.

    Stacked LSTMs read the window `(batch, sequence_length, num_features)`; a linear layer
    maps the last hidden state to all `horizon * num_targets` future values at once. With
    `predict_change=True` (the default) these are changes from the window's last value of
    each target column, so the forecast is

    `y_hat_hf = x_{T, c_f} + network(x - x_T * m)_hf`     (c_f = `target_columns[f]`)

    where `m` is 1 on the target columns and 0 elsewhere: the network reads each target
    column relative to its last value (the other columns as they are), a per-window
    shift in the spirit of reversible instance normalisation (Kim et al., ICLR 2022).

    A network's outputs stay in the range it was trained on; a series with a trend leaves
    that range in the test part (its scaled values grow past anything seen in training),
    and a network that predicts the level itself can then not follow it (measured on
    `benchmarks/forecasting.py`'s trended series: see its table). Predicting the change
    and reading the window relative to its end keep inputs and outputs in the training
    range wherever the level goes, and make persistence the model's starting point rather
    than a baseline it must first learn.

    By default the loss is the mean squared error over the horizon and the target features,
    per window, averaged over the batch; the mean absolute error is logged too:

    `loss = mean_{h, f}((y_hf - y_hat_hf)**2)`,  `mae = mean_{h, f}(|y_hf - y_hat_hf|)`

    `compile(loss=..., metrics=[...])` takes Keras losses and metrics instead, as a name
    (`"mse"`, `"mae"`, `"huber"`, ...), a function `f(y_true, y_pred)` or a
    `keras.losses.Loss` / `keras.metrics.MeanMetricWrapper` instance (`MeanAbsoluteError`,
    ...); each is computed per window (averaged over the values it returns per window) and
    averaged over the batch by the shared loop, so sample weights, `tf.distribute` and
    mixed precision work as for every model. Logged names: `"loss"`, and each metric's
    name as given (a string) or its `__name__` / `name`.

    Trained with `fit(x, y)`: `x` are windows, `y` what follows each window. Build both
    with `keras_vae.data` (it splits a series in time before cutting windows, so no window
    of the validation or test part is seen in training, and scales with training statistics
    only). A forecaster is not an autoencoder: `fit(x)` without `y` is refused, the mistake
    of article 000 §4.2, whose regressor is trained to output its own input.

    Args:
        sequence_length: length of the input window, > 0.
        num_features: values per step in the window, > 0.
        horizon: number of future steps predicted, > 0.
        num_targets: values per predicted step, > 0; defaults to `num_features`.
        hidden_dims: sizes of the stacked LSTMs, e.g. `(64,)` or `(64, 32)`.
        predict_change: whether the network predicts the change from the last observed
            value of each target column (True) or the values themselves (False).
        target_columns: the input columns the targets are, in order (as in
            `keras_vae.data.make_forecasting_splits(target_columns=...)`); default the
            first `num_targets` columns. Used by `predict_change`.
        seed: int or None, seeds the initialisers.
        **kwargs: base `keras.Model` arguments.

    Call arguments:
        inputs: `(batch, sequence_length, num_features)`. Returns the forecast
            `(batch, horizon, num_targets)`.

    Example:
    >>> forecaster = LSTMForecaster(sequence_length=24, num_features=1, horizon=1)
    >>> forecaster.compile(optimizer="adam")
    >>> history = forecaster.fit(x_windows, y_next, epochs=5, verbose=0)
    >>> forecaster.predict(x_windows[:3], verbose=0).shape
    (3, 1, 1)

    Reference:
        Hochreiter & Schmidhuber, "Long Short-Term Memory", Neural Computation 1997.
    """

    loss_names = ("loss", "mae")

    def __init__(
        self,
        sequence_length: int,
        num_features: int,
        horizon: int = 1,
        num_targets: int | None = None,
        hidden_dims=(64,),
        predict_change: bool = True,
        target_columns=None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(sequence_length, num_features, hidden_dims, seed, **kwargs)
        self.horizon = check_positive_int(horizon, "horizon")
        self.num_targets = self.num_features if num_targets is None else check_positive_int(num_targets, "num_targets")
        check_bool(predict_change, "predict_change")
        self.predict_change = predict_change
        self.target_columns = self._check_target_columns(target_columns)
        self._loss_fn, self._metric_fns = None, {"mae": _absolute_error}
        self._target_mask = np.zeros((self.num_features,), "float32")  # 1 on target columns
        if self.target_columns is not None:
            self._target_mask[list(self.target_columns)] = 1.0
        # === Layers ===
        self.network = build_lstm_encoder(
            self.sequence_length, self.num_features, self.hidden_dims,
            {"forecast": self.horizon * self.num_targets}, seed, name="network", layer_prefix="lstm",
        )  # (batch, horizon * num_targets)
        self.built = True

    @property
    def data_spec(self):
        return DataSpec(self.example_shape, targets="required", target_shape=(self.horizon, self.num_targets))

    def _check_target_columns(self, target_columns):
        if target_columns is None:
            if self.num_targets > self.num_features:
                if self.predict_change:
                    raise ValueError(
                        "predict_change=True adds each target's last observed value, so the targets "
                        f"must be input columns: num_targets <= num_features={self.num_features}, or "
                        f"pass predict_change=False. Received: num_targets={self.num_targets}"
                    )
                return None
            return tuple(range(self.num_targets))
        columns = tuple(target_columns) if isinstance(target_columns, (list, tuple)) else (target_columns,)
        if len(columns) != self.num_targets or not all(
            isinstance(c, int) and not isinstance(c, bool) and 0 <= c < self.num_features for c in columns
        ):
            raise ValueError(
                f"`target_columns` must list {self.num_targets} input column indices in "
                f"[0, {self.num_features}), one per target. Received: target_columns={target_columns!r}"
            )
        return columns

    # === compile: Keras losses and metrics ===

    def compile(self, optimizer="adam", loss=None, metrics=None, **kwargs):
        """`compile(optimizer, loss=None, metrics=None, ...)`: see the class docstring.

        `loss=None` is the mean squared error; `metrics=None` logs `"mae"`. Neither
        `loss_weights` nor `weighted_metrics` apply (one output; sample weights weight
        the loss and every metric).
        """
        loss_fn = None if loss is None else _as_per_window(loss, "loss")
        metric_fns = {"mae": _absolute_error} if metrics is None else {}
        if metrics is not None:
            for metric in metrics if isinstance(metrics, (list, tuple)) else [metrics]:
                metric_fns[_name_of(metric)] = _as_per_window(metric, "metrics")
        self._loss_fn, self._metric_fns = loss_fn, metric_fns
        self._compiled_loss = (loss, metrics)
        names = ("loss", *metric_fns)
        if names != tuple(tracker.name for tracker in self.loss_trackers):
            self.loss_names = names
            self.loss_trackers = [keras.metrics.Mean(name=name) for name in names]
        super().compile(optimizer=optimizer, **kwargs)

    def get_compile_config(self):
        config = super().get_compile_config()
        loss, metrics = getattr(self, "_compiled_loss", (None, None))
        if config is not None:
            config["loss"] = keras.saving.serialize_keras_object(loss)
            config["metrics"] = keras.saving.serialize_keras_object(metrics)
        return config

    def compute_terms(self, x, y=None, training=False):
        forecast = ops.cast(self.call(x, training=training), "float32")  # (batch, horizon, num_targets)
        y = ops.cast(y, "float32")
        loss = _squared_error(y, forecast) if self._loss_fn is None else self._loss_fn(y, forecast)
        return {"loss": loss, **{name: fn(y, forecast) for name, fn in self._metric_fns.items()}}

    def call(self, inputs, training=False):
        if not self.predict_change:
            flat = self.network(inputs, training=training)
            return ops.reshape(flat, (-1, self.horizon, self.num_targets))
        # The network sees each target column relative to its last value (other columns as
        # they are) and predicts the change: both stay in the training range wherever the
        # level goes.
        last_step = inputs[:, -1:, :]  # (batch, 1, num_features)
        centred = inputs - last_step * ops.cast(self._target_mask, inputs.dtype)
        flat = self.network(centred, training=training)
        change = ops.reshape(flat, (-1, self.horizon, self.num_targets))
        last = ops.take(ops.cast(last_step[:, 0, :], change.dtype), list(self.target_columns), axis=-1)
        return change + last[:, None, :]  # Eq. above: last observed value + predicted change

    def _preview(self, x, seed, labels=None):
        """What `callbacks.SampleMonitor` draws: the forecasts of `x`'s windows."""
        del seed, labels
        return {"forecasts": self.forecast(x)}

    def forecast(self, x, batch_size: int = 1024) -> np.ndarray:
        """The forecast for windows `x`, `(n, horizon, num_targets)`, as a NumPy array."""
        x = self._check_x(x)
        return batched(lambda b: self.call(b, training=False), x, batch_size)

    def get_config(self):
        return {
            **super().get_config(),
            "horizon": self.horizon,
            "num_targets": self.num_targets,
            "predict_change": self.predict_change,
            "target_columns": None if self.target_columns is None else list(self.target_columns),
        }


def _squared_error(y, forecast):
    return ops.mean(ops.square(y - forecast), axis=(1, 2))  # (batch,)


def _absolute_error(y, forecast):
    return ops.mean(ops.abs(y - forecast), axis=(1, 2))  # (batch,)


def _name_of(metric):
    if isinstance(metric, str):
        return metric
    return getattr(metric, "name", None) or getattr(metric, "__name__", type(metric).__name__)


def _as_per_window(value, argument):
    """A Keras loss or metric as `f(y, forecast) -> (batch,)`, or a ValueError."""
    expected = (
        f"`{argument}` must be a Keras loss or metric: a name such as 'mse', 'mae' or 'huber', a "
        "function f(y_true, y_pred), or a keras.losses.Loss / keras.metrics.MeanMetricWrapper instance"
    )
    if isinstance(value, keras.losses.Loss):
        fn = value.call  # unreduced: the loop does the batch mean
    elif isinstance(value, keras.metrics.Metric):
        fn = getattr(value, "_fn", None)
        if fn is None:
            raise ValueError(f"{expected}; a stateful metric cannot be computed per window. Received: {value!r}")
    elif isinstance(value, str):
        try:
            fn = keras.losses.get(value)
        except ValueError:
            fn = None
        if fn is None:
            try:
                fn = keras.metrics.get(value)
            except ValueError:
                raise ValueError(f"{expected}. Received: {argument}={value!r}") from None
            if isinstance(fn, keras.metrics.Metric):
                fn = getattr(fn, "_fn", None)
        if not callable(fn):
            raise ValueError(f"{expected}. Received: {argument}={value!r}")
    elif callable(value) and not isinstance(value, type):
        fn = value
    else:
        raise ValueError(f"{expected}. Received: {argument}={value!r}")

    def per_window(y, forecast):
        values = ops.cast(fn(y, forecast), "float32")
        if len(values.shape) == 0:
            raise ValueError(
                f"{expected}, returning one value per window (or per step), not a scalar. "
                f"Received: {argument}={value!r}, which returned a scalar"
            )
        return ops.mean(ops.reshape(values, (ops.shape(values)[0], -1)), axis=1)  # (batch,)

    return per_window
