"""`DenseVAE`: a (β-)variational autoencoder with MLP encoder and decoder."""

from __future__ import annotations

import keras

from keras_vae.checks import check_non_negative_float
from keras_vae.layers import ObservationModel
from keras_vae.models._dense import build_mlp_decoder, build_mlp_encoder, check_dense_arguments, dense_config
from keras_vae.models.vae import VAE


@keras.saving.register_keras_serializable(package="keras_vae")
class DenseVAE(VAE):
    """Variational autoencoder with dense (MLP) encoder and decoder, and a β-weighted KL:
    builds both networks for `keras_vae.VAE`, which owns the objective.

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

    `sample(n)` decodes codes drawn from a Gaussian mixture fitted to the posterior means
    of the training data (the aggregate posterior; `fit` fits it after training, see
    `fit_code_distribution`), not from the prior N(0, I): the posteriors of a trained VAE
    cover only part of the prior, and prior draws that fall between them decode to
    nothing like the data. Ghosh et al. 2020 call this ex-post density estimation.
    `sample(n, prior="standard")` draws from N(0, I) instead.

    Which sampler wins depends on the likelihood (`python benchmarks/vae_samples.py`, 8x8
    digits, 1-NN two-sample score, 3 seeds, README "Digit samples"). With the Bernoulli
    default the two samplers tie (0.23 at `latent_dim=8`): the decoder's blurred means give
    the samples away, and even its reconstructions of real digits score 0.22. The digits
    are counts out of 16 pixels, and `likelihood="binomial", trials=16` (their own
    likelihood, 16 times the Bernoulli cross-entropy) gives a sharper decoder; then the
    mixture scores 0.11 against the prior's 0.27 at `latent_dim=8`.

    Args:
        input_shape: shape of one example, e.g. `(8, 8)` or `(784,)`; flattened inside,
            outputs reshaped back.
        latent_dim: size of z, > 0.
        hidden_dims: sizes of the encoder's ReLU layers; the decoder mirrors them.
        beta: weight of the KL term, >= 0.
        likelihood: `"bernoulli"` (data in [0, 1], decoder outputs logits),
            `"binomial"` (counts scaled to [0, 1], e.g. the 8x8 digits) or `"gaussian"`
            (any real data, decoder outputs means).
        observation_std: for `"gaussian"`, a fixed standard deviation, or None to learn one
            shared variance (see `ObservationModel`).
        trials: for `"binomial"`, the count each value is out of (16 for
            `data.load_digits()`); see `ObservationModel`.
        free_bits: nats per latent dimension below which the KL is not penalised
            (Kingma et al. 2016; see `losses.free_bits_kl`), >= 0; 0 is the plain ELBO.
        mixture_components: components of the Gaussian mixture `sample` draws codes
            from, > 0.
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
        Ghosh et al., "From Variational to Deterministic Autoencoders", ICLR 2020,
        https://arxiv.org/abs/1903.12436 (ex-post density estimation).
    """

    def __init__(
        self,
        input_shape,
        latent_dim: int = 2,
        hidden_dims=(256, 128),
        beta: float = 1.0,
        likelihood: str = "bernoulli",
        observation_std: float | None = None,
        trials: int | None = None,
        free_bits: float = 0.0,
        mixture_components: int = 20,
        seed: int | None = None,
        **kwargs,
    ):
        check_non_negative_float(beta, "beta")
        input_shape, latent_dim, hidden_dims, seed = check_dense_arguments(input_shape, latent_dim, hidden_dims, seed)
        observation = ObservationModel(likelihood, observation_std, trials, name="observation")
        encoder = build_mlp_encoder(input_shape, hidden_dims, {"z_mean": latent_dim, "z_log_var": latent_dim}, seed)
        decoder = build_mlp_decoder(latent_dim, hidden_dims, input_shape, seed)
        super().__init__(encoder, decoder, observation, beta, free_bits, mixture_components, seed, **kwargs)
        self.data_shape = input_shape
        self.hidden_dims = hidden_dims
        self.built = True

    def _architecture_config(self):
        return dense_config(self)
