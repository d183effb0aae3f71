import numpy as np
import pytest

from keras_vae import DenseAutoencoder, DenseVAE, evaluation


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


def test_sample_codes_match_the_prior_and_the_fitted_gaussian(images):
    vae = DenseVAE(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    codes = vae.sample_codes(20_000)
    np.testing.assert_allclose(codes.mean(axis=0), [0, 0], atol=0.03)
    np.testing.assert_allclose(codes.std(axis=0), [1, 1], atol=0.03)
    np.testing.assert_array_equal(vae.sample_codes(5, seed=3), vae.sample_codes(5, seed=3))
    np.testing.assert_array_equal(vae.decode(vae.sample_codes(4, seed=2)), vae.sample(4, seed=2))
    ae = DenseAutoencoder(input_shape=(8, 8), latent_dim=2, hidden_dims=(4,), seed=0)
    ae.fit_code_distribution(images)
    codes = ae.sample_codes(20_000)
    fitted = ae.encode(images)
    np.testing.assert_allclose(codes.mean(axis=0), fitted.mean(axis=0), atol=0.05 * fitted.std() + 1e-3)
    np.testing.assert_allclose(codes.std(axis=0), fitted.std(axis=0, ddof=1), rtol=0.05)
