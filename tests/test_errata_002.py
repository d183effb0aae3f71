"""Errata tests of article 002 (002_99374ef0cbdf6e3a.txt) added after the first 64 entries.

One test per entry added to `keras_vae/errata/data/002_99374ef0cbdf6e3a.toml` after the
first 64 entries of the errata; the consistency tests in `tests/test_errata.py` read this
file too. Each test reproduces the defect with a minimal construction of our own and, where
the entry is about a model, checks keras_vae's corrected model.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from keras_vae import DenseVAE, Sampling, losses

SHAPE = (8, 8)
D = 64  # pixels per example
LATENT = 2


@pytest.fixture(scope="module")
def data():
    """Images in [0, 1] near a 2-D manifold (a sigmoid of a 2-D code), seeded."""
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(LATENT, D)) * 2.5

    def structured(n):
        z = rng.normal(size=(n, LATENT))
        return (1.0 / (1.0 + np.exp(-(z @ weights)))).reshape(n, *SHAPE).astype("float32")

    return {"train": structured(64), "test": structured(32)}


@pytest.fixture(scope="module")
def trained_vae(data):
    vae = DenseVAE(input_shape=SHAPE, latent_dim=LATENT, hidden_dims=(32,), seed=0)
    vae.compile(optimizer=keras.optimizers.Adam(1e-2))
    # shuffle=False: Keras shuffles each epoch with an unseeded generator; keep the run fixed.
    history = vae.fit(data["train"], epochs=30, batch_size=16, verbose=0, shuffle=False)
    assert np.all(np.isfinite(history.history["loss"]))
    return vae


def test_002_2_1_latent_called_noise(trained_vae, data):
    # Exact model p(z) = N(0, 1), p(x|z) = N(z, S2); z drawn from the exact posterior
    # q(z|x) = N(x / (1 + S2), S2 / (1 + S2)) by z = mu(x) + sigma * epsilon.
    s2 = 0.25
    rng = np.random.default_rng(1)
    n = 200_000
    x = math.sqrt(1.0 + s2) * rng.standard_normal(n)  # the evidence N(0, 1 + S2)
    epsilon = rng.standard_normal(n)
    z = x / (1.0 + s2) + math.sqrt(s2 / (1.0 + s2)) * epsilon
    assert abs(z.mean()) < 0.01 and abs(z.std() - 1.0) < 0.01  # marginally like N(0, 1) noise ...
    rho = np.corrcoef(x, z)[0, 1]
    assert rho == pytest.approx(1.0 / math.sqrt(1.0 + s2), abs=0.01)  # ... but it encodes x
    assert 1.0 / math.sqrt(1.0 + s2) == pytest.approx(0.894, abs=1e-3)
    mutual_information = -0.5 * math.log(1.0 - (1.0 / (1.0 + s2)))
    assert mutual_information == pytest.approx(0.5 * math.log(5.0), abs=1e-12)
    assert mutual_information == pytest.approx(0.805, abs=1e-3)
    assert abs(np.corrcoef(x, epsilon)[0, 1]) < 0.01  # only epsilon is noise
    # keras_vae: codes from q(z|x) let the decoder reconstruct x; codes drawn from N(0, I)
    # independently of x (what 'noise' would be) do not.
    z_mean, z_log_var = trained_vae.posterior(data["test"])
    codes = np.asarray(Sampling(seed=1)([z_mean, z_log_var]))
    noise = np.random.default_rng(2).standard_normal(codes.shape).astype("float32")

    def reconstruction(c):
        logits = trained_vae.decoder(c, training=False)
        return float(-np.mean(np.asarray(losses.bernoulli_log_likelihood(data["test"], logits))))

    from_q, from_noise = reconstruction(codes), reconstruction(noise)
    assert from_q < 0.6 * from_noise
    assert from_q < 35.0 and from_noise > 55.0  # nats per 8x8 image


def _game_value(d, p_data, p_g):
    """V(D, G) = E_data[log D] + E_g[log(1 - D)] on a finite support."""
    return float(np.sum(p_data * np.log(d)) + np.sum(p_g * np.log(1.0 - d)))


def _jsd(a, b):
    m = 0.5 * (a + b)
    return 0.5 * float(np.sum(a * np.log(a / m))) + 0.5 * float(np.sum(b * np.log(b / m)))


def test_002_6_1_gan_said_not_to_learn_the_distribution():
    p_data = np.array([0.5, 0.3, 0.2])
    p_g = np.array([0.2, 0.2, 0.6])
    # The optimal discriminator, found by a grid search point by point ...
    grid = np.linspace(1e-4, 1.0 - 1e-4, 100_001)
    found = np.array([grid[np.argmax(a * np.log(grid) + b * np.log(1.0 - grid))] for a, b in zip(p_data, p_g)])
    d_star = p_data / (p_data + p_g)
    np.testing.assert_allclose(found, d_star, atol=2e-5)
    np.testing.assert_allclose(d_star, [0.714, 0.6, 0.25], atol=1e-3)
    # ... turns the game into -log 4 + 2 JSD(p_data || p_g): the generator is fitted to p_data.
    jsd = _jsd(p_data, p_g)
    assert jsd == pytest.approx(0.091, abs=1e-3)
    value = _game_value(d_star, p_data, p_g)
    assert value == pytest.approx(-math.log(4.0) + 2.0 * jsd, abs=1e-12)
    assert value == pytest.approx(-1.205, abs=1e-3)
    assert _game_value(np.full(3, 0.5), p_data, p_data) == pytest.approx(-math.log(4.0), abs=1e-12)
    assert -math.log(4.0) == pytest.approx(-1.386, abs=1e-3)
    rng = np.random.default_rng(3)
    for _ in range(20):  # any other p_g gives a larger value: the minimum is p_g = p_data
        other = rng.dirichlet(np.ones(3))
        assert _game_value(p_data / (p_data + other), p_data, other) > -math.log(4.0)
    # keras_vae's discriminator loss at D*'s logits is the negative game value, log 4 - 2 JSD.
    logits = np.log(d_star / (1.0 - d_star)).astype("float32")[:, None]
    far = np.full((3, 1), 60.0, "float32")
    on_real = np.asarray(losses.discriminator_loss(logits, -far))  # -log D*(x) per point
    on_fake = np.asarray(losses.discriminator_loss(far, logits))  # -log(1 - D*(x)) per point
    expected = float(np.sum(p_data * on_real) + np.sum(p_g * on_fake))
    assert expected == pytest.approx(-value, abs=1e-5)
    assert expected == pytest.approx(1.205, abs=1e-3)


def _first_layer_gradient_norm(depth, residual=False):
    """Norm of d loss / d kernel of the first of `depth` sigmoid Dense(16) layers."""
    x = np.random.default_rng(0).normal(size=(32, 16)).astype("float32")
    y = np.random.default_rng(1).random((32, 1)).astype("float32")
    hidden = [
        layers.Dense(16, activation="sigmoid", kernel_initializer=keras.initializers.GlorotUniform(seed=i))
        for i in range(depth)
    ]
    head = layers.Dense(1, kernel_initializer=keras.initializers.GlorotUniform(seed=999))
    with tf.GradientTape() as tape:
        h = x
        for i, layer in enumerate(hidden):
            h = h + layer(h) if residual and i > 0 else layer(h)
        loss = ops.mean(ops.square(head(h) - y))
    return float(tf.norm(tape.gradient(loss, hidden[0].kernel)))


def test_002_6_3_deeper_network_against_vanishing_gradients(trained_vae, data):
    shallow = _first_layer_gradient_norm(2)
    ten = _first_layer_gradient_norm(10)
    deep = _first_layer_gradient_norm(20)
    assert shallow == pytest.approx(2.9e-2, rel=0.05)
    assert ten == pytest.approx(5.5e-8, rel=0.1)
    assert deep == pytest.approx(5.1e-14, rel=0.2)
    assert deep < 1e-10 * shallow  # deeper: the first layer's gradient vanishes
    # Residual connections (also in the answer) shorten the product: no vanishing.
    residual = _first_layer_gradient_norm(20, residual=True)
    assert residual == pytest.approx(6.6, rel=0.05)
    assert residual > shallow
    # keras_vae: a shallow ReLU MLP with linear heads and a loss on logits; in a trained
    # DenseVAE the first encoder layer's gradient is larger than the decoder output layer's.
    assert DenseVAE(input_shape=SHAPE).hidden_dims == (256, 128)
    with tf.GradientTape() as tape:
        loss = ops.mean(trained_vae.compute_terms(data["test"], training=True)["loss"])
    first = trained_vae.encoder.get_layer("encoder_hidden_0").kernel
    last = trained_vae.decoder.get_layer("decoder_outputs").kernel
    g_first, g_last = tape.gradient(loss, [first, last])
    assert float(tf.norm(g_first)) > float(tf.norm(g_last)) > 0
    assert trained_vae.encoder.get_layer("encoder_hidden_0").get_config()["activation"] == "relu"
