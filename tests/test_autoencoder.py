"""`Autoencoder` and `VAE` over networks a user builds (keras_vae/models/autoencoder.py,
keras_vae/models/vae.py): the builders add networks and nothing else, and networks of any
kind train, score, sample and save through the same objective."""

import json

import keras
import numpy as np
import pytest

from keras_vae import VAE, Autoencoder, DenseAutoencoder, DenseVAE, ObservationModel, evaluation
from keras_vae.models._dense import build_mlp_decoder, build_mlp_encoder


def _fit(model, x):
    keras.utils.set_random_seed(0)  # the same shuffling for both models
    model.compile()
    return model.fit(x, epochs=2, batch_size=16, verbose=0).history


@pytest.mark.parametrize("builder", [DenseAutoencoder, DenseVAE])
def test_a_builder_is_the_composed_model_of_its_networks(builder, images):
    """DenseVAE(seed=s) trains, encodes and samples exactly as VAE over the same networks."""
    heads = {"z_mean": 2, "z_log_var": 2} if builder is DenseVAE else {"code": 2}
    composed_cls = VAE if builder is DenseVAE else Autoencoder
    built = builder((8, 8), latent_dim=2, hidden_dims=(16,), seed=0)
    composed = composed_cls(
        build_mlp_encoder((8, 8), (16,), heads, seed=0), build_mlp_decoder(2, (16,), (8, 8), seed=0),
        ObservationModel("bernoulli", name="observation"), mixture_components=20, seed=0,
    )
    assert type(composed) is composed_cls and isinstance(built, composed_cls)
    assert _fit(built, images) == _fit(composed, images)
    np.testing.assert_array_equal(built.encode(images), composed.encode(images))
    np.testing.assert_array_equal(built.sample(4, seed=1), composed.sample(4, seed=1))


def conv_networks(latent_dim, heads):
    """A small convolutional encoder and a transposed-convolution decoder for (8, 8, 1)."""
    x = keras.Input((8, 8, 1))
    h = keras.layers.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)  # (4, 4, 8)
    h = keras.layers.Flatten()(h)
    outputs = [keras.layers.Dense(latent_dim, name=head)(h) for head in heads]
    encoder = keras.Model(x, outputs if len(outputs) > 1 else outputs[0], name="encoder")
    z = keras.Input((latent_dim,))
    h = keras.layers.Reshape((4, 4, 8))(keras.layers.Dense(4 * 4 * 8, activation="relu")(z))
    decoder = keras.Model(z, keras.layers.Conv2DTranspose(1, 3, strides=2, padding="same")(h), name="decoder")
    return encoder, decoder


@pytest.mark.parametrize("cls", [Autoencoder, VAE])
def test_own_networks_train_sample_and_save(cls, images, tmp_path):
    x = images[..., None]  # (64, 8, 8, 1)
    heads = ("z_mean", "z_log_var") if cls is VAE else ("code",)
    model = cls(*conv_networks(3, heads), mixture_components=4, seed=0)
    assert model.example_shape == (8, 8, 1) and model.latent_dim == 3
    model.compile()
    history = model.fit(x, epochs=8, batch_size=16, verbose=0).history
    assert history["loss"][-1] < history["loss"][0]
    assert model.encode(x[:5]).shape == (5, 3)
    assert model.reconstruct(x[:5]).shape == model.sample(5, seed=1).shape == (5, 8, 8, 1)
    model.save(tmp_path / "own.keras")
    restored = keras.models.load_model(tmp_path / "own.keras")
    assert type(restored) is cls
    assert json.dumps(restored.get_config(), sort_keys=True) == json.dumps(model.get_config(), sort_keys=True)
    np.testing.assert_array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0))
    np.testing.assert_array_equal(restored.sample(3, seed=2), model.sample(3, seed=2))
    if cls is VAE:
        z_mean, z_log_var = model.posterior(x[:5])
        np.testing.assert_array_equal(z_mean, model.encode(x[:5]))
        nll = evaluation.importance_weighted_nll(model, x[:5], num_samples=4)  # any VAE, not only ours
        assert nll.shape == (5,) and np.isfinite(nll).all()


def test_an_autoencoder_without_a_mixture_says_it_cannot_sample(images):
    model = Autoencoder(*conv_networks(2, ("code",)))
    assert model.likelihood == "bernoulli" and model.mixture_components is None
    with pytest.raises(ValueError, match=r"built without a code distribution.*Received: mixture_components=None"):
        model.sample(2)
    with pytest.raises(ValueError, match=r"built without a code distribution"):
        model.fit_code_distribution(images[..., None])


@pytest.mark.parametrize(
    ("cls", "networks", "match"),
    [
        (Autoencoder, lambda: (keras.layers.Dense(2), conv_networks(2, ("code",))[1]),
         r"`encoder` must be a built Keras model.*Received: encoder of type Dense"),
        (VAE, lambda: conv_networks(2, ("code",)),
         r"`encoder` must have two outputs \[z_mean, z_log_var\].*Received outputs of shapes \[\(None, 2\)\]"),
        (Autoencoder, lambda: conv_networks(2, ("z_mean", "z_log_var")),
         r"`encoder` must have one output \(batch, latent_dim\).*Received outputs of shapes \[\(None, 2\), \(None, 2\)\]"),
        (Autoencoder, lambda: (conv_networks(2, ("code",))[0], conv_networks(3, ("code",))[1]),
         r"input must take the codes, \(2,\) per example. Received: a decoder input of shape \(3,\)"),
    ],
)
def test_mismatched_networks_are_named(cls, networks, match):
    with pytest.raises(ValueError, match=match):
        cls(*networks())


def test_observation_must_be_an_observation_model():
    with pytest.raises(ValueError, match=r"`observation` must be a keras_vae.ObservationModel.*Received: observation of type str"):
        Autoencoder(*conv_networks(2, ("code",)), observation="gaussian")
