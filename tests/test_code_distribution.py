"""The default sampler of DenseAutoencoder, DenseVAE and LSTMVAE: a Gaussian mixture fitted
to the training codes by `fit` (keras_vae/layers.py `GaussianMixture`,
keras_vae/models/autoencoder.py)."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_vae import DenseAutoencoder, DenseVAE, LSTMVAE
from keras_vae.layers import GaussianMixture

TWO_CLUSTERS = np.concatenate(
    [np.random.default_rng(0).normal([-4.0, 0.0], 0.5, (600, 2)), np.random.default_rng(1).normal([4.0, 1.0], 1.0, (400, 2))]
)


def test_gaussian_mixture_basics():
    mixture = GaussianMixture(dim=2, num_components=3, seed=0)
    assert not mixture.is_fitted
    mixture.adapt(TWO_CLUSTERS)
    assert mixture.is_fitted
    assert tuple(mixture.sample(5).shape) == (5, 2)
    assert tuple(mixture(TWO_CLUSTERS[:7]).shape) == (7,)
    config = mixture.get_config()
    assert {config[k] for k in ("dim", "num_components", "seed")} == {2, 3, 0}
    mixture.reset()
    assert not mixture.is_fitted


def test_gaussian_mixture_correctness():
    mixture = GaussianMixture(dim=2, num_components=2, seed=0)
    mixture.adapt(TWO_CLUSTERS)
    draws = keras.ops.convert_to_numpy(mixture.sample(40_000, seed=1))
    left = draws[:, 0] < 0
    assert abs(left.mean() - 0.6) < 0.01  # the weights of the two clusters
    np.testing.assert_allclose(draws[left].mean(0), [-4, 0], atol=0.05)
    np.testing.assert_allclose(draws[~left].std(0), [1, 1], atol=0.05)
    # log p(z) by hand from the fitted parameters: sum_k w_k N(z; mu_k, L_k L_k^T).
    weights = np.exp(keras.ops.convert_to_numpy(mixture.log_weights))
    means = keras.ops.convert_to_numpy(mixture.means)
    tril = keras.ops.convert_to_numpy(mixture.scale_tril)
    z = TWO_CLUSTERS[:5]
    density = 0.0
    for w, mu, chol in zip(weights, means, tril):
        cov = chol @ chol.T
        d = z - mu
        density += w * np.exp(-0.5 * np.einsum("ni,ij,nj->n", d, np.linalg.inv(cov), d)) / (2 * math.pi * np.sqrt(np.linalg.det(cov)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mixture.log_prob(z)), np.log(density), rtol=1e-4)


def test_gaussian_mixture_seeding_and_fewer_codes_than_components():
    mixture = GaussianMixture(dim=2, num_components=10, seed=0)
    mixture.adapt(TWO_CLUSTERS[:3])  # 3 codes: 3 components are used, 7 never drawn
    weights = np.exp(keras.ops.convert_to_numpy(mixture.log_weights))
    assert np.count_nonzero(weights > 1e-12) == 3
    np.testing.assert_array_equal(mixture.sample(4, seed=5), mixture.sample(4, seed=5))
    first, second = mixture.sample(4), mixture.sample(4)  # the layer's own stream moves on
    assert not np.array_equal(first, second)
    assert np.isfinite(keras.ops.convert_to_numpy(mixture.log_prob(TWO_CLUSTERS[:3]))).all()


def test_gaussian_mixture_errors():
    mixture = GaussianMixture(dim=2, seed=0)
    with pytest.raises(ValueError, match=r"not been fitted: call adapt\(codes\) first"):
        mixture.sample(3)
    with pytest.raises(ValueError, match=r"at least 2 codes.*Received 1"):
        mixture.adapt(TWO_CLUSTERS[:1])
    with pytest.raises(ValueError, match=r"\(batch, 2\). Received shape=\(4, 3\)"):
        mixture.adapt(np.zeros((4, 3)))
    with pytest.raises(ValueError, match=r"num_components"):
        GaussianMixture(dim=2, num_components=0)


@pytest.fixture(scope="module")
def digits():
    from keras_vae.data import load_digits

    return load_digits().x_train[:256]


def _model(kind):
    if kind == "dense_vae":
        return DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(32,), seed=0)
    if kind == "dense_ae":
        return DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(32,), seed=0)
    return LSTMVAE(8, 2, latent_dim=3, hidden_dims=(8,), seed=0)


def _data(kind, digits):
    if kind == "lstm_vae":
        t = np.linspace(0, 2 * np.pi, 8)
        phase = np.random.default_rng(0).uniform(0, 2 * np.pi, (128, 1, 1))
        return (0.5 + 0.4 * np.sin(t[None, :, None] + phase * np.array([1.0, 2.0]))).astype("float32")
    return digits


@pytest.mark.parametrize("kind", ["dense_vae", "dense_ae", "lstm_vae"])
def test_fit_fits_the_sampler_and_save_keeps_it(kind, digits, tmp_path):
    model, x = _model(kind), _data(kind, digits)
    model.compile(optimizer="adam")
    assert not model.code_distribution_fitted
    with pytest.raises(ValueError, match=r"fit_code_distribution\(x_train\) before sampling"):
        model.sample(2)
    model.fit(x, epochs=2, batch_size=32, verbose=0)
    assert model.code_distribution_fitted
    codes = model.sample_codes(5000, seed=0)
    train_codes = model.encode(x)  # posterior means for a VAE
    # The default draws look like the training codes (mean and spread), not like N(0, I).
    np.testing.assert_allclose(codes.mean(0), train_codes.mean(0), atol=0.15 * train_codes.std(0).max() + 1e-3)
    np.testing.assert_allclose(codes.std(0), train_codes.std(0), rtol=0.15, atol=1e-3)
    path = tmp_path / "model.keras"
    model.save(path)
    restored = keras.models.load_model(path)
    assert restored.code_distribution_fitted
    np.testing.assert_array_equal(restored.sample(3, seed=4), model.sample(3, seed=4))
    np.testing.assert_array_equal(restored.sample(3), model.sample(3))  # the same saved stream
    # Resuming training refits the mixture to the codes the encoder makes now.
    before = keras.ops.convert_to_numpy(restored.code_distribution.means).copy()
    restored.fit(x, epochs=1, batch_size=32, verbose=0)
    assert restored.code_distribution_fitted
    assert not np.array_equal(before, keras.ops.convert_to_numpy(restored.code_distribution.means))


@pytest.mark.parametrize("kind", ["dense_vae", "lstm_vae"])
def test_standard_prior_is_one_argument_away(kind, digits):
    model = _model(kind)
    codes = model.sample_codes(20_000, seed=0, prior="standard")  # no fit needed
    np.testing.assert_allclose(codes.mean(0), 0, atol=0.03)
    np.testing.assert_allclose(codes.std(0), 1, atol=0.03)
    assert model.sample(2, prior="standard").shape == (2, *model.example_shape)


def test_sampler_is_fitted_on_the_training_part_only(digits, monkeypatch):
    model = _model("dense_ae")
    model.compile(optimizer="adam")
    seen = []
    original = type(model).encode
    monkeypatch.setattr(type(model), "encode", lambda self, x, b=1024: seen.append(len(x)) or original(self, x, b))
    model.fit(digits[:100], epochs=1, validation_split=0.2, verbose=0)
    assert seen == [80]  # Keras validates on the last 20 %; the mixture never sees them


def test_sampler_after_fit_on_a_dataset_and_on_a_generator(digits):
    model = _model("dense_vae")
    model.compile(optimizer="adam")
    model.fit(tf.data.Dataset.from_tensor_slices(digits).batch(32), epochs=1, verbose=0)
    assert model.code_distribution_fitted

    def batches():
        while True:
            yield digits[:32], digits[:32]

    model.fit(batches(), steps_per_epoch=2, epochs=1, verbose=0)
    # A generator cannot be read again: the mixture of the previous fit is dropped, not kept stale.
    assert not model.code_distribution_fitted
    with pytest.raises(ValueError, match=r"or pass prior='standard'"):
        model.sample(2)
    model.fit_code_distribution(digits)
    assert model.code_distribution_fitted


def test_sampler_prior_errors(digits):
    vae, ae = _model("dense_vae"), _model("dense_ae")
    with pytest.raises(ValueError, match=r"`prior` must be one of \('aggregate', 'standard'\). Received: prior='vamp'"):
        vae.sample(2, prior="vamp")
    with pytest.raises(ValueError, match=r"no standard prior.*\('aggregate',\). Received: prior='standard'"):
        ae.sample(2, prior="standard")
    with pytest.raises(ValueError, match=r"at least 2 examples.*Received 1"):
        ae.fit_code_distribution(digits[:1])
    with pytest.raises(ValueError, match=r"mixture_components"):
        DenseVAE(input_shape=(8, 8), mixture_components=0)
