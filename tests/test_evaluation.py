import math

import numpy as np
import pytest

from keras_vae import DenseAutoencoder, DenseVAE, evaluation, losses


def sines(n, sequence_length=12, num_features=4, seed=0):
    """TimeGAN's sine data: per sequence and feature, frequency and phase ~ U(0, 0.1)."""
    rng = np.random.default_rng(seed)
    frequency = rng.uniform(0, 0.1, (n, 1, num_features))
    phase = rng.uniform(0, 0.1, (n, 1, num_features))
    t = np.arange(sequence_length)[None, :, None]
    return ((np.sin(frequency * t + phase) + 1) / 2).astype("float32")  # in [0, 1]


@pytest.fixture(scope="module")
def sequences():
    """1000 sines, a second draw of 1000 and uniform noise of the same shape, (1000, 12, 4)."""
    real, same = sines(1000, seed=1), sines(1000, seed=2)
    noise = np.random.default_rng(3).uniform(size=real.shape).astype("float32")
    return real, same, noise


def test_active_units_correctness():
    rng = np.random.default_rng(0)
    z_mean = np.stack(
        [rng.normal(size=500), 0.05 * rng.normal(size=500), np.zeros(500)], axis=1
    )  # variances 1, 0.0025, 0
    assert evaluation.active_units(z_mean) == 1
    assert evaluation.active_units(z_mean, threshold=0.001) == 2


def test_off_data_fraction_correctness():
    rng = np.random.default_rng(1)
    reference = rng.normal(size=(2000, 2))
    held_out = rng.normal(size=(1000, 2))
    # Draws from the data distribution are off the data about 1% of the time ...
    matched = evaluation.off_data_fraction(rng.normal(size=(2000, 2)), reference, held_out)
    assert matched == pytest.approx(0.01, abs=0.01)
    # ... draws far from it always are.
    assert evaluation.off_data_fraction(rng.normal(size=(100, 2)) + 50, reference, held_out) == 1.0


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: evaluation.active_units(np.zeros((1, 2))), "at least 2"),
        (lambda: evaluation.active_units(np.zeros(5)), "rank 2"),
        (lambda: evaluation.active_units(np.zeros((4, 2)), threshold=0), "threshold"),
        (lambda: evaluation.off_data_fraction(np.zeros((3, 2)), np.zeros((3, 3)), np.zeros((3, 2))), r"reference.*\(batch, 2\)"),
        (lambda: evaluation.off_data_fraction(np.zeros((3, 2)), np.zeros((3, 2)), np.zeros((3, 2)), quantile=1.5), "quantile"),
        (lambda: evaluation.off_data_fraction(np.full((3, 2), np.nan), np.zeros((3, 2)), np.zeros((3, 2))), "finite"),
    ],
)
def test_evaluation_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_sample_codes_match_the_prior_and_the_fitted_mixture(images):
    vae = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    codes = vae.sample_codes(20_000, prior="standard")
    np.testing.assert_allclose(codes.mean(axis=0), [0, 0], atol=0.03)
    np.testing.assert_allclose(codes.std(axis=0), [1, 1], atol=0.03)
    np.testing.assert_array_equal(vae.sample_codes(5, seed=3, prior="standard"), vae.sample_codes(5, seed=3, prior="standard"))
    np.testing.assert_array_equal(vae.decode(vae.sample_codes(4, seed=2, prior="standard")), vae.sample(4, seed=2, prior="standard"))
    ae = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    ae.fit_code_distribution(images)
    codes = ae.sample_codes(20_000)
    fitted = ae.encode(images)
    # A mixture fitted to the codes has (up to EM's tolerance) their mean and covariance.
    np.testing.assert_allclose(codes.mean(axis=0), fitted.mean(axis=0), atol=0.05 * fitted.std() + 1e-3)
    np.testing.assert_allclose(codes.std(axis=0), fitted.std(axis=0, ddof=1), rtol=0.05)
    np.testing.assert_array_equal(ae.decode(ae.sample_codes(4, seed=2)), ae.sample(4, seed=2))


def test_kl_per_dimension_correctness():
    z_mean = np.array([[1.0, 0.0], [-1.0, 2.0]])
    z_log_var = np.array([[0.0, math.log(2.0)], [0.0, 0.0]])
    # 0.5 * (exp(lv) + mu^2 - 1 - lv) by hand, then the mean over the two examples.
    expected = [0.5, (0.5 * (2.0 - 1.0 - math.log(2.0)) + 0.5 * (1.0 + 4.0 - 1.0)) / 2]
    np.testing.assert_allclose(evaluation.kl_per_dimension(z_mean, z_log_var), expected, rtol=1e-6)
    # Its sum is the mean total KL of the training loss.
    rng = np.random.default_rng(0)
    z_mean, z_log_var = rng.normal(size=(64, 3)), rng.normal(size=(64, 3))
    total = np.mean(losses.gaussian_kl(z_mean.astype("float32"), z_log_var.astype("float32")))
    kl = evaluation.kl_per_dimension(z_mean, z_log_var)
    assert kl.sum() == pytest.approx(float(total), rel=1e-5)
    assert evaluation.kl_per_dimension(np.zeros((5, 2)), np.zeros((5, 2))).tolist() == [0.0, 0.0]


def test_threshold_from_normal_correctness():
    assert evaluation.threshold_from_normal(np.arange(101.0), quantile=0.9) == 90.0
    assert evaluation.threshold_from_normal(np.arange(101.0)) == 99.0
    rng = np.random.default_rng(0)
    threshold = evaluation.threshold_from_normal(rng.normal(size=20_000), quantile=0.95)
    assert np.mean(rng.normal(size=20_000) > threshold) == pytest.approx(0.05, abs=0.005)


def test_detection_report_correctness():
    scores = [0.1, 0.2, 0.3, 0.6, 0.4, 0.8, 0.9, 0.35]
    labels = [0, 0, 0, 0, 1, 1, 1, 1]
    report = evaluation.detection_report(scores, labels, threshold=0.5)
    # Flagged: 0.6 (normal), 0.8 and 0.9 (anomalies) -> TP 2, FP 1, FN 2. Of the 16
    # (anomaly, normal) pairs, 14 have the anomaly scored higher.
    assert report.precision == pytest.approx(2 / 3)
    assert report.recall == pytest.approx(2 / 4)
    assert report.f1 == pytest.approx(4 / 7)
    assert report.roc_auc == pytest.approx(14 / 16)
    assert report == evaluation.detection_report(np.array(scores), np.array(labels, bool), 0.5)
    # Nothing flagged: precision is 0 rather than undefined, and AUC does not change.
    nothing = evaluation.detection_report(scores, labels, threshold=1.0)
    assert (nothing.precision, nothing.recall, nothing.f1) == (0.0, 0.0, 0.0)
    assert nothing.roc_auc == report.roc_auc


def test_mean_sequence_scores_correctness():
    rng = np.random.default_rng(0)
    x_normal = rng.normal(size=(50, 7, 2))
    x = rng.normal(size=(9, 7, 2))
    expected = np.square(x - x_normal.mean(axis=0)).mean(axis=(1, 2))
    np.testing.assert_allclose(evaluation.mean_sequence_scores(x_normal, x), expected, rtol=1e-5)
    # The mean normal sequence scores 0; a constant offset c scores c^2.
    mean = x_normal.mean(axis=0, keepdims=True)
    np.testing.assert_allclose(
        evaluation.mean_sequence_scores(x_normal, np.r_[mean, mean + 0.5]), [0.0, 0.25], atol=1e-6
    )


def test_nearest_neighbour_scores_correctness():
    rng = np.random.default_rng(1)
    x_normal = rng.normal(size=(40, 6, 3))
    x = np.r_[x_normal[:3], rng.normal(size=(20, 6, 3))]
    brute = np.square(x[:, None] - x_normal[None]).mean(axis=(2, 3)).min(axis=1)
    # Batches smaller than the queries give the same answer as one batch.
    for batch_size in (1, 7, 256):
        scores = evaluation.nearest_neighbour_scores(x_normal, x, batch_size=batch_size)
        np.testing.assert_allclose(scores, brute, rtol=1e-4, atol=1e-6)
    # A training sequence is its own nearest neighbour (rounding clipped at 0, not negative).
    assert scores[:3].tolist() == pytest.approx([0.0] * 3, abs=1e-5) and scores.min() >= 0
    # A far-away sequence scores higher than every near copy of a normal one.
    near = x_normal[:5] + 0.01
    far = x_normal[:1] + 3.0
    assert evaluation.nearest_neighbour_scores(x_normal, np.r_[near, far]).argmax() == 5


def test_nearest_neighbour_two_sample_correctness():
    rng = np.random.default_rng(2)
    real = rng.normal(size=(150, 4, 4))
    # Two samples of one distribution mix: the score is near 0, not near 0.5.
    assert abs(evaluation.nearest_neighbour_two_sample(real, rng.normal(size=(150, 4, 4)))) < 0.08
    # Shifted far away: every nearest neighbour has its own origin.
    assert evaluation.nearest_neighbour_two_sample(real, real + 10.0) == 0.5
    # Exact copies of the real examples: each is the other's nearest neighbour, accuracy 0.
    assert evaluation.nearest_neighbour_two_sample(real, real.copy()) == -0.5
    # A blurred generator (every sample near the mean) is told apart.
    blurred = real.mean(axis=0) + 0.1 * rng.normal(size=(150, 4, 4))
    assert evaluation.nearest_neighbour_two_sample(real, blurred) > 0.3
    # Against a brute-force leave-one-out 1-NN on a small case.
    a, b = rng.normal(size=(7, 3)), rng.normal(0.5, size=(5, 3))
    points, origin = np.r_[a, b], np.r_[np.zeros(7), np.ones(5)]
    distances = np.square(points[:, None] - points[None]).sum(-1) + np.diag(np.full(12, np.inf))
    expected = (origin[distances.argmin(1)] == origin).mean() - 0.5
    assert evaluation.nearest_neighbour_two_sample(a, b) == pytest.approx(expected)


@pytest.mark.parametrize(
    "real, synthetic, match",
    [
        (np.zeros((4, 3)), np.zeros((4, 2)), r"`synthetic` must have shape \(batch, 3\).*Received"),
        (np.zeros((1, 3)), np.zeros((4, 3)), r"`real` needs at least 2 examples for a leave-one-out test\. Received 1"),
        (np.zeros((4, 3)), np.full((4, 3), np.nan), r"`synthetic` must contain only finite values\. Received nan"),
    ],
)
def test_nearest_neighbour_two_sample_errors(real, synthetic, match):
    with pytest.raises(ValueError, match=match):
        evaluation.nearest_neighbour_two_sample(real, synthetic)


@pytest.mark.slow
def test_discriminative_score_correctness(sequences):
    real, same, noise = sequences
    # A second draw from the same generator cannot be told apart: accuracy near chance ...
    assert evaluation.discriminative_score(real, same, repeats=1, iterations=1000).mean < 0.1
    # ... noise is separated almost perfectly.
    assert evaluation.discriminative_score(real, noise, repeats=1, iterations=1000).mean > 0.4


@pytest.mark.slow
def test_predictive_score_correctness(sequences):
    real, same, noise = sequences
    floor = evaluation.predictive_score(real, same, repeats=1, iterations=1000).mean
    trained_on_noise = evaluation.predictive_score(real, noise, repeats=1, iterations=1000).mean
    assert floor < 0.1
    assert trained_on_noise > 1.5 * floor


@pytest.mark.slow
@pytest.mark.parametrize("score", [evaluation.discriminative_score, evaluation.predictive_score])
def test_scores_repeat_with_a_seed(score):
    real = sines(64, sequence_length=6, num_features=3)
    synthetic = np.random.default_rng(0).uniform(size=(48, 6, 3))  # a different number is fine
    settings = {"iterations": 100, "batch_size": 16}
    twice = score(real, synthetic, repeats=2, seed=7, **settings)
    assert isinstance(twice, evaluation.Score) and len(twice.values) == 2
    assert twice == score(real, synthetic, repeats=2, seed=7, **settings)
    assert twice.mean == pytest.approx(np.mean(twice.values))
    assert twice.std == pytest.approx(np.std(twice.values))
    once = score(real, synthetic, repeats=1, seed=7, **settings)
    assert once.std == 0.0
    assert once.values == twice.values[:1]  # repeat r does not depend on `repeats`
    other_seed = score(real, synthetic, repeats=2, seed=8, **settings)
    assert other_seed.values != twice.values


def test_embed_real_and_synthetic_basics(sequences):
    real, same, _ = sequences
    real_xy, synthetic_xy = evaluation.embed_real_and_synthetic(real[:200], same[:150], "pca")
    assert real_xy.shape == (200, 2) and synthetic_xy.shape == (150, 2)
    # PCA is fitted on the real set only, so an identical synthetic set lands on the same points.
    real_xy, synthetic_xy = evaluation.embed_real_and_synthetic(real[:200], real[:200], "pca")
    np.testing.assert_allclose(synthetic_xy, real_xy)
    # Larger sets are subsampled, the same way for the same seed.
    real_xy, synthetic_xy = evaluation.embed_real_and_synthetic(real, same, "pca", n=100, seed=3)
    assert real_xy.shape == (100, 2) and synthetic_xy.shape == (100, 2)
    again = evaluation.embed_real_and_synthetic(real, same, "pca", n=100, seed=3)
    np.testing.assert_array_equal(again[0], real_xy)
    real_xy, synthetic_xy = evaluation.embed_real_and_synthetic(real, same, "tsne", n=30)
    assert real_xy.shape == (30, 2) and synthetic_xy.shape == (30, 2)
    assert np.isfinite(real_xy).all() and np.isfinite(synthetic_xy).all()


_SEQ = np.zeros((10, 6, 3))


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: evaluation.discriminative_score(_SEQ, np.zeros((10, 6, 2))), r"same shape.*real.shape=\(10, 6, 3\), synthetic.shape=\(10, 6, 2\)"),
        (lambda: evaluation.predictive_score(_SEQ, np.zeros((10, 5, 3))), "same shape"),
        (lambda: evaluation.discriminative_score(np.zeros((10, 6)), _SEQ), r"\(n, sequence_length, num_features\).*rank 2"),
        (lambda: evaluation.embed_real_and_synthetic(_SEQ, np.zeros((10, 6, 3, 1))), "rank 4"),
        (lambda: evaluation.discriminative_score(np.full((10, 6, 3), np.nan), _SEQ), "finite"),
        (lambda: evaluation.predictive_score(_SEQ, np.full((10, 6, 3), np.inf)), "finite"),
        (lambda: evaluation.discriminative_score(_SEQ, np.zeros((1, 6, 3))), r"at least 2 sequences.*\(1, 6, 3\)"),
        (lambda: evaluation.predictive_score(np.zeros((10, 6, 1)), np.zeros((10, 6, 1))), r"num_features >= 2.*\(6, 1\)"),
        (lambda: evaluation.predictive_score(np.zeros((10, 1, 3)), np.zeros((10, 1, 3))), "sequence_length >= 2"),
        (lambda: evaluation.discriminative_score(_SEQ, _SEQ, repeats=0), "repeats=0"),
        (lambda: evaluation.predictive_score(_SEQ, _SEQ, iterations=0), "iterations=0"),
        (lambda: evaluation.discriminative_score(_SEQ, _SEQ, iterations=2.5), "iterations=2.5"),
        (lambda: evaluation.predictive_score(_SEQ, _SEQ, batch_size=-1), "batch_size=-1"),
        (lambda: evaluation.discriminative_score(_SEQ, _SEQ, hidden_dim=0), "hidden_dim=0"),
        (lambda: evaluation.predictive_score(_SEQ, _SEQ, seed=-1), "seed=-1"),
        (lambda: evaluation.embed_real_and_synthetic(_SEQ, _SEQ, method="umap"), r"\('pca', 'tsne'\).*'umap'"),
        (lambda: evaluation.embed_real_and_synthetic(_SEQ, _SEQ, n=0), "n=0"),
        (lambda: evaluation.embed_real_and_synthetic(_SEQ, _SEQ, method="tsne"), "more than 40.*10 real and 10"),
        (lambda: evaluation.embed_real_and_synthetic(_SEQ[:1], _SEQ, method="pca"), "at least 2 real"),
        (lambda: evaluation.threshold_from_normal(np.zeros((4, 2))), r"1-D.*\(4, 2\)"),
        (lambda: evaluation.threshold_from_normal(np.zeros(0)), "at least one"),
        (lambda: evaluation.threshold_from_normal(np.zeros(4), quantile=1.0), "quantile"),
        (lambda: evaluation.detection_report([0.1, 0.9], [0, 2], 0.5), r"0 \(normal\) or 1.*\[2\]"),
        (lambda: evaluation.detection_report([0.1, 0.9], ["a", "b"], 0.5), "dtype"),
        (lambda: evaluation.detection_report([0.1, 0.9], [1, 1], 0.5), "both classes.*only 1s"),
        (lambda: evaluation.detection_report([0.1, 0.9, 0.5], [0, 1], 0.5), r"same length.*\(3,\).*\(2,\)"),
        (lambda: evaluation.detection_report([0.1, np.nan], [0, 1], 0.5), "finite"),
        (lambda: evaluation.detection_report([0.1, 0.9], [0, 1], float("nan")), "threshold"),
        (lambda: evaluation.kl_per_dimension(np.zeros((4, 2)), np.zeros((4, 3))), r"z_log_var.*\(batch, 2\)"),
        (lambda: evaluation.kl_per_dimension(np.zeros((4, 2)), np.zeros((5, 2))), "same number"),
    ],
)
def test_sequence_and_detection_errors(call, match):
    with pytest.raises(ValueError, match=match):
        call()
