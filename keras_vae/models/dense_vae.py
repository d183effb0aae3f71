"""`DenseVAE`: a (β-)variational autoencoder with MLP encoder and decoder."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae import losses
from keras_vae.checks import check_non_negative_float, check_positive_int
from keras_vae.layers import Sampling
from keras_vae.models._dense import DenseModel, batched


@keras.saving.register_keras_serializable(package="keras_vae")
class DenseVAE(DenseModel):
    """Variational autoencoder with dense (MLP) encoder and decoder, and a β-weighted KL.

    The encoder maps `x` to the mean and log-variance of a diagonal Gaussian q(z | x) with
    two separate linear layers; `Sampling` draws `z` with the reparameterisation trick; the
    decoder maps `z` to the parameters of p(x | z). Training minimises the negative ELBO:

    `reconstruction_loss = -log p(x | z),  z ~ q(z | x)`        # Eq. (1), one sample
    `kl_loss = KL(q(z | x) || N(0, I))`                         # Eq. (2), closed form
    `loss = reconstruction_loss + kl_weight * kl_loss`          # Eq. (3), kl_weight = beta

    Each term is summed over data (or latent) dimensions and averaged over the batch by the
    shared loop. With `beta=1` the loss is exactly the negative ELBO, an upper bound on
    -log p(x); `beta > 1` gives the β-VAE (Higgins et al. 2017). `kl_weight` is a
    non-trainable variable initialised to `beta`, so a callback can anneal it while
    training; `kl_loss` is logged unweighted.

    Args:
        input_shape: shape of one example, e.g. `(8, 8)` or `(784,)`; flattened inside,
            outputs reshaped back.
        latent_dim: size of z, > 0.
        hidden_dims: sizes of the encoder's ReLU layers; the decoder mirrors them.
        beta: weight of the KL term, >= 0.
        likelihood: `"bernoulli"` (data in [0, 1], decoder outputs logits) or
            `"gaussian"` (any real data, decoder outputs means).
        observation_std: for `"gaussian"`, a fixed standard deviation, or None to learn one
            shared variance (see `ObservationModel`).
        seed: int or None; seeds the initialisers, the posterior and the prior draws.
        **kwargs: base `keras.Model` arguments (`name`, `dtype`).

    Call arguments:
        inputs: `(batch, *input_shape)`. Returns the mean of p(x | z_mean), the
            deterministic reconstruction, so `predict` works.

    Example:
    >>> x = keras_vae.data.load_digits().x_train          # (n, 8, 8) in [0, 1]
    >>> vae = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(64,))
    >>> vae.compile(optimizer="adam")
    >>> history = vae.fit(x, epochs=2, batch_size=64, verbose=0)
    >>> sorted(history.history)
    ['kl_loss', 'loss', 'reconstruction_loss']

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
        https://arxiv.org/abs/1312.6114 (Eq. 3, 10; Appendix B, C).
        Higgins et al., "beta-VAE", ICLR 2017.
    """

    loss_names = ("loss", "reconstruction_loss", "kl_loss")

    def __init__(
        self,
        input_shape,
        latent_dim: int = 2,
        hidden_dims=(256, 128),
        beta: float = 1.0,
        likelihood: str = "bernoulli",
        observation_std: float | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        beta = check_non_negative_float(beta, "beta")
        super().__init__(
            input_shape, latent_dim, hidden_dims, likelihood, observation_std, seed,
            encoder_heads=("z_mean", "z_log_var"), **kwargs,
        )
        self.beta = beta
        # === Layers ===
        self.sampling = Sampling(seed=seed, name="sampling")
        # Draws from the prior N(0, I) are Sampling([0, 0]): one RNG mechanism, saved with
        # the model like the posterior's.
        self.prior_sampling = Sampling(seed=None if seed is None else seed + 1, name="prior_sampling")
        # === State a callback may change ===
        self.kl_weight = self.add_weight(
            shape=(), initializer=keras.initializers.Constant(beta), trainable=False,
            dtype="float32", name="kl_weight",
        )
        self.built = True

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
        outputs = self.decoder(z, training=training)  # (batch, *input_shape)
        reconstruction_loss = -self.observation.log_likelihood(target, outputs)  # Eq. (1)
        kl_loss = losses.gaussian_kl(z_mean, z_log_var)  # Eq. (2)
        loss = reconstruction_loss + self.kl_weight * kl_loss  # Eq. (3)
        return {"loss": loss, "reconstruction_loss": reconstruction_loss, "kl_loss": kl_loss}

    def call(self, inputs, training=False):
        z_mean, _ = self.encoder(inputs, training=training)
        return self.observation.mean(self.decoder(z_mean, training=training))

    def encode(self, x, batch_size: int = 1024) -> tuple[np.ndarray, np.ndarray]:
        """Returns `(z_mean, z_log_var)` of q(z | x), each `(n, latent_dim)`."""
        x = self._check_x(x)
        return batched(lambda b: self.encoder(b, training=False), x, batch_size)

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Decodes the posterior mean: mean of p(x | z_mean), `(n, *input_shape)`."""
        z_mean, _ = self.encode(x, batch_size)
        return self.decode(z_mean, batch_size)

    def sample_codes(self, n: int, seed: int | None = None) -> np.ndarray:
        """Draws `n` codes from the prior N(0, I), `(n, latent_dim)`.

        Args:
            n: number of codes, > 0.
            seed: None to continue the model's own stream of prior draws (seeded with the
                model and saved with it), or an int for a one-off reproducible draw.
        """
        n = check_positive_int(n, "n")
        if seed is None:
            zeros = ops.zeros((n, self.latent_dim))
            return ops.convert_to_numpy(self.prior_sampling([zeros, zeros]))
        return ops.convert_to_numpy(keras.random.normal((n, self.latent_dim), seed=seed))

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """Decodes `n` codes from the prior: `decode(sample_codes(n, seed))`.

        Returns:
            `(n, *input_shape)` array (probabilities for `"bernoulli"`).
        """
        return self.decode(self.sample_codes(n, seed))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}
