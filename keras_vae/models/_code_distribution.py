"""Sampling from the codes of the training data: what `DenseAutoencoder`, `DenseVAE` and
`LSTMVAE` share. Private: a mixin for the public classes."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_vae.checks import check_choice, check_positive_int, check_seed
from keras_vae.layers import GaussianMixture

#: What `sample(prior=...)` draws codes from.
AGGREGATE = "aggregate"  # a Gaussian mixture fitted to the training codes
STANDARD = "standard"  # N(0, I), the prior a VAE is trained with


class CodeDistributionMixin:
    """Adds a fitted code distribution and `sample` to a model with an encoder.

    The class provides `self.latent_dim`, `decode`, and `_fit_codes(x, batch_size)` (the
    codes the mixture is fitted to: posterior means for a VAE, codes for an autoencoder).
    `fit` calls `_finish_fit` with the examples it trained on, which refits the mixture, so a
    trained model samples from its current codes without another call.
    """

    #: The values `sample(prior=...)` accepts; the first is the default.
    priors: tuple[str, ...] = (AGGREGATE,)

    def _init_code_distribution(self, mixture_components, seed):
        self.mixture_components = check_positive_int(mixture_components, "mixture_components")
        # === Layers ===
        self.code_distribution = GaussianMixture(
            self.latent_dim, self.mixture_components, seed=None if seed is None else seed + 3,
            name="code_distribution",
        )

    @property
    def code_distribution_fitted(self) -> bool:
        """Whether `sample(prior="aggregate")` can draw: a mixture was fitted and is current."""
        return self.code_distribution.is_fitted

    def fit_code_distribution(self, x, batch_size: int = 1024) -> None:
        """Fits the Gaussian mixture that `sample` draws codes from to the codes of `x`.

        `fit` does this by itself with its training examples (arrays or a `tf.data.Dataset`);
        call it after training on a generator or `PyDataset`, or to fit other data.
        """
        codes = self._fit_codes(x, batch_size)
        if len(codes) < 2:
            raise ValueError(
                "fit_code_distribution needs at least 2 examples to estimate a spread. "
                f"Received {len(codes)}"
            )
        self.code_distribution.adapt(codes)

    def _finish_fit(self, x):
        super()._finish_fit(x)
        # The mixture fitted before this `fit` describes codes the encoder no longer makes.
        self.code_distribution.reset()
        limit = self.code_distribution.max_fit_examples
        examples = _examples(x, limit)
        if examples is not None and len(examples) > limit:  # encode only what EM will use
            examples = examples[np.random.default_rng(self.code_distribution.seed).choice(len(examples), limit, replace=False)]
        if examples is None or len(examples) < 2:
            return  # a generator cannot be read twice: sample() asks for fit_code_distribution
        codes = self._fit_codes(examples, 1024)
        if np.isfinite(codes).all():  # codes of a diverged run leave the sampler unfitted
            self.code_distribution.adapt(codes)

    def sample_codes(self, n: int, seed: int | None = None, prior: str | None = None) -> np.ndarray:
        """Draws `n` codes, `(n, latent_dim)`.

        Args:
            n: number of codes, > 0.
            seed: None to continue the model's own stream of draws (seeded with the model
                and saved with it), or an int for a one-off reproducible draw.
            prior: `"aggregate"` (the default): the Gaussian mixture fitted to the
                training codes (see `fit_code_distribution`); `"standard"` (VAEs only): the
                standard normal prior N(0, I) the VAE was trained with.
        """
        n = check_positive_int(n, "n")
        seed = check_seed(seed, optional=True)
        prior = self._check_prior(prior)
        if prior == STANDARD:
            return self._standard_codes(n, seed)
        if not self.code_distribution_fitted:
            raise ValueError(
                f"{type(self).__name__} samples codes from a Gaussian mixture fitted to the "
                "training codes: train with fit(x) on arrays or a Dataset, or call "
                "fit_code_distribution(x_train) before sampling"
                + (", or pass prior='standard' for N(0, I)" if STANDARD in self.priors else "")
                + ". Received: no fitted code distribution"
            )
        return ops.convert_to_numpy(self.code_distribution.sample(n, seed=seed))

    def sample(self, n: int, seed: int | None = None, prior: str | None = None) -> np.ndarray:
        """Decodes `n` codes drawn by `sample_codes(n, seed, prior)`.

        Returns:
            `(n, *example_shape)` array (probabilities for `likelihood="bernoulli"`).
        """
        return self.decode(self.sample_codes(n, seed, prior))

    def _preview(self, x, seed, labels=None):
        """What `callbacks.SampleMonitor` draws: the reconstructions of `x` and, once the
        model can sample, `len(x)` samples. During the first `fit` no code distribution
        is fitted yet: a VAE then samples its standard prior, an autoencoder not at all."""
        del labels
        arrays = {"reconstructions": self.reconstruct(x)}
        if self.code_distribution_fitted:
            arrays["samples"] = self.sample(len(x), seed=seed)
        elif STANDARD in self.priors:
            arrays["samples"] = self.sample(len(x), seed=seed, prior=STANDARD)
        return arrays

    def _check_prior(self, prior):
        if prior is None:
            return self.priors[0]
        if prior == STANDARD and STANDARD not in self.priors:
            raise ValueError(
                f"{type(self).__name__} is not trained with a prior over codes, so it has no "
                f"standard prior to sample from; `prior` must be one of {self.priors}. "
                f"Received: prior={prior!r}"
            )
        return check_choice(prior, "prior", self.priors)

    def _standard_codes(self, n, seed):
        raise NotImplementedError

    def _code_distribution_config(self):
        return {"mixture_components": self.mixture_components}


def _examples(x, limit):
    """The first `limit` examples of `x` as an array, or None for a generator/PyDataset."""
    if isinstance(x, np.ndarray):
        return x
    if not isinstance(x, tf.data.Dataset):
        return None
    parts, count = [], 0
    for batch in x:
        batch = batch[0] if isinstance(batch, (tuple, list)) else batch
        parts.append(keras.ops.convert_to_numpy(batch))
        count += len(parts[-1])
        if count >= limit:
            break
    return np.concatenate(parts)[:limit] if parts else None
