"""Errata tests of article 004 (autoencoders compared with VAEs) added after the first 64 entries.

One test per entry of `keras_vae/errata/data/004_21b0a4fad713f53e.toml` that is not tested
in `tests/test_errata.py`. Each reproduces the defect with a minimal construction of our own
and, where the entry is about a model, checks keras_vae's corrected model on a few dozen
seeded examples.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from keras_vae import DenseAutoencoder, DenseVAE, losses
from keras_vae.evaluation import off_data_fraction

# The structured 8×8 data of the first 64 entries' tests (pytest puts tests/ on sys.path).
from test_errata import D, LATENT, SHAPE, _structured  # noqa: E402


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(LATENT, D)) * 2.5
    return {"train": _structured(rng, weights, 64), "test": _structured(rng, weights, 32)}


def _fit(model_class, data):
    model = model_class(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(16,), seed=0)
    model.compile(optimizer=keras.optimizers.Adam(1e-2))
    keras.utils.set_random_seed(0)  # the shuffling of fit
    model.fit(data["train"], epochs=40, batch_size=16, verbose=0)
    return model


@pytest.fixture(scope="module")
def ae(data):
    return _fit(DenseAutoencoder, data)


@pytest.fixture(scope="module")
def vae(data):
    return _fit(DenseVAE, data)


def _held_out_mse(model, x):
    return float(np.mean((model.reconstruct(x) - x) ** 2))


# The 1-D linear-Gaussian model p(z) = N(0, 1), p(x|z) = N(z, S2): exact in closed form.
S2 = 0.25
X = 1.5


def _kl_normal(m1, v1, m2, v2):
    """KL(N(m1, v1) || N(m2, v2))."""
    return 0.5 * (math.log(v2 / v1) + (v1 + (m1 - m2) ** 2) / v2 - 1.0)


def _elbo(m, v, x=X):
    expected_log_lik = -0.5 * math.log(2 * math.pi * S2) - ((x - m) ** 2 + v) / (2 * S2)
    return expected_log_lik - _kl_normal(m, v, 0.0, 1.0)


LOG_PX = -0.5 * (math.log(2 * math.pi * (1.0 + S2)) + X**2 / (1.0 + S2))
POST_MEAN, POST_VAR = X / (1.0 + S2), S2 / (1.0 + S2)  # N(1.2, 0.2)


# =========================================================================== article 004


@pytest.mark.slow
def test_004_2_1_ae_called_generative(ae, data):
    # The autoencoder's objective does not fix where the codes lie: scaling every code by c
    # and the decoder's input weights by 1/c gives the same reconstructions and loss.
    rng = np.random.default_rng(3)
    x = rng.random((32, 16)).astype("float32")
    encoder = layers.Dense(LATENT, kernel_initializer=keras.initializers.GlorotUniform(seed=1))
    decoder = layers.Dense(16, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    codes = encoder(x)
    reference = decoder(codes)
    kernel, bias = (ops.convert_to_numpy(w) for w in decoder.weights)
    scale = 100.0
    decoder.set_weights([kernel / scale, bias])
    rescaled = decoder(codes * scale)
    bce = keras.losses.BinaryCrossentropy()
    assert float(bce(x, rescaled)) == pytest.approx(float(bce(x, reference)), rel=1e-5)
    assert float(ops.std(codes * scale)) > 50 * float(ops.std(codes))  # same loss, codes 100x wider
    # keras_vae: no prior to sample from; generation uses a density fitted to the codes.
    with pytest.raises(ValueError, match="not trained with a prior over codes"):
        ae.sample(4, prior="standard")
    codes_train, codes_test = ae.encode(data["train"]), ae.encode(data["test"])
    assert off_data_fraction(ae.sample_codes(256, seed=1), codes_train, codes_test) < 0.1
    assert ae.sample(8, seed=1).shape == (8, *SHAPE)


@pytest.mark.slow
def test_004_2_2_vae_called_more_expressive(ae, vae, data):
    # Exact: with q(z|x) = N(a x, v) on data x ~ N(0, 1 + S2), the average KL term equals
    # I(x; z) + KL(q(z) || p(z)), so every nat the code carries about x is paid for.
    data_var = 1.0 + S2
    for a, v in ((POST_MEAN / X, POST_VAR), (0.5, 0.5)):  # the exact posterior, another q
        average_kl = 0.5 * (v + a**2 * data_var - 1.0 - math.log(v))
        mutual_information = 0.5 * math.log(1.0 + a**2 * data_var / v)
        marginal_kl = _kl_normal(0.0, a**2 * data_var + v, 0.0, 1.0)
        assert average_kl == pytest.approx(mutual_information + marginal_kl, abs=1e-12)
        assert mutual_information > 0.2
    # Same encoder, decoder, data and training: the VAE reconstructs held-out data worse.
    ae_mse, vae_mse = _held_out_mse(ae, data["test"]), _held_out_mse(vae, data["test"])
    assert vae_mse > 1.5 * ae_mse
    # What the VAE adds is a prior to sample from.
    assert vae.sample(8, seed=1, prior="standard").shape == (8, *SHAPE)


def test_004_3_2_1_encoder_same_as_ae(vae, data):
    # A deterministic code is q = a point mass: as the variance of q shrinks to 0 the KL
    # from the prior, and the gap of the bound, grow without limit.
    kls = [_kl_normal(POST_MEAN, var, 0.0, 1.0) for var in (1e-2, 1e-4, 1e-8)]
    assert kls[1] - kls[0] == pytest.approx(0.5 * math.log(100), abs=1e-2)  # +2.3 per 100x
    assert kls[2] - kls[1] == pytest.approx(math.log(100), abs=1e-2)
    assert _elbo(POST_MEAN, POST_VAR) == pytest.approx(LOG_PX, abs=1e-12)  # the best variance
    assert LOG_PX - _elbo(POST_MEAN, 1e-8) > 7.0
    # keras_vae's encoder has two heads, mean and log-variance of q(z|x).
    assert len(vae.encoder.outputs) == 2
    assert vae.z_mean_layer is not vae.z_log_var_layer
    z_mean, z_log_var = vae.posterior(data["test"])
    assert z_mean.shape == z_log_var.shape == (len(data["test"]), LATENT)
    variance = np.exp(z_log_var)
    assert np.all(variance > 1e-4) and np.all(np.isfinite(variance))
    assert np.all(np.isfinite(ops.convert_to_numpy(losses.gaussian_kl(z_mean, z_log_var))))


def test_004_4_2_reduce_variance_not_top_level(vae, data):
    noise = tf.random.normal((3, 4), seed=2)
    with pytest.raises(AttributeError, match="module 'tensorflow' has no attribute 'reduce_variance'"):
        tf.reduce_variance(noise, axis=1)
    # Python looks the callee up before its argument: this error comes before the one of
    # the non-existent sampling function inside it.
    with pytest.raises(AttributeError, match="reduce_variance"):
        tf.reduce_variance(tf.random.normal_sample((3, 4)), axis=1)
    assert np.allclose(tf.math.reduce_variance(noise, axis=1), np.var(noise.numpy(), axis=1), atol=1e-6)
    # keras_vae: the log-variance is an encoder output, not a statistic of fresh noise.
    _, z_log_var = vae.posterior(data["test"])
    assert vae.z_log_var_layer.get_config()["units"] == LATENT
    assert np.all(z_log_var.std(axis=0) > 1e-4)
