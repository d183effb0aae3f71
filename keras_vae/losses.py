"""Loss terms for autoencoders and VAEs, as pure functions of tensors.

Every function here returns one value per example, shape `(batch,)`: it **sums over the data
(or latent) dimensions** and leaves the batch axis alone. Averaging over the batch (and
scaling for `tf.distribute`) happens in one place only, the shared training loop
(`keras_vae.training.GenerativeModel`). Summing over dimensions is what makes the two terms of
the ELBO comparable: averaging the reconstruction over pixels while summing the KL over latent
dimensions, a common bug, silently multiplies the KL weight by the number of pixels.

All maths runs in float32, whatever the dtype policy (`mixed_float16`, `mixed_bfloat16`):
inputs are cast first, so a half-precision model still gets float32 losses.

Reference:
    Kingma & Welling, "Auto-Encoding Variational Bayes", ICLR 2014,
    https://arxiv.org/abs/1312.6114 — Eq. (3) (the ELBO), Eq. (10) and Appendix B
    (closed-form KL between a diagonal Gaussian and N(0, I)), Appendix C (Bernoulli and
    Gaussian decoders).
"""

from __future__ import annotations

import math

from keras import ops

# Bounds for a log-variance before it is exponentiated. Outside [-20, 20] a variance
# (2e-9 .. 5e8) means nothing for data scaled to unit range, and exp() of larger values
# overflows float16 and, a little further, float32. A clamp (rather than a softplus
# parameterisation) leaves the encoder's output meaning "log-variance" exactly inside the
# range, so the closed-form KL below stays the textbook formula; outside it the gradient
# is zero, which only ever happens to a diverging model.
LOG_VAR_MIN = -20.0
LOG_VAR_MAX = 20.0

_LOG_2PI = math.log(2.0 * math.pi)


def _float32(x):
    return ops.cast(x, "float32")


def _sum_over_non_batch_axes(values):
    """Sums all axes but the first: (batch, ...) -> (batch,)."""
    if len(values.shape) <= 1:
        return values
    return ops.sum(values, axis=tuple(range(1, len(values.shape))))


def clip_log_var(log_var):
    """Clamps a log-variance to `[LOG_VAR_MIN, LOG_VAR_MAX]`, in float32."""
    return ops.clip(_float32(log_var), LOG_VAR_MIN, LOG_VAR_MAX)


def gaussian_kl(z_mean, z_log_var):
    """KL(N(z_mean, exp(z_log_var)) || N(0, I)) per example.

    `kl = 0.5 * sum_j(exp(z_log_var_j) + z_mean_j**2 - 1 - z_log_var_j)`  # Kingma & Welling,
    Appendix B (there written as the negative KL).

    Args:
        z_mean: tensor `(batch, latent_dim)` (or `(batch, ..., latent_dim)`).
        z_log_var: tensor of the same shape, the log of the diagonal variance.

    Returns:
        float32 tensor `(batch,)`: sum over every non-batch axis. Always >= 0.

    Example:
    >>> float(gaussian_kl(np.zeros((1, 2)), np.zeros((1, 2)))[0])
    0.0
    """
    z_mean = _float32(z_mean)
    z_log_var = clip_log_var(z_log_var)
    kl = 0.5 * (ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var)
    return _sum_over_non_batch_axes(kl)


def bernoulli_log_likelihood(x, logits):
    """log p(x | logits) under independent Bernoulli pixels, per example.

    `log p = sum_d(x_d * log(sigmoid(l_d)) + (1 - x_d) * log(1 - sigmoid(l_d)))`, evaluated
    stably as `-(max(l, 0) - l * x + log(1 + exp(-|l|)))` so large logits never give
    `log(0)`. For grey values in (0, 1) this is the usual cross-entropy "likelihood"; it is
    not normalised over [0, 1] (see the continuous Bernoulli, Loaiza-Ganem & Cunningham
    2019), so NLL figures on grey data compare models, not absolute densities.

    Args:
        x: targets in [0, 1], shape `(batch, ...)`.
        logits: decoder outputs before the sigmoid, same shape.

    Returns:
        float32 tensor `(batch,)`: sum over data dimensions. Always <= 0.
    """
    x = _float32(x)
    logits = _float32(logits)
    per_dim = ops.maximum(logits, 0.0) - logits * x + ops.log1p(ops.exp(-ops.abs(logits)))
    return -_sum_over_non_batch_axes(per_dim)


def gaussian_log_likelihood(x, mean, log_var):
    """log N(x; mean, exp(log_var)) with a diagonal covariance, per example.

    `log p = -0.5 * sum_d(log(2*pi) + log_var_d + (x_d - mean_d)**2 / exp(log_var_d))`

    Args:
        x: targets, shape `(batch, ...)`.
        mean: predicted means, same shape.
        log_var: log-variances, broadcastable to `x` (a scalar for a shared variance).

    Returns:
        float32 tensor `(batch,)`: sum over data dimensions.
    """
    x = _float32(x)
    mean = _float32(mean)
    log_var = clip_log_var(log_var)
    per_dim = _LOG_2PI + log_var + ops.square(x - mean) * ops.exp(-log_var)
    per_dim = per_dim + ops.zeros_like(x)  # broadcast a shared log_var to the data shape
    return -0.5 * _sum_over_non_batch_axes(per_dim)
