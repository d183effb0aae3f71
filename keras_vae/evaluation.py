"""Diagnostics of learned latent spaces, as plain NumPy functions.

Each takes arrays (e.g. from `model.encode` or `model.sample_codes`) and returns numbers, so
it works the same for every model and can be tested on cases with a known answer.
"""

from __future__ import annotations

import numpy as np

from keras_vae.checks import check_array, check_fraction


def active_units(z_mean, threshold: float = 0.01) -> int:
    """Counts latent dimensions the encoder actually uses.

    A dimension `j` is active when the posterior mean varies across data:
    `Var_x(E_q[z_j | x]) > threshold` (Burda et al. 2015, Section 5.2, threshold 0.01).
    A collapsed dimension has the same posterior mean, the prior's 0, for every input.

    Args:
        z_mean: posterior means `(n, latent_dim)` of n >= 2 held-out examples.
        threshold: variance above which a dimension counts as active, > 0.

    Returns:
        The number of active dimensions, an int in `[0, latent_dim]`.

    Example:
    >>> active_units(np.stack([np.linspace(-1, 1, 50), np.zeros(50)], axis=1))
    1

    Reference:
        Burda, Grosse & Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016,
        https://arxiv.org/abs/1509.00519
    """
    z_mean = check_array(z_mean, "z_mean", example_shape=(None,))
    if len(z_mean) < 2:
        raise ValueError(
            f"`z_mean` needs at least 2 examples to measure a variance. Received shape={z_mean.shape}"
        )
    if not (isinstance(threshold, (int, float)) and threshold > 0):
        raise ValueError(f"`threshold` must be a number > 0. Received: threshold={threshold!r}")
    return int(np.sum(np.var(z_mean, axis=0) > threshold))


def off_data_fraction(sampled, reference, held_out, quantile: float = 0.99) -> float:
    """Share of sampled codes that fall where no data lies.

    A code is *off the data* when its distance to the nearest `reference` code (e.g. the
    training codes) exceeds the `quantile` of the same distance over `held_out` codes (e.g.
    the test codes). By construction about `1 - quantile` of held-out codes are off the
    data, so a sampler that matches the data distribution scores about that; a sampler
    that draws into gaps or beyond the tails scores more. Decoded off-data codes are the
    blurry or mixed samples of a generative model.

    Args:
        sampled: codes to judge, `(n, latent_dim)`.
        reference: codes that define where the data is, `(m, latent_dim)`.
        held_out: codes that calibrate the distance threshold, `(k, latent_dim)`.
        quantile: in (0, 1), the held-out quantile used as the threshold.

    Returns:
        A float in [0, 1].
    """
    sampled = check_array(sampled, "sampled", example_shape=(None,))
    dim = sampled.shape[1]
    reference = check_array(reference, "reference", example_shape=(dim,))
    held_out = check_array(held_out, "held_out", example_shape=(dim,))
    quantile = check_fraction(quantile, "quantile")

    def nearest(points):  # (n, dim) -> (n,): distance to the closest reference code
        squared = (points**2).sum(1)[:, None] - 2 * points @ reference.T + (reference**2).sum(1)
        return np.sqrt(np.maximum(squared.min(axis=1), 0.0))

    threshold = np.quantile(nearest(held_out), quantile)
    return float(np.mean(nearest(sampled) > threshold))
