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

import tensorflow as tf
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
    return _sum_over_non_batch_axes(gaussian_kl_per_dimension(z_mean, z_log_var))


def gaussian_kl_per_dimension(z_mean, z_log_var):
    """The terms of `gaussian_kl` before the sum: float32 `(batch, latent_dim)`, each >= 0.

    `kl_j = 0.5 * (exp(z_log_var_j) + z_mean_j**2 - 1 - z_log_var_j)`
    """
    z_mean = _float32(z_mean)
    z_log_var = clip_log_var(z_log_var)
    return 0.5 * (ops.exp(z_log_var) + ops.square(z_mean) - 1.0 - z_log_var)


def free_bits_kl(kl_per_dimension, free_bits: float):
    """The KL penalty with "free bits": no pressure on a dimension below `free_bits` nats.

    Kingma et al. 2016 (IAF, Eq. 15) replace the KL by `sum_j max(free_bits, E_batch[kl_j])`:
    a latent dimension whose KL, averaged over the minibatch, is below `free_bits` is not
    pushed further toward the prior, so the decoder cannot make it collapse for free. Here it
    is written per example so the shared loop can average it: `term_i = sum_j kl_ij` where
    the dimension's batch mean exceeds `free_bits`, else the constant `free_bits`. Its batch
    mean equals the paper's objective, and so do its gradients. With `free_bits=0` it is the
    plain KL.

    Args:
        kl_per_dimension: float32 `(batch, latent_dim)` from `gaussian_kl_per_dimension`.
        free_bits: nats per dimension, >= 0 (a Python float).

    Returns:
        float32 `(batch,)`.

    Reference:
        Kingma et al., "Improving Variational Inference with Inverse Autoregressive Flow",
        NeurIPS 2016, Appendix C.8, https://arxiv.org/abs/1606.04934
    """
    kl = _float32(kl_per_dimension)
    if not free_bits:
        return ops.sum(kl, axis=-1)
    batch_mean = ops.stop_gradient(ops.mean(kl, axis=0, keepdims=True))  # (1, latent_dim)
    floor = ops.zeros_like(kl) + free_bits
    return ops.sum(ops.where(batch_mean > free_bits, kl, floor), axis=-1)


def discriminator_loss(real_logits, fake_logits):
    """Binary cross-entropy of a discriminator, per example: real -> 1, fake -> 0.

    `d_loss_i = softplus(-real_i) + softplus(fake_i)`, i.e. `-log D(x_i) - log(1 - D(G(n_i)))`
    (Goodfellow et al. 2014, Eq. 1), averaged over any non-batch axes (e.g. one logit per
    time step). Pairs the i-th real example with the i-th fake one.

    Args:
        real_logits: `(batch, ...)` logits on real data.
        fake_logits: `(batch, ...)` logits on generated data.

    Returns:
        float32 `(batch,)`.
    """
    per_logit = ops.softplus(-_float32(real_logits)) + ops.softplus(_float32(fake_logits))
    return _mean_over_non_batch_axes(per_logit)


def generator_loss(fake_logits):
    """The non-saturating generator loss, per example: `-log D(G(n))` = `softplus(-logit)`.

    Goodfellow et al. 2014, Section 3: minimising `log(1 - D(G(n)))` gives vanishing
    gradients early, when D rejects every fake; maximising `log D(G(n))` has the same fixed
    point and strong gradients there. Averaged over any non-batch axes.

    Returns:
        float32 `(batch,)`.
    """
    return _mean_over_non_batch_axes(ops.softplus(-_float32(fake_logits)))


def _mean_over_non_batch_axes(values):
    if len(values.shape) <= 1:
        return values
    return ops.mean(values, axis=tuple(range(1, len(values.shape))))


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
    return -_sum_over_non_batch_axes(_cross_entropy(_float32(x), _float32(logits)))


def _cross_entropy(x, logits):
    """`-(x * log(sigmoid(l)) + (1 - x) * log(1 - sigmoid(l)))` per value, evaluated stably as
    `max(l, 0) - l * x + log(1 + exp(-|l|))`; float32 in, float32 out."""
    return ops.maximum(logits, 0.0) - logits * x + ops.log1p(ops.exp(-ops.abs(logits)))


def binomial_log_likelihood(x, logits, trials):
    """log p(x | logits) when each value is a count out of `trials`, per example.

    The value `x_d` in [0, 1] stands for the count `k_d = trials * x_d` of successes in
    `trials` independent draws with probability `p_d = sigmoid(l_d)`:
    `log p = sum_d(log C(trials, k_d) + k_d * log(p_d) + (trials - k_d) * log(1 - p_d))`.
    It is a normalised probability of the counts, so its NLL is in nats like any discrete
    likelihood. Up to the constant `log C` it is `trials` times the Bernoulli cross-entropy
    of `bernoulli_log_likelihood`: a VAE with this likelihood is a Bernoulli one whose KL
    weight is `1 / trials`. `sklearn.datasets.load_digits` is such data: every 8x8 value
    counts the set pixels of a 4x4 block of a 32x32 bitmap, so `trials=16`.

    Args:
        x: targets `k / trials` in [0, 1], shape `(batch, ...)`.
        logits: decoder outputs before the sigmoid, same shape.
        trials: the number of draws each value counts, an int >= 1.

    Returns:
        float32 tensor `(batch,)`: sum over data dimensions. Always <= 0.
    """
    x = _float32(x)
    logits = _float32(logits)
    n = float(trials)
    k = x * n
    log_choose = tf.math.lgamma(n + 1.0) - tf.math.lgamma(k + 1.0) - tf.math.lgamma(n - k + 1.0)
    return _sum_over_non_batch_axes(log_choose - n * _cross_entropy(x, logits))


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
