"""Small layers shared by the models: reparameterised sampling, observation models, the
mean-example offset of a decoder and a Gaussian-mixture sampler for codes."""

from __future__ import annotations

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_vae import losses
from keras_vae.checks import check_array, check_choice, check_positive_int


class _SeededLayer(keras.layers.Layer):
    """A layer with its own `SeedGenerator` whose state is saved with the model.

    Keras does not save a SeedGenerator's state with the model. Saving it here means a
    reloaded model continues the same stream of draws, so resumed training matches an
    uninterrupted run. Files without the entry load with a fresh stream.
    """

    def _draw(self, draw, shape):
        """`draw(shape, seed=...)` (`keras.random.normal`, ...) for this replica's share.

        Under `tf.distribute` every replica reads the same generator state, so a plain draw
        gives each replica the *same* noise for its part of the batch: correlated noise,
        and a step unlike the single-device step on the same global batch. Instead each
        replica draws `(replicas, *shape)` values and keeps the slice with its own index.
        The counter-based generator fills the buffer in order, so with equal per-replica
        batches replica `r` receives exactly rows `[r * b, (r + 1) * b)` of a single
        device's draw for the global batch, and the distributed step equals the
        single-device one. Without a strategy this is a plain draw.

        (Under `jit_compile=True` TensorFlow's XLA kernels produce a different stream from
        the same seed, so a compiled step samples different noise than the default one.)
        """
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        context = tf.distribute.get_replica_context()
        if replicas == 1 or context is None:
            return draw(shape, seed=self.seed_generator)
        values = draw((replicas, *shape), seed=self.seed_generator)
        return ops.take(values, context.replica_id_in_sync_group, axis=0)

    def save_own_variables(self, store):
        super().save_own_variables(store)  # the layer's own weights, if any, as "0", "1", ...
        store["seed_generator_state"] = self.seed_generator.state

    def load_own_variables(self, store):
        weights = self._trainable_variables + self._non_trainable_variables
        saved = [key for key in store.keys() if key != "seed_generator_state"]
        if len(saved) != len(weights):
            raise ValueError(
                f"Layer '{self.name}' expected {len(weights)} variables in the file. "
                f"Received {len(saved)}"
            )
        for i, variable in enumerate(weights):
            variable.assign(store[f"{i}"])
        if "seed_generator_state" in store:
            self.seed_generator.state.assign(store["seed_generator_state"])


@keras.saving.register_keras_serializable(package="keras_vae")
class Sampling(_SeededLayer):
    """Draws `z ~ N(z_mean, exp(z_log_var))` with the reparameterisation trick.

    `z = z_mean + exp(0.5 * z_log_var) * epsilon, epsilon ~ N(0, I)`  # Kingma & Welling
    2014, Section 2.4.

    Writing the draw this way makes `z` a differentiable function of `z_mean` and
    `z_log_var`, so the reconstruction term's gradient reaches the encoder. The noise comes
    from the layer's own `keras.random.SeedGenerator`, so a seeded layer repeats its draws
    and works inside `tf.function` and `tf.distribute` (an unseeded global draw does not).
    The maths runs in float32; the result is cast to the layer's compute dtype.

    Args:
        seed: int or None, seed of the layer's `SeedGenerator`.
        **kwargs: base layer arguments (`name`, `dtype`).

    Call arguments:
        inputs: list `[z_mean, z_log_var]`, two tensors of the same shape.

    Input shape:
        Two tensors `(batch, ..., latent_dim)`.

    Output shape:
        `(batch, ..., latent_dim)`.

    Example:
    >>> z = Sampling(seed=0)([np.zeros((4, 2)), np.zeros((4, 2))])
    >>> tuple(z.shape)
    (4, 2)

    Reference:
        Kingma & Welling, "Auto-Encoding Variational Bayes", 2014,
        https://arxiv.org/abs/1312.6114
    """

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(
                "Sampling expects a list [z_mean, z_log_var]. "
                f"Received: {type(inputs).__name__} of length {len(inputs) if isinstance(inputs, (list, tuple)) else 1}"
            )
        z_mean, z_log_var = inputs
        z_mean = ops.cast(z_mean, "float32")
        z_log_var = losses.clip_log_var(z_log_var)
        epsilon = self._draw(keras.random.normal, ops.shape(z_mean))
        z = z_mean + ops.exp(0.5 * z_log_var) * epsilon
        return ops.cast(z, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape[0]

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


@keras.saving.register_keras_serializable(package="keras_vae")
class StepDropout(_SeededLayer):
    """Zeroes whole time steps of a sequence at random while training.

    `y[b, t, :] = x[b, t, :] * m[b, t],  m[b, t] ~ Bernoulli(1 - rate)`, no rescaling.

    Used on the previous-step inputs of an autoregressive decoder (the "word dropout" of
    Bowman et al. 2016, Section 3.1): with some of its history hidden, the decoder must rely
    on the latent code, which keeps a sequence VAE from ignoring z. The values are not
    rescaled by `1 / (1 - rate)` because a dropped step stands for "unknown", not for a
    smaller value. Identity when `training=False`.

    Args:
        rate: fraction of steps dropped, in [0, 1).
        seed: int or None.

    Input shape:
        `(batch, steps, features)`. Output shape: the same.

    Reference:
        Bowman et al., "Generating Sentences from a Continuous Space", CoNLL 2016,
        https://arxiv.org/abs/1511.06349
    """

    def __init__(self, rate: float = 0.0, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0.0 <= rate < 1.0:
            raise ValueError(f"`rate` must be a number in [0, 1). Received: rate={rate!r}")
        self.rate = float(rate)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0.0:
            return inputs
        shape = ops.shape(inputs)
        keep = self._draw(keras.random.uniform, (shape[0], shape[1], 1)) >= self.rate
        return inputs * ops.cast(keep, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "seed": self.seed}


LIKELIHOODS = ("bernoulli", "gaussian", "binomial")
#: The likelihoods whose decoder outputs logits (mean `sigmoid`, targets in [0, 1]).
LOGIT_LIKELIHOODS = ("bernoulli", "binomial")


@keras.saving.register_keras_serializable(package="keras_vae")
class ObservationModel(keras.layers.Layer):
    """The decoder's output distribution p(x | decoder output).

    Turns raw decoder outputs into a reconstruction log-likelihood (per example, sum over
    data dimensions) and into the distribution's mean.

    - `"bernoulli"`: the decoder outputs logits; mean `sigmoid(logits)`; targets in [0, 1].
    - `"binomial"`: as `"bernoulli"`, but each target `x` in [0, 1] is a count `trials * x`
      out of `trials` draws (`losses.binomial_log_likelihood`). For count data, such as
      scikit-learn's 8x8 digits (`trials=16`), this is the data's own likelihood: it weighs
      reconstruction `trials` times more than the Bernoulli cross-entropy does, and its
      NLL is a true probability of the counts.
    - `"gaussian"`: the decoder outputs the mean; the variance is either fixed
      (`observation_std=s` gives variance `s**2`) or, with `observation_std=None`, one
      learned log-variance shared by all dimensions. Learning it calibrates the balance
      between reconstruction and KL automatically (the optimum is the mean squared error),
      as in Rybkin et al. 2021, "Simple and Effective VAE Training with Calibrated
      Decoders", https://arxiv.org/abs/2006.13202. It is clamped like every log-variance.

    Args:
        likelihood: `"bernoulli"`, `"gaussian"` or `"binomial"`.
        observation_std: for `"gaussian"`, a fixed standard deviation > 0, or None to learn
            it. Must be None for the other likelihoods.
        trials: for `"binomial"`, the number of draws each value counts (an int >= 1).
            Must be None for the other likelihoods.
        **kwargs: base layer arguments.
    """

    def __init__(
        self, likelihood: str = "bernoulli", observation_std: float | None = None, trials: int | None = None, **kwargs
    ):
        super().__init__(**kwargs)
        self.likelihood = check_choice(likelihood, "likelihood", LIKELIHOODS)
        if (trials is None) == (likelihood == "binomial"):
            raise ValueError(
                "`trials` (the count each value is out of, e.g. 16 for load_digits) is required for "
                "likelihood='binomial' and only applies to it. Received: "
                f"likelihood={likelihood!r}, trials={trials!r}"
            )
        self.trials = None if trials is None else check_positive_int(trials, "trials")
        if observation_std is not None:
            if likelihood != "gaussian":
                raise ValueError(
                    "`observation_std` only applies to likelihood='gaussian'. Received: "
                    f"likelihood={likelihood!r}, observation_std={observation_std!r}"
                )
            if (
                isinstance(observation_std, bool)
                or not isinstance(observation_std, (int, float))
                or not math.isfinite(observation_std)
                or observation_std <= 0
            ):
                raise ValueError(
                    "`observation_std` must be a finite number > 0, or None to learn it. "
                    f"Received: observation_std={observation_std!r}"
                )
            observation_std = float(observation_std)
        self.observation_std = observation_std
        if likelihood == "gaussian" and observation_std is None:
            self.log_var = self.add_weight(
                shape=(), initializer="zeros", trainable=True, name="log_var", dtype="float32"
            )
        else:
            self.log_var = None
        self.built = True

    @property
    def value_range(self) -> tuple[float, float] | None:
        """The range the targets must lie in, or None."""
        return (0.0, 1.0) if self.likelihood in LOGIT_LIKELIHOODS else None

    def _gaussian_log_var(self):
        if self.log_var is not None:
            return self.log_var
        return 2.0 * math.log(self.observation_std)

    def log_likelihood(self, targets, outputs):
        """log p(targets | outputs), float32 `(batch,)`, summed over data dimensions."""
        if self.likelihood == "bernoulli":
            return losses.bernoulli_log_likelihood(targets, outputs)
        if self.likelihood == "binomial":
            return losses.binomial_log_likelihood(targets, outputs, self.trials)
        return losses.gaussian_log_likelihood(targets, outputs, self._gaussian_log_var())

    def mean(self, outputs):
        """The mean of p(x | outputs), in the layer's compute dtype."""
        if self.likelihood in LOGIT_LIKELIHOODS:
            return ops.sigmoid(outputs)
        return outputs

    def call(self, outputs):
        return self.mean(outputs)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "likelihood": self.likelihood,
            "observation_std": self.observation_std,
            "trials": self.trials,
        }


def _batches_of(x, example_shape, owner):
    """The checked float32 batches of `x`: an array `(n, *example_shape)`, or a
    `tf.data.Dataset` of such batches (or of `(x, ...)` tuples), read once."""
    for batch in x if isinstance(x, tf.data.Dataset) else [x]:
        batch = batch[0] if isinstance(batch, (tuple, list)) else batch
        yield check_array(batch, "x", example_shape=example_shape, owner=owner)


@keras.saving.register_keras_serializable(package="keras_vae")
class MeanExample(keras.layers.Layer):
    """Adds the mean training example to a decoder's raw outputs: the decoder learns the rest.

    `outputs + offset`, where `adapt(x)` sets `offset` from the mean example `m` of `x`: `m`
    itself for a Gaussian likelihood (the decoder outputs means) and `logit(m)` for a
    Bernoulli one (the decoder outputs logits; `m` is clipped to [1e-4, 1 - 1e-4]). With a
    decoder whose last layer starts at zero, the untrained autoencoder reconstructs every
    example as the mean example, which is the mean-sequence anomaly baseline
    (`evaluation.mean_sequence_scores`), and training starts from there instead of from
    noise. On aligned data (one heartbeat, one day or one gesture per sequence) the mean
    carries most of the signal, and a small network that learns only the differences does
    much better in few steps (see `benchmarks/anomaly_detection.py`).

    `offset` and the number of examples it was computed from (`count`, 0 until `adapt`) are
    non-trainable weights, saved in a `.keras` file with the model; until `adapt` is called
    the layer adds 0.

    Args:
        example_shape: the shape of one example, e.g. `(sequence_length, num_features)`.
        likelihood: `"gaussian"`, `"bernoulli"` or `"binomial"`, as the decoder's
            `ObservationModel` (the two last add `logit(m)`).
        **kwargs: base layer arguments.

    Example:
    >>> layer = MeanExample((3, 1))
    >>> layer.adapt(np.array([[[0.0], [1.0], [2.0]], [[2.0], [3.0], [4.0]]]))
    >>> keras.ops.convert_to_numpy(layer(np.zeros((1, 3, 1)))).ravel().tolist()
    [1.0, 2.0, 3.0]
    """

    _CLIP = 1e-4  # Bernoulli means are clipped to [_CLIP, 1 - _CLIP] before the logit

    def __init__(self, example_shape, likelihood: str = "gaussian", **kwargs):
        super().__init__(**kwargs)
        self.example_shape = tuple(check_positive_int(d, "example_shape") for d in example_shape)
        self.likelihood = check_choice(likelihood, "likelihood", LIKELIHOODS)
        self.offset = self.add_weight(
            shape=self.example_shape, initializer="zeros", trainable=False, dtype="float32", name="offset"
        )
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, dtype="float32", name="count")
        self.built = True

    @property
    def is_adapted(self) -> bool:
        return bool(ops.convert_to_numpy(self.count) > 0)

    def adapt(self, x) -> None:
        """Sets the offset from the mean of `x`: an array `(n, *example_shape)` or a
        `tf.data.Dataset` of such batches (or of `(x, ...)` tuples), read once."""
        total, count = np.zeros(self.example_shape, dtype="float64"), 0
        for batch in _batches_of(x, self.example_shape, "MeanExample.adapt"):
            total += batch.astype("float64").sum(axis=0)
            count += len(batch)
        if count == 0:
            raise ValueError("MeanExample.adapt needs at least one example. Received an empty Dataset")
        mean = total / count
        if self.likelihood in LOGIT_LIKELIHOODS:
            mean = np.clip(mean, self._CLIP, 1.0 - self._CLIP)
            mean = np.log(mean) - np.log1p(-mean)
        self.offset.assign(mean.astype("float32"))
        self.count.assign(float(count))

    def call(self, outputs):
        return outputs + ops.cast(self.offset, outputs.dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "example_shape": self.example_shape, "likelihood": self.likelihood}


@keras.saving.register_keras_serializable(package="keras_vae")
class GaussianMixture(_SeededLayer):
    """A Gaussian mixture over codes, fitted to data with `adapt`: a sampler for decoders.

    `p(z) = sum_k pi_k N(z; mu_k, L_k L_k^T)`, `k = 1..num_components`, full covariances.

    A VAE's posteriors q(z | x) rarely fill the prior N(0, I): decoded draws from the prior
    land in holes between them and look like no training example. Fitting a small mixture
    to the codes of the training data (the "aggregate posterior") and sampling from it
    instead is ex-post density estimation (Ghosh et al. 2020); it is also how a
    deterministic autoencoder gets a sampler at all. `adapt(codes)` fits the mixture with
    EM (scikit-learn's `GaussianMixture`, k-means initialisation, seeded), on at most
    `max_fit_examples` codes drawn without replacement. The parameters are non-trainable
    weights, so they are saved in a `.keras` file with the model; so is the state of the
    layer's seed generator.

    Args:
        dim: size of each code, > 0.
        num_components: number of mixture components, > 0. Fewer are used when fewer
            codes are given. Ghosh et al. 2020 use 10; the default 20 is what
            `benchmarks/vae_samples.py` measured as better on the 8x8 digits (1-NN
            two-sample score 0.111 against 0.154 with 10, binomial `DenseVAE`, latent_dim=8,
            3 seeds); on the sines `LSTMVAE` scores the same with either
            (`benchmarks/sequence_gan.py`: discriminative 0.037 with 20 on 2026-12-07, 0.037
            with 10 on 2026-12-06, on another CPU).
        max_fit_examples: codes used by `adapt` at most, > 0.
        seed: int or None; seeds the EM initialisation and the draws of `sample`.
        **kwargs: base layer arguments.

    Call arguments:
        inputs: codes `(batch, dim)`. Returns `log p(z)`, `(batch,)`, float32.

    Example:
    >>> mixture = GaussianMixture(dim=2, num_components=3, seed=0)
    >>> mixture.adapt(np.random.default_rng(0).normal(size=(500, 2)))
    >>> tuple(mixture.sample(4).shape)
    (4, 2)

    Reference:
        Ghosh, Sajjadi, Vergari, Black & Schölkopf, "From Variational to Deterministic
        Autoencoders", ICLR 2020, https://arxiv.org/abs/1903.12436 (Section 4, "ex-post
        density estimation").
    """

    def __init__(
        self,
        dim: int,
        num_components: int = 20,
        max_fit_examples: int = 20_000,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.dim = check_positive_int(dim, "dim")
        self.num_components = check_positive_int(num_components, "num_components")
        self.max_fit_examples = check_positive_int(max_fit_examples, "max_fit_examples")
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        k, d = self.num_components, self.dim
        constant = keras.initializers.Constant
        # === State set by adapt ===
        self.log_weights = self.add_weight(
            shape=(k,), initializer="zeros", trainable=False, dtype="float32", name="log_weights"
        )
        self.means = self.add_weight(
            shape=(k, d), initializer="zeros", trainable=False, dtype="float32", name="means"
        )
        self.scale_tril = self.add_weight(
            shape=(k, d, d), initializer=constant(np.broadcast_to(np.eye(d), (k, d, d))),
            trainable=False, dtype="float32", name="scale_tril",
        )
        self.fitted = self.add_weight(
            shape=(), initializer="zeros", trainable=False, dtype="float32", name="fitted"
        )
        self.built = True

    @property
    def is_fitted(self) -> bool:
        return bool(ops.convert_to_numpy(self.fitted))

    def adapt(self, codes) -> None:
        """Fits the mixture to `codes`, `(n, dim)` with n >= 2, finite."""
        from sklearn.mixture import GaussianMixture as _EM  # late: a second of import time

        codes = check_array(codes, "codes", example_shape=(self.dim,), owner="GaussianMixture")
        if len(codes) < 2:
            raise ValueError(
                f"GaussianMixture.adapt needs at least 2 codes to estimate a spread. Received {len(codes)}"
            )
        codes = codes.astype("float64")
        rng = np.random.default_rng(self.seed)
        if len(codes) > self.max_fit_examples:
            codes = codes[rng.choice(len(codes), self.max_fit_examples, replace=False)]
        k = min(self.num_components, len(np.unique(codes, axis=0)))
        # A covariance floor relative to the codes' spread keeps components on (near-)
        # duplicate codes invertible whatever the codes' scale.
        floor = 1e-6 * max(float(codes.var(axis=0).mean()), 1e-12)
        em = _EM(k, covariance_type="full", reg_covar=floor, random_state=self.seed, max_iter=200)
        em.fit(codes)
        log_weights = np.full(self.num_components, -1e9)  # unused components: never drawn
        log_weights[:k] = np.log(np.maximum(em.weights_, 1e-300))
        means = np.zeros((self.num_components, self.dim))
        means[:k] = em.means_
        scale_tril = np.broadcast_to(np.eye(self.dim), (self.num_components, self.dim, self.dim)).copy()
        scale_tril[:k] = np.linalg.cholesky(em.covariances_)
        self.log_weights.assign(log_weights.astype("float32"))
        self.means.assign(means.astype("float32"))
        self.scale_tril.assign(scale_tril.astype("float32"))
        self.fitted.assign(1.0)

    def reset(self) -> None:
        """Marks the mixture as not fitted (e.g. when the codes it was fitted to changed)."""
        self.fitted.assign(0.0)

    def sample(self, n: int, seed=None):
        """Draws `n` codes, `(n, dim)` float32 tensor.

        Args:
            n: number of codes, > 0.
            seed: None to continue the layer's own stream of draws, or an int for a one-off
                reproducible draw.
        """
        n = check_positive_int(n, "n")
        if not self.is_fitted:
            raise ValueError(
                "GaussianMixture has not been fitted: call adapt(codes) first. "
                "Received: an unfitted mixture"
            )
        seed = self.seed_generator if seed is None else seed
        component = keras.random.categorical(self.log_weights[None], n, seed=seed)[0]  # (n,)
        if not isinstance(seed, keras.random.SeedGenerator):
            seed = seed + 1  # the normal draws must not reuse the categorical's stream
        epsilon = keras.random.normal((n, self.dim), seed=seed)
        means = ops.take(self.means, component, axis=0)  # (n, dim)
        scale_tril = ops.take(self.scale_tril, component, axis=0)  # (n, dim, dim)
        return means + ops.einsum("nij,nj->ni", scale_tril, epsilon)  # z = mu_k + L_k eps

    def log_prob(self, z):
        """`log p(z)` for codes `(batch, dim)`: `(batch,)`, float32."""
        z = ops.cast(z, "float32")
        centred = z[:, None, :] - self.means[None]  # (batch, k, dim)
        # Solve L_k y = (z - mu_k) for every component: the Mahalanobis term is |y|^2.
        tril = ops.broadcast_to(self.scale_tril[None], (ops.shape(z)[0], *self.scale_tril.shape))
        solved = tf.linalg.triangular_solve(tril, centred[..., None], lower=True)[..., 0]
        log_det = ops.sum(ops.log(ops.abs(ops.diagonal(self.scale_tril, axis1=-2, axis2=-1))), axis=-1)
        log_normal = -0.5 * ops.sum(ops.square(solved), axis=-1) - log_det - 0.5 * self.dim * math.log(2 * math.pi)
        log_weights = self.log_weights - ops.logsumexp(self.log_weights)
        return ops.logsumexp(log_weights[None] + log_normal, axis=-1)

    def call(self, inputs):
        return self.log_prob(inputs)

    def compute_output_shape(self, input_shape):
        return input_shape[:1]

    def get_config(self):
        return {
            **super().get_config(),
            "dim": self.dim,
            "num_components": self.num_components,
            "max_fit_examples": self.max_fit_examples,
            "seed": self.seed,
        }


@keras.saving.register_keras_serializable(package="keras_vae")
class MinMaxScaler(keras.layers.Layer):
    """Scales each feature (the last axis) to [0, 1] with the range `adapt` saw; `inverse`
    maps values back to the data's units.

    `(x - data_min) / (data_max - data_min)`, per feature. A feature whose range is 0 is
    only shifted (scale 1). Until `adapt` (or `data_min`/`data_max`) the layer is the
    identity and `is_adapted` is False. The bounds are non-trainable weights saved in a
    `.keras` file, and also part of the config, so they are readable as `data_min` and
    `data_max` (lists of floats, one per feature) and a model rebuilt from its config
    starts with them.

    Args:
        example_shape: the shape of one example, e.g. `(sequence_length, num_features)`;
            the last entry is the number of features.
        data_min, data_max: optional per-feature bounds, given together.
        **kwargs: base layer arguments.

    Example:
    >>> scaler = MinMaxScaler((2, 1))
    >>> scaler.adapt(np.array([[[2.0], [4.0]], [[6.0], [4.0]]]))
    >>> keras.ops.convert_to_numpy(scaler(np.array([[[2.0], [6.0]]]))).ravel().tolist()
    [0.0, 1.0]
    """

    def __init__(self, example_shape, data_min=None, data_max=None, **kwargs):
        super().__init__(**kwargs)
        self.example_shape = tuple(check_positive_int(d, "example_shape") for d in example_shape)
        self.num_features = self.example_shape[-1]
        self.minimum = self.add_weight(
            shape=(self.num_features,), initializer="zeros", trainable=False, dtype="float32", name="minimum"
        )
        self.scale = self.add_weight(
            shape=(self.num_features,), initializer="ones", trainable=False, dtype="float32", name="scale"
        )
        self.data_min = self.data_max = None
        if (data_min is None) != (data_max is None):
            raise ValueError(
                "`data_min` and `data_max` must be given together. "
                f"Received: data_min={data_min!r}, data_max={data_max!r}"
            )
        if data_min is not None:
            self.set_range(data_min, data_max)
        self.built = True

    @property
    def is_adapted(self) -> bool:
        return self.data_min is not None

    def adapt(self, x) -> None:
        """Sets the range per feature to the minimum and maximum of `x`: an array
        `(n, *example_shape)` or a `tf.data.Dataset` of such batches (or of `(x, ...)`
        tuples), read once."""
        low = high = None
        for batch in _batches_of(x, self.example_shape, "MinMaxScaler.adapt"):
            axes = tuple(range(batch.ndim - 1))
            low = batch.min(axis=axes) if low is None else np.minimum(low, batch.min(axis=axes))
            high = batch.max(axis=axes) if high is None else np.maximum(high, batch.max(axis=axes))
        if low is None:
            raise ValueError("MinMaxScaler.adapt needs at least one example. Received an empty Dataset")
        self.set_range(low, high)

    def set_range(self, data_min, data_max) -> None:
        """Sets the range per feature: `data_min` and `data_max`, `num_features` finite
        numbers each, with `data_max >= data_min`."""
        bounds = {}
        for name, value in (("data_min", data_min), ("data_max", data_max)):
            try:
                array = np.asarray(value, "float32")
            except (ValueError, TypeError):  # strings, ragged lists, None inside
                array = None
            if array is None or array.shape != (self.num_features,) or not np.isfinite(array).all():
                shown = value if array is None else array.tolist()
                raise ValueError(
                    f"`{name}` must be {self.num_features} finite numbers, one per feature. Received: {name}={shown!r}"
                )
            bounds[name] = array
        low, high = bounds["data_min"], bounds["data_max"]
        if (high < low).any():
            raise ValueError(f"`data_max` must be >= `data_min`. Received: data_min={low.tolist()}, data_max={high.tolist()}")
        self.data_min = [float(v) for v in low]
        self.data_max = [float(v) for v in high]
        span = high - low
        self.minimum.assign(low)
        self.scale.assign(np.where(span > 0, span, 1.0).astype("float32"))

    def load_own_variables(self, store):
        # A SequenceGAN file from before this layer existed has no entry for it (the
        # model's own `load_own_variables` reads the weights there); keep the config's range.
        if not len(store.keys()):
            return
        super().load_own_variables(store)

    def call(self, x):
        return (ops.cast(x, "float32") - self.minimum) / self.scale

    def inverse(self, values):
        """Maps scaled values back to the data's units (float32)."""
        return ops.cast(values, "float32") * self.scale + self.minimum

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(), "example_shape": self.example_shape,
            "data_min": self.data_min, "data_max": self.data_max,
        }
