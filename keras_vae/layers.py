"""Small layers shared by the models: reparameterised sampling and observation models."""

from __future__ import annotations

import math

import keras
import tensorflow as tf
from keras import ops

from keras_vae import losses
from keras_vae.checks import check_choice


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
        store["seed_generator_state"] = self.seed_generator.state

    def load_own_variables(self, store):
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


LIKELIHOODS = ("bernoulli", "gaussian")


@keras.saving.register_keras_serializable(package="keras_vae")
class ObservationModel(keras.layers.Layer):
    """The decoder's output distribution p(x | decoder output).

    Turns raw decoder outputs into a reconstruction log-likelihood (per example, sum over
    data dimensions) and into the distribution's mean.

    - `"bernoulli"`: the decoder outputs logits; mean `sigmoid(logits)`; targets in [0, 1].
    - `"gaussian"`: the decoder outputs the mean; the variance is either fixed
      (`observation_std=s` gives variance `s**2`) or, with `observation_std=None`, one
      learned log-variance shared by all dimensions. Learning it calibrates the balance
      between reconstruction and KL automatically (the optimum is the mean squared error),
      as in Rybkin et al. 2021, "Simple and Effective VAE Training with Calibrated
      Decoders", https://arxiv.org/abs/2006.13202. It is clamped like every log-variance.

    Args:
        likelihood: `"bernoulli"` or `"gaussian"`.
        observation_std: for `"gaussian"`, a fixed standard deviation > 0, or None to learn
            it. Must be None for `"bernoulli"`.
        **kwargs: base layer arguments.
    """

    def __init__(self, likelihood: str = "bernoulli", observation_std: float | None = None, **kwargs):
        super().__init__(**kwargs)
        self.likelihood = check_choice(likelihood, "likelihood", LIKELIHOODS)
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
        return (0.0, 1.0) if self.likelihood == "bernoulli" else None

    def _gaussian_log_var(self):
        if self.log_var is not None:
            return self.log_var
        return 2.0 * math.log(self.observation_std)

    def log_likelihood(self, targets, outputs):
        """log p(targets | outputs), float32 `(batch,)`, summed over data dimensions."""
        if self.likelihood == "bernoulli":
            return losses.bernoulli_log_likelihood(targets, outputs)
        return losses.gaussian_log_likelihood(targets, outputs, self._gaussian_log_var())

    def mean(self, outputs):
        """The mean of p(x | outputs), in the layer's compute dtype."""
        if self.likelihood == "bernoulli":
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
        }
