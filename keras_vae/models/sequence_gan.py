"""`SequenceGAN`: an LSTM generator and an LSTM discriminator trained adversarially."""

from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from keras_vae import losses, validation
from keras_vae.checks import (
    check_array,
    check_bool,
    check_non_negative_float,
    check_positive_int,
    check_seed,
    check_sizes,
)
from keras_vae.layers import MinMaxScaler, Sampling
from keras_vae.models.autoencoder import batched
from keras_vae.models._recurrent import RecurrentModel, dense, lstm
from keras_vae.training import Phase
from keras_vae.validation import DataSpec


def _build_generator(sequence_length, noise_dim, num_features, hidden_dims, num_classes, step_noise, seed):
    """noise `(batch, T, noise_dim)` [+ labels `(batch,)`] -> sequences in [0, 1] `(batch, T, F)`.

    The first step's noise sets the LSTMs' initial states: a sequence-level random "code"
    (its frequency, phase, ...). With `step_noise` the LSTMs also read fresh noise at every
    step; without, they read that code at every step, so a sequence varies only as smoothly
    as the LSTM makes it.
    """
    noise = keras.Input(shape=(sequence_length, noise_dim), name="noise")
    inputs = [noise]
    code = noise[:, 0, :]
    h = noise if step_noise else ops.repeat(ops.expand_dims(code, 1), sequence_length, axis=1)
    if num_classes:
        labels = keras.Input(shape=(), dtype="int32", name="labels")
        inputs.append(labels)
        h = ops.concatenate([h, _label_steps(labels, num_classes, sequence_length, "generator_label_embedding", seed)], -1)
    for i, units in enumerate(hidden_dims):
        hc = dense(2 * units, f"generator_state_{i}", seed, 200 + i, activation="tanh")(code)
        state = [hc[:, :units], hc[:, units:]]
        h = lstm(units, f"generator_lstm_{i}", seed, 210 + i, return_sequences=True)(h, initial_state=state)
    outputs = dense(num_features, "generator_outputs", seed, 220, activation="sigmoid", dtype="float32")(h)
    return keras.Model(inputs if num_classes else noise, outputs, name="generator")


def _build_discriminator(sequence_length, num_features, hidden_dims, num_classes, seed):
    """sequences in [0, 1] `(batch, T, F)` [+ labels] -> one logit per step `(batch, T, 1)`.

    One judgement per step (as in RCGAN) gives the generator a gradient at every step, not
    only through the last hidden state.
    """
    x = keras.Input(shape=(sequence_length, num_features), name="x")
    inputs = [x]
    h = x
    if num_classes:
        labels = keras.Input(shape=(), dtype="int32", name="labels")
        inputs.append(labels)
        h = ops.concatenate(
            [ops.cast(h, "float32"), _label_steps(labels, num_classes, sequence_length, "discriminator_label_embedding", seed)], -1
        )
    for i, units in enumerate(hidden_dims):
        h = lstm(units, f"discriminator_lstm_{i}", seed, 300 + i, return_sequences=True)(h)
    logits = dense(1, "discriminator_logits", seed, 320, dtype="float32")(h)
    return keras.Model(inputs if num_classes else x, logits, name="discriminator")


def _label_steps(labels, num_classes, sequence_length, name, seed):
    embedded = keras.layers.Embedding(
        num_classes, min(num_classes, 16), embeddings_initializer=keras.initializers.RandomUniform(-0.05, 0.05, seed=seed),
        name=name,
    )(labels)  # (batch, embedding)
    return ops.repeat(ops.expand_dims(ops.cast(embedded, "float32"), 1), sequence_length, axis=1)


def _batch_mean(values):
    """The mean over the batch axis of the **global** batch, also under `tf.distribute`.

    A replica holds only part of the batch; its sums and counts are summed over replicas
    (`all_reduce` passes gradients back the same way), so every replica sees the statistic
    of the whole batch, as a single device would.
    """
    total = ops.sum(values, axis=0)
    count = ops.cast(ops.shape(values)[0], "float32")
    context = tf.distribute.get_replica_context()
    if context is not None and tf.distribute.get_strategy().num_replicas_in_sync > 1:
        total, count = context.all_reduce(tf.distribute.ReduceOp.SUM, [total, count])
    return total / count


def moment_loss(real, fake):
    """`mean_{t,f} |std_b(real) - std_b(fake)| + |mean_b(real) - mean_b(fake)|`, a scalar.

    Matches the first two moments of each (step, feature) over the batch, the "moment"
    term of TimeGAN's generator loss (Yoon et al. 2019, reference code). It penalises a
    generator that covers only part of the data's range (mode dropping) directly, which the
    adversarial loss notices only slowly. The moments are those of the global batch, also
    when `tf.distribute` splits it over replicas (see `_batch_mean`).
    """

    def mean_and_std(values):
        values = ops.cast(values, "float32")
        mean = _batch_mean(values)
        variance = _batch_mean(ops.square(values - mean))  # two passes: stable in float32
        return mean, ops.sqrt(variance + 1e-6)

    real_mean, real_std = mean_and_std(real)
    fake_mean, fake_std = mean_and_std(fake)
    return ops.mean(ops.abs(fake_std - real_std)) + ops.mean(ops.abs(fake_mean - real_mean))


@keras.saving.register_keras_serializable(package="keras_vae")
class SequenceGAN(RecurrentModel):
    """A recurrent GAN for fixed-length multivariate sequences, trained by `model.fit`.

    Generator: a noise sequence `(batch, T, noise_dim)` (the first step's noise also sets
    the LSTMs' initial states) -> stacked LSTMs -> a sigmoid Dense per step, giving values
    in [0, 1]. Discriminator: stacked LSTMs -> one logit per step (Esteban et al. 2017,
    RCGAN). Optionally both read a class label (`num_classes`), embedded and appended to
    every step (a conditional GAN).

    The data is scaled per feature to [0, 1] with the minimum and maximum of the training
    data (a `MinMaxScaler` layer, `scaler`; `fit` adapts it on its first call with arrays
    or a `tf.data.Dataset`, call `adapt` yourself before fitting a generator); the scaler's
    range is part of the config, so `sample` returns sequences in the original units, also
    after reloading.

    One training step has two phases in the shared loop (`optimization_phases`), each with
    its own optimizer and variables:

    `d_loss = -log D(x) - log(1 - D(G(n)))`                        # Eq. (1), mean over steps
    `g_loss = -log D(G(n)) + moment_weight * moment_loss(x, G(n))` # Eq. (2)

    Eq. (1) is the usual discriminator cross-entropy; Eq. (2) uses the non-saturating
    generator loss (Goodfellow et al. 2014, Section 3), whose gradient does not vanish when
    the discriminator wins early, plus TimeGAN's moment matching (`moment_loss`), which keeps
    the generator's per-step mean and spread on the data's and so counters mode dropping. We
    chose these over WGAN-GP because they need one discriminator update per generator update
    and no gradient penalty (a second-order gradient, slow through an LSTM on CPU).

    Logs `d_loss`, `g_loss`, `d_real_accuracy`, `d_fake_accuracy` (share of real and of
    generated sequences the discriminator classifies correctly; its mean logit over steps
    decides) and `moment_loss`; `evaluate`/`validation_data` report the same on held-out
    real data against fresh fakes.

    Args:
        sequence_length: time steps, > 0.
        num_features: values per step, > 0.
        noise_dim: size of the noise at each step, > 0; default `num_features` (as in
            TimeGAN's reference code).
        hidden_dims: the generator's stacked LSTM sizes.
        discriminator_dims: the discriminator's LSTM sizes; default `hidden_dims`.
        num_classes: None, or the number of classes of an integer label `y` in
            `[0, num_classes)` to condition on.
        moment_weight: weight of the moment-matching term, >= 0 (0: pure adversarial).
        step_noise: whether the generator reads fresh noise at every step (RCGAN) or only
            a per-sequence code (`noise[:, 0]`, then repeated). Per-step noise suits noisy
            series; for smooth ones it shows up as jitter a discriminator can spot
            (measured on the TimeGAN sines: mean |second difference| 7 to 20 times the
            real data's), so the default is False.
        data_min, data_max: the scaler (per-feature lists); None until `adapt`.
        seed: int or None; seeds initialisers and the noise.
        **kwargs: base `keras.Model` arguments.

    Call arguments:
        inputs: real-scale sequences `(batch, T, F)` (and, with `num_classes`, a tuple
            `(sequences, labels)`). Returns the discriminator's probability that each
            sequence is real, `(batch,)` (`predict` works, e.g. to score new data).

    Example:
    >>> gan = SequenceGAN(sequence_length=24, num_features=5)
    >>> gan.compile()                                     # the measured recipe, see compile()
    >>> history = gan.fit(x, epochs=80, batch_size=128, verbose=0)
    >>> synthetic = gan.sample(100)                                # (100, 24, 5)

    Reference:
        Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014,
        https://arxiv.org/abs/1406.2661
        Esteban, Hyland & Rätsch, "Real-valued (Medical) Time Series Generation with
        Recurrent Conditional GANs", 2017, https://arxiv.org/abs/1706.02633
        Yoon, Jarrett & van der Schaar, "Time-series Generative Adversarial Networks",
        NeurIPS 2019 (moment loss of the reference code).
    """

    loss_names = ("d_loss", "g_loss", "d_real_accuracy", "d_fake_accuracy", "moment_loss")

    def __init__(
        self,
        sequence_length: int,
        num_features: int,
        noise_dim: int | None = None,
        hidden_dims=(64,),
        discriminator_dims=None,
        num_classes: int | None = None,
        moment_weight: float = 1.0,
        step_noise: bool = False,
        data_min=None,
        data_max=None,
        seed: int | None = None,
        **kwargs,
    ):
        super().__init__(sequence_length, num_features, hidden_dims, seed, **kwargs)
        self.noise_dim = self.num_features if noise_dim is None else check_positive_int(noise_dim, "noise_dim")
        self.discriminator_dims = self.hidden_dims if discriminator_dims is None else check_sizes(
            discriminator_dims, "discriminator_dims"
        )
        if not self.discriminator_dims:
            raise ValueError(f"`discriminator_dims` must list at least one LSTM size. Received: {discriminator_dims!r}")
        self.num_classes = None if num_classes is None else check_positive_int(num_classes, "num_classes")
        self.moment_weight = check_non_negative_float(moment_weight, "moment_weight")
        check_bool(step_noise, "step_noise")
        self.step_noise = step_noise
        # === Layers ===
        self.generator = _build_generator(
            self.sequence_length, self.noise_dim, self.num_features, self.hidden_dims, self.num_classes,
            step_noise, seed,
        )
        self.discriminator = _build_discriminator(
            self.sequence_length, self.num_features, self.discriminator_dims, self.num_classes, seed
        )
        self.noise = Sampling(seed=seed, name="noise")
        # The scaler: weights read inside the compiled step, and config.
        self.scaler = MinMaxScaler(self.example_shape, data_min, data_max, name="scaler")
        self.d_optimizer = self.g_optimizer = None
        self.built = True

    # === The scaler ===

    def adapt(self, x) -> None:
        """Sets the per-feature scaler to the minimum and maximum of `x` `(n, T, F)` (or a
        `tf.data.Dataset` of batches, read once). `fit` does this by itself on its first
        call with arrays or a Dataset; call it before `fit` on a generator or `PyDataset`."""
        if not isinstance(x, tf.data.Dataset):
            x = self._check_x(x)
        self.scaler.adapt(x)

    @property
    def adapted(self) -> bool:
        return self.scaler.is_adapted

    def load_own_variables(self, store):
        # `.keras` files written before 2026-12-07 hold the scaler's two weights on the
        # model itself (`feature_min`, `feature_scale`, in that order) and none on a
        # `scaler` layer; the scaler's range also comes back from the config. The model has
        # no variables of its own now, so any other non-empty entry is Keras' error.
        if len(store.keys()) == 2:
            self.scaler.minimum.assign(store["0"])
            self.scaler.scale.assign(store["1"])
            return
        super().load_own_variables(store)

    @property
    def data_min(self):
        return self.scaler.data_min

    @property
    def data_max(self):
        return self.scaler.data_max

    # === Networks ===

    @property
    def data_spec(self):
        # y: integer class labels for a conditional GAN (required), nothing otherwise.
        if self.num_classes:
            return DataSpec(self.example_shape, targets="labels", num_classes=self.num_classes)
        return DataSpec(self.example_shape, targets="none")

    def _with_labels(self, values, labels):
        if not self.num_classes:
            return values
        return [values, ops.cast(ops.reshape(labels, (-1,)), "int32")]

    def _draw_noise(self, batch_size):
        zeros = ops.zeros((batch_size, self.sequence_length, self.noise_dim))
        return self.noise([zeros, zeros])  # N(0, I), from the model's own saved RNG stream

    def _labels_of(self, y):
        return y if self.num_classes else None

    def _discriminator_terms(self, x, y=None, training=False):
        labels = self._labels_of(y)
        real = self.scaler(x)  # (batch, T, F) in [0, 1] for training data
        fake = self.generator(self._with_labels(self._draw_noise(ops.shape(x)[0]), labels), training=training)
        real_logits = self.discriminator(self._with_labels(real, labels), training=training)  # (batch, T, 1)
        fake_logits = self.discriminator(self._with_labels(fake, labels), training=training)
        d_loss = losses.discriminator_loss(real_logits, fake_logits)  # Eq. (1)
        return {
            "d_loss": d_loss,
            "d_real_accuracy": ops.cast(ops.mean(real_logits, axis=(1, 2)) > 0, "float32"),
            "d_fake_accuracy": ops.cast(ops.mean(fake_logits, axis=(1, 2)) < 0, "float32"),
        }

    def _generator_terms(self, x, y=None, training=False):
        labels = self._labels_of(y)
        real = self.scaler(x)
        fake = self.generator(self._with_labels(self._draw_noise(ops.shape(x)[0]), labels), training=training)
        fake_logits = self.discriminator(self._with_labels(fake, labels), training=training)
        adversarial = losses.generator_loss(fake_logits)  # (batch,)
        moments = moment_loss(real, fake) + ops.zeros_like(adversarial)  # batch statistic, per example
        return {"g_loss": adversarial + self.moment_weight * moments, "moment_loss": moments}  # Eq. (2)

    def optimization_phases(self):
        return [
            Phase("d_loss", self._discriminator_terms, "d_optimizer", self.discriminator.trainable_variables),
            Phase("g_loss", self._generator_terms, "g_optimizer", self.generator.trainable_variables),
        ]

    def compute_terms(self, x, y=None, training=False):
        return {**self._discriminator_terms(x, y, training), **self._generator_terms(x, y, training)}

    def call(self, inputs, training=False):
        if self.num_classes:
            x, labels = inputs
        else:
            x, labels = inputs, None
        logits = self.discriminator(self._with_labels(self.scaler(x), labels), training=training)
        return ops.sigmoid(ops.mean(logits, axis=(1, 2)))  # (batch,)

    # === compile: one optimizer per network ===

    def compile(self, d_optimizer=None, g_optimizer=None, **kwargs):
        """Configures one optimizer per network (and `jit_compile`, ...).

        The defaults are the recipe `benchmarks/sequence_gan.py` measured (discriminative
        score 0.017 ± 0.008, predictive 0.094 on the TimeGAN sines after 80 epochs of
        batch 128; `fit`'s Keras default of one epoch is far too few): both networks get
        `Adam(1e-3, beta_1=0.5)` (the lower first-moment decay usual for GANs since
        Radford et al. 2016), and the generator's keeps an exponential moving average of
        its weights (`use_ema=True, ema_momentum=0.995`; Yazici et al., "The Unusual
        Effectiveness of Averaging in GAN Training", ICLR 2019), which `fit` copies into
        the generator when it ends. Each call makes new optimizer objects.

        Args:
            d_optimizer: the discriminator's optimizer (name or instance); None for the
                default above.
            g_optimizer: the generator's optimizer (None for the default above); it is also `model.optimizer`, whose
                `iterations` count the training steps. With `use_ema=True` (Keras'
                exponential moving average of the weights) `fit` ends with the generator
                on the average of its recent weights, which samples better than the last
                iterate (on the TimeGAN sines, discriminative score 0.017 against 0.041;
                `benchmarks/sequence_gan.py`); either optimizer may average, each its own
                network's weights.
            **kwargs: `jit_compile`, `steps_per_execution`, ... (no `loss` or `metrics`:
                the model computes its own).
        """
        return super().compile(d_optimizer=d_optimizer, g_optimizer=g_optimizer, **kwargs)

    def default_optimizer(self, name):
        if name == "g_optimizer":
            return keras.optimizers.Adam(1e-3, beta_1=0.5, use_ema=True, ema_momentum=0.995)
        return keras.optimizers.Adam(1e-3, beta_1=0.5)

    # === Inputs ===

    def _prepare_fit(self, x):
        # After the checks, so a call that fails leaves the model as it was.
        if self.adapted:
            return
        if not isinstance(x, (np.ndarray, tf.data.Dataset)):
            raise ValueError(
                "SequenceGAN scales each feature to [0, 1] with the training data's range: "
                "call model.adapt(x_train) before fit() on a generator or PyDataset. "
                f"Received: an unadapted model and x of type {type(x).__name__}"
            )
        self.scaler.adapt(x)

    def predict(self, x, batch_size=None, verbose="auto", **kwargs):
        """The discriminator's probability that each sequence is real, `(n,)`; a conditional
        GAN takes `(sequences, labels)`."""
        return super().predict(x, batch_size=batch_size, verbose=verbose, **kwargs)

    # === Generation ===

    def generate(self, noise, labels=None, batch_size: int = 1024) -> np.ndarray:
        """Sequences in the data's units for given noise `(n, T, noise_dim)`: `(n, T, F)`."""
        owner = type(self).__name__
        noise = check_array(noise, "noise", example_shape=(self.sequence_length, self.noise_dim), owner=owner)
        if self.num_classes:
            if labels is None:
                raise ValueError(f"{owner}(num_classes={self.num_classes}) needs `labels` of shape (n,). Received: None")
            labels = validation.check_y(self.data_spec, owner, labels, "labels")
            if len(labels) != len(noise):
                raise ValueError(f"{owner}: `labels` must have {len(noise)} entries, one per sequence. Received {len(labels)}")
            both = np.concatenate([noise.reshape(len(noise), -1), labels[:, None]], axis=1)

            def run(b):
                n = ops.convert_to_tensor(b[:, :-1].reshape(-1, self.sequence_length, self.noise_dim))
                return self.scaler.inverse(self.generator([n, ops.cast(b[:, -1], "int32")], training=False))

            return batched(run, both, batch_size)
        if labels is not None:
            raise ValueError(f"{owner} without `num_classes` takes no labels. Received labels of shape {np.shape(labels)}")
        return batched(lambda b: self.scaler.inverse(self.generator(ops.convert_to_tensor(b), training=False)), noise, batch_size)

    def sample(self, n: int, labels=None, seed: int | None = None) -> np.ndarray:
        """Draws `n` sequences in the data's original units, `(n, T, F)`.

        Args:
            n: number of sequences, > 0.
            labels: for a conditional model, `(n,)` integer labels (or one int for all).
            seed: None to continue the model's own noise stream, or an int for a one-off
                reproducible draw.
        """
        n = check_positive_int(n, "n")
        seed = check_seed(seed, optional=True)
        if not self.adapted:
            raise ValueError("SequenceGAN has no scaler yet: fit it (or call adapt(x)) before sampling. Received: an unadapted model")
        shape = (n, self.sequence_length, self.noise_dim)
        if seed is None:
            noise = self._draw_noise(n)
        else:
            noise = keras.random.normal(shape, seed=seed)
        if self.num_classes and labels is not None and np.ndim(labels) == 0:
            labels = np.full((n,), labels)
        return self.generate(ops.convert_to_numpy(noise), labels)

    def _preview(self, x, seed, labels=None):
        """What `callbacks.SampleMonitor` draws: `len(x)` samples (with `labels`, for a
        conditional model)."""
        return {"samples": self.sample(len(x), labels=labels, seed=seed)}

    def get_config(self):
        return {
            **super().get_config(),
            "noise_dim": self.noise_dim,
            "discriminator_dims": self.discriminator_dims,
            "num_classes": self.num_classes,
            "moment_weight": self.moment_weight,
            "step_noise": self.step_noise,
            "data_min": self.data_min,
            "data_max": self.data_max,
        }

