"""The MLP networks `DenseAutoencoder` and `DenseVAE` build. Private: users meet the two
public builders (or pass networks of their own to `Autoencoder` and `VAE`)."""

from __future__ import annotations

import math

import keras

from keras_vae.checks import check_positive_int, check_seed, check_shape, check_sizes


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


def check_dense_arguments(input_shape, latent_dim, hidden_dims, seed):
    """The dense builders' common arguments, checked: `(input_shape, latent_dim, hidden_dims, seed)`."""
    return (
        check_shape(input_shape, "input_shape"),
        check_positive_int(latent_dim, "latent_dim"),
        check_sizes(hidden_dims, "hidden_dims"),
        check_seed(seed, optional=True),
    )


def dense_config(model):
    """The dense builders' arguments as `get_config` saves them."""
    return {
        "input_shape": model.data_shape,
        "latent_dim": model.latent_dim,
        "hidden_dims": model.hidden_dims,
        "likelihood": model.likelihood,
        "observation_std": model.observation_std,
        "trials": model.trials,
        "mixture_components": model.mixture_components,
    }
