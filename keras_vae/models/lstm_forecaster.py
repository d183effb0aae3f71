"""`LSTMForecaster`: windows of a series -> the next value(s); the articles' "plain RNN"."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae.checks import check_positive_int
from keras_vae.models._autoencoding import batched
from keras_vae.models._recurrent import RecurrentModel, build_lstm_encoder


@keras.saving.register_keras_serializable(package="keras_vae")
class LSTMForecaster(RecurrentModel):
    """Forecasts the next `horizon` steps of a series from a window of its past.

    Stacked LSTMs read the window `(batch, sequence_length, num_features)`; a linear layer
    maps the last hidden state to all `horizon * num_targets` future values at once. The
    loss is the mean squared error over the horizon and the target features, per window,
    averaged over the batch; the mean absolute error is logged too:

    `loss = mean_{h, f}((y_hf - y_hat_hf)**2)`,  `mae = mean_{h, f}(|y_hf - y_hat_hf|)`

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
    requires_targets = True
    inputs_are_targets = False

    def __init__(
        self,
        sequence_length: int,
        num_features: int,
        horizon: int = 1,
        num_targets: int | None = None,
        hidden_dims=(64,),
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(sequence_length, num_features, hidden_dims, seed, **kwargs)
        self.horizon = check_positive_int(horizon, "horizon")
        self.num_targets = self.num_features if num_targets is None else check_positive_int(num_targets, "num_targets")
        # === Layers ===
        self.network = build_lstm_encoder(
            self.sequence_length, self.num_features, self.hidden_dims,
            {"forecast": self.horizon * self.num_targets}, seed, name="network", layer_prefix="lstm",
        )  # (batch, horizon * num_targets)
        self.built = True

    @property
    def target_shape(self):
        return (self.horizon, self.num_targets)

    def compute_terms(self, x, y=None, training=False):
        forecast = self.call(x, training=training)  # (batch, horizon, num_targets)
        error = ops.cast(y, "float32") - ops.cast(forecast, "float32")
        return {"loss": ops.mean(ops.square(error), axis=(1, 2)), "mae": ops.mean(ops.abs(error), axis=(1, 2))}

    def call(self, inputs, training=False):
        flat = self.network(inputs, training=training)
        return ops.reshape(flat, (-1, self.horizon, self.num_targets))

    def forecast(self, x, batch_size: int = 1024) -> np.ndarray:
        """The forecast for windows `x`, `(n, horizon, num_targets)`, as a NumPy array."""
        x = self._check_x(x)
        return batched(lambda b: self.call(b, training=False), x, batch_size)

    def get_config(self):
        return {**super().get_config(), "horizon": self.horizon, "num_targets": self.num_targets}
