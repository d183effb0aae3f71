"""Every figure function draws under Agg, saves a PNG, and rejects mismatched input."""

import numpy as np
import pytest
from matplotlib.figure import Figure

from keras_vae import plotting

IMAGES = np.random.default_rng(0).random((12, 8, 8))


def test_plotting_basics(tmp_path):
    figures = {
        "grid": plotting.image_grid(IMAGES, 4),
        "reconstructions": plotting.reconstruction_grid(IMAGES, IMAGES[::-1], n=6),
        "samples": plotting.sample_grid(IMAGES.reshape(12, 64), image_shape=(8, 8)),
        "scatter": plotting.latent_scatter(np.random.default_rng(1).normal(size=(12, 2)), np.arange(12) % 10),
        "latent_grid": plotting.decoded_latent_grid(lambda z: np.repeat(z[:, :1], 64, 1).reshape(-1, 8, 8), n=5),
        "curves": plotting.training_curves({"loss": [3, 2, 1], "val_loss": [3.5, 2.5, 2.0], "kl_loss": [0, 1, 1]}),
    }
    for name, figure in figures.items():
        assert isinstance(figure, Figure)
        path = tmp_path / f"{name}.png"
        plotting.save_figure(figure, path)
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_plotting_errors():
    with pytest.raises(ValueError, match="same shape"):
        plotting.reconstruction_grid(IMAGES, IMAGES[:, :4])
