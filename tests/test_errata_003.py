"""Errata tests of article 003 (RNNs in GANs and VAEs) added after the first 64 entries.

One test per entry of `keras_vae/errata/data/003_a6ecadcae4f67a0a.toml` appended after the
entries tested in `tests/test_errata.py`. Each reproduces the defect with a minimal
construction of our own and asserts what TensorFlow / Keras does (or, for a text entry, the
corrected maths), then checks keras_vae's corrected model where there is one.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import tensorflow as tf
from keras import layers, ops

from keras_vae import LSTMVAE, SequenceGAN, losses


def _kl(p, q):
    p, q = np.asarray(p, float).ravel(), np.asarray(q, float).ravel()
    support = p > 0
    return float(np.sum(p[support] * np.log(p[support] / q[support])))


def _jsd(p, q):
    m = 0.5 * (np.asarray(p, float) + np.asarray(q, float))
    return 0.5 * _kl(p, m) + 0.5 * _kl(q, m)


def _gan_value_at_optimal_discriminator(p_data, p_generated):
    """V(D*, G) = -log 4 + 2 JSD(p_data || p_g) (Goodfellow et al. 2014, Theorem 1)."""
    return -math.log(4.0) + 2.0 * _jsd(p_data, p_generated)


def test_003_3_1_1_condition_hidden_from_discriminator():
    # Joint distributions over (x, y), rows x in {0, 1}, columns y in {0, 1}.
    data = np.array([[0.5, 0.0], [0.0, 0.5]])  # equiprobable label, x = y
    ignores_label = np.array([[0.25, 0.25], [0.25, 0.25]])  # x ~ Bernoulli(0.5), whatever y
    # A label-blind discriminator compares only the marginals of x: no signal at all.
    blind = _gan_value_at_optimal_discriminator(data.sum(axis=1), ignores_label.sum(axis=1))
    assert _jsd(data.sum(axis=1), ignores_label.sum(axis=1)) == pytest.approx(0.0, abs=1e-12)
    assert blind == pytest.approx(-math.log(4.0), abs=1e-12)  # the global minimum
    # A discriminator that also reads y compares the joints and sees the ignored label.
    assert _jsd(data, ignores_label) == pytest.approx(0.216, abs=5e-4)
    assert _gan_value_at_optimal_discriminator(data, ignores_label) == pytest.approx(-0.955, abs=5e-4)
    # The obeying generator is the only optimum of the conditional game.
    assert _gan_value_at_optimal_discriminator(data, data) == pytest.approx(-math.log(4.0), abs=1e-12)
    # keras_vae: the label reaches both networks of a conditional SequenceGAN.
    gan = SequenceGAN(sequence_length=5, num_features=2, hidden_dims=(4,), num_classes=3, seed=0)
    for network in (gan.generator, gan.discriminator):
        assert len(network.inputs) == 2 and tuple(network.inputs[1].shape) == (None,)
    sequences = np.random.default_rng(30).random((4, 5, 2)).astype("float32")
    scores = [
        np.asarray(gan.discriminator([sequences, np.full((4,), label, "int32")])) for label in (0, 2)
    ]
    assert float(np.abs(scores[0] - scores[1]).max()) > 0  # D's judgement depends on the label


def test_003_3_2_rnn_placed_in_encoder():
    vae = LSTMVAE(sequence_length=6, num_features=2, latent_dim=2, hidden_dims=(8,), seed=0)
    z = np.random.default_rng(31).standard_normal((5, 2)).astype("float32")  # prior draws
    generated = vae.decode(z)
    assert generated.shape == (5, 6, 2)
    rng = np.random.default_rng(32)
    for weight in vae.encoder.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    np.testing.assert_array_equal(vae.decode(z), generated)  # the encoder plays no part
    for weight in vae.decoder.weights:
        weight.assign(rng.normal(size=weight.shape).astype("float32"))
    assert float(np.abs(vae.decode(z) - generated).max()) > 0.1  # the decoder generates
    assert any(isinstance(layer, layers.LSTM) for layer in vae.decoder.layers)  # and is recurrent


def test_003_4_1_generator_emits_last_state_only():
    steps, features, noise_dim = 6, 3, 4
    noise = tf.constant(np.random.default_rng(33).normal(size=(2, steps, noise_dim)).astype("float32"))
    lstm = layers.LSTM(
        8,
        kernel_initializer=keras.initializers.GlorotUniform(seed=0),
        recurrent_initializer=keras.initializers.Orthogonal(seed=1),
    )
    head = layers.Dense(steps * features, kernel_initializer=keras.initializers.GlorotUniform(seed=2))
    with tf.GradientTape() as tape:
        tape.watch(noise)
        flat = head(lstm(noise))  # the article's pattern, given a real noise sequence
        first = ops.sum(flat[:, :features])  # its 'first step'
    assert tuple(flat.shape) == (2, steps * features)  # no time axis in the output
    leak = float(ops.max(ops.abs(tape.gradient(first, noise)[:, -1])))
    assert leak > 1e-3  # the 'first' values already depend on the last step's noise
    # keras_vae: one output per step, each from the noise up to that step.
    gan = SequenceGAN(
        sequence_length=steps, num_features=features, noise_dim=noise_dim, hidden_dims=(8,),
        step_noise=True, seed=0,
    )
    assert tuple(gan.generator.output_shape) == (None, steps, features)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(noise)
        sequences = gan.generator(noise)
        first_step, last_step = ops.sum(sequences[:, 0]), ops.sum(sequences[:, -1])
    assert float(ops.max(ops.abs(tape.gradient(first_step, noise)[:, -1]))) == 0.0
    assert float(ops.max(ops.abs(tape.gradient(last_step, noise)[:, -1]))) > 0
    vae = LSTMVAE(sequence_length=steps, num_features=features, latent_dim=2, hidden_dims=(8,), seed=0)
    assert tuple(vae.decoder.output_shape) == (None, steps, features)


def test_003_4_2_sigmoid_output_squared_error():
    logit = tf.Variable([[-9.0]])  # confidently 0
    target = tf.constant([[1.0]])  # but the value is 1
    with tf.GradientTape(persistent=True) as tape:
        squared = keras.losses.MeanSquaredError()(target, ops.sigmoid(logit))
        cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)(target, logit)
    s = 1.0 / (1.0 + math.exp(9.0))
    assert float(tape.gradient(squared, logit)[0, 0]) == pytest.approx(2 * (s - 1) * s * (1 - s), rel=1e-3)
    assert float(tape.gradient(squared, logit)[0, 0]) == pytest.approx(-2.5e-4, rel=0.02)  # vanishes
    assert float(tape.gradient(cross_entropy, logit)[0, 0]) == pytest.approx(s - 1, rel=1e-4)
    assert float(tape.gradient(cross_entropy, logit)[0, 0]) == pytest.approx(-0.99988, abs=1e-5)
    # keras_vae: a Bernoulli LSTMVAE's decoder outputs logits through a linear layer and its
    # likelihood is evaluated on them: a full-size gradient for the wrong value.
    vae = LSTMVAE(
        sequence_length=4, num_features=1, latent_dim=2, hidden_dims=(4,),
        likelihood="bernoulli", observation_std=None, seed=0,
    )
    assert vae.decoder.layers[-1].activation is keras.activations.linear
    logits = tf.Variable([[[-9.0]]])
    with tf.GradientTape() as tape:
        log_lik = vae.observation.log_likelihood(tf.constant([[[1.0]]]), logits)
    assert float(tape.gradient(log_lik, logits)[0, 0, 0]) == pytest.approx(1 - s, rel=1e-4)
    assert float(losses.bernoulli_log_likelihood(tf.constant([[1.0]]), tf.constant([[-9.0]]))[0]) == pytest.approx(
        math.log(s), rel=1e-4
    )


def test_003_6_rnn_called_a_generative_model():
    # An LSTM alone is a deterministic map: the same sequence in, the same outputs out.
    x = np.random.default_rng(0).normal(size=(3, 6, 2)).astype("float32")
    lstm = layers.LSTM(4, return_sequences=True, kernel_initializer=keras.initializers.GlorotUniform(0),
                       recurrent_initializer=keras.initializers.Orthogonal(seed=1))
    np.testing.assert_array_equal(np.asarray(lstm(x)), np.asarray(lstm(x)))
    # The generative models around it draw their randomness from noise or a prior.
    gan = SequenceGAN(sequence_length=6, num_features=2, hidden_dims=(4,), seed=0)
    vae = LSTMVAE(sequence_length=6, num_features=2, latent_dim=2, hidden_dims=(8,), seed=0)
    gan.compile()
    gan.fit(np.abs(x), epochs=1, batch_size=3, verbose=0)
    draws = {
        "SequenceGAN": lambda seed: gan.sample(4, seed=seed),
        "LSTMVAE": lambda seed: vae.sample(4, seed=seed, prior="standard"),
    }
    for name, model in (("SequenceGAN", gan), ("LSTMVAE", vae)):
        assert any(isinstance(layer, layers.LSTM) for layer in _all_layers(model)), name
        first, again, other = draws[name](0), draws[name](0), draws[name](1)
        np.testing.assert_array_equal(first, again)
        assert np.abs(first - other).max() > 1e-4, name


def _all_layers(model):
    found, stack = [], list(model.layers)
    while stack:
        layer = stack.pop()
        found.append(layer)
        stack += list(getattr(layer, "layers", []))
    return found

