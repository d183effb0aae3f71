"""`Autoencoder`: the reconstruction objective over any encoder and decoder networks.

`DenseAutoencoder` and `LSTMAutoencoder` build the networks and pass them here; the
objective, encoding, decoding and sampling are this class's, the same for every network.
"""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_vae.checks import check_array, check_choice, check_positive_int, check_seed
from keras_vae.layers import GaussianMixture, ObservationModel
from keras_vae.training import GenerativeModel
from keras_vae.validation import DataSpec

#: What `sample(prior=...)` draws codes from.
AGGREGATE = "aggregate"  # a Gaussian mixture fitted to the training codes
STANDARD = "standard"  # N(0, I), the prior a VAE is trained with


def batched(fn, x, batch_size=1024):
    """Calls `fn` eagerly on slices of `x` and concatenates the NumPy results."""
    batch_size = check_positive_int(batch_size, "batch_size")
    results = [fn(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    if isinstance(results[0], (tuple, list)):
        return tuple(
            np.concatenate([ops.convert_to_numpy(r[k]) for r in results]) for k in range(len(results[0]))
        )
    return np.concatenate([ops.convert_to_numpy(r) for r in results])


def _network_shapes(encoder, decoder, heads):
    """`(example_shape, latent_dim)` read off built networks, with a clear error otherwise."""
    for name, network in (("encoder", encoder), ("decoder", decoder)):
        if not isinstance(network, keras.Model) or not getattr(network, "inputs", None):
            raise ValueError(
                f"`{name}` must be a built Keras model with known inputs (e.g. a functional "
                f"`keras.Model(inputs, outputs)`). Received: {name} of type {type(network).__name__}"
            )
    outputs = encoder.outputs
    if len(outputs) != heads or len({tuple(t.shape[1:]) for t in outputs}) != 1 or len(outputs[0].shape) != 2:
        wanted = "one output (batch, latent_dim)" if heads == 1 else "two outputs [z_mean, z_log_var], each (batch, latent_dim)"
        raise ValueError(
            f"`encoder` must have {wanted}. Received outputs of shapes {[tuple(t.shape) for t in outputs]}"
        )
    latent_dim = outputs[0].shape[-1]
    code_shape = tuple(decoder.inputs[0].shape[1:])
    if code_shape != (latent_dim,):
        raise ValueError(
            f"`decoder`'s (first) input must take the codes, ({latent_dim},) per example. "
            f"Received: a decoder input of shape {code_shape}"
        )
    return tuple(encoder.inputs[0].shape[1:]), latent_dim


@keras.saving.register_keras_serializable(package="keras_vae")
class Autoencoder(GenerativeModel):
    """A deterministic autoencoder from an encoder and a decoder network.

    `code = encoder(x)`, `reconstruction_loss = -log p(x | decoder(code))`, `loss =
    reconstruction_loss`: summed over data dimensions (by `observation`), averaged over the
    batch by the shared loop. `fit(x)` (or `fit(x, x)`) reconstructs the input;
    `fit(x_noisy, x_clean)` trains a denoising autoencoder.

    An autoencoder has no prior over codes. With `mixture_components` set, `sample(n)`
    decodes codes drawn from a Gaussian mixture fitted to the codes of the training data
    (ex-post density estimation, Ghosh et al. 2020); `fit` fits it after training, and
    `fit_code_distribution(x)` refits it to other data.

    `DenseAutoencoder` and `LSTMAutoencoder` build the two networks from a few sizes; use
    this class directly to train networks of your own (convolutional, say) with the same
    objective, checks and helpers.

    Args:
        encoder: a built Keras model `(batch, *example_shape) -> (batch, latent_dim)`.
        decoder: a built Keras model `(batch, latent_dim) -> (batch, *example_shape)`, the
            parameters of p(x | code) (logits for `"bernoulli"`, means for `"gaussian"`).
        observation: a `keras_vae.ObservationModel`, the likelihood p(x | decoder output);
            None for the Bernoulli one.
        mixture_components: components of the Gaussian mixture `sample` draws codes from,
            > 0; None: no sampler.
        seed: int or None; seeds `sample`.
        **kwargs: base `keras.Model` arguments (`name`, `dtype`).

    Call arguments:
        inputs: `(batch, *example_shape)`. Returns the mean of p(x | code).

    Example:
    >>> encoder = keras.Sequential([keras.Input((8, 8)), keras.layers.Flatten(), keras.layers.Dense(2)])
    >>> decoder = keras.Sequential([keras.Input((2,)), keras.layers.Dense(64), keras.layers.Reshape((8, 8))])
    >>> ae = Autoencoder(encoder, decoder, mixture_components=5)
    >>> ae.compile()
    >>> history = ae.fit(x, epochs=2, verbose=0)
    >>> ae.encode(x).shape, ae.sample(3).shape
    ((n, 2), (3, 8, 8))

    Reference:
        Hinton & Salakhutdinov, "Reducing the Dimensionality of Data with Neural
        Networks", Science 2006.
        Ghosh et al., "From Variational to Deterministic Autoencoders", ICLR 2020,
        https://arxiv.org/abs/1903.12436 (Section 4, ex-post density estimation).
    """

    loss_names = ("loss", "reconstruction_loss")
    #: The encoder's outputs: the code.
    encoder_heads = 1
    #: The values `sample(prior=...)` accepts; the first is the default.
    priors: tuple[str, ...] = (AGGREGATE,)
    #: How `callbacks.SampleMonitor` lays out `_preview`'s arrays: `"images"` or `"sequences"`.
    preview_kind = "images"
    #: The name `decode` gives its argument in messages.
    code_name = "z"

    def __init__(self, encoder, decoder, observation=None, mixture_components=None, seed=None, **kwargs):
        example_shape, latent_dim = _network_shapes(encoder, decoder, self.encoder_heads)
        if observation is None:
            observation = ObservationModel("bernoulli", name="observation")
        if not isinstance(observation, ObservationModel):
            raise ValueError(
                "`observation` must be a keras_vae.ObservationModel (or None for the Bernoulli "
                f"likelihood). Received: observation of type {type(observation).__name__}"
            )
        if mixture_components is not None:
            mixture_components = check_positive_int(mixture_components, "mixture_components")
        seed = check_seed(seed, optional=True)
        super().__init__(**kwargs)
        # === Config ===
        self._example_shape = example_shape
        self.latent_dim = latent_dim
        self.mixture_components = mixture_components
        self.seed = seed
        # === Layers ===
        self.observation = observation
        self.encoder = encoder
        self.decoder = decoder
        if mixture_components is not None:
            self.code_distribution = GaussianMixture(
                latent_dim, mixture_components, seed=None if seed is None else seed + 3,
                name="code_distribution",
            )
        self.built = True  # the networks come built

    # === The objective ===

    def compute_terms(self, x, y=None, training=False):
        target = x if y is None else y
        code = self.encoder(x, training=training)  # (batch, latent_dim)
        reconstruction_loss = -self.log_likelihood(target, code, training=training)
        return {"loss": reconstruction_loss, "reconstruction_loss": reconstruction_loss}

    def log_likelihood(self, x, z, training=False):
        """log p(x | z), summed over data dimensions: a tensor `(batch,)` for tensors `x`
        `(batch, *example_shape)` and codes `z` `(batch, latent_dim)`, with the model's own
        observation model (what `reconstruction_loss` negates). An autoregressive decoder
        conditions each step on the true previous steps of `x` (teacher forcing). For a
        VAE, no `beta`, `kl_weight` or `free_bits`: those shape the training objective, not
        the density."""
        return self.observation.log_likelihood(x, self.decoder_outputs(z, x, training=training))

    def decoder_outputs(self, z, x=None, training=False):
        """The likelihood's parameters for codes `z`, a tensor `(batch, *example_shape)`.

        The default decodes `z` alone. An autoregressive decoder (one that also reads the
        previous steps) overrides this: given `x`, it conditions each step on the true
        previous steps (teacher forcing, for scoring and training); with `x=None` it
        generates, feeding back its own means (for `decode`, `sample` and `call`).
        """
        del x
        return self.decoder(z, training=training)

    def call(self, inputs, training=False):
        return self.observation.mean(self.decoder_outputs(self._codes(inputs, training), training=training))

    # === What the model declares ===

    @property
    def data_spec(self):
        reason = ""
        if self.likelihood == "bernoulli":
            reason = (
                " because likelihood='bernoulli' models each value as a probability "
                "(scale the data, e.g. divide 8-bit pixels by 255, or use likelihood='gaussian')"
            )
        elif self.likelihood == "binomial":
            reason = (
                f" because likelihood='binomial' reads each value as a count divided by trials={self.trials} "
                f"(divide the counts by {self.trials})"
            )
        return DataSpec(
            self._example_shape, targets="inputs", value_range=self.observation.value_range,
            range_reason=reason,
        )

    @property
    def likelihood(self) -> str:
        return self.observation.likelihood

    @property
    def observation_std(self) -> float | None:
        return self.observation.observation_std

    @property
    def trials(self) -> int | None:
        return self.observation.trials

    # === NumPy in, NumPy out ===

    def encode(self, x, batch_size: int = 1024) -> np.ndarray:
        """Returns the codes of `x`, `(n, latent_dim)`: what `decode` takes back."""
        x = self._check_x(x)
        return batched(self._codes, x, batch_size)

    def _codes(self, x, training=False):
        """The codes of a batch, a tensor `(batch, latent_dim)`: what `decode` takes."""
        return self.encoder(x, training=training)

    def decode(self, z, batch_size: int = 1024) -> np.ndarray:
        """Mean of p(x | z) for codes `z` `(n, latent_dim)`: `(n, *example_shape)`.

        For `likelihood="bernoulli"` these are probabilities, for `"gaussian"` the means.
        """
        z = check_array(z, self.code_name, example_shape=(self.latent_dim,), owner=type(self).__name__)
        return batched(lambda b: self.observation.mean(self.decoder_outputs(ops.convert_to_tensor(b))), z, batch_size)

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Returns `decode(encode(x))`, `(n, *example_shape)`."""
        return self.decode(self.encode(x, batch_size), batch_size)

    def _check_x(self, x, name="x"):
        return check_array(x, name, example_shape=self._example_shape, owner=type(self).__name__)

    # === Sampling from the codes of the training data ===

    @property
    def code_distribution_fitted(self) -> bool:
        """Whether `sample(prior="aggregate")` can draw: a mixture was fitted and is current."""
        return self.mixture_components is not None and self.code_distribution.is_fitted

    def fit_code_distribution(self, x, batch_size: int = 1024) -> None:
        """Fits the Gaussian mixture that `sample` draws codes from to the codes of `x`.

        `fit` does this by itself with its training examples (arrays or a `tf.data.Dataset`);
        call it after training on a generator or `PyDataset`, or to fit other data.
        """
        codes = self.encode(x, batch_size)
        self._check_sampler()
        if len(codes) < 2:
            raise ValueError(
                "fit_code_distribution needs at least 2 examples to estimate a spread. "
                f"Received {len(codes)}"
            )
        self.code_distribution.adapt(codes)

    def _finish_fit(self, x):
        super()._finish_fit(x)
        if self.mixture_components is None:
            return
        # The mixture fitted before this `fit` describes codes the encoder no longer makes.
        self.code_distribution.reset()
        limit = self.code_distribution.max_fit_examples
        examples = _examples(x, limit)
        if examples is not None and len(examples) > limit:  # encode only what EM will use
            examples = examples[np.random.default_rng(self.code_distribution.seed).choice(len(examples), limit, replace=False)]
        if examples is None or len(examples) < 2:
            return  # a generator cannot be read twice: sample() asks for fit_code_distribution
        codes = self.encode(examples, 1024)
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
        self._check_sampler()
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

    def _check_sampler(self):
        if self.mixture_components is None:
            raise ValueError(
                f"{type(self).__name__} was built without a code distribution, so it cannot "
                "sample; build it with mixture_components=20 (say). Received: mixture_components=None"
            )

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
        raise NotImplementedError  # only a VAE has a standard prior (`_check_prior` says so)

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

    # === Saving ===

    def get_config(self):
        return {**super().get_config(), **self._architecture_config(), "seed": self.seed}

    def _architecture_config(self):
        """What rebuilds the networks: the networks themselves here; a builder subclass
        (`DenseAutoencoder`, ...) returns its own arguments instead."""
        return {
            "encoder": keras.saving.serialize_keras_object(self.encoder),
            "decoder": keras.saving.serialize_keras_object(self.decoder),
            "observation": keras.saving.serialize_keras_object(self.observation),
            "mixture_components": self.mixture_components,
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("encoder", "decoder", "observation"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


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
