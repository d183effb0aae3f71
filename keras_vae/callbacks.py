"""Callbacks: KL annealing, latent-space diagnostics and a sample monitor.

Both work through state the shared loop already reads: `KLAnnealing` assigns the model's
`kl_weight` variable (read inside the compiled step, so changing it never retraces), and
`LatentDiagnostics` adds numbers to the epoch's `logs` (so `History`, `CSVLogger`,
`TensorBoard` and `EarlyStopping` see them).
"""

from __future__ import annotations

import math
import numbers
import os

import keras
import numpy as np

from keras_vae.checks import (
    check_array,
    check_bool,
    check_choice,
    check_non_negative_float,
    check_positive_int,
    check_seed,
)

SCHEDULES = ("linear", "sigmoid", "cyclical")
UNITS = ("batch", "epoch")


def annealing_weight(
    step: float,
    schedule: str,
    duration: int,
    start: float = 0.0,
    stop: float = 1.0,
    cycles: int = 4,
    ratio: float = 0.5,
    steepness: float = 10.0,
) -> float:
    """The KL weight after `step` steps of a schedule that lasts `duration` steps.

    With progress `p = min(step / duration, 1)` and `w(p)` rising from 0 to 1:

    - `"linear"`: `w = p` (Bowman et al. 2016).
    - `"sigmoid"`: a logistic curve centred at `p = 0.5`, rescaled so `w(0) = 0` and
      `w(1) = 1`: `w = (s(k (p - 1/2)) - s(-k/2)) / (s(k/2) - s(-k/2))`, `s` the logistic
      function, `k = steepness`.
    - `"cyclical"`: `cycles` repeats of a ramp: within each cycle of `duration / cycles`
      steps the weight rises linearly over the first `ratio` of the cycle, then holds at 1
      (Fu et al. 2019, Eq. 7).

    The weight is `start + (stop - start) * w`; after `duration` steps it stays at `stop`.

    Reference:
        Bowman et al., "Generating Sentences from a Continuous Space", CoNLL 2016.
        Fu et al., "Cyclical Annealing Schedule: A Simple Approach to Mitigating KL
        Vanishing", NAACL 2019, https://arxiv.org/abs/1903.10145
    """
    duration = check_positive_int(duration, "duration")
    if isinstance(step, bool) or not isinstance(step, numbers.Real) or not math.isfinite(step) or step < 0:
        raise ValueError(f"`step` must be a finite number >= 0. Received: step={step!r}")
    progress = min(step / duration, 1.0)
    if schedule == "linear":
        w = progress
    elif schedule == "sigmoid":
        def logistic(v):
            return 1.0 / (1.0 + math.exp(-v))

        low, high = logistic(-steepness / 2), logistic(steepness / 2)
        w = (logistic(steepness * (progress - 0.5)) - low) / (high - low)
    elif schedule == "cyclical":
        if progress >= 1.0:
            w = 1.0
        else:
            within = (progress * cycles) % 1.0  # position inside the current cycle
            w = min(within / ratio, 1.0)
    else:
        raise ValueError(f"`schedule` must be one of {SCHEDULES}. Received: schedule={schedule!r}")
    return start + (stop - start) * w


class KLAnnealing(keras.callbacks.Callback):
    """Anneals a VAE's `kl_weight` during `fit`: linear, sigmoid or cyclical.

    At the start of every batch (or epoch, with `unit="epoch"`) the model's `kl_weight`
    variable is set to `annealing_weight(step, ...)`; the shared loop reads that variable
    inside the compiled step. The step count is taken from the optimizer's `iterations`
    (for `unit="batch"`) or the epoch number, so a model reloaded from a `.keras` file, or
    restored by `BackupAndRestore`, continues the schedule where it stopped. The weight is
    added to the epoch's logs as `kl_weight`.

    Args:
        schedule: `"linear"`, `"sigmoid"` or `"cyclical"` (see `annealing_weight`).
        duration: length of the schedule in `unit`s, > 0; the weight is `stop` afterwards.
        unit: `"batch"` (smooth) or `"epoch"`.
        start: weight at step 0, >= 0.
        stop: weight at the end; None uses the model's `beta`.
        cycles: number of ramps for `"cyclical"`, > 0.
        ratio: fraction of each cycle spent rising, in (0, 1].
        steepness: slope of the `"sigmoid"` schedule, > 0.

    Example:
    >>> annealing = KLAnnealing("cyclical", duration=40, unit="epoch", cycles=4)
    >>> model.fit(x, epochs=50, callbacks=[annealing])
    """

    def __init__(
        self,
        schedule: str = "linear",
        duration: int = 10,
        unit: str = "epoch",
        start: float = 0.0,
        stop: float | None = None,
        cycles: int = 4,
        ratio: float = 0.5,
        steepness: float = 10.0,
    ):
        super().__init__()
        self.schedule = check_choice(schedule, "schedule", SCHEDULES)
        self.duration = check_positive_int(duration, "duration")
        self.unit = check_choice(unit, "unit", UNITS)
        self.start = check_non_negative_float(start, "start")
        self.stop = None if stop is None else check_non_negative_float(stop, "stop")
        self.cycles = check_positive_int(cycles, "cycles")
        if isinstance(ratio, bool) or not isinstance(ratio, (int, float)) or not 0 < ratio <= 1:
            raise ValueError(f"`ratio` must be a number in (0, 1]. Received: ratio={ratio!r}")
        self.ratio = float(ratio)
        self.steepness = check_non_negative_float(steepness, "steepness")
        if self.steepness == 0:
            raise ValueError(f"`steepness` must be > 0. Received: steepness={steepness!r}")
        self._step = 0

    def _target(self):
        if not hasattr(self.model, "kl_weight"):
            raise ValueError(
                "KLAnnealing needs a model with a `kl_weight` variable (DenseVAE, LSTMVAE). "
                f"Received a {type(self.model).__name__}"
            )
        return float(self.model.beta) if self.stop is None else self.stop

    def weight(self, step: float) -> float:
        """The weight this callback sets at `step` (batches or epochs)."""
        return annealing_weight(
            step, self.schedule, self.duration, self.start, self._target(), self.cycles,
            self.ratio, self.steepness,
        )

    def _assign(self, step):
        self.model.kl_weight.assign(self.weight(step))

    def on_train_begin(self, logs=None):
        # Read once; counted in Python afterwards so batches need no device read.
        self._step = int(keras.ops.convert_to_numpy(self.model.optimizer.iterations))
        self._target()

    def on_epoch_begin(self, epoch, logs=None):
        if self.unit == "epoch":
            self._assign(epoch)

    @property
    def runs_every_batch(self) -> bool:
        """Whether the weight changes every batch (`unit="batch"`): then `fit` gives this
        callback every batch (`keras_vae.training.choose_steps_per_execution`)."""
        return self.unit == "batch"

    def on_train_batch_begin(self, batch, logs=None):
        if self.unit == "batch":
            self._assign(self._step)
            self._step += 1

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["kl_weight"] = float(keras.ops.convert_to_numpy(self.model.kl_weight))


class LatentDiagnostics(keras.callbacks.Callback):
    """Logs, each epoch, how much of the latent space a VAE uses on held-out data.

    Adds to the epoch's logs `active_units` (Burda et al. 2015: dimensions whose posterior
    mean varies across x by more than `threshold`) and `kl_dim_0`, `kl_dim_1`, ... (the
    mean KL of each latent dimension, nats; their sum is the mean `kl_loss`), computed on
    `x` with the model's `posterior`. With annealing this shows when (and whether) dimensions
    wake up.

    Args:
        x: held-out examples, shaped as the model's inputs.
        threshold: active-unit threshold, > 0.
        per_dimension: whether to log each dimension's KL.
    """

    def __init__(self, x, threshold: float = 0.01, per_dimension: bool = True):
        super().__init__()
        self.x = check_array(x, "x")
        if len(self.x) < 2:
            raise ValueError(f"LatentDiagnostics needs at least 2 examples. Received shape={self.x.shape}")
        if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 < threshold < math.inf:
            raise ValueError(f"`threshold` must be a finite number > 0. Received: threshold={threshold!r}")
        check_bool(per_dimension, "per_dimension")
        self.threshold = float(threshold)
        self.per_dimension = per_dimension

    def on_epoch_end(self, epoch, logs=None):
        from keras_vae import evaluation  # late: evaluation imports scikit-learn

        z_mean, z_log_var = self.model.posterior(self.x)
        if logs is None:
            return
        logs["active_units"] = evaluation.active_units(z_mean, self.threshold)
        if self.per_dimension:
            kl = 0.5 * (np.exp(z_log_var) + np.square(z_mean) - 1.0 - z_log_var)
            for j, value in enumerate(kl.mean(axis=0)):
                logs[f"kl_dim_{j}"] = float(value)



class SampleMonitor(keras.callbacks.Callback):
    """Writes a figure of the model's samples and reconstructions every `every` epochs.

    What a figure shows depends on the model:

    - `DenseVAE`, `DenseAutoencoder` (images): `x` and its reconstructions, and samples
      from the fitted code distribution (before the first `fit` has fitted one, a VAE's
      standard prior; an autoencoder shows none);
    - `LSTMAutoencoder`: `x` with its reconstructions overlaid;
    - `LSTMVAE`: samples beside `x` (its reconstruction error is in the logs);
    - `SequenceGAN`: samples beside `x` (real sequences), in the data's units;
    - `LSTMForecaster`: the forecasts of `x`'s windows.

    Samples use the same `seed` every time, so successive figures show how the decoding
    of the *same* latent codes or noise changes during training. Figures are written to
    `directory/epoch_{epoch:04d}.png` (epochs counted from 1, as in the logs) and the path
    of the newest is kept in `last_path`.

    Args:
        directory: folder for the figures (created if needed).
        x: a few held-out examples, shaped as the model's inputs (at most `num_examples`
            are drawn). For a conditional `SequenceGAN`, a tuple `(x, labels)`.
        every: write a figure every `every` epochs (and after the last one), > 0.
        num_examples: how many examples and samples to draw, > 0.
        seed: seed of the samples.

    Example:
    >>> monitor = SampleMonitor("figures", x_val[:8], every=5)
    >>> vae.fit(x_train, epochs=50, callbacks=[monitor])  # figures/epoch_0005.png, ...
    """

    def __init__(self, directory, x, every: int = 1, num_examples: int = 8, seed: int = 0):
        super().__init__()
        if not isinstance(directory, (str, os.PathLike)):
            raise ValueError(  # noqa: TRY004
                f"`directory` must be a folder path (str or os.PathLike). Received: directory={directory!r}"
            )
        self.directory = os.fspath(directory)
        if isinstance(x, tuple):  # (x, labels) for a conditional SequenceGAN
            if len(x) != 2:
                raise ValueError(f"`x` must be an array, or a tuple (x, labels). Received a tuple of length {len(x)}")
            x, labels = x
            self.labels = check_array(labels, "labels")
        else:
            self.labels = None
        self.x = check_array(x, "x")
        if self.labels is not None and len(self.labels) != len(self.x):
            raise ValueError(
                f"`labels` must have one label per example of `x` ({len(self.x)}). Received {len(self.labels)} labels"
            )
        self.every = check_positive_int(every, "every")
        self.num_examples = check_positive_int(num_examples, "num_examples")
        self.seed = check_seed(seed, optional=True)
        self.last_path = None
        self._epochs = None

    def on_train_begin(self, logs=None):
        self._epochs = self.params.get("epochs") if self.params else None

    def on_epoch_end(self, epoch, logs=None):
        done = epoch + 1
        if done % self.every == 0 or done == self._epochs:
            path = os.path.join(self.directory, f"epoch_{done:04d}.png")
            from keras_vae import plotting  # late: `import keras_vae` does not load matplotlib

            plotting.save_figure(self.draw(title=f"epoch {done}"), path)
            self.last_path = path

    def draw(self, title: str | None = None):
        """The figure for the model's current weights (also usable outside `fit`).

        The model says what to show (`_preview`: reconstructions, samples or forecasts of
        the held-out examples) and how (`preview_kind`: images or sequences); the figure
        shows each array it gets.
        """
        from matplotlib.figure import Figure  # late: `import keras_vae` does not load matplotlib

        from keras_vae import plotting

        model, n = self.model, min(self.num_examples, len(self.x))
        preview, kind = getattr(model, "_preview", None), getattr(model, "preview_kind", None)
        if preview is None or kind is None:
            raise ValueError(
                "SampleMonitor draws keras_vae models (DenseVAE, DenseAutoencoder, LSTMVAE, "
                f"LSTMAutoencoder, SequenceGAN, LSTMForecaster). Received a {type(model).__name__}"
            )
        takes_labels = model.data_spec.targets == "labels"
        if takes_labels != (self.labels is not None):
            raise ValueError(
                "SampleMonitor takes `(x, labels)` exactly for a model trained on class labels "
                "(a conditional SequenceGAN). Received "
                f"{'labels' if self.labels is not None else 'no labels'} for a {type(model).__name__}"
                + (f" with num_classes={model.num_classes}" if getattr(model, "num_classes", None) is not None else "")
            )
        x = self.x[:n]
        arrays = preview(x, seed=self.seed, labels=None if self.labels is None else self.labels[:n])
        if "forecasts" in arrays:
            figure = plotting.sequence_grid(arrays["forecasts"], n=n, label="forecast")
        elif kind == "images":
            rows = [name for name in ("reconstructions", "samples") if name in arrays]
            figure = Figure(figsize=(0.6 * n + 1.6, 2.4 * len(rows)))
            axes = np.atleast_1d(figure.subplots(len(rows), 1))
            for ax, name in zip(axes, rows, strict=True):
                if name == "reconstructions":
                    plotting.reconstruction_grid(x, arrays[name], n=n, ax=ax, title="Reconstructions")
                else:
                    plotting.sample_grid(arrays[name], ncols=n, ax=ax)
        elif "samples" in arrays:
            figure = plotting.real_vs_synthetic(x, arrays["samples"], n=n, titles=("Held-out", "Sampled"))
        else:
            figure = plotting.sequence_grid(x, overlay=arrays["reconstructions"], n=n)
        if title:
            figure.suptitle(title)
        return figure
