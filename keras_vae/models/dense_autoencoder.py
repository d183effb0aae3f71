"""`DenseAutoencoder`: a deterministic autoencoder with MLP encoder and decoder."""

from __future__ import annotations

import keras

from keras_vae.layers import ObservationModel
from keras_vae.models._dense import build_mlp_decoder, build_mlp_encoder, check_dense_arguments, dense_config
from keras_vae.models.autoencoder import Autoencoder


@keras.saving.register_keras_serializable(package="keras_vae")
class DenseAutoencoder(Autoencoder):
    """Autoencoder with dense (MLP) encoder and decoder: builds both networks for
    `keras_vae.Autoencoder`, which owns the objective.

    `code = encoder(x)`, `reconstruction_loss = -log p(x | decoder(code))`, `loss =
    reconstruction_loss`: summed over data dimensions, averaged over the batch. With
    `likelihood="bernoulli"` this is the summed binary cross-entropy on logits; with
    `"gaussian"` and a fixed `observation_std`, half the summed squared error divided by the
    variance, plus a constant.

    `fit(x)` (or `fit(x, x)`) reconstructs the input; `fit(x_noisy, x_clean)` trains a
    denoising autoencoder.

    An autoencoder has no prior over codes, so it cannot generate by itself. `sample(n)`
    decodes codes drawn from a Gaussian mixture fitted to the codes of the training data
    (ex-post density estimation, Ghosh et al. 2020); `fit` fits it after training, and
    `fit_code_distribution(x)` refits it to other data. The same mechanism gives the VAEs
    their default sampler.

    Args:
        input_shape: shape of one example, e.g. `(8, 8)`; flattened inside.
        latent_dim: size of the code, > 0.
        hidden_dims: sizes of the encoder's ReLU layers; the decoder mirrors them.
        likelihood: `"bernoulli"` (data in [0, 1]), `"binomial"` (counts scaled to
            [0, 1]) or `"gaussian"`.
        observation_std: for `"gaussian"`, a fixed standard deviation or None to learn it.
        trials: for `"binomial"`, the count each value is out of (16 for
            `data.load_digits()`); see `ObservationModel`.
        mixture_components: components of the Gaussian mixture `sample` draws codes
            from, > 0.
        seed: int or None; seeds the initialisers and `sample`.
        **kwargs: base `keras.Model` arguments.

    Call arguments:
        inputs: `(batch, *input_shape)`. Returns the mean of p(x | code).

    Example:
    >>> ae = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(64,))
    >>> ae.compile(optimizer="adam")
    >>> history = ae.fit(x, epochs=2, verbose=0)
    >>> sorted(history.history)
    ['loss', 'reconstruction_loss']

    Reference:
        Hinton & Salakhutdinov, "Reducing the Dimensionality of Data with Neural
        Networks", Science 2006.
        Ghosh et al., "From Variational to Deterministic Autoencoders", ICLR 2020,
        https://arxiv.org/abs/1903.12436 (Section 4, ex-post density estimation).
    """

    def __init__(
        self,
        input_shape,
        latent_dim: int = 2,
        hidden_dims=(256, 128),
        likelihood: str = "bernoulli",
        observation_std: float | None = None,
        trials: int | None = None,
        mixture_components: int = 20,
        seed: int | None = None,
        **kwargs,
    ):
        input_shape, latent_dim, hidden_dims, seed = check_dense_arguments(input_shape, latent_dim, hidden_dims, seed)
        observation = ObservationModel(likelihood, observation_std, trials, name="observation")
        encoder = build_mlp_encoder(input_shape, hidden_dims, {"code": latent_dim}, seed)
        decoder = build_mlp_decoder(latent_dim, hidden_dims, input_shape, seed)
        super().__init__(encoder, decoder, observation, mixture_components, seed, **kwargs)
        self.data_shape = input_shape
        self.hidden_dims = hidden_dims
        self.built = True

    def _architecture_config(self):
        return dense_config(self)
