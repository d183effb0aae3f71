"""What every autoencoder shares, dense or recurrent: the observation model p(x | decoder
output) and, for the deterministic ones, the reconstruction objective. Private mixins."""

from __future__ import annotations

import numpy as np
from keras import ops

from keras_vae.checks import check_positive_int
from keras_vae.validation import DataSpec


def batched(fn, x, batch_size=1024):
    """Calls `fn` eagerly on slices of `x` and concatenates the NumPy results."""
    batch_size = check_positive_int(batch_size, "batch_size")
    results = [fn(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
    if isinstance(results[0], (tuple, list)):
        return tuple(
            np.concatenate([ops.convert_to_numpy(r[k]) for r in results]) for k in range(len(results[0]))
        )
    return np.concatenate([ops.convert_to_numpy(r) for r in results])


class ObservedMixin:
    """For models with `self.observation` (an `ObservationModel`) whose targets are their
    inputs: the likelihood's settings, and the data spec with the range it needs."""

    @property
    def likelihood(self) -> str:
        return self.observation.likelihood

    @property
    def observation_std(self) -> float | None:
        return self.observation.observation_std

    @property
    def trials(self) -> int | None:
        return self.observation.trials

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
            self.example_shape, targets="inputs", value_range=self.observation.value_range,
            range_reason=reason,
        )

    def _observation_config(self):
        return {"likelihood": self.likelihood, "observation_std": self.observation_std, "trials": self.trials}


class AutoencoderMixin(ObservedMixin):
    """A deterministic autoencoder: `code = encoder(x)`, loss `-log p(x | decoder(code))`.

    The class provides `self.encoder`, `self.decoder`, `self.observation` and `_check_x`.
    """

    loss_names = ("loss", "reconstruction_loss")

    def compute_terms(self, x, y=None, training=False):
        target = x if y is None else y
        code = self.encoder(x, training=training)  # (batch, latent_dim)
        outputs = self.decoder(code, training=training)  # (batch, *example_shape)
        reconstruction_loss = -self.observation.log_likelihood(target, outputs)
        return {"loss": reconstruction_loss, "reconstruction_loss": reconstruction_loss}

    def call(self, inputs, training=False):
        return self.observation.mean(self.decoder(self.encoder(inputs, training=training), training=training))

    def encode(self, x, batch_size: int = 1024) -> np.ndarray:
        """Returns the codes, `(n, latent_dim)`."""
        x = self._check_x(x)
        return batched(lambda b: self.encoder(b, training=False), x, batch_size)

    def _preview(self, x, seed, labels=None):
        """What `callbacks.SampleMonitor` draws: the reconstructions of `x`."""
        del seed, labels
        return {"reconstructions": self.reconstruct(x)}

    def reconstruct(self, x, batch_size: int = 1024) -> np.ndarray:
        """Returns `decode(encode(x))`, `(n, *example_shape)`."""
        return self.decode(self.encode(x, batch_size), batch_size)
