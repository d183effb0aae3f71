import numpy as np
import pytest

from keras_vae import losses


def numpy_kl(mu, log_var):
    return 0.5 * np.sum(np.exp(log_var) + mu**2 - 1.0 - log_var, axis=-1)


def test_gaussian_kl_is_zero_for_the_prior():
    kl = losses.gaussian_kl(np.zeros((3, 5)), np.zeros((3, 5)))
    np.testing.assert_allclose(np.asarray(kl), np.zeros(3), atol=1e-7)


def test_gaussian_kl_correctness_against_numpy():
    rng = np.random.default_rng(1)
    mu = rng.normal(size=(16, 4)).astype("float32")
    log_var = rng.normal(size=(16, 4)).astype("float32")
    kl = np.asarray(losses.gaussian_kl(mu, log_var))
    assert kl.shape == (16,)  # one value per example: sum over latent dims, no batch mean
    np.testing.assert_allclose(kl, numpy_kl(mu, log_var), rtol=1e-5)
    assert (kl >= 0).all()


def test_gaussian_kl_correctness_against_monte_carlo():
    # KL(q || p) = E_q[log q(z) - log p(z)], estimated with 400k draws.
    rng = np.random.default_rng(2)
    mu, log_var = np.array([[0.7, -1.2]]), np.array([[-0.5, 0.8]])
    std = np.exp(0.5 * log_var)
    z = mu + std * rng.standard_normal((400_000, 2))
    log_q = -0.5 * (np.log(2 * np.pi) + log_var + ((z - mu) / std) ** 2)
    log_p = -0.5 * (np.log(2 * np.pi) + z**2)
    monte_carlo = np.mean(np.sum(log_q - log_p, axis=1))
    closed_form = float(np.asarray(losses.gaussian_kl(mu, log_var))[0])
    assert closed_form == pytest.approx(monte_carlo, rel=1e-2)


def test_gaussian_kl_sums_over_all_non_batch_axes():
    mu = np.ones((2, 3, 4), "float32")  # e.g. (batch, timesteps, latent_dim)
    kl = np.asarray(losses.gaussian_kl(mu, np.zeros_like(mu)))
    np.testing.assert_allclose(kl, [6.0, 6.0])  # 0.5 * 1 * 12 dims


def test_bernoulli_log_likelihood_correctness():
    rng = np.random.default_rng(3)
    x = rng.random((5, 8, 8)).astype("float32")
    logits = rng.normal(size=(5, 8, 8)).astype("float32")
    p = 1 / (1 + np.exp(-logits))
    expected = np.sum(x * np.log(p) + (1 - x) * np.log(1 - p), axis=(1, 2))
    got = np.asarray(losses.bernoulli_log_likelihood(x, logits))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_bernoulli_log_likelihood_is_finite_for_extreme_logits():
    x = np.array([[0.0, 1.0, 0.0, 1.0]], "float32")
    logits = np.array([[500.0, -500.0, -500.0, 500.0]], "float32")
    got = np.asarray(losses.bernoulli_log_likelihood(x, logits))
    np.testing.assert_allclose(got, [-1000.0], rtol=1e-6)


def test_binomial_log_likelihood_is_the_binomial_pmf_of_the_counts():
    from scipy import stats

    rng = np.random.default_rng(5)
    counts = rng.integers(0, 17, size=(4, 8, 8))
    logits = rng.normal(scale=3.0, size=(4, 8, 8)).astype("float32")
    p = 1 / (1 + np.exp(-logits.astype("float64")))
    expected = stats.binom.logpmf(counts, 16, p).sum(axis=(1, 2))
    got = np.asarray(losses.binomial_log_likelihood((counts / 16).astype("float32"), logits, 16))
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    # Up to log C(16, k), 16 Bernoulli cross-entropies: a Bernoulli VAE with beta = 1 / 16.
    log_choose = stats.binom.logpmf(counts, 16, 0.5).sum(axis=(1, 2)) + 16 * 64 * np.log(2)
    bernoulli = np.asarray(losses.bernoulli_log_likelihood((counts / 16).astype("float32"), logits))
    np.testing.assert_allclose(got, log_choose + 16 * bernoulli, rtol=1e-5)


def test_binomial_log_likelihood_is_finite_for_extreme_logits():
    x = np.array([[0.0, 1.0, 0.0, 1.0]], "float32")
    logits = np.array([[500.0, -500.0, -500.0, 500.0]], "float32")
    got = np.asarray(losses.binomial_log_likelihood(x, logits, 4))
    np.testing.assert_allclose(got, [-4000.0], rtol=1e-6)


def test_gaussian_log_likelihood_correctness():
    rng = np.random.default_rng(4)
    x, mean = rng.normal(size=(2, 6, 3)).astype("float32")
    log_var = rng.normal(size=(6, 3)).astype("float32")
    expected = np.sum(
        -0.5 * (np.log(2 * np.pi) + log_var + (x - mean) ** 2 / np.exp(log_var)), axis=1
    )
    got = np.asarray(losses.gaussian_log_likelihood(x, mean, log_var))
    np.testing.assert_allclose(got, expected, rtol=1e-5)


def test_gaussian_log_likelihood_broadcasts_a_shared_variance():
    x = np.zeros((2, 10), "float32")
    got = np.asarray(losses.gaussian_log_likelihood(x, x, 0.0))
    np.testing.assert_allclose(got, [-5 * np.log(2 * np.pi)] * 2, rtol=1e-6)


def test_losses_are_float32_for_half_precision_inputs():
    mu = np.zeros((2, 3), "float16")
    assert losses.gaussian_kl(mu, mu).dtype == "float32"
    assert losses.bernoulli_log_likelihood(mu, mu).dtype == "float32"
    assert losses.gaussian_log_likelihood(mu, mu, mu).dtype == "float32"


def test_log_variance_is_clamped():
    huge = np.full((1, 2), 1e4, "float32")
    assert np.isfinite(np.asarray(losses.gaussian_kl(np.zeros((1, 2)), huge))).all()
    assert np.isfinite(np.asarray(losses.gaussian_log_likelihood(np.ones((1, 2)), np.zeros((1, 2)), -huge))).all()
