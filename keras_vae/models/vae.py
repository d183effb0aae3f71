"""`VAE`: the negative ELBO, with a KL weight and free bits, over any encoder and decoder.

`DenseVAE` and `LSTMVAE` build the networks and pass them here.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae import losses
from keras_vae.checks import check_array, check_non_negative_float, check_positive_int
from keras_vae.layers import Sampling
from keras_vae.models.autoencoder import AGGREGATE, STANDARD, Autoencoder, batched


@keras.saving.register_keras_serializable(package="keras_vae")
class VAE(Autoencoder):
    """A (β-)variational autoencoder from an encoder and a decoder network.

    The encoder maps `x` to the mean and log-variance of a diagonal Gaussian q(z | x);
    `Sampling` draws `z` with the reparameterisation trick; the decoder maps `z` to the
    parameters of p(x | z). Training minimises the negative ELBO:

    `reconstruction_loss = -log p(x | z),  z ~ q(z | x)`        # Eq. (1), one sample
    `kl_loss = KL(q(z | x) || N(0, I))`                         # Eq. (2), closed form
    `loss = reconstruction_loss + kl_weight * kl_penalty`       # Eq. (3)

    Each term is summed over data (or latent) dimensions and averaged over the batch by the
    shared loop. `kl_penalty` is `kl_loss`, or its free-bits version when `free_bits > 0`
    (`losses.free_bits_kl`). `kl_weight` is a non-trainable variable initialised to `beta`,
    so a callback can anneal it; `kl_loss` is logged unweighted, so with `beta=1` and no
    free bits `loss` is exactly the negative ELBO.

    `encode(x)` returns the posterior means (the codes `decode` takes, as for every
    autoencoder); `posterior(x)` returns `(z_mean, z_log_var)`. `sample(n)` decodes codes
    drawn from a Gaussian mixture fitted to the posterior means of the training data (the
    aggregate posterior), `sample(n, prior="standard")` from N(0, I).

    `DenseVAE` and `LSTMVAE` build the two networks from a few sizes; use this class
    directly to train networks of your own with the same objective.

    Args:
        encoder: a built Keras model `(batch, *example_shape) -> [z_mean, z_log_var]`, each
            `(batch, latent_dim)`, from two separate layers (one layer for both ties the
            variance to the mean).
        decoder: a built Keras model `(batch, latent_dim) -> (batch, *example_shape)`, the
            parameters of p(x | z).
        observation: a `keras_vae.ObservationModel`; None for the Bernoulli likelihood.
        beta: initial KL weight, >= 0 (the β of β-VAE).
        free_bits: nats per latent dimension not penalised, >= 0; 0 is the plain ELBO.
        mixture_components: components of the Gaussian mixture `sample` draws codes from,
            > 0.
        seed: int or None; seeds the posterior and prior draws and the mixture.
        **kwargs: base `keras.Model` arguments (`name`, `dtype`).

    Call arguments:
        inputs: `(batch, *example_shape)`. Returns the mean of p(x | z_mean), the
            deterministic reconstruction, so `predict` works.

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
        https://arxiv.org/abs/1312.6114 (Eq. 3 and 10: the estimator and the Gaussian KL).
        Kingma et al., "Improving Variational Inference with Inverse Autoregressive Flow",
        NeurIPS 2016 (free bits, Appendix C.8); Higgins et al., "beta-VAE", ICLR 2017.
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss")
    encoder_heads = 2
    priors = (AGGREGATE, STANDARD)

    def __init__(
        self, encoder, decoder, observation=None, beta: float = 1.0, free_bits: float = 0.0,
        mixture_components: int = 20, seed=None, **kwargs,
    ):
        beta = check_non_negative_float(beta, "beta")
        free_bits = check_non_negative_float(free_bits, "free_bits")
        mixture_components = check_positive_int(mixture_components, "mixture_components")
        super().__init__(encoder, decoder, observation, mixture_components, seed, **kwargs)
        self.beta = beta
        self.free_bits = free_bits
        # === Layers ===
        self.sampling = Sampling(seed=self.seed, name="sampling")
        # Draws from the prior N(0, I) are Sampling([0, 0]): one RNG mechanism, saved with
        # the model like the posterior's.
        self.prior_sampling = Sampling(seed=None if self.seed is None else self.seed + 1, name="prior_sampling")
        # === State a callback may change ===
        self.kl_weight = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(self.beta), trainable=False,
            dtype="float32", name="kl_weight",
        )

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

    @property
    def z_mean_layer(self):
        return self.encoder.get_layer("z_mean")

    @property
    def z_log_var_layer(self):
        return self.encoder.get_layer("z_log_var")

    def _codes(self, x, training=False):
        z_mean, _ = self.encoder(x, training=training)  # the posterior mean, not a draw
        return z_mean

    def posterior(self, x, batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(z_mean, z_log_var)` of q(z | x), each `(n, latent_dim)`."""
        x = self._check_x(x)
        return batched(lambda b: self.encoder(b, training=False), x, batch_size)

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
        ends = [self.encode(example)[0] for example in examples]  # posterior means, (latent_dim,) each
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

    def get_config(self):
        return {**super().get_config(), "beta": self.beta, "free_bits": self.free_bits}
