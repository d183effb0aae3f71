"""Errata tests of article 000 (VAEs compared with RNNs) added after the first 64 entries.

One test per entry of `keras_vae/errata/data/000_5fc41156a1ca64e2.toml` that is not tested
in `tests/test_errata.py`. Each reproduces the point with a minimal construction of our own
(never the article's code) and checks the corrected statement numerically; where keras_vae
has the corrected model, the test then checks that model.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from keras_vae import LSTMVAE, LSTMForecaster, data, losses


def _first_to_last_gradient(model_fn, timesteps, windows=4, seed=0):
    """Mean |d sum(model(x)) / d x_1| / mean |d sum(model(x)) / d x_T| over random windows."""
    x = tf.Variable(np.random.default_rng(seed).normal(size=(windows, timesteps, 1)).astype("float32"))
    with tf.GradientTape() as tape:
        total = ops.sum(model_fn(x))
    gradient = np.abs(tape.gradient(total, x).numpy()[:, :, 0]).mean(axis=0)
    return float(gradient[0] / gradient[-1])


def _forecaster_ratio(timesteps):
    """The ratio above for keras_vae's own forecaster network at initialisation."""
    forecaster = LSTMForecaster(
        sequence_length=timesteps, num_features=1, hidden_dims=(8,), predict_change=False, seed=0
    )
    return _first_to_last_gradient(forecaster.network, timesteps)


def _seeded_simple_rnn():
    return layers.SimpleRNN(
        8,
        kernel_initializer=keras.initializers.GlorotUniform(seed=0),
        recurrent_initializer=keras.initializers.Orthogonal(seed=1),
    )


# =========================================================================== article 000


def test_000_2_2_2_recurrence_is_not_long_memory():
    ratios = {t: _forecaster_ratio(t) for t in (10, 30, 60, 100)}
    values = [ratios[t] for t in (10, 30, 60, 100)]
    assert all(a > b for a, b in zip(values, values[1:])), ratios  # decays with distance
    assert ratios[10] > 0.1, ratios  # a short window: the first step still counts
    assert ratios[60] < 1e-3 and ratios[100] < 1e-5, ratios  # far back: the signal vanishes
    # Roughly exponential: 30 to 40 extra steps cost another factor of at least 30.
    assert ratios[30] / ratios[60] > 30 and ratios[60] / ratios[100] > 30, ratios
    # keras_vae's forecaster reads a fixed window and refuses a longer one.
    forecaster = LSTMForecaster(sequence_length=10, num_features=1, hidden_dims=(8,), seed=0)
    with pytest.raises(ValueError, match=r"must have shape \(batch, 10, 1\)"):
        forecaster.forecast(np.zeros((2, 30, 1), "float32"))
    assert forecaster.forecast(np.zeros((2, 10, 1), "float32")).shape == (2, 1, 1)


def test_000_6_2_feedforward_nets_reach_far_back():
    steps = 60
    rng = np.random.default_rng(3)
    x_train = rng.normal(size=(512, steps, 1)).astype("float32")
    x_test = rng.normal(size=(128, steps, 1)).astype("float32")
    feedforward = keras.Sequential(
        [
            keras.Input((steps, 1)),
            layers.Flatten(),
            layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=0)),
        ]
    )
    # No chain of step Jacobians: the first step's gradient is as large as the last one's ...
    assert _first_to_last_gradient(feedforward, steps, windows=8, seed=4) > 0.1
    # ... whereas in a plain RNN it has all but vanished after 60 steps.
    rnn_short = _first_to_last_gradient(_seeded_simple_rnn(), 10, windows=8, seed=4)
    rnn_long = _first_to_last_gradient(_seeded_simple_rnn(), steps, windows=8, seed=4)
    assert rnn_short > 1e-2 and rnn_long < 1e-5, (rnn_short, rnn_long)
    # The feedforward net learns a dependency 59 steps back: target = the window's first step.
    feedforward.compile(optimizer=keras.optimizers.Adam(0.05), loss="mse")
    feedforward.fit(x_train, x_train[:, 0], epochs=20, batch_size=64, shuffle=False, verbose=0)
    test_mse = feedforward.evaluate(x_test, x_test[:, 0], verbose=0)
    assert test_mse < 1e-3 * float(np.var(x_test[:, 0])), test_mse
    # keras_vae's windows serve a feedforward model too: least squares on the lags of
    # `make_forecasting_splits` recovers a dependency 10 steps back (series of our own).
    noise = np.random.default_rng(5).normal(size=600)
    series = np.zeros(600)
    for t in range(10, 600):
        series[t] = 0.8 * series[t - 10] + noise[t]
    splits = data.make_forecasting_splits(series, window=11, horizon=1, validation_fraction=0.1, test_fraction=0.1)
    design = np.c_[splits.x_train[:, :, 0], np.ones(len(splits.x_train))]
    weights, *_ = np.linalg.lstsq(design, splits.y_train[:, 0, 0], rcond=None)
    assert weights[1] == pytest.approx(0.8, abs=0.1)  # lag 10 is the window's second step
    assert np.all(np.abs(np.delete(weights[:-1], 1)) < 0.15)


def test_000_2_3_vae_and_rnn_are_not_rivals():
    vae = LSTMVAE(sequence_length=12, num_features=2, latent_dim=2, hidden_dims=(8,), seed=0)
    # One model that is both: recurrent encoder and decoder ...
    assert any(isinstance(layer, layers.LSTM) for layer in vae.encoder.layers)
    assert any(isinstance(layer, layers.LSTM) for layer in vae.decoder.layers)
    # ... trained on the negative ELBO: reconstruction + weighted KL to N(0, I).
    x = data.make_sines(n=8, sequence_length=12, num_features=2, seed=0)
    lstm_kernels = [w for w in vae.trainable_weights if w.path.endswith("lstm_cell/kernel")]
    assert len(lstm_kernels) == 2
    with tf.GradientTape() as tape:
        terms = vae.compute_terms(x, training=True)
        loss = ops.mean(terms["loss"])
    np.testing.assert_allclose(
        terms["loss"], terms["reconstruction_loss"] + float(vae.kl_weight) * terms["kl_loss"], rtol=1e-5
    )
    z_mean, z_log_var = vae.encoder(x, training=False)
    np.testing.assert_allclose(terms["kl_loss"], losses.gaussian_kl(z_mean, z_log_var), rtol=1e-5)
    assert float(ops.min(terms["kl_loss"])) > 0
    for kernel, gradient in zip(lstm_kernels, tape.gradient(loss, lstm_kernels), strict=True):
        assert gradient is not None and float(ops.max(ops.abs(gradient))) > 0, kernel.path
    # A generative model of sequences: prior draws decode to whole sequences.
    z = np.random.default_rng(0).standard_normal((5, 2)).astype("float32")
    assert vae.decode(z).shape == (5, 12, 2)
