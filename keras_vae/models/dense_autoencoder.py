"""`DenseAutoencoder`: a deterministic autoencoder with MLP encoder and decoder."""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from keras_vae.checks import check_positive_int
from keras_vae.layers import Sampling
from keras_vae.models._autoencoding import AutoencoderMixin
from keras_vae.models._dense import DenseModel, check_seed


@keras.saving.register_keras_serializable(package="keras_vae")
class DenseAutoencoder(AutoencoderMixin, DenseModel):
    """Autoencoder with dense (MLP) encoder and decoder.

    `code = encoder(x)`, `reconstruction_loss = -log p(x | decoder(code))`, `loss =
    reconstruction_loss`: summed over data dimensions, averaged over the batch. With
    `likelihood="bernoulli"` this is the summed binary cross-entropy on logits; with
    `"gaussian"` and a fixed `observation_std`, half the summed squared error divided by the
    variance, plus a constant.

    `fit(x)` (or `fit(x, x)`) reconstructs the input; `fit(x_noisy, x_clean)` trains a
    denoising autoencoder.

    An autoencoder has no prior over codes, so it cannot generate by itself. `sample(n)`
    draws codes from a diagonal Gaussian fitted to training codes by
    `fit_code_distribution(x)`; the tutorials use it to show why such samples are worse than
    a VAE's (the codes of an AE need not fill a Gaussian).

    Args:
        input_shape: shape of one example, e.g. `(8, 8)`; flattened inside.
        latent_dim: size of the code, > 0.
        hidden_dims: sizes of the encoder's ReLU layers; the decoder mirrors them.
        likelihood: `"bernoulli"` (data in [0, 1]) or `"gaussian"`.
        observation_std: for `"gaussian"`, a fixed standard deviation or None to learn it.
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
    """

    def __init__(
        self,
        input_shape,
        latent_dim: int = 2,
        hidden_dims=(256, 128),
        likelihood: str = "bernoulli",
        observation_std: float | None = None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(
            input_shape, latent_dim, hidden_dims, likelihood, observation_std, seed,
            encoder_heads=("code",), **kwargs,
        )
        # === State set by fit_code_distribution ===
        self.code_mean = self.add_weight(
            shape=(self.latent_dim,), initializer="zeros", trainable=False, dtype="float32",
            name="code_mean",
        )
        self.code_std = self.add_weight(
            shape=(self.latent_dim,), initializer="zeros", trainable=False, dtype="float32",
            name="code_std",
        )
        self.noise = Sampling(seed=seed, name="noise")  # standard normal draws for sample()
        self.built = True

    def fit_code_distribution(self, x) -> None:
        """Fits the diagonal Gaussian that `sample` draws codes from to the codes of `x`."""
        codes = self.encode(x)
        if len(codes) < 2:
            raise ValueError(
                "fit_code_distribution needs at least 2 examples to estimate a spread. "
                f"Received {len(codes)}"
            )
        self.code_mean.assign(codes.mean(axis=0))
        self.code_std.assign(codes.std(axis=0, ddof=1))

    def sample_codes(self, n: int, seed: int | None = None) -> np.ndarray:
        """Draws `n` codes from the Gaussian fitted by `fit_code_distribution`.

        Args:
            n: number of codes, > 0.
            seed: None to continue the model's own stream of draws (saved with it), or an
                int for a one-off reproducible draw.

        Returns:
            `(n, latent_dim)` array.
        """
        n = check_positive_int(n, "n")
        seed = check_seed(seed)
        if not np.any(ops.convert_to_numpy(self.code_std)):
            raise ValueError(
                "DenseAutoencoder has no prior over codes: call "
                "fit_code_distribution(x_train) before sampling. Received: no fitted "
                "code distribution (code_std is all zeros)"
            )
        if seed is None:
            zeros = ops.zeros((n, self.latent_dim))
            noise = self.noise([zeros, zeros])  # N(0, I)
        else:
            noise = keras.random.normal((n, self.latent_dim), seed=seed)
        return ops.convert_to_numpy(self.code_mean + noise * self.code_std)  # (n, latent_dim)

    def sample(self, n: int, seed: int | None = None) -> np.ndarray:
        """Decodes `n` codes drawn by `sample_codes(n, seed)`, `(n, *input_shape)`."""
        return self.decode(self.sample_codes(n, seed))
