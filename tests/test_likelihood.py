"""`evaluation.importance_weighted_nll` against closed forms.

The known answer is a linear-Gaussian model, probabilistic PCA (Tipping & Bishop 1999):
`z ~ N(0, I_d)`, `x | z ~ N(W z + b, sigma^2 I_D)`. A `DenseVAE` with `hidden_dims=()` and a
fixed Gaussian observation std is exactly this model: its decoder is one linear `Dense`
(`decoder_outputs`, kernel `W^T`) and its `observation_std` is sigma. Then

`p(x) = N(x; b, W W^T + sigma^2 I)`                                       # marginal
`p(z | x) = N(M (x - b), S),  S = (I + W^T W / sigma^2)^-1,  M = S W^T / sigma^2`  # posterior

and the encoder, also linear without hidden layers, can be set to that posterior exactly
when S is diagonal (W with orthogonal columns): `z_mean` kernel `M^T`, bias `-M b`;
`z_log_var` kernel 0, bias `log diag S`.
"""

import numpy as np
import pytest
from keras import ops

from keras_vae import LSTMVAE, DenseAutoencoder, DenseVAE, evaluation

D, LATENT, SIGMA = 5, 2, 0.5
N_EXAMPLES = 200


def _setting():
    """W with orthogonal columns (scales 1.5 and 0.7), b, and N_EXAMPLES draws of x."""
    rng = np.random.default_rng(0)
    q, _ = np.linalg.qr(rng.normal(size=(D, LATENT)))
    w = q * np.array([1.5, 0.7])  # (D, d), W^T W = diag(2.25, 0.49)
    b = 0.3 * rng.normal(size=D)
    z = rng.normal(size=(N_EXAMPLES, LATENT))
    x = z @ w.T + b + SIGMA * rng.normal(size=(N_EXAMPLES, D))
    return w, b, x.astype("float32")


W, B, X = _setting()
S = np.diag(np.linalg.inv(np.eye(LATENT) + W.T @ W / SIGMA**2))  # posterior variances (d,)
M = (S[:, None] * W.T) / SIGMA**2  # (d, D)


def exact_log_likelihood(x):
    """log N(x; b, W W^T + sigma^2 I) per row, float64."""
    covariance = W @ W.T + SIGMA**2 * np.eye(D)
    r = x.astype("float64") - B  # (n, D)
    mahalanobis = np.einsum("ni,ni->n", r, np.linalg.solve(covariance, r.T).T)
    return -0.5 * (D * np.log(2 * np.pi) + np.linalg.slogdet(covariance)[1] + mahalanobis)


# A deliberately wrong encoder: the posterior mean shrunk by 0.8 and shifted by 0.1, the
# variances twice too wide. Mean KL to the posterior 0.60 nats, mean chi^2 0.67 (at most 8):
# wider than the posterior, so the importance weights are bounded.
WRONG_SCALE, WRONG_SHIFT, WRONG_LOG_VAR = 0.8, 0.1, np.log(2.0)


def linear_gaussian_vae(exact=True, **kwargs):
    vae = DenseVAE(
        input_shape=(D,), latent_dim=LATENT, hidden_dims=(), likelihood="gaussian",
        observation_std=SIGMA, seed=0, **kwargs,
    )
    vae.decoder.get_layer("decoder_outputs").set_weights([W.T, B])
    scale, shift, log_var_shift = (1.0, 0.0, 0.0) if exact else (WRONG_SCALE, WRONG_SHIFT, WRONG_LOG_VAR)
    vae.encoder.get_layer("z_mean").set_weights([scale * M.T, -scale * M @ B + shift])
    vae.encoder.get_layer("z_log_var").set_weights([np.zeros((D, LATENT)), np.log(S) + log_var_shift])
    return vae


def wrong_encoder_and_posterior(x):
    """Means and variances `(n, d)` of the wrong q(z | x) and of the posterior p(z | x)."""
    posterior_mean = (x - B) @ M.T
    q_mean = WRONG_SCALE * posterior_mean + WRONG_SHIFT
    return q_mean, np.broadcast_to(S * np.exp(WRONG_LOG_VAR), q_mean.shape), posterior_mean, S


def kl_wrong_encoder_to_posterior(x):
    """KL(q(z | x) || p(z | x)) per row, both diagonal Gaussians."""
    q_mean, q_var, p_mean, p_var = wrong_encoder_and_posterior(x)
    return 0.5 * np.sum(q_var / p_var + (q_mean - p_mean) ** 2 / p_var - 1 + np.log(p_var / q_var), axis=1)


def chi_square_wrong_encoder_to_posterior(x):
    """chi^2 = Var_q[w / p(x)] = E_q[(p(z | x) / q(z | x))^2] - 1 per row.

    Per dimension, with p = N(a, s), q = N(c, t) (variances) and 2/s > 1/t:
    `int p^2 / q dz = sqrt(t) / (sqrt(2 pi) s) * sqrt(pi / A) * exp(B^2 / (4 A) + C)`, where
    `A = 1/s - 1/(2t)`, `B = 2a/s - c/t`, `C = c^2/(2t) - a^2/s` (a Gaussian integral).
    """
    c, t, a, s = wrong_encoder_and_posterior(x)
    big_a, big_b, big_c = 1 / s - 1 / (2 * t), 2 * a / s - c / t, c**2 / (2 * t) - a**2 / s
    factor = np.sqrt(t) / (np.sqrt(2 * np.pi) * s) * np.sqrt(np.pi / big_a) * np.exp(big_b**2 / (4 * big_a) + big_c)
    return np.prod(factor, axis=1) - 1


@pytest.fixture(scope="module")
def wrong_encoder_estimates():
    """k -> (x, nll): k = 1 on every example repeated 25 times (a mean of 5000 one-sample
    estimates), k = 10 and 1000 on the 200 examples."""
    vae = linear_gaussian_vae(exact=False)
    repeated = np.repeat(X, 25, axis=0)
    return {
        k: (x, evaluation.importance_weighted_nll(vae, x, num_samples=k, seed=1))
        for k, x in ((1, repeated), (10, X), (1000, X))
    }


def test_linear_gaussian_model_is_what_the_dense_vae_computes():
    """The premise of the known answer: decoder x = W z + b, encoder the exact posterior."""
    vae = linear_gaussian_vae()
    z = np.random.default_rng(1).normal(size=(4, LATENT)).astype("float32")
    np.testing.assert_allclose(vae.decode(z), z @ W.T + B, rtol=1e-5, atol=1e-5)
    z_mean, z_log_var = vae.posterior(X[:4])
    np.testing.assert_allclose(z_mean, (X[:4] - B) @ M.T, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(z_log_var, np.broadcast_to(np.log(S), (4, LATENT)), rtol=1e-5)


@pytest.mark.parametrize("num_samples", [1, 7, 300])
def test_importance_weighted_nll_exact_posterior_correctness(num_samples):
    """With q(z | x) = p(z | x) every weight is p(x): the estimate is exact for any k."""
    nll = evaluation.importance_weighted_nll(linear_gaussian_vae(), X, num_samples=num_samples)
    assert nll.shape == (N_EXAMPLES,) and nll.dtype == np.float64
    # float32 sums of terms of size ~10 nats: a few 1e-6 of rounding.
    np.testing.assert_allclose(nll, -exact_log_likelihood(X), rtol=0, atol=1e-4)


def test_importance_weighted_nll_k1_gap_is_the_kl_to_the_posterior(wrong_encoder_estimates):
    """E[-log w] = -log p(x) + KL(q(z | x) || p(z | x)) for a single sample (k = 1).

    Tolerance: the error of each one-sample estimate has mean 0; four standard errors of
    the mean over the 5000 estimates (estimated from them, ~0.02 nats) are exceeded by
    chance with probability ~6e-5. A wrong log q or log prior would be off by far more: a
    missing Jacobian term `0.5 * sum_j z_log_var_j` alone is 1.0 nats here.
    """
    x, nll = wrong_encoder_estimates[1]
    error = nll + exact_log_likelihood(x) - kl_wrong_encoder_to_posterior(x)  # (n,)
    standard_error = error.std(ddof=1) / np.sqrt(len(error))
    assert kl_wrong_encoder_to_posterior(X).mean() > 0.5  # the encoder is clearly wrong ...
    assert abs(error.mean()) < 4 * standard_error  # ... and the k = 1 gap is its KL
    assert standard_error < 0.05


def test_importance_weighted_nll_tightens_with_more_samples(wrong_encoder_estimates):
    """The bound is above -log p(x) on average and moves toward it as k grows.

    For large k the mean gap is `chi^2 / (2k)` to first order (the delta method for the
    log of a mean of k weights with relative variance chi^2): 0.034 nats at k = 10,
    3e-4 at k = 1000, against the mean KL of 0.60 at k = 1. Each is checked within four
    standard errors of its mean over the 200 examples (~0.08 and ~0.007 nats); the next
    term of the expansion, O(1/k^2), is well inside that.
    """
    gaps = {k: nll + exact_log_likelihood(x) for k, (x, nll) in wrong_encoder_estimates.items()}
    means = {k: gap.mean() for k, gap in gaps.items()}
    assert means[1] > means[10] > means[1000]
    chi_square = chi_square_wrong_encoder_to_posterior(X).mean()
    for k in (10, 1000):
        standard_error = gaps[k].std(ddof=1) / np.sqrt(len(gaps[k]))
        assert abs(means[k] - chi_square / (2 * k)) < 4 * standard_error
    assert standard_error < 0.005  # k = 1000: the bound is within ~0.01 nats of the truth


def test_importance_weighted_nll_is_seeded_and_independent_of_batching():
    vae = linear_gaussian_vae(exact=False)
    x = X[:30]
    reference = evaluation.importance_weighted_nll(vae, x, num_samples=50, seed=3)
    np.testing.assert_array_equal(reference, evaluation.importance_weighted_nll(vae, x, num_samples=50, seed=3))
    assert not np.allclose(reference, evaluation.importance_weighted_nll(vae, x, num_samples=50, seed=4))
    # Several examples per pass, or one example's samples split into chunks of 16 (padded):
    # the same noise for every (example, sample) pair, so the same values.
    for batch_size in (120, 16):
        chunked = evaluation.importance_weighted_nll(vae, x, num_samples=50, batch_size=batch_size, seed=3)
        np.testing.assert_allclose(chunked, reference, rtol=1e-6, atol=1e-5)


@pytest.fixture(scope="module")
def bernoulli_vae():
    """A DenseVAE with beta = 3 and free bits, weights as initialised."""
    return DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), beta=3.0, free_bits=0.5, seed=0)


def monte_carlo_negative_elbo(model, x, repeats):
    """`reconstruction_loss + kl_loss` of `compute_terms` over `repeats` draws per example."""
    terms = model.compute_terms(np.repeat(x, repeats, axis=0))
    return ops.convert_to_numpy(terms["reconstruction_loss"] + terms["kl_loss"])  # (n * repeats,)


def test_importance_weighted_nll_k1_is_the_negative_elbo(bernoulli_vae, images):
    """The mean of k = 1 estimates is the model's negative ELBO, reconstruction + KL at beta = 1.

    Both sides are unbiased Monte Carlo estimates of the same mean (the left one estimates
    the KL from the sample, the right one uses its closed form), over 64 images x 50 draws;
    tolerance four standard errors of their difference.
    """
    repeats = 50
    one_sample = evaluation.importance_weighted_nll(bernoulli_vae, np.repeat(images, repeats, axis=0), num_samples=1)
    negative_elbo = monte_carlo_negative_elbo(bernoulli_vae, images, repeats)
    tolerance = 4 * np.sqrt(
        one_sample.var(ddof=1) / len(one_sample) + negative_elbo.var(ddof=1) / len(negative_elbo)
    )
    assert abs(one_sample.mean() - negative_elbo.mean()) < tolerance
    assert tolerance < 0.5  # a real check: the ELBO is ~45 nats here
    # The same draws give the negative ELBO through `importance_weighted_bounds`.
    bounds = evaluation.importance_weighted_bounds(
        *evaluation.vae_likelihood_functions(bernoulli_vae), images, num_samples=repeats
    )
    assert np.all(bounds.nll <= bounds.negative_elbo)
    assert abs(bounds.negative_elbo.mean() - negative_elbo.mean()) < 4 * tolerance


def test_importance_weighted_nll_ignores_beta_and_free_bits(bernoulli_vae, images):
    """beta and free bits shape the training objective, not the density p(x)."""
    plain = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(8,), seed=0)  # same weights
    plain.set_weights(bernoulli_vae.get_weights())
    plain.kl_weight.assign(1.0)
    bernoulli_vae.kl_weight.assign(0.25)  # as if annealing had changed it
    try:
        np.testing.assert_array_equal(
            evaluation.importance_weighted_nll(bernoulli_vae, images, num_samples=20),
            evaluation.importance_weighted_nll(plain, images, num_samples=20),
        )
    finally:
        bernoulli_vae.kl_weight.assign(bernoulli_vae.beta)


@pytest.mark.parametrize("autoregressive", [False, True])
def test_importance_weighted_nll_lstm_vae(autoregressive):
    """The recurrent path: finite values, below the model's negative ELBO on average, whose
    estimate from the same weights matches `compute_terms` (which checks that the decoder is
    fed the same way, teacher forcing included)."""
    vae = LSTMVAE(
        sequence_length=6, num_features=3, latent_dim=2, hidden_dims=(8,), autoregressive=autoregressive,
        observation_std=0.3, seed=0,
    )
    x = np.random.default_rng(0).random((16, 6, 3)).astype("float32")
    bounds = evaluation.importance_weighted_bounds(*evaluation.vae_likelihood_functions(vae), x, num_samples=64)
    nll = evaluation.importance_weighted_nll(vae, x, num_samples=64)
    np.testing.assert_array_equal(nll, bounds.nll)
    assert np.all(np.isfinite(nll))
    negative_elbo = monte_carlo_negative_elbo(vae, x, 64)
    standard_error = np.sqrt(
        negative_elbo.var(ddof=1) / len(negative_elbo) + bounds.negative_elbo.var(ddof=1) / len(x) / 64
    )
    assert nll.mean() <= negative_elbo.mean() + 4 * standard_error
    assert abs(bounds.negative_elbo.mean() - negative_elbo.mean()) < 4 * standard_error


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"num_samples": 0}, r"num_samples.*Received: num_samples=0"),
        ({"num_samples": 2.5}, r"num_samples.*Received: num_samples=2.5"),
        ({"batch_size": 0}, r"batch_size.*Received: batch_size=0"),
        ({"seed": -1}, r"seed.*Received: seed=-1"),
        ({"x": np.zeros((3, 64))}, r"x.*shape \(batch, 8, 8\).*Received shape=\(3, 64\)"),
        ({"x": np.full((3, 8, 8), np.nan)}, r"x.*finite"),
        ({"x": np.full((3, 8, 8), 2.0)}, r"x.*\[0.0, 1.0\].*bernoulli"),
        ({"x": np.zeros((0, 8, 8))}, r"at least one example"),
    ],
)
def test_importance_weighted_nll_errors(bernoulli_vae, images, kwargs, match):
    kwargs = {"x": images, **kwargs}
    with pytest.raises(ValueError, match=match):
        evaluation.importance_weighted_nll(bernoulli_vae, **kwargs)


def test_importance_weighted_nll_model_errors(images):
    autoencoder = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    with pytest.raises(ValueError, match=r"must be a keras_vae VAE.*Received: model of type DenseAutoencoder"):
        evaluation.importance_weighted_nll(autoencoder, images)


def test_importance_weighted_bounds_function_errors(images):
    def encode(x):
        return ops.zeros((ops.shape(x)[0], 2)), ops.zeros((ops.shape(x)[0], 2))

    def log_likelihood(x, z):
        return ops.zeros((ops.shape(x)[0],))

    bounds = evaluation.importance_weighted_bounds(encode, log_likelihood, images, num_samples=3)
    # q = prior and a constant likelihood: every log weight is 0.
    np.testing.assert_allclose(bounds.nll, 0.0, atol=1e-6)
    np.testing.assert_allclose(bounds.negative_elbo, 0.0, atol=1e-6)
    cases = [
        ((None, log_likelihood), "must be callables"),
        ((lambda x: encode(x)[0], log_likelihood), r"two tensors \(z_mean, z_log_var\)"),
        ((lambda x: (ops.zeros((1, 2)), ops.zeros((1, 3))), log_likelihood), "same shape"),
        ((encode, lambda x, z: ops.zeros((ops.shape(x)[0], 1))), r"shape \(batch,\). Received shape \(1, 1\)"),
    ]
    for functions, match in cases:
        with pytest.raises(ValueError, match=match):
            evaluation.importance_weighted_bounds(*functions, images, num_samples=3)


def test_public_log_likelihood_is_the_bernoulli_sum(images):
    # `log_likelihood(x, z)` is what evaluation scores with: log p(x | z) summed over pixels.
    model = DenseVAE(input_shape=images.shape[1:], latent_dim=2, hidden_dims=(8,), seed=0)
    x = images[:5]
    z = np.random.default_rng(0).normal(size=(5, 2)).astype("float32")
    p = np.clip(model.decode(z).astype("float64"), 1e-7, 1 - 1e-7)
    expected = (x * np.log(p) + (1 - x) * np.log1p(-p)).reshape(5, -1).sum(axis=1)
    got = ops.convert_to_numpy(model.log_likelihood(ops.convert_to_tensor(x), ops.convert_to_tensor(z)))
    assert got.shape == (5,)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-3)


def test_public_log_likelihood_teacher_forces_without_dropout_when_scoring():
    model = LSTMVAE(6, 2, latent_dim=3, hidden_dims=(8,), autoregressive=True, step_dropout=0.5, seed=0)
    x = ops.convert_to_tensor(np.random.default_rng(1).random((4, 6, 2)).astype("float32"))
    z = ops.zeros((4, 3))
    scored = [ops.convert_to_numpy(model.log_likelihood(x, z)) for _ in range(2)]
    np.testing.assert_array_equal(scored[0], scored[1])  # training=False: no step dropout
    trained = [ops.convert_to_numpy(model.log_likelihood(x, z, training=True)) for _ in range(3)]
    assert any(not np.array_equal(t, scored[0]) for t in trained)  # dropout hides steps
