"""What `DenseAutoencoder` and `DenseVAE` share: MLP builders, the decoder, the likelihood,
and NumPy-in/NumPy-out helpers. Private: users meet only the two public classes."""

from __future__ import annotations

import math

import keras
import numpy as np

from keras_vae.checks import (
    check_array,
    check_positive_int,
    check_seed,
    check_shape,
    check_sizes,
)
from keras_vae.layers import ObservationModel
from keras_vae.models._autoencoding import ObservedMixin, batched
from keras_vae.training import GenerativeModel


def kernel_initializer(seed: int | None, index: int):
    """Glorot-uniform, seeded per layer when the model has a seed (reproducible weights)."""
    return keras.initializers.GlorotUniform(seed=None if seed is None else seed + index)


def build_mlp_encoder(input_shape, hidden_dims, heads, seed, name="encoder"):
    """Input (batch, *input_shape) -> flatten -> ReLU MLP -> one linear Dense per head.

    Each head gets its own Dense layer (named after it), so e.g. `z_mean` and `z_log_var` are
    separate functions of the input. Heads compute in float32 under mixed precision.
    """
    inputs = keras.Input(shape=input_shape, name="x")
    h = keras.layers.Flatten(name="flatten")(inputs)  # (batch, prod(input_shape))
    for i, units in enumerate(hidden_dims):
        h = keras.layers.Dense(
            units, activation="relu", kernel_initializer=kernel_initializer(seed, i),
            name=f"encoder_hidden_{i}",
        )(h)
    outputs = [
        keras.layers.Dense(
            units, kernel_initializer=kernel_initializer(seed, len(hidden_dims) + j),
            dtype="float32", name=head,
        )(h)
        for j, (head, units) in enumerate(heads.items())
    ]
    return keras.Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=name)


def build_mlp_decoder(latent_dim, hidden_dims, output_shape, seed, name="decoder"):
    """Code (batch, latent_dim) -> ReLU MLP (reversed sizes) -> linear outputs reshaped to
    (batch, *output_shape). Outputs are the likelihood's parameters (logits or means), in
    float32."""
    offset = 100  # decoder layer seeds never coincide with the encoder's
    inputs = keras.Input(shape=(latent_dim,), name="z")
    h = inputs
    for i, units in enumerate(reversed(hidden_dims)):
        h = keras.layers.Dense(
            units, activation="relu", kernel_initializer=kernel_initializer(seed, offset + i),
            name=f"decoder_hidden_{i}",
        )(h)
    h = keras.layers.Dense(
        math.prod(output_shape), kernel_initializer=kernel_initializer(seed, offset + len(hidden_dims)),
        dtype="float32", name="decoder_outputs",
    )(h)
    outputs = keras.layers.Reshape(output_shape, name="decoder_reshape")(h)  # (batch, *output_shape)
    return keras.Model(inputs, outputs, name=name)


class DenseModel(ObservedMixin, GenerativeModel):
    """Shared base of the dense models: data shape, decoder, likelihood, helpers."""

    #: How `callbacks.SampleMonitor` lays out `_preview`'s arrays: as images.
    preview_kind = "images"

    def __init__(
        self,
        input_shape,
        latent_dim,
        hidden_dims,
        likelihood,
        observation_std,
        trials,
        seed,
        encoder_heads,
        **kwargs,
    ):
        input_shape = check_shape(input_shape, "input_shape")
        latent_dim = check_positive_int(latent_dim, "latent_dim")
        hidden_dims = check_sizes(hidden_dims, "hidden_dims")
        seed = check_seed(seed, optional=True)
        super().__init__(**kwargs)
        # === Config ===
        self.data_shape = input_shape
        self.latent_dim = latent_dim
        self.hidden_dims = hidden_dims
        self.seed = seed
        # === Layers ===
        self.observation = ObservationModel(likelihood, observation_std, trials, name="observation")
        self.encoder = build_mlp_encoder(
            input_shape, hidden_dims, {head: latent_dim for head in encoder_heads}, seed
        )
        self.decoder = build_mlp_decoder(latent_dim, hidden_dims, input_shape, seed)

    @property
    def example_shape(self):
        return self.data_shape

    def _check_x(self, x, name="x"):
        return check_array(x, name, example_shape=self.data_shape, owner=type(self).__name__)

    def _check_z(self, z):
        return check_array(z, "z", example_shape=(self.latent_dim,), owner=type(self).__name__)

    def decode(self, z, batch_size: int = 1024) -> np.ndarray:
        """Mean of p(x | z) for codes `z` of shape `(n, latent_dim)`: `(n, *input_shape)`.

        For `likelihood="bernoulli"` these are probabilities, for `"gaussian"` the means.
        """
        z = self._check_z(z)
        return batched(
            lambda b: self.observation.mean(self.decoder(b, training=False)), z, batch_size
        )

    def get_config(self):
        return {
            **super().get_config(),
            "input_shape": self.data_shape,
            "latent_dim": self.latent_dim,
            "hidden_dims": self.hidden_dims,
            **self._observation_config(),
            "seed": self.seed,
        }
