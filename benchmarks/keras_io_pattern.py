"""The keras-io custom-`train_step` pattern, re-implemented as comparison baselines.

Many Keras VAE and GAN examples follow the pattern of the keras-io examples "Variational
AutoEncoder" (`examples/generative/vae.py`) and "DCGAN: overriding `train_step`"
(`examples/generative/dcgan_overriding_train_step.py`). We wrote these classes from the
pattern's description, not from its code, to measure keras_vae's models against it in
`benchmarks/throughput.py` (speed) and in the likelihood benchmark (importance-weighted NLL).
The pattern:

- a subclassed `keras.Model` that overrides only `train_step` (no `call`, no `test_step`,
  so `evaluate`, `predict` and `validation_data` do not work; fine for a baseline);
- functional encoder and decoder (or generator and discriminator) sub-models;
- `keras.metrics.Mean` trackers listed in a `metrics` property, so `fit` resets them each
  epoch; the VAE's total is tracked as `total_loss` and returned as `loss`;
- one `tf.GradientTape` per update and `optimizer.apply_gradients`;
- a `Sampling` layer `z = z_mean + exp(0.5 * z_log_var) * eps` with `keras.random.normal`
  and a `SeedGenerator`; a sigmoid decoder and `keras.losses.binary_crossentropy`.

The recurrent twins apply the same pattern to networks built exactly like keras_vae's
`LSTMVAE` and `SequenceGAN` (same layers, same sizes, same parameter counts, checked by
`tests/test_benchmarks_throughput.py`), so a speed comparison compares training loops, not
architectures. They are baselines, not library code: no input checks, no config.

Example:
>>> vae = KerasIoVAE(input_shape=(28, 28, 1), hidden_dims=(512, 256), latent_dim=16, seed=0)
>>> vae.compile(optimizer=keras.optimizers.Adam(1e-3))
>>> history = vae.fit(x, epochs=1, batch_size=256, verbose=0)  # x in [0, 1]
>>> z_mean, z_log_var, z = vae.encoder(x[:4])
>>> probabilities = vae.decoder(z)                              # (4, 28, 28, 1)
"""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import ops

__all__ = ["KerasIoAutoencoder", "KerasIoLSTMVAE", "KerasIoSequenceGAN", "KerasIoVAE", "Sampling"]


def _glorot(seed, index):
    return keras.initializers.GlorotUniform(seed=None if seed is None else seed + index)


def _orthogonal(seed, index):
    return keras.initializers.Orthogonal(seed=None if seed is None else seed + index)


def _lstm(units, name, seed, index, **kwargs):
    # Keras' defaults (tanh, sigmoid, no recurrent dropout) are also keras_vae's settings.
    return keras.layers.LSTM(
        units, kernel_initializer=_glorot(seed, index), recurrent_initializer=_orthogonal(seed, index),
        name=name, **kwargs,
    )


def _unpack(data):
    # `fit(x)` may hand the step `x` or `(x,)`, depending on the data adapter.
    return data[0] if isinstance(data, tuple) else data


class Sampling(keras.layers.Layer):
    """`z = z_mean + exp(0.5 * z_log_var) * eps`, `eps ~ N(0, I)` from a SeedGenerator."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        epsilon = keras.random.normal(ops.shape(z_mean), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


# === Dense models ===


def _dense_encoder(input_shape, hidden_dims, heads, seed):
    inputs = keras.Input(shape=input_shape)
    h = keras.layers.Flatten()(inputs)  # (batch, prod(input_shape))
    for i, units in enumerate(hidden_dims):
        h = keras.layers.Dense(units, activation="relu", kernel_initializer=_glorot(seed, i))(h)
    return inputs, [
        keras.layers.Dense(units, kernel_initializer=_glorot(seed, len(hidden_dims) + j), name=name)(h)
        for j, (name, units) in enumerate(heads)
    ]


def _dense_decoder(input_shape, hidden_dims, latent_dim, seed):
    z = keras.Input(shape=(latent_dim,))
    h = z
    for i, units in enumerate(reversed(hidden_dims)):
        h = keras.layers.Dense(units, activation="relu", kernel_initializer=_glorot(seed, 100 + i))(h)
    h = keras.layers.Dense(
        math.prod(input_shape), activation="sigmoid", kernel_initializer=_glorot(seed, 100 + len(hidden_dims))
    )(h)
    outputs = keras.layers.Reshape(input_shape)(h)  # (batch, *input_shape)
    return keras.Model(z, outputs, name="decoder")


def _summed_binary_crossentropy(data, reconstruction):
    """Mean over the batch of the sum over pixels of `keras.losses.binary_crossentropy`.

    `binary_crossentropy` averages over the last axis; keras-io's images end in a channel
    axis of size 1, which makes that average a no-op. Reshaping to `(batch, pixels, 1)` does
    the same for any input shape.
    """
    batch = ops.shape(data)[0]
    per_pixel = keras.losses.binary_crossentropy(
        ops.reshape(data, (batch, -1, 1)), ops.reshape(reconstruction, (batch, -1, 1))
    )  # (batch, pixels)
    return ops.mean(ops.sum(per_pixel, axis=1))


class KerasIoVAE(keras.Model):
    """Dense VAE after keras-io's `vae.py`: `encoder` x -> [z_mean, z_log_var, z],
    `decoder` z -> pixel probabilities; loss = summed BCE + KL, mean over the batch."""

    def __init__(self, input_shape, hidden_dims=(512, 256), latent_dim=16, seed=None, **kwargs):
        super().__init__(**kwargs)
        input_shape = tuple(input_shape)
        inputs, (z_mean, z_log_var) = _dense_encoder(
            input_shape, hidden_dims, (("z_mean", latent_dim), ("z_log_var", latent_dim)), seed
        )
        z = Sampling(seed=seed)([z_mean, z_log_var])
        self.encoder = keras.Model(inputs, [z_mean, z_log_var, z], name="encoder")
        self.decoder = _dense_decoder(input_shape, hidden_dims, latent_dim, seed)
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        data = _unpack(data)
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = _summed_binary_crossentropy(data, reconstruction)
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))  # (batch, latent)
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


class KerasIoAutoencoder(keras.Model):
    """Dense autoencoder in the same pattern: `encoder` x -> code, `decoder` code ->
    probabilities, loss = summed BCE, mean over the batch."""

    def __init__(self, input_shape, hidden_dims=(512, 256), latent_dim=16, seed=None, **kwargs):
        super().__init__(**kwargs)
        input_shape = tuple(input_shape)
        inputs, (code,) = _dense_encoder(input_shape, hidden_dims, (("code", latent_dim),), seed)
        self.encoder = keras.Model(inputs, code, name="encoder")
        self.decoder = _dense_decoder(input_shape, hidden_dims, latent_dim, seed)
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker]

    def train_step(self, data):
        data = _unpack(data)
        with tf.GradientTape() as tape:
            reconstruction = self.decoder(self.encoder(data))
            reconstruction_loss = _summed_binary_crossentropy(data, reconstruction)
            total_loss = reconstruction_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
        }


# === Recurrent models ===


class KerasIoLSTMVAE(keras.Model):
    """Sequence VAE in the pattern, with keras_vae `LSTMVAE`'s networks.

    Encoder: stacked LSTMs (the last returns its final state) -> Dense z_mean, Dense
    z_log_var -> Sampling. Decoder: per LSTM a tanh Dense maps z to its initial `[h, c]`;
    z repeated at every step is the input; a linear Dense gives each step's mean. Loss:
    Gaussian with fixed `observation_std`, i.e. the summed squared error over steps and
    features divided by `2 * observation_std**2` (the constant `log(2 pi sigma^2)` term is
    left out, it has no gradient), plus the KL, mean over the batch.
    """

    def __init__(
        self, sequence_length, num_features, hidden_dims=(64,), latent_dim=8, observation_std=0.1, seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.observation_std = observation_std
        # Encoder.
        x = keras.Input(shape=(sequence_length, num_features))
        h = x
        for i, units in enumerate(hidden_dims):
            h = _lstm(units, f"encoder_lstm_{i}", seed, i, return_sequences=i < len(hidden_dims) - 1)(h)
        z_mean = keras.layers.Dense(latent_dim, kernel_initializer=_glorot(seed, 50), name="z_mean")(h)
        z_log_var = keras.layers.Dense(latent_dim, kernel_initializer=_glorot(seed, 51), name="z_log_var")(h)
        z = Sampling(seed=seed)([z_mean, z_log_var])
        self.encoder = keras.Model(x, [z_mean, z_log_var, z], name="encoder")
        # Decoder (sizes reversed, as keras_vae's decoder mirrors its encoder).
        code = keras.Input(shape=(latent_dim,))
        h = ops.repeat(ops.expand_dims(code, 1), sequence_length, axis=1)  # (batch, T, latent_dim)
        for i, units in enumerate(reversed(hidden_dims)):
            hc = keras.layers.Dense(2 * units, activation="tanh", kernel_initializer=_glorot(seed, 100 + i))(code)
            h = _lstm(units, f"decoder_lstm_{i}", seed, 110 + i, return_sequences=True)(
                h, initial_state=[hc[:, :units], hc[:, units:]]
            )
        outputs = keras.layers.Dense(num_features, kernel_initializer=_glorot(seed, 120))(h)  # (batch, T, F)
        self.decoder = keras.Model(code, outputs, name="decoder")
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        data = _unpack(data)
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            squared_error = ops.sum(ops.square(data - reconstruction), axis=(1, 2))  # (batch,)
            reconstruction_loss = ops.mean(squared_error) / (2.0 * self.observation_std**2)
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


class KerasIoSequenceGAN(keras.Model):
    """Sequence GAN after keras-io's DCGAN `train_step`, with keras_vae `SequenceGAN`'s
    networks.

    Generator: noise `(batch, T, noise_dim)`; its first step is a per-sequence code that sets
    each LSTM's initial state through a tanh Dense; the LSTMs read the noise (`step_noise`)
    or the repeated code; a sigmoid Dense per step. Discriminator: stacked LSTMs, one logit
    per step. One step: the discriminator learns on generated and real sequences
    concatenated (labels 1 = fake, 0 = real, plus small uniform label noise, as in the
    example), then the generator learns on fresh noise with "all real" labels; each with its
    own tape and optimizer. `loss_fn` is applied per step, e.g.
    `keras.losses.BinaryCrossentropy(from_logits=True)`.
    """

    def __init__(
        self, sequence_length, num_features, noise_dim=8, hidden_dims=(64,), discriminator_dims=None,
        step_noise=False, seed=None, **kwargs,
    ):
        super().__init__(**kwargs)
        self.sequence_length = sequence_length
        self.noise_dim = noise_dim
        discriminator_dims = hidden_dims if discriminator_dims is None else discriminator_dims
        # Generator.
        noise = keras.Input(shape=(sequence_length, noise_dim))
        code = noise[:, 0, :]  # (batch, noise_dim)
        h = noise if step_noise else ops.repeat(ops.expand_dims(code, 1), sequence_length, axis=1)
        for i, units in enumerate(hidden_dims):
            hc = keras.layers.Dense(2 * units, activation="tanh", kernel_initializer=_glorot(seed, 200 + i))(code)
            h = _lstm(units, f"generator_lstm_{i}", seed, 210 + i, return_sequences=True)(
                h, initial_state=[hc[:, :units], hc[:, units:]]
            )
        outputs = keras.layers.Dense(num_features, activation="sigmoid", kernel_initializer=_glorot(seed, 220))(h)
        self.generator = keras.Model(noise, outputs, name="generator")
        # Discriminator.
        x = keras.Input(shape=(sequence_length, num_features))
        h = x
        for i, units in enumerate(discriminator_dims):
            h = _lstm(units, f"discriminator_lstm_{i}", seed, 300 + i, return_sequences=True)(h)
        logits = keras.layers.Dense(1, kernel_initializer=_glorot(seed, 320))(h)  # (batch, T, 1)
        self.discriminator = keras.Model(x, logits, name="discriminator")
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn, **kwargs):
        super().compile(**kwargs)
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def _noise(self, batch_size):
        return keras.random.normal((batch_size, self.sequence_length, self.noise_dim), seed=self.seed_generator)

    def train_step(self, data):
        real = _unpack(data)
        batch_size = ops.shape(real)[0]
        # Discriminator: fakes labelled 1, real sequences 0, one label per step.
        generated = self.generator(self._noise(batch_size))
        combined = ops.concatenate([generated, real], axis=0)  # (2 * batch, T, F)
        labels = ops.concatenate(
            [ops.ones((batch_size, self.sequence_length, 1)), ops.zeros((batch_size, self.sequence_length, 1))], axis=0
        )
        labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            d_loss = self.loss_fn(labels, self.discriminator(combined))
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))
        # Generator: fresh noise, labels "real" (0), only the generator's weights move.
        misleading_labels = ops.zeros((batch_size, self.sequence_length, 1))
        with tf.GradientTape() as tape:
            g_loss = self.loss_fn(misleading_labels, self.discriminator(self.generator(self._noise(batch_size))))
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))
        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}
