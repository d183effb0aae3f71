"""The VAE maths shared by `DenseVAE` and `LSTMVAE`: the negative ELBO with a KL weight and
free bits, the prior, and NumPy helpers. Private: a mixin for the public classes."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae import losses
from keras_vae.checks import check_array, check_non_negative_float, check_positive_int
from keras_vae.layers import Sampling
from keras_vae.models._autoencoding import ObservedMixin, batched
from keras_vae.models._code_distribution import AGGREGATE, STANDARD, CodeDistributionMixin


class VariationalMixin(CodeDistributionMixin, ObservedMixin):
    """Adds the VAE objective and its helpers to a `GenerativeModel` subclass.

    The class provides `self.encoder` (x -> [z_mean, z_log_var]), `self.observation`,
    `self.latent_dim`, `_check_x`, `decode`, and `_decoder_outputs(z, target, training)`
    (the likelihood's parameters for the sequence or image being scored, which the public
    `log_likelihood(x, z)` scores).
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss")
    priors = (AGGREGATE, STANDARD)

    def _init_variational(self, beta, free_bits, seed, mixture_components):
        self.beta = check_non_negative_float(beta, "beta")
        self.free_bits = check_non_negative_float(free_bits, "free_bits")
        # === Layers ===
        self.sampling = Sampling(seed=seed, name="sampling")
        # Draws from the prior N(0, I) are Sampling([0, 0]): one RNG mechanism, saved with
        # the model like the posterior's.
        self.prior_sampling = Sampling(seed=None if seed is None else seed + 1, name="prior_sampling")
        # === State a callback may change ===
        self.kl_weight = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.beta), trainable=False,
            dtype="float32", name="kl_weight",
        )
        self._init_code_distribution(mixture_components, seed)

    @property
    def z_mean_layer(self):
        return self.encoder.get_layer("z_mean")

    @property
    def z_log_var_layer(self):
        return self.encoder.get_layer("z_log_var")

    def compute_terms(self, x, y=None, training=False):
        target = x if y is None else y
        z_mean, z_log_var = self.encoder(x, training=training)  # (batch, latent_dim) each
        z = self.sampling([z_mean, z_log_var])
        reconstruction_loss = -self.log_likelihood(target, z, training=training)  # Eq. (1)
        kl_per_dimension = losses.gaussian_kl_per_dimension(z_mean, z_log_var)  # (batch, latent_dim)
        kl_loss = ops.sum(kl_per_dimension, axis=-1)  # Eq. (2)
        kl_penalty = losses.free_bits_kl(kl_per_dimension, self.free_bits)  # = kl_loss if free_bits=0
        loss = reconstruction_loss + self.kl_weight * kl_penalty  # Eq. (3)
        return {"loss": loss, "reconstruction_loss": reconstruction_loss, "kl_loss": kl_loss}

    def log_likelihood(self, x, z, training=False):
        """log p(x | z), summed over data dimensions: a tensor `(batch,)` for tensors `x`
        `(batch, *example_shape)` and `z` `(batch, latent_dim)`, with the model's own
        observation model (what `reconstruction_loss` negates). An autoregressive decoder
        conditions each step on the true previous steps of `x` (teacher forcing). No `beta`,
        `kl_weight` or `free_bits`: those shape the training objective, not the density."""
        outputs = self._decoder_outputs(z, x, training)  # (batch, *example_shape)
        return self.observation.log_likelihood(x, outputs)

    def encode(self, x, batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(z_mean, z_log_var)` of q(z | x), each `(n, latent_dim)`."""
        x = self._check_x(x)
        return batched(lambda b: self.encoder(b, training=False), x, batch_size)

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Decodes the posterior mean: mean of p(x | z_mean), `(n, *example_shape)`."""
        z_mean, _ = self.encode(x, batch_size)
        return self.decode(z_mean, batch_size)

    def _fit_codes(self, x, batch_size):
        return self.encode(x, batch_size)[0]  # posterior means, (n, latent_dim)

    def _standard_codes(self, n, seed):
        if seed is None:
            zeros = ops.zeros((n, self.latent_dim))
            return ops.convert_to_numpy(self.prior_sampling([zeros, zeros]))
        return ops.convert_to_numpy(keras.random.normal((n, self.latent_dim), seed=seed))

    def interpolate(self, x_start, x_end, steps: int = 8) -> np.ndarray:
        """Decodes `steps` codes evenly spaced between the posterior means of two examples.

        Args:
            x_start, x_end: one example each, shape `example_shape` (or with a batch axis of 1).
            steps: number of decoded points including both ends, >= 2.

        Returns:
            `(steps, *example_shape)`: first the reconstruction of `x_start`, last of `x_end`.
        """
        steps = check_positive_int(steps, "steps")
        if steps < 2:
            raise ValueError(f"`steps` must be >= 2 to include both ends. Received: steps={steps}")
        examples = [self._check_one_example(x_start, "x_start"), self._check_one_example(x_end, "x_end")]
        ends = [self.encode(example)[0][0] for example in examples]  # posterior means, (latent_dim,) each
        weights = np.linspace(0.0, 1.0, steps, dtype="float32")[:, None]
        return self.decode((1.0 - weights) * ends[0] + weights * ends[1])

    def _check_one_example(self, example, name):
        """One example of shape `example_shape` (or `(1, *example_shape)`) as a batch of one."""
        owner = type(self).__name__
        shape = tuple(self.example_shape)
        if np.isscalar(example):
            raise ValueError(
                f"{owner}: `{name}` must be one example of shape {shape}. Received a scalar: {example!r}"
            )
        array = check_array(example, name, owner=owner)  # numeric, finite, not ragged or empty
        if array.shape == shape:
            array = array[None]
        if array.shape != (1, *shape):
            raise ValueError(
                f"{owner}: `{name}` must be one example of shape {shape} (or {(1, *shape)}). "
                f"Received shape={np.shape(example)}"
            )
        return array

    def _variational_config(self):
        return {"beta": self.beta, "free_bits": self.free_bits, **self._code_distribution_config()}

